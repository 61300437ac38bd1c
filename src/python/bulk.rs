//! The arguments of a bulk `set_for_frames`, read into one geometry per frame. Three forms:
//! - fixed-width rows (numpy, `N x k`) for boxes, rotatable boxes and points, in the column layout of
//!   `get_annotation_columns` (numbers become floats, as numpy holds them);
//! - vertices plus offsets for polygons and polylines (annotation `i` is `vertices[offsets[i]..offsets[i+1]]`,
//!   one ring per polygon), the same layout again;
//! - a list of coordinate objects of any shape, read as the per-frame API reads them.

use numpy::{PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
use serde_json::Number;

use super::coords::fast_geometry;
use super::errors::label_error;
use super::objects::geometry_arg;
use crate::error::LabelError;
use crate::geometry::{Geometry, Num};
use crate::ranges::Frame;

pub struct BulkArgs {
    pub frames: Vec<Frame>,
    pub geometries: Vec<Geometry>,
    pub confidences: Option<Vec<Num>>,
}

/// `what` names the place for the error message; it is only built when the number is bad.
fn float(v: f64, what: impl FnOnce() -> String) -> Result<Num, LabelError> {
    Number::from_f64(v).ok_or_else(|| LabelError::label_row(format!("{}: {v} is not a finite number", what())))
}

fn value_error(py: Python<'_>, msg: String) -> PyErr {
    label_error(py, &LabelError::value(msg))
}

impl BulkArgs {
    /// `fallback`: the facade's `frame_geometry`, for coordinate objects the core does not read directly.
    pub fn read(
        py: Python<'_>,
        frames: &PyReadonlyArray1<'_, i64>,
        kind: &str,
        coordinates: &Bound<'_, PyAny>,
        offsets: Option<&PyReadonlyArray1<'_, i64>>,
        confidence: Option<&PyReadonlyArray1<'_, f64>>,
        fallback: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let frames: Vec<Frame> = frames.as_array().iter().copied().collect();
        let geometries = if coordinates.is_instance_of::<PyList>() || coordinates.is_instance_of::<PyTuple>() {
            objects(py, coordinates, fallback)?
        } else {
            let coords: PyReadonlyArray2<'_, f64> = coordinates.extract()?;
            match (kind, offsets) {
                ("polygon" | "polyline", Some(offsets)) => vertices(py, kind, &coords, offsets)?,
                ("polygon" | "polyline", None) => {
                    return Err(value_error(
                        py,
                        format!("bulk {kind} coordinates need `offsets` (or a list of coordinate objects)"),
                    ))
                }
                _ => rows(py, kind, &coords)?,
            }
        };
        if geometries.len() != frames.len() {
            return Err(value_error(
                py,
                format!("{} frames but {} coordinates", frames.len(), geometries.len()),
            ));
        }
        let confidences = match confidence {
            None => None,
            Some(c) => {
                let c = c.as_array();
                if c.len() != frames.len() {
                    return Err(value_error(py, "one confidence per frame is needed".into()));
                }
                Some(
                    c.iter()
                        .enumerate()
                        .map(|(i, v)| float(*v, || format!("confidence[{i}]")))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|e| label_error(py, &e))?,
                )
            }
        };
        Ok(Self {
            frames,
            geometries,
            confidences,
        })
    }
}

/// `bounding_box` (rows of x, y, w, h), `rotatable_bounding_box` (x, y, w, h, theta) or `point` (x, y).
fn rows(py: Python<'_>, kind: &str, coordinates: &PyReadonlyArray2<'_, f64>) -> PyResult<Vec<Geometry>> {
    let coords = coordinates.as_array();
    let width = match kind {
        "bounding_box" => 4,
        "rotatable_bounding_box" => 5,
        "point" => 2,
        other => {
            return Err(value_error(
                py,
                format!(
                    "bulk coordinate arrays of shape '{other}' are not supported: pass a list of coordinate objects"
                ),
            ))
        }
    };
    if coords.ncols() != width {
        return Err(value_error(
            py,
            format!(
                "expected N x {width} coordinates for {kind}, got {} x {}",
                coords.nrows(),
                coords.ncols()
            ),
        ));
    }
    let mut geometries = Vec::with_capacity(coords.nrows());
    for (i, r) in coords.rows().into_iter().enumerate() {
        let n = |j: usize| float(r[j], || format!("coordinates[{i}][{j}]")).map_err(|e| label_error(py, &e));
        geometries.push(match kind {
            "bounding_box" => Geometry::BoundingBox {
                x: n(0)?,
                y: n(1)?,
                w: n(2)?,
                h: n(3)?,
            },
            "rotatable_bounding_box" => Geometry::RotatableBoundingBox {
                x: n(0)?,
                y: n(1)?,
                w: n(2)?,
                h: n(3)?,
                theta: n(4)?,
            },
            _ => Geometry::Point {
                x: n(0)?,
                y: n(1)?,
                z: None,
            },
        });
    }
    Ok(geometries)
}

fn vertices(
    py: Python<'_>,
    kind: &str,
    coordinates: &PyReadonlyArray2<'_, f64>,
    offsets: &PyReadonlyArray1<'_, i64>,
) -> PyResult<Vec<Geometry>> {
    let verts = coordinates.as_array();
    let offsets = offsets.as_array();
    if verts.ncols() != 2 {
        return Err(value_error(
            py,
            format!(
                "expected V x 2 vertices for {kind}, got {} x {}",
                verts.nrows(),
                verts.ncols()
            ),
        ));
    }
    let n_vertices = i64::try_from(verts.nrows()).unwrap_or(i64::MAX);
    if offsets.first() != Some(&0) || offsets.last() != Some(&n_vertices) {
        return Err(value_error(
            py,
            format!("offsets must run from 0 to the number of vertices ({n_vertices})"),
        ));
    }
    let mut geometries = Vec::with_capacity(offsets.len().saturating_sub(1));
    for (i, pair) in offsets.windows(2).into_iter().enumerate() {
        let (a, b) = (pair[0], pair[1]);
        if b <= a {
            return Err(value_error(
                py,
                format!("{kind} {i} has no vertices (offsets {a}..{b})"),
            ));
        }
        // In range: offsets start at 0, end at the vertex count and rise strictly (checked above and here).
        let (a, b) = (usize::try_from(a).unwrap_or(0), usize::try_from(b).unwrap_or(0));
        let mut flat = Vec::with_capacity((b - a) * 2);
        for v in a..b {
            for j in 0..2 {
                flat.push(float(verts[[v, j]], || format!("vertices[{v}][{j}]")).map_err(|e| label_error(py, &e))?);
            }
        }
        geometries.push(if kind == "polygon" {
            Geometry::Polygon {
                polygons: vec![vec![flat]],
            }
        } else {
            Geometry::Polyline {
                points: flat
                    .chunks_exact(2)
                    .map(|p| (p[0].clone(), p[1].clone(), None))
                    .collect(),
            }
        });
    }
    Ok(geometries)
}

fn objects(
    py: Python<'_>,
    coordinates: &Bound<'_, PyAny>,
    fallback: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<Geometry>> {
    let items = super::coords::sequence_items(coordinates)?;
    let mut geometries = Vec::with_capacity(items.len());
    for item in &items {
        let g = match fast_geometry(item) {
            Some(g) => g,
            None => {
                let fallback = fallback.ok_or_else(|| {
                    value_error(py, "coordinate objects of this kind need the facade's fallback".into())
                })?;
                geometry_arg(&fallback.call1((item,))?)?
            }
        };
        geometries.push(g);
    }
    Ok(geometries)
}
