"""Command declarations, argument validation and JSON Schemas (operations.md 2.9).

Each command is a :class:`CommandSpec`: ``{name, role, application, params, summary,
usage, handler}``. ``help``, ``GET /api/console/commands`` and docs/console.md are all
generated from these declarations (``townlet.console.handlers`` holds them). Ingress
step 7 checks types, ranges and required fields here; world-dependent checks (does the
agent exist?) happen at the application point.

>>> spec = CommandSpec("n", "admin", "in_tick", (Param("k", "int", minimum=0),), "s")
>>> validate_args(spec, {"k": 3})
{'k': 3}
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from townlet.console.envelope import ConsoleError

__all__ = ["CommandSpec", "Param", "json_schema", "suggest", "validate_args"]

_EXPECTED = {
    "str": "string",
    "int": "integer",
    "number": "finite number",
    "bool": "boolean",
    "dict": "object",
    "list": "array",
    "str_list": "array of strings",
    "position": "[x, y] of integers",
}


@dataclass(frozen=True)
class Param:
    """One named argument.

    Attributes:
        name: the argument name.
        kind: ``str``, ``int``, ``number``, ``bool``, ``dict``, ``list``,
            ``str_list`` or ``position``.
        required: whether it must be given.
        default: documented default (the handler or world applies it).
        minimum: inclusive lower bound (numbers) or length (str and lists).
        maximum: inclusive upper bound (numbers) or length (str and lists).
        choices: allowed values.
        pattern: a full-match regex for strings.
        doc: one line for help and the docs.
    """

    name: str
    kind: str
    required: bool = False
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Any, ...] = ()
    pattern: str | None = None
    doc: str = ""


Handler = Callable[[Any, dict[str, Any]], Any]
"""``handler(service, args) -> result``; raises ``ConsoleError`` to refuse."""


@dataclass(frozen=True)
class CommandSpec:
    """A console command (operations.md 2.9).

    Attributes:
        name: the command name (case-sensitive).
        role: ``viewer`` or ``admin``.
        application: ``immediate`` (runs between ticks) or ``in_tick`` (queued).
        params: the arguments in CLI positional order.
        summary: one line.
        usage: a usage line (defaults to the name and params).
        handler: runs the command; ``None`` for world commands, which the world
            applies in step 3 of the tick.
    """

    name: str
    role: str
    application: str
    params: tuple[Param, ...]
    summary: str
    usage: str = ""
    handler: Handler | None = None

    @property
    def usage_line(self) -> str:
        """``name a b [c]``: required params bare, optional ones bracketed."""
        if self.usage:
            return self.usage
        words = [p.name if p.required else f"[{p.name}]" for p in self.params]
        return " ".join([self.name, *words])

    def describe(self) -> dict[str, Any]:
        """``{name, role, application, params, summary, usage}`` for the catalogue."""
        return {
            "name": self.name,
            "role": self.role,
            "application": self.application,
            "params": json_schema(self),
            "summary": self.summary,
            "usage": self.usage_line,
        }


def _kind_ok(kind: str, value: Any) -> bool:
    """Whether ``value`` has the JSON type of ``kind``."""
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return type(value) is int
    if kind == "number":
        return type(value) in (int, float) and math.isfinite(value)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "dict":
        return isinstance(value, dict)
    if kind == "list":
        return isinstance(value, list)
    if kind == "str_list":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "position":
        return (
            isinstance(value, list)
            and len(value) == 2
            and all(type(v) is int for v in value)
        )
    raise AssertionError(kind)


def _got(value: Any) -> str:
    """A short description of a bad value, for ``details.errors[].got``."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _range_problem(param: Param, value: Any) -> str | None:
    """The range/choice/pattern rule ``value`` breaks, or ``None``."""
    if param.choices and value not in param.choices:
        return "one of " + ", ".join(str(c) for c in param.choices)
    size = len(value) if isinstance(value, str | list) else value
    if param.kind in ("int", "number", "str", "list", "str_list"):
        lo, hi = param.minimum, param.maximum
        unit = "" if param.kind in ("int", "number") else " items"
        if param.kind == "str":
            unit = " chars"
        if lo is not None and size < lo:
            return f">= {lo:g}{unit}"
        if hi is not None and size > hi:
            return f"<= {hi:g}{unit}"
    if param.pattern and not re.fullmatch(param.pattern, value):
        return f"matching {param.pattern}"
    return None


def validate_args(spec: CommandSpec, args: Mapping[str, Any]) -> dict[str, Any]:
    """Ingress step 7: check ``args`` against ``spec.params``.

    Returns:
        The args as a plain dict (unchanged values).

    Raises:
        ConsoleError: ``invalid_args`` with ``details.errors[{field, expected, got}]``
            listing every problem, unknown arguments first.
    """
    known = {p.name: p for p in spec.params}
    errors: list[dict[str, str]] = []
    for key in sorted(k for k in args if k not in known):
        errors.append(
            {
                "field": str(key)[:64],
                "expected": "no such argument",
                "got": _got(args[key]),
            }
        )
    for param in spec.params:
        if param.name not in args:
            if param.required:
                errors.append(
                    {
                        "field": param.name,
                        "expected": _EXPECTED[param.kind],
                        "got": "missing",
                    }
                )
            continue
        value = args[param.name]
        if not _kind_ok(param.kind, value):
            errors.append(
                {
                    "field": param.name,
                    "expected": _EXPECTED[param.kind],
                    "got": _got(value),
                }
            )
            continue
        problem = _range_problem(param, value)
        if problem is not None:
            errors.append(
                {"field": param.name, "expected": problem, "got": _got(value)}
            )
    if errors:
        first = errors[0]
        raise ConsoleError(
            "invalid_args",
            f"{spec.name}: {first['field']}: expected {first['expected']}, "
            f"got {first['got']}",
            {"errors": errors},
        )
    return dict(args)


def _param_schema(param: Param) -> dict[str, Any]:
    """JSON Schema of one parameter."""
    kinds = {
        "str": "string",
        "int": "integer",
        "number": "number",
        "bool": "boolean",
        "dict": "object",
        "list": "array",
    }
    schema: dict[str, Any]
    if param.kind == "position":
        schema = {
            "type": "array",
            "items": {"type": "integer"},
            "minItems": 2,
            "maxItems": 2,
        }
    elif param.kind == "str_list":
        schema = {"type": "array", "items": {"type": "string"}}
    else:
        schema = {"type": kinds[param.kind]}
    bounds = {
        "int": ("minimum", "maximum"),
        "number": ("minimum", "maximum"),
        "str": ("minLength", "maxLength"),
        "list": ("minItems", "maxItems"),
        "str_list": ("minItems", "maxItems"),
    }.get(param.kind)
    if bounds and param.minimum is not None:
        schema[bounds[0]] = param.minimum
    if bounds and param.maximum is not None:
        schema[bounds[1]] = param.maximum
    if param.choices:
        schema["enum"] = list(param.choices)
    if param.pattern:
        schema["pattern"] = param.pattern
    if param.default is not None:
        schema["default"] = param.default
    if param.doc:
        schema["description"] = param.doc
    return schema


def json_schema(spec: CommandSpec) -> dict[str, Any]:
    """The JSON Schema of a command's ``args`` object."""
    return {
        "type": "object",
        "properties": {p.name: _param_schema(p) for p in spec.params},
        "required": [p.name for p in spec.params if p.required],
        "additionalProperties": False,
    }


def suggest(name: str, names: Sequence[str]) -> str | None:
    """The closest known command name, if any is close.

    >>> suggest("teleprt", ["teleport", "kill"])
    'teleport'
    """
    found = difflib.get_close_matches(name, list(names), n=1, cutoff=0.6)
    return found[0] if found else None
