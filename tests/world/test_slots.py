"""Embedding slot allocation (world.md 11.4)."""

from __future__ import annotations

from townlet.world.slots import SlotTable


def test_never_used_slots_come_first_lowest_index_first() -> None:
    table = SlotTable(3)
    table.hold(0, 10)
    table.release(0, 5)
    assert table.allocate(100, cooldown_ticks=1) == (1, False)


def test_cooled_slots_are_reused_oldest_release_first() -> None:
    table = SlotTable(3)
    for slot, released in [(0, 20), (1, 10), (2, 10)]:
        table.hold(slot, slot)
        table.release(slot, released)
    assert table.allocate(50, cooldown_ticks=30) == (1, False)


def test_reuse_inside_the_cooldown_is_forced() -> None:
    table = SlotTable(2)
    for slot, released in [(0, 40), (1, 30)]:
        table.hold(slot, slot)
        table.release(slot, released)
    assert table.allocate(50, cooldown_ticks=30) == (1, True)


def test_no_free_slot_fails() -> None:
    table = SlotTable(1)
    table.hold(0, 3)
    assert table.allocate(0, cooldown_ticks=0) is None
