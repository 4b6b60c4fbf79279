"""Map text parsing and validation (world.md 2.1-2.6, docs/world-state.md section 2).

``load_map`` reads the map text into a :class:`~townlet.world.grid.Grid` or raises one
``ConfigError`` that lists every problem with exactly the lines of the contract, in its
table order (parsing choices: Decisions D1-D4). Fatal problems (an unreadable header or
grid) stop the parse; every later check still runs so that a map author sees all of
them at once.

>>> load_map("x.map", "townlet-map 1\\n", ()).width
Traceback (most recent call last):
...
townlet.errors.ConfigError: invalid map x.map: map.header: line 2: missing 'grid'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from townlet.errors import ConfigError
from townlet.world.grid import (
    DIRECTIONS,
    TILE_GLYPHS,
    WALKABLE_GLYPHS,
    Grid,
    MapObject,
    Zone,
    bfs_distances,
)
from townlet.world.settings import ObjectType

__all__ = ["MAP_ERROR_CODES", "load_map"]

ZONE_KINDS = ("home", "shop", "cafe", "work", "park", "gym", "other")
MAX_OBJECT_DECLARATIONS = 32
_BAD_RECT = "rectangle outside the grid or inverted"
_UNREACHABLE = "cannot be reached from a spawn tile"
MAP_ERROR_CODES = (
    "map.header",
    "map.size",
    "map.glyph_conflict",
    "map.object_type_unknown",
    "map.zone_invalid",
    "map.glyph_unknown",
    "map.anchor_invalid",
    "map.no_spawn",
    "map.object_inaccessible",
    "map.unreachable",
    "map.home_without_bed",
)
_NUMBER = re.compile(r"[0-9]{1,9}")
_ZONE_NAME = re.compile(r"[a-z][a-z0-9_]*")


class _FatalMapError(Exception):
    """Raised inside the parser when the grid cannot be read (D2)."""


class _Report:
    """Collects error lines; sorted by table order, then line (D4)."""

    def __init__(self) -> None:
        self.entries: list[tuple[int, int, int, str]] = []

    def add(self, code: str, text: str, line: int = 0) -> None:
        rank = MAP_ERROR_CODES.index(code)
        self.entries.append((rank, line, len(self.entries), f"{code}: {text}"))

    def fatal(self, code: str, text: str, line: int = 0) -> _FatalMapError:
        self.add(code, text, line)
        return _FatalMapError()

    def lines(self) -> list[str]:
        return [entry[3] for entry in sorted(self.entries)]


@dataclass(slots=True)
class _ZoneLine:
    line: int
    name: str
    kind: str
    rect: tuple[int, int, int, int]
    anchor: tuple[int, int] | None
    valid: bool = True


@dataclass(slots=True)
class _Header:
    size: tuple[int, int] | None = None
    name: str | None = None
    glyphs: dict[str, str] = field(default_factory=dict)
    zones: list[_ZoneLine] = field(default_factory=list)
    grid_line: int = 0


def _tokens(line: str) -> list[str]:
    return [t for t in line.replace("\t", " ").split(" ") if t]


def _numbers(tokens: Sequence[str]) -> list[int] | None:
    if all(_NUMBER.fullmatch(t) for t in tokens):
        return [int(t) for t in tokens]
    return None


def _parse_header(
    lines: Sequence[str], type_names: Sequence[str], report: _Report
) -> _Header:
    head = _Header()
    magic = False
    declarations = 0
    for n, line in enumerate(lines, start=1):
        if line.startswith(";"):
            continue
        tokens = _tokens(line)
        if not tokens:
            continue
        if not magic:
            if tokens != ["townlet-map", "1"]:
                raise report.fatal(
                    "map.header", f"line {n}: expected 'townlet-map 1'", n
                )
            magic = True
            continue
        if line == "grid":
            head.grid_line = n
            return head
        keyword = tokens[0]
        malformed = f"line {n}: malformed '{keyword}' line"
        if keyword == "name":
            if len(tokens) != 2 or head.name is not None:
                raise report.fatal("map.header", malformed, n)
            head.name = tokens[1]
        elif keyword == "size":
            nums = _numbers(tokens[1:]) if len(tokens) == 3 else None
            if nums is None or head.size is not None:
                raise report.fatal("map.header", malformed, n)
            w, h = nums
            if not (8 <= w <= 256 and 8 <= h <= 256):
                raise report.fatal("map.size", f"size {w}x{h} outside 8..256", n)
            head.size = (w, h)
        elif keyword == "object":
            declarations += 1
            if (
                len(tokens) != 3
                or len(tokens[1]) != 1
                or declarations > MAX_OBJECT_DECLARATIONS
            ):
                raise report.fatal("map.header", malformed, n)
            _declare_object(n, tokens[1], tokens[2], head, type_names, report)
        elif keyword == "zone":
            _declare_zone(n, tokens, head, report)
        else:
            raise report.fatal("map.header", f"line {n}: unknown header '{keyword}'", n)
    if not magic:
        last = len(lines)
        raise report.fatal("map.header", f"line {last}: expected 'townlet-map 1'", last)
    raise report.fatal("map.header", f"line {len(lines)}: missing 'grid'", len(lines))


def _declare_object(
    n: int,
    glyph: str,
    type_name: str,
    head: _Header,
    type_names: Sequence[str],
    report: _Report,
) -> None:
    conflict = None
    if glyph in TILE_GLYPHS:
        conflict = "is a tile glyph"
    elif glyph == ";" or not "!" <= glyph <= "~":
        conflict = "is reserved"
    elif glyph in head.glyphs:
        conflict = "is already declared"
    if conflict is not None:
        report.add("map.glyph_conflict", f"line {n}: glyph '{glyph}' {conflict}", n)
    else:
        head.glyphs[glyph] = type_name
    if type_name not in type_names:
        text = f"line {n}: unknown object type '{type_name}'"
        report.add("map.object_type_unknown", text, n)


def _declare_zone(
    n: int, tokens: Sequence[str], head: _Header, report: _Report
) -> None:
    shape_ok = len(tokens) == 7 or (len(tokens) == 10 and tokens[7] == "anchor")
    nums = _numbers([*tokens[3:7], *tokens[8:10]]) if shape_ok else None
    if nums is None:
        raise report.fatal("map.header", f"line {n}: malformed 'zone' line", n)
    name, kind = tokens[1], tokens[2]
    zone = _ZoneLine(n, name, kind, (nums[0], nums[1], nums[2], nums[3]), None)
    if len(nums) == 6:
        zone.anchor = (nums[4], nums[5])
    problems = []
    if not _ZONE_NAME.fullmatch(name):
        problems.append(f"bad name '{name}'")
    if kind not in ZONE_KINDS:
        problems.append(f"bad kind '{kind}'")
    if any(z.name == name for z in head.zones):
        problems.append(f"duplicate zone '{name}'")
    for problem in problems:
        report.add("map.zone_invalid", f"line {n}: {problem}", n)
    zone.valid = not problems
    head.zones.append(zone)


def _read_grid(lines: Sequence[str], head: _Header, report: _Report) -> list[str]:
    if head.size is None:
        n = head.grid_line
        raise report.fatal("map.header", f"line {n}: missing 'size'", n)
    width, height = head.size
    rows = list(lines[head.grid_line :])
    while rows and rows[-1] == "":
        rows.pop()
    if len(rows) != height:
        text = f"expected {height} grid lines, got {len(rows)}"
        raise report.fatal("map.size", text, head.grid_line)
    bad = False
    for y, row in enumerate(rows):
        if len(row) != width:
            text = f"grid line {y} has {len(row)} characters, expected {width}"
            report.add("map.size", text, head.grid_line + 1 + y)
            bad = True
    if bad:
        raise _FatalMapError()
    return rows


def _check_zone_rects(head: _Header, report: _Report) -> None:
    assert head.size is not None
    width, height = head.size
    for zone in head.zones:
        x0, y0, x1, y1 = zone.rect
        if not (x0 <= x1 < width and y0 <= y1 < height):
            text = f"line {zone.line}: zone '{zone.name}' {_BAD_RECT}"
            report.add("map.zone_invalid", text, zone.line)
            zone.valid = False


def _raise_if_any(report: _Report, map_name: str) -> None:
    lines = report.lines()
    if not lines:
        return
    first = lines[0]
    more = f" (+{len(lines) - 1} more)" if len(lines) > 1 else ""
    raise ConfigError(
        f"invalid map {map_name}: {first}{more}",
        file=map_name,
        key="world.map_file",
        code=first.split(":", 1)[0],
        errors=lines,
    )


def _place(
    head: _Header, rows: Sequence[str], types: Sequence[ObjectType], report: _Report
) -> tuple[bytearray, list[tuple[int, int, int]], list[tuple[int, int]]]:
    """Scan the grid row-major: walkability, objects (type index, x, y), spawns."""
    assert head.size is not None
    width, height = head.size
    type_index = {t.name: k for k, t in enumerate(types)}
    walkable = bytearray(width * height)
    placed: list[tuple[int, int, int]] = []
    spawns: list[tuple[int, int]] = []
    for y, row in enumerate(rows):
        for x, glyph in enumerate(row):
            if glyph in TILE_GLYPHS:
                walkable[y * width + x] = glyph in WALKABLE_GLYPHS
                if glyph == "@":
                    spawns.append((x, y))
            elif glyph in head.glyphs:
                k = type_index.get(head.glyphs[glyph], -1)
                if k >= 0:
                    placed.append((k, x, y))
            else:
                report.add(
                    "map.glyph_unknown", f"unknown glyph '{glyph}' at ({x}, {y})"
                )
    return walkable, placed, spawns


def _anchor(zone: _ZoneLine, width: int, walkable: bytearray, report: _Report) -> bool:
    """Resolve the zone's anchor in place; False (with an error) when invalid."""
    x0, y0, x1, y1 = zone.rect
    if zone.anchor is not None:
        ax, ay = zone.anchor
        where = f"zone '{zone.name}' anchor ({ax}, {ay})"
        if not (x0 <= ax <= x1 and y0 <= ay <= y1):
            report.add("map.anchor_invalid", f"{where} is outside its rectangle")
            return False
        if not walkable[ay * width + ax]:
            report.add("map.anchor_invalid", f"{where} is not walkable")
            return False
        return True
    for y in range(y0, y1 + 1):
        for x in range(x0, x1 + 1):
            if walkable[y * width + x]:
                zone.anchor = (x, y)
                return True
    report.add("map.anchor_invalid", f"zone '{zone.name}' has no walkable tile")
    return False


def _check_reachable(
    width: int,
    height: int,
    walkable: bytearray,
    spawns: Sequence[tuple[int, int]],
    placed: Sequence[tuple[int, int, int]],
    ids: Sequence[str],
    interaction: Sequence[tuple[tuple[int, int], ...]],
    types: Sequence[ObjectType],
    anchored: Sequence[_ZoneLine],
    report: _Report,
) -> None:
    """``map.unreachable``: objects, then zone anchors, against a BFS from spawns."""
    reach = bfs_distances(width, height, bytes(walkable), spawns)
    for i, (k, x, y) in enumerate(placed):
        tiles = interaction[i]
        if (
            types[k].capacity > 0
            and tiles
            and all(reach[ty * width + tx] < 0 for tx, ty in tiles)
        ):
            report.add(
                "map.unreachable", f"object {ids[i]} at ({x}, {y}) {_UNREACHABLE}"
            )
    for z in anchored:
        assert z.anchor is not None
        ax, ay = z.anchor
        if reach[ay * width + ax] < 0:
            text = f"zone '{z.name}' anchor ({ax}, {ay}) {_UNREACHABLE}"
            report.add("map.unreachable", text)


def _build_grid(
    head: _Header,
    rows: Sequence[str],
    types: Sequence[ObjectType],
    map_name: str,
    report: _Report,
) -> Grid:
    """Place tiles and objects, run the checks of D4, compute zones and fields."""
    assert head.size is not None
    width, height = head.size
    walkable, placed, spawns = _place(head, rows, types, report)
    zones = [z for z in head.zones if z.valid]
    anchored = [z for z in zones if _anchor(z, width, walkable, report)]
    if not spawns:
        report.add("map.no_spawn", "no '@' spawn tile")
    counts: dict[str, int] = {}
    interaction: list[tuple[tuple[int, int], ...]] = []
    ids: list[str] = []
    for k, x, y in placed:
        name = types[k].name
        counts[name] = counts.get(name, 0) + 1
        ids.append(f"{name}_{counts[name]}")
        tiles = []
        for dx, dy in DIRECTIONS:
            nx, ny = x + dx, y + dy
            if 0 <= nx < width and 0 <= ny < height and walkable[ny * width + nx]:
                tiles.append((nx, ny))
        interaction.append(tuple(tiles))
    for i, (k, x, y) in enumerate(placed):
        if types[k].capacity > 0 and not interaction[i]:
            text = f"object {ids[i]} at ({x}, {y}) has no interaction tile"
            report.add("map.object_inaccessible", text)
    if spawns:
        _check_reachable(
            width,
            height,
            walkable,
            spawns,
            placed,
            ids,
            interaction,
            types,
            anchored,
            report,
        )
    for z in zones:
        x0, y0, x1, y1 = z.rect
        if z.kind == "home" and not any(
            types[k].ownable and x0 <= x <= x1 and y0 <= y <= y1 for k, x, y in placed
        ):
            report.add(
                "map.home_without_bed", f"home zone '{z.name}' has no ownable object"
            )
    if report.entries:
        return _empty_grid()
    final_zones = tuple(
        Zone(z.name, z.kind, *z.rect, anchor=z.anchor or (0, 0)) for z in zones
    )
    zone_of_tile = [-1] * (width * height)
    for zi in range(len(final_zones) - 1, -1, -1):  # the first zone wins
        zone = final_zones[zi]
        for y in range(zone.y0, zone.y1 + 1):
            for x in range(zone.x0, zone.x1 + 1):
                zone_of_tile[y * width + x] = zi
    objects = tuple(
        MapObject(
            index=i,
            id=ids[i],
            type_name=types[k].name,
            type_index=k,
            x=x,
            y=y,
            interaction=interaction[i],
            zone=_zone_name(final_zones, zone_of_tile[y * width + x]),
        )
        for i, (k, x, y) in enumerate(placed)
    )
    frozen = bytes(walkable)
    type_fields = {
        t.name: bfs_distances(
            width,
            height,
            frozen,
            [tile for o in objects if o.type_index == k for tile in o.interaction],
        )
        for k, t in enumerate(types)
        if t.capacity > 0
    }
    zone_fields = {
        z.name: bfs_distances(width, height, frozen, [z.anchor]) for z in final_zones
    }
    return Grid(
        name=head.name if head.name is not None else map_name,
        width=width,
        height=height,
        rows=tuple(rows),
        walkable=frozen,
        objects=objects,
        zones=final_zones,
        spawn_tiles=tuple(spawns),
        zone_of_tile=tuple(zone_of_tile),
        type_fields=type_fields,
        zone_fields=zone_fields,
    )


def _zone_name(zones: Sequence[Zone], index: int) -> str | None:
    return zones[index].name if index >= 0 else None


def _empty_grid() -> Grid:
    return Grid("", 0, 0, (), b"", (), (), (), (), {}, {})


def load_map(map_name: str, text: str, object_types: Sequence[ObjectType]) -> Grid:
    """Parse and validate a map (world.md 2.1-2.6, docs/world-state.md section 2).

    Args:
        map_name: the map file name, used in messages (``towns/default.map``).
        text: the file contents.
        object_types: the manifest object types, in manifest order.

    Returns:
        The validated grid with objects, zones and distance fields.

    Raises:
        ConfigError: ``code`` = the first error's code, ``errors`` = every line,
            ``key`` = ``world.map_file``, ``file`` = ``map_name``.
    """
    report = _Report()
    lines = [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]
    type_names = [t.name for t in object_types]
    try:
        head = _parse_header(lines, type_names, report)
        rows = _read_grid(lines, head, report)
    except _FatalMapError:
        _raise_if_any(report, map_name)
        raise AssertionError("a fatal map error is always recorded") from None
    _check_zone_rects(head, report)
    grid = _build_grid(head, rows, object_types, map_name, report)
    _raise_if_any(report, map_name)
    return grid
