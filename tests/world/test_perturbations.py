"""Perturbations in both worlds (world.md 12, 8.1 spikes, 8.4 utilities, 16)."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import numpy as np
import pytest
from towns import PERTURBATIONS, build_world

CAFE_MAP = """townlet-map 1
size 8 8
object B bed
zone home_a home 0 0 3 3
zone home_b home 4 0 7 3
zone cafe cafe 0 4 7 7 anchor 5 5
grid
########
#B....B#
#......#
#......#
#......#
#......#
#.....@#
########
"""
"""Two homes above a cafe whose anchor is (5, 5)."""

BASE = {"raw_food": 0.5, "meal": 1.0, "shower_fee": 0.25}


def pert(*specs: dict[str, Any], **top: Any) -> dict[str, Any]:
    """The default perturbations with only ``specs`` (by name, overridden), ``top``."""
    by_name = {s["name"]: s for s in PERTURBATIONS["specs"]}
    chosen = [copy.deepcopy(by_name[s["name"]]) | s for s in specs]
    return copy.deepcopy(PERTURBATIONS) | {"specs": chosen} | top


def town(provider: str, perturbations: dict[str, Any], n: int = 2, **kw: Any) -> Any:
    settings: dict[str, Any] = {
        "lifecycle__population_target": n,
        "lifecycle__mortality": False,
        "jobs": [],
        "perturbations": perturbations,
    }
    settings.update(kw)
    return build_world(provider, CAFE_MAP, **settings)


def cmd(name: str, **args: Any) -> dict[str, Any]:
    return {"cmd_id": name, "name": name, "args": args}


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


def run_until(world: Any, name: str, limit: int = 3000) -> Any:
    for _ in range(limit):
        result = step(world)
        if any(e["name"] == name for e in result.events):
            return result
    raise AssertionError(f"no {name} within {limit} ticks")


def prices(world: Any) -> dict[str, float]:
    return dict(world.export_state()["economy"]["prices"])


def test_a_manual_price_spike_raises_prices_and_reverts_when_it_ends(
    provider: str,
) -> None:
    world = town(
        provider, pert({"name": "price_spike", "duration": [10, 20]}, enabled=False)
    )
    first = step(
        world,
        cmd("perturbation_trigger", spec="price_spike", magnitude=1.5, duration=10),
    )
    assert first.command_results[0].message == "scheduled evt_1"
    changed = named(first, "price_changed")
    assert [(e["key"], e["effective"], e["cause"]) for e in changed] == [
        ("raw_food", 0.75, "evt_1"),
        ("meal", 1.5, "evt_1"),
    ]
    started = named(first, "perturbation_started")
    assert started == [
        {
            "name": "perturbation_started",
            "event_id": "evt_1",
            "spec": "price_spike",
            "kind": "price_spike",
            "start": 1,
            "ends_at": 11,
            "magnitude": 1.5,
            "targets": ["raw_food", "meal"],
        }
    ]
    assert prices(world) == {"raw_food": 0.75, "meal": 1.5, "shower_fee": 0.25}
    # A console price change under a spike: the base moves, the spike still applies.
    changed = named(step(world, cmd("price", key="meal", value=2.0)), "price_changed")
    assert [(e["base"], e["effective"], e["cause"]) for e in changed] == [
        (2.0, 3.0, "console")
    ]
    for _ in range(8):
        assert named(step(world), "perturbation_ended") == []
    end = step(world)
    assert end.tick == 11
    assert named(end, "perturbation_ended")[0]["cause"] == "expired"
    assert prices(world) == {"raw_food": 0.5, "meal": 2.0, "shower_fee": 0.25}
    spec = world.export_state()["perturbations"]["specs"][0]
    assert spec["next_allowed"] == 11 + 480


def test_random_spikes_expire_and_respect_the_spec_cooldown(provider: str) -> None:
    spec = {"name": "price_spike", "prob_per_day": 24.0, "cooldown_ticks": 300}
    world = town(
        provider,
        pert(spec, global_cooldown_ticks=0, window_ticks=0, max_events_per_window=0),
    )
    start = run_until(world, "perturbation_started")
    event = named(start, "perturbation_started")[0]
    m = event["magnitude"]
    assert 1.2 <= m <= 1.8
    assert 60 <= event["ends_at"] - event["start"] <= 120
    assert prices(world) == {
        "raw_food": 0.5 * m,
        "meal": 1.0 * m,
        "shower_fee": 0.25,
    }
    end = run_until(world, "perturbation_ended")
    assert end.tick == event["ends_at"]
    assert prices(world) == BASE
    again = run_until(world, "perturbation_started")
    assert again.tick >= end.tick + 300


def test_a_blackout_takes_power_down_and_brings_it_back(provider: str) -> None:
    world = town(
        provider, pert({"name": "blackout", "duration": [1, 60]}, enabled=False)
    )
    first = step(world, cmd("perturbation_trigger", spec="blackout", duration=5))
    down = {"utility": "power", "up": False, "event_id": "evt_1"}
    assert named(first, "utility_changed") == [{"name": "utility_changed"} | down]
    assert named(first, "perturbation_started")[0]["utility"] == "power"
    if provider == "python":
        from townlet.world.econ import utility_up

        state = world._state
        assert (utility_up(state, "power"), utility_up(state, "water")) == (False, True)
    for _ in range(4):
        step(world)
    end = step(world)
    up = down | {"up": True}
    assert named(end, "utility_changed") == [{"name": "utility_changed"} | up]


def test_gates_max_concurrent_global_cooldown_and_active_hours(provider: str) -> None:
    # Only a blackout spec, certain to fire in its hour (p = 24/60 per tick).
    spec = {
        "name": "blackout",
        "prob_per_day": 24.0,
        "cooldown_ticks": 0,
        "active_hours": [400, 460],
        "duration": [1, 200],
    }
    world = town(
        provider,
        pert(spec, max_concurrent=1, global_cooldown_ticks=30, window_ticks=0),
    )
    # A long manual blackout holds the only concurrent slot (manual bypasses).
    step(world, cmd("perturbation_trigger", spec="blackout", duration=100))
    starts = []
    for _ in range(400):
        result = step(world)
        starts += [
            (result.tick, world.view().minute)
            for _ in named(result, "perturbation_started")
        ]
    # Minute 361 is tick 1: the manual blackout runs to tick 101 (minute 461), past
    # the window [400, 460), so nothing random starts until the next day's window.
    assert starts == []
    state = world.export_state()["perturbations"]
    assert state["active"] == []


def test_window_limits_activations_per_spec(provider: str) -> None:
    spec = {
        "name": "blackout",
        "prob_per_day": 24.0,
        "cooldown_ticks": 0,
        "duration": [1, 1],
    }
    world = town(
        provider,
        pert(spec, global_cooldown_ticks=0, window_ticks=1440, max_events_per_window=2),
    )
    starts = []
    for _ in range(1000):
        result = step(world)
        starts += [result.tick for _ in named(result, "perturbation_started")]
    assert len(starts) == 2


def test_arranged_meet_pairs_top_rivals_and_cools_them_down(provider: str) -> None:
    spec = {
        "name": "arranged_meet",
        "prob_per_day": 24.0,
        "cooldown_ticks": 0,
        "active_hours": [362, 422],
        "duration": [5, 5],
    }
    world = town(provider, pert(spec, global_cooldown_ticks=0), n=3)
    rel = cmd("set_rel", agent_a="agent_0", agent_b="agent_2", rivalry=0.9)
    step(world, rel)  # minute 361: outside the active hours
    start = run_until(world, "perturbation_started")
    event = named(start, "perturbation_started")[0]
    assert (event["location"], event["participants"]) == (
        "cafe",
        ["agent_0", "agent_2"],
    )
    moved = named(start, "agent_teleported")
    assert [(e["agent_id"], e["to"], e["cause"], e["event_id"]) for e in moved] == [
        ("agent_0", [5, 5], "arranged_meet", event["event_id"]),
        ("agent_2", [5, 5], "arranged_meet", event["event_id"]),
    ]
    agents = world.export_state()["agents"]
    assert [a["ctx_reset"] for a in agents] == [True, False, True]
    end = run_until(world, "perturbation_ended")
    cooldowns = world.export_state()["perturbations"]["agent_cooldowns"]
    assert cooldowns == {"0": end.tick + 360, "2": end.tick + 360}
    # Only agent_1 is eligible now: no pair, no meet for the rest of the hour.
    for _ in range(40):
        assert named(step(world), "perturbation_started") == []


def test_manual_trigger_cancel_and_refusals(provider: str) -> None:
    world = town(provider, pert({"name": "arranged_meet"}, {"name": "blackout"}))
    result = step(
        world,
        cmd("arrange_meet", agents=["agent_0", "agent_1"], starts_in=5, duration=30),
        cmd("perturbation_trigger", spec="blackout", starts_in=3),
        cmd("perturbation_cancel", event_id="evt_2"),
        cmd("perturbation_trigger", spec="nope"),
        cmd("arrange_meet", agents=["agent_0", "agent_0"]),
        cmd("arrange_meet", agents=["agent_0", "agent_9"]),
        cmd("arrange_meet", agents=["agent_0", "agent_1"], location="moon"),
        cmd("perturbation_trigger", spec="blackout", targets=["meal"]),
        cmd("perturbation_trigger", spec="arranged_meet"),
        cmd("perturbation_trigger", spec="blackout", duration=5000),
        cmd("perturbation_cancel", event_id="evt_99"),
    )
    assert [(r.ok, r.code) for r in result.command_results] == [
        (True, None),
        (True, None),
        (True, None),
        (False, "not_found"),
        (False, "invalid_args"),
        (False, "not_found"),
        (False, "not_found"),
        (False, "invalid_args"),
        (False, "invalid_args"),
        (False, "invalid_args"),
        (False, "not_found"),
    ]
    assert named(result, "perturbation_ended") == [
        {
            "name": "perturbation_ended",
            "event_id": "evt_2",
            "spec": "blackout",
            "kind": "blackout",
            "cause": "cancelled",
        }
    ]
    # agent_1 dies before the meet starts (tick 6): it is cancelled, not started.
    step(world, cmd("kill", agent_id="agent_1"))
    for _ in range(3):
        assert step(world).tick < 6
    result = step(world)
    assert named(result, "agent_teleported") == []
    ended = [
        (e["event_id"], e["cause"])
        for e in named(result, "perturbation_started", "perturbation_ended")
        if e["event_id"] == "evt_1"
    ]
    assert ended == [("evt_1", "cancelled")]
    assert world.export_state()["perturbations"]["pending"] == []


@pytest.mark.parametrize("seed", [1, 2])
def test_snapshots_roundtrip_with_active_and_pending_events(
    provider: str, seed: int
) -> None:
    world = town(provider, pert({"name": "price_spike"}, {"name": "arranged_meet"}))
    step(
        world,
        cmd("perturbation_trigger", spec="price_spike"),
        cmd("arrange_meet", agents=["agent_0", "agent_1"], starts_in=50),
    )
    tree = world.export_state()
    assert len(tree["perturbations"]["active"]) == 1
    assert len(tree["perturbations"]["pending"]) == 1
    other = town(provider, pert({"name": "price_spike"}, {"name": "arranged_meet"}))
    other.import_state(tree)
    assert other.state_hash() == world.state_hash()
    for _ in range(60):
        a, b = step(world), step(other)
        assert a.events == b.events
    assert other.state_hash() == world.state_hash()


def test_global_cooldown_spaces_activations_of_different_specs(provider: str) -> None:
    specs = [
        {"name": n, "prob_per_day": 24.0, "cooldown_ticks": 0, "duration": [1, 1]}
        for n in ("blackout", "water_outage")
    ]
    world = town(
        provider,
        pert(*specs, global_cooldown_ticks=50, window_ticks=0, max_concurrent=2),
    )
    starts = []
    for _ in range(600):
        result = step(world)
        starts += [result.tick for _ in named(result, "perturbation_started")]
    assert len(starts) >= 3
    assert all(b - a >= 50 for a, b in itertools.pairwise(starts))


def test_random_pairing_draws_two_distinct_eligible_agents(provider: str) -> None:
    spec = {
        "name": "arranged_meet",
        "prob_per_day": 24.0,
        "cooldown_ticks": 0,
        "active_hours": [362, 422],
        "duration": [5, 5],
        "pairing": "random",
    }
    world = town(provider, pert(spec, global_cooldown_ticks=0), n=4)
    start = run_until(world, "perturbation_started")
    event = named(start, "perturbation_started")[0]
    pair = event["participants"]
    assert len(set(pair)) == 2
    assert pair == sorted(pair)
    moved = [e["agent_id"] for e in named(start, "agent_teleported")]
    assert moved == pair
    assert all(e["to"] == [5, 5] for e in named(start, "agent_teleported"))


def test_agents_inside_their_shift_are_not_picked_for_meets(provider: str) -> None:
    spec = {
        "name": "arranged_meet",
        "prob_per_day": 24.0,
        "cooldown_ticks": 0,
        "active_hours": [362, 422],
        "duration": [5, 5],
    }
    job = {
        "id": "clerk",
        "site": "cafe",
        "positions": 1,
        "shift_start": 300,
        "shift_length": 200,
        "wage_per_tick": 0.01,
    }
    # agent_0 is a clerk on shift; only agent_1 and agent_2 can meet.
    world = town(provider, pert(spec, global_cooldown_ticks=0), n=3, jobs=[job])
    start = run_until(world, "perturbation_started")
    event = named(start, "perturbation_started")[0]
    assert event["participants"] == ["agent_1", "agent_2"]
