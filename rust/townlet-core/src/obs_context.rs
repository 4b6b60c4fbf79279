//! What `observe` precomputes once per world (learning.md 1.3-1.6, docs/world-state.md
//! "Observations").
//!
//! [`ObsSettings`] is the optional `observations` section of the world settings (the
//! layout parameters plus `local_radius`, `wallet_scale`, `distance_scale`).
//! [`ObsContext`] is built once at world construction and never changes: the layout,
//! the static map planes (padded so every window is a plain slice copy), the per-object
//! target fields and each kind's candidate fields per home zone, home fridges per zone,
//! and the identity embedding table. Its scratch (per-tile agent counts and the dynamic
//! object planes) is sized once and reused, so a warm `observe` allocates nothing.

use std::sync::Mutex;

use serde_json::Value;

use crate::grid::Grid;
use crate::layout::{embedding_table, LayoutParams, CATEGORIES};
use crate::settings::WorldSettings;
use crate::targets::{TargetFields, TargetSource, TARGET_RULES};
use crate::Error;

/// The `observations` section of the world settings (all keys optional).
#[derive(Clone, Debug, PartialEq)]
pub struct ObsSettings {
    /// Layout parameters: window, social slots, embedding width, categories.
    pub layout: LayoutParams,
    /// Chebyshev radius L of the local features (1..10; default 5).
    pub local_radius: i32,
    /// Wallet normalisation Wm (> 0; default 20.0).
    pub wallet_scale: f64,
    /// Distance normalisation D (>= 1); `None` = map width + height.
    pub distance_scale: Option<i64>,
}

fn bad(key: &str, what: String) -> Error {
    Error::settings(vec![(format!("observations.{key}"), what)])
}

impl ObsSettings {
    /// Parses the section; `None` gives every default.
    ///
    /// ```
    /// let s = townlet_core::obs_context::ObsSettings::parse(None).unwrap();
    /// assert_eq!((s.local_radius, s.layout.window), (5, 11));
    /// ```
    pub fn parse(section: Option<&Value>) -> Result<ObsSettings, Error> {
        let mut rest = match section {
            None | Some(Value::Null) => serde_json::Map::new(),
            Some(Value::Object(map)) => map.clone(),
            Some(_) => return Err(bad("", "expected an object".into())),
        };
        let local_radius = match rest.remove("local_radius") {
            None => 5,
            Some(v) => match v.as_i64() {
                Some(r @ 1..=10) => r as i32,
                _ => return Err(bad("local_radius", format!("expected int 1..10, got {v}"))),
            },
        };
        let wallet_scale = match rest.remove("wallet_scale") {
            None => 20.0,
            Some(v) => match v.as_f64() {
                Some(w) if v.is_f64() && w > 0.0 && w.is_finite() => w,
                _ => return Err(bad("wallet_scale", format!("expected float > 0, got {v}"))),
            },
        };
        let distance_scale = match rest.remove("distance_scale") {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_i64() {
                Some(d) if d >= 1 && v.is_i64() => Some(d),
                _ => {
                    return Err(bad(
                        "distance_scale",
                        format!("expected int >= 1 or null, got {v}"),
                    ))
                }
            },
        };
        let layout = LayoutParams::from_json(&Value::Object(rest).to_string())?;
        Ok(ObsSettings {
            layout,
            local_radius,
            wallet_scale,
            distance_scale,
        })
    }
}

/// Static channel planes, in this order, in [`ObsContext::planes`].
pub const PLANE_WALL: usize = 0;
/// `door` plane.
pub const PLANE_DOOR: usize = 1;
/// `outdoor` plane.
pub const PLANE_OUTDOOR: usize = 2;
/// First of the six category planes (`obj_food` .. `obj_other`).
pub const PLANE_CATEGORY: usize = 3;
/// `interact` plane.
pub const PLANE_INTERACT: usize = 9;
/// `blocked` plane (hybrid).
pub const PLANE_BLOCKED: usize = 10;
/// Number of static planes.
pub const STATIC_PLANES: usize = 11;

/// One candidate field of a target kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldRef {
    /// A zone anchor field (zone index).
    Zone(usize),
    /// A W§2.5 type field (type index).
    Type(usize),
    /// A per-object field (object index).
    Object(usize),
}

/// Per-call scratch, sized once (see the module docs).
#[derive(Debug, Default)]
pub struct ObsScratch {
    /// Alive agents per padded tile.
    pub counts: Vec<u16>,
    /// Padded `in_use` plane of the call.
    pub in_use: Vec<f32>,
    /// Padded `queue` plane of the call.
    pub queue: Vec<f32>,
    /// Padded tiles written in `in_use`/`queue` this call (cleared at the next).
    pub touched: Vec<usize>,
    /// First alive agent (index into `state.agents`) per padded tile, [`NO_AGENT`]
    /// when none; `next` chains the others of the tile.
    pub head: Vec<u32>,
    /// Next agent index on the same tile, per agent index.
    pub next: Vec<u32>,
}

/// The end of a tile's agent chain in [`ObsScratch::head`] / [`ObsScratch::next`].
pub const NO_AGENT: u32 = u32::MAX;

/// Everything `observe` precomputes (see the module docs).
#[derive(Debug)]
pub struct ObsContext {
    /// The parsed settings.
    pub settings: ObsSettings,
    /// D as f64.
    pub distance_scale: f64,
    /// F, the feature width.
    pub features: usize,
    /// Padding P of the planes: max(window / 2, local radius, 10).
    pub pad: i32,
    /// Padded width W + 2P.
    pub pw: i32,
    /// Padded height H + 2P.
    pub ph: i32,
    /// [`STATIC_PLANES`] planes of `pw * ph` values, plane-major.
    pub planes: Vec<f32>,
    /// Object index per padded tile (−1 none).
    pub object_at: Vec<i32>,
    /// Identity embeddings, `max_slots * E`.
    pub embed: Vec<f64>,
    /// Item index and carry limit of `raw_food` and `meal`.
    pub carry: [Option<(usize, u32)>; 2],
    /// Fridge stock limit of `raw_food` and `meal` (0 = no such item or type).
    pub fridge_limit: [u32; 2],
    /// Fridge object indices per zone.
    pub fridges: Vec<Vec<usize>>,
    /// Per-object target fields.
    pub targets: TargetFields,
    /// Candidate fields per home (0 = homeless, z + 1) and kind; `work` is empty.
    pub candidates: Vec<[Vec<FieldRef>; 8]>,
    /// Reused buffers.
    pub scratch: Mutex<ObsScratch>,
}

impl Clone for ObsContext {
    fn clone(&self) -> Self {
        ObsContext {
            settings: self.settings.clone(),
            distance_scale: self.distance_scale,
            features: self.features,
            pad: self.pad,
            pw: self.pw,
            ph: self.ph,
            planes: self.planes.clone(),
            object_at: self.object_at.clone(),
            embed: self.embed.clone(),
            carry: self.carry,
            fridge_limit: self.fridge_limit,
            fridges: self.fridges.clone(),
            targets: self.targets.clone(),
            candidates: self.candidates.clone(),
            scratch: Mutex::new(ObsScratch::default()),
        }
    }
}

fn item_index(settings: &WorldSettings, name: &str) -> Option<usize> {
    settings.manifest.items.iter().position(|i| i.name == name)
}

impl ObsContext {
    /// Builds the context of a loaded world.
    pub fn new(settings: &WorldSettings, grid: &Grid) -> Result<ObsContext, Error> {
        let obs = ObsSettings::parse(settings.observations.as_ref())?;
        let params = &obs.layout;
        let pad = (params.window as i32 / 2).max(obs.local_radius).max(10);
        let (pw, ph) = (grid.width + 2 * pad, grid.height + 2 * pad);
        let tiles = (pw * ph) as usize;
        let mut planes = vec![0.0f32; STATIC_PLANES * tiles];
        let mut object_at = vec![-1i32; tiles];
        let types = &settings.manifest.object_types;
        let category_of = |type_name: &str| {
            params
                .object_categories
                .iter()
                .position(|(_, names)| names.iter().any(|n| n == type_name))
                .unwrap_or(CATEGORIES.len())
        };
        for py in 0..ph {
            for px in 0..pw {
                let p = (py * pw + px) as usize;
                let (x, y) = (px - pad, py - pad);
                let glyph = grid
                    .rows
                    .get(y.max(0) as usize)
                    .and_then(|row| row.chars().nth(x.max(0) as usize));
                let inside = grid.in_bounds(x, y);
                let set = |planes: &mut Vec<f32>, plane: usize, on: bool| {
                    if on {
                        planes[plane * tiles + p] = 1.0;
                    }
                };
                set(
                    &mut planes,
                    PLANE_WALL,
                    !inside || matches!(glyph, Some('#' | '~')),
                );
                set(&mut planes, PLANE_DOOR, inside && glyph == Some('+'));
                set(
                    &mut planes,
                    PLANE_OUTDOOR,
                    inside && matches!(glyph, Some('=' | ',' | '@')),
                );
                set(&mut planes, PLANE_BLOCKED, !grid.is_walkable(x, y));
            }
        }
        for o in &grid.objects {
            let p = ((o.y + pad) * pw + o.x + pad) as usize;
            object_at[p] = o.index as i32;
            planes[(PLANE_CATEGORY + category_of(&o.type_name)) * tiles + p] = 1.0;
            if types.get(o.type_index).is_some_and(|t| t.capacity > 0) {
                for &(ix, iy) in &o.interaction {
                    planes[PLANE_INTERACT * tiles + ((iy + pad) * pw + ix + pad) as usize] = 1.0;
                }
            }
        }
        let embed_dim = params.embed_dim;
        let embed = embedding_table(settings.embedding.max_slots as usize, embed_dim)
            .into_iter()
            .flatten()
            .collect();
        let items = ["raw_food", "meal"];
        let carry = items.map(|name| {
            item_index(settings, name).map(|i| (i, settings.manifest.items[i].carry_limit))
        });
        let fridge_type = types.iter().find(|t| t.name == "fridge");
        let fridge_limit = items.map(|name| {
            fridge_type
                .and_then(|t| t.stock_limit.iter().find(|(n, _)| n == name))
                .map_or(0, |(_, l)| *l)
        });
        let fridges = (0..grid.zones.len())
            .map(|z| {
                grid.objects
                    .iter()
                    .filter(|o| o.type_name == "fridge" && o.zone == Some(z))
                    .map(|o| o.index)
                    .collect()
            })
            .collect();
        let mut targets = TargetFields::new(grid);
        targets.named.index_vendors(grid, &settings.manifest);
        let candidates = std::iter::once(None)
            .chain((0..grid.zones.len()).map(Some))
            .map(|home| candidates_of(grid, &targets, home))
            .collect();
        let distance_scale =
            obs.distance_scale
                .unwrap_or(i64::from(grid.width) + i64::from(grid.height)) as f64;
        let features = 98 + (params.top_friends + params.top_rivals) * (embed_dim + 3) + 4;
        Ok(ObsContext {
            settings: obs,
            distance_scale,
            features,
            pad,
            pw,
            ph,
            planes,
            object_at,
            embed,
            carry,
            fridge_limit,
            fridges,
            targets,
            candidates,
            scratch: Mutex::new(ObsScratch::default()),
        })
    }

    /// Padded index of grid tile `(x, y)` (which may lie up to `pad` off the grid).
    #[inline]
    pub fn padded(&self, x: i32, y: i32) -> usize {
        ((y + self.pad) * self.pw + x + self.pad) as usize
    }

    /// The slice of a candidate field, if it exists.
    pub fn field<'a>(&'a self, grid: &'a Grid, f: FieldRef) -> Option<&'a [i32]> {
        match f {
            FieldRef::Zone(z) => grid.zone_fields.get(z).map(Vec::as_slice),
            FieldRef::Type(t) => grid.type_fields.get(t).and_then(Option::as_deref),
            FieldRef::Object(o) => self.targets.field(o),
        }
    }
}

/// The candidate fields of every kind for one home, as `targets::target_hints` picks
/// them (`work` left empty: it depends on the job site, read at observe time).
fn candidates_of(grid: &Grid, fields: &TargetFields, home: Option<usize>) -> [Vec<FieldRef>; 8] {
    TARGET_RULES.map(|(_, source)| match source {
        TargetSource::OwnHome => home.map(FieldRef::Zone).into_iter().collect(),
        TargetSource::OwnSite => Vec::new(),
        TargetSource::Type(name) => grid
            .objects
            .iter()
            .find(|o| o.type_name == name)
            .filter(|o| {
                grid.type_fields
                    .get(o.type_index)
                    .is_some_and(Option::is_some)
            })
            .map(|o| FieldRef::Type(o.type_index))
            .into_iter()
            .collect(),
        TargetSource::ZoneKind(kind) => grid
            .zones
            .iter()
            .enumerate()
            .filter(|(_, z)| z.kind == kind)
            .map(|(i, _)| FieldRef::Zone(i))
            .collect(),
        TargetSource::Objects {
            type_name,
            zone_kind,
        } => grid
            .objects
            .iter()
            .filter(|o| o.type_name == type_name)
            .filter(|o| {
                o.zone.is_some_and(|z| {
                    Some(z) == home || grid.zones.get(z).map(|z| z.kind.as_str()) == zone_kind
                })
            })
            .filter(|o| fields.field(o.index).is_some())
            .map(|o| FieldRef::Object(o.index))
            .collect(),
    })
}
