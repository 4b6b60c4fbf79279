"""One worker thread per queued transport (operations.md 1.6, 1.7, T-30 to T-32).

The worker is created with its transport and queue but starts its thread only in
:meth:`TransportWorker.start`. It takes states from the queue in batches (the queue
wakes it when half full, on flush and on close, else every 50 ms), flushes the
transport after each batch, applies the
transport's transform chain and delivers them. A write fault (``OSError``) is
retried with backoff (``retry_backoff_s`` x 2^n, ``retry_attempts`` tries); when it
keeps failing the state's events are counted as ``transport_error`` and the
transport reports ``connected: false``. Any other exception is a worker crash: the
worker restarts (the next frame is a snapshot) up to ``restart_limit`` times, then
the transport is ``failed`` and its states are dropped and counted (T-31).

:meth:`TransportWorker.stop` drains what is queued, writes the ``end`` frame and
joins within a deadline; states still queued after it count as
``shutdown_timeout`` (T-42).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from townlet.telemetry.frames import TickState
from townlet.telemetry.log_config import get_logger
from townlet.telemetry.transform import TransformChain
from townlet.telemetry.transport.base import Transport
from townlet.telemetry.transport.queue import CoalescingQueue

__all__ = ["TransportWorker"]

_log = get_logger("townlet.telemetry")
_POLL_S = 0.05


class TransportWorker:
    """Moves tick states from a queue into a transport on its own thread.

    Args:
        transport: the destination.
        queue: the bounded coalescing queue the simulation thread fills.
        transforms: this transport's chain (global chain first).
        restart_limit: crashes tolerated before the transport is failed.
        retry_attempts: tries per state on a write fault.
        retry_backoff_s: first backoff; doubles per attempt.
        fail_fast: re-raise faults on ``stop`` instead of only counting them.
    """

    def __init__(
        self,
        transport: Transport,
        queue: CoalescingQueue,
        *,
        transforms: TransformChain | None = None,
        restart_limit: int = 3,
        retry_attempts: int = 3,
        retry_backoff_s: float = 0.25,
        fail_fast: bool = False,
    ) -> None:
        self.transport = transport
        self.queue = queue
        self.transforms = transforms or TransformChain(())
        self.restart_limit = restart_limit
        self.retry_attempts = retry_attempts
        self.retry_backoff_s = retry_backoff_s
        self.fail_fast = fail_fast
        self.restarts = 0
        self.failed = False
        self.fault: BaseException | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._last_tick = 0

    @property
    def name(self) -> str:
        """The thread name, ``townlet-telemetry-<type>``."""
        return f"townlet-telemetry-{self.transport.type}"

    @property
    def is_alive(self) -> bool:
        """True while the thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Open the transport and start the thread (idempotent)."""
        if self._thread is not None:
            return
        self.transport.open()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        """Thread body: deliver batches until stopped and the queue is empty."""
        while True:
            batch = self.queue.get_batch(timeout=_POLL_S)
            try:
                for state in batch:
                    self._handle(state)
                if batch and not self.failed:
                    self._flush_transport()
            finally:
                if batch:
                    self.queue.batch_done()
            if not batch and self._stopping.is_set():
                carried = self.transforms.take_carry()
                if carried is None:
                    return
                self._deliver_final(carried)

    def _flush_transport(self) -> None:
        """Flush after each batch; a fault is counted like a write error."""
        try:
            self.transport.flush()
        except OSError as err:
            self._note_error(err)

    def _handle(self, state: TickState) -> None:
        """Transform and deliver one state; count what cannot be delivered."""
        self._last_tick = state.tick
        if self.failed:
            self._drop(state, "transport_error")
            return
        try:
            out = self.transforms.apply(state)
            if out is not None:
                self._deliver_with_retry(out)
        except OSError as err:
            self._drop(state, "transport_error")
            self._note_error(err)
        except Exception as err:
            self._crash(state, err)

    def _deliver_final(self, state: TickState) -> None:
        """Deliver a state the ``sample`` transform withheld, at close."""
        try:
            self._deliver_with_retry(state)
        except Exception as err:
            self._drop(state, "transport_error")
            self._note_error(err)

    def _deliver_with_retry(self, state: TickState) -> None:
        """Deliver, retrying write faults with exponential backoff (T-32)."""
        for attempt in range(self.retry_attempts):
            try:
                self.transport.deliver(state)
            except OSError as err:
                self._note_error(err)
                if attempt + 1 == self.retry_attempts or self._stopping.is_set():
                    raise
                time.sleep(self.retry_backoff_s * 2**attempt)
            else:
                self.transport.counters.connected = True
                return

    def _note_error(self, err: BaseException) -> None:
        """Count a write error and remember it."""
        counters = self.transport.counters
        counters.write_errors_total += 1
        counters.connected = False
        first = counters.last_error is None
        counters.last_error = f"{type(err).__name__}: {err}"
        if self.fail_fast:
            self.fault = self.fault or err
        if first:
            _log.warning(
                "telemetry.transport.write_failed",
                transport=self.transport.type,
                error=counters.last_error,
            )

    def _crash(self, state: TickState, err: Exception) -> None:
        """A worker bug: restart with a forced snapshot, or fail the transport."""
        self._note_error(err)
        self.fault = self.fault or (err if self.fail_fast else None)
        self._drop(state, "transport_error")
        if self.restarts < self.restart_limit:
            self.restarts += 1
            self.transport.restart()
            _log.error(
                "telemetry.worker.restarted",
                transport=self.transport.type,
                restarts=self.restarts,
                error=str(err),
            )
            return
        self.failed = True
        self.transport.close()
        _log.error("telemetry.transport.failed", transport=self.transport.type)

    def _drop(self, state: TickState, reason: str) -> None:
        """Count the events of a state that will never be written."""
        if state.events:
            self.queue.counters.events_dropped_total[reason] += len(state.events)

    def flush(self, timeout_s: float) -> bool:
        """Wait until the queue is empty and the transport flushed (T-43)."""
        return self.queue.wait_empty(timeout_s)

    def stop(
        self, totals: Callable[[], Mapping[str, Any]], timeout_s: float, tick: int
    ) -> None:
        """Drain, write ``end``, join within ``timeout_s`` (T-42); idempotent."""
        if self._thread is None or self._stopping.is_set():
            return
        self.queue.flush_carry()
        self._stopping.set()
        self.queue.close()
        self._thread.join(timeout_s)
        if self._thread.is_alive():
            left = self.queue.drain()
            lost = sum(len(state.events) for state in left)
            self.queue.counters.events_dropped_total["shutdown_timeout"] += lost
            _log.error(
                "telemetry.shutdown.timeout",
                transport=self.transport.type,
                states_left=len(left),
                events_lost=lost,
            )
            return
        if self.failed:
            return
        try:
            self.transport.finish(totals(), max(tick, self._last_tick))
        except OSError as err:
            self._note_error(err)
