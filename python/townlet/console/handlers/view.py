"""Viewer commands: they only read, immediately, between ticks (operations.md 2.9).

``help``, ``status``, ``agent``, ``snapshot``, ``telemetry_snapshot``,
``employment_status`` and ``affordance_status``. Each reads the last completed tick.

>>> [c.name for c in VIEW_COMMANDS][:2]
['help', 'status']
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from townlet.console.catalogue import CommandSpec, Param
from townlet.console.envelope import ConsoleError

__all__ = ["VIEW_COMMANDS"]

MAX_INLINE_BYTES = 8 * 2**20


def _loop(service: Any) -> Any:
    """The attached loop, or ``unavailable``."""
    if service.loop is None or not service.loop.is_running:
        raise ConsoleError("unavailable", "no running simulation is attached")
    return service.loop


def _help(service: Any, args: dict[str, Any]) -> Any:
    """Names and usage, or one command's parameters."""
    name = args.get("command")
    if name is None:
        return {
            "commands": [
                {
                    "name": s.name,
                    "role": s.role,
                    "usage": s.usage_line,
                    "summary": s.summary,
                }
                for s in sorted(service.catalogue.values(), key=lambda s: s.name)
            ]
        }
    spec = service.catalogue.get(name)
    if spec is None:
        raise ConsoleError("not_found", f"help: no command '{name[:64]}'")
    return spec.describe()


def _plain(value: Any) -> Any:
    """A dataclass (e.g. ``TransportStatus``) as a dict; dicts as they are."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value if isinstance(value, dict) else str(value)


def _status(service: Any, args: dict[str, Any]) -> Any:
    """The status block of operations.md 2.9."""
    from townlet.core.registry import degraded_notices

    loop = _loop(service)
    view = loop.world.view()
    providers = [loop.world_provider, loop.policy_provider, loop.telemetry_provider]
    telemetry = loop.telemetry.status()
    snapshots = service.snapshots
    return {
        "tick": loop.tick,
        "clock": {"day": view.day, "minute": view.minute},
        "paused": service.paused,
        "tps_target": service.tps_target,
        "tps_actual": service.tps_actual,
        "agents_alive": sum(1 for a in view.agents if a.get("alive")),
        "providers": loop.providers_payload(),
        "degraded": degraded_notices(providers) + list(service.degraded),
        "pending_commands": service.pending_count,
        "telemetry": _plain(telemetry),
        "last_autosave": None if snapshots is None else snapshots.last_autosave,
    }


def _state_agent(loop: Any, agent_id: str) -> dict[str, Any]:
    """The agent's record in ``export_state()``, or ``not_found``."""
    for agent in loop.world.export_state()["agents"]:
        if agent["id"] == agent_id:
            return dict(agent)
    raise ConsoleError("not_found", f"agent: no agent '{agent_id[:64]}'")


def _mentions(value: Any, agent_id: str) -> bool:
    """Whether ``agent_id`` appears as a whole string anywhere in ``value``."""
    if isinstance(value, str):
        return value == agent_id
    if isinstance(value, dict):
        return any(_mentions(v, agent_id) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_mentions(v, agent_id) for v in value)
    return False


def _agent(service: Any, args: dict[str, Any]) -> Any:
    """The agent record, its ties, its last 20 events and last reward row."""
    loop = _loop(service)
    agent_id = args["id"]
    record = _state_agent(loop, agent_id)
    events = [dict(e) for e in service.recent_events if _mentions(e, agent_id)][-20:]
    reward = None
    last = loop.last_rewards
    if last is not None and agent_id in last.agent_ids:
        reward = last.as_telemetry().get(agent_id)
    return {
        "agent": record,
        "ties": record.get("ties", []),
        "events": events,
        "reward": reward,
    }


def _snapshot(service: Any, args: dict[str, Any]) -> Any:
    """The complete state document, inline (``too_large`` over 8 MiB)."""
    from townlet.snapshots.capture import capture_state

    loop = _loop(service)
    state = capture_state(loop, service)
    sections = args.get("sections")
    if sections:
        unknown = sorted(set(sections) - set(state))
        if unknown:
            raise ConsoleError(
                "invalid_args", f"snapshot: unknown section {unknown[0]}"
            )
        state = {k: v for k, v in state.items() if k in sections}
    size = len(json.dumps(state, default=str))
    if size > MAX_INLINE_BYTES:
        raise ConsoleError(
            "too_large", "snapshot over 8 MiB; use snapshot_save", {"bytes": size}
        )
    return state


def _telemetry_snapshot(service: Any, args: dict[str, Any]) -> Any:
    """The current telemetry frame, from the frame provider the server registers."""
    loop = _loop(service)
    view = loop.world.view()
    minimal = {
        "tick": view.tick,
        "day": view.day,
        "minute": view.minute,
        "agents": len(view.agents),
    }
    if loop.telemetry_provider.is_stub or service.frame_provider is None:
        raise ConsoleError(
            "unavailable", "telemetry frames unavailable", {"frame": minimal}
        )
    return dict(service.frame_provider())


def _employment_status(service: Any, args: dict[str, Any]) -> Any:
    """The exit queue and every agent's job and shift record."""
    loop = _loop(service)
    state = loop.world.export_state()
    agents = [
        {
            "agent_id": a["id"],
            "job": a["job"],
            "shift": a["shift"],
            "absence_days": a["absence_days"],
            "exit_pending": a["exit_pending"],
        }
        for a in state["agents"]
        if a["alive"]
    ]
    return {"exits": state["exits"], "agents": agents}


def _affordance_status(service: Any, args: dict[str, Any]) -> Any:
    """Running affordances, holders and queues per object."""
    loop = _loop(service)
    state = loop.world.export_state()
    running = [
        {"agent": a["id"], **dict(a["engagement"] or {})}
        for a in state["agents"]
        if a["alive"] and a.get("engagement")
    ]
    queues = [
        {
            "object_id": o["id"],
            "holders": o.get("holders", []),
            "waiters": o.get("waiters", []),
        }
        for o in state["objects"]
        if o.get("holders") or o.get("waiters")
    ]
    return {"running": running, "queues": queues}


def _viewer(name: str, summary: str, handler: Any, *params: Param) -> CommandSpec:
    """A viewer, immediate command."""
    return CommandSpec(
        name, "viewer", "immediate", tuple(params), summary, handler=handler
    )


VIEW_COMMANDS: tuple[CommandSpec, ...] = (
    _viewer(
        "help",
        "List commands, or one command's parameters.",
        _help,
        Param("command", "str", doc="a command name"),
    ),
    _viewer("status", "Tick, clock, pacing, providers, queue and telemetry.", _status),
    _viewer(
        "agent",
        "One agent: record, ties, last events and rewards.",
        _agent,
        Param("id", "str", True, doc="agent id"),
    ),
    _viewer(
        "snapshot",
        "The complete state document, inline.",
        _snapshot,
        Param("sections", "str_list", doc="world, loop, policy, stability, telemetry"),
    ),
    _viewer("telemetry_snapshot", "The current telemetry frame.", _telemetry_snapshot),
    _viewer(
        "employment_status",
        "Exit queue and per-agent shift states.",
        _employment_status,
    ),
    _viewer(
        "affordance_status",
        "Running affordances and queues per object.",
        _affordance_status,
    ),
)
