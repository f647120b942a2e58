//! The keyspace dictionary: a chained hash table that grows and shrinks
//! by incremental rehashing, scans with a reverse-binary cursor, and picks
//! random entries in O(1).
//!
//! Mirrors: `dict.c` (`dictAdd`, `dictFind`, `dictDelete`, `dictRehash`,
//! `dictRehashMilliseconds`, `_dictExpandIfNeeded`, `dictResize`,
//! `dictScan`, `dictGetRandomKey`, `dictGetSomeKeys`).
//!
//! # Why this design
//!
//! The keyspace needs three things `std::collections::HashMap` does not
//! give:
//!
//! 1. **No stall when the table grows or shrinks.** `HashMap` moves every
//!    entry at once when it grows; with millions of keys that is a pause of
//!    tens of milliseconds. Here a resize allocates the new table and then
//!    moves one bucket per operation (plus up to 1 ms per cron tick), so
//!    no single command pays for the whole move.
//! 2. **SCAN's guarantee**: an entry present for a whole iteration is
//!    returned at least once, even if the table grows or shrinks between
//!    calls. The cursor walks bucket indexes with their bits reversed, so
//!    the buckets already visited in a table of size `2^n` map to buckets
//!    already visited in a table of size `2^(n±1)`. This only works with
//!    chaining: open addressing moves entries between buckets on deletion.
//! 3. **O(1) random sampling** for RANDOMKEY and the active expiry cycle:
//!    pick a random non-empty bucket, then a random entry of its chain.
//!
//! A dense, index-based table (entries in a vector, an index of slots)
//! was the other candidate: smaller per entry, but its vector grows by
//! copying (a stall again) and its slots move on deletion (no SCAN
//! guarantee). dict.c's two-table layout gives all three properties.
//!
//! ```text
//!   tables[0]  size 8              tables[1]  size 16 (while rehashing)
//!   +---+                          +---+
//!   | 0 | -> e -> e                | 0 |
//!   | 1 |   (moved: empty)         | 1 | -> e
//!   | 2 | -> e            ...      | 9 | -> e
//!   +---+                          +---+
//!   rehash_idx = 2: buckets below it have moved to tables[1]; lookups
//!   check both tables; inserts go to tables[1]; when tables[0] is empty
//!   tables[1] takes its place.
//! ```
//!
//! Entries are boxed and chained, newest first, as in dict.c. The key is
//! an [`Sds`], which keeps short keys inline, so an entry of the keyspace
//! (key, value, next pointer) fits one 64-byte allocation.
//!
//! Growth: when an insert makes `len >= size`, the table doubles (to the
//! next power of two above `len`). Shrinking is the owner's call, from
//! cron, as in Redis (`tryResizeHashTables`): [`Dict::shrink_if_sparse`]
//! halves down to fit when less than 10% of the buckets are used.
//!
//! Deviations from Redis: no safe iterators or fingerprints (a Rust borrow
//! already forbids changing the table while iterating it); no rehashing
//! pause during fork (there is no fork yet).

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::time::Instant;

use super::sds::Sds;
use super::util::Rng;

/// Smallest table size (`DICT_HT_INITIAL_SIZE`).
const INITIAL_SIZE: usize = 4;
/// Below this percentage of used buckets a table may shrink
/// (`HASHTABLE_MIN_FILL`).
const MIN_FILL_PERCENT: usize = 10;
/// Empty buckets one rehash step may skip (`empty_visits = n * 10`).
const EMPTY_VISITS_PER_STEP: usize = 10;

type Link<V> = Option<Box<Entry<V>>>;

/// One key and its value, chained in a bucket (`dictEntry`).
pub struct Entry<V> {
    key: Sds,
    value: V,
    next: Link<V>,
}

/// One of the two hash tables.
struct Table<V> {
    buckets: Vec<Link<V>>,
    used: usize,
}

impl<V> Table<V> {
    fn empty() -> Table<V> {
        Table {
            buckets: Vec::new(),
            used: 0,
        }
    }

    /// A table of `size` empty buckets. The bucket array comes from a
    /// zeroed allocation, which the allocator serves with fresh zero pages
    /// (calloc/mmap) instead of writing every bucket: growing to 8M buckets
    /// would otherwise write 64 MB in one go, a stall of many milliseconds.
    fn with_size(size: usize) -> Table<V> {
        let zeroed: Box<[std::mem::MaybeUninit<Link<V>>]> = Box::new_zeroed_slice(size);
        // SAFETY: `Link<V>` is `Option<Box<Entry<V>>>`, for which Rust
        // guarantees that `None` is the all-zero bit pattern (the null
        // pointer optimisation), so every zeroed element is a valid `None`.
        let buckets = unsafe { zeroed.assume_init() }.into_vec();
        Table { buckets, used: 0 }
    }

    fn mask(&self) -> usize {
        self.buckets.len().wrapping_sub(1)
    }

    /// Appends this table's chain statistics under `title`
    /// (`dictGetStatsHt`): chain lengths of 49 or more share the last
    /// slot of the distribution, as `DICT_STATS_VECTLEN` makes them.
    fn write_stats(&self, out: &mut String, title: &str) {
        use std::fmt::Write as _;
        const VECTLEN: usize = 50;
        out.push_str(title);
        out.push('\n');
        if self.used == 0 {
            out.push_str("No stats available for empty dictionaries\n");
            return;
        }
        let mut lengths = [0usize; VECTLEN];
        let (mut slots, mut max_chain, mut total_chain) = (0usize, 0usize, 0usize);
        for bucket in &self.buckets {
            let mut chain = 0usize;
            let mut link = bucket.as_deref();
            while let Some(e) = link {
                chain += 1;
                link = e.next.as_deref();
            }
            lengths[chain.min(VECTLEN - 1)] += 1;
            if chain > 0 {
                slots += 1;
                max_chain = max_chain.max(chain);
                total_chain += chain;
            }
        }
        let size = self.buckets.len();
        let slots_f = slots.max(1) as f64;
        let _ = write!(
            out,
            " table size: {size}\n number of elements: {}\n different slots: {slots}\n \
             max chain length: {max_chain}\n avg chain length (counted): {:.2}\n \
             avg chain length (computed): {:.2}\n Chain length distribution:\n",
            self.used,
            total_chain as f64 / slots_f,
            self.used as f64 / slots_f,
        );
        for (len, &n) in lengths.iter().enumerate().filter(|(_, &n)| n != 0) {
            let _ = writeln!(
                out,
                "   {len}: {n} ({:.2}%)",
                n as f64 * 100.0 / size as f64
            );
        }
    }

    fn find(&self, hash: u64, key: &[u8]) -> Option<&Entry<V>> {
        if self.buckets.is_empty() {
            return None;
        }
        let mut link = &self.buckets[hash as usize & self.mask()];
        while let Some(e) = link {
            if e.key.as_bytes() == key {
                return Some(e);
            }
            link = &e.next;
        }
        None
    }

    fn find_mut(&mut self, hash: u64, key: &[u8]) -> Option<&mut Entry<V>> {
        if self.buckets.is_empty() {
            return None;
        }
        let mask = self.mask();
        let mut link = &mut self.buckets[hash as usize & mask];
        while let Some(e) = link {
            if e.key.as_bytes() == key {
                return Some(e);
            }
            link = &mut e.next;
        }
        None
    }

    /// Unlinks the entry for `key` from its chain.
    fn remove(&mut self, hash: u64, key: &[u8]) -> Option<Box<Entry<V>>> {
        if self.buckets.is_empty() {
            return None;
        }
        let mask = self.mask();
        let mut link = &mut self.buckets[hash as usize & mask];
        loop {
            match link {
                None => return None,
                Some(e) if e.key.as_bytes() == key => {
                    let mut removed = link.take()?;
                    *link = removed.next.take();
                    self.used -= 1;
                    return Some(removed);
                }
                Some(e) => link = &mut e.next,
            }
        }
    }
}

/// The dictionary (`dict`).
pub struct Dict<V> {
    tables: [Table<V>; 2],
    /// Next bucket of `tables[0]` to move; `None` when not rehashing
    /// (dict.c's `rehashidx == -1`).
    rehash_idx: Option<usize>,
    hasher: RandomState,
}

impl<V> Default for Dict<V> {
    fn default() -> Self {
        Dict::new()
    }
}

impl<V> Dict<V> {
    /// An empty dictionary; no table is allocated until the first insert.
    pub fn new() -> Dict<V> {
        Dict {
            tables: [Table::empty(), Table::empty()],
            rehash_idx: None,
            hasher: RandomState::new(),
        }
    }

    /// An empty dictionary whose table already holds `n` entries without
    /// growing (`dictCreate` + `dictExpand`): an encoding conversion
    /// sizes its table once instead of rehashing its way up.
    pub fn with_capacity(n: usize) -> Dict<V> {
        let mut d = Dict::new();
        if n > 0 {
            d.resize_to(n);
        }
        d
    }

    fn hash(&self, key: &[u8]) -> u64 {
        self.hasher.hash_one(key)
    }

    /// Number of entries (`dictSize`).
    pub fn len(&self) -> usize {
        self.tables[0].used + self.tables[1].used
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Total buckets of both tables (`dictSlots`).
    pub fn buckets(&self) -> usize {
        self.tables[0].buckets.len() + self.tables[1].buckets.len()
    }

    /// Whether a rehash is in progress (`dictIsRehashing`).
    pub fn is_rehashing(&self) -> bool {
        self.rehash_idx.is_some()
    }

    /// The value of `key`, without a rehash step.
    pub fn get(&self, key: &[u8]) -> Option<&V> {
        self.get_entry(key).map(|e| &e.value)
    }

    /// The stored key and value of `key`.
    pub fn get_key_value(&self, key: &[u8]) -> Option<(&Sds, &V)> {
        self.get_entry(key).map(|e| (&e.key, &e.value))
    }

    fn get_entry(&self, key: &[u8]) -> Option<&Entry<V>> {
        if self.is_empty() {
            return None;
        }
        let hash = self.hash(key);
        self.tables[0]
            .find(hash, key)
            .or_else(|| self.tables[1].find(hash, key))
    }

    /// The value of `key` for change (`dictFind`, with its rehash step).
    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut V> {
        if self.is_empty() {
            return None;
        }
        self.rehash_step();
        let hash = self.hash(key);
        let [t0, t1] = &mut self.tables;
        match t0.find_mut(hash, key) {
            Some(e) => Some(&mut e.value),
            None => t1.find_mut(hash, key).map(|e| &mut e.value),
        }
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &[u8]) -> bool {
        self.get_entry(key).is_some()
    }

    /// Sets `key` to `value`, returning the old value if there was one
    /// (`dictReplace`).
    pub fn insert(&mut self, key: &[u8], value: V) -> Option<V> {
        let hash = self.hash(key);
        self.insert_hashed(hash, key, value)
    }

    /// The hash of `key` in this dictionary, for [`Dict::prefetch_hashed`]
    /// and [`Dict::insert_hashed`].
    pub fn hash_of(&self, key: &[u8]) -> u64 {
        self.hash(key)
    }

    /// [`Dict::insert`] with the hash already computed (`hash_of(key)`).
    pub fn insert_hashed(&mut self, hash: u64, key: &[u8], value: V) -> Option<V> {
        // One hash for the lookup and the insert: SET's path.
        self.rehash_step();
        let [t0, t1] = &mut self.tables;
        if let Some(e) = t0.find_mut(hash, key).or_else(|| t1.find_mut(hash, key)) {
            return Some(std::mem::replace(&mut e.value, value));
        }
        self.expand_if_needed();
        self.link_new(hash, Sds::new(key), value);
        None
    }

    /// Adds an entry whose key is known to be absent (`dictAdd` after a
    /// failed lookup). The caller must have checked.
    pub fn insert_new(&mut self, key: Sds, value: V) {
        self.rehash_step();
        self.expand_if_needed();
        let hash = self.hash(key.as_bytes());
        self.link_new(hash, key, value);
    }

    /// Links a new entry at the head of its bucket, in the new table while
    /// rehashing (the table must exist: `expand_if_needed` ran).
    fn link_new(&mut self, hash: u64, key: Sds, value: V) {
        // While rehashing, new entries go to the new table.
        let table = if self.is_rehashing() {
            &mut self.tables[1]
        } else {
            &mut self.tables[0]
        };
        let index = hash as usize & table.mask();
        let next = table.buckets[index].take();
        table.buckets[index] = Some(Box::new(Entry { key, value, next }));
        table.used += 1;
    }

    /// Removes `key`, returning its value (`dictDelete`).
    pub fn remove(&mut self, key: &[u8]) -> Option<V> {
        self.remove_entry(key).map(|(_, v)| v)
    }

    /// Removes `key`, returning the stored key and value (`dictUnlink`).
    pub fn remove_entry(&mut self, key: &[u8]) -> Option<(Sds, V)> {
        if self.is_empty() {
            return None;
        }
        self.rehash_step();
        let hash = self.hash(key);
        let [t0, t1] = &mut self.tables;
        let e = t0.remove(hash, key).or_else(|| t1.remove(hash, key))?;
        let Entry { key, value, .. } = *e;
        Some((key, value))
    }

    /// Removes everything, keeping nothing allocated (`dictEmpty`).
    pub fn clear(&mut self) {
        self.tables = [Table::empty(), Table::empty()];
        self.rehash_idx = None;
    }

    /// Frees up to `max_buckets` buckets, for freeing a large dictionary a
    /// little at a time (lazy free without a thread). Returns whether
    /// anything is left.
    pub fn free_some(&mut self, max_buckets: usize) -> bool {
        let mut budget = max_buckets;
        for table in &mut self.tables {
            while budget > 0 {
                let Some(chain) = table.buckets.pop() else {
                    break;
                };
                let mut link = chain;
                while let Some(mut e) = link {
                    link = e.next.take();
                    table.used -= 1;
                }
                budget -= 1;
            }
        }
        self.rehash_idx = None;
        self.buckets() > 0
    }

    /// Starts growing when the table is full (`_dictExpandIfNeeded`).
    fn expand_if_needed(&mut self) {
        if self.is_rehashing() {
            return;
        }
        let size = self.tables[0].buckets.len();
        if size == 0 {
            self.tables[0] = Table::with_size(INITIAL_SIZE);
            return;
        }
        if self.tables[0].used >= size {
            self.resize_to(self.tables[0].used + 1);
        }
    }

    /// Starts a rehash into a table of the next power of two at or above
    /// `min_size` (`dictExpand` / `dictResize`).
    fn resize_to(&mut self, min_size: usize) {
        let size = min_size.max(INITIAL_SIZE).next_power_of_two();
        if self.is_rehashing() || size == self.tables[0].buckets.len() {
            return;
        }
        if self.tables[0].buckets.is_empty() {
            self.tables[0] = Table::with_size(size);
            return;
        }
        self.tables[1] = Table::with_size(size);
        self.rehash_idx = Some(0);
    }

    /// Asks the CPU to start loading the bucket `key` hashes to, so that a
    /// later insert of `key` does not wait for memory: RDB loading calls
    /// it as soon as it has read a key, and parses the value meanwhile.
    /// Only a hint: it changes nothing.
    pub fn prefetch(&self, key: &[u8]) {
        self.prefetch_hashed(self.hash(key));
    }

    /// [`Dict::prefetch`] with the hash already computed.
    pub fn prefetch_hashed(&self, hash: u64) {
        for t in &self.tables {
            if let Some(bucket) = t.buckets.get(hash as usize & t.mask()) {
                prefetch_read(bucket);
            }
        }
    }

    /// Grows an empty dictionary to hold `n` entries without rehashing
    /// (`dictExpand`, as RDB loading does on RESIZEDB). Does nothing to a
    /// dictionary that holds entries.
    pub fn expand_empty(&mut self, n: usize) {
        if self.is_empty() && !self.is_rehashing() && n > self.tables[0].buckets.len() {
            self.tables[0] = Table::with_size(n.max(INITIAL_SIZE).next_power_of_two());
        }
    }

    /// Shrinks a table that is less than 10% used down to fit
    /// (`htNeedsResize` + `dictResize`), starting an incremental rehash.
    /// Returns whether a shrink was started.
    pub fn shrink_if_sparse(&mut self) -> bool {
        let size = self.tables[0].buckets.len();
        let used = self.len();
        if self.is_rehashing()
            || size <= INITIAL_SIZE
            || used.saturating_mul(100) / size >= MIN_FILL_PERCENT
        {
            return false;
        }
        self.resize_to(used);
        self.is_rehashing()
    }

    /// One step of incremental rehash (`_dictRehashStep`).
    fn rehash_step(&mut self) {
        if self.is_rehashing() {
            self.rehash(1);
        }
    }

    /// Moves up to `n` buckets from the old table to the new one, visiting
    /// at most `n * 10` empty buckets (`dictRehash`). Returns whether
    /// rehashing goes on.
    pub fn rehash(&mut self, n: usize) -> bool {
        let Some(mut idx) = self.rehash_idx else {
            return false;
        };
        if n == 0 {
            return true;
        }
        let mut empty_visits = n.saturating_mul(EMPTY_VISITS_PER_STEP);
        let mut moved = 0;
        while moved < n && self.tables[0].used > 0 {
            // used > 0 guarantees a non-empty bucket at or after idx.
            while idx < self.tables[0].buckets.len() && self.tables[0].buckets[idx].is_none() {
                idx += 1;
                empty_visits -= 1;
                if empty_visits == 0 {
                    self.rehash_idx = Some(idx);
                    return true;
                }
            }
            let Some(bucket) = self.tables[0].buckets.get_mut(idx) else {
                break;
            };
            let mut link = bucket.take();
            while let Some(mut e) = link {
                link = e.next.take();
                let hash = self.hasher.hash_one(e.key.as_bytes());
                let t1 = &mut self.tables[1];
                let index = hash as usize & t1.mask();
                e.next = t1.buckets[index].take();
                t1.buckets[index] = Some(e);
                t1.used += 1;
                self.tables[0].used -= 1;
            }
            idx += 1;
            moved += 1;
        }
        if self.tables[0].used == 0 {
            // Done: the new table takes the old one's place.
            let mut old = std::mem::replace(&mut self.tables[0], Table::empty());
            // Every bucket of the old table is `None`, so there is nothing to
            // drop: skip the walk over millions of elements that dropping the
            // vector would make, and only give the memory back.
            // SAFETY: shortening a vector without dropping its elements is
            // always memory-safe; here it also leaks nothing, since `used`
            // is 0 and so every element is `None`.
            unsafe { old.buckets.set_len(0) };
            drop(old);
            self.tables[0] = std::mem::replace(&mut self.tables[1], Table::empty());
            self.rehash_idx = None;
            return false;
        }
        self.rehash_idx = Some(idx);
        true
    }

    /// Rehashes in steps of 100 buckets until `deadline`
    /// (`dictRehashMilliseconds`). Returns the buckets moved.
    pub fn rehash_until(&mut self, deadline: Instant) -> usize {
        let mut moved = 0;
        while self.rehash(100) {
            moved += 100;
            if Instant::now() >= deadline {
                break;
            }
        }
        moved
    }

    /// Visits the entries of the buckets at `cursor` and returns the next
    /// cursor; 0 means the scan is over (`dictScan`).
    ///
    /// The cursor is a bucket index with its bits reversed and incremented
    /// from the top, so that an iteration survives the table doubling or
    /// halving between calls: every entry present for the whole iteration is
    /// visited at least once (some may be visited twice).
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&Sds, &V)) -> u64 {
        if self.is_empty() {
            return 0;
        }
        let visit = |table: &Table<V>, index: u64, f: &mut dyn FnMut(&Sds, &V)| {
            let mut link = &table.buckets[(index & table.mask() as u64) as usize];
            while let Some(e) = link {
                f(&e.key, &e.value);
                link = &e.next;
            }
        };
        let mut v = cursor;
        if !self.is_rehashing() {
            let t0 = &self.tables[0];
            let m0 = t0.mask() as u64;
            visit(t0, v, &mut f);
            // Set the bits above the mask so the increment of the reversed
            // cursor carries only through the masked bits.
            v |= !m0;
            v = v.reverse_bits().wrapping_add(1).reverse_bits();
            return v;
        }
        // Rehashing: visit the bucket in the smaller table, then every
        // bucket of the larger table that it expands to.
        let (small, large) = if self.tables[0].buckets.len() <= self.tables[1].buckets.len() {
            (&self.tables[0], &self.tables[1])
        } else {
            (&self.tables[1], &self.tables[0])
        };
        let (m0, m1) = (small.mask() as u64, large.mask() as u64);
        visit(small, v, &mut f);
        loop {
            visit(large, v, &mut f);
            v |= !m1;
            v = v.reverse_bits().wrapping_add(1).reverse_bits();
            if v & (m0 ^ m1) == 0 {
                break;
            }
        }
        v
    }

    /// A random entry (`dictGetRandomKey`): a random non-empty bucket, then
    /// a random entry of its chain. O(1) on average for a table at least
    /// 10% full, which the owner keeps by calling [`Dict::shrink_if_sparse`].
    pub fn random_entry(&self, rng: &mut Rng) -> Option<(&Sds, &V)> {
        if self.is_empty() {
            return None;
        }
        let chain = loop {
            let link = match self.rehash_idx {
                Some(idx) => {
                    // Buckets below idx in tables[0] are empty: skip them.
                    let s0 = self.tables[0].buckets.len();
                    let s1 = self.tables[1].buckets.len();
                    let span = (s0 + s1).saturating_sub(idx).max(1);
                    let i = idx + rng.below(span);
                    if i >= s0 {
                        &self.tables[1].buckets[i - s0]
                    } else {
                        &self.tables[0].buckets[i]
                    }
                }
                None => {
                    let t0 = &self.tables[0];
                    &t0.buckets[rng.below(t0.buckets.len())]
                }
            };
            if link.is_some() {
                break link;
            }
        };
        let mut len = 0;
        let mut link = chain;
        while let Some(e) = link {
            len += 1;
            link = &e.next;
        }
        let mut pick = rng.below(len);
        let mut link = chain;
        while let Some(e) = link {
            if pick == 0 {
                return Some((&e.key, &e.value));
            }
            pick -= 1;
            link = &e.next;
        }
        None
    }

    /// Up to `count` entries from a random position onwards, for sampling
    /// (`dictGetSomeKeys`): cheaper than `count` random picks, and without
    /// duplicates, though not uniformly random.
    pub fn sample(&self, count: usize, rng: &mut Rng) -> Vec<(&Sds, &V)> {
        let mut out = Vec::with_capacity(count.min(self.len()));
        if self.is_empty() || count == 0 {
            return out;
        }
        let count = count.min(self.len());
        let max_steps = count.saturating_mul(10);
        let tables: &[&Table<V>] = if self.is_rehashing() {
            &[&self.tables[0], &self.tables[1]]
        } else {
            &[&self.tables[0]]
        };
        let largest = tables.iter().map(|t| t.buckets.len()).max().unwrap_or(0);
        let mut i = rng.below(largest.max(1));
        for _ in 0..max_steps {
            // `i` runs over the larger table's buckets; a smaller table is
            // visited while `i` is within it, so each bucket is seen once.
            for t in tables {
                let Some(mut link) = t.buckets.get(i) else {
                    continue;
                };
                while let Some(e) = link {
                    out.push((&e.key, &e.value));
                    if out.len() == count {
                        return out;
                    }
                    link = &e.next;
                }
            }
            i = (i + 1) % largest.max(1);
        }
        out
    }

    /// The chain statistics DEBUG HTSTATS prints (`dictGetStats`): one
    /// block for the main table and, while rehashing, one for the target.
    pub fn stats(&self) -> String {
        let mut out = String::new();
        self.tables[0].write_stats(&mut out, "Hash table 0 stats (main hash table):");
        if self.is_rehashing() {
            self.tables[1].write_stats(&mut out, "Hash table 1 stats (rehashing target):");
        }
        out
    }

    /// Every entry, in bucket order.
    pub fn iter(&self) -> impl Iterator<Item = (&Sds, &V)> {
        self.tables.iter().flat_map(|t| {
            t.buckets.iter().enumerate().flat_map(|(i, b)| {
                // A full walk is bound by the entry misses: start loading
                // the entry a few buckets ahead while this one is used.
                if let Some(Some(ahead)) = t.buckets.get(i + ITER_PREFETCH_DISTANCE) {
                    prefetch_read(&**ahead);
                }
                let mut link = b.as_deref();
                std::iter::from_fn(move || {
                    let e = link?;
                    link = e.next.as_deref();
                    Some((&e.key, &e.value))
                })
            })
        })
    }
}

impl<V> Drop for Dict<V> {
    fn drop(&mut self) {
        // Unlink chains iteratively so that a long chain cannot overflow the
        // stack through recursive drops.
        for table in &mut self.tables {
            for bucket in &mut table.buckets {
                let mut link = bucket.take();
                while let Some(mut e) = link {
                    link = e.next.take();
                }
            }
        }
    }
}

/// How many buckets ahead a full iteration prefetches.
const ITER_PREFETCH_DISTANCE: usize = 8;

/// A read prefetch of the cache line holding `*p`.
#[inline]
fn prefetch_read<T>(p: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint; it never faults, whatever the address.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>((p as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn key(i: usize) -> Vec<u8> {
        format!("key:{i}").into_bytes()
    }

    #[test]
    fn insert_get_remove_across_growth() {
        let mut d: Dict<usize> = Dict::new();
        for i in 0..10_000 {
            assert_eq!(d.insert(&key(i), i), None);
        }
        assert_eq!(d.len(), 10_000);
        for i in 0..10_000 {
            assert_eq!(d.get(&key(i)), Some(&i));
        }
        assert_eq!(d.insert(&key(7), 70), Some(7));
        for i in (0..10_000).step_by(2) {
            assert!(d.remove(&key(i)).is_some());
        }
        assert_eq!(d.len(), 5_000);
        assert!(d.get(&key(2)).is_none());
        assert_eq!(d.get(&key(3)), Some(&3));
        assert_eq!(d.iter().count(), 5_000);
    }

    #[test]
    fn rehash_is_incremental_and_completes() {
        let mut d: Dict<usize> = Dict::new();
        let mut saw_rehash = false;
        for i in 0..1000 {
            d.insert(&key(i), i);
            saw_rehash |= d.is_rehashing();
            // Every key stays reachable mid-rehash.
            assert_eq!(d.get(&key(i / 2)), Some(&(i / 2)));
        }
        assert!(saw_rehash);
        while d.rehash(1) {}
        assert!(!d.is_rehashing());
        assert_eq!(d.buckets(), 1024);
        for i in 0..990 {
            d.remove(&key(i));
        }
        assert!(d.shrink_if_sparse());
        d.rehash_until(Instant::now() + std::time::Duration::from_secs(1));
        assert_eq!(d.buckets(), 16);
        assert_eq!(d.len(), 10);
    }

    /// Scans to the end while `between` changes the dictionary after every
    /// call; returns the keys seen.
    fn full_scan(
        d: &mut Dict<usize>,
        mut between: impl FnMut(&mut Dict<usize>, usize),
    ) -> HashSet<Vec<u8>> {
        let mut seen = HashSet::new();
        let mut cursor = 0;
        let mut calls = 0;
        loop {
            cursor = d.scan(cursor, |k, _| {
                seen.insert(k.as_bytes().to_vec());
            });
            calls += 1;
            between(d, calls);
            if cursor == 0 {
                return seen;
            }
            assert!(calls < 1_000_000, "scan did not end");
        }
    }

    #[test]
    fn scan_returns_every_stable_key_while_growing() {
        let mut d: Dict<usize> = Dict::new();
        for i in 0..1000 {
            d.insert(&key(i), i);
        }
        // One insert every other call (a scan call visits one bucket here,
        // where SCAN visits about COUNT): past 1,024 keys the table doubles.
        let mut next = 1000;
        let seen = full_scan(&mut d, |d, calls| {
            if calls.is_multiple_of(2) {
                d.insert(&key(next), next);
                next += 1;
            }
        });
        assert!(
            d.len() > 1024,
            "the table grew during the scan: {}",
            d.len()
        );
        for i in 0..1000 {
            assert!(seen.contains(&key(i)), "key {i} missed");
        }
    }

    #[test]
    fn scan_returns_every_stable_key_while_shrinking() {
        let mut d: Dict<usize> = Dict::new();
        for i in 0..5000 {
            d.insert(&key(i), i);
        }
        while d.rehash(100) {}
        // Keys 0..100 stay; the rest is deleted during the scan, and the
        // table is shrunk (incrementally) whenever it becomes sparse.
        let mut victim = 100;
        let seen = full_scan(&mut d, |d, _| {
            for _ in 0..50 {
                if victim < 5000 {
                    d.remove(&key(victim));
                    victim += 1;
                }
            }
            d.shrink_if_sparse();
            d.rehash(1);
        });
        for i in 0..100 {
            assert!(seen.contains(&key(i)), "key {i} missed");
        }
        while d.rehash(100) {}
        assert!(d.buckets() < 1024, "the table shrank: {}", d.buckets());
    }

    #[test]
    fn random_entries_cover_the_table() {
        let mut d: Dict<usize> = Dict::new();
        let mut rng = Rng::new(7);
        assert!(d.random_entry(&mut rng).is_none());
        for i in 0..100 {
            d.insert(&key(i), i);
        }
        let mut seen = HashSet::new();
        for _ in 0..5000 {
            let (k, v) = d.random_entry(&mut rng).expect("non-empty");
            assert_eq!(k.as_bytes(), key(*v).as_slice());
            seen.insert(*v);
        }
        assert_eq!(seen.len(), 100, "every key is picked eventually");
        let sample = d.sample(20, &mut rng);
        assert_eq!(sample.len(), 20);
        let distinct: HashSet<usize> = sample.iter().map(|(_, v)| **v).collect();
        assert_eq!(distinct.len(), 20);
    }

    #[test]
    fn free_some_frees_a_little_at_a_time() {
        let mut d: Dict<usize> = Dict::new();
        for i in 0..1000 {
            d.insert(&key(i), i);
        }
        let mut rounds = 0;
        while d.free_some(64) {
            rounds += 1;
        }
        assert!(rounds >= 10);
        assert_eq!(d.len(), 0);
    }
}
