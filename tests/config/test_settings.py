"""world_settings: the exact dict of docs/world-state.md section 1."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from townlet.config import load_config, world_settings


def test_top_level_keys_are_exactly_the_contract() -> None:
    settings = world_settings(load_config())
    assert list(settings) == [
        "map",
        "manifest",
        "economy",
        "time",
        "needs",
        "agents",
        "personalities",
        "lifecycle",
        "embedding",
        "actions",
        "controllers",
        "relationships",
        "jobs",
        "employment",
        "perturbations",
        "exits",
        "queues",
        "roles",
        "observations",
    ]


def test_affordances_carry_every_field_normalised() -> None:
    settings = world_settings(load_config())
    assert settings["economy"] == {
        "prices": [["raw_food", 0.5], ["meal", 1.0], ["shower_fee", 0.25]],
        "price_groups": [
            ["grocer", ["raw_food"]],
            ["cafe", ["meal"]],
            ["gym", ["shower_fee"]],
            ["market", ["raw_food", "meal"]],
        ],
        "rent_per_day": 2.0,
        "rent_minute": 0,
        "restock_minute": 300,
    }
    by_id = {a["id"]: a for a in settings["manifest"]["affordances"]}
    assert list(by_id["cook_meal"]) == [
        "id", "object_type", "item", "duration", "preconditions", "cost", "consume",
        "take", "per_tick", "on_complete", "decay_multipliers", "allows_chat",
        "sells", "tags", "hooks",
    ]  # fmt: skip
    assert by_id["public_shower"]["cost"] == {"price": "shower_fee"}
    assert by_id["sleep"]["cost"] == {"amount": 0.0}
    assert by_id["cook_meal"]["per_tick"] == {
        "needs": {"hunger": 0.0, "hygiene": 0.0, "energy": -0.0005},
        "money": 0.0,
    }
    assert by_id["cook_meal"]["on_complete"]["items"] == [["meal", 1]]
    assert by_id["store_meal"]["on_complete"]["stock"] == [["meal", 1]]
    assert by_id["rest"]["decay_multipliers"] == {
        "hunger": 1.0,
        "hygiene": 1.0,
        "energy": 1.0,
    }
    assert by_id["eat_meal"]["item"] == "meal"
    assert by_id["eat_meal"]["object_type"] is None
    assert by_id["eat_meal"]["hooks"] == {
        "on_start": [],
        "on_complete": ["shared_meal"],
        "on_fail": [],
    }
    assert by_id["buy_meal"]["sells"] == "meal"


def test_default_settings_match_the_documented_example() -> None:
    cfg = load_config()
    settings = world_settings(cfg)
    assert settings["map"]["name"] == "towns/default.map"
    assert (
        settings["map"]["sha256"]
        == hashlib.sha256(settings["map"]["text"].encode()).hexdigest()
    )
    manifest = settings["manifest"]
    assert manifest["sha256"] == cfg.manifest_sha256
    assert manifest["items"] == [
        {"name": "raw_food", "carry_limit": 3},
        {"name": "meal", "carry_limit": 2},
    ]
    assert manifest["object_types"][0] == {
        "name": "bed",
        "capacity": 1,
        "ownable": True,
        "requires": [],
        "stock": [],
        "stock_limit": [],
        "restock": [],
    }
    assert manifest["object_types"][1] == {
        "name": "fridge",
        "capacity": 1,
        "ownable": False,
        "requires": [],
        "stock": [["raw_food", 2], ["meal", 0]],
        "stock_limit": [["raw_food", 10], ["meal", 6]],
        "restock": [],
    }
    assert [t["name"] for t in manifest["object_types"]] == [
        "bed",
        "fridge",
        "stove",
        "shower",
        "till",
        "counter",
        "bench",
        "shelf",
        "table",
        "desk",
    ]
    assert settings["time"] == {"ticks_per_day": 1440, "start_minute": 360}
    assert settings["needs"] == {
        "decay": {"hunger": 0.0012, "hygiene": 0.0005, "energy": 0.0006},
        "apply_personality": True,
    }
    agents = settings["agents"]
    assert agents["names"][:2] == ["Alice", "Bob"]
    assert len(agents["names"]) == 12
    assert agents["needs"] == {"hunger": 0.8, "hygiene": 0.8, "energy": 0.8}
    assert agents["wallet"] == 5.0
    assert agents["items"] == [["raw_food", 2], ["meal", 1]]
    profiles = settings["personalities"]["profiles"]
    assert profiles[0] == {
        "name": "balanced",
        "extroversion": 0.0,
        "forgiveness": 0.0,
        "ambition": 0.0,
        "decay_multipliers": {"hunger": 1.0, "hygiene": 1.0, "energy": 1.0},
    }
    assert profiles[1]["decay_multipliers"] == {
        "hunger": 1.0,
        "hygiene": 1.1,
        "energy": 1.0,
    }
    assert settings["personalities"]["distribution"] == [
        ["balanced", 1.0],
        ["socialite", 1.0],
        ["industrious", 1.0],
        ["stoic", 1.0],
    ]
    assert settings["lifecycle"] == {
        "population_target": 10,
        "faint_threshold": 0.05,
        "faint_ticks": 30,
        "mortality": True,
        "spawn_delay_ticks": [5, 20],
        "newcomer": {
            "needs": {"hunger": 0.8, "hygiene": 0.8, "energy": 0.8},
            "wallet": 3.0,
            "items": [["raw_food", 1], ["meal", 1]],
        },
    }
    assert settings["embedding"] == {"max_slots": 64, "cooldown_ticks": 2880}
    assert settings["actions"] == {
        "mode": "option",
        "commit_ticks": 15,
        "commitment": "ticks",
        "critical_need": 0.15,
        "work_lead_ticks": 120,
    }
    assert settings["controllers"] == {"rival_detour": 15, "max_queue_wait": 120}


def _floats_are_floats(tree: Any, path: str = "") -> list[str]:
    """Return the paths of ints sitting where the contract wants floats."""
    float_keys = {
        "wallet",
        "faint_threshold",
        "extroversion",
        "forgiveness",
        "ambition",
    }
    float_keys |= {"hunger", "hygiene", "energy"}
    bad = []
    if isinstance(tree, dict):
        for key, value in tree.items():
            if key == "object_categories":  # category -> type names, no numbers
                continue
            if key in float_keys and not isinstance(value, float | dict):
                bad.append(f"{path}.{key}")
            bad += _floats_are_floats(value, f"{path}.{key}")
    elif isinstance(tree, list):
        for i, value in enumerate(tree):
            bad += _floats_are_floats(value, f"{path}[{i}]")
    return bad


def test_integer_inputs_become_floats() -> None:
    cfg = load_config(
        set_args=[
            "world.agents.wallet=5",
            "world.agents.needs={hunger: 1, hygiene: 1, energy: 1}",
            "world.personalities.distribution={balanced: 2}",
        ]
    )
    settings = world_settings(cfg)
    assert _floats_are_floats(settings) == []
    assert settings["personalities"]["distribution"] == [["balanced", 2.0]]
    assert isinstance(settings["agents"]["wallet"], float)


def test_settings_round_trip_through_json() -> None:
    settings = world_settings(load_config())
    assert json.loads(json.dumps(settings)) == settings


def test_items_follow_manifest_order_and_omit_unlisted() -> None:
    cfg = load_config(set_args=["world.agents.items={meal: 2}"])
    assert world_settings(cfg)["agents"]["items"] == [["meal", 2]]
