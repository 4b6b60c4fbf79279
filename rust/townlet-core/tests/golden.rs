//! Whole-tick golden runs on the default town (STYLE.md 7): concrete facts about a
//! 2,000-tick run with a fixed seed and a fixed action pattern.

use townlet_core::actions::ActionMode;
use townlet_core::canonical::StateValue;
use townlet_core::events::Event;
use townlet_core::observe::ObservationRows;
use townlet_core::settings::WorldSettings;
use townlet_core::{Error, World};

const DEFAULT_MAP: &str = include_str!("../../../python/townlet/data/configs/towns/default.map");

fn settings() -> WorldSettings {
    WorldSettings::default_town("towns/default.map", DEFAULT_MAP)
}

fn world(seed: u64) -> World {
    let mut world = World::new(settings()).expect("default town loads");
    world.reset(seed);
    world
}

/// Row `i` at tick `t` does `(t + i) mod 5`: waits and moves in every direction.
fn actions(world: &World) -> Vec<i32> {
    let t = world.tick();
    (0..world.agents().len())
        .map(|i| ((t + i as i64) % 5) as i32)
        .collect()
}

fn step(world: &mut World) -> Vec<Event> {
    let a = actions(world);
    world.step(&a, ActionMode::Primitive).expect("step");
    world.events().to_vec()
}

fn payload(event: &Event, key: &str) -> StateValue {
    event.field(key).expect("payload field").to_state_value()
}

#[test]
fn two_thousand_ticks_of_a_town_that_never_eats() {
    let mut world = world(42);
    assert_eq!(
        world.events().len(),
        10,
        "reset emits one agent_spawned per initial agent"
    );
    let mut faints: Vec<(i64, i64)> = Vec::new(); // (tick, uid)
    let mut newcomers: Vec<(i64, i64)> = Vec::new();
    let mut days = Vec::new();
    for _ in 0..2_000 {
        for event in step(&mut world) {
            match event.name() {
                "agent_terminated" => {
                    assert_eq!(payload(&event, "reason"), StateValue::str("faint"));
                    let StateValue::Str(id) = payload(&event, "agent_id") else {
                        panic!("id")
                    };
                    let uid: i64 = id.trim_start_matches("agent_").parse().expect("uid");
                    faints.push((event.tick, uid));
                }
                "agent_spawned" => {
                    assert_eq!(payload(&event, "cause"), StateValue::str("newcomer"));
                    let StateValue::Int(uid) = payload(&event, "uid") else {
                        panic!("uid")
                    };
                    newcomers.push((event.tick, uid));
                }
                "day_started" => days.push((event.tick, payload(&event, "day"))),
                _ => {}
            }
        }
    }
    assert_eq!((world.tick(), world.day(), world.minute()), (2_000, 1, 920));
    assert_eq!(days, vec![(1_080, StateValue::Int(1))]);

    // Every initial agent faints between ticks 650 and 700: 0.75 of hunger at 0.0012 per
    // tick (0.00114 for stoics) and then 30 ticks at or below the threshold.
    let initial: Vec<&(i64, i64)> = faints.iter().filter(|(_, uid)| *uid < 10).collect();
    assert_eq!(initial.len(), 10);
    assert!(
        initial.iter().all(|(t, _)| (650..=700).contains(t)),
        "{initial:?}"
    );

    // Newcomers take fresh uids from 10 up, 5-20 ticks after a faint, and faint in turn.
    let uids: Vec<i64> = newcomers.iter().map(|(_, uid)| *uid).collect();
    assert_eq!(uids[..10], (10..20).collect::<Vec<_>>()[..]);
    assert!(newcomers[0].0 >= initial[0].0 + 5 && newcomers[0].0 <= initial[0].0 + 20);
    let second: Vec<&(i64, i64)> = faints
        .iter()
        .filter(|(_, uid)| (10..20).contains(uid))
        .collect();
    assert_eq!(second.len(), 10);
    assert!(world.agents().iter().all(|a| a.uid >= 10));
    assert!(world.agents().iter().filter(|a| a.alive).count() <= 10);
}

#[test]
fn newcomers_arrive_at_the_bus_stop_with_newcomer_defaults() {
    let mut world = world(3);
    while world.agents().iter().all(|a| a.uid < 10) {
        step(&mut world);
        assert!(world.tick() < 800, "no newcomer by tick 800");
    }
    let newcomer = world
        .agents()
        .iter()
        .find(|a| a.uid >= 10)
        .expect("newcomer");
    assert_eq!(
        newcomer.position(),
        [(0, 23), (0, 24)][(newcomer.uid % 2) as usize]
    );
    assert_eq!((newcomer.wallet, newcomer.items.clone()), (3.0, vec![1, 1]));
    assert!(newcomer.ctx_reset);
    assert_eq!(newcomer.needs_before, [0.8, 0.8, 0.8]);
}

#[test]
fn export_import_roundtrip_keeps_the_hash_and_the_future() {
    let mut a = world(11);
    for _ in 0..700 {
        step(&mut a);
    }
    let tree = a.export_state();
    let mut b = World::new(settings()).expect("town");
    b.import_state(&tree).expect("import");
    assert_eq!(a.state_hash(), b.state_hash());
    assert_eq!(b.export_state(), tree);
    for _ in 0..300 {
        step(&mut a);
        step(&mut b);
        assert_eq!(a.state_hash(), b.state_hash(), "tick {}", a.tick());
    }
}

#[test]
fn same_seed_same_town_other_seed_other_town() {
    let (mut a, mut b, mut c) = (world(5), world(5), world(6));
    for _ in 0..50 {
        step(&mut a);
        step(&mut b);
        step(&mut c);
    }
    assert_eq!(a.state_hash(), b.state_hash());
    assert_ne!(a.state_hash(), c.state_hash());
}

#[test]
fn a_refused_tree_changes_nothing() {
    let mut w = world(1);
    step(&mut w);
    let before = w.state_hash();
    let mut tree = w.export_state();
    if let StateValue::Dict(pairs) = &mut tree {
        for (key, value) in pairs.iter_mut() {
            if key == "agents" {
                if let StateValue::List(agents) = value {
                    if let Some(StateValue::Dict(fields)) = agents.get_mut(3) {
                        for (k, v) in fields.iter_mut() {
                            if k == "needs" {
                                *v = StateValue::dict([
                                    ("hunger", StateValue::str("x")),
                                    ("hygiene", StateValue::Float(0.5)),
                                    ("energy", StateValue::Float(0.5)),
                                ]);
                            }
                        }
                    }
                }
            }
            if key == "tick" {
                *value = StateValue::Int(99);
            }
        }
    }
    let err = w.import_state(&tree).expect_err("refused");
    assert_eq!(
        err.to_string(),
        "agents[3].needs.hunger: expected float, got str"
    );
    assert!(matches!(err, Error::Snapshot { .. }));
    assert_eq!(w.state_hash(), before);
}

#[test]
fn forced_slot_reuse_is_reported_before_the_spawn() {
    let mut s = settings();
    s.embedding.max_slots = 10;
    let mut w = World::new(s).expect("town");
    w.reset(9);
    let mut seen = None;
    while seen.is_none() && w.tick() < 800 {
        let events = step(&mut w);
        if let Some(i) = events.iter().position(|e| e.name() == "slot_forced_reuse") {
            seen = Some((events[i].clone(), events[i + 1].clone()));
        }
    }
    let (forced, spawned) = seen.expect("a forced reuse");
    assert_eq!(spawned.name(), "agent_spawned");
    assert_eq!(payload(&forced, "agent_id"), payload(&spawned, "agent_id"));
    assert_eq!(payload(&forced, "slot"), payload(&spawned, "slot"));
}

#[test]
fn without_mortality_nobody_faints_and_the_counter_keeps_counting() {
    let mut s = settings();
    s.lifecycle.mortality = false;
    let mut w = World::new(s).expect("town");
    w.reset(2);
    for _ in 0..800 {
        assert!(step(&mut w).iter().all(|e| e.name() != "agent_terminated"));
    }
    assert!(w
        .agents()
        .iter()
        .all(|a| a.alive && a.hunger_low_ticks > 30 && a.needs[0] == 0.0));
}

#[test]
fn masks_follow_walls_and_dead_rows_allow_only_wait() {
    let w = world(0);
    // Agent 0 stands east of bed_1 at (3, 2): north is the wall, west the bed.
    assert_eq!(w.agents()[0].position(), (3, 2));
    let rows = 12;
    let (mut mask, mut alive, mut uid, mut ctx) = (
        vec![7i8; rows * 19],
        vec![true; rows],
        vec![5i64; rows],
        vec![true; rows],
    );
    let mut features = vec![9f32; rows * 146];
    let buffers = ObservationRows {
        action_mask: &mut mask,
        alive: &mut alive,
        uid: &mut uid,
        ctx_reset: &mut ctx,
        columns: 19,
        features: &mut features,
        map: None,
    };
    w.observe(buffers, ActionMode::Primitive).expect("observe");
    // Moves, then the roles: sleep in its own bed (5), eat what it carries (15, 16).
    assert_eq!(&mask[..6], &[1, 0, 1, 1, 0, 1]);
    assert!(mask[6..15].iter().all(|&m| m == 0));
    assert_eq!(&mask[15..19], &[1, 1, 0, 0]);
    assert!(features[10 * 146..].iter().all(|&f| f == 0.0));
    assert_eq!((alive[0], uid[0], ctx[0]), (true, 0, true));
    assert_eq!(
        &mask[10 * 19..11 * 19],
        &[&[1i8][..], &[0; 18][..]].concat()[..]
    );
    assert_eq!((alive[11], uid[11], ctx[11]), (false, -1, false));
}

#[test]
fn bad_calls_are_errors_not_panics() {
    let mut w = World::new(settings()).expect("town");
    assert!(matches!(
        w.step(&[], ActionMode::Primitive),
        Err(Error::Provider { .. })
    ));
    w.reset(0);
    let err = w.step(&[0; 3], ActionMode::Primitive).expect_err("short");
    assert_eq!(err.to_string(), "actions: expected shape (10,), got (3,)");
    let err = w
        .step(&[0; 3], ActionMode::Option)
        .expect_err("short option");
    assert_eq!(err.to_string(), "actions: expected shape (10,), got (3,)");
    let (mut mask, mut alive, mut uid, mut ctx) = (
        vec![0i8; 5 * 19],
        vec![false; 5],
        vec![0i64; 5],
        vec![false; 5],
    );
    let mut features = vec![0f32; 5 * 146];
    let buffers = ObservationRows {
        action_mask: &mut mask,
        alive: &mut alive,
        uid: &mut uid,
        ctx_reset: &mut ctx,
        columns: 19,
        features: &mut features,
        map: None,
    };
    assert!(w.observe(buffers, ActionMode::Primitive).is_err());
    assert!(w.import_state(&StateValue::Int(3)).is_err());
    assert_eq!(w.tick(), 0);
}
