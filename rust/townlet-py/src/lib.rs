//! `townlet._native`: the thin PyO3 binding over `townlet-core` (architecture.md 1, rule 2).
//!
//! This crate only converts types and releases the GIL; no simulation logic lives here.
//! `world.rs` wraps [`townlet_core::World`] as `World`, `step.rs` keeps what a step
//! produced as `StepRows` (converted when read; `events.rs` builds the event dicts),
//! `buffers.rs` checks numpy arrays, `convert.rs` turns state trees into Python objects
//! and back, `vector.rs` wraps the many-town [`townlet_core::vector::Vector`], and
//! `errors.rs` maps core errors onto the classes of `townlet.errors`.

#![warn(missing_docs)]

use pyo3::prelude::*;
use pyo3::types::PyBytes;

mod buffers;
mod convert;
mod errors;
mod events;
mod layout;
mod step;
mod vector;
mod world;

/// The canonical encoding of a state tree (architecture.md 5.3) as bytes.
#[pyfunction]
fn canonical_encode<'py>(
    py: Python<'py>,
    tree: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let value = convert::canonical_value(tree)?;
    let bytes = py.detach(|| townlet_core::canonical::canonical_encode(&value));
    Ok(PyBytes::new(py, &bytes))
}

/// The hex sha256 of the canonical encoding of a state tree.
#[pyfunction]
fn canonical_hash(py: Python<'_>, tree: &Bound<'_, PyAny>) -> PyResult<String> {
    let value = convert::canonical_value(tree)?;
    Ok(py.detach(|| townlet_core::canonical::canonical_hash(&value)))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<world::PyWorld>()?;
    m.add_class::<step::PyStepRows>()?;
    m.add_class::<vector::PyVector>()?;
    m.add_function(wrap_pyfunction!(canonical_encode, m)?)?;
    m.add_function(wrap_pyfunction!(canonical_hash, m)?)?;
    layout::register(m)?;
    Ok(())
}
