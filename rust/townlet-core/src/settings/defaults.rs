//! The built-in defaults of world.md around a map text (tests and benches use them).

use sha2::{Digest, Sha256};

use super::{
    ActionSettings, AgentDefaults, EconomySettings, EmbeddingSettings, ItemSpec, LifecycleSettings,
    Manifest, MapSource, NeedValues, NeedsSettings, ObjectTypeSpec, Personalities, Profile,
    SpawnDefaults, TimeSettings, WorldSettings,
};
use crate::canonical::to_hex;

impl WorldSettings {
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
        let mut till = object_type("till", 1, false);
        till.requires = vec!["power".into()];
        till.stock = pairs(&[("raw_food", 40)]);
        till.stock_limit = pairs(&[("raw_food", 60)]);
        till.restock = pairs(&[("raw_food", 40)]);
        let mut counter = object_type("counter", 1, false);
        counter.requires = vec!["power".into()];
        counter.stock = pairs(&[("meal", 20)]);
        counter.stock_limit = pairs(&[("meal", 30)]);
        counter.restock = pairs(&[("meal", 20)]);
        let mut stove = object_type("stove", 1, false);
        stove.requires = vec!["power".into()];
        let mut shower = object_type("shower", 1, false);
        shower.requires = vec!["water".into()];
        // The affordances of the default manifest, as `world_settings` writes them.
        let affordances = serde_json::from_str(include_str!("default_affordances.json"))
            .expect("the built-in affordances parse");
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
                    stove,
                    shower,
                    till,
                    counter,
                    object_type("bench", 2, false),
                    object_type("shelf", 0, false),
                    object_type("table", 0, false),
                    object_type("desk", 0, false),
                ],
                affordances,
            },
            economy: EconomySettings {
                prices: vec![
                    ("raw_food".into(), 0.5),
                    ("meal".into(), 1.0),
                    ("shower_fee".into(), 0.25),
                ],
                price_groups: Vec::new(),
                rent_per_day: crate::econ::default_rent_per_day(),
                rent_minute: 0,
                restock_minute: crate::econ::default_restock_minute(),
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
            relationships: crate::ties::TieSettings::default(),
            queues: crate::affordances::queue::QueueSettings::default(),
            jobs: crate::employment::default_jobs(),
            employment: crate::employment::EmploymentSettings::default(),
            exits: crate::exits::ExitSettings::default(),
            observations: None,
            perturbations: crate::perturb::PertSettings::default(),
            roles: crate::affordances::engage::default_roles(),
            controllers: crate::controllers::ControllerSettings::default(),
        }
    }
}
