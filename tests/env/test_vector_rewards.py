"""Vector rewards and KPIs: the same rewards as the reward engine on a single world
driven with the same actions, zeros on vacant rows, social stages on both backends,
and a ``kpi`` dict every ``env.log_every_ticks`` (learning.md 3, 4.4 rule 4, 5.4)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from towns import native_built
from vec_towns import BACKENDS, churn_config, make, masked_random

from townlet.config import world_settings
from townlet.env import VectorTownlet
from townlet.env.vector_python import town_seed_state
from townlet.policy.kpi import SPEC_KPIS
from townlet.rewards import RewardEngine, RewardParams
from townlet.world.python_world import PythonWorld
from townlet.world.rng import SplitMix64

KPI_NAMES = set(SPEC_KPIS)


def test_rewards_equal_the_engine_on_a_single_world() -> None:
    config = churn_config()
    vec = make(1, "python", config=config)
    obs, _ = vec.reset(seed=4)
    settings = world_settings(config)
    settings["actions"]["mode"] = "option"
    world = PythonWorld(settings)
    world.reset(SplitMix64(town_seed_state(4, 0)).next_u64())
    engine = RewardEngine(RewardParams.from_config(config))
    rng = np.random.default_rng(2)
    compared = 0
    for _ in range(120):
        seats = {int(u): s for s, u in enumerate(obs.buffers.uid.tolist()) if u >= 0}
        actions = masked_random(obs.buffers.action_mask, rng)
        by_agent = np.array(
            [
                actions[seats[int(a[6:])]] if int(a[6:]) in seats else 0
                for a in world.agent_ids()
            ],
            dtype=np.int32,
        )
        result = world.step(by_agent, "option")
        expected = engine.step(result, world.export_state)
        obs, rewards, _, _, _ = vec.step(actions)
        components = vec.buffers["reward_components"]
        for k, agent_id in enumerate(result.agent_ids):
            seat = seats.get(int(agent_id[6:]))
            if seat is None:
                continue
            assert rewards[seat] == expected.total[k]
            assert components[seat].tolist() == expected.components[k].tolist()
            compared += 1
    assert compared > 1000


@pytest.mark.parametrize("backend", BACKENDS)
def test_vacant_rows_earn_nothing(backend: str) -> None:
    vec = make(1, backend)
    vec.reset()
    seen = 0
    for _ in range(160):
        _, rewards, _, _, _ = vec.step(np.zeros(10, np.int32))
        free = vec.buffers["spawned"]
        if free.any():
            seen += 1
            assert not rewards[free].any()
            assert not vec.buffers["reward_components"][free].any()
    assert seen > 5


@pytest.mark.skipif(not native_built(), reason="townlet._native is not built")
def test_social_stage_rewards_agree_across_backends() -> None:
    config = churn_config(**{"world.needs.decay.hunger": 0.001})

    def run(backend: str) -> list[np.ndarray]:
        vec = make(2, backend, config=config)
        vec.set_stage("C2")
        obs, _ = vec.reset()
        rng = np.random.default_rng(8)
        out = []
        for _ in range(150):
            vec.step(masked_random(obs.buffers.action_mask, rng))
            out.append(vec.buffers["reward_components"].copy())
        return out

    native, python = run("native"), run("python")
    assert all(np.array_equal(a, b) for a, b in zip(native, python, strict=True))
    assert any(a[:, 6:8].any() for a in native)  # chat or chat_fail paid


@pytest.mark.parametrize("backend", BACKENDS)
def test_kpi_every_log_interval(backend: str) -> None:
    config = churn_config(**{"env.log_every_ticks": 16})
    vec = make(2, backend, config=config, keep_events=True)
    vec.reset()
    kpis: list[tuple[int, list[Any]]] = []
    for step in range(1, 81):
        _, _, _, _, infos = vec.step(np.zeros(20, np.int32))
        if any("kpi" in info for info in infos):
            kpis.append((step, [info["kpi"] for info in infos]))
    assert [step for step, _ in kpis] == [16, 32, 48, 64, 80]
    for _, per_town in kpis:
        for kpi in per_town:
            assert set(kpi) >= KPI_NAMES
            assert kpi["agent_ticks"] > 0
    # Waiting residents starve: faints (about tick 67) count as incidents.
    assert sum(k["starvation_incidents"] for k in kpis[-1][1]) > 0
    assert all(0.0 <= k["needs_ok_fraction"] <= 1.0 for k in kpis[0][1])


@pytest.mark.parametrize("backend", BACKENDS)
def test_kpi_option_switch_rate_counts_abandoned_options(backend: str) -> None:
    config = churn_config(**{"env.log_every_ticks": 40})
    vec = make(2, backend, config=config)
    vec.reset()
    rates = []
    for step in range(1, 121):
        # GetFed (1) for 20 steps, then Wait (0): waiting leaves the active GetFed
        action = 1 if step <= 20 else 0
        _, _, _, _, infos = vec.step(np.full(20, action, np.int32))
        if "kpi" in infos[0]:
            rates.append([info["kpi"]["option_switch_rate"] for info in infos])
    assert len(rates) == 3
    assert all(0.0 <= r <= 1.0 for town in rates for r in town)
    assert any(r > 0 for r in rates[0])  # GetFed abandoned by the first Wait
    assert all(r == 0.0 for r in rates[2])  # nobody has an option left to leave


def test_kpi_option_switch_rate_is_none_in_primitive_mode() -> None:
    config = churn_config(**{"env.log_every_ticks": 8})
    vec = VectorTownlet(1, config, "compact", "primitive", seed=3)
    vec.reset()
    for _ in range(8):
        _, _, _, _, infos = vec.step(np.zeros(10, np.int32))
    assert infos[0]["kpi"]["option_switch_rate"] is None
