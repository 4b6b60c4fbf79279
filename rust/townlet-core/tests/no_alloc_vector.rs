//! The vector API's step allocates nothing after warm-up (learning.md 4.4 rule 5):
//! two towns with one thread (stepped on the caller's thread; a multi-thread rayon
//! pool itself allocates about once per 60 hand-offs, which is rayon's, not the
//! core's), counted by a global allocator wrapper. Its own test
//! binary with a single test, so no other test thread allocates meanwhile.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use townlet_core::actions::ActionMode;
use townlet_core::settings::WorldSettings;
use townlet_core::vector::{OwnedRows, Vector, VectorSpec};
use townlet_core::World;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged; only counts them.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

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
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..150 {
        vector.step(&actions, false, rows.rows()).expect("step");
    }
    let after = ALLOCATIONS.load(Ordering::Relaxed);
    assert_eq!(
        after - before,
        0,
        "vector steps allocated {} times",
        after - before
    );
    assert!(rows.alive.iter().all(|&a| a));
}
