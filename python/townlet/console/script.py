"""Command scripts: the format shared by ``console --dry-run``, ``run --commands`` and
demo timelines (operations.md 7.1), and the runner that injects them.

A script is YAML ``{name, description?, config?, seed?, ticks, tps?, tail_ticks? (10),
steps[]}``. Each step has an ``at`` tick (> 0) and is one of: a *command* (``command``,
``args``, ``cmd_id?``, ``expect?``, ``ref?``), a *narration* (``narrate``,
``category?``, ``priority?``, ``focus?``) or a *camera* hint (``focus``, ``overlay?``).
A command step is submitted between ticks ``at - 1`` and ``at``, so it applies at
phase 1 of tick ``at``. ``ref: x`` lets later steps write ``$x`` in their args; it
resolves to the ``agent_id`` or ``event_id`` the step returned, so a step using it must
come at a later tick. :func:`parse_script` reports every problem at once.

>>> s = parse_script({"ticks": 5, "steps": [{"at": 2, "command": "pause"}]})
>>> s.steps[0].name, s.steps[0].cmd_id
('pause', 'pause-0')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from townlet.console.catalogue import validate_args
from townlet.console.envelope import ConsoleError, Result
from townlet.console.handlers import CATALOGUE
from townlet.core.types import TelemetryEvent
from townlet.errors import ConfigError

__all__ = ["Script", "ScriptRunner", "ScriptStep", "load_script", "parse_script"]

_TOP = {"name", "description", "config", "seed", "ticks", "tps", "tail_ticks", "steps"}
_STEP = {
    "at",
    "command",
    "args",
    "cmd_id",
    "expect",
    "ref",
    "narrate",
    "category",
    "priority",
    "focus",
    "overlay",
}
_EXPECT = re.compile(r"ok|error:[a-z_]+")
_EVENT = re.compile(r"evt_\d+")


@dataclass
class ScriptStep:
    """One step: a command (narrations are ``narrate`` commands) or a camera hint."""

    index: int
    at: int
    name: str
    args: dict[str, Any]
    cmd_id: str
    expect: str | None = None
    ref: str | None = None
    camera: dict[str, Any] | None = None


@dataclass
class Script:
    """A validated script."""

    name: str
    ticks: int
    steps: list[ScriptStep]
    description: str = ""
    config: str | None = None
    seed: int | None = None
    tps: float | None = None
    tail_ticks: int = 10

    @property
    def last_tick(self) -> int:
        """The last step's tick plus ``tail_ticks``."""
        last = max((s.at for s in self.steps), default=0)
        return last + self.tail_ticks


def _refs_in(value: Any) -> list[str]:
    """Every ``$name`` string inside ``value``."""
    if isinstance(value, str) and value.startswith("$"):
        return [value[1:]]
    if isinstance(value, dict):
        return [r for v in value.values() for r in _refs_in(v)]
    if isinstance(value, list):
        return [r for v in value for r in _refs_in(v)]
    return []


def _step(i: int, raw: Any, problems: list[str]) -> ScriptStep | None:
    """Parse step ``i``; append problems."""
    where = f"steps[{i}]"
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a mapping")
        return None
    for key in sorted(set(raw) - _STEP):
        problems.append(f"{where}: unknown key '{key}'")
    at = raw.get("at")
    if type(at) is not int or at <= 0:
        problems.append(f"{where}.at: expected an int > 0, got {at!r}")
        return None
    expect = raw.get("expect")
    if expect is not None and not (
        isinstance(expect, str) and _EXPECT.fullmatch(expect)
    ):
        problems.append(f"{where}.expect: expected ok or error:<code>")
    if "command" in raw:
        name, args = raw["command"], raw.get("args", {})
        if not isinstance(args, dict):
            problems.append(f"{where}.args: expected a mapping")
            args = {}
    elif "narrate" in raw:
        name = "narrate"
        args = {
            "message": raw["narrate"],
            "category": raw.get("category", "demo_story"),
            "priority": raw.get("priority", True),
        }
        if raw.get("focus") is not None:
            args["focus"] = raw["focus"]
    elif "focus" in raw:
        camera = {"focus": raw["focus"], "overlay": raw.get("overlay")}
        return ScriptStep(i, at, "camera", {}, f"camera-{i}", camera=camera)
    else:
        problems.append(f"{where}: expected one of command, narrate, focus")
        return None
    if not isinstance(name, str) or name not in CATALOGUE:
        problems.append(f"{where}: unknown command {name!r}")
        return None
    cmd_id = raw.get("cmd_id", f"{name}-{i}")
    ref = raw.get("ref")
    return ScriptStep(i, at, name, dict(args), str(cmd_id), expect, ref)


def parse_script(raw: Any, source: str = "script") -> Script:
    """Validate a script tree; every problem is listed.

    Raises:
        ConfigError: with one line per problem (CLI exit code 2).
    """
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise ConfigError(f"invalid script {source}: expected a mapping")
    for key in sorted(set(raw) - _TOP):
        problems.append(f"unknown key '{key}'")
    ticks = raw.get("ticks")
    if type(ticks) is not int or ticks <= 0:
        problems.append(f"ticks: expected an int > 0, got {ticks!r}")
        ticks = 0
    raw_steps = raw.get("steps", [])
    if not isinstance(raw_steps, list):
        problems.append("steps: expected a list")
        raw_steps = []
    steps: list[ScriptStep] = []
    refs: dict[str, int] = {}
    for i, item in enumerate(raw_steps):
        step = _step(i, item, problems)
        if step is None:
            continue
        if ticks and step.at > ticks:
            problems.append(f"steps[{i}].at: {step.at} is after ticks ({ticks})")
        for used in _refs_in(step.args):
            if used not in refs or refs[used] >= step.at:
                problems.append(f"steps[{i}]: ${used} is used before its step")
        if step.camera is None:
            resolved = {k: ("x" if _refs_in(v) else v) for k, v in step.args.items()}
            try:
                validate_args(CATALOGUE[step.name], resolved)
            except ConsoleError as err:
                problems.append(f"steps[{i}]: {err.message}")
        if step.ref is not None:
            refs[str(step.ref)] = step.at
        steps.append(step)
    if problems:
        raise ConfigError(
            f"invalid script {source}: {len(problems)} problem(s)",
            errors=[f"{source}: {p}" for p in problems],
        )
    return Script(
        name=str(raw.get("name", source)),
        ticks=int(ticks),
        steps=steps,
        description=str(raw.get("description", "")),
        config=raw.get("config"),
        seed=raw.get("seed"),
        tps=raw.get("tps"),
        tail_ticks=int(raw.get("tail_ticks", 10)),
    )


def load_script(path: str | Path) -> Script:
    """Read and validate a script file.

    Raises:
        ConfigError: unreadable, not YAML, or invalid.
    """
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise ConfigError(f"cannot read script {path}: {err}") from None
    return parse_script(raw, str(path))


@dataclass
class ScriptRunner:
    """Injects a script's steps into a console as the loop ticks.

    Attach with :meth:`attach` (before the console's own hook), then run the loop.

    Attributes:
        script: the script.
        service: the console service.
        principal: ``system:script``, ``system:dryrun`` or ``system:demo``.
        results: ``(step, result envelope)`` in submission order.
    """

    script: Script
    service: Any
    principal: str = "system:script"
    results: list[tuple[ScriptStep, Result]] = field(default_factory=list)
    refs: dict[str, Result] = field(default_factory=dict)

    def attach(self, loop: Any) -> None:
        """Submit each tick's steps at phase 1, before the console drains."""
        loop.before_tick_hooks.insert(0, self._before_tick)

    def _resolve(self, value: Any) -> Any:
        """Replace ``$ref`` strings by the agent or event id the step returned."""
        if isinstance(value, str) and value.startswith("$"):
            found = self.refs.get(value[1:])
            data = (found.result or {}) if found is not None else {}
            if "agent_id" in data:
                return data["agent_id"]
            if "event_id" in data:
                return data["event_id"]
            match = _EVENT.search(str(data.get("message", "")))
            return match.group(0) if match else value
        if isinstance(value, dict):
            return {k: self._resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._resolve(v) for v in value]
        return value

    def _before_tick(self, loop: Any, tick: int) -> None:
        """Submit the steps with ``at == tick`` in file order."""
        for step in self.script.steps:
            if step.at != tick:
                continue
            if step.camera is not None:
                loop.telemetry.emit(TelemetryEvent("demo.camera", tick, step.camera))
                continue
            result = self.service.submit_local(
                step.name,
                self._resolve(step.args),
                principal=self.principal,
                cmd_id=step.cmd_id,
            )
            self.results.append((step, result))
            if step.ref is not None:
                self.refs[str(step.ref)] = result
