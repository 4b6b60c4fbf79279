"""A real WebSocket client on ``townlet run --telemetry file,ws://...`` (§1.5).

The client (the ``websockets`` library) connects to the hub's own server on a free
loopback port, gets a snapshot then diffs, and its reconstructed state at the end
equals the file transport's. A stalled client never stalls the simulation.
"""

from __future__ import annotations

import asyncio
import json
import threading

import pytest

import townlet
from townlet.telemetry.pipeline import pipeline_of
from townlet.telemetry.reader import StreamReader, read_jsonl

websockets = pytest.importorskip("websockets", reason="websockets (serve extra)")
from websockets.asyncio.client import connect  # noqa: E402

TICKS = 300


class Client:
    """Collects frames on a background asyncio loop until the server closes."""

    def __init__(self, url: str, *, stall: bool = False) -> None:
        self.url = url
        self.stall = stall
        self.frames: list[dict] = []
        self.close_code: int | None = None
        self.connected = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._main()))
        self.thread.start()
        assert self.connected.wait(10)

    async def _main(self) -> None:
        async with connect(self.url, open_timeout=10) as ws:
            self.connected.set()
            if self.stall:
                await asyncio.sleep(1.0)  # reads nothing while the run goes on
            try:
                async for message in ws:
                    self.frames.append(json.loads(message))
            finally:
                self.close_code = ws.close_code


def run_with_clients(tmp_path, stall=False):
    path = tmp_path / "t.jsonl"
    cfg = townlet.load_config(
        overrides={"telemetry.world_every_ticks": 1, "serve.ws.max_fps": 1000}
    )
    sim = townlet.build_simulation(cfg, telemetry=f"file:{path},ws://127.0.0.1:0")
    with sim:
        hub = pipeline_of(sim.telemetry).transport("websocket")
        host, port = hub.address
        client = Client(f"ws://{host}:{port}/ws/telemetry", stall=stall)
        sim.run(TICKS)
    client.thread.join(15)
    assert not client.thread.is_alive()
    return client, list(read_jsonl(path))


def without_paths(sections):
    meta = dict(sections["meta"])
    meta.pop("config_path", None)  # redacted on the WebSocket stream
    return {**sections, "meta": meta}


def test_client_gets_snapshot_then_diffs_and_the_same_state_as_the_file(tmp_path):
    client, file_frames = run_with_clients(tmp_path)
    kinds = [f["payload_type"] for f in client.frames]
    assert kinds[0] == "snapshot"
    assert set(kinds[1:-1]) <= {"diff", "snapshot"}
    assert "diff" in kinds
    assert kinds[-1] == "end"
    assert client.close_code == 1001
    assert "config_path" not in client.frames[0]["meta"]
    ws_reader, file_reader = StreamReader(), StreamReader()
    for frame in client.frames:
        ws_reader.apply(frame)  # raises on a broken base_seq chain
    for frame in file_frames:
        file_reader.apply(frame)
    assert ws_reader.tick == file_reader.tick == TICKS
    assert without_paths(ws_reader.sections) == without_paths(file_reader.sections)
    ws_eids = [e["eid"] for f in client.frames for e in f.get("events", ())]
    assert ws_eids == sorted(set(ws_eids), key=ws_eids.index)  # no duplicates
    file_eids = [e["eid"] for f in file_frames for e in f.get("events", ())]
    assert ws_eids == file_eids[len(file_eids) - len(ws_eids) :]  # a suffix, in order


def test_a_stalled_client_loses_samples_not_events_and_never_blocks(tmp_path):
    client, file_frames = run_with_clients(tmp_path, stall=True)
    assert client.frames[-1]["payload_type"] == "end"
    totals = client.frames[-1]["totals"]
    written = sum(len(f.get("events", ())) for f in client.frames)
    assert written + sum(totals["events_dropped"].values()) == totals["events_accepted"]
    assert len(client.frames) < len(file_frames)  # states were coalesced
