"""ShopGroceries (learning.md 2.4): buy raw food at the nearest usable till until the
carry limit, money or stock stops it (phase 0), walk home and store it in an own
fridge one unit per ``store_raw_food`` while the fridge has room (phase 1). Mirrors
``rust/townlet-core/src/controllers/shop.rs``.

>>> allowed.__name__
'allowed'
"""

from __future__ import annotations

from townlet.world.affordances import start_check
from townlet.world.agents import Agent
from townlet.world.controller_base import (
    WAIT_TRIPLE,
    Triple,
    dist,
    role,
    use_object,
    walk,
)
from townlet.world.controller_fed import (
    Pick,
    bound,
    carried,
    nearest,
    of_type,
    own,
    vendor_aff,
    vendors,
)
from townlet.world.engage import BUY
from townlet.world.option_state import OptState
from townlet.world.state import WorldState
from townlet.world.targets import TargetFields

__all__ = ["allowed", "emit", "outcome"]


def _raw_item(state: WorldState) -> int | None:
    names = state.settings.roles[role("buy_raw_food")]
    return state.tables.item_index.get(names[0]) if names else None


def _can_buy(state: WorldState, agent: Agent, obj: int, item: int, tick: int) -> bool:
    a = vendor_aff(state, obj, item)
    return a is not None and start_check(state, agent, a, obj, tick)[0] == 0


def _till(
    state: WorldState, fields: TargetFields, agent: Agent, tick: int
) -> Pick | None:
    item = _raw_item(state)
    if item is None:
        return None
    return nearest(
        state,
        fields,
        agent,
        lambda o: vendor_aff(state, o, item) is not None,
        lambda o: 0 if _can_buy(state, agent, o, item, tick) else None,
        vendors(state, item),
    )


def _fridge(
    state: WorldState, fields: TargetFields, agent: Agent, tick: int
) -> Pick | None:
    r = role("store_raw_food")
    return nearest(
        state,
        fields,
        agent,
        lambda o: own(state, agent, o, "fridge"),
        lambda o: bound(state, agent, r, o, tick, False),
        of_type(state, "fridge"),
    )


def _stock_limit(state: WorldState, obj: int, item: int) -> int:
    t = state.settings.object_types[state.grid.objects[obj].type_index]
    return dict(t.stock_limit).get(state.settings.items[item].name, 0)


def allowed(state: WorldState, fields: TargetFields, agent: Agent, tick: int) -> bool:
    """The mask rule: a reachable usable till, raw food below its carry limit (part of
    the till's start checks) and an own fridge below its raw-food stock limit."""
    item = _raw_item(state)
    if item is None:
        return False
    room = any(
        own(state, agent, o.index, "fridge")
        and state.stock[o.index][item] < _stock_limit(state, o.index, item)
        for o in state.grid.objects
    )
    return room and _till(state, fields, agent, tick) is not None


def emit(
    state: WorldState, fields: TargetFields, agent: Agent, o: OptState
) -> Triple | None:
    """ShopGroceries' primitive (sets ``o.target``); ``None`` when it fails now."""
    t = state.tick
    if o.step == 0:
        target = o.target
        if target < 0:
            found = _till(state, fields, agent, t)
            if found is None:
                return None
            target = found[0]
            if found[2] is not None:
                o.avoided = found[2]
        o.target = target
        if (agent.eng_obj == target and agent.eng != "none") or agent.eng in (
            "running",
            "using",
        ):
            return WAIT_TRIPLE
        field = fields.field(target)
        if field is None:
            return None
        if dist(state, agent, field) != 0:
            return walk(state, agent, field)
        item = _raw_item(state)
        if item is None or not _can_buy(state, agent, target, item, t):
            return None
        return BUY, item, 0
    target = o.target
    if target < 0:
        found = _fridge(state, fields, agent, t)
        if found is None:
            return None
        target = found[0]
        if found[2] is not None:
            o.avoided = found[2]
    o.target = target
    return use_object(state, fields, agent, target, role("store_raw_food"))


def outcome(state: WorldState, agent: Agent, o: OptState) -> str | None:
    """Step 13: after a completed BUY keep buying while it can, else go storing;
    after a completed store keep storing while carrying and the fridge has room,
    else succeed."""
    t = state.tick
    last = agent.last_aff
    if last is None or last[3] != t or last[1] != "completed":
        return None
    item = _raw_item(state)
    if item is None or o.target < 0:
        return None
    if o.step == 0:
        if not _can_buy(state, agent, o.target, item, t):
            o.step = 1
            o.target = -1
        return None
    more = (
        carried(agent, item) > 0
        and bound(state, agent, role("store_raw_food"), o.target, t, False) is not None
    )
    return None if more else "success"
