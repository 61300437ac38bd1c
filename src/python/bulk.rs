//! The arguments of a bulk `set_for_frames`, read into one geometry per frame. Three forms:
//! - fixed-width rows (numpy, `N x k`) for boxes, rotatable boxes and points, in the column layout of
//!   `get_annotation_columns`, and for circles, ellipses and 3D cuboids in their classes' field order (numbers
//!   become floats, as numpy holds them), and for 2-D cuboids (the front face's four corners, then the vanishing
//!   point and scale ratio of a perspective cuboid, or the offset of an isometric one);
//! - vertices plus offsets for polygons and polylines (annotation `i` is `vertices[offsets[i]..offsets[i+1]]`,
//!   one ring per polygon), the same layout again;
//! - keypoints for skeletons (`N x 2K`: x and y of each template point, in template order), the template's
//!   point names, colors, feature hashes and values, and optional visibility codes (`N x K`);
//! - a list of coordinate objects of any shape, read as the per-frame API reads them.

use std::sync::Arc;

use numpy::{PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
use serde_json::Number;

use super::coords::{fast_geometry, VISIBILITIES};
use super::errors::label_error;
use super::objects::geometry_arg;
use crate::error::LabelError;
use crate::geometry::{Cuboid2DKind, Geometry, Num, SkeletonPoint};
use crate::ranges::Frame;

/// A skeleton template point as the facade passes it: name, color, feature hash, value.
type TemplatePoint = (String, Option<String>, Option<String>, Option<String>);

/// The skeleton form's extra arguments: the template's points (in template order) and optional visibility
/// codes (0: none given, then `VISIBILITIES` from 1).
#[derive(FromPyObject)]
pub struct SkeletonArgs<'py>(Vec<TemplatePoint>, Option<PyReadonlyArray2<'py, u8>>);

/// The optional arguments of a bulk call. `fallback`: the facade's `frame_geometry`, for coordinate objects the
/// core does not read directly.
pub struct BulkOptions<'a, 'py> {
    pub offsets: Option<&'a PyReadonlyArray1<'py, i64>>,
    pub confidence: Option<&'a PyReadonlyArray1<'py, f64>>,
    pub skeleton: Option<&'a SkeletonArgs<'py>>,
    pub fallback: Option<&'a Bound<'py, PyAny>>,
}

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
    pub fn read(
        py: Python<'_>,
        frames: &PyReadonlyArray1<'_, i64>,
        kind: &str,
        coordinates: &Bound<'_, PyAny>,
        opts: &BulkOptions<'_, '_>,
    ) -> PyResult<Self> {
        let frames: Vec<Frame> = frames.as_array().iter().copied().collect();
        let geometries = if coordinates.is_instance_of::<PyList>() || coordinates.is_instance_of::<PyTuple>() {
            objects(py, coordinates, opts.fallback)?
        } else {
            let coords: PyReadonlyArray2<'_, f64> = coordinates.extract()?;
            match (kind, opts.offsets) {
                ("polygon" | "polyline", Some(offsets)) => vertices(py, kind, &coords, offsets)?,
                ("polygon" | "polyline", None) => {
                    return Err(value_error(
                        py,
                        format!("bulk {kind} coordinates need `offsets` (or a list of coordinate objects)"),
                    ))
                }
                ("skeleton", _) => match opts.skeleton {
                    Some(args) => keypoints(py, &coords, args)?,
                    None => {
                        return Err(value_error(
                            py,
                            "bulk skeleton keypoints need the skeleton template (or a list of coordinate objects)"
                                .into(),
                        ))
                    }
                },
                _ => rows(py, kind, &coords)?,
            }
        };
        if geometries.len() != frames.len() {
            return Err(value_error(
                py,
                format!("{} frames but {} coordinates", frames.len(), geometries.len()),
            ));
        }
        let confidences = match opts.confidence {
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

/// `bounding_box` (rows of x, y, w, h), `rotatable_bounding_box` (x, y, w, h, theta), `point` (x, y), `circle`
/// (center x, center y, radius, stretch, theta), `ellipse` (center x, center y, rx, ry, theta) or `cuboid`
/// (position, orientation and size, three numbers each), `cuboid_2d` (x, y of the front face's four corners, then
/// vanishing point x, y and scale ratio: 11 columns; or offset x, y for isometric cuboids: 10 columns).
fn rows(py: Python<'_>, kind: &str, coordinates: &PyReadonlyArray2<'_, f64>) -> PyResult<Vec<Geometry>> {
    let coords = coordinates.as_array();
    let width = match kind {
        "bounding_box" => 4,
        "rotatable_bounding_box" | "circle" | "ellipse" => 5,
        "point" => 2,
        "cuboid" => 9,
        "cuboid_2d" if coords.ncols() == 10 => 10,
        "cuboid_2d" => 11,
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
        let expected = if kind == "cuboid_2d" {
            "N x 11 (perspective) or N x 10 (isometric)".to_owned()
        } else {
            format!("N x {width}")
        };
        return Err(value_error(
            py,
            format!(
                "expected {expected} coordinates for {kind}, got {} x {}",
                coords.nrows(),
                coords.ncols()
            ),
        ));
    }
    let mut geometries = Vec::with_capacity(coords.nrows());
    for (i, r) in coords.rows().into_iter().enumerate() {
        let n = |j: usize| float(r[j], || format!("coordinates[{i}][{j}]")).map_err(|e| label_error(py, &e));
        let triple = |from: usize| (from..from + 3).map(n).collect::<PyResult<Vec<_>>>();
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
            "circle" => Geometry::Circle {
                x: n(0)?,
                y: n(1)?,
                r: n(2)?,
                stretch: n(3)?,
                theta: n(4)?,
            },
            "ellipse" => Geometry::Ellipse {
                x: n(0)?,
                y: n(1)?,
                rx: n(2)?,
                ry: n(3)?,
                theta: n(4)?,
            },
            "cuboid" => Geometry::Cuboid {
                position: triple(0)?,
                orientation: triple(3)?,
                size: triple(6)?,
            },
            "cuboid_2d" => Geometry::Cuboid2D {
                front: (0..8).map(n).collect::<PyResult<Vec<_>>>()?,
                kind: if width == 11 {
                    Cuboid2DKind::Perspective {
                        vanishing_point: (n(8)?, n(9)?),
                        scale_ratio: n(10)?,
                    }
                } else {
                    Cuboid2DKind::Isometric { offset: (n(8)?, n(9)?) }
                },
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

/// Skeletons from keypoint rows (x0, y0, x1, y1, ...) and the template's points, as the per-frame API stores
/// a `SkeletonCoordinates` whose points carry the template's name, color, feature hash and value.
fn keypoints(py: Python<'_>, coords: &PyReadonlyArray2<'_, f64>, args: &SkeletonArgs<'_>) -> PyResult<Vec<Geometry>> {
    let (coords, template) = (coords.as_array(), &args.0);
    let k = template.len();
    if k == 0 || coords.ncols() != 2 * k {
        return Err(value_error(
            py,
            format!(
                "expected N x {k} x 2 keypoints for a skeleton template of {k} points, got {} x {} numbers",
                coords.nrows(),
                coords.ncols()
            ),
        ));
    }
    let visibility = args.1.as_ref().map(PyReadonlyArray2::as_array);
    if let Some(v) = &visibility {
        if v.nrows() != coords.nrows() || v.ncols() != k {
            return Err(value_error(
                py,
                format!(
                    "expected N x {k} visibility codes for {} skeletons, got {} x {}",
                    coords.nrows(),
                    v.nrows(),
                    v.ncols()
                ),
            ));
        }
    }
    // Every point of every frame shares the template's texts.
    let shared = |s: &Option<String>| s.as_deref().map(Arc::<str>::from);
    let template: Vec<_> = template
        .iter()
        .map(|(name, color, feature_hash, value)| {
            (
                Arc::<str>::from(name.as_str()),
                shared(color),
                shared(feature_hash),
                shared(value),
            )
        })
        .collect();
    let visibilities = VISIBILITIES.map(Arc::<str>::from);
    let mut geometries = Vec::with_capacity(coords.nrows());
    for (i, r) in coords.rows().into_iter().enumerate() {
        let mut points = Vec::with_capacity(k);
        for (j, (name, color, feature_hash, value)) in template.iter().enumerate() {
            let n = |c: usize| {
                float(r[2 * j + c], || format!("coordinates[{i}][{j}][{c}]"))
                    .map(|v| v.as_f64().unwrap_or_default())
                    .map_err(|e| label_error(py, &e))
            };
            let visibility = match visibility.as_ref().map_or(0, |v| v[[i, j]]) {
                0 => None,
                code => Some(
                    visibilities
                        .get(usize::from(code) - 1)
                        .ok_or_else(|| {
                            value_error(
                                py,
                                format!("visibility[{i}][{j}]: {code} is not a visibility code (0 to 4)"),
                            )
                        })?
                        .clone(),
                ),
            };
            points.push(SkeletonPoint {
                x: n(0)?,
                y: n(1)?,
                name: name.clone(),
                color: color.clone(),
                feature_hash: feature_hash.clone(),
                value: value.clone(),
                visibility,
            });
        }
        geometries.push(Geometry::Skeleton {
            name: String::new(),
            points,
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
