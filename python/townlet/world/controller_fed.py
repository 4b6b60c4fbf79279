"""GetFed (learning.md 2.4 with "GetFed, pinned" and "Packed lunch, pinned").

At option start the controller estimates, for each feasible source, the ticks until
the meal is eaten and keeps the smallest (ties in source order): carried meal,
own-fridge meal, cook, cafe, carried raw food (critical only). ``step`` holds
``16 * (source + 1) + phase`` once chosen (0 before): phase 0 fetches
(``take_meal``, ``take_raw_food`` or BUY of a meal), 1 cooks, 2 eats. Mirrors
``rust/townlet-core/src/controllers/fed.rs``.

>>> SRC_MEAL, SRC_RAW
(0, 4)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

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
from townlet.world.engage import BUY, USE_ITEM
from townlet.world.grid import Grid, MapObject
from townlet.world.option_state import OptState
from townlet.world.state import WorldState
from townlet.world.targets import TargetFields

__all__ = [
    "SRC_CAFE",
    "SRC_COOK",
    "SRC_FRIDGE",
    "SRC_MEAL",
    "SRC_RAW",
    "Pick",
    "bound",
    "carried",
    "choose",
    "emit",
    "nearest",
    "of_type",
    "outcome",
    "own",
    "rival_at",
    "vendor_aff",
    "vendors",
]

SRC_MEAL, SRC_FRIDGE, SRC_COOK, SRC_CAFE, SRC_RAW = range(5)
_MISSING_ITEMS = 21
_EAT_MEAL, _EAT_RAW = 10, 11


def _eat_of(state: WorldState, r: int) -> tuple[int, int] | None:
    names = state.settings.roles[r]
    if not names:
        return None
    item = state.tables.item_index.get(names[0])
    if item is None:
        return None
    a = state.tables.item_use[item]
    return None if a is None else (item, a)


def _duration(state: WorldState, a: int) -> int:
    return state.settings.affordances[a].duration


def carried(agent: Agent, item: int | None) -> int:
    """How many of ``item`` the agent carries (0 for ``None``)."""
    return 0 if item is None else agent.items[item]


def vendor_aff(state: WorldState, obj: int, item: int) -> int | None:
    """The first affordance of ``obj``'s type selling ``item`` (manifest order)."""
    name = state.settings.items[item].name
    for a in state.tables.offered[state.grid.objects[obj].type_index]:
        if state.settings.affordances[a].sells == name:
            return a
    return None


def of_type(state: WorldState, type_name: str) -> tuple[MapObject, ...]:
    """The objects of ``type_name`` in object order (empty when the map has none)."""
    return state.grid.objects_of_type.get(type_name, ())


def vendors(state: WorldState, item: int) -> tuple[MapObject, ...]:
    """The objects whose type sells ``item`` (:func:`vendor_aff`), in object order;
    computed once per map and manifest (neither changes during a run)."""
    key = (id(state.grid), id(state.tables), item)
    hit = _VENDORS.get(key)
    if hit is not None and hit[0] is state.grid and hit[1] is state.tables:
        return hit[2]
    name = state.settings.items[item].name
    affs = state.settings.affordances
    offered = state.tables.offered
    found = tuple(
        o
        for o in state.grid.objects
        if any(affs[a].sells == name for a in offered[o.type_index])
    )
    if len(_VENDORS) > 64:
        _VENDORS.clear()
    _VENDORS[key] = (state.grid, state.tables, found)
    return found


_VENDORS: dict[tuple[int, int, int], tuple[Grid, Any, tuple[MapObject, ...]]] = {}


def bound(
    state: WorldState, agent: Agent, r: int, obj: int, tick: int, missing_ok: bool
) -> int | None:
    """The first bound affordance of role ``r`` at ``obj`` whose start check passes
    (or, with ``missing_ok``, fails only for missing items)."""
    tables = state.tables
    offered = tables.offered[state.grid.objects[obj].type_index]
    for name in state.settings.roles[r]:
        a = tables.affordance_index.get(name)
        if a is None or a not in offered:
            continue
        code = start_check(state, agent, a, obj, tick)[0]
        if code == 0 or (missing_ok and code == _MISSING_ITEMS):
            return a
    return None


def _crowd(state: WorldState, obj: int) -> int:
    q = state.queues[obj]
    return len(q.holders) + len(q.waiters)


def _cost(
    state: WorldState, agent: Agent, fields: TargetFields, obj: int, a: int
) -> int:
    field = fields.field(obj)
    d = -1 if field is None else dist(state, agent, field)
    dur = _duration(state, a)
    return d + _crowd(state, obj) * dur + dur


def rival_at(state: WorldState, agent: Agent, obj: int) -> int | None:
    """The lowest uid among the residents ``agent`` avoids that hold or wait at
    ``obj``."""
    q = state.queues[obj]
    avoid = state.ties.avoid_threshold
    found = None
    for uid in [h.uid for h in q.holders] + [w.uid for w in q.waiters]:
        tie = agent.ties.get(uid)
        if uid != agent.uid and tie is not None and tie.rivalry >= avoid:
            found = uid if found is None else min(found, uid)
    return found


Pick = tuple[int, int, tuple[int, int] | None]


def nearest(
    state: WorldState,
    fields: TargetFields,
    agent: Agent,
    candidate: Callable[[int], bool],
    pick: Callable[[int], int | None],
    among: Sequence[MapObject] | None = None,
) -> Pick | None:
    """Target choice (learning.md 2.4 rule 3): the nearest reachable object
    ``candidate`` accepts for which ``pick`` finds an affordance (ties to the lower
    index); when an avoided resident holds or waits there, the nearest such object
    without one at most ``controllers.rival_detour`` steps farther replaces it.
    ``among`` (in object order) narrows the scan to objects ``candidate`` could
    accept, e.g. one type's; default: every object.
    Returns ``(object, affordance, (rival, object given up) or None)``."""
    objects = state.grid.objects if among is None else among

    def scan(limit: int | None) -> tuple[int, int, int] | None:
        best: tuple[int, int, int] | None = None
        for o in objects:
            if not candidate(o.index):
                continue
            field = fields.field(o.index)
            if field is None:
                continue
            d = dist(state, agent, field)
            if d < 0 or (best is not None and d >= best[0]):
                continue
            if limit is not None and (
                d > limit or rival_at(state, agent, o.index) is not None
            ):
                continue
            a = pick(o.index)
            if a is not None:
                best = (d, o.index, a)
        return best

    first = scan(None)
    if first is None:
        return None
    d, o, a = first
    rival = rival_at(state, agent, o)
    if rival is None:
        return o, a, None
    other = scan(d + state.settings.options.rival_detour)
    if other is None:
        return o, a, None
    return other[1], other[2], (rival, o)


def own(state: WorldState, agent: Agent, obj: int, type_name: str) -> bool:
    """Whether ``obj`` is of ``type_name`` and stands in the agent's home zone."""
    o = state.grid.objects[obj]
    return o.type_name == type_name and o.zone is not None and o.zone == agent.home


def _stove_ok(state: WorldState, agent: Agent, obj: int) -> bool:
    o = state.grid.objects[obj]
    if o.type_name != "stove":
        return False
    kinds = {z.name: z.kind for z in state.grid.zones}
    return own(state, agent, obj, "stove") or (
        o.zone is not None and kinds.get(o.zone) == "cafe"
    )


def _meal_item(state: WorldState) -> int | None:
    eat = _eat_of(state, _EAT_MEAL)
    return None if eat is None else eat[0]


def _fetch(
    state: WorldState, fields: TargetFields, agent: Agent, source: int, tick: int
) -> Pick | None:
    if source == SRC_FRIDGE:
        r = role("take_meal")
        return nearest(
            state,
            fields,
            agent,
            lambda o: own(state, agent, o, "fridge"),
            lambda o: bound(state, agent, r, o, tick, False),
            of_type(state, "fridge"),
        )
    if source == SRC_COOK:
        r = role("take_raw_food")
        return nearest(
            state,
            fields,
            agent,
            lambda o: own(state, agent, o, "fridge"),
            lambda o: bound(state, agent, r, o, tick, False),
            of_type(state, "fridge"),
        )
    if source == SRC_CAFE:
        item = _meal_item(state)
        if item is None:
            return None

        def sells(o: int) -> int | None:
            a = vendor_aff(state, o, item)
            if a is None or start_check(state, agent, a, o, tick)[0] != 0:
                return None
            return a

        return nearest(
            state,
            fields,
            agent,
            lambda o: vendor_aff(state, o, item) is not None,
            sells,
            vendors(state, item),
        )
    return None


def _stove(
    state: WorldState, fields: TargetFields, agent: Agent, tick: int, missing_ok: bool
) -> Pick | None:
    r = role("cook")
    return nearest(
        state,
        fields,
        agent,
        lambda o: _stove_ok(state, agent, o),
        lambda o: bound(state, agent, r, o, tick, missing_ok),
        of_type(state, "stove"),
    )


def choose(
    state: WorldState, fields: TargetFields, agent: Agent, tick: int
) -> int | None:
    """The feasible source with the smallest estimate at ``tick`` (ties in source
    order), or ``None``."""
    eat_meal = _eat_of(state, _EAT_MEAL)
    eat_raw = _eat_of(state, _EAT_RAW)

    def can_eat(e: tuple[int, int] | None) -> tuple[int, int] | None:
        if e is None or carried(agent, e[0]) <= 0:
            return None
        return e if start_check(state, agent, e[1], -1, tick)[0] == 0 else None

    dur_eat = 0 if eat_meal is None else _duration(state, eat_meal[1])
    best: tuple[int, int] | None = None

    def offer(source: int, e: int | None) -> None:
        nonlocal best
        if e is not None and (best is None or e < best[0]):
            best = (e, source)

    meal = can_eat(eat_meal)
    offer(SRC_MEAL, None if meal is None else _duration(state, meal[1]))
    if eat_meal is not None:
        f = _fetch(state, fields, agent, SRC_FRIDGE, tick)
        offer(
            SRC_FRIDGE,
            None if f is None else _cost(state, agent, fields, f[0], f[1]) + dur_eat,
        )
        raw = carried(agent, None if eat_raw is None else eat_raw[0]) > 0
        take: int | None
        if raw:
            take = 0
        else:
            t = _fetch(state, fields, agent, SRC_COOK, tick)
            take = None if t is None else _cost(state, agent, fields, t[0], t[1])
        cook: int | None = None
        if take is not None:
            s = _stove(state, fields, agent, tick, not raw)
            if s is not None:
                cook = take + _cost(state, agent, fields, s[0], s[1]) + dur_eat
        offer(SRC_COOK, cook)
        c = _fetch(state, fields, agent, SRC_CAFE, tick)
        offer(
            SRC_CAFE,
            None if c is None else _cost(state, agent, fields, c[0], c[1]) + dur_eat,
        )
    if agent.hunger < state.settings.options.critical_need:
        r = can_eat(eat_raw)
        offer(SRC_RAW, None if r is None else _duration(state, r[1]))
    return None if best is None else best[1]


def emit(
    state: WorldState, fields: TargetFields, agent: Agent, o: OptState
) -> Triple | None:
    """GetFed's primitive (sets ``o.target``); chooses the source on the first call
    of the option. ``None`` when it fails now."""
    t = state.tick
    if o.step == 0:
        source = choose(state, fields, agent, t)
        if source is None:
            return None
        eat_raw = _eat_of(state, _EAT_RAW)
        raw = carried(agent, None if eat_raw is None else eat_raw[0]) > 0
        if source in (SRC_FRIDGE, SRC_CAFE) or (source == SRC_COOK and not raw):
            phase = 0
        elif source == SRC_COOK:
            phase = 1
        else:
            phase = 2
        o.step = 16 * (source + 1) + phase
        o.target = -1
    source, phase = o.step // 16 - 1, o.step % 16
    if phase in (0, 1):
        target = o.target
        if target < 0:
            found = (
                _fetch(state, fields, agent, source, t)
                if phase == 0
                else _stove(state, fields, agent, t, False)
            )
            if found is None:
                return None
            target = found[0]
            if found[2] is not None:
                o.avoided = found[2]
        o.target = target
        if phase == 1:
            return use_object(state, fields, agent, target, role("cook"))
        if source == SRC_CAFE:
            if (agent.eng_obj == target and agent.eng != "none") or agent.eng in (
                "running",
                "using",
            ):
                return WAIT_TRIPLE
            field = fields.field(target)
            if field is None:
                return None
            if dist(state, agent, field) == 0:
                item = _meal_item(state)
                return None if item is None else (BUY, item, 0)
            return walk(state, agent, field)
        r = role("take_meal") if source == SRC_FRIDGE else role("take_raw_food")
        return use_object(state, fields, agent, target, r)
    o.target = -1
    if agent.eng in ("running", "using"):
        return WAIT_TRIPLE
    eat = _eat_of(state, _EAT_RAW if source == SRC_RAW else _EAT_MEAL)
    return None if eat is None else (USE_ITEM, eat[0], 0)


def outcome(state: WorldState, agent: Agent, o: OptState) -> str | None:
    """Step 13 for GetFed: ``success`` when the eating affordance completes; a
    completed fetch or cook advances the phase (packed lunch after the first cook)."""
    last = agent.last_aff
    done = last is not None and last[3] == state.tick and last[1] == "completed"
    if not done or o.step == 0:
        return None
    source, phase = o.step // 16 - 1, o.step % 16
    base = 16 * (source + 1)
    if phase == 0:
        o.step = base + (1 if source == SRC_COOK else 2)
        o.target = -1
        return None
    if phase == 1:
        eat_raw = _eat_of(state, _EAT_RAW)
        raw_item = None if eat_raw is None else eat_raw[0]
        raw = carried(agent, raw_item) > 0
        if not o.packed and _packed_lunch(state, agent, raw, raw_item):
            o.packed = True
            o.step = base + (1 if raw else 0)
        else:
            o.step = base + 2
        o.target = -1
        return None
    return "success"


def _packed_lunch(
    state: WorldState, agent: Agent, raw: bool, raw_item: int | None
) -> bool:
    if agent.job is None:
        return False
    job = state.settings.jobs[agent.job]
    until = (job.shift_start - state.minute()) % state.settings.ticks_per_day
    meals = carried(agent, _meal_item(state))
    fridge_raw = raw_item is not None and any(
        own(state, agent, o.index, "fridge") and state.stock[o.index][raw_item] > 0
        for o in state.grid.objects
    )
    return until <= 180 and meals == 1 and (raw or fridge_raw)
