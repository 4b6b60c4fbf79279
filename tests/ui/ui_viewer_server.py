"""A live viewer server for the browser tests: sim thread, serve app, console, viewer.

It composes what ``townlet serve`` composes (``townlet.serve.session.build_served``:
the serve app of operations.md 4.1 with the console routes of 2.8, the runner paced by
the console), plus the viewer routes (4.2), in-process: uvicorn runs on a thread on a
free loopback port, the tokens are fixed test tokens and the audit log goes to a
temporary directory (``build_served`` reads tokens from the process environment and
writes CWD-relative logs, which parallel tests must not share).

    with ViewerServer(tmp_path) as server:
        requests.get(server.url + "api/state")
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "ui"
ADMIN = "admin-token-viewer-0123456789"
VIEWER = "viewer-token-viewer-0123456789"


class ViewerServer:
    """The default town (seed 7) served with the viewer, on ``127.0.0.1:<free>``.

    Args:
        workdir: audit log and snapshots go here.
        tps: target ticks per second.
        telemetry: the telemetry spec (``websocket`` or ``none``).
    """

    def __init__(self, workdir: Path, tps: float = 20.0, telemetry: str = "websocket"):
        self.workdir = workdir
        self.tps = tps
        self.telemetry = telemetry
        self.url = ""
        self.loop: Any = None
        self.service: Any = None
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._runner: Any = None

    def __enter__(self) -> ViewerServer:
        import uvicorn

        from townlet.config import load_config
        from townlet.console.audit import AuditLog
        from townlet.console.routes import console_routes
        from townlet.console.service import ConsoleService
        from townlet.core.build import build_simulation, new_run_id
        from townlet.serve import SimRunner, build_app
        from townlet.serve.app import state_frame
        from townlet.ui.web import install_viewer

        config = load_config(None)
        telemetry = config.telemetry.model_copy(update={"world_every_ticks": 1})
        config = config.model_copy(update={"telemetry": telemetry})
        run_id = new_run_id()
        self.loop = build_simulation(
            config, telemetry=self.telemetry, seed=7, run_id=run_id
        )
        self.service = ConsoleService(
            config.console,
            run_id=run_id,
            audit=AuditLog(self.workdir / "audit.jsonl"),
            environ={"TOWNLET_ADMIN_TOKEN": ADMIN, "TOWNLET_VIEWER_TOKEN": VIEWER},
        )
        self.service.attach(self.loop)
        self._runner = SimRunner(self.loop, tps=self.tps, console=self.service)
        app = build_app(self._runner, extra_routes=console_routes(self.service))
        self.service.frame_provider = lambda: state_frame(self._runner) or {}
        install_viewer(app)
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
        self._server = uvicorn.Server(
            uvicorn.Config(app, log_level="warning", lifespan="off")
        )
        self._runner.start()
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        self._wait_ready()
        return self

    def _wait_ready(self, timeout_s: float = 30.0) -> None:
        """Poll ``/api/health`` (and ``/api/ready`` with telemetry) until it answers."""
        path = "api/ready" if self.telemetry != "none" else "api/health"
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + path, timeout=2) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"viewer server not ready at {self.url}{path}")

    def get_json(self, path: str) -> Any:
        """GET ``path`` and decode the JSON body."""
        with urllib.request.urlopen(self.url + path, timeout=5) as reply:
            return json.loads(reply.read())

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
        if self._runner is not None:
            self._runner.stop()
        if self.service is not None:
            self.service.audit.close()


class PageWatch:
    """A page with its console errors and failed requests recorded."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.failed: list[str] = []
        page.on(
            "console",
            lambda msg: self.errors.append(msg.text) if msg.type == "error" else None,
        )
        page.on("pageerror", lambda err: self.errors.append(str(err)))
        page.on("requestfailed", lambda req: self.failed.append(req.url))
        page.on(
            "response",
            lambda res: (
                self.failed.append(f"{res.status} {res.url}")
                if res.status >= 400
                else None
            ),
        )
