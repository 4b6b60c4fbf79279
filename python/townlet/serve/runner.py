"""The simulation thread of ``townlet serve``, with pacing and control (§4.1).

:class:`SimRunner` owns one :class:`~townlet.core.loop.SimulationLoop` and steps it
on its own thread (``townlet-sim``), started by :meth:`SimRunner.start` (never in
the constructor) and joined by :meth:`SimRunner.stop`. Pacing: ``tps`` ticks per
second (0 = as fast as possible), ``paused`` and single ``step``\\ s. The loop is
only ever touched by the sim thread.

Hook for the console (issue 7): :meth:`SimRunner.submit` queues a callable that the
sim thread runs *between* ticks, with the loop as argument, and returns a
``concurrent.futures.Future`` with its result. Console ingress submits its command
application there, so commands never race a tick::

    runner = SimRunner(loop, tps=10)
    runner.start()
    future = runner.submit(lambda loop: loop.tick)   # runs between two ticks
    runner.pause(); runner.step(3); runner.resume()
    runner.stop()

The latest tick state crosses to the asyncio side through the telemetry pipeline's
read model (``aggregator.latest``), an immutable object swapped atomically.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import nullcontext
from typing import Any

from townlet.core.loop import SimulationLoop
from townlet.telemetry.log_config import get_logger

__all__ = ["SimRunner"]

_log = get_logger("townlet.serve")
_IDLE_S = 0.05


class SimRunner:
    """Runs a loop on a thread at a target tick rate.

    Args:
        loop: the simulation loop (not started; the runner starts and stops it).
        tps: target ticks per second (0 = unpaced).
        paused: start paused.
        max_ticks: stop after this many ticks (``None``: run until stopped).
        console: the :class:`~townlet.console.ConsoleService` attached to ``loop``;
            then its ``paused`` flag is the runner's, and every tick runs under its
            lock (so console ``pause``/``resume``/``step`` drive the runner).
    """

    def __init__(
        self,
        loop: SimulationLoop,
        *,
        tps: float = 10.0,
        paused: bool = False,
        max_ticks: int | None = None,
        console: Any = None,
    ) -> None:
        self.loop = loop
        self.console = console
        self._lock: Any = console.lock if console is not None else nullcontext()
        if console is not None:
            console.paused = paused
            console.tps_target = tps
        self.tps = tps
        self.max_ticks = max_ticks
        self.error: BaseException | None = None
        self._paused = paused
        self._steps = 0
        self._calls: queue.SimpleQueue[
            tuple[Callable[[SimulationLoop], Any], Future[Any]]
        ]
        self._calls = queue.SimpleQueue()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._started = threading.Event()
        self._thread: threading.Thread | None = None

    # -- control (any thread) ------------------------------------------------------

    @property
    def paused(self) -> bool:
        """True while paused (single steps still run)."""
        if self.console is not None:
            return bool(self.console.paused)
        return self._paused

    @property
    def is_started(self) -> bool:
        """True once the loop has started on the sim thread."""
        return self._started.is_set()

    def pause(self) -> None:
        """Stop ticking after the current tick."""
        self._set_paused(True)

    def resume(self) -> None:
        """Tick again at ``tps``."""
        self._set_paused(False)
        self._wake.set()

    def _set_paused(self, paused: bool) -> None:
        with self._lock:
            self._paused = paused
            if self.console is not None:
                self.console.paused = paused

    def step(self, ticks: int = 1) -> None:
        """Run ``ticks`` ticks while paused."""
        self._steps += max(0, ticks)
        self._wake.set()

    def set_tps(self, tps: float) -> None:
        """Change the target rate (0 = unpaced)."""
        self.tps = max(0.0, tps)
        self._wake.set()

    def submit(self, call: Callable[[SimulationLoop], Any]) -> Future[Any]:
        """Run ``call(loop)`` on the sim thread between two ticks."""
        future: Future[Any] = Future()
        self._calls.put((call, future))
        self._wake.set()
        return future

    # -- lifecycle -----------------------------------------------------------------

    def start(self) -> None:
        """Start the sim thread and wait until the loop has started (idempotent).

        Raises:
            BaseException: whatever ``loop.start()`` raised.
        """
        if self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._run, name="townlet-sim", daemon=True
        )
        self._thread.start()
        while not self._started.wait(0.05):
            if not self._thread.is_alive():
                break
        if self.error is not None:
            raise self.error

    def stop(self, timeout_s: float = 30.0) -> None:
        """Stop ticking, stop the loop (telemetry flushes) and join; idempotent."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def join(self, timeout_s: float | None = None) -> None:
        """Wait for the sim thread to end (``max_ticks`` reached or stopped)."""
        if self._thread is not None:
            self._thread.join(timeout_s)

    # -- the sim thread ------------------------------------------------------------

    def _run(self) -> None:
        """Thread body: start the loop, tick with pacing, run submitted calls."""
        try:
            with self.loop:
                self._started.set()
                self._tick_forever()
        except BaseException as err:
            self.error = err
            _log.error("serve.sim.failed", error=str(err))
        finally:
            self._started.set()
            self._fail_pending()

    def _tick_forever(self) -> None:
        """Pace ticks until stopped."""
        next_at = time.perf_counter()
        done = 0
        while not self._stop.is_set():
            self._run_calls()
            if self.max_ticks is not None and done >= self.max_ticks:
                return
            if self.paused and self._steps <= 0:
                self._wake.wait(_IDLE_S)
                self._wake.clear()
                next_at = time.perf_counter()
                continue
            if self.tps > 0:
                delay = next_at - time.perf_counter()
                if delay > 0:
                    self._wake.wait(min(delay, _IDLE_S))
                    self._wake.clear()
                    continue
                next_at = max(next_at + 1.0 / self.tps, time.perf_counter() - 1.0)
            with self._lock:
                if self.paused:
                    if self._steps <= 0:
                        continue  # paused (by the console) since the check above
                    self._steps -= 1
                self.loop.step()
            done += 1

    def _run_calls(self) -> None:
        """Run every submitted callable, resolving its future."""
        while True:
            try:
                call, future = self._calls.get_nowait()
            except queue.Empty:
                return
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(call(self.loop))
            except Exception as err:
                future.set_exception(err)

    def _fail_pending(self) -> None:
        """Fail calls submitted after the loop ended."""
        while True:
            try:
                _, future = self._calls.get_nowait()
            except queue.Empty:
                return
            if future.set_running_or_notify_cancel():
                future.set_exception(RuntimeError("simulation stopped"))
