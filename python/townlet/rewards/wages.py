"""The wage credited this tick, ``w - h`` (learning.md 3.1 component 3, W§9.4).

The worlds pay ``w - h`` with ``h = min(w, fine_outstanding)`` on each tick of
presence during a shift and count it in ``present_ticks``. The engine remembers each
resident's shift mark of the previous tick and rebuilds the exact payment: paid this
tick when ``present_ticks`` grew (a new record, another ``day``, starts from 0); the
fine before the payment is ``lateness_fine`` on a late start this tick, else the
previous tick's ``fine_outstanding`` of the same record, else 0.

>>> tracker = WageTracker()
>>> tracker.marks
{}
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from townlet.rewards.tree import ShiftMark, TreeRows

__all__ = ["WageTracker"]

_WORKING = ("on_time", "late")


class WageTracker:
    """Per-uid shift marks of the previous tick and the credited wage per row."""

    def __init__(self) -> None:
        self.marks: dict[int, ShiftMark] = {}

    def prime(self, rows: TreeRows) -> None:
        """Remember the shift marks of ``rows`` (at reset or after a state import)."""
        self.marks = dict(zip(rows.uids, rows.shifts, strict=True))

    def credited(
        self,
        rows: TreeRows,
        job_wages: Mapping[str, float],
        lateness_fine: float,
        late_starts: set[str],
    ) -> npt.NDArray[np.float64]:
        """``w - h`` paid to each row this tick (0 when unpaid); updates the marks.

        Args:
            rows: the tree rows after the tick.
            job_wages: job id -> wage per tick.
            lateness_fine: the fine a late start owes.
            late_starts: agent ids with ``shift_started {status: late}`` this tick.
        """
        out = np.zeros(len(rows.ids), dtype=np.float64)
        for i, uid in enumerate(rows.uids):
            mark = rows.shifts[i]
            prev = self.marks.get(uid)
            job = rows.jobs[i]
            if job is None or rows.shift_states[i] not in _WORKING:
                continue
            same = prev is not None and prev.day == mark.day
            before = prev.present_ticks if same and prev is not None else 0
            if mark.present_ticks <= before:
                continue
            if rows.ids[i] in late_starts:
                fine = lateness_fine
            elif same and prev is not None:
                fine = prev.fine_outstanding
            else:
                fine = 0.0
            wage = job_wages[job]
            h = wage if wage < fine else fine
            out[i] = wage - h
        self.marks = dict(zip(rows.uids, rows.shifts, strict=True))
        return out
