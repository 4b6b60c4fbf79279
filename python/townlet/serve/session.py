"""One served simulation: loop, console, snapshots, sim thread and app, wired once.

``townlet serve`` (and ``townlet demo --ui web``) build the whole thing here, so the
console's ``pause``/``resume``/``step`` drive the same runner that paces the ticks,
and ``POST /api/console`` and ``WS /ws/console`` sit beside the telemetry routes::

    served = build_served(config, telemetry="websocket,prometheus", tps=10)
    served.runner.start()  # serve served.app with uvicorn; runner.stop() at the end
"""

from __future__ import annotations

import socket
import webbrowser
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette

from townlet.console import ConsoleService
from townlet.console.routes import console_routes
from townlet.core.build import build_simulation, new_run_id
from townlet.serve.app import build_app, state_frame
from townlet.serve.runner import SimRunner
from townlet.snapshots import SnapshotManager
from townlet.telemetry.spec import parse_telemetry_spec
from townlet.ui.web import install_viewer

__all__ = ["Served", "build_served", "serve_forever", "serve_telemetry_spec"]


def serve_telemetry_spec(spec: str) -> str:
    """The user's items plus ``websocket`` (none stays none).

    The serve port hosts ``/metrics``, so a bare ``prometheus`` item is dropped.

    >>> serve_telemetry_spec("file")
    'file,websocket'
    >>> serve_telemetry_spec("none")
    'none'
    """
    items = parse_telemetry_spec(spec) if spec.strip() else []
    if any(item.name == "none" for item in items):
        return "none"
    keep = [
        i.request for i in items if i.name != "websocket" and i.request != "prometheus"
    ]
    return ",".join([*keep, "websocket"])


@dataclass(frozen=True)
class Served:
    """The parts of a served simulation (the runner is not started)."""

    runner: SimRunner
    app: Starlette
    console: ConsoleService
    snapshots: SnapshotManager
    notices: tuple[str, ...]


def build_served(
    config: Any,
    *,
    telemetry: str,
    seed: int | None = None,
    run_id: str | None = None,
    tps: float = 10.0,
    paused: bool = False,
    max_ticks: int | None = None,
    host: str = "127.0.0.1",
) -> Served:
    """Build the loop, attach console and snapshots, and make the app.

    Args:
        config: a loaded ``TownletConfig``.
        telemetry: the telemetry spec (``townlet serve`` always adds ``websocket``).
        seed: master seed (default: the config's).
        run_id: run identifier (default: a fresh one).
        tps: target ticks per second (0 = unpaced).
        paused: start paused.
        max_ticks: stop the simulation after this many ticks.
        host: the bind address, for the console's exposure notices (C-3).
    """
    run_id = run_id or new_run_id()
    loop = build_simulation(config, telemetry=telemetry, seed=seed, run_id=run_id)
    console = ConsoleService(config.console, run_id=run_id)
    snapshots = SnapshotManager(loop, config, console=console)
    snapshots.attach()
    console.attach(loop, snapshots)
    notices = tuple(console.log_bind_notices(host))
    runner = SimRunner(
        loop, tps=tps, paused=paused, max_ticks=max_ticks, console=console
    )
    app = install_viewer(build_app(runner, extra_routes=console_routes(console)))
    console.frame_provider = lambda: state_frame(runner) or {}
    return Served(runner, app, console, snapshots, notices)


def serve_forever(
    served: Served,
    host: str,
    port: int,
    *,
    open_browser: bool = False,
    announce: Any = None,
) -> None:
    """Bind ``host:port`` (0 = any free port), start the sim thread and serve the
    app with uvicorn until interrupted; the sim stops on the way out.

    Args:
        served: from :func:`build_served`.
        host: bind address.
        port: TCP port.
        open_browser: open the viewer in the default browser once bound.
        announce: called with the viewer URL once bound (e.g. to print it).

    Raises:
        OSError: the address cannot be bound (the caller words the error).
    """
    import uvicorn

    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(128)  # connections wait in the backlog until uvicorn accepts them
    url = f"http://{host}:{sock.getsockname()[1]}/"
    server = uvicorn.Server(
        uvicorn.Config(
            served.app,
            log_level="warning",
            lifespan="off",
            ws_ping_interval=20.0,
            ws_ping_timeout=60.0,
        )
    )
    served.runner.start()
    try:
        if announce is not None:
            announce(url)
        if open_browser:
            webbrowser.open(url)
        server.run(sockets=[sock])
    finally:
        served.runner.stop()
        sock.close()
