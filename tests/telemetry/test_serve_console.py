"""``townlet serve`` wiring: the console routes sit beside the telemetry routes and
its pause/resume/step drive the runner that paces the ticks (operations.md 2.8, 4.1).
"""

from __future__ import annotations

import time

import pytest

import townlet

pytest.importorskip("httpx", reason="httpx drives Starlette's TestClient")
from starlette.testclient import TestClient

from townlet.serve.session import build_served

ADMIN = "serve-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {ADMIN}"}


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


@pytest.fixture
def served(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # audit log and snapshots land here
    monkeypatch.setenv("TOWNLET_TEST_ADMIN", ADMIN)
    cfg = townlet.load_config(
        overrides={
            "telemetry.world_every_ticks": 1,
            "console.auth.tokens": [
                {"label": "ops", "role": "admin", "token_env": "TOWNLET_TEST_ADMIN"}
            ],
        }
    )
    served = build_served(cfg, telemetry="websocket", tps=0, paused=True)
    with TestClient(served.app) as client:
        yield served, client
    served.runner.stop()


def tick_of(s):
    """The tick, read under the console lock the runner ticks under."""
    with s.console.lock:
        return s.runner.loop.tick


def command(client, name, args=None, cmd_id=None, headers=AUTH, wait=5):
    body = {"name": name, "args": args or {}}
    if cmd_id is not None:
        body["cmd_id"] = cmd_id
    return client.post(f"/api/console?wait={wait}", json=body, headers=headers)


def test_console_pause_resume_and_step_drive_the_served_runner(served):
    s, client = served
    runner = s.runner
    runner.start()
    wait_for(lambda: runner.is_started)
    assert runner.paused
    assert s.console.paused
    stepped = command(client, "step", {"n": 3}, cmd_id="st")
    assert stepped.status_code == 200, stepped.json()
    assert runner.loop.tick == 3
    assert command(client, "resume", cmd_id="r").status_code == 200
    assert not runner.paused
    wait_for(lambda: tick_of(s) >= 10)
    assert command(client, "pause", cmd_id="p").status_code == 200
    assert runner.paused
    frozen = tick_of(s)
    time.sleep(0.3)
    assert tick_of(s) == frozen
    meta = client.get("/api/meta").json()
    assert meta["serve"]["paused"] is True
    state = client.get("/api/state").json()
    assert state["tick"] == frozen


def test_admin_command_changes_the_world_and_a_tokenless_one_is_refused(served):
    s, client = served
    runner = s.runner
    runner.start()
    wait_for(lambda: runner.is_started)
    args = {"agent_id": "agent_0", "needs": {"hunger": 0.25}}
    refused = command(client, "setneed", args, cmd_id="n0", headers={})
    assert refused.status_code == 401
    queued = command(client, "setneed", args, cmd_id="n1", wait=0)
    assert queued.status_code == 202  # in-tick: applied at phase 1 of the next tick
    assert command(client, "step", {"n": 1}, cmd_id="st").status_code == 200
    result = client.get("/api/console/results/n1", headers=AUTH).json()
    assert (result["status"], result["applied_tick"]) == ("ok", 1)
    with s.console.lock:
        view = runner.loop.world.view()
    hunger = next(a for a in view.agents if a["id"] == "agent_0")["needs"]["hunger"]
    assert hunger < 0.3  # 0.25 set at phase 1, then one tick of decay or eating
    snap = command(client, "telemetry_snapshot", cmd_id="t", headers={})
    assert snap.status_code == 200, snap.json()
    assert snap.json()["result"]["payload_type"] == "snapshot"
