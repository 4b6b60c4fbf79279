//! Tests of `settings`: parsing, paths of errors, semantic checks.

use super::*;

const EXAMPLE: &str = r#"{
  "map": {"name": "towns/tiny.map", "text": "x", "sha256": "ab"},
  "manifest": {"sha256": "cd", "items": [{"name": "raw_food", "carry_limit": 3}, {"name": "meal", "carry_limit": 2}],
    "object_types": [{"name": "bed", "capacity": 1, "ownable": true, "requires": [], "stock": [], "stock_limit": [], "restock": []}],
    "affordances": [{"id": "sleep", "object_type": "bed", "item": null, "duration": 480,
      "preconditions": ["object.owner == agent.id"], "cost": {"price": "meal"}, "consume": [], "take": [],
      "per_tick": {"needs": {"hunger": 0.0, "hygiene": 0.0, "energy": 0.0015}, "money": 0.0},
      "on_complete": {"needs": {"hunger": 0.0, "hygiene": 0.0, "energy": 0.0}, "money": 0.0, "items": [["meal", 1]], "stock": []},
      "decay_multipliers": {"hunger": 0.5, "hygiene": 0.5, "energy": 0.0}, "allows_chat": false, "sells": null,
      "tags": ["sleep"], "hooks": {"on_start": [], "on_complete": [], "on_fail": []}}]},
  "economy": {"prices": [["meal", 1.0]]},
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
    assert_eq!(
        s.manifest.affordances[0].cost.price.as_deref(),
        Some("meal")
    );
    assert_eq!(s.economy.prices, vec![("meal".to_string(), 1.0)]);
}

#[test]
fn malformed_affordances_are_refused() {
    for (from, to, message) in [
        (
            r#""cost": {"price": "meal"}"#,
            r#""cost": {"price": "gold"}"#,
            "manifest.affordances[0].cost.price: unknown price key 'gold'",
        ),
        (
            r#""item": null"#,
            r#""item": "meal""#,
            "manifest.affordances[0]: expected exactly one of object_type and item",
        ),
        (
            r#""duration": 480"#,
            r#""duration": 0"#,
            "manifest.affordances[0].duration: must be [1, 10080], got 0",
        ),
        (
            r#""items": [["meal", 1]]"#,
            r#""items": [["gold", 1]]"#,
            "manifest.affordances[0].on_complete.items[0][0]: unknown item 'gold'",
        ),
        (
            r#""sells": null"#,
            r#""sells": "gold""#,
            "manifest.affordances[0].sells: unknown item 'gold'",
        ),
    ] {
        assert!(EXAMPLE.contains(from), "{from}");
        let err = WorldSettings::from_json(&EXAMPLE.replace(from, to)).expect_err(message);
        assert_eq!(
            err.to_string(),
            format!("invalid world settings: {message}")
        );
    }
    let json = EXAMPLE.replace(r#""tags": ["sleep"], "#, "");
    let err = WorldSettings::from_json(&json).expect_err("tags missing");
    assert_eq!(
        err.to_string(),
        "invalid world settings: manifest.affordances[0].tags: missing"
    );
}

#[test]
fn missing_key_names_its_path() {
    let json = EXAMPLE.replace("\"faint_ticks\": 30,", "");
    let err = WorldSettings::from_json(&json).expect_err("invalid");
    let text = err.to_string();
    assert_eq!(
        text,
        "invalid world settings: lifecycle.faint_ticks: missing"
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

#[test]
fn syntax_errors_keep_their_position() {
    let err = WorldSettings::from_json("{").expect_err("invalid");
    assert_eq!(
        err.to_string(),
        "invalid world settings: settings: EOF while parsing an object at line 1 column 1"
    );
}

#[test]
fn unknown_action_mode_is_refused() {
    let json = EXAMPLE.replace("\"mode\": \"option\"", "\"mode\": \"telepathy\"");
    let err = WorldSettings::from_json(&json).expect_err("invalid");
    assert_eq!(
        err.to_string(),
        "invalid world settings: actions.mode: expected 'option' or 'primitive', got 'telepathy'"
    );
}
