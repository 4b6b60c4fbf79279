"""Console commands in lockstep: both worlds apply the same random stream identically.

A seeded stream (the project's Rng on the ``test_console`` stream) mixes valid and
invalid console commands (world.md 16, docs/world-state.md 9) into random-action runs;
every tick compares ``state_hash()``, the events and the command results.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from towns import TINY_MAP, make_settings, native_built

from townlet.core.types import ObservationBuffers
from townlet.world import NativeWorld, PythonWorld
from townlet.world.canonical import canonical_encode
from townlet.world.rng import Rng

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not native_built(), reason="townlet._native is not built (run 'make build')"
    ),
]

NAMES = [
    "spawn",
    "teleport",
    "setneed",
    "kill",
    "toggle_mortality",
    "set_spawn_delay",
    "set_population_target",
    "price",
    "possess",
    "set_rel",
    "set_rel",
    "set_rel",
    "force_chat",
    "force_chat",
    "force_chat",
]
NUMBERS: list[Any] = [0, 1, -1, 0.5, 1.5, -0.25, 2, 7.25, math.nan, math.inf, True, "x"]
TIE_VALUES: list[Any] = [0, 1, 0.5, -0.5, 0.015, -0.0, 0.3, 1.5, -1.25, math.nan]
NEED_KEYS = ["hunger", "hygiene", "energy", "joy"]
PRICE_KEYS: list[Any] = ["meal", "raw_food", "shower_fee", "gold", 3]
PRICE_VALUES: list[Any] = [*NUMBERS, 0.0, -0.0, 0.1, 1e-300]


def masks(world: Any) -> Any:
    spec = world.observation_spec("compact", "primitive")
    buffers = ObservationBuffers.allocate(spec, len(world.agent_ids()))
    world.observe(buffers)
    return buffers.action_mask


def avoided_neighbours(world: Any) -> int:
    """Pairs where an alive agent avoids (rivalry >= 0.7) an alive neighbour."""
    agents = {a["uid"]: a for a in world.export_state()["agents"] if a["alive"]}
    n = 0
    for a in agents.values():
        for tie in a["ties"]:
            b = agents.get(tie["other"])
            if b is None or tie["rivalry"] < 0.7:
                continue
            (ax, ay), (bx, by) = a["position"], b["position"]
            n += max(abs(ax - bx), abs(ay - by)) <= 1
    return n


def pick(rng: Rng, options: list[Any]) -> Any:
    return options[rng.rand_index(len(options))]


def draw_position(rng: Rng) -> Any:
    return pick(
        rng,
        [
            [rng.rand_index(50) - 1, rng.rand_index(50) - 1],
            [rng.rand_index(48), rng.rand_index(48)],
            [1.0, 2],
            [3],
        ],
    )


def draw_command(rng: Rng, ids: list[str], n: int) -> dict[str, Any]:
    """One console command; about half are invalid in some way."""
    name = pick(rng, NAMES)
    agent_id = pick(rng, [*ids, "agent_999", 5]) if ids else "agent_0"
    other_id = pick(rng, [*ids, *ids, "agent_999"]) if ids else "agent_1"
    needs = {
        pick(rng, NEED_KEYS): pick(rng, NUMBERS) for _ in range(rng.rand_index(3) + 1)
    }
    args: dict[str, Any] = {
        "spawn": {
            k: v
            for k, v in {
                "position": draw_position(rng),
                "profile": pick(rng, ["balanced", "nobody", None]),
                "needs": needs,
                "wallet": pick(rng, NUMBERS),
                "items": {pick(rng, ["meal", "raw_food", "gold"]): rng.rand_index(4)},
            }.items()
            if rng.rand_index(2) == 0 and v is not None
        },
        "teleport": {"agent_id": agent_id, "position": draw_position(rng)},
        "setneed": {"agent_id": agent_id, "needs": needs},
        "kill": {"agent_id": agent_id, "reason": pick(rng, ["operator", "test", 3])},
        "toggle_mortality": {"enabled": pick(rng, [True, False, 1])},
        "set_spawn_delay": {"min": rng.rand_index(30) - 2, "max": rng.rand_index(40)},
        "set_population_target": {"n": rng.rand_index(14) - 1},
        # No draws here (the sequence of the other commands stays as it was).
        "price": {
            "key": PRICE_KEYS[n % len(PRICE_KEYS)],
            "value": PRICE_VALUES[(n // 3) % len(PRICE_VALUES)],
        },
        "possess": {"agent_id": agent_id, "action": ("acquire", "release")[n % 2]},
        "set_rel": {
            "agent_a": agent_id,
            "agent_b": other_id,
            **{
                key: pick(rng, TIE_VALUES)
                for key in ("trust", "familiarity", "rivalry")
                if rng.rand_index(2) == 0
            },
        },
        "force_chat": {
            "speaker": agent_id,
            "listener": other_id,
            **({"quality": pick(rng, TIE_VALUES)} if rng.rand_index(2) == 0 else {}),
        },
    }[name]
    if rng.rand_index(10) == 0:
        args["bogus"] = 1
    return {"cmd_id": f"c{n}", "name": name, "args": args}


@pytest.mark.parametrize("crowded", [False, True], ids=["default", "crowded"])
@pytest.mark.parametrize("seed", [0, 7, 2**64 - 1])
def test_worlds_agree_under_random_console_commands(seed: int, crowded: bool) -> None:
    # Crowded: ten agents in the 6x6 room of the tiny map, so neighbours (and rivals
    # made by set_rel) meet often and chats and avoided targets are common.
    room = {"lifecycle__population_target": 10} if crowded else {}
    settings = make_settings(
        TINY_MAP if crowded else None, embedding__max_slots=14, **room
    )
    py, native = PythonWorld(settings), NativeWorld(settings)
    py.reset(seed)
    native.reset(seed)
    actions_rng = Rng.for_stream(seed, "test_actions")
    console_rng = Rng.for_stream(seed, "test_console")
    applied = 0
    ok = 0
    seen: set[str] = set()
    avoided = 0
    for tick in range(1, 801):
        ids = py.agent_ids()
        for _ in range(console_rng.rand_index(4)):
            command = draw_command(console_rng, ids, applied)
            applied += 1
            py.apply_command(command)
            native.apply_command(command)
        actions = np.array(
            [actions_rng.rand_index(24) - 3 for _ in ids], dtype=np.int64
        )
        a, b = py.step(actions, "primitive"), native.step(actions, "primitive")
        assert a.command_results == b.command_results, f"results differ at {tick}"
        assert canonical_encode(a.events) == canonical_encode(b.events), tick
        assert py.state_hash() == native.state_hash(), f"state differs at {tick}"
        assert (a.agent_ids, a.terminated, a.spawned) == (
            b.agent_ids,
            b.terminated,
            b.spawned,
        )
        assert np.array_equal(masks(py), masks(native)), f"masks differ at {tick}"
        ok += sum(r.ok for r in a.command_results)
        seen.update(e["name"] for e in a.events)
        avoided += avoided_neighbours(py)
    assert 0 < ok < applied
    assert {"relationship_set", "relationship_event", "tie_evicted"} <= seen
    assert {"chat_succeeded", "chat_failed"} <= seen  # drawn chats happened
    if crowded and seed == 7:
        # Seed 7 makes rivals (rivalry >= avoid_threshold) stand next to each other
        # on 44 agent-ticks, so avoided targets (D16) are part of the lockstep run;
        # seed 0 draws no such rivalry at all.
        assert avoided > 0


ECON_NAMES = [
    "price",
    "exit_approve",
    "exit_defer",
    "set_exit_cap",
    "perturbation_trigger",
    "perturbation_trigger",
    "arrange_meet",
    "arrange_meet",
    "perturbation_cancel",
    "kill",
]
SPECS: list[Any] = ["price_spike", "blackout", "water_outage", "arranged_meet", "x"]
TARGETS: list[Any] = [["cafe"], ["meal", "market"], [], ["gold"], "meal", [3]]


def draw_econ_command(rng: Rng, ids: list[str], n: int) -> dict[str, Any]:
    """One economy, exit or perturbation command; many are invalid on purpose."""
    name = pick(rng, ECON_NAMES)
    agent_id = pick(rng, [*ids, "agent_999"]) if ids else "agent_0"
    some = [pick(rng, [*ids, *ids, "agent_999"]) for _ in range(rng.rand_index(4))]
    optional: dict[str, Any] = {
        "starts_in": pick(rng, [0, 0, 3, 40, -1, 20_000]),
        "duration": pick(rng, [1, 20, 45, 60, 90, 2_000]),
        "magnitude": pick(rng, [1.0, 1.2, 1.5, 1.8, 2.5, 0.5]),
        "targets": pick(rng, TARGETS),
        "participants": some if ids else ["agent_0", "agent_1"],
        "location": pick(rng, ["cafe", "park", "moon"]),
    }
    keep = {k: v for k, v in optional.items() if rng.rand_index(3) == 0}
    args: dict[str, Any] = {
        "price": {
            "key": pick(rng, ["meal", "raw_food", "gold"]),
            "value": pick(rng, NUMBERS),
        },
        "exit_approve": {"agent_id": agent_id},
        "exit_defer": {"agent_id": agent_id},
        "set_exit_cap": {"daily_exit_cap": rng.rand_index(4) - 1},
        "perturbation_trigger": {"spec": pick(rng, SPECS)}
        | {k: v for k, v in keep.items() if k != "location"},
        "arrange_meet": {"agents": some}
        | {k: v for k, v in keep.items() if k in ("starts_in", "duration", "location")},
        "perturbation_cancel": {"event_id": f"evt_{rng.rand_index(n // 3 + 2)}"},
        "kill": {"agent_id": agent_id},
    }[name]
    return {"cmd_id": f"e{n}", "name": name, "args": args}


@pytest.mark.parametrize("seed", [3, 11])
def test_worlds_agree_under_random_economy_commands(seed: int) -> None:
    settings = make_settings(
        None,
        embedding__max_slots=14,
        exits__rent_missed_limit=1,
        economy__rent_per_day=4.0,
        employment__absent_after_ticks=5,
        time__start_minute=1380,
    )
    py, native = PythonWorld(settings), NativeWorld(settings)
    py.reset(seed)
    native.reset(seed)
    actions_rng = Rng.for_stream(seed, "test_actions")
    console_rng = Rng.for_stream(seed, "test_econ_console")
    applied = ok = 0
    seen: set[str] = set()
    for tick in range(1, 1201):
        ids = py.agent_ids()
        for _ in range(console_rng.rand_index(3)):
            command = draw_econ_command(console_rng, ids, applied)
            applied += 1
            py.apply_command(command)
            native.apply_command(command)
        actions = np.array(
            [actions_rng.rand_index(24) - 3 for _ in ids], dtype=np.int64
        )
        a, b = py.step(actions, "primitive"), native.step(actions, "primitive")
        assert a.command_results == b.command_results, f"results differ at {tick}"
        assert canonical_encode(a.events) == canonical_encode(b.events), tick
        assert py.state_hash() == native.state_hash(), f"state differs at {tick}"
        ok += sum(r.ok for r in a.command_results)
        seen.update(e["name"] for e in a.events)
    assert 0 < ok < applied
    expected = {
        "price_changed",
        "perturbation_started",
        "perturbation_ended",
        "utility_changed",
        "exit_pending",
        "exit_reprieved",
        "agent_teleported",
        "world_setting_changed",
    }
    assert expected <= seen, sorted(expected - seen)
