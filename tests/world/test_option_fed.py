"""GetFed (learning.md 2.4, "GetFed, pinned", "Packed lunch, pinned") on both
providers: each source reaches its success, the estimate picks the cheapest source,
and an infeasible GetFed is masked and fails."""

from __future__ import annotations

from typing import Any

import pytest
from test_options import GET_FED, me, step
from towns import build_world

from townlet.core.types import ObservationBuffers

FOOD = """townlet-map 1
size 12 8
object B bed
object F fridge
object K stove
object V counter
zone home_a home 0 0 4 3
zone diner cafe 6 0 11 3
grid
############
#B.F.#..V..#
#....+.....#
#.K..#.....#
######.....#
#..........#
#.........@#
############
"""
"""A home with bed (1, 1), fridge (3, 1) and stove (2, 3); a cafe with a counter at
(8, 1). Object indices: bed 0, fridge 1, stove 2, counter 3."""

FRIDGE = 1


def town(provider: str, **overrides: Any) -> Any:
    settings: dict[str, Any] = {
        "lifecycle__population_target": 0,
        "lifecycle__mortality": False,
        "personalities__distribution": [["balanced", 1.0]],
        "jobs": [],
        "actions": {"mode": "option"},
    }
    settings.update(overrides)
    return build_world(provider, FOOD, **settings)


def spawn(
    world: Any,
    x: int,
    y: int,
    wallet: float = 5.0,
    meal: int = 0,
    raw: int = 0,
    hunger: float = 0.5,
    fridge: tuple[int, int] = (2, 0),
) -> None:
    """Spawn agent_0 at ``(x, y)`` with these items, hunger and fridge stock
    ``(raw_food, meal)``."""
    world.apply_command(
        {
            "cmd_id": "s",
            "name": "spawn",
            "args": {
                "position": [x, y],
                "profile": "balanced",
                "wallet": wallet,
                "items": {"raw_food": raw, "meal": meal},
            },
        }
    )
    step(world)
    tree = world.export_state()
    tree["agents"][0]["needs"]["hunger"] = hunger
    tree["objects"][FRIDGE]["stock"] = {"raw_food": fridge[0], "meal": fridge[1]}
    world.import_state(tree)


def fed_mask(world: Any) -> int:
    spec = world.observation_spec("compact", "option")
    buffers = ObservationBuffers.allocate(spec, len(world.agent_ids()))
    world.observe(buffers)
    return int(buffers.action_mask[0][GET_FED])


def run_fed(world: Any, ticks: int = 200) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for _ in range(ticks):
        events += step(world, GET_FED)
        if me(world)["option"]["active"] == -1:  # ended
            break
    return events


def started(events: list[dict[str, Any]]) -> list[str]:
    return [e["affordance_id"] for e in events if e["name"] == "affordance_started"]


def test_carried_meal_is_eaten_in_place(provider: str) -> None:
    world = town(provider)
    spawn(world, 10, 6, meal=1)
    assert fed_mask(world) == 1
    events = run_fed(world)
    assert me(world)["option"]["last"] == "success"
    assert started(events) == ["eat_meal"]
    assert me(world)["position"] == [10, 6]
    assert me(world)["items"]["meal"] == 0


def test_fridge_meal_beats_cooking(provider: str) -> None:
    world = town(provider)
    spawn(world, 2, 2, fridge=(2, 1))
    events = run_fed(world)
    assert me(world)["option"]["last"] == "success"
    assert started(events) == ["take_meal", "eat_meal"]


def test_cook_takes_raw_food_cooks_and_eats(provider: str) -> None:
    world = town(provider)
    spawn(world, 2, 2, wallet=0.0, fridge=(2, 0))
    events = run_fed(world)
    assert me(world)["option"]["last"] == "success"
    assert started(events) == ["take_raw_food", "cook_meal", "eat_meal"]
    assert world.export_state()["objects"][FRIDGE]["stock"]["raw_food"] == 1


def test_cafe_buys_a_meal_when_home_has_no_food(provider: str) -> None:
    world = town(provider)
    spawn(world, 10, 6, wallet=5.0, fridge=(0, 0))
    events = run_fed(world)
    assert me(world)["option"]["last"] == "success"
    assert started(events) == ["buy_meal", "eat_meal"]
    assert me(world)["wallet"] == pytest.approx(4.0)


def test_no_source_masks_get_fed_and_choosing_it_fails(provider: str) -> None:
    world = town(provider)
    spawn(world, 10, 6, wallet=0.0, fridge=(0, 0))
    assert fed_mask(world) == 0
    step(world, GET_FED)
    assert me(world)["option"]["last"] == "failure"


def test_raw_food_is_eaten_only_below_critical_need(provider: str) -> None:
    world = town(provider)
    spawn(world, 10, 6, wallet=0.0, raw=1, fridge=(0, 0), hunger=0.5)
    # Carried raw food can still be cooked at home (cook source).
    events = run_fed(world)
    assert started(events)[:1] == ["cook_meal"]
    world = town(provider)
    spawn(world, 10, 6, wallet=0.0, raw=1, fridge=(0, 0), hunger=0.1)
    events = run_fed(world)
    assert me(world)["option"]["last"] == "success"
    assert started(events) == ["eat_raw_food"]


def test_packed_lunch_cooks_twice_and_keeps_one_meal(provider: str) -> None:
    # Tick 0 is minute 360; the job starts at 540, within 180 ticks of the cook.
    job = {
        "id": "clerk",
        "site": "diner",
        "positions": 1,
        "shift_start": 540,
        "shift_length": 120,
        "wage_per_tick": 0.01,
    }
    world = town(provider, jobs=[job])
    spawn(world, 2, 2, wallet=0.0, fridge=(2, 0))
    events = run_fed(world, 400)
    assert me(world)["option"]["last"] == "success"
    assert started(events) == [
        "take_raw_food", "cook_meal", "take_raw_food", "cook_meal", "eat_meal",
    ]  # fmt: skip
    assert me(world)["items"]["meal"] == 1
