"""The KPI tracker on hand-built step results (learning.md 5.4, operations.md 1.9)."""

from __future__ import annotations

from typing import Any

import numpy as np

from townlet.core.types import (
    ObservationBuffers,
    ObservationSpec,
    RowFlags,
    StepResult,
)
from townlet.policy.kpi import KpiTracker, kpi_failures
from townlet.policy.scripted import OPTION_NAMES

TPD = 10
IDS = ["agent_0", "agent_1"]


def step(
    tick: int,
    needs: list[list[float]],
    events: list[dict[str, Any]] | None = None,
    ids: list[str] = IDS,
) -> StepResult:
    arr = np.array(needs, dtype=np.float64)
    return StepResult(
        tick=tick,
        events=events or [],
        terminated=[],
        spawned=[],
        command_results=[],
        agent_ids=ids,
        needs_before=arr,
        needs_after=arr,
        wages=np.zeros(len(ids)),
        flags=RowFlags.empty(len(ids)),
    )


def feed(
    tracker: KpiTracker,
    tick: int,
    needs: list[list[float]],
    events: list[dict[str, Any]] | None = None,
    alive: list[bool] | None = None,
    rewards: list[float] | None = None,
) -> None:
    n = len(needs)
    tracker.on_step(
        step(tick, needs, events, IDS[:n]),
        np.array(rewards or [0.0] * n),
        np.array(alive or [True] * n),
    )


def test_nothing_before_tpd_counts():
    t = KpiTracker(tpd=TPD, shift_lengths={})
    for tick in range(1, TPD):
        feed(t, tick, [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    k = t.as_dict()
    assert k["measured_ticks"] == 0
    assert k["needs_ok_fraction"] is None


def test_needs_ok_is_strict_and_floor_is_not():
    t = KpiTracker(tpd=1, shift_lengths={})
    feed(t, 1, [[0.3, 0.9, 0.9], [0.9, 0.9, 0.9]])
    feed(t, 2, [[0.31, 0.9, 0.9], [0.9, 0.2, 0.9]], alive=[True, False])
    k = t.as_dict()
    assert k["live_agent_ticks"] == 3
    assert k["needs_ok_fraction"] == 2 / 3  # 0.3 is not ok; the dead row is skipped
    assert k["needs_floor_ratio"] == 3 / 3


def test_a_starvation_streak_counts_once_at_30_ticks_even_across_tpd():
    t = KpiTracker(tpd=TPD, shift_lengths={})
    for tick in range(1, TPD + 45):
        feed(t, tick, [[0.1, 0.9, 0.9], [0.11, 0.9, 0.9]])
    assert t.as_dict()["starvation_incidents"] == 1
    feed(t, TPD + 45, [[0.5, 0.9, 0.9], [0.5, 0.9, 0.9]])  # streak broken
    for tick in range(TPD + 46, TPD + 75):
        feed(t, tick, [[0.05, 0.9, 0.9], [0.5, 0.9, 0.9]])
    assert t.as_dict()["starvation_incidents"] == 1  # 29 ticks only
    feed(t, TPD + 75, [[0.05, 0.9, 0.9], [0.5, 0.9, 0.9]])
    assert t.as_dict()["starvation_incidents"] == 2


def test_streaks_follow_agents_when_rows_change():
    t = KpiTracker(tpd=1, shift_lengths={})
    for tick in range(1, 20):
        feed(t, tick, [[0.1, 0.9, 0.9], [0.9, 0.9, 0.9]])
    for tick in range(20, 32):  # agent_1's row goes away; agent_0's streak goes on
        t.on_step(
            step(tick, [[0.1, 0.9, 0.9]], ids=["agent_0"]),
            np.zeros(1),
            np.ones(1, bool),
        )
    assert t.as_dict()["starvation_incidents"] == 1


def shift_events(agent: str, start: str | None, outcome: str, present: int) -> Any:
    first = []
    if start == "absent":
        first.append({"name": "shift_absent", "agent_id": agent, "job_id": "clerk"})
    elif start is not None:
        first.append(
            {"name": "shift_started", "agent_id": agent, "job_id": "clerk",
             "status": start, "ticks_late": 12 if start == "late" else None}
        )  # fmt: skip
    end = {"name": "shift_ended", "agent_id": agent, "job_id": "clerk",
           "outcome": outcome, "present_ticks": present}  # fmt: skip
    return first, [end]


def test_attendance_presence_and_operator_ratios():
    t = KpiTracker(tpd=1, shift_lengths={"clerk": 100})
    for agent, start, outcome, present in [
        ("agent_0", "on_time", "on_time", 100),
        ("agent_1", "late", "late", 80),
        ("agent_0", "absent", "absent", 0),
    ]:
        first, end = shift_events(agent, start, outcome, present)
        feed(t, 5, [[0.9] * 3, [0.9] * 3], first)
        feed(t, 6, [[0.9] * 3, [0.9] * 3], end)
    # A started shift cut by an eviction is scheduled and not attended.
    first, _ = shift_events("agent_1", "on_time", "on_time", 0)
    feed(t, 7, [[0.9] * 3, [0.9] * 3], first)
    evicted = {"name": "agent_terminated", "agent_id": "agent_1", "reason": "eviction"}
    feed(t, 8, [[0.9] * 3, [0.9] * 3], [evicted], alive=[True, False])
    k = t.as_dict()
    assert (k["shifts_scheduled"], k["shifts_attended"]) == (4, 2)
    assert k["attendance"] == 0.5
    assert k["presence"] == 180 / 300
    assert k["attendance_ratio"] == 3 / 4
    assert k["late_shift_ratio"] == 1 / 3
    assert k["lateness_mean_ticks"] == 4.0
    assert k["evictions"] == 1
    assert kpi_failures(k, "default") == [
        "evictions = 1, want <= 0",
        "attendance = 0.5, want >= 0.85",
    ]


def test_faints_count_as_starvation_and_rewards_average_over_live_ticks():
    t = KpiTracker(tpd=1, shift_lengths={})
    faint = {"name": "agent_terminated", "agent_id": "agent_0", "reason": "faint"}
    feed(t, 1, [[0.9] * 3, [0.9] * 3], rewards=[0.5, 0.25])
    feed(t, 2, [[0.0] * 3, [0.9] * 3], [faint], alive=[False, True], rewards=[-1, 0])
    k = t.as_dict()
    assert (k["faints"], k["starvation_incidents"]) == (1, 1)
    assert k["reward_per_agent_tick"] == (0.75 - 1.0) / 3


def test_abandonments_are_switches_away_from_an_active_option():
    features = ("opt_get_fed", "opt_get_clean", "opt_sleep", "opt_work", "opt_shop",
                "opt_socialise", "opt_go_home")  # fmt: skip
    spec = ObservationSpec(
        action_mode="option", action_names=OPTION_NAMES, features=features
    )
    buffers = ObservationBuffers.allocate(spec, rows=3)
    buffers.features[0, 3] = 1.0  # Work active, switches to GetFed: abandonment
    buffers.features[1, 0] = 1.0  # GetFed active, continues
    buffers.features[2, 4] = 1.0  # dead row
    buffers.alive[:] = [True, True, False]
    t = KpiTracker(tpd=1, shift_lengths={})
    t.start(spec)
    t.on_decide(0, buffers, np.array([1, 1, 0], dtype=np.int32), 3)  # before tpd
    t.on_decide(1, buffers, np.array([1, 1, 0], dtype=np.int32), 3)
    feed(t, 1, [[0.9] * 3, [0.9] * 3])
    assert t.abandonments == 1
    assert t.as_dict()["option_switch_rate"] == 0.5
