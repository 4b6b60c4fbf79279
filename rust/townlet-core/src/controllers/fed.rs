//! GetFed (learning.md 2.4 with "GetFed, pinned" and "Packed lunch, pinned").
//!
//! At option start the controller estimates, for each feasible source, the ticks
//! until the meal is eaten and keeps the smallest (ties in source order): carried
//! meal, own-fridge meal, cook, cafe, carried raw food (critical only). `step` holds
//! `16 * (source + 1) + phase` once chosen (0 before): phase 0 fetches (`take_meal`,
//! `take_raw_food` or BUY of a meal), 1 cooks, 2 eats. Mirrors the GetFed part of
//! `controllers.py`.

use super::basic::{dist, role, use_object, walk, Triple, WAIT_TRIPLE};
use super::{OptState, Outcome};
use crate::affordances::engage::{BUY, USE_ITEM};
use crate::affordances::{start_check, AffResult};
use crate::state::WorldState;
use crate::targets::TargetFields;

/// Source: a carried meal.
pub const SRC_MEAL: i64 = 0;
/// Source: a meal in an own fridge.
pub const SRC_FRIDGE: i64 = 1;
/// Source: cook at a stove.
pub const SRC_COOK: i64 = 2;
/// Source: buy a meal at a counter.
pub const SRC_CAFE: i64 = 3;
/// Source: carried raw food (below `critical_need` only).
pub const SRC_RAW: i64 = 4;

const MISSING_ITEMS: u8 = 21;
const EAT_MEAL: usize = 10;
const EAT_RAW: usize = 11;

/// `(item, item-use affordance)` of an eat role (10 `eat_meal`, 11 `eat_raw_food`).
fn eat_of(state: &WorldState, role: usize) -> Option<(usize, usize)> {
    let item = (*state.tables.role_item.get(role)?)?;
    Some((item, (*state.tables.item_use.get(item)?)?))
}

fn duration(state: &WorldState, a: usize) -> i64 {
    state
        .settings
        .manifest
        .affordances
        .get(a)
        .map_or(0, |x| x.duration)
}

pub(super) fn carried(state: &WorldState, i: usize, item: Option<usize>) -> u32 {
    item.and_then(|k| state.agents[i].items.get(k).copied())
        .unwrap_or(0)
}

/// The first affordance of `obj`'s type selling `item` (manifest order).
pub(super) fn vendor_aff(state: &WorldState, obj: usize, item: usize) -> Option<usize> {
    let t = state.grid.objects.get(obj)?.type_index;
    *state.tables.type_vendor.get(t)?.get(item)?
}

/// The first bound affordance of `role` at `obj` whose start check passes (or, with
/// `missing_ok`, fails only for missing items).
pub(super) fn bound(
    state: &WorldState,
    i: usize,
    role: usize,
    obj: usize,
    tick: i64,
    missing_ok: bool,
) -> Option<usize> {
    let t = state.grid.objects.get(obj)?.type_index;
    let offered = state.tables.offered.get(t)?;
    state
        .tables
        .role_affordances
        .get(role)?
        .iter()
        .copied()
        .filter(|a| offered.contains(a))
        .find(|&a| {
            let code = start_check(state, &state.agents[i], a, Some(obj), tick).0;
            code == 0 || (missing_ok && code == MISSING_ITEMS)
        })
}

/// `q(o)`: agents holding, running or waiting at `obj`.
fn crowd(state: &WorldState, obj: usize) -> i64 {
    state
        .queues
        .get(obj)
        .map_or(0, |q| (q.holders.len() + q.waiters.len()) as i64)
}

/// `cost(o, f) = dist(o) + q(o) * dur(f) + dur(f)`.
fn cost(state: &WorldState, i: usize, fields: &TargetFields, obj: usize, a: usize) -> i64 {
    let d = fields.field(obj).map_or(-1, |f| dist(state, i, f));
    let dur = duration(state, a);
    i64::from(d) + crowd(state, obj) * dur + dur
}

/// The lowest uid among the residents agent `i` avoids that hold or wait at `obj`.
pub(super) fn rival_at(state: &WorldState, i: usize, obj: usize) -> Option<u32> {
    let a = &state.agents[i];
    let q = state.queues.get(obj)?;
    let avoid = state.settings.relationships.avoid_threshold;
    q.holders
        .iter()
        .map(|h| h.uid)
        .chain(q.waiters.iter().map(|w| w.uid))
        .filter(|&uid| uid != a.uid && a.ties.get(uid).is_some_and(|t| t.rivalry >= avoid))
        .min()
}

/// A chosen target: `(object, affordance, avoided)` where `avoided` is `(rival, the
/// object given up)` when the rival detour applied.
pub(super) type Pick = (usize, usize, Option<(u32, usize)>);

/// Target choice (learning.md 2.4 rule 3): the nearest object (ties to the lower
/// index) among `objects` (ascending object indexes) that `candidate` accepts that is reachable and for which `pick` finds
/// an affordance; when an avoided resident holds or waits there, the nearest such
/// object without one at most `controllers.rival_detour` steps farther replaces it.
pub(super) fn nearest(
    state: &WorldState,
    fields: &TargetFields,
    i: usize,
    objects: &[usize],
    candidate: impl Fn(usize) -> bool,
    pick: impl Fn(usize) -> Option<usize>,
) -> Option<Pick> {
    let scan = |limit: Option<i32>| {
        let mut best: Option<(i32, usize, usize)> = None;
        for &index in objects {
            if !candidate(index) {
                continue;
            }
            let Some(field) = fields.field(index) else {
                continue;
            };
            let d = dist(state, i, field);
            if d < 0 || best.is_some_and(|(b, _, _)| d >= b) {
                continue;
            }
            if limit.is_some_and(|l| d > l || rival_at(state, i, index).is_some()) {
                continue;
            }
            if let Some(a) = pick(index) {
                best = Some((d, index, a));
            }
        }
        best
    };
    let (d, o, a) = scan(None)?;
    let Some(rival) = rival_at(state, i, o) else {
        return Some((o, a, None));
    };
    let detour = state.settings.controllers.rival_detour;
    let limit = i32::try_from(i64::from(d) + detour).unwrap_or(i32::MAX);
    Some(match scan(Some(limit)) {
        Some((_, o2, a2)) => (o2, a2, Some((rival, o))),
        None => (o, a, None),
    })
}

/// Whether `obj` lies in agent `i`'s home zone (the caller scans objects of the
/// wanted type, [`TargetFields::named`]).
pub(super) fn at_home(state: &WorldState, i: usize, obj: usize) -> bool {
    let zone = state.grid.objects[obj].zone;
    zone.is_some() && zone == state.agents[i].home
}

/// Whether stove `obj` is agent `i`'s own or a cafe's.
fn stove_ok(state: &WorldState, i: usize, obj: usize) -> bool {
    at_home(state, i, obj)
        || state.grid.objects[obj]
            .zone
            .and_then(|z| state.grid.zones.get(z))
            .is_some_and(|z| z.kind == "cafe")
}

fn meal_item(state: &WorldState) -> Option<usize> {
    eat_of(state, EAT_MEAL).map(|(item, _)| item)
}

/// The fetch target of `source` (phase 0): `(object, affordance)`.
fn fetch(
    state: &WorldState,
    fields: &TargetFields,
    i: usize,
    source: i64,
    tick: i64,
) -> Option<Pick> {
    match source {
        SRC_FRIDGE | SRC_COOK => {
            let take = role(if source == SRC_FRIDGE {
                "take_meal"
            } else {
                "take_raw_food"
            });
            nearest(
                state,
                fields,
                i,
                &fields.named.fridges,
                |o| at_home(state, i, o),
                |o| bound(state, i, take, o, tick, false),
            )
        }
        SRC_CAFE => {
            let item = meal_item(state)?;
            nearest(
                state,
                fields,
                i,
                fields.named.vendors_of(item),
                |_| true,
                |o| {
                    vendor_aff(state, o, item)
                        .filter(|&a| start_check(state, &state.agents[i], a, Some(o), tick).0 == 0)
                },
            )
        }
        _ => None,
    }
}

/// The stove target (phase 1): `(object, affordance)`; `missing_ok` while the raw
/// food is still to be fetched.
fn stove(
    state: &WorldState,
    fields: &TargetFields,
    i: usize,
    tick: i64,
    missing_ok: bool,
) -> Option<Pick> {
    let cook = role("cook");
    nearest(
        state,
        fields,
        i,
        &fields.named.stoves,
        |o| stove_ok(state, i, o),
        |o| bound(state, i, cook, o, tick, missing_ok),
    )
}

/// The feasible source with the smallest estimate at `tick` (ties in source order).
pub fn choose(state: &WorldState, fields: &TargetFields, i: usize, tick: i64) -> Option<i64> {
    let agent = &state.agents[i];
    let eat_meal = eat_of(state, EAT_MEAL);
    let eat_raw = eat_of(state, EAT_RAW);
    let can_eat = |e: Option<(usize, usize)>| {
        e.filter(|&(item, a)| {
            carried(state, i, Some(item)) > 0 && start_check(state, agent, a, None, tick).0 == 0
        })
    };
    let dur_eat = eat_meal.map_or(0, |(_, a)| duration(state, a));
    let mut best: Option<(i64, i64)> = None;
    let mut offer = |source: i64, e: Option<i64>| {
        if let Some(e) = e {
            if best.is_none_or(|(b, _)| e < b) {
                best = Some((e, source));
            }
        }
    };
    offer(SRC_MEAL, can_eat(eat_meal).map(|(_, a)| duration(state, a)));
    if eat_meal.is_some() {
        offer(
            SRC_FRIDGE,
            fetch(state, fields, i, SRC_FRIDGE, tick)
                .map(|(o, a, _)| cost(state, i, fields, o, a) + dur_eat),
        );
        let raw = carried(state, i, eat_raw.map(|(item, _)| item)) > 0;
        let take = if raw {
            Some(0)
        } else {
            fetch(state, fields, i, SRC_COOK, tick).map(|(o, a, _)| cost(state, i, fields, o, a))
        };
        offer(
            SRC_COOK,
            take.and_then(|t| {
                stove(state, fields, i, tick, !raw)
                    .map(|(o, a, _)| t + cost(state, i, fields, o, a) + dur_eat)
            }),
        );
        offer(
            SRC_CAFE,
            fetch(state, fields, i, SRC_CAFE, tick)
                .map(|(o, a, _)| cost(state, i, fields, o, a) + dur_eat),
        );
    }
    let critical = agent.needs[0] < state.settings.actions.critical_need;
    if critical {
        offer(SRC_RAW, can_eat(eat_raw).map(|(_, a)| duration(state, a)));
    }
    best.map(|(_, source)| source)
}

/// GetFed's primitive; chooses the source on the first call of the option.
pub fn emit(
    state: &WorldState,
    fields: &TargetFields,
    i: usize,
    o: &mut OptState,
) -> Option<Triple> {
    let t = state.tick;
    if o.step == 0 {
        let source = choose(state, fields, i, t)?;
        let raw = carried(state, i, eat_of(state, EAT_RAW).map(|(k, _)| k)) > 0;
        let phase = match source {
            SRC_FRIDGE | SRC_CAFE => 0,
            SRC_COOK if !raw => 0,
            SRC_COOK => 1,
            _ => 2,
        };
        o.step = 16 * (source + 1) + phase;
        o.target = -1;
    }
    let (source, phase) = (o.step / 16 - 1, o.step % 16);
    let agent = &state.agents[i];
    match phase {
        0 | 1 => {
            let target = match usize::try_from(o.target) {
                Ok(obj) => obj,
                Err(_) => {
                    let (obj, _, avoided) = if phase == 0 {
                        fetch(state, fields, i, source, t)?
                    } else {
                        stove(state, fields, i, t, false)?
                    };
                    o.avoided = avoided.map(|(rival, given_up)| (rival, given_up as i64));
                    obj
                }
            };
            o.target = target as i64;
            if phase == 1 {
                return use_object(state, fields, i, target, role("cook"));
            }
            match source {
                SRC_CAFE => {
                    if agent.eng.object() == Some(target) || agent.eng.is_active() {
                        return Some(WAIT_TRIPLE);
                    }
                    let field = fields.field(target)?;
                    if dist(state, i, field) == 0 {
                        let item = meal_item(state)?;
                        Some((BUY, u32::try_from(item).ok()?, 0))
                    } else {
                        walk(state, i, field)
                    }
                }
                SRC_FRIDGE => use_object(state, fields, i, target, role("take_meal")),
                _ => use_object(state, fields, i, target, role("take_raw_food")),
            }
        }
        _ => {
            o.target = -1;
            if agent.eng.is_active() {
                return Some(WAIT_TRIPLE);
            }
            let eat = if source == SRC_RAW { EAT_RAW } else { EAT_MEAL };
            let (item, _) = eat_of(state, eat)?;
            Some((USE_ITEM, u32::try_from(item).ok()?, 0))
        }
    }
}

/// Step 13 for GetFed: success when the eating affordance completes; a completed
/// fetch or cook advances the phase (with the packed-lunch rule after the first cook).
pub fn outcome(state: &WorldState, i: usize, o: &mut OptState) -> Option<Outcome> {
    let agent = &state.agents[i];
    let done = agent
        .last_aff
        .is_some_and(|l| l.tick == state.tick && l.result == AffResult::Completed);
    if !done || o.step == 0 {
        return None;
    }
    let (source, phase) = (o.step / 16 - 1, o.step % 16);
    let base = 16 * (source + 1);
    match phase {
        0 => {
            o.step = base + if source == SRC_COOK { 1 } else { 2 };
            o.target = -1;
            None
        }
        1 => {
            let raw_item = eat_of(state, EAT_RAW).map(|(k, _)| k);
            let raw = carried(state, i, raw_item) > 0;
            if !o.packed && packed_lunch(state, i, raw, raw_item) {
                o.packed = true;
                o.step = base + if raw { 1 } else { 0 };
            } else {
                o.step = base + 2;
            }
            o.target = -1;
            None
        }
        _ => Some(Outcome::Success),
    }
}

/// "Packed lunch, pinned": employed, the shift starts within 180 ticks, exactly the
/// just-cooked meal carried, and raw food carried or in an own fridge.
fn packed_lunch(state: &WorldState, i: usize, raw: bool, raw_item: Option<usize>) -> bool {
    let agent = &state.agents[i];
    let Some(job) = agent.job.and_then(|j| state.settings.jobs.get(j)) else {
        return false;
    };
    let tpd = state.settings.time.ticks_per_day;
    let until = (job.shift_start - state.minute()).rem_euclid(tpd);
    let meals = carried(state, i, meal_item(state));
    let fridge_raw = raw_item.is_some_and(|k| {
        state.grid.objects.iter().any(|o| {
            o.type_name == "fridge"
                && at_home(state, i, o.index)
                && state
                    .stock
                    .get(o.index)
                    .and_then(|s| s.get(k))
                    .is_some_and(|&n| n > 0)
        })
    });
    until <= 180 && meals == 1 && (raw || fridge_raw)
}
