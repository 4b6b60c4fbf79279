//! Unit tests of the console parser and validator (docs/world-state.md 9).

use serde_json::json;

use super::*;
use crate::settings::WorldSettings;
use crate::World;

fn town() -> WorldState {
    let text = include_str!("../../../../python/townlet/data/configs/towns/default.map");
    let mut world = World::new(WorldSettings::default_town("towns/default.map", text)).unwrap();
    world.reset(3);
    world.state().clone()
}

fn run(state: &mut WorldState, name: &str, args: Value) -> CommandResult {
    apply_command(state, &json!({"cmd_id": "c", "name": name, "args": args}))
}

#[test]
fn malformed_envelopes_keep_what_they_can() {
    let mut state = town();
    for (command, cmd_id, name) in [
        (parse_command("not json"), "", ""),
        (json!([1]), "", ""),
        (json!({"cmd_id": 1, "name": "kill"}), "", "kill"),
        (
            json!({"cmd_id": "a", "name": "kill", "args": []}),
            "a",
            "kill",
        ),
        (json!({"cmd_id": "a"}), "a", ""),
    ] {
        let r = apply_command(&mut state, &command);
        assert_eq!((r.cmd_id.as_str(), r.name.as_str()), (cmd_id, name));
        assert_eq!(
            (r.ok, r.code, r.message.as_str()),
            (false, Some("invalid_args"), MALFORMED)
        );
    }
}

#[test]
fn unknown_commands_name_the_known_ones() {
    let r = run(&mut town(), "levitate", json!({}));
    assert_eq!(
        r.message,
        "unknown command 'levitate': this world applies spawn, teleport, setneed, kill, \
         toggle_mortality, set_spawn_delay, set_population_target, set_rel, force_chat, price, \
         exit_approve, exit_defer, set_exit_cap, perturbation_trigger, arrange_meet, \
         perturbation_cancel, possess, act"
    );
}

#[test]
fn arguments_are_checked_before_anything_changes() {
    let mut state = town();
    let cases = [
        (
            "kill",
            json!({"agent_id": "agent_0", "zz": 1, "aa": 2}),
            "kill: unknown argument 'aa'",
        ),
        ("kill", json!({}), "kill: missing argument 'agent_id'"),
        (
            "kill",
            json!({"agent_id": 0}),
            "kill: agent_id: expected a str",
        ),
        (
            "teleport",
            json!({"agent_id": "agent_0", "position": [1.0, 2]}),
            "teleport: position: expected a position [x, y] of ints",
        ),
        (
            "setneed",
            json!({"agent_id": "agent_0", "needs": {"joy": 1}}),
            "setneed: needs: unknown need 'joy'",
        ),
        (
            "setneed",
            json!({"agent_id": "agent_0", "needs": {"hunger": true}}),
            "setneed: needs.hunger: expected a finite number",
        ),
        (
            "toggle_mortality",
            json!({"enabled": 1}),
            "toggle_mortality: enabled: expected a bool",
        ),
        (
            "set_spawn_delay",
            json!({"min": 5, "max": 4}),
            "set_spawn_delay: expected 0 <= min <= max <= 10080",
        ),
        (
            "set_population_target",
            json!({"n": 11}),
            "set_population_target: n must be in [0, 10]",
        ),
        (
            "spawn",
            json!({"needs": {"hunger": 1.5}}),
            "spawn: needs.hunger: must be in [0, 1]",
        ),
        (
            "spawn",
            json!({"wallet": -1}),
            "spawn: wallet: must be >= 0",
        ),
        (
            "spawn",
            json!({"profile": "nobody"}),
            "spawn: unknown profile 'nobody'",
        ),
        (
            "spawn",
            json!({"items": {"gold": 1}}),
            "spawn: items: unknown item 'gold'",
        ),
    ];
    let before = state.clone();
    for (name, args, message) in cases {
        let r = run(&mut state, name, args);
        assert_eq!(
            (r.code, r.message.as_str()),
            (Some("invalid_args"), message)
        );
    }
    assert_eq!(
        crate::state::export_state(&state),
        crate::state::export_state(&before)
    );
}

#[test]
fn state_checks_use_their_codes() {
    let mut state = town();
    let r = run(&mut state, "kill", json!({"agent_id": "agent_99"}));
    assert_eq!(
        (r.code, r.message.as_str()),
        (Some("not_found"), "kill: no alive agent 'agent_99'")
    );
    let r = run(
        &mut state,
        "teleport",
        json!({"agent_id": "agent_0", "position": [-1, 0]}),
    );
    assert_eq!(
        (r.code, r.message.as_str()),
        (
            Some("out_of_bounds"),
            "teleport: [-1, 0] is outside the grid"
        )
    );
    let mut r = run(&mut state, "spawn", json!({}));
    while r.ok {
        r = run(&mut state, "spawn", json!({}));
    }
    assert_eq!(
        (r.code, r.message.as_str()),
        (Some("capacity"), "spawn: no free embedding slot")
    );
}

#[test]
fn kill_and_settings_apply_with_their_events() {
    let mut state = town();
    let r = run(&mut state, "kill", json!({"agent_id": "agent_2"}));
    assert_eq!(
        (r.ok, r.message.as_str(), r.agent_id.as_deref()),
        (true, "killed agent_2", Some("agent_2"))
    );
    assert!(!state.agents[2].alive);
    let r = run(&mut state, "set_spawn_delay", json!({"min": 1, "max": 2}));
    assert_eq!(
        (r.ok, r.message.as_str()),
        (true, "spawn_delay set to [1, 2]")
    );
    assert_eq!(state.spawn_delay_ticks, (1, 2));
    let names: Vec<_> = state.events.pending().iter().map(|e| e.name()).collect();
    assert_eq!(
        names[names.len() - 2..],
        ["agent_terminated", "world_setting_changed"]
    );
}

fn tie_of(state: &WorldState, owner: usize, other: u32) -> Option<crate::ties::Tie> {
    state.agents[owner].ties.get(other).copied()
}

#[test]
fn set_rel_sets_both_directions_and_evicts_at_capacity() {
    let mut state = town();
    let r = run(
        &mut state,
        "set_rel",
        json!({"agent_a": "agent_1", "agent_b": "agent_2", "trust": 0.5}),
    );
    assert_eq!(
        (r.ok, r.message.as_str()),
        (true, "set ties between agent_1 and agent_2")
    );
    assert_eq!(tie_of(&state, 2, 1).map(|t| t.trust), Some(0.5));
    assert_eq!(tie_of(&state, 1, 2).map(|t| t.rivalry), Some(0.0));
    for other in 3..=7 {
        let b = format!("agent_{other}");
        let r = run(
            &mut state,
            "set_rel",
            json!({"agent_a": "agent_1", "agent_b": b, "trust": 0.9}),
        );
        assert!(r.ok);
    }
    assert_eq!(state.agents[1].ties.len(), 6);
    let r = run(
        &mut state,
        "set_rel",
        json!({"agent_a": "agent_1", "agent_b": "agent_8", "rivalry": 1}),
    );
    assert!(r.ok);
    assert!(tie_of(&state, 1, 2).is_none());
    let evicted: Vec<_> = state
        .events
        .pending()
        .iter()
        .filter(|e| e.name() == "tie_evicted")
        .map(|e| (e.field("other"), e.field("reason")))
        .collect();
    assert_eq!(
        evicted,
        [(
            Some(crate::events::Field::AgentId(2)),
            Some(crate::events::Field::Str("capacity"))
        )]
    );
    for (args, code, message) in [
        (
            json!({"agent_a": "agent_1", "agent_b": "agent_1"}),
            "invalid_args",
            "set_rel: agent_a and agent_b must differ",
        ),
        (
            json!({"agent_a": "agent_1", "agent_b": "agent_2", "rivalry": -0.5}),
            "invalid_args",
            "set_rel: rivalry: must be in [0, 1]",
        ),
        (
            json!({"agent_a": "agent_1", "agent_b": "agent_99"}),
            "not_found",
            "set_rel: no alive agent 'agent_99'",
        ),
    ] {
        let r = run(&mut state, "set_rel", args);
        assert_eq!((r.code, r.message.as_str()), (Some(code), message));
    }
}

#[test]
fn force_chat_applies_chat_good_and_kill_removes_ties() {
    let mut state = town();
    let r = run(
        &mut state,
        "force_chat",
        json!({"speaker": "agent_1", "listener": "agent_2", "quality": 0.5}),
    );
    assert_eq!(
        (r.ok, r.message.as_str()),
        (true, "agent_1 chatted with agent_2")
    );
    assert_eq!(tie_of(&state, 1, 2).map(|t| t.trust), Some(0.025));
    assert_eq!(state.agents[2].last_chat_tick, state.tick);
    let names: Vec<_> = state.events.pending().iter().map(|e| e.name()).collect();
    assert_eq!(names, ["chat_succeeded", "relationship_event"]);
    let r = run(
        &mut state,
        "force_chat",
        json!({"speaker": "agent_1", "listener": "agent_2", "quality": 2}),
    );
    assert_eq!(r.message, "force_chat: quality: must be in [0, 1]");
    let r = run(&mut state, "kill", json!({"agent_id": "agent_2"}));
    assert!(r.ok);
    assert!(state.agents[1].ties.is_empty());
    assert!(state.agents[2].ties.is_empty());
}
