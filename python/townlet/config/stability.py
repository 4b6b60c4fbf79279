"""Stability monitor thresholds and promotion rules (learning.md section 8).

``stability``. Operator-only: never part of ``config_id`` (the monitor reads the
simulation, it never changes it). Each analyzer's thresholds sit under its name;
the alert rule of each is in its key's description and in docs/stability.md.

>>> StabilityConfig().option_thrash.max_rate
0.02
"""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from townlet.config.base import Section, setting, tuple_of

__all__ = [
    "ANALYZERS",
    "EmbeddingReuseThresholds",
    "FairnessThresholds",
    "LatenessThresholds",
    "OptionThrashThresholds",
    "PromotionConfig",
    "RewardVarianceThresholds",
    "RivalryThresholds",
    "StabilityConfig",
    "StarvationThresholds",
]

ANALYZERS: tuple[str, ...] = (
    "starvation",
    "option_thrash",
    "reward_variance",
    "fairness",
    "rivalry",
    "lateness",
    "embedding_reuse",
)
"""The analyzers of learning.md 8.1, in its order."""

AnalyzerName = Literal[
    "starvation",
    "option_thrash",
    "reward_variance",
    "fairness",
    "rivalry",
    "lateness",
    "embedding_reuse",
]


class StarvationThresholds(Section):
    """Faints plus long hunger streaks (learning.md 5.4)."""

    max_incidents: int = setting(
        0, "Alert when a window's incidents are above this.", ge=0
    )
    hunger_at_most: float = setting(
        0.10, "Hunger at or below this counts toward a streak.", ge=0.0, le=1.0
    )
    streak_ticks: int = setting(
        30, "Consecutive live ticks of low hunger that make one incident.", ge=1
    )


class OptionThrashThresholds(Section):
    """Abandonments per live agent-tick."""

    max_rate: float = setting(
        0.02, "Alert when abandonments / live agent-ticks is above this.", ge=0.0
    )
    min_agent_ticks: int = setting(
        500, "Live agent-ticks a window needs before the rate is judged.", ge=0
    )


class RewardVarianceThresholds(Section):
    """Population variance of per-agent-tick reward totals."""

    max_variance: float = setting(
        0.01, "Alert when the variance is above this.", ge=0.0
    )
    baseline_factor: float = setting(
        4.0,
        "Alert when the variance is above this times the baseline (the mean of "
        "the last passing windows).",
        ge=1.0,
    )
    min_samples: int = setting(
        1000, "Live agent-ticks a window needs before it is judged.", ge=0
    )


class FairnessThresholds(Section):
    """Ghost steps and the Gini coefficient of mean waits."""

    ghost_steps: int = setting(
        3, "Alert when a window has at least this many ghost steps.", ge=1
    )
    gini: float = setting(
        0.5,
        "Alert when the Gini coefficient over residents of their mean "
        "waited_ticks is at least this.",
        ge=0.0,
        le=1.0,
    )
    min_waits: int = setting(
        20,
        "Completed waits (reservation_granted with waited_ticks > 0) the Gini needs.",
        ge=1,
    )


class RivalryThresholds(Section):
    """Upward crossings of the avoid threshold and queue conflicts."""

    crossings: int = setting(
        3,
        "Alert when at least this many directed ties cross "
        "world.relationships.avoid_threshold upward in a window.",
        ge=1,
    )
    conflicts_per_resident: float = setting(
        2.0,
        "Alert when queue conflicts / mean live residents is at least this.",
        gt=0.0,
    )


class LatenessThresholds(Section):
    """Late or absent shifts per scheduled shift."""

    min_ratio: float = setting(
        0.2,
        "Alert when the ratio is above max(min_ratio, baseline_factor x baseline).",
        ge=0.0,
        le=1.0,
    )
    baseline_factor: float = setting(
        2.0, "Multiple of the baseline ratio that alerts.", ge=1.0
    )
    min_shifts: int = setting(5, "Scheduled shifts a window needs.", ge=1)


class EmbeddingReuseThresholds(Section):
    """Forced reuse of embedding slots (world.md 11.4)."""

    forced_reuses: int = setting(
        1, "Alert when a window has at least this many slot_forced_reuse.", ge=1
    )


class PromotionConfig(Section):
    """Release, shadow candidate, promotion and rollback (learning.md 8.2)."""

    required_passes: int = setting(
        2, "Consecutive passing candidate windows that make it ready.", ge=1
    )
    auto_promote: bool = setting(
        True, "Promote a ready candidate at once (false: wait for promote())."
    )
    rollback_failed_windows: int = setting(
        2, "Consecutive failed release windows that roll the release back.", ge=1
    )
    rollback_starvation_incidents: int = setting(
        2,
        "Starvation incidents in one release window that roll it back at once.",
        ge=1,
    )
    kpi_tolerance: float = setting(
        0.05,
        "A candidate's ratio KPIs must be within this relative distance of the "
        "release's on the same seeds.",
        ge=0.0,
        le=1.0,
    )
    history: int = setting(50, "Transitions kept in state and telemetry.", ge=1)


class StabilityConfig(Section):
    """Stability windows, analyzer thresholds and promotion (learning.md 8)."""

    enabled: bool = setting(
        True,
        "Feed the monitor from the simulation loop (vectorised; a few "
        "microseconds per tick).",
    )
    window_ticks: int = setting(
        1000, "Window length: windows are [k*W, (k+1)*W) ticks.", ge=1
    )
    baseline_windows: int = setting(
        3, "Passing windows averaged into a baseline.", ge=1
    )
    allowed_alerts: tuple_of(AnalyzerName) = setting(  # type: ignore[valid-type]
        (), "Analyzers whose alerts do not fail a window."
    )
    starvation: StarvationThresholds = setting(StarvationThresholds, "Starvation.")
    option_thrash: OptionThrashThresholds = setting(
        OptionThrashThresholds, "Option thrash."
    )
    reward_variance: RewardVarianceThresholds = setting(
        RewardVarianceThresholds, "Reward variance."
    )
    fairness: FairnessThresholds = setting(FairnessThresholds, "Queue fairness.")
    rivalry: RivalryThresholds = setting(RivalryThresholds, "Rivalry.")
    lateness: LatenessThresholds = setting(LatenessThresholds, "Lateness.")
    embedding_reuse: EmbeddingReuseThresholds = setting(
        EmbeddingReuseThresholds, "Embedding slot reuse."
    )
    promotion: PromotionConfig = setting(PromotionConfig, "Promotion and rollback.")

    @field_validator("allowed_alerts")
    @classmethod
    def _unique(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError(f"names must be unique (got {list(value)})")
        return value
