"""Scripted-policy parity: both worlds driven by the scripted policy stay equal.

The default town (10 residents, perturbations on) is observed in option mode in
both worlds every tick; observations and masks must agree (time_sin/time_cos within
1e-6), the scripted policy must choose the same options from either observation,
and after the step the events and ``state_hash()`` must be equal. The short drive
(one working day) is in the CI subset; two full days on more seeds are ``slow``.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_observe_parity import compare
from test_parity import divergence, first_difference
from towns import native_built

from townlet.config import load_config, world_settings
from townlet.core.types import ObservationBatch, ObservationBuffers
from townlet.policy.scripted import ScriptedPolicy
from townlet.world import NativeWorld, PythonWorld
from townlet.world.canonical import canonical_encode

pytestmark = pytest.mark.skipif(
    not native_built(), reason="townlet._native is not built (run 'make build')"
)


def drive(seed: int, ticks: int) -> dict[int, int]:
    """Run both worlds ``ticks`` ticks; return how often each option was chosen."""
    cfg = load_config()
    settings = world_settings(cfg)
    py, native = PythonWorld(settings), NativeWorld(settings)
    py.reset(seed)
    native.reset(seed)
    spec = py.observation_spec("compact", "option")
    policy = ScriptedPolicy.from_config(cfg)
    policy.on_episode_start(spec, py.agent_ids())
    chosen: dict[int, int] = {}
    for _ in range(ticks):
        ids = py.agent_ids()
        a, b = (ObservationBuffers.allocate(spec, len(ids)) for _ in range(2))
        py.observe(a)
        native.observe(b)
        compare(py.tick, "compact", a, b)
        act_a = policy.decide(ObservationBatch(py.tick, ids, a, spec))
        act_b = policy.decide(ObservationBatch(native.tick, ids, b, spec))
        assert np.array_equal(act_a, act_b), f"decisions diverge at tick {py.tick}"
        for action in act_a.tolist():
            chosen[action] = chosen.get(action, 0) + 1
        ra, rb = py.step(act_a, "option"), native.step(act_b, "option")
        if canonical_encode(ra.events) != canonical_encode(rb.events):
            diff = first_difference(ra.events, rb.events, "events")
            raise AssertionError(f"events diverge at tick {ra.tick}: {diff}")
        if py.state_hash() != native.state_hash():
            raise AssertionError(divergence(ra.tick, "state_hash", py, native))
        assert ra.agent_ids == rb.agent_ids
        assert np.array_equal(ra.needs_after, rb.needs_after)
    return chosen


def test_scripted_drive_one_working_day() -> None:
    chosen = drive(0, 720)  # 06:00 to 18:00: breakfast, shower, work, lunch
    assert {1, 2, 4} <= set(chosen), chosen  # GetFed, GetClean, Work


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_scripted_drive_two_days(seed: int) -> None:
    chosen = drive(seed, 2 * 1440)
    assert {1, 2, 3, 4, 5} <= set(chosen), chosen
