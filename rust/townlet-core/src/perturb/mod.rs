//! Perturbations: price spikes, outages and arranged meets (world.md 12,
//! docs/rules/perturbations.md).
//!
//! [`perturbation_step`] is pipeline step 5: end expired events, activate due manual
//! events, then the random scheduler with its gates and `events`-stream draws.
//! [`schedule_manual`] and [`cancel`] serve the console. Mirrors `perturbations.py`.
//!
//! ```
//! use townlet_core::perturb::event_id;
//! assert_eq!(event_id(3), "evt_3");
//! ```

pub mod settings;

use std::collections::BTreeMap;

use crate::econ::{recompute_prices, utility_up, Utility};
use crate::events::EventData;
use crate::interrupts::{interrupt_for_outage, interrupt_for_relocation};
use crate::state::WorldState;
pub use settings::{PertKind, PertSettings, PertSpec};

/// One scheduled or active event (world.md 12.2).
#[derive(Clone, Debug, PartialEq)]
pub struct Pert {
    /// `n` of `evt_<n>`.
    pub id: u64,
    /// Spec index.
    pub spec: usize,
    /// Start tick.
    pub start: i64,
    /// `start + duration`.
    pub ends_at: i64,
    /// Price spikes: the factor (1.0 otherwise).
    pub magnitude: f64,
    /// Price spikes: resolved price key indexes, `economy.prices` order.
    pub targets: Vec<usize>,
    /// Arranged meets: the zone index.
    pub location: Option<usize>,
    /// Arranged meets: participant uids, ascending.
    pub participants: Vec<u32>,
}

/// The scheduler state (world.md 12.2).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scheduler {
    /// Next event number (from 1).
    pub next_id: u64,
    /// Active events, ascending id.
    pub active: Vec<Pert>,
    /// Pending (manual) events, ascending id.
    pub pending: Vec<Pert>,
    /// Per spec: first tick a random activation is allowed again.
    pub next_allowed: Vec<i64>,
    /// Per spec: activation ticks still inside the window.
    pub window: Vec<Vec<i64>>,
    /// First tick any activation is allowed again.
    pub global_next: i64,
    /// Uid -> first tick the agent is eligible for a meet again.
    pub agent_cooldowns: BTreeMap<u32, i64>,
}

impl Scheduler {
    /// A fresh scheduler for `n` specs.
    pub fn new(n: usize) -> Self {
        Scheduler {
            next_id: 1,
            next_allowed: vec![0; n],
            window: vec![Vec::new(); n],
            ..Scheduler::default()
        }
    }
}

/// The string id `evt_<n>`.
pub fn event_id(n: u64) -> String {
    format!("evt_{n}")
}

/// The per-tick probability of each spec, computed once at load (world.md 12.1).
pub fn p_ticks(settings: &PertSettings, ticks_per_day: i64) -> Vec<f64> {
    settings
        .specs
        .iter()
        .map(|s| {
            let (from, to) = s.active_hours.unwrap_or((0, ticks_per_day));
            let span = to - from;
            if span > 0 {
                s.prob_per_day / span as f64
            } else {
                0.0
            }
        })
        .collect()
}

/// The price key indexes a target list resolves to (keys and groups), ascending; `None`
/// when a target is unknown.
pub fn resolve_targets(state: &WorldState, targets: &[String]) -> Option<Vec<usize>> {
    let mut out = Vec::new();
    for target in targets {
        if let Some(k) = crate::econ::price_index(state, target) {
            out.push(k);
        } else {
            let (_, keys) = state
                .settings
                .economy
                .price_groups
                .iter()
                .find(|(g, _)| g == target)?;
            for key in keys {
                out.push(crate::econ::price_index(state, key)?);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    Some(out)
}

/// The product of the active spikes' magnitudes on price key `k`, ascending id.
pub fn spike_factor_applied(state: &WorldState, k: usize, base: f64) -> f64 {
    let mut value = base;
    for p in &state.perturb.active {
        if p.targets.contains(&k) && is_kind(state, p, PertKind::PriceSpike) {
            value *= p.magnitude;
        }
    }
    value
}

/// Whether an active event of `kind` exists (observation flags, learning.md 1.4).
pub fn any_active(state: &WorldState, kind: PertKind) -> bool {
    state.perturb.active.iter().any(|p| is_kind(state, p, kind))
}

/// Whether `uid` takes part in an active arranged meet (feature `meet_invite`).
pub fn in_active_meet(state: &WorldState, uid: u32) -> bool {
    state
        .perturb
        .active
        .iter()
        .any(|p| is_kind(state, p, PertKind::ArrangedMeet) && p.participants.contains(&uid))
}

fn kind_of(state: &WorldState, p: &Pert) -> PertKind {
    state
        .settings
        .perturbations
        .specs
        .get(p.spec)
        .map_or(PertKind::PriceSpike, |s| s.kind)
}

fn is_kind(state: &WorldState, p: &Pert, kind: PertKind) -> bool {
    kind_of(state, p) == kind
}

/// Whether some active outage takes `utility` down.
pub fn outage_active(state: &WorldState, utility: Utility) -> bool {
    state
        .perturb
        .active
        .iter()
        .any(|p| kind_of(state, p).utility() == Some(utility))
}

fn started_event(state: &WorldState, p: &Pert) -> EventData {
    let spec = state.settings.perturbations.specs.get(p.spec);
    let kind = kind_of(state, p);
    let keys = &state.settings.economy.prices;
    EventData::PerturbationStarted(Box::new(crate::events::PertStarted {
        event_id: event_id(p.id),
        spec: spec.map_or(String::new(), |s| s.name.clone()),
        kind: kind.as_str(),
        start: p.start,
        ends_at: p.ends_at,
        magnitude: (kind == PertKind::PriceSpike).then_some(p.magnitude),
        targets: (kind == PertKind::PriceSpike).then(|| {
            p.targets
                .iter()
                .filter_map(|&k| keys.get(k).map(|(n, _)| n.clone()))
                .collect()
        }),
        utility: kind.utility().map(Utility::as_str),
        location: (kind == PertKind::ArrangedMeet).then(|| {
            state
                .zone_name(p.location)
                .map_or(String::new(), str::to_string)
        }),
        participants: (kind == PertKind::ArrangedMeet).then(|| p.participants.clone()),
    }))
}

fn ended_event(state: &WorldState, p: &Pert, cancelled: bool) -> EventData {
    let spec = state.settings.perturbations.specs.get(p.spec);
    EventData::PerturbationEnded(Box::new((
        event_id(p.id),
        spec.map_or(String::new(), |s| s.name.clone()),
        kind_of(state, p).as_str(),
        cancelled,
    )))
}

/// Emits `utility_changed` if `utility`'s status differs from `before`; interrupts on
/// going down.
fn utility_transition(state: &mut WorldState, utility: Utility, before: bool, id: u64) {
    let after = utility_up(state, utility);
    if after != before {
        state.events.emit(EventData::UtilityChanged(Box::new((
            utility.as_str(),
            after,
            event_id(id),
        ))));
        if !after {
            interrupt_for_outage(state, utility);
        }
    }
}

/// Applies an event's effect and adds it to the active set (world.md 12.3 step 4).
fn activate(state: &mut WorldState, p: Pert) {
    let t = state.tick;
    let pert = &state.settings.perturbations;
    if pert.window_ticks > 0 {
        let window = pert.window_ticks;
        if let Some(w) = state.perturb.window.get_mut(p.spec) {
            w.retain(|&s| t - s < window);
            w.push(t);
        }
    }
    state.perturb.global_next = t + pert.global_cooldown_ticks;
    let kind = kind_of(state, &p);
    let id = p.id;
    let before = kind.utility().map(|u| utility_up(state, u));
    let participants = p.participants.clone();
    let location = p.location;
    let started = started_event(state, &p);
    let at = state.perturb.active.partition_point(|a| a.id < id);
    state.perturb.active.insert(at, p);
    match kind {
        PertKind::PriceSpike => recompute_prices(state, &event_id(id)),
        PertKind::Blackout | PertKind::WaterOutage => {
            if let (Some(u), Some(b)) = (kind.utility(), before) {
                utility_transition(state, u, b, id);
            }
        }
        PertKind::ArrangedMeet => {
            let anchor = location
                .and_then(|z| state.grid.zones.get(z))
                .map(|z| z.anchor);
            for uid in participants {
                let Some(index) = state.agents.iter().position(|a| a.uid == uid && a.alive) else {
                    continue;
                };
                interrupt_for_relocation(state, index);
                let Some(to) = anchor else { continue };
                if let Some(agent) = state.agents.get_mut(index) {
                    let from = agent.position();
                    (agent.x, agent.y) = to;
                    agent.ctx_reset = true;
                    state.events.emit(EventData::MeetTeleported(Box::new((
                        uid,
                        from,
                        to,
                        event_id(id),
                    ))));
                }
            }
        }
    }
    state.events.emit(started);
}

/// Ends active event at position `pos` (world.md 12.3 step 1, 12.5 cancel).
fn end_active(state: &mut WorldState, pos: usize, cancelled: bool) {
    if pos >= state.perturb.active.len() {
        return;
    }
    let t = state.tick;
    let kind = kind_of(state, &state.perturb.active[pos]);
    let before = kind.utility().map(|u| utility_up(state, u));
    let p = state.perturb.active.remove(pos);
    match kind {
        PertKind::PriceSpike => recompute_prices(state, &event_id(p.id)),
        PertKind::Blackout | PertKind::WaterOutage => {
            if let (Some(u), Some(b)) = (kind.utility(), before) {
                utility_transition(state, u, b, p.id);
            }
        }
        PertKind::ArrangedMeet => {
            let until = t + state.settings.perturbations.per_agent_cooldown_ticks;
            state.perturb.agent_cooldowns.retain(|_, &mut c| c > t);
            for &uid in &p.participants {
                state.perturb.agent_cooldowns.insert(uid, until);
            }
        }
    }
    let cooldown = state
        .settings
        .perturbations
        .specs
        .get(p.spec)
        .map_or(0, |s| s.cooldown_ticks);
    if let Some(next) = state.perturb.next_allowed.get_mut(p.spec) {
        *next = t + cooldown;
    }
    let ended = ended_event(state, &p, cancelled);
    state.events.emit(ended);
}

/// Whether agent `index` may be picked for a random arranged meet (world.md 12.4).
fn eligible(state: &WorldState, index: usize) -> bool {
    let Some(a) = state.agents.get(index) else {
        return false;
    };
    let t = state.tick;
    let cooled = state
        .perturb
        .agent_cooldowns
        .get(&a.uid)
        .is_none_or(|&c| t >= c);
    let in_shift = a
        .job
        .and_then(|j| state.settings.jobs.get(j))
        .is_some_and(|job| {
            let e = state.minute() - job.shift_start;
            0 <= e && e < job.shift_length
        });
    let asleep = match a.eng {
        crate::affordances::Engagement::Running { aff, .. } => state
            .settings
            .manifest
            .affordances
            .get(aff)
            .is_some_and(|x| x.tags.iter().any(|t| t == "sleep")),
        _ => false,
    };
    a.alive && !a.possessed && cooled && !in_shift && !asleep
}

/// Picks two participants among the eligible agents (world.md 12.4); `None` when fewer
/// than two are eligible (no draw).
fn pick_pair(state: &mut WorldState, spec: usize) -> Option<Vec<u32>> {
    let eligible: Vec<usize> = (0..state.agents.len())
        .filter(|&i| eligible(state, i))
        .collect();
    let n = eligible.len();
    if n < 2 {
        return None;
    }
    let random = state
        .settings
        .perturbations
        .specs
        .get(spec)
        .and_then(|s| s.pairing.as_deref())
        == Some("random");
    if !random {
        let mut best: Option<(f64, usize, usize)> = None;
        for (x, &ia) in eligible.iter().enumerate() {
            for &ib in &eligible[x + 1..] {
                let (a, b) = (&state.agents[ia], &state.agents[ib]);
                let ab = a.ties.get(b.uid).map_or(0.0, |t| t.rivalry);
                let ba = b.ties.get(a.uid).map_or(0.0, |t| t.rivalry);
                let sum = ab + ba;
                if best.is_none_or(|(m, _, _)| sum > m) {
                    best = Some((sum, ia, ib));
                }
            }
        }
        if let Some((m, ia, ib)) = best {
            if m > 0.0 {
                return Some(vec![state.agents[ia].uid, state.agents[ib].uid]);
            }
        }
    }
    let n64 = n as u64;
    let i = usize::try_from(state.rng_events.rand_index(n64)).unwrap_or(0);
    let mut j = usize::try_from(state.rng_events.rand_index(n64 - 1)).unwrap_or(0);
    if j >= i {
        j += 1;
    }
    let (lo, hi) = (i.min(j), i.max(j));
    Some(vec![
        state.agents[eligible[lo]].uid,
        state.agents[eligible[hi]].uid,
    ])
}

/// Draws a duration in `[min, max]` (no draw when equal).
pub fn draw_duration(state: &mut WorldState, (min, max): (i64, i64)) -> i64 {
    if max > min {
        let span = u64::try_from(max - min + 1).unwrap_or(1);
        min + i64::try_from(state.rng_events.rand_index(span)).unwrap_or(0)
    } else {
        min
    }
}

/// Draws a magnitude in `[min, max]` (no draw when equal).
pub fn draw_magnitude(state: &mut WorldState, (min, max): (f64, f64)) -> f64 {
    if max > min {
        let u = state.rng_events.rand_f64();
        min + (u * (max - min))
    } else {
        min
    }
}

fn gates_pass(state: &WorldState, s: usize) -> bool {
    let t = state.tick;
    let pert = &state.settings.perturbations;
    let Some(spec) = pert.specs.get(s) else {
        return false;
    };
    let active = u32::try_from(state.perturb.active.len()).unwrap_or(u32::MAX);
    if active >= pert.max_concurrent || t < state.perturb.global_next {
        return false;
    }
    if state.perturb.active.iter().any(|p| p.spec == s) {
        return false;
    }
    if t < state.perturb.next_allowed.get(s).copied().unwrap_or(0) {
        return false;
    }
    if pert.max_events_per_window > 0 && pert.window_ticks > 0 {
        let recent = state.perturb.window.get(s).map_or(0, |w| {
            w.iter().filter(|&&st| t - st < pert.window_ticks).count()
        });
        if recent >= usize::try_from(pert.max_events_per_window).unwrap_or(usize::MAX) {
            return false;
        }
    }
    let (from, to) = spec.active_hours.unwrap_or((0, state.clock.ticks_per_day));
    let minute = state.minute();
    from <= minute && minute < to && state.p_ticks.get(s).is_some_and(|&p| p > 0.0)
}

/// Step 5 (world.md 12.3): end, pending, random, activation.
pub fn perturbation_step(state: &mut WorldState) {
    let t = state.tick;
    while let Some(pos) = state.perturb.active.iter().position(|p| p.ends_at <= t) {
        end_active(state, pos, false);
    }
    while let Some(pos) = state.perturb.pending.iter().position(|p| p.start <= t) {
        let mut p = state.perturb.pending.remove(pos);
        if is_kind(state, &p, PertKind::ArrangedMeet) {
            p.participants
                .retain(|uid| state.agents.iter().any(|a| a.uid == *uid && a.alive));
            if p.participants.len() < 2 {
                let ended = ended_event(state, &p, true);
                state.events.emit(ended);
                continue;
            }
        }
        activate(state, p);
    }
    if !state.settings.perturbations.enabled {
        return;
    }
    for s in 0..state.settings.perturbations.specs.len() {
        if !gates_pass(state, s) {
            continue;
        }
        let u = state.rng_events.rand_f64();
        if u >= state.p_ticks.get(s).copied().unwrap_or(0.0) {
            continue;
        }
        let Some(spec) = state.settings.perturbations.specs.get(s).cloned() else {
            continue;
        };
        let duration = draw_duration(state, spec.duration);
        let mut p = Pert {
            id: 0,
            spec: s,
            start: t,
            ends_at: t + duration,
            magnitude: 1.0,
            targets: Vec::new(),
            location: None,
            participants: Vec::new(),
        };
        match spec.kind {
            PertKind::PriceSpike => {
                p.magnitude = draw_magnitude(state, spec.magnitude.unwrap_or((1.0, 1.0)));
                p.targets = resolve_targets(state, spec.targets.as_deref().unwrap_or(&[]))
                    .unwrap_or_default();
            }
            PertKind::ArrangedMeet => {
                let zone = spec.location.as_deref().unwrap_or("cafe");
                p.location = state.grid.zone_index(zone);
                match pick_pair(state, s) {
                    Some(pair) if p.location.is_some() => p.participants = pair,
                    _ => continue,
                }
            }
            _ => {}
        }
        p.id = state.perturb.next_id;
        state.perturb.next_id += 1;
        activate(state, p);
    }
}

/// Console: schedules a manual event starting at `tick + starts_in`; returns its id.
pub fn schedule_manual(state: &mut WorldState, mut p: Pert, starts_in: i64) -> String {
    p.id = state.perturb.next_id;
    state.perturb.next_id += 1;
    let duration = p.ends_at - p.start;
    p.start = state.tick + starts_in;
    p.ends_at = p.start + duration;
    let id = event_id(p.id);
    let at = state.perturb.pending.partition_point(|a| a.id < p.id);
    state.perturb.pending.insert(at, p);
    id
}

/// Console `perturbation_cancel`: false when no pending or active event has `id`.
pub fn cancel(state: &mut WorldState, id: &str) -> bool {
    if let Some(pos) = state
        .perturb
        .pending
        .iter()
        .position(|p| event_id(p.id) == id)
    {
        let p = state.perturb.pending.remove(pos);
        let ended = ended_event(state, &p, true);
        state.events.emit(ended);
        return true;
    }
    if let Some(pos) = state
        .perturb
        .active
        .iter()
        .position(|p| event_id(p.id) == id)
    {
        end_active(state, pos, true);
        return true;
    }
    false
}

mod state_tree;
pub use state_tree::{check_perturbations, export_perturbations, import_perturbations};
