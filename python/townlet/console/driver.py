"""A tick driver: runs a loop on a thread at a target rate, honouring pause.

``townlet serve`` (and the uvicorn test) tick the simulation with a
:class:`TickDriver`. Each tick runs under the console lock, so immediate commands see
a completed tick and ``step`` (which ticks itself while paused) never races the driver.
The thread starts in :meth:`TickDriver.start`, never in the constructor.

    driver = TickDriver(loop, service, tps=10)
    driver.start(); ...; driver.stop()
"""

from __future__ import annotations

import threading
import time
from typing import Any

from townlet.console.service import ConsoleService

__all__ = ["TickDriver"]


class TickDriver:
    """Ticks ``loop`` at ``tps`` (0: as fast as possible) unless paused.

    Args:
        loop: a started :class:`~townlet.core.loop.SimulationLoop`.
        service: the console attached to ``loop``.
        tps: target ticks per second.
        max_ticks: stop after this many ticks (``None``: run until :meth:`stop`).
    """

    def __init__(
        self,
        loop: Any,
        service: ConsoleService,
        tps: float = 10.0,
        max_ticks: int | None = None,
    ) -> None:
        self.loop = loop
        self.service = service
        self.tps = tps
        self.max_ticks = max_ticks
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        service.tps_target = tps

    def start(self) -> None:
        """Start the ticking thread (idempotent)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="townlet-ticks")
            self._thread.daemon = True
            self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Ask the thread to stop and wait for it."""
        self._stop.set()
        with self.service.changed:
            self.service.changed.notify_all()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def _run(self) -> None:
        """The thread body: tick, pace, wait while paused."""
        period = 1.0 / self.tps if self.tps > 0 else 0.0
        done, mark = 0, time.perf_counter()
        while not self._stop.is_set():
            if self.max_ticks is not None and done >= self.max_ticks:
                break
            with self.service.changed:
                if self.service.paused:
                    self.service.changed.wait(0.1)
                    continue
                try:
                    self.loop.step()
                except Exception as err:  # the loop already emitted loop.failure
                    self.error = err
                    break
            done += 1
            now = time.perf_counter()
            self.service.tps_actual = round(1.0 / max(now - mark, 1e-9), 1)
            if period:
                time.sleep(max(0.0, period - (now - mark)))
            mark = time.perf_counter()
