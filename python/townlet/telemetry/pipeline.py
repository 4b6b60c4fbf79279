"""The telemetry sink: aggregation, then one queue and worker per transport (§1.1).

:class:`TelemetryPipeline` is the ``TelemetrySink`` the loop talks to. It owns an
:class:`~townlet.telemetry.aggregation.Aggregator` (simulation thread) and, per
queued transport, a bounded coalescing queue and a worker thread; the Prometheus
exporter reads the pipeline at scrape time and has no queue. With more than one
transport the sink reports provider ``multi``.

Lifecycle (T-2, T-30, T-42)::

    pipe = TelemetryPipeline([FileTransport(run_id, "out.jsonl")], run_id=run_id)
    with pipe:            # opens transports, starts workers, then accepts events
        pipe.emit(event)  # aggregation; a due loop.tick queues a state per transport
    # stop(): refuse events, queue the last state, drain, write ``end``, join

Constructors start nothing; ``start`` and ``stop`` are idempotent; ``emit`` before
``start`` raises :class:`TelemetryNotStarted` and after ``stop``
:class:`TelemetryClosed`. A transport fault never stops the run (T-3) unless
``fail_fast`` is set, in which case ``stop`` re-raises the first worker fault.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from townlet.config.telemetry import TelemetryConfig, TransportConfig
from townlet.core.lifecycle import StartStop
from townlet.core.types import TelemetryEvent, TransportStatus
from townlet.telemetry.aggregation import Aggregator, TickSource
from townlet.telemetry.frames import TickState
from townlet.telemetry.lifecycle import TelemetryClosed, TelemetryNotStarted
from townlet.telemetry.schema.validate import FrameValidator
from townlet.telemetry.transform import TransformChain, build_chain
from townlet.telemetry.transform.chain import DEFAULT_REDACT
from townlet.telemetry.transport.base import Transport
from townlet.telemetry.transport.queue import Backpressure, CoalescingQueue
from townlet.telemetry.transport.worker import TransportWorker

__all__ = [
    "Channel",
    "Exporter",
    "TelemetryPipeline",
    "channel_for",
    "pipeline_of",
]


class Exporter:
    """A pull-based reader of the pipeline (Prometheus, a standalone server).

    Subclasses open their server in ``start`` and close it in ``stop``.
    """

    type = "exporter"

    def attach(self, pipeline: TelemetryPipeline) -> None:
        """Called once by the pipeline that owns this exporter."""

    def start(self) -> None:
        """Open the server."""

    def stop(self) -> None:
        """Close the server."""


@dataclass
class Channel:
    """One queued transport: its queue settings and transform chain."""

    transport: Transport
    queue: CoalescingQueue
    transforms: TransformChain
    restart_limit: int = 3


def channel_for(
    transport: Transport,
    settings: TransportConfig | None = None,
    *,
    global_transforms: Sequence[Mapping[str, Any]] = (),
) -> Channel:
    """A channel with the queue and transforms of a ``telemetry.transports[i]``.

    Defaults: backpressure ``block`` for ``stdout`` and ``file``, ``drop_oldest``
    otherwise; ``redact`` of local paths first for ``websocket`` and ``tcp``.
    """
    cfg = settings or TransportConfig(type=transport.type)  # type: ignore[arg-type]
    policy: Backpressure = cfg.backpressure or (
        "block" if transport.type in ("stdout", "file") else "drop_oldest"
    )
    defaults: list[Mapping[str, Any]] = []
    if transport.type in ("websocket", "tcp"):
        defaults.append({"id": "redact", "paths": list(DEFAULT_REDACT)})
    chain = build_chain([*global_transforms, *cfg.transforms], defaults=defaults)
    return Channel(
        transport=transport,
        queue=CoalescingQueue(
            cfg.queue_states,
            policy,
            block_timeout_s=cfg.block_timeout_s,
            block_fallback=cfg.block_fallback,
            max_carried_events=cfg.max_carried_events,
        ),
        transforms=chain,
        restart_limit=cfg.restart_limit,
    )


class TelemetryPipeline(StartStop):
    """The layered telemetry sink.

    Args:
        channels: the queued transports (see :func:`channel_for`).
        exporters: pull-based readers (Prometheus).
        config: the ``telemetry`` section.
        meta: extra ``meta`` keys (``config_label``, ``config_path``, version).
        fail_fast: re-raise transport faults on ``stop`` (the test suite sets it).
    """

    def __init__(
        self,
        channels: Sequence[Channel],
        *,
        exporters: Sequence[Exporter] = (),
        config: TelemetryConfig | None = None,
        meta: Mapping[str, Any] | None = None,
        fail_fast: bool | None = None,
    ) -> None:
        self.config = config or TelemetryConfig()
        self.fail_fast = self.config.fail_fast if fail_fast is None else fail_fast
        self.channels = tuple(channels)
        self.exporters = tuple(exporters)
        self.aggregator = Aggregator(self.config, meta=meta, health=self._health)
        self.workers = [
            TransportWorker(
                ch.transport,
                ch.queue,
                transforms=ch.transforms,
                restart_limit=ch.restart_limit,
                fail_fast=self.fail_fast,
            )
            for ch in self.channels
        ]
        for ch in self.channels:
            if ch.transforms.validate_mode != "off":
                ch.transport.validator = FrameValidator(ch.transforms.validate_mode)
        for exporter in self.exporters:
            exporter.attach(self)
        kinds = [ch.transport.type for ch in self.channels] + [
            e.type for e in self.exporters
        ]
        self.provider = kinds[0] if len(kinds) == 1 else "multi"
        self._started = False
        self._stopped = False
        self._lock = threading.Lock()
        self._tick = 0

    def merged(self, other: TelemetryPipeline) -> TelemetryPipeline:
        """One pipeline with the transports of both (``--telemetry a,b``)."""
        return TelemetryPipeline(
            [*self.channels, *other.channels],
            exporters=[*self.exporters, *other.exporters],
            config=self.config,
            meta=self.aggregator.meta_extra,
            fail_fast=self.fail_fast,
        )

    def transport(self, kind: str) -> Transport | None:
        """The first transport of a type (``websocket`` for ``townlet serve``)."""
        return next(
            (c.transport for c in self.channels if c.transport.type == kind), None
        )

    def describe(self) -> str:
        """One line naming every transport, for ``ProviderInfo.reason``."""
        parts = []
        for ch in self.channels:
            describe = getattr(ch.transport, "describe", None)
            parts.append(describe() if callable(describe) else ch.transport.type)
        parts += [e.type for e in self.exporters]
        return ", ".join(parts)

    # -- lifecycle ---------------------------------------------------------------

    def bind_source(self, source: TickSource) -> None:
        """Attach the loop whose world, policy and KPIs aggregation reads."""
        self.aggregator.bind(source)

    def start(self) -> None:
        """Open transports and start workers, then accept events; idempotent.

        Raises:
            TelemetryClosed: after ``stop``.
        """
        with self._lock:
            if self._stopped:
                raise TelemetryClosed(f"telemetry sink {self.provider!r} is closed")
            if self._started:
                return
            started: list[Any] = []
            try:
                for worker in self.workers:
                    worker.start()
                    started.append(worker)
                for exporter in self.exporters:
                    exporter.start()
                    started.append(exporter)
            except BaseException:
                for item in reversed(started):
                    if isinstance(item, TransportWorker):
                        item.stop(self._totals_for(item), 1.0, self._tick)
                    else:
                        item.stop()
                self._stopped = True
                raise
            self._started = True

    def emit(self, event: TelemetryEvent) -> None:
        """Aggregate one event; a due ``loop.tick`` queues a state per transport.

        Raises:
            TelemetryNotStarted: before ``start``.
            TelemetryClosed: after ``stop``.
        """
        if not self._started or self._stopped:
            if self._stopped:
                raise TelemetryClosed(f"telemetry sink {self.provider!r} is closed")
            raise TelemetryNotStarted(
                f"telemetry sink {self.provider!r} used before start()"
            )
        self._tick = event.tick
        state = self.aggregator.on_event(event)
        if state is not None:
            self._publish(state)

    def _publish(self, state: TickState) -> None:
        """Queue a state on every channel (backpressure applies per queue)."""
        for ch in self.channels:
            ch.queue.put(state)

    def flush(self, timeout_s: float = 10.0) -> bool:
        """Block until every queue is empty and written (T-43); False on timeout."""
        return all(worker.flush(timeout_s) for worker in self.workers)

    def stop(self) -> None:
        """Normal close (T-42); idempotent and safe without ``start``.

        Raises:
            Exception: the first worker fault, only when ``fail_fast``.
        """
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            if not self._started:
                return
        final = self.aggregator.pending_state(self._tick)
        if final is not None:
            for ch in self.channels:
                ch.queue.put(final)
        timeout = self.config.shutdown_timeout_s
        for worker in self.workers:
            worker.stop(self._totals_for(worker), timeout, self._tick)
        for exporter in self.exporters:
            exporter.stop()
        if self.fail_fast:
            for worker in self.workers:
                if worker.fault is not None:
                    raise worker.fault

    def _totals_for(self, worker: TransportWorker) -> Any:
        """A callable building the ``end`` frame totals of one transport (T-41)."""

        def totals() -> dict[str, Any]:
            dropped = dict(worker.queue.counters.events_dropped_total)
            return {
                "events_accepted": self.aggregator.events_accepted,
                "events_written": worker.transport.events_written,
                "events_dropped": dropped,
                "narrations": sum(self.aggregator.narrator.accepted.values()),
                "reason": "error" if self.aggregator.failures else "normal",
            }

        return totals

    # -- status ------------------------------------------------------------------

    def _health(self) -> dict[str, Any]:
        """``health.telemetry``: queue depth and loss counters, summed."""
        counters = [ch.queue.counters for ch in self.channels]
        return {
            "queue_depth": sum(c.queue_depth for c in counters),
            "coalesced_total": sum(c.states_coalesced_total for c in counters),
            "events_dropped_total": sum(
                sum(c.events_dropped_total.values()) for c in counters
            ),
        }

    def transport_status(self) -> list[dict[str, Any]]:
        """Every counter of §1.6, one dict per transport."""
        out = []
        for worker in self.workers:
            q, t = worker.queue.counters, worker.transport.counters
            out.append(
                {
                    "transport": worker.transport.type,
                    "failed": worker.failed,
                    "restarts": worker.restarts,
                    "states_enqueued_total": q.states_enqueued_total,
                    "states_coalesced_total": q.states_coalesced_total,
                    "events_dropped_total": dict(q.events_dropped_total),
                    "block_wait_seconds_total": q.block_wait_seconds_total,
                    "block_timeouts_total": q.block_timeouts_total,
                    "queue_depth": q.queue_depth,
                    "queue_depth_peak": q.queue_depth_peak,
                    "frames_written_total": t.frames_written_total,
                    "bytes_written_total": t.bytes_written_total,
                    "write_errors_total": t.write_errors_total,
                    "reconnects_total": t.reconnects_total,
                    "connected": t.connected,
                    "last_error": t.last_error,
                    "last_success_tick": t.last_success_tick,
                }
            )
        return out

    def status(self) -> TransportStatus:
        """Provider, connected, queued states, events dropped (all transports),
        events sent to the sink (accepted by ``emit``) and the last error."""
        rows = self.transport_status()
        errors = [r["last_error"] for r in rows if r["last_error"]]
        dropped: Counter[str] = Counter()
        for row in rows:
            dropped.update(row["events_dropped_total"])
        return TransportStatus(
            provider=self.provider,
            connected=self._started
            and not self._stopped
            and all(r["connected"] and not r["failed"] for r in rows),
            queued=sum(r["queue_depth"] for r in rows),
            dropped=sum(dropped.values()),
            sent=self.aggregator.events_accepted,
            last_error=errors[-1] if errors else None,
        )

    # -- snapshots ---------------------------------------------------------------

    def export_cursor(self) -> dict[str, Any]:
        """The deterministic telemetry state for snapshots (§1.1 row 6)."""
        return self.aggregator.export_cursor()

    def import_cursor(self, cursor: Mapping[str, Any]) -> None:
        """Restore a cursor saved by :meth:`export_cursor`."""
        self.aggregator.import_cursor(cursor)


def pipeline_of(sink: Any) -> TelemetryPipeline | None:
    """The pipeline behind a sink (itself, or the one a ``multi`` sink merged)."""
    if isinstance(sink, TelemetryPipeline):
        return sink
    inner = getattr(sink, "pipeline", None)
    return inner if isinstance(inner, TelemetryPipeline) else None
