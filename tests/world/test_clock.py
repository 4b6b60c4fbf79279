"""Simulated time (world.md 1, contract 5 step 4)."""

from __future__ import annotations

import numpy as np
from towns import TINY_MAP, build_world

from townlet.world.clock import day_of, hour_of, is_day_boundary, minute_of


def test_tick_zero_is_the_start_minute_of_day_zero(provider: str) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=1)
    assert (world.tick, world.day) == (0, 0)
    view = world.view()
    assert (view.tick, view.day, view.minute) == (0, 0, 360)


def test_each_step_advances_one_minute(provider: str) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=1)
    result = world.step(np.zeros(1, dtype=np.int32), "primitive")
    assert result.tick == world.tick == 1
    assert world.view().minute == 361


def test_day_started_is_emitted_on_the_day_boundary(provider: str) -> None:
    world = build_world(
        provider,
        TINY_MAP,
        lifecycle__population_target=1,
        time__start_minute=1438,
        lifecycle__mortality=False,
        economy__rent_minute=720,
    )
    first = world.step(np.zeros(1, dtype=np.int32), "primitive")
    assert [e["name"] for e in first.events] == []
    second = world.step(np.zeros(1, dtype=np.int32), "primitive")
    assert second.events == [{"tick": 2, "seq": 0, "name": "day_started", "day": 1}]
    assert (world.tick, world.day, world.view().minute) == (2, 1, 0)


def test_clock_helpers_use_floor_division() -> None:
    assert day_of(1080) == 1
    assert minute_of(1080) == 0
    assert hour_of(0) == 6
    assert is_day_boundary(1080 + 1440)
    assert minute_of(-361) == 1439
