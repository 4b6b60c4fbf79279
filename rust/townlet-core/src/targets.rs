//! Target kinds and their path hints for the observation features (learning.md 1.5).
//!
//! Features 41–80 give, for each of eight target kinds, a distance `d` and the W§2.5 path
//! hint of the field that gives it. This module owns the kind → rule table
//! ([`TARGET_RULES`]), the per-object BFS fields ([`TargetFields`], computed once per map)
//! and [`target_hints`], which returns plain ints so the feature writer can normalise them
//! (`min(d, D) / D`, 1 when `d == -1`). The Python twin is `townlet/world/targets.py`;
//! `tests/data/targets_cases.json` pins both.
//!
//! Decisions: `grocer` and `cafe` read the W§2.5 type field, as the table of 1.5 says, so
//! their hint is that single field's hint. Its distance equals the minimum of the
//! per-object fields, but its hint may lead to any nearest till, not only to the
//! lowest-indexed one (case `grocer_type_field_and_shower_tie` pins this). Object kinds
//! break ties by lowest object index, zone kinds by zone declaration order. An object is
//! "in" a zone when its tile's zone (W§2.3, first declared) is that zone.

use crate::grid::{bfs_distances, Grid};
use crate::settings::Manifest;

/// Where a kind's fields come from (learning.md 1.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetSource {
    /// The own home zone's anchor field.
    OwnHome,
    /// The own job site zone's anchor field.
    OwnSite,
    /// Per-object fields of objects of the type in own home, or in any zone of the kind.
    Objects {
        /// Object type name.
        type_name: &'static str,
        /// Zone kind whose objects also count, if any.
        zone_kind: Option<&'static str>,
    },
    /// The W§2.5 type field of the type.
    Type(&'static str),
    /// Anchor fields of every zone of the kind.
    ZoneKind(&'static str),
}

/// The kind → rule table, in feature order (k-major features 41–80).
///
/// ```
/// assert_eq!(townlet_core::targets::TARGET_RULES[7].0, "park");
/// ```
pub const TARGET_RULES: [(&str, TargetSource); 8] = [
    ("home", TargetSource::OwnHome),
    (
        "fridge",
        TargetSource::Objects {
            type_name: "fridge",
            zone_kind: None,
        },
    ),
    (
        "stove",
        TargetSource::Objects {
            type_name: "stove",
            zone_kind: Some("cafe"),
        },
    ),
    (
        "shower",
        TargetSource::Objects {
            type_name: "shower",
            zone_kind: Some("gym"),
        },
    ),
    ("work", TargetSource::OwnSite),
    ("grocer", TargetSource::Type("till")),
    ("cafe", TargetSource::Type("counter")),
    ("park", TargetSource::ZoneKind("park")),
];

/// Where an agent stands and the zones it belongs to (zone indices; `None` if none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AgentPlace {
    /// Tile x.
    pub x: i32,
    /// Tile y.
    pub y: i32,
    /// Own home zone.
    pub home: Option<usize>,
    /// Own job site zone.
    pub site: Option<usize>,
}

/// One kind's distance (−1 when unreachable) and path hint (0..4 = N, E, S, W).
pub type TargetHint = (i32, Option<usize>);

/// One immutable BFS field per object with capacity > 0 (learning.md 1.5).
///
/// Fields are stored back to back in one flat `Vec<i32>` of `objects.len() * tiles`
/// (−1 where unreachable or not walkable), built with the same BFS as W§2.5.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetFields {
    /// Tiles per field.
    pub tiles: usize,
    /// Object index of each stored field, ascending.
    pub objects: Vec<usize>,
    slot: Vec<Option<usize>>,
    fields: Vec<i32>,
    /// Walkable-component label per tile (the first tile of its component in row-major
    /// order), −1 for non-walkable tiles; two tiles are mutually reachable when their
    /// labels are equal and not −1 (the option controllers' Socialise, D20-opt-e).
    pub components: Vec<i32>,
    /// The objects of the types the option controllers name (learning.md 2.4), each
    /// list ascending: `fridge`, `stove`, `shower`. The controllers scan these rather
    /// than every object, comparing no type names per tick.
    pub named: NamedObjects,
}

/// Objects per type the option controllers name, ascending (see [`TargetFields`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NamedObjects {
    /// `fridge` objects.
    pub fridges: Vec<usize>,
    /// `stove` objects.
    pub stoves: Vec<usize>,
    /// `shower` objects.
    pub showers: Vec<usize>,
    /// Per item (manifest order): the objects whose type offers an affordance selling
    /// it (filled by [`NamedObjects::index_vendors`]; empty until then).
    pub vendors: Vec<Vec<usize>>,
}

impl NamedObjects {
    fn new(grid: &Grid) -> Self {
        let of = |name: &str| {
            grid.objects
                .iter()
                .filter(|o| o.type_name == name)
                .map(|o| o.index)
                .collect()
        };
        Self {
            fridges: of("fridge"),
            stoves: of("stove"),
            showers: of("shower"),
            vendors: Vec::new(),
        }
    }

    /// Fills [`NamedObjects::vendors`] from `manifest`.
    pub fn index_vendors(&mut self, grid: &Grid, manifest: &Manifest) {
        self.vendors = manifest
            .items
            .iter()
            .map(|item| {
                grid.objects
                    .iter()
                    .filter(|o| {
                        manifest.affordances.iter().any(|a| {
                            a.object_type.as_deref() == Some(o.type_name.as_str())
                                && a.sells.as_deref() == Some(item.name.as_str())
                        })
                    })
                    .map(|o| o.index)
                    .collect()
            })
            .collect();
    }

    /// The objects selling item `item` (empty for an unknown item).
    pub fn vendors_of(&self, item: usize) -> &[usize] {
        self.vendors.get(item).map_or(&[], Vec::as_slice)
    }
}

impl TargetFields {
    /// Computes the fields of `grid`'s objects whose type has a type field.
    pub fn new(grid: &Grid) -> Self {
        let tiles = usize::try_from(grid.width.max(0) * grid.height.max(0)).unwrap_or(0);
        let has_field = |k: usize| grid.type_fields.get(k).is_some_and(|f| f.is_some());
        let mut objects = Vec::new();
        let mut slot = vec![None; grid.objects.len()];
        let mut fields = Vec::new();
        for o in grid.objects.iter().filter(|o| has_field(o.type_index)) {
            if let Some(s) = slot.get_mut(o.index) {
                *s = Some(objects.len());
            }
            objects.push(o.index);
            fields.extend(bfs_distances(
                grid.width,
                grid.height,
                &grid.walkable,
                &o.interaction,
            ));
        }
        let mut components = vec![-1; tiles];
        for k in 0..tiles {
            if components[k] >= 0 || !grid.walkable.get(k).copied().unwrap_or(false) {
                continue;
            }
            let (x, y) = (k as i32 % grid.width, k as i32 / grid.width);
            let reach = bfs_distances(grid.width, grid.height, &grid.walkable, &[(x, y)]);
            for (label, d) in components.iter_mut().zip(reach) {
                if d >= 0 {
                    *label = k as i32;
                }
            }
        }
        Self {
            tiles,
            objects,
            slot,
            fields,
            components,
            named: NamedObjects::new(grid),
        }
    }

    /// The field of object `index`; `None` for a capacity-0 object.
    pub fn field(&self, index: usize) -> Option<&[i32]> {
        let s = (*self.slot.get(index)?)?;
        self.fields.get(s * self.tiles..(s + 1) * self.tiles)
    }
}

/// Returns `(d, direction)` per target kind, in [`TARGET_RULES`] order.
///
/// `d` is the minimum over the kind's fields at the agent's tile, −1 when none is reachable
/// (or homeless / unemployed for `home` and `work`); `direction` is the path hint of the
/// field that gives `d`, `None` when `d <= 0`.
///
/// ```
/// use townlet_core::{mapfile::load_map, settings::WorldSettings, targets::*};
/// let types = WorldSettings::default_town("t.map", "").manifest.object_types;
/// let text = include_str!("../../../python/townlet/data/configs/towns/default.map");
/// let grid = load_map("towns/default.map", text, &types).unwrap();
/// let place = AgentPlace { x: 5, y: 3, home: Some(0), site: None };
/// assert_eq!(target_hints(&grid, &TargetFields::new(&grid), &place)[0], (0, None));
/// ```
pub fn target_hints(grid: &Grid, fields: &TargetFields, place: &AgentPlace) -> [TargetHint; 8] {
    TARGET_RULES.map(|(_, source)| hint(grid, &fields_of(source, grid, fields, place), place))
}

/// The candidate fields of one kind, in tie-break order.
fn fields_of<'a>(
    source: TargetSource,
    grid: &'a Grid,
    fields: &'a TargetFields,
    place: &AgentPlace,
) -> Vec<&'a [i32]> {
    let zone_field = |z: Option<usize>| {
        z.and_then(|z| grid.zone_fields.get(z))
            .map(Vec::as_slice)
            .into_iter()
            .collect()
    };
    match source {
        TargetSource::OwnHome => zone_field(place.home),
        TargetSource::OwnSite => zone_field(place.site),
        TargetSource::Type(name) => grid
            .objects
            .iter()
            .find(|o| o.type_name == name)
            .and_then(|o| grid.type_fields.get(o.type_index))
            .and_then(Option::as_deref)
            .into_iter()
            .collect(),
        TargetSource::ZoneKind(kind) => grid
            .zones
            .iter()
            .zip(&grid.zone_fields)
            .filter(|(z, _)| z.kind == kind)
            .map(|(_, f)| f.as_slice())
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
                    Some(z) == place.home || grid.zones.get(z).map(|z| z.kind.as_str()) == zone_kind
                })
            })
            .filter_map(|o| fields.field(o.index))
            .collect(),
    }
}

/// The smallest reachable distance and the hint of the first field giving it.
fn hint(grid: &Grid, candidates: &[&[i32]], place: &AgentPlace) -> TargetHint {
    if !grid.is_walkable(place.x, place.y) {
        return (-1, None);
    }
    let Some(i) = grid.index(place.x, place.y) else {
        return (-1, None);
    };
    let mut best: Option<(i32, &[i32])> = None;
    for &candidate in candidates {
        let d = candidate.get(i).copied().unwrap_or(-1);
        if d >= 0 && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, candidate));
        }
    }
    match best {
        Some((d, field)) => (d, grid.path_hint(field, place.x, place.y)),
        None => (-1, None),
    }
}

#[cfg(test)]
mod tests;
