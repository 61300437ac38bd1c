//! End-to-end tests of the Rust core (no Python): parse → store → export on small inline label rows, the
//! exact output shape (checked against encord 0.1.211) and parse errors. Store / answer API tests are in
//! rust_core_store.rs, randomised tests in rust_core_random.rs.

mod common;

use common::*;
use labelrow::dates::format_timestamp;
use labelrow::error::ErrorKind;
use serde_json::Value;

fn now_str() -> String {
    format_timestamp(NOW)
}

const T0: &str = "Thu, 09 Feb 2023 12:12:03 UTC";

/// The whole expected export of `VIDEO` ("NOW" stands for the formatted parse time).
const VIDEO_EXPORT: &str = r##"{"label_hash":"LH","branch_name":"main","created_at":"Thu, 09 Feb 2023 12:12:03 UTC",
"last_edited_at":null,"data_hash":"DH","dataset_hash":"DSH","dataset_title":"ds","data_title":"clip.mp4",
"data_type":"video","annotation_task_status":"QUEUED","is_shadow_data":false,
"object_answers":{
 "objB":{"classifications":[],"objectHash":"objB"},
 "objA":{"classifications":[
   {"name":"Note","value":"note","answers":"n1","featureHash":"NOTE","manualAnnotation":true},
   {"name":"Shade Note","value":"shade_note","answers":"dark","featureHash":"SHADE","manualAnnotation":true},
   {"name":"Colour","value":"colour","answers":[{"name":"Red","value":"red","featureHash":"RED"}],"featureHash":"COL","manualAnnotation":true}],
  "objectHash":"objA","objectNumber":7}},
"classification_answers":{
 "c1":{"classifications":[{"name":"Weather","value":"weather","answers":[{"name":"Sun","value":"sun","featureHash":"SUN"}],
   "featureHash":"WEATHER","manualAnnotation":true}],"classificationHash":"c1","featureHash":"CWEATHER","spaces":{},
   "range":[[0,3],[7,7]],"createdBy":"me","createdAt":"Thu, 09 Feb 2023 12:12:03 UTC","lastEditedBy":null,
   "lastEditedAt":"NOW","confidence":1,"manualAnnotation":false},
 "g1":{"classifications":[{"name":"Flags","value":"flags","answers":[{"name":"F1","value":"f1","featureHash":"F1"},
   {"name":"F2","value":"f2","featureHash":"F2"}],"featureHash":"FLAGS","manualAnnotation":true}],"classificationHash":"g1",
   "featureHash":"CFLAGS","spaces":{},"range":[],"createdBy":null,"createdAt":"NOW","lastEditedBy":null,"lastEditedAt":"NOW",
   "confidence":1.0,"manualAnnotation":true}},
"object_actions":{"objA":{"actions":[
 {"name":"Tags","value":"tags","featureHash":"TAGS","answers":[{"name":"T2","value":"t2","featureHash":"T2"}],
   "manualAnnotation":true,"dynamic":true,"range":[[6,10]],"shouldPropagate":false},
 {"name":"Tags","value":"tags","featureHash":"TAGS","answers":[{"name":"T1","value":"t1","featureHash":"T1"},
   {"name":"T2","value":"t2","featureHash":"T2"},{"name":"T3","value":"t3","featureHash":"T3"}],"manualAnnotation":true,
   "dynamic":true,"range":[[3,5]],"shouldPropagate":false},
 {"name":"Tags","value":"tags","featureHash":"TAGS","answers":[{"name":"T1","value":"t1","featureHash":"T1"},
   {"name":"T3","value":"t3","featureHash":"T3"}],"manualAnnotation":true,"dynamic":true,"range":[[2,2]],"shouldPropagate":false},
 {"name":"Speed","value":"speed","featureHash":"SPEED","answers":5,"manualAnnotation":true,"dynamic":true,"range":[[2,2]],
   "shouldPropagate":false},
 {"name":"Moving","value":"moving","featureHash":"MOV","answers":[{"name":"No","value":"no","featureHash":"NO"}],
   "manualAnnotation":true,"dynamic":true,"range":[[10,10]],"shouldPropagate":false},
 {"name":"Moving","value":"moving","featureHash":"MOV","answers":[{"name":"Yes","value":"yes","featureHash":"YES"}],
   "manualAnnotation":true,"dynamic":true,"range":[[2,3]],"shouldPropagate":false}],"objectHash":"objA"}},
"label_status":"LABELLED",
"data_units":{"DH":{"data_hash":"DH","data_title":"clip.mp4","data_link":"https://x/clip.mp4","data_type":"video/mp4",
 "data_sequence":0,"width":640,"height":480,"labels":{
 "2":{"objects":[
   {"name":"Poly","color":"#00FF00","shape":"polygon","value":"poly","createdAt":"NOW","createdBy":null,"confidence":1.0,
    "objectHash":"objB","featureHash":"OPOLY","manualAnnotation":true,"lastEditedAt":"NOW",
    "polygon":{"0":{"x":1,"y":2},"1":{"x":3,"y":4},"2":{"x":5,"y":6}},"polygons":[[[1,2,3,4,5,6]]]},
   {"name":"Box Car","color":"#FF0000","shape":"bounding_box","value":"box_car","createdAt":"Thu, 09 Feb 2023 12:12:03 UTC",
    "createdBy":null,"confidence":1.0,"objectHash":"objA","featureHash":"OBOX","manualAnnotation":true,
    "lastEditedAt":"Thu, 09 Feb 2023 12:12:03 UTC","boundingBox":{"h":0.1,"w":0.2,"x":0.3,"y":0.4}}],"classifications":[]},
 "3":{"objects":[
   {"name":"Box Car","color":"#FF0000","shape":"bounding_box","value":"box_car","createdAt":"NOW","createdBy":null,
    "confidence":1.0,"objectHash":"objA","featureHash":"OBOX","manualAnnotation":true,"lastEditedAt":"NOW",
    "boundingBox":{"h":1,"w":1,"x":0,"y":0}}],"classifications":[]},
 "10":{"objects":[
   {"name":"Poly","color":"#00FF00","shape":"polygon","value":"poly","createdAt":"NOW","createdBy":null,"confidence":1.0,
    "objectHash":"objB","featureHash":"OPOLY","manualAnnotation":true,"lastEditedAt":"NOW",
    "polygon":{"0":{"x":0.1,"y":0.2},"1":{"x":0.3,"y":0.4},"2":{"x":0.5,"y":1}},"polygons":[[[0.1,0.2,0.3,0.4,0.5,1]]]},
   {"name":"Box Car","color":"#FF0000","shape":"bounding_box","value":"box_car","createdAt":"Thu, 09 Feb 2023 12:12:03 UTC",
    "createdBy":"ann","confidence":1,"objectHash":"objA","featureHash":"OBOX","manualAnnotation":false,
    "lastEditedAt":"Thu, 09 Feb 2023 12:12:03 UTC","lastEditedBy":"rev","boundingBox":{"h":0.5,"w":1,"x":0,"y":0.25}}],
  "classifications":[]}},
 "data_duration":0.8,"data_fps":25.0}},
"spaces":{}}"##;

// ---- round trips ---------------------------------------------------------------------------------------------

#[test]
fn video_export_is_exact() {
    let got = round(&json(VIDEO));
    let want = json(&VIDEO_EXPORT.replace("\"NOW\"", &format!("\"{}\"", now_str())));
    assert_eq!(text(&got), text(&want));
}

#[test]
fn video_round_trip_is_a_fixed_point_after_two_trips() {
    let e1 = round(&json(VIDEO));
    let e2 = round(&e1);
    let e3 = round(&e2);
    assert_eq!(text(&e3), text(&e1));
    // Everything but the actions order is stable after one trip.
    let strip = |v: &Value| {
        let mut v = v.clone();
        v["object_actions"] = Value::Null;
        text(&v)
    };
    assert_eq!(strip(&e2), strip(&e1));
    assert_ne!(text(&e2["object_actions"]), text(&e1["object_actions"]));
}

#[test]
fn object_actions_flip_on_every_round_trip() {
    // Without the dynamic checklist (whose entries are ordered by first frame) the whole list reverses.
    let mut v = json(VIDEO);
    let actions = v["object_actions"]["objA"]["actions"].as_array_mut().unwrap();
    actions.retain(|a| a["featureHash"] != "TAGS");
    let e1 = round(&v);
    let e2 = round(&e1);
    let names = |e: &Value| -> Vec<String> {
        let a = e["object_actions"]["objA"]["actions"].as_array().unwrap();
        a.iter()
            .map(|x| format!("{}{}", x["featureHash"], x["answers"]))
            .collect()
    };
    let (n1, mut n2) = (names(&e1), names(&e2));
    assert_eq!(n1.len(), 3);
    assert!(n1[0].starts_with("\"SPEED\""), "{n1:?}");
    n2.reverse();
    assert_eq!(n1, n2);
    let mut reversed = e1.clone();
    reversed["object_actions"]["objA"]["actions"]
        .as_array_mut()
        .unwrap()
        .reverse();
    assert_eq!(text(&e2), text(&reversed));
    assert_eq!(text(&round(&e2)), text(&e1));
}

#[test]
fn image_rows_round_trip_to_a_fixed_point() {
    for src in [IMAGE, IMG_GROUP] {
        let e1 = round(&json(src));
        let e2 = round(&e1);
        assert_eq!(text(&e2), text(&e1), "{src}");
    }
}

#[test]
fn image_export_details() {
    let e = round(&json(IMAGE));
    assert_eq!(e["label_status"], "_MISSING_LABEL_STATUS_");
    assert_eq!(e["annotation_task_status"], Value::Null);
    let u = &e["data_units"]["IMG"];
    assert_eq!(
        keys(u),
        [
            "data_hash",
            "data_title",
            "data_link",
            "data_type",
            "data_sequence",
            "width",
            "height",
            "labels"
        ]
    );
    assert_eq!(text(&u["data_sequence"]), "0");
    let objs = &u["labels"]["objects"];
    assert_eq!(
        text(&objs[0]["point"]),
        r#"{"0":{"x":1,"y":0.5}}"#,
        "only point 0 is read, numbers keep their type"
    );
    assert_eq!(text(&objs[0]["confidence"]), "0.25");
    assert_eq!(
        text(&objs[1]["bitmask"]),
        r#"{"top":0,"left":0,"height":2,"width":4,"rleString":"233"}"#
    );
    assert_eq!(text(&u["labels"]["classifications"]), "[]");
    assert_eq!(keys(&e["object_answers"]), ["pt", "mk"]);
}

#[test]
fn img_group_export_details() {
    let e = round(&json(IMG_GROUP));
    assert_eq!(keys(&e["data_units"]), ["U1", "U0"], "unit order is input order");
    let (u1, u0) = (&e["data_units"]["U1"], &e["data_units"]["U0"]);
    assert_eq!(
        keys(u1),
        [
            "data_hash",
            "data_title",
            "data_link",
            "data_type",
            "data_sequence",
            "width",
            "height",
            "labels"
        ]
    );
    assert_eq!(u1["data_sequence"], Value::from("1"));
    assert_eq!(u0["data_sequence"], Value::from("0"));
    assert_eq!(u1["data_link"], Value::Null);
    let hashes = |u: &Value| -> Vec<String> {
        let objs = u["labels"]["objects"].as_array().unwrap();
        objs.iter()
            .map(|o| o["objectHash"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(hashes(u1), ["p2"]);
    assert_eq!(hashes(u0), ["p2", "p1"], "row order (p2 seen first), not input order");
    assert_eq!(keys(&e["object_answers"]), ["p2", "p1"]);
    assert_eq!(
        text(&e["object_answers"]["p1"]),
        r#"{"classifications":[],"objectHash":"p1","objectNumber":0}"#
    );
}

#[test]
fn video_export_structure() {
    let e = round(&json(VIDEO));
    assert_eq!(
        keys(&e),
        [
            "label_hash",
            "branch_name",
            "created_at",
            "last_edited_at",
            "data_hash",
            "dataset_hash",
            "dataset_title",
            "data_title",
            "data_type",
            "annotation_task_status",
            "is_shadow_data",
            "object_answers",
            "classification_answers",
            "object_actions",
            "label_status",
            "data_units",
            "spaces"
        ]
    );
    let u = &e["data_units"]["DH"];
    assert_eq!(
        keys(u),
        [
            "data_hash",
            "data_title",
            "data_link",
            "data_type",
            "data_sequence",
            "width",
            "height",
            "labels",
            "data_duration",
            "data_fps"
        ]
    );
    assert_eq!(keys(&u["labels"]), ["2", "3", "10"]);
    let a10 = &u["labels"]["10"]["objects"][1];
    assert_eq!(
        keys(a10),
        [
            "name",
            "color",
            "shape",
            "value",
            "createdAt",
            "createdBy",
            "confidence",
            "objectHash",
            "featureHash",
            "manualAnnotation",
            "lastEditedAt",
            "lastEditedBy",
            "boundingBox"
        ]
    );
    assert!(a10["confidence"].is_u64(), "confidence 1 stays an int");
    assert_eq!(text(&u["labels"]["2"]["objects"][1]["confidence"]), "1.0");
    assert_eq!(u["labels"]["2"]["objects"][1]["createdBy"], Value::Null);
    assert!(!keys(&u["labels"]["2"]["objects"][1]).contains(&"lastEditedBy"));
    assert_eq!(
        keys(&e["classification_answers"]),
        ["c1", "g1"],
        "no-range and no-featureHash entries dropped"
    );
    assert_eq!(
        keys(&e["object_answers"]),
        ["objB", "objA"],
        "orphans dropped, row order"
    );
    assert_eq!(keys(&e["object_actions"]), ["objA"]);
}

#[test]
fn dates_are_normalised_from_the_four_native_forms() {
    for s in [
        "2023-02-09 12:12:03",
        "2023-02-09T12:12:03Z",
        "2023-02-09T14:12:03+02:00",
        "Thu, 09 Feb 2023 12:12:03 GMT",
        "Mon, 09 Feb 2023 12:12:03 UTC",
    ] {
        let mut v = json(IMAGE);
        v["created_at"] = Value::from(s);
        v["data_units"]["IMG"]["labels"]["objects"][0]["createdAt"] = Value::from(s);
        let e = round(&v);
        assert_eq!(e["created_at"], T0, "{s}");
        assert_eq!(e["data_units"]["IMG"]["labels"]["objects"][0]["createdAt"], T0, "{s}");
    }
    let e = parse_err(IMAGE, |v| v["created_at"] = Value::from("yesterday"));
    assert_kind(&e, ErrorKind::Value, "label_row.created_at");
}

#[test]
fn renumber_objects_drops_object_numbers() {
    use labelrow::export::{export_row, ExportOptions};
    let row = parse(&json(VIDEO)).unwrap();
    let e = export_row(&row, ExportOptions { renumber_objects: true }).unwrap();
    assert!(!text(&e).contains("objectNumber"));
}

// ---- parse errors ----------------------------------------------------------------------------------------------

fn frame_obj<'v>(v: &'v mut Value, frame: &str, i: usize) -> &'v mut Value {
    &mut v["data_units"]["DH"]["labels"][frame]["objects"][i]
}

fn remove(v: &mut Value, key: &str) {
    v.as_object_mut().unwrap().shift_remove(key);
}

#[test]
fn missing_required_keys_name_the_path() {
    let e = parse_err(VIDEO, |v| remove(v, "data_units"));
    assert_kind(&e, ErrorKind::Key, "label_row: missing required key 'data_units'");
    let e = parse_err(VIDEO, |v| remove(v, "object_actions"));
    assert_kind(&e, ErrorKind::Key, "'object_actions'");
    let e = parse_err(VIDEO, |v| remove(frame_obj(v, "2", 0), "objectHash"));
    let p = r#"label_row.data_units["DH"].labels["2"].objects[0]: missing required key 'objectHash'"#;
    assert_kind(&e, ErrorKind::Key, p);
    let e = parse_err(VIDEO, |v| remove(&mut frame_obj(v, "3", 0)["boundingBox"], "h"));
    let p = r#"label_row.data_units["DH"].labels["3"].objects[0].boundingBox: missing required key 'h'"#;
    assert_kind(&e, ErrorKind::Key, p);
    let e = parse_err(VIDEO, |v| remove(&mut v["data_units"]["DH"], "data_link"));
    assert_kind(
        &e,
        ErrorKind::Key,
        r#"label_row.data_units["DH"]: missing required key 'data_link'"#,
    );
    let e = parse_err(VIDEO, |v| remove(&mut v["data_units"]["DH"]["labels"]["3"], "objects"));
    assert_kind(&e, ErrorKind::Key, r#"labels["3"]: missing required key 'objects'"#);
    let e = parse_err(VIDEO, |v| remove(&mut v["object_answers"]["objA"], "classifications"));
    assert_kind(
        &e,
        ErrorKind::Key,
        r#"label_row.object_answers["objA"]: missing required key 'classifications'"#,
    );
    let e = parse_err(VIDEO, |v| {
        remove(&mut v["classification_answers"]["c1"], "classificationHash")
    });
    assert_kind(&e, ErrorKind::Key, "'classificationHash'");
}

#[test]
fn feature_hash_errors() {
    // objA first appears on frame "10" (its second entry there): its featureHash is looked up.
    let e = parse_err(VIDEO, |v| frame_obj(v, "10", 1)["featureHash"] = Value::from("XXX"));
    assert_kind(&e, ErrorKind::Ontology, "XXX");
    for wrong in ["COL", "CWEATHER", "RED"] {
        let e = parse_err(VIDEO, |v| frame_obj(v, "10", 1)["featureHash"] = Value::from(wrong));
        assert_kind(&e, ErrorKind::Type, wrong);
    }
    let e = parse_err(VIDEO, |v| {
        v["classification_answers"]["c1"]["featureHash"] = Value::from("OBOX")
    });
    assert_kind(&e, ErrorKind::Type, "OBOX");
    let e = parse_err(VIDEO, |v| {
        v["object_answers"]["objA"]["classifications"][0]["featureHash"] = Value::from("WEATHER")
    });
    assert_kind(&e, ErrorKind::LabelRow, "Attribute with id [WEATHER] does not exist");
    let e = parse_err(VIDEO, |v| frame_obj(v, "10", 1)["featureHash"] = Value::from("OPOLY"));
    assert_kind(&e, ErrorKind::LabelRow, "Expected coordinates");
    // On a later frame the coordinates must still fit the object's shape.
    let e = parse_err(VIDEO, |v| *frame_obj(v, "3", 0) = point("objA"));
    assert_kind(&e, ErrorKind::LabelRow, "Expected coordinates");
}

#[test]
fn later_frames_ignore_feature_hash() {
    let want = text(&round(&json(VIDEO)));
    for fh in [Some("XXX"), Some("COL"), Some("CWEATHER"), Some("OPOLY"), None] {
        let mut v = json(VIDEO);
        let o = frame_obj(&mut v, "3", 0);
        match fh {
            Some(h) => o["featureHash"] = Value::from(h),
            None => remove(o, "featureHash"),
        }
        match parse(&v) {
            Ok(row) => assert!(text(&export(&row)) == want, "featureHash {fh:?}: output differs"),
            Err(e) => panic!("featureHash {fh:?}: {e:?}"),
        }
    }
}

fn add_frame(v: &mut Value, key: &str, obj: Value) {
    let labels = v["data_units"]["DH"]["labels"].as_object_mut().unwrap();
    labels.insert(key.into(), serde_json::json!({ "objects": [obj] }));
}

fn point(hash: &str) -> Value {
    serde_json::json!({"objectHash": hash, "featureHash": "OPT", "shape": "point", "point": {"0": {"x": 1, "y": 1}}})
}

#[test]
fn frame_bounds() {
    // The first frame of an object is not checked, later ones are.
    let mut v = json(VIDEO);
    add_frame(&mut v, "25", point("late"));
    let e = round(&v);
    assert_eq!(keys(&e["data_units"]["DH"]["labels"]), ["2", "3", "10", "25"]);
    let e = parse_err(VIDEO, |v| {
        add_frame(v, "25", point("late"));
        add_frame(v, "26", point("late"));
    });
    assert_kind(
        &e,
        ErrorKind::LabelRow,
        "The supplied frame of `26` is not within the acceptable bounds of `0` to `20`",
    );
    assert!(e.message.contains(r#"labels["26"].objects[0]"#), "{}", e.message);
    let e = parse_err(VIDEO, |v| {
        let mut o = frame_obj(v, "3", 0).clone();
        o["objectHash"] = Value::from("objA");
        add_frame(v, "20", o);
    });
    assert_kind(&e, ErrorKind::LabelRow, "`20`");
    let e = parse_err(VIDEO, |v| add_frame(v, "-1", point("neg")));
    assert_kind(&e, ErrorKind::LabelRow, "The supplied frame of `-1`");
    let e = parse_err(VIDEO, |v| add_frame(v, "x1", point("bad")));
    assert_kind(&e, ErrorKind::Value, "invalid literal for int(): 'x1'");
    let e = parse_err(VIDEO, |v| {
        v["object_actions"]["objA"]["actions"][0]["range"] = serde_json::json!([[2, 20]])
    });
    assert_kind(&e, ErrorKind::LabelRow, "not within the acceptable bounds");
}

#[test]
fn bad_coordinates_and_rle() {
    let e = parse_err(VIDEO, |v| frame_obj(v, "3", 0)["boundingBox"]["h"] = Value::from("1"));
    let p = r#"label_row.data_units["DH"].labels["3"].objects[0].boundingBox.h"#;
    assert_kind(&e, ErrorKind::LabelRow, p);
    let e = parse_err(VIDEO, |v| frame_obj(v, "2", 1)["polygon"]["2"]["y"] = Value::Null);
    assert_kind(&e, ErrorKind::LabelRow, "polygon");
    for bad in ["0o", "0\u{7f}", "é", "o"] {
        let e = parse_err(IMAGE, |v| {
            v["data_units"]["IMG"]["labels"]["objects"][1]["bitmask"]["rle_string"] = Value::from(bad)
        });
        assert_kind(&e, ErrorKind::LabelRow, "bitmask.rleString");
    }
    let e = parse_err(IMAGE, |v| {
        remove(&mut v["data_units"]["IMG"]["labels"]["objects"][1]["bitmask"], "top")
    });
    assert_kind(&e, ErrorKind::Encord, "top");
}

#[test]
fn bitmask_size_is_checked_at_export() {
    let mut v = json(IMAGE);
    v["data_units"]["IMG"]["width"] = Value::from(5);
    let row = parse(&v).unwrap();
    let e = labelrow::export::export_row(&row, Default::default()).unwrap_err();
    assert_kind(&e, ErrorKind::Value, "Bitmask dimensions don't match");
}

#[test]
fn unknown_data_type_and_spaces() {
    for dt in ["hologram", "VIDEO", ""] {
        let e = parse_err(VIDEO, |v| v["data_type"] = Value::from(dt));
        assert_kind(&e, ErrorKind::NotImplemented, "data_type");
    }
    let e = parse_err(VIDEO, |v| v["spaces"] = serde_json::json!({"sp1": {}}));
    assert_kind(&e, ErrorKind::Key, "space_type");
    let e = parse_err(VIDEO, |v| {
        v["spaces"] = serde_json::json!({"sp1": {"space_type": "image", "labels": {}}})
    });
    assert_kind(
        &e,
        ErrorKind::LabelRow,
        "Could not find space with given id 'sp1'. Available space ids: []",
    );
}

#[test]
fn overlapping_classifications() {
    let e = parse_err(VIDEO, |v| {
        v["classification_answers"]["c2"]["range"] = serde_json::json!([[5, 9], [3, 3]])
    });
    assert_kind(
        &e,
        ErrorKind::LabelRow,
        "overlapping frames on the ranges [(3:3), (7:7)]",
    );
    assert!(
        e.message.starts_with(r#"label_row.classification_answers["c2"]"#),
        "{}",
        e.message
    );
    let mut v = json(VIDEO);
    v["classification_answers"]["c2"]["range"] = serde_json::json!([[4, 6], [8, 30]]);
    let e = round(&v);
    assert_eq!(
        text(&e["classification_answers"]["c2"]["range"]),
        "[[4,6],[8,30]]",
        "no bound check"
    );
    let e = parse_err(VIDEO, |v| {
        let g = v["classification_answers"]["g1"].clone();
        let mut g2 = g;
        g2["classificationHash"] = Value::from("g2");
        v["classification_answers"]
            .as_object_mut()
            .unwrap()
            .insert("g2".into(), g2);
    });
    assert_kind(&e, ErrorKind::LabelRow, "already added globally");
}

// ---- dynamic checklists on parse ---------------------------------------------------------------------------------

/// The TAGS entries of objA after a parse of `VIDEO` whose TAGS actions are `items`.
fn parsed_tags(items: &[(&[&str], [i64; 2])]) -> Vec<String> {
    let mut v = json(VIDEO);
    let actions = v["object_actions"]["objA"]["actions"].as_array_mut().unwrap();
    actions.retain(|a| a["featureHash"] != "TAGS");
    for (opts, r) in items {
        let answers: Vec<Value> = opts.iter().map(|h| serde_json::json!({ "featureHash": h })).collect();
        actions.push(serde_json::json!({"featureHash": "TAGS", "answers": answers, "range": [r]}));
    }
    let e = round(&v);
    let actions = e["object_actions"]["objA"]["actions"].as_array().unwrap().clone();
    let tags = actions.iter().filter(|a| a["featureHash"] == "TAGS");
    let opts = |a: &Value| -> String {
        let list = a["answers"].as_array().unwrap();
        list.iter()
            .map(|o| o["featureHash"].as_str().unwrap())
            .collect::<Vec<_>>()
            .join("+")
    };
    tags.map(|a| format!("{} {}", opts(a), a["range"])).collect()
}

#[test]
fn parsed_dynamic_checklists_are_merged_per_frame() {
    // Checked against encord 0.1.211.
    assert_eq!(
        parsed_tags(&[(&["T1"], [0, 4]), (&["T2"], [2, 6])]),
        ["T2 [[5,6]]", "T1+T2 [[2,4]]", "T1 [[0,1]]"]
    );
    assert_eq!(
        parsed_tags(&[(&["T2"], [2, 6]), (&["T1"], [0, 4])]),
        ["T2 [[5,6]]", "T1+T2 [[2,4]]", "T1 [[0,1]]"]
    );
    assert_eq!(parsed_tags(&[(&["T1"], [2, 2]), (&["T2"], [2, 2])]), ["T1+T2 [[2,2]]"]);
}

#[test]
fn parsed_dynamic_checklists_meeting_on_one_frame() {
    // Outputs of encord 0.1.211 (label-row.md §9 only states the union rule).
    assert_eq!(
        parsed_tags(&[(&["T1"], [2, 5]), (&["T2"], [5, 7])]),
        ["T2 [[5,7]]", "T1 [[2,4]]"]
    );
    assert_eq!(
        parsed_tags(&[(&["T1"], [2, 3]), (&["T2"], [3, 3])]),
        ["T2 [[3,3]]", "T1 [[2,2]]"]
    );
    assert_eq!(
        parsed_tags(&[(&["T2"], [3, 3]), (&["T3", "T1"], [2, 3])]),
        ["T2 [[3,3]]", "T1+T3 [[2,2]]"]
    );
}
