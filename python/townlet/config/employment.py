"""Jobs, shift rules and exit reviews (world.md section 9).

``world.jobs`` (ordered list; job index = position), ``world.employment`` and
``world.exits``. Shifts are written in minute-of-day; checks that need the day
length (a shift ends before midnight) run in ``WorldConfig``.

>>> [job.id for job in default_jobs()]
['clerk', 'grocer', 'barista']
"""

from __future__ import annotations

from townlet.config.base import Identifier, Section, setting

__all__ = ["EmploymentConfig", "ExitsConfig", "JobConfig", "default_jobs"]


class JobConfig(Section):
    """One job: where, how many positions, when and how much (world.md 9.1)."""

    id: Identifier = setting(..., "Job id, unique; required.")
    site: Identifier = setting(
        ..., "Zone of the map where the job is done (presence); required."
    )
    positions: int = setting(1, "Number of agents that can hold the job.", ge=0)
    shift_start: int = setting(
        480, "Minute of day the shift starts; in [0, ticks_per_day).", ge=0
    )
    shift_length: int = setting(
        480,
        "Shift length in ticks, >= 60; shift_start + shift_length < ticks_per_day.",
        ge=60,
    )
    wage_per_tick: float = setting(
        0.01, "Wage in meals per tick of presence during the shift.", ge=0.0
    )


def default_jobs() -> tuple[JobConfig, ...]:
    """Return the three jobs of world.md 9.1 (clerk, grocer, barista)."""
    return (
        JobConfig(id="clerk", site="office", positions=6, shift_start=480),
        JobConfig(id="grocer", site="grocer", positions=2, shift_start=540),
        JobConfig(id="barista", site="cafe", positions=2, shift_start=660),
    )


class EmploymentConfig(Section):
    """Punctuality rules of shifts (world.md 9.4)."""

    grace_ticks: int = setting(
        10, "Arrival within this many ticks of shift start is on time.", ge=0
    )
    absent_after_ticks: int = setting(
        60,
        "Ticks after shift start after which a missing agent is absent; must be "
        "below every job's shift_length.",
        ge=1,
    )
    lateness_fine: float = setting(
        0.30, "Money withheld from the wages of a late shift, in meals.", ge=0.0
    )


class ExitsConfig(Section):
    """Exit reviews and evictions (world.md 9.5, 9.6)."""

    absence_window_days: int = setting(
        7, "Days (today included) over which absences are counted.", ge=1
    )
    max_absences: int = setting(
        3, "Absences in the window that trigger an exit review.", ge=1
    )
    rent_missed_limit: int = setting(
        3, "Consecutive missed rents that trigger an exit review.", ge=1
    )
    daily_exit_cap: int = setting(
        2, "Evictions processed per day; 0 pauses evictions.", ge=0
    )
    exit_cooldown_ticks: int = setting(
        120, "Minimum ticks between two processed evictions.", ge=0
    )
