"""Selection with hysteresis (learning.md 5.3).

Masked-out options have utility -inf; the highest utility wins, ties to the lower
id. The active option is kept while it is allowed and its utility + delta reaches
the best, or while the resident is busy running its affordance (a shower, a meal, a
sleep is finished once begun), unless the best is a critical 4.0 and the active one
is not. A best of at least 3.5 (the in-place lunch, a top-up) also wins over a
lower active option that is not running an affordance: otherwise Work's 3.0 + delta
would tie the lunch and keep a hungry resident at the desk.

>>> u = np.array([[0.1, 1.2, 0.0, 0.0, 3.0, 0.0, 0.0, 0.0]])
>>> mask = np.ones((1, 8), dtype=bool)
>>> idle, yes = np.array([False]), np.array([True])
>>> select(u, mask, np.array([4]), idle, yes, 0.5).tolist()
[4]
>>> select(u, mask, np.array([0]), idle, yes, 0.5).tolist()
[4]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from townlet.policy.scripted.utilities import CRITICAL, LUNCH

__all__ = ["active_option", "select"]

_IDS = np.arange(1.0, 8.0)


def active_option(opt: npt.NDArray[np.floating]) -> npt.NDArray[np.intp]:
    """Active option id from the ``opt_*`` one-hot columns (0 when idle).

    >>> active_option(np.array([[0, 0, 0, 1, 0, 0, 0], [0] * 7])).tolist()
    [4, 0]
    """
    out: npt.NDArray[np.intp] = (opt @ _IDS + HALF_UP).astype(np.intp)
    return out


HALF_UP = 0.5


def select(
    u: npt.NDArray[np.float64],
    mask: npt.NDArray[np.bool_],
    active: npt.NDArray[np.intp],
    busy: npt.NDArray[np.bool_],
    alive: npt.NDArray[np.bool_],
    margin: float,
) -> npt.NDArray[np.int32]:
    """One option id per row; rows not alive get 0 (Wait).

    Args:
        u: ``(N, 8)`` utilities.
        mask: ``(N, 8)`` allowed options.
        active: ``(N,)`` active option id (0 when idle; Wait never stays active).
        busy: ``(N,)`` running or using an affordance.
        alive: ``(N,)`` rows that decide.
        margin: hysteresis delta.
    """
    masked = np.where(mask, u, -np.inf)
    best = np.argmax(masked, axis=1)
    rows = np.arange(u.shape[0])
    top = masked[rows, best]
    kept = masked[rows, active]
    keep = (
        (active > 0)
        & ((kept + margin >= top) | (busy & (kept > -np.inf)))
        & ((top < CRITICAL) | (kept >= CRITICAL))
        & ((top < LUNCH) | (kept >= top) | busy)
    )
    out: npt.NDArray[np.int32] = np.where(keep & alive, active, best * alive).astype(
        np.int32
    )
    return out
