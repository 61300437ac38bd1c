//! The streaming exporter's sinks agree: the JSON bytes sink writes exactly `serde_json::to_vec` of what the
//! `Value` sink builds (and fails with the same error), on the test rows and on random stores holding every
//! geometry, answer kind and metadata variant, with strings that need escaping and numbers of every type.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use common::*;
use labelrow::answers::AnswerValue;
use labelrow::error::LabelError;
use labelrow::export::{export_json, export_json_threads, export_row, ExportOptions, PARALLEL_MIN_ENTRIES};
use labelrow::geometry::{Cuboid2DKind, Geometry, SkeletonPoint};
use labelrow::instance::{AnnotationMeta, ClassificationData, FrameAnnotation, FrameMap, ObjectData};
use labelrow::ontology::{AttrKind, Ontology};
use labelrow::ranges::RangeSet;
use labelrow::row::{DataType, DataUnit, Header, MediaInfo, RowStore};
use parking_lot::Mutex;
use serde_json::{Number, Value};

/// Both sinks on `row`: the JSON bytes, or the error both gave.
fn same_output(row: &RowStore, opts: ExportOptions, what: &str) -> Result<Vec<u8>, LabelError> {
    let by_value = export_row(row, opts).map(|v| serde_json::to_vec(&v).unwrap());
    let by_json = export_json(row, opts);
    match (&by_value, &by_json) {
        (Ok(a), Ok(b)) => assert!(
            a == b,
            "{what}: bytes differ\nvalue: {}\njson:  {}",
            String::from_utf8_lossy(a),
            String::from_utf8_lossy(b)
        ),
        (Err(a), Err(b)) => assert_eq!(a, b, "{what}: errors differ"),
        _ => panic!("{what}: one sink failed: {by_value:?} vs {by_json:?}"),
    }
    by_json
}

fn both_options(row: &RowStore, what: &str) -> bool {
    let ok = same_output(row, ExportOptions::default(), what).is_ok();
    let _ = same_output(row, ExportOptions { renumber_objects: true }, what);
    ok
}

#[test]
fn test_rows_write_the_same_bytes() {
    for (name, text) in [("video", VIDEO), ("image", IMAGE), ("img_group", IMG_GROUP)] {
        let row = parse(&json(text)).unwrap();
        assert!(both_options(&row, name), "{name} failed to export");
        // A re-parse of the export is a second, normalised row.
        let again = parse(&export(&row)).unwrap();
        assert!(both_options(&again, name));
    }
}

// ---- random stores -----------------------------------------------------------------------------------------------

const STRINGS: [&str; 14] = [
    "",
    "plain",
    "annotator@example.com",
    "quote \" inside",
    "back\\slash",
    "ctl \u{1}\u{8}\u{c}\n\r\t\u{1f} end",
    "del \u{7f}",
    "ünïcødé",
    "emoji 😀 / slash",
    "\u{2028}\u{2029}",
    "a string longer than the shared-string limit of the Python sink, repeated: xxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "0",
    "null",
    "Thu, 01 Jan 1970 00:00:00 UTC",
];

fn string(rng: &mut Rng) -> String {
    STRINGS[rng.below(STRINGS.len())].to_owned()
}

fn number(rng: &mut Rng) -> Number {
    let floats = [
        0.0,
        -0.0,
        0.1,
        0.5,
        1.0,
        -2.5,
        1e-7,
        1.5e300,
        -1e-300,
        123_456_789.123,
        1e16,
        1e21,
        5e-324,
        f64::MAX,
        0.1 + 0.2,
    ];
    match rng.below(6) {
        0 => Number::from(rng.frame(2000) - 1000),
        1 => Number::from([i64::MIN, i64::MAX, -1, 0][rng.below(4)]),
        2 => Number::from([u64::MAX, 1 << 63][rng.below(2)]),
        3 => Number::from_f64(floats[rng.below(floats.len())]).unwrap(),
        4 => {
            let f = f64::from_bits(rng.next());
            Number::from_f64(if f.is_finite() { f } else { 0.25 }).unwrap()
        }
        _ => Number::from_f64(rng.frame(1_000_000) as f64 / 1000.0).unwrap(),
    }
}

fn value(rng: &mut Rng) -> Value {
    match rng.below(6) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 | 3 => Value::Number(number(rng)),
        _ => Value::String(string(rng)),
    }
}

fn date(rng: &mut Rng) -> i64 {
    match rng.below(4) {
        0 => NOW,
        1 => rng.frame(4_000_000_000) - 2_000_000_000,
        2 => [0, -1, 951_782_400, 253_402_300_799][rng.below(4)],
        _ => NOW + rng.frame(5),
    }
}

fn nums(rng: &mut Rng, n: usize) -> Vec<Number> {
    (0..n).map(|_| number(rng)).collect()
}

fn geometry(rng: &mut Rng, unit: &DataUnit) -> Geometry {
    let which = rng.below(11);
    let mut n = || number(rng);
    let g = match which {
        0 => Geometry::BoundingBox {
            h: n(),
            w: n(),
            x: n(),
            y: n(),
        },
        1 => Geometry::RotatableBoundingBox {
            h: n(),
            w: n(),
            x: n(),
            y: n(),
            theta: n(),
        },
        2 => Geometry::Point {
            x: n(),
            y: n(),
            z: None,
        },
        3 => Geometry::Point {
            x: n(),
            y: n(),
            z: Some(n()),
        },
        4 => Geometry::Circle {
            x: n(),
            y: n(),
            r: n(),
            stretch: n(),
            theta: n(),
        },
        5 => Geometry::Ellipse {
            x: n(),
            y: n(),
            rx: n(),
            ry: n(),
            theta: n(),
        },
        6 => Geometry::Cuboid2D {
            front: (0..8).map(|_| n()).collect(),
            kind: Cuboid2DKind::Perspective {
                vanishing_point: (n(), n()),
                scale_ratio: n(),
            },
        },
        7 => Geometry::Cuboid2D {
            front: (0..8).map(|_| n()).collect(),
            kind: Cuboid2DKind::Isometric { offset: (n(), n()) },
        },
        8 => Geometry::Cuboid {
            position: (0..3).map(|_| n()).collect(),
            orientation: (0..3).map(|_| n()).collect(),
            size: (0..3).map(|_| n()).collect(),
        },
        _ => Geometry::BoundingBox {
            h: n(),
            w: n(),
            x: n(),
            y: n(),
        },
    };
    match rng.below(6) {
        0 => {
            let rings = (0..rng.below(3)).map(|_| {
                (0..=rng.below(2))
                    .map(|_| {
                        let len = rng.below(9);
                        nums(rng, len)
                    })
                    .collect()
            });
            Geometry::Polygon {
                polygons: rings.collect(),
            }
        }
        1 => Geometry::Polyline {
            points: (0..rng.below(300))
                .map(|_| (number(rng), number(rng), (rng.below(3) == 0).then(|| number(rng))))
                .collect(),
        },
        2 => Geometry::Skeleton {
            name: string(rng),
            points: (0..rng.below(4))
                .map(|_| SkeletonPoint {
                    x: [0.5, 1.0, -0.0, f64::NAN, f64::INFINITY, 1e-9][rng.below(6)],
                    y: f64::from(u32::try_from(rng.below(1000)).unwrap()) / 7.0,
                    name: string(rng).into(),
                    color: (rng.below(2) == 0).then(|| string(rng).into()),
                    feature_hash: (rng.below(2) == 0).then(|| string(rng).into()),
                    value: (rng.below(2) == 0).then(|| string(rng).into()),
                    visibility: (rng.below(2) == 0).then(|| string(rng).into()),
                })
                .collect(),
        },
        3 => {
            // Mostly the unit's size; sometimes not, which must fail the same way in both sinks.
            let (height, width) = match (unit.height.as_i64(), unit.width.as_i64()) {
                (Some(h), Some(w)) if rng.below(8) != 0 => (h, w),
                _ => (rng.frame(5), rng.frame(5)),
            };
            Geometry::Bitmask {
                top: rng.frame(10),
                left: rng.frame(10),
                height,
                width,
                rle: string(rng),
            }
        }
        _ => g,
    }
}

fn meta(rng: &mut Rng) -> AnnotationMeta {
    AnnotationMeta {
        created_at: date(rng),
        created_by: (rng.below(3) > 0).then(|| string(rng).into()),
        last_edited_at: date(rng),
        last_edited_by: (rng.below(3) > 0).then(|| string(rng).into()),
        confidence: number(rng),
        manual_annotation: rng.below(2) == 0,
        is_deleted: [None, Some(true), Some(false)][rng.below(3)],
    }
}

fn answer(rng: &mut Rng, onto: &Ontology, attr: usize) -> AnswerValue {
    let a = &onto.attrs[attr];
    match a.kind {
        AttrKind::Radio => AnswerValue::Radio(a.options[rng.below(a.options.len())]),
        AttrKind::Checklist => {
            AnswerValue::Checklist(a.options.iter().copied().filter(|_| rng.below(2) == 0).collect())
        }
        AttrKind::Text => AnswerValue::Text(string(rng)),
        AttrKind::Numeric => AnswerValue::Numeric(match rng.below(4) {
            0 => Value::Bool(true),
            _ => Value::Number(number(rng)),
        }),
    }
}

fn random_ranges(rng: &mut Rng, frames: i64) -> RangeSet {
    RangeSet::from_ranges((0..=rng.below(3)).map(|_| {
        let s = rng.frame(frames);
        (s, s + rng.frame(4))
    }))
}

fn unit(rng: &mut Rng, hash: Value, kind: DataType) -> DataUnit {
    let size = |rng: &mut Rng| match rng.below(5) {
        0 => value(rng),
        _ => Value::from(rng.frame(4) + 1),
    };
    DataUnit {
        hash,
        title: value(rng),
        link: (rng.below(4) > 0).then(|| value(rng)),
        mime: Value::from(if kind == DataType::Video {
            "video/mp4"
        } else {
            "image/png"
        }),
        height: size(rng),
        width: size(rng),
        audio: None,
        metadata: None,
    }
}

fn random_row(rng: &mut Rng) -> RowStore {
    let onto = onto();
    let kind = [DataType::Video, DataType::Image, DataType::ImgGroup, DataType::Dicom][rng.below(4)];
    let frames = match kind {
        DataType::Image => 1,
        DataType::ImgGroup => 1 + rng.frame(6),
        _ => 1 + rng.frame(40),
    };
    let media = MediaInfo {
        data_type: kind,
        number_of_frames: frames,
        fps: [Value::Null, Value::from(25.0), Value::from(30)][rng.below(3)].clone(),
        duration: [Value::Null, Value::from(1.6), Value::from(2)][rng.below(3)].clone(),
        is_shadow_data: rng.below(2) == 0,
    };
    let header = Header {
        label_hash: value(rng),
        branch_name: value(rng),
        created_at: (rng.below(2) == 0).then(|| date(rng)),
        last_edited_at: (rng.below(2) == 0).then(|| date(rng)),
        data_hash: value(rng),
        dataset_hash: value(rng),
        dataset_title: value(rng),
        data_title: value(rng),
        data_type: kind,
        annotation_task_status: value(rng),
        label_status: string(rng),
        scene: None,
        mcap_trust: false,
    };
    let mut row = RowStore::new(onto.clone(), media, header);
    let unit_frames = if kind == DataType::ImgGroup { frames } else { 1 };
    for f in 0..unit_frames {
        // Repeated and non-string unit hashes: the dict keeps the first place and the last unit.
        let hash = match rng.below(6) {
            0 => Value::from(format!("U{}", rng.frame(3))),
            1 => value(rng),
            _ => Value::from(format!("unit-{f}")),
        };
        let u = unit(rng, hash, kind);
        row.units.insert(f, u);
    }
    let first_unit = row.units.values().next().cloned().unwrap_or_default();
    let object_features = ["OBOX", "OPOLY", "OMASK", "OPT"];
    for i in 0..rng.below(8) {
        let feature = onto.object(object_features[rng.below(4)]).unwrap();
        let hash = format!("{}#{i}", string(rng));
        let mut d = ObjectData::new(hash, onto.clone(), feature);
        d.object_number = (rng.below(2) == 0).then(|| rng.next() % 100);
        let mut on: FrameMap = BTreeMap::new();
        for _ in 0..=rng.below(4) {
            let f = rng.frame(frames);
            let u = row.units.get(&f).unwrap_or(&first_unit);
            on.insert(
                f,
                Box::new(FrameAnnotation {
                    geometry: geometry(rng, u),
                    meta: meta(rng),
                    interpolate: (rng.below(5) == 0).then(|| string(rng).into()),
                    event: None,
                }),
            );
        }
        d.frames = on;
        let node = d.feature_node().clone();
        for &slot in &node.static_slots {
            if rng.below(2) == 0 {
                let v = answer(rng, &onto, slot);
                d.static_answers.set(slot, v, rng.below(2) == 0);
            }
        }
        for &attr in &node.dynamic_attrs {
            for _ in 0..rng.below(3) {
                let v = answer(rng, &onto, attr);
                d.dynamic_answers.set(attr, v, &random_ranges(rng, frames));
            }
        }
        row.add_object(Arc::new(Mutex::new(d)), true).unwrap();
    }
    for i in 0..rng.below(4) {
        let feature = onto.classification(["CWEATHER", "CFLAGS"][rng.below(2)]).unwrap();
        let mut c = ClassificationData::new(format!("{}~{i}", string(rng)), onto.clone(), feature, false, NOW);
        c.ranges = random_ranges(rng, frames);
        c.meta = meta(rng);
        let node = c.feature_node().clone();
        for &slot in &node.static_slots {
            if rng.below(2) == 0 {
                let v = answer(rng, &onto, slot);
                c.answers.set(slot, v, rng.below(2) == 0);
            }
        }
        // Overlapping or repeated global classifications are refused; that is fine here.
        let _ = row.add_classification(Arc::new(Mutex::new(c)), false);
    }
    if rng.below(12) == 0 {
        // An object that lost a frame the index still lists: an export error.
        if let Some((_, cell)) = row.objects().next() {
            let mut o = cell.lock();
            let first = o.frames.keys().next().copied();
            if let Some(f) = first {
                o.frames.remove(&f);
            }
        }
    }
    row
}

#[test]
fn random_stores_write_the_same_bytes() {
    let mut rng = Rng(0x5eed_cafe_f00d_beef);
    let cases = std::env::var("RUST_EXPORT_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1500);
    let (mut ok, mut failed) = (0, 0);
    for case in 0..cases {
        let row = random_row(&mut rng);
        if both_options(&row, &format!("case {case}")) {
            ok += 1;
        } else {
            failed += 1;
        }
    }
    eprintln!("ok {ok}, failed {failed}");
    assert!(ok > cases / 2 && failed > 20, "ok {ok}, failed {failed}");
}

/// A video long enough for the two-thread export: `objects` tracks over `frames` frames, each on most frames,
/// with random geometries, metadata and dynamic answers.
fn long_video(rng: &mut Rng, frames: i64, objects: usize) -> RowStore {
    let onto = onto();
    let media = MediaInfo {
        data_type: DataType::Video,
        number_of_frames: frames,
        fps: Value::from(25.0),
        duration: Value::from(frames as f64 / 25.0),
        is_shadow_data: false,
    };
    let header = Header {
        label_hash: Value::from("lh"),
        branch_name: Value::from("main"),
        created_at: Some(date(rng)),
        last_edited_at: Some(date(rng)),
        data_hash: Value::from("DH"),
        dataset_hash: Value::from("ds"),
        dataset_title: Value::from("t"),
        data_title: Value::from("v.mp4"),
        data_type: DataType::Video,
        annotation_task_status: Value::from("QUEUED"),
        label_status: "LABEL_IN_PROGRESS".into(),
        scene: None,
        mcap_trust: false,
    };
    let mut row = RowStore::new(onto.clone(), media, header);
    let u = unit(rng, Value::from("DH"), DataType::Video);
    row.units.insert(0, u.clone());
    let object_features = ["OBOX", "OPOLY", "OMASK", "OPT"];
    for i in 0..objects {
        let feature = onto.object(object_features[i % 4]).unwrap();
        let mut d = ObjectData::new(format!("obj{i}"), onto.clone(), feature);
        for f in 0..frames {
            if rng.below(8) > 0 {
                let mut g = geometry(rng, &u);
                // Random masks rarely have the unit's size (an export error of their own).
                while matches!(g, Geometry::Bitmask { .. }) {
                    g = geometry(rng, &u);
                }
                let a = FrameAnnotation {
                    geometry: g,
                    meta: meta(rng),
                    interpolate: None,
                    event: None,
                };
                d.frames.insert(f, Box::new(a));
            }
        }
        let node = d.feature_node().clone();
        for &attr in &node.dynamic_attrs {
            let v = answer(rng, &onto, attr);
            d.dynamic_answers.set(attr, v, &random_ranges(rng, frames));
        }
        row.add_object(Arc::new(Mutex::new(d)), true).unwrap();
    }
    row
}

/// Drops `frame` from object `i` while the frame index still lists it: an export error on that frame.
fn lose_frame(row: &RowStore, i: usize, frame: i64) {
    let (_, cell) = row.objects().nth(i).unwrap();
    assert!(
        cell.lock().frames.remove(&frame).is_some(),
        "object {i} was not on frame {frame}"
    );
}

#[test]
fn two_thread_export_writes_the_same_bytes_and_the_first_error() {
    let mut rng = Rng(0x0dd_ba11);
    let row = long_video(&mut rng, 900, 6);
    let entries: usize = row.labelled_frames().map(|(_, o)| o.len()).sum();
    assert!(entries >= PARALLEL_MIN_ENTRIES, "{entries} entries");
    for opts in [ExportOptions::default(), ExportOptions { renumber_objects: true }] {
        let one = export_json_threads(&row, opts, false).unwrap();
        let two = export_json_threads(&row, opts, true).unwrap();
        assert!(one == two, "bytes differ between one and two threads");
        assert!(one == serde_json::to_vec(&export_row(&row, opts).unwrap()).unwrap());
    }
    let err = |row: &RowStore| {
        let one = export_json_threads(row, ExportOptions::default(), false).unwrap_err();
        let two = export_json_threads(row, ExportOptions::default(), true).unwrap_err();
        assert_eq!(one, two, "errors differ between one and two threads");
        one.to_string()
    };
    // A bad frame near the end (written by the second thread), then also one near the start: the first one in
    // frame order is the error, as on one thread.
    let late = *row.objects().nth(2).unwrap().1.lock().frames.keys().last().unwrap();
    lose_frame(&row, 2, late);
    assert!(err(&row).contains(&format!("not on the frame {late}")), "{}", err(&row));
    let early = *row.objects().nth(4).unwrap().1.lock().frames.keys().next().unwrap();
    lose_frame(&row, 4, early);
    assert!(
        err(&row).contains(&format!("not on the frame {early}")),
        "{}",
        err(&row)
    );
}

#[test]
fn repeated_unit_hashes_keep_the_first_place_and_the_last_unit() {
    let mut row = parse(&json(IMG_GROUP)).unwrap();
    let first = row.units.values().next().unwrap().hash.clone();
    for u in row.units.values_mut() {
        u.hash = first.clone();
    }
    let out = same_output(&row, ExportOptions::default(), "repeated").unwrap();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let units = v["data_units"].as_object().unwrap();
    assert_eq!(units.len(), 1);
    // The unit of frame 0 came last: its sequence is the one written.
    assert_eq!(units[first.as_str().unwrap()]["data_sequence"], "0");
}

/// The reference's own fixture rows (`../shared/fixtures`, when present on this machine).
#[test]
fn shared_fixture_rows_write_the_same_bytes() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    let Ok(manifest) = std::fs::read_to_string(dir.join("MANIFEST.json")) else {
        eprintln!("no fixtures at {}", dir.display());
        return;
    };
    let read =
        |stem: &str, part: &str| json(&std::fs::read_to_string(dir.join(format!("{stem}.{part}.json"))).unwrap());
    let no_fallback = |_: &str| None;
    let mut exported = 0;
    for f in json(&manifest)["fixtures"].as_array().unwrap() {
        let Some(kind) = f["data_type"].as_str().and_then(DataType::parse) else {
            continue;
        };
        if !matches!(kind, DataType::Video | DataType::Image | DataType::ImgGroup) {
            continue;
        }
        let stem = f["name"].as_str().unwrap();
        let meta = read(stem, "metadata");
        let ctx = labelrow::parse::ParseContext {
            onto: Arc::new(Ontology::from_value(&read(stem, "ontology")).unwrap()),
            media: MediaInfo {
                data_type: kind,
                number_of_frames: meta["number_of_frames"].as_i64().unwrap_or(1),
                fps: meta["frames_per_second"].clone(),
                duration: meta["duration"].clone(),
                is_shadow_data: meta["is_shadow_data"].as_bool().unwrap_or(false),
            },
            now: NOW,
            date_fallback: &no_fallback,
        };
        let row = labelrow::parse::parse_row(&read(stem, "labels"), &ctx).unwrap_or_else(|e| panic!("{stem}: {e}"));
        assert!(both_options(&row, stem), "{stem} failed to export");
        exported += 1;
    }
    assert!(exported >= 10, "only {exported} fixture rows");
}
