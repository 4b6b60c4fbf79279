//! INTERACT, BUY, RELEASE and USE_ITEM (world.md 6.1-6.4) and primitive roles.
//!
//! Primitive ids 5-16 (learning.md 2.5) name roles; [`ROLES`] binds each to
//! manifest affordances (interact roles) or to an item (buy and eat roles), first
//! applicable wins. [`role_candidate`] is both the resolution of an id and its mask
//! column. The `apply_*` functions validate in the order of world.md 6.3 and act at
//! once. Mirrors `python/townlet/world/engage.py`.

use super::{at_object, emit_failed, interrupt, queue, start, start_check, Engagement};
use crate::agents::ActionKind;
use crate::events::EventData;
use crate::state::WorldState;

/// World.md 6.1 kind code of INTERACT.
pub const INTERACT: i32 = 5;
/// World.md 6.1 kind code of RELEASE.
pub const RELEASE: i32 = 6;
/// World.md 6.1 kind code of BUY.
pub const BUY: i32 = 8;
/// World.md 6.1 kind code of USE_ITEM.
pub const USE_ITEM: i32 = 9;
/// The primitive id of `release`.
pub const RELEASE_ID: i32 = 18;

/// How a role resolves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum How {
    /// INTERACT with a bound affordance.
    Interact,
    /// BUY of the item.
    Buy,
    /// USE_ITEM of the item.
    Use,
}

/// Primitive ids 5..16 in order: (role, how, default binding: affordance ids or the
/// item). The binding in use is `settings.roles`.
///
/// ```
/// use townlet_core::affordances::engage::ROLES;
/// assert_eq!(ROLES[1].2, &["shower", "public_shower"]);
/// ```
pub const ROLES: [(&str, How, &[&str]); 12] = [
    ("sleep", How::Interact, &["sleep"]),
    ("wash", How::Interact, &["shower", "public_shower"]),
    ("cook", How::Interact, &["cook_meal"]),
    ("take_meal", How::Interact, &["take_meal"]),
    ("take_raw_food", How::Interact, &["take_raw_food"]),
    ("store_meal", How::Interact, &["store_meal"]),
    ("store_raw_food", How::Interact, &["store_raw_food"]),
    ("buy_meal", How::Buy, &["meal"]),
    ("buy_raw_food", How::Buy, &["raw_food"]),
    ("rest", How::Interact, &["rest"]),
    ("eat_meal", How::Use, &["meal"]),
    ("eat_raw_food", How::Use, &["raw_food"]),
];

/// The default `roles` binding: [`ROLES`] as settings pairs.
pub fn default_roles() -> Vec<(String, Vec<String>)> {
    ROLES
        .iter()
        .map(|(role, _, names)| {
            (
                role.to_string(),
                names.iter().map(|n| n.to_string()).collect(),
            )
        })
        .collect()
}

/// Checks a `roles` binding: the 12 roles in primitive order (names may be anything;
/// a name the manifest lacks leaves the role unbound).
pub fn check_roles(roles: &[(String, Vec<String>)]) -> Result<(), (String, String)> {
    if roles.len() != ROLES.len() {
        return Err((
            "roles".into(),
            format!("expected the {} roles in primitive order", ROLES.len()),
        ));
    }
    for (k, ((role, _), (want, _, _))) in roles.iter().zip(ROLES.iter()).enumerate() {
        if role != want {
            return Err((
                format!("roles[{k}]"),
                format!("expected ['{want}', [names]]"),
            ));
        }
    }
    Ok(())
}

/// Records a failed action of agent `i` and emits `action_failed`.
pub fn fail_action(state: &mut WorldState, i: usize, kind: ActionKind, reason: u8) {
    let agent = &mut state.agents[i];
    agent.last_kind = kind;
    agent.last_ok = false;
    agent.last_reason = reason;
    let uid = agent.uid;
    state
        .events
        .emit(EventData::ActionFailed { uid, kind, reason });
}

fn ok(state: &mut WorldState, i: usize, kind: ActionKind) {
    let agent = &mut state.agents[i];
    agent.last_kind = kind;
    agent.last_ok = true;
    agent.last_reason = 0;
}

/// BUY resolution (world.md 6.1 rule 4): the first object agent `i` is at whose type
/// offers an affordance selling `item` (manifest order).
fn vendor(state: &WorldState, i: usize, item: usize) -> Option<(usize, usize)> {
    let agent = &state.agents[i];
    let name = state.settings.manifest.items.get(item)?.name.as_str();
    for &obj in state.objects_at(agent.x, agent.y) {
        let t = state.grid.objects[obj].type_index;
        for &a in state.tables.offered.get(t)? {
            if state.settings.manifest.affordances[a].sells.as_deref() == Some(name) {
                return Some((obj, a));
            }
        }
    }
    None
}

fn can_start(state: &WorldState, i: usize, a: usize, obj: usize, tick: i64) -> bool {
    let agent = &state.agents[i];
    if agent.eng.is_queued() && agent.eng.object() == Some(obj) && agent.eng.affordance() == Some(a)
    {
        return true;
    }
    start_check(state, agent, a, Some(obj), tick).0 == 0
}

/// The triple `(kind, a, b)` primitive id `5 + role` of agent `i` resolves to at
/// `tick`, or `None` (learning.md 2.5). Interact roles: the first object the agent
/// is at offering a bound affordance whose start checks pass (binding order), else
/// the bound affordance it already waits or holds for there. Allocates nothing.
pub fn role_candidate(
    state: &WorldState,
    i: usize,
    role: usize,
    tick: i64,
) -> Option<(i32, usize, usize)> {
    let how = ROLES.get(role)?.1;
    let tables = &state.tables;
    let bound_all = tables.role_affordances.get(role)?;
    let agent = &state.agents[i];
    if agent.eng.is_active() {
        return None;
    }
    match how {
        How::Use => {
            let item = (*tables.role_item.get(role)?)?;
            let a = (*tables.item_use.get(item)?)?;
            if agent.eng != Engagement::None || start_check(state, agent, a, None, tick).0 != 0 {
                return None;
            }
            Some((USE_ITEM, item, 0))
        }
        How::Buy => {
            let item = (*tables.role_item.get(role)?)?;
            let (obj, a) = vendor(state, i, item)?;
            can_start(state, i, a, obj, tick).then_some((BUY, item, 0))
        }
        How::Interact => {
            for &obj in state.objects_at(agent.x, agent.y) {
                let offered = tables.offered.get(state.grid.objects[obj].type_index)?;
                let bound = bound_all.iter().copied().filter(|a| offered.contains(a));
                for a in bound.clone() {
                    if start_check(state, agent, a, Some(obj), tick).0 == 0 {
                        return Some((INTERACT, obj, a));
                    }
                }
                // Queued here: keep the current intent (Decision D18-aff).
                for a in bound {
                    if can_start(state, i, a, obj, tick) {
                        return Some((INTERACT, obj, a));
                    }
                }
            }
            None
        }
    }
}

/// INTERACT(obj, a) of agent `i` (world.md 6.3): join, replace the intent, or switch.
pub fn apply_interact(state: &mut WorldState, i: usize, obj: usize, a: usize, kind: ActionKind) {
    let agent = &state.agents[i];
    let reason = if agent.eng.is_active() {
        3
    } else if obj >= state.grid.objects.len() {
        6
    } else if a >= state.settings.manifest.affordances.len() {
        7
    } else if !state
        .tables
        .offered
        .get(state.grid.objects[obj].type_index)
        .is_some_and(|o| o.contains(&a))
    {
        8
    } else if !at_object(state, agent, obj) {
        9
    } else {
        0
    };
    if reason != 0 {
        fail_action(state, i, kind, reason);
        return;
    }
    match state.agents[i].eng {
        Engagement::Waiting { object, .. } if object == obj => {
            state.agents[i].eng = Engagement::Waiting { object, intent: a };
            let uid = state.agents[i].uid;
            for w in state.queues[obj]
                .waiters
                .iter_mut()
                .filter(|w| w.uid == uid)
            {
                w.intent = a;
            }
        }
        Engagement::Holding { object, .. } if object == obj => {
            state.agents[i].eng = Engagement::Holding { object, intent: a };
        }
        e => {
            if e.is_queued() {
                queue::leave_queue(state, i, 31);
            }
            queue::join_queue(state, i, obj, a);
        }
    }
    ok(state, i, kind);
}

/// BUY(item): `busy`, `unknown_item`, `no_vendor`, then as INTERACT.
pub fn apply_buy(state: &mut WorldState, i: usize, item: usize) {
    if state.agents[i].eng.is_active() {
        fail_action(state, i, ActionKind::Buy, 3);
    } else if item >= state.settings.manifest.items.len() {
        fail_action(state, i, ActionKind::Buy, 10);
    } else if let Some((obj, a)) = vendor(state, i, item) {
        apply_interact(state, i, obj, a, ActionKind::Buy);
    } else {
        fail_action(state, i, ActionKind::Buy, 12);
    }
}

/// RELEASE: `nothing_to_release`, else interrupt or leave the queue (`released`).
pub fn apply_release(state: &mut WorldState, i: usize) {
    if state.agents[i].eng == Engagement::None {
        fail_action(state, i, ActionKind::Release, 13);
        return;
    }
    interrupt(state, i, 25);
    ok(state, i, ActionKind::Release);
}

/// USE_ITEM(item): `busy`, `unknown_item`, `not_usable`, then the start checks.
pub fn apply_use_item(state: &mut WorldState, i: usize, item: usize) {
    if state.agents[i].eng != Engagement::None {
        fail_action(state, i, ActionKind::UseItem, 3);
        return;
    }
    if item >= state.settings.manifest.items.len() {
        fail_action(state, i, ActionKind::UseItem, 10);
        return;
    }
    let Some(a) = state.tables.item_use.get(item).copied().flatten() else {
        fail_action(state, i, ActionKind::UseItem, 11);
        return;
    };
    let (code, condition) = start_check(state, &state.agents[i], a, None, state.tick);
    if code != 0 {
        let agent = &mut state.agents[i];
        agent.last_kind = ActionKind::UseItem;
        agent.last_ok = false;
        agent.last_reason = code;
        emit_failed(state, i, a, None, code, condition);
        return;
    }
    start(state, i, a, None);
    ok(state, i, ActionKind::UseItem);
}

/// Dispatches a resolved affordance primitive (kinds 5, 6, 8, 9) of agent `i`.
pub fn apply_kind(state: &mut WorldState, i: usize) {
    let agent = &state.agents[i];
    let (kind, a, b) = (agent.action, agent.target as usize, agent.arg);
    match kind {
        INTERACT => apply_interact(state, i, a, b, ActionKind::Interact),
        RELEASE => apply_release(state, i),
        BUY => apply_buy(state, i, a),
        USE_ITEM => apply_use_item(state, i, a),
        _ => {}
    }
}
