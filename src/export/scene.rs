//! The parts of the export that a scene's point-cloud spaces contribute: their `labels` blob (one list of
//! segmentation entries, not keyed by frame) and the `object_answers` entries of the objects they hold, which
//! carry the instance's metadata and the point clouds it is on.

use super::{ExportOptions, Key, LabelSink};
use crate::error::Result;
use crate::instance::{AnnotationMeta, ObjectData};
use crate::row::RowStore;
use crate::spaces::{ranges_to_rle, Space, SpaceKind};

/// The `value` the reference writes for point-cloud objects: the ontology name, lower case, spaces as `_`.
fn snake_value(name: &str) -> String {
    name.to_lowercase().replace(' ', "_")
}

fn range_meta(o: &ObjectData) -> AnnotationMeta {
    o.range_meta.clone().unwrap_or_else(|| AnnotationMeta::new(0))
}

fn write_by<S: LabelSink>(meta: &AnnotationMeta, s: &mut S) {
    if let Some(by) = &meta.created_by {
        s.key(Key::CreatedBy);
        s.sym(by);
    }
    if let Some(by) = &meta.last_edited_by {
        s.key(Key::LastEditedBy);
        s.sym(by);
    }
}

/// Writes a point cloud's `labels`: every object it holds as a segmentation of its point ranges.
pub(super) fn write_point_cloud_labels<S: LabelSink>(space: &Space, s: &mut S) {
    let labels = &space.labels;
    s.begin_map(2);
    s.key(Key::Objects);
    s.begin_list(labels.objects.len());
    for (hash, cell) in &labels.objects {
        let o = cell.lock();
        let node = o.feature_node();
        let meta = range_meta(&o);
        s.begin_map(13);
        // Whatever the ontology shape, the reference writes these entries as segmentations.
        s.key(Key::Shape);
        s.sym("segmentation");
        s.key(Key::ObjectHash);
        s.sym(hash);
        s.key(Key::FeatureHash);
        s.sym(&node.hash);
        s.key(Key::Name);
        s.sym(&node.name);
        s.key(Key::Color);
        s.sym(&node.color);
        s.key(Key::Value);
        s.str(&snake_value(&node.name));
        s.key_str("segmentation");
        s.str(&labels.object_ranges.get(hash).map(ranges_to_rle).unwrap_or_default());
        s.key(Key::CreatedAt);
        s.date(meta.created_at);
        s.key(Key::LastEditedAt);
        s.date(meta.last_edited_at);
        s.key(Key::Confidence);
        s.number(&meta.confidence);
        s.key(Key::ManualAnnotation);
        s.bool(meta.manual_annotation);
        write_by(&meta, s);
        s.end_map();
    }
    s.end_list();
    s.key(Key::Classifications);
    s.begin_list(0);
    s.end_list();
    s.end_map();
}

/// Writes the `object_answers` entry of an object first met on a point cloud: its answers, the metadata of the
/// instance that point cloud holds, and every point cloud holding an object of that hash.
pub(super) fn write_point_cloud_answer<S: LabelSink>(
    row: &RowStore,
    hash: &str,
    o: &ObjectData,
    opts: ExportOptions,
    s: &mut S,
) {
    let node = o.feature_node();
    let meta = range_meta(o);
    s.key_str(hash);
    s.begin_map(15);
    s.key(Key::Classifications);
    o.static_answers.write(&o.onto, node, s);
    s.key(Key::ObjectHash);
    s.sym(hash);
    s.key(Key::CreatedAt);
    s.date(meta.created_at);
    s.key(Key::LastEditedAt);
    s.date(meta.last_edited_at);
    s.key(Key::ManualAnnotation);
    s.bool(meta.manual_annotation);
    s.key(Key::FeatureHash);
    s.sym(&node.hash);
    s.key(Key::Name);
    s.sym(&node.name);
    s.key(Key::Color);
    s.sym(&node.color);
    s.key(Key::Shape);
    s.sym("segmentation");
    s.key(Key::Value);
    s.str(&snake_value(&node.name));
    s.key(Key::Range);
    s.begin_list(0);
    s.end_list();
    s.key(Key::Spaces);
    let holders: Vec<&Space> = row
        .spaces
        .spaces
        .values()
        .filter(|sp| sp.def.kind == SpaceKind::PointCloud && sp.labels.objects.contains_key(hash))
        .collect();
    s.begin_map(holders.len());
    for sp in holders {
        s.key_str(&sp.def.id);
        s.begin_map(2);
        s.key(Key::Range);
        s.begin_list(0);
        s.end_list();
        s.key_str("type");
        s.sym("frame");
        s.end_map();
    }
    s.end_map();
    write_by(&meta, s);
    if let (Some(n), false) = (o.object_number, opts.renumber_objects) {
        s.key(Key::ObjectNumber);
        s.uint(n);
    }
    s.end_map();
}

/// Writes, into an MCAP scene's data unit labels, the labels of the point clouds taken on trust that hold
/// objects, under their `stream@timestamp_ns` keys.
pub(super) fn write_mcap_point_clouds<S: LabelSink>(row: &RowStore, s: &mut S) {
    for space in row.spaces.synthetic() {
        if space.def.kind == SpaceKind::PointCloud && !space.labels.objects.is_empty() {
            s.key_str(&space.def.id);
            write_point_cloud_labels(space, s);
        }
    }
}

/// Writes, into a scene's data unit labels, the labels of its scene images that hold objects, keyed
/// `stream#frame` (the image's start frame, else its event index), in space order.
pub(super) fn write_scene_image_labels<S: LabelSink>(row: &RowStore, s: &mut S) -> Result<()> {
    for space in row.spaces.spaces.values() {
        if space.def.kind != SpaceKind::SceneImage {
            continue;
        }
        let Some(objects) = space.labels.frames.get(&0).filter(|m| !m.is_empty()) else {
            continue;
        };
        let Some((_, info)) = space.def.before_labels.iter().find(|(k, _)| *k == "scene_info") else {
            continue;
        };
        let part = |k: &str| {
            info.get(k).filter(|v| !v.is_null()).map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
        };
        let frame = part("start_frame").or_else(|| part("event_index")).unwrap_or_default();
        s.key_str(&format!("{}#{frame}", part("stream_id").unwrap_or_default()));
        super::spaces::write_blob(space, 0, objects, s)?;
    }
    Ok(())
}
