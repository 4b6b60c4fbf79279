//! Checks numpy arrays once per call: dtype, shape, C-contiguity, writability (STYLE.md 5).
//!
//! A refused array raises `ProviderError` naming the buffer, what was expected and what
//! was found, e.g. `action_mask: expected int8 array of shape (>=3, 19), got int16 of
//! shape (3, 19)`.

use numpy::{
    Element, PyArrayDyn, PyArrayMethods, PyReadwriteArrayDyn, PyUntypedArray, PyUntypedArrayMethods,
};
use pyo3::prelude::*;
use townlet_core::Error;

use crate::errors::to_py_err;

fn refuse(py: Python<'_>, message: String) -> PyErr {
    to_py_err(py, Error::provider(message))
}

/// A shape as Python writes a tuple: `(3,)`, `(3, 19)`.
pub fn shape_text(shape: &[String]) -> String {
    match shape {
        [one] => format!("({one},)"),
        _ => format!("({})", shape.join(", ")),
    }
}

/// The expected dtype and shape of one buffer; `None` in `shape` accepts any length.
pub struct Expected<'a> {
    /// Buffer name used in messages.
    pub name: &'a str,
    /// numpy dtype name (`int8`, `bool`, ...).
    pub dtype: &'a str,
    /// Exact length per axis, `None` for free.
    pub shape: &'a [Option<usize>],
    /// Minimum length of axis 0.
    pub min_rows: usize,
}

impl Expected<'_> {
    fn shape_text(&self) -> String {
        let axes: Vec<String> = self
            .shape
            .iter()
            .enumerate()
            .map(|(axis, len)| match (axis, len) {
                (_, Some(len)) => len.to_string(),
                (0, None) if self.min_rows == 0 => "N".to_string(),
                (0, None) => format!(">={}", self.min_rows),
                (_, None) => "N".to_string(),
            })
            .collect();
        shape_text(&axes)
    }

    fn accepts(&self, shape: &[usize]) -> bool {
        shape.len() == self.shape.len()
            && shape
                .iter()
                .zip(self.shape)
                .enumerate()
                .all(|(axis, (got, want))| match want {
                    Some(want) => got == want,
                    None => axis != 0 || *got >= self.min_rows,
                })
    }
}

/// Checks `obj` and returns it as a typed array. Allocates nothing when `obj` passes.
pub fn checked<'py, T: Element>(
    obj: &Bound<'py, PyAny>,
    expected: &Expected<'_>,
) -> PyResult<Bound<'py, PyArrayDyn<T>>> {
    if let Ok(array) = obj.cast::<PyArrayDyn<T>>() {
        if expected.accepts(array.shape()) && array.is_c_contiguous() {
            return Ok(array.clone());
        }
    }
    Err(refusal::<T>(obj, expected))
}

/// The `ProviderError` that says why `obj` is not the array `expected` describes.
#[cold]
fn refusal<T: Element>(obj: &Bound<'_, PyAny>, expected: &Expected<'_>) -> PyErr {
    let py = obj.py();
    let (name, dtype) = (expected.name, expected.dtype);
    let Ok(untyped) = obj.cast::<PyUntypedArray>() else {
        let found = obj
            .get_type()
            .name()
            .map_or_else(|_| "object".to_string(), |n| n.to_string());
        return refuse(
            py,
            format!(
                "{name}: expected {dtype} array of shape {}, got {found}",
                expected.shape_text()
            ),
        );
    };
    let found_dtype = untyped.dtype();
    if !expected.accepts(untyped.shape()) || obj.cast::<PyArrayDyn<T>>().is_err() {
        let found_shape: Vec<String> = untyped.shape().iter().map(usize::to_string).collect();
        let found = found_dtype
            .str()
            .map_or_else(|_| "?".to_string(), |_| found_dtype.to_string());
        return refuse(
            py,
            format!(
                "{name}: expected {dtype} array of shape {}, got {found} of shape {}",
                expected.shape_text(),
                shape_text(&found_shape)
            ),
        );
    }
    refuse(py, format!("{name}: expected a C-contiguous array"))
}

/// Borrows a checked array for writing.
pub fn writable<'py, T: Element>(
    array: &Bound<'py, PyArrayDyn<T>>,
    name: &str,
) -> PyResult<PyReadwriteArrayDyn<'py, T>> {
    array.try_readwrite().map_err(|_| {
        refuse(
            array.py(),
            format!("{name}: array is not writeable or overlaps another buffer"),
        )
    })
}
