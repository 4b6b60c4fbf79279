"""Primitive movement and action resolution (world.md 6, contract 5 step 6)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from towns import TINY_MAP, build_world

from townlet.errors import ProviderError

EDGE_MAP = TINY_MAP.replace("#.....@#", "#......@")
"""TINY_MAP with the spawn tile (7, 6) on the east border."""


def act(world: Any, *ids: int) -> Any:
    return world.step(np.array(ids, dtype=np.int32), "primitive")


def agent(world: Any, i: int = 0) -> dict[str, Any]:
    state: dict[str, Any] = world.export_state()["agents"][i]
    return state


def one_agent(provider: str) -> Any:
    """TINY_MAP with agent_0 at (2, 1): wall to the north, water to the south."""
    return build_world(provider, TINY_MAP, lifecycle__population_target=1)


def test_move_onto_a_walkable_tile_changes_position(provider: str) -> None:
    world = one_agent(provider)
    result = act(world, 2)
    assert agent(world)["position"] == [3, 1]
    assert agent(world)["last_action"] == {"kind": "move", "ok": True, "reason": 0}
    assert result.events == []


@pytest.mark.parametrize("action", [1, 3], ids=["wall", "water"])
def test_move_into_a_blocked_tile_fails_with_an_event(
    provider: str, action: int
) -> None:
    world = one_agent(provider)
    result = act(world, action)
    assert agent(world)["position"] == [2, 1]
    assert agent(world)["last_action"] == {"kind": "move", "ok": False, "reason": 5}
    assert result.events == [
        {
            "tick": 1,
            "seq": 0,
            "name": "action_failed",
            "agent_id": "agent_0",
            "kind": "move",
            "reason": "blocked_tile",
        }
    ]


def test_move_into_an_object_fails_as_blocked(provider: str) -> None:
    world = one_agent(provider)
    act(world, 4)  # west of (2, 1) stands bed_1
    assert agent(world)["last_action"] == {"kind": "move", "ok": False, "reason": 5}


def test_move_off_the_grid_fails_out_of_bounds(provider: str) -> None:
    world = build_world(provider, EDGE_MAP, lifecycle__population_target=3)
    assert agent(world, 2)["position"] == [7, 6]
    result = act(world, 0, 0, 2)
    assert agent(world, 2)["position"] == [7, 6]
    assert agent(world, 2)["last_action"] == {"kind": "move", "ok": False, "reason": 4}
    assert [(e["agent_id"], e["reason"]) for e in result.events] == [
        ("agent_2", "out_of_bounds")
    ]


def test_wait_records_an_ok_wait(provider: str) -> None:
    world = one_agent(provider)
    act(world, 1)
    act(world, 0)
    assert agent(world)["last_action"] == {"kind": "wait", "ok": True, "reason": 0}


@pytest.mark.parametrize("action", [6, 12, 14, 17, 18, 19, -1, 1000, -(2**31)])
def test_ids_without_a_candidate_or_out_of_range_wait_silently(
    provider: str, action: int
) -> None:
    world = one_agent(provider)
    result = act(world, action)
    assert agent(world)["last_action"] == {"kind": "wait", "ok": True, "reason": 0}
    assert agent(world)["position"] == [2, 1]
    assert result.events == []


def test_agents_never_block_each_other(provider: str) -> None:
    world = build_world(provider, EDGE_MAP, lifecycle__population_target=4)
    assert agent(world, 2)["position"] == agent(world, 3)["position"] == [7, 6]
    act(world, 0, 0, 4, 4)
    assert agent(world, 2)["position"] == agent(world, 3)["position"] == [6, 6]


def test_wrong_number_of_actions_is_refused(provider: str) -> None:
    world = one_agent(provider)
    with pytest.raises(
        ProviderError, match=r"^actions: expected shape \(1,\), got \(2,\)$"
    ):
        act(world, 0, 0)
    assert world.tick == 0


def test_unknown_action_mode_is_refused(provider: str) -> None:
    world = one_agent(provider)
    with pytest.raises(ProviderError, match=r"^mode: expected 'option' or 'primitive'"):
        world.step(np.zeros(1, dtype=np.int32), "telepathy")
    assert world.tick == 0
