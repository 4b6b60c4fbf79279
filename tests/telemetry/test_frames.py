"""Snapshots, diffs, keyframes and reconstruction (operations.md 1.3, T-10 to T-15)."""

from __future__ import annotations

import pytest

from townlet.telemetry.frames import FrameEncoder, TickState
from townlet.telemetry.reader import StreamGap, StreamReader, check_version


def state(tick, agents, *, economy=None, events=()):
    sections = {"meta": {"seed": 1}, "map": {"width": 2}, "agents": agents}
    if economy is not None:
        sections["economy"] = economy
    return TickState(tick, {"day": 0}, sections, events=tuple(events))


def test_first_frame_is_a_snapshot_then_diffs_with_base_seq():
    enc = FrameEncoder("r-1")
    first = enc.frame(state(1, {"a": {"id": "a", "x": 1}}))
    second = enc.frame(state(2, {"a": {"id": "a", "x": 2}}))
    assert (first["payload_type"], first["seq"], first["resync"]) == (
        "snapshot",
        0,
        False,
    )
    assert (second["payload_type"], second["seq"], second["base_seq"]) == ("diff", 1, 0)
    assert second["entities"] == {"agents": {"upsert": {"a": {"id": "a", "x": 2}}}}
    assert "map" not in second
    assert "changes" not in second


def test_diff_carries_changed_removed_and_keyed_sections_only():
    enc = FrameEncoder("r-1")
    enc.frame(state(1, {"a": {"id": "a"}, "b": {"id": "b"}}, economy={"p": 1}))
    diff = enc.frame(state(2, {"a": {"id": "a"}}))
    assert diff["removed"] == ["economy"]
    assert diff["entities"] == {"agents": {"remove": ["b"]}}


def test_keyframe_boundary_forces_a_snapshot():
    enc = FrameEncoder("r-1", keyframe_every_ticks=10)
    kinds = [enc.frame(state(t, {}))["payload_type"] for t in (8, 9, 10, 11, 25)]
    assert kinds == ["snapshot", "diff", "snapshot", "diff", "snapshot"]


def test_delta_items_ride_on_the_frame_of_their_state():
    enc = FrameEncoder("r-1")
    frame = enc.frame(state(3, {}, events=[{"eid": "3:0", "tick": 3, "kind": "x"}]))
    assert frame["events"] == ({"eid": "3:0", "tick": 3, "kind": "x"},)
    assert enc.events_written == 1


def test_reader_reconstructs_the_producer_sections():
    enc, reader = FrameEncoder("r-1"), StreamReader()
    states = [
        state(1, {"a": {"id": "a", "n": 1}}, economy={"p": 1}),
        state(2, {"a": {"id": "a", "n": 2}, "b": {"id": "b"}}, economy={"p": 1}),
        state(3, {"b": {"id": "b", "n": 5}}),
    ]
    for item in states:
        reader.apply(enc.frame(item))
        assert reader.sections == dict(item.sections)


def test_a_diff_with_the_wrong_base_is_a_gap():
    enc, reader = FrameEncoder("r-1"), StreamReader()
    reader.apply(enc.frame(state(1, {})))
    enc.frame(state(2, {}))  # lost in transit
    with pytest.raises(StreamGap, match="base_seq 1 does not follow seq 0"):
        reader.apply(enc.frame(state(3, {})))


def test_a_diff_before_any_snapshot_is_a_gap():
    enc = FrameEncoder("r-1")
    enc.frame(state(1, {}))
    with pytest.raises(StreamGap, match="before any snapshot"):
        StreamReader().apply(enc.frame(state(2, {})))


def test_other_major_versions_are_refused():
    check_version("1.7")
    with pytest.raises(
        ValueError, match=r"telemetry schema 2.0 not supported \(expected 1.x\)"
    ):
        check_version("2.0")


def test_coalescing_prepends_older_deltas_and_trims_the_oldest():
    old = TickState(1, {}, {}, events=({"eid": "1:0"}, {"eid": "1:1"}))
    new = TickState(2, {}, {}, events=({"eid": "2:0"},))
    merged = new.with_earlier(old)
    assert [e["eid"] for e in merged.events] == ["1:0", "1:1", "2:0"]
    trimmed, lost = merged.trimmed(2)
    assert lost == 1
    assert [e["eid"] for e in trimmed.events] == ["1:1", "2:0"]
