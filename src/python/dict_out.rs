//! The Python sink of the exporter: `to_encord_dict()` builds its dicts and lists directly from the store,
//! with the GIL held, and no intermediate `Value`.
//!
//! Keys and repeated strings (names, colours, hashes, user emails, dates) are made once per export and shared:
//! most of a label dict is the same few strings on every annotation.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyList, PyString};

use super::errors::label_error;
use crate::dates::format_timestamp;
use crate::export::{export_into, ExportOptions, FastMap, Key, LabelSink};
use crate::row::RowStore;

/// Longer strings are rarely repeated; hashing them would cost more than the copy it saves.
const SHARED_MAX: usize = 64;
/// Vertex and point indices (`"0"`, `"1"`, ...) below this are made once.
const INDEX_KEYS: i64 = 256;

enum Open<'py> {
    /// A dict and the key of its next value.
    Dict(Bound<'py, PyDict>, Option<Bound<'py, PyString>>),
    List(Vec<Bound<'py, PyAny>>),
}

struct DictSink<'py> {
    py: Python<'py>,
    keys: Vec<Option<Bound<'py, PyString>>>,
    index_keys: Vec<Bound<'py, PyString>>,
    shared: FastMap<Box<str>, Bound<'py, PyString>>,
    dates: FastMap<i64, Bound<'py, PyString>>,
    stack: Vec<Open<'py>>,
    root: Option<Bound<'py, PyAny>>,
    err: Option<PyErr>,
}

impl<'py> DictSink<'py> {
    fn new(py: Python<'py>) -> Self {
        Self {
            py,
            keys: vec![None; Key::COUNT],
            index_keys: Vec::new(),
            shared: FastMap::default(),
            dates: FastMap::default(),
            stack: Vec::with_capacity(16),
            root: None,
            err: None,
        }
    }

    fn finish(self) -> PyResult<Bound<'py, PyAny>> {
        if let Some(e) = self.err {
            return Err(e);
        }
        Ok(self.root.unwrap_or_else(|| self.py.None().into_bound(self.py)))
    }

    fn put(&mut self, v: Bound<'py, PyAny>) {
        match self.stack.last_mut() {
            Some(Open::Dict(d, key)) => {
                if let Some(k) = key.take() {
                    if let Err(e) = d.set_item(k, v) {
                        self.err.get_or_insert(e);
                    }
                }
            }
            Some(Open::List(l)) => l.push(v),
            None => self.root = Some(v),
        }
    }

    fn set_key(&mut self, k: Bound<'py, PyString>) {
        if let Some(Open::Dict(_, key)) = self.stack.last_mut() {
            *key = Some(k);
        }
    }

    fn shared_str(&mut self, s: &str) -> Bound<'py, PyString> {
        if s.len() > SHARED_MAX {
            return PyString::new(self.py, s);
        }
        if let Some(p) = self.shared.get(s) {
            return p.clone();
        }
        let p = PyString::new(self.py, s);
        self.shared.insert(s.into(), p.clone());
        p
    }
}

impl LabelSink for DictSink<'_> {
    fn begin_map(&mut self, _: usize) {
        self.stack.push(Open::Dict(PyDict::new(self.py), None));
    }
    fn end_map(&mut self) {
        if let Some(Open::Dict(d, _)) = self.stack.pop() {
            self.put(d.into_any());
        }
    }
    fn begin_list(&mut self, len_hint: usize) {
        self.stack.push(Open::List(Vec::with_capacity(len_hint)));
    }
    fn end_list(&mut self) {
        if let Some(Open::List(items)) = self.stack.pop() {
            match PyList::new(self.py, items) {
                Ok(l) => self.put(l.into_any()),
                Err(e) => {
                    self.err.get_or_insert(e);
                }
            }
        }
    }
    fn key(&mut self, k: Key) {
        let py = self.py;
        let slot = &mut self.keys[k.index()];
        let s = slot.get_or_insert_with(|| PyString::intern(py, k.as_str())).clone();
        self.set_key(s);
    }
    fn key_str(&mut self, k: &str) {
        let s = self.shared_str(k);
        self.set_key(s);
    }
    fn key_int(&mut self, k: i64) {
        let s = if (0..INDEX_KEYS).contains(&k) {
            let i = k as usize;
            while self.index_keys.len() <= i {
                let n = self.index_keys.len();
                self.index_keys.push(PyString::new(self.py, &n.to_string()));
            }
            self.index_keys[i].clone()
        } else {
            PyString::new(self.py, &k.to_string())
        };
        self.set_key(s);
    }
    fn str(&mut self, v: &str) {
        self.put(PyString::new(self.py, v).into_any());
    }
    fn sym(&mut self, v: &str) {
        let s = self.shared_str(v);
        self.put(s.into_any());
    }
    fn int(&mut self, v: i64) {
        match v.into_pyobject(self.py) {
            Ok(i) => self.put(i.into_any()),
            Err(e) => match e {},
        }
    }
    fn uint(&mut self, v: u64) {
        match v.into_pyobject(self.py) {
            Ok(i) => self.put(i.into_any()),
            Err(e) => match e {},
        }
    }
    fn float(&mut self, v: f64) {
        self.put(PyFloat::new(self.py, v).into_any());
    }
    fn bool(&mut self, v: bool) {
        self.put(PyBool::new(self.py, v).to_owned().into_any());
    }
    fn null(&mut self) {
        self.put(self.py.None().into_bound(self.py));
    }
    fn date(&mut self, secs: i64) {
        let py = self.py;
        let s = self
            .dates
            .entry(secs)
            .or_insert_with(|| PyString::new(py, &format_timestamp(secs)))
            .clone();
        self.put(s.into_any());
    }
}

/// Keeps CPython's cyclic garbage collector paused while it lives, if it was running.
///
/// A label dict of a large row is hundreds of thousands of containers built in one go. Every collection the
/// collector would start meanwhile walks a growing heap of objects that are all reachable and form no cycle,
/// and a build of that size set off several full ones: more than half the time of the build went there. Paused,
/// the new objects are looked at once, by the next young-generation collection after the export.
struct GcPause {
    was_enabled: bool,
}

impl GcPause {
    fn new(_py: Python<'_>) -> Self {
        // SAFETY: the GIL is held (the token proves it); `PyGC_Disable` only flips the interpreter's flag.
        let was_enabled = unsafe { pyo3::ffi::PyGC_Disable() } == 1;
        Self { was_enabled }
    }
}

impl Drop for GcPause {
    fn drop(&mut self) {
        if self.was_enabled {
            // SAFETY: dropped on the thread that made it, within the same `export_dict` call, GIL still held.
            unsafe { pyo3::ffi::PyGC_Enable() };
        }
    }
}

/// The label dict as Python dicts and lists. An export error drops whatever was built.
pub fn export_dict<'py>(py: Python<'py>, row: &RowStore, opts: ExportOptions) -> PyResult<Bound<'py, PyAny>> {
    let _pause = GcPause::new(py);
    let mut sink = DictSink::new(py);
    export_into(row, opts, &mut sink).map_err(|e| label_error(py, &e))?;
    sink.finish()
}

/// One frame-object entry (geometry keys included) as a Python dict.
pub fn frame_object_dict<'py>(
    py: Python<'py>,
    o: &crate::instance::ObjectData,
    a: &crate::instance::FrameAnnotation,
) -> PyResult<Bound<'py, PyAny>> {
    let mut sink = DictSink::new(py);
    crate::export::write_frame_object(o, a, &mut sink);
    sink.finish()
}

/// The `name`, `shape` and geometry keys of one frame-object entry, as a Python dict.
pub fn frame_geometry_dict<'py>(
    py: Python<'py>,
    o: &crate::instance::ObjectData,
    a: &crate::instance::FrameAnnotation,
) -> PyResult<Bound<'py, PyAny>> {
    let mut sink = DictSink::new(py);
    crate::export::write_frame_geometry(o, a, &mut sink);
    sink.finish()
}
