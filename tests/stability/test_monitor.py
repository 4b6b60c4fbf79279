"""Windows, the pass rule, baselines, telemetry and state of the monitor
(learning.md 8.1)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from stability_synth import SynthTown, event

from townlet.config.stability import ANALYZERS, StabilityConfig
from townlet.stability import (
    PromotionManager,
    ReleaseIdentity,
    StabilityMonitor,
)

FAINT = event("agent_terminated", agent_id="r0", reason="faint")


def test_windows_close_on_their_last_tick(make_town: Callable[..., SynthTown]) -> None:
    town = make_town(window_ticks=100)
    assert town.run(99) == []
    (report,) = town.run(1)  # tick 99 closes [0, 100)
    assert (report.index, report.ticks) == (0, 100)
    assert [r.index for r in town.run(250)] == [1, 2]
    assert town.monitor.window.index == 3
    assert town.monitor.window.ticks == 50


def test_a_later_tick_closes_the_open_window(
    make_town: Callable[..., SynthTown],
) -> None:
    town = make_town(window_ticks=100)
    town.run(10)
    town.tick = 350  # e.g. resumed further on
    report = town.step()
    assert report is not None
    assert (report.index, report.ticks) == (0, 10)
    assert town.monitor.window.index == 3


def test_close_window_judges_a_partial_window(town: SynthTown) -> None:
    town.run(5, lambda t: [FAINT] if t == 2 else [])
    report = town.monitor.close_window()
    assert report is not None
    assert not report.passed
    assert report.ticks == 5
    assert town.monitor.close_window() is None


def test_allowed_alerts_do_not_fail_a_window(
    make_town: Callable[..., SynthTown],
) -> None:
    town = make_town(allowed_alerts=["starvation"])
    town.run(3, lambda t: [FAINT] if t == 1 else [])
    report = town.to_window_end()
    assert report.passed
    assert [a.name for a in report.alerts] == ["starvation"]


def test_allowed_alerts_must_name_analyzers() -> None:
    with pytest.raises(ValueError, match="allowed_alerts"):
        StabilityConfig(allowed_alerts=["hunger"])  # type: ignore[list-item]


def test_failed_windows_stay_out_of_the_baseline(town: SynthTown) -> None:
    town.rewards[:] = 0.001 * np.arange(10)
    town.to_window_end()
    base = town.monitor.baselines().reward_variance
    town.run(3, lambda t: [FAINT] if t == 1001 else [])
    town.rewards[:] = 0.01 * np.arange(10)  # 100 x the variance, in a failing window
    assert not town.to_window_end().passed
    assert town.monitor.baselines().reward_variance == base


def test_baselines_average_the_last_three_passing_windows(
    make_town: Callable[..., SynthTown],
) -> None:
    town = make_town(window_ticks=200)
    for scale in (1.0, 2.0, 3.0, 4.0):
        town.rewards[:] = np.where(np.arange(10) % 2 == 0, scale, -scale) * 1e-3
        town.to_window_end()
    assert town.monitor.baselines().reward_variance == pytest.approx(29e-6 / 3)


def test_social_stage_change_resets_baselines(town: SynthTown) -> None:
    town.rewards[:] = 0.001 * np.arange(10)
    town.to_window_end()
    assert town.monitor.baselines().reward_variance is not None
    town.monitor.set_social_stage("off")  # unchanged: kept
    assert town.monitor.baselines().reward_variance is not None
    town.monitor.set_social_stage("C1")
    assert town.monitor.baselines().reward_variance is None


def test_release_change_resets_baselines() -> None:
    manager = PromotionManager(ReleaseIdentity("scripted"))
    town = SynthTown(StabilityMonitor(promotion=manager))
    town.rewards[:] = 0.001 * np.arange(10)
    town.to_window_end()
    assert town.monitor.baselines().reward_variance is not None
    manager.swap(ReleaseIdentity("ppo", "h1"), tick=1000)
    town.to_window_end()  # the window after the swap is judged without baseline
    assert town.monitor.baselines().reward_variance is not None  # its own
    assert len(town.monitor.export_state()["baseline"]) == 1


def test_streaks_follow_residents_when_rows_change(town: SynthTown) -> None:
    town.hunger[1] = 0.0
    town.run(20)
    town.ids = ["r1", "r0", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9"]
    town.hunger[:] = 0.8
    town.hunger[0] = 0.0  # r1 is now row 0
    town.run(10)  # 20 + 10 = 30: one incident
    assert town.monitor.window.streaks == 1


def test_dead_rows_are_not_samples(town: SynthTown) -> None:
    town.live[3] = False
    town.hunger[3] = 0.0
    town.rewards[3] = 5.0
    report = town.to_window_end()
    assert report.agent_ticks == 9000
    assert report.passed


def test_telemetry_section_shape(town: SynthTown) -> None:
    empty = town.monitor.telemetry()
    assert empty == {"metrics": {}, "alerts": [], "window": None, "passed": None,
                     "promotion": {}}  # fmt: skip
    town.run(2, lambda t: [FAINT] if t == 1 else [])
    town.to_window_end()
    section = town.monitor.telemetry()
    assert section["alerts"] == [
        {
            "name": "starvation",
            "window": 0,
            "value": 1.0,
            "threshold": 0.0,
            "measure": "starvation",
        }
    ]
    assert section["window"] == 0
    assert section["passed"] is False
    assert town.monitor.active_alerts() == ["starvation"]
    gauges = town.monitor.alert_gauges()
    assert list(gauges) == list(ANALYZERS)
    assert gauges["starvation"] == 1
    assert sum(gauges.values()) == 1
    json.dumps(section, allow_nan=False)


def trouble(t: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if t % 97 == 0:
        out.append(event("reservation_granted", agent_id=f"r{t % 10}", object_id="o",
                         waited_ticks=t % 13))  # fmt: skip
    if t % 211 == 0:
        delta = {"trust": 0.0, "familiarity": 0.0, "rivalry": 0.3}
        out.append(event("relationship_event", kind="blocked", agent_a="r1",
                         agent_b="r2", a_to_b=delta, b_to_a=delta))  # fmt: skip
    if t == 1500:
        out.append(FAINT)
    return out


def test_state_round_trip_continues_identically() -> None:
    def build() -> SynthTown:
        manager = PromotionManager(ReleaseIdentity("scripted"))
        manager.set_candidate(ReleaseIdentity("ppo", "h2"), tick=0)
        return SynthTown(StabilityMonitor(promotion=manager))

    straight, resumed = build(), build()
    for town in (straight, resumed):
        town.hunger[4] = 0.05
        town.run(1234, trouble, abandonments=lambda t: t % 3)
    state = json.loads(json.dumps(resumed.monitor.export_state(), allow_nan=False))
    fresh = build()
    fresh.monitor.import_state(state)
    fresh.tick, fresh.hunger = resumed.tick, resumed.hunger
    assert fresh.monitor.export_state() == resumed.monitor.export_state()
    straight.run(2000, trouble, abandonments=lambda t: t % 3)
    fresh.run(2000, trouble, abandonments=lambda t: t % 3)
    assert [r.as_dict() for r in fresh.reports] == [
        r.as_dict() for r in straight.reports[1:]
    ]
    assert fresh.monitor.export_state() == straight.monitor.export_state()


def test_import_state_names_what_is_missing(town: SynthTown) -> None:
    state = town.monitor.export_state()
    del state["baseline"]
    with pytest.raises(ValueError, match="missing key 'baseline'"):
        town.monitor.import_state(state)
    state = town.monitor.export_state()
    state["streak"] = [0, 0]
    with pytest.raises(ValueError, match="streak has 2 entries for 0 ids"):
        town.monitor.import_state(state)


def test_record_rejects_misshapen_rows(town: SynthTown) -> None:
    with pytest.raises(ValueError, match=r"of shape \(10,\).*got \(10,\), \(9,\)"):
        town.monitor.record(0, town.ids, town.live, town.hunger[:9], town.rewards)


def test_record_rejects_repeated_ids(town: SynthTown) -> None:
    town.ids[1] = "r0"
    with pytest.raises(ValueError, match="agent ids repeat"):
        town.step()
