"""The pre-commitment top-up (learning.md 5.2, last paragraph).

Before a shift (it starts within ``dist_work + beta + plan_ticks`` ticks and Work is
not yet active) or before sleep (Sleep is the best masked option, or the night
starts within ``plan_ticks`` and energy is below the night-sleep level, and Sleep is
not yet active), each need is projected to the end of the shift or of the sleep: ``n -
rate x m x H``. A need projected below 0.35 (and not yet sated) whose option fits
before departure (``target distance + duration + 5 <= T_start - dist_work``; always
before sleep) gets utility 3.5, above Work. Deviation from learning.md 5.2: the fit
leaves out beta (it already delays departure), so a resident whose home is far
from work still has breakfast (docs/scripted-policy.md).

>>> from townlet.policy.scripted.constants import ScriptedConstants
>>> from townlet.policy.scripted.columns import COLUMNS
>>> from townlet.policy.scripted.utilities import utilities
>>> c = ScriptedConstants.from_config(None)
>>> x = np.zeros((1, len(COLUMNS)))
>>> x[0, :3] = (0.8, 0.9, 0.9)            # fed now, hungry by the shift's end
>>> x[0, 8], x[0, 9] = 400 / 1440, 1.0    # 06:40, employed
>>> x[0, 14] = 80 / 1440                  # shift in 80 ticks
>>> x[0, 23], x[0, 25] = 5 / 96, 20 / 96  # fridge 5 steps, work 20 steps
>>> x[0, 6] = 0.2                         # raw food at home
>>> u, d = utilities(x, c)
>>> mask = np.ones((1, 8), dtype=bool)
>>> float(top_up(u, x, d, mask, c)[0, 1])
3.5
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from townlet.policy.scripted import columns as col
from townlet.policy.scripted.constants import ScriptedConstants
from townlet.policy.scripted.utilities import LUNCH, Derived

__all__ = ["TOP_UP_BELOW", "best_option", "top_up"]

Array = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

TOP_UP_BELOW = 0.35
FIT_SLACK = 5.0
SLEEP = 3
WORK = 4


def best_option(u: Array, mask: Bools) -> npt.NDArray[np.intp]:
    """Highest masked utility per row; ties go to the lower id."""
    best: npt.NDArray[np.intp] = np.argmax(np.where(mask, u, -np.inf), axis=1)
    return best


def top_up(u: Array, x: Array, d: Derived, mask: Bools, c: ScriptedConstants) -> Array:
    """Raise need options to 3.5 where the top-up applies; ``u`` is updated in place.

    Returns:
        ``u``.
    """
    before_shift = (
        d.employed
        & ~d.begun
        & (d.t_start <= d.dist_work + c.work_buffer + c.plan_ticks)
        & (d.active != WORK)
    )
    before_sleep = ((best_option(u, mask) == SLEEP) | d.bedtime_soon) & (
        d.active != SLEEP
    )
    rows = before_shift | before_sleep
    if not rows.any():
        return u
    n = x[:, col.NEED0 : col.NEED0 + 3]
    shift_h = (d.t_start + c.shift_length)[:, None]
    decay = np.where(
        before_shift[:, None],
        c.rates * shift_h,
        c.rates * c.sleep_multipliers * c.sleep_duration,
    )
    # Only needs not yet sated: a full need cannot be topped up further.
    low = ((n - decay) < TOP_UP_BELOW) & (n < c.sated)

    # Ticks each need option takes before the resident is done (travel + use).
    has_home_food = (x[:, col.CARRY_RAW] + x[:, col.HOME_RAW] + x[:, col.HOME_MEAL]) > 0
    fed = (
        np.where(
            x[:, col.CARRY_MEAL] > 0,
            0.0,
            np.where(
                has_home_food,
                x[:, col.FRIDGE_DIST] * c.distance_scale + c.cook_ticks,
                x[:, col.CAFE_DIST] * c.distance_scale + c.buy_meal_ticks,
            ),
        )
        + c.eat_ticks
    )
    clean = x[:, col.SHOWER_DIST] * c.distance_scale + c.shower_ticks
    slack = (d.t_start - d.dist_work - FIT_SLACK)[:, None]
    cost = np.stack([fed, clean, np.full_like(fed, float(c.sleep_duration))], axis=1)
    fits = (cost <= slack) & before_shift[:, None] | before_sleep[:, None]
    raise_rows = low & fits & rows[:, None]
    u[:, 1:4] = np.where(raise_rows, np.maximum(u[:, 1:4], LUNCH), u[:, 1:4])
    return u
