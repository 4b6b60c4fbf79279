"""Command scripts, the dry-run and `run --commands` (operations.md 2.10, 7.1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from townlet.cli.main import cli
from townlet.console.dryrun import dry_run
from townlet.console.script import load_script, parse_script
from townlet.errors import ConfigError

STORY = {
    "name": "smoke",
    "ticks": 30,
    "tail_ticks": 2,
    "steps": [
        {
            "at": 2,
            "command": "spawn",
            "args": {"wallet": 3.0},
            "ref": "newcomer",
            "expect": "ok",
        },
        {
            "at": 4,
            "command": "setneed",
            "args": {"agent_id": "$newcomer", "needs": {"hunger": 0.2}},
            "expect": "ok",
        },
        {
            "at": 4,
            "command": "teleport",
            "args": {"agent_id": "agent_0", "position": [1, 1]},
            "expect": "error:not_walkable",
        },
        {"at": 5, "narrate": "Hello town"},
        {"at": 6, "focus": "agent_1", "overlay": True},
        {
            "at": 7,
            "command": "perturbation_trigger",
            "args": {"spec": "blackout", "duration": 30},
            "ref": "bo",
            "expect": "ok",
        },
        {
            "at": 8,
            "command": "perturbation_cancel",
            "args": {"event_id": "$bo"},
            "expect": "ok",
        },
        {"at": 9, "command": "snapshot_save", "args": {"name": "mid"}, "expect": "ok"},
    ],
}


def write(tmp_path: Path, tree: object) -> Path:
    path = tmp_path / "script.yaml"
    path.write_text(yaml.safe_dump(tree))
    return path


def test_dry_run_rows_and_refs(tmp_path: Path) -> None:
    rows = dry_run(load_script(write(tmp_path, STORY)), world="python")
    assert [(r.at, r.applied_tick, r.name, r.status, r.code) for r in rows] == [
        (2, 2, "spawn", "ok", None),
        (4, 4, "setneed", "ok", None),
        (4, 4, "teleport", "error", "not_walkable"),
        (5, 5, "narrate", "ok", None),
        (7, 7, "perturbation_trigger", "ok", None),
        (8, 8, "perturbation_cancel", "ok", None),
        (9, 9, "snapshot_save", "ok", None),
    ]
    assert all(r.met for r in rows)
    assert "agent_10" in rows[1].summary


def test_script_problems_are_listed_together() -> None:
    bad = {
        "ticks": 5,
        "bogus": 1,
        "steps": [
            {"at": 0, "command": "pause"},
            {"at": 2, "command": "teleprt"},
            {"at": 9, "command": "kill", "args": {"agent_id": "agent_1"}},
            {
                "at": 3,
                "command": "setneed",
                "args": {"agent_id": "$later", "needs": {}},
            },
            {"at": 4, "command": "spawn", "args": {"position": "a"}, "ref": "later"},
        ],
    }
    with pytest.raises(ConfigError) as err:
        parse_script(bad, "bad.yaml")
    problems = "\n".join(err.value.errors)
    for needle in (
        "unknown key 'bogus'",
        "steps[0].at",
        "unknown command 'teleprt'",
        "after ticks",
        "$later is used before its step",
        "position",
    ):
        assert needle in problems, problems


def test_console_dry_run_cli_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    path = write(tmp_path, STORY)
    ok = runner.invoke(cli, ["console", "--dry-run", str(path), "--format", "jsonl"])
    assert ok.exit_code == 0, ok.output
    lines = [json.loads(x) for x in ok.output.splitlines() if x.startswith("{")]
    rows = [row for row in lines if "at" in row]
    assert len(rows) == 7
    story = dict(STORY, steps=[dict(STORY["steps"][2], expect="ok")])  # type: ignore[call-overload]
    failing = runner.invoke(cli, ["console", "--dry-run", str(write(tmp_path, story))])
    assert failing.exit_code == 3
    assert "UNEXPECTED" in failing.output
    broken = runner.invoke(
        cli, ["console", "--dry-run", str(write(tmp_path, {"ticks": 0}))]
    )
    assert broken.exit_code == 2


def test_run_with_commands_and_resume_gives_the_same_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    script = write(tmp_path, STORY)
    base = [
        "run",
        "--world",
        "python",
        "--telemetry",
        "null",
        "--no-progress",
        "--print-hash",
    ]
    full = runner.invoke(
        cli,
        [
            *base,
            "--ticks",
            "20",
            "--commands",
            str(script),
            "--snapshot-dir",
            "snaps",
            "--snapshot-every",
            "10",
        ],
    )
    assert full.exit_code == 0, full.output
    final_hash = full.output.strip().splitlines()[-1]
    autos = sorted(Path("snaps").glob("*/t000000010-auto.json.gz"))
    assert len(autos) == 1
    resumed = runner.invoke(cli, [*base, "--ticks", "10", "--resume", str(autos[0])])
    assert resumed.exit_code == 0, resumed.output
    assert resumed.output.strip().splitlines()[-1] == final_hash
