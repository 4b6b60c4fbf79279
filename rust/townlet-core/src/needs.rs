//! Needs decay and the faint counter (world.md 5.1-5.3; tick step 9).
//!
//! For every alive agent in uid order and every need in the order hunger, hygiene,
//! energy: `d = (rate * m_personality) * m_activity`, `v = v - d`, clamped below at +0.0.
//! The faint counter then counts consecutive ticks with `hunger <= threshold`.
//! `m_activity` is the multiplier of the affordance that progressed in this tick's step
//! 8 (world.md 5.2), else 1.0; the product is always written out so the arithmetic
//! matches the Python world operation for operation (`needs.py`).

use crate::agents::Agent;

/// Decays the needs of alive agents and updates their faint counters, in place.
///
/// ```
/// use townlet_core::agents::{Agent, Origin, SpawnKit};
/// let kit = SpawnKit { needs: [0.001, 0.5, 0.5], wallet: 0.0, items: vec![] };
/// let mut a = Agent::new(0, "A".into(), 0, Origin::Initial, 0, (0, 0), kit);
/// townlet_core::needs::decay_needs(std::slice::from_mut(&mut a), [0.0012, 0.0005, 0.0006], true, 0.05, |_| [1.0; 3]);
/// assert_eq!((a.needs[0], a.hunger_low_ticks), (0.0, 1));
/// ```
pub fn decay_needs(
    agents: &mut [Agent],
    decay: [f64; 3],
    apply_personality: bool,
    faint_threshold: f64,
    activity: impl Fn(usize) -> [f64; 3],
) {
    for agent in agents.iter_mut().filter(|a| a.alive) {
        let multipliers = if apply_personality {
            agent.multipliers
        } else {
            [1.0, 1.0, 1.0]
        };
        let m_activity = agent.progressed.map_or([1.0; 3], &activity);
        for (((value, rate), m_personality), m_act) in agent
            .needs
            .iter_mut()
            .zip(decay)
            .zip(multipliers)
            .zip(m_activity)
        {
            let v = *value - (rate * m_personality) * m_act;
            *value = if v >= 0.0 { v } else { 0.0 };
        }
        if agent.needs[0] <= faint_threshold {
            agent.hunger_low_ticks = agent.hunger_low_ticks.saturating_add(1);
        } else {
            agent.hunger_low_ticks = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::{Origin, SpawnKit};

    fn agent(needs: [f64; 3]) -> Agent {
        Agent::new(
            0,
            "A".into(),
            0,
            Origin::Initial,
            0,
            (0, 0),
            SpawnKit {
                needs,
                wallet: 0.0,
                items: vec![],
            },
        )
    }

    #[test]
    fn decay_applies_the_personality_multiplier_first() {
        let mut a = agent([0.8, 0.8, 0.8]);
        a.multipliers = [0.95, 1.1, 0.9];
        decay_needs(
            std::slice::from_mut(&mut a),
            [0.0012, 0.0005, 0.0006],
            true,
            0.05,
            |_| [1.0; 3],
        );
        assert_eq!(a.needs[0], 0.8 - (0.0012 * 0.95) * 1.0);
        assert_eq!(a.needs[1], 0.8 - (0.0005 * 1.1) * 1.0);
        assert_eq!(a.needs[2], 0.8 - (0.0006 * 0.9) * 1.0);
    }

    #[test]
    fn multipliers_are_ignored_when_personality_is_off() {
        let mut a = agent([0.8, 0.8, 0.8]);
        a.multipliers = [2.0, 2.0, 2.0];
        decay_needs(
            std::slice::from_mut(&mut a),
            [0.1, 0.1, 0.1],
            false,
            0.05,
            |_| [1.0; 3],
        );
        assert_eq!(a.needs, [0.8 - 0.1, 0.8 - 0.1, 0.8 - 0.1]);
    }

    #[test]
    fn faint_counter_counts_consecutive_low_ticks() {
        let mut a = agent([0.05 + 0.0012, 1.0, 1.0]);
        a.hunger_low_ticks = 4;
        decay_needs(
            std::slice::from_mut(&mut a),
            [0.0012, 0.0, 0.0],
            true,
            0.05,
            |_| [1.0; 3],
        );
        assert_eq!(a.hunger_low_ticks, 5);
        a.needs[0] = 0.5;
        decay_needs(
            std::slice::from_mut(&mut a),
            [0.0012, 0.0, 0.0],
            true,
            0.05,
            |_| [1.0; 3],
        );
        assert_eq!(a.hunger_low_ticks, 0);
    }

    #[test]
    fn dead_agents_do_not_decay() {
        let mut a = agent([0.5, 0.5, 0.5]);
        a.alive = false;
        decay_needs(
            std::slice::from_mut(&mut a),
            [0.1, 0.1, 0.1],
            true,
            0.05,
            |_| [1.0; 3],
        );
        assert_eq!(a.needs, [0.5, 0.5, 0.5]);
    }
}
