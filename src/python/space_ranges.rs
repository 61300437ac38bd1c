//! Range-space operations of `Row` (`Row.space_*range*`): argument unpacking for `crate::spaces::ranges`.

use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use super::errors::IntoPyResult;
use super::objects::meta_tuple;
use crate::error::{LabelError, Result};
use crate::geometry::{HtmlNode, HtmlRange};
use crate::ranges::Frame;
use crate::row::RowStore;
use crate::spaces::{range_set, RangePlacement, Space};

/// One HTML range as the facade passes it: `((start xpath, start offset), (end xpath, end offset))`.
pub type HtmlArg = ((String, i64), (String, i64));

fn node((xpath, offset): (String, i64)) -> HtmlNode {
    HtmlNode { xpath, offset }
}

/// The placement of a call: integer ranges, or (HTML spaces) node ranges.
pub fn placement_arg(ranges: Option<Vec<(Frame, Frame)>>, html: Option<Vec<HtmlArg>>) -> Result<RangePlacement> {
    match (ranges, html) {
        (_, Some(h)) => Ok(RangePlacement::Html(
            h.into_iter()
                .map(|(s, e)| HtmlRange {
                    start: node(s),
                    end: node(e),
                })
                .collect(),
        )),
        (Some(r), None) => Ok(RangePlacement::Ranges(range_set(&r)?)),
        (None, None) => Err(LabelError::type_("ranges are required")),
    }
}

fn range_space<'r>(row: &'r RowStore, id: &str) -> Result<&'r Space> {
    let s = super::spaces::space(row, id)?;
    if !s.def.kind.is_range() {
        return Err(LabelError::label_row(format!("Space `{id}` is not a range space.")));
    }
    Ok(s)
}

/// Where an object sits on a range space: `[(start, end), ...]`, or for HTML `[((xpath, offset), (xpath,
/// offset)), ...]`; `None` when the space does not hold it.
pub fn placement<'py>(py: Python<'py>, row: &RowStore, id: &str, hash: &str) -> PyResult<Option<Bound<'py, PyList>>> {
    let s = range_space(row, id).py_err(py)?;
    let Some(p) = s.labels.placements.get(hash) else {
        return Ok(None);
    };
    let list = match p {
        RangePlacement::Ranges(r) => PyList::new(py, r.ranges())?,
        RangePlacement::Html(h) => PyList::new(
            py,
            h.iter().map(|r| {
                (
                    (r.start.xpath.as_str(), r.start.offset),
                    (r.end.xpath.as_str(), r.end.offset),
                )
            }),
        )?,
    };
    Ok(Some(list))
}

/// The metadata tuple of an object's range placements, when this space holds it.
pub fn meta<'py>(py: Python<'py>, row: &RowStore, id: &str, hash: &str) -> PyResult<Option<Bound<'py, PyTuple>>> {
    let s = range_space(row, id).py_err(py)?;
    let Some(cell) = s.labels.objects.get(hash) else {
        return Ok(None);
    };
    let o = cell.lock();
    o.range_meta.as_ref().map(|m| meta_tuple(py, m)).transpose()
}

fn not_on_space() -> LabelError {
    LabelError::label_row("Trying to use a RangeObjectAnnotation for an ObjectInstance that is not on this space.")
}

/// Sets one metadata field of an object's range placements.
pub fn set_meta(row: &RowStore, id: &str, hash: &str, name: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
    let py = value.py();
    let s = range_space(row, id).py_err(py)?;
    let cell = s.labels.objects.get(hash).ok_or_else(not_on_space).py_err(py)?;
    let mut o = cell.lock();
    let m = o.range_meta.as_mut().ok_or_else(not_on_space).py_err(py)?;
    super::objects::set_meta(m, name, value)
}
