"""The 18 world-level commands (operations.md 2.9, world.md 16).

They are all admin and in-tick, and have no handler here: the loop hands them to
``world.apply_command`` at phase 1 and the world applies them in step 3, returning
their result or error code (docs/world-state.md section 9). Ingress only checks
types and the static ranges listed below.

>>> [c.name for c in WORLD_COMMANDS][:3]
['spawn', 'teleport', 'setneed']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from townlet.console.catalogue import CommandSpec, Param

__all__ = ["WORLD_COMMANDS", "shape_result"]


def _world(name: str, summary: str, *params: Param) -> CommandSpec:
    """An admin, in-tick command the world applies."""
    return CommandSpec(name, "admin", "in_tick", tuple(params), summary)


_AGENT = Param("agent_id", "str", True, doc="agent id, e.g. agent_3")
_DELAY_MAX = 10_080

WORLD_COMMANDS: tuple[CommandSpec, ...] = (
    _world(
        "spawn",
        "Spawn a newcomer; the id is always new.",
        Param("name", "str", minimum=1, maximum=64),
        Param("position", "position", doc="[x, y]"),
        Param("profile", "str"),
        Param("needs", "dict", doc="{need: value in [0, 1]}"),
        Param("wallet", "number", minimum=0),
        Param("items", "dict", doc="{item: count}"),
    ),
    _world(
        "teleport",
        "Move an agent; it leaves queues and running affordances fail cleanly.",
        _AGENT,
        Param("position", "position", True, doc="[x, y]"),
    ),
    _world(
        "setneed",
        "Set needs (clamped to [0, 1]).",
        _AGENT,
        Param("needs", "dict", True, doc="{need: value}"),
    ),
    _world(
        "set_rel",
        "Set the tie between two agents in both directions.",
        Param("agent_a", "str", True),
        Param("agent_b", "str", True),
        Param("trust", "number", minimum=-1, maximum=1),
        Param("familiarity", "number", minimum=-1, maximum=1),
        Param("rivalry", "number", minimum=0, maximum=1),
    ),
    _world(
        "price",
        "Override a base price (an operator override; the config is untouched).",
        Param("key", "str", True, doc="a price key"),
        Param("value", "number", True, minimum=0),
    ),
    _world(
        "force_chat",
        "A successful chat from speaker to listener.",
        Param("speaker", "str", True),
        Param("listener", "str", True),
        Param("quality", "number", default=1.0, minimum=0, maximum=1),
    ),
    _world(
        "arrange_meet",
        "Schedule a meet for two or more agents (bypasses the scheduler's gates).",
        Param("agents", "str_list", True, minimum=2),
        Param("location", "str", default="cafe"),
        Param("starts_in", "int", default=0, minimum=0, maximum=_DELAY_MAX),
        Param("duration", "int", minimum=1),
    ),
    _world(
        "kill",
        "Terminate an agent; respawn follows the lifecycle rules.",
        _AGENT,
        Param("reason", "str", default="operator"),
    ),
    _world(
        "toggle_mortality",
        "Turn mortality on or off (an override).",
        Param("enabled", "bool", True),
    ),
    _world(
        "set_exit_cap",
        "Set the daily exit cap (an override).",
        Param("daily_exit_cap", "int", True, minimum=0, maximum=2**32 - 1),
    ),
    _world(
        "set_spawn_delay",
        "Set the respawn delay range in ticks (an override).",
        Param("min", "int", True, minimum=0, maximum=_DELAY_MAX),
        Param("max", "int", True, minimum=0, maximum=_DELAY_MAX),
    ),
    _world(
        "set_population_target",
        "Set the population target (an override).",
        Param("n", "int", True, minimum=0),
    ),
    _world("exit_approve", "Approve a pending exit now.", _AGENT),
    _world("exit_defer", "Remove an agent from the exit queue.", _AGENT),
    _world(
        "perturbation_trigger",
        "Schedule a perturbation (bypasses cooldowns and the concurrency cap).",
        Param("spec", "str", True, doc="a perturbation spec name"),
        Param("targets", "str_list"),
        Param("magnitude", "number"),
        Param("duration", "int", minimum=1),
        Param("starts_in", "int", default=0, minimum=0, maximum=_DELAY_MAX),
        Param("participants", "str_list"),
    ),
    _world(
        "perturbation_cancel",
        "End a pending or active perturbation now.",
        Param("event_id", "str", True, doc="evt_<n>"),
    ),
    _world(
        "possess",
        "Acquire or release an agent; a possessed agent takes its actions from act.",
        _AGENT,
        Param("action", "str", True, choices=("acquire", "release")),
    ),
    _world(
        "act",
        "Queue a possessed agent's action for this tick (else it waits).",
        _AGENT,
        Param("action", "dict", True, doc="primitive dict form, world.md 6.1"),
    ),
)


def _event_id(message: str) -> str | None:
    """The ``evt_<n>`` a scheduling message names."""
    for word in message.split():
        if word.startswith("evt_"):
            return word
    return None


def shape_result(
    name: str, args: Mapping[str, Any], data: Mapping[str, Any], world: Any
) -> dict[str, Any]:
    """The result fields of operations.md 2.9 from a world ``CommandResult``.

    The world returns ``{message, agent_id?}``; this adds what the console promises:
    ``event_id, starts_at, ends_at`` for scheduled events, ``possessed`` for
    ``possess``, ``position`` for ``spawn``/``teleport``, ``removed_tick`` for
    ``kill``, and the override value for setting commands.

    >>> shape_result("toggle_mortality", {"enabled": False}, {"message": "m"}, None)
    {'message': 'm', 'enabled': False}
    """
    out = dict(data)
    if name in ("perturbation_trigger", "arrange_meet"):
        event_id = _event_id(str(data.get("message", "")))
        out["event_id"] = event_id
        tree = world.export_state()["perturbations"]
        for event in [*tree["pending"], *tree["active"]]:
            if event["event_id"] == event_id:
                out["starts_at"], out["ends_at"] = event["start"], event["ends_at"]
    elif name == "perturbation_cancel":
        out.update(event_id=args["event_id"], cancelled=True)
    elif name == "possess":
        out["possessed"] = args["action"] == "acquire"
    elif name in ("spawn", "teleport"):
        agent_id = out.get("agent_id", args.get("agent_id"))
        for agent in world.export_state()["agents"]:
            if agent["id"] == agent_id:
                out["position"] = agent["position"]
    elif name == "kill":
        out["removed_tick"] = world.tick
    elif name == "act":
        out["tick"] = world.tick
    elif name == "set_spawn_delay":
        out["spawn_delay_ticks"] = [args["min"], args["max"]]
    elif name == "set_population_target":
        out["population_target"] = args["n"]
    elif name in ("toggle_mortality", "set_exit_cap", "setneed"):
        out.update(args)
    return out
