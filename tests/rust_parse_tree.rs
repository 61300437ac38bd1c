//! The parser's input tree on its own terms: JSON text read as `serde_json::Value` reads it (repeated keys,
//! number types, nesting limit), and the load-time shortcuts that must not change a row (frames given twice,
//! remembered dates and emails).

mod common;

use common::*;
use labelrow::parse::parse_tree;
use labelrow::row::DataType;
use labelrow::tree::json;
use serde_json::Value;

fn row_text(text: &str) -> String {
    let tree = json::parse(text.as_bytes()).unwrap();
    let row = parse_tree(tree.root(), &ctx(DataType::Video, 20)).unwrap();
    common::text(&export(&row))
}

#[test]
fn a_frame_given_twice_keeps_its_last_annotation() {
    // "3" and "03" are one frame: the later entry replaces the earlier one, and the frame is indexed once.
    let mut v = json(VIDEO);
    let labels = &mut v["data_units"]["DH"]["labels"];
    let mut again = labels["3"].clone();
    again["objects"][0]["boundingBox"]["x"] = Value::from(0.75);
    labels["03"] = again;
    let row = parse(&v).unwrap();
    let out = export(&row);
    let box_x = &out["data_units"]["DH"]["labels"]["3"]["objects"][0]["boundingBox"]["x"];
    assert_eq!(box_x, &Value::from(0.75));
    let order = row.object_order("objA").unwrap();
    assert_eq!(row.objects_on_frame(3).iter().filter(|o| **o == order).count(), 1);
}

#[test]
fn repeated_json_keys_read_as_serde_json_reads_them() {
    let base = common::text(&json(VIDEO));
    // A repeated top-level key, a repeated frame key, a repeated key inside an entry.
    let edits = [
        (
            r#""label_status":"LABELLED""#,
            r#""label_status":"REVIEWED","label_status":"LABELLED""#,
        ),
        (
            r#""label_status":"LABELLED""#,
            r#""label_status":"LABELLED","label_status":"REVIEWED""#,
        ),
        (r#""createdBy":"ann""#, r#""createdBy":"ann","createdBy":"bob""#),
        (r#""h":0.5,"w":1"#, r#""h":0.5,"w":1,"h":0.125"#),
    ];
    for (from, to) in edits {
        assert!(base.contains(from), "{from}");
        let text = base.replacen(from, to, 1);
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(row_text(&text), common::text(&export(&parse(&v).unwrap())), "{to}");
    }
}

#[test]
fn dates_and_emails_read_the_same_when_remembered() {
    // Many entries sharing a few dates and emails (the remembered ones) and a few distinct ones.
    let mut v = json(VIDEO);
    let frames = v["data_units"]["DH"]["labels"].as_object_mut().unwrap();
    let template = frames["3"]["objects"][0].clone();
    for f in 4..20 {
        let mut e = template.clone();
        e["createdAt"] = Value::from(format!("2023-02-{:02} 12:12:03", 1 + f % 3));
        e["lastEditedAt"] = Value::from(if f % 5 == 0 {
            "Thu, 09 Feb 2023 12:12:03 UTC"
        } else {
            "2023-02-09T12:12:03Z"
        });
        e["createdBy"] = Value::from(["ann", "bob", "chen"][f % 3]);
        frames.insert(f.to_string(), serde_json::json!({"objects": [e]}));
    }
    let out = export(&parse(&v).unwrap());
    let labels = &out["data_units"]["DH"]["labels"];
    for f in 4..20 {
        let e = &labels[f.to_string()]["objects"][0];
        let day = 1 + f % 3;
        assert_eq!(
            e["createdAt"],
            format!("{}, {day:02} Feb 2023 12:12:03 UTC", weekday(day))
        );
        assert_eq!(e["lastEditedAt"], "Thu, 09 Feb 2023 12:12:03 UTC");
        assert_eq!(e["createdBy"], ["ann", "bob", "chen"][f % 3]);
    }
}

fn weekday(day: usize) -> &'static str {
    ["Wed", "Thu", "Fri"][day - 1]
}

#[test]
fn json_nesting_limit_and_numbers() {
    let deep = format!("{{\"x\":{}1{}}}", "[".repeat(200), "]".repeat(200));
    let e = json::parse(deep.as_bytes()).unwrap_err().to_string();
    assert!(e.contains("recursion limit exceeded"), "{e}");
    let text = r#"{"a":18446744073709551615,"b":18446744073709551616,"c":-9223372036854775809,"d":1.0,"e":1}"#;
    let tree = json::parse(text.as_bytes()).unwrap();
    let v: Value = serde_json::from_str(text).unwrap();
    assert_eq!(
        serde_json::to_string(&tree.root().to_value()).unwrap(),
        serde_json::to_string(&v).unwrap()
    );
}
