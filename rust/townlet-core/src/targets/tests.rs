//! Tests of `targets`: the shared cases of `tests/data/targets_cases.json` (written by
//! `tests/world/gen_targets_cases.py`, hand-checked in `tests/world/test_targets.py`).

use super::*;
use crate::mapfile::load_map;
use crate::settings::WorldSettings;
use serde_json::Value;

const CASES: &str = include_str!("../../../../tests/data/targets_cases.json");
const DEFAULT_MAP: &str = include_str!("../../../../python/townlet/data/configs/towns/default.map");

fn grid_of(cases: &Value, name: &str) -> Grid {
    let types = WorldSettings::default_town("t.map", "")
        .manifest
        .object_types;
    let text = match name {
        "default.map" => DEFAULT_MAP,
        _ => cases["maps"][name].as_str().expect("map text"),
    };
    load_map(name, text, &types).expect("map loads")
}

fn zone(grid: &Grid, name: &Value) -> Option<usize> {
    name.as_str()
        .map(|n| grid.zone_index(n).expect("zone exists"))
}

fn expected(case: &Value) -> Vec<TargetHint> {
    case["expect"]
        .as_array()
        .expect("expect")
        .iter()
        .map(|h| {
            let d = i32::try_from(h[0].as_i64().expect("d")).expect("d fits");
            let dir = h[1].as_u64().map(|k| usize::try_from(k).expect("dir fits"));
            (d, dir)
        })
        .collect()
}

#[test]
fn kinds_follow_the_feature_order() {
    let cases: Value = serde_json::from_str(CASES).expect("json");
    let kinds: Vec<&str> = TARGET_RULES.iter().map(|(k, _)| *k).collect();
    let want: Vec<&str> = cases["kinds"]
        .as_array()
        .expect("kinds")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(kinds, want);
}

#[test]
fn shared_cases_match_the_python_module() {
    let cases: Value = serde_json::from_str(CASES).expect("json");
    let list = cases["cases"].as_array().expect("cases");
    assert!(list.len() >= 12);
    for case in list {
        let map = case["map"].as_str().expect("map");
        let grid = grid_of(&cases, map);
        let fields = TargetFields::new(&grid);
        let place = AgentPlace {
            x: i32::try_from(case["x"].as_i64().expect("x")).expect("x fits"),
            y: i32::try_from(case["y"].as_i64().expect("y")).expect("y fits"),
            home: zone(&grid, &case["home"]),
            site: zone(&grid, &case["site"]),
        };
        let got = target_hints(&grid, &fields, &place);
        assert_eq!(got.to_vec(), expected(case), "case {}", case["name"]);
    }
}

#[test]
fn one_field_per_object_with_capacity() {
    let cases: Value = serde_json::from_str(CASES).expect("json");
    let grid = grid_of(&cases, "default.map");
    let fields = TargetFields::new(&grid);
    assert_eq!(fields.objects.len(), 44);
    assert_eq!(fields.tiles, 48 * 48);
    let shelf = grid
        .objects
        .iter()
        .find(|o| o.type_name == "shelf")
        .expect("shelf");
    assert!(fields.field(shelf.index).is_none());
    assert!(fields.field(grid.objects.len()).is_none());
}

#[test]
fn object_fields_combine_to_the_type_field() {
    let cases: Value = serde_json::from_str(CASES).expect("json");
    let grid = grid_of(&cases, "default.map");
    let fields = TargetFields::new(&grid);
    for (k, type_field) in grid.type_fields.iter().enumerate() {
        let Some(type_field) = type_field else {
            continue;
        };
        let own: Vec<&[i32]> = grid
            .objects
            .iter()
            .filter(|o| o.type_index == k)
            .filter_map(|o| fields.field(o.index))
            .collect();
        for (i, &want) in type_field.iter().enumerate() {
            let got = own
                .iter()
                .map(|f| f[i])
                .filter(|&d| d >= 0)
                .min()
                .unwrap_or(-1);
            assert_eq!(got, want, "type {k} tile {i}");
        }
    }
}
