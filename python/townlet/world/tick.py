"""The tick pipeline of the slice (world.md 13, docs/world-state.md section 5).

``step`` runs the steps this slice has, in order: 1 begin (tick, purge, clear
``ctx_reset`` and ``progressed``, remember needs), 2 arrivals, 3 console commands,
4 calendar (day boundary, rent, restock), 5 perturbations, 6 actions, 7 queues, 8
affordances, 9 needs, 10 employment, 11 hourly tie decay, 12 lifecycle (faints,
evictions, newcomers), 13 option outcomes. In option mode (``fields`` given) the
option controllers run at the start of step 6 and detect outcomes in step 13
(``controllers``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from townlet.core.types import CommandResult
from townlet.world.actions import process_actions
from townlet.world.affordances import affordance_steps
from townlet.world.console import apply_commands
from townlet.world.controllers import finish_controllers, run_controllers
from townlet.world.econ import calendar
from townlet.world.employment import employment_step
from townlet.world.exits import day_boundary, process_exits
from townlet.world.lifecycle import (
    process_arrivals,
    purge,
    schedule_newcomers,
    terminate_fainted,
)
from townlet.world.needs import decay_needs
from townlet.world.perturbations import perturbation_step
from townlet.world.state import WorldState
from townlet.world.targets import TargetFields
from townlet.world.ties import decay_ties

__all__ = ["begin_tick", "decay_all_ties", "step"]


def begin_tick(state: WorldState, actions: Sequence[int]) -> None:
    """Step 1: advance the tick, hand out action ids, purge, clear flags.

    ``actions[i]`` belongs to ``state.agents[i]`` as they were before the step (the
    rows of ``agent_ids()``); agents without a row (spawned later this tick) WAIT.
    """
    state.tick += 1
    state.events.begin(state.tick)
    for agent, action in zip(state.agents, actions, strict=True):
        agent.action = action
    purge(state)
    for agent in state.agents:
        agent.ctx_reset = False
        agent.progressed = -1
        agent.needs_before = (agent.hunger, agent.hygiene, agent.energy)
        agent.wage_paid = 0.0
        agent.shift_start_mark = 0
        agent.shift_absent_mark = False
        agent.term_mark = 0


def decay_all_ties(state: WorldState) -> None:
    """Step 11: decay every alive owner's ties in uid order (world.md 10.5)."""
    for agent in state.agents:
        if not agent.alive:
            continue
        for tie in decay_ties(agent.ties, agent.forgiveness, state.ties):
            state.events.emit(
                "tie_evicted",
                owner=agent.id,
                other=f"agent_{tie.other}",
                reason="faded",
            )


def step(
    state: WorldState,
    actions: Sequence[int],
    commands: Sequence[Any] = (),
    fields: TargetFields | None = None,
) -> list[CommandResult]:
    """Advance ``state`` by exactly one tick; the tick's events end in ``state.events``.

    Args:
        state: the world state.
        actions: one primitive id per row of ``agent_ids()`` before the step.
        commands: queued console commands as plain trees, in arrival order.
        fields: the per-object target fields in option mode (``actions`` then hold
            option ids, learning.md 2.1); ``None`` in primitive mode.

    Returns:
        One result per command, in arrival order.
    """
    begin_tick(state, actions)  # 1
    process_arrivals(state)  # 2
    results = apply_commands(state, list(commands))  # 3
    if state.minute() == 0:  # 4
        day_boundary(state)
        state.events.emit("day_started", day=state.day())
    calendar(state)  # 4: rent, restock
    perturbation_step(state)  # 5
    if fields is not None:
        run_controllers(state, fields)  # 6: options -> triples
    process_actions(state, fields is not None)  # 6
    affordance_steps(state)  # 7, 8
    s = state.settings
    activity = state.activity
    decay_needs(
        state.agents, s.decay, s.apply_personality, s.faint_threshold, activity
    )  # 9
    employment_step(state)  # 10
    if state.minute() % 60 == 0:  # 11
        decay_all_ties(state)
    terminate_fainted(state)  # 12
    process_exits(state)
    schedule_newcomers(state)
    if fields is not None:
        finish_controllers(state)  # 13
    return results
