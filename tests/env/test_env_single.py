"""The Gymnasium wrapper (learning.md 4.3): check_env, episode ends, background."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import numpy as np
import pytest

pytest.importorskip("gymnasium", reason="gymnasium not installed (townlet[rl])")

from envs import CHURN, config
from gymnasium.utils.env_checker import check_env

import townlet.env
from townlet.core import registry
from townlet.errors import ConfigError, SimulationError


@pytest.mark.parametrize("background", ["random", "scripted"])
def test_check_env_passes(background: str) -> None:
    env = townlet.env.single_agent_env(
        config=config(), background=background, render_mode="ansi"
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(env, skip_render_check=False)
    # The only warning: no registered gymnasium spec to test other render modes.
    assert [
        str(w.message) for w in caught if "render modes" not in str(w.message)
    ] == []
    assert env.background.provider == background


def test_scripted_is_the_default_background() -> None:
    env = townlet.env.single_agent_env(config=config())
    assert env.background_info.name == "scripted"
    obs, _ = env.reset(seed=0)
    for _ in range(20):
        obs, *_ = env.step(0)
    assert env.observation_space.contains(obs)


def test_same_seed_same_episode_and_background_draws() -> None:
    cfg = config(CHURN)
    runs = []
    for _ in range(2):
        env = townlet.env.single_agent_env(config=cfg, background="random")
        obs, _ = env.reset(seed=8)
        trace = [obs["features"].copy()]
        for t in range(300):
            obs, reward, terminated, truncated, info = env.step(t % 8)
            trace.append((obs["features"].copy(), reward, info["tick"]))
            if terminated or truncated:
                break
        runs.append((trace, env.session.world.state_hash()))
    (trace_a, hash_a), (trace_b, hash_b) = runs
    assert hash_a == hash_b
    assert len(trace_a) == len(trace_b)
    assert np.array_equal(trace_a[0], trace_b[0])
    for (fa, ra, ta), (fb, rb, tb) in zip(trace_a[1:], trace_b[1:], strict=True):
        assert np.array_equal(fa, fb)
        assert ra == rb
        assert ta == tb


def test_focal_termination_ends_the_episode() -> None:
    env = townlet.env.single_agent_env(
        config=config(CHURN), focal_seat=2, background="random"
    )
    obs, info = env.reset(seed=0)
    assert env.focal == "agent_2"
    assert info["uid"] == 2
    for _ in range(1000):
        obs, _reward, terminated, truncated, info = env.step(0)  # Wait: never eats
        if terminated or truncated:
            break
    assert terminated
    assert not truncated
    assert info["termination_reason"] == "faint"
    assert env.observation_space.contains(obs)
    with pytest.raises(SimulationError, match="reset"):
        env.step(0)


def test_max_ticks_truncates_the_focal_resident() -> None:
    env = townlet.env.single_agent_env(
        config=config(**{"env.max_ticks": 5}), background="stub"
    )
    env.reset(seed=0)
    flags = [env.step(0)[2:4] for _ in range(5)]
    assert flags == [(False, False)] * 4 + [(False, True)]


def test_bad_seat_policy_and_mode_are_refused() -> None:
    with pytest.raises(ConfigError, match="focal_seat"):
        townlet.env.single_agent_env(config=config(), focal_seat=10)
    with pytest.raises(ConfigError, match="unknown policy provider"):
        townlet.env.single_agent_env(config=config(), background="nope")


def test_background_policy_acts_in_the_env_mode() -> None:
    env = townlet.env.single_agent_env(
        config=config(), background="random", action_mode="primitive"
    )
    assert env.background.action_mode == "primitive"
    assert env.action_space.n == 19
    obs, _ = env.reset(seed=1)
    assert obs["action_mask"].shape == (19,)
    env.step(0)


class _Recorder:
    """A background policy that records its hooks and always picks action 0."""

    provider = "env-test-recorder"
    action_mode = "option"

    def __init__(self) -> None:
        self.calls: list[str] = []

    def on_episode_start(self, spec: object, agent_ids: list[str]) -> None:
        self.calls.append(f"start:{len(agent_ids)}")

    def decide(self, batch: object) -> np.ndarray:
        ids = batch.agent_ids  # type: ignore[attr-defined]
        self.calls.append(f"decide:{batch.tick}")  # type: ignore[attr-defined]
        return np.zeros(len(ids), dtype=np.int32)

    def on_step_end(self, result: object, rewards: np.ndarray) -> None:
        self.calls.append(f"end_step:{result.tick}")  # type: ignore[attr-defined]

    def on_episode_end(self) -> None:
        self.calls.append("end")

    def identity(self) -> object:
        return None


@pytest.fixture
def recorder() -> Iterator[_Recorder]:
    """A registered recorder policy; the registry table is restored afterwards."""
    saved = dict(registry._REGISTRY.table)
    policy = _Recorder()
    registry.register("policy", "env-test-recorder", lambda context: policy)
    yield policy
    registry._REGISTRY.table.clear()
    registry._REGISTRY.table.update(saved)


def test_background_policy_hooks_follow_the_episodes(recorder: _Recorder) -> None:
    env = townlet.env.single_agent_env(config=config(), background="env-test-recorder")
    env.reset(seed=0)
    env.step(0)
    env.step(0)
    env.reset(seed=1)
    env.close()
    env.close()
    assert recorder.calls == [
        "start:10",
        "decide:0",
        "end_step:1",
        "decide:1",
        "end_step:2",
        "end",
        "start:10",
        "end",
    ]
