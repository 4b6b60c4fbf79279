"""The names of world.md 3.6, their static types, and their resolution to ids.

The checker turns every dotted path into a :class:`Name` once, at manifest load: a
:class:`NameKind` plus, for ``agent.items.<item>``, ``object.stock.<item>`` and
``price.<key>``, the item or price index. The world then answers ids through
:class:`~townlet.world.expr.eval.ExprEnv` without looking at a string on the hot path.

>>> resolve("agent.items.meal", Context(("raw_food", "meal"), (), True))
(Name(kind=<NameKind.AGENT_ITEM: 10>, index=1), <Type.NUM: 'num'>)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto

__all__ = ["FIXED_NAMES", "Context", "Name", "NameKind", "Type", "resolve"]


class Type(Enum):
    """The static type of a name, a literal or an operand; the value is its spelling."""

    STR = "str"
    OPT_STR = "str?"
    NUM = "num"
    BOOL = "bool"
    NULL = "null"


class NameKind(Enum):
    """Which value a name reads; each member spells its name (``OBJECT_ZONE_KIND``).

    ``AGENT_ITEM``, ``OBJECT_STOCK`` and ``PRICE`` also need an index.
    """

    AGENT_ID = auto()
    AGENT_NAME = auto()
    AGENT_PROFILE = auto()
    AGENT_HOME = auto()
    AGENT_JOB = auto()
    AGENT_HUNGER = auto()
    AGENT_HYGIENE = auto()
    AGENT_ENERGY = auto()
    AGENT_WALLET = auto()
    AGENT_ITEM = auto()
    AGENT_EXTROVERSION = auto()
    AGENT_FORGIVENESS = auto()
    AGENT_AMBITION = auto()
    AGENT_ON_SHIFT = auto()
    OBJECT_ID = auto()
    OBJECT_TYPE = auto()
    OBJECT_ZONE = auto()
    OBJECT_ZONE_KIND = auto()
    OBJECT_OWNER = auto()
    OBJECT_STOCK = auto()
    OBJECT_HOLDERS = auto()
    OBJECT_WAITING = auto()
    OBJECT_CAPACITY = auto()
    WORLD_TICK = auto()
    WORLD_DAY = auto()
    WORLD_MINUTE = auto()
    WORLD_HOUR = auto()
    UTILITY_POWER = auto()
    UTILITY_WATER = auto()
    PRICE = auto()


FIXED_NAMES: tuple[tuple[str, NameKind, Type], ...] = (
    ("agent.id", NameKind.AGENT_ID, Type.STR),
    ("agent.name", NameKind.AGENT_NAME, Type.STR),
    ("agent.profile", NameKind.AGENT_PROFILE, Type.STR),
    ("agent.home", NameKind.AGENT_HOME, Type.OPT_STR),
    ("agent.job", NameKind.AGENT_JOB, Type.OPT_STR),
    ("agent.hunger", NameKind.AGENT_HUNGER, Type.NUM),
    ("agent.hygiene", NameKind.AGENT_HYGIENE, Type.NUM),
    ("agent.energy", NameKind.AGENT_ENERGY, Type.NUM),
    ("agent.wallet", NameKind.AGENT_WALLET, Type.NUM),
    ("agent.extroversion", NameKind.AGENT_EXTROVERSION, Type.NUM),
    ("agent.forgiveness", NameKind.AGENT_FORGIVENESS, Type.NUM),
    ("agent.ambition", NameKind.AGENT_AMBITION, Type.NUM),
    ("agent.on_shift", NameKind.AGENT_ON_SHIFT, Type.BOOL),
    ("object.id", NameKind.OBJECT_ID, Type.STR),
    ("object.type", NameKind.OBJECT_TYPE, Type.STR),
    ("object.zone", NameKind.OBJECT_ZONE, Type.OPT_STR),
    ("object.zone_kind", NameKind.OBJECT_ZONE_KIND, Type.OPT_STR),
    ("object.owner", NameKind.OBJECT_OWNER, Type.OPT_STR),
    ("object.holders", NameKind.OBJECT_HOLDERS, Type.NUM),
    ("object.waiting", NameKind.OBJECT_WAITING, Type.NUM),
    ("object.capacity", NameKind.OBJECT_CAPACITY, Type.NUM),
    ("world.tick", NameKind.WORLD_TICK, Type.NUM),
    ("world.day", NameKind.WORLD_DAY, Type.NUM),
    ("world.minute", NameKind.WORLD_MINUTE, Type.NUM),
    ("world.hour", NameKind.WORLD_HOUR, Type.NUM),
    ("utility.power", NameKind.UTILITY_POWER, Type.BOOL),
    ("utility.water", NameKind.UTILITY_WATER, Type.BOOL),
)
"""The names without a key, with their kind and type (world.md 3.6)."""

_FIXED = {path: (kind, ty) for path, kind, ty in FIXED_NAMES}


@dataclass(frozen=True, slots=True)
class Name:
    """A resolved name: its kind and, for keyed names, the item or price index."""

    kind: NameKind
    index: int = 0


@dataclass(frozen=True, slots=True)
class Context:
    """What a manifest declares, which decides the names an expression may use.

    Attributes:
        items: item names in item index order (world.md 3.1).
        price_keys: price keys in ``economy.prices`` order (world.md 8.1).
        allow_object: whether ``object.*`` names are allowed (false for item use).
    """

    items: tuple[str, ...]
    price_keys: tuple[str, ...]
    allow_object: bool


def resolve(path: str, context: Context) -> tuple[Name, Type]:
    """Resolve a dotted path to its :class:`Name` and static type.

    Raises:
        LookupError: with the message of a ``NAME`` error (without column), checked
            in this order: an unknown name, an undeclared item or price key, an
            ``object.*`` name where ``context.allow_object`` is false.
    """
    fixed = _FIXED.get(path)
    name = (Name(fixed[0]), fixed[1]) if fixed is not None else _keyed(path, context)
    if not context.allow_object and path.startswith("object."):
        raise LookupError(f"'{path}' is not available in an item-use affordance")
    return name


def _keyed(path: str, context: Context) -> tuple[Name, Type]:
    """``agent.items.<item>``, ``object.stock.<item>`` or ``price.<key>``."""
    prefixes = (
        ("agent.items.", NameKind.AGENT_ITEM, context.items, "item"),
        ("object.stock.", NameKind.OBJECT_STOCK, context.items, "item"),
        ("price.", NameKind.PRICE, context.price_keys, "price key"),
    )
    for prefix, kind, keys, noun in prefixes:
        if not path.startswith(prefix):
            continue
        key = path[len(prefix) :]
        if "." in key:
            break
        if key in keys:
            return Name(kind, keys.index(key)), Type.NUM
        declared = ", ".join(keys) if keys else "none"
        raise LookupError(f"unknown {noun} '{key}' in '{path}' (declared: {declared})")
    raise LookupError(f"unknown name '{path}'")
