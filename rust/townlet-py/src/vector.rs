//! `PyVector`, exposed as `townlet._native.Vector`: many towns in one call
//! (learning.md 4.4). The arrays are checked once in `bind` and kept; `reset` and
//! `step` borrow them, release the GIL and let the core write every town's rows.

use numpy::{Element, PyArrayDyn, PyArrayMethods, PyReadwriteArrayDyn};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyDictMethods, PyList};
use townlet_core::actions::ActionMode;
use townlet_core::vector::{RowShape, Vector, VectorRows, VectorSpec};
use townlet_core::{Error, World};

use crate::buffers::{checked, writable, Expected};
use crate::convert::to_py;
use crate::errors::{to_py_err, IntoPyResult};
use crate::events::events_to_list;

type Array<T> = Py<PyArrayDyn<T>>;

/// The bound buffers (see `bind` for names and shapes).
struct Buffers {
    actions: Array<i32>,
    map: Option<Array<f32>>,
    features: Array<f32>,
    action_mask: Array<i8>,
    ctx_reset: Array<bool>,
    alive: Array<bool>,
    uid: Array<i64>,
    final_map: Option<Array<f32>>,
    final_features: Array<f32>,
    terminated: Array<bool>,
    truncated: Array<bool>,
    needs_before: Array<f64>,
    needs_after: Array<f64>,
    wages: Array<f64>,
    hunger_low_ticks: Array<i32>,
    exit_pending: Array<bool>,
    shift_start: Array<i8>,
    shift_absent: Array<bool>,
    terminal: Array<i8>,
    spawned: Array<bool>,
    town_reset: Array<bool>,
}

/// Many towns of the Rust core, stepped together.
#[pyclass(name = "Vector", module = "townlet._native")]
pub struct PyVector {
    inner: Vector,
    buffers: Option<Buffers>,
    actions: Vec<i32>,
}

fn provider(py: Python<'_>, message: String) -> PyErr {
    to_py_err(py, Error::provider(message))
}

/// Takes `name` from `buffers` and checks it against `shape` (rows first).
fn take<T: Element>(
    buffers: &Bound<'_, PyDict>,
    name: &str,
    dtype: &str,
    shape: &[Option<usize>],
) -> PyResult<Array<T>> {
    let obj = buffers
        .get_item(name)?
        .ok_or_else(|| provider(buffers.py(), format!("{name}: buffer missing")))?;
    let expected = Expected {
        name,
        dtype,
        shape,
        min_rows: shape.first().copied().flatten().unwrap_or(0),
    };
    let array = checked::<T>(&obj, &expected)?;
    drop(writable(&array, name)?);
    Ok(array.unbind())
}

fn take_map(
    buffers: &Bound<'_, PyDict>,
    name: &str,
    shape: &RowShape,
    channels: usize,
    window: usize,
) -> PyResult<Option<Array<f32>>> {
    let given = buffers.get_item(name)?.filter(|m| !m.is_none());
    match (given, channels) {
        (None, 0) => Ok(None),
        (Some(_), 0) => Err(provider(
            buffers.py(),
            format!("{name}: the compact variant has no map, got an array"),
        )),
        (None, _) => Err(provider(buffers.py(), format!("{name}: buffer missing"))),
        (Some(_), c) => Ok(Some(take::<f32>(
            buffers,
            name,
            "float32",
            &[Some(shape.rows()), Some(c), Some(window), Some(window)],
        )?)),
    }
}

macro_rules! borrow {
    ($py:expr, $array:expr, $name:literal) => {
        writable($array.bind($py), $name)?
    };
}

fn slice<'a, T: Element>(
    py: Python<'_>,
    array: &'a mut PyReadwriteArrayDyn<'_, T>,
    name: &str,
) -> PyResult<&'a mut [T]> {
    array
        .as_slice_mut()
        .map_err(|_| provider(py, format!("{name}: expected a C-contiguous array")))
}

#[pymethods]
impl PyVector {
    /// `towns` copies of the town of `settings_json`, `seats` seats each; `mode`
    /// `option`/`primitive`; `channels` 18/6/0 (full/hybrid/compact); `threads` 0 =
    /// one per core. `ConfigError` for bad settings, `ProviderError` for bad sizes.
    #[new]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        settings_json: &str,
        towns: usize,
        seats: usize,
        max_ticks: i64,
        mode: &str,
        channels: usize,
        threads: usize,
    ) -> PyResult<Self> {
        let mode = ActionMode::parse(mode).or_raise(py)?;
        let spec = VectorSpec {
            towns,
            seats,
            max_ticks,
            mode,
            channels,
            threads,
        };
        let inner = py
            .detach(|| World::from_json(settings_json).and_then(|w| Vector::new(&w, spec)))
            .or_raise(py)?;
        Ok(PyVector {
            inner,
            buffers: None,
            actions: vec![0; towns * seats],
        })
    }

    /// `(towns, seats, features, columns, map values per row)`.
    #[getter]
    fn shape(&self) -> (usize, usize, usize, usize, usize) {
        let s = self.inner.shape();
        (s.towns, s.seats, s.features, s.columns, s.map)
    }

    /// Checks and keeps the buffers of a dict, once: `actions` int32 (N,); `map`,
    /// `final_map` float32 (N, C, W, W) or None (compact); `features`,
    /// `final_features` float32 (N, F); `action_mask` int8 (N, A); `ctx_reset`,
    /// `alive`, `terminated`, `truncated`, `exit_pending`, `shift_absent`, `spawned`
    /// bool (N,); `uid` int64 (N,); `needs_before`, `needs_after` float64 (N, 3);
    /// `wages` float64 (N,); `hunger_low_ticks` int32 (N,); `shift_start`, `terminal`
    /// int8 (N,); `town_reset` bool (T,). `ProviderError` names the first bad one.
    fn bind(&mut self, buffers: &Bound<'_, PyDict>) -> PyResult<()> {
        let shape = self.inner.shape();
        let spec = self.inner.spec();
        let n = Some(shape.rows());
        let window = shape
            .map
            .checked_div(spec.channels)
            .map_or(0, |area| (area as f64).sqrt().round() as usize);
        let row = [n];
        let bound = Buffers {
            actions: take(buffers, "actions", "int32", &row)?,
            map: take_map(buffers, "map", &shape, spec.channels, window)?,
            features: take(buffers, "features", "float32", &[n, Some(shape.features)])?,
            action_mask: take(buffers, "action_mask", "int8", &[n, Some(shape.columns)])?,
            ctx_reset: take(buffers, "ctx_reset", "bool", &row)?,
            alive: take(buffers, "alive", "bool", &row)?,
            uid: take(buffers, "uid", "int64", &row)?,
            final_map: take_map(buffers, "final_map", &shape, spec.channels, window)?,
            final_features: take(
                buffers,
                "final_features",
                "float32",
                &[n, Some(shape.features)],
            )?,
            terminated: take(buffers, "terminated", "bool", &row)?,
            truncated: take(buffers, "truncated", "bool", &row)?,
            needs_before: take(buffers, "needs_before", "float64", &[n, Some(3)])?,
            needs_after: take(buffers, "needs_after", "float64", &[n, Some(3)])?,
            wages: take(buffers, "wages", "float64", &row)?,
            hunger_low_ticks: take(buffers, "hunger_low_ticks", "int32", &row)?,
            exit_pending: take(buffers, "exit_pending", "bool", &row)?,
            shift_start: take(buffers, "shift_start", "int8", &row)?,
            shift_absent: take(buffers, "shift_absent", "bool", &row)?,
            terminal: take(buffers, "terminal", "int8", &row)?,
            spawned: take(buffers, "spawned", "bool", &row)?,
            town_reset: take(buffers, "town_reset", "bool", &[Some(shape.towns)])?,
        };
        self.buffers = Some(bound);
        Ok(())
    }

    /// Builds every town from `seed` (town i's streams from `seed XOR
    /// fnv1a64("town:<i>")`) and writes the first observations.
    fn reset(&mut self, py: Python<'_>, seed: &Bound<'_, PyAny>) -> PyResult<()> {
        let seed: u64 = seed
            .extract()
            .map_err(|_| provider(py, "seed: expected an int in [0, 2**64)".to_string()))?;
        self.run(py, |vector, _actions, rows| vector.reset(seed, rows))
    }

    /// One step of every town with the `actions` buffer; `keep_events` keeps each
    /// town's events for `events(i)`.
    fn step(&mut self, py: Python<'_>, keep_events: bool) -> PyResult<()> {
        {
            let b = self.bound(py)?;
            let actions = b.actions.bind(py).readonly();
            let src = actions
                .as_slice()
                .map_err(|_| provider(py, "actions: expected a C-contiguous array".into()))?;
            self.actions.copy_from_slice(src);
        }
        self.run(py, |vector, actions, rows| {
            vector.step(actions, keep_events, rows)
        })
    }

    /// A new list of town `index`'s events of the last step (empty unless that step
    /// kept them), as dicts `{tick, seq, name, ...payload}`.
    fn events<'py>(&self, py: Python<'py>, index: usize) -> PyResult<Bound<'py, PyList>> {
        events_to_list(py, self.inner.events(index).unwrap_or(&[]))
    }

    /// Each town's current tick.
    fn ticks(&self) -> Vec<i64> {
        self.inner
            .towns()
            .iter()
            .map(|t| t.world().tick())
            .collect()
    }

    /// Town `index`'s canonical state tree (docs/world-state.md 3).
    fn export_state<'py>(&self, py: Python<'py>, index: usize) -> PyResult<Bound<'py, PyAny>> {
        let town = self
            .inner
            .towns()
            .get(index)
            .ok_or_else(|| provider(py, format!("town {index}: no such town")))?;
        to_py(py, &town.world().export_state())
    }

    /// Hex sha256 of town `index`'s state tree.
    fn state_hash(&self, py: Python<'_>, index: usize) -> PyResult<String> {
        let town = self
            .inner
            .towns()
            .get(index)
            .ok_or_else(|| provider(py, format!("town {index}: no such town")))?;
        let world = town.world();
        Ok(py.detach(|| world.state_hash()))
    }

    fn __repr__(&self) -> String {
        let s = self.inner.shape();
        format!(
            "<townlet._native.Vector towns={} seats={}>",
            s.towns, s.seats
        )
    }
}

impl PyVector {
    fn bound(&self, py: Python<'_>) -> PyResult<&Buffers> {
        self.buffers
            .as_ref()
            .ok_or_else(|| provider(py, "vector buffers: call bind(buffers) first".into()))
    }

    /// Borrows every buffer, releases the GIL and runs `work`.
    fn run<F>(&mut self, py: Python<'_>, work: F) -> PyResult<()>
    where
        F: FnOnce(&mut Vector, &[i32], VectorRows<'_>) -> Result<(), Error> + Send,
    {
        let b = self
            .buffers
            .as_ref()
            .ok_or_else(|| provider(py, "vector buffers: call bind(buffers) first".into()))?;
        let mut map = match &b.map {
            Some(m) => Some(writable(m.bind(py), "map")?),
            None => None,
        };
        let mut final_map = match &b.final_map {
            Some(m) => Some(writable(m.bind(py), "final_map")?),
            None => None,
        };
        let mut features = borrow!(py, b.features, "features");
        let mut action_mask = borrow!(py, b.action_mask, "action_mask");
        let mut ctx_reset = borrow!(py, b.ctx_reset, "ctx_reset");
        let mut alive = borrow!(py, b.alive, "alive");
        let mut uid = borrow!(py, b.uid, "uid");
        let mut final_features = borrow!(py, b.final_features, "final_features");
        let mut terminated = borrow!(py, b.terminated, "terminated");
        let mut truncated = borrow!(py, b.truncated, "truncated");
        let mut needs_before = borrow!(py, b.needs_before, "needs_before");
        let mut needs_after = borrow!(py, b.needs_after, "needs_after");
        let mut wages = borrow!(py, b.wages, "wages");
        let mut hunger_low_ticks = borrow!(py, b.hunger_low_ticks, "hunger_low_ticks");
        let mut exit_pending = borrow!(py, b.exit_pending, "exit_pending");
        let mut shift_start = borrow!(py, b.shift_start, "shift_start");
        let mut shift_absent = borrow!(py, b.shift_absent, "shift_absent");
        let mut terminal = borrow!(py, b.terminal, "terminal");
        let mut spawned = borrow!(py, b.spawned, "spawned");
        let mut town_reset = borrow!(py, b.town_reset, "town_reset");
        let rows = VectorRows {
            map: match map.as_mut() {
                Some(m) => Some(slice(py, m, "map")?),
                None => None,
            },
            features: slice(py, &mut features, "features")?,
            action_mask: slice(py, &mut action_mask, "action_mask")?,
            ctx_reset: slice(py, &mut ctx_reset, "ctx_reset")?,
            alive: slice(py, &mut alive, "alive")?,
            uid: slice(py, &mut uid, "uid")?,
            final_map: match final_map.as_mut() {
                Some(m) => Some(slice(py, m, "final_map")?),
                None => None,
            },
            final_features: slice(py, &mut final_features, "final_features")?,
            terminated: slice(py, &mut terminated, "terminated")?,
            truncated: slice(py, &mut truncated, "truncated")?,
            needs_before: slice(py, &mut needs_before, "needs_before")?,
            needs_after: slice(py, &mut needs_after, "needs_after")?,
            wages: slice(py, &mut wages, "wages")?,
            hunger_low_ticks: slice(py, &mut hunger_low_ticks, "hunger_low_ticks")?,
            exit_pending: slice(py, &mut exit_pending, "exit_pending")?,
            shift_start: slice(py, &mut shift_start, "shift_start")?,
            shift_absent: slice(py, &mut shift_absent, "shift_absent")?,
            terminal: slice(py, &mut terminal, "terminal")?,
            spawned: slice(py, &mut spawned, "spawned")?,
            town_reset: slice(py, &mut town_reset, "town_reset")?,
        };
        let inner = &mut self.inner;
        let actions = &self.actions;
        py.detach(|| work(inner, actions, rows)).or_raise(py)
    }
}
