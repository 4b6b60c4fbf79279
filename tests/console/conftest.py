"""Fixtures: a started python-world loop with a console, tokens from a fake environ."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from townlet.config import load_config
from townlet.console import ConsoleService
from townlet.console.audit import AuditLog
from townlet.core.build import build_simulation
from townlet.snapshots import SnapshotManager

ADMIN = "admin-token-0123456789"
VIEWER = "viewer-token-0123456789"
ENVIRON = {"TOWNLET_ADMIN_TOKEN": ADMIN, "TOWNLET_VIEWER_TOKEN": VIEWER}
WALL = [1, 1]


class Clock:
    """A manual monotonic clock."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sim(tmp_path: Path, clock: Clock) -> Iterator[tuple[Any, ConsoleService]]:
    """(loop, service): the default town on the python world, started."""
    config = load_config()
    loop = build_simulation(config, world="python", run_id="r-test")
    service = ConsoleService(
        config.console,
        run_id="r-test",
        audit=AuditLog(tmp_path / "audit.jsonl"),
        environ=ENVIRON,
        clock=clock,
    )
    loop.start()
    snapshots = SnapshotManager(
        loop, config, console=service, root=tmp_path / "snaps", every_ticks=0
    )
    service.attach(loop, snapshots)
    yield loop, service
    loop.stop()
    service.audit.close()


def post(
    service: ConsoleService,
    envelope: Any,
    token: str | None = ADMIN,
    remote: str = "10.0.0.1:4000",
) -> dict[str, Any]:
    """Submit an envelope as a remote client and return the envelope dict."""
    import json

    body = envelope if isinstance(envelope, bytes) else json.dumps(envelope).encode()
    return service.submit(body, token=token, remote=remote).as_dict()
