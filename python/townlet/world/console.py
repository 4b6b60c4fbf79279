"""World-level console mutations, applied in step 3 (world.md 16; world-state.md 9).

``apply_command`` only queues a command; step 3 of the next tick applies the queued
commands in arrival order with :func:`apply_commands`. Each command is first brought to
a plain JSON tree by :func:`plain` (the native world hands the core exactly that tree as
JSON), then fully validated, and only then applied: a command either fully applies or
changes nothing. Every outcome, success or refusal, is a ``CommandResult`` whose code
and message are pinned in docs/world-state.md section 9. Mirrors ``console.rs``.

>>> plain({"cmd_id": "c1", "name": "kill", "args": {"x": float("nan")}})["args"]
{'x': {'$unsupported': 'float'}}
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from townlet.core.types import NEEDS, CommandResult
from townlet.world import econ, exits, lifecycle, perturb_cmds, possession
from townlet.world.actions import chat_pair_event
from townlet.world.state import WorldState
from townlet.world.ties import Tie, chat_good, weakest

__all__ = ["COMMANDS", "MALFORMED", "apply_command", "apply_commands", "plain"]

COMMANDS: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "spawn": (
        ("name", "str", False),
        ("position", "position", False),
        ("profile", "str", False),
        ("needs", "dict", False),
        ("wallet", "number", False),
        ("items", "dict", False),
    ),
    "teleport": (("agent_id", "str", True), ("position", "position", True)),
    "setneed": (("agent_id", "str", True), ("needs", "dict", True)),
    "kill": (("agent_id", "str", True), ("reason", "str", False)),
    "toggle_mortality": (("enabled", "bool", True),),
    "set_spawn_delay": (("min", "int", True), ("max", "int", True)),
    "set_population_target": (("n", "int", True),),
    "set_rel": (
        ("agent_a", "str", True),
        ("agent_b", "str", True),
        ("trust", "number", False),
        ("familiarity", "number", False),
        ("rivalry", "number", False),
    ),
    "force_chat": (
        ("speaker", "str", True),
        ("listener", "str", True),
        ("quality", "number", False),
    ),
    "price": (("key", "str", True), ("value", "number", True)),
    "exit_approve": (("agent_id", "str", True),),
    "exit_defer": (("agent_id", "str", True),),
    "set_exit_cap": (("daily_exit_cap", "int", True),),
    "perturbation_trigger": (
        ("spec", "str", True),
        ("starts_in", "int", False),
        ("duration", "int", False),
        ("magnitude", "number", False),
        ("targets", "list", False),
        ("participants", "list", False),
    ),
    "arrange_meet": (
        ("agents", "list", True),
        ("location", "str", False),
        ("starts_in", "int", False),
        ("duration", "int", False),
    ),
    "perturbation_cancel": (("event_id", "str", True),),
    "possess": (("agent_id", "str", True), ("action", "str", True)),
    "act": (("agent_id", "str", True), ("action", "dict", True)),
}
"""Each command's arguments in check order: ``(name, kind, required)``."""

MALFORMED = 'malformed command: expected {"cmd_id": str, "name": str, "args": dict}'
_UNKNOWN = "unknown command '{}': this world applies " + ", ".join(COMMANDS)
_EXPECTED = {
    "str": "a str",
    "bool": "a bool",
    "int": "an int",
    "number": "a finite number",
    "dict": "a dict",
    "position": "a position [x, y] of ints",
    "list": "a list",
}
_I64 = 1 << 63
_MAX_DEPTH = 16
_MAX_SPAWN_DELAY = 10_080
_U32_MAX = (1 << 32) - 1


class _RefusedError(Exception):
    """A validation failure: the command's error code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def plain(value: Any, depth: int = 0) -> Any:
    """``value`` as a plain JSON tree, the one input of both worlds' validation.

    Dicts with str keys, lists and tuples, ``None``, bools, str, ints in i64 and finite
    floats are kept; anything else (and anything nested deeper than 16) becomes
    ``{"$unsupported": <type name>}``, which no argument accepts.

    >>> plain((1, 2.5, None))
    [1, 2.5, None]
    """
    if value is None or isinstance(value, bool):
        return value
    if type(value) is int and -_I64 <= value < _I64:
        return value
    if type(value) is float and math.isfinite(value):
        return value
    if type(value) is str:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return {"$unsupported": "str"}
        return value
    if depth < _MAX_DEPTH:
        if isinstance(value, Mapping) and all(type(k) is str for k in value):
            return {k: plain(v, depth + 1) for k, v in value.items() if plain(k) == k}
        if isinstance(value, list | tuple):
            return [plain(v, depth + 1) for v in value]
    return {"$unsupported": type(value).__name__}


def _is_kind(value: Any, kind: str) -> bool:
    if kind == "str":
        return type(value) is str
    if kind == "bool":
        return type(value) is bool
    if kind == "int":
        return type(value) is int
    if kind == "number":
        return type(value) is int or type(value) is float
    if kind == "dict":
        return type(value) is dict
    if kind == "list":
        return type(value) is list
    return (
        type(value) is list and len(value) == 2 and all(type(v) is int for v in value)
    )


def _check_args(name: str, args: dict[str, Any]) -> dict[str, Any]:
    spec = COMMANDS[name]
    known = {key for key, _, _ in spec}
    for key in sorted(args):
        if key not in known:
            raise _RefusedError("invalid_args", f"{name}: unknown argument '{key}'")
    for key, kind, required in spec:
        if key not in args:
            if required:
                raise _RefusedError("invalid_args", f"{name}: missing argument '{key}'")
        elif not _is_kind(args[key], kind):
            raise _RefusedError(
                "invalid_args", f"{name}: {key}: expected {_EXPECTED[kind]}"
            )
    return args


def _alive(state: WorldState, name: str, agent_id: str) -> Any:
    for agent in state.agents:
        if agent.alive and agent.id == agent_id:
            return agent
    raise _RefusedError("not_found", f"{name}: no alive agent '{agent_id}'")


def _position(state: WorldState, name: str, position: list[int]) -> tuple[int, int]:
    x, y = position
    grid = state.grid
    if not (0 <= x < grid.width and 0 <= y < grid.height):
        raise _RefusedError("out_of_bounds", f"{name}: [{x}, {y}] is outside the grid")
    if not grid.is_walkable(x, y):
        raise _RefusedError("not_walkable", f"{name}: [{x}, {y}] is not walkable")
    return (x, y)


def _needs(name: str, needs: dict[str, Any], unit: bool) -> dict[int, float]:
    """Need index -> value, keys checked in sorted order."""
    out: dict[int, float] = {}
    for key in sorted(needs):
        if key not in NEEDS:
            raise _RefusedError("invalid_args", f"{name}: needs: unknown need '{key}'")
        value = needs[key]
        if not _is_kind(value, "number"):
            raise _RefusedError(
                "invalid_args", f"{name}: needs.{key}: expected a finite number"
            )
        value = float(value)
        if unit and not 0.0 <= value <= 1.0:
            raise _RefusedError(
                "invalid_args", f"{name}: needs.{key}: must be in [0, 1]"
            )
        out[NEEDS.index(key)] = value
    return out


def _spawn(state: WorldState, args: dict[str, Any]) -> str:
    s = state.settings
    position = None
    if "position" in args:
        position = _position(state, "spawn", args["position"])
    profile = args.get("profile")
    if profile is not None and profile not in state.profiles:
        raise _RefusedError("invalid_args", f"spawn: unknown profile '{profile}'")
    needs = list(s.newcomer.needs)
    for k, v in _needs("spawn", args.get("needs", {}), True).items():
        needs[k] = v
    wallet = s.newcomer.wallet
    if "wallet" in args:
        wallet = float(args["wallet"])
        if wallet < 0.0:
            raise _RefusedError("invalid_args", "spawn: wallet: must be >= 0")
    items = list(s.newcomer.items)
    if "items" in args:
        names = [item.name for item in s.items]
        items = [0] * len(names)
        given = args["items"]
        for key in sorted(given):
            if key not in names:
                raise _RefusedError(
                    "invalid_args", f"spawn: items: unknown item '{key}'"
                )
            k = names.index(key)
            count = given[key]
            if type(count) is not int:
                raise _RefusedError(
                    "invalid_args", f"spawn: items.{key}: expected an int"
                )
            limit = s.items[k].carry_limit
            if not 0 <= count <= limit:
                raise _RefusedError(
                    "invalid_args", f"spawn: items.{key}: must be in [0, {limit}]"
                )
            items[k] = count
    if state.slots.allocate(state.tick, s.cooldown_ticks) is None:
        raise _RefusedError("capacity", "spawn: no free embedding slot")
    agent = lifecycle.spawn(
        state,
        "console",
        position=position,
        profile=profile,
        needs=(needs[0], needs[1], needs[2]),
        wallet=wallet,
        items=items,
    )
    assert agent is not None  # a slot was free
    return agent.id


def _evicted(state: WorldState, owner: Any, other: int, reason: str) -> None:
    state.events.emit(
        "tie_evicted", owner=owner.id, other=f"agent_{other}", reason=reason
    )


def _set_rel(state: WorldState, args: dict[str, Any]) -> str:
    """``set_rel``: set both directions absolutely (no modifiers)."""
    name = "set_rel"
    if args["agent_a"] == args["agent_b"]:
        raise _RefusedError("invalid_args", f"{name}: agent_a and agent_b must differ")
    given: dict[str, float] = {}
    for key, lo in (("trust", -1.0), ("familiarity", -1.0), ("rivalry", 0.0)):
        if key in args:
            value = float(args[key])
            if not lo <= value <= 1.0:
                bound = "[-1, 1]" if lo < 0.0 else "[0, 1]"
                raise _RefusedError(
                    "invalid_args", f"{name}: {key}: must be in {bound}"
                )
            given[key] = 0.0 if value == 0.0 else value
    a = _alive(state, name, args["agent_a"])
    b = _alive(state, name, args["agent_b"])
    t = state.tick
    for owner, other in ((a, b), (b, a)):
        old = owner.ties.get(other.uid)
        if old is None:
            if len(owner.ties) >= state.ties.max_ties:
                victim = weakest(owner.ties)
                if victim is None:
                    continue
                owner.ties.remove(victim.other)
                _evicted(state, owner, victim.other, "capacity")
            old = Tie.fresh(other.uid, t)
        owner.ties.insert(
            Tie(
                other.uid,
                given.get("trust", old.trust),
                given.get("familiarity", old.familiarity),
                given.get("rivalry", old.rivalry),
                old.created_tick,
                t,
            )
        )
    state.events.emit(
        "relationship_set",
        agent_a=a.id,
        agent_b=b.id,
        trust=given.get("trust"),
        familiarity=given.get("familiarity"),
        rivalry=given.get("rivalry"),
    )
    return f"set ties between {a.id} and {b.id}"


def _force_chat(state: WorldState, args: dict[str, Any]) -> str:
    """``force_chat``: a successful chat without distance, draw or cooldown."""
    name = "force_chat"
    if args["speaker"] == args["listener"]:
        raise _RefusedError("invalid_args", f"{name}: speaker and listener must differ")
    quality = float(args.get("quality", 1.0))
    if not 0.0 <= quality <= 1.0:
        raise _RefusedError("invalid_args", f"{name}: quality: must be in [0, 1]")
    a = _alive(state, name, args["speaker"])
    b = _alive(state, name, args["listener"])
    t = state.tick
    a.last_chat_tick = t
    b.last_chat_tick = t
    state.events.emit(
        "chat_succeeded",
        speaker=a.id,
        listener=b.id,
        p=None,
        quality=quality,
        forced=True,
    )
    chat_pair_event(state, a, b, chat_good(quality))
    return f"{a.id} chatted with {b.id}"


def _apply(state: WorldState, name: str, args: dict[str, Any]) -> tuple[str, str]:
    """Validate and apply one command; returns ``(message, agent id or "")``."""
    s, events = state.settings, state.events
    if name == "spawn":
        agent_id = _spawn(state, args)
        return (f"spawned {agent_id}", agent_id)
    if name == "teleport":
        agent = _alive(state, name, args["agent_id"])
        to = _position(state, name, args["position"])
        start = [agent.x, agent.y]
        from townlet.world.affordances import interrupt
        from townlet.world.events import reason_code

        interrupt(state, agent, reason_code("relocated"))
        agent.x, agent.y = to
        agent.ctx_reset = True
        events.emit(
            "agent_teleported",
            agent_id=agent.id,
            **{"from": start},
            to=[to[0], to[1]],
            cause="console",
            event_id=None,
        )
        return (f"teleported {agent.id} to [{to[0]}, {to[1]}]", agent.id)
    if name == "setneed":
        values = _needs(name, args["needs"], False)
        agent = _alive(state, name, args["agent_id"])
        for k in sorted(values):
            value = min(max(values[k], 0.0), 1.0)
            setattr(agent, NEEDS[k], value)
        agent.ctx_reset = True
        events.emit(
            "needs_set",
            agent_id=agent.id,
            needs={
                "hunger": agent.hunger,
                "hygiene": agent.hygiene,
                "energy": agent.energy,
            },
        )
        return (f"set needs of {agent.id}", agent.id)
    if name == "kill":
        agent = _alive(state, name, args["agent_id"])
        lifecycle.terminate(state, agent, "killed", args.get("reason", "operator"))
        return (f"killed {agent.id}", agent.id)
    if name == "toggle_mortality":
        state.mortality = args["enabled"]
        events.emit("world_setting_changed", key="mortality", value=state.mortality)
        return (f"mortality set to {str(state.mortality).lower()}", "")
    if name == "set_spawn_delay":
        dmin, dmax = args["min"], args["max"]
        if not 0 <= dmin <= dmax <= _MAX_SPAWN_DELAY:
            raise _RefusedError(
                "invalid_args",
                f"set_spawn_delay: expected 0 <= min <= max <= {_MAX_SPAWN_DELAY}",
            )
        state.spawn_delay_ticks = (dmin, dmax)
        events.emit("world_setting_changed", key="spawn_delay", value=[dmin, dmax])
        return (f"spawn_delay set to [{dmin}, {dmax}]", "")
    if name == "set_rel":
        return (_set_rel(state, args), args["agent_a"])
    if name == "force_chat":
        return (_force_chat(state, args), args["speaker"])
    if name == "price":
        key = args["key"]
        index = econ.price_index(state, key)
        if index is None:
            raise _RefusedError("not_found", f"price: unknown price key '{key}'")
        value = float(args["value"])
        if value < 0.0:
            raise _RefusedError("invalid_args", "price: value must be >= 0")
        econ.set_base_price(state, index, value)
        return (f"set the base price of {key}", "")
    if name == "perturbation_trigger":
        return (perturb_cmds.trigger(state, args), "")
    if name == "arrange_meet":
        return (perturb_cmds.arrange_meet(state, args), "")
    if name == "perturbation_cancel":
        return (perturb_cmds.cancel_cmd(state, args), "")
    if name == "possess":
        return possession.possess(state, args)
    if name == "act":
        return possession.act(state, args)
    if name == "exit_approve":
        agent = _alive(state, name, args["agent_id"])
        state.exit_approvals.append(agent.uid)
        return (f"approved the exit of {agent.id}", agent.id)
    if name == "exit_defer":
        agent = _alive(state, name, args["agent_id"])
        if not exits.reprieve(state, agent):
            raise _RefusedError("conflict", f"exit_defer: {agent.id} is not pending")
        return (f"deferred the exit of {agent.id}", agent.id)
    if name == "set_exit_cap":
        cap = args["daily_exit_cap"]
        if not 0 <= cap <= _U32_MAX:
            raise _RefusedError(
                "invalid_args",
                f"set_exit_cap: daily_exit_cap must be in [0, {_U32_MAX}]",
            )
        state.daily_exit_cap = cap
        events.emit("world_setting_changed", key="daily_exit_cap", value=cap)
        return (f"daily_exit_cap set to {cap}", "")
    n = args["n"]
    limit = min(s.max_slots, len(state.ownable))
    if not 0 <= n <= limit:
        raise _RefusedError(
            "invalid_args", f"set_population_target: n must be in [0, {limit}]"
        )
    state.population_target = n
    events.emit("world_setting_changed", key="population_target", value=n)
    return (f"population_target set to {n}", "")


def apply_command(state: WorldState, command: Any) -> CommandResult:
    """Validate and apply one plain command tree (see :func:`plain`).

    Returns:
        Its result; a refused command has changed nothing.
    """
    if type(command) is not dict:
        return CommandResult(
            cmd_id="", name="", ok=False, code="invalid_args", message=MALFORMED
        )
    cmd_id, name = command.get("cmd_id"), command.get("name")
    args = command.get("args", {})
    cmd_id_str = cmd_id if type(cmd_id) is str else ""
    name_str = name if type(name) is str else ""
    if type(cmd_id) is not str or type(name) is not str or type(args) is not dict:
        return CommandResult(
            cmd_id=cmd_id_str,
            name=name_str,
            ok=False,
            code="invalid_args",
            message=MALFORMED,
        )
    if name not in COMMANDS:
        return CommandResult(
            cmd_id=cmd_id,
            name=name,
            ok=False,
            code="invalid_args",
            message=_UNKNOWN.format(name),
        )
    try:
        message, agent_id = _apply(state, name, _check_args(name, args))
    except _RefusedError as refused:
        return CommandResult(
            cmd_id=cmd_id,
            name=name,
            ok=False,
            code=refused.code,
            message=refused.message,
        )
    data = {"agent_id": agent_id} if agent_id else {}
    return CommandResult(cmd_id=cmd_id, name=name, ok=True, message=message, data=data)


def apply_commands(state: WorldState, commands: list[Any]) -> list[CommandResult]:
    """Step 3: apply ``commands`` (plain trees) in arrival order."""
    return [apply_command(state, command) for command in commands]
