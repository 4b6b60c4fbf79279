"""Affordance execution: start checks, effects, progress, completion, interruption.

World.md 3.4 (effect order), 3.5 (hooks), 7.4 (start checks, phase C), 7.5 (progress,
completion and handover, phase A) and 7.6 (interruption). Prices are read through
:func:`price_of` and utilities through :func:`utility_up`, the one place each (the
economy and perturbation work replace their bodies). Mirrors
``rust/townlet-core/src/affordances/mod.rs``.

>>> clamp01(1.25), clamp01(-0.0), clamp01(0.5)
(1.0, 0.0, 0.5)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from townlet.world import econ
from townlet.world.agents import Agent
from townlet.world.employment import on_shift
from townlet.world.events import REASONS
from townlet.world.expr import first_false
from townlet.world.expr.names import Name, NameKind
from townlet.world.queues import (
    agent_by_uid,
    best_waiter,
    grant,
    leave_queue,
    remove_holder,
)
from townlet.world.settings import Affordance, Effects
from townlet.world.ties import QUEUE_CUT, QUEUE_POLITE, SHARED_MEAL

if TYPE_CHECKING:
    from townlet.world.state import WorldState

__all__ = [
    "ACTIVE",
    "QUEUED",
    "Env",
    "activity_multipliers",
    "affordance_steps",
    "at_object",
    "clamp01",
    "cost_of",
    "emit_failed",
    "hooks_of",
    "interrupt",
    "phase_a",
    "phase_c",
    "price_of",
    "start",
    "start_check",
    "utility_up",
]

ACTIVE = ("running", "using")
"""Engagement kinds of an activity in progress."""
QUEUED = ("waiting", "holding")
"""Engagement kinds of a queue place."""
_OUTAGE, _RELOCATED = (
    REASONS.index("utility_outage"),
    REASONS.index("relocated"),
)


def clamp01(x: float) -> float:
    """``clamp(x, 0, 1)`` with -0.0 stored as +0.0 (world.md 17.4)."""
    if x <= 0.0:
        return 0.0
    return 1.0 if x > 1.0 else x


def price_of(state: WorldState, key: str) -> float:
    """The price of ``key`` an agent pays now: its effective price (world.md 8.1)."""
    k = econ.price_index(state, key)
    return 0.0 if k is None else econ.effective_price(state, k)


def utility_up(state: WorldState, utility: str) -> bool:
    """Whether ``utility`` (power / water) is up (world.md 8.4)."""
    return econ.utility_up(state, utility)


def cost_of(state: WorldState, aff: Affordance) -> float:
    """Money charged at start: ``cost.amount`` or ``price.<key>`` (world.md 3.3)."""
    return aff.cost if aff.cost_price is None else price_of(state, aff.cost_price)


def hooks_of(aff: Affordance, stage: str) -> tuple[str, ...]:
    """The hook names of ``aff`` at ``stage``."""
    for name, hooks in aff.hooks:
        if name == stage:
            return hooks
    return ()


def at_object(state: WorldState, agent: Agent, obj: int) -> bool:
    """Whether ``agent`` stands on an interaction tile of object ``obj``."""
    return (agent.x, agent.y) in state.grid.objects[obj].interaction


class Env:
    """The values a precondition reads for one agent, object and tick (world.md 3.6)."""

    __slots__ = ("agent", "obj", "state", "tick")

    def __init__(self, state: WorldState, agent: Agent, obj: int, tick: int) -> None:
        self.state, self.agent, self.obj, self.tick = state, agent, obj, tick

    def num(self, name: Name) -> float:
        """The value of a ``num`` name."""
        k, a, s = name.kind, self.agent, self.state
        if k is NameKind.AGENT_HUNGER:
            return a.hunger
        if k is NameKind.AGENT_HYGIENE:
            return a.hygiene
        if k is NameKind.AGENT_ENERGY:
            return a.energy
        if k is NameKind.AGENT_WALLET:
            return a.wallet
        if k is NameKind.AGENT_ITEM:
            return float(a.items[name.index])
        if k is NameKind.AGENT_EXTROVERSION:
            return a.extroversion
        if k is NameKind.AGENT_FORGIVENESS:
            return a.forgiveness
        if k is NameKind.AGENT_AMBITION:
            return a.ambition
        if k is NameKind.OBJECT_STOCK:
            return float(s.stock[self.obj][name.index])
        if k is NameKind.OBJECT_HOLDERS:
            return float(len(s.queues[self.obj].holders))
        if k is NameKind.OBJECT_WAITING:
            return float(len(s.queues[self.obj].waiters))
        if k is NameKind.OBJECT_CAPACITY:
            o = s.grid.objects[self.obj]
            return float(s.settings.object_types[o.type_index].capacity)
        c = s.settings
        minute = (c.start_minute + self.tick) % c.ticks_per_day
        if k is NameKind.WORLD_TICK:
            return float(self.tick)
        if k is NameKind.WORLD_DAY:
            return float((c.start_minute + self.tick) // c.ticks_per_day)
        if k is NameKind.WORLD_MINUTE:
            return float(minute)
        if k is NameKind.WORLD_HOUR:
            return float(minute // 60)
        return price_of(s, c.prices[name.index][0])  # PRICE

    def text(self, name: Name) -> str | None:
        """The value of a ``str`` or ``str?`` name; None is null."""
        k, a = name.kind, self.agent
        if k is NameKind.AGENT_ID:
            return a.id
        if k is NameKind.AGENT_NAME:
            return a.name
        if k is NameKind.AGENT_PROFILE:
            return a.profile
        if k is NameKind.AGENT_HOME:
            return a.home
        if k is NameKind.AGENT_JOB:
            return None if a.job is None else self.state.settings.jobs[a.job].id
        o = self.state.grid.objects[self.obj]
        if k is NameKind.OBJECT_ID:
            return o.id
        if k is NameKind.OBJECT_TYPE:
            return o.type_name
        if k is NameKind.OBJECT_ZONE:
            return o.zone
        if k is NameKind.OBJECT_ZONE_KIND:
            for zone in self.state.grid.zones:
                if zone.name == o.zone:
                    return zone.kind
            return None
        owner = self.state.owners[self.obj]  # OBJECT_OWNER
        return None if owner is None else f"agent_{owner}"

    def flag(self, name: Name) -> bool:
        """The value of a ``bool`` name."""
        if name.kind is NameKind.UTILITY_POWER:
            return utility_up(self.state, "power")
        if name.kind is NameKind.UTILITY_WATER:
            return utility_up(self.state, "water")
        return on_shift(self.state, self.agent)  # AGENT_ON_SHIFT


def _item(state: WorldState, name: str) -> int:
    return state.tables.item_index[name]


def _stock_limit(state: WorldState, obj: int, item: int) -> int:
    t = state.settings.object_types[state.grid.objects[obj].type_index]
    return dict(t.stock_limit).get(state.settings.items[item].name, 0)


def start_check(
    state: WorldState, agent: Agent, a: int, obj: int, tick: int
) -> tuple[int, int | None, str | None]:
    """The start checks of world.md 7.4 (object checks only when ``obj >= 0``).

    Returns:
        ``(reason code, condition index, condition source)``; reason 0 passes.
    """
    s = state.settings
    aff = s.affordances[a]
    if obj >= 0:
        for utility in s.object_types[state.grid.objects[obj].type_index].requires:
            if not utility_up(state, utility):
                return REASONS.index("utility_down"), None, None
    failed = first_false(state.tables.preconditions[a], Env(state, agent, obj, tick))
    if failed is not None:
        return REASONS.index("precondition_failed"), failed[0], failed[1]
    if agent.wallet < cost_of(state, aff):
        return REASONS.index("insufficient_funds"), None, None
    consume = [0] * len(s.items)
    for name, n in aff.consume:
        consume[_item(state, name)] = n
    if any(agent.items[i] < consume[i] for i in range(len(s.items))):
        return REASONS.index("missing_items"), None, None
    take = [0] * len(s.items)
    if obj >= 0:
        for name, n in aff.take:
            take[_item(state, name)] = n
        if any(state.stock[obj][i] < take[i] for i in range(len(s.items))):
            return REASONS.index("out_of_stock"), None, None
    gives = [0] * len(s.items)
    for name, n in aff.on_complete.items:
        gives[_item(state, name)] = n
    for i, item in enumerate(s.items):
        if agent.items[i] - consume[i] + gives[i] > item.carry_limit:
            return REASONS.index("inventory_full"), None, None
    if obj >= 0:
        adds = [0] * len(s.items)
        for name, n in aff.on_complete.stock:
            adds[_item(state, name)] = n
        for i in range(len(s.items)):
            if state.stock[obj][i] - take[i] + adds[i] > _stock_limit(state, obj, i):
                return REASONS.index("stock_full"), None, None
    return 0, None, None


def _object_id(state: WorldState, obj: int) -> str | None:
    return state.grid.objects[obj].id if obj >= 0 else None


def emit_failed(
    state: WorldState,
    agent: Agent,
    a: int,
    obj: int,
    reason: int,
    condition: tuple[int | None, str | None] = (None, None),
) -> None:
    """Emit ``affordance_failed`` and record it in ``last_affordance``."""
    agent.last_aff = (a, "failed", reason, state.tick)
    state.events.emit(
        "affordance_failed",
        agent_id=agent.id,
        object_id=_object_id(state, obj),
        affordance_id=state.settings.affordances[a].id,
        reason=REASONS[reason],
        condition_index=condition[0],
        condition=condition[1],
    )


def start(state: WorldState, agent: Agent, a: int, obj: int) -> None:
    """Apply the start effects (world.md 3.4) and set the engagement running/using."""
    s = state.settings
    aff = s.affordances[a]
    cost = cost_of(state, aff)
    agent.wallet = agent.wallet - cost
    for name, n in aff.consume:
        agent.items[_item(state, name)] -= n
    if obj >= 0:
        for name, n in aff.take:
            state.stock[obj][_item(state, name)] -= n
    agent.eng = "running" if obj >= 0 else "using"
    agent.eng_obj, agent.eng_aff = obj, a
    agent.eng_remaining, agent.eng_started, agent.eng_cost = (
        aff.duration,
        state.tick,
        cost,
    )
    agent.last_aff = (a, "started", 0, state.tick)
    state.events.emit(
        "affordance_started",
        agent_id=agent.id,
        object_id=_object_id(state, obj),
        affordance_id=aff.id,
        duration=aff.duration,
        cost=cost,
    )


def _apply_effects(agent: Agent, effects: Effects) -> None:
    dh, dy, de = effects.needs
    agent.hunger = clamp01(agent.hunger + dh)
    agent.hygiene = clamp01(agent.hygiene + dy)
    agent.energy = clamp01(agent.energy + de)
    agent.wallet = agent.wallet + effects.money


def _clear(agent: Agent) -> None:
    agent.eng, agent.eng_obj, agent.eng_aff = "none", -1, -1
    agent.eng_remaining, agent.eng_started, agent.eng_cost = 0, -1, 0.0


def _refund(state: WorldState, agent: Agent, a: int, obj: int, cost: float) -> None:
    s = state.settings
    aff = s.affordances[a]
    agent.wallet = agent.wallet + cost
    for name, n in aff.consume:
        i = _item(state, name)
        agent.items[i] = min(agent.items[i] + n, s.items[i].carry_limit)
    if obj >= 0:
        for name, n in aff.take:
            i = _item(state, name)
            state.stock[obj][i] = min(
                state.stock[obj][i] + n, _stock_limit(state, obj, i)
            )
    state.events.emit(
        "affordance_refunded",
        agent_id=agent.id,
        affordance_id=aff.id,
        money=cost,
        items=dict(aff.consume),
        stock=dict(aff.take) if obj >= 0 else {},
    )


def interrupt(state: WorldState, agent: Agent, reason: int) -> None:
    """End ``agent``'s activity or queue place early (world.md 7.6).

    A running or using activity fails with ``reason`` (``affordance_failed``, then
    the ``on_fail`` hooks); a waiting or holding agent leaves its queue
    (``queue_left``). Nothing happens for engagement none.
    """
    if agent.eng in QUEUED:
        leave_queue(state, agent, reason)
        return
    if agent.eng not in ACTIVE:
        return
    a, obj, cost = agent.eng_aff, agent.eng_obj, agent.eng_cost
    if obj >= 0:
        remove_holder(state.queues[obj], agent.uid)
    _clear(agent)
    emit_failed(state, agent, a, obj, reason)
    for hook in hooks_of(state.settings.affordances[a], "on_fail"):
        if hook == "refund_on_outage" and reason in (_OUTAGE, _RELOCATED):
            _refund(state, agent, a, obj, cost)


def _shared_meal(
    state: WorldState, agent: Agent, eaters: list[int], done: set[tuple[int, int]]
) -> None:
    from townlet.world.actions import chat_pair_event

    zone = state.grid.zone_at(agent.x, agent.y)
    if zone is None:
        return
    for uid in eaters:
        other = agent_by_uid(state, uid)
        if other is None or uid == agent.uid:
            continue
        if state.grid.zone_at(other.x, other.y) != zone:
            continue
        pair = (min(uid, agent.uid), max(uid, agent.uid))
        if pair in done:
            continue
        done.add(pair)
        state.events.emit(
            "shared_meal", agents=[f"agent_{pair[0]}", f"agent_{pair[1]}"], zone=zone
        )
        chat_pair_event(state, agent, other, SHARED_MEAL)


def _handover(state: WorldState, completer: Agent, obj: int) -> None:
    from townlet.world.actions import chat_pair_event

    queue = state.queues[obj]
    if not queue.waiters:
        return
    q, t = state.settings.queues, state.tick
    bonuses = []
    for waiter in queue.waiters:
        bonus = 0.0
        until = queue.cut_in_until.get(waiter.uid)
        tie = completer.ties.get(waiter.uid)
        if tie is not None and not (until is not None and t < until):
            liking = (tie.trust + tie.familiarity) - tie.rivalry
            bonus = q.handover_weight * (liking if liking > 0.0 else 0.0)
        bonuses.append(bonus)
    j = best_waiter(state, queue, bonuses)
    jumped = [w.uid for w in queue.waiters[:j]]
    winner, _ = grant(state, obj, j, "handover")
    if winner is None:
        return
    chat_pair_event(state, completer, winner, QUEUE_POLITE)
    if j == 0:
        return
    for uid in jumped:
        loser = agent_by_uid(state, uid)
        if loser is None:
            continue
        state.events.emit(
            "queue_conflict",
            object_id=state.grid.objects[obj].id,
            kind="cut_in",
            actor=loser.id,
            rival=winner.id,
            queue_length=len(queue.waiters),
        )
        chat_pair_event(state, loser, winner, QUEUE_CUT)
    queue.cut_in_until[winner.uid] = t + q.cut_in_cooldown_ticks


def _progressing(agent: Agent, t: int) -> bool:
    return agent.alive and agent.eng in ACTIVE and agent.eng_started < t


def phase_a(state: WorldState) -> None:
    """Step 8 phase A: progress, complete and hand over (world.md 7.5)."""
    t = state.tick
    s = state.settings
    eaters = [
        a.uid
        for a in state.agents
        if _progressing(a, t)
        and "shared_meal" in hooks_of(s.affordances[a.eng_aff], "on_complete")
    ]
    done: set[tuple[int, int]] = set()
    for agent in state.agents:
        if not _progressing(agent, t):
            continue
        a, obj = agent.eng_aff, agent.eng_obj
        aff = s.affordances[a]
        _apply_effects(agent, aff.per_tick)
        agent.eng_remaining -= 1
        agent.progressed = a
        if agent.eng_remaining > 0:
            continue
        _apply_effects(agent, aff.on_complete)
        for name, n in aff.on_complete.items:
            i = _item(state, name)
            agent.items[i] = min(agent.items[i] + n, s.items[i].carry_limit)
        if obj >= 0:
            for name, n in aff.on_complete.stock:
                i = _item(state, name)
                state.stock[obj][i] = min(
                    state.stock[obj][i] + n, _stock_limit(state, obj, i)
                )
        _clear(agent)
        agent.last_aff = (a, "completed", 0, t)
        state.events.emit(
            "affordance_completed",
            agent_id=agent.id,
            object_id=_object_id(state, obj),
            affordance_id=aff.id,
        )
        for hook in hooks_of(aff, "on_complete"):
            if hook == "shared_meal":
                _shared_meal(state, agent, eaters, done)
        if obj >= 0:
            remove_holder(state.queues[obj], agent.uid)
            _handover(state, agent, obj)


def phase_c(state: WorldState) -> None:
    """Step 8 phase C: idle holders standing at their object start (world.md 7.4)."""
    for obj, queue in enumerate(state.queues):
        for holder in list(queue.holders):
            agent = agent_by_uid(state, holder.uid)
            if (
                agent is None
                or agent.eng != "holding"
                or not at_object(state, agent, obj)
            ):
                continue
            a = agent.eng_aff
            reason, index, source = start_check(state, agent, a, obj, state.tick)
            if reason:
                remove_holder(queue, agent.uid)
                _clear(agent)
                emit_failed(state, agent, a, obj, reason, (index, source))
            else:
                start(state, agent, a, obj)


def affordance_steps(state: WorldState) -> None:
    """Pipeline steps 7 and 8: the queue step, then phases A and C (world.md 13)."""
    from townlet.world.queues import queue_step

    queue_step(state)
    phase_a(state)
    phase_c(state)


def activity_multipliers(state: WorldState, agent: Agent) -> tuple[float, float, float]:
    """``m_activity`` per need (world.md 5.2): the multipliers of the affordance that
    progressed in this tick's step 8, else 1."""
    if agent.progressed < 0:
        return (1.0, 1.0, 1.0)
    return state.settings.affordances[agent.progressed].decay_multipliers
