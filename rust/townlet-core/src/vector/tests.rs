//! Vector API rules: same results for any thread count, seat rows equal to the single
//! world's rows, vacancies while a newcomer's delay runs, rollover seeds.

use super::*;
use crate::observe::ObservationRows;
use crate::rng::splitmix64;
use crate::settings::WorldSettings;

fn churn_world() -> World {
    let text = include_str!("../../../../python/townlet/data/configs/towns/default.map");
    let mut settings = WorldSettings::default_town("towns/default.map", text);
    settings.needs.decay.hunger = 0.02;
    World::new(settings).unwrap()
}

fn spec(towns: usize, threads: usize, max_ticks: i64) -> VectorSpec {
    VectorSpec {
        towns,
        seats: 10,
        max_ticks,
        mode: ActionMode::Option,
        channels: 6,
        threads,
    }
}

/// Masked pseudo-random option ids from an LCG, one per row.
fn actions(rows: &OwnedRows, state: &mut u64, out: &mut [i32]) {
    for (row, action) in out.iter_mut().enumerate() {
        let mask = &rows.action_mask[row * 8..row * 8 + 8];
        let allowed: Vec<i32> = (0..8).filter(|&a| mask[a] == 1).map(|a| a as i32).collect();
        let pick = splitmix64(state) % allowed.len().max(1) as u64;
        *action = allowed.get(pick as usize).copied().unwrap_or(0);
    }
}

fn run(threads: usize, ticks: usize) -> Vec<OwnedRows> {
    let world = churn_world();
    let mut vector = Vector::new(&world, spec(3, threads, 150)).unwrap();
    let mut rows = OwnedRows::new(vector.shape());
    vector.reset(11, rows.rows()).unwrap();
    let mut rng = 5u64;
    let mut ids = vec![0i32; 30];
    let mut out = vec![rows.clone()];
    for _ in 0..ticks {
        actions(&rows, &mut rng, &mut ids);
        vector.step(&ids, false, rows.rows()).unwrap();
        out.push(rows.clone());
    }
    out
}

#[test]
fn thread_counts_give_identical_rows() {
    let one = run(1, 200);
    let four = run(4, 200);
    assert!(one == four);
    // The churn config ends residents and rolls towns over within 200 ticks.
    assert!(one.iter().any(|r| r.terminated.iter().any(|&t| t)));
    assert!(one.iter().any(|r| r.town_reset.iter().any(|&t| t)));
    assert!(one.iter().any(|r| r.alive.iter().any(|&a| !a)));
}

#[test]
fn town_zero_rows_equal_the_single_world() {
    let world = churn_world();
    let mut vector = Vector::new(&world, spec(1, 1, 10_000)).unwrap();
    let mut rows = OwnedRows::new(vector.shape());
    vector.reset(3, rows.rows()).unwrap();
    let mut single = world.clone();
    let mut seeds = town_seed_state(3, 0);
    single.reset(splitmix64(&mut seeds));
    let mut rng = 9u64;
    let mut ids = vec![0i32; 10];
    let f = vector.shape().features;
    for _ in 0..120 {
        let (mut mask, mut alive, mut uid, mut ctx) = (
            vec![0i8; 12 * 8],
            vec![false; 12],
            vec![0i64; 12],
            vec![false; 12],
        );
        let mut features = vec![0f32; 12 * f];
        let obs = ObservationRows {
            action_mask: &mut mask,
            alive: &mut alive,
            uid: &mut uid,
            ctx_reset: &mut ctx,
            columns: 8,
            features: &mut features,
            map: None,
        };
        single.observe(obs, ActionMode::Option).unwrap();
        let seats = vector.towns()[0].seats();
        for (k, agent) in single.agents().iter().enumerate().filter(|(_, a)| a.alive) {
            let seat = seats.seat_of(agent.uid).unwrap();
            assert_eq!(
                &rows.features[seat * f..(seat + 1) * f],
                &features[k * f..(k + 1) * f]
            );
            assert_eq!(
                &rows.action_mask[seat * 8..seat * 8 + 8],
                &mask[k * 8..k * 8 + 8]
            );
            assert_eq!(rows.uid[seat], i64::from(agent.uid));
        }
        actions(&rows, &mut rng, &mut ids);
        let by_agent: Vec<i32> = single
            .agents()
            .iter()
            .map(|a| seats.seat_of(a.uid).map_or(0, |s| ids[s]))
            .collect();
        single.step(&by_agent, ActionMode::Option).unwrap();
        vector.step(&ids, false, rows.rows()).unwrap();
    }
    assert_eq!(vector.towns()[0].world().state_hash(), single.state_hash());
}

#[test]
fn vacant_rows_are_zero_with_wait_only_masks() {
    let world = churn_world();
    let mut vector = Vector::new(&world, spec(1, 1, 10_000)).unwrap();
    let mut rows = OwnedRows::new(vector.shape());
    vector.reset(1, rows.rows()).unwrap();
    let ids = vec![0i32; 10];
    let mut saw_vacancy = false;
    for _ in 0..200 {
        vector.step(&ids, false, rows.rows()).unwrap();
        for seat in (0..10).filter(|&s| !rows.alive[s]) {
            saw_vacancy = true;
            assert_eq!(rows.uid[seat], -1);
            assert!(rows.features[seat * 146..(seat + 1) * 146]
                .iter()
                .all(|&v| v == 0.0));
            assert_eq!(
                &rows.action_mask[seat * 8..seat * 8 + 8],
                &[1, 0, 0, 0, 0, 0, 0, 0]
            );
        }
    }
    assert!(saw_vacancy);
}

#[test]
fn rollover_takes_the_next_seed() {
    let world = churn_world();
    let mut vector = Vector::new(&world, spec(2, 1, 3)).unwrap();
    let mut rows = OwnedRows::new(vector.shape());
    vector.reset(8, rows.rows()).unwrap();
    for _ in 0..3 {
        vector.step(&[0; 20], false, rows.rows()).unwrap();
    }
    assert_eq!(vector.towns()[1].episodes(), 2);
    let mut seeds = town_seed_state(8, 1);
    splitmix64(&mut seeds);
    let mut fresh = world.clone();
    fresh.reset(splitmix64(&mut seeds));
    assert_eq!(vector.towns()[1].world().state_hash(), fresh.state_hash());
}

#[test]
fn bad_sizes_are_errors() {
    let world = churn_world();
    assert!(Vector::new(
        &world,
        VectorSpec {
            seats: 4,
            ..spec(1, 1, 5)
        }
    )
    .is_err());
    assert!(Vector::new(
        &world,
        VectorSpec {
            channels: 5,
            ..spec(1, 1, 5)
        }
    )
    .is_err());
    let mut vector = Vector::new(&world, spec(1, 1, 5)).unwrap();
    let mut rows = OwnedRows::new(vector.shape());
    assert!(vector.step(&[0; 10], false, rows.rows()).is_err());
    vector.reset(0, rows.rows()).unwrap();
    let err = vector.step(&[0; 9], false, rows.rows()).unwrap_err();
    assert!(err.to_string().starts_with("actions: expected 10"));
}
