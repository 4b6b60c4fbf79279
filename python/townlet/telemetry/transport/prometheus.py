"""Prometheus metrics of a telemetry pipeline (operations.md 1.10).

Pull-based: :class:`PipelineCollector` computes gauges from the latest tick state
and reads the pipeline's counters at scrape time, so it adds no per-tick cost. It
lives in a dedicated ``CollectorRegistry``. Names follow the ecosystem's rules:
prefix ``townlet_``, base units as plural suffixes, ``_total`` on counters,
sim-time in ``ticks``; no label ever carries an agent or object id.

``townlet serve`` exposes :func:`metrics_text` at ``GET /metrics``; the
``prometheus[:PORT]`` telemetry item runs :class:`PrometheusExporter`, a
standalone ``/metrics`` server started in ``start`` and stopped in ``stop``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from townlet.telemetry.frames import SCHEMA_VERSION
from townlet.telemetry.log_config import get_logger
from townlet.telemetry.pipeline import Exporter

if TYPE_CHECKING:
    from townlet.telemetry.pipeline import TelemetryPipeline

__all__ = ["PipelineCollector", "PrometheusExporter", "metrics_text", "registry_for"]

_log = get_logger("townlet.telemetry")
NEEDS = ("hunger", "hygiene", "energy")
NEED_FLOOR = 0.3
KPI_METRICS = {
    "needs_floor_ratio": "townlet_kpi_needs_floor_ratio",
    "self_sufficiency": "townlet_kpi_self_sufficiency_ratio",
    "attendance_ratio": "townlet_kpi_attendance_ratio",
    "late_shift_ratio": "townlet_kpi_late_shift_ratio",
    "lateness_mean_ticks": "townlet_kpi_lateness_mean_ticks",
    "queue_conflicts_per_day": "townlet_kpi_queue_conflicts_per_day",
    "friend_pairs": "townlet_kpi_friend_pairs",
}


class PipelineCollector(Collector):
    """Builds every metric family from a pipeline at scrape time."""

    def __init__(self, pipeline: TelemetryPipeline) -> None:
        self.pipeline = pipeline

    def collect(self) -> Iterator[Metric]:
        """Yield the metric families of §1.10."""
        pipe = self.pipeline
        agg = pipe.aggregator
        state = agg.latest
        sections = state.sections if state is not None else {}
        meta = sections.get("meta", {})
        providers = meta.get("providers", {})
        info = GaugeMetricFamily(
            "townlet_build_info",
            "Build and provider information (always 1).",
            labels=["version", "schema_version", "world_provider", "policy_provider"],
        )
        info.add_metric(
            [
                str(meta.get("townlet_version", "")),
                SCHEMA_VERSION,
                str(providers.get("world", {}).get("name", "")),
                str(providers.get("policy", {}).get("name", "")),
            ],
            1,
        )
        yield info
        yield CounterMetricFamily(
            "townlet_ticks",
            "Simulation ticks completed (one tick = one simulated minute).",
            value=state.tick if state is not None else 0,
        )
        durations = agg.tick_durations
        yield HistogramMetricFamily(
            "townlet_tick_duration_seconds",
            "Wall time between consecutive ticks, telemetry included.",
            buckets=durations.buckets(),
            sum_value=durations.sum_seconds,
        )
        yield from self._agents(sections)
        yield from self._world(sections, agg)
        yield from self._kpis(sections)
        yield from self._transports(pipe)

    def _agents(self, sections: Any) -> Iterator[Metric]:
        """Alive count, need means and agents below the need floor."""
        agents = list(sections.get("agents", {}).values())
        yield GaugeMetricFamily(
            "townlet_agents_alive",
            "Agents alive at the latest state.",
            value=len(agents),
        )
        source = self.pipeline.aggregator.source
        counters = getattr(source, "counters", None)
        steps = CounterMetricFamily(
            "townlet_agent_steps", "Decisions of alive agents.", labels=["obs_variant"]
        )
        steps.add_metric(
            [str(getattr(source, "variant", ""))], getattr(counters, "agent_steps", 0)
        )
        yield steps
        deaths = CounterMetricFamily(
            "townlet_agent_deaths", "Agents terminated, by reason.", labels=["reason"]
        )
        for reason, n in sorted(getattr(counters, "deaths", {}).items()):
            deaths.add_metric([str(reason)], n)
        yield deaths
        mean = GaugeMetricFamily(
            "townlet_agent_need_mean",
            "Mean need value over alive agents (0-1).",
            labels=["need"],
        )
        below = GaugeMetricFamily(
            "townlet_agents_below_need_floor",
            "Alive agents with a need below 0.3.",
            labels=["need"],
        )
        for need in NEEDS:
            values = [a["needs"][need] for a in agents]
            mean.add_metric([need], sum(values) / len(values) if values else 0.0)
            below.add_metric([need], sum(1 for v in values if v < NEED_FLOOR))
        yield mean
        yield below

    def _world(self, sections: Any, agg: Any) -> Iterator[Metric]:
        """World events by kind, queue lengths by object type, money, narrations."""
        events = CounterMetricFamily(
            "townlet_world_events", "World events emitted, by kind.", labels=["kind"]
        )
        for kind, n in sorted(agg.world_events_total.items()):
            events.add_metric([kind], n)
        yield events
        queues = GaugeMetricFamily(
            "townlet_queue_length",
            "Agents waiting, summed over objects of a type.",
            labels=["object_type"],
        )
        lengths: dict[str, int] = {}
        for obj in sections.get("objects", {}).values():
            lengths[obj["type"]] = lengths.get(obj["type"], 0) + len(obj["queue"])
        for kind, n in sorted(lengths.items()):
            queues.add_metric([kind], n)
        yield queues
        yield GaugeMetricFamily(
            "townlet_money_supply_meals",
            "Money held by alive agents, in meal units.",
            value=sections.get("economy", {}).get("money_supply", 0.0),
        )
        told = CounterMetricFamily(
            "townlet_narrations",
            "Narrations accepted, by category.",
            labels=["category"],
        )
        for category, n in sorted(agg.narrator.accepted.items()):
            told.add_metric([category], n)
        yield told
        hushed = CounterMetricFamily(
            "townlet_narrations_suppressed",
            "Narration candidates suppressed.",
            labels=["reason"],
        )
        for reason, n in sorted(agg.narrator.suppressed.items()):
            hushed.add_metric([reason], n)
        yield hushed

    def _kpis(self, sections: Any) -> Iterator[Metric]:
        """One gauge per KPI that has a value."""
        latest = sections.get("kpis", {}).get("latest", {})
        for name, metric in KPI_METRICS.items():
            value = latest.get(name)
            if value is not None:
                yield GaugeMetricFamily(
                    metric, f"KPI {name} (operations.md 1.9).", value=float(value)
                )

    def _transports(self, pipe: TelemetryPipeline) -> Iterator[Metric]:
        """Per-transport queue and write counters; WebSocket client counts."""
        rows = pipe.transport_status()
        spec = [
            (
                "townlet_telemetry_queue_depth",
                "queue_depth",
                "gauge",
                "Tick states queued for a transport.",
            ),
            (
                "townlet_telemetry_states_coalesced",
                "states_coalesced_total",
                "counter",
                "Tick states merged into later ones under backpressure.",
            ),
            (
                "townlet_telemetry_frames_written",
                "frames_written_total",
                "counter",
                "Frames written by a transport.",
            ),
            (
                "townlet_telemetry_bytes_written",
                "bytes_written_total",
                "counter",
                "Bytes written by a transport.",
            ),
            (
                "townlet_telemetry_write_errors",
                "write_errors_total",
                "counter",
                "Write errors (send errors) of a transport.",
            ),
            (
                "townlet_telemetry_block_wait_seconds",
                "block_wait_seconds_total",
                "counter",
                "Seconds the simulation waited for queue space.",
            ),
        ]
        for name, key, kind, doc in spec:
            family: Any = (
                GaugeMetricFamily(name, doc, labels=["transport"])
                if kind == "gauge"
                else CounterMetricFamily(name, doc, labels=["transport"])
            )
            for row in rows:
                family.add_metric([row["transport"]], row[key])
            yield family
        drops = CounterMetricFamily(
            "townlet_telemetry_events_dropped",
            "Delta items lost, by reason.",
            labels=["transport", "reason"],
        )
        for row in rows:
            for reason, n in sorted(row["events_dropped_total"].items()):
                drops.add_metric([row["transport"], reason], n)
        yield drops
        hub: Any = pipe.transport("websocket")
        clients = GaugeMetricFamily(
            "townlet_ws_clients", "WebSocket clients connected.", labels=["channel"]
        )
        clients.add_metric(["telemetry"], hub.client_count if hub else 0)
        yield clients
        for name, attr, doc in (
            ("townlet_ws_frames_sent", "frames_sent_total", "Frames sent to clients."),
            (
                "townlet_ws_states_coalesced",
                "states_coalesced_total",
                "States merged in client queues.",
            ),
            ("townlet_ws_resyncs", "resyncs_total", "Snapshots sent on request."),
        ):
            family = CounterMetricFamily(name, doc, labels=["channel"])
            family.add_metric(["telemetry"], getattr(hub, attr) if hub else 0)
            yield family


def registry_for(pipeline: TelemetryPipeline) -> CollectorRegistry:
    """A dedicated registry holding one :class:`PipelineCollector`."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(PipelineCollector(pipeline))
    return registry


def metrics_text(registry: CollectorRegistry) -> bytes:
    """The text exposition format of a registry."""
    return generate_latest(registry)


class PrometheusExporter(Exporter):
    """A standalone ``/metrics`` HTTP server for a pipeline.

    Args:
        host: bind address (loopback by default).
        port: TCP port (0 = any free port; the bound one is in ``port`` after start).
    """

    type = "prometheus"

    def __init__(self, host: str = "127.0.0.1", port: int = 9464) -> None:
        self.host = host
        self.port = port
        self.registry: CollectorRegistry | None = None
        self._server: Any = None
        self._thread: Any = None

    def attach(self, pipeline: TelemetryPipeline) -> None:
        """Build the registry for ``pipeline``."""
        self.registry = registry_for(pipeline)

    def start(self) -> None:
        """Start the HTTP server thread (idempotent)."""
        if self._server is not None or self.registry is None:
            return
        from prometheus_client import start_http_server

        self._server, self._thread = start_http_server(
            self.port, addr=self.host, registry=self.registry
        )
        self.port = int(self._server.server_address[1])
        _log.info("telemetry.prometheus.listening", url=self.url)

    @property
    def url(self) -> str:
        """The metrics URL."""
        return f"http://{self.host}:{self.port}/metrics"

    def stop(self) -> None:
        """Shut the server down and join its thread."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5.0)
        self._server = None
