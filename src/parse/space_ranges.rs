//! Objects on the range spaces of a data group (audio, time series, plain text, HTML). They are listed in
//! `object_answers`, whose entries carry the object's metadata and, under `spaces[<space id>]`, its ranges on
//! each space (`{"range": [[start, end], ...], "type": "frame"}`, or for HTML `{"range": [[start node, end
//! node], ...], "type": "html"}`).

use std::sync::Arc;

use parking_lot::Mutex;

use super::ranges::{html_node, object_ranges};
use super::units::FrameObjectFields;
use super::{as_list, as_map, req, req_str, Builder};
use crate::error::{LabelError, Result};
use crate::geometry::HtmlRange;
use crate::instance::{ObjectCell, ObjectData};
use crate::spaces::{RangeOverlap, RangePlacement, SpaceKind};
use crate::tree::{Path, Val};

/// `[[{"xpath", "offset"}, {"xpath", "offset"}], ...]`.
fn html_pairs(v: Val<'_>, path: &Path<'_>) -> Result<Vec<HtmlRange>> {
    let list = as_list(v, path)?;
    let mut out = Vec::with_capacity(list.len());
    for (i, pair) in list.iter().enumerate() {
        let p = path.index(i);
        let nodes = as_list(pair, &p)?;
        let (Some(start), Some(end)) = (nodes.get(0), nodes.get(1)) else {
            return Err(LabelError::index(format!(
                "{p}: an HTML range needs a start and an end node, got {} value(s)",
                nodes.len()
            )));
        };
        out.push(HtmlRange {
            start: html_node(start, &p.index(0))?,
            end: html_node(end, &p.index(1))?,
        });
    }
    Ok(out)
}

impl Builder<'_, '_, '_> {
    /// Places the objects of `object_answers` that name range space `id`, in the order of `object_answers`.
    pub(super) fn range_space_objects(&mut self, id: &str, kind: SpaceKind, answers: Val<'_>) -> Result<()> {
        let all = Path::Root("label_row").field("object_answers");
        for (key, entry) in as_map(answers, &all)?.iter() {
            let path = all.key(key);
            let map = as_map(entry, &path)?;
            let Some(spaces) = entry.get("spaces").filter(|v| !v.is_null()) else {
                continue;
            };
            let spath = path.field("spaces");
            let Some(info) = as_map(spaces, &spath)?.get(id) else {
                continue;
            };
            let ipath = spath.key(id);
            as_map(info, &ipath)?;
            let rpath = ipath.field("range");
            let placement = if kind == SpaceKind::Html {
                RangePlacement::Html(html_pairs(req(info, "range", &ipath)?, &rpath)?)
            } else {
                // The reference reads integer ranges only from placements of type "frame" (or without a type).
                if info
                    .get("type")
                    .filter(|t| !t.is_null())
                    .is_some_and(|t| t.as_str() != Some("frame"))
                {
                    continue;
                }
                RangePlacement::Ranges(object_ranges(req(info, "range", &ipath)?, &rpath)?)
            };
            let hash = req_str(entry, "objectHash", &path)?;
            let cell = match self.row.spaces.object(hash) {
                Some(c) => c.clone(),
                None => {
                    let fh = req_str(entry, "featureHash", &path)?;
                    let feature = self.ctx.onto.object(fh).map_err(|err| err.at(&path.to_string()))?;
                    Arc::new(Mutex::new(ObjectData::new(
                        hash.to_owned(),
                        self.ctx.onto.clone(),
                        feature,
                    ))) as ObjectCell
                }
            };
            let update = self.entry_meta(&FrameObjectFields::read(map), &path)?;
            let now = self.ctx.now;
            self.row
                .spaces
                .get_mut(id)?
                .put_range_object(&cell, placement, &update, RangeOverlap::Error, now)
                .map_err(|err| err.at(&ipath.to_string()))?;
        }
        Ok(())
    }
}
