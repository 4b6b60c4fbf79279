"""Queues, reservations and affordances (world.md 6, 7, 5.2, 10.2, 10.3, 11.2).

Every scenario runs on both providers through the public API only: agents are placed
with console ``spawn`` (balanced profile, so no draw), act through primitive ids
(learning.md 2.5: 6 wash, 12 buy_meal, 15 eat_meal, 18 release) and are read back
from ``export_state`` and the step events.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from towns import AFFORDANCES, OBJECT_TYPES, build_world

from townlet.config.settings import ROLES

WAIT, MOVE_N, MOVE_E, MOVE_S, MOVE_W = 0, 1, 2, 3, 4
SLEEP, WASH, BUY_MEAL, EAT_MEAL, RELEASE = 5, 6, 12, 15, 18

GYM = """townlet-map 1
size 10 8
object B bed
object S shower
object V counter
zone home_a home 0 0 2 2
zone gym gym 3 0 9 7
grid
##########
#B.......#
#...S....#
#........#
#......V.#
#........#
#.......@#
##########
"""
"""A home with a bed at (1, 1) and a gym with a shower at (4, 2) (interaction tiles
(4, 1), (5, 2), (4, 3), (3, 2)) and a counter at (7, 4) ((7, 3), (8, 4), (7, 5),
(6, 4))."""

SHOWER, COUNTER = "shower_1", "counter_1"


def town(provider: str, **overrides: Any) -> Any:
    """An empty gym town (population target 0, no mortality)."""
    return build_world(
        provider,
        GYM,
        lifecycle__population_target=0,
        lifecycle__mortality=False,
        personalities__distribution=[["balanced", 1.0]],
        **overrides,
    )


def spawn(world: Any, *positions: tuple[int, int], wallet: float = 5.0) -> None:
    """Queue one console spawn per position (they arrive in the next step)."""
    for x, y in positions:
        world.apply_command(
            {
                "cmd_id": f"s{x}{y}",
                "name": "spawn",
                "args": {
                    "position": [x, y],
                    "profile": "balanced",
                    "wallet": wallet,
                    "items": {"raw_food": 0, "meal": 1},
                },
            }
        )


def act(world: Any, *ids: int) -> list[dict[str, Any]]:
    """One step with these primitive ids; returns the step's events."""
    result = world.step(np.array(ids, dtype=np.int32), "primitive")
    return list(result.events)


def agent(world: Any, i: int) -> dict[str, Any]:
    """The exported agent of row ``i``."""
    return dict(world.export_state()["agents"][i])


def obj(world: Any, object_id: str) -> dict[str, Any]:
    """The exported object ``object_id``."""
    return next(o for o in world.export_state()["objects"] if o["id"] == object_id)


def named(events: list[dict[str, Any]], *names: str) -> list[dict[str, Any]]:
    """The events with one of ``names``, without ``tick`` and ``seq``."""
    return [
        {k: v for k, v in e.items() if k not in ("tick", "seq")}
        for e in events
        if e["name"] in names
    ]


def idle_until(world: Any, tick: int) -> None:
    """WAIT for every agent until the world's tick is ``tick``."""
    while world.tick < tick:
        act(world, *([WAIT] * len(world.agent_ids())))


def test_shower_timing_follows_the_worked_example(provider: str) -> None:
    """World.md 7.5: INTERACT at tick 100, hygiene at 101..115, completes at 115."""
    world = town(provider)
    spawn(world, (4, 3))
    act(world)
    idle_until(world, 99)
    events = act(world, WASH)
    names = ("queue_joined", "reservation_granted", "affordance_started")
    assert named(events, *names) == [
        {"name": "queue_joined", "agent_id": "agent_0", "object_id": SHOWER,
         "position": 0},
        {"name": "reservation_granted", "agent_id": "agent_0", "object_id": SHOWER,
         "via": "queue", "waited_ticks": 0},
        {"name": "affordance_started", "agent_id": "agent_0", "object_id": SHOWER,
         "affordance_id": "public_shower", "duration": 15, "cost": 0.25},
    ]  # fmt: skip
    a = agent(world, 0)
    assert a["wallet"] == 5.0 - 0.25
    assert a["engagement"] == {
        "kind": "running", "object": 1, "affordance": 2, "remaining": 15,
        "started_tick": 100, "cost_paid": 0.25,
    }  # fmt: skip
    assert a["last_affordance"] == {
        "affordance": 2, "result": "started", "reason": 0, "tick": 100,
    }  # fmt: skip
    assert obj(world, SHOWER)["holders"] == [
        {"uid": 0, "granted_tick": 100, "stall": 0}
    ]
    hygiene = a["needs"]["hygiene"]
    for tick in range(101, 115):
        assert named(act(world, WAIT), "affordance_completed") == []
        now = agent(world, 0)["needs"]["hygiene"]
        expected = min(hygiene + 0.05, 1.0) - 0.0005
        assert now == expected, tick
        hygiene = now
    events = act(world, WAIT)
    assert world.tick == 115
    assert named(events, "affordance_completed") == [
        {"name": "affordance_completed", "agent_id": "agent_0",
         "object_id": SHOWER, "affordance_id": "public_shower"},
    ]  # fmt: skip
    a = agent(world, 0)
    assert a["engagement"]["kind"] == "none"
    assert a["last_affordance"]["result"] == "completed"
    assert obj(world, SHOWER)["holders"] == []


def test_queue_is_first_come_first_served_with_a_polite_handover(
    provider: str,
) -> None:
    world = town(provider)
    spawn(world, (4, 3), (4, 1))
    act(world)
    act(world, WASH, WAIT)  # tick 2: agent_0 starts
    events = act(world, WAIT, WASH)  # tick 3: agent_1 waits
    assert named(events, "queue_joined") == [
        {"name": "queue_joined", "agent_id": "agent_1", "object_id": SHOWER,
         "position": 0},
    ]  # fmt: skip
    assert agent(world, 1)["engagement"]["kind"] == "waiting"
    assert obj(world, SHOWER)["waiters"] == [{"uid": 1, "joined_tick": 3, "intent": 2}]
    idle_until(world, 16)
    events = act(world, WAIT, WAIT)  # tick 17: completion and handover
    assert [e["name"] for e in events] == [
        "affordance_completed", "reservation_granted", "relationship_event",
        "affordance_started",
    ]  # fmt: skip
    assert named(events, "reservation_granted")[0]["via"] == "handover"
    assert named(events, "reservation_granted")[0]["waited_ticks"] == 14
    rel = named(events, "relationship_event")[0]
    assert (rel["kind"], rel["agent_a"], rel["agent_b"]) == (
        "queue_polite",
        "agent_0",
        "agent_1",
    )
    assert agent(world, 1)["engagement"]["started_tick"] == 17


def test_ghost_step_demotes_a_stalled_holder_and_breeds_rivalry(
    provider: str,
) -> None:
    world = town(provider)
    spawn(world, (4, 3), (4, 1), (5, 2))  # agent_0, agent_1, agent_2
    act(world)
    act(world, WAIT, WASH, WAIT)  # tick 2: agent_1 runs until 17
    act(world, WASH, WAIT, WAIT)  # tick 3: agent_0 waits first
    act(world, WAIT, WAIT, WASH)  # tick 4: agent_2 waits second
    act(world, MOVE_S, WAIT, WAIT)  # tick 5: agent_0 steps off (still in radius)
    idle_until(world, 17)  # tick 17: handover to agent_0, idle away from the shower
    assert agent(world, 0)["engagement"]["kind"] == "holding"
    for _ in range(18, 22):
        assert named(act(world, WAIT, WAIT, WAIT), "queue_conflict") == []
    assert obj(world, SHOWER)["holders"][0]["stall"] == 4
    events = act(world, WAIT, WAIT, WAIT)  # tick 22: fifth stalled tick
    assert named(events, "queue_conflict") == [
        {"name": "queue_conflict", "object_id": SHOWER, "kind": "blocked",
         "actor": "agent_0", "rival": "agent_2", "queue_length": 1},
    ]  # fmt: skip
    rel = named(events, "relationship_event")[0]
    assert (rel["kind"], rel["agent_a"], rel["agent_b"]) == (
        "blocked",
        "agent_0",
        "agent_2",
    )
    assert rel["a_to_b"]["rivalry"] == 0.15
    assert agent(world, 0)["engagement"] == {
        "kind": "waiting", "object": 1, "affordance": 2, "remaining": 0,
        "started_tick": -1, "cost_paid": 0.0,
    }  # fmt: skip
    assert obj(world, SHOWER)["waiters"] == [{"uid": 0, "joined_tick": 22, "intent": 2}]
    assert agent(world, 2)["engagement"]["kind"] == "running"


def test_handover_bonus_lets_a_friend_cut_in_then_cools_down(provider: str) -> None:
    world = town(provider)
    spawn(world, (4, 3), (4, 1), (5, 2))
    act(world)
    world.apply_command(
        {
            "cmd_id": "rel",
            "name": "set_rel",
            "args": {"agent_a": "agent_1", "agent_b": "agent_2", "trust": 1.0,
                     "familiarity": 1.0},
        }
    )  # fmt: skip
    act(world, WAIT, WASH, WAIT)  # tick 2: agent_1 runs until 17
    act(world, WASH, WAIT, WAIT)  # tick 3: agent_0 waits first
    act(world, WAIT, WAIT, WASH)  # tick 4: agent_2 waits second
    idle_until(world, 16)
    events = act(world, WAIT, WAIT, WAIT)  # tick 17
    granted = named(events, "reservation_granted")[0]
    assert (granted["agent_id"], granted["via"]) == ("agent_2", "handover")
    assert named(events, "queue_conflict") == [
        {"name": "queue_conflict", "object_id": SHOWER, "kind": "cut_in",
         "actor": "agent_0", "rival": "agent_2", "queue_length": 1},
    ]  # fmt: skip
    kinds = [e["kind"] for e in named(events, "relationship_event")]
    assert kinds == ["queue_polite", "queue_cut"]
    assert obj(world, SHOWER)["cut_in_until"] == {"2": 17 + 60}


def test_walking_away_leaves_the_queue(provider: str) -> None:
    world = town(provider)
    spawn(world, (4, 3), (4, 1))
    act(world)
    act(world, WASH, WAIT)
    act(world, WAIT, WASH)  # agent_1 waits at (4, 1)
    act(world, WAIT, MOVE_E)
    act(world, WAIT, MOVE_E)
    act(world, WAIT, MOVE_E)  # (7, 1): distance 3, still in the queue
    assert agent(world, 1)["engagement"]["kind"] == "waiting"
    events = act(world, WAIT, MOVE_E)  # (8, 1): distance 4
    assert named(events, "queue_left") == [
        {"name": "queue_left", "agent_id": "agent_1", "object_id": SHOWER,
         "reason": "walked_away"},
    ]  # fmt: skip
    assert agent(world, 1)["engagement"]["kind"] == "none"
    assert obj(world, SHOWER)["waiters"] == []


def test_two_holders_race_for_the_last_unit(provider: str) -> None:
    types = copy.deepcopy(OBJECT_TYPES)
    counter = next(t for t in types if t["name"] == "counter")
    counter["capacity"] = 2
    counter["stock"] = [["meal", 1]]
    world = town(provider, manifest__object_types=types)
    spawn(world, (7, 3), (7, 5))
    act(world)
    for a in (0, 1):  # eat the carried meal first so a bought one fits
        assert agent(world, a)["items"]["meal"] == 1
    act(world, EAT_MEAL, EAT_MEAL)
    idle_until(world, 20)
    events = act(world, BUY_MEAL, BUY_MEAL)
    started = named(events, "affordance_started")
    failed = named(events, "affordance_failed")
    assert len(started) == 1
    assert len(failed) == 1
    assert failed[0]["reason"] == "out_of_stock"
    assert failed[0]["agent_id"] != started[0]["agent_id"]
    assert (failed[0]["condition_index"], failed[0]["condition"]) == (None, None)
    assert obj(world, COUNTER)["stock"]["meal"] == 0
    loser = int(failed[0]["agent_id"].removeprefix("agent_"))
    assert agent(world, loser)["last_affordance"]["reason"] == 22
    ok_buy = {"kind": "buy", "ok": True, "reason": 0}
    assert agent(world, loser)["last_action"] == ok_buy


def test_eat_meal_timing_and_shared_meal(provider: str) -> None:
    world = town(provider)
    spawn(world, (5, 5), (6, 5))
    act(world)
    events = act(world, EAT_MEAL, EAT_MEAL)  # tick 2
    assert [e["object_id"] for e in named(events, "affordance_started")] == [None] * 2
    assert agent(world, 0)["items"]["meal"] == 0
    assert agent(world, 0)["engagement"]["kind"] == "using"
    hunger = agent(world, 0)["needs"]["hunger"]
    act(world, WAIT, WAIT)  # tick 3: first progress tick
    assert agent(world, 0)["needs"]["hunger"] == min(hunger + 0.04, 1.0) - 0.0012
    idle_until(world, 16)
    events = act(world, WAIT, WAIT)  # tick 17 = 2 + 15
    assert [e["name"] for e in events] == [
        "affordance_completed", "shared_meal", "relationship_event",
        "affordance_completed",
    ]  # fmt: skip
    assert named(events, "shared_meal") == [
        {"name": "shared_meal", "agents": ["agent_0", "agent_1"], "zone": "gym"}
    ]
    assert named(events, "relationship_event")[0]["kind"] == "shared_meal"


def test_release_interrupts_without_refund(provider: str) -> None:
    world = town(provider)
    spawn(world, (4, 3))
    act(world)
    act(world, WASH)
    act(world, MOVE_S)
    assert agent(world, 0)["last_action"] == {"kind": "move", "ok": False, "reason": 3}
    events = act(world, RELEASE)
    assert named(events, "affordance_failed", "affordance_refunded") == [
        {"name": "affordance_failed", "agent_id": "agent_0", "object_id": SHOWER,
         "affordance_id": "public_shower", "reason": "released",
         "condition_index": None, "condition": None},
    ]  # fmt: skip
    a = agent(world, 0)
    assert a["last_action"] == {"kind": "release", "ok": True, "reason": 0}
    assert a["wallet"] == 4.75
    assert obj(world, SHOWER)["holders"] == []


def test_teleport_during_a_paid_activity_refunds(provider: str) -> None:
    world = town(provider)
    spawn(world, (4, 3))
    act(world)
    act(world, WASH)
    world.apply_command(
        {
            "cmd_id": "t",
            "name": "teleport",
            "args": {"agent_id": "agent_0", "position": [8, 6]},
        }
    )
    events = act(world, WAIT)
    assert [e["name"] for e in events] == [
        "affordance_failed", "affordance_refunded", "agent_teleported",
    ]  # fmt: skip
    assert named(events, "affordance_refunded") == [
        {"name": "affordance_refunded", "agent_id": "agent_0",
         "affordance_id": "public_shower", "money": 0.25, "items": {}, "stock": {}},
    ]  # fmt: skip
    assert named(events, "affordance_failed")[0]["reason"] == "relocated"
    assert agent(world, 0)["wallet"] == 5.0


def test_termination_interrupts_and_leaves_queues(provider: str) -> None:
    world = town(provider)
    spawn(world, (4, 3), (4, 1))
    act(world)
    act(world, WASH, WAIT)
    act(world, WAIT, WASH)
    for who in ("agent_1", "agent_0"):
        world.apply_command({"cmd_id": who, "name": "kill", "args": {"agent_id": who}})
    events = act(world, WAIT, WAIT)
    assert [e["name"] for e in events] == [
        "queue_left", "agent_terminated", "affordance_failed", "agent_terminated",
    ]  # fmt: skip
    assert named(events, "queue_left")[0]["reason"] == "terminated"
    assert named(events, "affordance_failed")[0]["reason"] == "terminated"
    assert obj(world, SHOWER)["holders"] == obj(world, SHOWER)["waiters"] == []


def test_sleep_applies_the_decay_multipliers(provider: str) -> None:
    world = town(provider)
    spawn(world, (2, 1))  # owns bed_1 at (1, 1)
    act(world)
    assert agent(world, 0)["home"] == "home_a"
    act(world, SLEEP)
    before = agent(world, 0)["needs"]
    act(world, WAIT)
    after = agent(world, 0)["needs"]
    assert after["hunger"] == before["hunger"] - (0.0012 * 1.0) * 0.5
    assert after["hygiene"] == before["hygiene"] - (0.0005 * 1.0) * 0.5
    assert after["energy"] == min(before["energy"] + 0.0015, 1.0) - (0.0006 * 1.0) * 0
    assert agent(world, 0)["engagement"]["affordance"] == 0


def test_masks_follow_engagement(provider: str) -> None:
    from townlet.core.types import ObservationBuffers

    world = town(provider)
    spawn(world, (4, 3))
    act(world)

    def mask() -> list[int]:
        spec = world.observation_spec("compact", "primitive")
        buffers = ObservationBuffers.allocate(spec, 1)
        world.observe(buffers)
        return [int(m) for m in buffers.action_mask[0]]

    idle = mask()
    assert (idle[WASH], idle[RELEASE], idle[MOVE_S]) == (1, 0, 1)
    act(world, WASH)
    running = mask()
    assert running[RELEASE] == 1
    assert running[1:17] == [0] * 16  # no moves, no roles while running


def test_an_unbound_role_makes_its_id_infeasible(provider: str) -> None:
    roles = [[role, list(names)] for role, names in ROLES]
    roles[1][1] = ["shower"]  # wash: the home shower only, which fails in the gym
    world = town(provider, roles=roles)
    spawn(world, (4, 3))
    act(world)
    assert act(world, WASH) == []
    assert agent(world, 0)["last_action"] == {"kind": "wait", "ok": True, "reason": 0}
    roles[1][1] = ["public_shower"]
    world = town(provider, roles=roles)
    spawn(world, (4, 3))
    act(world)
    assert named(act(world, WASH), "affordance_started")[0]["affordance_id"] == (
        "public_shower"
    )


def test_a_roles_list_out_of_order_is_refused(provider: str) -> None:
    from townlet.errors import ConfigError

    roles = [[role, list(names)] for role, names in ROLES]
    roles[0], roles[1] = roles[1], roles[0]
    with pytest.raises(
        ConfigError, match=r"roles\[0\]: expected \['sleep', \[names\]\]"
    ):
        town(provider, roles=roles)


def test_queue_settings_are_checked(provider: str) -> None:
    from townlet.errors import ConfigError

    queues = {
        "queue_radius": 3,
        "ghost_step_after": 5,
        "age_priority_weight": 0.1,
        "handover_weight": 2.0,
        "cut_in_cooldown_ticks": 60,
    }
    town(provider, queues=dict(queues))
    with pytest.raises(ConfigError, match=r"queues\.queue_radius: must be \[0, 256\]"):
        town(provider, queues={**queues, "queue_radius": 300})
    with pytest.raises(ConfigError, match=r"queues\.handover_weight: must be >= 0"):
        town(provider, queues={**queues, "handover_weight": -1.0})


def test_preconditions_read_the_live_queue(provider: str) -> None:
    affs = copy.deepcopy(AFFORDANCES)
    shower = next(a for a in affs if a["id"] == "public_shower")
    shower["preconditions"] = ["object.waiting == 0 and object.holders <= 1"]
    world = town(provider, manifest__affordances=affs)
    spawn(world, (4, 3), (4, 1), (5, 2))
    act(world)
    act(world, WASH, WAIT, WAIT)  # tick 2: agent_0 runs
    assert named(act(world, WAIT, WASH, WAIT), "queue_joined") != []  # 0 waiting
    assert act(world, WAIT, WAIT, WASH) == []  # one waits already: wash infeasible
    assert agent(world, 2)["engagement"]["kind"] == "none"
    idle_until(world, 16)
    events = act(world, WAIT, WAIT, WAIT)  # tick 17: handover, then agent_1 starts
    assert named(events, "affordance_started")[0]["agent_id"] == "agent_1"
