//! Scene rows in the core: point-cloud spaces read from and written to their `labels` blob (segmentation RLE
//! over point ranges), their `object_answers` entries, scene data units, placements through the store with
//! the reference's checks, and the two export sinks agreeing on all of it.

use std::sync::Arc;

use labelrow::error::{ErrorKind, LabelError};
use labelrow::export::{export_json, export_row, ExportOptions};
use labelrow::instance::{MetaUpdate, ObjectCell, ObjectData};
use labelrow::ontology::Ontology;
use labelrow::parse::{parse_tree_with_spaces, ParseContext};
use labelrow::row::{DataType, MediaInfo, RowStore};
use labelrow::spaces::{RangeOverlap, SpaceDef};
use parking_lot::Mutex;
use serde_json::Value;

const ONTOLOGY: &str = r##"{"objects":[
 {"id":"1","name":"Road Marking","color":"#A4FF00","shape":"segmentation","featureNodeHash":"OSEG","attributes":[
   {"id":"1.1","name":"Note","type":"text","featureNodeHash":"NOTE","required":false}]},
 {"id":"2","name":"Car","color":"#00FF00","shape":"cuboid","featureNodeHash":"OCUB","attributes":[]}],
"classifications":[]}"##;

const SPACES: &str = r#"{
 "a.pcd": {"space_type":"point_cloud","scene_info":{"event_index":0,"stream_id":"lidar","uri":"x/a.pcd"},"labels":{}},
 "b.pcd": {"space_type":"point_cloud","scene_info":{"event_index":1,"stream_id":"lidar","uri":"x/b.pcd"},"labels":{}}}"#;

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

fn no_fallback(_: &str) -> Option<i64> {
    None
}

fn onto() -> Arc<Ontology> {
    Arc::new(Ontology::from_value(&json(ONTOLOGY)).unwrap())
}

fn seg(hash: &str, rle: &str, created: &str) -> String {
    format!(
        r##"{{"shape":"segmentation","objectHash":"{hash}","featureHash":"OSEG","name":"Road Marking","color":"#A4FF00",
        "value":"road_marking","segmentation":"{rle}","createdAt":"{created}","lastEditedAt":"{created}",
        "manualAnnotation":false,"confidence":0.5}}"##
    )
}

fn row_dict(a_objects: &str, b_objects: &str, answers: &str, unit_labels: &str) -> Value {
    json(&format!(
        r#"{{"label_hash":"L","branch_name":"main","created_at":null,"last_edited_at":null,"data_hash":"D",
        "dataset_hash":"S","dataset_title":"","data_title":"t","data_type":"scene","label_status":"LABELLED",
        "object_answers":{{{answers}}},"classification_answers":{{}},"object_actions":{{}},
        "spaces":{{"a.pcd":{{"space_type":"point_cloud","labels":{{"objects":[{a_objects}],"classifications":[]}}}},
                  "b.pcd":{{"space_type":"point_cloud","labels":{{"objects":[{b_objects}],"classifications":[]}}}}}},
        "data_units":{{"D":{{"data_hash":"D","data_title":"t","data_link":"l","data_type":"scene",
        "data_sequence":0,"labels":{{{unit_labels}}}}}}}}}"#
    ))
}

fn parse(v: &Value) -> Result<RowStore, LabelError> {
    let ctx = ParseContext {
        onto: onto(),
        media: MediaInfo {
            data_type: DataType::Scene,
            number_of_frames: 100,
            fps: Value::from(10),
            duration: Value::from(10),
            is_shadow_data: false,
        },
        now: 1_700_000_000,
        date_fallback: &no_fallback,
    };
    let defs = SpaceDef::all_from_metadata(&json(SPACES)).unwrap();
    let text = serde_json::to_string(v).unwrap();
    let tree = labelrow::tree::json::parse(text.as_bytes()).unwrap();
    parse_tree_with_spaces(tree.root(), &ctx, &defs)
}

/// Exported through both sinks, which must agree byte for byte.
fn export(row: &RowStore) -> Value {
    let by_value = serde_json::to_string(&export_row(row, ExportOptions::default()).unwrap()).unwrap();
    let by_json = String::from_utf8(export_json(row, ExportOptions::default()).unwrap()).unwrap();
    assert_eq!(by_value, by_json);
    json(&by_value)
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[test]
fn point_cloud_labels_round_trip_with_their_own_metadata_per_space() {
    let answers = r#""p":{"classifications":[{"name":"Note","value":"note","answers":"kerb","featureHash":"NOTE",
        "manualAnnotation":true}],"objectHash":"p","objectNumber":3}"#;
    let d = row_dict(
        &seg("p", "1112", "2024-01-02T03:04:05"),
        &seg("p", "06", "2024-02-02T03:04:05"),
        answers,
        r#""5":{"objects":[]},"lidar#0":{"objects":[]},"lidar@123":{"objects":[]}"#,
    );
    let row = parse(&d).unwrap();
    let a = row.spaces.get("a.pcd").unwrap();
    assert_eq!(a.point_ranges("p").unwrap().ranges(), &[(1, 1), (3, 5)]);
    let out = export(&row);
    let entry = &out["spaces"]["a.pcd"]["labels"]["objects"][0];
    assert_eq!(entry["segmentation"], "1112");
    assert_eq!(entry["shape"], "segmentation");
    assert_eq!(entry["confidence"], 0.5);
    assert_eq!(
        out["spaces"]["b.pcd"]["labels"]["objects"][0]["createdAt"],
        "Fri, 02 Feb 2024 03:04:05 UTC"
    );
    // The answer entry takes the first point cloud's instance, and names every point cloud holding the hash.
    let oa = &out["object_answers"]["p"];
    assert_eq!(
        keys(oa),
        [
            "classifications",
            "objectHash",
            "createdAt",
            "lastEditedAt",
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
    assert_eq!(oa["createdAt"], "Tue, 02 Jan 2024 03:04:05 UTC");
    assert_eq!(keys(&oa["spaces"]), ["a.pcd", "b.pcd"]);
    assert_eq!(oa["classifications"][0]["answers"], "kerb");
    // The scene unit: no size, an empty link, `data_fps` before the labels; stream-keyed labels are not the row's.
    let unit = &out["data_units"]["D"];
    assert_eq!(
        keys(unit),
        [
            "data_hash",
            "data_title",
            "data_link",
            "data_type",
            "data_sequence",
            "width",
            "height",
            "data_fps",
            "labels",
            "data_duration"
        ]
    );
    assert_eq!(unit["data_link"], "");
    assert_eq!(unit["labels"], json("{}"));
}

#[test]
fn bad_point_cloud_labels_name_their_place() {
    let e = parse(&row_dict(&seg("p", "zz", "2024-01-02T03:04:05"), "", "", "")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::LabelRow);
    assert!(
        e.to_string()
            .contains("spaces[\"a.pcd\"].labels.objects[0].segmentation"),
        "{e}"
    );
    let two = [
        seg("p", "06", "2024-01-02T03:04:05"),
        seg("p", "0:2", "2024-01-02T03:04:05"),
    ]
    .join(",");
    let e = parse(&row_dict(&two, "", "", "")).unwrap_err();
    assert!(
        e.to_string()
            .contains("Annotations already exist on the ranges [(0:5)]"),
        "{e}"
    );
    // Entries without points are skipped.
    let row = parse(&row_dict(&seg("p", "", "2024-01-02T03:04:05"), "", "", "")).unwrap();
    assert!(row.spaces.get("a.pcd").unwrap().labels.objects.is_empty());
}

#[test]
fn placements_check_before_they_change_anything() {
    let mut row = parse(&row_dict("", "", "", "")).unwrap();
    let o = onto();
    let feature = o.object("OCUB").unwrap();
    let cell: ObjectCell = Arc::new(Mutex::new(ObjectData::new("c".into(), o, feature)));
    let space = row.spaces.get_mut("a.pcd").unwrap();
    let up = MetaUpdate::default();
    for bad in [&[][..], &[(-1, 3)][..], &[(5, 3)][..]] {
        assert!(space.put_points(&cell, bad, &up, RangeOverlap::Error, 0).is_err());
        assert!(
            space.labels.objects.is_empty(),
            "a refused placement left the object on the space"
        );
    }
    space
        .put_points(&cell, &[(0, 3), (4, 6)], &up, RangeOverlap::Error, 0)
        .unwrap();
    assert!(space.put_points(&cell, &[(6, 8)], &up, RangeOverlap::Error, 0).is_err());
    space.put_points(&cell, &[(6, 8)], &up, RangeOverlap::Merge, 0).unwrap();
    assert_eq!(space.point_ranges("c").unwrap().ranges(), &[(0, 8)]);
    space
        .put_points(&cell, &[(8, 9)], &up, RangeOverlap::Replace, 0)
        .unwrap();
    assert_eq!(space.point_ranges("c").unwrap().ranges(), &[(8, 9)]);
    assert_eq!(space.remove_points("c", &[(0, 8)]).unwrap().ranges(), &[(8, 8)]);
    assert_eq!(space.remove_points("c", &[(9, 9)]).unwrap().ranges(), &[(9, 9)]);
    assert!(space.labels.objects.is_empty());
    let e = row.spaces.remove_point_cloud_object("a.pcd", "c").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Key);
    let out = export(&row);
    assert_eq!(out["spaces"]["a.pcd"]["labels"]["objects"], json("[]"));
}

#[test]
fn scene_metadata_is_written_back_and_makes_continuous_scenes_event_based() {
    let mut d = row_dict("", "", "", "");
    d["scene"] = json(r#"{"isContinuous":false,"streams":{"lidar":{"kind":"pcd"}}}"#);
    let out = export(&parse(&d).unwrap());
    assert_eq!(keys(&out).last(), Some(&"scene"));
    assert_eq!(out["scene"], d["scene"]);
    d["scene"] = json("{}");
    assert!(export(&parse(&d).unwrap()).get("scene").is_none());
    assert!(!parse(&d).unwrap().header.is_event_based());
    d["scene"] = json(r#"{"isContinuous":1}"#);
    let row = parse(&d).unwrap();
    assert!(row.header.is_event_based());
    assert_eq!(export(&row)["scene"], d["scene"]);
}
