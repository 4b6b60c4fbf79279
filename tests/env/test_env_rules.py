"""The ParallelEnv's numbered rules (learning.md 4.1, 4.2) on focused drives."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

pytest.importorskip("pettingzoo", reason="pettingzoo not installed (townlet[rl])")

from envs import CHURN, config, masked_actions, random_actions

import townlet.env
from townlet.core.types import REWARD_COMPONENTS
from townlet.errors import ConfigError
from townlet.world.rng import SplitMix64

INFO_KEYS = {
    "uid",
    "tick",
    "option",
    "invalid_action",
    "reward_components",
    "termination_reason",
    "truncation_reason",
    "embedding_slot",
}


def _same(a: Any, b: Any) -> bool:
    """Deep equality of env outputs (arrays compared exactly, dtype included)."""
    if isinstance(a, dict):
        return (
            isinstance(b, dict)
            and a.keys() == b.keys()
            and all(_same(a[k], b[k]) for k in a)
        )
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    if isinstance(a, tuple | list):
        return (
            type(a) is type(b)
            and len(a) == len(b)
            and all(_same(x, y) for x, y in zip(a, b, strict=True))
        )
    return type(a) is type(b) and a == b


def test_same_seed_envs_agree_for_2000_ticks() -> None:
    cfg = config(CHURN)
    env1 = townlet.env.parallel_env(config=cfg)
    env2 = townlet.env.parallel_env(config=cfg)
    assert _same(env1.reset(seed=7), env2.reset(seed=7))
    rng1, rng2 = np.random.default_rng(11), np.random.default_rng(11)
    terminations = 0
    for _ in range(2000):
        if not env1.agents:
            break
        out1 = env1.step(random_actions(env1, rng1))
        out2 = env2.step(random_actions(env2, rng2))
        assert _same(out1, out2)
        assert env1.state_hash() == env2.state_hash()
        assert np.array_equal(env1.state(), env2.state())
        # the per-feature bounds are honest: every observation lies in its space
        assert all(env1.observation_space(a).contains(o) for a, o in out1[0].items())
        terminations += sum(out1[2].values())
    assert env1.session.world.tick == 2000
    assert terminations > 0


def test_names_are_world_ids_and_newcomers_join_in_uid_order() -> None:
    env = townlet.env.parallel_env(config=config(CHURN))
    obs, infos = env.reset(seed=3)
    assert env.possible_agents == [f"agent_{u}" for u in range(1024)]
    assert env.max_num_agents == 1024
    assert env.agents == [f"agent_{u}" for u in range(10)]
    rng = np.random.default_rng(0)
    seen_new = False
    for _ in range(600):
        before = list(env.agents)
        obs, rewards, terminated, truncated, infos = env.step(
            masked_actions(env, obs, rng)
        )
        new = [a for a in obs if a not in before]
        assert set(obs) == set(before) | set(new)
        for a in new:
            seen_new = True
            assert rewards[a] == 0.0
            assert not terminated[a]
            assert not truncated[a]
            assert infos[a]["uid"] == int(a.split("_")[1])
        for a in before:
            if terminated[a]:
                assert a not in env.agents
                assert infos[a]["termination_reason"] in ("faint", "eviction")
                assert set(obs[a]) == {"map", "features", "action_mask"}
        uids = [int(a.split("_")[1]) for a in env.agents]
        assert uids == sorted(uids)
        assert env.agents == [a for a in obs if not terminated[a] and not truncated[a]]
    assert seen_new


def test_name_pool_exhaustion_truncates_every_live_resident() -> None:
    env = townlet.env.parallel_env(config=config(CHURN, **{"env.name_pool_size": 12}))
    obs, _ = env.reset(seed=0)
    assert env.possible_agents == [f"agent_{u}" for u in range(12)]
    rng = np.random.default_rng(1)
    for _ in range(1000):
        before = list(env.agents)
        obs, _, terminated, truncated, infos = env.step(masked_actions(env, obs, rng))
        assert set(obs) <= set(env.possible_agents)
        if any(truncated.values()):
            break
    else:
        pytest.fail("the pool of 12 names was never exhausted")
    cut = [a for a in before if not terminated[a]]
    assert cut
    assert all(truncated[a] for a in cut)
    assert {infos[a]["truncation_reason"] for a in cut} == {"name_pool_exhausted"}
    assert env.agents == []
    assert env.session.world.tick < 1000  # the world is unaware of the pool


def test_newcomers_of_the_final_step_are_left_out() -> None:
    cfg = config(CHURN)
    probe = townlet.env.parallel_env(config=cfg)
    probe.reset(seed=2)
    while not probe.session.last_result or not probe.session.last_result.spawned:
        probe.step({})
    tick = probe.session.world.tick
    spawned = probe.session.last_result.spawned
    env = townlet.env.parallel_env(config=cfg)
    env.max_cycles = tick
    env.reset(seed=2)
    for _ in range(tick):
        before = list(env.agents)
        obs, _, terminated, truncated, _ = env.step({})
    assert env.session.last_result.spawned == spawned
    assert set(obs) == set(before)
    assert not set(spawned) & set(obs)
    assert all(truncated[a] != terminated[a] for a in before)
    assert env.agents == []


def test_pool_smaller_than_population_is_refused() -> None:
    env = townlet.env.parallel_env(config=config(**{"env.name_pool_size": 5}))
    with pytest.raises(ConfigError, match="name_pool_size"):
        env.reset(seed=0)


def test_spaces_are_cached_per_name_and_describe_the_observation() -> None:
    env = townlet.env.parallel_env(config=config(), variant="hybrid")
    obs, _ = env.reset(seed=0)
    space = env.observation_space("agent_0")
    assert space is env.observation_space("agent_0")
    assert space is not env.observation_space("agent_1")
    assert env.action_space("agent_3") is env.action_space("agent_3")
    assert env.action_space("agent_3").n == 8
    assert space["map"].shape == (6, 11, 11)
    assert space["map"].dtype == np.float32
    assert space["features"].shape == (146,)
    assert space["action_mask"].dtype == np.int8
    lo, hi = space["features"].low, space["features"].high
    names = env.session.layout.features
    assert lo[names.index("time_sin")] == -1.0
    assert hi[names.index("hunger")] == 1.0
    assert lo[names.index("hunger")] == 0.0
    for a in env.agents:
        assert space.contains(obs[a])
    compact = townlet.env.parallel_env(config=config(), variant="compact")
    assert set(compact.observation_space("agent_0").spaces) == {
        "features",
        "action_mask",
    }


def test_observations_are_fresh_arrays() -> None:
    env = townlet.env.parallel_env(config=config(), variant="full")
    obs, _ = env.reset(seed=0)
    buffers = env.session._buffers
    kept = {k: v.copy() for k, v in obs["agent_0"].items()}
    for v in obs["agent_0"].values():
        assert not any(
            np.shares_memory(v, b)
            for b in (buffers.map, buffers.features, buffers.action_mask)
        )
        v[...] = 0
    obs2, *_ = env.step({})
    assert not np.shares_memory(obs2["agent_0"]["features"], obs["agent_0"]["features"])
    env2 = townlet.env.parallel_env(config=config(), variant="full")
    first, _ = env2.reset(seed=0)
    assert all(np.array_equal(first["agent_0"][k], kept[k]) for k in kept)
    assert np.array_equal(env2.step({})[0]["agent_0"]["map"], obs2["agent_0"]["map"])


def test_missing_agents_wait_and_invalid_actions_run_as_zero() -> None:
    cfg = config()
    env_a = townlet.env.parallel_env(config=cfg, action_mode="primitive")
    env_b = townlet.env.parallel_env(config=cfg, action_mode="primitive")
    obs, _ = env_a.reset(seed=5)
    env_b.reset(seed=5)
    masked = [i for i in range(19) if obs["agent_1"]["action_mask"][i] == 0]
    assert masked
    given = {"agent_1": masked[0], "agent_2": 99, "agent_3": "x", "agent_999": 1}
    out_a = env_a.step(given)
    out_b = env_b.step(dict.fromkeys(env_b.agents, 0))
    infos = out_a[4]
    assert {a for a in infos if infos[a]["invalid_action"]} == {
        "agent_1",
        "agent_2",
        "agent_3",
    }
    assert not any(info["invalid_action"] for info in out_b[4].values())
    assert env_a.state_hash() == env_b.state_hash()
    assert _same(out_a[0], out_b[0])


def test_infos_hold_only_deterministic_fields() -> None:
    env = townlet.env.parallel_env(config=config())
    _, infos = env.reset(seed=0)
    assert all(set(info) == INFO_KEYS for info in infos.values())
    _, rewards, _, _, infos = env.step(dict.fromkeys(env.agents, 0))
    info = infos["agent_4"]
    assert info["tick"] == 1
    assert info["uid"] == 4
    assert list(info["reward_components"]) == list(REWARD_COMPONENTS)
    total = sum(info["reward_components"].values())
    assert rewards["agent_4"] == pytest.approx(total, abs=1e-5)
    assert info["option"] is None or isinstance(info["option"], str)
    assert isinstance(info["embedding_slot"], int)
    _obs, _, _, _, infos = env.step({"agent_0": 1})  # GetFed
    assert infos["agent_0"]["option"] in ("GetFed", None)


def test_max_cycles_aliases_max_ticks_from_the_next_reset() -> None:
    env = townlet.env.parallel_env(config=config(**{"env.max_ticks": 50}))
    assert env.max_cycles == 50
    env.reset(seed=0)
    env.max_cycles = 3
    for _ in range(3):
        _, _, _, truncated, _ = env.step({})
        assert not any(truncated.values())  # still the old limit of 50
    env.reset(seed=0)
    for _ in range(3):
        _, _, terminated, truncated, infos = env.step({})
    assert env.session.world.tick == 3
    assert all(truncated.values())
    assert not any(terminated.values())
    assert {i["truncation_reason"] for i in infos.values()} == {"max_ticks"}
    assert env.agents == []
    assert env.step({}) == ({}, {}, {}, {}, {})


def test_reset_without_seed_takes_the_next_splitmix64_output() -> None:
    cfg = config()
    env, ref = (townlet.env.parallel_env(config=cfg) for _ in range(2))
    seeder = SplitMix64(cfg.seed)
    env.reset()
    ref.reset(seed=seeder.next_u64())
    assert env.state_hash() == ref.state_hash()
    env.reset(seed=99)
    seeder = SplitMix64(99)
    env.reset()
    ref.reset(seed=seeder.next_u64())
    assert env.state_hash() == ref.state_hash()
    env.reset()
    ref.reset(seed=seeder.next_u64())
    assert env.state_hash() == ref.state_hash()


def test_reset_options_population_and_scenario() -> None:
    env = townlet.env.parallel_env(config=config(**{"env.max_population": 12}))
    env.reset(seed=0, options={"population": 12, "unknown": True})
    assert len(env.agents) == 12
    assert env.state().shape == (12 * 146,)
    env.reset(seed=0)
    assert len(env.agents) == 10
    env.reset(seed=0, options={"scenario": "churn"})
    assert env.session.episode_config.world.needs.decay.hunger == 0.004
    with pytest.raises(ConfigError, match=r"unknown scenario 'nope'.*churn"):
        env.reset(seed=0, options={"scenario": "nope"})
    with pytest.raises(ConfigError, match="population"):
        env.reset(seed=0, options={"population": 13})


def test_state_pads_live_features_to_the_seats() -> None:
    env = townlet.env.parallel_env(config=config(**{"env.max_population": 13}))
    obs, _ = env.reset(seed=0)
    state = env.state()
    assert state.shape == (13 * 146,)
    assert state.dtype == np.float32
    rows = state.reshape(13, 146)
    assert np.array_equal(rows[:10], np.stack([obs[a]["features"] for a in env.agents]))
    assert not rows[10:].any()
    assert env.state_space.contains(state)


def test_render_ansi_draws_the_map_with_residents() -> None:
    env = townlet.env.parallel_env(config=config(), render_mode="ansi")
    env.reset(seed=0)
    frame = env.render()
    assert frame.startswith("tick 0 (day 0, 06:00), 10 alive\n")
    assert frame.count("@") >= 1
    assert townlet.env.parallel_env(config=config()).render() is None
    with pytest.raises(ConfigError, match="render_mode"):
        townlet.env.parallel_env(config=config(), render_mode="human")


@pytest.mark.parametrize("mode", ["option", "primitive"])
def test_python_and_native_worlds_agree_through_the_env(
    provider: str, mode: str
) -> None:
    cfg = config(CHURN)
    env = townlet.env.parallel_env(config=cfg, world=provider, action_mode=mode)
    ref = townlet.env.parallel_env(config=cfg, world="python", action_mode=mode)
    assert _same(env.reset(seed=4), ref.reset(seed=4))
    assert env.world_provider.name == provider
    rng = np.random.default_rng(2)
    for _ in range(40):
        actions = random_actions(env, rng)
        out, expected = env.step(actions), ref.step(actions)
        assert env.state_hash() == ref.state_hash()
        assert out[1:] == expected[1:]
        for a, o in out[0].items():
            assert np.array_equal(o["action_mask"], expected[0][a]["action_mask"])
            assert np.allclose(o["features"], expected[0][a]["features"], atol=1e-6)
