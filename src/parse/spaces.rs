//! `spaces` of a data-group row: the labels of each space the label dict names (in its order), and the
//! classification placements that `classification_answers` give for spaces.

use std::sync::Arc;

use parking_lot::Mutex;

use super::geometry::parse_geometry;
use super::units::FrameObjectFields;
use super::{as_map, confidence, frame_of_str, req, req_str, str_field, Builder};
use crate::error::{LabelError, Result};
use crate::instance::{ClassificationCell, MetaUpdate, ObjectCell, ObjectData};
use crate::ranges::RangeSet;
use crate::spaces::{Overlap, SpaceKind, ROOT_SPACE_ID};
use crate::tree::{Path, Val};

/// The reference's `get_space` type literal of a space type.
fn literal(k: SpaceKind) -> &'static str {
    match k {
        SpaceKind::MedicalFile | SpaceKind::MedicalStack => "medical",
        SpaceKind::SceneImage => "image",
        other => other.as_str(),
    }
}

/// The reference's class for a space type (what `get_space` checks the type against).
pub fn class_name(k: SpaceKind) -> &'static str {
    match k {
        SpaceKind::Video | SpaceKind::ImageSequence => "VideoSpace",
        SpaceKind::Image | SpaceKind::SceneImage => "ImageSpace",
        SpaceKind::Audio => "AudioSpace",
        SpaceKind::TimeSeries => "TimeSeriesSpace",
        SpaceKind::Text => "TextSpace",
        SpaceKind::Html => "HTMLSpace",
        SpaceKind::MedicalFile | SpaceKind::MedicalStack => "MedicalSpace",
        SpaceKind::Pdf => "PdfSpace",
        SpaceKind::PointCloud => "PointCloudFileSpace",
    }
}

impl Builder<'_, '_, '_> {
    /// The metadata fields of an entry (frame object or classification answer) as a full update: the reference
    /// reads every field, with "now" and its defaults for the missing ones.
    pub(super) fn entry_meta(&mut self, f: &FrameObjectFields<'_>, path: &Path<'_>) -> Result<MetaUpdate> {
        Ok(MetaUpdate {
            created_at: Some(self.date_or_now(f.created_at, &|| format!("{path}.createdAt"))?),
            created_by: self.shared(f.created_by, "createdBy", path)?,
            last_edited_at: Some(self.date_or_now(f.last_edited_at, &|| format!("{path}.lastEditedAt"))?),
            last_edited_by: self.shared(f.last_edited_by, "lastEditedBy", path)?,
            confidence: Some(confidence(f.confidence, path)?),
            manual_annotation: Some(match f.manual_annotation {
                None => true,
                Some(v) if v.is_null() => true,
                Some(v) => v.as_bool().ok_or_else(|| {
                    LabelError::label_row(format!("{path}.manualAnnotation: expected a bool, got {}", v.kind()))
                })?,
            }),
        })
    }

    /// Reads the label dict's `spaces` (after the root labels, before the answers). Spaces the dict leaves out
    /// keep no labels, as in the reference.
    pub(super) fn spaces(
        &mut self,
        spaces: Option<Val<'_>>,
        object_answers: Val<'_>,
        classification_answers: Val<'_>,
        data_units: Val<'_>,
    ) -> Result<()> {
        let Some(spaces) = spaces.filter(|v| !v.is_null()) else {
            return Ok(());
        };
        let all = Path::Root("label_row").field("spaces");
        let map = as_map(spaces, &all)?;
        let unit_labels = if self.row.header.data_type == crate::row::DataType::Scene {
            self.scene_image_unit_labels(map, data_units)?
        } else {
            super::scene::UnitLabels::new()
        };
        for (id, info) in map.iter() {
            let path = all.key(id);
            let st = req_str(info, "space_type", &path)?;
            let kind = SpaceKind::parse(st)
                .ok_or_else(|| LabelError::value(format!("{path}.space_type: '{st}' is not a valid SpaceType")))?;
            if kind == SpaceKind::PointCloud && self.row.spaces.get(id).is_none() {
                // The reference looks point clouds up by key (a KeyError) rather than through `get_space`.
                return Err(LabelError::key(format!("{path}: '{id}' is not a space of this row")));
            }
            let declared = self.row.spaces.get_mut(id)?.def.kind;
            if class_name(kind) != class_name(declared) {
                return Err(LabelError::label_row(format!(
                    "Space with id '{id}' is not of expected type '{}'. Found {} instead of {}.",
                    literal(kind),
                    class_name(declared),
                    class_name(kind)
                )));
            }
            if declared == SpaceKind::PointCloud {
                self.point_cloud_labels(id, info, &path, object_answers)?;
            } else if let (SpaceKind::SceneImage, Some(&(blob, unit, key))) = (declared, unit_labels.get(id)) {
                let units = Path::Root("label_row").field("data_units");
                let unit_path = units.key(unit);
                let labels_path = unit_path.field("labels");
                let blob_path = labels_path.key(key);
                // On the JSON path a unit's label entries are still text until read.
                self.with_parsed(blob, &blob_path, |b, blob| b.space_blob(id, 0, blob, &blob_path))?;
                self.space_classifications(id, declared, classification_answers)?;
            } else if declared.is_range() {
                self.range_space_objects(id, declared, object_answers)?;
                self.space_classifications(id, declared, classification_answers)?;
            } else if declared.is_supported() {
                self.space_labels(id, declared, info, &path)?;
                self.space_classifications(id, declared, classification_answers)?;
            }
        }
        Ok(())
    }

    fn space_labels(&mut self, id: &str, kind: SpaceKind, info: Val<'_>, path: &Path<'_>) -> Result<()> {
        let lpath = path.field("labels");
        let labels = req(info, "labels", path)?;
        if kind == SpaceKind::SceneImage {
            if !labels.is_null() {
                self.space_blob(id, 0, labels, &lpath)?;
            }
            return Ok(());
        }
        for (key, blob) in as_map(labels, &lpath)?.iter() {
            let frame = frame_of_str(key, &lpath)?;
            if kind.is_image() && key != "0" {
                continue;
            }
            self.space_blob(id, frame, blob, &lpath.key(key))?;
        }
        Ok(())
    }

    fn space_blob(&mut self, id: &str, frame: i64, blob: Val<'_>, path: &Path<'_>) -> Result<()> {
        let opath = path.field("objects");
        let objects = req(blob, "objects", path)?;
        for (i, e) in super::as_list(objects, &opath)?.iter().enumerate() {
            let epath = opath.index(i);
            let fields = FrameObjectFields::read(as_map(e, &epath)?);
            let hash = str_field(fields.object_hash, "objectHash", &epath)?;
            let cell = match self.row.spaces.object(hash) {
                Some(c) => c.clone(),
                None => {
                    let fh = str_field(fields.feature_hash, "featureHash", &epath)?;
                    let feature = self.ctx.onto.object(fh).map_err(|err| err.at(&epath.to_string()))?;
                    let data = ObjectData::new(hash.to_owned(), self.ctx.onto.clone(), feature);
                    Arc::new(Mutex::new(data)) as ObjectCell
                }
            };
            let geometry = parse_geometry(&fields.geometry, &epath)?;
            let update = self.entry_meta(&fields, &epath)?;
            let now = self.ctx.now;
            self.row
                .spaces
                .get_mut(id)?
                .put_object(&cell, &[frame], &geometry, &update, Overlap::Error, now)
                .map_err(|err| err.at(&epath.to_string()))?;
        }
        Ok(())
    }

    /// Places the classifications that name this space (or, for a root space, the row's own ranges).
    pub(super) fn space_classifications(&mut self, id: &str, kind: SpaceKind, answers: Val<'_>) -> Result<()> {
        let all = Path::Root("label_row").field("classification_answers");
        for (key, entry) in as_map(answers, &all)?.iter() {
            let path = all.key(key);
            let Some(fh) = entry.get("featureHash").and_then(Val::as_str).filter(|s| !s.is_empty()) else {
                continue;
            };
            let ranges = if id == ROOT_SPACE_ID {
                match entry.get("range").filter(|r| !r.is_null()) {
                    None => RangeSet::new(),
                    Some(r) => super::parse_ranges(r, &path.field("range"))?,
                }
            } else {
                let Some(placement) = entry.get("spaces").and_then(Val::as_map).and_then(|m| m.get(id)) else {
                    continue;
                };
                let spath = path.field("spaces");
                let ppath = spath.key(id);
                let ty = req_str(placement, "type", &ppath)?;
                if ty == "frame" {
                    super::parse_ranges(req(placement, "range", &ppath)?, &ppath.field("range"))?
                } else {
                    RangeSet::new()
                }
            };
            let hash = req_str(entry, "classificationHash", &path)?;
            let cell = match self.row.spaces.classification(hash) {
                Some(c) => c.clone(),
                None => self.space_classification_cell(hash, fh, entry, &path)?,
            };
            let fields = FrameObjectFields::read(as_map(entry, &path)?);
            let update = self.entry_meta(&fields, &path)?;
            let now = self.ctx.now;
            let frames: Vec<i64> = ranges.iter_frames().collect();
            let space = self.row.spaces.get_mut(id)?;
            let placed = if ranges.is_empty() || kind.is_image() || kind.is_range() {
                space.put_global(&cell, &update, Overlap::Replace, now)
            } else {
                space.put_classification(&cell, Some(&frames), &update, Overlap::Replace, now)
            };
            placed.map_err(|err| err.at(&path.to_string()))?;
        }
        Ok(())
    }

    fn space_classification_cell(
        &mut self,
        hash: &str,
        feature_hash: &str,
        entry: Val<'_>,
        path: &Path<'_>,
    ) -> Result<ClassificationCell> {
        let onto = self.ctx.onto.clone();
        let feature = onto
            .classification(feature_hash)
            .map_err(|err| err.at(&path.to_string()))?;
        let mut data =
            crate::instance::ClassificationData::new(hash.to_owned(), onto.clone(), feature, false, self.ctx.now);
        let cpath = path.field("classifications");
        for (i, a) in super::as_list(req(entry, "classifications", path)?, &cpath)?
            .iter()
            .enumerate()
        {
            let apath = cpath.index(i);
            let attr = super::answer_attribute(&onto, &onto.classifications[feature], a, &apath)?;
            if let Some(value) = super::answer_value(&onto, attr, a, &apath, super::AnswerOwner::Classification)? {
                data.answers.set(attr, value, true);
            }
        }
        Ok(Arc::new(Mutex::new(data)))
    }
}
