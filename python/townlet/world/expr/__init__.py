"""The precondition expression language of world.md 3.6.

A source string goes through :func:`tokenize`, :func:`parse` (a syntax tree with
columns) and :func:`check` (names resolved against a :class:`Context`, types checked,
comparisons specialised), once, at manifest load. :func:`evaluate` then runs the
checked tree against the world through the :class:`ExprEnv` protocol, without string
lookups. ``rust/townlet-core/src/expr`` is the same module in Rust, file by file
(``error``, ``lexer``, ``syntax``, ``parser``, ``names``, ``check``, ``eval``); the
shared vectors of ``tests/data/expr_cases.json`` pin both to the same results and
messages.

Errors are :class:`ExprError` (a ``ConfigError``) reading ``column <n>: <what>``
(1-based, in characters); the codes and every message are tabled in
docs/world-state.md 8 and in the Rust module docs.

>>> ctx = Context(("raw_food", "meal"), ("meal",), allow_object=False)
>>> Precondition.compile("object.zone == agent.home", ctx)
Traceback (most recent call last):
...
townlet.world.expr.error.ExprError: column 1: 'object.zone' is not available in an ...
"""

from __future__ import annotations

from dataclasses import dataclass

from townlet.world.expr.check import Expr, check
from townlet.world.expr.error import NAME, SYNTAX, TYPE, ExprError
from townlet.world.expr.eval import ExprEnv, evaluate, first_false
from townlet.world.expr.lexer import tokenize
from townlet.world.expr.names import Context, Name, NameKind, Type, resolve
from townlet.world.expr.parser import parse

__all__ = [  # noqa: RUF022 - grouped by stage
    # compiling
    "Context",
    "Precondition",
    "check",
    "parse",
    "resolve",
    "tokenize",
    # errors
    "NAME",
    "SYNTAX",
    "TYPE",
    "ExprError",
    # evaluating
    "ExprEnv",
    "Name",
    "NameKind",
    "Type",
    "evaluate",
    "first_false",
]


@dataclass(frozen=True, slots=True)
class Precondition:
    """One checked precondition with its source text (for ``affordance_failed``)."""

    source: str
    expr: Expr

    @classmethod
    def compile(cls, source: str, context: Context) -> Precondition:
        """Parse and check ``source`` against ``context``.

        >>> ctx = Context(items=(), price_keys=(), allow_object=True)
        >>> Precondition.compile("object.owner == agent.id", ctx).source
        'object.owner == agent.id'

        Raises:
            ExprError: the first syntax, name or type error.
        """
        return cls(source, check(parse(source), context))
