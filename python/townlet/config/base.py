"""Building blocks shared by every config section model.

Every section is a :class:`Section`: frozen, strict (no silent string-to-number
coercion), unknown keys rejected, floats finite (world.md section 17.6). Fields are
declared with :func:`setting`, which appends the default to the description, so the
generated reference (``docs/config-reference.md``) and ``--help`` texts never drift
from the code.

>>> class Demo(Section):
...     rate: float = setting(0.5, "A rate per tick.", ge=0)
>>> Demo.model_fields["rate"].description
'A rate per tick. Default: 0.5.'
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

__all__ = [
    "IDENTIFIER",
    "NO_VALUE",
    "CrossCheckError",
    "Identifier",
    "Need",
    "NeedValues",
    "Problem",
    "Section",
    "format_default",
    "setting",
    "tuple_of",
]

NO_VALUE: Final = object()
"""Marker for a :class:`Problem` that has no offending value to show."""

Need = Literal["hunger", "hygiene", "energy"]
"""The three needs, in canonical order (world.md section 5)."""

IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*\Z")
"""Names of items, zones, jobs, profiles and specs: ``[a-z][a-z0-9_]*``."""


def _check_identifier(value: Any) -> Any:
    if isinstance(value, str) and not IDENTIFIER.match(value):
        raise ValueError("must match [a-z][a-z0-9_]*")
    return value


Identifier = Annotated[str, BeforeValidator(_check_identifier)]
"""A string matching :data:`IDENTIFIER`."""


def _list_to_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def tuple_of(item: Any) -> Any:
    """Return a tuple type for ``item`` that also accepts a YAML list.

    Strict models refuse a list for a tuple field; YAML only has lists, so this
    converts before the (still strict) element validation.
    """
    return Annotated[tuple[item, ...], BeforeValidator(_list_to_tuple)]


@dataclass(frozen=True)
class Problem:
    """One config problem at a key path relative to the validated model.

    Args:
        path: dotted key path, e.g. ``time.start_minute``.
        message: what is wrong, e.g. ``must be < ticks_per_day 1440``.
        value: the offending value, shown as ``(got <value>)`` when given.
    """

    path: str
    message: str
    value: Any = field(default=NO_VALUE)


class CrossCheckError(ValueError):
    """Raised by a model validator with every cross-field problem it found.

    The loader unpacks :attr:`problems` (pydantic keeps the exception in the
    error's context) so each problem gets its own line and full key path.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in self.problems))


class Section(BaseModel):
    """Base of every config section: frozen, strict, finite, no unknown keys."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        allow_inf_nan=False,
    )


def format_default(value: Any) -> str:
    """Render a default the way YAML would write it (``true``, ``null``, lists).

    >>> format_default(True), format_default(None), format_default((5, 20))
    ('true', 'null', '[5, 20]')
    """
    if isinstance(value, Section):
        return "(section defaults)"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return value if value else '""'
    if isinstance(value, Mapping):
        inner = ", ".join(f"{k}: {format_default(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, Sequence):
        return "[" + ", ".join(format_default(v) for v in value) + "]"
    return str(value)


def setting(
    default: Any, doc: str, *, shown: str | None = None, **constraints: Any
) -> Any:
    """Declare a config field with its default, description and constraints.

    Args:
        default: the default value; a :class:`Section` subclass means "that
            section with its own defaults" (built by a factory).
        doc: what the key means, with its unit and range, as one or two sentences.
        shown: how to write the default when its value is too long to show.
        **constraints: pydantic ``Field`` constraints (``ge``, ``le``, ...).

    Returns:
        A pydantic ``FieldInfo`` whose description ends with ``Default: <value>.``
    """
    if isinstance(default, type) and issubclass(default, Section):
        section = default
        return Field(
            default_factory=section,
            description=f"{doc} Default: the section defaults.",
            **constraints,
        )
    text = f"{doc} Default: {shown or format_default(default)}."
    if isinstance(default, dict):
        frozen = dict(default)
        return Field(
            default_factory=lambda: dict(frozen), description=text, **constraints
        )
    return Field(default=default, description=text, **constraints)


class NeedValues(Section):
    """A value for each need, each in [0, 1] (1 = fully satisfied)."""

    hunger: float = setting(0.8, "Hunger, in [0, 1].", ge=0.0, le=1.0)
    hygiene: float = setting(0.8, "Hygiene, in [0, 1].", ge=0.0, le=1.0)
    energy: float = setting(0.8, "Energy, in [0, 1].", ge=0.0, le=1.0)
