//! Shared fixtures of the Rust core integration tests: a small ontology, label rows written inline, and the
//! parse / export helpers. Every row here is built for these tests (nothing is read from disk).
#![allow(dead_code)]

use std::sync::Arc;

use labelrow::error::{ErrorKind, LabelError};
use labelrow::export::{export_row, ExportOptions};
use labelrow::ontology::Ontology;
use labelrow::parse::{parse_row, parse_tree, ParseContext};
use labelrow::row::{DataType, Header, MediaInfo, RowStore};
use serde_json::Value;

/// "Now" for timestamps missing from the input.
pub const NOW: i64 = 1_700_000_000;

pub const ONTOLOGY: &str = r##"{"objects":[
 {"id":"1","name":"Box Car","color":"#FF0000","shape":"bounding_box","featureNodeHash":"OBOX","attributes":[
   {"id":"1.1","name":"Colour","type":"radio","featureNodeHash":"COL","required":false,"options":[
      {"id":"1.1.1","label":"Red","value":"red","featureNodeHash":"RED","options":[
         {"id":"1.1.1.1","name":"Shade Note","type":"text","featureNodeHash":"SHADE","required":false}]},
      {"id":"1.1.2","label":"Blue","value":"blue","featureNodeHash":"BLUE","options":[]}]},
   {"id":"1.2","name":"Note","type":"text","featureNodeHash":"NOTE","required":false},
   {"id":"1.3","name":"Moving","type":"radio","featureNodeHash":"MOV","required":false,"dynamic":true,"options":[
      {"id":"1.3.1","label":"Yes","value":"yes","featureNodeHash":"YES","options":[]},
      {"id":"1.3.2","label":"No","value":"no","featureNodeHash":"NO","options":[]}]},
   {"id":"1.4","name":"Tags","type":"checklist","featureNodeHash":"TAGS","required":false,"dynamic":true,"options":[
      {"id":"1.4.1","label":"T1","value":"t1","featureNodeHash":"T1"},
      {"id":"1.4.2","label":"T2","value":"t2","featureNodeHash":"T2"},
      {"id":"1.4.3","label":"T3","value":"t3","featureNodeHash":"T3"}]},
   {"id":"1.5","name":"Speed","type":"numeric","featureNodeHash":"SPEED","required":false,"dynamic":true}]},
 {"id":"2","name":"Poly","color":"#00FF00","shape":"polygon","featureNodeHash":"OPOLY","attributes":[]},
 {"id":"3","name":"Mask","color":"#0000FF","shape":"bitmask","featureNodeHash":"OMASK","attributes":[]},
 {"id":"4","name":"Pin","color":"#FFFF00","shape":"point","featureNodeHash":"OPT","attributes":[]}],
"classifications":[
 {"id":"5","featureNodeHash":"CWEATHER","attributes":[
   {"id":"5.1","name":"Weather","type":"radio","featureNodeHash":"WEATHER","required":false,"options":[
      {"id":"5.1.1","label":"Sun","value":"sun","featureNodeHash":"SUN","options":[]},
      {"id":"5.1.2","label":"Rain","value":"rain","featureNodeHash":"RAIN","options":[]}]}]},
 {"id":"6","featureNodeHash":"CFLAGS","level":"global","attributes":[
   {"id":"6.1","name":"Flags","type":"checklist","featureNodeHash":"FLAGS","required":false,"options":[
      {"id":"6.1.1","label":"F1","value":"f1","featureNodeHash":"F1"},
      {"id":"6.1.2","label":"F2","value":"f2","featureNodeHash":"F2"}]}]}]}"##;

/// A 20-frame video row. Input frame keys are "10", "2", "3" (objB is seen first, on frame 10), timestamps
/// come in the four native forms or are missing, and there are orphans and a frame-level classification.
pub const VIDEO: &str = r#"{"label_hash":"LH","branch_name":"main","created_at":"2023-02-09 12:12:03",
 "last_edited_at":null,"data_hash":"DH","dataset_hash":"DSH","dataset_title":"ds","data_title":"clip.mp4",
 "data_type":"video","annotation_task_status":"QUEUED","label_status":"LABELLED","is_shadow_data":true,
 "data_units":{"DH":{"data_hash":"DH","data_title":"clip.mp4","data_link":"https://x/clip.mp4",
   "data_type":"video/mp4","data_sequence":0,"width":640,"height":480,"data_fps":99,"labels":{
   "10":{"objects":[
      {"objectHash":"objB","featureHash":"OPOLY","shape":"polygon","polygon":[{"x":0.1,"y":0.2},{"x":0.3,"y":0.4},{"x":0.5,"y":1}]},
      {"objectHash":"objA","featureHash":"OBOX","shape":"bounding_box","name":"ignored","color":"ignored",
       "boundingBox":{"h":0.5,"w":1,"x":0,"y":0.25,"extra":3},"createdAt":"2023-02-09T14:12:03+02:00",
       "createdBy":"ann","confidence":1,"lastEditedAt":"Thu, 09 Feb 2023 12:12:03 GMT","lastEditedBy":"rev",
       "manualAnnotation":false,"reviews":[]}],
     "classifications":[{"featureHash":"CWEATHER","classificationHash":"frameOnly"}]},
   "2":{"objects":[
      {"objectHash":"objA","featureHash":"OBOX","shape":"bounding_box","boundingBox":{"h":0.1,"w":0.2,"x":0.3,"y":0.4},
       "createdAt":"2023-02-09 12:12:03","lastEditedAt":"2023-02-09T12:12:03Z"},
      {"objectHash":"objB","featureHash":"OPOLY","shape":"polygon","polygon":{"10":{"x":5,"y":6},"2":{"x":3,"y":4},"0":{"x":1,"y":2}}}]},
   "3":{"objects":[
      {"objectHash":"objA","featureHash":"OBOX","shape":"bounding_box","boundingBox":{"h":1,"w":1,"x":0,"y":0}}]}}}},
 "object_answers":{
   "objA":{"objectHash":"objA","objectNumber":7,"classifications":[
      {"featureHash":"COL","answers":[{"featureHash":"RED"}]},
      {"featureHash":"SHADE","answers":"dark"},
      {"featureHash":"NOTE","answers":"n1","name":"junk"}]},
   "objB":{"objectHash":"objB","classifications":[]},
   "ghost":{"objectHash":"ghost","classifications":[{"featureHash":"NOPE","answers":[]}]}},
 "object_actions":{
   "objA":{"objectHash":"objA","actions":[
      {"featureHash":"MOV","answers":[{"featureHash":"YES"}],"range":[[2,3]]},
      {"featureHash":"SPEED","answers":5,"range":[[2,2]]},
      {"featureHash":"MOV","answers":[{"featureHash":"NO"}],"range":[[10,10]]},
      {"featureHash":"TAGS","answers":[{"featureHash":"T2"}],"range":[[3,10]]},
      {"featureHash":"TAGS","answers":[{"featureHash":"T3"},{"featureHash":"T1"}],"range":[[2,5]]}]},
   "ghost":{"objectHash":"ghost","actions":[{"featureHash":"NOPE"}]}},
 "classification_answers":{
   "c1":{"classificationHash":"c1","featureHash":"CWEATHER","range":[[7,7],[0,1],[1,2],[3,3]],
     "classifications":[{"featureHash":"WEATHER","answers":[{"featureHash":"SUN"}]}],
     "createdAt":"2023-02-09T12:12:03Z","createdBy":"me","confidence":1,"manualAnnotation":false},
   "c2":{"classificationHash":"c2","featureHash":"CWEATHER","classifications":[]},
   "c3":{"classificationHash":"c3","featureHash":"","classifications":[]},
   "g1":{"classificationHash":"g1","featureHash":"CFLAGS","classifications":[
     {"featureHash":"FLAGS","answers":[{"featureHash":"F2"},{"featureHash":"F1"}]}]}}}"#;

/// A one-image row with a point and a bitmask (the mask matches the 4x2 image).
pub const IMAGE: &str = r#"{"label_hash":"LI","branch_name":"main","created_at":null,"last_edited_at":null,
 "data_hash":"IMG","dataset_hash":"DS","dataset_title":"","data_title":"a.png","data_type":"image",
 "label_status":"NOT_A_STATUS",
 "data_units":{"IMG":{"data_hash":"IMG","data_title":"a.png","data_link":"l","data_type":"image/png",
   "data_sequence":"0","width":4,"height":2,"labels":{"objects":[
     {"objectHash":"pt","featureHash":"OPT","shape":"point","point":{"0":{"x":1,"y":0.5},"1":{"x":9,"y":9}},
      "confidence":0.25,"createdAt":"2023-02-09 12:12:03","lastEditedAt":"2023-02-09 12:12:03"},
     {"objectHash":"mk","featureHash":"OMASK","shape":"bitmask","bitmask":{"top":0,"left":0.0,"height":2,"width":"4",
      "rle_string":"233"}}],"classifications":[]}}},
 "object_answers":{},"classification_answers":{},"object_actions":{}}"#;

/// An image group whose units come in reversed order (frame 1 first, without `data_link`).
pub const IMG_GROUP: &str = r#"{"label_hash":"LG","branch_name":"main","created_at":null,"last_edited_at":null,
 "data_hash":"G","dataset_hash":"DS","dataset_title":"","data_title":"grp","data_type":"img_group",
 "label_status":"LABEL_IN_PROGRESS",
 "data_units":{
   "U1":{"data_hash":"U1","data_title":"b.png","data_type":"image/png","data_sequence":1,"width":8,"height":8,
     "labels":{"objects":[{"objectHash":"p2","featureHash":"OPT","shape":"point","point":{"0":{"x":2,"y":2}}}]}},
   "U0":{"data_hash":"U0","data_title":"a.png","data_link":"l0","data_type":"image/png","data_sequence":"0",
     "width":4,"height":4,"labels":{"objects":[
       {"objectHash":"p1","featureHash":"OPT","shape":"point","point":{"0":{"x":1,"y":1}}},
       {"objectHash":"p2","featureHash":"OPT","shape":"point","point":{"0":{"x":0,"y":0}}}]}}},
 "object_answers":{"p1":{"objectHash":"p1","classifications":[],"objectNumber":0}},
 "classification_answers":{},"object_actions":{}}"#;

pub fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("bad test JSON: {e}"))
}

/// Exact text (key order included: `Map` equality ignores order).
pub fn text(v: &Value) -> String {
    serde_json::to_string(v).unwrap()
}

pub fn onto() -> Arc<Ontology> {
    Arc::new(Ontology::from_value(&json(ONTOLOGY)).unwrap())
}

fn no_fallback(_: &str) -> Option<i64> {
    None
}

pub fn media(dt: DataType, frames: i64) -> MediaInfo {
    let (fps, duration) = match dt {
        DataType::Video => (Value::from(25.0), Value::from(0.8)),
        _ => (Value::Null, Value::Null),
    };
    MediaInfo {
        data_type: dt,
        number_of_frames: frames,
        fps,
        duration,
        is_shadow_data: false,
    }
}

pub fn ctx(dt: DataType, frames: i64) -> ParseContext<'static> {
    ParseContext {
        onto: onto(),
        media: media(dt, frames),
        now: NOW,
        date_fallback: &no_fallback,
    }
}

/// Parse with the media of the row's own type (video 20 frames, image 1, img_group 2).
pub fn parse(v: &Value) -> Result<RowStore, LabelError> {
    let (dt, n) = match v.get("data_type").and_then(Value::as_str) {
        Some("image") => (DataType::Image, 1),
        Some("img_group") => (DataType::ImgGroup, 2),
        _ => (DataType::Video, 20),
    };
    let ctx = ctx(dt, n);
    // The production path (JSON text → tree) and the `Value` path must agree on the row or on the error.
    let text = serde_json::to_string(v).unwrap();
    let tree = labelrow::tree::json::parse(text.as_bytes()).unwrap();
    let from_text = parse_tree(tree.root(), &ctx);
    let from_value = parse_row(v, &ctx);
    match (&from_text, &from_value) {
        (Ok(a), Ok(b)) => assert_eq!(text_of(a), text_of(b)),
        (Err(a), Err(b)) => assert_eq!(a, b),
        (a, b) => panic!("JSON path {:?} but Value path {:?}", a.as_ref().err(), b.as_ref().err()),
    }
    from_text
}

fn text_of(row: &RowStore) -> Option<String> {
    export_row(row, ExportOptions::default()).ok().map(|v| text(&v))
}

pub fn export(row: &RowStore) -> Value {
    export_row(row, ExportOptions::default()).unwrap()
}

pub fn round(v: &Value) -> Value {
    export(&parse(v).unwrap_or_else(|e| panic!("parse failed: {e}")))
}

/// Parses `base` after `edit` and returns the error.
pub fn parse_err(base: &str, edit: impl FnOnce(&mut Value)) -> LabelError {
    let mut v = json(base);
    edit(&mut v);
    match parse(&v) {
        Ok(_) => panic!("expected an error for {}", text(&v)),
        Err(e) => e,
    }
}

pub fn assert_kind(e: &LabelError, kind: ErrorKind, needle: &str) {
    assert_eq!(e.kind, kind, "{}", e.message);
    assert!(e.message.contains(needle), "{:?} not in {:?}", needle, e.message);
}

/// An empty 20-frame video store.
pub fn empty_store(frames: i64) -> RowStore {
    RowStore::new(
        onto(),
        media(DataType::Video, frames),
        Header {
            label_hash: Value::Null,
            branch_name: Value::from("main"),
            created_at: None,
            last_edited_at: None,
            data_hash: Value::from("D"),
            dataset_hash: Value::from("S"),
            dataset_title: Value::from(""),
            data_title: Value::from(""),
            data_type: DataType::Video,
            annotation_task_status: Value::Null,
            label_status: "LABELLED".into(),
            scene: None,
            mcap_trust: false,
        },
    )
}

/// Keys of an object value, in order.
pub fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

/// Deterministic xorshift64.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn frame(&mut self, n: i64) -> i64 {
        (self.next() % n as u64) as i64
    }
}
