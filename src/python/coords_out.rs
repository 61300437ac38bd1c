//! Coordinate objects built from the store for the annotation views (`Annotation.coordinates`): a frame loop
//! reading coordinates makes one per annotation, and the classes' generated `__init__` (a frozen dataclass
//! sets each field through `object.__setattr__`) was most of that cost. The plain shapes are built here the
//! way that `__init__` would leave them: a fresh instance whose `__dict__` holds the fields.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyInt, PyString};

use crate::geometry::{Geometry, Num};

fn number<'py>(py: Python<'py>, n: &Num) -> Bound<'py, PyAny> {
    if let Some(i) = n.as_i64() {
        return PyInt::new(py, i).into_any();
    }
    if let Some(u) = n.as_u64() {
        return PyInt::new(py, u).into_any();
    }
    PyFloat::new(py, n.as_f64().unwrap_or(f64::NAN)).into_any()
}

/// The coordinate object of `g`, for the shapes whose class holds plain numbers; `None` for the others (the
/// facade builds those from the geometry's dict) or when the classes are not registered.
pub fn coordinates_object<'py>(py: Python<'py>, g: &Geometry) -> PyResult<Option<Bound<'py, PyAny>>> {
    let (class, fields): (&str, Vec<(&Bound<'py, PyString>, &Num)>) = match g {
        Geometry::BoundingBox { h, w, x, y } => (
            "bounding_box",
            vec![
                (pyo3::intern!(py, "height"), h),
                (pyo3::intern!(py, "width"), w),
                (pyo3::intern!(py, "top_left_x"), x),
                (pyo3::intern!(py, "top_left_y"), y),
            ],
        ),
        Geometry::RotatableBoundingBox { h, w, x, y, theta } => (
            "rotatable_bounding_box",
            vec![
                (pyo3::intern!(py, "height"), h),
                (pyo3::intern!(py, "width"), w),
                (pyo3::intern!(py, "top_left_x"), x),
                (pyo3::intern!(py, "top_left_y"), y),
                (pyo3::intern!(py, "theta"), theta),
            ],
        ),
        Geometry::Point { x, y, z: None } => ("point", vec![(pyo3::intern!(py, "x"), x), (pyo3::intern!(py, "y"), y)]),
        Geometry::Point { x, y, z: Some(z) } => (
            "point_3d",
            vec![
                (pyo3::intern!(py, "x"), x),
                (pyo3::intern!(py, "y"), y),
                (pyo3::intern!(py, "z"), z),
            ],
        ),
        Geometry::Circle {
            x,
            y,
            r,
            stretch,
            theta,
        } => (
            "circle",
            vec![
                (pyo3::intern!(py, "center_x"), x),
                (pyo3::intern!(py, "center_y"), y),
                (pyo3::intern!(py, "radius"), r),
                (pyo3::intern!(py, "stretch"), stretch),
                (pyo3::intern!(py, "theta"), theta),
            ],
        ),
        Geometry::Ellipse { x, y, rx, ry, theta } => (
            "ellipse",
            vec![
                (pyo3::intern!(py, "center_x"), x),
                (pyo3::intern!(py, "center_y"), y),
                (pyo3::intern!(py, "rx"), rx),
                (pyo3::intern!(py, "ry"), ry),
                (pyo3::intern!(py, "theta"), theta),
            ],
        ),
        _ => return Ok(None),
    };
    let Some(cls) = super::coords::class_named(py, class) else {
        return Ok(None);
    };
    let object_new = py
        .get_type::<pyo3::types::PyAny>()
        .getattr(pyo3::intern!(py, "__new__"))?;
    let ob = object_new.call1((&cls,))?;
    let dict = ob.getattr(pyo3::intern!(py, "__dict__"))?.cast_into::<PyDict>()?;
    for (k, v) in fields {
        dict.set_item(k, number(py, v))?;
    }
    Ok(Some(ob))
}
