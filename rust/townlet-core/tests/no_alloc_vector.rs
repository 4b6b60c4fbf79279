//! The vector API's step allocates nothing after warm-up (learning.md 4.4 rule 5):
//! two towns with one thread (stepped on the caller's thread; a multi-thread rayon
//! pool itself allocates about once per 60 hand-offs, which is rayon's, not the
//! core's), counted by the global allocator of `common`. Its own test
//! binary with a single test, so no other test thread allocates meanwhile.

mod common;

use townlet_core::actions::ActionMode;
use townlet_core::settings::WorldSettings;
use townlet_core::vector::{OwnedRows, Vector, VectorSpec};
use townlet_core::World;

#[test]
fn vector_step_allocates_nothing_after_warm_up() {
    let text = include_str!("../../../python/townlet/data/configs/towns/default.map");
    let world = World::new(WorldSettings::default_town("towns/default.map", text)).expect("town");
    let spec = VectorSpec {
        towns: 2,
        seats: 10,
        max_ticks: 10_000,
        mode: ActionMode::Option,
        channels: 6,
        threads: 1,
    };
    let mut vector = Vector::new(&world, spec).expect("vector");
    let mut rows = OwnedRows::new(vector.shape());
    vector.reset(0, rows.rows()).expect("reset");
    // Wait only: 300 ticks from 06:00 stay clear of midnight and of faints.
    let actions = vec![0; 20];
    for _ in 0..50 {
        vector.step(&actions, false, rows.rows()).expect("step");
    }
    let before = common::allocations();
    for _ in 0..150 {
        vector.step(&actions, false, rows.rows()).expect("step");
    }
    let after = common::allocations();
    assert_eq!(
        after - before,
        0,
        "vector steps allocated {} times",
        after - before
    );
    assert!(rows.alive.iter().all(|&a| a));
}
