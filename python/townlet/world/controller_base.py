"""Shared controller mechanics (learning.md 2.4 rules 1, 2, 5): walking along a
W§2.5 field, using an object, and the role binding. Mirrors ``controllers/basic.rs``.

>>> WAIT_TRIPLE
(0, 0, 0)
"""

from __future__ import annotations

from collections.abc import Sequence

from townlet.world.actions import KIND_CHAT as CHAT_KIND
from townlet.world.affordances import start_check
from townlet.world.agents import Agent
from townlet.world.engage import BUY as BUY_KIND
from townlet.world.engage import INTERACT, ROLES
from townlet.world.engage import RELEASE as RELEASE_KIND
from townlet.world.engage import USE_ITEM as USE_KIND
from townlet.world.grid import DIRECTIONS
from townlet.world.state import WorldState
from townlet.world.targets import TargetFields

__all__ = [
    "WAIT_TRIPLE",
    "Triple",
    "avoids",
    "bound_affordance",
    "dist",
    "primitive_ids",
    "role",
    "step_off",
    "use_object",
    "walk",
]

Triple = tuple[int, int, int]
WAIT_TRIPLE: Triple = (0, 0, 0)


def role(name: str) -> int:
    """Index of role ``name`` in ``ROLES``."""
    return next(k for k, r in enumerate(ROLES) if r[0] == name)


def dist(state: WorldState, agent: Agent, field: Sequence[int]) -> int:
    """The distance of ``agent``'s tile in ``field`` (-1 unreachable or off-grid)."""
    grid = state.grid
    if not grid.in_bounds(agent.x, agent.y):
        return -1
    return field[agent.y * grid.width + agent.x]


def walk(state: WorldState, agent: Agent, field: Sequence[int]) -> Triple | None:
    """One walking step along ``field``: MOVE by the W§2.5 path hint, WAIT on the
    target; ``None`` when unreachable."""
    d = dist(state, agent, field)
    if d < 0:
        return None
    if d == 0:
        return WAIT_TRIPLE
    k = state.grid.path_hint(field, agent.x, agent.y)
    return None if k is None else (k + 1, 0, 0)


def avoids(state: WorldState, a: Agent, b: Agent) -> bool:
    """Whether ``a`` avoids ``b`` (its tie toward ``b``: rivalry >= the threshold)."""
    tie = a.ties.get(b.uid)
    return tie is not None and tie.rivalry >= state.ties.avoid_threshold


def step_off(state: WorldState, agent: Agent) -> tuple[int, int] | None:
    """Wait's step-off (learning.md 2.4): when an avoided resident shares the tile (and
    the agent is not running or using), ``(lowest such uid, direction)`` of the first
    walkable neighbour (N, E, S, W) without one; ``None`` otherwise."""
    if agent.eng in ("running", "using"):
        return None

    def rival_at(x: int, y: int) -> int | None:
        for b in state.agents:
            if (
                b.alive
                and b.uid != agent.uid
                and b.x == x
                and b.y == y
                and avoids(state, agent, b)
            ):
                return b.uid
        return None

    rival = rival_at(agent.x, agent.y)
    if rival is None:
        return None
    for k, (dx, dy) in enumerate(DIRECTIONS):
        nx, ny = agent.x + dx, agent.y + dy
        if state.grid.is_walkable(nx, ny) and rival_at(nx, ny) is None:
            return rival, k
    return None


def bound_affordance(
    state: WorldState, agent: Agent, role: int, obj: int, tick: int
) -> int | None:
    """The first affordance bound to ``role`` offered by ``obj``'s type whose start
    checks pass for ``agent`` (learning.md 2.4 rule 5), or ``None``."""
    tables = state.tables
    offered = tables.offered[state.grid.objects[obj].type_index]
    for name in state.settings.roles[role]:
        a = tables.affordance_index.get(name)
        if a is None or a not in offered:
            continue
        if start_check(state, agent, a, obj, tick)[0] == 0:
            return a
    return None


def use_object(
    state: WorldState, fields: TargetFields, agent: Agent, obj: int, role: int
) -> Triple | None:
    """Using an object (2.4 rule 2): WAIT while engaged with it, walk to it, then
    INTERACT with the bound affordance; ``None`` when unreachable or unusable."""
    if (agent.eng_obj == obj and agent.eng != "none") or agent.eng in (
        "running",
        "using",
    ):
        return WAIT_TRIPLE
    field = fields.field(obj)
    if field is None:
        return None
    d = dist(state, agent, field)
    if d < 0:
        return None
    if d == 0:
        a = bound_affordance(state, agent, role, obj, state.tick)
        return None if a is None else (INTERACT, obj, a)
    return walk(state, agent, field)


def primitive_ids(state: WorldState, triple: Triple) -> list[int]:
    """Every primitive id (learning.md 2.5) whose kind and role match ``triple``.

    A controller's primitive maps onto exactly one id (learning.md 2.5, last
    paragraph), which labels primitive-level BC data: WAIT 0, MOVE 1-4, INTERACT the
    interact roles binding its affordance, RELEASE 18, CHAT 17, BUY the buy roles of
    its item, USE_ITEM the eat roles of its item.
    """
    kind, a, b = triple
    if kind == 0 or 1 <= kind <= 4:
        return [kind]
    if kind == RELEASE_KIND:
        return [18]
    if kind == CHAT_KIND:
        return [17]
    ids = []
    for k, (_, how, _) in enumerate(ROLES):
        names = state.settings.roles[k]
        interact = kind == INTERACT and how == "interact"
        if interact and state.settings.affordances[b].id in names:
            ids.append(5 + k)
        item = (kind, how) in ((BUY_KIND, "buy"), (USE_KIND, "use"))
        if item and names and names[0] == state.settings.items[a].name:
            ids.append(5 + k)
    return ids
