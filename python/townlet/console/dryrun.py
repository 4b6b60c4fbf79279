"""Dry-run: a script on a fresh simulation, one row per command (operations.md 2.10).

:func:`dry_run` builds a fresh simulation with ``null`` telemetry, a temporary snapshot
root and audit log, and the principal ``system:dryrun``; runs the script up to its last
step plus ``tail_ticks``; and returns one :class:`DryRunRow` per command
(``at, applied_tick, name, status, code, summary``). A row whose outcome differs from
its ``expect`` is marked; the CLI then exits 3. It opens no socket and writes nothing
outside its temporary directory.

>>> DryRunRow(1, 1, "pause", "ok", None, "", None).met
True
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from townlet.console.audit import AuditLog
from townlet.console.script import Script, ScriptRunner
from townlet.console.service import ConsoleService

__all__ = ["DryRunRow", "dry_run", "format_rows"]


@dataclass(frozen=True)
class DryRunRow:
    """One command's outcome."""

    at: int
    applied_tick: int | None
    name: str
    status: str
    code: str | None
    summary: str
    expect: str | None

    @property
    def met(self) -> bool:
        """Whether the outcome matches ``expect`` (no expectation: always)."""
        if self.expect is None:
            return True
        if self.expect == "ok":
            return self.status == "ok"
        return self.status == "error" and self.expect == f"error:{self.code}"

    def as_dict(self) -> dict[str, Any]:
        """The row as JSON-able dict (``met`` included)."""
        return {
            "at": self.at,
            "applied_tick": self.applied_tick,
            "name": self.name,
            "status": self.status,
            "code": self.code,
            "summary": self.summary,
            "expect": self.expect,
            "met": self.met,
        }


def _summary(result: Any) -> str:
    """A one-line summary of a result envelope."""
    if result.error:
        return str(result.error.get("message", ""))[:100]
    data = result.result
    if isinstance(data, dict) and "message" in data:
        return str(data["message"])[:100]
    return json.dumps(data, default=str)[:100]


def dry_run(
    script: Script,
    config: Any = None,
    seed: int | None = None,
    world: str | None = None,
) -> list[DryRunRow]:
    """Run ``script`` against a fresh simulation.

    Args:
        script: a validated script.
        config: a ``TownletConfig`` or path (default: the script's, else the default).
        seed: master seed (default: the script's, else the config's).
        world: world provider (default: the config's).
    """
    from townlet.config import load_config
    from townlet.core.build import build_simulation
    from townlet.snapshots import SnapshotManager

    if config is None or isinstance(config, str | Path):
        config = load_config(config or script.config)
    seed = seed if seed is not None else script.seed
    with tempfile.TemporaryDirectory(prefix="townlet-dryrun-") as tmp:
        loop = build_simulation(
            config, world=world, telemetry="null", seed=seed, run_id="dryrun"
        )
        service = ConsoleService(
            config.console,
            run_id="dryrun",
            audit=AuditLog(Path(tmp) / "audit.jsonl"),
            environ={},
        )
        with loop:
            snapshots = SnapshotManager(
                loop,
                config,
                console=service,
                root=Path(tmp) / "snapshots",
                every_ticks=0,
            )
            service.attach(loop, snapshots)
            runner = ScriptRunner(script, service, principal="system:dryrun")
            runner.attach(loop)
            loop.run(script.last_tick)
        service.audit.close()
    return [
        DryRunRow(
            step.at,
            r.applied_tick,
            step.name,
            r.status,
            (r.error or {}).get("code"),
            _summary(r),
            step.expect,
        )
        for step, r in runner.results
    ]


def format_rows(rows: list[DryRunRow], fmt: str = "table") -> str:
    """Rows as an aligned table or JSON lines."""
    if fmt == "jsonl":
        return "\n".join(json.dumps(r.as_dict()) for r in rows)
    head = ("at", "applied", "name", "status", "code", "summary")
    lines = [head] + [
        (
            str(r.at),
            str(r.applied_tick),
            r.name,
            r.status + ("" if r.met else " (UNEXPECTED)"),
            r.code or "",
            r.summary,
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(5)]
    return "\n".join(
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line[:5]))
        + "  "
        + line[5]
        for line in lines
    )
