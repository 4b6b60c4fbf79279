"""Option controllers: option mode of learning.md 2.1-2.4 (docs/rules/options.md).

Each resident carries an :class:`OptState` (world state: exported as ``option``,
hashed). :func:`run_controllers` is W§13 step 6 in option mode: for every alive agent
in uid order, on the state left by step 5, it applies the commitment rules of 2.3
and lets the active option's controller emit one primitive triple ``(kind, a, b)``
into ``agent.action/target/arg``, which ``process_actions`` then validates and
applies. :func:`finish_controllers` is step 13: it detects success and failure from
the engagement, ``last_action``, ``last_affordance`` and the agent's place.
:func:`option_mask` is the 8-column mask of 2.2 with the lock of 2.3. Controllers
draw no random numbers. Mirrors ``rust/townlet-core/src/controllers/``.

All eight options are built: GetFed, ShopGroceries and Socialise live in
``controller_fed``, ``controller_shop`` and ``controller_social``; Wait's step-off a
rival's tile and the rival detour are not built yet (Decision D20-opt-b).

>>> GO_HOME
7
"""

from __future__ import annotations

from collections.abc import Sequence

from townlet.world import controller_fed, controller_shop, controller_social
from townlet.world.agents import Agent
from townlet.world.controller_base import (
    WAIT_TRIPLE,
    Triple,
    bound_affordance,
    dist,
    role,
    step_off,
    use_object,
    walk,
)
from townlet.world.econ import utility_up
from townlet.world.employment import present
from townlet.world.engage import RELEASE
from townlet.world.option_state import OptState
from townlet.world.state import WorldState
from townlet.world.targets import TargetFields

__all__ = [
    "GET_CLEAN",
    "GET_FED",
    "GO_HOME",
    "SHOP",
    "SLEEP",
    "SOCIALISE",
    "WAIT",
    "WORK",
    "OptState",
    "emit",
    "finish_controllers",
    "locked",
    "option_mask",
    "run_controllers",
]

WAIT, GET_FED, GET_CLEAN, SLEEP, WORK, SHOP, SOCIALISE, GO_HOME = range(8)


def shower_target(
    state: WorldState, fields: TargetFields, agent: Agent, tick: int
) -> controller_fed.Pick | None:
    """GetClean's target: the nearest usable shower in the own home, else in a
    ``gym`` zone; ties to the lower object index; with the rival detour of
    ``controller_fed.nearest``."""
    kinds = {z.name: z.kind for z in state.grid.zones}
    wash = role("wash")

    def shower(o: int, gym: bool) -> bool:
        x = state.grid.objects[o]
        home = x.zone is not None and x.zone == agent.home
        if x.type_name != "shower":
            return False
        if gym:
            return x.zone is not None and kinds.get(x.zone) == "gym" and not home
        return home

    def pick(o: int) -> int | None:
        return bound_affordance(state, agent, wash, o, tick)

    showers = controller_fed.of_type(state, "shower")
    found = controller_fed.nearest(
        state, fields, agent, lambda o: shower(o, False), pick, showers
    )
    if found is None:
        found = controller_fed.nearest(
            state, fields, agent, lambda o: shower(o, True), pick, showers
        )
    return found


def inside(state: WorldState, agent: Agent, zone: str) -> bool:
    """Whether ``agent`` stands in the zone called ``zone``."""
    return any(
        z.name == zone and z.contains(agent.x, agent.y) for z in state.grid.zones
    )


def _site_field(state: WorldState, agent: Agent) -> Sequence[int] | None:
    if agent.job is None:
        return None
    return state.grid.zone_fields.get(state.settings.jobs[agent.job].site)


def emit(
    state: WorldState, fields: TargetFields, agent: Agent, o: OptState
) -> tuple[Triple, int] | None:
    """The primitive the active option ``o`` of ``agent`` emits and its target
    object (-1 none); ``None`` when the option fails now (no feasible target)."""
    if o.active in (-1, WAIT):
        off = step_off(state, agent)
        if off is None:
            return WAIT_TRIPLE, -1
        o.avoided = (off[0], -1)
        return (off[1] + 1, 0, 0), -1
    if o.active == GET_FED:
        fed = controller_fed.emit(state, fields, agent, o)
        return None if fed is None else (fed, o.target)
    if o.active == SOCIALISE:
        social = controller_social.emit(state, fields, agent, o)
        return None if social is None else (social, o.target)
    if o.active == SHOP:
        shop = controller_shop.emit(state, fields, agent, o)
        return None if shop is None else (shop, o.target)
    if o.active == GET_CLEAN:
        if not utility_up(state, "water"):
            return None
        target = o.target
        if target < 0:
            found = shower_target(state, fields, agent, state.tick)
            if found is None:
                return None
            target = found[0]
            if found[2] is not None:
                o.avoided = found[2]
        triple = use_object(state, fields, agent, target, role("wash"))
        return None if triple is None else (triple, target)
    if o.active == SLEEP:
        if agent.bed is None:
            return None
        triple = use_object(state, fields, agent, agent.bed, role("sleep"))
        return None if triple is None else (triple, agent.bed)
    if o.active == WORK:
        if agent.job is None or agent.shift.state == "absent":
            return None
        field = _site_field(state, agent)
        if field is None:
            return None
        if present(state, agent):
            return WAIT_TRIPLE, -1
        step = walk(state, agent, field)
        return None if step is None else (step, -1)
    if o.active == GO_HOME:
        if agent.home is None:
            return None
        step = walk(state, agent, state.grid.zone_fields[agent.home])
        return None if step is None else (step, -1)
    return None


def _outcome(state: WorldState, agent: Agent, o: OptState) -> str | None:
    def completed(role_name: str) -> bool:
        last = agent.last_aff
        if last is None or last[3] != state.tick or last[1] != "completed":
            return False
        names = state.settings.roles[role(role_name)]
        return state.settings.affordances[last[0]].id in names

    if o.active == GET_FED:
        return controller_fed.outcome(state, agent, o)
    if o.active == SHOP:
        return controller_shop.outcome(state, agent, o)
    if o.active == SOCIALISE:
        return controller_social.outcome(state, agent, o)
    if o.active == GET_CLEAN:
        return "success" if completed("wash") else None
    if o.active == SLEEP:
        return "success" if completed("sleep") else None
    if o.active == WORK:
        if agent.job is None or agent.shift.state == "absent":
            return "failure"
        job = state.settings.jobs[agent.job]
        e = (state.minute() - job.shift_start) % state.settings.ticks_per_day
        ok = present(state, agent) and e == job.shift_length - 1
        return "success" if ok else None
    if o.active == GO_HOME:
        ok = agent.home is not None and inside(state, agent, agent.home)
        return "success" if ok else None
    return None


def run_controllers(state: WorldState, fields: TargetFields) -> None:
    """W§13 step 6 in option mode: turn each alive agent's option id into one
    primitive triple, in uid order (learning.md 2.3, 2.4). Ids outside ``[0, 8)``
    act as Wait."""
    t = state.tick
    commit = state.settings.options.commit_ticks
    for agent in state.agents:
        if not agent.alive or agent.possessed:
            continue
        chosen = agent.action if 0 <= agent.action < 8 else WAIT
        o = agent.opt.copy()
        o.emitted = False
        o.avoided = None
        release = False
        if chosen != o.active:
            if o.active >= 0:
                release = agent.eng != "none"
                o.end("abandoned")
            if chosen != WAIT:
                o.active, o.start, o.lock_end = chosen, t, t + commit
        triple: Triple
        if release:
            triple = (RELEASE, 0, 0)
        else:
            o.emitted = o.active >= 0
            if chosen == WAIT:
                o.last = "success"  # Wait succeeds after its one tick (2.4)
            out = emit(state, fields, agent, o)
            if out is None:
                o.end("failure")
                triple = WAIT_TRIPLE
            else:
                triple, o.target = out
        avoided, o.avoided = o.avoided, None
        agent.opt = o
        agent.action, agent.target, agent.arg = triple
        if avoided is not None:
            rival, obj = avoided
            state.events.emit(
                "rival_avoided",
                agent_id=agent.id,
                rival=f"agent_{rival}",
                object_id=None if obj < 0 else state.grid.objects[obj].id,
            )


def finish_controllers(state: WorldState) -> None:
    """W§13 step 13: detect each emitting controller's outcome (learning.md 2.4)."""
    t = state.tick
    max_wait = state.settings.options.max_queue_wait
    for agent in state.agents:
        o = agent.opt
        if not agent.alive or not o.emitted or o.active < 0:
            continue
        o.wait = o.wait + 1 if agent.eng in ("waiting", "holding") else 0
        last = agent.last_aff
        failed = (
            not agent.last_ok
            or (last is not None and last[3] == t and last[1] == "failed")
            or o.wait > max_wait
        )
        outcome = "failure" if failed else _outcome(state, agent, o)
        if outcome is not None:
            o.end(outcome)
        o.emitted = False


def locked(state: WorldState, agent: Agent) -> bool:
    """Whether ``agent``'s commitment lock is open at the end of the current tick
    (learning.md 2.3 rules 2-4)."""
    o, rules = agent.opt, state.settings.options
    return (
        o.active >= 0
        and (rules.commitment == "until_done" or state.tick < o.lock_end)
        and all(n >= rules.critical_need for n in agent.needs)
    )


def option_mask(state: WorldState, fields: TargetFields, agent: Agent) -> list[int]:
    """The 8 option columns of alive ``agent`` (learning.md 2.2, 2.3)."""
    row = [0] * 8
    if locked(state, agent) and 0 <= agent.opt.active < 8:
        row[agent.opt.active] = 1
        return row
    row[WAIT] = 1
    tick = state.tick + 1
    row[GET_FED] = int(
        agent.hunger < 0.95
        and controller_fed.choose(state, fields, agent, tick) is not None
    )
    water = utility_up(state, "water")
    row[GET_CLEAN] = int(
        agent.hygiene < 0.95
        and water
        and shower_target(state, fields, agent, tick) is not None
    )
    bed_field = None if agent.bed is None else fields.field(agent.bed)
    row[SLEEP] = int(
        agent.energy < 0.95
        and bed_field is not None
        and dist(state, agent, bed_field) >= 0
    )
    row[WORK] = int(_work_allowed(state, agent))
    row[SHOP] = int(controller_shop.allowed(state, fields, agent, tick))
    row[SOCIALISE] = int(controller_social.allowed(state, fields, agent))
    home = agent.home
    row[GO_HOME] = int(
        home is not None
        and not inside(state, agent, home)
        and dist(state, agent, state.grid.zone_fields[home]) >= 0
    )
    return row


def _work_allowed(state: WorldState, agent: Agent) -> bool:
    if agent.job is None:
        return False
    job = state.settings.jobs[agent.job]
    lead = state.settings.options.work_lead_ticks
    tpd = state.settings.ticks_per_day
    window = (state.minute() - job.shift_start + lead) % tpd
    field = _site_field(state, agent)
    return (
        window < lead + job.shift_length
        and agent.shift.state != "absent"
        and field is not None
        and dist(state, agent, field) >= 0
    )
