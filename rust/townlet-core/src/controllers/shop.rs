//! ShopGroceries (learning.md 2.4): buy raw food at the nearest usable till until the
//! carry limit, money or stock stops it (phase 0), walk home and store it in an own
//! fridge one unit per `store_raw_food` while the fridge has room (phase 1). Mirrors
//! `controller_shop.py`.

use super::basic::{dist, role, use_object, walk, Triple, WAIT_TRIPLE};
use super::fed::{at_home, bound, carried, nearest, vendor_aff, Pick};
use super::{OptState, Outcome};
use crate::affordances::engage::BUY;
use crate::affordances::{start_check, stock_limit, AffResult};
use crate::state::WorldState;
use crate::targets::TargetFields;

/// The item of the `buy_raw_food` role.
fn raw_item(state: &WorldState) -> Option<usize> {
    *state.tables.role_item.get(role("buy_raw_food"))?
}

/// Whether agent `i` can BUY raw food at `obj` at `tick` (its vendor affordance passes
/// the start checks: stock, money, power, carry limit).
fn can_buy(state: &WorldState, i: usize, obj: usize, item: usize, tick: i64) -> bool {
    vendor_aff(state, obj, item)
        .is_some_and(|a| start_check(state, &state.agents[i], a, Some(obj), tick).0 == 0)
}

/// The nearest till agent `i` can buy raw food at.
fn till(state: &WorldState, fields: &TargetFields, i: usize, tick: i64) -> Option<Pick> {
    let item = raw_item(state)?;
    nearest(
        state,
        fields,
        i,
        fields.named.vendors_of(item),
        |_| true,
        |o| can_buy(state, i, o, item, tick).then_some(0),
    )
}

/// The nearest own fridge taking a `store_raw_food` now.
fn fridge(state: &WorldState, fields: &TargetFields, i: usize, tick: i64) -> Option<Pick> {
    let store = role("store_raw_food");
    nearest(
        state,
        fields,
        i,
        &fields.named.fridges,
        |o| at_home(state, i, o),
        |o| bound(state, i, store, o, tick, false),
    )
}

/// The mask rule: a reachable usable till, raw food below its carry limit (part of
/// the till's start checks) and an own fridge below its raw-food stock limit.
pub fn allowed(state: &WorldState, fields: &TargetFields, i: usize, tick: i64) -> bool {
    let Some(item) = raw_item(state) else {
        return false;
    };
    let room = fields.named.fridges.iter().any(|&o| {
        at_home(state, i, o)
            && state
                .stock
                .get(o)
                .and_then(|s| s.get(item))
                .is_some_and(|&n| i64::from(n) < stock_limit(state, o, item))
    });
    room && till(state, fields, i, tick).is_some()
}

/// ShopGroceries' primitive (sets `o.target`); `None` when it fails now.
pub fn emit(
    state: &WorldState,
    fields: &TargetFields,
    i: usize,
    o: &mut OptState,
) -> Option<Triple> {
    let t = state.tick;
    let agent = &state.agents[i];
    if o.step == 0 {
        let target = match usize::try_from(o.target) {
            Ok(obj) => obj,
            Err(_) => {
                let (obj, _, avoided) = till(state, fields, i, t)?;
                o.avoided = avoided.map(|(rival, given_up)| (rival, given_up as i64));
                obj
            }
        };
        o.target = target as i64;
        if agent.eng.object() == Some(target) || agent.eng.is_active() {
            return Some(WAIT_TRIPLE);
        }
        let field = fields.field(target)?;
        if dist(state, i, field) != 0 {
            return walk(state, i, field);
        }
        let item = raw_item(state)?;
        if !can_buy(state, i, target, item, t) {
            return None;
        }
        return Some((BUY, u32::try_from(item).ok()?, 0));
    }
    let target = match usize::try_from(o.target) {
        Ok(obj) => obj,
        Err(_) => {
            let (obj, _, avoided) = fridge(state, fields, i, t)?;
            o.avoided = avoided.map(|(rival, given_up)| (rival, given_up as i64));
            obj
        }
    };
    o.target = target as i64;
    use_object(state, fields, i, target, role("store_raw_food"))
}

/// Step 13: after a completed BUY keep buying while it can, else go storing; after a
/// completed store keep storing while carrying and the fridge has room, else succeed.
pub fn outcome(state: &WorldState, i: usize, o: &mut OptState) -> Option<Outcome> {
    let agent = &state.agents[i];
    let t = state.tick;
    let done = agent
        .last_aff
        .is_some_and(|l| l.tick == t && l.result == AffResult::Completed);
    if !done {
        return None;
    }
    let item = raw_item(state)?;
    let target = usize::try_from(o.target).ok()?;
    if o.step == 0 {
        if !can_buy(state, i, target, item, t) {
            o.step = 1;
            o.target = -1;
        }
        return None;
    }
    let more = carried(state, i, Some(item)) > 0
        && bound(state, i, role("store_raw_food"), target, t, false).is_some();
    (!more).then_some(Outcome::Success)
}
