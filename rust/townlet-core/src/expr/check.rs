//! Static checks of world.md 3.6, and the typed tree they produce ([`Expr`]).
//!
//! Checking walks the syntax tree left to right and stops at the first problem, so the
//! reported error is the leftmost one in evaluation order. A checked expression has
//! every name resolved to a [`Name`] and every comparison specialised by operand type
//! (`CmpNum`, `EqText`, `InText`, ...), so evaluation needs no type tests and no strings
//! beyond the literals themselves.

use super::error::ExprError;
use super::names::{resolve, Context, Name, Type};
use super::syntax::{Ast, CmpOp, Literal};

/// A number operand: a literal or a name of type `num`.
#[derive(Clone, Debug, PartialEq)]
pub enum NumOperand {
    /// A literal number.
    Const(f64),
    /// A name read through [`super::eval::ExprEnv::num`].
    Name(Name),
}

/// A string operand: a literal (`None` for `null`) or a name of type `str`/`str?`.
#[derive(Clone, Debug, PartialEq)]
pub enum TextOperand {
    /// A literal string, or `null` as `None`.
    Const(Option<String>),
    /// A name read through [`super::eval::ExprEnv::text`].
    Name(Name),
}

/// A checked, bool-typed expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// `true` or `false`.
    Const(bool),
    /// A name of type `bool`.
    Flag(Name),
    /// `not e`.
    Not(Box<Expr>),
    /// All operands hold (short-circuit).
    And(Vec<Expr>),
    /// Some operand holds (short-circuit).
    Or(Vec<Expr>),
    /// `left == right` on booleans (`!=` when `negated`).
    EqBool {
        /// Whether the operator is `!=`.
        negated: bool,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// Any comparison of two numbers.
    CmpNum {
        /// The operator.
        op: CmpOp,
        /// Left operand.
        left: NumOperand,
        /// Right operand.
        right: NumOperand,
    },
    /// `left == right` on strings or null (`!=` when `negated`).
    EqText {
        /// Whether the operator is `!=`.
        negated: bool,
        /// Left operand.
        left: TextOperand,
        /// Right operand.
        right: TextOperand,
    },
    /// `left in list` on numbers (`not in` when `negated`).
    InNum {
        /// Whether the operator is `not in`.
        negated: bool,
        /// Left operand.
        left: NumOperand,
        /// The list.
        list: Vec<f64>,
    },
    /// `left in list` on strings (`not in` when `negated`); null is in no list.
    InText {
        /// Whether the operator is `not in`.
        negated: bool,
        /// Left operand.
        left: TextOperand,
        /// The list.
        list: Vec<String>,
    },
}

/// Checks a syntax tree against `context` and returns the typed expression.
///
/// ```
/// use townlet_core::expr::{check::check, parser::parse, Context};
/// let ast = parse("not agent.wallet").unwrap();
/// let err = check(&ast, &Context::new(&[], &[], true)).unwrap_err();
/// assert_eq!(err.to_string(), "column 5: operand of 'not' must be bool, found num");
/// ```
///
/// # Errors
///
/// A [`super::error::NAME`] or [`super::error::TYPE`] error, the leftmost one.
pub fn check(ast: &Ast, context: &Context) -> Result<Expr, ExprError> {
    match node(ast, context)? {
        Typed::Bool(expr) => Ok(expr),
        other => {
            let what = format!("expression must be bool, found {}", other.ty().as_str());
            Err(ExprError::type_(ast.column(), what))
        }
    }
}

/// A checked node of any type.
enum Typed {
    Bool(Expr),
    Num(NumOperand),
    /// A string operand with its type: `str`, `str?` or `null`.
    Text(TextOperand, Type),
}

impl Typed {
    fn ty(&self) -> Type {
        match self {
            Typed::Bool(_) => Type::Bool,
            Typed::Num(_) => Type::Num,
            Typed::Text(_, ty) => *ty,
        }
    }
}

fn node(ast: &Ast, context: &Context) -> Result<Typed, ExprError> {
    Ok(match ast {
        Ast::Or(items) => Typed::Bool(Expr::Or(bools(items, "or", context)?)),
        Ast::And(items) => Typed::Bool(Expr::And(bools(items, "and", context)?)),
        Ast::Not { operand, .. } => {
            Typed::Bool(Expr::Not(Box::new(boolean(operand, "not", context)?)))
        }
        Ast::Path { column, path } => {
            let (name, ty) =
                resolve(path, context).map_err(|what| ExprError::name(*column, what))?;
            match ty {
                Type::Num => Typed::Num(NumOperand::Name(name)),
                Type::Bool => Typed::Bool(Expr::Flag(name)),
                Type::Str | Type::OptStr | Type::Null => Typed::Text(TextOperand::Name(name), ty),
            }
        }
        Ast::Literal { value, .. } => literal(value),
        Ast::Compare {
            op,
            op_column,
            left,
            right,
        } => compare(*op, *op_column, node(left, context)?, node(right, context)?)?,
        Ast::In {
            negated,
            op_column,
            left,
            list,
        } => membership(*negated, *op_column, node(left, context)?, list)?,
    })
}

fn literal(value: &Literal) -> Typed {
    match value {
        Literal::Num(x) => Typed::Num(NumOperand::Const(*x)),
        Literal::Str(s) => Typed::Text(TextOperand::Const(Some(s.clone())), Type::Str),
        Literal::Bool(b) => Typed::Bool(Expr::Const(*b)),
        Literal::Null => Typed::Text(TextOperand::Const(None), Type::Null),
    }
}

/// Checks one operand of `and`, `or` or `not`.
fn boolean(ast: &Ast, op: &str, context: &Context) -> Result<Expr, ExprError> {
    match node(ast, context)? {
        Typed::Bool(expr) => Ok(expr),
        other => {
            let what = format!(
                "operand of '{op}' must be bool, found {}",
                other.ty().as_str()
            );
            Err(ExprError::type_(ast.column(), what))
        }
    }
}

fn bools(items: &[Ast], op: &str, context: &Context) -> Result<Vec<Expr>, ExprError> {
    items
        .iter()
        .map(|item| boolean(item, op, context))
        .collect()
}

/// Whether `==`/`!=` may compare two string-like types: equal types, or `str?` with `str`
/// or `null`.
fn text_comparable(a: Type, b: Type) -> bool {
    a == b
        || (a == Type::OptStr && matches!(b, Type::Str | Type::Null))
        || (b == Type::OptStr && matches!(a, Type::Str | Type::Null))
}

fn compare(op: CmpOp, column: usize, left: Typed, right: Typed) -> Result<Typed, ExprError> {
    let (lt, rt) = (left.ty(), right.ty());
    let symbol = op.symbol();
    let expr = match (left, right) {
        (Typed::Num(left), Typed::Num(right)) => Expr::CmpNum { op, left, right },
        _ if op.is_ordering() => {
            let what = format!(
                "'{symbol}' needs num on both sides, found {} and {}",
                lt.as_str(),
                rt.as_str()
            );
            return Err(ExprError::type_(column, what));
        }
        (Typed::Bool(left), Typed::Bool(right)) => Expr::EqBool {
            negated: op == CmpOp::Ne,
            left: Box::new(left),
            right: Box::new(right),
        },
        (Typed::Text(left, _), Typed::Text(right, _)) if text_comparable(lt, rt) => Expr::EqText {
            negated: op == CmpOp::Ne,
            left,
            right,
        },
        _ => {
            let what = format!(
                "'{symbol}' cannot compare {} with {}",
                lt.as_str(),
                rt.as_str()
            );
            return Err(ExprError::type_(column, what));
        }
    };
    Ok(Typed::Bool(expr))
}

fn membership(
    negated: bool,
    column: usize,
    left: Typed,
    list: &[(Literal, usize)],
) -> Result<Typed, ExprError> {
    let symbol = if negated { "not in" } else { "in" };
    let element_error = |value: &Literal, column: usize, expected: Type| {
        let found = literal(value).ty().as_str();
        let what = format!(
            "'{symbol}' list element must be {}, found {found}",
            expected.as_str()
        );
        ExprError::type_(column, what)
    };
    let expr = match left {
        Typed::Num(left) => {
            let mut numbers = Vec::with_capacity(list.len());
            for (value, column) in list {
                match value {
                    Literal::Num(x) => numbers.push(*x),
                    _ => return Err(element_error(value, *column, Type::Num)),
                }
            }
            Expr::InNum {
                negated,
                left,
                list: numbers,
            }
        }
        Typed::Text(left, Type::Str | Type::OptStr) => {
            let mut strings = Vec::with_capacity(list.len());
            for (value, column) in list {
                match value {
                    Literal::Str(s) => strings.push(s.clone()),
                    _ => return Err(element_error(value, *column, Type::Str)),
                }
            }
            Expr::InText {
                negated,
                left,
                list: strings,
            }
        }
        other => {
            let what = format!(
                "'{symbol}' needs num or str on the left, found {}",
                other.ty().as_str()
            );
            return Err(ExprError::type_(column, what));
        }
    };
    Ok(Typed::Bool(expr))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::names::NameKind;
    use crate::expr::parser::parse;

    fn compile(source: &str) -> Result<Expr, ExprError> {
        let context = Context::new(&["raw_food", "meal"], &["meal"], true);
        check(&parse(source)?, &context)
    }

    fn error(source: &str) -> String {
        compile(source).unwrap_err().to_string()
    }

    #[test]
    fn comparisons_are_specialised_by_type() {
        let home = Name {
            kind: NameKind::AgentHome,
            index: 0,
        };
        assert_eq!(
            compile("agent.home != null").unwrap(),
            Expr::EqText {
                negated: true,
                left: TextOperand::Name(home),
                right: TextOperand::Const(None)
            }
        );
        assert!(matches!(
            compile("agent.items.meal >= 1").unwrap(),
            Expr::CmpNum { op: CmpOp::Ge, .. }
        ));
        assert!(matches!(
            compile("utility.power == true").unwrap(),
            Expr::EqBool { negated: false, .. }
        ));
        assert!(matches!(
            compile("agent.job in [\"cook\"]").unwrap(),
            Expr::InText { .. }
        ));
    }

    #[test]
    fn equality_needs_equal_types_or_a_nullable_string() {
        assert!(compile("object.owner == agent.id").is_ok());
        assert!(compile("null == object.zone").is_ok());
        assert!(compile("null == null").is_ok());
        assert_eq!(
            error("agent.wallet == \"x\""),
            "column 14: '==' cannot compare num with str"
        );
        assert_eq!(
            error("agent.id != null"),
            "column 10: '!=' cannot compare str with null"
        );
        assert_eq!(
            error("utility.power == 1"),
            "column 15: '==' cannot compare bool with num"
        );
    }

    #[test]
    fn ordering_needs_numbers() {
        assert_eq!(
            error("agent.name < \"b\""),
            "column 12: '<' needs num on both sides, found str and str"
        );
    }

    #[test]
    fn membership_needs_matching_elements() {
        assert_eq!(
            error("agent.home in [\"a\", null]"),
            "column 21: 'in' list element must be str, found null"
        );
        assert_eq!(
            error("agent.wallet not in [1, \"2\"]"),
            "column 25: 'not in' list element must be num, found str"
        );
        assert_eq!(
            error("utility.power in [true]"),
            "column 15: 'in' needs num or str on the left, found bool"
        );
        assert_eq!(
            error("null in []"),
            "column 6: 'in' needs num or str on the left, found null"
        );
    }

    #[test]
    fn logic_needs_bool_operands_and_a_bool_result() {
        assert_eq!(
            error("not agent.wallet"),
            "column 5: operand of 'not' must be bool, found num"
        );
        assert_eq!(
            error("utility.power or \"x\""),
            "column 18: operand of 'or' must be bool, found str"
        );
        assert_eq!(
            error("(agent.wallet)"),
            "column 2: expression must be bool, found num"
        );
        assert_eq!(
            error("null"),
            "column 1: expression must be bool, found null"
        );
    }

    #[test]
    fn the_leftmost_problem_wins() {
        assert_eq!(
            error("agent.x == 1 and not 2"),
            "column 1: unknown name 'agent.x'"
        );
        assert_eq!(
            error("not 2 and agent.x"),
            "column 5: operand of 'not' must be bool, found num"
        );
    }
}
