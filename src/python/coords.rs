//! Geometry read straight off the facade's coordinate objects: the hot path of `set_for_frames` and of the
//! bulk API's object form. The general path (`frame_geometry()` in Python, then the dict parser) owns every
//! error message, so anything this module does not recognise as plain — an unregistered class, a value that
//! is not a finite int or float, an odd number of points — yields `None` and the caller takes that path.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PySequence, PyString, PyTuple};
use serde_json::Number;

use crate::geometry::{Cuboid2DKind, Geometry, Num};

/// Coordinate class → the kind of reader it needs (registered once by the facade at import).
static CLASSES: PyOnceLock<Py<PyDict>> = PyOnceLock::new();
/// Kind name → coordinate class (the same registration), for building coordinate objects.
static BY_NAME: PyOnceLock<Py<PyDict>> = PyOnceLock::new();

/// The coordinate class registered under `name` (`"bounding_box"`, `"point_3d"`, ...).
pub fn class_named<'py>(py: Python<'py>, name: &str) -> Option<Bound<'py, PyAny>> {
    BY_NAME.get(py)?.bind(py).get_item(name).ok()?
}

#[derive(Clone, Copy)]
enum Kind {
    BoundingBox,
    RotatableBoundingBox,
    Point,
    Point3D,
    Circle,
    Ellipse,
    Polygon,
    Polyline,
    Cuboid,
    Cuboid2DPerspective,
    Cuboid2DIsometric,
    Skeleton,
    Bitmask,
}

impl Kind {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "bounding_box" => Kind::BoundingBox,
            "rotatable_bounding_box" => Kind::RotatableBoundingBox,
            "point" => Kind::Point,
            "point_3d" => Kind::Point3D,
            "circle" => Kind::Circle,
            "ellipse" => Kind::Ellipse,
            "polygon" => Kind::Polygon,
            "polyline" => Kind::Polyline,
            "cuboid" => Kind::Cuboid,
            "cuboid_2d_perspective" => Kind::Cuboid2DPerspective,
            "cuboid_2d_isometric" => Kind::Cuboid2DIsometric,
            "skeleton" => Kind::Skeleton,
            "bitmask" => Kind::Bitmask,
            _ => return None,
        })
    }
}

/// Registers `{coordinate class: reader kind name}` (see `Kind::from_name`); unknown names are an error so
/// that a renamed class cannot silently fall off the fast path.
#[pyfunction]
pub fn register_coordinate_classes(py: Python<'_>, classes: &Bound<'_, PyDict>) -> PyResult<()> {
    let table = PyDict::new(py);
    let by_name = PyDict::new(py);
    for (cls, name) in classes.iter() {
        let name_str: String = name.extract()?;
        let kind = Kind::from_name(&name_str)
            .ok_or_else(|| pyo3::exceptions::PyValueError::new_err(format!("unknown coordinate kind {name_str:?}")))?;
        table.set_item(&cls, kind as u8)?;
        by_name.set_item(name, cls)?;
    }
    // A second registration (a reloaded module) replaces nothing: the classes are the same objects.
    let _ = CLASSES.set(py, table.unbind());
    let _ = BY_NAME.set(py, by_name.unbind());
    Ok(())
}

fn kind_of(ob: &Bound<'_, PyAny>) -> Option<Kind> {
    let table = CLASSES.get(ob.py())?.bind(ob.py());
    let code: u8 = table.get_item(ob.get_type()).ok()??.extract().ok()?;
    const ALL: [Kind; 13] = [
        Kind::BoundingBox,
        Kind::RotatableBoundingBox,
        Kind::Point,
        Kind::Point3D,
        Kind::Circle,
        Kind::Ellipse,
        Kind::Polygon,
        Kind::Polyline,
        Kind::Cuboid,
        Kind::Cuboid2DPerspective,
        Kind::Cuboid2DIsometric,
        Kind::Skeleton,
        Kind::Bitmask,
    ];
    ALL.get(usize::from(code)).copied()
}

/// A plain number exactly as the dict path would read it: ints (not bools) within 64 bits, finite floats.
pub fn plain_number(ob: &Bound<'_, PyAny>) -> Option<Num> {
    if let Ok(f) = ob.cast::<PyFloat>() {
        return Number::from_f64(f.value());
    }
    if ob.is_instance_of::<PyInt>() && !ob.is_instance_of::<PyBool>() {
        if let Ok(i) = ob.extract::<i64>() {
            return Some(i.into());
        }
        return ob.extract::<u64>().ok().map(Number::from);
    }
    None
}

fn attr_num(ob: &Bound<'_, PyAny>, name: &Bound<'_, PyString>) -> Option<Num> {
    plain_number(&ob.getattr(name).ok()?)
}

/// The items of a list or tuple (other sequences take the general path).
fn items<'py>(ob: &Bound<'py, PyAny>) -> Option<Vec<Bound<'py, PyAny>>> {
    if let Ok(l) = ob.cast::<PyList>() {
        return Some(l.iter().collect());
    }
    if let Ok(t) = ob.cast::<PyTuple>() {
        return Some(t.iter().collect());
    }
    None
}

struct Names<'py> {
    x: Bound<'py, PyString>,
    y: Bound<'py, PyString>,
    z: Bound<'py, PyString>,
}

impl<'py> Names<'py> {
    fn new(py: Python<'py>) -> Self {
        Self {
            x: pyo3::intern!(py, "x").clone(),
            y: pyo3::intern!(py, "y").clone(),
            z: pyo3::intern!(py, "z").clone(),
        }
    }

    /// `(x, y)` of a 2-D `PointCoordinate` (3-D points and other objects: `None`).
    fn xy(&self, p: &Bound<'py, PyAny>) -> Option<(Num, Num)> {
        match kind_of(p)? {
            Kind::Point => Some((attr_num(p, &self.x)?, attr_num(p, &self.y)?)),
            _ => None,
        }
    }

    fn flat_ring(&self, ring: &Bound<'py, PyAny>) -> Option<Vec<Num>> {
        let points = items(ring)?;
        let mut flat = Vec::with_capacity(points.len() * 2);
        for p in &points {
            let (x, y) = self.xy(p)?;
            flat.push(x);
            flat.push(y);
        }
        Some(flat)
    }
}

/// The geometry of a coordinate object, or `None` where the general path must decide.
pub fn fast_geometry(ob: &Bound<'_, PyAny>) -> Option<Geometry> {
    let py = ob.py();
    let kind = kind_of(ob)?;
    let n = |name: &Bound<'_, PyString>| attr_num(ob, name);
    let names = Names::new(py);
    Some(match kind {
        Kind::BoundingBox => Geometry::BoundingBox {
            h: n(pyo3::intern!(py, "height"))?,
            w: n(pyo3::intern!(py, "width"))?,
            x: n(pyo3::intern!(py, "top_left_x"))?,
            y: n(pyo3::intern!(py, "top_left_y"))?,
        },
        Kind::RotatableBoundingBox => Geometry::RotatableBoundingBox {
            h: n(pyo3::intern!(py, "height"))?,
            w: n(pyo3::intern!(py, "width"))?,
            x: n(pyo3::intern!(py, "top_left_x"))?,
            y: n(pyo3::intern!(py, "top_left_y"))?,
            theta: n(pyo3::intern!(py, "theta"))?,
        },
        Kind::Point => Geometry::Point {
            x: n(pyo3::intern!(py, "x"))?,
            y: n(pyo3::intern!(py, "y"))?,
            z: None,
        },
        Kind::Point3D => Geometry::Point {
            x: n(pyo3::intern!(py, "x"))?,
            y: n(pyo3::intern!(py, "y"))?,
            z: Some(n(pyo3::intern!(py, "z"))?),
        },
        Kind::Circle => Geometry::Circle {
            x: n(pyo3::intern!(py, "center_x"))?,
            y: n(pyo3::intern!(py, "center_y"))?,
            r: n(pyo3::intern!(py, "radius"))?,
            stretch: n(pyo3::intern!(py, "stretch"))?,
            theta: n(pyo3::intern!(py, "theta"))?,
        },
        Kind::Ellipse => Geometry::Ellipse {
            x: n(pyo3::intern!(py, "center_x"))?,
            y: n(pyo3::intern!(py, "center_y"))?,
            rx: n(pyo3::intern!(py, "rx"))?,
            ry: n(pyo3::intern!(py, "ry"))?,
            theta: n(pyo3::intern!(py, "theta"))?,
        },
        Kind::Polygon => {
            let polygons = items(&ob.getattr(pyo3::intern!(py, "polygons")).ok()?)?;
            let mut out = Vec::with_capacity(polygons.len());
            for polygon in &polygons {
                let rings = items(polygon)?;
                let mut flat_rings = Vec::with_capacity(rings.len());
                for ring in &rings {
                    let flat = names.flat_ring(ring)?;
                    // Degenerate rings keep the general path's rules (and messages).
                    if flat.len() < 6 {
                        return None;
                    }
                    flat_rings.push(flat);
                }
                if flat_rings.is_empty() {
                    return None;
                }
                out.push(flat_rings);
            }
            if out.is_empty() {
                return None;
            }
            Geometry::Polygon { polygons: out }
        }
        Kind::Polyline => {
            let values = items(&ob.getattr(pyo3::intern!(py, "values")).ok()?)?;
            let mut points = Vec::with_capacity(values.len());
            let mut dims = None;
            for p in &values {
                let point = match kind_of(p)? {
                    Kind::Point => (attr_num(p, &names.x)?, attr_num(p, &names.y)?, None),
                    Kind::Point3D => (
                        attr_num(p, &names.x)?,
                        attr_num(p, &names.y)?,
                        Some(attr_num(p, &names.z)?),
                    ),
                    _ => return None,
                };
                // Mixed 2-D and 3-D points: the general path decides.
                if *dims.get_or_insert(point.2.is_some()) != point.2.is_some() {
                    return None;
                }
                points.push(point);
            }
            if points.is_empty() {
                return None;
            }
            Geometry::Polyline { points }
        }
        Kind::Cuboid => {
            let three = |name: &Bound<'_, PyString>| -> Option<Vec<Num>> {
                let v = items(&ob.getattr(name).ok()?)?;
                let nums = v.iter().map(plain_number).collect::<Option<Vec<_>>>()?;
                (nums.len() == 3).then_some(nums)
            };
            Geometry::Cuboid {
                position: three(pyo3::intern!(py, "position"))?,
                orientation: three(pyo3::intern!(py, "orientation"))?,
                size: three(pyo3::intern!(py, "size"))?,
            }
        }
        Kind::Cuboid2DPerspective | Kind::Cuboid2DIsometric => {
            let front = names.flat_ring(&ob.getattr(pyo3::intern!(py, "front")).ok()?)?;
            if front.len() != 8 {
                return None;
            }
            let kind = if matches!(kind, Kind::Cuboid2DPerspective) {
                let vp = ob.getattr(pyo3::intern!(py, "vanishing_point")).ok()?;
                Cuboid2DKind::Perspective {
                    vanishing_point: names.xy(&vp)?,
                    scale_ratio: n(pyo3::intern!(py, "scale_ratio"))?,
                }
            } else {
                let offset = ob.getattr(pyo3::intern!(py, "offset")).ok()?;
                Cuboid2DKind::Isometric {
                    offset: names.xy(&offset)?,
                }
            };
            Geometry::Cuboid2D { front, kind }
        }
        Kind::Skeleton => skeleton(ob)?,
        Kind::Bitmask => {
            let enc = ob.getattr(pyo3::intern!(py, "_encoded_bitmask")).ok()?;
            let int = |name: &Bound<'_, PyString>| -> Option<i64> {
                let v = enc.getattr(name).ok()?;
                if v.is_instance_of::<PyBool>() {
                    return None;
                }
                v.cast::<PyInt>().ok()?.extract().ok()
            };
            let rle = enc
                .getattr(pyo3::intern!(py, "rle_string"))
                .ok()?
                .cast::<PyString>()
                .ok()?
                .to_str()
                .ok()?
                .to_owned();
            // An undecodable string is rejected by the general path, with its message.
            crate::rle::validate(&rle).ok()?;
            Geometry::Bitmask {
                top: int(pyo3::intern!(py, "top"))?,
                left: int(pyo3::intern!(py, "left"))?,
                height: int(pyo3::intern!(py, "height"))?,
                width: int(pyo3::intern!(py, "width"))?,
                rle,
            }
        }
    })
}

/// The values of `Visibility`, in the order of the bulk API's visibility codes (1 to 4).
pub(super) const VISIBILITIES: [&str; 4] = ["visible", "invisible", "occluded", "selfOccluded"];

/// A `SkeletonCoordinates` as the general path stores it from `frame_geometry()`: that dict carries no
/// template name, so the name is empty there too.
fn skeleton(ob: &Bound<'_, PyAny>) -> Option<Geometry> {
    let py = ob.py();
    let values = items(&ob.getattr(pyo3::intern!(py, "values")).ok()?)?;
    let opt_str = |p: &Bound<'_, PyAny>, name: &Bound<'_, PyString>| -> Option<Option<std::sync::Arc<str>>> {
        let v = p.getattr(name).ok()?;
        if v.is_none() {
            return Some(None);
        }
        Some(Some(v.cast::<PyString>().ok()?.to_str().ok()?.into()))
    };
    let mut points = Vec::with_capacity(values.len());
    for p in &values {
        let visibility = {
            let v = p.getattr(pyo3::intern!(py, "visibility")).ok()?;
            if v.is_none() {
                None
            } else {
                // `Visibility` is a str enum: its text is its value.
                let s = v.cast::<PyString>().ok()?.to_str().ok()?;
                if !VISIBILITIES.contains(&s) {
                    return None;
                }
                Some(s.into())
            }
        };
        points.push(crate::geometry::SkeletonPoint {
            x: attr_num(p, pyo3::intern!(py, "x"))?.as_f64()?,
            y: attr_num(p, pyo3::intern!(py, "y"))?.as_f64()?,
            name: opt_str(p, pyo3::intern!(py, "name"))??,
            color: opt_str(p, pyo3::intern!(py, "color"))?,
            feature_hash: opt_str(p, pyo3::intern!(py, "feature_hash"))?,
            value: opt_str(p, pyo3::intern!(py, "value"))?,
            visibility,
        });
    }
    Some(Geometry::Skeleton {
        name: String::new(),
        points,
    })
}

/// A sequence argument as a vector (lists and tuples directly, other sequences through the protocol).
pub fn sequence_items<'py>(ob: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if let Some(v) = items(ob) {
        return Ok(v);
    }
    let seq = ob.cast::<PySequence>()?;
    seq.try_iter()?.collect()
}
