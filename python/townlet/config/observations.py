"""Observation variant, window and feature scales (learning.md 1).

``observations``. The map window is world-aligned and odd-sized; the social block
width follows ``social``. Categories map object types to the six map channels.

>>> ObservationsConfig().window
11
"""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from townlet.config.base import Section, setting

__all__ = ["ObservationsConfig", "SocialConfig"]

Category = Literal["food", "hygiene", "rest", "work", "shop"]


class SocialConfig(Section):
    """Social snippet slots and id embedding width (learning.md 1.6)."""

    top_friends: int = setting(2, "Friend slots in the feature vector.", ge=0, le=4)
    top_rivals: int = setting(2, "Rival slots in the feature vector.", ge=0, le=4)
    embed_dim: int = setting(8, "Identity embedding width E.", ge=1, le=32)


class ObservationsConfig(Section):
    """What each agent observes and how features are scaled (learning.md 1)."""

    variant: Literal["full", "hybrid", "compact"] = setting(
        "hybrid", "Observation variant: full, hybrid or compact."
    )
    window: int = setting(
        11, "Side of the square map window in tiles; odd, 5..21.", ge=5, le=21
    )
    local_radius: int = setting(
        5, "Chebyshev radius L of the local features, in tiles.", ge=1, le=10
    )
    wallet_scale: float = setting(
        20.0, "Wallet normalisation Wm in meals (feature = wallet / Wm).", gt=0
    )
    distance_scale: int | None = setting(
        None,
        "Distance normalisation D in steps; null = map width + height (96 for the "
        "default town).",
        ge=1,
    )
    object_categories: dict[Category, list[str]] = setting(
        {
            "food": ["fridge", "stove", "counter", "table"],
            "hygiene": ["shower"],
            "rest": ["bed", "bench"],
            "work": ["desk"],
            "shop": ["till", "shelf"],
        },
        "Map channel category -> object types; unlisted types are 'other'. Part "
        "of the layout fingerprint.",
    )
    social: SocialConfig = setting(SocialConfig, "Social snippet (learning.md 1.6).")

    @field_validator("window")
    @classmethod
    def _window_odd(cls, value: int) -> int:
        if value % 2 == 0:
            raise ValueError("must be odd")
        return value
