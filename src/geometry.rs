//! Geometric coordinates of one object on one frame: parsed from, and written back to, the geometry keys of
//! a frame-object entry (`boundingBox`, `polygon` + `polygons`, `bitmask`, ...). Numbers keep their JSON
//! type (an input `1` is written back as `1`, `1.0` as `1.0`); values that are not numbers are rejected.

use std::sync::Arc;

use serde_json::{Number, Value};

use crate::error::{LabelError, Result};
use crate::tree::{Path, Tree};

/// A coordinate value: an int or a float, exactly as given.
pub type Num = Number;

/// A skeleton point. Its texts repeat on every frame of an object (they come from the template), so they are
/// shared rather than copied per point.
#[derive(Debug, Clone, PartialEq)]
pub struct SkeletonPoint {
    pub x: f64,
    pub y: f64,
    pub name: Arc<str>,
    pub color: Option<Arc<str>>,
    pub feature_hash: Option<Arc<str>>,
    pub value: Option<Arc<str>>,
    pub visibility: Option<Arc<str>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cuboid2DKind {
    Perspective {
        vanishing_point: (Num, Num),
        scale_ratio: Num,
    },
    Isometric {
        offset: (Num, Num),
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Geometry {
    BoundingBox {
        h: Num,
        w: Num,
        x: Num,
        y: Num,
    },
    RotatableBoundingBox {
        h: Num,
        w: Num,
        x: Num,
        y: Num,
        theta: Num,
    },
    Point {
        x: Num,
        y: Num,
        z: Option<Num>,
    },
    /// polygons → rings → flat `[x0, y0, x1, y1, ...]`; ring 0 of polygon 0 is also written as `polygon`.
    Polygon {
        polygons: Vec<Vec<Vec<Num>>>,
    },
    Polyline {
        points: Vec<(Num, Num, Option<Num>)>,
    },
    Bitmask {
        top: i64,
        left: i64,
        height: i64,
        width: i64,
        rle: String,
    },
    Skeleton {
        name: String,
        points: Vec<SkeletonPoint>,
    },
    Circle {
        x: Num,
        y: Num,
        r: Num,
        stretch: Num,
        theta: Num,
    },
    Ellipse {
        x: Num,
        y: Num,
        rx: Num,
        ry: Num,
        theta: Num,
    },
    Cuboid2D {
        front: Vec<Num>,
        kind: Cuboid2DKind,
    },
    Cuboid {
        position: Vec<Num>,
        orientation: Vec<Num>,
        size: Vec<Num>,
    },
}

/// The ontology shape names a geometry is acceptable for.
impl Geometry {
    pub fn shape(&self) -> &'static str {
        match self {
            Geometry::BoundingBox { .. } => "bounding_box",
            Geometry::RotatableBoundingBox { .. } => "rotatable_bounding_box",
            Geometry::Point { .. } => "point",
            Geometry::Polygon { .. } => "polygon",
            Geometry::Polyline { .. } => "polyline",
            Geometry::Bitmask { .. } => "bitmask",
            Geometry::Skeleton { .. } => "skeleton",
            Geometry::Circle { .. } => "circle",
            Geometry::Ellipse { .. } => "ellipse",
            Geometry::Cuboid2D { .. } => "cuboid_2d",
            Geometry::Cuboid { .. } => "cuboid",
        }
    }

    /// The coordinate class name used in messages (as the Python classes are called).
    pub fn class_name(&self) -> &'static str {
        match self {
            Geometry::BoundingBox { .. } => "BoundingBoxCoordinates",
            Geometry::RotatableBoundingBox { .. } => "RotatableBoundingBoxCoordinates",
            Geometry::Point { .. } => "PointCoordinate",
            Geometry::Polygon { .. } => "PolygonCoordinates",
            Geometry::Polyline { .. } => "PolylineCoordinates",
            Geometry::Bitmask { .. } => "BitmaskCoordinates",
            Geometry::Skeleton { .. } => "SkeletonCoordinates",
            Geometry::Circle { .. } => "CircleCoordinates",
            Geometry::Ellipse { .. } => "EllipseCoordinates",
            Geometry::Cuboid2D { .. } => "Cuboid2DCoordinates",
            Geometry::Cuboid { .. } => "CuboidCoordinates",
        }
    }
}

/// Reads the geometry of a frame-object entry given as a `Value` (see [`crate::parse::geometry`]).
pub fn parse_geometry(entry: &Value, path: &str) -> Result<Geometry> {
    let tree = Tree::from_value(entry).map_err(|e| LabelError::value(e.to_string()))?;
    crate::parse::geometry::parse_entry_geometry(tree.root(), &Path::Root(path))
}

/// Reads geometry written by the API side (`frame_geometry()` in Python): the same keys as a frame-object
/// entry, with the shape inferred from which key is present.
pub fn parse_api_geometry(v: &Value, path: &str) -> Result<Geometry> {
    let tree = Tree::from_value(v).map_err(|e| LabelError::value(e.to_string()))?;
    crate::parse::geometry::parse_api_geometry(tree.root(), &Path::Root(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(entry: &str) -> String {
        let v: Value = serde_json::from_str(entry).unwrap();
        let g = parse_geometry(&v, "e").unwrap();
        let out = crate::export::value_of(|s| {
            use crate::export::LabelSink;
            s.begin_map(1);
            crate::export::write_geometry(&g, s);
            s.end_map();
        });
        serde_json::to_string(&out).unwrap()
    }

    #[test]
    fn polygon_forms() {
        assert_eq!(
            round_trip(
                r#"{"shape":"polygon","polygon":{"1":{"x":5,"y":6},"0":{"x":1,"y":2.5,"z":3},"10":{"x":7,"y":8}}}"#
            ),
            r#"{"polygon":{"0":{"x":1,"y":2.5},"1":{"x":5,"y":6},"2":{"x":7,"y":8}},"polygons":[[[1,2.5,5,6,7,8]]]}"#
        );
        assert_eq!(
            round_trip(r#"{"shape":"polygon","polygons":[[[1,2,3,4],[5,6]]]}"#),
            r#"{"polygon":{"0":{"x":1,"y":2},"1":{"x":3,"y":4}},"polygons":[[[1,2,3,4],[5,6]]]}"#
        );
    }

    #[test]
    fn defaults_and_skeleton() {
        assert_eq!(
            round_trip(r#"{"shape":"circle","circle":{"x":1,"y":2,"r":3}}"#),
            r#"{"circle":{"x":1,"y":2,"r":3,"stretch":1.0,"theta":0.0}}"#
        );
        assert_eq!(
            round_trip(
                r#"{"shape":"skeleton","name":"s","skeleton":{"1":{"x":1,"y":2,"name":"a","color":null,"invisible":true}}}"#
            ),
            r#"{"skeleton":{"0":{"x":1.0,"y":2.0,"name":"a","visibility":"invisible"}}}"#
        );
    }

    #[test]
    fn rejects_non_numbers() {
        let v: Value =
            serde_json::from_str(r#"{"shape":"bounding_box","boundingBox":{"h":"1","w":1,"x":1,"y":1}}"#).unwrap();
        let e = parse_geometry(&v, "f").unwrap_err();
        assert!(e.message.contains("f.boundingBox.h"), "{}", e.message);
        let v: Value = serde_json::from_str(r#"{"shape":"bounding_box"}"#).unwrap();
        assert_eq!(parse_geometry(&v, "f").unwrap_err().kind, crate::error::ErrorKind::Key);
    }
}
