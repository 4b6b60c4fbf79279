"""The grammar of world.md 3.6: tokens to a syntax tree, by recursive descent.

One function per EBNF rule, in the order of the spec (``expression``, ``and_expr``,
``not_expr``, ``comparison``, ``operand``, ``list``). ``not`` and parentheses may nest
at most :data:`MAX_DEPTH` levels, so no input can exhaust the stack of either
implementation.

>>> parse("not utility.power")
Not(column=1, operand=Path(column=5, path='utility.power'))
"""

from __future__ import annotations

from townlet.world.expr.error import ExprError
from townlet.world.expr.lexer import Token, TokenKind, tokenize
from townlet.world.expr.syntax import (
    And,
    Ast,
    CmpOp,
    Compare,
    In,
    Literal,
    LiteralValue,
    Not,
    Or,
    Path,
)

__all__ = ["MAX_DEPTH", "parse"]

MAX_DEPTH = 32
"""Deepest nesting of ``not`` and parentheses a source may use."""

_LITERALS: dict[TokenKind, LiteralValue] = {
    TokenKind.TRUE: True,
    TokenKind.FALSE: False,
    TokenKind.NULL: None,
}


def parse(source: str) -> Ast:
    """Parse one expression.

    Raises:
        ExprError: a ``SYNTAX`` error at the first token that does not fit the grammar.
    """
    parser = _Parser(tokenize(source))
    ast = parser.expression(0)
    parser.expect(TokenKind.END, "end of input")
    return ast


class _Parser:
    """Recursive descent over a token list that always ends with ``END``."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek_at(self, ahead: int) -> Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def peek(self) -> Token:
        return self.peek_at(0)

    def advance(self) -> Token:
        token = self.peek()
        self.pos = min(self.pos + 1, len(self.tokens) - 1)
        return token

    def expected(self, what: str) -> ExprError:
        token = self.peek()
        return ExprError.syntax(
            token.column, f"expected {what}, found {token.describe()}"
        )

    def expect(self, kind: TokenKind, what: str) -> None:
        """Consume the next token if it is ``kind``; else an ``expected`` error."""
        if self.peek().kind is not kind:
            raise self.expected(what)
        self.advance()

    def nested(self, depth: int, column: int) -> int:
        if depth >= MAX_DEPTH:
            what = f"expression nested deeper than {MAX_DEPTH} levels"
            raise ExprError.syntax(column, what)
        return depth + 1

    def expression(self, depth: int) -> Ast:
        items = [self.and_expr(depth)]
        while self.peek().kind is TokenKind.OR:
            self.advance()
            items.append(self.and_expr(depth))
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self, depth: int) -> Ast:
        items = [self.not_expr(depth)]
        while self.peek().kind is TokenKind.AND:
            self.advance()
            items.append(self.not_expr(depth))
        return items[0] if len(items) == 1 else And(tuple(items))

    def not_expr(self, depth: int) -> Ast:
        if self.peek().kind is not TokenKind.NOT:
            return self.comparison(depth)
        column = self.advance().column
        depth = self.nested(depth, column)
        return Not(column, self.not_expr(depth))

    def comparison(self, depth: int) -> Ast:
        left = self.operand(depth)
        op = CmpOp.of(self.peek().kind)
        node: Ast
        if op is not None:
            op_column = self.advance().column
            node = Compare(op, op_column, left, self.operand(depth))
        elif self.at_in():
            negated = self.peek().kind is TokenKind.NOT
            op_column = self.advance().column
            if negated:
                self.advance()
            node = In(negated, op_column, left, self.list())
        elif self.peek().kind is TokenKind.NOT:
            self.advance()
            raise self.expected("'in'")
        else:
            return left
        if CmpOp.of(self.peek().kind) is not None or self.at_in():
            what = "comparisons do not chain; join them with 'and'"
            raise ExprError.syntax(self.peek().column, what)
        return node

    def at_in(self) -> bool:
        """Whether the next tokens are ``in`` or ``not in``."""
        kind = self.peek().kind
        if kind is TokenKind.IN:
            return True
        return kind is TokenKind.NOT and self.peek_at(1).kind is TokenKind.IN

    def operand(self, depth: int) -> Ast:
        kind = self.peek().kind
        if kind is TokenKind.LPAREN:
            column = self.advance().column
            inner = self.expression(self.nested(depth, column))
            self.expect(TokenKind.RPAREN, "')'")
            return inner
        if kind is TokenKind.IDENT:
            first = self.advance()
            parts = [first.text]
            while self.peek().kind is TokenKind.DOT:
                self.advance()
                if self.peek().kind is not TokenKind.IDENT:
                    raise self.expected("a name after '.'")
                parts.append(self.advance().text)
            return Path(first.column, ".".join(parts))
        literal = self.literal()
        if literal is None:
            raise self.expected("a name, a literal or '('")
        value, column = literal
        return Literal(column, value)

    def literal(self) -> tuple[LiteralValue, int] | None:
        """Consume a literal if the next token is one."""
        token = self.peek()
        if token.kind in (TokenKind.NUMBER, TokenKind.STR):
            value = token.value
        elif token.kind in _LITERALS:
            value = _LITERALS[token.kind]
        else:
            return None
        return value, self.advance().column

    def list(self) -> tuple[tuple[LiteralValue, int], ...]:
        self.expect(TokenKind.LBRACKET, "'['")
        items: list[tuple[LiteralValue, int]] = []
        if self.peek().kind is TokenKind.RBRACKET:
            self.advance()
            return ()
        while True:
            item = self.literal()
            if item is None:
                raise self.expected("a literal or ']'" if not items else "a literal")
            items.append(item)
            kind = self.peek().kind
            if kind is TokenKind.COMMA:
                self.advance()
            elif kind is TokenKind.RBRACKET:
                self.advance()
                return tuple(items)
            else:
                raise self.expected("',' or ']'")
