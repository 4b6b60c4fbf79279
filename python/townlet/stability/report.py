"""The verdict on one closed stability window (learning.md 8.1).

A :class:`WindowReport` is what the monitor hands back when a window closes and what
the loop emits as the telemetry event ``stability.window``; it round-trips through
plain dicts for snapshots.

>>> r = WindowReport(0, 999, 9990, True, {"starvation": 0}, [], 0)
>>> WindowReport.from_dict(r.as_dict()) == r
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from townlet.stability.analyzers import Alert

__all__ = ["WindowReport"]


@dataclass(frozen=True)
class WindowReport:
    """The verdict on one closed window.

    Attributes:
        index: the window number ``k``.
        ticks: ticks recorded in it.
        agent_ticks: live agent-ticks in it.
        passed: no alert outside ``allowed_alerts`` fired.
        metrics: every analyzer measure by name (``None``: too few samples).
        alerts: the alerts, allowed ones included.
        incidents: starvation incidents (read by the rollback rule).
    """

    index: int
    ticks: int
    agent_ticks: int
    passed: bool
    metrics: dict[str, float | None]
    alerts: list[Alert]
    incidents: int

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able dict of the report."""
        return {
            "index": self.index,
            "ticks": self.ticks,
            "agent_ticks": self.agent_ticks,
            "passed": self.passed,
            "metrics": dict(self.metrics),
            "alerts": [a.as_dict() for a in self.alerts],
            "incidents": self.incidents,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WindowReport:
        """Rebuild a report from :meth:`as_dict`."""
        alerts = [
            Alert(a["name"], a["window"], a["value"], a["threshold"], a["measure"])
            for a in data["alerts"]
        ]
        return cls(
            index=int(data["index"]),
            ticks=int(data["ticks"]),
            agent_ticks=int(data["agent_ticks"]),
            passed=bool(data["passed"]),
            metrics=dict(data["metrics"]),
            alerts=alerts,
            incidents=int(data["incidents"]),
        )
