"""Option mode (learning.md 2.1-2.4): masks, commitment and controllers.

Every scenario runs on both providers through the public API: agents are placed
with console ``spawn`` (balanced profile, so no draw), act through option ids and
are read back from ``export_state`` (the ``option`` key of each agent) and events.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from towns import build_world

from townlet.core.types import ObservationBuffers
from townlet.errors import SnapshotError

WAIT, GET_FED, GET_CLEAN, SLEEP, WORK, SHOP, SOCIALISE, GO_HOME = range(8)

TOWN = """townlet-map 1
size 12 8
object B bed
object S shower
zone home_a home 0 0 3 3
zone gym gym 5 0 11 3
zone office work 5 4 11 7
grid
############
#B..#S.....#
#...+......#
#...#......#
#####......#
#..........#
#.........@#
############
"""
"""A home (0..3, 0..3) with bed_1 at (1, 1) and a door at (4, 2); a gym with a
shower at (5, 1) (interaction tiles (6, 1), (5, 2)); an office below the gym."""

BED, SHOWER = 0, 1
JOB = {
    "id": "clerk",
    "site": "office",
    "positions": 1,
    "shift_start": 600,
    "shift_length": 120,
    "wage_per_tick": 0.01,
}


def town(provider: str, **overrides: Any) -> Any:
    """An empty town (population target 0, no mortality), one clerk job."""
    settings: dict[str, Any] = {
        "lifecycle__population_target": 0,
        "lifecycle__mortality": False,
        "personalities__distribution": [["balanced", 1.0]],
        "jobs": [JOB],
        "actions": {"mode": "option"},
    }
    settings.update(overrides)
    return build_world(provider, TOWN, **settings)


def spawn(world: Any, x: int, y: int, wallet: float = 5.0) -> None:
    """Spawn agent_0 at ``(x, y)`` (arrives with the next step) and step once."""
    world.apply_command(
        {
            "cmd_id": "s",
            "name": "spawn",
            "args": {
                "position": [x, y],
                "profile": "balanced",
                "wallet": wallet,
                "items": {"raw_food": 0, "meal": 0},
            },
        }
    )
    step(world)


def setneed(world: Any, **needs: float) -> None:
    """Set agent_0's needs (applied in step 3 of the next step)."""
    world.apply_command(
        {
            "cmd_id": "n",
            "name": "setneed",
            "args": {"agent_id": "agent_0", "needs": needs},
        }
    )


def step(world: Any, *ids: int) -> list[dict[str, Any]]:
    """One step with these option ids (Wait for everyone when none)."""
    n = len(world.agent_ids())
    actions = np.array(ids if ids else [WAIT] * n, dtype=np.int32)
    return list(world.step(actions, "option").events)


def me(world: Any) -> dict[str, Any]:
    agent: dict[str, Any] = world.export_state()["agents"][0]
    return agent


def mask(world: Any) -> list[int]:
    spec = world.observation_spec("compact", "option")
    buffers = ObservationBuffers.allocate(spec, len(world.agent_ids()) + 1)
    world.observe(buffers)
    assert buffers.action_mask[-1].tolist() == [1, 0, 0, 0, 0, 0, 0, 0]  # vacant
    row: list[int] = buffers.action_mask[0].tolist()
    return row


def features(world: Any) -> list[float]:
    spec = world.observation_spec("compact", "option")
    buffers = ObservationBuffers.allocate(spec, len(world.agent_ids()))
    world.observe(buffers)
    row: list[float] = buffers.features[0].tolist()
    return row


def test_fresh_agent_may_wait_sleep_and_go_home(provider: str) -> None:
    world = town(provider)
    spawn(world, 10, 6)
    assert me(world)["home"] == "home_a"
    assert me(world)["bed"] == BED
    setneed(world, energy=0.5, hygiene=1.0)
    step(world)
    # Wait, Sleep (energy < 0.95, bed reachable), GoHome (outside home); not
    # GetClean (hygiene 1.0), not Work (outside the shift window), and GetFed,
    # ShopGroceries, Socialise are not built (D20-opt-b).
    assert mask(world) == [1, 0, 0, 1, 0, 0, 0, 1]


def test_go_home_walks_the_anchor_field_and_succeeds_inside(provider: str) -> None:
    world = town(provider)
    spawn(world, 10, 6)
    for _ in range(40):
        step(world, GO_HOME)
        if me(world)["option"]["active"] == -1:  # ended
            break
    a = me(world)
    assert a["option"]["last"] == "success"
    assert a["option"]["active"] == -1
    assert 0 <= a["position"][0] <= 3
    assert 0 <= a["position"][1] <= 3
    assert mask(world)[GO_HOME] == 0  # inside: not allowed any more


def test_go_home_fails_for_the_homeless(provider: str) -> None:
    world = town(provider)
    spawn(world, 10, 6)
    step(world)
    tree = world.export_state()
    tree["agents"][0]["home"] = None
    tree["agents"][0]["bed"] = None
    tree["objects"][BED]["owner"] = None
    tree["agents"][0]["needs"]["hygiene"] = 1.0
    world.import_state(tree)
    step(world, GO_HOME)
    assert me(world)["option"]["last"] == "failure"
    assert mask(world) == [1, 0, 0, 0, 0, 0, 0, 0]


def test_sleep_walks_to_the_bed_and_succeeds_when_sleep_completes(
    provider: str,
) -> None:
    world = town(provider)
    spawn(world, 6, 2)
    setneed(world, energy=0.2)
    events: list[dict[str, Any]] = []
    for _ in range(700):
        events += step(world, SLEEP)
        if me(world)["option"]["active"] == -1:  # ended
            break
    names = [e["name"] for e in events]
    assert "affordance_started" in names
    assert "affordance_completed" in names
    assert me(world)["option"]["last"] == "success"
    assert me(world)["needs"]["energy"] > 0.2


def test_get_clean_uses_the_gym_shower(provider: str) -> None:
    world = town(provider)
    spawn(world, 8, 2, wallet=5.0)
    setneed(world, hygiene=0.3)
    step(world)
    assert mask(world)[GET_CLEAN] == 1
    events: list[dict[str, Any]] = []
    for _ in range(60):
        events += step(world, GET_CLEAN)
        if me(world)["option"]["active"] == -1:  # ended
            break
    assert me(world)["option"]["last"] == "success"
    started = [e for e in events if e["name"] == "affordance_started"]
    assert started
    assert started[0]["affordance_id"] == "public_shower"
    assert me(world)["wallet"] == 4.75


def test_get_clean_is_masked_and_fails_without_money(provider: str) -> None:
    world = town(provider)
    spawn(world, 8, 2, wallet=0.0)
    setneed(world, hygiene=0.3)
    step(world)
    assert mask(world)[GET_CLEAN] == 0
    step(world, GET_CLEAN)  # outside the mask: the controller fails at once
    assert me(world)["option"]["last"] == "failure"
    assert features(world)[34] == 1.0  # last_option_failed


def test_commitment_lock_is_one_hot_until_lock_end(provider: str) -> None:
    world = town(provider, actions={"mode": "option", "commit_ticks": 3})
    spawn(world, 10, 6)
    setneed(world, energy=0.5, hygiene=1.0)
    step(world)
    step(world, GO_HOME)
    start = me(world)["option"]["start"]
    assert me(world)["option"]["lock_end"] == start + 3
    assert mask(world) == [0, 0, 0, 0, 0, 0, 0, 1]
    f = features(world)
    assert f[25 + GO_HOME - 1] == 1.0
    assert f[33] == 1.0
    step(world, GO_HOME)
    step(world, GO_HOME)
    assert world.tick == start + 2
    assert mask(world) == [0, 0, 0, 0, 0, 0, 0, 1]
    step(world, GO_HOME)  # tick == lock_end: the ordinary mask applies
    assert mask(world) == [1, 0, 0, 1, 0, 0, 0, 1]
    assert features(world)[33] == 0.0


def test_critical_need_closes_the_lock_early(provider: str) -> None:
    world = town(provider)
    spawn(world, 10, 6)
    step(world, GO_HOME)
    assert mask(world) == [0, 0, 0, 0, 0, 0, 0, 1]
    setneed(world, energy=0.1, hygiene=1.0)
    step(world, GO_HOME)
    assert me(world)["option"]["active"] == GO_HOME
    assert mask(world) == [1, 0, 0, 1, 0, 0, 0, 1]


def test_until_done_keeps_the_lock_until_the_option_ends(provider: str) -> None:
    world = town(
        provider,
        actions={"mode": "option", "commit_ticks": 1, "commitment": "until_done"},
    )
    spawn(world, 10, 6)
    for _ in range(5):
        step(world, GO_HOME)
        assert mask(world) == [0, 0, 0, 0, 0, 0, 0, 1]


def test_switch_releases_first_and_the_new_option_emits_next_tick(
    provider: str,
) -> None:
    world = town(provider)
    spawn(world, 6, 2)
    setneed(world, hygiene=0.3, energy=0.5)
    step(world)
    for _ in range(5):
        step(world, GET_CLEAN)
        if me(world)["engagement"]["kind"] == "running":
            break
    assert me(world)["engagement"]["kind"] == "running"
    position = me(world)["position"]
    events = step(world, GO_HOME)
    failed = [e for e in events if e["name"] == "affordance_failed"]
    assert failed
    assert failed[0]["reason"] == "released"
    a = me(world)
    assert a["option"]["active"] == GO_HOME
    assert a["position"] == position
    assert a["option"]["last"] == "abandoned"
    step(world, GO_HOME)
    assert me(world)["position"] != position  # emits from the next tick


def test_work_walks_into_the_site_and_stays_until_shift_end(provider: str) -> None:
    # Tick 0 is minute 360; the shift runs 400..519, Work opens at 280.
    world = town(provider, jobs=[JOB | {"shift_start": 400}])
    spawn(world, 2, 2)
    assert me(world)["job"] == "clerk"
    assert mask(world)[WORK] == 1
    last = "none"
    for _ in range(200):
        step(world, WORK)
        last = me(world)["option"]["last"]
        if me(world)["option"]["active"] == -1:  # ended
            break
    assert last == "success"
    assert world.minute == 519
    a = me(world)
    assert world.export_state()["agents"][0]["shift"]["state"] in ("on_time", "late")
    assert 5 <= a["position"][0] <= 11
    assert 4 <= a["position"][1] <= 7
    assert mask(world)[WORK] == 1  # the mask reads minute(t): 519 is in the window
    step(world)
    assert mask(world)[WORK] == 0  # the shift is over


def test_work_fails_for_the_unemployed(provider: str) -> None:
    world = town(provider, jobs=[])
    spawn(world, 2, 2)
    assert mask(world)[WORK] == 0
    step(world, WORK)
    assert me(world)["option"]["last"] == "failure"


def test_option_state_round_trips_and_is_checked(provider: str) -> None:
    world = town(provider)
    spawn(world, 10, 6)
    step(world, GO_HOME)
    tree = world.export_state()
    assert tree["agents"][0]["option"] == {
        "active": GO_HOME,
        "start": 2,
        "lock_end": 17,
        "target": -1,
        "step": 0,
        "wait": 0,
        "packed": False,
        "last": "success",  # the Wait of the spawn step
    }
    other = town(provider)
    other.import_state(tree)
    assert other.state_hash() == world.state_hash()
    tree["agents"][0]["option"]["last"] = "bored"
    with pytest.raises(SnapshotError) as err:
        other.import_state(tree)
    assert str(err.value) == (
        "agents[0].option.last: expected none, success, failure or abandoned, "
        "got 'bored'"
    )


def test_every_live_row_allows_an_action(provider: str) -> None:
    world = build_world(
        provider, None, actions={"mode": "option"}, lifecycle__population_target=10
    )
    rng = np.random.default_rng(0)
    for _ in range(50):
        spec = world.observation_spec("compact", "option")
        buffers = ObservationBuffers.allocate(spec, len(world.agent_ids()))
        world.observe(buffers)
        assert np.all(buffers.action_mask.sum(axis=1) >= 1)
        ids = [int(rng.choice(np.flatnonzero(row))) for row in buffers.action_mask]
        world.step(np.array(ids, dtype=np.int32), "option")


def test_every_controller_primitive_maps_onto_exactly_one_primitive_id() -> None:
    """Learning.md 2.5, last paragraph: the labels of primitive-level BC data."""
    from townlet.world.controller_base import primitive_ids

    world = build_world(
        "python", None, actions={"mode": "option"}, lifecycle__population_target=10
    )
    state = world._state  # the emitted triples are per-tick scratch, not state
    rng = np.random.default_rng(1)
    prev: dict[str, int] = {}
    kinds: set[int] = set()
    for _ in range(400):
        spec = world.observation_spec("compact", "option")
        buffers = ObservationBuffers.allocate(spec, len(world.agent_ids()))
        world.observe(buffers)
        ids = []
        for agent_id, row in zip(world.agent_ids(), buffers.action_mask, strict=True):
            keep = prev.get(agent_id, -1)
            if keep >= 0 and row[keep] and rng.random() < 0.95:
                ids.append(keep)
            else:
                ids.append(int(rng.choice(np.flatnonzero(row))))
            prev[agent_id] = ids[-1]
        world.step(np.array(ids, dtype=np.int32), "option")
        for agent in state.agents:
            if agent.alive:
                triple = (agent.action, agent.target, agent.arg)
                assert len(primitive_ids(state, triple)) == 1, triple
                kinds.add(agent.action)
    assert {0, 1, 2, 3, 4, 5, 6, 7, 9} <= kinds, kinds  # every kind but BUY


def test_sleep_is_masked_and_fails_without_a_bed(provider: str) -> None:
    world = town(provider)
    spawn(world, 10, 6)
    tree = world.export_state()
    tree["agents"][0]["home"] = None
    tree["agents"][0]["bed"] = None
    tree["agents"][0]["needs"]["energy"] = 0.3
    tree["objects"][BED]["owner"] = None
    world.import_state(tree)
    assert mask(world)[SLEEP] == 0
    step(world, SLEEP)
    assert me(world)["option"]["last"] == "failure"
    assert features(world)[34] == 1.0  # last_option_failed
