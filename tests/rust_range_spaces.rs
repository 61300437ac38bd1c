//! Range spaces of data groups in the Rust core (no Python): the store's placement rules (overlap strategies,
//! checks before changes, one metadata set per object across spaces), parsing `object_answers[*].spaces` through
//! the JSON-text and `Value` paths, and the export's key orders.

mod common;

use std::sync::Arc;

use common::{json, text, NOW};
use labelrow::error::ErrorKind;
use labelrow::export::{export_json, export_row, ExportOptions};
use labelrow::geometry::{HtmlNode, HtmlRange};
use labelrow::instance::{MetaUpdate, ObjectCell, ObjectData};
use labelrow::ontology::Ontology;
use labelrow::parse::{parse_tree_with_spaces, ParseContext};
use labelrow::ranges::RangeSet;
use labelrow::row::{DataType, MediaInfo, RowStore};
use labelrow::spaces::{RangeOverlap, RangePlacement, SpaceDef};
use parking_lot::Mutex;
use serde_json::Value;

const ONTOLOGY: &str = r##"{"objects":[
 {"id":"1","name":"Speaker","color":"#A4FF00","shape":"audio","featureNodeHash":"OAUDIO","attributes":[
   {"id":"1.1","name":"Transcript","type":"text","featureNodeHash":"TRANS","required":false}]},
 {"id":"2","name":"Span","color":"#00FF00","shape":"text","featureNodeHash":"OTEXT","attributes":[]},
 {"id":"3","name":"Box","color":"#FF0000","shape":"bounding_box","featureNodeHash":"OBOX","attributes":[]}],
 "classifications":[
 {"id":"4","featureNodeHash":"CMOOD","attributes":[
   {"id":"4.1","name":"Mood","type":"text","featureNodeHash":"MOOD","required":false}]}]}"##;

const SPACES: &str = r#"{
 "a1":{"space_type":"audio","child_info":{"layout_key":"en","file_name":"en.mp3"},"duration_ms":1000,"labels":{}},
 "a2":{"space_type":"audio","child_info":{"layout_key":"fr","file_name":"fr.mp3"},"duration_ms":1000,"labels":{}},
 "h1":{"space_type":"html","child_info":{"layout_key":"web","file_name":"w.html"},"labels":{}}}"#;

const ROW: &str = r#"{"label_hash":"L","branch_name":"main","created_at":null,"last_edited_at":null,
 "data_hash":"G","dataset_hash":"DS","dataset_title":"","data_title":"grp","data_type":"group",
 "label_status":"LABELLED","data_units":{},
 "object_answers":{
   "sp":{"objectHash":"sp","featureHash":"OAUDIO","classifications":[
       {"name":"Transcript","value":"transcript","answers":"hello","featureHash":"TRANS","manualAnnotation":true}],
     "createdBy":"ann@example.com","createdAt":"Thu, 05 Dec 2024 15:24:19 UTC",
     "lastEditedAt":"Thu, 05 Dec 2024 15:24:44 UTC","manualAnnotation":true,"range":[],
     "spaces":{"a1":{"range":[[10,20],[0,4]],"type":"frame"},"a2":{"range":[[300,500]],"type":"frame"}},
     "objectNumber":3},
   "ht":{"objectHash":"ht","featureHash":"OTEXT","classifications":[],"range":[],
     "createdAt":"Thu, 05 Dec 2024 15:24:19 UTC","lastEditedAt":"Thu, 05 Dec 2024 15:24:44 UTC",
     "spaces":{"h1":{"type":"html","range":[[{"xpath":"/p[2]","offset":5},{"xpath":"/p[3]","offset":1}]]}}}},
 "classification_answers":{
   "c1":{"classificationHash":"c1","featureHash":"CMOOD","classifications":[
       {"name":"Mood","value":"mood","answers":"calm","featureHash":"MOOD","manualAnnotation":true}],
     "createdBy":"bob@example.com","createdAt":"Tue, 05 Nov 2024 09:41:37 UTC",
     "lastEditedAt":"Tue, 05 Nov 2024 09:41:37 UTC","manualAnnotation":true,"range":[],
     "spaces":{"a1":{"range":[],"type":"frame"},"h1":{"range":[],"type":"html"}}}},
 "object_actions":{},
 "spaces":{"a1":{"space_type":"audio","labels":{}},"a2":{"space_type":"audio","labels":{}},
   "h1":{"space_type":"html","labels":{}}}}"#;

fn no_fallback(_: &str) -> Option<i64> {
    None
}

fn ctx() -> ParseContext<'static> {
    ParseContext {
        onto: Arc::new(Ontology::from_value(&json(ONTOLOGY)).unwrap()),
        media: MediaInfo {
            data_type: DataType::Group,
            number_of_frames: 0,
            fps: Value::Null,
            duration: Value::Null,
            is_shadow_data: false,
        },
        now: NOW,
        date_fallback: &no_fallback,
    }
}

fn defs() -> Vec<Arc<SpaceDef>> {
    SpaceDef::all_from_metadata(&json(SPACES)).unwrap()
}

/// Parses through the JSON-text path and checks that the `Value` path gives the same export.
fn parse(v: &Value) -> Result<RowStore, labelrow::error::LabelError> {
    let c = ctx();
    let t = serde_json::to_string(v).unwrap();
    let tree = labelrow::tree::json::parse(t.as_bytes()).unwrap();
    let from_text = parse_tree_with_spaces(tree.root(), &c, &defs());
    let vtree = labelrow::tree::Tree::from_value(v).unwrap();
    let from_value = parse_tree_with_spaces(vtree.root(), &c, &defs());
    match (&from_text, &from_value) {
        (Ok(a), Ok(b)) => assert_eq!(export(a), export(b)),
        (Err(a), Err(b)) => assert_eq!(a, b),
        _ => panic!("the JSON and Value paths disagree"),
    }
    from_text
}

fn export(row: &RowStore) -> String {
    text(&export_row(row, ExportOptions::default()).unwrap())
}

fn obj(row: &RowStore, hash: &str, feature: &str) -> ObjectCell {
    let f = row.onto.object(feature).unwrap();
    Arc::new(Mutex::new(ObjectData::new(hash.into(), row.onto.clone(), f)))
}

fn ranges(r: &[(i64, i64)]) -> RangePlacement {
    RangePlacement::Ranges(RangeSet::from_ranges(r.iter().copied()))
}

fn held(row: &RowStore, space: &str, hash: &str) -> Option<Vec<(i64, i64)>> {
    match row.spaces.get(space)?.labels.placements.get(hash)? {
        RangePlacement::Ranges(r) => Some(r.ranges().to_vec()),
        RangePlacement::Html(_) => None,
    }
}

#[test]
fn parse_places_objects_and_classifications_on_range_spaces() {
    let row = parse(&json(ROW)).unwrap();
    assert_eq!(held(&row, "a1", "sp"), Some(vec![(0, 4), (10, 20)]));
    assert_eq!(held(&row, "a2", "sp"), Some(vec![(300, 500)]));
    // One cell for both spaces, with the metadata of the entry and its answers.
    let (c1, c2) = (
        &row.spaces.get("a1").unwrap().labels.objects["sp"],
        &row.spaces.get("a2").unwrap().labels.objects["sp"],
    );
    assert!(Arc::ptr_eq(c1, c2));
    assert_eq!(
        c1.lock().range_meta.as_ref().unwrap().created_by.as_deref(),
        Some("ann@example.com")
    );
    assert_eq!(c1.lock().object_number, Some(3));
    let h = &row.spaces.get("h1").unwrap().labels;
    assert!(matches!(&h.placements["ht"], RangePlacement::Html(r) if r.len() == 1 && r[0].start.offset == 5));
    for id in ["a1", "h1"] {
        assert!(row.spaces.get(id).unwrap().labels.classifications["c1"]
            .global
            .is_some());
    }
    assert!(row.spaces.get("a2").unwrap().labels.classifications.is_empty());
}

#[test]
fn export_writes_the_reference_key_orders() {
    let row = parse(&json(ROW)).unwrap();
    let out = export_row(&row, ExportOptions::default()).unwrap();
    let sp = &out["object_answers"]["sp"];
    let keys: Vec<&str> = sp.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "classifications",
            "objectHash",
            "createdBy",
            "createdAt",
            "lastEditedAt",
            "lastEditedBy",
            "manualAnnotation",
            "featureHash",
            "name",
            "color",
            "shape",
            "value",
            "range",
            "spaces",
            "objectNumber"
        ]
    );
    assert_eq!(
        text(&sp["spaces"]),
        r#"{"a1":{"range":[[0,4],[10,20]],"type":"frame"},"a2":{"range":[[300,500]],"type":"frame"}}"#
    );
    assert_eq!(sp["value"], "speaker");
    assert_eq!(
        text(&out["object_answers"]["ht"]["spaces"]),
        r#"{"h1":{"range":[[{"xpath":"/p[2]","offset":5},{"xpath":"/p[3]","offset":1}]],"type":"html"}}"#
    );
    let c1 = &out["classification_answers"]["c1"];
    let keys: Vec<&str> = c1.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "classifications",
            "classificationHash",
            "featureHash",
            "range",
            "createdBy",
            "createdAt",
            "lastEditedBy",
            "lastEditedAt",
            "manualAnnotation",
            "confidence",
            "spaces"
        ]
    );
    assert_eq!(
        text(&c1["spaces"]),
        r#"{"a1":{"range":[],"type":"frame"},"h1":{"range":[],"type":"html"}}"#
    );
    // The JSON sink writes the same document, and a re-parse gives it back.
    let bytes = export_json(&row, ExportOptions::default()).unwrap();
    assert_eq!(text(&serde_json::from_slice::<Value>(&bytes).unwrap()), text(&out));
    assert_eq!(export(&parse(&out).unwrap()), text(&out));
}

#[test]
fn overlap_strategies() {
    let mut row = parse(&json(ROW)).unwrap();
    let o = obj(&row, "n", "OAUDIO");
    let up = MetaUpdate::default();
    let s = row.spaces.get_mut("a1").unwrap();
    s.put_range_object(&o, ranges(&[(0, 10)]), &up, RangeOverlap::Error, NOW)
        .unwrap();
    let e = s
        .put_range_object(&o, ranges(&[(5, 30)]), &up, RangeOverlap::Error, NOW)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::LabelRow);
    assert!(e.message.contains("[(5:10)]"), "{}", e.message);
    // No overlap: every strategy adds.
    s.put_range_object(&o, ranges(&[(20, 25)]), &up, RangeOverlap::Replace, NOW)
        .unwrap();
    assert_eq!(held(&row, "a1", "n"), Some(vec![(0, 10), (20, 25)]));
    let s = row.spaces.get_mut("a1").unwrap();
    s.put_range_object(&o, ranges(&[(8, 12)]), &up, RangeOverlap::Merge, NOW)
        .unwrap();
    assert_eq!(held(&row, "a1", "n"), Some(vec![(0, 12), (20, 25)]));
    let s = row.spaces.get_mut("a1").unwrap();
    s.put_range_object(&o, ranges(&[(11, 40)]), &up, RangeOverlap::Replace, NOW)
        .unwrap();
    assert_eq!(held(&row, "a1", "n"), Some(vec![(11, 40)]));
    let s = row.spaces.get_mut("a1").unwrap();
    let removed = s.remove_object_from_ranges("n", &RangeSet::from_ranges([(0, 15), (39, 50)]));
    assert_eq!(removed.ranges(), &[(11, 15), (39, 40)]);
    let removed = s.remove_object_from_ranges("n", &RangeSet::from_ranges([(0, 100)]));
    assert_eq!(removed.ranges(), &[(16, 38)]);
    assert!(
        !s.labels.objects.contains_key("n"),
        "an object on no range leaves the space"
    );
    assert_eq!(s.remove_range_object("n").unwrap_err().kind, ErrorKind::Key);
}

#[test]
fn refused_placements_change_nothing() {
    let mut row = parse(&json(ROW)).unwrap();
    let before = export(&row);
    let up = MetaUpdate {
        created_by: Some("x@example.com".into()),
        ..MetaUpdate::default()
    };
    let sp = row.spaces.get("a1").unwrap().labels.objects["sp"].clone();
    let text_obj = obj(&row, "t", "OTEXT");
    let box_obj = obj(&row, "b", "OBOX");
    let s = row.spaces.get_mut("a1").unwrap();
    for (cell, p, needle) in [
        (&sp, ranges(&[]), "empty"),
        (&sp, ranges(&[(-1, 3)]), "Negative"),
        (&sp, ranges(&[(0, 1001)]), "1000 ms long"),
        (&sp, ranges(&[(10, 12)]), "already exist"),
        (&text_obj, ranges(&[(0, 1)]), "shape"),
        (&box_obj, ranges(&[(0, 1)]), "shape"),
        (&sp, RangePlacement::Html(vec![]), "integer ranges"),
    ] {
        let e = s.put_range_object(cell, p, &up, RangeOverlap::Error, NOW).unwrap_err();
        assert!(e.message.contains(needle), "{needle}: {}", e.message);
    }
    // Another instance under a placed hash is refused too.
    let twin = obj(&row, "sp", "OAUDIO");
    let s = row.spaces.get_mut("a1").unwrap();
    assert!(s
        .put_range_object(&twin, ranges(&[(0, 1)]), &up, RangeOverlap::Merge, NOW)
        .is_err());
    assert_eq!(export(&row), before);
    // HTML spaces take node ranges, refuse a second placement with "error", replace with "replace".
    let ht = row.spaces.get("h1").unwrap().labels.objects["ht"].clone();
    let node = |x: &str, o| HtmlNode {
        xpath: x.into(),
        offset: o,
    };
    let html = RangePlacement::Html(vec![HtmlRange {
        start: node("/a", 1),
        end: node("/b", 2),
    }]);
    let s = row.spaces.get_mut("h1").unwrap();
    assert!(s
        .put_range_object(&ht, ranges(&[(0, 1)]), &up, RangeOverlap::Replace, NOW)
        .is_err());
    assert!(s
        .put_range_object(&ht, html.clone(), &up, RangeOverlap::Error, NOW)
        .is_err());
    s.put_range_object(&ht, html.clone(), &up, RangeOverlap::Replace, NOW)
        .unwrap();
    assert_eq!(s.labels.placements["ht"], html);
    assert!(s.remove_range_object("nope").unwrap().is_none());
}

#[test]
fn one_metadata_set_across_range_spaces() {
    let mut row = parse(&json(ROW)).unwrap();
    let o = obj(&row, "n", "OAUDIO");
    let first = MetaUpdate {
        created_by: Some("a@example.com".into()),
        created_at: Some(100),
        ..MetaUpdate::default()
    };
    let second = MetaUpdate {
        last_edited_by: Some("b@example.com".into()),
        ..MetaUpdate::default()
    };
    row.spaces
        .get_mut("a1")
        .unwrap()
        .put_range_object(&o, ranges(&[(0, 1)]), &first, RangeOverlap::Error, NOW)
        .unwrap();
    row.spaces
        .get_mut("a2")
        .unwrap()
        .put_range_object(&o, ranges(&[(5, 6)]), &second, RangeOverlap::Error, NOW)
        .unwrap();
    let out = export_row(&row, ExportOptions::default()).unwrap();
    let n = &out["object_answers"]["n"];
    assert_eq!(
        (n["createdBy"].as_str(), n["lastEditedBy"].as_str()),
        (Some("a@example.com"), Some("b@example.com"))
    );
    assert_eq!(n["spaces"].as_object().unwrap().len(), 2);
    // Leaving one space keeps the metadata; leaving the last one forgets it.
    let cell = row
        .spaces
        .get_mut("a1")
        .unwrap()
        .remove_range_object("n")
        .unwrap()
        .unwrap();
    row.spaces.release_range_meta(&cell);
    assert!(o.lock().range_meta.is_some());
    let cell = row
        .spaces
        .get_mut("a2")
        .unwrap()
        .remove_range_object("n")
        .unwrap()
        .unwrap();
    row.spaces.release_range_meta(&cell);
    assert!(o.lock().range_meta.is_none());
}

#[test]
fn bad_range_space_labels_name_the_place() {
    let cases: [(&str, Value, ErrorKind); 4] = [
        (
            "reversed",
            json(r#"{"range":[[5,4]],"type":"frame"}"#),
            ErrorKind::Value,
        ),
        (
            "beyond",
            json(r#"{"range":[[0,5000]],"type":"frame"}"#),
            ErrorKind::LabelRow,
        ),
        ("empty", json(r#"{"range":[],"type":"frame"}"#), ErrorKind::LabelRow),
        ("no range", json(r#"{"type":"frame"}"#), ErrorKind::Key),
    ];
    for (name, placement, kind) in cases {
        let mut v = json(ROW);
        v["object_answers"]["sp"]["spaces"]["a2"] = placement;
        let e = parse(&v).unwrap_err();
        assert_eq!(e.kind, kind, "{name}: {}", e.message);
        assert!(
            e.message.contains(r#"object_answers["sp"].spaces["a2"]"#),
            "{name}: {}",
            e.message
        );
    }
    // A placement of another type on an audio space is not read there (as in the reference).
    let mut v = json(ROW);
    v["object_answers"]["sp"]["spaces"]["a2"] = json(r#"{"range":[[0,5000]],"type":"html"}"#);
    let row = parse(&v).unwrap();
    assert_eq!(held(&row, "a2", "sp"), None);
}
