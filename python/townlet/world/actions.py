"""Primitive actions of the slice: resolution and movement (world.md 6, tick step 6).

Primitive ids (learning.md 2.5) resolve to world.md 6.1 kinds: 0 WAIT, 1-4 MOVE N, E,
S, W. Ids 5-18 have no candidate yet (no affordances in this slice) and ids outside
``[0, 19)`` act as 0; both become WAIT without an event. The alive agents are then
processed in a ``world``-stream shuffle of ascending uids, so no agent systematically
acts first.

>>> resolve_primitive(3), resolve_primitive(12), resolve_primitive(-1)
(3, 0, 0)
"""

from __future__ import annotations

from townlet.world.agents import Agent
from townlet.world.grid import DIRECTIONS, Grid
from townlet.world.state import WorldState

__all__ = [
    "BLOCKED_TILE",
    "KIND_MOVE",
    "KIND_WAIT",
    "NUM_PRIMITIVES",
    "OUT_OF_BOUNDS",
    "apply_move",
    "move_check",
    "process_actions",
    "resolve_primitive",
]

NUM_PRIMITIVES = 19
KIND_WAIT = 0
KIND_MOVE = 1
OUT_OF_BOUNDS = 4
BLOCKED_TILE = 5
_REASON_NAMES = {OUT_OF_BOUNDS: "out_of_bounds", BLOCKED_TILE: "blocked_tile"}


def resolve_primitive(action_id: int) -> int:
    """Resolve a primitive id to 0 (WAIT) or 1-4 (MOVE N, E, S, W)."""
    return action_id if 1 <= action_id <= 4 else 0


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
    reason = move_check(state.grid, agent.x, agent.y, direction)
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


def process_actions(state: WorldState) -> None:
    """Step 6: resolve every alive agent's id, shuffle, then apply in that order."""
    order = [a for a in state.agents if a.alive]  # ascending uid
    for agent in order:
        agent.action = resolve_primitive(agent.action)
    state.rng_world.shuffle(order)
    for agent in order:
        resolved = agent.action
        if resolved == 0:
            agent.last_kind = "wait"
            agent.last_ok = True
            agent.last_reason = 0
        else:
            apply_move(state, agent, resolved - 1)
