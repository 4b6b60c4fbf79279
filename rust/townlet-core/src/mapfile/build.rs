//! Placing tiles and objects and the grid checks of D4 (anchors, spawns, access,
//! reachability, homes), then zones and distance fields of the finished [`Grid`].

use super::{Header, Report, ZoneLine, UNREACHABLE};
use crate::grid::{
    bfs_distances, exits, Grid, MapObject, Zone, DIRECTIONS, TILE_GLYPHS, WALKABLE_GLYPHS,
};
use crate::settings::ObjectTypeSpec;

/// What the row-major scan found: walkability, objects `(type index, x, y)`, spawns.
struct Placement {
    walkable: Vec<bool>,
    placed: Vec<(usize, i32, i32)>,
    spawns: Vec<(i32, i32)>,
}

fn place(
    head: &Header,
    rows: &[Vec<char>],
    types: &[ObjectTypeSpec],
    report: &mut Report,
) -> Placement {
    let (width, height) = head.size.unwrap_or((0, 0));
    let mut p = Placement {
        walkable: vec![false; usize::try_from(width * height).unwrap_or(0)],
        placed: Vec::new(),
        spawns: Vec::new(),
    };
    for (y, row) in (0..).zip(rows) {
        for (x, &glyph) in (0..).zip(row) {
            if TILE_GLYPHS.contains(glyph) {
                if let Some(cell) = usize::try_from(y * width + x)
                    .ok()
                    .and_then(|i| p.walkable.get_mut(i))
                {
                    *cell = WALKABLE_GLYPHS.contains(glyph);
                }
                if glyph == '@' {
                    p.spawns.push((x, y));
                }
            } else if let Some(type_name) = head.glyph_type(glyph) {
                if let Some(k) = types.iter().position(|t| t.name == type_name) {
                    p.placed.push((k, x, y));
                }
            } else {
                report.add(
                    "map.glyph_unknown",
                    format!("unknown glyph '{glyph}' at ({x}, {y})"),
                    0,
                );
            }
        }
    }
    p
}

fn walkable_at(walkable: &[bool], width: i32, height: i32, x: i32, y: i32) -> bool {
    0 <= x
        && x < width
        && 0 <= y
        && y < height
        && usize::try_from(y * width + x)
            .ok()
            .and_then(|i| walkable.get(i))
            == Some(&true)
}

/// Resolves the zone's anchor in place; `false` (with an error) when invalid.
fn anchor(
    zone: &mut ZoneLine,
    width: i32,
    height: i32,
    walkable: &[bool],
    report: &mut Report,
) -> bool {
    let (x0, y0, x1, y1) = zone.rect;
    if let Some((ax, ay)) = zone.anchor {
        let place = format!("zone '{}' anchor ({ax}, {ay})", zone.name);
        if !(x0 <= ax && ax <= x1 && y0 <= ay && ay <= y1) {
            report.add(
                "map.anchor_invalid",
                format!("{place} is outside its rectangle"),
                0,
            );
            return false;
        }
        if !walkable_at(walkable, width, height, ax, ay) {
            report.add("map.anchor_invalid", format!("{place} is not walkable"), 0);
            return false;
        }
        return true;
    }
    for y in y0..=y1 {
        for x in x0..=x1 {
            if walkable_at(walkable, width, height, x, y) {
                zone.anchor = Some((x, y));
                return true;
            }
        }
    }
    report.add(
        "map.anchor_invalid",
        format!("zone '{}' has no walkable tile", zone.name),
        0,
    );
    false
}

/// Places tiles and objects, runs the checks of D4, computes zones and fields.
pub(super) fn build_grid(
    head: &mut Header,
    rows: Vec<Vec<char>>,
    types: &[ObjectTypeSpec],
    map_name: &str,
    report: &mut Report,
) -> Option<Grid> {
    let (width, height) = head.size?;
    let Placement {
        walkable,
        placed,
        spawns,
    } = place(head, &rows, types, report);
    let mut anchored = vec![false; head.zones.len()];
    for (z, zone) in head.zones.iter_mut().enumerate() {
        if zone.valid {
            anchored[z] = anchor(zone, width, height, &walkable, report);
        }
    }
    if spawns.is_empty() {
        report.add("map.no_spawn", "no '@' spawn tile".to_string(), 0);
    }
    let mut counts: Vec<usize> = vec![0; types.len()];
    let mut ids = Vec::with_capacity(placed.len());
    let mut interaction = Vec::with_capacity(placed.len());
    for &(k, x, y) in &placed {
        let count = counts.get_mut(k).map_or(0, |c| {
            *c += 1;
            *c
        });
        let type_name = types.get(k).map_or("", |t| t.name.as_str());
        ids.push(format!("{type_name}_{count}"));
        let tiles: Vec<(i32, i32)> = DIRECTIONS
            .iter()
            .map(|(dx, dy)| (x + dx, y + dy))
            .filter(|&(nx, ny)| walkable_at(&walkable, width, height, nx, ny))
            .collect();
        interaction.push(tiles);
    }
    let capacity = |k: usize| types.get(k).map_or(0, |t| t.capacity);
    for (i, &(k, x, y)) in placed.iter().enumerate() {
        if capacity(k) > 0 && interaction[i].is_empty() {
            report.add(
                "map.object_inaccessible",
                format!("object {} at ({x}, {y}) has no interaction tile", ids[i]),
                0,
            );
        }
    }
    if !spawns.is_empty() {
        let reach = bfs_distances(width, height, &walkable, &spawns);
        let reached = |(x, y): (i32, i32)| {
            usize::try_from(y * width + x)
                .ok()
                .and_then(|i| reach.get(i))
                .is_some_and(|d| *d >= 0)
        };
        for (i, &(k, x, y)) in placed.iter().enumerate() {
            let tiles = &interaction[i];
            if capacity(k) > 0 && !tiles.is_empty() && !tiles.iter().any(|&t| reached(t)) {
                report.add(
                    "map.unreachable",
                    format!("object {} at ({x}, {y}) {UNREACHABLE}", ids[i]),
                    0,
                );
            }
        }
        for (z, zone) in head.zones.iter().enumerate() {
            if let (true, Some((ax, ay))) = (anchored[z], zone.anchor) {
                if !reached((ax, ay)) {
                    report.add(
                        "map.unreachable",
                        format!("zone '{}' anchor ({ax}, {ay}) {UNREACHABLE}", zone.name),
                        0,
                    );
                }
            }
        }
    }
    for zone in head.zones.iter().filter(|z| z.valid && z.kind == "home") {
        let (x0, y0, x1, y1) = zone.rect;
        let has_bed = placed.iter().any(|&(k, x, y)| {
            types.get(k).is_some_and(|t| t.ownable) && x0 <= x && x <= x1 && y0 <= y && y <= y1
        });
        if !has_bed {
            report.add(
                "map.home_without_bed",
                format!("home zone '{}' has no ownable object", zone.name),
                0,
            );
        }
    }
    if !report.entries.is_empty() {
        return None;
    }
    let zones: Vec<Zone> = head
        .zones
        .iter()
        .filter(|z| z.valid)
        .map(|z| Zone {
            name: z.name.clone(),
            kind: z.kind.clone(),
            x0: z.rect.0,
            y0: z.rect.1,
            x1: z.rect.2,
            y1: z.rect.3,
            anchor: z.anchor.unwrap_or((0, 0)),
        })
        .collect();
    let mut zone_of_tile = vec![-1; walkable.len()];
    for (zi, zone) in zones.iter().enumerate().rev() {
        // Written last to first, so the first zone containing a tile wins.
        let zi = i32::try_from(zi).unwrap_or(i32::MAX);
        for y in zone.y0..=zone.y1 {
            for x in zone.x0..=zone.x1 {
                if let Some(cell) = usize::try_from(y * width + x)
                    .ok()
                    .and_then(|i| zone_of_tile.get_mut(i))
                {
                    *cell = zi;
                }
            }
        }
    }
    let zone_at = |x: i32, y: i32| {
        usize::try_from(y * width + x)
            .ok()
            .and_then(|i| zone_of_tile.get(i))
            .and_then(|z| usize::try_from(*z).ok())
    };
    let objects: Vec<MapObject> = placed
        .iter()
        .zip(ids)
        .zip(interaction)
        .enumerate()
        .map(|(index, ((&(k, x, y), id), interaction))| MapObject {
            index,
            id,
            type_name: types.get(k).map_or_else(String::new, |t| t.name.clone()),
            type_index: k,
            x,
            y,
            interaction,
            zone: zone_at(x, y),
        })
        .collect();
    let type_fields = types
        .iter()
        .enumerate()
        .map(|(k, t)| {
            (t.capacity > 0).then(|| {
                let sources: Vec<(i32, i32)> = objects
                    .iter()
                    .filter(|o| o.type_index == k)
                    .flat_map(|o| o.interaction.iter().copied())
                    .collect();
                bfs_distances(width, height, &walkable, &sources)
            })
        })
        .collect();
    let zone_fields = zones
        .iter()
        .map(|z| bfs_distances(width, height, &walkable, &[z.anchor]))
        .collect();
    Some(Grid {
        name: head.name.clone().unwrap_or_else(|| map_name.to_string()),
        width,
        height,
        rows: rows.iter().map(|r| r.iter().collect()).collect(),
        exits: exits(width, height, &walkable),
        walkable,
        objects,
        zones,
        spawn_tiles: spawns,
        zone_of_tile,
        type_fields,
        zone_fields,
    })
}
