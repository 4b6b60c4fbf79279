"""ShopGroceries (learning.md 2.4) on both providers: buy raw food until money stops
it, carry it home, store it unit by unit; masked and failing without money."""

from __future__ import annotations

from typing import Any

from test_option_fed import started
from test_options import SHOP, me, step
from towns import build_world

from townlet.core.types import ObservationBuffers

SHOP_MAP = """townlet-map 1
size 12 8
object B bed
object F fridge
object T till
zone home_a home 0 0 4 3
grid
############
#B.F.#..T..#
#....+.....#
#....#.....#
######.....#
#..........#
#.........@#
############
"""
"""A home with bed (1, 1) and fridge (3, 1); a till at (8, 1). Indices: bed 0,
fridge 1, till 2."""

FRIDGE = 1


def town(provider: str, wallet: float) -> Any:
    world = build_world(
        provider,
        SHOP_MAP,
        lifecycle__population_target=0,
        lifecycle__mortality=False,
        personalities__distribution=[["balanced", 1.0]],
        jobs=[],
        actions={"mode": "option"},
    )
    world.apply_command(
        {
            "cmd_id": "s",
            "name": "spawn",
            "args": {
                "position": [10, 6],
                "profile": "balanced",
                "wallet": wallet,
                "items": {"raw_food": 0, "meal": 0},
            },
        }
    )
    step(world)
    return world


def shop_mask(world: Any) -> int:
    spec = world.observation_spec("compact", "option")
    buffers = ObservationBuffers.allocate(spec, len(world.agent_ids()))
    world.observe(buffers)
    return int(buffers.action_mask[0][SHOP])


def test_buys_until_money_stops_then_stores_everything(provider: str) -> None:
    world = town(provider, wallet=1.0)
    assert shop_mask(world) == 1
    events: list[dict[str, Any]] = []
    for _ in range(120):
        events += step(world, SHOP)
        if me(world)["option"]["active"] == -1:  # ended
            break
    assert me(world)["option"]["last"] == "success"
    assert started(events) == [
        "buy_raw_food", "buy_raw_food", "store_raw_food", "store_raw_food",
    ]  # fmt: skip
    a = me(world)
    assert a["wallet"] == 0.0
    assert a["items"]["raw_food"] == 0
    assert world.export_state()["objects"][FRIDGE]["stock"]["raw_food"] == 4
    assert shop_mask(world) == 0  # no money left


def test_without_money_shopping_is_masked_and_fails(provider: str) -> None:
    world = town(provider, wallet=0.0)
    assert shop_mask(world) == 0
    step(world, SHOP)
    assert me(world)["option"]["last"] == "failure"
