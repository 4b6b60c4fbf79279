//! Primitive actions of the slice: resolution and movement (world.md 6, tick step 6).
//!
//! Primitive ids (learning.md 2.5) resolve to world.md 6.1 kinds: 0 WAIT, 1-4 MOVE N, E,
//! S, W, 17 CHAT to the best candidate ([`chat_target`], Decision D16), 5-16 the roles
//! of `affordances::engage::ROLES` (INTERACT, BUY or USE_ITEM) and 18 RELEASE. An id
//! without a candidate, and ids outside `[0, 19)`, become WAIT without an event. The
//! alive agents are then processed in a `world`-stream shuffle of ascending uids, so no
//! agent systematically acts first; a CHAT is validated again when processed (world.md
//! 6.3) and a valid one makes exactly one `world` draw (world.md 10.4, 14). Mirrors
//! `actions.py`.

use crate::agents::{ActionKind, Agent};
use crate::error::Error;
use crate::events::{ChatSucceeded, EventData, RelationshipEvent};
use crate::grid::{Grid, DIRECTIONS};
use crate::state::WorldState;
use crate::ties::{
    apply_pair, chat_probability, chat_quality, listener_view, Applied, Party, TieEvent, Traits,
};

/// Number of primitive ids (learning.md 2.5).
pub const NUM_PRIMITIVES: usize = 19;
/// Number of option ids (learning.md 2.1).
pub const NUM_OPTIONS: usize = 8;
/// Reason code: the target tile is outside the grid.
pub const OUT_OF_BOUNDS: u8 = 4;
/// Reason code: the target tile is not walkable.
pub const BLOCKED_TILE: u8 = 5;
/// Reason code: the chat target is unknown, not alive or the speaker.
pub const INVALID_TARGET: u8 = 14;
/// Reason code: the chat target is beyond `relationships.chat.max_distance`.
pub const TOO_FAR: u8 = 15;
/// Reason code: the listener runs an activity without `allows_chat`.
pub const TARGET_BUSY: u8 = 16;
/// Reason code: the speaker's cooldown toward the listener runs.
pub const CHAT_COOLDOWN: u8 = 17;
/// Reason code: a valid chat failed its success draw.
pub const CHAT_REJECTED: u8 = 32;
/// The primitive id of `chat` (learning.md 2.5).
pub const CHAT_ID: i32 = 17;

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

/// Resolves a primitive id: ids in `[0, 19)` stay, other ids act as 0.
///
/// [`resolve`] turns roles, CHAT and RELEASE into their triples, and an id
/// without a candidate into WAIT.
///
/// ```
/// use townlet_core::actions::resolve_primitive;
/// assert_eq!((resolve_primitive(3), resolve_primitive(12), resolve_primitive(-1)), (3, 12, 0));
/// assert_eq!(resolve_primitive(19), 0);
/// ```
pub fn resolve_primitive(action_id: i32) -> i32 {
    if (0..NUM_PRIMITIVES as i32).contains(&action_id) {
        action_id
    } else {
        0
    }
}

/// World.md 6.1 kind code of CHAT (the resolved form of id 17).
pub const KIND_CHAT: i32 = 7;
/// Reason code: the agent's engagement forbids the action.
pub const BUSY: u8 = 3;

/// Resolves `action_id` of agent `index` at `tick` into the world.md 6.1 triple
/// `(kind, a, b)`; no candidate: WAIT `(0, 0, 0)`.
pub fn resolve(state: &WorldState, index: usize, action_id: i32, tick: i64) -> (i32, u32, usize) {
    use crate::affordances::engage::{role_candidate, RELEASE, RELEASE_ID};
    let Some(agent) = state.agents.get(index) else {
        return (0, 0, 0);
    };
    let id = resolve_primitive(action_id);
    if (1..=4).contains(&id) {
        (id, 0, 0)
    } else if id == CHAT_ID {
        chat_target(state, agent, tick).map_or((0, 0, 0), |uid| (KIND_CHAT, uid, 0))
    } else if id == RELEASE_ID {
        if agent.eng == crate::affordances::Engagement::None {
            (0, 0, 0)
        } else {
            (RELEASE, 0, 0)
        }
    } else if id >= 5 {
        role_candidate(state, index, (id - 5) as usize, tick)
            .map_or((0, 0, 0), |(k, a, b)| (k, u32::try_from(a).unwrap_or(0), b))
    } else {
        (0, 0, 0)
    }
}

/// Whether `agent` runs an activity without `allows_chat` (world.md 6.2).
pub fn chat_busy(state: &WorldState, agent: &Agent) -> bool {
    agent.eng.is_active()
        && !agent
            .eng
            .affordance()
            .and_then(|a| state.settings.manifest.affordances.get(a))
            .is_some_and(|a| a.allows_chat)
}

/// Validates a CHAT from `speaker` to `listener` at `tick` (world.md 6.3): 0 ok, else
/// the reason code.
///
/// Order: `busy`, `invalid_target`, `too_far`, `target_busy`, `chat_cooldown`.
pub fn chat_check(state: &WorldState, speaker: &Agent, listener: Option<&Agent>, tick: i64) -> u8 {
    if chat_busy(state, speaker) {
        return BUSY;
    }
    let Some(listener) = listener else {
        return INVALID_TARGET;
    };
    if !listener.alive || listener.uid == speaker.uid {
        return INVALID_TARGET;
    }
    let dx = (i64::from(listener.x) - i64::from(speaker.x)).abs();
    let dy = (i64::from(listener.y) - i64::from(speaker.y)).abs();
    if dx.max(dy) > i64::from(state.settings.relationships.chat.max_distance) {
        return TOO_FAR;
    }
    if chat_busy(state, listener) {
        return TARGET_BUSY;
    }
    if let Some(&until) = speaker.chat_cooldowns.get(&listener.uid) {
        if tick < until {
            return CHAT_COOLDOWN;
        }
    }
    0
}

/// The listener uid id 17 of `speaker` resolves to at `tick`, or `None`
/// (learning.md 2.5, D16).
///
/// Candidates: alive agents other than the speaker that pass [`chat_check`] and that
/// the speaker does not avoid (its tie toward them has rivalry >= `avoid_threshold`).
/// The best has the highest `trust + familiarity` of the speaker's tie (0 without
/// one); ties go to the lower uid. Allocates nothing.
pub fn chat_target(state: &WorldState, speaker: &Agent, tick: i64) -> Option<u32> {
    let avoid = state.settings.relationships.avoid_threshold;
    let mut best: Option<(u32, f64)> = None;
    for other in &state.agents {
        // Ascending uid: a strict > keeps the lower uid.
        if chat_check(state, speaker, Some(other), tick) != 0 {
            continue;
        }
        let tie = speaker.ties.get(other.uid);
        if tie.is_some_and(|t| t.rivalry >= avoid) {
            continue;
        }
        let score = tie.map_or(0.0, |t| t.trust + t.familiarity);
        if best.is_none_or(|(_, b)| score > b) {
            best = Some((other.uid, score));
        }
    }
    best.map(|(uid, _)| uid)
}

/// Two distinct agents by index, mutably, in the order asked.
fn two_mut(agents: &mut [Agent], i: usize, j: usize) -> Option<(&mut Agent, &mut Agent)> {
    if i == j {
        return None;
    }
    let (lo, hi) = (i.min(j), i.max(j));
    let (head, tail) = agents.split_at_mut(hi);
    let (first, second) = (head.get_mut(lo)?, tail.first_mut()?);
    Some(if i < j {
        (first, second)
    } else {
        (second, first)
    })
}

fn deltas(applied: Option<&Applied>) -> Option<[f64; 3]> {
    applied.map(|a| [a.deltas.trust, a.deltas.familiarity, a.deltas.rivalry])
}

/// `apply_pair(event, a, b)` with its events (world.md 10.2): `tie_evicted`
/// (capacity) for each evicting direction, a to b first, then one
/// `relationship_event`. Shared by the chat primitive and `force_chat`.
pub fn chat_pair_event(state: &mut WorldState, ia: usize, ib: usize, event: TieEvent) {
    let t = state.tick;
    let settings = state.settings.relationships;
    let Some((a, b)) = two_mut(&mut state.agents, ia, ib) else {
        return;
    };
    let (ua, ub) = (a.uid, b.uid);
    let traits = |x: &Agent| Traits {
        extroversion: x.extroversion,
        forgiveness: x.forgiveness,
        ambition: x.ambition,
    };
    let (ta, tb) = (traits(a), traits(b));
    let outcome = apply_pair(
        event,
        Party {
            uid: ua,
            ties: &mut a.ties,
            traits: ta,
        },
        Party {
            uid: ub,
            ties: &mut b.ties,
            traits: tb,
        },
        t,
        &settings,
    );
    let mut rel = RelationshipEvent {
        kind: event.name(),
        a: ua,
        b: ub,
        a_to_b: None,
        b_to_a: None,
    };
    if let Some(outcome) = outcome {
        for (owner, applied) in [(ua, &outcome.a_to_b), (ub, &outcome.b_to_a)] {
            if let Some(victim) = applied.as_ref().and_then(|x| x.evicted) {
                state.events.emit(EventData::TieEvicted {
                    owner,
                    other: victim.other,
                    faded: false,
                });
            }
        }
        rel.a_to_b = deltas(outcome.a_to_b.as_ref());
        rel.b_to_a = deltas(outcome.b_to_a.as_ref());
    }
    state
        .events
        .emit(EventData::RelationshipEvent(Box::new(rel)));
}

/// Validates and resolves one CHAT of agent `index` to `target` at once (world.md
/// 6.3, 10.4): an invalid chat emits `action_failed`; a valid one draws once from
/// `world`, sets the speaker's cooldown and emits `chat_succeeded` or `chat_failed`
/// followed by its pair event.
pub fn apply_chat(state: &mut WorldState, index: usize, target: u32) {
    let t = state.tick;
    let li = state.agents.iter().position(|a| a.uid == target);
    let (reason, uid) = match state.agents.get(index) {
        Some(speaker) => (
            chat_check(state, speaker, li.and_then(|i| state.agents.get(i)), t),
            speaker.uid,
        ),
        None => return,
    };
    let li = match li {
        Some(li) if reason == 0 => li,
        _ => {
            let reason = if reason == 0 { INVALID_TARGET } else { reason };
            if let Some(speaker) = state.agents.get_mut(index) {
                speaker.last_kind = ActionKind::Chat;
                speaker.last_ok = false;
                speaker.last_reason = reason;
            }
            state.events.emit(EventData::ActionFailed {
                uid,
                kind: ActionKind::Chat,
                reason,
            });
            return;
        }
    };
    let chat = state.settings.relationships.chat;
    let Some((speaker, listener)) = two_mut(&mut state.agents, index, li) else {
        return;
    };
    let (trust, fam) = listener_view(&listener.ties, speaker.uid);
    let p = chat_probability(trust, fam, listener.extroversion, &chat);
    let u = state.rng_world.rand_f64();
    speaker
        .chat_cooldowns
        .insert(listener.uid, t.saturating_add(chat.cooldown_ticks));
    speaker.last_kind = ActionKind::Chat;
    let (us, ul) = (speaker.uid, listener.uid);
    if u < p {
        let q = chat_quality(trust, fam);
        speaker.last_chat_tick = t;
        listener.last_chat_tick = t;
        speaker.last_ok = true;
        speaker.last_reason = 0;
        state
            .events
            .emit(EventData::ChatSucceeded(Box::new(ChatSucceeded {
                speaker: us,
                listener: ul,
                p: Some(p),
                quality: q,
                forced: false,
            })));
        chat_pair_event(state, index, li, TieEvent::ChatGood(q));
    } else {
        speaker.last_ok = false;
        speaker.last_reason = CHAT_REJECTED;
        state.events.emit(EventData::ChatFailed {
            speaker: us,
            listener: ul,
            p,
        });
        chat_pair_event(state, index, li, TieEvent::ChatFailed);
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
    let reason = if agent.eng.is_active() {
        BUSY
    } else {
        move_check(&state.grid, agent.x, agent.y, direction)
    };
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
///
/// With `resolved` (option mode) the triples the controllers left in `action`,
/// `target` and `arg` are applied as they are.
pub fn process_actions(state: &mut WorldState, resolved: bool) {
    let mut order = std::mem::take(&mut state.order);
    order.clear();
    let t = state.tick;
    for index in 0..state.agents.len() {
        let Some(agent) = state.agents.get(index) else {
            continue;
        };
        if !agent.alive {
            continue;
        }
        if agent.possessed {
            // World.md 6.1 rule 2: the queued `act`, else WAIT; no controller ran.
            if let Some(agent) = state.agents.get_mut(index) {
                (agent.action, agent.target, agent.arg) = agent.act.take().unwrap_or((0, 0, 0));
            }
            order.push(index);
            continue;
        }
        if resolved {
            order.push(index);
            continue;
        }
        let (action, target, arg) = resolve(state, index, agent.action, t);
        if let Some(agent) = state.agents.get_mut(index) {
            agent.action = action;
            agent.target = target;
            agent.arg = arg;
        }
        order.push(index);
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
        } else if resolved == KIND_CHAT {
            let target = agent.target;
            apply_chat(state, index, target);
        } else if resolved <= 4 {
            apply_move(state, index, usize::try_from(resolved - 1).unwrap_or(0));
        } else {
            crate::affordances::engage::apply_kind(state, index);
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
        for id in [0, 19, -7, i32::MAX] {
            assert_eq!(resolve_primitive(id), 0, "{id}");
        }
    }

    fn town() -> WorldState {
        let text = include_str!("../../../python/townlet/data/configs/towns/default.map");
        let settings = crate::settings::WorldSettings::default_town("towns/default.map", text);
        let mut world = crate::World::new(settings).unwrap_or_else(|e| panic!("{e:?}"));
        world.reset(0);
        world.state().clone()
    }

    #[test]
    fn chat_checks_run_in_world_md_order() {
        let mut state = town();
        let (a, b) = (0, 1);
        state.agents[b].x = state.agents[a].x + 1;
        state.agents[b].y = state.agents[a].y - 1;
        let speaker = state.agents[a].clone();
        let listener = state.agents[b].clone();
        assert_eq!(chat_check(&state, &speaker, None, 5), INVALID_TARGET);
        assert_eq!(
            chat_check(&state, &speaker, Some(&speaker), 5),
            INVALID_TARGET
        );
        assert_eq!(chat_check(&state, &speaker, Some(&listener), 5), 0);
        let mut dead = listener.clone();
        dead.alive = false;
        dead.x += 5; // invalid_target comes before too_far
        assert_eq!(chat_check(&state, &speaker, Some(&dead), 5), INVALID_TARGET);
        let mut far = listener.clone();
        far.x = speaker.x + 2;
        let mut cooling = speaker.clone();
        cooling.chat_cooldowns.insert(listener.uid, 6);
        // too_far comes before chat_cooldown.
        assert_eq!(chat_check(&state, &cooling, Some(&far), 5), TOO_FAR);
        assert_eq!(
            chat_check(&state, &cooling, Some(&listener), 5),
            CHAT_COOLDOWN
        );
        assert_eq!(chat_check(&state, &cooling, Some(&listener), 6), 0);
        state.settings.relationships.chat.max_distance = 2;
        assert_eq!(chat_check(&state, &speaker, Some(&far), 5), 0);
    }

    #[test]
    fn chat_target_prefers_warm_ties_then_low_uids_and_skips_rivals() {
        let mut state = town();
        let (x, y) = (state.agents[0].x, state.agents[0].y);
        for (i, agent) in state.agents.iter_mut().enumerate().skip(1) {
            // Agents 1-3 stand around agent 0 (distance 1); the others are gone.
            let offsets = [(0, 0), (1, 1), (1, 0), (0, 1)];
            match offsets.get(i) {
                Some(&(dx, dy)) => (agent.x, agent.y) = (x + dx, y + dy),
                None => agent.alive = false,
            }
        }
        let speaker = state.agents[0].clone();
        assert_eq!(chat_target(&state, &speaker, 1), Some(1));
        let tie = |other: u32, trust: f64, rivalry: f64| crate::ties::Tie {
            other,
            trust,
            familiarity: 0.0,
            rivalry,
            created_tick: 0,
            updated_tick: 0,
        };
        let mut warm = speaker.clone();
        warm.ties.insert(tie(3, 0.25, 0.0));
        assert_eq!(chat_target(&state, &warm, 1), Some(3));
        warm.ties.insert(tie(3, 0.25, 0.7)); // avoided: rivalry >= avoid_threshold
        assert_eq!(chat_target(&state, &warm, 1), Some(1));
        warm.ties.insert(tie(1, -0.5, 0.0)); // a cold tie loses to no tie (score 0)
        assert_eq!(chat_target(&state, &warm, 1), Some(2));
        warm.chat_cooldowns.insert(2, 10);
        assert_eq!(chat_target(&state, &warm, 1), Some(1));
        assert_eq!(chat_target(&state, &warm, 10), Some(2));
    }

    #[test]
    fn modes_have_their_column_counts() {
        assert_eq!(ActionMode::Primitive.action_count(), 19);
        assert_eq!(ActionMode::Option.action_count(), 8);
    }
}
