//! World events as Python dicts `{tick, seq, name, ...payload}` (docs/world-state.md 4),
//! exactly as `Event::to_state_value` describes them, built straight from the core's
//! borrowed fields with interned keys.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyList, PyString};
use townlet_core::agents::agent_id;
use townlet_core::events::{Event, Field};
use townlet_core::settings::NEED_NAMES;

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
                dict.set_item(interned(py, name), value)?;
            }
            dict.into_any()
        }
        Field::Bool(b) => pyo3::types::PyBool::new(py, b).to_owned().into_any(),
        Field::IntPair(a, b) => PyList::new(py, [a, b])?.into_any(),
        Field::Strs(items) => PyList::new(py, items.iter().map(String::as_str))?.into_any(),
        Field::AgentIds(uids) => PyList::new(py, uids.iter().map(|u| agent_id(*u)))?.into_any(),
        Field::Deltas(None) => py.None().into_bound(py),
        Field::Value(v) => crate::convert::to_py(py, v)?,
        Field::Deltas(Some(deltas)) => {
            let dict = PyDict::new(py);
            for (name, value) in ["trust", "familiarity", "rivalry"].iter().zip(deltas) {
                dict.set_item(interned(py, name), value)?;
            }
            dict.into_any()
        }
    })
}

/// `text` as an interned str: the keys, event names and need names of
/// docs/world-state.md 4 are made once per process, anything else on each call.
fn interned<'py>(py: Python<'py>, text: &str) -> Bound<'py, PyString> {
    use pyo3::intern;
    let interned = match text {
        "agent_id" => intern!(py, "agent_id"),
        "uid" => intern!(py, "uid"),
        "agent_name" => intern!(py, "agent_name"),
        "slot" => intern!(py, "slot"),
        "cause" => intern!(py, "cause"),
        "position" => intern!(py, "position"),
        "home" => intern!(py, "home"),
        "job" => intern!(py, "job"),
        "profile" => intern!(py, "profile"),
        "reason" => intern!(py, "reason"),
        "detail" => intern!(py, "detail"),
        "needs" => intern!(py, "needs"),
        "wallet" => intern!(py, "wallet"),
        "lived_ticks" => intern!(py, "lived_ticks"),
        "ticket_id" => intern!(py, "ticket_id"),
        "due_tick" => intern!(py, "due_tick"),
        "kind" => intern!(py, "kind"),
        "day" => intern!(py, "day"),
        "hunger" => intern!(py, "hunger"),
        "hygiene" => intern!(py, "hygiene"),
        "energy" => intern!(py, "energy"),
        "agent_spawned" => intern!(py, "agent_spawned"),
        "agent_terminated" => intern!(py, "agent_terminated"),
        "newcomer_scheduled" => intern!(py, "newcomer_scheduled"),
        "spawn_deferred" => intern!(py, "spawn_deferred"),
        "slot_forced_reuse" => intern!(py, "slot_forced_reuse"),
        "action_failed" => intern!(py, "action_failed"),
        "day_started" => intern!(py, "day_started"),
        other => return PyString::intern(py, other),
    };
    interned.clone()
}

fn event_to_py<'py>(py: Python<'py>, event: &Event) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item(pyo3::intern!(py, "tick"), event.tick)?;
    dict.set_item(pyo3::intern!(py, "seq"), event.seq)?;
    dict.set_item(pyo3::intern!(py, "name"), interned(py, event.name()))?;
    let mut result = Ok(());
    event.data.for_each_field(|name, value| {
        if result.is_ok() {
            result =
                field_to_py(py, value).and_then(|value| dict.set_item(interned(py, name), value));
        }
    });
    result.map(|()| dict)
}

/// A new list of `events` as dicts.
pub fn events_to_list<'py>(py: Python<'py>, events: &[Event]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for event in events {
        list.append(event_to_py(py, event)?)?;
    }
    Ok(list)
}
