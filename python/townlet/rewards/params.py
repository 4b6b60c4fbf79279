"""The numbers the reward engine reads (learning.md 3.1, 3.4).

:class:`RewardParams` bundles ``rewards.*`` with the two world settings the wage term
needs (each job's wage and the lateness fine), resolved once.

>>> from townlet.config.rewards import RewardsConfig
>>> p = RewardParams.build(RewardsConfig(), {"clerk": 0.01}, lateness_fine=0.3)
>>> round(p.wage_coeff, 6)
0.2
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from townlet.config.rewards import NEED_WEIGHTS, RewardsConfig

if TYPE_CHECKING:
    from townlet.config.root import TownletConfig

__all__ = ["NEED_WEIGHT_ROW", "STAGES", "RewardParams"]

NEED_WEIGHT_ROW: tuple[float, float, float] = (
    NEED_WEIGHTS["hunger"],
    NEED_WEIGHTS["hygiene"],
    NEED_WEIGHTS["energy"],
)
"""The need weights w in NEEDS order (hunger, hygiene, energy)."""

STAGES: tuple[str, ...] = ("off", "C1", "C2", "C3")
"""Social stages in order; each includes the previous ones (learning.md 3.4)."""


@dataclass(frozen=True)
class RewardParams:
    """Resolved reward settings.

    Attributes:
        rewards: the ``rewards`` section.
        wage_coeff: ``rewards.wage_coeff`` with ``auto`` resolved.
        job_wages: job id -> wage per tick.
        lateness_fine: ``employment.lateness_fine`` (the fine a late start owes).
    """

    rewards: RewardsConfig
    wage_coeff: float
    job_wages: Mapping[str, float]
    lateness_fine: float

    @classmethod
    def build(
        cls,
        rewards: RewardsConfig,
        job_wages: Mapping[str, float],
        *,
        lateness_fine: float,
    ) -> RewardParams:
        """Resolve ``wage_coeff`` against the highest job wage."""
        highest = max(job_wages.values(), default=0.0)
        return cls(
            rewards=rewards,
            wage_coeff=rewards.resolved_wage_coeff(highest),
            job_wages=dict(job_wages),
            lateness_fine=lateness_fine,
        )

    @classmethod
    def from_config(cls, config: TownletConfig) -> RewardParams:
        """Params of a loaded config (``rewards``, ``world.jobs``, ``employment``)."""
        return cls.build(
            config.rewards,
            {job.id: job.wage_per_tick for job in config.world.jobs},
            lateness_fine=config.world.employment.lateness_fine,
        )

    @classmethod
    def from_settings(
        cls, rewards: RewardsConfig, settings: Mapping[str, Any]
    ) -> RewardParams:
        """Params from a world settings dict (docs/world-state.md section 1)."""
        return cls.build(
            rewards,
            {str(j["id"]): float(j["wage_per_tick"]) for j in settings["jobs"]},
            lateness_fine=float(settings["employment"]["lateness_fine"]),
        )

    def stage_at_least(self, stage: str, wanted: str) -> bool:
        """Whether ``stage`` includes ``wanted`` (``C2`` includes ``C1``)."""
        return STAGES.index(stage) >= STAGES.index(wanted)
