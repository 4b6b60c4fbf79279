//! The per-tick marks of a resident that feed the reward rows (the shared contract:
//! `wage_paid`, `shift_start_mark`, `shift_absent_mark`, `term_mark` on `Agent`).

use crate::agents::Agent;

/// One resident's marks for this tick.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RowMarks {
    /// Wage credited this tick (w − h).
    pub wage: f64,
    /// 0 none, 1 on time, 2 late.
    pub shift_start: i8,
    /// A `shift_absent` this tick.
    pub shift_absent: bool,
    /// 0 none, 1 faint, 2 eviction, 3 killed.
    pub terminal: i8,
}

/// The marks of `agent` after a tick.
///
/// ```
/// let text = include_str!("../../../../python/townlet/data/configs/towns/default.map");
/// let settings = townlet_core::settings::WorldSettings::default_town("towns/default.map", text);
/// let mut world = townlet_core::World::new(settings).unwrap();
/// world.reset(0);
/// let marks = townlet_core::vector::row_marks(&world.agents()[0]);
/// assert_eq!((marks.wage, marks.terminal), (0.0, 0));
/// ```
pub fn row_marks(agent: &Agent) -> RowMarks {
    RowMarks {
        wage: agent.wage_paid,
        shift_start: i8::try_from(agent.shift_start_mark).unwrap_or(0),
        shift_absent: agent.shift_absent_mark,
        terminal: i8::try_from(agent.term_mark).unwrap_or(0),
    }
}
