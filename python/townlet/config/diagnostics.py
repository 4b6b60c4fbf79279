"""Turning pydantic validation errors into config error lines (operations.md L-1).

Each problem becomes one line
``invalid config <file>: <key.path>: <reason> (got <value>) [line <n>]``; lines are
sorted by key path. Cross-section checks raise
:class:`~townlet.config.base.CrossCheckError`, which is unpacked here so each of its
problems gets its own line and full path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from townlet.config.base import NO_VALUE, CrossCheckError
from townlet.config.keys import clean_location, suggest_key
from townlet.config.source import KeyPath, format_path

__all__ = ["Finding", "collect_findings", "describe_value"]

_REASONS: dict[str, Callable[[dict[str, Any]], str]] = {
    "greater_than_equal": lambda c: f"must be >= {c['ge']}",
    "greater_than": lambda c: f"must be > {c['gt']}",
    "less_than_equal": lambda c: f"must be <= {c['le']}",
    "less_than": lambda c: f"must be < {c['lt']}",
    "multiple_of": lambda c: f"must be a multiple of {c['multiple_of']}",
    "finite_number": lambda c: "must be a finite number",
    "int_type": lambda c: "expected an integer",
    "int_from_float": lambda c: "expected an integer",
    "float_type": lambda c: "expected a number",
    "bool_type": lambda c: "expected true or false",
    "string_type": lambda c: "expected a string",
    "dict_type": lambda c: "expected a mapping",
    "model_type": lambda c: "expected a mapping",
    "model_attributes_type": lambda c: "expected a mapping",
    "list_type": lambda c: "expected a list",
    "tuple_type": lambda c: "expected a list",
    "missing": lambda c: "required key missing",
    "too_short": lambda c: f"needs at least {c['min_length']} entries",
    "too_long": lambda c: f"allows at most {c['max_length']} entries",
    "string_too_short": lambda c: f"must have at least {c['min_length']} characters",
    "literal_error": lambda c: f"must be one of {c['expected']}",
}


class Finding:
    """One problem at a full key path, ready to be written as a line."""

    def __init__(
        self,
        path: KeyPath,
        reason: str,
        value: Any = NO_VALUE,
        *,
        code: str = "config.invalid",
    ) -> None:
        self.path = path
        self.reason = reason
        self.value = value
        self.code = code

    @property
    def dotted(self) -> str:
        """The key path written as ``a.b[0].c``."""
        return format_path(self.path)


def describe_value(value: Any) -> str:
    """Write an offending value briefly, as YAML would (``-1``, ``true``, ``'x'``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _reason(error: ErrorDetails, root: type[BaseModel], path: KeyPath) -> str:
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    if kind == "extra_forbidden":
        hint = suggest_key(root, path)
        return f"unknown key (did you mean {hint}?)" if hint else "unknown key"
    if kind in ("value_error", "assertion_error"):
        message = error["msg"]
        for prefix in ("Value error, ", "Assertion failed, "):
            message = message.removeprefix(prefix)
        return message
    render = _REASONS.get(kind)
    if render is not None:
        try:
            return render(ctx)
        except KeyError:
            pass
    return error["msg"]


def _shows_value(value: Any) -> bool:
    if isinstance(value, dict):
        return False
    if isinstance(value, list | tuple):
        return len(value) <= 4 and all(not isinstance(v, dict | list) for v in value)
    return True


def collect_findings(
    exc: ValidationError, root: type[BaseModel], prefix: KeyPath = ()
) -> list[Finding]:
    """Return one finding per problem in ``exc``, union branches merged.

    Args:
        exc: the pydantic error raised by validating ``root``.
        root: the model class that was validated.
        prefix: key path of ``root`` inside the whole config.
    """
    findings: dict[KeyPath, Finding] = {}
    order: list[KeyPath] = []

    def add(finding: Finding) -> None:
        known = findings.get(finding.path)
        if known is None:
            findings[finding.path] = finding
            order.append(finding.path)
        elif finding.reason not in known.reason:
            known.reason = f"{known.reason}, or {finding.reason}"

    for error in exc.errors(include_url=False):
        path = (*prefix, *clean_location(root, tuple(error["loc"])))
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, CrossCheckError):
            for problem in cause.problems:
                sub = tuple(int(p) if p.isdigit() else p for p in _split(problem.path))
                add(Finding((*path, *sub), problem.message, problem.value))
            continue
        value: Any = error.get("input", NO_VALUE)
        if error["type"] in ("extra_forbidden", "missing") or not _shows_value(value):
            value = NO_VALUE
        add(Finding(path, _reason(error, root, path), value))
    return [findings[p] for p in order]


def _split(dotted: str) -> list[str]:
    parts: list[str] = []
    for chunk in dotted.split("."):
        while "[" in chunk:
            head, _, rest = chunk.partition("[")
            if head:
                parts.append(head)
            index, _, chunk = rest.partition("]")
            parts.append(index)
        if chunk:
            parts.append(chunk)
    return parts
