//! Point-cloud space operations (`point_cloud_*` functions of `_core`): argument unpacking for
//! `crate::spaces::point_cloud`. Functions over a `Row` rather than methods, so `row.rs` keeps one concern.

use pyo3::prelude::*;
use pyo3::types::PyTuple;

use super::errors::IntoPyResult;
use super::objects::{meta_tuple, now_secs, MetaArgs, PyObjectCell};
use super::row::PyRow;
use crate::error::LabelError;
use crate::ranges::Frame;
use crate::spaces::{rle_to_ranges, RangeOverlap};

/// Places an object on point ranges of a point cloud.
#[pyfunction]
#[pyo3(signature = (row, space_id, cell, ranges, meta, on_overlap))]
pub fn point_cloud_put(
    py: Python<'_>,
    row: &PyRow,
    space_id: &str,
    cell: &PyObjectCell,
    ranges: Vec<(Frame, Frame)>,
    meta: MetaArgs<'_>,
    on_overlap: &str,
) -> PyResult<()> {
    let update = meta.into_update()?;
    let overlap = RangeOverlap::parse(Some(on_overlap), false).py_err(py)?;
    let mut r = row.inner.lock();
    let space = r.spaces.get_mut(space_id).py_err(py)?;
    space
        .put_points(&cell.cell, &ranges, &update, overlap, now_secs())
        .py_err(py)
}

/// Removes an object from point ranges; the ranges it was removed from.
#[pyfunction]
pub fn point_cloud_remove_ranges(
    py: Python<'_>,
    row: &PyRow,
    space_id: &str,
    object_hash: &str,
    ranges: Vec<(Frame, Frame)>,
) -> PyResult<Vec<(Frame, Frame)>> {
    let mut r = row.inner.lock();
    let space = r.spaces.get_mut(space_id).py_err(py)?;
    Ok(space.remove_points(object_hash, &ranges).py_err(py)?.ranges().to_vec())
}

/// Removes an object from a point cloud; its cell (`KeyError` when the point cloud does not hold it).
#[pyfunction]
pub fn point_cloud_remove_object(
    py: Python<'_>,
    row: &PyRow,
    space_id: &str,
    object_hash: &str,
) -> PyResult<Option<PyObjectCell>> {
    let cell = row
        .inner
        .lock()
        .spaces
        .remove_point_cloud_object(space_id, object_hash)
        .py_err(py)?;
    Ok(cell.map(|cell| PyObjectCell { cell }))
}

/// The point ranges of an object on a point cloud.
#[pyfunction]
pub fn point_cloud_ranges(
    py: Python<'_>,
    row: &PyRow,
    space_id: &str,
    object_hash: &str,
) -> PyResult<Vec<(Frame, Frame)>> {
    let r = row.inner.lock();
    let space = super::spaces::space(&r, space_id).py_err(py)?;
    Ok(space.point_ranges(object_hash).py_err(py)?.ranges().to_vec())
}

/// Replaces the point ranges of an object on a point cloud.
#[pyfunction]
pub fn point_cloud_set_ranges(
    py: Python<'_>,
    row: &PyRow,
    space_id: &str,
    object_hash: &str,
    ranges: Vec<(Frame, Frame)>,
) -> PyResult<()> {
    let mut r = row.inner.lock();
    let space = r.spaces.get_mut(space_id).py_err(py)?;
    space.set_points(object_hash, &ranges).py_err(py)
}

fn not_on_space(hash: &str) -> LabelError {
    LabelError::label_row(format!(
        "Trying to use a RangeObjectAnnotation for an ObjectInstance that is not on this space (object `{hash}`)."
    ))
}

/// The instance metadata an object on a point cloud reports.
#[pyfunction]
pub fn point_cloud_meta<'py>(
    py: Python<'py>,
    row: &PyRow,
    space_id: &str,
    object_hash: &str,
) -> PyResult<Bound<'py, PyTuple>> {
    let r = row.inner.lock();
    let space = super::spaces::space(&r, space_id).py_err(py)?;
    let cell = space
        .labels
        .objects
        .get(object_hash)
        .ok_or_else(|| not_on_space(object_hash))
        .py_err(py)?;
    let o = cell.lock();
    let meta = o
        .range_meta
        .as_ref()
        .ok_or_else(|| not_on_space(object_hash))
        .py_err(py)?;
    meta_tuple(py, meta)
}

/// Sets one field of the instance metadata of an object on a point cloud.
#[pyfunction]
pub fn point_cloud_set_meta(
    py: Python<'_>,
    row: &PyRow,
    space_id: &str,
    object_hash: &str,
    name: &str,
    value: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let r = row.inner.lock();
    let space = super::spaces::space(&r, space_id).py_err(py)?;
    let cell = space
        .labels
        .objects
        .get(object_hash)
        .ok_or_else(|| not_on_space(object_hash))
        .py_err(py)?;
    let mut o = cell.lock();
    let meta = o
        .range_meta
        .as_mut()
        .ok_or_else(|| not_on_space(object_hash))
        .py_err(py)?;
    super::objects::set_meta(meta, name, value)
}

/// The point ranges a segmentation RLE string names (`LabelRowError` for a malformed string).
#[pyfunction]
pub fn rle_to_point_ranges(py: Python<'_>, rle: &str) -> PyResult<Vec<(Frame, Frame)>> {
    Ok(rle_to_ranges(rle).py_err(py)?.ranges().to_vec())
}
