"""Rebuild the state sections of a stream from its frames (operations.md T-11, T-12).

Consumers (tests, the dashboard, a notebook) feed frames in order; the reader keeps
the state sections of the last frame applied. A diff whose ``base_seq`` is not the
last applied ``seq`` raises :class:`StreamGap` (the client resyncs: a WebSocket
client sends ``{"type": "resync"}``, a file reader skips to the next snapshot), and a
schema of another MAJOR version is refused (T-15).

>>> reader = StreamReader()
>>> reader.apply({"schema_version": "1.0", "payload_type": "snapshot", "seq": 0,
...               "tick": 1, "meta": {}, "map": {}, "agents": {"a": {"id": "a"}}})
>>> sorted(reader.sections["agents"])
['a']
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import orjson

from townlet.telemetry.frames import DELTA_SECTIONS, SCHEMA_VERSION

__all__ = ["HEADER_KEYS", "StreamGap", "StreamReader", "read_jsonl"]

HEADER_KEYS = frozenset(
    {
        "schema_version",
        "payload_type",
        "run_id",
        "seq",
        "base_seq",
        "tick",
        "clock",
        "emitted_at",
        "resync",
        "health",
        "totals",
        *DELTA_SECTIONS,
    }
)
"""Top-level keys that are not state sections."""


class StreamGap(ValueError):  # noqa: N818 - a condition, not a crash
    """A diff does not apply to the last frame (or no snapshot came first)."""


def check_version(version: str) -> None:
    """Refuse another MAJOR schema version (T-15).

    Raises:
        ValueError: ``telemetry schema <v> not supported (expected 1.x)``.
    """
    major = SCHEMA_VERSION.split(".")[0]
    if str(version).split(".")[0] != major:
        raise ValueError(
            f"telemetry schema {version} not supported (expected {major}.x)"
        )


class StreamReader:
    """Applies frames in order and keeps the reconstructed state sections."""

    def __init__(self) -> None:
        self.sections: dict[str, Any] = {}
        self.seq: int | None = None
        self.tick: int | None = None
        self.ended = False

    def apply(self, frame: Mapping[str, Any]) -> None:
        """Apply one frame.

        Raises:
            StreamGap: a diff before any snapshot, or with the wrong ``base_seq``.
            ValueError: an unsupported schema version.
        """
        check_version(frame["schema_version"])
        kind = frame["payload_type"]
        if kind == "snapshot":
            self.sections = {
                key: copy.deepcopy(value)
                for key, value in frame.items()
                if key not in HEADER_KEYS
            }
        elif kind == "diff":
            if self.seq is None:
                raise StreamGap("diff before any snapshot")
            if frame["base_seq"] != self.seq:
                raise StreamGap(
                    f"diff base_seq {frame['base_seq']} does not follow seq {self.seq}"
                )
            self._apply_diff(frame)
        elif kind == "end":
            self.ended = True
        self.seq = int(frame["seq"])
        self.tick = int(frame["tick"])

    def _apply_diff(self, frame: Mapping[str, Any]) -> None:
        """Apply ``changes``, ``removed`` and ``entities`` of one diff."""
        for key, value in frame.get("changes", {}).items():
            self.sections[key] = copy.deepcopy(value)
        for key in frame.get("removed", ()):
            self.sections.pop(key, None)
        for key, delta in frame.get("entities", {}).items():
            section = self.sections.setdefault(key, {})
            for record_id, record in delta.get("upsert", {}).items():
                section[record_id] = copy.deepcopy(record)
            for record_id in delta.get("remove", ()):
                section.pop(record_id, None)


def read_jsonl(path: str | Path) -> Iterable[dict[str, Any]]:
    """Yield the frames of a JSONL file; a truncated last line is ignored (T-44)."""
    with Path(path).open("rb") as handle:
        for line in handle:
            if not line.endswith(b"\n"):
                return
            yield orjson.loads(line)
