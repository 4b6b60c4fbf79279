"""Jobs, shifts, wages and exits in both worlds (world.md 9, 10.2 work events, 16)."""

from __future__ import annotations

from typing import Any

import numpy as np
from towns import build_world

OFFICE_MAP = """townlet-map 1
size 8 8
object B bed
zone home_a home 0 0 3 3
zone home_b home 4 0 7 3
zone office work 0 4 7 7
grid
########
#B....B#
#......#
#......#
#......#
#......#
#.....@#
########
"""
"""Two homes (rows 1-3) above an office (rows 4-6); beds at (1, 1) and (6, 1)."""

IN_OFFICE = [[1, 5], [2, 5], [3, 5]]
AT_HOME = [1, 2]


def job(start: int = 480, length: int = 120, positions: int = 3) -> dict[str, Any]:
    return {
        "id": "clerk",
        "site": "office",
        "positions": positions,
        "shift_start": start,
        "shift_length": length,
        "wage_per_tick": 0.01,
    }


def office(provider: str, n: int = 2, **overrides: Any) -> Any:
    """``n`` clerks; tick 1 is minute 480, the shift's first minute."""
    settings: dict[str, Any] = {
        "lifecycle__population_target": n,
        "lifecycle__mortality": False,
        "time__start_minute": 479,
        "jobs": [job()],
    }
    settings.update(overrides)
    return build_world(provider, OFFICE_MAP, **settings)


def cmd(name: str, **args: Any) -> dict[str, Any]:
    return {"cmd_id": name, "name": name, "args": args}


def to_office(k: int) -> dict[str, Any]:
    return cmd("teleport", agent_id=f"agent_{k}", position=IN_OFFICE[k])


def step(world: Any, *commands: Any) -> Any:
    for c in commands:
        world.apply_command(c)
    return world.step(np.zeros(len(world.agent_ids()), dtype=np.int32), "primitive")


def named(result: Any, *names: str) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in e.items() if k not in ("tick", "seq")}
        for e in result.events
        if e["name"] in names
    ]


def agent(world: Any, k: int) -> dict[str, Any]:
    return next(a for a in world.export_state()["agents"] if a["uid"] == k)


def test_jobs_are_assigned_at_spawn_by_uid_and_free_positions(provider: str) -> None:
    jobs = [job(positions=1) | {"id": "a"}, job(positions=2) | {"id": "b"}]
    world = office(provider, 3, jobs=jobs)
    spawned = [e["job"] for e in world.view().events if e["name"] == "agent_spawned"]
    # uid 0 -> a; uid 1 -> b; uid 2 starts at a (2 mod 2 = 0), full -> b.
    assert spawned == ["a", "b", "b"]
    world = office(provider, 2, jobs=[job(positions=1)])
    assert [agent(world, k)["job"] for k in range(2)] == ["clerk", None]


def test_on_time_arrival_is_paid_per_present_tick_and_the_shift_ends(
    provider: str,
) -> None:
    world = office(provider, 1)
    first = step(world, to_office(0))
    assert named(first, "shift_started") == [
        {
            "name": "shift_started",
            "agent_id": "agent_0",
            "job_id": "clerk",
            "status": "on_time",
            "ticks_late": None,
        }
    ]
    wallet = 5.0 + 0.01
    for _ in range(9):
        step(world)
        wallet += 0.01
    # Away for five ticks: no wage.
    step(world, cmd("teleport", agent_id="agent_0", position=AT_HOME))
    for _ in range(4):
        step(world)
    assert agent(world, 0)["wallet"] == wallet
    step(world, to_office(0))
    wallet += 0.01
    for _ in range(104):
        step(world)
        wallet += 0.01
    shift = agent(world, 0)["shift"]
    assert (shift["state"], shift["present_ticks"]) == ("on_time", 115)
    end = step(world)  # minute 600: the first minute after the shift
    assert named(end, "shift_ended") == [
        {
            "name": "shift_ended",
            "agent_id": "agent_0",
            "job_id": "clerk",
            "outcome": "on_time",
            "present_ticks": 115,
            "paid": shift["paid"],
            "withheld": 0.0,
        }
    ]
    assert agent(world, 0)["wallet"] == wallet
    assert agent(world, 0)["shift"]["state"] == "off"


def test_late_arrival_withholds_the_fine_and_coworkers_help(provider: str) -> None:
    world = office(provider, 2)
    step(world, to_office(1))  # agent_1 on time
    for _ in range(19):
        step(world)
    late = step(world, to_office(0))  # e = 20 > grace 10
    assert named(late, "shift_started")[0] | {"name": "x"} == {
        "name": "x",
        "agent_id": "agent_0",
        "job_id": "clerk",
        "status": "late",
        "ticks_late": 20,
    }
    rel = named(late, "relationship_event")
    assert [(e["kind"], e["agent_a"], e["agent_b"]) for e in rel] == [
        ("helped_late", "agent_0", "agent_1")
    ]
    assert agent(world, 0)["wallet"] == 5.0  # the whole first wage is withheld
    for _ in range(34):
        step(world)
    # world.md 9.4, evaluated exactly as written, for 35 present ticks.
    wage, fine, paid, withheld, wallet = 0.01, 0.3, 0.0, 0.0, 5.0
    for _ in range(35):
        h = wage if wage < fine else fine
        fine -= h
        wallet += wage - h
        paid += wage - h
        withheld += h
    shift = agent(world, 0)["shift"]
    assert (shift["paid"], shift["withheld"], shift["fine_outstanding"]) == (
        paid,
        withheld,
        fine,
    )
    assert agent(world, 0)["wallet"] == wallet
    assert fine == 0.0
    assert wallet > 5.0


def test_a_missed_shift_is_an_absence_and_coworkers_take_it(provider: str) -> None:
    world = office(provider, 2)
    step(world, to_office(1))
    for _ in range(59):
        assert named(step(world), "shift_absent") == []
    absent = step(world)  # e = 60
    assert named(absent, "shift_absent") == [
        {
            "name": "shift_absent",
            "agent_id": "agent_0",
            "job_id": "clerk",
            "absences_in_window": 1,
        }
    ]
    rel = named(absent, "relationship_event")
    assert [(e["kind"], e["agent_a"], e["agent_b"]) for e in rel] == [
        ("took_shift", "agent_0", "agent_1")
    ]
    assert rel[0]["b_to_a"]["rivalry"] > 0.0
    assert agent(world, 0)["absence_days"] == [agent(world, 0)["shift"]["day"]]
    # Absent is final: arriving later earns nothing.
    step(world, to_office(0))
    for _ in range(10):
        step(world)
    assert agent(world, 0)["wallet"] == 5.0
    assert agent(world, 0)["shift"]["state"] == "absent"


def short_days(provider: str, n: int, **overrides: Any) -> Any:
    """Days of 240 ticks; tick 1 is minute 0; a 120-tick shift from minute 60."""
    settings: dict[str, Any] = {
        "lifecycle__population_target": n,
        "lifecycle__mortality": False,
        "time__ticks_per_day": 240,
        "time__start_minute": 239,
        "economy__restock_minute": 100,
        "economy__rent_per_day": 0.0,
        "jobs": [job(start=60, length=120)],
        "employment__absent_after_ticks": 10,
    }
    settings.update(overrides)
    return build_world(provider, OFFICE_MAP, **settings)


def run_until(world: Any, name: str, limit: int = 2000) -> Any:
    for _ in range(limit):
        result = step(world)
        if any(e["name"] == name for e in result.events):
            return result
    raise AssertionError(f"no {name} within {limit} ticks")


def test_absences_evict_within_the_daily_cap_and_the_cooldown(provider: str) -> None:
    # agent_2 (homeless) spawns on the spawn tile, inside the office: it works.
    world = short_days(
        provider, 3, exits__exit_cooldown_ticks=200, exits__daily_exit_cap=1
    )
    first = run_until(world, "exit_pending")
    # Day 3 (the third shift): both reach three absences in the same tick.
    assert world.day == 3
    pending = named(first, "exit_pending")
    assert [(e["agent_id"], e["reason"], e["queue_length"]) for e in pending] == [
        ("agent_0", "absences", 1),
        ("agent_1", "absences", 2),
    ]
    took = [
        (e["agent_a"], e["agent_b"])
        for e in named(first, "relationship_event")
        if e["kind"] == "took_shift"
    ]
    assert took == [("agent_0", "agent_2"), ("agent_1", "agent_2")]
    evicted = [
        (e["agent_id"], e["reason"], e["detail"])
        for e in first.events
        if e["name"] == "agent_terminated"
    ]
    assert evicted == [("agent_0", "eviction", "absences")]
    t0 = first.tick
    assert world.export_state()["exits"]["exits_today"] == 1
    # The cap (1) holds agent_1 for the rest of the day; the new day resets the
    # count 170 ticks later, but the cooldown (200) still holds it.
    second = run_until(world, "agent_terminated")
    assert second.tick == t0 + 200
    assert world.day == 4
    assert second.terminated == [("agent_1", "eviction")]
    exits = world.export_state()["exits"]
    assert exits == {"queue": [], "exits_today": 1, "last_exit_tick": second.tick}


def test_missed_rent_three_times_evicts_at_step_12(provider: str) -> None:
    world = short_days(
        provider, 1, economy__rent_per_day=1.0, agents__wallet=0.0, jobs=[]
    )
    results = [step(world)]
    for _ in range(2):
        for _ in range(239):
            step(world)
        results.append(step(world))
    assert [named(r, "rent_missed")[0]["streak"] for r in results] == [1, 2, 3]
    last = results[-1]
    assert named(last, "exit_pending") == [
        {
            "name": "exit_pending",
            "agent_id": "agent_0",
            "reason": "rent",
            "queue_length": 1,
        }
    ]
    terminated = [e for e in last.events if e["name"] == "agent_terminated"]
    assert [(e["reason"], e["detail"]) for e in terminated] == [("eviction", "rent")]
    names = [e["name"] for e in last.events]
    assert names.index("exit_pending") < names.index("agent_terminated")


def test_a_pending_agent_who_pays_again_is_reprieved(provider: str) -> None:
    world = short_days(
        provider,
        1,
        economy__rent_per_day=1.0,
        agents__wallet=0.0,
        exits__rent_missed_limit=1,
        exits__daily_exit_cap=0,
        jobs=[],
    )
    first = step(world)
    assert [e["name"] for e in first.events].count("exit_pending") == 1
    assert agent(world, 0)["exit_pending"]
    tree = world.export_state()
    tree["agents"][0]["wallet"] = 3.0
    world.import_state(tree)
    for _ in range(239):
        step(world)
    paid = step(world)
    assert named(paid, "rent_paid")[0]["streak"] == 0
    result = step(world, cmd("set_exit_cap", daily_exit_cap=1))
    assert named(result, "world_setting_changed") == [
        {"name": "world_setting_changed", "key": "daily_exit_cap", "value": 1}
    ]
    assert named(result, "exit_reprieved") == [
        {
            "name": "exit_reprieved",
            "agent_id": "agent_0",
            "reason": "rent",
            "queue_length": 0,
        }
    ]
    assert not agent(world, 0)["exit_pending"]
    assert agent(world, 0)["alive"]


def test_console_exit_approve_and_defer(provider: str) -> None:
    world = short_days(
        provider,
        2,
        economy__rent_per_day=1.0,
        agents__wallet=0.0,
        exits__rent_missed_limit=1,
        exits__daily_exit_cap=0,
        jobs=[],
    )
    step(world)  # both miss rent and are pending; the cap pauses evictions
    assert [agent(world, k)["exit_pending"] for k in range(2)] == [True, True]
    result = step(
        world,
        cmd("exit_defer", agent_id="agent_1"),
        cmd("exit_defer", agent_id="agent_1"),
        cmd("exit_approve", agent_id="agent_0"),
        cmd("exit_approve", agent_id="agent_0"),
        cmd("exit_approve", agent_id="agent_9"),
        cmd("set_exit_cap", daily_exit_cap=-1),
    )
    assert [(r.ok, r.code) for r in result.command_results] == [
        (True, None),
        (False, "conflict"),
        (True, None),
        (True, None),
        (False, "not_found"),
        (False, "invalid_args"),
    ]
    assert result.command_results[1].message == "exit_defer: agent_1 is not pending"
    assert named(result, "exit_reprieved")[0]["agent_id"] == "agent_1"
    # Approved twice, evicted once, regardless of the cap of 0.
    assert result.terminated == [("agent_0", "eviction")]
    event = next(e for e in result.events if e["name"] == "agent_terminated")
    assert event["detail"] == "manual"
    exits = world.export_state()["exits"]
    assert (exits["queue"], exits["exits_today"]) == ([], 1)
    assert exits["last_exit_tick"] == result.tick


def test_python_readers_on_shift_and_job() -> None:
    """The Python twin of econ.rs `on_shift_needs_an_arrival_and_presence`."""
    from townlet.world.employment import on_shift, present

    world = office("python", 1)
    state = world._state
    agent = state.agents[0]
    assert not on_shift(state, agent)
    step(world, to_office(0))
    assert present(state, agent)
    assert on_shift(state, agent)
    assert state.settings.jobs[agent.job].id == "clerk"
    step(world, cmd("teleport", agent_id="agent_0", position=AT_HOME))
    assert not on_shift(state, agent)
