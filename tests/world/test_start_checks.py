"""Start checks, CHAT engagement rules and the cut-in cooldown, in the Python world.

The primitive ids resolve only to actions whose start checks pass (learning.md 2.5),
so most check failures cannot be reached through ``step``; these tests call the
rules directly on a Python world's state. The Rust core pins the same cases in
``rust/townlet-core/src/affordances/tests.rs``; the parity drive keeps both alike.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from test_affordances import GYM, WASH, spawn
from towns import build_world

from townlet.world.actions import BUSY, TARGET_BUSY, chat_check
from townlet.world.affordances import _handover, start_check
from townlet.world.events import REASONS
from townlet.world.queues import Waiter
from townlet.world.ties import Tie

SHOWER_OBJ, COUNTER_OBJ = 1, 2
SHOWER, PUBLIC_SHOWER, BUY_MEAL_AFF, EAT_MEAL_AFF = 1, 2, 5, 11


def state_with(*positions: tuple[int, int]) -> Any:
    """A Python gym town's state with agents spawned at ``positions``."""
    world = build_world(
        "python",
        GYM,
        lifecycle__population_target=0,
        personalities__distribution=[["balanced", 1.0]],
    )
    spawn(world, *positions)
    world.step(np.zeros(0, dtype=np.int32), "primitive")
    return world, world._state


def code(name: str) -> int:
    return REASONS.index(name)


def test_precondition_failure_names_index_and_text() -> None:
    _, state = state_with((4, 3))
    a = state.agents[0]
    reason, index, text = start_check(state, a, SHOWER, SHOWER_OBJ, state.tick)
    assert (reason, index) == (code("precondition_failed"), 0)
    assert text == "agent.home != null and object.zone == agent.home"
    assert start_check(state, a, PUBLIC_SHOWER, SHOWER_OBJ, state.tick)[0] == 0


def test_money_items_and_carry_limits_are_checked_in_order() -> None:
    _, state = state_with((7, 3))
    a = state.agents[0]
    a.wallet = 0.5  # the meal costs 1.0
    assert start_check(state, a, BUY_MEAL_AFF, COUNTER_OBJ, 1)[0] == code(
        "insufficient_funds"
    )
    a.wallet = 5.0
    a.items[1] = 2  # carry limit 2: one more does not fit
    assert start_check(state, a, BUY_MEAL_AFF, COUNTER_OBJ, 1)[0] == code(
        "inventory_full"
    )
    a.items[1] = 0
    assert start_check(state, a, EAT_MEAL_AFF, -1, 1)[0] == code("missing_items")
    state.stock[COUNTER_OBJ][1] = 0
    assert start_check(state, a, BUY_MEAL_AFF, COUNTER_OBJ, 1)[0] == code(
        "out_of_stock"
    )


def test_chat_reports_busy_and_target_busy() -> None:
    world, state = state_with((4, 3), (4, 4))
    world.step(np.array([WASH, 0], dtype=np.int32), "primitive")
    runner, other = state.agents
    assert runner.eng == "running"
    assert chat_check(state, runner, other, state.tick) == BUSY
    assert chat_check(state, other, runner, state.tick) == TARGET_BUSY


def test_cut_in_cooldown_removes_the_handover_bonus() -> None:
    _, state = state_with((4, 3), (4, 1), (5, 2))
    completer, first, friend = state.agents
    completer.ties.insert(Tie(friend.uid, 1.0, 1.0, 0.0, 0, 0))
    queue = state.queues[SHOWER_OBJ]
    for who in (first, friend):
        queue.waiters.append(Waiter(who.uid, state.tick, PUBLIC_SHOWER))
        who.eng, who.eng_obj, who.eng_aff = "waiting", SHOWER_OBJ, PUBLIC_SHOWER
    queue.cut_in_until[friend.uid] = state.tick + 1
    _handover(state, completer, SHOWER_OBJ)
    assert [h.uid for h in queue.holders] == [first.uid]  # no bonus: FCFS
    queue.holders.clear()
    first.eng = "none"
    queue.waiters.insert(0, Waiter(first.uid, state.tick, PUBLIC_SHOWER))
    first.eng = "waiting"
    del queue.cut_in_until[friend.uid]
    _handover(state, completer, SHOWER_OBJ)
    assert [h.uid for h in queue.holders] == [friend.uid]  # the bonus wins
    assert queue.cut_in_until[friend.uid] == state.tick + 60
