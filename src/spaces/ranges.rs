//! Range spaces of data groups (audio, time series, plain text, HTML): each object sits on a set of ranges
//! (HTML: a list of node ranges), classifications always cover the whole space. The metadata of an object's
//! placements is one set per object, shared by every range space it is on (`ObjectData::range_meta`), as in
//! the reference. Every check runs before the first change, so a refused call leaves the space as it was.

use super::{fresh_meta, Space, SpaceKind};
use crate::error::{LabelError, Result};
use crate::geometry::HtmlRange;
use crate::instance::{MetaUpdate, ObjectCell};
use crate::ranges::{Frame, RangeSet};
use crate::row::format_ranges;

/// Where an object sits on a range space.
#[derive(Debug, Clone, PartialEq)]
pub enum RangePlacement {
    Ranges(RangeSet),
    /// Kept in the given order (HTML ranges are not merged).
    Html(Vec<HtmlRange>),
}

/// `on_overlap` of a range placement. `Merge` adds the new ranges to the object's; `Replace` drops the
/// object's ranges first (the reference does so only when the new ranges overlap them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeOverlap {
    Error,
    Merge,
    Replace,
}

impl RangeOverlap {
    /// The strategy named by `on_overlap` (`merge` is not one for HTML spaces); anything else is refused.
    pub fn parse(s: Option<&str>, html: bool) -> Result<Self> {
        match s {
            Some("error") => Ok(Self::Error),
            Some("replace") => Ok(Self::Replace),
            Some("merge") if !html => Ok(Self::Merge),
            other => {
                let allowed = if html {
                    "'error' or 'replace'"
                } else {
                    "'error', 'merge' or 'replace'"
                };
                let got = other.map_or_else(|| "None".to_owned(), |o| format!("'{o}'"));
                Err(LabelError::value(format!("on_overlap must be {allowed}, got {got}")))
            }
        }
    }
}

/// `[(start, end), ...]` as given → a merged set; a reversed pair is refused as the reference's range set
/// refuses it.
pub fn range_set(pairs: &[(Frame, Frame)]) -> Result<RangeSet> {
    if let Some((s, e)) = pairs.iter().find(|(s, e)| s > e) {
        return Err(LabelError::value(format!(
            "Start of range {s} must not be greater than end {e}."
        )));
    }
    Ok(RangeSet::from_ranges(pairs.iter().copied()))
}

/// The object shape a range space holds.
fn expected_shape(kind: SpaceKind) -> &'static str {
    match kind {
        SpaceKind::Audio => "audio",
        SpaceKind::TimeSeries => "time_range",
        _ => "text",
    }
}

impl Space {
    /// The audio file's `duration_ms` as the metadata gives it.
    fn duration_ms(&self) -> Option<&serde_json::Value> {
        self.def
            .before_labels
            .iter()
            .find(|(k, _)| *k == "duration_ms")
            .map(|(_, v)| v)
    }

    /// The reference's checks of the ranges of a placement on this space.
    pub fn check_ranges(&self, placement: &RangePlacement) -> Result<()> {
        let RangePlacement::Ranges(ranges) = placement else {
            return Ok(());
        };
        let (Some(first), Some(last)) = (ranges.ranges().first(), ranges.ranges().last()) else {
            return Err(LabelError::label_row(
                "The array of ranges is empty. Please specify at least one range.",
            ));
        };
        if first.0 < 0 {
            return Err(LabelError::label_row(format!(
                "Range starting with {} is invalid. Negative ranges are not supported.",
                first.0
            )));
        }
        if self.def.kind == SpaceKind::Audio {
            let duration = self.duration_ms();
            #[allow(clippy::cast_precision_loss)]
            if let Some(d) = duration.filter(|d| d.as_f64().is_some_and(|d| last.1 as f64 > d)) {
                return Err(LabelError::label_row(format!(
                    "Range ending with {} is invalid. This audio file is only {d} ms long.",
                    last.1
                )));
            }
        }
        Ok(())
    }

    fn check_range_object(&self, cell: &ObjectCell, placement: &RangePlacement) -> Result<String> {
        if !self.def.kind.is_range() {
            return Err(LabelError::label_row(format!(
                "Space `{}` is a {} space: ranges are placed on audio, time series, text and HTML spaces.",
                self.def.id,
                self.def.kind.as_str()
            )));
        }
        let o = cell.lock();
        if !o.frames.is_empty() {
            return Err(LabelError::label_row(
                "Object instance contains frames data. Ensure ObjectInstance.set_for_frames was not used before \
                 calling this method. ",
            ));
        }
        if !o.dynamic_answers.is_empty() {
            return Err(LabelError::label_row(
                "Object instance contains dynamic attributes. Please ensure no dynamic attributes were set on this \
                 ObjectInstance. ",
            ));
        }
        if let Some(other) = self.labels.objects.get(&o.hash) {
            if !std::sync::Arc::ptr_eq(other, cell) {
                return Err(LabelError::label_row(format!(
                    "Another object instance with the hash `{}` is already on the space `{}`.",
                    o.hash, self.def.id
                )));
            }
        }
        let shape = &o.feature_node().shape;
        let expected = expected_shape(self.def.kind);
        if shape != expected {
            return Err(LabelError::label_row(format!(
                "Object `{}` has the shape `{shape}`; {} space `{}` holds objects of the shape `{expected}` only.",
                o.hash,
                self.def.kind.as_str(),
                self.def.id
            )));
        }
        let html_space = self.def.kind == SpaceKind::Html;
        match placement {
            RangePlacement::Html(_) if !html_space => {
                return Err(LabelError::label_row(format!(
                    "{} space `{}` takes integer ranges (Range), not HTML ranges.",
                    self.def.kind.as_str(),
                    self.def.id
                )))
            }
            RangePlacement::Ranges(_) if html_space => {
                return Err(LabelError::label_row(format!(
                    "HTML space `{}` takes HTML ranges (HtmlRange), not integer ranges.",
                    self.def.id
                )))
            }
            _ => {}
        }
        self.check_ranges(placement)?;
        Ok(o.hash.clone())
    }

    /// Places an object on ranges of this range space (`put_object_instance`).
    pub fn put_range_object(
        &mut self,
        cell: &ObjectCell,
        placement: RangePlacement,
        update: &MetaUpdate,
        overlap: RangeOverlap,
        now: i64,
    ) -> Result<()> {
        let hash = self.check_range_object(cell, &placement)?;
        let placed = match (self.labels.placements.get(&hash), &placement) {
            (None, _) => placement,
            (Some(_), RangePlacement::Html(_)) => {
                if overlap == RangeOverlap::Error {
                    return Err(LabelError::label_row(format!(
                        "Annotation for object instance {hash} already exists. Set 'on_overlap' to 'replace' to \
                         overwrite existing annotations."
                    )));
                }
                placement
            }
            (Some(RangePlacement::Ranges(old)), RangePlacement::Ranges(new)) => {
                let overlapping = old.intersection(new);
                match overlap {
                    RangeOverlap::Error if !overlapping.is_empty() => {
                        return Err(LabelError::label_row(format!(
                            "Annotations already exist on the ranges {}. Set the 'on_overlap' parameter to 'merge' to \
                             add the object instance to the new ranges while keeping existing annotations. Set the \
                             'on_overlap' parameter to 'replace' to remove object instance from existing ranges \
                             before adding it to the new ranges.",
                            format_ranges(&overlapping)
                        )));
                    }
                    RangeOverlap::Replace if !overlapping.is_empty() => placement,
                    _ => {
                        let mut all = old.clone();
                        all.insert_set(new);
                        RangePlacement::Ranges(all)
                    }
                }
            }
            (Some(RangePlacement::Html(_)), RangePlacement::Ranges(_)) => placement,
        };
        self.labels.objects.insert(hash.clone(), cell.clone());
        self.labels.placements.insert(hash, placed);
        let mut o = cell.lock();
        match &mut o.range_meta {
            Some(m) => update.apply(m),
            None => o.range_meta = Some(fresh_meta(update, now)),
        }
        Ok(())
    }

    /// Removes an object from this range space (`remove_object_instance`). An object the space does not hold
    /// is a `KeyError` on the reference's integer-range spaces and `None` on HTML spaces.
    pub fn remove_range_object(&mut self, hash: &str) -> Result<Option<ObjectCell>> {
        let Some(cell) = self.labels.objects.shift_remove(hash) else {
            if self.def.kind == SpaceKind::Html {
                return Ok(None);
            }
            return Err(LabelError::key(format!("'{hash}'")));
        };
        self.labels.placements.remove(hash);
        Ok(Some(cell))
    }

    /// Removes an object from `ranges` (`remove_object_instance_from_range`); returns the ranges it was removed
    /// from. An object left on no range leaves the space.
    pub fn remove_object_from_ranges(&mut self, hash: &str, ranges: &RangeSet) -> RangeSet {
        let Some(RangePlacement::Ranges(held)) = self.labels.placements.get_mut(hash) else {
            return RangeSet::new();
        };
        let removed = held.intersection(ranges);
        held.remove_set(&removed);
        if held.is_empty() {
            self.labels.placements.remove(hash);
            self.labels.objects.shift_remove(hash);
        }
        removed
    }

    /// Replaces where an object sits (an annotation's `ranges` / `coordinates` setter).
    pub fn set_object_placement(&mut self, hash: &str, placement: RangePlacement) -> Result<()> {
        let Some(held) = self.labels.placements.get(hash) else {
            return Err(LabelError::label_row(
                "Trying to use a RangeObjectAnnotation for an ObjectInstance that is not on this space.",
            ));
        };
        if std::mem::discriminant(held) != std::mem::discriminant(&placement) {
            return Err(LabelError::label_row(format!(
                "Space `{}` holds {} ranges.",
                self.def.id,
                if self.def.kind == SpaceKind::Html {
                    "HTML"
                } else {
                    "integer"
                }
            )));
        }
        self.check_ranges(&placement)?;
        self.labels.placements.insert(hash.to_owned(), placement);
        Ok(())
    }
}

impl super::Spaces {
    /// Forgets an object's range-placement metadata once no space of the row holds it (the reference resets the
    /// instance's metadata when it leaves its last space).
    pub fn release_range_meta(&self, cell: &ObjectCell) {
        let hash = cell.lock().hash.clone();
        if self.object(&hash).is_none() {
            cell.lock().range_meta = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reversed_ranges_are_refused() {
        assert!(range_set(&[(3, 1)]).is_err());
        assert_eq!(range_set(&[(5, 6), (0, 4)]).unwrap().ranges(), &[(0, 6)]);
    }

    #[test]
    fn overlap_literals() {
        assert_eq!(RangeOverlap::parse(Some("merge"), false).unwrap(), RangeOverlap::Merge);
        assert!(RangeOverlap::parse(Some("merge"), true).is_err());
        assert!(RangeOverlap::parse(Some("keep"), false).is_err());
        assert!(RangeOverlap::parse(None, false).is_err());
    }
}
