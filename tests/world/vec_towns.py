"""Builders of the vector API tests (tests/env): a churn config (fast hunger, so
residents faint within about 70 ticks) and masked random actions from a seeded
generator."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from towns import native_built

from townlet.config import load_config
from townlet.env import VectorTownlet

BACKENDS = ["python", "native"] if native_built() else ["python"]


def churn_config(**overrides: Any) -> Any:
    """The default config with hunger decaying 0.02 a tick (plus ``overrides``)."""
    values: dict[str, Any] = {"world.needs.decay.hunger": 0.02}
    values.update(overrides)
    return load_config(overrides=values)


def masked_random(
    mask: npt.NDArray[np.int8], rng: np.random.Generator
) -> npt.NDArray[np.int32]:
    """One uniformly drawn allowed action per row."""
    counts = np.cumsum(mask, axis=1)
    pick = (rng.random(mask.shape[0]) * counts[:, -1]).astype(np.int64)
    return np.argmax(counts > pick[:, None], axis=1).astype(np.int32)


def make(towns: int, backend: str = "native", **kwargs: Any) -> VectorTownlet:
    """A hybrid, option-mode vector over the churn config."""
    config = kwargs.pop("config", None) or churn_config()
    return VectorTownlet(
        towns, config, "hybrid", "option", seed=3, backend=backend, **kwargs
    )
