"""Config checks that involve the town map (world.md 2.6, last paragraph).

Every job ``site`` and every arranged-meet ``location`` must name a zone of the
map (``config.job_site``, ``config.meet_location``), and the population target
must not exceed the number of beds, i.e. objects of an ownable type
(``config.beds``). The map is read with the Python world's own parser
(:func:`townlet.world.mapfile.load_map`, a pure module), so a broken map is
reported with its ``map.*`` errors before any of these checks: a config problem
is never blamed on what is really a bad glyph.
"""

from __future__ import annotations

from townlet.config.diagnostics import Finding
from townlet.config.manifest import Manifest
from townlet.config.root import TownletConfig
from townlet.world.mapfile import load_map
from townlet.world.settings import ObjectType

__all__ = ["map_findings"]


def _object_types(manifest: Manifest) -> list[ObjectType]:
    return [
        ObjectType(
            name=spec.name,
            capacity=spec.capacity,
            ownable=spec.ownable,
            requires=tuple(spec.requires),
            stock=tuple(spec.stock.items()),
            stock_limit=tuple(spec.stock_limit.items()),
            restock=tuple(spec.restock.items()),
        )
        for spec in manifest.object_types.values()
    ]


def map_findings(
    cfg: TownletConfig, map_name: str, text: str, manifest: Manifest
) -> list[Finding]:
    """Return the map-related config problems of ``cfg`` (empty when fine).

    Raises:
        ConfigError: the map itself is invalid (its ``map.*`` errors, all of them).
    """
    grid = load_map(map_name, text, _object_types(manifest))
    zone_names = [zone.name for zone in grid.zones]
    zones = set(zone_names)
    findings: list[Finding] = []
    for i, job in enumerate(cfg.world.jobs):
        if job.site not in zones:
            findings.append(
                Finding(
                    ("world", "jobs", i, "site"),
                    f"names no zone of the map (zones: {', '.join(zone_names)})",
                    job.site,
                    code="config.job_site",
                )
            )
    for name, spec in cfg.world.perturbations.specs.items():
        if spec.kind == "arranged_meet" and spec.meet_location not in zones:
            findings.append(
                Finding(
                    ("world", "perturbations", "specs", name, "location"),
                    f"names no zone of the map (zones: {', '.join(zone_names)})",
                    spec.meet_location,
                    code="config.meet_location",
                )
            )
    ownable = {name for name, spec in manifest.object_types.items() if spec.ownable}
    beds = sum(1 for obj in grid.objects if obj.type_name in ownable)
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
