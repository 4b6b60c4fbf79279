"""Cross-mechanic scenarios of issue 3 on one tiny town, against both providers.

Outages during activities and their refunds (world.md 7.4, 7.6, 12.4 and the
``refund_on_outage`` hook), a start failing on ``utility_down`` and on ``stock_full``,
a price spike changing what ``buy_meal`` costs (8.1) and an arranged meet relocating a
queued agent (12.4, 12.5). Agents arrive by console ``spawn`` (balanced profile, no
draw) and act through primitive ids (learning.md 2.5).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from towns import PERTURBATIONS, build_world

WAIT, COOK, STORE_RAW, BUY_MEAL, WASH = 0, 7, 11, 12, 6

TOWN = """townlet-map 1
size 12 8
object B bed
object K stove
object S shower
object V counter
object F fridge
zone home_a home 0 0 3 3
zone cafe cafe 5 0 11 3 anchor 10 3
zone gym gym 0 4 11 7
grid
############
#B.F#..K.V.#
#...+......#
#...#......#
##+####.####
#...S......#
#.........@#
############
"""
"""A home (bed (1, 1), fridge (3, 1): tiles (3, 2), (2, 1)), a cafe with a stove at
(7, 1) (tiles (8, 1), (7, 2), (6, 1)) and a counter at (9, 1) (tiles (10, 1), (9, 2),
(8, 1)), anchor (10, 3); a gym with a shower at (4, 5) (tiles (5, 5), (4, 6),
(3, 5))."""


def town(provider: str, **overrides: Any) -> Any:
    """The empty town: no residents, no mortality, no jobs, no random perturbations."""
    perturbations = dict(PERTURBATIONS, enabled=False)
    return build_world(
        provider,
        TOWN,
        lifecycle__population_target=0,
        lifecycle__mortality=False,
        personalities__distribution=[["balanced", 1.0]],
        jobs=[],
        perturbations=perturbations,
        **overrides,
    )


def cmd(name: str, cmd_id: str | None = None, **args: Any) -> dict[str, Any]:
    """A console command."""
    return {"cmd_id": cmd_id or name, "name": name, "args": args}


def spawn(
    world: Any, *spots: tuple[int, int], raw_food: int = 0, meal: int = 1
) -> None:
    """One console spawn per spot (arriving next step), wallet 5."""
    for x, y in spots:
        items = {"raw_food": raw_food, "meal": meal}
        world.apply_command(
            cmd(
                "spawn",
                f"s{x}{y}",
                position=[x, y],
                profile="balanced",
                wallet=5.0,
                items=items,
            )
        )


def act(world: Any, *ids: int) -> list[dict[str, Any]]:
    """One step with these primitive ids; the step's events."""
    return list(world.step(np.array(ids, dtype=np.int32), "primitive").events)


def named(events: list[dict[str, Any]], *names: str) -> list[dict[str, Any]]:
    """The events with one of ``names``, without ``tick`` and ``seq``."""
    return [
        {k: v for k, v in e.items() if k not in ("tick", "seq")}
        for e in events
        if e["name"] in names
    ]


def agent(world: Any, i: int) -> dict[str, Any]:
    """The exported agent of row ``i``."""
    return dict(world.export_state()["agents"][i])


def items(world: Any, i: int) -> dict[str, int]:
    """The carried items of row ``i`` as a dict."""
    return dict(agent(world, i)["items"])


def test_a_blackout_during_cooking_interrupts_and_refunds_the_food(
    provider: str,
) -> None:
    world = town(provider)
    spawn(world, (7, 2), raw_food=2)
    act(world)
    started = act(world, COOK)
    assert [e["name"] for e in named(started, "affordance_started")] == [
        "affordance_started"
    ]
    assert items(world, 0)["raw_food"] == 1  # one raw food consumed at the start
    for _ in range(5):
        act(world, WAIT)
    world.apply_command(cmd("perturbation_trigger", spec="blackout", duration=30))
    events = act(world, WAIT)
    # world.md 12.3 step 4: the effect (and its interruptions) before the start event.
    assert [e["name"] for e in events] == [
        "utility_changed",
        "affordance_failed",
        "affordance_refunded",
        "perturbation_started",
    ]
    assert named(events, "affordance_failed")[0]["reason"] == "utility_outage"
    assert named(events, "affordance_refunded") == [
        {"name": "affordance_refunded", "agent_id": "agent_0",
         "affordance_id": "cook_meal", "money": 0.0, "items": {"raw_food": 1},
         "stock": {}},
    ]  # fmt: skip
    a = agent(world, 0)
    assert items(world, 0) == {"raw_food": 2, "meal": 1}  # no meal cooked
    assert a["engagement"]["kind"] == "none"
    # While the power is down the stove is not offered: the id resolves to WAIT.
    assert act(world, COOK) == []


def test_a_water_outage_interrupts_the_shower_and_the_waiter_fails_utility_down(
    provider: str,
) -> None:
    world = town(provider)
    spawn(world, (5, 5), (4, 6))
    act(world)
    act(world, WASH, WAIT)
    act(world, WAIT, WASH)  # agent_1 queues behind the running agent_0
    shower = next(o for o in world.export_state()["objects"] if o["id"] == "shower_1")
    assert [w["uid"] for w in shower["waiters"]] == [1]
    world.apply_command(cmd("perturbation_trigger", spec="water_outage", duration=20))
    events = act(world, WAIT, WAIT)
    failed = named(events, "affordance_failed")
    assert [(e["agent_id"], e["reason"]) for e in failed] == [
        ("agent_0", "utility_outage"),
        ("agent_1", "utility_down"),  # granted the freed slot, cannot start
    ]
    refund = named(events, "affordance_refunded")
    assert [(e["agent_id"], e["money"]) for e in refund] == [("agent_0", 0.25)]
    assert agent(world, 0)["wallet"] == 5.0  # the fee came back
    assert agent(world, 1)["wallet"] == 5.0  # never charged
    assert agent(world, 1)["last_affordance"]["reason"] == 18  # utility_down
    assert [e["name"] for e in named(events, "queue_left")] == []  # queues stay
    assert agent(world, 1)["engagement"]["kind"] == "none"


def test_a_store_into_a_fridge_filled_meanwhile_fails_stock_full(
    provider: str,
) -> None:
    world = town(provider)
    spawn(world, (3, 2), (2, 1), raw_food=1)
    act(world)
    tree = world.export_state()
    fridge = next(o for o in tree["objects"] if o["id"] == "fridge_1")
    fridge["stock"] = {"raw_food": 9, "meal": 0}
    home = agent(world, 0)["home"]
    for a in tree["agents"]:
        a["home"] = home  # both live here: store_raw_food's precondition holds
    world.import_state(tree)
    act(world, STORE_RAW, STORE_RAW)  # agent_0 starts, agent_1 waits
    events = act(world, WAIT, WAIT)  # agent_0 completes (stock 10), hands over
    assert [(e["agent_id"]) for e in named(events, "affordance_completed")] == [
        "agent_0"
    ]
    failed = named(events, "affordance_failed")
    assert [(e["agent_id"], e["reason"]) for e in failed] == [("agent_1", "stock_full")]
    fridge = next(o for o in world.export_state()["objects"] if o["id"] == "fridge_1")
    assert fridge["stock"]["raw_food"] == 10
    assert items(world, 1)["raw_food"] == 1


def test_a_price_spike_changes_what_buy_meal_costs(provider: str) -> None:
    world = town(provider)
    spawn(world, (9, 2), meal=0)
    act(world)
    world.apply_command(
        cmd(
            "perturbation_trigger",
            spec="price_spike",
            duration=60,
            magnitude=1.5,
            targets=["cafe"],
        )
    )
    events = act(world, WAIT)
    changed = named(events, "price_changed")
    assert [(e["key"], e["effective"], e["cause"]) for e in changed] == [
        ("meal", 1.5, "evt_1")
    ]
    act(world, BUY_MEAL)
    assert agent(world, 0)["wallet"] == 3.5  # 5.0 - 1.0 x 1.5
    for _ in range(4):
        act(world, WAIT)
    assert items(world, 0)["meal"] == 1
    event_id = named(events, "perturbation_started")[0]["event_id"]
    world.apply_command(cmd("perturbation_cancel", event_id=event_id))
    back = act(world, WAIT)
    assert [(e["key"], e["effective"]) for e in named(back, "price_changed")] == [
        ("meal", 1.0)
    ]
    act(world, BUY_MEAL)
    assert agent(world, 0)["wallet"] == 2.5  # base price again
    for _ in range(3):
        act(world, WAIT)
    assert items(world, 0)["meal"] == 2


def test_an_arranged_meet_relocates_a_runner_and_a_waiter(provider: str) -> None:
    world = town(provider)
    spawn(world, (5, 5), (4, 6), (1, 6))
    act(world)
    act(world, WASH, WAIT, WAIT)
    act(world, WAIT, WASH, WAIT)
    world.apply_command(cmd("arrange_meet", agents=["agent_1", "agent_0"], duration=30))
    events = act(world, WAIT, WAIT, WAIT)
    assert [e["name"] for e in events][-1] == "perturbation_started"
    left = named(events, "queue_left")
    assert [(e["agent_id"], e["reason"]) for e in left] == [("agent_1", "relocated")]
    failed = named(events, "affordance_failed")
    assert [(e["agent_id"], e["reason"]) for e in failed] == [("agent_0", "relocated")]
    assert [e["money"] for e in named(events, "affordance_refunded")] == [0.25]
    moved = named(events, "agent_teleported")
    assert [(e["agent_id"], e["to"], e["cause"]) for e in moved] == [
        ("agent_0", [10, 3], "arranged_meet"),
        ("agent_1", [10, 3], "arranged_meet"),
    ]
    shower = next(o for o in world.export_state()["objects"] if o["id"] == "shower_1")
    assert shower["holders"] == shower["waiters"] == []
    rows = world.export_state()["agents"]
    assert [a["ctx_reset"] for a in rows] == [True, True, False]
    assert [a["engagement"]["kind"] for a in rows] == ["none", "none", "none"]
