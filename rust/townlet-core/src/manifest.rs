//! The manifest tables: indexes the affordance rules look up (world.md 3).
//!
//! Built once per world from the settings: the item and affordance indexes, per object
//! type the affordances it offers (manifest order), the item-use affordance of each item
//! and the vendor affordance of each sold item, and every precondition compiled with
//! [`crate::expr`] (price keys from `economy.prices`; no `object.*` names in item uses).
//! `python/townlet/world/manifest.py` builds the same tables; [`ManifestTables::to_value`]
//! is what both worlds report (`manifest_tables()`) so tests compare them by name.

use std::collections::HashMap;

use crate::canonical::StateValue;
use crate::error::Error;
use crate::expr::{Context, Precondition};
use crate::settings::WorldSettings;

/// Indexes over the manifest of one world; every list is in manifest order.
///
/// ```
/// use townlet_core::{manifest::ManifestTables, settings::WorldSettings};
/// let tables = ManifestTables::build(&WorldSettings::default_town("x.map", "")).unwrap();
/// assert_eq!(tables.vendor, vec![Some(4), Some(5)]);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ManifestTables {
    /// Item name -> item index.
    pub item_index: HashMap<String, usize>,
    /// Affordance id -> affordance index.
    pub affordance_index: HashMap<String, usize>,
    /// Per object type (type order), the indexes of the affordances it offers.
    pub offered: Vec<Vec<usize>>,
    /// Per item, the index of its item-use affordance.
    pub item_use: Vec<Option<usize>>,
    /// Per item, the index of the (first) affordance that sells it.
    pub vendor: Vec<Option<usize>>,
    /// Per affordance, its compiled preconditions.
    pub preconditions: Vec<Vec<Precondition>>,
    /// Per affordance, per item (manifest order): `[consume, take, on_complete.items,
    /// on_complete.stock]` counts, so the start checks compare numbers, not names.
    pub counts: Vec<Vec<[i64; 4]>>,
    /// Per object type, per item: its stock limit (0 when the type lists none).
    pub stock_limits: Vec<Vec<i64>>,
    /// Per role (`settings.roles` order): the item of its first bound name, if any.
    pub role_item: Vec<Option<usize>>,
    /// Per role: the indexes of its bound affordances that exist, in binding order.
    pub role_affordances: Vec<Vec<usize>>,
    /// Per object type, per item: the first affordance the type offers that sells the
    /// item (manifest order), so the controllers' vendor test compares no names.
    pub type_vendor: Vec<Vec<Option<usize>>>,
}

impl ManifestTables {
    /// Indexes the manifest of `settings` and compiles its preconditions.
    ///
    /// # Errors
    ///
    /// `settings.invalid` naming the first precondition that does not compile
    /// (`manifest.affordances[i].preconditions[j]: column <n>: <what>`).
    pub fn build(settings: &WorldSettings) -> Result<Self, Error> {
        let items: Vec<&str> = settings
            .manifest
            .items
            .iter()
            .map(|i| i.name.as_str())
            .collect();
        let prices: Vec<&str> = settings
            .economy
            .prices
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        let position = |name: &str| items.iter().position(|i| *i == name);
        let affordances = &settings.manifest.affordances;
        let mut item_use = vec![None; items.len()];
        let mut vendor = vec![None; items.len()];
        let mut preconditions = Vec::with_capacity(affordances.len());
        for (a, affordance) in affordances.iter().enumerate() {
            if let Some(slot) = affordance.item.as_deref().and_then(position) {
                item_use[slot].get_or_insert(a);
            }
            if let Some(slot) = affordance.sells.as_deref().and_then(position) {
                vendor[slot].get_or_insert(a);
            }
            let context = Context::new(&items, &prices, affordance.item.is_none());
            let mut checked = Vec::with_capacity(affordance.preconditions.len());
            for (j, source) in affordance.preconditions.iter().enumerate() {
                let compiled = Precondition::compile(source, &context).map_err(|err| {
                    let path = format!("manifest.affordances[{a}].preconditions[{j}]");
                    Error::settings(vec![(path, err.to_string())])
                })?;
                checked.push(compiled);
            }
            preconditions.push(checked);
        }
        let offered: Vec<Vec<usize>> = settings
            .manifest
            .object_types
            .iter()
            .map(|t| {
                (0..affordances.len())
                    .filter(|&a| affordances[a].object_type.as_deref() == Some(t.name.as_str()))
                    .collect()
            })
            .collect();
        let count = |pairs: &[(String, u32)], name: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == name)
                .map_or(0, |(_, c)| i64::from(*c))
        };
        let counts = affordances
            .iter()
            .map(|aff| {
                items
                    .iter()
                    .map(|name| {
                        [
                            count(&aff.consume, name),
                            count(&aff.take, name),
                            count(&aff.on_complete.items, name),
                            count(&aff.on_complete.stock, name),
                        ]
                    })
                    .collect()
            })
            .collect();
        let stock_limits = settings
            .manifest
            .object_types
            .iter()
            .map(|t| {
                items
                    .iter()
                    .map(|name| count(&t.stock_limit, name))
                    .collect()
            })
            .collect();
        let type_vendor = offered
            .iter()
            .map(|offers| {
                items
                    .iter()
                    .map(|&item| {
                        offers
                            .iter()
                            .copied()
                            .find(|&a| affordances[a].sells.as_deref() == Some(item))
                    })
                    .collect()
            })
            .collect();
        let aff_position = |name: &str| affordances.iter().position(|a| a.id == name);
        let role_item = settings
            .roles
            .iter()
            .map(|(_, names)| names.first().and_then(|n| position(n)))
            .collect();
        let role_affordances = settings
            .roles
            .iter()
            .map(|(_, names)| names.iter().filter_map(|n| aff_position(n)).collect())
            .collect();
        Ok(ManifestTables {
            counts,
            stock_limits,
            role_item,
            role_affordances,
            type_vendor,
            item_index: items
                .iter()
                .enumerate()
                .map(|(k, name)| (name.to_string(), k))
                .collect(),
            affordance_index: affordances
                .iter()
                .enumerate()
                .map(|(a, aff)| (aff.id.clone(), a))
                .collect(),
            offered,
            item_use,
            vendor,
            preconditions,
        })
    }

    /// The tables by name: `{"items", "affordances", "offered": {type: [ids]},
    /// "item_use": {item: id | None}, "vendor": {item: id | None}}`.
    pub fn to_value(&self, settings: &WorldSettings) -> StateValue {
        let manifest = &settings.manifest;
        let id = |a: usize| StateValue::str(&manifest.affordances[a].id);
        let by_item = |table: &[Option<usize>]| {
            StateValue::dict(
                manifest
                    .items
                    .iter()
                    .zip(table)
                    .map(|(item, a)| (item.name.clone(), a.map_or(StateValue::Null, id))),
            )
        };
        StateValue::dict([
            (
                "items",
                StateValue::List(
                    manifest
                        .items
                        .iter()
                        .map(|i| StateValue::str(&i.name))
                        .collect(),
                ),
            ),
            (
                "affordances",
                StateValue::List((0..manifest.affordances.len()).map(id).collect()),
            ),
            (
                "offered",
                StateValue::dict(manifest.object_types.iter().zip(&self.offered).map(
                    |(t, list)| {
                        (
                            t.name.clone(),
                            StateValue::List(list.iter().copied().map(id).collect()),
                        )
                    },
                )),
            ),
            ("item_use", by_item(&self.item_use)),
            ("vendor", by_item(&self.vendor)),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn town() -> WorldSettings {
        WorldSettings::default_town("x.map", "")
    }

    #[test]
    fn default_tables_index_the_manifest() {
        let s = town();
        let t = ManifestTables::build(&s).unwrap();
        assert_eq!(t.item_index["meal"], 1);
        assert_eq!(t.affordance_index["eat_raw_food"], 12);
        let fridge = s
            .manifest
            .object_types
            .iter()
            .position(|t| t.name == "fridge");
        assert_eq!(t.offered[fridge.unwrap()], vec![6, 7, 8, 9]);
        assert_eq!(t.offered[7], Vec::<usize>::new()); // shelf (decor)
        assert_eq!(t.item_use, vec![Some(12), Some(11)]);
        assert_eq!(t.vendor, vec![Some(4), Some(5)]);
        assert_eq!(t.preconditions[0][0].source, "object.owner == agent.id");
        let value = t.to_value(&s);
        assert_eq!(
            value.get("item_use").and_then(|v| v.get("meal")),
            Some(&StateValue::str("eat_meal"))
        );
    }

    #[test]
    fn counts_limits_and_roles_are_precomputed_by_index() {
        let mut s = town();
        s.roles[0].1 = vec!["nope".into(), "sleep".into()];
        let t = ManifestTables::build(&s).unwrap();
        // Per item (raw_food, meal): [consume, take, on_complete.items, on_complete.stock].
        assert_eq!(t.counts[3], vec![[1, 0, 0, 0], [0, 0, 1, 0]]); // cook_meal
        assert_eq!(t.counts[6], vec![[1, 0, 0, 1], [0, 0, 0, 0]]); // store_raw_food
        assert_eq!(t.counts[5], vec![[0, 0, 0, 0], [0, 1, 1, 0]]); // buy_meal
        let fridge = s
            .manifest
            .object_types
            .iter()
            .position(|t| t.name == "fridge");
        assert_eq!(t.stock_limits[fridge.unwrap()], vec![10, 6]);
        let items: Vec<Option<usize>> = [None; 7]
            .into_iter()
            .chain([Some(1), Some(0), None, Some(1), Some(0)])
            .collect();
        assert_eq!(t.role_item, items);
        assert_eq!(t.role_affordances[0], vec![0]); // the unknown name is dropped
        assert_eq!(t.role_affordances[1], vec![1, 2]); // shower, public_shower
        assert_eq!(t.role_affordances[7], Vec::<usize>::new()); // buy: an item name
    }

    #[test]
    fn a_bad_precondition_is_a_settings_error() {
        let mut s = town();
        s.manifest.affordances[11].preconditions = vec!["object.zone == agent.home".into()];
        let err = ManifestTables::build(&s).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid world settings: manifest.affordances[11].preconditions[0]: column 1: \
             'object.zone' is not available in an item-use affordance"
        );
        s.manifest.affordances[11].preconditions = vec!["price.gold > 1".into()];
        let err = ManifestTables::build(&s).unwrap_err();
        assert!(
            err.to_string().contains("unknown price key 'gold'"),
            "{err}"
        );
    }
}
