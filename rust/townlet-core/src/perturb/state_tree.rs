//! The `perturbations` subtree of the state (docs/world-state.md 3): export, import
//! and its value checks.

use super::{event_id, Pert, Scheduler};
use crate::canonical::StateValue;
use crate::error::Error;
use crate::state::WorldState;

fn export_pert(state: &WorldState, p: &Pert) -> StateValue {
    let s = &state.settings;
    StateValue::dict([
        ("event_id", StateValue::Str(event_id(p.id))),
        (
            "spec",
            StateValue::str(
                s.perturbations
                    .specs
                    .get(p.spec)
                    .map_or("", |x| x.name.as_str()),
            ),
        ),
        ("start", StateValue::Int(p.start)),
        ("ends_at", StateValue::Int(p.ends_at)),
        ("magnitude", StateValue::Float(p.magnitude)),
        (
            "targets",
            StateValue::List(
                p.targets
                    .iter()
                    .filter_map(|&k| s.economy.prices.get(k).map(|(n, _)| StateValue::str(n)))
                    .collect(),
            ),
        ),
        ("location", StateValue::opt_str(state.zone_name(p.location))),
        (
            "participants",
            StateValue::List(
                p.participants
                    .iter()
                    .map(|u| StateValue::from(*u))
                    .collect(),
            ),
        ),
    ])
}

/// The `perturbations` subtree.
pub fn export_perturbations(state: &WorldState) -> StateValue {
    let sched = &state.perturb;
    StateValue::dict([
        (
            "next_event",
            StateValue::Int(i64::try_from(sched.next_id).unwrap_or(i64::MAX)),
        ),
        ("global_next", StateValue::Int(sched.global_next)),
        (
            "specs",
            StateValue::List(
                state
                    .settings
                    .perturbations
                    .specs
                    .iter()
                    .enumerate()
                    .map(|(k, spec)| {
                        StateValue::dict([
                            ("name", StateValue::str(&spec.name)),
                            (
                                "next_allowed",
                                StateValue::Int(sched.next_allowed.get(k).copied().unwrap_or(0)),
                            ),
                            (
                                "window",
                                StateValue::List(
                                    sched
                                        .window
                                        .get(k)
                                        .map(|w| w.iter().map(|t| StateValue::Int(*t)).collect())
                                        .unwrap_or_default(),
                                ),
                            ),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "agent_cooldowns",
            StateValue::Dict(
                sched
                    .agent_cooldowns
                    .iter()
                    .map(|(u, t)| (u.to_string(), StateValue::Int(*t)))
                    .collect(),
            ),
        ),
        (
            "active",
            StateValue::List(sched.active.iter().map(|p| export_pert(state, p)).collect()),
        ),
        (
            "pending",
            StateValue::List(
                sched
                    .pending
                    .iter()
                    .map(|p| export_pert(state, p))
                    .collect(),
            ),
        ),
    ])
}

fn int(node: &StateValue, key: &str) -> i64 {
    match node.get(key) {
        Some(StateValue::Int(i)) => *i,
        _ => 0,
    }
}

fn items(node: &StateValue, key: &str) -> Vec<StateValue> {
    match node.get(key) {
        Some(StateValue::List(l)) => l.clone(),
        _ => Vec::new(),
    }
}

fn text<'a>(node: &'a StateValue, key: &str) -> &'a str {
    match node.get(key) {
        Some(StateValue::Str(s)) => s,
        _ => "",
    }
}

fn event_number(id: &str) -> Option<u64> {
    let n = id.strip_prefix("evt_")?;
    if n.starts_with('0') || n.starts_with('+') {
        return None;
    }
    n.parse().ok()
}

fn import_pert(state: &WorldState, node: &StateValue) -> Pert {
    let s = &state.settings;
    Pert {
        id: event_number(text(node, "event_id")).unwrap_or(0),
        spec: s
            .perturbations
            .specs
            .iter()
            .position(|x| x.name == text(node, "spec"))
            .unwrap_or(0),
        start: int(node, "start"),
        ends_at: int(node, "ends_at"),
        magnitude: match node.get("magnitude") {
            Some(StateValue::Float(x)) => *x,
            _ => 1.0,
        },
        targets: items(node, "targets")
            .iter()
            .filter_map(|t| match t {
                StateValue::Str(k) => crate::econ::price_index(state, k),
                _ => None,
            })
            .collect(),
        location: match node.get("location") {
            Some(StateValue::Str(z)) => state.grid.zone_index(z),
            _ => None,
        },
        participants: items(node, "participants")
            .iter()
            .filter_map(|u| match u {
                StateValue::Int(i) => u32::try_from(*i).ok(),
                _ => None,
            })
            .collect(),
    }
}

/// Reads a checked `perturbations` subtree back into `state`.
pub fn import_perturbations(state: &mut WorldState, node: &StateValue) {
    let n = state.settings.perturbations.specs.len();
    let mut sched = Scheduler::new(n);
    sched.next_id = u64::try_from(int(node, "next_event")).unwrap_or(1);
    sched.global_next = int(node, "global_next");
    for (k, spec) in items(node, "specs").iter().enumerate().take(n) {
        sched.next_allowed[k] = int(spec, "next_allowed");
        sched.window[k] = items(spec, "window")
            .iter()
            .map(|t| match t {
                StateValue::Int(i) => *i,
                _ => 0,
            })
            .collect();
    }
    if let Some(StateValue::Dict(pairs)) = node.get("agent_cooldowns") {
        for (key, t) in pairs {
            if let (Ok(uid), StateValue::Int(t)) = (key.parse::<u32>(), t) {
                sched.agent_cooldowns.insert(uid, *t);
            }
        }
    }
    sched.active = items(node, "active")
        .iter()
        .map(|p| import_pert(state, p))
        .collect();
    sched.pending = items(node, "pending")
        .iter()
        .map(|p| import_pert(state, p))
        .collect();
    state.perturb = sched;
}

fn fail(path: String, what: String) -> Error {
    Error::snapshot(path, what)
}

/// Checks the `perturbations` subtree of a sound-shaped tree: one entry per spec in
/// config order, event ids `evt_<n>` ascending and below `next_event`, known specs,
/// price keys, zones, and ticks in range.
pub fn check_perturbations(state: &WorldState, tree: &StateValue) -> Result<(), Error> {
    let tick = int(tree, "tick");
    let empty = StateValue::Null;
    let node = tree.get("perturbations").unwrap_or(&empty);
    let next = int(node, "next_event");
    if next < 1 {
        return Err(fail(
            "perturbations.next_event".into(),
            format!("must be >= 1, got {next}"),
        ));
    }
    let specs = &state.settings.perturbations.specs;
    let listed = items(node, "specs");
    let names: Vec<&str> = listed.iter().map(|s| text(s, "name")).collect();
    let expected: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
    if names != expected {
        return Err(fail(
            "perturbations.specs".into(),
            format!("expected the specs {}", expected.join(", ")),
        ));
    }
    let mut prev = 0;
    for part in ["active", "pending"] {
        for (i, p) in items(node, part).iter().enumerate() {
            let path = format!("perturbations.{part}[{i}]");
            let id = text(p, "event_id");
            let n = event_number(id)
                .and_then(|n| i64::try_from(n).ok())
                .filter(|n| *n >= 1 && *n < next);
            let Some(n) = n else {
                return Err(fail(
                    format!("{path}.event_id"),
                    format!("expected evt_<n> with 1 <= n < next_event, got '{id}'"),
                ));
            };
            if part == "active" && n <= prev {
                return Err(fail(
                    format!("{path}.event_id"),
                    "expected ascending event ids".into(),
                ));
            }
            prev = if part == "active" { n } else { prev };
            let spec = text(p, "spec");
            if !specs.iter().any(|s| s.name == spec) {
                return Err(fail(
                    format!("{path}.spec"),
                    format!("unknown spec '{spec}'"),
                ));
            }
            let (start, end) = (int(p, "start"), int(p, "ends_at"));
            if end < start || (part == "active" && start > tick) {
                return Err(fail(
                    format!("{path}.ends_at"),
                    format!("expected start <= ends_at (and start <= tick when active), got {start}, {end}"),
                ));
            }
            for t in items(p, "targets") {
                if let StateValue::Str(k) = &t {
                    if crate::econ::price_index(state, k).is_none() {
                        return Err(fail(
                            format!("{path}.targets"),
                            format!("unknown price key '{k}'"),
                        ));
                    }
                }
            }
            if let Some(StateValue::Str(z)) = p.get("location") {
                if state.grid.zone_index(z).is_none() {
                    return Err(fail(
                        format!("{path}.location"),
                        format!("unknown zone '{z}'"),
                    ));
                }
            }
        }
    }
    if let Some(StateValue::Dict(pairs)) = node.get("agent_cooldowns") {
        for (key, _) in pairs {
            if key.parse::<u32>().map(|u| u.to_string()) != Ok(key.clone()) {
                return Err(fail(
                    format!("perturbations.agent_cooldowns.{key}"),
                    "expected a uid key".into(),
                ));
            }
        }
    }
    Ok(())
}
