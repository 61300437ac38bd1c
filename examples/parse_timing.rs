//! Times the stages of loading a label row from JSON in the Rust core alone:
//! `cargo run --release --example parse_timing -- ROW.json ONTOLOGY.json DATA_TYPE FRAMES [REPEAT]`.

use std::sync::Arc;
use std::time::Instant;

use labelrow::ontology::Ontology;
use labelrow::parse::{parse_tree, ParseContext};
use labelrow::row::{DataType, MediaInfo};
use serde_json::Value;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[0]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bytes = std::fs::read(&args[1]).expect("row file");
    let onto: Value = serde_json::from_slice(&std::fs::read(&args[2]).expect("ontology file")).expect("ontology");
    let onto = Arc::new(Ontology::from_value(&onto).expect("ontology"));
    let data_type = DataType::parse(&args[3]).expect("data type");
    let frames: i64 = args[4].parse().expect("frames");
    let repeat: usize = args.get(5).map_or(5, |r| r.parse().expect("repeat"));
    let no_fallback = |_: &str| None;
    let ctx = ParseContext {
        onto,
        media: MediaInfo {
            data_type,
            number_of_frames: frames,
            fps: Value::Null,
            duration: Value::Null,
            is_shadow_data: false,
        },
        now: 0,
        date_fallback: &no_fallback,
    };
    let (mut tree_ms, mut parse_ms, mut drop_ms, mut value_ms) = (vec![], vec![], vec![], vec![]);
    for _ in 0..repeat {
        let t = Instant::now();
        let tree = labelrow::tree::json::parse(&bytes).expect("json");
        tree_ms.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let row = parse_tree(tree.root(), &ctx).expect("parse");
        parse_ms.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        drop(row);
        drop(tree);
        drop_ms.push(t.elapsed().as_secs_f64() * 1e3);
        if std::env::var_os("WITH_VALUE").is_some() {
            let t = Instant::now();
            let v: Value = serde_json::from_slice(&bytes).expect("json");
            drop(v);
            value_ms.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    println!(
        "tree {:.1} ms, parse {:.1} ms, drop {:.1} ms (serde_json Value parse+drop {:.1} ms)",
        median(tree_ms),
        median(parse_ms),
        median(drop_ms),
        if value_ms.is_empty() {
            f64::NAN
        } else {
            median(value_ms)
        }
    );
}
