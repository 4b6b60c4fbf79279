//! State trees and their canonical encoding and hash (architecture.md 5.3).
//!
//! [`StateValue`] is the JSON-like tree that `export_state`, events and `view` produce and
//! that crosses into Python as dicts and lists. Dicts keep insertion order (so Python sees
//! fields in schema order); the encoder sorts keys by their bytes, writes `-0.0` as `+0.0`
//! and never looks at a value to decide its kind: a float field is a `Float` even at 5.0.

use sha2::{Digest, Sha256};

/// A node of a state tree: the kinds of architecture.md 5.3.
///
/// ```
/// use townlet_core::canonical::StateValue;
/// let tree = StateValue::dict([("tick", StateValue::Int(3))]);
/// assert_eq!(tree.get("tick"), Some(&StateValue::Int(3)));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum StateValue {
    /// Python `None`.
    Null,
    /// A bool (never an int).
    Bool(bool),
    /// A signed 64-bit integer.
    Int(i64),
    /// A binary64 float.
    Float(f64),
    /// A UTF-8 string.
    Str(String),
    /// A list.
    List(Vec<StateValue>),
    /// A dict with string keys, in insertion order.
    Dict(Vec<(String, StateValue)>),
}

impl StateValue {
    /// A dict from `(key, value)` pairs, keeping their order.
    pub fn dict<K: Into<String>>(pairs: impl IntoIterator<Item = (K, StateValue)>) -> Self {
        StateValue::Dict(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A string value.
    pub fn str(text: impl Into<String>) -> Self {
        StateValue::Str(text.into())
    }

    /// `Str(text)` or `Null`.
    pub fn opt_str(text: Option<impl Into<String>>) -> Self {
        text.map_or(StateValue::Null, |t| StateValue::Str(t.into()))
    }

    /// `Int(value)` or `Null`.
    pub fn opt_int(value: Option<i64>) -> Self {
        value.map_or(StateValue::Null, StateValue::Int)
    }

    /// A position `[x, y]`.
    pub fn position(position: (i32, i32)) -> Self {
        StateValue::List(vec![
            StateValue::Int(i64::from(position.0)),
            StateValue::Int(i64::from(position.1)),
        ])
    }

    /// The Python name of this value's kind: `None bool int float str list dict`.
    ///
    /// ```
    /// assert_eq!(townlet_core::canonical::StateValue::Float(1.0).kind_name(), "float");
    /// ```
    pub fn kind_name(&self) -> &'static str {
        match self {
            StateValue::Null => "None",
            StateValue::Bool(_) => "bool",
            StateValue::Int(_) => "int",
            StateValue::Float(_) => "float",
            StateValue::Str(_) => "str",
            StateValue::List(_) => "list",
            StateValue::Dict(_) => "dict",
        }
    }

    /// The value under `key` of a dict (first match); `None` for other kinds.
    pub fn get(&self, key: &str) -> Option<&StateValue> {
        match self {
            StateValue::Dict(pairs) => pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

impl From<bool> for StateValue {
    fn from(value: bool) -> Self {
        StateValue::Bool(value)
    }
}

impl From<i64> for StateValue {
    fn from(value: i64) -> Self {
        StateValue::Int(value)
    }
}

impl From<u32> for StateValue {
    fn from(value: u32) -> Self {
        StateValue::Int(i64::from(value))
    }
}

impl From<f64> for StateValue {
    fn from(value: f64) -> Self {
        StateValue::Float(value)
    }
}

impl From<&str> for StateValue {
    fn from(value: &str) -> Self {
        StateValue::Str(value.to_string())
    }
}

impl From<String> for StateValue {
    fn from(value: String) -> Self {
        StateValue::Str(value)
    }
}

/// The canonical bytes of `tree` (architecture.md 5.3).
///
/// ```
/// use townlet_core::canonical::{canonical_encode, StateValue};
/// assert_eq!(canonical_encode(&StateValue::dict::<String>([])), vec![6, 0, 0, 0, 0]);
/// ```
pub fn canonical_encode(tree: &StateValue) -> Vec<u8> {
    let mut out = Vec::new();
    encode_into(tree, &mut out);
    out
}

/// Appends the canonical bytes of `value` to `out`.
pub fn encode_into(value: &StateValue, out: &mut Vec<u8>) {
    match value {
        StateValue::Null => out.push(0x00),
        StateValue::Bool(b) => {
            out.push(0x01);
            out.push(u8::from(*b));
        }
        StateValue::Int(i) => {
            out.push(0x02);
            out.extend_from_slice(&i.to_le_bytes());
        }
        StateValue::Float(x) => {
            out.push(0x03);
            // -0.0 == 0.0, so both zeros are written as +0.0.
            let x = if *x == 0.0 { 0.0 } else { *x };
            out.extend_from_slice(&x.to_bits().to_le_bytes());
        }
        StateValue::Str(s) => encode_str(s, out),
        StateValue::List(items) => {
            out.push(0x05);
            encode_len(items.len(), out);
            for item in items {
                encode_into(item, out);
            }
        }
        StateValue::Dict(pairs) => {
            out.push(0x06);
            encode_len(pairs.len(), out);
            let mut sorted: Vec<&(String, StateValue)> = pairs.iter().collect();
            // `str` orders by UTF-8 bytes; the sort is stable for (invalid) duplicate keys.
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            for (key, item) in sorted {
                encode_str(key, out);
                encode_into(item, out);
            }
        }
    }
}

fn encode_str(s: &str, out: &mut Vec<u8>) {
    out.push(0x04);
    encode_len(s.len(), out);
    out.extend_from_slice(s.as_bytes());
}

fn encode_len(len: usize, out: &mut Vec<u8>) {
    // State trees stay far below 2^32 items; saturate rather than wrap if one did not.
    let len = u32::try_from(len).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_le_bytes());
}

/// Lowercase hex of `bytes`.
///
/// ```
/// assert_eq!(townlet_core::canonical::to_hex(&[0, 255]), "00ff");
/// ```
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        text.push(char::from(DIGITS[usize::from(b >> 4)]));
        text.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    text
}

/// The hex sha256 of the canonical encoding of `tree` (`state_hash`).
///
/// ```
/// use townlet_core::canonical::{canonical_hash, StateValue};
/// let empty = StateValue::dict::<String>([]);
/// assert_eq!(&canonical_hash(&empty)[..8], "b4548222");
/// ```
pub fn canonical_hash(tree: &StateValue) -> String {
    to_hex(&Sha256::digest(canonical_encode(tree)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn from_json(value: &Value) -> StateValue {
        match value {
            Value::Null => StateValue::Null,
            Value::Bool(b) => StateValue::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => StateValue::Int(i),
                None => StateValue::Float(n.as_f64().expect("finite")),
            },
            Value::String(s) => StateValue::Str(s.clone()),
            Value::Array(items) => StateValue::List(items.iter().map(from_json).collect()),
            Value::Object(map) => {
                StateValue::Dict(map.iter().map(|(k, v)| (k.clone(), from_json(v))).collect())
            }
        }
    }

    fn set(tree: &mut StateValue, key: &str, value: StateValue) {
        if let StateValue::Dict(pairs) = tree {
            for (k, v) in pairs.iter_mut() {
                if k == key {
                    *v = value.clone();
                }
            }
        }
    }

    #[test]
    fn encoding_matches_every_vector() {
        let text = include_str!("../../../tests/data/vectors/canonical_hash.json");
        let vectors: Value = serde_json::from_str(text).expect("vectors parse");
        let cases = vectors["cases"].as_array().expect("cases");
        assert_eq!(cases.len(), 3);
        for case in cases {
            let name = case["name"].as_str().expect("name");
            let mut tree = from_json(&case["tree"]);
            if name == "scalars" {
                // JSON loses these kinds: build them by hand (see the vectors' description).
                set(&mut tree, "negzero", StateValue::Float(-0.0));
                set(&mut tree, "whole", StateValue::Float(5.0));
            }
            let bytes = canonical_encode(&tree);
            assert_eq!(
                to_hex(&bytes),
                case["encoding_hex"].as_str().expect("hex"),
                "{name}"
            );
            assert_eq!(
                canonical_hash(&tree),
                case["sha256"].as_str().expect("sha"),
                "{name}"
            );
        }
    }

    #[test]
    fn negative_zero_encodes_as_positive_zero() {
        let neg = canonical_encode(&StateValue::Float(-0.0));
        assert_eq!(neg, canonical_encode(&StateValue::Float(0.0)));
    }

    #[test]
    fn kind_is_part_of_the_encoding() {
        assert_ne!(
            canonical_encode(&StateValue::Int(5)),
            canonical_encode(&StateValue::Float(5.0))
        );
    }

    #[test]
    fn dict_order_does_not_change_the_hash() {
        let a = StateValue::dict([("b", StateValue::Int(1)), ("a", StateValue::Null)]);
        let b = StateValue::dict([("a", StateValue::Null), ("b", StateValue::Int(1))]);
        assert_eq!(canonical_hash(&a), canonical_hash(&b));
    }
}
