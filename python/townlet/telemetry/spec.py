"""Parse ``--telemetry SPEC``: a comma-separated list of sinks (operations.md 1.5).

Valid forms: ``stdout``, ``file``, ``file:PATH``, ``ws``, ``ws://HOST:PORT`` (a
loopback server hosting ``/ws/telemetry`` for the run), ``prometheus``,
``prometheus:PORT``, ``null`` and ``none`` (the stub). ``tcp://HOST:PORT`` is part
of the spec but not available in this build: naming it is a clear
:class:`ConfigError`.

>>> [item.request for item in parse_telemetry_spec("stdout,file:out.jsonl")]
['stdout', 'file:out.jsonl']
>>> parse_telemetry_spec("ws://127.0.0.1:9000")[0].request
'websocket:127.0.0.1:9000'
"""

from __future__ import annotations

from dataclasses import dataclass

from townlet.errors import ConfigError

__all__ = ["VALID_FORMS", "TelemetryItem", "parse_telemetry_spec"]

VALID_FORMS = (
    "stdout",
    "file",
    "file:PATH",
    "ws",
    "ws://HOST:PORT",
    "prometheus",
    "prometheus:PORT",
    "null",
    "none",
)
"""Every accepted item form, as listed in error messages."""

_LATER = ("tcp",)
_SIMPLE = ("stdout", "file", "null", "none", "prometheus")


@dataclass(frozen=True)
class TelemetryItem:
    """One item of a telemetry spec.

    Attributes:
        name: ``stdout``, ``file``, ``websocket``, ``prometheus``, ``null`` or
            ``none``.
        arg: the path of ``file:PATH``, ``HOST:PORT`` of ``ws://``, the port of
            ``prometheus:PORT``, else ``None``.
    """

    name: str
    arg: str | None = None

    @property
    def request(self) -> str:
        """The registry request string (``name`` or ``name:arg``)."""
        return self.name if self.arg is None else f"{self.name}:{self.arg}"


def _parse_item(raw: str, spec: str) -> TelemetryItem:
    """Parse one comma-separated item."""
    item = raw.strip()
    head, sep, arg = item.partition(":")
    name = head.strip().lower()
    if name in _LATER:
        raise ConfigError(
            f"telemetry transport {name!r} is not available in this build; "
            f"valid forms: {', '.join(VALID_FORMS)}",
            key="telemetry",
            code="telemetry.unavailable",
        )
    if name in ("ws", "websocket"):
        if not sep:
            return TelemetryItem("websocket")
        if arg.startswith("//") and ":" in arg[2:]:
            host, _, port = arg[2:].rpartition(":")
            if host and port.isdigit():
                return TelemetryItem("websocket", f"{host}:{port}")
    if name == "prometheus" and sep and arg.isdigit():
        return TelemetryItem("prometheus", arg)
    if name == "file" and sep:
        if not arg:
            raise ConfigError(
                f"telemetry item {item!r} in {spec!r} has an empty path",
                key="telemetry",
                code="telemetry.spec",
            )
        return TelemetryItem("file", arg)
    if name in _SIMPLE and not sep:
        return TelemetryItem(name)
    raise ConfigError(
        f"unknown telemetry item {item!r} in {spec!r}; "
        f"valid forms: {', '.join(VALID_FORMS)}",
        key="telemetry",
        code="telemetry.spec",
    )


def parse_telemetry_spec(spec: str) -> list[TelemetryItem]:
    """Split and validate a telemetry spec.

    Args:
        spec: e.g. ``file``, ``stdout,file:runs/a.jsonl`` or ``none``.

    Returns:
        The items in order.

    Raises:
        ConfigError: for an empty or unknown item, a duplicate, ``none`` mixed with
            other items, or a transport that arrives with a later issue.
    """
    items = [_parse_item(raw, spec) for raw in spec.split(",")] if spec.strip() else []
    if not items:
        raise ConfigError(
            f"empty telemetry spec; valid forms: {', '.join(VALID_FORMS)}",
            key="telemetry",
            code="telemetry.spec",
        )
    names = [item.name for item in items]
    if "none" in names and len(items) > 1:
        raise ConfigError(
            f"telemetry spec {spec!r}: 'none' cannot be combined with other sinks",
            key="telemetry",
            code="telemetry.spec",
        )
    for name in set(names):
        if names.count(name) > 1:
            raise ConfigError(
                f"telemetry spec {spec!r} lists {name!r} twice",
                key="telemetry",
                code="telemetry.spec",
            )
    return items
