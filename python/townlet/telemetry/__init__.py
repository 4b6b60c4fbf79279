"""Telemetry: aggregation, transforms, transports, structlog set-up (operations.md 1).

The sink the loop talks to is :class:`TelemetryPipeline` (built by the registry
from ``--telemetry`` items: ``stdout``, ``file[:PATH]``, ``ws[://HOST:PORT]``,
``prometheus[:PORT]``); :class:`MultiSink` merges several items into one
pipeline. ``null`` (:class:`NullSink`) and the stub (:class:`StubSink`,
``--telemetry none``) discard events. :class:`StreamReader` rebuilds state from
frames. The older event-per-line sinks (:class:`FileSink`, :class:`StdoutSink`,
:func:`encode_event`) remain for callers that want raw loop events. See
docs/telemetry.md.
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
from townlet.telemetry.pipeline import TelemetryPipeline, pipeline_of
from townlet.telemetry.reader import StreamGap, StreamReader, read_jsonl
from townlet.telemetry.spec import TelemetryItem, parse_telemetry_spec

__all__ = [
    "FileSink",
    "MultiSink",
    "NullSink",
    "StdoutSink",
    "StreamGap",
    "StreamReader",
    "StubSink",
    "TelemetryClosed",
    "TelemetryItem",
    "TelemetryNotStarted",
    "TelemetryPipeline",
    "configure_logging",
    "default_file_path",
    "encode_event",
    "get_logger",
    "parse_telemetry_spec",
    "pipeline_of",
    "read_jsonl",
]
