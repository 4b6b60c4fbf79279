//! `PyEventBatch`, exposed as `townlet._native.EventBatch`: one tick's events, turned
//! into Python dicts only when someone reads them.
//!
//! A step hands the batch the core's finished events as a shared `Arc` (no copy), so a
//! tick whose events nobody reads builds no Python object for them. `to_list` builds the
//! dicts of docs/world-state.md 4, `{tick, seq, name, ...payload}`, exactly as
//! `Event::to_state_value` describes them.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyList, PyString};
use townlet_core::agents::agent_id;
use townlet_core::events::{Event, Field};
use townlet_core::settings::NEED_NAMES;

/// The events of one tick, in emission order.
#[pyclass(name = "EventBatch", module = "townlet._native", frozen)]
pub struct PyEventBatch {
    events: Arc<Vec<Event>>,
}

impl PyEventBatch {
    /// A batch over the core's shared events.
    pub fn new(events: Arc<Vec<Event>>) -> Self {
        PyEventBatch { events }
    }
}

fn field_to_py<'py>(py: Python<'py>, value: Field<'_>) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Field::Null => py.None().into_bound(py),
        Field::Int(i) => i.into_pyobject(py)?.into_any(),
        Field::Float(x) => PyFloat::new(py, x).into_any(),
        Field::Str(s) => PyString::new(py, s).into_any(),
        Field::AgentId(uid) => PyString::new(py, &agent_id(uid)).into_any(),
        Field::Position(x, y) => PyList::new(py, [x, y])?.into_any(),
        Field::Needs(needs) => {
            let dict = PyDict::new(py);
            for (name, value) in NEED_NAMES.iter().zip(needs) {
                dict.set_item(PyString::intern(py, name), value)?;
            }
            dict.into_any()
        }
    })
}

fn event_to_py<'py>(py: Python<'py>, event: &Event) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item(pyo3::intern!(py, "tick"), event.tick)?;
    dict.set_item(pyo3::intern!(py, "seq"), event.seq)?;
    dict.set_item(
        pyo3::intern!(py, "name"),
        PyString::intern(py, event.name()),
    )?;
    let mut result = Ok(());
    event.data.for_each_field(|key, value| {
        if result.is_ok() {
            result = field_to_py(py, value)
                .and_then(|value| dict.set_item(PyString::intern(py, key), value));
        }
    });
    result.map(|()| dict)
}

#[pymethods]
impl PyEventBatch {
    /// A new list of the events as dicts `{tick, seq, name, ...payload}`.
    fn to_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for event in self.events.iter() {
            list.append(event_to_py(py, event)?)?;
        }
        Ok(list)
    }

    fn __len__(&self) -> usize {
        self.events.len()
    }

    fn __repr__(&self) -> String {
        format!("<townlet._native.EventBatch events={}>", self.events.len())
    }
}
