//! Values that repeat across the entries of a row (timestamps, user emails), remembered by their text for the
//! rest of a parse: a lookup is a short hash and one comparison, where parsing a date or finding the shared
//! copy of an email is several times that.

/// The last value seen for each of `N` hash slots of the text (a slot keeps the latest text that hit it).
pub(super) struct Recent<'t, V, const N: usize> {
    slots: [Option<(&'t str, V)>; N],
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

impl<'t, V: Clone, const N: usize> Recent<'t, V, N> {
    pub(super) fn new() -> Self {
        Self {
            slots: std::array::from_fn(|_| None),
        }
    }

    pub(super) fn get(&self, s: &str) -> Option<V> {
        match &self.slots[slot::<N>(s)] {
            Some((k, v)) if *k == s => Some(v.clone()),
            _ => None,
        }
    }

    pub(super) fn put(&mut self, s: &'t str, v: V) {
        self.slots[slot::<N>(s)] = Some((s, v));
    }
}

#[cfg(test)]
mod tests {
    use super::Recent;

    #[test]
    fn remembers_the_latest_value_per_text() {
        let texts: Vec<String> = (0..200).map(|i| format!("user{i}@example.com")).collect();
        let mut r: Recent<'_, usize, 16> = Recent::new();
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
}
