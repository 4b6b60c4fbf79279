"""The pre-commitment top-up (learning.md 5.2, last paragraph).

Before a shift (it starts within ``dist_work + beta + plan_ticks`` ticks, it has not
begun and Work is not active) or before sleep, each need is projected to the end of
the shift or of the sleep: ``n - rate x m x H`` (``H = T_start + shift_length``,
``m = 1``; or the ``sleep`` duration and its decay multipliers). A need projected
below 0.35, not yet sated, whose option fits before departure (``target distance +
duration + 5 <= T_start - dist_work``; always before sleep) scores 3.5, above Work.

"Before sleep" is Sleep being the best masked option (:func:`pre_sleep`, a second
pass after the utilities) or, added here, the night starting within ``plan_ticks``
with energy below the night-sleep level, so dinner and a shower come before 22:00.
Energy does not decay in bed, so its projection is the energy itself: below 0.35
it lifts Sleep itself to 3.5, and a tired resident leaves a lesser active option
for bed at once.
Deviation from learning.md 5.2: the fit leaves out beta (which already delays
departure), so a resident who lives far from work still has breakfast
(docs/scripted-policy.md).

>>> from townlet.policy.scripted.constants import ScriptedConstants
>>> from townlet.policy.scripted.columns import COLUMNS
>>> from townlet.policy.scripted.program import Builder, evaluate
>>> from townlet.policy.scripted.utilities import add_utility_rules
>>> c = ScriptedConstants.from_config(None)
>>> b = Builder(COLUMNS)
>>> add_utility_rules(b, c)
>>> add_top_up_rules(b, c)
>>> x = np.zeros((1, len(COLUMNS)))
>>> x[0, :3] = (0.8, 0.9, 0.9)            # fed now, hungry by the shift's end
>>> x[0, 8], x[0, 9] = 400 / 1440, 1.0    # 06:40, employed
>>> x[0, 14] = 80 / 1440                  # shift in 80 ticks
>>> x[0, 23], x[0, 25] = 5 / 96, 20 / 96  # fridge 5 steps, work 20 steps
>>> x[0, 6] = 0.2                         # raw food at home
>>> float(evaluate(x, b.build(8))[0][0, 1])
3.5
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from townlet.core.types import NEEDS
from townlet.policy.scripted.constants import ScriptedConstants
from townlet.policy.scripted.program import Builder, Program
from townlet.policy.scripted.utilities import (
    HALF,
    LUNCH,
    NEED_OPTIONS,
    minute_before,
)

__all__ = ["TOP_UP_BELOW", "add_top_up_rules", "pre_sleep"]

TOP_UP_BELOW = 0.35
FIT_SLACK = 5.0
SLEEP = 3


def _fit(
    b: Builder, c: ScriptedConstants, name: str, target: str | None, ticks: float
) -> None:
    """Literal ``name``: the option does NOT fit before departure, i.e.
    ``T_start - dist_work - dist_target - ticks - 5 < 0`` (integers: ``< -1/2``)."""
    coefs = {"until_shift_start": float(c.tpd), "work_dist": -c.distance_scale}
    if target is not None:
        coefs[target] = -c.distance_scale
    b.lit(name, coefs, -(ticks + FIT_SLACK) + HALF)


def add_top_up_rules(b: Builder, c: ScriptedConstants) -> None:
    """Register the top-up literals and terms (the pre-sleep pass is separate)."""
    to_work = {"until_shift_start": float(c.tpd), "work_dist": -c.distance_scale}
    b.lit("plan", to_work, -(c.work_buffer + c.plan_ticks + HALF))
    for j, need in enumerate(NEEDS):
        rate, mult = float(c.rates[j]), float(c.sleep_multipliers[j])
        shift = {need: 1.0, "until_shift_start": -rate * c.tpd}
        b.lit(f"low_shift_{need}", shift, -(TOP_UP_BELOW + rate * c.shift_length))
        b.lit(
            f"low_sleep_{need}",
            {need: 1.0},
            -(TOP_UP_BELOW + rate * mult * c.sleep_duration),
        )
    home_food = {
        "carry_raw_food": -c.carry_raw,
        "home_raw_food": -c.fridge_raw,
        "home_meal": -c.fridge_meal,
    }
    b.lit("home_food", home_food, HALF)
    _fit(b, c, "late_carried", None, c.eat_ticks)
    _fit(b, c, "late_home", "fridge_dist", c.cook_ticks + c.eat_ticks)
    _fit(b, c, "late_cafe", "cafe_dist", c.buy_meal_ticks + c.eat_ticks)
    _fit(b, c, "late_clean", "shower_dist", c.shower_ticks)
    _fit(b, c, "late_sleep", None, c.sleep_duration)
    start = c.night[0]
    minute_before("before_bed_window", b, c, max(0.0, start - c.plan_ticks))
    minute_before("before_bed_end", b, c, start + 1)

    shift_neg = ["begun", "opt_work"]
    fed_ways = [
        (["meal_carried"], ["late_carried"]),
        (["home_food"], ["meal_carried", "late_home"]),
        ([], ["meal_carried", "home_food", "late_cafe"]),
    ]
    for j, need in enumerate(NEEDS):
        option = NEED_OPTIONS[j]
        plain = ["employed", "plan", f"low_shift_{need}", f"unsated_{need}"]
        ways = (
            fed_ways if j == 0 else [([], ["late_clean" if j == 1 else "late_sleep"])]
        )
        for way_plain, way_neg in ways:
            b.term(option, [*plain, *way_plain], [*shift_neg, *way_neg], LUNCH)
    for j, need in enumerate(NEEDS):  # bedtime soon (energy: Sleep itself, 3.5)
        plain = ["tired", "before_bed_end", f"low_sleep_{need}", f"unsated_{need}"]
        b.term(NEED_OPTIONS[j], plain, ["before_bed_window", "opt_sleep"], LUNCH)


def pre_sleep(
    u: npt.NDArray[np.float64],
    mask: npt.NDArray[np.bool_],
    lits: npt.NDArray[np.bool_],
    p: Program,
) -> npt.NDArray[np.float64]:
    """Second pass: where Sleep is the best masked option and not active, needs
    projected over the sleep below 0.35 (and not sated) score 3.5. For energy (not
    decaying in bed) that lifts Sleep itself to 3.5 below 0.35, so a tired resident
    leaves a lesser active option for bed at once.

    ``u`` is updated in place and returned.
    """
    best = np.argmax(np.where(mask, u, -np.inf), axis=1)
    rows = (best == SLEEP) & ~lits[:, p.literals["opt_sleep"]]
    if np.count_nonzero(rows):
        low = lits[:, [p.literals[f"low_sleep_{need}"] for need in NEEDS]]
        sated = lits[:, [p.literals[f"unsated_{need}"] for need in NEEDS]]
        lift = low & sated & rows[:, None]
        u[:, 1:4] = np.where(lift, np.maximum(u[:, 1:4], LUNCH), u[:, 1:4])
    return u
