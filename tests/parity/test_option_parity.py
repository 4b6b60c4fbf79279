"""Option-mode parity: native and Python worlds agree every tick (learning.md 2).

Each tick both worlds observe in option mode (8 mask columns); every row's option is
drawn from the Python world's mask (a `test_actions` stream picks one allowed id);
19 draws in 20 repeat the row's previous choice so options run to their end.
Console ``set_rel`` commands every 7 ticks make friends and rivals (partners,
step-offs). State hash, events, step rows, masks and features are compared every
tick.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_observe_parity import compare, relate
from test_parity import divergence, first_difference, settings_for
from towns import native_built

from townlet.core.types import ObservationBuffers
from townlet.world import NativeWorld, PythonWorld
from townlet.world.canonical import canonical_encode
from townlet.world.rng import Rng

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not native_built(), reason="townlet._native is not built (run 'make build')"
    ),
]

SEEDS = [0, 7, 2**64 - 1]
TICKS = 600


def observe_options(
    py: PythonWorld, native: NativeWorld
) -> tuple[ObservationBuffers, ObservationBuffers]:
    rows = len(py.agent_ids()) + 1
    spec = py.observation_spec("compact", "option")
    a, b = (
        ObservationBuffers.allocate(spec, rows),
        ObservationBuffers.allocate(spec, rows),
    )
    py.observe(a)
    native.observe(b)
    return a, b


def draw_options(
    rng: Rng, mask: np.ndarray, ids: list[str], prev: dict[str, int]
) -> np.ndarray:
    """One allowed option per row: the row's previous choice again (19 in 20 draws)
    while allowed, else one picked uniformly from the row's mask."""
    out = np.zeros(len(ids), dtype=np.int32)
    for r, agent_id in enumerate(ids):
        allowed = np.flatnonzero(mask[r])
        keep = prev.get(agent_id, -1)
        if keep in allowed and rng.rand_index(20) < 19:
            out[r] = keep
        else:
            out[r] = int(allowed[rng.rand_index(len(allowed))])
        prev[agent_id] = int(out[r])
    return out


ACTS: list[dict[str, Any]] = [
    {"kind": "wait"},
    {"kind": "move", "dir": "N"},
    {"kind": "move", "dir": "E"},
    {"kind": "move", "dir": "S"},
    {"kind": "move", "dir": "W"},
    {"kind": "release"},
    {"kind": "buy", "item": "meal"},
    {"kind": "use_item", "item": "meal"},
    {"kind": "use_item", "item": "gold"},
    {"kind": "fly"},
]


def possession_commands(rng: Rng, py: PythonWorld, n: int) -> list[dict[str, Any]]:
    """Now and then possess or release someone; an ``act`` for each possessed agent."""
    agents = [a for a in py.export_state()["agents"] if a["alive"]]
    out: list[dict[str, Any]] = []
    if agents and n % 11 == 3:
        who = agents[rng.rand_index(len(agents))]
        action = "release" if who["possessed"] else "acquire"
        out.append({"agent_id": who["id"], "action": action, "_name": "possess"})
    for a in agents:
        if a["possessed"] and rng.rand_index(3) > 0:
            act = ACTS[rng.rand_index(len(ACTS))]
            if rng.rand_index(4) == 0:
                other = agents[rng.rand_index(len(agents))]["id"]
                act = {"kind": "chat", "target": other}
            out.append({"agent_id": a["id"], "action": act, "_name": "act"})
    return [
        {
            "cmd_id": f"p{n}.{k}",
            "name": c.pop("_name"),
            "args": c,
        }
        for k, c in enumerate(out)
    ]


def run_options(scenario: str, seed: int, ticks: int = TICKS) -> dict[str, int]:
    settings = settings_for(scenario)
    settings["actions"] = {"mode": "option", "commit_ticks": 6}
    py, native = PythonWorld(settings), NativeWorld(settings)
    py.reset(seed)
    native.reset(seed)
    rng = Rng.for_stream(seed, "test_actions")
    counts: dict[str, int] = {}
    prev: dict[str, int] = {}
    owner = Rng.for_stream(seed, "test_possess")
    for _ in range(ticks):
        a_obs, b_obs = observe_options(py, native)
        compare(py.tick, "compact", a_obs, b_obs)
        ids = py.agent_ids()
        if py.tick % 7 == 0 and len(ids) > 1:  # friends and rivals (set_rel)
            for world in (py, native):
                relate(Rng.for_stream(seed + py.tick, "test_relations"), world, ids, 0)
        assert np.all(a_obs.action_mask[: len(ids)].sum(axis=1) >= 1), "empty row"
        for command in possession_commands(owner, py, py.tick):
            for world in (py, native):
                world.apply_command(command)
        actions = draw_options(rng, a_obs.action_mask, ids, prev)
        a, b = py.step(actions, "option"), native.step(actions, "option")
        tick = a.tick
        if canonical_encode(a.events) != canonical_encode(b.events):
            diff = first_difference(a.events, b.events, "events")
            raise AssertionError(f"events diverge at tick {tick}: {diff}")
        if py.state_hash() != native.state_hash():
            raise AssertionError(divergence(tick, "state_hash", py, native))
        assert (a.agent_ids, a.terminated, a.spawned, a.command_results) == (
            b.agent_ids,
            b.terminated,
            b.spawned,
            b.command_results,
        ), f"step results diverge at tick {tick}"
        for agent in py.export_state()["agents"]:
            last = agent["option"]["last"]
            counts[last] = counts.get(last, 0) + 1
            if agent["option"]["active"] > 0:
                key = f"active_{agent['option']['active']}"
                counts[key] = counts.get(key, 0) + 1
        for e in a.events:
            counts[e["name"]] = counts.get(e["name"], 0) + 1
    return counts


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("scenario", ["10_agents", "busy_town", "crowded_gym"])
def test_worlds_agree_every_tick_under_random_options(scenario: str, seed: int) -> None:
    counts = run_options(scenario, seed)
    # The drive exercises starts, successes, abandonments and possession.
    assert counts.get("possession_changed", 0) > 0, counts
    assert counts.get("success", 0) > 0, counts
    assert counts.get("abandoned", 0) > 0, counts
    assert any(k.startswith("active_") for k in counts), counts
