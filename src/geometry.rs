//! Geometric coordinates of one object on one frame: parsed from, and written back to, the geometry keys of
//! a frame-object entry (`boundingBox`, `polygon` + `polygons`, `bitmask`, ...). Numbers keep their JSON
//! type (an input `1` is written back as `1`, `1.0` as `1.0`); values that are not numbers are rejected.

use serde_json::{Map, Number, Value};

use crate::error::{LabelError, Result};

/// A coordinate value: an int or a float, exactly as given.
pub type Num = Number;

#[derive(Debug, Clone, PartialEq)]
pub struct SkeletonPoint {
    pub x: f64,
    pub y: f64,
    pub name: String,
    pub color: Option<String>,
    pub feature_hash: Option<String>,
    pub value: Option<String>,
    pub visibility: Option<String>,
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

fn num(v: Option<&Value>, path: &str, key: &str) -> Result<Num> {
    match v {
        Some(Value::Number(n)) => Ok(n.clone()),
        None => Err(LabelError::missing(path, key)),
        Some(other) => Err(LabelError::label_row(format!(
            "{path}.{key}: coordinate must be a finite number, got {}",
            crate::value_kind(other)
        ))),
    }
}

fn field<'a>(v: &'a Value, key: &str, path: &str) -> Result<&'a Value> {
    v.get(key).ok_or_else(|| LabelError::missing(path, key))
}

fn obj<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>> {
    v.as_object()
        .ok_or_else(|| LabelError::type_(format!("{path}: expected an object, got {}", crate::value_kind(v))))
}

fn xy(p: &Value, path: &str) -> Result<(Num, Num)> {
    Ok((num(p.get("x"), path, "x")?, num(p.get("y"), path, "y")?))
}

/// Points of an index-keyed dict (sorted by integer key) or of a list.
fn point_list<'a>(v: &'a Value, path: &str) -> Result<Vec<&'a Value>> {
    match v {
        Value::Array(a) => Ok(a.iter().collect()),
        Value::Object(m) => {
            let mut keyed = Vec::with_capacity(m.len());
            for (k, p) in m {
                let i: i64 = k
                    .trim()
                    .parse()
                    .map_err(|_| LabelError::value(format!("{path}: point key '{k}' is not an integer")))?;
                keyed.push((i, p));
            }
            keyed.sort_by_key(|(i, _)| *i);
            Ok(keyed.into_iter().map(|(_, p)| p).collect())
        }
        other => Err(LabelError::type_(format!(
            "{path}: expected a list or dict of points, got {}",
            crate::value_kind(other)
        ))),
    }
}

fn flat_ring(points: &[&Value], path: &str) -> Result<Vec<Num>> {
    let mut out = Vec::with_capacity(points.len() * 2);
    for (i, p) in points.iter().enumerate() {
        let (x, y) = xy(p, &format!("{path}[{i}]"))?;
        out.push(x);
        out.push(y);
    }
    Ok(out)
}

fn num_list(v: &Value, path: &str) -> Result<Vec<Num>> {
    let a = v
        .as_array()
        .ok_or_else(|| LabelError::type_(format!("{path}: expected a list of numbers")))?;
    a.iter()
        .enumerate()
        .map(|(i, x)| num(Some(x), path, &format!("[{i}]")))
        .collect()
}

fn polygons_value(v: &Value, path: &str) -> Result<Vec<Vec<Vec<Num>>>> {
    let polys = v
        .as_array()
        .ok_or_else(|| LabelError::type_(format!("{path}: expected a list of polygons")))?;
    polys
        .iter()
        .enumerate()
        .map(|(i, rings)| {
            let rings = rings
                .as_array()
                .ok_or_else(|| LabelError::type_(format!("{path}[{i}]: expected a list of rings")))?;
            rings
                .iter()
                .enumerate()
                .map(|(j, r)| num_list(r, &format!("{path}[{i}][{j}]")))
                .collect()
        })
        .collect()
}

fn int_coerce(v: Option<&Value>, path: &str, key: &str) -> Result<i64> {
    match v {
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            })
            .ok_or_else(|| LabelError::encord(format!("{path}.{key}: expected an integer"))),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map_err(|_| LabelError::encord(format!("{path}.{key}: expected an integer"))),
        None | Some(Value::Null) => Err(LabelError::encord(format!("{path}: bitmask field '{key}' is required"))),
        Some(_) => Err(LabelError::encord(format!("{path}.{key}: expected an integer"))),
    }
}

fn opt_str(p: &Value, key: &str, path: &str) -> Result<Option<String>> {
    match p.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(LabelError::encord(format!("{path}.{key}: expected a string"))),
    }
}

fn float_coerce(v: Option<&Value>, path: &str, key: &str) -> Result<f64> {
    match v {
        Some(Value::Number(n)) => n
            .as_f64()
            .ok_or_else(|| LabelError::encord(format!("{path}.{key}: not a number"))),
        _ => Err(LabelError::encord(format!("{path}.{key}: expected a number"))),
    }
}

const VISIBILITIES: [&str; 4] = ["visible", "invisible", "occluded", "selfOccluded"];

fn skeleton(entry: &Value, path: &str) -> Result<Geometry> {
    let name = match field(entry, "name", path)? {
        Value::String(s) => s.clone(),
        _ => String::new(),
    };
    let sk = field(entry, "skeleton", path)?;
    let pts = obj(sk, &format!("{path}.skeleton"))?;
    let mut points = Vec::with_capacity(pts.len());
    for (k, p) in pts {
        let ppath = format!("{path}.skeleton.{k}");
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
                .ok_or_else(|| LabelError::encord(format!("{ppath}: 'name' is required")))?,
            color: opt_str(p, "color", &ppath)?,
            feature_hash: opt_str(p, "featureHash", &ppath)?,
            value: opt_str(p, "value", &ppath)?,
            visibility,
        });
    }
    Ok(Geometry::Skeleton { name, points })
}

fn cuboid_2d(v: &Value, path: &str) -> Result<Geometry> {
    let front = num_list(field(v, "front", path)?, &format!("{path}.front"))?;
    let kind = if let Some(vp) = v.get("vanishingPoint").filter(|x| !x.is_null()) {
        let scale = v.get("scaleRatio").filter(|x| !x.is_null()).ok_or_else(|| {
            LabelError::label_row(format!(
                "{path}: a perspective cuboid_2d needs 'scaleRatio' with 'vanishingPoint'"
            ))
        })?;
        Cuboid2DKind::Perspective {
            vanishing_point: xy(vp, &format!("{path}.vanishingPoint"))?,
            scale_ratio: num(Some(scale), path, "scaleRatio")?,
        }
    } else if let Some(off) = v.get("offset").filter(|x| !x.is_null()) {
        Cuboid2DKind::Isometric {
            offset: xy(off, &format!("{path}.offset"))?,
        }
    } else {
        return Err(LabelError::label_row(format!(
            "{path}: cuboid_2d needs either 'vanishingPoint' and 'scaleRatio' or 'offset'"
        )));
    };
    Ok(Geometry::Cuboid2D { front, kind })
}

/// Reads the geometry of a frame-object entry, choosing the parser as the reference does: by the entry's
/// `shape` string for the plain shapes, otherwise by the presence of a `skeleton`, `bitmask` or `cuboid` key.
pub fn parse_geometry(entry: &Value, path: &str) -> Result<Geometry> {
    let shape = entry.get("shape").and_then(Value::as_str).unwrap_or_default();
    let g = match shape {
        "bounding_box" => {
            let p = format!("{path}.boundingBox");
            let b = field(entry, "boundingBox", path)?;
            Geometry::BoundingBox {
                h: num(b.get("h"), &p, "h")?,
                w: num(b.get("w"), &p, "w")?,
                x: num(b.get("x"), &p, "x")?,
                y: num(b.get("y"), &p, "y")?,
            }
        }
        "rotatable_bounding_box" => {
            let p = format!("{path}.rotatableBoundingBox");
            let b = field(entry, "rotatableBoundingBox", path)?;
            Geometry::RotatableBoundingBox {
                h: num(b.get("h"), &p, "h")?,
                w: num(b.get("w"), &p, "w")?,
                x: num(b.get("x"), &p, "x")?,
                y: num(b.get("y"), &p, "y")?,
                theta: num(b.get("theta"), &p, "theta")?,
            }
        }
        "polygon" => {
            let p = format!("{path}.polygon");
            let ring = match entry.get("polygon").filter(|v| !v.is_null()) {
                Some(v) => Some(flat_ring(&point_list(v, &p)?, &p)?),
                None => None,
            };
            let polygons = match entry.get("polygons").filter(|v| !v.is_null()) {
                Some(v) => Some(polygons_value(v, &format!("{path}.polygons"))?),
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
            let p = format!("{path}.polyline");
            let pts = point_list(field(entry, "polyline", path)?, &p)?;
            let mut points = Vec::with_capacity(pts.len());
            for (i, pt) in pts.iter().enumerate() {
                let ip = format!("{p}[{i}]");
                let (x, y) = xy(pt, &ip)?;
                let z = match pt.get("z") {
                    None => None,
                    z => Some(num(z, &ip, "z")?),
                };
                points.push((x, y, z));
            }
            if points.iter().any(|p| p.2.is_some()) && points.iter().any(|p| p.2.is_none()) {
                return Err(LabelError::label_row(format!("{p}: points mix 2D and 3D coordinates")));
            }
            Geometry::Polyline { points }
        }
        "point" => {
            let p = format!("{path}.point");
            let pt = field(field(entry, "point", path)?, "0", &p)?;
            let (x, y) = xy(pt, &format!("{p}.0"))?;
            let z = match pt.get("z") {
                None => None,
                z => Some(num(z, &format!("{p}.0"), "z")?),
            };
            Geometry::Point { x, y, z }
        }
        "circle" => {
            let p = format!("{path}.circle");
            let c = field(entry, "circle", path)?;
            Geometry::Circle {
                x: num(c.get("x"), &p, "x")?,
                y: num(c.get("y"), &p, "y")?,
                r: num(c.get("r"), &p, "r")?,
                stretch: opt_num(c.get("stretch"), &p, "stretch", 1.0)?,
                theta: opt_num(c.get("theta"), &p, "theta", 0.0)?,
            }
        }
        "ellipse" => {
            let p = format!("{path}.ellipse");
            let c = field(entry, "ellipse", path)?;
            Geometry::Ellipse {
                x: num(c.get("x"), &p, "x")?,
                y: num(c.get("y"), &p, "y")?,
                rx: num(c.get("rx"), &p, "rx")?,
                ry: num(c.get("ry"), &p, "ry")?,
                theta: opt_num(c.get("theta"), &p, "theta", 0.0)?,
            }
        }
        "cuboid_2d" => cuboid_2d(field(entry, "cuboid_2d", path)?, &format!("{path}.cuboid_2d"))?,
        "segmentation" => {
            return Err(LabelError::value(format!(
                "{path}: the segmentation shape has no coordinates"
            )))
        }
        _ if entry.get("skeleton").is_some() => skeleton(entry, path)?,
        _ if entry.get("bitmask").is_some() => {
            let p = format!("{path}.bitmask");
            let b = &entry["bitmask"];
            if !b.is_object() {
                return Err(LabelError::encord(format!("{p}: expected an object")));
            }
            let rle = match b.get("rleString").or_else(|| b.get("rle_string")) {
                Some(Value::String(s)) => s.clone(),
                _ => {
                    return Err(LabelError::encord(format!(
                        "{p}: 'rleString' is required and must be a string"
                    )))
                }
            };
            crate::rle::string_to_runs(&rle)
                .map(|_| ())
                .map_err(|e| LabelError::label_row(format!("{p}.rleString: {e}")))?;
            Geometry::Bitmask {
                top: int_coerce(b.get("top"), &p, "top")?,
                left: int_coerce(b.get("left"), &p, "left")?,
                height: int_coerce(b.get("height"), &p, "height")?,
                width: int_coerce(b.get("width"), &p, "width")?,
                rle,
            }
        }
        _ if entry.get("cuboid").is_some() => {
            let p = format!("{path}.cuboid");
            let c = &entry["cuboid"];
            Geometry::Cuboid {
                position: num_list(field(c, "position", &p)?, &format!("{p}.position"))?,
                orientation: num_list(field(c, "orientation", &p)?, &format!("{p}.orientation"))?,
                size: num_list(field(c, "size", &p)?, &format!("{p}.size"))?,
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

/// Reads geometry written by the API side (`frame_geometry()` in Python): the same keys as a frame-object
/// entry, with the shape inferred from which key is present.
pub fn parse_api_geometry(v: &Value, path: &str) -> Result<Geometry> {
    const KEYS: [(&str, &str); 8] = [
        ("boundingBox", "bounding_box"),
        ("rotatableBoundingBox", "rotatable_bounding_box"),
        ("polygons", "polygon"),
        ("polygon", "polygon"),
        ("polyline", "polyline"),
        ("point", "point"),
        ("circle", "circle"),
        ("ellipse", "ellipse"),
    ];
    let mut entry = obj(v, path)?.clone();
    if !entry.contains_key("shape") {
        let shape = KEYS.iter().find(|(k, _)| entry.contains_key(*k)).map(|(_, s)| *s);
        let shape = shape.or_else(|| entry.contains_key("cuboid_2d").then_some("cuboid_2d"));
        entry.insert("shape".into(), Value::String(shape.unwrap_or_default().into()));
    }
    if entry.contains_key("skeleton") && !entry.contains_key("name") {
        entry.insert("name".into(), Value::String(String::new()));
    }
    parse_geometry(&Value::Object(entry), path)
}

fn opt_num(v: Option<&Value>, path: &str, key: &str, default: f64) -> Result<Num> {
    match v {
        None | Some(Value::Null) => Ok(Number::from_f64(default).unwrap_or_else(|| Number::from(0))),
        v => num(v, path, key),
    }
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
