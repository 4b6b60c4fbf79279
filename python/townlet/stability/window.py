"""What one stability window counts (learning.md 8.1).

:class:`WindowCounts` holds the raw tallies of one window ``[k*W, (k+1)*W)``: every
live agent-tick is a sample, zero counts included. The monitor adds to it tick by
tick; the analyzers (:mod:`townlet.stability.analyzers`) turn it into measures when
the window closes. It is plain data so that it goes into snapshots as a dict.

>>> w = WindowCounts(index=2)
>>> w.add_rewards(np.array([0.0, 1.0]))
>>> (w.reward_n, w.reward_sum, w.reward_variance())
(2, 1.0, 0.25)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["COUNTED_EVENTS", "WindowCounts"]

COUNTED_EVENTS = frozenset(
    {
        "agent_terminated",
        "queue_conflict",
        "reservation_granted",
        "relationship_event",
        "shift_started",
        "shift_absent",
        "slot_forced_reuse",
    }
)
"""The world events (docs/world-state.md section 4) the analyzers read."""

_ONES: list[npt.NDArray[np.float64]] = [np.ones(0)]


def _ones(n: int) -> npt.NDArray[np.float64]:
    """A cached ``ones(n)`` (read-only use)."""
    if _ONES[0].shape[0] != n:
        _ONES[0] = np.ones(n)
    return _ONES[0]


@dataclass
class WindowCounts:
    """Tallies of one window.

    Attributes:
        index: the window number ``k``.
        ticks: ticks recorded.
        agent_ticks: live agent-ticks (the samples).
        faints: ``agent_terminated`` with reason ``faint``.
        streaks: hunger streaks that reached the streak length.
        abandonments: option abandonments.
        reward_n, reward_sum, reward_sumsq: count, sum and sum of squares of the
            per-agent-tick reward totals (float64; rewards are bounded, so the
            one-pass variance keeps about 10 significant digits).
        ghost_steps: ``queue_conflict {kind: blocked}`` events.
        conflicts: ``queue_conflict`` events of either kind.
        wait_sum, wait_count: per resident, the summed ``waited_ticks`` and the
            number of completed waits (``reservation_granted`` with
            ``waited_ticks > 0``).
        crossings: directed ties whose rivalry crossed the avoid threshold upward.
        shifts: scheduled shifts (``shift_started`` plus ``shift_absent``).
        late_or_absent: late starts plus absences.
        forced_reuses: ``slot_forced_reuse`` events.
    """

    index: int
    ticks: int = 0
    agent_ticks: int = 0
    faints: int = 0
    streaks: int = 0
    abandonments: int = 0
    reward_n: int = 0
    reward_sum: float = 0.0
    reward_sumsq: float = 0.0
    ghost_steps: int = 0
    conflicts: int = 0
    wait_sum: dict[str, float] = field(default_factory=dict)
    wait_count: dict[str, int] = field(default_factory=dict)
    crossings: int = 0
    shifts: int = 0
    late_or_absent: int = 0
    forced_reuses: int = 0

    @property
    def incidents(self) -> int:
        """Starvation incidents: faints plus streaks (learning.md 5.4)."""
        return self.faints + self.streaks

    def add_rewards(self, values: npt.NDArray[np.float64]) -> None:
        """Merge one tick's live reward totals into the running variance."""
        n = values.shape[0]
        if n:
            self.reward_n += n
            # dot products: on a few rows they cost a third of .sum()
            self.reward_sum += float(values.dot(_ones(n)))
            self.reward_sumsq += float(values.dot(values))

    def add_wait(self, agent_id: str, waited_ticks: float) -> None:
        """Count one completed wait of ``agent_id``."""
        self.wait_sum[agent_id] = self.wait_sum.get(agent_id, 0.0) + waited_ticks
        self.wait_count[agent_id] = self.wait_count.get(agent_id, 0) + 1

    def add_events(
        self, events: Sequence[Mapping[str, Any]]
    ) -> dict[tuple[str, str], float]:
        """Count one tick's events (one pass, by name).

        Returns:
            ``(owner, other) -> summed rivalry delta`` of the directed ties a
            ``relationship_event`` raised this tick (the monitor judges crossings).
        """
        raised: dict[tuple[str, str], float] = {}
        for event in events:
            name = event["name"]
            if name not in COUNTED_EVENTS:
                continue
            if name == "relationship_event":
                for owner, other, key in (
                    (event["agent_a"], event["agent_b"], "a_to_b"),
                    (event["agent_b"], event["agent_a"], "b_to_a"),
                ):
                    delta = (event.get(key) or {}).get("rivalry") or 0.0
                    if delta > 0.0:
                        pair = (str(owner), str(other))
                        raised[pair] = raised.get(pair, 0.0) + float(delta)
            elif name == "queue_conflict":
                self.conflicts += 1
                self.ghost_steps += event["kind"] == "blocked"
            elif name == "reservation_granted":
                waited = float(event["waited_ticks"])
                if waited > 0:  # a grant to a free object is not a wait
                    self.add_wait(str(event["agent_id"]), waited)
            elif name == "shift_started":
                self.shifts += 1
                self.late_or_absent += event["status"] == "late"
            elif name == "shift_absent":
                self.shifts += 1
                self.late_or_absent += 1
            elif name == "slot_forced_reuse":
                self.forced_reuses += 1
            elif event["reason"] == "faint":  # agent_terminated
                self.faints += 1
        return raised

    def reward_variance(self) -> float | None:
        """Population variance of the reward samples (``None`` without samples)."""
        if not self.reward_n:
            return None
        mean = self.reward_sum / self.reward_n
        return max(0.0, self.reward_sumsq / self.reward_n - mean * mean)

    def export_state(self) -> dict[str, Any]:
        """The tallies as a JSON-able dict (sorted per-resident maps)."""
        data = dataclasses.asdict(self)
        data["wait_sum"] = dict(sorted(self.wait_sum.items()))
        data["wait_count"] = dict(sorted(self.wait_count.items()))
        return data

    @classmethod
    def import_state(cls, data: dict[str, Any]) -> WindowCounts:
        """Rebuild tallies from :meth:`export_state`.

        Raises:
            ValueError: a key is missing or unknown.
        """
        names = {f.name for f in dataclasses.fields(cls)}
        missing = sorted(names - set(data))
        unknown = sorted(set(data) - names)
        if missing or unknown:
            raise ValueError(
                f"stability window state: missing keys {missing}, unknown keys "
                f"{unknown}"
            )
        values = dict(data)
        values["wait_sum"] = {str(k): float(v) for k, v in data["wait_sum"].items()}
        values["wait_count"] = {str(k): int(v) for k, v in data["wait_count"].items()}
        return cls(**values)
