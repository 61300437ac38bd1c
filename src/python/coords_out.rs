//! Coordinate objects built from the store for the annotation views (`Annotation.coordinates`): a frame loop
//! reading coordinates makes one per annotation, and going through the geometry's dict and the classes'
//! generated `__init__` (a frozen dataclass sets each field through `object.__setattr__`) was most of that
//! cost. The shapes made of numbers and points are built here the way their constructors (or `from_dict` of the
//! stored geometry's dict) would leave them: a fresh instance whose `__dict__` holds the fields, numbers with
//! the JSON type they were stored with.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyFloat, PyInt, PyList, PyString};

use crate::geometry::{Cuboid2DKind, Geometry, Num};

/// `object.__new__`.
static OBJECT_NEW: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn number<'py>(py: Python<'py>, n: &Num) -> Bound<'py, PyAny> {
    if let Some(i) = n.as_i64() {
        return PyInt::new(py, i).into_any();
    }
    if let Some(u) = n.as_u64() {
        return PyInt::new(py, u).into_any();
    }
    PyFloat::new(py, n.as_f64().unwrap_or(f64::NAN)).into_any()
}

/// The coordinate objects of one kind, built without running their `__init__`.
struct Builder<'py> {
    py: Python<'py>,
    object_new: Bound<'py, PyAny>,
}

impl<'py> Builder<'py> {
    fn new(py: Python<'py>) -> PyResult<Self> {
        let object_new = OBJECT_NEW
            .get_or_try_init(py, || {
                py.get_type::<PyAny>()
                    .getattr(pyo3::intern!(py, "__new__"))
                    .map(Bound::unbind)
            })?
            .bind(py)
            .clone();
        Ok(Self { py, object_new })
    }

    /// An instance of the class registered as `kind` with `fields` in its `__dict__` (`None` if the classes
    /// are not registered).
    fn instance(
        &self,
        kind: &Bound<'py, PyString>,
        fields: &[(&Bound<'py, PyString>, Bound<'py, PyAny>)],
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let Some(cls) = super::coords::class_named(self.py, kind) else {
            return Ok(None);
        };
        let ob = self.object_new.call1((&cls,))?;
        let dict = ob.getattr(pyo3::intern!(self.py, "__dict__"))?.cast_into::<PyDict>()?;
        for (k, v) in fields {
            dict.set_item(k, v)?;
        }
        Ok(Some(ob))
    }

    fn numbers(
        &self,
        kind: &Bound<'py, PyString>,
        fields: &[(&Bound<'py, PyString>, &Num)],
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let fields: Vec<_> = fields.iter().map(|(k, v)| (*k, number(self.py, v))).collect();
        self.instance(kind, &fields)
    }

    fn point(&self, x: &Num, y: &Num, z: Option<&Num>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let py = self.py;
        match z {
            None => self.numbers(
                pyo3::intern!(py, "point"),
                &[(pyo3::intern!(py, "x"), x), (pyo3::intern!(py, "y"), y)],
            ),
            Some(z) => self.numbers(
                pyo3::intern!(py, "point_3d"),
                &[
                    (pyo3::intern!(py, "x"), x),
                    (pyo3::intern!(py, "y"), y),
                    (pyo3::intern!(py, "z"), z),
                ],
            ),
        }
    }

    /// A flat `[x0, y0, x1, y1, ...]` ring as a list of points (an odd length is left to the facade, which
    /// reports it).
    fn ring(&self, flat: &[Num]) -> PyResult<Option<Bound<'py, PyList>>> {
        if !flat.len().is_multiple_of(2) {
            return Ok(None);
        }
        let mut points = Vec::with_capacity(flat.len() / 2);
        for xy in flat.chunks_exact(2) {
            let Some(p) = self.point(&xy[0], &xy[1], None)? else {
                return Ok(None);
            };
            points.push(p);
        }
        Ok(Some(PyList::new(self.py, points)?))
    }

    fn list(&self, nums: &[Num]) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyList::new(self.py, nums.iter().map(|n| number(self.py, n)))?.into_any())
    }
}

/// The coordinate object of `g` for the shapes built here; `None` for the others (the facade builds those from
/// the geometry's dict) or when the classes are not registered.
pub fn coordinates_object<'py>(py: Python<'py>, g: &Geometry) -> PyResult<Option<Bound<'py, PyAny>>> {
    let b = Builder::new(py)?;
    // The field names, interned once per call site.
    macro_rules! k {
        ($name:literal) => {
            pyo3::intern!(py, $name)
        };
    }
    match g {
        Geometry::BoundingBox { h, w, x, y } => b.numbers(
            pyo3::intern!(py, "bounding_box"),
            &[
                (k!("height"), h),
                (k!("width"), w),
                (k!("top_left_x"), x),
                (k!("top_left_y"), y),
            ],
        ),
        Geometry::RotatableBoundingBox { h, w, x, y, theta } => b.numbers(
            pyo3::intern!(py, "rotatable_bounding_box"),
            &[
                (k!("height"), h),
                (k!("width"), w),
                (k!("top_left_x"), x),
                (k!("top_left_y"), y),
                (k!("theta"), theta),
            ],
        ),
        Geometry::Point { x, y, z } => b.point(x, y, z.as_ref()),
        Geometry::Circle {
            x,
            y,
            r,
            stretch,
            theta,
        } => b.numbers(
            pyo3::intern!(py, "circle"),
            &[
                (k!("center_x"), x),
                (k!("center_y"), y),
                (k!("radius"), r),
                (k!("stretch"), stretch),
                (k!("theta"), theta),
            ],
        ),
        Geometry::Ellipse { x, y, rx, ry, theta } => b.numbers(
            pyo3::intern!(py, "ellipse"),
            &[
                (k!("center_x"), x),
                (k!("center_y"), y),
                (k!("rx"), rx),
                (k!("ry"), ry),
                (k!("theta"), theta),
            ],
        ),
        Geometry::Polyline { points } => {
            let mut values = Vec::with_capacity(points.len());
            for (x, y, z) in points {
                let Some(p) = b.point(x, y, z.as_ref())? else {
                    return Ok(None);
                };
                values.push(p);
            }
            let values = PyList::new(py, values)?.into_any();
            b.instance(pyo3::intern!(py, "polyline"), &[(pyo3::intern!(py, "values"), values)])
        }
        Geometry::Polygon { polygons } => {
            // As `PolygonCoordinates(polygons=...)` leaves it: `values` is the first polygon's outer ring (the
            // same list object).
            let mut all = Vec::with_capacity(polygons.len());
            let mut first = None;
            for polygon in polygons {
                let mut rings = Vec::with_capacity(polygon.len());
                for ring in polygon {
                    let Some(r) = b.ring(ring)? else {
                        return Ok(None);
                    };
                    first.get_or_insert_with(|| r.clone());
                    rings.push(r);
                }
                all.push(PyList::new(py, rings)?);
            }
            let Some(first) = first else {
                return Ok(None);
            };
            b.instance(
                pyo3::intern!(py, "polygon"),
                &[
                    (pyo3::intern!(py, "_values"), first.into_any()),
                    (pyo3::intern!(py, "_polygons"), PyList::new(py, all)?.into_any()),
                ],
            )
        }
        Geometry::Cuboid {
            position,
            orientation,
            size,
        } => b.instance(
            pyo3::intern!(py, "cuboid"),
            &[
                (pyo3::intern!(py, "position"), b.list(position)?),
                (pyo3::intern!(py, "orientation"), b.list(orientation)?),
                (pyo3::intern!(py, "size"), b.list(size)?),
            ],
        ),
        Geometry::Cuboid2D { front, kind } => {
            let Some(front) = b.ring(front)? else {
                return Ok(None);
            };
            let front = (pyo3::intern!(py, "front"), front.into_any());
            match kind {
                Cuboid2DKind::Perspective {
                    vanishing_point: (x, y),
                    scale_ratio,
                } => {
                    let Some(vp) = b.point(x, y, None)? else {
                        return Ok(None);
                    };
                    b.instance(
                        pyo3::intern!(py, "cuboid_2d_perspective"),
                        &[
                            front,
                            (pyo3::intern!(py, "vanishing_point"), vp),
                            (pyo3::intern!(py, "scale_ratio"), number(py, scale_ratio)),
                        ],
                    )
                }
                Cuboid2DKind::Isometric { offset: (x, y) } => {
                    let Some(offset) = b.point(x, y, None)? else {
                        return Ok(None);
                    };
                    b.instance(
                        pyo3::intern!(py, "cuboid_2d_isometric"),
                        &[front, (pyo3::intern!(py, "offset"), offset)],
                    )
                }
            }
        }
        _ => Ok(None),
    }
}
