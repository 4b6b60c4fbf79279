"""Perturbations: price spikes, outages and arranged meets (world.md 12).

:func:`perturbation_step` is pipeline step 5: end expired events, activate due manual
events, then the random scheduler with its gates and ``events``-stream draws.
:func:`schedule_manual` and :func:`cancel` serve the console. A guide is
docs/rules/perturbations.md. Mirrors ``perturb/mod.rs``.

>>> event_id(3)
'evt_3'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from townlet.world.interrupts import interrupt_for_outage, interrupt_for_relocation

if TYPE_CHECKING:
    from townlet.world.state import WorldState

__all__ = [
    "UTILITY_OF",
    "Pert",
    "PertSettings",
    "PertSpec",
    "Scheduler",
    "cancel",
    "draw_duration",
    "draw_magnitude",
    "event_id",
    "outage_active",
    "p_ticks",
    "perturbation_step",
    "resolve_targets",
    "schedule_manual",
    "spike_factor_applied",
]

UTILITY_OF = {"blackout": "power", "water_outage": "water"}
"""The utility each outage kind takes down."""


@dataclass(frozen=True, slots=True)
class PertSpec:
    """One spec (world.md 12.1)."""

    name: str
    kind: str
    prob_per_day: float
    duration: tuple[int, int]
    cooldown_ticks: int
    active_hours: tuple[int, int] | None = None
    magnitude: tuple[float, float] | None = None
    targets: tuple[str, ...] | None = None
    location: str | None = None
    pairing: str | None = None


@dataclass(frozen=True, slots=True)
class PertSettings:
    """The ``perturbations`` section; absent means disabled with no specs."""

    enabled: bool = False
    max_concurrent: int = 2
    global_cooldown_ticks: int = 240
    per_agent_cooldown_ticks: int = 360
    window_ticks: int = 1440
    max_events_per_window: int = 2
    specs: tuple[PertSpec, ...] = ()


@dataclass(slots=True)
class Pert:
    """One scheduled or active event (world.md 12.2)."""

    id: int
    spec: int
    start: int
    ends_at: int
    magnitude: float = 1.0
    targets: list[int] = field(default_factory=list)
    location: str | None = None
    participants: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Scheduler:
    """The scheduler state (world.md 12.2)."""

    next_id: int
    next_allowed: list[int]
    window: list[list[int]]
    active: list[Pert] = field(default_factory=list)
    pending: list[Pert] = field(default_factory=list)
    global_next: int = 0
    agent_cooldowns: dict[int, int] = field(default_factory=dict)

    @classmethod
    def new(cls, n: int) -> Scheduler:
        """A fresh scheduler for ``n`` specs."""
        return cls(1, [0] * n, [[] for _ in range(n)])


def event_id(n: int) -> str:
    """The string id ``evt_<n>``."""
    return f"evt_{n}"


def p_ticks(settings: PertSettings, ticks_per_day: int) -> list[float]:
    """The per-tick probability of each spec, computed once at load (world.md 12.1)."""
    out = []
    for s in settings.specs:
        start, end = s.active_hours or (0, ticks_per_day)
        span = end - start
        out.append(s.prob_per_day / float(span) if span > 0 else 0.0)
    return out


def resolve_targets(state: WorldState, targets: Any) -> list[int] | None:
    """Price key indexes of keys and groups, ascending; ``None`` if one is unknown."""
    keys = [k for k, _ in state.settings.prices]
    groups = dict(state.settings.economy.price_groups)
    out: set[int] = set()
    for target in targets:
        if target in keys:
            out.add(keys.index(target))
        elif target in groups:
            for key in groups[target]:
                if key not in keys:
                    return None
                out.add(keys.index(key))
        else:
            return None
    return sorted(out)


def any_active(state: WorldState, kind: str) -> bool:
    """Whether an active event of ``kind`` exists (observation flags)."""
    return any(_kind(state, p) == kind for p in state.perturb.active)


def in_active_meet(state: WorldState, uid: int) -> bool:
    """Whether ``uid`` takes part in an active arranged meet (``meet_invite``)."""
    return any(
        _kind(state, p) == "arranged_meet" and uid in p.participants
        for p in state.perturb.active
    )


def _kind(state: WorldState, p: Pert) -> str:
    return state.settings.perturbations.specs[p.spec].kind


def spike_factor_applied(state: WorldState, k: int, base: float) -> float:
    """``base`` times the active spikes' magnitudes on price key ``k``, ascending id."""
    value = base
    for p in state.perturb.active:
        if k in p.targets and _kind(state, p) == "price_spike":
            value *= p.magnitude
    return value


def outage_active(state: WorldState, utility: str) -> bool:
    """Whether some active outage takes ``utility`` down."""
    return any(UTILITY_OF.get(_kind(state, p)) == utility for p in state.perturb.active)


def _started(state: WorldState, p: Pert) -> dict[str, Any]:
    spec = state.settings.perturbations.specs[p.spec]
    payload: dict[str, Any] = {
        "event_id": event_id(p.id),
        "spec": spec.name,
        "kind": spec.kind,
        "start": p.start,
        "ends_at": p.ends_at,
    }
    if spec.kind == "price_spike":
        payload["magnitude"] = p.magnitude
        payload["targets"] = [state.settings.prices[k][0] for k in p.targets]
    if spec.kind in UTILITY_OF:
        payload["utility"] = UTILITY_OF[spec.kind]
    if spec.kind == "arranged_meet":
        payload["location"] = p.location
        payload["participants"] = [f"agent_{u}" for u in p.participants]
    return payload


def _ended(state: WorldState, p: Pert, cancelled: bool) -> None:
    spec = state.settings.perturbations.specs[p.spec]
    state.events.emit(
        "perturbation_ended",
        event_id=event_id(p.id),
        spec=spec.name,
        kind=spec.kind,
        cause="cancelled" if cancelled else "expired",
    )


def _utility_transition(state: WorldState, utility: str, before: bool, n: int) -> None:
    from townlet.world.econ import utility_up

    after = utility_up(state, utility)
    if after != before:
        state.events.emit(
            "utility_changed", utility=utility, up=after, event_id=event_id(n)
        )
        if not after:
            interrupt_for_outage(state, utility)


def _insert(items: list[Pert], p: Pert) -> None:
    at = sum(1 for a in items if a.id < p.id)
    items.insert(at, p)


def _activate(state: WorldState, p: Pert) -> None:
    from townlet.world.econ import recompute_prices, utility_up

    t = state.tick
    pert = state.settings.perturbations
    if pert.window_ticks > 0:
        w = [s for s in state.perturb.window[p.spec] if t - s < pert.window_ticks]
        w.append(t)
        state.perturb.window[p.spec] = w
    state.perturb.global_next = t + pert.global_cooldown_ticks
    kind = _kind(state, p)
    utility = UTILITY_OF.get(kind)
    before = utility_up(state, utility) if utility else True
    started = _started(state, p)
    _insert(state.perturb.active, p)
    if kind == "price_spike":
        recompute_prices(state, event_id(p.id))
    elif utility is not None:
        _utility_transition(state, utility, before, p.id)
    else:
        zone = next((z for z in state.grid.zones if z.name == p.location), None)
        for uid in p.participants:
            agent = next((a for a in state.agents if a.uid == uid and a.alive), None)
            if agent is None:
                continue
            interrupt_for_relocation(state, agent)
            if zone is None:
                continue
            start = [agent.x, agent.y]
            agent.x, agent.y = zone.anchor
            agent.ctx_reset = True
            state.events.emit(
                "agent_teleported",
                agent_id=agent.id,
                **{"from": start},
                to=[agent.x, agent.y],
                cause="arranged_meet",
                event_id=event_id(p.id),
            )
    state.events.emit("perturbation_started", **started)


def _end_active(state: WorldState, pos: int, cancelled: bool) -> None:
    from townlet.world.econ import recompute_prices, utility_up

    t = state.tick
    p = state.perturb.active[pos]
    kind = _kind(state, p)
    utility = UTILITY_OF.get(kind)
    before = utility_up(state, utility) if utility else True
    del state.perturb.active[pos]
    if kind == "price_spike":
        recompute_prices(state, event_id(p.id))
    elif utility is not None:
        _utility_transition(state, utility, before, p.id)
    else:
        until = t + state.settings.perturbations.per_agent_cooldown_ticks
        cooldowns = state.perturb.agent_cooldowns
        for uid in [u for u, c in cooldowns.items() if c <= t]:
            del cooldowns[uid]
        for uid in p.participants:
            cooldowns[uid] = until
    spec = state.settings.perturbations.specs[p.spec]
    state.perturb.next_allowed[p.spec] = t + spec.cooldown_ticks
    _ended(state, p, cancelled)


def _eligible(state: WorldState, agent: Any) -> bool:
    t = state.tick
    until = state.perturb.agent_cooldowns.get(agent.uid)
    cooled = until is None or t >= until
    in_shift = False
    if agent.job is not None:
        job = state.settings.jobs[agent.job]
        e = state.minute() - job.shift_start
        in_shift = 0 <= e < job.shift_length
    asleep = (
        agent.eng == "running"
        and "sleep" in state.settings.affordances[agent.eng_aff].tags
    )
    return bool(
        agent.alive and not agent.possessed and cooled and not in_shift and not asleep
    )


def _pick_pair(state: WorldState, spec: PertSpec) -> list[int] | None:
    eligible = [a for a in state.agents if _eligible(state, a)]
    n = len(eligible)
    if n < 2:
        return None
    if spec.pairing != "random":
        best: tuple[float, Any, Any] | None = None
        for x, a in enumerate(eligible):
            for b in eligible[x + 1 :]:
                ab = a.ties.get(b.uid)
                ba = b.ties.get(a.uid)
                total = (0.0 if ab is None else ab.rivalry) + (
                    0.0 if ba is None else ba.rivalry
                )
                if best is None or total > best[0]:
                    best = (total, a, b)
        if best is not None and best[0] > 0.0:
            return [best[1].uid, best[2].uid]
    i = state.rng_events.rand_index(n)
    j = state.rng_events.rand_index(n - 1)
    if j >= i:
        j += 1
    lo, hi = min(i, j), max(i, j)
    return [eligible[lo].uid, eligible[hi].uid]


def draw_duration(state: WorldState, bounds: tuple[int, int]) -> int:
    """Draw a duration in ``[min, max]`` (no draw when equal)."""
    low, high = bounds
    return low + state.rng_events.rand_index(high - low + 1) if high > low else low


def draw_magnitude(state: WorldState, bounds: tuple[float, float]) -> float:
    """Draw a magnitude in ``[min, max]`` (no draw when equal)."""
    low, high = bounds
    if high > low:
        u = state.rng_events.rand_f64()
        return low + (u * (high - low))
    return low


def _gates_pass(state: WorldState, s: int) -> bool:
    t = state.tick
    pert = state.settings.perturbations
    spec = pert.specs[s]
    sched = state.perturb
    if len(sched.active) >= pert.max_concurrent or t < sched.global_next:
        return False
    if any(p.spec == s for p in sched.active):
        return False
    if t < sched.next_allowed[s]:
        return False
    if pert.max_events_per_window > 0 and pert.window_ticks > 0:
        recent = sum(1 for st in sched.window[s] if t - st < pert.window_ticks)
        if recent >= pert.max_events_per_window:
            return False
    start, end = spec.active_hours or (0, state.settings.ticks_per_day)
    return start <= state.minute() < end and state.p_ticks[s] > 0.0


def perturbation_step(state: WorldState) -> None:
    """Step 5 (world.md 12.3): end, pending, random, activation."""
    t = state.tick
    sched = state.perturb
    while True:
        pos = next((i for i, p in enumerate(sched.active) if p.ends_at <= t), None)
        if pos is None:
            break
        _end_active(state, pos, False)
    while True:
        pos = next((i for i, p in enumerate(sched.pending) if p.start <= t), None)
        if pos is None:
            break
        p = sched.pending.pop(pos)
        if _kind(state, p) == "arranged_meet":
            alive = {a.uid for a in state.agents if a.alive}
            p.participants = [u for u in p.participants if u in alive]
            if len(p.participants) < 2:
                _ended(state, p, True)
                continue
        _activate(state, p)
    pert = state.settings.perturbations
    if not pert.enabled:
        return
    for s, spec in enumerate(pert.specs):
        if not _gates_pass(state, s):
            continue
        u = state.rng_events.rand_f64()
        if u >= state.p_ticks[s]:
            continue
        duration = draw_duration(state, spec.duration)
        p = Pert(0, s, t, t + duration)
        if spec.kind == "price_spike":
            p.magnitude = draw_magnitude(state, spec.magnitude or (1.0, 1.0))
            p.targets = resolve_targets(state, spec.targets or ()) or []
        elif spec.kind == "arranged_meet":
            zone = spec.location or "cafe"
            known = any(z.name == zone for z in state.grid.zones)
            pair = _pick_pair(state, spec)
            if pair is None or not known:
                continue
            p.location = zone
            p.participants = pair
        p.id = sched.next_id
        sched.next_id += 1
        _activate(state, p)


def schedule_manual(state: WorldState, p: Pert, starts_in: int) -> str:
    """Console: schedule a manual event at ``tick + starts_in``; returns its id."""
    sched = state.perturb
    p.id = sched.next_id
    sched.next_id += 1
    duration = p.ends_at - p.start
    p.start = state.tick + starts_in
    p.ends_at = p.start + duration
    _insert(sched.pending, p)
    return event_id(p.id)


def cancel(state: WorldState, ident: str) -> bool:
    """Console ``perturbation_cancel``: False when no pending or active event has it."""
    sched = state.perturb
    for pos, p in enumerate(sched.pending):
        if event_id(p.id) == ident:
            del sched.pending[pos]
            _ended(state, p, True)
            return True
    for pos, p in enumerate(sched.active):
        if event_id(p.id) == ident:
            _end_active(state, pos, True)
            return True
    return False
