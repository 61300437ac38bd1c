//! The writer interface of the exporter: one walk of the store drives any sink (JSON bytes, Python objects,
//! a serde `Value`), so the three outputs cannot drift apart in key order, number types or date strings.

use std::collections::HashMap;

use serde_json::{Number, Value};

use crate::error::Result;
use crate::row::{DataUnit, RowStore};

/// Hashes for the sinks' caches (timestamps, repeated strings): the keys are ours, not an attacker's, and
/// SipHash would cost as much as the formatting a cache saves.
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

macro_rules! keys {
    ($($id:ident = $text:literal,)*) => {
        /// Every fixed key of the label dict. A sink indexes a per-export table with it (a Python string made
        /// once, a pre-quoted JSON key) rather than hashing the text on every entry.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Key {
            $($id,)*
        }

        impl Key {
            pub const COUNT: usize = [$($text,)*].len();

            #[inline]
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Key::$id => $text,)*
                }
            }

            /// `"key":` as it appears in compact JSON (no key needs escaping).
            #[inline]
            pub fn json(self) -> &'static str {
                match self {
                    $(Key::$id => concat!("\"", $text, "\":"),)*
                }
            }

            #[inline]
            pub fn index(self) -> usize {
                self as usize
            }
        }
    };
}

keys! {
    LabelHash = "label_hash",
    BranchName = "branch_name",
    CreatedAtRow = "created_at",
    LastEditedAtRow = "last_edited_at",
    DataHash = "data_hash",
    DatasetHash = "dataset_hash",
    DatasetTitle = "dataset_title",
    DataTitle = "data_title",
    DataType = "data_type",
    AnnotationTaskStatus = "annotation_task_status",
    IsShadowData = "is_shadow_data",
    ObjectAnswers = "object_answers",
    ClassificationAnswers = "classification_answers",
    ObjectActions = "object_actions",
    LabelStatus = "label_status",
    DataUnits = "data_units",
    Spaces = "spaces",
    DataLink = "data_link",
    DataSequence = "data_sequence",
    Width = "width",
    Height = "height",
    Labels = "labels",
    DataDuration = "data_duration",
    DataFps = "data_fps",
    Objects = "objects",
    Classifications = "classifications",
    ObjectHash = "objectHash",
    ObjectNumber = "objectNumber",
    Actions = "actions",
    ClassificationHash = "classificationHash",
    FeatureHash = "featureHash",
    Range = "range",
    CreatedBy = "createdBy",
    CreatedAt = "createdAt",
    LastEditedBy = "lastEditedBy",
    LastEditedAt = "lastEditedAt",
    Confidence = "confidence",
    ManualAnnotation = "manualAnnotation",
    Name = "name",
    Color = "color",
    Shape = "shape",
    Value = "value",
    IsDeleted = "isDeleted",
    Interpolate = "interpolate",
    Event = "event",
    Answers = "answers",
    Dynamic = "dynamic",
    ShouldPropagate = "shouldPropagate",
    BoundingBox = "boundingBox",
    RotatableBoundingBox = "rotatableBoundingBox",
    Point = "point",
    Polygon = "polygon",
    Polygons = "polygons",
    Polyline = "polyline",
    Bitmask = "bitmask",
    Skeleton = "skeleton",
    Circle = "circle",
    Ellipse = "ellipse",
    Cuboid2D = "cuboid_2d",
    Cuboid = "cuboid",
    H = "h",
    W = "w",
    X = "x",
    Y = "y",
    Z = "z",
    Theta = "theta",
    Top = "top",
    Left = "left",
    RleString = "rleString",
    Visibility = "visibility",
    R = "r",
    Stretch = "stretch",
    Rx = "rx",
    Ry = "ry",
    Front = "front",
    VanishingPoint = "vanishingPoint",
    ScaleRatio = "scaleRatio",
    Offset = "offset",
    Position = "position",
    Orientation = "orientation",
    Size = "size",
    RangeHtml = "range_html",
    Start = "start",
    End = "end",
    Xpath = "xpath",
    AudioCodec = "audio_codec",
    AudioSampleRate = "audio_sample_rate",
    AudioBitDepth = "audio_bit_depth",
    AudioNumChannels = "audio_num_channels",
}

/// Receives the label dict as a stream of events, depth first, in output order. A map entry is a `key*` call
/// followed by exactly one value (a scalar or a whole nested container).
///
/// The methods cannot fail: a sink that can (the Python one, on a memory error) keeps its first error and
/// reports it when it is finished. Length hints are exact except where an entry may be skipped.
pub trait LabelSink {
    fn begin_map(&mut self, len_hint: usize);
    fn end_map(&mut self);
    fn begin_list(&mut self, len_hint: usize);
    fn end_list(&mut self);

    fn key(&mut self, k: Key);
    /// A key taken from the data (object, classification and data hashes).
    fn key_str(&mut self, k: &str);
    /// A decimal key: a frame number or a vertex index.
    fn key_int(&mut self, k: i64);

    /// Text unlikely to repeat (free-text answers, RLE strings).
    fn str(&mut self, v: &str);
    /// Text repeated across entries (names, colours, hashes, user emails): a sink may share one copy.
    fn sym(&mut self, v: &str) {
        self.str(v);
    }
    fn int(&mut self, v: i64);
    fn uint(&mut self, v: u64);
    /// A finite float (callers turn non-finite values into `null` first, as `Number::from_f64` does).
    fn float(&mut self, v: f64);
    fn bool(&mut self, v: bool);
    fn null(&mut self);
    /// A timestamp in UTC seconds, written as the reference's date string.
    fn date(&mut self, secs: i64);

    /// The entries of a multi-frame unit's `labels`: every labelled frame in order, `"frame": blob`.
    fn frame_labels(&mut self, row: &RowStore, sizes: &DataUnit) -> Result<()>
    where
        Self: Sized,
    {
        super::write_frame_labels(row, row.labelled_frames().map(|(f, _)| f), sizes, self)
    }

    /// A number of the store, keeping its int / float type.
    fn number(&mut self, n: &Number) {
        if let Some(u) = n.as_u64() {
            self.uint(u);
        } else if let Some(i) = n.as_i64() {
            self.int(i);
        } else if let Some(f) = n.as_f64() {
            self.float(f);
        } else {
            self.null();
        }
    }

    /// A value kept as given by the input (header fields, unit fields, confidences, numeric answers).
    fn raw(&mut self, v: &Value) {
        match v {
            Value::Null => self.null(),
            Value::Bool(b) => self.bool(*b),
            Value::Number(n) => self.number(n),
            Value::String(s) => self.sym(s),
            Value::Array(a) => {
                self.begin_list(a.len());
                for x in a {
                    self.raw(x);
                }
                self.end_list();
            }
            Value::Object(m) => {
                self.begin_map(m.len());
                for (k, x) in m {
                    self.key_str(k);
                    self.raw(x);
                }
                self.end_map();
            }
        }
    }
}

/// Discards everything: runs the exporter for its checks alone.
pub struct NullSink;

impl LabelSink for NullSink {
    fn begin_map(&mut self, _: usize) {}
    fn end_map(&mut self) {}
    fn begin_list(&mut self, _: usize) {}
    fn end_list(&mut self) {}
    fn key(&mut self, _: Key) {}
    fn key_str(&mut self, _: &str) {}
    fn key_int(&mut self, _: i64) {}
    fn str(&mut self, _: &str) {}
    fn int(&mut self, _: i64) {}
    fn uint(&mut self, _: u64) {}
    fn float(&mut self, _: f64) {}
    fn bool(&mut self, _: bool) {}
    fn null(&mut self) {}
    fn date(&mut self, _: i64) {}
    fn raw(&mut self, _: &Value) {}
}
