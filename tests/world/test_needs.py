"""Needs decay with personality multipliers (world.md 5.1, contract 5 step 9)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from towns import PROFILES, TINY_MAP, build_world

MULTIPLIERS = {p["name"]: p["decay_multipliers"] for p in PROFILES}


def only_profile(name: str) -> list[list[Any]]:
    return [[p["name"], 1.0 if p["name"] == name else 0.0] for p in PROFILES]


def decayed(start: float, rate: float, multiplier: float, ticks: int) -> float:
    value = start
    for _ in range(ticks):
        value = value - (rate * multiplier) * 1.0
        value = value if value >= 0.0 else 0.0
    return value


@pytest.mark.parametrize("profile", ["balanced", "socialite", "industrious", "stoic"])
def test_needs_decay_by_rate_times_personality_multiplier(
    provider: str, profile: str
) -> None:
    world = build_world(
        provider,
        TINY_MAP,
        lifecycle__population_target=1,
        personalities__distribution=only_profile(profile),
    )
    for _ in range(5):
        world.step(np.zeros(1, dtype=np.int32), "primitive")
    agent = world.export_state()["agents"][0]
    assert agent["profile"] == profile
    mult = MULTIPLIERS[profile]
    rates = {"hunger": 0.0012, "hygiene": 0.0005, "energy": 0.0006}
    for need, rate in rates.items():
        assert agent["needs"][need] == decayed(0.8, rate, mult[need], 5)


def test_multipliers_are_ignored_when_personality_is_off(provider: str) -> None:
    world = build_world(
        provider,
        TINY_MAP,
        lifecycle__population_target=1,
        personalities__distribution=only_profile("socialite"),
        needs__apply_personality=False,
    )
    world.step(np.zeros(1, dtype=np.int32), "primitive")
    needs = world.export_state()["agents"][0]["needs"]
    assert needs["hygiene"] == 0.8 - 0.0005


def test_needs_stop_at_zero(provider: str) -> None:
    world = build_world(
        provider,
        TINY_MAP,
        lifecycle__population_target=1,
        lifecycle__mortality=False,
        agents__needs={"hunger": 0.001, "hygiene": 0.0, "energy": 0.0006},
    )
    result = world.step(np.zeros(1, dtype=np.int32), "primitive")
    needs = world.export_state()["agents"][0]["needs"]
    assert needs["hunger"] == 0.0
    assert needs["hygiene"] == 0.0
    assert result.needs_after[0, 0] == 0.0


def test_faint_counter_resets_when_hunger_recovers(provider: str) -> None:
    world = build_world(
        provider,
        TINY_MAP,
        lifecycle__population_target=1,
        agents__needs={"hunger": 0.05, "hygiene": 0.8, "energy": 0.8},
    )
    world.step(np.zeros(1, dtype=np.int32), "primitive")
    tree = world.export_state()
    assert tree["agents"][0]["hunger_low_ticks"] == 1
    tree["agents"][0]["needs"]["hunger"] = 0.5
    world.import_state(tree)
    world.step(np.zeros(1, dtype=np.int32), "primitive")
    assert world.export_state()["agents"][0]["hunger_low_ticks"] == 0


def test_step_result_reports_needs_before_and_after(provider: str) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=2)
    before = [list(a["needs"].values()) for a in world.export_state()["agents"]]
    result = world.step(np.zeros(2, dtype=np.int32), "primitive")
    after = [
        [a["needs"][n] for n in ("hunger", "hygiene", "energy")]
        for a in world.export_state()["agents"]
    ]
    assert result.needs_before.tolist() == before
    assert result.needs_after.tolist() == after
    assert result.needs_before.dtype == np.float64
    assert result.wages.tolist() == [0.0, 0.0]
