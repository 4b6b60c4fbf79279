//! Primitive actions of the slice: resolution and movement (world.md 6, tick step 6).
//!
//! Primitive ids (learning.md 2.5) resolve to world.md 6.1 kinds: 0 WAIT, 1-4 MOVE N, E,
//! S, W. Ids 5-18 have no candidate yet (no affordances in this slice) and ids outside
//! `[0, 19)` act as 0; both become WAIT without an event. The alive agents are then
//! processed in a `world`-stream shuffle of ascending uids, so no agent systematically
//! acts first. Mirrors `actions.py`.

use crate::agents::ActionKind;
use crate::error::Error;
use crate::events::EventData;
use crate::grid::{Grid, DIRECTIONS};
use crate::state::WorldState;

/// Number of primitive ids (learning.md 2.5).
pub const NUM_PRIMITIVES: usize = 19;
/// Number of option ids (learning.md 2.1).
pub const NUM_OPTIONS: usize = 8;
/// Reason code: the target tile is outside the grid.
pub const OUT_OF_BOUNDS: u8 = 4;
/// Reason code: the target tile is not walkable.
pub const BLOCKED_TILE: u8 = 5;

/// The message of `step`/`observe` in option mode in this slice (D10a).
pub const OPTION_MODE_UNAVAILABLE: &str =
    "option mode needs the option controllers (not built yet)";

/// How `step` reads action ids and `observe` writes masks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionMode {
    /// Option ids (learning.md 2.1); not available in this slice.
    Option,
    /// Primitive ids (learning.md 2.5).
    Primitive,
}

impl ActionMode {
    /// Parses `"option"` or `"primitive"`.
    ///
    /// ```
    /// use townlet_core::actions::ActionMode;
    /// assert_eq!(ActionMode::parse("primitive").unwrap(), ActionMode::Primitive);
    /// assert!(ActionMode::parse("fast").is_err());
    /// ```
    pub fn parse(mode: &str) -> Result<ActionMode, Error> {
        match mode {
            "option" => Ok(ActionMode::Option),
            "primitive" => Ok(ActionMode::Primitive),
            other => Err(Error::provider(format!(
                "mode: expected 'option' or 'primitive', got '{other}'"
            ))),
        }
    }

    /// Number of action ids (mask columns) of the mode: 8 options or 19 primitives.
    pub fn action_count(self) -> usize {
        match self {
            ActionMode::Option => NUM_OPTIONS,
            ActionMode::Primitive => NUM_PRIMITIVES,
        }
    }
}

/// Resolves a primitive id to 0 (WAIT) or 1-4 (MOVE N, E, S, W).
///
/// ```
/// use townlet_core::actions::resolve_primitive;
/// assert_eq!((resolve_primitive(3), resolve_primitive(12), resolve_primitive(-1)), (3, 0, 0));
/// ```
pub fn resolve_primitive(action_id: i32) -> i32 {
    if (1..=4).contains(&action_id) {
        action_id
    } else {
        0
    }
}

/// Validates a MOVE from `(x, y)` in `direction` (0..4 = N, E, S, W; world.md 6.3):
/// 0 ok, else the reason code.
pub fn move_check(grid: &Grid, x: i32, y: i32, direction: usize) -> u8 {
    // An open exit is in bounds and walkable by construction (`grid::exits`).
    if direction < DIRECTIONS.len() && (grid.exits_at(x, y) >> direction) & 1 == 1 {
        return 0;
    }
    let Some(&(dx, dy)) = DIRECTIONS.get(direction) else {
        return OUT_OF_BOUNDS;
    };
    let (nx, ny) = (x + dx, y + dy);
    if !grid.in_bounds(nx, ny) {
        return OUT_OF_BOUNDS;
    }
    if !grid.is_walkable(nx, ny) {
        return BLOCKED_TILE;
    }
    0
}

/// Validates and applies one MOVE of agent `index` at once; a failure emits `action_failed`.
#[inline]
pub fn apply_move(state: &mut WorldState, index: usize, direction: usize) {
    let Some(agent) = state.agents.get_mut(index) else {
        return;
    };
    let reason = move_check(&state.grid, agent.x, agent.y, direction);
    agent.last_kind = ActionKind::Move;
    agent.last_reason = reason;
    if reason != 0 {
        agent.last_ok = false;
        state.events.emit(EventData::ActionFailed {
            uid: agent.uid,
            kind: ActionKind::Move,
            reason,
        });
        return;
    }
    let (dx, dy) = DIRECTIONS.get(direction).copied().unwrap_or((0, 0));
    agent.x += dx;
    agent.y += dy;
    agent.last_ok = true;
}

/// Step 6: resolves every alive agent's id, shuffles, then applies in that order.
pub fn process_actions(state: &mut WorldState) {
    let mut order = std::mem::take(&mut state.order);
    order.clear();
    for (index, agent) in state.agents.iter_mut().enumerate() {
        if agent.alive {
            agent.action = resolve_primitive(agent.action);
            order.push(index);
        }
    }
    state
        .rng_world
        .shuffle_with(&mut order, &mut state.divisors);
    for &index in &order {
        let Some(agent) = state.agents.get_mut(index) else {
            continue;
        };
        let resolved = agent.action;
        if resolved == 0 {
            agent.last_kind = ActionKind::Wait;
            agent.last_ok = true;
            agent.last_reason = 0;
        } else {
            apply_move(state, index, usize::try_from(resolved - 1).unwrap_or(0));
        }
    }
    state.order = order;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::{bfs_distances, exits};

    fn grid() -> Grid {
        // 3x2: "..#" / "..."
        let walkable = vec![true, true, false, true, true, true];
        Grid {
            name: "g".into(),
            width: 3,
            height: 2,
            rows: vec!["..#".into(), "...".into()],
            type_fields: vec![],
            zone_fields: vec![bfs_distances(3, 2, &walkable, &[(0, 0)])],
            exits: exits(3, 2, &walkable),
            walkable,
            objects: vec![],
            zones: vec![],
            spawn_tiles: vec![(0, 0)],
            zone_of_tile: vec![-1; 6],
        }
    }

    #[test]
    fn out_of_bounds_is_checked_before_blocked() {
        let g = grid();
        assert_eq!(move_check(&g, 0, 0, 0), OUT_OF_BOUNDS);
        assert_eq!(move_check(&g, 0, 0, 3), OUT_OF_BOUNDS);
        assert_eq!(move_check(&g, 1, 0, 1), BLOCKED_TILE);
        assert_eq!(move_check(&g, 1, 0, 2), 0);
    }

    #[test]
    fn open_exits_are_exactly_the_valid_moves() {
        let g = grid();
        for (x, y) in [(0, 0), (1, 0), (2, 0), (0, 1), (1, 1), (2, 1)] {
            for (d, (dx, dy)) in DIRECTIONS.iter().enumerate() {
                let valid = g.in_bounds(x + dx, y + dy) && g.is_walkable(x + dx, y + dy);
                assert_eq!((g.exits_at(x, y) >> d) & 1 == 1, valid, "({x}, {y}) {d}");
                assert_eq!(move_check(&g, x, y, d) == 0, valid, "({x}, {y}) {d}");
            }
        }
    }

    #[test]
    fn unknown_ids_wait() {
        for id in [0, 5, 18, 19, -7, i32::MAX] {
            assert_eq!(resolve_primitive(id), 0, "{id}");
        }
    }

    #[test]
    fn modes_have_their_column_counts() {
        assert_eq!(ActionMode::Primitive.action_count(), 19);
        assert_eq!(ActionMode::Option.action_count(), 8);
    }
}
