"""Possession (world.md 6.1 rule 2, 16): ``possess`` and ``act`` on both providers."""

from __future__ import annotations

from typing import Any

import numpy as np
from test_options import GO_HOME, SLEEP, town

from townlet.core.types import CommandResult


def cmd(world: Any, name: str, **args: Any) -> None:
    world.apply_command({"cmd_id": name, "name": name, "args": args})


def step(world: Any, *ids: int) -> Any:
    n = len(world.agent_ids())
    return world.step(np.array(ids or [0] * n, dtype=np.int32), "option")


def spawned(provider: str) -> Any:
    world = town(provider)
    cmd(world, "spawn", position=[10, 6], profile="balanced")
    step(world)
    return world


def test_possess_substitutes_act_and_resets_the_controller(provider: str) -> None:
    world = spawned(provider)
    step(world, GO_HOME)
    a = world.export_state()["agents"][0]
    assert a["option"]["active"] == GO_HOME
    x, y = a["position"]
    cmd(world, "possess", agent_id="agent_0", action="acquire")
    result = step(world, GO_HOME)
    assert result.command_results == [
        CommandResult("possess", "possess", True, None, "possessed agent_0",
                      {"agent_id": "agent_0"}),
    ]  # fmt: skip
    assert [e for e in result.events if e["name"] == "possession_changed"] == [
        {"tick": 3, "seq": 0, "name": "possession_changed", "agent_id": "agent_0",
         "possessed": True},
    ]  # fmt: skip
    a = world.export_state()["agents"][0]
    assert a["possessed"] is True
    assert a["option"]["active"] == -1  # reset to idle, not run while possessed
    assert a["position"] == [x, y]  # the GoHome id is ignored: WAIT
    cmd(world, "act", agent_id="agent_0", action={"kind": "move", "dir": "W"})
    step(world, SLEEP)
    a = world.export_state()["agents"][0]
    assert a["position"] == [x - 1, y]
    assert a["last_action"] == {"kind": "move", "ok": True, "reason": 0}
    assert a["option"]["active"] == -1
    cmd(world, "possess", agent_id="agent_0", action="release")
    step(world, GO_HOME)
    a = world.export_state()["agents"][0]
    assert a["possessed"] is False
    assert a["option"]["active"] == GO_HOME  # the controller runs again


def test_possess_and_act_refusals(provider: str) -> None:
    world = spawned(provider)
    cmd(world, "act", agent_id="agent_0", action={"kind": "wait"})
    cmd(world, "possess", agent_id="agent_0", action="release")
    cmd(world, "possess", agent_id="agent_0", action="grab")
    cmd(world, "possess", agent_id="agent_9", action="acquire")
    cmd(world, "possess", agent_id="agent_0", action="acquire")
    cmd(world, "possess", agent_id="agent_0", action="acquire")
    cmd(world, "act", agent_id="agent_0", action={"kind": "fly"})
    cmd(world, "act", agent_id="agent_0", action={"kind": "interact", "object": "x"})
    results = step(world).command_results
    assert [(r.ok, r.code, r.message) for r in results] == [
        (False, "conflict", "act: agent_0 is not possessed"),
        (False, "conflict", "possess: agent_0 is not possessed"),
        (False, "invalid_args",
         "possess: action must be 'acquire' or 'release', got 'grab'"),
        (False, "not_found", "possess: no alive agent 'agent_9'"),
        (True, None, "possessed agent_0"),
        (False, "conflict", "possess: agent_0 is already possessed"),
        (False, "invalid_args", "act: unknown kind 'fly'"),
        (False, "invalid_args", "act: unknown object 'x'"),
    ]  # fmt: skip


def test_a_sleeping_agent_cannot_be_possessed(provider: str) -> None:
    world = town(provider)
    cmd(world, "spawn", position=[2, 1], profile="balanced")
    step(world)
    cmd(world, "setneed", agent_id="agent_0", needs={"energy": 0.2})
    for _ in range(5):
        step(world, SLEEP)
    assert world.export_state()["agents"][0]["engagement"]["kind"] == "running"
    cmd(world, "possess", agent_id="agent_0", action="acquire")
    result = step(world, SLEEP).command_results[0]
    assert (result.code, result.message) == ("conflict", "possess: agent_0 is asleep")
