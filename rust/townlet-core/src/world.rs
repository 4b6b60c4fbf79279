//! The `World`: one town behind the `WorldRuntime` calls (architecture.md 2.1).
//!
//! [`World`] owns a [`WorldState`] and exposes exactly what the binding needs: reset,
//! step, observe, export/import, hash and view. Everything else lives in the rule
//! modules; this file only checks arguments and wires them together.

use crate::actions::ActionMode;
use std::sync::Arc;

use crate::agents::{agent_id, Agent};
use crate::canonical::{canonical_hash, StateValue};
use crate::console::{parse_command, CommandResult};
use crate::error::Error;
use crate::events::{Event, EventData};
use crate::grid::Grid;
use crate::lifecycle::spawn_initial;
use crate::manifest::ManifestTables;
use crate::mapfile::load_map;
use crate::obs_context::ObsContext;
use crate::observe::{write_masks, ObservationRows};
use crate::settings::WorldSettings;
use crate::state::{export_state, import_state, items_value, needs_value, WorldState};
use crate::tick;

/// What one `step` reports besides the events (which stay readable via [`World::events`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StepOutcome {
    /// The tick just processed.
    pub tick: i64,
    /// `(agent id, reason)` of agents terminated this tick, in emission order.
    pub terminated: Vec<(String, String)>,
    /// Ids of agents spawned this tick, in emission order.
    pub spawned: Vec<String>,
    /// Results of the console commands applied in step 3, in arrival order.
    pub command_results: Vec<CommandResult>,
}

/// One town: settings, map and state.
///
/// ```
/// use townlet_core::{actions::ActionMode, settings::WorldSettings, World};
/// let text = include_str!("../../../python/townlet/data/configs/towns/default.map");
/// let mut world = World::new(WorldSettings::default_town("towns/default.map", text)).unwrap();
/// world.reset(7);
/// let outcome = world.step(&[0; 10], ActionMode::Primitive).unwrap();
/// assert_eq!((outcome.tick, world.agents().len()), (1, 10));
/// ```
#[derive(Clone, Debug)]
pub struct World {
    state: WorldState,
    manifest: ManifestTables,
    is_reset: bool,
    commands: Vec<serde_json::Value>,
    obs: ObsContext,
}

impl World {
    /// Loads the map of `settings`; the town stays empty until [`World::reset`].
    pub fn new(settings: WorldSettings) -> Result<World, Error> {
        settings.validate()?;
        let manifest = ManifestTables::build(&settings)?;
        let grid = load_map(
            &settings.map.name,
            &settings.map.text,
            &settings.manifest.object_types,
        )?;
        let obs = ObsContext::new(&settings, &grid)?;
        Ok(World {
            obs,
            state: WorldState::new(settings, grid, 0),
            manifest,
            is_reset: false,
            commands: Vec::new(),
        })
    }

    /// Parses the settings JSON (docs/world-state.md 1) and loads the map.
    pub fn from_json(json: &str) -> Result<World, Error> {
        World::new(WorldSettings::from_json(json)?)
    }

    /// Builds the town at tick 0 from `seed`: streams, slots, the initial population.
    pub fn reset(&mut self, seed: u64) {
        let settings = self.state.settings.clone();
        let grid = self.state.grid.clone();
        let mut state = WorldState::new(settings, grid, seed);
        // Keep the scratch capacity of the previous town.
        state.order = std::mem::take(&mut self.state.order);
        state.divisors = std::mem::take(&mut self.state.divisors);
        self.state = state;
        self.state.events.begin(0);
        spawn_initial(&mut self.state);
        self.state.events.finish();
        self.is_reset = true;
    }

    /// The current tick.
    pub fn tick(&self) -> i64 {
        self.state.tick
    }

    /// The day of the current tick.
    pub fn day(&self) -> i64 {
        self.state.day()
    }

    /// The minute of day of the current tick.
    pub fn minute(&self) -> i64 {
        self.state.minute()
    }

    /// Agents in uid order: the alive ones and those terminated in the last tick.
    pub fn agents(&self) -> &[Agent] {
        &self.state.agents
    }

    /// The ids of [`World::agents`], in the same order.
    pub fn agent_ids(&self) -> impl Iterator<Item = &str> {
        self.state.agents.iter().map(|a| a.id.as_str())
    }

    /// The events of the last step (or of the reset).
    pub fn events(&self) -> &[Event] {
        self.state.events.events()
    }

    /// The events of the last step (or of the reset), shared without a copy: they stay
    /// readable after later steps for as long as the `Arc` is kept.
    pub fn shared_events(&self) -> Arc<Vec<Event>> {
        self.state.events.shared()
    }

    /// The loaded map.
    pub fn grid(&self) -> &Grid {
        &self.state.grid
    }

    /// The settings.
    pub fn settings(&self) -> &WorldSettings {
        &self.state.settings
    }

    /// The manifest tables (item, affordance, offered, item-use and vendor indexes).
    pub fn manifest(&self) -> &ManifestTables {
        &self.manifest
    }

    /// The manifest tables by name (`manifest_tables()` of both worlds).
    pub fn manifest_tables(&self) -> StateValue {
        self.manifest.to_value(&self.state.settings)
    }

    /// The whole state (read-only).
    pub fn state(&self) -> &WorldState {
        &self.state
    }

    /// Advances one tick. `actions` holds one primitive id per row of `agent_ids()`.
    ///
    /// Errors (`Provider`): a world not yet reset, or an
    /// action count that differs from the number of agents.
    pub fn step(&mut self, actions: &[i32], mode: ActionMode) -> Result<StepOutcome, Error> {
        if !self.is_reset {
            return Err(Error::provider(
                "the world has no town yet: call reset(seed) first",
            ));
        }
        let n = self.state.agents.len();
        if actions.len() != n {
            return Err(Error::provider(format!(
                "actions: expected shape ({n},), got ({},)",
                actions.len()
            )));
        }
        let command_results = self.advance(actions, mode);
        let mut outcome = StepOutcome {
            tick: self.state.tick,
            command_results,
            ..StepOutcome::default()
        };
        for event in self.state.events.events() {
            match &event.data {
                EventData::AgentSpawned(e) => outcome.spawned.push(agent_id(e.uid)),
                EventData::AgentTerminated(e) => outcome
                    .terminated
                    .push((agent_id(e.uid), e.reason.to_string())),
                _ => {}
            }
        }
        Ok(outcome)
    }

    /// Runs one tick without building a [`StepOutcome`] (the vector API's hot path:
    /// nothing allocated); the caller has checked `is_reset` and the action count.
    /// Returns the results of the queued console commands.
    fn advance(&mut self, actions: &[i32], mode: ActionMode) -> Vec<CommandResult> {
        let commands = std::mem::take(&mut self.commands);
        let fields = (mode == ActionMode::Option).then_some(&self.obs.targets);
        tick::step_options(&mut self.state, actions, &commands, fields)
    }

    /// Advances one tick like [`World::step`] but reports nothing (no strings, no
    /// vectors): the vector API reads the agents and events afterwards.
    ///
    /// Errors (`Provider`): as [`World::step`].
    pub fn step_quiet(&mut self, actions: &[i32], mode: ActionMode) -> Result<(), Error> {
        if !self.is_reset {
            return Err(Error::provider(
                "the world has no town yet: call reset(seed) first",
            ));
        }
        let n = self.state.agents.len();
        if actions.len() != n {
            return Err(Error::provider(format!(
                "actions: expected shape ({n},), got ({},)",
                actions.len()
            )));
        }
        self.advance(actions, mode);
        Ok(())
    }

    /// Queues a console command, given as JSON text `{"cmd_id", "name", "args"}`;
    /// step 3 of the next [`World::step`] applies it (world.md 16). Never fails: text
    /// that is not JSON becomes a malformed command's result.
    pub fn apply_command(&mut self, json: &str) {
        self.commands.push(parse_command(json));
    }

    /// Writes map, features, masks and row flags into caller-owned rows
    /// (learning.md 1.8, docs/world-state.md 7).
    pub fn observe(&self, rows: ObservationRows<'_>, mode: ActionMode) -> Result<(), Error> {
        write_masks(&self.state, &self.obs, rows, mode)
    }

    /// The observation context built at construction (F, window, fields).
    pub fn obs_context(&self) -> &ObsContext {
        &self.obs
    }

    /// The canonical state tree (docs/world-state.md 3).
    pub fn export_state(&self) -> StateValue {
        export_state(&self.state)
    }

    /// Replaces the state by `tree`; on error nothing changes (D9).
    pub fn import_state(&mut self, tree: &StateValue) -> Result<(), Error> {
        import_state(&mut self.state, tree)?;
        self.is_reset = true;
        Ok(())
    }

    /// Hex sha256 of the canonical encoding of the state tree.
    pub fn state_hash(&self) -> String {
        canonical_hash(&self.export_state())
    }

    /// A read-only picture for UIs: clock, tiles, agents, objects, last events.
    pub fn view(&self) -> StateValue {
        let s = &self.state;
        let agents = s.agents.iter().map(|a| {
            StateValue::dict([
                ("id", StateValue::str(&a.id)),
                ("uid", StateValue::from(a.uid)),
                ("name", StateValue::str(&a.name)),
                ("position", StateValue::position(a.position())),
                ("alive", StateValue::Bool(a.alive)),
                ("needs", needs_value(a.needs)),
                ("wallet", StateValue::Float(a.wallet)),
                ("items", items_value(s, &a.items)),
                ("profile", StateValue::str(s.profile_name(a.profile))),
                ("home", StateValue::opt_str(s.zone_name(a.home))),
                ("slot", StateValue::from(a.slot)),
            ])
        });
        let objects =
            s.grid
                .objects
                .iter()
                .zip(&s.owners)
                .zip(&s.stock)
                .map(|((o, owner), stock)| {
                    StateValue::dict([
                        ("id", StateValue::str(&o.id)),
                        ("type", StateValue::str(&o.type_name)),
                        ("position", StateValue::position((o.x, o.y))),
                        ("owner", StateValue::opt_str(owner.map(agent_id))),
                        ("stock", items_value(s, stock)),
                    ])
                });
        StateValue::dict([
            ("tick", StateValue::Int(s.tick)),
            ("day", StateValue::Int(s.day())),
            ("minute", StateValue::Int(s.minute())),
            ("width", StateValue::Int(i64::from(s.grid.width))),
            ("height", StateValue::Int(i64::from(s.grid.height))),
            (
                "rows",
                StateValue::List(s.grid.rows.iter().map(StateValue::str).collect()),
            ),
            ("agents", StateValue::List(agents.collect())),
            ("objects", StateValue::List(objects.collect())),
            (
                "events",
                StateValue::List(
                    s.events
                        .events()
                        .iter()
                        .map(Event::to_state_value)
                        .collect(),
                ),
            ),
        ])
    }
}
