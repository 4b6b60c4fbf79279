"""Evaluation of checked expressions against the world (world.md 3.6).

The world implements :class:`ExprEnv`: three methods that answer a resolved
:class:`~townlet.world.expr.names.Name` with its value. Numbers compare as f64,
strings by exact characters (so exact UTF-8 bytes), ``null`` equals only ``null``,
and ``and``/``or`` stop at the first operand that decides them.

>>> from townlet.world.expr import Context, Precondition
>>> class Dark:
...     def num(self, name): return 0.0
...     def text(self, name): return None
...     def flag(self, name): return False
>>> p = Precondition.compile("not utility.power", Context((), (), True))
>>> evaluate(p.expr, Dark())
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from townlet.world.expr.check import (
    And,
    CmpNum,
    Const,
    EqBool,
    EqText,
    Expr,
    Flag,
    InNum,
    InText,
    Not,
    NumOperand,
    Or,
    TextOperand,
)
from townlet.world.expr.names import Name

if TYPE_CHECKING:
    from townlet.world.expr import Precondition

__all__ = ["ExprEnv", "evaluate", "first_false"]


class ExprEnv(Protocol):
    """The values an expression may read, by resolved name.

    - ``num(name)``: the value of a ``num`` name, as a float.
    - ``text(name)``: the value of a ``str`` or ``str?`` name; ``None`` is null.
    - ``flag(name)``: the value of a ``bool`` name.

    The checker guarantees each method is only asked for names of its type.
    """

    def num(self, name: Name) -> float:
        """Return the value of a ``num`` name (a float; counts convert exactly)."""
        ...

    def text(self, name: Name) -> str | None:
        """Return the value of a ``str`` or ``str?`` name; ``None`` is null."""
        ...

    def flag(self, name: Name) -> bool:
        """Return the value of a ``bool`` name."""
        ...


def evaluate(expr: Expr, env: ExprEnv) -> bool:
    """Evaluate a checked expression; reads only the names it needs."""
    match expr:
        case Const(value):
            return value
        case Flag(name):
            return env.flag(name)
        case Not(operand):
            return not evaluate(operand, env)
        case And(items):
            return all(evaluate(item, env) for item in items)
        case Or(items):
            return any(evaluate(item, env) for item in items)
        case EqBool(negated, left, right):
            return (evaluate(left, env) == evaluate(right, env)) != negated
        case CmpNum(op, left, right):
            return op.holds(_num(left, env), _num(right, env))
        case EqText(negated, left, right):
            return (_text(left, env) == _text(right, env)) != negated
        case InNum(negated, left, items):
            # ``in`` tries identity before ==; literals are never NaN, so this is ==.
            return (_num(left, env) in items) != negated
        case InText(negated, left, items):
            x = _text(left, env)
            return (x is not None and x in items) != negated


def first_false(
    preconditions: Sequence[Precondition], env: ExprEnv
) -> tuple[int, str] | None:
    """Return the first precondition that does not hold: its 0-based index and source.

    Returns:
        ``(index, source)``, or ``None`` when every precondition holds.
    """
    for index, precondition in enumerate(preconditions):
        if not evaluate(precondition.expr, env):
            return index, precondition.source
    return None


def _num(operand: NumOperand, env: ExprEnv) -> float:
    return env.num(operand) if isinstance(operand, Name) else operand


def _text(operand: TextOperand, env: ExprEnv) -> str | None:
    return env.text(operand) if isinstance(operand, Name) else operand
