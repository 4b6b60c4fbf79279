"""Interruption hooks of perturbations (world.md 8.4, 12.4).

Engagements (queues and running affordances) do not exist in this branch, so both
hooks do nothing here. **The integrator wires them to the ``aff`` branch's
interruption procedure at merge**: an outage interrupts every running activity (uid
order) at an object whose type requires the utility (reason ``utility_outage``); a
relocation interrupts the agent's activity or leaves its queue (reason
``relocated``). Mirrors ``interrupts.rs``.

>>> interrupt_for_outage(None, "power") is None
True
"""

from __future__ import annotations

from typing import Any

__all__ = ["interrupt_for_outage", "interrupt_for_relocation"]


def interrupt_for_outage(state: Any, utility: str) -> None:
    """Called when ``utility`` goes down, after ``utility_changed``."""


def interrupt_for_relocation(state: Any, agent: Any) -> None:
    """Called before ``agent`` is moved by an arranged meet."""
