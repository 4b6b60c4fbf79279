//! Start checks, CHAT engagement rules and the queue priority in the Rust core;
//! `tests/world/test_start_checks.py` pins the same cases in the Python world.

use super::*;
use crate::actions::{chat_check, BUSY};

fn town() -> WorldState {
    let text = include_str!("../../../../python/townlet/data/configs/towns/default.map");
    let settings = crate::settings::WorldSettings::default_town("towns/default.map", text);
    let mut world = crate::World::new(settings).unwrap_or_else(|e| panic!("{e:?}"));
    world.reset(0);
    world.state().clone()
}

fn object_of(state: &WorldState, type_name: &str) -> usize {
    state
        .grid
        .objects
        .iter()
        .position(|o| o.type_name == type_name)
        .unwrap_or_else(|| panic!("no {type_name}"))
}

#[test]
fn precondition_failure_names_its_index() {
    let mut state = town();
    let bed = state.agents[0].bed.expect("bed");
    assert_eq!(
        start_check(&state, &state.agents[0], 0, Some(bed), 1),
        (0, None)
    );
    state.owners[bed] = None;
    assert_eq!(
        start_check(&state, &state.agents[0], 0, Some(bed), 1),
        (19, Some(0))
    );
    assert_eq!(
        state.tables.preconditions[0][0].source,
        "object.owner == agent.id"
    );
}

#[test]
fn money_items_and_limits_are_checked_in_order() {
    let mut state = town();
    let counter = object_of(&state, "counter");
    let buy_meal = state.tables.affordance_index["buy_meal"];
    let eat_meal = state.tables.affordance_index["eat_meal"];
    let mut a = state.agents[0].clone();
    a.wallet = 0.5;
    assert_eq!(start_check(&state, &a, buy_meal, Some(counter), 1).0, 20);
    a.wallet = 5.0;
    a.items[1] = 2;
    assert_eq!(start_check(&state, &a, buy_meal, Some(counter), 1).0, 23);
    a.items[1] = 0;
    assert_eq!(start_check(&state, &a, eat_meal, None, 1).0, 21);
    state.stock[counter][1] = 0;
    assert_eq!(start_check(&state, &a, buy_meal, Some(counter), 1).0, 22);
}

#[test]
fn chat_reports_busy_and_target_busy() {
    let mut state = town();
    let eat_raw = state.tables.affordance_index["eat_raw_food"]; // allows_chat
    let shower = state.tables.affordance_index["shower"];
    let (x, y) = state.agents[0].position();
    (state.agents[1].x, state.agents[1].y) = (x, y);
    state.agents[0].eng = Engagement::Using {
        aff: shower,
        remaining: 3,
        started_tick: 0,
        cost_paid: 0.0,
    };
    let (runner, other) = (state.agents[0].clone(), state.agents[1].clone());
    assert_eq!(chat_check(&state, &runner, Some(&other), 1), BUSY);
    assert_eq!(chat_check(&state, &other, Some(&runner), 1), 16);
    state.agents[0].eng = Engagement::Using {
        aff: eat_raw,
        remaining: 3,
        started_tick: 0,
        cost_paid: 0.0,
    };
    let runner = state.agents[0].clone();
    assert_eq!(chat_check(&state, &other, Some(&runner), 1), 0);
}

#[test]
fn priority_is_fcfs_without_bonus() {
    let mut state = town();
    let shower = object_of(&state, "shower");
    for (uid, joined) in [(3, 5), (4, 2)] {
        state.queues[shower].waiters.push(Waiter {
            uid,
            joined_tick: joined,
            intent: 1,
        });
    }
    state.tick = 10;
    // Position 1 joined 3 ticks earlier: 0.1 * 8 - 1 = -0.2 < 0.1 * 5 - 0 = 0.5.
    assert_eq!(queue::best_waiter(&state, shower, false), 0);
    state.bonuses = vec![0.0, 2.0];
    assert_eq!(queue::best_waiter(&state, shower, true), 1);
}
