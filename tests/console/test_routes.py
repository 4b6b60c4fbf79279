"""HTTP and WebSocket ingress (operations.md 2.8) on a minimal Starlette app."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from console_helpers import ADMIN, VIEWER

pytest.importorskip("starlette", reason="the serve extra (starlette) is not installed")
pytest.importorskip("httpx", reason="httpx (dev extra) is needed by the test client")

from starlette.applications import Starlette
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from townlet.console.driver import TickDriver
from townlet.console.routes import console_routes

AUTH = {"Authorization": f"Bearer {ADMIN}"}


@pytest.fixture
def client(sim: Any) -> Iterator[TestClient]:
    _, service = sim
    with TestClient(Starlette(routes=console_routes(service))) as test_client:
        yield test_client


def test_post_status_and_http_codes(client: TestClient, sim: Any) -> None:
    ok = client.post("/api/console", json={"name": "status"})
    assert ok.status_code == 200
    assert ok.json()["result"]["tick"] == 0
    assert client.post("/api/console", content=b"nope").status_code == 400
    assert client.post("/api/console", json={"name": "teleprt"}).status_code == 404
    assert (
        client.post("/api/console", json={"cmd_id": "p", "name": "pause"}).status_code
        == 401
    )
    viewer = {"Authorization": f"Bearer {VIEWER}"}
    assert (
        client.post(
            "/api/console", json={"cmd_id": "p", "name": "pause"}, headers=viewer
        ).status_code
        == 403
    )
    big = client.post("/api/console", content=b"{" + b" " * 70_000)
    assert big.status_code == 413
    assert big.json()["error"]["code"] == "too_large"
    bad = client.post(
        "/api/console",
        json={"cmd_id": "s", "name": "spawn", "args": {"position": "a"}},
        headers=AUTH,
    )
    assert bad.status_code == 422


def test_in_tick_command_returns_202_then_result_is_polled(
    client: TestClient, sim: Any
) -> None:
    loop, _ = sim
    env = {
        "cmd_id": "sn",
        "name": "setneed",
        "args": {"agent_id": "agent_0", "needs": {"hunger": 0.3}},
    }
    first = client.post("/api/console?wait=0", json=env, headers=AUTH)
    assert first.status_code == 202
    assert first.json()["status"] == "accepted"
    loop.step()
    polled = client.get("/api/console/results/sn", headers=AUTH)
    assert polled.status_code == 200
    assert polled.json()["applied_tick"] == 1
    other = client.get("/api/console/results/sn")  # anonymous: not the same principal
    assert other.status_code == 404


def test_catalogue_lists_every_command(client: TestClient) -> None:
    commands = client.get("/api/console/commands").json()["commands"]
    assert {c["name"] for c in commands} >= {"teleport", "status", "snapshot_save"}
    teleport = next(c for c in commands if c["name"] == "teleport")
    assert teleport["role"] == "admin"
    assert teleport["params"]["properties"]["position"]["minItems"] == 2


def test_query_string_token_is_refused(client: TestClient) -> None:
    got = client.post(f"/api/console?token={ADMIN}", json={"name": "status"})
    assert got.status_code == 401


def test_websocket_hello_command_ack_result(client: TestClient, sim: Any) -> None:
    loop, service = sim
    with client.websocket_connect("/ws/console") as ws:
        ws.send_json({"type": "hello", "token": ADMIN})
        assert ws.receive_json() == {"type": "hello", "ok": True}
        ws.send_json({"type": "command", "envelope": {"name": "status"}})
        assert ws.receive_json()["type"] == "ack"
        assert ws.receive_json()["envelope"]["status"] == "ok"
        ws.send_json(
            {
                "type": "command",
                "envelope": {
                    "cmd_id": "w1",
                    "name": "setneed",
                    "args": {"agent_id": "agent_0", "needs": {"hunger": 0.2}},
                },
            }
        )
        ack = ws.receive_json()
        assert ack["envelope"]["status"] == "accepted"
        with service.lock:
            loop.step()
        result = ws.receive_json()
        assert result["type"] == "result"
        assert result["envelope"]["status"] == "ok"
        ws.send_text("not json")
        assert ws.receive_json()["error"]["code"] == "bad_json"
        ws.send_text("x" * 70_000)
        assert ws.receive_json()["error"]["code"] == "too_large"
        ws.send_json({"type": "command", "envelope": {"name": "status"}})
        assert ws.receive_json()["type"] == "ack"  # still open after bad messages


def test_websocket_closes_after_20_bad_messages(client: TestClient) -> None:
    with client.websocket_connect("/ws/console") as ws:
        for _ in range(19):
            ws.send_text("{")
            assert ws.receive_json()["type"] == "error"
        ws.send_text("{")
        assert ws.receive_json()["type"] == "error"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 1008


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_real_server_with_tick_driver_and_cli_client(sim: Any) -> None:
    uvicorn = pytest.importorskip("uvicorn", reason="the serve extra is not installed")
    from click.testing import CliRunner

    from townlet.cli.main import cli

    loop, service = sim
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            Starlette(routes=console_routes(service)),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            ws_max_size=2**20,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    driver = TickDriver(loop, service, tps=200)
    thread.start()
    driver.start()
    try:
        while not server.started:
            time.sleep(0.01)
        url = f"http://127.0.0.1:{port}"
        runner = CliRunner()
        out = runner.invoke(cli, ["console", "--url", url, "--json", "status"])
        assert out.exit_code == 0, out.output
        assert json.loads(out.output)["status"] == "ok"
        out = runner.invoke(
            cli,
            [
                "console",
                "--url",
                url,
                "--token",
                ADMIN,
                "teleport",
                "agent_0",
                "1",
                "1",
            ],
        )
        assert out.exit_code == 2
        assert "not_walkable" in out.output
        out = runner.invoke(cli, ["console", "--url", url, "--token", ADMIN, "pause"])
        assert out.exit_code == 0, out.output
        paused_at = loop.tick
        out = runner.invoke(
            cli, ["console", "--url", url, "--token", ADMIN, "step", "2"]
        )
        assert out.exit_code == 0, out.output
        assert loop.tick == paused_at + 2
        from websockets.sync.client import connect

        with connect(f"ws://127.0.0.1:{port}/ws/console") as ws:
            ws.send(json.dumps({"type": "hello", "token": ADMIN}))
            assert json.loads(ws.recv(timeout=10)) == {"type": "hello", "ok": True}
            ws.send(
                json.dumps(
                    {
                        "type": "command",
                        "envelope": {
                            "cmd_id": "ws-1",
                            "name": "setneed",
                            "args": {"agent_id": "agent_0", "needs": {"hunger": 0.2}},
                        },
                    }
                )
            )
            assert json.loads(ws.recv(timeout=10))["envelope"]["status"] == "accepted"
            out = runner.invoke(
                cli, ["console", "--url", url, "--token", ADMIN, "step", "1"]
            )
            assert out.exit_code == 0, out.output
            final = json.loads(ws.recv(timeout=10))
            assert final["type"] == "result"
            assert final["envelope"]["status"] == "ok"
        out = runner.invoke(
            cli,
            ["console", "--url", url, "--token", ADMIN],
            input="resume\nstatus\nquit\n",
        )
        assert out.exit_code == 0, out.output
    finally:
        driver.stop()
        server.should_exit = True
        thread.join(5)
    assert driver.error is None
