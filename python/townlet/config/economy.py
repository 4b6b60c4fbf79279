"""Prices, price groups, rent and restock times (world.md section 8).

``world.economy``. Money is measured in meals (1.0 is about one cafe meal). Price
spike targets are checked against :attr:`EconomyConfig.price_targets`, the one
namespace of price keys and group names (world.md 8.1).

>>> EconomyConfig().price_targets["market"]
('raw_food', 'meal')
"""

from __future__ import annotations

from pydantic import field_validator, model_validator

from townlet.config.base import CrossCheckError, Identifier, Problem, Section, setting

__all__ = ["EconomyConfig"]


class EconomyConfig(Section):
    """Base prices, price groups and the daily money schedule (world.md 8)."""

    prices: dict[Identifier, float] = setting(
        {"raw_food": 0.5, "meal": 1.0, "shower_fee": 0.25},
        "Ordered mapping price key -> base price in meals, each >= 0. Manifest "
        "costs refer to these keys as price.<key>.",
    )
    price_groups: dict[Identifier, list[str]] = setting(
        {
            "grocer": ["raw_food"],
            "cafe": ["meal"],
            "gym": ["shower_fee"],
            "market": ["raw_food", "meal"],
        },
        "Mapping group name -> price keys, usable as price spike targets. Group "
        "names share one namespace with price keys.",
    )
    rent_per_day: float = setting(
        2.0, "Rent charged daily to every agent with a home, in meals.", ge=0.0
    )
    rent_minute: int = setting(
        0, "Minute of day at which rent is due; in [0, ticks_per_day).", ge=0
    )
    restock_minute: int = setting(
        300,
        "Minute of day at which vendors restock (05:00); in [0, ticks_per_day).",
        ge=0,
    )

    @field_validator("prices")
    @classmethod
    def _prices_non_negative(cls, value: dict[str, float]) -> dict[str, float]:
        problems = [
            Problem(key, "must be >= 0", price)
            for key, price in value.items()
            if price < 0
        ]
        if problems:
            raise CrossCheckError(problems)
        return value

    @model_validator(mode="after")
    def _groups_valid(self) -> EconomyConfig:
        problems = []
        for group, keys in self.price_groups.items():
            if group in self.prices:
                problems.append(f"group '{group}' collides with a price key")
            for key in keys:
                if key not in self.prices:
                    problems.append(f"group '{group}' names unknown price '{key}'")
        if problems:
            raise ValueError("price_groups: " + "; ".join(problems))
        return self

    @property
    def price_targets(self) -> dict[str, tuple[str, ...]]:
        """Every valid spike target -> the price keys it resolves to."""
        targets: dict[str, tuple[str, ...]] = {key: (key,) for key in self.prices}
        targets.update({g: tuple(keys) for g, keys in self.price_groups.items()})
        return targets
