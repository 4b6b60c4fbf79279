//! State trees between Python objects and [`StateValue`] (dict/list/int/float/str/bool/None).
//!
//! Floats stay floats and ints stay ints (a bool is never an int), so the canonical
//! encoding sees the same kinds as the Python world's encoder. Types are matched exactly
//! (`type(v) is float`, as the Python encoder does); tuples read as lists.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use townlet_core::canonical::StateValue;

/// Builds the Python object of `value`: dicts keep their key order.
pub fn to_py<'py>(py: Python<'py>, value: &StateValue) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        StateValue::Null => py.None().into_bound(py),
        StateValue::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        StateValue::Int(i) => i.into_pyobject(py)?.into_any(),
        StateValue::Float(x) => PyFloat::new(py, *x).into_any(),
        StateValue::Str(s) => PyString::new(py, s).into_any(),
        StateValue::List(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        StateValue::Dict(pairs) => {
            let dict = PyDict::new(py);
            for (key, item) in pairs {
                dict.set_item(key, to_py(py, item)?)?;
            }
            dict.into_any()
        }
    })
}

/// Why a Python object is not a state tree.
pub enum Unconvertible {
    /// A value of an unsupported type (its Python type name).
    Type(String),
    /// A dict key that is not a str (its repr).
    Key(String),
    /// An int outside i64 (its repr).
    Int(String),
}

/// A conversion failure at `path` (`agents[3].needs`, empty for the root).
pub struct ConvertError {
    /// Where the bad value is.
    pub path: String,
    /// What is wrong with it.
    pub what: Unconvertible,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "object".to_string(), |n| n.to_string())
}

fn repr(obj: &Bound<'_, PyAny>) -> String {
    obj.repr()
        .map_or_else(|_| "?".to_string(), |r| r.to_string())
}

/// Reads a Python tree into a [`StateValue`].
pub fn from_py(obj: &Bound<'_, PyAny>, path: &str) -> Result<StateValue, ConvertError> {
    let fail = |what| ConvertError {
        path: path.to_string(),
        what,
    };
    if obj.is_none() {
        return Ok(StateValue::Null);
    }
    if let Ok(b) = obj.cast_exact::<PyBool>() {
        return Ok(StateValue::Bool(b.is_true()));
    }
    if let Ok(i) = obj.cast_exact::<PyInt>() {
        return i
            .extract::<i64>()
            .map(StateValue::Int)
            .map_err(|_| fail(Unconvertible::Int(repr(obj))));
    }
    if let Ok(x) = obj.cast_exact::<PyFloat>() {
        return Ok(StateValue::Float(x.value()));
    }
    if let Ok(s) = obj.cast_exact::<PyString>() {
        return Ok(StateValue::Str(s.to_string()));
    }
    if let Ok(dict) = obj.cast_exact::<PyDict>() {
        let mut pairs = Vec::with_capacity(dict.len());
        for (key, item) in dict.iter() {
            let Ok(key) = key.cast_exact::<PyString>() else {
                return Err(fail(Unconvertible::Key(repr(&key))));
            };
            let key = key.to_string();
            let value = from_py(&item, &join(path, &key))?;
            pairs.push((key, value));
        }
        return Ok(StateValue::Dict(pairs));
    }
    let items: Option<Vec<Bound<'_, PyAny>>> = if let Ok(list) = obj.cast_exact::<PyList>() {
        Some(list.iter().collect())
    } else if let Ok(tuple) = obj.cast_exact::<PyTuple>() {
        Some(tuple.iter().collect())
    } else {
        None
    };
    let Some(items) = items else {
        return Err(fail(Unconvertible::Type(type_name(obj))));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| from_py(item, &format!("{path}[{i}]")))
        .collect::<Result<Vec<_>, _>>()
        .map(StateValue::List)
}

/// Reads a tree for `canonical_encode`/`canonical_hash`, raising what the Python
/// encoder raises: `TypeError` for unsupported types and non-str keys, `ValueError`
/// for ints outside i64.
pub fn canonical_value(obj: &Bound<'_, PyAny>) -> PyResult<StateValue> {
    from_py(obj, "").map_err(|err| match err.what {
        Unconvertible::Type(name) => {
            PyTypeError::new_err(format!("canonical encoding: unsupported type {name}"))
        }
        Unconvertible::Key(key) => {
            PyTypeError::new_err(format!("canonical encoding: dict key {key} is not a str"))
        }
        Unconvertible::Int(value) => {
            PyValueError::new_err(format!("canonical encoding: int {value} does not fit i64"))
        }
    })
}

/// Reads a tree for `import_state`; a failure is `(path, what)` for a `SnapshotError`.
pub fn state_value(obj: &Bound<'_, PyAny>) -> Result<StateValue, (String, String)> {
    from_py(obj, "").map_err(|err| {
        let path = if err.path.is_empty() {
            "state".to_string()
        } else {
            err.path
        };
        let what = match err.what {
            Unconvertible::Type(name) => {
                format!("expected None, bool, int, float, str, list or dict, got {name}")
            }
            Unconvertible::Key(key) => format!("expected str keys, got {key}"),
            Unconvertible::Int(value) => format!("int {value} does not fit i64"),
        };
        (path, what)
    })
}
