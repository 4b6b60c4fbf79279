"""Build pipelines from ``--telemetry`` items and ``telemetry.transports`` (§1.5).

Each registry name maps to one transport: ``stdout``, ``file[:PATH]``,
``ws[:HOST:PORT]`` (a WebSocket server hosting ``/ws/telemetry`` for the length of
the run), ``prometheus[:PORT]`` (a standalone ``/metrics`` exporter) and
``config`` (every transport listed in ``telemetry.transports``). Settings for a
transport type come from the first matching ``telemetry.transports`` entry.
Several items are merged into one pipeline (provider ``multi``) by
:class:`~townlet.telemetry.multi.MultiSink`.
"""

from __future__ import annotations

from typing import Any

from townlet.config.telemetry import TelemetryConfig, TransportConfig
from townlet.errors import ConfigError
from townlet.telemetry.pipeline import Channel, Exporter, TelemetryPipeline, channel_for
from townlet.telemetry.transport.jsonl import FileTransport, StdoutTransport

__all__ = ["build_pipeline", "parse_hostport"]

DEFAULT_WS_PORT = 8000


def _telemetry_config(config: Any) -> TelemetryConfig:
    """The config's ``telemetry`` section (defaults without a config)."""
    section = getattr(config, "telemetry", None)
    return section if isinstance(section, TelemetryConfig) else TelemetryConfig()


def _settings(tconf: TelemetryConfig, kind: str) -> TransportConfig | None:
    """The first ``telemetry.transports`` entry of a type."""
    return next((t for t in tconf.transports if t.type == kind), None)


def _meta(config: Any) -> dict[str, Any]:
    """``meta`` keys known at build time."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        townlet_version = version("townlet")
    except PackageNotFoundError:
        townlet_version = "0.0.0+unknown"
    meta: dict[str, Any] = {"townlet_version": townlet_version}
    source = getattr(config, "source_path", None) or getattr(config, "source", None)
    if source:
        meta["config_path"] = str(source)
        meta["config_label"] = str(source).rsplit("/", 1)[-1]
    return meta


def parse_hostport(arg: str | None, default_port: int) -> tuple[str, int]:
    """``HOST:PORT``, ``//HOST:PORT`` or ``PORT`` -> ``(host, port)``; loopback default.

    >>> parse_hostport("//127.0.0.1:9000", 8000)
    ('127.0.0.1', 9000)

    Raises:
        ConfigError: a malformed address or port.
    """
    text = (arg or "").lstrip("/")
    host, sep, port = text.rpartition(":")
    if not sep:
        host, port = "127.0.0.1", text
    try:
        number = int(port) if port else default_port
    except ValueError:
        raise ConfigError(
            f"telemetry address {arg!r}: port must be a number",
            key="telemetry",
            code="telemetry.spec",
        ) from None
    if not 0 <= number <= 65535:
        raise ConfigError(
            f"telemetry address {arg!r}: port out of range",
            key="telemetry",
            code="telemetry.spec",
        )
    return host or "127.0.0.1", number


def _channel(
    kind: str, arg: str | None, config: Any, run_id: str
) -> Channel | Exporter:
    """One transport (or exporter) for a registry name."""
    tconf = _telemetry_config(config)
    settings = _settings(tconf, kind)
    keyframe = tconf.keyframe_every_ticks
    glob = tconf.transforms
    if kind == "stdout":
        transport: Any = StdoutTransport(run_id, keyframe_every_ticks=keyframe)
    elif kind == "file":
        from townlet.telemetry.jsonl import default_file_path

        path = arg or (settings.path if settings and settings.path else None)
        s = settings or TransportConfig(type="file")
        transport = FileTransport(
            run_id,
            path or default_file_path(run_id),
            keyframe_every_ticks=keyframe,
            rotate_bytes=s.rotate_bytes or 256 * 2**20,
            rotate_every_ticks=s.rotate_every_ticks,
            keep=10 if s.keep is None else s.keep,
            gzip_rotated=True if s.gzip_rotated is None else s.gzip_rotated,
        )
    elif kind == "websocket":
        from townlet.telemetry.transport.websocket import WebSocketHub

        serve = getattr(config, "serve", None)
        ws = getattr(serve, "ws", None)
        default_port = getattr(serve, "port", DEFAULT_WS_PORT)
        address = parse_hostport(arg, default_port) if arg else None
        transport = WebSocketHub(
            run_id, settings=ws, keyframe_every_ticks=keyframe, address=address
        )
    elif kind == "prometheus":
        from townlet.telemetry.transport.prometheus import PrometheusExporter

        serve = getattr(config, "serve", None)
        port = settings.port if settings and settings.port is not None else None
        default = port if port is not None else int(getattr(serve, "port", 9464))
        host, number = parse_hostport(arg, default)
        return PrometheusExporter(host=host, port=number)
    else:
        raise ConfigError(f"unknown telemetry transport {kind!r}", key="telemetry")
    return channel_for(transport, settings, global_transforms=glob)


def build_pipeline(
    kind: str, arg: str | None, config: Any, run_id: str
) -> TelemetryPipeline:
    """A pipeline with one transport (``kind``) or the configured ones (``config``).

    Raises:
        ConfigError: an unknown kind, a bad address or a bad transform.
    """
    tconf = _telemetry_config(config)
    if kind == "config":
        parts = [
            _channel(_kind(t), _config_arg(t, config), config, run_id)
            for t in tconf.transports
            if t.type != "null"
        ]
    else:
        parts = [_channel(kind, arg, config, run_id)]
    channels = [p for p in parts if isinstance(p, Channel)]
    exporters = [p for p in parts if isinstance(p, Exporter)]
    return TelemetryPipeline(
        channels, exporters=exporters, config=tconf, meta=_meta(config)
    )


def _config_arg(transport: TransportConfig, config: Any) -> str | None:
    """The item argument of a configured transport (a configured WebSocket
    transport hosts its own server on ``serve.host:serve.port``)."""
    if transport.type == "file":
        return transport.path
    if transport.type == "websocket":
        serve = getattr(config, "serve", None)
        host = getattr(serve, "host", "127.0.0.1")
        return f"{host}:{getattr(serve, 'port', DEFAULT_WS_PORT)}"
    return None


def _kind(transport: TransportConfig) -> str:
    """Registry kind of a configured transport."""
    if transport.type == "tcp":
        raise ConfigError(
            "telemetry transport 'tcp' is not available in this build; "
            "use file, stdout, websocket or prometheus",
            key="telemetry.transports",
        )
    return transport.type
