//! The hot path allocates nothing after warm-up (architecture.md 9): `step` with no
//! events to report, and `observe`, counted by the global allocator of `common`. This
//! file is its own test binary with a single test, so no other thread allocates
//! meanwhile.

mod common;

use townlet_core::actions::ActionMode;
use townlet_core::observe::ObservationRows;
use townlet_core::settings::WorldSettings;
use townlet_core::World;

#[test]
fn step_and_observe_allocate_nothing_after_warm_up() {
    let text = include_str!("../../../python/townlet/data/configs/towns/default.map");
    let mut world =
        World::new(WorldSettings::default_town("towns/default.map", text)).expect("town");
    world.reset(0);
    // Waits emit no events; 300 ticks from 06:00 stay clear of midnight and of faints.
    let actions = vec![0; 10];
    let (mut mask, mut alive, mut uid, mut ctx) = (
        vec![0i8; 10 * 19],
        vec![false; 10],
        vec![0i64; 10],
        vec![false; 10],
    );
    let mut features = vec![0f32; 10 * 146];
    let (mut full, mut hybrid) = (vec![0f32; 10 * 18 * 121], vec![0f32; 10 * 6 * 121]);
    // Every variant each tick: full, hybrid, compact.
    let mut observe = |world: &World| {
        for variant in 0..3 {
            let map = match variant {
                0 => Some(&mut full[..]),
                1 => Some(&mut hybrid[..]),
                _ => None,
            };
            let rows = ObservationRows {
                action_mask: &mut mask,
                alive: &mut alive,
                uid: &mut uid,
                ctx_reset: &mut ctx,
                columns: 19,
                features: &mut features,
                map,
            };
            world.observe(rows, ActionMode::Primitive).expect("observe");
        }
    };
    // Ties (a friend and an avoided rival) so the social paths of observe run too.
    world.apply_command(
        r#"{"cmd_id": "a", "name": "set_rel", "args": {"agent_a": "agent_0", "agent_b": "agent_1", "trust": 0.8, "familiarity": 0.5}}"#,
    );
    world.apply_command(
        r#"{"cmd_id": "b", "name": "set_rel", "args": {"agent_a": "agent_0", "agent_b": "agent_2", "rivalry": 0.9}}"#,
    );
    for _ in 0..10 {
        world.step(&actions, ActionMode::Primitive).expect("step");
        observe(&world);
    }
    assert_eq!(world.agents()[0].ties.len(), 2);
    let before = common::allocations();
    for _ in 0..300 {
        world.step(&actions, ActionMode::Primitive).expect("step");
        observe(&world);
    }
    assert_eq!(common::allocations() - before, 0);
    assert_eq!(world.tick(), 310);
}
