"""The affordance manifest: items, object types and affordances (world.md 3).

:func:`load_manifest` reads a manifest file, validates it completely and returns a
frozen :class:`Manifest`. Every problem of the file is reported at once, in
document order, as one :class:`~townlet.errors.ConfigError` whose ``code`` is the
first problem's code (world.md 3.7) and whose ``errors`` hold one line each:
``<code>: <key path>: <what> [line <n>]``.

Each precondition is compiled once here with :mod:`townlet.world.expr` (world.md
3.6), against the declared items, the given price keys and, for item uses, no
``object.*`` names; a refused one is a ``manifest.expression_*`` line whose key path
names the affordance entry and whose text starts with the column:
``manifest.expression_type: affordances[3].preconditions[0]: column 1: expression
must be bool, found num [line 40]``.

>>> from townlet.config.files import packaged_configs_dir
>>> m = load_manifest(packaged_configs_dir() / "affordances" / "default.yaml")
>>> list(m.items), m.affordance("sleep").duration
(['raw_food', 'meal'], 480)
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from townlet.errors import ConfigError

__all__ = [
    "HOOK_STAGES",
    "UTILITIES",
    "Affordance",
    "Effects",
    "ItemSpec",
    "Manifest",
    "ObjectTypeSpec",
    "load_manifest",
    "parse_manifest",
]

UTILITIES: tuple[str, ...] = ("power", "water")
"""Utilities an object type may require (world.md 8.4)."""

HOOK_STAGES: dict[str, tuple[str, ...]] = {
    "shared_meal": ("on_complete",),
    "refund_on_outage": ("on_fail",),
}
"""The built-in hook registry: hook name -> stages it supports (world.md 3.5)."""


@dataclass(frozen=True)
class ItemSpec:
    """An item and how many of it an agent may carry (world.md 3.1)."""

    name: str
    carry_limit: int


@dataclass(frozen=True)
class ObjectTypeSpec:
    """An object type (world.md 3.2); stock maps are in item order."""

    name: str
    capacity: int = 1
    ownable: bool = False
    requires: tuple[str, ...] = ()
    stock: dict[str, int] = field(default_factory=dict)
    stock_limit: dict[str, int] = field(default_factory=dict)
    restock: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Effects:
    """Per-tick or on-complete effects; needs in hunger, hygiene, energy order."""

    needs: dict[str, float] = field(default_factory=dict)
    money: float = 0.0
    items: dict[str, int] = field(default_factory=dict)
    stock: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Affordance:
    """One affordance (world.md 3.3); exactly one of ``object_type`` and ``item``.

    ``cost`` is a fixed amount unless ``cost_price`` names a price key, in which
    case the effective price of that key is charged. ``preconditions`` are the
    expression sources, each checked at load (the worlds compile them again).
    """

    id: str
    object_type: str | None
    item: str | None
    duration: int
    preconditions: tuple[str, ...] = ()
    cost: float = 0.0
    cost_price: str | None = None
    consume: dict[str, int] = field(default_factory=dict)
    take: dict[str, int] = field(default_factory=dict)
    per_tick: Effects = field(default_factory=Effects)
    on_complete: Effects = field(default_factory=Effects)
    decay_multipliers: dict[str, float] = field(default_factory=dict)
    allows_chat: bool = False
    sells: str | None = None
    tags: tuple[str, ...] = ()
    hooks: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def is_item_use(self) -> bool:
        """Whether this is an item use (no object, no queue)."""
        return self.item is not None


@dataclass(frozen=True)
class Manifest:
    """A validated manifest; mappings keep file order, which defines indexes.

    Attributes:
        items: item name -> spec, in item index order.
        object_types: type name -> spec, in manifest order.
        affordances: in affordance index order.
        sha256: hex sha256 of the file bytes (part of config identity).
        name: the file name used in messages.
    """

    items: dict[str, ItemSpec]
    object_types: dict[str, ObjectTypeSpec]
    affordances: tuple[Affordance, ...]
    sha256: str
    name: str = "<manifest>"

    def affordance(self, affordance_id: str) -> Affordance:
        """Return the affordance with this id.

        Raises:
            KeyError: no affordance has that id.
        """
        for affordance in self.affordances:
            if affordance.id == affordance_id:
                return affordance
        raise KeyError(affordance_id)

    def offered(self, object_type: str) -> tuple[Affordance, ...]:
        """Return the affordances offered by an object type, in manifest order."""
        return tuple(a for a in self.affordances if a.object_type == object_type)


def load_manifest(
    path: str | Path,
    *,
    price_keys: Iterable[str] | None = None,
    name: str | None = None,
) -> Manifest:
    """Read and validate a manifest file.

    Args:
        path: the manifest file.
        price_keys: the declared price keys (``world.economy.prices``); when given,
            ``price.<key>`` costs naming another key are ``manifest.unknown_price``.
            Preconditions are checked against these keys; without them any
            ``price.<key>`` in a precondition is ``manifest.expression_name``.
        name: the name used in messages; defaults to ``path``.

    Returns:
        The validated manifest.

    Raises:
        ConfigError: the file is missing, unreadable or invalid (all problems).
    """
    file = Path(path)
    label = name or str(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"manifest not found: {label} ({exc.strerror or exc})",
            file=label,
            key="world.manifest_file",
            code="manifest.schema",
        ) from None
    return parse_manifest(data, name=label, price_keys=price_keys)


def parse_manifest(
    data: bytes, *, name: str = "<manifest>", price_keys: Iterable[str] | None = None
) -> Manifest:
    """Validate manifest bytes; see :func:`load_manifest`.

    >>> try:
    ...     parse_manifest(b"manifest_version: 2", name="m.yaml")
    ... except ConfigError as err:
    ...     print(err.code, len(err.errors))
    manifest.schema 4
    """
    from townlet.config.manifest_reader import read_manifest

    sha = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"invalid manifest {name}: not UTF-8 text ({exc.reason})",
            file=name,
            key="world.manifest_file",
            code="manifest.schema",
        ) from None
    keys = None if price_keys is None else tuple(price_keys)
    manifest, errors = read_manifest(text, name=name, sha256=sha, price_keys=keys)
    if errors:
        first = errors[0]
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ConfigError(
            f"invalid manifest {name}: {first}{more}",
            file=name,
            key="world.manifest_file",
            code=first.split(":", 1)[0],
            errors=errors,
        )
    assert manifest is not None
    return manifest
