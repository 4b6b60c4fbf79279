"""Assembly order, the clip and the pre-terminal guard (learning.md 3.2, 3.3)."""

from __future__ import annotations

import numpy as np
import pytest
from scenes import agent, engine, tick

from townlet.core.types import REWARD_COMPONENTS
from townlet.rewards.assembly import assemble

COL = {name: k for k, name in enumerate(REWARD_COMPONENTS)}


def test_assembly_sums_left_to_right_then_guard_clip_terminal() -> None:
    comps = np.zeros((3, 12))
    comps[:, :9] = [0.1, 0.05, 0.03, 0.04, 0.0, 0.0, 0.0, 0.0, 0.0]
    comps[2, 11] = -1.0
    guard = np.array([False, True, True])
    c32, total = assemble(comps, guard, clip=0.2)
    nt = (((0.1 + 0.05) + 0.03) + 0.04) + 0.0  # 0.22
    assert comps[0, COL["guard_adj"]] == 0.0
    assert comps[0, COL["clip_adj"]] == 0.2 - nt
    assert total[0] == np.float32(nt + (0.2 - nt))
    assert comps[1, COL["guard_adj"]] == -nt
    assert comps[1, COL["clip_adj"]] == 0.0
    assert total[1] == 0.0
    assert total[2] == np.float32(-1.0)
    assert c32.dtype == np.float32
    assert total.dtype == np.float32


def test_guard_leaves_negative_totals_alone() -> None:
    comps = np.zeros((1, 12))
    comps[0, 1] = -0.01
    _, total = assemble(comps, np.array([True]), clip=0.2)
    assert comps[0, COL["guard_adj"]] == 0.0
    assert total[0] == np.float32(-0.01)


def test_a_faint_stays_minus_one_after_a_saturated_clip() -> None:
    result, tree = tick(
        [agent(0, hunger_low_ticks=30)],
        events=[{"name": "shift_absent", "agent_id": "agent_0"}],
        terminated=[("agent_0", "faint")],
    )
    out = engine(absence_penalty=0.3).step(result, tree)
    # NT = 0.002 - 0.3 = -0.298 -> clipped to -0.2, then the -1 faint
    assert out.components[0, COL["clip_adj"]] == np.float32(-0.2 - (0.002 - 0.3))
    assert out.components[0, COL["terminal"]] == np.float32(-1.0)
    assert out.total[0] == np.float32(-1.2)


def test_clip_caps_a_large_positive_tick() -> None:
    ev = [{"name": "shift_started", "agent_id": "agent_0", "status": "on_time"}]
    result, tree = tick([agent(0)], events=ev)
    eng = engine(survival_tick=0.25)
    out = eng.step(result, tree)
    assert out.total[0] == np.float32(0.2)
    assert out.components[0, COL["clip_adj"]] < 0
    assert eng.clipped == 1
    assert eng.guarded == 0


@pytest.mark.parametrize(
    "flags", [{"hunger_low_ticks": 1}, {"hunger_low_ticks": 29}, {"exit_pending": True}]
)
def test_guard_zeroes_positive_rewards(flags: dict[str, object]) -> None:
    result, tree = tick([agent(0, **flags)])
    out = engine().step(result, tree)
    assert out.components[0, COL["guard_adj"]] == np.float32(-0.002)
    assert out.total[0] == 0.0


def test_eating_out_of_the_streak_lifts_the_guard() -> None:
    # hunger rose above the faint threshold this tick: the streak is back to 0
    result, tree = tick(
        [agent(0, hunger_low_ticks=0)], before=[[0.04, 1, 1]], after=[[0.5, 1, 1]]
    )
    out = engine().step(result, tree)
    assert out.components[0, COL["guard_adj"]] == 0.0
    assert out.total[0] > 0.03  # the shaping bonus of the meal is kept
