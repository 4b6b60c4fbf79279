"""The anneal schedule's advance / freeze / regress rules (learning.md 7.3 rule 3);
no torch needed."""

from __future__ import annotations

from townlet.policy.anneal import AnnealSchedule, WindowResult, window_result

BASE = {"needs_ok_fraction": 0.95, "attendance": 1.0, "presence": 0.9}


def result(**kw):
    base = {
        "passed_stability": True,
        "faints": 0,
        "evictions": 0,
        "kpis": {"needs_ok_fraction": 0.9, "attendance": 0.95, "presence": 0.8},
        "override_rate": 0.0,
    }
    return WindowResult(**{**base, **kw})


def test_two_passing_windows_advance_the_ratio():
    s = AnnealSchedule((0.2, 0.4, 0.6), BASE)
    assert [s.observe(result()) for _ in range(4)] == [
        "hold",
        "advance",
        "hold",
        "advance",
    ]
    assert s.ratio == 0.6
    assert s.observe(result()) == "hold"
    assert s.observe(result()) == "hold"  # already at the last ratio


def test_a_kpi_drop_over_30_percent_freezes_and_two_freezes_step_back():
    s = AnnealSchedule((0.2, 0.4), BASE, index=1)
    drop = result(kpis={"needs_ok_fraction": 0.6, "attendance": 1.0, "presence": 1.0})
    assert s.observe(drop) == "freeze"
    assert s.ratio == 0.4
    assert s.observe(drop) == "regress"
    assert s.ratio == 0.2
    assert "needs_ok_fraction" in s.history[-1]["misses"][0]


def test_a_failing_window_resets_the_pass_streak():
    s = AnnealSchedule((0.2, 0.4), BASE)
    assert s.observe(result()) == "hold"
    assert s.observe(result(faints=1)) == "freeze"
    assert s.observe(result()) == "hold"
    assert s.observe(result()) == "advance"


def test_overrides_and_stability_alerts_fail_a_window():
    s = AnnealSchedule((0.2, 0.4), BASE)
    assert s.misses(result(override_rate=0.02)) == ["override rate 0.0200"]
    assert s.misses(result(passed_stability=False)) == ["stability window failed"]


def test_window_result_reads_a_kpi_tracker_dict():
    kpis = {
        "faints": 1,
        "evictions": 0,
        "needs_ok_fraction": 0.9,
        "attendance": None,
        "presence": 0.5,
        "live_agent_ticks": 200,
    }
    r = window_result(kpis, overrides=4)
    assert r.override_rate == 0.02
    assert r.faints == 1
    assert r.kpis == {"needs_ok_fraction": 0.9, "attendance": None, "presence": 0.5}
