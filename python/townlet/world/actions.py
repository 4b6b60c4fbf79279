"""Primitive actions of the slice: resolution and movement (world.md 6, tick step 6).

Primitive ids (learning.md 2.5) resolve to world.md 6.1 kinds: 0 WAIT, 1-4 MOVE N, E,
S, W, 17 CHAT to the best candidate (:func:`chat_target`, Decision D16), 5-16 the
roles of ``engage.ROLES`` (INTERACT, BUY or USE_ITEM) and 18 RELEASE. An id without
a candidate, and ids outside ``[0, 19)``, become WAIT without an event. The
alive agents are then processed in a ``world``-stream shuffle of ascending uids, so no
agent systematically acts first; a CHAT is validated again when processed (world.md
6.3) and a valid one makes exactly one ``world`` draw (world.md 10.4, 14).

>>> resolve_primitive(3), resolve_primitive(12), resolve_primitive(-1)
(3, 12, 0)
"""

from __future__ import annotations

from townlet.world.agents import Agent
from townlet.world.grid import DIRECTIONS, Grid
from townlet.world.state import WorldState
from townlet.world.ties import (
    CHAT_FAILED,
    Deltas,
    Party,
    TieEvent,
    Traits,
    apply_pair,
    chat_good,
    chat_probability,
    chat_quality,
    listener_view,
)

__all__ = [
    "BLOCKED_TILE",
    "BUSY",
    "CHAT_COOLDOWN",
    "CHAT_ID",
    "CHAT_REJECTED",
    "INVALID_TARGET",
    "KIND_CHAT",
    "KIND_MOVE",
    "KIND_WAIT",
    "NUM_PRIMITIVES",
    "OUT_OF_BOUNDS",
    "TARGET_BUSY",
    "TOO_FAR",
    "apply_chat",
    "apply_move",
    "chat_busy",
    "chat_check",
    "chat_pair_event",
    "chat_target",
    "move_check",
    "process_actions",
    "resolve",
    "resolve_primitive",
]

NUM_PRIMITIVES = 19
CHAT_ID = 17
KIND_WAIT = 0
KIND_MOVE = 1
KIND_CHAT = 7
BUSY = 3
OUT_OF_BOUNDS = 4
BLOCKED_TILE = 5
INVALID_TARGET = 14
TOO_FAR = 15
TARGET_BUSY = 16
CHAT_COOLDOWN = 17
CHAT_REJECTED = 32
_REASON_NAMES = {
    BUSY: "busy",
    OUT_OF_BOUNDS: "out_of_bounds",
    BLOCKED_TILE: "blocked_tile",
    INVALID_TARGET: "invalid_target",
    TOO_FAR: "too_far",
    TARGET_BUSY: "target_busy",
    CHAT_COOLDOWN: "chat_cooldown",
}


def resolve_primitive(action_id: int) -> int:
    """Resolve a primitive id to 0 (WAIT), 1-4 (MOVE N, E, S, W), 17 (CHAT), 5-16
    (roles) or 18 (RELEASE); other ids act as 0.

    Roles, CHAT and RELEASE are resolved to their triples by :func:`resolve`, which
    turns an id without a candidate into WAIT.
    """
    return action_id if 0 <= action_id < NUM_PRIMITIVES else 0


def resolve(state: WorldState, agent: Agent, action_id: int, tick: int) -> None:
    """Resolve ``action_id`` of ``agent`` at ``tick`` into the world.md 6.1 triple
    ``(agent.action, agent.target, agent.arg)``; no candidate: WAIT."""
    from townlet.world.engage import RELEASE, RELEASE_ID, role_candidate

    agent.action, agent.target, agent.arg = 0, -1, -1
    action_id = resolve_primitive(action_id)
    if 1 <= action_id <= 4:
        agent.action = action_id
    elif action_id == CHAT_ID:
        target = chat_target(state, agent, tick)
        if target >= 0:
            agent.action, agent.target = KIND_CHAT, target
    elif action_id == RELEASE_ID:
        if agent.eng != "none":
            agent.action = RELEASE
    elif action_id >= 5:
        found = role_candidate(state, agent, action_id - 5, tick)
        if found is not None:
            agent.action, agent.target, agent.arg = found


def _agent_by_uid(state: WorldState, uid: int) -> Agent | None:
    for agent in state.agents:
        if agent.uid == uid:
            return agent
    return None


def chat_busy(state: WorldState, agent: Agent) -> bool:
    """Whether ``agent`` runs an activity without ``allows_chat`` (world.md 6.2)."""
    return (
        agent.eng in ("running", "using")
        and not state.settings.affordances[agent.eng_aff].allows_chat
    )


def chat_check(
    state: WorldState, speaker: Agent, listener: Agent | None, tick: int
) -> int:
    """Validation of CHAT (world.md 6.3) at ``tick``: 0 ok, else the reason code.

    Order: ``busy``, ``invalid_target``, ``too_far``, ``target_busy``,
    ``chat_cooldown``.
    """
    if chat_busy(state, speaker):
        return BUSY
    if listener is None or not listener.alive or listener.uid == speaker.uid:
        return INVALID_TARGET
    distance = max(abs(listener.x - speaker.x), abs(listener.y - speaker.y))
    if distance > state.ties.chat.max_distance:
        return TOO_FAR
    if chat_busy(state, listener):
        return TARGET_BUSY
    until = speaker.chat_cooldowns.get(listener.uid)
    if until is not None and tick < until:
        return CHAT_COOLDOWN
    return 0


def chat_target(state: WorldState, speaker: Agent, tick: int) -> int:
    """The listener uid id 17 resolves to at ``tick``, or -1 (learning.md 2.5, D16).

    Candidates: alive agents other than the speaker that pass :func:`chat_check` and
    that the speaker does not avoid (its tie toward them has rivalry >=
    ``avoid_threshold``). The best has the highest ``trust + familiarity`` of the
    speaker's tie (0 without one); ties go to the lower uid.
    """
    best, best_score = -1, 0.0
    avoid = state.ties.avoid_threshold
    for other in state.agents:  # ascending uid: strict > keeps the lower uid
        if chat_check(state, speaker, other, tick):
            continue
        tie = speaker.ties.get(other.uid)
        if tie is not None and tie.rivalry >= avoid:
            continue
        score = 0.0 if tie is None else tie.trust + tie.familiarity
        if best < 0 or score > best_score:
            best, best_score = other.uid, score
    return best


def move_check(grid: Grid, x: int, y: int, direction: int) -> int:
    """Validation of MOVE (world.md 6.3): 0 ok, else the reason code.

    >>> from townlet.world.grid import Grid
    >>> move_check(Grid("g", 1, 1, ("@",), b"\\x01", (), (), (), (), {}, {}), 0, 0, 0)
    4
    """
    dx, dy = DIRECTIONS[direction]
    nx, ny = x + dx, y + dy
    if not (0 <= nx < grid.width and 0 <= ny < grid.height):
        return OUT_OF_BOUNDS
    if not grid.walkable[ny * grid.width + nx]:
        return BLOCKED_TILE
    return 0


def apply_move(state: WorldState, agent: Agent, direction: int) -> None:
    """Validate and apply one MOVE at once; a failure emits ``action_failed``."""
    busy = agent.eng in ("running", "using")
    reason = BUSY if busy else move_check(state.grid, agent.x, agent.y, direction)
    agent.last_kind = "move"
    agent.last_reason = reason
    if reason:
        agent.last_ok = False
        state.events.emit(
            "action_failed",
            agent_id=agent.id,
            kind="move",
            reason=_REASON_NAMES[reason],
        )
        return
    dx, dy = DIRECTIONS[direction]
    agent.x += dx
    agent.y += dy
    agent.last_ok = True


def _deltas(deltas: Deltas | None) -> dict[str, float] | None:
    if deltas is None:
        return None
    return {
        "trust": deltas.trust,
        "familiarity": deltas.familiarity,
        "rivalry": deltas.rivalry,
    }


def chat_pair_event(state: WorldState, a: Agent, b: Agent, event: TieEvent) -> None:
    """``apply_pair(event, a, b)`` with its events (world.md 10.2).

    Emits ``tie_evicted`` (capacity) for each evicting direction, a to b first, then
    one ``relationship_event``. Shared by the chat primitive and ``force_chat``.
    """
    outcome = apply_pair(
        event,
        Party(a.uid, a.ties, Traits(a.extroversion, a.forgiveness, a.ambition)),
        Party(b.uid, b.ties, Traits(b.extroversion, b.forgiveness, b.ambition)),
        state.tick,
        state.ties,
    )
    assert outcome is not None  # two distinct agents
    for owner, applied in ((a, outcome.a_to_b), (b, outcome.b_to_a)):
        if applied is not None and applied.evicted is not None:
            state.events.emit(
                "tie_evicted",
                owner=owner.id,
                other=f"agent_{applied.evicted.other}",
                reason="capacity",
            )
    state.events.emit(
        "relationship_event",
        kind=event.name,
        agent_a=a.id,
        agent_b=b.id,
        a_to_b=_deltas(None if outcome.a_to_b is None else outcome.a_to_b.deltas),
        b_to_a=_deltas(None if outcome.b_to_a is None else outcome.b_to_a.deltas),
    )


def apply_chat(state: WorldState, speaker: Agent, target: int) -> None:
    """Validate and resolve one CHAT at once (world.md 6.3, 10.4).

    An invalid chat emits ``action_failed``; a valid one draws once from ``world``,
    sets the speaker's cooldown and emits ``chat_succeeded`` or ``chat_failed``
    followed by its pair event.
    """
    listener = _agent_by_uid(state, target)
    t = state.tick
    reason = chat_check(state, speaker, listener, t)
    speaker.last_kind = "chat"
    if reason or listener is None:
        speaker.last_ok = False
        speaker.last_reason = reason or INVALID_TARGET
        state.events.emit(
            "action_failed",
            agent_id=speaker.id,
            kind="chat",
            reason=_REASON_NAMES[speaker.last_reason],
        )
        return
    chat = state.ties.chat
    trust, fam = listener_view(listener.ties, speaker.uid)
    p = chat_probability(trust, fam, listener.extroversion, chat)
    u = state.rng_world.rand_f64()
    speaker.chat_cooldowns[listener.uid] = t + chat.cooldown_ticks
    if u < p:
        q = chat_quality(trust, fam)
        speaker.last_chat_tick = t
        listener.last_chat_tick = t
        speaker.last_ok = True
        speaker.last_reason = 0
        state.events.emit(
            "chat_succeeded",
            speaker=speaker.id,
            listener=listener.id,
            p=p,
            quality=q,
            forced=False,
        )
        chat_pair_event(state, speaker, listener, chat_good(q))
    else:
        speaker.last_ok = False
        speaker.last_reason = CHAT_REJECTED
        state.events.emit("chat_failed", speaker=speaker.id, listener=listener.id, p=p)
        chat_pair_event(state, speaker, listener, CHAT_FAILED)


def process_actions(state: WorldState, resolved: bool = False) -> None:
    """Step 6: resolve every alive agent's id, shuffle, then apply in that order.

    Ids are resolved in uid order on the state left by step 5, so an id 17 picks its
    listener before anyone acts; the chat is validated again when processed. With
    ``resolved`` (option mode) the controllers' triples are applied as they are.
    """
    from townlet.world.engage import apply_kind

    order = [a for a in state.agents if a.alive]  # ascending uid
    for agent in order:
        if agent.possessed:
            # World.md 6.1 rule 2: the queued ``act``, else WAIT; no controller ran.
            agent.action, agent.target, agent.arg = agent.act or (0, 0, 0)
            agent.act = None
        elif not resolved:
            resolve(state, agent, agent.action, state.tick)
    state.rng_world.shuffle(order)
    for agent in order:
        kind = agent.action
        if kind == 0:
            agent.last_kind = "wait"
            agent.last_ok = True
            agent.last_reason = 0
        elif kind == KIND_CHAT:
            apply_chat(state, agent, agent.target)
        elif kind <= 4:
            apply_move(state, agent, kind - 1)
        else:
            apply_kind(state, agent)
