//! The `Value` sink: the label dict as a serde `Value` (Rust tests, single frame entries in the binding).

use serde_json::{Map, Number, Value};

use super::sink::{Key, LabelSink};
use crate::dates::format_timestamp;

enum Open {
    Map(Map<String, Value>, Option<String>),
    List(Vec<Value>),
}

/// Builds a `Value`. Map entries are inserted as `Map::insert` does: a repeated key keeps its first place and
/// takes the last value, as a Python dict would.
#[derive(Default)]
pub struct ValueSink {
    stack: Vec<Open>,
    root: Option<Value>,
}

impl ValueSink {
    pub fn new() -> Self {
        Self::default()
    }

    /// The finished value (`null` if nothing was written).
    pub fn finish(self) -> Value {
        debug_assert!(self.stack.is_empty(), "unbalanced sink events");
        self.root.unwrap_or(Value::Null)
    }

    fn put(&mut self, v: Value) {
        match self.stack.last_mut() {
            Some(Open::Map(m, key)) => {
                let k = key.take();
                debug_assert!(k.is_some(), "a map value without a key");
                m.insert(k.unwrap_or_default(), v);
            }
            Some(Open::List(l)) => l.push(v),
            None => self.root = Some(v),
        }
    }

    fn set_key(&mut self, k: String) {
        if let Some(Open::Map(_, key)) = self.stack.last_mut() {
            *key = Some(k);
        }
    }
}

/// Runs `write` into a fresh [`ValueSink`] and returns what it wrote.
pub fn value_of(write: impl FnOnce(&mut ValueSink)) -> Value {
    let mut s = ValueSink::new();
    write(&mut s);
    s.finish()
}

impl LabelSink for ValueSink {
    fn begin_map(&mut self, len_hint: usize) {
        self.stack.push(Open::Map(Map::with_capacity(len_hint), None));
    }
    fn end_map(&mut self) {
        if let Some(Open::Map(m, _)) = self.stack.pop() {
            self.put(Value::Object(m));
        }
    }
    fn begin_list(&mut self, len_hint: usize) {
        self.stack.push(Open::List(Vec::with_capacity(len_hint)));
    }
    fn end_list(&mut self) {
        if let Some(Open::List(l)) = self.stack.pop() {
            self.put(Value::Array(l));
        }
    }
    fn key(&mut self, k: Key) {
        self.set_key(k.as_str().to_owned());
    }
    fn key_str(&mut self, k: &str) {
        self.set_key(k.to_owned());
    }
    fn key_int(&mut self, k: i64) {
        self.set_key(k.to_string());
    }
    fn str(&mut self, v: &str) {
        self.put(Value::String(v.to_owned()));
    }
    fn int(&mut self, v: i64) {
        self.put(Value::from(v));
    }
    fn uint(&mut self, v: u64) {
        self.put(Value::from(v));
    }
    fn float(&mut self, v: f64) {
        self.put(Number::from_f64(v).map_or(Value::Null, Value::Number));
    }
    fn bool(&mut self, v: bool) {
        self.put(Value::Bool(v));
    }
    fn null(&mut self) {
        self.put(Value::Null);
    }
    fn date(&mut self, secs: i64) {
        self.put(Value::String(format_timestamp(secs)));
    }
    fn number(&mut self, n: &Number) {
        self.put(Value::Number(n.clone()));
    }
    fn raw(&mut self, v: &Value) {
        self.put(v.clone());
    }
}
