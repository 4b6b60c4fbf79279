"""Lifecycle and counters shared by every built-in telemetry sink (operations.md T-2).

Constructors open nothing; ``start()`` opens and ``stop()`` flushes and closes, both
idempotent. ``emit`` before ``start`` raises :class:`TelemetryNotStarted` and after
``stop`` raises :class:`TelemetryClosed`. A sink is single-use: once stopped it stays
stopped. Write faults never stop the run (T-3): they are counted in ``status()`` and
logged once, unless the sink was built with ``fail_fast=True``.
"""

from __future__ import annotations

from townlet.core.lifecycle import StartStop
from townlet.core.types import TelemetryEvent, TransportStatus
from townlet.telemetry.log_config import get_logger

__all__ = ["SinkLifecycle", "TelemetryClosed", "TelemetryNotStarted"]

_log = get_logger("townlet.telemetry")


class TelemetryNotStarted(RuntimeError):  # noqa: N818 - name from operations.md T-2
    """``emit`` was called before ``start()``."""


class TelemetryClosed(RuntimeError):  # noqa: N818 - name from operations.md T-2
    """``emit`` or ``start`` was called after ``stop()``."""


class SinkLifecycle(StartStop):
    """Base class: state machine new -> started -> stopped, plus counters.

    Subclasses implement ``_open``, ``_write`` and ``_close``.

    Args:
        fail_fast: re-raise write faults instead of counting them (tests set it).
    """

    provider = "base"

    def __init__(self, *, fail_fast: bool = False) -> None:
        self._fail_fast = fail_fast
        self._started = False
        self._stopped = False
        self._sent = 0
        self._dropped = 0
        self._last_error: str | None = None

    def _open(self) -> None:
        """Open the transport (called once, by ``start``)."""

    def _write(self, event: TelemetryEvent) -> None:
        """Deliver one event (called by ``emit`` while started)."""

    def _close(self) -> None:
        """Flush and close the transport (called once, by ``stop`` after ``start``)."""

    def start(self) -> None:
        """Open the transport; idempotent.

        Raises:
            TelemetryClosed: when the sink was already stopped.
        """
        if self._stopped:
            raise TelemetryClosed(f"telemetry sink {self.provider!r} is closed")
        if not self._started:
            self._open()
            self._started = True

    def stop(self) -> None:
        """Flush and close; idempotent and safe without ``start``."""
        if self._stopped:
            return
        self._stopped = True
        if self._started:
            try:
                self._close()
            except OSError as err:
                self._fault(err)

    def emit(self, event: TelemetryEvent) -> None:
        """Deliver one event; faults are counted, not raised (unless fail-fast).

        Raises:
            TelemetryNotStarted: before ``start()``.
            TelemetryClosed: after ``stop()``.
        """
        if self._stopped:
            raise TelemetryClosed(f"telemetry sink {self.provider!r} is closed")
        if not self._started:
            raise TelemetryNotStarted(
                f"telemetry sink {self.provider!r} used before start()"
            )
        try:
            self._write(event)
        except (OSError, TypeError, ValueError) as err:
            self._dropped += 1
            self._fault(err)
        else:
            self._sent += 1

    def _fault(self, err: Exception) -> None:
        """Record a transport fault; log the first one; re-raise when fail-fast."""
        first = self._last_error is None
        self._last_error = f"{type(err).__name__}: {err}"
        if self._fail_fast:
            raise err
        if first:
            _log.warning(
                "telemetry.transport.write_failed",
                provider=self.provider,
                error=self._last_error,
            )

    def status(self) -> TransportStatus:
        """Provider, connected flag and the sent/dropped counters."""
        return TransportStatus(
            provider=self.provider,
            connected=self._started and not self._stopped,
            queued=0,
            dropped=self._dropped,
            sent=self._sent,
            last_error=self._last_error,
        )
