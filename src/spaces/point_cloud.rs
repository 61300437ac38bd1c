//! Point-cloud spaces of scene rows. An object covers ranges of point indices (written as a segmentation RLE
//! string); its metadata is the instance's own, shared by every point cloud it is on. Classifications cover the
//! whole space, as on image spaces. Every check runs before the first change, so a refused call leaves the row
//! as it was (the reference registers the object on the space before checking the ranges).

use std::sync::Arc;

use super::ops::check_placeable;
use super::{RangeOverlap, Space, SpaceKind, Spaces};
use crate::error::{LabelError, Result};
use crate::instance::{AnnotationMeta, MetaUpdate, ObjectCell};
use crate::ranges::{Frame, RangeSet};
use crate::rle;
use crate::row::format_ranges;

/// The point ranges of a segmentation RLE string (runs alternate absent/present, starting absent). Runs are
/// turned into ranges directly, so a string naming billions of points costs no more than a short one.
pub fn rle_to_ranges(s: &str) -> Result<RangeSet> {
    let runs = rle::string_to_runs(s).map_err(|e| LabelError::label_row(format!("invalid segmentation: {e}")))?;
    let mut set = RangeSet::new();
    let mut at: Frame = 0;
    for (i, run) in runs.iter().enumerate() {
        let len = Frame::try_from(*run)
            .ok()
            .filter(|l| at.checked_add(*l).is_some())
            .ok_or_else(|| LabelError::label_row("invalid segmentation: the runs pass the largest point index"))?;
        if i % 2 == 1 && len > 0 {
            set.insert(at, at + len - 1);
        }
        at += len;
    }
    Ok(set)
}

/// The segmentation RLE string of point ranges.
pub fn ranges_to_rle(set: &RangeSet) -> String {
    let mut runs = Vec::with_capacity(set.ranges().len() * 2);
    let mut prev_end: Frame = -1;
    for &(start, end) in set.ranges() {
        runs.push((start - prev_end - 1).unsigned_abs());
        runs.push((end - start + 1).unsigned_abs());
        prev_end = end;
    }
    rle::runs_to_string(&runs)
}

fn check_ranges(ranges: &[(Frame, Frame)]) -> Result<RangeSet> {
    if ranges.is_empty() {
        return Err(LabelError::label_row(
            "The array of ranges is empty. Please specify at least one range.",
        ));
    }
    if let Some(&(s, e)) = ranges.iter().find(|(s, e)| s > e) {
        return Err(LabelError::value(format!(
            "Start of range {s} must not be greater than end {e}."
        )));
    }
    let set = RangeSet::from_ranges(ranges.iter().copied());
    let start = set.ranges()[0].0;
    if start < 0 {
        return Err(LabelError::label_row(format!(
            "Range starting with {start} is invalid. Negative ranges are not supported."
        )));
    }
    Ok(set)
}

impl Space {
    fn check_point_cloud(&self) -> Result<()> {
        if self.def.kind == SpaceKind::PointCloud {
            return Ok(());
        }
        Err(LabelError::label_row(format!(
            "Space `{}` is a {} space, not a point cloud.",
            self.def.id,
            self.def.kind.as_str()
        )))
    }

    /// The point ranges of an object on this point cloud.
    pub fn point_ranges(&self, hash: &str) -> Result<&RangeSet> {
        self.labels
            .object_ranges
            .get(hash)
            .ok_or_else(|| LabelError::label_row(format!("Object instance with hash '{hash}' is not on this space.")))
    }

    /// Places an object on point ranges (the API's `put_object_instance`, and the parser's).
    pub fn put_points(
        &mut self,
        cell: &ObjectCell,
        ranges: &[(Frame, Frame)],
        update: &MetaUpdate,
        overlap: RangeOverlap,
        now: i64,
    ) -> Result<()> {
        self.check_point_cloud()?;
        let hash = {
            let o = cell.lock();
            check_placeable(&o)?;
            o.hash.clone()
        };
        let wanted = check_ranges(ranges)?;
        let existing = self.labels.object_ranges.get(&hash);
        let overlapping = existing.map(|r| r.intersection(&wanted)).unwrap_or_default();
        if !overlapping.is_empty() && overlap == RangeOverlap::Error {
            return Err(LabelError::label_row(format!(
                "Annotations already exist on the ranges {}. Set the 'on_overlap' parameter to 'merge' to add the \
                 object instance to the new ranges while keeping existing annotations. Set the 'on_overlap' \
                 parameter to 'replace' to remove object instance from existing ranges before adding it to the new \
                 ranges.",
                format_ranges(&overlapping)
            )));
        }
        update.apply(cell.lock().range_meta.get_or_insert_with(|| AnnotationMeta::new(now)));
        self.labels.objects.insert(hash.clone(), cell.clone());
        let held = self.labels.object_ranges.entry(hash).or_default();
        if !overlapping.is_empty() && overlap == RangeOverlap::Replace {
            *held = RangeSet::new();
        }
        held.insert_set(&wanted);
        Ok(())
    }

    /// Removes an object from point ranges; the ranges it was actually removed from. An object left with no
    /// range leaves the space.
    pub fn remove_points(&mut self, hash: &str, ranges: &[(Frame, Frame)]) -> Result<RangeSet> {
        self.check_point_cloud()?;
        let Some(held) = self.labels.object_ranges.get_mut(hash) else {
            return Ok(RangeSet::new());
        };
        let removed = held.intersection(&RangeSet::from_ranges(ranges.iter().copied()));
        held.remove_set(&removed);
        if held.is_empty() {
            self.labels.object_ranges.remove(hash);
            self.labels.objects.shift_remove(hash);
        }
        Ok(removed)
    }

    /// Replaces an object's point ranges (the annotation's `ranges` setter).
    pub fn set_points(&mut self, hash: &str, ranges: &[(Frame, Frame)]) -> Result<()> {
        self.check_point_cloud()?;
        self.point_ranges(hash)?;
        let set = RangeSet::from_ranges(ranges.iter().copied());
        self.labels.object_ranges.insert(hash.to_owned(), set);
        Ok(())
    }
}

impl Spaces {
    /// Removes an object from a point cloud altogether. Unknown hashes are a `KeyError`, as in the reference.
    /// An instance on no space any more gets fresh metadata the next time it is placed.
    pub fn remove_point_cloud_object(&mut self, id: &str, hash: &str) -> Result<Option<ObjectCell>> {
        let space = self.get_mut(id)?;
        space.check_point_cloud()?;
        if !space.labels.object_ranges.contains_key(hash) {
            return Err(LabelError::key(format!("'{hash}'")));
        }
        space.labels.object_ranges.remove(hash);
        let cell = space.labels.objects.shift_remove(hash);
        if let Some(c) = &cell {
            let elsewhere = self
                .spaces
                .values()
                .any(|s| s.labels.objects.get(hash).is_some_and(|o| Arc::ptr_eq(o, c)));
            if !elsewhere {
                c.lock().range_meta = None;
            }
        }
        Ok(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rle_round_trip_of_point_ranges() {
        let set = rle_to_ranges("06").unwrap();
        assert_eq!(set.ranges(), &[(0, 5)]);
        assert_eq!(ranges_to_rle(&set), "06");
        let set = RangeSet::from_ranges([(3, 4), (10, 10), (12, 40)]);
        assert_eq!(rle_to_ranges(&ranges_to_rle(&set)).unwrap(), set);
        assert_eq!(ranges_to_rle(&RangeSet::new()), "");
        assert!(rle_to_ranges("").unwrap().is_empty());
    }

    #[test]
    fn bad_rle_and_ranges_are_errors() {
        assert!(rle_to_ranges("zz").is_err());
        assert!(check_ranges(&[]).is_err());
        assert!(check_ranges(&[(-1, 3)]).is_err());
        assert!(check_ranges(&[(5, 3)]).is_err());
    }
}
