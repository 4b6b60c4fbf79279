//! Interruption hooks of perturbations (world.md 8.4, 12.4).
//!
//! Engagements (queues and running affordances) do not exist in this branch, so both
//! hooks do nothing here. **The integrator wires them to the `aff` branch's
//! interruption procedure at merge**: an outage interrupts every running activity (uid
//! order) at an object whose type requires the utility (reason `utility_outage`); a
//! relocation interrupts the agent's activity or leaves its queue (reason `relocated`).
//! Mirrors `interrupts.py`.

use crate::econ::Utility;
use crate::state::WorldState;

/// Called when `utility` goes down, after `utility_changed`.
pub fn interrupt_for_outage(_state: &mut WorldState, _utility: Utility) {}

/// Called before agent `index` is moved by an arranged meet.
pub fn interrupt_for_relocation(_state: &mut WorldState, _index: usize) {}
