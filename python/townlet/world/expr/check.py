"""Static checks of world.md 3.6, and the typed tree they produce (:data:`Expr`).

Checking walks the syntax tree left to right and stops at the first problem, so the
reported error is the leftmost one in evaluation order. A checked expression has
every name resolved to a :class:`~townlet.world.expr.names.Name` and every comparison
specialised by operand type (``CmpNum``, ``EqText``, ``InText``, ...), so evaluation
needs no type tests and no strings beyond the literals themselves. Operands are plain
values: a :data:`NumOperand` is a ``float`` or a ``Name``; a :data:`TextOperand` is a
``str``, ``None`` (``null``) or a ``Name``.

>>> from townlet.world.expr.parser import parse
>>> check(parse("not agent.wallet"), Context((), (), True))
Traceback (most recent call last):
...
townlet.world.expr.error.ExprError: column 5: operand of 'not' must be bool, found num
"""

from __future__ import annotations

from dataclasses import dataclass

from townlet.world.expr import syntax
from townlet.world.expr.error import ExprError
from townlet.world.expr.names import Context, Name, Type, resolve
from townlet.world.expr.syntax import Ast, CmpOp, LiteralValue

__all__ = [
    "And",
    "CmpNum",
    "Const",
    "EqBool",
    "EqText",
    "Expr",
    "Flag",
    "InNum",
    "InText",
    "Not",
    "NumOperand",
    "Or",
    "TextOperand",
    "check",
]

NumOperand = float | Name
"""A number operand: a literal, or a name read through ``ExprEnv.num``."""
TextOperand = str | None | Name
"""A string operand: a literal, ``None`` for ``null``, or a name (``ExprEnv.text``)."""


@dataclass(frozen=True, slots=True)
class Const:
    """``true`` or ``false``."""

    value: bool


@dataclass(frozen=True, slots=True)
class Flag:
    """A name of type ``bool``."""

    name: Name


@dataclass(frozen=True, slots=True)
class Not:
    """``not operand``."""

    operand: Expr


@dataclass(frozen=True, slots=True)
class And:
    """All operands hold (short-circuit)."""

    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """Some operand holds (short-circuit)."""

    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class EqBool:
    """``left == right`` on booleans (``!=`` when ``negated``)."""

    negated: bool
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class CmpNum:
    """Any comparison of two numbers."""

    op: CmpOp
    left: NumOperand
    right: NumOperand


@dataclass(frozen=True, slots=True)
class EqText:
    """``left == right`` on strings or null (``!=`` when ``negated``)."""

    negated: bool
    left: TextOperand
    right: TextOperand


@dataclass(frozen=True, slots=True)
class InNum:
    """``left in list`` on numbers (``not in`` when ``negated``)."""

    negated: bool
    left: NumOperand
    list: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class InText:
    """``left in list`` on strings (``not in`` when ``negated``); null is in no list."""

    negated: bool
    left: TextOperand
    list: tuple[str, ...]


Expr = Const | Flag | Not | And | Or | EqBool | CmpNum | EqText | InNum | InText
"""A checked, bool-typed expression."""


def check(ast: Ast, context: Context) -> Expr:
    """Check a syntax tree against ``context`` and return the typed expression.

    Raises:
        ExprError: a ``NAME`` or ``TYPE`` error, the leftmost one.
    """
    typed = _node(ast, context)
    if isinstance(typed, _Bool):
        return typed.expr
    what = f"expression must be bool, found {typed.ty.value}"
    raise ExprError.type_(ast.column, what)


@dataclass(frozen=True, slots=True)
class _Bool:
    expr: Expr
    ty = Type.BOOL


@dataclass(frozen=True, slots=True)
class _Num:
    operand: NumOperand
    ty = Type.NUM


@dataclass(frozen=True, slots=True)
class _Text:
    """A string operand with its type: ``str``, ``str?`` or ``null``."""

    operand: TextOperand
    ty: Type


_Typed = _Bool | _Num | _Text


def _node(ast: Ast, context: Context) -> _Typed:
    if isinstance(ast, syntax.Or):
        return _Bool(Or(_bools(ast.items, "or", context)))
    if isinstance(ast, syntax.And):
        return _Bool(And(_bools(ast.items, "and", context)))
    if isinstance(ast, syntax.Not):
        return _Bool(Not(_boolean(ast.operand, "not", context)))
    if isinstance(ast, syntax.Path):
        try:
            name, ty = resolve(ast.path, context)
        except LookupError as err:
            raise ExprError.name(ast.column, str(err)) from None
        if ty is Type.NUM:
            return _Num(name)
        if ty is Type.BOOL:
            return _Bool(Flag(name))
        return _Text(name, ty)
    if isinstance(ast, syntax.Literal):
        return _literal(ast.value)
    if isinstance(ast, syntax.Compare):
        left = _node(ast.left, context)
        return _compare(ast.op, ast.op_column, left, _node(ast.right, context))
    left = _node(ast.left, context)
    return _membership(ast.negated, ast.op_column, left, ast.list)


def _literal(value: LiteralValue) -> _Typed:
    if isinstance(value, bool):
        return _Bool(Const(value))
    if isinstance(value, float):
        return _Num(value)
    if isinstance(value, str):
        return _Text(value, Type.STR)
    return _Text(None, Type.NULL)


def _boolean(ast: Ast, op: str, context: Context) -> Expr:
    """Check one operand of ``and``, ``or`` or ``not``."""
    typed = _node(ast, context)
    if isinstance(typed, _Bool):
        return typed.expr
    what = f"operand of '{op}' must be bool, found {typed.ty.value}"
    raise ExprError.type_(ast.column, what)


def _bools(items: tuple[Ast, ...], op: str, context: Context) -> tuple[Expr, ...]:
    return tuple(_boolean(item, op, context) for item in items)


def _text_comparable(a: Type, b: Type) -> bool:
    """Whether ``==``/``!=`` may compare two string-like types.

    Equal types, or ``str?`` with ``str`` or ``null``.
    """
    return (
        a is b
        or (a is Type.OPT_STR and b in (Type.STR, Type.NULL))
        or (b is Type.OPT_STR and a in (Type.STR, Type.NULL))
    )


def _compare(op: CmpOp, column: int, left: _Typed, right: _Typed) -> _Typed:
    lt, rt = left.ty.value, right.ty.value
    if isinstance(left, _Num) and isinstance(right, _Num):
        return _Bool(CmpNum(op, left.operand, right.operand))
    if op.is_ordering:
        what = f"'{op.symbol}' needs num on both sides, found {lt} and {rt}"
        raise ExprError.type_(column, what)
    negated = op is CmpOp.NE
    if isinstance(left, _Bool) and isinstance(right, _Bool):
        return _Bool(EqBool(negated, left.expr, right.expr))
    if (
        isinstance(left, _Text)
        and isinstance(right, _Text)
        and _text_comparable(left.ty, right.ty)
    ):
        return _Bool(EqText(negated, left.operand, right.operand))
    raise ExprError.type_(column, f"'{op.symbol}' cannot compare {lt} with {rt}")


def _membership(
    negated: bool,
    column: int,
    left: _Typed,
    items: tuple[tuple[LiteralValue, int], ...],
) -> _Typed:
    symbol = "not in" if negated else "in"

    def element_error(value: LiteralValue, column: int, expected: Type) -> ExprError:
        found = _literal(value).ty.value
        what = f"'{symbol}' list element must be {expected.value}, found {found}"
        return ExprError.type_(column, what)

    if isinstance(left, _Num):
        numbers: list[float] = []
        for value, item_column in items:
            if not isinstance(value, float):
                raise element_error(value, item_column, Type.NUM)
            numbers.append(value)
        return _Bool(InNum(negated, left.operand, tuple(numbers)))
    if isinstance(left, _Text) and left.ty in (Type.STR, Type.OPT_STR):
        strings: list[str] = []
        for value, item_column in items:
            if not isinstance(value, str):
                raise element_error(value, item_column, Type.STR)
            strings.append(value)
        return _Bool(InText(negated, left.operand, tuple(strings)))
    what = f"'{symbol}' needs num or str on the left, found {left.ty.value}"
    raise ExprError.type_(column, what)
