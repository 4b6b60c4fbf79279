"""Simulated time (world.md section 1).

One tick is one minute. Tick 0 is the clock minute ``start_minute`` (06:00 by default);
days and minutes are derived from the tick, never stored. ``div`` and ``mod`` are floor
division and the non-negative remainder (world.md 17.5), which Python's ``//`` and ``%``
already are.

>>> clock_minute(1080), day_of(1080), minute_of(1080)
(1440, 1, 0)
"""

from __future__ import annotations

__all__ = ["clock_minute", "day_of", "hour_of", "is_day_boundary", "minute_of"]


def clock_minute(tick: int, start_minute: int = 360) -> int:
    """Return the clock minute of ``tick``: ``start_minute + tick``.

    >>> clock_minute(0)
    360
    """
    return start_minute + tick


def day_of(tick: int, start_minute: int = 360, ticks_per_day: int = 1440) -> int:
    """Return the zero-based day of ``tick``.

    >>> day_of(1079), day_of(1080)
    (0, 1)
    """
    return (start_minute + tick) // ticks_per_day


def minute_of(tick: int, start_minute: int = 360, ticks_per_day: int = 1440) -> int:
    """Return the minute of day of ``tick``, in ``[0, ticks_per_day)``.

    >>> minute_of(0)
    360
    """
    return (start_minute + tick) % ticks_per_day


def hour_of(tick: int, start_minute: int = 360, ticks_per_day: int = 1440) -> int:
    """Return the hour of day of ``tick``.

    >>> hour_of(120)
    8
    """
    return minute_of(tick, start_minute, ticks_per_day) // 60


def is_day_boundary(
    tick: int, start_minute: int = 360, ticks_per_day: int = 1440
) -> bool:
    """Whether ``tick`` starts a day (``minute == 0``).

    >>> is_day_boundary(1080)
    True
    """
    return minute_of(tick, start_minute, ticks_per_day) == 0
