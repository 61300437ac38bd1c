//! `ObjectCell`: the shared data of one `ObjectInstance`, usable on its own or through a row.

use std::sync::Arc;

use numpy::PyReadonlyArray1;
use parking_lot::Mutex;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use serde_json::Value;

use super::answers::{answer_from_py, answer_to_py, attribute};
use super::bulk::{BulkArgs, BulkOptions, SkeletonArgs};
use super::convert::{to_py, to_value};
use super::coords::fast_geometry;
use super::errors::{label_error, IntoPyResult};
use super::ontology::PyOntology;
use super::row::PyRow;
use crate::error::LabelError;
use crate::geometry::Num;
use crate::geometry::{parse_api_geometry, Geometry};
use crate::instance::{AnnotationMeta, Geometries, MetaUpdate, ObjectCell, ObjectData, Shared};
use crate::ranges::{Frame, RangeSet};

pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[pyclass(name = "ObjectCell", module = "labelrow._core", frozen)]
pub struct PyObjectCell {
    pub cell: ObjectCell,
}

pub fn geometry_arg(geometry: &Bound<'_, PyAny>) -> PyResult<Geometry> {
    let v = to_value(geometry)?;
    parse_api_geometry(&v, "coordinates").py_err(geometry.py())
}

pub fn confidence_arg(c: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Num>> {
    match c {
        None => Ok(None),
        Some(ob) if ob.is_none() => Ok(None),
        Some(ob) => match to_value(ob)? {
            Value::Number(n) => Ok(Some(n)),
            _ => Err(label_error(
                ob.py(),
                &LabelError::label_row("confidence must be a number"),
            )),
        },
    }
}

pub fn meta_tuple<'py>(py: Python<'py>, m: &AnnotationMeta) -> PyResult<Bound<'py, PyTuple>> {
    PyTuple::new(
        py,
        [
            m.created_at.into_pyobject(py)?.into_any(),
            m.created_by.as_deref().into_pyobject(py)?.into_any(),
            m.last_edited_at.into_pyobject(py)?.into_any(),
            m.last_edited_by.as_deref().into_pyobject(py)?.into_any(),
            to_py(py, &Value::Number(m.confidence.clone()))?,
            pyo3::types::PyBool::new(py, m.manual_annotation).to_owned().into_any(),
            m.is_deleted.into_pyobject(py)?.into_any(),
        ],
    )
}

/// The metadata arguments of `set_for_frames`, read from a dict with every key present (None = unchanged).
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
pub struct MetaArgs<'py> {
    created_at: Option<i64>,
    created_by: Option<String>,
    last_edited_at: Option<i64>,
    last_edited_by: Option<String>,
    confidence: Option<Bound<'py, PyAny>>,
    manual_annotation: Option<bool>,
}

impl MetaArgs<'_> {
    pub fn into_update(self) -> PyResult<MetaUpdate> {
        Ok(MetaUpdate {
            created_at: self.created_at,
            created_by: self.created_by.map(Shared::from),
            last_edited_at: self.last_edited_at,
            last_edited_by: self.last_edited_by.map(Shared::from),
            confidence: confidence_arg(self.confidence.as_ref())?,
            manual_annotation: self.manual_annotation,
        })
    }
}

pub fn ranges_arg(ranges: Vec<(Frame, Frame)>) -> RangeSet {
    RangeSet::from_ranges(ranges)
}

pub fn ranges_list(r: &RangeSet) -> Vec<(Frame, Frame)> {
    r.ranges().to_vec()
}

#[pymethods]
impl PyObjectCell {
    #[new]
    fn new(py: Python<'_>, ontology: &PyOntology, feature_hash: &str, object_hash: String) -> PyResult<Self> {
        let feature = ontology.inner.object(feature_hash).py_err(py)?;
        Ok(Self {
            cell: Arc::new(Mutex::new(ObjectData::new(
                object_hash,
                ontology.inner.clone(),
                feature,
            ))),
        })
    }

    #[getter]
    fn object_hash(&self) -> String {
        self.cell.lock().hash.clone()
    }

    #[getter]
    fn feature_hash(&self) -> String {
        self.cell.lock().feature_node().hash.clone()
    }

    #[getter]
    fn object_number(&self) -> Option<u64> {
        self.cell.lock().object_number
    }

    #[setter]
    fn set_object_number(&self, n: Option<u64>) {
        self.cell.lock().object_number = n;
    }

    fn same_cell(&self, other: &PyObjectCell) -> bool {
        Arc::ptr_eq(&self.cell, &other.cell)
    }

    fn frames(&self) -> Vec<Frame> {
        self.cell.lock().frames.keys().copied().collect()
    }

    fn frame_count(&self) -> usize {
        self.cell.lock().frames.len()
    }

    fn frame_ranges(&self) -> Vec<(Frame, Frame)> {
        ranges_list(&self.cell.lock().frame_set())
    }

    fn has_frame(&self, frame: Frame) -> bool {
        self.cell.lock().frames.contains_key(&frame)
    }

    /// The frame-object entry of `frame` (geometry keys included), or None.
    fn entry<'py>(&self, py: Python<'py>, frame: Frame) -> PyResult<Option<Bound<'py, PyAny>>> {
        let o = self.cell.lock();
        match o.frames.get(&frame) {
            Some(a) => Ok(Some(super::dict_out::frame_object_dict(py, &o, a)?)),
            None => Ok(None),
        }
    }

    /// The `name`, `shape` and geometry keys of the entry of `frame`, or None.
    fn geometry_entry<'py>(&self, py: Python<'py>, frame: Frame) -> PyResult<Option<Bound<'py, PyAny>>> {
        let o = self.cell.lock();
        match o.frames.get(&frame) {
            Some(a) => Ok(Some(super::dict_out::frame_geometry_dict(py, &o, a)?)),
            None => Ok(None),
        }
    }

    /// The coordinates of `frame` as a flat tuple `(shape, numbers...)` for the simple shapes (bounding box:
    /// h, w, x, y; rotatable: h, w, x, y, theta; point: x, y; circle: x, y, r, stretch, theta; ellipse: x, y,
    /// rx, ry, theta), `(shape,)` for the others, 3-D points included (read them with `geometry_entry`), None
    /// off the object's frames.
    /// The coordinate object of a frame, for the shapes built in the core (see `coords_out`); `None` otherwise
    /// (or when the object is not on the frame).
    fn coordinates_object<'py>(&self, py: Python<'py>, frame: Frame) -> PyResult<Option<Bound<'py, PyAny>>> {
        let o = self.cell.lock();
        match o.frames.get(&frame) {
            Some(a) => super::coords_out::coordinates_object(py, &a.geometry),
            None => Ok(None),
        }
    }

    fn meta<'py>(&self, py: Python<'py>, frame: Frame) -> PyResult<Option<Bound<'py, PyTuple>>> {
        let o = self.cell.lock();
        o.frames.get(&frame).map(|a| meta_tuple(py, &a.meta)).transpose()
    }

    /// Sets one metadata field of one frame (`None` is stored as given for the `*_by` fields).
    fn set_meta_field(&self, py: Python<'_>, frame: Frame, name: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let mut o = self.cell.lock();
        let a = o.frames.get_mut(&frame).ok_or_else(|| {
            label_error(
                py,
                &LabelError::label_row(
                    "Trying to use an ObjectInstance.Annotation for an ObjectInstance that is not on the frame",
                ),
            )
        })?;
        set_meta(&mut a.meta, name, value)
    }

    /// The per-frame API's hot path: `set_for_frames` with coordinates read straight off the coordinate object,
    /// for one frame (an int) and plain metadata (datetimes, strings, numbers, bools or None). Writes through
    /// `row` (the parent's `Row`) when the object is on it. Returns False, having changed nothing, when the call
    /// needs the general path (other frame forms, date strings, unusual coordinates, an object that points at
    /// a row not holding it).
    #[pyo3(signature = (coordinates, frames, row, overwrite, created_at, created_by, last_edited_at, last_edited_by, confidence, manual_annotation))]
    #[allow(clippy::too_many_arguments)]
    fn set_for_frames_fast(
        &self,
        py: Python<'_>,
        coordinates: &Bound<'_, PyAny>,
        frames: &Bound<'_, PyAny>,
        row: Option<&Bound<'_, PyRow>>,
        overwrite: bool,
        created_at: &Bound<'_, PyAny>,
        created_by: &Bound<'_, PyAny>,
        last_edited_at: &Bound<'_, PyAny>,
        last_edited_by: &Bound<'_, PyAny>,
        confidence: &Bound<'_, PyAny>,
        manual_annotation: &Bound<'_, PyAny>,
    ) -> PyResult<bool> {
        let Some(frame) = plain_frame(frames) else {
            return Ok(false);
        };
        let Some(update) = plain_update(
            created_at,
            created_by,
            last_edited_at,
            last_edited_by,
            confidence,
            manual_annotation,
        )?
        else {
            return Ok(false);
        };
        let Some(g) = fast_geometry(coordinates) else {
            return Ok(false);
        };
        if g.shape() != self.cell.lock().feature_node().shape {
            return Ok(false);
        }
        let geometries = Geometries::Same(&g);
        match row {
            Some(row) => {
                match row
                    .get()
                    .set_frames_of_cell(&self.cell, &[frame], geometries.clone(), &update, overwrite)
                {
                    Some(r) => r.py_err(py).map(|()| true),
                    None => Ok(false),
                }
            }
            None => {
                let mut o = self.cell.lock();
                o.plan_set(&[frame], &geometries, overwrite, None).py_err(py)?;
                o.apply_set(&[frame], geometries, &update, None, now_secs());
                Ok(true)
            }
        }
    }

    /// `set_for_frames` on an unattached object (`bound`: the frame count it is checked against, if any).
    #[pyo3(signature = (frames, geometry, meta, *, overwrite=false, bound=None))]
    fn set_frames(
        &self,
        py: Python<'_>,
        frames: Vec<Frame>,
        geometry: &Bound<'_, PyAny>,
        meta: MetaArgs<'_>,
        overwrite: bool,
        bound: Option<i64>,
    ) -> PyResult<()> {
        let g = geometry_arg(geometry)?;
        let update = meta.into_update()?;
        let mut o = self.cell.lock();
        let geometries = Geometries::Same(&g);
        o.plan_set(&frames, &geometries, overwrite, bound).py_err(py)?;
        o.apply_set(&frames, geometries, &update, None, now_secs());
        Ok(())
    }

    /// Bulk `set_for_frames` on an unattached object: one geometry per frame from a coordinate array (see
    /// `bulk_geometries`), optional per-frame confidences.
    #[pyo3(signature = (frames, kind, coordinates, meta, *, offsets=None, confidence=None, overwrite=false, bound=None, skeleton=None, fallback=None))]
    #[allow(clippy::too_many_arguments)]
    fn set_frames_bulk(
        &self,
        py: Python<'_>,
        frames: PyReadonlyArray1<'_, i64>,
        kind: &str,
        coordinates: &Bound<'_, PyAny>,
        meta: MetaArgs<'_>,
        offsets: Option<PyReadonlyArray1<'_, i64>>,
        confidence: Option<PyReadonlyArray1<'_, f64>>,
        overwrite: bool,
        bound: Option<i64>,
        skeleton: Option<SkeletonArgs<'_>>,
        fallback: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let bulk = BulkArgs::read(
            py,
            &frames,
            kind,
            coordinates,
            &BulkOptions {
                offsets: offsets.as_ref(),
                confidence: confidence.as_ref(),
                skeleton: skeleton.as_ref(),
                fallback,
            },
        )?;
        let update = meta.into_update()?;
        let geometries = Geometries::Owned(bulk.geometries);
        let mut o = self.cell.lock();
        o.plan_set(&bulk.frames, &geometries, overwrite, bound).py_err(py)?;
        o.apply_set(
            &bulk.frames,
            geometries,
            &update,
            bulk.confidences.as_deref(),
            now_secs(),
        );
        Ok(())
    }

    fn check_geometry(&self, py: Python<'_>, geometry: &Bound<'_, PyAny>) -> PyResult<()> {
        let g = geometry_arg(geometry)?;
        self.cell.lock().check_shape(&g).py_err(py)
    }

    fn remove_frames(&self, py: Python<'_>, frames: Vec<Frame>) -> PyResult<()> {
        let mut o = self.cell.lock();
        if let Some(f) = frames.iter().find(|f| !o.frames.contains_key(f)) {
            return Err(label_error(py, &LabelError::key(f.to_string())));
        }
        for f in &frames {
            o.frames.remove(f);
        }
        Ok(())
    }

    #[pyo3(signature = (attribute_hash, value, manual_annotation=true))]
    fn set_static(
        &self,
        py: Python<'_>,
        attribute_hash: &str,
        value: &Bound<'_, PyAny>,
        manual_annotation: bool,
    ) -> PyResult<()> {
        let mut o = self.cell.lock();
        let onto = o.onto.clone();
        let attr = attribute(py, o.feature_node(), attribute_hash)?;
        let v = answer_from_py(&onto, attr, value)?;
        o.static_answers.set(attr, v, manual_annotation);
        Ok(())
    }

    /// `(value, manual_annotation)` of a static answer, or None.
    fn get_static<'py>(&self, py: Python<'py>, attribute_hash: &str) -> PyResult<Option<(Bound<'py, PyAny>, bool)>> {
        let o = self.cell.lock();
        let attr = attribute(py, o.feature_node(), attribute_hash)?;
        match o.static_answers.get(attr) {
            Some(a) => Ok(Some((answer_to_py(py, &o.onto, &a.value)?, a.manual))),
            None => Ok(None),
        }
    }

    fn unset_static(&self, py: Python<'_>, attribute_hash: &str) -> PyResult<()> {
        let mut o = self.cell.lock();
        let attr = attribute(py, o.feature_node(), attribute_hash)?;
        o.static_answers.unset(attr);
        Ok(())
    }

    /// `stepwise`: apply one range at a time (the reference's "every frame" path, one frame per range);
    /// otherwise all ranges at once (its path for explicit frames).
    #[pyo3(signature = (attribute_hash, value, ranges, stepwise=false))]
    fn set_dynamic(
        &self,
        py: Python<'_>,
        attribute_hash: &str,
        value: &Bound<'_, PyAny>,
        ranges: Vec<(Frame, Frame)>,
        stepwise: bool,
    ) -> PyResult<()> {
        let mut o = self.cell.lock();
        let onto = o.onto.clone();
        let attr = attribute(py, o.feature_node(), attribute_hash)?;
        let v = answer_from_py(&onto, attr, value)?;
        if stepwise {
            // Which answers survive each step (and so the order answers are written in) depends on it.
            for (s, e) in ranges {
                o.dynamic_answers.set(attr, v.clone(), &RangeSet::from_ranges([(s, e)]));
            }
        } else {
            o.dynamic_answers.set(attr, v, &ranges_arg(ranges));
        }
        Ok(())
    }

    /// `[(value, [(start, end), ...]), ...]` of one dynamic attribute, in insertion order.
    fn get_dynamic<'py>(&self, py: Python<'py>, attribute_hash: &str) -> PyResult<Bound<'py, PyList>> {
        let o = self.cell.lock();
        let attr = attribute(py, o.feature_node(), attribute_hash)?;
        let out = PyList::empty(py);
        for e in o.dynamic_answers.entries().iter().filter(|e| e.attr == attr) {
            out.append((answer_to_py(py, &o.onto, &e.value)?, ranges_list(&e.ranges)))?;
        }
        Ok(out)
    }

    #[pyo3(signature = (attribute_hash, ranges=None, value=None))]
    fn remove_dynamic(
        &self,
        py: Python<'_>,
        attribute_hash: &str,
        ranges: Option<Vec<(Frame, Frame)>>,
        value: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let mut o = self.cell.lock();
        let onto = o.onto.clone();
        let attr = attribute(py, o.feature_node(), attribute_hash)?;
        let only = value.map(|v| answer_from_py(&onto, attr, v)).transpose()?;
        match ranges {
            Some(r) => o.dynamic_answers.remove(attr, &ranges_arg(r), only.as_ref()),
            None => o.dynamic_answers.remove_all(attr, only.as_ref()),
        }
        Ok(())
    }

    fn dynamic_answers_valid(&self) -> bool {
        self.cell.lock().dynamic_answers_valid()
    }

    fn copy(&self, object_hash: String) -> Self {
        Self {
            cell: Arc::new(Mutex::new(self.cell.lock().copy_as(object_hash))),
        }
    }

    /// Debug view of the frame-object entries, for tests.
    fn entries<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let o = self.cell.lock();
        let d = PyDict::new(py);
        for (f, a) in &o.frames {
            d.set_item(f, super::dict_out::frame_object_dict(py, &o, a)?)?;
        }
        Ok(d)
    }
}

/// Sets one metadata field by name (used by annotation-view setters).
pub fn set_meta(m: &mut AnnotationMeta, name: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
    let py = value.py();
    match name {
        "created_at" => m.created_at = value.extract()?,
        "last_edited_at" => m.last_edited_at = value.extract()?,
        "created_by" => m.created_by = value.extract::<Option<String>>()?.map(Shared::from),
        "last_edited_by" => m.last_edited_by = value.extract::<Option<String>>()?.map(Shared::from),
        "confidence" => {
            m.confidence = confidence_arg(Some(value))?
                .ok_or_else(|| label_error(py, &LabelError::label_row("confidence must be a number")))?;
        }
        "manual_annotation" => m.manual_annotation = value.extract()?,
        "is_deleted" => m.is_deleted = value.extract()?,
        other => {
            return Err(label_error(
                py,
                &LabelError::label_row(format!("unknown metadata field {other}")),
            ))
        }
    }
    Ok(())
}

/// An int frame (not a bool), or `None` for the other frame forms.
fn plain_frame(frames: &Bound<'_, PyAny>) -> Option<Frame> {
    if frames.is_instance_of::<pyo3::types::PyBool>() || !frames.is_instance_of::<pyo3::types::PyInt>() {
        return None;
    }
    frames.extract().ok()
}

/// Epoch seconds of a datetime as the facade's `to_epoch` computes them (`floor(value.timestamp())`, naive
/// values being local time); `Some(None)` for None, `None` for anything else (date strings take the general
/// path, which owns their parsing and errors).
fn plain_date(v: &Bound<'_, PyAny>) -> PyResult<Option<Option<i64>>> {
    if v.is_none() {
        return Ok(Some(None));
    }
    if !v.is_instance_of::<pyo3::types::PyDateTime>() {
        return Ok(None);
    }
    let secs: f64 = v.call_method0(pyo3::intern!(v.py(), "timestamp"))?.extract()?;
    // Clamped into i64 by the saturating cast; dates that far out are rejected elsewhere long before.
    #[allow(clippy::cast_possible_truncation)]
    Ok(Some(Some(secs.floor() as i64)))
}

fn plain_str(v: &Bound<'_, PyAny>) -> Option<Option<Shared>> {
    if v.is_none() {
        return Some(None);
    }
    v.cast::<pyo3::types::PyString>()
        .ok()?
        .to_str()
        .ok()
        .map(|s| Some(Shared::from(s)))
}

fn plain_update(
    created_at: &Bound<'_, PyAny>,
    created_by: &Bound<'_, PyAny>,
    last_edited_at: &Bound<'_, PyAny>,
    last_edited_by: &Bound<'_, PyAny>,
    confidence: &Bound<'_, PyAny>,
    manual_annotation: &Bound<'_, PyAny>,
) -> PyResult<Option<MetaUpdate>> {
    let (Some(created_at), Some(last_edited_at)) = (plain_date(created_at)?, plain_date(last_edited_at)?) else {
        return Ok(None);
    };
    let (Some(created_by), Some(last_edited_by)) = (plain_str(created_by), plain_str(last_edited_by)) else {
        return Ok(None);
    };
    let confidence = if confidence.is_none() {
        None
    } else {
        match super::coords::plain_number(confidence) {
            Some(n) => Some(n),
            None => return Ok(None),
        }
    };
    let manual_annotation = if manual_annotation.is_none() {
        None
    } else {
        match manual_annotation.cast::<pyo3::types::PyBool>() {
            Ok(b) => Some(b.is_true()),
            Err(_) => return Ok(None),
        }
    };
    Ok(Some(MetaUpdate {
        created_at,
        created_by,
        last_edited_at,
        last_edited_by,
        confidence,
        manual_annotation,
    }))
}
