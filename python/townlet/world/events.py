"""World events and reason codes (world.md 6.4 and 15, docs/world-state.md section 4).

Every event is a dict ``{"tick", "seq", "name", ...payload}``; ``seq`` counts from 0
within a tick in emission order. The log is cleared at the start of each tick and
handed out as that tick's events, so each occurrence is reported exactly once.

>>> log = EventLog()
>>> log.begin(3)
>>> log.emit("day_started", day=1)
{'tick': 3, 'seq': 0, 'name': 'day_started', 'day': 1}
"""

from __future__ import annotations

from typing import Any

__all__ = ["REASONS", "EventLog", "reason_code"]

REASONS: tuple[str, ...] = (
    "ok",
    "malformed",
    "unknown_kind",
    "busy",
    "out_of_bounds",
    "blocked_tile",
    "unknown_object",
    "unknown_affordance",
    "affordance_not_offered",
    "not_at_object",
    "unknown_item",
    "not_usable",
    "no_vendor",
    "nothing_to_release",
    "invalid_target",
    "too_far",
    "target_busy",
    "chat_cooldown",
    "utility_down",
    "precondition_failed",
    "insufficient_funds",
    "missing_items",
    "out_of_stock",
    "inventory_full",
    "stock_full",
    "released",
    "utility_outage",
    "relocated",
    "terminated",
    "unknown_agent",
    "walked_away",
    "switched",
    "chat_rejected",
)
"""Reason names indexed by their u8 code (world.md 6.4)."""


def reason_code(name: str) -> int:
    """The u8 code of reason ``name``.

    >>> reason_code("blocked_tile")
    5
    """
    return REASONS.index(name)


class EventLog:
    """The events of the current tick, in emission order."""

    __slots__ = ("events", "tick")

    def __init__(self) -> None:
        self.tick = 0
        self.events: list[dict[str, Any]] = []

    def begin(self, tick: int) -> None:
        """Start a new tick: forget the previous tick's events."""
        self.tick = tick
        self.events = []

    def emit(self, name: str, /, **payload: Any) -> dict[str, Any]:
        """Append event ``name`` with ``payload`` (keys in the order given)."""
        event: dict[str, Any] = {
            "tick": self.tick,
            "seq": len(self.events),
            "name": name,
        }
        event.update(payload)
        self.events.append(event)
        return event
