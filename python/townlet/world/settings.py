"""Typed view of the world settings dict (docs/world-state.md section 1).

Both worlds take exactly the dict that ``townlet.config.world_settings`` builds. The
config layer has checked ranges already; this module still refuses a malformed tree
with ``ConfigError`` (code ``settings.invalid``, key = the dotted path) so that no bad
input reaches the tick. Unknown keys are ignored (later issues add sections). Ordered
mappings arrive as lists of pairs and stay tuples here, in their given order.

>>> from townlet.world.settings import needs_triple
>>> needs_triple({"hunger": 1.0, "hygiene": 0.5, "energy": 0.0}, "needs")
(1.0, 0.5, 0.0)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from townlet.core.types import NEEDS
from townlet.errors import ConfigError
from townlet.world.econ import EconomyRules
from townlet.world.employment import EmploymentRules, JobSpec, default_jobs
from townlet.world.exits import ExitRules
from townlet.world.option_rules import OptionRules, parse_option_rules
from townlet.world.perturbations import PertSettings, PertSpec
from townlet.world.ties import ChatParams, Modifiers, TieSettings

__all__ = [
    "DEFAULT_ROLES",
    "ROLE_NAMES",
    "Affordance",
    "Effects",
    "Item",
    "ObjectType",
    "Profile",
    "QueueSettings",
    "SpawnDefaults",
    "WorldSettings",
    "needs_triple",
    "parse_settings",
]

HOOK_STAGES = ("on_start", "on_complete", "on_fail")
"""The hook stages of an affordance, in settings order (world.md 3.5)."""

MAX_TICK = (1 << 53) - 1
U32_MAX = (1 << 32) - 1
"""Largest tick or delay either world accepts: every tick stays exact in an f64."""

_KINDS = {type(None): "None", bool: "bool", int: "int", float: "float", str: "str"}
_KINDS.update({list: "list", dict: "dict", tuple: "list"})


@dataclass(frozen=True, slots=True)
class Item:
    """A manifest item (world.md 3.1)."""

    name: str
    carry_limit: int


@dataclass(frozen=True, slots=True)
class ObjectType:
    """A manifest object type (world.md 3.2); item maps are (name, count) pairs."""

    name: str
    capacity: int
    ownable: bool
    requires: tuple[str, ...]
    stock: tuple[tuple[str, int], ...]
    stock_limit: tuple[tuple[str, int], ...]
    restock: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Effects:
    """Per-tick or on-complete effects (world.md 3.3); needs in hunger, hygiene, energy.

    ``items`` and ``stock`` are (name, count) pairs, empty for per-tick effects.
    """

    needs: tuple[float, float, float]
    money: float
    items: tuple[tuple[str, int], ...] = ()
    stock: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Affordance:
    """A manifest affordance (world.md 3.3), every field present.

    Exactly one of ``object_type`` and ``item`` is set. ``cost_price`` names a price
    key when the cost is a price, else ``cost`` is the fixed amount.
    """

    id: str
    object_type: str | None
    item: str | None
    duration: int
    preconditions: tuple[str, ...]
    cost: float
    cost_price: str | None
    consume: tuple[tuple[str, int], ...]
    take: tuple[tuple[str, int], ...]
    per_tick: Effects
    on_complete: Effects
    decay_multipliers: tuple[float, float, float]
    allows_chat: bool
    sells: str | None
    tags: tuple[str, ...]
    hooks: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class Profile:
    """A personality profile (world.md 4.3); multipliers in hunger, hygiene, energy."""

    name: str
    extroversion: float
    forgiveness: float
    ambition: float
    decay_multipliers: tuple[float, float, float]


@dataclass(frozen=True, slots=True)
class SpawnDefaults:
    """Starting needs, wallet and items (one count per manifest item) of a cause."""

    needs: tuple[float, float, float]
    wallet: float
    items: tuple[int, ...]


ROLE_NAMES = (
    "sleep", "wash", "cook", "take_meal", "take_raw_food", "store_meal",
    "store_raw_food", "buy_meal", "buy_raw_food", "rest", "eat_meal", "eat_raw_food",
)  # fmt: skip
"""The roles of primitive ids 5..16 in order (learning.md 2.4 rule 5, 2.5)."""
DEFAULT_ROLES: tuple[tuple[str, ...], ...] = (
    ("sleep",),
    ("shower", "public_shower"),
    ("cook_meal",),
    ("take_meal",),
    ("take_raw_food",),
    ("store_meal",),
    ("store_raw_food",),
    ("meal",),
    ("raw_food",),
    ("rest",),
    ("meal",),
    ("raw_food",),
)
"""Default bindings per role: affordance ids, or the item for buy and eat roles."""


@dataclass(frozen=True, slots=True)
class QueueSettings:
    """The ``queues`` section (world.md 7); absent from the tree: the spec defaults."""

    queue_radius: int = 3
    ghost_step_after: int = 5
    age_priority_weight: float = 0.1
    handover_weight: float = 2.0
    cut_in_cooldown_ticks: int = 60


@dataclass(frozen=True, slots=True)
class WorldSettings:
    """Everything a world reads from its settings dict, checked and typed."""

    map_name: str
    map_text: str
    map_sha256: str
    manifest_sha256: str
    items: tuple[Item, ...]
    object_types: tuple[ObjectType, ...]
    affordances: tuple[Affordance, ...]
    prices: tuple[tuple[str, float], ...]
    ticks_per_day: int
    start_minute: int
    decay: tuple[float, float, float]
    apply_personality: bool
    names: tuple[str, ...]
    initial: SpawnDefaults
    profiles: tuple[Profile, ...]
    distribution: tuple[tuple[str, float], ...]
    population_target: int
    faint_threshold: float
    faint_ticks: int
    mortality: bool
    spawn_delay_ticks: tuple[int, int]
    newcomer: SpawnDefaults
    max_slots: int
    cooldown_ticks: int
    action_mode: str
    ties: TieSettings
    queues: QueueSettings = field(default_factory=lambda: QueueSettings())
    economy: EconomyRules = field(default_factory=EconomyRules)
    jobs: tuple[JobSpec, ...] = field(default_factory=default_jobs)
    employment: EmploymentRules = field(default_factory=EmploymentRules)
    exits: ExitRules = field(default_factory=ExitRules)
    observations: Any = None
    perturbations: PertSettings = field(default_factory=PertSettings)
    roles: tuple[tuple[str, ...], ...] = field(default_factory=lambda: DEFAULT_ROLES)
    options: OptionRules = field(default_factory=OptionRules)


def _fail(path: str, what: str) -> ConfigError:
    return ConfigError(
        f"invalid world settings: {path}: {what}", key=path, code="settings.invalid"
    )


def _kind(value: object) -> str:
    return _KINDS.get(type(value), type(value).__name__)


def _get(node: Mapping[str, Any], key: str, path: str) -> Any:
    if key not in node:
        raise _fail(f"{path}.{key}" if path else key, "missing")
    return node[key]


def _dict(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _fail(path, f"expected dict, got {_kind(value)}")
    return value


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise _fail(path, f"expected list, got {_kind(value)}")
    return list(value)


def _str(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise _fail(path, f"expected str, got {_kind(value)}")
    return value


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(path, f"expected bool, got {_kind(value)}")
    return value


def _int(value: Any, path: str, lo: int, hi: int | None = None) -> int:
    if type(value) is not int:
        raise _fail(path, f"expected int, got {_kind(value)}")
    if value < lo or (hi is not None and value > hi):
        bound = f"[{lo}, {hi}]" if hi is not None else f">= {lo}"
        raise _fail(path, f"must be {bound}, got {value}")
    return value


def _float(value: Any, path: str, lo: float, hi: float | None = None) -> float:
    if type(value) is int:
        value = float(value)  # exact for every int a config can hold
    if type(value) is not float:
        raise _fail(path, f"expected float, got {_kind(value)}")
    if not math.isfinite(value):
        raise _fail(path, f"must be finite, got {value}")
    if value < lo or (hi is not None and value > hi):
        bound = f"[{lo}, {hi}]" if hi is not None else f">= {lo}"
        raise _fail(path, f"must be {bound}, got {value}")
    return value


def needs_triple(
    value: Any, path: str, lo: float = 0.0, hi: float | None = 1.0
) -> tuple[float, float, float]:
    """Read a ``{hunger, hygiene, energy}`` mapping as a tuple in :data:`NEEDS` order.

    Raises:
        ConfigError: code ``settings.invalid`` when a need is missing or out of range.
    """
    node = _dict(value, path)
    h, y, e = (_float(_get(node, n, path), f"{path}.{n}", lo, hi) for n in NEEDS)
    return (h, y, e)


def _pairs(
    value: Any, path: str, names: tuple[str, ...]
) -> tuple[tuple[str, int], ...]:
    out: list[tuple[str, int]] = []
    for i, pair in enumerate(_list(value, path)):
        p = f"{path}[{i}]"
        pair = _list(pair, p)
        if len(pair) != 2:
            raise _fail(p, f"expected a [name, count] pair, got {len(pair)} entries")
        name = _str(pair[0], f"{p}[0]")
        if name not in names:
            raise _fail(f"{p}[0]", f"unknown item '{name}'")
        out.append((name, _int(pair[1], f"{p}[1]", 0)))
    return tuple(out)


def _spawn_defaults(value: Any, path: str, items: tuple[Item, ...]) -> SpawnDefaults:
    node = _dict(value, path)
    names = tuple(i.name for i in items)
    pairs = _pairs(_get(node, "items", path), f"{path}.items", names)
    counts = dict(pairs)
    for i, (name, count) in enumerate(pairs):
        limit = items[names.index(name)].carry_limit
        if count > limit:
            raise _fail(f"{path}.items[{i}][1]", f"must be <= {limit}, got {count}")
    return SpawnDefaults(
        needs=needs_triple(_get(node, "needs", path), f"{path}.needs"),
        wallet=_float(_get(node, "wallet", path), f"{path}.wallet", 0.0),
        items=tuple(counts.get(i.name, 0) for i in items),
    )


def _items(value: Any, path: str) -> tuple[Item, ...]:
    out: list[Item] = []
    for i, raw in enumerate(_list(value, path)):
        p = f"{path}[{i}]"
        node = _dict(raw, p)
        name = _str(_get(node, "name", p), f"{p}.name")
        if any(item.name == name for item in out):
            raise _fail(f"{p}.name", f"duplicate item '{name}'")
        limit = _int(_get(node, "carry_limit", p), f"{p}.carry_limit", 0, 99)
        out.append(Item(name, limit))
    return tuple(out)


def _object_types(
    value: Any, path: str, names: tuple[str, ...]
) -> tuple[ObjectType, ...]:
    out: list[ObjectType] = []
    for i, raw in enumerate(_list(value, path)):
        p = f"{path}[{i}]"
        node = _dict(raw, p)
        name = _str(_get(node, "name", p), f"{p}.name")
        if any(t.name == name for t in out):
            raise _fail(f"{p}.name", f"duplicate object type '{name}'")
        requires = _list(_get(node, "requires", p), f"{p}.requires")
        out.append(
            ObjectType(
                name=name,
                capacity=_int(_get(node, "capacity", p), f"{p}.capacity", 0, 16),
                ownable=_bool(_get(node, "ownable", p), f"{p}.ownable"),
                requires=tuple(
                    _str(r, f"{p}.requires[{j}]") for j, r in enumerate(requires)
                ),
                stock=_pairs(_get(node, "stock", p), f"{p}.stock", names),
                stock_limit=_pairs(
                    _get(node, "stock_limit", p), f"{p}.stock_limit", names
                ),
                restock=_pairs(_get(node, "restock", p), f"{p}.restock", names),
            )
        )
    return tuple(out)


def _opt_name(value: Any, path: str, known: tuple[str, ...], what: str) -> str | None:
    if value is None:
        return None
    name = _str(value, path)
    if name not in known:
        raise _fail(path, f"unknown {what} '{name}'")
    return name


def _names(value: Any, path: str) -> tuple[str, ...]:
    return tuple(_str(v, f"{path}[{i}]") for i, v in enumerate(_list(value, path)))


def _effects(value: Any, path: str, items: tuple[str, ...], *, full: bool) -> Effects:
    node = _dict(value, path)
    needs = needs_triple(_get(node, "needs", path), f"{path}.needs", -math.inf, None)
    money = _float(_get(node, "money", path), f"{path}.money", 0.0)
    if not full:
        return Effects(needs, money)
    return Effects(
        needs,
        money,
        _pairs(_get(node, "items", path), f"{path}.items", items),
        _pairs(_get(node, "stock", path), f"{path}.stock", items),
    )


def _cost(value: Any, path: str, prices: tuple[str, ...]) -> tuple[float, str | None]:
    node = _dict(value, path)
    if len(node) != 1 or not ({"amount", "price"} >= set(node)):
        raise _fail(path, "expected {'amount': float} or {'price': key}")
    if "price" in node:
        return 0.0, _opt_name(node["price"], f"{path}.price", prices, "price key")
    return _float(node["amount"], f"{path}.amount", 0.0), None


def _affordances(
    value: Any,
    path: str,
    items: tuple[str, ...],
    types: tuple[str, ...],
    prices: tuple[str, ...],
) -> tuple[Affordance, ...]:
    out: list[Affordance] = []
    for i, raw in enumerate(_list(value, path)):
        p = f"{path}[{i}]"
        node = _dict(raw, p)
        ident = _str(_get(node, "id", p), f"{p}.id")
        if any(a.id == ident for a in out):
            raise _fail(f"{p}.id", f"duplicate affordance '{ident}'")
        object_type = _opt_name(
            _get(node, "object_type", p), f"{p}.object_type", types, "object type"
        )
        item = _opt_name(_get(node, "item", p), f"{p}.item", items, "item")
        if (object_type is None) == (item is None):
            raise _fail(p, "expected exactly one of object_type and item")
        cost, cost_price = _cost(_get(node, "cost", p), f"{p}.cost", prices)
        hooks = _dict(_get(node, "hooks", p), f"{p}.hooks")
        out.append(
            Affordance(
                id=ident,
                object_type=object_type,
                item=item,
                duration=_int(_get(node, "duration", p), f"{p}.duration", 1, 10080),
                preconditions=_names(
                    _get(node, "preconditions", p), f"{p}.preconditions"
                ),
                cost=cost,
                cost_price=cost_price,
                consume=_pairs(_get(node, "consume", p), f"{p}.consume", items),
                take=_pairs(_get(node, "take", p), f"{p}.take", items),
                per_tick=_effects(
                    _get(node, "per_tick", p), f"{p}.per_tick", items, full=False
                ),
                on_complete=_effects(
                    _get(node, "on_complete", p), f"{p}.on_complete", items, full=True
                ),
                decay_multipliers=needs_triple(
                    _get(node, "decay_multipliers", p),
                    f"{p}.decay_multipliers",
                    0.0,
                    4.0,
                ),
                allows_chat=_bool(_get(node, "allows_chat", p), f"{p}.allows_chat"),
                sells=_opt_name(_get(node, "sells", p), f"{p}.sells", items, "item"),
                tags=_names(_get(node, "tags", p), f"{p}.tags"),
                hooks=tuple(
                    (
                        stage,
                        _names(_get(hooks, stage, f"{p}.hooks"), f"{p}.hooks.{stage}"),
                    )
                    for stage in HOOK_STAGES
                ),
            )
        )
    return tuple(out)


def _prices(value: Any, path: str) -> tuple[tuple[str, float], ...]:
    out: list[tuple[str, float]] = []
    for i, pair in enumerate(_list(value, path)):
        p = f"{path}[{i}]"
        pair = _list(pair, p)
        if len(pair) != 2:
            raise _fail(p, f"expected a [key, price] pair, got {len(pair)} entries")
        key = _str(pair[0], f"{p}[0]")
        if any(k == key for k, _ in out):
            raise _fail(f"{p}[0]", f"duplicate price key '{key}'")
        out.append((key, _float(pair[1], f"{p}[1]", 0.0)))
    return tuple(out)


def _profiles(value: Any, path: str) -> tuple[Profile, ...]:
    out: list[Profile] = []
    for i, raw in enumerate(_list(value, path)):
        p = f"{path}[{i}]"
        node = _dict(raw, p)
        name = _str(_get(node, "name", p), f"{p}.name")
        if any(prof.name == name for prof in out):
            raise _fail(f"{p}.name", f"duplicate profile '{name}'")
        traits = [
            _float(_get(node, t, p), f"{p}.{t}", -1.0, 1.0)
            for t in ("extroversion", "forgiveness", "ambition")
        ]
        mult = needs_triple(
            _get(node, "decay_multipliers", p), f"{p}.decay_multipliers", 0.0, None
        )
        out.append(Profile(name, traits[0], traits[1], traits[2], mult))
    return tuple(out)


def _distribution(
    value: Any, path: str, profiles: tuple[Profile, ...]
) -> tuple[tuple[str, float], ...]:
    known = {p.name for p in profiles}
    out: list[tuple[str, float]] = []
    for i, pair in enumerate(_list(value, path)):
        p = f"{path}[{i}]"
        pair = _list(pair, p)
        if len(pair) != 2:
            raise _fail(
                p, f"expected a [profile, weight] pair, got {len(pair)} entries"
            )
        name = _str(pair[0], f"{p}[0]")
        if name not in known:
            raise _fail(f"{p}[0]", f"unknown profile '{name}'")
        out.append((name, _float(pair[1], f"{p}[1]", 0.0)))
    if not any(w > 0.0 for _, w in out):
        raise _fail(path, "needs at least one positive weight")
    return tuple(out)


def parse_settings(settings: Mapping[str, Any]) -> WorldSettings:
    """Check and type a settings dict (docs/world-state.md section 1).

    Args:
        settings: the dict built by ``townlet.config.world_settings``.

    Returns:
        The typed settings.

    Raises:
        ConfigError: code ``settings.invalid`` naming the first bad key path.
    """
    root = _dict(settings, "settings")
    map_ = _dict(_get(root, "map", ""), "map")
    manifest = _dict(_get(root, "manifest", ""), "manifest")
    items = _items(_get(manifest, "items", "manifest"), "manifest.items")
    item_names = tuple(i.name for i in items)
    types = _object_types(
        _get(manifest, "object_types", "manifest"), "manifest.object_types", item_names
    )
    economy = _dict(_get(root, "economy", ""), "economy")
    prices = _prices(_get(economy, "prices", "economy"), "economy.prices")
    affordances = _affordances(
        _get(manifest, "affordances", "manifest"),
        "manifest.affordances",
        item_names,
        tuple(t.name for t in types),
        tuple(k for k, _ in prices),
    )
    time = _dict(_get(root, "time", ""), "time")
    tpd = _int(_get(time, "ticks_per_day", "time"), "time.ticks_per_day", 1)
    needs = _dict(_get(root, "needs", ""), "needs")
    agents = _dict(_get(root, "agents", ""), "agents")
    raw_names = _list(_get(agents, "names", "agents"), "agents.names")
    if not raw_names:
        raise _fail("agents.names", "must not be empty")
    pers = _dict(_get(root, "personalities", ""), "personalities")
    profiles = _profiles(
        _get(pers, "profiles", "personalities"), "personalities.profiles"
    )
    life = _dict(_get(root, "lifecycle", ""), "lifecycle")
    delay = _list(
        _get(life, "spawn_delay_ticks", "lifecycle"), "lifecycle.spawn_delay_ticks"
    )
    if len(delay) != 2:
        raise _fail("lifecycle.spawn_delay_ticks", "expected [min, max]")
    dmin = _int(delay[0], "lifecycle.spawn_delay_ticks[0]", 0, MAX_TICK)
    dmax = _int(delay[1], "lifecycle.spawn_delay_ticks[1]", dmin, MAX_TICK)
    target = _int(
        _get(life, "population_target", "lifecycle"), "lifecycle.population_target", 0
    )
    emb = _dict(_get(root, "embedding", ""), "embedding")
    max_slots = _int(
        _get(emb, "max_slots", "embedding"), "embedding.max_slots", max(target, 1)
    )
    actions = _dict(_get(root, "actions", ""), "actions")
    mode = _str(_get(actions, "mode", "actions"), "actions.mode")
    if mode not in ("option", "primitive"):
        raise _fail("actions.mode", f"expected 'option' or 'primitive', got '{mode}'")
    return WorldSettings(
        map_name=_str(_get(map_, "name", "map"), "map.name"),
        map_text=_str(_get(map_, "text", "map"), "map.text"),
        map_sha256=_str(_get(map_, "sha256", "map"), "map.sha256"),
        manifest_sha256=_str(_get(manifest, "sha256", "manifest"), "manifest.sha256"),
        items=items,
        object_types=types,
        affordances=affordances,
        prices=prices,
        ticks_per_day=tpd,
        start_minute=_int(
            _get(time, "start_minute", "time"), "time.start_minute", 0, tpd - 1
        ),
        decay=needs_triple(_get(needs, "decay", "needs"), "needs.decay", 0.0, None),
        apply_personality=_bool(
            _get(needs, "apply_personality", "needs"), "needs.apply_personality"
        ),
        names=tuple(_str(n, f"agents.names[{i}]") for i, n in enumerate(raw_names)),
        initial=_spawn_defaults(agents, "agents", items),
        profiles=profiles,
        distribution=_distribution(
            _get(pers, "distribution", "personalities"),
            "personalities.distribution",
            profiles,
        ),
        population_target=target,
        faint_threshold=_float(
            _get(life, "faint_threshold", "lifecycle"),
            "lifecycle.faint_threshold",
            0.0,
            1.0,
        ),
        faint_ticks=_int(
            _get(life, "faint_ticks", "lifecycle"), "lifecycle.faint_ticks", 0
        ),
        mortality=_bool(_get(life, "mortality", "lifecycle"), "lifecycle.mortality"),
        spawn_delay_ticks=(dmin, dmax),
        newcomer=_spawn_defaults(
            _get(life, "newcomer", "lifecycle"), "lifecycle.newcomer", items
        ),
        max_slots=max_slots,
        cooldown_ticks=_int(
            _get(emb, "cooldown_ticks", "embedding"), "embedding.cooldown_ticks", 0
        ),
        action_mode=mode,
        ties=(
            _ties(root["relationships"], "relationships")
            if "relationships" in root
            else TieSettings()
        ),
        queues=(
            _queues(root["queues"], "queues") if "queues" in root else QueueSettings()
        ),
        economy=_economy_rules(economy, tpd),
        **_employment(root, tpd),
        observations=root.get("observations"),
        roles=_roles(root["roles"], "roles") if "roles" in root else DEFAULT_ROLES,
        options=parse_option_rules(root, _int, _float, _fail),
    )


def _roles(value: Any, path: str) -> tuple[tuple[str, ...], ...]:
    """The ``roles`` section: ``[[role, [name, ...]], ...]`` for the 12 roles in order.

    Names that the manifest lacks leave the role unbound there (never an error).
    """
    rows = _list(value, path)
    if len(rows) != len(ROLE_NAMES):
        raise _fail(path, f"expected the {len(ROLE_NAMES)} roles in primitive order")
    out = []
    for k, (row, role) in enumerate(zip(rows, ROLE_NAMES, strict=True)):
        at = f"{path}[{k}]"
        pair = _list(row, at)
        if len(pair) != 2 or pair[0] != role:
            raise _fail(at, f"expected ['{role}', [names]]")
        out.append(
            tuple(_str(n, f"{at}[1][{j}]") for j, n in enumerate(_list(pair[1], at)))
        )
    return tuple(out)


def _queues(value: Any, path: str) -> QueueSettings:
    """The ``queues`` section as :class:`QueueSettings`."""
    q = _dict(value, path)
    return QueueSettings(
        queue_radius=_int(
            _get(q, "queue_radius", path), f"{path}.queue_radius", 0, 256
        ),
        ghost_step_after=_int(
            _get(q, "ghost_step_after", path), f"{path}.ghost_step_after", 0, MAX_TICK
        ),
        age_priority_weight=_float(
            _get(q, "age_priority_weight", path), f"{path}.age_priority_weight", 0.0
        ),
        handover_weight=_float(
            _get(q, "handover_weight", path), f"{path}.handover_weight", 0.0
        ),
        cut_in_cooldown_ticks=_int(
            _get(q, "cut_in_cooldown_ticks", path),
            f"{path}.cut_in_cooldown_ticks",
            0,
            MAX_TICK,
        ),
    )


def _economy_rules(economy: Mapping[str, Any], tpd: int) -> EconomyRules:
    """Rent and restock keys of ``economy`` (world.md 8.1); defaults when absent."""
    d = EconomyRules()

    def minute(key: str, default: int) -> int:
        if key not in economy:
            return default
        return _int(economy[key], f"economy.{key}", 0, tpd - 1)

    rent = d.rent_per_day
    if "rent_per_day" in economy:
        rent = _float(economy["rent_per_day"], "economy.rent_per_day", 0.0, None)
    groups: list[tuple[str, tuple[str, ...]]] = []
    for i, pair in enumerate(
        _list(economy.get("price_groups", []), "economy.price_groups")
    ):
        p = f"economy.price_groups[{i}]"
        item = _list(pair, p)
        if len(item) != 2:
            raise _fail(p, "expected [group, [price keys]]")
        keys = _list(item[1], f"{p}[1]")
        groups.append(
            (
                _str(item[0], f"{p}[0]"),
                tuple(_str(k, f"{p}[1][{j}]") for j, k in enumerate(keys)),
            )
        )
    return EconomyRules(
        price_groups=tuple(groups),
        rent_per_day=rent,
        rent_minute=minute("rent_minute", d.rent_minute),
        restock_minute=minute("restock_minute", d.restock_minute),
    )


def _ties(value: Any, path: str) -> TieSettings:
    """The ``relationships`` section as :class:`TieSettings`."""
    rel = _dict(value, path)
    decay = _list(_get(rel, "decay_per_hour", path), f"{path}.decay_per_hour")
    if len(decay) != 3:
        raise _fail(f"{path}.decay_per_hour", "expected [trust, familiarity, rivalry]")
    mods = _dict(_get(rel, "modifiers", path), f"{path}.modifiers")
    chat = _dict(_get(rel, "chat", path), f"{path}.chat")
    m, c = f"{path}.modifiers", f"{path}.chat"

    def num(node: Mapping[str, Any], key: str, at: str, lo: float) -> float:
        return _float(_get(node, key, at), f"{at}.{key}", lo, None)

    p_min = _float(_get(chat, "p_min", c), f"{c}.p_min", 0.0, 1.0)
    return TieSettings(
        max_ties=_int(_get(rel, "max_ties", path), f"{path}.max_ties", 0, 64),
        admission_threshold=num(rel, "admission_threshold", path, 0.0),
        decay_per_hour=(
            _float(decay[0], f"{path}.decay_per_hour[0]", 0.0, 1.0),
            _float(decay[1], f"{path}.decay_per_hour[1]", 0.0, 1.0),
            _float(decay[2], f"{path}.decay_per_hour[2]", 0.0, 1.0),
        ),
        drop_below=num(rel, "drop_below", path, 0.0),
        modifiers=Modifiers(
            enabled=_bool(_get(mods, "enabled", m), f"{m}.enabled"),
            c_forgive=_float(_get(mods, "c_forgive", m), f"{m}.c_forgive", 0.0, 1.0),
            c_ambition=_float(_get(mods, "c_ambition", m), f"{m}.c_ambition", 0.0, 1.0),
            c_ext_fam=_float(_get(mods, "c_ext_fam", m), f"{m}.c_ext_fam", 0.0, 1.0),
        ),
        avoid_threshold=_float(
            _get(rel, "avoid_threshold", path), f"{path}.avoid_threshold", 0.0, 1.0
        ),
        chat=ChatParams(
            base_p=_float(_get(chat, "base_p", c), f"{c}.base_p", 0.0, 1.0),
            trust_coeff=num(chat, "trust_coeff", c, 0.0),
            fam_coeff=num(chat, "fam_coeff", c, 0.0),
            ext_coeff=num(chat, "ext_coeff", c, 0.0),
            p_min=p_min,
            p_max=_float(_get(chat, "p_max", c), f"{c}.p_max", p_min, 1.0),
            cooldown_ticks=_int(
                _get(chat, "cooldown_ticks", c), f"{c}.cooldown_ticks", 0, MAX_TICK
            ),
            max_distance=_int(
                _get(chat, "max_distance", c), f"{c}.max_distance", 0, U32_MAX
            ),
        ),
    )


def _employment(root: Mapping[str, Any], tpd: int) -> dict[str, Any]:
    """``jobs``, ``employment`` and ``exits`` (world.md 9.1); defaults when absent."""
    out: dict[str, Any] = {}
    if "jobs" in root:
        jobs: list[JobSpec] = []
        for i, value in enumerate(_list(root["jobs"], "jobs")):
            p = f"jobs[{i}]"
            node = _dict(value, p)
            job_id = _str(_get(node, "id", p), f"{p}.id")
            if any(j.id == job_id for j in jobs):
                raise _fail(f"{p}.id", f"duplicate job '{job_id}'")
            start = _int(_get(node, "shift_start", p), f"{p}.shift_start", 0, tpd - 1)
            jobs.append(
                JobSpec(
                    id=job_id,
                    site=_str(_get(node, "site", p), f"{p}.site"),
                    positions=_int(
                        _get(node, "positions", p), f"{p}.positions", 0, U32_MAX
                    ),
                    shift_start=start,
                    shift_length=_int(
                        _get(node, "shift_length", p),
                        f"{p}.shift_length",
                        60,
                        max(tpd - 1 - start, 60),
                    ),
                    wage_per_tick=_float(
                        _get(node, "wage_per_tick", p), f"{p}.wage_per_tick", 0.0
                    ),
                )
            )
        out["jobs"] = tuple(jobs)
    if "employment" in root:
        e = _dict(root["employment"], "employment")
        out["employment"] = EmploymentRules(
            grace_ticks=_int(
                _get(e, "grace_ticks", "employment"), "employment.grace_ticks", 0
            ),
            absent_after_ticks=_int(
                _get(e, "absent_after_ticks", "employment"),
                "employment.absent_after_ticks",
                1,
            ),
            lateness_fine=_float(
                _get(e, "lateness_fine", "employment"), "employment.lateness_fine", 0.0
            ),
        )
    absent_after = out.get("employment", EmploymentRules()).absent_after_ticks
    for i, job in enumerate(out.get("jobs", default_jobs())):
        if absent_after >= job.shift_length:
            raise _fail(
                "employment.absent_after_ticks",
                f"must be below jobs[{i}].shift_length ({job.shift_length})",
            )
    if "exits" in root:
        x = _dict(root["exits"], "exits")

        def num(key: str, lo: int) -> int:
            return _int(_get(x, key, "exits"), f"exits.{key}", lo, U32_MAX)

        out["exits"] = ExitRules(
            absence_window_days=num("absence_window_days", 1),
            max_absences=num("max_absences", 1),
            rent_missed_limit=num("rent_missed_limit", 1),
            daily_exit_cap=num("daily_exit_cap", 0),
            exit_cooldown_ticks=_int(
                _get(x, "exit_cooldown_ticks", "exits"),
                "exits.exit_cooldown_ticks",
                0,
                MAX_TICK,
            ),
        )
    if "perturbations" in root:
        out["perturbations"] = _perturbations(root["perturbations"], tpd)
    return out


_PERT_KINDS = ("price_spike", "blackout", "water_outage", "arranged_meet")


def _pair(value: Any, path: str, number: Any) -> Any:
    items = _list(value, path)
    if len(items) != 2:
        raise _fail(path, "expected [min, max]")
    return (number(items[0], f"{path}[0]"), number(items[1], f"{path}[1]"))


def _perturbations(value: Any, tpd: int) -> PertSettings:
    """The ``perturbations`` section (world.md 12.1)."""
    path = "perturbations"
    node = _dict(value, path)

    def num(key: str, lo: int) -> int:
        return _int(_get(node, key, path), f"{path}.{key}", lo, U32_MAX)

    specs = []
    for i, item in enumerate(_list(_get(node, "specs", path), f"{path}.specs")):
        p = f"{path}.specs[{i}]"
        spec = _dict(item, p)
        kind = _str(_get(spec, "kind", p), f"{p}.kind")
        if kind not in _PERT_KINDS:
            raise _fail(f"{p}.kind", f"unknown kind '{kind}'")

        def opt(key: str, parse: Any, at: str = p, node: Any = spec) -> Any:
            raw = node.get(key)
            return None if raw is None else parse(raw, f"{at}.{key}")

        def ticks(v: Any, at: str) -> int:
            return _int(v, at, 0, MAX_TICK)

        def factor(v: Any, at: str) -> float:
            return _float(v, at, 0.0, None)

        targets = opt(
            "targets",
            lambda v, at: tuple(
                _str(t, f"{at}[{j}]") for j, t in enumerate(_list(v, at))
            ),
        )
        specs.append(
            PertSpec(
                name=_str(_get(spec, "name", p), f"{p}.name"),
                kind=kind,
                prob_per_day=_float(
                    _get(spec, "prob_per_day", p), f"{p}.prob_per_day", 0.0, 24.0
                ),
                duration=_pair(_get(spec, "duration", p), f"{p}.duration", ticks),
                cooldown_ticks=_int(
                    _get(spec, "cooldown_ticks", p), f"{p}.cooldown_ticks", 0, MAX_TICK
                ),
                active_hours=opt("active_hours", lambda v, at: _pair(v, at, ticks)),
                magnitude=opt("magnitude", lambda v, at: _pair(v, at, factor)),
                targets=targets,
                location=opt("location", _str),
                pairing=opt("pairing", _str),
            )
        )
    return PertSettings(
        enabled=_bool(_get(node, "enabled", path), f"{path}.enabled"),
        max_concurrent=num("max_concurrent", 1),
        global_cooldown_ticks=_int(
            _get(node, "global_cooldown_ticks", path),
            f"{path}.global_cooldown_ticks",
            0,
            MAX_TICK,
        ),
        per_agent_cooldown_ticks=_int(
            _get(node, "per_agent_cooldown_ticks", path),
            f"{path}.per_agent_cooldown_ticks",
            0,
            MAX_TICK,
        ),
        window_ticks=_int(
            _get(node, "window_ticks", path), f"{path}.window_ticks", 0, MAX_TICK
        ),
        max_events_per_window=num("max_events_per_window", 0),
        specs=tuple(specs),
    )
