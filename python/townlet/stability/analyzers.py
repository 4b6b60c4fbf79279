"""The seven analyzers of learning.md 8.1: window tallies -> measures and alerts.

Each analyzer is a function of one closed :class:`WindowCounts`, the thresholds
(``stability.<analyzer>.*``) and the baselines (means over the last passing
windows). It returns its measures, each as ``(measure, value, threshold, fired)``;
a measure without enough samples has value ``None`` and never fires. An analyzer
alerts at most once per window, on its first measure that fires.

Measure names are the analyzer name, or ``<analyzer>.<part>`` for the two
analyzers with two measures (``fairness.ghost_steps``, ``fairness.gini``,
``rivalry.crossings``, ``rivalry.conflicts_per_resident``).

>>> from townlet.config.stability import StabilityConfig
>>> w = WindowCounts(index=0, ticks=10, agent_ticks=100, forced_reuses=1)
>>> metrics, alerts = evaluate(w, StabilityConfig(), Baselines())
>>> [a.name for a in alerts], metrics["embedding_reuse"]
(['embedding_reuse'], 1)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from townlet.config.stability import ANALYZERS, StabilityConfig
from townlet.stability.window import WindowCounts

__all__ = ["Alert", "Baselines", "Measure", "evaluate", "gini"]

Measure = tuple[str, float | None, float, bool]
"""``(measure name, value or None, threshold, fired)``."""


@dataclass(frozen=True)
class Baselines:
    """Means over the last passing windows (``None``: no passing window yet).

    Attributes:
        reward_variance: baseline reward variance.
        lateness: baseline late-or-absent ratio.
    """

    reward_variance: float | None = None
    lateness: float | None = None


@dataclass(frozen=True)
class Alert:
    """One analyzer alert of one window.

    Attributes:
        name: the analyzer.
        window: the window number ``k``.
        value: the measured value.
        threshold: the threshold it crossed.
        measure: the measure that fired (the analyzer name or ``name.part``).
    """

    name: str
    window: int
    value: float
    threshold: float
    measure: str

    def as_dict(self) -> dict[str, Any]:
        """``{name, window, value, threshold, measure}`` (operations.md payload)."""
        return {
            "name": self.name,
            "window": self.window,
            "value": self.value,
            "threshold": self.threshold,
            "measure": self.measure,
        }


def gini(values: list[float]) -> float:
    """Gini coefficient of non-negative values (0: equal; 0 when all are 0).

    >>> gini([1.0, 1.0, 1.0]), gini([0.0, 0.0, 0.0, 4.0])
    (0.0, 0.75)
    """
    if not values:
        return 0.0
    x = np.sort(np.asarray(values, dtype=np.float64))
    n = x.shape[0]
    total = float(x.sum())
    if total <= 0.0:
        return 0.0
    ranks = np.arange(1, n + 1, dtype=np.float64)
    return float((2.0 * (ranks * x).sum()) / (n * total) - (n + 1) / n)


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def _starvation(w: WindowCounts, c: StabilityConfig, b: Baselines) -> list[Measure]:
    limit = c.starvation.max_incidents
    return [("starvation", w.incidents, limit, w.incidents > limit)]


def _option_thrash(w: WindowCounts, c: StabilityConfig, b: Baselines) -> list[Measure]:
    t = c.option_thrash
    if w.agent_ticks < max(t.min_agent_ticks, 1):
        return [("option_thrash", None, t.max_rate, False)]
    rate = w.abandonments / w.agent_ticks
    return [("option_thrash", rate, t.max_rate, rate > t.max_rate)]


def _reward_variance(
    w: WindowCounts, c: StabilityConfig, b: Baselines
) -> list[Measure]:
    t = c.reward_variance
    var = w.reward_variance()
    if var is None or w.reward_n < t.min_samples:
        return [("reward_variance", None, t.max_variance, False)]
    if var > t.max_variance:
        return [("reward_variance", var, t.max_variance, True)]
    if b.reward_variance is not None and b.reward_variance > 0.0:
        relative = t.baseline_factor * b.reward_variance
        return [("reward_variance", var, relative, var > relative)]
    return [("reward_variance", var, t.max_variance, False)]


def _fairness(w: WindowCounts, c: StabilityConfig, b: Baselines) -> list[Measure]:
    t = c.fairness
    fired = w.ghost_steps >= t.ghost_steps
    steps: Measure = ("fairness.ghost_steps", w.ghost_steps, t.ghost_steps, fired)
    waits = sum(w.wait_count.values())
    if waits < t.min_waits:
        return [steps, ("fairness.gini", None, t.gini, False)]
    means = [w.wait_sum[a] / n for a, n in sorted(w.wait_count.items())]
    g = gini(means)
    return [steps, ("fairness.gini", g, t.gini, g >= t.gini)]


def _rivalry(w: WindowCounts, c: StabilityConfig, b: Baselines) -> list[Measure]:
    t = c.rivalry
    fired = w.crossings >= t.crossings
    crossed: Measure = ("rivalry.crossings", w.crossings, t.crossings, fired)
    residents = _ratio(w.agent_ticks, w.ticks)
    if residents <= 0.0:
        return [crossed, ("rivalry.conflicts_per_resident", None, 0.0, False)]
    per = w.conflicts / residents
    limit = t.conflicts_per_resident
    return [crossed, ("rivalry.conflicts_per_resident", per, limit, per >= limit)]


def _lateness(w: WindowCounts, c: StabilityConfig, b: Baselines) -> list[Measure]:
    t = c.lateness
    limit = t.min_ratio
    if b.lateness is not None:
        limit = max(limit, t.baseline_factor * b.lateness)
    if w.shifts < t.min_shifts:
        return [("lateness", None, limit, False)]
    ratio = w.late_or_absent / w.shifts
    return [("lateness", ratio, limit, ratio > limit)]


def _embedding_reuse(
    w: WindowCounts, c: StabilityConfig, b: Baselines
) -> list[Measure]:
    limit = c.embedding_reuse.forced_reuses
    return [("embedding_reuse", w.forced_reuses, limit, w.forced_reuses >= limit)]


_ANALYZERS: dict[
    str, Callable[[WindowCounts, StabilityConfig, Baselines], list[Measure]]
]
_ANALYZERS = {
    "starvation": _starvation,
    "option_thrash": _option_thrash,
    "reward_variance": _reward_variance,
    "fairness": _fairness,
    "rivalry": _rivalry,
    "lateness": _lateness,
    "embedding_reuse": _embedding_reuse,
}
assert tuple(_ANALYZERS) == ANALYZERS


def evaluate(
    counts: WindowCounts, config: StabilityConfig, baselines: Baselines
) -> tuple[dict[str, float | None], list[Alert]]:
    """Run every analyzer over one closed window.

    Args:
        counts: the window's tallies.
        config: the ``stability`` config section (thresholds).
        baselines: the baselines in force for this window.

    Returns:
        ``(metrics, alerts)``: every measure by name, and at most one alert per
        analyzer, in learning.md 8.1 order.
    """
    metrics: dict[str, float | None] = {}
    alerts: list[Alert] = []
    for name, analyzer in _ANALYZERS.items():
        fired = None
        for measure, value, threshold, hit in analyzer(counts, config, baselines):
            metrics[measure] = value
            if hit and fired is None and value is not None:
                fired = Alert(
                    name, counts.index, float(value), float(threshold), measure
                )
        if fired is not None:
            alerts.append(fired)
    return metrics, alerts
