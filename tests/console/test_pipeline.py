"""The ingress pipeline and the bad input matrix (operations.md 2.3, 2.5, 2.11).

Every row of the matrix is a test here; after each the service still answers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from console_helpers import ADMIN, VIEWER, WALL, Clock, post

from townlet.config.console import ConsoleConfig
from townlet.console import ConsoleService
from townlet.console.audit import AuditLog


def audit_lines(service: ConsoleService) -> list[dict[str, Any]]:
    return [json.loads(x) for x in service.audit.path.read_text().splitlines()]


def still_up(service: ConsoleService) -> None:
    assert post(service, {"name": "status"})["status"] == "ok"


def test_body_that_is_not_json_is_bad_json_with_position(sim: Any) -> None:
    _, service = sim
    got = post(service, b'{"name": "status",\n oops}')
    assert got["error"]["code"] == "bad_json"
    assert got["error"]["details"] == {"line": 2, "column": 2}
    assert audit_lines(service)[-1]["stage"] == "rejected"
    still_up(service)


@pytest.mark.parametrize(
    "envelope",
    [
        {"args": {}},
        {"name": "status", "args": [1]},
        {"name": 3},
        [1, 2],
        {"name": "status", "cmd_id": "bad id!"},
        {"name": "status", "extra": 1},
        {"name": "status", "args": {"a": {"b": {"c": {"d": {}}}}}},
    ],
)
def test_malformed_envelopes_are_bad_envelope(sim: Any, envelope: Any) -> None:
    _, service = sim
    got = post(service, envelope)
    assert got["error"]["code"] == "bad_envelope"
    assert got["error"]["details"]["errors"]
    still_up(service)


def test_nan_is_refused_as_bad_json(sim: Any) -> None:
    _, service = sim
    assert (
        post(service, b'{"name": "status", "args": {"x": NaN}}')["error"]["code"]
        == "bad_json"
    )


def test_admin_command_without_token_is_unauthenticated(sim: Any) -> None:
    _, service = sim
    got = post(
        service,
        {"cmd_id": "k1", "name": "kill", "args": {"agent_id": "agent_0"}},
        token=None,
    )
    assert got["error"]["code"] == "unauthenticated"
    assert audit_lines(service)[-1]["principal"] == "anonymous"
    still_up(service)


def test_viewer_token_on_admin_command_is_forbidden(sim: Any) -> None:
    _, service = sim
    got = post(service, {"cmd_id": "k1", "name": "pause"}, token=VIEWER)
    assert got["error"]["code"] == "forbidden"
    assert got["principal"] == "env-viewer"


def test_wrong_token_is_unauthenticated_and_ten_failures_block(
    sim: Any, clock: Clock
) -> None:
    _, service = sim
    for _ in range(10):
        assert post(service, {"name": "status"}, token="x" * 20)["error"]["code"] == (
            "unauthenticated"
        )
    assert post(service, {"name": "status"})["error"]["code"] == "rate_limited"
    assert post(service, {"name": "status"}, remote="10.0.0.2:1")["status"] == "ok"
    clock.now += 61
    still_up(service)


def test_unknown_command_suggests_the_closest(sim: Any) -> None:
    _, service = sim
    got = post(service, {"name": "teleprt"})
    assert got["error"]["code"] == "unknown_command"
    assert got["error"]["details"]["suggestion"] == "teleport"


def test_spawn_with_bad_position_is_invalid_args(sim: Any) -> None:
    _, service = sim
    got = post(service, {"cmd_id": "s1", "name": "spawn", "args": {"position": "a"}})
    assert got["error"]["code"] == "invalid_args"
    assert got["error"]["details"]["errors"][0]["field"] == "position"
    assert service.pending_count == 0
    # not cached: the client fixes the command and retries with the same id
    fixed = post(service, {"cmd_id": "s1", "name": "spawn", "args": {"wallet": 2.0}})
    assert fixed["status"] == "accepted"


def test_teleport_onto_a_wall_is_not_walkable_cached_and_changes_nothing(
    sim: Any,
) -> None:
    loop, service = sim
    before = loop.world.export_state()
    env = {
        "cmd_id": "t1",
        "name": "teleport",
        "args": {"agent_id": "agent_0", "position": WALL},
    }
    accepted = post(service, env)
    assert accepted["status"] == "accepted"
    assert accepted["apply_tick"] == 1
    loop.step()
    final = service.lookup("env-admin", "t1")
    assert final is not None
    assert final.error is not None
    assert final.error["code"] == "not_walkable"
    assert final.applied_tick == 1
    agent = next(a for a in loop.world.export_state()["agents"] if a["id"] == "agent_0")
    was = next(a for a in before["agents"] if a["id"] == "agent_0")
    assert agent["position"] != WALL
    assert was["position"] != WALL
    again = post(service, env)
    assert again["replayed"] is True
    assert again["error"]["code"] == "not_walkable"


def test_body_over_64_kib_is_too_large_and_not_parsed(sim: Any) -> None:
    _, service = sim
    got = post(service, b"{" + b" " * (65 * 1024))
    assert got["error"]["code"] == "too_large"
    still_up(service)


def test_same_cmd_id_resent_is_replayed_and_applied_once(sim: Any) -> None:
    loop, service = sim
    env = {"cmd_id": "sp", "name": "spawn", "args": {"wallet": 1.0}}
    first = post(service, env)
    second = post(service, env)
    assert second["replayed"] is True
    assert second["cmd_id"] == first["cmd_id"]
    assert service.pending_count == 1
    agents = len(loop.world.agent_ids())
    loop.step()
    assert len(loop.world.agent_ids()) == agents + 1
    assert post(service, env)["status"] == "ok"


def test_same_cmd_id_with_another_payload_is_conflict(sim: Any) -> None:
    _, service = sim
    post(service, {"cmd_id": "c", "name": "spawn", "args": {"wallet": 1.0}})
    got = post(service, {"cmd_id": "c", "name": "spawn", "args": {"wallet": 2.0}})
    assert got["error"]["code"] == "conflict"
    assert got["error"]["details"]["reason"] == "cmd_id_reused"


def test_300_commands_while_paused_256_accepted_rest_busy(tmp_path: Path) -> None:
    from townlet.config import load_config
    from townlet.core.build import build_simulation

    config = load_config()
    loop = build_simulation(config, world="python")
    service = ConsoleService(
        ConsoleConfig(rate={"per_s": 1000, "burst": 1000}),
        audit=AuditLog(tmp_path / "a.jsonl"),
        environ={"TOWNLET_ADMIN_TOKEN": ADMIN},
    )
    loop.start()
    service.attach(loop)
    assert post(service, {"cmd_id": "p", "name": "pause"})["status"] == "ok"
    codes = [
        post(
            service,
            {
                "cmd_id": f"n{i}",
                "name": "setneed",
                "args": {"agent_id": "agent_0", "needs": {"hunger": i / 300}},
            },
        )["status"]
        if i < 256
        else post(
            service,
            {
                "cmd_id": f"n{i}",
                "name": "setneed",
                "args": {"agent_id": "agent_0", "needs": {"hunger": 0.5}},
            },
        )["error"]["code"]
        for i in range(300)
    ]
    assert codes[:256] == ["accepted"] * 256
    assert codes[256:] == ["busy"] * 44
    assert service.pending_count == 256
    # busy is not cached: after the queue drains the client can retry the same id
    assert (
        post(service, {"cmd_id": "s", "name": "step", "args": {"n": 1}})["status"]
        == "ok"
    )
    assert service.pending_count == 0
    retry = post(
        service,
        {
            "cmd_id": "n299",
            "name": "setneed",
            "args": {"agent_id": "agent_0", "needs": {"hunger": 0.5}},
        },
    )
    assert retry["status"] == "accepted"
    loop.stop()


def test_rate_limit_per_principal(sim: Any, clock: Clock) -> None:
    _, service = sim
    statuses = [post(service, {"name": "status"})["status"] for _ in range(41)]
    assert statuses[:40] == ["ok"] * 40
    assert post(service, {"name": "status"})["error"]["code"] == "rate_limited"
    clock.now += 1.0
    assert post(service, {"name": "status"})["status"] == "ok"


def test_admin_command_needs_a_cmd_id(sim: Any) -> None:
    _, service = sim
    got = post(service, {"name": "pause"})
    assert got["error"]["code"] == "bad_envelope"
    assert got["error"]["details"]["reason"] == "cmd_id_required"


def test_viewer_commands_get_a_server_cmd_id(sim: Any) -> None:
    _, service = sim
    assert post(service, {"name": "status"}, token=None)["cmd_id"] == "srv-r-test-1"


def test_audit_lines_never_hold_the_token(sim: Any) -> None:
    loop, service = sim
    post(
        service,
        {
            "cmd_id": "a1",
            "name": "setneed",
            "token": ADMIN,
            "args": {"agent_id": "agent_0", "needs": {"hunger": 0.5}},
        },
        token=None,
    )
    loop.step()
    text = service.audit.path.read_text()
    assert ADMIN not in text
    stages = [line["stage"] for line in audit_lines(service) if line["cmd_id"] == "a1"]
    assert stages == ["accepted", "result"]
    last = audit_lines(service)[-1]
    assert {
        "ts",
        "run_id",
        "tick",
        "stage",
        "cmd_id",
        "name",
        "args",
        "principal",
        "issuer",
        "remote",
        "status",
        "error.code",
        "latency_ms",
    } <= set(last)


def test_unwritable_audit_log_makes_commands_unavailable(
    sim: Any, tmp_path: Path
) -> None:
    _, service = sim
    blocker = tmp_path / "file"
    blocker.write_text("")
    service.audit = AuditLog(blocker / "audit.jsonl")
    assert post(service, {"name": "status"})["error"]["code"] == "unavailable"
    service.audit = AuditLog(tmp_path / "ok.jsonl")
    still_up(service)


def test_handler_fault_is_internal_and_marks_degraded(
    sim: Any, monkeypatch: Any
) -> None:
    _, service = sim
    spec = service.catalogue["employment_status"]

    def boom(_service: Any, _args: Any) -> Any:
        raise RuntimeError("bug")

    import dataclasses

    service.catalogue["employment_status"] = dataclasses.replace(spec, handler=boom)
    got = post(service, {"name": "employment_status"})
    assert got["error"]["code"] == "internal"
    error_id = got["error"]["details"]["error_id"]
    status = post(service, {"name": "status"})["result"]
    assert any(error_id in d["message"] for d in status["degraded"])


def test_config_tokens_and_errors_name_the_variable_not_the_value() -> None:
    from townlet.config.console import AuthConfig
    from townlet.console.auth import TokenStore
    from townlet.errors import ConfigError

    auth = AuthConfig(
        tokens=[{"label": "ops", "role": "admin", "token_env": "OPS_TOK"}]
    )
    with pytest.raises(ConfigError, match="OPS_TOK"):
        TokenStore.from_config(auth, {})
    with pytest.raises(ConfigError, match="shorter than 16"):
        TokenStore.from_config(auth, {"OPS_TOK": "short"})
    with pytest.raises(ConfigError, match="same token"):
        TokenStore.from_config(auth, {"OPS_TOK": ADMIN, "TOWNLET_ADMIN_TOKEN": ADMIN})
    store = TokenStore.from_config(auth, {"OPS_TOK": "o" * 16})
    principal = store.resolve("o" * 16, "1.2.3.4:5")
    assert principal is not None
    assert (principal.name, principal.role) == ("ops", "admin")
    assert store.resolve("p" * 16, "1.2.3.4:5") is None


def test_bind_notices_for_non_loopback_hosts(sim: Any) -> None:
    _, service = sim
    assert service.log_bind_notices("127.0.0.1") == []
    notices = service.log_bind_notices("0.0.0.0")
    assert any("anonymous viewers" in n for n in notices)
    assert not any("admin commands unavailable" in n for n in notices)
