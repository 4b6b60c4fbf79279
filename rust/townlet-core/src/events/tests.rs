//! Unit tests of `events`: emission order, sharing, the dict form and payload order.

use super::*;

fn day(day: i64) -> EventData {
    EventData::DayStarted { day }
}

#[test]
fn seq_counts_within_a_tick() {
    let mut log = EventLog::default();
    log.begin(1);
    log.emit(day(1));
    log.emit(day(2));
    assert_eq!(
        log.pending().iter().map(|e| e.seq).collect::<Vec<_>>(),
        [0, 1]
    );
    log.finish();
    log.begin(2);
    log.emit(day(3));
    log.finish();
    let events = log.events();
    assert_eq!((events.len(), events[0].seq, events[0].tick), (1, 0, 2));
}

#[test]
fn shared_events_outlive_the_next_tick() {
    let mut log = EventLog::default();
    log.begin(1);
    log.emit(day(1));
    log.finish();
    let kept = log.shared();
    log.begin(2);
    log.finish();
    assert_eq!((kept.len(), log.events().len()), (1, 0));
    drop(kept);
    log.begin(3);
    log.emit(day(3));
    log.finish();
    assert_eq!(log.events()[0].data, day(3));
}

#[test]
fn events_stay_small() {
    assert!(std::mem::size_of::<Event>() <= 40);
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
        data: EventData::ActionFailed {
            uid: 4,
            kind: ActionKind::Move,
            reason: 5,
        },
    };
    let StateValue::Dict(pairs) = e.to_state_value() else {
        panic!("dict")
    };
    let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["tick", "seq", "name", "agent_id", "kind", "reason"]);
    assert_eq!(
        e.to_state_value().get("reason"),
        Some(&StateValue::str("blocked_tile"))
    );
    assert_eq!(e.field("agent_id"), Some(Field::AgentId(4)));
}

#[test]
fn spawned_and_terminated_payloads_keep_the_contract_order() {
    let spawned = EventData::AgentSpawned(Box::new(Spawned {
        uid: 3,
        agent_name: "Cy".into(),
        slot: 2,
        cause: Origin::Newcomer,
        position: (1, 2),
        home: None,
        job: Some("clerk".into()),
        profile: "stoic".into(),
    }));
    let mut keys = Vec::new();
    spawned.for_each_field(|k, _| keys.push(k));
    let expected = [
        "agent_id",
        "uid",
        "agent_name",
        "slot",
        "cause",
        "position",
        "home",
        "job",
        "profile",
    ];
    assert_eq!(keys, expected);
    let terminated = EventData::AgentTerminated(Box::new(Terminated {
        uid: 3,
        reason: "faint",
        detail: None,
        position: (1, 2),
        needs: [0.0, 0.5, 0.5],
        wallet: 1.0,
        lived_ticks: 9,
    }));
    keys.clear();
    terminated.for_each_field(|k, _| keys.push(k));
    let expected = [
        "agent_id",
        "reason",
        "detail",
        "position",
        "needs",
        "wallet",
        "lived_ticks",
    ];
    assert_eq!(keys, expected);
}
