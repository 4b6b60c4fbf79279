//! Console commands of perturbations (world.md 12.5, 16; docs/world-state.md 9):
//! `perturbation_trigger`, `arrange_meet` and `perturbation_cancel`.

use serde_json::{Map, Value};

use super::{alive_index, invalid, Checked, Refused};
use crate::perturb::{
    cancel, draw_duration, draw_magnitude, resolve_targets, schedule_manual, Pert, PertKind,
};
use crate::state::WorldState;

/// Largest `starts_in` (one week of minutes).
const MAX_STARTS_IN: i64 = 10_080;

fn strings(name: &str, key: &str, value: &Value) -> Checked<Vec<String>> {
    value
        .as_array()
        .and_then(|a| {
            a.iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
        })
        .ok_or_else(|| invalid(format!("{name}: {key}: expected a list of str")))
}

fn starts_in(name: &str, args: &Map<String, Value>) -> Checked<i64> {
    let n = args.get("starts_in").and_then(Value::as_i64).unwrap_or(0);
    if !(0..=MAX_STARTS_IN).contains(&n) {
        return Err(invalid(format!(
            "{name}: starts_in must be in [0, {MAX_STARTS_IN}]"
        )));
    }
    Ok(n)
}

fn duration(name: &str, args: &Map<String, Value>, range: (i64, i64)) -> Checked<Option<i64>> {
    let Some(d) = args.get("duration").and_then(Value::as_i64) else {
        return Ok(None);
    };
    if !(range.0..=range.1).contains(&d) {
        return Err(invalid(format!(
            "{name}: duration must be in [{}, {}]",
            range.0, range.1
        )));
    }
    Ok(Some(d))
}

/// Participant uids (ascending) of agent ids: duplicates and fewer than two are
/// `invalid_args`, agents not alive `not_found`.
fn participants(state: &WorldState, name: &str, ids: &[String]) -> Checked<Vec<u32>> {
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            return Err(invalid(format!("{name}: duplicate agent '{id}'")));
        }
    }
    if ids.len() < 2 {
        return Err(invalid(format!("{name}: needs at least 2 agents")));
    }
    let mut uids = Vec::with_capacity(ids.len());
    for id in ids {
        let index = alive_index(state, name, id)?;
        uids.push(state.agents.get(index).map_or(0, |a| a.uid));
    }
    uids.sort_unstable();
    Ok(uids)
}

fn blank(spec: usize, duration: i64) -> Pert {
    Pert {
        id: 0,
        spec,
        start: 0,
        ends_at: duration,
        magnitude: 1.0,
        targets: Vec::new(),
        location: None,
        participants: Vec::new(),
    }
}

/// `perturbation_trigger {spec, starts_in?, duration?, magnitude?, targets?, participants?}`.
pub(super) fn trigger(state: &mut WorldState, args: &Map<String, Value>) -> Checked<String> {
    let name = "perturbation_trigger";
    let spec_name = args.get("spec").and_then(Value::as_str).unwrap_or("");
    let specs = &state.settings.perturbations.specs;
    let Some(s) = specs.iter().position(|x| x.name == spec_name) else {
        return Err(Refused(
            "not_found",
            format!("{name}: unknown spec '{spec_name}'"),
        ));
    };
    let spec = specs[s].clone();
    let delay = starts_in(name, args)?;
    let given_duration = duration(name, args, spec.duration)?;
    let spike = spec.kind == PertKind::PriceSpike;
    let given_magnitude = match args.get("magnitude").and_then(Value::as_f64) {
        Some(_) if !spike => {
            return Err(invalid(format!(
                "{name}: magnitude applies to price_spike only"
            )))
        }
        Some(m) => {
            let (lo, hi) = spec.magnitude.unwrap_or((1.0, 1.0));
            if !(lo..=hi).contains(&m) {
                return Err(invalid(format!(
                    "{name}: magnitude outside the spec's range"
                )));
            }
            Some(m)
        }
        None => None,
    };
    let mut targets = None;
    if let Some(value) = args.get("targets") {
        if !spike {
            return Err(invalid(format!(
                "{name}: targets apply to price_spike only"
            )));
        }
        let list = strings(name, "targets", value)?;
        if list.is_empty() {
            return Err(invalid(format!("{name}: targets must not be empty")));
        }
        for t in &list {
            if resolve_targets(state, std::slice::from_ref(t)).is_none() {
                return Err(invalid(format!("{name}: unknown price target '{t}'")));
            }
        }
        targets = resolve_targets(state, &list);
    }
    let meet = spec.kind == PertKind::ArrangedMeet;
    let mut uids = Vec::new();
    match args.get("participants") {
        Some(_) if !meet => {
            return Err(invalid(format!(
                "{name}: participants apply to arranged_meet only"
            )))
        }
        Some(value) => {
            let ids = strings(name, "participants", value)?;
            uids = participants(state, name, &ids)?;
        }
        None if meet => {
            return Err(invalid(format!(
                "{name}: an arranged meet needs participants"
            )))
        }
        None => {}
    }
    let location = if meet {
        let zone = spec.location.as_deref().unwrap_or("cafe");
        let Some(z) = state.grid.zone_index(zone) else {
            return Err(Refused(
                "not_found",
                format!("{name}: unknown zone '{zone}'"),
            ));
        };
        Some(z)
    } else {
        None
    };
    let d = match given_duration {
        Some(d) => d,
        None => draw_duration(state, spec.duration),
    };
    let mut p = blank(s, d);
    if spike {
        p.magnitude = match given_magnitude {
            Some(m) => m,
            None => draw_magnitude(state, spec.magnitude.unwrap_or((1.0, 1.0))),
        };
        p.targets = match targets {
            Some(t) => t,
            None => {
                resolve_targets(state, spec.targets.as_deref().unwrap_or(&[])).unwrap_or_default()
            }
        };
    }
    p.location = location;
    p.participants = uids;
    let id = schedule_manual(state, p, delay);
    Ok(format!("scheduled {id}"))
}

/// `arrange_meet {agents, location?, starts_in?, duration?}`.
pub(super) fn arrange_meet(state: &mut WorldState, args: &Map<String, Value>) -> Checked<String> {
    let name = "arrange_meet";
    let ids = strings(name, "agents", args.get("agents").unwrap_or(&Value::Null))?;
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            return Err(invalid(format!("{name}: duplicate agent '{id}'")));
        }
    }
    if ids.len() < 2 {
        return Err(invalid(format!("{name}: needs at least 2 agents")));
    }
    let delay = starts_in(name, args)?;
    let specs = &state.settings.perturbations.specs;
    let Some(s) = specs.iter().position(|x| x.kind == PertKind::ArrangedMeet) else {
        return Err(Refused(
            "not_found",
            format!("{name}: no arranged_meet spec"),
        ));
    };
    let range = specs[s].duration;
    let given = duration(name, args, range)?;
    let zone = args
        .get("location")
        .and_then(Value::as_str)
        .unwrap_or("cafe");
    let Some(z) = state.grid.zone_index(zone) else {
        return Err(Refused(
            "not_found",
            format!("{name}: unknown zone '{zone}'"),
        ));
    };
    let uids = participants(state, name, &ids)?;
    let d = match given {
        Some(d) => d,
        None => draw_duration(state, range),
    };
    let mut p = blank(s, d);
    p.location = Some(z);
    p.participants = uids;
    let id = schedule_manual(state, p, delay);
    Ok(format!("scheduled {id}"))
}

/// `perturbation_cancel {event_id}`.
pub(super) fn cancel_cmd(state: &mut WorldState, args: &Map<String, Value>) -> Checked<String> {
    let id = args.get("event_id").and_then(Value::as_str).unwrap_or("");
    if !cancel(state, id) {
        return Err(Refused(
            "not_found",
            format!("perturbation_cancel: no event '{id}'"),
        ));
    }
    Ok(format!("cancelled {id}"))
}
