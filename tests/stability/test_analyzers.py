"""Each analyzer of learning.md 8.1 fires on synthetic input with the default
thresholds, and stays quiet just below them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from stability_synth import SynthTown, event

from townlet.config.stability import ANALYZERS, StabilityConfig
from townlet.stability import Baselines, WindowCounts, evaluate, gini


def alert_names(town: SynthTown) -> list[str]:
    return [a.name for a in town.to_window_end().alerts]


def at(ticks: dict[int, list[dict[str, Any]]]) -> Callable[[int], list[Any]]:
    return lambda t: ticks.get(t, [])


def test_quiet_town_passes_every_analyzer(town: SynthTown) -> None:
    report = town.to_window_end()
    assert report.passed
    assert report.alerts == []
    assert report.ticks == 1000
    assert report.agent_ticks == 10_000
    assert set(report.metrics) >= {"starvation", "lateness", "fairness.gini"}


# -- starvation ---------------------------------------------------------------


def test_starvation_fires_on_one_faint(town: SynthTown) -> None:
    faint = event("agent_terminated", agent_id="r3", reason="faint")
    town.run(10, at({5: [faint]}))
    report = town.to_window_end()
    assert [a.name for a in report.alerts] == ["starvation"]
    assert report.alerts[0].value == 1
    assert report.alerts[0].threshold == 0


def test_starvation_counts_a_hunger_streak_once_at_30_ticks(town: SynthTown) -> None:
    town.hunger[2] = 0.10
    town.run(29)
    town.hunger[2] = 0.8  # 29 ticks: no incident yet
    town.run(1)
    assert town.monitor.window.streaks == 0
    town.hunger[2] = 0.05
    town.run(100)  # one streak of 100 ticks is one incident
    assert town.monitor.window.streaks == 1
    assert alert_names(town) == ["starvation"]


def test_eviction_and_kill_are_not_starvation(town: SynthTown) -> None:
    gone = [
        event("agent_terminated", agent_id="r1", reason="eviction"),
        event("agent_terminated", agent_id="r2", reason="killed"),
    ]
    town.run(3, at({1: gone}))
    assert alert_names(town) == []


# -- option thrash ------------------------------------------------------------


def test_option_thrash_fires_above_two_percent(town: SynthTown) -> None:
    # 10 residents switching at every lock expiry (1 in 15 ticks): rate ~0.067
    town.run(1000, abandonments=lambda t: 10 if t % 15 == 0 else 0)
    report = town.reports[-1]
    assert [a.name for a in report.alerts] == ["option_thrash"]
    assert report.metrics["option_thrash"] == pytest.approx(670 / 10_000)


def test_option_thrash_quiet_at_scripted_rates(town: SynthTown) -> None:
    town.run(1000, abandonments=lambda t: 1 if t % 20 == 0 else 0)  # 0.005
    assert town.reports[-1].alerts == []


def test_option_thrash_needs_500_agent_ticks(
    make_town: Callable[..., SynthTown],
) -> None:
    town = make_town(agents=1, window_ticks=400)
    town.run(400, abandonments=lambda t: 1)  # rate 1.0 over 400 agent-ticks
    assert town.reports[-1].alerts == []
    assert town.reports[-1].metrics["option_thrash"] is None


# -- reward variance ----------------------------------------------------------


def test_reward_variance_fires_above_absolute_bound(town: SynthTown) -> None:
    town.rewards[:] = np.where(np.arange(10) % 2 == 0, 0.2, -0.2)  # variance 0.04
    assert alert_names(town) == ["reward_variance"]


def test_one_faint_raises_variance_tenfold_over_baseline(town: SynthTown) -> None:
    rng = np.random.default_rng(0)
    for _ in range(3):  # three healthy windows make the baseline
        for _ in range(1000):
            town.rewards[:] = rng.normal(0.0, 0.001, 10)  # variance ~1e-6
            town.step()
    assert all(r.passed for r in town.reports)
    baseline = town.monitor.baselines().reward_variance
    assert baseline == pytest.approx(1e-6, rel=0.1)
    town.rewards[:] = 0.0
    town.rewards[4] = -1.0
    town.step()
    town.rewards[4] = 0.0
    report = town.to_window_end()
    assert [a.name for a in report.alerts] == ["reward_variance"]
    assert report.alerts[0].threshold == pytest.approx(4 * baseline)
    assert report.metrics["reward_variance"] == pytest.approx(1e-4, rel=0.01)


def test_reward_variance_needs_1000_samples(
    make_town: Callable[..., SynthTown],
) -> None:
    town = make_town(agents=1, window_ticks=999)
    town.rewards[:] = 1.0
    town.run(10)
    town.rewards[:] = -1.0
    assert town.to_window_end().alerts == []


# -- fairness -----------------------------------------------------------------


def test_fairness_fires_on_three_ghost_steps(town: SynthTown) -> None:
    ghost = event(
        "queue_conflict", object_id="o", kind="blocked", actor="r1", rival="r2"
    )
    town.run(300, at({10: [ghost], 100: [ghost]}))
    report = town.to_window_end()
    assert report.passed  # two ghost steps (and two conflicts for rivalry) pass
    town.run(300, at({1010: [ghost], 1100: [ghost], 1200: [ghost]}))
    report = town.to_window_end()
    assert [a.measure for a in report.alerts] == ["fairness.ghost_steps"]


def test_fairness_fires_when_one_resident_keeps_losing(town: SynthTown) -> None:
    def grants(t: int) -> list[dict[str, Any]]:
        if t % 40 != 0:
            return []
        who = f"r{(t // 40) % 10}"
        waited = 60 if who == "r0" else 1
        return [
            event(
                "reservation_granted", agent_id=who, object_id="o", waited_ticks=waited
            )
        ]

    town.run(1000, grants)  # 25 waits: r0 waits 60 ticks, the others 1
    report = town.reports[-1]
    assert [a.measure for a in report.alerts] == ["fairness.gini"]
    assert report.metrics["fairness.gini"] >= 0.5


def test_fairness_ignores_grants_without_a_wait(town: SynthTown) -> None:
    free = [event("reservation_granted", agent_id="r0", object_id="o", waited_ticks=0)]
    waits = [event("reservation_granted", agent_id="r1", object_id="o", waited_ticks=9)]
    town.run(100, lambda t: free + (waits if t < 10 else []))
    report = town.to_window_end()
    assert report.alerts == []
    assert report.metrics["fairness.gini"] is None


def test_gini_of_equal_and_unequal_values() -> None:
    assert gini([]) == 0.0
    assert gini([3.0, 3.0]) == 0.0
    assert gini([0.0, 10.0]) == pytest.approx(0.5)


# -- rivalry ------------------------------------------------------------------


def rivalry_event(a: str, b: str, riv: float) -> dict[str, Any]:
    delta = {"trust": -0.05, "familiarity": 0.0, "rivalry": riv}
    return event("relationship_event", kind="blocked", agent_a=a, agent_b=b,
                 a_to_b=delta, b_to_a=None)  # fmt: skip


def test_rivalry_fires_on_three_crossings(town: SynthTown) -> None:
    # each pair gets +0.15 five times: 0.75 >= 0.7 on the fifth (one crossing)
    pairs = [("r1", "r2"), ("r3", "r4"), ("r5", "r6")]
    town.run(50, lambda t: [rivalry_event(*pairs[t % 3], 0.15)] if t < 15 else [])
    assert town.monitor.window.crossings == 3
    report = town.to_window_end()
    assert [a.measure for a in report.alerts] == ["rivalry.crossings"]


def test_rivalry_reads_exact_ties_when_given(town: SynthTown) -> None:
    ties = {("r1", "r2"): 0.72, ("r3", "r4"): 0.9}
    look = lambda a, b: ties.get((a, b))  # noqa: E731
    town.step([rivalry_event("r1", "r2", 0.15)], rivalry=look)  # 0.57 -> 0.72
    town.step([rivalry_event("r3", "r4", 0.15)], rivalry=look)  # 0.75 -> 0.9: above
    town.step([rivalry_event("r5", "r6", 0.15)], rivalry=look)  # no tie
    assert town.monitor.window.crossings == 1


def test_rivalry_fires_on_two_conflicts_per_resident(town: SynthTown) -> None:
    cut = event("queue_conflict", object_id="o", kind="cut_in", actor="r1", rival="r2")
    town.run(1000, lambda t: [cut] if t % 50 == 0 else [])  # 20 for 10 residents
    report = town.reports[-1]
    assert [a.measure for a in report.alerts] == ["rivalry.conflicts_per_resident"]
    assert report.metrics["rivalry.conflicts_per_resident"] == pytest.approx(2.0)


# -- lateness -----------------------------------------------------------------


def shifts(late: int, on_time: int, absent: int) -> list[dict[str, Any]]:
    out = [
        event("shift_started", agent_id="r1", job_id="j", status="late", ticks_late=9)
    ] * late
    out += [
        event(
            "shift_started",
            agent_id="r2",
            job_id="j",
            status="on_time",
            ticks_late=None,
        )
    ] * on_time
    out += [
        event("shift_absent", agent_id="r3", job_id="j", absences_in_window=1)
    ] * absent
    return out  # fmt: skip


def test_lateness_fires_above_twenty_percent(town: SynthTown) -> None:
    town.run(1, at({0: shifts(late=1, on_time=6, absent=1)}))  # 2 / 8 = 0.25
    report = town.to_window_end()
    assert [a.name for a in report.alerts] == ["lateness"]
    assert report.metrics["lateness"] == pytest.approx(0.25)


def test_lateness_quiet_at_twenty_percent_or_few_shifts(town: SynthTown) -> None:
    town.run(1, at({0: shifts(late=1, on_time=4, absent=0)}))  # exactly 0.2
    assert town.to_window_end().alerts == []
    town.run(1, at({1000: shifts(late=2, on_time=2, absent=0)}))  # 4 shifts only
    report = town.to_window_end()
    assert report.alerts == []
    assert report.metrics["lateness"] is None


def test_lateness_baseline_doubles_the_bound(town: SynthTown) -> None:
    for k in range(3):  # passing windows at 0.15
        town.run(1, at({1000 * k: shifts(late=3, on_time=17, absent=0)}))
        town.to_window_end()
    assert town.monitor.baselines().lateness == pytest.approx(0.15)
    town.run(1, at({3000: shifts(late=5, on_time=15, absent=0)}))  # 0.25 <= 0.3
    assert town.to_window_end().alerts == []
    # the passing 0.25 window joined the baseline: (0.15 + 0.15 + 0.25) / 3
    town.run(1, at({4000: shifts(late=8, on_time=12, absent=0)}))  # 0.4 > 0.367
    report = town.to_window_end()
    assert [a.name for a in report.alerts] == ["lateness"]
    assert report.alerts[0].threshold == pytest.approx(2 * 0.55 / 3)


# -- embedding reuse ----------------------------------------------------------


def test_embedding_reuse_fires_on_one_forced_reuse(town: SynthTown) -> None:
    town.run(2, at({1: [event("slot_forced_reuse", slot=3, agent_id="r9")]}))
    assert alert_names(town) == ["embedding_reuse"]


# -- evaluate -----------------------------------------------------------------


def test_evaluate_reports_one_alert_per_analyzer_in_spec_order() -> None:
    w = WindowCounts(index=4, ticks=1000, agent_ticks=10_000, faints=2,
                     abandonments=900, ghost_steps=5, conflicts=40, crossings=3,
                     shifts=10, late_or_absent=9, forced_reuses=2)  # fmt: skip
    w.add_rewards(np.array([1.0, -1.0] * 600))
    for i in range(10):
        w.add_wait(f"r{i}", 100.0 if i == 0 else 1.0)
        w.add_wait(f"r{i}", 100.0 if i == 0 else 1.0)
    metrics, alerts = evaluate(w, StabilityConfig(), Baselines())
    assert [a.name for a in alerts] == list(ANALYZERS)
    assert all(a.window == 4 for a in alerts)
    assert [a.measure for a in alerts if "." in a.measure] == [
        "fairness.ghost_steps",
        "rivalry.crossings",
    ]
    assert metrics["fairness.gini"] is not None
    assert metrics["fairness.gini"] > 0.5
