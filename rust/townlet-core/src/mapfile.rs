//! Map text parsing and validation (world.md 2.1-2.6, docs/world-state.md 2 and D1-D4).
//!
//! [`load_map`] reads the map text into a [`Grid`] or returns one `ConfigError` listing every
//! problem with exactly the lines of the contract, in its table order. Fatal problems (an
//! unreadable header or grid) stop the parse; every later check still runs so that a map
//! author sees all of them at once. The Python world's `mapfile.py` mirrors this module
//! function by function.

use crate::error::Error;
use crate::grid::{Grid, TILE_GLYPHS};
use crate::settings::ObjectTypeSpec;

/// Error codes in report order (the table of docs/world-state.md 2).
pub const MAP_ERROR_CODES: [&str; 11] = [
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
];

const ZONE_KINDS: [&str; 7] = ["home", "shop", "cafe", "work", "park", "gym", "other"];
const MAX_OBJECT_DECLARATIONS: usize = 32;
const BAD_RECT: &str = "rectangle outside the grid or inverted";
const UNREACHABLE: &str = "cannot be reached from a spawn tile";

/// Marks that the grid cannot be read; the report already holds the reason.
struct Fatal;

/// Collected error lines, sorted by (table order, line, arrival) (D4).
#[derive(Default)]
struct Report {
    entries: Vec<(usize, usize, usize, String)>,
}

impl Report {
    fn add(&mut self, code: &str, text: String, line: usize) {
        let rank = MAP_ERROR_CODES
            .iter()
            .position(|c| *c == code)
            .unwrap_or(MAP_ERROR_CODES.len());
        let arrival = self.entries.len();
        self.entries
            .push((rank, line, arrival, format!("{code}: {text}")));
    }

    fn fatal(&mut self, code: &str, text: String, line: usize) -> Fatal {
        self.add(code, text, line);
        Fatal
    }

    fn lines(&self) -> Vec<String> {
        let mut sorted: Vec<&(usize, usize, usize, String)> = self.entries.iter().collect();
        sorted.sort_by_key(|e| (e.0, e.1, e.2));
        sorted.into_iter().map(|e| e.3.clone()).collect()
    }
}

struct ZoneLine {
    line: usize,
    name: String,
    kind: String,
    rect: (i32, i32, i32, i32),
    anchor: Option<(i32, i32)>,
    valid: bool,
}

#[derive(Default)]
struct Header {
    size: Option<(i32, i32)>,
    name: Option<String>,
    glyphs: Vec<(char, String)>,
    zones: Vec<ZoneLine>,
    grid_line: usize,
}

impl Header {
    fn glyph_type(&self, glyph: char) -> Option<&str> {
        self.glyphs
            .iter()
            .find(|(g, _)| *g == glyph)
            .map(|(_, t)| t.as_str())
    }
}

fn tokens(line: &str) -> Vec<&str> {
    line.split([' ', '\t']).filter(|t| !t.is_empty()).collect()
}

/// Parses tokens matching `[0-9]{1,9}` (D1); `None` if any does not.
fn numbers(tokens: &[&str]) -> Option<Vec<i32>> {
    tokens
        .iter()
        .map(|t| {
            let ok = (1..=9).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit());
            if ok {
                t.parse::<i32>().ok()
            } else {
                None
            }
        })
        .collect()
}

fn is_zone_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn parse_header(lines: &[&str], type_names: &[&str], report: &mut Report) -> Result<Header, Fatal> {
    let mut head = Header::default();
    let mut magic = false;
    let mut declarations = 0;
    for (i, line) in lines.iter().enumerate() {
        let n = i + 1;
        if line.starts_with(';') {
            continue;
        }
        let tokens = tokens(line);
        let Some(&keyword) = tokens.first() else {
            continue;
        };
        if !magic {
            if tokens != ["townlet-map", "1"] {
                return Err(report.fatal(
                    "map.header",
                    format!("line {n}: expected 'townlet-map 1'"),
                    n,
                ));
            }
            magic = true;
            continue;
        }
        if *line == "grid" {
            head.grid_line = n;
            return Ok(head);
        }
        let malformed = format!("line {n}: malformed '{keyword}' line");
        match keyword {
            "name" => {
                if tokens.len() != 2 || head.name.is_some() {
                    return Err(report.fatal("map.header", malformed, n));
                }
                head.name = Some(tokens[1].to_string());
            }
            "size" => {
                let nums = if tokens.len() == 3 {
                    numbers(&tokens[1..])
                } else {
                    None
                };
                let (w, h) = match nums.as_deref() {
                    Some(&[w, h]) if head.size.is_none() => (w, h),
                    _ => return Err(report.fatal("map.header", malformed, n)),
                };
                if !((8..=256).contains(&w) && (8..=256).contains(&h)) {
                    return Err(report.fatal(
                        "map.size",
                        format!("size {w}x{h} outside 8..256"),
                        n,
                    ));
                }
                head.size = Some((w, h));
            }
            "object" => {
                declarations += 1;
                let glyph = tokens.get(1).and_then(|g| {
                    let mut chars = g.chars();
                    chars.next().filter(|_| chars.next().is_none())
                });
                match glyph {
                    Some(glyph) if tokens.len() == 3 && declarations <= MAX_OBJECT_DECLARATIONS => {
                        declare_object(n, glyph, tokens[2], &mut head, type_names, report);
                    }
                    _ => return Err(report.fatal("map.header", malformed, n)),
                }
            }
            "zone" => declare_zone(n, &tokens, &mut head, report)?,
            _ => {
                return Err(report.fatal(
                    "map.header",
                    format!("line {n}: unknown header '{keyword}'"),
                    n,
                ));
            }
        }
    }
    let last = lines.len();
    if !magic {
        return Err(report.fatal(
            "map.header",
            format!("line {last}: expected 'townlet-map 1'"),
            last,
        ));
    }
    Err(report.fatal("map.header", format!("line {last}: missing 'grid'"), last))
}

fn declare_object(
    n: usize,
    glyph: char,
    type_name: &str,
    head: &mut Header,
    type_names: &[&str],
    report: &mut Report,
) {
    let conflict = if TILE_GLYPHS.contains(glyph) {
        Some("is a tile glyph")
    } else if glyph == ';' || !glyph.is_ascii_graphic() {
        Some("is reserved")
    } else if head.glyph_type(glyph).is_some() {
        Some("is already declared")
    } else {
        None
    };
    match conflict {
        Some(conflict) => report.add(
            "map.glyph_conflict",
            format!("line {n}: glyph '{glyph}' {conflict}"),
            n,
        ),
        None => head.glyphs.push((glyph, type_name.to_string())),
    }
    if !type_names.contains(&type_name) {
        report.add(
            "map.object_type_unknown",
            format!("line {n}: unknown object type '{type_name}'"),
            n,
        );
    }
}

fn declare_zone(
    n: usize,
    tokens: &[&str],
    head: &mut Header,
    report: &mut Report,
) -> Result<(), Fatal> {
    let shape_ok = tokens.len() == 7 || (tokens.len() == 10 && tokens[7] == "anchor");
    let nums = if shape_ok {
        let mut wanted: Vec<&str> = tokens.get(3..7).unwrap_or_default().to_vec();
        wanted.extend_from_slice(tokens.get(8..).unwrap_or_default());
        numbers(&wanted)
    } else {
        None
    };
    let Some(nums) = nums else {
        return Err(report.fatal("map.header", format!("line {n}: malformed 'zone' line"), n));
    };
    let (name, kind) = (tokens[1], tokens[2]);
    let mut problems = Vec::new();
    if !is_zone_name(name) {
        problems.push(format!("bad name '{name}'"));
    }
    if !ZONE_KINDS.contains(&kind) {
        problems.push(format!("bad kind '{kind}'"));
    }
    if head.zones.iter().any(|z| z.name == name) {
        problems.push(format!("duplicate zone '{name}'"));
    }
    for problem in &problems {
        report.add("map.zone_invalid", format!("line {n}: {problem}"), n);
    }
    let anchor = match nums.as_slice() {
        [_, _, _, _, ax, ay] => Some((*ax, *ay)),
        _ => None,
    };
    let rect = match nums.as_slice() {
        [x0, y0, x1, y1, ..] => (*x0, *y0, *x1, *y1),
        _ => return Err(report.fatal("map.header", format!("line {n}: malformed 'zone' line"), n)),
    };
    head.zones.push(ZoneLine {
        line: n,
        name: name.to_string(),
        kind: kind.to_string(),
        rect,
        anchor,
        valid: problems.is_empty(),
    });
    Ok(())
}

fn read_grid(lines: &[&str], head: &Header, report: &mut Report) -> Result<Vec<Vec<char>>, Fatal> {
    let Some((width, height)) = head.size else {
        let n = head.grid_line;
        return Err(report.fatal("map.header", format!("line {n}: missing 'size'"), n));
    };
    let mut rows: Vec<&str> = lines.get(head.grid_line..).unwrap_or_default().to_vec();
    while rows.last() == Some(&"") {
        rows.pop();
    }
    if i64::try_from(rows.len()).ok() != Some(i64::from(height)) {
        let text = format!("expected {height} grid lines, got {}", rows.len());
        return Err(report.fatal("map.size", text, head.grid_line));
    }
    let rows: Vec<Vec<char>> = rows.iter().map(|r| r.chars().collect()).collect();
    let mut bad = false;
    for (y, row) in rows.iter().enumerate() {
        if i64::try_from(row.len()).ok() != Some(i64::from(width)) {
            let text = format!(
                "grid line {y} has {} characters, expected {width}",
                row.len()
            );
            report.add("map.size", text, head.grid_line + 1 + y);
            bad = true;
        }
    }
    if bad {
        return Err(Fatal);
    }
    Ok(rows)
}

fn check_zone_rects(head: &mut Header, report: &mut Report) {
    let Some((width, height)) = head.size else {
        return;
    };
    for zone in &mut head.zones {
        let (x0, y0, x1, y1) = zone.rect;
        if !(x0 <= x1 && x1 < width && y0 <= y1 && y1 < height) {
            report.add(
                "map.zone_invalid",
                format!("line {}: zone '{}' {BAD_RECT}", zone.line, zone.name),
                zone.line,
            );
            zone.valid = false;
        }
    }
}

fn raise_if_any(report: &Report, map_name: &str) -> Result<(), Error> {
    let lines = report.lines();
    let Some(first) = lines.first() else {
        return Ok(());
    };
    let more = if lines.len() > 1 {
        format!(" (+{} more)", lines.len() - 1)
    } else {
        String::new()
    };
    Err(Error::Config {
        code: first.split(':').next().unwrap_or_default().to_string(),
        message: format!("invalid map {map_name}: {first}{more}"),
        errors: lines.clone(),
        key: Some("world.map_file".to_string()),
        file: Some(map_name.to_string()),
    })
}

/// Parses and validates a map (world.md 2.1-2.6, docs/world-state.md 2).
///
/// On failure the `ConfigError` has `code` = the first error's code, `errors` = every
/// line, `key` = `world.map_file` and `file` = `map_name`.
///
/// ```
/// let err = townlet_core::mapfile::load_map("x.map", "townlet-map 1\n", &[]).unwrap_err();
/// assert_eq!(err.to_string(), "invalid map x.map: map.header: line 2: missing 'grid'");
/// ```
pub fn load_map(
    map_name: &str,
    text: &str,
    object_types: &[ObjectTypeSpec],
) -> Result<Grid, Error> {
    let mut report = Report::default();
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let type_names: Vec<&str> = object_types.iter().map(|t| t.name.as_str()).collect();
    let parsed = parse_header(&lines, &type_names, &mut report)
        .and_then(|head| read_grid(&lines, &head, &mut report).map(|rows| (head, rows)));
    let Ok((mut head, rows)) = parsed else {
        raise_if_any(&report, map_name)?;
        return Err(Error::Config {
            code: "map.header".into(),
            message: format!("invalid map {map_name}"),
            errors: Vec::new(),
            key: Some("world.map_file".into()),
            file: Some(map_name.into()),
        });
    };
    check_zone_rects(&mut head, &mut report);
    let grid = build::build_grid(&mut head, rows, object_types, map_name, &mut report);
    raise_if_any(&report, map_name)?;
    grid.ok_or_else(|| Error::provider("map checks passed but no grid was built"))
}

mod build;
#[cfg(test)]
mod tests;
