//! `Row`: the label row store behind `LabelRowV2`. Thin unpack-and-call wrappers over `crate::row`.

use parking_lot::Mutex;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use serde_json::Value;

use super::bulk::{BulkArgs, BulkOptions, SkeletonArgs};
use super::classifications::PyClassificationCell;
use super::convert::{to_py, to_value};
use super::errors::{label_error, IntoPyResult};
use super::objects::{geometry_arg, now_secs, ranges_arg, MetaArgs, PyObjectCell};
use super::ontology::PyOntology;
use super::tree::tree_from_py;
use crate::error::LabelError;
use crate::export::ExportOptions;
use crate::instance::{Geometries, MetaUpdate, ObjectCell};
use crate::parse::{parse_tree_deferred, ParseContext};
use crate::ranges::Frame;
use crate::row::{DataType, MediaInfo, RowStore};
use crate::spaces::SpaceDef;
use crate::tree::{Deferred, Tree};

#[pyclass(name = "Row", module = "labelrow._core", frozen)]
pub struct PyRow {
    pub(super) inner: Mutex<RowStore>,
}

impl Drop for PyRow {
    /// A large row takes milliseconds to free: that happens without the GIL, so that threads loading rows
    /// (each load replaces a row) do not wait on each other's frees.
    fn drop(&mut self) {
        let labels = self.inner.get_mut().take_labels();
        Python::attach(|py| py.detach(move || drop(labels)));
    }
}

/// The spaces the row metadata declares (`media["spaces"]`).
fn spaces_arg(py: Python<'_>, media: &Bound<'_, PyDict>) -> PyResult<Vec<std::sync::Arc<SpaceDef>>> {
    match media.get_item("spaces")? {
        None => Ok(Vec::new()),
        Some(v) => SpaceDef::all_from_metadata(&to_value(&v)?).py_err(py),
    }
}

fn media_arg(py: Python<'_>, media: &Bound<'_, PyDict>) -> PyResult<MediaInfo> {
    let v = to_value(media.as_any())?;
    let dt = v.get("data_type").and_then(Value::as_str).unwrap_or_default();
    Ok(MediaInfo {
        data_type: DataType::parse(dt).ok_or_else(|| {
            label_error(
                py,
                &LabelError::not_implemented(format!("unsupported data type '{dt}'")),
            )
        })?,
        number_of_frames: v.get("number_of_frames").and_then(Value::as_i64).unwrap_or(0),
        fps: v.get("fps").cloned().unwrap_or(Value::Null),
        duration: v.get("duration").cloned().unwrap_or(Value::Null),
        is_shadow_data: v.get("is_shadow_data").and_then(Value::as_bool).unwrap_or(false),
    })
}

/// Builds a row, without the GIL unless the tree left values in Python objects (`deferred`, walked as the
/// parser reaches them). Date strings the core does not parse natively need the Python fallback (`dateutil`):
/// the first attempt only notes them, and when one made it fail, the parse is redone with the GIL.
fn parse_row(
    py: Python<'_>,
    tree: &Tree<'_>,
    mut deferred: Option<&mut dyn Deferred>,
    ontology: &PyOntology,
    media: MediaInfo,
    spaces: &[std::sync::Arc<SpaceDef>],
    date_fallback: &Bound<'_, PyAny>,
) -> Result<RowStore, ParseFailure> {
    let onto = ontology.inner.clone();
    let now = now_secs();
    let noting = |deferred: Option<&mut dyn Deferred>| parse_noting_dates(tree, &onto, &media, spaces, now, deferred);
    let (first, needed_fallback) = match deferred.as_deref_mut() {
        None => py.detach(|| noting(None)),
        Some(d) if super::pipeline::worth_it(tree, d, spaces) => {
            match super::pipeline::parse_pipelined(py, tree, d, &onto, &media, spaces, now) {
                Some(done) => done,
                None => noting(Some(d)),
            }
        }
        Some(d) => noting(Some(d)),
    };
    match first {
        Ok(row) => Ok(row),
        Err(_) if needed_fallback => {
            let fallback = |s: &str| -> Option<i64> { date_fallback.call1((s,)).ok()?.extract::<Option<i64>>().ok()? };
            let ctx = ParseContext {
                onto,
                media,
                now,
                date_fallback: &fallback,
            };
            parse_tree_deferred(tree.root(), &ctx, spaces, deferred).map_err(ParseFailure)
        }
        Err(e) => Err(ParseFailure(e)),
    }
}

/// A first parse: date strings the core cannot read are only noted (the answer says whether one was met), so
/// that it needs no GIL; `parse_row` redoes a parse that failed on one with the Python fallback.
pub(super) fn parse_noting_dates(
    tree: &Tree<'_>,
    onto: &std::sync::Arc<crate::ontology::Ontology>,
    media: &MediaInfo,
    spaces: &[std::sync::Arc<SpaceDef>],
    now: i64,
    deferred: Option<&mut dyn Deferred>,
) -> (Result<RowStore, LabelError>, bool) {
    let unparsed = std::cell::Cell::new(false);
    let note = |_: &str| {
        unparsed.set(true);
        None
    };
    let ctx = ParseContext {
        onto: onto.clone(),
        media: media.clone(),
        now,
        date_fallback: &note,
    };
    (parse_tree_deferred(tree.root(), &ctx, spaces, deferred), unparsed.get())
}

/// A parse that failed: its error, unless reading a deferred Python value raised an exception (see
/// `PyInput::take_error`).
struct ParseFailure(LabelError);

fn lost(py: Python<'_>) -> PyErr {
    label_error(py, &LabelError::label_row("the instance is not on this label row"))
}

impl PyRow {
    /// `set_for_frames` on the object holding exactly `cell`; `None` when the row does not hold it.
    pub(crate) fn set_frames_of_cell(
        &self,
        cell: &ObjectCell,
        frames: &[Frame],
        geometries: Geometries<'_>,
        update: &MetaUpdate,
        overwrite: bool,
    ) -> Option<crate::error::Result<()>> {
        let mut r = self.inner.lock();
        let order = r
            .object_order(&cell.lock().hash)
            .filter(|o| r.object(*o).is_some_and(|c| std::sync::Arc::ptr_eq(c, cell)))?;
        Some(r.object_set_frames(order, frames, geometries, update, None, overwrite, now_secs()))
    }
}

#[pymethods]
impl PyRow {
    /// Parses a label dict into a new row (the work of `from_labels_dict`). Reading the dict needs the GIL, and
    /// its frames are read as the parser reaches them, so the GIL is held throughout (a dict without frames is
    /// parsed without it).
    #[staticmethod]
    fn load(
        py: Python<'_>,
        ontology: &PyOntology,
        media: &Bound<'_, PyDict>,
        label_row: &Bound<'_, PyAny>,
        date_fallback: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let (media, spaces) = (media_arg(py, media)?, spaces_arg(py, media)?);
        let mut input = tree_from_py(label_row)?;
        let (tree, deferred) = input.parts();
        let parsed = parse_row(py, tree, deferred, ontology, media, &spaces, date_fallback);
        match parsed {
            Ok(row) => Ok(Self { inner: Mutex::new(row) }),
            Err(ParseFailure(e)) => Err(input.take_error().unwrap_or_else(|| label_error(py, &e))),
        }
    }

    /// Parses label-row JSON (bytes or str) entirely in Rust, without the GIL.
    #[staticmethod]
    fn load_json(
        py: Python<'_>,
        ontology: &PyOntology,
        media: &Bound<'_, PyDict>,
        data: &Bound<'_, PyAny>,
        date_fallback: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        // `bytes` and `str` are immutable and held by the caller for the whole call, so their buffers stay valid
        // while the GIL is released; anything else is copied (or refused) as `str` extraction does.
        let owned: String;
        let bytes: &[u8] = match data.cast::<PyBytes>() {
            Ok(b) => b.as_bytes(),
            Err(_) => match data.cast::<PyString>() {
                Ok(s) => s.to_str()?.as_bytes(),
                Err(_) => {
                    owned = data.extract::<String>()?;
                    owned.as_bytes()
                }
            },
        };
        let tree = py
            .detach(|| crate::tree::json::parse(bytes))
            .map_err(|e| label_error(py, &LabelError::value(format!("invalid label row JSON: {e}"))))?;
        let row = parse_row(
            py,
            &tree,
            None,
            ontology,
            media_arg(py, media)?,
            &spaces_arg(py, media)?,
            date_fallback,
        )
        .map_err(|ParseFailure(e)| label_error(py, &e))?;
        Ok(Self { inner: Mutex::new(row) })
    }

    /// Geometric annotations as numpy columns (see `crate::columns`), collected without the GIL. Owned buffers
    /// are handed to numpy without a copy.
    #[pyo3(signature = (feature_hash=None, frame_ranges=None))]
    fn columns<'py>(
        &self,
        py: Python<'py>,
        feature_hash: Option<String>,
        frame_ranges: Option<Vec<(Frame, Frame)>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let ranges = frame_ranges.map(ranges_arg);
        let c = py.detach(|| crate::columns::collect(&self.inner.lock(), feature_hash.as_deref(), ranges.as_ref()));
        super::arrays::columns_to_py(py, c)
    }

    /// The label dict as JSON bytes, written in Rust without the GIL.
    #[pyo3(signature = (renumber_objects=false))]
    fn to_json<'py>(&self, py: Python<'py>, renumber_objects: bool) -> PyResult<Bound<'py, pyo3::types::PyBytes>> {
        super::json_out::to_json_bytes(py, &self.inner.lock(), ExportOptions { renumber_objects })
    }

    /// The label dict as Python objects, built straight from the store (the GIL is needed throughout).
    #[pyo3(signature = (renumber_objects=false))]
    fn to_dict<'py>(&self, py: Python<'py>, renumber_objects: bool) -> PyResult<Bound<'py, PyAny>> {
        super::dict_out::export_dict(py, &self.inner.lock(), ExportOptions { renumber_objects })
    }

    fn header<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let r = self.inner.lock();
        let h = &r.header;
        let d = PyDict::new(py);
        d.set_item("label_hash", to_py(py, &h.label_hash)?)?;
        d.set_item("branch_name", to_py(py, &h.branch_name)?)?;
        d.set_item("created_at", h.created_at)?;
        d.set_item("last_edited_at", h.last_edited_at)?;
        d.set_item("data_hash", to_py(py, &h.data_hash)?)?;
        d.set_item("dataset_hash", to_py(py, &h.dataset_hash)?)?;
        d.set_item("dataset_title", to_py(py, &h.dataset_title)?)?;
        d.set_item("data_title", to_py(py, &h.data_title)?)?;
        d.set_item("data_type", h.data_type.as_str())?;
        d.set_item("annotation_task_status", to_py(py, &h.annotation_task_status)?)?;
        d.set_item("label_status", &h.label_status)?;
        Ok(d)
    }

    /// `[(frame, unit_dict), ...]` in unit order.
    fn units<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let r = self.inner.lock();
        let out = PyList::empty(py);
        for (f, u) in &r.units {
            let d = PyDict::new(py);
            d.set_item("data_hash", to_py(py, &u.hash)?)?;
            d.set_item("data_title", to_py(py, &u.title)?)?;
            if let Some(l) = &u.link {
                d.set_item("data_link", to_py(py, l)?)?;
            }
            d.set_item("data_type", to_py(py, &u.mime)?)?;
            d.set_item("width", to_py(py, &u.width)?)?;
            d.set_item("height", to_py(py, &u.height)?)?;
            if let Some(m) = &u.metadata {
                d.set_item("metadata", to_py(py, m)?)?;
            }
            if let Some(a) = &u.audio {
                for (k, v) in [
                    "audio_codec",
                    "audio_sample_rate",
                    "audio_bit_depth",
                    "audio_num_channels",
                ]
                .iter()
                .zip(a)
                {
                    d.set_item(*k, to_py(py, v)?)?;
                }
            }
            out.append((*f, d))?;
        }
        Ok(out)
    }

    /// Re-applies identity fields (`from_labels_dict(preserve_identity=True)`).
    #[pyo3(signature = (label_hash, data_hash, dataset_hash, branch_name, frame_hashes=None))]
    fn set_identity(
        &self,
        py: Python<'_>,
        label_hash: &Bound<'_, PyAny>,
        data_hash: &Bound<'_, PyAny>,
        dataset_hash: &Bound<'_, PyAny>,
        branch_name: &Bound<'_, PyAny>,
        frame_hashes: Option<Vec<String>>,
    ) -> PyResult<()> {
        let mut r = self.inner.lock();
        r.header.label_hash = to_value(label_hash)?;
        r.header.data_hash = to_value(data_hash)?;
        r.header.dataset_hash = to_value(dataset_hash)?;
        r.header.branch_name = to_value(branch_name)?;
        match frame_hashes {
            Some(hashes) => {
                let mut frames: Vec<Frame> = r.units.keys().copied().collect();
                frames.sort_unstable();
                if frames.len() != hashes.len() {
                    return Err(label_error(
                        py,
                        &LabelError::label_row(format!(
                            "frame_hashes length ({}) does not match number of frames ({}).",
                            hashes.len(),
                            frames.len()
                        )),
                    ));
                }
                for (f, h) in frames.iter().zip(hashes) {
                    if let Some(u) = r.units.get_mut(f) {
                        u.hash = Value::String(h);
                    }
                }
                // The units are rebuilt from the preserved frame hashes, in frame order.
                r.units.sort_keys();
            }
            None => {
                let dh = r.header.data_hash.clone();
                if let Some((_, u)) = r.units.iter_mut().next() {
                    u.hash = dh;
                }
            }
        }
        Ok(())
    }

    #[getter]
    fn number_of_frames(&self) -> i64 {
        self.inner.lock().media.number_of_frames
    }

    // ---- objects ---------------------------------------------------------------------------------------------

    fn add_object(&self, py: Python<'_>, cell: &PyObjectCell, force: bool) -> PyResult<u64> {
        self.inner.lock().add_object(cell.cell.clone(), force).py_err(py)
    }

    fn remove_object(&self, order: u64) -> bool {
        self.inner.lock().remove_object(order).is_some()
    }

    fn object_order(&self, object_hash: &str) -> Option<u64> {
        self.inner.lock().object_order(object_hash)
    }

    fn object_cell(&self, py: Python<'_>, order: u64) -> PyResult<PyObjectCell> {
        let r = self.inner.lock();
        r.object(order)
            .map(|c| PyObjectCell { cell: c.clone() })
            .ok_or_else(|| lost(py))
    }

    /// The order of the object holding exactly this cell, if it is on the row.
    fn order_of_cell(&self, cell: &PyObjectCell) -> Option<u64> {
        let r = self.inner.lock();
        let hash = cell.cell.lock().hash.clone();
        r.object_order(&hash)
            .filter(|o| r.object(*o).is_some_and(|c| std::sync::Arc::ptr_eq(c, &cell.cell)))
    }

    #[pyo3(signature = (order, frames, geometry, meta, *, overwrite=false))]
    fn object_set_frames(
        &self,
        py: Python<'_>,
        order: u64,
        frames: Vec<Frame>,
        geometry: &Bound<'_, PyAny>,
        meta: MetaArgs<'_>,
        overwrite: bool,
    ) -> PyResult<()> {
        let g = geometry_arg(geometry)?;
        let update = meta.into_update()?;
        self.inner
            .lock()
            .object_set_frames(
                order,
                &frames,
                Geometries::Same(&g),
                &update,
                None,
                overwrite,
                now_secs(),
            )
            .py_err(py)
    }

    /// Bulk `set_for_frames` on an attached object (arrays as in `ObjectCell.set_frames_bulk`).
    #[pyo3(signature = (order, frames, kind, coordinates, meta, *, offsets=None, confidence=None, overwrite=false, skeleton=None, fallback=None))]
    #[allow(clippy::too_many_arguments)]
    fn object_set_frames_bulk(
        &self,
        py: Python<'_>,
        order: u64,
        frames: numpy::PyReadonlyArray1<'_, i64>,
        kind: &str,
        coordinates: &Bound<'_, PyAny>,
        meta: MetaArgs<'_>,
        offsets: Option<numpy::PyReadonlyArray1<'_, i64>>,
        confidence: Option<numpy::PyReadonlyArray1<'_, f64>>,
        overwrite: bool,
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
        self.inner
            .lock()
            .object_set_frames(
                order,
                &bulk.frames,
                Geometries::Owned(bulk.geometries),
                &update,
                bulk.confidences.as_deref(),
                overwrite,
                now_secs(),
            )
            .py_err(py)
    }

    fn object_remove_frames(&self, py: Python<'_>, order: u64, frames: Vec<Frame>) -> PyResult<bool> {
        self.inner.lock().object_remove_frames(order, &frames).py_err(py)
    }

    fn objects_on_frame(&self, frame: Frame) -> Vec<u64> {
        self.inner.lock().objects_on_frame(frame).to_vec()
    }

    #[pyo3(signature = (feature_hash=None, frame_ranges=None))]
    fn filter_objects(&self, feature_hash: Option<&str>, frame_ranges: Option<Vec<(Frame, Frame)>>) -> Vec<u64> {
        let ranges = frame_ranges.map(ranges_arg);
        self.inner.lock().filter_objects(feature_hash, ranges.as_ref())
    }

    // ---- classifications -------------------------------------------------------------------------------------

    fn add_classification(&self, py: Python<'_>, cell: &PyClassificationCell, force: bool) -> PyResult<u64> {
        self.inner
            .lock()
            .add_classification(cell.cell.clone(), force)
            .py_err(py)
    }

    fn remove_classification(&self, order: u64) -> bool {
        self.inner.lock().remove_classification(order).is_some()
    }

    fn classification_order(&self, classification_hash: &str) -> Option<u64> {
        self.inner.lock().classification_order(classification_hash)
    }

    fn order_of_classification_cell(&self, cell: &PyClassificationCell) -> Option<u64> {
        let r = self.inner.lock();
        let hash = cell.cell.lock().hash.clone();
        r.classification_order(&hash).filter(|o| {
            r.classification(*o)
                .is_some_and(|c| std::sync::Arc::ptr_eq(c, &cell.cell))
        })
    }

    fn classification_cell(&self, py: Python<'_>, order: u64) -> PyResult<PyClassificationCell> {
        let r = self.inner.lock();
        r.classification(order)
            .map(|c| PyClassificationCell { cell: c.clone() })
            .ok_or_else(|| lost(py))
    }

    /// Frames claimed on the row by instances of an ontology classification (the overlap registry).
    fn claimed_ranges(&self, feature_hash: &str) -> Vec<(Frame, Frame)> {
        let all = crate::ranges::RangeSet::from_ranges([(Frame::MIN, Frame::MAX)]);
        self.inner.lock().claimed_overlap(feature_hash, &all).ranges().to_vec()
    }

    fn classification_set_frames(
        &self,
        py: Python<'_>,
        order: u64,
        ranges: Vec<(Frame, Frame)>,
        overwrite: bool,
    ) -> PyResult<()> {
        self.inner
            .lock()
            .classification_set_frames(order, &ranges_arg(ranges), overwrite)
            .py_err(py)
    }

    fn classification_remove_frames(&self, order: u64, ranges: Vec<(Frame, Frame)>) {
        self.inner
            .lock()
            .classification_remove_frames(order, &ranges_arg(ranges));
    }

    #[pyo3(signature = (feature_hash=None, frame_ranges=None))]
    fn filter_classifications(
        &self,
        feature_hash: Option<&str>,
        frame_ranges: Option<Vec<(Frame, Frame)>>,
    ) -> Vec<u64> {
        let ranges = frame_ranges.map(ranges_arg);
        self.inner.lock().filter_classifications(feature_hash, ranges.as_ref())
    }

    /// Rows are checked by `to_dict`; this checks one object's frames against the media bound.
    fn frame_bound(&self) -> Option<i64> {
        self.inner.lock().frame_bound()
    }

    /// The DICOM series metadata read from the dict, as a dict (or `None`).
    fn series_metadata<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let r = self.inner.lock();
        r.medical
            .series
            .as_ref()
            .map(|m| super::medical::series_dict(py, m))
            .transpose()
    }

    /// The DICOM slice metadata of a frame read from the dict, as a dict (or `None`).
    fn slice_metadata<'py>(&self, py: Python<'py>, frame: Frame) -> PyResult<Option<Bound<'py, PyDict>>> {
        let r = self.inner.lock();
        r.medical
            .slices
            .get(&frame)
            .map(|m| super::medical::slice_dict(py, m))
            .transpose()
    }

    fn object_orders(&self) -> Vec<u64> {
        self.inner.lock().objects().map(|(o, _)| o).collect()
    }

    fn classification_orders(&self) -> Vec<u64> {
        self.inner.lock().classifications().map(|(o, _)| o).collect()
    }

    // ---- spaces (see `super::spaces`) -------------------------------------------------------------------------

    fn space_objects(&self, py: Python<'_>, space_id: &str) -> PyResult<Vec<PyObjectCell>> {
        super::spaces::objects(&self.inner.lock(), space_id).py_err(py)
    }

    fn space_classifications(&self, py: Python<'_>, space_id: &str) -> PyResult<Vec<PyClassificationCell>> {
        super::spaces::classifications(&self.inner.lock(), space_id).py_err(py)
    }

    #[pyo3(signature = (space_id, cell, frames, geometry, meta, on_overlap))]
    #[allow(clippy::too_many_arguments)]
    fn space_put_object(
        &self,
        py: Python<'_>,
        space_id: &str,
        cell: &PyObjectCell,
        frames: Vec<Frame>,
        geometry: &Bound<'_, PyAny>,
        meta: MetaArgs<'_>,
        on_overlap: Option<&str>,
    ) -> PyResult<()> {
        let g = geometry_arg(geometry)?;
        let update = meta.into_update()?;
        let overlap = super::spaces::overlap_arg(on_overlap).py_err(py)?;
        let mut r = self.inner.lock();
        let space = r.spaces.get_mut(space_id).py_err(py)?;
        space
            .put_object(&cell.cell, &frames, &g, &update, overlap, now_secs())
            .py_err(py)
    }

    #[pyo3(signature = (space_id, object_hash, frames=None))]
    fn space_remove_object(
        &self,
        py: Python<'_>,
        space_id: &str,
        object_hash: &str,
        frames: Option<Vec<Frame>>,
    ) -> PyResult<Option<PyObjectCell>> {
        let mut r = self.inner.lock();
        let space = r.spaces.get_mut(space_id).py_err(py)?;
        let cell = space.remove_object(object_hash, frames.as_deref()).py_err(py)?;
        if let Some(c) = &cell {
            r.spaces.release_range_meta(c);
        }
        Ok(cell.map(|cell| PyObjectCell { cell }))
    }

    #[pyo3(signature = (space_id, cell, frames, meta, on_overlap))]
    fn space_put_classification(
        &self,
        py: Python<'_>,
        space_id: &str,
        cell: &PyClassificationCell,
        frames: Option<Vec<Frame>>,
        meta: MetaArgs<'_>,
        on_overlap: Option<&str>,
    ) -> PyResult<()> {
        let update = meta.into_update()?;
        let overlap = super::spaces::overlap_arg(on_overlap).py_err(py)?;
        let mut r = self.inner.lock();
        let space = r.spaces.get_mut(space_id).py_err(py)?;
        space
            .put_classification(&cell.cell, frames.as_deref(), &update, overlap, now_secs())
            .py_err(py)
    }

    #[pyo3(signature = (space_id, classification_hash, frames=None))]
    fn space_remove_classification(
        &self,
        py: Python<'_>,
        space_id: &str,
        classification_hash: &str,
        frames: Option<Vec<Frame>>,
    ) -> PyResult<Option<PyClassificationCell>> {
        let mut r = self.inner.lock();
        let space = r.spaces.get_mut(space_id).py_err(py)?;
        let cell = space
            .remove_classification(classification_hash, frames.as_deref())
            .py_err(py)?;
        Ok(cell.map(|cell| PyClassificationCell { cell }))
    }

    /// `(frame, object hash)` of every object annotation on a space, frames ascending.
    fn space_object_annotations(&self, py: Python<'_>, space_id: &str) -> PyResult<Vec<(Frame, String)>> {
        Ok(super::spaces::space(&self.inner.lock(), space_id)
            .py_err(py)?
            .object_annotations())
    }

    /// `(frame or None, classification hash)` of every classification placement on a space.
    fn space_classification_annotations(
        &self,
        py: Python<'_>,
        space_id: &str,
    ) -> PyResult<Vec<(Option<Frame>, String)>> {
        Ok(super::spaces::space(&self.inner.lock(), space_id)
            .py_err(py)?
            .classification_annotations())
    }

    /// Frames an object is annotated on in a space.
    fn space_object_frames(&self, py: Python<'_>, space_id: &str, object_hash: &str) -> PyResult<Vec<Frame>> {
        Ok(super::spaces::space(&self.inner.lock(), space_id)
            .py_err(py)?
            .object_frames(object_hash))
    }

    /// `(entry, metadata tuple)` of an object annotation on a space, or None.
    fn space_annotation<'py>(
        &self,
        py: Python<'py>,
        space_id: &str,
        object_hash: &str,
        frame: Frame,
    ) -> PyResult<Option<Bound<'py, pyo3::types::PyTuple>>> {
        super::spaces::annotation(py, &self.inner.lock(), space_id, object_hash, frame)
    }

    /// Metadata tuple of a classification placement (`frame` None: the whole-space one), or None.
    #[pyo3(signature = (space_id, classification_hash, frame=None))]
    fn space_classification_meta<'py>(
        &self,
        py: Python<'py>,
        space_id: &str,
        classification_hash: &str,
        frame: Option<Frame>,
    ) -> PyResult<Option<Bound<'py, pyo3::types::PyTuple>>> {
        super::spaces::classification_meta(py, &self.inner.lock(), space_id, classification_hash, frame)
    }

    fn space_set_object_meta(
        &self,
        space_id: &str,
        object_hash: &str,
        frame: Frame,
        name: &str,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        super::spaces::set_object_meta(&mut self.inner.lock(), space_id, object_hash, frame, name, value)
    }

    fn space_set_object_geometry(
        &self,
        space_id: &str,
        object_hash: &str,
        frame: Frame,
        geometry: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        super::spaces::set_object_geometry(&mut self.inner.lock(), space_id, object_hash, frame, geometry)
    }

    #[pyo3(signature = (space_id, classification_hash, frame, name, value))]
    fn space_set_classification_meta(
        &self,
        space_id: &str,
        classification_hash: &str,
        frame: Option<Frame>,
        name: &str,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        super::spaces::set_classification_meta(
            &mut self.inner.lock(),
            space_id,
            classification_hash,
            frame,
            name,
            value,
        )
    }

    // ---- range spaces (see `super::space_ranges`) -------------------------------------------------------------

    #[pyo3(signature = (space_id, cell, ranges, html, meta, on_overlap))]
    #[allow(clippy::too_many_arguments)]
    fn space_put_range_object(
        &self,
        py: Python<'_>,
        space_id: &str,
        cell: &PyObjectCell,
        ranges: Option<Vec<(Frame, Frame)>>,
        html: Option<Vec<super::space_ranges::HtmlArg>>,
        meta: MetaArgs<'_>,
        on_overlap: Option<&str>,
    ) -> PyResult<()> {
        let update = meta.into_update()?;
        let placement = super::space_ranges::placement_arg(ranges, html).py_err(py)?;
        let mut r = self.inner.lock();
        let space = r.spaces.get_mut(space_id).py_err(py)?;
        let overlap = crate::spaces::RangeOverlap::parse(on_overlap, space.def.kind == crate::spaces::SpaceKind::Html)
            .py_err(py)?;
        space
            .put_range_object(&cell.cell, placement, &update, overlap, now_secs())
            .py_err(py)
    }

    /// Removes an object from ranges of a range space; returns the ranges it was removed from.
    fn space_remove_object_ranges(
        &self,
        py: Python<'_>,
        space_id: &str,
        object_hash: &str,
        ranges: Vec<(Frame, Frame)>,
    ) -> PyResult<Vec<(Frame, Frame)>> {
        let wanted = crate::spaces::range_set(&ranges).py_err(py)?;
        let mut r = self.inner.lock();
        let space = r.spaces.get_mut(space_id).py_err(py)?;
        Ok(space.remove_object_from_ranges(object_hash, &wanted).ranges().to_vec())
    }

    /// Where an object sits on a range space, or None.
    fn space_object_placement<'py>(
        &self,
        py: Python<'py>,
        space_id: &str,
        object_hash: &str,
    ) -> PyResult<Option<Bound<'py, pyo3::types::PyList>>> {
        super::space_ranges::placement(py, &self.inner.lock(), space_id, object_hash)
    }

    #[pyo3(signature = (space_id, object_hash, ranges, html))]
    fn space_set_object_placement(
        &self,
        py: Python<'_>,
        space_id: &str,
        object_hash: &str,
        ranges: Option<Vec<(Frame, Frame)>>,
        html: Option<Vec<super::space_ranges::HtmlArg>>,
    ) -> PyResult<()> {
        let placement = super::space_ranges::placement_arg(ranges, html).py_err(py)?;
        let mut r = self.inner.lock();
        let space = r.spaces.get_mut(space_id).py_err(py)?;
        space.set_object_placement(object_hash, placement).py_err(py)
    }

    /// Metadata tuple of an object's placements on range spaces, when this space holds it.
    fn space_range_meta<'py>(
        &self,
        py: Python<'py>,
        space_id: &str,
        object_hash: &str,
    ) -> PyResult<Option<Bound<'py, pyo3::types::PyTuple>>> {
        super::space_ranges::meta(py, &self.inner.lock(), space_id, object_hash)
    }

    fn space_set_range_meta(
        &self,
        space_id: &str,
        object_hash: &str,
        name: &str,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        super::space_ranges::set_meta(&self.inner.lock(), space_id, object_hash, name, value)
    }
}
