"""Socialise (learning.md 2.4) on both providers: walk to the partner and chat;
masked and failing when nobody is there; the partner with the warmest tie wins."""

from __future__ import annotations

from typing import Any

import numpy as np
from test_options import SOCIALISE, WAIT
from towns import build_world

from townlet.core.types import ObservationBuffers

ROOM = """townlet-map 1
size 12 8
object B bed
zone home_a home 0 0 3 2
grid
############
#BBB.......#
#..........#
#..........#
#..........#
#..........#
#.........@#
############
"""


def town(provider: str, *positions: tuple[int, int]) -> Any:
    world = build_world(
        provider,
        ROOM,
        lifecycle__population_target=0,
        lifecycle__mortality=False,
        personalities__distribution=[["balanced", 1.0]],
        jobs=[],
        actions={"mode": "option"},
    )
    for k, (x, y) in enumerate(positions):
        world.apply_command(
            {
                "cmd_id": f"s{k}",
                "name": "spawn",
                "args": {"position": [x, y], "profile": "balanced", "wallet": 1.0},
            }
        )
    world.step(np.zeros(0, dtype=np.int32), "option")
    return world


def act(world: Any, *ids: int) -> list[dict[str, Any]]:
    return list(world.step(np.array(ids, dtype=np.int32), "option").events)


def option(world: Any, k: int) -> dict[str, Any]:
    tree: dict[str, Any] = world.export_state()["agents"][k]["option"]
    return tree


def mask(world: Any, k: int) -> list[int]:
    spec = world.observation_spec("compact", "option")
    buffers = ObservationBuffers.allocate(spec, len(world.agent_ids()))
    world.observe(buffers)
    row: list[int] = buffers.action_mask[k].tolist()
    return row


def test_socialise_walks_to_the_partner_and_chats(provider: str) -> None:
    world = town(provider, (10, 4), (4, 3))
    assert mask(world, 0)[SOCIALISE] == 1
    events: list[dict[str, Any]] = []
    for _ in range(40):
        events += act(world, SOCIALISE, WAIT)
        if option(world, 0)["active"] == -1:  # ended
            break
    chats = [e for e in events if e["name"] in ("chat_succeeded", "chat_failed")]
    assert len(chats) == 1
    assert chats[0]["speaker"] == "agent_0"
    assert chats[0]["listener"] == "agent_1"
    want = "success" if chats[0]["name"] == "chat_succeeded" else "failure"
    assert option(world, 0)["last"] == want
    a, b = world.export_state()["agents"][:2]
    assert (
        max(
            abs(a["position"][0] - b["position"][0]),
            abs(a["position"][1] - b["position"][1]),
        )
        <= 1
    )


def test_alone_socialise_is_masked_and_fails_without_a_park(provider: str) -> None:
    world = town(provider, (10, 4))
    assert mask(world, 0)[SOCIALISE] == 0
    act(world, SOCIALISE)
    assert option(world, 0)["last"] == "failure"


def test_partner_is_the_warmest_tie(provider: str) -> None:
    world = town(provider, (10, 4), (4, 3), (9, 1))
    world.apply_command(
        {
            "cmd_id": "r",
            "name": "set_rel",
            "args": {
                "agent_a": "agent_0",
                "agent_b": "agent_1",
                "trust": 0.5,
                "familiarity": 0.5,
            },
        }
    )
    act(world, WAIT, WAIT, WAIT)
    act(world, SOCIALISE, WAIT, WAIT)
    # agent_2 is nearer, but the tie to agent_1 is the warmest.
    assert option(world, 0)["target"] == 1


def test_wait_steps_off_a_rivals_tile_and_reports_it(provider: str) -> None:
    world = town(provider, (5, 3), (5, 3), (7, 3))
    world.apply_command(
        {
            "cmd_id": "r",
            "name": "set_rel",
            "args": {"agent_a": "agent_0", "agent_b": "agent_1", "rivalry": 0.9},
        }
    )
    act(world, WAIT, WAIT, WAIT)  # set_rel (step 3), then both step north (step 6)
    events = act(world, WAIT, WAIT, WAIT)
    # Both decide on the state left by step 5, so both step north (uid order).
    assert [e for e in events if e["name"] == "rival_avoided"] == [
        {"tick": world.tick, "seq": 0, "name": "rival_avoided",
         "agent_id": "agent_0", "rival": "agent_1", "object_id": None},
        {"tick": world.tick, "seq": 1, "name": "rival_avoided",
         "agent_id": "agent_1", "rival": "agent_0", "object_id": None},
    ]  # fmt: skip
    agents = world.export_state()["agents"]
    assert agents[0]["position"] == agents[1]["position"] == [5, 1]
    assert agents[2]["position"] == [7, 3]  # no rival: Wait stays put


GYM2 = """townlet-map 1
size 12 8
object B bed
object S shower
zone home_a home 0 0 2 2
zone gym gym 3 0 11 7
grid
############
#B.........#
#....S...S.#
#..........#
#..........#
#..........#
#.........@#
############
"""
"""Two gym showers: shower_1 at (5, 2), shower_2 at (9, 2) (indices 1 and 2)."""


def test_get_clean_detours_around_a_rival_at_the_nearest_shower(provider: str) -> None:
    from test_options import GET_CLEAN

    world = build_world(
        provider,
        GYM2,
        lifecycle__population_target=0,
        lifecycle__mortality=False,
        personalities__distribution=[["balanced", 1.0]],
        jobs=[],
        actions={"mode": "option"},
    )
    for k, (x, y) in enumerate([(5, 3), (5, 1)]):
        world.apply_command(
            {
                "cmd_id": f"s{k}",
                "name": "spawn",
                "args": {"position": [x, y], "profile": "balanced", "wallet": 5.0},
            }
        )
    world.step(np.zeros(0, dtype=np.int32), "option")
    world.apply_command(
        {
            "cmd_id": "r",
            "name": "set_rel",
            "args": {"agent_a": "agent_1", "agent_b": "agent_0", "rivalry": 0.9},
        }
    )
    act(world, WAIT, WAIT)
    act(world, GET_CLEAN, WAIT)  # agent_0 starts showering at shower_1
    assert world.export_state()["agents"][0]["engagement"]["object"] == 1
    events = act(world, WAIT, GET_CLEAN)
    assert [e for e in events if e["name"] == "rival_avoided"] == [
        {"tick": world.tick, "seq": 0, "name": "rival_avoided",
         "agent_id": "agent_1", "rival": "agent_0", "object_id": "shower_1"},
    ]  # fmt: skip
    assert option(world, 1)["target"] == 2  # shower_2 is 4 steps farther (<= 15)
