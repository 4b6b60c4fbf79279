"""structlog set-up: stderr, JSON off a TTY, redaction, bound context (T-50..T-52)."""

from __future__ import annotations

import json

import structlog

from townlet.telemetry.log_config import configure_logging, get_logger


def test_json_on_stderr_with_context_and_redaction(capsys):
    configure_logging("INFO", "json")
    structlog.contextvars.bind_contextvars(tick=12)
    try:
        get_logger("townlet.test").info(
            "console.command.received", envelope={"cmd": "x", "token": "s3cret"}
        )
        get_logger("townlet.test").debug("hidden.at.info")
    finally:
        structlog.contextvars.unbind_contextvars("tick")
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    record = json.loads(line)
    assert record["event"] == "console.command.received"
    assert record["logger"] == "townlet.test"
    assert record["level"] == "info"
    assert record["tick"] == 12
    assert record["envelope"] == {"cmd": "x", "token": "***"}
    assert "s3cret" not in captured.err
    assert record["timestamp"].endswith("Z")
