"""The ``kpis`` and ``kpi_history`` sections (operations.md 1.9).

Values come from the loop's KPI tracker (learning.md 5.4), read through a plain
``as_dict()`` so telemetry imports no policy code, plus ``friend_pairs`` from the
relationships section. A KPI the tracker cannot measure yet is ``null`` ("n/a").
Bands are the operator alert defaults of §1.9, overridable per KPI through
``telemetry.kpi.bands``.

>>> band("needs_floor_ratio", 0.9, {})
'amber'
>>> band("lateness_mean_ticks", 3.0, {})
'green'
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Any

from townlet.config.telemetry import KpiBand

__all__ = ["DEFAULT_BANDS", "KPI_NAMES", "KpiHistory", "band", "kpi_values"]

KPI_NAMES = (
    "needs_floor_ratio",
    "self_sufficiency",
    "attendance_ratio",
    "lateness_mean_ticks",
    "late_shift_ratio",
    "queue_conflicts_per_day",
    "ghost_steps_per_day",
    "ties_formed_per_day",
    "friend_pairs",
)
"""The deterministic KPIs of the stream, in the order of §1.9."""

DEFAULT_BANDS: dict[str, tuple[float, float, bool]] = {
    "needs_floor_ratio": (0.95, 0.85, True),
    "self_sufficiency": (0.9, 0.7, True),
    "attendance_ratio": (0.9, 0.75, True),
    "lateness_mean_ticks": (5.0, 15.0, False),
    "late_shift_ratio": (0.1, 0.25, False),
    "queue_conflicts_per_day": (10.0, 25.0, False),
    "ghost_steps_per_day": (1.0, 3.0, False),
}
"""KPI -> (green limit, amber limit, higher is better)."""


def band(
    name: str, value: float | None, overrides: Mapping[str, KpiBand]
) -> str | None:
    """``green``, ``amber`` or ``red`` for a value (``None``: informational or n/a)."""
    if value is None or name not in DEFAULT_BANDS:
        return None
    green, amber, higher = DEFAULT_BANDS[name]
    if name in overrides:
        green, amber = overrides[name].green, overrides[name].amber
    if higher:
        return "green" if value >= green else "amber" if value >= amber else "red"
    return "green" if value <= green else "amber" if value <= amber else "red"


def kpi_values(tracker: Any, friend_pairs: int | None) -> dict[str, Any]:
    """The latest value of every KPI (``None`` when not measured)."""
    raw: Mapping[str, Any] = tracker.as_dict() if tracker is not None else {}
    values = {name: raw.get(name) for name in KPI_NAMES}
    values["friend_pairs"] = friend_pairs
    return values


class KpiHistory:
    """The last ``points`` ``[tick, value]`` pairs per KPI, one every ``every`` ticks.

    Args:
        every: ticks between points (``telemetry.kpi.history_every_ticks``).
        points: points kept per KPI.
    """

    def __init__(self, every: int = 10, points: int = 240) -> None:
        self.every = every
        self.points = points
        self._series: dict[str, deque[list[Any]]] = {}
        self._view: dict[str, list[list[Any]]] | None = None

    def record(self, tick: int, values: Mapping[str, Any]) -> bool:
        """Add a point at due ticks; return True when something was added."""
        if tick % self.every:
            return False
        for name, value in values.items():
            if value is not None:
                self._series.setdefault(name, deque(maxlen=self.points)).append(
                    [tick, value]
                )
        self._view = None
        return True

    def section(self) -> dict[str, list[list[Any]]]:
        """The section value (a new object only after a point was added)."""
        if self._view is None:
            self._view = {name: list(s) for name, s in self._series.items()}
        return self._view

    def export_state(self) -> dict[str, Any]:
        """The series, for snapshots."""
        return {name: list(s) for name, s in self._series.items()}

    def import_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`export_state` output."""
        self._series = {
            name: deque((list(p) for p in points), maxlen=self.points)
            for name, points in state.items()
        }
        self._view = None
