//! Object queues and reservations (world.md 7.1-7.3, 7.5 handover; tick step 7).
//!
//! Every object of a type with capacity > 0 has a [`Queue`]. The queue step walks
//! waiters and idle holders away, demotes stalled holders (ghost step) and grants
//! free slots by priority (world.md 7.2). Allocates nothing per tick: the demoted
//! and bonus lists are scratch `Vec`s on the state. Mirrors
//! `python/townlet/world/queues.py`.

use std::collections::BTreeMap;

use super::{emit, Engagement};
use crate::agents::agent_id;
use crate::canonical::StateValue;
use crate::events::REASONS;
use crate::state::WorldState;
use crate::ties::TieEvent;

/// The `queues` settings section (world.md 7).
///
/// ```
/// assert_eq!(townlet_core::affordances::queue::QueueSettings::default().queue_radius, 3);
/// ```
#[derive(Clone, Copy, Debug, serde::Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct QueueSettings {
    /// Max Chebyshev distance of waiters and idle holders (default 3).
    pub queue_radius: i64,
    /// Stalled ticks before an idle holder is demoted, 0 disables (default 5).
    pub ghost_step_after: i64,
    /// Priority per tick waited (default 0.1).
    pub age_priority_weight: f64,
    /// Handover bonus per unit of liking (default 2.0).
    pub handover_weight: f64,
    /// Ticks without a handover bonus after a cut-in (default 60).
    pub cut_in_cooldown_ticks: i64,
}

impl Default for QueueSettings {
    fn default() -> Self {
        QueueSettings {
            queue_radius: 3,
            ghost_step_after: 5,
            age_priority_weight: 0.1,
            handover_weight: 2.0,
            cut_in_cooldown_ticks: 60,
        }
    }
}

/// A reservation: `(uid, granted_tick, stall)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Holder {
    /// The holder.
    pub uid: u32,
    /// Tick of the grant.
    pub granted_tick: i64,
    /// Idle ticks counted while others wait.
    pub stall: i64,
}

/// A queue place: `(uid, joined_tick, intent)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Waiter {
    /// The waiter.
    pub uid: u32,
    /// Tick of joining (or of the demotion).
    pub joined_tick: i64,
    /// Intended affordance index.
    pub intent: usize,
}

/// The queue state of one object (world.md 7.1).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Queue {
    /// Holders in grant order.
    pub holders: Vec<Holder>,
    /// Waiters in queue order.
    pub waiters: Vec<Waiter>,
    /// uid -> first tick a handover bonus applies again.
    pub cut_in_until: BTreeMap<u32, i64>,
}

impl Queue {
    /// Removes `uid` from the holders (no event).
    pub fn remove_holder(&mut self, uid: u32) {
        self.holders.retain(|h| h.uid != uid);
    }
}

/// `key_j = ((weight * (t - joined_tick)) - j) + bonus` (world.md 7.2).
///
/// ```
/// assert_eq!(townlet_core::affordances::queue::priority(0.5, 10, 4, 1, 0.25), 2.25);
/// ```
pub fn priority(weight: f64, t: i64, joined_tick: i64, j: usize, bonus: f64) -> f64 {
    ((weight * (t - joined_tick) as f64) - j as f64) + bonus
}

/// Index of the waiter with the largest key (bonuses from `state.bonuses` when
/// `with_bonus`); ties to the smallest position.
pub fn best_waiter(state: &WorldState, obj: usize, with_bonus: bool) -> usize {
    let (t, w) = (state.tick, state.settings.queues.age_priority_weight);
    let mut best = (0, 0.0);
    for (j, waiter) in state.queues[obj].waiters.iter().enumerate() {
        let bonus = if with_bonus {
            state.bonuses.get(j).copied().unwrap_or(0.0)
        } else {
            0.0
        };
        let key = priority(w, t, waiter.joined_tick, j, bonus);
        if j == 0 || key > best.1 {
            best = (j, key);
        }
    }
    best.0
}

fn object_id(state: &WorldState, obj: usize) -> StateValue {
    StateValue::str(&state.grid.objects[obj].id)
}

/// Appends agent `i` to the waiters of `obj` and emits `queue_joined`.
pub fn join_queue(state: &mut WorldState, i: usize, obj: usize, intent: usize) {
    let t = state.tick;
    let uid = state.agents[i].uid;
    let q = &mut state.queues[obj];
    q.waiters.push(Waiter {
        uid,
        joined_tick: t,
        intent,
    });
    let position = q.waiters.len() - 1;
    state.agents[i].eng = Engagement::Waiting {
        object: obj,
        intent,
    };
    let fields = vec![
        ("agent_id", StateValue::Str(agent_id(uid))),
        ("object_id", object_id(state, obj)),
        ("position", StateValue::Int(position as i64)),
    ];
    emit(state, "queue_joined", fields);
}

/// A waiting or holding agent `i` leaves its queue (`queue_left` with `code`).
pub fn leave_queue(state: &mut WorldState, i: usize, code: u8) {
    let agent = &mut state.agents[i];
    let Some(obj) = agent.eng.object() else {
        return;
    };
    let uid = agent.uid;
    agent.eng = Engagement::None;
    let q = &mut state.queues[obj];
    q.waiters.retain(|w| w.uid != uid);
    q.remove_holder(uid);
    let fields = vec![
        ("agent_id", StateValue::Str(agent_id(uid))),
        ("object_id", object_id(state, obj)),
        ("reason", StateValue::str(REASONS[usize::from(code)])),
    ];
    emit(state, "queue_left", fields);
}

/// Pops waiter `j` of `obj` into the holders, emits `reservation_granted` and
/// returns the agent index of the new holder.
pub fn grant(state: &mut WorldState, obj: usize, j: usize, via: &'static str) -> Option<usize> {
    let t = state.tick;
    let waiter = state.queues[obj].waiters.remove(j);
    state.queues[obj].holders.push(Holder {
        uid: waiter.uid,
        granted_tick: t,
        stall: 0,
    });
    let i = state.agent_index(waiter.uid)?;
    state.agents[i].eng = Engagement::Holding {
        object: obj,
        intent: waiter.intent,
    };
    let fields = vec![
        ("agent_id", StateValue::Str(agent_id(waiter.uid))),
        ("object_id", object_id(state, obj)),
        ("via", StateValue::str(via)),
        ("waited_ticks", StateValue::Int(t - waiter.joined_tick)),
    ];
    emit(state, "reservation_granted", fields);
    Some(i)
}

fn far(state: &WorldState, obj: usize, uid: u32) -> bool {
    let Some(i) = state.agent_index(uid) else {
        return true;
    };
    let (a, o) = (&state.agents[i], &state.grid.objects[obj]);
    let d = (i64::from(a.x) - i64::from(o.x))
        .abs()
        .max((i64::from(a.y) - i64::from(o.y)).abs());
    d > state.settings.queues.queue_radius
}

fn conflict(state: &mut WorldState, obj: usize, kind: &'static str, loser: usize, winner: usize) {
    let (lu, wu) = (state.agents[loser].uid, state.agents[winner].uid);
    let fields = vec![
        ("object_id", object_id(state, obj)),
        ("kind", StateValue::str(kind)),
        ("actor", StateValue::Str(agent_id(lu))),
        ("rival", StateValue::Str(agent_id(wu))),
        (
            "queue_length",
            StateValue::Int(state.queues[obj].waiters.len() as i64),
        ),
    ];
    emit(state, "queue_conflict", fields);
    let event = if kind == "blocked" {
        TieEvent::Blocked
    } else {
        TieEvent::QueueCut
    };
    crate::actions::chat_pair_event(state, loser, winner, event);
}

/// Step 7: walk-aways, stalls and ghost steps, grants (world.md 7.3).
pub fn queue_step(state: &mut WorldState) {
    let t = state.tick;
    let q = state.settings.queues;
    for obj in 0..state.queues.len() {
        let type_index = state.grid.objects[obj].type_index;
        let capacity = state
            .settings
            .manifest
            .object_types
            .get(type_index)
            .map_or(0, |x| x.capacity as usize);
        if capacity == 0 {
            continue;
        }
        let mut j = 0;
        while j < state.queues[obj].waiters.len() {
            let uid = state.queues[obj].waiters[j].uid;
            if far(state, obj, uid) {
                if let Some(i) = state.agent_index(uid) {
                    leave_queue(state, i, 30);
                    continue;
                }
            }
            j += 1;
        }
        let mut h = 0;
        while h < state.queues[obj].holders.len() {
            let uid = state.queues[obj].holders[h].uid;
            let i = state.agent_index(uid);
            let idle = i.is_some_and(|i| matches!(state.agents[i].eng, Engagement::Holding { .. }));
            if idle && far(state, obj, uid) {
                if let Some(i) = i {
                    leave_queue(state, i, 30);
                    continue;
                }
            }
            h += 1;
        }
        state.demoted.clear();
        let mut h = 0;
        while h < state.queues[obj].holders.len() {
            let uid = state.queues[obj].holders[h].uid;
            let i = state.agent_index(uid);
            let intent = match i.map(|i| state.agents[i].eng) {
                Some(Engagement::Holding { intent, .. }) => Some(intent),
                _ => None,
            };
            let queue = &mut state.queues[obj];
            let (Some(intent), Some(i), false) = (intent, i, queue.waiters.is_empty()) else {
                queue.holders[h].stall = 0;
                h += 1;
                continue;
            };
            queue.holders[h].stall += 1;
            if q.ghost_step_after > 0 && queue.holders[h].stall >= q.ghost_step_after {
                queue.holders.remove(h);
                queue.waiters.push(Waiter {
                    uid,
                    joined_tick: t,
                    intent,
                });
                state.agents[i].eng = Engagement::Waiting {
                    object: obj,
                    intent,
                };
                state.demoted.push(uid);
            } else {
                h += 1;
            }
        }
        let mut grants = 0;
        while state.queues[obj].holders.len() < capacity && !state.queues[obj].waiters.is_empty() {
            let j = best_waiter(state, obj, false);
            let winner = grant(state, obj, j, "queue");
            if let (Some(w), Some(&loser)) = (winner, state.demoted.get(grants)) {
                if let Some(l) = state.agent_index(loser) {
                    if state.agents[l].uid != state.agents[w].uid {
                        conflict(state, obj, "blocked", l, w);
                    }
                }
            }
            grants += 1;
        }
    }
}

/// The completion handover of `obj` by completer `i` (world.md 7.5).
pub fn handover(state: &mut WorldState, i: usize, obj: usize) {
    if state.queues[obj].waiters.is_empty() {
        return;
    }
    let (t, q) = (state.tick, state.settings.queues);
    state.bonuses.clear();
    for k in 0..state.queues[obj].waiters.len() {
        let uid = state.queues[obj].waiters[k].uid;
        let until = state.queues[obj].cut_in_until.get(&uid).copied();
        let mut bonus = 0.0;
        if let Some(tie) = state.agents[i].ties.get(uid) {
            if until.is_none_or(|u| t >= u) {
                let liking = (tie.trust + tie.familiarity) - tie.rivalry;
                bonus = q.handover_weight * (if liking > 0.0 { liking } else { 0.0 });
            }
        }
        state.bonuses.push(bonus);
    }
    let j = best_waiter(state, obj, true);
    state.jumped.clear();
    for k in 0..j {
        let uid = state.queues[obj].waiters[k].uid;
        state.jumped.push(uid);
    }
    let Some(w) = grant(state, obj, j, "handover") else {
        return;
    };
    crate::actions::chat_pair_event(state, i, w, TieEvent::QueuePolite);
    if j == 0 {
        return;
    }
    for k in 0..state.jumped.len() {
        if let Some(l) = state.agent_index(state.jumped[k]) {
            conflict(state, obj, "cut_in", l, w);
        }
    }
    let winner = state.agents[w].uid;
    state.queues[obj]
        .cut_in_until
        .insert(winner, t.saturating_add(q.cut_in_cooldown_ticks));
}
