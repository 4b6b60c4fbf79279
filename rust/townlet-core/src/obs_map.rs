//! The map window of one row (learning.md 1.1, 1.3).
//!
//! The window is world-aligned: `[c, r + dy, r + dx]` holds the tile at offset
//! `(dx, dy)`. Static channels are row copies out of the padded planes of
//! [`ObsContext`]; `agents` reads the per-tile counts of the call, `in_use`/`queue` the
//! dynamic planes built once per call from [`crate::obs_facts`]; `rival`, `friend`,
//! `home` and `workplace` are set tile by tile. Allocates nothing. The Python twin is
//! `townlet/world/obs_map.py`.

use crate::actions::{chat_check, chat_target};
use crate::agents::Agent;
use crate::obs_context::{
    ObsContext, ObsScratch, NO_AGENT, PLANE_BLOCKED, PLANE_CATEGORY, PLANE_DOOR, PLANE_INTERACT,
    PLANE_OUTDOOR, PLANE_WALL,
};
use crate::obs_facts;
use crate::obs_features::{alive_agent, social_slots};
use crate::state::WorldState;

/// Where one channel's values come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// 1 at the centre.
    SelfTile,
    /// `cnt(other alive residents, 3)`.
    Agents,
    /// A static plane of [`ObsContext::planes`].
    Static(usize),
    /// Holders of the object on the tile.
    InUse,
    /// `cnt(waiters, 4)` on the object's tile.
    Queue,
    /// An avoided resident stands there.
    Rival,
    /// A friend-slot resident stands there.
    Friend,
    /// Own home zone rectangle.
    Home,
    /// Own job site rectangle.
    Workplace,
}

/// Full channels (learning.md 1.3, C = 18).
pub const FULL: [Channel; 18] = [
    Channel::SelfTile,
    Channel::Agents,
    Channel::Static(PLANE_WALL),
    Channel::Static(PLANE_DOOR),
    Channel::Static(PLANE_OUTDOOR),
    Channel::Static(PLANE_CATEGORY),
    Channel::Static(PLANE_CATEGORY + 1),
    Channel::Static(PLANE_CATEGORY + 2),
    Channel::Static(PLANE_CATEGORY + 3),
    Channel::Static(PLANE_CATEGORY + 4),
    Channel::Static(PLANE_CATEGORY + 5),
    Channel::Static(PLANE_INTERACT),
    Channel::InUse,
    Channel::Queue,
    Channel::Rival,
    Channel::Friend,
    Channel::Home,
    Channel::Workplace,
];

/// Hybrid channels (learning.md 1.3, C = 6).
pub const HYBRID: [Channel; 6] = [
    Channel::SelfTile,
    Channel::Agents,
    Channel::Static(PLANE_BLOCKED),
    Channel::Static(PLANE_INTERACT),
    Channel::InUse,
    Channel::Rival,
];

/// Fills the call's counts and dynamic planes; returns nothing to undo (see [`finish`]).
pub fn prepare(state: &WorldState, ctx: &ObsContext, scratch: &mut ObsScratch) {
    let tiles = (ctx.pw * ctx.ph) as usize;
    if scratch.counts.len() != tiles {
        scratch.counts = vec![0; tiles];
        scratch.in_use = vec![0.0; tiles];
        scratch.queue = vec![0.0; tiles];
        scratch.head = vec![NO_AGENT; tiles];
    }
    if scratch.next.len() < state.agents.len() {
        scratch.next.resize(state.agents.len(), NO_AGENT);
    }
    // Reverse order, so each tile's chain runs in ascending agent index (uid order).
    for (i, agent) in state.agents.iter().enumerate().rev() {
        if !agent.alive {
            continue;
        }
        let p = ctx.padded(agent.x, agent.y);
        if let Some(c) = scratch.counts.get_mut(p) {
            *c = c.saturating_add(1);
        }
        if let (Some(head), Some(next)) = (scratch.head.get_mut(p), scratch.next.get_mut(i)) {
            *next = *head;
            *head = i as u32;
        }
    }
    for o in &state.grid.objects {
        let (holders, waiters) = (
            obs_facts::object_holders(state, o.index),
            obs_facts::object_waiters(state, o.index),
        );
        if holders == 0 && waiters == 0 {
            continue;
        }
        let p = ctx.padded(o.x, o.y);
        if let (Some(u), Some(q)) = (scratch.in_use.get_mut(p), scratch.queue.get_mut(p)) {
            *u = if holders > 0 { 1.0 } else { 0.0 };
            *q = (i64::from(waiters).min(4) as f64 / 4.0) as f32;
            scratch.touched.push(p);
        }
    }
}

/// Clears what [`prepare`] wrote, so the next call starts from zeros.
pub fn finish(state: &WorldState, ctx: &ObsContext, scratch: &mut ObsScratch) {
    for agent in state.agents.iter().filter(|a| a.alive) {
        let p = ctx.padded(agent.x, agent.y);
        if let Some(c) = scratch.counts.get_mut(p) {
            *c = 0;
        }
        if let Some(head) = scratch.head.get_mut(p) {
            *head = NO_AGENT;
        }
    }
    for &p in &scratch.touched {
        scratch.in_use[p] = 0.0;
        scratch.queue[p] = 0.0;
    }
    scratch.touched.clear();
}

/// Whether id 17 of `agent` finds a listener at `tick`: `chat_target(..).is_some()`
/// (D16), read from the tiles within `max_distance` instead of every agent.
pub fn chat_open(
    state: &WorldState,
    ctx: &ObsContext,
    scratch: &ObsScratch,
    agent: &Agent,
    tick: i64,
) -> bool {
    let reach = state.settings.relationships.chat.max_distance;
    let Ok(reach) = i32::try_from(reach) else {
        return chat_target(state, agent, tick).is_some();
    };
    if reach > ctx.pad {
        return chat_target(state, agent, tick).is_some();
    }
    let avoid = state.settings.relationships.avoid_threshold;
    for y in agent.y - reach..=agent.y + reach {
        for x in agent.x - reach..=agent.x + reach {
            let mut i = scratch
                .head
                .get(ctx.padded(x, y))
                .copied()
                .unwrap_or(NO_AGENT);
            while let Some(other) = state.agents.get(i as usize) {
                let avoided = agent
                    .ties
                    .get(other.uid)
                    .is_some_and(|t| t.rivalry >= avoid);
                if !avoided && chat_check(state, agent, Some(other), tick) == 0 {
                    return true;
                }
                i = scratch.next.get(i as usize).copied().unwrap_or(NO_AGENT);
            }
        }
    }
    false
}

const CNT3: [f32; 4] = [0.0, (1.0f64 / 3.0) as f32, (2.0f64 / 3.0) as f32, 1.0];

/// Writes the window of `agent` for `channels` into `out` (`C * W * W` values).
pub fn write_map(
    state: &WorldState,
    ctx: &ObsContext,
    scratch: &ObsScratch,
    agent: &Agent,
    channels: &[Channel],
    out: &mut [f32],
) {
    let w = ctx.settings.layout.window;
    let r = (w / 2) as i32;
    let area = w * w;
    let tiles = (ctx.pw * ctx.ph) as usize;
    let centre = (r as usize) * w + r as usize;
    // Row y0 of the window starts at padded (agent.x - r, agent.y - r + row).
    let origin = |row: usize| ctx.padded(agent.x - r, agent.y - r + row as i32);
    for (&channel, plane) in channels.iter().zip(out.chunks_exact_mut(area)) {
        match channel {
            Channel::SelfTile => {
                plane.fill(0.0);
                plane[centre] = 1.0;
            }
            Channel::Agents => {
                for (row, dst) in plane.chunks_exact_mut(w).enumerate() {
                    let start = origin(row);
                    for (cell, &c) in dst.iter_mut().zip(&scratch.counts[start..start + w]) {
                        *cell = CNT3[usize::from(c.min(3))];
                    }
                }
                if agent.alive {
                    let own = ctx.padded(agent.x, agent.y);
                    let c = scratch.counts[own].saturating_sub(1);
                    plane[centre] = CNT3[usize::from(c.min(3))];
                }
            }
            Channel::Static(_) | Channel::InUse | Channel::Queue => {
                let source = match channel {
                    Channel::InUse => &scratch.in_use[..],
                    Channel::Queue => &scratch.queue[..],
                    Channel::Static(p) => &ctx.planes[p * tiles..(p + 1) * tiles],
                    _ => &[][..],
                };
                for (row, dst) in plane.chunks_exact_mut(w).enumerate() {
                    let start = origin(row);
                    dst.copy_from_slice(&source[start..start + w]);
                }
            }
            Channel::Rival | Channel::Friend => {
                plane.fill(0.0);
                let avoid = state.settings.relationships.avoid_threshold;
                let slots = social_slots(
                    agent,
                    ctx.settings.layout.top_friends,
                    ctx.settings.layout.top_rivals,
                );
                for tie in agent.ties.iter() {
                    let marked = if channel == Channel::Rival {
                        tie.rivalry >= avoid
                    } else {
                        slots.friends.iter().flatten().any(|f| f.other == tie.other)
                    };
                    let Some(other) = alive_agent(state, tie.other).filter(|_| marked) else {
                        continue;
                    };
                    let (dx, dy) = (other.x - agent.x, other.y - agent.y);
                    if dx.abs() <= r && dy.abs() <= r {
                        plane[((dy + r) as usize) * w + (dx + r) as usize] = 1.0;
                    }
                }
            }
            Channel::Home | Channel::Workplace => {
                plane.fill(0.0);
                let zone = if channel == Channel::Home {
                    agent.home
                } else {
                    obs_facts::job(state, agent).map(|j| j.site)
                };
                if let Some(z) = zone.and_then(|z| state.grid.zones.get(z)) {
                    for dy in -r..=r {
                        for dx in -r..=r {
                            if z.contains(agent.x + dx, agent.y + dy) {
                                plane[((dy + r) as usize) * w + (dx + r) as usize] = 1.0;
                            }
                        }
                    }
                }
            }
        }
    }
}
