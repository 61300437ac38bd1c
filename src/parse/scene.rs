//! Labels of a scene's point-cloud spaces: one `labels` blob per space (not keyed by frame) whose objects name
//! the points they cover with a segmentation RLE string. As in the reference, each space makes its own instance
//! of an object (with the metadata of its own entry), numbered and answered from `object_answers`; the
//! classifications of `classification_answers` are not read back onto point clouds.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;

use super::units::FrameObjectFields;
use super::{as_list, as_map, str_field, Builder};
use crate::error::{LabelError, Result};
use crate::instance::{ObjectCell, ObjectData};
use crate::spaces::{rle_to_ranges, RangeOverlap};
use crate::tree::MapRef;
use crate::tree::{Path, Val};

/// Python's truth value of a JSON value (the reference tests `scene.isContinuous` that way).
fn truthy(v: Val<'_>) -> bool {
    if let Some(b) = v.as_bool() {
        return b;
    }
    if let Some(s) = v.as_str() {
        return !s.is_empty();
    }
    if let Some(x) = v.as_f64() {
        return x != 0.0;
    }
    if let Some(m) = v.as_map() {
        return !m.is_empty();
    }
    v.as_list().is_some_and(|l| !l.is_empty())
}

/// The enriched `scene` metadata of a scene row's label dict: kept (and written back) when it is a non-empty dict.
/// A truthy `isContinuous` makes the row event-based (`Header::is_event_based`).
pub(super) fn scene_metadata(v: Option<Val<'_>>, root: &Path<'_>) -> Result<Option<serde_json::Value>> {
    let Some(v) = v.filter(|v| truthy(*v)) else {
        return Ok(None);
    };
    as_map(v, &root.field("scene"))?;
    Ok(Some(v.to_value()))
}

/// Python's `str()` of a scene-info value, as the reference builds its `stream#frame` keys.
fn py_str(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A scene image's labels found in a data unit: the blob, the unit's key and the label key.
pub(super) type UnitLabels<'t> = HashMap<String, (Val<'t>, &'t str, &'t str)>;

impl Builder<'_, '_, '_> {
    /// The labels of scene images that a scene's data units carry, by space id: a unit's label key names the
    /// space itself or `stream#frame` (the image's start frame, else its event index). Later keys win, and only
    /// scene images the label dict lists are filled, as in the reference.
    pub(super) fn scene_image_unit_labels<'t>(&self, spaces: MapRef<'t>, units: Val<'t>) -> Result<UnitLabels<'t>> {
        let is_scene_image = |id: &str| {
            spaces
                .get(id)
                .and_then(|i| i.get("space_type"))
                .and_then(Val::as_str)
                .is_some_and(|t| t == "scene_image")
        };
        let mut by_key: HashMap<(String, String), String> = HashMap::new();
        for (id, info) in spaces.iter().filter(|(id, _)| is_scene_image(id)) {
            let scene_info = match info.get("scene_info") {
                Some(v) => Some(v.to_value()),
                None => self.row.spaces.get(id).and_then(|s| {
                    let before = &s.def.before_labels;
                    before.iter().find(|(k, _)| *k == "scene_info").map(|(_, v)| v.clone())
                }),
            };
            let Some(scene_info) = scene_info else { continue };
            let field = |k: &str| scene_info.get(k).filter(|v| !v.is_null());
            let Some(stream) = field("stream_id").map(py_str) else {
                continue;
            };
            if let Some(start) = field("start_frame") {
                by_key.insert((stream.clone(), py_str(start)), id.to_owned());
            }
            if let Some(event) = field("event_index") {
                by_key.entry((stream, py_str(event))).or_insert_with(|| id.to_owned());
            }
        }
        let mut out = UnitLabels::new();
        let Some(units) = units.as_map() else {
            return Ok(out);
        };
        for (unit_key, unit) in units.iter() {
            let Some(labels) = unit.get("labels").and_then(Val::as_map) else {
                continue;
            };
            for (label_key, blob) in labels.iter() {
                let id = if spaces.contains_key(label_key) {
                    Some(label_key.to_owned())
                } else {
                    label_key.split_once('#').map(|(a, b)| {
                        by_key
                            .get(&(a.to_owned(), b.to_owned()))
                            .cloned()
                            .unwrap_or_else(|| label_key.to_owned())
                    })
                };
                if let Some(id) = id.filter(|id| is_scene_image(id)) {
                    out.insert(id, (blob, unit_key, label_key));
                }
            }
        }
        Ok(out)
    }

    pub(super) fn point_cloud_labels(
        &mut self,
        id: &str,
        info: Val<'_>,
        path: &Path<'_>,
        object_answers: Val<'_>,
    ) -> Result<()> {
        let Some(labels) = info.get("labels").filter(|l| !l.is_null()) else {
            return Ok(());
        };
        self.point_cloud_blob(id, labels, &path.field("labels"), object_answers)
    }

    /// The objects of a point cloud's `labels` blob (at `lpath`).
    pub(super) fn point_cloud_blob(
        &mut self,
        id: &str,
        labels: Val<'_>,
        lpath: &Path<'_>,
        object_answers: Val<'_>,
    ) -> Result<()> {
        let Some(objects) = as_map(labels, lpath)?.get("objects").filter(|o| !o.is_null()) else {
            return Ok(());
        };
        let opath = lpath.field("objects");
        let answers = object_answers.as_map();
        let root = Path::Root("label_row");
        let all_answers = root.field("object_answers");
        for (i, e) in as_list(objects, &opath)?.iter().enumerate() {
            let epath = opath.index(i);
            let entry = as_map(e, &epath)?;
            // Entries without a usable segmentation are skipped, as the reference skips them.
            let Some(seg) = entry
                .get("segmentation")
                .and_then(Val::as_str)
                .filter(|s| !s.is_empty())
            else {
                continue;
            };
            let ranges = rle_to_ranges(seg).map_err(|err| err.at(&epath.field("segmentation").to_string()))?;
            if ranges.is_empty() {
                continue;
            }
            let fields = FrameObjectFields::read(entry);
            let hash = str_field(fields.object_hash, "objectHash", &epath)?;
            let fh = str_field(fields.feature_hash, "featureHash", &epath)?;
            let feature = self.ctx.onto.object(fh).map_err(|err| err.at(&epath.to_string()))?;
            let mut data = ObjectData::new(hash.to_owned(), self.ctx.onto.clone(), feature);
            let answer = answers.and_then(|m| m.get(hash)).filter(|a| !a.is_null());
            let apath = all_answers.key(hash);
            if let Some(n) = answer.and_then(|a| a.get("objectNumber")).filter(|n| !n.is_null()) {
                data.object_number = Some(n.as_u64().ok_or_else(|| {
                    LabelError::label_row(format!(
                        "{apath}.objectNumber: object_number must be a non-negative integer, got {n}."
                    ))
                })?);
            }
            let update = self.entry_meta(&fields, &epath)?;
            let cell: ObjectCell = Arc::new(Mutex::new(data));
            let now = self.ctx.now;
            self.row
                .spaces
                .get_mut(id)?
                .put_points(&cell, ranges.ranges(), &update, RangeOverlap::Error, now)
                .map_err(|err| err.at(&epath.to_string()))?;
            if let Some(list) = answer.and_then(|a| a.get("classifications")).filter(|l| !l.is_null()) {
                let cpath = apath.field("classifications");
                let list = as_list(list, &cpath)?;
                self.object_answer_list(&mut cell.lock(), list, &cpath, 1, None)?;
            }
        }
        Ok(())
    }
}
