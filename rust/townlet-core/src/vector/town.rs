//! One town of the vector API: a world, its seats and its episode seeds (learning.md 4.4).
//!
//! A step maps seat actions onto the world's agent rows, advances the world, writes each
//! seat's outcome and reward inputs, the final observations of residents that ended,
//! reseats (or rolls the town over at `env.max_ticks`) and writes the new observations.
//! Scratch vectors live on the town, so a step allocates nothing after warm-up.

use std::sync::Arc;

use crate::actions::ActionMode;
use crate::agents::Agent;
use crate::error::Error;
use crate::events::Event;
use crate::obs_map::Channel;
use crate::rng::{fnv1a64, splitmix64};
use crate::vector::rows::{TownFinals, TownInputs, TownObs};
use crate::vector::scatter::{write_seat_rows, SeatRows};
use crate::vector::seats::Seats;
use crate::World;

/// The seed stream of town `index`: SplitMix64 seeded with
/// `master_seed XOR fnv1a64("town:<index>")`; episode k takes its (k + 1)-th output.
///
/// ```
/// use townlet_core::{rng::{fnv1a64, splitmix64}, vector::town_seed_state};
/// let mut state = town_seed_state(5, 2);
/// let mut again = 5 ^ fnv1a64(b"town:2");
/// assert_eq!(splitmix64(&mut state), splitmix64(&mut again));
/// ```
pub fn town_seed_state(master_seed: u64, index: usize) -> u64 {
    let mut name = *b"town:00000000000000000000";
    let digits = {
        let mut n = index;
        let mut buf = [0u8; 20];
        let mut len = 0;
        loop {
            buf[len] = b'0' + u8::try_from(n % 10).unwrap_or(0);
            len += 1;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for (k, slot) in name[5..5 + len].iter_mut().enumerate() {
            *slot = buf[len - 1 - k];
        }
        len
    };
    master_seed ^ fnv1a64(&name[..5 + digits])
}

/// What a town step writes: its slices of every buffer.
#[derive(Debug)]
pub struct TownRows<'a> {
    /// Observations of the seats after the step.
    pub obs: TownObs<'a>,
    /// Final observations of residents that ended.
    pub finals: TownFinals<'a>,
    /// Outcomes and reward inputs of the residents seated before the step.
    pub inputs: TownInputs<'a>,
}

/// One town: its world, seats, seed stream and scratch.
#[derive(Clone, Debug)]
pub struct Town {
    index: usize,
    world: World,
    seats: Seats,
    seeds: u64,
    episodes: u64,
    actions: Vec<i32>,
    pairs: Vec<(usize, usize)>,
    events: Option<Arc<Vec<Event>>>,
}

impl Town {
    /// Town `index` over a copy of `world` with `seats` seats (not yet reset).
    pub fn new(index: usize, world: World, seats: usize) -> Town {
        Town {
            index,
            world,
            seats: Seats::new(seats),
            seeds: 0,
            episodes: 0,
            actions: Vec::new(),
            pairs: Vec::new(),
            events: None,
        }
    }

    /// The town's world.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The seats.
    pub fn seats(&self) -> &Seats {
        &self.seats
    }

    /// Town episodes started since the last [`Town::reset`] (1 after it).
    pub fn episodes(&self) -> u64 {
        self.episodes
    }

    /// The events of the last step when they were asked for (before any rollover).
    pub fn events(&self) -> Option<&[Event]> {
        self.events.as_deref().map(Vec::as_slice)
    }

    /// Restarts the seed stream from `master_seed` and builds the first episode.
    pub fn reset(&mut self, master_seed: u64) -> Result<(), Error> {
        self.seeds = town_seed_state(master_seed, self.index);
        self.episodes = 0;
        self.events = None;
        self.new_episode()
    }

    /// Builds the town from the next seed and seats its residents in uid order.
    fn new_episode(&mut self) -> Result<(), Error> {
        let seed = splitmix64(&mut self.seeds);
        self.episodes += 1;
        self.world.reset(seed);
        self.seats.clear();
        for agent in self.world.agents().iter().filter(|a| a.alive) {
            self.seats.take(agent.uid)?;
        }
        Ok(())
    }

    /// One step: `actions` has one id per seat; `max_ticks` ends the town episode.
    /// Returns whether the town rolled over.
    pub fn step(
        &mut self,
        actions: &[i32],
        mode: ActionMode,
        max_ticks: i64,
        keep_events: bool,
        channels: &[Channel],
        rows: TownRows<'_>,
    ) -> Result<bool, Error> {
        self.actions.clear();
        for agent in self.world.agents() {
            let seat = self.seats.seat_of(agent.uid);
            self.actions
                .push(seat.and_then(|s| actions.get(s)).copied().unwrap_or(0));
        }
        self.world.step_quiet(&self.actions, mode)?;
        self.events = keep_events.then(|| self.world.shared_events());
        let rollover = self.world.tick() >= max_ticks;
        let TownRows {
            obs,
            finals,
            mut inputs,
        } = rows;
        inputs.clear();
        self.pairs.clear();
        for (index, agent) in self.world.agents().iter().enumerate() {
            let Some(seat) = self.seats.seat_of(agent.uid) else {
                continue;
            };
            write_inputs(agent, seat, rollover, &mut inputs);
            if !agent.alive || rollover {
                self.pairs.push((index, seat));
            }
        }
        write_seat_rows(
            &self.world,
            &self.pairs,
            SeatRows {
                features: finals.features,
                map: finals.map,
                mask: None,
                channels,
                mode,
            },
        );
        if rollover {
            self.new_episode()?;
        } else {
            for agent in self.world.agents().iter().filter(|a| !a.alive) {
                self.seats.free(agent.uid);
            }
            for agent in self.world.agents().iter().filter(|a| a.alive) {
                if self.seats.seat_of(agent.uid).is_none() {
                    self.seats.take(agent.uid)?;
                }
            }
        }
        self.observe(mode, channels, obs);
        Ok(rollover)
    }

    /// Writes the observation of every seat: residents' rows, vacant rows zeroed with a
    /// mask that allows only action 0, `alive` 0 and `uid` −1.
    pub fn observe(&mut self, mode: ActionMode, channels: &[Channel], obs: TownObs<'_>) {
        let TownObs {
            mut map,
            features,
            action_mask,
            ctx_reset,
            alive,
            uid,
        } = obs;
        alive.fill(false);
        uid.fill(-1);
        ctx_reset.fill(false);
        self.pairs.clear();
        for (index, agent) in self.world.agents().iter().enumerate() {
            let Some(seat) = self.seats.seat_of(agent.uid) else {
                continue;
            };
            self.pairs.push((index, seat));
            if let (Some(a), Some(u), Some(c)) = (
                alive.get_mut(seat),
                uid.get_mut(seat),
                ctx_reset.get_mut(seat),
            ) {
                (*a, *u, *c) = (
                    agent.alive,
                    i64::from(agent.uid),
                    agent.alive && agent.ctx_reset,
                );
            }
        }
        let seats = self.seats.len();
        let f = features.len().checked_div(seats).unwrap_or(0);
        let a = mode.action_count();
        let m = map
            .as_ref()
            .and_then(|x| x.len().checked_div(seats))
            .unwrap_or(0);
        for seat in (0..seats).filter(|&s| self.seats.uid(s).is_none()) {
            if let Some(row) = features.get_mut(seat * f..(seat + 1) * f) {
                row.fill(0.0);
            }
            if let Some(row) = map
                .as_deref_mut()
                .and_then(|x| x.get_mut(seat * m..(seat + 1) * m))
            {
                row.fill(0.0);
            }
            if let Some(row) = action_mask.get_mut(seat * a..(seat + 1) * a) {
                row.fill(0);
                if let Some(first) = row.first_mut() {
                    *first = 1;
                }
            }
        }
        write_seat_rows(
            &self.world,
            &self.pairs,
            SeatRows {
                features,
                map,
                mask: Some(action_mask),
                channels,
                mode,
            },
        );
    }
}

/// The outcome and reward inputs of the resident in `seat` after the tick.
fn write_inputs(agent: &Agent, seat: usize, rollover: bool, out: &mut TownInputs<'_>) {
    let marks = crate::vector::marks::row_marks(agent);
    if let Some(row) = out.needs_before.get_mut(seat * 3..seat * 3 + 3) {
        row.copy_from_slice(&agent.needs_before);
    }
    if let Some(row) = out.needs_after.get_mut(seat * 3..seat * 3 + 3) {
        row.copy_from_slice(&agent.needs);
    }
    let cells = (
        out.terminated.get_mut(seat),
        out.truncated.get_mut(seat),
        out.wages.get_mut(seat),
        out.hunger_low_ticks.get_mut(seat),
        out.exit_pending.get_mut(seat),
        out.shift_start.get_mut(seat),
        out.shift_absent.get_mut(seat),
        out.terminal.get_mut(seat),
        out.spawned.get_mut(seat),
    );
    if let (
        Some(terminated),
        Some(truncated),
        Some(wage),
        Some(hlt),
        Some(exit),
        Some(start),
        Some(absent),
        Some(terminal),
        Some(spawned),
    ) = cells
    {
        *terminated = !agent.alive;
        *truncated = agent.alive && rollover;
        *wage = marks.wage;
        *hlt = i32::try_from(agent.hunger_low_ticks).unwrap_or(i32::MAX);
        *exit = agent.exit_pending;
        *start = marks.shift_start;
        *absent = marks.shift_absent;
        *terminal = marks.terminal;
        *spawned = false;
    }
}
