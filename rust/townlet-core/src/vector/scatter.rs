//! Observation rows written to seats instead of agent order (learning.md 4.4).
//!
//! The single-world writer ([`crate::observe::write_masks`]) fills row k for agent k;
//! the vector API needs agent k in row `seat`. This module runs the same per-row
//! writers (features, map window, mask row) for a list of `(agent index, seat)` pairs,
//! between the same `prepare`/`finish` of the shared scratch, so rows are bit-identical
//! to the single-world ones.

use crate::actions::ActionMode;
use crate::obs_features::write_features;
use crate::obs_map::{self, Channel};
use crate::observe::write_mask_row;
use crate::state::WorldState;
use crate::World;

/// Where the rows go: features and map always, the mask only for live observations.
#[derive(Debug)]
pub struct SeatRows<'a, 'b> {
    /// `(S, F)`.
    pub features: &'b mut [f32],
    /// `(S, C, W, W)` or `None` (compact).
    pub map: Option<&'b mut [f32]>,
    /// `(S, A)` or `None` (final observations carry no mask).
    pub mask: Option<&'b mut [i8]>,
    /// The map channels (empty for compact).
    pub channels: &'a [Channel],
    /// The action mode of the mask columns.
    pub mode: ActionMode,
}

/// Writes the rows of `pairs` (`(agent index, seat)`) of `world` into `out`.
pub fn write_seat_rows(world: &World, pairs: &[(usize, usize)], out: SeatRows<'_, '_>) {
    if pairs.is_empty() {
        return;
    }
    let state: &WorldState = world.state();
    let ctx = world.obs_context();
    let f = ctx.features;
    let w = ctx.settings.layout.window;
    let map_width = out.channels.len() * w * w;
    let a = out.mode.action_count();
    let SeatRows {
        features,
        mut map,
        mut mask,
        channels,
        mode,
    } = out;
    let mut scratch = ctx
        .scratch
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    obs_map::prepare(state, ctx, &mut scratch);
    for &(index, seat) in pairs {
        let Some(agent) = state.agents.get(index) else {
            continue;
        };
        if let Some(row) = features.get_mut(seat * f..(seat + 1) * f) {
            write_features(state, ctx, agent, &scratch.counts, row);
        }
        if let Some(row) = map
            .as_deref_mut()
            .and_then(|m| m.get_mut(seat * map_width..(seat + 1) * map_width))
        {
            obs_map::write_map(state, ctx, &scratch, agent, channels, row);
        }
        if let Some(row) = mask
            .as_deref_mut()
            .and_then(|m| m.get_mut(seat * a..(seat + 1) * a))
        {
            write_mask_row(state, ctx, &scratch, index, mode, row);
        }
    }
    obs_map::finish(state, ctx, &mut scratch);
}
