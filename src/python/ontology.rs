//! The compiled ontology handle shared by rows and instances.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::convert::to_value;
use super::errors::IntoPyResult;
use crate::ontology::Ontology;

/// An ontology compiled for the core (built from `OntologyStructure._core_dict()`).
#[pyclass(name = "CompiledOntology", module = "labelrow._core", frozen)]
pub struct PyOntology {
    pub inner: Arc<Ontology>,
}

#[pymethods]
impl PyOntology {
    #[new]
    fn new(py: Python<'_>, structure: &Bound<'_, PyDict>) -> PyResult<Self> {
        let v = to_value(structure.as_any())?;
        Ok(Self {
            inner: Arc::new(Ontology::from_value(&v).py_err(py)?),
        })
    }

    fn has_object(&self, feature_hash: &str) -> bool {
        self.inner.object(feature_hash).is_ok()
    }

    fn has_classification(&self, feature_hash: &str) -> bool {
        self.inner.classification(feature_hash).is_ok()
    }
}
