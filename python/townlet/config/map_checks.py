"""Config checks that involve the town map (world.md 2.6, last paragraph).

Every job ``site`` and every arranged-meet ``location`` must name a zone of the
map (``config.job_site``, ``config.meet_location``), and the population target
must not exceed the number of beds, i.e. objects of an ownable type
(``config.beds``). Map parsing and validation belong to the worlds; this is a
tolerant scan of ``zone`` and ``object`` header lines and the grid that stays
silent when the map is malformed, since the world then reports the map errors.

>>> scan = scan_map("object B bed\\nzone h home 0 0 7 7\\ngrid\\nB.B")
>>> scan.zones, scan.glyph_counts["B"]
(['h'], 2)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from townlet.config.diagnostics import Finding
from townlet.config.manifest import Manifest
from townlet.config.root import TownletConfig

__all__ = ["MapScan", "map_findings", "scan_map"]


@dataclass
class MapScan:
    """Zones, object glyph declarations and glyph counts found in a map text."""

    zones: list[str] = field(default_factory=list)
    objects: dict[str, str] = field(default_factory=dict)
    glyph_counts: Counter[str] = field(default_factory=Counter)

    def count_of_types(self, types: set[str]) -> int:
        """Return how many grid objects have one of ``types``."""
        return sum(
            count
            for glyph, count in self.glyph_counts.items()
            if self.objects.get(glyph) in types
        )


def scan_map(text: str) -> MapScan:
    """Collect zone names, object declarations and grid glyph counts."""
    scan = MapScan()
    in_grid = False
    for raw in text.split("\n"):
        line = raw.removesuffix("\r")
        if in_grid:
            scan.glyph_counts.update(line)
            continue
        tokens = line.split()
        if not tokens or tokens[0].startswith(";"):
            continue
        if tokens == ["grid"]:
            in_grid = True
        elif tokens[0] == "zone" and len(tokens) >= 2:
            scan.zones.append(tokens[1])
        elif tokens[0] == "object" and len(tokens) == 3 and len(tokens[1]) == 1:
            scan.objects.setdefault(tokens[1], tokens[2])
    return scan


def map_findings(cfg: TownletConfig, text: str, manifest: Manifest) -> list[Finding]:
    """Return the map-related config problems of ``cfg`` (empty when fine)."""
    scan = scan_map(text)
    findings: list[Finding] = []
    if not scan.zones and not scan.objects:
        return findings  # not a map we can read: the world reports it
    zones = set(scan.zones)
    for i, job in enumerate(cfg.world.jobs):
        if job.site not in zones:
            findings.append(
                Finding(
                    ("world", "jobs", i, "site"),
                    f"names no zone of the map (zones: {', '.join(scan.zones)})",
                    job.site,
                    code="config.job_site",
                )
            )
    for name, spec in cfg.world.perturbations.specs.items():
        if spec.kind == "arranged_meet" and spec.meet_location not in zones:
            findings.append(
                Finding(
                    ("world", "perturbations", "specs", name, "location"),
                    f"names no zone of the map (zones: {', '.join(scan.zones)})",
                    spec.meet_location,
                    code="config.meet_location",
                )
            )
    ownable = {name for name, spec in manifest.object_types.items() if spec.ownable}
    beds = scan.count_of_types(ownable)
    target = cfg.world.lifecycle.population_target
    if target > beds:
        findings.append(
            Finding(
                ("world", "lifecycle", "population_target"),
                f"must be <= the number of beds of the map ({beds})",
                target,
                code="config.beds",
            )
        )
    return findings
