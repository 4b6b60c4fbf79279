//! Observation rows: map, features, action masks and row flags (learning.md 1.8,
//! docs/world-state.md 7 and "Observations").
//!
//! [`write_masks`] fills caller-owned slices (numpy buffers in the binding, `Vec`s in
//! tests) for each row of `agent_ids()`; rows past them are vacant (D10a): all zeros, a
//! mask allowing only 0. Column 17 is 1 when a chat candidate exists for the next tick
//! (D16). Features come from [`crate::obs_features`], the map from [`crate::obs_map`];
//! the variant is the map's channel count (18 full, 6 hybrid, no map compact). After
//! the first call it allocates nothing.

use crate::actions::{ActionMode, CHAT_ID, NUM_PRIMITIVES};
use crate::affordances::engage::role_candidate;
use crate::error::Error;
use crate::obs_context::{ObsContext, ObsScratch};
use crate::obs_features::write_features;
use crate::obs_map::{self, Channel};
use crate::state::WorldState;

/// The per-row buffers `observe` writes, R rows each.
#[derive(Debug)]
pub struct ObservationRows<'a> {
    /// `(R, A)` row-major: 1 = allowed.
    pub action_mask: &'a mut [i8],
    /// `(R,)`: the row's agent is alive.
    pub alive: &'a mut [bool],
    /// `(R,)`: the row's uid, −1 when vacant.
    pub uid: &'a mut [i64],
    /// `(R,)`: the world's `ctx_reset` flag.
    pub ctx_reset: &'a mut [bool],
    /// A, the mask columns.
    pub columns: usize,
    /// `(R, F)` row-major.
    pub features: &'a mut [f32],
    /// `(R, C, W, W)` row-major, `None` for compact.
    pub map: Option<&'a mut [f32]>,
}

impl ObservationRows<'_> {
    /// R, the number of rows.
    pub fn rows(&self) -> usize {
        self.alive.len()
    }
}

/// Writes masks and flags for every agent row and clears vacant rows.
///
/// ```
/// use townlet_core::{actions::ActionMode, observe::ObservationRows, World, settings::WorldSettings};
/// let text = include_str!("../../../python/townlet/data/configs/towns/default.map");
/// let mut world = World::new(WorldSettings::default_town("towns/default.map", text)).unwrap();
/// world.reset(0);
/// let (mut mask, mut alive, mut uid, mut ctx) = (vec![0i8; 12 * 19], vec![false; 12], vec![0i64; 12], vec![false; 12]);
/// let mut features = vec![0f32; 12 * 146];
/// let rows = ObservationRows { action_mask: &mut mask, alive: &mut alive, uid: &mut uid, ctx_reset: &mut ctx, columns: 19, features: &mut features, map: None };
/// world.observe(rows, ActionMode::Primitive).unwrap();
/// assert_eq!((alive[9], alive[10], uid[10]), (true, false, -1));
/// ```
pub fn write_masks(
    state: &WorldState,
    ctx: &ObsContext,
    rows: ObservationRows<'_>,
    mode: ActionMode,
) -> Result<(), Error> {
    let r = rows.rows();
    let n = state.agents.len();
    let a = mode.action_count();
    if rows.columns != a {
        return Err(Error::provider(format!(
            "action_mask: expected {a} columns, got {}",
            rows.columns
        )));
    }
    if r < n {
        return Err(Error::provider(format!(
            "observation buffers: expected at least {n} rows, got {r}"
        )));
    }
    if rows.uid.len() != r
        || rows.ctx_reset.len() != r
        || rows.action_mask.len() != r * rows.columns
    {
        return Err(Error::provider("observation buffers: row counts differ"));
    }
    let f = ctx.features;
    let w = ctx.settings.layout.window;
    let channels: &[Channel] = match &rows.map {
        None => &[],
        Some(map) if map.len() == r * obs_map::FULL.len() * w * w => &obs_map::FULL,
        Some(map) if map.len() == r * obs_map::HYBRID.len() * w * w => &obs_map::HYBRID,
        Some(_) => {
            return Err(Error::provider(format!(
                "map: expected (R, 18 or 6, {w}, {w}) values for {r} rows"
            )))
        }
    };
    if rows.features.len() != r * f {
        return Err(Error::provider(format!(
            "features: expected {f} columns for {r} rows"
        )));
    }
    let map_width = channels.len() * w * w;
    let ObservationRows {
        action_mask,
        alive,
        uid,
        ctx_reset,
        features,
        map,
        ..
    } = rows;
    let mut empty: [f32; 0] = [];
    let map: &mut [f32] = map.unwrap_or(&mut empty);
    let mut scratch = ctx
        .scratch
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    obs_map::prepare(state, ctx, &mut scratch);
    for (k, agent) in state.agents.iter().enumerate() {
        if let Some(row) = features.get_mut(k * f..(k + 1) * f) {
            write_features(state, ctx, agent, &scratch.counts, row);
        }
        if let Some(row) = map.get_mut(k * map_width..(k + 1) * map_width) {
            obs_map::write_map(state, ctx, &scratch, agent, channels, row);
        }
    }
    if let Some(vacant) = features.get_mut(n * f..) {
        vacant.fill(0.0);
    }
    if let Some(vacant) = map.get_mut(n * map_width..) {
        vacant.fill(0.0);
    }
    let split = (
        action_mask.split_at_mut_checked(n * a),
        alive.split_at_mut_checked(n),
        uid.split_at_mut_checked(n),
        ctx_reset.split_at_mut_checked(n),
    );
    let (
        Some((masks, vacant_masks)),
        Some((alive, vacant_alive)),
        Some((uid, vacant_uid)),
        Some((ctx_flags, vacant_ctx)),
    ) = split
    else {
        return Err(Error::provider("observation buffers: row counts differ"));
    };
    let flags = alive
        .iter_mut()
        .zip(uid.iter_mut())
        .zip(ctx_flags.iter_mut());
    for (index, ((agent, mask), ((alive, uid), flag))) in state
        .agents
        .iter()
        .zip(masks.chunks_exact_mut(a))
        .zip(flags)
        .enumerate()
    {
        write_mask_row(state, ctx, &scratch, index, mode, mask);
        (*alive, *uid, *flag) = (
            agent.alive,
            i64::from(agent.uid),
            agent.alive && agent.ctx_reset,
        );
    }
    vacant_masks.fill(0);
    for mask in vacant_masks.chunks_exact_mut(a) {
        if let Some(first) = mask.first_mut() {
            *first = 1;
        }
    }
    vacant_alive.fill(false);
    vacant_uid.fill(-1);
    vacant_ctx.fill(false);
    obs_map::finish(state, ctx, &mut scratch);
    Ok(())
}

/// Writes the mask row (`A` values) of agent `index` into `out` (option or primitive
/// columns by `mode`); `scratch` must be prepared ([`obs_map::prepare`]). Used by
/// [`write_masks`] and by the vector API, which scatters rows to seats.
pub fn write_mask_row(
    state: &WorldState,
    ctx: &ObsContext,
    scratch: &ObsScratch,
    index: usize,
    mode: ActionMode,
    out: &mut [i8],
) {
    let Some(agent) = state.agents.get(index) else {
        return;
    };
    let tick = state.tick + 1;
    if mode == ActionMode::Option {
        let row = if agent.alive {
            crate::controllers::option_mask(state, &ctx.targets, index)
        } else {
            [true, false, false, false, false, false, false, false]
        };
        for (cell, &on) in out.iter_mut().zip(row.iter()) {
            *cell = i8::from(on);
        }
        return;
    }
    // One row is built on the stack and copied whole: WAIT, then the open moves.
    let mut row = [0i8; NUM_PRIMITIVES];
    row[0] = 1;
    if agent.alive {
        if !agent.eng.is_active() {
            let exits = state.grid.exits_at(agent.x, agent.y);
            for (direction, cell) in row[1..5].iter_mut().enumerate() {
                *cell = i8::from((exits >> direction) & 1 == 1);
            }
        }
        for (role, cell) in row[5..17].iter_mut().enumerate() {
            *cell = i8::from(role_candidate(state, index, role, tick).is_some());
        }
        row[18] = i8::from(agent.eng != crate::affordances::Engagement::None);
        // Whether id 17 would find a listener in the next step (D16).
        if let Some(cell) = usize::try_from(CHAT_ID).ok().and_then(|c| row.get_mut(c)) {
            *cell = i8::from(obs_map::chat_open(state, ctx, scratch, agent, tick));
        }
    }
    for (cell, &value) in out.iter_mut().zip(row.iter()) {
        *cell = value;
    }
}
