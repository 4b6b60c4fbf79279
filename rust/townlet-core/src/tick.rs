//! The tick pipeline of the slice (world.md 13, docs/world-state.md 5).
//!
//! [`step`] runs the steps this slice has, in order: 1 begin (tick, purge, clear
//! `ctx_reset` and `progressed`, remember needs), 2 arrivals, 3 console commands, 4
//! calendar (day boundary, rent, restock), 5 perturbations, 6 actions, 7 queues, 8
//! affordances, 9 needs, 10 employment, 11 hourly tie decay, 12 lifecycle (faints,
//! evictions, newcomers), 13 option outcomes. In option mode ([`step_options`]) the
//! option controllers run at the start of step 6 and detect outcomes in step 13
//! (`controllers`). Mirrors `tick.py`.

use serde_json::Value;

use crate::actions::process_actions;
use crate::console::{apply_commands, CommandResult};
use crate::events::EventData;
use crate::lifecycle::{process_arrivals, purge, schedule_newcomers, terminate_fainted};
use crate::needs::decay_needs;
use crate::state::WorldState;
use crate::ties::decay_ties;

/// Step 1: advances the tick, hands out action ids, purges, clears flags.
///
/// `actions[i]` belongs to `state.agents[i]` as they were before the step (the rows of
/// `agent_ids()`); agents without a row (spawned later this tick) WAIT.
pub fn begin_tick(state: &mut WorldState, actions: &[i32]) {
    state.tick += 1;
    state.events.begin(state.tick);
    for (agent, &action) in state.agents.iter_mut().zip(actions) {
        agent.action = action;
    }
    purge(state);
    for agent in &mut state.agents {
        agent.ctx_reset = false;
        agent.progressed = None;
        agent.needs_before = agent.needs;
        agent.wage_paid = 0.0;
        agent.shift_start_mark = 0;
        agent.shift_absent_mark = false;
        agent.term_mark = 0;
    }
}

/// Step 11: decays every alive owner's ties in uid order (world.md 10.5), emitting
/// `tie_evicted` (reason `faded`) for each removed tie.
pub fn decay_all_ties(state: &mut WorldState) {
    let settings = state.settings.relationships;
    for agent in &mut state.agents {
        if !agent.alive {
            continue;
        }
        for tie in decay_ties(&mut agent.ties, agent.forgiveness, &settings) {
            state.events.emit(EventData::TieEvicted {
                owner: agent.uid,
                other: tie.other,
                faded: true,
            });
        }
    }
}

/// Advances `state` by exactly one tick; the tick's events end in `state.events.events()`.
///
/// `actions` holds one primitive id per row of `agent_ids()` before the step (the caller
/// checks the length); `commands` the queued console commands in arrival order. Returns
/// one result per command, in arrival order.
pub fn step(state: &mut WorldState, actions: &[i32], commands: &[Value]) -> Vec<CommandResult> {
    step_options(state, actions, commands, None)
}

/// [`step`] in option mode when `fields` (the per-object target fields) is given:
/// `actions` then holds option ids (learning.md 2.1).
pub fn step_options(
    state: &mut WorldState,
    actions: &[i32],
    commands: &[Value],
    fields: Option<&crate::targets::TargetFields>,
) -> Vec<CommandResult> {
    begin_tick(state, actions); // 1
    process_arrivals(state); // 2
    let results = apply_commands(state, commands); // 3
    if state.minute() == 0 {
        // 4
        crate::exits::day_boundary(state);
        let day = state.day();
        state.events.emit(EventData::DayStarted { day });
    }
    crate::econ::calendar(state); // 4: rent, restock
    crate::perturb::perturbation_step(state); // 5
    if let Some(fields) = fields {
        crate::controllers::run_controllers(state, fields); // 6: options -> triples
    }
    process_actions(state, fields.is_some()); // 6
    crate::affordances::affordance_steps(state); // 7, 8
    let s = &state.settings;
    let (decay, apply, threshold) = (
        s.needs.decay.to_array(),
        s.needs.apply_personality,
        s.lifecycle.faint_threshold,
    );
    let affs = &state.shared_settings.manifest.affordances;
    decay_needs(&mut state.agents, decay, apply, threshold, |a| {
        affs.get(a)
            .map_or([1.0; 3], |x| x.decay_multipliers.to_array())
    }); // 9
    crate::employment::employment_step(state); // 10
    if state.minute() % 60 == 0 {
        decay_all_ties(state); // 11
    }
    terminate_fainted(state); // 12
    crate::exits::process_exits(state);
    schedule_newcomers(state);
    if fields.is_some() {
        crate::controllers::finish_controllers(state); // 13
    }
    state.events.finish();
    results
}
