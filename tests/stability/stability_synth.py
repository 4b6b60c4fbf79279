"""A synthetic town for the stability tests: healthy rows plus scripted trouble.

:class:`SynthTown` feeds a monitor tick by tick with ``agents`` live residents at
hunger 0.8 and reward 0, and lets a test put events, hunger, rewards and
abandonments on chosen ticks. Every tick it feeds is otherwise as quiet as a calm
scripted town, so each analyzer test changes exactly one thing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from townlet.stability import RivalryLookup, StabilityMonitor, WindowReport


class SynthTown:
    """Residents ``r0..r(n-1)``; ``run`` feeds ticks and collects reports."""

    def __init__(self, monitor: StabilityMonitor, agents: int = 10) -> None:
        self.monitor = monitor
        self.ids = [f"r{i}" for i in range(agents)]
        self.tick = 0
        self.reports: list[WindowReport] = []
        self.hunger = np.full(agents, 0.8)
        self.rewards = np.zeros(agents)
        self.live = np.ones(agents, dtype=np.bool_)

    def step(
        self,
        events: Sequence[Mapping[str, Any]] = (),
        *,
        abandonments: int = 0,
        rivalry: RivalryLookup | None = None,
    ) -> WindowReport | None:
        """Feed one tick (the next tick number) with the current rows."""
        report = self.monitor.record(
            self.tick,
            self.ids,
            self.live.copy(),
            self.hunger.copy(),
            self.rewards.copy(),
            abandonments=abandonments,
            events=list(events),
            rivalry=rivalry,
        )
        self.tick += 1
        if report is not None:
            self.reports.append(report)
        return report

    def run(
        self,
        ticks: int,
        events: Callable[[int], Sequence[Mapping[str, Any]]] | None = None,
        *,
        abandonments: Callable[[int], int] | None = None,
    ) -> list[WindowReport]:
        """Feed ``ticks`` ticks; ``events(tick)`` and ``abandonments(tick)`` add
        trouble. Returns the reports closed meanwhile."""
        before = len(self.reports)
        for _ in range(ticks):
            t = self.tick
            self.step(
                events(t) if events else (),
                abandonments=abandonments(t) if abandonments else 0,
            )
        return self.reports[before:]

    def to_window_end(self) -> WindowReport:
        """Feed quiet ticks until the open window closes; return its report."""
        size = self.monitor.config.window_ticks
        self.run(size - self.tick % size)
        return self.reports[-1]


def event(name: str, **payload: Any) -> dict[str, Any]:
    """A world event dict as ``StepResult.events`` holds them."""
    return {"tick": 0, "seq": 0, "name": name, **payload}
