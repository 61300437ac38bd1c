//! Objects and classifications as the store holds them: the per-frame annotations of an object, its answers,
//! and the instance-level data of a classification. Each lives in a shared cell so that the Python instance
//! and the row see one and the same data.

use std::collections::BTreeMap;
use std::sync::Arc;

use parking_lot::Mutex;

use crate::answers::{DynamicAnswers, StaticAnswers};
use crate::error::{LabelError, Result};
use crate::geometry::{Geometry, Num};
use crate::ontology::{FeatureNode, Ontology};
use crate::ranges::{Frame, RangeSet};

/// A string repeated on many annotations (user emails, interpolation modes): one allocation per distinct
/// value, shared (see `StringPool`), so a big row does not hold a copy per annotation.
pub type Shared = Arc<str>;

/// Hands out one `Shared` per distinct string.
#[derive(Debug, Default)]
pub struct StringPool(std::collections::HashSet<Shared>);

impl StringPool {
    pub fn get(&mut self, s: &str) -> Shared {
        if let Some(v) = self.0.get(s) {
            return v.clone();
        }
        let v: Shared = Arc::from(s);
        self.0.insert(v.clone());
        v
    }
}

/// Metadata of one object on one frame (or of a classification instance).
#[derive(Debug, Clone, PartialEq)]
pub struct AnnotationMeta {
    /// UTC seconds since the epoch.
    pub created_at: i64,
    pub created_by: Option<Shared>,
    pub last_edited_at: i64,
    pub last_edited_by: Option<Shared>,
    /// A number, kept with its JSON type.
    pub confidence: Num,
    pub manual_annotation: bool,
    pub is_deleted: Option<bool>,
}

impl AnnotationMeta {
    /// Fresh metadata stamped `now`, with the reference's defaults.
    pub fn new(now: i64) -> Self {
        Self {
            created_at: now,
            created_by: None,
            last_edited_at: now,
            last_edited_by: None,
            confidence: Num::from_f64(1.0).expect("1.0 is finite"),
            manual_annotation: true,
            is_deleted: None,
        }
    }
}

/// Optional metadata arguments of an API call: `None` leaves the stored value unchanged.
#[derive(Debug, Clone, Default)]
pub struct MetaUpdate {
    pub created_at: Option<i64>,
    pub created_by: Option<Shared>,
    pub last_edited_at: Option<i64>,
    pub last_edited_by: Option<Shared>,
    pub confidence: Option<Num>,
    pub manual_annotation: Option<bool>,
}

impl MetaUpdate {
    pub fn apply(&self, m: &mut AnnotationMeta) {
        if let Some(v) = self.created_at {
            m.created_at = v;
        }
        if let Some(v) = &self.created_by {
            m.created_by = Some(v.clone());
        }
        if let Some(v) = self.last_edited_at {
            m.last_edited_at = v;
        }
        if let Some(v) = &self.last_edited_by {
            m.last_edited_by = Some(v.clone());
        }
        if let Some(v) = &self.confidence {
            m.confidence = v.clone();
        }
        if let Some(v) = self.manual_annotation {
            m.manual_annotation = v;
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FrameAnnotation {
    pub geometry: Geometry,
    pub meta: AnnotationMeta,
    /// `interpolate` as read (only `"hold"` is accepted on non-scene rows).
    pub interpolate: Option<Shared>,
    /// The `event` tag of an entry of an event-based row; `None` on every other row.
    pub event: Option<crate::events::EventKind>,
}

/// An object's annotations by frame. Boxed: a tree node holds eleven entries, and most objects of an image
/// group have one frame, so unboxed annotations cost two kilobytes a node, nearly all of it unused.
pub type FrameMap = BTreeMap<Frame, Box<FrameAnnotation>>;

/// One object instance: its frames, answers and identity.
#[derive(Debug, Clone)]
pub struct ObjectData {
    pub hash: String,
    pub onto: Arc<Ontology>,
    pub feature: usize,
    pub object_number: Option<u64>,
    pub frames: FrameMap,
    pub static_answers: StaticAnswers,
    pub dynamic_answers: DynamicAnswers,
    /// Metadata of the object's placements on range spaces (audio, text, HTML, time series) and point clouds: one set for
    /// all of them, as the reference keeps it on the instance. `None` until the object is first placed on one.
    pub range_meta: Option<AnnotationMeta>,
    /// Whether an entry was ever read or written as an event (only event-based rows do that): a frame-based row
    /// then looks for event tags in the entries, which it need not do for any other object.
    pub had_events: bool,
}

pub type ObjectCell = Arc<Mutex<ObjectData>>;

/// The "supplied frame is not within bounds" error, with the bound printed as the reference does.
pub fn out_of_bounds(frame: Frame, bound: Option<i64>) -> LabelError {
    let b = bound.map_or_else(|| "inf".to_owned(), |b| b.to_string());
    LabelError::label_row(format!(
        "The supplied frame of `{frame}` is not within the acceptable bounds of `0` to `{b}`."
    ))
}

pub fn check_bound(frame: Frame, bound: Option<i64>) -> Result<()> {
    if frame < 0 || bound.is_some_and(|b| frame >= b) {
        return Err(out_of_bounds(frame, bound));
    }
    Ok(())
}

impl ObjectData {
    pub fn new(hash: String, onto: Arc<Ontology>, feature: usize) -> Self {
        Self {
            hash,
            onto,
            feature,
            object_number: None,
            frames: BTreeMap::new(),
            static_answers: StaticAnswers::default(),
            dynamic_answers: DynamicAnswers::default(),
            range_meta: None,
            had_events: false,
        }
    }

    pub fn feature_node(&self) -> &FeatureNode {
        &self.onto.objects[self.feature]
    }

    /// Checks that `geometry` fits the ontology shape of this object.
    pub fn check_shape(&self, geometry: &Geometry) -> Result<()> {
        self.check_shape_named(geometry, &self.hash)
    }

    /// `check_shape`, naming the object `hash` (the parser keeps an object's hash apart until it joins the row).
    pub fn check_shape_named(&self, geometry: &Geometry, hash: &str) -> Result<()> {
        let shape = &self.feature_node().shape;
        if geometry.shape() != shape {
            return Err(LabelError::label_row(format!(
                "Expected coordinates of one of the following types: `{}` for the shape `{shape}`, but got `{}` \
                 (object `{}`).",
                shape_class(shape),
                geometry.class_name(),
                hash
            )));
        }
        Ok(())
    }

    /// Validates a `set_for_frames` call without changing anything, returning the frames it would add.
    pub fn plan_set(
        &self,
        frames: &[Frame],
        geometries: &Geometries<'_>,
        overwrite: bool,
        bound: Option<i64>,
    ) -> Result<Vec<Frame>> {
        if let Some(n) = geometries.len().filter(|n| *n != frames.len()) {
            return Err(LabelError::value(format!(
                "{} frames but {n} coordinates",
                frames.len()
            )));
        }
        let mut added = Vec::new();
        // Frames in increasing order (what a bulk caller usually has) cannot repeat, and on an object without
        // frames none exists yet: neither needs a lookup per frame.
        let increasing = frames.windows(2).all(|w| w[0] < w[1]);
        let fresh = self.frames.is_empty();
        let mut seen = std::collections::HashSet::with_capacity(if increasing { 0 } else { frames.len() });
        for (i, &f) in frames.iter().enumerate() {
            let first = increasing || seen.insert(f);
            let exists = !fresh && self.frames.contains_key(&f);
            // A frame given twice in one bulk call is what a second one-by-one call on it would be.
            if !overwrite && (exists || !first) {
                return Err(LabelError::label_row(
                    "Cannot overwrite existing data for a frame. Set `overwrite` to `True` to overwrite.",
                ));
            }
            self.check_shape(geometries.get(i))?;
            check_bound(f, bound)?;
            if !exists && first {
                added.push(f);
            }
        }
        Ok(added)
    }

    /// Applies a validated `set_for_frames`: new frames start from fresh metadata stamped `now`; a per-frame
    /// confidence (bulk calls) overrides the update's.
    pub fn apply_set(
        &mut self,
        frames: &[Frame],
        geometries: Geometries<'_>,
        update: &MetaUpdate,
        confidences: Option<&[Num]>,
        now: i64,
    ) {
        match geometries {
            Geometries::Same(g) => self.apply_each(frames, std::iter::repeat(g).cloned(), update, confidences, now),
            Geometries::Each(g) => self.apply_each(frames, g.iter().cloned(), update, confidences, now),
            Geometries::Owned(g) => self.apply_each(frames, g.into_iter(), update, confidences, now),
        }
    }

    fn apply_each(
        &mut self,
        frames: &[Frame],
        geometries: impl Iterator<Item = Geometry>,
        update: &MetaUpdate,
        confidences: Option<&[Num]>,
        now: i64,
    ) {
        let meta_of = |i: usize, meta: &mut AnnotationMeta| {
            update.apply(meta);
            if let Some(c) = confidences.and_then(|c| c.get(i)) {
                meta.confidence = c.clone();
            }
        };
        if self.frames.is_empty() && frames.windows(2).all(|w| w[0] < w[1]) {
            // Sorted, distinct keys into an empty map: built in one pass rather than an insertion per frame.
            self.frames = frames
                .iter()
                .zip(geometries)
                .enumerate()
                .map(|(i, (&f, geometry))| {
                    let mut meta = AnnotationMeta::new(now);
                    meta_of(i, &mut meta);
                    let a = FrameAnnotation {
                        geometry,
                        meta,
                        interpolate: None,
                        event: None,
                    };
                    (f, Box::new(a))
                })
                .collect();
            return;
        }
        for ((i, &f), geometry) in frames.iter().enumerate().zip(geometries) {
            let entry = match self.frames.entry(f) {
                std::collections::btree_map::Entry::Occupied(e) => {
                    let e = e.into_mut();
                    e.geometry = geometry;
                    e
                }
                std::collections::btree_map::Entry::Vacant(e) => e.insert(Box::new(FrameAnnotation {
                    geometry,
                    meta: AnnotationMeta::new(now),
                    interpolate: None,
                    event: None,
                })),
            };
            meta_of(i, &mut entry.meta);
        }
    }

    /// The frames with coordinates as a range set.
    pub fn frame_set(&self) -> RangeSet {
        let mut s = RangeSet::new();
        let mut run: Option<(Frame, Frame)> = None;
        for &f in self.frames.keys() {
            run = match run {
                Some((a, b)) if f == b + 1 => Some((a, f)),
                Some((a, b)) => {
                    s.insert(a, b);
                    Some((f, f))
                }
                None => Some((f, f)),
            };
        }
        if let Some((a, b)) = run {
            s.insert(a, b);
        }
        s
    }

    /// True when every dynamic answer sits on a frame that has coordinates (for a range-shaped object: inside
    /// its ranges).
    pub fn dynamic_answers_valid(&self) -> bool {
        if crate::geometry::RangeShape::parse(&self.feature_node().shape).is_some() {
            let covered = match self.frames.get(&0).map(|a| &a.geometry) {
                Some(Geometry::Range { ranges, .. }) => ranges.clone(),
                _ => RangeSet::new(),
            };
            return self.dynamic_answers.all_within(&covered);
        }
        self.dynamic_answers.all_frames(|f| self.frames.contains_key(&f))
    }

    /// A deep copy under a new hash, without its object number (as `ObjectInstance.copy()`).
    pub fn copy_as(&self, hash: String) -> Self {
        let mut c = self.clone();
        c.hash = hash;
        c.object_number = None;
        c
    }
}

/// What a `set_for_frames` call writes: one geometry on every frame, or one per frame (bulk calls; `Owned`
/// moves them into the object rather than copying).
#[derive(Debug, Clone)]
pub enum Geometries<'a> {
    Same(&'a Geometry),
    Each(&'a [Geometry]),
    Owned(Vec<Geometry>),
}

impl Geometries<'_> {
    pub fn get(&self, i: usize) -> &Geometry {
        match self {
            Geometries::Same(g) => g,
            Geometries::Each(g) => &g[i],
            Geometries::Owned(g) => &g[i],
        }
    }

    fn len(&self) -> Option<usize> {
        match self {
            Geometries::Same(_) => None,
            Geometries::Each(g) => Some(g.len()),
            Geometries::Owned(g) => Some(g.len()),
        }
    }
}

/// The Python coordinate class acceptable for an ontology shape (used in messages).
pub fn shape_class(shape: &str) -> &'static str {
    match shape {
        "bounding_box" => "BoundingBoxCoordinates",
        "rotatable_bounding_box" => "RotatableBoundingBoxCoordinates",
        "point" => "PointCoordinate",
        "polygon" => "PolygonCoordinates",
        "polyline" => "PolylineCoordinates",
        "bitmask" => "BitmaskCoordinates",
        "skeleton" => "SkeletonCoordinates",
        "circle" => "CircleCoordinates",
        "ellipse" => "EllipseCoordinates",
        "cuboid_2d" => "Cuboid2DPerspectiveCoordinates, Cuboid2DIsometricCoordinates",
        "cuboid" => "CuboidCoordinates",
        "audio" => "AudioCoordinates",
        "time_range" => "TimeRangeCoordinates",
        "text" => "TextCoordinates, HtmlCoordinates",
        _ => "(none)",
    }
}

/// One classification instance: its frames (or ranges), instance-level metadata and static answers.
#[derive(Debug, Clone)]
pub struct ClassificationData {
    pub hash: String,
    pub onto: Arc<Ontology>,
    pub feature: usize,
    /// Constructed range-only (global classifications are always range-only).
    pub range_only: bool,
    pub ranges: RangeSet,
    pub meta: AnnotationMeta,
    pub answers: StaticAnswers,
}

pub type ClassificationCell = Arc<Mutex<ClassificationData>>;

impl ClassificationData {
    pub fn new(hash: String, onto: Arc<Ontology>, feature: usize, range_only: bool, now: i64) -> Self {
        let global = onto.classifications[feature].is_global;
        Self {
            hash,
            onto,
            feature,
            range_only: range_only || global,
            ranges: RangeSet::new(),
            meta: AnnotationMeta::new(now),
            answers: StaticAnswers::default(),
        }
    }

    pub fn feature_node(&self) -> &FeatureNode {
        &self.onto.classifications[self.feature]
    }

    pub fn is_global(&self) -> bool {
        self.feature_node().is_global
    }

    pub fn copy_as(&self, hash: String) -> Self {
        let mut c = self.clone();
        c.hash = hash;
        c
    }
}
