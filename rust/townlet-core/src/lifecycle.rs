//! Spawning, termination, purge and newcomers (world.md 4.5 and 11).
//!
//! [`spawn`] is the one way an agent enters the town (reset, newcomer arrival and, later,
//! the console); [`terminate`] the one way it leaves. A terminated agent stays readable
//! until [`purge`] at step 1 of the next tick, so observations and rewards of its last
//! tick can report it (D5: it keeps its slot, bed and home fields). Mirrors
//! `lifecycle.py` function by function.

use crate::agents::{agent_name, sample_profile, Agent, Origin, SpawnKit};
use crate::events::{EventData, Spawned, Terminated};
use crate::state::{Ticket, WorldState};
use crate::ties::Ties;

/// Spawns one agent with `cause` at the current tick (world.md 4.5, contract 6) and
/// returns its index in `state.agents`.
///
/// Slot first (none free: `None`, nothing else happens, no uid, no draw); then uid,
/// profile (one `world` draw), bed and home, position, needs, wallet and items.
pub fn spawn(state: &mut WorldState, cause: Origin) -> Option<usize> {
    spawn_with(state, cause, SpawnOverrides::default())
}

/// What a console spawn gives instead of the cause's defaults (world.md 4.5; each
/// `None` keeps the default). The caller has checked every value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpawnOverrides {
    /// The spawn tile.
    pub position: Option<(i32, i32)>,
    /// The profile index (no draw when given).
    pub profile: Option<usize>,
    /// Needs, wallet and items replacing the kit.
    pub kit: Option<SpawnKit>,
}

/// [`spawn`] with `overrides` (mirrors the keyword arguments of the Python `spawn`).
pub fn spawn_with(
    state: &mut WorldState,
    cause: Origin,
    overrides: SpawnOverrides,
) -> Option<usize> {
    let tick = state.tick;
    let (slot, forced) = state
        .slots
        .allocate(tick, state.settings.embedding.cooldown_ticks)?;
    let uid = state.next_uid;
    state.next_uid = state.next_uid.saturating_add(1);
    let profile = match overrides.profile {
        Some(p) => p,
        None => sample_profile(&mut state.rng_world, &state.distribution),
    };
    let bed = state
        .ownable
        .iter()
        .copied()
        .find(|&k| state.owners.get(k) == Some(&None));
    let kit = if cause == Origin::Initial {
        &state.initial
    } else {
        &state.newcomer
    };
    let spawns = &state.grid.spawn_tiles;
    let spawn_count = u32::try_from(spawns.len()).unwrap_or(u32::MAX);
    let mut position = uid
        .checked_rem(spawn_count)
        .and_then(|i| spawns.get(i as usize))
        .copied()
        .unwrap_or((0, 0));
    let bed_object = bed.and_then(|k| state.grid.objects.get(k));
    if let (Origin::Initial, Some(&first)) = (cause, bed_object.and_then(|o| o.interaction.first()))
    {
        position = first;
    }
    if let Some(given) = overrides.position {
        position = given;
    }
    let slot_u32 = u32::try_from(slot).unwrap_or(u32::MAX);
    let name = agent_name(&state.settings.agents.names, uid);
    let kit = overrides.kit.unwrap_or_else(|| kit.clone());
    let mut agent = Agent::new(uid, name, slot_u32, cause, tick, position, kit);
    // One entry per day of the window at most (pruned daily): no growth per tick.
    let window = state.settings.exits.absence_window_days;
    agent
        .absence_days
        .reserve(usize::try_from(window).unwrap_or(0).min(64) + 1);
    if let Some(k) = bed {
        if let Some(owner) = state.owners.get_mut(k) {
            *owner = Some(uid);
        }
        agent.bed = Some(k);
        agent.home = bed_object.and_then(|o| o.zone);
    }
    if let Some(p) = state.settings.personalities.profiles.get(profile) {
        agent.profile = profile;
        agent.extroversion = p.extroversion;
        agent.forgiveness = p.forgiveness;
        agent.ambition = p.ambition;
        agent.multipliers = p.decay_multipliers.to_array();
    }
    agent.job = crate::employment::assign_job(state, uid);
    state.slots.hold(slot, uid);
    if forced {
        state.events.emit(EventData::SlotForcedReuse {
            slot: slot_u32,
            uid,
        });
    }
    let spawned = EventData::AgentSpawned(Box::new(Spawned {
        uid,
        // `agent_name`, not `name`: the event's own `name` field would be overwritten (D10b).
        agent_name: agent.name.clone(),
        slot: slot_u32,
        cause,
        position,
        home: state.zone_name(agent.home).map(str::to_string),
        job: agent
            .job
            .map(|j| crate::employment::job_id(state, j).to_string()),
        profile: state.profile_name(agent.profile).to_string(),
    }));
    state.events.emit(spawned);
    // uids only grow, so the list stays in uid order.
    state.agents.push(agent);
    Some(state.agents.len() - 1)
}

/// Spawns `population_target` initial agents, uids 0, 1, … (reset, tick 0).
pub fn spawn_initial(state: &mut WorldState) {
    for _ in 0..state.population_target {
        if spawn(state, Origin::Initial).is_none() {
            break;
        }
    }
}

/// Terminates agent `index` now (world.md 11.2): frees bed and slot, emits the event.
pub fn terminate(
    state: &mut WorldState,
    index: usize,
    reason: &'static str,
    detail: Option<String>,
) {
    let tick = state.tick;
    crate::affordances::interrupt(state, index, 28);
    if let Some(uid) = state.agents.get(index).map(|a| a.uid) {
        for queue in &mut state.queues {
            queue.cut_in_until.remove(&uid);
        }
    }
    let Some(agent) = state.agents.get_mut(index) else {
        return;
    };
    if let Some(owner) = agent.bed.and_then(|b| state.owners.get_mut(b)) {
        *owner = None;
    }
    state.slots.release(agent.slot as usize, tick);
    agent.alive = false;
    agent.terminated_tick = tick;
    agent.term_mark = term_mark(reason);
    agent.ties = Ties::new();
    agent.chat_cooldowns.clear();
    let (uid, position, needs, wallet, lived_ticks) = (
        agent.uid,
        agent.position(),
        agent.needs,
        agent.wallet,
        tick - agent.spawned_tick,
    );
    for other in &mut state.agents {
        other.ties.remove(uid);
        other.chat_cooldowns.remove(&uid);
    }
    crate::exits::forget(state, uid);
    state
        .events
        .emit(EventData::AgentTerminated(Box::new(Terminated {
            uid,
            reason,
            detail,
            position,
            needs,
            wallet,
            lived_ticks,
        })));
}

/// The `term_mark` of a termination reason: 1 faint, 2 eviction, 3 anything else
/// (`killed`).
pub fn term_mark(reason: &str) -> u8 {
    match reason {
        "faint" => 1,
        "eviction" => 2,
        _ => 3,
    }
}

/// Step 12: alive agents (uid order) past the faint threshold terminate (world.md 5.3).
pub fn terminate_fainted(state: &mut WorldState) {
    if !state.mortality {
        return;
    }
    let faint_ticks = state.settings.lifecycle.faint_ticks;
    for index in 0..state.agents.len() {
        let fainted = state
            .agents
            .get(index)
            .is_some_and(|a| a.alive && a.hunger_low_ticks >= faint_ticks);
        if fainted {
            terminate(state, index, "faint", None);
        }
    }
}

/// Step 1: deletes the agents terminated in the previous tick (keeps uid order).
pub fn purge(state: &mut WorldState) {
    state.agents.retain(|a| a.alive);
}

/// End of step 12: creates tickets until alive + pending reaches the target (world.md 11.3).
pub fn schedule_newcomers(state: &mut WorldState) {
    let alive = state.alive_count();
    let (dmin, dmax) = state.spawn_delay_ticks;
    let target = usize::try_from(state.population_target).unwrap_or(usize::MAX);
    while alive + state.tickets.len() < target {
        let delay = if dmax > dmin {
            let span = u64::try_from(dmax - dmin + 1).unwrap_or(1);
            // The draw is below span <= 2^53, so it fits an i64.
            dmin + i64::try_from(state.rng_world.rand_index(span)).unwrap_or(0)
        } else {
            dmin
        };
        let ticket = Ticket {
            ticket_id: state.next_ticket,
            due_tick: state.tick + delay,
            deferred: false,
        };
        state.next_ticket += 1;
        state.tickets.push(ticket);
        state.events.emit(EventData::NewcomerScheduled {
            ticket_id: ticket.ticket_id,
            due_tick: ticket.due_tick,
        });
    }
}

/// Step 2: handles due tickets in ticket order (world.md 11.3).
pub fn process_arrivals(state: &mut WorldState) {
    if state.tickets.is_empty() {
        return;
    }
    let mut alive = state.alive_count();
    let target = usize::try_from(state.population_target).unwrap_or(usize::MAX);
    let mut i = 0;
    while let Some(&ticket) = state.tickets.get(i) {
        if ticket.due_tick > state.tick {
            i += 1;
        } else if alive >= target {
            // Dropped: the town is full again.
            state.tickets.remove(i);
        } else if spawn(state, Origin::Newcomer).is_some() {
            alive += 1;
            state.tickets.remove(i);
        } else {
            if !ticket.deferred {
                if let Some(t) = state.tickets.get_mut(i) {
                    t.deferred = true;
                }
                state.events.emit(EventData::SpawnDeferred {
                    ticket_id: ticket.ticket_id,
                    due_tick: ticket.due_tick,
                });
            }
            i += 1;
        }
    }
}
