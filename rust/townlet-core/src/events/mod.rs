//! World events and reason codes (world.md 6.4 and 15, docs/world-state.md 4).
//!
//! Every event is `{tick, seq, name, ...payload}`; `seq` counts from 0 within a tick in
//! emission order. The log is cleared at the start of each tick (keeping its capacity)
//! and handed out as that tick's events, so each occurrence is reported exactly once.
//! Mirrors `python/townlet/world/events.py`.

use std::sync::Arc;

use crate::agents::{agent_id, ActionKind, Origin};
use crate::canonical::StateValue;
use crate::state::needs_value;

/// Reason names indexed by their u8 code (world.md 6.4).
pub const REASONS: [&str; 33] = [
    "ok",
    "malformed",
    "unknown_kind",
    "busy",
    "out_of_bounds",
    "blocked_tile",
    "unknown_object",
    "unknown_affordance",
    "affordance_not_offered",
    "not_at_object",
    "unknown_item",
    "not_usable",
    "no_vendor",
    "nothing_to_release",
    "invalid_target",
    "too_far",
    "target_busy",
    "chat_cooldown",
    "utility_down",
    "precondition_failed",
    "insufficient_funds",
    "missing_items",
    "out_of_stock",
    "inventory_full",
    "stock_full",
    "released",
    "utility_outage",
    "relocated",
    "terminated",
    "unknown_agent",
    "walked_away",
    "switched",
    "chat_rejected",
];

/// The name of reason `code` (`"unknown"` past the table).
///
/// ```
/// assert_eq!(townlet_core::events::reason_name(5), "blocked_tile");
/// ```
pub fn reason_name(code: u8) -> &'static str {
    REASONS.get(usize::from(code)).copied().unwrap_or("unknown")
}

/// The code of reason `name`.
///
/// ```
/// assert_eq!(townlet_core::events::reason_code("blocked_tile"), Some(5));
/// ```
pub fn reason_code(name: &str) -> Option<u8> {
    REASONS
        .iter()
        .position(|r| *r == name)
        .and_then(|i| u8::try_from(i).ok())
}

/// Process-wide table of interned names (job ids), so that events can carry a name
/// as a `u32` and emitting them allocates nothing. Each distinct name is stored once.
static NAMES: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());

/// The interned index of `name`, adding it on first use (docs/world-state.md D18-econ).
///
/// ```
/// use townlet_core::events::{intern, interned};
/// assert_eq!(interned(intern("clerk")), "clerk");
/// ```
pub fn intern(name: &str) -> u32 {
    let mut names = NAMES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(i) = names.iter().position(|n| *n == name) {
        return u32::try_from(i).unwrap_or(u32::MAX);
    }
    names.push(Box::leak(name.to_string().into_boxed_str()));
    u32::try_from(names.len() - 1).unwrap_or(u32::MAX)
}

/// The name interned as `index` (`""` when unknown).
pub fn interned(index: u32) -> &'static str {
    let names = NAMES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    usize::try_from(index)
        .ok()
        .and_then(|i| names.get(i).copied())
        .unwrap_or("")
}

/// One payload value as the event holds it, borrowed and never allocated: what
/// [`Event::for_each_field`] hands out. Readers turn it into their own value type
/// ([`Field::to_state_value`] here, Python objects in the binding).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Field<'a> {
    /// `None`.
    Null,
    /// An int.
    Int(i64),
    /// A float.
    Float(f64),
    /// A str.
    Str(&'a str),
    /// The str `agent_<uid>` (world.md 4.1), formatted by the reader.
    AgentId(u32),
    /// A position `[x, y]`.
    Position(i32, i32),
    /// `{hunger, hygiene, energy}` as floats.
    Needs([f64; 3]),
    /// A bool.
    Bool(bool),
    /// A list of two ints `[a, b]`.
    IntPair(i64, i64),
    /// `{trust, familiarity, rivalry}` as floats, or `None`.
    Deltas(Option<[f64; 3]>),
    /// Any payload value (queue and affordance events, docs/world-state.md 4).
    Value(&'a StateValue),
    /// A list of str.
    Strs(&'a [String]),
    /// A list of agent ids `agent_<uid>`.
    AgentIds(&'a [u32]),
}

impl Field<'_> {
    /// The value as a state tree node.
    ///
    /// ```
    /// use townlet_core::{canonical::StateValue, events::Field};
    /// assert_eq!(Field::AgentId(7).to_state_value(), StateValue::str("agent_7"));
    /// ```
    pub fn to_state_value(self) -> StateValue {
        match self {
            Field::Null => StateValue::Null,
            Field::Int(i) => StateValue::Int(i),
            Field::Float(x) => StateValue::Float(x),
            Field::Str(s) => StateValue::str(s),
            Field::AgentId(uid) => StateValue::Str(agent_id(uid)),
            Field::Position(x, y) => StateValue::position((x, y)),
            Field::Needs(needs) => needs_value(needs),
            Field::Bool(b) => StateValue::Bool(b),
            Field::IntPair(a, b) => StateValue::List(vec![StateValue::Int(a), StateValue::Int(b)]),
            Field::Strs(items) => StateValue::List(items.iter().map(StateValue::str).collect()),
            Field::AgentIds(uids) => {
                StateValue::List(uids.iter().map(|u| StateValue::Str(agent_id(*u))).collect())
            }
            Field::Deltas(None) => StateValue::Null,
            Field::Deltas(Some([t, f, r])) => StateValue::dict([
                ("trust", StateValue::Float(t)),
                ("familiarity", StateValue::Float(f)),
                ("rivalry", StateValue::Float(r)),
            ]),
            Field::Value(v) => v.clone(),
        }
    }
}

/// The payload of `agent_spawned` (D10b: the display name travels as `agent_name`).
#[derive(Clone, Debug, PartialEq)]
pub struct Spawned {
    /// The new agent's uid.
    pub uid: u32,
    /// Display name.
    pub agent_name: String,
    /// Embedding slot.
    pub slot: u32,
    /// Spawn cause.
    pub cause: Origin,
    /// Spawn tile.
    pub position: (i32, i32),
    /// Home zone name, if any.
    pub home: Option<String>,
    /// Job id, if any (world.md 9.2).
    pub job: Option<String>,
    /// Profile name.
    pub profile: String,
}

/// The payload of `agent_terminated`.
#[derive(Clone, Debug, PartialEq)]
pub struct Terminated {
    /// The agent's uid.
    pub uid: u32,
    /// Reason name (`faint`, `killed`).
    pub reason: &'static str,
    /// The console's reason of a `killed` termination, else `None`.
    pub detail: Option<String>,
    /// Tile at termination.
    pub position: (i32, i32),
    /// Needs at termination.
    pub needs: [f64; 3],
    /// Money at termination.
    pub wallet: f64,
    /// `tick - spawned_tick`.
    pub lived_ticks: i64,
}

/// A console-changed world setting and its new value (`world_setting_changed`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingChange {
    /// `mortality`.
    Mortality(bool),
    /// `spawn_delay`: `[min, max]`.
    SpawnDelay(i64, i64),
    /// `population_target`.
    PopulationTarget(i64),
    /// `daily_exit_cap`.
    DailyExitCap(i64),
}

/// What happened: the event's name and payload (docs/world-state.md 4).
///
/// Hot events hold plain numbers (an agent is its uid, a reason its code), so emitting
/// one allocates nothing; names and strings are produced when the event is read. The
/// large payloads of the rare spawn and termination are boxed, which keeps an event
/// at 40 bytes.
#[derive(Clone, Debug, PartialEq)]
pub enum EventData {
    /// `agent_spawned`.
    AgentSpawned(Box<Spawned>),
    /// `agent_terminated`.
    AgentTerminated(Box<Terminated>),
    /// `newcomer_scheduled`.
    NewcomerScheduled {
        /// The ticket's id.
        ticket_id: i64,
        /// Tick from which the newcomer may arrive.
        due_tick: i64,
    },
    /// `spawn_deferred` (first failure of a ticket only).
    SpawnDeferred {
        /// The ticket's id.
        ticket_id: i64,
        /// Its due tick.
        due_tick: i64,
    },
    /// `slot_forced_reuse`, just before that agent's `agent_spawned`.
    SlotForcedReuse {
        /// The reused slot.
        slot: u32,
        /// The spawning agent's uid.
        uid: u32,
    },
    /// `action_failed`.
    ActionFailed {
        /// The acting agent's uid.
        uid: u32,
        /// Kind of the failed action.
        kind: ActionKind,
        /// Reason code (world.md 6.4).
        reason: u8,
    },
    /// `day_started`.
    DayStarted {
        /// The day that started.
        day: i64,
    },
    /// `agent_teleported` by the console (`cause: console`, `event_id: None`).
    AgentTeleported {
        /// The agent's uid.
        uid: u32,
        /// Tile before.
        from: (i32, i32),
        /// Tile after.
        to: (i32, i32),
    },
    /// `needs_set`: the agent's needs after clamping (boxed to keep events small).
    NeedsSet(Box<(u32, [f64; 3])>),
    /// `world_setting_changed`.
    WorldSettingChanged(SettingChange),
    /// `tie_evicted`.
    TieEvicted {
        /// The owner's uid.
        owner: u32,
        /// The other agent's uid.
        other: u32,
        /// Reason `faded` (hourly decay) when true, else `capacity`.
        faded: bool,
    },
    /// `relationship_set`: the two uids and the given trust, familiarity, rivalry.
    RelationshipSet(Box<(u32, u32, [Option<f64>; 3])>),
    /// `chat_succeeded`: a chat that succeeded (drawn or forced).
    ChatSucceeded(Box<ChatSucceeded>),
    /// `chat_failed`: a valid chat rejected by its success draw.
    ChatFailed {
        /// The speaker's uid.
        speaker: u32,
        /// The listener's uid.
        listener: u32,
        /// The success probability.
        p: f64,
    },
    /// `relationship_event`: kind, the two uids and the applied deltas per direction.
    RelationshipEvent(Box<RelationshipEvent>),
    /// A queue or affordance event: its name and payload in order.
    Generic(Box<GenericEvent>),
    /// `rent_paid` (world.md 8.2).
    RentPaid {
        /// The agent's uid.
        uid: u32,
        /// The rent due.
        amount: f64,
        /// `rent_missed_streak` after the charge (0).
        streak: u32,
    },
    /// `rent_missed` (world.md 8.2).
    RentMissed {
        /// The agent's uid.
        uid: u32,
        /// The rent due.
        amount: f64,
        /// `rent_missed_streak` after the miss.
        streak: u32,
    },
    /// `stock_restocked`: object id, item name, before, after (world.md 8.3).
    StockRestocked(Box<(String, String, u32, u32)>),
    /// `price_changed`: key, base, effective, cause (world.md 8.1).
    PriceChanged(Box<(String, f64, f64, String)>),
    /// `shift_started` (world.md 9.4).
    ShiftStarted {
        /// The agent's uid.
        uid: u32,
        /// The job id, interned ([`intern`]).
        job: u32,
        /// Ticks late; -1 when on time (`None` in the payload).
        ticks_late: i64,
    },
    /// `shift_absent` (world.md 9.4).
    ShiftAbsent {
        /// The agent's uid.
        uid: u32,
        /// The job id, interned ([`intern`]).
        job: u32,
        /// Absences in the window, this one included.
        absences: u32,
    },
    /// `shift_ended`: uid, interned job id, outcome, present ticks, paid, withheld.
    ShiftEnded(Box<(u32, u32, crate::employment::ShiftState, u32, f64, f64)>),
    /// `perturbation_started` (world.md 12.3).
    PerturbationStarted(Box<PertStarted>),
    /// `perturbation_ended`: event id, spec, kind, cancelled.
    PerturbationEnded(Box<(String, String, &'static str, bool)>),
    /// `utility_changed`: utility, up, event id.
    UtilityChanged(Box<(&'static str, bool, String)>),
    /// `agent_teleported` by an arranged meet: uid, from, to, event id.
    MeetTeleported(Box<MeetMove>),
    /// `exit_pending` (world.md 9.6).
    ExitPending {
        /// The agent's uid.
        uid: u32,
        /// Why it was enqueued.
        reason: crate::exits::ExitReason,
        /// Queue length after the change.
        queue_length: u32,
    },
    /// `exit_reprieved` (world.md 9.6).
    ExitReprieved {
        /// The agent's uid.
        uid: u32,
        /// Why it had been enqueued.
        reason: crate::exits::ExitReason,
        /// Queue length after the change.
        queue_length: u32,
    },
}

/// `(name, payload pairs)` of a queue or affordance event (world.md 15).
pub type GenericEvent = (&'static str, Vec<(&'static str, StateValue)>);
/// `agent_teleported` by an arranged meet: uid, from, to, event id.
pub type MeetMove = (u32, (i32, i32), (i32, i32), String);

/// The payload of `perturbation_started`; the optional parts are present by kind.
#[derive(Clone, Debug, PartialEq)]
pub struct PertStarted {
    /// `evt_<n>`.
    pub event_id: String,
    /// Spec name.
    pub spec: String,
    /// Kind name.
    pub kind: &'static str,
    /// Start tick.
    pub start: i64,
    /// End tick.
    pub ends_at: i64,
    /// Price spikes: the magnitude.
    pub magnitude: Option<f64>,
    /// Price spikes: the resolved price keys.
    pub targets: Option<Vec<String>>,
    /// Outages: the utility.
    pub utility: Option<&'static str>,
    /// Arranged meets: the zone.
    pub location: Option<String>,
    /// Arranged meets: the participant uids.
    pub participants: Option<Vec<u32>>,
}

/// The payload of `chat_succeeded` (world.md 10.4, 15).
#[derive(Clone, Debug, PartialEq)]
pub struct ChatSucceeded {
    /// The speaker's uid.
    pub speaker: u32,
    /// The listener's uid.
    pub listener: u32,
    /// The success probability, `None` for a forced chat (D15).
    pub p: Option<f64>,
    /// The chat quality.
    pub quality: f64,
    /// Whether the console forced it.
    pub forced: bool,
}

/// The payload of `relationship_event` (world.md 10.2).
#[derive(Clone, Debug, PartialEq)]
pub struct RelationshipEvent {
    /// The tie event's name.
    pub kind: &'static str,
    /// Agent a's uid.
    pub a: u32,
    /// Agent b's uid.
    pub b: u32,
    /// Deltas applied to a's tie toward b, or `None` when refused.
    pub a_to_b: Option<[f64; 3]>,
    /// Deltas applied to b's tie toward a, or `None` when refused.
    pub b_to_a: Option<[f64; 3]>,
}

impl EventData {
    /// The event name, e.g. `agent_spawned`.
    ///
    /// ```
    /// use townlet_core::events::EventData;
    /// assert_eq!(EventData::DayStarted { day: 1 }.name(), "day_started");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            EventData::AgentSpawned(_) => "agent_spawned",
            EventData::AgentTerminated(_) => "agent_terminated",
            EventData::NewcomerScheduled { .. } => "newcomer_scheduled",
            EventData::SpawnDeferred { .. } => "spawn_deferred",
            EventData::SlotForcedReuse { .. } => "slot_forced_reuse",
            EventData::ActionFailed { .. } => "action_failed",
            EventData::DayStarted { .. } => "day_started",
            EventData::AgentTeleported { .. } => "agent_teleported",
            EventData::NeedsSet(_) => "needs_set",
            EventData::WorldSettingChanged(_) => "world_setting_changed",
            EventData::TieEvicted { .. } => "tie_evicted",
            EventData::RelationshipSet(_) => "relationship_set",
            EventData::ChatSucceeded(_) => "chat_succeeded",
            EventData::ChatFailed { .. } => "chat_failed",
            EventData::RelationshipEvent(_) => "relationship_event",
            EventData::Generic(e) => e.0,
            EventData::RentPaid { .. } => "rent_paid",
            EventData::RentMissed { .. } => "rent_missed",
            EventData::StockRestocked(_) => "stock_restocked",
            EventData::PriceChanged(_) => "price_changed",
            EventData::ShiftStarted { .. } => "shift_started",
            EventData::ShiftAbsent { .. } => "shift_absent",
            EventData::ShiftEnded(_) => "shift_ended",
            EventData::PerturbationStarted(_) => "perturbation_started",
            EventData::PerturbationEnded(_) => "perturbation_ended",
            EventData::UtilityChanged(_) => "utility_changed",
            EventData::MeetTeleported(_) => "agent_teleported",
            EventData::ExitPending { .. } => "exit_pending",
            EventData::ExitReprieved { .. } => "exit_reprieved",
        }
    }

    /// Calls `f` with each payload field in the order of docs/world-state.md 4.
    pub fn for_each_field<'a>(&'a self, mut f: impl FnMut(&'static str, Field<'a>)) {
        match self {
            EventData::AgentSpawned(e) => {
                f("agent_id", Field::AgentId(e.uid));
                f("uid", Field::Int(i64::from(e.uid)));
                f("agent_name", Field::Str(&e.agent_name));
                f("slot", Field::Int(i64::from(e.slot)));
                f("cause", Field::Str(e.cause.as_str()));
                f("position", Field::Position(e.position.0, e.position.1));
                f("home", e.home.as_deref().map_or(Field::Null, Field::Str));
                f("job", e.job.as_deref().map_or(Field::Null, Field::Str));
                f("profile", Field::Str(&e.profile));
            }
            EventData::AgentTerminated(e) => {
                f("agent_id", Field::AgentId(e.uid));
                f("reason", Field::Str(e.reason));
                f(
                    "detail",
                    e.detail.as_deref().map_or(Field::Null, Field::Str),
                );
                f("position", Field::Position(e.position.0, e.position.1));
                f("needs", Field::Needs(e.needs));
                f("wallet", Field::Float(e.wallet));
                f("lived_ticks", Field::Int(e.lived_ticks));
            }
            EventData::NewcomerScheduled {
                ticket_id,
                due_tick,
            }
            | EventData::SpawnDeferred {
                ticket_id,
                due_tick,
            } => {
                f("ticket_id", Field::Int(*ticket_id));
                f("due_tick", Field::Int(*due_tick));
            }
            EventData::SlotForcedReuse { slot, uid } => {
                f("slot", Field::Int(i64::from(*slot)));
                f("agent_id", Field::AgentId(*uid));
            }
            EventData::ActionFailed { uid, kind, reason } => {
                f("agent_id", Field::AgentId(*uid));
                f("kind", Field::Str(kind.as_str()));
                f("reason", Field::Str(reason_name(*reason)));
            }
            EventData::DayStarted { day } => f("day", Field::Int(*day)),
            EventData::AgentTeleported { uid, from, to } => {
                f("agent_id", Field::AgentId(*uid));
                f("from", Field::Position(from.0, from.1));
                f("to", Field::Position(to.0, to.1));
                f("cause", Field::Str("console"));
                f("event_id", Field::Null);
            }
            EventData::NeedsSet(e) => {
                f("agent_id", Field::AgentId(e.0));
                f("needs", Field::Needs(e.1));
            }
            EventData::WorldSettingChanged(change) => match *change {
                SettingChange::Mortality(on) => {
                    f("key", Field::Str("mortality"));
                    f("value", Field::Bool(on));
                }
                SettingChange::SpawnDelay(a, b) => {
                    f("key", Field::Str("spawn_delay"));
                    f("value", Field::IntPair(a, b));
                }
                SettingChange::PopulationTarget(n) => {
                    f("key", Field::Str("population_target"));
                    f("value", Field::Int(n));
                }
                SettingChange::DailyExitCap(n) => {
                    f("key", Field::Str("daily_exit_cap"));
                    f("value", Field::Int(n));
                }
            },
            EventData::TieEvicted {
                owner,
                other,
                faded,
            } => {
                f("owner", Field::AgentId(*owner));
                f("other", Field::AgentId(*other));
                f(
                    "reason",
                    Field::Str(if *faded { "faded" } else { "capacity" }),
                );
            }
            EventData::RelationshipSet(e) => {
                f("agent_a", Field::AgentId(e.0));
                f("agent_b", Field::AgentId(e.1));
                let opt = |v: Option<f64>| v.map_or(Field::Null, Field::Float);
                f("trust", opt(e.2[0]));
                f("familiarity", opt(e.2[1]));
                f("rivalry", opt(e.2[2]));
            }
            EventData::ChatSucceeded(e) => {
                f("speaker", Field::AgentId(e.speaker));
                f("listener", Field::AgentId(e.listener));
                f("p", e.p.map_or(Field::Null, Field::Float));
                f("quality", Field::Float(e.quality));
                f("forced", Field::Bool(e.forced));
            }
            EventData::ChatFailed {
                speaker,
                listener,
                p,
            } => {
                f("speaker", Field::AgentId(*speaker));
                f("listener", Field::AgentId(*listener));
                f("p", Field::Float(*p));
            }
            EventData::RelationshipEvent(e) => {
                f("kind", Field::Str(e.kind));
                f("agent_a", Field::AgentId(e.a));
                f("agent_b", Field::AgentId(e.b));
                f("a_to_b", Field::Deltas(e.a_to_b));
                f("b_to_a", Field::Deltas(e.b_to_a));
            }
            EventData::Generic(e) => {
                for (key, value) in &e.1 {
                    f(key, Field::Value(value));
                }
            }
            EventData::RentPaid {
                uid,
                amount,
                streak,
            }
            | EventData::RentMissed {
                uid,
                amount,
                streak,
            } => {
                f("agent_id", Field::AgentId(*uid));
                f("amount", Field::Float(*amount));
                f("streak", Field::Int(i64::from(*streak)));
            }
            EventData::StockRestocked(e) => {
                f("object_id", Field::Str(&e.0));
                f("item", Field::Str(&e.1));
                f("before", Field::Int(i64::from(e.2)));
                f("after", Field::Int(i64::from(e.3)));
            }
            EventData::PriceChanged(e) => {
                f("key", Field::Str(&e.0));
                f("base", Field::Float(e.1));
                f("effective", Field::Float(e.2));
                f("cause", Field::Str(&e.3));
            }
            EventData::ShiftStarted {
                uid,
                job,
                ticks_late,
            } => {
                let late = *ticks_late >= 0;
                f("agent_id", Field::AgentId(*uid));
                f("job_id", Field::Str(interned(*job)));
                f("status", Field::Str(if late { "late" } else { "on_time" }));
                f(
                    "ticks_late",
                    if late {
                        Field::Int(*ticks_late)
                    } else {
                        Field::Null
                    },
                );
            }
            EventData::ShiftAbsent { uid, job, absences } => {
                f("agent_id", Field::AgentId(*uid));
                f("job_id", Field::Str(interned(*job)));
                f("absences_in_window", Field::Int(i64::from(*absences)));
            }
            EventData::ShiftEnded(e) => {
                f("agent_id", Field::AgentId(e.0));
                f("job_id", Field::Str(interned(e.1)));
                f("outcome", Field::Str(e.2.as_str()));
                f("present_ticks", Field::Int(i64::from(e.3)));
                f("paid", Field::Float(e.4));
                f("withheld", Field::Float(e.5));
            }
            EventData::PerturbationStarted(e) => {
                f("event_id", Field::Str(&e.event_id));
                f("spec", Field::Str(&e.spec));
                f("kind", Field::Str(e.kind));
                f("start", Field::Int(e.start));
                f("ends_at", Field::Int(e.ends_at));
                if let Some(m) = e.magnitude {
                    f("magnitude", Field::Float(m));
                }
                if let Some(t) = &e.targets {
                    f("targets", Field::Strs(t));
                }
                if let Some(u) = e.utility {
                    f("utility", Field::Str(u));
                }
                if let Some(l) = &e.location {
                    f("location", Field::Str(l));
                }
                if let Some(p) = &e.participants {
                    f("participants", Field::AgentIds(p));
                }
            }
            EventData::PerturbationEnded(e) => {
                f("event_id", Field::Str(&e.0));
                f("spec", Field::Str(&e.1));
                f("kind", Field::Str(e.2));
                f(
                    "cause",
                    Field::Str(if e.3 { "cancelled" } else { "expired" }),
                );
            }
            EventData::UtilityChanged(e) => {
                f("utility", Field::Str(e.0));
                f("up", Field::Bool(e.1));
                f("event_id", Field::Str(&e.2));
            }
            EventData::MeetTeleported(e) => {
                f("agent_id", Field::AgentId(e.0));
                f("from", Field::Position(e.1 .0, e.1 .1));
                f("to", Field::Position(e.2 .0, e.2 .1));
                f("cause", Field::Str("arranged_meet"));
                f("event_id", Field::Str(&e.3));
            }
            EventData::ExitPending {
                uid,
                reason,
                queue_length,
            }
            | EventData::ExitReprieved {
                uid,
                reason,
                queue_length,
            } => {
                f("agent_id", Field::AgentId(*uid));
                f("reason", Field::Str(reason.as_str()));
                f("queue_length", Field::Int(i64::from(*queue_length)));
            }
        }
    }
}

/// One world event.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Tick it happened in (0 for reset).
    pub tick: i64,
    /// Emission index within the tick.
    pub seq: u32,
    /// Name and payload.
    pub data: EventData,
}

impl Event {
    /// The event name, e.g. `agent_spawned`.
    pub fn name(&self) -> &'static str {
        self.data.name()
    }

    /// The payload field `key`, if the event has one.
    ///
    /// ```
    /// use townlet_core::events::{Event, EventData, Field};
    /// let e = Event { tick: 3, seq: 0, data: EventData::DayStarted { day: 1 } };
    /// assert_eq!(e.field("day"), Some(Field::Int(1)));
    /// ```
    pub fn field(&self, key: &str) -> Option<Field<'_>> {
        let mut found = None;
        self.data.for_each_field(|k, v| {
            if k == key && found.is_none() {
                found = Some(v);
            }
        });
        found
    }

    /// The dict form `{tick, seq, name, ...payload}`.
    ///
    /// ```
    /// use townlet_core::{canonical::StateValue, events::{Event, EventData}};
    /// let e = Event { tick: 3, seq: 0, data: EventData::DayStarted { day: 1 } };
    /// assert_eq!(e.to_state_value().get("day"), Some(&StateValue::Int(1)));
    /// ```
    pub fn to_state_value(&self) -> StateValue {
        let mut pairs = Vec::with_capacity(12);
        pairs.push(("tick".to_string(), StateValue::Int(self.tick)));
        pairs.push(("seq".to_string(), StateValue::Int(i64::from(self.seq))));
        pairs.push(("name".to_string(), StateValue::str(self.name())));
        self.data
            .for_each_field(|k, v| pairs.push((k.to_string(), v.to_state_value())));
        StateValue::Dict(pairs)
    }
}

/// The events of the current tick as they are emitted, and those of the last finished
/// tick, shared.
///
/// [`EventLog::finish`] publishes a tick's events as an `Arc`, so a reader (the Python
/// binding) can keep them past the next tick without a copy; the next tick then reuses
/// the buffer when no reader holds it any more.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventLog {
    /// The tick new events are stamped with.
    pub tick: i64,
    pending: Vec<Event>,
    finished: Arc<Vec<Event>>,
}

impl EventLog {
    /// Starts a new tick: forgets the events emitted since the last `finish` (keeps the
    /// capacity); the last finished tick's events stay readable.
    pub fn begin(&mut self, tick: i64) {
        self.tick = tick;
        self.pending.clear();
    }

    /// Appends an event; `seq` is its index within the tick.
    ///
    /// ```
    /// use townlet_core::events::{EventData, EventLog};
    /// let mut log = EventLog::default();
    /// log.begin(3);
    /// log.emit(EventData::DayStarted { day: 1 });
    /// assert_eq!((log.pending()[0].tick, log.pending()[0].seq), (3, 0));
    /// ```
    pub fn emit(&mut self, data: EventData) {
        let seq = u32::try_from(self.pending.len()).unwrap_or(u32::MAX);
        self.pending.push(Event {
            tick: self.tick,
            seq,
            data,
        });
    }

    /// The events emitted since `begin`, in emission order.
    pub fn pending(&self) -> &[Event] {
        &self.pending
    }

    /// Ends the tick: its events become [`EventLog::events`].
    ///
    /// ```
    /// use townlet_core::events::{EventData, EventLog};
    /// let mut log = EventLog::default();
    /// log.begin(1);
    /// log.emit(EventData::DayStarted { day: 1 });
    /// log.finish();
    /// log.begin(2);
    /// assert_eq!((log.events().len(), log.pending().len()), (1, 0));
    /// ```
    pub fn finish(&mut self) {
        if let Some(finished) = Arc::get_mut(&mut self.finished) {
            // Nobody holds the previous tick's events: swap buffers, keep both capacities.
            std::mem::swap(finished, &mut self.pending);
            self.pending.clear();
        } else {
            let capacity = self.pending.len();
            let events = std::mem::replace(&mut self.pending, Vec::with_capacity(capacity));
            self.finished = Arc::new(events);
        }
    }

    /// The events of the last finished tick, in emission order.
    pub fn events(&self) -> &[Event] {
        &self.finished
    }

    /// The events of the last finished tick, shared: cloning the `Arc` copies nothing.
    pub fn shared(&self) -> Arc<Vec<Event>> {
        Arc::clone(&self.finished)
    }
}

#[cfg(test)]
mod tests;
