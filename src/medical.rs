//! DICOM series and slice metadata of page- and slice-based rows.
//!
//! The reference reads a unit's `metadata` (DICOM rows) and every frame's `metadata` (any multi-frame row) into
//! pydantic records in lax mode, exposes them through `LabelRowV2.metadata` / `FrameView.metadata`, and never
//! writes them back. The rules below are pydantic's lax rules for `str` and `int` fields, so that a dict one
//! library accepts the other accepts too; a malformed record is the reference's `EncordException`.

use std::collections::BTreeMap;

use crate::error::{LabelError, Result};
use crate::ranges::Frame;
use crate::tree::{MapRef, Path, Val};

/// Per-frame DICOM facts (`DICOMSliceMetadata`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SliceMeta {
    pub dicom_instance_uid: String,
    pub multiframe_frame_number: Option<i64>,
    pub file_uri: String,
    pub width: i64,
    pub height: i64,
}

/// Identity of a DICOM series (`DICOMSeriesMetadata`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesMeta {
    pub patient_id: Option<String>,
    pub study_uid: String,
    pub series_uid: String,
}

/// The metadata of a row: the series (from the unit) and each frame's slice.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MedicalMeta {
    pub series: Option<SeriesMeta>,
    pub slices: BTreeMap<Frame, SliceMeta>,
}

/// One field of a record: its name and the camelCase alias the reference's models accept first.
struct Field<'a> {
    name: &'a str,
    alias: &'a str,
}

struct Record<'t, 'p> {
    map: MapRef<'t>,
    model: &'static str,
    path: &'p Path<'p>,
}

impl<'t, 'p> Record<'t, 'p> {
    fn open(v: Val<'t>, model: &'static str, path: &'p Path<'p>) -> Result<Self> {
        let map = v
            .as_map()
            .ok_or_else(|| LabelError::encord(format!("{path}: invalid {model}: expected a dict, got {}", v.kind())))?;
        Ok(Self { map, model, path })
    }

    fn bad(&self, field: &str, what: &str) -> LabelError {
        LabelError::encord(format!("{}.{field}: invalid {}: {what}", self.path, self.model))
    }

    /// The value under the alias if present, otherwise under the field name.
    fn get(&self, f: &Field<'_>) -> Result<Val<'t>> {
        self.map
            .get(f.alias)
            .or_else(|| self.map.get(f.name))
            .ok_or_else(|| self.bad(f.name, "field required"))
    }

    fn string(&self, f: &Field<'_>) -> Result<String> {
        let v = self.get(f)?;
        v.as_str()
            .map(str::to_owned)
            .ok_or_else(|| self.bad(f.name, &format!("expected a string, got {}", v.kind())))
    }

    fn opt_string(&self, f: &Field<'_>) -> Result<Option<String>> {
        let v = self.get(f)?;
        if v.is_null() {
            return Ok(None);
        }
        self.string(f).map(Some)
    }

    fn int(&self, f: &Field<'_>) -> Result<i64> {
        let v = self.get(f)?;
        lax_int(v).map_err(|what| self.bad(f.name, what))
    }

    fn opt_int(&self, f: &Field<'_>) -> Result<Option<i64>> {
        let v = self.get(f)?;
        if v.is_null() {
            return Ok(None);
        }
        self.int(f).map(Some)
    }
}

/// pydantic's lax `int`: integers, bools, finite floats without a fractional part, and decimal strings.
#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
fn lax_int(v: Val<'_>) -> std::result::Result<i64, &'static str> {
    if let Some(b) = v.as_bool() {
        return Ok(i64::from(b));
    }
    if let Some(s) = v.as_str() {
        return int_of_str(s).ok_or("expected an integer, unable to parse the string as an integer");
    }
    if let Some(i) = v.as_i64() {
        return Ok(i);
    }
    if v.as_u64().is_some() {
        return Err("the integer is too large");
    }
    match v.as_f64() {
        Some(f) if !f.is_finite() => Err("expected a finite number"),
        Some(f) if f.fract() != 0.0 => Err("expected an integer, got a number with a fractional part"),
        // The bounds of i64 (2^63 is exact as an f64).
        Some(f) if !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) => {
            Err("the number is too large for an integer")
        }
        Some(f) => Ok(f as i64),
        None => Err("expected an integer"),
    }
}

/// A decimal integer as pydantic reads one from a string: surrounding whitespace, a sign, single underscores
/// between digits and a fraction of zeros (`" +1_000.00 "`) are allowed.
fn int_of_str(s: &str) -> Option<i64> {
    let s = s.trim();
    let s = match s.split_once('.') {
        Some((int, frac)) if !frac.is_empty() && frac.bytes().all(|b| b == b'0') => int,
        Some(_) => return None,
        None => s,
    };
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let bytes = digits.as_bytes();
    if bytes.is_empty() || !bytes[0].is_ascii_digit() || !bytes[bytes.len() - 1].is_ascii_digit() {
        return None;
    }
    let mut value: i64 = 0;
    let mut prev_underscore = false;
    for &b in bytes {
        if b == b'_' {
            if prev_underscore {
                return None;
            }
            prev_underscore = true;
            continue;
        }
        if !b.is_ascii_digit() {
            return None;
        }
        prev_underscore = false;
        let d = i64::from(b - b'0');
        value = value.checked_mul(10)?;
        value = if negative {
            value.checked_sub(d)?
        } else {
            value.checked_add(d)?
        };
    }
    Some(value)
}

/// A frame's `metadata` as DICOM slice metadata.
pub fn parse_slice(v: Val<'_>, path: &Path<'_>) -> Result<SliceMeta> {
    let r = Record::open(v, "DICOMSliceMetadata", path)?;
    Ok(SliceMeta {
        dicom_instance_uid: r.string(&Field {
            name: "dicom_instance_uid",
            alias: "dicomInstanceUid",
        })?,
        multiframe_frame_number: r.opt_int(&Field {
            name: "multiframe_frame_number",
            alias: "multiframeFrameNumber",
        })?,
        file_uri: r.string(&Field {
            name: "file_uri",
            alias: "fileUri",
        })?,
        width: r.int(&Field {
            name: "width",
            alias: "width",
        })?,
        height: r.int(&Field {
            name: "height",
            alias: "height",
        })?,
    })
}

/// A DICOM unit's `metadata` as series metadata.
pub fn parse_series(v: Val<'_>, path: &Path<'_>) -> Result<SeriesMeta> {
    let r = Record::open(v, "DICOMSeriesMetadata", path)?;
    Ok(SeriesMeta {
        patient_id: r.opt_string(&Field {
            name: "patient_id",
            alias: "patientId",
        })?,
        study_uid: r.string(&Field {
            name: "study_uid",
            alias: "studyUid",
        })?,
        series_uid: r.string(&Field {
            name: "series_uid",
            alias: "seriesUid",
        })?,
    })
}

#[cfg(test)]
mod tests {
    use super::int_of_str;

    #[test]
    fn ints_from_strings_follow_pydantic() {
        for (s, want) in [
            ("512", Some(512)),
            (" 512 ", Some(512)),
            ("\n5\t", Some(5)),
            ("+5", Some(5)),
            ("-5", Some(-5)),
            ("-0", Some(0)),
            ("0512", Some(512)),
            ("1_000", Some(1000)),
            ("512.0", Some(512)),
            ("512.000", Some(512)),
            ("-512.0", Some(-512)),
            ("\u{a0}5", Some(5)),
            ("_1000", None),
            ("1__000", None),
            ("1000_", None),
            ("512.", None),
            (".0", None),
            ("512.01", None),
            ("512.0_0", None),
            ("5.0.0", None),
            ("5 5", None),
            ("", None),
            (" ", None),
            ("+", None),
            ("1e3", None),
            ("0x10", None),
            ("0b1", None),
            ("\u{663}", None),
            ("99999999999999999999", None),
        ] {
            assert_eq!(int_of_str(s), want, "{s:?}");
        }
    }
}
