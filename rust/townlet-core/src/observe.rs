//! Observation rows of the slice: action masks and row flags (docs/world-state.md 7,
//! learning.md 1.8).
//!
//! [`write_masks`] fills caller-owned slices (numpy buffers in the binding, `Vec`s in
//! tests) for each row of `agent_ids()`; rows past them are vacant (D10a). Column 17 is
//! 1 when a chat candidate exists for the next tick (D16). It allocates nothing. The feature vector has no columns yet (`F = 0`).

use crate::actions::{chat_target, ActionMode, CHAT_ID, NUM_PRIMITIVES, OPTION_MODE_UNAVAILABLE};
use crate::affordances::engage::role_candidate;
use crate::error::Error;
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
/// let rows = ObservationRows { action_mask: &mut mask, alive: &mut alive, uid: &mut uid, ctx_reset: &mut ctx, columns: 19 };
/// world.observe(rows, ActionMode::Primitive).unwrap();
/// assert_eq!((alive[9], alive[10], uid[10]), (true, false, -1));
/// ```
pub fn write_masks(
    state: &WorldState,
    rows: ObservationRows<'_>,
    mode: ActionMode,
) -> Result<(), Error> {
    if mode == ActionMode::Option {
        return Err(Error::provider(OPTION_MODE_UNAVAILABLE));
    }
    let r = rows.rows();
    let n = state.agents.len();
    if rows.columns != NUM_PRIMITIVES {
        return Err(Error::provider(format!(
            "action_mask: expected {NUM_PRIMITIVES} columns, got {}",
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
    let ObservationRows {
        action_mask,
        alive,
        uid,
        ctx_reset,
        ..
    } = rows;
    let split = (
        action_mask.split_at_mut_checked(n * NUM_PRIMITIVES),
        alive.split_at_mut_checked(n),
        uid.split_at_mut_checked(n),
        ctx_reset.split_at_mut_checked(n),
    );
    let (
        Some((masks, vacant_masks)),
        Some((alive, vacant_alive)),
        Some((uid, vacant_uid)),
        Some((ctx, vacant_ctx)),
    ) = split
    else {
        return Err(Error::provider("observation buffers: row counts differ"));
    };
    let flags = alive.iter_mut().zip(uid.iter_mut()).zip(ctx.iter_mut());
    let tick = state.tick + 1;
    for (index, ((agent, mask), ((alive, uid), ctx))) in state
        .agents
        .iter()
        .zip(masks.chunks_exact_mut(NUM_PRIMITIVES))
        .zip(flags)
        .enumerate()
    {
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
                *cell = i8::from(chat_target(state, agent, tick).is_some());
            }
        }
        mask.copy_from_slice(&row);
        (*alive, *uid, *ctx) = (agent.alive, i64::from(agent.uid), agent.ctx_reset);
    }
    vacant_masks.fill(0);
    for mask in vacant_masks.chunks_exact_mut(NUM_PRIMITIVES) {
        if let Some(first) = mask.first_mut() {
            *first = 1;
        }
    }
    vacant_alive.fill(false);
    vacant_uid.fill(-1);
    vacant_ctx.fill(false);
    Ok(())
}
