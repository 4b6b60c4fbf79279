//! `PyWorld`, exposed as `townlet._native.World`: borrow the arrays, release the GIL,
//! call the core (STYLE.md 1).

use numpy::{PyArrayDyn, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use townlet_core::actions::{ActionMode, NUM_PRIMITIVES};
use townlet_core::agents::Agent;
use townlet_core::observe::ObservationRows;
use townlet_core::{Error, World};

use crate::buffers::{checked, writable, Expected};
use crate::convert::{state_value, to_py};
use crate::errors::{to_py_err, IntoPyResult};
use crate::step::PyStepRows;

/// One town of the Rust core.
#[pyclass(name = "World", module = "townlet._native")]
pub struct PyWorld {
    inner: World,
    ids: IdCache,
}

/// The agent id strings of the current rows, rebuilt only when the uids change
/// (spawn, purge, import), so a step hands out the same Python strings every tick.
#[derive(Default)]
struct IdCache {
    uids: Vec<u32>,
    ids: Option<Py<PyTuple>>,
}

impl IdCache {
    fn get<'py>(&mut self, py: Python<'py>, agents: &[Agent]) -> PyResult<Bound<'py, PyTuple>> {
        let current = self.uids.len() == agents.len()
            && self.uids.iter().zip(agents).all(|(uid, a)| *uid == a.uid);
        if let (true, Some(ids)) = (current, &self.ids) {
            return Ok(ids.bind(py).clone());
        }
        let ids = PyTuple::new(py, agents.iter().map(|a| PyString::new(py, &a.id)))?;
        self.uids = agents.iter().map(|a| a.uid).collect();
        self.ids = Some(ids.clone().unbind());
        Ok(ids)
    }
}

/// The action ids as a `Vec`: copied while the GIL is held, so the core reads memory no
/// Python code can change during the step.
fn action_ids(actions: &Bound<'_, PyAny>) -> PyResult<Vec<i32>> {
    let expected = Expected {
        name: "actions",
        dtype: "int32",
        shape: &[None],
        min_rows: 0,
    };
    let array = match actions.cast::<PyArrayDyn<i32>>() {
        // Any 1-D int32 array, strided views included.
        Ok(array) if array.ndim() == 1 => array.clone(),
        _ => checked::<i32>(actions, &expected)?,
    };
    Ok(array
        .to_vec()
        .unwrap_or_else(|_| array.to_owned_array().iter().copied().collect()))
}

#[pymethods]
impl PyWorld {
    /// Parses the settings JSON and loads the map; `ConfigError` on bad settings or map.
    #[new]
    fn new(py: Python<'_>, settings_json: &str) -> PyResult<Self> {
        let inner = py.detach(|| World::from_json(settings_json)).or_raise(py)?;
        Ok(PyWorld {
            inner,
            ids: IdCache::default(),
        })
    }

    /// Builds the town at tick 0 from `seed` in [0, 2**64).
    fn reset(&mut self, py: Python<'_>, seed: &Bound<'_, PyAny>) -> PyResult<()> {
        let seed: u64 = seed.extract().map_err(|_| {
            to_py_err(
                py,
                Error::provider(format!(
                    "seed: expected an int in [0, 2**64), got {}",
                    seed.repr().map_or_else(|_| "?".into(), |r| r.to_string())
                )),
            )
        })?;
        py.detach(|| self.inner.reset(seed));
        Ok(())
    }

    /// The current tick.
    #[getter]
    fn tick(&self) -> i64 {
        self.inner.tick()
    }

    /// The day of the current tick.
    #[getter]
    fn day(&self) -> i64 {
        self.inner.day()
    }

    /// The minute of the day of the current tick.
    #[getter]
    fn minute(&self) -> i64 {
        self.inner.minute()
    }

    /// The number of agent rows (`len(agent_ids())`).
    #[getter]
    fn agent_count(&self) -> usize {
        self.inner.agents().len()
    }

    /// Agent ids in uid order (alive ones and those terminated in the last tick), as a
    /// new list of cached strings.
    fn agent_ids<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        Ok(self.ids.get(py, self.inner.agents())?.to_list())
    }

    /// Advances one tick; `actions` is a 1-D int32 array with one id per agent row.
    ///
    /// Returns a new dict of `tick`, `terminated`, `spawned`, `_rows` (the
    /// [`PyStepRows`] that builds the events, agent ids, needs and wages on demand) and
    /// `_command_results`: one `(cmd_id, name, ok, code, message, agent_id)` tuple per
    /// console command applied in step 3.
    fn step<'py>(
        &mut self,
        py: Python<'py>,
        actions: &Bound<'py, PyAny>,
        mode: &str,
    ) -> PyResult<Bound<'py, PyDict>> {
        let mode = ActionMode::parse(mode).or_raise(py)?;
        let ids = action_ids(actions)?;
        let inner = &mut self.inner;
        let outcome = py.detach(|| inner.step(&ids, mode)).or_raise(py)?;
        let agents = self.inner.agents();
        let terminated = PyList::empty(py);
        for (id, reason) in &outcome.terminated {
            terminated.append(PyTuple::new(py, [id, reason])?)?;
        }
        let ids = self.ids.get(py, agents)?.unbind();
        let rows = PyStepRows::new(self.inner.shared_events(), ids, agents, outcome.tick);
        let out = PyDict::new(py);
        out.set_item(pyo3::intern!(py, "tick"), outcome.tick)?;
        out.set_item(pyo3::intern!(py, "terminated"), terminated)?;
        out.set_item(
            pyo3::intern!(py, "spawned"),
            PyList::new(py, &outcome.spawned)?,
        )?;
        out.set_item(pyo3::intern!(py, "_rows"), Py::new(py, rows)?)?;
        let results = PyList::empty(py);
        for r in &outcome.command_results {
            let row = (&r.cmd_id, &r.name, r.ok, r.code, &r.message, &r.agent_id);
            results.append(row.into_pyobject(py)?)?;
        }
        out.set_item(pyo3::intern!(py, "_command_results"), results)?;
        Ok(out)
    }

    /// Queues a console command given as JSON text; the next step applies it.
    fn apply_command(&mut self, json: &str) {
        self.inner.apply_command(json);
    }

    /// Writes every buffer in place (learning.md 1.8): `action_mask` int8 (R, A),
    /// `features` float32 (R, F), `map` float32 (R, C, W, W) with C = 18 (full) or 6
    /// (hybrid) or None (compact), `alive` bool (R,), `uid` int64 (R,), `ctx_reset` bool
    /// (R,); R >= number of agents. The GIL is released while the core writes.
    #[allow(clippy::too_many_arguments)]
    fn observe(
        &self,
        py: Python<'_>,
        action_mask: &Bound<'_, PyAny>,
        features: &Bound<'_, PyAny>,
        map: &Bound<'_, PyAny>,
        alive: &Bound<'_, PyAny>,
        uid: &Bound<'_, PyAny>,
        ctx_reset: &Bound<'_, PyAny>,
        mode: &str,
    ) -> PyResult<()> {
        let mode = ActionMode::parse(mode).or_raise(py)?;
        let n = self.inner.agents().len();
        let columns = if mode == ActionMode::Primitive {
            NUM_PRIMITIVES
        } else {
            mode.action_count()
        };
        let mask_shape = [None, Some(columns)];
        let mask = checked::<i8>(
            action_mask,
            &Expected {
                name: "action_mask",
                dtype: "int8",
                shape: &mask_shape,
                min_rows: n,
            },
        )?;
        let rows = mask.shape().first().copied().unwrap_or(0);
        let row_shape = [Some(rows)];
        let obs = self.inner.obs_context();
        let features = checked::<f32>(
            features,
            &Expected {
                name: "features",
                dtype: "float32",
                shape: &[Some(rows), Some(obs.features)],
                min_rows: rows,
            },
        )?;
        let map = if map.is_none() {
            None
        } else {
            let w = obs.settings.layout.window;
            let c = map
                .cast::<PyUntypedArray>()
                .ok()
                .and_then(|a| a.shape().get(1).copied())
                .filter(|&c| c == 18)
                .unwrap_or(6);
            Some(checked::<f32>(
                map,
                &Expected {
                    name: "map",
                    dtype: "float32",
                    shape: &[Some(rows), Some(c), Some(w), Some(w)],
                    min_rows: rows,
                },
            )?)
        };
        let alive = checked::<bool>(
            alive,
            &Expected {
                name: "alive",
                dtype: "bool",
                shape: &row_shape,
                min_rows: rows,
            },
        )?;
        let uid = checked::<i64>(
            uid,
            &Expected {
                name: "uid",
                dtype: "int64",
                shape: &row_shape,
                min_rows: rows,
            },
        )?;
        let ctx = checked::<bool>(
            ctx_reset,
            &Expected {
                name: "ctx_reset",
                dtype: "bool",
                shape: &row_shape,
                min_rows: rows,
            },
        )?;
        let mut mask = writable(&mask, "action_mask")?;
        let mut alive = writable(&alive, "alive")?;
        let mut uid = writable(&uid, "uid")?;
        let mut ctx = writable(&ctx, "ctx_reset")?;
        let mut features = writable(&features, "features")?;
        let mut map = match &map {
            Some(map) => Some(writable(map, "map")?),
            None => None,
        };
        let slice_err = |name: &str| {
            to_py_err(
                py,
                Error::provider(format!("{name}: expected a C-contiguous array")),
            )
        };
        let rows = ObservationRows {
            action_mask: mask.as_slice_mut().map_err(|_| slice_err("action_mask"))?,
            alive: alive.as_slice_mut().map_err(|_| slice_err("alive"))?,
            uid: uid.as_slice_mut().map_err(|_| slice_err("uid"))?,
            ctx_reset: ctx.as_slice_mut().map_err(|_| slice_err("ctx_reset"))?,
            columns,
            features: features.as_slice_mut().map_err(|_| slice_err("features"))?,
            map: match map.as_mut() {
                Some(map) => Some(map.as_slice_mut().map_err(|_| slice_err("map"))?),
                None => None,
            },
        };
        let inner = &self.inner;
        py.detach(|| inner.observe(rows, mode)).or_raise(py)
    }

    /// The manifest tables by name (items, affordances, offered, item_use, vendor).
    fn manifest_tables<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.manifest_tables())
    }

    /// The canonical state tree (docs/world-state.md 3).
    fn export_state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.export_state())
    }

    /// Replaces the state by `state`; `SnapshotError` (nothing changed) when refused.
    fn import_state(&mut self, py: Python<'_>, state: &Bound<'_, PyAny>) -> PyResult<()> {
        let tree = state_value(state)
            .map_err(|(path, what)| to_py_err(py, Error::snapshot(path, what)))?;
        let inner = &mut self.inner;
        py.detach(|| inner.import_state(&tree)).or_raise(py)
    }

    /// Hex sha256 of the canonical encoding of `export_state()`.
    fn state_hash(&self, py: Python<'_>) -> String {
        let inner = &self.inner;
        py.detach(|| inner.state_hash())
    }

    /// A read-only picture: clock, tile rows, agents, objects, last tick's events.
    fn view<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.view())
    }

    fn __repr__(&self) -> String {
        format!(
            "<townlet._native.World tick={} agents={}>",
            self.inner.tick(),
            self.inner.agents().len()
        )
    }
}
