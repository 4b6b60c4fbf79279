"""Fixtures: a started python-world loop with a console, tokens from a fake environ."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from console_helpers import ENVIRON, Clock

from townlet.config import load_config
from townlet.console import ConsoleService
from townlet.console.audit import AuditLog
from townlet.core.build import build_simulation
from townlet.snapshots import SnapshotManager


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


@pytest.fixture(autouse=True)
def _in_tmp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test in its own directory: default audit logs and snapshot roots
    are CWD-relative and must not land in the checkout."""
    monkeypatch.chdir(tmp_path)
