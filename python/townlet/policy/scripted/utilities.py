"""The utility rules of learning.md 5.2 as literals and terms (see :mod:`.program`).

Options: 0 Wait, 1 GetFed, 2 GetClean, 3 Sleep, 4 Work, 5 ShopGroceries,
6 Socialise, 7 GoHome. Integer quantities decoded from features (minutes, ticks,
steps, food units) are compared with a half-unit margin, so the float32 rounding
of the features never flips a rule.

>>> from townlet.policy.scripted.constants import ScriptedConstants
>>> from townlet.policy.scripted.columns import COLUMNS
>>> from townlet.policy.scripted.program import Builder, evaluate
>>> b = Builder(COLUMNS)
>>> add_utility_rules(b, ScriptedConstants.from_config(None))
>>> x = np.zeros((1, len(COLUMNS)))
>>> x[0, :3] = (0.1, 0.9, 0.9)            # starving, clean, rested
>>> x[0, 8] = 600 / 1440                  # 10:00
>>> evaluate(x, b.build(8))[0][0].tolist()
[0.1, 4.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
"""

from __future__ import annotations

import numpy as np

from townlet.core.types import NEEDS
from townlet.policy.scripted.constants import ScriptedConstants
from townlet.policy.scripted.program import Builder

__all__ = [
    "CRITICAL",
    "LUNCH",
    "NEED_OPTIONS",
    "SHOP",
    "WAIT",
    "WORK",
    "add_utility_rules",
    "time_literals",
]

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
HALF = 0.5

NEED_OPTIONS = (1, 2, 3)
"""GetFed, GetClean, Sleep serve hunger, hygiene, energy."""
ACTIVE = ("opt_get_fed", "opt_get_clean", "opt_sleep", "opt_work", "opt_shop")

_ = np  # numpy is used by the doctest


def minute_before(name: str, b: Builder, c: ScriptedConstants, minute: float) -> None:
    """Literal ``name``: ``minute of day < minute`` (``minute`` an integer)."""
    b.lit(name, {"time_linear": float(c.tpd)}, -(minute - HALF))


def time_literals(b: Builder, c: ScriptedConstants) -> None:
    """Night, the social window and the night-sleep energy level."""
    start, end = c.night
    minute_before("before_night", b, c, start)  # night part 1: minute >= start
    minute_before("before_dawn", b, c, end)  # night part 2: minute < end
    minute_before("before_social", b, c, SOCIAL_FROM)
    minute_before("before_social_end", b, c, SOCIAL_TO)
    b.lit("tired", {"energy": 1.0}, -NIGHT_SLEEP_BELOW)


def night_terms(
    option: int, b: Builder, c: ScriptedConstants, plain: list[str], value: float
) -> None:
    """``option`` scores ``value`` at night (two terms when the night wraps)."""
    neg: list[str] = []
    if c.night[0] > c.night[1]:
        b.term(option, plain, ["before_night", *neg], value)
        b.term(option, ["before_dawn", *plain], neg, value)
    else:
        b.term(option, ["before_dawn", *plain], ["before_night", *neg], value)


def day_variants(c: ScriptedConstants) -> list[tuple[list[str], list[str]]]:
    """``(plain, negated)`` literal lists whose union is "not night"."""
    if c.night[0] > c.night[1]:
        return [(["before_night"], ["before_dawn"])]
    return [([], ["before_dawn"]), (["before_night"], [])]


def add_utility_rules(b: Builder, c: ScriptedConstants) -> None:
    """Register the literals and terms of the learning.md 5.2 table."""
    time_literals(b, c)
    for j, need in enumerate(NEEDS):
        b.lit(f"crit_{need}", {need: 1.0}, -c.critical)
        b.lit(f"seek_{need}", {need: 1.0}, -float(c.seek[j]))
        b.lit(f"unsated_{need}", {need: 1.0}, -float(c.sated[j]))
        b.lit(f"uncomfy_{need}", {need: 1.0}, -(float(c.seek[j]) + SOCIAL_MARGIN))
    for name in ACTIVE:
        b.lit(name, {name: -1.0}, HALF)
    b.lit("employed", {"has_job": -1.0}, HALF)
    b.lit(
        "begun",
        {"shift_awaiting": -1.0, "shift_on_time": -1.0, "shift_late": -1.0},
        HALF,
    )
    # T_start <= dist_work + beta (integers: T_start - dist_work < beta + 1/2)
    to_work = {"until_shift_start": float(c.tpd), "work_dist": -c.distance_scale}
    b.lit("leave", to_work, -(c.work_buffer + HALF))
    b.lit("on_shift", {"on_shift": -1.0}, HALF)
    b.lit("meal_carried", {"carry_meal": -c.carry_meal}, HALF)
    food = {
        "carry_raw_food": c.carry_raw,
        "carry_meal": c.carry_meal,
        "home_raw_food": c.fridge_raw,
        "home_meal": c.fridge_meal,
    }
    b.lit("food_low", food, -(SHOP_FOOD_UNITS + HALF))
    b.lit(
        "short_of_money",
        {"wallet": c.wallet_scale},
        -SHOP_MONEY_PRICES * c.raw_food_price,
    )
    b.lit("chatted_lately", {"since_chat": 1.0}, -1.0)
    b.lit("rival_near", {"rival_near": -1.0}, HALF)

    b.term(0, [], [], WAIT)
    for j, need in enumerate(NEEDS):
        option, theta = NEED_OPTIONS[j], float(c.seek[j])
        b.term(option, [f"crit_{need}"], [], CRITICAL)
        b.term(option, [f"seek_{need}"], [], ({need: -1.0 / theta}, 2.0))  # 1 + (θ-n)/θ
        b.term(option, [ACTIVE[j], f"unsated_{need}"], [], 1.0)
    b.term(1, ["on_shift", "seek_hunger", "meal_carried"], [], LUNCH)
    night_terms(3, b, c, ["tired"], NIGHT_SLEEP)

    b.term(4, ["employed", "leave"], [], WORK)
    b.term(4, ["employed", "begun"], [], WORK)
    b.term(4, ["employed", "opt_work"], [], WORK)  # an active Work keeps 3.0
    no_work = [([], ["employed"]), (["employed"], ["leave", "begun", "opt_work"])]
    for want in ("food_low", "opt_shop"):  # an active Shop keeps 1.2 after buying
        for day_plain, day_neg in day_variants(c):
            for work_plain, work_neg in no_work:
                plain = [want, *day_plain, *work_plain]
                b.term(5, plain, ["short_of_money", *day_neg, *work_neg], SHOP)
    comfy = [f"uncomfy_{need}" for need in NEEDS]
    for work_plain, work_neg in no_work:
        plain = ["before_social_end", *work_plain]
        neg = [*comfy, "chatted_lately", "before_social", *work_neg]
        social = ({"extroversion": SOCIAL_EXT}, SOCIAL_BASE)
        damped = ({"extroversion": SOCIAL_EXT / 2}, SOCIAL_BASE / 2)
        b.term(6, plain, [*neg, "rival_near"], social)
        b.term(6, [*plain, "rival_near"], neg, damped)
    night_terms(7, b, c, [], GO_HOME)
