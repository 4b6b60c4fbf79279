"""``townlet run``: summary, providers, telemetry, bad input and exit codes."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

import townlet.cli.run as run_module

REPO = Path(__file__).resolve().parents[2]

SUMMARY_KEYS = {
    "ticks",
    "final_tick",
    "seed",
    "config_id",
    "wall_seconds",
    "ticks_per_second",
    "agent_steps_per_second",
    "providers",
    "state_hash",
    "deaths",
    "kpis",
}


def run_summary(invoke, tmp_path, *args: str) -> dict:
    path = tmp_path / "summary.json"
    result = invoke(
        "run", "--ticks", "50", "--telemetry", "none", "--no-progress",
        "--summary-json", str(path), *args,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return json.loads(path.read_text())


def test_help_without_a_command(invoke):
    result = invoke()
    assert result.exit_code == 0
    assert "Usage:" in result.stdout
    assert "run" in result.stdout
    assert "config" in result.stdout


def test_version(invoke):
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("townlet ")


def test_python_world_summary_json(invoke, tmp_path):
    summary = run_summary(invoke, tmp_path, "--world", "python", "--seed", "3")
    assert set(summary) >= SUMMARY_KEYS
    assert summary["ticks"] == 50
    assert summary["final_tick"] == 50
    assert summary["seed"] == 3
    assert re.fullmatch(r"[0-9a-f]{64}", summary["state_hash"])
    # 50 ticks: nothing measured yet (KPIs start at tick TPD), names all present.
    assert summary["kpis"]["measured_ticks"] == 0
    assert summary["kpis"]["needs_ok_fraction"] is None
    assert {"starvation_incidents", "attendance", "presence"} <= set(summary["kpis"])
    assert summary["agent_steps_per_second"] > 0
    world = summary["providers"]["world"]
    assert (world["name"], world["requested"], world["is_stub"]) == (
        "python",
        "python",
        False,
    )
    telemetry = summary["providers"]["telemetry"]
    assert (telemetry["name"], telemetry["requested"]) == ("stub", "none")
    assert telemetry["is_stub"]
    policy = summary["providers"]["policy"]
    assert policy["name"] == "scripted"
    assert {
        "code": "telemetry_stub",
        "message": "Telemetry stub active; stream disabled.",
    } in summary["degraded"]


def test_native_world_runs_and_matches_python(invoke, tmp_path, needs_native):
    native = run_summary(invoke, tmp_path, "--world", "native")
    python = run_summary(invoke, tmp_path, "--world", "python")
    assert native["providers"]["world"]["name"] == "native"
    assert native["state_hash"] == python["state_hash"]
    assert native["deaths"] == python["deaths"]


def test_native_without_extension_gives_the_fix(invoke, monkeypatch):
    monkeypatch.setitem(sys.modules, "townlet._native", None)
    result = invoke("run", "--ticks", "5", "--world", "native", "--telemetry", "none")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: native world unavailable: townlet._native is not built; "
        "run 'make build' or pass --world python"
    )


def test_auto_without_extension_uses_python_and_says_why(invoke, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "townlet._native", None)
    summary = run_summary(invoke, tmp_path)
    assert summary["providers"]["world"]["name"] == "python"
    assert "Native core unavailable" in summary["providers"]["world"]["reason"]


def test_summary_on_stderr(invoke):
    result = invoke("run", "--ticks", "20", "--world", "python", "--telemetry", "none")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "ticks/s" in result.stderr
    assert "agent-steps/s" in result.stderr
    assert "state_hash" in result.stderr


def test_print_hash(invoke):
    result = invoke(
        "run",
        "--ticks",
        "10",
        "--world",
        "python",
        "--telemetry",
        "none",
        "--print-hash",
    )
    assert result.exit_code == 0
    assert re.fullmatch(r"[0-9a-f]{64}\n", result.stdout)


def test_same_seed_same_hash(invoke, tmp_path):
    first = run_summary(invoke, tmp_path, "--world", "python", "--seed", "9")
    second = run_summary(invoke, tmp_path, "--world", "python", "--seed", "9")
    assert first["state_hash"] == second["state_hash"]


def test_default_file_telemetry_under_runs(invoke, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("run", "--ticks", "5", "--world", "python", "--no-progress")
    assert result.exit_code == 0, result.stderr
    (path,) = (tmp_path / "runs").glob("r-*/telemetry.jsonl")
    frames = [json.loads(line) for line in path.read_text().splitlines()]
    kinds = [frame["payload_type"] for frame in frames]
    assert kinds == ["snapshot", "diff", "diff", "diff", "diff", "end"]
    assert frames[0]["events"][0]["kind"] == "loop.providers"
    assert any(e["kind"] == "agent_spawned" for e in frames[0]["events"])


def test_stdout_telemetry_keeps_stdout_for_frames(invoke):
    result = invoke("run", "--ticks", "3", "--world", "python", "--telemetry", "stdout")
    assert result.exit_code == 0
    frames = [json.loads(line) for line in result.stdout.splitlines()]
    assert [f["payload_type"] for f in frames] == ["snapshot", "diff", "diff", "end"]
    assert [f["tick"] for f in frames[:3]] == [1, 2, 3]


def test_set_override(invoke, tmp_path):
    summary = run_summary(
        invoke,
        tmp_path,
        "--world",
        "python",
        "--set",
        "world.lifecycle.population_target=3",
    )
    assert summary["agent_steps_per_second"] > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--config", "missing.yaml"), "missing.yaml"),
        (("--telemetry", "kafka"), "valid forms: stdout, file, file:PATH, ws,"),
        (("--telemetry", "tcp://127.0.0.1:9"), "'tcp' is not available"),
        (
            ("--policy", "nonesuch"),
            "unknown policy provider 'nonesuch'; known: anneal, bc, ppo, random",
        ),
        (("--set", "world.nonsense=1"), "world.nonsense"),
    ],
)
def test_bad_input_exits_2_with_one_message(invoke, args, message):
    result = invoke("run", "--ticks", "1", "--world", "python", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_config_with_unknown_key_exits_2(invoke, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("world:\n  agentz: 3\n")
    result = invoke("run", "--config", str(path), "--ticks", "1", "--world", "python")
    assert result.exit_code == 2
    assert "agentz" in result.stderr


def test_map_with_unknown_glyph_exits_2(invoke, tmp_path):
    default_map = REPO / "configs" / "towns" / "default.map"
    header, grid = default_map.read_text().split("\ngrid\n", 1)
    grid = "?" + grid[1:]  # same width: an unknown glyph at (0, 0)
    (tmp_path / "bad.map").write_text(header + "\ngrid\n" + grid)
    (tmp_path / "cfg.yaml").write_text("world:\n  map_file: bad.map\n")
    result = invoke("run", "--config", str(tmp_path / "cfg.yaml"), "--ticks", "1")
    assert result.exit_code == 2
    assert "map.glyph_unknown" in result.stderr
    assert "'?' at (0, 0)" in result.stderr


def test_unknown_glyph_on_a_bed_is_reported_as_a_map_error_not_config_beds(
    invoke, tmp_path
):
    # Regression: the bed count of the config check used to run on the broken map
    # and blamed the population target instead of the glyph that replaced the bed.
    default_map = REPO / "configs" / "towns" / "default.map"
    text = default_map.read_text().replace(",#B......W#", ",#X......W#", 1)
    (tmp_path / "bad.map").write_text(text)
    (tmp_path / "cfg.yaml").write_text("world:\n  map_file: bad.map\n")
    result = invoke("run", "--config", str(tmp_path / "cfg.yaml"), "--ticks", "1")
    assert result.exit_code == 2
    assert "map.glyph_unknown: unknown glyph 'X' at (2, 2)" in result.stderr
    assert "config.beds" not in result.stderr
    assert "population_target" not in result.stderr


def test_internal_error_exits_1_with_error_id(invoke, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("kaput")

    monkeypatch.setattr(run_module, "build_simulation", broken)
    result = invoke("run", "--ticks", "1", "--telemetry", "none")
    assert result.exit_code == 1
    assert re.search(
        r"error: internal error RuntimeError: kaput \[error_id=[0-9a-f]{12}\]",
        result.stderr,
    )
    assert "Traceback" not in result.stderr
    debug = invoke("--debug", "run", "--ticks", "1", "--telemetry", "none")
    assert debug.exit_code == 1
    assert "Traceback" in debug.stderr


def test_several_config_errors_one_per_line(invoke, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("world:\n  agentz: 3\n  lifecycle:\n    population_target: -1\n")
    result = invoke("run", "--config", str(path), "--ticks", "1")
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 2
    assert "world.agentz" in errors[0]
    assert "world.lifecycle.population_target" in errors[1]
    assert all(
        line.startswith(("error: ", "hint: ")) for line in result.stderr.splitlines()
    )


def test_population_above_the_beds_only_warns(invoke):
    result = invoke(
        "run", "--ticks", "1", "--world", "python", "--set", "world.agents=50",
        "--telemetry", "none",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "warning:" in result.stderr
    assert "number of beds of the map (10)" in result.stderr
    assert "homeless" in result.stderr


def test_population_above_the_beds_with_another_map_problem_still_fails(invoke):
    result = invoke(
        "run", "--ticks", "1", "--world", "python", "--set", "world.agents=50",
        "--set", "world.jobs=[{id: x, site: nowhere, positions: 1, shift_start: 0, "
        "shift_length: 480, wage_per_tick: 0.01}]",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "names no zone of the map" in result.stderr
    assert "number of beds" in result.stderr  # both problems, one error


def test_unwritable_telemetry_path_exits_2(invoke, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    spec = f"file:{blocker / 'sub' / 't.jsonl'}"
    result = invoke("run", "--ticks", "1", "--world", "python", "--telemetry", spec)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot open telemetry file")
    assert "hint: pass --telemetry file:PATH" in result.stderr


def test_summary_reports_the_kpis_measured_after_the_first_day(invoke, tmp_path):
    from towns import native_built

    world = "native" if native_built() else "python"
    summary = run_summary(invoke, tmp_path, "--world", world, "--ticks", "1500")
    kpis = summary["kpis"]
    assert kpis["measured_ticks"] == 1500 - 1440 + 1
    assert kpis["live_agent_ticks"] == 10 * kpis["measured_ticks"]
    assert 0.0 <= kpis["needs_ok_fraction"] <= kpis["needs_floor_ratio"] <= 1.0
    assert kpis["starvation_incidents"] == 0
    assert summary["providers"]["policy"]["name"] == "scripted"


@pytest.mark.usefixtures("needs_native")
def test_a_plain_run_lasts_two_days_so_the_kpis_cover_the_second(invoke, tmp_path):
    path = tmp_path / "summary.json"
    result = invoke(
        "run", "--world", "native", "--telemetry", "none", "--no-progress",
        "--summary-json", str(path),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    summary = json.loads(path.read_text())
    assert summary["final_tick"] == 2880
    assert summary["kpis"]["measured_ticks"] == 2880 - 1440 + 1
