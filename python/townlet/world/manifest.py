"""The manifest tables: indexes the affordance rules look up (world.md 3).

Built once per world from the typed settings: the item and affordance indexes, per
object type the affordances it offers (manifest order), the item-use affordance of
each item and the vendor affordance of each sold item, and every precondition
compiled with :mod:`townlet.world.expr` (price keys from ``economy.prices``; no
``object.*`` names in item uses). ``rust/townlet-core/src/manifest.rs`` builds the same
tables; :meth:`ManifestTables.to_tree` is what both worlds report for comparison.

>>> from townlet.config import load_config, world_settings
>>> from townlet.world.settings import parse_settings
>>> s = parse_settings(world_settings(load_config()))
>>> ManifestTables.build(s).to_tree(s)["vendor"]
{'raw_food': 'buy_raw_food', 'meal': 'buy_meal'}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from townlet.errors import ConfigError
from townlet.world.expr import Context, ExprError, Precondition
from townlet.world.settings import WorldSettings

__all__ = ["ManifestTables"]


@dataclass(frozen=True, slots=True)
class ManifestTables:
    """Indexes over the manifest of one world; every list is in manifest order.

    Attributes:
        item_index: item name -> item index.
        affordance_index: affordance id -> affordance index.
        offered: per object type (type order), the indexes of its affordances.
        item_use: per item, the index of its item-use affordance, or None.
        vendor: per item, the index of the affordance that sells it, or None (the
            first one when several sell it).
        preconditions: per affordance, its compiled preconditions.
    """

    item_index: dict[str, int]
    affordance_index: dict[str, int]
    offered: tuple[tuple[int, ...], ...]
    item_use: tuple[int | None, ...]
    vendor: tuple[int | None, ...]
    preconditions: tuple[tuple[Precondition, ...], ...]

    @classmethod
    def build(cls, settings: WorldSettings) -> ManifestTables:
        """Index the manifest of ``settings`` and compile its preconditions.

        Raises:
            ConfigError: code ``settings.invalid`` naming the first precondition
                that does not compile
                (``manifest.affordances[i].preconditions[j]: column <n>: <what>``).
        """
        items = tuple(item.name for item in settings.items)
        prices = tuple(key for key, _ in settings.prices)
        affordances = settings.affordances
        item_use: list[int | None] = [None] * len(items)
        vendor: list[int | None] = [None] * len(items)
        compiled: list[tuple[Precondition, ...]] = []
        for a, affordance in enumerate(affordances):
            if affordance.item is not None:
                k = items.index(affordance.item)
                if item_use[k] is None:
                    item_use[k] = a
            if affordance.sells is not None:
                k = items.index(affordance.sells)
                if vendor[k] is None:
                    vendor[k] = a
            context = Context(items, prices, allow_object=affordance.item is None)
            checked: list[Precondition] = []
            for j, source in enumerate(affordance.preconditions):
                try:
                    checked.append(Precondition.compile(source, context))
                except ExprError as err:
                    path = f"manifest.affordances[{a}].preconditions[{j}]"
                    raise ConfigError(
                        f"invalid world settings: {path}: {err}",
                        key=path,
                        code="settings.invalid",
                    ) from None
            compiled.append(tuple(checked))
        offered = tuple(
            tuple(a for a, aff in enumerate(affordances) if aff.object_type == t.name)
            for t in settings.object_types
        )
        return cls(
            item_index={name: k for k, name in enumerate(items)},
            affordance_index={aff.id: a for a, aff in enumerate(affordances)},
            offered=offered,
            item_use=tuple(item_use),
            vendor=tuple(vendor),
            preconditions=tuple(compiled),
        )

    def to_tree(self, settings: WorldSettings) -> dict[str, Any]:
        """The tables by name, as both worlds report them (``manifest_tables()``).

        ``{"items": [...], "affordances": [...], "offered": {type: [ids]},
        "item_use": {item: id | None}, "vendor": {item: id | None}}``.
        """
        ids = [a.id for a in settings.affordances]

        def name(index: int | None) -> str | None:
            return None if index is None else ids[index]

        return {
            "items": list(self.item_index),
            "affordances": ids,
            "offered": {
                t.name: [ids[a] for a in self.offered[i]]
                for i, t in enumerate(settings.object_types)
            },
            "item_use": {
                item: name(self.item_use[k]) for k, item in enumerate(self.item_index)
            },
            "vendor": {
                item: name(self.vendor[k]) for k, item in enumerate(self.item_index)
            },
        }
