//! World state: the container, `export_state` and `import_state` (world.md 18).
//!
//! [`WorldState`] holds everything a tick reads or writes, plus the immutable settings
//! and grid it refers to. [`export_state`] builds the canonical tree of
//! docs/world-state.md 3 (`state_version` 5), whose canonical hash is `state_hash()`.
//! [`import_state`] checks the whole tree first (`snapshot_check.rs`) and only then
//! replaces the state, so a refused tree changes nothing. Mirrors `state.py`.

use crate::affordances::tree::{
    export_engagement, export_last_affordance, export_queue, import_engagement, import_queue,
};
use crate::affordances::Queue;
use crate::agents::{agent_id, ActionKind, Agent, Origin, SpawnKit};
use crate::canonical::StateValue;
use crate::clock::Clock;
use crate::error::Error;
use crate::events::EventLog;
use crate::grid::Grid;
use crate::manifest::ManifestTables;
use crate::rng::{Divisors, Rng};
use crate::settings::{SpawnDefaults, WorldSettings, NEED_NAMES};
use crate::slots::SlotTable;
use crate::snapshot_check::check_state_tree;
use crate::ties::Tie;

/// Largest tick (and delay) the Rust world accepts: every tick stays exact in an f64.
pub const MAX_TICK: i64 = (1 << 53) - 1;

/// The state tree version this module writes and reads.
pub const STATE_VERSION: i64 = 5;

/// A pending newcomer (world.md 11.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ticket {
    /// Counter from 1.
    pub ticket_id: i64,
    /// Tick from which the newcomer may arrive.
    pub due_tick: i64,
    /// Whether `spawn_deferred` was emitted for it.
    pub deferred: bool,
}

/// All mutable world state plus the immutable settings and grid it refers to.
#[derive(Clone, Debug)]
pub struct WorldState {
    /// The checked settings.
    pub settings: WorldSettings,
    /// The loaded map.
    pub grid: Grid,
    /// Day length and start minute.
    pub clock: Clock,
    /// `(profile index, weight)` in config order.
    pub distribution: Vec<(usize, f64)>,
    /// Object indexes of ownable objects, ascending.
    pub ownable: Vec<usize>,
    /// Defaults of `initial` agents.
    pub initial: SpawnKit,
    /// Defaults of newcomers and console spawns.
    pub newcomer: SpawnKit,
    /// Current tick (0 after reset).
    pub tick: i64,
    /// The `world` stream.
    pub rng_world: Rng,
    /// The `events` stream.
    pub rng_events: Rng,
    /// Next uid to assign.
    pub next_uid: u32,
    /// Next ticket id to assign.
    pub next_ticket: i64,
    /// Whether faints terminate (console-changeable).
    pub mortality: bool,
    /// Alive agents the town keeps (console-changeable).
    pub population_target: u32,
    /// Newcomer delay range (console-changeable).
    pub spawn_delay_ticks: (i64, i64),
    /// Agents in uid order, alive and awaiting purge.
    pub agents: Vec<Agent>,
    /// Owner uid per object.
    pub owners: Vec<Option<u32>>,
    /// Stock per object, one count per manifest item (world.md 8.3).
    pub stock: Vec<Vec<u32>>,
    /// Base price per key of `economy.prices` (console-changeable, world.md 8.1).
    pub base_prices: Vec<f64>,
    /// Effective price per key of `economy.prices` (base times active spikes).
    pub prices: Vec<f64>,
    /// Zone index of each job's site (`None`: not on the map).
    pub job_sites: Vec<Option<usize>>,
    /// Perturbation scheduler (world.md 12.2).
    pub perturb: crate::perturb::Scheduler,
    /// Per-tick probability of each perturbation spec (derived at load).
    pub p_ticks: Vec<f64>,
    /// Interned id of each job (`events::intern`), for allocation-free events.
    pub job_names: Vec<u32>,
    /// The exit queue, FIFO (world.md 9.6).
    pub exit_queue: Vec<crate::exits::ExitEntry>,
    /// Evictions processed today.
    pub exits_today: u32,
    /// Tick of the latest eviction.
    pub last_exit_tick: Option<i64>,
    /// Evictions allowed per day (console-changeable).
    pub daily_exit_cap: u32,
    /// Scratch: uids approved by the console this tick, evicted in step 12.
    pub exit_approvals: Vec<u32>,
    /// Scratch: employment phase 1 presence per agent index.
    pub shift_present: Vec<bool>,
    /// Scratch: employment phase 1 shift state per agent index.
    pub shift_prev: Vec<crate::employment::ShiftState>,
    /// Embedding slots.
    pub slots: SlotTable,
    /// Pending newcomers in ticket order.
    pub tickets: Vec<Ticket>,
    /// This tick's events.
    pub events: EventLog,
    /// Scratch: the shuffled action order (agent indexes), reused every tick.
    pub order: Vec<usize>,
    /// Scratch: the option controllers' on-demand BFS (distances, then the tiles the
    /// last search set; see `controllers::social::bfs_limited`).
    pub ctl_bfs: (Vec<i32>, Vec<usize>),
    /// Scratch: the reciprocals of the action-order shuffle's divisors.
    pub divisors: Divisors,
    /// The settings, shared so rules can read them while mutating the state.
    pub shared_settings: std::sync::Arc<WorldSettings>,
    /// The manifest tables (indexes and compiled preconditions).
    pub tables: ManifestTables,
    /// Queue per object (empty for capacity 0; world.md 7.1).
    pub queues: Vec<Queue>,
    /// Per tile (row-major), the objects with capacity > 0 it is an interaction tile of.
    pub at_tile: Vec<Vec<usize>>,
    /// Scratch: uids of the shared-meal set `S` of this tick (world.md 7.5).
    pub eaters: Vec<u32>,
    /// Scratch: unordered pairs credited with a shared meal this tick.
    pub meal_pairs: Vec<(u32, u32)>,
    /// Scratch: uids demoted by this object's ghost step.
    pub demoted: Vec<u32>,
    /// Scratch: handover bonuses per waiter.
    pub bonuses: Vec<f64>,
    /// Scratch: uids jumped by a handover promotion.
    pub jumped: Vec<u32>,
}

fn spawn_kit(
    settings: &WorldSettings,
    needs: [f64; 3],
    wallet: f64,
    items: &[(String, u32)],
) -> SpawnKit {
    SpawnKit {
        needs,
        wallet,
        items: settings.item_counts(items),
    }
}

/// Each object's initial stock: its type's `stock`, 0 for unlisted items.
fn initial_stock(settings: &WorldSettings, grid: &Grid) -> Vec<Vec<u32>> {
    let types = &settings.manifest.object_types;
    grid.objects
        .iter()
        .map(|o| match types.get(o.type_index) {
            Some(t) => settings.item_counts(&t.stock),
            None => vec![0; settings.manifest.items.len()],
        })
        .collect()
}

impl WorldState {
    /// The state before `reset` populates it: tick 0, streams of `seed`, no agents.
    pub fn new(settings: WorldSettings, grid: Grid, seed: u64) -> Self {
        let distribution = settings
            .personalities
            .distribution
            .iter()
            .filter_map(|(name, w)| settings.profile_index(name).map(|p| (p, *w)))
            .collect();
        let types = &settings.manifest.object_types;
        let ownable = grid
            .objects
            .iter()
            .filter(|o| types.get(o.type_index).is_some_and(|t| t.ownable))
            .map(|o| o.index)
            .collect();
        let a = &settings.agents;
        let initial = spawn_kit(&settings, a.needs.to_array(), a.wallet, &a.items);
        let SpawnDefaults {
            needs,
            wallet,
            items,
        } = &settings.lifecycle.newcomer;
        let newcomer = spawn_kit(&settings, needs.to_array(), *wallet, items);
        let clock = Clock {
            ticks_per_day: settings.time.ticks_per_day,
            start_minute: settings.time.start_minute,
        };
        let l = &settings.lifecycle;
        let tables = ManifestTables::build(&settings).unwrap_or_default();
        let mut at_tile = vec![Vec::new(); (grid.width.max(0) * grid.height.max(0)) as usize];
        for o in &grid.objects {
            let cap = types.get(o.type_index).map_or(0, |t| t.capacity);
            if cap == 0 {
                continue;
            }
            for &(x, y) in &o.interaction {
                if let Some(list) = grid.index(x, y).and_then(|k| at_tile.get_mut(k)) {
                    list.push(o.index);
                }
            }
        }
        let base_prices: Vec<f64> = settings.economy.prices.iter().map(|(_, p)| *p).collect();
        let job_sites = settings
            .jobs
            .iter()
            .map(|j| grid.zone_index(&j.site))
            .collect();
        WorldState {
            shared_settings: std::sync::Arc::new(settings.clone()),
            tables,
            queues: vec![Queue::default(); grid.objects.len()],
            at_tile,
            eaters: Vec::new(),
            meal_pairs: Vec::new(),
            demoted: Vec::new(),
            bonuses: Vec::new(),
            jumped: Vec::new(),
            prices: base_prices.clone(),
            base_prices,
            job_sites,
            perturb: crate::perturb::Scheduler::new(settings.perturbations.specs.len()),
            p_ticks: crate::perturb::p_ticks(&settings.perturbations, settings.time.ticks_per_day),
            job_names: settings
                .jobs
                .iter()
                .map(|j| crate::events::intern(&j.id))
                .collect(),
            exit_queue: Vec::new(),
            exits_today: 0,
            last_exit_tick: None,
            daily_exit_cap: settings.exits.daily_exit_cap,
            exit_approvals: Vec::new(),
            shift_present: Vec::new(),
            shift_prev: Vec::new(),
            clock,
            distribution,
            ownable,
            initial,
            newcomer,
            tick: 0,
            rng_world: Rng::for_stream(seed, "world"),
            rng_events: Rng::for_stream(seed, "events"),
            next_uid: 0,
            next_ticket: 1,
            mortality: l.mortality,
            population_target: l.population_target,
            spawn_delay_ticks: l.spawn_delay_ticks,
            agents: Vec::new(),
            owners: vec![None; grid.objects.len()],
            stock: initial_stock(&settings, &grid),
            slots: SlotTable::new(usize::try_from(settings.embedding.max_slots).unwrap_or(0)),
            tickets: Vec::new(),
            events: EventLog::default(),
            order: Vec::new(),
            ctl_bfs: Default::default(),
            divisors: Divisors::default(),
            settings,
            grid,
        }
    }

    /// Zero-based day of the current tick.
    pub fn day(&self) -> i64 {
        self.clock.day(self.tick)
    }

    /// Minute of day of the current tick.
    pub fn minute(&self) -> i64 {
        self.clock.minute(self.tick)
    }

    /// Number of alive agents.
    pub fn alive_count(&self) -> usize {
        self.agents.iter().filter(|a| a.alive).count()
    }

    /// The zone name of zone index `zone`.
    pub fn zone_name(&self, zone: Option<usize>) -> Option<&str> {
        zone.and_then(|z| self.grid.zones.get(z))
            .map(|z| z.name.as_str())
    }

    /// Index of the agent with `uid` (agents are in ascending uid order).
    pub fn agent_index(&self, uid: u32) -> Option<usize> {
        self.agents.binary_search_by_key(&uid, |a| a.uid).ok()
    }

    /// Objects (capacity > 0, object order) with `(x, y)` as an interaction tile.
    pub fn objects_at(&self, x: i32, y: i32) -> &[usize] {
        self.grid
            .index(x, y)
            .and_then(|k| self.at_tile.get(k))
            .map_or(&[], |v| v.as_slice())
    }

    /// The name of profile `profile`.
    pub fn profile_name(&self, profile: usize) -> &str {
        self.settings
            .personalities
            .profiles
            .get(profile)
            .map_or("", |p| p.name.as_str())
    }
}

/// `{hunger, hygiene, energy}` as a dict of floats.
pub fn needs_value(needs: [f64; 3]) -> StateValue {
    StateValue::dict(
        NEED_NAMES
            .iter()
            .zip(needs)
            .map(|(n, v)| (*n, StateValue::Float(v))),
    )
}

/// `{item name: count}` in manifest order.
pub fn items_value(state: &WorldState, items: &[u32]) -> StateValue {
    StateValue::dict(
        state
            .settings
            .manifest
            .items
            .iter()
            .zip(items)
            .map(|(item, count)| (item.name.as_str(), StateValue::from(*count))),
    )
}

fn opt_usize(value: Option<usize>) -> StateValue {
    StateValue::opt_int(value.and_then(|v| i64::try_from(v).ok()))
}

/// The exported form of one agent (docs/world-state.md 3).
pub fn export_agent(state: &WorldState, agent: &Agent) -> StateValue {
    StateValue::dict([
        ("uid", StateValue::from(agent.uid)),
        ("id", StateValue::str(&agent.id)),
        ("name", StateValue::str(&agent.name)),
        ("slot", StateValue::from(agent.slot)),
        ("origin", StateValue::str(agent.origin.as_str())),
        ("spawned_tick", StateValue::Int(agent.spawned_tick)),
        ("alive", StateValue::Bool(agent.alive)),
        ("terminated_tick", StateValue::Int(agent.terminated_tick)),
        ("position", StateValue::position(agent.position())),
        ("home", StateValue::opt_str(state.zone_name(agent.home))),
        ("bed", opt_usize(agent.bed)),
        ("needs", needs_value(agent.needs)),
        ("hunger_low_ticks", StateValue::from(agent.hunger_low_ticks)),
        ("wallet", StateValue::Float(agent.wallet)),
        ("items", items_value(state, &agent.items)),
        (
            "profile",
            StateValue::str(state.profile_name(agent.profile)),
        ),
        ("extroversion", StateValue::Float(agent.extroversion)),
        ("forgiveness", StateValue::Float(agent.forgiveness)),
        ("ambition", StateValue::Float(agent.ambition)),
        (
            "last_action",
            StateValue::dict([
                ("kind", StateValue::str(agent.last_kind.as_str())),
                ("ok", StateValue::Bool(agent.last_ok)),
                ("reason", StateValue::Int(i64::from(agent.last_reason))),
            ]),
        ),
        ("ctx_reset", StateValue::Bool(agent.ctx_reset)),
        (
            "ties",
            StateValue::List(
                agent
                    .ties
                    .iter()
                    .map(|t| {
                        StateValue::dict([
                            ("other", StateValue::from(t.other)),
                            ("trust", StateValue::Float(t.trust)),
                            ("familiarity", StateValue::Float(t.familiarity)),
                            ("rivalry", StateValue::Float(t.rivalry)),
                            ("created_tick", StateValue::Int(t.created_tick)),
                            ("updated_tick", StateValue::Int(t.updated_tick)),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "chat_cooldowns",
            StateValue::Dict(
                agent
                    .chat_cooldowns
                    .iter()
                    .map(|(uid, tick)| (uid.to_string(), StateValue::Int(*tick)))
                    .collect(),
            ),
        ),
        ("last_chat_tick", StateValue::Int(agent.last_chat_tick)),
        ("engagement", export_engagement(agent)),
        ("last_affordance", export_last_affordance(agent.last_aff)),
        (
            "rent_missed_streak",
            StateValue::from(agent.rent_missed_streak),
        ),
        (
            "job",
            StateValue::opt_str(agent.job.map(|j| crate::employment::job_id(state, j))),
        ),
        ("shift", crate::employment::export_shift(&agent.shift)),
        (
            "absence_days",
            StateValue::List(
                agent
                    .absence_days
                    .iter()
                    .map(|d| StateValue::Int(*d))
                    .collect(),
            ),
        ),
        ("exit_pending", StateValue::Bool(agent.exit_pending)),
        ("option", agent.opt.to_value()),
        ("possessed", StateValue::Bool(agent.possessed)),
    ])
}

/// The complete, canonical state tree (docs/world-state.md 3).
pub fn export_state(state: &WorldState) -> StateValue {
    let hex =
        |rng: &Rng| StateValue::List(rng.state_hex().into_iter().map(StateValue::Str).collect());
    let (dmin, dmax) = state.spawn_delay_ticks;
    StateValue::dict([
        ("state_version", StateValue::Int(STATE_VERSION)),
        ("tick", StateValue::Int(state.tick)),
        (
            "identity",
            StateValue::dict([
                ("map_sha256", StateValue::str(&state.settings.map.sha256)),
                (
                    "manifest_sha256",
                    StateValue::str(&state.settings.manifest.sha256),
                ),
            ]),
        ),
        (
            "rng",
            StateValue::dict([
                ("world", hex(&state.rng_world)),
                ("events", hex(&state.rng_events)),
            ]),
        ),
        (
            "counters",
            StateValue::dict([
                ("next_uid", StateValue::from(state.next_uid)),
                ("next_ticket", StateValue::Int(state.next_ticket)),
            ]),
        ),
        (
            "settings",
            StateValue::dict([
                ("mortality", StateValue::Bool(state.mortality)),
                (
                    "population_target",
                    StateValue::from(state.population_target),
                ),
                (
                    "spawn_delay_ticks",
                    StateValue::List(vec![StateValue::Int(dmin), StateValue::Int(dmax)]),
                ),
                ("daily_exit_cap", StateValue::from(state.daily_exit_cap)),
            ]),
        ),
        ("economy", crate::econ::export_economy(state)),
        ("exits", crate::exits::export_exits(state)),
        ("perturbations", crate::perturb::export_perturbations(state)),
        (
            "agents",
            StateValue::List(
                state
                    .agents
                    .iter()
                    .map(|a| export_agent(state, a))
                    .collect(),
            ),
        ),
        (
            "objects",
            StateValue::List(
                state
                    .grid
                    .objects
                    .iter()
                    .zip(state.owners.iter().zip(&state.stock))
                    .zip(&state.queues)
                    .map(|((o, (owner, stock)), queue)| {
                        let mut pairs = vec![
                            ("id", StateValue::str(&o.id)),
                            ("owner", StateValue::opt_str(owner.map(agent_id))),
                            ("stock", items_value(state, stock)),
                        ];
                        pairs.extend(export_queue(queue));
                        StateValue::dict(pairs)
                    })
                    .collect(),
            ),
        ),
        (
            "slots",
            StateValue::List(
                state
                    .slots
                    .holders
                    .iter()
                    .zip(&state.slots.released)
                    .map(|(holder, released)| {
                        StateValue::dict([
                            ("holder", StateValue::opt_int(holder.map(i64::from))),
                            ("released_tick", StateValue::opt_int(*released)),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "tickets",
            StateValue::List(
                state
                    .tickets
                    .iter()
                    .map(|t| {
                        StateValue::dict([
                            ("ticket_id", StateValue::Int(t.ticket_id)),
                            ("due_tick", StateValue::Int(t.due_tick)),
                            ("deferred", StateValue::Bool(t.deferred)),
                        ])
                    })
                    .collect(),
            ),
        ),
    ])
}

// Lenient readers for a tree that `check_state_tree` has accepted: they never panic.
const NULL: StateValue = StateValue::Null;

fn get<'a>(node: &'a StateValue, key: &str) -> &'a StateValue {
    node.get(key).unwrap_or(&NULL)
}

fn int(node: &StateValue) -> i64 {
    if let StateValue::Int(i) = node {
        *i
    } else {
        0
    }
}

fn uint<T: TryFrom<i64> + Default>(node: &StateValue) -> T {
    T::try_from(int(node)).unwrap_or_default()
}

fn float(node: &StateValue) -> f64 {
    if let StateValue::Float(x) = node {
        *x
    } else {
        0.0
    }
}

fn boolean(node: &StateValue) -> bool {
    matches!(node, StateValue::Bool(true))
}

fn text(node: &StateValue) -> &str {
    if let StateValue::Str(s) = node {
        s
    } else {
        ""
    }
}

fn list(node: &StateValue) -> &[StateValue] {
    if let StateValue::List(items) = node {
        items
    } else {
        &[]
    }
}

fn opt(node: &StateValue) -> Option<&StateValue> {
    (!matches!(node, StateValue::Null)).then_some(node)
}

fn rng_of(node: &StateValue) -> Rng {
    let mut words = [0u64; 4];
    for (word, value) in words.iter_mut().zip(list(node)) {
        *word = Rng::parse_state_word(text(value)).unwrap_or(0);
    }
    Rng::from_state(words)
}

fn import_agent(state: &WorldState, node: &StateValue) -> Agent {
    let needs_node = get(node, "needs");
    let mut needs = [0.0; 3];
    for (value, name) in needs.iter_mut().zip(NEED_NAMES) {
        *value = float(get(needs_node, name));
    }
    let position = list(get(node, "position"));
    let coord = |i: usize| position.get(i).map_or(0, uint::<i32>);
    let items_node = get(node, "items");
    let items = state
        .settings
        .manifest
        .items
        .iter()
        .map(|item| uint::<u32>(get(items_node, &item.name)))
        .collect();
    let origin = Origin::parse(text(get(node, "origin"))).unwrap_or(Origin::Initial);
    let mut agent = Agent::new(
        uint(get(node, "uid")),
        text(get(node, "name")).to_string(),
        uint(get(node, "slot")),
        origin,
        int(get(node, "spawned_tick")),
        (coord(0), coord(1)),
        SpawnKit {
            needs,
            wallet: float(get(node, "wallet")),
            items,
        },
    );
    agent.alive = boolean(get(node, "alive"));
    agent.terminated_tick = int(get(node, "terminated_tick"));
    agent.home = opt(get(node, "home")).and_then(|h| state.grid.zone_index(text(h)));
    agent.bed = opt(get(node, "bed")).map(uint::<usize>);
    agent.hunger_low_ticks = uint(get(node, "hunger_low_ticks"));
    agent.profile = state
        .settings
        .profile_index(text(get(node, "profile")))
        .unwrap_or(0);
    if let Some(profile) = state.settings.personalities.profiles.get(agent.profile) {
        agent.multipliers = profile.decay_multipliers.to_array();
    }
    agent.extroversion = float(get(node, "extroversion"));
    agent.forgiveness = float(get(node, "forgiveness"));
    agent.ambition = float(get(node, "ambition"));
    let last = get(node, "last_action");
    agent.last_kind = ActionKind::parse(text(get(last, "kind"))).unwrap_or(ActionKind::Wait);
    agent.last_ok = boolean(get(last, "ok"));
    agent.last_reason = uint(get(last, "reason"));
    agent.ctx_reset = boolean(get(node, "ctx_reset"));
    for t in list(get(node, "ties")) {
        agent.ties.insert(Tie {
            other: uint(get(t, "other")),
            trust: float(get(t, "trust")),
            familiarity: float(get(t, "familiarity")),
            rivalry: float(get(t, "rivalry")),
            created_tick: int(get(t, "created_tick")),
            updated_tick: int(get(t, "updated_tick")),
        });
    }
    if let StateValue::Dict(pairs) = get(node, "chat_cooldowns") {
        for (key, tick) in pairs {
            if let Ok(uid) = key.parse::<u32>() {
                agent.chat_cooldowns.insert(uid, int(tick));
            }
        }
    }
    agent.last_chat_tick = int(get(node, "last_chat_tick"));
    import_engagement(&mut agent, node);
    agent.rent_missed_streak = uint(get(node, "rent_missed_streak"));
    agent.job = opt(get(node, "job")).and_then(|j| crate::employment::job_index(state, text(j)));
    agent.shift = crate::employment::import_shift(get(node, "shift"));
    agent.absence_days = list(get(node, "absence_days")).iter().map(int).collect();
    agent.exit_pending = boolean(get(node, "exit_pending"));
    agent.opt = crate::controllers::OptState::from_value(node.get("option"));
    agent.possessed = boolean(get(node, "possessed"));
    agent
}

/// Replaces `state` by `tree` after checking all of it.
///
/// On a problem returns `Error::Snapshot` naming the first bad path; `state` is then
/// unchanged. The settings, grid and derived tables stay; this tick's events are cleared.
pub fn import_state(state: &mut WorldState, tree: &StateValue) -> Result<(), Error> {
    check_state_tree(state, tree)?;
    let agents: Vec<Agent> = list(get(tree, "agents"))
        .iter()
        .map(|node| import_agent(state, node))
        .collect();
    let owners = list(get(tree, "objects"))
        .iter()
        .map(|o| {
            opt(get(o, "owner")).and_then(|id| text(id).strip_prefix("agent_")?.parse::<u32>().ok())
        })
        .collect();
    let stock = list(get(tree, "objects"))
        .iter()
        .map(|o| {
            let node = get(o, "stock");
            state
                .settings
                .manifest
                .items
                .iter()
                .map(|item| uint::<u32>(get(node, &item.name)))
                .collect()
        })
        .collect();
    let mut slots = SlotTable::new(0);
    for slot in list(get(tree, "slots")) {
        slots
            .holders
            .push(opt(get(slot, "holder")).map(uint::<u32>));
        slots
            .released
            .push(opt(get(slot, "released_tick")).map(int));
    }
    let tickets = list(get(tree, "tickets"))
        .iter()
        .map(|t| Ticket {
            ticket_id: int(get(t, "ticket_id")),
            due_tick: int(get(t, "due_tick")),
            deferred: boolean(get(t, "deferred")),
        })
        .collect();
    let settings = get(tree, "settings");
    let delay = list(get(settings, "spawn_delay_ticks"));
    let rng = get(tree, "rng");
    let counters = get(tree, "counters");
    state.tick = int(get(tree, "tick"));
    state.rng_world = rng_of(get(rng, "world"));
    state.rng_events = rng_of(get(rng, "events"));
    state.next_uid = uint(get(counters, "next_uid"));
    state.next_ticket = int(get(counters, "next_ticket"));
    state.mortality = boolean(get(settings, "mortality"));
    state.population_target = uint(get(settings, "population_target"));
    state.spawn_delay_ticks = (delay.first().map_or(0, int), delay.get(1).map_or(0, int));
    state.agents = agents;
    state.queues = list(get(tree, "objects"))
        .iter()
        .map(import_queue)
        .collect();
    state.owners = owners;
    state.stock = stock;
    state.slots = slots;
    state.tickets = tickets;
    crate::econ::import_economy(state, get(tree, "economy"));
    crate::exits::import_exits(state, get(tree, "exits"));
    crate::perturb::import_perturbations(state, get(tree, "perturbations"));
    state.daily_exit_cap = uint(get(settings, "daily_exit_cap"));
    state.events.begin(state.tick);
    state.events.finish();
    Ok(())
}
