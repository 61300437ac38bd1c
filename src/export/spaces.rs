//! The parts of the export that spaces contribute: their entries in `object_answers`, `object_actions` and
//! `classification_answers`, and the `spaces` dict itself (with its own object-entry key order).

use std::collections::HashSet;

use indexmap::IndexMap;

use super::{write_geometry, ExportOptions, Key, LabelSink};
use crate::error::{LabelError, Result};
use crate::geometry::Geometry;
use crate::instance::{AnnotationMeta, FrameAnnotation, ObjectData};
use crate::ranges::{Frame, RangeSet};
use crate::row::RowStore;
use crate::spaces::{Space, SpaceClassification, SpaceKind, ROOT_SPACE_ID};

/// Writes the `object_answers` entries of objects held by spaces (after the row's own, each object once).
///
/// As in the reference, each space in turn writes the entries of its objects: a frame-based or image space
/// replaces an entry (keeping its place), a range space or point cloud writes a new one or adds itself to one.
pub(super) fn object_answers<S: LabelSink>(row: &RowStore, opts: ExportOptions, s: &mut S) -> Result<()> {
    let mut seen: HashSet<&str> = HashSet::new();
    // Range spaces and point clouds are the reference's range spaces: they add themselves to an entry.
    let range_like = |sp: &Space| sp.def.kind.is_range() || sp.def.kind == SpaceKind::PointCloud;
    for space in row.spaces.spaces.values() {
        for hash in space.labels.objects.keys() {
            if row.object_order(hash).is_some() || !seen.insert(hash) {
                continue;
            }
            let holders: Vec<&Space> = row
                .spaces
                .spaces
                .values()
                .filter(|sp| sp.labels.objects.contains_key(hash))
                .collect();
            let first_plain = holders.iter().position(|sp| !range_like(sp));
            if let Some(i) = first_plain {
                if let Some(pc) = holders[i..].iter().find(|sp| range_like(sp)) {
                    // The reference fails here with a bare KeyError: a point cloud cannot add itself to the entry
                    // an earlier space of another kind wrote.
                    return Err(LabelError::key(format!(
                        "object_answers[{hash:?}]: object `{hash}` is on space `{}` ({}) and on the later space \
                         `{}`, which the label row format cannot express",
                        holders[i].def.id,
                        holders[i].def.kind.as_str(),
                        pc.def.id
                    )));
                }
            }
            let last_plain = holders.iter().rev().find(|sp| !range_like(sp));
            let Some(holder) = last_plain else {
                let o = space.labels.objects[hash].lock();
                if space.def.kind == SpaceKind::PointCloud {
                    super::scene::write_point_cloud_answer(row, hash, &o, opts, s);
                } else {
                    s.key_str(hash);
                    super::space_ranges::write_range_space_object(row, &o, opts, s);
                }
                continue;
            };
            let o = holder.labels.objects[hash].lock();
            s.key_str(hash);
            s.begin_map(3);
            s.key(Key::Classifications);
            o.static_answers.write(&o.onto, o.feature_node(), s);
            s.key(Key::ObjectHash);
            s.sym(hash);
            if let (Some(n), false) = (o.object_number, opts.renumber_objects) {
                s.key(Key::ObjectNumber);
                s.uint(n);
            }
            s.end_map();
        }
    }
    Ok(())
}

/// Writes the `object_actions` entries of objects on video-like spaces: answers in insertion order.
pub(super) fn object_actions<S: LabelSink>(row: &RowStore, s: &mut S) {
    let mut seen: HashSet<&str> = HashSet::new();
    for space in row.spaces.spaces.values() {
        if !matches!(space.def.kind, SpaceKind::Video | SpaceKind::ImageSequence) {
            continue;
        }
        for (hash, cell) in &space.labels.objects {
            let o = cell.lock();
            if o.dynamic_answers.is_empty() || row.object_order(hash).is_some() || !seen.insert(hash) {
                continue;
            }
            s.key_str(hash);
            s.begin_map(2);
            s.key(Key::Actions);
            o.dynamic_answers.write_forward(&o.onto, s);
            s.key(Key::ObjectHash);
            s.sym(hash);
            s.end_map();
        }
    }
}

/// One placement of a classification on a space, as its `classification_answers` entry reports it.
pub(super) struct Placement<'a> {
    space: &'a Space,
    c: &'a SpaceClassification,
    /// `{"range": ..., "type": "frame"}` value of the entry's `spaces`.
    range: RangeSet,
    meta: AnnotationMeta,
}

fn placement<'a>(space: &'a Space, c: &'a SpaceClassification) -> Placement<'a> {
    let global_feature = c.cell.lock().is_global();
    let (range, meta) = match &c.global {
        Some(meta) => {
            let range = if space.def.kind.is_image() && !global_feature {
                RangeSet::from_ranges([(0, 0)])
            } else {
                RangeSet::new()
            };
            (range, meta.clone())
        }
        None => {
            let hash = c.cell.lock().hash.clone();
            let first = c.ranges.ranges().first().map(|r| r.0);
            let meta = first
                .and_then(|f| space.labels.class_frames.get(&f))
                .and_then(|m| m.get(&hash))
                .cloned()
                .unwrap_or_else(|| AnnotationMeta::new(0));
            (c.ranges.clone(), meta)
        }
    };
    Placement { space, c, range, meta }
}

/// The placements of each classification held by spaces, by hash in order of first appearance.
pub(super) fn classification_placements(row: &RowStore) -> IndexMap<String, Vec<Placement<'_>>> {
    let mut out: IndexMap<String, Vec<Placement<'_>>> = IndexMap::new();
    for space in row.spaces.spaces.values() {
        for (hash, c) in &space.labels.classifications {
            out.entry(hash.clone()).or_default().push(placement(space, c));
        }
    }
    out
}

fn write_space_ranges<S: LabelSink>(p: &Placement<'_>, s: &mut S) {
    if p.space.def.kind.is_range() {
        super::space_ranges::write_space_range(p.space, None, s);
        return;
    }
    s.begin_map(2);
    s.key(Key::Range);
    crate::answers::write_ranges(&p.range, s);
    s.key_str("type");
    s.sym("frame");
    s.end_map();
}

/// Key orders of a `classification_answers` entry: the row's own, a range space's for a classification that is
/// not global, and every other space's.
#[derive(Clone, Copy, PartialEq, Eq)]
enum EntryOrder {
    Root,
    RangeSpace,
    Space,
}

/// Writes one classification's entry from its placements on spaces, merged as the reference merges them: the
/// first writer (the row's own entry, else the first space) decides the key order, every placement adds its
/// `spaces` entry, and the values come from the last placement on a space that is not range-based (range spaces
/// only add their `spaces` entry to an existing one). `root` is the row's own entry when it holds the
/// classification too (its range is kept).
pub(super) fn write_classification_entry<S: LabelSink>(
    hash: &str,
    placements: &[Placement<'_>],
    root: Option<&crate::instance::ClassificationData>,
    s: &mut S,
) {
    let Some(first) = placements.first() else { return };
    let on_root = |p: &Placement<'_>| p.space.def.id == ROOT_SPACE_ID;
    // Point clouds are range spaces in the reference: they write their entries the same way.
    let is_range = |p: &Placement<'_>| p.space.def.kind.is_range() || p.space.def.kind == SpaceKind::PointCloud;
    let src = placements.iter().rev().find(|p| !is_range(p));
    let order = if root.is_some() {
        EntryOrder::Root
    } else if is_range(first) && !first.c.cell.lock().is_global() {
        EntryOrder::RangeSpace
    } else {
        EntryOrder::Space
    };
    // (cell holding the answers, answers reversed, metadata, range)
    let (cell, reversed, meta, range) = match (src, root) {
        (Some(last), _) => {
            let root_range = match root {
                Some(r) if !on_root(last) || last.range.is_empty() => Some(r.ranges.clone()),
                _ => None,
            };
            let range = if on_root(last) && !last.range.is_empty() {
                last.range.clone()
            } else {
                root_range.unwrap_or_default()
            };
            (&last.c.cell, false, last.meta.clone(), range)
        }
        (None, Some(r)) => (&first.c.cell, true, r.meta.clone(), r.ranges.clone()),
        (None, None) => (&first.c.cell, true, first.meta.clone(), RangeSet::new()),
    };
    let guard;
    let c: &crate::instance::ClassificationData = match (src, root) {
        (None, Some(r)) => r,
        _ => {
            guard = cell.lock();
            &guard
        }
    };
    let node = c.feature_node();
    let write_spaces = |s: &mut S| {
        let named: Vec<&Placement<'_>> = placements.iter().filter(|p| !on_root(p)).collect();
        s.begin_map(named.len());
        for p in &named {
            s.key_str(&p.space.def.id);
            write_space_ranges(p, s);
        }
        s.end_map();
    };
    s.key_str(hash);
    s.begin_map(11);
    s.key(Key::Classifications);
    if reversed {
        c.answers.write(&c.onto, node, s);
    } else {
        c.answers.write_forward(&c.onto, node, s);
    }
    s.key(Key::ClassificationHash);
    s.sym(hash);
    s.key(Key::FeatureHash);
    s.sym(&node.hash);
    match order {
        EntryOrder::RangeSpace => {
            s.key(Key::Range);
            crate::answers::write_ranges(&range, s);
            super::write_edit_meta(&meta, s);
            s.key(Key::ManualAnnotation);
            s.bool(meta.manual_annotation);
            s.key(Key::Confidence);
            s.number(&meta.confidence);
            s.key(Key::Spaces);
            write_spaces(s);
        }
        EntryOrder::Root => {
            s.key(Key::Spaces);
            write_spaces(s);
            s.key(Key::Range);
            crate::answers::write_ranges(&range, s);
            super::write_instance_meta(&meta, s);
        }
        EntryOrder::Space => {
            s.key(Key::Spaces);
            write_spaces(s);
            super::write_instance_meta(&meta, s);
            s.key(Key::Range);
            crate::answers::write_ranges(&range, s);
        }
    }
    s.end_map();
}

/// A space-label object entry: the reference builds these in a different key order from the row's own.
fn write_space_object<S: LabelSink>(o: &ObjectData, a: &FrameAnnotation, s: &mut S) {
    let node = o.feature_node();
    s.begin_map(14);
    s.key(Key::ObjectHash);
    s.sym(&o.hash);
    s.key(Key::FeatureHash);
    s.sym(&node.hash);
    s.key(Key::Name);
    s.sym(&node.name);
    s.key(Key::Color);
    s.sym(&node.color);
    s.key(Key::Value);
    s.sym(&node.value);
    s.key(Key::CreatedAt);
    s.date(a.meta.created_at);
    s.key(Key::ManualAnnotation);
    s.bool(a.meta.manual_annotation);
    s.key(Key::Confidence);
    s.number(&a.meta.confidence);
    s.key(Key::LastEditedAt);
    s.date(a.meta.last_edited_at);
    if let Some(by) = &a.meta.last_edited_by {
        s.key(Key::LastEditedBy);
        s.sym(by);
    }
    if let Some(by) = &a.meta.created_by {
        s.key(Key::CreatedBy);
        s.sym(by);
    }
    write_geometry(&a.geometry, s);
    s.key(Key::Shape);
    s.sym(a.geometry.shape());
    s.end_map();
}

fn check_bitmask(space: &Space, a: &FrameAnnotation, frame: Frame, hash: &str) -> Result<()> {
    if let Geometry::Bitmask { height, width, .. } = &a.geometry {
        if space.def.frame_size(frame) != (Some(*width), Some(*height)) {
            return Err(LabelError::value(format!(
                "Bitmask dimensions don't match the media dimensions: object `{hash}` on frame {frame} of space \
                 `{}` has a {height}x{width} mask",
                space.def.id
            )));
        }
    }
    Ok(())
}

pub(super) fn write_blob<S: LabelSink>(
    space: &Space,
    frame: Frame,
    on_frame: &IndexMap<String, FrameAnnotation>,
    s: &mut S,
) -> Result<()> {
    s.begin_map(2);
    s.key(Key::Objects);
    s.begin_list(on_frame.len());
    for (hash, a) in on_frame {
        let Some(cell) = space.labels.objects.get(hash) else {
            continue;
        };
        check_bitmask(space, a, frame, hash)?;
        write_space_object(&cell.lock(), a, s);
    }
    s.end_list();
    s.key(Key::Classifications);
    s.begin_list(0);
    s.end_list();
    s.end_map();
    Ok(())
}

fn write_labels<S: LabelSink>(space: &Space, scene_row: bool, s: &mut S) -> Result<()> {
    let frames = &space.labels.frames;
    match space.def.kind {
        // A scene writes its images' labels into its data unit (`export::scene::write_scene_image_labels`).
        SpaceKind::SceneImage if scene_row => write_blob(space, 0, &IndexMap::new(), s)?,
        SpaceKind::PointCloud => super::scene::write_point_cloud_labels(space, s),
        SpaceKind::SceneImage => match frames.get(&0) {
            Some(m) => write_blob(space, 0, m, s)?,
            None => write_blob(space, 0, &IndexMap::new(), s)?,
        },
        k if k.is_image() || k.is_multi_frame() => {
            let used: Vec<(&Frame, &IndexMap<String, FrameAnnotation>)> =
                frames.iter().filter(|(_, m)| !m.is_empty()).collect();
            s.begin_map(used.len());
            for (f, m) in used {
                s.key_str(&f.to_string());
                write_blob(space, *f, m, s)?;
            }
            s.end_map();
        }
        _ => {
            s.begin_map(0);
            s.end_map();
        }
    }
    Ok(())
}

/// Writes the `spaces` value.
pub(super) fn write_spaces<S: LabelSink>(row: &RowStore, s: &mut S) -> Result<()> {
    let declared = row.spaces.spaces.values().filter(|sp| !sp.def.synthetic).count();
    s.begin_map(declared);
    for (id, space) in &row.spaces.spaces {
        let d = &space.def;
        if d.synthetic {
            // Taken on trust from an MCAP scene's labels: point clouds go back to the data unit.
            continue;
        }
        s.key_str(id);
        s.begin_map(2 + d.before_labels.len() + d.after_labels.len());
        s.key_str("space_type");
        s.sym(d.kind.as_str());
        for (k, v) in &d.before_labels {
            s.key_str(k);
            s.raw(v);
        }
        s.key(Key::Labels);
        write_labels(space, row.header.data_type == crate::row::DataType::Scene, s)?;
        for (k, v) in &d.after_labels {
            s.key_str(k);
            s.raw(v);
        }
        s.end_map();
    }
    s.end_map();
    Ok(())
}
