"""Tick states and the frames of one stream (operations.md 1.3, T-10, T-13).

A :class:`TickState` is what aggregation hands every transport at a due tick: the
state sections (shared, never mutated: a refresh builds new section objects and
reuses the unchanged ones, so a diff compares by identity first) plus the delta
sections of the ticks since the previous state. A :class:`FrameEncoder` turns the
states of one stream into a ``snapshot`` first, then ``diff`` frames against the
last state it wrote, and an ``end`` frame on a normal close.

>>> enc = FrameEncoder("r-x", keyframe_every_ticks=1440)
>>> enc.frame(TickState(1, {}, {"meta": {}, "map": {}}))["payload_type"]
'snapshot'
>>> enc.frame(TickState(2, {}, {"meta": {}, "map": {}}))["payload_type"]
'diff'
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import orjson

__all__ = [
    "DELTA_SECTIONS",
    "KEYED_SECTIONS",
    "SCHEMA_VERSION",
    "FrameEncoder",
    "TickState",
    "encode_frame",
    "utc_now",
]

SCHEMA_VERSION = "1.0"
"""Payload schema version, MAJOR.MINOR (T-15)."""

KEYED_SECTIONS = ("agents", "objects")
"""State sections diffed record by record (``entities`` in a diff)."""

DELTA_SECTIONS = ("events", "narrations", "console_results")
"""Sections holding the items of the ticks since the previous frame (T-13)."""

_ALWAYS_SNAPSHOT = ("meta", "map")
_ORJSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


_NOW: list[Any] = [-1, ""]


def utc_now() -> str:
    """The wall clock as RFC 3339 UTC with milliseconds (never deterministic).

    Formatted once per millisecond: frames written in a burst share the string.
    """
    now = time.time()
    millis = int(now * 1000)
    if millis != _NOW[0]:
        stamp = datetime.fromtimestamp(now, UTC).isoformat(timespec="milliseconds")
        _NOW[0], _NOW[1] = millis, stamp.replace("+00:00", "Z")
    return str(_NOW[1])


def encode_frame(frame: Mapping[str, Any]) -> bytes:
    """Encode a frame as one compact JSON line, newline included.

    >>> encode_frame({"seq": 0})
    b'{"seq":0}\\n'
    """
    return orjson.dumps(frame, option=_ORJSON_OPTIONS | orjson.OPT_APPEND_NEWLINE)


@dataclass(slots=True, eq=False)
class TickState:
    """One aggregation result, immutable by convention (never mutate one: build a
    new one with ``dataclasses.replace``; not ``frozen`` only because frozen
    construction costs about twice as much, once per tick).

    Attributes:
        tick: the tick it describes.
        clock: ``{day, minute_of_day, hhmm}``.
        sections: state sections by key (``meta``, ``map``, ``agents``, ...).
        events: world and loop events since the previous state, in order.
        narrations: narrations since the previous state.
        console_results: console result envelopes since the previous state.
        health: the non-deterministic ``health`` section.
    """

    tick: int
    clock: Mapping[str, Any]
    sections: Mapping[str, Any]
    events: tuple[Mapping[str, Any], ...] = ()
    narrations: tuple[Mapping[str, Any], ...] = ()
    console_results: tuple[Mapping[str, Any], ...] = ()
    health: Mapping[str, Any] | None = None

    @property
    def delta_count(self) -> int:
        """Number of delta items this state carries."""
        return len(self.events) + len(self.narrations) + len(self.console_results)

    def with_earlier(self, older: TickState) -> TickState:
        """This state with the delta items of ``older`` prepended (coalescing)."""
        if not older.delta_count:
            return self
        return replace(
            self,
            events=older.events + self.events,
            narrations=older.narrations + self.narrations,
            console_results=older.console_results + self.console_results,
        )

    def trimmed(self, keep: int) -> tuple[TickState, int]:
        """Keep at most ``keep`` newest delta items; return the state and the loss."""
        lost = self.delta_count - keep
        if lost <= 0:
            return self, 0
        lists = [list(self.events), list(self.narrations), list(self.console_results)]
        dropped = 0
        for items in lists:  # oldest kind of loss first: events, then the rest
            cut = min(len(items), lost - dropped)
            del items[:cut]
            dropped += cut
        return (
            replace(
                self,
                events=tuple(lists[0]),
                narrations=tuple(lists[1]),
                console_results=tuple(lists[2]),
            ),
            dropped,
        )


class FrameEncoder:
    """Builds the frames of one stream: snapshot first, then diffs, then end.

    Args:
        run_id: the run id written in every frame.
        keyframe_every_ticks: a snapshot is sent on the first frame at or after
            each multiple of this (T-10).
    """

    def __init__(self, run_id: str, *, keyframe_every_ticks: int = 1440) -> None:
        self.run_id = run_id
        self.keyframe_every_ticks = keyframe_every_ticks
        self.seq = -1
        self.frames = 0
        self.events_written = 0
        self._last: TickState | None = None

    @property
    def has_base(self) -> bool:
        """True once a snapshot was written on this stream."""
        return self._last is not None

    def reset(self) -> None:
        """Forget the last state: the next frame is a snapshot (rotation, resync)."""
        self._last = None

    def frame(self, state: TickState, *, resync: bool = False) -> dict[str, Any]:
        """The next frame for ``state``: a snapshot or a diff against the last one."""
        last = self._last
        due = last is not None and (
            state.tick // self.keyframe_every_ticks
            > last.tick // self.keyframe_every_ticks
        )
        if last is None or due or resync:
            frame = self._snapshot(state, resync=resync)
        else:
            frame = self._diff(last, state)
        for key in DELTA_SECTIONS:
            items = getattr(state, key)
            if items:
                frame[key] = items
        if state.health is not None and (
            last is None
            or frame["payload_type"] == "snapshot"
            or state.health is not last.health
        ):
            frame["health"] = state.health
        self._last = state
        self.frames += 1
        self.events_written += len(state.events)
        return frame

    def end(self, totals: Mapping[str, Any], tick: int) -> dict[str, Any]:
        """The closing ``end`` frame with its ``totals``."""
        self.seq += 1
        self.frames += 1
        return {
            **self._header("end", tick),
            "totals": {**totals, "frames": self.frames},
        }

    def _header(self, payload_type: str, tick: int) -> dict[str, Any]:
        """The keys every frame carries."""
        return {
            "schema_version": SCHEMA_VERSION,
            "payload_type": payload_type,
            "run_id": self.run_id,
            "seq": self.seq,
            "tick": tick,
            "emitted_at": utc_now(),
        }

    def _snapshot(self, state: TickState, *, resync: bool) -> dict[str, Any]:
        """A full frame: every state section."""
        self.seq += 1
        frame = self._header("snapshot", state.tick)
        frame["clock"] = state.clock
        frame["resync"] = resync
        frame.update(state.sections)
        for key in _ALWAYS_SNAPSHOT:
            frame.setdefault(key, {})
        return frame

    def _diff(self, last: TickState, state: TickState) -> dict[str, Any]:
        """Changed sections since ``last`` (identity first, then equality)."""
        self.seq += 1
        frame = self._header("diff", state.tick)
        frame["base_seq"] = self.seq - 1
        frame["clock"] = state.clock
        old, new = last.sections, state.sections
        if old is new:
            return frame
        changes: dict[str, Any] = {}
        entities: dict[str, Any] = {}
        for key, value in new.items():
            before = old.get(key)
            if before is value or key == "map":
                continue
            if key in KEYED_SECTIONS and before is not None:
                delta = _keyed_delta(before, value)
                if delta:
                    entities[key] = delta
            elif before != value:
                changes[key] = value
        removed = [key for key in old if key not in new]
        if changes:
            frame["changes"] = changes
        if removed:
            frame["removed"] = removed
        if entities:
            frame["entities"] = entities
        return frame


def _keyed_delta(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """``{upsert{id: record}, remove[ids]}`` between two keyed sections."""
    upsert = {
        key: record
        for key, record in after.items()
        if (old := before.get(key)) is not record and old != record
    }
    remove = [key for key in before if key not in after]
    delta: dict[str, Any] = {}
    if upsert:
        delta["upsert"] = upsert
    if remove:
        delta["remove"] = remove
    return delta
