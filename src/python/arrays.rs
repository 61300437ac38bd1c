//! Columns to numpy: each owned `Vec` becomes an array without a copy (`IntoPyArray`), reshaped where the
//! coordinates come in fixed-size groups.

use numpy::{IntoPyArray, PyArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::columns::Columns;

fn matrix<'py>(py: Python<'py>, data: Vec<f64>, width: usize) -> PyResult<Bound<'py, PyAny>> {
    let rows = data.len() / width;
    Ok(data.into_pyarray(py).reshape([rows, width])?.into_any())
}

/// The columns as a dict of numpy arrays (and the two hash lists).
pub fn columns_to_py(py: Python<'_>, c: Columns) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("frames", c.frames.into_pyarray(py))?;
    d.set_item("object_index", c.object_index.into_pyarray(py))?;
    d.set_item("feature_index", c.feature_index.into_pyarray(py))?;
    d.set_item("confidence", c.confidence.into_pyarray(py))?;
    d.set_item("object_hashes", c.object_hashes)?;
    d.set_item("feature_hashes", c.feature_hashes)?;
    d.set_item("boxes", matrix(py, c.boxes, 4)?)?;
    d.set_item("box_rows", c.box_rows.into_pyarray(py))?;
    d.set_item("rotatable_boxes", matrix(py, c.rotatable_boxes, 5)?)?;
    d.set_item("rotatable_box_rows", c.rotatable_box_rows.into_pyarray(py))?;
    d.set_item("points", matrix(py, c.points, 2)?)?;
    d.set_item("point_rows", c.point_rows.into_pyarray(py))?;
    d.set_item("polygon_vertices", matrix(py, c.polygon_vertices, 2)?)?;
    d.set_item("polygon_offsets", c.polygon_offsets.into_pyarray(py))?;
    d.set_item("polygon_rows", c.polygon_rows.into_pyarray(py))?;
    d.set_item("polyline_vertices", matrix(py, c.polyline_vertices, 2)?)?;
    d.set_item("polyline_offsets", c.polyline_offsets.into_pyarray(py))?;
    d.set_item("polyline_rows", c.polyline_rows.into_pyarray(py))?;
    d.set_item("range_starts", c.range_starts.into_pyarray(py))?;
    d.set_item("range_ends", c.range_ends.into_pyarray(py))?;
    d.set_item("range_rows", c.range_rows.into_pyarray(py))?;
    Ok(d)
}
