//! The JSON sink: compact JSON bytes, identical to `serde_json::to_vec` of the exported `Value`. Numbers go
//! through serde_json's own formatter and strings through its escaping rules, so the bytes cannot differ.

use serde_json::ser::{CompactFormatter, Formatter};
use serde_json::Value;

use super::bytes_out::ByteOut;
use super::sink::{FastMap, Key, LabelSink};
use super::ExportOptions;
use crate::dates::format_timestamp;
use crate::error::Result;
use crate::ranges::Frame;
use crate::row::{DataUnit, RowStore};

/// Writes compact JSON into a byte buffer.
pub struct JsonSink<B: ByteOut = Vec<u8>> {
    out: B,
    /// The next key or list item needs a `,` before it.
    comma: bool,
    /// Quoted date strings by timestamp: a row holds few distinct ones, each written on many entries.
    dates: FastMap<i64, Box<[u8]>>,
    /// Whether a large multi-frame unit's labels may be written on two threads.
    two_threads: bool,
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
fn write_str<B: ByteOut>(out: &mut B, s: &str) {
    if plain(s) {
        out.push_byte(b'"');
        out.put(s.as_bytes());
        out.push_byte(b'"');
    } else {
        // Writing into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    }
}

impl<B: ByteOut> JsonSink<B> {
    /// A sink appending to `out`, on two threads where that pays and the process allows it (see
    /// [`crate::parallel`]).
    pub fn new(out: B) -> Self {
        Self::with_threads(out, crate::parallel::allowed(&crate::parallel::EXPORT))
    }

    /// A sink appending to `out`, on one thread or (where a unit's labels are large) two.
    pub fn with_threads(out: B, two_threads: bool) -> Self {
        Self {
            out,
            comma: false,
            dates: FastMap::default(),
            two_threads,
        }
    }

    pub fn into_inner(self) -> B {
        self.out
    }

    #[inline]
    fn sep(&mut self) {
        if self.comma {
            self.out.push_byte(b',');
        }
    }

    /// Starts a scalar value (the `,` when it is a list item after another).
    #[inline]
    fn item(&mut self) -> &mut B {
        self.sep();
        self.comma = true;
        &mut self.out
    }
}

// `Formatter` methods on a `Vec<u8>` cannot fail, hence the discarded results below.
impl<B: ByteOut> LabelSink for JsonSink<B> {
    #[inline]
    fn begin_map(&mut self, _: usize) {
        self.sep();
        self.out.push_byte(b'{');
        self.comma = false;
    }
    #[inline]
    fn end_map(&mut self) {
        self.out.push_byte(b'}');
        self.comma = true;
    }
    #[inline]
    fn begin_list(&mut self, _: usize) {
        self.sep();
        self.out.push_byte(b'[');
        self.comma = false;
    }
    #[inline]
    fn end_list(&mut self) {
        self.out.push_byte(b']');
        self.comma = true;
    }
    #[inline]
    fn key(&mut self, k: Key) {
        self.sep();
        self.out.put(k.json().as_bytes());
        self.comma = false;
    }
    #[inline]
    fn key_str(&mut self, k: &str) {
        self.sep();
        write_str(&mut self.out, k);
        self.out.push_byte(b':');
        self.comma = false;
    }
    #[inline]
    fn key_int(&mut self, k: i64) {
        self.sep();
        self.out.push_byte(b'"');
        let _ = CompactFormatter.write_i64(&mut self.out, k);
        self.out.put(b"\":");
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
            out.put(b"null");
        }
    }
    #[inline]
    fn bool(&mut self, v: bool) {
        self.item().put(if v { b"true" } else { b"false" });
    }
    #[inline]
    fn null(&mut self) {
        self.item().put(b"null");
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
        self.out.put(quoted);
    }
    fn frame_labels(&mut self, row: &RowStore, sizes: &DataUnit) -> Result<()> {
        let frames: Vec<(Frame, usize)> = row.labelled_frames().map(|(f, objs)| (f, objs.len())).collect();
        let entries: usize = frames.iter().map(|&(_, n)| n).sum();
        if entries < PARALLEL_MIN_ENTRIES || !self.two_threads {
            return super::write_frame_labels(row, frames.iter().map(|&(f, _)| f), sizes, self);
        }
        // The second half (by entries) is written into a buffer of its own on another thread, then appended.
        let mut seen = 0;
        let mid = frames
            .iter()
            .position(|&(_, n)| {
                seen += n;
                seen * 2 >= entries
            })
            .map_or(frames.len(), |i| i + 1);
        let (head, tail) = frames.split_at(mid);
        let (head_done, tail_done) = std::thread::scope(|scope| {
            let tail_job = scope.spawn(|| {
                let guess = tail.iter().map(|&(_, n)| n).sum::<usize>() * ENTRY_BYTES;
                let mut sink = JsonSink::with_threads(Vec::with_capacity(guess), false);
                // It continues the map the head opened.
                sink.comma = true;
                super::write_frame_labels(row, tail.iter().map(|&(f, _)| f), sizes, &mut sink)
                    .map(|()| sink.into_inner())
            });
            let head_done = super::write_frame_labels(row, head.iter().map(|&(f, _)| f), sizes, self);
            (head_done, tail_job.join())
        });
        // The head's error comes first, as it would on one thread.
        head_done?;
        let tail_bytes = tail_done.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        self.out.put(&tail_bytes);
        self.comma = true;
        Ok(())
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
    export_json_into(row, opts, Vec::with_capacity(json_size_guess(row)))
}

/// [`export_json`] on one thread or, where a unit's labels are large, two (whatever the process setting).
pub fn export_json_threads(row: &RowStore, opts: ExportOptions, two_threads: bool) -> Result<Vec<u8>> {
    write(
        row,
        opts,
        JsonSink::with_threads(Vec::with_capacity(json_size_guess(row)), two_threads),
    )
}

/// Writes the label dict as compact JSON into `out` (see [`export_json`]).
pub fn export_json_into<B: ByteOut>(row: &RowStore, opts: ExportOptions, out: B) -> Result<B> {
    write(row, opts, JsonSink::new(out))
}

fn write<B: ByteOut>(row: &RowStore, opts: ExportOptions, mut sink: JsonSink<B>) -> Result<B> {
    super::export_into(row, opts, &mut sink)?;
    Ok(sink.into_inner())
}

/// About the JSON bytes of one frame-object entry.
const ENTRY_BYTES: usize = 450;

/// Multi-frame rows with at least this many frame-object entries are written on two threads (a thread costs
/// tens of microseconds; this many entries take a few milliseconds to write).
pub const PARALLEL_MIN_ENTRIES: usize = 4096;

/// A first capacity for the JSON of `row`, so typical rows are written with one allocation and at most one
/// growth.
pub fn json_size_guess(row: &RowStore) -> usize {
    let entries: usize = row.labelled_frames().map(|(_, objs)| objs.len()).sum();
    4096 + entries * ENTRY_BYTES
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
