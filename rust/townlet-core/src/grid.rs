//! The town map once loaded: tiles, objects, zones and distance fields (world.md 2).
//!
//! A [`Grid`] is immutable after [`crate::mapfile::load_map`] builds it. Tiles are stored
//! row-major in flat vectors indexed by `y * width + x`, so the per-tick movement check is
//! one lookup. Distance fields are multi-source 4-neighbour BFS over walkable tiles, −1
//! where unreachable (world.md 2.5); the Python world's `grid.py` mirrors this module.

use std::collections::VecDeque;

/// N, E, S, W offsets (world.md 0.2): the order of every neighbour enumeration.
///
/// ```
/// assert_eq!(townlet_core::grid::DIRECTIONS[1], (1, 0));
/// ```
pub const DIRECTIONS: [(i32, i32); 4] = [(0, -1), (1, 0), (0, 1), (-1, 0)];

/// Tile glyphs of the fixed legend (world.md 2.2).
pub const TILE_GLYPHS: &str = ".#+=,~@";

/// The walkable tile glyphs.
pub const WALKABLE_GLYPHS: &str = ".+=,@";

/// An object placed by the map (world.md 2.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapObject {
    /// Object index (row-major scan order).
    pub index: usize,
    /// Object id `<type>_<n>`.
    pub id: String,
    /// Type name.
    pub type_name: String,
    /// Manifest index of the type.
    pub type_index: usize,
    /// Tile x.
    pub x: i32,
    /// Tile y.
    pub y: i32,
    /// Walkable 4-neighbours in N, E, S, W order.
    pub interaction: Vec<(i32, i32)>,
    /// Index of the zone of its tile, if any.
    pub zone: Option<usize>,
}

/// A named rectangle with its anchor tile (world.md 2.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zone {
    /// Zone name.
    pub name: String,
    /// Zone kind (`home`, `shop`, ...).
    pub kind: String,
    /// Left column (inclusive).
    pub x0: i32,
    /// Top row (inclusive).
    pub y0: i32,
    /// Right column (inclusive).
    pub x1: i32,
    /// Bottom row (inclusive).
    pub y1: i32,
    /// The landmark tile.
    pub anchor: (i32, i32),
}

impl Zone {
    /// Whether tile `(x, y)` lies in the rectangle (inclusive corners).
    ///
    /// ```
    /// let z = townlet_core::grid::Zone { name: "a".into(), kind: "park".into(), x0: 0, y0: 0, x1: 2, y1: 2, anchor: (0, 0) };
    /// assert!(z.contains(2, 2) && !z.contains(3, 0));
    /// ```
    pub fn contains(&self, x: i32, y: i32) -> bool {
        self.x0 <= x && x <= self.x1 && self.y0 <= y && y <= self.y1
    }
}

/// An immutable, validated town map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grid {
    /// Display name (the `name` header, else the map file name).
    pub name: String,
    /// Width in tiles.
    pub width: i32,
    /// Height in tiles.
    pub height: i32,
    /// Grid lines as written (object glyphs included).
    pub rows: Vec<String>,
    /// Walkability per tile, row-major.
    pub walkable: Vec<bool>,
    /// Open directions per tile, row-major: bit `d` is set when a step in direction `d`
    /// (N, E, S, W) stays inside the grid on a walkable tile ([`exits`] of `walkable`).
    pub exits: Vec<u8>,
    /// Objects in object order.
    pub objects: Vec<MapObject>,
    /// Zones in declaration order.
    pub zones: Vec<Zone>,
    /// `@` tiles in row-major order.
    pub spawn_tiles: Vec<(i32, i32)>,
    /// Zone index per tile, −1 for none.
    pub zone_of_tile: Vec<i32>,
    /// Per object type (manifest order): distances to its interaction tiles; `None` for
    /// capacity-0 types.
    pub type_fields: Vec<Option<Vec<i32>>>,
    /// Per zone: distances to its anchor.
    pub zone_fields: Vec<Vec<i32>>,
}

impl Grid {
    /// The flat index of `(x, y)`, `None` outside the grid.
    pub fn index(&self, x: i32, y: i32) -> Option<usize> {
        if self.in_bounds(x, y) {
            usize::try_from(y * self.width + x).ok()
        } else {
            None
        }
    }

    /// Whether `(x, y)` is inside the grid.
    pub fn in_bounds(&self, x: i32, y: i32) -> bool {
        0 <= x && x < self.width && 0 <= y && y < self.height
    }

    /// Whether `(x, y)` is inside the grid and walkable (world.md 2.2).
    pub fn is_walkable(&self, x: i32, y: i32) -> bool {
        self.index(x, y)
            .and_then(|i| self.walkable.get(i))
            .copied()
            .unwrap_or(false)
    }

    /// The open directions of `(x, y)` as bits (bit `d` = direction `d` of
    /// [`DIRECTIONS`]); 0 outside the grid.
    pub fn exits_at(&self, x: i32, y: i32) -> u8 {
        self.index(x, y)
            .and_then(|i| self.exits.get(i))
            .copied()
            .unwrap_or(0)
    }

    /// The first zone (declaration order) containing `(x, y)`, or `None`.
    pub fn zone_at(&self, x: i32, y: i32) -> Option<usize> {
        let zone = *self.zone_of_tile.get(self.index(x, y)?)?;
        usize::try_from(zone).ok()
    }

    /// The zone index called `name`.
    pub fn zone_index(&self, name: &str) -> Option<usize> {
        self.zones.iter().position(|z| z.name == name)
    }

    /// First direction (0..4 = N, E, S, W) one step closer along `distances`; `None` on the
    /// target, an unreachable or a non-walkable tile (world.md 2.5).
    pub fn path_hint(&self, distances: &[i32], x: i32, y: i32) -> Option<usize> {
        let d = *distances.get(self.index(x, y)?)?;
        if d <= 0 {
            return None;
        }
        DIRECTIONS.iter().position(|&(dx, dy)| {
            let (nx, ny) = (x + dx, y + dy);
            self.is_walkable(nx, ny)
                && self.index(nx, ny).and_then(|j| distances.get(j)) == Some(&(d - 1))
        })
    }
}

/// Open directions of every tile, row-major: bit `d` is set when the neighbour in
/// direction `d` (N, E, S, W) is inside the grid and walkable. Computed once per map,
/// so a MOVE check or a mask row is one lookup.
///
/// ```
/// // Two walkable tiles side by side: the left one opens east (bit 1), the right west (bit 3).
/// assert_eq!(townlet_core::grid::exits(2, 1, &[true, true]), vec![0b0010, 0b1000]);
/// ```
pub fn exits(width: i32, height: i32, walkable: &[bool]) -> Vec<u8> {
    let open = |x: i32, y: i32| {
        0 <= x
            && x < width
            && 0 <= y
            && y < height
            && usize::try_from(y * width + x)
                .ok()
                .and_then(|i| walkable.get(i))
                == Some(&true)
    };
    let mut bits = Vec::with_capacity(walkable.len());
    for y in 0..height {
        for x in 0..width {
            let mut tile = 0;
            for (d, (dx, dy)) in DIRECTIONS.iter().enumerate() {
                if open(x + dx, y + dy) {
                    tile |= 1 << d;
                }
            }
            bits.push(tile);
        }
    }
    bits
}

/// Multi-source 4-neighbour BFS over walkable tiles; −1 where unreachable.
///
/// ```
/// let d = townlet_core::grid::bfs_distances(3, 1, &[true, true, true], &[(0, 0)]);
/// assert_eq!(d, vec![0, 1, 2]);
/// ```
pub fn bfs_distances(
    width: i32,
    height: i32,
    walkable: &[bool],
    sources: &[(i32, i32)],
) -> Vec<i32> {
    let cells = usize::try_from(width.max(0) * height.max(0)).unwrap_or(0);
    let mut dist = vec![-1; cells];
    let index = |x: i32, y: i32| -> Option<usize> {
        if 0 <= x && x < width && 0 <= y && y < height {
            usize::try_from(y * width + x).ok().filter(|&i| i < cells)
        } else {
            None
        }
    };
    let mut queue = VecDeque::new();
    for &(x, y) in sources {
        if let Some(i) = index(x, y) {
            if walkable.get(i) == Some(&true) && dist[i] < 0 {
                dist[i] = 0;
                queue.push_back((x, y));
            }
        }
    }
    while let Some((x, y)) = queue.pop_front() {
        let d = index(x, y).map_or(0, |i| dist[i]);
        for (dx, dy) in DIRECTIONS {
            let (nx, ny) = (x + dx, y + dy);
            if let Some(j) = index(nx, ny) {
                if walkable.get(j) == Some(&true) && dist[j] < 0 {
                    dist[j] = d + 1;
                    queue.push_back((nx, ny));
                }
            }
        }
    }
    dist
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corridor() -> Grid {
        // A 4x1 corridor with a wall at x = 2.
        let walkable = vec![true, true, false, true];
        Grid {
            name: "t".into(),
            width: 4,
            height: 1,
            rows: vec!["..#.".into()],
            zone_fields: vec![],
            type_fields: vec![Some(bfs_distances(4, 1, &walkable, &[(0, 0)]))],
            exits: exits(4, 1, &walkable),
            walkable,
            objects: vec![],
            zones: vec![],
            spawn_tiles: vec![(0, 0)],
            zone_of_tile: vec![-1; 4],
        }
    }

    #[test]
    fn walls_and_the_boundary_block() {
        let g = corridor();
        assert!(g.is_walkable(1, 0));
        assert!(!g.is_walkable(2, 0));
        assert!(!g.is_walkable(-1, 0) && !g.is_walkable(4, 0) && !g.is_walkable(0, 1));
    }

    #[test]
    fn unreachable_tiles_hold_minus_one() {
        let g = corridor();
        let field = g.type_fields[0].as_ref().expect("field");
        assert_eq!(field, &vec![0, 1, -1, -1]);
    }

    #[test]
    fn path_hint_steps_towards_the_source() {
        let g = corridor();
        let field = g.type_fields[0].as_ref().expect("field");
        assert_eq!(g.path_hint(field, 1, 0), Some(3));
        assert_eq!(g.path_hint(field, 0, 0), None);
        assert_eq!(g.path_hint(field, 3, 0), None);
    }
}
