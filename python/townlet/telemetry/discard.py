"""Sinks that write nothing: ``null`` (benchmarks) and ``stub`` (``--telemetry none``).

Both accept events and count them. ``null`` is a real sink that discards frames; the
stub is the documented degraded mode (operations.md section 6): the registry marks it
``is_stub`` and the loop reports ``Telemetry stub active; stream disabled.``
"""

from __future__ import annotations

from townlet.core.types import TelemetryEvent
from townlet.telemetry.lifecycle import SinkLifecycle

__all__ = ["NullSink", "StubSink"]


class NullSink(SinkLifecycle):
    """Discards every event (counted as sent).

    >>> sink = NullSink(); sink.start(); sink.emit(TelemetryEvent("x", 0, {}))
    >>> sink.status().sent
    1
    """

    provider = "null"

    def _write(self, event: TelemetryEvent) -> None:
        """Discard."""


class StubSink(NullSink):
    """The telemetry stub: discards every event; selected by ``--telemetry none``."""

    provider = "stub"
