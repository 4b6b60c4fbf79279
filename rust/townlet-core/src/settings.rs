//! The world settings: the one input both worlds take (docs/world-state.md 1).
//!
//! `townlet.config.world_settings(config)` writes this tree as JSON; [`WorldSettings::from_json`]
//! parses it with correctly rounded floats (world.md 17.6) and refuses a malformed tree with
//! a `settings.invalid` [`Error`] naming the dotted key (docs/world-state.md D8). Ranges were
//! checked by the config layer; the checks here are the ones the world relies on to never
//! panic (a zero day length, an empty name list, an inverted delay range, ...).

use serde::Deserialize;

use crate::canonical::to_hex;
use crate::error::Error;
use sha2::{Digest, Sha256};

/// The three needs in canonical order (world.md 5).
pub const NEED_NAMES: [&str; 3] = ["hunger", "hygiene", "energy"];

/// Every setting of the world (docs/world-state.md 1).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct WorldSettings {
    /// The town map and its identity.
    pub map: MapSource,
    /// Items and object types of the affordance manifest.
    pub manifest: Manifest,
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
    /// The configured action mode; informational in this slice.
    #[serde(default)]
    pub actions: ActionSettings,
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

/// The part of the affordance manifest this slice uses (world.md 3).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Manifest {
    /// Hex sha256 of the manifest file (state identity).
    pub sha256: String,
    /// Items in manifest order (item index = position).
    pub items: Vec<ItemSpec>,
    /// Object types in manifest order.
    pub object_types: Vec<ObjectTypeSpec>,
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
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct ActionSettings {
    /// `option` or `primitive`.
    pub mode: String,
}

impl Default for ActionSettings {
    fn default() -> Self {
        ActionSettings {
            mode: "option".to_string(),
        }
    }
}

impl WorldSettings {
    /// Parses and checks the settings JSON.
    ///
    /// ```
    /// let err = townlet_core::settings::WorldSettings::from_json("{}").unwrap_err();
    /// assert_eq!(err.code(), Some("settings.invalid"));
    /// ```
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let mut de = serde_json::Deserializer::from_str(json);
        let settings: WorldSettings = match serde_path_to_error::deserialize(&mut de) {
            Ok(settings) => settings,
            Err(err) => {
                let path = err.path().to_string();
                let path = if path == "." {
                    "settings".to_string()
                } else {
                    path
                };
                return Err(Error::settings(vec![(path, err.into_inner().to_string())]));
            }
        };
        if let Err(err) = de.end() {
            return Err(Error::settings(vec![("settings".into(), err.to_string())]));
        }
        settings.validate()?;
        Ok(settings)
    }

    /// Checks what the world relies on; every problem as `(dotted path, what)`.
    pub fn validate(&self) -> Result<(), Error> {
        let mut problems: Vec<(String, String)> = Vec::new();
        let mut bad = |path: &str, what: String| problems.push((path.to_string(), what));

        let tpd = self.time.ticks_per_day;
        if !(240..=10_080).contains(&tpd) || tpd % 60 != 0 {
            bad(
                "time.ticks_per_day",
                format!("must be a multiple of 60 in 240..10080 (got {tpd})"),
            );
        }
        let start = self.time.start_minute;
        if !(0..tpd.max(1)).contains(&start) {
            bad(
                "time.start_minute",
                format!("must be in [0, {tpd}) (got {start})"),
            );
        }
        let floats = [
            ("needs.decay", self.needs.decay.to_array().to_vec()),
            ("agents.needs", self.agents.needs.to_array().to_vec()),
            ("agents.wallet", vec![self.agents.wallet]),
            (
                "lifecycle.faint_threshold",
                vec![self.lifecycle.faint_threshold],
            ),
            (
                "lifecycle.newcomer.needs",
                self.lifecycle.newcomer.needs.to_array().to_vec(),
            ),
            (
                "lifecycle.newcomer.wallet",
                vec![self.lifecycle.newcomer.wallet],
            ),
        ];
        for (path, values) in floats {
            if values.iter().any(|v| !v.is_finite()) {
                bad(path, "must be finite".to_string());
            }
        }
        let mut item_names: Vec<&str> = Vec::new();
        for (i, item) in self.manifest.items.iter().enumerate() {
            if item_names.contains(&item.name.as_str()) {
                bad(
                    &format!("manifest.items[{i}].name"),
                    format!("duplicate item '{}'", item.name),
                );
            }
            item_names.push(&item.name);
        }
        let mut type_names: Vec<&str> = Vec::new();
        for (i, spec) in self.manifest.object_types.iter().enumerate() {
            if type_names.contains(&spec.name.as_str()) {
                bad(
                    &format!("manifest.object_types[{i}].name"),
                    format!("duplicate object type '{}'", spec.name),
                );
            }
            type_names.push(&spec.name);
        }
        for (path, pairs) in [
            ("agents.items", &self.agents.items),
            ("lifecycle.newcomer.items", &self.lifecycle.newcomer.items),
        ] {
            for (i, (name, _)) in pairs.iter().enumerate() {
                if !item_names.contains(&name.as_str()) {
                    bad(&format!("{path}[{i}]"), format!("unknown item '{name}'"));
                }
            }
        }
        if self.agents.names.is_empty() {
            bad("agents.names", "must not be empty".to_string());
        }
        let profiles = &self.personalities.profiles;
        for (i, profile) in profiles.iter().enumerate() {
            let values = [profile.extroversion, profile.forgiveness, profile.ambition];
            let multipliers = profile.decay_multipliers.to_array();
            if values
                .iter()
                .chain(multipliers.iter())
                .any(|v| !v.is_finite())
            {
                bad(
                    &format!("personalities.profiles[{i}]"),
                    "must be finite".to_string(),
                );
            }
            if profiles[..i].iter().any(|p| p.name == profile.name) {
                bad(
                    &format!("personalities.profiles[{i}].name"),
                    format!("duplicate profile '{}'", profile.name),
                );
            }
        }
        let distribution = &self.personalities.distribution;
        for (i, (name, weight)) in distribution.iter().enumerate() {
            if !profiles.iter().any(|p| &p.name == name) {
                bad(
                    &format!("personalities.distribution[{i}]"),
                    format!("unknown profile '{name}'"),
                );
            }
            if !weight.is_finite() || *weight < 0.0 {
                bad(
                    &format!("personalities.distribution[{i}]"),
                    format!("weight must be finite and >= 0 (got {weight})"),
                );
            }
        }
        if !distribution.iter().any(|(_, w)| *w > 0.0) {
            bad(
                "personalities.distribution",
                "needs at least one positive weight".to_string(),
            );
        }
        let (min, max) = self.lifecycle.spawn_delay_ticks;
        if min < 0 || min > max || max > 10_080 {
            bad(
                "lifecycle.spawn_delay_ticks",
                format!("must satisfy 0 <= min <= max <= 10080 (got [{min}, {max}])"),
            );
        }
        if self.embedding.cooldown_ticks < 0 {
            bad(
                "embedding.cooldown_ticks",
                format!("must be >= 0 (got {})", self.embedding.cooldown_ticks),
            );
        }
        if self.embedding.max_slots < self.lifecycle.population_target {
            bad(
                "embedding.max_slots",
                format!(
                    "must be >= lifecycle.population_target ({} < {})",
                    self.embedding.max_slots, self.lifecycle.population_target
                ),
            );
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::settings(problems))
        }
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

    /// The defaults of world.md (default manifest, profiles and rates) around a map text:
    /// the settings that tests and benches use.
    ///
    /// ```
    /// let s = townlet_core::settings::WorldSettings::default_town("towns/x.map", "");
    /// assert_eq!(s.lifecycle.population_target, 10);
    /// assert!(s.validate().is_ok());
    /// ```
    pub fn default_town(map_name: &str, map_text: &str) -> Self {
        let needs = |hunger, hygiene, energy| NeedValues {
            hunger,
            hygiene,
            energy,
        };
        let pairs = |list: &[(&str, u32)]| -> Vec<(String, u32)> {
            list.iter().map(|(n, c)| (n.to_string(), *c)).collect()
        };
        let object_type = |name: &str, capacity: u32, ownable: bool| ObjectTypeSpec {
            name: name.to_string(),
            capacity,
            ownable,
            requires: Vec::new(),
            stock: Vec::new(),
            stock_limit: Vec::new(),
            restock: Vec::new(),
        };
        let mut fridge = object_type("fridge", 1, false);
        fridge.stock = pairs(&[("raw_food", 2), ("meal", 0)]);
        fridge.stock_limit = pairs(&[("raw_food", 10), ("meal", 6)]);
        let profile = |name: &str, e: f64, f: f64, a: f64, m: NeedValues| Profile {
            name: name.to_string(),
            extroversion: e,
            forgiveness: f,
            ambition: a,
            decay_multipliers: m,
        };
        let names = [
            "Alice", "Bob", "Carol", "Dan", "Erin", "Frank", "Grace", "Hugo", "Iris", "Jack",
            "Kate", "Liam",
        ];
        WorldSettings {
            map: MapSource {
                name: map_name.to_string(),
                text: map_text.to_string(),
                sha256: to_hex(&Sha256::digest(map_text.as_bytes())),
            },
            manifest: Manifest {
                sha256: to_hex(&Sha256::digest(b"townlet-core default manifest")),
                items: vec![
                    ItemSpec {
                        name: "raw_food".into(),
                        carry_limit: 3,
                    },
                    ItemSpec {
                        name: "meal".into(),
                        carry_limit: 2,
                    },
                ],
                object_types: vec![
                    object_type("bed", 1, true),
                    fridge,
                    object_type("stove", 1, false),
                    object_type("shower", 1, false),
                    object_type("till", 1, false),
                    object_type("counter", 1, false),
                    object_type("bench", 2, false),
                    object_type("shelf", 0, false),
                    object_type("table", 0, false),
                    object_type("desk", 0, false),
                ],
            },
            time: TimeSettings {
                ticks_per_day: 1440,
                start_minute: 360,
            },
            needs: NeedsSettings {
                decay: needs(0.0012, 0.0005, 0.0006),
                apply_personality: true,
            },
            agents: AgentDefaults {
                names: names.iter().map(|n| n.to_string()).collect(),
                needs: needs(0.8, 0.8, 0.8),
                wallet: 5.0,
                items: pairs(&[("raw_food", 2), ("meal", 1)]),
            },
            personalities: Personalities {
                profiles: vec![
                    profile("balanced", 0.0, 0.0, 0.0, needs(1.0, 1.0, 1.0)),
                    profile("socialite", 0.6, 0.1, -0.1, needs(1.0, 1.1, 1.0)),
                    profile("industrious", -0.2, -0.1, 0.5, needs(1.0, 1.0, 0.9)),
                    profile("stoic", -0.3, 0.5, -0.2, needs(0.95, 1.0, 1.0)),
                ],
                distribution: ["balanced", "socialite", "industrious", "stoic"]
                    .iter()
                    .map(|n| (n.to_string(), 1.0))
                    .collect(),
            },
            lifecycle: LifecycleSettings {
                population_target: 10,
                faint_threshold: 0.05,
                faint_ticks: 30,
                mortality: true,
                spawn_delay_ticks: (5, 20),
                newcomer: SpawnDefaults {
                    needs: needs(0.8, 0.8, 0.8),
                    wallet: 3.0,
                    items: pairs(&[("raw_food", 1), ("meal", 1)]),
                },
            },
            embedding: EmbeddingSettings {
                max_slots: 64,
                cooldown_ticks: 2880,
            },
            actions: ActionSettings::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"{
      "map": {"name": "towns/tiny.map", "text": "x", "sha256": "ab"},
      "manifest": {"sha256": "cd", "items": [{"name": "raw_food", "carry_limit": 3}, {"name": "meal", "carry_limit": 2}],
        "object_types": [{"name": "bed", "capacity": 1, "ownable": true, "requires": [], "stock": [], "stock_limit": [], "restock": []}]},
      "time": {"ticks_per_day": 1440, "start_minute": 360},
      "needs": {"decay": {"hunger": 0.0012, "hygiene": 0.0005, "energy": 0.0006}, "apply_personality": true},
      "agents": {"names": ["Alice", "Bob"], "needs": {"hunger": 0.8, "hygiene": 0.8, "energy": 0.8}, "wallet": 5.0, "items": [["raw_food", 2], ["meal", 1]]},
      "personalities": {"profiles": [{"name": "balanced", "extroversion": 0.0, "forgiveness": 0.0, "ambition": 0.0,
          "decay_multipliers": {"hunger": 1.0, "hygiene": 1.0, "energy": 1.0}, "reward_bias": 0.5}],
        "distribution": [["balanced", 1.0]]},
      "lifecycle": {"population_target": 1, "faint_threshold": 0.05, "faint_ticks": 30, "mortality": true,
        "spawn_delay_ticks": [5, 20], "newcomer": {"needs": {"hunger": 0.8, "hygiene": 0.8, "energy": 0.8}, "wallet": 3, "items": [["raw_food", 1]]}},
      "embedding": {"max_slots": 64, "cooldown_ticks": 2880},
      "actions": {"mode": "option"}
    }"#;

    #[test]
    fn example_settings_parse() {
        let s = WorldSettings::from_json(EXAMPLE).expect("valid");
        assert_eq!(s.agents.items[0], ("raw_food".to_string(), 2));
        assert_eq!(s.lifecycle.newcomer.wallet.to_bits(), 3.0f64.to_bits());
        assert_eq!(s.needs.decay.hunger, 0.0012);
        assert_eq!(s.item_counts(&s.lifecycle.newcomer.items), vec![1, 0]);
    }

    #[test]
    fn missing_key_names_its_path() {
        let json = EXAMPLE.replace("\"faint_ticks\": 30,", "");
        let err = WorldSettings::from_json(&json).expect_err("invalid");
        let text = err.to_string();
        assert!(
            text.starts_with("invalid world settings: lifecycle: missing field `faint_ticks`"),
            "{text}"
        );
    }

    #[test]
    fn wrong_type_names_its_path() {
        let json = EXAMPLE.replace("\"faint_ticks\": 30", "\"faint_ticks\": \"x\"");
        match WorldSettings::from_json(&json).expect_err("invalid") {
            Error::Config { key, code, .. } => {
                assert_eq!(code, "settings.invalid");
                assert_eq!(key.as_deref(), Some("lifecycle.faint_ticks"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn semantic_problems_are_all_listed() {
        let json = EXAMPLE
            .replace("\"start_minute\": 360", "\"start_minute\": 2000")
            .replace("[5, 20]", "[20, 5]")
            .replace("[[\"balanced\", 1.0]]", "[[\"nobody\", 0.0]]");
        match WorldSettings::from_json(&json).expect_err("invalid") {
            Error::Config { errors, key, .. } => {
                assert_eq!(key.as_deref(), Some("time.start_minute"));
                assert_eq!(errors.len(), 4, "{errors:?}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn slots_below_population_are_refused() {
        let json = EXAMPLE.replace("\"max_slots\": 64", "\"max_slots\": 0");
        let err = WorldSettings::from_json(&json).expect_err("invalid");
        assert!(err.to_string().contains("embedding.max_slots"), "{err}");
    }

    #[test]
    fn garbage_is_a_settings_error() {
        let err = WorldSettings::from_json("not json").expect_err("invalid");
        assert_eq!(err.code(), Some("settings.invalid"));
    }
}
