"""Option utilities of the scripted policy (learning.md 5.2), one ``(N, 8)`` matrix.

Input is the gathered feature matrix ``x`` (columns of
:mod:`townlet.policy.scripted.columns`, float64); output the utility of each option
id (Wait, GetFed, GetClean, Sleep, Work, ShopGroceries, Socialise, GoHome) before
masking, plus the derived arrays the top-up and the selection reuse.

>>> from townlet.policy.scripted.constants import ScriptedConstants
>>> from townlet.policy.scripted.columns import COLUMNS
>>> c = ScriptedConstants.from_config(None)
>>> x = np.zeros((1, len(COLUMNS)))
>>> x[0, :3] = (0.1, 0.9, 0.9)            # starving, clean, rested
>>> x[0, 8] = 600 / 1440                  # 10:00
>>> u, d = utilities(x, c)
>>> u[0].tolist()
[0.1, 4.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from townlet.policy.scripted import columns as col
from townlet.policy.scripted.constants import ScriptedConstants

__all__ = [
    "CRITICAL",
    "LUNCH",
    "SHOP",
    "WAIT",
    "WORK",
    "Derived",
    "utilities",
]

Array = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

WAIT = 0.1
CRITICAL = 4.0
LUNCH = 3.5
WORK = 3.0
SHOP = 1.2
NIGHT_SLEEP = 1.5
NIGHT_SLEEP_BELOW = 0.8
GO_HOME = 0.6
SOCIAL_BASE, SOCIAL_EXT = 0.4, 0.3
SOCIAL_MARGIN = 0.15
SOCIAL_FROM, SOCIAL_TO = 480, 1260  # 08:00 <= minute < 21:00
SHOP_FOOD_UNITS = 2
SHOP_MONEY_PRICES = 3

_OPTION_IDS = np.arange(1.0, 8.0)


class Derived(NamedTuple):
    """Arrays computed once per decision and shared with the top-up.

    Attributes:
        active: ``(N,)`` active option id, 0 when idle.
        t_start: ``(N,)`` ticks until the shift starts (``T_start``).
        dist_work: ``(N,)`` steps to the job site.
        begun: ``(N,)`` the shift window is open and not ``absent``.
        employed: ``(N,)`` has a job.
        bedtime_soon: ``(N,)`` the night starts within ``plan_ticks`` and energy
            is below the night-sleep level (the top-up's pre-sleep trigger).
    """

    active: npt.NDArray[np.intp]
    t_start: Array
    dist_work: Array
    begun: Bools
    employed: Bools
    bedtime_soon: Bools


def _night(minute: Array, c: ScriptedConstants) -> Bools:
    """``minute`` in ``[from, to)``, wrapping midnight when ``from > to``."""
    start, end = c.night
    if start > end:
        out: Bools = (minute >= start) | (minute < end)
    else:
        out = (minute >= start) & (minute < end)
    return out


def utilities(x: Array, c: ScriptedConstants) -> tuple[Array, Derived]:
    """The ``(N, 8)`` utilities of learning.md 5.2 (before the top-up and mask).

    Args:
        x: ``(N, len(COLUMNS))`` gathered features.
        c: the policy constants.
    """
    n = x[:, col.NEED0 : col.NEED0 + 3]
    opt = x[:, col.OPT0 : col.OPT0 + 7]
    active = np.rint(opt @ _OPTION_IDS).astype(np.intp)
    minute = np.rint(x[:, col.TIME] * c.tpd)
    t_start = np.rint(x[:, col.UNTIL_START] * c.tpd)
    dist_work = x[:, col.WORK_DIST] * c.distance_scale
    night = _night(minute, c)
    employed = x[:, col.HAS_JOB] > 0.5
    begun = x[:, col.AWAITING : col.AWAITING + 3].sum(axis=1) > 0.5

    # Need options: 4.0 when critical, 1..2 below theta (or active below sigma).
    seeking = (n < c.seek) | ((opt[:, :3] > 0.5) & (n < c.sated))
    ramp = 1.0 + (c.seek - np.minimum(n, c.seek)) / c.seek
    u_need = np.where(n < c.critical, CRITICAL, np.where(seeking, ramp, 0.0))
    lunch = (
        (x[:, col.ON_SHIFT] > 0.5) & (n[:, 0] < c.seek[0]) & (x[:, col.CARRY_MEAL] > 0)
    )
    u_need[lunch, 0] = np.maximum(u_need[lunch, 0], LUNCH)
    sleepy = night & (n[:, 2] < NIGHT_SLEEP_BELOW)
    u_need[sleepy, 2] = np.maximum(u_need[sleepy, 2], NIGHT_SLEEP)

    # Work also stays 3.0 once chosen: the walk shortens dist_work, so the leave
    # rule alone would drop Work half-way to the site.
    work = employed & ((t_start <= dist_work + c.work_buffer) | begun | (active == 4))
    food = np.rint(
        x[:, col.CARRY_RAW] * c.carry_raw
        + x[:, col.CARRY_MEAL] * c.carry_meal
        + x[:, col.HOME_RAW] * c.fridge_raw
        + x[:, col.HOME_MEAL] * c.fridge_meal
    )
    # An active ShopGroceries keeps its utility after the first purchase (the food
    # count rises) so the resident carries the food home and stores it.
    shop = (
        ((food <= SHOP_FOOD_UNITS) | (active == 5))
        & (x[:, col.WALLET] * c.wallet_scale >= SHOP_MONEY_PRICES * c.raw_food_price)
        & ~night
        & ~work
    )
    social = (
        (n >= c.seek + SOCIAL_MARGIN).all(axis=1)
        & (x[:, col.SINCE_CHAT] >= 1.0)
        & (minute >= SOCIAL_FROM)
        & (minute < SOCIAL_TO)
        & ~work
    )
    damp = np.where(x[:, col.RIVAL_NEAR] > 0.5, 0.5, 1.0)

    u = np.empty((x.shape[0], 8))
    u[:, 0] = WAIT
    u[:, 1:4] = u_need
    u[:, 4] = np.where(work, WORK, 0.0)
    u[:, 5] = np.where(shop, SHOP, 0.0)
    u[:, 6] = np.where(
        social, (SOCIAL_BASE + SOCIAL_EXT * x[:, col.EXTROVERSION]) * damp, 0.0
    )
    u[:, 7] = np.where(night, GO_HOME, 0.0)
    to_night = (c.night[0] - minute) % c.tpd
    bedtime_soon = (to_night <= c.plan_ticks) & (n[:, 2] < NIGHT_SLEEP_BELOW)
    return u, Derived(active, t_start, dist_work, begun, employed, bedtime_soon)
