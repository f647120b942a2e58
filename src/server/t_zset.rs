//! Sorted-set commands and the sorted-set value.
//!
//! Mirrors: `t_zset.c` (`zsetTypeCreate`, `zsetAdd`, `zsetConvert`,
//! `zsetRank`, `zslCreate`, `zslInsert`, `zslDelete`, `zslUpdateScore`,
//! `zslGetRank`, `zslGetElementByRank`, `zslParseRange`,
//! `zslParseLexRange`, `zaddGenericCommand`, `zremCommand`,
//! `zscoreCommand`, `zmscoreCommand`, `zcardCommand`, `zcountCommand`,
//! `zlexcountCommand`, `zrankGenericCommand`, `zrangeGenericCommand`,
//! `genericZrangebyrankCommand`, `genericZrangebyscoreCommand`,
//! `genericZrangebylexCommand`, `zremrangeGenericCommand`,
//! `genericZpopCommand`, `zmpopCommand`, `zrandmemberWithCountCommand`,
//! `zscanCommand`,
//! `zunionInterDiffGenericCommand`, `zunionInterAggregate`).
//!
//! Commands: ZADD, ZINCRBY, ZREM, ZSCORE, ZMSCORE, ZCARD, ZCOUNT,
//! ZLEXCOUNT, ZRANK, ZREVRANK, ZRANGE, ZREVRANGE, ZRANGEBYSCORE,
//! ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX, ZRANGESTORE, ZPOPMIN,
//! ZPOPMAX, ZMPOP, ZREMRANGEBYRANK/SCORE/LEX, ZRANDMEMBER, ZSCAN, ZUNION,
//! ZINTER, ZDIFF, ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE, ZINTERCARD.
//!
//! Ranges: a range by score or by member is turned into the rank window
//! `[lo, hi)` of the members inside it, found by two O(log n) descents
//! (`ZSet::bounds`); LIMIT, REV and the reply then work on ranks. The set
//! operations read each input (a plain set's members score 1) into a
//! sorted `Vec`, combine in Redis's order (inputs by ascending size, so
//! float sums round as Redis's do) and sort the result.
//!
//! A sorted set orders its members by score, then by the bytes of the
//! member (memcmp), as Redis does. It has Redis's two encodings, which
//! OBJECT ENCODING reports:
//!
//! ```text
//!   listpack   Vec<(member, score)> kept sorted: small sets, searched
//!              linearly / by binary search, one contiguous buffer
//!   skiplist   SkipList (ranked, with spans) + HashMap member -> score
//!
//!   skip list arena (nodes: Vec<Node>, index 0 is the header; each
//!   node holds its first 2 levels, a taller node's others are one run
//!   in the shared `extra: Vec<Level>` pool):
//!
//!   L2  H ----------------------> c ------------> NIL   span 2, 2
//!   L1  H ------> a ------------> c ----> d ----> NIL
//!   L0  H ------> a ----> b ----> c ----> d ----> NIL   span 1 each
//!       backward:  NIL <- a <- b <- c <- d              (tail = d)
//! ```
//!
//! Conversion follows t_zset.c: a new set is a listpack when the number
//! of members it is created for is at most `zset-max-listpack-entries`
//! and its longest member is at most `zset-max-listpack-value` bytes
//! (`zsetTypeCreate`); adding a member that would take a listpack past
//! either limit turns it into a skip list first (`zsetAdd`). A skip list
//! never turns back into a listpack when members leave, as in Redis.
//!
//! The skip list is t_zset.c's `zskiplist`: each level's link carries a
//! span (how many level-0 steps it jumps), so the rank of a member and
//! the member at a rank are found in O(log n). Nodes live in a `Vec`
//! arena and link by `u32` index (`NIL` for none); freed slots go on a
//! free list and are reused. This keeps the structure safe Rust without
//! `Rc<RefCell<_>>` (rejected by STYLE.md) or raw pointers. Redis puts
//! all of a node's levels inside the node; here a node (48 bytes) holds
//! its member, score, backward link and its first two levels inline,
//! which is all of them for 15 nodes in 16 (`ZSKIPLIST_P` = 1/4), so a
//! step at levels 0 and 1 reads only the node already being compared.
//! The levels 2.. of taller nodes (and of the header) are one contiguous
//! run each in a shared `extra` pool, found from the node's `more`
//! index; freed runs are kept on free lists by length and reused. These
//! upper links are few (about n/12 of them) and dense, so they stay in
//! cache during descents. A score change that leaves the member between
//! its neighbours only rewrites the score (`zslUpdateScore`); otherwise
//! the node is unlinked and linked again at its new place, keeping its
//! slot and height, so the member index is not touched. A member
//! index (an open-addressing table of node indices hashed on the
//! members the nodes hold) makes ZSCORE O(1) as Redis's dict does,
//! without a second copy of each member.
//!
//! Change counting (`server.dirty`): ZADD and ZINCRBY one per member
//! added or whose score changed (an increment of 0 is none); ZREM,
//! ZREMRANGEBY* and the pops one per member removed; the *STORE commands
//! one for the whole result, or one for deleting the destination when the
//! result is empty.
//!
//! Deviations from Redis: the listpack is a `Vec` of boxed members
//! rather than one byte buffer (same ordering and limits, so the same
//! encoding is reported at the same moments); the member index never
//! shrinks (Redis's dict does, from serverCron); range bounds and
//! scores are parsed by Rust's float parser, so C's hexadecimal floats
//! (`0x1p3`) are refused; ZSCAN of a skiplist walks the node arena
//! rather than the dict's buckets (same promise, different cursors). The
//! blocking BZPOPMIN/BZPOPMAX/BZMPOP live in `blocked.rs`.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

use super::commands::{
    acl, arg, cmd, Arg, ArgType, BeginSearch, CommandSpec, FindKeys, KeySpec, BASE,
};
use super::errors::CommandError;
use super::multi::signal_modified_key;
use super::notify::class;
use super::object::Value;
use super::resp::Argv;
use super::util::{len_size, read_len, write_len, Rng};
use super::{ClientId, Server};

/// Most levels a skip list node can have (`ZSKIPLIST_MAXLEVEL`).
const ZSKIPLIST_MAXLEVEL: usize = 32;
/// Chance of a node having one more level (`ZSKIPLIST_P`), as a 16-bit
/// threshold as in `zslRandomLevel`.
const ZSKIPLIST_P_THRESHOLD: u64 = (0.25 * 65535.0) as u64;
/// No node.
const NIL: u32 = u32::MAX;

/// A member with its score, as copied out of a set.
pub type Entry = (Box<[u8]>, f64);

/// `(score, member)` order: score first, then the member bytes.
pub fn cmp_entry(s1: f64, m1: &[u8], s2: f64, m2: &[u8]) -> Ordering {
    // Scores are never NaN: parsing and `zsetAdd` reject it.
    match s1.partial_cmp(&s2) {
        Some(Ordering::Equal) | None => m1.cmp(m2),
        Some(o) => o,
    }
}

/// One link of a node (`zskiplistLevel`).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Level {
    forward: u32,
    span: u32,
}

/// An unlinked level.
const UNLINKED: Level = Level {
    forward: NIL,
    span: 0,
};

/// Levels kept inside the node itself: with `ZSKIPLIST_P` = 1/4, 15
/// nodes in 16 have at most two, so they need nothing more.
const INLINE_LEVELS: usize = 2;
/// `Node::more` of a freed arena slot.
const FREED: u32 = NIL - 1;

/// A skip list node (`zskiplistNode`), 48 bytes.
#[derive(Clone, Debug, PartialEq)]
struct Node {
    member: Box<[u8]>,
    score: f64,
    backward: u32,
    /// Where levels `INLINE_LEVELS..` start in `SkipList::extra` (a run
    /// of `height - INLINE_LEVELS` links); `NIL` when the node has no
    /// more levels than fit inline, `FREED` for a freed slot.
    more: u32,
    /// The first levels; those past the node's height are unused.
    levels: [Level; INLINE_LEVELS],
}

/// The ranked skip list (`zskiplist`) plus the member index of the
/// `skiplist` encoding (the `dict` of `zset`).
///
/// The index is an open-addressing table of node indices (linear
/// probing, at most 3/4 full, backward-shift deletion) hashed on the
/// member bytes the nodes hold, so each member is stored once: 4 bytes
/// a slot instead of a second copy of the member in a `HashMap`.
#[derive(Clone, Debug)]
struct SkipList {
    nodes: Vec<Node>,
    free: Vec<u32>,
    /// The levels of the nodes taller than `INLINE_LEVELS`, each node's
    /// in one contiguous run.
    extra: Vec<Level>,
    /// Freed runs of `extra`, by length (grown on first use).
    extra_free: Vec<Vec<u32>>,
    tail: u32,
    level: usize,
    len: usize,
    slots: Vec<u32>,
    hasher: RandomState,
    rng: u64,
}

impl PartialEq for SkipList {
    /// Equal when the members and scores are, in order.
    fn eq(&self, other: &SkipList) -> bool {
        let walk = |sl: &SkipList| {
            let mut out = Vec::with_capacity(sl.len);
            let mut x = sl.nodes[0].levels[0].forward;
            while x != NIL {
                let n = sl.node(x);
                out.push((n.member.clone(), n.score));
                x = n.levels[0].forward;
            }
            out
        };
        self.len == other.len && walk(self) == walk(other)
    }
}

impl SkipList {
    /// An empty list (`zslCreate`).
    fn new() -> SkipList {
        let mut sl = SkipList {
            nodes: Vec::new(),
            free: Vec::new(),
            extra: Vec::new(),
            extra_free: Vec::new(),
            tail: NIL,
            level: 1,
            len: 0,
            slots: Vec::new(),
            hasher: RandomState::new(),
            rng: Rng::from_entropy().next_u64(),
        };
        let more = sl.alloc_extra(ZSKIPLIST_MAXLEVEL);
        sl.nodes.push(Node {
            member: Box::default(),
            score: 0.0,
            backward: NIL,
            more,
            levels: [UNLINKED; INLINE_LEVELS],
        });
        sl
    }

    /// A run of `height - INLINE_LEVELS` links in `extra` for a node of
    /// `height` levels (`NIL` when none is needed).
    fn alloc_extra(&mut self, height: usize) -> u32 {
        let Some(run) = height.checked_sub(INLINE_LEVELS).filter(|&r| r > 0) else {
            return NIL;
        };
        if let Some(at) = self.extra_free.get_mut(run).and_then(Vec::pop) {
            return at;
        }
        let at = self.extra.len() as u32;
        self.extra.resize(self.extra.len() + run, UNLINKED);
        at
    }

    /// Gives back the run of a node of `height` levels.
    fn free_extra(&mut self, more: u32, height: usize) {
        let run = height.saturating_sub(INLINE_LEVELS);
        if more == NIL || more == FREED || run == 0 {
            return;
        }
        if self.extra_free.len() <= run {
            self.extra_free.resize(run + 1, Vec::new());
        }
        self.extra_free[run].push(more);
    }

    /// Link `i` of node `x`.
    fn lvl(&self, x: u32, i: usize) -> Level {
        let n = &self.nodes[x as usize];
        match n.levels.get(i) {
            Some(l) => *l,
            None => self.extra[n.more as usize + (i - INLINE_LEVELS)],
        }
    }

    /// Link `i` of node `x`, to change.
    fn lvl_mut(&mut self, x: u32, i: usize) -> &mut Level {
        if i < INLINE_LEVELS {
            &mut self.nodes[x as usize].levels[i]
        } else {
            let at = self.nodes[x as usize].more as usize + (i - INLINE_LEVELS);
            &mut self.extra[at]
        }
    }

    /// The home slot of `member` in the index.
    fn home(&self, member: &[u8]) -> usize {
        (self.hasher.hash_one(member) as usize) & (self.slots.len() - 1)
    }

    /// The index slot holding `member`'s node, if any.
    fn slot_of(&self, member: &[u8]) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(member);
        loop {
            let s = self.slots[i];
            if s == NIL {
                return None;
            }
            if *self.node(s).member == *member {
                return Some(i);
            }
            i = (i + 1) & mask;
        }
    }

    /// The node holding `member` (`dictFind`).
    fn find(&self, member: &[u8]) -> Option<u32> {
        self.slot_of(member).map(|i| self.slots[i])
    }

    /// DEBUG HTSTATS-KEY's statistics of the member index. It is an
    /// open-addressing table, not chained buckets, so what it reports is
    /// the probe distance of each member from its home slot (0: in it).
    fn index_stats(&self) -> String {
        use std::fmt::Write as _;
        const VECTLEN: usize = 50;
        let mut out = String::from("Member index stats (open addressing, linear probing):\n");
        if self.len == 0 {
            out.push_str("No stats available for empty dictionaries\n");
            return out;
        }
        let mask = self.slots.len() - 1;
        let mut probes = [0usize; VECTLEN];
        let (mut max, mut total) = (0usize, 0usize);
        for (i, &s) in self.slots.iter().enumerate() {
            if s == NIL {
                continue;
            }
            let d = i.wrapping_sub(self.home(&self.node(s).member)) & mask;
            probes[d.min(VECTLEN - 1)] += 1;
            max = max.max(d);
            total += d;
        }
        let _ = write!(
            out,
            " table size: {}\n number of elements: {}\n max probe distance: {max}\n \
             avg probe distance: {:.2}\n Probe distance distribution:\n",
            self.slots.len(),
            self.len,
            total as f64 / self.len as f64,
        );
        for (d, &n) in probes.iter().enumerate().filter(|(_, &n)| n != 0) {
            let _ = writeln!(
                out,
                "   {d}: {n} ({:.2}%)",
                n as f64 * 100.0 / self.len as f64
            );
        }
        out
    }

    /// Puts node `x` into the index, growing it to stay at most 3/4
    /// full; `x` must not be indexed yet.
    fn index_insert(&mut self, x: u32) {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            let cap = (self.slots.len() * 2).max(8);
            let old = std::mem::replace(&mut self.slots, vec![NIL; cap]);
            for s in old.into_iter().filter(|&s| s != NIL) {
                self.index_place(s);
            }
        }
        self.index_place(x);
    }

    /// Stores `x` in the first free slot from its home.
    fn index_place(&mut self, x: u32) {
        let mask = self.slots.len() - 1;
        let mut i = self.home(&self.node(x).member);
        while self.slots[i] != NIL {
            i = (i + 1) & mask;
        }
        self.slots[i] = x;
    }

    /// Takes `member` out of the index.
    fn index_remove(&mut self, member: &[u8]) {
        if let Some(i) = self.slot_of(member) {
            self.index_remove_at(i);
        }
    }

    /// The index slot of node `x`, found by node number from the home
    /// slot of its member (no member comparisons).
    fn slot_of_node(&self, x: u32) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(&self.node(x).member);
        loop {
            match self.slots[i] {
                NIL => return None,
                s if s == x => return Some(i),
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// Empties index slot `i`, shifting back the entries that probed past
    /// it so that every lookup still finds its node.
    fn index_remove_at(&mut self, mut i: usize) {
        let mask = self.slots.len() - 1;
        let mut j = i;
        loop {
            j = (j + 1) & mask;
            let s = self.slots[j];
            if s == NIL {
                break;
            }
            let k = self.home(&self.node(s).member);
            // `s` may stay only if its home lies cyclically in (i, j].
            let stays = if i <= j {
                i < k && k <= j
            } else {
                i < k || k <= j
            };
            if !stays {
                self.slots[i] = s;
                i = j;
            }
        }
        self.slots[i] = NIL;
    }

    fn node(&self, i: u32) -> &Node {
        &self.nodes[i as usize]
    }

    fn node_mut(&mut self, i: u32) -> &mut Node {
        &mut self.nodes[i as usize]
    }

    /// `zslRandomLevel`: 1 + a geometric number of extra levels.
    fn random_level(&mut self) -> usize {
        let mut rng = Rng::new(self.rng);
        let mut level = 1;
        while level < ZSKIPLIST_MAXLEVEL && (rng.next_u64() & 0xFFFF) < ZSKIPLIST_P_THRESHOLD {
            level += 1;
        }
        self.rng = rng.next_u64();
        level
    }

    /// For each level, the last node before `(score, member)` and its
    /// rank (0 for the header).
    fn find_update(&self, score: f64, member: &[u8]) -> ([u32; 32], [usize; 32]) {
        let mut update = [0u32; ZSKIPLIST_MAXLEVEL];
        let mut rank = [0usize; ZSKIPLIST_MAXLEVEL];
        let mut x = 0u32;
        let mut r = 0usize;
        for i in (0..self.level).rev() {
            loop {
                let l = self.lvl(x, i);
                if l.forward == NIL {
                    break;
                }
                let n = self.node(l.forward);
                if cmp_entry(n.score, &n.member, score, member) != Ordering::Less {
                    break;
                }
                r += l.span as usize;
                x = l.forward;
            }
            update[i] = x;
            rank[i] = r;
        }
        (update, rank)
    }

    /// Links a new node; the member must not be present (`zslInsert`).
    fn insert(&mut self, score: f64, member: Box<[u8]>) {
        let height = self.random_level();
        let more = self.alloc_extra(height);
        let node = Node {
            member,
            score,
            backward: NIL,
            more,
            levels: [UNLINKED; INLINE_LEVELS],
        };
        let x = match self.free.pop() {
            Some(slot) => {
                self.nodes[slot as usize] = node;
                slot
            }
            None => {
                self.nodes.push(node);
                (self.nodes.len() - 1) as u32
            }
        };
        self.link(x, height);
        self.index_insert(x);
    }

    /// Links the unlinked node `x` of `height` levels at the place of
    /// its score and member (`zslInsert` after the node is made).
    fn link(&mut self, x: u32, height: usize) {
        let n = self.node(x);
        let (mut update, mut rank) = self.find_update(n.score, &n.member);
        if height > self.level {
            for i in self.level..height {
                rank[i] = 0;
                update[i] = 0;
                self.lvl_mut(0, i).span = self.len as u32;
            }
            self.level = height;
        }
        for i in 0..height {
            let prev = self.lvl(update[i], i);
            let gap = (rank[0] - rank[i]) as u32;
            *self.lvl_mut(x, i) = Level {
                forward: prev.forward,
                span: prev.span - gap,
            };
            *self.lvl_mut(update[i], i) = Level {
                forward: x,
                span: gap + 1,
            };
        }
        // Levels above the new node's jump over it: one more step each.
        for (i, &u) in update.iter().enumerate().take(self.level).skip(height) {
            self.lvl_mut(u, i).span += 1;
        }
        let back = if update[0] == 0 { NIL } else { update[0] };
        self.node_mut(x).backward = back;
        let next = self.node(x).levels[0].forward;
        if next == NIL {
            self.tail = x;
        } else {
            self.node_mut(next).backward = x;
        }
        self.len += 1;
    }

    /// Unlinks node `x`, whose predecessors are `update`, and returns
    /// its height (`zslDeleteNode`); the slot stays allocated.
    fn unlink(&mut self, x: u32, update: &[u32; ZSKIPLIST_MAXLEVEL]) -> usize {
        let mut height = 0;
        for (i, &u) in update.iter().enumerate().take(self.level) {
            let ul = self.lvl(u, i);
            if ul.forward == x {
                let xl = self.lvl(x, i);
                *self.lvl_mut(u, i) = Level {
                    forward: xl.forward,
                    span: ul.span + xl.span - 1,
                };
                height = i + 1;
            } else {
                self.lvl_mut(u, i).span -= 1;
            }
        }
        let next = self.node(x).levels[0].forward;
        let back = self.node(x).backward;
        if next == NIL {
            self.tail = back;
        } else {
            self.node_mut(next).backward = back;
        }
        while self.level > 1 && self.lvl(0, self.level - 1).forward == NIL {
            self.level -= 1;
        }
        self.len -= 1;
        height
    }

    /// The node holding `(score, member)` and its predecessors.
    fn locate(&self, score: f64, member: &[u8]) -> Option<(u32, [u32; ZSKIPLIST_MAXLEVEL])> {
        let (update, _) = self.find_update(score, member);
        let x = self.node(update[0]).levels[0].forward;
        if x == NIL || cmp_entry(self.node(x).score, &self.node(x).member, score, member).is_ne() {
            return None;
        }
        Some((x, update))
    }

    /// Unlinks `(score, member)` and returns its member bytes
    /// (`zslDelete`/`zslDeleteNode`).
    fn delete(&mut self, score: f64, member: &[u8]) -> Option<Box<[u8]>> {
        let (x, update) = self.locate(score, member)?;
        self.index_remove(member);
        let height = self.unlink(x, &update);
        let n = self.node_mut(x);
        let more = std::mem::replace(&mut n.more, FREED);
        let member = std::mem::take(&mut n.member);
        self.free_extra(more, height);
        self.free.push(x);
        Some(member)
    }

    /// Unlinks the first node (lowest score) or the last one and returns
    /// its member and score, moving the member out rather than copying it
    /// (`genericZpopCommand`'s pop of `header->level[0].forward` or
    /// `tail`). Every predecessor of the first node is the header, so the
    /// lowest is unlinked without a descent; the highest needs one.
    fn pop(&mut self, max: bool) -> Option<Entry> {
        let x = if max {
            self.tail
        } else {
            self.node(0).levels[0].forward
        };
        if x == NIL {
            return None;
        }
        let update = if max {
            let n = self.node(x);
            self.find_update(n.score, &n.member).0
        } else {
            [0u32; ZSKIPLIST_MAXLEVEL]
        };
        if let Some(slot) = self.slot_of_node(x) {
            self.index_remove_at(slot);
        }
        let height = self.unlink(x, &update);
        let n = self.node_mut(x);
        let score = n.score;
        let member = std::mem::take(&mut n.member);
        let more = std::mem::replace(&mut n.more, FREED);
        self.free_extra(more, height);
        self.free.push(x);
        Some((member, score))
    }

    /// Moves `(old, member)` to score `new` (`zslUpdateScore`): in place
    /// when its neighbours still bracket the new score, else unlinked
    /// and linked again with its height. The node keeps its slot, so the
    /// member index is not touched.
    fn update_score(&mut self, old: f64, member: &[u8], new: f64) {
        let Some((x, update)) = self.locate(old, member) else {
            return;
        };
        let back = self.node(x).backward;
        let next = self.node(x).levels[0].forward;
        let after_back = back == NIL || {
            let b = self.node(back);
            cmp_entry(b.score, &b.member, new, member).is_lt()
        };
        let before_next = next == NIL || {
            let f = self.node(next);
            cmp_entry(f.score, &f.member, new, member).is_gt()
        };
        if after_back && before_next {
            self.node_mut(x).score = new;
            return;
        }
        let height = self.unlink(x, &update);
        self.node_mut(x).score = new;
        self.link(x, height);
    }

    /// 1-based rank of `(score, member)`, if present (`zslGetRank`).
    fn rank(&self, score: f64, member: &[u8]) -> Option<usize> {
        let mut rank = 0usize;
        let mut x = 0u32;
        for i in (0..self.level).rev() {
            loop {
                let l = self.lvl(x, i);
                if l.forward == NIL {
                    break;
                }
                let n = self.node(l.forward);
                if cmp_entry(n.score, &n.member, score, member) == Ordering::Greater {
                    break;
                }
                rank += l.span as usize;
                x = l.forward;
            }
            if x != 0 && *self.node(x).member == *member {
                return Some(rank);
            }
        }
        None
    }

    /// The node at 1-based `rank` (`zslGetElementByRank`).
    fn by_rank(&self, rank: usize) -> Option<u32> {
        let mut traversed = 0usize;
        let mut x = 0u32;
        for i in (0..self.level).rev() {
            loop {
                let l = self.lvl(x, i);
                if l.forward == NIL || traversed + l.span as usize > rank {
                    break;
                }
                traversed += l.span as usize;
                x = l.forward;
            }
            if traversed == rank {
                return (x != 0).then_some(x);
            }
        }
        None
    }

    /// Number of nodes that sort before any node satisfying `!before`,
    /// where `before` is monotonic along the list: the 0-based rank of
    /// the first node for which `before` is false.
    fn count_before(&self, before: impl Fn(f64, &[u8]) -> bool) -> usize {
        let mut rank = 0usize;
        let mut x = 0u32;
        for i in (0..self.level).rev() {
            loop {
                let l = self.lvl(x, i);
                if l.forward == NIL {
                    break;
                }
                let n = self.node(l.forward);
                if !before(n.score, &n.member) {
                    break;
                }
                rank += l.span as usize;
                x = l.forward;
            }
        }
        rank
    }
}

/// The compact encoding (`OBJ_ENCODING_LISTPACK`): the entries sorted by
/// `(score, member)`, back to back in one buffer. One allocation holds the
/// whole set, as Redis's listpack does; every operation walks the buffer,
/// which the `zset-max-listpack-*` limits keep short. An entry is:
///
/// - a varint of `member length << 1 | integral`;
/// - the member's bytes;
/// - the score: for an integral score (Redis's listpack stores those as
///   integers too), its zigzag varint, one byte from -64 to 63; for any
///   other, its 8 bytes (little-endian).
#[derive(Clone, Debug, PartialEq, Default)]
struct Listpack {
    buf: Vec<u8>,
    /// Number of entries.
    len: usize,
}

/// One entry of a [`Listpack`]: where it starts and ends in the buffer.
#[derive(Clone, Copy)]
struct LpEntry<'a> {
    start: usize,
    end: usize,
    member: &'a [u8],
    score: f64,
}

/// Integral scores of at most this magnitude are stored as integers: every
/// one of them is an exact `f64`.
const LP_INT_SCORE_MAX: f64 = 9_007_199_254_740_992.0; // 2^53

/// `score` as the integer a listpack stores, if it is one.
fn lp_int_score(score: f64) -> Option<i64> {
    (score.fract() == 0.0 && score.abs() <= LP_INT_SCORE_MAX).then_some(score as i64)
}

/// Bytes a member and its score take in a [`Listpack`].
fn lp_entry_size(member_len: usize, score: f64) -> usize {
    let score_size = match lp_int_score(score) {
        Some(n) => len_size(zigzag(n) as usize),
        None => 8,
    };
    len_size(member_len << 1) + member_len + score_size
}

/// Zigzag: small magnitudes of either sign become small unsigned numbers.
fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

fn unzigzag(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}

impl Listpack {
    fn with_capacity(entries: usize, member_len: usize) -> Listpack {
        Listpack {
            buf: Vec::with_capacity(entries.saturating_mul(lp_entry_size(member_len, 0.0))),
            len: 0,
        }
    }

    /// The entry starting at byte `pos`, if one does.
    fn entry_at(&self, pos: usize) -> Option<LpEntry<'_>> {
        let (head, ms) = read_len(&self.buf, pos)?;
        let me = ms.checked_add(head >> 1)?;
        let member = self.buf.get(ms..me)?;
        let (score, end) = if head & 1 == 1 {
            let (n, end) = read_len(&self.buf, me)?;
            (unzigzag(n as u64) as f64, end)
        } else {
            let end = me.checked_add(8)?;
            let bytes = self.buf.get(me..end)?.try_into().ok()?;
            (f64::from_le_bytes(bytes), end)
        };
        Some(LpEntry {
            start: pos,
            end,
            member,
            score,
        })
    }

    /// The entries, lowest first, collected: entries can only be walked
    /// forwards, so a walk backwards collects them (at most
    /// `zset-max-listpack-entries`, unless a loaded file held more) first.
    fn collected(&self) -> Vec<LpEntry<'_>> {
        self.walk().collect()
    }

    /// The entries, lowest first, without collecting them.
    fn walk(&self) -> impl Iterator<Item = LpEntry<'_>> + '_ {
        let mut pos = 0;
        std::iter::from_fn(move || {
            let e = self.entry_at(pos)?;
            pos = e.end;
            Some(e)
        })
    }

    /// The rank and entry of `member`.
    fn find(&self, member: &[u8]) -> Option<(usize, LpEntry<'_>)> {
        self.walk().enumerate().find(|(_, e)| e.member == member)
    }

    /// How many leading entries satisfy `pred` (which must hold for a
    /// prefix of the order, as for `slice::partition_point`), and the byte
    /// offset where the first entry that does not begins.
    fn partition_point(&self, mut pred: impl FnMut(&[u8], f64) -> bool) -> (usize, usize) {
        let mut count = 0;
        let mut pos = 0;
        for e in self.walk() {
            if !pred(e.member, e.score) {
                break;
            }
            count += 1;
            pos = e.end;
        }
        (count, pos)
    }

    /// The bytes `[start, end)` that the entries of ranks `[lo, hi)` take,
    /// found in one walk (a rank past the last entry is the buffer's end).
    fn span(&self, lo: usize, hi: usize) -> (usize, usize) {
        let mut start = self.buf.len();
        for (rank, e) in self.walk().enumerate() {
            if rank == lo {
                start = e.start;
            }
            if rank == hi {
                return (start, e.start);
            }
        }
        (start, self.buf.len())
    }

    /// Inserts an entry at its place in the order.
    fn insert(&mut self, member: &[u8], score: f64) {
        let (_, at) = self.partition_point(|m, s| cmp_entry(s, m, score, member).is_lt());
        // Encode at the end, then rotate the new bytes into place.
        let old_len = self.buf.len();
        self.push_last(member, score);
        if let Some(tail) = self.buf.get_mut(at..) {
            tail.rotate_right(tail.len() - (old_len - at));
        }
    }

    /// Appends an entry that sorts after every present one.
    fn push_last(&mut self, member: &[u8], score: f64) {
        let int = lp_int_score(score);
        self.buf.reserve_exact(lp_entry_size(member.len(), score));
        write_len(
            &mut self.buf,
            member.len() << 1 | usize::from(int.is_some()),
        );
        self.buf.extend_from_slice(member);
        match int {
            Some(n) => write_len(&mut self.buf, zigzag(n) as usize),
            None => self.buf.extend_from_slice(&score.to_le_bytes()),
        }
        self.len += 1;
    }

    /// Removes the entries in bytes `[start, end)`, `count` of them.
    fn remove_bytes(&mut self, start: usize, end: usize, count: usize) {
        self.buf.drain(start..end);
        self.len -= count;
        if self.buf.capacity() - self.buf.len() >= 16 {
            self.buf.shrink_to_fit();
        }
    }

    /// Removes and returns the entries of ranks `[lo, hi)`.
    fn drain(&mut self, lo: usize, hi: usize) -> Vec<Entry> {
        let (start, end) = self.span(lo, hi);
        let mut out = Vec::with_capacity(hi.saturating_sub(lo));
        let mut pos = start;
        while let Some(e) = self.entry_at(pos).filter(|e| e.end <= end) {
            out.push((e.member.into(), e.score));
            pos = e.end;
        }
        self.remove_bytes(start, end, out.len());
        out
    }

    /// Copies of every entry, lowest first.
    fn to_entries(&self) -> Vec<Entry> {
        self.walk().map(|e| (e.member.into(), e.score)).collect()
    }
}

/// The two encodings.
#[derive(Clone, Debug, PartialEq)]
enum Repr {
    /// Sorted by `(score, member)` (`OBJ_ENCODING_LISTPACK`).
    Listpack(Listpack),
    /// `OBJ_ENCODING_SKIPLIST`.
    Skiplist(Box<SkipList>),
}

/// A sorted-set value (`OBJ_ZSET`).
#[derive(Clone, Debug, PartialEq)]
pub struct ZSet {
    repr: Repr,
}

/// The listpack limits of the configuration
/// (`zset-max-listpack-entries`, `zset-max-listpack-value`).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_entries: usize,
    pub max_value: usize,
}

impl Limits {
    /// The limits configured on `server`.
    pub fn of(server: &Server) -> Limits {
        Limits {
            max_entries: usize::try_from(server.config.zset_max_listpack_entries).unwrap_or(0),
            max_value: usize::try_from(server.config.zset_max_listpack_value).unwrap_or(0),
        }
    }
}

impl ZSet {
    /// A new empty set sized for `size_hint` members of at most
    /// `len_hint` bytes (`zsetTypeCreate`).
    pub fn with_hint(size_hint: usize, len_hint: usize, limits: Limits) -> ZSet {
        let listpack = limits.max_entries != 0
            && size_hint <= limits.max_entries
            && len_hint <= limits.max_value;
        let repr = if listpack {
            Repr::Listpack(Listpack::with_capacity(size_hint, len_hint))
        } else {
            Repr::Skiplist(Box::new(SkipList::new()))
        };
        ZSet { repr }
    }

    /// Makes room in a listpack for members of these lengths, so that a
    /// loader inserting them one by one grows the buffer once.
    pub fn reserve_listpack(&mut self, member_lengths: impl IntoIterator<Item = usize>) {
        if let Repr::Listpack(lp) = &mut self.repr {
            let need: usize = member_lengths
                .into_iter()
                .map(|n| lp_entry_size(n, 0.0))
                .sum();
            lp.buf.reserve_exact(need);
        }
    }

    /// DEBUG HTSTATS-KEY's statistics of the member index; `None` for a
    /// listpack.
    pub fn table_stats(&self) -> Option<String> {
        match &self.repr {
            Repr::Listpack(_) => None,
            Repr::Skiplist(sl) => Some(sl.index_stats()),
        }
    }

    /// DEBUG LISTPACK's description, member then score as a listpack
    /// holds them; `None` for a skip list.
    pub fn describe_listpack(&self) -> Option<String> {
        let Repr::Listpack(lp) = &self.repr else {
            return None;
        };
        let scores: Vec<String> = lp
            .walk()
            .map(|e| super::reply::format_double(e.score))
            .collect();
        let bytes = lp.buf.len();
        let entries = lp
            .walk()
            .zip(&scores)
            .flat_map(|(e, s)| [e.member, s.as_bytes()]);
        Some(super::debug::describe_entries(bytes, entries))
    }

    /// OBJECT ENCODING's name for the value.
    pub fn encoding(&self) -> &'static str {
        match self.repr {
            Repr::Listpack(_) => "listpack",
            Repr::Skiplist(_) => "skiplist",
        }
    }

    /// Number of members (`zsetLength`).
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Listpack(lp) => lp.len,
            Repr::Skiplist(s) => s.len,
        }
    }

    /// Whether the set has no members.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The score of `member` (`zsetScore`).
    pub fn score(&self, member: &[u8]) -> Option<f64> {
        match &self.repr {
            Repr::Listpack(lp) => lp.find(member).map(|(_, e)| e.score),
            Repr::Skiplist(s) => s.find(member).map(|x| s.node(x).score),
        }
    }

    /// Turns a listpack into a skip list (`zsetConvert`).
    pub fn convert_to_skiplist(&mut self) {
        if let Repr::Listpack(lp) = &self.repr {
            let mut sl = SkipList::new();
            for e in lp.walk() {
                sl.insert(e.score, e.member.into());
            }
            self.repr = Repr::Skiplist(Box::new(sl));
        }
    }

    /// Adds a member that is not present and sorts after every present
    /// member (as a loaded file lists them), without searching for its
    /// place. It converts at the listpack limits as [`ZSet::insert_new`]
    /// does.
    pub fn insert_new_last(&mut self, member: &[u8], score: f64, limits: Limits) {
        self.add_new(member, score, limits, true);
    }

    /// Adds a member that is not present, converting to a skip list
    /// first when the listpack limits would be passed (`zsetAdd`).
    pub fn insert_new(&mut self, member: &[u8], score: f64, limits: Limits) {
        self.add_new(member, score, limits, false);
    }

    /// [`ZSet::insert_new`], or with `last` [`ZSet::insert_new_last`].
    fn add_new(&mut self, member: &[u8], score: f64, limits: Limits, last: bool) {
        if let Repr::Listpack(lp) = &self.repr {
            if lp.len + 1 > limits.max_entries || member.len() > limits.max_value {
                self.convert_to_skiplist();
            }
        }
        match &mut self.repr {
            Repr::Listpack(lp) if last => lp.push_last(member, listpack_score(score)),
            Repr::Listpack(lp) => lp.insert(member, listpack_score(score)),
            Repr::Skiplist(sl) => {
                sl.insert(score, member.into());
            }
        }
    }

    /// Changes the score of a present member (`zsetAdd`'s update path,
    /// `zslUpdateScore`).
    pub fn update_score(&mut self, member: &[u8], old: f64, new: f64) {
        match &mut self.repr {
            Repr::Listpack(lp) => {
                if let Some((_, e)) = lp.find(member) {
                    let (start, end) = (e.start, e.end);
                    lp.remove_bytes(start, end, 1);
                    lp.insert(member, listpack_score(new));
                }
            }
            Repr::Skiplist(sl) => sl.update_score(old, member, new),
        }
    }

    /// Removes `member`; whether it was present (`zsetRemoveFromSkiplist`
    /// and the listpack delete).
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match &mut self.repr {
            Repr::Listpack(lp) => match lp.find(member).map(|(_, e)| (e.start, e.end)) {
                Some((start, end)) => {
                    lp.remove_bytes(start, end, 1);
                    true
                }
                None => false,
            },
            Repr::Skiplist(sl) => match sl.find(member) {
                Some(x) => {
                    let score = sl.node(x).score;
                    sl.delete(score, member);
                    true
                }
                None => false,
            },
        }
    }

    /// 0-based rank of `member`, from the lowest score or (with `rev`)
    /// from the highest (`zsetRank`).
    pub fn rank(&self, member: &[u8], rev: bool) -> Option<usize> {
        let len = self.len();
        let rank = match &self.repr {
            Repr::Listpack(lp) => lp.find(member)?.0,
            Repr::Skiplist(sl) => {
                let score = sl.node(sl.find(member)?).score;
                sl.rank(score, member)?.checked_sub(1)?
            }
        };
        Some(if rev { len - 1 - rank } else { rank })
    }

    /// The member and score at 0-based `rank` from the lowest.
    pub fn at_rank(&self, rank: usize) -> Option<(&[u8], f64)> {
        match &self.repr {
            Repr::Listpack(lp) => lp.walk().nth(rank).map(|e| (e.member, e.score)),
            Repr::Skiplist(sl) => {
                let n = sl.node(sl.by_rank(rank.checked_add(1)?)?);
                Some((&*n.member, n.score))
            }
        }
    }

    /// Number of members whose score is inside `range` (ZCOUNT).
    pub fn count_in(&self, range: &ScoreRange) -> usize {
        let (lo, hi) = self.bounds(&Range::Score(*range));
        hi - lo
    }

    /// The ranks `[lo, hi)` of the members inside `range`; `lo == hi`
    /// when none is (`zslNthInRange`/`zslNthInLexRange`, which assume
    /// that a lex range is used on members of equal score).
    pub fn bounds(&self, range: &Range) -> (usize, usize) {
        let before = |s: f64, m: &[u8]| match range {
            Range::Score(r) => !r.above_min(s),
            Range::Lex(r) => !r.above_min(m),
        };
        let upto = |s: f64, m: &[u8]| match range {
            Range::Score(r) => r.below_max(s),
            Range::Lex(r) => r.below_max(m),
        };
        let (lo, hi) = match &self.repr {
            Repr::Listpack(lp) => (
                lp.partition_point(|m, s| before(s, m)).0,
                lp.partition_point(|m, s| upto(s, m)).0,
            ),
            Repr::Skiplist(sl) => (sl.count_before(before), sl.count_before(upto)),
        };
        (lo, hi.max(lo))
    }

    /// Copies of `count` members starting at 0-based `rank`, walking
    /// towards higher scores, or lower ones with `rev`.
    pub fn walk(&self, rank: usize, count: usize, rev: bool) -> Vec<(Box<[u8]>, f64)> {
        let mut out = Vec::with_capacity(count.min(self.len()));
        match &self.repr {
            Repr::Listpack(lp) => {
                let copy = |e: LpEntry<'_>| (Box::from(e.member), e.score);
                if rank >= lp.len {
                    // Past the end: nothing, as from the skip list.
                } else if rev {
                    let end = rank.saturating_add(1).min(lp.len);
                    let start = end.saturating_sub(count);
                    let all = lp.collected();
                    let part = all.get(start..end).unwrap_or_default();
                    out.extend(part.iter().rev().map(|&e| copy(e)));
                } else {
                    out.extend(lp.walk().skip(rank).take(count).map(copy));
                }
            }
            Repr::Skiplist(sl) => {
                let mut x = rank
                    .checked_add(1)
                    .and_then(|r| sl.by_rank(r))
                    .unwrap_or(NIL);
                while x != NIL && out.len() < count {
                    let n = sl.node(x);
                    out.push((n.member.clone(), n.score));
                    x = if rev { n.backward } else { n.levels[0].forward };
                }
            }
        }
        out
    }

    /// Calls `f` with every member and score, lowest first, or highest
    /// first with `rev`, without copying members (what RDB writes).
    pub fn for_each(&self, rev: bool, mut f: impl FnMut(&[u8], f64)) {
        match &self.repr {
            Repr::Listpack(lp) => {
                if rev {
                    lp.collected()
                        .iter()
                        .rev()
                        .for_each(|e| f(e.member, e.score));
                } else {
                    lp.walk().for_each(|e| f(e.member, e.score));
                }
            }
            Repr::Skiplist(sl) => {
                let mut x = if rev {
                    sl.tail
                } else {
                    sl.by_rank(1).unwrap_or(NIL)
                };
                while x != NIL {
                    let n = sl.node(x);
                    f(&n.member, n.score);
                    x = if rev { n.backward } else { n.levels[0].forward };
                }
            }
        }
    }

    /// One SCAN step (`scanGenericCommand`): the next cursor (0 when
    /// done) and up to about `count` members with scores.
    ///
    /// A listpack answers whole, with cursor 0, as Redis does. A skip list
    /// is walked in arena order: the cursor is a node index. A node never
    /// moves while its member stays (a score update relinks the node in
    /// its slot), and the arena only grows at its end, so every member present for the whole scan is
    /// returned, as SCAN promises.
    pub fn scan(&self, cursor: u64, count: usize) -> (u64, Vec<Entry>) {
        match &self.repr {
            Repr::Listpack(lp) => (0, lp.to_entries()),
            Repr::Skiplist(sl) => {
                let mut out = Vec::new();
                let start = usize::try_from(cursor).unwrap_or(usize::MAX).max(1);
                let mut i = start;
                let max_steps = count.saturating_mul(10);
                while i < sl.nodes.len() && out.len() < count && i - start < max_steps {
                    let n = &sl.nodes[i];
                    if n.more != FREED {
                        out.push((n.member.clone(), n.score));
                    }
                    i += 1;
                }
                let next = if i >= sl.nodes.len() { 0 } else { i as u64 };
                (next, out)
            }
        }
    }

    /// Mixes the set into a key's digest as `xorObjectDigest` does for
    /// `OBJ_ZSET`: for each member, the SHA1 mix of the member and of its
    /// score printed with `%.17g`, XORed in, so order does not matter.
    pub fn digest(&self, digest: &mut [u8; 20]) {
        let mut add = |member: &[u8], score: f64| {
            let mut ele = [0u8; 20];
            super::debug::mix_digest(&mut ele, member);
            super::debug::mix_digest(&mut ele, super::reply::format_double(score).as_bytes());
            super::debug::xor_digest(digest, &ele);
        };
        match &self.repr {
            Repr::Listpack(lp) => lp.walk().for_each(|e| add(e.member, e.score)),
            Repr::Skiplist(sl) => {
                let mut x = sl.lvl(0, 0).forward;
                while x != NIL {
                    let n = sl.node(x);
                    add(&n.member, n.score);
                    x = n.levels[0].forward;
                }
            }
        }
    }

    /// Removes and returns up to `count` members from the low end, or
    /// with `max` from the high end, in pop order (ZPOPMIN/ZPOPMAX,
    /// ZMPOP, BZPOPMIN/BZPOPMAX).
    pub fn pop(&mut self, max: bool, count: usize) -> Vec<Entry> {
        let n = count.min(self.len());
        match &mut self.repr {
            Repr::Listpack(lp) if max => {
                let at = lp.len - n;
                let mut out = lp.drain(at, lp.len);
                out.reverse();
                out
            }
            Repr::Listpack(lp) => lp.drain(0, n),
            Repr::Skiplist(sl) => (0..n).map_while(|_| sl.pop(max)).collect(),
        }
    }

    /// Removes the members of ranks `[lo, hi)`; how many went
    /// (`zremrangeGenericCommand`).
    pub fn remove_ranks(&mut self, lo: usize, hi: usize) -> usize {
        let hi = hi.min(self.len());
        if lo >= hi {
            return 0;
        }
        if let Repr::Listpack(lp) = &mut self.repr {
            let (start, end) = lp.span(lo, hi);
            lp.remove_bytes(start, end, hi - lo);
        } else {
            for (m, _) in self.walk(lo, hi - lo, false) {
                self.remove(&m);
            }
        }
        hi - lo
    }
}

/// A range by score or by member (`zrangespec`, `zlexrangespec`).
#[derive(Clone, Debug, PartialEq)]
pub enum Range {
    Score(ScoreRange),
    Lex(LexRange),
}

/// One end of a lex range (`zslParseLexRangeItem`).
#[derive(Clone, Debug, PartialEq)]
pub enum LexBound {
    /// `-`: below every member.
    Min,
    /// `+`: above every member.
    Max,
    /// `[member`.
    Incl(Vec<u8>),
    /// `(member`.
    Excl(Vec<u8>),
}

/// A member range (`zlexrangespec`).
#[derive(Clone, Debug, PartialEq)]
pub struct LexRange {
    pub min: LexBound,
    pub max: LexBound,
}

impl LexRange {
    /// Parses ZRANGEBYLEX's `min` and `max` (`zslParseLexRange`).
    pub fn parse(min: &[u8], max: &[u8]) -> Result<LexRange, CommandError> {
        let item = |b: &[u8]| match b.split_first() {
            Some((b'+', [])) => Ok(LexBound::Max),
            Some((b'-', [])) => Ok(LexBound::Min),
            Some((b'[', rest)) => Ok(LexBound::Incl(rest.to_vec())),
            Some((b'(', rest)) => Ok(LexBound::Excl(rest.to_vec())),
            _ => Err(CommandError::ZMinMaxNotLex),
        };
        Ok(LexRange {
            min: item(min)?,
            max: item(max)?,
        })
    }

    /// `zslLexValueGteMin`.
    fn above_min(&self, m: &[u8]) -> bool {
        match &self.min {
            LexBound::Min => true,
            LexBound::Max => false,
            LexBound::Incl(b) => m >= b.as_slice(),
            LexBound::Excl(b) => m > b.as_slice(),
        }
    }

    /// `zslLexValueLteMax`.
    fn below_max(&self, m: &[u8]) -> bool {
        match &self.max {
            LexBound::Min => false,
            LexBound::Max => true,
            LexBound::Incl(b) => m <= b.as_slice(),
            LexBound::Excl(b) => m < b.as_slice(),
        }
    }
}

/// A score interval, bounds inclusive unless marked exclusive
/// (`zrangespec`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScoreRange {
    pub min: f64,
    pub max: f64,
    pub minex: bool,
    pub maxex: bool,
}

impl ScoreRange {
    /// Parses `min` and `max` as ZRANGEBYSCORE takes them: a float,
    /// `inf`/`-inf`, optionally prefixed by `(` for an exclusive bound
    /// (`zslParseRange`).
    pub fn parse(min: &[u8], max: &[u8]) -> Result<ScoreRange, CommandError> {
        let bound = |b: &[u8]| -> Result<(f64, bool), CommandError> {
            let (text, ex) = match b.strip_prefix(b"(") {
                Some(rest) => (rest, true),
                None => (b, false),
            };
            match parse_range_f64(text) {
                Some(v) => Ok((v, ex)),
                None => Err(CommandError::ZMinMaxNotFloat),
            }
        };
        let (min, minex) = bound(min)?;
        let (max, maxex) = bound(max)?;
        Ok(ScoreRange {
            min,
            max,
            minex,
            maxex,
        })
    }

    /// `zslValueGteMin`.
    fn above_min(&self, v: f64) -> bool {
        if self.minex {
            v > self.min
        } else {
            v >= self.min
        }
    }

    /// `zslValueLteMax`.
    fn below_max(&self, v: f64) -> bool {
        if self.maxex {
            v < self.max
        } else {
            v <= self.max
        }
    }
}

/// A float as `strtod` reads one for Redis: the whole text, no NaN
/// (`getDoubleFromObject`). Leading spaces are refused.
pub fn parse_f64(text: &[u8]) -> Option<f64> {
    if text.is_empty() || text[0].is_ascii_whitespace() {
        return None;
    }
    let s = std::str::from_utf8(text).ok()?;
    let v: f64 = s.parse().ok()?;
    (!v.is_nan()).then_some(v)
}

/// A range bound as `zslParseRange` reads it with `strtod`: leading
/// whitespace is skipped and an empty text reads as 0, but anything left
/// over after the number, or NaN, is refused.
fn parse_range_f64(text: &[u8]) -> Option<f64> {
    if text.is_empty() {
        return Some(0.0);
    }
    let start = text
        .iter()
        .position(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'))?;
    parse_f64(&text[start..])
}

/// The score as a listpack keeps it: Redis writes scores there as text
/// that reads back as an integer when it can, so `-0` comes back as `0`.
fn listpack_score(score: f64) -> f64 {
    if score == 0.0 {
        0.0
    } else {
        score
    }
}

// ---------------------------------------------------------------------------
// Command table

/// Every command of this module, for the command table.
pub static COMMANDS: [&CommandSpec; 32] = [
    &ZSCAN,
    &ZRANDMEMBER,
    &ZMPOP,
    &ZUNION,
    &ZINTER,
    &ZDIFF,
    &ZUNIONSTORE,
    &ZINTERSTORE,
    &ZDIFFSTORE,
    &ZINTERCARD,
    &ZADD,
    &ZINCRBY,
    &ZREM,
    &ZSCORE,
    &ZMSCORE,
    &ZCARD,
    &ZCOUNT,
    &ZRANK,
    &ZREVRANK,
    &ZRANGE,
    &ZREVRANGE,
    &ZRANGEBYSCORE,
    &ZREVRANGEBYSCORE,
    &ZRANGEBYLEX,
    &ZREVRANGEBYLEX,
    &ZLEXCOUNT,
    &ZPOPMIN,
    &ZPOPMAX,
    &ZREMRANGEBYRANK,
    &ZREMRANGEBYSCORE,
    &ZREMRANGEBYLEX,
    &ZRANGESTORE,
];

/// The key spec of the commands taking one key at index 1.
const fn key1(flags: &'static [&'static str]) -> [KeySpec; 1] {
    [KeySpec::range(1, 0, flags)]
}

const KEY_RW_UPDATE: [KeySpec; 1] = key1(&["RW", "update"]);
const KEY_RW_ACCESS_UPDATE: [KeySpec; 1] = key1(&["RW", "access", "update"]);
const KEY_RW_DELETE: [KeySpec; 1] = key1(&["RW", "delete"]);
const KEY_RO_ACCESS: [KeySpec; 1] = key1(&["RO", "access"]);
const KEY_RO: [KeySpec; 1] = key1(&["RO"]);

const ARG_KEY: Arg = Arg::new("key", ArgType::Key(0));

pub static ZADD: CommandSpec = CommandSpec {
    name: "zadd",
    proc_: zadd_command,
    arity: -4,
    flags: cmd::WRITE | cmd::DENYOOM | cmd::FAST,
    acl: acl::SORTEDSET,
    key_specs: &KEY_RW_UPDATE,
    summary: "Add members with scores to a sorted set, or change the scores of existing ones",
    since: "1.2.0",
    group: "sorted-set",
    complexity:
        "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
    args: &[
        ARG_KEY,
        Arg::new(
            "condition",
            ArgType::OneOf(&[
                Arg::new("nx", ArgType::PureToken).token("NX"),
                Arg::new("xx", ArgType::PureToken).token("XX"),
            ]),
        )
        .since("3.0.2")
        .flags(arg::OPTIONAL),
        Arg::new(
            "comparison",
            ArgType::OneOf(&[
                Arg::new("gt", ArgType::PureToken).token("GT"),
                Arg::new("lt", ArgType::PureToken).token("LT"),
            ]),
        )
        .since("6.2.0")
        .flags(arg::OPTIONAL),
        Arg::new("change", ArgType::PureToken)
            .token("CH")
            .since("3.0.2")
            .flags(arg::OPTIONAL),
        Arg::new("increment", ArgType::PureToken)
            .token("INCR")
            .since("3.0.2")
            .flags(arg::OPTIONAL),
        Arg::new(
            "score_member",
            ArgType::Block(&[
                Arg::new("score", ArgType::Double),
                Arg::new("member", ArgType::String),
            ]),
        )
        .flags(arg::MULTIPLE),
    ],
    ..BASE
};

pub static ZINCRBY: CommandSpec = CommandSpec {
    name: "zincrby",
    proc_: zincrby_command,
    arity: 4,
    flags: cmd::WRITE | cmd::DENYOOM | cmd::FAST,
    acl: acl::SORTEDSET,
    key_specs: &KEY_RW_ACCESS_UPDATE,
    summary: "Add an increment to the score of a sorted-set member",
    since: "1.2.0",
    group: "sorted-set",
    complexity: "O(log(N)) where N is the number of elements in the sorted set.",
    args: &[
        ARG_KEY,
        Arg::new("increment", ArgType::Integer),
        Arg::new("member", ArgType::String),
    ],
    ..BASE
};

pub static ZREM: CommandSpec = CommandSpec {
    name: "zrem",
    proc_: zrem_command,
    arity: -3,
    flags: cmd::WRITE | cmd::FAST,
    acl: acl::SORTEDSET,
    key_specs: &KEY_RW_DELETE,
    summary: "Delete members from a sorted set",
    since: "1.2.0",
    group: "sorted-set",
    complexity: "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.",
    args: &[
        ARG_KEY,
        Arg::new("member", ArgType::String).flags(arg::MULTIPLE),
    ],
    ..BASE
};

pub static ZSCORE: CommandSpec = CommandSpec {
    name: "zscore",
    proc_: zscore_command,
    arity: 3,
    flags: cmd::READONLY | cmd::FAST,
    acl: acl::SORTEDSET,
    key_specs: &KEY_RO_ACCESS,
    summary: "Read the score of one sorted-set member",
    since: "1.2.0",
    group: "sorted-set",
    complexity: "O(1)",
    args: &[ARG_KEY, Arg::new("member", ArgType::String)],
    ..BASE
};

pub static ZMSCORE: CommandSpec = CommandSpec {
    name: "zmscore",
    proc_: zmscore_command,
    arity: -3,
    flags: cmd::READONLY | cmd::FAST,
    acl: acl::SORTEDSET,
    key_specs: &KEY_RO_ACCESS,
    summary: "Read the scores of several sorted-set members",
    since: "6.2.0",
    group: "sorted-set",
    complexity: "O(N) where N is the number of members being requested.",
    args: &[
        ARG_KEY,
        Arg::new("member", ArgType::String).flags(arg::MULTIPLE),
    ],
    ..BASE
};

pub static ZCARD: CommandSpec = CommandSpec {
    name: "zcard",
    proc_: zcard_command,
    arity: 2,
    flags: cmd::READONLY | cmd::FAST,
    acl: acl::SORTEDSET,
    key_specs: &KEY_RO,
    summary: "Count the members of a sorted set",
    since: "1.2.0",
    group: "sorted-set",
    complexity: "O(1)",
    args: &[ARG_KEY],
    ..BASE
};

pub static ZCOUNT: CommandSpec = CommandSpec {
    name: "zcount",
    proc_: zcount_command,
    arity: 4,
    flags: cmd::READONLY | cmd::FAST,
    acl: acl::SORTEDSET,
    key_specs: &KEY_RO_ACCESS,
    summary: "Count the sorted-set members whose score lies in a range",
    since: "2.0.0",
    group: "sorted-set",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    args: &[
        ARG_KEY,
        Arg::new("min", ArgType::Double),
        Arg::new("max", ArgType::Double),
    ],
    ..BASE
};

pub static ZRANK: CommandSpec = CommandSpec {
    name: "zrank",
    proc_: zrank_command,
    arity: 3,
    flags: cmd::READONLY | cmd::FAST,
    acl: acl::SORTEDSET,
    key_specs: &KEY_RO_ACCESS,
    summary: "Position of a member in a sorted set, lowest score first",
    since: "2.0.0",
    group: "sorted-set",
    complexity: "O(log(N))",
    args: &[ARG_KEY, Arg::new("member", ArgType::String)],
    ..BASE
};

pub static ZREVRANK: CommandSpec = CommandSpec {
    name: "zrevrank",
    proc_: zrevrank_command,
    arity: 3,
    flags: cmd::READONLY | cmd::FAST,
    acl: acl::SORTEDSET,
    key_specs: &KEY_RO_ACCESS,
    summary: "Position of a member in a sorted set, highest score first",
    since: "2.0.0",
    group: "sorted-set",
    complexity: "O(log(N))",
    args: &[ARG_KEY, Arg::new("member", ArgType::String)],
    ..BASE
};

const RANGE_COMPLEXITY: &str = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.";
const RANGEBY_COMPLEXITY: &str = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).";
const REMRANGE_COMPLEXITY: &str = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.";
const POP_COMPLEXITY: &str = "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.";

const ARG_LIMIT: Arg = Arg::new(
    "offset_count",
    ArgType::Block(&[
        Arg::new("offset", ArgType::Integer),
        Arg::new("count", ArgType::Integer),
    ]),
)
.token("LIMIT")
.flags(arg::OPTIONAL);
const ARG_WITHSCORES: Arg = Arg::new("withscores", ArgType::PureToken)
    .token("WITHSCORES")
    .flags(arg::OPTIONAL);
const ARG_SORTBY: Arg = Arg::new(
    "sortby",
    ArgType::OneOf(&[
        Arg::new("byscore", ArgType::PureToken).token("BYSCORE"),
        Arg::new("bylex", ArgType::PureToken).token("BYLEX"),
    ]),
)
.flags(arg::OPTIONAL);
const ARG_REV: Arg = Arg::new("rev", ArgType::PureToken)
    .token("REV")
    .flags(arg::OPTIONAL);

/// A read-only range command's spec.
const fn range_spec(
    name: &'static str,
    proc_: super::commands::CommandProc,
    summary: &'static str,
    since: &'static str,
    complexity: &'static str,
    args: &'static [Arg],
) -> CommandSpec {
    CommandSpec {
        name,
        proc_,
        arity: -4,
        flags: cmd::READONLY,
        acl: acl::SORTEDSET,
        key_specs: &KEY_RO_ACCESS,
        summary,
        since,
        group: "sorted-set",
        complexity,
        args,
        ..BASE
    }
}

pub static ZRANGE: CommandSpec = range_spec(
    "zrange",
    zrange_command,
    "Read sorted-set members in a range of ranks, scores or members",
    "1.2.0",
    RANGE_COMPLEXITY,
    &[
        ARG_KEY,
        Arg::new("start", ArgType::String),
        Arg::new("stop", ArgType::String),
        ARG_SORTBY.since("6.2.0"),
        ARG_REV.since("6.2.0"),
        ARG_LIMIT.since("6.2.0"),
        ARG_WITHSCORES,
    ],
);

pub static ZREVRANGE: CommandSpec = range_spec(
    "zrevrange",
    zrevrange_command,
    "Read sorted-set members in a range of ranks, highest score first",
    "1.2.0",
    RANGE_COMPLEXITY,
    &[
        ARG_KEY,
        Arg::new("start", ArgType::Integer),
        Arg::new("stop", ArgType::Integer),
        ARG_WITHSCORES,
    ],
);

pub static ZRANGEBYSCORE: CommandSpec = range_spec(
    "zrangebyscore",
    zrangebyscore_command,
    "Read sorted-set members whose score lies in a range",
    "1.0.5",
    RANGEBY_COMPLEXITY,
    &[
        ARG_KEY,
        Arg::new("min", ArgType::Double),
        Arg::new("max", ArgType::Double),
        ARG_WITHSCORES.since("2.0.0"),
        ARG_LIMIT,
    ],
);

pub static ZREVRANGEBYSCORE: CommandSpec = range_spec(
    "zrevrangebyscore",
    zrevrangebyscore_command,
    "Read sorted-set members whose score lies in a range, highest first",
    "2.2.0",
    RANGEBY_COMPLEXITY,
    &[
        ARG_KEY,
        Arg::new("max", ArgType::Double),
        Arg::new("min", ArgType::Double),
        ARG_WITHSCORES,
        ARG_LIMIT,
    ],
);

pub static ZRANGEBYLEX: CommandSpec = range_spec(
    "zrangebylex",
    zrangebylex_command,
    "Read sorted-set members in a range of member names",
    "2.8.9",
    RANGEBY_COMPLEXITY,
    &[
        ARG_KEY,
        Arg::new("min", ArgType::String),
        Arg::new("max", ArgType::String),
        ARG_LIMIT,
    ],
);

pub static ZREVRANGEBYLEX: CommandSpec = range_spec(
    "zrevrangebylex",
    zrevrangebylex_command,
    "Read sorted-set members in a range of member names, last name first",
    "2.8.9",
    RANGEBY_COMPLEXITY,
    &[
        ARG_KEY,
        Arg::new("max", ArgType::String),
        Arg::new("min", ArgType::String),
        ARG_LIMIT,
    ],
);

pub static ZLEXCOUNT: CommandSpec = CommandSpec {
    name: "zlexcount",
    proc_: zlexcount_command,
    arity: 4,
    flags: cmd::READONLY | cmd::FAST,
    acl: acl::SORTEDSET,
    key_specs: &KEY_RO_ACCESS,
    summary: "Count the sorted-set members in a range of member names",
    since: "2.8.9",
    group: "sorted-set",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    args: &[
        ARG_KEY,
        Arg::new("min", ArgType::String),
        Arg::new("max", ArgType::String),
    ],
    ..BASE
};

const KEY_RW_ACCESS_DELETE: [KeySpec; 1] = key1(&["RW", "access", "delete"]);

pub static ZPOPMIN: CommandSpec = CommandSpec {
    name: "zpopmin",
    proc_: zpopmin_command,
    arity: -2,
    flags: cmd::WRITE | cmd::FAST,
    acl: acl::SORTEDSET,
    key_specs: &KEY_RW_ACCESS_DELETE,
    summary: "Remove and return the members with the lowest scores",
    since: "5.0.0",
    group: "sorted-set",
    complexity: POP_COMPLEXITY,
    args: &[
        ARG_KEY,
        Arg::new("count", ArgType::Integer).flags(arg::OPTIONAL),
    ],
    ..BASE
};

pub static ZPOPMAX: CommandSpec = CommandSpec {
    name: "zpopmax",
    proc_: zpopmax_command,
    summary: "Remove and return the members with the highest scores",
    ..ZPOPMIN
};

pub static ZREMRANGEBYRANK: CommandSpec = CommandSpec {
    name: "zremrangebyrank",
    proc_: zremrangebyrank_command,
    arity: 4,
    flags: cmd::WRITE,
    acl: acl::SORTEDSET,
    key_specs: &KEY_RW_DELETE,
    summary: "Delete the sorted-set members in a range of ranks",
    since: "2.0.0",
    group: "sorted-set",
    complexity: REMRANGE_COMPLEXITY,
    args: &[
        ARG_KEY,
        Arg::new("start", ArgType::Integer),
        Arg::new("stop", ArgType::Integer),
    ],
    ..BASE
};

pub static ZREMRANGEBYSCORE: CommandSpec = CommandSpec {
    name: "zremrangebyscore",
    proc_: zremrangebyscore_command,
    summary: "Delete the sorted-set members whose score lies in a range",
    since: "1.2.0",
    args: &[
        ARG_KEY,
        Arg::new("min", ArgType::Double),
        Arg::new("max", ArgType::Double),
    ],
    ..ZREMRANGEBYRANK
};

pub static ZREMRANGEBYLEX: CommandSpec = CommandSpec {
    name: "zremrangebylex",
    proc_: zremrangebylex_command,
    summary: "Delete the sorted-set members in a range of member names",
    since: "2.8.9",
    args: &[
        ARG_KEY,
        Arg::new("min", ArgType::String),
        Arg::new("max", ArgType::String),
    ],
    ..ZREMRANGEBYRANK
};

pub static ZRANGESTORE: CommandSpec = CommandSpec {
    name: "zrangestore",
    proc_: zrangestore_command,
    arity: -5,
    flags: cmd::WRITE | cmd::DENYOOM,
    acl: acl::SORTEDSET,
    key_specs: &[
        KeySpec::range(1, 0, &["OW", "update"]),
        KeySpec::range(2, 0, &["RO", "access"]),
    ],
    summary: "Store a range of sorted-set members in another key",
    since: "6.2.0",
    group: "sorted-set",
    complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.",
    args: &[
        Arg::new("dst", ArgType::Key(0)),
        Arg::new("src", ArgType::Key(1)),
        Arg::new("min", ArgType::String),
        Arg::new("max", ArgType::String),
        ARG_SORTBY,
        ARG_REV,
        ARG_LIMIT,
    ],
    ..BASE
};

/// Keys counted by the argument at `begin` (`numkeys key [key ...]`).
const fn keynum_spec(flags: &'static [&'static str], begin: i32) -> KeySpec {
    KeySpec {
        notes: "",
        flags,
        begin: BeginSearch::Index(begin),
        find: FindKeys::Keynum {
            keynumidx: 0,
            firstkey: 1,
            keystep: 1,
        },
    }
}

/// The destination key of the STORE commands.
const DST_SPEC: KeySpec = KeySpec::range(1, 0, &["OW", "update"]);

const ARG_NUMKEYS: Arg = Arg::new("numkeys", ArgType::Integer);
const ARG_KEYS: Arg = Arg::new("key", ArgType::Key(0)).flags(arg::MULTIPLE);
const ARG_STORE_KEYS: Arg = Arg::new("key", ArgType::Key(1)).flags(arg::MULTIPLE);
const ARG_WEIGHTS: Arg = Arg::new("weight", ArgType::Integer)
    .token("WEIGHTS")
    .flags(arg::OPTIONAL | arg::MULTIPLE);
const ARG_AGGREGATE: Arg = Arg::new(
    "aggregate",
    ArgType::OneOf(&[
        Arg::new("sum", ArgType::PureToken).token("SUM"),
        Arg::new("min", ArgType::PureToken).token("MIN"),
        Arg::new("max", ArgType::PureToken).token("MAX"),
    ]),
)
.token("AGGREGATE")
.flags(arg::OPTIONAL);
const ARG_PLAIN_WITHSCORES: Arg = Arg::new("withscores", ArgType::PureToken)
    .token("WITHSCORES")
    .flags(arg::OPTIONAL);

const UNION_COMPLEXITY: &str = "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.";
const INTER_COMPLEXITY: &str = "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.";
const DIFF_COMPLEXITY: &str = "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.";

pub static ZMPOP: CommandSpec = CommandSpec {
    name: "zmpop",
    proc_: zmpop_command,
    arity: -4,
    flags: cmd::WRITE | cmd::MOVABLE_KEYS,
    acl: acl::SORTEDSET,
    key_specs: &ZMPOP_KEYS,
    summary: "Pop the lowest or highest members from the first non-empty sorted set of several",
    since: "7.0.0",
    group: "sorted-set",
    complexity: "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
    args: &[
        ARG_NUMKEYS,
        ARG_KEYS,
        Arg::new(
            "where",
            ArgType::OneOf(&[
                Arg::new("min", ArgType::PureToken).token("MIN"),
                Arg::new("max", ArgType::PureToken).token("MAX"),
            ]),
        ),
        Arg::new("count", ArgType::Integer)
            .token("COUNT")
            .flags(arg::OPTIONAL),
    ],
    ..BASE
};

const SETOP_KEYS: [KeySpec; 1] = [keynum_spec(&["RO", "access"], 1)];
const SETOP_STORE_KEYS: [KeySpec; 2] = [DST_SPEC, keynum_spec(&["RO", "access"], 2)];
const ZMPOP_KEYS: [KeySpec; 1] = [keynum_spec(&["RW", "access", "delete"], 1)];

pub static ZRANDMEMBER: CommandSpec = CommandSpec {
    name: "zrandmember",
    proc_: zrandmember_command,
    arity: -2,
    flags: cmd::READONLY,
    acl: acl::SORTEDSET,
    key_specs: &KEY_RO_ACCESS,
    tips: &["nondeterministic_output"],
    summary: "Return random members of a sorted set",
    since: "6.2.0",
    group: "sorted-set",
    complexity: "O(N) where N is the number of elements returned",
    args: &[
        ARG_KEY,
        Arg::new(
            "options",
            ArgType::Block(&[
                Arg::new("count", ArgType::Integer),
                Arg::new("withscores", ArgType::PureToken)
                    .token("WITHSCORES")
                    .flags(arg::OPTIONAL),
            ]),
        )
        .flags(arg::OPTIONAL),
    ],
    ..BASE
};

pub static ZSCAN: CommandSpec = CommandSpec {
    name: "zscan",
    proc_: zscan_command,
    arity: -3,
    flags: cmd::READONLY,
    acl: acl::SORTEDSET,
    key_specs: &KEY_RO_ACCESS,
    tips: &["nondeterministic_output"],
    summary: "Iterate over the members and scores of a sorted set",
    since: "2.8.0",
    group: "sorted-set",
    complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
    args: &[
        ARG_KEY,
        Arg::new("cursor", ArgType::Integer),
        Arg::new("pattern", ArgType::Pattern)
            .token("MATCH")
            .flags(arg::OPTIONAL),
        Arg::new("count", ArgType::Integer)
            .token("COUNT")
            .flags(arg::OPTIONAL),
    ],
    ..BASE
};

/// A reading set operation's spec.
const fn setop_spec(
    name: &'static str,
    proc_: super::commands::CommandProc,
    summary: &'static str,
    since: &'static str,
    complexity: &'static str,
    args: &'static [Arg],
) -> CommandSpec {
    CommandSpec {
        name,
        proc_,
        arity: -3,
        flags: cmd::READONLY | cmd::MOVABLE_KEYS,
        acl: acl::SORTEDSET,
        key_specs: &SETOP_KEYS,
        summary,
        since,
        group: "sorted-set",
        complexity,
        args,
        ..BASE
    }
}

/// A storing set operation's spec.
const fn setop_store_spec(
    name: &'static str,
    proc_: super::commands::CommandProc,
    summary: &'static str,
    since: &'static str,
    complexity: &'static str,
    args: &'static [Arg],
) -> CommandSpec {
    CommandSpec {
        name,
        proc_,
        arity: -4,
        flags: cmd::WRITE | cmd::DENYOOM | cmd::MOVABLE_KEYS,
        acl: acl::SORTEDSET,
        key_specs: &SETOP_STORE_KEYS,
        summary,
        since,
        group: "sorted-set",
        complexity,
        args,
        ..BASE
    }
}

pub static ZUNION: CommandSpec = setop_spec(
    "zunion",
    zunion_command,
    "Return the union of sorted sets",
    "6.2.0",
    UNION_COMPLEXITY,
    &[
        ARG_NUMKEYS,
        ARG_KEYS,
        ARG_WEIGHTS,
        ARG_AGGREGATE,
        ARG_PLAIN_WITHSCORES,
    ],
);

pub static ZINTER: CommandSpec = setop_spec(
    "zinter",
    zinter_command,
    "Return the intersection of sorted sets",
    "6.2.0",
    INTER_COMPLEXITY,
    &[
        ARG_NUMKEYS,
        ARG_KEYS,
        ARG_WEIGHTS,
        ARG_AGGREGATE,
        ARG_PLAIN_WITHSCORES,
    ],
);

pub static ZDIFF: CommandSpec = setop_spec(
    "zdiff",
    zdiff_command,
    "Return the members of the first sorted set that no other one holds",
    "6.2.0",
    DIFF_COMPLEXITY,
    &[ARG_NUMKEYS, ARG_KEYS, ARG_PLAIN_WITHSCORES],
);

pub static ZINTERCARD: CommandSpec = setop_spec(
    "zintercard",
    zintercard_command,
    "Count the members of the intersection of sorted sets",
    "7.0.0",
    "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.",
    &[
        ARG_NUMKEYS,
        ARG_KEYS,
        Arg::new("limit", ArgType::Integer)
            .token("LIMIT")
            .flags(arg::OPTIONAL),
    ],
);

pub static ZUNIONSTORE: CommandSpec = setop_store_spec(
    "zunionstore",
    zunionstore_command,
    "Store the union of sorted sets in a key",
    "2.0.0",
    "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
    &[
        Arg::new("destination", ArgType::Key(0)),
        ARG_NUMKEYS,
        ARG_STORE_KEYS,
        ARG_WEIGHTS,
        ARG_AGGREGATE,
    ],
);

pub static ZINTERSTORE: CommandSpec = setop_store_spec(
    "zinterstore",
    zinterstore_command,
    "Store the intersection of sorted sets in a key",
    "2.0.0",
    INTER_COMPLEXITY,
    &[
        Arg::new("destination", ArgType::Key(0)),
        ARG_NUMKEYS,
        ARG_STORE_KEYS,
        ARG_WEIGHTS,
        ARG_AGGREGATE,
    ],
);

pub static ZDIFFSTORE: CommandSpec = setop_store_spec(
    "zdiffstore",
    zdiffstore_command,
    "Store the difference of sorted sets in a key",
    "6.2.0",
    DIFF_COMPLEXITY,
    &[
        Arg::new("destination", ArgType::Key(0)),
        ARG_NUMKEYS,
        ARG_STORE_KEYS,
    ],
);

// ---------------------------------------------------------------------------
// Commands

/// Looks `key` up for reading: `Ok(None)` when missing, WRONGTYPE when
/// it holds another type.
fn read_zset<'a>(
    server: &'a mut Server,
    db: usize,
    key: &[u8],
) -> Result<Option<&'a ZSet>, CommandError> {
    match server.lookup_read(db, key) {
        None => Ok(None),
        Some(o) => match &o.value {
            Value::ZSet(z) => Ok(Some(z)),
            _ => Err(CommandError::WrongType),
        },
    }
}

/// ZADD's options (`ZADD_IN_*`).
#[derive(Clone, Copy, Debug, Default)]
struct AddFlags {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
    ch: bool,
    incr: bool,
}

/// `ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]`.
fn zadd_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let mut flags = AddFlags::default();
    let mut idx = 2;
    while idx < argv.len() {
        let a = &argv[idx];
        if a.eq_ignore_ascii_case(b"nx") {
            flags.nx = true;
        } else if a.eq_ignore_ascii_case(b"xx") {
            flags.xx = true;
        } else if a.eq_ignore_ascii_case(b"gt") {
            flags.gt = true;
        } else if a.eq_ignore_ascii_case(b"lt") {
            flags.lt = true;
        } else if a.eq_ignore_ascii_case(b"ch") {
            flags.ch = true;
        } else if a.eq_ignore_ascii_case(b"incr") {
            flags.incr = true;
        } else {
            break;
        }
        idx += 1;
    }
    zadd_generic(server, id, argv, idx, flags);
}

/// `ZINCRBY key increment member`.
fn zincrby_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let flags = AddFlags {
        incr: true,
        ..AddFlags::default()
    };
    zadd_generic(server, id, argv, 2, flags);
}

/// What `zsetAdd` did with one pair.
enum AddOutcome {
    Added(f64),
    Updated(f64),
    /// Processed, score unchanged.
    Same(f64),
    Nop,
    Nan,
}

/// `zsetAdd` for one pair against an existing set.
fn zset_add(z: &mut ZSet, member: &[u8], score: f64, f: AddFlags, limits: Limits) -> AddOutcome {
    match z.score(member) {
        Some(cur) => {
            if f.nx {
                return AddOutcome::Nop;
            }
            let mut score = score;
            if f.incr {
                score += cur;
                if score.is_nan() {
                    return AddOutcome::Nan;
                }
            }
            if (f.lt && score >= cur) || (f.gt && score <= cur) {
                return AddOutcome::Nop;
            }
            if score != cur {
                z.update_score(member, cur, score);
                AddOutcome::Updated(score)
            } else {
                AddOutcome::Same(score)
            }
        }
        None if !f.xx => {
            z.insert_new(member, score, limits);
            AddOutcome::Added(score)
        }
        None => AddOutcome::Nop,
    }
}

/// `zaddGenericCommand`: the pairs start at `idx`.
fn zadd_generic(server: &mut Server, id: ClientId, argv: &Argv, idx: usize, f: AddFlags) {
    // Check the shape and the options before touching anything.
    let rest = argv.len().saturating_sub(idx);
    if rest == 0 || !rest.is_multiple_of(2) {
        return server.reply(id).error(&CommandError::Syntax);
    }
    let pairs = rest / 2;
    if f.nx && f.xx {
        return server.reply(id).error(&CommandError::ZAddXxNx);
    }
    if ((f.gt || f.lt) && f.nx) || (f.gt && f.lt) {
        return server.reply(id).error(&CommandError::ZAddGtLtNx);
    }
    if f.incr && pairs > 1 {
        return server.reply(id).error(&CommandError::ZAddIncrPairs);
    }
    // Parse every score first: the command runs fully or not at all.
    let mut scores = Vec::with_capacity(pairs);
    for j in 0..pairs {
        match parse_f64(&argv[idx + 2 * j]) {
            Some(s) => scores.push(s),
            None => return server.reply(id).error(&CommandError::NotAFloat),
        }
    }
    let limits = Limits::of(server);
    let db = server.client_db(id);
    let key = &argv[1];
    let exists = match server.lookup_write(db, key) {
        None => false,
        Some(o) if matches!(o.value, Value::ZSet(_)) => true,
        Some(_) => return server.reply(id).error(&CommandError::WrongType),
    };
    if !exists {
        if f.xx {
            return zadd_reply(server, id, f, 0, 0, None);
        }
        let maxlen = (0..pairs)
            .map(|j| argv[idx + 2 * j + 1].len())
            .max()
            .unwrap_or(0);
        let z = ZSet::with_hint(pairs, maxlen, limits);
        server.db_add(db, key, Value::ZSet(Box::new(z)));
    }
    let Some(Value::ZSet(z)) = server.lookup_write(db, key).map(|o| &mut o.value) else {
        return server.reply(id).error(&CommandError::WrongType);
    };
    let (mut added, mut updated, mut last) = (0i64, 0i64, None);
    for (j, &score) in scores.iter().enumerate() {
        let member = &argv[idx + 2 * j + 1];
        match zset_add(z, member, score, f, limits) {
            AddOutcome::Added(s) => {
                added += 1;
                last = Some(s);
            }
            AddOutcome::Updated(s) => {
                updated += 1;
                last = Some(s);
            }
            AddOutcome::Same(s) => last = Some(s),
            AddOutcome::Nop => {}
            AddOutcome::Nan => return server.reply(id).error(&CommandError::ZScoreNaN),
        }
    }
    // Only a member added or a score changed is a change.
    if added > 0 || updated > 0 {
        server.dirty += (added + updated) as u64;
        let event = if f.incr { "zincr" } else { "zadd" };
        server.signal_and_notify(db, key, class::ZSET, event);
    }
    zadd_reply(server, id, f, added, updated, last);
}

/// ZADD's reply: the score with INCR (null when nothing was done), else
/// the number added (or changed, with CH).
fn zadd_reply(
    server: &mut Server,
    id: ClientId,
    f: AddFlags,
    added: i64,
    updated: i64,
    last: Option<f64>,
) {
    let reply = server.reply(id);
    if f.incr {
        match last {
            Some(s) => reply.double(s),
            None => reply.null(),
        }
    } else {
        reply.integer(if f.ch { added + updated } else { added });
    }
}

/// `ZREM key member [member ...]`; deletes the key once it is empty.
fn zrem_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    let key = &argv[1];
    let (deleted, empty) = match server.lookup_write(db, key) {
        None => (0, false),
        Some(o) => match &mut o.value {
            Value::ZSet(z) => {
                let mut deleted = 0i64;
                for m in &argv[2..] {
                    if z.remove(m) {
                        deleted += 1;
                        if z.is_empty() {
                            break;
                        }
                    }
                }
                (deleted, z.is_empty())
            }
            _ => return server.reply(id).error(&CommandError::WrongType),
        },
    };
    if deleted > 0 {
        server.dirty += deleted as u64;
        server.notify(class::ZSET, "zrem", key, db);
        delete_if_emptied(server, db, key, empty);
        signal_modified_key(server, db, key);
    }
    server.reply(id).integer(deleted);
}

/// `ZSCORE key member`.
fn zscore_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    let score = match read_zset(server, db, &argv[1]) {
        Ok(z) => z.and_then(|z| z.score(&argv[2])),
        Err(e) => return server.reply(id).error(&e),
    };
    match score {
        Some(s) => server.reply(id).double(s),
        None => server.reply(id).null(),
    }
}

/// `ZMSCORE key member [member ...]`.
fn zmscore_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    let scores: Vec<Option<f64>> = match read_zset(server, db, &argv[1]) {
        Ok(z) => argv[2..]
            .iter()
            .map(|m| z.and_then(|z| z.score(m)))
            .collect(),
        Err(e) => return server.reply(id).error(&e),
    };
    let reply = server.reply(id);
    reply.array_len(scores.len());
    for s in scores {
        match s {
            Some(s) => reply.double(s),
            None => reply.null(),
        }
    }
}

/// `ZCARD key`.
fn zcard_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    match read_zset(server, db, &argv[1]) {
        Ok(z) => {
            let n = z.map_or(0, |z| z.len());
            server.reply(id).integer(n as i64);
        }
        Err(e) => server.reply(id).error(&e),
    }
}

/// `ZCOUNT key min max`: the range is parsed before the key is read.
fn zcount_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let range = match ScoreRange::parse(&argv[2], &argv[3]) {
        Ok(r) => r,
        Err(e) => return server.reply(id).error(&e),
    };
    let db = server.client_db(id);
    match read_zset(server, db, &argv[1]) {
        Ok(z) => {
            let n = z.map_or(0, |z| z.count_in(&range));
            server.reply(id).integer(n as i64);
        }
        Err(e) => server.reply(id).error(&e),
    }
}

/// `ZRANK key member`.
fn zrank_command(server: &mut Server, id: ClientId, argv: &Argv) {
    zrank_generic(server, id, argv, false);
}

/// `ZREVRANK key member`.
fn zrevrank_command(server: &mut Server, id: ClientId, argv: &Argv) {
    zrank_generic(server, id, argv, true);
}

/// `zrankGenericCommand`.
fn zrank_generic(server: &mut Server, id: ClientId, argv: &Argv, rev: bool) {
    let db = server.client_db(id);
    let rank = match read_zset(server, db, &argv[1]) {
        Ok(z) => z.and_then(|z| z.rank(&argv[2], rev)),
        Err(e) => return server.reply(id).error(&e),
    };
    match rank {
        Some(r) => server.reply(id).integer(r as i64),
        None => server.reply(id).null(),
    }
}

// ---------------------------------------------------------------------------
// Ranges

/// How a range command reads its `start`/`stop` (`zrange_type`).
#[derive(Clone, Copy, Debug, PartialEq)]
enum RangeType {
    Auto,
    Rank,
    Score,
    Lex,
}

/// What a range command was asked for, once parsed.
struct RangeRequest {
    rev: bool,
    withscores: bool,
    offset: i64,
    limit: i64,
    /// The range by score or lex, min before max.
    range: Option<Range>,
    /// The range by rank.
    ranks: (i64, i64),
}

/// Parses a range command's arguments from the key at `key_idx`
/// (`zrangeGenericCommand`'s option loop and checks). `store` refuses
/// WITHSCORES; `kind`/`rev` are fixed by the legacy commands.
fn parse_range_request(
    argv: &Argv,
    key_idx: usize,
    store: bool,
    mut kind: RangeType,
    rev: Option<bool>,
) -> Result<RangeRequest, CommandError> {
    let mut withscores = false;
    let (mut offset, mut limit) = (0i64, -1i64);
    let mut dir = rev;
    let mut j = key_idx + 3;
    while j < argv.len() {
        let a = &argv[j];
        let left = argv.len() - j - 1;
        if !store && a.eq_ignore_ascii_case(b"withscores") {
            withscores = true;
        } else if a.eq_ignore_ascii_case(b"limit") && left >= 2 {
            offset = parse_i64(&argv[j + 1])?;
            limit = parse_i64(&argv[j + 2])?;
            j += 2;
        } else if dir.is_none() && a.eq_ignore_ascii_case(b"rev") {
            dir = Some(true);
        } else if kind == RangeType::Auto && a.eq_ignore_ascii_case(b"bylex") {
            kind = RangeType::Lex;
        } else if kind == RangeType::Auto && a.eq_ignore_ascii_case(b"byscore") {
            kind = RangeType::Score;
        } else {
            return Err(CommandError::Syntax);
        }
        j += 1;
    }
    let rev = dir.unwrap_or(false);
    if kind == RangeType::Auto {
        kind = RangeType::Rank;
    }
    if (limit != -1 || offset != 0) && kind == RangeType::Rank {
        return Err(CommandError::ZLimitNeedsRangeType);
    }
    if withscores && kind == RangeType::Lex {
        return Err(CommandError::ZWithscoresBylex);
    }
    // Reverse ranges by score or lex name max first.
    let (mut lo, mut hi) = (&argv[key_idx + 1], &argv[key_idx + 2]);
    if rev && kind != RangeType::Rank {
        std::mem::swap(&mut lo, &mut hi);
    }
    let mut req = RangeRequest {
        rev,
        withscores,
        offset,
        limit,
        range: None,
        ranks: (0, 0),
    };
    match kind {
        RangeType::Score => req.range = Some(Range::Score(ScoreRange::parse(lo, hi)?)),
        RangeType::Lex => req.range = Some(Range::Lex(LexRange::parse(lo, hi)?)),
        _ => req.ranks = (parse_i64(lo)?, parse_i64(hi)?),
    }
    Ok(req)
}

/// `getLongLongFromObjectOrReply`.
fn parse_i64(a: &[u8]) -> Result<i64, CommandError> {
    super::resp::string_to_i64(a).ok_or(CommandError::NotAnInteger)
}

/// The 0-based rank window `[lo, hi)` of a rank range after Redis's
/// clamping (`genericZrangebyrankCommand`), counted from the end for a
/// reverse range.
fn rank_window(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let llen = i64::try_from(len).ok()?;
    let mut start = if start < 0 { llen + start } else { start };
    let mut end = if end < 0 { llen + end } else { end };
    if start < 0 {
        start = 0;
    }
    if start > end || start >= llen {
        return None;
    }
    if end >= llen {
        end = llen - 1;
    }
    Some((usize::try_from(start).ok()?, usize::try_from(end).ok()? + 1))
}

/// The members a parsed range selects from `z`, in reply order.
fn select_range(z: &ZSet, req: &RangeRequest) -> Vec<(Box<[u8]>, f64)> {
    let len = z.len();
    match &req.range {
        None => match rank_window(req.ranks.0, req.ranks.1, len) {
            None => Vec::new(),
            Some((lo, hi)) if req.rev => z.walk(len - 1 - lo, hi - lo, true),
            Some((lo, hi)) => z.walk(lo, hi - lo, false),
        },
        Some(range) => {
            let (lo, hi) = z.bounds(range);
            // A negative offset skips everything, as Redis's countdown does.
            let Ok(offset) = usize::try_from(req.offset) else {
                return Vec::new();
            };
            let avail = (hi - lo).saturating_sub(offset);
            let count = usize::try_from(req.limit).map_or(avail, |l| l.min(avail));
            if count == 0 {
                Vec::new()
            } else if req.rev {
                z.walk(hi - 1 - offset, count, true)
            } else {
                z.walk(lo + offset, count, false)
            }
        }
    }
}

/// Sends members (with scores: pairs in RESP3, flat in RESP2).
fn reply_members(
    server: &mut Server,
    id: ClientId,
    items: &[(Box<[u8]>, f64)],
    withscores: bool,
    nested: bool,
) {
    let reply = server.reply(id);
    if !withscores {
        reply.array_len(items.len());
        for (m, _) in items {
            reply.bulk(m);
        }
        return;
    }
    let nested = nested && reply.resp >= 3;
    reply.array_len(if nested { items.len() } else { items.len() * 2 });
    for (m, s) in items {
        if nested {
            reply.array_len(2);
        }
        reply.bulk(m);
        reply.double(*s);
    }
}

/// `zrangeGenericCommand` for the reading commands.
fn zrange_generic(
    server: &mut Server,
    id: ClientId,
    argv: &Argv,
    kind: RangeType,
    rev: Option<bool>,
) {
    let req = match parse_range_request(argv, 1, false, kind, rev) {
        Ok(r) => r,
        Err(e) => return server.reply(id).error(&e),
    };
    let db = server.client_db(id);
    let items = match read_zset(server, db, &argv[1]) {
        Ok(Some(z)) => select_range(z, &req),
        Ok(None) => Vec::new(),
        Err(e) => return server.reply(id).error(&e),
    };
    reply_members(server, id, &items, req.withscores, true);
}

/// `ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]`.
fn zrange_command(server: &mut Server, id: ClientId, argv: &Argv) {
    zrange_generic(server, id, argv, RangeType::Auto, None);
}

/// `ZREVRANGE key start stop [WITHSCORES]`.
fn zrevrange_command(server: &mut Server, id: ClientId, argv: &Argv) {
    zrange_generic(server, id, argv, RangeType::Rank, Some(true));
}

/// `ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]`.
fn zrangebyscore_command(server: &mut Server, id: ClientId, argv: &Argv) {
    zrange_generic(server, id, argv, RangeType::Score, Some(false));
}

/// `ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]`.
fn zrevrangebyscore_command(server: &mut Server, id: ClientId, argv: &Argv) {
    zrange_generic(server, id, argv, RangeType::Score, Some(true));
}

/// `ZRANGEBYLEX key min max [LIMIT offset count]`.
fn zrangebylex_command(server: &mut Server, id: ClientId, argv: &Argv) {
    zrange_generic(server, id, argv, RangeType::Lex, Some(false));
}

/// `ZREVRANGEBYLEX key max min [LIMIT offset count]`.
fn zrevrangebylex_command(server: &mut Server, id: ClientId, argv: &Argv) {
    zrange_generic(server, id, argv, RangeType::Lex, Some(true));
}

/// `ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]`:
/// stores the selection (deleting `dst` when it is empty) and replies
/// with its size.
fn zrangestore_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let req = match parse_range_request(argv, 2, true, RangeType::Auto, None) {
        Ok(r) => r,
        Err(e) => return server.reply(id).error(&e),
    };
    let db = server.client_db(id);
    // The source is read (`keymiss` when missing), as in Redis 7.0.
    let items = match server.lookup_read(db, &argv[2]) {
        None => Vec::new(),
        Some(o) => match &o.value {
            Value::ZSet(z) => select_range(z, &req),
            _ => return server.reply(id).error(&CommandError::WrongType),
        },
    };
    store_zset(server, id, db, &argv[1], &items, "zrangestore");
}

/// Stores `items` as a sorted set at `dst` and publishes `event`, or
/// deletes `dst` when there are none (`del`), and replies with the count:
/// the end of every *STORE command. The deletion does not look the key
/// up first, so an expired `dst` is deleted as `del`, as in Redis.
fn store_zset(
    server: &mut Server,
    id: ClientId,
    db: usize,
    dst: &[u8],
    items: &[(Box<[u8]>, f64)],
    event: &str,
) {
    // One change for the whole result, or for deleting `dst`.
    let n = items.len();
    if n == 0 {
        if server.dbs[db].delete(dst) {
            server.dirty += 1;
            server.signal_and_notify(db, dst, class::GENERIC, "del");
        }
    } else {
        let limits = Limits::of(server);
        let maxlen = items.iter().map(|(m, _)| m.len()).max().unwrap_or(0);
        let mut z = ZSet::with_hint(n, maxlen, limits);
        for (m, s) in items {
            z.insert_new(m, *s, limits);
        }
        server.set_key(db, dst, Value::ZSet(Box::new(z)), false);
        server.dirty += 1;
        server.notify(class::ZSET, event, dst, db);
    }
    server.reply(id).integer(n as i64);
}

/// Deletes the sorted set at `key` if `emptied`, publishing `del`.
fn delete_if_emptied(server: &mut Server, db: usize, key: &[u8], emptied: bool) {
    if emptied {
        server.dbs[db].delete(key);
        server.notify(class::GENERIC, "del", key, db);
    }
}

/// After `count` members were popped from `key` (`genericZpopCommand`):
/// counts one change per member, publishes `zpopmin`/`zpopmax`, deletes
/// the emptied set (`del`) and signals the key's watchers.
fn members_popped(
    server: &mut Server,
    db: usize,
    key: &[u8],
    max: bool,
    count: usize,
    emptied: bool,
) {
    server.dirty += count as u64;
    let event = if max { "zpopmax" } else { "zpopmin" };
    server.notify(class::ZSET, event, key, db);
    delete_if_emptied(server, db, key, emptied);
    signal_modified_key(server, db, key);
}

/// `ZLEXCOUNT key min max`.
fn zlexcount_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let range = match LexRange::parse(&argv[2], &argv[3]) {
        Ok(r) => Range::Lex(r),
        Err(e) => return server.reply(id).error(&e),
    };
    let db = server.client_db(id);
    match read_zset(server, db, &argv[1]) {
        Ok(z) => {
            let n = z.map_or(0, |z| {
                let (lo, hi) = z.bounds(&range);
                hi - lo
            });
            server.reply(id).integer(n as i64);
        }
        Err(e) => server.reply(id).error(&e),
    }
}

/// `ZPOPMIN key [count]`.
fn zpopmin_command(server: &mut Server, id: ClientId, argv: &Argv) {
    zpop_generic(server, id, argv, false);
}

/// `ZPOPMAX key [count]`.
fn zpopmax_command(server: &mut Server, id: ClientId, argv: &Argv) {
    zpop_generic(server, id, argv, true);
}

/// `genericZpopCommand`: the count is checked before the key; with a
/// count the RESP3 reply nests each pair.
fn zpop_generic(server: &mut Server, id: ClientId, argv: &Argv, max: bool) {
    if argv.len() > 3 {
        return server.reply(id).error(&CommandError::Syntax);
    }
    let count = match argv.get(2) {
        None => 1,
        Some(a) => match super::resp::string_to_i64(a).and_then(|n| usize::try_from(n).ok()) {
            Some(n) => n,
            None => return server.reply(id).error(&CommandError::NotPositive),
        },
    };
    let db = server.client_db(id);
    let key = &argv[1];
    let (items, empty) = match server.lookup_write(db, key) {
        None => (Vec::new(), false),
        Some(o) => match &mut o.value {
            Value::ZSet(z) => {
                let items = z.pop(max, count);
                (items, z.is_empty())
            }
            _ => return server.reply(id).error(&CommandError::WrongType),
        },
    };
    if !items.is_empty() {
        members_popped(server, db, key, max, items.len(), empty);
    }
    reply_members(server, id, &items, true, argv.len() == 3);
}

/// `zremrangeGenericCommand`: removes the selected members and deletes
/// the key when it empties.
fn zremrange_generic(server: &mut Server, id: ClientId, argv: &Argv, kind: RangeType) {
    let range = match kind {
        RangeType::Score => ScoreRange::parse(&argv[2], &argv[3]).map(|r| Some(Range::Score(r))),
        RangeType::Lex => LexRange::parse(&argv[2], &argv[3]).map(|r| Some(Range::Lex(r))),
        _ => Ok(None),
    };
    let range = match range {
        Ok(r) => r,
        Err(e) => return server.reply(id).error(&e),
    };
    let ranks = if kind == RangeType::Rank {
        match (parse_i64(&argv[2]), parse_i64(&argv[3])) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => return server.reply(id).error(&e),
        }
    } else {
        (0, 0)
    };
    let db = server.client_db(id);
    let key = &argv[1];
    let (removed, empty) = match server.lookup_write(db, key) {
        None => (0, false),
        Some(o) => match &mut o.value {
            Value::ZSet(z) => {
                let window = match &range {
                    Some(r) => Some(z.bounds(r)),
                    None => rank_window(ranks.0, ranks.1, z.len()),
                };
                let removed = window.map_or(0, |(lo, hi)| z.remove_ranks(lo, hi));
                (removed, z.is_empty())
            }
            _ => return server.reply(id).error(&CommandError::WrongType),
        },
    };
    if removed > 0 {
        server.dirty += removed as u64;
        let event = match kind {
            RangeType::Score => "zremrangebyscore",
            RangeType::Lex => "zremrangebylex",
            _ => "zremrangebyrank",
        };
        server.notify(class::ZSET, event, key, db);
        delete_if_emptied(server, db, key, empty);
        signal_modified_key(server, db, key);
    }
    server.reply(id).integer(removed as i64);
}

/// `ZREMRANGEBYRANK key start stop`.
fn zremrangebyrank_command(server: &mut Server, id: ClientId, argv: &Argv) {
    zremrange_generic(server, id, argv, RangeType::Rank);
}

/// `ZREMRANGEBYSCORE key min max`.
fn zremrangebyscore_command(server: &mut Server, id: ClientId, argv: &Argv) {
    zremrange_generic(server, id, argv, RangeType::Score);
}

/// `ZREMRANGEBYLEX key min max`.
fn zremrangebylex_command(server: &mut Server, id: ClientId, argv: &Argv) {
    zremrange_generic(server, id, argv, RangeType::Lex);
}

// ---------------------------------------------------------------------------
// ZMPOP and the set operations

/// `ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]`: pops from the
/// first non-empty sorted set; replies `[key, [[member, score], ...]]`.
fn zmpop_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let numkeys = match super::resp::string_to_i64(&argv[1]) {
        Some(n) if n >= 1 => n as usize,
        _ => return server.reply(id).error(&CommandError::NumkeysNotPositive),
    };
    if numkeys > argv.len() - 3 {
        return server.reply(id).error(&CommandError::Syntax);
    }
    let where_idx = numkeys + 2;
    let max = if argv[where_idx].eq_ignore_ascii_case(b"min") {
        false
    } else if argv[where_idx].eq_ignore_ascii_case(b"max") {
        true
    } else {
        return server.reply(id).error(&CommandError::Syntax);
    };
    let mut count = None;
    let mut j = where_idx + 1;
    while j < argv.len() {
        if count.is_none() && argv[j].eq_ignore_ascii_case(b"count") && j + 1 < argv.len() {
            match super::resp::string_to_i64(&argv[j + 1]) {
                Some(n) if n >= 1 => count = Some(n as usize),
                _ => return server.reply(id).error(&CommandError::CountNotPositive),
            }
            j += 2;
        } else {
            return server.reply(id).error(&CommandError::Syntax);
        }
    }
    let count = count.unwrap_or(1);
    let db = server.client_db(id);
    for key in &argv[2..2 + numkeys] {
        let (items, empty) = match server.lookup_write(db, key) {
            None => continue,
            Some(o) => match &mut o.value {
                Value::ZSet(z) => {
                    let items = z.pop(max, count);
                    (items, z.is_empty())
                }
                _ => return server.reply(id).error(&CommandError::WrongType),
            },
        };
        members_popped(server, db, key, max, items.len(), empty);
        let reply = server.reply(id);
        reply.array_len(2);
        reply.bulk(key);
        reply.array_len(items.len());
        for (m, s) in &items {
            reply.array_len(2);
            reply.bulk(m);
            reply.double(*s);
        }
        return;
    }
    server.reply(id).null_array();
}

/// Which set operation (`SET_OP_*`).
#[derive(Clone, Copy, Debug, PartialEq)]
enum SetOp {
    Union,
    Inter,
    Diff,
}

/// How equal members' scores combine (`REDIS_AGGR_*`).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

/// `zunionInterAggregate`: a NaN sum (inf + -inf) becomes 0.
fn aggregate(target: &mut f64, value: f64, how: Aggregate) {
    match how {
        Aggregate::Sum => {
            *target += value;
            if target.is_nan() {
                *target = 0.0;
            }
        }
        Aggregate::Min => *target = target.min(value),
        Aggregate::Max => *target = target.max(value),
    }
}

/// One input of a set operation: its members with scores (a plain set's
/// members score 1), and its weight.
struct SetOpSource {
    items: Vec<(Box<[u8]>, f64)>,
    weight: f64,
}

/// What a set operation produced, before it is sent or stored.
enum SetOpResult {
    Members(Vec<(Box<[u8]>, f64)>, bool),
    Card(usize),
}

/// `zunionInterDiffGenericCommand`: `numkeys_idx` is where numkeys is,
/// `store` whether the result goes to `argv[1]`, `card` for ZINTERCARD.
fn zsetop_generic(
    server: &mut Server,
    id: ClientId,
    argv: &Argv,
    numkeys_idx: usize,
    op: SetOp,
    card: bool,
) -> Option<SetOpResult> {
    let store = numkeys_idx == 2;
    let name = argv[0].to_ascii_lowercase();
    let setnum = match super::resp::string_to_i64(&argv[numkeys_idx]) {
        Some(n) if n >= 1 => n as usize,
        Some(_) => {
            let e = CommandError::ZAtLeastOneKey(String::from_utf8_lossy(&name).into_owned());
            server.reply(id).error(&e);
            return None;
        }
        None => {
            server.reply(id).error(&CommandError::NotAnInteger);
            return None;
        }
    };
    if setnum > argv.len() - numkeys_idx - 1 {
        server.reply(id).error(&CommandError::Syntax);
        return None;
    }
    // Read the inputs: sorted sets, or plain sets scored 1.
    let db = server.client_db(id);
    let mut srcs = Vec::with_capacity(setnum);
    for key in &argv[numkeys_idx + 1..numkeys_idx + 1 + setnum] {
        // Read lookups for the *STORE forms too (`keymiss`), as in 7.0.
        let items = match server.lookup_read(db, key).map(|o| &o.value) {
            None => Vec::new(),
            Some(Value::ZSet(z)) => z.walk(0, z.len(), false),
            Some(Value::Set(s)) => s
                .members()
                .into_iter()
                .map(|m| (m.into_boxed_slice(), 1.0))
                .collect(),
            Some(_) => {
                server.reply(id).error(&CommandError::WrongType);
                return None;
            }
        };
        srcs.push(SetOpSource { items, weight: 1.0 });
    }
    // The options.
    let mut how = Aggregate::Sum;
    let mut withscores = false;
    let mut limit = 0usize;
    let mut j = numkeys_idx + 1 + setnum;
    while j < argv.len() {
        let a = &argv[j];
        let remaining = argv.len() - j;
        if op != SetOp::Diff && !card && remaining > setnum && a.eq_ignore_ascii_case(b"weights") {
            for src in srcs.iter_mut() {
                j += 1;
                match parse_f64(&argv[j]) {
                    Some(w) => src.weight = w,
                    None => {
                        server.reply(id).error(&CommandError::ZWeightNotFloat);
                        return None;
                    }
                }
            }
            j += 1;
        } else if op != SetOp::Diff
            && !card
            && remaining >= 2
            && a.eq_ignore_ascii_case(b"aggregate")
        {
            let v = &argv[j + 1];
            how = if v.eq_ignore_ascii_case(b"sum") {
                Aggregate::Sum
            } else if v.eq_ignore_ascii_case(b"min") {
                Aggregate::Min
            } else if v.eq_ignore_ascii_case(b"max") {
                Aggregate::Max
            } else {
                server.reply(id).error(&CommandError::Syntax);
                return None;
            };
            j += 2;
        } else if !store && !card && a.eq_ignore_ascii_case(b"withscores") {
            withscores = true;
            j += 1;
        } else if card && remaining >= 2 && a.eq_ignore_ascii_case(b"limit") {
            match super::resp::string_to_i64(&argv[j + 1]).and_then(|n| usize::try_from(n).ok()) {
                Some(n) => limit = n,
                None => {
                    server.reply(id).error(&CommandError::ZLimitNegative);
                    return None;
                }
            }
            j += 2;
        } else {
            server.reply(id).error(&CommandError::Syntax);
            return None;
        }
    }
    Some(compute_setop(srcs, op, how, card, limit, withscores))
}

/// The operation itself, on inputs already read.
fn compute_setop(
    mut srcs: Vec<SetOpSource>,
    op: SetOp,
    how: Aggregate,
    card: bool,
    limit: usize,
    withscores: bool,
) -> SetOpResult {
    let weighted = |score: f64, w: f64| {
        let v = score * w;
        if v.is_nan() {
            0.0
        } else {
            v
        }
    };
    let mut out: Vec<(Box<[u8]>, f64)> = Vec::new();
    match op {
        SetOp::Inter => {
            // Walk the smallest input, as Redis does (a stable sort by size).
            srcs.sort_by_key(|s| s.items.len());
            let maps: Vec<HashMap<&[u8], f64>> = srcs
                .iter()
                .map(|s| s.items.iter().map(|(m, sc)| (&**m, *sc)).collect())
                .collect();
            let Some(first) = srcs.first() else {
                return SetOpResult::Card(0);
            };
            'members: for (m, sc) in &first.items {
                let mut score = weighted(*sc, first.weight);
                for (src, map) in srcs.iter().zip(&maps).skip(1) {
                    match map.get(&**m) {
                        Some(other) => aggregate(&mut score, weighted(*other, src.weight), how),
                        None => continue 'members,
                    }
                }
                out.push((m.clone(), score));
                if card && limit != 0 && out.len() >= limit {
                    break;
                }
            }
        }
        SetOp::Union => {
            srcs.sort_by_key(|s| s.items.len());
            let mut acc: HashMap<Box<[u8]>, f64> = HashMap::new();
            for src in &srcs {
                for (m, sc) in &src.items {
                    let v = weighted(*sc, src.weight);
                    match acc.get_mut(m) {
                        Some(t) => aggregate(t, v, how),
                        None => {
                            acc.insert(m.clone(), v);
                        }
                    }
                }
            }
            out = acc.into_iter().collect();
        }
        SetOp::Diff => {
            let mut rest = srcs.drain(..);
            let first = rest.next().map(|s| s.items).unwrap_or_default();
            let others: Vec<HashMap<Box<[u8]>, f64>> =
                rest.map(|s| s.items.into_iter().collect()).collect();
            out = first
                .into_iter()
                .filter(|(m, _)| !others.iter().any(|o| o.contains_key(m)))
                .collect();
        }
    }
    if card {
        return SetOpResult::Card(out.len());
    }
    out.sort_by(|a, b| cmp_entry(a.1, &a.0, b.1, &b.0));
    SetOpResult::Members(out, withscores)
}

/// Runs a set operation and sends or stores its result.
fn zsetop_command(
    server: &mut Server,
    id: ClientId,
    argv: &Argv,
    op: SetOp,
    store: bool,
    card: bool,
) {
    let numkeys_idx = if store { 2 } else { 1 };
    match zsetop_generic(server, id, argv, numkeys_idx, op, card) {
        None => {}
        Some(SetOpResult::Card(n)) => server.reply(id).integer(n as i64),
        Some(SetOpResult::Members(items, withscores)) if !store => {
            reply_members(server, id, &items, withscores, true)
        }
        Some(SetOpResult::Members(items, _)) => {
            let db = server.client_db(id);
            let event = match op {
                SetOp::Union => "zunionstore",
                SetOp::Inter => "zinterstore",
                SetOp::Diff => "zdiffstore",
            };
            store_zset(server, id, db, &argv[1], &items, event);
        }
    }
}

/// `ZUNION numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]`.
fn zunion_command(server: &mut Server, id: ClientId, argv: &Argv) {
    zsetop_command(server, id, argv, SetOp::Union, false, false);
}

/// `ZINTER numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]`.
fn zinter_command(server: &mut Server, id: ClientId, argv: &Argv) {
    zsetop_command(server, id, argv, SetOp::Inter, false, false);
}

/// `ZDIFF numkeys key [key ...] [WITHSCORES]`.
fn zdiff_command(server: &mut Server, id: ClientId, argv: &Argv) {
    zsetop_command(server, id, argv, SetOp::Diff, false, false);
}

/// `ZINTERCARD numkeys key [key ...] [LIMIT limit]`.
fn zintercard_command(server: &mut Server, id: ClientId, argv: &Argv) {
    zsetop_command(server, id, argv, SetOp::Inter, false, true);
}

/// `ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS ...] [AGGREGATE ...]`.
fn zunionstore_command(server: &mut Server, id: ClientId, argv: &Argv) {
    zsetop_command(server, id, argv, SetOp::Union, true, false);
}

/// `ZINTERSTORE destination numkeys key [key ...] [WEIGHTS ...] [AGGREGATE ...]`.
fn zinterstore_command(server: &mut Server, id: ClientId, argv: &Argv) {
    zsetop_command(server, id, argv, SetOp::Inter, true, false);
}

/// `ZDIFFSTORE destination numkeys key [key ...]`.
fn zdiffstore_command(server: &mut Server, id: ClientId, argv: &Argv) {
    zsetop_command(server, id, argv, SetOp::Diff, true, false);
}

/// `ZRANDMEMBER key [count [WITHSCORES]]` (`zrandmemberWithCountCommand`):
/// a positive count gives distinct members (the whole set when it is no
/// larger), a negative one allows repeats.
fn zrandmember_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    if argv.len() == 2 {
        let pick = match read_zset(server, db, &argv[1]) {
            Ok(Some(z)) => {
                let mut rng = Rng::from_entropy();
                z.at_rank(rng.below(z.len())).map(|(m, _)| m.to_vec())
            }
            Ok(None) => None,
            Err(e) => return server.reply(id).error(&e),
        };
        return match pick {
            Some(m) => server.reply(id).bulk(&m),
            None => server.reply(id).null(),
        };
    }
    // Options first, then the count, then the key.
    let withscores = match argv.get(3) {
        None => false,
        Some(a) if argv.len() == 4 && a.eq_ignore_ascii_case(b"withscores") => true,
        Some(_) => return server.reply(id).error(&CommandError::Syntax),
    };
    let count = match super::resp::string_to_i64(&argv[2]) {
        None => return server.reply(id).error(&CommandError::NotAnInteger),
        Some(i64::MIN) => {
            let e = CommandError::ValueOutOfRangeBetween(-i64::MAX, i64::MAX);
            return server.reply(id).error(&e);
        }
        Some(n) if withscores && !(-i64::MAX / 2..=i64::MAX / 2).contains(&n) => {
            return server.reply(id).error(&CommandError::ValueOutOfRange)
        }
        Some(n) => n,
    };
    let items = match read_zset(server, db, &argv[1]) {
        Ok(Some(z)) => random_members(z, count),
        Ok(None) => Vec::new(),
        Err(e) => return server.reply(id).error(&e),
    };
    reply_members(server, id, &items, withscores, true);
}

/// The members ZRANDMEMBER with `count` picks from a non-empty set.
fn random_members(z: &ZSet, count: i64) -> Vec<(Box<[u8]>, f64)> {
    let len = z.len();
    let mut rng = Rng::from_entropy();
    let pick = |r: usize| z.at_rank(r).map(|(m, s)| (Box::<[u8]>::from(m), s));
    if count < 0 {
        // Repeats allowed: independent picks.
        let n = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
        return (0..n).filter_map(|_| pick(rng.below(len))).collect();
    }
    let n = usize::try_from(count).unwrap_or(usize::MAX);
    if n >= len {
        return z.walk(0, len, false);
    }
    // Distinct: a partial Fisher-Yates shuffle of the ranks.
    let mut ranks: Vec<usize> = (0..len).collect();
    for i in 0..n {
        let j = i + rng.below(len - i);
        ranks.swap(i, j);
    }
    ranks[..n].iter().filter_map(|&r| pick(r)).collect()
}

/// `ZSCAN key cursor [MATCH pattern] [COUNT count]`: the cursor is
/// checked first; a missing key answers an empty scan before the options
/// are read, as `zscanCommand` does.
fn zscan_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let Some(cursor) = super::db::parse_scan_cursor(&argv[2]) else {
        return server.reply(id).error(&CommandError::InvalidCursor);
    };
    let db = server.client_db(id);
    match read_zset(server, db, &argv[1]) {
        Err(e) => return server.reply(id).error(&e),
        Ok(None) => {
            let r = server.reply(id);
            r.array_len(2);
            r.bulk(b"0");
            r.array_len(0);
            return;
        }
        Ok(Some(_)) => {}
    }
    let (count, pattern) = match super::db::parse_scan_options(&argv[3..], false) {
        Ok(opts) => (
            usize::try_from(opts.count).unwrap_or(usize::MAX),
            opts.pattern,
        ),
        Err(e) => return server.reply(id).error(&e),
    };
    let (next, mut items) = match read_zset(server, db, &argv[1]) {
        Ok(Some(z)) => z.scan(cursor, count),
        _ => (0, Vec::new()),
    };
    if let Some(p) = pattern {
        items.retain(|(m, _)| super::util::glob_match(p, m, false));
    }
    let r = server.reply(id);
    r.array_len(2);
    r.bulk(next.to_string().as_bytes());
    r.array_len(items.len() * 2);
    for (m, s) in &items {
        r.bulk(m);
        r.bulk(super::reply::format_double(*s).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        max_entries: 128,
        max_value: 64,
    };

    /// Random inserts, updates and deletes keep the skip list equal to a
    /// sorted model, ranks included.
    #[test]
    fn skiplist_matches_sorted_model() {
        let mut rng = Rng::new(7);
        let mut z = ZSet::with_hint(1000, 0, LIMITS);
        assert_eq!(z.encoding(), "skiplist");
        let mut model: Vec<(Vec<u8>, f64)> = Vec::new();
        for _ in 0..5000 {
            let m = format!("m{}", rng.below(400)).into_bytes();
            let s = rng.below(50) as f64;
            match (rng.below(3), z.score(&m)) {
                (0, Some(_)) => {
                    assert!(z.remove(&m));
                    model.retain(|(x, _)| *x != m);
                }
                (_, Some(old)) => {
                    z.update_score(&m, old, s);
                    for e in model.iter_mut().filter(|(x, _)| *x == m) {
                        e.1 = s;
                    }
                }
                (_, None) => {
                    z.insert_new(&m, s, LIMITS);
                    model.push((m, s));
                }
            }
        }
        model.sort_by(|a, b| cmp_entry(a.1, &a.0, b.1, &b.0));
        assert_eq!(z.len(), model.len());
        for (i, (m, s)) in model.iter().enumerate() {
            assert_eq!(z.rank(m, false), Some(i));
            assert_eq!(z.rank(m, true), Some(model.len() - 1 - i));
            assert_eq!(z.at_rank(i), Some((m.as_slice(), *s)));
        }
        let r = ScoreRange::parse(b"(10", b"20").expect("valid range");
        let want = model
            .iter()
            .filter(|(_, s)| *s > 10.0 && *s <= 20.0)
            .count();
        assert_eq!(z.count_in(&r), want);
    }

    /// Checks every level's links and spans against level 0, the
    /// backward links, the tail and the member index.
    fn check_links(sl: &SkipList) {
        let mut order = Vec::new();
        let mut x = sl.lvl(0, 0).forward;
        while x != NIL {
            order.push(x);
            x = sl.lvl(x, 0).forward;
        }
        assert_eq!(order.len(), sl.len);
        assert_eq!(sl.tail, order.last().copied().unwrap_or(NIL));
        let rank_of = |x: u32| order.iter().position(|&y| y == x).map_or(0, |p| p + 1);
        for (k, &x) in order.iter().enumerate() {
            let back = if k == 0 { NIL } else { order[k - 1] };
            assert_eq!(sl.node(x).backward, back);
            assert_eq!(sl.find(&sl.node(x).member), Some(x));
        }
        for i in 0..sl.level {
            let mut x = 0u32;
            loop {
                let l = sl.lvl(x, i);
                let to = if l.forward == NIL {
                    sl.len
                } else {
                    rank_of(l.forward)
                };
                if l.forward != NIL || l.span != 0 {
                    assert_eq!(l.span as usize, to - rank_of(x), "level {i}");
                }
                if l.forward == NIL {
                    break;
                }
                x = l.forward;
            }
        }
    }

    /// Updates in place and by relinking, with tall nodes, keep every
    /// link, span and the index right; SCAN sees every member.
    #[test]
    fn skiplist_links_stay_consistent() {
        let mut rng = Rng::new(11);
        let mut z = ZSet::with_hint(1000, 0, LIMITS);
        for i in 0..3000u64 {
            let m = format!("m{}", rng.below(2000)).into_bytes();
            let s = rng.below(1000) as f64 / 7.0;
            match (rng.below(4), z.score(&m)) {
                (0, Some(_)) => assert!(z.remove(&m)),
                (1, Some(old)) => z.update_score(&m, old, old + 1e-9),
                (_, Some(old)) => z.update_score(&m, old, s),
                (_, None) => z.insert_new(&m, s, LIMITS),
            }
            if i % 500 == 0 {
                if let Repr::Skiplist(sl) = &z.repr {
                    check_links(sl);
                }
            }
        }
        if let Repr::Skiplist(sl) = &z.repr {
            check_links(sl);
        }
        let mut seen = 0;
        let mut cursor = 0;
        loop {
            let (next, items) = z.scan(cursor, 10);
            seen += items.len();
            if next == 0 {
                break;
            }
            cursor = next;
        }
        assert_eq!(seen, z.len());
    }

    #[test]
    fn pops_match_a_sorted_model() {
        for hint in [10, 1000] {
            let mut rng = Rng::new(5);
            let mut z = ZSet::with_hint(hint, 0, LIMITS);
            let mut model: Vec<(Vec<u8>, f64)> = Vec::new();
            for i in 0..2000u64 {
                let m = format!("m{}", rng.below(3000)).into_bytes();
                if z.score(&m).is_none() && model.len() < 100 + (i as usize % 50) {
                    let s = rng.below(50) as f64;
                    z.insert_new(&m, s, LIMITS);
                    model.push((m, s));
                    model.sort_by(|a, b| cmp_entry(a.1, &a.0, b.1, &b.0));
                }
                if rng.below(3) == 0 {
                    let max = rng.below(2) == 0;
                    let count = rng.below(4);
                    let got = z.pop(max, count);
                    let n = count.min(model.len());
                    let want: Vec<(Vec<u8>, f64)> = if max {
                        model.drain(model.len() - n..).rev().collect()
                    } else {
                        model.drain(..n).collect()
                    };
                    let got: Vec<(Vec<u8>, f64)> =
                        got.into_iter().map(|(m, s)| (m.into_vec(), s)).collect();
                    assert_eq!(got, want);
                }
                assert_eq!(z.len(), model.len());
            }
            for (m, s) in &model {
                assert_eq!(z.score(m), Some(*s));
            }
            if let Repr::Skiplist(sl) = &z.repr {
                check_links(sl);
            }
        }
    }

    /// The same random operations on a listpack and a skip list leave
    /// them answering every query alike.
    #[test]
    fn listpack_and_skiplist_agree() {
        let roomy = Limits {
            max_entries: 100_000,
            max_value: 64,
        };
        let mut rng = Rng::new(3);
        let mut lp = ZSet::with_hint(0, 0, roomy);
        let mut sl = ZSet::with_hint(1000, 0, LIMITS);
        assert_eq!((lp.encoding(), sl.encoding()), ("listpack", "skiplist"));
        for step in 0..4000 {
            let m = format!("m{}", rng.below(200)).into_bytes();
            let s = rng.below(40) as f64 - 20.0;
            match (rng.below(8), lp.score(&m)) {
                (0, _) => {
                    let (max, count) = (rng.below(2) == 0, rng.below(3));
                    assert_eq!(lp.pop(max, count), sl.pop(max, count), "step {step}");
                }
                (1, _) => {
                    let lo = rng.below(lp.len() + 1);
                    let hi = lo + rng.below(3);
                    assert_eq!(lp.remove_ranks(lo, hi), sl.remove_ranks(lo, hi));
                }
                (2, Some(_)) => assert!(lp.remove(&m) && sl.remove(&m)),
                (_, Some(old)) => {
                    lp.update_score(&m, old, s);
                    sl.update_score(&m, old, s);
                }
                (_, None) => {
                    lp.insert_new(&m, s, roomy);
                    sl.insert_new(&m, s, LIMITS);
                }
            }
            assert_eq!(lp.len(), sl.len(), "step {step}");
            assert_eq!(lp.score(&m), sl.score(&m));
            assert_eq!(lp.rank(&m, true), sl.rank(&m, true));
            let rank = rng.below(lp.len() + 2);
            let count = rng.below(5);
            assert_eq!(lp.at_rank(rank), sl.at_rank(rank));
            for rev in [false, true] {
                assert_eq!(lp.walk(rank, count, rev), sl.walk(rank, count, rev));
            }
            let r = ScoreRange::parse(b"(-5", b"7").expect("valid range");
            assert_eq!(lp.bounds(&Range::Score(r)), sl.bounds(&Range::Score(r)));
        }
        assert_eq!(lp.encoding(), "listpack");
        for rev in [false, true] {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            lp.for_each(rev, |m, s| a.push((m.to_vec(), s)));
            sl.for_each(rev, |m, s| b.push((m.to_vec(), s)));
            assert_eq!(a, b);
        }
        let (mut da, mut db) = ([0u8; 20], [0u8; 20]);
        lp.digest(&mut da);
        sl.digest(&mut db);
        assert_eq!(da, db);
        let mut scanned = lp.scan(0, 10).1;
        scanned.sort_by(|a, b| cmp_entry(a.1, &a.0, b.1, &b.0));
        assert_eq!(scanned, lp.walk(0, usize::MAX, false));
        lp.convert_to_skiplist();
        assert_eq!(lp.walk(0, usize::MAX, false), sl.walk(0, usize::MAX, false));
    }

    /// Integral scores are packed as varints and every other one as 8
    /// bytes; both read back exactly, and the order holds across them.
    #[test]
    fn listpack_scores_round_trip() {
        let scores = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            63.0,
            -64.0,
            64.0,
            1.5,
            -2.25,
            1e15,
            LP_INT_SCORE_MAX,
            -LP_INT_SCORE_MAX,
            LP_INT_SCORE_MAX * 2.0,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut z = ZSet::with_hint(0, 0, LIMITS);
        for (i, &s) in scores.iter().enumerate() {
            z.insert_new(format!("m{i}").as_bytes(), s, LIMITS);
        }
        assert_eq!(z.encoding(), "listpack");
        for (i, &s) in scores.iter().enumerate() {
            let got = z.score(format!("m{i}").as_bytes());
            assert_eq!(got, Some(s), "score {s}");
        }
        let mut walked = Vec::new();
        z.for_each(false, |_, s| walked.push(s));
        let mut sorted = scores.to_vec();
        sorted.sort_by(|a, b| a.partial_cmp(b).unwrap_or(Ordering::Equal));
        assert_eq!(walked, sorted);
        let Repr::Listpack(lp) = &z.repr else {
            unreachable!("checked above")
        };
        // "m0" with score 0: one head byte, two member bytes, one score
        // byte; "m7" with 1.5: eight score bytes.
        let size = |m: &[u8]| lp.find(m).map(|(_, e)| e.end - e.start);
        assert_eq!((size(b"m0"), size(b"m7")), (Some(4), Some(11)));
    }

    #[test]
    fn listpack_converts_at_the_limits() {
        let mut z = ZSet::with_hint(1, 1, LIMITS);
        for i in 0..128 {
            z.insert_new(format!("{i}").as_bytes(), 1.0, LIMITS);
        }
        assert_eq!(z.encoding(), "listpack");
        z.insert_new(b"x", 0.5, LIMITS);
        assert_eq!(z.encoding(), "skiplist");
        assert_eq!(z.rank(b"x", false), Some(0));
        let mut z = ZSet::with_hint(1, 1, LIMITS);
        z.insert_new(&[b'a'; 65], 1.0, LIMITS);
        assert_eq!(z.encoding(), "skiplist");
    }

    #[test]
    fn float_parsing() {
        assert_eq!(parse_f64(b"inf"), Some(f64::INFINITY));
        assert_eq!(parse_f64(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_f64(b"+inf"), Some(f64::INFINITY));
        assert_eq!(parse_f64(b"nan"), None);
        assert_eq!(parse_f64(b" 1"), None);
        assert_eq!(parse_f64(b""), None);
        let r = ScoreRange::parse(b"(", b" 1").expect("strtod reads these");
        assert_eq!((r.min, r.minex, r.max, r.maxex), (0.0, true, 1.0, false));
        assert!(ScoreRange::parse(b"1 ", b"1").is_err());
    }
}
