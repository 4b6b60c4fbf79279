"""``townlet.cli.bench_loop``: the whole loop timed on both worlds."""

from __future__ import annotations

import json

import pytest

from townlet.cli.bench_loop import loop_config, measure_loop


@pytest.mark.usefixtures("needs_native")
@pytest.mark.parametrize("agents", [3, 14])
def test_both_worlds_run_the_same_loop(agents):
    config = loop_config(None, agents)  # 14 on the 10-bed town: crowded, homeless
    results = [
        measure_loop(world, config, agents=agents, ticks=30, seed=4, policy="random")
        for world in ("native", "python")
    ]
    native, python = results
    assert native.state_hash == python.state_hash
    assert native.agent_steps == python.agent_steps > 0
    assert native.ticks == 30
    assert native.as_dict()["agent_steps_per_second"] > 0


def test_loop_config_sizes_the_town():
    config = loop_config(None, 100)
    assert config.world.lifecycle.population_target == 100
    assert config.world.embedding.max_slots == 200


@pytest.mark.usefixtures("needs_native")
def test_cli_loop_bench_prints_both_worlds_and_writes_json(invoke, tmp_path):
    out = tmp_path / "loop.json"
    result = invoke(
        "bench", "--loop", "--agents", "4", "--ticks", "20", "--telemetry", "file",
        "--json", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "ratio   native/python" in result.output
    assert "state_hash identical" in result.output
    report = json.loads(out.read_text())
    assert [r["world"] for r in report["loop"]] == ["native", "python"]
    assert report["ratios"][0]["parity"] is True


def test_cli_loop_bench_min_sps_fails_with_exit_3(invoke):
    result = invoke(
        "bench", "--loop", "--agents", "3", "--ticks", "5", "--world", "python",
        "--min-sps", "1e12",
    )  # fmt: skip
    assert result.exit_code == 3
    assert "below --min-sps" in result.output
