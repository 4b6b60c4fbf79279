"""Spawning, termination, purge and newcomers (world.md 4.5 and 11).

``spawn`` is the one way an agent enters the town (reset, newcomer arrival and, later,
the console); ``terminate`` the one way it leaves. A terminated agent stays readable
until ``purge`` at step 1 of the next tick, so observations and rewards of its last
tick can report it (Decision D5: it keeps its slot, bed and home fields).
"""

from __future__ import annotations

from townlet.core.types import TERMINAL_CODES
from townlet.world.agents import Agent, agent_name, sample_profile
from townlet.world.employment import assign_job
from townlet.world.exits import forget
from townlet.world.state import Ticket, WorldState

__all__ = [
    "process_arrivals",
    "purge",
    "schedule_newcomers",
    "spawn",
    "spawn_initial",
    "terminate",
    "terminate_fainted",
]


def spawn(
    state: WorldState,
    cause: str,
    position: tuple[int, int] | None = None,
    profile: str | None = None,
    needs: tuple[float, float, float] | None = None,
    wallet: float | None = None,
    items: list[int] | None = None,
) -> Agent | None:
    """Spawn one agent with ``cause`` at the current tick (world.md 4.5, contract 6).

    Slot first (none free: ``None``, nothing else happens, no uid, no draw); then uid,
    profile (given, else one ``world`` draw), bed and home, position, needs, wallet
    and items (each given, else the cause's defaults).

    Args:
        state: the world.
        cause: ``initial``, ``newcomer`` or ``console`` (newcomer defaults).
        position: the spawn tile, checked by the caller.
        profile: a known profile name.
        needs: hunger, hygiene, energy.
        wallet: money.
        items: one count per manifest item.

    Returns:
        The new agent, or ``None`` when no slot is free.
    """
    s, grid, tick = state.settings, state.grid, state.tick
    allocated = state.slots.allocate(tick, s.cooldown_ticks)
    if allocated is None:
        return None
    slot, forced = allocated
    uid = state.next_uid
    state.next_uid += 1
    if profile is None:
        profile = sample_profile(state.rng_world, s.distribution)
    chosen = state.profiles[profile]
    bed = next((k for k in state.ownable if state.owners[k] is None), None)
    defaults = s.initial if cause == "initial" else s.newcomer
    if position is None:
        position = grid.spawn_tiles[uid % len(grid.spawn_tiles)]
        if bed is not None and cause == "initial" and grid.objects[bed].interaction:
            position = grid.objects[bed].interaction[0]
    agent = Agent(
        uid=uid,
        name=agent_name(s.names, uid),
        slot=slot,
        origin=cause,
        spawned_tick=tick,
        position=position,
        needs=defaults.needs if needs is None else needs,
        wallet=defaults.wallet if wallet is None else wallet,
        items=defaults.items if items is None else items,
    )
    if bed is not None:
        state.owners[bed] = uid
        agent.bed = bed
        agent.home = grid.objects[bed].zone
    agent.profile = chosen.name
    agent.extroversion = chosen.extroversion
    agent.forgiveness = chosen.forgiveness
    agent.ambition = chosen.ambition
    agent.multipliers = chosen.decay_multipliers
    agent.job = assign_job(state, uid)
    state.slots.hold(slot, uid)
    state.agents.append(agent)  # uids only grow, so the list stays in uid order
    if forced:
        state.events.emit("slot_forced_reuse", slot=slot, agent_id=agent.id)
    state.events.emit(
        "agent_spawned",
        agent_id=agent.id,
        uid=uid,
        agent_name=agent.name,
        slot=slot,
        cause=cause,
        position=[agent.x, agent.y],
        home=agent.home,
        job=None if agent.job is None else s.jobs[agent.job].id,
        profile=agent.profile,
    )
    return agent


def spawn_initial(state: WorldState) -> None:
    """Spawn ``population_target`` initial agents, uids 0, 1, ... (reset, tick 0)."""
    for _ in range(state.population_target):
        if spawn(state, "initial") is None:
            break


def terminate(
    state: WorldState, agent: Agent, reason: str, detail: str | None = None
) -> None:
    """Terminate ``agent`` now (world.md 11.2).

    Interrupts its activity or leaves its queue (reason ``terminated``), drops its
    ``cut_in_until`` entries, frees bed and slot, deletes its ties, every tie toward
    it and every chat cooldown toward it (no events), then emits
    ``agent_terminated``.
    """
    from townlet.world.affordances import interrupt
    from townlet.world.events import reason_code

    tick = state.tick
    interrupt(state, agent, reason_code("terminated"))
    for queue in state.queues:
        queue.cut_in_until.pop(agent.uid, None)
    if agent.bed is not None:
        state.owners[agent.bed] = None
    state.slots.release(agent.slot, tick)
    agent.alive = False
    agent.terminated_tick = tick
    agent.term_mark = TERMINAL_CODES.get(reason, 3)
    agent.ties.ties.clear()
    agent.chat_cooldowns.clear()
    for other in state.agents:
        other.ties.remove(agent.uid)
        other.chat_cooldowns.pop(agent.uid, None)
    forget(state, agent.uid)
    state.events.emit(
        "agent_terminated",
        agent_id=agent.id,
        reason=reason,
        detail=detail,
        position=[agent.x, agent.y],
        needs={
            "hunger": agent.hunger,
            "hygiene": agent.hygiene,
            "energy": agent.energy,
        },
        wallet=agent.wallet,
        lived_ticks=tick - agent.spawned_tick,
    )


def terminate_fainted(state: WorldState) -> None:
    """Step 12: alive agents (uid order) past the faint threshold terminate (5.3)."""
    if not state.mortality:
        return
    faint_ticks = state.settings.faint_ticks
    for agent in state.agents:
        if agent.alive and agent.hunger_low_ticks >= faint_ticks:
            terminate(state, agent, "faint")


def purge(state: WorldState) -> None:
    """Step 1: delete the agents terminated in the previous tick."""
    if any(not a.alive for a in state.agents):
        state.agents = [a for a in state.agents if a.alive]


def schedule_newcomers(state: WorldState) -> None:
    """End of step 12: add tickets until alive + pending reach the target (11.3)."""
    alive = sum(1 for a in state.agents if a.alive)
    dmin, dmax = state.spawn_delay_ticks
    while alive + len(state.tickets) < state.population_target:
        delay = (
            dmin + state.rng_world.rand_index(dmax - dmin + 1) if dmax > dmin else dmin
        )
        ticket = Ticket(state.next_ticket, state.tick + delay)
        state.next_ticket += 1
        state.tickets.append(ticket)
        state.events.emit(
            "newcomer_scheduled", ticket_id=ticket.ticket_id, due_tick=ticket.due_tick
        )


def process_arrivals(state: WorldState) -> None:
    """Step 2: handle due tickets in ticket order (world.md 11.3)."""
    if not state.tickets:
        return
    alive = sum(1 for a in state.agents if a.alive)
    kept: list[Ticket] = []
    for ticket in state.tickets:
        if ticket.due_tick > state.tick:
            kept.append(ticket)
        elif alive >= state.population_target:
            continue  # dropped: the town is full again
        elif spawn(state, "newcomer") is not None:
            alive += 1
        else:
            if not ticket.deferred:
                ticket.deferred = True
                state.events.emit(
                    "spawn_deferred",
                    ticket_id=ticket.ticket_id,
                    due_tick=ticket.due_tick,
                )
            kept.append(ticket)
    state.tickets = kept
