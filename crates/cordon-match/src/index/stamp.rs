//! One stamped array: per-slot values that count only in the current
//! generation, so that starting over for the next query costs one increment
//! instead of a pass over an array as long as the vocabulary or the records.

/// Values over `len` slots, each set or unset in the current generation.
#[derive(Debug, Default)]
pub(super) struct Stamped<T> {
    /// Per slot: the generation in which it was last set (0: never), and its value.
    /// Side by side, because every access reads the stamp and then the value of a
    /// slot picked at random: one cache miss instead of two.
    slots: Vec<(u32, T)>,
    current: u32,
}

impl<T: Copy + Default> Stamped<T> {
    /// Starts a new generation over `len` slots, in which every slot is unset, and
    /// returns it. The arrays are reallocated only when `len` changes or the
    /// generation counter would wrap (once in four billion generations).
    pub(super) fn next(&mut self, len: usize) -> u32 {
        if self.slots.len() != len || self.current == u32::MAX {
            self.slots = vec![(0, T::default()); len];
            self.current = 0;
        }
        self.current += 1;
        self.current
    }

    /// True when slot `i` was set in the current generation.
    #[inline]
    pub(super) fn is_set(&self, i: u32) -> bool {
        self.slots
            .get(i as usize)
            .is_some_and(|s| s.0 == self.current)
            && self.current != 0
    }

    /// The value of slot `i` when it was set in the current generation.
    #[inline]
    pub(super) fn get(&self, i: u32) -> Option<T> {
        match self.slots.get(i as usize) {
            Some(&(stamp, value)) if stamp == self.current && self.current != 0 => Some(value),
            _ => None,
        }
    }

    /// Sets slot `i` to `value` (a slot out of range is ignored).
    #[inline]
    pub(super) fn set(&mut self, i: u32, value: T) {
        if let Some(v) = self.entry(i) {
            *v = value;
        }
    }

    /// Sets slot `i` to the default value unless it is set already; true when it was
    /// not (the first visit of `i` in this generation). False out of range.
    #[inline]
    pub(super) fn insert(&mut self, i: u32) -> bool {
        let was_set = self.is_set(i);
        !was_set && self.entry(i).is_some()
    }

    /// The value of slot `i` to update, the default when it is not set in this
    /// generation (it is set from now on); `None` out of range.
    #[inline]
    pub(super) fn entry(&mut self, i: u32) -> Option<&mut T> {
        let (stamp, value) = self.slots.get_mut(i as usize)?;
        if *stamp != self.current || self.current == 0 {
            *stamp = self.current;
            *value = T::default();
        }
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_generation_unsets_every_slot() {
        let mut s: Stamped<u8> = Stamped::default();
        s.next(4);
        s.set(1, 7);
        assert_eq!(s.get(1), Some(7));
        assert_eq!(s.get(2), None);
        s.next(4);
        assert_eq!(s.get(1), None);
        assert!(!s.is_set(1));
    }

    #[test]
    fn insert_is_true_once_per_generation_and_false_out_of_range() {
        let mut s: Stamped<()> = Stamped::default();
        s.next(3);
        assert!(s.insert(2));
        assert!(!s.insert(2));
        assert!(!s.insert(3));
        s.next(3);
        assert!(s.insert(2));
    }

    #[test]
    fn entry_starts_from_the_default_in_each_generation() {
        let mut s: Stamped<u32> = Stamped::default();
        s.next(2);
        if let Some(v) = s.entry(0) {
            *v += 5;
        }
        if let Some(v) = s.entry(0) {
            *v += 5;
        }
        assert_eq!(s.get(0), Some(10));
        s.next(2);
        assert_eq!(s.entry(0).copied(), Some(0));
        assert_eq!(s.entry(9), None);
    }

    #[test]
    fn nothing_is_set_before_the_first_generation_or_after_a_resize() {
        let mut s: Stamped<u8> = Stamped::default();
        assert!(!s.is_set(0));
        s.next(2);
        s.set(0, 1);
        s.next(5);
        assert_eq!(s.get(0), None);
        s.set(4, 3);
        assert_eq!(s.get(4), Some(3));
    }

    #[test]
    fn the_counter_wrapping_clears_old_stamps() {
        let mut s: Stamped<u8> = Stamped::default();
        s.next(2);
        s.set(0, 1);
        // Jump to the last generation: the stamp of slot 0 must not come back as current.
        s.current = u32::MAX - 1;
        s.slots[1].0 = u32::MAX;
        s.next(2);
        assert_eq!(s.current, u32::MAX);
        assert!(s.is_set(1));
        let generation = s.next(2);
        assert_eq!(generation, 1);
        assert!(!s.is_set(0) && !s.is_set(1));
    }
}
