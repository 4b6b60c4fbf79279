"""Map loading and every map error code with its pinned line (contract section 2)."""

from __future__ import annotations

import re

import pytest
from towns import TINY_MAP, make_settings

from townlet.errors import ConfigError
from townlet.world import make_world

HEADER = TINY_MAP.split("grid\n")[0]
ROWS = TINY_MAP.split("grid\n")[1].splitlines()


def tiny(header: str = HEADER, rows: list[str] | None = None) -> str:
    """TINY_MAP with another header (lines 1-5) or other grid rows."""
    return header + "grid\n" + "\n".join(rows if rows is not None else ROWS) + "\n"


def with_row(y: int, row: str) -> list[str]:
    rows = list(ROWS)
    rows[y] = row
    return rows


UNREACHABLE = "cannot be reached from a spawn tile"
BAD_RECT = "rectangle outside the grid or inverted"

CASES = [
    (
        "bad_magic",
        tiny("townlet-map 2\n" + HEADER.split("\n", 1)[1]),
        ["map.header: line 1: expected 'townlet-map 1'"],
    ),
    (
        "magic_after_comments",
        tiny("; c\n\n" + HEADER + "colour red\n"),
        ["map.header: line 8: unknown header 'colour'"],
    ),
    (
        "unknown_header",
        tiny(HEADER + "colour red\n"),
        ["map.header: line 6: unknown header 'colour'"],
    ),
    (
        "malformed_size",
        tiny(HEADER.replace("size 8 8", "size 8")),
        ["map.header: line 2: malformed 'size' line"],
    ),
    (
        "malformed_zone",
        tiny(HEADER + "zone park park 0 0 x 3\n"),
        ["map.header: line 6: malformed 'zone' line"],
    ),
    (
        "malformed_object",
        tiny(HEADER + "object XY bed\n"),
        ["map.header: line 6: malformed 'object' line"],
    ),
    (
        "missing_size",
        tiny(HEADER.replace("size 8 8\n", "")),
        ["map.header: line 5: missing 'size'"],
    ),
    ("missing_grid", HEADER, ["map.header: line 6: missing 'grid'"]),
    (
        "size_out_of_range",
        tiny(HEADER.replace("size 8 8", "size 4 300")),
        ["map.size: size 4x300 outside 8..256"],
    ),
    (
        "too_few_grid_lines",
        tiny(rows=ROWS[:7]),
        ["map.size: expected 8 grid lines, got 7"],
    ),
    (
        "short_grid_line",
        tiny(rows=with_row(3, "#.....#")),
        ["map.size: grid line 3 has 7 characters, expected 8"],
    ),
    (
        "tile_glyph_declared",
        tiny(HEADER + "object # bed\n"),
        ["map.glyph_conflict: line 6: glyph '#' is a tile glyph"],
    ),
    (
        "reserved_glyph",
        tiny(HEADER + "object ; bed\n"),
        ["map.glyph_conflict: line 6: glyph ';' is reserved"],
    ),
    (
        "glyph_declared_twice",
        tiny(HEADER + "object B bench\n"),
        ["map.glyph_conflict: line 6: glyph 'B' is already declared"],
    ),
    (
        "unknown_object_type",
        tiny(HEADER + "object X sofa\n"),
        ["map.object_type_unknown: line 6: unknown object type 'sofa'"],
    ),
    (
        "bad_zone_name",
        tiny(HEADER + "zone Park park 0 4 7 7\n"),
        ["map.zone_invalid: line 6: bad name 'Park'"],
    ),
    (
        "bad_zone_kind",
        tiny(HEADER + "zone park garden 0 4 7 7\n"),
        ["map.zone_invalid: line 6: bad kind 'garden'"],
    ),
    (
        "duplicate_zone",
        tiny(HEADER + "zone home_a park 0 4 7 7\n"),
        ["map.zone_invalid: line 6: duplicate zone 'home_a'"],
    ),
    (
        "zone_outside_grid",
        tiny(HEADER + "zone park park 0 4 8 7\n"),
        [f"map.zone_invalid: line 6: zone 'park' {BAD_RECT}"],
    ),
    (
        "inverted_zone",
        tiny(HEADER + "zone park park 5 4 2 7\n"),
        [f"map.zone_invalid: line 6: zone 'park' {BAD_RECT}"],
    ),
    (
        "unknown_glyph",
        tiny(rows=with_row(4, "#..?...#")),
        ["map.glyph_unknown: unknown glyph '?' at (3, 4)"],
    ),
    (
        "anchor_outside",
        tiny(HEADER + "zone park park 1 4 6 6 anchor 0 0\n"),
        ["map.anchor_invalid: zone 'park' anchor (0, 0) is outside its rectangle"],
    ),
    (
        "anchor_on_water",
        tiny(HEADER + "zone pond park 1 2 6 6 anchor 2 2\n"),
        ["map.anchor_invalid: zone 'pond' anchor (2, 2) is not walkable"],
    ),
    (
        "zone_without_walkable_tile",
        tiny(HEADER + "zone wall other 0 7 7 7\n"),
        ["map.anchor_invalid: zone 'wall' has no walkable tile"],
    ),
    (
        "no_spawn",
        tiny(rows=with_row(6, "#......#")),
        ["map.no_spawn: no '@' spawn tile"],
    ),
    (
        "object_without_interaction_tile",
        tiny(rows=[ROWS[0], "#B#...B#", "##~~...#", *ROWS[3:]]),
        ["map.object_inaccessible: object bed_1 at (1, 1) has no interaction tile"],
    ),
    (
        "home_without_bed",
        tiny(HEADER + "zone home_c home 1 4 6 6\n"),
        ["map.home_without_bed: home zone 'home_c' has no ownable object"],
    ),
]

SEALED = [ROWS[0], "#B..#B.#", "#.~~####", *ROWS[3:]]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_invalid_map_reports_pinned_error_lines(
    provider: str, text: str, expected: list[str]
) -> None:
    first = re.escape(f"invalid map test.map: {expected[0]}")
    with pytest.raises(ConfigError, match=f"^{first}$") as info:
        make_world(provider, make_settings(text))
    err = info.value
    assert err.errors == expected
    assert err.code == expected[0].split(":")[0]
    assert err.key == "world.map_file"
    assert err.file == "test.map"


def test_unreachable_objects_and_anchors_are_all_reported(provider: str) -> None:
    expected = [
        f"map.unreachable: object bed_2 at (5, 1) {UNREACHABLE}",
        f"map.unreachable: zone 'home_a' anchor (2, 1) {UNREACHABLE}",
        f"map.unreachable: zone 'home_b' anchor (6, 1) {UNREACHABLE}",
    ]
    with pytest.raises(ConfigError, match=r"\(\+2 more\)$") as info:
        make_world(provider, make_settings(tiny(rows=SEALED)))
    assert info.value.errors == expected
    assert info.value.code == "map.unreachable"


def test_errors_are_listed_in_table_order_then_by_line(provider: str) -> None:
    header = HEADER + "zone home_a other 0 4 7 7\nobject # bed\nzone Bad home 0 4 7 7\n"
    text = tiny(header, rows=with_row(4, "#..?...#"))
    with pytest.raises(ConfigError) as info:
        make_world(provider, make_settings(text))
    assert info.value.errors == [
        "map.glyph_conflict: line 7: glyph '#' is a tile glyph",
        "map.zone_invalid: line 6: duplicate zone 'home_a'",
        "map.zone_invalid: line 8: bad name 'Bad'",
        "map.glyph_unknown: unknown glyph '?' at (3, 4)",
    ]
    assert str(info.value) == (
        "invalid map test.map: map.glyph_conflict: line 7: glyph '#' is a tile glyph"
        " (+3 more)"
    )


def test_fatal_header_error_stops_before_the_grid(provider: str) -> None:
    text = tiny(HEADER + "object X sofa\nsize 9 9\n", rows=with_row(4, "#..?...#"))
    with pytest.raises(ConfigError) as info:
        make_world(provider, make_settings(text))
    assert info.value.errors == [
        "map.header: line 7: malformed 'size' line",
        "map.object_type_unknown: line 6: unknown object type 'sofa'",
    ]


def test_default_map_loads_with_seventy_objects(provider: str) -> None:
    world = make_world(provider, make_settings())
    world.reset(0)
    view = world.view()
    assert (view.width, view.height) == (48, 48)
    assert len(view.objects) == 70
    assert view.rows[23][0] == "@"


def test_carriage_returns_and_comments_are_ignored(provider: str) -> None:
    text = "; a comment\r\n\r\n" + TINY_MAP.replace("\n", "\r\n")
    world = make_world(provider, make_settings(text))
    world.reset(0)
    assert world.view().height == 8
