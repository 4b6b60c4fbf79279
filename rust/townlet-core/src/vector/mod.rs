//! The batched vector API's core (learning.md 4.4): many towns stepped in one call.
//!
//! [`Vector`] owns `T` towns of `S` seats each and writes every town's rows straight
//! into flat, seat-indexed buffers ([`VectorRows`]; row `i * S + s`). Towns step in
//! parallel on a rayon pool of `threads` threads; each town owns its world, streams and
//! scratch, so the results are the same for every thread count. After warm-up a step
//! allocates nothing (the events of a step are kept only when asked for).
//!
//! ```
//! use townlet_core::{actions::ActionMode, settings::WorldSettings, World};
//! use townlet_core::vector::{Vector, VectorSpec, OwnedRows};
//! let text = include_str!("../../../../python/townlet/data/configs/towns/default.map");
//! let world = World::new(WorldSettings::default_town("towns/default.map", text)).unwrap();
//! let spec = VectorSpec { towns: 2, seats: 10, max_ticks: 5, mode: ActionMode::Option, channels: 6, threads: 1 };
//! let mut vector = Vector::new(&world, spec).unwrap();
//! let mut rows = OwnedRows::new(vector.shape());
//! vector.reset(0, rows.rows()).unwrap();
//! assert!(rows.alive.iter().all(|&a| a));
//! for _ in 0..5 {
//!     vector.step(&[0; 20], false, rows.rows()).unwrap();
//! }
//! assert!(rows.town_reset.iter().all(|&r| r) && rows.truncated.iter().all(|&t| t));
//! ```

mod marks;
mod owned;
mod rows;
mod scatter;
mod seats;
mod town;

use rayon::prelude::*;

use crate::actions::ActionMode;
use crate::error::Error;
use crate::events::Event;
use crate::obs_map::{self, Channel};
use crate::World;

pub use marks::{row_marks, RowMarks};
pub use owned::OwnedRows;
pub use rows::{RowShape, TownFinals, TownInputs, TownObs, VectorRows};
pub use scatter::{write_seat_rows, SeatRows};
pub use seats::Seats;
pub use town::{town_seed_state, Town, TownRows};

/// What a vector is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VectorSpec {
    /// T, the number of towns (≥ 1).
    pub towns: usize,
    /// S, seats per town (≥ the population target).
    pub seats: usize,
    /// `env.max_ticks`: a town rolls over when its tick reaches it (≥ 1).
    pub max_ticks: i64,
    /// The action mode of `actions` and of the mask columns.
    pub mode: ActionMode,
    /// Map channels: 18 (full), 6 (hybrid) or 0 (compact, no map).
    pub channels: usize,
    /// Worker threads; 0 = rayon's default (one per core).
    pub threads: usize,
}

/// `T` towns stepped together.
#[derive(Debug)]
pub struct Vector {
    spec: VectorSpec,
    shape: RowShape,
    channels: &'static [Channel],
    towns: Vec<Town>,
    pool: rayon::ThreadPool,
    /// Stand-in map chunks for the compact variant (one value per town, twice).
    no_map: Vec<f32>,
    is_reset: bool,
}

impl Vector {
    /// `spec.towns` copies of `world` (its settings and map), not yet reset.
    ///
    /// Errors (`Provider`): zero towns or seats, fewer seats than the population
    /// target, `max_ticks` < 1, a channel count other than 0/6/18, or a thread pool
    /// that cannot start.
    pub fn new(world: &World, spec: VectorSpec) -> Result<Vector, Error> {
        if spec.towns == 0 {
            return Err(Error::provider("num_towns: expected at least 1 town"));
        }
        let target = usize::try_from(world.settings().lifecycle.population_target).unwrap_or(0);
        if spec.seats == 0 || spec.seats < target {
            return Err(Error::provider(format!(
                "env.max_population: {} seats per town is below the population target {target}",
                spec.seats
            )));
        }
        if spec.max_ticks < 1 {
            return Err(Error::provider("env.max_ticks: expected at least 1"));
        }
        let channels: &'static [Channel] = match spec.channels {
            0 => &[],
            6 => &obs_map::HYBRID,
            18 => &obs_map::FULL,
            c => {
                return Err(Error::provider(format!(
                    "map channels: expected 0, 6 or 18, got {c}"
                )))
            }
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(spec.threads)
            .build()
            .map_err(|e| Error::provider(format!("num_threads: {e}")))?;
        let window = world.obs_context().settings.layout.window;
        let shape = RowShape {
            towns: spec.towns,
            seats: spec.seats,
            features: world.obs_context().features,
            columns: spec.mode.action_count(),
            map: spec.channels * window * window,
        };
        let towns = (0..spec.towns)
            .map(|i| Town::new(i, world.clone(), spec.seats))
            .collect();
        Ok(Vector {
            spec,
            shape,
            channels,
            towns,
            pool,
            no_map: vec![0.0; 2 * spec.towns],
            is_reset: false,
        })
    }

    /// The buffer sizes.
    pub fn shape(&self) -> RowShape {
        self.shape
    }

    /// The spec it was built with.
    pub fn spec(&self) -> VectorSpec {
        self.spec
    }

    /// The towns, in index order.
    pub fn towns(&self) -> &[Town] {
        &self.towns
    }

    /// The events of town `index`'s last step (kept only when that step asked).
    pub fn events(&self, index: usize) -> Option<&[Event]> {
        self.towns.get(index).and_then(Town::events)
    }

    /// Restarts every town's seed stream from `master_seed`, builds the towns and
    /// writes the first observations (outcome rows cleared, `town_reset` all set).
    pub fn reset(&mut self, master_seed: u64, rows: VectorRows<'_>) -> Result<(), Error> {
        self.shape.check_rows(&rows)?;
        self.is_reset = true;
        self.run(
            rows,
            |town, _actions, channels, spec, rows| {
                town.reset(master_seed)?;
                let TownRows {
                    obs, mut inputs, ..
                } = rows;
                inputs.clear();
                town.observe(spec.mode, channels, obs);
                Ok(true)
            },
            None,
        )
    }

    /// One step of every town; `actions` holds one id per row (N). `keep_events`
    /// keeps each town's events readable through [`Vector::events`].
    ///
    /// Errors (`Provider`): before `reset`, wrong buffer sizes, or a town whose
    /// newcomers find no free seat.
    pub fn step(
        &mut self,
        actions: &[i32],
        keep_events: bool,
        rows: VectorRows<'_>,
    ) -> Result<(), Error> {
        if !self.is_reset {
            return Err(Error::provider(
                "the vector has no towns yet: call reset(seed) first",
            ));
        }
        self.shape.check_rows(&rows)?;
        self.shape.check("actions", actions.len(), 1)?;
        self.run(
            rows,
            |town, actions, channels, spec, rows| {
                town.step(
                    actions,
                    spec.mode,
                    spec.max_ticks,
                    keep_events,
                    channels,
                    rows,
                )
            },
            Some(actions),
        )
    }

    /// Splits `rows` into towns and runs `work` on each, in parallel.
    fn run<F>(
        &mut self,
        rows: VectorRows<'_>,
        work: F,
        actions: Option<&[i32]>,
    ) -> Result<(), Error>
    where
        F: Fn(&mut Town, &[i32], &[Channel], &VectorSpec, TownRows<'_>) -> Result<bool, Error>
            + Sync,
    {
        let s = self.spec.seats;
        let shape = self.shape;
        let spec = self.spec;
        let channels = self.channels;
        let (map_chunk, no_map) = match shape.map {
            0 => (1, &mut self.no_map[..]),
            m => (s * m, &mut self.no_map[..0]),
        };
        let (no_map_a, no_map_b) = no_map.split_at_mut(no_map.len() / 2);
        let has_map = shape.map > 0;
        let VectorRows {
            map,
            features,
            action_mask,
            ctx_reset,
            alive,
            uid,
            final_map,
            final_features,
            terminated,
            truncated,
            needs_before,
            needs_after,
            wages,
            hunger_low_ticks,
            exit_pending,
            shift_start,
            shift_absent,
            terminal,
            spawned,
            town_reset,
        } = rows;
        let map = map.unwrap_or(no_map_a);
        let final_map = final_map.unwrap_or(no_map_b);
        let actions: &[i32] = actions.unwrap_or(&[]);
        let towns = &mut self.towns;
        let body = |i: usize, o: ObsParts<'_>, p: InputParts<'_>| -> Result<(), Error> {
            let (town, map, features, action_mask, ctx_reset, alive, uid, fmap, ffeat, reset) = o;
            let (terminated, truncated, nb, na, wages, hlt, exit, ss, sa, term, spawned) = p;
            let town_actions = actions.get(i * s..(i + 1) * s).unwrap_or(&[]);
            let rows = TownRows {
                obs: TownObs {
                    map: has_map.then_some(map),
                    features,
                    action_mask,
                    ctx_reset,
                    alive,
                    uid,
                },
                finals: TownFinals {
                    map: has_map.then_some(fmap),
                    features: ffeat,
                },
                inputs: TownInputs {
                    terminated,
                    truncated,
                    needs_before: nb,
                    needs_after: na,
                    wages,
                    hunger_low_ticks: hlt,
                    exit_pending: exit,
                    shift_start: ss,
                    shift_absent: sa,
                    terminal: term,
                    spawned,
                },
            };
            *reset = work(town, town_actions, channels, &spec, rows)?;
            Ok(())
        };
        if spec.threads == 1 {
            // One thread: run on the caller's thread, no pool hand-off.
            let mut obs = (
                map.chunks_exact_mut(map_chunk),
                features.chunks_exact_mut(s * shape.features),
                action_mask.chunks_exact_mut(s * shape.columns),
                ctx_reset.chunks_exact_mut(s),
                alive.chunks_exact_mut(s),
                uid.chunks_exact_mut(s),
                final_map.chunks_exact_mut(map_chunk),
                final_features.chunks_exact_mut(s * shape.features),
                town_reset.iter_mut(),
            );
            let mut inputs = (
                terminated.chunks_exact_mut(s),
                truncated.chunks_exact_mut(s),
                needs_before.chunks_exact_mut(s * 3),
                needs_after.chunks_exact_mut(s * 3),
                wages.chunks_exact_mut(s),
                hunger_low_ticks.chunks_exact_mut(s),
                exit_pending.chunks_exact_mut(s),
                shift_start.chunks_exact_mut(s),
                shift_absent.chunks_exact_mut(s),
                terminal.chunks_exact_mut(s),
                spawned.chunks_exact_mut(s),
            );
            for (i, town) in towns.iter_mut().enumerate() {
                let o = (
                    town,
                    next(&mut obs.0)?,
                    next(&mut obs.1)?,
                    next(&mut obs.2)?,
                    next(&mut obs.3)?,
                    next(&mut obs.4)?,
                    next(&mut obs.5)?,
                    next(&mut obs.6)?,
                    next(&mut obs.7)?,
                    next(&mut obs.8)?,
                );
                let p = (
                    next(&mut inputs.0)?,
                    next(&mut inputs.1)?,
                    next(&mut inputs.2)?,
                    next(&mut inputs.3)?,
                    next(&mut inputs.4)?,
                    next(&mut inputs.5)?,
                    next(&mut inputs.6)?,
                    next(&mut inputs.7)?,
                    next(&mut inputs.8)?,
                    next(&mut inputs.9)?,
                    next(&mut inputs.10)?,
                );
                body(i, o, p)?;
            }
            return Ok(());
        }
        let obs = (
            towns.par_iter_mut(),
            map.par_chunks_exact_mut(map_chunk),
            features.par_chunks_exact_mut(s * shape.features),
            action_mask.par_chunks_exact_mut(s * shape.columns),
            ctx_reset.par_chunks_exact_mut(s),
            alive.par_chunks_exact_mut(s),
            uid.par_chunks_exact_mut(s),
            final_map.par_chunks_exact_mut(map_chunk),
            final_features.par_chunks_exact_mut(s * shape.features),
            town_reset.par_iter_mut(),
        );
        let inputs = (
            terminated.par_chunks_exact_mut(s),
            truncated.par_chunks_exact_mut(s),
            needs_before.par_chunks_exact_mut(s * 3),
            needs_after.par_chunks_exact_mut(s * 3),
            wages.par_chunks_exact_mut(s),
            hunger_low_ticks.par_chunks_exact_mut(s),
            exit_pending.par_chunks_exact_mut(s),
            shift_start.par_chunks_exact_mut(s),
            shift_absent.par_chunks_exact_mut(s),
            terminal.par_chunks_exact_mut(s),
            spawned.par_chunks_exact_mut(s),
        );
        self.pool.install(|| {
            (obs, inputs)
                .into_par_iter()
                .enumerate()
                .try_for_each(|(i, (o, p))| body(i, o, p))
        })
    }
}

/// One town's observation slices (and its town and `town_reset` cell).
type ObsParts<'a> = (
    &'a mut Town,
    &'a mut [f32],
    &'a mut [f32],
    &'a mut [i8],
    &'a mut [bool],
    &'a mut [bool],
    &'a mut [i64],
    &'a mut [f32],
    &'a mut [f32],
    &'a mut bool,
);

/// One town's outcome and reward-input slices.
type InputParts<'a> = (
    &'a mut [bool],
    &'a mut [bool],
    &'a mut [f64],
    &'a mut [f64],
    &'a mut [f64],
    &'a mut [i32],
    &'a mut [bool],
    &'a mut [i8],
    &'a mut [bool],
    &'a mut [i8],
    &'a mut [bool],
);

/// The next chunk of a buffer; the lengths were checked, so running out is a bug
/// reported as an error rather than a panic.
fn next<T>(chunks: &mut impl Iterator<Item = T>) -> Result<T, Error> {
    chunks
        .next()
        .ok_or_else(|| Error::provider("vector buffers: fewer rows than towns"))
}

#[cfg(test)]
mod tests;
