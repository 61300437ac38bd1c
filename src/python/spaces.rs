//! Space operations of `Row` (`Row.space_*`): argument unpacking for `crate::spaces`.

use pyo3::prelude::*;
use pyo3::types::PyTuple;

use super::classifications::PyClassificationCell;
use super::convert::to_py;
use super::errors::IntoPyResult;
use super::objects::{meta_tuple, PyObjectCell};
use crate::error::LabelError;
use crate::ranges::Frame;
use crate::row::RowStore;
use crate::spaces::{Overlap, Space};

pub fn overlap_arg(on_overlap: Option<&str>) -> crate::error::Result<Overlap> {
    match on_overlap {
        None => Ok(Overlap::Keep),
        Some("error") => Ok(Overlap::Error),
        Some("replace") => Ok(Overlap::Replace),
        Some(other) => Err(LabelError::value(format!(
            "on_overlap must be 'error' or 'replace', got '{other}'"
        ))),
    }
}

pub fn space<'r>(row: &'r RowStore, id: &str) -> crate::error::Result<&'r Space> {
    row.spaces
        .get(id)
        .ok_or_else(|| LabelError::label_row(format!("Could not find space with given id '{id}'.")))
}

pub fn objects(row: &RowStore, id: &str) -> crate::error::Result<Vec<PyObjectCell>> {
    Ok(space(row, id)?
        .labels
        .objects
        .values()
        .map(|c| PyObjectCell { cell: c.clone() })
        .collect())
}

pub fn classifications(row: &RowStore, id: &str) -> crate::error::Result<Vec<PyClassificationCell>> {
    Ok(space(row, id)?
        .labels
        .classifications
        .values()
        .map(|c| PyClassificationCell { cell: c.cell.clone() })
        .collect())
}

/// The entry of one object annotation as the space writes it, and its metadata tuple.
pub fn annotation<'py>(
    py: Python<'py>,
    row: &RowStore,
    id: &str,
    hash: &str,
    frame: Frame,
) -> PyResult<Option<Bound<'py, PyTuple>>> {
    let s = space(row, id).py_err(py)?;
    let (Some(a), Some(cell)) = (s.annotation(hash, frame), s.labels.objects.get(hash)) else {
        return Ok(None);
    };
    let entry = crate::export::frame_object(&cell.lock(), a);
    Ok(Some(PyTuple::new(
        py,
        [to_py(py, &entry)?, meta_tuple(py, &a.meta)?.into_any()],
    )?))
}

/// The metadata of a classification placement (`frame` `None`: the whole-space placement).
pub fn classification_meta<'py>(
    py: Python<'py>,
    row: &RowStore,
    id: &str,
    hash: &str,
    frame: Option<Frame>,
) -> PyResult<Option<Bound<'py, PyTuple>>> {
    let s = space(row, id).py_err(py)?;
    let meta = match frame {
        None => s.labels.classifications.get(hash).and_then(|c| c.global.as_ref()),
        Some(f) => s.labels.class_frames.get(&f).and_then(|m| m.get(hash)),
    };
    meta.map(|m| meta_tuple(py, m)).transpose()
}

fn not_on_frame() -> LabelError {
    LabelError::label_row(
        "Trying to use an ObjectInstance.FrameAnnotation for a VideoObjectInstance that is not on the frame",
    )
}

/// Sets one metadata field of an object annotation on a space.
pub fn set_object_meta(
    row: &mut RowStore,
    id: &str,
    hash: &str,
    frame: Frame,
    name: &str,
    value: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let py = value.py();
    let space = row.spaces.get_mut(id).py_err(py)?;
    let a = space.annotation_mut(hash, frame).ok_or_else(not_on_frame).py_err(py)?;
    super::objects::set_meta(&mut a.meta, name, value)
}

/// Replaces the coordinates of an object annotation on a space, keeping its metadata.
pub fn set_object_geometry(
    row: &mut RowStore,
    id: &str,
    hash: &str,
    frame: Frame,
    geometry: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let py = geometry.py();
    let g = super::objects::geometry_arg(geometry)?;
    let space = row.spaces.get_mut(id).py_err(py)?;
    let cell = space
        .labels
        .objects
        .get(hash)
        .cloned()
        .ok_or_else(not_on_frame)
        .py_err(py)?;
    cell.lock().check_shape(&g).py_err(py)?;
    let a = space.annotation_mut(hash, frame).ok_or_else(not_on_frame).py_err(py)?;
    a.geometry = g;
    Ok(())
}

/// Sets one metadata field of a classification placement (`frame` None: the whole-space one).
pub fn set_classification_meta(
    row: &mut RowStore,
    id: &str,
    hash: &str,
    frame: Option<Frame>,
    name: &str,
    value: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let py = value.py();
    let space = row.spaces.get_mut(id).py_err(py)?;
    let labels = &mut space.labels;
    let meta = match frame {
        None => labels.classifications.get_mut(hash).and_then(|c| c.global.as_mut()),
        Some(f) => labels.class_frames.get_mut(&f).and_then(|m| m.get_mut(hash)),
    };
    let meta = meta
        .ok_or_else(|| LabelError::label_row(format!("Classification {hash} is not placed there on space {id}.")))
        .py_err(py)?;
    super::objects::set_meta(meta, name, value)
}
