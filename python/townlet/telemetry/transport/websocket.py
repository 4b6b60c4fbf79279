"""The ``websocket`` transport: ``/ws/telemetry`` clients with latest-wins queues.

Operations.md 1.5 and 1.6. The hub's worker thread hands each tick state to every
connected client's own coalescing queue (``drop_oldest``, ``serve.ws.client_queue``
states, O(1), never blocking), so a slow or stuck client never stalls the
simulation; it only loses state *samples*, never delta items (up to
``max_carried_events``). Each client's sender runs on the server's asyncio loop:
it takes everything queued, merges it into the newest state (T-13), diffs it
against the last state *that client* received, sends one text frame and waits
``1 / max_fps``. A new client gets a snapshot of the latest state first.

Client messages: ``{"type": "resync"}`` (next frame is a snapshot) and
``{"type": "rate", "max_fps": n}``. Beyond ``max_clients`` a client is closed with
1013. On a normal close every client gets its ``end`` frame and close code 1001,
or is closed after ``client_drain_s``.

``townlet serve`` mounts :func:`telemetry_route` in its app; ``townlet run
--telemetry ws://HOST:PORT`` makes the hub host its own small server (a uvicorn
thread started in ``open`` and stopped in ``close``).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from townlet.errors import ProviderError
from townlet.telemetry.frames import FrameEncoder, TickState, encode_frame
from townlet.telemetry.log_config import get_logger
from townlet.telemetry.transport.base import Transport
from townlet.telemetry.transport.queue import CoalescingQueue

__all__ = ["WebSocketHub", "telemetry_route"]

_log = get_logger("townlet.telemetry")
CLIENT_DRAIN_S = 2.0
CLOSE_GOING_AWAY = 1001
CLOSE_TRY_AGAIN = 1013


class _Client:
    """One connection: its queue, its encoder and its pacing."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        run_id: str,
        *,
        capacity: int,
        max_carried_events: int,
        max_fps: float,
        keyframe_every_ticks: int,
    ) -> None:
        self.loop = loop
        self.queue = CoalescingQueue(
            capacity, "drop_oldest", max_carried_events=max_carried_events
        )
        self.encoder = FrameEncoder(run_id, keyframe_every_ticks=keyframe_every_ticks)
        self.wakeup = asyncio.Event()
        self.max_fps = max_fps
        self.resync = False
        self.closing = False
        self.wake_pending = False
        self.events_offered = 0
        self.frames_sent = 0
        self.last_tick = 0

    def offer(self, state: TickState) -> None:
        """Queue a state (any thread); wake the sender once until it takes.

        Waking the event loop costs a self-pipe write and a GIL hand-over, so a
        burst of states wakes it once, not once per state.
        """
        self.events_offered += len(state.events)
        self.queue.put(state)
        if not self.wake_pending:
            self.wake_pending = True
            self._wake()

    def close_soon(self) -> None:
        """Ask the sender to send ``end`` and close."""
        self.closing = True
        self._wake()

    def _wake(self) -> None:
        """Set the asyncio event from any thread."""
        try:
            self.loop.call_soon_threadsafe(self.wakeup.set)
        except RuntimeError:  # the loop is closed: the client is gone
            self.closing = True

    def take(self) -> TickState | None:
        """Everything queued, merged into the newest state (``None`` if empty)."""
        self.wake_pending = False
        batch = self.queue.get_batch(0)
        if batch:
            self.queue.batch_done()
        merged: TickState | None = None
        for state in batch:
            merged = state if merged is None else state.with_earlier(merged)
        return merged

    def totals(self) -> dict[str, Any]:
        """This client's ``end`` totals (T-41)."""
        return {
            "events_accepted": self.events_offered,
            "events_written": self.encoder.events_written,
            "events_dropped": dict(self.queue.counters.events_dropped_total),
            "narrations": 0,
            "reason": "normal",
        }


class WebSocketHub(Transport):
    """Fans tick states out to WebSocket clients.

    Args:
        run_id: run id in every frame.
        settings: ``serve.ws`` (``max_clients``, ``client_queue``, ``max_fps``,
            ``max_carried_events``); defaults when ``None``.
        keyframe_every_ticks: snapshot cadence per client stream.
        address: ``(host, port)`` to host a standalone server for ``townlet run``;
            ``None`` when ``townlet serve`` mounts :func:`telemetry_route`.
    """

    type = "websocket"

    def __init__(
        self,
        run_id: str,
        *,
        settings: Any = None,
        keyframe_every_ticks: int = 1440,
        address: tuple[str, int] | None = None,
    ) -> None:
        super().__init__()
        self.run_id = run_id
        self.max_clients = int(getattr(settings, "max_clients", 32))
        self.client_queue = int(getattr(settings, "client_queue", 8))
        self.max_fps = float(getattr(settings, "max_fps", 10.0))
        self.max_carried_events = int(getattr(settings, "max_carried_events", 1000))
        self.keyframe_every_ticks = keyframe_every_ticks
        self.address = address
        self.latest: TickState | None = None
        self.frames_sent_total = 0
        self.resyncs_total = 0
        self.coalesced_closed_total = 0
        self._clients: set[_Client] = set()
        self._lock = threading.Lock()
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._closing = False

    def describe(self) -> str:
        """Where clients connect."""
        if self.address is None:
            return "websocket /ws/telemetry"
        return f"websocket ws://{self.address[0]}:{self.address[1]}/ws/telemetry"

    @property
    def client_count(self) -> int:
        """Clients connected now."""
        return len(self._clients)

    @property
    def states_coalesced_total(self) -> int:
        """States merged away in client queues (connected and closed clients)."""
        with self._lock:
            live = sum(c.queue.counters.states_coalesced_total for c in self._clients)
        return live + self.coalesced_closed_total

    # -- worker side ---------------------------------------------------------------

    def open(self) -> None:
        """Start the standalone server when an address was given."""
        super().open()
        if self.address is not None:
            self._serve_standalone(*self.address)

    def deliver(self, state: TickState) -> None:
        """Remember the state and offer it to every client (never blocks)."""
        self.latest = state
        with self._lock:
            clients = list(self._clients)
        for client in clients:
            client.offer(state)
        self.counters.frames_written_total += 1
        self.counters.last_success_tick = state.tick

    def finish(self, totals: Mapping[str, Any], tick: int) -> None:
        """Send ``end`` to every client, wait up to ``client_drain_s``, close."""
        self._closing = True
        with self._lock:
            clients = list(self._clients)
        for client in clients:
            client.close_soon()
        deadline = time.monotonic() + CLIENT_DRAIN_S
        while self._clients and time.monotonic() < deadline:
            time.sleep(0.01)
        self.close()

    def close(self) -> None:
        """Stop the standalone server."""
        super().close()
        self._closing = True
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(5.0)
            self._thread = None

    # -- server side ---------------------------------------------------------------

    def add_client(self, loop: asyncio.AbstractEventLoop) -> _Client | None:
        """Register a client; ``None`` when full or closing."""
        with self._lock:
            if self._closing or len(self._clients) >= self.max_clients:
                return None
            client = _Client(
                loop,
                self.run_id,
                capacity=self.client_queue,
                max_carried_events=self.max_carried_events,
                max_fps=self.max_fps,
                keyframe_every_ticks=self.keyframe_every_ticks,
            )
            self._clients.add(client)
        if self.latest is not None:
            client.offer(self.latest)
        return client

    def remove_client(self, client: _Client) -> None:
        """Forget a client, keeping its coalescing count."""
        with self._lock:
            if client in self._clients:
                self._clients.discard(client)
                self.coalesced_closed_total += (
                    client.queue.counters.states_coalesced_total
                )

    async def serve_client(self, websocket: Any) -> None:
        """The ``/ws/telemetry`` endpoint body for one Starlette WebSocket."""
        await websocket.accept()
        client = self.add_client(asyncio.get_running_loop())
        if client is None:
            await websocket.close(code=CLOSE_TRY_AGAIN)
            return
        reader = asyncio.create_task(self._read(websocket, client))
        try:
            await self._send_loop(websocket, client)
        except Exception as err:  # a client that went away mid-send
            _log.debug("telemetry.ws.client_lost", error=str(err))
        finally:
            reader.cancel()
            self.remove_client(client)

    async def _send_loop(self, websocket: Any, client: _Client) -> None:
        """Send frames at most ``max_fps`` per second until closing."""
        while True:
            await client.wakeup.wait()
            client.wakeup.clear()
            state = client.take()
            if state is not None:
                resync, client.resync = client.resync, False
                if resync:
                    self.resyncs_total += 1
                frame = client.encoder.frame(state, resync=resync)
                await websocket.send_text(encode_frame(frame).decode())
                client.last_tick = state.tick
                client.frames_sent += 1
                self.frames_sent_total += 1
            if client.closing:
                end = client.encoder.end(client.totals(), client.last_tick)
                await websocket.send_text(encode_frame(end).decode())
                await websocket.close(code=CLOSE_GOING_AWAY)
                return
            await asyncio.sleep(1.0 / client.max_fps)
            if len(client.queue):
                client.wakeup.set()

    async def _read(self, websocket: Any, client: _Client) -> None:
        """Handle ``resync`` and ``rate`` messages; ignore anything else."""
        while True:
            try:
                message = await websocket.receive_json()
            except Exception:
                client.close_soon()
                return
            if not isinstance(message, dict):
                continue
            if message.get("type") == "resync":
                client.resync = True
                if self.latest is not None and not len(client.queue):
                    client.offer(
                        replace(
                            self.latest, events=(), narrations=(), console_results=()
                        )
                    )
            elif message.get("type") == "rate":
                fps = message.get("max_fps")
                if isinstance(fps, int | float) and 0 < fps <= 60:
                    client.max_fps = float(fps)

    def _serve_standalone(self, host: str, port: int) -> None:
        """Run a uvicorn server with only ``/ws/telemetry`` on a thread."""
        import uvicorn
        from starlette.applications import Starlette

        app = Starlette(routes=[telemetry_route(self)])
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            lifespan="off",
            ws_ping_interval=20.0,
            ws_ping_timeout=60.0,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, name="townlet-telemetry-ws-server", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10.0
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise ProviderError(
                    f"cannot serve telemetry on ws://{host}:{port}/ws/telemetry "
                    "(port in use?)",
                    hint="pick another port: --telemetry ws://127.0.0.1:PORT",
                )
            time.sleep(0.01)
        sockets = self._server.servers[0].sockets
        self.address = (host, int(sockets[0].getsockname()[1]))
        url = f"ws://{self.address[0]}:{self.address[1]}/ws/telemetry"
        _log.info("telemetry.ws.listening", url=url)


def telemetry_route(hub: WebSocketHub) -> Any:
    """The Starlette ``WebSocketRoute`` for ``/ws/telemetry``."""
    from starlette.routing import WebSocketRoute

    return WebSocketRoute("/ws/telemetry", hub.serve_client)
