"""Console mutations in step 3 (world.md 16, docs/world-state.md 9), on both worlds."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import numpy as np
import pytest
from towns import TINY_MAP, build_world, make_settings

from townlet.core.types import CommandResult
from townlet.errors import SnapshotError
from townlet.world.rng import Rng

KNOWN = (
    "spawn, teleport, setneed, kill, toggle_mortality, set_spawn_delay,"
    " set_population_target, set_rel, force_chat, price, exit_approve, exit_defer,"
    " set_exit_cap, perturbation_trigger, arrange_meet, perturbation_cancel, possess,"
    " act"
)


def wait_all(world: Any) -> Any:
    return world.step(np.zeros(len(world.agent_ids()), dtype=np.int32), "primitive")


def command(cmd: str, cmd_id: str = "c", /, **args: Any) -> dict[str, Any]:
    return {"cmd_id": cmd_id, "name": cmd, "args": args}


def run(world: Any, *commands: Any) -> Any:
    """Queue ``commands`` and step once; the step result."""
    for c in commands:
        world.apply_command(c)
    return wait_all(world)


def of(result: Any, name: str) -> list[dict[str, Any]]:
    return [e for e in result.events if e["name"] == name]


def agent(world: Any, agent_id: str) -> dict[str, Any]:
    return next(a for a in world.export_state()["agents"] if a["id"] == agent_id)


def test_results_come_with_the_next_step_in_arrival_order(provider: str) -> None:
    world = build_world(provider)
    before = world.state_hash()
    world.apply_command(command("toggle_mortality", "a", enabled=False))
    world.apply_command(command("levitate", "b"))
    world.apply_command(command("set_spawn_delay", "c", min=2, max=3))
    assert world.state_hash() == before
    result = wait_all(world)
    assert result.command_results == [
        CommandResult("a", "toggle_mortality", True, None, "mortality set to false"),
        CommandResult(
            "b",
            "levitate",
            False,
            "invalid_args",
            f"unknown command 'levitate': this world applies {KNOWN}",
        ),
        CommandResult("c", "set_spawn_delay", True, None, "spawn_delay set to [2, 3]"),
    ]
    changed = of(result, "world_setting_changed")
    assert [(e["key"], e["value"]) for e in changed] == [
        ("mortality", False),
        ("spawn_delay", [2, 3]),
    ]
    settings = world.export_state()["settings"]
    assert (settings["mortality"], settings["spawn_delay_ticks"]) == (False, [2, 3])
    assert wait_all(world).command_results == []


def test_commands_apply_after_arrivals_and_before_the_calendar(provider: str) -> None:
    world = build_world(provider)
    result = run(world, command("set_population_target", n=4))
    names = [e["name"] for e in result.events]
    assert names[0] == "world_setting_changed"
    assert result.command_results[0].message == "population_target set to 4"
    assert world.export_state()["settings"]["population_target"] == 4


MALFORMED = 'malformed command: expected {"cmd_id": str, "name": str, "args": dict}'


@pytest.mark.parametrize(
    ("raw", "cmd_id", "name"),
    [
        ({"name": "kill"}, "", "kill"),
        ({"cmd_id": 7, "name": "kill", "args": {}}, "", "kill"),
        ({"cmd_id": "x", "name": "kill", "args": [1]}, "x", "kill"),
        ({"cmd_id": "x", "name": None}, "x", ""),
        ({"cmd_id": "x", "name": "kill", "args": None}, "x", "kill"),
    ],
)
def test_malformed_commands_never_raise(
    provider: str, raw: dict[str, Any], cmd_id: str, name: str
) -> None:
    world = build_world(provider)
    result = run(world, raw)
    assert result.command_results == [
        CommandResult(cmd_id, name, False, "invalid_args", MALFORMED)
    ]


REFUSALS: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "kill",
        {"agent_id": "agent_0", "b": 1, "a": 2},
        "invalid_args",
        "kill: unknown argument 'a'",
    ),
    ("kill", {}, "invalid_args", "kill: missing argument 'agent_id'"),
    ("kill", {"agent_id": 3}, "invalid_args", "kill: agent_id: expected a str"),
    ("kill", {"agent_id": "agent_99"}, "not_found", "kill: no alive agent 'agent_99'"),
    (
        "kill",
        {"agent_id": "agent_0", "reason": 1},
        "invalid_args",
        "kill: reason: expected a str",
    ),
    (
        "teleport",
        {"agent_id": "agent_0", "position": [1, 2.0]},
        "invalid_args",
        "teleport: position: expected a position [x, y] of ints",
    ),
    (
        "teleport",
        {"agent_id": "agent_0", "position": (1, 2, 3)},
        "invalid_args",
        "teleport: position: expected a position [x, y] of ints",
    ),
    (
        "teleport",
        {"agent_id": "agent_99", "position": [1, 1]},
        "not_found",
        "teleport: no alive agent 'agent_99'",
    ),
    (
        "teleport",
        {"agent_id": "agent_0", "position": [-1, 3]},
        "out_of_bounds",
        "teleport: [-1, 3] is outside the grid",
    ),
    (
        "teleport",
        {"agent_id": "agent_0", "position": [2**62, 3]},
        "out_of_bounds",
        f"teleport: [{2**62}, 3] is outside the grid",
    ),
    (
        "teleport",
        {"agent_id": "agent_0", "position": [1, 1]},
        "not_walkable",
        "teleport: [1, 1] is not walkable",
    ),
    (
        "setneed",
        {"agent_id": "agent_0", "needs": {"joy": 1.0}},
        "invalid_args",
        "setneed: needs: unknown need 'joy'",
    ),
    (
        "setneed",
        {"agent_id": "agent_0", "needs": {"hunger": math.nan}},
        "invalid_args",
        "setneed: needs.hunger: expected a finite number",
    ),
    (
        "setneed",
        {"agent_id": "agent_0", "needs": {"energy": math.inf}},
        "invalid_args",
        "setneed: needs.energy: expected a finite number",
    ),
    (
        "setneed",
        {"agent_id": "agent_0", "needs": {"energy": True}},
        "invalid_args",
        "setneed: needs.energy: expected a finite number",
    ),
    (
        "setneed",
        {"agent_id": "agent_0", "needs": []},
        "invalid_args",
        "setneed: needs: expected a dict",
    ),
    (
        "setneed",
        {"agent_id": "agent_99", "needs": {}},
        "not_found",
        "setneed: no alive agent 'agent_99'",
    ),
    (
        "toggle_mortality",
        {"enabled": 1},
        "invalid_args",
        "toggle_mortality: enabled: expected a bool",
    ),
    (
        "set_spawn_delay",
        {"min": 3, "max": 2},
        "invalid_args",
        "set_spawn_delay: expected 0 <= min <= max <= 10080",
    ),
    (
        "set_spawn_delay",
        {"min": 0, "max": 10_081},
        "invalid_args",
        "set_spawn_delay: expected 0 <= min <= max <= 10080",
    ),
    (
        "set_spawn_delay",
        {"min": 0.0, "max": 1},
        "invalid_args",
        "set_spawn_delay: min: expected an int",
    ),
    (
        "set_population_target",
        {"n": -1},
        "invalid_args",
        "set_population_target: n must be in [0, 10]",
    ),
    (
        "set_population_target",
        {"n": 11},
        "invalid_args",
        "set_population_target: n must be in [0, 10]",
    ),
    ("spawn", {"name": 1}, "invalid_args", "spawn: name: expected a str"),
    (
        "spawn",
        {"position": [-1, 0]},
        "out_of_bounds",
        "spawn: [-1, 0] is outside the grid",
    ),
    ("spawn", {"position": [1, 1]}, "not_walkable", "spawn: [1, 1] is not walkable"),
    ("spawn", {"profile": "nobody"}, "invalid_args", "spawn: unknown profile 'nobody'"),
    (
        "spawn",
        {"needs": {"hunger": 1.5}},
        "invalid_args",
        "spawn: needs.hunger: must be in [0, 1]",
    ),
    (
        "spawn",
        {"needs": {"hunger": -0.1}},
        "invalid_args",
        "spawn: needs.hunger: must be in [0, 1]",
    ),
    ("spawn", {"wallet": -1}, "invalid_args", "spawn: wallet: must be >= 0"),
    (
        "set_rel",
        {"agent_a": "agent_1", "agent_b": "agent_1"},
        "invalid_args",
        "set_rel: agent_a and agent_b must differ",
    ),
    (
        "set_rel",
        {"agent_a": "agent_1", "agent_b": "agent_2", "trust": 1.5},
        "invalid_args",
        "set_rel: trust: must be in [-1, 1]",
    ),
    (
        "set_rel",
        {"agent_a": "agent_1", "agent_b": "agent_2", "familiarity": -1.25},
        "invalid_args",
        "set_rel: familiarity: must be in [-1, 1]",
    ),
    (
        "set_rel",
        {"agent_a": "agent_1", "agent_b": "agent_2", "rivalry": -0.5},
        "invalid_args",
        "set_rel: rivalry: must be in [0, 1]",
    ),
    (
        "set_rel",
        {"agent_a": "agent_1", "agent_b": "agent_2", "trust": math.inf},
        "invalid_args",
        "set_rel: trust: expected a finite number",
    ),
    (
        "set_rel",
        {"agent_a": "agent_1", "agent_b": "agent_2", "rivalry": "x"},
        "invalid_args",
        "set_rel: rivalry: expected a finite number",
    ),
    (
        "set_rel",
        {"agent_a": "agent_1"},
        "invalid_args",
        "set_rel: missing argument 'agent_b'",
    ),
    (
        "set_rel",
        {"agent_a": "agent_1", "agent_b": "agent_99"},
        "not_found",
        "set_rel: no alive agent 'agent_99'",
    ),
    (
        "set_rel",
        {"agent_a": "agent_99", "agent_b": "agent_1", "trust": 0.5},
        "not_found",
        "set_rel: no alive agent 'agent_99'",
    ),
    (
        "force_chat",
        {"speaker": "agent_1", "listener": "agent_1"},
        "invalid_args",
        "force_chat: speaker and listener must differ",
    ),
    (
        "force_chat",
        {"speaker": "agent_1", "listener": "agent_2", "quality": 1.5},
        "invalid_args",
        "force_chat: quality: must be in [0, 1]",
    ),
    (
        "force_chat",
        {"speaker": "agent_1", "listener": "agent_2", "quality": -0.1},
        "invalid_args",
        "force_chat: quality: must be in [0, 1]",
    ),
    (
        "force_chat",
        {"speaker": "agent_1", "listener": "agent_2", "quality": math.nan},
        "invalid_args",
        "force_chat: quality: expected a finite number",
    ),
    (
        "force_chat",
        {"speaker": "agent_1", "listener": "agent_2", "p": 1.0},
        "invalid_args",
        "force_chat: unknown argument 'p'",
    ),
    (
        "force_chat",
        {"speaker": "agent_1", "listener": "agent_99"},
        "not_found",
        "force_chat: no alive agent 'agent_99'",
    ),
    (
        "spawn",
        {"wallet": math.nan},
        "invalid_args",
        "spawn: wallet: expected a finite number",
    ),
    (
        "spawn",
        {"items": {"gold": 1}},
        "invalid_args",
        "spawn: items: unknown item 'gold'",
    ),
    (
        "spawn",
        {"items": {"meal": 1.0}},
        "invalid_args",
        "spawn: items.meal: expected an int",
    ),
    (
        "spawn",
        {"items": {"meal": 99}},
        "invalid_args",
        "spawn: items.meal: must be in [0, 2]",
    ),
]


@pytest.mark.parametrize(("name", "args", "code", "message"), REFUSALS)
def test_a_refused_command_changes_nothing(
    provider: str, name: str, args: dict[str, Any], code: str, message: str
) -> None:
    world, twin = build_world(provider), build_world(provider)
    result = run(world, command(name, "r", **args))
    expected = wait_all(twin)
    assert result.command_results == [CommandResult("r", name, False, code, message)]
    assert world.state_hash() == twin.state_hash()
    assert result.events == expected.events


def test_spawn_without_a_free_slot_is_capacity(provider: str) -> None:
    world = build_world(
        provider, TINY_MAP, lifecycle__population_target=1, embedding__max_slots=1
    )
    twin = build_world(
        provider, TINY_MAP, lifecycle__population_target=1, embedding__max_slots=1
    )
    result = run(world, command("spawn"))
    wait_all(twin)
    assert result.command_results == [
        CommandResult("c", "spawn", False, "capacity", "spawn: no free embedding slot")
    ]
    assert world.state_hash() == twin.state_hash()


def test_spawn_uses_the_given_values_and_newcomer_defaults(provider: str) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=1)
    result = run(
        world,
        command(
            "spawn",
            name="Zed",
            position=[3, 4],
            profile="balanced",
            needs={"hunger": 0.25},
            wallet=7,
            items={"meal": 2},
        ),
    )
    assert result.command_results == [
        CommandResult(
            "c", "spawn", True, None, "spawned agent_1", {"agent_id": "agent_1"}
        )
    ]
    assert result.spawned == ["agent_1"]
    new = agent(world, "agent_1")
    assert new["origin"] == "console"
    assert new["position"] == [3, 4]
    assert new["profile"] == "balanced"
    assert new["name"] == "Bob"
    assert new["wallet"] == 7.0
    assert new["items"] == {"raw_food": 0, "meal": 2}
    spawned = of(result, "agent_spawned")[0]
    assert (spawned["cause"], spawned["position"]) == ("console", [3, 4])


def test_a_spawn_without_profile_consumes_exactly_one_world_draw(provider: str) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=1)
    tree = world.export_state()
    drawn = run(world, command("spawn"))
    profile = of(drawn, "agent_spawned")[0]["profile"]
    # Replay with that profile given and the world stream advanced by one draw.
    rng = Rng.from_hex(tree["rng"]["world"])
    rng.rand_f64()
    tree["rng"]["world"] = rng.state_hex()
    replay = build_world(provider, TINY_MAP, lifecycle__population_target=1)
    replay.import_state(tree)
    given = run(replay, command("spawn", profile=profile))
    assert replay.state_hash() == world.state_hash()
    assert given.events == drawn.events


def test_teleport_moves_and_resets_context(provider: str) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=1)
    start = agent(world, "agent_0")["position"]
    result = run(world, command("teleport", agent_id="agent_0", position=[2, 5]))
    assert result.command_results[0].message == "teleported agent_0 to [2, 5]"
    assert result.command_results[0].data == {"agent_id": "agent_0"}
    event = of(result, "agent_teleported")[0]
    assert {k: event[k] for k in ("agent_id", "from", "to", "cause", "event_id")} == {
        "agent_id": "agent_0",
        "from": start,
        "to": [2, 5],
        "cause": "console",
        "event_id": None,
    }
    moved = agent(world, "agent_0")
    assert moved["position"] == [2, 5]
    assert moved["ctx_reset"] is True


def test_setneed_clamps_and_reports(provider: str) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=1)
    result = run(
        world, command("setneed", agent_id="agent_0", needs={"hunger": 2, "energy": -1})
    )
    assert result.command_results[0].message == "set needs of agent_0"
    event = of(result, "needs_set")[0]
    assert event["agent_id"] == "agent_0"
    assert (event["needs"]["hunger"], event["needs"]["energy"]) == (1.0, 0.0)
    assert agent(world, "agent_0")["ctx_reset"] is True


def test_kill_terminates_and_purges_next_tick(provider: str) -> None:
    world = build_world(provider)
    result = run(
        world,
        command("kill", "k1", agent_id="agent_3"),
        command("kill", "k2", agent_id="agent_4", reason="test"),
        command("kill", "k3", agent_id="agent_3"),
    )
    assert [r.ok for r in result.command_results] == [True, True, False]
    assert result.command_results[2].code == "not_found"
    ended = of(result, "agent_terminated")
    assert [(e["agent_id"], e["reason"], e["detail"]) for e in ended] == [
        ("agent_3", "killed", "operator"),
        ("agent_4", "killed", "test"),
    ]
    assert result.terminated == [("agent_3", "killed"), ("agent_4", "killed")]
    assert "agent_3" in world.agent_ids()
    wait_all(world)
    assert "agent_3" not in world.agent_ids()


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        (["kill"], "invalid_args", MALFORMED),
        (
            {
                "cmd_id": "c",
                "name": "set_population_target",
                "args": {"n": np.int64(3)},
            },
            "invalid_args",
            "set_population_target: n: expected an int",
        ),
        (
            {"cmd_id": "c", "name": "kill", "args": {"agent_id": "agent_\ud800"}},
            "invalid_args",
            "kill: agent_id: expected a str",
        ),
        (
            {"cmd_id": "c", "name": "kill", "args": {"agent_id": "agent_1", 3: 1}},
            "invalid_args",
            "kill: unknown argument '$unsupported'",
        ),
        (
            {"cmd_id": "c", "name": "set_population_target", "args": {"n": 2**70}},
            "invalid_args",
            "set_population_target: n: expected an int",
        ),
    ],
)
def test_values_json_cannot_hold_are_refused_alike(
    provider: str, raw: Any, code: str, message: str
) -> None:
    world = build_world(provider)
    [result] = run(world, raw).command_results
    assert (result.ok, result.code, result.message) == (False, code, message)


def ties_of(world: Any, agent_id: str) -> list[tuple[int, float, float, float]]:
    return [
        (t["other"], t["trust"], t["familiarity"], t["rivalry"])
        for t in agent(world, agent_id)["ties"]
    ]


def test_set_rel_sets_both_directions_and_keeps_missing_components(
    provider: str,
) -> None:
    world = build_world(provider)
    result = run(
        world,
        command("set_rel", agent_a="agent_1", agent_b="agent_2", trust=0.5, rivalry=1),
    )
    assert result.command_results == [
        CommandResult(
            "c",
            "set_rel",
            True,
            None,
            "set ties between agent_1 and agent_2",
            {"agent_id": "agent_1"},
        )
    ]
    assert of(result, "relationship_set") == [
        {
            "tick": 1,
            "seq": of(result, "relationship_set")[0]["seq"],
            "name": "relationship_set",
            "agent_a": "agent_1",
            "agent_b": "agent_2",
            "trust": 0.5,
            "familiarity": None,
            "rivalry": 1.0,
        }
    ]
    assert ties_of(world, "agent_1") == [(2, 0.5, 0.0, 1.0)]
    assert ties_of(world, "agent_2") == [(1, 0.5, 0.0, 1.0)]
    run(
        world,
        command("set_rel", agent_a="agent_2", agent_b="agent_1", familiarity=-0.25),
    )
    assert ties_of(world, "agent_1") == [(2, 0.5, -0.25, 1.0)]
    tie = agent(world, "agent_1")["ties"][0]
    assert (tie["created_tick"], tie["updated_tick"]) == (1, 2)


def test_force_chat_applies_chat_good_with_modifiers(provider: str) -> None:
    world = build_world(provider)
    result = run(world, command("force_chat", speaker="agent_1", listener="agent_2"))
    assert result.command_results[0].ok
    assert result.command_results[0].message == "agent_1 chatted with agent_2"
    names = [e["name"] for e in result.events]
    i = names.index("chat_succeeded")
    assert names[i + 1] == "relationship_event"
    chat = result.events[i]
    assert (chat["speaker"], chat["listener"], chat["p"]) == (
        "agent_1",
        "agent_2",
        None,
    )
    assert (chat["quality"], chat["forced"]) == (1.0, True)
    rel = result.events[i + 1]
    assert (rel["kind"], rel["agent_a"], rel["agent_b"]) == (
        "chat_good",
        "agent_1",
        "agent_2",
    )
    for owner, key, other in (("agent_1", "a_to_b", 2), ("agent_2", "b_to_a", 1)):
        ext = agent(world, owner)["extroversion"]
        fam = 0.1 + 0.02 * ext
        assert rel[key] == {"trust": 0.05, "familiarity": fam, "rivalry": 0.0}
        assert ties_of(world, owner) == [(other, 0.05, fam, 0.0)]
        assert agent(world, owner)["last_chat_tick"] == 1
        assert agent(world, owner)["chat_cooldowns"] == {}
    half = run(
        world, command("force_chat", speaker="agent_2", listener="agent_1", quality=0.5)
    )
    assert of(half, "chat_succeeded")[0]["quality"] == 0.5
    assert of(half, "relationship_event")[0]["a_to_b"]["trust"] == 0.025


def test_the_seventh_tie_evicts_the_weakest(provider: str) -> None:
    world = build_world(provider)
    for k, other in enumerate(range(2, 8)):
        run(
            world,
            command(
                "set_rel",
                agent_a="agent_1",
                agent_b=f"agent_{other}",
                trust=0.1 * (k + 1),
            ),
        )
    assert [t[0] for t in ties_of(world, "agent_1")] == [2, 3, 4, 5, 6, 7]
    result = run(
        world, command("set_rel", agent_a="agent_1", agent_b="agent_8", trust=0.9)
    )
    evicted = of(result, "tie_evicted")
    assert [(e["owner"], e["other"], e["reason"]) for e in evicted] == [
        ("agent_1", "agent_2", "capacity")
    ]
    names = [e["name"] for e in result.events]
    assert names.index("tie_evicted") < names.index("relationship_set")
    assert [t[0] for t in ties_of(world, "agent_1")] == [3, 4, 5, 6, 7, 8]
    assert ties_of(world, "agent_2") == [(1, 0.1, 0.0, 0.0)]
    weak = run(
        world, command("force_chat", speaker="agent_9", listener="agent_1", quality=0.1)
    )
    rel = of(weak, "relationship_event")[0]
    assert rel["b_to_a"] is None  # 0.015 + 0.002 ext does not beat the threshold
    assert of(weak, "tie_evicted") == []


def test_ties_decay_hourly_and_fade(provider: str) -> None:
    world = build_world(provider)
    run(
        world,
        command("toggle_mortality", enabled=False),
        command("set_rel", "r", agent_a="agent_1", agent_b="agent_2", trust=0.012),
    )
    faded: list[tuple[int, str, str]] = []
    for _ in range(240):
        result = wait_all(world)
        faded += [
            (e["tick"], e["owner"], e["other"]) for e in of(result, "tie_evicted")
        ]
        assert all(e["reason"] == "faded" for e in of(result, "tie_evicted"))
    assert ties_of(world, "agent_1") == []
    ticks = {t for t, _, _ in faded}
    assert len(ticks) == 1
    assert next(iter(ticks)) % 60 == 0
    assert [(o, x) for _, o, x in faded] == [
        ("agent_1", "agent_2"),
        ("agent_2", "agent_1"),
    ]


def test_terminated_agents_take_their_ties_along(provider: str) -> None:
    world = build_world(provider)
    run(
        world,
        command("set_rel", agent_a="agent_1", agent_b="agent_2", trust=0.5),
        command("set_rel", agent_a="agent_3", agent_b="agent_2", trust=0.5),
    )
    result = run(world, command("kill", agent_id="agent_2"))
    assert of(result, "tie_evicted") == []
    assert ties_of(world, "agent_1") == []
    assert ties_of(world, "agent_3") == []
    assert ties_of(world, "agent_2") == []


def test_ties_roundtrip_through_export_and_import(provider: str) -> None:
    world = build_world(provider)
    run(
        world,
        command("set_rel", agent_a="agent_1", agent_b="agent_2", trust=-0.5),
        command("force_chat", speaker="agent_3", listener="agent_1"),
    )
    tree = json.loads(json.dumps(world.export_state()))
    twin = build_world(provider, seed=5)
    twin.import_state(tree)
    assert twin.state_hash() == world.state_hash()
    for _ in range(90):
        wait_all(world)
        wait_all(twin)
    assert twin.state_hash() == world.state_hash()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda a: a["ties"].append(dict(a["ties"][0], other=1)),
            "agents[1].ties[1].other: expected ascending uids of other agents, got 1",
        ),
        (
            lambda a: a["ties"][0].update(trust=1.5),
            "agents[1].ties[0].trust: must be in [-1.0, 1.0], got 1.5",
        ),
        (
            lambda a: a["ties"][0].update(rivalry=-0.5),
            "agents[1].ties[0].rivalry: must be in [0.0, 1.0], got -0.5",
        ),
        (
            lambda a: a["chat_cooldowns"].update({"07": 1}),
            "agents[1].chat_cooldowns: '07' is not the uid of an agent",
        ),
        (
            lambda a: a.update(last_chat_tick=-2),
            "agents[1].last_chat_tick: must be in [-1, 1], got -2",
        ),
    ],
)
def test_bad_ties_are_refused_on_import(provider: str, edit: Any, message: str) -> None:
    world = build_world(provider)
    run(world, command("set_rel", agent_a="agent_1", agent_b="agent_2", trust=0.5))
    tree = json.loads(json.dumps(world.export_state()))
    edit(tree["agents"][1])
    before = world.state_hash()
    with pytest.raises(SnapshotError, match=f"^{re.escape(message)}$"):
        world.import_state(tree)
    assert world.state_hash() == before


def test_the_relationships_settings_reach_the_world(provider: str) -> None:
    from townlet.config import load_config, world_settings
    from townlet.world import make_world

    settings = make_settings()
    settings["relationships"] = world_settings(load_config())["relationships"]
    settings["relationships"]["max_ties"] = 1
    world = make_world(provider, settings)
    world.reset(0)
    run(world, command("set_rel", agent_a="agent_1", agent_b="agent_2", trust=0.5))
    result = run(
        world, command("set_rel", agent_a="agent_1", agent_b="agent_3", trust=0.5)
    )
    assert [(e["owner"], e["other"]) for e in of(result, "tie_evicted")] == [
        ("agent_1", "agent_2")
    ]
    assert ties_of(world, "agent_1") == [(3, 0.5, 0.0, 0.0)]
