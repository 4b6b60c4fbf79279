"""The scripted policy's rules on hand-built feature rows (learning.md 5.2, 5.3).

Rows are built by feature name (``row(hunger=0.2, ...)``) in the policy's gathered
column order; every other column is 0. Defaults: theta (0.5, 0.5, 0.3), sigma
(0.85, 0.85, 0.95), kappa 0.15, night [22:00, 06:00), beta 20, delta 0.5, plan 90.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from townlet.core.types import ObservationBatch, ObservationBuffers, ObservationSpec
from townlet.errors import ProviderError
from townlet.policy.scripted import OPTION_NAMES, ScriptedConstants, ScriptedPolicy
from townlet.policy.scripted.backend import compile_rules, decide_rows, scores
from townlet.policy.scripted.columns import COLUMNS, column_index
from townlet.policy.scripted.program import Builder

C = ScriptedConstants.from_config(None)
P = compile_rules(C)
TPD, D = 1440, 96.0
WAIT, FED, CLEAN, SLEEP, WORK, SHOP, SOCIAL, HOME = range(8)
ALL = np.ones((1, 8), dtype=bool)


def row(minute: int = 600, **values: float) -> np.ndarray:
    """One gathered row: needs default to a comfortable 0.9, time to ``minute``."""
    x = np.zeros((1, len(COLUMNS)))
    base = {"hunger": 0.9, "hygiene": 0.9, "energy": 0.9, "time_linear": minute / TPD}
    for name, value in {**base, **values}.items():
        x[0, COLUMNS.index(name)] = value
    return x


def util(x: np.ndarray, mask: np.ndarray = ALL) -> list[float]:
    return [round(float(v), 6) for v in scores(x, mask, P)[0][0]]


def choose(x: np.ndarray, mask: np.ndarray = ALL) -> int:
    return int(decide_rows(x, mask, np.array([True]), P, 0.5)[0])


def worker(minute: int, until: int, work_steps: int = 20, **values: float) -> Any:
    """An employed resident ``until`` ticks before its shift."""
    return row(
        minute,
        has_job=1.0,
        until_shift_start=until / TPD,
        work_dist=work_steps / D,
        **values,
    )


# -- 5.2 need options ----------------------------------------------------------


def test_a_comfortable_resident_only_waits():
    assert util(row()) == [0.1, 0, 0, 0, 0, 0, 0, 0]


@pytest.mark.parametrize(
    ("need", "option"), [("hunger", FED), ("hygiene", CLEAN), ("energy", SLEEP)]
)
def test_critical_need_scores_4(need, option):
    assert util(row(**{need: 0.1}))[option] == 4.0


@pytest.mark.parametrize(
    ("need", "value", "expected"),
    [("hunger", 0.25, 1.5), ("hygiene", 0.4, 1.2), ("energy", 0.15, 1.5)],
)
def test_below_theta_ramps_from_1_to_2(need, value, expected):
    option = {"hunger": FED, "hygiene": CLEAN, "energy": SLEEP}[need]
    # a critical hygiene keeps Sleep from being the best option (no top-up pass)
    other = {"hygiene": 0.1} if need != "hygiene" else {"hunger": 0.1}
    assert util(row(**{need: value, **other}))[option] == pytest.approx(expected)


def test_a_tired_resident_whose_best_option_is_sleep_goes_to_bed_at_3_5():
    assert util(row(600, energy=0.2))[SLEEP] == 3.5  # best, and below 0.35
    assert util(row(600, energy=0.2, opt_sleep=1.0))[SLEEP] == pytest.approx(4 / 3)
    assert util(row(1250, energy=0.34))[SLEEP] == 3.5  # night within 90 ticks
    assert util(row(1250, energy=0.36))[SLEEP] == 0.0


def test_theta_itself_is_not_below_theta():
    assert util(row(hunger=0.5))[FED] == 0.0


def test_active_need_option_keeps_utility_below_sigma():
    assert util(row(hunger=0.7, opt_get_fed=1.0))[FED] == 1.0
    assert util(row(hunger=0.86, opt_get_fed=1.0))[FED] == 0.0
    assert util(row(hunger=0.7))[FED] == 0.0


def test_lunch_at_the_desk_scores_3_5():
    on_shift = {"on_shift": 1.0, "shift_on_time": 1.0, "has_job": 1.0}
    assert util(row(hunger=0.45, carry_meal=0.5, **on_shift))[FED] == 3.5
    assert util(row(hunger=0.45, **on_shift))[FED] == pytest.approx(1.1)
    assert util(row(hunger=0.55, carry_meal=0.5, **on_shift))[FED] == 0.0


def test_night_sleep_is_at_least_1_5_below_0_8_energy():
    assert util(row(1380, energy=0.7))[SLEEP] == 1.5
    assert util(row(1380, energy=0.85))[SLEEP] == 0.0
    assert util(row(1200, energy=0.7))[SLEEP] == 0.0
    assert util(row(1380, energy=0.1))[SLEEP] == 4.0


# -- 5.2 Work, Shop, Socialise, GoHome, Wait -----------------------------------


def test_work_when_the_shift_is_within_reach():
    assert util(worker(400, 40, work_steps=20))[WORK] == 3.0  # 40 <= 20 + 20
    assert util(worker(400, 41, work_steps=20))[WORK] == 0.0
    assert util(row(has_job=0.0, until_shift_start=10 / TPD))[WORK] == 0.0


@pytest.mark.parametrize("state", ["shift_awaiting", "shift_on_time", "shift_late"])
def test_work_during_the_shift_unless_absent(state):
    begun = row(has_job=1.0, until_shift_start=1400 / TPD, **{state: 1.0})
    assert util(begun)[WORK] == 3.0
    # absent (or off): none of awaiting/on_time/late, the policy's only shift inputs
    absent = row(has_job=1.0, until_shift_start=1400 / TPD)
    assert util(absent)[WORK] == 0.0
    assert "shift_absent" not in COLUMNS


def test_work_stays_chosen_on_the_way():
    # The walk shortens work_dist below T_start - beta: an active Work keeps 3.0.
    assert util(worker(440, 40, work_steps=5))[WORK] == 0.0
    assert util(worker(440, 40, work_steps=5, opt_work=1.0))[WORK] == 3.0


def shopper(**values: float) -> Any:
    return row(600, **{"wallet": 2.0 / 20, "home_raw_food": 0.2, **values})


def test_shop_when_food_is_low_and_money_allows():
    assert util(shopper())[SHOP] == 1.2  # 2 units at home, wallet 2.0 >= 1.5
    assert util(shopper(carry_raw_food=1 / 3))[SHOP] == 0.0  # 3 units
    assert util(shopper(wallet=1.4 / 20))[SHOP] == 0.0
    assert util(row(1380, wallet=0.1))[SHOP] == 0.0  # night
    busy_at_work = shopper(has_job=1.0, shift_on_time=1.0)
    assert util(busy_at_work)[SHOP] == 0.0
    assert util(shopper(carry_raw_food=1.0, opt_shop=1.0))[SHOP] == 1.2


def test_socialise_needs_comfort_a_free_chat_slot_and_daytime():
    happy = {"since_chat": 1.0, "extroversion": 0.5}
    assert util(row(600, **happy))[SOCIAL] == pytest.approx(0.55)
    assert util(row(600, rival_near=1.0, **happy))[SOCIAL] == pytest.approx(0.275)
    assert util(row(600, hunger=0.64, **happy))[SOCIAL] == 0.0  # < theta + 0.15
    assert util(row(600, since_chat=0.5))[SOCIAL] == 0.0
    assert util(row(1260, **happy))[SOCIAL] == 0.0  # 21:00
    assert util(row(479, **happy))[SOCIAL] == 0.0
    working = row(600, has_job=1.0, shift_on_time=1.0, **happy)
    assert util(working)[SOCIAL] == 0.0


def test_go_home_at_night_and_wait_always():
    assert util(row(1320))[HOME] == 0.6
    assert util(row(359))[HOME] == 0.6
    assert util(row(360))[HOME] == 0.0
    assert util(row(1000))[WAIT] == 0.1


# -- 5.2 top-up ----------------------------------------------------------------


def test_top_up_before_the_shift_when_it_fits():
    # 06:40, shift in 80 ticks, work 20 steps, fridge 5 steps, raw food at home:
    # hunger 0.8 - 0.0012 * (80 + 480) < 0.35 and 5 + 21 + 15 + 5 <= 80 - 20.
    x = worker(400, 80, fridge_dist=5 / D, home_raw_food=0.2, hunger=0.8)
    assert util(x)[FED] == 3.5
    assert choose(x) == FED


def test_no_top_up_when_it_does_not_fit_or_is_too_early_or_sated():
    far = worker(400, 80, work_steps=50, fridge_dist=5 / D, home_raw_food=0.2)
    assert util(far)[FED] == 0.0  # 46 > 80 - 50
    early = worker(200, 300, fridge_dist=5 / D, home_raw_food=0.2, hunger=0.8)
    assert util(early)[FED] == 0.0  # 300 > 20 + 20 + 90
    sated = worker(400, 80, fridge_dist=5 / D, home_raw_food=0.2, hunger=0.9)
    assert util(sated)[FED] == 0.0  # already above sigma 0.85


def test_top_up_before_sleep():
    # Sleep is best at night; hunger 0.6 - 0.0012 * 0.5 * 480 < 0.35: eat first.
    x = row(1330, energy=0.5, hunger=0.6, hygiene=0.9)
    assert util(x)[FED] == 3.5
    assert util(x)[CLEAN] == 0.0
    assert choose(x) == FED
    asleep = row(1330, energy=0.5, hunger=0.6, opt_sleep=1.0)
    assert util(asleep)[FED] == 0.0  # no top-up once sleeping


def test_top_up_when_bedtime_is_near():
    x = row(1250, energy=0.5, hygiene=0.4)  # night in 70 <= 90 ticks
    assert util(x)[CLEAN] == 3.5
    assert util(row(1200, energy=0.5, hygiene=0.4))[CLEAN] == pytest.approx(1.2)


# -- 5.3 selection -------------------------------------------------------------


def test_mask_and_ties_to_the_lower_id():
    x = row(hunger=0.25, hygiene=0.25)  # GetFed and GetClean both 1.5
    assert choose(x) == FED
    no_fed = ALL.copy()
    no_fed[0, FED] = False
    assert choose(x, no_fed) == CLEAN


def test_hysteresis_keeps_the_active_option_within_delta():
    x = row(hunger=0.45, hygiene=0.2, opt_get_fed=1.0)  # active 1.1, best 1.6
    assert choose(x) == FED
    y = row(hunger=0.45, hygiene=0.1, opt_get_fed=1.0)  # best is critical 4.0
    assert choose(y) == CLEAN


def test_active_option_must_be_allowed_to_be_kept():
    x = row(hunger=0.45, hygiene=0.4, opt_get_fed=1.0)
    mask = ALL.copy()
    mask[0, FED] = False
    assert choose(x, mask) == CLEAN


def test_lunch_interrupts_work_and_only_it_or_a_critical_need():
    at_desk = {"has_job": 1.0, "shift_on_time": 1.0, "on_shift": 1.0}
    at_desk["opt_work"] = 1.0
    assert choose(row(hunger=0.45, carry_meal=0.5, **at_desk)) == FED
    assert choose(row(hunger=0.2, **at_desk)) == WORK
    assert choose(row(hunger=0.1, **at_desk)) == FED


def test_a_running_affordance_is_finished_unless_critical():
    showering = row(hygiene=0.6, hunger=0.2, opt_get_clean=1.0, busy=1.0)
    assert choose(showering) == CLEAN
    assert choose(row(hygiene=0.6, hunger=0.2, opt_get_clean=1.0)) == FED
    starving = row(hygiene=0.6, hunger=0.1, opt_get_clean=1.0, busy=1.0)
    assert choose(starving) == FED


# -- backend -------------------------------------------------------------------


def spec(mode: str = "option", features: tuple[str, ...] = COLUMNS) -> ObservationSpec:
    names = OPTION_NAMES if mode == "option" else ("wait",)
    return ObservationSpec(action_mode=mode, action_names=names, features=features)  # type: ignore[arg-type]


def test_primitive_mode_is_refused_clearly():
    with pytest.raises(ProviderError, match="option mode only"):
        ScriptedPolicy(C, action_mode="primitive")
    with pytest.raises(ProviderError, match="option mode only"):
        ScriptedPolicy(C).on_episode_start(spec("primitive"), [])


def test_missing_features_are_named():
    with pytest.raises(ProviderError, match="busy"):
        column_index(COLUMNS[:-1])


def test_decide_reads_columns_by_name_and_skips_dead_rows():
    shuffled = (*reversed(COLUMNS), "extra")
    s = spec(features=shuffled)
    buffers = ObservationBuffers.allocate(s, rows=3)
    for r, hunger in enumerate((0.1, 0.9, 0.1)):
        values = {"hunger": hunger, "hygiene": 0.9, "energy": 0.9}
        values["time_linear"] = 600 / TPD
        for name, v in values.items():
            buffers.features[r, shuffled.index(name)] = v
    buffers.action_mask[:] = 1
    buffers.alive[:] = [True, True, False]
    policy = ScriptedPolicy(C)
    policy.on_episode_start(s, ["a", "b", "c"])
    batch = ObservationBatch(tick=5, agent_ids=["a", "b", "c"], buffers=buffers, spec=s)
    actions = policy.decide(batch)
    assert actions.dtype == np.int32
    assert actions.tolist() == [FED, WAIT, WAIT]
    assert policy.identity().name == "scripted"


def test_a_rule_program_needs_a_rule_per_option():
    b = Builder(COLUMNS)
    b.term(0, [], [], 0.1)
    with pytest.raises(ValueError, match=r"options without a rule: \[1\]"):
        b.build(2)


def test_many_rows_decide_like_one_row_each():
    gen = np.random.default_rng(3)
    x = gen.random((200, len(COLUMNS)))
    x[:, COLUMNS.index("time_linear")] = gen.integers(0, TPD, 200) / TPD
    opt = COLUMNS.index("opt_get_fed")
    x[:, opt : opt + 7] = np.eye(8)[gen.integers(0, 8, 200)][:, 1:]  # one-hot or idle
    mask = gen.random((200, 8)) < 0.7
    mask[:, 0] = True
    alive = gen.random(200) < 0.9
    together = decide_rows(x, mask, alive, P, 0.5)
    for r in range(200):
        one = decide_rows(x[r : r + 1], mask[r : r + 1], alive[r : r + 1], P, 0.5)
        assert together[r] == one[0]
        assert mask[r, together[r]]
        if not alive[r]:
            assert together[r] == 0
