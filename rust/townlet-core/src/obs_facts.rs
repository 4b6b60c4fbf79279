//! World facts the observations read that other branches own (learning.md 1.4, 1.3).
//!
//! Every function here returns the neutral value of this branch (nobody employed, no
//! engagement, no option, no perturbation) and names, in its docs, the branch that wires
//! it. The feature and map writers call only these functions for such facts, so the
//! integrator replaces bodies here and nothing else. The Python twin is
//! `python/townlet/world/obs_facts.py`. None of them may allocate: `observe` calls them
//! per agent (or per object) every tick.
//!
//! ```
//! use townlet_core::obs_facts::EngagementFacts;
//! assert!(!EngagementFacts::default().busy);
//! ```

use crate::agents::Agent;
use crate::state::WorldState;

/// What an agent's engagement says (features 9, 36-38).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EngagementFacts {
    /// Engagement is `running` or `using`.
    pub busy: bool,
    /// When `waiting`: the 0-based position among the object's waiters.
    pub queue_position: Option<u32>,
    /// Engagement is `holding` (a reservation).
    pub holding: bool,
}

/// An employed agent's job facts (features 13-23, channel `workplace`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobFacts {
    /// `on_shift` as in W§9.3.
    pub on_shift: bool,
    /// Shift state index: 0 off, 1 awaiting, 2 on_time, 3 late, 4 absent.
    pub shift_state: usize,
    /// Minute of day the shift starts.
    pub shift_start: i64,
    /// Shift length in ticks (> 0).
    pub shift_length: i64,
    /// `absences(today)`.
    pub absences: i64,
    /// `max_absences`.
    pub max_absences: i64,
    /// The job site zone index.
    pub site: usize,
}

/// The active option of an agent (features 25-34).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OptionFacts {
    /// Index 0..7 into `opt_get_fed` .. `opt_go_home` (GetFed = 0); `None` when idle,
    /// in primitive mode, or Wait.
    pub active: Option<usize>,
    /// Ticks since the active option started.
    pub age: i64,
    /// Commitment lock open.
    pub locked: bool,
    /// The most recently ended option ended in failure.
    pub last_failed: bool,
}

/// World-wide perturbation flags (features 91-93).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WorldFacts {
    /// Any price spike active.
    pub price_spike: bool,
    /// Power down.
    pub power_out: bool,
    /// Water down.
    pub water_out: bool,
}

/// Engagement of `agent`. Wired by the engagement/queues branch.
pub fn engagement(state: &WorldState, agent: &Agent) -> EngagementFacts {
    use crate::affordances::Engagement;
    match agent.eng {
        Engagement::Running { .. } | Engagement::Using { .. } => EngagementFacts {
            busy: true,
            ..EngagementFacts::default()
        },
        Engagement::Holding { .. } => EngagementFacts {
            holding: true,
            ..EngagementFacts::default()
        },
        Engagement::Waiting { object, .. } => EngagementFacts {
            queue_position: state
                .queues
                .get(object)
                .and_then(|q| q.waiters.iter().position(|w| w.uid == agent.uid))
                .and_then(|p| u32::try_from(p).ok()),
            ..EngagementFacts::default()
        },
        Engagement::None => EngagementFacts::default(),
    }
}

/// Job of `agent`, `None` when unemployed. Wired by the jobs/shifts branch.
pub fn job(state: &WorldState, agent: &Agent) -> Option<JobFacts> {
    use crate::employment::ShiftState;
    let j = agent.job?;
    let spec = state.settings.jobs.get(j)?;
    let site = state.job_sites.get(j).copied().flatten();
    let present = site.is_some() && state.grid.zone_at(agent.x, agent.y) == site;
    let exits = &state.settings.exits;
    Some(JobFacts {
        on_shift: agent.alive && agent.shift.state.working() && present,
        shift_state: match agent.shift.state {
            ShiftState::Off => 0,
            ShiftState::Awaiting => 1,
            ShiftState::OnTime => 2,
            ShiftState::Late => 3,
            ShiftState::Absent => 4,
        },
        shift_start: spec.shift_start,
        shift_length: spec.shift_length,
        absences: i64::from(crate::exits::absences(
            &agent.absence_days,
            state.day(),
            exits.absence_window_days,
        )),
        max_absences: i64::from(exits.max_absences),
        site: site.unwrap_or(usize::MAX),
    })
}

/// `(rent_missed_streak, rent_missed_limit)`; limit 0 reads as 0. Wired by the
/// jobs/shifts/exits branch.
pub fn rent_missed(state: &WorldState, agent: &Agent) -> (i64, i64) {
    (
        i64::from(agent.rent_missed_streak),
        i64::from(state.settings.exits.rent_missed_limit),
    )
}

/// The agent's `exit_pending` flag. Wired by the jobs/shifts/exits branch.
pub fn exit_pending(_state: &WorldState, agent: &Agent) -> bool {
    agent.exit_pending
}

/// The agent's active option (`agent.opt`, learning.md 2.3): the one-hot index is
/// the option id − 1; the lock as the mask written at the end of this tick sees it.
pub fn option(state: &WorldState, agent: &Agent) -> OptionFacts {
    let o = &agent.opt;
    let a = &state.settings.actions;
    let active = usize::try_from(o.active - 1).ok().filter(|&k| k < 7);
    OptionFacts {
        active,
        age: if active.is_some() {
            state.tick - o.start
        } else {
            0
        },
        locked: active.is_some()
            && (a.commitment == "until_done" || state.tick < o.lock_end)
            && agent.needs.iter().all(|&n| n >= a.critical_need),
        last_failed: o.last == crate::controllers::Outcome::Failure,
    }
}

/// Feature 89: an avoided resident holds or waits at the object the observer waits
/// for, or that its active option targets.
pub fn rival_at_target(state: &WorldState, agent: &Agent) -> bool {
    let waited = match agent.eng {
        crate::affordances::Engagement::Waiting { object, .. } => Some(object),
        _ => None,
    };
    let targeted = usize::try_from(agent.opt.target)
        .ok()
        .filter(|_| agent.opt.active > 0 && agent.opt.active != crate::controllers::SOCIALISE);
    let avoid = state.settings.relationships.avoid_threshold;
    [waited, targeted].into_iter().flatten().any(|obj| {
        state.agents.iter().any(|other| {
            other.alive
                && other.uid != agent.uid
                && other.eng.object() == Some(obj)
                && agent
                    .ties
                    .get(other.uid)
                    .is_some_and(|t| t.rivalry >= avoid)
        })
    })
}

/// Perturbation flags of the tick. Wired by the perturbations/utilities branch.
pub fn world_flags(state: &WorldState) -> WorldFacts {
    use crate::econ::{utility_up, Utility};
    WorldFacts {
        price_spike: crate::perturb::any_active(state, crate::perturb::PertKind::PriceSpike),
        power_out: !utility_up(state, Utility::Power),
        water_out: !utility_up(state, Utility::Water),
    }
}

/// The observer takes part in an active arranged meet. Wired by the perturbations
/// branch.
pub fn meet_invite(state: &WorldState, agent: &Agent) -> bool {
    crate::perturb::in_active_meet(state, agent.uid)
}

/// Holders of object `index` (channel `in_use`). Wired by the engagement branch.
pub fn object_holders(state: &WorldState, index: usize) -> u32 {
    state
        .queues
        .get(index)
        .map_or(0, |q| u32::try_from(q.holders.len()).unwrap_or(u32::MAX))
}

/// Waiters of object `index` (channel `queue`). Wired by the engagement branch.
pub fn object_waiters(state: &WorldState, index: usize) -> u32 {
    state
        .queues
        .get(index)
        .map_or(0, |q| u32::try_from(q.waiters.len()).unwrap_or(u32::MAX))
}
