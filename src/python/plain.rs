//! Reading the values a [`super::walk::walk`] left for later on any thread, while the thread that holds the GIL
//! keeps it and runs no Python code (the two-thread dict load, see [`super::pipeline`]).
//!
//! This walk only reads: exact `dict`, `list`, `str`, `int`, `float`, `bool` and `None`, through the objects'
//! fields and C API calls that neither allocate, nor set exceptions, nor touch reference counts
//! (`PyDict_Next`, `PyLong_AsLongLongAndOverflow` on an exact int, the string's own code points, which it
//! encodes to UTF-8 itself rather than have CPython cache an encoding). While no Python code runs, nothing can
//! change or free those objects: the dict the caller passed holds them, and the GIL holder only reads them
//! too (its own reference counting touches other fields). Anything else (a subclass, a tuple, a number that
//! needs `classify`, a lone surrogate, a non-`str` key) is not read here: the value is then "not plain" and
//! the load is redone on one thread by [`super::walk`], which gives the exact answer, exception included.

use std::ptr;

use pyo3::ffi;
use pyo3::prelude::*;

use super::walk::KeyCache;
use crate::tree::{int_node, Buffers, Builder, MapStart, Node, Place, SharedSource, Span, Tree};

/// A borrowed pointer to an object the walk's source keeps alive.
#[derive(Clone, Copy)]
struct Borrowed(*mut ffi::PyObject);

/// The deferred values of a walk, as pointers that other threads may read (see the module notes).
pub(super) struct PlainValues(Vec<(Borrowed, Place)>);

// SAFETY: the pointers are only dereferenced by `build_shared`, whose contract (the source's owner holds the GIL
// and runs no Python code until it returns) makes reading the objects from any thread free of data races; the
// owning `Frames` holds a reference to each object for as long as this lives.
unsafe impl Sync for PlainValues {}

impl PlainValues {
    pub(super) fn new(objects: &[(Bound<'_, PyAny>, Place)]) -> Self {
        Self(
            objects
                .iter()
                .map(|(ob, place)| (Borrowed(ob.as_ptr()), *place))
                .collect(),
        )
    }
}

impl SharedSource for PlainValues {
    unsafe fn build_shared(&self, index: u32, spare: &mut Buffers) -> Option<Tree<'static>> {
        let &(Borrowed(ob), place) = self.0.get(index as usize)?;
        let mut w = PlainWalk {
            b: Builder::with_buffers("", std::mem::take(spare)),
            stack: Vec::new(),
            entries: Vec::new(),
            keys: KeyCache::new(),
            scratch: String::new(),
            root: None,
        };
        if matches!(place, Place::Answers(_)) {
            // SAFETY: the caller's contract; the walk left only exact dicts and lists.
            w.b.reserve_for_answers(unsafe { deferred_len(ob) });
        }
        // SAFETY: the caller's contract; `ob` is alive (see `PlainValues`).
        let root = unsafe { w.run(ob, place) };
        let (tree, keep) = w.b.finish_keeping(root.unwrap_or(Node::Null));
        *spare = keep;
        match root {
            Some(_) => Some(tree),
            None => {
                spare.recycle(tree);
                None
            }
        }
    }
}

/// How many entries or items a value the walk left for later has.
///
/// # Safety
/// `ob` is a live exact dict or list, and nothing changes it meanwhile (the GIL is held by this thread or, under
/// the contract of `SharedSource::build_shared`, by the source's owner).
pub(super) unsafe fn deferred_len(ob: *mut ffi::PyObject) -> usize {
    // SAFETY: the caller's contract; both only read the object's size field.
    let len = unsafe {
        if ffi::PyDict_CheckExact(ob) != 0 {
            ffi::PyDict_Size(ob)
        } else {
            ffi::PyList_GET_SIZE(ob)
        }
    };
    len.unsigned_abs()
}

enum Kind {
    /// The dict's entries are in `PlainWalk::entries` from `start`; the next one is `next`.
    Dict {
        start: usize,
        next: usize,
        map: MapStart,
        key: Option<Span>,
    },
    List {
        obj: *mut ffi::PyObject,
        next: ffi::Py_ssize_t,
        start: usize,
    },
}

struct Open {
    kind: Kind,
    place: Place,
}

/// A dict entry read ahead: borrowed key and value.
type Pair = (*mut ffi::PyObject, *mut ffi::PyObject);

struct PlainWalk {
    b: Builder<'static>,
    stack: Vec<Open>,
    entries: Vec<Pair>,
    keys: KeyCache,
    /// The UTF-8 encoding of the last string that is not ASCII.
    scratch: String,
    root: Option<Node>,
}

/// How far ahead of the walk list items are fetched.
const PREFETCH_ITEMS: ffi::Py_ssize_t = 8;

impl PlainWalk {
    /// The node of `ob` (the tree's root), or `None` if something in it is not plain.
    ///
    /// # Safety
    /// As `SharedSource::build_shared`, and `ob` is alive.
    unsafe fn run(&mut self, ob: *mut ffi::PyObject, place: Place) -> Option<Node> {
        // SAFETY (the blocks below): the caller's contract; every pointer is a value of a container the walk
        // reached from `ob`, and nothing can free or change them meanwhile.
        unsafe { self.value(ob, place)? };
        while let Some(top) = self.stack.last_mut() {
            let place = top.place;
            let step = match &mut top.kind {
                Kind::Dict { next, .. } => self.entries.get(*next).map(|&(k, v)| {
                    *next += 1;
                    (Some(k), v)
                }),
                Kind::List { obj, next, .. } => {
                    let obj = *obj;
                    let len = unsafe { ffi::PyList_GET_SIZE(obj) };
                    (*next < len).then(|| {
                        if *next + PREFETCH_ITEMS < len {
                            super::walk::prefetch(unsafe { ffi::PyList_GET_ITEM(obj, *next + PREFETCH_ITEMS) });
                        }
                        let item = unsafe { ffi::PyList_GET_ITEM(obj, *next) };
                        *next += 1;
                        (None, item)
                    })
                }
            };
            match step {
                None => {
                    let n = match self.stack.pop().map(|o| o.kind) {
                        Some(Kind::Dict { start, map, .. }) => {
                            self.entries.truncate(start);
                            self.b.map_end(map).ok()?
                        }
                        Some(Kind::List { start, .. }) => self.b.list_end(start).ok()?,
                        None => return None,
                    };
                    self.leaf(n);
                }
                Some((None, item)) => unsafe { self.value(item, place.item())? },
                Some((Some(k), v)) => {
                    if unsafe { ffi::PyUnicode_CheckExact(k) } == 0 {
                        return None;
                    }
                    let span = match self.keys.get(k) {
                        Some(span) => span,
                        None => {
                            let s = unsafe { text(k, &mut self.scratch)? };
                            let span = self.b.owned(s).ok()?;
                            self.keys.put(k, span);
                            span
                        }
                    };
                    let child = match place {
                        Place::Other => Place::Other,
                        p => p.child(self.b.text(span)),
                    };
                    if child == Place::Ignored {
                        continue;
                    }
                    if let Some(Open {
                        kind: Kind::Dict { key, .. },
                        ..
                    }) = self.stack.last_mut()
                    {
                        *key = Some(span);
                    }
                    unsafe { self.value(v, child)? };
                }
            }
        }
        self.root.take()
    }

    /// Reads a value: a leaf goes to its container (or becomes the root), a container is opened.
    ///
    /// # Safety
    /// As `run`, for `p`.
    unsafe fn value(&mut self, p: *mut ffi::PyObject, place: Place) -> Option<()> {
        // SAFETY: the caller's contract: `p` is alive and unchanging; the exact-type checks make the typed
        // accessors valid, and none of them writes to the object or to the interpreter's state.
        unsafe {
            if ffi::PyUnicode_CheckExact(p) != 0 {
                let s = text(p, &mut self.scratch)?;
                let span = self.b.owned(s).ok()?;
                self.leaf(Node::Str(span));
            } else if ffi::PyFloat_CheckExact(p) != 0 {
                let v = ffi::PyFloat_AS_DOUBLE(p);
                if !v.is_finite() {
                    return None;
                }
                self.leaf(Node::Float(v));
            } else if ffi::PyLong_CheckExact(p) != 0 {
                // On an exact int this reads the digits; beyond 64 bits it reports the overflow without an
                // exception.
                let mut overflow = 0;
                let v = ffi::PyLong_AsLongLongAndOverflow(p, &raw mut overflow);
                if overflow != 0 {
                    return None;
                }
                self.leaf(int_node(v));
            } else if p == ffi::Py_None() {
                self.leaf(Node::Null);
            } else if p == ffi::Py_True() || p == ffi::Py_False() {
                self.leaf(Node::Bool(p == ffi::Py_True()));
            } else if ffi::PyDict_CheckExact(p) != 0 {
                self.open_dict(p, place);
            } else if ffi::PyList_CheckExact(p) != 0 {
                let len = ffi::PyList_GET_SIZE(p);
                for i in 0..len.min(PREFETCH_ITEMS) {
                    super::walk::prefetch(ffi::PyList_GET_ITEM(p, i));
                }
                self.stack.push(Open {
                    kind: Kind::List {
                        obj: p,
                        next: 0,
                        start: self.b.list_start(),
                    },
                    place,
                });
            } else {
                return None;
            }
        }
        Some(())
    }

    /// Opens a dict: its entries are read in one pass, their values fetched at once (as `Walk::open_dict` does).
    ///
    /// # Safety
    /// As `value`, and `d` is an exact dict.
    unsafe fn open_dict(&mut self, d: *mut ffi::PyObject, place: Place) {
        let start = self.entries.len();
        let (mut pos, mut k, mut v) = (0, ptr::null_mut(), ptr::null_mut());
        // SAFETY: the caller's contract; `PyDict_Next` only reads the dict and gives borrowed references.
        while unsafe { ffi::PyDict_Next(d, &raw mut pos, &raw mut k, &raw mut v) } != 0 {
            super::walk::prefetch(v);
            self.entries.push((k, v));
        }
        self.stack.push(Open {
            kind: Kind::Dict {
                start,
                next: start,
                map: self.b.map_start(),
                key: None,
            },
            place,
        });
    }

    fn leaf(&mut self, n: Node) {
        match self.stack.last_mut() {
            Some(Open {
                kind: Kind::Dict { map, key, .. },
                ..
            }) => {
                if let Some(k) = key.take() {
                    // Keys of a dict are distinct, and all of them are exact `str` here.
                    self.b.push_entry(map, k, n, true);
                }
            }
            Some(_) => self.b.push_item(n),
            None => self.root = Some(n),
        }
    }
}

/// The UTF-8 text of an exact `str`: its own buffer where it is ASCII, otherwise encoded into `scratch`;
/// `None` for a string UTF-8 cannot hold (a lone surrogate) or one this walk cannot read without CPython's help.
///
/// # Safety
/// `p` is a live exact `str` that nothing changes or frees meanwhile.
unsafe fn text(p: *mut ffi::PyObject, scratch: &mut String) -> Option<&str> {
    // SAFETY: the caller's contract; these accessors read the string's header and code points.
    unsafe {
        #[cfg(not(Py_3_12))]
        if ffi::PyUnicode_IS_READY(p) == 0 {
            return None;
        }
        let len = ffi::PyUnicode_GET_LENGTH(p).unsigned_abs();
        #[cfg(not(Py_3_14))]
        if ffi::PyUnicode_IS_COMPACT_ASCII(p) != 0 {
            let bytes = std::slice::from_raw_parts(ffi::PyUnicode_DATA(p).cast::<u8>(), len);
            return Some(std::str::from_utf8_unchecked(bytes));
        }
        let data = ffi::PyUnicode_DATA(p);
        scratch.clear();
        match ffi::PyUnicode_KIND(p) {
            ffi::PyUnicode_1BYTE_KIND => {
                let bytes = std::slice::from_raw_parts(data.cast::<u8>(), len);
                if bytes.is_ascii() {
                    return Some(std::str::from_utf8_unchecked(bytes));
                }
                scratch.extend(bytes.iter().map(|&b| char::from(b)));
            }
            ffi::PyUnicode_2BYTE_KIND => {
                for &u in std::slice::from_raw_parts(data.cast::<u16>(), len) {
                    scratch.push(char::from_u32(u32::from(u))?);
                }
            }
            ffi::PyUnicode_4BYTE_KIND => {
                for &u in std::slice::from_raw_parts(data.cast::<u32>(), len) {
                    scratch.push(char::from_u32(u)?);
                }
            }
            _ => return None,
        }
        Some(scratch.as_str())
    }
}
