"""Manifest tables of both worlds (world.md 3; docs/world-state.md 1)."""

from __future__ import annotations

from towns import make_settings

from townlet.world import make_world


def test_offered_affordances_per_object_type_in_manifest_order(provider: str) -> None:
    tables = make_world(provider, make_settings()).manifest_tables()
    assert tables["items"] == ["raw_food", "meal"]
    assert tables["affordances"][:3] == ["sleep", "shower", "public_shower"]
    assert tables["offered"] == {
        "bed": ["sleep"],
        "fridge": ["store_raw_food", "take_raw_food", "store_meal", "take_meal"],
        "stove": ["cook_meal"],
        "shower": ["shower", "public_shower"],
        "till": ["buy_raw_food"],
        "counter": ["buy_meal"],
        "bench": ["rest"],
        "shelf": [],
        "table": [],
        "desk": [],
    }


def test_item_uses_and_vendors(provider: str) -> None:
    tables = make_world(provider, make_settings()).manifest_tables()
    assert tables["item_use"] == {"raw_food": "eat_raw_food", "meal": "eat_meal"}
    assert tables["vendor"] == {"raw_food": "buy_raw_food", "meal": "buy_meal"}


def test_an_item_without_use_or_vendor_maps_to_none(provider: str) -> None:
    settings = make_settings()
    affordances = settings["manifest"]["affordances"]
    settings["manifest"]["affordances"] = [
        a for a in affordances if a["id"] not in ("eat_meal", "buy_meal")
    ]
    tables = make_world(provider, settings).manifest_tables()
    assert tables["item_use"] == {"raw_food": "eat_raw_food", "meal": None}
    assert tables["vendor"] == {"raw_food": "buy_raw_food", "meal": None}
    assert tables["offered"]["counter"] == []
