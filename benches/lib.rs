//! Helpers for the criterion benches.
