//! Maps core errors onto the classes of `townlet.errors` (STYLE.md 4).
//!
//! The binding imports the Python classes instead of defining its own, so
//! `except ConfigError` behaves the same with either world. Structured fields travel
//! as the constructor's keyword arguments (`code`, `errors`, `key`, `file`).

use pyo3::prelude::*;
use pyo3::types::PyDict;
use townlet_core::Error;

/// The Python exception for a core error: one `match`, one class per variant.
pub fn to_py_err(py: Python<'_>, err: Error) -> PyErr {
    build(py, err).unwrap_or_else(|failed| failed)
}

fn build(py: Python<'_>, err: Error) -> PyResult<PyErr> {
    let module = py.import("townlet.errors")?;
    let kwargs = PyDict::new(py);
    let (class, message) = match err {
        Error::Config {
            code,
            message,
            errors,
            key,
            file,
        } => {
            kwargs.set_item("code", code)?;
            kwargs.set_item("errors", errors)?;
            kwargs.set_item("key", key)?;
            kwargs.set_item("file", file)?;
            ("ConfigError", message)
        }
        err @ Error::Snapshot { .. } => ("SnapshotError", err.to_string()),
        Error::Provider { message } => ("ProviderError", message),
    };
    let instance = module.getattr(class)?.call((message,), Some(&kwargs))?;
    Ok(PyErr::from_value(instance))
}

/// Extension: `result.map_err(|e| to_py_err(py, e))` in one call.
pub trait IntoPyResult<T> {
    /// Converts a core result, raising the matching `townlet.errors` class.
    fn or_raise(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for Result<T, Error> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|err| to_py_err(py, err))
    }
}
