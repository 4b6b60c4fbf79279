//! Checks a state tree before `import_state` replaces anything (docs/world-state.md D9).
//!
//! Three passes, each in the key order of the state tree (then extra keys, sorted): the
//! version, then the kind and shape of every field, then the value rules (identity,
//! ranges, references between agents, objects and slots). The first problem is returned
//! as `Error::Snapshot { path, message }`. Mirrors `snapshot_check.py` message for
//! message; the Rust world also bounds ticks and counters to what its integers hold.

use crate::canonical::StateValue;
use crate::error::{py_float, Error};
use crate::state::{WorldState, STATE_VERSION};

/// The shape of a state subtree.
enum Schema {
    /// A value of this kind (`int`, `float`, ...).
    Kind(&'static str),
    /// `None` or the inner schema.
    Opt(&'static Schema),
    /// A list of any length.
    List(&'static Schema),
    /// A list of exactly n entries.
    Tuple(usize, &'static Schema),
    /// A dict with free keys.
    Items(&'static Schema),
    /// A dict with exactly these keys, in tree order.
    Dict(&'static [(&'static str, Schema)]),
}

use Schema::{Dict, Items, Kind, List, Opt, Tuple};

const NEEDS: Schema = Dict(&[
    ("hunger", Kind("float")),
    ("hygiene", Kind("float")),
    ("energy", Kind("float")),
]);

const AGENT: Schema = Dict(&[
    ("uid", Kind("int")),
    ("id", Kind("str")),
    ("name", Kind("str")),
    ("slot", Kind("int")),
    ("origin", Kind("str")),
    ("spawned_tick", Kind("int")),
    ("alive", Kind("bool")),
    ("terminated_tick", Kind("int")),
    ("position", Tuple(2, &Kind("int"))),
    ("home", Opt(&Kind("str"))),
    ("bed", Opt(&Kind("int"))),
    ("needs", NEEDS),
    ("hunger_low_ticks", Kind("int")),
    ("wallet", Kind("float")),
    ("items", Items(&Kind("int"))),
    ("profile", Kind("str")),
    ("extroversion", Kind("float")),
    ("forgiveness", Kind("float")),
    ("ambition", Kind("float")),
    (
        "last_action",
        Dict(&[
            ("kind", Kind("str")),
            ("ok", Kind("bool")),
            ("reason", Kind("int")),
        ]),
    ),
    ("ctx_reset", Kind("bool")),
    (
        "ties",
        List(&Dict(&[
            ("other", Kind("int")),
            ("trust", Kind("float")),
            ("familiarity", Kind("float")),
            ("rivalry", Kind("float")),
            ("created_tick", Kind("int")),
            ("updated_tick", Kind("int")),
        ])),
    ),
    ("chat_cooldowns", Items(&Kind("int"))),
    ("last_chat_tick", Kind("int")),
    (
        "engagement",
        Dict(&[
            ("kind", Kind("str")),
            ("object", Opt(&Kind("int"))),
            ("affordance", Opt(&Kind("int"))),
            ("remaining", Kind("int")),
            ("started_tick", Kind("int")),
            ("cost_paid", Kind("float")),
        ]),
    ),
    (
        "last_affordance",
        Opt(&Dict(&[
            ("affordance", Kind("int")),
            ("result", Kind("str")),
            ("reason", Kind("int")),
            ("tick", Kind("int")),
        ])),
    ),
    ("rent_missed_streak", Kind("int")),
    ("job", Opt(&Kind("str"))),
    (
        "shift",
        Dict(&[
            ("state", Kind("str")),
            ("day", Kind("int")),
            ("arrived_minute", Kind("int")),
            ("present_ticks", Kind("int")),
            ("paid", Kind("float")),
            ("withheld", Kind("float")),
            ("fine_outstanding", Kind("float")),
        ]),
    ),
    ("absence_days", List(&Kind("int"))),
    ("exit_pending", Kind("bool")),
    (
        "option",
        Dict(&[
            ("active", Kind("int")),
            ("start", Kind("int")),
            ("lock_end", Kind("int")),
            ("target", Kind("int")),
            ("step", Kind("int")),
            ("wait", Kind("int")),
            ("packed", Kind("bool")),
            ("last", Kind("str")),
        ]),
    ),
    ("possessed", Kind("bool")),
]);

const PERT: Schema = Dict(&[
    ("event_id", Kind("str")),
    ("spec", Kind("str")),
    ("start", Kind("int")),
    ("ends_at", Kind("int")),
    ("magnitude", Kind("float")),
    ("targets", List(&Kind("str"))),
    ("location", Opt(&Kind("str"))),
    ("participants", List(&Kind("int"))),
]);

const STATE: Schema = Dict(&[
    ("state_version", Kind("int")),
    ("tick", Kind("int")),
    (
        "identity",
        Dict(&[
            ("map_sha256", Kind("str")),
            ("manifest_sha256", Kind("str")),
        ]),
    ),
    (
        "rng",
        Dict(&[
            ("world", Tuple(4, &Kind("str"))),
            ("events", Tuple(4, &Kind("str"))),
        ]),
    ),
    (
        "counters",
        Dict(&[("next_uid", Kind("int")), ("next_ticket", Kind("int"))]),
    ),
    (
        "settings",
        Dict(&[
            ("mortality", Kind("bool")),
            ("population_target", Kind("int")),
            ("spawn_delay_ticks", Tuple(2, &Kind("int"))),
            ("daily_exit_cap", Kind("int")),
        ]),
    ),
    (
        "economy",
        Dict(&[
            ("base_prices", Items(&Kind("float"))),
            ("prices", Items(&Kind("float"))),
        ]),
    ),
    (
        "exits",
        Dict(&[
            (
                "queue",
                List(&Dict(&[
                    ("uid", Kind("int")),
                    ("reason", Kind("str")),
                    ("enqueued_tick", Kind("int")),
                ])),
            ),
            ("exits_today", Kind("int")),
            ("last_exit_tick", Opt(&Kind("int"))),
        ]),
    ),
    (
        "perturbations",
        Dict(&[
            ("next_event", Kind("int")),
            ("global_next", Kind("int")),
            (
                "specs",
                List(&Dict(&[
                    ("name", Kind("str")),
                    ("next_allowed", Kind("int")),
                    ("window", List(&Kind("int"))),
                ])),
            ),
            ("agent_cooldowns", Items(&Kind("int"))),
            ("active", List(&PERT)),
            ("pending", List(&PERT)),
        ]),
    ),
    ("agents", List(&AGENT)),
    (
        "objects",
        List(&Dict(&[
            ("id", Kind("str")),
            ("owner", Opt(&Kind("str"))),
            ("stock", Items(&Kind("int"))),
            (
                "holders",
                List(&Dict(&[
                    ("uid", Kind("int")),
                    ("granted_tick", Kind("int")),
                    ("stall", Kind("int")),
                ])),
            ),
            (
                "waiters",
                List(&Dict(&[
                    ("uid", Kind("int")),
                    ("joined_tick", Kind("int")),
                    ("intent", Kind("int")),
                ])),
            ),
            ("cut_in_until", Items(&Kind("int"))),
        ])),
    ),
    (
        "slots",
        List(&Dict(&[
            ("holder", Opt(&Kind("int"))),
            ("released_tick", Opt(&Kind("int"))),
        ])),
    ),
    (
        "tickets",
        List(&Dict(&[
            ("ticket_id", Kind("int")),
            ("due_tick", Kind("int")),
            ("deferred", Kind("bool")),
        ])),
    ),
]);

fn fail(path: impl Into<String>, what: impl Into<String>) -> Error {
    Error::snapshot(path, what)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn check_shape(value: &StateValue, schema: &Schema, path: &str) -> Result<(), Error> {
    match schema {
        Kind(kind) => {
            if value.kind_name() != *kind {
                return Err(fail(
                    path,
                    format!("expected {kind}, got {}", value.kind_name()),
                ));
            }
            if let StateValue::Float(x) = value {
                if !x.is_finite() {
                    return Err(fail(
                        path,
                        format!("expected a finite float, got {}", py_float(*x)),
                    ));
                }
            }
        }
        Dict(fields) => {
            let StateValue::Dict(pairs) = value else {
                return Err(fail(
                    path,
                    format!("expected dict, got {}", value.kind_name()),
                ));
            };
            for (key, sub) in fields.iter() {
                let Some(item) = value.get(key) else {
                    return Err(fail(join(path, key), "missing"));
                };
                check_shape(item, sub, &join(path, key))?;
            }
            let mut extra: Vec<&str> = pairs
                .iter()
                .map(|(k, _)| k.as_str())
                .filter(|k| !fields.iter().any(|(f, _)| f == k))
                .collect();
            extra.sort_unstable();
            if let Some(key) = extra.first() {
                return Err(fail(join(path, key), "unexpected key"));
            }
        }
        Opt(inner) => {
            if !matches!(value, StateValue::Null) {
                check_shape(value, inner, path)?;
            }
        }
        Items(inner) => {
            let StateValue::Dict(pairs) = value else {
                return Err(fail(
                    path,
                    format!("expected dict, got {}", value.kind_name()),
                ));
            };
            for (key, item) in pairs {
                check_shape(item, inner, &join(path, key))?;
            }
        }
        List(inner) | Tuple(_, inner) => {
            let StateValue::List(items) = value else {
                return Err(fail(
                    path,
                    format!("expected list, got {}", value.kind_name()),
                ));
            };
            if let Tuple(n, _) = schema {
                if items.len() != *n {
                    return Err(fail(
                        path,
                        format!("expected {n} entries, got {}", items.len()),
                    ));
                }
            }
            for (i, item) in items.iter().enumerate() {
                check_shape(item, inner, &format!("{path}[{i}]"))?;
            }
        }
    }
    Ok(())
}

/// Returns the first problem of `tree` as a `Snapshot` error, or `Ok` if it is sound.
pub fn check_state_tree(state: &WorldState, tree: &StateValue) -> Result<(), Error> {
    if !matches!(tree, StateValue::Dict(_)) {
        return Err(fail(
            "state",
            format!("expected dict, got {}", tree.kind_name()),
        ));
    }
    let Some(version) = tree.get("state_version") else {
        return Err(fail("state_version", "missing"));
    };
    check_shape(version, &Kind("int"), "state_version")?;
    if int(version) != STATE_VERSION {
        return Err(fail(
            "state_version",
            format!("expected {STATE_VERSION}, got {}", int(version)),
        ));
    }
    check_shape(tree, &STATE, "")?;
    values::check_header(state, tree)?;
    crate::econ::check_economy(state, tree)?;
    crate::exits::check_exits(tree)?;
    crate::perturb::check_perturbations(state, tree)?;
    crate::employment::check_employment(state, tree)?;
    let mut prev_uid = -1;
    for (i, agent) in list(at(tree, "agents")).iter().enumerate() {
        values::check_agent(state, tree, i, prev_uid)?;
        if let Some((key, what)) = agent
            .get("option")
            .and_then(crate::controllers::check_value)
        {
            return Err(fail(format!("agents[{i}].option.{key}"), what));
        }
        prev_uid = int(at(agent, "uid"));
    }
    values::check_references(state, tree)
}

mod values;

use values::{at, int, list};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_float_repr() {
        assert_eq!(py_float(1.0), "1.0");
        assert_eq!(py_float(0.1), "0.1");
        assert_eq!(py_float(-1.5), "-1.5");
        assert_eq!(py_float(f64::INFINITY), "inf");
        assert_eq!(py_float(f64::NAN), "nan");
    }

    #[test]
    fn shape_errors_name_the_path() {
        let tree = StateValue::dict([(
            "a",
            StateValue::List(vec![StateValue::Int(1), StateValue::Str("x".into())]),
        )]);
        const SCHEMA: Schema = Dict(&[("a", List(&Kind("int")))]);
        let err = check_shape(&tree, &SCHEMA, "").expect_err("bad");
        assert_eq!(err.to_string(), "a[1]: expected int, got str");
    }

    #[test]
    fn missing_comes_before_unexpected() {
        const SCHEMA: Schema = Dict(&[("a", Kind("int")), ("b", Kind("int"))]);
        let tree = StateValue::dict([("z", StateValue::Null), ("a", StateValue::Int(1))]);
        assert_eq!(
            check_shape(&tree, &SCHEMA, "root")
                .expect_err("bad")
                .to_string(),
            "root.b: missing"
        );
        let tree = StateValue::dict([
            ("z", StateValue::Null),
            ("y", StateValue::Null),
            ("a", StateValue::Int(1)),
            ("b", StateValue::Int(1)),
        ]);
        assert_eq!(
            check_shape(&tree, &SCHEMA, "")
                .expect_err("bad")
                .to_string(),
            "y: unexpected key"
        );
    }

    /// Sets `objects[k].stock.<item>` of an exported tree.
    fn set_stock(tree: &mut StateValue, k: usize, item: &str, n: i64) {
        let StateValue::Dict(root) = tree else {
            panic!("dict")
        };
        let (_, StateValue::List(objects)) = root
            .iter_mut()
            .find(|(key, _)| key == "objects")
            .expect("objects")
        else {
            panic!("list")
        };
        let StateValue::Dict(obj) = &mut objects[k] else {
            panic!("dict")
        };
        let (_, StateValue::Dict(stock)) = obj
            .iter_mut()
            .find(|(key, _)| key == "stock")
            .expect("stock")
        else {
            panic!("dict")
        };
        stock
            .iter_mut()
            .find(|(key, _)| key == item)
            .expect("item")
            .1 = StateValue::Int(n);
    }

    #[test]
    fn stock_starts_from_the_type_and_is_checked_on_import() {
        use crate::settings::WorldSettings;
        let text = include_str!("../../../python/townlet/data/configs/towns/default.map");
        let mut world =
            crate::World::new(WorldSettings::default_town("towns/default.map", text)).unwrap();
        world.reset(3);
        let tree = world.export_state();
        assert_eq!(tree.get("state_version"), Some(&StateValue::Int(5)));
        let objects = world.grid().objects.clone();
        let k = objects
            .iter()
            .position(|o| o.type_name == "counter")
            .unwrap();
        let StateValue::List(list) = tree.get("objects").unwrap() else {
            panic!("list")
        };
        let stock = list[k].get("stock").unwrap();
        assert_eq!(stock.get("meal"), Some(&StateValue::Int(20)));
        assert_eq!(stock.get("raw_food"), Some(&StateValue::Int(0)));
        let mut bad = tree.clone();
        set_stock(&mut bad, k, "meal", 31);
        let err = world.import_state(&bad).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("objects[{k}].stock.meal: must be in [0, 30], got 31")
        );
        let mut ok = tree.clone();
        set_stock(&mut ok, k, "meal", 30);
        world.import_state(&ok).unwrap();
        assert_eq!(world.state().stock[k], vec![0, 30]);
        let mut old = tree;
        let StateValue::Dict(root) = &mut old else {
            panic!("dict")
        };
        root[0].1 = StateValue::Int(1);
        let err = world.import_state(&old).unwrap_err();
        assert_eq!(err.to_string(), "state_version: expected 5, got 1");
    }

    #[test]
    fn ints_are_not_floats() {
        let err = check_shape(&StateValue::Int(1), &Kind("float"), "w").expect_err("bad");
        assert_eq!(err.to_string(), "w: expected float, got int");
        let err =
            check_shape(&StateValue::Float(f64::INFINITY), &Kind("float"), "w").expect_err("bad");
        assert_eq!(err.to_string(), "w: expected a finite float, got inf");
    }
}
