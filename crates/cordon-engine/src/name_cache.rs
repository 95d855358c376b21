//! A small bounded memory of what screening one party or agent name gave, for a
//! stream of transfers: the same names come back message after message (the
//! agents of a correspondent relationship, a payroll's debtor, a regular
//! supplier), and screening one again against the same index gives the same
//! result. The key is the name exactly as written with the country screened
//! beside it and the screening options, so a hit is the result screening
//! would give (the hit repeats the name as written).
//!
//! Two generations bound the memory: names go into the young one; when it holds
//! [`GENERATION`] names it becomes the old one and the previous old one is
//! dropped. A name found in the old generation moves back to the young one, so
//! names in steady use stay and one-off names leave after two generations.

use std::collections::HashMap;
use std::sync::Mutex;

/// Names per generation: at most twice this many are kept. A correspondent
/// bank's stream of a day holds a few thousand distinct agents and regular
/// parties; a remembered name with its matches takes a few hundred bytes (a
/// no-hit name, most of them, under a hundred), so the memory stays under a
/// few megabytes.
pub const GENERATION: usize = 4096;

/// What a remembered name is looked up by: the name as written, the country
/// screened with it, and the threshold (as bits) and match limit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NameKey {
    /// The name as written in the message.
    pub name: String,
    /// The country screened with it.
    pub country: Option<String>,
    /// `ScreenOptions::threshold` as bits.
    pub threshold: u64,
    /// `ScreenOptions::limit`.
    pub limit: usize,
}

/// A bounded, thread-safe memory of name results (`V`), in two generations.
#[derive(Debug)]
pub struct NameCache<V> {
    generations: Mutex<Generations<V>>,
    capacity: usize,
}

#[derive(Debug)]
struct Generations<V> {
    young: HashMap<NameKey, V>,
    old: HashMap<NameKey, V>,
}

impl<V: Clone> Default for NameCache<V> {
    fn default() -> Self {
        NameCache::with_generation(GENERATION)
    }
}

impl<V: Clone> NameCache<V> {
    /// A cache keeping at most `2 * capacity` names (`capacity` 0 keeps none).
    pub fn with_generation(capacity: usize) -> NameCache<V> {
        NameCache {
            generations: Mutex::new(Generations {
                young: HashMap::new(),
                old: HashMap::new(),
            }),
            capacity,
        }
    }

    /// The remembered result for `key`, or `compute`'s, remembered. `compute`
    /// runs without the lock held, so threads screening other names do not wait.
    pub fn get_or_compute(&self, key: NameKey, compute: impl FnOnce() -> V) -> V {
        if let Some(found) = self.get(&key) {
            return found;
        }
        let value = compute();
        self.put(key, value.clone());
        value
    }

    fn get(&self, key: &NameKey) -> Option<V> {
        let mut g = self.generations.lock().ok()?;
        if let Some(v) = g.young.get(key) {
            return Some(v.clone());
        }
        let v = g.old.remove(key)?;
        g.insert(key.clone(), v.clone(), self.capacity);
        Some(v)
    }

    fn put(&self, key: NameKey, value: V) {
        if let Ok(mut g) = self.generations.lock() {
            g.insert(key, value, self.capacity);
        }
    }

    /// False when built to keep no name (`capacity` 0): callers may skip the lookup.
    pub fn remembers(&self) -> bool {
        self.capacity > 0
    }

    /// Names remembered now (both generations).
    pub fn len(&self) -> usize {
        self.generations
            .lock()
            .map_or(0, |g| g.young.len() + g.old.len())
    }

    /// True when no name is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<V> Generations<V> {
    fn insert(&mut self, key: NameKey, value: V, capacity: usize) {
        if capacity == 0 {
            return;
        }
        if self.young.len() >= capacity {
            self.old = std::mem::take(&mut self.young);
        }
        self.young.insert(key, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn key(name: &str) -> NameKey {
        NameKey {
            name: name.to_string(),
            country: None,
            threshold: 0.75f64.to_bits(),
            limit: 5,
        }
    }

    #[test]
    fn a_name_is_computed_once_while_remembered() {
        let cache: NameCache<u32> = NameCache::with_generation(4);
        let calls = Cell::new(0);
        let compute = || {
            calls.set(calls.get() + 1);
            7
        };
        assert_eq!(cache.get_or_compute(key("a"), compute), 7);
        assert_eq!(cache.get_or_compute(key("a"), compute), 7);
        assert_eq!(calls.get(), 1);
    }

    #[test]
    fn country_threshold_and_limit_are_part_of_the_key() {
        let cache: NameCache<u32> = NameCache::with_generation(8);
        cache.get_or_compute(key("a"), || 1);
        let mut other = key("a");
        other.country = Some("DE".into());
        assert_eq!(cache.get_or_compute(other, || 2), 2);
        let mut other = key("a");
        other.limit = 32;
        assert_eq!(cache.get_or_compute(other, || 3), 3);
        let mut other = key("a");
        other.threshold = 0.8f64.to_bits();
        assert_eq!(cache.get_or_compute(other, || 4), 4);
        assert_eq!(cache.get_or_compute(key("a"), || 9), 1);
    }

    #[test]
    fn memory_is_bounded_and_names_in_use_stay() {
        let cache: NameCache<usize> = NameCache::with_generation(3);
        for i in 0..100 {
            cache.get_or_compute(key(&format!("one-off {i}")), || i);
            // A name in steady use is looked up between the one-off names.
            assert_eq!(cache.get_or_compute(key("regular"), || 1000 + i), 1000);
            assert!(cache.len() <= 6, "{} names kept", cache.len());
        }
        // The early one-off names are gone: computed again.
        assert_eq!(cache.get_or_compute(key("one-off 0"), || 42), 42);
    }

    #[test]
    fn capacity_zero_remembers_nothing() {
        let cache: NameCache<u8> = NameCache::with_generation(0);
        cache.get_or_compute(key("a"), || 1);
        assert!(cache.is_empty());
        assert_eq!(cache.get_or_compute(key("a"), || 2), 2);
    }
}
