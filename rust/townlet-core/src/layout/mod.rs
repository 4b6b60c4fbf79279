//! The observation layout: names, bounds, blocks and fingerprint (learning.md 1.9).
//!
//! One function, [`observation_layout`], turns the config-dependent parameters
//! ([`LayoutParams`]), a variant and an action mode into an [`ObservationLayout`].
//! `python/townlet/world/layout.py` builds the same layout under the same names, and
//! the fingerprint proves the two identical: it is the hex sha256 of the canonical JSON
//! of every other field ([`ObservationLayout::canonical_json`]). `observe` writes
//! this layout (`obs_features`, `obs_map`; docs/world-state.md section 10).
//!
//! ```
//! use townlet_core::layout::{observation_layout, LayoutParams};
//! let layout = observation_layout(&LayoutParams::default(), "hybrid", "option").unwrap();
//! assert_eq!((layout.features.len(), layout.map_shape), (146, Some([6, 11, 11])));
//! ```

mod embedding;
mod names;

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::actions::ActionMode;
use crate::Error;

pub use embedding::{embedding_table, slot_embedding, MAX_EMBED_DIM};
pub use names::*;

/// Layout version: bumps on any change of name, order, definition or normalisation.
pub const OBS_SCHEMA_VERSION: u32 = 1;

/// Observation variants, richest first (learning.md 1.1).
pub const VARIANTS: [&str; 3] = ["full", "hybrid", "compact"];

/// The config-dependent parameters of the layout (`observations.*`, learning.md 1.9).
///
/// `object_categories` lists all five categories in [`CATEGORIES`] order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayoutParams {
    /// Side of the map window in tiles (odd, 5..21; default 11).
    pub window: usize,
    /// Friend slots S_f of the social snippet (0..4; default 2).
    pub top_friends: usize,
    /// Rival slots S_r of the social snippet (0..4; default 2).
    pub top_rivals: usize,
    /// Identity embedding width E (1..32; default 8).
    pub embed_dim: usize,
    /// Category -> object types, in [`CATEGORIES`] order.
    pub object_categories: Vec<(String, Vec<String>)>,
}

impl Default for LayoutParams {
    fn default() -> Self {
        let types = |names: &[&str]| names.iter().map(|s| s.to_string()).collect();
        LayoutParams {
            window: 11,
            top_friends: 2,
            top_rivals: 2,
            embed_dim: 8,
            object_categories: vec![
                (
                    "food".into(),
                    types(&["fridge", "stove", "counter", "table"]),
                ),
                ("hygiene".into(), types(&["shower"])),
                ("rest".into(), types(&["bed", "bench"])),
                ("work".into(), types(&["desk"])),
                ("shop".into(), types(&["till", "shelf"])),
            ],
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ParamsJson {
    window: Option<usize>,
    top_friends: Option<usize>,
    top_rivals: Option<usize>,
    embed_dim: Option<usize>,
    object_categories: Option<BTreeMap<String, Vec<String>>>,
}

impl LayoutParams {
    /// Parses `{"window", "top_friends", "top_rivals", "embed_dim", "object_categories"}`;
    /// a missing key takes its default.
    ///
    /// ```
    /// let params = townlet_core::layout::LayoutParams::from_json(r#"{"window": 7}"#).unwrap();
    /// assert_eq!((params.window, params.embed_dim), (7, 8));
    /// ```
    pub fn from_json(text: &str) -> Result<LayoutParams, Error> {
        let raw: ParamsJson = serde_json::from_str(text)
            .map_err(|err| Error::settings(vec![("observations".into(), err.to_string())]))?;
        let mut params = LayoutParams::default();
        params.window = raw.window.unwrap_or(params.window);
        params.top_friends = raw.top_friends.unwrap_or(params.top_friends);
        params.top_rivals = raw.top_rivals.unwrap_or(params.top_rivals);
        params.embed_dim = raw.embed_dim.unwrap_or(params.embed_dim);
        if let Some(mut given) = raw.object_categories {
            if let Some(unknown) = given.keys().find(|k| !CATEGORIES.contains(&k.as_str())) {
                let what = format!("unknown category '{unknown}'");
                return Err(Error::settings(vec![(
                    "observations.object_categories".into(),
                    what,
                )]));
            }
            params.object_categories = CATEGORIES
                .iter()
                .map(|&c| (c.to_string(), given.remove(c).unwrap_or_default()))
                .collect();
        }
        params.check()?;
        Ok(params)
    }

    fn check(&self) -> Result<(), Error> {
        let mut problems = Vec::new();
        if !(5..=21).contains(&self.window) || self.window % 2 == 0 {
            problems.push(("window", format!("expected odd 5..21, got {}", self.window)));
        }
        for (key, value) in [
            ("social.top_friends", self.top_friends),
            ("social.top_rivals", self.top_rivals),
        ] {
            if value > 4 {
                problems.push((key, format!("expected 0..4, got {value}")));
            }
        }
        if !(1..=MAX_EMBED_DIM).contains(&self.embed_dim) {
            problems.push((
                "social.embed_dim",
                format!("expected 1..32, got {}", self.embed_dim),
            ));
        }
        if problems.is_empty() {
            return Ok(());
        }
        Err(Error::settings(
            problems
                .into_iter()
                .map(|(key, what)| (format!("observations.{key}"), what))
                .collect(),
        ))
    }

    /// Social slot names: `friend0`.. then `rival0`.. (learning.md 1.6).
    pub fn social_slots(&self) -> Vec<String> {
        let friends = (0..self.top_friends).map(|i| format!("friend{i}"));
        friends
            .chain((0..self.top_rivals).map(|i| format!("rival{i}")))
            .collect()
    }
}

/// Everything `world.observe` writes, by name (learning.md 1.9).
#[derive(Clone, Debug, PartialEq)]
pub struct ObservationLayout {
    /// [`OBS_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `full`, `hybrid` or `compact`.
    pub variant: String,
    /// `(C, H, W)`, or `None` for compact.
    pub map_shape: Option<[usize; 3]>,
    /// Map channel names in order.
    pub map_channels: Vec<String>,
    /// Feature names in order; `F = 98 + S * (E + 3) + 4`.
    pub features: Vec<String>,
    /// `(lo, hi)` per feature; every bound is -1, 0 or 1.
    pub feature_bounds: Vec<(f64, f64)>,
    /// Block name -> `[start, stop)`, in feature order.
    pub blocks: Vec<(String, (usize, usize))>,
    /// `option` or `primitive`.
    pub action_mode: String,
    /// Action names in id order.
    pub action_names: Vec<String>,
    /// Reward component names in assembly order.
    pub reward_components: Vec<String>,
    /// Category -> object types, in [`CATEGORIES`] order.
    pub object_categories: Vec<(String, Vec<String>)>,
    /// Hex sha256 of [`ObservationLayout::canonical_json`].
    pub fingerprint: String,
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// Builds the layout of `variant` in action `mode` (learning.md 1.9).
///
/// Errors: a `Provider` error for an unknown variant or mode (the messages of
/// `observe`).
pub fn observation_layout(
    params: &LayoutParams,
    variant: &str,
    mode: &str,
) -> Result<ObservationLayout, Error> {
    let channels: &[&str] = match variant {
        "full" => &FULL_CHANNELS,
        "hybrid" => &HYBRID_CHANNELS,
        "compact" => &[],
        other => {
            return Err(Error::provider(format!(
                "observation variant: expected one of full, hybrid, compact, got '{other}'"
            )))
        }
    };
    let action_names: &[&str] = match ActionMode::parse(mode)? {
        ActionMode::Option => &OPTION_ACTIONS,
        ActionMode::Primitive => &PRIMITIVE_ACTIONS,
    };
    let (features, feature_bounds, blocks) = feature_layout(params);
    let mut layout = ObservationLayout {
        schema_version: OBS_SCHEMA_VERSION,
        variant: variant.to_string(),
        map_shape: (!channels.is_empty()).then_some([channels.len(), params.window, params.window]),
        map_channels: strings(channels),
        features,
        feature_bounds,
        blocks,
        action_mode: mode.to_string(),
        action_names: strings(action_names),
        reward_components: strings(&REWARD_COMPONENTS),
        object_categories: params.object_categories.clone(),
        fingerprint: String::new(),
    };
    layout.fingerprint = hex_sha256(layout.canonical_json().as_bytes());
    Ok(layout)
}

type Features = (Vec<String>, Vec<(f64, f64)>, Vec<(String, (usize, usize))>);

fn feature_layout(params: &LayoutParams) -> Features {
    let mut names: Vec<String> = Vec::new();
    let mut bounds = Vec::new();
    let mut blocks = Vec::new();
    let mut push_block = |block: &str, items: Vec<String>, lo: f64| {
        let start = names.len();
        for name in items {
            // time_sin and time_cos are the only signed values before personality.
            let lo = if name == "time_sin" || name == "time_cos" {
                -1.0
            } else {
                lo
            };
            bounds.push((lo, 1.0));
            names.push(name);
        }
        blocks.push((block.to_string(), (start, names.len())));
    };
    let targets = TARGET_KINDS
        .iter()
        .flat_map(|k| TARGET_SUFFIXES.iter().map(move |s| format!("{k}_{s}")))
        .collect();
    let social = params
        .social_slots()
        .iter()
        .flat_map(|slot| {
            let embed = (0..params.embed_dim).map(move |k| format!("soc_{slot}_e{k}"));
            embed.chain(
                SLOT_TIE_SUFFIXES
                    .iter()
                    .map(move |s| format!("soc_{slot}_{s}")),
            )
        })
        .collect();
    push_block("self", strings(&SELF_FEATURES), 0.0);
    push_block("time", strings(&TIME_FEATURES), 0.0);
    push_block("work", strings(&WORK_FEATURES), 0.0);
    push_block("control", strings(&CONTROL_FEATURES), 0.0);
    push_block("targets", targets, 0.0);
    push_block("local", strings(&LOCAL_FEATURES), 0.0);
    push_block("world", strings(&WORLD_FEATURES), 0.0);
    push_block("personality", strings(&PERSONALITY_FEATURES), -1.0);
    push_block("social", social, -1.0);
    push_block("social_agg", strings(&SOCIAL_AGG_FEATURES), -1.0);
    (names, bounds, blocks)
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl ObservationLayout {
    fn tree(&self, integral_bounds: bool) -> Value {
        let bounds: Vec<Value> = self
            .feature_bounds
            .iter()
            .map(|&(lo, hi)| match integral_bounds {
                // Every bound is -1, 0 or 1; integers keep the bytes language-neutral.
                true => json!([lo as i64, hi as i64]),
                false => json!([lo, hi]),
            })
            .collect();
        let blocks: serde_json::Map<String, Value> = self
            .blocks
            .iter()
            .map(|(name, (start, stop))| (name.clone(), json!([start, stop])))
            .collect();
        let categories: serde_json::Map<String, Value> = self
            .object_categories
            .iter()
            .map(|(name, types)| (name.clone(), json!(types)))
            .collect();
        json!({
            "action_mode": self.action_mode,
            "action_names": self.action_names,
            "blocks": blocks,
            "feature_bounds": bounds,
            "features": self.features,
            "map_channels": self.map_channels,
            "map_shape": self.map_shape,
            "object_categories": categories,
            "reward_components": self.reward_components,
            "schema_version": self.schema_version,
            "variant": self.variant,
        })
    }

    /// The canonical JSON that the fingerprint hashes: every field but `fingerprint`,
    /// keys sorted, no whitespace, tuples as arrays, bounds as the integers -1, 0, 1,
    /// strings as UTF-8 with only `"`, `\` and control characters escaped.
    ///
    /// ```
    /// use townlet_core::layout::{observation_layout, LayoutParams};
    /// let layout = observation_layout(&LayoutParams::default(), "compact", "primitive").unwrap();
    /// assert!(layout.canonical_json().starts_with(r#"{"action_mode":"primitive","#));
    /// ```
    pub fn canonical_json(&self) -> String {
        self.tree(true).to_string()
    }

    /// The export form: every field, `fingerprint` included, bounds as floats.
    pub fn to_json(&self) -> Value {
        let mut tree = self.tree(false);
        tree["fingerprint"] = Value::String(self.fingerprint.clone());
        tree
    }
}

#[cfg(test)]
mod tests;
