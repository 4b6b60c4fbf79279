//! The precondition expression language of world.md 3.6.
//!
//! A source string goes through [`lexer::tokenize`], [`parser::parse`] (a [`syntax::Ast`]
//! with columns) and [`check::check`] (names resolved against a [`Context`], types
//! checked, comparisons specialised), once, at manifest load. [`eval::evaluate`] then
//! runs the checked tree against the world through the [`eval::ExprEnv`] trait, without
//! string lookups. `townlet.world.expr` mirrors this module file by file; the shared
//! vectors of `tests/data/expr_cases.json` pin both to the same results and messages.
//!
//! Errors are `column <n>: <what>` (1-based, in characters), with these codes and
//! messages (docs/world-state.md 8); `<tok>` is `'<text>'` or `end of input`, `<c>` is
//! `'c'` for printable ASCII and `U+XXXX` otherwise, `<t>` is `str`, `str?`, `num`,
//! `bool` or `null`:
//!
//! | Code | What |
//! |---|---|
//! | `manifest.expression_syntax` | `unexpected character <c>` |
//! | | `unterminated string` (at the opening quote) |
//! | | `expected '"' or '\' after '\', found <c>` |
//! | | `non-ASCII character <c> in string` |
//! | | `number out of range` |
//! | | `expected <what>, found <tok>`, `<what>` one of: `a name, a literal or '('`, `a name after '.'`, `')'`, `end of input`, `'in'`, `'['`, `a literal or ']'`, `a literal`, `',' or ']'` |
//! | | `comparisons do not chain; join them with 'and'` |
//! | | `expression nested deeper than 32 levels` |
//! | `manifest.expression_name` | `unknown name '<path>'` |
//! | | `unknown item '<item>' in '<path>' (declared: <items or none>)` |
//! | | `unknown price key '<key>' in '<path>' (declared: <keys or none>)` |
//! | | `'<path>' is not available in an item-use affordance` |
//! | `manifest.expression_type` | `operand of '<and/or/not>' must be bool, found <t>` |
//! | | `'<==/!=>' cannot compare <t> with <t>` |
//! | | `'<op>' needs num on both sides, found <t> and <t>` |
//! | | `'<in/not in>' needs num or str on the left, found <t>` |
//! | | `'<in/not in>' list element must be <num/str>, found <t>` |
//! | | `expression must be bool, found <t>` |
//!
//! ```
//! use townlet_core::expr::{Context, Precondition};
//! let ctx = Context::new(&["raw_food", "meal"], &["meal"], false);
//! let err = Precondition::compile("object.zone == agent.home", &ctx).unwrap_err();
//! assert_eq!(err.to_string(), "column 1: 'object.zone' is not available in an item-use affordance");
//! ```

pub mod check;
pub mod error;
pub mod eval;
pub mod lexer;
pub mod names;
pub mod parser;
pub mod syntax;

pub use error::ExprError;
pub use eval::{evaluate, first_false, ExprEnv};
pub use names::{Context, Name, NameKind, Type};

/// One checked precondition with its source text (for `affordance_failed` reports).
#[derive(Clone, Debug, PartialEq)]
pub struct Precondition {
    /// The expression as written in the manifest.
    pub source: String,
    /// The checked expression.
    pub expr: check::Expr,
}

impl Precondition {
    /// Parses and checks `source` against `context`.
    ///
    /// ```
    /// use townlet_core::expr::{Context, Precondition};
    /// let ctx = Context::new(&[], &[], true);
    /// assert!(Precondition::compile("object.owner == agent.id", &ctx).is_ok());
    /// ```
    ///
    /// # Errors
    ///
    /// The first syntax, name or type error, as an [`ExprError`].
    pub fn compile(source: &str, context: &Context) -> Result<Self, ExprError> {
        let ast = parser::parse(source)?;
        Ok(Precondition {
            source: source.to_string(),
            expr: check::check(&ast, context)?,
        })
    }
}

#[cfg(test)]
mod tests;
