"""SimulationLoop lifecycle, tick order, counters and failures (architecture.md 4)."""

from __future__ import annotations

import numpy as np
import pytest

from townlet.core.loop import SimulationLoop
from townlet.core.types import ProviderInfo
from townlet.errors import SimulationError
from townlet.policy.random import RandomPolicy
from townlet.policy.stub import StubPolicy
from townlet.world.rng import Rng


def make_loop(world, sink, policy=None, seed=7) -> SimulationLoop:
    return SimulationLoop(
        world,
        policy or RandomPolicy(),
        sink,
        world_provider=ProviderInfo("world", "fake", "fake"),
        policy_provider=ProviderInfo("policy", "random", "random"),
        telemetry_provider=ProviderInfo("telemetry", "recording", "recording"),
        seed=seed,
        run_id="r-test",
        config_id="cfg",
    )


def test_start_resets_world_and_emits_providers_once(fake_world, recording_sink):
    loop = make_loop(fake_world, recording_sink)
    loop.start()
    loop.start()  # idempotent
    assert fake_world.seed == 7
    assert loop.tick == 0
    assert recording_sink.kinds() == ["loop.providers", "world.agent_spawned"]
    providers = recording_sink.events[0].payload["providers"]
    assert providers["world"]["name"] == "fake"
    assert recording_sink.events[1].payload["eid"] == "0:0"
    loop.stop()


def test_step_before_start_raises(fake_world, recording_sink):
    loop = make_loop(fake_world, recording_sink)
    with pytest.raises(SimulationError, match="not running"):
        loop.step()


def test_run_steps_and_emits_tick_events(fake_world, recording_sink):
    with make_loop(fake_world, recording_sink) as loop:
        assert loop.run(5) == 5
        assert loop.tick == 5
    kinds = recording_sink.kinds()
    assert kinds.count("loop.tick") == 5
    assert kinds.count("world.day_started") == 5
    # world events of a tick come before its loop.tick summary
    assert kinds.index("world.day_started") < kinds.index("loop.tick")
    assert loop.counters.ticks == 5
    assert loop.counters.agent_steps == 10
    assert dict(loop.counters.deaths) == {"faint": 1}
    assert not loop.is_running


def test_progress_callback_sees_each_tick(fake_world, recording_sink):
    seen = []
    with make_loop(fake_world, recording_sink) as loop:
        loop.run(3, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_stop_is_idempotent_and_stops_telemetry(fake_world, recording_sink):
    loop = make_loop(fake_world, recording_sink)
    loop.stop()  # safe without start
    loop.stop()
    assert not recording_sink.status().connected
    with pytest.raises(SimulationError, match="already stopped"):
        loop.start()


def test_request_stop_ends_run_early(fake_world, recording_sink):
    with make_loop(fake_world, recording_sink) as loop:
        done = loop.run(
            10, progress=lambda d, t: loop.request_stop() if d == 3 else None
        )
    assert done == 3


def test_failure_emits_loop_failure_then_raises(world_class, recording_sink):
    world = world_class(fail_at=3)
    loop = make_loop(world, recording_sink)
    with loop, pytest.raises(SimulationError, match=r"tick 3 failed in world.step"):
        loop.run(10)
    assert recording_sink.kinds()[-1] == "loop.failure"
    failure = recording_sink.events[-1]
    assert failure.tick == 3
    assert failure.payload["error"] == "RuntimeError"
    assert loop.counters.ticks == 2


def test_policy_draws_from_loop_owned_policy_stream(fake_world, recording_sink):
    with make_loop(fake_world, recording_sink, seed=11) as loop:
        loop.run(4)
    expected_rng = Rng.for_stream(11, "policy")
    # the fake mask allows actions 0, 1, 2 on each of the two rows
    expected = [[expected_rng.rand_index(3) for _ in range(2)] for _ in range(4)]
    assert fake_world.actions_seen == expected


def test_same_seed_same_actions(world_class, recording_sink):
    runs = []
    for _ in range(2):
        world = world_class()
        with make_loop(world, type(recording_sink)(), seed=3) as loop:
            loop.run(6)
        runs.append(world.actions_seen)
    assert runs[0] == runs[1]


def test_actions_outside_mask_run_as_zero_and_are_counted(fake_world, recording_sink):
    class Rogue(StubPolicy):
        def decide(self, batch):
            return np.full(len(batch.agent_ids), 7, dtype=np.int32)

    with make_loop(fake_world, recording_sink, policy=Rogue()) as loop:
        loop.run(2)
    assert fake_world.actions_seen == [[0, 0], [0, 0]]
    assert loop.counters.invalid_actions == 4


def test_wrong_action_shape_is_a_simulation_error(fake_world, recording_sink):
    class Short(StubPolicy):
        def decide(self, batch):
            return np.zeros(1, dtype=np.int32)

    with (
        make_loop(fake_world, recording_sink, policy=Short()) as loop,
        pytest.raises(SimulationError, match=r"shape \(1,\), expected \(2,\)"),
    ):
        loop.step()
    assert recording_sink.kinds()[-1] == "loop.failure"


def test_buffers_allocated_once_and_regrown_only_when_rows_grow(
    world_class, recording_sink
):
    steady = world_class()
    with make_loop(steady, recording_sink) as loop:
        first = loop.buffers
        loop.run(5)
        assert loop.buffers is first
        assert loop.counters.buffer_allocations == 1
    growing = world_class(grow=True)
    with make_loop(growing, type(recording_sink)()) as loop:
        loop.run(3)
        assert loop.buffers.rows == 5
        assert loop.counters.buffer_allocations == 4


def test_progress_log_every_n_ticks(world_class, recording_sink):
    from structlog.testing import capture_logs

    loop = make_loop(world_class(), recording_sink)
    loop.progress_every_ticks = 2
    with capture_logs() as logs, loop:
        loop.run(5)
    progress = [entry for entry in logs if entry["event"] == "sim.progress"]
    assert len(progress) == 2
    assert progress[0]["alive"] == 2
    assert progress[0]["log_level"] == "info"
