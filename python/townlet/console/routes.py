"""Starlette routes of the console (operations.md 2.8); needs the ``serve`` extra.

:func:`console_routes` returns the four routes for ``townlet serve`` to mount:

- ``POST /api/console``: the body is an envelope; ``?wait=S`` (default 5, at most 30,
  0 returns at once) waits for an in-tick command's final result, else answers the
  ``accepted`` envelope with 202. The token comes from ``Authorization: Bearer``.
- ``GET /api/console/commands``: the catalogue.
- ``GET /api/console/results/{cmd_id}``: the result, for the principal that sent it.
- ``WS /ws/console``: ``hello`` binds a principal, ``command`` messages get an ``ack``
  and later a ``result``; a bad message gets an ``error`` and the connection stays
  open, until 20 bad messages in a row close it with 1008. Tokens in the query string
  are refused.

The blocking work (ingress under the console lock, waiting) runs in a thread pool, so
the event loop never waits on a tick.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from townlet.console.envelope import ConsoleError, Result
from townlet.console.service import ConsoleService

__all__ = ["MAX_WS_MESSAGE_BYTES", "console_routes"]

MAX_WS_MESSAGE_BYTES = 2**20
MAX_BAD_MESSAGES = 20
MAX_WAIT_S = 30.0


def _bearer(request: Request | WebSocket) -> str | None:
    """The token of an ``Authorization: Bearer`` header, if any."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _remote(conn: Request | WebSocket) -> str:
    """``IP:port`` of the client."""
    client = conn.client
    return f"{client.host}:{client.port}" if client else "unknown:0"


def _error_response(err: ConsoleError) -> Response:
    """An error envelope for a refusal outside the pipeline."""
    result = Result(cmd_id=None, name=None, error=err.as_dict())
    return _reply(result)


def _encode(payload: Any) -> str:
    """Strict JSON (no NaN); anything unencodable becomes an ``internal`` envelope."""
    try:
        return json.dumps(payload, allow_nan=False, default=str)
    except (ValueError, TypeError, RecursionError):
        error = ConsoleError("internal", "the result could not be encoded as JSON")
        return json.dumps({"status": "error", "error": error.as_dict()})


def _reply(result: Result) -> Response:
    """The result envelope with its HTTP status."""
    return Response(
        _encode(result.as_dict()),
        status_code=result.http_status,
        media_type="application/json",
    )


def _wait_seconds(raw: str | None) -> float:
    """Parse ``?wait=`` (default 5, clamped to [0, 30])."""
    if raw is None:
        return 5.0
    try:
        value = float(raw)
    except ValueError:
        raise ConsoleError(
            "bad_envelope", "wait must be a number of seconds", {"reason": "wait"}
        ) from None
    if value != value:  # NaN
        raise ConsoleError("bad_envelope", "wait must be a number", {"reason": "wait"})
    return min(max(value, 0.0), MAX_WAIT_S)


def console_routes(service: ConsoleService) -> list[BaseRoute]:
    """The console's routes, bound to ``service``.

    Mount them with ``Starlette(routes=console_routes(service))`` or pass them to the
    serve app's ``extra_routes``.
    """

    async def post_command(request: Request) -> Response:
        """``POST /api/console``."""
        if "token" in request.query_params:
            return _error_response(
                ConsoleError(
                    "unauthenticated", "tokens in the query string are refused"
                )
            )
        try:
            wait = _wait_seconds(request.query_params.get("wait"))
        except ConsoleError as err:
            return _error_response(err)
        limit = service.config.max_envelope_bytes
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                break  # step 1: read up to the limit + 1, never parse
        result = await run_in_threadpool(
            service.submit, bytes(body), token=_bearer(request), remote=_remote(request)
        )
        if result.status == "accepted" and wait > 0:
            result = await run_in_threadpool(service.wait, result, wait)
        return _reply(result)

    async def list_commands(request: Request) -> JSONResponse:
        """``GET /api/console/commands``."""
        return JSONResponse({"commands": service.catalogue_payload()})

    async def get_result(request: Request) -> Response:
        """``GET /api/console/results/{cmd_id}``: same principal only."""
        principal = service.tokens.resolve(_bearer(request), _remote(request))
        if principal is None:
            return _error_response(ConsoleError("unauthenticated", "token invalid"))
        cmd_id = str(request.path_params["cmd_id"])
        found = service.lookup(principal.name, cmd_id)
        if found is None:
            return _error_response(
                ConsoleError("not_found", f"no result for cmd_id '{cmd_id[:64]}'")
            )
        return _reply(found)

    async def websocket(ws: WebSocket) -> None:
        """``WS /ws/console``."""
        await ws.accept()
        if "token" in ws.query_params:
            await ws.send_json(
                {
                    "type": "error",
                    "error": ConsoleError(
                        "unauthenticated", "tokens in the query string are refused"
                    ).as_dict(),
                }
            )
            await ws.close(code=1008)
            return
        session = _WsSession(service, ws, _bearer(ws))
        await session.serve()

    return [
        Route("/api/console", post_command, methods=["POST"]),
        Route("/api/console/commands", list_commands, methods=["GET"]),
        Route("/api/console/results/{cmd_id}", get_result, methods=["GET"]),
        WebSocketRoute("/ws/console", websocket),
    ]


class _WsSession:
    """One WebSocket connection: its principal token and bad-message count."""

    def __init__(self, service: ConsoleService, ws: WebSocket, token: str | None):
        self.service = service
        self.ws = ws
        self.token = token
        self.bad = 0
        self.tasks: set[asyncio.Task[None]] = set()
        self.send_lock = asyncio.Lock()

    async def send(self, message: dict[str, Any]) -> None:
        """Send one JSON message (serialised between tasks)."""
        async with self.send_lock:
            await self.ws.send_text(_encode(message))

    async def refuse(self, err: ConsoleError) -> bool:
        """Send an ``error``; True when the connection must close (1008)."""
        self.bad += 1
        await self.send({"type": "error", "error": err.as_dict()})
        if self.bad >= MAX_BAD_MESSAGES:
            await self.ws.close(code=1008)
            return True
        return False

    async def serve(self) -> None:
        """Read messages until the client leaves."""
        try:
            while True:
                message = await self.ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                raw = message.get("text")
                if raw is None:
                    raw = (message.get("bytes") or b"").decode("utf-8", "replace")
                if len(raw.encode("utf-8", "surrogatepass")) > MAX_WS_MESSAGE_BYTES:
                    await self.ws.close(code=1009)
                    break
                if await self.handle(raw):
                    break
        except WebSocketDisconnect:
            pass
        finally:
            for task in self.tasks:
                task.cancel()

    async def handle(self, raw: str) -> bool:
        """Handle one message; True when the connection was closed."""
        limit = self.service.config.max_envelope_bytes
        if len(raw.encode("utf-8", "surrogatepass")) > limit:
            return await self.refuse(
                ConsoleError("too_large", f"message is over {limit} bytes")
            )
        try:
            msg = json.loads(raw)
        except ValueError as err:
            return await self.refuse(ConsoleError("bad_json", f"invalid JSON: {err}"))
        kind = msg.get("type") if isinstance(msg, dict) else None
        if kind == "hello":
            token = msg.get("token")
            if token is not None and not isinstance(token, str):
                return await self.refuse(ConsoleError("bad_envelope", "token: string"))
            if self.service.tokens.resolve(token, _remote(self.ws)) is None:
                return await self.refuse(ConsoleError("unauthenticated", "bad token"))
            self.token, self.bad = token, 0
            await self.send({"type": "hello", "ok": True})
            return False
        if kind != "command" or not isinstance(msg.get("envelope"), dict):
            return await self.refuse(
                ConsoleError("bad_envelope", "expected {type: hello|command, ...}")
            )
        result = await run_in_threadpool(
            self.service.submit,
            msg["envelope"],
            token=self.token,
            remote=_remote(self.ws),
        )
        self.bad = self.bad + 1 if result.status == "error" else 0
        await self.send({"type": "ack", "envelope": result.as_dict()})
        if result.status == "accepted":
            task = asyncio.create_task(self.follow(result))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        elif result.status == "ok":
            await self.send({"type": "result", "envelope": result.as_dict()})
        if self.bad >= MAX_BAD_MESSAGES:
            await self.ws.close(code=1008)
            return True
        return False

    async def follow(self, result: Result) -> None:
        """Send the final result of an accepted command when it arrives."""
        while result.status == "accepted":
            await run_in_threadpool(self.service.wait, result, 1.0)
        await self.send({"type": "result", "envelope": result.as_dict()})
