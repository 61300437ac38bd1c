use serde_json::Value;

use super::*;

/// The tree of `text` written back as JSON must be what serde_json's `Value` gives (numbers' types
/// included), and so must its errors.
fn same_as_serde(text: &str) {
    let expected = serde_json::from_str::<Value>(text).map(|v| serde_json::to_string(&v).unwrap());
    let got = json::parse(text.as_bytes()).map(|t| serde_json::to_string(&t.root().to_value()).unwrap());
    match (expected, got) {
        (Ok(e), Ok(g)) => assert_eq!(e, g, "{text}"),
        (Err(e), Err(g)) => assert_eq!(e.to_string(), g.to_string(), "{text}"),
        (e, g) => panic!("{text}: serde_json {e:?}, tree {g:?}"),
    }
}

#[test]
fn values_and_number_types() {
    for text in [
        "null",
        "true",
        r#""x""#,
        "[]",
        "{}",
        "1",
        "1.0",
        "-0",
        "-0.0",
        "1e3",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "123456789012345678901234567890",
        "0.1",
        "2.5e-308",
        r#"{"a":[1,2.5,{"b":null,"c":[true,false]}],"d":"é ✓ \u00e9 \ud83d\ude00","e":"tab\tquote\"back\\"}"#,
        r#"[[[[[[[[[[[]]]]]]]]]]]"#,
        r#"{"":1,"k":{"":{"":[]}}}"#,
    ] {
        same_as_serde(text);
    }
}

#[test]
fn errors_are_serde_json_errors() {
    for text in [
        "",
        "{",
        "{not json",
        r#"{"a":1,}"#,
        r#"{"a":1} x"#,
        "[1,2",
        r#"{"a" 1}"#,
        "1e400",
        "-1e400",
        r#""\ud800""#,
        r#""\x""#,
        "nul",
        "[01]",
        r#"{1:2}"#,
    ] {
        same_as_serde(text);
    }
    // Invalid UTF-8 inside a string.
    let bytes = b"{\"a\":\"\xff\"}";
    let e = serde_json::from_slice::<Value>(bytes).unwrap_err().to_string();
    assert_eq!(json::parse(bytes).unwrap_err().to_string(), e);
}

#[test]
fn nesting_limit_is_serde_json_s() {
    for depth in [127, 128, 129, 1000] {
        same_as_serde(&format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
        same_as_serde(&format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth)));
    }
}

#[test]
fn repeated_keys_keep_the_first_place_and_the_last_value() {
    same_as_serde(r#"{"a":1,"b":2,"a":3}"#);
    same_as_serde(r#"{"a":{"x":1},"b":2,"a":[5],"a":"last","c":{"c":1,"c":2}}"#);
    // Escaped and plain spellings of one key are the same key.
    same_as_serde(r#"{"ab":1,"a\u0062":2}"#);
    // Maps large enough to be indexed, repeats early, late and many times.
    let mut text = String::from("{");
    for i in 0..300 {
        text.push_str(&format!("\"k{}\":{i},", i % 97));
    }
    text.push_str("\"k0\":\"end\"}");
    same_as_serde(&text);
    let t = json::parse(text.as_bytes()).unwrap();
    let m = t.root().as_map().unwrap();
    assert_eq!(m.len(), 97);
    assert_eq!(m.get("k0").unwrap().as_str(), Some("end"));
    assert_eq!(m.get("k1").unwrap().as_i64(), Some(292));
}

#[test]
fn strings_are_borrowed_unless_escaped() {
    let text = r#"{"plain":"abc","esc":"a\nb"}"#;
    let t = json::parse(text.as_bytes()).unwrap();
    let m = t.root().as_map().unwrap();
    let plain = m.get("plain").unwrap().as_str().unwrap();
    assert!(text.as_bytes().as_ptr_range().contains(&plain.as_ptr()));
    assert_eq!(m.get("esc").unwrap().as_str(), Some("a\nb"));
    assert_eq!(t.owned, "a\nb");
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a dict",
    }
}

#[test]
fn reading_methods_follow_value() {
    let text = r#"{"u":18446744073709551615,"i":-3,"f":2.0,"s":"x","b":true,"n":null,"l":[1],"m":{"k":1}}"#;
    let v: Value = serde_json::from_str(text).unwrap();
    let t = json::parse(text.as_bytes()).unwrap();
    for key in ["u", "i", "f", "s", "b", "n", "l", "m", "missing"] {
        let (a, b) = (v.get(key), t.root().get(key));
        assert_eq!(a.is_some(), b.is_some());
        let (Some(a), Some(b)) = (a, b) else { continue };
        assert_eq!(a.as_i64(), b.as_i64(), "{key}");
        assert_eq!(a.as_u64(), b.as_u64(), "{key}");
        assert_eq!(a.as_f64(), b.as_f64(), "{key}");
        assert_eq!(a.as_str(), b.as_str(), "{key}");
        assert_eq!(a.as_bool(), b.as_bool(), "{key}");
        assert_eq!(a.is_null(), b.is_null(), "{key}");
        assert_eq!(kind(a), b.kind(), "{key}");
        assert_eq!(a.to_string(), b.to_string(), "{key}");
        assert_eq!(a, &b.to_value(), "{key}");
    }
    assert_eq!(t.root().get("l").unwrap().as_list().unwrap().len(), 1);
    assert!(t.root().get("s").unwrap().get("k").is_none());
}

#[test]
fn from_value_copies_everything() {
    let v: Value = serde_json::from_str(r#"{"a":[1,-2,3.5,"s",{"b":null}],"c":false}"#).unwrap();
    let t = Tree::from_value(&v).unwrap();
    assert_eq!(t.root().to_value(), v);
    assert_eq!(t.owned, "asbc");
}

#[test]
fn frames_of_data_units_are_kept_as_text_and_read_back_exactly() {
    let text = r#"{"data_units": {"u1": {"labels": {"0": {"objects": [{"a": "\u00e9", "n": 1.50}]}, "7": [1, 2]},
        "data_hash": "u1"}}, "labels": {"0": {"x": 1}}, "other": {"labels": {"0": {}}}}"#;
    same_as_serde(text);
    let tree = json::parse(text.as_bytes()).unwrap();
    let root = tree.root();
    let labels = root
        .get("data_units")
        .and_then(|u| u.get("u1"))
        .and_then(|u| u.get("labels"))
        .unwrap();
    let frame = labels.get("0").unwrap();
    assert_eq!(frame.raw_json(), Some(r#"{"objects": [{"a": "\u00e9", "n": 1.50}]}"#));
    assert_eq!(frame.kind(), "a dict");
    assert_eq!(labels.get("7").unwrap().kind(), "a list");
    let mut fragments = json::FragmentParser::default();
    for _ in 0..2 {
        let sub = fragments.parse(frame.raw_json().unwrap()).unwrap();
        assert_eq!(sub.root().to_value(), frame.to_value());
        assert_eq!(sub.root().get("objects").unwrap().as_list().unwrap().len(), 1);
        fragments.recycle(sub);
    }
    // Only `data_units.*.labels.*` is kept as text.
    assert!(labels.raw_json().is_none());
    assert!(root
        .get("labels")
        .and_then(|l| l.get("0"))
        .unwrap()
        .raw_json()
        .is_none());
    assert!(root
        .get("other")
        .and_then(|l| l.get("labels"))
        .and_then(|l| l.get("0"))
        .unwrap()
        .raw_json()
        .is_none());
}
