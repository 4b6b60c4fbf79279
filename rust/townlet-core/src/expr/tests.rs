//! The shared vectors of `tests/data/expr_cases.json`, and inputs that must not panic.

use std::collections::HashMap;

use serde_json::Value;

use super::*;

fn vectors() -> Value {
    let text = include_str!("../../../../tests/data/expr_cases.json");
    serde_json::from_str(text).expect("expr_cases.json parses")
}

fn context(vectors: &Value, allow_object: bool) -> Context {
    let strings = |key: &str| -> Vec<String> {
        vectors["context"][key]
            .as_array()
            .expect("list")
            .iter()
            .map(|v| v.as_str().expect("string").to_string())
            .collect()
    };
    Context {
        items: strings("items"),
        price_keys: strings("price_keys"),
        allow_object,
    }
}

/// The environment of the vectors: the base `env` with a case's overrides, by name id.
struct TableEnv {
    values: HashMap<Name, Value>,
}

impl TableEnv {
    fn new(vectors: &Value, overrides: Option<&Value>) -> Self {
        let context = context(vectors, true);
        let mut values = HashMap::new();
        let base = vectors["env"].as_object().expect("env");
        let extra = overrides.and_then(Value::as_object).into_iter().flatten();
        for (path, value) in base.iter().chain(extra) {
            let (name, _) = names::resolve(path, &context).expect("env names resolve");
            values.insert(name, value.clone());
        }
        TableEnv { values }
    }
}

impl ExprEnv for TableEnv {
    fn num(&self, name: Name) -> f64 {
        self.values[&name].as_f64().expect("num")
    }
    fn text(&self, name: Name) -> Option<&str> {
        self.values[&name].as_str()
    }
    fn flag(&self, name: Name) -> bool {
        self.values[&name].as_bool().expect("bool")
    }
}

/// What compiling and evaluating a shared case gives, in the JSON's words.
fn outcome(v: &Value, case: &Value) -> Value {
    let source = case["expr"].as_str().expect("expr");
    let item_use = case["item_use"].as_bool().unwrap_or(false);
    match Precondition::compile(source, &context(v, !item_use)) {
        Ok(p) => Value::Bool(evaluate(&p.expr, &TableEnv::new(v, case.get("env")))),
        Err(err) => serde_json::json!({"code": err.code, "message": err.to_string()}),
    }
}

#[test]
fn every_shared_case_gives_its_result_or_its_error() {
    let v = vectors();
    let cases = v["cases"].as_array().expect("cases");
    assert!(cases.len() > 150);
    let mismatches: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let expected = case.get("result").unwrap_or(&case["error"]);
            let got = outcome(&v, case);
            (&got != expected)
                .then(|| format!("{}\n  expected {expected}\n  got      {got}", case["expr"]))
        })
        .collect();
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn every_shared_list_reports_its_first_false_precondition() {
    let v = vectors();
    let context = context(&v, true);
    for case in v["lists"].as_array().expect("lists") {
        let list: Vec<Precondition> = case["preconditions"]
            .as_array()
            .expect("list")
            .iter()
            .map(|s| Precondition::compile(s.as_str().expect("str"), &context).expect("compiles"))
            .collect();
        let env = TableEnv::new(&v, case.get("env"));
        let expected = case["first_false"].as_array().map(|pair| {
            (
                pair[0].as_u64().expect("index") as usize,
                pair[1].as_str().expect("source"),
            )
        });
        assert_eq!(first_false(&list, &env), expected, "{case}");
    }
}

/// The soup's generator (splitmix64); the Python test draws the same numbers.
struct Draws(u64);

impl Draws {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n as u64) as usize
    }
}

/// The sources of the soup: a grammar walk and fragment soup (see its `about`).
struct Soup<'a> {
    spec: &'a Value,
    draws: Draws,
}

impl Soup<'_> {
    fn pick(&mut self, key: &str) -> String {
        let items = self.spec[key].as_array().expect("list");
        items[self.draws.below(items.len())]
            .as_str()
            .expect("str")
            .to_string()
    }

    fn grammar(&mut self, depth: usize) -> String {
        let k = if depth < 3 { self.draws.below(8) } else { 0 };
        match k {
            0..=3 => self.comparison(),
            4 | 5 => {
                let left = self.grammar(depth + 1);
                let op = if k == 4 { " or " } else { " and " };
                left + op + &self.grammar(depth + 1)
            }
            6 => "not ".to_string() + &self.grammar(depth + 1),
            _ => "(".to_string() + &self.grammar(depth + 1) + ")",
        }
    }

    fn comparison(&mut self) -> String {
        let k = self.draws.below(4);
        let left = self.pick("operands");
        match k {
            0 => left,
            1 | 2 => {
                let op = self.pick("ops");
                format!("{left} {op} {}", self.pick("operands"))
            }
            _ => {
                let op = [" in ", " not in "][self.draws.below(2)];
                let n = self.draws.below(3);
                let items: Vec<String> = (0..n).map(|_| self.pick("literals")).collect();
                format!("{left}{op}[{}]", items.join(", "))
            }
        }
    }

    fn fragments(&mut self) -> String {
        let max = self.spec["max_fragments"].as_u64().expect("int") as usize;
        let n = 1 + self.draws.below(max);
        (0..n)
            .map(|_| self.pick("fragments"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[test]
fn soup_matches_the_pinned_digest() {
    use sha2::{Digest, Sha256};
    let v = vectors();
    let spec = &v["soup"];
    let mut soup = Soup {
        spec,
        draws: Draws(spec["seed"].as_u64().expect("seed")),
    };
    let mut lines = Vec::new();
    for round in 0..spec["count"].as_u64().expect("count") {
        let source = if round % 2 == 0 {
            soup.grammar(0)
        } else {
            soup.fragments()
        };
        let width = source.chars().count() + 1;
        lines.push(
            match Precondition::compile(&source, &context(&v, round % 3 != 2)) {
                Ok(p) => evaluate(&p.expr, &TableEnv::new(&v, None)).to_string(),
                Err(err) if (1..=width).contains(&err.column) => format!("{}|{err}", err.code),
                Err(err) => panic!("{source:?}: column out of range: {err}"),
            },
        );
    }
    let digest = Sha256::digest(lines.join("\n").as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, spec["sha256"].as_str().expect("sha256"));
}

fn check_outcome(source: &str, context: &Context) {
    let width = source.chars().count() + 1;
    match Precondition::compile(source, context) {
        Ok(p) => assert_eq!(p.source, source),
        Err(err) => {
            assert!((1..=width).contains(&err.column), "{source:?}: {err}");
            assert!([error::SYNTAX, error::NAME, error::TYPE].contains(&err.code));
        }
    }
}

#[test]
fn random_characters_never_panic() {
    let alphabet: Vec<char> = "ab_.z09 -\"\\()[],=!<>\t\n\0é€😀AZ$".chars().collect();
    let context = Context::new(&["meal"], &["meal"], true);
    let mut draws = Draws(11);
    for _ in 0..3_000 {
        let len = draws.below(30);
        let source: String = (0..len)
            .map(|_| alphabet[draws.below(alphabet.len())])
            .collect();
        check_outcome(&source, &context);
    }
}

#[test]
fn odd_strings_never_panic() {
    let context = Context::new(&["meal"], &["meal"], true);
    let nested =
        |open: &str, close: &str, n: usize| format!("{}a{}", open.repeat(n), close.repeat(n));
    let odd = [
        String::new(),
        "\"".into(),
        "\\".into(),
        "\"\\".into(),
        "-".into(),
        "--1".into(),
        "1.".into(),
        "9".repeat(5_000),
        "0.".to_string() + &"0".repeat(5_000) + "1 > 0",
        "a.".repeat(1_000),
        "[".repeat(10_000),
        ")".repeat(10_000),
        nested("(", ")", 100_000),
        nested("not ", "", 100_000),
        nested("(not ", ")", 50_000),
        vec!["utility.power"; 50_000].join(" and "),
        "\u{10FFFF}\u{FEFF}\u{200B}".into(),
        "agent.id == \"\u{0}\u{7F}\"".into(),
        "agent.id in [".to_string() + &"\"x\",".repeat(10_000) + "\"y\"]",
    ];
    for source in &odd {
        check_outcome(source, &context);
    }
}
