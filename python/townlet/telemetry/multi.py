"""Fan-out to several sinks, provider ``multi`` (operations.md 1.1, row 3).

Used when ``--telemetry`` lists more than one item (``stdout,file``). Child
pipelines are merged into one :class:`TelemetryPipeline` (one aggregation, one
queue and worker per transport); other sinks (``null``, third-party ones) get every
event in order. Lifecycle calls go to every child; ``stop`` stops them all even
when one fails.
"""

from __future__ import annotations

from collections.abc import Sequence

from townlet.core.lifecycle import StartStop
from townlet.core.protocols import TelemetrySink
from townlet.core.types import TelemetryEvent, TransportStatus
from townlet.telemetry.aggregation import TickSource
from townlet.telemetry.pipeline import TelemetryPipeline

__all__ = ["MultiSink"]


class MultiSink(StartStop):
    """Emits each event to every child sink.

    Args:
        sinks: the child sinks, in the order they were requested.
    """

    provider = "multi"

    def __init__(self, sinks: Sequence[TelemetrySink]) -> None:
        pipelines = [s for s in sinks if isinstance(s, TelemetryPipeline)]
        others = [s for s in sinks if not isinstance(s, TelemetryPipeline)]
        self.pipeline: TelemetryPipeline | None = None
        if pipelines:
            merged = pipelines[0]
            for extra in pipelines[1:]:
                merged = merged.merged(extra)
            self.pipeline = merged
        self.sinks: tuple[TelemetrySink, ...] = (
            *([self.pipeline] if self.pipeline is not None else []),
            *others,
        )

    def bind_source(self, source: TickSource) -> None:
        """Attach the loop to the merged pipeline."""
        if self.pipeline is not None:
            self.pipeline.bind_source(source)

    def flush(self, timeout_s: float = 10.0) -> bool:
        """Flush the merged pipeline (T-43)."""
        return self.pipeline.flush(timeout_s) if self.pipeline is not None else True

    def start(self) -> None:
        """Start every child; idempotent."""
        for sink in self.sinks:
            sink.start()

    def stop(self) -> None:
        """Stop every child, even if one raises; re-raise the first error."""
        first: BaseException | None = None
        for sink in self.sinks:
            try:
                sink.stop()
            except Exception as err:
                first = first or err
        if first is not None:
            raise first

    def emit(self, event: TelemetryEvent) -> None:
        """Emit to every child in order."""
        for sink in self.sinks:
            sink.emit(event)

    def status(self) -> TransportStatus:
        """Summed counters; connected when every child is."""
        children = [sink.status() for sink in self.sinks]
        errors = [s.last_error for s in children if s.last_error]
        return TransportStatus(
            provider=self.provider,
            connected=all(s.connected for s in children),
            queued=sum(s.queued for s in children),
            dropped=sum(s.dropped for s in children),
            sent=sum(s.sent for s in children),
            last_error=errors[-1] if errors else None,
        )
