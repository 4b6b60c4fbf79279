"""Malformed settings trees are refused with settings.invalid (contract 1, D8)."""

from __future__ import annotations

import math
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
]


@pytest.mark.parametrize(("path", "value", "key"), CASES, ids=[c[2] for c in CASES])
def test_malformed_settings_are_refused_naming_the_key(
    provider: str, path: list[Any], value: Any, key: str
) -> None:
    with pytest.raises(ConfigError, match=f"^invalid world settings: {key}") as info:
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
