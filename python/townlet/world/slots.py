"""Embedding slots: stable rows the observation layer may give agents (world.md 11.4).

A slot is free or held and remembers the tick it was last released. Allocation prefers
never-used slots, then slots whose cooldown has passed (oldest release first), and only
then forces the reuse of the oldest released slot, so a recently departed resident's
row is not handed to a newcomer while it can be avoided.

>>> table = SlotTable(2)
>>> table.hold(0, uid=7)
>>> table.allocate(0, cooldown_ticks=10)
(1, False)
"""

from __future__ import annotations

__all__ = ["SlotTable"]


class SlotTable:
    """``max_slots`` slots, each with ``holder`` (a uid or ``None``) and ``released``.

    Args:
        max_slots: number of slots (``embedding.max_slots``).
    """

    __slots__ = ("holders", "released")

    def __init__(self, max_slots: int) -> None:
        self.holders: list[int | None] = [None] * max_slots
        self.released: list[int | None] = [None] * max_slots

    def allocate(self, tick: int, cooldown_ticks: int) -> tuple[int, bool] | None:
        """Choose a free slot at ``tick``; the caller then calls :meth:`hold`.

        Returns:
            ``(slot, forced)`` where ``forced`` marks a reuse inside the cooldown, or
            ``None`` when every slot is held.

        >>> table = SlotTable(1); table.hold(0, 5); table.release(0, 3)
        >>> table.allocate(4, cooldown_ticks=10)
        (0, True)
        """
        best_cool: int | None = None
        best_any: int | None = None
        for slot, holder in enumerate(self.holders):
            if holder is not None:
                continue
            released = self.released[slot]
            if released is None:
                return (slot, False)
            if tick - released >= cooldown_ticks:
                cool = self.released[best_cool] if best_cool is not None else None
                if cool is None or released < cool:
                    best_cool = slot
            any_released = self.released[best_any] if best_any is not None else None
            if any_released is None or released < any_released:
                best_any = slot
        if best_cool is not None:
            return (best_cool, False)
        if best_any is not None:
            return (best_any, True)
        return None

    def hold(self, slot: int, uid: int) -> None:
        """Give ``slot`` to agent ``uid``."""
        self.holders[slot] = uid

    def release(self, slot: int, tick: int) -> None:
        """Free ``slot`` at ``tick`` (termination, world.md 11.2)."""
        self.holders[slot] = None
        self.released[slot] = tick
