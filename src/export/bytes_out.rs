//! Where the JSON sink writes: a `Vec<u8>`, or memory someone else owns and grows on request. The Python
//! binding's `to_json` writes straight into the `bytes` object it returns: copying 40 MB out of a `Vec` into a
//! fresh `bytes` cost a third of the call, most of it page faults on the copy.

use std::io;
use std::ptr::NonNull;

/// A byte buffer the JSON sink appends to.
pub trait ByteOut: io::Write {
    fn push_byte(&mut self, b: u8);
    fn put(&mut self, s: &[u8]);
}

impl ByteOut for Vec<u8> {
    #[inline]
    fn push_byte(&mut self, b: u8) {
        self.push(b);
    }
    #[inline]
    fn put(&mut self, s: &[u8]) {
        self.extend_from_slice(s);
    }
}

/// Grows a [`ForeignBuf`]: given the bytes written so far (which must be kept) and the least capacity wanted,
/// the new start and capacity, or the error that stopped it.
pub trait Grow {
    type Error;
    fn grow(&mut self, len: usize, at_least: usize) -> std::result::Result<(NonNull<u8>, usize), Self::Error>;
}

/// A buffer in memory owned by a [`Grow`]er. Once a growth fails, further writes are dropped and
/// [`ForeignBuf::finish`] reports the error.
pub struct ForeignBuf<G: Grow> {
    ptr: NonNull<u8>,
    len: usize,
    cap: usize,
    grower: G,
    error: Option<G::Error>,
}

impl<G: Grow> ForeignBuf<G> {
    /// # Safety
    /// `ptr` must be writable for `cap` bytes, and every `(ptr, cap)` the grower returns likewise, each valid
    /// until the next growth (or, for the last one, until the buffer is finished).
    pub unsafe fn new(ptr: NonNull<u8>, cap: usize, grower: G) -> Self {
        Self {
            ptr,
            len: 0,
            cap,
            grower,
            error: None,
        }
    }

    /// The bytes written (`Ok(len)`, the written bytes at the start of the grower's last buffer) or the growth
    /// error.
    pub fn finish(self) -> std::result::Result<usize, G::Error> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.len),
        }
    }

    /// Makes room for `n` more bytes; false (with the error kept) when the grower cannot.
    #[cold]
    #[inline(never)]
    fn make_room(&mut self, n: usize) -> bool {
        if self.error.is_some() {
            return false;
        }
        let wanted = self.len.saturating_add(n).max(self.cap.saturating_add(self.cap / 2));
        match self.grower.grow(self.len, wanted) {
            Ok((ptr, cap)) if cap >= self.len + n => {
                self.ptr = ptr;
                self.cap = cap;
                true
            }
            Ok(_) => false,
            Err(e) => {
                self.error = Some(e);
                false
            }
        }
    }
}

impl<G: Grow> ByteOut for ForeignBuf<G> {
    #[inline]
    fn push_byte(&mut self, b: u8) {
        if self.len == self.cap && !self.make_room(1) {
            return;
        }
        // SAFETY: `len < cap` and the buffer is writable for `cap` bytes (see `new`).
        unsafe { self.ptr.as_ptr().add(self.len).write(b) };
        self.len += 1;
    }

    #[inline]
    fn put(&mut self, s: &[u8]) {
        if self.cap - self.len < s.len() && !self.make_room(s.len()) {
            return;
        }
        // SAFETY: `len + s.len() <= cap`, the buffer is writable for `cap` bytes and `s` is not part of it (the
        // buffer is only reachable through `self`).
        unsafe { std::ptr::copy_nonoverlapping(s.as_ptr(), self.ptr.as_ptr().add(self.len), s.len()) };
        self.len += s.len();
    }
}

impl<G: Grow> io::Write for ForeignBuf<G> {
    #[inline]
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.put(buf);
        Ok(buf.len())
    }
    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.put(buf);
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A grower over a Vec it owns, failing past a limit.
    struct VecGrow {
        mem: Vec<u8>,
        limit: usize,
        growths: usize,
    }

    impl Grow for &mut VecGrow {
        type Error = String;
        fn grow(&mut self, len: usize, at_least: usize) -> Result<(NonNull<u8>, usize), String> {
            if at_least > self.limit {
                return Err(format!("over {}", self.limit));
            }
            self.growths += 1;
            // Moves the written bytes, as a reallocation would.
            let mut bigger = vec![0u8; at_least];
            bigger[..len].copy_from_slice(&self.mem[..len]);
            self.mem = bigger;
            Ok((NonNull::new(self.mem.as_mut_ptr()).unwrap(), self.mem.len()))
        }
    }

    #[test]
    fn grows_and_keeps_what_was_written() {
        let mut g = VecGrow {
            mem: vec![0u8; 4],
            limit: 1 << 20,
            growths: 0,
        };
        let ptr = NonNull::new(g.mem.as_mut_ptr()).unwrap();
        // SAFETY: `g.mem` is 4 writable bytes, replaced only through the grower.
        let mut buf = unsafe { ForeignBuf::new(ptr, 4, &mut g) };
        let mut expected = Vec::new();
        for i in 0..1000u32 {
            let s = i.to_string();
            buf.put(s.as_bytes());
            buf.push_byte(b',');
            expected.extend_from_slice(s.as_bytes());
            expected.push(b',');
        }
        let len = buf.finish().unwrap();
        assert_eq!(len, expected.len());
        assert_eq!(&g.mem[..len], &expected[..]);
        assert!(g.growths > 1 && g.growths < 20, "{} growths", g.growths);
    }

    #[test]
    fn a_failed_growth_is_reported_and_later_writes_are_dropped() {
        let mut g = VecGrow {
            mem: vec![0u8; 8],
            limit: 16,
            growths: 0,
        };
        let ptr = NonNull::new(g.mem.as_mut_ptr()).unwrap();
        // SAFETY: as above.
        let mut buf = unsafe { ForeignBuf::new(ptr, 8, &mut g) };
        buf.put(b"12345678");
        buf.put(&[b'x'; 20]);
        buf.push_byte(b'y');
        assert_eq!(buf.finish(), Err("over 16".to_string()));
        assert_eq!(&g.mem[..8], b"12345678");
    }
}
