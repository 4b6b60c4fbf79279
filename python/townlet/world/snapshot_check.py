"""Check a state tree before ``import_state`` replaces anything (world-state.md D9).

First a pass over the whole tree in its own order that refuses what the canonical
encoding cannot hold (other types, non-string keys, ints outside i64), the same pass
the native binding makes while converting the tree. Then three passes, each in the key
order of the state tree (then extra keys, sorted): the version, then the kind and shape
of every field, then the value rules (identity, ranges, references between agents,
objects and slots). The first problem raises
``SnapshotError("<path>: <what>")``; nothing has been changed at that point.

>>> kind_name(True), kind_name(None), kind_name(1.0)
('bool', 'None', 'float')
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from townlet.errors import SnapshotError
from townlet.world.affordance_state import (
    ENGAGEMENT_SHAPE,
    LAST_AFFORDANCE_SHAPE,
    QUEUE_SHAPE,
    check_agent_engagement,
    check_queues,
)
from townlet.world.agents import ORIGINS
from townlet.world.econ import check_economy
from townlet.world.employment import check_employment
from townlet.world.events import REASONS
from townlet.world.exits import check_exits
from townlet.world.option_state import check_option
from townlet.world.perturbations_tree import check_perturbations

if TYPE_CHECKING:
    from townlet.world.state import WorldState

__all__ = ["check_state_tree", "kind_name"]

_HEX16 = re.compile(r"[0-9a-f]{16}")
_UID = re.compile(r"0|[1-9][0-9]{0,9}")
_KINDS = {type(None): "None", bool: "bool", int: "int", float: "float", str: "str"}
_KINDS.update({list: "list", tuple: "list", dict: "dict"})
_ACTION_KINDS = ("wait", "move", "interact", "release", "chat", "buy", "use_item")
MAX_TICK = (1 << 53) - 1  # every tick stays exact in an f64 (and in the Rust core)
U32_MAX = (1 << 32) - 1

# Schema: a kind name, ("opt", s), ("list", s), ("tuple", n, s), ("items", s) (a dict
# with free keys) or a dict of key -> schema (fixed keys, in tree order).
_NEEDS = {"hunger": "float", "hygiene": "float", "energy": "float"}
_AGENT: dict[str, Any] = {
    "uid": "int",
    "id": "str",
    "name": "str",
    "slot": "int",
    "origin": "str",
    "spawned_tick": "int",
    "alive": "bool",
    "terminated_tick": "int",
    "position": ("tuple", 2, "int"),
    "home": ("opt", "str"),
    "bed": ("opt", "int"),
    "needs": _NEEDS,
    "hunger_low_ticks": "int",
    "wallet": "float",
    "items": ("items", "int"),
    "profile": "str",
    "extroversion": "float",
    "forgiveness": "float",
    "ambition": "float",
    "last_action": {"kind": "str", "ok": "bool", "reason": "int"},
    "ctx_reset": "bool",
    "ties": (
        "list",
        {
            "other": "int",
            "trust": "float",
            "familiarity": "float",
            "rivalry": "float",
            "created_tick": "int",
            "updated_tick": "int",
        },
    ),
    "chat_cooldowns": ("items", "int"),
    "last_chat_tick": "int",
    "engagement": ENGAGEMENT_SHAPE,
    "last_affordance": LAST_AFFORDANCE_SHAPE,
    "rent_missed_streak": "int",
    "job": ("opt", "str"),
    "shift": {
        "state": "str",
        "day": "int",
        "arrived_minute": "int",
        "present_ticks": "int",
        "paid": "float",
        "withheld": "float",
        "fine_outstanding": "float",
    },
    "absence_days": ("list", "int"),
    "exit_pending": "bool",
    "option": {
        "active": "int",
        "start": "int",
        "lock_end": "int",
        "target": "int",
        "step": "int",
        "wait": "int",
        "packed": "bool",
        "last": "str",
    },
    "possessed": "bool",
}
_PERT: dict[str, Any] = {
    "event_id": "str",
    "spec": "str",
    "start": "int",
    "ends_at": "int",
    "magnitude": "float",
    "targets": ("list", "str"),
    "location": ("opt", "str"),
    "participants": ("list", "int"),
}
_STATE: dict[str, Any] = {
    "state_version": "int",
    "tick": "int",
    "identity": {"map_sha256": "str", "manifest_sha256": "str"},
    "rng": {"world": ("tuple", 4, "str"), "events": ("tuple", 4, "str")},
    "counters": {"next_uid": "int", "next_ticket": "int"},
    "settings": {
        "mortality": "bool",
        "population_target": "int",
        "spawn_delay_ticks": ("tuple", 2, "int"),
        "daily_exit_cap": "int",
    },
    "economy": {"base_prices": ("items", "float"), "prices": ("items", "float")},
    "exits": {
        "queue": ("list", {"uid": "int", "reason": "str", "enqueued_tick": "int"}),
        "exits_today": "int",
        "last_exit_tick": ("opt", "int"),
    },
    "perturbations": {
        "next_event": "int",
        "global_next": "int",
        "specs": (
            "list",
            {"name": "str", "next_allowed": "int", "window": ("list", "int")},
        ),
        "agent_cooldowns": ("items", "int"),
        "active": ("list", _PERT),
        "pending": ("list", _PERT),
    },
    "agents": ("list", _AGENT),
    "objects": (
        "list",
        {
            "id": "str",
            "owner": ("opt", "str"),
            "stock": ("items", "int"),
            **QUEUE_SHAPE,
        },
    ),
    "slots": ("list", {"holder": ("opt", "int"), "released_tick": ("opt", "int")}),
    "tickets": ("list", {"ticket_id": "int", "due_tick": "int", "deferred": "bool"}),
}


def kind_name(value: object) -> str:
    """The kind of ``value`` in messages: ``None bool int float str list dict``."""
    return _KINDS.get(type(value), type(value).__name__)


def _fail(path: str, what: str) -> SnapshotError:
    return SnapshotError(f"{path}: {what}")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _check_convertible(value: Any, path: str) -> None:
    kind = type(value)
    if kind is int:
        if not -(1 << 63) <= value < (1 << 63):
            raise _fail(path or "state", f"int {value!r} does not fit i64")
    elif kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                raise _fail(path or "state", f"expected str keys, got {key!r}")
            _check_convertible(item, _join(path, key))
    elif kind is list or kind is tuple:
        for i, item in enumerate(value):
            _check_convertible(item, f"{path}[{i}]")
    elif value is not None and kind not in (bool, float, str):
        raise _fail(
            path or "state",
            f"expected None, bool, int, float, str, list or dict, got {kind.__name__}",
        )


def _check_shape(value: Any, schema: Any, path: str) -> None:
    if isinstance(schema, str):
        if kind_name(value) != schema:
            raise _fail(path, f"expected {schema}, got {kind_name(value)}")
        if schema == "float" and not math.isfinite(value):
            raise _fail(path, f"expected a finite float, got {value}")
    elif isinstance(schema, dict):
        if kind_name(value) != "dict":
            raise _fail(path, f"expected dict, got {kind_name(value)}")
        for key, sub in schema.items():
            if key not in value:
                raise _fail(_join(path, key), "missing")
            _check_shape(value[key], sub, _join(path, key))
        for key in sorted(k for k in value if k not in schema):
            raise _fail(_join(path, str(key)), "unexpected key")
    elif schema[0] == "opt":
        if value is not None:
            _check_shape(value, schema[1], path)
    elif schema[0] == "items":
        if kind_name(value) != "dict":
            raise _fail(path, f"expected dict, got {kind_name(value)}")
        for key in value:
            if kind_name(key) != "str":
                raise _fail(path, f"expected str keys, got {kind_name(key)}")
            _check_shape(value[key], schema[1], _join(path, key))
    else:
        if kind_name(value) != "list":
            raise _fail(path, f"expected list, got {kind_name(value)}")
        if schema[0] == "tuple" and len(value) != schema[1]:
            raise _fail(path, f"expected {schema[1]} entries, got {len(value)}")
        sub = schema[-1]
        for i, item in enumerate(value):
            _check_shape(item, sub, f"{path}[{i}]")


def _in_range(value: float, lo: float, hi: float | None, path: str) -> None:
    if value < lo or (hi is not None and value > hi):
        bound = f"[{lo}, {hi}]" if hi is not None else f">= {lo}"
        raise _fail(path, f"must be in {bound}, got {value}")


def _check_header(state: WorldState, tree: Mapping[str, Any]) -> None:
    s = state.settings
    identity = tree["identity"]
    if identity["map_sha256"] != s.map_sha256:
        got, want = identity["map_sha256"], s.map_sha256
        raise _fail(
            "identity.map_sha256", f"snapshot is for map {got}, loaded map is {want}"
        )
    if identity["manifest_sha256"] != s.manifest_sha256:
        got, want = identity["manifest_sha256"], s.manifest_sha256
        raise _fail(
            "identity.manifest_sha256",
            f"snapshot is for manifest {got}, loaded manifest is {want}",
        )
    for stream in ("world", "events"):
        words = tree["rng"][stream]
        for i, word in enumerate(words):
            if not _HEX16.fullmatch(word):
                raise _fail(
                    f"rng.{stream}[{i}]",
                    f"expected 16 lowercase hex digits, got '{word}'",
                )
        if all(int(w, 16) == 0 for w in words):
            raise _fail(f"rng.{stream}", "an all-zero xoshiro256** state is invalid")
    _in_range(tree["tick"], 0, MAX_TICK, "tick")
    _in_range(tree["counters"]["next_uid"], 0, U32_MAX, "counters.next_uid")
    _in_range(tree["counters"]["next_ticket"], 1, MAX_TICK, "counters.next_ticket")
    settings = tree["settings"]
    _in_range(
        settings["population_target"], 0, s.max_slots, "settings.population_target"
    )
    dmin, dmax = settings["spawn_delay_ticks"]
    _in_range(dmin, 0, MAX_TICK, "settings.spawn_delay_ticks[0]")
    _in_range(dmax, dmin, MAX_TICK, "settings.spawn_delay_ticks[1]")


def _check_agent(
    state: WorldState, tree: Mapping[str, Any], i: int, prev_uid: int
) -> None:
    s, grid = state.settings, state.grid
    a = tree["agents"][i]
    p = f"agents[{i}]"
    if not prev_uid < a["uid"] < tree["counters"]["next_uid"]:
        raise _fail(
            f"{p}.uid",
            f"expected ascending uids below counters.next_uid, got {a['uid']}",
        )
    if a["id"] != f"agent_{a['uid']}":
        raise _fail(f"{p}.id", f"expected 'agent_{a['uid']}', got '{a['id']}'")
    _in_range(a["slot"], 0, s.max_slots - 1, f"{p}.slot")
    if a["origin"] not in ORIGINS:
        raise _fail(
            f"{p}.origin", f"expected one of {', '.join(ORIGINS)}, got '{a['origin']}'"
        )
    _in_range(a["spawned_tick"], 0, tree["tick"], f"{p}.spawned_tick")
    expected_end = -1 if a["alive"] else tree["tick"]
    if a["terminated_tick"] != expected_end:
        raise _fail(
            f"{p}.terminated_tick",
            f"expected {expected_end}, got {a['terminated_tick']}",
        )
    x, y = a["position"]
    if not grid.is_walkable(x, y):
        raise _fail(f"{p}.position", f"({x}, {y}) is not a walkable tile of the map")
    if a["home"] is not None and all(z.name != a["home"] for z in grid.zones):
        raise _fail(f"{p}.home", f"unknown zone '{a['home']}'")
    if a["bed"] is not None and a["bed"] not in state.ownable:
        raise _fail(f"{p}.bed", f"{a['bed']} is not the index of an ownable object")
    for need in ("hunger", "hygiene", "energy"):
        _in_range(a["needs"][need], 0.0, 1.0, f"{p}.needs.{need}")
    _in_range(a["hunger_low_ticks"], 0, U32_MAX, f"{p}.hunger_low_ticks")
    _in_range(a["wallet"], 0.0, None, f"{p}.wallet")
    _same_items(state, a["items"], f"{p}.items")
    for item in s.items:
        _in_range(a["items"][item.name], 0, item.carry_limit, f"{p}.items.{item.name}")
    if a["profile"] not in state.profiles:
        raise _fail(f"{p}.profile", f"unknown profile '{a['profile']}'")
    for trait in ("extroversion", "forgiveness", "ambition"):
        _in_range(a[trait], -1.0, 1.0, f"{p}.{trait}")
    last = a["last_action"]
    if last["kind"] not in _ACTION_KINDS:
        raise _fail(f"{p}.last_action.kind", f"unknown action kind '{last['kind']}'")
    _in_range(last["reason"], 0, len(REASONS) - 1, f"{p}.last_action.reason")
    _check_ties(state, tree, a, p)


def _check_ties(
    state: WorldState, tree: Mapping[str, Any], a: Mapping[str, Any], p: str
) -> None:
    uids = {b["uid"] for b in tree["agents"]}
    k = state.ties.max_ties
    if len(a["ties"]) > k:
        raise _fail(f"{p}.ties", f"expected at most {k} ties, got {len(a['ties'])}")
    prev = -1
    for j, t in enumerate(a["ties"]):
        q = f"{p}.ties[{j}]"
        other = t["other"]
        if other == a["uid"] or other not in uids or other <= prev:
            raise _fail(
                f"{q}.other",
                f"expected ascending uids of other agents, got {other}",
            )
        prev = other
        _in_range(t["trust"], -1.0, 1.0, f"{q}.trust")
        _in_range(t["familiarity"], -1.0, 1.0, f"{q}.familiarity")
        _in_range(t["rivalry"], 0.0, 1.0, f"{q}.rivalry")
        _in_range(t["created_tick"], 0, tree["tick"], f"{q}.created_tick")
        _in_range(
            t["updated_tick"], t["created_tick"], tree["tick"], f"{q}.updated_tick"
        )
    for key in sorted(a["chat_cooldowns"]):
        if not (_UID.fullmatch(key) and int(key) in uids):
            raise _fail(f"{p}.chat_cooldowns", f"'{key}' is not the uid of an agent")
        _in_range(a["chat_cooldowns"][key], 0, MAX_TICK, f"{p}.chat_cooldowns.{key}")
    _in_range(a["last_chat_tick"], -1, tree["tick"], f"{p}.last_chat_tick")
    check_agent_engagement(state, tree, a, p)


def _same_items(state: WorldState, items: Mapping[str, Any], path: str) -> None:
    names = [item.name for item in state.settings.items]
    if sorted(items) != sorted(names):
        raise _fail(path, f"expected the items {', '.join(names)}")


def _check_stock(state: WorldState, obj: Mapping[str, Any], k: int) -> None:
    path = f"objects[{k}].stock"
    _same_items(state, obj["stock"], path)
    spec = state.settings.object_types[state.grid.objects[k].type_index]
    limits = dict(spec.stock_limit)
    for item in state.settings.items:
        limit = limits.get(item.name, 0)
        _in_range(obj["stock"][item.name], 0, limit, f"{path}.{item.name}")


def _check_references(state: WorldState, tree: Mapping[str, Any]) -> None:
    alive = {a["id"]: a for a in tree["agents"] if a["alive"]}
    objects = tree["objects"]
    if len(objects) != len(state.grid.objects):
        raise _fail(
            "objects", f"expected {len(state.grid.objects)} entries, got {len(objects)}"
        )
    for k, (obj, placed) in enumerate(zip(objects, state.grid.objects, strict=True)):
        if obj["id"] != placed.id:
            raise _fail(
                f"objects[{k}].id", f"expected '{placed.id}', got '{obj['id']}'"
            )
        owner = obj["owner"]
        if owner is not None and (owner not in alive or alive[owner]["bed"] != k):
            raise _fail(
                f"objects[{k}].owner", f"'{owner}' is not an alive agent with bed {k}"
            )
        _check_stock(state, obj, k)
    check_queues(state, tree)
    slots = tree["slots"]
    if len(slots) != state.settings.max_slots:
        raise _fail(
            "slots", f"expected {state.settings.max_slots} entries, got {len(slots)}"
        )
    by_uid = {a["uid"]: a for a in alive.values()}
    for k, slot in enumerate(slots):
        holder = slot["holder"]
        if holder is not None and (holder not in by_uid or by_uid[holder]["slot"] != k):
            raise _fail(
                f"slots[{k}].holder", f"{holder} is not an alive agent in slot {k}"
            )
        released = slot["released_tick"]
        if released is not None:
            _in_range(released, 0, tree["tick"], f"slots[{k}].released_tick")
    for i, a in enumerate(tree["agents"]):
        if not a["alive"]:
            continue
        if slots[a["slot"]]["holder"] != a["uid"]:
            raise _fail(
                f"agents[{i}].slot", f"slot {a['slot']} is not held by {a['id']}"
            )
        if a["bed"] is not None and objects[a["bed"]]["owner"] != a["id"]:
            raise _fail(
                f"agents[{i}].bed", f"object {a['bed']} is not owned by {a['id']}"
            )
    prev = 0
    for k, ticket in enumerate(tree["tickets"]):
        tid = ticket["ticket_id"]
        if not prev < tid < tree["counters"]["next_ticket"]:
            raise _fail(
                f"tickets[{k}].ticket_id",
                f"expected ascending ids below counters.next_ticket, got {tid}",
            )
        prev = tid


def check_state_tree(state: WorldState, tree: Any) -> None:
    """Raise ``SnapshotError`` for the first problem of ``tree``; return if it is sound.

    Args:
        state: the world the tree would be loaded into (settings, map, manifest).
        tree: the candidate state tree.
    """
    _check_convertible(tree, "")
    if kind_name(tree) != "dict":
        raise _fail("state", f"expected dict, got {kind_name(tree)}")
    if "state_version" not in tree:
        raise _fail("state_version", "missing")
    _check_shape(tree["state_version"], "int", "state_version")
    from townlet.world.state import STATE_VERSION

    if tree["state_version"] != STATE_VERSION:
        raise _fail(
            "state_version",
            f"expected {STATE_VERSION}, got {tree['state_version']}",
        )
    _check_shape(tree, _STATE, "")
    _check_header(state, tree)
    check_economy(state, tree)
    check_exits(tree)
    check_perturbations(state, tree)
    check_employment(state, tree)
    prev_uid = -1
    for i, agent in enumerate(tree["agents"]):
        _check_agent(state, tree, i, prev_uid)
        problem = check_option(agent["option"])
        if problem is not None:
            raise _fail(f"agents[{i}].option.{problem[0]}", problem[1])
        prev_uid = agent["uid"]
    _check_references(state, tree)
