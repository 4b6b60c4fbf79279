//! The one error type of the core (architecture.md 7, STYLE.md 4).
//!
//! Input from Python never panics the core: a bad setting, map, state tree, buffer or
//! argument comes back as an [`Error`]. The binding maps each variant, in one `match`,
//! to its class in `townlet.errors`; structured fields travel as attributes.

use std::fmt;

/// Every error the core returns.
///
/// ```
/// let err = townlet_core::Error::provider("actions: expected shape (3,), got (2,)");
/// assert_eq!(err.to_string(), "actions: expected shape (3,), got (2,)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// Settings or map are invalid; becomes `townlet.errors.ConfigError`.
    Config {
        /// Stable machine code of the first problem, e.g. `map.glyph_unknown`.
        code: String,
        /// One line: the first problem, with ` (+N more)` when there are more.
        message: String,
        /// Every problem found, one line each, in report order.
        errors: Vec<String>,
        /// Dotted config key of the problem (`world.map_file`), if known.
        key: Option<String>,
        /// The file that holds the problem (the map name), if any.
        file: Option<String>,
    },
    /// A state tree was refused before anything changed; becomes `SnapshotError`.
    Snapshot {
        /// Path of the first bad field, e.g. `agents[3].needs.hunger`.
        path: String,
        /// What is wrong there, e.g. `expected float, got str`.
        message: String,
    },
    /// The API was misused (bad buffer, unsupported mode); becomes `ProviderError`.
    Provider {
        /// What was expected and what was found.
        message: String,
    },
}

impl Error {
    /// A `settings.invalid` error for a malformed settings tree (docs/world-state.md D8).
    ///
    /// `problems` are `(dotted path, what)` pairs; the first one names the key.
    ///
    /// ```
    /// let err = townlet_core::Error::settings(vec![("time.start_minute".into(), "must be in [0, 1440)".into())]);
    /// assert_eq!(err.to_string(), "invalid world settings: time.start_minute: must be in [0, 1440)");
    /// ```
    pub fn settings(problems: Vec<(String, String)>) -> Self {
        let errors: Vec<String> = problems
            .iter()
            .map(|(path, what)| format!("{path}: {what}"))
            .collect();
        let first = errors.first().cloned().unwrap_or_default();
        let more = match errors.len() {
            0 | 1 => String::new(),
            n => format!(" (+{} more)", n - 1),
        };
        Error::Config {
            code: "settings.invalid".to_string(),
            message: format!("invalid world settings: {first}{more}"),
            key: problems.first().map(|(path, _)| path.clone()),
            errors,
            file: None,
        }
    }

    /// A `Snapshot` error at `path`.
    pub fn snapshot(path: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Snapshot {
            path: path.into(),
            message: message.into(),
        }
    }

    /// A `Provider` error with one message line.
    pub fn provider(message: impl Into<String>) -> Self {
        Error::Provider {
            message: message.into(),
        }
    }

    /// The stable code of a `Config` error, `None` for other variants.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Config { code, .. } => Some(code),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config { message, .. } => f.write_str(message),
            Error::Snapshot { path, message } if path.is_empty() => f.write_str(message),
            Error::Snapshot { path, message } => write!(f, "{path}: {message}"),
            Error::Provider { message } => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}

/// A float as Python's `repr` writes it (`1.0`, `0.1`, `inf`, `nan`).
pub(crate) fn py_float(x: f64) -> String {
    if x.is_nan() {
        "nan".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.to_string()
    } else if x.fract() == 0.0 && x.abs() < 1e16 {
        format!("{x:.1}")
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_error_counts_more_problems() {
        let err = Error::settings(vec![
            ("a".into(), "bad".into()),
            ("b".into(), "worse".into()),
        ]);
        assert_eq!(err.to_string(), "invalid world settings: a: bad (+1 more)");
        assert_eq!(err.code(), Some("settings.invalid"));
        match err {
            Error::Config { key, errors, .. } => {
                assert_eq!(key.as_deref(), Some("a"));
                assert_eq!(errors, vec!["a: bad", "b: worse"]);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn snapshot_error_names_its_path() {
        let err = Error::snapshot("agents[3].needs.hunger", "expected float, got str");
        assert_eq!(
            err.to_string(),
            "agents[3].needs.hunger: expected float, got str"
        );
    }
}
