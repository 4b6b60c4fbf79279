"""Target kinds and their path hints for the observation features (learning.md 1.5).

Features 41-80 give, for each of eight target kinds, a distance ``d`` and the W§2.5
path hint of the field that gives it. This module owns the kind -> rule table
(:data:`TARGET_RULES`), the per-object BFS fields (:class:`TargetFields`, computed
once per map) and :func:`target_hints`, which returns plain ints so the feature
writer can normalise them (``min(d, D) / D``, 1 when ``d == -1``). The Rust twin is
``townlet-core/src/targets.rs``; ``tests/data/targets_cases.json`` pins both.

Decisions: ``grocer`` and ``cafe`` read the W§2.5 type field, as the table of 1.5
says, so their hint is that single field's hint. Its distance equals the minimum
of the per-object fields, but its hint may lead to any nearest till, not only to
the lowest-indexed one (``grocer_type_field_and_shower_tie`` pins this). Object
kinds break ties by lowest object index, zone kinds by zone declaration order. An
object is "in" a zone when its tile's zone (W§2.3, first declared) is that zone.

>>> TARGET_KINDS[:3]
('home', 'fridge', 'stove')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from townlet.world.grid import Grid, bfs_distances

__all__ = [
    "TARGET_KINDS",
    "TARGET_RULES",
    "AgentPlace",
    "TargetFields",
    "TargetRule",
    "target_hints",
]


@dataclass(frozen=True, slots=True)
class TargetRule:
    """How one target kind finds its fields (learning.md 1.5).

    ``source`` is one of ``"own_home"`` (own home zone's anchor field), ``"own_site"``
    (own job site's anchor field), ``"objects"`` (per-object fields of objects of type
    ``type_name`` in own home, or in any zone of kind ``zone_kind`` when set),
    ``"type"`` (the type field of ``type_name``) or ``"zone_kind"`` (anchor fields of
    every zone of kind ``zone_kind``).
    """

    kind: str
    source: Literal["own_home", "own_site", "objects", "type", "zone_kind"]
    type_name: str | None = None
    zone_kind: str | None = None


TARGET_RULES: tuple[TargetRule, ...] = (
    TargetRule("home", "own_home"),
    TargetRule("fridge", "objects", type_name="fridge"),
    TargetRule("stove", "objects", type_name="stove", zone_kind="cafe"),
    TargetRule("shower", "objects", type_name="shower", zone_kind="gym"),
    TargetRule("work", "own_site"),
    TargetRule("grocer", "type", type_name="till"),
    TargetRule("cafe", "type", type_name="counter"),
    TargetRule("park", "zone_kind", zone_kind="park"),
)
"""The kind -> rule table, in feature order (k-major features 41-80)."""

TARGET_KINDS: tuple[str, ...] = tuple(rule.kind for rule in TARGET_RULES)
"""The eight target kinds in feature order."""


@dataclass(frozen=True, slots=True)
class AgentPlace:
    """Where an agent stands and the zones it belongs to (names; ``None`` if none)."""

    x: int
    y: int
    home: str | None
    site: str | None


class TargetFields:
    """One immutable BFS field per object with capacity > 0 (learning.md 1.5).

    Fields are stored back to back in one flat list of ``len(objects) * tiles`` ints
    (-1 where unreachable or not walkable), built with the same BFS as W§2.5.

    >>> from townlet.world.grid import Grid
    >>> TargetFields(Grid("g", 1, 1, ("@",), b"\\x01", (), (), (), (), {}, {})).objects
    ()
    """

    __slots__ = ("_fields", "_slot", "components", "objects", "tiles")

    def __init__(self, grid: Grid) -> None:
        """Compute the fields of ``grid``'s objects whose type has a type field."""
        self.tiles = grid.width * grid.height
        self.objects: tuple[int, ...] = tuple(
            o.index for o in grid.objects if o.type_name in grid.type_fields
        )
        self._slot = {index: slot for slot, index in enumerate(self.objects)}
        self._fields: list[int] = []
        for index in self.objects:
            sources = grid.objects[index].interaction
            self._fields += bfs_distances(
                grid.width, grid.height, grid.walkable, sources
            )
        # Walkable-component label per tile (its first tile, row-major), -1 for
        # non-walkable tiles: the option controllers' reachability (D20-opt-e).
        self.components: list[int] = [-1] * self.tiles
        for k in range(self.tiles):
            if self.components[k] >= 0 or not grid.walkable[k]:
                continue
            reach = bfs_distances(
                grid.width,
                grid.height,
                grid.walkable,
                [(k % grid.width, k // grid.width)],
            )
            for j, d in enumerate(reach):
                if d >= 0:
                    self.components[j] = k

    def field(self, index: int) -> Sequence[int] | None:
        """The field of object ``index``; ``None`` for a capacity-0 object."""
        slot = self._slot.get(index)
        if slot is None:
            return None
        return self._fields[slot * self.tiles : (slot + 1) * self.tiles]


def target_hints(
    grid: Grid, fields: TargetFields, place: AgentPlace
) -> list[tuple[int, int | None]]:
    """Return ``(d, direction)`` per target kind, in :data:`TARGET_KINDS` order.

    ``d`` is the minimum over the kind's fields at the agent's tile, -1 when none is
    reachable (or homeless / unemployed for ``home`` and ``work``); ``direction`` is
    0..3 (N, E, S, W), the path hint of the field that gives ``d``, or ``None`` when
    ``d <= 0``.

    Args:
        grid: the loaded map.
        fields: the per-object fields of ``grid``.
        place: the agent's tile, home zone and job site zone.

    Returns:
        Eight ``(d, direction)`` pairs.
    """
    return [
        _hint(grid, _fields_of(rule, grid, fields, place), place)
        for rule in TARGET_RULES
    ]


def _fields_of(
    rule: TargetRule, grid: Grid, fields: TargetFields, place: AgentPlace
) -> list[Sequence[int]]:
    """The candidate fields of one kind, in tie-break order."""
    if rule.source == "own_home":
        return [] if place.home is None else [grid.zone_fields[place.home]]
    if rule.source == "own_site":
        return [] if place.site is None else [grid.zone_fields[place.site]]
    if rule.source == "type":
        type_field = grid.type_fields.get(rule.type_name or "")
        return [] if type_field is None else [type_field]
    if rule.source == "zone_kind":
        return [
            grid.zone_fields[z.name] for z in grid.zones if z.kind == rule.zone_kind
        ]
    kinds = {z.name: z.kind for z in grid.zones}
    out: list[Sequence[int]] = []
    for o in grid.objects:
        if o.type_name != rule.type_name or o.zone is None:
            continue
        if o.zone == place.home or kinds[o.zone] == rule.zone_kind:
            field = fields.field(o.index)
            if field is not None:
                out.append(field)
    return out


def _hint(
    grid: Grid, candidates: list[Sequence[int]], place: AgentPlace
) -> tuple[int, int | None]:
    """The smallest reachable distance and the hint of the first field giving it."""
    if not grid.is_walkable(place.x, place.y):
        return (-1, None)
    i = place.y * grid.width + place.x
    best: Sequence[int] | None = None
    for candidate in candidates:
        if candidate[i] >= 0 and (best is None or candidate[i] < best[i]):
            best = candidate
    if best is None:
        return (-1, None)
    return (best[i], grid.path_hint(best, place.x, place.y))
