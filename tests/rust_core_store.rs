//! The store and answer APIs of the Rust core (no Python): classification overlap / force / bound rules and the
//! dynamic-answer model. The random frame-index test is in rust_core_random.rs.

mod common;

use std::sync::Arc;

use common::*;
use labelrow::answers::{AnswerValue, DynamicAnswers};
use labelrow::error::ErrorKind;
use labelrow::instance::ClassificationData;
use labelrow::ranges::RangeSet;
use parking_lot::Mutex;
use serde_json::Value;

// ---- RowStore classification API --------------------------------------------------------------------------------

fn classification(
    row: &labelrow::row::RowStore,
    hash: &str,
    fh: &str,
    ranges: &[(i64, i64)],
) -> Arc<Mutex<ClassificationData>> {
    let feature = row.onto.classification(fh).unwrap();
    let mut c = ClassificationData::new(hash.into(), row.onto.clone(), feature, false, NOW);
    c.ranges = RangeSet::from_ranges(ranges.iter().copied());
    Arc::new(Mutex::new(c))
}

fn rs(r: &[(i64, i64)]) -> RangeSet {
    RangeSet::from_ranges(r.iter().copied())
}

#[test]
fn add_classification_overlap_rule_and_force() {
    let mut row = empty_store(20);
    let a = row
        .add_classification(classification(&row, "a", "CWEATHER", &[(0, 4)]), false)
        .unwrap();
    let e = row
        .add_classification(classification(&row, "b", "CWEATHER", &[(3, 6), (9, 9)]), false)
        .unwrap_err();
    assert_kind(&e, ErrorKind::LabelRow, "overlapping frames on the ranges [(3:4)]");
    assert!(row.classification_order("b").is_none(), "a refused add changes nothing");
    let e = row
        .add_classification(classification(&row, "a", "CWEATHER", &[(10, 11)]), false)
        .unwrap_err();
    assert_kind(&e, ErrorKind::LabelRow, "already previously added");
    let b = row
        .add_classification(classification(&row, "b", "CWEATHER", &[(3, 6)]), true)
        .unwrap();
    assert!(b > a);
    assert_eq!(row.claimed_overlap("CWEATHER", &rs(&[(0, 20)])).ranges(), &[(0, 6)]);
    assert!(row.claimed_overlap("CFLAGS", &rs(&[(0, 20)])).is_empty());
    // Another ontology classification does not conflict.
    row.add_classification(classification(&row, "g", "CFLAGS", &[(0, 0)]), false)
        .unwrap();
    let e = row
        .add_classification(classification(&row, "g2", "CFLAGS", &[]), false)
        .unwrap_err();
    assert_kind(&e, ErrorKind::LabelRow, "already added globally");
    row.add_classification(classification(&row, "g2", "CFLAGS", &[]), true)
        .unwrap();
    assert!(
        row.classification_order("g").is_none(),
        "force replaces the global instance"
    );
    // Removing an instance frees its frames.
    row.remove_classification(b);
    assert!(row.claimed_overlap("CWEATHER", &rs(&[(5, 6)])).is_empty());
    row.add_classification(classification(&row, "c", "CWEATHER", &[(5, 8)]), false)
        .unwrap();
    let hashes: Vec<String> = row.classifications().map(|(_, c)| c.lock().hash.clone()).collect();
    assert_eq!(hashes, ["a", "g2", "c"]);
    assert_eq!(
        row.filter_classifications(Some("CWEATHER"), Some(&rs(&[(4, 5)]))).len(),
        2
    );
}

#[test]
fn classification_set_frames_rules() {
    let mut row = empty_store(20);
    let a = row
        .add_classification(classification(&row, "a", "CWEATHER", &[(0, 4)]), false)
        .unwrap();
    let b = row
        .add_classification(classification(&row, "b", "CWEATHER", &[(10, 12)]), false)
        .unwrap();
    let ranges = |row: &labelrow::row::RowStore, o| row.classification(o).unwrap().lock().ranges.clone();
    let e = row.classification_set_frames(b, &rs(&[(3, 6)]), false).unwrap_err();
    assert_kind(&e, ErrorKind::LabelRow, "already exists on the ranges [(3:4)]");
    assert_eq!(ranges(&row, b).ranges(), &[(10, 12)]);
    row.classification_set_frames(b, &rs(&[(3, 6)]), true).unwrap();
    assert_eq!(ranges(&row, b).ranges(), &[(3, 6), (10, 12)]);
    assert_eq!(ranges(&row, a).ranges(), &[(0, 4)]);
    // Entirely claimed frames with overwrite: nothing to add.
    row.classification_set_frames(b, &rs(&[(0, 1)]), true).unwrap();
    assert_eq!(ranges(&row, b).ranges(), &[(3, 6), (10, 12)]);
    let e = row.classification_set_frames(b, &rs(&[(18, 20)]), false).unwrap_err();
    assert_kind(&e, ErrorKind::LabelRow, "The supplied frame of `20`");
    assert_eq!(ranges(&row, b).ranges(), &[(3, 6), (10, 12)]);
    assert!(row.claimed_overlap("CWEATHER", &rs(&[(18, 20)])).is_empty());
    row.classification_set_frames(b, &rs(&[(15, 19)]), false).unwrap();
    assert_eq!(row.claimed_overlap("CWEATHER", &rs(&[(13, 30)])).ranges(), &[(15, 19)]);
    let g = row
        .add_classification(classification(&row, "g", "CFLAGS", &[]), false)
        .unwrap();
    let e = row.classification_set_frames(g, &rs(&[(0, 0)]), false).unwrap_err();
    assert_kind(&e, ErrorKind::LabelRow, "already exists globally");
    row.classification_set_frames(g, &rs(&[(0, 0), (50, 50)]), true)
        .unwrap();
    assert_eq!(
        ranges(&row, g).ranges(),
        &[(0, 0), (50, 50)],
        "global: range-only, no bound check"
    );
    row.classification_remove_frames(b, &rs(&[(3, 6)]));
    assert_eq!(ranges(&row, b).ranges(), &[(10, 12), (15, 19)]);
    assert!(row.claimed_overlap("CWEATHER", &rs(&[(5, 5)])).is_empty());
}

// ---- DynamicAnswers ---------------------------------------------------------------------------------------------

struct Attrs {
    onto: Arc<labelrow::ontology::Ontology>,
    mov: usize,
    tags: usize,
    speed: usize,
}

impl Attrs {
    fn new() -> Self {
        let onto = onto();
        let f = &onto.objects[onto.object("OBOX").unwrap()];
        let (mov, tags, speed) = (f.attr_by_hash["MOV"], f.attr_by_hash["TAGS"], f.attr_by_hash["SPEED"]);
        Self { onto, mov, tags, speed }
    }
    fn opt(&self, attr: usize, h: &str) -> usize {
        self.onto.option_of(attr, h).unwrap()
    }
    /// `(featureHash, answers, range)` of every written entry, in written order.
    fn written(&self, d: &DynamicAnswers) -> Vec<String> {
        let v = d.to_value(&self.onto);
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let ans = match &e["answers"] {
                    Value::Array(a) => a
                        .iter()
                        .map(|o| o["featureHash"].as_str().unwrap())
                        .collect::<Vec<_>>()
                        .join("+"),
                    other => other.to_string(),
                };
                format!("{}={} {}", e["featureHash"].as_str().unwrap(), ans, e["range"])
            })
            .collect()
    }
}

#[test]
fn dynamic_set_replaces_and_reappends() {
    let at = Attrs::new();
    let (yes, no) = (
        AnswerValue::Radio(at.opt(at.mov, "YES")),
        AnswerValue::Radio(at.opt(at.mov, "NO")),
    );
    let mut d = DynamicAnswers::default();
    d.set(at.mov, yes.clone(), &rs(&[(0, 5)]));
    d.set(at.speed, AnswerValue::Numeric(Value::from(1)), &rs(&[(0, 1)]));
    d.set(at.mov, no.clone(), &rs(&[(0, 5)]));
    assert_eq!(
        at.written(&d),
        ["MOV=NO [[0,5]]", "SPEED=1 [[0,1]]"],
        "YES emptied and gone"
    );
    d.set(at.mov, yes.clone(), &rs(&[(2, 3)]));
    assert_eq!(
        at.written(&d),
        ["MOV=YES [[2,3]]", "MOV=NO [[0,1],[4,5]]", "SPEED=1 [[0,1]]"]
    );
    // Numerically equal numbers share one entry (the first stored value is kept).
    d.set(at.speed, AnswerValue::Numeric(Value::from(1.0)), &rs(&[(3, 4)]));
    assert_eq!(at.written(&d)[2], "SPEED=1 [[0,1],[3,4]]");
    d.set(at.mov, no, &rs(&[(6, 6)]));
    assert_eq!(at.written(&d)[1], "MOV=NO [[0,1],[4,6]]");
    d.remove(at.mov, &rs(&[(2, 3)]), Some(&yes));
    assert_eq!(at.written(&d), ["MOV=NO [[0,1],[4,6]]", "SPEED=1 [[0,1],[3,4]]"]);
    d.set(at.mov, yes, &rs(&[]));
    assert_eq!(d.entries().len(), 2, "an empty set adds nothing");
    d.remove_all(at.speed, None);
    assert_eq!(at.written(&d), ["MOV=NO [[0,1],[4,6]]"]);
    assert_eq!(d.covered().ranges(), &[(0, 1), (4, 6)]);
}

#[test]
fn dynamic_checklist_sweep_inserts_by_first_frame() {
    let at = Attrs::new();
    let (t1, t2, t3) = (at.opt(at.tags, "T1"), at.opt(at.tags, "T2"), at.opt(at.tags, "T3"));
    let mut d = DynamicAnswers::default();
    // Listed late-first: insertion still follows the frames.
    d.set_checklist_sweep(at.tags, &[(vec![t3], 9, 9), (vec![t2], 2, 6), (vec![t1], 0, 4)]);
    assert_eq!(
        at.written(&d),
        [
            "TAGS=T3 [[9,9]]",
            "TAGS=T2 [[5,6]]",
            "TAGS=T1+T2 [[2,4]]",
            "TAGS=T1 [[0,1]]"
        ]
    );
    // Checked sets compare as sets: {T2, T1} joins the T1+T2 entry.
    d.set(at.tags, AnswerValue::Checklist(vec![t2, t1]), &rs(&[(9, 9)]));
    assert_eq!(
        at.written(&d),
        ["TAGS=T2 [[5,6]]", "TAGS=T1+T2 [[2,4],[9,9]]", "TAGS=T1 [[0,1]]"]
    );
    let mut e = DynamicAnswers::default();
    e.set_checklist_sweep(at.tags, &[(vec![], 0, 3)]);
    assert!(e.is_empty(), "an empty union gives no answer");
}
