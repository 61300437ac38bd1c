//! The label row store: header fields, data units, objects in one global row order, classifications, and the
//! frame index (frame → objects present), kept up to date on every edit so that a frame view costs
//! O(objects on that frame) and a frame-window filter O(log n + k).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use indexmap::IndexMap;
use parking_lot::Mutex;
use serde_json::Value;

use crate::error::{LabelError, Result};
use crate::instance::{check_bound, ClassificationCell, Geometries, MetaUpdate, ObjectCell, ObjectData};
use crate::ontology::Ontology;
use crate::ranges::{Frame, RangeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataType {
    Video,
    Image,
    ImgGroup,
    Audio,
    PlainText,
    Pdf,
    Dicom,
    DicomStudy,
    Nifti,
    TimeSeries,
    Group,
    Scene,
}

impl DataType {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "video" => Self::Video,
            "image" => Self::Image,
            "img_group" => Self::ImgGroup,
            "audio" => Self::Audio,
            "plain_text" => Self::PlainText,
            "pdf" => Self::Pdf,
            "dicom" => Self::Dicom,
            "dicom_study" => Self::DicomStudy,
            "nifti" => Self::Nifti,
            "time_series" => Self::TimeSeries,
            "group" => Self::Group,
            "scene" => Self::Scene,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Video => "video",
            Self::Image => "image",
            Self::ImgGroup => "img_group",
            Self::Audio => "audio",
            Self::PlainText => "plain_text",
            Self::Pdf => "pdf",
            Self::Dicom => "dicom",
            Self::DicomStudy => "dicom_study",
            Self::Nifti => "nifti",
            Self::TimeSeries => "time_series",
            Self::Group => "group",
            Self::Scene => "scene",
        }
    }
    /// Image and image group units carry a bare label blob rather than frame-keyed labels.
    pub fn single_frame_units(self) -> bool {
        matches!(self, Self::Image | Self::ImgGroup)
    }
    /// Range-based types keep their objects in `object_answers`.
    pub fn is_range_based(self) -> bool {
        matches!(self, Self::Audio | Self::PlainText | Self::TimeSeries)
    }
}

/// What the row knows about its media, independent of any label dict: the source of `number_of_frames`,
/// `data_fps`, `data_duration` and `is_shadow_data` even after `from_labels_dict`.
#[derive(Debug, Clone)]
pub struct MediaInfo {
    pub data_type: DataType,
    pub number_of_frames: i64,
    pub fps: Value,
    pub duration: Value,
    pub is_shadow_data: bool,
}

/// Top-level fields of the label dict.
#[derive(Debug, Clone)]
pub struct Header {
    pub label_hash: Value,
    pub branch_name: Value,
    pub created_at: Option<i64>,
    pub last_edited_at: Option<i64>,
    pub data_hash: Value,
    pub dataset_hash: Value,
    pub dataset_title: Value,
    pub data_title: Value,
    pub data_type: DataType,
    pub annotation_task_status: Value,
    pub label_status: String,
    /// A scene row's enriched `scene` metadata (a non-empty dict), written back as read.
    pub scene: Option<Value>,
    /// An event-based row whose label dict declared no spaces (`"spaces": {}`): a self-contained MCAP scene,
    /// whose point clouds and time-series channels are taken on trust (`crate::spaces::mcap`).
    pub mcap_trust: bool,
}

impl Header {
    /// A continuous scene: its objects are sparse events on a nanosecond timeline (`crate::events`).
    pub fn is_event_based(&self) -> bool {
        self.data_type == DataType::Scene
            && self
                .scene
                .as_ref()
                .and_then(|s| s.get("isContinuous"))
                .is_some_and(crate::events::py_truthy)
    }
}

/// One entry of `data_units`.
#[derive(Debug, Clone, Default)]
pub struct DataUnit {
    pub hash: Value,
    pub title: Value,
    /// `None` when the input had no `data_link` key.
    pub link: Option<Value>,
    pub mime: Value,
    pub width: Value,
    pub height: Value,
    pub audio: Option<[Value; 4]>,
    /// A data group's `metadata` (its children), as read: the row's `metadata` property.
    pub metadata: Option<Value>,
}

/// Maps keyed by object, classification or feature hash. foldhash with a per-process random seed: several
/// times cheaper than SipHash on these short keys, and the keys from a label dict still cannot be chosen to
/// collide.
pub(crate) type ByHash<V> = HashMap<String, V, foldhash::fast::RandomState>;

/// The whole label row.
#[derive(Debug, Clone)]
pub struct RowStore {
    pub onto: Arc<Ontology>,
    pub media: MediaInfo,
    pub header: Header,
    /// Units by frame index, in order of first appearance.
    pub units: IndexMap<Frame, DataUnit>,
    objects: BTreeMap<u64, ObjectCell>,
    object_by_hash: ByHash<u64>,
    frame_index: BTreeMap<Frame, Vec<u64>>,
    classifications: BTreeMap<u64, ClassificationCell>,
    classification_by_hash: ByHash<u64>,
    /// Per ontology classification: the frames claimed by its instances (the overlap rule's registry).
    claimed: ByHash<RangeSet>,
    next_order: u64,
    /// Spaces of data-group rows (declared by the row metadata), each holding its own placements.
    pub spaces: crate::spaces::Spaces,
    /// DICOM series and slice metadata read from the dict (exposed, never written back).
    pub medical: crate::medical::MedicalMeta,
}

fn insert_sorted(v: &mut Vec<u64>, order: u64) {
    match v.last() {
        Some(&last) if last < order => v.push(order),
        None => v.push(order),
        _ => {
            if let Err(i) = v.binary_search(&order) {
                v.insert(i, order);
            }
        }
    }
}

impl RowStore {
    pub fn new(onto: Arc<Ontology>, media: MediaInfo, header: Header) -> Self {
        Self {
            onto,
            media,
            header,
            units: IndexMap::new(),
            objects: BTreeMap::new(),
            object_by_hash: ByHash::default(),
            frame_index: BTreeMap::new(),
            classifications: BTreeMap::new(),
            classification_by_hash: ByHash::default(),
            claimed: ByHash::default(),
            next_order: 0,
            spaces: crate::spaces::Spaces::default(),
            medical: crate::medical::MedicalMeta::default(),
        }
    }

    /// Moves every label (objects, classifications, index) out, leaving the row without labels: the caller
    /// decides where the (possibly large) drop happens.
    pub fn take_labels(&mut self) -> impl Send {
        (
            std::mem::take(&mut self.objects),
            std::mem::take(&mut self.object_by_hash),
            std::mem::take(&mut self.frame_index),
            std::mem::take(&mut self.classifications),
            std::mem::take(&mut self.classification_by_hash),
            std::mem::take(&mut self.claimed),
        )
    }

    /// Drops every label (objects, classifications, index), keeping header, units and media.
    pub fn clear_labels(&mut self) {
        self.objects.clear();
        self.object_by_hash.clear();
        self.frame_index.clear();
        self.classifications.clear();
        self.classification_by_hash.clear();
        self.claimed.clear();
        self.spaces.clear_labels();
    }

    /// The bound frames are checked against when an instance is attached to this row. DICOM and scene rows
    /// have no known last frame (as in the reference).
    pub fn frame_bound(&self) -> Option<i64> {
        match self.media.data_type {
            DataType::Dicom | DataType::Scene => None,
            _ => Some(self.media.number_of_frames),
        }
    }

    // ---- objects -------------------------------------------------------------------------------------------

    pub fn object_count(&self) -> usize {
        self.objects.len()
    }

    pub fn object(&self, order: u64) -> Option<&ObjectCell> {
        self.objects.get(&order)
    }

    pub fn object_order(&self, hash: &str) -> Option<u64> {
        self.object_by_hash.get(hash).copied()
    }

    pub fn objects(&self) -> impl Iterator<Item = (u64, &ObjectCell)> {
        self.objects.iter().map(|(k, v)| (*k, v))
    }

    /// Returns the frame index's spare capacity (for a load whose frame maps were built whole).
    pub fn shrink_frame_index(&mut self) {
        for v in self.frame_index.values_mut() {
            v.shrink_to_fit();
        }
    }

    /// Registers frames of an object on the row whose cell was edited directly (event writes).
    pub(crate) fn index_object_frames(&mut self, order: u64, frames: Vec<Frame>) {
        self.index_frames(order, frames);
    }

    /// Unregisters frames of an object on the row whose cell was edited directly (event writes).
    pub(crate) fn unindex_object_frames(&mut self, order: u64, frames: &[Frame]) {
        self.unindex_frames(order, frames.iter().copied());
    }

    fn index_frames(&mut self, order: u64, mut frames: Vec<Frame>) {
        if !frames.is_sorted() {
            frames.sort_unstable();
        }
        frames.dedup();
        let (Some(&first), Some(&last)) = (frames.first(), frames.last()) else {
            return;
        };
        // A dense run of frames (a track) is merged with the index in one ordered pass, rather than looked up
        // frame by frame; the index holds at most one entry per frame number, so the pass visits at most
        // `last - first + 1` entries.
        let span = u128::try_from(i128::from(last) - i128::from(first)).unwrap_or(u128::MAX);
        if frames.len() < 16 || span >= 4 * frames.len() as u128 {
            for f in frames {
                insert_sorted(self.frame_index.entry(f).or_default(), order);
            }
            return;
        }
        let mut missing = Vec::new();
        let mut pending = frames.iter().copied().peekable();
        for (f, objs) in self.frame_index.range_mut(first..=last) {
            while let Some(g) = pending.next_if(|g| g < f) {
                missing.push(g);
            }
            if pending.next_if_eq(f).is_some() {
                insert_sorted(objs, order);
            }
        }
        missing.extend(pending);
        for f in missing {
            self.frame_index.insert(f, vec![order]);
        }
    }

    fn unindex_frames(&mut self, order: u64, frames: impl IntoIterator<Item = Frame>) {
        for f in frames {
            if let Some(v) = self.frame_index.get_mut(&f) {
                if let Ok(i) = v.binary_search(&order) {
                    v.remove(i);
                }
                if v.is_empty() {
                    self.frame_index.remove(&f);
                }
            }
        }
    }

    /// Appends an object at the end of the row order. An object with the same hash is replaced when `force`
    /// (its frame registrations go with it), otherwise refused.
    pub fn add_object(&mut self, cell: ObjectCell, force: bool) -> Result<u64> {
        let (hash, frames) = {
            let o = cell.lock();
            (o.hash.clone(), o.frames.keys().copied().collect::<Vec<_>>())
        };
        if let Some(old) = self.object_order(&hash) {
            if !force {
                return Err(LabelError::label_row(format!(
                    "The supplied ObjectInstance `{hash}` was already previously added. (the object_hash is the same)."
                )));
            }
            self.remove_object(old);
        }
        let order = self.next_order;
        self.next_order += 1;
        self.objects.insert(order, cell);
        self.object_by_hash.insert(hash, order);
        self.index_frames(order, frames);
        Ok(order)
    }

    /// Appends freshly parsed objects in order. Their hashes must be distinct and new to the row (the parser
    /// makes sure): this is `add_object` for each, without its per-object checks and with the maps grown once.
    pub fn extend_objects(&mut self, objects: Vec<ObjectData>) {
        self.object_by_hash.reserve(objects.len());
        let mut cells = Vec::with_capacity(objects.len());
        for o in objects {
            let order = self.next_order;
            self.next_order += 1;
            self.index_frames(order, o.frames.keys().copied().collect());
            let before = self.object_by_hash.insert(o.hash.clone(), order);
            debug_assert!(
                before.is_none(),
                "extend_objects: object `{}` is already on the row",
                o.hash
            );
            cells.push((order, Arc::new(Mutex::new(o))));
        }
        if self.objects.is_empty() {
            // Orders ascend: the map is built from a sorted run.
            self.objects = cells.into_iter().collect();
        } else {
            self.objects.extend(cells);
        }
    }

    /// Removes an object and its frame registrations; returns its cell.
    pub fn remove_object(&mut self, order: u64) -> Option<ObjectCell> {
        let cell = self.objects.remove(&order)?;
        let (hash, frames) = {
            let o = cell.lock();
            (o.hash.clone(), o.frames.keys().copied().collect::<Vec<_>>())
        };
        if self.object_by_hash.get(&hash) == Some(&order) {
            self.object_by_hash.remove(&hash);
        }
        self.unindex_frames(order, frames);
        Some(cell)
    }

    /// `set_for_frames` on an attached object: checks everything first, then applies and indexes.
    #[allow(clippy::too_many_arguments)]
    pub fn object_set_frames(
        &mut self,
        order: u64,
        frames: &[Frame],
        geometries: Geometries<'_>,
        update: &MetaUpdate,
        confidences: Option<&[crate::geometry::Num]>,
        overwrite: bool,
        now: i64,
    ) -> Result<()> {
        let bound = self.frame_bound();
        let cell = self
            .objects
            .get(&order)
            .ok_or_else(|| LabelError::label_row("object is not on this row"))?
            .clone();
        let added = {
            let mut o = cell.lock();
            let added = o.plan_set(frames, &geometries, overwrite, bound)?;
            o.apply_set(frames, geometries, update, confidences, now);
            added
        };
        self.index_frames(order, added);
        Ok(())
    }

    /// Removes frames from an attached object. When none remain the object leaves the row order.
    pub fn object_remove_frames(&mut self, order: u64, frames: &[Frame]) -> Result<bool> {
        let cell = self
            .objects
            .get(&order)
            .ok_or_else(|| LabelError::label_row("object is not on this row"))?
            .clone();
        let emptied = {
            let mut o = cell.lock();
            for f in frames {
                if !o.frames.contains_key(f) {
                    return Err(LabelError::key(format!("{f}")));
                }
            }
            for f in frames {
                o.frames.remove(f);
            }
            o.frames.is_empty()
        };
        self.unindex_frames(order, frames.iter().copied());
        if emptied {
            self.remove_object(order);
        }
        Ok(emptied)
    }

    /// Orders of the objects on `frame`, in row order.
    pub fn objects_on_frame(&self, frame: Frame) -> &[u64] {
        self.frame_index.get(&frame).map_or(&[], Vec::as_slice)
    }

    /// Orders of the objects matching both filters, in row order.
    pub fn filter_objects(&self, feature_hash: Option<&str>, frames: Option<&RangeSet>) -> Vec<u64> {
        let mut orders: Vec<u64> = match frames {
            None => self.objects.keys().copied().collect(),
            Some(set) => {
                let mut v = Vec::new();
                for &(s, e) in set.ranges() {
                    for (_, objs) in self.frame_index.range(s..=e) {
                        v.extend_from_slice(objs);
                    }
                }
                v.sort_unstable();
                v.dedup();
                v
            }
        };
        if let Some(fh) = feature_hash {
            orders.retain(|o| self.objects.get(o).is_some_and(|c| c.lock().feature_node().hash == fh));
        }
        orders
    }

    /// Frames that carry at least one object, ascending.
    pub fn labelled_frames(&self) -> impl Iterator<Item = (Frame, &[u64])> {
        self.frame_index.iter().map(|(f, v)| (*f, v.as_slice()))
    }

    // ---- classifications -----------------------------------------------------------------------------------

    pub fn classification(&self, order: u64) -> Option<&ClassificationCell> {
        self.classifications.get(&order)
    }

    pub fn classification_order(&self, hash: &str) -> Option<u64> {
        self.classification_by_hash.get(hash).copied()
    }

    pub fn classifications(&self) -> impl Iterator<Item = (u64, &ClassificationCell)> {
        self.classifications.iter().map(|(k, v)| (*k, v))
    }

    /// The claimed frames of an ontology classification that intersect `ranges`.
    pub fn claimed_overlap(&self, feature_hash: &str, ranges: &RangeSet) -> RangeSet {
        self.claimed
            .get(feature_hash)
            .map_or_else(RangeSet::new, |c| c.intersection(ranges))
    }

    /// Adds a classification instance with the reference's overlap rule.
    pub fn add_classification(&mut self, cell: ClassificationCell, force: bool) -> Result<u64> {
        let (hash, feature_hash, ranges, global) = {
            let c = cell.lock();
            (
                c.hash.clone(),
                c.feature_node().hash.clone(),
                c.ranges.clone(),
                c.is_global(),
            )
        };
        if !force && self.classification_by_hash.contains_key(&hash) {
            return Err(LabelError::label_row(format!(
                "The supplied ClassificationInstance `{hash}` was already previously added. (the classification_hash is the same)."
            )));
        }
        if global {
            let others: Vec<u64> = self
                .classifications
                .iter()
                .filter(|(_, c)| c.lock().feature_node().hash == feature_hash)
                .map(|(o, _)| *o)
                .collect();
            if !others.is_empty() {
                if !force {
                    return Err(LabelError::label_row(format!(
                        "A ClassificationInstance '{hash}' was already added globally. Set `force=True` to overwrite."
                    )));
                }
                for o in others {
                    self.remove_classification(o);
                }
            }
        } else if !force {
            let overlap = self.claimed_overlap(&feature_hash, &ranges);
            if !overlap.is_empty() {
                return Err(LabelError::label_row(format!(
                    "A ClassificationInstance '{hash}' was already added and has overlapping frames on the ranges {}. \
                     Set `force=True` to overwrite.",
                    format_ranges(&overlap)
                )));
            }
        }
        if let Some(old) = self.classification_by_hash.get(&hash).copied() {
            self.remove_classification(old);
        }
        let order = self.next_order;
        self.next_order += 1;
        self.classifications.insert(order, cell);
        self.classification_by_hash.insert(hash, order);
        self.claimed.entry(feature_hash).or_default().insert_set(&ranges);
        Ok(order)
    }

    pub fn remove_classification(&mut self, order: u64) -> Option<ClassificationCell> {
        let cell = self.classifications.remove(&order)?;
        let (hash, feature_hash, ranges) = {
            let c = cell.lock();
            (c.hash.clone(), c.feature_node().hash.clone(), c.ranges.clone())
        };
        if self.classification_by_hash.get(&hash) == Some(&order) {
            self.classification_by_hash.remove(&hash);
        }
        if let Some(claimed) = self.claimed.get_mut(&feature_hash) {
            claimed.remove_set(&ranges);
        }
        Some(cell)
    }

    /// `set_for_frames` on an attached classification; see `ClassificationInstance.set_for_frames`.
    pub fn classification_set_frames(&mut self, order: u64, ranges: &RangeSet, overwrite: bool) -> Result<()> {
        let cell = self
            .classifications
            .get(&order)
            .ok_or_else(|| LabelError::label_row("classification is not on this row"))?
            .clone();
        let (feature_hash, hash, global, range_only) = {
            let c = cell.lock();
            (
                c.feature_node().hash.clone(),
                c.hash.clone(),
                c.is_global(),
                c.range_only || self.media.data_type.is_range_based(),
            )
        };
        if global {
            if !overwrite {
                return Err(LabelError::label_row(format!(
                    "The classification '{hash}' already exists globally.Set 'overwrite' parameter to True to override."
                )));
            }
            cell.lock().ranges.insert_set(ranges);
            self.claimed.entry(feature_hash).or_default().insert_set(ranges);
            return Ok(());
        }
        let overlap = self.claimed_overlap(&feature_hash, ranges);
        if !overwrite && !overlap.is_empty() {
            return Err(LabelError::label_row(format!(
                "The classification '{hash}' already exists on the ranges {}. Set 'overwrite' parameter to True to override.",
                format_ranges(&overlap)
            )));
        }
        if !range_only {
            let mut new = ranges.clone();
            new.remove_set(&overlap);
            if new.is_empty() && !overlap.is_empty() {
                return Ok(());
            }
            let bound = if self.media.data_type.is_range_based() {
                Some(1)
            } else {
                self.frame_bound()
            };
            for &(s, e) in ranges.ranges() {
                check_bound(s, bound)?;
                check_bound(e, bound)?;
            }
        }
        cell.lock().ranges.insert_set(ranges);
        self.claimed.entry(feature_hash).or_default().insert_set(ranges);
        Ok(())
    }

    /// Removes frames from an attached classification (and from the claimed registry).
    pub fn classification_remove_frames(&mut self, order: u64, ranges: &RangeSet) {
        if let Some(cell) = self.classifications.get(&order) {
            let fh = {
                let mut c = cell.lock();
                c.ranges.remove_set(ranges);
                c.feature_node().hash.clone()
            };
            if let Some(claimed) = self.claimed.get_mut(&fh) {
                claimed.remove_set(ranges);
            }
        }
    }

    /// Orders of classifications matching both filters, in row order.
    pub fn filter_classifications(&self, feature_hash: Option<&str>, frames: Option<&RangeSet>) -> Vec<u64> {
        self.classifications
            .iter()
            .filter(|(_, cell)| {
                let c = cell.lock();
                feature_hash.is_none_or(|fh| c.feature_node().hash == fh)
                    && frames.is_none_or(|f| c.ranges.intersects_set(f))
            })
            .map(|(o, _)| *o)
            .collect()
    }
}

/// `[(s:e), ...]` as the reference prints range lists in messages.
pub fn format_ranges(r: &RangeSet) -> String {
    let parts: Vec<String> = r.ranges().iter().map(|(s, e)| format!("({s}:{e})")).collect();
    format!("[{}]", parts.join(", "))
}
