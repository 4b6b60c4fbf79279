"""Export, import and hash of the state tree (contract section 3, Decision D9)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from towns import TINY_MAP, build_world

from townlet.errors import SnapshotError
from townlet.world.canonical import canonical_hash
from townlet.world.rng import Rng


def run(world: Any, ticks: int, seed: int = 7) -> None:
    rng = Rng.for_stream(seed, "test_actions")
    for _ in range(ticks):
        n = len(world.agent_ids())
        ids = np.array([rng.rand_index(5) for _ in range(n)], dtype=np.int32)
        world.step(ids, "primitive")


def test_state_hash_is_the_canonical_hash_of_the_export(provider: str) -> None:
    world = build_world(provider)
    run(world, 3)
    assert world.state_hash() == canonical_hash(world.export_state())


def test_export_has_the_contract_keys(provider: str) -> None:
    tree = build_world(
        provider, TINY_MAP, lifecycle__population_target=1
    ).export_state()
    assert list(tree) == [
        "state_version", "tick", "identity", "rng", "counters", "settings",
        "economy", "exits", "perturbations", "agents", "objects", "slots",
        "tickets",
    ]  # fmt: skip
    assert tree["state_version"] == 5
    prices = {"raw_food": 0.5, "meal": 1.0, "shower_fee": 0.25}
    assert tree["economy"] == {"base_prices": prices, "prices": prices}
    assert tree["agents"][0]["rent_missed_streak"] == 0
    assert tree["counters"] == {"next_uid": 1, "next_ticket": 1}
    assert tree["settings"] == {
        "mortality": True,
        "population_target": 1,
        "spawn_delay_ticks": [5, 20],
        "daily_exit_cap": 2,
    }
    assert tree["exits"] == {"queue": [], "exits_today": 0, "last_exit_tick": None}
    assert tree["agents"][0]["job"] == "clerk"
    assert tree["agents"][0]["shift"]["state"] == "off"
    assert (tree["agents"][0]["absence_days"], tree["agents"][0]["exit_pending"]) == (
        [],
        False,
    )
    empty = {"raw_food": 0, "meal": 0}
    queue: dict[str, Any] = {"holders": [], "waiters": [], "cut_in_until": {}}
    assert tree["objects"] == [
        {"id": "bed_1", "owner": "agent_0", "stock": empty, **queue},
        {"id": "bed_2", "owner": None, "stock": empty, **queue},
    ]
    assert tree["agents"][0]["engagement"] == {
        "kind": "none",
        "object": None,
        "affordance": None,
        "remaining": 0,
        "started_tick": -1,
        "cost_paid": 0.0,
    }
    assert tree["agents"][0]["last_affordance"] is None
    assert len(tree["slots"]) == 64
    assert tree["slots"][:2] == [
        {"holder": 0, "released_tick": None},
        {"holder": None, "released_tick": None},
    ]
    assert all(len(w) == 16 for w in tree["rng"]["world"] + tree["rng"]["events"])
    assert tree["rng"]["events"] == Rng.for_stream(0, "events").state_hex()


def test_import_of_an_export_roundtrips_and_continues_identically(
    provider: str,
) -> None:
    world = build_world(provider)
    run(world, 20)
    tree = json.loads(json.dumps(world.export_state()))
    copy_world = build_world(provider, seed=99)
    copy_world.import_state(tree)
    assert copy_world.state_hash() == world.state_hash()
    assert copy_world.tick == world.tick
    run(world, 30, seed=3)
    run(copy_world, 30, seed=3)
    assert copy_world.state_hash() == world.state_hash()


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(tree: dict[str, Any]) -> None:
        node = tree
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return edit


def _delete(path: list[Any]) -> Callable[[dict[str, Any]], None]:
    def edit(tree: dict[str, Any]) -> None:
        node = tree
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return edit


REFUSALS = [
    ("wrong_kind", _set(["agents", 3, "needs", "hunger"], "x"),
     "agents[3].needs.hunger: expected float, got str"),
    ("int_for_float", _set(["agents", 0, "wallet"], 5),
     "agents[0].wallet: expected float, got int"),
    ("bool_for_int", _set(["tick"], True), "tick: expected int, got bool"),
    ("none_for_list", _set(["tickets"], None), "tickets: expected list, got None"),
    ("missing_key", _delete(["agents", 1, "wallet"]), "agents[1].wallet: missing"),
    ("unexpected_key", _set(["agents", 0, "mood"], "calm"),
     "agents[0].mood: unexpected key"),
    ("version", _set(["state_version"], 1), "state_version: expected 5, got 1"),
    ("stock_kind", _set(["objects", 0, "stock", "meal"], 1.0),
     "objects[0].stock.meal: expected int, got float"),
    ("stock_missing", _delete(["objects", 0, "stock"]), "objects[0].stock: missing"),
    ("short_position", _set(["agents", 2, "position"], [1]),
     "agents[2].position: expected 2 entries, got 1"),
    ("int_beyond_i64", _set(["tickets"], [{"ticket_id": 1, "due_tick": 2**70}]),
     f"tickets[0].due_tick: int {2**70} does not fit i64"),
    ("foreign_type", _set(["agents", 0, "items"], {"raw_food", "meal"}),
     "agents[0].items: expected None, bool, int, float, str, list or dict, got set"),
    ("int_key", _set(["agents", 1, "needs"], {1: 0.5}),
     "agents[1].needs: expected str keys, got 1"),
    ("version_after_conversion", lambda t: t.update(state_version=3, tick=2**64),
     f"tick: int {2**64} does not fit i64"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("edit", "message"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_bad_tree_is_refused_naming_the_first_bad_path(
    provider: str, edit: Callable[[dict[str, Any]], None], message: str
) -> None:
    world = build_world(provider)
    before = world.state_hash()
    tree = copy.deepcopy(world.export_state())
    edit(tree)
    with pytest.raises(SnapshotError, match=f"^{re.escape(message)}$"):
        world.import_state(tree)
    assert world.state_hash() == before


VALUE_REFUSALS = [
    ("map_identity", _set(["identity", "map_sha256"], "00"), "identity.map_sha256: "),
    ("off_map_position", _set(["agents", 0, "position"], [60, 3]),
     "agents[0].position: "),
    ("need_above_one", _set(["agents", 0, "needs", "energy"], 1.5),
     "agents[0].needs.energy: "),
    ("unknown_profile", _set(["agents", 0, "profile"], "grumpy"),
     "agents[0].profile: "),
    ("bad_rng_word", _set(["rng", "world", 0], "xyz"), "rng.world[0]: "),
    ("slot_count", _set(["slots"], []), "slots: "),
]  # fmt: skip


def _object(world: Any, type_name: str) -> int:
    return next(i for i, o in enumerate(world.view().objects) if o["type"] == type_name)


def test_objects_start_with_their_type_stock(provider: str) -> None:
    world = build_world(provider)
    tree = world.export_state()
    stock = {o["id"].rsplit("_", 1)[0]: o["stock"] for o in tree["objects"]}
    assert stock["fridge"] == {"raw_food": 2, "meal": 0}
    assert stock["till"] == {"raw_food": 40, "meal": 0}
    assert stock["counter"] == {"raw_food": 0, "meal": 20}
    assert stock["bed"] == {"raw_food": 0, "meal": 0}
    view = world.view().objects
    assert [o["stock"] for o in view] == [o["stock"] for o in tree["objects"]]


STOCK_REFUSALS = [
    ("above_limit", "counter", {"raw_food": 0, "meal": 31},
     "objects[{k}].stock.meal: must be in [0, 30], got 31"),
    ("negative", "fridge", {"raw_food": -1, "meal": 0},
     "objects[{k}].stock.raw_food: must be in [0, 10], got -1"),
    ("no_limit_means_zero", "bed", {"raw_food": 1, "meal": 0},
     "objects[{k}].stock.raw_food: must be in [0, 0], got 1"),
    ("other_items", "fridge", {"raw_food": 1},
     "objects[{k}].stock: expected the items raw_food, meal"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("type_name", "stock", "message"),
    [r[1:] for r in STOCK_REFUSALS],
    ids=[r[0] for r in STOCK_REFUSALS],
)
def test_bad_stock_is_refused(
    provider: str, type_name: str, stock: dict[str, int], message: str
) -> None:
    world = build_world(provider)
    before = world.state_hash()
    tree = copy.deepcopy(world.export_state())
    k = _object(world, type_name)
    tree["objects"][k]["stock"] = stock
    with pytest.raises(SnapshotError, match=f"^{re.escape(message.format(k=k))}$"):
        world.import_state(tree)
    assert world.state_hash() == before


def test_stock_roundtrips_through_import(provider: str) -> None:
    world = build_world(provider)
    tree = copy.deepcopy(world.export_state())
    k = _object(world, "till")
    tree["objects"][k]["stock"] = {"raw_food": 60, "meal": 0}
    world.import_state(tree)
    assert world.export_state()["objects"][k]["stock"] == {"raw_food": 60, "meal": 0}


@pytest.mark.parametrize(
    ("edit", "prefix"),
    [r[1:] for r in VALUE_REFUSALS],
    ids=[r[0] for r in VALUE_REFUSALS],
)
def test_tree_breaking_a_value_rule_is_refused(
    provider: str, edit: Callable[[dict[str, Any]], None], prefix: str
) -> None:
    world = build_world(provider)
    before = world.state_hash()
    tree = copy.deepcopy(world.export_state())
    edit(tree)
    with pytest.raises(SnapshotError) as info:
        world.import_state(tree)
    assert str(info.value).startswith(prefix)
    assert world.state_hash() == before


def test_identity_mismatch_names_both_maps(provider: str) -> None:
    world = build_world(provider)
    tree = world.export_state()
    loaded = tree["identity"]["map_sha256"]
    tree["identity"]["map_sha256"] = "00"
    with pytest.raises(SnapshotError) as info:
        world.import_state(tree)
    assert str(info.value) == (
        f"identity.map_sha256: snapshot is for map 00, loaded map is {loaded}"
    )
