//! Store → label dict, in exactly the reference's shape: key order, number types, list order, date strings.
//!
//! One walk ([`export_into`]) feeds a [`LabelSink`]; the sinks are JSON bytes ([`export_json`]), a serde
//! `Value` ([`export_row`]) and, in the Python binding, dicts and lists built directly.

mod bytes_out;
mod geometry;
mod json;
mod ranges;
mod scene;
mod sink;
mod space_ranges;
mod spaces;
mod value;

use std::borrow::Cow;
use std::collections::hash_map::Entry;

use serde_json::Value;

use crate::error::{LabelError, Result};
use crate::geometry::Geometry;
use crate::instance::{AnnotationMeta, FrameAnnotation, ObjectData};
use crate::ranges::Frame;
use crate::row::{DataType, DataUnit, RowStore};

pub use bytes_out::{ByteOut, ForeignBuf, Grow};
pub use geometry::write_geometry;
pub use json::{export_json, export_json_into, export_json_threads, json_size_guess, JsonSink, PARALLEL_MIN_ENTRIES};
pub use ranges::{is_html, write_html_ranges};
pub use sink::{FastMap, Key, LabelSink, NullSink};
pub use value::{value_of, ValueSink};

/// Options of `to_encord_dict`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportOptions {
    /// Leave out every `objectNumber`.
    pub renumber_objects: bool,
}

/// The whole label dict as a `Value`.
pub fn export_row(row: &RowStore, opts: ExportOptions) -> Result<Value> {
    let mut sink = ValueSink::new();
    export_into(row, opts, &mut sink)?;
    Ok(sink.finish())
}

fn opt_sym<S: LabelSink>(s: &mut S, v: Option<&str>) {
    match v {
        Some(v) => s.sym(v),
        None => s.null(),
    }
}

/// Writes the whole label dict into `s`. On an error the sink holds a partial document, to be dropped.
pub fn export_into<S: LabelSink>(row: &RowStore, opts: ExportOptions, s: &mut S) -> Result<()> {
    crate::events::check_row(row)?;
    let h = &row.header;
    s.begin_map(17 + usize::from(row.header.scene.is_some()));
    s.key(Key::LabelHash);
    s.raw(&h.label_hash);
    s.key(Key::BranchName);
    s.raw(&h.branch_name);
    s.key(Key::CreatedAtRow);
    match h.created_at {
        Some(t) => s.date(t),
        None => s.null(),
    }
    s.key(Key::LastEditedAtRow);
    match h.last_edited_at {
        Some(t) => s.date(t),
        None => s.null(),
    }
    s.key(Key::DataHash);
    s.raw(&h.data_hash);
    s.key(Key::DatasetHash);
    s.raw(&h.dataset_hash);
    s.key(Key::DatasetTitle);
    s.raw(&h.dataset_title);
    s.key(Key::DataTitle);
    s.raw(&h.data_title);
    s.key(Key::DataType);
    s.sym(h.data_type.as_str());
    s.key(Key::AnnotationTaskStatus);
    s.raw(&h.annotation_task_status);
    s.key(Key::IsShadowData);
    s.bool(row.media.is_shadow_data);
    s.key(Key::ObjectAnswers);
    object_answers(row, opts, s)?;
    s.key(Key::ClassificationAnswers);
    classification_answers(row, s);
    s.key(Key::ObjectActions);
    object_actions(row, s);
    s.key(Key::LabelStatus);
    s.sym(&h.label_status);
    s.key(Key::DataUnits);
    data_units(row, s)?;
    s.key(Key::Spaces);
    spaces::write_spaces(row, s)?;
    if let Some(scene) = &row.header.scene {
        s.key_str("scene");
        s.raw(scene);
    }
    s.end_map();
    Ok(())
}

fn object_answers<S: LabelSink>(row: &RowStore, opts: ExportOptions, s: &mut S) -> Result<()> {
    let range_based = row.header.data_type.is_range_based();
    let html = range_based && ranges::is_html(row);
    s.begin_map(row.object_count());
    for (_, cell) in row.objects() {
        let o = cell.lock();
        s.key_str(&o.hash);
        if range_based {
            ranges::write_range_object_answer(&o, opts, html, s)?;
            continue;
        }
        s.begin_map(3);
        s.key(Key::Classifications);
        o.static_answers.write(&o.onto, o.feature_node(), s);
        s.key(Key::ObjectHash);
        s.sym(&o.hash);
        if let (Some(n), false) = (o.object_number, opts.renumber_objects) {
            s.key(Key::ObjectNumber);
            s.uint(n);
        }
        s.end_map();
    }
    spaces::object_answers(row, opts, s)?;
    s.end_map();
    Ok(())
}

fn object_actions<S: LabelSink>(row: &RowStore, s: &mut S) {
    s.begin_map(0);
    for (_, cell) in row.objects() {
        let o = cell.lock();
        if o.dynamic_answers.is_empty() {
            continue;
        }
        s.key_str(&o.hash);
        s.begin_map(2);
        s.key(Key::Actions);
        o.dynamic_answers.write(&o.onto, s);
        s.key(Key::ObjectHash);
        s.sym(&o.hash);
        s.end_map();
    }
    spaces::object_actions(row, s);
    s.end_map();
}

fn classification_answers<S: LabelSink>(row: &RowStore, s: &mut S) {
    let mut placed = spaces::classification_placements(row);
    s.begin_map(0);
    for (_, cell) in row.classifications() {
        let c = cell.lock();
        if let Some(p) = placed.shift_remove(&c.hash) {
            // The placements may share this cell: it is unlocked before they are read.
            let root = c.clone();
            drop(c);
            spaces::write_classification_entry(&root.hash, &p, Some(&root), s);
            continue;
        }
        let node = c.feature_node();
        s.key_str(&c.hash);
        s.begin_map(11);
        s.key(Key::Classifications);
        c.answers.write(&c.onto, node, s);
        s.key(Key::ClassificationHash);
        s.sym(&c.hash);
        s.key(Key::FeatureHash);
        s.sym(&node.hash);
        s.key(Key::Spaces);
        s.begin_map(0);
        s.end_map();
        s.key(Key::Range);
        crate::answers::write_ranges(&c.ranges, s);
        write_instance_meta(&c.meta, s);
        s.end_map();
    }
    for (hash, p) in &placed {
        spaces::write_classification_entry(hash, p, None, s);
    }
    s.end_map();
}

/// `createdBy, createdAt, lastEditedBy, lastEditedAt`, in this order.
pub(super) fn write_edit_meta<S: LabelSink>(meta: &AnnotationMeta, s: &mut S) {
    s.key(Key::CreatedBy);
    opt_sym(s, meta.created_by.as_deref());
    s.key(Key::CreatedAt);
    s.date(meta.created_at);
    s.key(Key::LastEditedBy);
    opt_sym(s, meta.last_edited_by.as_deref());
    s.key(Key::LastEditedAt);
    s.date(meta.last_edited_at);
}

/// The edit metadata, then `confidence, manualAnnotation`.
pub(super) fn write_instance_meta<S: LabelSink>(meta: &AnnotationMeta, s: &mut S) {
    write_edit_meta(meta, s);
    s.key(Key::Confidence);
    s.number(&meta.confidence);
    s.key(Key::ManualAnnotation);
    s.bool(meta.manual_annotation);
}

/// One frame-object entry as a `Value` (frame views and instance snapshots in the binding).
pub fn frame_object(o: &ObjectData, a: &FrameAnnotation) -> Value {
    value_of(|s| write_frame_object(o, a, s))
}

/// Writes the part of a frame-object entry that coordinates are read from: `name`, `shape` and the geometry
/// keys (the per-annotation coordinates getter needs nothing else).
pub fn write_frame_geometry<S: LabelSink>(o: &ObjectData, a: &FrameAnnotation, s: &mut S) {
    let node = o.feature_node();
    s.begin_map(4);
    s.key(Key::Name);
    s.sym(&node.name);
    s.key(Key::Shape);
    s.sym(&node.shape);
    write_geometry(&a.geometry, s);
    s.end_map();
}

/// Writes one frame-object entry.
pub fn write_frame_object<S: LabelSink>(o: &ObjectData, a: &FrameAnnotation, s: &mut S) {
    let node = o.feature_node();
    s.begin_map(16);
    s.key(Key::Name);
    s.sym(&node.name);
    s.key(Key::Color);
    s.sym(&node.color);
    s.key(Key::Shape);
    s.sym(&node.shape);
    s.key(Key::Value);
    s.sym(&node.value);
    s.key(Key::CreatedAt);
    s.date(a.meta.created_at);
    s.key(Key::CreatedBy);
    opt_sym(s, a.meta.created_by.as_deref());
    s.key(Key::Confidence);
    s.number(&a.meta.confidence);
    s.key(Key::ObjectHash);
    s.sym(&o.hash);
    s.key(Key::FeatureHash);
    s.sym(&node.hash);
    s.key(Key::ManualAnnotation);
    s.bool(a.meta.manual_annotation);
    s.key(Key::LastEditedAt);
    s.date(a.meta.last_edited_at);
    if let Some(by) = &a.meta.last_edited_by {
        s.key(Key::LastEditedBy);
        s.sym(by);
    }
    if let Some(d) = a.meta.is_deleted {
        s.key(Key::IsDeleted);
        s.bool(d);
    }
    if let Some(e) = a.event {
        s.key(Key::Event);
        s.sym(e.as_str());
    }
    if let Some(i) = &a.interpolate {
        s.key(Key::Interpolate);
        s.sym(i);
    }
    write_geometry(&a.geometry, s);
    s.end_map();
}

/// A bitmask must have the size of its frame: a DICOM slice's own size where the slice has metadata, else the
/// unit's. PDF pages have no size, so a bitmask on one cannot be written (as in the reference).
fn check_bitmask(row: &RowStore, a: &FrameAnnotation, unit: &DataUnit, frame: Frame, hash: &str) -> Result<()> {
    let Geometry::Bitmask { height, width, .. } = &a.geometry else {
        return Ok(());
    };
    let dt = row.header.data_type;
    let slice = match dt {
        DataType::Dicom => row.medical.slices.get(&frame),
        _ => None,
    };
    let (uh, uw) = match slice {
        Some(m) => (Value::from(m.height), Value::from(m.width)),
        None if dt == DataType::Pdf => (Value::Null, Value::Null),
        None => (unit.height.clone(), unit.width.clone()),
    };
    // An image group's frame answers with its own unit's values, null or not (a mismatch, not a missing size).
    let sized = dt != DataType::ImgGroup;
    if sized && uh.is_null() {
        return Err(LabelError::label_row(format!(
            "Height is expected but not set for the data type {} (object `{hash}` on frame {frame} has a bitmask)",
            dt.as_str()
        )));
    }
    if sized && uw.is_null() {
        return Err(LabelError::label_row(format!(
            "Width is expected but not set for the data type {} (object `{hash}` on frame {frame} has a bitmask)",
            dt.as_str()
        )));
    }
    if uh.as_i64() != Some(*height) || uw.as_i64() != Some(*width) {
        return Err(LabelError::value(format!(
            "Bitmask dimensions don't match the media dimensions: object `{hash}` on frame {frame} has a \
             {height}x{width} mask, the media is {uh}x{uw}"
        )));
    }
    Ok(())
}

/// The label blob of one frame: `{"objects": [...], "classifications": []}`, objects in row order.
fn label_blob<S: LabelSink>(row: &RowStore, frame: Frame, unit: &DataUnit, s: &mut S) -> Result<()> {
    let orders = row.objects_on_frame(frame);
    s.begin_map(2);
    s.key(Key::Objects);
    s.begin_list(orders.len());
    for order in orders {
        let Some(cell) = row.object(*order) else { continue };
        let o = cell.lock();
        let a = o.frames.get(&frame).ok_or_else(|| {
            LabelError::label_row(format!(
                "Trying to use an ObjectInstance.Annotation for an ObjectInstance that is not on the frame {frame} (object `{}`)",
                o.hash
            ))
        })?;
        check_bitmask(row, a, unit, frame, &o.hash)?;
        write_frame_object(&o, a, s);
    }
    s.end_list();
    s.key(Key::Classifications);
    s.begin_list(0);
    s.end_list();
    s.end_map();
    Ok(())
}

/// `"frame": blob` entries of a multi-frame unit's `labels`, for `frames` in order.
fn write_frame_labels<S: LabelSink>(
    row: &RowStore,
    frames: impl Iterator<Item = Frame>,
    sizes: &DataUnit,
    s: &mut S,
) -> Result<()> {
    for f in frames {
        s.key_int(f);
        label_blob(row, f, sizes, s)?;
    }
    Ok(())
}

/// The `labels` value of a unit. On multi-frame rows every unit carries all labelled frames (the reference
/// writes them so), and frame sizes (for bitmasks) are the row's, i.e. the first unit's.
fn unit_labels<S: LabelSink>(row: &RowStore, frame: Frame, unit: &DataUnit, s: &mut S) -> Result<()> {
    if row.header.data_type.single_frame_units() || row.header.data_type == DataType::Group {
        return label_blob(row, frame, unit, s);
    }
    let sizes = row.units.first().map_or(unit, |(_, u)| u);
    s.begin_map(0);
    s.frame_labels(row, sizes)?;
    if row.header.data_type == DataType::Scene && unit.hash == row.header.data_hash {
        scene::write_scene_image_labels(row, s)?;
        scene::write_mcap_point_clouds(row, s);
    }
    s.end_map();
    Ok(())
}

fn key_of(v: &Value) -> Cow<'_, str> {
    match v {
        Value::String(s) => Cow::Borrowed(s),
        other => Cow::Owned(other.to_string()),
    }
}

/// Positions of the units to write, as a dict keyed by unit hash holds them: a repeated hash keeps the place
/// of its first unit and the content of its last.
fn unit_slots(keys: &[Cow<'_, str>]) -> Vec<usize> {
    let mut slot_of: FastMap<&str, usize> = FastMap::default();
    let mut slots: Vec<usize> = Vec::with_capacity(keys.len());
    for (i, k) in keys.iter().enumerate() {
        match slot_of.entry(k) {
            Entry::Occupied(e) => slots[*e.get()] = i,
            Entry::Vacant(e) => {
                e.insert(slots.len());
                slots.push(i);
            }
        }
    }
    slots
}

fn data_units<S: LabelSink>(row: &RowStore, s: &mut S) -> Result<()> {
    let dt = row.header.data_type;
    let units: Vec<(&Frame, &DataUnit)> = row.units.iter().collect();
    let keys: Vec<Cow<'_, str>> = units.iter().map(|(_, u)| key_of(&u.hash)).collect();
    let slots = unit_slots(&keys);
    if slots.len() < units.len() {
        // Units that a later one with the same hash replaces are not written, but their errors (in unit order)
        // are still the export's errors.
        for (&frame, u) in &units {
            unit_labels(row, frame, u, &mut NullSink)?;
        }
    }
    s.begin_map(slots.len());
    for i in slots {
        let (&frame, u) = units[i];
        s.key_str(&keys[i]);
        if dt.is_range_based() {
            ranges::write_range_unit(row, u, frame, s);
            continue;
        }
        s.begin_map(12);
        s.key(Key::DataHash);
        s.raw(&u.hash);
        s.key(Key::DataTitle);
        s.raw(&u.title);
        // A group's unit is a bare container: its media fields live on its spaces.
        let group = dt == DataType::Group;
        let scene = dt == DataType::Scene;
        if dt != DataType::Dicom && !group {
            s.key(Key::DataLink);
            match &u.link {
                _ if scene => s.str(""),
                Some(l) => s.raw(l),
                None => s.null(),
            }
        }
        s.key(Key::DataType);
        s.raw(&u.mime);
        s.key(Key::DataSequence);
        if dt == DataType::ImgGroup {
            s.str(&frame.to_string());
        } else {
            s.int(frame);
        }
        let pdf = dt == DataType::Pdf;
        if pdf {
            // Pages have no size of their own; `data_fps` keeps this place even when the row has an fps.
            s.key(Key::Height);
            s.int(0);
            s.key(Key::Width);
            s.int(0);
            s.key(Key::DataFps);
            if row.media.fps.is_null() {
                s.int(0);
            } else if !group {
                s.raw(&row.media.fps);
            }
        } else if scene {
            // A scene's unit has no size; `data_fps` keeps this place, 0 when the row has no fps.
            s.key(Key::Width);
            s.int(0);
            s.key(Key::Height);
            s.int(0);
            s.key(Key::DataFps);
            if row.media.fps.is_null() {
                s.int(0);
            } else {
                s.raw(&row.media.fps);
            }
        } else if !group {
            s.key(Key::Width);
            s.raw(&u.width);
            s.key(Key::Height);
            s.raw(&u.height);
        }
        s.key(Key::Labels);
        unit_labels(row, frame, u, s)?;
        if !row.media.duration.is_null() && !group {
            s.key(Key::DataDuration);
            s.raw(&row.media.duration);
        }
        if !pdf && !scene && !group && !row.media.fps.is_null() {
            s.key(Key::DataFps);
            s.raw(&row.media.fps);
        }
        s.end_map();
    }
    s.end_map();
    Ok(())
}
