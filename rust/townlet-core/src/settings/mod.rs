//! The world settings: the one input both worlds take (docs/world-state.md 1).
//!
//! `townlet.config.world_settings(config)` writes this tree as JSON; [`WorldSettings::from_json`]
//! parses it with correctly rounded floats (world.md 17.6) and refuses a malformed tree with
//! a `settings.invalid` [`Error`] naming the dotted key (docs/world-state.md D8). Ranges were
//! checked by the config layer; the checks here are the ones the world relies on to never
//! panic (a zero day length, an empty name list, an inverted delay range, ...).

use serde::Deserialize;

mod defaults;
mod validate;

use crate::error::Error;

/// The three needs in canonical order (world.md 5).
pub const NEED_NAMES: [&str; 3] = ["hunger", "hygiene", "energy"];

/// Every setting of the world (docs/world-state.md 1).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct WorldSettings {
    /// The town map and its identity.
    pub map: MapSource,
    /// Items, object types and affordances of the affordance manifest.
    pub manifest: Manifest,
    /// Base prices (world.md 8.1).
    pub economy: EconomySettings,
    /// Day length and start minute (world.md 1).
    pub time: TimeSettings,
    /// Need decay (world.md 5.1).
    pub needs: NeedsSettings,
    /// Defaults of initial agents (world.md 4.5).
    pub agents: AgentDefaults,
    /// Personality profiles and their sampling weights (world.md 4.3).
    pub personalities: Personalities,
    /// Faint, mortality and newcomers (world.md 5.3, 11.3).
    pub lifecycle: LifecycleSettings,
    /// Embedding slots (world.md 11.4).
    pub embedding: EmbeddingSettings,
    /// The configured action mode (`option` or `primitive`).
    pub actions: ActionSettings,
    /// Ties, modifiers and chat (world.md 10); the spec defaults when absent.
    #[serde(default)]
    pub relationships: crate::ties::TieSettings,
    /// The `queues` section (world.md 7); spec defaults when absent.
    #[serde(default)]
    pub queues: crate::affordances::queue::QueueSettings,
    /// Jobs in config order (world.md 9.1); the spec's three when absent.
    #[serde(default = "crate::employment::default_jobs")]
    pub jobs: Vec<crate::employment::JobSpec>,
    /// Punctuality rules (world.md 9.1); the spec defaults when absent.
    #[serde(default)]
    pub employment: crate::employment::EmploymentSettings,
    /// Exit reviews (world.md 9.1); the spec defaults when absent.
    #[serde(default)]
    pub exits: crate::exits::ExitSettings,
    /// The `observations` section (learning.md 1.9 config keys), parsed by
    /// `obs_context::ObsSettings`; absent = every default.
    #[serde(default)]
    pub observations: Option<serde_json::Value>,
    /// Perturbations (world.md 12.1); disabled with no specs when absent.
    #[serde(default)]
    pub perturbations: crate::perturb::PertSettings,
    /// The `roles` key: per primitive role (ids 5..16) its bound affordance ids, or the
    /// item of a buy or eat role; defaults to `affordances::engage::ROLES`.
    #[serde(default = "crate::affordances::engage::default_roles")]
    pub roles: Vec<(String, Vec<String>)>,
    /// Option controller tuning (learning.md 2.4); spec defaults when absent.
    #[serde(default)]
    pub controllers: crate::controllers::ControllerSettings,
}

/// The map file: its config name, its text and the sha256 of its bytes.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct MapSource {
    /// The name the config gave (used in error messages, e.g. `towns/default.map`).
    pub name: String,
    /// The whole file.
    pub text: String,
    /// Hex sha256 of the file bytes (state identity).
    pub sha256: String,
}

/// The affordance manifest (world.md 3).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Manifest {
    /// Hex sha256 of the manifest file (state identity).
    pub sha256: String,
    /// Items in manifest order (item index = position).
    pub items: Vec<ItemSpec>,
    /// Object types in manifest order.
    pub object_types: Vec<ObjectTypeSpec>,
    /// Affordances in manifest order (affordance index = position).
    pub affordances: Vec<AffordanceSpec>,
}

/// One affordance (world.md 3.3), every field present (docs/world-state.md 1).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct AffordanceSpec {
    /// Unique id, e.g. `sleep`.
    pub id: String,
    /// The object type offering it (exactly one of `object_type` and `item`).
    pub object_type: Option<String>,
    /// The item it uses (an item use).
    pub item: Option<String>,
    /// Ticks to complete, 1..=10080.
    pub duration: i64,
    /// Precondition sources (world.md 3.6), compiled by `manifest::ManifestTables`.
    pub preconditions: Vec<String>,
    /// `{"amount": float}` or `{"price": key}`.
    pub cost: CostSpec,
    /// Items consumed at start, `(name, count)` in item order.
    pub consume: Vec<(String, u32)>,
    /// Stock taken from the object at start, `(name, count)` in item order.
    pub take: Vec<(String, u32)>,
    /// Effects of every tick.
    pub per_tick: TickEffects,
    /// Effects at completion.
    pub on_complete: CompleteEffects,
    /// Need decay multipliers while busy (all three needs).
    pub decay_multipliers: NeedValues,
    /// Whether chat is allowed while busy.
    pub allows_chat: bool,
    /// The item this affordance sells (a vendor), if any.
    pub sells: Option<String>,
    /// Free-form tags.
    pub tags: Vec<String>,
    /// Hook names per stage.
    pub hooks: HooksSpec,
}

/// The cost of an affordance: exactly one of a fixed amount and a price key.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CostSpec {
    /// A fixed amount.
    #[serde(default)]
    pub amount: Option<f64>,
    /// A key of `economy.prices`.
    #[serde(default)]
    pub price: Option<String>,
}

/// Per-tick effects (world.md 3.3).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct TickEffects {
    /// Need deltas (all three needs).
    pub needs: NeedValues,
    /// Money delta.
    pub money: f64,
}

/// On-complete effects (world.md 3.3).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct CompleteEffects {
    /// Need deltas (all three needs).
    pub needs: NeedValues,
    /// Money delta.
    pub money: f64,
    /// Items given, `(name, count)`.
    pub items: Vec<(String, u32)>,
    /// Stock added to the object, `(name, count)`.
    pub stock: Vec<(String, u32)>,
}

/// Hook names per stage (world.md 3.5).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct HooksSpec {
    /// Run when the affordance starts.
    pub on_start: Vec<String>,
    /// Run when it completes.
    pub on_complete: Vec<String>,
    /// Run when it fails.
    pub on_fail: Vec<String>,
}

/// Economy settings the world reads (world.md 8).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct EconomySettings {
    /// `(price key, base price)` in config order.
    pub prices: Vec<(String, f64)>,
    /// Rent charged daily to every agent with a home (world.md 8.2); 2.0 when absent.
    #[serde(default = "crate::econ::default_rent_per_day")]
    pub rent_per_day: f64,
    /// `(group, price keys)` usable as spike targets (world.md 8.1); none when absent.
    #[serde(default)]
    pub price_groups: Vec<(String, Vec<String>)>,
    /// Minute of day rent is due; 0 when absent.
    #[serde(default)]
    pub rent_minute: i64,
    /// Minute of day vendors restock (world.md 8.3); 300 when absent.
    #[serde(default = "crate::econ::default_restock_minute")]
    pub restock_minute: i64,
}

/// One item (world.md 3.1).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct ItemSpec {
    /// Item name, e.g. `raw_food`.
    pub name: String,
    /// Most an agent may carry.
    pub carry_limit: u32,
}

/// One object type (world.md 3.2).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct ObjectTypeSpec {
    /// Type name, e.g. `bed`.
    pub name: String,
    /// Simultaneous users; 0 = decor.
    pub capacity: u32,
    /// Whether objects of the type get an owner (beds).
    pub ownable: bool,
    /// Utilities the type needs.
    #[serde(default)]
    pub requires: Vec<String>,
    /// Initial stock per item.
    #[serde(default)]
    pub stock: Vec<(String, u32)>,
    /// Stock limit per item.
    #[serde(default)]
    pub stock_limit: Vec<(String, u32)>,
    /// Daily restock level per item.
    #[serde(default)]
    pub restock: Vec<(String, u32)>,
}

/// Time settings (world.md 1).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub struct TimeSettings {
    /// Ticks per day, a multiple of 60 in 240..=10080.
    pub ticks_per_day: i64,
    /// Clock minute of tick 0, in `[0, ticks_per_day)`.
    pub start_minute: i64,
}

/// One value per need.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
pub struct NeedValues {
    /// Hunger.
    pub hunger: f64,
    /// Hygiene.
    pub hygiene: f64,
    /// Energy.
    pub energy: f64,
}

impl NeedValues {
    /// The values in canonical need order (hunger, hygiene, energy).
    ///
    /// ```
    /// let v = townlet_core::settings::NeedValues { hunger: 1.0, hygiene: 2.0, energy: 3.0 };
    /// assert_eq!(v.to_array(), [1.0, 2.0, 3.0]);
    /// ```
    pub fn to_array(self) -> [f64; 3] {
        [self.hunger, self.hygiene, self.energy]
    }
}

/// Need decay settings (world.md 5.1).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
pub struct NeedsSettings {
    /// Decay per tick of each need.
    pub decay: NeedValues,
    /// Whether profile multipliers apply.
    pub apply_personality: bool,
}

/// Defaults of one spawn cause (world.md 4.5).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct SpawnDefaults {
    /// Initial needs.
    pub needs: NeedValues,
    /// Initial wallet.
    pub wallet: f64,
    /// Initial items as `(name, count)`; unlisted items start at 0, a repeated name's last
    /// count wins.
    pub items: Vec<(String, u32)>,
}

/// Initial agents: names plus the `initial` spawn defaults.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct AgentDefaults {
    /// Display names, `names[uid mod len]` (world.md 4.1).
    pub names: Vec<String>,
    /// Initial needs.
    pub needs: NeedValues,
    /// Initial wallet.
    pub wallet: f64,
    /// Initial items as `(name, count)`.
    pub items: Vec<(String, u32)>,
}

/// One personality profile (world.md 4.3).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Profile {
    /// Profile name.
    pub name: String,
    /// Trait in [-1, 1].
    pub extroversion: f64,
    /// Trait in [-1, 1].
    pub forgiveness: f64,
    /// Trait in [-1, 1].
    pub ambition: f64,
    /// Need decay multipliers (all three listed).
    pub decay_multipliers: NeedValues,
}

/// Profiles and the sampling distribution (world.md 4.3).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Personalities {
    /// Profiles in config order.
    pub profiles: Vec<Profile>,
    /// `(profile name, weight)` in config order.
    pub distribution: Vec<(String, f64)>,
}

/// Lifecycle settings (world.md 5.3, 11.3).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct LifecycleSettings {
    /// Alive agents the town keeps.
    pub population_target: u32,
    /// Hunger at or below this counts toward a faint.
    pub faint_threshold: f64,
    /// Consecutive low-hunger ticks that faint.
    pub faint_ticks: u32,
    /// Whether faints terminate.
    pub mortality: bool,
    /// Inclusive newcomer delay range `[min, max]`.
    pub spawn_delay_ticks: (i64, i64),
    /// Defaults of newcomers (and console spawns).
    pub newcomer: SpawnDefaults,
}

/// Embedding slots (world.md 11.4).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub struct EmbeddingSettings {
    /// Number of slots.
    pub max_slots: u32,
    /// Ticks before a released slot is reused without force.
    pub cooldown_ticks: i64,
}

/// The configured action mode (`option` by default).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct ActionSettings {
    /// `option` or `primitive`.
    pub mode: String,
    /// Ticks an option stays locked after it starts (15).
    #[serde(default = "default_commit_ticks")]
    pub commit_ticks: i64,
    /// `ticks` or `until_done` (learning.md 2.3).
    #[serde(default = "default_commitment")]
    pub commitment: String,
    /// A need below this closes the lock early (0.15).
    #[serde(default = "default_critical_need")]
    pub critical_need: f64,
    /// Ticks before shift start from which Work is allowed (120).
    #[serde(default = "default_work_lead_ticks")]
    pub work_lead_ticks: i64,
}

fn default_commit_ticks() -> i64 {
    15
}

fn default_commitment() -> String {
    "ticks".to_string()
}

fn default_critical_need() -> f64 {
    0.15
}

fn default_work_lead_ticks() -> i64 {
    120
}

impl Default for ActionSettings {
    fn default() -> Self {
        ActionSettings {
            mode: "option".to_string(),
            commit_ticks: default_commit_ticks(),
            commitment: default_commitment(),
            critical_need: default_critical_need(),
            work_lead_ticks: default_work_lead_ticks(),
        }
    }
}

/// `(dotted path, what)` of a serde error, in the words of the Python world where they
/// have one: a missing key names the key itself and says `missing`.
fn serde_problem(path: &str, err: &serde_json::Error) -> (String, String) {
    let text = err.to_string();
    // serde_json appends " at line L column C": the path already says where for a bad
    // value, but a syntax error has no path, so it keeps the position.
    let what = match text.rfind(" at line ") {
        Some(i) if err.is_data() => &text[..i],
        _ => text.as_str(),
    };
    let join = |key: &str| {
        if path == "." || path == "?" {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    if let Some(key) = what
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        return (join(key), "missing".to_string());
    }
    let path = if path == "." || path == "?" {
        "settings".to_string()
    } else {
        path.to_string()
    };
    (path, what.to_string())
}

impl WorldSettings {
    /// Parses and checks the settings JSON.
    ///
    /// ```
    /// let err = townlet_core::settings::WorldSettings::from_json("{}").unwrap_err();
    /// assert_eq!(err.to_string(), "invalid world settings: map: missing");
    /// ```
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let mut de = serde_json::Deserializer::from_str(json);
        let settings: WorldSettings = match serde_path_to_error::deserialize(&mut de) {
            Ok(settings) => settings,
            Err(err) => {
                let path = err.path().to_string();
                return Err(Error::settings(vec![serde_problem(
                    &path,
                    &err.into_inner(),
                )]));
            }
        };
        if let Err(err) = de.end() {
            return Err(Error::settings(vec![serde_problem(".", &err)]));
        }
        settings.validate()?;
        Ok(settings)
    }

    /// The manifest index of item `name`.
    pub fn item_index(&self, name: &str) -> Option<usize> {
        self.manifest
            .items
            .iter()
            .position(|item| item.name == name)
    }

    /// The index of profile `name`.
    pub fn profile_index(&self, name: &str) -> Option<usize> {
        self.personalities
            .profiles
            .iter()
            .position(|p| p.name == name)
    }

    /// Per-item counts (manifest order) from `(name, count)` pairs; unknown names are skipped.
    pub fn item_counts(&self, pairs: &[(String, u32)]) -> Vec<u32> {
        let mut counts = vec![0; self.manifest.items.len()];
        for (name, count) in pairs {
            if let Some(slot) = self.item_index(name).and_then(|i| counts.get_mut(i)) {
                *slot = *count;
            }
        }
        counts
    }
}

#[cfg(test)]
mod tests;
