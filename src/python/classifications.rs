//! `ClassificationCell`: the shared data of one `ClassificationInstance`.

use std::sync::Arc;

use parking_lot::Mutex;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use super::answers::{answer_from_py, answer_to_py, attribute};
use super::errors::{label_error, IntoPyResult};
use super::objects::{confidence_arg, meta_tuple, now_secs, ranges_arg, ranges_list, set_meta};
use super::ontology::PyOntology;
use crate::error::LabelError;
use crate::instance::{ClassificationCell, ClassificationData};
use crate::ranges::Frame;

#[pyclass(name = "ClassificationCell", module = "labelrow._core", frozen)]
pub struct PyClassificationCell {
    pub cell: ClassificationCell,
}

#[pymethods]
impl PyClassificationCell {
    #[new]
    #[pyo3(signature = (ontology, feature_hash, classification_hash, range_only=false))]
    fn new(
        py: Python<'_>,
        ontology: &PyOntology,
        feature_hash: &str,
        classification_hash: String,
        range_only: bool,
    ) -> PyResult<Self> {
        let feature = ontology.inner.classification(feature_hash).py_err(py)?;
        let data = ClassificationData::new(
            classification_hash,
            ontology.inner.clone(),
            feature,
            range_only,
            now_secs(),
        );
        Ok(Self {
            cell: Arc::new(Mutex::new(data)),
        })
    }

    #[getter]
    fn classification_hash(&self) -> String {
        self.cell.lock().hash.clone()
    }

    #[getter]
    fn feature_hash(&self) -> String {
        self.cell.lock().feature_node().hash.clone()
    }

    #[getter]
    fn range_only(&self) -> bool {
        self.cell.lock().range_only
    }

    #[getter]
    fn is_global(&self) -> bool {
        self.cell.lock().is_global()
    }

    fn same_cell(&self, other: &PyClassificationCell) -> bool {
        Arc::ptr_eq(&self.cell, &other.cell)
    }

    fn ranges(&self) -> Vec<(Frame, Frame)> {
        ranges_list(&self.cell.lock().ranges)
    }

    fn frames(&self) -> Vec<Frame> {
        self.cell.lock().ranges.iter_frames().collect()
    }

    /// Adds ranges on an unattached instance: frames it already has are refused unless `overwrite`.
    /// Returns False when every frame was already present (nothing to do).
    fn add_ranges_detached(&self, py: Python<'_>, ranges: Vec<(Frame, Frame)>, overwrite: bool) -> PyResult<bool> {
        let mut c = self.cell.lock();
        let new = ranges_arg(ranges);
        let existing = c.ranges.intersection(&new);
        if !existing.is_empty() && !overwrite && !c.range_only {
            let f = existing.ranges()[0].0;
            return Err(label_error(
                py,
                &LabelError::label_row(format!(
                    "Cannot overwrite existing data for frame `{f}`. Set `overwrite` to `True` to overwrite."
                )),
            ));
        }
        if let (Some(&(s, _)), false) = (new.ranges().first(), c.range_only) {
            if s < 0 {
                return Err(label_error(py, &crate::instance::out_of_bounds(s, None)));
            }
        }
        c.ranges.insert_set(&new);
        Ok(true)
    }

    fn remove_ranges(&self, ranges: Vec<(Frame, Frame)>) {
        self.cell.lock().ranges.remove_set(&ranges_arg(ranges));
    }

    fn meta<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        meta_tuple(py, &self.cell.lock().meta)
    }

    /// Rewrites the instance metadata as `set_for_frames` does (timestamps default to now).
    #[pyo3(signature = (created_at=None, created_by=None, confidence=None, manual_annotation=true,
        last_edited_at=None, last_edited_by=None))]
    fn rewrite_meta(
        &self,
        created_at: Option<i64>,
        created_by: Option<String>,
        confidence: Option<&Bound<'_, PyAny>>,
        manual_annotation: bool,
        last_edited_at: Option<i64>,
        last_edited_by: Option<String>,
    ) -> PyResult<()> {
        let now = now_secs();
        let confidence =
            confidence_arg(confidence)?.unwrap_or_else(|| crate::geometry::Num::from_f64(1.0).expect("1.0 is finite"));
        let mut c = self.cell.lock();
        c.meta.created_at = created_at.unwrap_or(now);
        c.meta.last_edited_at = last_edited_at.unwrap_or(now);
        if created_by.is_some() {
            c.meta.created_by = created_by.map(crate::instance::Shared::from);
        }
        if last_edited_by.is_some() {
            c.meta.last_edited_by = last_edited_by.map(crate::instance::Shared::from);
        }
        c.meta.confidence = confidence;
        c.meta.manual_annotation = manual_annotation;
        Ok(())
    }

    fn set_meta_field(&self, name: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
        set_meta(&mut self.cell.lock().meta, name, value)
    }

    fn set_static(&self, py: Python<'_>, attribute_hash: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let mut c = self.cell.lock();
        let onto = c.onto.clone();
        let attr = attribute(py, c.feature_node(), attribute_hash)?;
        let v = answer_from_py(&onto, attr, value)?;
        c.answers.set(attr, v, true);
        Ok(())
    }

    fn get_static<'py>(&self, py: Python<'py>, attribute_hash: &str) -> PyResult<Option<(Bound<'py, PyAny>, bool)>> {
        let c = self.cell.lock();
        let attr = attribute(py, c.feature_node(), attribute_hash)?;
        match c.answers.get(attr) {
            Some(a) => Ok(Some((answer_to_py(py, &c.onto, &a.value)?, a.manual))),
            None => Ok(None),
        }
    }

    fn unset_static(&self, py: Python<'_>, attribute_hash: &str) -> PyResult<()> {
        let mut c = self.cell.lock();
        let attr = attribute(py, c.feature_node(), attribute_hash)?;
        c.answers.unset(attr);
        Ok(())
    }

    fn clear_static(&self) {
        self.cell.lock().answers.clear();
    }

    fn copy(&self, classification_hash: String) -> Self {
        Self {
            cell: Arc::new(Mutex::new(self.cell.lock().copy_as(classification_hash))),
        }
    }
}
