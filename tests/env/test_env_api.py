"""PettingZoo's own checkers on the default town and on the churn scenario
(learning.md 4.2 rule 9)."""

from __future__ import annotations

import warnings

import pytest

pytest.importorskip("pettingzoo", reason="pettingzoo not installed (townlet[rl])")

from envs import CHURN, config
from pettingzoo.test import parallel_api_test, parallel_seed_test

import townlet.env

UNFINISHED = "No agents present but not all possible_agents are terminated or truncated"
TOWNS = {"default": None, "churn": CHURN}


@pytest.mark.parametrize("town", sorted(TOWNS))
def test_parallel_api_test_passes(town: str) -> None:
    env = townlet.env.parallel_env(config=config(TOWNS[town]))
    for k, agent in enumerate(env.possible_agents):  # reproducible sampled actions
        env.action_space(agent).seed(k)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # The API test sets max_cycles = 1000: every resident still live at tick
        # 1000 is truncated, and the other names of the pool of 1024 never finished.
        warnings.filterwarnings("ignore", message=UNFINISHED)
        parallel_api_test(env, num_cycles=1000)
    assert [str(w.message) for w in caught] == []
    assert env.session.world.tick == 1000


def test_churn_has_faints_and_newcomers_within_1000_ticks() -> None:
    env = townlet.env.parallel_env(config=config(CHURN))
    obs, _ = env.reset(seed=0)
    first = set(env.agents)
    faints = 0
    for _ in range(1000):
        actions = {
            a: env.action_space(a).sample(mask=obs[a]["action_mask"])
            for a in env.agents
        }
        obs, _, terminated, _, infos = env.step(actions)
        faints += sum(infos[a]["termination_reason"] == "faint" for a in terminated)
    assert faints > 0
    assert set(env.agents) - first


@pytest.mark.parametrize("town", sorted(TOWNS))
def test_parallel_seed_test_passes(town: str) -> None:
    cfg = config(TOWNS[town])
    parallel_seed_test(lambda: townlet.env.parallel_env(config=cfg), num_cycles=500)
