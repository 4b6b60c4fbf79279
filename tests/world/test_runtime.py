"""Both worlds honour the ``WorldRuntime`` protocol (architecture.md 2.1)."""

from __future__ import annotations

import re
import sys
from typing import Any

import numpy as np
import pytest
from towns import TINY_MAP, build_world, make_settings

from townlet.core import CommandResult, StepResult, WorldRuntime, WorldView
from townlet.errors import ProviderError
from townlet.world import NativeWorld, make_world, native_available


def check_world(world: Any) -> None:
    """Contract checks any world provider must pass after ``reset``."""
    assert isinstance(world, WorldRuntime)
    assert world.provider in ("native", "python")
    assert (world.tick, world.day) == (0, 0)
    ids = world.agent_ids()
    assert all(isinstance(i, str) for i in ids)
    result = world.step(np.zeros(len(ids), dtype=np.int32), "primitive")
    assert isinstance(result, StepResult)
    n = len(result.agent_ids)
    assert result.agent_ids == world.agent_ids()
    assert result.needs_before.shape == result.needs_after.shape == (n, 3)
    assert result.wages.shape == (n,)
    assert result.command_results == []
    digest = world.state_hash()
    assert len(digest) == 64
    assert int(digest, 16) >= 0
    assert isinstance(world.view(), WorldView)
    tree = world.export_state()
    world.import_state(tree)
    assert world.state_hash() == digest


def test_world_honours_the_runtime_protocol(provider: str) -> None:
    check_world(build_world(provider))


def test_unknown_console_commands_are_refused_in_the_next_step(provider: str) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=1)
    before = world.state_hash()
    world.apply_command({"cmd_id": "c-1", "name": "levitate", "args": {}})
    assert world.state_hash() == before
    result = world.step(np.zeros(1, dtype=np.int32), "primitive")
    assert result.command_results == [
        CommandResult(
            cmd_id="c-1",
            name="levitate",
            ok=False,
            code="invalid_args",
            message=(
                "unknown command 'levitate': this world applies spawn, teleport,"
                " setneed, kill, toggle_mortality, set_spawn_delay,"
                " set_population_target, set_rel, force_chat, price, exit_approve,"
                " exit_defer, set_exit_cap, perturbation_trigger, arrange_meet,"
                " perturbation_cancel, possess, act"
            ),
        )
    ]
    assert world.step(np.zeros(1, dtype=np.int32), "primitive").command_results == []


@pytest.mark.parametrize("seed", [-1, 2**64, "7", True])
def test_reset_refuses_seeds_outside_u64(provider: str, seed: Any) -> None:
    world = make_world(provider, make_settings(TINY_MAP))
    with pytest.raises(
        ProviderError, match=r"^seed: expected an int in \[0, 2\*\*64\)"
    ):
        world.reset(seed)


def test_same_seed_gives_the_same_town_and_another_seed_another(provider: str) -> None:
    a, b, c = (build_world(provider, seed=s) for s in (3, 3, 4))
    assert a.state_hash() == b.state_hash()
    assert a.state_hash() != c.state_hash()


def test_unknown_provider_is_refused() -> None:
    with pytest.raises(ProviderError, match="unknown world provider 'rust'"):
        make_world("rust", make_settings())


def test_native_world_without_the_extension_says_how_to_fix_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "townlet._native", None)
    assert not native_available()
    message = (
        "native world unavailable: townlet._native is not built; "
        "run 'make build' (or use --world python)"
    )
    with pytest.raises(ProviderError, match=f"^{re.escape(message)}$"):
        NativeWorld(make_settings())


def test_step_before_reset_is_refused(provider: str) -> None:
    world = make_world(provider, make_settings(TINY_MAP))
    assert (world.tick, world.agent_ids()) == (0, [])
    with pytest.raises(ProviderError, match=r"^the world has no town yet: call reset"):
        world.step(np.zeros(0, dtype=np.int32), "primitive")
