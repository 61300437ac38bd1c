//! `to_json`: the label dict's JSON written straight into the `bytes` object returned, without the GIL. The
//! object is CPython's bytes writer; growing it takes the GIL back for the moment of the reallocation (large
//! blocks are remapped, not copied), which happens a handful of times at most.

use std::ptr::NonNull;

use pyo3::exceptions::PyMemoryError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use super::errors::IntoPyResult;
use crate::export::{export_json_into, json_size_guess, ExportOptions, ForeignBuf, Grow};
use crate::row::RowStore;

/// A CPython bytes writer, discarded on drop unless finished.
struct Writer(*mut ffi::compat::PyBytesWriter);

// SAFETY: the writer is only used on the thread that made it (`detach` runs its closure on the calling thread),
// and only with the GIL held; `Sync` lets the export closure borrow it across `detach`.
unsafe impl Sync for Writer {}

impl Writer {
    fn data(&self) -> PyResult<(NonNull<u8>, usize)> {
        // SAFETY: `self.0` is a live writer; the GIL is held by the caller (both calls only read the writer).
        let (data, size) = unsafe {
            (
                ffi::compat::PyBytesWriter_GetData(self.0),
                ffi::compat::PyBytesWriter_GetSize(self.0),
            )
        };
        let ptr = NonNull::new(data.cast::<u8>()).ok_or_else(|| PyMemoryError::new_err("no buffer for the JSON"))?;
        Ok((ptr, size.unsigned_abs()))
    }
}

fn too_large() -> PyErr {
    PyMemoryError::new_err("label row JSON too large")
}

impl Drop for Writer {
    fn drop(&mut self) {
        if !self.0.is_null() {
            let w = self.0;
            // SAFETY: the writer is live and not finished; discarding it needs the GIL, taken here.
            Python::attach(|_| unsafe { ffi::compat::PyBytesWriter_Discard(w) });
        }
    }
}

/// The writer's first buffer, taken into the export closure.
struct Start((NonNull<u8>, usize));

// SAFETY: the buffer belongs to the writer, which the export closure uses on this same thread (see `Writer`).
unsafe impl Send for Start {}

impl Start {
    fn into_inner(self) -> (NonNull<u8>, usize) {
        self.0
    }
}

/// Grows the writer with the GIL taken back for the call.
struct GrowWriter<'w>(&'w Writer);

impl Grow for GrowWriter<'_> {
    type Error = PyErr;
    fn grow(&mut self, _len: usize, at_least: usize) -> PyResult<(NonNull<u8>, usize)> {
        let w = self.0;
        Python::attach(|py| {
            let size = ffi::Py_ssize_t::try_from(at_least).map_err(|_| too_large())?;
            // SAFETY: `w.0` is a live writer and the GIL is held. The writer keeps its bytes when it grows.
            if unsafe { ffi::compat::PyBytesWriter_Resize(w.0, size) } < 0 {
                return Err(PyErr::fetch(py));
            }
            w.data()
        })
    }
}

/// The label dict of `row` as JSON `bytes` (the content of `to_encord_dict()`).
pub(super) fn to_json_bytes<'py>(
    py: Python<'py>,
    row: &RowStore,
    opts: ExportOptions,
) -> PyResult<Bound<'py, PyBytes>> {
    let guess = ffi::Py_ssize_t::try_from(json_size_guess(row)).unwrap_or(ffi::Py_ssize_t::MAX);
    // SAFETY: the GIL is held.
    let mut writer = Writer(unsafe { ffi::compat::PyBytesWriter_Create(guess) });
    if writer.0.is_null() {
        return Err(PyErr::fetch(py));
    }
    let start = Start(writer.data()?);
    let written = py.detach(|| {
        let (ptr, cap) = start.into_inner();
        // SAFETY: the writer's buffer is `cap` writable bytes, replaced only by `GrowWriter`, which hands out the
        // new one; nothing else touches the writer until the export is over.
        let buf = unsafe { ForeignBuf::new(ptr, cap, GrowWriter(&writer)) };
        export_json_into(row, opts, buf).map(ForeignBuf::finish)
    });
    let len = written.py_err(py)??;
    let size = ffi::Py_ssize_t::try_from(len).map_err(|_| too_large())?;
    let w = std::mem::replace(&mut writer.0, std::ptr::null_mut());
    // SAFETY: `w` is a live writer holding `len` written bytes; finishing consumes it (also on failure).
    let bytes = unsafe { ffi::compat::PyBytesWriter_FinishWithSize(w, size) };
    // SAFETY: a new reference, or null with the exception set.
    let bytes = unsafe { Bound::from_owned_ptr_or_err(py, bytes)? };
    Ok(bytes.cast_into::<PyBytes>()?)
}
