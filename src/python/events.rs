//! Event-based rows (`event_*` functions of `_core`): reads of an object's events and the three event writes,
//! unpacked for `crate::events` and `crate::event_edits`. Functions rather than methods, so `objects.rs` and
//! `row.rs` keep one concern each.

use pyo3::prelude::*;

use super::errors::IntoPyResult;
use super::objects::{geometry_arg, now_secs, MetaArgs, PyObjectCell};
use super::row::PyRow;
use crate::event_edits;
use crate::events::{self, EventKind, Interpolated};
use crate::ranges::Frame;

/// Whether the row is event-based (a continuous scene).
#[pyfunction]
pub fn event_based(row: &PyRow) -> bool {
    row.inner.lock().header.is_event_based()
}

/// The object's stored events, frame ascending: `(frame, kind, interpolate, tag)` (`interpolate` as stored or
/// None; `tag` the stored `event`, None for an untagged entry).
#[pyfunction]
pub fn event_list(cell: &PyObjectCell) -> Vec<(Frame, &'static str, Option<String>, Option<&'static str>)> {
    let o = cell.cell.lock();
    o.frames
        .iter()
        .map(|(f, a)| {
            (
                *f,
                events::kind_of(a).as_str(),
                a.interpolate.as_deref().map(str::to_owned),
                a.event.and_then(EventKind::tag),
            )
        })
        .collect()
}

/// The closed ranges the object is present over (a `LabelRowError` when its events end on an upsert).
#[pyfunction]
pub fn event_ranges(py: Python<'_>, cell: &PyObjectCell) -> PyResult<Vec<(Frame, Frame)>> {
    events::ranges(&cell.cell.lock().frames).py_err(py)
}

/// Whether every dynamic answer sits inside the ranges the object is present over.
#[pyfunction]
pub fn event_answers_within(py: Python<'_>, cell: &PyObjectCell) -> PyResult<bool> {
    events::answers_within(&cell.cell.lock()).py_err(py)
}

/// Whether the object is present anywhere in `ranges`.
#[pyfunction]
pub fn event_intersects(py: Python<'_>, cell: &PyObjectCell, ranges: Vec<(Frame, Frame)>) -> PyResult<bool> {
    let present = events::ranges(&cell.cell.lock().frames).py_err(py)?;
    Ok(ranges
        .iter()
        .any(|&(s, e)| present.iter().any(|&(ps, pe)| ps <= e && s <= pe)))
}

/// The frame of the upsert holding over `frame`, or None where the object does not exist.
#[pyfunction]
pub fn event_resolve(cell: &PyObjectCell, frame: Frame) -> Option<Frame> {
    events::resolve_at(&cell.cell.lock().frames, frame)
}

/// What in the object's entries only an event-based row can hold, in one pass: `"event"` (an `event` tag),
/// `"interpolate"` (a mode other than `hold`), or None. Only objects that ever held events are scanned.
#[pyfunction]
pub fn event_marks(cell: &PyObjectCell) -> Option<&'static str> {
    let o = cell.cell.lock();
    if !o.had_events {
        return None;
    }
    let mut interpolates = false;
    for a in o.frames.values() {
        if a.event.and_then(EventKind::tag).is_some() {
            return Some("event");
        }
        interpolates |= a.interpolate.as_deref().is_some_and(|m| m != "hold");
    }
    interpolates.then_some("interpolate")
}

/// The coordinates the upsert at `keyframe` shows at `frame` on its way to the next upsert, or None where it
/// holds: `("point", (x, y))`, `("point3d", (x, y, z))` or `("cuboid", (position, orientation, size))`.
#[pyfunction]
pub fn event_interpolated<'py>(
    py: Python<'py>,
    cell: &PyObjectCell,
    keyframe: Frame,
    frame: Frame,
) -> PyResult<Option<(&'static str, Bound<'py, PyAny>)>> {
    let got = events::interpolated_at(&cell.cell.lock().frames, keyframe, frame);
    Ok(match got {
        None => None,
        Some(Interpolated::Point2D(p)) => Some(("point", (p[0], p[1]).into_pyobject(py)?.into_any())),
        Some(Interpolated::Point3D(p)) => Some(("point3d", (p[0], p[1], p[2]).into_pyobject(py)?.into_any())),
        Some(Interpolated::Cuboid {
            position: p,
            orientation: o,
            size: s,
        }) => {
            let t = ((p[0], p[1], p[2]), (o[0], o[1], o[2]), (s[0], s[1], s[2]));
            Some(("cuboid", t.into_pyobject(py)?.into_any()))
        }
    })
}

/// `ObjectInstance.upsert_event` on an object of this row; returns the object's row order.
#[pyfunction]
#[pyo3(signature = (row, cell, frame, geometry, meta, interpolation, overwrite))]
#[allow(clippy::too_many_arguments)] // the arguments of `ObjectInstance.upsert_event`, unpacked
pub fn event_upsert(
    py: Python<'_>,
    row: &PyRow,
    cell: &PyObjectCell,
    frame: Frame,
    geometry: &Bound<'_, PyAny>,
    meta: MetaArgs<'_>,
    interpolation: Option<&str>,
    overwrite: bool,
) -> PyResult<u64> {
    let g = geometry_arg(geometry)?;
    let update = meta.into_update()?;
    let mut r = row.inner.lock();
    event_edits::upsert(
        &mut r,
        &cell.cell,
        frame,
        g,
        &update,
        interpolation,
        overwrite,
        now_secs(),
    )
    .py_err(py)
}

/// `ObjectInstance.delete_event` on an object of this row.
#[pyfunction]
pub fn event_delete(py: Python<'_>, row: &PyRow, cell: &PyObjectCell, frame: Frame) -> PyResult<()> {
    event_edits::delete(&mut row.inner.lock(), &cell.cell, frame, now_secs()).py_err(py)
}

/// `ObjectInstance.remove_event` on an object of this row.
#[pyfunction]
pub fn event_remove(py: Python<'_>, row: &PyRow, cell: &PyObjectCell, frame: Frame) -> PyResult<()> {
    event_edits::remove(&mut row.inner.lock(), &cell.cell, frame).py_err(py)
}

/// Whether the row is a self-contained (MCAP) scene whose spaces are taken on trust.
#[pyfunction]
pub fn mcap_trust(row: &PyRow) -> bool {
    row.inner.lock().header.mcap_trust
}

/// The spaces an MCAP scene took on trust, in order: `(id, metadata)` with the metadata as a space's entry of
/// the row metadata would give it.
#[pyfunction]
pub fn mcap_spaces(py: Python<'_>, row: &PyRow) -> PyResult<Vec<(String, Py<PyAny>)>> {
    let r = row.inner.lock();
    r.spaces
        .synthetic()
        .map(|s| {
            Ok((
                s.def.id.clone(),
                super::convert::to_py(py, &mcap_info(&s.def))?.unbind(),
            ))
        })
        .collect()
}

fn mcap_info(def: &crate::spaces::SpaceDef) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    m.insert("space_type".into(), def.kind.as_str().into());
    for (k, v) in &def.before_labels {
        m.insert((*k).into(), v.clone());
    }
    serde_json::Value::Object(m)
}

/// Takes a space of an MCAP scene on trust from a caller's id (`get_space`): a `stream@timestamp_ns` point
/// cloud or a time-series channel. Returns its metadata, or None where the id cannot name one.
#[pyfunction]
pub fn mcap_add_space(py: Python<'_>, row: &PyRow, id: &str, space_type: &str) -> PyResult<Option<Py<PyAny>>> {
    let def = match space_type {
        "point_cloud" => crate::spaces::SpaceDef::mcap_point_cloud(id),
        "time_series" => crate::spaces::SpaceDef::mcap_time_series(id),
        _ => None,
    };
    let Some(def) = def else {
        return Ok(None);
    };
    let info = mcap_info(&def);
    let mut r = row.inner.lock();
    if !r.header.mcap_trust {
        return Ok(None);
    }
    r.spaces.add_synthetic(def);
    Ok(Some(super::convert::to_py(py, &info)?.unbind()))
}
