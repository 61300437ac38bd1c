//! Page- and slice-based rows (DICOM, NIfTI, PDF) in the Rust core: unit shapes, series and slice metadata
//! (read, never written back), frame bounds, bitmask sizes (shapes checked against encord 0.1.211).

mod common;

use common::*;
use labelrow::error::ErrorKind;
use labelrow::export::{export_row, ExportOptions};
use labelrow::medical::{SeriesMeta, SliceMeta};
use serde_json::Value;

const DICOM: &str = r#"{"label_hash":"L","branch_name":"main","created_at":null,"last_edited_at":null,
 "data_hash":"D","dataset_hash":"S","dataset_title":"","data_title":"ct","data_type":"dicom",
 "label_status":"LABELLED","object_answers":{},"classification_answers":{},"object_actions":{},
 "data_units":{"D":{"data_hash":"D","data_title":"ct","data_type":"application/dicom","data_sequence":0,
   "width":8,"height":6,"data_links":["a","b"],
   "metadata":{"patientId":"p","study_uid":"1.2","series_uid":"1.2.3"},
   "labels":{
     "3":{"objects":[{"objectHash":"pt","featureHash":"OPT","shape":"point","point":{"0":{"x":1,"y":0.5}}}],
          "metadata":{"dicomInstanceUid":"i3","multiframe_frame_number":" 2.0 ","file_uri":"u3","width":"1_0","height":true}},
     "90":{"objects":[{"objectHash":"pt","featureHash":"OPT","shape":"point","point":{"0":{"x":1,"y":1}}}]},
     "5":{"objects":[],"metadata":{"dicom_instance_uid":"i5","multiframe_frame_number":null,"file_uri":"u5",
          "width":4.0,"height":-3}}}}}}"#;

fn unit_of(v: &Value) -> &Value {
    v["data_units"].as_object().unwrap().values().next().unwrap()
}

#[test]
fn dicom_units_have_no_data_link_and_keep_no_metadata() {
    let row = parse(&json(DICOM)).unwrap();
    let out = export(&row);
    let unit = unit_of(&out);
    assert_eq!(
        keys(unit),
        [
            "data_hash",
            "data_title",
            "data_type",
            "data_sequence",
            "width",
            "height",
            "labels",
            "data_duration",
            "data_fps"
        ]
    );
    // frames without objects vanish; frame 90 is beyond the 20 frames of the media: DICOM has no last frame
    assert_eq!(keys(&unit["labels"]), ["3", "90"]);
    assert!(!text(&out).contains("metadata"));
}

#[test]
fn series_and_slice_metadata_follow_the_reference_models() {
    let row = parse(&json(DICOM)).unwrap();
    assert_eq!(
        row.medical.series,
        Some(SeriesMeta {
            patient_id: Some("p".into()),
            study_uid: "1.2".into(),
            series_uid: "1.2.3".into()
        })
    );
    let slices: Vec<_> = row.medical.slices.iter().map(|(f, m)| (*f, m.clone())).collect();
    assert_eq!(
        slices,
        [
            (
                3,
                SliceMeta {
                    dicom_instance_uid: "i3".into(),
                    multiframe_frame_number: Some(2),
                    file_uri: "u3".into(),
                    width: 10,
                    height: 1
                }
            ),
            (
                5,
                SliceMeta {
                    dicom_instance_uid: "i5".into(),
                    multiframe_frame_number: None,
                    file_uri: "u5".into(),
                    width: 4,
                    height: -3
                }
            )
        ]
    );
}

#[test]
fn malformed_metadata_is_an_encord_error_naming_the_field() {
    let e = parse_err(DICOM, |v| {
        v["data_units"]["D"]["labels"]["3"]["metadata"]["width"] = Value::from(1.5);
    });
    assert_kind(&e, ErrorKind::Encord, r#"labels["3"].metadata.width"#);
    let e = parse_err(DICOM, |v| {
        v["data_units"]["D"]["labels"]["5"]["metadata"]
            .as_object_mut()
            .unwrap()
            .remove("multiframe_frame_number");
    });
    assert_kind(
        &e,
        ErrorKind::Encord,
        "multiframe_frame_number: invalid DICOMSliceMetadata: field required",
    );
    let e = parse_err(DICOM, |v| v["data_units"]["D"]["metadata"] = Value::from("x"));
    assert_kind(&e, ErrorKind::Encord, "DICOMSeriesMetadata: expected a dict");
    let e = parse_err(DICOM, |v| {
        v["data_units"]["D"].as_object_mut().unwrap().remove("height");
    });
    assert_kind(&e, ErrorKind::Key, "height");
}

#[test]
fn pdf_units_have_no_size_and_fps_in_place() {
    let mut v = json(DICOM);
    v["data_type"] = Value::from("pdf");
    v["data_units"]["D"]["data_link"] = Value::from("https://x/doc.pdf");
    v["data_units"]["D"]["labels"].as_object_mut().unwrap().remove("90");
    let out = export(&parse(&v).unwrap());
    let unit = unit_of(&out);
    assert_eq!(
        keys(unit),
        [
            "data_hash",
            "data_title",
            "data_link",
            "data_type",
            "data_sequence",
            "height",
            "width",
            "data_fps",
            "labels",
            "data_duration"
        ]
    );
    assert_eq!(text(&unit["height"]), "0");
    assert_eq!(text(&unit["width"]), "0");
    assert_eq!(text(&unit["data_fps"]), "25.0");
    // a PDF row has a last frame
    v["data_units"]["D"]["labels"]["90"] = json(DICOM)["data_units"]["D"]["labels"]["90"].clone();
    assert_kind(&parse(&v).err().unwrap(), ErrorKind::LabelRow, "acceptable bounds");
}

#[test]
fn every_unit_of_a_multi_frame_row_carries_all_labelled_frames() {
    let mut v = json(DICOM);
    v["data_units"]["E"] =
        json(r#"{"data_hash":"E","data_title":"e","data_type":"application/dicom","data_sequence":1,"labels":{}}"#);
    let out = export(&parse(&v).unwrap());
    let units: Vec<&Value> = out["data_units"].as_object().unwrap().values().collect();
    assert_eq!(units.len(), 2);
    assert_eq!(text(&units[0]["labels"]), text(&units[1]["labels"]));
    assert_eq!(text(&units[1]["width"]), "0");
}

#[test]
fn bitmasks_take_the_size_of_their_slice() {
    let mask = |w: i64, h: i64| {
        json(&format!(
            r#"{{"objectHash":"m","featureHash":"OMASK","shape":"bitmask",
                "bitmask":{{"rleString":"{}","top":0,"left":0,"width":{w},"height":{h}}}}}"#,
            rle_zeros(w * h)
        ))
    };
    let mut v = json(DICOM);
    // frame 3's slice is 10 x 1, the series 8 x 6
    v["data_units"]["D"]["labels"]["3"]["objects"] = Value::Array(vec![mask(10, 1)]);
    let row = parse(&v).unwrap();
    assert!(export_row(&row, ExportOptions::default()).is_ok());
    v["data_units"]["D"]["labels"]["3"]["objects"] = Value::Array(vec![mask(8, 6)]);
    let row = parse(&v).unwrap();
    let e = export_row(&row, ExportOptions::default()).unwrap_err();
    assert_kind(&e, ErrorKind::Value, "media dimensions");
}

/// An all-zero mask of `n` pixels as a COCO RLE string (a single run).
fn rle_zeros(n: i64) -> String {
    let mut out = String::new();
    let mut x = n;
    loop {
        let mut c = x & 0x1f;
        x >>= 5;
        let more = if c & 0x10 != 0 { x != -1 } else { x != 0 };
        if more {
            c |= 0x20;
        }
        out.push(char::from(u8::try_from(c + 48).unwrap()));
        if !more {
            return out;
        }
    }
}
