//! Event-based (continuous scene) rows in the core: events read from and written to unit labels (tags, modes,
//! offsets past 2^53), their checks, ranges and lookups, the three event writes with their pruning, the
//! interpolation arithmetic (a correctly rounded fraction, the quaternion slerp), and MCAP spaces on trust.

use std::sync::Arc;

use labelrow::error::{ErrorKind, LabelError};
use labelrow::event_edits;
use labelrow::events::{self, exact_fraction, Interpolated};
use labelrow::export::{export_json, export_row, ExportOptions};
use labelrow::instance::MetaUpdate;
use labelrow::ontology::Ontology;
use labelrow::parse::{parse_tree_with_spaces, ParseContext};
use labelrow::row::{DataType, MediaInfo, RowStore};
use serde_json::Value;

const ONTOLOGY: &str = r##"{"objects":[
 {"id":"1","name":"Car","color":"#00FF00","shape":"cuboid","featureNodeHash":"OCUB","attributes":[]},
 {"id":"2","name":"Pin","color":"#0000FF","shape":"point","featureNodeHash":"OPT","attributes":[]},
 {"id":"3","name":"Area","color":"#FF0000","shape":"polygon","featureNodeHash":"OPOLY","attributes":[]},
 {"id":"4","name":"Road","color":"#A4FF00","shape":"segmentation","featureNodeHash":"OSEG","attributes":[]}],
"classifications":[]}"##;

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

fn no_fallback(_: &str) -> Option<i64> {
    None
}

fn cuboid(hash: &str, event: &str, x: f64, extra: &str) -> String {
    let tag = if event.is_empty() {
        String::new()
    } else {
        format!(r#""event":"{event}","#)
    };
    format!(
        r#"{{"objectHash":"{hash}","featureHash":"OCUB","shape":"cuboid","createdAt":"Mon, 01 Jan 2024 00:00:00 UTC",{tag}{extra}
        "cuboid":{{"position":[{x},0,0],"orientation":[0,0,{x}],"size":[1,1,1]}}}}"#
    )
}

fn point(hash: &str, event: &str, x: f64, extra: &str) -> String {
    format!(
        r#"{{"objectHash":"{hash}","featureHash":"OPT","shape":"point","createdAt":"Mon, 01 Jan 2024 00:00:00 UTC",
        "event":"{event}",{extra}"point":{{"0":{{"x":{x},"y":0.5,"z":1.0}}}}}}"#
    )
}

fn row_dict(frames: &[(&str, Vec<String>)], scene: &str, spaces: &str, answers: &str) -> Value {
    let labels: Vec<String> = frames
        .iter()
        .map(|(f, objs)| format!(r#""{f}":{{"objects":[{}],"classifications":[]}}"#, objs.join(",")))
        .collect();
    json(&format!(
        r#"{{"label_hash":"L","branch_name":"main","created_at":null,"last_edited_at":null,"data_hash":"D",
        "dataset_hash":"S","dataset_title":"","data_title":"t","data_type":"scene","label_status":"LABELLED",
        "object_answers":{{{answers}}},"classification_answers":{{}},"object_actions":{{}},"spaces":{spaces},
        "scene":{scene},
        "data_units":{{"D":{{"data_hash":"D","data_title":"t","data_link":"l","data_type":"scene",
        "data_sequence":0,"labels":{{{}}}}}}}}}"#,
        labels.join(",")
    ))
}

fn continuous(frames: &[(&str, Vec<String>)]) -> Value {
    row_dict(frames, r#"{"isContinuous":true}"#, "null", "")
}

fn parse(v: &Value) -> Result<RowStore, LabelError> {
    let ctx = ParseContext {
        onto: Arc::new(Ontology::from_value(&json(ONTOLOGY)).unwrap()),
        media: MediaInfo {
            data_type: DataType::Scene,
            number_of_frames: 0,
            fps: Value::from(10),
            duration: Value::from(10),
            is_shadow_data: false,
        },
        now: 1_700_000_000,
        date_fallback: &no_fallback,
    };
    let text = serde_json::to_string(v).unwrap();
    let tree = labelrow::tree::json::parse(text.as_bytes()).unwrap();
    parse_tree_with_spaces(tree.root(), &ctx, &[])
}

/// Exported through both sinks, which must agree byte for byte.
fn export(row: &RowStore) -> Value {
    let by_value = serde_json::to_string(&export_row(row, ExportOptions::default()).unwrap()).unwrap();
    let bytes = export_json(row, ExportOptions::default()).unwrap();
    assert_eq!(by_value.as_bytes(), bytes.as_slice());
    json(&by_value)
}

fn labels(out: &Value) -> &serde_json::Map<String, Value> {
    out["data_units"]["D"]["labels"].as_object().unwrap()
}

#[test]
fn events_load_and_export_with_tags_and_modes() {
    let big = "1000000000000000000";
    let d = continuous(&[
        ("0", vec![cuboid("c", "", 1.0, r#""interpolate":"linear","#)]),
        ("5", vec![point("p", "upsert", 0.25, r#""interpolate":"hold","#)]),
        (big, vec![cuboid("c", "delete", 0.0, ""), point("p", "delete", 0.0, "")]),
    ]);
    let row = parse(&d).unwrap();
    assert!(row.header.is_event_based());
    let out = export(&row);
    let keys: Vec<&String> = labels(&out).keys().collect();
    assert_eq!(keys, ["0", "5", big]);
    // An untagged entry is written back as an upsert, `event` before `interpolate`.
    let first = &labels(&out)["0"]["objects"][0];
    let order: Vec<&str> = first.as_object().unwrap().keys().map(String::as_str).collect();
    let at = |k: &str| order.iter().position(|x| *x == k).unwrap();
    assert!(at("lastEditedAt") < at("event") && at("event") < at("interpolate") && at("interpolate") < at("cuboid"));
    assert_eq!(first["event"], "upsert");
    assert_eq!(labels(&out)["5"]["objects"][0]["interpolate"], "hold");
    assert_eq!(labels(&out)[big]["objects"][1]["event"], "delete");
    let (_, cell) = row.objects().next().unwrap();
    let frames = &cell.lock().frames;
    assert_eq!(events::ranges(frames).unwrap(), [(0, 999_999_999_999_999_999)]);
    assert_eq!(events::resolve_at(frames, 123_456_789), Some(0));
    assert_eq!(events::resolve_at(frames, 1_000_000_000_000_000_000), None);
}

#[test]
fn inconsistent_events_are_refused_with_their_place() {
    let e = parse(&continuous(&[("7", vec![cuboid("c", "upsert", 1.0, "")])])).unwrap_err();
    assert!(
        e.to_string().contains("Object `c`") && e.to_string().contains("frame `7`"),
        "{e}"
    );
    let e = parse(&continuous(&[("0", vec![cuboid("c", "appear", 1.0, "")])])).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Value);
    assert!(e.to_string().contains(r#"labels["0"].objects[0].event"#), "{e}");
    let e = parse(&continuous(&[(
        "0",
        vec![point("p", "upsert", 1.0, r#""interpolate":"cubic","#)],
    )]))
    .unwrap_err();
    assert!(
        e.to_string().contains("interpolate") && e.to_string().contains("cubic"),
        "{e}"
    );
    let poly = r#"{"objectHash":"g","featureHash":"OPOLY","polygon":{"0":{"x":0.1,"y":0.1}}}"#.to_owned();
    let e = parse(&continuous(&[("0", vec![poly])])).unwrap_err();
    assert!(e.to_string().contains("POLYGON"), "{e}");
    let e = parse(&continuous(&[(
        "100000000000000000000000",
        vec![cuboid("c", "delete", 0.0, "")],
    )]))
    .unwrap_err();
    assert!(e.to_string().contains("64-bit"), "{e}");
    // Event tags need an event-based row.
    let d = row_dict(
        &[("0", vec![cuboid("c", "upsert", 1.0, "")])],
        r#"{"isContinuous":false}"#,
        "null",
        "",
    );
    assert!(parse(&d).unwrap_err().to_string().contains("event"));
}

#[test]
fn event_writes_prune_and_leave_a_refused_call_without_effect() {
    let mut row = parse(&continuous(&[
        ("0", vec![cuboid("c", "upsert", 1.0, r#""interpolate":"linear","#)]),
        ("10", vec![cuboid("c", "upsert", 2.0, "")]),
        ("20", vec![cuboid("c", "delete", 0.0, "")]),
    ]))
    .unwrap();
    let cell = row.objects().next().unwrap().1.clone();
    let geometry = cell.lock().frames[&10].geometry.clone();
    let up = MetaUpdate::default();
    // An existing upsert needs `overwrite`; nothing changes when it is refused.
    let e = event_edits::upsert(&mut row, &cell, 10, geometry.clone(), &up, None, false, 0).unwrap_err();
    assert!(e.to_string().contains("overwrite"), "{e}");
    let e = event_edits::upsert(&mut row, &cell, 5, geometry.clone(), &up, Some("cubic"), false, 0).unwrap_err();
    assert!(e.to_string().contains("cubic"), "{e}");
    assert_eq!(cell.lock().frames.len(), 3);
    // A split inherits the mode of the upsert it splits.
    event_edits::upsert(&mut row, &cell, 5, geometry, &up, None, false, 0).unwrap();
    assert_eq!(events::mode_of(&cell.lock().frames[&5]), "linear");
    // A delete right after an interpolating upsert strands it: it stops interpolating.
    event_edits::delete(&mut row, &cell, 7, 0).unwrap();
    assert_eq!(events::mode_of(&cell.lock().frames[&5]), "hold");
    assert_eq!(events::ranges(&cell.lock().frames).unwrap(), [(0, 6), (10, 19)]);
    // A delete on an opening keyframe removes it; then the delete at 7 terminates nothing and goes too.
    event_edits::delete(&mut row, &cell, 0, 0).unwrap();
    assert_eq!(cell.lock().frames.keys().copied().collect::<Vec<_>>(), [5, 7, 10, 20]);
    event_edits::remove(&mut row, &cell, 5).unwrap();
    assert_eq!(cell.lock().frames.keys().copied().collect::<Vec<_>>(), [10, 20]);
    assert!(event_edits::remove(&mut row, &cell, 5).is_err());
    // Without its upsert the delete at 20 terminates nothing: it is pruned, and the object, left without
    // events, leaves the row.
    event_edits::remove(&mut row, &cell, 10).unwrap();
    assert!(cell.lock().frames.is_empty());
    assert_eq!(row.object_count(), 0);
    assert!(labels(&export(&row)).is_empty());
}

#[test]
fn the_fraction_is_rounded_once() {
    // Exact for small offsets, and correctly rounded where converting both to doubles would round twice.
    assert_eq!(exact_fraction(1, 4), 0.25);
    // Python: 544461693100611748 / 579832826712306748 == 0.9389977041964805, while the quotient of the two
    // doubles is 0.9389977041964807.
    let (n, d) = (544_461_693_100_611_748_i64, 579_832_826_712_306_748_i64);
    #[allow(clippy::cast_precision_loss)]
    let twice = n as f64 / d as f64;
    assert_eq!(twice, 0.938_997_704_196_480_7);
    assert_eq!(exact_fraction(n, d), 0.938_997_704_196_480_5);
}

#[test]
fn linear_cuboids_turn_along_the_shorter_arc() {
    let row = parse(&continuous(&[
        ("0", vec![cuboid("c", "upsert", 1.0, r#""interpolate":"linear","#)]),
        ("1000", vec![cuboid("c", "upsert", 2.0, "")]),
        ("2000", vec![cuboid("c", "delete", 0.0, "")]),
    ]))
    .unwrap();
    let cell = row.objects().next().unwrap().1.clone();
    let got = events::interpolated_at(&cell.lock().frames, 0, 500).unwrap();
    let Interpolated::Cuboid {
        position,
        orientation,
        size,
    } = got
    else {
        panic!("{got:?}")
    };
    assert_eq!(position, [1.5, 0.0, 0.0]);
    assert_eq!(size, [1.0, 1.0, 1.0]);
    // The reference gives (-0.0, 0.0, 1.5000000000000002) here (three.js's formulas through quaternions).
    assert_eq!(orientation[2], 1.500_000_000_000_000_2);
    assert!(orientation[0] == 0.0 && orientation[0].is_sign_negative());
    assert!(events::interpolated_at(&cell.lock().frames, 1000, 1500).is_none());
}

#[test]
fn mcap_scenes_take_point_clouds_on_trust() {
    let seg = r##"{"shape":"segmentation","objectHash":"s","featureHash":"OSEG","segmentation":"06",
        "createdAt":"Mon, 01 Jan 2024 00:00:00 UTC","lastEditedAt":"Mon, 01 Jan 2024 00:00:00 UTC"}"##;
    let mut d = row_dict(
        &[
            ("0", vec![cuboid("c", "upsert", 1.0, "")]),
            ("9", vec![cuboid("c", "delete", 0.0, "")]),
        ],
        r#"{"isContinuous":true}"#,
        "{}",
        r#""s":{"objectHash":"s","classifications":[]}"#,
    );
    d["data_units"]["D"]["labels"]["lidar@17"] = json(&format!(r#"{{"objects":[{seg}],"classifications":[]}}"#));
    let row = parse(&d).unwrap();
    assert!(row.header.mcap_trust);
    assert_eq!(row.spaces.synthetic().count(), 1);
    let out = export(&row);
    assert_eq!(out["spaces"], json("{}"));
    assert_eq!(labels(&out)["lidar@17"]["objects"][0]["segmentation"], "06");
    // Not continuous: the same keys are not point clouds.
    d["scene"] = json("{}");
    d["data_units"]["D"]["labels"] = json("{}");
    assert!(!parse(&d).unwrap().header.mcap_trust);
}
