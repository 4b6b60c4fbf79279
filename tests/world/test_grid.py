"""The loaded grid: objects, zones, distance fields, path hints (world.md 2.3-2.5)."""

from __future__ import annotations

from towns import TINY_MAP, make_settings

from townlet.world.grid import Grid
from townlet.world.mapfile import load_map
from townlet.world.settings import parse_settings

N, E, S, W = range(4)


def tiny_grid() -> Grid:
    s = parse_settings(make_settings(TINY_MAP))
    return load_map(s.map_name, s.map_text, s.object_types)


def at(grid: Grid, field: list[int], x: int, y: int) -> int:
    return field[y * grid.width + x]


def test_objects_get_ids_by_type_in_row_major_order() -> None:
    grid = tiny_grid()
    assert [(o.index, o.id, o.x, o.y) for o in grid.objects] == [
        (0, "bed_1", 1, 1),
        (1, "bed_2", 6, 1),
    ]


def test_interaction_tiles_are_walkable_neighbours_in_nesw_order() -> None:
    grid = tiny_grid()
    assert grid.objects[0].interaction == ((2, 1), (1, 2))
    assert grid.objects[1].interaction == ((6, 2), (5, 1))


def test_zone_of_a_tile_is_the_first_declared_zone_containing_it() -> None:
    grid = tiny_grid()
    assert grid.zone_at(1, 1) == "home_a"
    assert grid.zone_at(6, 1) == "home_b"
    assert grid.zone_at(5, 5) is None
    assert grid.objects[1].zone == "home_b"


def test_default_anchor_is_the_first_walkable_tile_of_the_zone() -> None:
    grid = tiny_grid()
    assert [z.anchor for z in grid.zones] == [(2, 1), (4, 1)]


def test_type_fields_measure_steps_to_the_nearest_interaction_tile() -> None:
    grid = tiny_grid()
    beds = grid.type_fields["bed"]
    assert at(grid, beds, 2, 1) == 0
    assert at(grid, beds, 3, 1) == 1
    assert at(grid, beds, 6, 6) == 4
    assert at(grid, beds, 0, 0) == -1  # wall
    assert at(grid, beds, 2, 2) == -1  # water


def test_fields_exist_only_for_types_with_capacity() -> None:
    grid = tiny_grid()
    assert "shelf" not in grid.type_fields
    assert set(grid.type_fields["bench"]) == {-1}  # no bench on this map
    assert set(grid.zone_fields) == {"home_a", "home_b"}
    assert at(grid, grid.zone_fields["home_b"], 4, 1) == 0


def test_path_hint_is_the_first_direction_one_step_closer() -> None:
    grid = tiny_grid()
    beds = grid.type_fields["bed"]
    assert grid.path_hint(beds, 3, 1) == W
    assert grid.path_hint(beds, 1, 3) == N
    assert grid.path_hint(beds, 2, 1) is None  # already there
    assert grid.path_hint(beds, 0, 0) is None  # not walkable
