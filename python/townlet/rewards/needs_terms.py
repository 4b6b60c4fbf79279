"""Survival, homeostasis and shaping (learning.md 3.1, components 0 to 2).

Every sum runs left to right over (hunger, hygiene, energy) in f64, so the result
does not depend on numpy's summation strategy.

>>> import numpy as np
>>> float(homeostasis(np.array([[0.5, 1.0, 1.0]]), 0.01)[0])
-0.0025
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from townlet.rewards.params import NEED_WEIGHT_ROW

__all__ = ["homeostasis", "potential", "shaping"]

F64 = npt.NDArray[np.float64]


def homeostasis(needs_after: F64, needs_scale: float) -> F64:
    """``-needs_scale * (w_h d_h^2 + w_y d_y^2 + w_e d_e^2)`` per row, d = 1 - need."""
    d = 1.0 - needs_after
    wh, wy, we = NEED_WEIGHT_ROW
    total = (
        wh * (d[:, 0] * d[:, 0]) + wy * (d[:, 1] * d[:, 1]) + we * (d[:, 2] * d[:, 2])
    )
    out: F64 = -(needs_scale * total)
    return out


def potential(needs: F64, phi_scale: float) -> F64:
    """``Phi = -phi_scale * (w_h d_h + w_y d_y + w_e d_e)`` per row."""
    d = 1.0 - needs
    wh, wy, we = NEED_WEIGHT_ROW
    total = wh * d[:, 0] + wy * d[:, 1] + we * d[:, 2]
    out: F64 = -(phi_scale * total)
    return out


def shaping(
    needs_before: F64,
    needs_after: F64,
    terminated: npt.NDArray[np.bool_],
    phi_scale: float,
    gamma: float,
) -> F64:
    """``gamma * Phi(t) - Phi(t-1)`` with ``Phi(t) = 0`` on a terminating row.

    ``Phi(t-1)`` is the potential of ``needs_before``: the needs at the start of the
    tick are the needs at the end of the previous one (the world records them in
    step 1, before console commands), so no per-resident memory is needed.
    """
    phi_now = np.where(terminated, 0.0, potential(needs_after, phi_scale))
    out: F64 = gamma * phi_now - potential(needs_before, phi_scale)
    return out
