//! The syntax tree of world.md 3.6: what [`super::parser::parse`] builds and
//! [`super::check::check`] reads.
//!
//! `or`/`and` chains are n-ary nodes, so a long chain never makes the tree deep.
//! Columns are 1-based and count characters, as in every message.

use super::lexer::TokenKind;

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// Whether the operator orders (`<`, `<=`, `>`, `>=`) rather than tests equality.
    pub fn is_ordering(self) -> bool {
        !matches!(self, CmpOp::Eq | CmpOp::Ne)
    }

    /// Whether `left <op> right` holds for two numbers (IEEE 754 comparison).
    ///
    /// ```
    /// use townlet_core::expr::syntax::CmpOp;
    /// assert!(CmpOp::Le.holds(1.0, 1.0) && !CmpOp::Lt.holds(1.0, 1.0));
    /// ```
    pub fn holds(self, left: f64, right: f64) -> bool {
        match self {
            CmpOp::Eq => left == right,
            CmpOp::Ne => left != right,
            CmpOp::Lt => left < right,
            CmpOp::Le => left <= right,
            CmpOp::Gt => left > right,
            CmpOp::Ge => left >= right,
        }
    }

    /// The operator a token stands for, if it is one.
    pub(crate) fn of(kind: &TokenKind) -> Option<CmpOp> {
        match kind {
            TokenKind::Eq => Some(CmpOp::Eq),
            TokenKind::Ne => Some(CmpOp::Ne),
            TokenKind::Lt => Some(CmpOp::Lt),
            TokenKind::Le => Some(CmpOp::Le),
            TokenKind::Gt => Some(CmpOp::Gt),
            TokenKind::Ge => Some(CmpOp::Ge),
            _ => None,
        }
    }
}

/// A literal value as written.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// A number.
    Num(f64),
    /// A string (escapes resolved).
    Str(String),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

/// The syntax tree of one expression; columns are 1-based.
#[derive(Clone, Debug, PartialEq)]
pub enum Ast {
    /// `a or b or ...` (two or more operands).
    Or(Vec<Ast>),
    /// `a and b and ...` (two or more operands).
    And(Vec<Ast>),
    /// `not operand`; `column` is that of `not`.
    Not {
        /// Column of the `not` keyword.
        column: usize,
        /// The negated expression.
        operand: Box<Ast>,
    },
    /// `left <op> right`.
    Compare {
        /// The operator.
        op: CmpOp,
        /// Column of the operator.
        op_column: usize,
        /// Left operand.
        left: Box<Ast>,
        /// Right operand.
        right: Box<Ast>,
    },
    /// `left in [...]` or `left not in [...]`.
    In {
        /// Whether it is `not in`.
        negated: bool,
        /// Column of `in` (of `not` for `not in`).
        op_column: usize,
        /// Left operand.
        left: Box<Ast>,
        /// The list's literals, each with its column.
        list: Vec<(Literal, usize)>,
    },
    /// A dotted name such as `agent.items.meal`, spaces around dots removed.
    Path {
        /// Column of the first identifier.
        column: usize,
        /// The identifiers joined by `.`.
        path: String,
    },
    /// A literal operand.
    Literal {
        /// Column of the literal.
        column: usize,
        /// Its value.
        value: Literal,
    },
}

impl Ast {
    /// Column of the node's first token (inside any parentheses around it).
    pub fn column(&self) -> usize {
        match self {
            Ast::Or(items) | Ast::And(items) => items.first().map_or(1, Ast::column),
            Ast::Compare { left, .. } | Ast::In { left, .. } => left.column(),
            Ast::Not { column, .. } | Ast::Path { column, .. } | Ast::Literal { column, .. } => {
                *column
            }
        }
    }
}
