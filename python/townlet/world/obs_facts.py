"""World facts the observations read that other branches own (learning.md 1.3, 1.4).

Every function returns this branch's neutral value (nobody employed, no engagement,
no option, no perturbation) and its docstring names the branch that wires it. The
feature and map writers read such facts only through this module, so the integrator
replaces bodies here and nothing else. The Rust twin is
``townlet-core/src/obs_facts.rs``.

>>> EngagementFacts().busy
False
"""

from __future__ import annotations

from dataclasses import dataclass

from townlet.world import econ, perturbations
from townlet.world.agents import Agent
from townlet.world.employment import on_shift
from townlet.world.exits import absences
from townlet.world.state import WorldState

__all__ = [
    "EngagementFacts",
    "JobFacts",
    "OptionFacts",
    "WorldFacts",
    "engagement",
    "exit_pending",
    "job",
    "meet_invite",
    "object_holders",
    "object_waiters",
    "option",
    "rent_missed",
    "rival_at_target",
    "world_flags",
]


@dataclass(frozen=True, slots=True)
class EngagementFacts:
    """Engagement of an agent: busy (running/using), waiting position, holding."""

    busy: bool = False
    queue_position: int | None = None
    holding: bool = False


@dataclass(frozen=True, slots=True)
class JobFacts:
    """An employed agent's job (``shift_state``: 0 off .. 4 absent; ``site``: zone)."""

    on_shift: bool
    shift_state: int
    shift_start: int
    shift_length: int
    absences: int
    max_absences: int
    site: str | None


@dataclass(frozen=True, slots=True)
class OptionFacts:
    """The active option (0 = GetFed .. 6 = GoHome, ``None`` when idle)."""

    active: int | None = None
    age: int = 0
    locked: bool = False
    last_failed: bool = False


@dataclass(frozen=True, slots=True)
class WorldFacts:
    """Perturbation flags of the tick."""

    price_spike: bool = False
    power_out: bool = False
    water_out: bool = False


_IDLE = EngagementFacts()
_BUSY = EngagementFacts(busy=True)
_HOLDING = EngagementFacts(holding=True)
_SHIFT_STATES = ("off", "awaiting", "on_time", "late", "absent")
_NO_OPTION = OptionFacts()
_LAST_FAILED = OptionFacts(last_failed=True)
_CALM = WorldFacts()


def engagement(state: WorldState, agent: Agent) -> EngagementFacts:
    """Engagement of ``agent`` (world.md 6.2)."""
    if agent.eng in ("running", "using"):
        return _BUSY
    if agent.eng == "holding":
        return _HOLDING
    if agent.eng == "waiting":
        waiters = state.queues[agent.eng_obj].waiters
        pos = next((k for k, w in enumerate(waiters) if w.uid == agent.uid), None)
        return EngagementFacts(queue_position=pos)
    return _IDLE


def job(state: WorldState, agent: Agent) -> JobFacts | None:
    """Job of ``agent``, ``None`` when unemployed (world.md 9)."""
    if agent.job is None:
        return None
    spec = state.settings.jobs[agent.job]
    rules = state.settings.exits
    return JobFacts(
        on_shift=on_shift(state, agent),
        shift_state=_SHIFT_STATES.index(agent.shift.state),
        shift_start=spec.shift_start,
        shift_length=spec.shift_length,
        absences=absences(agent.absence_days, state.day(), rules.absence_window_days),
        max_absences=rules.max_absences,
        site=spec.site if any(z.name == spec.site for z in state.grid.zones) else None,
    )


def rent_missed(state: WorldState, agent: Agent) -> tuple[int, int]:
    """``(rent_missed_streak, rent_missed_limit)`` (world.md 8.2, 9.6)."""
    return (agent.rent_missed_streak, state.settings.exits.rent_missed_limit)


def exit_pending(state: WorldState, agent: Agent) -> bool:
    """The agent's ``exit_pending`` flag (world.md 9.6)."""
    return bool(agent.exit_pending)


def option(state: WorldState, agent: Agent) -> OptionFacts:
    """The agent's active option (``agent.opt``, learning.md 2.3): the one-hot index
    is the option id - 1; the lock as the mask written at the end of this tick sees
    it."""
    o, rules = agent.opt, state.settings.options
    if not 1 <= o.active <= 7:
        return _NO_OPTION if o.last != "failure" else _LAST_FAILED
    return OptionFacts(
        active=o.active - 1,
        age=state.tick - o.start,
        locked=(rules.commitment == "until_done" or state.tick < o.lock_end)
        and all(n >= rules.critical_need for n in agent.needs),
        last_failed=o.last == "failure",
    )


def rival_at_target(state: WorldState, agent: Agent) -> bool:
    """Feature 89: an avoided resident holds or waits at the object the observer
    waits for, or that its active option targets."""
    objs = []
    if agent.eng == "waiting":
        objs.append(agent.eng_obj)
    if agent.opt.active not in (-1, 0, 6) and agent.opt.target >= 0:  # 6: uid
        objs.append(agent.opt.target)
    if not objs:
        return False
    avoid = state.ties.avoid_threshold
    for obj in objs:
        for other in state.agents:
            if (
                other.alive
                and other.uid != agent.uid
                and other.eng in ("waiting", "holding", "running")
                and other.eng_obj == obj
            ):
                tie = agent.ties.get(other.uid)
                if tie is not None and tie.rivalry >= avoid:
                    return True
    return False


def world_flags(state: WorldState) -> WorldFacts:
    """Perturbation flags: a price spike active, power down, water down."""
    return WorldFacts(
        price_spike=perturbations.any_active(state, "price_spike"),
        power_out=not econ.utility_up(state, "power"),
        water_out=not econ.utility_up(state, "water"),
    )


def meet_invite(state: WorldState, agent: Agent) -> bool:
    """The observer takes part in an active arranged meet."""
    return perturbations.in_active_meet(state, agent.uid)


def object_holders(state: WorldState, index: int) -> int:
    """Holders of object ``index`` (channel ``in_use``)."""
    return len(state.queues[index].holders)


def object_waiters(state: WorldState, index: int) -> int:
    """Waiters of object ``index`` (channel ``queue``)."""
    return len(state.queues[index].waiters)
