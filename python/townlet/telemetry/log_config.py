"""structlog set-up, done once per process (operations.md section 1.11).

Everything goes to **stderr**. Processor chain: merge contextvars, log level, logger
name (bound by :func:`get_logger`), ISO UTC timestamp, stack info, redaction, then a
JSON or console renderer (``auto``: console when stderr is a TTY, JSON otherwise).
The loop binds ``tick`` (the CLI ``run_id`` and ``config_id``) through contextvars.

>>> redact_secrets(None, "info", {"token": "abc", "x": {"password": 1}})
{'token': '***', 'x': {'password': '***'}}
"""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

__all__ = [
    "LOG_FORMATS",
    "configure_logging",
    "ensure_logging",
    "get_logger",
    "redact_secrets",
]

LOG_FORMATS = ("auto", "json", "console")
"""Accepted ``--log-format`` values."""

_SECRET_KEYS = frozenset({"token", "auth", "authorization", "password", "secret"})
_configured: list[tuple[str, str]] = []


def _redact(value: Any) -> Any:
    """Replace secret values at any depth."""
    if isinstance(value, dict):
        return {
            k: ("***" if str(k).lower() in _SECRET_KEYS else _redact(v))
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(_redact(v) for v in value)
    return value


def redact_secrets(
    logger: Any, method_name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: values of token/auth/password/secret keys become ``***``."""
    return {
        key: ("***" if key.lower() in _SECRET_KEYS else _redact(value))
        for key, value in event_dict.items()
    }


def ensure_logging() -> None:
    """Configure the defaults (INFO, auto) unless structlog was configured already.

    Library users who configure structlog themselves keep their set-up; everyone else
    gets logs on stderr rather than structlog's default of stdout.
    """
    if not structlog.is_configured():
        configure_logging()


def get_logger(name: str) -> Any:
    """Return a structlog logger whose events carry ``logger=<name>``.

    Args:
        name: dotted module-like name, e.g. ``townlet.loop``.
    """
    return structlog.get_logger().bind(logger=name)


class _StderrLoggerFactory:
    """Creates loggers that print to the *current* ``sys.stderr`` (test friendly)."""

    def __call__(self, *args: Any) -> structlog.PrintLogger:
        """Return a print logger bound to ``sys.stderr`` now."""
        return structlog.PrintLogger(file=sys.stderr)


def configure_logging(level: str = "INFO", fmt: str = "auto") -> None:
    """Configure structlog for the process; later calls with other values reconfigure.

    Args:
        level: ``DEBUG``, ``INFO``, ``WARNING``, ``ERROR`` or ``CRITICAL``.
        fmt: ``auto``, ``json`` or ``console``.

    Raises:
        ValueError: for an unknown level or format.
    """
    level_no = logging.getLevelName(level.upper())
    if not isinstance(level_no, int):
        raise ValueError(f"unknown log level {level!r}")
    if fmt not in LOG_FORMATS:
        raise ValueError(f"unknown log format {fmt!r}; expected one of {LOG_FORMATS}")
    if _configured and _configured[-1] == (level.upper(), fmt):
        return
    use_console = fmt == "console" or (fmt == "auto" and sys.stderr.isatty())
    renderer: Any = (
        structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
        if use_console
        else structlog.processors.JSONRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.StackInfoRenderer(),
            redact_secrets,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level_no),
        logger_factory=_StderrLoggerFactory(),
        cache_logger_on_first_use=False,
    )
    _configured.append((level.upper(), fmt))
