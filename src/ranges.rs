//! Sets of inclusive integer ranges, kept sorted, non-overlapping and with adjacent ranges merged.
//! Used for classification ranges, the per-classification "claimed frames" registry and dynamic answers.

/// A frame number (or, on range-based rows, a sample / character offset).
pub type Frame = i64;

/// A sorted list of disjoint, non-adjacent inclusive ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RangeSet {
    ranges: Vec<(Frame, Frame)>,
}

impl RangeSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds a normalised set from arbitrary (possibly unsorted, overlapping) ranges; reversed ranges are empty.
    pub fn from_ranges(ranges: impl IntoIterator<Item = (Frame, Frame)>) -> Self {
        let mut v: Vec<(Frame, Frame)> = ranges.into_iter().filter(|(s, e)| s <= e).collect();
        v.sort_unstable();
        let mut out: Vec<(Frame, Frame)> = Vec::with_capacity(v.len());
        for (s, e) in v {
            match out.last_mut() {
                Some(last) if s <= last.1.saturating_add(1) => last.1 = last.1.max(e),
                _ => out.push((s, e)),
            }
        }
        Self { ranges: out }
    }

    pub fn ranges(&self) -> &[(Frame, Frame)] {
        &self.ranges
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    pub fn len_frames(&self) -> u64 {
        self.ranges.iter().map(|(s, e)| e.abs_diff(*s) + 1).sum()
    }

    pub fn contains(&self, f: Frame) -> bool {
        let i = self.ranges.partition_point(|r| r.1 < f);
        self.ranges.get(i).is_some_and(|r| r.0 <= f)
    }

    /// True when every frame of `[start, end]` is in the set.
    pub fn contains_range(&self, start: Frame, end: Frame) -> bool {
        let i = self.ranges.partition_point(|r| r.1 < start);
        self.ranges.get(i).is_some_and(|r| r.0 <= start && r.1 >= end)
    }

    /// Adds `[start, end]`, merging with overlapping or adjacent ranges.
    pub fn insert(&mut self, start: Frame, end: Frame) {
        if start > end {
            return;
        }
        let lo = self.ranges.partition_point(|r| r.1.saturating_add(1) < start);
        let hi = self.ranges.partition_point(|r| r.0 <= end.saturating_add(1));
        if lo >= hi {
            self.ranges.insert(lo, (start, end));
        } else {
            let s = start.min(self.ranges[lo].0);
            let e = end.max(self.ranges[hi - 1].1);
            self.ranges.splice(lo..hi, std::iter::once((s, e)));
        }
    }

    pub fn insert_set(&mut self, other: &RangeSet) {
        for &(s, e) in &other.ranges {
            self.insert(s, e);
        }
    }

    /// Removes `[start, end]`, splitting ranges that straddle it.
    pub fn remove(&mut self, start: Frame, end: Frame) {
        if start > end {
            return;
        }
        let lo = self.ranges.partition_point(|r| r.1 < start);
        let hi = self.ranges.partition_point(|r| r.0 <= end);
        if lo >= hi {
            return;
        }
        let mut keep = Vec::with_capacity(2);
        let (first, last) = (self.ranges[lo], self.ranges[hi - 1]);
        if first.0 < start {
            keep.push((first.0, start - 1));
        }
        if last.1 > end {
            keep.push((end + 1, last.1));
        }
        self.ranges.splice(lo..hi, keep);
    }

    pub fn remove_set(&mut self, other: &RangeSet) {
        for &(s, e) in &other.ranges {
            self.remove(s, e);
        }
    }

    /// True when any frame of `[start, end]` is in the set.
    pub fn intersects(&self, start: Frame, end: Frame) -> bool {
        if start > end {
            return false;
        }
        let i = self.ranges.partition_point(|r| r.1 < start);
        self.ranges.get(i).is_some_and(|r| r.0 <= end)
    }

    pub fn intersects_set(&self, other: &RangeSet) -> bool {
        other.ranges.iter().any(|&(s, e)| self.intersects(s, e))
    }

    /// The parts of `self` that lie inside `other`.
    pub fn intersection(&self, other: &RangeSet) -> RangeSet {
        let mut out = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < self.ranges.len() && j < other.ranges.len() {
            let (a, b) = (self.ranges[i], other.ranges[j]);
            let (s, e) = (a.0.max(b.0), a.1.min(b.1));
            if s <= e {
                out.push((s, e));
            }
            if a.1 < b.1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        Self { ranges: out }
    }

    pub fn iter_frames(&self) -> impl Iterator<Item = Frame> + '_ {
        self.ranges.iter().flat_map(|&(s, e)| s..=e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_like_the_reference() {
        let s = RangeSet::from_ranges([(7, 7), (0, 1), (1, 2), (3, 3)]);
        assert_eq!(s.ranges(), &[(0, 3), (7, 7)]);
        assert!(RangeSet::from_ranges([(5, 3)]).is_empty());
    }

    #[test]
    fn insert_and_remove_split_and_merge() {
        let mut s = RangeSet::from_ranges([(11, 20), (30, 40), (50, 60)]);
        s.remove(35, 55);
        assert_eq!(s.ranges(), &[(11, 20), (30, 34), (56, 60)]);
        s.insert(21, 29);
        assert_eq!(s.ranges(), &[(11, 34), (56, 60)]);
        s.insert(0, 100);
        assert_eq!(s.ranges(), &[(0, 100)]);
        s.remove(0, 100);
        assert!(s.is_empty());
    }

    #[test]
    fn queries() {
        let s = RangeSet::from_ranges([(0, 2), (7, 9)]);
        assert!(s.contains(8) && !s.contains(5));
        assert!(s.intersects(3, 7) && !s.intersects(3, 6));
        let t = RangeSet::from_ranges([(1, 8)]);
        assert_eq!(s.intersection(&t).ranges(), &[(1, 2), (7, 8)]);
        assert_eq!(s.iter_frames().collect::<Vec<_>>(), vec![0, 1, 2, 7, 8, 9]);
    }

    #[test]
    fn matches_a_bitmap_model_on_random_edits() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |m: i64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            i64::try_from(seed % u64::try_from(m).unwrap()).unwrap()
        };
        let mut set = RangeSet::new();
        let mut model = [false; 64];
        for _ in 0..5000 {
            let (a, b) = (next(64), next(64));
            let (s, e) = (a.min(b), a.max(b));
            if next(2) == 0 {
                set.insert(s, e);
                model[s as usize..=e as usize].iter_mut().for_each(|x| *x = true);
            } else {
                set.remove(s, e);
                model[s as usize..=e as usize].iter_mut().for_each(|x| *x = false);
            }
            let expect: Vec<i64> = (0..64).filter(|&i| model[i as usize]).collect();
            assert_eq!(set.iter_frames().collect::<Vec<_>>(), expect);
            assert!(set.ranges().windows(2).all(|w| w[0].1 + 1 < w[1].0));
        }
    }
}
