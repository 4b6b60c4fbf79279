"""The error of the expression language: a code of world.md 3.7, a column and a message.

Every message is pinned in the table of :mod:`townlet.world.expr` and in
docs/world-state.md 8; the Rust core (``townlet_core::expr::error``) writes the same
text.

>>> str(ExprError.type_(3, "expression must be bool, found num"))
'column 3: expression must be bool, found num'
"""

from __future__ import annotations

from townlet.errors import ConfigError

__all__ = ["NAME", "SYNTAX", "TYPE", "ExprError", "describe_char"]

SYNTAX = "manifest.expression_syntax"
"""Code of a syntax error (a token or the grammar of world.md 3.6)."""
NAME = "manifest.expression_name"
"""Code of a name that does not exist or is not allowed where it is used."""
TYPE = "manifest.expression_type"
"""Code of an operand or expression of the wrong static type."""


class ExprError(ConfigError):
    """Why an expression was refused: ``column <n>: <what>``, ``n`` 1-based.

    Columns count characters (Unicode scalar values). ``code`` is one of
    :data:`SYNTAX`, :data:`NAME`, :data:`TYPE`.

    Args:
        code: the error code.
        column: 1-based column of the offending token.
        what: what is wrong there, without the column.
    """

    def __init__(self, code: str, column: int, what: str) -> None:
        super().__init__(f"column {column}: {what}", code=code)
        self.column = column
        self.what = what

    @classmethod
    def syntax(cls, column: int, what: str) -> ExprError:
        """A :data:`SYNTAX` error at ``column``."""
        return cls(SYNTAX, column, what)

    @classmethod
    def name(cls, column: int, what: str) -> ExprError:
        """A :data:`NAME` error at ``column``."""
        return cls(NAME, column, what)

    @classmethod
    def type_(cls, column: int, what: str) -> ExprError:
        """A :data:`TYPE` error at ``column``."""
        return cls(TYPE, column, what)


def describe_char(c: str) -> str:
    """Return a character as messages show it: ``'c'``, or ``U+XXXX`` if not printable.

    >>> describe_char("$"), describe_char("\\u00e9")
    ("'$'", 'U+00E9')
    """
    if "!" <= c <= "~":
        return f"'{c}'"
    return f"U+{ord(c):04X}"
