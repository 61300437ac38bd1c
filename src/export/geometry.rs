//! The geometry keys of a frame-object entry (`boundingBox`, `polygon` + `polygons`, `bitmask`, ...), in the
//! reference's order, numbers with the type they were given.

use super::sink::{Key, LabelSink};
use crate::geometry::{Cuboid2DKind, Geometry, Num};

fn fields<S: LabelSink, const N: usize>(s: &mut S, pairs: [(Key, &Num); N]) {
    s.begin_map(N);
    for (k, v) in pairs {
        s.key(k);
        s.number(v);
    }
    s.end_map();
}

fn xy<S: LabelSink>(s: &mut S, x: &Num, y: &Num) {
    fields(s, [(Key::X, x), (Key::Y, y)]);
}

fn xyz<S: LabelSink>(s: &mut S, x: &Num, y: &Num, z: Option<&Num>) {
    match z {
        Some(z) => fields(s, [(Key::X, x), (Key::Y, y), (Key::Z, z)]),
        None => xy(s, x, y),
    }
}

fn nums<S: LabelSink>(s: &mut S, v: &[Num]) {
    s.begin_list(v.len());
    for n in v {
        s.number(n);
    }
    s.end_list();
}

fn float<S: LabelSink>(s: &mut S, f: f64) {
    if f.is_finite() {
        s.float(f);
    } else {
        s.null();
    }
}

/// Writes the geometry keys of a frame-object entry into the map `s` is in.
pub fn write_geometry<S: LabelSink>(g: &Geometry, s: &mut S) {
    match g {
        Geometry::BoundingBox { h, w, x, y } => {
            s.key(Key::BoundingBox);
            fields(s, [(Key::H, h), (Key::W, w), (Key::X, x), (Key::Y, y)]);
        }
        Geometry::RotatableBoundingBox { h, w, x, y, theta } => {
            s.key(Key::RotatableBoundingBox);
            fields(
                s,
                [(Key::H, h), (Key::W, w), (Key::X, x), (Key::Y, y), (Key::Theta, theta)],
            );
        }
        Geometry::Point { x, y, z } => {
            s.key(Key::Point);
            s.begin_map(1);
            s.key_int(0);
            xyz(s, x, y, z.as_ref());
            s.end_map();
        }
        Geometry::Polygon { polygons } => {
            s.key(Key::Polygon);
            let ring = polygons.first().and_then(|p| p.first()).map_or(&[][..], Vec::as_slice);
            s.begin_map(ring.len() / 2);
            for (i, pair) in (0..).zip(ring.chunks_exact(2)) {
                s.key_int(i);
                xy(s, &pair[0], &pair[1]);
            }
            s.end_map();
            s.key(Key::Polygons);
            s.begin_list(polygons.len());
            for rings in polygons {
                s.begin_list(rings.len());
                for r in rings {
                    nums(s, r);
                }
                s.end_list();
            }
            s.end_list();
        }
        Geometry::Polyline { points } => {
            s.key(Key::Polyline);
            s.begin_map(points.len());
            for (i, (x, y, z)) in (0..).zip(points) {
                s.key_int(i);
                xyz(s, x, y, z.as_ref());
            }
            s.end_map();
        }
        Geometry::Bitmask {
            top,
            left,
            height,
            width,
            rle,
        } => {
            s.key(Key::Bitmask);
            s.begin_map(5);
            s.key(Key::Top);
            s.int(*top);
            s.key(Key::Left);
            s.int(*left);
            s.key(Key::Height);
            s.int(*height);
            s.key(Key::Width);
            s.int(*width);
            s.key(Key::RleString);
            s.str(rle);
            s.end_map();
        }
        Geometry::Skeleton { points, .. } => {
            s.key(Key::Skeleton);
            s.begin_map(points.len());
            for (i, p) in (0..).zip(points) {
                s.key_int(i);
                s.begin_map(7);
                s.key(Key::X);
                float(s, p.x);
                s.key(Key::Y);
                float(s, p.y);
                s.key(Key::Name);
                s.sym(&p.name);
                for (k, v) in [
                    (Key::Color, &p.color),
                    (Key::FeatureHash, &p.feature_hash),
                    (Key::Value, &p.value),
                    (Key::Visibility, &p.visibility),
                ] {
                    if let Some(v) = v {
                        s.key(k);
                        s.sym(v);
                    }
                }
                s.end_map();
            }
            s.end_map();
        }
        Geometry::Circle {
            x,
            y,
            r,
            stretch,
            theta,
        } => {
            s.key(Key::Circle);
            fields(
                s,
                [
                    (Key::X, x),
                    (Key::Y, y),
                    (Key::R, r),
                    (Key::Stretch, stretch),
                    (Key::Theta, theta),
                ],
            );
        }
        Geometry::Ellipse { x, y, rx, ry, theta } => {
            s.key(Key::Ellipse);
            fields(
                s,
                [
                    (Key::X, x),
                    (Key::Y, y),
                    (Key::Rx, rx),
                    (Key::Ry, ry),
                    (Key::Theta, theta),
                ],
            );
        }
        Geometry::Cuboid2D { front, kind } => {
            s.key(Key::Cuboid2D);
            s.begin_map(3);
            s.key(Key::Front);
            nums(s, front);
            match kind {
                Cuboid2DKind::Perspective {
                    vanishing_point,
                    scale_ratio,
                } => {
                    s.key(Key::VanishingPoint);
                    xy(s, &vanishing_point.0, &vanishing_point.1);
                    s.key(Key::ScaleRatio);
                    s.number(scale_ratio);
                }
                Cuboid2DKind::Isometric { offset } => {
                    s.key(Key::Offset);
                    xy(s, &offset.0, &offset.1);
                }
            }
            s.end_map();
        }
        Geometry::Cuboid {
            position,
            orientation,
            size,
        } => {
            s.key(Key::Cuboid);
            s.begin_map(3);
            s.key(Key::Position);
            nums(s, position);
            s.key(Key::Orientation);
            nums(s, orientation);
            s.key(Key::Size);
            nums(s, size);
            s.end_map();
        }
        Geometry::Range { ranges, .. } => {
            s.key(Key::Range);
            crate::answers::write_ranges(ranges, s);
        }
        Geometry::Html { ranges } => {
            s.key(Key::RangeHtml);
            super::ranges::write_html_ranges(ranges, s);
            s.key(Key::Range);
            s.begin_list(0);
            s.end_list();
        }
    }
}
