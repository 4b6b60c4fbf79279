"""Every command of the catalogue (operations.md 2.9) through the pipeline."""

from __future__ import annotations

from typing import Any

import pytest
from console_helpers import VIEWER, post

from townlet.console import CATALOGUE
from townlet.core.types import TelemetryEvent

SPEC_COMMANDS = {
    "help",
    "status",
    "agent",
    "snapshot",
    "telemetry_snapshot",
    "employment_status",
    "affordance_status",
    "spawn",
    "teleport",
    "setneed",
    "set_rel",
    "price",
    "force_chat",
    "arrange_meet",
    "kill",
    "toggle_mortality",
    "set_exit_cap",
    "set_spawn_delay",
    "set_population_target",
    "exit_approve",
    "exit_defer",
    "perturbation_trigger",
    "perturbation_cancel",
    "possess",
    "act",
    "snapshot_save",
    "pause",
    "resume",
    "step",
    "narrate",
}


def test_catalogue_holds_every_spec_command_with_schema() -> None:
    assert set(CATALOGUE) == SPEC_COMMANDS
    for spec in CATALOGUE.values():
        described = spec.describe()
        assert described["params"]["type"] == "object"
        assert described["role"] in ("viewer", "admin")
        assert described["application"] in ("immediate", "in_tick")


def test_help_lists_usage_and_one_command(sim: Any) -> None:
    _, service = sim
    names = [c["name"] for c in post(service, {"name": "help"})["result"]["commands"]]
    assert names == sorted(SPEC_COMMANDS)
    one = post(service, {"name": "help", "args": {"command": "teleport"}})["result"]
    assert one["params"]["required"] == ["agent_id", "position"]
    assert post(service, {"name": "help", "args": {"command": "nope"}})["error"][
        "code"
    ] == ("not_found")


def test_status_reports_tick_pacing_and_queue(sim: Any) -> None:
    loop, service = sim
    loop.run(3)
    post(
        service,
        {
            "cmd_id": "q",
            "name": "setneed",
            "args": {"agent_id": "agent_0", "needs": {"hunger": 0.5}},
        },
    )
    status = post(service, {"name": "status"}, token=VIEWER)["result"]
    assert status["tick"] == 3
    assert status["pending_commands"] == 1
    assert status["paused"] is False
    assert status["agents_alive"] == 10
    assert set(status["providers"]) == {"world", "policy", "telemetry"}
    assert isinstance(status["telemetry"], dict)
    assert "dropped" in status["telemetry"]


def test_agent_returns_record_ties_and_events(sim: Any) -> None:
    loop, service = sim
    loop.run(2)
    got = post(service, {"name": "agent", "args": {"id": "agent_3"}})["result"]
    assert got["agent"]["id"] == "agent_3"
    assert isinstance(got["ties"], list)
    assert post(service, {"name": "agent", "args": {"id": "agent_99"}})["error"][
        "code"
    ] == ("not_found")


def test_snapshot_inline_has_every_section(sim: Any) -> None:
    loop, service = sim
    loop.run(1)
    state = post(service, {"name": "snapshot"})["result"]
    assert set(state) == {"world", "loop", "policy", "stability", "telemetry"}
    assert state["world"]["tick"] == 1
    only = post(service, {"name": "snapshot", "args": {"sections": ["policy"]}})[
        "result"
    ]
    assert set(only) == {"policy"}


def test_telemetry_snapshot_unavailable_without_frames(sim: Any) -> None:
    _, service = sim
    got = post(service, {"name": "telemetry_snapshot"})
    assert got["error"]["code"] == "unavailable"
    assert got["error"]["details"]["frame"]["tick"] == 0
    service.frame_provider = lambda: {"tick": 0, "frame": "full"}
    got = post(service, {"name": "telemetry_snapshot"})
    # the default loop in the fixture uses the null sink, a stub
    assert got["status"] in ("ok", "error")


def test_employment_and_affordance_status(sim: Any) -> None:
    loop, service = sim
    loop.run(5)
    emp = post(service, {"name": "employment_status"})["result"]
    assert len(emp["agents"]) == 10
    aff = post(service, {"name": "affordance_status"})["result"]
    assert set(aff) == {"running", "queues"}


def test_pause_resume_step(sim: Any) -> None:
    loop, service = sim
    assert post(service, {"cmd_id": "s0", "name": "step"})["error"]["code"] == (
        "precondition_failed"
    )
    assert post(service, {"cmd_id": "r0", "name": "resume"})["error"]["code"] == (
        "precondition_failed"
    )
    assert post(service, {"cmd_id": "p", "name": "pause"})["result"] == {
        "paused": True,
        "tick": 0,
    }
    assert post(service, {"cmd_id": "s", "name": "step", "args": {"n": 3}})[
        "result"
    ] == {"tick": 3}
    assert loop.tick == 3
    assert post(service, {"cmd_id": "r", "name": "resume"})["result"]["paused"] is False


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("spawn", {"name": "Zed", "wallet": 3.0}),
        ("teleport", {"agent_id": "agent_0", "position": [5, 20]}),
        ("setneed", {"agent_id": "agent_0", "needs": {"hunger": 0.1}}),
        ("set_rel", {"agent_a": "agent_0", "agent_b": "agent_1", "trust": 0.5}),
        ("price", {"key": "meal", "value": 2.0}),
        ("force_chat", {"speaker": "agent_0", "listener": "agent_1"}),
        ("arrange_meet", {"agents": ["agent_0", "agent_1"], "duration": 30}),
        ("kill", {"agent_id": "agent_4"}),
        ("toggle_mortality", {"enabled": False}),
        ("set_exit_cap", {"daily_exit_cap": 2}),
        ("set_spawn_delay", {"min": 10, "max": 20}),
        ("set_population_target", {"n": 8}),
        ("exit_approve", {"agent_id": "agent_5"}),
        ("perturbation_trigger", {"spec": "blackout", "duration": 30}),
        ("narrate", {"message": "Hello"}),
    ],
)
def test_in_tick_commands_apply_at_the_next_tick(
    sim: Any, name: str, args: Any
) -> None:
    loop, service = sim
    loop.run(2)
    accepted = post(service, {"cmd_id": f"c-{name}", "name": name, "args": args})
    assert accepted["status"] == "accepted"
    assert accepted["apply_tick"] == 3
    loop.step()
    final = service.lookup("env-admin", f"c-{name}")
    assert final is not None
    assert final.status == "ok", final.error
    assert final.applied_tick == 3
    if name in ("perturbation_trigger", "arrange_meet"):
        assert final.result["event_id"] == "evt_1"
        assert final.result["ends_at"] > final.result["starts_at"] >= 3
    assert service.input_log[-1]["name"] == name
    assert "token" not in service.input_log[-1]


def test_exit_defer_of_non_pending_agent_is_conflict(sim: Any) -> None:
    loop, service = sim
    post(
        service, {"cmd_id": "d", "name": "exit_defer", "args": {"agent_id": "agent_0"}}
    )
    loop.step()
    final = service.lookup("env-admin", "d")
    assert final is not None
    assert final.error is not None
    assert final.error["code"] == "conflict"


def test_possessed_agent_takes_its_actions_from_the_console(sim: Any) -> None:
    loop, service = sim
    loop.run(2)
    post(
        service,
        {
            "cmd_id": "own",
            "name": "possess",
            "args": {"agent_id": "agent_0", "action": "acquire"},
        },
    )
    loop.step()
    owned = service.lookup("env-admin", "own")
    assert owned is not None
    assert owned.status == "ok", owned.error
    start = next(a for a in loop.world.export_state()["agents"] if a["id"] == "agent_0")
    for _ in range(3):  # no act: the agent waits in place whatever the policy says
        loop.step()
    here = next(a for a in loop.world.export_state()["agents"] if a["id"] == "agent_0")
    assert here["position"] == start["position"]
    assert here["last_action"]["kind"] == "wait"
    post(
        service,
        {
            "cmd_id": "mv",
            "name": "act",
            "args": {"agent_id": "agent_0", "action": {"kind": "move", "dir": "N"}},
        },
    )
    loop.step()
    moved = next(a for a in loop.world.export_state()["agents"] if a["id"] == "agent_0")
    assert (
        moved["last_action"]["kind"] == "move"
    )  # the console's action, not the policy's
    post(
        service,
        {
            "cmd_id": "twice",
            "name": "possess",
            "args": {"agent_id": "agent_0", "action": "acquire"},
        },
    )
    post(
        service,
        {
            "cmd_id": "act1",
            "name": "act",
            "args": {"agent_id": "agent_0", "action": {"kind": "wait"}},
        },
    )
    loop.step()
    twice = service.lookup("env-admin", "twice")
    acted = service.lookup("env-admin", "act1")
    assert twice is not None
    assert twice.error is not None
    assert twice.error["code"] == "conflict"
    assert acted is not None
    assert acted.status == "ok", acted.error
    post(
        service,
        {
            "cmd_id": "rel",
            "name": "possess",
            "args": {"agent_id": "agent_0", "action": "release"},
        },
    )
    loop.step()
    released = service.lookup("env-admin", "rel")
    assert released is not None
    assert released.result["possessed"] is False


def test_snapshot_save_writes_a_file_at_the_end_of_the_tick(sim: Any) -> None:
    loop, service = sim
    post(service, {"cmd_id": "ss", "name": "snapshot_save", "args": {"name": "mine"}})
    loop.step()
    saved = service.lookup("env-admin", "ss")
    assert saved is not None
    assert saved.status == "ok", saved.error
    assert saved.result["tick"] == 1
    assert saved.result["state_hash"] == loop.world.state_hash()
    assert saved.result["path"].endswith("t000000001-mine.json.gz")
    bad = post(
        service, {"cmd_id": "sx", "name": "snapshot_save", "args": {"name": "../x"}}
    )
    assert bad["error"]["code"] == "invalid_args"
    post(service, {"cmd_id": "s2", "name": "snapshot_save", "args": {"name": "mine"}})
    loop.step()
    assert post(service, {"cmd_id": "s3", "name": "status"})["status"] == "ok"


def test_results_are_emitted_as_console_result_events(sim: Any) -> None:
    loop, service = sim
    seen: list[TelemetryEvent] = []
    original = loop.telemetry.emit
    loop.telemetry.emit = lambda event: (seen.append(event), original(event))[1]  # type: ignore[method-assign]
    post(
        service,
        {
            "cmd_id": "e",
            "name": "setneed",
            "args": {"agent_id": "agent_0", "needs": {"hunger": 0.4}},
        },
    )
    loop.step()
    results = [e for e in seen if e.kind == "console.result"]
    assert [e.payload["cmd_id"] for e in results] == ["e"]
