"""The town map once loaded: tiles, objects, zones and distance fields (world.md 2).

A :class:`Grid` is immutable; ``townlet.world.mapfile.load_map`` builds it from the map
text. Tiles are stored row-major in flat sequences indexed by ``y * width + x``, which
keeps the per-tick movement check to one lookup. Distance fields are multi-source
4-neighbour BFS over walkable tiles, -1 where unreachable (world.md 2.5).

>>> DIRECTIONS[1]
(1, 0)
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = [
    "DIRECTIONS",
    "TILE_GLYPHS",
    "WALKABLE_GLYPHS",
    "Grid",
    "MapObject",
    "Zone",
    "bfs_distances",
    "distances_from",
]

DIRECTIONS: tuple[tuple[int, int], ...] = ((0, -1), (1, 0), (0, 1), (-1, 0))
"""N, E, S, W offsets (world.md 0.2): the order of every neighbour enumeration."""

TILE_GLYPHS = ".#+=,~@"
WALKABLE_GLYPHS = ".+=,@"


@dataclass(frozen=True, slots=True)
class MapObject:
    """An object placed by the map (world.md 2.4)."""

    index: int
    id: str
    type_name: str
    type_index: int
    x: int
    y: int
    interaction: tuple[tuple[int, int], ...]
    zone: str | None


@dataclass(frozen=True, slots=True)
class Zone:
    """A named rectangle with its anchor tile (world.md 2.3)."""

    name: str
    kind: str
    x0: int
    y0: int
    x1: int
    y1: int
    anchor: tuple[int, int]

    def contains(self, x: int, y: int) -> bool:
        """Whether tile ``(x, y)`` lies in the rectangle (inclusive corners)."""
        return self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1


@dataclass(frozen=True)
class Grid:
    """An immutable, validated town map.

    Attributes:
        name: display name (the ``name`` header, else the map file name).
        width, height: size in tiles.
        rows: the grid lines as written (object glyphs included).
        walkable: one byte per tile, 1 when walkable (row-major).
        objects: objects in object order.
        zones: zones in declaration order.
        spawn_tiles: the ``@`` tiles in row-major order.
        zone_of_tile: zone index per tile, -1 for none.
        type_fields: object type name -> BFS distances to its interaction tiles.
        zone_fields: zone name -> BFS distances to its anchor.
    """

    name: str
    width: int
    height: int
    rows: tuple[str, ...]
    walkable: bytes
    objects: tuple[MapObject, ...]
    zones: tuple[Zone, ...]
    spawn_tiles: tuple[tuple[int, int], ...]
    zone_of_tile: tuple[int, ...]
    type_fields: dict[str, list[int]] = field(repr=False)
    zone_fields: dict[str, list[int]] = field(repr=False)

    def in_bounds(self, x: int, y: int) -> bool:
        """Whether ``(x, y)`` is inside the grid."""
        return 0 <= x < self.width and 0 <= y < self.height

    def is_walkable(self, x: int, y: int) -> bool:
        """Whether ``(x, y)`` is inside the grid and walkable (world.md 2.2)."""
        return (
            0 <= x < self.width
            and 0 <= y < self.height
            and self.walkable[y * self.width + x] == 1
        )

    @functools.cached_property
    def objects_of_type(self) -> dict[str, tuple[MapObject, ...]]:
        """Type name -> its objects in object order (built on first use; the map
        never changes, so target scans can skip the other types)."""
        out: dict[str, list[MapObject]] = {}
        for o in self.objects:
            out.setdefault(o.type_name, []).append(o)
        return {name: tuple(objs) for name, objs in out.items()}

    def zone_at(self, x: int, y: int) -> str | None:
        """The first zone (declaration order) containing ``(x, y)``, or ``None``."""
        if not self.in_bounds(x, y):
            return None
        index = self.zone_of_tile[y * self.width + x]
        return self.zones[index].name if index >= 0 else None

    def path_hint(self, distances: Sequence[int], x: int, y: int) -> int | None:
        """First direction (0..3 = N, E, S, W) one step closer along ``distances``.

        ``None`` when the tile is the target, unreachable or not walkable (world.md
        2.5).
        """
        d = distances[y * self.width + x]
        if d <= 0:
            return None
        for k, (dx, dy) in enumerate(DIRECTIONS):
            nx, ny = x + dx, y + dy
            if self.is_walkable(nx, ny) and distances[ny * self.width + nx] == d - 1:
                return k
        return None


def bfs_distances(
    width: int, height: int, walkable: bytes, sources: Sequence[tuple[int, int]]
) -> list[int]:
    """Multi-source 4-neighbour BFS over walkable tiles; -1 where unreachable.

    >>> bfs_distances(3, 1, b"\\x01\\x01\\x01", [(0, 0)])
    [0, 1, 2]
    """
    dist = [-1] * (width * height)
    frontier: list[int] = []
    for x, y in sources:
        i = y * width + x
        if walkable[i] and dist[i] < 0:
            dist[i] = 0
            frontier.append(i)
    neighbours = _neighbours(width, height, walkable)
    d = 0
    while frontier:
        d += 1
        nxt: list[int] = []
        for i in frontier:
            for j in neighbours[i]:
                if dist[j] < 0:
                    dist[j] = d
                    nxt.append(j)
        frontier = nxt
    return dist


@functools.lru_cache(maxsize=512)
def distances_from(
    width: int, height: int, walkable: bytes, x: int, y: int
) -> tuple[int, ...]:
    """BFS distances from the one walkable tile ``(x, y)``, cached: the map never
    changes during a run, so a tile's field is computed once (the on-demand BFS of
    the Socialise controller asks for the same few tiles tick after tick).

    >>> distances_from(3, 1, b"\\x01\\x01\\x01", 2, 0)
    (2, 1, 0)
    """
    return tuple(bfs_distances(width, height, walkable, [(x, y)]))


@functools.lru_cache(maxsize=8)
def _neighbours(
    width: int, height: int, walkable: bytes
) -> tuple[tuple[int, ...], ...]:
    """The walkable 4-neighbours of every tile, in N, E, S, W order."""
    out = []
    for i in range(width * height):
        x, y = i % width, i // width
        out.append(
            tuple(
                (y + dy) * width + x + dx
                for dx, dy in DIRECTIONS
                if 0 <= x + dx < width
                and 0 <= y + dy < height
                and walkable[(y + dy) * width + x + dx]
            )
        )
    return tuple(out)
