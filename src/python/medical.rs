//! DICOM series and slice metadata as the dicts `DICOMSeriesMetadata` / `DICOMSliceMetadata` are built from.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::medical::{SeriesMeta, SliceMeta};

pub(crate) fn series_dict<'py>(py: Python<'py>, m: &SeriesMeta) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("patient_id", m.patient_id.as_deref())?;
    d.set_item("study_uid", &m.study_uid)?;
    d.set_item("series_uid", &m.series_uid)?;
    Ok(d)
}

pub(crate) fn slice_dict<'py>(py: Python<'py>, m: &SliceMeta) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("dicom_instance_uid", &m.dicom_instance_uid)?;
    d.set_item("multiframe_frame_number", m.multiframe_frame_number)?;
    d.set_item("file_uri", &m.file_uri)?;
    d.set_item("width", m.width)?;
    d.set_item("height", m.height)?;
    Ok(d)
}
