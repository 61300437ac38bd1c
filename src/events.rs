//! Event-based (continuous scene) objects: an object's stored entries are sparse events at nanosecond offsets
//! rather than labels on a frame grid. An `upsert` says the object exists with this geometry from its frame on, a
//! `delete` that it does not. Everything here reads the object's frame map (a `BTreeMap`), so a lookup at an
//! offset costs O(log n) in the number of events, whatever the offsets' magnitude.

use crate::error::{LabelError, Result};
use crate::geometry::{Geometry, Num};
use crate::instance::FrameAnnotation;
use crate::ranges::Frame;

/// What a stored entry of an event-based row asserts from its frame on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Upsert,
    Delete,
    /// An entry of an event-based row read without an `event` tag: an upsert, written back tagged as one.
    Untagged,
}

impl EventKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "upsert" => Some(Self::Upsert),
            "delete" => Some(Self::Delete),
            _ => None,
        }
    }

    /// The stored tag: None for an untagged entry.
    pub fn tag(self) -> Option<&'static str> {
        (self != Self::Untagged).then(|| self.as_str())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Upsert | Self::Untagged => "upsert",
            Self::Delete => "delete",
        }
    }
}

/// The shapes an event-based row stores (the editor's continuous-scene tools).
pub const EVENT_SHAPES: [&str; 7] = [
    "bounding_box",
    "circle",
    "cuboid",
    "ellipse",
    "point",
    "polyline",
    "rotatable_bounding_box",
];

/// The shapes `linear` interpolation is defined for.
pub const LINEAR_SHAPES: [&str; 2] = ["cuboid", "point"];

/// The refusal of a shape an event-based row cannot hold.
pub fn check_event_shape(shape: &str) -> Result<()> {
    if EVENT_SHAPES.contains(&shape) {
        return Ok(());
    }
    Err(LabelError::label_row(format!(
        "Objects of shape `{}` cannot be placed on an event-based label row; only {} are supported.",
        shape.to_uppercase(),
        quoted_list(&EVENT_SHAPES)
    )))
}

/// Python's `repr` of a list of strings.
pub fn quoted_list(items: &[&str]) -> String {
    let parts: Vec<String> = items.iter().map(|s| format!("'{s}'")).collect();
    format!("[{}]", parts.join(", "))
}

/// Checks that `mode` can be read on objects of `shape`; the message is the reason (the caller adds context).
pub fn check_interpolation(mode: &str, shape: &str) -> std::result::Result<(), String> {
    match mode {
        "hold" => Ok(()),
        "linear" if LINEAR_SHAPES.contains(&shape) => Ok(()),
        "linear" => Err(format!(
            "Interpolation mode 'linear' is not supported for shape `{shape}`; it supports {}.",
            quoted_list(&LINEAR_SHAPES)
        )),
        other => Err(format!(
            "Unsupported interpolation mode '{other}'; supported modes are ['hold', 'linear']."
        )),
    }
}

/// The kind of a stored entry: an untagged one reads as an upsert.
pub fn kind_of(a: &FrameAnnotation) -> EventKind {
    match a.event {
        Some(EventKind::Delete) => EventKind::Delete,
        _ => EventKind::Upsert,
    }
}

/// The interpolation mode of a stored entry (`hold` where unset).
pub fn mode_of(a: &FrameAnnotation) -> &str {
    a.interpolate.as_deref().unwrap_or("hold")
}

type Events = crate::instance::FrameMap;

/// The last entry at or before `frame`.
fn preceding(events: &Events, frame: Frame) -> Option<(Frame, &FrameAnnotation)> {
    events.range(..=frame).next_back().map(|(f, a)| (*f, &**a))
}

/// The upsert holding over `frame` (its frame), or None where the object does not exist.
pub fn resolve_at(events: &Events, frame: Frame) -> Option<Frame> {
    preceding(events, frame)
        .filter(|(_, a)| kind_of(a) == EventKind::Upsert)
        .map(|(f, _)| f)
}

/// What an upsert at `keyframe` runs to: the next event, if it is an upsert.
pub fn interpolation_target(events: &Events, keyframe: Frame) -> Option<Frame> {
    let next = keyframe.checked_add(1)?;
    events
        .range(next..)
        .next()
        .filter(|(_, a)| kind_of(a) == EventKind::Upsert)
        .map(|(f, _)| *f)
}

/// The mode a write at `frame` takes when none is given: that of the upsert it replaces or splits.
pub fn inherited_interpolation(events: &Events, frame: Frame) -> Option<&str> {
    match preceding(events, frame) {
        Some((_, a)) if kind_of(a) == EventKind::Upsert => Some(mode_of(a)),
        _ => None,
    }
}

/// Refuses events that end on an upsert (the object would be present with no end).
pub fn check_terminated(events: &Events, object_hash: Option<&str>) -> Result<()> {
    let Some((frame, last)) = events.iter().next_back() else {
        return Ok(());
    };
    if kind_of(last) == EventKind::Delete {
        return Ok(());
    }
    let subject = object_hash.map_or_else(|| "This object's".to_owned(), |h| format!("Object `{h}`:"));
    Err(LabelError::label_row(format!(
        "{subject} events end on an `upsert` at frame `{frame}`, leaving it present with no end. Event-based rows \
         terminate every object with a `delete`, so a dangling upsert is an unsupported data layout. If the object \
         is meant to be static — present to the end of the timeline — insert the `delete` one past the end, at the \
         last nanosecond + 1."
    )))
}

/// The closed ranges the object is present over: each upsert after absence opens one, the next delete closes
/// it on the frame before itself.
pub fn ranges(events: &Events) -> Result<Vec<(Frame, Frame)>> {
    check_terminated(events, None)?;
    let mut out = Vec::new();
    let mut start = None;
    for (&f, a) in events {
        match kind_of(a) {
            EventKind::Upsert | EventKind::Untagged => {
                start.get_or_insert(f);
            }
            EventKind::Delete => {
                if let Some(s) = start.take() {
                    out.push((s, f - 1));
                }
            }
        }
    }
    Ok(out)
}

/// Frames of deletes that terminate nothing: the first event, or one right after another delete.
pub fn dangling_deletes(events: &Events) -> Vec<Frame> {
    let mut out = Vec::new();
    let mut previous = None;
    for (&f, a) in events {
        let kind = kind_of(a);
        if kind == EventKind::Delete && previous != Some(EventKind::Upsert) {
            out.push(f);
            continue;
        }
        previous = Some(kind);
    }
    out
}

/// Frames of upserts that interpolate but have no upsert right after them.
pub fn stranded_interpolations(events: &Events) -> Vec<Frame> {
    let mut out = Vec::new();
    let mut iter = events.iter().peekable();
    while let Some((&f, a)) = iter.next() {
        if kind_of(a) == EventKind::Upsert && mode_of(a) != "hold" {
            let runs_on = iter.peek().is_some_and(|(_, n)| kind_of(n) == EventKind::Upsert);
            if !runs_on {
                out.push(f);
            }
        }
    }
    out
}

/// The geometry an interpolating upsert at `keyframe` shows at `frame` on its way to the next upsert, or None
/// where it holds (mode `hold`, no target, `frame` not strictly between them, or shapes that differ).
pub fn interpolated_at(events: &Events, keyframe: Frame, frame: Frame) -> Option<Interpolated> {
    let start = events.get(&keyframe)?;
    if kind_of(start) != EventKind::Upsert || mode_of(start) != "linear" {
        return None;
    }
    let target_frame = interpolation_target(events, keyframe)?;
    if !(keyframe < frame && frame < target_frame) {
        return None;
    }
    let target = events.get(&target_frame)?;
    let fraction = exact_fraction(frame - keyframe, target_frame - keyframe);
    linear(&start.geometry, &target.geometry, fraction)
}

/// Derived coordinates, all floats.
#[derive(Debug, Clone, PartialEq)]
pub enum Interpolated {
    Point2D([f64; 2]),
    Point3D([f64; 3]),
    Cuboid {
        position: [f64; 3],
        orientation: [f64; 3],
        size: [f64; 3],
    },
}

/// `n / d` rounded once to the nearest double, as Python's `int / int` is (converting both to doubles first
/// would round twice once offsets pass 2^53 ns, about 104 days). Requires `0 < n < d`.
pub fn exact_fraction(n: i64, d: i64) -> f64 {
    let (n, d) = (n.unsigned_abs(), d.unsigned_abs());
    if n < (1 << 53) && d < (1 << 53) {
        #[allow(clippy::cast_precision_loss)]
        return n as f64 / d as f64;
    }
    let bits = |x: u64| 64 - x.leading_zeros();
    // Shift so the quotient has at least 56 bits: the 53 kept, a rounding bit, and room for a sticky bit that
    // stands for the remainder (so the one rounding of `as f64` sees it).
    let shift = 56 + bits(d) - bits(n);
    let num = u128::from(n) << shift;
    let mut q = num / u128::from(d);
    if num % u128::from(d) != 0 {
        q |= 1;
    }
    #[allow(clippy::cast_precision_loss, clippy::cast_possible_wrap)]
    let out = q as f64 * 2f64.powi(-(shift as i32));
    out
}

fn f(n: &Num) -> f64 {
    n.as_f64().unwrap_or(0.0)
}

fn lerp(a: f64, b: f64, t: f64) -> f64 {
    a + (b - a) * t
}

fn lerp3(a: &[Num], b: &[Num], t: f64) -> Option<[f64; 3]> {
    if a.len() != 3 || b.len() != 3 {
        return None;
    }
    Some([
        lerp(f(&a[0]), f(&b[0]), t),
        lerp(f(&a[1]), f(&b[1]), t),
        lerp(f(&a[2]), f(&b[2]), t),
    ])
}

fn linear(start: &Geometry, end: &Geometry, t: f64) -> Option<Interpolated> {
    match (start, end) {
        (
            Geometry::Point { x, y, z: Some(z) },
            Geometry::Point {
                x: x2,
                y: y2,
                z: Some(z2),
            },
        ) => Some(Interpolated::Point3D([
            lerp(f(x), f(x2), t),
            lerp(f(y), f(y2), t),
            lerp(f(z), f(z2), t),
        ])),
        (Geometry::Point { x, y, z: None }, Geometry::Point { x: x2, y: y2, z: None }) => {
            Some(Interpolated::Point2D([lerp(f(x), f(x2), t), lerp(f(y), f(y2), t)]))
        }
        (
            Geometry::Cuboid {
                position,
                orientation,
                size,
            },
            Geometry::Cuboid {
                position: p2,
                orientation: o2,
                size: s2,
            },
        ) => {
            let to3 = |v: &[Num]| (v.len() == 3).then(|| [f(&v[0]), f(&v[1]), f(&v[2])]);
            Some(Interpolated::Cuboid {
                position: lerp3(position, p2, t)?,
                orientation: slerp_orientation(to3(orientation)?, to3(o2)?, t),
                size: lerp3(size, s2, t)?,
            })
        }
        _ => None,
    }
}

/// A unit quaternion `(x, y, z, w)` from Euler angles applied in `XYZ` order (three.js `setFromEuler`).
fn quaternion_from_euler_xyz(a: [f64; 3]) -> [f64; 4] {
    let (c1, c2, c3) = ((a[0] / 2.0).cos(), (a[1] / 2.0).cos(), (a[2] / 2.0).cos());
    let (s1, s2, s3) = ((a[0] / 2.0).sin(), (a[1] / 2.0).sin(), (a[2] / 2.0).sin());
    [
        s1 * c2 * c3 + c1 * s2 * s3,
        c1 * s2 * c3 - s1 * c2 * s3,
        c1 * c2 * s3 + s1 * s2 * c3,
        c1 * c2 * c3 - s1 * s2 * s3,
    ]
}

/// Spherical interpolation along the shorter arc (three.js `Quaternion.slerp`); the same operations in the same
/// order as the editor, so derived orientations agree to the last bit.
fn slerp(a: [f64; 4], b: [f64; 4], t: f64) -> [f64; 4] {
    let [ax, ay, az, aw] = a;
    let [mut bx, mut by, mut bz, mut bw] = b;
    let mut dot = ax * bx + ay * by + az * bz + aw * bw;
    if dot < 0.0 {
        (bx, by, bz, bw) = (-bx, -by, -bz, -bw);
        dot = -dot;
    }
    let mut s = 1.0 - t;
    let mut u = t;
    if dot < 0.9995 {
        let theta = dot.acos();
        let sin = theta.sin();
        s = (s * theta).sin() / sin;
        u = (u * theta).sin() / sin;
        return [ax * s + bx * u, ay * s + by * u, az * s + bz * u, aw * s + bw * u];
    }
    // Nearly parallel: a normalised straight line, which is what the arc is there.
    let (x, y, z, w) = (ax * s + bx * u, ay * s + by * u, az * s + bz * u, aw * s + bw * u);
    let length = (x * x + y * y + z * z + w * w).sqrt();
    if length == 0.0 {
        return [0.0, 0.0, 0.0, 1.0];
    }
    let inverse = 1.0 / length;
    [x * inverse, y * inverse, z * inverse, w * inverse]
}

/// Euler angles in `XYZ` order from a unit quaternion (three.js `Euler.setFromQuaternion`, via the rotation
/// matrix).
fn euler_xyz_from_quaternion(q: [f64; 4]) -> [f64; 3] {
    let [x, y, z, w] = q;
    let (x2, y2, z2) = (x + x, y + y, z + z);
    let (xx, xy, xz) = (x * x2, x * y2, x * z2);
    let (yy, yz, zz) = (y * y2, y * z2, z * z2);
    let (wx, wy, wz) = (w * x2, w * y2, w * z2);
    let m11 = 1.0 - (yy + zz);
    let m12 = xy - wz;
    let m13 = xz + wy;
    let m22 = 1.0 - (xx + zz);
    let m23 = yz - wx;
    let m32 = yz + wx;
    let m33 = 1.0 - (xx + yy);
    // Clamped the way Python's `min(max(v, -1.0), 1.0)` does (a NaN passes through).
    let clamped = {
        let lo = if -1.0 > m13 { -1.0 } else { m13 };
        if 1.0 < lo {
            1.0
        } else {
            lo
        }
    };
    let euler_y = clamped.asin();
    if m13.abs() < 0.999_999_9 {
        [(-m23).atan2(m33), euler_y, (-m12).atan2(m11)]
    } else {
        [m32.atan2(m22), euler_y, 0.0]
    }
}

fn slerp_orientation(a: [f64; 3], b: [f64; 3], t: f64) -> [f64; 3] {
    euler_xyz_from_quaternion(slerp(quaternion_from_euler_xyz(a), quaternion_from_euler_xyz(b), t))
}

/// The placeholder geometry a `delete` carries (nobody reads it): the shape with every number zero.
pub fn zeroed(shape: &str) -> Option<Geometry> {
    let z = || Num::from(0);
    Some(match shape {
        "bounding_box" => Geometry::BoundingBox {
            h: z(),
            w: z(),
            x: z(),
            y: z(),
        },
        "rotatable_bounding_box" => Geometry::RotatableBoundingBox {
            h: z(),
            w: z(),
            x: z(),
            y: z(),
            theta: z(),
        },
        "point" => Geometry::Point {
            x: z(),
            y: z(),
            z: None,
        },
        "polyline" => Geometry::Polyline { points: Vec::new() },
        "circle" => Geometry::Circle {
            x: z(),
            y: z(),
            r: z(),
            stretch: z(),
            theta: z(),
        },
        "ellipse" => Geometry::Ellipse {
            x: z(),
            y: z(),
            rx: z(),
            ry: z(),
            theta: z(),
        },
        "cuboid" => Geometry::Cuboid {
            position: vec![z(), z(), z()],
            orientation: vec![z(), z(), z()],
            size: vec![z(), z(), z()],
        },
        _ => return None,
    })
}

/// Python's truth value of a JSON value (the reference tests `scene.isContinuous` that way).
pub fn py_truthy(v: &serde_json::Value) -> bool {
    use serde_json::Value;
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|x| x != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

/// The check of an event-based row before it is written out: every object has events and ends on a `delete`.
pub fn check_row(row: &crate::row::RowStore) -> Result<()> {
    if !row.header.is_event_based() {
        return Ok(());
    }
    for (_, cell) in row.objects() {
        let o = cell.lock();
        if crate::geometry::RangeShape::parse(&o.feature_node().shape).is_some() {
            continue;
        }
        if o.frames.is_empty() {
            return Err(LabelError::label_row(format!(
                "Object `{}` was added to this event-based label row but has no events, so it has no labels to \
                 save. Write one with `upsert_event` (and end it with `delete_event`), or remove the object with \
                 `remove_object`.",
                o.hash
            )));
        }
        check_terminated(&o.frames, Some(&o.hash))?;
    }
    Ok(())
}

/// Whether every dynamic answer of an event-based object sits inside the ranges it is present over.
pub fn answers_within(o: &crate::instance::ObjectData) -> Result<bool> {
    let present = crate::ranges::RangeSet::from_ranges(ranges(&o.frames)?);
    Ok(o.dynamic_answers.all_within(&present))
}
