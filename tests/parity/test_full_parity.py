"""Scale-up parity: every mechanic on, both worlds compared every tick (arch. 5.1).

The default manifest and jobs, rent, restock, perturbations at high rates (spikes,
outages, arranged meets with both pairings), ties and chat (console ``set_rel`` plus
random chats), mortality and newcomers. Each tick both worlds observe all three
variants; the actions are random primitive ids drawn from the observed action mask
(mostly allowed ids, some masked or out of range). Every tick compares
``state_hash()``, the canonical events, the step rows and the observations (bitwise,
``time_sin``/``time_cos`` within 1e-6).

The CI run is a subset (``CI_MATRIX``); ``TOWNLET_PARITY_FULL=1`` (``make parity``)
runs the issue's full matrix: 10 seeds x 3 simulated days x {10, 60} agents, in both
action modes (primitive ids and options drawn from the mask). A new
action mode joins with one entry in ``DRAWS``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from test_observe_parity import compare, observe_both, relate
from test_parity import _busy_perturbations, compare_step, divergence
from towns import make_settings, map_text, native_built

from townlet.world import NativeWorld, PythonWorld
from townlet.world.rng import Rng

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not native_built(), reason="townlet._native is not built (run 'make build')"
    ),
]

DAY = 1440
SEEDS = [0, 1, 2, 3, 7, 42, 99, 1234, 20_260_101, 2**64 - 1]
FULL = os.environ.get("TOWNLET_PARITY_FULL", "") not in ("", "0")
FULL_MATRIX = [(a, s, 3) for a in (10, 60) for s in SEEDS]
CI_MATRIX = [(10, s, 1) for s in SEEDS] + [(60, s, 3) for s in SEEDS[:2]]
"""(agents, seed, days); the CI subset keeps the whole suite well under 40 minutes."""


def full_settings(agents: int) -> dict[str, Any]:
    """Every mechanic on; 60 agents live in ``town64.map`` (64 beds, 50 jobs)."""
    text = None if agents <= 10 else map_text("town64.map")
    settings = make_settings(
        text,
        lifecycle__population_target=agents,
        economy__rent_per_day=3.0,
        employment__absent_after_ticks=30,
        exits__exit_cooldown_ticks=30,
        perturbations=_busy_perturbations(),
    )
    for job in settings["jobs"]:  # 10 positions; 50 in the big town
        job["positions"] *= 1 if agents <= 10 else 5
    return settings


def draw_primitive(rng: Rng, mask: np.ndarray) -> np.ndarray:
    """Per row: 7 in 8 an allowed id (uniform), else any id in -3..21 or 1000."""
    out = np.empty(mask.shape[0], dtype=np.int32)
    for row in range(mask.shape[0]):
        allowed = np.flatnonzero(mask[row])
        if len(allowed) and rng.rand_index(8) != 0:
            out[row] = int(allowed[rng.rand_index(len(allowed))])
        else:
            pick = rng.rand_index(26) - 3
            out[row] = 1000 if pick == 22 else pick
    return out


def draw_option(rng: Rng, mask: np.ndarray) -> np.ndarray:
    """Per row: 15 in 16 an allowed option (uniform; the commitment lock makes the
    active option the only allowed one), else any id in -2..9."""
    out = np.empty(mask.shape[0], dtype=np.int32)
    for row in range(mask.shape[0]):
        allowed = np.flatnonzero(mask[row])
        if len(allowed) and rng.rand_index(16) != 0:
            out[row] = int(allowed[rng.rand_index(len(allowed))])
        else:
            out[row] = rng.rand_index(12) - 2
    return out


DRAWS: dict[str, Callable[[Rng, np.ndarray], np.ndarray]] = {
    "primitive": draw_primitive,
    "option": draw_option,
}
"""Action mode -> draw from the compact observation's mask."""


def run_full(agents: int, seed: int, days: int, mode: str) -> dict[str, int]:
    """Drive both worlds ``days`` simulated days; returns event counts by name."""
    settings = full_settings(agents)
    settings["actions"] = {"mode": mode}
    py, native = PythonWorld(settings), NativeWorld(settings)
    py.reset(seed)
    native.reset(seed)
    assert py.state_hash() == native.state_hash(), divergence(0, "reset", py, native)
    rng = Rng.for_stream(seed, "test_actions")
    counts: dict[str, int] = {}
    for t in range(days * DAY):
        mask = None
        for variant in ("compact", "hybrid", "full"):
            a, b = observe_both(py, native, variant, extra_rows=0, mode=mode)
            compare(py.tick, variant, a, b)
            mask = a.action_mask if mask is None else mask
        assert mask is not None
        ids = py.agent_ids()
        if t % 40 == 0 and len(ids) > 1:
            for world in (py, native):
                relate(Rng.for_stream(seed + t, "test_relations"), world, ids, t)
        actions = DRAWS[mode](rng, mask)
        ra, rb = py.step(actions, mode), native.step(actions, mode)  # type: ignore[arg-type]
        compare_step(ra.tick, ra, rb)
        if py.state_hash() != native.state_hash():
            raise AssertionError(divergence(ra.tick, "state_hash", py, native))
        for e in ra.events:
            key = e["name"]
            if key == "perturbation_started":
                key += ":" + e["kind"]
            counts[key] = counts.get(key, 0) + 1
    return counts


CI_OPTION_MATRIX = [(10, s, 1) for s in SEEDS[:5]] + [(60, SEEDS[0], 3)]
"""Option mode in CI: half the seeds (the controllers add Python time per agent)."""
CASES = [
    (mode, *case)
    for mode in DRAWS
    for case in (
        FULL_MATRIX if FULL else CI_OPTION_MATRIX if mode == "option" else CI_MATRIX
    )
]


@pytest.mark.parametrize(("mode", "agents", "seed", "days"), CASES)
def test_worlds_agree_with_every_mechanic_on(
    mode: str, agents: int, seed: int, days: int
) -> None:
    counts = run_full(agents, seed, days, mode)
    seen = {k for k, v in counts.items() if v > 0}
    expected = {
        "action_failed",
        "affordance_completed",
        "perturbation_started:price_spike",
        "rent_paid",
    }
    if mode == "primitive":  # random options may keep a worker away from every shift
        expected.add("shift_started")
    if days >= 3:
        expected |= {
            "perturbation_started:blackout",
            "perturbation_started:water_outage",
            "perturbation_started:arranged_meet",
            "chat_succeeded",
            "rent_missed",
            "shift_absent",
            "stock_restocked",
            "agent_terminated",
            "agent_spawned",
        }
    assert expected <= seen, sorted(expected - seen)
