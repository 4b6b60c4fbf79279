"""Typed value reading for the manifest, with world.md 3.7 error codes.

:class:`ValueReader` converts YAML values (integers, numbers, flags, name lists,
item- and need-keyed maps) and records a coded problem with its line for each bad
one, so a reader can keep going and report every problem of a file at once.
"""

from __future__ import annotations

import math
from typing import Any

from townlet.config.source import KeyPath, YamlDocument, format_path

__all__ = ["NEEDS", "ValueReader", "describe_kind"]

NEEDS = ("hunger", "hygiene", "energy")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class ValueReader:
    """Reads typed values out of a YAML tree, collecting coded problems.

    Attributes:
        problems: ``(line, message)`` pairs; line 0 when the file has no line.
        item_names: declared item names in file order (for item-keyed maps).
    """

    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        self.problems: list[tuple[int, str]] = []
        self.item_names: list[str] = []

    def error(self, code: str, path: KeyPath, what: str) -> None:
        """Record a ``manifest.<code>`` problem at ``path`` with its line."""
        line = self.doc.line_of(path)
        where = f" [line {line}]" if line is not None else ""
        place = format_path(path) or "<top>"
        self.problems.append((line or 0, f"manifest.{code}: {place}: {what}{where}"))

    def mapping(
        self, value: Any, path: KeyPath, *, allow_null: bool = False
    ) -> dict[Any, Any]:
        """Return ``value`` as a mapping, or ``{}`` after a schema problem."""
        if value is None and allow_null:
            return {}
        if not isinstance(value, dict):
            self.error(
                "schema", path, f"expected a mapping (got {describe_kind(value)})"
            )
            return {}
        return value

    def fields(
        self, value: dict[Any, Any], path: KeyPath, allowed: tuple[str, ...]
    ) -> None:
        """Record a schema problem for each key of ``value`` not in ``allowed``."""
        for key in value:
            if key not in allowed:
                self.error(
                    "schema",
                    (*path, str(key)),
                    f"unknown key '{key}' (allowed: {', '.join(allowed)})",
                )

    def integer(
        self, value: Any, path: KeyPath, low: int, high: int | None
    ) -> int | None:
        """Return an integer in ``low..high`` (no upper bound when None), or None."""
        if not _is_int(value):
            self.error(
                "schema", path, f"expected an integer (got {describe_kind(value)})"
            )
            return None
        if value < low or (high is not None and value > high):
            bound = f"in {low}..{high}" if high is not None else f">= {low}"
            self.error("range", path, f"must be {bound} (got {value})")
            return None
        return int(value)

    def number(
        self, value: Any, path: KeyPath, low: float | None, high: float | None
    ) -> float | None:
        """Return a finite number in ``[low, high]`` (open ends when None), or None."""
        if not _is_number(value):
            self.error(
                "schema", path, f"expected a number (got {describe_kind(value)})"
            )
            return None
        number = float(value)
        if not math.isfinite(number):
            self.error("range", path, f"must be finite (got {value})")
            return None
        if (low is not None and number < low) or (high is not None and number > high):
            if low is not None and high is not None:
                bound = f"in [{low:g}, {high:g}]"
            else:
                bound = f">= {low:g}" if low is not None else f"<= {high:g}"
            self.error("range", path, f"must be {bound} (got {value})")
            return None
        return number

    def boolean(self, value: Any, path: KeyPath) -> bool:
        """Return a flag, or False after a schema problem."""
        if not isinstance(value, bool):
            self.error(
                "schema", path, f"expected true or false (got {describe_kind(value)})"
            )
            return False
        return value

    def name_list(self, value: Any, path: KeyPath) -> list[str]:
        """Return the strings of a list (null is an empty list)."""
        if value is None:
            return []
        if not isinstance(value, list):
            self.error("schema", path, f"expected a list (got {describe_kind(value)})")
            return []
        out = []
        for i, entry in enumerate(value):
            if not isinstance(entry, str):
                self.error(
                    "schema",
                    (*path, i),
                    f"expected a string (got {describe_kind(entry)})",
                )
            else:
                out.append(entry)
        return out

    def item_counts(
        self, value: Any, path: KeyPath, low: int, *, allow_null: bool = True
    ) -> dict[str, int]:
        """Return a declared item -> integer >= ``low`` map, in item order."""
        counts: dict[str, int] = {}
        for key, count in self.mapping(value, path, allow_null=allow_null).items():
            child = (*path, str(key))
            if key not in self.item_names:
                self.error("unknown_item", child, f"unknown item '{key}'")
                continue
            checked = self.integer(count, child, low, None)
            if checked is not None:
                counts[key] = checked
        return {name: counts[name] for name in self.item_names if name in counts}

    def need_values(
        self, value: Any, path: KeyPath, low: float | None, high: float | None
    ) -> dict[str, float]:
        """Return a need -> number map in need order, bounded when given."""
        out: dict[str, float] = {}
        for key, amount in self.mapping(value, path, allow_null=True).items():
            child = (*path, str(key))
            if key not in NEEDS:
                self.error(
                    "unknown_need",
                    child,
                    f"unknown need '{key}' (needs: {', '.join(NEEDS)})",
                )
                continue
            checked = self.number(amount, child, low, high)
            if checked is not None:
                out[key] = checked
        return {need: out[need] for need in NEEDS if need in out}


def describe_kind(value: Any) -> str:
    """Describe a YAML value's kind for messages (``a list``, ``number 3``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"number {value!r}"
    if isinstance(value, str):
        return f"string {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
