//! Values that repeat across the entries of a row (timestamps, user emails), remembered by their text for the
//! rest of a parse: a lookup is a short hash and one comparison, where parsing a date or finding the shared
//! copy of an email is several times that.

/// Texts longer than this are not remembered (dates and most emails are shorter).
const KEY_MAX: usize = 47;

/// A copy of a short text: the parse reads one frame's small tree at a time, so the texts cannot be borrowed
/// for the whole parse.
struct Key {
    len: u8,
    bytes: [u8; KEY_MAX],
}

impl Key {
    fn new(s: &str) -> Option<Key> {
        let len = u8::try_from(s.len()).ok().filter(|&l| usize::from(l) <= KEY_MAX)?;
        let mut bytes = [0; KEY_MAX];
        bytes[..s.len()].copy_from_slice(s.as_bytes());
        Some(Key { len, bytes })
    }

    fn is(&self, s: &str) -> bool {
        &self.bytes[..usize::from(self.len)] == s.as_bytes()
    }
}

/// The last value seen for each of `N` hash slots of the text (a slot keeps the latest text that hit it).
pub(super) struct Recent<V, const N: usize> {
    slots: Box<[Option<(Key, V)>; N]>,
}

fn slot<const N: usize>(s: &str) -> usize {
    let mut h = s.len() as u64;
    for chunk in s.as_bytes().chunks(8) {
        let mut w = [0u8; 8];
        w[..chunk.len()].copy_from_slice(chunk);
        h = (h ^ u64::from_le_bytes(w))
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
    }
    (h % N as u64) as usize
}

impl<V: Clone, const N: usize> Recent<V, N> {
    pub(super) fn new() -> Self {
        Self {
            slots: Box::new(std::array::from_fn(|_| None)),
        }
    }

    pub(super) fn get(&self, s: &str) -> Option<V> {
        match &self.slots[slot::<N>(s)] {
            Some((k, v)) if k.is(s) => Some(v.clone()),
            _ => None,
        }
    }

    pub(super) fn put(&mut self, s: &str, v: V) {
        if let Some(key) = Key::new(s) {
            self.slots[slot::<N>(s)] = Some((key, v));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Recent;

    #[test]
    fn remembers_the_latest_value_per_text() {
        let texts: Vec<String> = (0..200).map(|i| format!("user{i}@example.com")).collect();
        let mut r: Recent<usize, 16> = Recent::new();
        for (i, t) in texts.iter().enumerate() {
            assert_eq!(r.get(t), None);
            r.put(t, i);
            assert_eq!(r.get(t), Some(i));
        }
        // Whatever is still there is right; a text never maps to another text's value.
        for (i, t) in texts.iter().enumerate() {
            assert!(r.get(t).is_none_or(|v| v == i));
        }
    }

    #[test]
    fn long_texts_are_not_remembered() {
        let long = "x".repeat(48);
        let mut r: Recent<usize, 16> = Recent::new();
        r.put(&long, 1);
        assert_eq!(r.get(&long), None);
        let edge = "y".repeat(47);
        r.put(&edge, 2);
        assert_eq!(r.get(&edge), Some(2));
        assert_eq!(r.get(&edge[..46]), None);
    }
}
