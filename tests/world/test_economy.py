"""Economy rules in both worlds (world.md 8): rent, restock, console prices."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from towns import TINY_MAP, build_world

from townlet.errors import SnapshotError

SHOP_MAP = """townlet-map 1
size 8 8
object B bed
object T till
object C counter
zone home_a home 0 0 3 3
zone shop shop 4 4 7 7
grid
########
#B.....#
#......#
#......#
#......#
#....T.#
#...C.@#
########
"""
"""One home, a till at (5, 5) and a counter at (4, 6) in the shop zone."""


def step(world: Any, *commands: Any) -> Any:
    for c in commands:
        world.apply_command(c)
    return world.step(np.zeros(len(world.agent_ids()), dtype=np.int32), "primitive")


def named(result: Any, *names: str) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in e.items() if k not in ("tick", "seq")}
        for e in result.events
        if e["name"] in names
    ]


def agent(world: Any, uid: int) -> dict[str, Any]:
    return next(a for a in world.export_state()["agents"] if a["uid"] == uid)


def price_cmd(key: Any, value: Any, cmd_id: str = "p") -> dict[str, Any]:
    return {"cmd_id": cmd_id, "name": "price", "args": {"key": key, "value": value}}


def test_rent_is_paid_at_rent_minute_by_agents_with_a_home(provider: str) -> None:
    # Three agents, two beds: agent_2 is homeless and pays nothing.
    world = build_world(
        provider,
        TINY_MAP,
        lifecycle__population_target=3,
        embedding__max_slots=3,
        time__start_minute=1439,
        lifecycle__mortality=False,
    )
    assert [agent(world, u)["home"] for u in range(3)] == ["home_a", "home_b", None]
    result = step(world)
    assert named(result, "rent_paid", "rent_missed") == [
        {"name": "rent_paid", "agent_id": "agent_0", "amount": 2.0, "streak": 0},
        {"name": "rent_paid", "agent_id": "agent_1", "amount": 2.0, "streak": 0},
    ]
    assert [agent(world, u)["wallet"] for u in range(3)] == [3.0, 3.0, 5.0]
    assert result.events[0]["name"] == "day_started"


def test_missed_rent_takes_nothing_and_counts_a_streak_that_payment_resets(
    provider: str,
) -> None:
    world = build_world(
        provider,
        TINY_MAP,
        lifecycle__population_target=1,
        time__ticks_per_day=240,
        time__start_minute=239,
        agents__wallet=1.5,
        economy__rent_per_day=1.0,
        economy__restock_minute=100,
        jobs=[],
        lifecycle__mortality=False,
    )
    streaks = []
    for _ in range(3):
        result = step(world)
        events = named(result, "rent_paid", "rent_missed")
        assert len(events) == 1
        streaks.append((events[0]["name"], events[0]["streak"]))
        for _ in range(239):
            step(world)
    # 1.5 pays once (0.5 left), then two misses; the wallet never goes negative.
    assert streaks == [("rent_paid", 0), ("rent_missed", 1), ("rent_missed", 2)]
    assert agent(world, 0)["wallet"] == 0.5
    assert agent(world, 0)["rent_missed_streak"] == 2
    tree = world.export_state()
    tree["agents"][0]["wallet"] = 4.0
    world.import_state(tree)
    result = step(world)
    assert named(result, "rent_paid") == [
        {"name": "rent_paid", "agent_id": "agent_0", "amount": 1.0, "streak": 0}
    ]
    assert agent(world, 0)["rent_missed_streak"] == 0


def test_restock_fills_vendors_up_to_their_level_at_restock_minute(
    provider: str,
) -> None:
    world = build_world(
        provider,
        SHOP_MAP,
        lifecycle__population_target=1,
        time__start_minute=298,
        lifecycle__mortality=False,
    )
    tree = world.export_state()
    ids = [o["id"] for o in tree["objects"]]
    till, counter = ids.index("till_1"), ids.index("counter_1")
    tree["objects"][till]["stock"]["raw_food"] = 7
    tree["objects"][counter]["stock"]["meal"] = 25  # above its level: untouched
    world.import_state(tree)
    assert named(step(world), "stock_restocked") == []  # minute 299
    result = step(world)  # minute 300
    assert named(result, "stock_restocked") == [
        {
            "name": "stock_restocked",
            "object_id": "till_1",
            "item": "raw_food",
            "before": 7,
            "after": 40,
        }
    ]
    objects = world.export_state()["objects"]
    assert objects[till]["stock"] == {"raw_food": 40, "meal": 0}
    assert objects[counter]["stock"] == {"raw_food": 0, "meal": 25}


def test_console_price_sets_the_base_and_emits_price_changed(provider: str) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=1)
    result = step(world, price_cmd("meal", 1.5), price_cmd("raw_food", 0.5, "same"))
    assert [r.ok for r in result.command_results] == [True, True]
    assert named(result, "price_changed") == [
        {
            "name": "price_changed",
            "key": "meal",
            "base": 1.5,
            "effective": 1.5,
            "cause": "console",
        }
    ]
    economy = world.export_state()["economy"]
    assert economy["base_prices"]["meal"] == economy["prices"]["meal"] == 1.5
    result = step(world, price_cmd("meal", 3))
    assert named(result, "price_changed")[0]["effective"] == 3.0


@pytest.mark.parametrize(
    ("key", "value", "code"),
    [
        ("gold", 1.0, "not_found"),
        ("meal", -0.5, "invalid_args"),
        ("meal", "x", "invalid_args"),
        ("meal", float("nan"), "invalid_args"),
        (3, 1.0, "invalid_args"),
    ],
)
def test_console_price_refusals_change_nothing(
    provider: str, key: Any, value: Any, code: str
) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=1)
    before = world.export_state()["economy"]
    result = step(world, price_cmd(key, value))
    assert result.command_results[0].code == code
    assert named(result, "price_changed") == []
    assert world.export_state()["economy"] == before


def test_prices_roundtrip_through_snapshots_and_bad_prices_are_refused(
    provider: str,
) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=1)
    step(world, price_cmd("shower_fee", 0.75))
    tree = json.loads(json.dumps(world.export_state()))
    other = build_world(provider, TINY_MAP, seed=5, lifecycle__population_target=1)
    other.import_state(tree)
    assert other.state_hash() == world.state_hash()
    bad = json.loads(json.dumps(tree))
    bad["economy"]["prices"]["meal"] = -1.0
    with pytest.raises(SnapshotError, match=r"economy\.prices\.meal: must be >= 0\.0"):
        other.import_state(bad)
    bad = json.loads(json.dumps(tree))
    del bad["economy"]["base_prices"]["meal"]
    with pytest.raises(SnapshotError, match=r"economy\.base_prices: expected the"):
        other.import_state(bad)
    bad = json.loads(json.dumps(tree))
    bad["agents"][0]["rent_missed_streak"] = -1
    with pytest.raises(SnapshotError, match=r"rent_missed_streak: must be in"):
        other.import_state(bad)
