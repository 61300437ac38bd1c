//! Annotations of a row as flat columns, for numpy: one row per object-frame annotation (frame ascending, then
//! row order) plus per-shape coordinate arrays that point back at their row. Range objects (audio, text, time
//! series) give one start/end pair per range.

use crate::geometry::{Geometry, Num};
use crate::ranges::RangeSet;
use crate::row::RowStore;

/// Columns of the annotations selected by a query. Coordinate blocks are row-major `f64`s.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Columns {
    pub frames: Vec<i64>,
    /// Index into `object_hashes`.
    pub object_index: Vec<u32>,
    /// Index into `feature_hashes`.
    pub feature_index: Vec<u32>,
    pub confidence: Vec<f64>,
    pub object_hashes: Vec<String>,
    pub feature_hashes: Vec<String>,
    /// `[x, y, w, h]` per bounding box (top-left corner).
    pub boxes: Vec<f64>,
    pub box_rows: Vec<u64>,
    /// `[x, y, w, h, theta]` per rotatable bounding box.
    pub rotatable_boxes: Vec<f64>,
    pub rotatable_box_rows: Vec<u64>,
    /// `[x, y]` per point.
    pub points: Vec<f64>,
    pub point_rows: Vec<u64>,
    /// `[x, y]` vertices of the outer ring of each polygon's first part; polygon `i` is
    /// `polygon_vertices[polygon_offsets[i]..polygon_offsets[i + 1]]`.
    pub polygon_vertices: Vec<f64>,
    pub polygon_offsets: Vec<u64>,
    pub polygon_rows: Vec<u64>,
    /// `[x, y]` vertices of each polyline, with offsets as for polygons.
    pub polyline_vertices: Vec<f64>,
    pub polyline_offsets: Vec<u64>,
    pub polyline_rows: Vec<u64>,
    /// Inclusive `[start, end]` of every range of a range object (sorted, merged), one entry per range.
    pub range_starts: Vec<i64>,
    pub range_ends: Vec<i64>,
    pub range_rows: Vec<u64>,
}

fn f(n: &Num) -> f64 {
    n.as_f64().unwrap_or(f64::NAN)
}

impl Columns {
    fn push_geometry(&mut self, row: u64, g: &Geometry) {
        match g {
            Geometry::BoundingBox { h, w, x, y } => {
                self.boxes.extend([f(x), f(y), f(w), f(h)]);
                self.box_rows.push(row);
            }
            Geometry::RotatableBoundingBox { h, w, x, y, theta } => {
                self.rotatable_boxes.extend([f(x), f(y), f(w), f(h), f(theta)]);
                self.rotatable_box_rows.push(row);
            }
            Geometry::Point { x, y, .. } => {
                self.points.extend([f(x), f(y)]);
                self.point_rows.push(row);
            }
            Geometry::Polygon { polygons } => {
                if let Some(ring) = polygons.first().and_then(|p| p.first()) {
                    self.polygon_vertices.extend(ring.iter().map(f));
                }
                self.polygon_offsets.push((self.polygon_vertices.len() / 2) as u64);
                self.polygon_rows.push(row);
            }
            Geometry::Polyline { points } => {
                for (x, y, _) in points {
                    self.polyline_vertices.extend([f(x), f(y)]);
                }
                self.polyline_offsets.push((self.polyline_vertices.len() / 2) as u64);
                self.polyline_rows.push(row);
            }
            Geometry::Range { ranges, .. } => {
                for &(start, end) in ranges.ranges() {
                    self.range_starts.push(start);
                    self.range_ends.push(end);
                    self.range_rows.push(row);
                }
            }
            _ => {}
        }
    }
}

/// Collects the annotations of objects matching `feature_hash` on `frames` (all when `None`).
pub fn collect(row: &RowStore, feature_hash: Option<&str>, frames: Option<&RangeSet>) -> Columns {
    let mut c = Columns {
        polygon_offsets: vec![0],
        polyline_offsets: vec![0],
        ..Columns::default()
    };
    let mut object_slot = std::collections::HashMap::new();
    let mut feature_slot = std::collections::HashMap::new();
    let in_frames = |fr: i64| frames.is_none_or(|s| s.contains(fr));
    for (frame, orders) in row.labelled_frames() {
        if !in_frames(frame) {
            continue;
        }
        for &order in orders {
            let Some(cell) = row.object(order) else { continue };
            let o = cell.lock();
            let node = o.feature_node();
            if feature_hash.is_some_and(|fh| fh != node.hash) {
                continue;
            }
            let Some(a) = o.frames.get(&frame) else { continue };
            let next_object = c.object_hashes.len();
            let oi = *object_slot.entry(order).or_insert_with(|| {
                c.object_hashes.push(o.hash.clone());
                next_object
            });
            let next_feature = c.feature_hashes.len();
            let fi = *feature_slot.entry(node.hash.clone()).or_insert_with(|| {
                c.feature_hashes.push(node.hash.clone());
                next_feature
            });
            let r = c.frames.len() as u64;
            c.frames.push(frame);
            c.object_index.push(u32::try_from(oi).unwrap_or(u32::MAX));
            c.feature_index.push(u32::try_from(fi).unwrap_or(u32::MAX));
            c.confidence.push(a.meta.confidence.as_f64().unwrap_or(f64::NAN));
            c.push_geometry(r, &a.geometry);
        }
    }
    c
}
