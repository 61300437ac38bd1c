//! The parser's input: a compact, read-only JSON tree. It is built once per load, either from JSON text
//! ([`json`], strings borrowed from the text where they need no unescaping) or from Python objects (the
//! binding copies strings into the tree's own buffer), and the parser reads it through [`Val`] handles.
//!
//! Compared with `serde_json::Value` it allocates no string, vector or hash map per node: strings are byte
//! ranges, and the elements of every list and the entries of every map sit in two flat vectors (each
//! container a contiguous run), so a node is 16 bytes and a map entry 24. Numbers keep what
//! `serde_json::Number` keeps (unsigned, negative or float), and a map with a repeated key behaves as a
//! `serde_json::Map` does: the key keeps its first position and takes its last value.

use std::collections::hash_map::Entry as Entry_;
use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasher;

use foldhash::fast::RandomState;

use serde_json::{Map, Number, Value};

pub mod json;
mod path;

pub use path::Path;

/// A string of the tree as a range of one virtual buffer: offsets below the text's length are in the input
/// text, the others in the tree's own buffer (shifted by the text's length).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    start: u32,
    len: u32,
}

// `repr(C, u8)` puts every variant's payload at offset 8: a node is then moved as a tag and one aligned word,
// rather than as 15 unaligned bytes (which stalled the walks on store forwarding).
#[derive(Debug, Clone, Copy)]
#[repr(C, u8)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    /// A non-negative integer (as `serde_json::Number` stores it).
    PosInt(u64),
    /// A negative integer.
    NegInt(i64),
    /// A finite float.
    Float(f64),
    Str(Span),
    /// A run of `Tree::items`.
    List(Span),
    /// A run of `Tree::entries`.
    Map(Span),
    /// A value kept as its JSON text (already checked to be valid JSON), read later through
    /// [`json::FragmentParser`]. JSON input keeps each frame of `data_units.*.labels` so, and the parser
    /// reads one frame at a time: a whole row's tree would otherwise outweigh the row built from it.
    Raw(Span),
    /// A value the tree's source keeps (index `0` of a [`Deferred`] source), built into a tree of its own when
    /// the parser reaches it. The walk over a Python label dict leaves each frame of `data_units.*.labels` so:
    /// a frame is then walked and parsed while its objects are still in the cache, and no whole-row tree is
    /// ever built. It leaves the answers dicts too (see [`Place::Answers`]). (Only the Python binding makes
    /// these.)
    #[cfg_attr(not(feature = "python"), allow(dead_code))]
    Deferred(u32, DeferredKind),
}

/// Where a value sits in a label row, as far as the readers care: the values of `data_units.*.labels` (each a
/// frame, or an image's `objects` and `classifications`) are kept aside (see [`Node::Raw`] and
/// [`Node::Deferred`]) and built one at a time when the parser reaches them; and in a frame's object entries,
/// the values the parser never reads (the ontology object's `color` and `value`, which the export takes from
/// the ontology, as the reference does) are not read into the tree at all.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Place {
    Root,
    DataUnits,
    Unit,
    Labels,
    /// A value of `data_units.*.labels`.
    Frame,
    /// The `objects` list of a frame.
    FrameObjects,
    /// An entry of a frame's objects.
    ObjectEntry,
    /// A value nothing reads: left out of the tree.
    Ignored,
    /// `object_answers`, `object_actions` or `classification_answers` (rank 0, 1, 2: the order the parse reads
    /// them in, after every unit). The walk over a Python dict leaves them for later too, so that a two-thread
    /// load walks them while the frames are parsed.
    Answers(u8),
    Other,
}

impl Place {
    /// The place of the value under `key` of a map in this place.
    pub(crate) fn child(self, key: &str) -> Place {
        match (self, key) {
            (Place::Root, "data_units") => Place::DataUnits,
            (Place::Root, "object_answers") => Place::Answers(0),
            (Place::Root, "object_actions") => Place::Answers(1),
            (Place::Root, "classification_answers") => Place::Answers(2),
            (Place::DataUnits, _) => Place::Unit,
            (Place::Unit, "labels") => Place::Labels,
            (Place::Labels, _) => Place::Frame,
            (Place::Frame, "objects") => Place::FrameObjects,
            (Place::ObjectEntry, "color" | "value") => Place::Ignored,
            _ => Place::Other,
        }
    }

    /// Where a value in this place comes in the parse's reading order among the values a walk may leave for
    /// later (frames first, then the answers dicts by rank); `None` for values read with their parent. (Only
    /// the Python binding's walk leaves values for later.)
    #[cfg_attr(not(feature = "python"), allow(dead_code))]
    pub(crate) fn deferred_rank(self) -> Option<u8> {
        match self {
            Place::Frame => Some(0),
            Place::Answers(rank) => Some(1 + rank),
            _ => None,
        }
    }

    /// The place of the items of a list in this place (an image's `objects` list is itself a frame value).
    pub(crate) fn item(self) -> Place {
        match self {
            Place::Frame | Place::FrameObjects => Place::ObjectEntry,
            _ => Place::Other,
        }
    }
}

/// What a [`Node::Deferred`] value is (for messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "python"), allow(dead_code))]
pub(crate) enum DeferredKind {
    Map,
    List,
}

/// The source of a tree's [`Node::Deferred`] values.
#[cfg_attr(not(feature = "python"), allow(dead_code))] // `count`, `shared`: the pipelined dict load's
pub(crate) trait Deferred {
    /// The tree of value `index`.
    fn build(&mut self, index: u32) -> Result<Tree<'static>, crate::error::LabelError>;
    /// Hands back a tree from [`Deferred::build`] so that the next one reuses its buffers.
    fn recycle(&mut self, tree: Tree<'static>);
    /// How many values the source holds (indices `0..count()`).
    fn count(&self) -> u32;
    /// The indices in the order a parse that reads each value once meets them.
    fn parse_order(&self) -> Vec<u32> {
        (0..self.count()).collect()
    }
    /// How many entries or items value `index` has, where the source can tell without building it (a sizing
    /// hint; 0 when it cannot).
    fn len_hint(&self, _index: u32) -> usize {
        0
    }
    /// The same values, readable from several threads at once (see [`SharedSource`]), where the source can.
    fn shared(&self) -> Option<&dyn SharedSource> {
        None
    }
}

/// A [`Deferred`] source whose values other threads can build too, under the conditions of
/// [`SharedSource::build_shared`].
#[cfg_attr(not(feature = "python"), allow(dead_code))]
pub(crate) trait SharedSource: Sync {
    /// The tree of value `index`, built in the buffers of `spare` (which get the builder's own buffers back);
    /// `None` where the value holds something only the owner's [`Deferred::build`] can read (its answer is then
    /// the right one).
    ///
    /// # Safety
    /// Until this returns, the thread that owns the source must hold whatever the source's values need held
    /// (for Python objects: the GIL) and run no code that may change or free them.
    unsafe fn build_shared(&self, index: u32, spare: &mut Buffers) -> Option<Tree<'static>>;
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    key: Span,
    value: Node,
}

/// The buffers of a tree and of its builder, kept between the many small trees of one parse so that each
/// costs no allocation.
#[derive(Debug, Default)]
pub(crate) struct Buffers {
    owned: String,
    items: Vec<Node>,
    entries: Vec<Entry>,
    open_items: Vec<Node>,
    open_entries: Vec<Entry>,
}

impl Buffers {
    /// Takes back the buffers of `tree` (emptied) next to the builder buffers already held.
    pub(crate) fn recycle(&mut self, tree: Tree<'_>) {
        let Tree {
            mut owned,
            mut items,
            mut entries,
            ..
        } = tree;
        owned.clear();
        items.clear();
        entries.clear();
        self.owned = owned;
        self.items = items;
        self.entries = entries;
    }
}

/// The tree does not fit its 32-bit offsets (more than 4 GiB of strings or 4 billion nodes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge;

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the label row is too large (more than 4 GiB of strings or 4 billion values)")
    }
}

/// A parsed label row (or any JSON value), ready to be read through [`Tree::root`].
#[derive(Debug)]
pub struct Tree<'a> {
    text: &'a str,
    owned: String,
    items: Vec<Node>,
    entries: Vec<Entry>,
    root: Node,
}

impl<'a> Tree<'a> {
    pub fn root(&self) -> Val<'_> {
        Val {
            tree: self,
            node: self.root,
        }
    }

    /// A tree holding a copy of `v` (for callers that already have a `Value`: tests, API geometry).
    pub fn from_value(v: &Value) -> Result<Tree<'static>, TooLarge> {
        let mut b = Builder::new("");
        let root = b.value(v)?;
        Ok(b.finish(root))
    }

    fn str_of(&self, s: Span) -> &str {
        let (start, len) = (s.start as usize, s.len as usize);
        let (buf, start) = if start < self.text.len() {
            (self.text, start)
        } else {
            (self.owned.as_str(), start - self.text.len())
        };
        let bytes = &buf.as_bytes()[start..start + len];
        // SAFETY: spans are only made (by `Builder::borrowed` and `Builder::owned`) from whole `&str`s that lie
        // in `text` or were appended to `owned`, which only grows: both ends are character boundaries. Checking
        // them again on every read was a visible part of the parse.
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }

    fn items_of(&self, s: Span) -> &[Node] {
        &self.items[s.start as usize..(s.start + s.len) as usize]
    }

    fn entries_of(&self, s: Span) -> &[Entry] {
        &self.entries[s.start as usize..(s.start + s.len) as usize]
    }
}

/// Maps with at least this many entries find repeated keys through a hash index rather than a scan.
const INDEX_FROM: usize = 24;

/// The state of a map while its entries arrive.
pub(crate) struct MapStart {
    start: usize,
    /// One bit per entry key (a cheap hash): most new keys are told apart from all earlier ones by it.
    mask: u64,
    masked: usize,
    /// Key hash → entry, for large maps (the keys are hashed once; the map's own hashing of them is trivial).
    index: Option<HashMap<u64, usize, foldhash::fast::FixedState>>,
    indexed: usize,
    collision: bool,
}

/// Builds a [`Tree`] bottom-up: the children of open containers wait on two stacks and move into the tree as
/// one run when their container closes.
pub(crate) struct Builder<'a> {
    tree: Tree<'a>,
    open_items: Vec<Node>,
    open_entries: Vec<Entry>,
    hasher: RandomState,
}

/// One of 64 bits for a key, from its length and outer bytes (cheap rather than well mixed: a false match
/// only costs a scan of a small map).
fn key_bit(k: &str) -> u64 {
    let b = k.as_bytes();
    let mix = b.len().wrapping_mul(31)
        + usize::from(b.first().copied().unwrap_or(0)) * 7
        + usize::from(b.last().copied().unwrap_or(0));
    1 << (mix & 63)
}

fn to_u32(n: usize) -> Result<u32, TooLarge> {
    u32::try_from(n).map_err(|_| TooLarge)
}

impl<'a> Builder<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Self {
            tree: Tree {
                text,
                owned: String::new(),
                items: Vec::new(),
                entries: Vec::new(),
                root: Node::Null,
            },
            open_items: Vec::new(),
            open_entries: Vec::new(),
            hasher: RandomState::default(),
        }
    }

    /// Reserves room for a tree of about `bytes` of JSON text (a guess that saves regrowing the vectors).
    pub(crate) fn reserve_for(&mut self, bytes: usize) {
        // Label rows have about one map entry per 22 bytes and one list item per 100; more items (numbers of
        // polygons) cost one regrowth.
        self.tree.items.reserve(bytes / 64);
        self.tree.entries.reserve(bytes / 16);
        self.open_entries.reserve(64);
        self.open_items.reserve(64);
    }

    /// Reserves room for the tree of a Python answers dict of `len` entries (about a dozen map entries, a few
    /// list items and a couple of hundred bytes of strings each): a dict of thousands of objects would otherwise
    /// regrow the vectors a dozen times, each time into fresh memory.
    #[cfg_attr(not(feature = "python"), allow(dead_code))]
    pub(crate) fn reserve_for_answers(&mut self, len: usize) {
        // A guess, so bounded: a huge dict regrows past it as any other would.
        let len = len.min(1 << 16);
        self.tree.entries.reserve(len * 16);
        self.tree.items.reserve(len * 4);
        self.tree.owned.reserve(len * 192);
    }

    /// A builder that fills the buffers of an earlier tree (see [`Buffers`]).
    pub(crate) fn with_buffers(text: &'a str, b: Buffers) -> Self {
        Self {
            tree: Tree {
                text,
                owned: b.owned,
                items: b.items,
                entries: b.entries,
                root: Node::Null,
            },
            open_items: b.open_items,
            open_entries: b.open_entries,
            hasher: RandomState::default(),
        }
    }

    /// The tree, leaving its buffers at their size (it is short-lived), and the builder's own buffers.
    pub(crate) fn finish_keeping(mut self, root: Node) -> (Tree<'a>, Buffers) {
        self.tree.root = root;
        let spare = Buffers {
            open_items: self.open_items,
            open_entries: self.open_entries,
            ..Buffers::default()
        };
        (self.tree, spare)
    }

    pub(crate) fn finish(mut self, root: Node) -> Tree<'a> {
        self.tree.root = root;
        self.tree.items.shrink_to_fit();
        self.tree.entries.shrink_to_fit();
        self.tree.owned.shrink_to_fit();
        self.tree
    }

    /// `s` as a range of the input text, if it is a slice of it.
    pub(crate) fn borrowed(&self, s: &str) -> Option<Span> {
        let text = self.tree.text;
        let offset = (s.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
        if offset + s.len() > text.len() || s.is_empty() {
            return None;
        }
        Some(Span {
            start: u32::try_from(offset).ok()?,
            len: u32::try_from(s.len()).ok()?,
        })
    }

    /// A copy of `s` in the tree's own buffer.
    #[inline]
    /// The text of a string already in the tree.
    pub(crate) fn text(&self, s: Span) -> &str {
        self.tree.str_of(s)
    }

    pub(crate) fn owned(&mut self, s: &str) -> Result<Span, TooLarge> {
        let start = to_u32(self.tree.text.len() + self.tree.owned.len())?;
        let len = to_u32(s.len())?;
        start.checked_add(len).ok_or(TooLarge)?;
        self.tree.owned.push_str(s);
        Ok(Span { start, len })
    }

    pub(crate) fn string(&mut self, s: &str) -> Result<Span, TooLarge> {
        match self.borrowed(s) {
            Some(span) => Ok(span),
            None => self.owned(s),
        }
    }

    pub(crate) fn list_start(&self) -> usize {
        self.open_items.len()
    }

    #[inline]
    pub(crate) fn push_item(&mut self, n: Node) {
        self.open_items.push(n);
    }

    pub(crate) fn list_end(&mut self, start: usize) -> Result<Node, TooLarge> {
        let at = to_u32(self.tree.items.len())?;
        let len = to_u32(self.open_items.len() - start)?;
        at.checked_add(len).ok_or(TooLarge)?;
        self.tree.items.extend_from_slice(&self.open_items[start..]);
        self.open_items.truncate(start);
        Ok(Node::List(Span { start: at, len }))
    }

    pub(crate) fn map_start(&self) -> MapStart {
        MapStart {
            start: self.open_entries.len(),
            mask: 0,
            masked: 0,
            index: None,
            indexed: 0,
            collision: false,
        }
    }

    /// Adds an entry to the open map `m`. With `unique`, the caller vouches that `key` is new to the map;
    /// otherwise a repeated key keeps its first position and takes the new value.
    #[inline]
    pub(crate) fn push_entry(&mut self, m: &mut MapStart, key: Span, value: Node, unique: bool) {
        if !unique {
            if let Some(i) = self.find_key(m, key) {
                self.open_entries[m.start + i].value = value;
                return;
            }
        }
        self.open_entries.push(Entry { key, value });
    }

    /// The position of `key` in the open map `m`, if it is there; otherwise `key` is noted as the map's next
    /// entry (the caller pushes it). Entries pushed as unique are noted when a later key needs checking.
    fn find_key(&mut self, m: &mut MapStart, key: Span) -> Option<usize> {
        let tree = &self.tree;
        let entries = &self.open_entries[m.start..];
        let k = tree.str_of(key);
        let n = entries.len();
        if n < INDEX_FROM {
            for e in &entries[m.masked..] {
                m.mask |= key_bit(tree.str_of(e.key));
            }
            let bit = key_bit(k);
            if m.mask & bit != 0 {
                if let Some(i) = entries.iter().position(|e| tree.str_of(e.key) == k) {
                    return Some(i);
                }
            }
            m.mask |= bit;
            m.masked = n + 1;
            return None;
        }
        let index = m.index.get_or_insert_with(HashMap::default);
        for (i, e) in entries.iter().enumerate().skip(m.indexed) {
            m.collision |= index.insert(self.hasher.hash_one(tree.str_of(e.key)), i).is_some();
        }
        m.indexed = n + 1;
        if m.collision {
            return entries.iter().position(|e| tree.str_of(e.key) == k);
        }
        match index.entry(self.hasher.hash_one(k)) {
            Entry_::Occupied(o) if tree.str_of(entries[*o.get()].key) == k => Some(*o.get()),
            Entry_::Occupied(_) => {
                // Two keys with one hash: from now on this map is searched by scanning.
                m.collision = true;
                entries.iter().position(|e| tree.str_of(e.key) == k)
            }
            Entry_::Vacant(v) => {
                v.insert(n);
                None
            }
        }
    }

    pub(crate) fn map_end(&mut self, m: MapStart) -> Result<Node, TooLarge> {
        let at = to_u32(self.tree.entries.len())?;
        let len = to_u32(self.open_entries.len() - m.start)?;
        at.checked_add(len).ok_or(TooLarge)?;
        self.tree.entries.extend_from_slice(&self.open_entries[m.start..]);
        self.open_entries.truncate(m.start);
        Ok(Node::Map(Span { start: at, len }))
    }

    fn value(&mut self, v: &Value) -> Result<Node, TooLarge> {
        Ok(match v {
            Value::Null => Node::Null,
            Value::Bool(b) => Node::Bool(*b),
            Value::Number(n) => number_node(n),
            Value::String(s) => Node::Str(self.owned(s)?),
            Value::Array(a) => {
                let start = self.list_start();
                for x in a {
                    let n = self.value(x)?;
                    self.push_item(n);
                }
                self.list_end(start)?
            }
            Value::Object(o) => {
                let mut m = self.map_start();
                for (k, x) in o {
                    let key = self.owned(k)?;
                    let n = self.value(x)?;
                    self.push_entry(&mut m, key, n, true);
                }
                self.map_end(m)?
            }
        })
    }
}

pub(crate) fn number_node(n: &Number) -> Node {
    if let Some(u) = n.as_u64() {
        Node::PosInt(u)
    } else if let Some(i) = n.as_i64() {
        Node::NegInt(i)
    } else {
        Node::Float(n.as_f64().unwrap_or(0.0))
    }
}

/// An integer as `serde_json` stores it (non-negative ones unsigned).
pub(crate) fn int_node(i: i64) -> Node {
    u64::try_from(i).map_or(Node::NegInt(i), Node::PosInt)
}

/// A float as `serde_json::Value` holds it: non-finite floats are `null`.
pub(crate) fn float_node(f: f64) -> Node {
    if f.is_finite() {
        Node::Float(f)
    } else {
        Node::Null
    }
}

/// A value of a [`Tree`]: a cheap copyable handle with the reading methods of `serde_json::Value`.
#[derive(Clone, Copy)]
pub struct Val<'t> {
    tree: &'t Tree<'t>,
    node: Node,
}

impl<'t> Val<'t> {
    /// What the value is, for messages (`"a dict"`, `"null"`, ...).
    pub fn kind(self) -> &'static str {
        match self.node {
            Node::Null => "null",
            Node::Bool(_) => "a bool",
            Node::PosInt(_) | Node::NegInt(_) | Node::Float(_) => "a number",
            Node::Str(_) => "a string",
            Node::List(_) => "a list",
            Node::Map(_) => "a dict",
            Node::Raw(s) => match self.tree.str_of(s).as_bytes().first() {
                Some(b'{') => "a dict",
                Some(b'[') => "a list",
                Some(b'"') => "a string",
                Some(b'n') => "null",
                Some(b't' | b'f') => "a bool",
                _ => "a number",
            },
            Node::Deferred(_, DeferredKind::Map) => "a dict",
            Node::Deferred(_, DeferredKind::List) => "a list",
        }
    }

    /// The source's index of a value kept there (see [`Node::Deferred`]).
    pub(crate) fn deferred(self) -> Option<u32> {
        match self.node {
            Node::Deferred(i, _) => Some(i),
            _ => None,
        }
    }

    /// The JSON text of a value kept unparsed (see [`Node::Raw`]).
    pub fn raw_json(self) -> Option<&'t str> {
        match self.node {
            Node::Raw(s) => Some(self.tree.str_of(s)),
            _ => None,
        }
    }

    /// The value of `key` when this is a map that has it. A scan: meant for the small maps of one entry.
    pub fn get(self, key: &str) -> Option<Val<'t>> {
        self.as_map()?.get(key)
    }

    pub fn is_null(self) -> bool {
        matches!(self.node, Node::Null)
    }

    pub fn is_string(self) -> bool {
        matches!(self.node, Node::Str(_))
    }

    pub fn is_map(self) -> bool {
        matches!(self.node, Node::Map(_))
    }

    pub fn is_number(self) -> bool {
        matches!(self.node, Node::PosInt(_) | Node::NegInt(_) | Node::Float(_))
    }

    pub fn as_str(self) -> Option<&'t str> {
        match self.node {
            Node::Str(s) => Some(self.tree.str_of(s)),
            _ => None,
        }
    }

    pub fn as_bool(self) -> Option<bool> {
        match self.node {
            Node::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// As `serde_json::Value::as_i64`: integers that fit, never floats.
    pub fn as_i64(self) -> Option<i64> {
        match self.node {
            Node::PosInt(u) => i64::try_from(u).ok(),
            Node::NegInt(i) => Some(i),
            _ => None,
        }
    }

    /// As `serde_json::Value::as_u64`.
    pub fn as_u64(self) -> Option<u64> {
        match self.node {
            Node::PosInt(u) => Some(u),
            _ => None,
        }
    }

    /// As `serde_json::Value::as_f64`: any number.
    #[allow(clippy::cast_precision_loss)]
    pub fn as_f64(self) -> Option<f64> {
        match self.node {
            Node::PosInt(u) => Some(u as f64),
            Node::NegInt(i) => Some(i as f64),
            Node::Float(f) => Some(f),
            _ => None,
        }
    }

    /// The number, with its JSON type.
    pub fn as_number(self) -> Option<Number> {
        match self.node {
            Node::PosInt(u) => Some(Number::from(u)),
            Node::NegInt(i) => Some(Number::from(i)),
            Node::Float(f) => Number::from_f64(f),
            _ => None,
        }
    }

    pub fn as_map(self) -> Option<MapRef<'t>> {
        match self.node {
            Node::Map(s) => Some(MapRef {
                tree: self.tree,
                entries: self.tree.entries_of(s),
            }),
            _ => None,
        }
    }

    pub fn as_list(self) -> Option<ListRef<'t>> {
        match self.node {
            Node::List(s) => Some(ListRef {
                tree: self.tree,
                items: self.tree.items_of(s),
            }),
            _ => None,
        }
    }

    /// A `serde_json::Value` copy (for the few fields the store keeps as given).
    pub fn to_value(self) -> Value {
        match self.node {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(b),
            Node::Str(s) => Value::String(self.tree.str_of(s).to_owned()),
            Node::PosInt(_) | Node::NegInt(_) | Node::Float(_) => self.as_number().map_or(Value::Null, Value::Number),
            Node::List(_) => Value::Array(
                self.as_list()
                    .map(|l| l.iter().map(Val::to_value).collect())
                    .unwrap_or_default(),
            ),
            Node::Map(_) => {
                let mut m = Map::new();
                for (k, v) in self.as_map().into_iter().flat_map(MapRef::iter) {
                    m.insert(k.to_owned(), v.to_value());
                }
                Value::Object(m)
            }
            // The text was checked when the tree was built.
            Node::Raw(s) => serde_json::from_str(self.tree.str_of(s)).unwrap_or(Value::Null),
            // Only the parser's `with_parsed` reads these, through their source; this stands in for messages.
            Node::Deferred(_, DeferredKind::Map) => Value::Object(Map::new()),
            Node::Deferred(_, DeferredKind::List) => Value::Array(Vec::new()),
        }
    }
}

/// Written as `serde_json::Value` writes itself (compact JSON), for messages.
impl fmt::Display for Val<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.to_value(), f)
    }
}

impl fmt::Debug for Val<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_value(), f)
    }
}

/// The entries of a map, in input order.
#[derive(Clone, Copy)]
pub struct MapRef<'t> {
    tree: &'t Tree<'t>,
    entries: &'t [Entry],
}

impl<'t> MapRef<'t> {
    pub fn len(self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(self, key: &str) -> Option<Val<'t>> {
        let tree = self.tree;
        // The length rules out most keys without reading them.
        self.entries
            .iter()
            .find(|e| e.key.len as usize == key.len() && tree.str_of(e.key) == key)
            .map(|e| Val { tree, node: e.value })
    }

    pub fn contains_key(self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn iter(self) -> impl ExactSizeIterator<Item = (&'t str, Val<'t>)> {
        let tree = self.tree;
        self.entries
            .iter()
            .map(move |e| (tree.str_of(e.key), Val { tree, node: e.value }))
    }

    pub fn keys(self) -> impl ExactSizeIterator<Item = &'t str> {
        let tree = self.tree;
        self.entries.iter().map(move |e| tree.str_of(e.key))
    }
}

/// The elements of a list.
#[derive(Clone, Copy)]
pub struct ListRef<'t> {
    tree: &'t Tree<'t>,
    items: &'t [Node],
}

impl<'t> ListRef<'t> {
    pub fn len(self) -> usize {
        self.items.len()
    }

    pub fn is_empty(self) -> bool {
        self.items.is_empty()
    }

    pub fn get(self, i: usize) -> Option<Val<'t>> {
        self.items.get(i).map(|&node| Val { tree: self.tree, node })
    }

    pub fn iter(self) -> impl ExactSizeIterator<Item = Val<'t>> {
        let tree = self.tree;
        self.items.iter().map(move |&node| Val { tree, node })
    }
}

#[cfg(test)]
mod tests;
