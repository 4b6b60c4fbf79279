//! Fixtures for the criterion benches of `townlet-core` (architecture.md 9).
//!
//! The default town sleeps only 10, and `population_target` may not exceed the bed
//! count, so the benches run in a generated 64x64 dorm: a corridor down column 0 and
//! every even row, 63 beds on every odd row (2,016 beds), and the bus stop at (0, 0).

use townlet_core::actions::ActionMode;
use townlet_core::settings::WorldSettings;
use townlet_core::World;

/// The dorm map text: 64x64, 2,016 beds, one spawn tile.
///
/// ```
/// assert!(townlet_benches::dorm_map().contains("size 64 64"));
/// ```
pub fn dorm_map() -> String {
    let mut text = String::from("townlet-map 1\nname dorm\nsize 64 64\nobject B bed\ngrid\n");
    for y in 0..64 {
        let row = match y {
            0 => format!("@{}", ".".repeat(63)),
            y if y % 2 == 1 => format!(".{}", "B".repeat(63)),
            _ => ".".repeat(64),
        };
        text.push_str(&row);
        text.push('\n');
    }
    text
}

/// A dorm town of `agents` residents after `reset(seed)`, with mortality off so the
/// population (and the cost of a tick) stays steady however long a bench runs.
///
/// ```
/// let world = townlet_benches::dorm_world(100, 0);
/// assert_eq!(world.agents().len(), 100);
/// ```
pub fn dorm_world(agents: u32, seed: u64) -> World {
    let mut settings = WorldSettings::default_town("towns/dorm.map", &dorm_map());
    settings.lifecycle.population_target = agents;
    settings.lifecycle.mortality = false;
    settings.embedding.max_slots = agents.max(64);
    let mut world = World::new(settings).expect("the dorm map is valid");
    world.reset(seed);
    world
}

/// Fills `actions` with the fixed pattern of the benches: row `i` at tick `t` takes
/// primitive `(t + i) mod 5` (waits and moves in every direction).
pub fn fill_actions(actions: &mut Vec<i32>, rows: usize, tick: i64) {
    actions.clear();
    actions.extend((0..rows).map(|i| ((tick + i as i64) % 5) as i32));
}

/// Runs one tick of `world` with the fixed pattern, reusing `actions`.
pub fn tick_once(world: &mut World, actions: &mut Vec<i32>) {
    fill_actions(actions, world.agents().len(), world.tick());
    world.step(actions, ActionMode::Primitive).expect("step");
}
