"""Socialise (learning.md 2.4): pick a partner, walk the on-demand BFS field of the
partner's current tile, CHAT once within reach; without a partner walk to a park
anchor and wait there up to 60 ticks. ``target`` holds the partner's uid (-1 none)
and ``step`` the ticks waited at the park. Mirrors
``rust/townlet-core/src/controllers/social.rs``.

>>> MAX_TICKS, PARK_WAIT, NEAR_STEPS
(90, 60, 20)
"""

from __future__ import annotations

from collections.abc import Sequence

from townlet.world.actions import KIND_CHAT, chat_busy, chat_check
from townlet.world.agents import Agent
from townlet.world.controller_base import WAIT_TRIPLE, Triple
from townlet.world.grid import distances_from
from townlet.world.option_state import OptState
from townlet.world.state import WorldState
from townlet.world.targets import TargetFields

__all__ = ["MAX_TICKS", "NEAR_STEPS", "PARK_WAIT", "allowed", "emit", "outcome"]

MAX_TICKS = 90
PARK_WAIT = 60
NEAR_STEPS = 20


def _avoided(state: WorldState, a: Agent, b: Agent) -> bool:
    tie = a.ties.get(b.uid)
    return tie is not None and tie.rivalry >= state.ties.avoid_threshold


def _label(state: WorldState, fields: TargetFields, x: Agent) -> int:
    if not state.grid.in_bounds(x.x, x.y):
        return -1
    return fields.components[x.y * state.grid.width + x.x]


def _candidate(
    state: WorldState, fields: TargetFields, a: Agent, b: Agent, busy: bool
) -> bool:
    if not b.alive or b.uid == a.uid or _avoided(state, a, b):
        return False
    la = _label(state, fields, a)
    if la < 0 or la != _label(state, fields, b):
        return False
    return not (busy and chat_busy(state, b))


def allowed(state: WorldState, fields: TargetFields, agent: Agent) -> bool:
    """The mask rule: every need at least ``critical_need`` and another alive,
    non-avoided resident reachable."""
    critical = state.settings.options.critical_need
    return all(n >= critical for n in agent.needs) and any(
        _candidate(state, fields, agent, b, False) for b in state.agents
    )


def _bfs(state: WorldState, x: int, y: int) -> Sequence[int]:
    grid = state.grid
    if not grid.is_walkable(x, y):
        return [-1] * (grid.width * grid.height)
    return distances_from(grid.width, grid.height, grid.walkable, x, y)


def _choose(state: WorldState, fields: TargetFields, agent: Agent) -> int | None:
    best: tuple[float, int] | None = None
    for b in state.agents:
        if not _candidate(state, fields, agent, b, True):
            continue
        tie = agent.ties.get(b.uid)
        if tie is not None:
            score = tie.trust + tie.familiarity
            if best is None or score > best[0]:
                best = (score, b.uid)
    if best is not None:
        return best[1]
    dist = _bfs(state, agent.x, agent.y)
    near: tuple[int, int] | None = None
    for b in state.agents:
        if not _candidate(state, fields, agent, b, True):
            continue
        d = dist[b.y * state.grid.width + b.x] if state.grid.in_bounds(b.x, b.y) else -1
        if 0 <= d <= NEAR_STEPS and (near is None or d < near[0]):
            near = (d, b.uid)
    return None if near is None else near[1]


def emit(
    state: WorldState, fields: TargetFields, agent: Agent, o: OptState
) -> Triple | None:
    """Socialise's primitive (sets ``o.target`` to the partner's uid); ``None`` when
    it fails now (no partner and no park, or the park wait is over)."""
    t = state.tick
    kept = next(
        (
            b
            for b in state.agents
            if b.uid == o.target and _candidate(state, fields, agent, b, True)
        ),
        None,
    )
    uid = kept.uid if kept is not None else _choose(state, fields, agent)
    if uid is None:
        o.target = -1
        return _park(state, agent, o)
    o.target = uid
    b = next((x for x in state.agents if x.uid == uid), None)
    if b is None:
        return None
    if chat_check(state, agent, b, t) == 0:
        return KIND_CHAT, uid, 0
    cheb = max(abs(b.x - agent.x), abs(b.y - agent.y))
    if cheb <= state.ties.chat.max_distance:
        return WAIT_TRIPLE
    k = state.grid.path_hint(_bfs(state, b.x, b.y), agent.x, agent.y)
    return WAIT_TRIPLE if k is None else (k + 1, 0, 0)


def _park(state: WorldState, agent: Agent, o: OptState) -> Triple | None:
    grid = state.grid
    if not grid.in_bounds(agent.x, agent.y):
        return None
    k = agent.y * grid.width + agent.x
    best: tuple[int, list[int]] | None = None
    for z in grid.zones:
        field = grid.zone_fields[z.name]
        d = field[k]
        if z.kind == "park" and d >= 0 and (best is None or d < best[0]):
            best = (d, field)
    if best is None:
        return None
    d, field = best
    if d == 0:
        o.step += 1
        return WAIT_TRIPLE if o.step <= PARK_WAIT else None
    hint = grid.path_hint(field, agent.x, agent.y)
    return None if hint is None else (hint + 1, 0, 0)


def outcome(state: WorldState, agent: Agent, o: OptState) -> str | None:
    """Step 13: ``success`` on the agent's own successful chat this tick;
    ``failure`` after ``MAX_TICKS`` ticks without one."""
    if agent.last_kind == "chat" and agent.last_ok:
        return "success"
    if state.tick - o.start >= MAX_TICKS:
        return "failure"
    return None
