//! The error of the expression language: a code of world.md 3.7, a column and a message.
//!
//! Every message is pinned in the table of [`crate::expr`] and in docs/world-state.md 8;
//! the Python mirror (`townlet.world.expr.error`) writes the same text.

use std::fmt;

/// Code of a syntax error (a token or the grammar of world.md 3.6).
pub const SYNTAX: &str = "manifest.expression_syntax";
/// Code of a name that does not exist or is not allowed where it is used.
pub const NAME: &str = "manifest.expression_name";
/// Code of an operand or expression of the wrong static type.
pub const TYPE: &str = "manifest.expression_type";

/// Why an expression was refused: `column <n>: <what>`, `n` 1-based in characters.
///
/// ```
/// use townlet_core::expr::{Context, Precondition};
/// let err = Precondition::compile("agent.wallet >", &Context::new(&[], &[], true)).unwrap_err();
/// assert_eq!(err.code, townlet_core::expr::error::SYNTAX);
/// assert_eq!(err.to_string(), "column 15: expected a name, a literal or '(', found end of input");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    /// One of [`SYNTAX`], [`NAME`], [`TYPE`].
    pub code: &'static str,
    /// 1-based column (Unicode scalar values) of the offending token.
    pub column: usize,
    /// What is wrong there, without the column.
    pub what: String,
}

impl ExprError {
    /// A [`SYNTAX`] error at `column`.
    pub fn syntax(column: usize, what: impl Into<String>) -> Self {
        Self::new(SYNTAX, column, what)
    }

    /// A [`NAME`] error at `column`.
    pub fn name(column: usize, what: impl Into<String>) -> Self {
        Self::new(NAME, column, what)
    }

    /// A [`TYPE`] error at `column`.
    pub fn type_(column: usize, what: impl Into<String>) -> Self {
        Self::new(TYPE, column, what)
    }

    fn new(code: &'static str, column: usize, what: impl Into<String>) -> Self {
        ExprError {
            code,
            column,
            what: what.into(),
        }
    }
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.what)
    }
}

impl std::error::Error for ExprError {}

/// A character as messages show it: `'c'` for printable ASCII, `U+XXXX` otherwise.
///
/// ```
/// use townlet_core::expr::error::describe_char;
/// assert_eq!((describe_char('$'), describe_char('é')), ("'$'".to_string(), "U+00E9".to_string()));
/// ```
pub fn describe_char(c: char) -> String {
    if ('!'..='~').contains(&c) {
        format!("'{c}'")
    } else {
        format!("U+{:04X}", u32::from(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_puts_the_column_first() {
        let err = ExprError::type_(3, "expression must be bool, found num");
        assert_eq!(
            err.to_string(),
            "column 3: expression must be bool, found num"
        );
        assert_eq!(err.code, TYPE);
    }

    #[test]
    fn describe_char_spells_out_invisible_and_non_ascii_characters() {
        assert_eq!(describe_char(' '), "U+0020");
        assert_eq!(describe_char('\n'), "U+000A");
        assert_eq!(describe_char('\u{1F600}'), "U+1F600");
        assert_eq!(describe_char('\''), "'''");
    }
}
