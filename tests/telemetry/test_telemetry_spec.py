"""``--telemetry SPEC`` parsing (operations.md 1.5)."""

from __future__ import annotations

import pytest

from townlet.errors import ConfigError
from townlet.telemetry.spec import TelemetryItem, parse_telemetry_spec


@pytest.mark.parametrize(
    ("spec", "items"),
    [
        ("file", [TelemetryItem("file")]),
        ("none", [TelemetryItem("none")]),
        ("null", [TelemetryItem("null")]),
        (
            "stdout,file:out/t.jsonl",
            [TelemetryItem("stdout"), TelemetryItem("file", "out/t.jsonl")],
        ),
        (" STDOUT ", [TelemetryItem("stdout")]),
        ("ws", [TelemetryItem("websocket")]),
        ("ws://127.0.0.1:9000", [TelemetryItem("websocket", "127.0.0.1:9000")]),
        ("prometheus:9100", [TelemetryItem("prometheus", "9100")]),
        ("file,prometheus", [TelemetryItem("file"), TelemetryItem("prometheus")]),
    ],
)
def test_valid_specs(spec, items):
    assert parse_telemetry_spec(spec) == items


@pytest.mark.parametrize(
    "spec",
    ["kafka", "file,bogus", "stdout:x", "", "file:", "ws://nohost", "prometheus:x"],
)
def test_unknown_items_list_valid_forms(spec):
    with pytest.raises(
        ConfigError,
        match=r"stdout, file, file:PATH, ws, ws://HOST:PORT, prometheus, "
        r"prometheus:PORT, null, none|empty path",
    ):
        parse_telemetry_spec(spec)


def test_tcp_is_a_clear_error():
    with pytest.raises(ConfigError, match="'tcp' is not available in this build"):
        parse_telemetry_spec("tcp://h:1")


def test_none_cannot_be_combined():
    with pytest.raises(ConfigError, match="'none' cannot be combined"):
        parse_telemetry_spec("none,file")


def test_duplicates_are_refused():
    with pytest.raises(ConfigError, match="twice"):
        parse_telemetry_spec("stdout,stdout")
