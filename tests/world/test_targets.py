"""Target kinds and path hints (learning.md 1.5): distances, directions and ties.

``CASES`` below is the single list of scenarios; ``gen_targets_cases.py`` writes them
with the Python results to ``tests/data/targets_cases.json``, which the Rust tests of
``townlet-core/src/targets`` replay. The Python module is not exposed through the
native extension yet, so the parity check is that shared file.
"""

from __future__ import annotations

import json
from functools import cache

import pytest
from towns import DEFAULT_MAP_PATH, REPO, TINY_MAP, make_settings

from townlet.world.grid import Grid
from townlet.world.mapfile import load_map
from townlet.world.settings import parse_settings
from townlet.world.targets import (
    TARGET_KINDS,
    AgentPlace,
    TargetFields,
    target_hints,
)

N, E, S, W = range(4)
CASES_PATH = REPO / "tests" / "data" / "targets_cases.json"

ROOMS = """townlet-map 1
size 9 8
object B bed
object K stove
object F fridge
zone home_a home 0 0 4 6 anchor 2 2
zone cafe_z cafe 5 0 8 6 anchor 6 5
zone park_w park 1 3 3 4 anchor 2 3
zone park_e park 5 3 7 4 anchor 6 3
grid
#########
#K.....K#
#.......#
#...@...#
#.......#
#B.....F#
#########
#########
"""
"""stove_1 (index 0) at (1, 1) in home_a, stove_2 (index 1) at (7, 1) in the cafe;
bed_1 in home_a; fridge_1 at (7, 5) lies in the cafe, in nobody's home. park_w is
declared before park_e. The zone of a tile is the first declared zone containing it,
so the park zones own no object."""

SHOP = """townlet-map 1
size 11 8
object B bed
object W shower
object T till
object C counter
zone home_h home 0 0 8 2 anchor 4 1
zone gym_z gym 5 4 8 6 anchor 6 4
grid
###########
#W.....B#.#
#.......#.#
#T..@..T#.#
#.......###
#C.....W#.#
###########
###########
"""
"""till_1 (1, 3) and till_2 (7, 3) lie two steps west and east of the spawn (4, 3);
shower_1 (1, 1) is in home_h, shower_2 (7, 5) in the gym; (9, 1)-(9, 3) and (9, 5)
are walkable pockets that no spawn reaches."""

MAPS = {"rooms": ROOMS, "shop": SHOP, "default.map": DEFAULT_MAP_PATH.read_text()}

NO: tuple[int, int | None] = (-1, None)
"""No target: unreachable, none of the kind, or homeless / unemployed."""
HOMELESS: list[tuple[int, int | None]] = [NO] * 8

# (name, map, x, y, home, site, expected (d, direction) per kind in TARGET_KINDS order:
#  home, fridge, stove, shower, work, grocer, cafe, park)
CASES: list[
    tuple[str, str, int, int, str | None, str | None, list[tuple[int, int | None]]]
] = [
    # Both stoves are 2 steps away; stove_1 has the lower object index, so its hint
    # (W) wins over stove_2's (E) even though E comes first in N, E, S, W order.
    (
        "stove_tie_lowest_object_index",
        "rooms",
        4,
        1,
        "home_a",
        None,
        [(3, S), NO, (2, W), NO, NO, NO, NO, (4, S)],
    ),
    # Homeless: only the cafe's stove counts; the fridge in the cafe never does.
    (
        "homeless_uses_only_cafe_stove",
        "rooms",
        4,
        1,
        None,
        None,
        [NO, NO, (2, E), NO, NO, NO, NO, (4, S)],
    ),
    # Both park anchors are 2 steps away; park_w is declared first, so W beats E.
    # The site is the cafe zone: its anchor (6, 5) is 2 + 2 = 4 steps, first step E.
    (
        "park_tie_zone_declaration_order",
        "rooms",
        4,
        3,
        "home_a",
        "cafe_z",
        [(3, N), NO, (4, N), NO, (4, E), NO, NO, (2, W)],
    ),
    # On the home anchor (2, 2): d = 0 gives no direction; stove_1's tile (2, 1) is
    # one step north.
    (
        "on_home_anchor_no_direction",
        "rooms",
        2,
        2,
        "home_a",
        None,
        [(0, None), NO, (1, N), NO, NO, NO, NO, (1, S)],
    ),
    # Equal tills west and east: grocer reads the type field, whose hint is the first
    # direction towards either (E), not towards the lowest-indexed till_1 (W).
    # Showers tie at 4 (shower_1 via (2, 1) or (1, 2), shower_2 via (7, 4)):
    # shower_1 has the lower index, hint N. The counter (1, 5) is 4 away via (1, 4).
    (
        "grocer_type_field_and_shower_tie",
        "shop",
        4,
        3,
        "home_h",
        "gym_z",
        [(2, N), NO, NO, (4, N), (3, E), (2, E), (4, S), NO],
    ),
    # Homeless and unemployed: home and work are -1; the gym's shower still counts.
    (
        "homeless_unemployed",
        "shop",
        4,
        3,
        None,
        None,
        [NO, NO, NO, (4, E), NO, (2, E), (4, S), NO],
    ),
    # On till_1's interaction tile (2, 3): grocer d = 0, no direction.
    (
        "on_interaction_tile_no_direction",
        "shop",
        2,
        3,
        "home_h",
        None,
        [(4, N), NO, NO, (2, N), NO, (0, None), (2, S), NO],
    ),
    # A walkable pocket that nothing reaches, and a wall tile: everything is -1.
    ("unreachable_pocket", "shop", 9, 2, "home_h", "gym_z", HOMELESS),
    ("wall_tile", "shop", 0, 0, "home_h", "gym_z", HOMELESS),
    # Default town, from bed_1's interaction tile (3, 2) in home_1: out the door (5, 7)
    # (2 + 5 = 7), east along the road to x = 11 (+ 2 + 6 = 15), down the gap between
    # the homes to the park (17, + 8 = 23), to the grocer's door (7, 26) (+ 4 + 9 = 36)
    # and west to till_1's tile (5, 27) (+ 1 + 2 = 39); the first step is E.
    # Home anchor (5, 3): 2 + 1 = 3, E. Fridge (2, 5) via (2, 4) or (3, 5): 3, S.
    (
        "default_from_bed_1",
        "default.map",
        3,
        2,
        "home_1",
        "office",
        [(3, E), (3, S), (3, E), (5, E), (62, E), (39, E), (52, E), (31, E)],
    ),
    # The west spawn (0, 23): the park anchor (6, 20) is 6 + 3 = 9 steps, first N.
    (
        "default_from_spawn",
        "default.map",
        0,
        23,
        "home_1",
        "office",
        [(25, N), (25, N), (23, N), (29, N), (44, E), (13, E), (24, S), (9, N)],
    ),
    # On the office anchor (36, 31): work d = 0. The cafe's stove (2, 39) counts for
    # a resident of home_5 too, and at 53 it beats home_5's own stove (4, 12) at 56.
    (
        "default_at_work",
        "default.map",
        36,
        31,
        "home_5",
        "office",
        [(57, N), (58, N), (53, N), (44, N), (0, None), (39, N), (50, N), (41, N)],
    ),
    # Inside the grocer, unemployed and homeless: the cafe's stove and the gym's showers
    # only. The counter (3, 37): up through the door to (7, 25) (3), west to x = 0
    # (+ 7 = 10), down to (0, 35) (+ 10 = 20), east to the cafe door (7, 36)
    # (+ 7 + 1 = 28), then (7, 37) and west to (4, 37) (+ 1 + 3 = 32); first step N.
    (
        "default_in_grocer_homeless",
        "default.map",
        7,
        28,
        None,
        None,
        [NO, NO, (35, N), (48, N), NO, (3, N), (32, N), (9, N)],
    ),
]


@cache
def grid_of(name: str) -> Grid:
    types = parse_settings(make_settings(TINY_MAP)).object_types
    return load_map(name, MAPS[name], types)


@cache
def fields_of(name: str) -> TargetFields:
    return TargetFields(grid_of(name))


def hints(name: str, x: int, y: int, home: str | None, site: str | None) -> list:
    grid = grid_of(name)
    return target_hints(grid, fields_of(name), AgentPlace(x, y, home, site))


@pytest.mark.parametrize(
    ("name", "map_name", "x", "y", "home", "site", "expected"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_target_hints_match_the_hand_checked_cases(
    name: str,
    map_name: str,
    x: int,
    y: int,
    home: str | None,
    site: str | None,
    expected: list[tuple[int, int | None]],
) -> None:
    assert hints(map_name, x, y, home, site) == expected


def test_the_shared_case_file_matches_the_python_module() -> None:
    data = json.loads(CASES_PATH.read_text())
    assert data["kinds"] == list(TARGET_KINDS)
    assert [c["name"] for c in data["cases"]] == [c[0] for c in CASES]
    for case in data["cases"]:
        got = hints(case["map"], case["x"], case["y"], case["home"], case["site"])
        assert [list(h) for h in got] == case["expect"], case["name"]


def test_one_field_per_object_with_capacity() -> None:
    grid = grid_of("default.map")
    fields = fields_of("default.map")
    assert len(fields.objects) == 44
    assert fields.field(grid.objects[0].index) is not None
    shelf = next(o for o in grid.objects if o.type_name == "shelf")
    assert fields.field(shelf.index) is None


def test_object_fields_combine_to_the_type_field() -> None:
    grid = grid_of("default.map")
    fields = fields_of("default.map")
    tills = [fields.field(o.index) for o in grid.objects if o.type_name == "till"]
    combined = [
        min((d for d in column if d >= 0), default=-1)
        for column in zip(*[t for t in tills if t is not None], strict=True)
    ]
    assert combined == grid.type_fields["till"]
