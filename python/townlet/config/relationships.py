"""Ties, relationship modifiers and chat (world.md section 10).

``world.relationships``. Trust and familiarity lie in [-1, 1], rivalry in [0, 1];
these settings bound how many ties an agent keeps and how fast they fade.

>>> RelationshipsConfig().chat.max_distance
1
"""

from __future__ import annotations

from pydantic import model_validator

from townlet.config.base import Section, setting

__all__ = ["ChatConfig", "ModifiersConfig", "RelationshipsConfig", "TieDecay"]


class TieDecay(Section):
    """Hourly decay of each tie component toward 0 (world.md 10.5)."""

    trust: float = setting(0.002, "Trust decay per hour.", ge=0.0, le=1.0)
    familiarity: float = setting(0.002, "Familiarity decay per hour.", ge=0.0, le=1.0)
    rivalry: float = setting(0.01, "Rivalry decay per hour.", ge=0.0, le=1.0)


class ModifiersConfig(Section):
    """Personality modifiers on relationship deltas (world.md 10.2)."""

    enabled: bool = setting(True, "Apply the trait modifiers.")
    c_forgive: float = setting(
        0.5, "Forgiveness factor on harmful deltas and rivalry decay.", ge=0, le=1
    )
    c_ambition: float = setting(
        0.3, "Ambition factor on rivalry from work and queue conflicts.", ge=0, le=1
    )
    c_ext_fam: float = setting(
        0.02, "Extroversion bonus to familiarity from good chats.", ge=0, le=1
    )


class ChatConfig(Section):
    """Chat success probability, cooldown and reach (world.md 10.4)."""

    base_p: float = setting(0.7, "Base success probability.", ge=0.0, le=1.0)
    trust_coeff: float = setting(0.3, "Weight of the listener's trust.", ge=0.0)
    fam_coeff: float = setting(0.2, "Weight of the listener's familiarity.", ge=0.0)
    ext_coeff: float = setting(0.1, "Weight of the listener's extroversion.", ge=0.0)
    p_min: float = setting(0.05, "Lower clamp of the probability.", ge=0.0, le=1.0)
    p_max: float = setting(0.95, "Upper clamp of the probability.", ge=0.0, le=1.0)
    cooldown_ticks: int = setting(
        30, "Ticks before the same speaker may chat to the same listener.", ge=0
    )
    max_distance: int = setting(
        1, "Max Chebyshev distance in tiles between speaker and listener.", ge=0
    )

    @model_validator(mode="after")
    def _clamp_ordered(self) -> ChatConfig:
        if self.p_min > self.p_max:
            raise ValueError(
                f"p_min must be <= p_max (got {self.p_min} > {self.p_max})"
            )
        return self


class RelationshipsConfig(Section):
    """Tie capacity, admission, decay, modifiers and chat (world.md 10)."""

    max_ties: int = setting(6, "Ties kept per agent (K).", ge=0, le=64)
    admission_threshold: float = setting(
        0.2,
        "Minimum delta magnitude to evict the weakest tie of a full agent.",
        ge=0.0,
    )
    decay_per_hour: TieDecay = setting(TieDecay, "Hourly decay rates.")
    drop_below: float = setting(
        0.01, "A tie whose components are all below this is removed.", ge=0.0
    )
    modifiers: ModifiersConfig = setting(ModifiersConfig, "Trait modifiers.")
    avoid_threshold: float = setting(
        0.7,
        "Rivalry at or above which policies and observations treat the other as "
        "avoided (the world enforces nothing).",
        ge=0.0,
        le=1.0,
    )
    chat: ChatConfig = setting(ChatConfig, "Chat rules.")
