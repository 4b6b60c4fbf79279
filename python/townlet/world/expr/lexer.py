"""Tokens of the precondition language (world.md 3.6).

The source is read as a sequence of characters (Unicode scalar values), so columns
count the same characters as the Rust core; only ASCII ever forms a token. Tokens are
made by maximal munch: ``1.x`` is the number ``1``, then ``.``, then ``x``.

>>> [t.kind.name for t in tokenize("agent.wallet >= -1.5")][3:]
['GE', 'NUMBER', 'END']
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum, auto

from townlet.world.expr.error import ExprError, describe_char

__all__ = ["Token", "TokenKind", "tokenize"]


class TokenKind(Enum):
    """What a token is; ``NUMBER`` and ``STR`` tokens carry a ``value``."""

    IDENT = auto()
    NUMBER = auto()
    STR = auto()
    AND = auto()
    OR = auto()
    NOT = auto()
    IN = auto()
    TRUE = auto()
    FALSE = auto()
    NULL = auto()
    EQ = auto()
    NE = auto()
    LT = auto()
    LE = auto()
    GT = auto()
    GE = auto()
    LPAREN = auto()
    RPAREN = auto()
    LBRACKET = auto()
    RBRACKET = auto()
    COMMA = auto()
    DOT = auto()
    END = auto()


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its kind, source text, 1-based column, and literal value if any."""

    kind: TokenKind
    text: str
    column: int
    value: float | str | None = None

    def describe(self) -> str:
        """Return the token as messages show it: ``'<text>'``, or ``end of input``.

        >>> [t.describe() for t in tokenize("a")]
        ["'a'", 'end of input']
        """
        if self.kind is TokenKind.END:
            return "end of input"
        return f"'{self.text}'"


_KEYWORDS = {
    "and": TokenKind.AND,
    "or": TokenKind.OR,
    "not": TokenKind.NOT,
    "in": TokenKind.IN,
    "true": TokenKind.TRUE,
    "false": TokenKind.FALSE,
    "null": TokenKind.NULL,
}

_TWO_CHARS = {
    "==": TokenKind.EQ,
    "!=": TokenKind.NE,
    "<=": TokenKind.LE,
    ">=": TokenKind.GE,
}

_ONE_CHAR = {
    "<": TokenKind.LT,
    ">": TokenKind.GT,
    "(": TokenKind.LPAREN,
    ")": TokenKind.RPAREN,
    "[": TokenKind.LBRACKET,
    "]": TokenKind.RBRACKET,
    ",": TokenKind.COMMA,
    ".": TokenKind.DOT,
}


def _is_digit(c: str) -> bool:
    return "0" <= c <= "9"


def tokenize(source: str) -> list[Token]:
    """Split ``source`` into tokens, ending with an ``END`` token.

    Raises:
        ExprError: a ``SYNTAX`` error: an unexpected character, an unterminated
            string, an unsupported escape, a non-ASCII character in a string, or a
            number out of range.
    """
    tokens: list[Token] = []
    i = 0
    n = len(source)
    while i < n:
        c = source[i]
        pair = source[i : i + 2]
        value: float | str | None = None
        if c in " \t":
            i += 1
            continue
        if "a" <= c <= "z" or c == "_":
            kind, end = _word(source, i)
        elif _is_digit(c) or (c == "-" and i + 1 < n and _is_digit(source[i + 1])):
            kind, end, value = _number(source, i)
        elif c == '"':
            kind, end, value = _string(source, i)
        elif pair in _TWO_CHARS:
            kind, end = _TWO_CHARS[pair], i + 2
        elif c in _ONE_CHAR:
            kind, end = _ONE_CHAR[c], i + 1
        else:
            raise ExprError.syntax(i + 1, f"unexpected character {describe_char(c)}")
        tokens.append(Token(kind, source[i:end], i + 1, value))
        i = end
    tokens.append(Token(TokenKind.END, "", n + 1))
    return tokens


def _word(source: str, start: int) -> tuple[TokenKind, int]:
    """An identifier or keyword starting at ``start``; returns its kind and end."""
    end = start + 1
    while end < len(source) and (
        "a" <= source[end] <= "z" or _is_digit(source[end]) or source[end] == "_"
    ):
        end += 1
    return _KEYWORDS.get(source[start:end], TokenKind.IDENT), end


def _digits_from(source: str, i: int) -> int:
    while i < len(source) and _is_digit(source[i]):
        i += 1
    return i


def _number(source: str, start: int) -> tuple[TokenKind, int, float]:
    """A number starting at ``start`` (a digit or a ``-`` before one)."""
    end = _digits_from(source, start + 1)
    if end + 1 < len(source) and source[end] == "." and _is_digit(source[end + 1]):
        end = _digits_from(source, end + 1)
    value = float(source[start:end])
    if not math.isfinite(value):
        raise ExprError.syntax(start + 1, "number out of range")
    return TokenKind.NUMBER, end, value


def _string(source: str, start: int) -> tuple[TokenKind, int, str]:
    """A string literal whose opening quote is at ``start``."""
    value: list[str] = []
    i = start + 1
    while i < len(source):
        c = source[i]
        if c == '"':
            return TokenKind.STR, i + 1, "".join(value)
        if c == "\\":
            if i + 1 >= len(source):
                break
            escaped = source[i + 1]
            if escaped not in '"\\':
                what = (
                    f"expected '\"' or '\\' after '\\', found {describe_char(escaped)}"
                )
                raise ExprError.syntax(i + 2, what)
            value.append(escaped)
            i += 2
        elif ord(c) > 0x7F:
            what = f"non-ASCII character {describe_char(c)} in string"
            raise ExprError.syntax(i + 1, what)
        else:
            value.append(c)
            i += 1
    raise ExprError.syntax(start + 1, "unterminated string")
