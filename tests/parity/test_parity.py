"""Native and Python worlds in lockstep: same hash and events every tick (arch. 5.1).

Both worlds get the same settings, seed and seeded random primitive ids (drawn with the
project's own Rng on the ``test_actions`` stream, including ids without a candidate and
ids out of range). Every tick compares ``state_hash()``, the canonical encoding of the
events and the step result's rows; on a divergence the message names the first
divergent tick and the first differing field path of the two ``export_state()`` trees.
Nobody eats in this slice, so agents faint around tick 650-700 and newcomers churn.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from towns import PERTURBATIONS, make_settings, map_text, native_built

from townlet.core.types import ObservationBuffers, RowFlags
from townlet.world import NativeWorld, PythonWorld
from townlet.world.canonical import canonical_encode
from townlet.world.rng import Rng

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not native_built(), reason="townlet._native is not built (run 'make build')"
    ),
]

SEEDS = [0, 1, 42, 20_260_101, 2**64 - 1]
TICKS = 2_000


def _busy_perturbations() -> dict[str, Any]:
    """Every spec at 24 per day, loose gates: spikes, outages and meets overlap."""
    specs = []
    for spec in copy.deepcopy(PERTURBATIONS["specs"]):
        spec.update(prob_per_day=24.0, cooldown_ticks=10, active_hours=None)
        if spec["kind"] == "arranged_meet":
            spec["pairing"] = "top_rivals"
        specs.append(spec)
    specs.append(
        specs[-1] | {"name": "random_meet", "pairing": "random", "duration": [5, 9]}
    )
    return PERTURBATIONS | {
        "max_concurrent": 3,
        "global_cooldown_ticks": 5,
        "per_agent_cooldown_ticks": 30,
        "window_ticks": 120,
        "max_events_per_window": 3,
        "specs": specs,
    }


SCENARIOS = {
    "1_agent": {"lifecycle__population_target": 1},
    "10_agents": {},
    # Short days: shifts, absences, missed rents and evictions come every few hundred
    # ticks, with perturbations at high rates on top (world.md 8, 9, 12).
    "busy_town": {
        "time__ticks_per_day": 240,
        "time__start_minute": 50,
        "economy__rent_per_day": 3.0,
        "economy__restock_minute": 100,
        "jobs": [
            {
                "id": "clerk",
                "site": "office",
                "positions": 4,
                "shift_start": 60,
                "shift_length": 120,
                "wage_per_tick": 0.01,
            },
            {
                "id": "barista",
                "site": "cafe",
                "positions": 3,
                "shift_start": 30,
                "shift_length": 90,
                "wage_per_tick": 0.02,
            },
        ],
        "employment__grace_ticks": 3,
        "employment__absent_after_ticks": 15,
        "exits__exit_cooldown_ticks": 20,
        "perturbations": _busy_perturbations(),
    },
    "100_agents_dorm": {
        "map_text": "dorm.map",
        "lifecycle__population_target": 100,
        "embedding__max_slots": 100,
    },
    "crowded_gym": {"map_text": "crowded_gym.map"},
}
CROWDED_GYM = """townlet-map 1
size 8 8
object B bed
object S shower
object V counter
object N bench
zone home_a home 0 0 1 7
zone gym gym 2 0 7 7
grid
########
#B@@@@@#
#B@@S@@#
#@@@@@@#
#@@V@@N#
#@@@@@@#
#@@@@@@#
########
"""
"""Ten agents crowding one shower, one counter and one bench: queues, handovers,
ghost steps, walk-aways, cut-ins and shared meals happen every few ticks."""


def settings_for(scenario: str) -> dict[str, Any]:
    overrides = dict(SCENARIOS[scenario])
    name = overrides.pop("map_text", None)
    if name == "crowded_gym.map":
        return make_settings(CROWDED_GYM, **overrides)
    return make_settings(map_text(str(name)) if name else None, **overrides)


QUEUE_IDS = (0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 6, 6, 6, 6, 6, 6, 6, 6)
QUEUE_IDS += (12, 12, 12, 12, 14, 14, 14, 18, 18, 15, 17, 5)


def draw_queue_actions(rng: Rng, rows: int) -> np.ndarray:
    """Ids weighted toward the affordance roles (wash, buy_meal, rest, release)."""
    ids = [QUEUE_IDS[rng.rand_index(len(QUEUE_IDS))] for _ in range(rows)]
    return np.array(ids, dtype=np.int32)


def compare_step(tick: int, a: Any, b: Any) -> None:
    """Events, step rows, needs, wages and flags of one step agree, and the flags
    agree with the events."""
    if canonical_encode(a.events) != canonical_encode(b.events):
        diff = first_difference(a.events, b.events, "events")
        raise AssertionError(f"events diverge at tick {tick}: {diff}")
    assert (a.tick, a.agent_ids, a.terminated, a.spawned) == (
        b.tick,
        b.agent_ids,
        b.terminated,
        b.spawned,
    ), f"step results diverge at tick {tick}"
    assert np.array_equal(a.needs_before, b.needs_before), f"needs_before, {tick}"
    assert np.array_equal(a.needs_after, b.needs_after), f"needs_after, {tick}"
    assert np.array_equal(a.wages, b.wages), f"wages, {tick}"
    for name in RowFlags.__dataclass_fields__:
        x, y = getattr(a.flags, name), getattr(b.flags, name)
        assert x.dtype == y.dtype, f"flags.{name} dtype, {tick}"
        assert np.array_equal(x, y), f"flags.{name}, {tick}"
    check_flags_match_events(tick, a)


def check_flags_match_events(tick: int, r: Any) -> None:
    """The flags say what the events say (one world's result)."""
    index = {agent_id: i for i, agent_id in enumerate(r.agent_ids)}
    start = np.zeros(len(index), dtype=np.int8)
    absent = np.zeros(len(index), dtype=np.bool_)
    for e in r.events:
        if e["name"] == "shift_started":
            start[index[e["agent_id"]]] = 2 if e["status"] == "late" else 1
        elif e["name"] == "shift_absent":
            absent[index[e["agent_id"]]] = True
    assert np.array_equal(r.flags.shift_start, start), f"shift_start, {tick}"
    assert np.array_equal(r.flags.shift_absent, absent), f"shift_absent, {tick}"
    codes = {"faint": 1, "eviction": 2, "killed": 3}
    terminal = np.zeros(len(index), dtype=np.int8)
    for agent_id, reason in r.terminated:
        terminal[index[agent_id]] = codes[reason]
    assert np.array_equal(r.flags.terminal, terminal), f"terminal, {tick}"
    spawned = np.isin(np.array(r.agent_ids), np.array(r.spawned, dtype=str))
    assert np.array_equal(r.flags.spawned, spawned), f"spawned, {tick}"
    assert (r.wages >= 0).all(), f"wages, {tick}"


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    """The first path where two trees differ (kinds included), or ``None``."""
    if type(a) is not type(b):
        kinds = f"{type(a).__name__} != {type(b).__name__}"
        return f"{path or '<root>'}: {a!r} != {b!r} ({kinds})"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            sub = f"{path}.{key}" if path else key
            if key not in a or key not in b:
                return f"{sub}: present only in {'python' if key in a else 'native'}"
            found = first_difference(a[key], b[key], sub)
            if found:
                return found
        return None
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        if len(a) != len(b):
            extra = a[len(b)] if len(a) > len(b) else b[len(a)]
            side = "python" if len(a) > len(b) else "native"
            return (
                f"{path}: length {len(a)} != {len(b)}; first extra ({side}): {extra!r}"
            )
        return None
    return None if a == b else f"{path or '<root>'}: {a!r} != {b!r}"


def draw_actions(rng: Rng, rows: int) -> np.ndarray:
    """Ids -3..20 (5-16 and 18 resolve where a role or engagement allows, 17 chats
    where a neighbour stands;
    <0 and >18 are out of range) and 1000."""
    ids = [rng.rand_index(25) - 3 for _ in range(rows)]
    return np.array([1000 if i == 21 else i for i in ids], dtype=np.int32)


def divergence(tick: int, what: str, py: PythonWorld, native: NativeWorld) -> str:
    where = first_difference(py.export_state(), native.export_state())
    return f"worlds diverge at tick {tick} ({what}); first differing field: {where}"


def compare_masks(tick: int, py: PythonWorld, native: NativeWorld) -> None:
    rows = len(py.agent_ids())
    spec = py.observation_spec("compact", "primitive")
    a, b = (
        ObservationBuffers.allocate(spec, rows),
        ObservationBuffers.allocate(spec, rows),
    )
    py.observe(a)
    native.observe(b)
    for name in ("action_mask", "alive", "uid", "ctx_reset"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), (
            f"observations diverge at tick {tick}: buffer {name}"
        )


def compare_views(tick: int, py: PythonWorld, native: NativeWorld) -> None:
    a, b = py.view(), native.view()
    for name in ("tick", "day", "minute", "width", "height", "rows"):
        assert getattr(a, name) == getattr(b, name), f"views diverge at {tick}: {name}"
    for name in ("agents", "objects", "events"):
        diff = first_difference(
            [dict(r) for r in getattr(a, name)],
            [dict(r) for r in getattr(b, name)],
            name,
        )
        assert diff is None, f"views diverge at tick {tick}: {diff}"


def run_lockstep(scenario: str, seed: int, ticks: int = TICKS) -> dict[str, int]:
    settings = settings_for(scenario)
    py, native = PythonWorld(settings), NativeWorld(settings)
    py.reset(seed)
    native.reset(seed)
    assert py.state_hash() == native.state_hash(), divergence(0, "reset", py, native)
    assert canonical_encode(list(py.view().events)) == canonical_encode(
        list(native.view().events)
    ), "reset events differ"
    rng = Rng.for_stream(seed, "test_actions")
    counts = {"terminated": 0, "spawned": 0, "forced": 0, "failed": 0, "chats": 0}
    draw = draw_queue_actions if scenario == "crowded_gym" else draw_actions
    for _ in range(ticks):
        actions = draw(rng, len(py.agent_ids()))
        a, b = py.step(actions, "primitive"), native.step(actions, "primitive")
        tick = a.tick
        compare_step(tick, a, b)
        if py.state_hash() != native.state_hash():
            raise AssertionError(divergence(tick, "state_hash", py, native))
        if tick % 97 == 0:
            compare_masks(tick, py, native)
            compare_views(tick, py, native)
        counts["terminated"] += len(a.terminated)
        counts["spawned"] += len(a.spawned)
        counts["forced"] += sum(e["name"] == "slot_forced_reuse" for e in a.events)
        counts["failed"] += sum(e["name"] == "action_failed" for e in a.events)
        counts["chats"] += sum(
            e["name"] in ("chat_succeeded", "chat_failed") for e in a.events
        )
        for e in a.events:
            key = e["name"]
            if key in ("queue_conflict", "reservation_granted"):
                key += ":" + e["kind" if key == "queue_conflict" else "via"]
            elif key in ("queue_left", "affordance_failed"):
                key += ":" + e["reason"]
            counts[key] = counts.get(key, 0) + 1
            if e["name"] in ECONOMY_EVENTS:
                key = e["name"]
                if key == "agent_teleported" and e["cause"] != "arranged_meet":
                    continue
                if key == "perturbation_started":
                    key = f"started_{e['kind']}"
                counts[key] = counts.get(key, 0) + 1
    return counts


ECONOMY_EVENTS = (
    "rent_paid",
    "rent_missed",
    "shift_started",
    "shift_absent",
    "shift_ended",
    "exit_pending",
    "price_changed",
    "utility_changed",
    "perturbation_started",
    "perturbation_ended",
    "agent_teleported",
)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_worlds_agree_every_tick_under_random_primitives(
    scenario: str, seed: int
) -> None:
    counts = run_lockstep(scenario, seed)
    assert counts["terminated"] > 0  # mortality churned ...
    assert counts["spawned"] > 0  # ... and newcomers arrived
    assert counts["failed"] > 0  # walls, water and borders were hit
    if scenario != "1_agent":
        assert counts["chats"] > 0  # neighbours chatted (about 200 per 2,000 ticks)
    if scenario == "100_agents_dorm":
        assert counts["forced"] > 0  # 100 slots for 100 agents: newcomers reuse
    if scenario != "1_agent":
        assert counts.get("affordance_completed", 0) > 0  # roles resolve and finish
    if scenario == "crowded_gym":
        for key in (
            "reservation_granted:handover",
            "queue_conflict:blocked",
            "queue_left:walked_away",
            "queue_left:switched",
            "affordance_failed:released",
            "shared_meal",
        ):
            assert counts.get(key, 0) > 0, key
    if scenario == "busy_town":
        seen = {k for k, v in counts.items() if v > 0}
        expected = {*ECONOMY_EVENTS} - {"perturbation_started"}
        expected |= {f"started_{k}" for k in ("price_spike", "blackout")}
        expected |= {"started_water_outage", "started_arranged_meet"}
        assert expected <= seen, sorted(expected - seen)


def test_state_moves_between_worlds_mid_run() -> None:
    settings = settings_for("10_agents")
    native, py = NativeWorld(settings), PythonWorld(settings)
    native.reset(5)
    rng = Rng.for_stream(5, "test_actions")
    for _ in range(700):
        native.step(draw_actions(rng, len(native.agent_ids())), "primitive")
    py.import_state(native.export_state())
    assert py.state_hash() == native.state_hash()
    for _ in range(300):
        actions = draw_actions(rng, len(py.agent_ids()))
        py.step(actions, "primitive")
        native.step(actions, "primitive")
        assert py.state_hash() == native.state_hash(), divergence(
            py.tick, "after import", py, native
        )
