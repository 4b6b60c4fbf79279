"""Spawning, faint, purge and newcomers (world.md 4.5 and 11, contract 5-6)."""

from __future__ import annotations

from typing import Any

import numpy as np
from towns import TINY_MAP, build_world


def wait_all(world: Any) -> Any:
    """One tick in which every row waits."""
    return world.step(np.zeros(len(world.agent_ids()), dtype=np.int32), "primitive")


def hungry_world(provider: str, **overrides: Any) -> Any:
    """TINY_MAP, one agent who faints at tick 3 (hunger at the threshold, 3 ticks)."""
    settings: dict[str, Any] = {
        "lifecycle__population_target": 1,
        "lifecycle__faint_ticks": 3,
        "lifecycle__spawn_delay_ticks": [4, 4],
        "agents__needs": {"hunger": 0.05, "hygiene": 0.8, "energy": 0.8},
    }
    settings.update(overrides)
    return build_world(provider, TINY_MAP, **settings)


def names_of(events: Any) -> list[str]:
    return [e["name"] for e in events]


def test_reset_spawns_the_population_in_uid_order(provider: str) -> None:
    world = build_world(provider)
    agents = world.export_state()["agents"]
    assert world.agent_ids() == [f"agent_{i}" for i in range(10)]
    assert [a["uid"] for a in agents] == list(range(10))
    assert [a["slot"] for a in agents] == list(range(10))
    assert [a["name"] for a in agents][:3] == ["Alice", "Bob", "Carol"]
    first = agents[0]
    assert first["origin"] == "initial"
    assert first["spawned_tick"] == 0
    assert first["alive"] is True
    assert first["terminated_tick"] == -1
    assert first["needs"] == {"hunger": 0.8, "hygiene": 0.8, "energy": 0.8}
    assert first["wallet"] == 5.0
    assert first["items"] == {"raw_food": 2, "meal": 1}
    assert first["ctx_reset"] is True
    assert first["last_action"] == {"kind": "wait", "ok": True, "reason": 0}


def test_initial_agents_take_the_lowest_free_beds_and_stand_beside_them(
    provider: str,
) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=2)
    state = world.export_state()
    a0, a1 = state["agents"]
    assert (a0["bed"], a0["home"], a0["position"]) == (0, "home_a", [2, 1])
    assert (a1["bed"], a1["home"], a1["position"]) == (1, "home_b", [6, 2])
    assert [o["owner"] for o in state["objects"]] == ["agent_0", "agent_1"]


def test_agents_beyond_the_beds_are_homeless_at_a_spawn_tile(provider: str) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=3)
    homeless = world.export_state()["agents"][2]
    assert (homeless["bed"], homeless["home"]) == (None, None)
    assert homeless["position"] == [6, 6]


def test_names_wrap_around_with_a_suffix(provider: str) -> None:
    world = build_world(
        provider, TINY_MAP, agents__names=["Ann", "Ben"], lifecycle__population_target=3
    )
    assert [a["name"] for a in world.export_state()["agents"]] == [
        "Ann",
        "Ben",
        "Ann-1",
    ]


def test_reset_emits_agent_spawned_at_tick_zero(provider: str) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=2)
    profile = world.export_state()["agents"][1]["profile"]
    events = list(world.view().events)
    assert names_of(events) == ["agent_spawned", "agent_spawned"]
    assert dict(events[1]) == {
        "tick": 0,
        "seq": 1,
        "name": "agent_spawned",
        "agent_id": "agent_1",
        "uid": 1,
        "agent_name": "Bob",
        "slot": 1,
        "cause": "initial",
        "position": [6, 2],
        "home": "home_b",
        "job": "grocer",  # uid 1 mod 3 jobs (world.md 9.2)
        "profile": profile,
    }


def test_agent_faints_after_threshold_ticks(provider: str) -> None:
    world = hungry_world(provider)
    for _ in range(2):
        assert wait_all(world).terminated == []
    result = wait_all(world)
    assert result.tick == 3
    assert result.terminated == [("agent_0", "faint")]
    event = next(e for e in result.events if e["name"] == "agent_terminated")
    assert event["agent_id"] == "agent_0"
    assert (event["reason"], event["detail"], event["lived_ticks"]) == (
        "faint",
        None,
        3,
    )
    assert event["position"] == [2, 1]
    assert 0.0 < event["needs"]["hunger"] < 0.05
    assert event["wallet"] == 5.0
    state = world.export_state()
    agent = state["agents"][0]
    assert (agent["alive"], agent["terminated_tick"], agent["hunger_low_ticks"]) == (
        False,
        3,
        3,
    )
    assert state["objects"][0]["owner"] is None
    assert state["slots"][0] == {"holder": None, "released_tick": 3}


def test_terminated_agent_stays_readable_until_the_next_tick(provider: str) -> None:
    world = hungry_world(provider)
    for _ in range(3):
        wait_all(world)
    assert world.agent_ids() == ["agent_0"]
    result = wait_all(world)
    assert result.agent_ids == world.agent_ids() == []


def test_agents_do_not_faint_without_mortality(provider: str) -> None:
    world = hungry_world(provider, lifecycle__mortality=False)
    for _ in range(10):
        assert wait_all(world).terminated == []
    agent = world.export_state()["agents"][0]
    assert (agent["alive"], agent["hunger_low_ticks"]) == (True, 10)


def test_faint_schedules_a_newcomer_with_a_new_uid_after_the_delay(
    provider: str,
) -> None:
    world = hungry_world(provider)
    for _ in range(2):
        wait_all(world)
    result = wait_all(world)
    scheduled = [e for e in result.events if e["name"] == "newcomer_scheduled"]
    assert scheduled == [
        {
            "tick": 3,
            "seq": 1,
            "name": "newcomer_scheduled",
            "ticket_id": 1,
            "due_tick": 7,
        }
    ]
    assert world.export_state()["tickets"] == [
        {"ticket_id": 1, "due_tick": 7, "deferred": False}
    ]
    for _ in range(3):
        assert wait_all(world).spawned == []
    result = wait_all(world)
    assert (result.tick, result.spawned) == (7, ["agent_1"])
    newcomer = world.export_state()["agents"][0]
    assert newcomer["origin"] == "newcomer"
    assert (newcomer["uid"], newcomer["spawned_tick"]) == (1, 7)
    assert newcomer["position"] == [6, 6]
    assert (newcomer["bed"], newcomer["home"]) == (0, "home_a")
    assert newcomer["needs"]["hunger"] == 0.8 - 0.0012 * newcomer_hunger_multiplier(
        world
    )
    assert newcomer["wallet"] == 3.0
    assert newcomer["items"] == {"raw_food": 1, "meal": 1}
    assert newcomer["ctx_reset"] is True
    assert result.needs_before[0].tolist() == [0.8, 0.8, 0.8]


def newcomer_hunger_multiplier(world: Any) -> float:
    profile = world.export_state()["agents"][0]["profile"]
    return 0.95 if profile == "stoic" else 1.0


def test_newcomer_reuses_a_cooling_slot_only_when_forced(provider: str) -> None:
    world = hungry_world(provider, embedding__max_slots=1)
    for _ in range(7):
        result = wait_all(world)
    assert names_of(result.events)[:2] == ["slot_forced_reuse", "agent_spawned"]
    assert result.events[0]["slot"] == 0
    assert result.events[0]["agent_id"] == "agent_1"
    assert world.export_state()["slots"] == [{"holder": 1, "released_tick": 3}]


def test_newcomer_prefers_a_never_used_slot(provider: str) -> None:
    world = hungry_world(provider, embedding__max_slots=2)
    for _ in range(7):
        result = wait_all(world)
    assert "slot_forced_reuse" not in names_of(result.events)
    assert world.export_state()["agents"][0]["slot"] == 1


def test_due_ticket_is_dropped_when_the_town_is_full(provider: str) -> None:
    world = build_world(provider, TINY_MAP, lifecycle__population_target=1)
    tree = world.export_state()
    tree["tickets"] = [{"ticket_id": 1, "due_tick": 1, "deferred": False}]
    tree["counters"]["next_ticket"] = 2
    world.import_state(tree)
    result = wait_all(world)
    assert result.spawned == []
    assert world.export_state()["tickets"] == []


def test_spawn_delays_fall_in_the_configured_range(provider: str) -> None:
    world = build_world(
        provider,
        lifecycle__population_target=10,
        lifecycle__faint_ticks=1,
        agents__needs={"hunger": 0.05, "hygiene": 0.8, "energy": 0.8},
    )
    result = wait_all(world)
    due = [e["due_tick"] for e in result.events if e["name"] == "newcomer_scheduled"]
    assert len(due) == 10
    assert all(6 <= d <= 21 for d in due)
    assert len(set(due)) > 1
