//! Tests of `mapfile`: the default town loads, and each error line is exact.

use super::*;
use crate::settings::WorldSettings;

const DEFAULT_MAP: &str = include_str!("../../../../python/townlet/data/configs/towns/default.map");

fn types() -> Vec<ObjectTypeSpec> {
    WorldSettings::default_town("t.map", "")
        .manifest
        .object_types
}

fn errors_of(text: &str) -> Vec<String> {
    match load_map("t.map", text, &types()) {
        Err(Error::Config { errors, .. }) => errors,
        other => panic!("expected a config error, got {other:?}"),
    }
}

/// A valid 8x8 map with one home (two lines of header per test to tweak).
fn small(header: &str, grid: &str) -> String {
    format!("townlet-map 1\nsize 8 8\nobject B bed\n{header}grid\n{grid}")
}

const SMALL_GRID: &str =
    "########\n#B.....#\n#......#\n###+####\n@=======\n,,,,,,,,\n,,,,,,,,\n,,,,,,,,\n";

#[test]
fn default_town_loads() {
    let grid = load_map("towns/default.map", DEFAULT_MAP, &types()).expect("default map");
    assert_eq!(
        (grid.width, grid.height, grid.name.as_str()),
        (48, 48, "default")
    );
    assert_eq!(grid.objects.len(), 70);
    assert_eq!(grid.zones.len(), 13);
    assert_eq!(grid.spawn_tiles, vec![(0, 23), (0, 24)]);
    let beds: Vec<&str> = grid
        .objects
        .iter()
        .filter(|o| o.type_name == "bed")
        .map(|o| o.id.as_str())
        .collect();
    assert_eq!(beds.len(), 10);
    assert_eq!(beds[0], "bed_1");
    let first = &grid.objects[0];
    assert_eq!((first.id.as_str(), first.x, first.y), ("bed_1", 2, 2));
    assert_eq!(first.interaction, vec![(3, 2), (2, 3)]);
    assert_eq!(first.zone, Some(0));
    assert_eq!(grid.zones[0].anchor, (5, 3));
    assert!(grid.type_fields[7].is_none(), "shelves are decor");
    let beds_field = grid.type_fields[0].as_ref().expect("bed field");
    assert_eq!(beds_field[(3 + 2 * 48) as usize], 0);
    assert!(!grid.is_walkable(2, 2));
}

#[test]
fn small_map_loads_with_default_anchor() {
    let text = small("zone house home 1 1 6 2\n", SMALL_GRID);
    let grid = load_map("t.map", &text, &types()).expect("valid");
    assert_eq!(grid.zones[0].anchor, (2, 1));
    assert_eq!(grid.name, "t.map");
    assert_eq!(grid.zone_at(3, 2), Some(0));
    assert_eq!(grid.zone_at(3, 3), None);
}

#[test]
fn bad_magic_is_the_only_error() {
    assert_eq!(
        errors_of("; c\n\nsize 8 8\n"),
        vec!["map.header: line 3: expected 'townlet-map 1'"]
    );
    assert_eq!(
        errors_of(""),
        vec!["map.header: line 1: expected 'townlet-map 1'"]
    );
}

#[test]
fn missing_size_and_grid() {
    assert_eq!(
        errors_of("townlet-map 1\ngrid\n"),
        vec!["map.header: line 2: missing 'size'"]
    );
    assert_eq!(
        errors_of("townlet-map 1\nsize 8 8\n"),
        vec!["map.header: line 3: missing 'grid'"]
    );
}

#[test]
fn malformed_and_unknown_lines_are_fatal() {
    let text = "townlet-map 1\nobject . bed\nsize 8\nfoo\n";
    assert_eq!(
        errors_of(text),
        vec![
            "map.header: line 3: malformed 'size' line",
            "map.glyph_conflict: line 2: glyph '.' is a tile glyph",
        ]
    );
    assert_eq!(
        errors_of("townlet-map 1\nbogus 1\n"),
        vec!["map.header: line 2: unknown header 'bogus'"]
    );
    assert_eq!(
        errors_of("townlet-map 1\nsize -8 8\n"),
        vec!["map.header: line 2: malformed 'size' line"]
    );
}

#[test]
fn size_errors() {
    assert_eq!(
        errors_of("townlet-map 1\nsize 7 300\ngrid\n"),
        vec!["map.size: size 7x300 outside 8..256"]
    );
    let text = "townlet-map 1\nsize 8 8\ngrid\n........\n\n";
    assert_eq!(
        errors_of(text),
        vec!["map.size: expected 8 grid lines, got 1"]
    );
    let mut rows = SMALL_GRID.replacen("########", "#######", 1);
    rows = rows.replacen(",,,,,,,,\n", ",,,,,,,,,\n", 1);
    assert_eq!(
        errors_of(&small("", &rows)),
        vec![
            "map.size: grid line 0 has 7 characters, expected 8",
            "map.size: grid line 5 has 9 characters, expected 8",
        ]
    );
}

#[test]
fn header_problems_are_sorted_by_table_then_line() {
    let header = "object ; bed\nobject X rocket\nobject B stove\nzone Bad cave 0 0 9 1\nzone Bad home 0 0 1 1\n";
    assert_eq!(
        errors_of(&small(header, SMALL_GRID)),
        vec![
            "map.glyph_conflict: line 4: glyph ';' is reserved",
            "map.glyph_conflict: line 6: glyph 'B' is already declared",
            "map.object_type_unknown: line 5: unknown object type 'rocket'",
            "map.zone_invalid: line 7: bad name 'Bad'",
            "map.zone_invalid: line 7: bad kind 'cave'",
            "map.zone_invalid: line 7: zone 'Bad' rectangle outside the grid or inverted",
            "map.zone_invalid: line 8: bad name 'Bad'",
            "map.zone_invalid: line 8: duplicate zone 'Bad'",
        ]
    );
}

#[test]
fn grid_checks_in_table_order() {
    let header = "object S shelf\nzone a home 1 1 2 2 anchor 1 1\nzone b park 5 5 7 7 anchor 9 9\nzone c home 4 1 6 2\n";
    let rows = "########\n#B.#S..#\n#..##?.#\n########\n========\n,,,,,,,,\n,,,,,,,,\n,,,,,,,,\n";
    assert_eq!(
        errors_of(&small(header, rows)),
        vec![
            "map.glyph_unknown: unknown glyph '?' at (5, 2)",
            "map.anchor_invalid: zone 'a' anchor (1, 1) is not walkable",
            "map.anchor_invalid: zone 'b' anchor (9, 9) is outside its rectangle",
            "map.no_spawn: no '@' spawn tile",
            "map.home_without_bed: home zone 'c' has no ownable object",
        ]
    );
}

#[test]
fn inaccessible_and_unreachable_objects() {
    let rows = "#B######\n###.B..#\n#B#.....\n###.....\n@=======\n,,,,,,,,\n,,,,,,,,\n,,,,,,,,\n";
    let text = small("zone z park 3 1 3 1\n", rows);
    let err = load_map("t.map", &text, &types()).expect_err("invalid");
    match err {
        Error::Config {
            code,
            message,
            errors,
            key,
            file,
        } => {
            assert_eq!(
                errors,
                vec![
                    "map.object_inaccessible: object bed_1 at (1, 0) has no interaction tile",
                    "map.object_inaccessible: object bed_3 at (1, 2) has no interaction tile",
                ]
            );
            assert_eq!(code, "map.object_inaccessible");
            assert_eq!(message, "invalid map t.map: map.object_inaccessible: object bed_1 at (1, 0) has no interaction tile (+1 more)");
            assert_eq!(key.as_deref(), Some("world.map_file"));
            assert_eq!(file.as_deref(), Some("t.map"));
        }
        other => panic!("unexpected {other:?}"),
    }
    let rows = "#B#.....\n###.....\n........\n########\n@=======\n,,,,,,,,\n,,,,,,,,\n,,,,,,,,\n";
    let text = small("zone z park 3 0 3 0\nzone y other 0 4 0 4\n", rows);
    assert_eq!(
        errors_of(&text),
        vec![
            "map.object_inaccessible: object bed_1 at (1, 0) has no interaction tile",
            "map.unreachable: zone 'z' anchor (3, 0) cannot be reached from a spawn tile"
        ]
    );
}

#[test]
fn crlf_and_comments_are_accepted() {
    let text = small("; a comment\n\t \n", SMALL_GRID).replace('\n', "\r\n");
    assert!(load_map("t.map", &text, &types()).is_ok());
}
