"""INTERACT, BUY, RELEASE and USE_ITEM (world.md 6.1-6.4) and primitive roles.

Primitive ids 5-16 (learning.md 2.5) name roles; :data:`ROLES` binds each to manifest
affordances (interact roles) or to an item (buy and eat roles), first applicable
wins. :func:`role_candidate` is both the resolution of an id and its mask column. The
``apply_*`` functions validate in the order of world.md 6.3 and act at once. Mirrors
``rust/townlet-core/src/affordances/engage.rs``.

>>> ROLES[0], ROLES[7]
(('sleep', 'interact', ('sleep',)), ('buy_meal', 'buy', ('meal',)))
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from townlet.world.affordances import (
    ACTIVE,
    QUEUED,
    at_object,
    emit_failed,
    interrupt,
    start,
    start_check,
)
from townlet.world.agents import Agent
from townlet.world.events import REASONS
from townlet.world.queues import join_queue, leave_queue

if TYPE_CHECKING:
    from townlet.world.state import WorldState

__all__ = [
    "BUY",
    "INTERACT",
    "RELEASE",
    "RELEASE_ID",
    "ROLES",
    "USE_ITEM",
    "apply_buy",
    "apply_interact",
    "apply_kind",
    "apply_release",
    "apply_use_item",
    "fail_action",
    "role_candidate",
]

INTERACT, RELEASE, BUY, USE_ITEM = 5, 6, 8, 9
"""World.md 6.1 kind codes of the affordance primitives."""
RELEASE_ID = 18
"""The primitive id of ``release``."""

ROLES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("sleep", "interact", ("sleep",)),
    ("wash", "interact", ("shower", "public_shower")),
    ("cook", "interact", ("cook_meal",)),
    ("take_meal", "interact", ("take_meal",)),
    ("take_raw_food", "interact", ("take_raw_food",)),
    ("store_meal", "interact", ("store_meal",)),
    ("store_raw_food", "interact", ("store_raw_food",)),
    ("buy_meal", "buy", ("meal",)),
    ("buy_raw_food", "buy", ("raw_food",)),
    ("rest", "interact", ("rest",)),
    ("eat_meal", "use", ("meal",)),
    ("eat_raw_food", "use", ("raw_food",)),
)
"""Primitive ids 5..16 in order: (role, how, default binding). The binding in use
is ``settings.roles`` (the ``roles`` settings key, default these)."""


def fail_action(state: WorldState, agent: Agent, kind: str, reason: int) -> None:
    """Record a failed action in ``last_action`` and emit ``action_failed``."""
    agent.last_kind, agent.last_ok, agent.last_reason = kind, False, reason
    state.events.emit(
        "action_failed", agent_id=agent.id, kind=kind, reason=REASONS[reason]
    )


def _ok(agent: Agent, kind: str) -> None:
    agent.last_kind, agent.last_ok, agent.last_reason = kind, True, 0


def _vendor(state: WorldState, agent: Agent, item: int) -> tuple[int, int] | None:
    """BUY resolution (world.md 6.1 rule 4): the first object the agent is at whose
    type offers an affordance selling ``item`` (manifest order)."""
    name = state.settings.items[item].name
    for obj in state.objects_at(agent.x, agent.y):
        t = state.grid.objects[obj].type_index
        for a in state.tables.offered[t]:
            if state.settings.affordances[a].sells == name:
                return obj, a
    return None


def _can_start(state: WorldState, agent: Agent, a: int, obj: int, tick: int) -> bool:
    if agent.eng in QUEUED and agent.eng_obj == obj and agent.eng_aff == a:
        return True
    return start_check(state, agent, a, obj, tick)[0] == 0


def role_candidate(
    state: WorldState, agent: Agent, role: int, tick: int
) -> tuple[int, int, int] | None:
    """The triple primitive id ``5 + role`` resolves to at ``tick``, or None.

    Interact roles: the first object the agent is at (object order) offering a
    bound affordance whose start checks pass (binding order), else the bound
    affordance it already waits or holds for there. Buy roles: the vendor
    affordance of the item, same checks. Eat roles: engagement none and the item
    use's start checks pass.
    """
    how = ROLES[role][1]
    names = state.settings.roles[role]
    if agent.eng in ACTIVE:
        return None
    tables = state.tables
    if how == "use":
        item = tables.item_index.get(names[0])
        a = None if item is None else tables.item_use[item]
        if agent.eng != "none" or item is None or a is None:
            return None
        if start_check(state, agent, a, -1, tick)[0]:
            return None
        return USE_ITEM, item, 0
    if how == "buy":
        item = tables.item_index.get(names[0])
        if item is None:
            return None
        found = _vendor(state, agent, item)
        if found is None or not _can_start(state, agent, found[1], found[0], tick):
            return None
        return BUY, item, 0
    bound = [tables.affordance_index[n] for n in names if n in tables.affordance_index]
    for obj in state.objects_at(agent.x, agent.y):
        offered = tables.offered[state.grid.objects[obj].type_index]
        for a in bound:
            if a in offered and start_check(state, agent, a, obj, tick)[0] == 0:
                return INTERACT, obj, a
        for a in bound:  # queued here: keep the current intent (Decision D18-aff)
            if a in offered and _can_start(state, agent, a, obj, tick):
                return INTERACT, obj, a
    return None


def apply_interact(
    state: WorldState, agent: Agent, obj: int, a: int, kind: str = "interact"
) -> None:
    """INTERACT(obj, a) (world.md 6.3): join, replace the intent, or switch queues."""
    objects, affs = state.grid.objects, state.settings.affordances
    reason = 0
    if agent.eng in ACTIVE:
        reason = REASONS.index("busy")
    elif not 0 <= obj < len(objects):
        reason = REASONS.index("unknown_object")
    elif not 0 <= a < len(affs):
        reason = REASONS.index("unknown_affordance")
    elif a not in state.tables.offered[objects[obj].type_index]:
        reason = REASONS.index("affordance_not_offered")
    elif not at_object(state, agent, obj):
        reason = REASONS.index("not_at_object")
    if reason:
        fail_action(state, agent, kind, reason)
        return
    if agent.eng in QUEUED and agent.eng_obj == obj:
        agent.eng_aff = a
        for waiter in state.queues[obj].waiters:
            if waiter.uid == agent.uid:
                waiter.intent = a
    else:
        if agent.eng in QUEUED:
            leave_queue(state, agent, REASONS.index("switched"))
        join_queue(state, agent, obj, a)
    _ok(agent, kind)


def apply_buy(state: WorldState, agent: Agent, item: int) -> None:
    """BUY(item): ``busy``, ``unknown_item``, ``no_vendor``, then as INTERACT."""
    if agent.eng in ACTIVE:
        fail_action(state, agent, "buy", REASONS.index("busy"))
    elif not 0 <= item < len(state.settings.items):
        fail_action(state, agent, "buy", REASONS.index("unknown_item"))
    elif (found := _vendor(state, agent, item)) is None:
        fail_action(state, agent, "buy", REASONS.index("no_vendor"))
    else:
        apply_interact(state, agent, found[0], found[1], "buy")


def apply_release(state: WorldState, agent: Agent) -> None:
    """RELEASE: ``nothing_to_release``, else interrupt or leave (reason released)."""
    if agent.eng == "none":
        fail_action(state, agent, "release", REASONS.index("nothing_to_release"))
        return
    interrupt(state, agent, REASONS.index("released"))
    _ok(agent, "release")


def apply_use_item(state: WorldState, agent: Agent, item: int) -> None:
    """USE_ITEM(item): ``busy``, ``unknown_item``, ``not_usable``, start checks."""
    if agent.eng != "none":
        fail_action(state, agent, "use_item", REASONS.index("busy"))
        return
    if not 0 <= item < len(state.settings.items):
        fail_action(state, agent, "use_item", REASONS.index("unknown_item"))
        return
    a = state.tables.item_use[item]
    if a is None:
        fail_action(state, agent, "use_item", REASONS.index("not_usable"))
        return
    reason, index, source = start_check(state, agent, a, -1, state.tick)
    if reason:
        agent.last_kind, agent.last_ok, agent.last_reason = "use_item", False, reason
        emit_failed(state, agent, a, -1, reason, (index, source))
        return
    start(state, agent, a, -1)
    _ok(agent, "use_item")


def apply_kind(state: WorldState, agent: Agent) -> None:
    """Dispatch a resolved affordance primitive (kinds 5, 6, 8, 9)."""
    kind = agent.action
    if kind == INTERACT:
        apply_interact(state, agent, agent.target, agent.arg)
    elif kind == RELEASE:
        apply_release(state, agent)
    elif kind == BUY:
        apply_buy(state, agent, agent.target)
    elif kind == USE_ITEM:
        apply_use_item(state, agent, agent.target)
