//! Possession (world.md 6.1 rule 2, 16; docs/world-state.md D20-opt-g): `possess`
//! acquires or releases an agent, `act` queues its action for this tick's step 6.
//! Mirrors `possession.py`.

use serde_json::{Map, Value};

use super::{alive_index, invalid, str_arg, Checked, Refused};
use crate::affordances::engage::{BUY, INTERACT, RELEASE, USE_ITEM};
use crate::affordances::Engagement;
use crate::canonical::StateValue;
use crate::state::WorldState;

/// `possess {agent_id, action: acquire | release}`.
pub fn possess(
    state: &mut WorldState,
    args: &Map<String, Value>,
) -> Checked<(String, Option<String>)> {
    let index = alive_index(state, "possess", str_arg(args, "agent_id"))?;
    let action = str_arg(args, "action");
    let acquire = match action {
        "acquire" => true,
        "release" => false,
        other => {
            return Err(invalid(format!(
                "possess: action must be 'acquire' or 'release', got '{other}'"
            )))
        }
    };
    let agent = &state.agents[index];
    let id = agent.id.clone();
    if acquire && agent.possessed {
        return Err(Refused(
            "conflict",
            format!("possess: {id} is already possessed"),
        ));
    }
    if !acquire && !agent.possessed {
        return Err(Refused(
            "conflict",
            format!("possess: {id} is not possessed"),
        ));
    }
    let asleep = match agent.eng {
        Engagement::Running { aff, .. } => state
            .settings
            .manifest
            .affordances
            .get(aff)
            .is_some_and(|x| x.tags.iter().any(|t| t == "sleep")),
        _ => false,
    };
    if acquire && asleep {
        return Err(Refused("conflict", format!("possess: {id} is asleep")));
    }
    let agent = &mut state.agents[index];
    agent.possessed = acquire;
    agent.ctx_reset = true;
    agent.act = None;
    let last = agent.opt.last;
    agent.opt.end(last);
    crate::affordances::emit(
        state,
        "possession_changed",
        vec![
            ("agent_id", StateValue::from(id.as_str())),
            ("possessed", StateValue::Bool(acquire)),
        ],
    );
    let verb = if acquire { "possessed" } else { "released" };
    Ok((format!("{verb} {id}"), Some(id)))
}

fn field<'a>(action: &'a Map<String, Value>, key: &str) -> Checked<&'a str> {
    action
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| invalid(format!("act: action.{key}: expected a str")))
}

/// The triple of a dict-form action (world.md 6.1), names resolved now.
fn triple(state: &WorldState, action: &Map<String, Value>) -> Checked<(i32, u32, usize)> {
    let item = |name: &str| {
        state
            .tables
            .item_index
            .get(name)
            .copied()
            .ok_or_else(|| invalid(format!("act: unknown item '{name}'")))
    };
    match field(action, "kind")? {
        "wait" => Ok((0, 0, 0)),
        "move" => match field(action, "dir")? {
            "N" => Ok((1, 0, 0)),
            "E" => Ok((2, 0, 0)),
            "S" => Ok((3, 0, 0)),
            "W" => Ok((4, 0, 0)),
            other => Err(invalid(format!("act: unknown dir '{other}'"))),
        },
        "interact" => {
            let object = field(action, "object")?;
            let obj = state
                .grid
                .objects
                .iter()
                .position(|o| o.id == object)
                .ok_or_else(|| invalid(format!("act: unknown object '{object}'")))?;
            let name = field(action, "affordance")?;
            let aff = state
                .tables
                .affordance_index
                .get(name)
                .copied()
                .ok_or_else(|| invalid(format!("act: unknown affordance '{name}'")))?;
            Ok((INTERACT, u32::try_from(obj).unwrap_or(u32::MAX), aff))
        }
        "release" => Ok((RELEASE, 0, 0)),
        "chat" => {
            let target = field(action, "target")?;
            let uid = state
                .agents
                .iter()
                .find(|a| a.id == target)
                .map(|a| a.uid)
                .ok_or_else(|| invalid(format!("act: unknown agent '{target}'")))?;
            Ok((crate::actions::KIND_CHAT, uid, 0))
        }
        "buy" => Ok((
            BUY,
            u32::try_from(item(field(action, "item")?)?).unwrap_or(0),
            0,
        )),
        "use_item" => Ok((
            USE_ITEM,
            u32::try_from(item(field(action, "item")?)?).unwrap_or(0),
            0,
        )),
        other => Err(invalid(format!("act: unknown kind '{other}'"))),
    }
}

/// `act {agent_id, action}`: queues the action of a possessed agent for this tick
/// (a later `act` in the same tick replaces it).
pub fn act(state: &mut WorldState, args: &Map<String, Value>) -> Checked<(String, Option<String>)> {
    let index = alive_index(state, "act", str_arg(args, "agent_id"))?;
    let id = state.agents[index].id.clone();
    if !state.agents[index].possessed {
        return Err(Refused("conflict", format!("act: {id} is not possessed")));
    }
    let empty = Map::new();
    let action = args
        .get("action")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let queued = triple(state, action)?;
    state.agents[index].act = Some(queued);
    Ok((format!("queued an action for {id}"), Some(id)))
}
