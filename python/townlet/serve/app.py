"""The Starlette app of ``townlet serve`` (operations.md 4.1).

| Route | Purpose |
|---|---|
| ``GET /`` | a placeholder page (the web viewer ships with its own issue) |
| ``GET /api/health`` | liveness: ``{"status": "ok"}`` |
| ``GET /api/ready`` | 200 once the sim started and the first state exists |
| ``GET /api/meta`` | the ``meta`` section, ``schema_version`` and the serve settings |
| ``GET /api/state`` | the latest state as a snapshot frame |
| ``WS /ws/telemetry`` | snapshot then diffs (§1.5) |
| ``GET /metrics`` | Prometheus text format (§1.10) |

More routes (the console's ``POST /api/console``, ``GET /api/console/*`` and
``WS /ws/console``) come in through ``extra_routes``. Handlers only read
immutable tick states and counters, so they never block the simulation thread.

>>> from starlette.routing import Route
>>> callable(build_app)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from townlet.serve.runner import SimRunner
from townlet.telemetry.frames import SCHEMA_VERSION, FrameEncoder, encode_frame
from townlet.telemetry.pipeline import TelemetryPipeline, pipeline_of
from townlet.telemetry.transport.prometheus import metrics_text, registry_for
from townlet.telemetry.transport.websocket import WebSocketHub, telemetry_route

__all__ = ["build_app"]

_PLACEHOLDER = """<!doctype html><html><head><meta charset="utf-8">
<title>Townlet</title></head><body><h1>Townlet</h1>
<p>The web viewer is not installed in this build. Telemetry streams at
<code>/ws/telemetry</code>; the latest state is at <a href="/api/state">/api/state</a>
and metrics at <a href="/metrics">/metrics</a>.</p></body></html>
"""


def _json(data: Any, status: int = 200) -> Response:
    """A compact JSON response encoded by orjson."""
    return Response(
        encode_frame(data), status_code=status, media_type="application/json"
    )


def state_frame(runner: SimRunner) -> dict[str, Any] | None:
    """The latest state as a snapshot frame (``GET /api/state``; the console's
    ``telemetry_snapshot``), ``None`` before the first state or without a pipeline.
    """
    pipeline = pipeline_of(runner.loop.telemetry)
    current = pipeline.aggregator.latest if pipeline is not None else None
    if current is None:
        return None
    frame: dict[str, Any] = FrameEncoder(runner.loop.run_id).frame(current)
    return frame


def build_app(
    runner: SimRunner,
    *,
    extra_routes: Sequence[BaseRoute] = (),
) -> Starlette:
    """The serve app for a runner (its loop's telemetry provides the data).

    Args:
        runner: the simulation thread (started by the caller).
        extra_routes: more routes, e.g. the console's.
    """
    pipeline: TelemetryPipeline | None = pipeline_of(runner.loop.telemetry)
    registry = registry_for(pipeline) if pipeline is not None else None
    hub = pipeline.transport("websocket") if pipeline is not None else None

    def latest() -> Any:
        return pipeline.aggregator.latest if pipeline is not None else None

    async def index(request: Request) -> Response:
        return HTMLResponse(_PLACEHOLDER, headers={"Cache-Control": "no-cache"})

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def ready(request: Request) -> Response:
        ok = runner.is_started and runner.error is None and latest() is not None
        return JSONResponse({"ready": ok}, status_code=200 if ok else 503)

    async def meta(request: Request) -> Response:
        state = latest()
        section = state.sections.get("meta", {}) if state is not None else {}
        return _json(
            {
                **section,
                "schema_version": SCHEMA_VERSION,
                "serve": {"tps": runner.tps, "paused": runner.paused},
            }
        )

    async def state(request: Request) -> Response:
        frame = state_frame(runner)
        if frame is None:
            return JSONResponse({"error": "no state yet"}, status_code=503)
        return _json(frame)

    async def metrics(request: Request) -> Response:
        if registry is None:
            return Response("", media_type="text/plain; version=0.0.4")
        return Response(metrics_text(registry), media_type="text/plain; version=0.0.4")

    routes: list[BaseRoute] = [
        Route("/", index),
        Route("/api/health", health),
        Route("/api/ready", ready),
        Route("/api/meta", meta),
        Route("/api/state", state),
        Route("/metrics", metrics),
    ]
    if isinstance(hub, WebSocketHub):
        routes.append(telemetry_route(hub))
    routes.extend(extra_routes)
    return Starlette(routes=routes)
