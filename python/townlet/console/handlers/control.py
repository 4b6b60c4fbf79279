"""Admin loop-level commands: pacing and loop actions (operations.md 2.9, C-13).

``pause``, ``resume`` and ``step`` are immediate and only control pacing; ``step`` runs
its ticks itself, under the console lock, so a paused tick driver stays out of the
way. ``snapshot_save`` and ``narrate`` are in-tick, loop-level commands: the loop runs
them before the world commands of the tick (``snapshot_save`` captures the state at the
end of the tick).

>>> [c.name for c in CONTROL_COMMANDS]
['pause', 'resume', 'step', 'snapshot_save', 'narrate']
"""

from __future__ import annotations

from typing import Any

from townlet.console.catalogue import CommandSpec, Param
from townlet.console.envelope import ConsoleError
from townlet.core.types import TelemetryEvent

__all__ = ["CONTROL_COMMANDS", "NAME_PATTERN"]

NAME_PATTERN = r"[A-Za-z0-9._-]{1,64}"


def _pause(service: Any, args: dict[str, Any]) -> Any:
    """Stop ticking before the next tick starts."""
    if service.paused:
        raise ConsoleError("precondition_failed", "pause: already paused")
    service.paused = True
    return {"paused": True, "tick": None if service.loop is None else service.loop.tick}


def _resume(service: Any, args: dict[str, Any]) -> Any:
    """Resume ticking."""
    if not service.paused:
        raise ConsoleError("precondition_failed", "resume: already running")
    service.paused = False
    service.changed.notify_all()
    return {
        "paused": False,
        "tick": None if service.loop is None else service.loop.tick,
    }


def _step(service: Any, args: dict[str, Any]) -> Any:
    """Run ``n`` ticks while paused."""
    if not service.paused:
        raise ConsoleError("precondition_failed", "step: only while paused")
    loop = service.loop
    if loop is None or not loop.is_running:
        raise ConsoleError("unavailable", "step: no running simulation")
    for _ in range(int(args.get("n", 1))):
        loop.step()
    return {"tick": loop.tick}


def _snapshot_save(service: Any, args: dict[str, Any]) -> Any:
    """Save a manual snapshot at the end of this tick (runs from the after hook)."""
    if service.snapshots is None:
        raise ConsoleError("unavailable", "snapshot_save: no snapshot directory")
    from townlet.errors import SnapshotError

    try:
        saved = service.snapshots.save(kind="manual", name=args.get("name"))
    except SnapshotError as err:
        code = "forbidden" if "outside" in str(err) else "conflict"
        raise ConsoleError(code, f"snapshot_save: {err}") from None
    return {"path": str(saved.path), "tick": saved.tick, "state_hash": saved.state_hash}


def _narrate(service: Any, args: dict[str, Any]) -> Any:
    """Hand an operator narration to telemetry (its limiter decides)."""
    loop = service.loop
    service.narrations = getattr(service, "narrations", 0) + 1
    nid = f"op-{service.narrations}"
    payload = {
        "nid": nid,
        "message": args["message"],
        "category": args.get("category", "operator_story"),
        "priority": bool(args.get("priority", False)),
        "focus": args.get("focus"),
        "dedupe_key": args.get("dedupe_key"),
    }
    loop.telemetry.emit(TelemetryEvent("console.narrate", loop.tick, payload))
    return {"queued": True, "nid": nid}


CONTROL_COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "pause", "admin", "immediate", (), "Pause before the next tick.", handler=_pause
    ),
    CommandSpec("resume", "admin", "immediate", (), "Resume ticking.", handler=_resume),
    CommandSpec(
        "step",
        "admin",
        "immediate",
        (Param("n", "int", default=1, minimum=1, maximum=1440),),
        "Run n ticks while paused.",
        handler=_step,
    ),
    CommandSpec(
        "snapshot_save",
        "admin",
        "in_tick",
        (Param("name", "str", pattern=NAME_PATTERN, doc="file name part"),),
        "Save a snapshot at the end of the tick.",
        handler=_snapshot_save,
    ),
    CommandSpec(
        "narrate",
        "admin",
        "in_tick",
        (
            Param("message", "str", True, minimum=1, maximum=280),
            Param("category", "str", default="operator_story"),
            Param("priority", "bool"),
            Param("focus", "str", doc="agent id"),
            Param("dedupe_key", "str"),
        ),
        "Queue an operator narration.",
        handler=_narrate,
    ),
)
