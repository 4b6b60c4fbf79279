"""Object queues and reservations (world.md 7.1-7.3, 7.6; tick step 7).

Every object of a type with capacity > 0 has a :class:`Queue`: ``holders`` (at most
``capacity``), ``waiters`` and ``cut_in_until``. An agent is in at most one queue; its
engagement (world.md 6.2, fields ``eng*`` of the agent) says where. The queue step
walks waiters and idle holders away, demotes stalled holders (ghost step) and grants
free slots by priority (world.md 7.2). :func:`interrupt` is the one way an activity or
a queue place ends early (RELEASE, termination, relocation). Mirrors
``rust/townlet-core/src/affordances/queue.rs``.

>>> priority(0.5, 10, 4, 1, 0.25)
2.25
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from townlet.world.agents import Agent
from townlet.world.events import REASONS
from townlet.world.ties import BLOCKED

if TYPE_CHECKING:
    from townlet.world.state import WorldState

__all__ = [
    "Holder",
    "Queue",
    "Waiter",
    "agent_by_uid",
    "best_waiter",
    "grant",
    "join_queue",
    "leave_queue",
    "priority",
    "queue_step",
    "remove_holder",
]


@dataclass(slots=True)
class Holder:
    """A reservation: ``(uid, granted_tick, stall)`` (world.md 7.1)."""

    uid: int
    granted_tick: int
    stall: int = 0


@dataclass(slots=True)
class Waiter:
    """A queue place: ``(uid, joined_tick, intent)``; intent is an affordance index."""

    uid: int
    joined_tick: int
    intent: int


@dataclass(slots=True)
class Queue:
    """The queue state of one object (world.md 7.1); ``cut_in_until`` is uid -> tick."""

    holders: list[Holder] = field(default_factory=list)
    waiters: list[Waiter] = field(default_factory=list)
    cut_in_until: dict[int, int] = field(default_factory=dict)


def agent_by_uid(state: WorldState, uid: int) -> Agent | None:
    """The agent with ``uid`` (agents are in ascending uid order), or None."""
    agents = state.agents
    lo, hi = 0, len(agents)
    while lo < hi:
        mid = (lo + hi) // 2
        if agents[mid].uid < uid:
            lo = mid + 1
        else:
            hi = mid
    return agents[lo] if lo < len(agents) and agents[lo].uid == uid else None


def priority(weight: float, t: int, joined_tick: int, j: int, bonus: float) -> float:
    """``key_j = ((weight * (t - joined_tick)) - j) + bonus`` (world.md 7.2)."""
    return ((weight * float(t - joined_tick)) - float(j)) + bonus


def best_waiter(state: WorldState, queue: Queue, bonuses: list[float] | None) -> int:
    """Index of the waiter with the largest key; ties to the smallest position."""
    t, w = state.tick, state.settings.queues.age_priority_weight
    best, best_key = 0, 0.0
    for j, waiter in enumerate(queue.waiters):
        bonus = 0.0 if bonuses is None else bonuses[j]
        key = priority(w, t, waiter.joined_tick, j, bonus)
        if j == 0 or key > best_key:
            best, best_key = j, key
    return best


def _object_id(state: WorldState, obj: int) -> str:
    return state.grid.objects[obj].id


def join_queue(state: WorldState, agent: Agent, obj: int, intent: int) -> None:
    """Append ``agent`` to the waiters of ``obj`` and emit ``queue_joined``."""
    queue = state.queues[obj]
    queue.waiters.append(Waiter(agent.uid, state.tick, intent))
    agent.eng, agent.eng_obj, agent.eng_aff = "waiting", obj, intent
    state.events.emit(
        "queue_joined",
        agent_id=agent.id,
        object_id=_object_id(state, obj),
        position=len(queue.waiters) - 1,
    )


def remove_holder(queue: Queue, uid: int) -> None:
    """Remove ``uid`` from the holders of ``queue`` (no event)."""
    queue.holders = [h for h in queue.holders if h.uid != uid]


def leave_queue(state: WorldState, agent: Agent, reason: int) -> None:
    """A waiting or holding ``agent`` leaves its queue (``queue_left``)."""
    obj = agent.eng_obj
    queue = state.queues[obj]
    queue.waiters = [w for w in queue.waiters if w.uid != agent.uid]
    remove_holder(queue, agent.uid)
    agent.eng, agent.eng_obj, agent.eng_aff = "none", -1, -1
    state.events.emit(
        "queue_left",
        agent_id=agent.id,
        object_id=_object_id(state, obj),
        reason=REASONS[reason],
    )


def grant(state: WorldState, obj: int, j: int, via: str) -> tuple[Agent | None, Waiter]:
    """Pop waiter ``j`` of ``obj`` into the holders and emit ``reservation_granted``."""
    queue = state.queues[obj]
    waiter = queue.waiters.pop(j)
    t = state.tick
    queue.holders.append(Holder(waiter.uid, t, 0))
    agent = agent_by_uid(state, waiter.uid)
    if agent is not None:
        agent.eng, agent.eng_obj, agent.eng_aff = "holding", obj, waiter.intent
        state.events.emit(
            "reservation_granted",
            agent_id=agent.id,
            object_id=_object_id(state, obj),
            via=via,
            waited_ticks=t - waiter.joined_tick,
        )
    return agent, waiter


def _far(state: WorldState, obj: int, uid: int) -> bool:
    agent = agent_by_uid(state, uid)
    if agent is None:
        return True
    o = state.grid.objects[obj]
    return max(abs(agent.x - o.x), abs(agent.y - o.y)) > (
        state.settings.queues.queue_radius
    )


def queue_step(state: WorldState) -> None:
    """Step 7: walk-aways, stalls and ghost steps, grants (world.md 7.3)."""
    from townlet.world.actions import chat_pair_event

    q = state.settings.queues
    t = state.tick
    for obj, queue in enumerate(state.queues):
        capacity = state.settings.object_types[
            state.grid.objects[obj].type_index
        ].capacity
        if capacity == 0:
            continue
        for waiter in list(queue.waiters):
            if _far(state, obj, waiter.uid):
                agent = agent_by_uid(state, waiter.uid)
                assert agent is not None
                leave_queue(state, agent, REASONS.index("walked_away"))
        for holder in list(queue.holders):
            agent = agent_by_uid(state, holder.uid)
            assert agent is not None
            if agent.eng == "holding" and _far(state, obj, holder.uid):
                leave_queue(state, agent, REASONS.index("walked_away"))
        demoted: list[int] = []
        kept: list[Holder] = []
        for holder in queue.holders:
            agent = agent_by_uid(state, holder.uid)
            assert agent is not None
            if agent.eng != "holding" or not queue.waiters:
                holder.stall = 0
                kept.append(holder)
                continue
            holder.stall += 1
            if q.ghost_step_after > 0 and holder.stall >= q.ghost_step_after:
                queue.waiters.append(Waiter(holder.uid, t, agent.eng_aff))
                agent.eng = "waiting"
                demoted.append(holder.uid)
            else:
                kept.append(holder)
        queue.holders = kept
        grants = 0
        while len(queue.holders) < capacity and queue.waiters:
            j = best_waiter(state, queue, None)
            winner, _ = grant(state, obj, j, "queue")
            if grants < len(demoted) and winner is not None:
                loser = agent_by_uid(state, demoted[grants])
                if loser is not None and loser.uid != winner.uid:
                    state.events.emit(
                        "queue_conflict",
                        object_id=_object_id(state, obj),
                        kind="blocked",
                        actor=loser.id,
                        rival=winner.id,
                        queue_length=len(queue.waiters),
                    )
                    chat_pair_event(state, loser, winner, BLOCKED)
            grants += 1
