"""A real run through the pipeline: lifecycle, schema, reconstruction, totals.

Operations.md T-2, T-11, T-21, T-30, T-40 to T-42. The 500-tick file run is
module-scoped and shared by the checks below.
"""

from __future__ import annotations

import threading

import jsonschema
import pytest

import townlet
from townlet.core.types import TelemetryEvent
from townlet.telemetry import TelemetryClosed, TelemetryNotStarted
from townlet.telemetry.frames import FrameEncoder
from townlet.telemetry.pipeline import TelemetryPipeline, channel_for
from townlet.telemetry.reader import StreamReader, read_jsonl
from townlet.telemetry.schema import event_schema, frame_schema, strict
from townlet.telemetry.transport import FileTransport

TICKS = 500


@pytest.fixture(scope="module")
def run_500(tmp_path_factory):
    """A 500-tick default-town run with file telemetry, world refreshed each tick."""
    mp = pytest.MonkeyPatch()
    mp.setenv("TOWNLET_TELEMETRY_VALIDATE", "raise")
    path = tmp_path_factory.mktemp("run") / "t.jsonl"
    cfg = townlet.load_config(
        overrides={"telemetry.world_every_ticks": 1, "telemetry.fail_fast": True}
    )
    sim = townlet.build_simulation(cfg, telemetry=f"file:{path}")
    states = []
    with sim:
        pipe = sim.telemetry
        publish = pipe._publish
        pipe._publish = lambda s: (states.append(s), publish(s))
        sim.run(TICKS)
    mp.undo()
    return list(read_jsonl(path)), states, pipe


def test_every_frame_of_a_500_tick_run_validates_strictly(run_500):
    frames, _, _ = run_500
    validator = jsonschema.Draft202012Validator(strict(frame_schema()))
    events = jsonschema.Draft202012Validator(event_schema())
    for frame in frames:
        error = jsonschema.exceptions.best_match(validator.iter_errors(frame))
        assert error is None, f"{list(error.absolute_path)}: {error.message}"
        for event in frame.get("events", ()):
            events.validate(event)
    assert [f["payload_type"] for f in frames[:2]] == ["snapshot", "diff"]
    assert frames[-1]["payload_type"] == "end"
    assert len(frames) == TICKS + 1


def test_published_schemas_pass_the_metaschema():
    jsonschema.Draft202012Validator.check_schema(frame_schema())
    jsonschema.Draft202012Validator.check_schema(event_schema())


def test_committed_schema_files_are_current():
    from townlet.telemetry.schema.__main__ import main

    assert main(["build", "--check", "--docs", "docs/schemas"]) == 0


@pytest.mark.parametrize(
    ("mutate", "pointer"),
    [
        (lambda f: f.pop("run_id"), "run_id"),
        (lambda f: f.update(seq=-1), "seq"),
        (lambda f: f["clock"].update(minute_of_day=1440), "minute_of_day"),
        (lambda f: f.update(schema_version="2.0"), "schema_version"),
    ],
)
def test_invalid_frames_fail(run_500, mutate, pointer):
    import copy

    frame = copy.deepcopy(run_500[0][0])
    mutate(frame)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(frame, frame_schema())


def test_the_file_stream_reconstructs_every_tick_state(run_500):
    frames, states, _ = run_500
    reader = StreamReader()
    by_tick = {s.tick: s for s in states}
    for frame in frames[:-1]:
        reader.apply(frame)
        assert reader.sections == dict(by_tick[frame["tick"]].sections)


def test_end_totals_account_for_every_accepted_event(run_500):
    frames, _, _pipe = run_500
    totals = frames[-1]["totals"]
    written = sum(len(f.get("events", ())) for f in frames)
    assert totals["events_written"] == written
    assert written + sum(totals["events_dropped"].values()) == totals["events_accepted"]
    assert totals["events_dropped"] == {}
    assert totals["frames"] == len(frames)
    eids = [e["eid"] for f in frames for e in f.get("events", ())]
    assert len(eids) == len(set(eids))  # exactly once


def test_world_events_arrive_once_in_order_with_eids(run_500):
    frames, _, _ = run_500
    world = [
        e
        for f in frames
        for e in f.get("events", ())
        if e["eid"].split(":")[1][0] != "L"
    ]
    keys = [tuple(int(x) for x in e["eid"].split(":")) for e in world]
    assert keys == sorted(keys)
    assert all(e["tick"] == k[0] for e, k in zip(world, keys, strict=True))


def fresh(tmp_path, **kw):
    return TelemetryPipeline(
        [channel_for(FileTransport("r-t", tmp_path / "t.jsonl"))], **kw
    )


def telemetry_threads():
    return [t for t in threading.enumerate() if t.name.startswith("townlet-telemetry")]


def test_constructor_starts_nothing_and_stop_without_start_is_safe(tmp_path):
    before = len(telemetry_threads())
    pipe = fresh(tmp_path)
    assert len(telemetry_threads()) == before
    assert not (tmp_path / "t.jsonl").exists()
    pipe.stop()
    pipe.stop()
    with pytest.raises(TelemetryClosed):
        pipe.start()


def test_start_and_stop_twice_and_emit_outside_the_lifecycle(tmp_path):
    pipe = fresh(tmp_path)
    with pytest.raises(TelemetryNotStarted):
        pipe.emit(TelemetryEvent("loop.tick", 1, {}))
    before = len(telemetry_threads())
    pipe.start()
    pipe.start()
    assert len(telemetry_threads()) == before + 1
    pipe.emit(TelemetryEvent("loop.tick", 1, {}))
    pipe.stop()
    pipe.stop()
    assert len(telemetry_threads()) == before  # no worker outlives its sink
    with pytest.raises(TelemetryClosed):
        pipe.emit(TelemetryEvent("loop.tick", 2, {}))
    frames = list(read_jsonl(tmp_path / "t.jsonl"))
    assert [f["payload_type"] for f in frames] == ["snapshot", "end"]


def test_stop_during_a_burst_flushes_every_event(tmp_path):
    pipe = fresh(tmp_path)
    pipe.start()
    for t in range(1, 1001):
        pipe.emit(TelemetryEvent("world.x", t, {"eid": f"{t}:0"}))
        pipe.emit(TelemetryEvent("loop.tick", t, {}))
    pipe.emit(TelemetryEvent("world.x", 1001, {"eid": "1001:0"}))  # no tick after it
    pipe.stop()
    frames = list(read_jsonl(tmp_path / "t.jsonl"))
    eids = [e["eid"] for f in frames for e in f.get("events", ())]
    assert eids == [f"{t}:0" for t in range(1, 1002)]
    assert frames[-1]["totals"]["events_accepted"] == 1001


def test_flush_returns_once_everything_is_written(tmp_path):
    pipe = fresh(tmp_path)
    with pipe:
        for t in range(1, 11):
            pipe.emit(TelemetryEvent("loop.tick", t, {}))
        assert pipe.flush(5.0)
        assert len(list(read_jsonl(tmp_path / "t.jsonl"))) == 10


def test_a_failing_transport_never_stops_the_run(tmp_path):
    class Broken(FileTransport):
        def write_line(self, data, tick):
            raise OSError("disk full")

    pipe = TelemetryPipeline(
        [channel_for(Broken("r-t", tmp_path / "b.jsonl"))], fail_fast=False
    )
    pipe.workers[0].retry_backoff_s = 0.0
    with pipe:
        for t in range(1, 6):
            pipe.emit(TelemetryEvent("world.x", t, {"eid": f"{t}:0"}))
            pipe.emit(TelemetryEvent("loop.tick", t, {}))
    row = pipe.transport_status()[0]
    assert row["write_errors_total"] >= 5
    assert row["events_dropped_total"] == {"transport_error": 5}
    assert not pipe.status().connected
    assert "disk full" in pipe.status().last_error


def test_snapshot_frames_are_the_same_from_any_encoder(run_500):
    _, states, _ = run_500
    a = FrameEncoder("r-a").frame(states[-1])
    b = FrameEncoder("r-b").frame(states[-1])
    for key in ("run_id", "emitted_at"):
        a.pop(key), b.pop(key)
    assert a == b


def test_a_failed_tick_is_reported_in_the_end_totals(tmp_path):
    pipe = fresh(tmp_path)
    with pipe:
        pipe.emit(TelemetryEvent("loop.tick", 1, {}))
        pipe.emit(
            TelemetryEvent(
                "loop.failure", 2, {"phase": "decide", "error": "E", "message": "m"}
            )
        )
    frames = list(read_jsonl(tmp_path / "t.jsonl"))
    assert frames[-2]["events"][0]["kind"] == "loop.failure"
    assert frames[-1]["totals"]["reason"] == "error"
