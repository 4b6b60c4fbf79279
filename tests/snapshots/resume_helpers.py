"""Shared builders for the snapshot tests: a busy config and in-memory save/resume."""

from __future__ import annotations

from typing import Any

from townlet.config import load_config
from townlet.console import ConsoleService
from townlet.console.audit import AuditLog
from townlet.core.build import build_simulation
from townlet.snapshots.format import content_sha256
from townlet.snapshots.manager import build_document

# Every mechanic on: perturbations (default file), social rewards at the last stage
# (reward-engine state), fast hunger so agents faint and respawn, the random policy
# (the loop-owned policy stream) or the scripted one.
BUSY = {
    "rewards.social_stage": "C3",
    "world.needs.decay.hunger": 0.004,
}


def busy_config(**extra: Any) -> Any:
    """The default town with every mechanic exercised."""
    return load_config(overrides={**BUSY, **extra})


def start(config: Any, world: str, tmp: Any, policy: str = "scripted") -> Any:
    """A started loop with an attached console (audit under ``tmp``)."""
    loop = build_simulation(config, world=world, policy=policy, run_id="r-test")
    console = ConsoleService(
        config.console, run_id="r-test", audit=AuditLog(tmp / "audit.jsonl")
    )
    loop.start()
    console.attach(loop)
    return loop, console


def document(loop: Any, config: Any, console: Any) -> dict[str, Any]:
    """A snapshot document of ``loop`` now, checksum included."""
    doc = build_document(loop, config, kind="manual", console=console)
    assert doc["content_sha256"] == content_sha256(doc["state"])
    return doc
