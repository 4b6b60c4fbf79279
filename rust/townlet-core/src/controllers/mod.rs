//! Option controllers: option mode of learning.md 2.1-2.4 (docs/rules/options.md).
//!
//! Each resident carries an [`OptState`] (world state: exported as `option`, hashed).
//! [`run_controllers`] is W§13 step 6 in option mode: for every alive agent in uid
//! order, on the state left by step 5, it applies the commitment rules of 2.3 and lets
//! the active option's controller emit one primitive triple `(kind, a, b)` into
//! `agent.action/target/arg`, which `process_actions` then validates and applies.
//! [`finish_controllers`] is step 13: it detects success and failure from the
//! engagement, `last_action`, `last_affordance` and the agent's place. [`option_mask`]
//! is the 8-column mask of 2.2 with the lock of 2.3. Controllers draw no random
//! numbers. Mirrors `python/townlet/world/controllers.py`.
//!
//! All eight options are built (GetFed in `fed`, ShopGroceries in `shop`, Socialise in
//! `social`); Wait's step-off a rival's tile and the rival detour are not built yet
//! (Decision D20-opt-b).

mod basic;
mod fed;
mod mask;
mod shop;
mod social;

pub use basic::{bound_affordance, emit};
pub use mask::{locked, option_mask};

use serde::Deserialize;

use crate::affordances::Engagement;
use crate::canonical::StateValue;
use crate::state::WorldState;
use crate::targets::TargetFields;

/// Option ids (learning.md 2.1).
pub const WAIT: i32 = 0;
/// GetFed.
pub const GET_FED: i32 = 1;
/// GetClean.
pub const GET_CLEAN: i32 = 2;
/// Sleep.
pub const SLEEP: i32 = 3;
/// Work.
pub const WORK: i32 = 4;
/// ShopGroceries.
pub const SHOP: i32 = 5;
/// Socialise.
pub const SOCIALISE: i32 = 6;
/// GoHome.
pub const GO_HOME: i32 = 7;

/// How the most recently ended option ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Outcome {
    /// No option has ended yet.
    #[default]
    None,
    /// It succeeded.
    Success,
    /// It failed.
    Failure,
    /// It was switched away from before it ended.
    Abandoned,
}

impl Outcome {
    /// The state-tree name.
    ///
    /// ```
    /// use townlet_core::controllers::Outcome;
    /// assert_eq!(Outcome::parse(Outcome::Failure.as_str()), Some(Outcome::Failure));
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::None => "none",
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Abandoned => "abandoned",
        }
    }

    /// Parses a state-tree name.
    pub fn parse(name: &str) -> Option<Outcome> {
        [
            Outcome::None,
            Outcome::Success,
            Outcome::Failure,
            Outcome::Abandoned,
        ]
        .into_iter()
        .find(|o| o.as_str() == name)
    }
}

/// Controller state of one resident (learning.md 2.3 rule 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptState {
    /// Active option id (1..7), −1 when idle (Wait never stays active).
    pub active: i32,
    /// Tick the active option started (−1 when idle).
    pub start: i64,
    /// `start + actions.commit_ticks` (−1 when idle).
    pub lock_end: i64,
    /// Target object index (−1 none).
    pub target: i64,
    /// Sub-step of the controller (0 = first).
    pub step: i64,
    /// Consecutive ticks spent waiting or holding.
    pub wait: i64,
    /// Packed-lunch flag (GetFed).
    pub packed: bool,
    /// How the most recently ended option ended.
    pub last: Outcome,
    /// Scratch of the tick: the controller emitted this tick (not state).
    pub emitted: bool,
    /// Scratch of the tick: `(rival uid, object or −1)` for a `rival_avoided` to emit.
    pub avoided: Option<(u32, i64)>,
}

impl Default for OptState {
    fn default() -> Self {
        OptState {
            active: -1,
            start: -1,
            lock_end: -1,
            target: -1,
            step: 0,
            wait: 0,
            packed: false,
            last: Outcome::None,
            emitted: false,
            avoided: None,
        }
    }
}

impl OptState {
    /// Ends the active option with `outcome`, keeping nothing but the outcome.
    pub fn end(&mut self, outcome: Outcome) {
        *self = OptState {
            last: outcome,
            ..OptState::default()
        };
    }

    /// The state tree (docs/world-state.md, agent key `option`).
    pub fn to_value(&self) -> StateValue {
        StateValue::dict([
            ("active", StateValue::Int(i64::from(self.active))),
            ("start", StateValue::Int(self.start)),
            ("lock_end", StateValue::Int(self.lock_end)),
            ("target", StateValue::Int(self.target)),
            ("step", StateValue::Int(self.step)),
            ("wait", StateValue::Int(self.wait)),
            ("packed", StateValue::Bool(self.packed)),
            ("last", StateValue::from(self.last.as_str())),
        ])
    }

    /// Reads a tree checked by `snapshot_check` (missing keys: defaults).
    pub fn from_value(node: Option<&StateValue>) -> OptState {
        let d = OptState::default();
        let Some(node) = node else {
            return d;
        };
        let int = |k: &str, v: i64| match node.get(k) {
            Some(StateValue::Int(x)) => *x,
            _ => v,
        };
        OptState {
            active: i32::try_from(int("active", -1)).unwrap_or(-1),
            start: int("start", -1),
            lock_end: int("lock_end", -1),
            target: int("target", -1),
            step: int("step", 0),
            wait: int("wait", 0),
            packed: matches!(node.get("packed"), Some(StateValue::Bool(true))),
            last: match node.get("last") {
                Some(StateValue::Str(s)) => Outcome::parse(s).unwrap_or_default(),
                _ => Outcome::None,
            },
            emitted: false,
            avoided: None,
        }
    }
}

/// Checks an agent's `option` tree: `None` when fine, else `(key, problem)`.
pub fn check_value(node: &StateValue) -> Option<(&'static str, String)> {
    if let Some(StateValue::Int(a)) = node.get("active") {
        if *a != -1 && !(1..8).contains(a) {
            return Some(("active", format!("expected -1 or 1..7, got {a}")));
        }
    }
    if let Some(StateValue::Str(s)) = node.get("last") {
        if Outcome::parse(s).is_none() {
            return Some((
                "last",
                format!("expected none, success, failure or abandoned, got '{s}'"),
            ));
        }
    }
    None
}

/// `controllers.*` (learning.md 2.4).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ControllerSettings {
    /// Extra steps a controller accepts to avoid a rival (15).
    #[serde(default = "default_rival_detour")]
    pub rival_detour: i64,
    /// Ticks of waiting after which an option fails (120).
    #[serde(default = "default_max_queue_wait")]
    pub max_queue_wait: i64,
}

fn default_rival_detour() -> i64 {
    15
}

fn default_max_queue_wait() -> i64 {
    120
}

impl Default for ControllerSettings {
    fn default() -> Self {
        ControllerSettings {
            rival_detour: default_rival_detour(),
            max_queue_wait: default_max_queue_wait(),
        }
    }
}

/// W§13 step 6 in option mode: turns each alive agent's option id into one primitive
/// triple, in uid order (learning.md 2.3, 2.4). Ids outside `[0, 8)` act as Wait.
pub fn run_controllers(state: &mut WorldState, fields: &TargetFields) {
    let t = state.tick;
    let commit = state.settings.actions.commit_ticks;
    let mut scratch = std::mem::take(&mut state.ctl_bfs);
    for i in 0..state.agents.len() {
        let Some(agent) = state.agents.get(i) else {
            continue;
        };
        if !agent.alive || agent.possessed {
            continue;
        }
        let chosen = if (0..8).contains(&agent.action) {
            agent.action
        } else {
            WAIT
        };
        let mut o = agent.opt;
        o.emitted = false;
        o.avoided = None;
        let mut release = false;
        if chosen != o.active {
            if o.active >= 0 {
                release = agent.eng != Engagement::None;
                o.end(Outcome::Abandoned);
            }
            if chosen != WAIT {
                o.active = chosen;
                o.start = t;
                o.lock_end = t.saturating_add(commit);
            }
        }
        let triple = if release {
            (crate::affordances::engage::RELEASE, 0, 0)
        } else {
            o.emitted = o.active >= 0;
            let out = if o.active == SOCIALISE {
                social::emit(state, fields, i, &mut o, &mut scratch)
            } else {
                emit(state, fields, i, &mut o)
            };
            if chosen == WAIT {
                // Wait succeeds after its one tick (learning.md 2.4).
                o.last = Outcome::Success;
            }
            match out {
                Some(triple) => triple,
                None => {
                    o.end(Outcome::Failure);
                    (0, 0, 0)
                }
            }
        };
        let avoided = o.avoided.take();
        if let Some(agent) = state.agents.get_mut(i) {
            agent.opt = o;
            (agent.action, agent.target, agent.arg) = (triple.0, triple.1, triple.2);
        }
        if let Some((rival, object)) = avoided {
            let me = crate::agents::agent_id(state.agents[i].uid);
            let object = usize::try_from(object)
                .ok()
                .and_then(|k| state.grid.objects.get(k))
                .map_or(StateValue::Null, |x| StateValue::from(x.id.as_str()));
            crate::affordances::emit(
                state,
                "rival_avoided",
                vec![
                    ("agent_id", StateValue::from(me.as_str())),
                    (
                        "rival",
                        StateValue::from(crate::agents::agent_id(rival).as_str()),
                    ),
                    ("object_id", object),
                ],
            );
        }
    }
    state.ctl_bfs = scratch;
}

/// W§13 step 13: detects each emitting controller's outcome (learning.md 2.4 rule 6).
pub fn finish_controllers(state: &mut WorldState) {
    let t = state.tick;
    let max_wait = state.settings.controllers.max_queue_wait;
    for i in 0..state.agents.len() {
        let Some(agent) = state.agents.get(i) else {
            continue;
        };
        let mut o = agent.opt;
        if !agent.alive || !o.emitted || o.active < 0 {
            continue;
        }
        o.wait = if agent.eng.is_queued() { o.wait + 1 } else { 0 };
        let aff_now = agent.last_aff.filter(|l| l.tick == t);
        let failed = !agent.last_ok
            || aff_now.is_some_and(|l| l.result == crate::affordances::AffResult::Failed)
            || o.wait > max_wait;
        let outcome = if failed {
            Some(Outcome::Failure)
        } else {
            basic::outcome(state, i, &mut o)
        };
        if let Some(outcome) = outcome {
            o.end(outcome);
        }
        o.emitted = false;
        if let Some(agent) = state.agents.get_mut(i) {
            agent.opt = o;
        }
    }
}
