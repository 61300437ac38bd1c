//! Randomised tests of the Rust core: a parse never panics on mutated label rows, and the frame index stays
//! consistent with the objects' frames through random store edits. Deterministic (xorshift, fixed seeds).

mod common;

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use common::*;
use labelrow::error::ErrorKind;
use labelrow::geometry::Geometry;
use labelrow::instance::{Geometries, MetaUpdate, ObjectData};
use labelrow::ranges::RangeSet;
use labelrow::row::RowStore;
use parking_lot::Mutex;
use serde_json::{Number, Value};

// ---- mutated label rows ------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Seg {
    Key(String),
    Idx(usize),
}

fn paths(v: &Value, here: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    out.push(here.clone());
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                here.push(Seg::Key(k.clone()));
                paths(c, here, out);
                here.pop();
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                here.push(Seg::Idx(i));
                paths(c, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn at<'v>(v: &'v mut Value, path: &[Seg]) -> &'v mut Value {
    path.iter().fold(v, |v, s| match s {
        Seg::Key(k) => &mut v[k.as_str()],
        Seg::Idx(i) => &mut v[*i],
    })
}

fn junk(rng: &mut Rng) -> Value {
    let choices = [
        "null",
        "\"\"",
        "\"x\"",
        "\"-1\"",
        "\"2023-02-30 00:00:00\"",
        "-1",
        "0",
        "1.5",
        "1e308",
        "-1e308",
        "9223372036854775807",
        "-9223372036854775808",
        "18446744073709551615",
        "[]",
        "[1,2]",
        "[[0,1]]",
        "[[5,2]]",
        "[[0,9223372036854775807]]",
        "{}",
        "{\"a\":1}",
        "{\"0\":{}}",
        "true",
    ];
    json(choices[rng.below(choices.len())])
}

const GARBAGE_KEYS: [&str; 11] = [
    "a",
    "-1",
    "",
    " 7 ",
    "007",
    "1e3",
    "99999999999999999999",
    "-9223372036854775808",
    "9223372036854775807",
    "\u{663}",
    "19",
];

/// One random mutation: delete, replace by junk, duplicate an entry (a frame, a list element) or rename a key.
fn mutate(v: &mut Value, rng: &mut Rng) {
    let mut all = Vec::new();
    paths(v, &mut Vec::new(), &mut all);
    // Half of the time aim at the frame-keyed labels (or the unit map) where the frame rules live.
    let containers: Vec<&Vec<Seg>> = all
        .iter()
        .filter(|p| matches!(p.last(), Some(Seg::Key(k)) if k == "labels" || k == "data_units"))
        .collect();
    let target = if !containers.is_empty() && rng.below(2) == 0 {
        containers[rng.below(containers.len())].clone()
    } else {
        all[rng.below(all.len())].clone()
    };
    match rng.below(4) {
        0 => {
            // Delete this node from its parent.
            if let Some((last, parent)) = target.split_last() {
                match (at(v, parent), last) {
                    (Value::Object(m), Seg::Key(k)) => {
                        m.shift_remove(k);
                    }
                    (Value::Array(a), Seg::Idx(i)) => {
                        a.remove(*i);
                    }
                    _ => {}
                }
            }
        }
        1 => {
            if !target.is_empty() {
                *at(v, &target) = junk(rng);
            }
        }
        2 => match at(v, &target) {
            Value::Object(m) if !m.is_empty() => {
                let copy = m.values().nth(rng.below(m.len())).unwrap().clone();
                let key = rng.frame(40).to_string();
                m.insert(key, copy);
            }
            Value::Array(a) if !a.is_empty() => {
                let copy = a[rng.below(a.len())].clone();
                a.push(copy);
            }
            _ => {}
        },
        _ => {
            if let Value::Object(m) = at(v, &target) {
                if !m.is_empty() {
                    let i = rng.below(m.len());
                    let key = m.keys().nth(i).unwrap().clone();
                    let val = m.shift_remove(&key).unwrap();
                    m.insert(GARBAGE_KEYS[rng.below(GARBAGE_KEYS.len())].into(), val);
                }
            }
        }
    }
}

#[test]
fn parse_never_panics_on_mutated_rows() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let (mut ok, mut err) = (0, 0);
    // RUST_CORE_FUZZ_CASES raises the count for a longer local run.
    let cases = std::env::var("RUST_CORE_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    for case in 0..cases {
        let base = [VIDEO, IMAGE, IMG_GROUP][case % 3];
        let mut v = json(base);
        for _ in 0..=rng.below(3) {
            mutate(&mut v, &mut rng);
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let row = parse(&v)?;
            // Whatever parses must also export (or fail cleanly) and re-parse.
            let out = labelrow::export::export_row(&row, Default::default())?;
            // The JSON bytes sink writes exactly the serialised `Value`.
            let bytes = labelrow::export::export_json(&row, Default::default())?;
            assert!(bytes == serde_json::to_vec(&out).unwrap(), "JSON sink differs");
            parse(&out).map(|_| ())
        }));
        match outcome {
            Ok(Ok(())) => ok += 1,
            Ok(Err(e)) => {
                assert!(!e.message.is_empty());
                err += 1;
            }
            Err(_) => panic!("case {case} panicked on:\n{}", text(&v)),
        }
    }
    assert!(ok > 50 && err > 50, "ok {ok}, err {err}");
}

// ---- frame index under random edits ------------------------------------------------------------------------------

const FRAMES: i64 = 30;

fn n(x: i64) -> Number {
    Number::from(x)
}

fn geometry(shape: &str) -> Geometry {
    match shape {
        "point" => Geometry::Point {
            x: n(1),
            y: n(2),
            z: None,
        },
        _ => Geometry::BoundingBox {
            h: n(1),
            w: n(1),
            x: n(0),
            y: n(0),
        },
    }
}

/// A few scattered frames, or (one time in three) a run of tracks' kind: dense, with gaps, in random order, so
/// that the index's merged insertion of runs is checked too.
fn random_frames(rng: &mut Rng, lo: i64, hi: i64) -> Vec<i64> {
    if rng.below(3) > 0 {
        return (0..=rng.below(4)).map(|_| lo + rng.frame(hi - lo)).collect();
    }
    let start = lo + rng.frame(hi - lo);
    let mut run: Vec<i64> = (start..(start + 16 + rng.frame(40)).min(hi))
        .filter(|_| rng.below(5) > 0)
        .collect();
    if rng.below(2) == 0 {
        run.reverse();
    }
    run
}

/// Brute force: every object's frames against the index, the frame filter and the hash map.
fn check_index(row: &RowStore, rng: &mut Rng, step: usize) {
    let objects: Vec<(u64, String, String, BTreeSet<i64>)> = row
        .objects()
        .map(|(o, c)| {
            let d = c.lock();
            (
                o,
                d.hash.clone(),
                d.feature_node().hash.clone(),
                d.frames.keys().copied().collect(),
            )
        })
        .collect();
    for (o, hash, _, frames) in &objects {
        assert_eq!(row.object_order(hash), Some(*o), "step {step}: hash map");
        assert!(
            !frames.is_empty(),
            "step {step}: an object without frames stayed on the row"
        );
    }
    for f in -2..FRAMES + 2 {
        let want: Vec<u64> = objects.iter().filter(|x| x.3.contains(&f)).map(|x| x.0).collect();
        assert_eq!(row.objects_on_frame(f), want.as_slice(), "step {step}: frame {f}");
    }
    let labelled: Vec<i64> = row.labelled_frames().map(|(f, _)| f).collect();
    let want: BTreeSet<i64> = objects.iter().flat_map(|x| x.3.iter().copied()).collect();
    assert_eq!(
        labelled,
        want.into_iter().collect::<Vec<_>>(),
        "step {step}: labelled frames"
    );
    for _ in 0..3 {
        let set = RangeSet::from_ranges((0..=rng.below(2)).map(|_| {
            let s = rng.frame(FRAMES + 4) - 2;
            (s, s + rng.frame(6))
        }));
        let feature = [None, Some("OBOX"), Some("OPT")][rng.below(3)];
        let want: Vec<u64> = objects
            .iter()
            .filter(|x| x.3.iter().any(|&f| set.contains(f)) && feature.is_none_or(|h| x.2 == h))
            .map(|x| x.0)
            .collect();
        assert_eq!(
            row.filter_objects(feature, Some(&set)),
            want,
            "step {step}: filter {set:?} {feature:?}"
        );
    }
    let all: Vec<u64> = objects.iter().map(|x| x.0).collect();
    assert_eq!(row.filter_objects(None, None), all);
}

#[test]
fn frame_index_matches_a_brute_force_scan() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut row = empty_store(FRAMES);
    let onto = row.onto.clone();
    let features = [("OBOX", "bounding_box"), ("OPT", "point")];
    let mut next_hash = 0;
    let (mut refused, mut applied) = (0, 0);
    for step in 0..400 {
        let orders: Vec<u64> = row.objects().map(|(o, _)| o).collect();
        let pick = |rng: &mut Rng| orders.get(rng.below(orders.len().max(1))).copied();
        match rng.below(7) {
            0 | 1 => {
                // A new object with frames, or a force re-add of an existing hash (which moves to the end).
                let (fh, shape) = features[rng.below(2)];
                let existing = pick(&mut rng).filter(|_| rng.below(3) == 0);
                let hash = match existing {
                    Some(o) => row.object(o).unwrap().lock().hash.clone(),
                    None => {
                        next_hash += 1;
                        format!("o{next_hash}")
                    }
                };
                let mut d = ObjectData::new(hash.clone(), onto.clone(), onto.object(fh).unwrap());
                d.apply_set(
                    &random_frames(&mut rng, 0, FRAMES),
                    Geometries::Same(&geometry(shape)),
                    &MetaUpdate::default(),
                    None,
                    NOW,
                );
                let cell = Arc::new(Mutex::new(d));
                if existing.is_some() {
                    let e = row.add_object(cell.clone(), false).unwrap_err();
                    assert_kind(&e, ErrorKind::LabelRow, "already previously added");
                }
                let o = row.add_object(cell, existing.is_some()).unwrap();
                assert_eq!(row.objects().last().map(|(k, _)| k), Some(o));
                assert_eq!(row.object_order(&hash), Some(o));
            }
            2 => {
                if let Some(o) = pick(&mut rng) {
                    assert!(row.remove_object(o).is_some());
                    assert!(row.remove_object(o).is_none());
                }
            }
            3 | 4 => {
                if let Some(o) = pick(&mut rng) {
                    let shape = row.object(o).unwrap().lock().feature_node().shape.clone();
                    // Sometimes out of bounds or the wrong shape: then nothing may change.
                    let frames = random_frames(&mut rng, -1, FRAMES + 2);
                    let shape = if rng.below(10) == 0 { "point" } else { shape.as_str() };
                    let before = row.object(o).unwrap().lock().frames.clone();
                    let overwrite = rng.below(2) == 0;
                    let g = geometry(shape);
                    // One geometry for all frames, or a copy per frame (as bulk calls hand them over).
                    let geometries = if rng.below(2) == 0 {
                        Geometries::Same(&g)
                    } else {
                        Geometries::Owned(vec![g.clone(); frames.len()])
                    };
                    match row.object_set_frames(o, &frames, geometries, &MetaUpdate::default(), None, overwrite, NOW) {
                        Ok(()) => applied += 1,
                        Err(e) => {
                            assert_eq!(e.kind, ErrorKind::LabelRow, "{}", e.message);
                            assert_eq!(
                                row.object(o).unwrap().lock().frames,
                                before,
                                "a refused set changed frames"
                            );
                            refused += 1;
                        }
                    }
                }
            }
            _ => {
                if let Some(o) = pick(&mut rng) {
                    let mut frames: Vec<i64> = row.object(o).unwrap().lock().frames.keys().copied().collect();
                    frames.retain(|_| rng.below(2) == 0);
                    let missing = rng.below(5) == 0;
                    if missing {
                        frames.push(FRAMES + 5);
                    }
                    let hash = row.object(o).unwrap().lock().hash.clone();
                    match row.object_remove_frames(o, &frames) {
                        Ok(emptied) => {
                            assert!(!missing);
                            assert_eq!(emptied, row.object(o).is_none());
                            assert_eq!(row.object_order(&hash).is_none(), emptied);
                        }
                        Err(e) => {
                            assert!(missing);
                            assert_eq!(e.kind, ErrorKind::Key);
                        }
                    }
                }
            }
        }
        check_index(&row, &mut rng, step);
    }
    assert!(refused > 10 && applied > 10, "refused {refused}, applied {applied}");
    assert!(row.object_count() > 0);
}
