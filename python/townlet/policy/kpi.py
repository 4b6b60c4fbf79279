"""Town-life KPIs (learning.md 5.4, plus the cheap operator KPIs of operations.md 1.9).

:class:`KpiTracker` is fed once per tick by the simulation loop: :meth:`on_decide`
with the decision's features and (mask-checked) actions, :meth:`on_step` with the
:class:`~townlet.core.types.StepResult`, the loop's rewards and the alive flags of
the rows after the step. Everything is measured over ticks ``[TPD, end)``; the
hunger streaks and open shifts are followed from tick 1 so a streak or a shift that
crosses ``TPD`` counts once, in the window.

Definitions (learning.md 5.4 names first):

- ``starvation_incidents``: faints + streaks of >= 30 consecutive live ticks with
  hunger <= 0.10 (each streak once, when it reaches 30; a faint's streak counts too).
- ``needs_ok_fraction``: live agent-ticks with min need > 0.3 / live agent-ticks.
- ``attendance``: shifts attended (``shift_ended`` outcome ``on_time``/``late``) /
  shifts scheduled (every ``shift_ended``, plus shifts cut by their resident's
  termination after ``shift_started``/``shift_absent``).
- ``presence``: sum of ``present_ticks`` / sum of ``shift_length`` over ended shifts.
- ``evictions``: ``agent_terminated`` with reason ``eviction``.
- ``option_switch_rate``: abandonments (an alive row whose active option is not the
  chosen id) / live agent-ticks.
- ``reward_per_agent_tick``: sum of the loop's rewards / live agent-ticks.
- ``needs_floor_ratio``: as ``needs_ok_fraction`` with >= 0.3 (never lower).
- ``attendance_ratio``: ``shift_started`` / (``shift_started`` + ``shift_absent``).
- ``late_shift_ratio``, ``lateness_mean_ticks``: share of started shifts that were
  late; mean ``ticks_late`` per started shift.
- ``queue_conflicts_per_day``: ``queue_conflict`` events per 1,440 measured ticks.

A ratio with an empty denominator is ``None`` (JSON ``null``).

>>> t = KpiTracker(tpd=2, shift_lengths={"clerk": 4})
>>> t.as_dict()["needs_ok_fraction"] is None
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from townlet.core.types import ObservationBuffers, ObservationSpec, StepResult
from townlet.world.layout import CONTROL_FEATURES

if TYPE_CHECKING:
    from townlet.config import TownletConfig

__all__ = ["KPI_TARGETS", "SPEC_KPIS", "KpiTracker", "kpi_failures"]

NEED_OK = 0.3
STARVING = 0.10
STARVING_TICKS = 30
ATTENDED = ("on_time", "late")
OPTION_FEATURES = CONTROL_FEATURES[:7]
"""The active-option one-hot features ``opt_get_fed`` .. ``opt_go_home`` (ids 1-7)."""
SPEC_KPIS = (
    "starvation_incidents",
    "needs_ok_fraction",
    "attendance",
    "presence",
    "evictions",
    "option_switch_rate",
    "reward_per_agent_tick",
)
"""The KPIs of learning.md 5.4, in its order."""

KPI_TARGETS: dict[str, dict[str, tuple[str, float]]] = {
    "calm": {
        "starvation_incidents": ("<=", 0),
        "needs_ok_fraction": (">=", 0.95),
        "attendance": (">=", 0.90),
        "presence": (">=", 0.85),
        "evictions": ("<=", 0),
    },
    "default": {
        "faints": ("<=", 0),
        "evictions": ("<=", 0),
        "needs_ok_fraction": (">=", 0.90),
        "attendance": (">=", 0.85),
    },
}
"""Acceptance targets of learning.md 5.4 per profile: ``name -> (op, bound)``."""


def kpi_failures(kpis: Mapping[str, Any], profile: str) -> list[str]:
    """The targets of ``profile`` that ``kpis`` misses, one line each.

    >>> kpi_failures({"faints": 0, "evictions": 1, "needs_ok_fraction": 0.97,
    ...               "attendance": None}, "default")
    ['evictions = 1, want <= 0', 'attendance = None, want >= 0.85']
    """
    out = []
    for name, (op, bound) in KPI_TARGETS[profile].items():
        value = kpis.get(name)
        ok = value is not None and (value <= bound if op == "<=" else value >= bound)
        if not ok:
            out.append(f"{name} = {value}, want {op} {bound}")
    return out


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


_COUNTERS = (
    "ticks", "agent_ticks", "needs_ok", "needs_floor", "streaks", "faints",
    "evictions", "killed", "abandonments", "reward_sum", "scheduled", "attended",
    "present_ticks", "shift_ticks", "started", "absent", "late", "late_ticks",
    "queue_conflicts",
)  # fmt: skip
"""The tracker's accumulators, as :meth:`KpiTracker.export_state` names them."""


class KpiTracker:
    """Accumulates the KPIs of one run (see the module table).

    Args:
        tpd: ticks per day; ticks before ``tpd`` are not measured.
        shift_lengths: job id -> shift length, for ``presence``.
    """

    def __init__(self, tpd: int, shift_lengths: Mapping[str, int]) -> None:
        self.tpd = tpd
        self._shift_lengths = dict(shift_lengths)
        self._opt_cols: npt.NDArray[np.intp] | None = None
        self._ids: list[str] = []
        self._streak = np.zeros(0, dtype=np.int64)
        self._streaking = False
        self._open: set[str] = set()
        self.ticks = 0
        self.agent_ticks = 0
        self.needs_ok = 0
        self.needs_floor = 0
        self.streaks = 0
        self.faints = 0
        self.evictions = 0
        self.killed = 0
        self.abandonments = 0
        self.reward_sum = 0.0
        self.scheduled = 0
        self.attended = 0
        self.present_ticks = 0
        self.shift_ticks = 0
        self.started = 0
        self.absent = 0
        self.late = 0
        self.late_ticks = 0
        self.queue_conflicts = 0

    def export_state(self) -> dict[str, Any]:
        """The accumulators, streaks and open shifts, for snapshots (JSON-able).

        >>> t = KpiTracker(1440, {})
        >>> t.faints = 2
        >>> u = KpiTracker(1440, {})
        >>> u.import_state(t.export_state())
        >>> u.as_dict() == t.as_dict()
        True
        """
        return {
            **{name: getattr(self, name) for name in _COUNTERS},
            "ids": list(self._ids),
            "streak": self._streak.tolist(),
            "open": sorted(self._open),
        }

    def import_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`export_state` output."""
        for name in _COUNTERS:
            value = state[name]
            setattr(self, name, float(value) if name == "reward_sum" else int(value))
        self._ids = [str(a) for a in state["ids"]]
        self._streak = np.array(state["streak"], dtype=np.int64)
        self._streaking = np.count_nonzero(self._streak) != 0
        self._open = {str(a) for a in state["open"]}

    @classmethod
    def from_config(cls, config: TownletConfig) -> KpiTracker:
        """A tracker for ``config``'s day length and jobs."""
        world = config.world
        return cls(
            tpd=int(world.time.ticks_per_day),
            shift_lengths={job.id: int(job.shift_length) for job in world.jobs},
        )

    def start(self, spec: ObservationSpec) -> None:
        """Find the active-option features (abandonments are counted only when the
        spec has them, i.e. in option mode)."""
        where = {name: i for i, name in enumerate(spec.features)}
        if spec.action_mode == "option" and all(n in where for n in OPTION_FEATURES):
            self._opt_cols = np.array(
                [where[n] for n in OPTION_FEATURES], dtype=np.intp
            )

    def on_decide(
        self,
        tick: int,
        buffers: ObservationBuffers,
        actions: npt.NDArray[np.int32],
        rows: int,
    ) -> None:
        """Count abandonments of the decision for ``tick`` (the tick about to run)."""
        if tick < self.tpd or self._opt_cols is None or rows == 0:
            return
        opt = buffers.features[:rows].take(self._opt_cols, axis=1)
        active = np.rint(opt @ np.arange(1.0, 8.0)).astype(np.int64)
        switched = (active > 0) & (active != actions) & buffers.alive[:rows]
        self.abandonments += int(np.count_nonzero(switched))

    def on_step(
        self,
        result: StepResult,
        rewards: npt.NDArray[np.float64],
        alive: npt.NDArray[np.bool_],
    ) -> None:
        """Account one tick: ``alive`` is aligned with ``result.agent_ids``."""
        ids = result.agent_ids
        if ids != self._ids:
            old = dict(zip(self._ids, self._streak.tolist(), strict=True))
            self._streak = np.array([old.get(a, 0) for a in ids], dtype=np.int64)
            self._ids = list(ids)
            self._streaking = np.count_nonzero(self._streak) != 0
        needs = result.needs_after
        starving = (needs[:, 0] <= STARVING) & alive
        # The healthy case (no streak running, nobody starving) leaves every streak 0.
        streaking = self._streaking or np.count_nonzero(starving) != 0
        if streaking:
            self._streak = np.where(starving, self._streak + 1, 0)
            self._streaking = np.count_nonzero(self._streak) != 0
        measured = result.tick >= self.tpd
        if measured:
            lowest = needs.min(axis=1)
            self.ticks += 1
            self.agent_ticks += int(np.count_nonzero(alive))
            self.needs_ok += int(np.count_nonzero((lowest > NEED_OK) & alive))
            self.needs_floor += int(np.count_nonzero((lowest >= NEED_OK) & alive))
            if streaking:
                self.streaks += int(np.count_nonzero(self._streak == STARVING_TICKS))
            self.reward_sum += float(rewards.sum())
        for event in result.events:
            self._event(event, measured)

    def _event(self, event: Mapping[str, Any], measured: bool) -> None:
        """Shift bookkeeping (always) and event counts (in the window)."""
        name = event["name"]
        if name == "shift_started" or name == "shift_absent":
            self._open.add(event["agent_id"])
            if measured:
                if name == "shift_absent":
                    self.absent += 1
                else:
                    self.started += 1
                    if event["status"] == "late":
                        self.late += 1
                        self.late_ticks += int(event["ticks_late"] or 0)
        elif name == "shift_ended":
            self._open.discard(event["agent_id"])
            if measured:
                self.scheduled += 1
                self.attended += event["outcome"] in ATTENDED
                self.present_ticks += int(event["present_ticks"])
                self.shift_ticks += self._shift_lengths.get(event["job_id"], 0)
        elif name == "agent_terminated":
            cut = event["agent_id"] in self._open
            self._open.discard(event["agent_id"])
            if measured:
                self.scheduled += cut
                reason = event["reason"]
                self.faints += reason == "faint"
                self.evictions += reason == "eviction"
                self.killed += reason == "killed"
        elif name == "queue_conflict" and measured:
            self.queue_conflicts += 1

    def as_dict(self) -> dict[str, Any]:
        """The KPIs by their documented names (learning.md 5.4, operations.md 1.9)."""
        live = self.agent_ticks
        return {
            "starvation_incidents": self.faints + self.streaks,
            "needs_ok_fraction": _ratio(self.needs_ok, live),
            "attendance": _ratio(self.attended, self.scheduled),
            "presence": _ratio(self.present_ticks, self.shift_ticks),
            "evictions": self.evictions,
            "option_switch_rate": _ratio(self.abandonments, live),
            "reward_per_agent_tick": _ratio(self.reward_sum, live),
            "faints": self.faints,
            "killed": self.killed,
            "needs_floor_ratio": _ratio(self.needs_floor, live),
            "attendance_ratio": _ratio(self.started, self.started + self.absent),
            "late_shift_ratio": _ratio(self.late, self.started),
            "lateness_mean_ticks": _ratio(self.late_ticks, self.started),
            "queue_conflicts_per_day": _ratio(
                self.queue_conflicts * self.tpd, self.ticks
            ),
            "measured_ticks": self.ticks,
            "live_agent_ticks": live,
            "shifts_scheduled": self.scheduled,
            "shifts_attended": self.attended,
        }
