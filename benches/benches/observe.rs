//! `observe` per variant (full, hybrid, compact) at 10, 100 and 1,000 agents in the
//! 64x64 dorm town, and one step plus a hybrid observe (the training loop's per-tick
//! native work; target: >= 1,000,000 agent-steps/s at 1,000 agents, docs/performance.md).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use townlet_benches::{dorm_world, tick_once};
use townlet_core::actions::ActionMode;
use townlet_core::observe::ObservationRows;
use townlet_core::World;

const SIZES: [u32; 3] = [10, 100, 1_000];
const VARIANTS: [(&str, usize); 3] = [("full", 18), ("hybrid", 6), ("compact", 0)];

/// Caller-owned buffers of one variant, allocated once.
struct Buffers {
    mask: Vec<i8>,
    alive: Vec<bool>,
    uid: Vec<i64>,
    ctx: Vec<bool>,
    features: Vec<f32>,
    map: Option<Vec<f32>>,
}

impl Buffers {
    fn new(world: &World, channels: usize) -> Self {
        let rows = world.agents().len();
        let f = world.obs_context().features;
        let w = world.obs_context().settings.layout.window;
        Buffers {
            mask: vec![0; rows * 19],
            alive: vec![false; rows],
            uid: vec![0; rows],
            ctx: vec![false; rows],
            features: vec![0.0; rows * f],
            map: (channels > 0).then(|| vec![0.0; rows * channels * w * w]),
        }
    }

    fn observe(&mut self, world: &World) {
        let rows = ObservationRows {
            action_mask: &mut self.mask,
            alive: &mut self.alive,
            uid: &mut self.uid,
            ctx_reset: &mut self.ctx,
            columns: 19,
            features: &mut self.features,
            map: self.map.as_deref_mut(),
        };
        world.observe(rows, ActionMode::Primitive).expect("observe");
    }
}

fn bench_observe(c: &mut Criterion) {
    for (variant, channels) in VARIANTS {
        let mut group = c.benchmark_group(format!("observe_{variant}"));
        for agents in SIZES {
            group.throughput(Throughput::Elements(u64::from(agents)));
            group.bench_with_input(
                BenchmarkId::from_parameter(agents),
                &agents,
                |b, &agents| {
                    let world = dorm_world(agents, 7);
                    let mut buffers = Buffers::new(&world, channels);
                    buffers.observe(&world); // warm-up: scratch reaches its size
                    b.iter(|| buffers.observe(black_box(&world)));
                },
            );
        }
        group.finish();
    }
}

fn bench_step_and_observe(c: &mut Criterion) {
    let mut group = c.benchmark_group("step_hybrid_observe");
    for agents in SIZES {
        group.throughput(Throughput::Elements(u64::from(agents)));
        group.bench_with_input(
            BenchmarkId::from_parameter(agents),
            &agents,
            |b, &agents| {
                let mut world = dorm_world(agents, 7);
                let mut actions = Vec::new();
                let mut buffers = Buffers::new(&world, 6);
                for _ in 0..10 {
                    tick_once(&mut world, &mut actions);
                    buffers.observe(&world);
                }
                b.iter(|| {
                    tick_once(black_box(&mut world), &mut actions);
                    buffers.observe(&world);
                });
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench_observe, bench_step_and_observe);
criterion_main!(benches);
