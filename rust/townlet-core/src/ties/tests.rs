//! Unit tests, the shared sequences of `tests/data/ties_cases.json` and the seeded soup.

use super::*;
use crate::canonical::{canonical_hash, StateValue};
use crate::rng::Rng;
use serde_json::{json, Value};
use std::collections::BTreeMap;

const EVENT_NAMES: [&str; 8] = [
    "shared_meal",
    "queue_polite",
    "blocked",
    "queue_cut",
    "took_shift",
    "helped_late",
    "chat_good",
    "chat_failed",
];

fn cases() -> Value {
    let text = include_str!("../../../../tests/data/ties_cases.json");
    serde_json::from_str(text).expect("ties_cases.json parses")
}

fn f(v: &Value) -> f64 {
    v.as_f64().expect("a number")
}

fn tie(other: u32, trust: f64, familiarity: f64, rivalry: f64, updated_tick: i64) -> Tie {
    Tie {
        other,
        trust,
        familiarity,
        rivalry,
        created_tick: 0,
        updated_tick,
    }
}

/// Default settings with the overrides of a case (`modifiers` as an object).
fn settings_from(over: &Value) -> TieSettings {
    let mut s = TieSettings::default();
    if let Some(v) = over.get("max_ties") {
        s.max_ties = v.as_u64().expect("max_ties") as usize;
    }
    if let Some(v) = over.get("admission_threshold") {
        s.admission_threshold = f(v);
    }
    if let Some(v) = over.get("decay_per_hour") {
        s.decay_per_hour = [f(&v[0]), f(&v[1]), f(&v[2])];
    }
    if let Some(v) = over.get("drop_below") {
        s.drop_below = f(v);
    }
    if let Some(m) = over.get("modifiers") {
        if let Some(v) = m.get("enabled") {
            s.modifiers.enabled = v.as_bool().expect("enabled");
        }
        if let Some(v) = m.get("c_forgive") {
            s.modifiers.c_forgive = f(v);
        }
        if let Some(v) = m.get("c_ambition") {
            s.modifiers.c_ambition = f(v);
        }
        if let Some(v) = m.get("c_ext_fam") {
            s.modifiers.c_ext_fam = f(v);
        }
    }
    s
}

fn tie_row(t: &Tie) -> Value {
    json!([
        t.other,
        t.trust,
        t.familiarity,
        t.rivalry,
        t.created_tick,
        t.updated_tick
    ])
}

fn applied_row(applied: &Option<Applied>) -> Value {
    match applied {
        None => Value::Null,
        Some(a) => json!({
            "deltas": [a.deltas.trust, a.deltas.familiarity, a.deltas.rivalry],
            "evicted": a.evicted.as_ref().map_or(Value::Null, tie_row),
        }),
    }
}

fn pair_row(outcome: Option<PairOutcome>) -> Value {
    match outcome {
        None => Value::Null,
        Some(o) => json!({"a_to_b": applied_row(&o.a_to_b), "b_to_a": applied_row(&o.b_to_a)}),
    }
}

/// Owners' stores and traits of one sequence, created on first use.
struct Town {
    traits: BTreeMap<u32, Traits>,
    stores: BTreeMap<u32, Ties>,
}

impl Town {
    fn new(traits: &Value) -> Self {
        let mut map = BTreeMap::new();
        for (uid, t) in traits.as_object().expect("traits") {
            let traits = Traits {
                extroversion: f(&t[0]),
                forgiveness: f(&t[1]),
                ambition: f(&t[2]),
            };
            map.insert(uid.parse().expect("uid"), traits);
        }
        Town {
            traits: map,
            stores: BTreeMap::new(),
        }
    }

    fn traits_of(&self, uid: u32) -> Traits {
        self.traits.get(&uid).copied().unwrap_or_default()
    }

    fn ties(&mut self, uid: u32) -> &mut Ties {
        self.stores.entry(uid).or_default()
    }

    fn rows(&self) -> Value {
        let map: serde_json::Map<String, Value> = self
            .stores
            .iter()
            .map(|(uid, s)| {
                (
                    uid.to_string(),
                    Value::Array(s.iter().map(tie_row).collect()),
                )
            })
            .collect();
        Value::Object(map)
    }
}

fn uid(step: &Value, key: &str) -> u32 {
    step[key].as_u64().expect("uid") as u32
}

/// One operation of a shared sequence and its report, in the JSON's words.
fn run_step(town: &mut Town, step: &Value, settings: &TieSettings) -> Value {
    match step["op"].as_str().expect("op") {
        "pair" => {
            let quality = step.get("quality").map_or(0.0, f);
            let event = TieEvent::from_name(step["event"].as_str().expect("event"), quality)
                .expect("known event");
            let (a, b, t) = (
                uid(step, "a"),
                uid(step, "b"),
                step["t"].as_i64().expect("t"),
            );
            let (ta, tb) = (town.traits_of(a), town.traits_of(b));
            town.ties(a);
            town.ties(b);
            if a == b {
                // Two parties over one store cannot exist in Rust; a stand-in shows the
                // uid check alone refuses the pair.
                let mut other = Ties::new();
                let pa = Party {
                    uid: a,
                    ties: town.ties(a),
                    traits: ta,
                };
                let pb = Party {
                    uid: b,
                    ties: &mut other,
                    traits: tb,
                };
                let outcome = apply_pair(event, pa, pb, t, settings);
                assert!(other.is_empty());
                return pair_row(outcome);
            }
            let mut sa = town.stores.remove(&a).expect("store a");
            let mut sb = town.stores.remove(&b).expect("store b");
            let outcome = apply_pair(
                event,
                Party {
                    uid: a,
                    ties: &mut sa,
                    traits: ta,
                },
                Party {
                    uid: b,
                    ties: &mut sb,
                    traits: tb,
                },
                t,
                settings,
            );
            town.stores.insert(a, sa);
            town.stores.insert(b, sb);
            pair_row(outcome)
        }
        "decay" => {
            let owner = uid(step, "owner");
            let forgiveness = town.traits_of(owner).forgiveness;
            let faded = decay_ties(town.ties(owner), forgiveness, settings);
            Value::Array(faded.iter().map(tie_row).collect())
        }
        "set" => {
            let r = &step["tie"];
            let tie = Tie {
                other: r[0].as_u64().expect("other") as u32,
                trust: f(&r[1]),
                familiarity: f(&r[2]),
                rivalry: f(&r[3]),
                created_tick: r[4].as_i64().expect("created"),
                updated_tick: r[5].as_i64().expect("updated"),
            };
            town.ties(uid(step, "owner")).insert(tie);
            Value::Null
        }
        "slots" => {
            let n_friends = step["friends"].as_u64().expect("friends") as usize;
            let n_rivals = step["rivals"].as_u64().expect("rivals") as usize;
            let (friends, rivals) =
                social_slots(town.ties(uid(step, "owner")), n_friends, n_rivals);
            let others = |ts: Vec<&Tie>| ts.iter().map(|t| t.other).collect::<Vec<_>>();
            json!([others(friends), others(rivals)])
        }
        "chat" => {
            let listener = uid(step, "listener");
            let e = town.traits_of(listener).extroversion;
            let (trust, fam) = listener_view(town.ties(listener), uid(step, "speaker"));
            json!([
                chat_probability(trust, fam, e, &settings.chat),
                chat_quality(trust, fam)
            ])
        }
        op => panic!("unknown op {op}"),
    }
}

#[test]
fn every_shared_sequence_gives_its_reports_and_ties() {
    let v = cases();
    let sequences = v["sequences"].as_array().expect("sequences");
    assert!(sequences.len() >= 10);
    for case in sequences {
        let name = case["name"].as_str().expect("name");
        let settings = settings_from(&case["settings"]);
        let mut town = Town::new(&case["traits"]);
        for (i, step) in case["steps"].as_array().expect("steps").iter().enumerate() {
            let got = run_step(&mut town, step, &settings);
            // Round-trip text: equal numbers are equal bits (no -0.0 in the file).
            assert_eq!(
                got.to_string(),
                step["expect"].to_string(),
                "{name} step {i}"
            );
        }
        assert_eq!(
            town.rows().to_string(),
            case["ties"].to_string(),
            "{name} ties"
        );
    }
}

/// The canonical tree of a JSON value: integers stay ints, other numbers are floats.
fn state(v: &Value) -> StateValue {
    match v {
        Value::Null => StateValue::Null,
        Value::Bool(b) => StateValue::Bool(*b),
        Value::Number(n) if n.is_f64() => StateValue::Float(n.as_f64().expect("f64")),
        Value::Number(n) => StateValue::Int(n.as_i64().expect("i64")),
        Value::String(s) => StateValue::str(s.as_str()),
        Value::Array(items) => StateValue::List(items.iter().map(state).collect()),
        Value::Object(map) => StateValue::dict(map.iter().map(|(k, v)| (k.as_str(), state(v)))),
    }
}

/// Outcomes of the seeded soup; the Python test draws and applies the same.
fn soup(spec: &Value) -> Value {
    let mut rng = Rng::for_stream(spec["seed"].as_u64().expect("seed"), "ties_soup");
    let settings = settings_from(&spec["settings"]);
    let n = spec["agents"].as_u64().expect("agents");
    let traits: Vec<Traits> = (0..n)
        .map(|_| Traits {
            extroversion: (rng.rand_f64() * 2.0) - 1.0,
            forgiveness: (rng.rand_f64() * 2.0) - 1.0,
            ambition: (rng.rand_f64() * 2.0) - 1.0,
        })
        .collect();
    let mut stores: Vec<Ties> = (0..n).map(|_| Ties::new()).collect();
    let mut out = Vec::new();
    for t in 0..spec["ops"].as_i64().expect("ops") {
        let k = rng.rand_index(10);
        if k < 7 {
            let name = EVENT_NAMES[rng.rand_index(EVENT_NAMES.len() as u64) as usize];
            let q = rng.rand_f64();
            let (a, b) = (rng.rand_index(n) as usize, rng.rand_index(n) as usize);
            let event = TieEvent::from_name(name, q).expect("event");
            let outcome = if a == b {
                let mut spare = Ties::new();
                let pa = Party {
                    uid: a as u32,
                    ties: &mut stores[a],
                    traits: traits[a],
                };
                let pb = Party {
                    uid: b as u32,
                    ties: &mut spare,
                    traits: traits[b],
                };
                apply_pair(event, pa, pb, t, &settings)
            } else {
                let (lo, hi) = (a.min(b), a.max(b));
                let (left, right) = stores.split_at_mut(hi);
                let (sa, sb) = if a < b {
                    (&mut left[lo], &mut right[0])
                } else {
                    (&mut right[0], &mut left[lo])
                };
                let pa = Party {
                    uid: a as u32,
                    ties: sa,
                    traits: traits[a],
                };
                let pb = Party {
                    uid: b as u32,
                    ties: sb,
                    traits: traits[b],
                };
                apply_pair(event, pa, pb, t, &settings)
            };
            out.push(pair_row(outcome));
        } else if k < 9 {
            let (listener, speaker) = (rng.rand_index(n) as usize, rng.rand_index(n) as u32);
            let (trust, fam) = listener_view(&stores[listener], speaker);
            let e = traits[listener].extroversion;
            let p = chat_probability(trust, fam, e, &settings.chat);
            out.push(json!([p, chat_quality(trust, fam)]));
        } else {
            let faded: Vec<Value> = stores
                .iter_mut()
                .zip(&traits)
                .map(|(s, tr)| {
                    let gone = decay_ties(s, tr.forgiveness, &settings);
                    Value::Array(gone.iter().map(tie_row).collect())
                })
                .collect();
            out.push(Value::Array(faded));
        }
    }
    let last: Vec<Value> = stores
        .iter()
        .map(|s| Value::Array(s.iter().map(tie_row).collect()))
        .collect();
    out.push(Value::Array(last));
    Value::Array(out)
}

#[test]
fn soup_matches_the_pinned_digest() {
    let v = cases();
    let spec = &v["soup"];
    let digest = canonical_hash(&state(&soup(spec)));
    assert_eq!(digest, spec["sha256"].as_str().expect("sha256"));
}

#[test]
fn store_iterates_in_ascending_uid_and_replaces_same_other() {
    let mut ties = Ties::new();
    for other in [5, 1, 3] {
        ties.insert(tie(other, 0.1, 0.0, 0.0, 0));
    }
    ties.insert(tie(3, 0.9, 0.0, 0.0, 1));
    let got: Vec<(u32, f64)> = ties.iter().map(|t| (t.other, t.trust)).collect();
    assert_eq!(got, [(1, 0.1), (3, 0.9), (5, 0.1)]);
    assert!(ties.remove(3).is_some() && ties.remove(3).is_none());
    assert_eq!(ties.len(), 2);
}

#[test]
fn weakest_breaks_ties_by_updated_tick_then_uid() {
    let mut ties = Ties::new();
    ties.insert(tie(1, 0.2, 0.0, 0.0, 5));
    ties.insert(tie(2, 0.0, 0.2, 0.0, 3));
    ties.insert(tie(3, 0.0, 0.0, 0.2, 3));
    ties.insert(tie(4, 0.5, 0.0, 0.0, 0));
    assert_eq!(weakest(&ties).map(|t| t.other), Some(2));
    assert_eq!(weakest(&Ties::new()), None);
}

#[test]
fn rankings_order_by_key_then_ascending_uid() {
    let mut ties = Ties::new();
    ties.insert(tie(4, 0.3, 0.1, 0.0, 0));
    ties.insert(tie(2, 0.1, 0.3, 0.6, 0));
    ties.insert(tie(7, -0.5, 0.0, 0.9, 0));
    let others = |ts: Vec<&Tie>| ts.iter().map(|t| t.other).collect::<Vec<_>>();
    assert_eq!(others(friends_ranked(&ties)), [2, 4, 7]);
    assert_eq!(others(rivals_ranked(&ties)), [7, 2, 4]);
    let (friends, rivals) = social_slots(&ties, 1, 2);
    assert_eq!((others(friends), others(rivals)), (vec![2], vec![7]));
}

#[test]
fn modifiers_apply_in_order_ext_then_ambition_then_forgiveness() {
    let m = TieSettings::default().modifiers;
    let traits = Traits {
        extroversion: 1.0,
        forgiveness: -1.0,
        ambition: 1.0,
    };
    let d = modified_deltas(TieEvent::TookShift, traits, &m);
    let forgiveness = -1.0;
    let soften = 1.0 - (0.5 * forgiveness);
    assert_eq!(d.trust, -0.10 * soften);
    assert_eq!(d.rivalry, (0.30 * (1.0 + (0.3 * 1.0))) * soften);
    let g = modified_deltas(TieEvent::ChatGood(0.5), traits, &m);
    assert_eq!(g.familiarity, 0.10 * 0.5 + (0.02 * 1.0));
    let off = Modifiers {
        enabled: false,
        ..m
    };
    assert_eq!(
        modified_deltas(TieEvent::TookShift, traits, &off),
        TieEvent::TookShift.base_deltas()
    );
}

#[test]
fn full_owner_admits_only_past_threshold_and_weakest() {
    let settings = TieSettings {
        max_ties: 1,
        ..TieSettings::default()
    };
    let mut ties = Ties::new();
    ties.insert(tie(1, 0.05, 0.05, 0.0, 0));
    let small = Deltas {
        trust: 0.0,
        familiarity: -0.05,
        rivalry: 0.1,
    };
    assert_eq!(apply_direction(&mut ties, 2, small, 3, &settings), None);
    let big = Deltas {
        trust: 0.1,
        familiarity: 0.25,
        rivalry: 0.0,
    };
    let applied = apply_direction(&mut ties, 2, big, 4, &settings).expect("admitted");
    assert_eq!(applied.evicted, Some(tie(1, 0.05, 0.05, 0.0, 0)));
    assert_eq!(ties.iter().map(|t| t.other).collect::<Vec<_>>(), [2]);
}

#[test]
fn components_clamp_and_store_positive_zero() {
    let mut ties = Ties::new();
    ties.insert(tie(1, -0.98, 0.02, 0.97, 0));
    let d = Deltas {
        trust: -0.1,
        familiarity: -0.02,
        rivalry: 0.1,
    };
    apply_direction(&mut ties, 1, d, 9, &TieSettings::default());
    let t = ties.get(1).expect("tie");
    assert_eq!((t.trust, t.rivalry, t.updated_tick), (-1.0, 1.0, 9));
    assert_eq!(t.familiarity.to_bits(), 0.0f64.to_bits());
}

#[test]
fn decay_moves_toward_zero_and_fades_small_ties() {
    let mut ties = Ties::new();
    ties.insert(tie(1, 0.001, -0.001, 0.0, 0));
    ties.insert(tie(2, 0.5, -0.5, 0.5, 0));
    let faded = decay_ties(&mut ties, 1.0, &TieSettings::default());
    assert_eq!(faded.len(), 1);
    assert_eq!(
        (faded[0].other, faded[0].trust, faded[0].familiarity),
        (1, 0.0, 0.0)
    );
    let t = ties.get(2).expect("kept");
    assert_eq!((t.trust, t.familiarity), (0.5 - 0.002, -0.5 + 0.002));
    assert_eq!(t.rivalry, 0.5 - (0.01 * (1.0 + (0.5 * 1.0))));
}

#[test]
fn chat_formulas_clamp() {
    let chat = TieSettings::default().chat;
    assert_eq!(chat_probability(1.0, 1.0, 1.0, &chat), 0.95);
    assert_eq!(
        chat_probability(-1.0, -1.0, -1.0, &chat),
        ((0.7 * 0.7) * 0.8) * 0.9
    );
    assert_eq!(
        (chat_quality(-1.0, -1.0), chat_quality(1.0, 1.0)),
        (0.1, 1.0)
    );
}

#[test]
fn every_event_name_round_trips() {
    for name in EVENT_NAMES {
        assert_eq!(TieEvent::from_name(name, 0.5).map(|e| e.name()), Some(name));
    }
    assert_eq!(TieEvent::from_name("hug", 1.0), None);
}
