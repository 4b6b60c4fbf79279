//! `observation_layout` and `embedding_table`: the core layout as Python data
//! (learning.md 1.6, 1.9).
//!
//! The layout travels as the dict of its JSON export (`ObservationLayout::to_json`:
//! lists, floats for bounds, the fingerprint included), so `townlet.world.layout` can
//! compare it field by field.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use townlet_core::layout;

use crate::errors::IntoPyResult;

/// The layout of `variant` in action `mode` for the parameters in `params_json`
/// (`{"window", "top_friends", "top_rivals", "embed_dim", "object_categories"}`).
#[pyfunction]
fn observation_layout<'py>(
    py: Python<'py>,
    params_json: &str,
    variant: &str,
    mode: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let params = layout::LayoutParams::from_json(params_json).or_raise(py)?;
    let built = layout::observation_layout(&params, variant, mode).or_raise(py)?;
    to_py(py, &built)
}

/// The identity embedding table: `slots` rows of `embed_dim` floats in [0, 1].
#[pyfunction]
fn embedding_table(slots: usize, embed_dim: usize) -> Vec<Vec<f64>> {
    layout::embedding_table(slots, embed_dim)
}

fn to_py<'py>(py: Python<'py>, layout: &layout::ObservationLayout) -> PyResult<Bound<'py, PyAny>> {
    let dict = PyDict::new(py);
    let blocks = PyDict::new(py);
    for (name, (start, stop)) in &layout.blocks {
        blocks.set_item(name, vec![*start, *stop])?;
    }
    let categories = PyDict::new(py);
    for (name, types) in &layout.object_categories {
        categories.set_item(name, types)?;
    }
    let bounds: Vec<Vec<f64>> = layout
        .feature_bounds
        .iter()
        .map(|&(lo, hi)| vec![lo, hi])
        .collect();
    dict.set_item("action_mode", &layout.action_mode)?;
    dict.set_item("action_names", &layout.action_names)?;
    dict.set_item("blocks", blocks)?;
    dict.set_item("feature_bounds", bounds)?;
    dict.set_item("features", &layout.features)?;
    dict.set_item("fingerprint", &layout.fingerprint)?;
    dict.set_item("map_channels", &layout.map_channels)?;
    dict.set_item("map_shape", layout.map_shape.map(|shape| shape.to_vec()))?;
    dict.set_item("object_categories", categories)?;
    dict.set_item("reward_components", &layout.reward_components)?;
    dict.set_item("schema_version", layout.schema_version)?;
    dict.set_item("variant", &layout.variant)?;
    Ok(dict.into_any())
}

/// Adds this module's functions to `townlet._native`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(observation_layout, m)?)?;
    m.add_function(wrap_pyfunction!(embedding_table, m)?)?;
    Ok(())
}
