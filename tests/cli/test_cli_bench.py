"""``townlet bench``: both worlds side by side, ratio, JSON and --min-sps."""

from __future__ import annotations

import json

import pytest

from townlet.cli.bench import dorm_map_text
from townlet.config import load_config


@pytest.mark.parametrize("beds", [1, 10, 25, 100])
def test_dorm_map_has_one_bed_per_agent_and_loads(tmp_path, beds):
    text = dorm_map_text(beds)
    grid = text.split("grid\n", 1)[1]
    assert grid.count("B") == beds
    path = tmp_path / "dorm.map"
    path.write_text(text)
    cfg = load_config(
        overrides={
            "world.map_file": str(path),
            "world.agents": beds,
            "world.embedding.max_slots": max(64, 2 * beds),
        }
    )
    assert cfg.world.lifecycle.population_target == beds


def test_python_only(invoke, tmp_path):
    out = tmp_path / "bench.json"
    result = invoke(
        "bench",
        "--agents",
        "3,12",
        "--ticks",
        "5",
        "--world",
        "python",
        "--json",
        str(out),
    )
    assert result.exit_code == 0, result.stderr
    steps, observe = result.stdout.split("\n\n")
    lines = steps.splitlines()
    assert lines[0].split() == ["agents", "world", "ticks", "ticks/s", "agent-steps/s"]
    assert [line.split()[:2] for line in lines[1:]] == [
        ["3", "python"],
        ["12", "python"],
    ]
    # observe per variant: one line per agent count and variant, with bytes/agent.
    rows = [line.split() for line in observe.splitlines()[1:]]
    assert [r[1:4] for r in rows] == [
        [str(n), v, b]
        for n in ("3", "12")
        for v, b in (("full", "9,325"), ("hybrid", "3,517"), ("compact", "613"))
    ]
    report = json.loads(out.read_text())
    assert [r["variant"] for r in report["observe"][:3]] == [
        "full",
        "hybrid",
        "compact",
    ]
    assert report["observe"][0]["micros_per_call"] > 0
    assert [r["agents"] for r in report["results"]] == [3, 12]
    assert report["results"][0]["ticks_per_second"] > 0
    assert report["machine"]["cores"] >= 1


def test_both_worlds_print_a_ratio_and_agree(invoke, needs_native):
    result = invoke("bench", "--agents", "4", "--ticks", "5")
    assert result.exit_code == 0, result.stderr
    assert "native" in result.stdout
    assert "python" in result.stdout
    assert "native/python =" in result.stdout
    assert "final state_hash identical" in result.stdout
    assert "native us/call  python us/call" in result.stdout


def test_min_sps_miss_exits_3(invoke):
    result = invoke(
        "bench",
        "--agents",
        "2",
        "--ticks",
        "3",
        "--world",
        "python",
        "--min-sps",
        "1e15",
    )
    assert result.exit_code == 3
    assert "below --min-sps" in result.stderr


def test_bad_agent_list_is_usage_error(invoke):
    result = invoke("bench", "--agents", "ten", "--world", "python")
    assert result.exit_code == 2
