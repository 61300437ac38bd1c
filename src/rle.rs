//! Bitmask run-length encoding in the reference's `rleString` format (spec §5.2).
//!
//! A mask is flattened row-major (C order) and described by run lengths that alternate between
//! unset and set pixels, always starting with an unset run (so a mask whose first pixel is set
//! starts with a run of length 0). The runs are then written as a COCO-style compressed string:
//!
//! * for run index `i > 2` the value stored is `run[i] - run[i - 2]` (runs of the same colour tend
//!   to have similar lengths, so the difference is small and usually fits in one character);
//! * each value is split into 5-bit groups, least-significant first; a group is written as the
//!   character `group + 48`, with `0x20` added on every group except the last;
//! * the value is signed: the last group's `0x10` bit is its sign bit, so decoding sign-extends
//!   from it and encoding stops as soon as the remaining bits are pure sign extension.
//!
//! Everything here works on bytes: uniform 32-pixel blocks are skipped with four word compares,
//! run boundaries inside mixed blocks are found eight pixels at a time from a transition bitmask,
//! and nothing allocates or branches per pixel.

use std::fmt;

/// What is wrong with an RLE string (or with the runs it describes).
///
/// `index` fields are byte offsets into the string; because every valid character is ASCII
/// they are also character offsets up to (and including) the first invalid character.
/// `run` fields are zero-based run indices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RleError {
    /// A character outside the alphabet `'0'..='o'` (0x30..=0x6F).
    InvalidChar { index: usize, ch: char },
    /// The string ends in the middle of a value (its last character has the 0x20 continuation bit).
    Unterminated { index: usize, run: usize },
    /// A value has more groups than fit in the decoder, or a run exceeds `u64::MAX`.
    Overflow { index: usize, run: usize },
    /// A run decoded to a negative length.
    NegativeRun { index: usize, run: usize, value: i128 },
    /// The runs cover more pixels than the mask has: run `run` ends past `len`.
    TooLong { run: usize, len: usize },
    /// The runs cover only `total` of the mask's `len` pixels.
    TooShort { total: usize, len: usize },
}

impl fmt::Display for RleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RleError::InvalidChar { index, ch } => {
                write!(
                    f,
                    "invalid character {ch:?} at index {index} in RLE string (expected '0'..='o')"
                )
            }
            RleError::Unterminated { index, run } => {
                write!(
                    f,
                    "RLE string ends inside run {run} (value starting at index {index} is unterminated)"
                )
            }
            RleError::Overflow { index, run } => {
                write!(f, "run {run} (starting at index {index}) of RLE string overflows")
            }
            RleError::NegativeRun { index, run, value } => {
                write!(
                    f,
                    "run {run} (starting at index {index}) of RLE string has negative length {value}"
                )
            }
            RleError::TooLong { run, len } => {
                write!(f, "RLE runs exceed the mask size {len} at run {run}")
            }
            RleError::TooShort { total, len } => {
                write!(f, "RLE runs cover {total} pixels but the mask has {len}")
            }
        }
    }
}

impl std::error::Error for RleError {}

// ---------------------------------------------------------------------------------------------
// Mask -> runs
// ---------------------------------------------------------------------------------------------

const LOW_BITS: u64 = 0x0101_0101_0101_0101;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// Loads up to eight bytes as a little-endian word (byte 0 lowest), zero-padding a short tail.
#[inline(always)]
fn load_word_raw(chunk: &[u8]) -> u64 {
    match <[u8; 8]>::try_from(chunk) {
        Ok(bytes) => u64::from_le_bytes(bytes),
        Err(_) => {
            let mut bytes = [0u8; 8];
            let n = chunk.len().min(8);
            bytes[..n].copy_from_slice(&chunk[..n]);
            u64::from_le_bytes(bytes)
        }
    }
}

/// Maps every byte of `w` to exactly 0x00 or 0x01 (nonzero = set).
///
/// numpy can hold bool arrays whose bytes are not 0/1 (through `.view(np.uint8)`); treating those
/// as set is what `mask != 0` would say.
#[inline(always)]
fn normalise(w: u64) -> u64 {
    // Per byte: (b & 0x7f) + 0x7f sets bit 7 iff the low seven bits are nonzero, and cannot carry
    // into the next byte; OR-ing `w` covers bit 7 itself. Then move bit 7 down to bit 0.
    ((((w & LOW7).wrapping_add(LOW7)) | w) >> 7) & LOW_BITS
}

/// Calls `emit` with each run length of the byte mask (nonzero = set), in order.
///
/// Emits nothing for an empty mask; otherwise the first run is the (possibly empty) run of unset
/// pixels and the runs sum to `mask.len()`.
#[inline(always)]
fn for_each_run(mask: &[u8], mut emit: impl FnMut(u64)) {
    // Pixels per block for the uniform-region skip: four words, checked with plain integer ops so
    // it is fast even without auto-vectorisation (the editable build uses opt-level 1).
    const BLOCK: usize = 32;
    if mask.is_empty() {
        return;
    }
    let mut run_start = 0usize;
    // Value of the pixel before the current word, in bit 0. Starting "unset" makes a set first
    // pixel register as a transition at 0, which yields the leading zero-length run.
    let mut prev = 0u64;
    // Emits the runs ending inside one normalised word starting at pixel `base`; `t` must already
    // be limited to the word's valid bytes.
    let mut transitions = |mut t: u64, base: usize, run_start: &mut usize| {
        while t != 0 {
            let pos = base + (t.trailing_zeros() / 8) as usize;
            emit((pos - *run_start) as u64);
            *run_start = pos;
            t &= t - 1;
        }
    };
    let blocks = mask.chunks_exact(BLOCK);
    let tail = blocks.remainder();
    for (bi, block) in blocks.enumerate() {
        // Fast path: all 32 bytes equal the previous pixel (exactly 0x00 or 0x01), so no run ends
        // here. Bytes other than 0/1 never match and take the exact path below.
        let same = prev * LOW_BITS;
        let mut diff = 0u64;
        for word in block.chunks_exact(8) {
            diff |= load_word_raw(word) ^ same;
        }
        if diff == 0 {
            continue;
        }
        for (k, word) in block.chunks_exact(8).enumerate() {
            let w = normalise(load_word_raw(word));
            // Byte j of `w << 8` is pixel j-1, so this has bit 0 of byte j set where pixel j
            // differs from its predecessor.
            let t = w ^ ((w << 8) | prev);
            prev = w >> 56;
            transitions(t, bi * BLOCK + k * 8, &mut run_start);
        }
    }
    let tail_base = mask.len() - tail.len();
    for (k, chunk) in tail.chunks(8).enumerate() {
        let w = normalise(load_word_raw(chunk));
        let mut t = w ^ ((w << 8) | prev);
        if chunk.len() < 8 {
            // Drop transitions into the zero padding (len < 8, so the shift is < 64).
            t &= (1u64 << (8 * chunk.len())) - 1;
        }
        prev = w >> 56;
        transitions(t, tail_base + k * 8, &mut run_start);
    }
    emit((mask.len() - run_start) as u64);
}

/// Views a bool slice as its bytes.
#[inline(always)]
fn bool_bytes(mask: &[bool]) -> &[u8] {
    // SAFETY: `bool` has the size and alignment of `u8`, and every valid `bool` (0 or 1) is a
    // valid `u8`; the returned slice borrows `mask`, so lifetime and aliasing are unchanged.
    unsafe { std::slice::from_raw_parts(mask.as_ptr().cast::<u8>(), mask.len()) }
}

/// Run lengths of a row-major mask, alternating unset/set and starting with an unset run.
///
/// An empty mask has no runs; a mask whose first pixel is set starts with a `0` run.
pub fn encode_runs(mask: &[bool]) -> Vec<u64> {
    encode_runs_bytes(bool_bytes(mask))
}

/// Like [`encode_runs`] for a byte mask, where any nonzero byte is a set pixel.
pub fn encode_runs_bytes(mask: &[u8]) -> Vec<u64> {
    let mut runs = Vec::new();
    for_each_run(mask, |r| runs.push(r));
    runs
}

// ---------------------------------------------------------------------------------------------
// Runs <-> string
// ---------------------------------------------------------------------------------------------

/// Appends one signed value as 5-bit groups, least-significant first.
#[inline(always)]
fn push_value(out: &mut Vec<u8>, mut x: i128) {
    // Fast path: values in -16..16 are one group (most deltas in real and noisy masks).
    if (-16..16).contains(&x) {
        out.push((x as u8 & 0x1f) + 48);
        return;
    }
    loop {
        let group = (x & 0x1f) as u8;
        // Arithmetic shift: keeps the sign for the termination test.
        x >>= 5;
        // Stop once the remaining bits merely repeat this group's sign bit (0x10), because the
        // decoder sign-extends from exactly that bit.
        let done = if group & 0x10 != 0 { x == -1 } else { x == 0 };
        if done {
            out.push(group + 48);
            return;
        }
        out.push((group | 0x20) + 48);
    }
}

/// Streaming string encoder: keeps the two previous runs for the `i > 2` delta coding.
struct StringEncoder {
    out: Vec<u8>,
    index: usize,
    prev1: u64,
    prev2: u64,
}

impl StringEncoder {
    fn with_capacity(cap: usize) -> Self {
        StringEncoder {
            out: Vec::with_capacity(cap),
            index: 0,
            prev1: 0,
            prev2: 0,
        }
    }

    #[inline(always)]
    fn push(&mut self, run: u64) {
        let base = if self.index > 2 { self.prev2 } else { 0 };
        // i128 holds the difference of any two u64 values, so no run can make this wrap.
        push_value(&mut self.out, i128::from(run) - i128::from(base));
        self.prev2 = self.prev1;
        self.prev1 = run;
        self.index += 1;
    }

    fn finish(self) -> String {
        // Every byte pushed is `group + 48` with group < 64, i.e. ASCII '0'..='o'.
        String::from_utf8(self.out).expect("RLE encoder only emits ASCII")
    }
}

/// Writes run lengths as the compressed RLE string (delta coding for `i > 2`, 5-bit groups).
pub fn runs_to_string(runs: &[u64]) -> String {
    let mut enc = StringEncoder::with_capacity(runs.len());
    for &r in runs {
        enc.push(r);
    }
    enc.finish()
}

/// Reads one value starting at `*i` (the general, multi-group case), advancing `*i` past it.
fn read_multi_group(s: &str, i: &mut usize, run: usize) -> Result<i128, RleError> {
    // Beyond this shift a further group could push bits out of the i128 accumulator. Valid runs
    // need at most 13 groups (65 bits); allowing 25 tolerates redundant high zero groups.
    const MAX_SHIFT: u32 = 120;
    let bytes = s.as_bytes();
    let start = *i;
    let mut x: i128 = 0;
    let mut shift = 0u32;
    loop {
        let Some(&b) = bytes.get(*i) else {
            return Err(RleError::Unterminated { index: start, run });
        };
        let g = b.wrapping_sub(48);
        if g >= 64 {
            // All earlier bytes were ASCII, so `*i` is a char boundary.
            let ch = s
                .get(*i..)
                .and_then(|t| t.chars().next())
                .unwrap_or(char::REPLACEMENT_CHARACTER);
            return Err(RleError::InvalidChar { index: *i, ch });
        }
        if shift > MAX_SHIFT {
            return Err(RleError::Overflow { index: start, run });
        }
        x |= i128::from(g & 0x1f) << shift;
        shift += 5;
        *i += 1;
        if g & 0x20 == 0 {
            if g & 0x10 != 0 {
                // Sign-extend from the last group's top bit (shift <= 125 < 128).
                x |= -1i128 << shift;
            }
            return Ok(x);
        }
    }
}

/// Parses values from an RLE string, handing `(run_length, run_index)` to `sink` after
/// undoing the delta coding and checking the run is a valid `u64`. Stops at the first error,
/// from the parser or from `sink`.
#[inline(always)]
fn parse_runs(s: &str, mut sink: impl FnMut(u64, usize) -> Result<(), RleError>) -> Result<(), RleError> {
    let bytes = s.as_bytes();
    let mut i = 0usize;
    let mut run = 0usize;
    let (mut prev1, mut prev2) = (0u64, 0u64);
    while let Some(&first) = bytes.get(i) {
        let start = i;
        let g = first.wrapping_sub(48);
        let x = if g < 0x20 {
            // Fast path: a single group (no continuation bit); 0x10 is its sign bit.
            i += 1;
            i128::from(g) - if g & 0x10 != 0 { 0x20 } else { 0 }
        } else {
            read_multi_group(s, &mut i, run)?
        };
        // |x| < 2^126 and the base is < 2^64, so the sum cannot overflow i128.
        let base = if run > 2 { prev2 } else { 0 };
        let value = x + i128::from(base);
        if value < 0 {
            return Err(RleError::NegativeRun {
                index: start,
                run,
                value,
            });
        }
        let Ok(r) = u64::try_from(value) else {
            return Err(RleError::Overflow { index: start, run });
        };
        sink(r, run)?;
        prev2 = prev1;
        prev1 = r;
        run += 1;
    }
    Ok(())
}

/// Checks that an RLE string parses (the rules of [`string_to_runs`]) without keeping the runs.
pub fn validate(s: &str) -> Result<(), RleError> {
    parse_runs(s, |_, _| Ok(()))
}

/// Parses an RLE string back into run lengths.
///
/// Errors on characters outside `'0'..='o'`, a trailing unterminated value, negative runs and
/// runs that do not fit in `u64`. Never panics.
pub fn string_to_runs(s: &str) -> Result<Vec<u64>, RleError> {
    let mut runs = Vec::new();
    parse_runs(s, |r, _| {
        runs.push(r);
        Ok(())
    })?;
    Ok(runs)
}

// ---------------------------------------------------------------------------------------------
// Mask <-> string
// ---------------------------------------------------------------------------------------------

/// Encodes a row-major mask as an RLE string. An empty mask gives `""`.
pub fn encode(mask: &[bool]) -> String {
    encode_bytes(bool_bytes(mask))
}

/// Like [`encode`] for a byte mask, where any nonzero byte is a set pixel.
pub fn encode_bytes(mask: &[u8]) -> String {
    // Realistic masks have few runs; start small and let the Vec grow for noisy ones.
    let mut enc = StringEncoder::with_capacity(64);
    for_each_run(mask, |r| enc.push(r));
    enc.finish()
}

/// Decodes an RLE string into a new mask of `len` pixels.
///
/// Errors if the string is malformed (see [`string_to_runs`]) or its runs do not sum to exactly
/// `len`. Never panics.
pub fn decode(s: &str, len: usize) -> Result<Vec<bool>, RleError> {
    let mut mask = vec![false; len];
    decode_into(s, &mut mask)?;
    Ok(mask)
}

/// Decodes an RLE string into `mask`, whose length is the expected pixel count.
///
/// Every pixel is overwritten on success; on error the contents of `mask` are unspecified.
/// Errors as [`decode`]. Never panics.
pub fn decode_into(s: &str, mask: &mut [bool]) -> Result<(), RleError> {
    // Short runs are written as one fixed 16-byte store instead of a variable-length fill: the
    // overshoot past the run's end is harmless because the following runs overwrite it, and runs
    // that end within 16 bytes of the buffer's end take the exact path.
    const WIDE: usize = 16;
    const PATTERNS: [[bool; WIDE]; 2] = [[false; WIDE], [true; WIDE]];
    let len = mask.len();
    let mut pos = 0usize;
    parse_runs(s, |r, run| {
        let remaining = len - pos;
        if r > remaining as u64 {
            return Err(RleError::TooLong { run, len });
        }
        let r = r as usize; // <= remaining, so fits
        let set = run % 2 == 1;
        if r <= WIDE && pos + WIDE <= len {
            mask[pos..pos + WIDE].copy_from_slice(&PATTERNS[usize::from(set)]);
        } else {
            mask[pos..pos + r].fill(set);
        }
        pos += r;
        Ok(())
    })?;
    if pos != len {
        return Err(RleError::TooShort { total: pos, len });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mask_from(s: &str) -> Vec<bool> {
        s.bytes().map(|b| b == b'1').collect()
    }

    /// Obviously-correct reference for run finding: one pixel at a time.
    fn naive_runs(mask: &[bool]) -> Vec<u64> {
        let mut runs = Vec::new();
        if mask.is_empty() {
            return runs;
        }
        let mut cur = false;
        let mut n = 0u64;
        for &b in mask {
            if b == cur {
                n += 1;
            } else {
                runs.push(n);
                cur = b;
                n = 1;
            }
        }
        runs.push(n);
        runs
    }

    /// xorshift64*: deterministic, dependency-free randomness for the round-trip tests.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// Random mask of `len` pixels; `density` in 1/256ths, `clumpy` makes long runs.
    fn random_mask(rng: &mut Rng, len: usize, density: u64, clumpy: bool) -> Vec<bool> {
        if !clumpy {
            return (0..len).map(|_| rng.below(256) < density).collect();
        }
        let mut m = Vec::with_capacity(len);
        let mut v = rng.below(2) == 1;
        while m.len() < len {
            let run = 1 + rng.below(300) as usize;
            let n = run.min(len - m.len());
            m.extend(std::iter::repeat_n(v, n));
            v = !v;
        }
        m
    }

    #[test]
    fn spec_examples() {
        assert_eq!(encode_runs(&mask_from("001110")), vec![2, 3, 1]);
        assert_eq!(encode(&mask_from("001110")), "231");
        assert_eq!(encode_runs(&mask_from("110")), vec![0, 2, 1]);
        assert_eq!(encode(&mask_from("110")), "021");
        assert_eq!(encode(&[false; 10]), ":");
        assert_eq!(runs_to_string(&[1000, 2000, 31]), "Xo0`n1o0");
        assert_eq!(string_to_runs("Xo0`n1o0").unwrap(), vec![1000, 2000, 31]);
        assert_eq!(encode(&[]), "");
        assert_eq!(encode_runs(&[]), Vec::<u64>::new());
        assert_eq!(decode("231", 6).unwrap(), mask_from("001110"));
        assert_eq!(decode("021", 3).unwrap(), mask_from("110"));
        assert_eq!(decode(":", 10).unwrap(), vec![false; 10]);
        assert_eq!(decode("", 0).unwrap(), Vec::<bool>::new());
    }

    #[test]
    fn small_cases() {
        assert_eq!(encode(&[true]), "01");
        assert_eq!(encode(&[false]), "1");
        assert_eq!(encode(&[true; 10]), "0:");
        assert_eq!(decode("01", 1).unwrap(), vec![true]);
        assert_eq!(decode("1", 1).unwrap(), vec![false]);
        // Alternating pixels: runs of 1 after the first; deltas 0 from index 3 on.
        let alt: Vec<bool> = (0..9).map(|i| i % 2 == 1).collect();
        assert_eq!(encode_runs(&alt), vec![1; 9]);
        assert_eq!(encode(&alt), "111000000");
    }

    #[test]
    fn delta_coding_and_negative_deltas() {
        // Index 3 is coded against index 1, index 4 against index 2; negatives use sign groups.
        let runs = [5, 20, 3, 4, 100, 0, 1];
        let s = runs_to_string(&runs);
        assert_eq!(string_to_runs(&s).unwrap(), runs);
        // Hand check: 5, 20, 3 raw; 4-20 = -16 -> group 0x10 ('@') alone (sign bit set, rest -1).
        assert!(s.starts_with("5d03@"), "{s}");
        // Value 16 needs two groups because a lone 0x10 would read as -16.
        assert_eq!(runs_to_string(&[16]), "`0");
        assert_eq!(string_to_runs("`0").unwrap(), vec![16]);
        assert_eq!(runs_to_string(&[15]), "?");
    }

    #[test]
    fn word_boundaries_match_naive() {
        // Transitions at every position around the 8-pixel word boundaries and in short tails.
        for len in 0..40 {
            for a in 0..=len {
                for b in a..=len {
                    let m: Vec<bool> = (0..len).map(|i| i >= a && i < b).collect();
                    assert_eq!(encode_runs(&m), naive_runs(&m), "len={len} a={a} b={b}");
                }
            }
        }
    }

    #[test]
    fn random_round_trips() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for iter in 0..400 {
            let len = match iter % 4 {
                0 => rng.below(20) as usize,
                1 => rng.below(200) as usize,
                2 => rng.below(5000) as usize,
                _ => rng.below(70_000) as usize,
            };
            let density = [0, 1, 20, 128, 240, 255, 256][iter % 7];
            let m = random_mask(&mut rng, len, density, iter % 3 == 0);
            let runs = encode_runs(&m);
            assert_eq!(runs, naive_runs(&m));
            let s = encode(&m);
            assert_eq!(s, runs_to_string(&runs));
            assert_eq!(string_to_runs(&s).unwrap(), runs);
            assert_eq!(decode(&s, len).unwrap(), m, "iter {iter}");
            // decode_into must overwrite a dirty buffer completely.
            let mut buf: Vec<bool> = m.iter().map(|&b| !b).collect();
            decode_into(&s, &mut buf).unwrap();
            assert_eq!(buf, m);
        }
    }

    #[test]
    fn large_runs() {
        let big = [
            0,
            1,
            31,
            32,
            1 << 20,
            (1 << 31) - 1,
            1 << 40,
            u64::from(u32::MAX),
            i64::MAX as u64,
            u64::MAX - 1,
            u64::MAX,
        ];
        for &a in &big {
            for &b in &big {
                let runs = [a, b, b, a, 0, a, b];
                assert_eq!(string_to_runs(&runs_to_string(&runs)).unwrap(), runs, "{a} {b}");
            }
        }
        // A 2^64-1 run needs 13 groups (65 bits with a clear sign bit).
        assert_eq!(runs_to_string(&[u64::MAX]).len(), 13);
        // Large real mask: 5M unset then 3M set pixels.
        let mut m = vec![false; 5_000_000];
        m.extend(std::iter::repeat_n(true, 3_000_000));
        let s = encode(&m);
        assert_eq!(string_to_runs(&s).unwrap(), vec![5_000_000, 3_000_000]);
        assert_eq!(decode(&s, m.len()).unwrap(), m);
    }

    #[test]
    fn non_zero_one_bytes_count_as_set() {
        let bytes = [0u8, 2, 0x80, 0xff, 0, 0, 7, 1, 0, 0x10];
        let as_bool: Vec<bool> = bytes.iter().map(|&b| b != 0).collect();
        assert_eq!(encode_runs_bytes(&bytes), naive_runs(&as_bool));
        assert_eq!(encode_bytes(&bytes), encode(&as_bool));
    }

    #[test]
    fn error_invalid_char() {
        assert_eq!(decode("2/1", 3), Err(RleError::InvalidChar { index: 1, ch: '/' }));
        assert_eq!(decode("p", 3), Err(RleError::InvalidChar { index: 0, ch: 'p' }));
        assert_eq!(decode("1 ", 1), Err(RleError::InvalidChar { index: 1, ch: ' ' }));
        assert_eq!(string_to_runs("12é"), Err(RleError::InvalidChar { index: 2, ch: 'é' }));
        assert_eq!(string_to_runs("\0"), Err(RleError::InvalidChar { index: 0, ch: '\0' }));
        let msg = RleError::InvalidChar { index: 1, ch: '/' }.to_string();
        assert!(msg.contains("'/'") && msg.contains("index 1"), "{msg}");
    }

    #[test]
    fn error_unterminated() {
        // 'P' = group 0 with continuation, then the string ends.
        assert_eq!(string_to_runs("2P"), Err(RleError::Unterminated { index: 1, run: 1 }));
        assert_eq!(decode("o", 5), Err(RleError::Unterminated { index: 0, run: 0 }));
    }

    #[test]
    fn error_overflow() {
        // 30 continuation groups: more than the accumulator holds.
        let long = "o".repeat(30) + "0";
        assert!(matches!(
            string_to_runs(&long),
            Err(RleError::Overflow { index: 0, run: 0 })
        ));
        // 2^64 exactly: 13 groups, fits the accumulator but not u64.
        let mut s = Vec::new();
        push_value(&mut s, 1i128 << 64);
        let s = String::from_utf8(s).unwrap();
        assert_eq!(string_to_runs(&s), Err(RleError::Overflow { index: 0, run: 0 }));
        // Redundant high zero groups are accepted: 'P' is group 0 with continuation, so this is 0.
        assert_eq!(string_to_runs("PPPP0").unwrap(), vec![0]);
    }

    #[test]
    fn error_negative() {
        // Single '@' is -16 for the first run.
        assert_eq!(
            string_to_runs("@"),
            Err(RleError::NegativeRun {
                index: 0,
                run: 0,
                value: -16
            })
        );
        // Index 3: 'K' is -5, coded against run 1 = 2, giving -3.
        assert_eq!(
            string_to_runs("121K"),
            Err(RleError::NegativeRun {
                index: 3,
                run: 3,
                value: -3
            })
        );
        assert!(decode("121K", 100).is_err());
    }

    #[test]
    fn error_length_mismatch() {
        assert_eq!(decode("231", 5), Err(RleError::TooLong { run: 2, len: 5 }));
        assert_eq!(decode("231", 7), Err(RleError::TooShort { total: 6, len: 7 }));
        assert_eq!(decode("", 1), Err(RleError::TooShort { total: 0, len: 1 }));
        assert_eq!(decode("1", 0), Err(RleError::TooLong { run: 0, len: 0 }));
        // Huge runs against a small buffer must not overflow the position arithmetic.
        let s = runs_to_string(&[3, u64::MAX]);
        assert_eq!(decode(&s, 10), Err(RleError::TooLong { run: 1, len: 10 }));
        // Trailing empty runs are fine when the total matches.
        assert_eq!(decode("2000", 2).unwrap(), vec![false, false]);
    }

    #[test]
    fn never_panics_on_garbage() {
        let mut rng = Rng(12345);
        let alphabet: Vec<char> = ('0'..='o').chain(['/', 'p', ' ', 'é', '\u{7f}']).collect();
        for _ in 0..5000 {
            let n = rng.below(24) as usize;
            let s: String = (0..n)
                .map(|_| alphabet[rng.below(alphabet.len() as u64) as usize])
                .collect();
            let _ = string_to_runs(&s);
            let _ = decode(&s, rng.below(64) as usize);
        }
    }
}
