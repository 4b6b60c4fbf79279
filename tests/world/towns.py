"""Test towns: world settings dicts, tiny scenario maps and world builders.

``make_settings`` is the test-side source of truth for the world settings dict of
docs/world-state.md section 1, with spec defaults (world.md 3.8, 4.1, 4.3, 5, 11);
``test_world_settings.py`` checks it against ``townlet.config.world_settings``.
Tests import this module as ``towns`` (``tests/conftest.py`` puts this folder on the
path), never ``conftest``, whose name other folders' conftest files share.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
DEFAULT_MAP_PATH = (
    REPO / "python" / "townlet" / "data" / "configs" / "towns" / "default.map"
)
MAPS = REPO / "tests" / "data" / "maps"
AFFORDANCES = json.loads(
    (
        REPO / "rust" / "townlet-core" / "src" / "settings" / "default_affordances.json"
    ).read_text()
)
"""The default manifest's affordances as ``world_settings`` writes them (world.md 3.8);
the Rust ``WorldSettings::default_town`` reads the same file."""
PRICES = [["raw_food", 0.5], ["meal", 1.0], ["shower_fee", 0.25]]
NAMES = ["Alice", "Bob", "Carol", "Dan", "Erin", "Frank", "Grace", "Hugo", "Iris"]
NAMES += ["Jack", "Kate", "Liam"]


def _type(
    name: str, capacity: int = 1, ownable: bool = False, **kw: Any
) -> dict[str, Any]:
    return {
        "name": name,
        "capacity": capacity,
        "ownable": ownable,
        "requires": kw.get("requires", []),
        "stock": kw.get("stock", []),
        "stock_limit": kw.get("stock_limit", []),
        "restock": kw.get("restock", []),
    }


OBJECT_TYPES = [
    _type("bed", ownable=True),
    _type(
        "fridge",
        stock=[["raw_food", 2], ["meal", 0]],
        stock_limit=[["raw_food", 10], ["meal", 6]],
    ),
    _type("stove", requires=["power"]),
    _type("shower", requires=["water"]),
    _type(
        "till",
        requires=["power"],
        stock=[["raw_food", 40]],
        stock_limit=[["raw_food", 60]],
        restock=[["raw_food", 40]],
    ),
    _type(
        "counter",
        requires=["power"],
        stock=[["meal", 20]],
        stock_limit=[["meal", 30]],
        restock=[["meal", 20]],
    ),
    _type("bench", capacity=2),
    _type("shelf", capacity=0),
    _type("table", capacity=0),
    _type("desk", capacity=0),
]


def _profile(
    name: str, ext: float, forg: float, amb: float, **mult: float
) -> dict[str, Any]:
    multipliers = {"hunger": 1.0, "hygiene": 1.0, "energy": 1.0}
    multipliers.update(mult)
    return {
        "name": name,
        "extroversion": ext,
        "forgiveness": forg,
        "ambition": amb,
        "decay_multipliers": multipliers,
    }


PROFILES = [
    _profile("balanced", 0.0, 0.0, 0.0),
    _profile("socialite", 0.6, 0.1, -0.1, hygiene=1.1),
    _profile("industrious", -0.2, -0.1, 0.5, energy=0.9),
    _profile("stoic", -0.3, 0.5, -0.2, hunger=0.95),
]


TINY_MAP = """townlet-map 1
size 8 8
object B bed
zone home_a home 0 0 3 3
zone home_b home 4 0 7 3
grid
########
#B....B#
#.~~...#
#......#
#......#
#......#
#.....@#
########
"""
"""Two homes with one bed each; bed_1 at (1, 1), bed_2 at (6, 1), spawn at (6, 6)."""


def map_text(name: str) -> str:
    """Text of ``tests/data/maps/<name>`` (or the default map for ``default.map``)."""
    path = DEFAULT_MAP_PATH if name == "default.map" else MAPS / name
    return path.read_text()


def _spec(name: str, kind: str, prob: float, **kw: Any) -> dict[str, Any]:
    return {
        "name": name,
        "kind": kind,
        "prob_per_day": prob,
        "duration": kw.get("duration", [20, 60]),
        "cooldown_ticks": kw.get("cooldown", 720),
        "active_hours": kw.get("active_hours"),
        "magnitude": kw.get("magnitude"),
        "targets": kw.get("targets"),
        "location": kw.get("location"),
        "pairing": kw.get("pairing"),
    }


PERTURBATIONS: dict[str, Any] = {
    "enabled": True,
    "max_concurrent": 2,
    "global_cooldown_ticks": 240,
    "per_agent_cooldown_ticks": 360,
    "window_ticks": 1440,
    "max_events_per_window": 2,
    "specs": [
        _spec(
            "price_spike",
            "price_spike",
            0.3,
            duration=[60, 120],
            cooldown=480,
            magnitude=[1.2, 1.8],
            targets=["grocer", "cafe"],
        ),
        _spec("blackout", "blackout", 0.15),
        _spec("water_outage", "water_outage", 0.1),
        _spec(
            "arranged_meet",
            "arranged_meet",
            0.25,
            duration=[30, 45],
            cooldown=600,
            active_hours=[1140, 1260],
            location="cafe",
            pairing="top_rivals",
        ),
    ],
}
"""The default perturbations of world.md 12.1 as ``world_settings`` writes them."""


def _job(job_id: str, site: str, positions: int, start: int) -> dict[str, Any]:
    return {
        "id": job_id,
        "site": site,
        "positions": positions,
        "shift_start": start,
        "shift_length": 480,
        "wage_per_tick": 0.01,
    }


def make_settings(map_text: str | None = None, **overrides: Any) -> dict[str, Any]:
    """World settings with spec defaults; ``a__b=v`` overrides key ``a.b``.

    >>> make_settings(lifecycle__population_target=1)["lifecycle"]["population_target"]
    1
    """
    text = DEFAULT_MAP_PATH.read_text() if map_text is None else map_text
    settings: dict[str, Any] = {
        "map": {
            "name": "towns/default.map" if map_text is None else "test.map",
            "text": text,
            "sha256": hashlib.sha256(text.encode()).hexdigest(),
        },
        "manifest": {
            "sha256": hashlib.sha256(b"default manifest").hexdigest(),
            "items": [
                {"name": "raw_food", "carry_limit": 3},
                {"name": "meal", "carry_limit": 2},
            ],
            "object_types": copy.deepcopy(OBJECT_TYPES),
            "affordances": copy.deepcopy(AFFORDANCES),
        },
        "economy": {
            "prices": copy.deepcopy(PRICES),
            "price_groups": [
                ["grocer", ["raw_food"]],
                ["cafe", ["meal"]],
                ["gym", ["shower_fee"]],
                ["market", ["raw_food", "meal"]],
            ],
            "rent_per_day": 2.0,
            "rent_minute": 0,
            "restock_minute": 300,
        },
        "time": {"ticks_per_day": 1440, "start_minute": 360},
        "needs": {
            "decay": {"hunger": 0.0012, "hygiene": 0.0005, "energy": 0.0006},
            "apply_personality": True,
        },
        "agents": {
            "names": list(NAMES),
            "needs": {"hunger": 0.8, "hygiene": 0.8, "energy": 0.8},
            "wallet": 5.0,
            "items": [["raw_food", 2], ["meal", 1]],
        },
        "personalities": {
            "profiles": copy.deepcopy(PROFILES),
            "distribution": [
                ["balanced", 1.0],
                ["socialite", 1.0],
                ["industrious", 1.0],
                ["stoic", 1.0],
            ],
        },
        "lifecycle": {
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
        },
        "embedding": {"max_slots": 64, "cooldown_ticks": 2880},
        "actions": {"mode": "primitive"},
        "jobs": [
            _job("clerk", "office", 6, 480),
            _job("grocer", "grocer", 2, 540),
            _job("barista", "cafe", 2, 660),
        ],
        "employment": {
            "grace_ticks": 10,
            "absent_after_ticks": 60,
            "lateness_fine": 0.3,
        },
        "perturbations": copy.deepcopy(PERTURBATIONS),
        "exits": {
            "absence_window_days": 7,
            "max_absences": 3,
            "rent_missed_limit": 3,
            "daily_exit_cap": 2,
            "exit_cooldown_ticks": 120,
        },
    }
    for dotted, value in overrides.items():
        *parents, leaf = dotted.split("__")
        node = settings
        for key in parents:
            node = node[key]
        node[leaf] = value
    return settings


def build_world(
    provider: str, map_text: str | None = None, seed: int = 0, **overrides: Any
) -> Any:
    """A ``provider`` world built from ``make_settings(...)``, reset to ``seed``."""
    from townlet.world import make_world

    world = make_world(provider, make_settings(map_text, **overrides))
    world.reset(seed)
    return world


def native_built() -> bool:
    """Whether ``townlet._native`` imports."""
    from townlet.world import native_available

    return native_available()
