//! Python label dict → [`Tree`]: every string is copied into the tree, so that the row can then be parsed
//! without the GIL, and the tree keeps no Python object. It accepts and rejects exactly what
//! `convert::to_value` does.

use pyo3::prelude::*;

use crate::tree::Tree;

/// Reads a Python label dict (or any value `to_value` accepts) into a tree.
#[cfg(not(any(Py_GIL_DISABLED, Py_LIMITED_API, PyPy, GraalPy)))]
pub fn tree_from_py(ob: &Bound<'_, PyAny>) -> PyResult<Tree<'static>> {
    super::walk::walk(ob)
}

/// Reads a Python label dict (or any value `to_value` accepts) into a tree. Without the GIL (or without
/// CPython's internals) the direct walk's borrowed references would not be safe: this goes through `to_value`.
#[cfg(any(Py_GIL_DISABLED, Py_LIMITED_API, PyPy, GraalPy))]
pub fn tree_from_py(ob: &Bound<'_, PyAny>) -> PyResult<Tree<'static>> {
    let v = super::convert::to_value(ob)?;
    Tree::from_value(&v)
        .map_err(|e| super::errors::label_error(ob.py(), &crate::error::LabelError::value(e.to_string())))
}
