//! Interruption hooks of perturbations (world.md 8.4, 12.4).
//!
//! Both route into the affordance engine's one interruption procedure
//! ([`crate::affordances::interrupt`]): an outage interrupts every running activity (uid
//! order) at an object whose type requires the utility (reason `utility_outage`); a
//! relocation interrupts the agent's activity or leaves its queue (reason `relocated`).
//! Mirrors `interrupts.py`.

use crate::affordances::{interrupt, Engagement};
use crate::econ::Utility;
use crate::state::WorldState;

/// Reason code `utility_outage` (world.md 6.4).
const UTILITY_OUTAGE: u8 = 26;
/// Reason code `relocated` (world.md 6.4).
const RELOCATED: u8 = 27;

/// Called when `utility` goes down, after `utility_changed`.
pub fn interrupt_for_outage(state: &mut WorldState, utility: Utility) {
    for i in 0..state.agents.len() {
        let Some(agent) = state.agents.get(i) else {
            continue;
        };
        let Engagement::Running { object, .. } = agent.eng else {
            continue;
        };
        if !agent.alive {
            continue;
        }
        let needs = state
            .grid
            .objects
            .get(object)
            .and_then(|o| state.settings.manifest.object_types.get(o.type_index))
            .is_some_and(|t| t.requires.iter().any(|u| u == utility.as_str()));
        if needs {
            interrupt(state, i, UTILITY_OUTAGE);
        }
    }
}

/// Called before agent `index` is moved by an arranged meet.
pub fn interrupt_for_relocation(state: &mut WorldState, index: usize) {
    interrupt(state, index, RELOCATED);
}
