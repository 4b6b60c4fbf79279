"""The syntax tree of world.md 3.6: what ``parse`` builds and ``check`` reads.

``or``/``and`` chains are n-ary nodes, so a long chain never makes the tree deep.
Columns are 1-based and count characters, as in every message. Every node has a
``column``: that of its first token (inside any parentheses around it).

>>> CmpOp.LE.holds(1.0, 1.0), CmpOp.LT.holds(1.0, 1.0)
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from townlet.world.expr.lexer import TokenKind

__all__ = [
    "And",
    "Ast",
    "CmpOp",
    "Compare",
    "In",
    "Literal",
    "LiteralValue",
    "Not",
    "Or",
    "Path",
]


class CmpOp(Enum):
    """A comparison operator; the value is the operator as written."""

    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="

    @property
    def symbol(self) -> str:
        """The operator as written."""
        return self.value

    @property
    def is_ordering(self) -> bool:
        """Whether the operator orders (``<``, ``<=``, ``>``, ``>=``)."""
        return self not in (CmpOp.EQ, CmpOp.NE)

    def holds(self, left: float, right: float) -> bool:
        """Whether ``left <op> right`` holds for two numbers (IEEE 754 comparison)."""
        if self is CmpOp.EQ:
            return left == right
        if self is CmpOp.NE:
            return left != right
        if self is CmpOp.LT:
            return left < right
        if self is CmpOp.LE:
            return left <= right
        if self is CmpOp.GT:
            return left > right
        return left >= right

    @staticmethod
    def of(kind: TokenKind) -> CmpOp | None:
        """Return the operator a token stands for, if it is one."""
        return _OF_TOKEN.get(kind)


_OF_TOKEN = {
    TokenKind.EQ: CmpOp.EQ,
    TokenKind.NE: CmpOp.NE,
    TokenKind.LT: CmpOp.LT,
    TokenKind.LE: CmpOp.LE,
    TokenKind.GT: CmpOp.GT,
    TokenKind.GE: CmpOp.GE,
}

LiteralValue = float | str | bool | None
"""A literal as written: a number, a string, ``true``/``false``, or ``null``."""


@dataclass(frozen=True, slots=True)
class Or:
    """``a or b or ...`` (two or more operands)."""

    items: tuple[Ast, ...]

    @property
    def column(self) -> int:
        """Column of the first operand."""
        return self.items[0].column


@dataclass(frozen=True, slots=True)
class And:
    """``a and b and ...`` (two or more operands)."""

    items: tuple[Ast, ...]

    @property
    def column(self) -> int:
        """Column of the first operand."""
        return self.items[0].column


@dataclass(frozen=True, slots=True)
class Not:
    """``not operand``; ``column`` is that of ``not``."""

    column: int
    operand: Ast


@dataclass(frozen=True, slots=True)
class Compare:
    """``left <op> right``; ``op_column`` is that of the operator."""

    op: CmpOp
    op_column: int
    left: Ast
    right: Ast

    @property
    def column(self) -> int:
        """Column of the left operand."""
        return self.left.column


@dataclass(frozen=True, slots=True)
class In:
    """``left in [...]`` or ``left not in [...]``; literals with their columns.

    ``op_column`` is that of ``in`` (of ``not`` for ``not in``).
    """

    negated: bool
    op_column: int
    left: Ast
    list: tuple[tuple[LiteralValue, int], ...]

    @property
    def column(self) -> int:
        """Column of the left operand."""
        return self.left.column


@dataclass(frozen=True, slots=True)
class Path:
    """A dotted name such as ``agent.items.meal``, spaces around dots removed."""

    column: int
    path: str


@dataclass(frozen=True, slots=True)
class Literal:
    """A literal operand."""

    column: int
    value: LiteralValue


Ast = Or | And | Not | Compare | In | Path | Literal
"""The syntax tree of one expression."""
