"""A tiny in-memory world and recording sink for loop and registry tests.

The fake world implements the WorldRuntime protocol with two agents on a line; its
``fail_at`` tick makes ``step`` raise, to test the loop's failure path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest

from townlet.core.types import (
    PRIMITIVE_ACTION_NAMES,
    ObservationBuffers,
    ObservationSpec,
    RowFlags,
    StepResult,
    TelemetryEvent,
    WorldView,
)
from townlet.telemetry.lifecycle import SinkLifecycle


class FakeWorld:
    """Agents a0..a(n-1); allows wait, move_n and move_e; one agent joins per tick."""

    provider = "fake"

    def __init__(
        self, agents: int = 2, *, fail_at: int | None = None, grow: bool = False
    ):
        self.agents = agents
        self.fail_at = fail_at
        self.grow = grow
        self.tick = 0
        self.day = 0
        self.ids: list[str] = []
        self.actions_seen: list[list[int]] = []
        self.observe_calls = 0

    def reset(self, seed: int) -> None:
        self.tick = 0
        self.seed = seed
        self.ids = [f"a{i}" for i in range(self.agents)]

    def agent_ids(self) -> list[str]:
        return list(self.ids)

    def step(self, actions: Any, mode: str) -> StepResult:
        if actions.shape != (len(self.ids),):
            raise ValueError("bad shape")
        self.tick += 1
        if self.fail_at is not None and self.tick == self.fail_at:
            raise RuntimeError("boom")
        self.actions_seen.append(actions.tolist())
        spawned = []
        if self.grow:
            new = f"a{len(self.ids)}"
            self.ids.append(new)
            spawned.append(new)
        n = len(self.ids)
        events = [{"tick": self.tick, "seq": 0, "name": "day_started", "day": 0}]
        terminated = [("a0", "faint")] if self.tick == 2 else []
        return StepResult(
            tick=self.tick,
            events=events,
            terminated=terminated,
            spawned=spawned,
            command_results=[],
            agent_ids=list(self.ids),
            needs_before=np.zeros((n, 3)),
            needs_after=np.zeros((n, 3)),
            wages=np.zeros(n),
            flags=RowFlags.empty(n),
        )

    def observation_spec(self, variant: str, mode: Any = None) -> ObservationSpec:
        return ObservationSpec(
            action_mode="primitive", action_names=PRIMITIVE_ACTION_NAMES
        )

    def observe(self, buffers: ObservationBuffers) -> None:
        n = len(self.ids)
        if buffers.rows < n:
            raise ValueError("too few rows")
        self.observe_calls += 1
        buffers.action_mask[:n] = 0
        buffers.action_mask[:n, :3] = 1
        buffers.alive[:n] = True

    def apply_command(self, command: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def export_state(self) -> dict[str, Any]:
        return {"tick": self.tick}

    def import_state(self, state: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def state_hash(self) -> str:
        return f"fake-{self.tick}"

    def view(self) -> WorldView:
        events = ({"tick": 0, "seq": 0, "name": "agent_spawned", "agent_id": "a0"},)
        return WorldView(0, 0, 0, 1, 1, (".",), (), (), events)


class RecordingSink(SinkLifecycle):
    """Keeps every event it receives."""

    provider = "recording"

    def __init__(self) -> None:
        super().__init__(fail_fast=True)
        self.events: list[TelemetryEvent] = []

    def _write(self, event: TelemetryEvent) -> None:
        self.events.append(event)

    def kinds(self) -> list[str]:
        return [event.kind for event in self.events]


@pytest.fixture
def fake_world() -> FakeWorld:
    """A two-agent fake world."""
    return FakeWorld()


@pytest.fixture
def recording_sink() -> RecordingSink:
    """A sink that records events."""
    return RecordingSink()


@pytest.fixture
def world_class() -> type[FakeWorld]:
    """The fake world class, for tests that need options."""
    return FakeWorld
