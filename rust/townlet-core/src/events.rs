//! World events and reason codes (world.md 6.4 and 15, docs/world-state.md 4).
//!
//! Every event is `{tick, seq, name, ...payload}`; `seq` counts from 0 within a tick in
//! emission order. The log is cleared at the start of each tick (keeping its capacity)
//! and handed out as that tick's events, so each occurrence is reported exactly once.
//! Mirrors `python/townlet/world/events.py`.

use crate::canonical::StateValue;

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

/// One world event.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Tick it happened in (0 for reset).
    pub tick: i64,
    /// Emission index within the tick.
    pub seq: u32,
    /// Event name, e.g. `agent_spawned`.
    pub name: &'static str,
    /// Payload fields in the order of docs/world-state.md 4.
    pub payload: Vec<(&'static str, StateValue)>,
}

impl Event {
    /// The dict form `{tick, seq, name, ...payload}`.
    ///
    /// ```
    /// use townlet_core::{canonical::StateValue, events::Event};
    /// let e = Event { tick: 3, seq: 0, name: "day_started", payload: vec![("day", StateValue::Int(1))] };
    /// assert_eq!(e.to_state_value().get("day"), Some(&StateValue::Int(1)));
    /// ```
    pub fn to_state_value(&self) -> StateValue {
        let mut pairs = Vec::with_capacity(3 + self.payload.len());
        pairs.push(("tick".to_string(), StateValue::Int(self.tick)));
        pairs.push(("seq".to_string(), StateValue::Int(i64::from(self.seq))));
        pairs.push(("name".to_string(), StateValue::str(self.name)));
        pairs.extend(self.payload.iter().map(|(k, v)| (k.to_string(), v.clone())));
        StateValue::Dict(pairs)
    }
}

/// The events of the current tick, in emission order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventLog {
    /// The tick new events are stamped with.
    pub tick: i64,
    /// This tick's events.
    pub events: Vec<Event>,
}

impl EventLog {
    /// Starts a new tick: forgets the previous tick's events (keeps the capacity).
    pub fn begin(&mut self, tick: i64) {
        self.tick = tick;
        self.events.clear();
    }

    /// Appends event `name` with `payload` (fields in the order given).
    ///
    /// ```
    /// use townlet_core::{canonical::StateValue, events::EventLog};
    /// let mut log = EventLog::default();
    /// log.begin(3);
    /// log.emit("day_started", vec![("day", StateValue::Int(1))]);
    /// assert_eq!((log.events[0].tick, log.events[0].seq), (3, 0));
    /// ```
    pub fn emit(&mut self, name: &'static str, payload: Vec<(&'static str, StateValue)>) {
        let seq = u32::try_from(self.events.len()).unwrap_or(u32::MAX);
        self.events.push(Event {
            tick: self.tick,
            seq,
            name,
            payload,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seq_counts_within_a_tick() {
        let mut log = EventLog::default();
        log.begin(1);
        log.emit("a", vec![]);
        log.emit("b", vec![]);
        assert_eq!(log.events.iter().map(|e| e.seq).collect::<Vec<_>>(), [0, 1]);
        log.begin(2);
        log.emit("c", vec![]);
        assert_eq!(
            (log.events.len(), log.events[0].seq, log.events[0].tick),
            (1, 0, 2)
        );
    }

    #[test]
    fn reason_table_matches_world_md() {
        assert_eq!(reason_code("chat_rejected"), Some(32));
        assert_eq!(reason_name(4), "out_of_bounds");
        assert_eq!(reason_name(200), "unknown");
    }

    #[test]
    fn dict_form_puts_the_header_first() {
        let e = Event {
            tick: 1,
            seq: 2,
            name: "x",
            payload: vec![("k", StateValue::Null)],
        };
        let StateValue::Dict(pairs) = e.to_state_value() else {
            panic!("dict")
        };
        let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["tick", "seq", "name", "k"]);
    }
}
