"""Telemetry sinks, the ``--telemetry`` spec parser and structlog set-up.

Minimal slice of operations.md section 1: JSON-lines sinks (``stdout``, ``file``), the
discarding ``null`` sink, the ``stub`` (``--telemetry none``) and ``multi`` fan-out.
Aggregation, framed payloads, websocket/prometheus/tcp transports and narration
arrive with the telemetry pipeline.
"""

from townlet.telemetry.discard import NullSink, StubSink
from townlet.telemetry.jsonl import (
    FileSink,
    StdoutSink,
    default_file_path,
    encode_event,
)
from townlet.telemetry.lifecycle import TelemetryClosed, TelemetryNotStarted
from townlet.telemetry.log_config import configure_logging, get_logger
from townlet.telemetry.multi import MultiSink
from townlet.telemetry.spec import TelemetryItem, parse_telemetry_spec

__all__ = [
    "FileSink",
    "MultiSink",
    "NullSink",
    "StdoutSink",
    "StubSink",
    "TelemetryClosed",
    "TelemetryItem",
    "TelemetryNotStarted",
    "configure_logging",
    "default_file_path",
    "encode_event",
    "get_logger",
    "parse_telemetry_spec",
]
