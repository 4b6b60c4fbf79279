"""One served simulation: loop, console, snapshots, sim thread and app, wired once.

``townlet serve`` (and ``townlet demo --ui web``) build the whole thing here, so the
console's ``pause``/``resume``/``step`` drive the same runner that paces the ticks,
and ``POST /api/console`` and ``WS /ws/console`` sit beside the telemetry routes::

    served = build_served(config, telemetry="websocket,prometheus", tps=10)
    served.runner.start()  # serve served.app with uvicorn; runner.stop() at the end
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette

from townlet.console import ConsoleService
from townlet.console.routes import console_routes
from townlet.core.build import build_simulation, new_run_id
from townlet.serve.app import build_app, state_frame
from townlet.serve.runner import SimRunner
from townlet.snapshots import SnapshotManager

__all__ = ["Served", "build_served"]


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
    app = build_app(runner, extra_routes=console_routes(console))
    console.frame_provider = lambda: state_frame(runner) or {}
    return Served(runner, app, console, snapshots, notices)
