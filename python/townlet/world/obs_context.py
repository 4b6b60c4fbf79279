"""What ``observe`` precomputes once per world (learning.md 1.3-1.6).

:class:`ObsSettings` is the optional ``observations`` section of the world settings
(the layout parameters plus ``local_radius``, ``wallet_scale``, ``distance_scale``).
:class:`ObsContext` is built once at world construction and never changes: the static
map planes (padded so every window is a plain slice), the per-object target fields,
home fridges per zone and the identity embedding table. The Rust twin is
``townlet-core/src/obs_context.rs``.

>>> ObsSettings.parse(None).local_radius
5
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from townlet.world.grid import Grid
from townlet.world.layout import CATEGORIES, LayoutParams, _invalid, embedding_table
from townlet.world.settings import WorldSettings
from townlet.world.targets import AgentPlace, TargetFields

__all__ = [
    "PLANE_BLOCKED",
    "PLANE_CATEGORY",
    "PLANE_DOOR",
    "PLANE_INTERACT",
    "PLANE_OUTDOOR",
    "PLANE_WALL",
    "STATIC_PLANES",
    "ObsContext",
    "ObsSettings",
]

PLANE_WALL, PLANE_DOOR, PLANE_OUTDOOR, PLANE_CATEGORY = 0, 1, 2, 3
PLANE_INTERACT, PLANE_BLOCKED, STATIC_PLANES = 9, 10, 11


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


@dataclass(frozen=True)
class ObsSettings:
    """The parsed ``observations`` section (every key optional)."""

    layout: LayoutParams
    local_radius: int = 5
    wallet_scale: float = 20.0
    distance_scale: int | None = None

    @classmethod
    def parse(cls, section: Any) -> ObsSettings:
        """Parse the section; ``None`` gives every default.

        Raises:
            ConfigError: code ``settings.invalid`` naming the bad key.
        """
        if section is None:
            section = {}
        if not isinstance(section, dict):
            raise _invalid("observations.", "expected an object")
        rest = dict(section)
        radius = rest.pop("local_radius", 5)
        if not (_is_int(radius) and 1 <= radius <= 10):
            raise _invalid(
                "observations.local_radius",
                f"expected int 1..10, got {json.dumps(radius)}",
            )
        wallet = rest.pop("wallet_scale", 20.0)
        if not (isinstance(wallet, float) and 0.0 < wallet < float("inf")):
            raise _invalid(
                "observations.wallet_scale",
                f"expected float > 0, got {json.dumps(wallet)}",
            )
        distance = rest.pop("distance_scale", None)
        if distance is not None and not (_is_int(distance) and distance >= 1):
            raise _invalid(
                "observations.distance_scale",
                f"expected int >= 1 or null, got {json.dumps(distance)}",
            )
        layout = LayoutParams.from_json(json.dumps(rest))
        return cls(layout, radius, wallet, distance)


class ObsContext:
    """Everything ``observe`` precomputes (see the module docstring)."""

    def __init__(self, settings: WorldSettings, grid: Grid) -> None:
        """Build the context of a loaded world."""
        obs = ObsSettings.parse(settings.observations)
        params = obs.layout
        self.settings = obs
        self.pad = max(params.window // 2, obs.local_radius, 10)
        pad = self.pad
        self.pw, self.ph = grid.width + 2 * pad, grid.height + 2 * pad
        planes = np.zeros((STATIC_PLANES, self.ph, self.pw), dtype=np.float32)
        planes[PLANE_WALL] = 1.0
        planes[PLANE_BLOCKED] = 1.0
        for y, row in enumerate(grid.rows):
            for x, glyph in enumerate(row):
                py, px = y + pad, x + pad
                planes[PLANE_WALL, py, px] = 1.0 if glyph in "#~" else 0.0
                planes[PLANE_DOOR, py, px] = 1.0 if glyph == "+" else 0.0
                planes[PLANE_OUTDOOR, py, px] = 1.0 if glyph in "=,@" else 0.0
                walkable = grid.is_walkable(x, y)
                planes[PLANE_BLOCKED, py, px] = 0.0 if walkable else 1.0
        categories = dict(params.object_categories)
        types = settings.object_types
        self.object_tiles: list[tuple[int, int]] = []
        for o in grid.objects:
            category = next(
                (i for i, c in enumerate(CATEGORIES) if o.type_name in categories[c]),
                len(CATEGORIES),
            )
            planes[PLANE_CATEGORY + category, o.y + pad, o.x + pad] = 1.0
            if types[o.type_index].capacity > 0:
                for ix, iy in o.interaction:
                    planes[PLANE_INTERACT, iy + pad, ix + pad] = 1.0
            self.object_tiles.append((o.x + pad, o.y + pad))
        self.planes: npt.NDArray[np.float32] = planes
        self.embed = embedding_table(settings.max_slots, params.embed_dim)
        names = [item.name for item in settings.items]
        self.carry: list[tuple[int, int] | None] = [
            (names.index(n), settings.items[names.index(n)].carry_limit)
            if n in names
            else None
            for n in ("raw_food", "meal")
        ]
        fridge = next((t for t in types if t.name == "fridge"), None)
        limits = dict(fridge.stock_limit) if fridge is not None else {}
        self.fridge_limit = [limits.get(n, 0) for n in ("raw_food", "meal")]
        self.fridges: dict[str, list[int]] = {
            z.name: [
                o.index
                for o in grid.objects
                if o.type_name == "fridge" and o.zone == z.name
            ]
            for z in grid.zones
        }
        self.targets = TargetFields(grid)
        self.hints: dict[AgentPlace, list[tuple[int, int | None]]] = {}
        """Memo of ``target_hints`` per place (the fields are immutable)."""
        self.distance_scale = float(
            obs.distance_scale
            if obs.distance_scale is not None
            else grid.width + grid.height
        )
        slots = params.top_friends + params.top_rivals
        self.features = 98 + slots * (params.embed_dim + 3) + 4
