//! Placing and removing instances on a space, with the reference's checks and messages. Every check runs
//! before the first change, so a refused call leaves the space as it was.

use indexmap::IndexMap;

use super::{fresh_meta, Space, SpaceClassification};
use crate::error::{LabelError, Result};
use crate::geometry::Geometry;
use crate::instance::{ClassificationCell, FrameAnnotation, MetaUpdate, ObjectCell, ObjectData};
use crate::ranges::{Frame, RangeSet};
use crate::row::format_ranges;

/// `on_overlap`: refuse, or replace what is there. `Keep` is the reference's `None` on global placements
/// (the new placement is added without removing the old one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlap {
    Error,
    Replace,
    Keep,
}

/// Objects that carry frames or dynamic answers of their own cannot be placed on a space.
pub(super) fn check_placeable(o: &ObjectData) -> Result<()> {
    if !o.frames.is_empty() {
        return Err(LabelError::label_row(
            "Object instance contains frames data. Ensure ObjectInstance.set_for_frames was not used before calling \
             this method. ",
        ));
    }
    if !o.dynamic_answers.is_empty() {
        return Err(LabelError::label_row(
            "Object instance contains dynamic attributes. Please ensure no dynamic attributes were set on this \
             ObjectInstance. ",
        ));
    }
    Ok(())
}

fn frame_set(frames: &[Frame]) -> RangeSet {
    RangeSet::from_ranges(frames.iter().map(|&f| (f, f)))
}

impl Space {
    fn check_frames(&self, frames: &[Frame]) -> Result<()> {
        let (Some(&min), Some(&max)) = (frames.iter().min(), frames.iter().max()) else {
            return Err(LabelError::value("max() arg is an empty sequence"));
        };
        if min < 0 {
            return Err(LabelError::label_row(format!(
                "Frame {min} is invalid. Negative frames are not supported."
            )));
        }
        let last = self.def.number_of_frames.unwrap_or(0) - 1;
        if max > last {
            return Err(LabelError::label_row(format!(
                "Frame {max} is invalid. The max frame on this file is {last}."
            )));
        }
        Ok(())
    }

    /// Places an object with `geometry` on `frames` (single-image spaces: their one image, `frames` unused).
    pub fn put_object(
        &mut self,
        cell: &ObjectCell,
        frames: &[Frame],
        geometry: &Geometry,
        update: &MetaUpdate,
        overlap: Overlap,
        now: i64,
    ) -> Result<()> {
        let hash = {
            let o = cell.lock();
            check_placeable(&o)?;
            o.check_shape(geometry)?;
            o.hash.clone()
        };
        if let Some(other) = self.labels.objects.get(&hash) {
            if !std::sync::Arc::ptr_eq(other, cell) {
                return Err(LabelError::label_row(format!(
                    "Another object instance with the hash `{hash}` is already on the space `{}`.",
                    self.def.id
                )));
            }
        }
        if self.def.kind.is_image() {
            if self.labels.objects.contains_key(&hash) && overlap == Overlap::Error {
                return Err(LabelError::label_row(format!(
                    "Annotation for object instance {hash} already exists. Set 'on_overlap' to 'replace' to \
                     overwrite existing annotations."
                )));
            }
            self.labels.objects.insert(hash.clone(), cell.clone());
            let annotation = FrameAnnotation {
                geometry: geometry.clone(),
                meta: fresh_meta(update, now),
                interpolate: None,
                event: None,
            };
            self.labels
                .frames
                .entry(0)
                .or_default()
                .insert(hash.clone(), annotation);
            self.labels.object_ranges.insert(hash, frame_set(&[0]));
            return Ok(());
        }
        if !self.def.kind.is_multi_frame() {
            return Err(unsupported(self));
        }
        self.check_frames(frames)?;
        if overlap == Overlap::Error {
            for f in frames {
                if self.labels.frames.get(f).is_some_and(|m| m.contains_key(&hash)) {
                    return Err(LabelError::label_row(format!(
                        "Annotation already exists on frame {f}. Set 'on_overlap' to 'replace' to overwrite existing \
                         annotations."
                    )));
                }
            }
        }
        self.labels.objects.insert(hash.clone(), cell.clone());
        self.labels
            .object_ranges
            .entry(hash.clone())
            .or_default()
            .insert_set(&frame_set(frames));
        for &f in frames {
            let on_frame = self.labels.frames.entry(f).or_default();
            match on_frame.get_mut(&hash) {
                Some(a) => {
                    update.apply(&mut a.meta);
                    a.geometry = geometry.clone();
                }
                None => {
                    on_frame.insert(
                        hash.clone(),
                        FrameAnnotation {
                            geometry: geometry.clone(),
                            meta: fresh_meta(update, now),
                            interpolate: None,
                            event: None,
                        },
                    );
                }
            }
        }
        Ok(())
    }

    /// Removes an object from `frames` (all of them when `None`); returns its cell when the space held it.
    pub fn remove_object(&mut self, hash: &str, frames: Option<&[Frame]>) -> Result<Option<ObjectCell>> {
        if self.def.kind.is_range() {
            return self.remove_range_object(hash);
        }
        let Some(cell) = self.labels.objects.get(hash).cloned() else {
            if self.def.kind.is_image() {
                return Err(LabelError::key(format!("'{hash}'")));
            }
            return Ok(None);
        };
        let frames: Vec<Frame> = match frames {
            Some(f) if !self.def.kind.is_image() => f.to_vec(),
            _ => self.labels.frames.keys().copied().collect(),
        };
        for f in &frames {
            if let Some(m) = self.labels.frames.get_mut(f) {
                m.shift_remove(hash);
                if m.is_empty() {
                    self.labels.frames.remove(f);
                }
            }
        }
        let left = match self.labels.object_ranges.get_mut(hash) {
            Some(r) => {
                r.remove_set(&frame_set(&frames));
                !r.is_empty()
            }
            None => false,
        };
        if !left {
            self.labels.object_ranges.remove(hash);
            self.labels.objects.shift_remove(hash);
        }
        Ok(Some(cell))
    }

    fn check_no_frames(cell: &ClassificationCell) -> Result<()> {
        if !cell.lock().ranges.is_empty() {
            return Err(LabelError::label_row(
                "Classification instance contains frames data. Ensure ClassificationInstance.set_for_frames was not \
                 used before calling this method. ",
            ));
        }
        Ok(())
    }

    /// Places a classification on the whole space (`frames` `None`) or on frames (multi-frame spaces).
    pub fn put_classification(
        &mut self,
        cell: &ClassificationCell,
        frames: Option<&[Frame]>,
        update: &MetaUpdate,
        overlap: Overlap,
        now: i64,
    ) -> Result<()> {
        Self::check_no_frames(cell)?;
        let (hash, feature, global) = {
            let c = cell.lock();
            (c.hash.clone(), c.feature_node().hash.clone(), c.is_global())
        };
        if let Some(other) = self.labels.classifications.get(&hash) {
            if !std::sync::Arc::ptr_eq(&other.cell, cell) {
                return Err(LabelError::label_row(format!(
                    "Another classification instance with the hash `{hash}` is already on the space `{}`.",
                    self.def.id
                )));
            }
        }
        // Range spaces hold every classification on the whole space.
        if self.def.kind.is_range() {
            return self.put_global_inner(cell, &hash, &feature, update, overlap, now);
        }
        if self.def.kind.classified_whole() || (self.def.kind.is_multi_frame() && global) {
            if self.def.kind.is_multi_frame() && frames.is_some() {
                return Err(LabelError::label_row(
                    "For global classifications, do not specify the frames when calling this method.",
                ));
            }
            return self.put_global_inner(cell, &hash, &feature, update, overlap, now);
        }
        if !self.def.kind.is_multi_frame() {
            return Err(unsupported(self));
        }
        let Some(frames) = frames else {
            return Err(LabelError::label_row(
                "Please specify the frame on which the classification is to exist.",
            ));
        };
        self.check_frames(frames)?;
        let wanted = frame_set(frames);
        let conflict = self
            .labels
            .claimed
            .get(&feature)
            .map_or_else(RangeSet::new, |c| c.intersection(&wanted));
        if !conflict.is_empty() {
            match overlap {
                Overlap::Error => {
                    return Err(LabelError::label_row(format!(
                        "The classification '{hash}' already exists on the ranges {}. Set 'on_overlap' parameter to \
                         'replace' to overwrite.",
                        format_ranges(&conflict)
                    )))
                }
                Overlap::Replace => {
                    // As the reference: the conflicting frames are taken from the last instance of the same
                    // ontology classification on this space (which may be this very instance).
                    let holder = self
                        .labels
                        .classifications
                        .iter()
                        .rev()
                        .find(|(_, c)| c.cell.lock().feature_node().hash == feature)
                        .map(|(h, _)| h.clone());
                    if let Some(h) = holder {
                        let conflict_frames: Vec<Frame> = conflict.iter_frames().collect();
                        self.remove_classification_frames(&h, &conflict_frames);
                    }
                }
                Overlap::Keep => {}
            }
        }
        for &f in frames {
            let on_frame = self.labels.class_frames.entry(f).or_default();
            match on_frame.get_mut(&hash) {
                Some(m) => update.apply(m),
                None => {
                    on_frame.insert(hash.clone(), fresh_meta(update, now));
                }
            }
        }
        self.labels.claimed.entry(feature).or_default().insert_set(&wanted);
        let entry = self
            .labels
            .classifications
            .entry(hash)
            .or_insert_with(|| SpaceClassification {
                cell: cell.clone(),
                global: None,
                ranges: RangeSet::new(),
            });
        entry.ranges.insert_set(&wanted);
        Ok(())
    }

    /// Places a classification on the whole space, whatever its kind (the parser's path for placements
    /// without frames).
    pub fn put_global(
        &mut self,
        cell: &ClassificationCell,
        update: &MetaUpdate,
        overlap: Overlap,
        now: i64,
    ) -> Result<()> {
        let (hash, feature) = {
            let c = cell.lock();
            (c.hash.clone(), c.feature_node().hash.clone())
        };
        self.put_global_inner(cell, &hash, &feature, update, overlap, now)
    }

    fn put_global_inner(
        &mut self,
        cell: &ClassificationCell,
        hash: &str,
        feature: &str,
        update: &MetaUpdate,
        overlap: Overlap,
        now: i64,
    ) -> Result<()> {
        if let Some(existing) = self.labels.global_by_feature.get(feature).cloned() {
            match overlap {
                Overlap::Error => {
                    return Err(LabelError::label_row(format!(
                        "The classification with feature hash '{feature}' already exists globally. Set 'on_overlap' \
                         parameter to 'replace' to overwrite."
                    )));
                }
                Overlap::Replace => {
                    self.labels.classifications.shift_remove(&existing);
                }
                Overlap::Keep => {}
            }
        }
        let meta = fresh_meta(update, now);
        match self.labels.classifications.get_mut(hash) {
            Some(c) => {
                c.global = Some(meta);
            }
            None => {
                self.labels.classifications.insert(
                    hash.to_owned(),
                    SpaceClassification {
                        cell: cell.clone(),
                        global: Some(meta),
                        ranges: RangeSet::new(),
                    },
                );
            }
        }
        self.labels
            .global_by_feature
            .insert(feature.to_owned(), hash.to_owned());
        Ok(())
    }

    fn remove_classification_frames(&mut self, hash: &str, frames: &[Frame]) {
        let mut removed = Vec::new();
        for &f in frames {
            if let Some(m) = self.labels.class_frames.get_mut(&f) {
                if m.shift_remove(hash).is_some() {
                    removed.push(f);
                }
                if m.is_empty() {
                    self.labels.class_frames.remove(&f);
                }
            }
        }
        let removed = frame_set(&removed);
        let Some(c) = self.labels.classifications.get_mut(hash) else {
            return;
        };
        let feature = c.cell.lock().feature_node().hash.clone();
        if let Some(claimed) = self.labels.claimed.get_mut(&feature) {
            claimed.remove_set(&removed);
        }
        c.ranges.remove_set(&removed);
        if c.ranges.is_empty() && c.global.is_none() {
            self.labels.classifications.shift_remove(hash);
        }
    }

    /// Removes a classification from `frames` (everywhere when `None`); returns its cell when the space held it.
    pub fn remove_classification(
        &mut self,
        hash: &str,
        frames: Option<&[Frame]>,
    ) -> Result<Option<ClassificationCell>> {
        let Some(c) = self.labels.classifications.get(hash) else {
            if self.def.kind.classified_whole() {
                return Err(LabelError::key(format!("'{hash}'")));
            }
            return Ok(None);
        };
        let cell = c.cell.clone();
        match frames {
            Some(frames) if self.def.kind.is_multi_frame() && c.global.is_none() => {
                self.remove_classification_frames(hash, frames);
            }
            _ => {
                let all: Vec<Frame> = c.ranges.iter_frames().collect();
                self.remove_classification_frames(hash, &all);
                if let Some(c) = self.labels.classifications.shift_remove(hash) {
                    let feature = c.cell.lock().feature_node().hash.clone();
                    if self.labels.global_by_feature.get(&feature).is_some_and(|h| h == hash) {
                        self.labels.global_by_feature.remove(&feature);
                    }
                }
            }
        }
        Ok(Some(cell))
    }

    /// Frames the object has an annotation on in this space, ascending.
    pub fn object_frames(&self, hash: &str) -> Vec<Frame> {
        self.labels
            .frames
            .iter()
            .filter(|(_, m)| m.contains_key(hash))
            .map(|(f, _)| *f)
            .collect()
    }

    pub fn annotation(&self, hash: &str, frame: Frame) -> Option<&FrameAnnotation> {
        self.labels.frames.get(&frame).and_then(|m| m.get(hash))
    }

    pub fn annotation_mut(&mut self, hash: &str, frame: Frame) -> Option<&mut FrameAnnotation> {
        self.labels.frames.get_mut(&frame).and_then(|m| m.get_mut(hash))
    }

    /// (frame, hash) of every object annotation, frames ascending, placement order within a frame.
    pub fn object_annotations(&self) -> Vec<(Frame, String)> {
        self.labels
            .frames
            .iter()
            .flat_map(|(f, m)| m.keys().map(move |h| (*f, h.clone())))
            .collect()
    }

    /// (frame or `None` for a whole-space placement, hash) of every classification placement.
    pub fn classification_annotations(&self) -> Vec<(Option<Frame>, String)> {
        let mut out: Vec<(Option<Frame>, String)> = self
            .labels
            .class_frames
            .iter()
            .flat_map(|(f, m)| m.keys().map(move |h| (Some(*f), h.clone())))
            .collect();
        out.extend(
            self.labels
                .classifications
                .iter()
                .filter(|(_, c)| c.global.is_some())
                .map(|(h, _)| (None, h.clone())),
        );
        out
    }

    /// The object annotations in placement order of their frame map (used by parse for the frame order).
    pub fn frames_of(&self) -> &std::collections::BTreeMap<Frame, IndexMap<String, FrameAnnotation>> {
        &self.labels.frames
    }
}

fn unsupported(s: &Space) -> LabelError {
    LabelError::not_implemented(format!(
        "placing labels on {} spaces is not supported yet (space `{}`)",
        s.def.kind.as_str(),
        s.def.id
    ))
}
