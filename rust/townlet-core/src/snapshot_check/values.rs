//! The value rules of a state tree whose shape is sound: identity, ranges, and the
//! references between agents, objects, slots and tickets (D9).

use super::fail;
use crate::agents::{ActionKind, Origin};
use crate::canonical::StateValue;
use crate::error::{py_float, Error};
use crate::events::REASONS;
use crate::rng::Rng;
use crate::settings::NEED_NAMES;
use crate::state::{WorldState, MAX_TICK};

fn in_range(value: i64, lo: i64, hi: Option<i64>, path: &str) -> Result<(), Error> {
    if value < lo || hi.is_some_and(|hi| value > hi) {
        let bound = match hi {
            Some(hi) => format!("[{lo}, {hi}]"),
            None => format!(">= {lo}"),
        };
        return Err(fail(path, format!("must be in {bound}, got {value}")));
    }
    Ok(())
}

fn in_range_f(value: f64, lo: f64, hi: Option<f64>, path: &str) -> Result<(), Error> {
    if value < lo || hi.is_some_and(|hi| value > hi) {
        let bound = match hi {
            Some(hi) => format!("[{}, {}]", py_float(lo), py_float(hi)),
            None => format!(">= {}", py_float(lo)),
        };
        return Err(fail(
            path,
            format!("must be in {bound}, got {}", py_float(value)),
        ));
    }
    Ok(())
}

// Readers for a tree whose shape `check_shape` accepted; they never panic.
const NULL: StateValue = StateValue::Null;

pub(super) fn at<'a>(node: &'a StateValue, key: &str) -> &'a StateValue {
    node.get(key).unwrap_or(&NULL)
}

pub(super) fn int(node: &StateValue) -> i64 {
    if let StateValue::Int(i) = node {
        *i
    } else {
        0
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

pub(super) fn list(node: &StateValue) -> &[StateValue] {
    if let StateValue::List(items) = node {
        items
    } else {
        &[]
    }
}

fn is_true(node: &StateValue) -> bool {
    matches!(node, StateValue::Bool(true))
}

pub(super) fn check_header(state: &WorldState, tree: &StateValue) -> Result<(), Error> {
    let s = &state.settings;
    let identity = at(tree, "identity");
    let got = text(at(identity, "map_sha256"));
    if got != s.map.sha256 {
        return Err(fail(
            "identity.map_sha256",
            format!("snapshot is for map {got}, loaded map is {}", s.map.sha256),
        ));
    }
    let got = text(at(identity, "manifest_sha256"));
    if got != s.manifest.sha256 {
        let want = &s.manifest.sha256;
        return Err(fail(
            "identity.manifest_sha256",
            format!("snapshot is for manifest {got}, loaded manifest is {want}"),
        ));
    }
    for stream in ["world", "events"] {
        let words = list(at(at(tree, "rng"), stream));
        let mut all_zero = true;
        for (i, word) in words.iter().enumerate() {
            match Rng::parse_state_word(text(word)) {
                Some(w) => all_zero &= w == 0,
                None => {
                    let what = format!("expected 16 lowercase hex digits, got '{}'", text(word));
                    return Err(fail(format!("rng.{stream}[{i}]"), what));
                }
            }
        }
        if all_zero {
            return Err(fail(
                format!("rng.{stream}"),
                "an all-zero xoshiro256** state is invalid",
            ));
        }
    }
    in_range(int(at(tree, "tick")), 0, Some(MAX_TICK), "tick")?;
    let counters = at(tree, "counters");
    in_range(
        int(at(counters, "next_uid")),
        0,
        Some(i64::from(u32::MAX)),
        "counters.next_uid",
    )?;
    in_range(
        int(at(counters, "next_ticket")),
        1,
        Some(MAX_TICK),
        "counters.next_ticket",
    )?;
    let settings = at(tree, "settings");
    let max_slots = i64::from(s.embedding.max_slots);
    in_range(
        int(at(settings, "population_target")),
        0,
        Some(max_slots),
        "settings.population_target",
    )?;
    let delay = list(at(settings, "spawn_delay_ticks"));
    let dmin = delay.first().map_or(0, int);
    in_range(dmin, 0, Some(MAX_TICK), "settings.spawn_delay_ticks[0]")?;
    in_range(
        delay.get(1).map_or(0, int),
        dmin,
        Some(MAX_TICK),
        "settings.spawn_delay_ticks[1]",
    )?;
    Ok(())
}

pub(super) fn check_agent(
    state: &WorldState,
    tree: &StateValue,
    i: usize,
    prev_uid: i64,
) -> Result<(), Error> {
    let (s, grid) = (&state.settings, &state.grid);
    let a = list(at(tree, "agents")).get(i).unwrap_or(&NULL);
    let p = format!("agents[{i}]");
    let tick = int(at(tree, "tick"));
    let uid = int(at(a, "uid"));
    if !(prev_uid < uid && uid < int(at(at(tree, "counters"), "next_uid"))) {
        return Err(fail(
            format!("{p}.uid"),
            format!("expected ascending uids below counters.next_uid, got {uid}"),
        ));
    }
    let id = text(at(a, "id"));
    if id != format!("agent_{uid}") {
        return Err(fail(
            format!("{p}.id"),
            format!("expected 'agent_{uid}', got '{id}'"),
        ));
    }
    in_range(
        int(at(a, "slot")),
        0,
        Some(i64::from(s.embedding.max_slots) - 1),
        &format!("{p}.slot"),
    )?;
    let origin = text(at(a, "origin"));
    if Origin::parse(origin).is_none() {
        let known: Vec<&str> = Origin::ALL.iter().map(|o| o.as_str()).collect();
        return Err(fail(
            format!("{p}.origin"),
            format!("expected one of {}, got '{origin}'", known.join(", ")),
        ));
    }
    in_range(
        int(at(a, "spawned_tick")),
        0,
        Some(tick),
        &format!("{p}.spawned_tick"),
    )?;
    let expected_end = if is_true(at(a, "alive")) { -1 } else { tick };
    let end = int(at(a, "terminated_tick"));
    if end != expected_end {
        return Err(fail(
            format!("{p}.terminated_tick"),
            format!("expected {expected_end}, got {end}"),
        ));
    }
    let position = list(at(a, "position"));
    let (x, y) = (
        position.first().map_or(0, int),
        position.get(1).map_or(0, int),
    );
    let walkable = match (i32::try_from(x), i32::try_from(y)) {
        (Ok(x), Ok(y)) => grid.is_walkable(x, y),
        _ => false,
    };
    if !walkable {
        return Err(fail(
            format!("{p}.position"),
            format!("({x}, {y}) is not a walkable tile of the map"),
        ));
    }
    if let StateValue::Str(home) = at(a, "home") {
        if grid.zone_index(home).is_none() {
            return Err(fail(format!("{p}.home"), format!("unknown zone '{home}'")));
        }
    }
    if let StateValue::Int(bed) = at(a, "bed") {
        if !usize::try_from(*bed).is_ok_and(|b| state.ownable.contains(&b)) {
            return Err(fail(
                format!("{p}.bed"),
                format!("{bed} is not the index of an ownable object"),
            ));
        }
    }
    for need in NEED_NAMES {
        in_range_f(
            float(at(at(a, "needs"), need)),
            0.0,
            Some(1.0),
            &format!("{p}.needs.{need}"),
        )?;
    }
    in_range(
        int(at(a, "hunger_low_ticks")),
        0,
        Some(i64::from(u32::MAX)),
        &format!("{p}.hunger_low_ticks"),
    )?;
    in_range_f(float(at(a, "wallet")), 0.0, None, &format!("{p}.wallet"))?;
    let items = at(a, "items");
    same_items(state, items, &format!("{p}.items"))?;
    for item in &s.manifest.items {
        let limit = i64::from(item.carry_limit);
        in_range(
            int(at(items, &item.name)),
            0,
            Some(limit),
            &format!("{p}.items.{}", item.name),
        )?;
    }
    let profile = text(at(a, "profile"));
    if s.profile_index(profile).is_none() {
        return Err(fail(
            format!("{p}.profile"),
            format!("unknown profile '{profile}'"),
        ));
    }
    for name in ["extroversion", "forgiveness", "ambition"] {
        in_range_f(float(at(a, name)), -1.0, Some(1.0), &format!("{p}.{name}"))?;
    }
    let last = at(a, "last_action");
    let kind = text(at(last, "kind"));
    if ActionKind::parse(kind).is_none() {
        return Err(fail(
            format!("{p}.last_action.kind"),
            format!("unknown action kind '{kind}'"),
        ));
    }
    let max_reason = i64::try_from(REASONS.len()).unwrap_or(1) - 1;
    in_range(
        int(at(last, "reason")),
        0,
        Some(max_reason),
        &format!("{p}.last_action.reason"),
    )?;
    check_ties(state, tree, a, &p)?;
    crate::affordances::tree::check_agent_engagement(state, tree, a, &p)
}

/// Whether `key` is a uid written in decimal without leading zeros.
fn uid_key(key: &str) -> Option<i64> {
    let digits = !key.is_empty() && key.len() <= 10 && key.bytes().all(|b| b.is_ascii_digit());
    if !digits || (key.len() > 1 && key.starts_with('0')) {
        return None;
    }
    key.parse().ok()
}

fn check_ties(state: &WorldState, tree: &StateValue, a: &StateValue, p: &str) -> Result<(), Error> {
    let tick = int(at(tree, "tick"));
    let uid = int(at(a, "uid"));
    let uids: Vec<i64> = list(at(tree, "agents"))
        .iter()
        .map(|b| int(at(b, "uid")))
        .collect();
    let ties = list(at(a, "ties"));
    let k = state.settings.relationships.max_ties;
    if ties.len() > k {
        return Err(fail(
            format!("{p}.ties"),
            format!("expected at most {k} ties, got {}", ties.len()),
        ));
    }
    let mut prev = -1;
    for (j, t) in ties.iter().enumerate() {
        let q = format!("{p}.ties[{j}]");
        let other = int(at(t, "other"));
        if other == uid || !uids.contains(&other) || other <= prev {
            return Err(fail(
                format!("{q}.other"),
                format!("expected ascending uids of other agents, got {other}"),
            ));
        }
        prev = other;
        in_range_f(
            float(at(t, "trust")),
            -1.0,
            Some(1.0),
            &format!("{q}.trust"),
        )?;
        in_range_f(
            float(at(t, "familiarity")),
            -1.0,
            Some(1.0),
            &format!("{q}.familiarity"),
        )?;
        in_range_f(
            float(at(t, "rivalry")),
            0.0,
            Some(1.0),
            &format!("{q}.rivalry"),
        )?;
        let created = int(at(t, "created_tick"));
        in_range(created, 0, Some(tick), &format!("{q}.created_tick"))?;
        in_range(
            int(at(t, "updated_tick")),
            created,
            Some(tick),
            &format!("{q}.updated_tick"),
        )?;
    }
    if let StateValue::Dict(pairs) = at(a, "chat_cooldowns") {
        let mut sorted: Vec<&(String, StateValue)> = pairs.iter().collect();
        sorted.sort_by(|x, y| x.0.cmp(&y.0));
        for (key, value) in sorted {
            if !uid_key(key).is_some_and(|u| uids.contains(&u)) {
                return Err(fail(
                    format!("{p}.chat_cooldowns"),
                    format!("'{key}' is not the uid of an agent"),
                ));
            }
            in_range(
                int(value),
                0,
                Some(MAX_TICK),
                &format!("{p}.chat_cooldowns.{key}"),
            )?;
        }
    }
    in_range(
        int(at(a, "last_chat_tick")),
        -1,
        Some(tick),
        &format!("{p}.last_chat_tick"),
    )
}

/// `Err` unless the keys of the dict `items` are exactly the manifest items.
fn same_items(state: &WorldState, items: &StateValue, path: &str) -> Result<(), Error> {
    let names: Vec<&str> = state
        .settings
        .manifest
        .items
        .iter()
        .map(|item| item.name.as_str())
        .collect();
    let mut expected = names.clone();
    expected.sort_unstable();
    let mut got: Vec<&str> = match items {
        StateValue::Dict(pairs) => pairs.iter().map(|(k, _)| k.as_str()).collect(),
        _ => Vec::new(),
    };
    got.sort_unstable();
    if got != expected {
        return Err(fail(
            path,
            format!("expected the items {}", names.join(", ")),
        ));
    }
    Ok(())
}

/// `Err` unless object `k`'s stock lists every item within its type's `stock_limit`.
fn check_stock(state: &WorldState, obj: &StateValue, k: usize) -> Result<(), Error> {
    let stock = at(obj, "stock");
    let path = format!("objects[{k}].stock");
    same_items(state, stock, &path)?;
    let limits = state
        .grid
        .objects
        .get(k)
        .and_then(|o| state.settings.manifest.object_types.get(o.type_index))
        .map(|t| state.settings.item_counts(&t.stock_limit))
        .unwrap_or_default();
    for (i, item) in state.settings.manifest.items.iter().enumerate() {
        let limit = i64::from(limits.get(i).copied().unwrap_or(0));
        in_range(
            int(at(stock, &item.name)),
            0,
            Some(limit),
            &format!("{path}.{}", item.name),
        )?;
    }
    Ok(())
}

pub(super) fn check_references(state: &WorldState, tree: &StateValue) -> Result<(), Error> {
    let agents = list(at(tree, "agents"));
    let alive: Vec<&StateValue> = agents.iter().filter(|a| is_true(at(a, "alive"))).collect();
    let objects = list(at(tree, "objects"));
    let placed = &state.grid.objects;
    if objects.len() != placed.len() {
        return Err(fail(
            "objects",
            format!("expected {} entries, got {}", placed.len(), objects.len()),
        ));
    }
    for (k, (obj, placed)) in objects.iter().zip(placed).enumerate() {
        let id = text(at(obj, "id"));
        if id != placed.id {
            return Err(fail(
                format!("objects[{k}].id"),
                format!("expected '{}', got '{id}'", placed.id),
            ));
        }
        if let StateValue::Str(owner) = at(obj, "owner") {
            let ok = alive
                .iter()
                .any(|a| text(at(a, "id")) == owner && at(a, "bed") == &StateValue::Int(k as i64));
            if !ok {
                return Err(fail(
                    format!("objects[{k}].owner"),
                    format!("'{owner}' is not an alive agent with bed {k}"),
                ));
            }
        }
        check_stock(state, obj, k)?;
    }
    crate::affordances::tree::check_queues(state, tree)?;
    let slots = list(at(tree, "slots"));
    let max_slots = state.settings.embedding.max_slots;
    if u32::try_from(slots.len()).ok() != Some(max_slots) {
        return Err(fail(
            "slots",
            format!("expected {max_slots} entries, got {}", slots.len()),
        ));
    }
    let tick = int(at(tree, "tick"));
    for (k, slot) in slots.iter().enumerate() {
        if let StateValue::Int(holder) = at(slot, "holder") {
            let ok = alive.iter().any(|a| {
                int(at(a, "uid")) == *holder && at(a, "slot") == &StateValue::Int(k as i64)
            });
            if !ok {
                return Err(fail(
                    format!("slots[{k}].holder"),
                    format!("{holder} is not an alive agent in slot {k}"),
                ));
            }
        }
        if let StateValue::Int(released) = at(slot, "released_tick") {
            in_range(
                *released,
                0,
                Some(tick),
                &format!("slots[{k}].released_tick"),
            )?;
        }
    }
    for (i, a) in agents.iter().enumerate() {
        if !is_true(at(a, "alive")) {
            continue;
        }
        let (uid, id) = (int(at(a, "uid")), text(at(a, "id")));
        let slot = int(at(a, "slot"));
        let holder = usize::try_from(slot)
            .ok()
            .and_then(|k| slots.get(k))
            .map_or(&NULL, |s| at(s, "holder"));
        if holder != &StateValue::Int(uid) {
            return Err(fail(
                format!("agents[{i}].slot"),
                format!("slot {slot} is not held by {id}"),
            ));
        }
        if let StateValue::Int(bed) = at(a, "bed") {
            let owner = usize::try_from(*bed)
                .ok()
                .and_then(|k| objects.get(k))
                .map_or(&NULL, |o| at(o, "owner"));
            if text(owner) != id {
                return Err(fail(
                    format!("agents[{i}].bed"),
                    format!("object {bed} is not owned by {id}"),
                ));
            }
        }
    }
    let next_ticket = int(at(at(tree, "counters"), "next_ticket"));
    let mut prev = 0;
    for (k, ticket) in list(at(tree, "tickets")).iter().enumerate() {
        let tid = int(at(ticket, "ticket_id"));
        if !(prev < tid && tid < next_ticket) {
            let what = format!("expected ascending ids below counters.next_ticket, got {tid}");
            return Err(fail(format!("tickets[{k}].ticket_id"), what));
        }
        prev = tid;
    }
    Ok(())
}
