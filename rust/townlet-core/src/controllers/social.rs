//! Socialise (learning.md 2.4): pick a partner, walk the on-demand BFS field of the
//! partner's current tile, CHAT once within reach; without a partner walk to a park
//! anchor and wait there up to 60 ticks. `target` holds the partner's uid (−1 none)
//! and `step` the ticks waited at the park. Mirrors `controller_social.py`.

use super::basic::{Triple, WAIT_TRIPLE};
use super::{OptState, Outcome};
use crate::actions::{chat_busy, chat_check, KIND_CHAT};
use crate::agents::{ActionKind, Agent};
use crate::grid::DIRECTIONS;
use crate::state::WorldState;
use crate::targets::TargetFields;

/// Ticks a Socialise may run without a chat.
pub const MAX_TICKS: i64 = 90;
/// Ticks it waits at the park.
pub const PARK_WAIT: i64 = 60;
/// Steps within which a resident without a tie is a partner.
pub const NEAR_STEPS: i32 = 20;

/// The W§2.5 BFS from `(x, y)` into `dist`, reusing `seen`, stopping early where
/// the caller reads nothing more: tiles beyond `max_depth` steps stay −1, and the search ends once tile `goal` has its distance
/// (every tile one step closer to the source has its distance by then, so a path hint
/// at `goal` reads the same as after a full search).
///
/// `seen` is the BFS queue, kept after the search: it lists every tile the search set,
/// so the next call resets only those instead of the whole grid (`dist` holds −1
/// everywhere else between calls; only this function writes either).
pub fn bfs_limited(
    state: &WorldState,
    (x, y): (i32, i32),
    dist: &mut Vec<i32>,
    seen: &mut Vec<usize>,
    max_depth: i32,
    goal: Option<usize>,
) {
    let grid = &state.grid;
    let (w, h) = (grid.width, grid.height);
    let tiles = usize::try_from(w.max(0) * h.max(0)).unwrap_or(0);
    if dist.len() == tiles {
        for &k in seen.iter() {
            if let Some(cell) = dist.get_mut(k) {
                *cell = -1;
            }
        }
    } else {
        dist.clear();
        dist.resize(tiles, -1);
    }
    seen.clear();
    if let Some(k) = grid.index(x, y).filter(|_| grid.is_walkable(x, y)) {
        dist[k] = 0;
        seen.push(k);
        if goal == Some(k) {
            return;
        }
    }
    let mut head = 0;
    while let Some(&k) = seen.get(head) {
        head += 1;
        let d = dist[k];
        if d >= max_depth {
            break;
        }
        let (cx, cy) = (k as i32 % w, k as i32 / w);
        let open = grid.exits_at(cx, cy);
        for (direction, (dx, dy)) in DIRECTIONS.into_iter().enumerate() {
            if (open >> direction) & 1 == 0 {
                continue;
            }
            let Some(j) = grid.index(cx + dx, cy + dy) else {
                continue;
            };
            if let Some(cell) = dist.get_mut(j).filter(|c| **c < 0) {
                *cell = d + 1;
                seen.push(j);
                if goal == Some(j) {
                    return;
                }
            }
        }
    }
}

fn avoided(state: &WorldState, a: &Agent, b: &Agent) -> bool {
    let avoid = state.settings.relationships.avoid_threshold;
    a.ties.get(b.uid).is_some_and(|t| t.rivalry >= avoid)
}

fn reachable(state: &WorldState, fields: &TargetFields, a: &Agent, b: &Agent) -> bool {
    let label = |x: &Agent| {
        state
            .grid
            .index(x.x, x.y)
            .and_then(|k| fields.components.get(k))
            .copied()
            .unwrap_or(-1)
    };
    let la = label(a);
    la >= 0 && la == label(b)
}

/// Another alive, non-avoided, reachable resident (and, with `busy`, not running an
/// activity without `allows_chat`).
fn candidate(state: &WorldState, fields: &TargetFields, a: &Agent, b: &Agent, busy: bool) -> bool {
    b.alive
        && b.uid != a.uid
        && !avoided(state, a, b)
        && reachable(state, fields, a, b)
        && !(busy && chat_busy(state, b))
}

/// The mask rule: every need at least `critical_need` and another alive, non-avoided
/// resident reachable.
pub fn allowed(state: &WorldState, fields: &TargetFields, i: usize) -> bool {
    let a = &state.agents[i];
    let critical = state.settings.actions.critical_need;
    a.needs.iter().all(|&n| n >= critical)
        && state
            .agents
            .iter()
            .any(|b| candidate(state, fields, a, b, false))
}

/// The partner: best trust + familiarity among candidates with a tie (ties to the
/// lower uid), else the nearest candidate within [`NEAR_STEPS`] (ties to the lower
/// uid). `dist` is scratch.
fn choose(
    state: &WorldState,
    fields: &TargetFields,
    i: usize,
    scratch: &mut (Vec<i32>, Vec<usize>),
) -> Option<u32> {
    let a = &state.agents[i];
    let mut best: Option<(f64, u32)> = None;
    for b in &state.agents {
        if !candidate(state, fields, a, b, true) {
            continue;
        }
        if let Some(t) = a.ties.get(b.uid) {
            let score = t.trust + t.familiarity;
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, b.uid));
            }
        }
    }
    if let Some((_, uid)) = best {
        return Some(uid);
    }
    bfs_limited(
        state,
        (a.x, a.y),
        &mut scratch.0,
        &mut scratch.1,
        NEAR_STEPS,
        None,
    );
    let mut near: Option<(i32, u32)> = None;
    for b in &state.agents {
        if !candidate(state, fields, a, b, true) {
            continue;
        }
        let d = state
            .grid
            .index(b.x, b.y)
            .and_then(|k| scratch.0.get(k))
            .copied()
            .unwrap_or(-1);
        if (0..=NEAR_STEPS).contains(&d) && near.is_none_or(|(n, _)| d < n) {
            near = Some((d, b.uid));
        }
    }
    near.map(|(_, uid)| uid)
}

/// Socialise's primitive; `None` when it fails now (no partner and no park, or the
/// park wait is over).
pub fn emit(
    state: &WorldState,
    fields: &TargetFields,
    i: usize,
    o: &mut OptState,
    scratch: &mut (Vec<i32>, Vec<usize>),
) -> Option<Triple> {
    let a = &state.agents[i];
    let t = state.tick;
    let kept = u32::try_from(o.target).ok().and_then(|uid| {
        state
            .agents
            .iter()
            .find(|b| b.uid == uid && candidate(state, fields, a, b, true))
    });
    let partner = match kept {
        Some(b) => Some(b.uid),
        None => choose(state, fields, i, scratch),
    };
    let Some(uid) = partner else {
        o.target = -1;
        return park(state, i, o);
    };
    o.target = i64::from(uid);
    let b = state.agents.iter().find(|b| b.uid == uid)?;
    if chat_check(state, a, Some(b), t) == 0 {
        return Some((KIND_CHAT, uid, 0));
    }
    let reach = i64::from(state.settings.relationships.chat.max_distance);
    let cheb = (i64::from(b.x) - i64::from(a.x))
        .abs()
        .max((i64::from(b.y) - i64::from(a.y)).abs());
    if cheb <= reach {
        return Some(WAIT_TRIPLE);
    }
    let goal = state.grid.index(a.x, a.y);
    bfs_limited(
        state,
        (b.x, b.y),
        &mut scratch.0,
        &mut scratch.1,
        i32::MAX,
        goal,
    );
    Some(
        state
            .grid
            .path_hint(&scratch.0, a.x, a.y)
            .map_or(WAIT_TRIPLE, |k| (k as i32 + 1, 0, 0)),
    )
}

/// Walk to the nearest park anchor (ties in zone order) and wait there.
fn park(state: &WorldState, i: usize, o: &mut OptState) -> Option<Triple> {
    let a = &state.agents[i];
    let k = state.grid.index(a.x, a.y)?;
    let mut best: Option<(i32, &[i32])> = None;
    for (z, field) in state.grid.zones.iter().zip(&state.grid.zone_fields) {
        let d = field.get(k).copied().unwrap_or(-1);
        if z.kind == "park" && d >= 0 && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, field));
        }
    }
    let (d, field) = best?;
    if d == 0 {
        o.step += 1;
        return (o.step <= PARK_WAIT).then_some(WAIT_TRIPLE);
    }
    state
        .grid
        .path_hint(field, a.x, a.y)
        .map(|k| (k as i32 + 1, 0, 0))
}

/// Step 13: success on the agent's own successful chat this tick; failure after
/// [`MAX_TICKS`] ticks without one.
pub fn outcome(state: &WorldState, i: usize, o: &OptState) -> Option<Outcome> {
    let a = &state.agents[i];
    if a.last_kind == ActionKind::Chat && a.last_ok {
        Some(Outcome::Success)
    } else if state.tick - o.start >= MAX_TICKS {
        Some(Outcome::Failure)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::bfs_distances;
    use crate::settings::WorldSettings;

    /// Reusing one scratch, each limited search equals the full W§2.5 BFS on every
    /// tile within `max_depth` and leaves −1 beyond it, whatever the previous search
    /// set; a goal search agrees with the full BFS on the goal tile.
    #[test]
    fn limited_bfs_with_a_reused_scratch_equals_the_full_bfs() {
        let text = include_str!("../../../../python/townlet/data/configs/towns/default.map");
        let mut world =
            crate::World::new(WorldSettings::default_town("t.map", text)).expect("world");
        world.reset(0);
        let state = world.state();
        let grid = &state.grid;
        let walkable: Vec<(i32, i32)> = (0..grid.height)
            .flat_map(|y| (0..grid.width).map(move |x| (x, y)))
            .filter(|&(x, y)| grid.is_walkable(x, y))
            .collect();
        let (mut dist, mut seen) = (Vec::new(), Vec::new());
        for (n, &source) in walkable.iter().step_by(37).enumerate() {
            let full = bfs_distances(grid.width, grid.height, &grid.walkable, &[source]);
            let depth = [3, 10, i32::MAX][n % 3];
            bfs_limited(state, source, &mut dist, &mut seen, depth, None);
            for (k, (&got, &want)) in dist.iter().zip(&full).enumerate() {
                let expected = if want <= depth { want } else { -1 };
                assert_eq!(got, expected, "source {source:?} depth {depth} tile {k}");
            }
            let goal = grid.index(
                walkable[n * 11 % walkable.len()].0,
                walkable[n * 11 % walkable.len()].1,
            );
            bfs_limited(state, source, &mut dist, &mut seen, i32::MAX, goal);
            let g = goal.expect("goal on the grid");
            assert_eq!(dist[g], full[g]);
        }
    }
}
