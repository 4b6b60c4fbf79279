"""Transports: where frames go (operations.md 1.5).

``stdout`` and ``file`` (:mod:`.jsonl`), ``websocket`` (:mod:`.websocket`), the
Prometheus exporter (:mod:`.prometheus`), each behind a bounded coalescing queue
(:mod:`.queue`) drained by one worker thread (:mod:`.worker`). The optional
``tcp`` transport is not part of this build.
"""

from townlet.telemetry.transport.base import StreamTransport, Transport
from townlet.telemetry.transport.jsonl import FileTransport, StdoutTransport
from townlet.telemetry.transport.queue import CoalescingQueue

__all__ = [
    "CoalescingQueue",
    "FileTransport",
    "StdoutTransport",
    "StreamTransport",
    "Transport",
]
