//! Objects of range-based rows (audio, plain text, HTML, time series). They live entirely in `object_answers`:
//! every entry is an object (there are no orphans), holding its instance metadata and its ranges (`range`, or
//! `range_html` on an HTML document). The object keeps them as its single annotation, on frame 0.

use std::collections::BTreeMap;
use std::sync::Arc;

use parking_lot::Mutex;

use super::{as_list, as_map, confidence, req, Builder};
use crate::error::{LabelError, Result};
use crate::geometry::{Geometry, HtmlNode, HtmlRange, RangeShape};
use crate::instance::{AnnotationMeta, FrameAnnotation, ObjectData};
use crate::ranges::{Frame, RangeSet};
use crate::row::DataType;
use crate::tree::{Path, Val};

/// The object shape a range-based row accepts.
fn expected_shape(dt: DataType) -> Option<RangeShape> {
    match dt {
        DataType::Audio => Some(RangeShape::Audio),
        DataType::TimeSeries => Some(RangeShape::TimeRange),
        DataType::PlainText => Some(RangeShape::Text),
        _ => None,
    }
}

/// A value the reference treats as true (a non-empty dict or list, a non-empty string, a non-zero number).
fn truthy(v: Val<'_>) -> bool {
    if let Some(m) = v.as_map() {
        return !m.is_empty();
    }
    if let Some(l) = v.as_list() {
        return !l.is_empty();
    }
    if let Some(s) = v.as_str() {
        return !s.is_empty();
    }
    if let Some(b) = v.as_bool() {
        return b;
    }
    v.as_f64().is_some_and(|f| f != 0.0)
}

/// A range bound: an integer (floats are refused rather than carried through, see docs/compatibility.md).
fn bound_of(v: Val<'_>, path: &Path<'_>) -> Result<Frame> {
    if let Some(i) = v.as_i64() {
        return Ok(i);
    }
    if v.is_number() && v.as_bool().is_none() {
        return Err(LabelError::value(format!(
            "{path}: range bounds must be integers, got {}",
            v.as_f64().unwrap_or(f64::NAN)
        )));
    }
    Err(LabelError::type_(format!(
        "{path}: range bounds must be integers, got {}",
        v.kind()
    )))
}

/// `[[start, end], ...]` → a merged set. Each pair needs two values (extra values are ignored, as in the
/// reference); a reversed pair is an error.
pub(crate) fn object_ranges(v: Val<'_>, path: &Path<'_>) -> Result<RangeSet> {
    if v.is_null() {
        return Err(LabelError::type_(format!(
            "{path}: expected a list of ranges, got null"
        )));
    }
    let list = as_list(v, path)?;
    let mut pairs = Vec::with_capacity(list.len());
    for (i, r) in list.iter().enumerate() {
        let p = path.index(i);
        let pair = r
            .as_list()
            .ok_or_else(|| LabelError::type_(format!("{p}: expected a [start, end] pair, got {}", r.kind())))?;
        let (Some(s), Some(e)) = (pair.get(0), pair.get(1)) else {
            return Err(LabelError::index(format!(
                "{p}: a range needs a start and an end, got {} value(s)",
                pair.len()
            )));
        };
        let (s, e) = (bound_of(s, &p.index(0))?, bound_of(e, &p.index(1))?);
        if s > e {
            return Err(LabelError::value(format!(
                "{p}: Start of range {s} must not be greater than end {e}."
            )));
        }
        pairs.push((s, e));
    }
    Ok(RangeSet::from_ranges(pairs))
}

pub(crate) fn html_node(v: Val<'_>, path: &Path<'_>) -> Result<HtmlNode> {
    as_map(v, path)?;
    let xpath = req(v, "xpath", path)?;
    let xpath = xpath
        .as_str()
        .ok_or_else(|| LabelError::value(format!("{path}.xpath: expected a string, got {}", xpath.kind())))?;
    let off = req(v, "offset", path)?;
    let bad = || LabelError::value(format!("{path}.offset: expected an integer, got {}", off.kind()));
    // Read as the reference's model reads it: an int, a float without a fraction, or a numeric string.
    #[allow(clippy::cast_possible_truncation)]
    let offset = match (off.as_i64(), off.as_f64(), off.as_str()) {
        (Some(i), _, _) => i,
        (None, Some(f), _) if off.as_bool().is_none() && f.fract() == 0.0 && f.abs() < 9.0e15 => f as i64,
        (_, _, Some(s)) => s.trim().parse().map_err(|_| bad())?,
        _ => return Err(bad()),
    };
    Ok(HtmlNode {
        xpath: xpath.to_owned(),
        offset,
    })
}

/// `[{"start": {"xpath", "offset"}, "end": {...}}, ...]`, kept in the given order.
pub(crate) fn html_ranges(v: Val<'_>, path: &Path<'_>) -> Result<Vec<HtmlRange>> {
    if v.is_null() {
        return Err(LabelError::type_(format!(
            "{path}: expected a list of HTML ranges, got null"
        )));
    }
    let list = as_list(v, path)?;
    let mut out = Vec::with_capacity(list.len());
    for (i, r) in list.iter().enumerate() {
        let p = path.index(i);
        as_map(r, &p)?;
        out.push(HtmlRange {
            start: html_node(req(r, "start", &p)?, &p.field("start"))?,
            end: html_node(req(r, "end", &p)?, &p.field("end"))?,
        });
    }
    Ok(out)
}

/// The range geometry of an API call's coordinates (`{"shape", "range"}` or `{"shape", "range_html"}`).
pub(crate) fn range_geometry(
    shape: RangeShape,
    range: Option<Val<'_>>,
    html: Option<Val<'_>>,
    path: &Path<'_>,
) -> Result<Geometry> {
    if shape == RangeShape::Text {
        if let Some(h) = html.filter(|h| !h.is_null()) {
            return Ok(Geometry::Html {
                ranges: html_ranges(h, &path.field("range_html"))?,
            });
        }
    }
    let range = range.ok_or_else(|| super::missing(path, "range"))?;
    Ok(Geometry::Range {
        shape,
        ranges: object_ranges(range, &path.field("range"))?,
    })
}

impl Builder<'_, '_, '_> {
    /// One `object_answers` entry of a range-based row: a whole object. An entry with the hash of an earlier one
    /// replaces it and moves to the end of the row order, as adding it again with `force` would.
    pub(super) fn range_object_answer(&mut self, entry: Val<'_>, path: &Path<'_>) -> Result<()> {
        let dt = self.row.media.data_type;
        let html = crate::export::is_html(self.row);
        as_map(entry, path)?;
        // Keys whose value is null count as absent for the metadata.
        let get = |k: &str| entry.get(k).filter(|v| !v.is_null());
        let geometry = if html {
            Geometry::Html {
                ranges: html_ranges(req(entry, "range_html", path)?, &path.field("range_html"))?,
            }
        } else {
            if entry.get("spaces").is_some_and(truthy) {
                // Held by a space of a data group; a row without spaces has nowhere to put it.
                return Ok(());
            }
            let shape = expected_shape(dt).unwrap_or(RangeShape::Text);
            Geometry::Range {
                shape,
                ranges: object_ranges(req(entry, "range", path)?, &path.field("range"))?,
            }
        };
        let feature_hash = req(entry, "featureHash", path)?;
        let hash = super::req_str(entry, "objectHash", path)?;
        let feature = match feature_hash.as_str() {
            Some(fh) => self.ctx.onto.object(fh),
            None => Err(LabelError::ontology(format!(
                "Item not found: can't find an item with a hash {} in the ontology.",
                feature_hash.kind()
            ))),
        }
        .map_err(|e| e.at(&path.field("featureHash").to_string()))?;
        let meta = AnnotationMeta {
            created_at: self.date_or_now(get("createdAt"), &|| format!("{path}.createdAt"))?,
            created_by: self.shared(get("createdBy"), "createdBy", path)?,
            last_edited_at: self.date_or_now(get("lastEditedAt"), &|| format!("{path}.lastEditedAt"))?,
            last_edited_by: self.shared(get("lastEditedBy"), "lastEditedBy", path)?,
            confidence: confidence(get("confidence"), path)?,
            manual_annotation: match get("manualAnnotation") {
                None => true,
                Some(v) => v.as_bool().ok_or_else(|| {
                    LabelError::label_row(format!("{path}.manualAnnotation: expected a bool, got {}", v.kind()))
                })?,
            },
            is_deleted: None,
        };
        let mut o = ObjectData::new(hash.to_owned(), self.ctx.onto.clone(), feature);
        let shape = o.feature_node().shape.clone();
        if html {
            o.check_shape(&geometry).map_err(|e| e.at(&path.to_string()))?;
        } else if expected_shape(dt).map(RangeShape::as_str) != Some(shape.as_str()) {
            return Err(LabelError::label_row(format!(
                "{path}: Unsupported object shape for data type: object `{hash}` has shape `{shape}` on a {} row",
                dt.as_str()
            )));
        }
        if let Some(n) = get("objectNumber") {
            o.object_number = Some(n.as_u64().ok_or_else(|| {
                LabelError::label_row(format!(
                    "{path}.objectNumber: object_number must be a non-negative integer, got {n}."
                ))
            })?);
        }
        let cpath = path.field("classifications");
        let answers = req(entry, "classifications", path)?;
        if answers.is_null() {
            return Err(LabelError::type_(format!(
                "{cpath}: expected a list of answers, got null"
            )));
        }
        // The reference answers the object before it joins the row, so dynamic answers are not bound-checked.
        self.object_answer_list(&mut o, as_list(answers, &cpath)?, &cpath, 1, None)?;
        o.frames = BTreeMap::from([(
            0,
            Box::new(FrameAnnotation {
                geometry,
                meta,
                interpolate: None,
                event: None,
            }),
        )]);
        self.row.add_object(Arc::new(Mutex::new(o)), true)?;
        Ok(())
    }
}
