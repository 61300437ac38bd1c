//! Python label dict → [`Tree`]: every string is copied into the tree, which keeps no borrowed Python object.
//! It accepts and rejects exactly what `convert::to_value` does.

use pyo3::prelude::*;

use crate::tree::{Deferred, Tree};

/// A label dict read for the parser: the tree, and the source of the values it left for later (on CPython, the
/// frames of `data_units.*.labels`, walked when the parser reaches them).
pub struct PyInput<'py> {
    tree: Tree<'static>,
    #[cfg(not(any(Py_GIL_DISABLED, Py_LIMITED_API, PyPy, GraalPy)))]
    frames: super::walk::Frames<'py>,
    #[cfg(any(Py_GIL_DISABLED, Py_LIMITED_API, PyPy, GraalPy))]
    frames: std::marker::PhantomData<Python<'py>>,
}

impl PyInput<'_> {
    /// The tree, and the source of its deferred values if it has any (parsing then needs the GIL).
    pub fn parts(&mut self) -> (&Tree<'static>, Option<&mut dyn Deferred>) {
        #[cfg(not(any(Py_GIL_DISABLED, Py_LIMITED_API, PyPy, GraalPy)))]
        if !self.frames.is_empty() {
            return (&self.tree, Some(&mut self.frames));
        }
        (&self.tree, None)
    }

    /// The Python exception behind a failed parse, when reading a deferred value raised it.
    pub fn take_error(&mut self) -> Option<PyErr> {
        #[cfg(not(any(Py_GIL_DISABLED, Py_LIMITED_API, PyPy, GraalPy)))]
        return self.frames.take_error();
        #[cfg(any(Py_GIL_DISABLED, Py_LIMITED_API, PyPy, GraalPy))]
        None
    }
}

/// Reads a Python label dict (or any value `to_value` accepts).
#[cfg(not(any(Py_GIL_DISABLED, Py_LIMITED_API, PyPy, GraalPy)))]
pub fn tree_from_py<'py>(ob: &Bound<'py, PyAny>) -> PyResult<PyInput<'py>> {
    let (tree, frames) = super::walk::walk(ob)?;
    Ok(PyInput { tree, frames })
}

/// Reads a Python label dict (or any value `to_value` accepts). Without the GIL (or without CPython's
/// internals) the direct walk's borrowed references would not be safe: this goes through `to_value`.
#[cfg(any(Py_GIL_DISABLED, Py_LIMITED_API, PyPy, GraalPy))]
pub fn tree_from_py<'py>(ob: &Bound<'py, PyAny>) -> PyResult<PyInput<'py>> {
    let v = super::convert::to_value(ob)?;
    let tree = Tree::from_value(&v)
        .map_err(|e| super::errors::label_error(ob.py(), &crate::error::LabelError::value(e.to_string())))?;
    Ok(PyInput {
        tree,
        frames: std::marker::PhantomData,
    })
}
