"""Queue, reservation and handover settings (world.md section 7).

``world.queues``: how far waiters may stray, when idle holders are demoted (the
ghost step) and how waiting time and liking weigh in handovers.

>>> QueuesConfig().ghost_step_after
5
"""

from __future__ import annotations

from townlet.config.base import Section, setting

__all__ = ["QueuesConfig"]


class QueuesConfig(Section):
    """Queue radius, ghost steps and handover priority weights (world.md 7)."""

    queue_radius: int = setting(
        3,
        "Max Chebyshev distance in tiles from the object for waiters and idle "
        "holders before they walk away.",
        ge=0,
        le=256,
    )
    ghost_step_after: int = setting(
        5, "Stalled ticks before an idle holder is demoted; 0 disables.", ge=0
    )
    age_priority_weight: float = setting(
        0.1, "Priority gained per tick waited.", ge=0.0
    )
    handover_weight: float = setting(
        2.0,
        "Priority bonus per unit of the completer's liking for a waiter.",
        ge=0.0,
    )
    cut_in_cooldown_ticks: int = setting(
        60,
        "Ticks during which a promoted agent gets no handover bonus at that object.",
        ge=0,
    )
