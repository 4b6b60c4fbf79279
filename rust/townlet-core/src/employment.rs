//! Jobs, shifts and wages (world.md 9.1-9.5, docs/rules/economy-and-jobs.md).
//!
//! [`assign_job`] picks a job at spawn; [`employment_step`] is pipeline step 10: shift
//! start, arrival (on time or late), absence, wages per tick of presence and the
//! shift's end. The relationship events `took_shift` and `helped_late` go through the
//! shared `chat_pair_event` helper. Mirrors `employment.py`.
//!
//! ```
//! use townlet_core::employment::ShiftState;
//! assert_eq!(ShiftState::parse("on_time"), Some(ShiftState::OnTime));
//! assert!(ShiftState::Late.working());
//! ```

use serde::Deserialize;

use crate::actions::chat_pair_event;
use crate::canonical::StateValue;
use crate::error::{py_float, Error};
use crate::events::EventData;
use crate::exits::{absences, trigger_exit, ExitReason};
use crate::state::WorldState;
use crate::ties::TieEvent;

/// One job (world.md 9.1).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct JobSpec {
    /// Job id, e.g. `clerk`.
    pub id: String,
    /// Zone name where the job is done; a zone the map lacks is never reached.
    pub site: String,
    /// Agents that can hold the job.
    pub positions: u32,
    /// Minute of day the shift starts.
    pub shift_start: i64,
    /// Shift length in ticks (>= 60; the shift ends before midnight).
    pub shift_length: i64,
    /// Wage per tick of presence.
    pub wage_per_tick: f64,
}

/// Punctuality rules (`employment`, world.md 9.1).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
pub struct EmploymentSettings {
    /// Arrival with `minute - shift_start <= grace_ticks` is on time (default 10).
    pub grace_ticks: i64,
    /// Still not arrived at this elapsed time: absent (default 60).
    pub absent_after_ticks: i64,
    /// Withheld from the wages of a late shift (default 0.30).
    pub lateness_fine: f64,
}

impl Default for EmploymentSettings {
    fn default() -> Self {
        EmploymentSettings {
            grace_ticks: 10,
            absent_after_ticks: 60,
            lateness_fine: 0.30,
        }
    }
}

/// The three jobs of world.md 9.1 (clerk, grocer, barista).
pub fn default_jobs() -> Vec<JobSpec> {
    let job = |id: &str, site: &str, positions: u32, shift_start: i64| JobSpec {
        id: id.to_string(),
        site: site.to_string(),
        positions,
        shift_start,
        shift_length: 480,
        wage_per_tick: 0.01,
    };
    vec![
        job("clerk", "office", 6, 480),
        job("grocer", "grocer", 2, 540),
        job("barista", "cafe", 2, 660),
    ]
}

/// The state of a shift record (world.md 9.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ShiftState {
    /// No shift running for this agent.
    #[default]
    Off,
    /// The shift started; the agent has not arrived yet.
    Awaiting,
    /// Arrived within the grace.
    OnTime,
    /// Arrived after the grace.
    Late,
    /// Not arrived by `absent_after_ticks` (final).
    Absent,
}

impl ShiftState {
    /// Every state, in the order of world.md 9.3.
    pub const ALL: [ShiftState; 5] = [
        ShiftState::Off,
        ShiftState::Awaiting,
        ShiftState::OnTime,
        ShiftState::Late,
        ShiftState::Absent,
    ];

    /// The state's name.
    pub fn as_str(self) -> &'static str {
        match self {
            ShiftState::Off => "off",
            ShiftState::Awaiting => "awaiting",
            ShiftState::OnTime => "on_time",
            ShiftState::Late => "late",
            ShiftState::Absent => "absent",
        }
    }

    /// The state called `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// `on_time` or `late`: the agent arrived and is paid while present.
    pub fn working(self) -> bool {
        matches!(self, ShiftState::OnTime | ShiftState::Late)
    }
}

/// The shift record of one agent (world.md 9.3).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shift {
    /// The record's state.
    pub state: ShiftState,
    /// Day of the shift (-1 before the first one).
    pub day: i64,
    /// Minute of arrival (-1 when not arrived).
    pub arrived_minute: i64,
    /// Ticks present while working.
    pub present_ticks: u32,
    /// Wages paid so far.
    pub paid: f64,
    /// Fine withheld so far.
    pub withheld: f64,
    /// Fine still to withhold.
    pub fine_outstanding: f64,
}

impl Default for Shift {
    fn default() -> Self {
        Shift {
            state: ShiftState::Off,
            day: -1,
            arrived_minute: -1,
            present_ticks: 0,
            paid: 0.0,
            withheld: 0.0,
            fine_outstanding: 0.0,
        }
    }
}

/// The job a spawning agent with `uid` gets (world.md 9.2), or `None`.
///
/// Scans `j = uid mod J, ...` cyclically and takes the first job whose alive holders
/// are fewer than its positions.
pub fn assign_job(state: &WorldState, uid: u32) -> Option<usize> {
    let jobs = &state.settings.jobs;
    let n = jobs.len();
    if n == 0 {
        return None;
    }
    let first = usize::try_from(uid).unwrap_or(0) % n;
    (0..n).map(|i| (first + i) % n).find(|&j| {
        let filled = state
            .agents
            .iter()
            .filter(|a| a.alive && a.job == Some(j))
            .count();
        jobs.get(j)
            .is_some_and(|job| filled < usize::try_from(job.positions).unwrap_or(usize::MAX))
    })
}

/// Whether agent `index` stands in its job's site zone now.
pub fn present(state: &WorldState, index: usize) -> bool {
    let Some(agent) = state.agents.get(index) else {
        return false;
    };
    let Some(site) = agent
        .job
        .and_then(|j| state.job_sites.get(j).copied().flatten())
    else {
        return false;
    };
    state.grid.zone_at(agent.x, agent.y) == Some(site)
}

/// [`on_shift`] of an agent given by reference.
pub fn agent_on_shift(state: &WorldState, agent: &crate::agents::Agent) -> bool {
    let site = agent
        .job
        .and_then(|j| state.job_sites.get(j).copied().flatten());
    agent.alive
        && agent.shift.state.working()
        && site.is_some()
        && state.grid.zone_at(agent.x, agent.y) == site
}

/// `agent.on_shift` (world.md 9.3): working (`on_time` or `late`) and present now.
pub fn on_shift(state: &WorldState, index: usize) -> bool {
    state
        .agents
        .get(index)
        .is_some_and(|a| a.alive && a.shift.state.working())
        && present(state, index)
}

/// The id of job `job`.
pub fn job_id(state: &WorldState, job: usize) -> &str {
    state.settings.jobs.get(job).map_or("", |j| j.id.as_str())
}

/// Applies `event` between agent `index` (actor) and each coworker on shift.
fn with_coworkers(state: &mut WorldState, index: usize, job: usize, event: TieEvent) {
    for other in 0..state.agents.len() {
        let coworker = other != index
            && state
                .agents
                .get(other)
                .is_some_and(|a| a.alive && a.job == Some(job))
            && state.shift_present.get(other).copied().unwrap_or(false)
            && state.shift_prev.get(other).is_some_and(|s| s.working());
        if coworker {
            chat_pair_event(state, index, other, event);
        }
    }
}

/// Step 10 (world.md 9.4): shifts, arrivals, absences and wages, uid order.
pub fn employment_step(state: &mut WorldState) {
    if state.settings.jobs.is_empty() {
        return;
    }
    let n = state.agents.len();
    state.shift_present.clear();
    state.shift_prev.clear();
    for index in 0..n {
        let here = state.agents.get(index).is_some_and(|a| a.alive) && present(state, index);
        state.shift_present.push(here);
        let prev = state
            .agents
            .get(index)
            .map_or(ShiftState::Off, |a| a.shift.state);
        state.shift_prev.push(prev);
    }
    let (minute, today) = (state.minute(), state.day());
    let rules = state.settings.employment;
    for index in 0..n {
        let Some(agent) = state.agents.get(index) else {
            continue;
        };
        let Some(j) = agent.job.filter(|_| agent.alive) else {
            continue;
        };
        let Some(job) = state.settings.jobs.get(j) else {
            continue;
        };
        let (start, length, wage) = (job.shift_start, job.shift_length, job.wage_per_tick);
        let e = minute - start;
        let here = state.shift_present.get(index).copied().unwrap_or(false);
        let uid = agent.uid;
        if e == length && agent.shift.state != ShiftState::Off {
            let s = agent.shift;
            let id = state.job_names.get(j).copied().unwrap_or(0);
            state.events.emit(EventData::ShiftEnded(Box::new((
                uid,
                id,
                s.state,
                s.present_ticks,
                s.paid,
                s.withheld,
            ))));
            if let Some(a) = state.agents.get_mut(index) {
                a.shift.state = ShiftState::Off;
                a.shift.fine_outstanding = 0.0;
            }
        }
        if e == 0 {
            if let Some(a) = state.agents.get_mut(index) {
                a.shift = Shift {
                    state: ShiftState::Awaiting,
                    day: today,
                    ..Shift::default()
                };
            }
        }
        if !(0 <= e && e < length) {
            continue;
        }
        let current = state
            .agents
            .get(index)
            .map_or(ShiftState::Off, |a| a.shift.state);
        if current == ShiftState::Awaiting && here {
            let late = e > rules.grace_ticks;
            if let Some(a) = state.agents.get_mut(index) {
                a.shift.arrived_minute = minute;
                if late {
                    a.shift.state = ShiftState::Late;
                    a.shift.fine_outstanding = rules.lateness_fine;
                } else {
                    a.shift.state = ShiftState::OnTime;
                }
                a.shift_start_mark = if late { 2 } else { 1 };
            }
            state.events.emit(EventData::ShiftStarted {
                uid,
                job: state.job_names.get(j).copied().unwrap_or(0),
                ticks_late: if late { e } else { -1 },
            });
            if late {
                with_coworkers(state, index, j, TieEvent::HelpedLate);
            }
        } else if current == ShiftState::Awaiting && e >= rules.absent_after_ticks {
            let window = state.settings.exits.absence_window_days;
            let count = state.agents.get_mut(index).map_or(0, |a| {
                a.shift.state = ShiftState::Absent;
                a.shift_absent_mark = true;
                a.absence_days.push(a.shift.day);
                absences(&a.absence_days, today, window)
            });
            state.events.emit(EventData::ShiftAbsent {
                uid,
                job: state.job_names.get(j).copied().unwrap_or(0),
                absences: count,
            });
            with_coworkers(state, index, j, TieEvent::TookShift);
            if count >= state.settings.exits.max_absences {
                trigger_exit(state, index, ExitReason::Absences);
            }
        }
        if let Some(a) = state.agents.get_mut(index) {
            if a.shift.state.working() && here {
                a.shift.present_ticks = a.shift.present_ticks.saturating_add(1);
                let h = if wage < a.shift.fine_outstanding {
                    wage
                } else {
                    a.shift.fine_outstanding
                };
                a.shift.fine_outstanding -= h;
                a.wallet += wage - h;
                a.wage_paid = wage - h;
                a.shift.paid += wage - h;
                a.shift.withheld += h;
            }
        }
    }
}

/// The exported shift record (docs/world-state.md 3).
pub fn export_shift(shift: &Shift) -> StateValue {
    StateValue::dict([
        ("state", StateValue::str(shift.state.as_str())),
        ("day", StateValue::Int(shift.day)),
        ("arrived_minute", StateValue::Int(shift.arrived_minute)),
        ("present_ticks", StateValue::from(shift.present_ticks)),
        ("paid", StateValue::Float(shift.paid)),
        ("withheld", StateValue::Float(shift.withheld)),
        (
            "fine_outstanding",
            StateValue::Float(shift.fine_outstanding),
        ),
    ])
}

/// Reads a checked shift record.
pub fn import_shift(node: &StateValue) -> Shift {
    let int = |k: &str| match node.get(k) {
        Some(StateValue::Int(i)) => *i,
        _ => 0,
    };
    let float = |k: &str| match node.get(k) {
        Some(StateValue::Float(x)) => *x,
        _ => 0.0,
    };
    let state = match node.get("state") {
        Some(StateValue::Str(s)) => ShiftState::parse(s).unwrap_or_default(),
        _ => ShiftState::Off,
    };
    Shift {
        state,
        day: int("day"),
        arrived_minute: int("arrived_minute"),
        present_ticks: u32::try_from(int("present_ticks")).unwrap_or(0),
        paid: float("paid"),
        withheld: float("withheld"),
        fine_outstanding: float("fine_outstanding"),
    }
}

/// Index of the job called `id`.
pub fn job_index(state: &WorldState, id: &str) -> Option<usize> {
    state.settings.jobs.iter().position(|j| j.id == id)
}

/// Checks every agent's `job`, `shift` and `absence_days` of a sound-shaped tree.
pub fn check_employment(state: &WorldState, tree: &StateValue) -> Result<(), Error> {
    let tick = match tree.get("tick") {
        Some(StateValue::Int(t)) => *t,
        _ => 0,
    };
    let today = state.clock.day(tick);
    let tpd = state.clock.ticks_per_day;
    let Some(StateValue::List(agents)) = tree.get("agents") else {
        return Ok(());
    };
    for (i, a) in agents.iter().enumerate() {
        let p = format!("agents[{i}]");
        if let Some(StateValue::Str(job)) = a.get("job") {
            if job_index(state, job).is_none() {
                return Err(Error::snapshot(
                    format!("{p}.job"),
                    format!("unknown job '{job}'"),
                ));
            }
        }
        let Some(shift) = a.get("shift") else {
            continue;
        };
        if let Some(StateValue::Str(s)) = shift.get("state") {
            if ShiftState::parse(s).is_none() {
                return Err(Error::snapshot(
                    format!("{p}.shift.state"),
                    format!("unknown shift state '{s}'"),
                ));
            }
        }
        let ints = [
            ("day", -1, today),
            ("arrived_minute", -1, tpd - 1),
            ("present_ticks", 0, i64::from(u32::MAX)),
        ];
        for (key, lo, hi) in ints {
            if let Some(StateValue::Int(v)) = shift.get(key) {
                if *v < lo || *v > hi {
                    return Err(Error::snapshot(
                        format!("{p}.shift.{key}"),
                        format!("must be in [{lo}, {hi}], got {v}"),
                    ));
                }
            }
        }
        for key in ["paid", "withheld", "fine_outstanding"] {
            if let Some(StateValue::Float(x)) = shift.get(key) {
                if *x < 0.0 {
                    return Err(Error::snapshot(
                        format!("{p}.shift.{key}"),
                        format!("must be >= 0.0, got {}", py_float(*x)),
                    ));
                }
            }
        }
        if let Some(StateValue::List(days)) = a.get("absence_days") {
            let mut prev = -1;
            for (k, d) in days.iter().enumerate() {
                if let StateValue::Int(d) = d {
                    if *d < prev || *d > today {
                        return Err(Error::snapshot(
                            format!("{p}.absence_days[{k}]"),
                            format!("expected ascending days in [0, {today}], got {d}"),
                        ));
                    }
                    prev = *d;
                }
            }
        }
    }
    Ok(())
}
