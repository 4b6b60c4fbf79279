//! One tick (`step`, primitive moves in a fixed pattern) and one compact `observe`
//! (masks and features), at 10, 100 and 1,000 agents in the dorm town (architecture.md
//! 9). `benches/observe.rs` has observe per variant.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use townlet_benches::{dorm_world, tick_once};
use townlet_core::actions::ActionMode;
use townlet_core::observe::ObservationRows;

const SIZES: [u32; 3] = [10, 100, 1_000];

fn bench_tick(c: &mut Criterion) {
    let mut group = c.benchmark_group("tick");
    for agents in SIZES {
        group.bench_with_input(
            BenchmarkId::from_parameter(agents),
            &agents,
            |b, &agents| {
                let mut world = dorm_world(agents, 7);
                let mut actions = Vec::new();
                for _ in 0..10 {
                    tick_once(&mut world, &mut actions); // warm-up: buffers reach their size
                }
                b.iter(|| tick_once(black_box(&mut world), &mut actions));
            },
        );
    }
    group.finish();
}

fn bench_observe(c: &mut Criterion) {
    let mut group = c.benchmark_group("observe_masks");
    for agents in SIZES {
        group.bench_with_input(
            BenchmarkId::from_parameter(agents),
            &agents,
            |b, &agents| {
                let world = dorm_world(agents, 7);
                let rows = agents as usize;
                let (mut mask, mut alive) = (vec![0i8; rows * 19], vec![false; rows]);
                let (mut uid, mut ctx) = (vec![0i64; rows], vec![false; rows]);
                let mut features = vec![0f32; rows * 146];
                b.iter(|| {
                    let buffers = ObservationRows {
                        action_mask: &mut mask,
                        alive: &mut alive,
                        uid: &mut uid,
                        ctx_reset: &mut ctx,
                        columns: 19,
                        features: &mut features,
                        map: None,
                    };
                    world
                        .observe(buffers, ActionMode::Primitive)
                        .expect("observe");
                });
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench_tick, bench_observe);
criterion_main!(benches);
