//! The JSON sink: compact JSON bytes, identical to `serde_json::to_vec` of the exported `Value`. Numbers go
//! through serde_json's own formatter and strings through its escaping rules, so the bytes cannot differ.

use serde_json::ser::{CompactFormatter, Formatter};
use serde_json::Value;

use super::sink::{FastMap, Key, LabelSink};
use super::ExportOptions;
use crate::dates::format_timestamp;
use crate::error::Result;
use crate::row::RowStore;

/// Writes compact JSON into a byte buffer.
#[derive(Default)]
pub struct JsonSink {
    out: Vec<u8>,
    /// The next key or list item needs a `,` before it.
    comma: bool,
    /// Quoted date strings by timestamp: a row holds few distinct ones, each written on many entries.
    dates: FastMap<i64, Box<[u8]>>,
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Whether any byte of `w` is a control character, `"` or `\`, eight bytes at a time: subtracting borrows into
/// a byte's high bit exactly when the lowest such byte is below the subtrahend, and `!x` masks out bytes that
/// had the high bit set already (so UTF-8 continuation bytes never count).
#[inline]
fn word_needs_escape(w: u64) -> bool {
    let quote = w ^ (ONES * u64::from(b'"'));
    let backslash = w ^ (ONES * u64::from(b'\\'));
    let below_space = w.wrapping_sub(ONES * 0x20) & !w;
    let is_quote = quote.wrapping_sub(ONES) & !quote;
    let is_backslash = backslash.wrapping_sub(ONES) & !backslash;
    (below_space | is_quote | is_backslash) & HIGH_BITS != 0
}

/// Whether serde_json would write `s` verbatim between quotes (it escapes control characters, `"` and `\`).
fn plain(s: &str) -> bool {
    let mut words = s.as_bytes().chunks_exact(8);
    for w in &mut words {
        let mut b = [0u8; 8];
        b.copy_from_slice(w);
        if word_needs_escape(u64::from_le_bytes(b)) {
            return false;
        }
    }
    words.remainder().iter().all(|&b| b >= 0x20 && b != b'"' && b != b'\\')
}

#[inline]
fn write_str(out: &mut Vec<u8>, s: &str) {
    if plain(s) {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        // Writing into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    }
}

impl JsonSink {
    pub fn with_capacity(bytes: usize) -> Self {
        Self {
            out: Vec::with_capacity(bytes),
            ..Self::default()
        }
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.out
    }

    #[inline]
    fn sep(&mut self) {
        if self.comma {
            self.out.push(b',');
        }
    }

    /// Starts a scalar value (the `,` when it is a list item after another).
    #[inline]
    fn item(&mut self) -> &mut Vec<u8> {
        self.sep();
        self.comma = true;
        &mut self.out
    }
}

// `Formatter` methods on a `Vec<u8>` cannot fail, hence the discarded results below.
impl LabelSink for JsonSink {
    #[inline]
    fn begin_map(&mut self, _: usize) {
        self.sep();
        self.out.push(b'{');
        self.comma = false;
    }
    #[inline]
    fn end_map(&mut self) {
        self.out.push(b'}');
        self.comma = true;
    }
    #[inline]
    fn begin_list(&mut self, _: usize) {
        self.sep();
        self.out.push(b'[');
        self.comma = false;
    }
    #[inline]
    fn end_list(&mut self) {
        self.out.push(b']');
        self.comma = true;
    }
    #[inline]
    fn key(&mut self, k: Key) {
        self.sep();
        self.out.extend_from_slice(k.json().as_bytes());
        self.comma = false;
    }
    #[inline]
    fn key_str(&mut self, k: &str) {
        self.sep();
        write_str(&mut self.out, k);
        self.out.push(b':');
        self.comma = false;
    }
    #[inline]
    fn key_int(&mut self, k: i64) {
        self.sep();
        self.out.push(b'"');
        let _ = CompactFormatter.write_i64(&mut self.out, k);
        self.out.extend_from_slice(b"\":");
        self.comma = false;
    }
    #[inline]
    fn str(&mut self, v: &str) {
        write_str(self.item(), v);
    }
    #[inline]
    fn int(&mut self, v: i64) {
        let _ = CompactFormatter.write_i64(self.item(), v);
    }
    #[inline]
    fn uint(&mut self, v: u64) {
        let _ = CompactFormatter.write_u64(self.item(), v);
    }
    #[inline]
    fn float(&mut self, v: f64) {
        let out = self.item();
        if v.is_finite() {
            let _ = CompactFormatter.write_f64(out, v);
        } else {
            out.extend_from_slice(b"null");
        }
    }
    #[inline]
    fn bool(&mut self, v: bool) {
        self.item().extend_from_slice(if v { b"true" } else { b"false" });
    }
    #[inline]
    fn null(&mut self) {
        self.item().extend_from_slice(b"null");
    }
    #[inline]
    fn date(&mut self, secs: i64) {
        self.sep();
        self.comma = true;
        let quoted = self.dates.entry(secs).or_insert_with(|| {
            let mut q = Vec::with_capacity(32);
            write_str(&mut q, &format_timestamp(secs));
            q.into_boxed_slice()
        });
        self.out.extend_from_slice(quoted);
    }
    #[inline]
    fn raw(&mut self, v: &Value) {
        match v {
            Value::Number(n) => self.number(n),
            Value::String(s) => self.str(s),
            other => {
                let _ = serde_json::to_writer(self.item(), other);
            }
        }
    }
}

/// The label dict as compact JSON bytes (what `serde_json::to_vec(&export_row(..)?)` gives, without the
/// intermediate `Value`).
pub fn export_json(row: &RowStore, opts: ExportOptions) -> Result<Vec<u8>> {
    // About 400 bytes per frame-object entry: one allocation for typical rows instead of a dozen regrowths.
    let entries: usize = row.labelled_frames().map(|(_, objs)| objs.len()).sum();
    let mut sink = JsonSink::with_capacity(4096 + entries * 400);
    super::export_into(row, opts, &mut sink)?;
    Ok(sink.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(s: &[u8]) -> bool {
        s.iter().all(|&b| b >= 0x20 && b != b'"' && b != b'\\')
    }

    #[test]
    fn word_check_agrees_with_the_byte_check() {
        for byte in 0..=255u8 {
            for pos in 0..8 {
                for fill in [b'a', b' ', 0xc3, 0x7f] {
                    let mut w = [fill; 8];
                    w[pos] = byte;
                    assert_eq!(
                        !word_needs_escape(u64::from_le_bytes(w)),
                        naive(&w),
                        "{byte:#x} at {pos} in {fill:#x}"
                    );
                }
            }
        }
        for s in [
            "",
            "abcdefgh",
            "abcdefghi\"",
            "ünïcødé text",
            "tab\there",
            "0123456789abcdef\\",
        ] {
            assert_eq!(plain(s), naive(s.as_bytes()), "{s:?}");
        }
    }
}
