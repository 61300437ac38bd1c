//! The geometry keys of a frame-object entry (`boundingBox`, `polygon` + `polygons`, `bitmask`, ...) →
//! [`Geometry`]. Numbers keep their JSON type; values that are not numbers are rejected.

use serde_json::Number;

use crate::error::{LabelError, Result};
use crate::geometry::{Cuboid2DKind, Geometry, Num, SkeletonPoint};
use crate::tree::{MapRef, Path, Val};

use super::missing;

/// The keys of an entry that geometry is read from, found in one pass over the entry (an entry has a dozen
/// keys and is read for every object on every frame).
#[derive(Default, Clone, Copy)]
pub(crate) struct GeometryKeys<'t> {
    shape: Option<Val<'t>>,
    name: Option<Val<'t>>,
    bounding_box: Option<Val<'t>>,
    rotatable_bounding_box: Option<Val<'t>>,
    polygon: Option<Val<'t>>,
    polygons: Option<Val<'t>>,
    polyline: Option<Val<'t>>,
    point: Option<Val<'t>>,
    circle: Option<Val<'t>>,
    ellipse: Option<Val<'t>>,
    cuboid_2d: Option<Val<'t>>,
    skeleton: Option<Val<'t>>,
    bitmask: Option<Val<'t>>,
    cuboid: Option<Val<'t>>,
}

impl<'t> GeometryKeys<'t> {
    /// Keeps `v` when `k` is a geometry key; tells whether it was.
    pub(crate) fn note(&mut self, k: &str, v: Val<'t>) -> bool {
        let slot = match k {
            "shape" => &mut self.shape,
            "name" => &mut self.name,
            "boundingBox" => &mut self.bounding_box,
            "rotatableBoundingBox" => &mut self.rotatable_bounding_box,
            "polygon" => &mut self.polygon,
            "polygons" => &mut self.polygons,
            "polyline" => &mut self.polyline,
            "point" => &mut self.point,
            "circle" => &mut self.circle,
            "ellipse" => &mut self.ellipse,
            "cuboid_2d" => &mut self.cuboid_2d,
            "skeleton" => &mut self.skeleton,
            "bitmask" => &mut self.bitmask,
            "cuboid" => &mut self.cuboid,
            _ => return false,
        };
        *slot = Some(v);
        true
    }

    fn of(m: MapRef<'t>) -> Self {
        let mut keys = Self::default();
        for (k, v) in m.iter() {
            keys.note(k, v);
        }
        keys
    }
}

fn not_a_number(path: &Path<'_>, key: &dyn std::fmt::Display, v: Val<'_>) -> LabelError {
    LabelError::label_row(format!(
        "{path}.{key}: coordinate must be a finite number, got {}",
        v.kind()
    ))
}

fn num(v: Option<Val<'_>>, path: &Path<'_>, key: &str) -> Result<Num> {
    let v = v.ok_or_else(|| missing(path, key))?;
    v.as_number().ok_or_else(|| not_a_number(path, &key, v))
}

fn need<'t>(v: Option<Val<'t>>, key: &str, path: &Path<'_>) -> Result<Val<'t>> {
    v.ok_or_else(|| missing(path, key))
}

fn field_of<'t>(v: Val<'t>, key: &str, path: &Path<'_>) -> Result<Val<'t>> {
    v.get(key).ok_or_else(|| missing(path, key))
}

fn xy(p: Val<'_>, path: &Path<'_>) -> Result<(Num, Num)> {
    Ok((num(p.get("x"), path, "x")?, num(p.get("y"), path, "y")?))
}

/// Points of an index-keyed dict (sorted by integer key) or of a list.
fn point_list<'t>(v: Val<'t>, path: &Path<'_>) -> Result<Vec<Val<'t>>> {
    if let Some(list) = v.as_list() {
        return Ok(list.iter().collect());
    }
    let Some(m) = v.as_map() else {
        return Err(LabelError::type_(format!(
            "{path}: expected a list or dict of points, got {}",
            v.kind()
        )));
    };
    let mut keyed = Vec::with_capacity(m.len());
    for (k, p) in m.iter() {
        let i: i64 = k
            .trim()
            .parse()
            .map_err(|_| LabelError::value(format!("{path}: point key '{k}' is not an integer")))?;
        keyed.push((i, p));
    }
    keyed.sort_by_key(|(i, _)| *i);
    Ok(keyed.into_iter().map(|(_, p)| p).collect())
}

fn flat_ring(points: &[Val<'_>], path: &Path<'_>) -> Result<Vec<Num>> {
    let mut out = Vec::with_capacity(points.len() * 2);
    for (i, p) in points.iter().enumerate() {
        let (x, y) = xy(*p, &path.index(i))?;
        out.push(x);
        out.push(y);
    }
    Ok(out)
}

fn num_list(v: Val<'_>, path: &Path<'_>) -> Result<Vec<Num>> {
    let a = v
        .as_list()
        .ok_or_else(|| LabelError::type_(format!("{path}: expected a list of numbers")))?;
    a.iter()
        .enumerate()
        .map(|(i, x)| {
            x.as_number()
                .ok_or_else(|| not_a_number(path, &format_args!("[{i}]"), x))
        })
        .collect()
}

fn polygons_value(v: Val<'_>, path: &Path<'_>) -> Result<Vec<Vec<Vec<Num>>>> {
    let polys = v
        .as_list()
        .ok_or_else(|| LabelError::type_(format!("{path}: expected a list of polygons")))?;
    polys
        .iter()
        .enumerate()
        .map(|(i, rings)| {
            let ipath = path.index(i);
            let rings = rings
                .as_list()
                .ok_or_else(|| LabelError::type_(format!("{ipath}: expected a list of rings")))?;
            rings
                .iter()
                .enumerate()
                .map(|(j, r)| num_list(r, &ipath.index(j)))
                .collect()
        })
        .collect()
}

#[allow(clippy::cast_possible_truncation)]
fn int_coerce(v: Option<Val<'_>>, path: &Path<'_>, key: &str) -> Result<i64> {
    let bad = || LabelError::encord(format!("{path}.{key}: expected an integer"));
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Err(LabelError::encord(format!("{path}: bitmask field '{key}' is required")));
    };
    if let Some(s) = v.as_str() {
        return s.trim().parse().map_err(|_| bad());
    }
    if !v.is_number() {
        return Err(bad());
    }
    v.as_i64()
        .or_else(|| {
            v.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        })
        .ok_or_else(bad)
}

fn opt_str(p: Val<'_>, key: &str, path: &Path<'_>) -> Result<Option<String>> {
    match p.get(key) {
        None => Ok(None),
        Some(v) if v.is_null() => Ok(None),
        Some(v) => v
            .as_str()
            .map(|s| Some(s.to_owned()))
            .ok_or_else(|| LabelError::encord(format!("{path}.{key}: expected a string"))),
    }
}

fn float_coerce(v: Option<Val<'_>>, path: &Path<'_>, key: &str) -> Result<f64> {
    v.and_then(Val::as_f64)
        .ok_or_else(|| LabelError::encord(format!("{path}.{key}: expected a number")))
}

const VISIBILITIES: [&str; 4] = ["visible", "invisible", "occluded", "selfOccluded"];

fn skeleton(e: &GeometryKeys<'_>, path: &Path<'_>, default_name: bool) -> Result<Geometry> {
    let name = match e.name {
        None if default_name => String::new(),
        None => return Err(missing(path, "name")),
        Some(v) => v.as_str().unwrap_or_default().to_owned(),
    };
    let sk = e.skeleton.ok_or_else(|| missing(path, "skeleton"))?;
    let skpath = path.field("skeleton");
    let pts = sk
        .as_map()
        .ok_or_else(|| LabelError::type_(format!("{skpath}: expected an object, got {}", sk.kind())))?;
    let mut points = Vec::with_capacity(pts.len());
    for (k, p) in pts.iter() {
        let ppath = skpath.field(k);
        let mut visibility = opt_str(p, "visibility", &ppath)?;
        if let Some(v) = &visibility {
            if !VISIBILITIES.contains(&v.as_str()) {
                return Err(LabelError::encord(format!("{ppath}.visibility: unknown value '{v}'")));
            }
        }
        for flag in ["invisible", "occluded", "selfOccluded", "visible"] {
            if p.get(flag).is_some_and(|f| f.as_bool() == Some(true)) {
                visibility = Some(flag.to_owned());
                break;
            }
        }
        points.push(SkeletonPoint {
            x: float_coerce(p.get("x"), &ppath, "x")?,
            y: float_coerce(p.get("y"), &ppath, "y")?,
            name: opt_str(p, "name", &ppath)?
                .ok_or_else(|| LabelError::encord(format!("{ppath}: 'name' is required")))?
                .into(),
            color: opt_str(p, "color", &ppath)?.map(Into::into),
            feature_hash: opt_str(p, "featureHash", &ppath)?.map(Into::into),
            value: opt_str(p, "value", &ppath)?.map(Into::into),
            visibility: visibility.map(Into::into),
        });
    }
    Ok(Geometry::Skeleton { name, points })
}

fn cuboid_2d(v: Val<'_>, path: &Path<'_>) -> Result<Geometry> {
    let front = num_list(field_of(v, "front", path)?, &path.field("front"))?;
    let kind = if let Some(vp) = v.get("vanishingPoint").filter(|x| !x.is_null()) {
        let scale = v.get("scaleRatio").filter(|x| !x.is_null()).ok_or_else(|| {
            LabelError::label_row(format!(
                "{path}: a perspective cuboid_2d needs 'scaleRatio' with 'vanishingPoint'"
            ))
        })?;
        Cuboid2DKind::Perspective {
            vanishing_point: xy(vp, &path.field("vanishingPoint"))?,
            scale_ratio: num(Some(scale), path, "scaleRatio")?,
        }
    } else if let Some(off) = v.get("offset").filter(|x| !x.is_null()) {
        Cuboid2DKind::Isometric {
            offset: xy(off, &path.field("offset"))?,
        }
    } else {
        return Err(LabelError::label_row(format!(
            "{path}: cuboid_2d needs either 'vanishingPoint' and 'scaleRatio' or 'offset'"
        )));
    };
    Ok(Geometry::Cuboid2D { front, kind })
}

fn opt_num(v: Option<Val<'_>>, path: &Path<'_>, key: &str, default: f64) -> Result<Num> {
    match v {
        None => Ok(Number::from_f64(default).unwrap_or_else(|| Number::from(0))),
        Some(x) if x.is_null() => Ok(Number::from_f64(default).unwrap_or_else(|| Number::from(0))),
        v => num(v, path, key),
    }
}

/// An optional third coordinate: absent is 2D, anything present must be a number.
fn opt_z(pt: Val<'_>, path: &Path<'_>) -> Result<Option<Num>> {
    match pt.get("z") {
        None => Ok(None),
        z => Ok(Some(num(z, path, "z")?)),
    }
}

fn bitmask(b: Val<'_>, p: &Path<'_>) -> Result<Geometry> {
    if !b.is_map() {
        return Err(LabelError::encord(format!("{p}: expected an object")));
    }
    let rle = match b.get("rleString").or_else(|| b.get("rle_string")).and_then(Val::as_str) {
        Some(s) => s.to_owned(),
        None => {
            return Err(LabelError::encord(format!(
                "{p}: 'rleString' is required and must be a string"
            )))
        }
    };
    crate::rle::validate(&rle).map_err(|e| LabelError::label_row(format!("{p}.rleString: {e}")))?;
    Ok(Geometry::Bitmask {
        top: int_coerce(b.get("top"), p, "top")?,
        left: int_coerce(b.get("left"), p, "left")?,
        height: int_coerce(b.get("height"), p, "height")?,
        width: int_coerce(b.get("width"), p, "width")?,
        rle,
    })
}

/// Reads the geometry of a frame-object entry, choosing the parser as the reference does: by the entry's
/// `shape` string for the plain shapes, otherwise by the presence of a `skeleton`, `bitmask` or `cuboid` key.
pub(crate) fn parse_geometry(keys: &GeometryKeys<'_>, path: &Path<'_>) -> Result<Geometry> {
    let shape = keys.shape.and_then(Val::as_str).unwrap_or_default();
    geometry_of(keys, path, shape, false)
}

/// [`parse_geometry`] of a whole entry (which, if not a map, has no geometry).
pub fn parse_entry_geometry(entry: Val<'_>, path: &Path<'_>) -> Result<Geometry> {
    parse_geometry(&entry.as_map().map(GeometryKeys::of).unwrap_or_default(), path)
}

/// Reads geometry written by the API side (`frame_geometry()` in Python): the same keys as a frame-object
/// entry, with the shape inferred from which key is present when there is no `shape`.
pub fn parse_api_geometry(v: Val<'_>, path: &Path<'_>) -> Result<Geometry> {
    let m = v
        .as_map()
        .ok_or_else(|| LabelError::type_(format!("{path}: expected an object, got {}", v.kind())))?;
    let keys = GeometryKeys::of(m);
    let shape = match keys.shape {
        Some(s) => s.as_str().unwrap_or_default(),
        None => [
            (keys.bounding_box, "bounding_box"),
            (keys.rotatable_bounding_box, "rotatable_bounding_box"),
            (keys.polygons, "polygon"),
            (keys.polygon, "polygon"),
            (keys.polyline, "polyline"),
            (keys.point, "point"),
            (keys.circle, "circle"),
            (keys.ellipse, "ellipse"),
            (keys.cuboid_2d, "cuboid_2d"),
        ]
        .iter()
        .find(|(k, _)| k.is_some())
        .map_or("", |(_, s)| *s),
    };
    geometry_of(&keys, path, shape, true)
}

fn geometry_of(e: &GeometryKeys<'_>, path: &Path<'_>, shape: &str, default_name: bool) -> Result<Geometry> {
    let field = |v, key| need(v, key, path);
    let g = match shape {
        "bounding_box" => {
            let p = path.field("boundingBox");
            let b = field(e.bounding_box, "boundingBox")?;
            Geometry::BoundingBox {
                h: num(b.get("h"), &p, "h")?,
                w: num(b.get("w"), &p, "w")?,
                x: num(b.get("x"), &p, "x")?,
                y: num(b.get("y"), &p, "y")?,
            }
        }
        "rotatable_bounding_box" => {
            let p = path.field("rotatableBoundingBox");
            let b = field(e.rotatable_bounding_box, "rotatableBoundingBox")?;
            Geometry::RotatableBoundingBox {
                h: num(b.get("h"), &p, "h")?,
                w: num(b.get("w"), &p, "w")?,
                x: num(b.get("x"), &p, "x")?,
                y: num(b.get("y"), &p, "y")?,
                theta: num(b.get("theta"), &p, "theta")?,
            }
        }
        "polygon" => {
            let p = path.field("polygon");
            let ring = match e.polygon.filter(|v| !v.is_null()) {
                Some(v) => Some(flat_ring(&point_list(v, &p)?, &p)?),
                None => None,
            };
            let polygons = match e.polygons.filter(|v| !v.is_null()) {
                Some(v) => Some(polygons_value(v, &path.field("polygons"))?),
                None => None,
            };
            match (ring, polygons) {
                (_, Some(polys)) if polys.first().is_some_and(|p| !p.is_empty()) => {
                    Geometry::Polygon { polygons: polys }
                }
                (Some(ring), _) if !ring.is_empty() => Geometry::Polygon {
                    polygons: vec![vec![ring]],
                },
                _ => {
                    return Err(LabelError::label_row(format!(
                        "{path}: a polygon needs non-empty 'polygon' or 'polygons' coordinates"
                    )))
                }
            }
        }
        "polyline" => {
            let p = path.field("polyline");
            let pts = point_list(field(e.polyline, "polyline")?, &p)?;
            let mut points = Vec::with_capacity(pts.len());
            for (i, pt) in pts.iter().enumerate() {
                let ip = p.index(i);
                let (x, y) = xy(*pt, &ip)?;
                points.push((x, y, opt_z(*pt, &ip)?));
            }
            if points.iter().any(|p| p.2.is_some()) && points.iter().any(|p| p.2.is_none()) {
                return Err(LabelError::label_row(format!("{p}: points mix 2D and 3D coordinates")));
            }
            Geometry::Polyline { points }
        }
        "point" => {
            let p = path.field("point");
            let pt = field_of(field(e.point, "point")?, "0", &p)?;
            let p0 = p.field("0");
            let (x, y) = xy(pt, &p0)?;
            Geometry::Point {
                x,
                y,
                z: opt_z(pt, &p0)?,
            }
        }
        "circle" => {
            let p = path.field("circle");
            let c = field(e.circle, "circle")?;
            Geometry::Circle {
                x: num(c.get("x"), &p, "x")?,
                y: num(c.get("y"), &p, "y")?,
                r: num(c.get("r"), &p, "r")?,
                stretch: opt_num(c.get("stretch"), &p, "stretch", 1.0)?,
                theta: opt_num(c.get("theta"), &p, "theta", 0.0)?,
            }
        }
        "ellipse" => {
            let p = path.field("ellipse");
            let c = field(e.ellipse, "ellipse")?;
            Geometry::Ellipse {
                x: num(c.get("x"), &p, "x")?,
                y: num(c.get("y"), &p, "y")?,
                rx: num(c.get("rx"), &p, "rx")?,
                ry: num(c.get("ry"), &p, "ry")?,
                theta: opt_num(c.get("theta"), &p, "theta", 0.0)?,
            }
        }
        "cuboid_2d" => cuboid_2d(field(e.cuboid_2d, "cuboid_2d")?, &path.field("cuboid_2d"))?,
        "segmentation" => {
            return Err(LabelError::value(format!(
                "{path}: the segmentation shape has no coordinates"
            )))
        }
        _ if e.skeleton.is_some() => skeleton(e, path, default_name)?,
        _ if e.bitmask.is_some() => bitmask(field(e.bitmask, "bitmask")?, &path.field("bitmask"))?,
        _ if e.cuboid.is_some() => {
            let p = path.field("cuboid");
            let c = field(e.cuboid, "cuboid")?;
            Geometry::Cuboid {
                position: num_list(field_of(c, "position", &p)?, &p.field("position"))?,
                orientation: num_list(field_of(c, "orientation", &p)?, &p.field("orientation"))?,
                size: num_list(field_of(c, "size", &p)?, &p.field("size"))?,
            }
        }
        other => {
            return Err(LabelError::not_implemented(format!(
                "{path}: no coordinates found for shape '{other}'"
            )));
        }
    };
    Ok(g)
}
