"""``townlet.cli.bench_loop``: the whole loop timed on both worlds."""

from __future__ import annotations

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
