"""Scripted policy constants and provider choices (learning.md 5.2).

``policy.scripted`` holds the utilities' thresholds; ``providers`` names the world,
policy and telemetry providers the CLI uses when no flag overrides them.

>>> ScriptedConfig().seek.energy
0.3
"""

from __future__ import annotations

from typing import Any

from pydantic import field_validator

from townlet.config.base import NeedValues, Section, setting

__all__ = ["AnnealConfig", "PolicyConfig", "ProvidersConfig", "ScriptedConfig"]


def _needs(hunger: float, hygiene: float, energy: float) -> Any:
    return NeedValues(hunger=hunger, hygiene=hygiene, energy=energy)


class ScriptedConfig(Section):
    """Utility thresholds of the scripted policy (learning.md 5.2)."""

    seek: NeedValues = setting(
        _needs(0.5, 0.5, 0.3),
        "Need level theta below which its option gains utility.",
        shown="{hunger: 0.5, hygiene: 0.5, energy: 0.3}",
    )
    sated: NeedValues = setting(
        _needs(0.85, 0.85, 0.95),
        "Need level sigma up to which an active need option keeps its utility.",
        shown="{hunger: 0.85, hygiene: 0.85, energy: 0.95}",
    )
    critical: float = setting(
        0.15, "Need level kappa below which the option's utility is 4.0.", ge=0, le=1
    )
    night: tuple[int, int] = setting(
        (1320, 360), "Night as [from, to) minutes of day, wrapping midnight."
    )
    work_buffer: int = setting(20, "Ticks of slack beta when leaving for work.", ge=0)
    switch_margin: float = setting(
        0.5, "Hysteresis delta: keep the active option within this margin.", ge=0
    )
    plan_ticks: int = setting(
        90, "Look-ahead of the pre-commitment top-up, in ticks.", ge=0
    )

    @field_validator("night", mode="before")
    @classmethod
    def _night_as_tuple(cls, value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value


class AnnealConfig(Section):
    """The scripted-to-learned blend of the ``anneal`` provider (learning.md 7.3)."""

    ratios: tuple[float, ...] = setting(
        (0.2, 0.4, 0.6, 0.8, 1.0),
        "Schedule of the learned share rho, ascending, each in (0, 1].",
    )
    start_index: int = setting(0, "Index into ratios the provider starts at.", ge=0)
    kpi_floor: float = setting(
        0.7,
        "A window advances when each ratio KPI is >= this share of the scripted "
        "baseline; below it the window is frozen.",
        gt=0,
        le=1,
    )
    max_override_rate: float = setting(
        0.01, "Safety-floor overrides per agent-tick allowed in a passing window.", ge=0
    )

    @field_validator("ratios", mode="before")
    @classmethod
    def _ratios_as_tuple(cls, value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value

    @field_validator("ratios")
    @classmethod
    def _ratios_valid(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if not value or any(not 0 < r <= 1 for r in value):
            raise ValueError("must be a non-empty list of ratios in (0, 1]")
        if list(value) != sorted(value):
            raise ValueError("must be ascending")
        return value


class PolicyConfig(Section):
    """Policy backend settings."""

    scripted: ScriptedConfig = setting(ScriptedConfig, "Scripted policy (5.2).")
    anneal: AnnealConfig = setting(AnnealConfig, "Anneal blend (7.3).")


class ProvidersConfig(Section):
    """Default providers (architecture.md 3); CLI flags override them."""

    world: str = setting(
        "auto", "World provider: auto (native if built, else python), native, python."
    )
    policy: str = setting("scripted", "Policy provider name or checkpoint path.")
    telemetry: str = setting(
        "file", "Telemetry spec, as the --telemetry flag (e.g. file, stdout,none)."
    )
    checkpoint: str | None = setting(
        None,
        "Checkpoint (.pt, sidecar or directory) of the ppo, bc and anneal policies "
        "when the provider name carries no :PATH.",
    )
    greedy: bool = setting(
        False, "Learned policies take the argmax instead of sampling (6.5)."
    )
    allow_fallback: bool = setting(
        False,
        "Resolve a provider whose optional dependency is missing to its stub "
        "instead of failing.",
    )
