//! World-level console mutations, applied in step 3 (world.md 16, docs/world-state.md 9).
//!
//! `World::apply_command` only queues a command (a JSON text, parsed here with
//! serde_json); step 3 of the next tick applies the queue in arrival order with
//! [`apply_commands`]. Each command is fully validated before anything changes, so it
//! either fully applies or changes nothing. Every outcome is a [`CommandResult`] whose
//! code and message are pinned in docs/world-state.md 9. Mirrors `console.py`.

use serde_json::{Map, Value};

use crate::actions::chat_pair_event;
use crate::agents::{Origin, SpawnKit};
use crate::events::{ChatSucceeded, EventData, SettingChange};
use crate::lifecycle::{spawn_with, terminate, SpawnOverrides};
use crate::settings::NEED_NAMES;
use crate::state::WorldState;
use crate::ties::{weakest, Tie, TieEvent};

/// The message of a command that is not `{"cmd_id": str, "name": str, "args": dict}`.
pub const MALFORMED: &str =
    "malformed command: expected {\"cmd_id\": str, \"name\": str, \"args\": dict}";

/// Largest `set_spawn_delay` bound (one week of minutes).
pub const MAX_SPAWN_DELAY: i64 = 10_080;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Str,
    Bool,
    Int,
    Number,
    Dict,
    Position,
    List,
}

impl Kind {
    fn expected(self) -> &'static str {
        match self {
            Kind::Str => "a str",
            Kind::Bool => "a bool",
            Kind::Int => "an int",
            Kind::Number => "a finite number",
            Kind::Dict => "a dict",
            Kind::Position => "a position [x, y] of ints",
            Kind::List => "a list",
        }
    }

    fn accepts(self, value: &Value) -> bool {
        match self {
            Kind::Str => value.is_string(),
            Kind::Bool => value.is_boolean(),
            Kind::Int => value.is_i64(),
            // A JSON number never holds a non-finite value.
            Kind::Number => value.is_i64() || value.is_f64(),
            Kind::Dict => value.is_object(),
            Kind::List => value.is_array(),
            Kind::Position => value
                .as_array()
                .is_some_and(|a| a.len() == 2 && a.iter().all(Value::is_i64)),
        }
    }
}

/// One argument: `(name, kind, required)`.
type Arg = (&'static str, Kind, bool);

/// The commands of this world and their arguments in check order:
/// `(name, kind, required)`.
const COMMANDS: [(&str, &[Arg]); 18] = [
    (
        "spawn",
        &[
            ("name", Kind::Str, false),
            ("position", Kind::Position, false),
            ("profile", Kind::Str, false),
            ("needs", Kind::Dict, false),
            ("wallet", Kind::Number, false),
            ("items", Kind::Dict, false),
        ],
    ),
    (
        "teleport",
        &[
            ("agent_id", Kind::Str, true),
            ("position", Kind::Position, true),
        ],
    ),
    (
        "setneed",
        &[("agent_id", Kind::Str, true), ("needs", Kind::Dict, true)],
    ),
    (
        "kill",
        &[("agent_id", Kind::Str, true), ("reason", Kind::Str, false)],
    ),
    ("toggle_mortality", &[("enabled", Kind::Bool, true)]),
    (
        "set_spawn_delay",
        &[("min", Kind::Int, true), ("max", Kind::Int, true)],
    ),
    ("set_population_target", &[("n", Kind::Int, true)]),
    (
        "set_rel",
        &[
            ("agent_a", Kind::Str, true),
            ("agent_b", Kind::Str, true),
            ("trust", Kind::Number, false),
            ("familiarity", Kind::Number, false),
            ("rivalry", Kind::Number, false),
        ],
    ),
    (
        "force_chat",
        &[
            ("speaker", Kind::Str, true),
            ("listener", Kind::Str, true),
            ("quality", Kind::Number, false),
        ],
    ),
    (
        "price",
        &[("key", Kind::Str, true), ("value", Kind::Number, true)],
    ),
    ("exit_approve", &[("agent_id", Kind::Str, true)]),
    ("exit_defer", &[("agent_id", Kind::Str, true)]),
    ("set_exit_cap", &[("daily_exit_cap", Kind::Int, true)]),
    (
        "perturbation_trigger",
        &[
            ("spec", Kind::Str, true),
            ("starts_in", Kind::Int, false),
            ("duration", Kind::Int, false),
            ("magnitude", Kind::Number, false),
            ("targets", Kind::List, false),
            ("participants", Kind::List, false),
        ],
    ),
    (
        "arrange_meet",
        &[
            ("agents", Kind::List, true),
            ("location", Kind::Str, false),
            ("starts_in", Kind::Int, false),
            ("duration", Kind::Int, false),
        ],
    ),
    ("perturbation_cancel", &[("event_id", Kind::Str, true)]),
    (
        "possess",
        &[("agent_id", Kind::Str, true), ("action", Kind::Str, true)],
    ),
    (
        "act",
        &[("agent_id", Kind::Str, true), ("action", Kind::Dict, true)],
    ),
];

/// The outcome of one console command (`CommandResult` in Python).
#[derive(Clone, Debug, PartialEq)]
pub struct CommandResult {
    /// The envelope's `cmd_id` (`""` when it is not a str).
    pub cmd_id: String,
    /// The command name (`""` when it is not a str).
    pub name: String,
    /// Whether it applied.
    pub ok: bool,
    /// The error code when not ok (world.md 16).
    pub code: Option<&'static str>,
    /// The pinned message (docs/world-state.md 9).
    pub message: String,
    /// The agent the command spawned or touched, if any (`data.agent_id`).
    pub agent_id: Option<String>,
}

struct Refused(&'static str, String);

fn invalid(message: String) -> Refused {
    Refused("invalid_args", message)
}

type Checked<T> = Result<T, Refused>;

fn known_commands() -> String {
    COMMANDS
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_args(name: &str, spec: &[Arg], args: &Map<String, Value>) -> Checked<()> {
    // serde_json's map iterates its keys sorted, like `sorted()` in Python.
    for key in args.keys() {
        if !spec.iter().any(|(k, _, _)| k == key) {
            return Err(invalid(format!("{name}: unknown argument '{key}'")));
        }
    }
    for &(key, kind, required) in spec {
        match args.get(key) {
            None if required => {
                return Err(invalid(format!("{name}: missing argument '{key}'")));
            }
            Some(value) if !kind.accepts(value) => {
                return Err(invalid(format!(
                    "{name}: {key}: expected {}",
                    kind.expected()
                )));
            }
            _ => {}
        }
    }
    Ok(())
}

fn alive_index(state: &WorldState, name: &str, agent_id: &str) -> Checked<usize> {
    state
        .agents
        .iter()
        .position(|a| a.alive && a.id == agent_id)
        .ok_or_else(|| Refused("not_found", format!("{name}: no alive agent '{agent_id}'")))
}

fn position(state: &WorldState, name: &str, value: &Value) -> Checked<(i32, i32)> {
    let xy: Vec<i64> = value
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    let (x, y) = match xy.as_slice() {
        [x, y] => (*x, *y),
        _ => {
            return Err(invalid(format!(
                "{name}: position: expected a position [x, y] of ints"
            )))
        }
    };
    let grid = &state.grid;
    let inside =
        (0..i64::from(grid.width)).contains(&x) && (0..i64::from(grid.height)).contains(&y);
    if !inside {
        return Err(Refused(
            "out_of_bounds",
            format!("{name}: [{x}, {y}] is outside the grid"),
        ));
    }
    // Inside the grid, so both fit an i32.
    let (x, y) = (i32::try_from(x).unwrap_or(0), i32::try_from(y).unwrap_or(0));
    if !grid.is_walkable(x, y) {
        return Err(Refused(
            "not_walkable",
            format!("{name}: [{x}, {y}] is not walkable"),
        ));
    }
    Ok((x, y))
}

/// `(need index, value)` in sorted key order; `unit` also checks `[0, 1]`.
fn needs(name: &str, needs: &Map<String, Value>, unit: bool) -> Checked<Vec<(usize, f64)>> {
    let mut out = Vec::with_capacity(3);
    for (key, value) in needs {
        let Some(k) = NEED_NAMES.iter().position(|n| n == key) else {
            return Err(invalid(format!("{name}: needs: unknown need '{key}'")));
        };
        let Some(v) = value.as_f64().filter(|_| Kind::Number.accepts(value)) else {
            return Err(invalid(format!(
                "{name}: needs.{key}: expected a finite number"
            )));
        };
        if unit && !(0.0..=1.0).contains(&v) {
            return Err(invalid(format!("{name}: needs.{key}: must be in [0, 1]")));
        }
        out.push((k, v));
    }
    Ok(out)
}

fn spawn(state: &mut WorldState, args: &Map<String, Value>) -> Checked<String> {
    let mut overrides = SpawnOverrides::default();
    if let Some(value) = args.get("position") {
        overrides.position = Some(position(state, "spawn", value)?);
    }
    if let Some(name) = args.get("profile").and_then(Value::as_str) {
        let Some(p) = state.settings.profile_index(name) else {
            return Err(invalid(format!("spawn: unknown profile '{name}'")));
        };
        overrides.profile = Some(p);
    }
    let mut kit: SpawnKit = state.newcomer.clone();
    if let Some(given) = args.get("needs").and_then(Value::as_object) {
        for (k, v) in needs("spawn", given, true)? {
            if let Some(slot) = kit.needs.get_mut(k) {
                *slot = v;
            }
        }
    }
    if let Some(wallet) = args.get("wallet").and_then(Value::as_f64) {
        if wallet < 0.0 {
            return Err(invalid("spawn: wallet: must be >= 0".to_string()));
        }
        kit.wallet = wallet;
    }
    if let Some(given) = args.get("items").and_then(Value::as_object) {
        let items = &state.settings.manifest.items;
        kit.items = vec![0; items.len()];
        for (key, count) in given {
            let Some(k) = items.iter().position(|i| &i.name == key) else {
                return Err(invalid(format!("spawn: items: unknown item '{key}'")));
            };
            let Some(count) = count.as_i64() else {
                return Err(invalid(format!("spawn: items.{key}: expected an int")));
            };
            let limit = items.get(k).map_or(0, |i| i.carry_limit);
            let Some(count) = u32::try_from(count).ok().filter(|c| *c <= limit) else {
                return Err(invalid(format!(
                    "spawn: items.{key}: must be in [0, {limit}]"
                )));
            };
            if let Some(slot) = kit.items.get_mut(k) {
                *slot = count;
            }
        }
    }
    overrides.kit = Some(kit);
    let cooldown = state.settings.embedding.cooldown_ticks;
    if state.slots.allocate(state.tick, cooldown).is_none() {
        return Err(Refused(
            "capacity",
            "spawn: no free embedding slot".to_string(),
        ));
    }
    let index = spawn_with(state, Origin::Console, overrides)
        .ok_or_else(|| Refused("capacity", "spawn: no free embedding slot".to_string()))?;
    Ok(state
        .agents
        .get(index)
        .map(|a| a.id.clone())
        .unwrap_or_default())
}

fn evicted(state: &mut WorldState, owner: u32, other: u32) {
    state.events.emit(EventData::TieEvicted {
        owner,
        other,
        faded: false,
    });
}

/// `set_rel`: sets both directions absolutely (no modifiers); returns agent a's id.
fn set_rel(state: &mut WorldState, args: &Map<String, Value>) -> Checked<String> {
    let name = "set_rel";
    let (id_a, id_b) = (str_arg(args, "agent_a"), str_arg(args, "agent_b"));
    if id_a == id_b {
        return Err(invalid(format!("{name}: agent_a and agent_b must differ")));
    }
    let mut given = [None; 3];
    let keys = [("trust", -1.0), ("familiarity", -1.0), ("rivalry", 0.0)];
    for (slot, (key, lo)) in given.iter_mut().zip(keys) {
        if let Some(value) = args.get(key).and_then(Value::as_f64) {
            if !(lo..=1.0).contains(&value) {
                let bound = if lo < 0.0 { "[-1, 1]" } else { "[0, 1]" };
                return Err(invalid(format!("{name}: {key}: must be in {bound}")));
            }
            *slot = Some(if value == 0.0 { 0.0 } else { value });
        }
    }
    let ia = alive_index(state, name, id_a)?;
    let ib = alive_index(state, name, id_b)?;
    let t = state.tick;
    let k = state.settings.relationships.max_ties;
    let uid = |state: &WorldState, i: usize| state.agents.get(i).map_or(0, |a| a.uid);
    let (ua, ub) = (uid(state, ia), uid(state, ib));
    for (owner_index, owner, other) in [(ia, ua, ub), (ib, ub, ua)] {
        let Some(agent) = state.agents.get_mut(owner_index) else {
            continue;
        };
        let old = match agent.ties.get(other) {
            Some(old) => *old,
            None => {
                if agent.ties.len() >= k {
                    let Some(victim) = weakest(&agent.ties).map(|v| v.other) else {
                        continue;
                    };
                    agent.ties.remove(victim);
                    evicted(state, owner, victim);
                }
                Tie::fresh(other, t)
            }
        };
        if let Some(agent) = state.agents.get_mut(owner_index) {
            agent.ties.insert(Tie {
                other,
                trust: given[0].unwrap_or(old.trust),
                familiarity: given[1].unwrap_or(old.familiarity),
                rivalry: given[2].unwrap_or(old.rivalry),
                created_tick: old.created_tick,
                updated_tick: t,
            });
        }
    }
    state
        .events
        .emit(EventData::RelationshipSet(Box::new((ua, ub, given))));
    Ok(format!("set ties between {id_a} and {id_b}"))
}

/// `force_chat`: a successful chat without distance, draw or cooldown.
fn force_chat(state: &mut WorldState, args: &Map<String, Value>) -> Checked<String> {
    let name = "force_chat";
    let (id_a, id_b) = (str_arg(args, "speaker"), str_arg(args, "listener"));
    if id_a == id_b {
        return Err(invalid(format!("{name}: speaker and listener must differ")));
    }
    let quality = args.get("quality").and_then(Value::as_f64).unwrap_or(1.0);
    if !(0.0..=1.0).contains(&quality) {
        return Err(invalid(format!("{name}: quality: must be in [0, 1]")));
    }
    let ia = alive_index(state, name, id_a)?;
    let ib = alive_index(state, name, id_b)?;
    let t = state.tick;
    let uid = |state: &WorldState, i: usize| state.agents.get(i).map_or(0, |a| a.uid);
    let (ua, ub) = (uid(state, ia), uid(state, ib));
    for i in [ia, ib] {
        if let Some(agent) = state.agents.get_mut(i) {
            agent.last_chat_tick = t;
        }
    }
    state
        .events
        .emit(EventData::ChatSucceeded(Box::new(ChatSucceeded {
            speaker: ua,
            listener: ub,
            p: None,
            quality,
            forced: true,
        })));
    chat_pair_event(state, ia, ib, TieEvent::ChatGood(quality));
    Ok(format!("{id_a} chatted with {id_b}"))
}

fn str_arg<'a>(args: &'a Map<String, Value>, key: &str) -> &'a str {
    args.get(key).and_then(Value::as_str).unwrap_or("")
}

fn int_arg(args: &Map<String, Value>, key: &str) -> i64 {
    args.get(key).and_then(Value::as_i64).unwrap_or(0)
}

/// Validates and applies one command; returns `(message, agent id)`.
fn apply(
    state: &mut WorldState,
    name: &str,
    args: &Map<String, Value>,
) -> Checked<(String, Option<String>)> {
    match name {
        "spawn" => {
            let id = spawn(state, args)?;
            Ok((format!("spawned {id}"), Some(id)))
        }
        "teleport" => {
            let index = alive_index(state, name, str_arg(args, "agent_id"))?;
            let to = position(state, name, args.get("position").unwrap_or(&Value::Null))?;
            crate::affordances::interrupt(state, index, 27);
            let Some(agent) = state.agents.get_mut(index) else {
                return Err(Refused("not_found", format!("{name}: no alive agent")));
            };
            let from = agent.position();
            (agent.x, agent.y) = to;
            agent.ctx_reset = true;
            let (uid, id) = (agent.uid, agent.id.clone());
            state
                .events
                .emit(EventData::AgentTeleported { uid, from, to });
            Ok((format!("teleported {id} to [{}, {}]", to.0, to.1), Some(id)))
        }
        "setneed" => {
            let empty = Map::new();
            let given = args
                .get("needs")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
            let values = needs(name, given, false)?;
            let index = alive_index(state, name, str_arg(args, "agent_id"))?;
            let Some(agent) = state.agents.get_mut(index) else {
                return Err(Refused("not_found", format!("{name}: no alive agent")));
            };
            let mut sorted = values;
            sorted.sort_by_key(|(k, _)| *k);
            for (k, v) in sorted {
                if let Some(slot) = agent.needs.get_mut(k) {
                    *slot = v.clamp(0.0, 1.0);
                }
            }
            agent.ctx_reset = true;
            let (uid, id, now) = (agent.uid, agent.id.clone(), agent.needs);
            state.events.emit(EventData::NeedsSet(Box::new((uid, now))));
            Ok((format!("set needs of {id}"), Some(id)))
        }
        "kill" => {
            let index = alive_index(state, name, str_arg(args, "agent_id"))?;
            let reason = args
                .get("reason")
                .and_then(Value::as_str)
                .unwrap_or("operator")
                .to_string();
            let id = state
                .agents
                .get(index)
                .map(|a| a.id.clone())
                .unwrap_or_default();
            terminate(state, index, "killed", Some(reason));
            Ok((format!("killed {id}"), Some(id)))
        }
        "toggle_mortality" => {
            let on = args
                .get("enabled")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            state.mortality = on;
            state
                .events
                .emit(EventData::WorldSettingChanged(SettingChange::Mortality(on)));
            Ok((format!("mortality set to {on}"), None))
        }
        "set_spawn_delay" => {
            let (dmin, dmax) = (int_arg(args, "min"), int_arg(args, "max"));
            if !(0 <= dmin && dmin <= dmax && dmax <= MAX_SPAWN_DELAY) {
                return Err(invalid(format!(
                    "set_spawn_delay: expected 0 <= min <= max <= {MAX_SPAWN_DELAY}"
                )));
            }
            state.spawn_delay_ticks = (dmin, dmax);
            state
                .events
                .emit(EventData::WorldSettingChanged(SettingChange::SpawnDelay(
                    dmin, dmax,
                )));
            Ok((format!("spawn_delay set to [{dmin}, {dmax}]"), None))
        }
        "set_rel" => {
            let message = set_rel(state, args)?;
            Ok((message, Some(str_arg(args, "agent_a").to_string())))
        }
        "force_chat" => {
            let message = force_chat(state, args)?;
            Ok((message, Some(str_arg(args, "speaker").to_string())))
        }
        "price" => {
            let key = str_arg(args, "key");
            let Some(index) = crate::econ::price_index(state, key) else {
                return Err(Refused(
                    "not_found",
                    format!("price: unknown price key '{key}'"),
                ));
            };
            let value = args.get("value").and_then(Value::as_f64).unwrap_or(0.0);
            if value < 0.0 {
                return Err(invalid("price: value must be >= 0".to_string()));
            }
            crate::econ::set_base_price(state, index, value);
            Ok((format!("set the base price of {key}"), None))
        }
        "perturbation_trigger" => Ok((perturb_cmds::trigger(state, args)?, None)),
        "arrange_meet" => Ok((perturb_cmds::arrange_meet(state, args)?, None)),
        "perturbation_cancel" => Ok((perturb_cmds::cancel_cmd(state, args)?, None)),
        "possess" => possess_cmds::possess(state, args),
        "act" => possess_cmds::act(state, args),
        "exit_approve" => {
            let index = alive_index(state, name, str_arg(args, "agent_id"))?;
            let (uid, id) = state
                .agents
                .get(index)
                .map(|a| (a.uid, a.id.clone()))
                .unwrap_or_default();
            state.exit_approvals.push(uid);
            Ok((format!("approved the exit of {id}"), Some(id)))
        }
        "exit_defer" => {
            let index = alive_index(state, name, str_arg(args, "agent_id"))?;
            let id = state
                .agents
                .get(index)
                .map(|a| a.id.clone())
                .unwrap_or_default();
            if !crate::exits::reprieve(state, index) {
                return Err(Refused(
                    "conflict",
                    format!("exit_defer: {id} is not pending"),
                ));
            }
            Ok((format!("deferred the exit of {id}"), Some(id)))
        }
        "set_exit_cap" => {
            let n = int_arg(args, "daily_exit_cap");
            let Ok(cap) = u32::try_from(n) else {
                return Err(invalid(format!(
                    "set_exit_cap: daily_exit_cap must be in [0, {}]",
                    u32::MAX
                )));
            };
            state.daily_exit_cap = cap;
            state
                .events
                .emit(EventData::WorldSettingChanged(SettingChange::DailyExitCap(
                    n,
                )));
            Ok((format!("daily_exit_cap set to {n}"), None))
        }
        _ => {
            let n = int_arg(args, "n");
            let beds = i64::try_from(state.ownable.len()).unwrap_or(i64::MAX);
            let limit = i64::from(state.settings.embedding.max_slots).min(beds);
            let Some(target) = u32::try_from(n).ok().filter(|_| n <= limit) else {
                return Err(invalid(format!(
                    "set_population_target: n must be in [0, {limit}]"
                )));
            };
            state.population_target = target;
            state.events.emit(EventData::WorldSettingChanged(
                SettingChange::PopulationTarget(n),
            ));
            Ok((format!("population_target set to {n}"), None))
        }
    }
}

fn refused(cmd_id: &str, name: &str, code: &'static str, message: String) -> CommandResult {
    CommandResult {
        cmd_id: cmd_id.to_string(),
        name: name.to_string(),
        ok: false,
        code: Some(code),
        message,
        agent_id: None,
    }
}

/// Validates and applies one command tree; a refused command has changed nothing.
///
/// ```
/// use townlet_core::console::apply_command;
/// # use townlet_core::{settings::WorldSettings, World};
/// # let text = include_str!("../../../python/townlet/data/configs/towns/default.map");
/// # let mut world = World::new(WorldSettings::default_town("towns/default.map", text)).unwrap();
/// # world.reset(0);
/// # let mut state = world.state().clone();
/// let command = serde_json::json!({"cmd_id": "c1", "name": "nope", "args": {}});
/// assert_eq!(apply_command(&mut state, &command).code, Some("invalid_args"));
/// ```
pub fn apply_command(state: &mut WorldState, command: &Value) -> CommandResult {
    let Some(envelope) = command.as_object() else {
        return refused("", "", "invalid_args", MALFORMED.to_string());
    };
    let cmd_id = envelope.get("cmd_id").and_then(Value::as_str);
    let name = envelope.get("name").and_then(Value::as_str);
    let empty = Value::Object(Map::new());
    let args = envelope.get("args").unwrap_or(&empty).as_object();
    let (Some(cmd_id), Some(name), Some(args)) = (cmd_id, name, args) else {
        return refused(
            cmd_id.unwrap_or(""),
            name.unwrap_or(""),
            "invalid_args",
            MALFORMED.to_string(),
        );
    };
    let Some((_, spec)) = COMMANDS.iter().find(|(n, _)| *n == name) else {
        let message = format!(
            "unknown command '{name}': this world applies {}",
            known_commands()
        );
        return refused(cmd_id, name, "invalid_args", message);
    };
    match check_args(name, spec, args).and_then(|()| apply(state, name, args)) {
        Ok((message, agent_id)) => CommandResult {
            cmd_id: cmd_id.to_string(),
            name: name.to_string(),
            ok: true,
            code: None,
            message,
            agent_id,
        },
        Err(Refused(code, message)) => refused(cmd_id, name, code, message),
    }
}

/// Step 3: applies `commands` in arrival order, one result each.
pub fn apply_commands(state: &mut WorldState, commands: &[Value]) -> Vec<CommandResult> {
    commands.iter().map(|c| apply_command(state, c)).collect()
}

/// Parses a command's JSON text; text that is not JSON becomes `null` (malformed).
///
/// ```
/// assert!(townlet_core::console::parse_command("{").is_null());
/// ```
pub fn parse_command(json: &str) -> Value {
    serde_json::from_str(json).unwrap_or(Value::Null)
}

mod perturb_cmds;
mod possess_cmds;

#[cfg(test)]
mod tests;
