//! Store → label dict, in exactly the reference's shape: key order, number types, list order, date strings.

use serde_json::{Map, Value};

use crate::answers::ranges_value;
use crate::dates::format_timestamp;
use crate::error::{LabelError, Result};
use crate::geometry::{write_geometry, Geometry};
use crate::instance::{AnnotationMeta, FrameAnnotation, ObjectData};
use crate::ranges::Frame;
use crate::row::{DataType, DataUnit, RowStore};

/// Options of `to_encord_dict`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportOptions {
    /// Leave out every `objectNumber`.
    pub renumber_objects: bool,
}

fn date_value(t: Option<i64>) -> Value {
    t.map_or(Value::Null, |t| Value::String(format_timestamp(t)))
}

fn opt_string(s: Option<&String>) -> Value {
    s.map_or(Value::Null, |s| Value::String(s.clone()))
}

/// The whole label dict.
pub fn export_row(row: &RowStore, opts: ExportOptions) -> Result<Value> {
    let h = &row.header;
    let mut m = Map::with_capacity(17);
    m.insert("label_hash".into(), h.label_hash.clone());
    m.insert("branch_name".into(), h.branch_name.clone());
    m.insert("created_at".into(), date_value(h.created_at));
    m.insert("last_edited_at".into(), date_value(h.last_edited_at));
    m.insert("data_hash".into(), h.data_hash.clone());
    m.insert("dataset_hash".into(), h.dataset_hash.clone());
    m.insert("dataset_title".into(), h.dataset_title.clone());
    m.insert("data_title".into(), h.data_title.clone());
    m.insert("data_type".into(), Value::String(h.data_type.as_str().into()));
    m.insert("annotation_task_status".into(), h.annotation_task_status.clone());
    m.insert("is_shadow_data".into(), Value::Bool(row.media.is_shadow_data));
    m.insert("object_answers".into(), object_answers(row, opts));
    m.insert("classification_answers".into(), classification_answers(row));
    m.insert("object_actions".into(), object_actions(row));
    m.insert("label_status".into(), Value::String(h.label_status.clone()));
    m.insert("data_units".into(), data_units(row)?);
    m.insert("spaces".into(), Value::Object(Map::new()));
    Ok(Value::Object(m))
}

fn object_answers(row: &RowStore, opts: ExportOptions) -> Value {
    let mut out = Map::with_capacity(row.object_count());
    for (_, cell) in row.objects() {
        let o = cell.lock();
        let mut e = Map::with_capacity(3);
        e.insert(
            "classifications".into(),
            o.static_answers.to_value(&o.onto, o.feature_node()),
        );
        e.insert("objectHash".into(), Value::String(o.hash.clone()));
        if let (Some(n), false) = (o.object_number, opts.renumber_objects) {
            e.insert("objectNumber".into(), Value::from(n));
        }
        out.insert(o.hash.clone(), Value::Object(e));
    }
    Value::Object(out)
}

fn object_actions(row: &RowStore) -> Value {
    let mut out = Map::new();
    for (_, cell) in row.objects() {
        let o = cell.lock();
        if o.dynamic_answers.is_empty() {
            continue;
        }
        let mut e = Map::with_capacity(2);
        e.insert("actions".into(), o.dynamic_answers.to_value(&o.onto));
        e.insert("objectHash".into(), Value::String(o.hash.clone()));
        out.insert(o.hash.clone(), Value::Object(e));
    }
    Value::Object(out)
}

fn classification_answers(row: &RowStore) -> Value {
    let mut out = Map::new();
    for (_, cell) in row.classifications() {
        let c = cell.lock();
        let node = c.feature_node();
        let mut e = Map::with_capacity(11);
        e.insert("classifications".into(), c.answers.to_value(&c.onto, node));
        e.insert("classificationHash".into(), Value::String(c.hash.clone()));
        e.insert("featureHash".into(), Value::String(node.hash.clone()));
        e.insert("spaces".into(), Value::Object(Map::new()));
        e.insert("range".into(), ranges_value(&c.ranges));
        write_instance_meta(&c.meta, &mut e);
        out.insert(c.hash.clone(), Value::Object(e));
    }
    Value::Object(out)
}

fn write_instance_meta(meta: &AnnotationMeta, e: &mut Map<String, Value>) {
    e.insert("createdBy".into(), opt_string(meta.created_by.as_ref()));
    e.insert("createdAt".into(), date_value(Some(meta.created_at)));
    e.insert("lastEditedBy".into(), opt_string(meta.last_edited_by.as_ref()));
    e.insert("lastEditedAt".into(), date_value(Some(meta.last_edited_at)));
    e.insert("confidence".into(), meta.confidence.clone());
    e.insert("manualAnnotation".into(), Value::Bool(meta.manual_annotation));
}

/// One frame-object entry.
pub fn frame_object(o: &ObjectData, a: &FrameAnnotation) -> Value {
    let node = o.feature_node();
    let mut e = Map::with_capacity(16);
    e.insert("name".into(), Value::String(node.name.clone()));
    e.insert("color".into(), Value::String(node.color.clone()));
    e.insert("shape".into(), Value::String(node.shape.clone()));
    e.insert("value".into(), Value::String(node.value.clone()));
    e.insert("createdAt".into(), Value::String(format_timestamp(a.meta.created_at)));
    e.insert("createdBy".into(), opt_string(a.meta.created_by.as_ref()));
    e.insert("confidence".into(), a.meta.confidence.clone());
    e.insert("objectHash".into(), Value::String(o.hash.clone()));
    e.insert("featureHash".into(), Value::String(node.hash.clone()));
    e.insert("manualAnnotation".into(), Value::Bool(a.meta.manual_annotation));
    e.insert(
        "lastEditedAt".into(),
        Value::String(format_timestamp(a.meta.last_edited_at)),
    );
    if let Some(by) = &a.meta.last_edited_by {
        e.insert("lastEditedBy".into(), Value::String(by.clone()));
    }
    if let Some(d) = a.meta.is_deleted {
        e.insert("isDeleted".into(), Value::Bool(d));
    }
    if let Some(i) = &a.interpolate {
        e.insert("interpolate".into(), Value::String(i.clone()));
    }
    write_geometry(&a.geometry, &mut e);
    Value::Object(e)
}

fn check_bitmask(a: &FrameAnnotation, unit: Option<&DataUnit>, frame: Frame, hash: &str) -> Result<()> {
    if let (Geometry::Bitmask { height, width, .. }, Some(u)) = (&a.geometry, unit) {
        let (uh, uw) = (u.height.as_i64(), u.width.as_i64());
        if uh != Some(*height) || uw != Some(*width) {
            return Err(LabelError::value(format!(
                "Bitmask dimensions don't match the media dimensions: object `{hash}` on frame {frame} has a \
                 {height}x{width} mask, the media is {}x{}",
                u.height, u.width
            )));
        }
    }
    Ok(())
}

/// The `objects` list of one frame, in row order.
fn frame_objects(row: &RowStore, frame: Frame, unit: Option<&DataUnit>) -> Result<Vec<Value>> {
    let orders = row.objects_on_frame(frame);
    let mut out = Vec::with_capacity(orders.len());
    for order in orders {
        let Some(cell) = row.object(*order) else { continue };
        let o = cell.lock();
        let a = o.frames.get(&frame).ok_or_else(|| {
            LabelError::label_row(format!(
                "Trying to use an ObjectInstance.Annotation for an ObjectInstance that is not on the frame {frame} (object `{}`)",
                o.hash
            ))
        })?;
        check_bitmask(a, unit, frame, &o.hash)?;
        out.push(frame_object(&o, a));
    }
    Ok(out)
}

fn label_blob(objects: Vec<Value>) -> Value {
    let mut m = Map::with_capacity(2);
    m.insert("objects".into(), Value::Array(objects));
    m.insert("classifications".into(), Value::Array(Vec::new()));
    Value::Object(m)
}

fn data_units(row: &RowStore) -> Result<Value> {
    let dt = row.header.data_type;
    let mut out = Map::with_capacity(row.units.len());
    for (i, (&frame, u)) in row.units.iter().enumerate() {
        let mut m = Map::with_capacity(12);
        m.insert("data_hash".into(), u.hash.clone());
        m.insert("data_title".into(), u.title.clone());
        if dt != DataType::Dicom {
            m.insert("data_link".into(), u.link.clone().unwrap_or(Value::Null));
        }
        m.insert("data_type".into(), u.mime.clone());
        m.insert(
            "data_sequence".into(),
            if dt == DataType::ImgGroup {
                Value::String(frame.to_string())
            } else {
                Value::from(frame)
            },
        );
        m.insert("width".into(), u.width.clone());
        m.insert("height".into(), u.height.clone());
        let labels = if dt.single_frame_units() {
            label_blob(frame_objects(row, frame, Some(u))?)
        } else if i == 0 {
            let mut frames = Map::new();
            for (f, _) in row.labelled_frames() {
                frames.insert(f.to_string(), label_blob(frame_objects(row, f, Some(u))?));
            }
            Value::Object(frames)
        } else {
            Value::Object(Map::new())
        };
        m.insert("labels".into(), labels);
        if !row.media.duration.is_null() {
            m.insert("data_duration".into(), row.media.duration.clone());
        }
        if !row.media.fps.is_null() {
            m.insert("data_fps".into(), row.media.fps.clone());
        }
        out.insert(key_of(&u.hash), Value::Object(m));
    }
    Ok(Value::Object(out))
}

fn key_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
