//! The walk behind [`super::tree::tree_from_py`] on CPython with the GIL. It accepts and rejects exactly what
//! `convert::to_value` does (same checks in the same order, the same exceptions).
//!
//! The plain types (exact `dict`, `list`, `str`, `int`, `float`, `bool`, `None`) are read straight through the
//! C API with borrowed references: a label dict has hundreds of thousands of values, and reference counting
//! and repeated type checks were most of the cost. Anything else goes through `classify`, the checks of
//! `to_value` in its order. The walk keeps its own stack rather than recursing, so nesting depth is bounded
//! by memory, not by the thread's stack.

use std::ptr;

use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use super::errors::label_error;
use crate::error::LabelError;
use crate::tree::{
    float_node, int_node, Buffers, Builder, Deferred, DeferredKind, MapStart, Node, Place, SharedSource, Span,
    TooLarge, Tree,
};

/// A value met during the walk: a pointer, and the reference that keeps it alive when the container's own
/// (borrowed) reference is not enough.
struct Child<'py> {
    ptr: *mut ffi::PyObject,
    owner: Option<Bound<'py, PyAny>>,
}

impl<'py> Child<'py> {
    /// Takes a reference of our own, before anything that may run Python code (which could drop the
    /// container's reference).
    fn own(&mut self, py: Python<'py>) -> &Bound<'py, PyAny> {
        let ptr = self.ptr;
        // SAFETY: the GIL is held and `ptr` is alive: borrowed from a container the walk holds a reference to,
        // with no Python code run since it was read.
        self.owner
            .get_or_insert_with(|| unsafe { Bound::from_borrowed_ptr(py, ptr) })
    }
}

enum Kind {
    Dict {
        pos: ffi::Py_ssize_t,
        len: ffi::Py_ssize_t,
        /// The dict's entries read ahead into `Walk::entries` (`[start, end)`, the next one at `next`); `None`
        /// once Python code may have run since (the rest is then read with `PyDict_Next` from `pos`).
        ahead: Option<(usize, usize)>,
        start: usize,
        map: MapStart,
        key: Option<Span>,
        /// The pending key is a plain `str` and no other kind of key has been seen: it cannot repeat an
        /// earlier key.
        unique: bool,
        mixed: bool,
    },
    List {
        next: ffi::Py_ssize_t,
        start: usize,
    },
    Tuple {
        next: ffi::Py_ssize_t,
        start: usize,
    },
}

/// An open container: the walk's own reference to it, where its iteration stands, and where it sits in the row.
struct Frame<'py> {
    obj: Bound<'py, PyAny>,
    kind: Kind,
    place: Place,
}

/// How far ahead of the walk list items are fetched (see `open_dict`).
const PREFETCH_ITEMS: ffi::Py_ssize_t = 8;

/// Asks the CPU to start loading an object's header and first bytes.
#[inline]
pub(super) fn prefetch(p: *mut ffi::PyObject) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: a prefetch is only a hint; it never faults, whatever the address.
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(p.cast::<i8>());
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

fn too_large(py: Python<'_>, e: TooLarge) -> PyErr {
    label_error(py, &LabelError::value(e.to_string()))
}

/// A dict entry read ahead: borrowed key and value, and the `PyDict_Next` position after it.
type Ahead = (*mut ffi::PyObject, *mut ffi::PyObject, ffi::Py_ssize_t);

struct Walk<'py> {
    py: Python<'py>,
    b: Builder<'static>,
    /// Whether the values of `data_units.*.labels` and the answers dicts are left for later (into `deferred`).
    defer: bool,
    /// The values left for later, with their places.
    deferred: Vec<(Bound<'py, PyAny>, Place)>,
    stack: Vec<Frame<'py>>,
    /// Entries of the open dicts, read ahead (a region per dict, innermost last).
    entries: Vec<Ahead>,
    keys: KeyCache,
    root: Option<Node>,
    /// References of ours that were the last ones to their objects: freeing an object may run Python code
    /// (finalizers), which the borrowed references and the key cache must not meet mid-walk, so they are
    /// dropped when the walk is over.
    graveyard: Vec<Bound<'py, PyAny>>,
}

/// The tree's copies of recently met `str` keys, by object address: a label dict repeats a few dozen key
/// objects hundreds of thousands of times. An address stands for the same string only while no Python code
/// runs (nothing the walk reaches can be freed before), so the cache is emptied whenever some may.
pub(super) struct KeyCache([(usize, Option<Span>); 256]);

impl KeyCache {
    pub(super) fn new() -> Self {
        Self([(0, None); 256])
    }

    fn slot(p: *mut ffi::PyObject) -> usize {
        // Objects are 16-byte aligned: the low bits carry no information.
        (p as usize >> 4) & 255
    }

    pub(super) fn get(&self, p: *mut ffi::PyObject) -> Option<Span> {
        let (addr, span) = self.0[Self::slot(p)];
        span.filter(|_| addr == p as usize)
    }

    pub(super) fn put(&mut self, p: *mut ffi::PyObject, span: Span) {
        self.0[Self::slot(p)] = (p as usize, Some(span));
    }

    fn clear(&mut self) {
        self.0.fill((0, None));
    }
}

/// Reads a Python label dict (or any value `to_value` accepts) into a tree. Each frame of `data_units.*.labels`
/// and each answers dict (see [`Place::Answers`]) that is a plain dict or list stays a Python object
/// ([`Node::Deferred`]); the parser has the returned [`Frames`] walk it when it gets there.
pub fn walk<'py>(ob: &Bound<'py, PyAny>) -> PyResult<(Tree<'static>, Frames<'py>)> {
    let mut w = Walk::new(ob.py(), Builder::new(""), true);
    let root = w.run(ob, Place::Root)?;
    let Walk {
        b, deferred, graveyard, ..
    } = w;
    drop(graveyard);
    let frames = Frames {
        py: ob.py(),
        plain: super::plain::PlainValues::new(&deferred),
        objects: deferred,
        spare: Buffers::default(),
        error: None,
    };
    Ok((b.finish(root), frames))
}

/// The values a [`walk`] left as Python objects (frames and answers dicts), walked into trees of their own on
/// demand (reusing the buffers of the previous one).
pub struct Frames<'py> {
    py: Python<'py>,
    objects: Vec<(Bound<'py, PyAny>, Place)>,
    /// `objects` for other threads (see [`super::plain`]).
    plain: super::plain::PlainValues,
    spare: Buffers,
    /// The exception a frame's walk raised (the parser only carries a `LabelError`): the load's answer.
    error: Option<PyErr>,
}

impl Frames<'_> {
    /// Whether the walk left any value for later.
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// The exception behind a parse failure, if a frame's walk raised it.
    pub fn take_error(&mut self) -> Option<PyErr> {
        self.error.take()
    }
}

impl Deferred for Frames<'_> {
    fn build(&mut self, index: u32) -> Result<Tree<'static>, LabelError> {
        let Some((ob, place)) = self.objects.get(index as usize) else {
            return Err(LabelError::value(format!("no deferred value {index}")));
        };
        // Most values are plain data, which the plain walk reads without reference counting; it has no effects,
        // so a value it does not read is simply walked again here, with this walk's answer.
        // SAFETY: this thread holds the GIL (`self.py`) and runs no Python code until the plain walk returns.
        if let Some(tree) = unsafe { self.plain.build_shared(index, &mut self.spare) } {
            return Ok(tree);
        }
        let mut w = Walk::new(
            self.py,
            Builder::with_buffers("", std::mem::take(&mut self.spare)),
            false,
        );
        if matches!(place, Place::Answers(_)) {
            w.b.reserve_for_answers(self.len_hint(index));
        }
        match w.run(ob, *place) {
            Ok(root) => {
                let (tree, spare) = w.b.finish_keeping(root);
                self.spare = spare;
                Ok(tree)
            }
            Err(e) => {
                let msg = e.to_string();
                self.error = Some(e);
                Err(LabelError::value(msg))
            }
        }
    }

    fn recycle(&mut self, tree: Tree<'static>) {
        self.spare.recycle(tree);
    }

    fn count(&self) -> u32 {
        // The walk refuses to leave more than `u32::MAX` values (see `Walk::defer`).
        u32::try_from(self.objects.len()).unwrap_or(u32::MAX)
    }

    fn len_hint(&self, index: u32) -> usize {
        let Some((ob, _)) = self.objects.get(index as usize) else {
            return 0;
        };
        // SAFETY: `ob` is a live object and the GIL is held; the walk left only exact dicts and lists.
        unsafe { super::plain::deferred_len(ob.as_ptr()) }
    }

    fn shared(&self) -> Option<&dyn crate::tree::SharedSource> {
        Some(&self.plain)
    }

    fn parse_order(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.count()).collect();
        // Stable: frames keep the walk's order, which is the parse's.
        order.sort_by_key(|&i| self.objects[i as usize].1.deferred_rank());
        order
    }
}

/// The UTF-8 text of a `str` (an exception for strings that have none, such as lone surrogates).
///
/// # Safety
/// `ptr` must be a live `str` (or subclass) and the GIL held.
unsafe fn utf8<'a>(py: Python<'_>, ptr: *mut ffi::PyObject) -> PyResult<&'a str> {
    let mut len: ffi::Py_ssize_t = 0;
    // SAFETY: the caller guarantees a live `str` and the GIL.
    let data = unsafe { ffi::PyUnicode_AsUTF8AndSize(ptr, &raw mut len) };
    if data.is_null() {
        return Err(PyErr::fetch(py));
    }
    // SAFETY: CPython returned its UTF-8 buffer of `len` bytes, owned by the string and valid while it lives
    // (the caller copies it before any Python code runs); the encoder only produces valid UTF-8.
    Ok(unsafe { std::str::from_utf8_unchecked(std::slice::from_raw_parts(data.cast::<u8>(), len.unsigned_abs())) })
}

impl<'py> Walk<'py> {
    fn new(py: Python<'py>, b: Builder<'static>, defer: bool) -> Self {
        Walk {
            py,
            b,
            defer,
            deferred: Vec::new(),
            stack: Vec::new(),
            entries: Vec::new(),
            keys: KeyCache::new(),
            root: None,
            graveyard: Vec::new(),
        }
    }

    /// Reads `ob` (in `place` of a row) and everything in it; the node of `ob` (the tree's root).
    fn run(&mut self, ob: &Bound<'py, PyAny>, place: Place) -> PyResult<Node> {
        self.visit(
            &mut Child {
                ptr: ob.as_ptr(),
                owner: Some(ob.clone()),
            },
            place,
        )?;
        while let Some(top) = self.stack.last_mut() {
            let next = match &mut top.kind {
                Kind::Dict { .. } => self.next_entry()?,
                _ => {
                    let item = top.place.item();
                    next_item(top).map(|c| (c, item))
                }
            };
            match next {
                Some((child, Place::Ignored)) => {
                    if let Some(Frame {
                        kind: Kind::Dict { key, .. },
                        ..
                    }) = self.stack.last_mut()
                    {
                        *key = None;
                    }
                    self.release_child(child);
                }
                Some((mut child, place)) => {
                    let visited = self.visit(&mut child, place);
                    self.release_child(child);
                    visited?;
                }
                None => {
                    if let Some(Frame { obj, kind, .. }) = self.stack.pop() {
                        self.release(obj);
                        let n = match kind {
                            Kind::Dict { map, start, .. } => {
                                self.entries.truncate(start);
                                self.b.map_end(map)
                            }
                            Kind::List { start, .. } | Kind::Tuple { start, .. } => self.b.list_end(start),
                        };
                        self.leaf(n.map_err(|e| too_large(self.py, e))?);
                    }
                }
            }
        }
        Ok(self.root.take().unwrap_or(Node::Null))
    }

    /// Leaves a frame or an answers dict (a plain dict or list) for later: see [`walk`].
    fn defer(&mut self, child: &mut Child<'py>, kind: DeferredKind, place: Place) -> PyResult<()> {
        let index = u32::try_from(self.deferred.len()).map_err(|_| too_large(self.py, TooLarge))?;
        let ob = child.own(self.py).clone();
        self.deferred.push((ob, place));
        self.leaf(Node::Deferred(index, kind));
        Ok(())
    }

    /// Reads a value: a leaf goes to its container (or becomes the root), a container is pushed onto the stack.
    fn visit(&mut self, child: &mut Child<'py>, place: Place) -> PyResult<()> {
        let (py, p) = (self.py, child.ptr);
        // SAFETY (all blocks below): the GIL is held and `p` is alive (see `Child`); the exact-type checks
        // make the typed accessors valid, and none of these calls runs Python code.
        unsafe {
            if ffi::PyUnicode_CheckExact(p) != 0 {
                let span = self.b.owned(utf8(py, p)?).map_err(|e| too_large(py, e))?;
                self.leaf(Node::Str(span));
                return Ok(());
            }
            if ffi::PyFloat_CheckExact(p) != 0 {
                let v = ffi::PyFloat_AS_DOUBLE(p);
                if v.is_finite() {
                    self.leaf(Node::Float(v));
                    return Ok(());
                }
            } else if ffi::PyLong_CheckExact(p) != 0 {
                // An exact int never fails the conversion; beyond 64 bits it reports an overflow (and `classify`
                // decides between u64 and an error, as `to_value` does).
                let mut overflow = 0;
                let v = ffi::PyLong_AsLongLongAndOverflow(p, &raw mut overflow);
                if overflow == 0 {
                    self.leaf(int_node(v));
                    return Ok(());
                }
            } else if p == ffi::Py_None() {
                self.leaf(Node::Null);
                return Ok(());
            } else if p == ffi::Py_True() || p == ffi::Py_False() {
                self.leaf(Node::Bool(p == ffi::Py_True()));
                return Ok(());
            } else if ffi::PyDict_CheckExact(p) != 0 {
                if self.defer && place.deferred_rank().is_some() {
                    return self.defer(child, DeferredKind::Map, place);
                }
                self.open_dict(child.own(py).clone(), place);
                return Ok(());
            } else if ffi::PyList_CheckExact(p) != 0 {
                if self.defer && place.deferred_rank().is_some() {
                    return self.defer(child, DeferredKind::List, place);
                }
                self.stack.push(Frame {
                    obj: child.own(py).clone(),
                    kind: Kind::List {
                        next: 0,
                        start: self.b.list_start(),
                    },
                    place,
                });
                return Ok(());
            }
        }
        let ob = child.own(py).clone();
        self.python_may_run();
        let classified = self.classify(&ob, place);
        self.release(ob);
        classified
    }

    /// Drops a reference of ours, unless it is the last one (see `graveyard`).
    fn release(&mut self, ob: Bound<'py, PyAny>) {
        // SAFETY: `ob` is a live object and the GIL is held.
        if unsafe { ffi::Py_REFCNT(ob.as_ptr()) } == 1 {
            self.graveyard.push(ob);
        }
    }

    fn release_child(&mut self, c: Child<'py>) {
        if let Some(ob) = c.owner {
            self.release(ob);
        }
    }

    fn leaf(&mut self, n: Node) {
        match self.stack.last_mut() {
            Some(Frame {
                kind: Kind::Dict { map, key, unique, .. },
                ..
            }) => {
                if let Some(k) = key.take() {
                    self.b.push_entry(map, k, n, *unique);
                }
            }
            Some(_) => self.b.push_item(n),
            None => self.root = Some(n),
        }
    }

    fn open_dict(&mut self, d: Bound<'py, PyAny>, place: Place) {
        // SAFETY: `d` is a dict (or subclass) and the GIL is held.
        let len = unsafe { ffi::PyDict_Size(d.as_ptr()) };
        // The entries are read in one pass and their values asked for at once: each value sits in its own
        // allocation somewhere in the heap, and the walk waits on memory far more than it computes, so letting
        // those cache misses overlap pays. Until Python code runs, nothing can change the dict or free them.
        let start = self.entries.len();
        let (mut pos, mut k, mut v) = (0, ptr::null_mut(), ptr::null_mut());
        // SAFETY: as above; `PyDict_Next` gives borrowed references.
        while unsafe { ffi::PyDict_Next(d.as_ptr(), &raw mut pos, &raw mut k, &raw mut v) } != 0 {
            prefetch(v);
            self.entries.push((k, v, pos));
        }
        self.stack.push(Frame {
            obj: d,
            kind: Kind::Dict {
                pos: 0,
                len,
                ahead: Some((start, self.entries.len())),
                start,
                map: self.b.map_start(),
                key: None,
                unique: true,
                mixed: false,
            },
            place,
        });
    }

    /// Before anything that may run Python code: entries read ahead may be freed by it, and key objects' addresses
    /// may be reused. Open dicts read the rest of their entries directly, with the size check.
    fn python_may_run(&mut self) {
        self.keys.clear();
        for f in &mut self.stack {
            if let Kind::Dict { ahead, .. } = &mut f.kind {
                *ahead = None;
            }
        }
    }

    /// The next value of the dict on top of the stack, its key noted in the frame.
    fn next_entry(&mut self) -> PyResult<Option<(Child<'py>, Place)>> {
        let py = self.py;
        let Some(Frame {
            obj,
            kind: Kind::Dict { pos, len, ahead, .. },
            place,
        }) = self.stack.last_mut()
        else {
            return Ok(None);
        };
        let (k, v) = match ahead {
            Some((next, end)) if *next < *end => {
                let (k, v, after) = self.entries[*next];
                *next += 1;
                *pos = after;
                (k, v)
            }
            Some(_) => return Ok(None),
            None => {
                let obj = obj.as_ptr();
                // SAFETY: `obj` is a dict (or subclass) the frame holds a reference to; the GIL is held.
                if unsafe { ffi::PyDict_Size(obj) } != *len {
                    return Err(PyRuntimeError::new_err("dictionary changed size during iteration"));
                }
                let (mut k, mut v) = (ptr::null_mut(), ptr::null_mut());
                // SAFETY: as above; `PyDict_Next` gives borrowed references, valid until Python code runs.
                if unsafe { ffi::PyDict_Next(obj, pos, &raw mut k, &raw mut v) } == 0 {
                    return Ok(None);
                }
                (k, v)
            }
        };
        let parent = *place;
        let mut value = Child { ptr: v, owner: None };
        // SAFETY: `k` is a live key (borrowed as above).
        let exact = unsafe { ffi::PyUnicode_CheckExact(k) } != 0;
        let text = if let Some(span) = self.keys.get(k).filter(|_| exact) {
            Ok(span)
        } else if exact {
            // SAFETY: `k` is a live exact `str`.
            let span = self.b.owned(unsafe { utf8(py, k)? });
            if let Ok(span) = span {
                self.keys.put(k, span);
            }
            span
        } else {
            // Reading this key may run Python code (`str()`), so the value gets a reference of its own first.
            // Keys are read as `to_value` reads them: strings as they are, anything else via str().
            value.own(py);
            let mut kc = Child { ptr: k, owner: None };
            let k = kc.own(py).clone();
            self.python_may_run();
            let text = match k.cast::<PyString>() {
                Ok(s) => s.to_str().map(|s| self.b.owned(s)),
                Err(_) => k.str().map(|s| self.b.owned(&s.to_string())),
            };
            self.release(k);
            self.release_child(kc);
            text?
        };
        let text = text.map_err(|e| too_large(py, e))?;
        if let Some(Frame {
            kind: Kind::Dict { key, unique, mixed, .. },
            ..
        }) = self.stack.last_mut()
        {
            *key = Some(text);
            // Keys of a dict are distinct objects, but once one is not a plain `str`, two of them may read the
            // same: from then on every key is checked against the earlier ones.
            *mixed |= !exact;
            *unique = !*mixed;
        }
        let place = match parent {
            Place::Other => Place::Other,
            p => p.child(self.b.text(text)),
        };
        Ok(Some((value, place)))
    }

    /// Any value, with `to_value`'s checks in its order.
    fn classify(&mut self, ob: &Bound<'py, PyAny>, place: Place) -> PyResult<()> {
        let py = self.py;
        if ob.is_none() {
            self.leaf(Node::Null);
            return Ok(());
        }
        if let Ok(s) = ob.cast::<PyString>() {
            let span = self.b.owned(s.to_str()?).map_err(|e| too_large(py, e))?;
            self.leaf(Node::Str(span));
            return Ok(());
        }
        if let Ok(v) = ob.cast::<PyBool>() {
            self.leaf(Node::Bool(v.is_true()));
            return Ok(());
        }
        if ob.is_instance_of::<PyInt>() {
            if let Ok(i) = ob.extract::<i64>() {
                self.leaf(int_node(i));
                return Ok(());
            }
            if let Ok(u) = ob.extract::<u64>() {
                self.leaf(Node::PosInt(u));
                return Ok(());
            }
            return Err(PyTypeError::new_err("integer out of the 64-bit range"));
        }
        if let Ok(f) = ob.cast::<PyFloat>() {
            let v = f.value();
            if !v.is_finite() {
                return Err(label_error(
                    py,
                    &LabelError::value(format!("{v} is not a finite number")),
                ));
            }
            self.leaf(float_node(v));
            return Ok(());
        }
        if ob.is_instance_of::<PyDict>() {
            self.open_dict(ob.clone(), place);
            return Ok(());
        }
        let tuple = ob.is_instance_of::<PyTuple>();
        if tuple || ob.is_instance_of::<PyList>() {
            let start = self.b.list_start();
            let kind = if tuple {
                Kind::Tuple { next: 0, start }
            } else {
                Kind::List { next: 0, start }
            };
            // A list is checked before a tuple in `to_value`; no object is both.
            self.stack.push(Frame {
                obj: ob.clone(),
                kind,
                place,
            });
            return Ok(());
        }
        // Numbers of other kinds (numpy scalars) convert through int()/float().
        if ob.hasattr("__index__").unwrap_or(false) {
            if let Ok(i) = ob.extract::<i64>() {
                self.leaf(int_node(i));
                return Ok(());
            }
        }
        if ob.hasattr("__float__").unwrap_or(false) {
            if let Ok(f) = ob.extract::<f64>() {
                if f.is_finite() {
                    self.leaf(Node::Float(f));
                    return Ok(());
                }
            }
        }
        let tn = ob.get_type().name().map(|n| n.to_string()).unwrap_or_default();
        Err(label_error(
            py,
            &LabelError::type_(format!("unsupported value of type {tn}")),
        ))
    }
}

/// The next item of a list or tuple frame.
fn next_item<'py>(f: &mut Frame<'py>) -> Option<Child<'py>> {
    let obj = f.obj.as_ptr();
    match &mut f.kind {
        Kind::List { next, .. } => {
            // SAFETY: `obj` is a list (or subclass) the frame holds a reference to; the GIL is held, and the
            // index is checked against the current length (Python code run meanwhile may have shrunk it).
            unsafe {
                let len = ffi::PyList_GET_SIZE(obj);
                if *next >= len {
                    return None;
                }
                if *next == 0 {
                    for i in 0..len.min(PREFETCH_ITEMS) {
                        prefetch(ffi::PyList_GET_ITEM(obj, i));
                    }
                }
                if *next + PREFETCH_ITEMS < len {
                    prefetch(ffi::PyList_GET_ITEM(obj, *next + PREFETCH_ITEMS));
                }
                let item = ffi::PyList_GET_ITEM(obj, *next);
                *next += 1;
                Some(Child { ptr: item, owner: None })
            }
        }
        Kind::Tuple { next, .. } => {
            // SAFETY: `obj` is a tuple (or subclass, immutable) the frame holds a reference to; the GIL is held.
            unsafe {
                if *next >= ffi::PyTuple_GET_SIZE(obj) {
                    return None;
                }
                let item = ffi::PyTuple_GET_ITEM(obj, *next);
                *next += 1;
                Some(Child { ptr: item, owner: None })
            }
        }
        Kind::Dict { .. } => None,
    }
}
