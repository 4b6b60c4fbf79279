"""Preconditions read jobs, shifts and prices of the live world (world.md 3.6).

``agent.job`` and ``agent.on_shift`` come from employment (world.md 9), ``price.<key>``
is the effective price (world.md 8.1); both providers must agree.
"""

from __future__ import annotations

import copy
from typing import Any

from test_affordances import SHOWER, WAIT, WASH, act, agent, spawn, town
from towns import AFFORDANCES


def with_precondition(provider: str, text: str) -> Any:
    affs = copy.deepcopy(AFFORDANCES)
    shower = next(a for a in affs if a["id"] == "public_shower")
    shower["preconditions"] = [text]
    world = town(provider, manifest__affordances=affs)
    spawn(world, (4, 3))
    act(world)  # the spawn arrives (uid 0: the first job, clerk)
    return world


def washes(world: Any) -> bool:
    """Whether id 6 (wash) starts the gym shower now: it resolves only when the
    start checks, preconditions included, pass (learning.md 2.5)."""
    events = act(world, WASH)
    started = [e for e in events if e["name"] == "affordance_started"]
    assert [e["object_id"] for e in started] in ([], [SHOWER])
    return bool(started)


def test_agent_job_names_the_assigned_job(provider: str) -> None:
    world = with_precondition(provider, 'agent.job == "grocer"')
    assert agent(world, 0)["job"] == "clerk"
    assert not washes(world)
    assert agent(world, 0)["engagement"]["kind"] == "none"
    assert washes(with_precondition(provider, 'agent.job in ["clerk", "barista"]'))


def test_agent_on_shift_is_false_off_shift(provider: str) -> None:
    assert not washes(with_precondition(provider, "agent.on_shift"))  # 06:01
    assert washes(with_precondition(provider, "not agent.on_shift"))


def test_price_names_read_the_effective_price(provider: str) -> None:
    world = with_precondition(provider, "price.shower_fee < 1.0")
    world.apply_command(
        {"cmd_id": "p", "name": "price", "args": {"key": "shower_fee", "value": 2.0}}
    )
    act(world, WAIT)
    assert not washes(world)
    world.apply_command(
        {"cmd_id": "q", "name": "price", "args": {"key": "shower_fee", "value": 0.5}}
    )
    act(world, WAIT)
    assert washes(world)
    assert agent(world, 0)["wallet"] == 5.0 - 0.5
