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
pub fn row_marks(agent: &Agent) -> RowMarks {
    let _ = agent;
    RowMarks::default()
}
