"""File rotation and the stdout stream (operations.md 1.5, T-10)."""

from __future__ import annotations

import gzip
import json

from townlet.core.types import TelemetryEvent
from townlet.telemetry.pipeline import TelemetryPipeline, channel_for
from townlet.telemetry.transport import FileTransport, StdoutTransport


def drive(pipe, ticks):
    with pipe:
        for t in range(1, ticks + 1):
            pipe.emit(TelemetryEvent("world.x", t, {"eid": f"{t}:0"}))
            pipe.emit(TelemetryEvent("loop.tick", t, {}))


def test_rotation_by_ticks_gzips_keeps_and_starts_each_file_with_a_snapshot(tmp_path):
    path = tmp_path / "t.jsonl"
    transport = FileTransport("r-t", path, rotate_every_ticks=10, keep=2)
    drive(TelemetryPipeline([channel_for(transport)]), 35)
    rotated = sorted(p.name for p in tmp_path.iterdir())
    assert rotated == ["t.000002.jsonl.gz", "t.000003.jsonl.gz", "t.jsonl"]
    with gzip.open(tmp_path / "t.000003.jsonl.gz", "rt") as handle:
        frames = [json.loads(line) for line in handle]
    assert [f["tick"] for f in frames] == list(range(20, 30))
    assert frames[0]["payload_type"] == "snapshot"
    current = [json.loads(line) for line in path.read_text().splitlines()]
    assert current[0]["payload_type"] == "snapshot"
    assert current[-1]["payload_type"] == "end"


def test_rotation_by_size(tmp_path):
    path = tmp_path / "t.jsonl"
    transport = FileTransport("r-t", path, rotate_bytes=2000, gzip_rotated=False)
    drive(TelemetryPipeline([channel_for(transport)]), 60)
    assert transport.rotations >= 2
    for rotated in tmp_path.glob("t.0*.jsonl"):
        first = json.loads(rotated.read_text().splitlines()[0])
        assert first["payload_type"] == "snapshot"


def test_stdout_carries_only_frames(capfdbinary):
    drive(TelemetryPipeline([channel_for(StdoutTransport("r-t"))]), 3)
    out = capfdbinary.readouterr().out.decode().splitlines()
    kinds = [json.loads(line)["payload_type"] for line in out]
    assert kinds == ["snapshot", "diff", "diff", "end"]
