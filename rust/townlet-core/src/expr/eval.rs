//! Evaluation of checked expressions against the world (world.md 3.6).
//!
//! The world implements [`ExprEnv`]: three methods that answer a resolved [`Name`] with
//! its value. Numbers compare as f64, strings by exact bytes, `null` equals only `null`,
//! and `and`/`or` stop at the first operand that decides them.

use super::check::{Expr, NumOperand, TextOperand};
use super::names::Name;
use super::Precondition;

/// The values an expression may read, by resolved name.
///
/// The checker guarantees each method is only asked for names of its type: `num` for
/// `num` names, `text` for `str` and `str?` names (`None` is null), `flag` for `bool`.
pub trait ExprEnv {
    /// The value of a `num` name (counts convert exactly).
    fn num(&self, name: Name) -> f64;
    /// The value of a `str` or `str?` name; `None` is null.
    fn text(&self, name: Name) -> Option<&str>;
    /// The value of a `bool` name.
    fn flag(&self, name: Name) -> bool;
}

/// Evaluates a checked expression; allocates nothing.
///
/// ```
/// use townlet_core::expr::{eval::{evaluate, ExprEnv}, names::Name, Context, Precondition};
/// struct Dark;
/// impl ExprEnv for Dark {
///     fn num(&self, _: Name) -> f64 { 0.0 }
///     fn text(&self, _: Name) -> Option<&str> { None }
///     fn flag(&self, _: Name) -> bool { false }
/// }
/// let p = Precondition::compile("not utility.power", &Context::new(&[], &[], true)).unwrap();
/// assert!(evaluate(&p.expr, &Dark));
/// ```
pub fn evaluate<E: ExprEnv + ?Sized>(expr: &Expr, env: &E) -> bool {
    match expr {
        Expr::Const(value) => *value,
        Expr::Flag(name) => env.flag(*name),
        Expr::Not(operand) => !evaluate(operand, env),
        Expr::And(items) => items.iter().all(|item| evaluate(item, env)),
        Expr::Or(items) => items.iter().any(|item| evaluate(item, env)),
        Expr::EqBool {
            negated,
            left,
            right,
        } => (evaluate(left, env) == evaluate(right, env)) != *negated,
        Expr::CmpNum { op, left, right } => op.holds(num(left, env), num(right, env)),
        Expr::EqText {
            negated,
            left,
            right,
        } => (text(left, env) == text(right, env)) != *negated,
        Expr::InNum {
            negated,
            left,
            list,
        } => {
            let x = num(left, env);
            list.contains(&x) != *negated
        }
        Expr::InText {
            negated,
            left,
            list,
        } => {
            let found = text(left, env).is_some_and(|x| list.iter().any(|item| item == x));
            found != *negated
        }
    }
}

/// The first precondition that does not hold: its 0-based index and source text.
///
/// ```
/// use townlet_core::expr::{eval::{first_false, ExprEnv}, names::Name, Context, Precondition};
/// struct Broke;
/// impl ExprEnv for Broke {
///     fn num(&self, _: Name) -> f64 { 0.0 }
///     fn text(&self, _: Name) -> Option<&str> { None }
///     fn flag(&self, _: Name) -> bool { true }
/// }
/// let ctx = Context::new(&[], &[], true);
/// let list: Vec<_> = ["utility.power", "agent.wallet > 1"].iter().map(|s| Precondition::compile(s, &ctx).unwrap()).collect();
/// assert_eq!(first_false(&list, &Broke), Some((1, "agent.wallet > 1")));
/// ```
pub fn first_false<'a, E: ExprEnv + ?Sized>(
    preconditions: &'a [Precondition],
    env: &E,
) -> Option<(usize, &'a str)> {
    preconditions
        .iter()
        .position(|p| !evaluate(&p.expr, env))
        .map(|index| (index, preconditions[index].source.as_str()))
}

fn num<E: ExprEnv + ?Sized>(operand: &NumOperand, env: &E) -> f64 {
    match operand {
        NumOperand::Const(x) => *x,
        NumOperand::Name(name) => env.num(*name),
    }
}

fn text<'a, E: ExprEnv + ?Sized>(operand: &'a TextOperand, env: &'a E) -> Option<&'a str> {
    match operand {
        TextOperand::Const(value) => value.as_deref(),
        TextOperand::Name(name) => env.text(*name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::names::NameKind;
    use crate::expr::Context;
    use std::cell::Cell;

    /// Counts every read, to show what short-circuits; `agent.home` is null.
    struct Counting {
        reads: Cell<usize>,
    }

    impl ExprEnv for Counting {
        fn num(&self, name: Name) -> f64 {
            self.reads.set(self.reads.get() + 1);
            match name.kind {
                NameKind::AgentWallet => 2.5,
                _ => f64::NAN,
            }
        }
        fn text(&self, name: Name) -> Option<&str> {
            self.reads.set(self.reads.get() + 1);
            match name.kind {
                NameKind::AgentHome => None,
                _ => Some("a_1"),
            }
        }
        fn flag(&self, _: Name) -> bool {
            self.reads.set(self.reads.get() + 1);
            true
        }
    }

    fn run(source: &str) -> (bool, usize) {
        let env = Counting {
            reads: Cell::new(0),
        };
        let p = Precondition::compile(source, &Context::new(&[], &[], true)).unwrap();
        (evaluate(&p.expr, &env), env.reads.get())
    }

    #[test]
    fn and_or_stop_at_the_deciding_operand() {
        assert_eq!(run("utility.power or agent.wallet > 1"), (true, 1));
        assert_eq!(run("not utility.power and agent.wallet > 1"), (false, 1));
        assert_eq!(
            run("agent.wallet > 1 and agent.wallet < 3 and agent.id == \"a_1\""),
            (true, 3)
        );
    }

    #[test]
    fn null_equals_only_null_and_is_in_no_list() {
        assert!(run("agent.home == null").0);
        assert!(!run("agent.home == agent.job").0);
        assert!(run("agent.home != \"a_1\"").0);
        assert!(!run("agent.home in [\"a_1\"]").0);
        assert!(run("agent.home not in [\"a_1\"]").0);
        assert!(run("null == null").0);
    }

    #[test]
    fn numbers_compare_as_ieee_doubles() {
        assert!(run("agent.wallet == 2.50").0);
        assert!(run("agent.wallet in [1, 2.5]").0);
        assert!(!run("agent.hunger == agent.hunger").0, "NaN equals nothing");
        assert!(run("agent.hunger != agent.hunger").0);
        assert!(run("-0 == 0").0);
        assert!(
            run("0.1 == 0.10000000000000001").0,
            "both round to the same double"
        );
    }

    #[test]
    fn first_false_is_none_when_everything_holds() {
        let ctx = Context::new(&[], &[], true);
        let list = vec![Precondition::compile("true", &ctx).unwrap()];
        let env = Counting {
            reads: Cell::new(0),
        };
        assert_eq!(first_false(&list, &env), None);
        assert_eq!(first_false(&[], &env), None);
    }
}
