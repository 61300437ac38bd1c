//! Labels of a scene's point-cloud spaces: one `labels` blob per space (not keyed by frame) whose objects name
//! the points they cover with a segmentation RLE string. As in the reference, each space makes its own instance
//! of an object (with the metadata of its own entry), numbered and answered from `object_answers`; the
//! classifications of `classification_answers` are not read back onto point clouds.

use std::sync::Arc;

use parking_lot::Mutex;

use super::units::FrameObjectFields;
use super::{as_list, as_map, str_field, Builder};
use crate::error::{LabelError, Result};
use crate::instance::{ObjectCell, ObjectData};
use crate::spaces::{rle_to_ranges, RangeOverlap};
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
    v.as_list().is_some_and(|l| l.len() > 0)
}

/// The enriched `scene` metadata of a scene row's label dict: kept (and written back) when it is a non-empty dict.
/// Continuous (event-based) scenes are refused: their labels are events on a timeline, which labelrow does not
/// model yet.
pub(super) fn scene_metadata(v: Option<Val<'_>>, root: &Path<'_>) -> Result<Option<serde_json::Value>> {
    let Some(v) = v.filter(|v| truthy(*v)) else {
        return Ok(None);
    };
    let path = root.field("scene");
    let m = as_map(v, &path)?;
    if m.get("isContinuous").is_some_and(truthy) {
        return Err(LabelError::not_implemented(format!(
            "{path}.isContinuous: event-based (continuous) scene rows are not supported yet by labelrow"
        )));
    }
    Ok(Some(v.to_value()))
}

impl Builder<'_, '_, '_> {
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
        let lpath = path.field("labels");
        let Some(objects) = as_map(labels, &lpath)?.get("objects").filter(|o| !o.is_null()) else {
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
