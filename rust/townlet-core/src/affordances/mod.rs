//! Affordance execution: start checks, effects, progress, completion, interruption.
//!
//! World.md 3.4 (effect order), 3.5 (hooks), 7.4 (start checks, phase C), 7.5
//! (progress, completion and handover, phase A) and 7.6 (interruption). Prices are
//! read through [`price_of`] and utilities through [`utility_up`], the one place each
//! (the economy and perturbation work replace their bodies). Queues live in
//! [`queue`], the step-6 primitives in [`engage`], the state tree in [`tree`].
//! Mirrors `python/townlet/world/affordances.py`.

pub mod engage;
pub mod env;
pub mod queue;
pub mod tree;

use crate::agents::Agent;
use crate::canonical::StateValue;
use crate::events::{EventData, REASONS};
use crate::expr::first_false;
use crate::settings::{AffordanceSpec, NeedValues};
use crate::state::WorldState;
use crate::ties::TieEvent;

pub use env::Env;
pub use queue::{Holder, Queue, Waiter};

/// An agent's engagement (world.md 6.2).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub enum Engagement {
    /// Nothing.
    #[default]
    None,
    /// A waiter of `object` with intent `intent`.
    Waiting {
        /// Object index.
        object: usize,
        /// Intended affordance index.
        intent: usize,
    },
    /// A holder of `object` not running yet.
    Holding {
        /// Object index.
        object: usize,
        /// Intended affordance index.
        intent: usize,
    },
    /// An object affordance in progress.
    Running {
        /// Object index.
        object: usize,
        /// Affordance index.
        aff: usize,
        /// Progress ticks left.
        remaining: i64,
        /// Tick of the start.
        started_tick: i64,
        /// Money charged at start.
        cost_paid: f64,
    },
    /// An item use in progress.
    Using {
        /// Affordance index.
        aff: usize,
        /// Progress ticks left.
        remaining: i64,
        /// Tick of the start.
        started_tick: i64,
        /// Money charged at start.
        cost_paid: f64,
    },
}

impl Engagement {
    /// The exported kind name.
    pub fn kind(&self) -> &'static str {
        match self {
            Engagement::None => "none",
            Engagement::Waiting { .. } => "waiting",
            Engagement::Holding { .. } => "holding",
            Engagement::Running { .. } => "running",
            Engagement::Using { .. } => "using",
        }
    }

    /// The object of a queue place or running affordance.
    pub fn object(&self) -> Option<usize> {
        match *self {
            Engagement::Waiting { object, .. }
            | Engagement::Holding { object, .. }
            | Engagement::Running { object, .. } => Some(object),
            _ => None,
        }
    }

    /// The intent or the affordance in progress.
    pub fn affordance(&self) -> Option<usize> {
        match *self {
            Engagement::Waiting { intent, .. } | Engagement::Holding { intent, .. } => Some(intent),
            Engagement::Running { aff, .. } | Engagement::Using { aff, .. } => Some(aff),
            Engagement::None => None,
        }
    }

    /// Running or using.
    pub fn is_active(&self) -> bool {
        matches!(self, Engagement::Running { .. } | Engagement::Using { .. })
    }

    /// Waiting or holding.
    pub fn is_queued(&self) -> bool {
        matches!(
            self,
            Engagement::Waiting { .. } | Engagement::Holding { .. }
        )
    }
}

/// The result of [`LastAffordance`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AffResult {
    /// Started.
    Started,
    /// Completed.
    Completed,
    /// Failed (start check or interruption).
    Failed,
}

impl AffResult {
    /// Every result, in export order.
    pub const ALL: [AffResult; 3] = [AffResult::Started, AffResult::Completed, AffResult::Failed];

    /// The exported name.
    pub fn as_str(self) -> &'static str {
        match self {
            AffResult::Started => "started",
            AffResult::Completed => "completed",
            AffResult::Failed => "failed",
        }
    }
}

/// The latest start or finish of an agent's affordance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LastAffordance {
    /// Affordance index.
    pub aff: usize,
    /// What happened.
    pub result: AffResult,
    /// Reason code (0 unless failed).
    pub reason: u8,
    /// Tick.
    pub tick: i64,
}

/// `clamp(x, 0, 1)` with -0.0 stored as +0.0 (world.md 17.4).
///
/// ```
/// use townlet_core::affordances::clamp01;
/// assert_eq!((clamp01(1.25), clamp01(-0.0).to_bits(), clamp01(0.5)), (1.0, 0, 0.5));
/// ```
#[allow(clippy::manual_clamp)] // f64::clamp keeps -0.0; world.md 17.4 stores +0.0
pub fn clamp01(x: f64) -> f64 {
    if x <= 0.0 {
        0.0
    } else if x > 1.0 {
        1.0
    } else {
        x
    }
}

/// The price of `key` an agent pays now: its effective price (world.md 8.1).
pub fn price_of(state: &WorldState, key: &str) -> f64 {
    crate::econ::price_index(state, key).map_or(0.0, |k| crate::econ::effective_price(state, k))
}

/// Whether `utility` (power / water) is up (world.md 8.4); unknown names read as up.
pub fn utility_up(state: &WorldState, utility: &str) -> bool {
    crate::econ::Utility::parse(utility).is_none_or(|u| crate::econ::utility_up(state, u))
}

/// Money charged at start: `cost.amount` or `price.<key>` (world.md 3.3).
pub fn cost_of(state: &WorldState, aff: &AffordanceSpec) -> f64 {
    match &aff.cost.price {
        Some(key) => price_of(state, key),
        None => aff.cost.amount.unwrap_or(0.0),
    }
}

/// Whether agent `agent` stands on an interaction tile of object `obj`.
pub fn at_object(state: &WorldState, agent: &Agent, obj: usize) -> bool {
    state
        .grid
        .objects
        .get(obj)
        .is_some_and(|o| o.interaction.contains(&(agent.x, agent.y)))
}

fn item_of(state: &WorldState, name: &str) -> usize {
    state.tables.item_index.get(name).copied().unwrap_or(0)
}

/// The stock limit of `item` in object `obj` (0 when its type lists none).
pub fn stock_limit(state: &WorldState, obj: usize, item: usize) -> i64 {
    state
        .grid
        .objects
        .get(obj)
        .and_then(|o| state.tables.stock_limits.get(o.type_index))
        .and_then(|limits| limits.get(item))
        .copied()
        .unwrap_or(0)
}

fn count(pairs: &[(String, u32)], name: &str) -> i64 {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map_or(0, |(_, c)| i64::from(*c))
}

/// The start checks of world.md 7.4 (object checks only for `Some(obj)`): 0 passes,
/// else the reason code and, for `precondition_failed`, the condition index.
/// Allocates nothing.
pub fn start_check(
    state: &WorldState,
    agent: &Agent,
    a: usize,
    obj: Option<usize>,
    tick: i64,
) -> (u8, Option<usize>) {
    let s = &state.settings;
    let Some(aff) = s.manifest.affordances.get(a) else {
        return (7, None);
    };
    if let Some(o) = obj {
        let t = state.grid.objects.get(o).map_or(0, |x| x.type_index);
        if let Some(ty) = s.manifest.object_types.get(t) {
            if ty.requires.iter().any(|u| !utility_up(state, u)) {
                return (18, None);
            }
        }
    }
    let env = Env {
        state,
        agent,
        obj,
        tick,
    };
    if let Some(pre) = state.tables.preconditions.get(a) {
        if let Some((index, _)) = first_false(pre, &env) {
            return (19, Some(index));
        }
    }
    if agent.wallet < cost_of(state, aff) {
        return (20, None);
    }
    let items = &s.manifest.items;
    let have = |i: usize| i64::from(agent.items.get(i).copied().unwrap_or(0));
    let stock = |o: usize, i: usize| {
        i64::from(
            state
                .stock
                .get(o)
                .and_then(|s| s.get(i))
                .copied()
                .unwrap_or(0),
        )
    };
    // Per item [consume, take, on_complete.items, on_complete.stock] (manifest tables).
    let counts: &[[i64; 4]] = state.tables.counts.get(a).map_or(&[], Vec::as_slice);
    let n = |i: usize, k: usize| counts.get(i).map_or(0, |c| c[k]);
    if (0..items.len()).any(|i| have(i) < n(i, 0)) {
        return (21, None);
    }
    if let Some(o) = obj {
        if (0..items.len()).any(|i| stock(o, i) < n(i, 1)) {
            return (22, None);
        }
    }
    for (i, item) in items.iter().enumerate() {
        let after = have(i) - n(i, 0) + n(i, 2);
        if after > i64::from(item.carry_limit) {
            return (23, None);
        }
    }
    if let Some(o) = obj {
        for i in 0..items.len() {
            let after = stock(o, i) - n(i, 1) + n(i, 3);
            if after > stock_limit(state, o, i) {
                return (24, None);
            }
        }
    }
    (0, None)
}

/// Emits one generic event with `fields` in order.
pub fn emit(state: &mut WorldState, name: &'static str, fields: Vec<(&'static str, StateValue)>) {
    state
        .events
        .emit(EventData::Generic(Box::new((name, fields))));
}

fn object_id(state: &WorldState, obj: Option<usize>) -> StateValue {
    obj.and_then(|o| state.grid.objects.get(o))
        .map_or(StateValue::Null, |o| StateValue::str(&o.id))
}

fn aff_id(state: &WorldState, a: usize) -> StateValue {
    state
        .settings
        .manifest
        .affordances
        .get(a)
        .map_or(StateValue::Null, |x| StateValue::str(&x.id))
}

/// Emits `affordance_failed` for agent `i` and records it in `last_affordance`.
pub fn emit_failed(
    state: &mut WorldState,
    i: usize,
    a: usize,
    obj: Option<usize>,
    code: u8,
    condition: Option<usize>,
) {
    let t = state.tick;
    let Some(agent) = state.agents.get_mut(i) else {
        return;
    };
    agent.last_aff = Some(LastAffordance {
        aff: a,
        result: AffResult::Failed,
        reason: code,
        tick: t,
    });
    let uid = agent.uid;
    let (index, source) = match condition {
        Some(k) => (
            StateValue::Int(i64::try_from(k).unwrap_or(0)),
            state
                .tables
                .preconditions
                .get(a)
                .and_then(|p| p.get(k))
                .map_or(StateValue::Null, |p| StateValue::str(&p.source)),
        ),
        None => (StateValue::Null, StateValue::Null),
    };
    let fields = vec![
        ("agent_id", StateValue::Str(crate::agents::agent_id(uid))),
        ("object_id", object_id(state, obj)),
        ("affordance_id", aff_id(state, a)),
        ("reason", StateValue::str(REASONS[usize::from(code)])),
        ("condition_index", index),
        ("condition", source),
    ];
    emit(state, "affordance_failed", fields);
}

/// Applies the start effects (world.md 3.4) of `a` for agent `i` and sets its
/// engagement running (`Some(obj)`) or using.
pub fn start(state: &mut WorldState, i: usize, a: usize, obj: Option<usize>) {
    let t = state.tick;
    let Some(aff) = state.settings.manifest.affordances.get(a) else {
        return;
    };
    let cost = cost_of(state, aff);
    let duration = aff.duration;
    let settings = std::sync::Arc::clone(&state.shared_settings);
    let items = &settings.manifest.items;
    let Some(agent) = state.agents.get_mut(i) else {
        return;
    };
    agent.wallet -= cost;
    for (slot, item) in agent.items.iter_mut().zip(items) {
        let c = count(&aff.consume, &item.name);
        *slot = slot.saturating_sub(u32::try_from(c).unwrap_or(0));
    }
    agent.eng = match obj {
        Some(object) => Engagement::Running {
            object,
            aff: a,
            remaining: duration,
            started_tick: t,
            cost_paid: cost,
        },
        None => Engagement::Using {
            aff: a,
            remaining: duration,
            started_tick: t,
            cost_paid: cost,
        },
    };
    agent.last_aff = Some(LastAffordance {
        aff: a,
        result: AffResult::Started,
        reason: 0,
        tick: t,
    });
    let uid = agent.uid;
    if let Some(stock) = obj.and_then(|o| state.stock.get_mut(o)) {
        for (slot, item) in stock.iter_mut().zip(items) {
            let k = count(&aff.take, &item.name);
            *slot = slot.saturating_sub(u32::try_from(k).unwrap_or(0));
        }
    }
    let fields = vec![
        ("agent_id", StateValue::Str(crate::agents::agent_id(uid))),
        ("object_id", object_id(state, obj)),
        ("affordance_id", aff_id(state, a)),
        ("duration", StateValue::Int(duration)),
        ("cost", StateValue::Float(cost)),
    ];
    emit(state, "affordance_started", fields);
}

fn apply_needs(agent: &mut Agent, needs: &NeedValues, money: f64) {
    let [dh, dy, de] = needs.to_array();
    agent.needs[0] = clamp01(agent.needs[0] + dh);
    agent.needs[1] = clamp01(agent.needs[1] + dy);
    agent.needs[2] = clamp01(agent.needs[2] + de);
    agent.wallet += money;
}

fn add_capped(slot: &mut u32, n: u32, cap: i64) {
    let v = i64::from(*slot) + i64::from(n);
    *slot = u32::try_from(v.min(cap)).unwrap_or(*slot);
}

fn items_dict(state: &WorldState, pairs: &[(String, u32)]) -> StateValue {
    let _ = state;
    StateValue::dict(
        pairs
            .iter()
            .map(|(k, n)| (k.as_str(), StateValue::from(*n))),
    )
}

fn refund(state: &mut WorldState, i: usize, a: usize, obj: Option<usize>, cost: f64) {
    let settings = std::sync::Arc::clone(&state.shared_settings);
    let Some(aff) = settings.manifest.affordances.get(a) else {
        return;
    };
    for (name, n) in &aff.consume {
        let k = item_of(state, name);
        let cap = settings
            .manifest
            .items
            .get(k)
            .map_or(0, |x| i64::from(x.carry_limit));
        if let Some(slot) = state.agents.get_mut(i).and_then(|x| x.items.get_mut(k)) {
            add_capped(slot, *n, cap);
        }
    }
    if let Some(agent) = state.agents.get_mut(i) {
        agent.wallet += cost;
    }
    if let Some(o) = obj {
        for (name, n) in &aff.take {
            let k = item_of(state, name);
            let cap = stock_limit(state, o, k);
            if let Some(slot) = state.stock.get_mut(o).and_then(|s| s.get_mut(k)) {
                add_capped(slot, *n, cap);
            }
        }
    }
    let uid = state.agents.get(i).map_or(0, |x| x.uid);
    let stock = if obj.is_some() {
        items_dict(state, &aff.take)
    } else {
        StateValue::Dict(Vec::new())
    };
    let fields = vec![
        ("agent_id", StateValue::Str(crate::agents::agent_id(uid))),
        ("affordance_id", StateValue::str(&aff.id)),
        ("money", StateValue::Float(cost)),
        ("items", items_dict(state, &aff.consume)),
        ("stock", stock),
    ];
    emit(state, "affordance_refunded", fields);
}

/// Ends agent `i`'s activity or queue place early (world.md 7.6).
///
/// A running or using activity fails with reason `code` (`affordance_failed`, then
/// the `on_fail` hooks); a waiting or holding agent leaves its queue (`queue_left`).
/// Nothing happens for engagement none. Used by RELEASE, termination and relocation;
/// utility outages and arranged meets call it too.
pub fn interrupt(state: &mut WorldState, i: usize, code: u8) {
    let Some(agent) = state.agents.get(i) else {
        return;
    };
    let eng = agent.eng;
    if eng.is_queued() {
        queue::leave_queue(state, i, code);
        return;
    }
    let (a, obj, cost) = match eng {
        Engagement::Running {
            object,
            aff,
            cost_paid,
            ..
        } => (aff, Some(object), cost_paid),
        Engagement::Using { aff, cost_paid, .. } => (aff, None, cost_paid),
        _ => return,
    };
    let uid = agent.uid;
    if let Some(q) = obj.and_then(|o| state.queues.get_mut(o)) {
        q.remove_holder(uid);
    }
    if let Some(agent) = state.agents.get_mut(i) {
        agent.eng = Engagement::None;
    }
    emit_failed(state, i, a, obj, code, None);
    let settings = std::sync::Arc::clone(&state.shared_settings);
    if let Some(aff) = settings.manifest.affordances.get(a) {
        for hook in &aff.hooks.on_fail {
            if hook == "refund_on_outage" && (code == 26 || code == 27) {
                refund(state, i, a, obj, cost);
            }
        }
    }
}

fn shared_meal(state: &mut WorldState, i: usize) {
    let Some(agent) = state.agents.get(i) else {
        return;
    };
    let (uid, zone) = (agent.uid, state.grid.zone_at(agent.x, agent.y));
    let Some(zone) = zone else {
        return;
    };
    for k in 0..state.eaters.len() {
        let other = state.eaters[k];
        if other == uid {
            continue;
        }
        let Some(j) = state.agent_index(other) else {
            continue;
        };
        let b = &state.agents[j];
        if state.grid.zone_at(b.x, b.y) != Some(zone) {
            continue;
        }
        let pair = (other.min(uid), other.max(uid));
        if state.meal_pairs.contains(&pair) {
            continue;
        }
        state.meal_pairs.push(pair);
        let zone_name = state.zone_name(Some(zone)).unwrap_or("").to_string();
        let fields = vec![
            (
                "agents",
                StateValue::List(vec![
                    StateValue::Str(crate::agents::agent_id(pair.0)),
                    StateValue::Str(crate::agents::agent_id(pair.1)),
                ]),
            ),
            ("zone", StateValue::Str(zone_name)),
        ];
        emit(state, "shared_meal", fields);
        crate::actions::chat_pair_event(state, i, j, TieEvent::SharedMeal);
    }
}

fn progressing(agent: &Agent, t: i64) -> bool {
    agent.alive
        && match agent.eng {
            Engagement::Running { started_tick, .. } | Engagement::Using { started_tick, .. } => {
                started_tick < t
            }
            _ => false,
        }
}

/// Step 8 phase A: progress, complete and hand over (world.md 7.5).
pub fn phase_a(state: &mut WorldState) {
    let t = state.tick;
    let settings = std::sync::Arc::clone(&state.shared_settings);
    let affs = &settings.manifest.affordances;
    state.eaters.clear();
    state.meal_pairs.clear();
    for agent in &state.agents {
        if progressing(agent, t) {
            let a = agent.eng.affordance().unwrap_or(0);
            if affs
                .get(a)
                .is_some_and(|x| x.hooks.on_complete.iter().any(|h| h == "shared_meal"))
            {
                state.eaters.push(agent.uid);
            }
        }
    }
    for i in 0..state.agents.len() {
        if !progressing(&state.agents[i], t) {
            continue;
        }
        let agent = &mut state.agents[i];
        let (a, obj) = (agent.eng.affordance().unwrap_or(0), agent.eng.object());
        let Some(aff) = affs.get(a) else {
            continue;
        };
        apply_needs(agent, &aff.per_tick.needs, aff.per_tick.money);
        let left = match &mut agent.eng {
            Engagement::Running { remaining, .. } | Engagement::Using { remaining, .. } => {
                *remaining -= 1;
                *remaining
            }
            _ => 1,
        };
        agent.progressed = Some(a);
        if left > 0 {
            continue;
        }
        apply_needs(agent, &aff.on_complete.needs, aff.on_complete.money);
        for (name, n) in &aff.on_complete.items {
            let k = state.tables.item_index.get(name).copied().unwrap_or(0);
            let cap = settings
                .manifest
                .items
                .get(k)
                .map_or(0, |x| i64::from(x.carry_limit));
            if let Some(slot) = state.agents[i].items.get_mut(k) {
                add_capped(slot, *n, cap);
            }
        }
        if let Some(o) = obj {
            for (name, n) in &aff.on_complete.stock {
                let k = item_of(state, name);
                let cap = stock_limit(state, o, k);
                if let Some(slot) = state.stock.get_mut(o).and_then(|s| s.get_mut(k)) {
                    add_capped(slot, *n, cap);
                }
            }
        }
        let agent = &mut state.agents[i];
        agent.eng = Engagement::None;
        agent.last_aff = Some(LastAffordance {
            aff: a,
            result: AffResult::Completed,
            reason: 0,
            tick: t,
        });
        let uid = agent.uid;
        let fields = vec![
            ("agent_id", StateValue::Str(crate::agents::agent_id(uid))),
            ("object_id", object_id(state, obj)),
            ("affordance_id", StateValue::str(&aff.id)),
        ];
        emit(state, "affordance_completed", fields);
        for hook in &aff.hooks.on_complete {
            if hook == "shared_meal" {
                shared_meal(state, i);
            }
        }
        if let Some(o) = obj {
            if let Some(q) = state.queues.get_mut(o) {
                q.remove_holder(uid);
            }
            queue::handover(state, i, o);
        }
    }
}

/// Step 8 phase C: idle holders standing at their object start (world.md 7.4).
pub fn phase_c(state: &mut WorldState) {
    for o in 0..state.queues.len() {
        let mut h = 0;
        while h < state.queues[o].holders.len() {
            let uid = state.queues[o].holders[h].uid;
            h += 1;
            let Some(i) = state.agent_index(uid) else {
                continue;
            };
            let agent = &state.agents[i];
            let Engagement::Holding { intent, .. } = agent.eng else {
                continue;
            };
            if !at_object(state, agent, o) {
                continue;
            }
            let (code, condition) = start_check(state, agent, intent, Some(o), state.tick);
            if code != 0 {
                state.queues[o].remove_holder(uid);
                h -= 1;
                state.agents[i].eng = Engagement::None;
                emit_failed(state, i, intent, Some(o), code, condition);
            } else {
                start(state, i, intent, Some(o));
            }
        }
    }
}

/// Pipeline steps 7 and 8: the queue step, then phases A and C (world.md 13).
pub fn affordance_steps(state: &mut WorldState) {
    queue::queue_step(state);
    phase_a(state);
    phase_c(state);
}

#[cfg(test)]
mod tests;
