"""Agent defaults, personalities, lifecycle and embedding slots (world.md 4, 11).

These are the ``world.agents``, ``world.personalities``, ``world.lifecycle`` and
``world.embedding`` sections. ``world.agents`` may also be written as an integer,
shorthand for ``world.lifecycle.population_target`` (handled by ``WorldConfig``).
Checks that span sections (population target against slots, items against the
manifest) live in ``world.py`` and ``loader.py``.

>>> LifecycleConfig().spawn_delay_ticks
(5, 20)
"""

from __future__ import annotations

from typing import Any

from pydantic import field_validator, model_validator

from townlet.config.base import (
    CrossCheckError,
    Identifier,
    Need,
    NeedValues,
    Problem,
    Section,
    setting,
)

__all__ = [
    "BUILTIN_PROFILES",
    "AgentDefaults",
    "EmbeddingConfig",
    "LifecycleConfig",
    "NewcomerDefaults",
    "PersonalitiesConfig",
    "PersonalityProfile",
]

_NAMES = (
    "Alice",
    "Bob",
    "Carol",
    "Dan",
    "Erin",
    "Frank",
    "Grace",
    "Hugo",
    "Iris",
    "Jack",
    "Kate",
    "Liam",
)


def _check_items(items: dict[str, int]) -> dict[str, int]:
    problems = [
        Problem(name, "must be >= 0", count)
        for name, count in items.items()
        if count < 0
    ]
    if problems:
        raise CrossCheckError(problems)
    return items


class AgentDefaults(Section):
    """Display names and starting state of the initial population (world.md 4.5)."""

    names: tuple[str, ...] = setting(
        _NAMES,
        "Display names, used as names[uid mod len] with '-<uid div len>' appended "
        "once they wrap; at least one.",
        min_length=1,
    )
    needs: NeedValues = setting(NeedValues, "Starting needs of initial agents.")
    wallet: float = setting(5.0, "Starting money of initial agents, in meals.", ge=0.0)
    items: dict[str, int] = setting(
        {"raw_food": 2, "meal": 1},
        "Starting inventory of initial agents: manifest item -> count (0 to the "
        "item's carry limit); unlisted items start at 0.",
    )

    @field_validator("names", mode="before")
    @classmethod
    def _names_as_tuple(cls, value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value

    @field_validator("names")
    @classmethod
    def _names_non_empty(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not name.strip() for name in value):
            raise ValueError("names must be non-empty strings")
        return value

    @field_validator("items")
    @classmethod
    def _items_valid(cls, value: dict[str, int]) -> dict[str, int]:
        return _check_items(value)


class NewcomerDefaults(Section):
    """Starting state of newcomers and console spawns (world.md 4.5, 11.3)."""

    needs: NeedValues = setting(NeedValues, "Starting needs of newcomers.")
    wallet: float = setting(
        3.0, "Starting money of newcomers, in meals (1.5 x rent).", ge=0.0
    )
    items: dict[str, int] = setting(
        {"raw_food": 1, "meal": 1},
        "Starting inventory of newcomers: manifest item -> count; unlisted items "
        "start at 0.",
    )

    @field_validator("items")
    @classmethod
    def _items_valid(cls, value: dict[str, int]) -> dict[str, int]:
        return _check_items(value)


class PersonalityProfile(Section):
    """Traits and need decay multipliers of one profile (world.md 4.3)."""

    extroversion: float = setting(0.0, "Extroversion trait, in [-1, 1].", ge=-1, le=1)
    forgiveness: float = setting(0.0, "Forgiveness trait, in [-1, 1].", ge=-1, le=1)
    ambition: float = setting(0.0, "Ambition trait, in [-1, 1].", ge=-1, le=1)
    decay_multipliers: dict[Need, float] = setting(
        {},
        "Factor on a need's decay rate, in [0, 4]; needs not listed use 1.0.",
    )

    @field_validator("decay_multipliers")
    @classmethod
    def _multipliers_in_range(cls, value: dict[str, float]) -> dict[str, float]:
        problems = [
            Problem(need, "must be in [0, 4]", factor)
            for need, factor in value.items()
            if not 0.0 <= factor <= 4.0
        ]
        if problems:
            raise CrossCheckError(problems)
        return value


BUILTIN_PROFILES: dict[str, PersonalityProfile] = {
    "balanced": PersonalityProfile(),
    "socialite": PersonalityProfile(
        extroversion=0.6,
        forgiveness=0.1,
        ambition=-0.1,
        decay_multipliers={"hygiene": 1.1},
    ),
    "industrious": PersonalityProfile(
        extroversion=-0.2,
        forgiveness=-0.1,
        ambition=0.5,
        decay_multipliers={"energy": 0.9},
    ),
    "stoic": PersonalityProfile(
        extroversion=-0.3,
        forgiveness=0.5,
        ambition=-0.2,
        decay_multipliers={"hunger": 0.95},
    ),
}
"""The four built-in profiles of world.md 4.3, in order."""


class PersonalitiesConfig(Section):
    """Personality profiles and the spawn distribution (world.md 4.3)."""

    profiles: dict[Identifier, PersonalityProfile] = setting(
        dict(BUILTIN_PROFILES),
        "Ordered mapping profile name -> profile. The four built-in profiles "
        "(balanced, socialite, industrious, stoic) are always present; an entry "
        "with a built-in name replaces it, other names are appended.",
        shown="the four built-in profiles of world.md 4.3",
    )
    distribution: dict[str, float] = setting(
        {"balanced": 1.0, "socialite": 1.0, "industrious": 1.0, "stoic": 1.0},
        "Ordered mapping profile -> sampling weight >= 0; at least one weight must "
        "be positive and every name must be a profile.",
    )

    @field_validator("profiles", mode="before")
    @classmethod
    def _merge_builtins(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        merged: dict[str, Any] = dict(BUILTIN_PROFILES)
        merged.update(value)
        return merged

    @field_validator("distribution")
    @classmethod
    def _weights_valid(cls, value: dict[str, float]) -> dict[str, float]:
        problems = [
            Problem(name, "weight must be >= 0", weight)
            for name, weight in value.items()
            if weight < 0
        ]
        if problems:
            raise CrossCheckError(problems)
        if not any(weight > 0 for weight in value.values()):
            raise ValueError("needs at least one positive weight")
        return value

    @model_validator(mode="after")
    def _distribution_names_known(self) -> PersonalitiesConfig:
        unknown = [name for name in self.distribution if name not in self.profiles]
        if unknown:
            known = ", ".join(self.profiles)
            raise ValueError(
                f"distribution names unknown profile(s) {', '.join(unknown)} "
                f"(known: {known})"
            )
        return self


class LifecycleConfig(Section):
    """Faint, mortality, population and newcomers (world.md 5.3, 11.3)."""

    population_target: int = setting(
        10,
        "Initial population and the level newcomers refill to; at most "
        "world.embedding.max_slots and the number of beds of the map.",
        ge=0,
        le=4096,
    )
    faint_threshold: float = setting(
        0.05, "Hunger at or below which the faint counter runs.", ge=0.0, le=1.0
    )
    faint_ticks: int = setting(
        30, "Consecutive low-hunger ticks after which an agent faints.", ge=1
    )
    mortality: bool = setting(True, "Whether fainting terminates the agent.")
    spawn_delay_ticks: tuple[int, int] = setting(
        (5, 20),
        "Inclusive [min, max] delay of a newcomer ticket in ticks; "
        "0 <= min <= max <= 10080.",
    )
    newcomer: NewcomerDefaults = setting(
        NewcomerDefaults, "Starting state of newcomers and console spawns."
    )

    @field_validator("spawn_delay_ticks", mode="before")
    @classmethod
    def _delay_as_tuple(cls, value: Any) -> Any:
        return tuple(value) if isinstance(value, list) else value

    @field_validator("spawn_delay_ticks")
    @classmethod
    def _delay_ordered(cls, value: tuple[int, int]) -> tuple[int, int]:
        low, high = value
        if not 0 <= low <= high <= 10080:
            raise ValueError("must satisfy 0 <= min <= max <= 10080")
        return value


class EmbeddingConfig(Section):
    """Embedding slots: the stable observation rows of agents (world.md 11.4)."""

    max_slots: int = setting(
        64, "Number of slots; must be >= the population target.", ge=1, le=4096
    )
    cooldown_ticks: int = setting(
        2880,
        "Ticks a released slot rests before ordinary reuse (2880 = two days).",
        ge=0,
    )
