"""The loop hands the engine's totals to the policy and the breakdown to telemetry."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import numpy.typing as npt
from towns import build_world, make_settings

from townlet.config.rewards import RewardsConfig
from townlet.core.loop import SimulationLoop
from townlet.core.types import (
    REWARD_COMPONENTS,
    ProviderInfo,
    StepResult,
    TelemetryEvent,
)
from townlet.policy.stub import StubPolicy
from townlet.rewards import RewardEngine, RewardParams
from townlet.telemetry.jsonl import encode_event
from townlet.telemetry.lifecycle import SinkLifecycle


class Sink(SinkLifecycle):
    """Keeps every event."""

    provider = "recording"

    def __init__(self) -> None:
        super().__init__(fail_fast=True)
        self.events: list[TelemetryEvent] = []

    def _write(self, event: TelemetryEvent) -> None:
        self.events.append(event)


class Recorder(StubPolicy):
    """Waits and records the rewards handed to ``on_step_end``."""

    def __init__(self) -> None:
        super().__init__()
        self.rewards: list[npt.NDArray[np.float64]] = []

    def on_step_end(self, result: StepResult, rewards: npt.NDArray[np.float64]) -> None:
        self.rewards.append(rewards.copy())


def run(provider: str, ticks: int) -> tuple[SimulationLoop, Recorder, Sink]:
    world: Any = build_world(provider, lifecycle__population_target=3)
    engine = RewardEngine(RewardParams.from_settings(RewardsConfig(), make_settings()))
    policy, sink = Recorder(), Sink()
    loop = SimulationLoop(
        world,
        policy,
        sink,
        world_provider=ProviderInfo("world", provider, provider),
        policy_provider=ProviderInfo("policy", "stub", "stub"),
        telemetry_provider=ProviderInfo("telemetry", "recording", "recording"),
        rewards=engine,
    )
    with loop:
        loop.run(ticks)
    return loop, policy, sink


def test_policy_gets_the_totals_and_telemetry_the_breakdown(provider: str) -> None:
    loop, policy, sink = run(provider, 5)
    assert len(policy.rewards) == 5
    last = loop.last_rewards
    assert last is not None
    assert np.array_equal(policy.rewards[-1], last.total.astype(np.float64))
    assert (policy.rewards[-1] != 0).all()
    rewards = [e for e in sink.events if e.kind == "loop.rewards"]
    assert len(rewards) == 5
    payload = rewards[-1].payload
    assert list(payload["names"]) == list(REWARD_COMPONENTS)
    assert payload["agents"] == last.agent_ids
    assert np.array_equal(payload["total"], last.total)
    assert np.array_equal(payload["components"], last.components)
    line = json.loads(encode_event(rewards[-1]))["payload"]
    # float32 written shortest: it reads back as the same float32
    assert np.float32(line["components"][0][0]) == last.components[0, 0]
    entry = last.as_telemetry()[last.agent_ids[0]]  # the per-agent form
    assert list(entry["components"]) == list(REWARD_COMPONENTS)
    assert entry["total"] == float(last.total[0])
    kinds = [e.kind for e in sink.events]
    assert kinds.index("loop.rewards") < kinds.index("loop.tick")


def test_observation_spec_lists_the_components(provider: str) -> None:
    world: Any = build_world(provider, lifecycle__population_target=1)
    assert world.observation_spec("compact", "option").reward_components == (
        REWARD_COMPONENTS
    )
