"""Interruption hooks of perturbations (world.md 8.4, 12.4).

Both route into the affordance engine's one interruption procedure
(:func:`townlet.world.affordances.interrupt`): an outage interrupts every running
activity (uid order) at an object whose type requires the utility (reason
``utility_outage``); a relocation interrupts the agent's activity or leaves its queue
(reason ``relocated``). Mirrors ``interrupts.rs``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from townlet.world.events import REASONS

if TYPE_CHECKING:
    from townlet.world.agents import Agent
    from townlet.world.state import WorldState

__all__ = ["interrupt_for_outage", "interrupt_for_relocation"]

UTILITY_OUTAGE = REASONS.index("utility_outage")
RELOCATED = REASONS.index("relocated")


def interrupt_for_outage(state: WorldState, utility: str) -> None:
    """Called when ``utility`` goes down, after ``utility_changed``."""
    from townlet.world.affordances import interrupt

    types = state.settings.object_types
    for agent in list(state.agents):
        if not agent.alive or agent.eng != "running":
            continue
        obj = state.grid.objects[agent.eng_obj]
        if utility in types[obj.type_index].requires:
            interrupt(state, agent, UTILITY_OUTAGE)


def interrupt_for_relocation(state: WorldState, agent: Agent) -> None:
    """Called before ``agent`` is moved by an arranged meet."""
    from townlet.world.affordances import interrupt

    interrupt(state, agent, RELOCATED)
