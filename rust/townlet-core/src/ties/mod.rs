//! Ties between agents: the store, the event table, admission, decay and the chat
//! formulas (world.md 10.1, 10.2, 10.4, 10.5).
//!
//! Each owner keeps at most K directed ties in a small `Vec` sorted by the other uid, so
//! iteration order is the spec's order without a map. Every function here is pure over
//! the stores it is given: the world draws the random numbers, emits the events and
//! walks owners in uid order. `python/townlet/world/ties.py` mirrors this module
//! function by function with the same f64 operations in the same order (world.md 17);
//! `tests/data/ties_cases.json` and a seeded soup pin both to the same bits.

mod settings;

pub use settings::{ChatParams, Modifiers, TieSettings};

/// One directed tie from its owner toward `other` (world.md 10.1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tie {
    /// The uid of the other agent.
    pub other: u32,
    /// Trust in [-1, 1].
    pub trust: f64,
    /// Familiarity in [-1, 1].
    pub familiarity: f64,
    /// Rivalry in [0, 1].
    pub rivalry: f64,
    /// The tick the tie was created.
    pub created_tick: i64,
    /// The tick of the last event applied to it.
    pub updated_tick: i64,
}

impl Tie {
    /// A new tie toward `other` created at tick `t`, every component zero.
    ///
    /// ```
    /// let tie = townlet_core::ties::Tie::fresh(3, 7);
    /// assert_eq!((tie.other, tie.trust, tie.updated_tick), (3, 0.0, 7));
    /// ```
    pub fn fresh(other: u32, t: i64) -> Self {
        Tie {
            other,
            trust: 0.0,
            familiarity: 0.0,
            rivalry: 0.0,
            created_tick: t,
            updated_tick: t,
        }
    }
}

/// One owner's ties, sorted by ascending `other` uid (at most K once the rules run).
///
/// ```
/// use townlet_core::ties::{Tie, Ties};
/// let mut ties = Ties::new();
/// ties.insert(Tie { other: 4, trust: 0.5, familiarity: 0.0, rivalry: 0.0, created_tick: 0, updated_tick: 0 });
/// assert_eq!(ties.get(4).map(|t| t.trust), Some(0.5));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ties {
    ties: Vec<Tie>,
}

impl Ties {
    /// An empty store.
    pub fn new() -> Self {
        Ties { ties: Vec::new() }
    }

    /// How many ties the owner keeps.
    pub fn len(&self) -> usize {
        self.ties.len()
    }

    /// Whether the owner keeps no tie.
    pub fn is_empty(&self) -> bool {
        self.ties.is_empty()
    }

    /// The ties in ascending other uid.
    pub fn iter(&self) -> std::slice::Iter<'_, Tie> {
        self.ties.iter()
    }

    /// The tie toward `other`, if any.
    pub fn get(&self, other: u32) -> Option<&Tie> {
        self.ties.iter().find(|t| t.other == other)
    }

    /// Puts `tie` in its place, replacing any tie toward the same other uid.
    pub fn insert(&mut self, tie: Tie) {
        match self.ties.binary_search_by_key(&tie.other, |t| t.other) {
            Ok(i) => self.ties[i] = tie,
            Err(i) => self.ties.insert(i, tie),
        }
    }

    /// Removes and returns the tie toward `other`, if any.
    pub fn remove(&mut self, other: u32) -> Option<Tie> {
        let i = self.ties.iter().position(|t| t.other == other)?;
        Some(self.ties.remove(i))
    }
}

/// `clamp(x, lo, hi)` of world.md 17.4, with -0.0 stored as +0.0.
fn clamp(x: f64, lo: f64, hi: f64) -> f64 {
    let v = if x < lo {
        lo
    } else if x > hi {
        hi
    } else {
        x
    };
    plus_zero(v)
}

/// `x`, with -0.0 replaced by +0.0.
fn plus_zero(x: f64) -> f64 {
    if x == 0.0 {
        0.0
    } else {
        x
    }
}

/// Strength of a tie: `(|trust| + |familiarity|) + rivalry`.
///
/// ```
/// use townlet_core::ties::{strength, Tie};
/// let tie = Tie { other: 1, trust: -0.25, familiarity: 0.5, rivalry: 0.25, created_tick: 0, updated_tick: 0 };
/// assert_eq!(strength(&tie), 1.0);
/// ```
pub fn strength(tie: &Tie) -> f64 {
    (tie.trust.abs() + tie.familiarity.abs()) + tie.rivalry
}

/// The weakest tie: smallest strength, then smallest `updated_tick`, then smallest uid.
pub fn weakest(ties: &Ties) -> Option<&Tie> {
    let mut best: Option<&Tie> = None;
    for tie in ties.iter() {
        best = match best {
            Some(b) => {
                let (s, sb) = (strength(tie), strength(b));
                if s < sb || (s == sb && tie.updated_tick < b.updated_tick) {
                    Some(tie)
                } else {
                    Some(b)
                }
            }
            None => Some(tie),
        };
    }
    best
}

/// All ties by `trust + familiarity` descending, ties broken by ascending other uid.
pub fn friends_ranked(ties: &Ties) -> Vec<&Tie> {
    let mut ranked: Vec<&Tie> = ties.iter().collect();
    // A stable sort keeps ascending uid among equal keys.
    ranked.sort_by(|x, y| {
        let (kx, ky) = (x.trust + x.familiarity, y.trust + y.familiarity);
        ky.partial_cmp(&kx).unwrap_or(std::cmp::Ordering::Equal)
    });
    ranked
}

/// All ties by `rivalry` descending, ties broken by ascending other uid.
pub fn rivals_ranked(ties: &Ties) -> Vec<&Tie> {
    let mut ranked: Vec<&Tie> = ties.iter().collect();
    ranked.sort_by(|x, y| {
        y.rivalry
            .partial_cmp(&x.rivalry)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    ranked
}

/// The social slots of learning.md 1.6: up to `n_friends` ties with
/// `trust + familiarity > 0` by that rank, then up to `n_rivals` of the ties not placed
/// as friends with `rivalry > 0`, by rivalry rank.
///
/// ```
/// use townlet_core::ties::{social_slots, Tie, Ties};
/// let mut ties = Ties::new();
/// ties.insert(Tie { other: 2, trust: 0.0, familiarity: 0.0, rivalry: 0.5, created_tick: 0, updated_tick: 0 });
/// let (friends, rivals) = social_slots(&ties, 2, 2);
/// assert_eq!((friends.len(), rivals[0].other), (0, 2));
/// ```
pub fn social_slots(ties: &Ties, n_friends: usize, n_rivals: usize) -> (Vec<&Tie>, Vec<&Tie>) {
    let friends: Vec<&Tie> = friends_ranked(ties)
        .into_iter()
        .filter(|t| t.trust + t.familiarity > 0.0)
        .take(n_friends)
        .collect();
    let rivals: Vec<&Tie> = rivals_ranked(ties)
        .into_iter()
        .filter(|t| t.rivalry > 0.0 && !friends.iter().any(|f| f.other == t.other))
        .take(n_rivals)
        .collect();
    (friends, rivals)
}

/// Changes to one direction of a tie, in the order trust, familiarity, rivalry.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Deltas {
    /// Change of trust.
    pub trust: f64,
    /// Change of familiarity.
    pub familiarity: f64,
    /// Change of rivalry.
    pub rivalry: f64,
}

/// An owner's personality traits, each in [-1, 1] (world.md 4.3).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Traits {
    /// Extroversion.
    pub extroversion: f64,
    /// Forgiveness.
    pub forgiveness: f64,
    /// Ambition.
    pub ambition: f64,
}

/// A row of the event table (world.md 10.2).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TieEvent {
    /// Two agents eat together in one zone.
    SharedMeal,
    /// Completion handover: completer, new holder.
    QueuePolite,
    /// Ghost step: demoted holder, granted waiter.
    Blocked,
    /// Handover promotion: jumped waiter, promoted agent.
    QueueCut,
    /// Absent agent, each coworker on shift.
    TookShift,
    /// Late agent, each coworker on shift.
    HelpedLate,
    /// Successful chat of quality q: speaker, listener.
    ChatGood(f64),
    /// Chat rejected by the success draw: speaker, listener.
    ChatFailed,
}

impl TieEvent {
    /// The event's `kind` as `relationship_event` names it.
    pub fn name(&self) -> &'static str {
        match self {
            TieEvent::SharedMeal => "shared_meal",
            TieEvent::QueuePolite => "queue_polite",
            TieEvent::Blocked => "blocked",
            TieEvent::QueueCut => "queue_cut",
            TieEvent::TookShift => "took_shift",
            TieEvent::HelpedLate => "helped_late",
            TieEvent::ChatGood(_) => "chat_good",
            TieEvent::ChatFailed => "chat_failed",
        }
    }

    /// The event called `name` (`quality` is used by `chat_good` only).
    ///
    /// ```
    /// use townlet_core::ties::TieEvent;
    /// assert_eq!(TieEvent::from_name("chat_good", 0.5), Some(TieEvent::ChatGood(0.5)));
    /// ```
    pub fn from_name(name: &str, quality: f64) -> Option<Self> {
        Some(match name {
            "shared_meal" => TieEvent::SharedMeal,
            "queue_polite" => TieEvent::QueuePolite,
            "blocked" => TieEvent::Blocked,
            "queue_cut" => TieEvent::QueueCut,
            "took_shift" => TieEvent::TookShift,
            "helped_late" => TieEvent::HelpedLate,
            "chat_good" => TieEvent::ChatGood(quality),
            "chat_failed" => TieEvent::ChatFailed,
            _ => return None,
        })
    }

    /// The base deltas of the table; `chat_good(q)` scales trust and familiarity by q.
    pub fn base_deltas(&self) -> Deltas {
        let (trust, familiarity, rivalry) = match *self {
            TieEvent::SharedMeal => (0.10, 0.25, 0.0),
            TieEvent::QueuePolite => (0.05, 0.05, -0.05),
            TieEvent::Blocked => (0.0, -0.05, 0.15),
            TieEvent::QueueCut => (0.0, -0.05, 0.10),
            TieEvent::TookShift => (-0.10, 0.0, 0.30),
            TieEvent::HelpedLate => (0.20, 0.10, -0.10),
            TieEvent::ChatGood(q) => (0.05 * q, 0.10 * q, 0.0),
            TieEvent::ChatFailed => (0.0, -0.05, 0.05),
        };
        Deltas {
            trust,
            familiarity,
            rivalry,
        }
    }
}

/// The deltas of `event` for an owner with `traits`, after the modifiers in their order.
///
/// ```
/// use townlet_core::ties::{modified_deltas, TieEvent, TieSettings, Traits};
/// let m = TieSettings::default().modifiers;
/// let d = modified_deltas(TieEvent::Blocked, Traits::default(), &m);
/// assert_eq!((d.familiarity, d.rivalry), (-0.05, 0.15));
/// ```
pub fn modified_deltas(event: TieEvent, traits: Traits, modifiers: &Modifiers) -> Deltas {
    let mut d = event.base_deltas();
    if modifiers.enabled {
        if let TieEvent::ChatGood(_) = event {
            d.familiarity += modifiers.c_ext_fam * traits.extroversion;
        }
        let resented = matches!(
            event,
            TieEvent::TookShift | TieEvent::Blocked | TieEvent::QueueCut
        );
        if resented && d.rivalry > 0.0 {
            let factor = 1.0 + (modifiers.c_ambition * traits.ambition);
            d.rivalry *= if factor > 0.0 { factor } else { 0.0 };
        }
        let soften = 1.0 - (modifiers.c_forgive * traits.forgiveness);
        if d.trust < 0.0 {
            d.trust *= soften;
        }
        if d.familiarity < 0.0 {
            d.familiarity *= soften;
        }
        if d.rivalry > 0.0 {
            d.rivalry *= soften;
        }
    }
    Deltas {
        trust: plus_zero(d.trust),
        familiarity: plus_zero(d.familiarity),
        rivalry: plus_zero(d.rivalry),
    }
}

/// What one applied direction did: the deltas applied and the tie evicted for room.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Applied {
    /// The deltas applied (after modifiers, before clamping).
    pub deltas: Deltas,
    /// The owner's weakest tie, evicted for capacity (`tie_evicted`, reason `capacity`).
    pub evicted: Option<Tie>,
}

/// Applies `deltas` to the owner's tie toward `other` at tick `t` (world.md 10.2
/// Application); `None` when admission refuses a new tie on a full owner.
///
/// ```
/// use townlet_core::ties::{apply_direction, Deltas, TieSettings, Ties};
/// let mut ties = Ties::new();
/// let d = Deltas { trust: 0.1, familiarity: 0.25, rivalry: 0.0 };
/// assert!(apply_direction(&mut ties, 3, d, 7, &TieSettings::default()).is_some());
/// assert_eq!(ties.get(3).map(|t| t.created_tick), Some(7));
/// ```
pub fn apply_direction(
    ties: &mut Ties,
    other: u32,
    deltas: Deltas,
    t: i64,
    settings: &TieSettings,
) -> Option<Applied> {
    let mut evicted = None;
    let old = match ties.get(other) {
        Some(tie) => *tie,
        None => {
            if ties.len() >= settings.max_ties {
                let m = (deltas.trust.abs() + deltas.familiarity.abs()) + deltas.rivalry.abs();
                let victim = *weakest(ties)?;
                if !(m > settings.admission_threshold && m > strength(&victim)) {
                    return None;
                }
                evicted = ties.remove(victim.other);
            }
            Tie::fresh(other, t)
        }
    };
    ties.insert(Tie {
        other,
        trust: clamp(old.trust + deltas.trust, -1.0, 1.0),
        familiarity: clamp(old.familiarity + deltas.familiarity, -1.0, 1.0),
        rivalry: clamp(old.rivalry + deltas.rivalry, 0.0, 1.0),
        created_tick: old.created_tick,
        updated_tick: t,
    });
    Some(Applied { deltas, evicted })
}

/// One side of a pair event: an agent's uid, ties and traits.
#[derive(Debug)]
pub struct Party<'s> {
    /// The agent's uid.
    pub uid: u32,
    /// The agent's ties (its owner store).
    pub ties: &'s mut Ties,
    /// The agent's traits.
    pub traits: Traits,
}

/// What `apply_pair` did in each direction (`None` where admission refused it).
///
/// The caller emits `a_to_b.evicted`, then `b_to_a.evicted` as `tie_evicted`, and then
/// one `relationship_event` whose direction fields are the applied deltas or null.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PairOutcome {
    /// The direction a -> b (owner a).
    pub a_to_b: Option<Applied>,
    /// The direction b -> a (owner b).
    pub b_to_a: Option<Applied>,
}

/// Applies `event` to `a -> b` and then `b -> a` at tick `t`, each with its owner's
/// modifiers; `None` (nothing happens) when `a` and `b` are the same agent.
///
/// ```
/// use townlet_core::ties::{apply_pair, Party, TieEvent, TieSettings, Ties, Traits};
/// let (mut ta, mut tb) = (Ties::new(), Ties::new());
/// let a = Party { uid: 0, ties: &mut ta, traits: Traits::default() };
/// let b = Party { uid: 1, ties: &mut tb, traits: Traits::default() };
/// let out = apply_pair(TieEvent::SharedMeal, a, b, 5, &TieSettings::default()).unwrap();
/// assert!(out.a_to_b.is_some() && tb.get(0).is_some());
/// ```
pub fn apply_pair(
    event: TieEvent,
    a: Party<'_>,
    b: Party<'_>,
    t: i64,
    settings: &TieSettings,
) -> Option<PairOutcome> {
    if a.uid == b.uid {
        return None;
    }
    let d = modified_deltas(event, a.traits, &settings.modifiers);
    let a_to_b = apply_direction(a.ties, b.uid, d, t, settings);
    let d = modified_deltas(event, b.traits, &settings.modifiers);
    let b_to_a = apply_direction(b.ties, a.uid, d, t, settings);
    Some(PairOutcome { a_to_b, b_to_a })
}

/// The hourly decay of one owner's ties (world.md 10.5); returns the faded ties, removed
/// in ascending uid (each a `tie_evicted` with reason `faded`).
///
/// ```
/// use townlet_core::ties::{decay_ties, Tie, TieSettings, Ties};
/// let mut ties = Ties::new();
/// ties.insert(Tie { other: 1, trust: 0.011, familiarity: 0.0, rivalry: 0.0, created_tick: 0, updated_tick: 0 });
/// assert_eq!(decay_ties(&mut ties, 0.0, &TieSettings::default()).len(), 1);
/// ```
pub fn decay_ties(ties: &mut Ties, forgiveness: f64, settings: &TieSettings) -> Vec<Tie> {
    let [r_trust, r_fam, r_riv] = settings.decay_per_hour;
    let factor = if settings.modifiers.enabled {
        1.0 + (settings.modifiers.c_forgive * forgiveness)
    } else {
        1.0
    };
    let mut faded = Vec::new();
    ties.ties.retain_mut(|tie| {
        tie.trust = toward_zero(tie.trust, r_trust);
        tie.familiarity = toward_zero(tie.familiarity, r_fam);
        let v = tie.rivalry - (r_riv * factor);
        tie.rivalry = if v > 0.0 { v } else { 0.0 };
        let d = settings.drop_below;
        let keep = !(tie.trust.abs() < d && tie.familiarity.abs() < d && tie.rivalry.abs() < d);
        if !keep {
            faded.push(*tie);
        }
        keep
    });
    faded
}

/// `x` moved toward 0 by `r` without crossing it.
fn toward_zero(x: f64, r: f64) -> f64 {
    if x > 0.0 {
        let v = x - r;
        if v > 0.0 {
            v
        } else {
            0.0
        }
    } else if x < 0.0 {
        let v = x + r;
        if v < 0.0 {
            v
        } else {
            0.0
        }
    } else {
        0.0
    }
}

/// The trust and familiarity of the listener's tie toward the speaker (0 without one).
pub fn listener_view(ties: &Ties, speaker: u32) -> (f64, f64) {
    ties.get(speaker)
        .map_or((0.0, 0.0), |t| (t.trust, t.familiarity))
}

/// The chat success probability p of world.md 10.4, clamped to `[p_min, p_max]`.
///
/// ```
/// use townlet_core::ties::{chat_probability, TieSettings};
/// assert_eq!(chat_probability(0.0, 0.0, 0.0, &TieSettings::default().chat), 0.7);
/// ```
pub fn chat_probability(trust: f64, familiarity: f64, extroversion: f64, chat: &ChatParams) -> f64 {
    let p = ((chat.base_p * (1.0 + chat.trust_coeff * trust))
        * (1.0 + chat.fam_coeff * familiarity))
        * (1.0 + chat.ext_coeff * extroversion);
    clamp(p, chat.p_min, chat.p_max)
}

/// The chat quality q of world.md 10.4: `clamp((0.5 + 0.3 t) + 0.2 f, 0.1, 1.0)`.
///
/// ```
/// assert_eq!(townlet_core::ties::chat_quality(0.0, 0.0), 0.5);
/// ```
pub fn chat_quality(trust: f64, familiarity: f64) -> f64 {
    clamp((0.5 + 0.3 * trust) + 0.2 * familiarity, 0.1, 1.0)
}

#[cfg(test)]
mod tests;
