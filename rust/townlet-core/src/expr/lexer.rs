//! Tokens of the precondition language (world.md 3.6).
//!
//! The source is read as a sequence of Unicode scalar values so that columns count the
//! same characters as Python's `str`; only ASCII ever forms a token. Tokens are made by
//! maximal munch: `1.x` is the number `1`, then `.`, then `x`.

use super::error::{describe_char, ExprError};

/// What a token is; literals carry their value.
#[derive(Clone, Debug, PartialEq)]
pub enum TokenKind {
    /// `[a-z_][a-z0-9_]*`, not a keyword.
    Ident,
    /// `-?[0-9]+(\.[0-9]+)?`, converted with correct rounding.
    Number(f64),
    /// A string literal, escapes resolved.
    Str(String),
    /// `and`
    And,
    /// `or`
    Or,
    /// `not`
    Not,
    /// `in`
    In,
    /// `true`
    True,
    /// `false`
    False,
    /// `null`
    Null,
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
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `,`
    Comma,
    /// `.`
    Dot,
    /// The end of the source (always the last token).
    End,
}

/// One token: its kind, its source text and the 1-based column of its first character.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// What the token is.
    pub kind: TokenKind,
    /// The source text (empty for [`TokenKind::End`]).
    pub text: String,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Token {
    /// The token as messages show it: `'<text>'`, or `end of input`.
    ///
    /// ```
    /// let tokens = townlet_core::expr::lexer::tokenize("a").unwrap();
    /// assert_eq!((tokens[0].describe(), tokens[1].describe()), ("'a'".into(), "end of input".into()));
    /// ```
    pub fn describe(&self) -> String {
        match self.kind {
            TokenKind::End => "end of input".to_string(),
            _ => format!("'{}'", self.text),
        }
    }
}

/// Splits `source` into tokens, ending with [`TokenKind::End`].
///
/// ```
/// use townlet_core::expr::lexer::{tokenize, TokenKind};
/// let kinds: Vec<_> = tokenize("agent.wallet >= -1.5").unwrap().into_iter().map(|t| t.kind).collect();
/// assert_eq!(kinds[3..], [TokenKind::Ge, TokenKind::Number(-1.5), TokenKind::End]);
/// ```
///
/// # Errors
///
/// A [`super::error::SYNTAX`] error: an unexpected character, an unterminated string, an
/// unsupported escape, a non-ASCII character in a string, or a number out of range.
pub fn tokenize(source: &str) -> Result<Vec<Token>, ExprError> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let (kind, end) = match c {
            ' ' | '\t' => {
                i += 1;
                continue;
            }
            'a'..='z' | '_' => word(&chars, i),
            '0'..='9' => number(&chars, i)?,
            '-' if next.is_some_and(|n| n.is_ascii_digit()) => number(&chars, i)?,
            '"' => string(&chars, i)?,
            '=' if next == Some('=') => (TokenKind::Eq, i + 2),
            '!' if next == Some('=') => (TokenKind::Ne, i + 2),
            '<' if next == Some('=') => (TokenKind::Le, i + 2),
            '>' if next == Some('=') => (TokenKind::Ge, i + 2),
            '<' => (TokenKind::Lt, i + 1),
            '>' => (TokenKind::Gt, i + 1),
            '(' => (TokenKind::LParen, i + 1),
            ')' => (TokenKind::RParen, i + 1),
            '[' => (TokenKind::LBracket, i + 1),
            ']' => (TokenKind::RBracket, i + 1),
            ',' => (TokenKind::Comma, i + 1),
            '.' => (TokenKind::Dot, i + 1),
            _ => {
                let what = format!("unexpected character {}", describe_char(c));
                return Err(ExprError::syntax(i + 1, what));
            }
        };
        tokens.push(Token {
            kind,
            text: chars[i..end].iter().collect(),
            column: i + 1,
        });
        i = end;
    }
    tokens.push(Token {
        kind: TokenKind::End,
        text: String::new(),
        column: chars.len() + 1,
    });
    Ok(tokens)
}

/// An identifier or keyword starting at `start`; returns its kind and end.
fn word(chars: &[char], start: usize) -> (TokenKind, usize) {
    let mut end = start + 1;
    while end < chars.len() && matches!(chars[end], 'a'..='z' | '0'..='9' | '_') {
        end += 1;
    }
    let text: String = chars[start..end].iter().collect();
    let kind = match text.as_str() {
        "and" => TokenKind::And,
        "or" => TokenKind::Or,
        "not" => TokenKind::Not,
        "in" => TokenKind::In,
        "true" => TokenKind::True,
        "false" => TokenKind::False,
        "null" => TokenKind::Null,
        _ => TokenKind::Ident,
    };
    (kind, end)
}

/// A number starting at `start` (a digit or a `-` before one).
fn number(chars: &[char], start: usize) -> Result<(TokenKind, usize), ExprError> {
    let digits_from = |mut i: usize| {
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let mut end = digits_from(start + 1);
    if end + 1 < chars.len() && chars[end] == '.' && chars[end + 1].is_ascii_digit() {
        end = digits_from(end + 1);
    }
    let text: String = chars[start..end].iter().collect();
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok((TokenKind::Number(value), end)),
        _ => Err(ExprError::syntax(start + 1, "number out of range")),
    }
}

/// A string literal whose opening quote is at `start`.
fn string(chars: &[char], start: usize) -> Result<(TokenKind, usize), ExprError> {
    let mut value = String::new();
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '"' => return Ok((TokenKind::Str(value), i + 1)),
            '\\' => match chars.get(i + 1) {
                None => break,
                Some(&c @ ('"' | '\\')) => {
                    value.push(c);
                    i += 2;
                }
                Some(&c) => {
                    let what = format!(
                        "expected '\"' or '\\' after '\\', found {}",
                        describe_char(c)
                    );
                    return Err(ExprError::syntax(i + 2, what));
                }
            },
            c if !c.is_ascii() => {
                let what = format!("non-ASCII character {} in string", describe_char(c));
                return Err(ExprError::syntax(i + 1, what));
            }
            c => {
                value.push(c);
                i += 1;
            }
        }
    }
    Err(ExprError::syntax(start + 1, "unterminated string"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<TokenKind> {
        tokenize(source)
            .unwrap()
            .into_iter()
            .map(|t| t.kind)
            .collect()
    }

    fn error(source: &str) -> String {
        tokenize(source).unwrap_err().to_string()
    }

    #[test]
    fn keywords_are_not_identifiers() {
        use TokenKind::*;
        assert_eq!(
            kinds("and or not in true false null andx _in"),
            [And, Or, Not, In, True, False, Null, Ident, Ident, End]
        );
    }

    #[test]
    fn operators_take_two_characters_when_they_can() {
        use TokenKind::*;
        assert_eq!(
            kinds("==!=<=>=<>()[],."),
            [Eq, Ne, Le, Ge, Lt, Gt, LParen, RParen, LBracket, RBracket, Comma, Dot, End]
        );
    }

    #[test]
    fn numbers_are_maximal_munch_without_exponent_or_leading_dot() {
        use TokenKind::*;
        assert_eq!(kinds("0.1"), [Number(0.1), End]);
        assert_eq!(kinds("-0"), [Number(-0.0), End]);
        assert_eq!(kinds("1.x"), [Number(1.0), Dot, Ident, End]);
        assert_eq!(kinds("1e5"), [Number(1.0), Ident, End]);
        assert_eq!(kinds(".5"), [Dot, Number(5.0), End]);
        assert_eq!(error("- 1"), "column 1: unexpected character '-'");
    }

    #[test]
    fn numbers_round_correctly_and_refuse_infinity() {
        let tokens = tokenize("9007199254740993").unwrap();
        assert_eq!(tokens[0].kind, TokenKind::Number(9_007_199_254_740_992.0));
        let huge = "9".repeat(400);
        assert_eq!(error(&huge), "column 1: number out of range");
    }

    #[test]
    fn strings_have_two_escapes_and_ascii_content() {
        assert_eq!(kinds(r#""a\"b\\c""#)[0], TokenKind::Str("a\"b\\c".into()));
        assert_eq!(
            error(r#""a\n""#),
            r#"column 4: expected '"' or '\' after '\', found 'n'"#
        );
        assert_eq!(
            error("\"caf\u{e9}\""),
            "column 5: non-ASCII character U+00E9 in string"
        );
        assert_eq!(error("x == \"abc"), "column 6: unterminated string");
        assert_eq!(error("\"abc\\"), "column 1: unterminated string");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert_eq!(error("\u{e9}"), "column 1: unexpected character U+00E9");
        let tokens = tokenize("\t a").unwrap();
        assert_eq!((tokens[0].column, tokens[1].column), (3, 4));
        assert_eq!(error("a\u{e9}$"), "column 2: unexpected character U+00E9");
        assert_eq!(error("A"), "column 1: unexpected character 'A'");
        assert_eq!(error("a\nb"), "column 2: unexpected character U+000A");
    }
}
