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
    ],
)
def test_valid_specs(spec, items):
    assert parse_telemetry_spec(spec) == items


@pytest.mark.parametrize("spec", ["kafka", "file,bogus", "stdout:x", "", "file:"])
def test_unknown_items_list_valid_forms(spec):
    with pytest.raises(
        ConfigError, match=r"stdout, file, file:PATH, null, none|empty path"
    ):
        parse_telemetry_spec(spec)


@pytest.mark.parametrize(
    "spec", ["ws", "ws://127.0.0.1:9000", "prometheus:9100", "tcp://h:1"]
)
def test_later_transports_are_clear_errors(spec):
    with pytest.raises(ConfigError, match="arrives with the telemetry pipeline"):
        parse_telemetry_spec(spec)


def test_none_cannot_be_combined():
    with pytest.raises(ConfigError, match="'none' cannot be combined"):
        parse_telemetry_spec("none,file")


def test_duplicates_are_refused():
    with pytest.raises(ConfigError, match="twice"):
        parse_telemetry_spec("stdout,stdout")
