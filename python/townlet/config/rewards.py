"""Reward components and their guardrails (learning.md 3).

``rewards``. Component names follow learning.md 3.1 and 3.4 (``C1_base`` and
friends keep the spec's spelling). The checks of 3.3 rule 5 that involve wages run
in the root model, which sees the jobs.

>>> RewardsConfig().social_stage
'off'
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from townlet.config.base import CrossCheckError, Problem, Section, setting

__all__ = ["NEED_WEIGHTS", "RewardsConfig"]

NEED_WEIGHTS: dict[str, float] = {"hunger": 1.0, "hygiene": 0.6, "energy": 0.8}
"""Fixed need weights w of the homeostasis and shaping terms (learning.md 3.1)."""


class RewardsConfig(Section):
    """Per-tick reward terms, social stages, clip and terminal penalties."""

    survival_tick: float = setting(
        0.002, "Reward per tick alive at the start of the tick.", ge=0
    )
    needs_scale: float = setting(
        0.01, "Scale of the homeostasis penalty sum w_j d_j^2.", ge=0
    )
    shaping: bool = setting(True, "Potential-based shaping on or off.")
    phi_scale: float = setting(0.1, "Scale of the shaping potential.", ge=0)
    shaping_gamma: float = setting(
        0.995,
        "Discount of the shaping term; must equal the learner's gamma.",
        gt=0,
        le=1,
    )
    wage_coeff: float | Literal["auto"] = setting(
        "auto",
        "Reward per meal of wage; auto = a tick at the highest job wage pays 0.002.",
    )
    punctuality_bonus: float = setting(
        0.05, "Reward for an on-time shift start; <= 10 x needs_scale.", ge=0
    )
    late_penalty: float = setting(0.02, "Penalty for a late shift start.", ge=0)
    absence_penalty: float = setting(0.05, "Penalty for a missed shift.", ge=0)
    social_stage: Literal["off", "C1", "C2", "C3"] = setting(
        "off", "Social reward stage; each stage includes the previous ones."
    )
    C1_base: float = setting(0.01, "Chat reward base (stage C1).", ge=0)
    C1_trust: float = setting(0.03, "Chat reward per trust (C1).", ge=0)
    C1_fam: float = setting(0.02, "Chat reward per familiarity (C1).", ge=0)
    C2_avoid: float = setting(0.005, "Reward per rival avoided (C2).", ge=0)
    C3_gain: float = setting(0.25, "Gain on the chat reward by tie (C3).", ge=0)
    clip_per_tick: float = setting(
        0.2, "Per-tick clip of the non-terminal total.", gt=0
    )
    faint_penalty: float = setting(-1.0, "Terminal reward for a faint; < 0.", lt=0)
    eviction_penalty: float = setting(
        -2.0, "Terminal reward for an eviction; <= faint_penalty."
    )

    @model_validator(mode="after")
    def _guardrails(self) -> RewardsConfig:
        problems = []
        bound = 10 * self.needs_scale * NEED_WEIGHTS["hunger"]
        if self.punctuality_bonus > bound:
            problems.append(
                Problem(
                    "punctuality_bonus",
                    f"must be <= 10 x needs_scale x w_hunger = {bound:g}",
                    self.punctuality_bonus,
                )
            )
        chat = self.C1_base + self.C1_trust + self.C1_fam
        if chat > 0.1:
            problems.append(
                Problem(
                    "C1_base",
                    f"C1_base + C1_trust + C1_fam must be <= 0.1 (is {chat:g})",
                )
            )
        if self.eviction_penalty > self.faint_penalty:
            problems.append(
                Problem(
                    "eviction_penalty",
                    f"must be <= faint_penalty {self.faint_penalty}",
                    self.eviction_penalty,
                )
            )
        if problems:
            raise CrossCheckError(problems)
        return self

    def resolved_wage_coeff(self, highest_wage: float) -> float:
        """Return ``wage_coeff``, resolving ``auto`` against the highest job wage."""
        if self.wage_coeff != "auto":
            return self.wage_coeff
        return 0.002 / highest_wage if highest_wage > 0 else 0.0
