//! The one place where core errors become Python exceptions (classes defined in `labelrow.exceptions`).

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use crate::error::{ErrorKind, LabelError};

static EXCEPTIONS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn class_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::LabelRow => "LabelRowError",
        ErrorKind::Ontology => "OntologyError",
        ErrorKind::Key => "LabelRowKeyError",
        ErrorKind::Type => "LabelRowTypeError",
        ErrorKind::Value => "LabelRowValueError",
        ErrorKind::Runtime => "LabelRowRuntimeError",
        ErrorKind::Index => "LabelRowIndexError",
        ErrorKind::NotImplemented => "LabelRowNotImplementedError",
        ErrorKind::Encord => "EncordException",
    }
}

/// Builds the Python exception for a core error.
pub fn label_error(py: Python<'_>, e: &LabelError) -> PyErr {
    let make = || -> PyResult<PyErr> {
        let module = EXCEPTIONS.get_or_try_init(py, || py.import("labelrow.exceptions").map(Bound::unbind))?;
        let cls = module.bind(py).getattr(class_name(e.kind))?;
        Ok(PyErr::from_value(cls.call1((e.message.clone(),))?))
    };
    make().unwrap_or_else(|err| PyRuntimeError::new_err(format!("{}: {} ({err})", class_name(e.kind), e.message)))
}

/// `Result<T, LabelError>` → `PyResult<T>`.
pub trait IntoPyResult<T> {
    fn py_err(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for Result<T, LabelError> {
    fn py_err(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| label_error(py, &e))
    }
}
