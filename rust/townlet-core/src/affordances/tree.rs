//! Engagements, `last_affordance` and object queues in the state tree.
//!
//! The exported forms of docs/world-state.md 3 (state version 4), their import and
//! their snapshot checks, message for message as `affordance_state.py`.

use super::{AffResult, Engagement, Holder, LastAffordance, Queue, Waiter};
use crate::agents::Agent;
use crate::canonical::StateValue;
use crate::error::Error;
use crate::state::WorldState;

/// Engagement kinds (world.md 6.2), in export order.
pub const ENGAGEMENT_KINDS: [&str; 5] = ["none", "waiting", "holding", "running", "using"];

fn opt_index(v: Option<usize>) -> StateValue {
    StateValue::opt_int(v.map(|x| x as i64))
}

/// `{kind, object, affordance, remaining, started_tick, cost_paid}`.
pub fn export_engagement(agent: &Agent) -> StateValue {
    let e = agent.eng;
    let (remaining, started, cost) = match e {
        Engagement::Running {
            remaining,
            started_tick,
            cost_paid,
            ..
        }
        | Engagement::Using {
            remaining,
            started_tick,
            cost_paid,
            ..
        } => (remaining, started_tick, cost_paid),
        _ => (0, -1, 0.0),
    };
    StateValue::dict([
        ("kind", StateValue::str(e.kind())),
        ("object", opt_index(e.object())),
        ("affordance", opt_index(e.affordance())),
        ("remaining", StateValue::Int(remaining)),
        ("started_tick", StateValue::Int(started)),
        ("cost_paid", StateValue::Float(cost)),
    ])
}

/// `{affordance, result, reason, tick}` or None.
pub fn export_last_affordance(last: Option<LastAffordance>) -> StateValue {
    match last {
        None => StateValue::Null,
        Some(l) => StateValue::dict([
            ("affordance", StateValue::Int(l.aff as i64)),
            ("result", StateValue::str(l.result.as_str())),
            ("reason", StateValue::Int(i64::from(l.reason))),
            ("tick", StateValue::Int(l.tick)),
        ]),
    }
}

/// `(holders, waiters, cut_in_until)` of one object, to append to its dict.
pub fn export_queue(queue: &Queue) -> [(&'static str, StateValue); 3] {
    [
        (
            "holders",
            StateValue::List(
                queue
                    .holders
                    .iter()
                    .map(|h| {
                        StateValue::dict([
                            ("uid", StateValue::from(h.uid)),
                            ("granted_tick", StateValue::Int(h.granted_tick)),
                            ("stall", StateValue::Int(h.stall)),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "waiters",
            StateValue::List(
                queue
                    .waiters
                    .iter()
                    .map(|w| {
                        StateValue::dict([
                            ("uid", StateValue::from(w.uid)),
                            ("joined_tick", StateValue::Int(w.joined_tick)),
                            ("intent", StateValue::Int(w.intent as i64)),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "cut_in_until",
            StateValue::Dict(
                queue
                    .cut_in_until
                    .iter()
                    .map(|(uid, t)| (uid.to_string(), StateValue::Int(*t)))
                    .collect(),
            ),
        ),
    ]
}

const NULL: StateValue = StateValue::Null;

fn get<'a>(node: &'a StateValue, key: &str) -> &'a StateValue {
    node.get(key).unwrap_or(&NULL)
}

fn int(node: &StateValue) -> i64 {
    if let StateValue::Int(i) = node {
        *i
    } else {
        0
    }
}

fn opt_int(node: &StateValue) -> Option<i64> {
    if let StateValue::Int(i) = node {
        Some(*i)
    } else {
        None
    }
}

fn float(node: &StateValue) -> f64 {
    if let StateValue::Float(x) = node {
        *x
    } else {
        0.0
    }
}

fn text(node: &StateValue) -> &str {
    if let StateValue::Str(s) = node {
        s
    } else {
        ""
    }
}

fn list(node: &StateValue) -> &[StateValue] {
    if let StateValue::List(items) = node {
        items
    } else {
        &[]
    }
}

fn idx(v: i64) -> usize {
    usize::try_from(v).unwrap_or(0)
}

/// Sets the engagement and `last_affordance` of `agent` from its (checked) node.
pub fn import_engagement(agent: &mut Agent, node: &StateValue) {
    let e = get(node, "engagement");
    let object = idx(int(get(e, "object")));
    let aff = idx(int(get(e, "affordance")));
    let remaining = int(get(e, "remaining"));
    let started_tick = int(get(e, "started_tick"));
    let cost_paid = float(get(e, "cost_paid"));
    agent.eng = match text(get(e, "kind")) {
        "waiting" => Engagement::Waiting {
            object,
            intent: aff,
        },
        "holding" => Engagement::Holding {
            object,
            intent: aff,
        },
        "running" => Engagement::Running {
            object,
            aff,
            remaining,
            started_tick,
            cost_paid,
        },
        "using" => Engagement::Using {
            aff,
            remaining,
            started_tick,
            cost_paid,
        },
        _ => Engagement::None,
    };
    let last = get(node, "last_affordance");
    agent.last_aff = opt_int(get(last, "affordance")).map(|a| LastAffordance {
        aff: idx(a),
        result: AffResult::ALL
            .into_iter()
            .find(|r| r.as_str() == text(get(last, "result")))
            .unwrap_or(AffResult::Failed),
        reason: u8::try_from(int(get(last, "reason"))).unwrap_or(0),
        tick: int(get(last, "tick")),
    });
}

/// The queue of one object from its (checked) node.
pub fn import_queue(node: &StateValue) -> Queue {
    let mut q = Queue::default();
    for h in list(get(node, "holders")) {
        q.holders.push(Holder {
            uid: u32::try_from(int(get(h, "uid"))).unwrap_or(0),
            granted_tick: int(get(h, "granted_tick")),
            stall: int(get(h, "stall")),
        });
    }
    for w in list(get(node, "waiters")) {
        q.waiters.push(Waiter {
            uid: u32::try_from(int(get(w, "uid"))).unwrap_or(0),
            joined_tick: int(get(w, "joined_tick")),
            intent: idx(int(get(w, "intent"))),
        });
    }
    if let StateValue::Dict(pairs) = get(node, "cut_in_until") {
        for (key, t) in pairs {
            if let Ok(uid) = key.parse::<u32>() {
                q.cut_in_until.insert(uid, int(t));
            }
        }
    }
    q
}

fn fail(path: impl Into<String>, what: impl Into<String>) -> Error {
    Error::snapshot(path.into(), what.into())
}

fn range(v: i64, lo: i64, hi: i64, path: &str) -> Result<(), Error> {
    if v < lo || v > hi {
        return Err(fail(path, format!("must be in [{lo}, {hi}], got {v}")));
    }
    Ok(())
}

/// Value checks of `engagement` and `last_affordance` of agent node `a` at `p`.
pub fn check_agent_engagement(
    state: &WorldState,
    tree: &StateValue,
    a: &StateValue,
    p: &str,
) -> Result<(), Error> {
    let e = get(a, "engagement");
    let at = format!("{p}.engagement");
    let kind = text(get(e, "kind"));
    if !ENGAGEMENT_KINDS.contains(&kind) {
        return Err(fail(format!("{at}.kind"), format!("unknown kind '{kind}'")));
    }
    let n_obj = state.grid.objects.len() as i64 - 1;
    let n_aff = state.settings.manifest.affordances.len() as i64 - 1;
    let object = opt_int(get(e, "object"));
    if object.is_none() != (kind == "none" || kind == "using") {
        return Err(fail(
            format!("{at}.object"),
            format!("does not match kind '{kind}'"),
        ));
    }
    if let Some(o) = object {
        range(o, 0, n_obj, &format!("{at}.object"))?;
    }
    let aff = opt_int(get(e, "affordance"));
    if aff.is_none() != (kind == "none") {
        return Err(fail(
            format!("{at}.affordance"),
            format!("does not match kind '{kind}'"),
        ));
    }
    if let Some(x) = aff {
        range(x, 0, n_aff, &format!("{at}.affordance"))?;
    }
    let tick = int(get(tree, "tick"));
    range(
        int(get(e, "remaining")),
        0,
        10080,
        &format!("{at}.remaining"),
    )?;
    range(
        int(get(e, "started_tick")),
        -1,
        tick,
        &format!("{at}.started_tick"),
    )?;
    let last = get(a, "last_affordance");
    if !matches!(last, StateValue::Null) {
        let lp = format!("{p}.last_affordance");
        range(
            int(get(last, "affordance")),
            0,
            n_aff,
            &format!("{lp}.affordance"),
        )?;
        let result = text(get(last, "result"));
        if !AffResult::ALL.iter().any(|r| r.as_str() == result) {
            return Err(fail(
                format!("{lp}.result"),
                format!("unknown result '{result}'"),
            ));
        }
        range(int(get(last, "reason")), 0, 32, &format!("{lp}.reason"))?;
        range(int(get(last, "tick")), 0, tick, &format!("{lp}.tick"))?;
    }
    Ok(())
}

fn uid_key(key: &str) -> Option<i64> {
    let digits = !key.is_empty() && key.len() <= 10 && key.bytes().all(|b| b.is_ascii_digit());
    if !digits || (key.len() > 1 && key.starts_with('0')) {
        return None;
    }
    key.parse().ok()
}

/// Queue checks: capacity, and holders/waiters agree with the engagements.
pub fn check_queues(state: &WorldState, tree: &StateValue) -> Result<(), Error> {
    let agents = list(get(tree, "agents"));
    let by_uid = |uid: i64| agents.iter().find(|a| int(get(a, "uid")) == uid);
    let objects = list(get(tree, "objects"));
    for (k, obj) in objects.iter().enumerate() {
        let t = state.grid.objects.get(k).map_or(0, |o| o.type_index);
        let cap = state
            .settings
            .manifest
            .object_types
            .get(t)
            .map_or(0, |x| x.capacity as usize);
        let p = format!("objects[{k}]");
        let holders = list(get(obj, "holders"));
        if holders.len() > cap {
            return Err(fail(
                format!("{p}.holders"),
                format!("expected at most {cap} holders, got {}", holders.len()),
            ));
        }
        for (j, h) in holders.iter().enumerate() {
            let uid = int(get(h, "uid"));
            let ok = by_uid(uid).is_some_and(|a| {
                let e = get(a, "engagement");
                matches!(text(get(e, "kind")), "holding" | "running")
                    && opt_int(get(e, "object")) == Some(k as i64)
            });
            if !ok {
                return Err(fail(
                    format!("{p}.holders[{j}].uid"),
                    format!("{uid} is not holding object {k}"),
                ));
            }
        }
        for (j, w) in list(get(obj, "waiters")).iter().enumerate() {
            let uid = int(get(w, "uid"));
            let ok = by_uid(uid).is_some_and(|a| {
                let e = get(a, "engagement");
                text(get(e, "kind")) == "waiting" && opt_int(get(e, "object")) == Some(k as i64)
            });
            if !ok {
                return Err(fail(
                    format!("{p}.waiters[{j}].uid"),
                    format!("{uid} is not waiting at object {k}"),
                ));
            }
        }
        if let StateValue::Dict(pairs) = get(obj, "cut_in_until") {
            let mut keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
            keys.sort_unstable();
            for key in keys {
                if uid_key(key).is_none_or(|u| by_uid(u).is_none()) {
                    return Err(fail(
                        format!("{p}.cut_in_until"),
                        format!("'{key}' is not the uid of an agent"),
                    ));
                }
            }
        }
    }
    for (i, a) in agents.iter().enumerate() {
        let e = get(a, "engagement");
        let kind = text(get(e, "kind"));
        if !matches!(kind, "waiting" | "holding" | "running") {
            continue;
        }
        let o = idx(int(get(e, "object")));
        let obj = objects.get(o).unwrap_or(&NULL);
        let place = if kind == "waiting" {
            "waiters"
        } else {
            "holders"
        };
        let uid = int(get(a, "uid"));
        let n = list(get(obj, place))
            .iter()
            .filter(|x| int(get(x, "uid")) == uid)
            .count();
        if n != 1 {
            return Err(fail(
                format!("agents[{i}].engagement"),
                format!("{} is not in the queue of object {o}", text(get(a, "id"))),
            ));
        }
    }
    Ok(())
}
