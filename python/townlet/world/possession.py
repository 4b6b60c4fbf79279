"""Possession (world.md 6.1 rule 2, 16; docs/world-state.md D20-opt-g): ``possess``
acquires or releases an agent, ``act`` queues its action for this tick's step 6.
Mirrors ``rust/townlet-core/src/console/possess_cmds.rs``.

>>> KINDS["release"]
6
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from townlet.world.actions import KIND_CHAT
from townlet.world.engage import BUY, INTERACT, RELEASE, USE_ITEM

if TYPE_CHECKING:
    from townlet.world.state import WorldState

__all__ = ["KINDS", "act", "possess"]

KINDS = {"wait": 0, "release": RELEASE}
_DIRS = {"N": 1, "E": 2, "S": 3, "W": 4}


def _refuse(code: str, message: str) -> Exception:
    from townlet.world.console import _RefusedError

    return _RefusedError(code, message)


def _alive(state: WorldState, name: str, agent_id: str) -> Any:
    for agent in state.agents:
        if agent.alive and agent.id == agent_id:
            return agent
    raise _refuse("not_found", f"{name}: no alive agent '{agent_id}'")


def possess(state: WorldState, args: dict[str, Any]) -> tuple[str, str]:
    """``possess {agent_id, action: acquire | release}``."""
    agent = _alive(state, "possess", args["agent_id"])
    action = args["action"]
    if action not in ("acquire", "release"):
        raise _refuse(
            "invalid_args",
            f"possess: action must be 'acquire' or 'release', got '{action}'",
        )
    acquire = action == "acquire"
    if acquire and agent.possessed:
        raise _refuse("conflict", f"possess: {agent.id} is already possessed")
    if not acquire and not agent.possessed:
        raise _refuse("conflict", f"possess: {agent.id} is not possessed")
    asleep = (
        agent.eng == "running"
        and "sleep" in state.settings.affordances[agent.eng_aff].tags
    )
    if acquire and asleep:
        raise _refuse("conflict", f"possess: {agent.id} is asleep")
    agent.possessed = acquire
    agent.ctx_reset = True
    agent.act = None
    agent.opt.end(agent.opt.last)
    state.events.emit("possession_changed", agent_id=agent.id, possessed=acquire)
    return f"{'possessed' if acquire else 'released'} {agent.id}", agent.id


def _field(action: dict[str, Any], key: str) -> str:
    value = action.get(key)
    if type(value) is not str:
        raise _refuse("invalid_args", f"act: action.{key}: expected a str")
    return value


def _item(state: WorldState, name: str) -> int:
    item = state.tables.item_index.get(name)
    if item is None:
        raise _refuse("invalid_args", f"act: unknown item '{name}'")
    return item


def _triple(state: WorldState, action: dict[str, Any]) -> tuple[int, int, int]:
    kind = _field(action, "kind")
    if kind in KINDS:
        return KINDS[kind], 0, 0
    if kind == "move":
        d = _field(action, "dir")
        if d not in _DIRS:
            raise _refuse("invalid_args", f"act: unknown dir '{d}'")
        return _DIRS[d], 0, 0
    if kind == "interact":
        object_id = _field(action, "object")
        obj = next((o.index for o in state.grid.objects if o.id == object_id), None)
        if obj is None:
            raise _refuse("invalid_args", f"act: unknown object '{object_id}'")
        name = _field(action, "affordance")
        aff = state.tables.affordance_index.get(name)
        if aff is None:
            raise _refuse("invalid_args", f"act: unknown affordance '{name}'")
        return INTERACT, obj, aff
    if kind == "chat":
        target = _field(action, "target")
        uid = next((a.uid for a in state.agents if a.id == target), None)
        if uid is None:
            raise _refuse("invalid_args", f"act: unknown agent '{target}'")
        return KIND_CHAT, uid, 0
    if kind == "buy":
        return BUY, _item(state, _field(action, "item")), 0
    if kind == "use_item":
        return USE_ITEM, _item(state, _field(action, "item")), 0
    raise _refuse("invalid_args", f"act: unknown kind '{kind}'")


def act(state: WorldState, args: dict[str, Any]) -> tuple[str, str]:
    """``act {agent_id, action}``: queue a possessed agent's action for this tick (a
    later ``act`` in the same tick replaces it)."""
    agent = _alive(state, "act", args["agent_id"])
    if not agent.possessed:
        raise _refuse("conflict", f"act: {agent.id} is not possessed")
    agent.act = _triple(state, args["action"])
    return f"queued an action for {agent.id}", agent.id
