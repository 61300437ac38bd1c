//! Spaces of data-group and scene rows: each space is a view over the row's one store, holding the placements
//! (per-frame annotations, classification placements) of instances whose identity and answers live in the
//! shared object and classification cells. The row metadata declares the spaces; the label dict only fills
//! their labels.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use indexmap::IndexMap;
use serde_json::Value;

use crate::error::{LabelError, Result};
use crate::instance::{AnnotationMeta, ClassificationCell, FrameAnnotation, MetaUpdate, ObjectCell};
use crate::ranges::{Frame, RangeSet};

mod mcap;
mod ops;
mod point_cloud;
mod ranges;

pub use mcap::{is_channel_id, point_cloud_stream};
pub use ops::Overlap;
pub use point_cloud::{ranges_to_rle, rle_to_ranges};
pub use ranges::{range_set, RangeOverlap, RangePlacement};

/// The id of the space standing for the row's own layer (multilayer images).
pub const ROOT_SPACE_ID: &str = "root";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpaceKind {
    Video,
    Image,
    ImageSequence,
    Audio,
    TimeSeries,
    Text,
    Html,
    MedicalFile,
    MedicalStack,
    Pdf,
    SceneImage,
    PointCloud,
}

impl SpaceKind {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "video" => Self::Video,
            "image" => Self::Image,
            "image_sequence" => Self::ImageSequence,
            "audio" => Self::Audio,
            "time_series" => Self::TimeSeries,
            "text" => Self::Text,
            "html" => Self::Html,
            "medical_file" => Self::MedicalFile,
            "medical_stack" => Self::MedicalStack,
            "pdf" => Self::Pdf,
            "scene_image" => Self::SceneImage,
            "point_cloud" => Self::PointCloud,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Video => "video",
            Self::Image => "image",
            Self::ImageSequence => "image_sequence",
            Self::Audio => "audio",
            Self::TimeSeries => "time_series",
            Self::Text => "text",
            Self::Html => "html",
            Self::MedicalFile => "medical_file",
            Self::MedicalStack => "medical_stack",
            Self::Pdf => "pdf",
            Self::SceneImage => "scene_image",
            Self::PointCloud => "point_cloud",
        }
    }

    /// Spaces whose labels are keyed by frame and whose placements name frames.
    pub fn is_multi_frame(self) -> bool {
        matches!(
            self,
            Self::Video | Self::ImageSequence | Self::MedicalFile | Self::MedicalStack | Self::Pdf
        )
    }

    /// Single-image spaces: one frame, classifications always cover the whole space.
    pub fn is_image(self) -> bool {
        matches!(self, Self::Image | Self::SceneImage)
    }

    /// Spaces whose classifications always cover the whole space (no frames to name).
    pub fn classified_whole(self) -> bool {
        self.is_image() || self.is_range() || self == Self::PointCloud
    }

    /// Spaces whose objects sit on ranges (sample / character offsets, or HTML node ranges).
    pub fn is_range(self) -> bool {
        matches!(self, Self::Audio | Self::TimeSeries | Self::Text | Self::Html)
    }

    /// Space types whose labels this store holds (the others keep their declared shape and no labels).
    pub fn is_supported(self) -> bool {
        self.is_multi_frame() || self.is_image() || self.is_range() || self == Self::PointCloud
    }
}

/// A space as the row metadata declares it.
#[derive(Debug, Clone)]
pub struct SpaceDef {
    pub id: String,
    pub kind: SpaceKind,
    /// Fields written before and after `labels` in the space's export, in the reference's order.
    pub before_labels: Vec<(&'static str, Value)>,
    pub after_labels: Vec<(&'static str, Value)>,
    pub number_of_frames: Option<i64>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    /// Each frame's width and height, on medical stacks (whose frames differ in size).
    pub frame_sizes: Vec<(Option<i64>, Option<i64>)>,
    /// Taken on trust from an MCAP scene's labels rather than declared (`mcap.rs`): not written to `spaces`.
    pub synthetic: bool,
}

fn field(info: &serde_json::Map<String, Value>, id: &str, key: &'static str) -> Result<Value> {
    info.get(key)
        .cloned()
        .ok_or_else(|| LabelError::key(format!("spaces[{id:?}]: missing '{key}' in the space metadata")))
}

impl SpaceDef {
    /// Reads one entry of the metadata's `spaces`; `None` for a root layer the reference does not model.
    pub fn from_metadata(id: &str, info: &Value) -> Result<Option<Self>> {
        let info = info
            .as_object()
            .ok_or_else(|| LabelError::label_row(format!("spaces[{id:?}]: expected a dict")))?;
        let st = info
            .get("space_type")
            .and_then(Value::as_str)
            .ok_or_else(|| LabelError::key(format!("spaces[{id:?}]: missing 'space_type'")))?;
        let kind = SpaceKind::parse(st)
            .ok_or_else(|| LabelError::value(format!("spaces[{id:?}]: '{st}' is not a valid SpaceType")))?;
        if id == ROOT_SPACE_ID && !matches!(kind, SpaceKind::Image | SpaceKind::TimeSeries) {
            return Ok(None);
        }
        let f = |key: &'static str| field(info, id, key).map(|v| (key, v));
        let (before, after) = match kind {
            SpaceKind::Video => (
                vec![],
                vec![
                    f("number_of_frames")?,
                    f("width")?,
                    f("height")?,
                    f("data_duration")?,
                    f("data_fps")?,
                ],
            ),
            SpaceKind::Image => (vec![f("width")?, f("height")?], vec![]),
            SpaceKind::ImageSequence => (
                vec![],
                vec![f("number_of_frames")?, f("width")?, f("height")?, f("frames")?],
            ),
            SpaceKind::MedicalFile => (vec![], vec![f("number_of_frames")?, f("width")?, f("height")?]),
            SpaceKind::MedicalStack => (vec![], vec![f("frames")?]),
            SpaceKind::Pdf => (vec![], vec![f("number_of_pages")?]),
            SpaceKind::Audio => (vec![f("duration_ms")?], vec![]),
            SpaceKind::SceneImage | SpaceKind::PointCloud => (vec![f("scene_info")?], vec![]),
            // The row's own time-series layer names its file after the labels.
            SpaceKind::TimeSeries if id == ROOT_SPACE_ID && info.get("root_info").is_some_and(|v| !v.is_null()) => {
                (vec![], vec![f("root_info")?])
            }
            SpaceKind::Text | SpaceKind::Html | SpaceKind::TimeSeries => (vec![], vec![]),
        };
        let int = |key: &str| info.get(key).and_then(Value::as_i64);
        let number_of_frames = match kind {
            SpaceKind::MedicalStack => info.get("frames").and_then(Value::as_array).map(|a| a.len() as i64),
            SpaceKind::Pdf => int("number_of_pages"),
            _ => int("number_of_frames"),
        };
        let frame_sizes = match kind {
            SpaceKind::MedicalStack => info
                .get("frames")
                .and_then(Value::as_array)
                .map(|frames| {
                    let dim = |f: &Value, k: &str| f.get(k).and_then(Value::as_i64);
                    frames.iter().map(|f| (dim(f, "width"), dim(f, "height"))).collect()
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        Ok(Some(Self {
            id: id.to_owned(),
            kind,
            before_labels: before,
            after_labels: after,
            number_of_frames,
            width: int("width"),
            height: int("height"),
            frame_sizes,
            synthetic: false,
        }))
    }

    /// The width and height of a frame's media, as far as the metadata tells (a PDF page's is not known: the
    /// reference takes it as 0 x 0).
    pub fn frame_size(&self, frame: Frame) -> (Option<i64>, Option<i64>) {
        match self.kind {
            SpaceKind::MedicalStack => usize::try_from(frame)
                .ok()
                .and_then(|i| self.frame_sizes.get(i).copied())
                .unwrap_or((None, None)),
            SpaceKind::Pdf => (Some(0), Some(0)),
            _ => (self.width, self.height),
        }
    }

    /// All spaces of a metadata `spaces` dict (`null` → none).
    pub fn all_from_metadata(spaces: &Value) -> Result<Vec<Arc<Self>>> {
        let Some(m) = spaces.as_object() else {
            return Ok(Vec::new());
        };
        let mut out = Vec::with_capacity(m.len());
        for (id, info) in m {
            if let Some(def) = Self::from_metadata(id, info)? {
                out.push(Arc::new(def));
            }
        }
        Ok(out)
    }
}

/// A classification placed on a space.
#[derive(Debug, Clone)]
pub struct SpaceClassification {
    pub cell: ClassificationCell,
    /// Placed on the whole space (its metadata), or on frames (metadata per frame in `class_frames`).
    pub global: Option<AnnotationMeta>,
    pub ranges: RangeSet,
}

/// The labels a space holds. Orders follow the reference's dicts: objects and classifications in order of
/// placement, each frame's entries in order of placement on that frame.
#[derive(Debug, Clone, Default)]
pub struct SpaceLabels {
    pub objects: IndexMap<String, ObjectCell>,
    pub frames: BTreeMap<Frame, IndexMap<String, FrameAnnotation>>,
    /// Frames each object is placed on (decides when an object leaves the space).
    pub object_ranges: HashMap<String, RangeSet>,
    pub classifications: IndexMap<String, SpaceClassification>,
    pub class_frames: BTreeMap<Frame, IndexMap<String, AnnotationMeta>>,
    /// Per ontology classification: frames claimed by frame placements / the hash of its global placement.
    /// Keyed by feature hash: instances made outside the row carry their own compiled ontology, so feature
    /// indices of different cells are not comparable.
    pub claimed: HashMap<String, RangeSet>,
    pub global_by_feature: HashMap<String, String>,
    /// Range spaces: where each object of `objects` sits.
    pub placements: HashMap<String, RangePlacement>,
}

#[derive(Debug, Clone)]
pub struct Space {
    pub def: Arc<SpaceDef>,
    pub labels: SpaceLabels,
}

/// The spaces of a row, in metadata order.
#[derive(Debug, Clone, Default)]
pub struct Spaces {
    pub spaces: IndexMap<String, Space>,
}

impl Spaces {
    pub fn new(defs: &[Arc<SpaceDef>]) -> Self {
        Self {
            spaces: defs
                .iter()
                .map(|d| {
                    (
                        d.id.clone(),
                        Space {
                            def: d.clone(),
                            labels: SpaceLabels::default(),
                        },
                    )
                })
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.spaces.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Space> {
        self.spaces.get(id)
    }

    pub fn get_mut(&mut self, id: &str) -> Result<&mut Space> {
        let ids: Vec<String> = self.spaces.keys().map(|k| format!("'{k}'")).collect();
        let msg = format!(
            "Could not find space with given id '{id}'. Available space ids: [{}]",
            ids.join(", ")
        );
        self.spaces.get_mut(id).ok_or_else(|| LabelError::label_row(msg))
    }

    pub fn clear_labels(&mut self) {
        for s in self.spaces.values_mut() {
            s.labels = SpaceLabels::default();
        }
    }

    /// The object cell some space holds under `hash` (the first space in order).
    pub fn object(&self, hash: &str) -> Option<&ObjectCell> {
        self.spaces.values().find_map(|s| s.labels.objects.get(hash))
    }

    /// The classification cell some space holds under `hash`.
    pub fn classification(&self, hash: &str) -> Option<&ClassificationCell> {
        self.spaces
            .values()
            .find_map(|s| s.labels.classifications.get(hash).map(|c| &c.cell))
    }
}

/// The metadata of a fresh placement: defaults stamped `now`, then the call's fields.
pub fn fresh_meta(update: &MetaUpdate, now: i64) -> AnnotationMeta {
    let mut m = AnnotationMeta::new(now);
    update.apply(&mut m);
    m
}
