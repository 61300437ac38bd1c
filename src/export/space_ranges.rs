//! The `object_answers` entries of objects on range spaces (audio, time series, plain text, HTML): the object's
//! metadata (one set for all its range spaces), and under `spaces` its ranges on each space that holds it, in
//! the order of the spaces.

use super::{opt_sym, ExportOptions, Key, LabelSink};
use crate::instance::{AnnotationMeta, ObjectData};
use crate::row::RowStore;
use crate::spaces::{RangePlacement, Space, SpaceKind};

/// `{"range": ..., "type": "frame" | "html"}` of a placement on a range space (classifications: no ranges).
pub(super) fn write_space_range<S: LabelSink>(space: &Space, placement: Option<&RangePlacement>, s: &mut S) {
    s.begin_map(2);
    s.key(Key::Range);
    match placement {
        Some(RangePlacement::Ranges(r)) => crate::answers::write_ranges(r, s),
        Some(RangePlacement::Html(h)) => write_html_pairs(h, s),
        None => {
            s.begin_list(0);
            s.end_list();
        }
    }
    s.key_str("type");
    s.sym(if space.def.kind == SpaceKind::Html {
        "html"
    } else {
        "frame"
    });
    s.end_map();
}

/// HTML ranges as `[[start node, end node], ...]` (the space form, not the `{"start", "end"}` of HTML rows).
fn write_html_pairs<S: LabelSink>(ranges: &[crate::geometry::HtmlRange], s: &mut S) {
    s.begin_list(ranges.len());
    for r in ranges {
        s.begin_list(2);
        for n in [&r.start, &r.end] {
            s.begin_map(2);
            s.key(Key::Xpath);
            s.str(&n.xpath);
            s.key(Key::Offset);
            s.int(n.offset);
            s.end_map();
        }
        s.end_list();
    }
    s.end_list();
}

/// Writes the `object_answers` entry of an object held by range spaces.
pub(super) fn write_range_space_object<S: LabelSink>(row: &RowStore, o: &ObjectData, opts: ExportOptions, s: &mut S) {
    let node = o.feature_node();
    let fallback;
    let meta = match &o.range_meta {
        Some(m) => m,
        None => {
            fallback = AnnotationMeta::new(0);
            &fallback
        }
    };
    s.begin_map(16);
    s.key(Key::Classifications);
    o.static_answers.write(&o.onto, node, s);
    s.key(Key::ObjectHash);
    s.sym(&o.hash);
    s.key(Key::CreatedBy);
    opt_sym(s, meta.created_by.as_deref());
    s.key(Key::CreatedAt);
    s.date(meta.created_at);
    s.key(Key::LastEditedAt);
    s.date(meta.last_edited_at);
    s.key(Key::LastEditedBy);
    opt_sym(s, meta.last_edited_by.as_deref());
    s.key(Key::ManualAnnotation);
    s.bool(meta.manual_annotation);
    s.key(Key::FeatureHash);
    s.sym(&node.hash);
    s.key(Key::Name);
    s.sym(&node.name);
    s.key(Key::Color);
    s.sym(&node.color);
    s.key(Key::Shape);
    s.sym(&node.shape);
    s.key(Key::Value);
    s.sym(&node.value);
    s.key(Key::Range);
    s.begin_list(0);
    s.end_list();
    s.key(Key::Spaces);
    let held: Vec<&Space> = row
        .spaces
        .spaces
        .values()
        .filter(|sp| sp.def.kind.is_range() && sp.labels.placements.contains_key(&o.hash))
        .collect();
    s.begin_map(held.len());
    for sp in held {
        s.key_str(&sp.def.id);
        write_space_range(sp, sp.labels.placements.get(&o.hash), s);
    }
    s.end_map();
    if let (Some(n), false) = (o.object_number, opts.renumber_objects) {
        s.key(Key::ObjectNumber);
        s.uint(n);
    }
    s.end_map();
}
