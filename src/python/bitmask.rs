//! numpy-facing bitmask functions: 2-D bool arrays <-> the reference's `rleString` (spec §5.2).

use numpy::ndarray::Array2;
use numpy::{IntoPyArray, PyArray2, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::rle;

/// Encodes a 2-D bool mask (flattened row-major) as an RLE string.
///
/// Any memory layout is accepted; only C-contiguous arrays are encoded in place (without the GIL),
/// others are first copied in C order.
#[pyfunction]
pub fn rle_encode(py: Python<'_>, mask: PyReadonlyArray2<'_, bool>) -> PyResult<String> {
    // `as_slice` also succeeds for Fortran-ordered arrays, whose memory order is column-major, so
    // C order has to be checked explicitly.
    if mask.is_c_contiguous() {
        if let Ok(data) = mask.as_slice() {
            return Ok(py.detach(|| rle::encode(data)));
        }
    }
    // Logical iteration order of an ndarray view is row-major regardless of strides.
    let data: Vec<bool> = mask.as_array().iter().copied().collect();
    Ok(py.detach(|| rle::encode(&data)))
}

/// Decodes an RLE string into a new `(height, width)` bool array.
///
/// Raises `ValueError` if the string is malformed or its runs don't cover exactly
/// `height * width` pixels.
#[pyfunction]
pub fn rle_decode<'py>(
    py: Python<'py>,
    rle: &str,
    height: usize,
    width: usize,
) -> PyResult<Bound<'py, PyArray2<bool>>> {
    let len = height
        .checked_mul(width)
        .ok_or_else(|| PyValueError::new_err(format!("bitmask size {height}x{width} is too large")))?;
    let data = py
        .detach(|| rle::decode(rle, len))
        .map_err(|e| PyValueError::new_err(format!("invalid bitmask RLE string for {height}x{width} mask: {e}")))?;
    // The Vec has exactly height * width elements, so the shape always matches; the buffer is
    // handed to numpy without copying.
    let array = Array2::from_shape_vec((height, width), data)
        .map_err(|e| PyValueError::new_err(format!("bitmask shape {height}x{width}: {e}")))?;
    Ok(array.into_pyarray(py))
}
