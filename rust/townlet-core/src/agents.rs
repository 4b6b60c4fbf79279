//! Agents: identity, per-agent state and personality sampling (world.md 4.1-4.3).
//!
//! An [`Agent`] is a plain record read and written by the tick's hot loops. Agents live
//! in one `Vec` in uid order (uids only grow, and purge keeps the order), which is the
//! row order of every batched array. The exported form (docs/world-state.md 3) is built
//! by `state.rs`. Mirrors `python/townlet/world/agents.py`.

use crate::rng::Rng;

/// Spawn causes (world.md 4.2 `origin`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Spawned by `reset`.
    Initial,
    /// Arrived on a newcomer ticket.
    Newcomer,
    /// Spawned by the console.
    Console,
}

impl Origin {
    /// Every origin, in the order of world.md 4.2.
    pub const ALL: [Origin; 3] = [Origin::Initial, Origin::Newcomer, Origin::Console];

    /// The exported name.
    ///
    /// ```
    /// assert_eq!(townlet_core::agents::Origin::Newcomer.as_str(), "newcomer");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Initial => "initial",
            Origin::Newcomer => "newcomer",
            Origin::Console => "console",
        }
    }

    /// The origin called `name`.
    pub fn parse(name: &str) -> Option<Origin> {
        Origin::ALL.into_iter().find(|o| o.as_str() == name)
    }
}

/// The kind of the last processed action (world.md 6.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    /// WAIT.
    Wait,
    /// MOVE.
    Move,
    /// INTERACT.
    Interact,
    /// RELEASE.
    Release,
    /// CHAT.
    Chat,
    /// BUY.
    Buy,
    /// USE_ITEM.
    UseItem,
}

impl ActionKind {
    /// Every kind.
    pub const ALL: [ActionKind; 7] = [
        ActionKind::Wait,
        ActionKind::Move,
        ActionKind::Interact,
        ActionKind::Release,
        ActionKind::Chat,
        ActionKind::Buy,
        ActionKind::UseItem,
    ];

    /// The exported name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Wait => "wait",
            ActionKind::Move => "move",
            ActionKind::Interact => "interact",
            ActionKind::Release => "release",
            ActionKind::Chat => "chat",
            ActionKind::Buy => "buy",
            ActionKind::UseItem => "use_item",
        }
    }

    /// The kind called `name`.
    pub fn parse(name: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// The agent id of `uid`: `agent_<uid>` (world.md 4.1).
///
/// ```
/// assert_eq!(townlet_core::agents::agent_id(7), "agent_7");
/// ```
pub fn agent_id(uid: u32) -> String {
    format!("agent_{uid}")
}

/// Display name: `names[uid mod len]`, suffixed `-<uid div len>` past the list.
///
/// ```
/// let names = ["Alice".to_string(), "Bob".to_string()];
/// assert_eq!(townlet_core::agents::agent_name(&names, 1), "Bob");
/// assert_eq!(townlet_core::agents::agent_name(&names, 4), "Alice-2");
/// ```
pub fn agent_name(names: &[String], uid: u32) -> String {
    let len = u32::try_from(names.len()).unwrap_or(u32::MAX);
    let Some(base) = uid.checked_rem(len).and_then(|i| names.get(i as usize)) else {
        return agent_id(uid);
    };
    if uid < len {
        base.clone()
    } else {
        format!("{base}-{}", uid / len)
    }
}

/// Picks a profile index with exactly one `rand_f64` draw (world.md 4.3).
///
/// `distribution` holds `(profile index, weight)` in config order. The first entry with
/// `u * total < acc` wins (sums left to right); if rounding leaves none, the last entry
/// with a positive weight.
///
/// ```
/// use townlet_core::{agents::sample_profile, rng::Rng};
/// // The first draw of this stream is u = 0.47..., so 2u < 1 picks the first profile.
/// assert_eq!(sample_profile(&mut Rng::for_stream(0, "world"), &[(0, 1.0), (1, 1.0)]), 0);
/// ```
pub fn sample_profile(rng: &mut Rng, distribution: &[(usize, f64)]) -> usize {
    let u = rng.rand_f64();
    let mut total = 0.0;
    for &(_, weight) in distribution {
        total += weight;
    }
    let scaled = u * total;
    let mut acc = 0.0;
    for &(profile, weight) in distribution {
        acc += weight;
        if scaled < acc {
            return profile;
        }
    }
    distribution
        .iter()
        .rev()
        .find(|(_, w)| *w > 0.0)
        .map_or(0, |(profile, _)| *profile)
}

/// Needs, wallet and per-item counts that an agent starts with (world.md 4.5).
#[derive(Clone, Debug, PartialEq)]
pub struct SpawnKit {
    /// Hunger, hygiene, energy.
    pub needs: [f64; 3],
    /// Money.
    pub wallet: f64,
    /// Count per manifest item.
    pub items: Vec<u32>,
}

/// One resident's state (world.md 4.2; the fields of this slice).
///
/// `action`, `target`, `needs_before` and the `*_mark`/`wage_paid` fields are per-tick
/// scratch values, not state.
#[derive(Clone, Debug, PartialEq)]
pub struct Agent {
    /// Never reused.
    pub uid: u32,
    /// `agent_<uid>`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Embedding slot.
    pub slot: u32,
    /// Spawn cause.
    pub origin: Origin,
    /// Tick of the spawn.
    pub spawned_tick: i64,
    /// False from termination until purge.
    pub alive: bool,
    /// Tick of termination, −1 while alive.
    pub terminated_tick: i64,
    /// Tile x.
    pub x: i32,
    /// Tile y.
    pub y: i32,
    /// Zone index of the home, if any.
    pub home: Option<usize>,
    /// Object index of the bed, if any.
    pub bed: Option<usize>,
    /// Hunger, hygiene, energy in [0, 1].
    pub needs: [f64; 3],
    /// Consecutive ticks with hunger at or below the faint threshold.
    pub hunger_low_ticks: u32,
    /// Money, never negative.
    pub wallet: f64,
    /// Count per manifest item.
    pub items: Vec<u32>,
    /// Profile index (settings order).
    pub profile: usize,
    /// Trait in [−1, 1].
    pub extroversion: f64,
    /// Trait in [−1, 1].
    pub forgiveness: f64,
    /// Trait in [−1, 1].
    pub ambition: f64,
    /// The profile's need decay multipliers.
    pub multipliers: [f64; 3],
    /// Kind of this tick's action.
    pub last_kind: ActionKind,
    /// Whether it succeeded.
    pub last_ok: bool,
    /// Reason code (world.md 6.4).
    pub last_reason: u8,
    /// Policy memory no longer describes this resident (spawn, ...).
    pub ctx_reset: bool,
    /// Scratch: this tick's primitive id.
    pub action: i32,
    /// Scratch: the listener uid of this tick's resolved CHAT.
    pub target: u32,
    /// Scratch: needs at the start of this tick (spawn needs for newcomers).
    pub needs_before: [f64; 3],
    /// The agent's ties, ascending other uid (world.md 10.1).
    pub ties: crate::ties::Ties,
    /// Listener uid -> first tick a chat to it is allowed again (world.md 10.4).
    pub chat_cooldowns: std::collections::BTreeMap<u32, i64>,
    /// Tick of the latest `chat_succeeded` involving the agent (-1 when none).
    pub last_chat_tick: i64,
    /// Engagement (world.md 6.2).
    pub eng: crate::affordances::Engagement,
    /// `(affordance, result, reason, tick)` of the latest start or finish.
    pub last_aff: Option<crate::affordances::LastAffordance>,
    /// Scratch: the affordance that progressed in this tick's step 8.
    pub progressed: Option<usize>,
    /// Scratch: the second argument (affordance index) of the resolved triple.
    pub arg: usize,
    /// Consecutive missed rents (world.md 8.2).
    pub rent_missed_streak: u32,
    /// Job index in `jobs`, if employed (world.md 9.2).
    pub job: Option<usize>,
    /// The shift record (world.md 9.3).
    pub shift: crate::employment::Shift,
    /// Days with an absence, ascending (world.md 9.5).
    pub absence_days: Vec<i64>,
    /// Whether the agent is in the exit queue (world.md 9.6).
    pub exit_pending: bool,
    /// Option controller state (learning.md 2.3 rule 6).
    pub opt: crate::controllers::OptState,
    /// Whether an operator possesses the agent (world.md 6.1 rule 2, 16).
    pub possessed: bool,
    /// Scratch: the triple queued by console `act` for this tick's step 6.
    pub act: Option<(i32, u32, usize)>,
    /// Scratch: the wage credited this tick, `w - h` (world.md 9.4).
    pub wage_paid: f64,
    /// Scratch: this tick's `shift_started`: 0 none, 1 on time, 2 late.
    pub shift_start_mark: u8,
    /// Scratch: whether `shift_absent` was emitted for the agent this tick.
    pub shift_absent_mark: bool,
    /// Scratch: this tick's termination: 0 none, 1 faint, 2 eviction, 3 killed.
    pub term_mark: u8,
}

impl Agent {
    /// A freshly spawned agent: alive, waiting, `ctx_reset` set, no home or bed, profile 0.
    pub fn new(
        uid: u32,
        name: String,
        slot: u32,
        origin: Origin,
        spawned_tick: i64,
        position: (i32, i32),
        kit: SpawnKit,
    ) -> Self {
        let SpawnKit {
            needs,
            wallet,
            items,
        } = kit;
        Agent {
            uid,
            id: agent_id(uid),
            name,
            slot,
            origin,
            spawned_tick,
            alive: true,
            terminated_tick: -1,
            x: position.0,
            y: position.1,
            home: None,
            bed: None,
            needs,
            hunger_low_ticks: 0,
            wallet,
            items,
            profile: 0,
            extroversion: 0.0,
            forgiveness: 0.0,
            ambition: 0.0,
            multipliers: [1.0, 1.0, 1.0],
            last_kind: ActionKind::Wait,
            last_ok: true,
            last_reason: 0,
            ctx_reset: true,
            action: 0,
            target: 0,
            needs_before: needs,
            ties: crate::ties::Ties::new(),
            chat_cooldowns: std::collections::BTreeMap::new(),
            last_chat_tick: -1,
            eng: crate::affordances::Engagement::None,
            last_aff: None,
            progressed: None,
            arg: 0,
            rent_missed_streak: 0,
            job: None,
            shift: crate::employment::Shift::default(),
            absence_days: Vec::new(),
            exit_pending: false,
            opt: crate::controllers::OptState::default(),
            possessed: false,
            act: None,
            wage_paid: 0.0,
            shift_start_mark: 0,
            shift_absent_mark: false,
            term_mark: 0,
        }
    }

    /// The position `(x, y)`.
    pub fn position(&self) -> (i32, i32) {
        (self.x, self.y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_wrap_with_a_suffix() {
        let names: Vec<String> = ["A", "B", "C"].iter().map(|s| s.to_string()).collect();
        let got: Vec<String> = (0..7).map(|uid| agent_name(&names, uid)).collect();
        assert_eq!(got, ["A", "B", "C", "A-1", "B-1", "C-1", "A-2"]);
        assert_eq!(agent_name(&[], 3), "agent_3");
    }

    #[test]
    fn sampling_uses_one_draw_and_skips_zero_weights() {
        let mut rng = Rng::for_stream(0, "world");
        let mut twin = rng.clone();
        // u = 0.472: with weights [0.5, 0, 1] the scaled draw 0.708 lands in the third.
        assert_eq!(sample_profile(&mut rng, &[(0, 0.5), (1, 0.0), (2, 1.0)]), 2);
        twin.next_u64();
        assert_eq!(rng, twin);
    }

    #[test]
    fn sampling_falls_back_to_the_last_positive_weight() {
        // A zero total makes every `scaled < acc` test false.
        let mut rng = Rng::for_stream(0, "world");
        assert_eq!(sample_profile(&mut rng, &[(0, 0.0), (3, 0.0)]), 0);
    }

    #[test]
    fn origins_and_kinds_roundtrip() {
        for origin in Origin::ALL {
            assert_eq!(Origin::parse(origin.as_str()), Some(origin));
        }
        for kind in ActionKind::ALL {
            assert_eq!(ActionKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(Origin::parse("x"), None);
    }
}
