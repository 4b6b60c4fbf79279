"""Jobs, shifts and wages (world.md 9.1-9.5, docs/rules/economy-and-jobs.md).

:func:`assign_job` picks a job at spawn; :func:`employment_step` is pipeline step 10:
shift start, arrival (on time or late), absence, wages per tick of presence and the
shift's end. ``took_shift`` and ``helped_late`` go through the shared
``chat_pair_event`` helper. Mirrors ``employment.rs``.

>>> [job.id for job in default_jobs()]
['clerk', 'grocer', 'barista']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from townlet.errors import SnapshotError
from townlet.world.exits import absences, trigger_exit
from townlet.world.ties import HELPED_LATE, TOOK_SHIFT, TieEvent

if TYPE_CHECKING:
    from townlet.world.state import WorldState

__all__ = [
    "SHIFT_STATES",
    "EmploymentRules",
    "JobSpec",
    "Shift",
    "assign_job",
    "check_employment",
    "default_jobs",
    "employment_step",
    "export_shift",
    "import_shift",
    "job_index",
    "on_shift",
    "present",
]

SHIFT_STATES = ("off", "awaiting", "on_time", "late", "absent")
"""The states of a shift record (world.md 9.3)."""
_WORKING = ("on_time", "late")
_U32_MAX = (1 << 32) - 1


@dataclass(frozen=True, slots=True)
class JobSpec:
    """One job (world.md 9.1); a site zone the map lacks is never reached."""

    id: str
    site: str
    positions: int
    shift_start: int
    shift_length: int
    wage_per_tick: float


@dataclass(frozen=True, slots=True)
class EmploymentRules:
    """Punctuality rules (``employment``, world.md 9.1).

    >>> EmploymentRules().absent_after_ticks
    60
    """

    grace_ticks: int = 10
    absent_after_ticks: int = 60
    lateness_fine: float = 0.30


def default_jobs() -> tuple[JobSpec, ...]:
    """The three jobs of world.md 9.1 (clerk, grocer, barista)."""
    return (
        JobSpec("clerk", "office", 6, 480, 480, 0.01),
        JobSpec("grocer", "grocer", 2, 540, 480, 0.01),
        JobSpec("barista", "cafe", 2, 660, 480, 0.01),
    )


@dataclass(slots=True)
class Shift:
    """The shift record of one agent (world.md 9.3); -1 means none."""

    state: str = "off"
    day: int = -1
    arrived_minute: int = -1
    present_ticks: int = 0
    paid: float = 0.0
    withheld: float = 0.0
    fine_outstanding: float = 0.0


def assign_job(state: WorldState, uid: int) -> int | None:
    """The job a spawning agent with ``uid`` gets (world.md 9.2), or ``None``."""
    jobs = state.settings.jobs
    n = len(jobs)
    for i in range(n):
        j = (uid % n + i) % n
        filled = sum(1 for a in state.agents if a.alive and a.job == j)
        if filled < jobs[j].positions:
            return j
    return None


def present(state: WorldState, agent: Any) -> bool:
    """Whether ``agent`` stands in its job's site zone now."""
    if agent.job is None:
        return False
    site: str = state.settings.jobs[agent.job].site
    zone: str | None = state.grid.zone_at(agent.x, agent.y)
    return zone == site


def on_shift(state: WorldState, agent: Any) -> bool:
    """``agent.on_shift`` (world.md 9.3): working (on_time or late) and present now."""
    return bool(agent.alive and agent.shift.state in _WORKING and present(state, agent))


def job_index(state: WorldState, job_id: str) -> int | None:
    """Index of the job called ``job_id``."""
    for j, job in enumerate(state.settings.jobs):
        if job.id == job_id:
            return j
    return None


def _with_coworkers(
    state: WorldState,
    index: int,
    job: int,
    event: TieEvent,
    here: list[bool],
    prev: list[str],
) -> None:
    from townlet.world.actions import chat_pair_event

    agent = state.agents[index]
    for other, b in enumerate(state.agents):
        if (
            other != index
            and b.alive
            and b.job == job
            and here[other]
            and prev[other] in _WORKING
        ):
            chat_pair_event(state, agent, b, event)


def employment_step(state: WorldState) -> None:
    """Step 10 (world.md 9.4): shifts, arrivals, absences and wages, uid order."""
    s = state.settings
    if not s.jobs:
        return
    here = [a.alive and present(state, a) for a in state.agents]
    prev = [a.shift.state for a in state.agents]
    minute, today = state.minute(), state.day()
    rules = s.employment
    for index, agent in enumerate(state.agents):
        if not agent.alive or agent.job is None:
            continue
        j = agent.job
        job = s.jobs[j]
        e = minute - job.shift_start
        shift = agent.shift
        if e == job.shift_length and shift.state != "off":
            state.events.emit(
                "shift_ended",
                agent_id=agent.id,
                job_id=job.id,
                outcome=shift.state,
                present_ticks=shift.present_ticks,
                paid=shift.paid,
                withheld=shift.withheld,
            )
            shift.state = "off"
            shift.fine_outstanding = 0.0
        if e == 0:
            agent.shift = shift = Shift(state="awaiting", day=today)
        if not 0 <= e < job.shift_length:
            continue
        if shift.state == "awaiting" and here[index]:
            late = e > rules.grace_ticks
            shift.arrived_minute = minute
            if late:
                shift.state = "late"
                shift.fine_outstanding = rules.lateness_fine
            else:
                shift.state = "on_time"
            agent.shift_start_mark = 2 if late else 1
            state.events.emit(
                "shift_started",
                agent_id=agent.id,
                job_id=job.id,
                status=shift.state,
                ticks_late=e if late else None,
            )
            if late:
                _with_coworkers(state, index, j, HELPED_LATE, here, prev)
        elif shift.state == "awaiting" and e >= rules.absent_after_ticks:
            shift.state = "absent"
            agent.shift_absent_mark = True
            agent.absence_days.append(shift.day)
            count = absences(agent.absence_days, today, s.exits.absence_window_days)
            state.events.emit(
                "shift_absent",
                agent_id=agent.id,
                job_id=job.id,
                absences_in_window=count,
            )
            _with_coworkers(state, index, j, TOOK_SHIFT, here, prev)
            if count >= s.exits.max_absences:
                trigger_exit(state, agent, "absences")
        if shift.state in _WORKING and here[index]:
            wage = job.wage_per_tick
            shift.present_ticks = min(shift.present_ticks + 1, _U32_MAX)
            h = wage if wage < shift.fine_outstanding else shift.fine_outstanding
            shift.fine_outstanding -= h
            agent.wallet += wage - h
            agent.wage_paid = wage - h
            shift.paid += wage - h
            shift.withheld += h


def export_shift(shift: Shift) -> dict[str, Any]:
    """The exported shift record (docs/world-state.md section 3)."""
    return {
        "state": shift.state,
        "day": shift.day,
        "arrived_minute": shift.arrived_minute,
        "present_ticks": shift.present_ticks,
        "paid": shift.paid,
        "withheld": shift.withheld,
        "fine_outstanding": shift.fine_outstanding,
    }


def import_shift(node: Mapping[str, Any]) -> Shift:
    """Read a checked shift record."""
    return Shift(
        state=node["state"],
        day=node["day"],
        arrived_minute=node["arrived_minute"],
        present_ticks=node["present_ticks"],
        paid=node["paid"],
        withheld=node["withheld"],
        fine_outstanding=node["fine_outstanding"],
    )


def check_employment(state: WorldState, tree: Mapping[str, Any]) -> None:
    """Check every agent's ``job``, ``shift`` and ``absence_days`` of a sound tree.

    Raises:
        SnapshotError: naming the first bad path.
    """
    s = state.settings
    today = (s.start_minute + tree["tick"]) // s.ticks_per_day
    for i, a in enumerate(tree["agents"]):
        p = f"agents[{i}]"
        if a["job"] is not None and job_index(state, a["job"]) is None:
            raise SnapshotError(f"{p}.job: unknown job '{a['job']}'")
        shift = a["shift"]
        if shift["state"] not in SHIFT_STATES:
            raise SnapshotError(
                f"{p}.shift.state: unknown shift state '{shift['state']}'"
            )
        for key, lo, hi in (
            ("day", -1, today),
            ("arrived_minute", -1, s.ticks_per_day - 1),
            ("present_ticks", 0, _U32_MAX),
        ):
            v = shift[key]
            if not lo <= v <= hi:
                raise SnapshotError(
                    f"{p}.shift.{key}: must be in [{lo}, {hi}], got {v}"
                )
        for key in ("paid", "withheld", "fine_outstanding"):
            if shift[key] < 0.0:
                raise SnapshotError(
                    f"{p}.shift.{key}: must be >= 0.0, got {shift[key]!r}"
                )
        last = -1
        for k, d in enumerate(a["absence_days"]):
            if d < last or d > today:
                raise SnapshotError(
                    f"{p}.absence_days[{k}]: expected ascending days in "
                    f"[0, {today}], got {d}"
                )
            last = d
