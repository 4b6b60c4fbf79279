"""What every queued transport implements, and the counters it keeps (§1.5, §1.6).

A transport turns tick states into bytes somewhere. Its worker
(:mod:`townlet.telemetry.transport.worker`) calls, on the worker thread only:
``open`` once, ``deliver`` per state, ``flush`` on request and ``finish`` (the
``end`` frame, flush, close) on a normal close. Nothing here starts a thread.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from townlet.telemetry.frames import FrameEncoder, TickState, encode_frame
from townlet.telemetry.schema.validate import FrameValidator

__all__ = ["StreamTransport", "Transport", "TransportCounters"]


@dataclass
class TransportCounters:
    """The write side of a transport's counters (operations.md 1.6)."""

    frames_written_total: int = 0
    bytes_written_total: int = 0
    write_errors_total: int = 0
    reconnects_total: int = 0
    connected: bool = False
    last_error: str | None = None
    last_success_tick: int | None = None


class Transport(ABC):
    """One destination for tick states; used by exactly one worker thread."""

    type = "base"

    def __init__(self) -> None:
        self.counters = TransportCounters()
        self.validator: FrameValidator | None = None

    def open(self) -> None:
        """Open files or sockets (worker thread, once)."""
        self.counters.connected = True

    @abstractmethod
    def deliver(self, state: TickState) -> None:
        """Write one state (raises ``OSError`` on a write fault)."""

    def flush(self) -> None:  # noqa: B027 - optional hook
        """Push buffered bytes out."""

    def restart(self) -> None:  # noqa: B027 - optional hook
        """Called after a worker restart: the next frame must be a snapshot."""

    @abstractmethod
    def finish(self, totals: Mapping[str, Any], tick: int) -> None:
        """Write the ``end`` frame, flush and close (normal close)."""

    def close(self) -> None:
        """Close without an ``end`` frame (failed transport)."""
        self.counters.connected = False

    @property
    def events_written(self) -> int:
        """Events written in frames so far."""
        return 0


class StreamTransport(Transport):
    """A single JSONL stream (``stdout``, ``file``): one encoder, one writer.

    Args:
        run_id: run id in every frame.
        keyframe_every_ticks: snapshot cadence (T-10).
    """

    def __init__(self, run_id: str, *, keyframe_every_ticks: int = 1440) -> None:
        super().__init__()
        self.encoder = FrameEncoder(run_id, keyframe_every_ticks=keyframe_every_ticks)

    @property
    def events_written(self) -> int:
        """Events written in frames so far."""
        return self.encoder.events_written

    @abstractmethod
    def write_line(self, data: bytes, tick: int) -> None:
        """Write one encoded frame (one ``write``)."""

    def deliver(self, state: TickState) -> None:
        """Encode the next frame of ``state`` and write it."""
        frame = self.encoder.frame(state)
        if self.validator is not None and not self.validator.check(frame):
            return
        data = encode_frame(frame)
        self.write_line(data, state.tick)
        self._count(data, state.tick)

    def _count(self, data: bytes, tick: int) -> None:
        """Count one written frame."""
        self.counters.frames_written_total += 1
        self.counters.bytes_written_total += len(data)
        self.counters.last_success_tick = tick

    def restart(self) -> None:
        """Force a snapshot next."""
        self.encoder.reset()

    def finish(self, totals: Mapping[str, Any], tick: int) -> None:
        """Write ``end`` then close."""
        data = encode_frame(self.encoder.end(totals, tick))
        self.write_line(data, tick)
        self._count(data, tick)
        self.flush()
        self.close()
