//! `PyStepRows`, exposed as `townlet._native.StepRows`: what one step produced, kept in
//! Rust and converted to Python objects only when read.
//!
//! A step hands it the core's finished events as a shared `Arc` (no copy), the cached
//! tuple of agent id strings and a copy of the per-row outcome (needs, wage, flags). The
//! adapter's `StepResult` converts the events, or all the rows at once, on the first
//! read of one of them, so a tick whose outputs nobody reads builds no dicts, lists or
//! arrays for them.

use std::sync::Arc;

use numpy::ndarray::ArrayView2;
use numpy::{PyArray1, PyArray2};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple, PyTupleMethods};
use townlet_core::agents::Agent;
use townlet_core::events::Event;
use townlet_core::Error;

use crate::errors::to_py_err;
use crate::events::events_to_list;

/// The rows and events of one step.
#[pyclass(name = "StepRows", module = "townlet._native", frozen)]
pub struct PyStepRows {
    events: Arc<Vec<Event>>,
    agent_ids: Py<PyTuple>,
    /// `needs_before` rows, then `needs_after` rows: 3 floats per agent each.
    needs: Vec<f64>,
    /// The wage credited this tick per row.
    wages: Vec<f64>,
    /// `hunger_low_ticks` per row.
    hunger_low: Vec<i32>,
    /// Per row: `exit_pending`, `shift_start`, `shift_absent`, `terminal`, `spawned`.
    marks: Vec<[u8; FLAGS]>,
}

/// Byte flags per row (see [`PyStepRows`]'s `marks`).
const FLAGS: usize = 5;

impl PyStepRows {
    /// The outcome rows of `agents` after a step, with that step's `events`.
    pub fn new(
        events: Arc<Vec<Event>>,
        agent_ids: Py<PyTuple>,
        agents: &[Agent],
        tick: i64,
    ) -> Self {
        let mut needs = Vec::with_capacity(agents.len() * 6);
        needs.extend(agents.iter().flat_map(|a| a.needs_before));
        needs.extend(agents.iter().flat_map(|a| a.needs));
        PyStepRows {
            events,
            agent_ids,
            needs,
            wages: agents.iter().map(|a| a.wage_paid).collect(),
            hunger_low: agents
                .iter()
                .map(|a| i32::try_from(a.hunger_low_ticks).unwrap_or(i32::MAX))
                .collect(),
            marks: agents
                .iter()
                .map(|a| {
                    [
                        u8::from(a.exit_pending),
                        a.shift_start_mark,
                        u8::from(a.shift_absent_mark),
                        a.term_mark,
                        u8::from(a.spawned_tick == tick),
                    ]
                })
                .collect(),
        }
    }

    /// Column `k` of the byte flags as a new `(N,)` bool array.
    fn flag_bool<'py>(&self, py: Python<'py>, k: usize) -> Bound<'py, PyAny> {
        let column: Vec<bool> = self.marks.iter().map(|m| m[k] != 0).collect();
        PyArray1::from_vec(py, column).into_any()
    }

    /// Column `k` of the byte flags as a new `(N,)` int8 array.
    fn flag_i8<'py>(&self, py: Python<'py>, k: usize) -> Bound<'py, PyAny> {
        let column: Vec<i8> = self
            .marks
            .iter()
            .map(|m| i8::try_from(m[k]).unwrap_or(i8::MAX))
            .collect();
        PyArray1::from_vec(py, column).into_any()
    }

    fn needs_rows<'py>(&self, py: Python<'py>, half: usize) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let n = self.needs.len() / 6;
        let rows = self
            .needs
            .get(half * 3 * n..(half + 1) * 3 * n)
            .unwrap_or(&[]);
        let view = ArrayView2::from_shape((n, 3), rows)
            .map_err(|e| to_py_err(py, Error::provider(format!("needs rows: {e}"))))?;
        Ok(PyArray2::from_array(py, &view))
    }
}

#[pymethods]
impl PyStepRows {
    /// A new list of the step's events as dicts `{tick, seq, name, ...payload}`.
    fn events<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        events_to_list(py, &self.events)
    }

    /// New objects for the row fields, in one call: `(agent_ids, needs_before,
    /// needs_after, wages, flags)` with the ids as a list, the needs as `(N, 3)`
    /// float64 arrays (start and end of the tick), the wages credited this tick as
    /// `(N,)` float64 and `flags` as the tuple `(hunger_low_ticks int32, exit_pending
    /// bool, shift_start int8, shift_absent bool, terminal int8, spawned bool)`.
    #[allow(clippy::type_complexity)]
    fn rows<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(
        Bound<'py, PyList>,
        Bound<'py, PyArray2<f64>>,
        Bound<'py, PyArray2<f64>>,
        Bound<'py, PyArray1<f64>>,
        Bound<'py, PyTuple>,
    )> {
        let flags = PyTuple::new(
            py,
            [
                PyArray1::from_slice(py, &self.hunger_low).into_any(),
                self.flag_bool(py, 0),
                self.flag_i8(py, 1),
                self.flag_bool(py, 2),
                self.flag_i8(py, 3),
                self.flag_bool(py, 4),
            ],
        )?;
        Ok((
            self.agent_ids.bind(py).to_list(),
            self.needs_rows(py, 0)?,
            self.needs_rows(py, 1)?,
            PyArray1::from_slice(py, &self.wages),
            flags,
        ))
    }

    fn __len__(&self) -> usize {
        self.needs.len() / 6
    }

    fn __repr__(&self) -> String {
        format!(
            "<townlet._native.StepRows rows={} events={}>",
            self.needs.len() / 6,
            self.events.len()
        )
    }
}
