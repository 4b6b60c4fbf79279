"""Per-town KPIs of the vector API over each ``env.log_every_ticks`` interval
(learning.md 4.4 rule 4, metric names of section 5.4).

Everything comes from the step's row arrays, a few numpy calls per step; the
event-based ``presence`` (and the exact ``attendance``) need the towns' events, so
they are computed only when the vector keeps events, and are ``None`` otherwise.
``option_switch_rate`` counts the rows whose chosen option differs from the active
one (abandonments, as :mod:`townlet.policy.kpi`), in option mode; ``None`` otherwise.

>>> kpi = VectorKpi(towns=1, seats=2, shift_lengths={'clerk': 480})
>>> needs = np.array([[0.9, 0.9, 0.9], [0.2, 0.9, 0.9]])
>>> rows = StepRows(
...     live=np.array([True, True]), needs_after=needs,
...     terminal=np.zeros(2, np.int8), shift_start=np.array([1, 0], np.int8),
...     shift_absent=np.array([False, True]), rewards=np.array([0.5, 0.25], np.float32),
...     ended=np.zeros(2, bool), abandoned=np.array([True, False]))
>>> kpi.add(rows, None)
>>> out = kpi.flush()[0]
>>> out["needs_ok_fraction"], out["attendance"], out["reward_per_agent_tick"]
(0.5, 0.5, 0.375)
>>> out["option_switch_rate"]
0.5
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["STREAK_HUNGER", "STREAK_TICKS", "StepRows", "VectorKpi"]

STREAK_HUNGER = 0.10
"""A starvation streak counts ticks with hunger at or below this (learning.md 5.4)."""
STREAK_TICKS = 30
"""A streak of this many ticks is one starvation incident."""


@dataclass(frozen=True)
class StepRows:
    """The rows of one step that the KPIs read (N = T * S).

    Attributes:
        live: rows with a resident before the step (agent-ticks).
        needs_after: ``(N, 3)`` needs after the tick.
        terminal: 0 none, 1 faint, 2 eviction, 3 killed.
        shift_start: 0 none, 1 on time, 2 late.
        shift_absent: a ``shift_absent`` this tick.
        rewards: the step's total rewards.
        ended: the row's resident ended this step (its streak restarts).
        abandoned: the row's chosen option left an active one (option mode), or
            ``None`` when not counted (primitive mode).
    """

    live: npt.NDArray[np.bool_]
    needs_after: npt.NDArray[np.float64]
    terminal: npt.NDArray[np.int8]
    shift_start: npt.NDArray[np.int8]
    shift_absent: npt.NDArray[np.bool_]
    rewards: npt.NDArray[np.float32]
    ended: npt.NDArray[np.bool_]
    abandoned: npt.NDArray[np.bool_] | None = None


class VectorKpi:
    """Accumulates the KPIs of every town until :meth:`flush`."""

    def __init__(self, towns: int, seats: int, shift_lengths: dict[str, int]) -> None:
        self._t, self._s = towns, seats
        self._shift_lengths = dict(shift_lengths)
        self._streak = np.zeros(towns * seats, dtype=np.int64)
        self._sums = np.zeros((towns, 9), dtype=np.float64)
        self._switches_counted = False
        self._events = np.zeros((towns, 4), dtype=np.float64)
        self._with_events = False

    def restart(self) -> None:
        """Forget everything (after a reset)."""
        self._streak.fill(0)
        self._sums.fill(0.0)
        self._events.fill(0.0)
        self._with_events = False
        self._switches_counted = False

    def add(
        self, rows: StepRows, events: Sequence[Sequence[dict[str, Any]]] | None
    ) -> None:
        """Count one step; ``events`` holds each town's events when they were kept."""
        live = rows.live
        hunger = rows.needs_after[:, 0]
        low = live & (hunger <= STREAK_HUNGER)
        self._streak = np.where(low, self._streak + 1, 0)
        starving = self._streak == STREAK_TICKS
        self._streak[rows.ended] = 0
        ok = live & (rows.needs_after.min(axis=1) > 0.3)
        started = rows.shift_start > 0
        abandoned = rows.abandoned
        if abandoned is None:
            abandoned = np.zeros_like(live)
        else:
            self._switches_counted = True
        columns = np.stack(
            [
                live,
                ok,
                rows.terminal == 1,
                rows.terminal == 2,
                starving,
                started,
                rows.shift_absent,
                np.where(live, rows.rewards, 0.0),
                live & abandoned,
            ],
            axis=1,
        ).astype(np.float64)
        self._sums += columns.reshape(self._t, self._s, 9).sum(axis=1)
        if events is not None:
            self._with_events = True
            for town, town_events in enumerate(events):
                for event in town_events:
                    if event["name"] == "shift_ended":
                        attended = event["outcome"] in ("on_time", "late")
                        length = self._shift_lengths.get(str(event["job_id"]), 0)
                        self._events[town] += (
                            1.0,
                            float(attended),
                            float(event["present_ticks"]),
                            float(length),
                        )

    def flush(self) -> list[dict[str, Any]]:
        """One KPI dict per town over the interval since the last flush; restarts
        the sums (streaks carry over)."""
        out = []
        for town in range(self._t):
            (
                live,
                ok,
                faints,
                evictions,
                streaks,
                started,
                absent,
                reward,
                switched,
            ) = self._sums[town].tolist()
            ended, attended, present, length = self._events[town].tolist()
            if self._with_events:
                attendance = attended / ended if ended else None
                presence = present / length if length else None
            else:
                scheduled = started + absent
                attendance = started / scheduled if scheduled else None
                presence = None
            out.append(
                {
                    "starvation_incidents": int(faints + streaks),
                    "needs_ok_fraction": ok / live if live else None,
                    "attendance": attendance,
                    "presence": presence,
                    "evictions": int(evictions),
                    "option_switch_rate": (
                        switched / live if live and self._switches_counted else None
                    ),
                    "reward_per_agent_tick": reward / live if live else None,
                    "agent_ticks": int(live),
                }
            )
        self._sums.fill(0.0)
        self._events.fill(0.0)
        self._with_events = False
        self._switches_counted = False
        return out
