//! `data_units`: the units themselves and the objects on their frames (or images), which join the row once
//! every unit is read.

use std::collections::BTreeMap;

use serde_json::Value;

use super::geometry::{parse_geometry, GeometryKeys};
use super::{as_list, as_map, confidence, frame_number, frame_of_str, missing, req, str_field, Builder};
use crate::error::{LabelError, Result};
use crate::instance::{check_bound, AnnotationMeta, FrameAnnotation, ObjectData};
use crate::medical;
use crate::ranges::Frame;
use crate::row::{DataType, DataUnit};
use crate::tree::{MapRef, Path, Val};

const UNIT_AUDIO: [&str; 4] = [
    "audio_codec",
    "audio_sample_rate",
    "audio_bit_depth",
    "audio_num_channels",
];

impl Builder<'_, '_, '_> {
    pub(super) fn data_units(&mut self, units: Val<'_>) -> Result<()> {
        let dt = self.row.media.data_type;
        let root = Path::Root("label_row");
        let units_path = root.field("data_units");
        let units = as_map(units, &units_path)?;
        // Objects of all units are gathered first, so the row order is the order of first appearance.
        for (key, unit) in units.iter() {
            let path = units_path.key(key);
            let u = as_map(unit, &path)?;
            for k in ["data_hash", "data_title", "data_type", "data_sequence"] {
                req(unit, k, &path)?;
            }
            let get = |k: &str| u.get(k);
            let frame = frame_number(req(unit, "data_sequence", &path)?, &path.field("data_sequence"))?;
            let first_unit = self.row.units.is_empty();
            let link = get("data_link").map(Val::to_value);
            if link.is_none()
                && first_unit
                && matches!(
                    dt,
                    DataType::Video
                        | DataType::Image
                        | DataType::Audio
                        | DataType::PlainText
                        | DataType::Pdf
                        | DataType::TimeSeries
                )
            {
                return Err(missing(&path, "data_link"));
            }
            if first_unit && matches!(dt, DataType::Dicom | DataType::Nifti) {
                req(unit, "width", &path)?;
                req(unit, "height", &path)?;
            }
            let audio = if dt == DataType::Audio {
                let mut a: [Value; 4] = Default::default();
                for (slot, k) in a.iter_mut().zip(UNIT_AUDIO) {
                    *slot = req(unit, k, &path)?.to_value();
                }
                Some(a)
            } else {
                None
            };
            let value_of = |k: &str| get(k).map_or(Value::Null, Val::to_value);
            let du = DataUnit {
                hash: value_of("data_hash"),
                title: value_of("data_title"),
                link,
                mime: value_of("data_type"),
                width: get("width").map_or(Value::from(0), Val::to_value),
                height: get("height").map_or(Value::from(0), Val::to_value),
                audio,
                metadata: if dt == DataType::Group {
                    get("metadata").filter(|m| !m.is_null()).map(Val::to_value)
                } else {
                    None
                },
            };
            self.row.units.insert(frame, du);
            if let Some(labels) = get("labels") {
                let lpath = path.field("labels");
                if dt.single_frame_units() {
                    if let Some(objs) = labels.get("objects") {
                        let opath = lpath.field("objects");
                        self.with_parsed(objs, &opath, |b, objs| b.frame_objects(frame, objs, &opath))?;
                    }
                } else if !dt.is_range_based() && dt != DataType::Group {
                    for (fkey, fval) in as_map(labels, &lpath)?.iter() {
                        // A scene's unit also carries labels of its scene images and MCAP point clouds, keyed by
                        // stream; only frame numbers are the row's own.
                        if dt == DataType::Scene && (fkey.is_empty() || !fkey.chars().all(|c| c.is_ascii_digit())) {
                            continue;
                        }
                        let fpath = lpath.key(fkey);
                        let f = frame_of_str(fkey, &fpath)?;
                        self.with_parsed(fval, &fpath, |b, fval| {
                            let objs = req(fval, "objects", &fpath)?;
                            b.frame_objects(f, objs, &fpath.field("objects"))?;
                            b.slice_metadata(f, fval.get("metadata"), &fpath.field("metadata"))
                        })?;
                    }
                }
            }
            self.unit_metadata(dt, get("metadata"), &path.field("metadata"))?;
        }
        Ok(())
    }

    /// A frame's `metadata`, read as DICOM slice metadata on every multi-frame type; a frame without one has
    /// none, even if an earlier unit gave it one.
    fn slice_metadata(&mut self, frame: Frame, meta: Option<Val<'_>>, path: &Path<'_>) -> Result<()> {
        match meta.filter(|m| !m.is_null()) {
            Some(m) => {
                let slice = medical::parse_slice(m, path)?;
                self.row.medical.slices.insert(frame, slice);
            }
            None => {
                self.row.medical.slices.remove(&frame);
            }
        }
        Ok(())
    }

    /// A unit's `metadata`: DICOM series metadata on DICOM rows. A unit without one clears it (on every type);
    /// other types' unit metadata is not read, as in the reference (which logs a warning).
    fn unit_metadata(&mut self, dt: DataType, meta: Option<Val<'_>>, path: &Path<'_>) -> Result<()> {
        match meta.filter(|m| !m.is_null()) {
            None => self.row.medical.series = None,
            Some(m) if dt == DataType::Dicom => self.row.medical.series = Some(medical::parse_series(m, path)?),
            Some(_) => {}
        }
        Ok(())
    }

    /// Runs `read` on `v`, built first if the input left it for later (JSON text, or a Python object): one
    /// frame's tree at a time is alive.
    pub(super) fn with_parsed<R>(
        &mut self,
        v: Val<'_>,
        path: &Path<'_>,
        read: impl FnOnce(&mut Self, Val<'_>) -> Result<R>,
    ) -> Result<R> {
        if let Some(index) = v.deferred() {
            let Some(source) = self.deferred.as_deref_mut() else {
                return Err(LabelError::value(format!("{path}: a value was left unread")));
            };
            let tree = source.build(index)?;
            let out = read(self, tree.root());
            if let Some(source) = self.deferred.as_deref_mut() {
                source.recycle(tree);
            }
            return out;
        }
        let Some(text) = v.raw_json() else {
            return read(self, v);
        };
        // The text was checked as JSON already; what is left to fail is a number out of range or an unpaired
        // surrogate escape, which only a real parse notices.
        let tree = self
            .fragments
            .parse(text)
            .map_err(|e| LabelError::value(format!("invalid label row JSON: {e} (in {path})")))?;
        let out = read(self, tree.root());
        self.fragments.recycle(tree);
        out
    }

    fn frame_objects(&mut self, frame: Frame, objs: Val<'_>, path: &Path<'_>) -> Result<()> {
        for (i, entry) in as_list(objs, path)?.iter().enumerate() {
            self.frame_object(frame, entry, &path.index(i))?;
        }
        Ok(())
    }

    fn frame_object(&mut self, frame: Frame, e: Val<'_>, path: &Path<'_>) -> Result<()> {
        let fields = FrameObjectFields::read(as_map(e, path)?);
        let hash = str_field(fields.object_hash, "objectHash", path)?;
        // Only an object's first entry says which ontology object it is; later entries' featureHash is not read
        // (as in the reference).
        let known = self.pending.get_index_of(hash);
        let feature = match known {
            Some(_) => None,
            None => {
                let feature_hash = str_field(fields.feature_hash, "featureHash", path)?;
                Some(
                    self.ctx
                        .onto
                        .object(feature_hash)
                        .map_err(|err| err.at(&path.to_string()))?,
                )
            }
        };
        let (event, interpolate) = if self.event_based {
            let shape =
                &self.ctx.onto.objects[feature.unwrap_or_else(|| self.pending[known.unwrap_or(0)].0.feature)].shape;
            crate::events::check_event_shape(shape).map_err(|err| err.at(&path.to_string()))?;
            let event = super::events::event_tag(fields.event, path)?;
            let interpolate = super::events::interpolate_mode(fields.interpolate, shape, path)?;
            (Some(event), interpolate.map(|m| self.strings.get(m)))
        } else {
            if fields.event.is_some_and(|v| !v.is_null()) {
                return Err(LabelError::label_row(format!(
                    "{path}: the `event` key is only allowed on event-based (continuous scene) rows"
                )));
            }
            let interpolate = match fields.interpolate {
                None => None,
                Some(v) if v.is_null() => None,
                Some(v) if v.as_str() == Some("hold") => Some(self.strings.get("hold")),
                Some(other) => {
                    return Err(LabelError::label_row(format!(
                        "{path}.interpolate: {other} is not allowed: object `{hash}` is not an event-based object"
                    )))
                }
            };
            (None, interpolate)
        };
        let geometry = parse_geometry(&fields.geometry, path)?;
        let meta = AnnotationMeta {
            created_at: self.date_or_now(fields.created_at, &|| format!("{path}.createdAt"))?,
            created_by: self.shared(fields.created_by, "createdBy", path)?,
            last_edited_at: self.date_or_now(fields.last_edited_at, &|| format!("{path}.lastEditedAt"))?,
            last_edited_by: self.shared(fields.last_edited_by, "lastEditedBy", path)?,
            confidence: confidence(fields.confidence, path)?,
            manual_annotation: match fields.manual_annotation {
                None => true,
                Some(v) if v.is_null() => true,
                Some(v) => v.as_bool().ok_or_else(|| {
                    LabelError::label_row(format!("{path}.manualAnnotation: expected a bool, got {}", v.kind()))
                })?,
            },
            is_deleted: match fields.is_deleted {
                None => None,
                Some(v) if v.is_null() => None,
                Some(v) => Some(v.as_bool().ok_or_else(|| {
                    LabelError::label_row(format!("{path}.isDeleted: expected a bool, got {}", v.kind()))
                })?),
            },
        };
        if frame < 0 {
            return Err(crate::instance::out_of_bounds(frame, self.row.frame_bound()).at(&path.to_string()));
        }
        let at = match known {
            Some(at) => {
                check_bound(frame, self.row.frame_bound()).map_err(|err| err.at(&path.to_string()))?;
                at
            }
            None => {
                // The hash joins the object in `add_pending_objects`.
                let data = ObjectData::new(String::new(), self.ctx.onto.clone(), feature.unwrap_or_default());
                // Most objects of image groups and short tracks have one or a few frames.
                self.pending
                    .insert_full(hash.to_owned(), (data, Vec::with_capacity(1)))
                    .0
            }
        };
        let (data, frames) = &mut self.pending[at];
        data.check_shape_named(&geometry, hash)
            .map_err(|err| err.at(&path.to_string()))?;
        data.had_events |= event.is_some();
        frames.push((
            frame,
            Box::new(FrameAnnotation {
                geometry,
                meta,
                interpolate,
                event,
            }),
        ));
        Ok(())
    }

    /// Adds the objects read from `data_units` to the row, in order of first appearance. A frame given twice
    /// keeps its last annotation, as repeated insertions would.
    pub(super) fn add_pending_objects(&mut self) {
        let objects = std::mem::take(&mut self.pending)
            .into_iter()
            .map(|(hash, (mut data, mut frames))| {
                data.hash = hash;
                data.frames = if frames.len() == 1 {
                    let (frame, annotation) = frames.swap_remove(0);
                    BTreeMap::from([(frame, annotation)])
                } else {
                    frames.into_iter().collect::<BTreeMap<_, _>>()
                };
                data
            })
            .collect();
        self.row.extend_objects(objects);
    }
}

/// The keys of a frame-object entry the parser reads besides the geometry, found in one pass.
#[derive(Default)]
pub(super) struct FrameObjectFields<'t> {
    pub(super) object_hash: Option<Val<'t>>,
    pub(super) feature_hash: Option<Val<'t>>,
    pub(super) geometry: GeometryKeys<'t>,
    event: Option<Val<'t>>,
    interpolate: Option<Val<'t>>,
    pub(super) created_at: Option<Val<'t>>,
    pub(super) created_by: Option<Val<'t>>,
    pub(super) last_edited_at: Option<Val<'t>>,
    pub(super) last_edited_by: Option<Val<'t>>,
    pub(super) confidence: Option<Val<'t>>,
    pub(super) manual_annotation: Option<Val<'t>>,
    is_deleted: Option<Val<'t>>,
}

impl<'t> FrameObjectFields<'t> {
    pub(super) fn read(m: MapRef<'t>) -> Self {
        let mut f = Self::default();
        for (k, v) in m.iter() {
            if f.geometry.note(k, v) {
                continue;
            }
            let slot = match k {
                "objectHash" => &mut f.object_hash,
                "featureHash" => &mut f.feature_hash,
                "event" => &mut f.event,
                "interpolate" => &mut f.interpolate,
                "createdAt" => &mut f.created_at,
                "createdBy" => &mut f.created_by,
                "lastEditedAt" => &mut f.last_edited_at,
                "lastEditedBy" => &mut f.last_edited_by,
                "confidence" => &mut f.confidence,
                "manualAnnotation" => &mut f.manual_annotation,
                "isDeleted" => &mut f.is_deleted,
                _ => continue,
            };
            *slot = Some(v);
        }
        f
    }
}
