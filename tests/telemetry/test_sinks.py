"""Sink lifecycle and output (operations.md T-2, 1.5)."""

from __future__ import annotations

import io
import json
import sys

import numpy as np
import pytest

from townlet.core.protocols import TelemetrySink
from townlet.core.types import TelemetryEvent
from townlet.telemetry import (
    FileSink,
    MultiSink,
    NullSink,
    StdoutSink,
    StubSink,
    TelemetryClosed,
    TelemetryNotStarted,
    encode_event,
)

EVENT = TelemetryEvent("world.agent_spawned", 0, {"agent_id": "a", "eid": "0:0"})
TICK = TelemetryEvent("loop.tick", 1, {"alive": 1})


@pytest.fixture(params=["file", "stdout", "null", "stub"])
def sink(request, tmp_path):
    return {
        "file": lambda: FileSink(tmp_path / "t.jsonl"),
        "stdout": StdoutSink,
        "null": NullSink,
        "stub": StubSink,
    }[request.param]()


def test_every_sink_follows_the_protocol(sink):
    assert isinstance(sink, TelemetrySink)


def test_emit_before_start_raises(sink):
    with pytest.raises(TelemetryNotStarted):
        sink.emit(EVENT)


def test_emit_after_stop_raises(sink):
    sink.start()
    sink.stop()
    with pytest.raises(TelemetryClosed):
        sink.emit(EVENT)


def test_start_and_stop_are_idempotent(sink, capsys):
    sink.stop()  # safe before start
    sink = type(sink)(sink.path) if isinstance(sink, FileSink) else type(sink)()
    sink.start()
    sink.start()
    sink.emit(EVENT)
    sink.stop()
    sink.stop()
    status = sink.status()
    assert status.sent == 1
    assert not status.connected


def test_context_manager(sink, capsys):
    with sink:
        assert sink.status().connected
        sink.emit(EVENT)
    assert not sink.status().connected


def test_file_sink_creates_parents_and_writes_json_lines(tmp_path):
    path = tmp_path / "runs" / "r-1" / "telemetry.jsonl"
    sink = FileSink(path)
    assert not path.parent.exists()  # constructor opens nothing
    with sink:
        sink.emit(EVENT)
        sink.emit(TICK)
        # flushed at the tick boundary: a reader sees both lines already
        assert len(path.read_text().splitlines()) == 2
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines[0] == {
        "kind": "world.agent_spawned",
        "tick": 0,
        "payload": {"agent_id": "a", "eid": "0:0"},
    }
    assert lines[1]["kind"] == "loop.tick"


def test_stdout_sink_writes_one_line_per_event(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    with StdoutSink() as sink:
        sink.emit(EVENT)
        sink.emit(TICK)
    assert [json.loads(line)["kind"] for line in out.getvalue().splitlines()] == [
        "world.agent_spawned",
        "loop.tick",
    ]


def test_write_faults_are_counted_not_raised(tmp_path):
    sink = FileSink(tmp_path / "t.jsonl")
    with sink:
        sink.emit(TelemetryEvent("x", 0, {"bad": float("nan")}))
        sink.emit(EVENT)
    status = sink.status()
    assert (status.sent, status.dropped) == (1, 1)
    assert "ValueError" in status.last_error


def test_fail_fast_raises_faults(tmp_path):
    sink = FileSink(tmp_path / "t.jsonl", fail_fast=True)
    with sink, pytest.raises(ValueError, match="Out of range float"):
        sink.emit(TelemetryEvent("x", 0, {"bad": float("inf")}))


def test_encode_handles_numpy_values():
    import numpy as np

    line = encode_event(TelemetryEvent("x", 1, {"n": np.int64(3), "a": np.arange(2)}))
    assert json.loads(line)["payload"] == {"n": 3, "a": [0, 1]}


def test_multi_sink_fans_out(tmp_path):
    first, second = NullSink(), FileSink(tmp_path / "m.jsonl")
    with MultiSink([first, second]) as multi:
        multi.emit(EVENT)
        assert multi.status().connected
    assert first.status().sent == 1
    assert len((tmp_path / "m.jsonl").read_text().splitlines()) == 1
    assert multi.status().sent == 2
    assert not multi.status().connected


def test_unwritable_file_is_a_provider_error(tmp_path):
    from townlet.errors import ProviderError

    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    sink = FileSink(blocker / "t.jsonl")
    with pytest.raises(ProviderError, match="cannot open telemetry file"):
        sink.start()


def test_encoding_keeps_nulls_and_refuses_non_finite_floats():
    from townlet.telemetry.jsonl import encode_event

    line = encode_event(TelemetryEvent("x", 2, {"late": None, "v": np.float32(0.5)}))
    assert json.loads(line) == {
        "kind": "x",
        "tick": 2,
        "payload": {"late": None, "v": 0.5},
    }
    for bad in (float("inf"), np.array([1.0, np.nan])):
        with pytest.raises(ValueError, match="JSON compliant"):
            encode_event(TelemetryEvent("x", 2, {"bad": bad}))
