"""Each reward component on a hand-built tick (learning.md 3.1), values by hand."""

from __future__ import annotations

import numpy as np
import pytest
from scenes import agent, engine, tick

from townlet.core.types import REWARD_COMPONENTS

COL = {name: k for k, name in enumerate(REWARD_COMPONENTS)}


def comp(out: object, row: int, name: str) -> float:
    """One f32 component as a float."""
    return float(out.components[row, COL[name]])  # type: ignore[attr-defined]


def test_names_are_the_twelve_of_the_spec() -> None:
    assert REWARD_COMPONENTS == (
        "survival", "homeostasis", "shaping", "wage", "punctuality", "lateness",
        "chat", "chat_fail", "avoid", "guard_adj", "clip_adj", "terminal",
    )  # fmt: skip


def test_survival_homeostasis_and_shaping_by_hand() -> None:
    result, tree = tick(
        [agent(0), agent(1)],
        before=[[0.6, 0.9, 0.8], [1.0, 1.0, 1.0]],
        after=[[0.5, 0.9, 0.8], [1.0, 1.0, 1.0]],
    )
    out = engine().step(result, tree)
    assert comp(out, 0, "survival") == np.float32(0.002)
    # -0.01 * (1.0*0.25 + 0.6*0.01 + 0.8*0.04) = -0.00288
    assert comp(out, 0, "homeostasis") == pytest.approx(-0.00288, abs=1e-9)
    phi_before = -0.1 * (1.0 * 0.4 + 0.6 * 0.1 + 0.8 * 0.2)
    phi_after = -0.1 * (1.0 * 0.5 + 0.6 * 0.1 + 0.8 * 0.2)
    assert comp(out, 0, "shaping") == np.float32(0.995 * phi_after - phi_before)
    assert comp(out, 1, "homeostasis") == 0.0
    assert comp(out, 1, "shaping") == 0.0
    assert comp(out, 1, "survival") == np.float32(0.002)


def test_shaping_off_gives_zero() -> None:
    result, tree = tick([agent(0)], before=[[0.6, 1, 1]], after=[[0.5, 1, 1]])
    out = engine(shaping=False, shaping_gamma=0.9).step(result, tree)
    assert comp(out, 0, "shaping") == 0.0


def test_shaping_uses_zero_potential_on_the_terminating_tick() -> None:
    result, tree = tick(
        [agent(0)],
        before=[[0.05, 0.5, 0.5]],
        after=[[0.04, 0.5, 0.5]],
        terminated=[("agent_0", "faint")],
    )
    out = engine().step(result, tree)
    phi_before = -0.1 * (1.0 * 0.95 + 0.6 * 0.5 + 0.8 * 0.5)
    assert comp(out, 0, "shaping") == np.float32(0.0 - phi_before)
    assert comp(out, 0, "terminal") == -1.0


@pytest.mark.parametrize(
    ("reason", "value"), [("faint", -1.0), ("eviction", -2.0), ("killed", 0.0)]
)
def test_terminal_by_reason(reason: str, value: float) -> None:
    result, tree = tick([agent(0)], terminated=[("agent_0", reason)])
    out = engine().step(result, tree)
    assert comp(out, 0, "terminal") == value
    assert float(out.total[0]) == np.float32(value)  # guarded: positives zeroed


def test_spawn_tick_gives_zero_for_every_component() -> None:
    result, tree = tick(
        [agent(0)],
        before=[[0.2, 0.2, 0.2]],
        after=[[0.1, 0.2, 0.2]],
        events=[{"name": "shift_absent", "agent_id": "agent_0"}],
        spawned=["agent_0"],
    )
    out = engine().step(result, tree)
    assert not out.components.any()
    assert out.total[0] == 0.0


def test_wage_is_the_coefficient_times_the_credited_wage() -> None:
    # auto wage_coeff: a tick at the highest wage (0.01) pays 0.002
    result, tree = tick([agent(0), agent(1), agent(2)], wages=[0.01, 0.006, 0.0])
    out = engine().step(result, tree)
    assert comp(out, 0, "wage") == np.float32(0.2 * 0.01)
    assert comp(out, 1, "wage") == np.float32(0.2 * 0.006)
    assert comp(out, 2, "wage") == 0.0


def test_late_start_is_penalised_and_punctual_start_rewarded() -> None:
    ev = [
        {"name": "shift_started", "agent_id": "agent_0", "status": "late"},
        {"name": "shift_started", "agent_id": "agent_1", "status": "on_time"},
    ]
    result, tree = tick([agent(0), agent(1)], events=ev)
    out = engine().step(result, tree)
    assert comp(out, 0, "lateness") == np.float32(-0.02)
    assert comp(out, 0, "punctuality") == 0.0
    assert comp(out, 1, "punctuality") == np.float32(0.05)
    assert comp(out, 1, "lateness") == 0.0


def test_absence_penalty() -> None:
    ev = [{"name": "shift_absent", "agent_id": "agent_0"}]
    result, tree = tick([agent(0)], events=ev)
    out = engine().step(result, tree)
    assert comp(out, 0, "lateness") == np.float32(-0.05)


def test_total_matches_the_f32_components() -> None:
    ev = [{"name": "shift_started", "agent_id": "agent_0", "status": "on_time"}]
    result, tree = tick([agent(0)], [[0.7, 0.6, 0.5]], [[0.6, 0.6, 0.5]], events=ev)
    out = engine().step(result, tree)
    assert out.components.dtype == np.float32
    assert abs(float(out.components[0].sum()) - float(out.total[0])) <= 1e-6
