//! Range-based rows in the core: objects read from and written to `object_answers` (audio, plain text, HTML,
//! time series), their data units, the input rules, and the two export sinks agreeing on them.

use std::sync::Arc;

use labelrow::error::{ErrorKind, LabelError};
use labelrow::export::{export_json, export_row, ExportOptions};
use labelrow::geometry::Geometry;
use labelrow::ontology::Ontology;
use labelrow::parse::{parse_row, parse_tree, ParseContext};
use labelrow::row::{DataType, MediaInfo, RowStore};
use serde_json::Value;

const ONTOLOGY: &str = r##"{"objects":[
 {"id":"1","name":"Speech Part","color":"#A4FF00","shape":"audio","featureNodeHash":"OAUDIO","attributes":[
   {"id":"1.1","name":"Speaker","type":"text","featureNodeHash":"SPK","required":false}]},
 {"id":"2","name":"Span","color":"#00FF00","shape":"text","featureNodeHash":"OTEXT","attributes":[]},
 {"id":"3","name":"Window","color":"#0000FF","shape":"time_range","featureNodeHash":"OTIME","attributes":[]},
 {"id":"4","name":"Box","color":"#FF0000","shape":"bounding_box","featureNodeHash":"OBOX","attributes":[]}],
"classifications":[]}"##;

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

fn row_dict(dt: &str, mime: &str, unit_extra: &str, answers: &str) -> Value {
    json(&format!(
        r#"{{"label_hash":"L","branch_name":"main","created_at":null,"last_edited_at":null,"data_hash":"D",
        "dataset_hash":"S","dataset_title":"","data_title":"t","data_type":"{dt}","label_status":"LABELLED",
        "object_answers":{{{answers}}},"classification_answers":{{}},"object_actions":{{}},
        "data_units":{{"D":{{"data_hash":"D","data_title":"t","data_link":"l","data_type":"{mime}",
        "data_sequence":0,{unit_extra}"labels":{{"0":{{"objects":[]}}}}}}}}}}"#
    ))
}

const AUDIO_UNIT: &str = r#""audio_codec":"mp3","audio_sample_rate":44100,"audio_bit_depth":8,"audio_num_channels":2,"#;

fn entry(hash: &str, feature: &str, geometry: &str) -> String {
    format!(
        r#""{hash}":{{"objectHash":"{hash}","featureHash":"{feature}","classifications":[],"createdAt":"2024-01-02T03:04:05",
        "lastEditedAt":"2024-01-02T03:04:05","createdBy":"ann","confidence":0.5,"manualAnnotation":false,{geometry}}}"#
    )
}

fn no_fallback(_: &str) -> Option<i64> {
    None
}

fn parse(v: &Value, dt: DataType) -> Result<RowStore, LabelError> {
    let ctx = ParseContext {
        onto: Arc::new(Ontology::from_value(&json(ONTOLOGY)).unwrap()),
        media: MediaInfo {
            data_type: dt,
            number_of_frames: 100,
            fps: Value::from(25.0),
            duration: Value::from(4),
            is_shadow_data: false,
        },
        now: 1_700_000_000,
        date_fallback: &no_fallback,
    };
    let text = serde_json::to_string(v).unwrap();
    let tree = labelrow::tree::json::parse(text.as_bytes()).unwrap();
    let from_text = parse_tree(tree.root(), &ctx);
    let from_value = parse_row(v, &ctx);
    match (&from_text, &from_value) {
        (Ok(a), Ok(b)) => assert_eq!(export_text(a), export_text(b)),
        (Err(a), Err(b)) => assert_eq!(a, b),
        _ => panic!("the JSON and Value paths disagree"),
    }
    from_text
}

/// Exported through both sinks, which must agree byte for byte.
fn export_text(row: &RowStore) -> String {
    let by_value = serde_json::to_string(&export_row(row, ExportOptions::default()).unwrap()).unwrap();
    let by_json = String::from_utf8(export_json(row, ExportOptions::default()).unwrap()).unwrap();
    assert_eq!(by_value, by_json);
    by_value
}

fn export(row: &RowStore) -> Value {
    json(&export_text(row))
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

fn parse_err(dt: DataType, v: &Value) -> LabelError {
    match parse(v, dt) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

#[test]
fn audio_objects_are_written_into_object_answers() {
    let answers = [
        entry("b", "OAUDIO", r#""range":[[7,9],[0,5],[3,6],[10,10]],"objectNumber":2"#),
        entry("a", "OAUDIO", r#""range":[[1,2]],"createdBy":null"#),
    ]
    .join(",");
    let out = export(&parse(&row_dict("audio", "audio/mpeg", AUDIO_UNIT, &answers), DataType::Audio).unwrap());
    let oa = &out["object_answers"];
    assert_eq!(keys(oa), ["b", "a"]);
    assert_eq!(
        keys(&oa["b"]),
        [
            "classifications",
            "objectHash",
            "objectNumber",
            "createdBy",
            "createdAt",
            "lastEditedBy",
            "lastEditedAt",
            "manualAnnotation",
            "featureHash",
            "name",
            "color",
            "shape",
            "value",
            "range"
        ]
    );
    assert_eq!(oa["b"]["range"], json("[[0,10]]"));
    assert_eq!(oa["b"]["lastEditedBy"], Value::Null);
    assert_eq!(oa["a"]["createdBy"], Value::Null);
    assert_eq!(oa["b"]["value"], "speech_part");
    let unit = &out["data_units"]["D"];
    assert_eq!(
        keys(unit),
        [
            "data_hash",
            "data_title",
            "data_link",
            "data_type",
            "data_sequence",
            "audio_codec",
            "audio_sample_rate",
            "audio_bit_depth",
            "audio_num_channels",
            "labels",
            "data_duration"
        ]
    );
    assert_eq!(unit["labels"], json("{}"));
}

#[test]
fn html_objects_keep_their_node_ranges_in_order() {
    let html = r#""range":[[1,2]],"range_html":[{"start":{"xpath":"/b","offset":"7"},"end":{"xpath":"/c","offset":2.0}},
        {"start":{"xpath":"/a","offset":1},"end":{"xpath":"/a","offset":1}}]"#;
    let v = row_dict("plain_text", "text/html", "", &entry("h", "OTEXT", html));
    let out = export(&parse(&v, DataType::PlainText).unwrap());
    let e = &out["object_answers"]["h"];
    assert_eq!(keys(e)[11..], ["value", "range_html", "range"]);
    assert_eq!(e["range"], json("[]"));
    assert_eq!(
        e["range_html"],
        json(
            r#"[{"start":{"xpath":"/b","offset":7},"end":{"xpath":"/c","offset":2}},
            {"start":{"xpath":"/a","offset":1},"end":{"xpath":"/a","offset":1}}]"#
        )
    );
    assert_eq!(
        keys(&out["data_units"]["D"]),
        [
            "data_hash",
            "data_title",
            "data_link",
            "data_type",
            "data_sequence",
            "labels"
        ]
    );
}

#[test]
fn time_series_units_carry_duration_and_fps() {
    let v = row_dict(
        "time_series",
        "text/csv",
        "",
        &entry("t", "OTIME", r#""range":[[0,3]]"#),
    );
    let out = export(&parse(&v, DataType::TimeSeries).unwrap());
    assert_eq!(out["object_answers"]["t"]["shape"], "time_range");
    let unit = &out["data_units"]["D"];
    assert_eq!(unit["data_duration"], 4);
    assert_eq!(unit["data_fps"], 25.0);
}

#[test]
fn spaces_entries_are_skipped_and_a_repeated_hash_replaces() {
    let answers = [
        entry("x", "OTEXT", r#""range":[[0,1]]"#),
        entry("y", "OTEXT", r#""range":[[0,1]],"spaces":{"s":{}}"#),
        entry("z", "OTEXT", r#""range":[[4,4]]"#),
    ]
    .join(",")
        + r#","x2":{"objectHash":"x","featureHash":"OTEXT","classifications":[],"range":[[9,9]]}"#;
    let out = export(&parse(&row_dict("plain_text", "text/plain", "", &answers), DataType::PlainText).unwrap());
    assert_eq!(keys(&out["object_answers"]), ["z", "x"]);
    assert_eq!(out["object_answers"]["x"]["range"], json("[[9,9]]"));
}

#[test]
fn bad_range_entries_name_the_place() {
    let cases: [(&str, ErrorKind, &str); 9] = [
        (r#""spare":1"#, ErrorKind::Key, "'range'"),
        (r#""range":null"#, ErrorKind::Type, "range"),
        (r#""range":[[1]]"#, ErrorKind::Index, "range[0]"),
        (
            r#""range":[[9,3]]"#,
            ErrorKind::Value,
            "Start of range 9 must not be greater than end 3",
        ),
        (r#""range":[[1.5,3]]"#, ErrorKind::Value, "range[0][0]"),
        (r#""range":[["1",3]]"#, ErrorKind::Type, "range[0][0]"),
        (r#""range":[[true,3]]"#, ErrorKind::Type, "range[0][0]"),
        (
            r#""range":[[0,1]],"manualAnnotation":"yes""#,
            ErrorKind::LabelRow,
            "manualAnnotation",
        ),
        (
            r#""range":[[0,1]],"objectNumber":-1"#,
            ErrorKind::LabelRow,
            "objectNumber",
        ),
    ];
    for (geometry, kind, needle) in cases {
        let e = parse_err(
            DataType::Audio,
            &row_dict("audio", "audio/mpeg", AUDIO_UNIT, &entry("a", "OAUDIO", geometry)),
        );
        assert_eq!(e.kind, kind, "{geometry}: {}", e.message);
        assert!(e.message.contains(needle), "{needle:?} not in {:?}", e.message);
        assert!(e.message.contains("object_answers"), "{}", e.message);
    }
    let wrong = row_dict(
        "audio",
        "audio/mpeg",
        AUDIO_UNIT,
        &entry("a", "OTEXT", r#""range":[[0,1]]"#),
    );
    let e = parse_err(DataType::Audio, &wrong);
    assert!(e.kind == ErrorKind::LabelRow && e.message.contains("Unsupported object shape for data type"));
    let html = row_dict(
        "plain_text",
        "text/html",
        "",
        &entry("h", "OTEXT", r#""range":[[0,1]]"#),
    );
    assert_eq!(parse_err(DataType::PlainText, &html).kind, ErrorKind::Key);
    let bad_node = r#""range_html":[{"start":{"xpath":"/a","offset":1.5},"end":{"xpath":"/a","offset":1}}]"#;
    let html = row_dict("plain_text", "text/html", "", &entry("h", "OTEXT", bad_node));
    assert_eq!(parse_err(DataType::PlainText, &html).kind, ErrorKind::Value);
    let html_audio = row_dict(
        "plain_text",
        "text/html",
        "",
        &entry("h", "OAUDIO", &bad_node.replace("1.5", "1")),
    );
    assert_eq!(parse_err(DataType::PlainText, &html_audio).kind, ErrorKind::LabelRow);
}

#[test]
fn a_box_object_on_a_text_row_cannot_be_exported() {
    // The API can put a box object on a plain-text row (as in the reference); it has no ranges to write.
    let v = row_dict(
        "plain_text",
        "text/plain",
        "",
        &entry("t", "OTEXT", r#""range":[[0,1]]"#),
    );
    let row = parse(&v, DataType::PlainText).unwrap();
    let cell = row.object(row.object_order("t").unwrap()).unwrap().clone();
    {
        let mut o = cell.lock();
        o.feature = 3;
        let one = serde_json::Number::from(1);
        o.frames.get_mut(&0).unwrap().geometry = Geometry::BoundingBox {
            h: one.clone(),
            w: one.clone(),
            x: one.clone(),
            y: one,
        };
    }
    let e = export_row(&row, ExportOptions::default()).unwrap_err();
    assert_eq!(e, export_json(&row, ExportOptions::default()).unwrap_err());
    assert!(e.message.contains("No ranges available"), "{}", e.message);
}
