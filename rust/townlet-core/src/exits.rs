//! Exit reviews and evictions (world.md 9.5, 9.6; docs/rules/economy-and-jobs.md).
//!
//! Too many absences or missed rents put an agent in the exit queue (`exit_pending`);
//! step 12 evicts from its head within the daily cap and the cooldown, or reprieves an
//! agent whose condition no longer holds. The console approves (immediate eviction in
//! step 12), defers (removes from the queue) and changes the daily cap. Mirrors
//! `exits.py`.
//!
//! ```
//! use townlet_core::exits::absences;
//! // Window of 7 days on day 10: days 4..=10 count.
//! assert_eq!(absences(&[2, 4, 9, 10], 10, 7), 3);
//! ```

use serde::Deserialize;

use crate::canonical::StateValue;
use crate::error::Error;
use crate::events::EventData;
use crate::lifecycle::terminate;
use crate::state::WorldState;

/// Exit review settings (`exits`, world.md 9.1).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
pub struct ExitSettings {
    /// Absences are counted over this many days, today included (default 7).
    pub absence_window_days: i64,
    /// Absences in the window that trigger a review (default 3).
    pub max_absences: u32,
    /// Consecutive missed rents that trigger a review (default 3).
    pub rent_missed_limit: u32,
    /// Evictions per day at start; 0 pauses evictions (default 2, console-changeable).
    pub daily_exit_cap: u32,
    /// Minimum ticks between two evictions (default 120).
    pub exit_cooldown_ticks: i64,
}

impl Default for ExitSettings {
    fn default() -> Self {
        ExitSettings {
            absence_window_days: 7,
            max_absences: 3,
            rent_missed_limit: 3,
            daily_exit_cap: 2,
            exit_cooldown_ticks: 120,
        }
    }
}

/// Why an agent entered the exit queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitReason {
    /// Too many absences in the window.
    Absences,
    /// Too many consecutive missed rents.
    Rent,
}

impl ExitReason {
    /// The reason's name.
    pub fn as_str(self) -> &'static str {
        match self {
            ExitReason::Absences => "absences",
            ExitReason::Rent => "rent",
        }
    }

    /// The reason called `name`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "absences" => Some(ExitReason::Absences),
            "rent" => Some(ExitReason::Rent),
            _ => None,
        }
    }
}

/// One exit queue entry (world.md 9.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExitEntry {
    /// The pending agent's uid.
    pub uid: u32,
    /// Why it was enqueued.
    pub reason: ExitReason,
    /// Tick it was enqueued.
    pub enqueued_tick: i64,
}

/// Number of absence days `d` with `today - d < window` (world.md 9.5).
pub fn absences(days: &[i64], today: i64, window: i64) -> u32 {
    let n = days.iter().filter(|&&d| today - d < window).count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn queue_length(state: &WorldState) -> u32 {
    u32::try_from(state.exit_queue.len()).unwrap_or(u32::MAX)
}

/// Enqueues agent `index` with `reason` unless it is already pending (world.md 9.6).
pub fn trigger_exit(state: &mut WorldState, index: usize, reason: ExitReason) {
    let tick = state.tick;
    let Some(agent) = state.agents.get_mut(index) else {
        return;
    };
    if agent.exit_pending {
        return;
    }
    agent.exit_pending = true;
    let uid = agent.uid;
    state.exit_queue.push(ExitEntry {
        uid,
        reason,
        enqueued_tick: tick,
    });
    let length = queue_length(state);
    state.events.emit(EventData::ExitPending {
        uid,
        reason,
        queue_length: length,
    });
}

/// Step 4 at a day boundary: prunes absence windows, `exits_today = 0`.
pub fn day_boundary(state: &mut WorldState) {
    let (today, window) = (state.day(), state.settings.exits.absence_window_days);
    for agent in &mut state.agents {
        agent.absence_days.retain(|&d| today - d < window);
    }
    state.exits_today = 0;
}

/// Termination hook: the agent leaves the exit queue (no event).
pub fn forget(state: &mut WorldState, uid: u32) {
    state.exit_queue.retain(|e| e.uid != uid);
}

/// Removes agent `index` from the queue with `exit_reprieved`; false if not pending.
pub fn reprieve(state: &mut WorldState, index: usize) -> bool {
    let Some(agent) = state.agents.get_mut(index) else {
        return false;
    };
    let uid = agent.uid;
    let Some(pos) = state.exit_queue.iter().position(|e| e.uid == uid) else {
        return false;
    };
    agent.exit_pending = false;
    let entry = state.exit_queue.remove(pos);
    let length = queue_length(state);
    state.events.emit(EventData::ExitReprieved {
        uid,
        reason: entry.reason,
        queue_length: length,
    });
    true
}

/// Which eviction condition agent `index` still meets: `absences`, else `rent`.
fn still_due(state: &WorldState, index: usize) -> Option<ExitReason> {
    let agent = state.agents.get(index)?;
    let x = &state.settings.exits;
    if absences(&agent.absence_days, state.day(), x.absence_window_days) >= x.max_absences {
        Some(ExitReason::Absences)
    } else if agent.rent_missed_streak >= x.rent_missed_limit {
        Some(ExitReason::Rent)
    } else {
        None
    }
}

fn evict(state: &mut WorldState, index: usize, detail: &str) {
    terminate(state, index, "eviction", Some(detail.to_string()));
    state.exits_today = state.exits_today.saturating_add(1);
    state.last_exit_tick = Some(state.tick);
}

/// Step 12 after faint terminations: manual approvals in arrival order, then the queue
/// within the daily cap and the cooldown (world.md 9.6).
pub fn process_exits(state: &mut WorldState) {
    let approvals = std::mem::take(&mut state.exit_approvals);
    for &uid in &approvals {
        if let Some(index) = state.agents.iter().position(|a| a.uid == uid && a.alive) {
            evict(state, index, "manual");
        }
    }
    state.exit_approvals = approvals;
    state.exit_approvals.clear();
    let cooldown = state.settings.exits.exit_cooldown_ticks;
    while !state.exit_queue.is_empty()
        && state.exits_today < state.daily_exit_cap
        && state
            .last_exit_tick
            .is_none_or(|last| state.tick - last >= cooldown)
    {
        let entry = state.exit_queue.remove(0);
        let Some(index) = state.agents.iter().position(|a| a.uid == entry.uid) else {
            continue;
        };
        match still_due(state, index) {
            Some(reason) => evict(state, index, reason.as_str()),
            None => {
                if let Some(agent) = state.agents.get_mut(index) {
                    agent.exit_pending = false;
                }
                let length = queue_length(state);
                state.events.emit(EventData::ExitReprieved {
                    uid: entry.uid,
                    reason: entry.reason,
                    queue_length: length,
                });
            }
        }
    }
}

/// The `exits` subtree of the state (docs/world-state.md 3).
pub fn export_exits(state: &WorldState) -> StateValue {
    StateValue::dict([
        (
            "queue",
            StateValue::List(
                state
                    .exit_queue
                    .iter()
                    .map(|e| {
                        StateValue::dict([
                            ("uid", StateValue::from(e.uid)),
                            ("reason", StateValue::str(e.reason.as_str())),
                            ("enqueued_tick", StateValue::Int(e.enqueued_tick)),
                        ])
                    })
                    .collect(),
            ),
        ),
        ("exits_today", StateValue::from(state.exits_today)),
        ("last_exit_tick", StateValue::opt_int(state.last_exit_tick)),
    ])
}

/// Reads a checked `exits` subtree back into `state`.
pub fn import_exits(state: &mut WorldState, node: &StateValue) {
    let int = |n: &StateValue, k: &str| match n.get(k) {
        Some(StateValue::Int(i)) => *i,
        _ => 0,
    };
    state.exit_queue = match node.get("queue") {
        Some(StateValue::List(items)) => items
            .iter()
            .map(|e| ExitEntry {
                uid: u32::try_from(int(e, "uid")).unwrap_or(0),
                reason: match e.get("reason") {
                    Some(StateValue::Str(r)) => ExitReason::parse(r).unwrap_or(ExitReason::Rent),
                    _ => ExitReason::Rent,
                },
                enqueued_tick: int(e, "enqueued_tick"),
            })
            .collect(),
        _ => Vec::new(),
    };
    state.exits_today = u32::try_from(int(node, "exits_today")).unwrap_or(0);
    state.last_exit_tick = match node.get("last_exit_tick") {
        Some(StateValue::Int(t)) => Some(*t),
        _ => None,
    };
}

/// Checks the `exits` subtree, `settings.daily_exit_cap` and every `exit_pending` of a
/// sound-shaped tree: queue entries name distinct alive agents, each pending exactly
/// when queued, known reasons, ticks within `[0, tick]`.
pub fn check_exits(tree: &StateValue) -> Result<(), Error> {
    let int = |n: &StateValue, k: &str| match n.get(k) {
        Some(StateValue::Int(i)) => *i,
        _ => 0,
    };
    let tick = int(tree, "tick");
    let u32_max = i64::from(u32::MAX);
    if let Some(settings) = tree.get("settings") {
        let cap = int(settings, "daily_exit_cap");
        if !(0..=u32_max).contains(&cap) {
            return Err(Error::snapshot(
                "settings.daily_exit_cap",
                format!("must be in [0, {u32_max}], got {cap}"),
            ));
        }
    }
    let empty = StateValue::Null;
    let exits = tree.get("exits").unwrap_or(&empty);
    let agents: &[StateValue] = match tree.get("agents") {
        Some(StateValue::List(a)) => a,
        _ => &[],
    };
    let mut queued: Vec<i64> = Vec::new();
    if let Some(StateValue::List(queue)) = exits.get("queue") {
        for (k, e) in queue.iter().enumerate() {
            let p = format!("exits.queue[{k}]");
            let uid = int(e, "uid");
            let alive = agents.iter().any(|a| {
                int(a, "uid") == uid && matches!(a.get("alive"), Some(StateValue::Bool(true)))
            });
            if !alive || queued.contains(&uid) {
                return Err(Error::snapshot(
                    format!("{p}.uid"),
                    format!("expected a distinct alive agent's uid, got {uid}"),
                ));
            }
            queued.push(uid);
            if let Some(StateValue::Str(r)) = e.get("reason") {
                if ExitReason::parse(r).is_none() {
                    return Err(Error::snapshot(
                        format!("{p}.reason"),
                        format!("expected absences or rent, got '{r}'"),
                    ));
                }
            }
            let t = int(e, "enqueued_tick");
            if !(0..=tick).contains(&t) {
                return Err(Error::snapshot(
                    format!("{p}.enqueued_tick"),
                    format!("must be in [0, {tick}], got {t}"),
                ));
            }
        }
    }
    let today = int(exits, "exits_today");
    if !(0..=u32_max).contains(&today) {
        return Err(Error::snapshot(
            "exits.exits_today",
            format!("must be in [0, {u32_max}], got {today}"),
        ));
    }
    if let Some(StateValue::Int(t)) = exits.get("last_exit_tick") {
        if !(0..=tick).contains(t) {
            return Err(Error::snapshot(
                "exits.last_exit_tick",
                format!("must be in [0, {tick}], got {t}"),
            ));
        }
    }
    for (i, a) in agents.iter().enumerate() {
        let alive = matches!(a.get("alive"), Some(StateValue::Bool(true)));
        let pending = matches!(a.get("exit_pending"), Some(StateValue::Bool(true)));
        if alive && pending != queued.contains(&int(a, "uid")) {
            return Err(Error::snapshot(
                format!("agents[{i}].exit_pending"),
                "must be true exactly when the agent is in exits.queue",
            ));
        }
    }
    Ok(())
}
