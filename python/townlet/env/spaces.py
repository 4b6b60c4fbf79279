"""Gymnasium spaces of one resident (learning.md 4.2 rule 3).

``map`` Box(0, 1, (C, H, W), float32) (absent for ``compact``), ``features``
Box(lo, hi, (F,), float32) with the layout's per-feature bounds (every bound is
-1, 0 or 1: :mod:`townlet.world.layout`), ``action_mask`` Box(0, 1, (A,), int8).
Building a space needs Gymnasium (the ``rl`` extra); the bounds do not.

>>> from townlet.world.layout import observation_layout
>>> lo, hi = feature_bounds(observation_layout(None, "compact", "option"))
>>> lo.shape, float(lo.min()), float(hi.max())
((146,), -1.0, 1.0)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from townlet.world.layout import ObservationLayout

__all__ = ["action_space", "feature_bounds", "observation_space", "state_space"]


def feature_bounds(
    layout: ObservationLayout,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """``(lo, hi)`` float32 arrays of the layout's per-feature bounds."""
    bounds = np.asarray(layout.feature_bounds, dtype=np.float32).reshape(-1, 2)
    return bounds[:, 0].copy(), bounds[:, 1].copy()


def observation_space(layout: ObservationLayout) -> Any:
    """A fresh ``gymnasium.spaces.Dict`` for one resident of ``layout``."""
    from gymnasium import spaces

    lo, hi = feature_bounds(layout)
    parts: dict[str, Any] = {}
    if layout.map_shape is not None:
        parts["map"] = spaces.Box(0.0, 1.0, layout.map_shape, np.float32)
    parts["features"] = spaces.Box(lo, hi, lo.shape, np.float32)
    parts["action_mask"] = spaces.Box(0, 1, (len(layout.action_names),), np.int8)
    return spaces.Dict(parts)


def action_space(layout: ObservationLayout) -> Any:
    """A fresh ``gymnasium.spaces.Discrete(A)``."""
    from gymnasium import spaces

    return spaces.Discrete(len(layout.action_names))


def state_space(layout: ObservationLayout, seats: int) -> Any:
    """The Box of ``state()``: ``seats`` rows of features, flattened.

    Vacant rows are zeros, which every feature's bounds contain.
    """
    from gymnasium import spaces

    lo, hi = feature_bounds(layout)
    return spaces.Box(
        np.tile(lo, seats), np.tile(hi, seats), (seats * lo.size,), np.float32
    )
