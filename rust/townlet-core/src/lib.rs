//! The Townlet world, in plain Rust (architecture.md 1, 5).
//!
//! This crate owns the simulation rules and the observation writer; it never mentions
//! Python. `rust/townlet-py` wraps it as `townlet._native`, and `python/townlet/world`
//! mirrors it module by module so that both worlds stay bit-identical
//! (docs/world-state.md is the contract).

pub mod canonical;
pub mod clock;
pub mod error;
pub mod grid;
pub mod mapfile;
pub mod rng;
pub mod settings;

pub use error::Error;
