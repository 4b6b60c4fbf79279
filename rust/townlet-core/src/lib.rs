//! The Townlet world, in plain Rust (architecture.md 1, 5).
//!
//! This crate owns the simulation rules and the observation writer; it never mentions
//! Python. `rust/townlet-py` wraps it as `townlet._native`, and `python/townlet/world`
//! mirrors it module by module (same module and function names, same order of
//! operations) so that both worlds stay bit-identical; docs/world-state.md is the
//! contract between them.
//!
//! ```
//! use townlet_core::{actions::ActionMode, settings::WorldSettings, World};
//! let text = include_str!("../../../python/townlet/data/configs/towns/default.map");
//! let mut world = World::new(WorldSettings::default_town("towns/default.map", text)).unwrap();
//! world.reset(0);
//! world.step(&[1; 10], ActionMode::Primitive).unwrap();
//! assert_eq!(world.tick(), 1);
//! ```

#![warn(missing_docs)]

pub mod actions;
pub mod affordances;
pub mod agents;
pub mod canonical;
pub mod clock;
pub mod console;
pub mod controllers;
pub mod econ;
pub mod employment;
pub mod error;
pub mod events;
pub mod exits;
pub mod expr;
pub mod grid;
pub mod interrupts;
pub mod layout;
pub mod lifecycle;
pub mod manifest;
pub mod mapfile;
pub mod needs;
pub mod obs_context;
pub mod obs_facts;
pub mod obs_features;
pub mod obs_map;
pub mod observe;
pub mod perturb;
pub mod rng;
pub mod settings;
pub mod slots;
pub mod snapshot_check;
pub mod state;
pub mod targets;
pub mod tick;
pub mod ties;
pub mod vector;
pub mod world;

pub use error::Error;
pub use world::{StepOutcome, World};
