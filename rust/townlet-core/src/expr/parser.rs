//! The grammar of world.md 3.6: tokens to a syntax tree ([`Ast`]), by recursive descent.
//!
//! One function per EBNF rule, in the order of the spec (`expression`, `and_expr`,
//! `not_expr`, `comparison`, `operand`, `list`). `not` and parentheses may nest at most
//! [`MAX_DEPTH`] levels, so no input can exhaust the stack of either implementation.

use super::error::ExprError;
use super::lexer::{tokenize, Token, TokenKind};
use super::syntax::{Ast, CmpOp, Literal};

/// Deepest nesting of `not` and parentheses a source may use.
pub const MAX_DEPTH: usize = 32;

/// Parses one expression.
///
/// ```
/// use townlet_core::expr::{parser::parse, syntax::Ast};
/// let ast = parse("not utility.power").unwrap();
/// assert!(matches!(ast, Ast::Not { column: 1, .. }));
/// ```
///
/// # Errors
///
/// A [`super::error::SYNTAX`] error at the first token that does not fit the grammar.
pub fn parse(source: &str) -> Result<Ast, ExprError> {
    let mut parser = Parser {
        tokens: tokenize(source)?,
        pos: 0,
    };
    let ast = parser.expression(0)?;
    parser.expect(&TokenKind::End, "end of input")?;
    Ok(ast)
}

struct Parser {
    /// Never empty: [`tokenize`] always ends with [`TokenKind::End`].
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek_at(&self, ahead: usize) -> &Token {
        let last = self.tokens.len() - 1;
        &self.tokens[(self.pos + ahead).min(last)]
    }

    fn peek(&self) -> &Token {
        self.peek_at(0)
    }

    fn advance(&mut self) -> Token {
        let token = self.peek().clone();
        self.pos = (self.pos + 1).min(self.tokens.len() - 1);
        token
    }

    fn expected(&self, what: &str) -> ExprError {
        let token = self.peek();
        ExprError::syntax(
            token.column,
            format!("expected {what}, found {}", token.describe()),
        )
    }

    /// Consumes the next token if it is `kind`; otherwise an `expected <what>` error.
    fn expect(&mut self, kind: &TokenKind, what: &str) -> Result<(), ExprError> {
        if &self.peek().kind != kind {
            return Err(self.expected(what));
        }
        self.advance();
        Ok(())
    }

    fn nested(&self, depth: usize, column: usize) -> Result<usize, ExprError> {
        if depth >= MAX_DEPTH {
            let what = format!("expression nested deeper than {MAX_DEPTH} levels");
            return Err(ExprError::syntax(column, what));
        }
        Ok(depth + 1)
    }

    fn expression(&mut self, depth: usize) -> Result<Ast, ExprError> {
        let mut items = vec![self.and_expr(depth)?];
        while self.peek().kind == TokenKind::Or {
            self.advance();
            items.push(self.and_expr(depth)?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Ast::Or(items)
        })
    }

    fn and_expr(&mut self, depth: usize) -> Result<Ast, ExprError> {
        let mut items = vec![self.not_expr(depth)?];
        while self.peek().kind == TokenKind::And {
            self.advance();
            items.push(self.not_expr(depth)?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Ast::And(items)
        })
    }

    fn not_expr(&mut self, depth: usize) -> Result<Ast, ExprError> {
        if self.peek().kind != TokenKind::Not {
            return self.comparison(depth);
        }
        let column = self.advance().column;
        let depth = self.nested(depth, column)?;
        let operand = Box::new(self.not_expr(depth)?);
        Ok(Ast::Not { column, operand })
    }

    fn comparison(&mut self, depth: usize) -> Result<Ast, ExprError> {
        let left = Box::new(self.operand(depth)?);
        let node = if let Some(op) = CmpOp::of(&self.peek().kind) {
            let op_column = self.advance().column;
            let right = Box::new(self.operand(depth)?);
            Ast::Compare {
                op,
                op_column,
                left,
                right,
            }
        } else if self.at_in() {
            let negated = self.peek().kind == TokenKind::Not;
            let op_column = self.advance().column;
            if negated {
                self.advance();
            }
            let list = self.list()?;
            Ast::In {
                negated,
                op_column,
                left,
                list,
            }
        } else if self.peek().kind == TokenKind::Not {
            self.advance();
            return Err(self.expected("'in'"));
        } else {
            return Ok(*left);
        };
        if CmpOp::of(&self.peek().kind).is_some() || self.at_in() {
            let what = "comparisons do not chain; join them with 'and'";
            return Err(ExprError::syntax(self.peek().column, what));
        }
        Ok(node)
    }

    /// Whether the next tokens are `in` or `not in`.
    fn at_in(&self) -> bool {
        match self.peek().kind {
            TokenKind::In => true,
            TokenKind::Not => self.peek_at(1).kind == TokenKind::In,
            _ => false,
        }
    }

    fn operand(&mut self, depth: usize) -> Result<Ast, ExprError> {
        if self.peek().kind == TokenKind::LParen {
            let column = self.advance().column;
            let depth = self.nested(depth, column)?;
            let inner = self.expression(depth)?;
            self.expect(&TokenKind::RParen, "')'")?;
            return Ok(inner);
        }
        if self.peek().kind == TokenKind::Ident {
            let first = self.advance();
            let mut path = first.text;
            while self.peek().kind == TokenKind::Dot {
                self.advance();
                if self.peek().kind != TokenKind::Ident {
                    return Err(self.expected("a name after '.'"));
                }
                path.push('.');
                path.push_str(&self.advance().text);
            }
            return Ok(Ast::Path {
                column: first.column,
                path,
            });
        }
        match self.literal() {
            Some((value, column)) => Ok(Ast::Literal { column, value }),
            None => Err(self.expected("a name, a literal or '('")),
        }
    }

    /// Consumes a literal if the next token is one.
    fn literal(&mut self) -> Option<(Literal, usize)> {
        let value = match &self.peek().kind {
            TokenKind::Number(x) => Literal::Num(*x),
            TokenKind::Str(s) => Literal::Str(s.clone()),
            TokenKind::True => Literal::Bool(true),
            TokenKind::False => Literal::Bool(false),
            TokenKind::Null => Literal::Null,
            _ => return None,
        };
        Some((value, self.advance().column))
    }

    fn list(&mut self) -> Result<Vec<(Literal, usize)>, ExprError> {
        self.expect(&TokenKind::LBracket, "'['")?;
        let mut items = Vec::new();
        if self.peek().kind == TokenKind::RBracket {
            self.advance();
            return Ok(items);
        }
        loop {
            match self.literal() {
                Some(item) => items.push(item),
                None if items.is_empty() => return Err(self.expected("a literal or ']'")),
                None => return Err(self.expected("a literal")),
            }
            match self.peek().kind {
                TokenKind::Comma => {
                    self.advance();
                }
                TokenKind::RBracket => {
                    self.advance();
                    return Ok(items);
                }
                _ => return Err(self.expected("',' or ']'")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(source: &str) -> String {
        parse(source).unwrap_err().to_string()
    }

    fn path(column: usize, path: &str) -> Box<Ast> {
        Box::new(Ast::Path {
            column,
            path: path.into(),
        })
    }

    #[test]
    fn or_binds_looser_than_and_and_and_looser_than_not() {
        let ast = parse("a or not b and c").unwrap();
        let Ast::Or(items) = ast else {
            panic!("expected or")
        };
        assert_eq!(items[0], *path(1, "a"));
        let Ast::And(inner) = &items[1] else {
            panic!("expected and")
        };
        assert!(matches!(inner[0], Ast::Not { column: 6, .. }));
        assert_eq!(inner[1], *path(16, "c"));
    }

    #[test]
    fn not_applies_to_a_whole_comparison() {
        let ast = parse("not a == 1").unwrap();
        let Ast::Not { operand, .. } = ast else {
            panic!("expected not")
        };
        assert!(matches!(
            *operand,
            Ast::Compare {
                op: CmpOp::Eq,
                op_column: 7,
                ..
            }
        ));
    }

    #[test]
    fn names_may_have_spaces_around_dots() {
        assert_eq!(
            parse("agent . items.meal").unwrap(),
            *path(1, "agent.items.meal")
        );
    }

    #[test]
    fn not_in_keeps_the_column_of_not() {
        let ast = parse("x not in [1, \"a\", null]").unwrap();
        let Ast::In {
            negated,
            op_column,
            list,
            ..
        } = ast
        else {
            panic!("expected in")
        };
        assert!(negated);
        assert_eq!(op_column, 3);
        assert_eq!(
            list,
            [
                (Literal::Num(1.0), 11),
                (Literal::Str("a".into()), 14),
                (Literal::Null, 19)
            ]
        );
    }

    #[test]
    fn comparisons_do_not_chain() {
        let msg = "comparisons do not chain; join them with 'and'";
        assert_eq!(error("a < b < c"), format!("column 7: {msg}"));
        assert_eq!(error("a in [1] == b"), format!("column 10: {msg}"));
        assert_eq!(error("a == b not in []"), format!("column 8: {msg}"));
        assert!(parse("(a < b) == (c < d)").is_ok());
    }

    #[test]
    fn each_rule_names_what_it_expected() {
        assert_eq!(
            error(""),
            "column 1: expected a name, a literal or '(', found end of input"
        );
        assert_eq!(error("a b"), "column 3: expected end of input, found 'b'");
        assert_eq!(error("(a b)"), "column 4: expected ')', found 'b'");
        assert_eq!(
            error("a."),
            "column 3: expected a name after '.', found end of input"
        );
        assert_eq!(
            error("a.in"),
            "column 3: expected a name after '.', found 'in'"
        );
        assert_eq!(error("a not b"), "column 7: expected 'in', found 'b'");
        assert_eq!(error("a in b"), "column 6: expected '[', found 'b'");
        assert_eq!(
            error("a in [b]"),
            "column 7: expected a literal or ']', found 'b'"
        );
        assert_eq!(
            error("a in [1,]"),
            "column 9: expected a literal, found ']'"
        );
        assert_eq!(
            error("a in [1 2]"),
            "column 9: expected ',' or ']', found '2'"
        );
    }

    #[test]
    fn nesting_is_limited() {
        let ok = format!("{}a{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let deep = format!("{}a", "not ".repeat(MAX_DEPTH + 1));
        let column = 4 * MAX_DEPTH + 1;
        assert_eq!(
            error(&deep),
            format!("column {column}: expression nested deeper than 32 levels")
        );
        let long = vec!["a"; 10_000].join(" or ");
        assert!(parse(&long).is_ok());
    }
}
