"""Malformed settings trees are refused with settings.invalid (contract 1, D8)."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from towns import make_settings

from townlet.errors import ConfigError
from townlet.world import make_world


def broken(path: list[Any], value: Any) -> dict[str, Any]:
    settings = make_settings()
    node = settings
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return settings


CASES = [
    (["time", "start_minute"], "x", "time.start_minute"),
    (["needs", "decay", "hunger"], "fast", "needs.decay.hunger"),
    (["lifecycle", "mortality"], 1, "lifecycle.mortality"),
    (["embedding", "max_slots"], 5, "embedding.max_slots"),
    (["agents", "names"], [], "agents.names"),
    (
        ["personalities", "distribution"],
        [["grumpy", 1.0]],
        "personalities.distribution",
    ),
    (["actions", "mode"], "telepathy", "actions.mode"),
    (["economy", "prices"], [["meal", -1.0]], "economy.prices[0][1]"),
    (
        ["manifest", "affordances", 0, "object_type"],
        "boat",
        "manifest.affordances[0].object_type",
    ),
    (["manifest", "affordances", 0, "duration"], 0, "manifest.affordances[0].duration"),
    (
        ["manifest", "affordances", 2, "cost"],
        {"price": "gold"},
        "manifest.affordances[2].cost.price",
    ),
    (
        ["manifest", "affordances", 11, "sells"],
        "gold",
        "manifest.affordances[11].sells",
    ),
    (
        ["manifest", "affordances", 0, "preconditions"],
        ["agent.wallet"],
        "manifest.affordances[0].preconditions[0]",
    ),
]


@pytest.mark.parametrize(("path", "value", "key"), CASES, ids=[c[2] for c in CASES])
def test_malformed_settings_are_refused_naming_the_key(
    provider: str, path: list[Any], value: Any, key: str
) -> None:
    pattern = f"^invalid world settings: {re.escape(key)}"
    with pytest.raises(ConfigError, match=pattern) as info:
        make_world(provider, broken(path, value))
    assert info.value.code == "settings.invalid"
    assert (info.value.key or "").startswith(key)


def test_missing_section_is_refused(provider: str) -> None:
    settings = make_settings()
    del settings["lifecycle"]
    pattern = r"^invalid world settings: lifecycle"
    with pytest.raises(ConfigError, match=pattern) as info:
        make_world(provider, settings)
    assert info.value.code == "settings.invalid"


def test_test_settings_match_the_default_config_layer() -> None:
    from townlet.config import load_config, world_settings

    from_config = world_settings(load_config())
    ours = make_settings()
    for section in ("map", "time", "needs", "agents", "personalities", "lifecycle"):
        assert from_config[section] == ours[section], section
    assert from_config["manifest"]["items"] == ours["manifest"]["items"]
    assert from_config["manifest"]["object_types"] == ours["manifest"]["object_types"]
    assert from_config["manifest"]["affordances"] == ours["manifest"]["affordances"]
    assert from_config["economy"] == ours["economy"]
    assert from_config["embedding"] == ours["embedding"]


def test_default_config_settings_build_a_world(provider: str) -> None:
    from townlet.config import load_config, world_settings

    world = make_world(provider, world_settings(load_config()))
    world.reset(0)
    assert len(world.agent_ids()) == 10


@pytest.mark.parametrize("value", [math.inf, math.nan], ids=["inf", "nan"])
def test_non_finite_floats_are_refused_naming_the_key(
    provider: str, value: float
) -> None:
    with pytest.raises(ConfigError, match=r"^invalid world settings: agents\.wallet: "):
        make_world(provider, broken(["agents", "wallet"], value))


def test_spawn_delay_bounds_are_refused(provider: str) -> None:
    pattern = (
        r"^invalid world settings: lifecycle\.spawn_delay_ticks\[1\]: "
        r"must be \[5, 9007199254740991\], got 2$"
    )
    with pytest.raises(ConfigError, match=pattern):
        make_world(provider, broken(["lifecycle", "spawn_delay_ticks"], [5, 2]))


AFFORDANCE_MESSAGES = [
    (
        ["manifest", "affordances", 4, "consume"],
        [["gold", 1]],
        "manifest.affordances[4].consume[0][0]: unknown item 'gold'",
    ),
    (
        ["manifest", "affordances", 0, "item"],
        "meal",
        "manifest.affordances[0]: expected exactly one of object_type and item",
    ),
    (
        ["manifest", "affordances", 11, "preconditions"],
        ["object.zone == agent.home"],
        "manifest.affordances[11].preconditions[0]: column 1: 'object.zone' is not "
        "available in an item-use affordance",
    ),
    (
        ["manifest", "affordances", 0, "preconditions"],
        ["price.gold > 1"],
        "manifest.affordances[0].preconditions[0]: column 1: unknown price key 'gold' "
        "in 'price.gold' (declared: raw_food, meal, shower_fee)",
    ),
]


@pytest.mark.parametrize(("path", "value", "message"), AFFORDANCE_MESSAGES)
def test_malformed_affordances_are_refused_with_the_same_message(
    provider: str, path: list[Any], value: Any, message: str
) -> None:
    with pytest.raises(ConfigError) as info:
        make_world(provider, broken(path, value))
    assert str(info.value) == f"invalid world settings: {message}"
    assert info.value.code == "settings.invalid"
