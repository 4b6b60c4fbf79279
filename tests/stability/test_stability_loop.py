"""The monitor inside the simulation loop: quiet on a healthy scripted town, loud
on a random one, off when disabled (architecture.md 4 step 5, learning.md 8)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from towns import native_built

from townlet.config import load_config
from townlet.core.build import build_simulation
from townlet.core.loop import SimulationLoop
from townlet.telemetry.reader import read_jsonl

pytestmark = pytest.mark.skipif(
    not native_built(), reason="townlet._native is not built (run 'make build')"
)


def run(tmp_path: Path, ticks: int, **kwargs: Any) -> tuple[SimulationLoop, list[Any]]:
    """Run the default town on the native world; return the loop and its events."""
    out = tmp_path / "telemetry.jsonl"
    overrides = kwargs.pop("overrides", {})
    loop = build_simulation(
        load_config(overrides=overrides),
        world="native",
        telemetry=f"file:{out}",
        run_id="stability-test",
        **kwargs,
    )
    with loop:
        loop.run(ticks)
    # Framed telemetry: each frame's events section holds the loop events as
    # records {eid, tick, kind, **payload} (operations.md 1.3).
    events = [
        {
            "kind": e["kind"],
            "tick": e["tick"],
            "payload": {k: v for k, v in e.items() if k not in ("eid", "tick", "kind")},
        }
        for frame in read_jsonl(out)
        for e in frame.get("events", ())
    ]
    return loop, events


def test_healthy_scripted_town_raises_no_alert(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    loop, events = run(tmp_path, 3000)
    windows = [e for e in events if e["kind"] == "stability.window"]
    assert [(e["tick"], e["payload"]["index"]) for e in windows] == [
        (999, 0),
        (1999, 1),
        (2999, 2),
    ]
    assert all(e["payload"]["passed"] and e["payload"]["alerts"] == [] for e in windows)
    assert windows[1]["payload"]["agent_ticks"] == 10_000
    monitor = loop.stability
    assert monitor is not None
    assert monitor.windows_failed == 0
    section = monitor.telemetry()
    assert section["promotion"]["state"] == "monitoring"
    assert section["promotion"]["release"]["provider"] == "scripted"
    assert len(section["promotion"]["release"]["obs_fingerprint"]) == 64
    assert not (tmp_path / "runs").exists()  # no transition, no journal


def test_abandonments_match_the_kpi_tracker(tmp_path: Path) -> None:
    # window 1 of 1,440 ticks is exactly the KPI window [TPD, 2 * TPD)
    loop, events = run(tmp_path, 2879, overrides={"stability.window_ticks": 1440})
    (window,) = [e["payload"] for e in events if e["kind"] == "stability.window"][1:]
    kpis = loop.kpis
    assert kpis is not None
    assert kpis.abandonments > 0
    assert window["agent_ticks"] == kpis.agent_ticks
    rate = window["metrics"]["option_thrash"]
    assert rate * window["agent_ticks"] == pytest.approx(kpis.abandonments)


def test_random_policy_fails_windows(tmp_path: Path) -> None:
    loop, _ = run(tmp_path, 1000, policy="random")
    monitor = loop.stability
    assert monitor is not None
    assert monitor.last_report is not None
    names = monitor.active_alerts()
    assert "option_thrash" in names
    assert "starvation" in names
    assert not monitor.last_report.passed


def test_disabled_monitor_is_absent(tmp_path: Path) -> None:
    loop, events = run(tmp_path, 1000, overrides={"stability.enabled": False})
    assert loop.stability is None
    assert not [e for e in events if e["kind"].startswith("stability.")]
