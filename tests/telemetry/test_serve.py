"""``townlet serve``: routes, the sim thread and its controls (operations.md 4.1)."""

from __future__ import annotations

import json
import time

import pytest

import townlet

pytest.importorskip("starlette", reason="starlette (default install)")
pytest.importorskip("httpx", reason="httpx drives Starlette's TestClient")
from starlette.testclient import TestClient

from townlet.cli.serve import serve_telemetry_spec
from townlet.serve import SimRunner, build_app


def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


@pytest.fixture
def served():
    cfg = townlet.load_config(overrides={"telemetry.world_every_ticks": 1})
    sim = townlet.build_simulation(cfg, telemetry="websocket")
    runner = SimRunner(sim, tps=0, paused=True)
    app = build_app(runner)
    with TestClient(app) as client:
        yield runner, client
    runner.stop()


def test_health_is_up_before_the_sim_and_ready_after_the_first_state(served):
    runner, client = served
    assert client.get("/api/health").json() == {"status": "ok"}
    assert client.get("/api/ready").status_code == 503
    runner.start()
    runner.step(2)
    wait_for(lambda: client.get("/api/ready").status_code == 200)


def test_meta_and_state_describe_the_latest_tick(served):
    runner, client = served
    runner.start()
    runner.step(3)
    wait_for(lambda: runner.loop.tick == 3)
    meta = client.get("/api/meta").json()
    assert meta["schema_version"] == "1.0"
    assert meta["serve"] == {"tps": 0, "paused": True}
    assert meta["providers"]["telemetry"]["name"] == "websocket"
    state = client.get("/api/state").json()
    assert (state["payload_type"], state["tick"]) == ("snapshot", 3)
    assert len(state["agents"]) == 10


def test_websocket_sends_a_snapshot_then_diffs_and_honours_resync(served):
    runner, client = served
    runner.start()
    runner.step(1)
    wait_for(lambda: runner.loop.tick == 1)
    with client.websocket_connect("/ws/telemetry") as ws:
        first = json.loads(ws.receive_text())
        assert first["payload_type"] == "snapshot"
        runner.step(1)
        second = json.loads(ws.receive_text())
        assert (second["payload_type"], second["base_seq"]) == ("diff", first["seq"])
        ws.send_json({"type": "resync"})
        third = json.loads(ws.receive_text())
        assert (third["payload_type"], third["resync"]) == ("snapshot", True)


def test_metrics_route_serves_the_text_format(served):
    runner, client = served
    runner.start()
    runner.step(2)
    wait_for(lambda: runner.loop.tick == 2)
    response = client.get("/metrics")
    assert response.status_code == 200
    assert "townlet_ticks_total 2.0" in response.text


def test_runner_pacing_controls_and_submitted_calls():
    sim = townlet.build_simulation(telemetry="null")
    runner = SimRunner(sim, tps=0, paused=True)
    runner.start()
    try:
        assert runner.submit(lambda loop: loop.tick).result(5) == 0
        runner.step(5)
        wait_for(lambda: runner.submit(lambda loop: loop.tick).result(5) == 5)
        runner.resume()
        wait_for(lambda: sim.tick > 20)
        runner.pause()
        time.sleep(0.05)
        paused_at = runner.submit(lambda loop: loop.tick).result(5)
        time.sleep(0.05)
        assert runner.submit(lambda loop: loop.tick).result(5) == paused_at
    finally:
        runner.stop()
    assert not sim.is_running


def test_extra_routes_are_mounted():
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def hello(request):
        return PlainTextResponse("console here")

    sim = townlet.build_simulation(telemetry="null")
    app = build_app(SimRunner(sim), extra_routes=[Route("/api/console", hello)])
    with TestClient(app) as client:
        assert client.get("/api/console").text == "console here"


def test_serve_always_adds_the_websocket_transport():
    assert serve_telemetry_spec("") == "websocket"
    assert serve_telemetry_spec("file:x.jsonl,prometheus") == "file:x.jsonl,websocket"
    assert serve_telemetry_spec("none") == "none"
