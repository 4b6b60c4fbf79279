"""The stability and telemetry sections resume exactly (operations.md 3.1): the
stability monitor's windows, streaks and promotion books, the KPI accumulators, and
the telemetry pipeline's narration limiter, KPI history and event sequence."""

from __future__ import annotations

from pathlib import Path

from resume_helpers import busy_config, document, start

from townlet.console import ConsoleService
from townlet.console.audit import AuditLog
from townlet.core.build import build_simulation
from townlet.snapshots import resume_simulation
from townlet.telemetry.pipeline import pipeline_of


def test_stability_and_telemetry_state_continue_as_if_never_stopped(
    tmp_path: Path,
) -> None:
    config = busy_config(seed=5, **{"stability.window_ticks": 200})
    loop, console = start(config, "python", tmp_path)
    loop.run(450)
    assert loop.stability is not None
    doc = document(loop, config, console)
    assert doc["state"]["stability"] == loop.stability.export_state()
    resumed = resume_simulation(doc, world="python", telemetry=f"file:{tmp_path}/t")
    monitor = resumed.loop.stability
    assert monitor is not None
    assert monitor.export_state() == loop.stability.export_state()
    for _ in range(350):  # ticks 451-800: the windows closing at 599 and 799
        loop.step()
        resumed.loop.step()
    assert monitor.windows_passed + monitor.windows_failed == 4
    assert monitor.export_state() == loop.stability.export_state()
    # the KPI tracker's accumulators resumed too (the run summary's KPIs)
    assert loop.kpis is not None
    assert resumed.loop.kpis is not None
    assert resumed.loop.kpis.as_dict() == loop.kpis.as_dict()
    loop.stop()
    resumed.loop.stop()


def test_the_telemetry_cursor_is_saved_and_restored(tmp_path: Path) -> None:
    config = busy_config(seed=6)
    loop = build_simulation(
        config, world="python", telemetry=f"file:{tmp_path}/a.jsonl", run_id="r"
    )
    console = ConsoleService(
        config.console, run_id="r", audit=AuditLog(tmp_path / "audit.jsonl")
    )
    loop.start()
    console.attach(loop)
    loop.run(240)
    pipeline = pipeline_of(loop.telemetry)
    assert pipeline is not None
    doc = document(loop, config, console)
    saved = doc["state"]["telemetry"]["pipeline"]
    assert saved == pipeline.export_cursor()
    assert saved["kpi_history"]  # 240 ticks of KPI history points
    resumed = resume_simulation(
        doc, world="python", telemetry=f"file:{tmp_path}/b.jsonl"
    )
    other = pipeline_of(resumed.loop.telemetry)
    assert other is not None
    assert other.export_cursor() == saved
    loop.stop()
    resumed.loop.stop()
