//! The list type and its non-blocking commands.
//!
//! Mirrors: `t_list.c` (`pushGenericCommand`, `popGenericCommand`,
//! `lrangeCommand`, `ltrimCommand`, `lremCommand`, `linsertCommand`,
//! `lposCommand`, `lmoveGenericCommand`, `lmpopGenericCommand`) and
//! `quicklist.c` (the node layout, `_quicklistNodeAllowInsert`,
//! `quicklistSetFill`).
//!
//! A list is a deque of nodes, each a packed byte buffer holding up to
//! `list-max-listpack-size` entries, as Redis 7.0's quicklist of listpacks:
//!
//! ```text
//!  List { nodes: VecDeque<Node>, len }
//!    [Node]  <->  [Node]  <->  [Node]        (VecDeque: O(1) at both ends)
//!      |
//!      buf: | len | bytes ... | backlen | len | bytes ... | backlen | ...
//!             varint           varint, stored reversed so that it
//!                              reads from the end backwards
//! ```
//!
//! Each entry costs its bytes plus a forward length and a backward length
//! (one byte each below 128 bytes), so a 16-byte element takes 18 bytes,
//! as in a listpack, and there is no heap allocation per element. The
//! forward length lets iteration walk a node from the head; the backward
//! length lets pops and reverse scans walk it from the tail. A negative
//! fill limits a node's size in bytes (-1 = 4 KiB ... -5 = 64 KiB, counting
//! a listpack's 7 header bytes so nodes split where Redis's do), a positive
//! fill limits its entry count (with Redis's 8 KiB safety limit).
//!
//! Rejected: one `Vec<u8>` per element in a `VecDeque` (a heap block and a
//! 24-byte header per element, about twice Redis's memory), and a single
//! flat buffer (O(N) pushes at the head).
//!
//! Elements of at least `packed_threshold` bytes (DEBUG
//! QUICKLIST-PACKED-THRESHOLD, 1 GiB by default) get plain nodes of their
//! own, never shared (see `Node`).
//!
//! Change counting (`server.dirty`): one per element pushed, popped,
//! trimmed away or removed; one per LSET, LINSERT and LMOVE (a move is one
//! change, not two); nothing for a missing key or a pivot not found.
//!
//! Deviations from Redis: OBJECT ENCODING always says `quicklist`, as
//! 7.0 does; nodes are never compressed (`list-compress-depth` is
//! ignored) and are not merged after deletions in the middle; LSET
//! replaces an entry in place even when its node grows past the fill
//! limit. The blocking commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP)
//! live in `blocked.rs`; pushes here signal the keys they fill.

use std::collections::VecDeque;
use std::io::Write;

use super::commands::{
    acl, arg, cmd, Arg, ArgType, BeginSearch, CommandSpec, FindKeys, KeySpec, BASE,
};
use super::errors::CommandError;
use super::multi::signal_modified_key;
use super::notify::class;
use super::object::Value;
use super::resp::{string_to_i64, Argv};
use super::{ClientId, Server};

/// The byte size limits of negative fills -1 ... -5 (quicklist.c
/// `optimization_level`).
const OPTIMIZATION_LEVEL: [usize; 5] = [4096, 8192, 16384, 32768, 65536];
/// A node with a count fill never grows past this (`SIZE_SAFETY_LIMIT`).
const SIZE_SAFETY_LIMIT: usize = 8192;
/// The largest count fill (`FILL_MAX`).
const FILL_MAX: i64 = (1 << 15) - 1;
/// A listpack's header and end byte, counted so nodes fill as Redis's do.
const LP_OVERHEAD: usize = 7;

/// Which end of a list (`LIST_HEAD` / `LIST_TAIL`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    Head,
    Tail,
}

/// Bytes of the varint encoding of `n`.
fn varint_len(n: usize) -> usize {
    let mut len = 1;
    let mut n = n >> 7;
    while n != 0 {
        len += 1;
        n >>= 7;
    }
    len
}

/// Bytes one entry of `len` data bytes takes in a node.
fn entry_size(len: usize) -> usize {
    2 * varint_len(len) + len
}

/// Appends the encoded entry to `out`.
fn encode_entry(out: &mut Vec<u8>, data: &[u8]) {
    let mut fwd = [0u8; 10];
    let mut n = data.len();
    let mut k = 0;
    loop {
        let low = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            fwd[k] = low;
            k += 1;
            break;
        }
        fwd[k] = low | 0x80;
        k += 1;
    }
    out.extend_from_slice(&fwd[..k]);
    out.extend_from_slice(data);
    out.extend(fwd[..k].iter().rev());
}

/// The entry starting at `off`: (data start, data length, next offset).
fn entry_at(buf: &[u8], off: usize) -> (usize, usize, usize) {
    let mut len = 0usize;
    let mut shift = 0;
    let mut p = off;
    loop {
        let b = buf[p];
        p += 1;
        len |= ((b & 0x7f) as usize) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            break;
        }
    }
    let next = p + len + (p - off);
    (p, len, next)
}

/// The entry ending at `end`: (entry start, data start, data length).
fn entry_before(buf: &[u8], end: usize) -> (usize, usize, usize) {
    let mut len = 0usize;
    let mut shift = 0;
    let mut p = end;
    loop {
        p -= 1;
        let b = buf[p];
        len |= ((b & 0x7f) as usize) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            break;
        }
    }
    let vl = end - p;
    let data = p - len;
    (data - vl, data, len)
}

/// One quicklist node: packed entries and their count.
///
/// A plain node (`QUICKLIST_NODE_CONTAINER_PLAIN`) holds one element at
/// least `packed_threshold` bytes long; nothing is ever added to it, so a
/// huge element is never copied again when its neighbours change. It uses
/// the same entry encoding as a packed node, so every walk over the list
/// reads both kinds alike.
#[derive(Clone, Debug, PartialEq, Default)]
struct Node {
    buf: Vec<u8>,
    count: u32,
    plain: bool,
}

impl Node {
    /// Byte offsets of entry `k` and of the entry after it.
    fn offset_of(&self, k: usize) -> (usize, usize) {
        let mut off = 0;
        for _ in 0..k {
            off = entry_at(&self.buf, off).2;
        }
        let next = if off < self.buf.len() {
            entry_at(&self.buf, off).2
        } else {
            off
        };
        (off, next)
    }

    /// Whether `extra` more bytes fit under `fill`
    /// (`_quicklistNodeAllowInsert`).
    fn allows(&self, extra: usize, fill: i64) -> bool {
        if self.plain {
            return false;
        }
        let new_sz = self.buf.len() + extra + LP_OVERHEAD;
        if fill < 0 {
            let level = usize::try_from(-fill - 1).unwrap_or(usize::MAX);
            OPTIMIZATION_LEVEL.get(level).is_some_and(|&l| new_sz <= l)
        } else {
            new_sz <= SIZE_SAFETY_LIMIT && i64::from(self.count) < fill
        }
    }

    /// Makes room for `extra` more bytes, growing by a quarter at a time
    /// and never past the node's byte limit, so that a node wastes about
    /// what a jemalloc size class would (a doubling `Vec` wastes up to
    /// half).
    fn reserve(&mut self, extra: usize, fill: i64) {
        let len = self.buf.len();
        if self.buf.capacity() - len >= extra {
            return;
        }
        let mut add = extra.max(len / 4);
        if fill < 0 {
            let level = usize::try_from(-fill - 1).unwrap_or(usize::MAX);
            if let Some(&limit) = OPTIMIZATION_LEVEL.get(level) {
                add = add.min(limit.saturating_sub(LP_OVERHEAD + len)).max(extra);
            }
        }
        self.buf.reserve_exact(add);
    }

    /// A node holding only `data`, plain when `plain`.
    fn single(data: &[u8], plain: bool) -> Node {
        let mut buf = Vec::with_capacity(entry_size(data.len()));
        encode_entry(&mut buf, data);
        Node {
            buf,
            count: 1,
            plain,
        }
    }

    /// The size Redis reports for the node (`node->sz`): a listpack's
    /// bytes for a packed node, the element's for a plain one.
    fn reported_size(&self) -> usize {
        if self.plain {
            entry_at(&self.buf, 0).1
        } else {
            self.buf.len() + LP_OVERHEAD
        }
    }
}

/// A list value (`OBJ_LIST` with `OBJ_ENCODING_QUICKLIST`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct List {
    nodes: VecDeque<Node>,
    len: usize,
}

/// The default size from which an element gets a plain node of its own
/// (`packed_threshold`: 1 GiB).
pub const DEFAULT_PACKED_THRESHOLD: usize = 1 << 30;
/// The largest threshold DEBUG QUICKLIST-PACKED-THRESHOLD accepts: 4 GiB
/// less 1 MiB, so a packed node never nears a listpack's 32-bit sizes.
pub const MAX_PACKED_THRESHOLD: u64 = (1 << 32) - (1 << 20);

/// How pushes and inserts lay out nodes: the fill
/// (`list-max-listpack-size`) and the element size from which an element
/// goes into a plain node of its own (`packed_threshold`, which only
/// DEBUG QUICKLIST-PACKED-THRESHOLD changes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    pub fill: i64,
    pub packed_threshold: usize,
}

impl Shape {
    /// The shape configured on `server`.
    pub fn of(server: &Server) -> Shape {
        Shape {
            fill: clamp_fill(server.config.list_max_listpack_size),
            packed_threshold: server.debug.packed_threshold,
        }
    }

    /// A shape with `fill` and the default threshold.
    #[cfg(test)]
    pub fn with_fill(fill: i64) -> Shape {
        Shape {
            fill: clamp_fill(fill),
            packed_threshold: DEFAULT_PACKED_THRESHOLD,
        }
    }

    /// Whether an element of `len` bytes gets a plain node
    /// (`isLargeElement`).
    fn is_large(self, len: usize) -> bool {
        len >= self.packed_threshold
    }
}

/// The fill in force, clamped as `quicklistSetFill` does.
fn clamp_fill(fill: i64) -> i64 {
    fill.clamp(-5, FILL_MAX)
}

impl List {
    /// An empty list (`createQuicklistObject`).
    pub fn new() -> List {
        List::default()
    }

    /// OBJECT ENCODING's name for the value: Redis 7.0 keeps every list
    /// in a quicklist.
    pub fn encoding(&self) -> &'static str {
        "quicklist"
    }

    /// The number of elements (`listTypeLength`).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the list has no elements.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds `data` at one end (`quicklistPush`).
    pub fn push(&mut self, data: &[u8], end: End, shape: Shape) {
        let fill = shape.fill;
        let size = entry_size(data.len());
        self.len += 1;
        // Most lists are one node: room for exactly one at first, where a
        // VecDeque's first growth makes room for four (96 bytes unused).
        if self.nodes.capacity() == 0 {
            self.nodes.reserve_exact(1);
        }
        if shape.is_large(data.len()) {
            // `_quicklistInsertPlainNode` at an end.
            match end {
                End::Head => self.nodes.push_front(Node::single(data, true)),
                End::Tail => self.nodes.push_back(Node::single(data, true)),
            }
            return;
        }
        match end {
            End::Head => {
                if let Some(n) = self.nodes.front_mut().filter(|n| n.allows(size, fill)) {
                    let mut e = Vec::with_capacity(size);
                    encode_entry(&mut e, data);
                    n.reserve(size, fill);
                    n.buf.splice(0..0, e);
                    n.count += 1;
                    return;
                }
                if let Some(n) = self.nodes.front_mut() {
                    n.buf.shrink_to_fit();
                }
                self.nodes.push_front(Node::single(data, false));
            }
            End::Tail => {
                if let Some(n) = self.nodes.back_mut().filter(|n| n.allows(size, fill)) {
                    n.reserve(size, fill);
                    encode_entry(&mut n.buf, data);
                    n.count += 1;
                    return;
                }
                // The old tail is full: give back its spare capacity.
                if let Some(n) = self.nodes.back_mut() {
                    n.buf.shrink_to_fit();
                }
                self.nodes.push_back(Node::single(data, false));
            }
        }
    }

    /// Makes room in the tail node for more elements of the given
    /// lengths, at most up to the node's byte limit: a loader that knows a
    /// whole node's elements grows the buffer once instead of once per
    /// element. A node that fills up before using it all gives the rest
    /// back (see `push`).
    pub fn reserve_tail(&mut self, lens: impl IntoIterator<Item = usize>, shape: Shape) {
        let Some(n) = self.nodes.back_mut().filter(|n| !n.plain) else {
            return;
        };
        let limit = match usize::try_from(-shape.fill - 1) {
            Ok(level) => OPTIMIZATION_LEVEL
                .get(level)
                .copied()
                .unwrap_or(SIZE_SAFETY_LIMIT),
            Err(_) => SIZE_SAFETY_LIMIT,
        };
        let need: usize = lens.into_iter().map(entry_size).sum();
        let room = limit.saturating_sub(LP_OVERHEAD + n.buf.len());
        n.buf.reserve_exact(need.min(room));
    }

    /// Removes and returns the element at one end (`quicklistPop`).
    pub fn pop(&mut self, end: End) -> Option<Vec<u8>> {
        let (node, out) = match end {
            End::Head => {
                let n = self.nodes.front_mut()?;
                let (d, l, next) = entry_at(&n.buf, 0);
                let out = n.buf[d..d + l].to_vec();
                n.buf.drain(..next);
                (n, out)
            }
            End::Tail => {
                let n = self.nodes.back_mut()?;
                let (start, d, l) = entry_before(&n.buf, n.buf.len());
                let out = n.buf[d..d + l].to_vec();
                n.buf.truncate(start);
                (n, out)
            }
        };
        node.count -= 1;
        if node.count == 0 {
            match end {
                End::Head => self.nodes.pop_front(),
                End::Tail => self.nodes.pop_back(),
            };
        }
        self.len -= 1;
        Some(out)
    }

    /// The node holding element `index` (< len) and its position in that
    /// node, walking from the nearer end.
    fn locate(&self, index: usize) -> (usize, usize) {
        if index < self.len / 2 {
            let mut left = index;
            for (i, n) in self.nodes.iter().enumerate() {
                let c = n.count as usize;
                if left < c {
                    return (i, left);
                }
                left -= c;
            }
        } else {
            let mut right = self.len - 1 - index;
            for (i, n) in self.nodes.iter().enumerate().rev() {
                let c = n.count as usize;
                if right < c {
                    return (i, c - 1 - right);
                }
                right -= c;
            }
        }
        (self.nodes.len().saturating_sub(1), 0)
    }

    /// Normalises a Redis index (negative counts from the tail).
    fn index(&self, index: i64) -> Option<usize> {
        let len = self.len as i64;
        let i = if index < 0 { index + len } else { index };
        (0..len).contains(&i).then_some(i as usize)
    }

    /// The element at a Redis index (`quicklistGetIteratorAtIdx`).
    pub fn get(&self, index: i64) -> Option<&[u8]> {
        let i = self.index(index)?;
        let (ni, k) = self.locate(i);
        let n = &self.nodes[ni];
        let (off, _) = n.offset_of(k);
        let (d, l, _) = entry_at(&n.buf, off);
        Some(&n.buf[d..d + l])
    }

    /// Replaces the element at a Redis index; false when out of range
    /// (`quicklistReplaceEntry`). A large element never goes into a
    /// packed node: the node is split around the old entry and the
    /// element gets a plain node between the halves.
    pub fn set(&mut self, index: i64, data: &[u8], shape: Shape) -> bool {
        let Some(i) = self.index(index) else {
            return false;
        };
        let (ni, k) = self.locate(i);
        let large = shape.is_large(data.len());
        let n = &mut self.nodes[ni];
        if n.plain {
            // The node holds only the old element. A small element takes
            // its place as an insert after it does: at the head of the
            // next node when that has room, else in a packed node.
            let size = entry_size(data.len());
            let next_fits = !large
                && self
                    .nodes
                    .get(ni + 1)
                    .is_some_and(|next| next.allows(size, shape.fill));
            if next_fits {
                self.nodes.remove(ni);
                let next = &mut self.nodes[ni];
                let mut e = Vec::with_capacity(size);
                encode_entry(&mut e, data);
                next.reserve(size, shape.fill);
                next.buf.splice(0..0, e);
                next.count += 1;
            } else {
                self.nodes[ni] = Node::single(data, large);
            }
            return true;
        }
        let (off, next) = n.offset_of(k);
        if !large {
            let mut e = Vec::with_capacity(entry_size(data.len()));
            encode_entry(&mut e, data);
            n.buf.splice(off..next, e);
            return true;
        }
        let right = Node {
            buf: n.buf.split_off(next),
            count: n.count - k as u32 - 1,
            plain: false,
        };
        n.buf.truncate(off);
        n.buf.shrink_to_fit();
        n.count = k as u32;
        let mut at = ni + 1;
        if n.count == 0 {
            self.nodes.remove(ni);
            at = ni;
        }
        if right.count > 0 {
            self.nodes.insert(at, right);
        }
        self.nodes.insert(at, Node::single(data, true));
        true
    }

    /// Inserts `data` so that it becomes element `index` (<= len)
    /// (`_quicklistInsert`): into the node in place when it fits, else
    /// into a neighbour at a node boundary, else by splitting the node. A
    /// large element gets a plain node of its own, splitting the node it
    /// lands in.
    pub fn insert(&mut self, index: usize, data: &[u8], shape: Shape) {
        if index == 0 {
            return self.push(data, End::Head, shape);
        }
        if index >= self.len {
            return self.push(data, End::Tail, shape);
        }
        let fill = shape.fill;
        let large = shape.is_large(data.len());
        let size = entry_size(data.len());
        let (ni, k) = self.locate(index);
        self.len += 1;
        if !large && self.nodes[ni].allows(size, fill) {
            let n = &mut self.nodes[ni];
            let (off, _) = n.offset_of(k);
            let mut e = Vec::with_capacity(size);
            encode_entry(&mut e, data);
            n.buf.splice(off..off, e);
            n.count += 1;
            return;
        }
        // Element `index` opens node ni: the previous node may take it,
        // or it gets a node of its own between the two.
        if k == 0 {
            if !large && ni > 0 && self.nodes[ni - 1].allows(size, fill) {
                let p = &mut self.nodes[ni - 1];
                p.reserve(size, fill);
                encode_entry(&mut p.buf, data);
                p.count += 1;
            } else {
                self.nodes.insert(ni, Node::single(data, large));
            }
            return;
        }
        // Split node ni (packed: a plain node has one entry, so k == 0
        // above) before entry k; the new element goes between.
        let n = &mut self.nodes[ni];
        let (off, _) = n.offset_of(k);
        let right = Node {
            buf: n.buf.split_off(off),
            count: n.count - k as u32,
            plain: false,
        };
        n.count = k as u32;
        n.buf.shrink_to_fit();
        if !large && n.allows(size, fill) {
            n.reserve(size, fill);
            encode_entry(&mut n.buf, data);
            n.count += 1;
            self.nodes.insert(ni + 1, right);
        } else {
            self.nodes.insert(ni + 1, right);
            self.nodes.insert(ni + 1, Node::single(data, large));
        }
    }

    /// Removes `n` elements from one end (`quicklistDelRange` at an end).
    pub fn trim(&mut self, mut n: usize, end: End) {
        n = n.min(self.len);
        self.len -= n;
        while n > 0 {
            let node = match end {
                End::Head => self.nodes.front_mut(),
                End::Tail => self.nodes.back_mut(),
            };
            let Some(node) = node else { break };
            let c = node.count as usize;
            if c <= n {
                n -= c;
                match end {
                    End::Head => self.nodes.pop_front(),
                    End::Tail => self.nodes.pop_back(),
                };
                continue;
            }
            match end {
                End::Head => {
                    let (off, _) = node.offset_of(n);
                    node.buf.drain(..off);
                }
                End::Tail => {
                    let (off, _) = node.offset_of(c - n);
                    node.buf.truncate(off);
                }
            }
            node.count -= n as u32;
            n = 0;
        }
    }

    /// Removes up to `limit` elements equal to `data` (0: all), scanning
    /// from `from`; returns how many went (`lremCommand`).
    pub fn remove(&mut self, data: &[u8], limit: usize, from: End) -> usize {
        let mut removed = 0;
        let order: Vec<usize> = match from {
            End::Head => (0..self.nodes.len()).collect(),
            End::Tail => (0..self.nodes.len()).rev().collect(),
        };
        for ni in order {
            if limit != 0 && removed >= limit {
                break;
            }
            let n = &mut self.nodes[ni];
            // The entries of this node, as (start, end, equal).
            let mut spans = Vec::with_capacity(n.count as usize);
            let mut off = 0;
            while off < n.buf.len() {
                let (d, l, next) = entry_at(&n.buf, off);
                spans.push((off, next, &n.buf[d..d + l] == data));
                off = next;
            }
            let mut drop = vec![false; spans.len()];
            let idxs: Vec<usize> = match from {
                End::Head => (0..spans.len()).collect(),
                End::Tail => (0..spans.len()).rev().collect(),
            };
            let mut hit = 0;
            for i in idxs {
                if limit != 0 && removed + hit >= limit {
                    break;
                }
                if spans[i].2 {
                    drop[i] = true;
                    hit += 1;
                }
            }
            if hit == 0 {
                continue;
            }
            let mut buf = Vec::with_capacity(n.buf.len());
            for (i, &(s, e, _)) in spans.iter().enumerate() {
                if !drop[i] {
                    buf.extend_from_slice(&n.buf[s..e]);
                }
            }
            n.buf = buf;
            n.count -= hit as u32;
            removed += hit;
        }
        self.nodes.retain(|n| n.count > 0);
        self.len -= removed;
        removed
    }

    /// Elements from `start` (< len) towards the tail.
    pub fn iter_from(&self, start: usize) -> Iter<'_> {
        if start >= self.len {
            return Iter {
                list: self,
                node: self.nodes.len(),
                off: 0,
            };
        }
        let (ni, k) = self.locate(start);
        let (off, _) = self.nodes[ni].offset_of(k);
        Iter {
            list: self,
            node: ni,
            off,
        }
    }

    /// Elements from the tail towards the head.
    pub fn iter_rev(&self) -> RevIter<'_> {
        RevIter {
            list: self,
            node: self.nodes.len(),
            end: 0,
        }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Each node, head first: whether it is plain, and its elements
    /// (what RDB writes per quicklist node).
    pub fn nodes(&self) -> impl Iterator<Item = (bool, NodeIter<'_>)> {
        self.nodes.iter().map(|n| {
            (
                n.plain,
                NodeIter {
                    buf: &n.buf,
                    off: 0,
                },
            )
        })
    }

    /// The bytes of all nodes as Redis counts them (DEBUG OBJECT's
    /// `ql_uncompressed_size`).
    pub fn reported_size(&self) -> usize {
        self.nodes.iter().map(Node::reported_size).sum()
    }

    /// A description of the nodes for DEBUG QUICKLIST: a summary line,
    /// then one line per node, and with `verbose` each node's elements.
    pub fn describe(&self, verbose: bool) -> String {
        let mut out = format!(
            "{{quicklist count:{} nodes:{} bytes:{}}}\n",
            self.len,
            self.nodes.len(),
            self.reported_size()
        );
        let mut pos = 0usize;
        for (i, n) in self.nodes.iter().enumerate() {
            out.push_str(&format!(
                "{{node {i} container:{} count:{} size:{} capacity:{}}}\n",
                if n.plain { "plain" } else { "packed" },
                n.count,
                n.reported_size(),
                n.buf.capacity(),
            ));
            if verbose {
                for e in self.iter_from(pos).take(n.count as usize) {
                    let shown = &e[..e.len().min(64)];
                    out.push_str(&format!(
                        "  [{} bytes] {}\n",
                        e.len(),
                        String::from_utf8_lossy(shown).escape_debug()
                    ));
                }
            }
            pos += n.count as usize;
        }
        out
    }
}

/// A forward iterator over a list's elements (`listTypeNext`).
pub struct Iter<'a> {
    list: &'a List,
    node: usize,
    off: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        loop {
            let n = self.list.nodes.get(self.node)?;
            if self.off < n.buf.len() {
                let (d, l, next) = entry_at(&n.buf, self.off);
                self.off = next;
                return Some(&n.buf[d..d + l]);
            }
            self.node += 1;
            self.off = 0;
        }
    }
}

/// The elements of one node, in order.
pub struct NodeIter<'a> {
    buf: &'a [u8],
    off: usize,
}

impl<'a> Iterator for NodeIter<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.off >= self.buf.len() {
            return None;
        }
        let (d, l, next) = entry_at(self.buf, self.off);
        self.off = next;
        Some(&self.buf[d..d + l])
    }
}

/// A backward iterator over a list's elements.
pub struct RevIter<'a> {
    list: &'a List,
    /// One past the node being read; `end` is the read position in it.
    node: usize,
    end: usize,
}

impl<'a> Iterator for RevIter<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        loop {
            if self.end == 0 {
                self.node = self.node.checked_sub(1)?;
                self.end = self.list.nodes.get(self.node)?.buf.len();
                continue;
            }
            let n = self.list.nodes.get(self.node)?;
            let (start, d, l) = entry_before(&n.buf, self.end);
            self.end = start;
            return Some(&n.buf[d..d + l]);
        }
    }
}

// ---------------------------------------------------------------------------
// Command table
// ---------------------------------------------------------------------------

/// Every command of this module, for the command table.
pub static COMMANDS: [&CommandSpec; 17] = [
    &LPUSH, &RPUSH, &LPUSHX, &RPUSHX, &LPOP, &RPOP, &LLEN, &LINDEX, &LSET, &LRANGE, &LTRIM, &LREM,
    &LINSERT, &LPOS, &LMOVE, &RPOPLPUSH, &LMPOP,
];

/// The key spec of the destination at argv[2] (LMOVE, RPOPLPUSH).
const DEST_KEY: KeySpec = KeySpec::range(2, 0, &["RW", "insert"]);

const PUSH_KEY: [KeySpec; 1] = [KeySpec::range(1, 0, &["RW", "insert"])];
const POP_KEY: [KeySpec; 1] = [KeySpec::range(1, 0, &["RW", "access", "delete"])];
const RO_KEY: [KeySpec; 1] = [KeySpec::range(1, 0, &["RO", "access"])];
const PUSH_ARGS: [Arg; 2] = [
    Arg::new("key", ArgType::Key(0)),
    Arg::new("element", ArgType::String).flags(arg::MULTIPLE),
];
const POP_ARGS: [Arg; 2] = [
    Arg::new("key", ArgType::Key(0)),
    Arg::new("count", ArgType::Integer)
        .since("6.2.0")
        .flags(arg::OPTIONAL),
];
const LEFT_RIGHT: [Arg; 2] = [
    Arg::new("left", ArgType::PureToken).token("LEFT"),
    Arg::new("right", ArgType::PureToken).token("RIGHT"),
];
const PUSH_COMPLEXITY: &str =
    "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.";

pub static LPUSH: CommandSpec = CommandSpec {
    name: "lpush",
    proc_: lpush_command,
    arity: -3,
    flags: cmd::WRITE | cmd::DENYOOM | cmd::FAST,
    acl: acl::LIST,
    key_specs: &PUSH_KEY,
    summary: "Add elements at the head of a list, creating it if needed",
    since: "1.0.0",
    group: "list",
    complexity: PUSH_COMPLEXITY,
    args: &PUSH_ARGS,
    ..BASE
};

pub static RPUSH: CommandSpec = CommandSpec {
    name: "rpush",
    proc_: rpush_command,
    summary: "Add elements at the tail of a list, creating it if needed",
    ..LPUSH
};

pub static LPUSHX: CommandSpec = CommandSpec {
    name: "lpushx",
    proc_: lpushx_command,
    summary: "Add elements at the head of a list only if the list exists",
    since: "2.2.0",
    ..LPUSH
};

pub static RPUSHX: CommandSpec = CommandSpec {
    name: "rpushx",
    proc_: rpushx_command,
    summary: "Add elements at the tail of a list only if the list exists",
    since: "2.2.0",
    ..LPUSH
};

pub static LPOP: CommandSpec = CommandSpec {
    name: "lpop",
    proc_: lpop_command,
    arity: -2,
    flags: cmd::WRITE | cmd::FAST,
    acl: acl::LIST,
    key_specs: &POP_KEY,
    summary: "Remove and return elements from the head of a list",
    since: "1.0.0",
    group: "list",
    complexity: "O(N) where N is the number of elements returned",
    args: &POP_ARGS,
    ..BASE
};

pub static RPOP: CommandSpec = CommandSpec {
    name: "rpop",
    proc_: rpop_command,
    summary: "Remove and return elements from the tail of a list",
    ..LPOP
};

pub static LLEN: CommandSpec = CommandSpec {
    name: "llen",
    proc_: llen_command,
    arity: 2,
    flags: cmd::READONLY | cmd::FAST,
    acl: acl::LIST,
    key_specs: &[KeySpec::range(1, 0, &["RO"])],
    summary: "The number of elements in a list",
    since: "1.0.0",
    group: "list",
    complexity: "O(1)",
    args: &[Arg::new("key", ArgType::Key(0))],
    ..BASE
};

pub static LINDEX: CommandSpec = CommandSpec {
    name: "lindex",
    proc_: lindex_command,
    arity: 3,
    flags: cmd::READONLY,
    acl: acl::LIST,
    key_specs: &RO_KEY,
    summary: "Read the element of a list at an index",
    since: "1.0.0",
    group: "list",
    complexity: "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("index", ArgType::Integer),
    ],
    ..BASE
};

pub static LSET: CommandSpec = CommandSpec {
    name: "lset",
    proc_: lset_command,
    arity: 4,
    flags: cmd::WRITE | cmd::DENYOOM,
    acl: acl::LIST,
    key_specs: &[KeySpec::range(1, 0, &["RW", "update"])],
    summary: "Replace the element of a list at an index",
    since: "1.0.0",
    group: "list",
    complexity: "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("index", ArgType::Integer),
        Arg::new("element", ArgType::String),
    ],
    ..BASE
};

pub static LRANGE: CommandSpec = CommandSpec {
    name: "lrange",
    proc_: lrange_command,
    arity: 4,
    flags: cmd::READONLY,
    acl: acl::LIST,
    key_specs: &RO_KEY,
    summary: "Read the elements of a list between two indexes",
    since: "1.0.0",
    group: "list",
    complexity: "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("start", ArgType::Integer),
        Arg::new("stop", ArgType::Integer),
    ],
    ..BASE
};

pub static LTRIM: CommandSpec = CommandSpec {
    name: "ltrim",
    proc_: ltrim_command,
    arity: 4,
    flags: cmd::WRITE,
    acl: acl::LIST,
    key_specs: &[KeySpec::range(1, 0, &["RW", "delete"])],
    summary: "Keep only the elements of a list between two indexes",
    since: "1.0.0",
    group: "list",
    complexity: "O(N) where N is the number of elements to be removed by the operation.",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("start", ArgType::Integer),
        Arg::new("stop", ArgType::Integer),
    ],
    ..BASE
};

pub static LREM: CommandSpec = CommandSpec {
    name: "lrem",
    proc_: lrem_command,
    arity: 4,
    flags: cmd::WRITE,
    acl: acl::LIST,
    key_specs: &[KeySpec::range(1, 0, &["RW", "delete"])],
    summary: "Delete the elements of a list equal to a value",
    since: "1.0.0",
    group: "list",
    complexity: "O(N+M) where N is the length of the list and M is the number of elements removed.",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("count", ArgType::Integer),
        Arg::new("element", ArgType::String),
    ],
    ..BASE
};

pub static LINSERT: CommandSpec = CommandSpec {
    name: "linsert",
    proc_: linsert_command,
    arity: 5,
    flags: cmd::WRITE | cmd::DENYOOM,
    acl: acl::LIST,
    key_specs: &PUSH_KEY,
    summary: "Add an element next to the first element equal to a pivot",
    since: "2.2.0",
    group: "list",
    complexity: "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new(
            "where",
            ArgType::OneOf(&[
                Arg::new("before", ArgType::PureToken).token("BEFORE"),
                Arg::new("after", ArgType::PureToken).token("AFTER"),
            ]),
        ),
        Arg::new("pivot", ArgType::String),
        Arg::new("element", ArgType::String),
    ],
    ..BASE
};

pub static LPOS: CommandSpec = CommandSpec {
    name: "lpos",
    proc_: lpos_command,
    arity: -3,
    flags: cmd::READONLY,
    acl: acl::LIST,
    key_specs: &RO_KEY,
    summary: "The indexes of the elements of a list equal to a value",
    since: "6.0.6",
    group: "list",
    complexity: "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("element", ArgType::String),
        Arg::new("rank", ArgType::Integer)
            .token("RANK")
            .flags(arg::OPTIONAL),
        Arg::new("num-matches", ArgType::Integer)
            .token("COUNT")
            .flags(arg::OPTIONAL),
        Arg::new("len", ArgType::Integer)
            .token("MAXLEN")
            .flags(arg::OPTIONAL),
    ],
    ..BASE
};

pub static LMOVE: CommandSpec = CommandSpec {
    name: "lmove",
    proc_: lmove_command,
    arity: 5,
    flags: cmd::WRITE | cmd::DENYOOM,
    acl: acl::LIST,
    key_specs: &[KeySpec::range(1, 0, &["RW", "access", "delete"]), DEST_KEY],
    summary: "Pop an element from one end of a list and push it onto another list",
    since: "6.2.0",
    group: "list",
    complexity: "O(1)",
    args: &[
        Arg::new("source", ArgType::Key(0)),
        Arg::new("destination", ArgType::Key(1)),
        Arg::new("wherefrom", ArgType::OneOf(&LEFT_RIGHT)),
        Arg::new("whereto", ArgType::OneOf(&LEFT_RIGHT)),
    ],
    ..BASE
};

pub static RPOPLPUSH: CommandSpec = CommandSpec {
    name: "rpoplpush",
    proc_: rpoplpush_command,
    arity: 3,
    summary: "Pop the tail of a list and push it onto the head of another list",
    since: "1.2.0",
    args: &[
        Arg::new("source", ArgType::Key(0)),
        Arg::new("destination", ArgType::Key(1)),
    ],
    ..LMOVE
};

pub static LMPOP: CommandSpec = CommandSpec {
    name: "lmpop",
    proc_: lmpop_command,
    arity: -4,
    flags: cmd::WRITE | cmd::MOVABLE_KEYS,
    acl: acl::LIST,
    key_specs: &[KeySpec {
        notes: "",
        flags: &["RW", "access", "delete"],
        begin: BeginSearch::Index(1),
        find: FindKeys::Keynum {
            keynumidx: 0,
            firstkey: 1,
            keystep: 1,
        },
    }],
    summary: "Pop elements from the first non-empty list of several",
    since: "7.0.0",
    group: "list",
    complexity:
        "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
    args: &[
        Arg::new("numkeys", ArgType::Integer),
        Arg::new("key", ArgType::Key(0)).flags(arg::MULTIPLE),
        Arg::new("where", ArgType::OneOf(&LEFT_RIGHT)),
        Arg::new("count", ArgType::Integer)
            .token("COUNT")
            .flags(arg::OPTIONAL),
    ],
    ..BASE
};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// The list at `key` for writing: `Ok(None)` when missing, an error for
/// another type (`lookupKeyWrite` + `checkType`).
fn list_write<'a>(
    server: &'a mut Server,
    db: usize,
    key: &[u8],
) -> Result<Option<&'a mut List>, CommandError> {
    match server.lookup_write(db, key) {
        None => Ok(None),
        Some(o) => match &mut o.value {
            Value::List(l) => Ok(Some(l)),
            _ => Err(CommandError::WrongType),
        },
    }
}

/// The list at `key` for reading (`lookupKeyRead` + `checkType`).
fn list_read<'a>(
    server: &'a mut Server,
    db: usize,
    key: &[u8],
) -> Result<Option<&'a List>, CommandError> {
    match server.lookup_read(db, key) {
        None => Ok(None),
        Some(o) => match &o.value {
            Value::List(l) => Ok(Some(l)),
            _ => Err(CommandError::WrongType),
        },
    }
}

/// Deletes `key` when its list has become empty (Redis never keeps an
/// empty list), publishing `del`. Call it after the command's own event.
fn delete_if_empty(server: &mut Server, db: usize, key: &[u8]) {
    if let Ok(Some(l)) = list_write(server, db, key) {
        if l.is_empty() {
            server.delete_key(db, key);
            server.notify(class::GENERIC, "del", key, db);
        }
    }
}

/// The name of a pop or push event at `end`.
fn end_event(end: End, pop: bool) -> &'static str {
    match (end, pop) {
        (End::Head, true) => "lpop",
        (End::Tail, true) => "rpop",
        (End::Head, false) => "lpush",
        (End::Tail, false) => "rpush",
    }
}

/// After elements were popped from `key` at `end`
/// (`listElementsRemoved`): publishes the pop, deletes the list if it is
/// now empty (`del`), and signals its watchers.
fn elements_removed(server: &mut Server, db: usize, key: &[u8], end: End) {
    server.notify(class::LIST, end_event(end, true), key, db);
    delete_if_empty(server, db, key);
    signal_modified_key(server, db, key);
}

/// LEFT or RIGHT, any case (`getListPositionFromObjectOrReply`).
fn parse_end(arg: &[u8]) -> Result<End, CommandError> {
    if arg.eq_ignore_ascii_case(b"left") {
        Ok(End::Head)
    } else if arg.eq_ignore_ascii_case(b"right") {
        Ok(End::Tail)
    } else {
        Err(CommandError::Syntax)
    }
}

fn parse_i64(arg: &[u8]) -> Result<i64, CommandError> {
    string_to_i64(arg).ok_or(CommandError::NotAnInteger)
}

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

/// `pushGenericCommand`: LPUSH/RPUSH, and with `xx` LPUSHX/RPUSHX.
fn push_generic(server: &mut Server, id: ClientId, argv: &Argv, end: End, xx: bool) {
    let db = server.client_db(id);
    let shape = Shape::of(server);
    let key = &argv[1];
    let exists = match list_write(server, db, key) {
        Err(e) => return server.reply(id).error(&e),
        Ok(l) => l.is_some(),
    };
    if !exists {
        if xx {
            return server.reply(id).integer(0);
        }
        server.db_add(db, key, Value::List(Box::default()));
    }
    let len = match list_write(server, db, key) {
        Ok(Some(l)) => {
            for e in &argv[2..] {
                l.push(e, end, shape);
            }
            l.len()
        }
        _ => 0,
    };
    server.dirty += (argv.len() - 2) as u64;
    // Clients blocked on a key this push created were signalled by
    // `db_add` and are served after this command. A push onto a list
    // that already existed signals nobody, as in Redis 7.0: no one can
    // be waiting on a key that holds a list, unless a list was stored
    // over another value, and that overwrite does not serve them either.
    server.signal_and_notify(db, key, class::LIST, end_event(end, false));
    server.reply(id).integer(len as i64);
}

fn lpush_command(server: &mut Server, id: ClientId, argv: &Argv) {
    push_generic(server, id, argv, End::Head, false);
}

fn rpush_command(server: &mut Server, id: ClientId, argv: &Argv) {
    push_generic(server, id, argv, End::Tail, false);
}

fn lpushx_command(server: &mut Server, id: ClientId, argv: &Argv) {
    push_generic(server, id, argv, End::Head, true);
}

fn rpushx_command(server: &mut Server, id: ClientId, argv: &Argv) {
    push_generic(server, id, argv, End::Tail, true);
}

/// `popGenericCommand`: LPOP/RPOP with an optional count.
fn pop_generic(server: &mut Server, id: ClientId, argv: &Argv, end: End) {
    if argv.len() > 3 {
        let name = server.client(id).last_cmd.to_string();
        return server.reply(id).error(&CommandError::WrongArity(name));
    }
    let count = match argv.get(2) {
        None => None,
        Some(a) => match string_to_i64(a) {
            Some(n) if n >= 0 => Some(n as usize),
            _ => return server.reply(id).error(&CommandError::NotPositive),
        },
    };
    let db = server.client_db(id);
    let key = &argv[1];
    let popped = match list_write(server, db, key) {
        Err(e) => return server.reply(id).error(&e),
        Ok(None) => {
            let r = server.reply(id);
            return if count.is_some() {
                r.null_array()
            } else {
                r.null()
            };
        }
        Ok(Some(l)) => {
            let n = count.unwrap_or(1).min(l.len());
            (0..n).filter_map(|_| l.pop(end)).collect::<Vec<_>>()
        }
    };
    if !popped.is_empty() {
        server.dirty += popped.len() as u64;
        elements_removed(server, db, key, end);
    }
    let r = server.reply(id);
    match count {
        None => match popped.first() {
            Some(v) => r.bulk(v),
            None => r.null(),
        },
        Some(_) => {
            r.array_len(popped.len());
            for v in &popped {
                r.bulk(v);
            }
        }
    }
}

fn lpop_command(server: &mut Server, id: ClientId, argv: &Argv) {
    pop_generic(server, id, argv, End::Head);
}

fn rpop_command(server: &mut Server, id: ClientId, argv: &Argv) {
    pop_generic(server, id, argv, End::Tail);
}

/// `LLEN key`.
fn llen_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    match list_read(server, db, &argv[1]) {
        Err(e) => server.reply(id).error(&e),
        Ok(l) => {
            let n = l.map_or(0, List::len);
            server.reply(id).integer(n as i64);
        }
    }
}

/// `LINDEX key index`: the key is checked before the index.
fn lindex_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    let value = match list_read(server, db, &argv[1]) {
        Err(e) => Err(e),
        Ok(None) => Ok(None),
        Ok(Some(l)) => parse_i64(&argv[2]).map(|i| l.get(i).map(<[u8]>::to_vec)),
    };
    let r = server.reply(id);
    match value {
        Err(e) => r.error(&e),
        Ok(None) => r.null(),
        Ok(Some(v)) => r.bulk(&v),
    }
}

/// `LSET key index element`.
fn lset_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    let shape = Shape::of(server);
    let result = match list_write(server, db, &argv[1]) {
        Err(e) => Err(e),
        Ok(None) => Err(CommandError::NoSuchKey),
        Ok(Some(l)) => parse_i64(&argv[2]).and_then(|i| {
            if l.set(i, &argv[3], shape) {
                Ok(())
            } else {
                Err(CommandError::ListIndexOutOfRange)
            }
        }),
    };
    match result {
        Err(e) => server.reply(id).error(&e),
        Ok(()) => {
            server.dirty += 1;
            server.signal_and_notify(db, &argv[1], class::LIST, "lset");
            server.reply(id).ok();
        }
    }
}

/// Clamps `start..=end` to a list of `len` as LRANGE and LTRIM do; `None`
/// for an empty range.
fn clamp_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    let start = if start < 0 {
        (start + len).max(0)
    } else {
        start
    };
    let end = if end < 0 { end + len } else { end };
    if start > end || start >= len {
        return None;
    }
    Some((start as usize, end.min(len - 1) as usize))
}

/// `LRANGE key start stop`.
fn lrange_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let (start, end) = match (parse_i64(&argv[2]), parse_i64(&argv[3])) {
        (Ok(s), Ok(e)) => (s, e),
        (Err(e), _) | (_, Err(e)) => return server.reply(id).error(&e),
    };
    let db = server.client_db(id);
    // The reply is encoded straight from the nodes into one buffer: the
    // list and the client's output buffer cannot be borrowed together.
    let mut out = Vec::new();
    match list_read(server, db, &argv[1]) {
        Err(e) => return server.reply(id).error(&e),
        Ok(None) => out.extend_from_slice(b"*0\r\n"),
        Ok(Some(l)) => match clamp_range(start, end, l.len()) {
            None => out.extend_from_slice(b"*0\r\n"),
            Some((s, e)) => {
                let n = e - s + 1;
                let _ = write!(out, "*{n}\r\n");
                for v in l.iter_from(s).take(n) {
                    let _ = write!(out, "${}\r\n", v.len());
                    out.extend_from_slice(v);
                    out.extend_from_slice(b"\r\n");
                }
            }
        },
    }
    server.reply(id).add(&out);
}

/// `LTRIM key start stop`.
fn ltrim_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let (start, end) = match (parse_i64(&argv[2]), parse_i64(&argv[3])) {
        (Ok(s), Ok(e)) => (s, e),
        (Err(e), _) | (_, Err(e)) => return server.reply(id).error(&e),
    };
    let db = server.client_db(id);
    match list_write(server, db, &argv[1]) {
        Err(e) => return server.reply(id).error(&e),
        Ok(None) => {}
        Ok(Some(l)) => {
            let len = l.len();
            match clamp_range(start, end, len) {
                None => l.trim(len, End::Head),
                Some((s, e)) => {
                    l.trim(len - 1 - e, End::Tail);
                    l.trim(s, End::Head);
                }
            }
            // One change per element trimmed away.
            let trimmed = len - l.len();
            server.dirty += trimmed as u64;
            // Published even when nothing was trimmed, as Redis does.
            server.notify(class::LIST, "ltrim", &argv[1], db);
            delete_if_empty(server, db, &argv[1]);
            signal_modified_key(server, db, &argv[1]);
        }
    }
    server.reply(id).ok();
}

/// `LREM key count element`.
fn lrem_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let count = match parse_i64(&argv[2]) {
        Ok(n) => n,
        Err(e) => return server.reply(id).error(&e),
    };
    let db = server.client_db(id);
    let from = if count < 0 { End::Tail } else { End::Head };
    let limit = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
    let removed = match list_write(server, db, &argv[1]) {
        Err(e) => return server.reply(id).error(&e),
        Ok(None) => 0,
        Ok(Some(l)) => l.remove(&argv[3], limit, from),
    };
    if removed > 0 {
        server.dirty += removed as u64;
        server.notify(class::LIST, "lrem", &argv[1], db);
        delete_if_empty(server, db, &argv[1]);
        signal_modified_key(server, db, &argv[1]);
    }
    server.reply(id).integer(removed as i64);
}

/// `LINSERT key BEFORE|AFTER pivot element`: the new length, -1 when the
/// pivot is missing, 0 when the key is.
fn linsert_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let after = if argv[2].eq_ignore_ascii_case(b"after") {
        true
    } else if argv[2].eq_ignore_ascii_case(b"before") {
        false
    } else {
        return server.reply(id).error(&CommandError::Syntax);
    };
    let db = server.client_db(id);
    let shape = Shape::of(server);
    let n = match list_write(server, db, &argv[1]) {
        Err(e) => return server.reply(id).error(&e),
        Ok(None) => 0,
        Ok(Some(l)) => match l.iter_from(0).position(|v| v == &argv[3][..]) {
            None => -1,
            Some(i) => {
                l.insert(i + usize::from(after), &argv[4], shape);
                l.len() as i64
            }
        },
    };
    if n > 0 {
        server.dirty += 1;
        server.signal_and_notify(db, &argv[1], class::LIST, "linsert");
    }
    server.reply(id).integer(n);
}

/// The options of LPOS: rank, count (None when not given), maxlen.
fn parse_lpos_options(argv: &Argv) -> Result<(i64, Option<usize>, usize), CommandError> {
    let (mut rank, mut count, mut maxlen) = (1i64, None, 0usize);
    let mut j = 3;
    while j < argv.len() {
        let Some(val) = argv.get(j + 1) else {
            return Err(CommandError::Syntax);
        };
        let opt = &argv[j];
        if opt.eq_ignore_ascii_case(b"rank") {
            rank = parse_i64(val)?;
            if rank == 0 {
                return Err(CommandError::LposRankZero);
            }
        } else if opt.eq_ignore_ascii_case(b"count") {
            match string_to_i64(val) {
                Some(n) if n >= 0 => count = Some(n as usize),
                _ => return Err(CommandError::LposCountNegative),
            }
        } else if opt.eq_ignore_ascii_case(b"maxlen") {
            match string_to_i64(val) {
                Some(n) if n >= 0 => maxlen = n as usize,
                _ => return Err(CommandError::LposMaxlenNegative),
            }
        } else {
            return Err(CommandError::Syntax);
        }
        j += 2;
    }
    Ok((rank, count, maxlen))
}

/// `LPOS key element [RANK rank] [COUNT n] [MAXLEN len]`.
fn lpos_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let (rank, count, maxlen) = match parse_lpos_options(argv) {
        Ok(o) => o,
        Err(e) => return server.reply(id).error(&e),
    };
    let db = server.client_db(id);
    let found: Vec<i64> = match list_read(server, db, &argv[1]) {
        Err(e) => return server.reply(id).error(&e),
        Ok(None) => Vec::new(),
        Ok(Some(l)) => {
            let len = l.len() as i64;
            // A negative rank scans from the tail; i64::MIN stays negative
            // when negated, as in Redis, and so accepts the first match.
            let (from_tail, rank) = if rank < 0 {
                (true, rank.wrapping_neg())
            } else {
                (false, rank)
            };
            let iter: Box<dyn Iterator<Item = &[u8]>> = if from_tail {
                Box::new(l.iter_rev())
            } else {
                Box::new(l.iter_from(0))
            };
            let limit = if maxlen == 0 { usize::MAX } else { maxlen };
            let want = match count {
                None | Some(0) => usize::MAX,
                Some(c) => c,
            };
            let want = if count.is_none() { 1 } else { want };
            let mut out = Vec::new();
            let mut matches = 0i64;
            for (i, v) in iter.take(limit).enumerate() {
                if v != &argv[2][..] {
                    continue;
                }
                matches += 1;
                if matches >= rank {
                    out.push(if from_tail {
                        len - 1 - i as i64
                    } else {
                        i as i64
                    });
                    if out.len() >= want {
                        break;
                    }
                }
            }
            out
        }
    };
    let r = server.reply(id);
    if count.is_some() {
        r.array_len(found.len());
        for i in found {
            r.integer(i);
        }
    } else {
        match found.first() {
            Some(&i) => r.integer(i),
            None => r.null(),
        }
    }
}

/// `lmoveGenericCommand`: pops from `src` at `from`, pushes onto `dst` at
/// `to`, replies with the element.
fn lmove_generic(server: &mut Server, id: ClientId, argv: &Argv, from: End, to: End) {
    let db = server.client_db(id);
    let shape = Shape::of(server);
    let (src, dst) = (&argv[1], &argv[2]);
    match list_write(server, db, src) {
        Err(e) => return server.reply(id).error(&e),
        Ok(None) => return server.reply(id).null(),
        Ok(Some(_)) => {}
    }
    // The destination's type is checked before anything moves.
    let dst_exists = match list_write(server, db, dst) {
        Err(e) => return server.reply(id).error(&e),
        Ok(l) => l.is_some(),
    };
    let Ok(Some(l)) = list_write(server, db, src) else {
        return server.reply(id).null();
    };
    let Some(value) = l.pop(from) else {
        return server.reply(id).null();
    };
    // The push comes first, events included (`lmoveHandlePush`); a
    // source left empty is deleted after.
    if !dst_exists && src != dst {
        server.db_add(db, dst, Value::List(Box::default()));
    }
    if let Ok(Some(d)) = list_write(server, db, dst) {
        d.push(&value, to, shape);
    }
    // The move is one change, not a pop and a push.
    server.dirty += 1;
    // A destination created here was signalled by `db_add`: its waiters
    // are served next.
    server.signal_and_notify(db, dst, class::LIST, end_event(to, false));
    // With src == dst the element went straight back: the list was never
    // left empty, so it is not deleted.
    elements_removed(server, db, src, from);
    server.reply(id).bulk(&value);
}

/// `LMOVE source destination LEFT|RIGHT LEFT|RIGHT`.
fn lmove_command(server: &mut Server, id: ClientId, argv: &Argv) {
    match (parse_end(&argv[3]), parse_end(&argv[4])) {
        (Ok(from), Ok(to)) => lmove_generic(server, id, argv, from, to),
        (Err(e), _) | (_, Err(e)) => server.reply(id).error(&e),
    }
}

/// `RPOPLPUSH source destination`: LMOVE RIGHT LEFT.
fn rpoplpush_command(server: &mut Server, id: ClientId, argv: &Argv) {
    lmove_generic(server, id, argv, End::Tail, End::Head);
}

/// The arguments of LMPOP after the name: (first key index, key count,
/// end, count).
fn parse_lmpop(argv: &Argv) -> Result<(usize, usize, End, usize), CommandError> {
    let numkeys = match string_to_i64(&argv[1]) {
        Some(n) if n > 0 => n as u64,
        _ => return Err(CommandError::NumkeysNotPositive),
    };
    // Every key plus the direction must follow numkeys.
    let rest = (argv.len() - 2) as u64;
    if numkeys >= rest {
        return Err(CommandError::Syntax);
    }
    let numkeys = numkeys as usize;
    let where_idx = 2 + numkeys;
    let end = parse_end(&argv[where_idx])?;
    let mut count = None;
    let mut j = where_idx + 1;
    while j < argv.len() {
        match argv.get(j + 1) {
            Some(v) if argv[j].eq_ignore_ascii_case(b"count") && count.is_none() => {
                match string_to_i64(v) {
                    Some(n) if n > 0 => count = Some(n as usize),
                    _ => return Err(CommandError::CountNotPositive),
                }
            }
            _ => return Err(CommandError::Syntax),
        }
        j += 2;
    }
    Ok((2, numkeys, end, count.unwrap_or(1)))
}

/// `LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]`: pops from the
/// first non-empty list; a key of another type is an error at once.
fn lmpop_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let (first, numkeys, end, count) = match parse_lmpop(argv) {
        Ok(p) => p,
        Err(e) => return server.reply(id).error(&e),
    };
    let db = server.client_db(id);
    for key in &argv[first..first + numkeys] {
        let popped = match list_write(server, db, key) {
            Err(e) => return server.reply(id).error(&e),
            Ok(None) => continue,
            Ok(Some(l)) => {
                let n = count.min(l.len());
                (0..n).filter_map(|_| l.pop(end)).collect::<Vec<_>>()
            }
        };
        server.dirty += popped.len() as u64;
        elements_removed(server, db, key, end);
        let r = server.reply(id);
        r.array_len(2);
        r.bulk(key);
        r.array_len(popped.len());
        for v in &popped {
            r.bulk(v);
        }
        return;
    }
    server.reply(id).null_array();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(l: &List) -> Vec<Vec<u8>> {
        l.iter_from(0).map(<[u8]>::to_vec).collect()
    }

    #[test]
    fn a_one_node_list_holds_room_for_one_node() {
        let mut l = List::new();
        for e in ["a", "b", "c"] {
            l.push(e.as_bytes(), End::Tail, Shape::with_fill(-2));
        }
        assert_eq!(l.node_count(), 1);
        assert_eq!(l.nodes.capacity(), 1);
        let mut h = List::new();
        h.push(b"x", End::Head, Shape::with_fill(-2));
        assert_eq!(h.nodes.capacity(), 1);
    }

    #[test]
    fn entries_round_trip_in_both_directions() {
        let mut l = List::new();
        let big = vec![b'x'; 300];
        for i in 0..2000 {
            let v = if i % 97 == 0 {
                big.clone()
            } else {
                format!("{i}").into_bytes()
            };
            l.push(&v, End::Tail, Shape::with_fill(-2));
        }
        assert!(l.nodes.len() > 1);
        let fwd = collect(&l);
        let mut rev: Vec<Vec<u8>> = l.iter_rev().map(<[u8]>::to_vec).collect();
        rev.reverse();
        assert_eq!(fwd, rev);
        assert_eq!(l.get(-1), Some(&b"1999"[..]));
        assert_eq!(l.get(97), Some(&big[..]));
        for i in 0..2000 {
            assert_eq!(l.get(i).map(<[u8]>::to_vec), Some(fwd[i as usize].clone()));
        }
    }

    #[test]
    fn insert_splits_full_nodes() {
        let mut l = List::new();
        let mut model: Vec<Vec<u8>> = Vec::new();
        for i in 0..500 {
            let v = format!("element-{i:08}").into_bytes();
            l.push(&v, End::Tail, Shape::with_fill(4));
            model.push(v);
        }
        for i in (0..500).step_by(7) {
            let v = format!("new-{i}").into_bytes();
            l.insert(i, &v, Shape::with_fill(4));
            model.insert(i, v);
        }
        assert_eq!(collect(&l), model);
        assert!(l.nodes.iter().all(|n| n.count >= 1));
        assert_eq!(l.remove(b"element-00000003", 0, End::Head), 1);
        model.retain(|v| v != b"element-00000003");
        l.trim(10, End::Head);
        l.trim(10, End::Tail);
        model.drain(..10);
        model.truncate(model.len() - 10);
        assert_eq!(collect(&l), model);
        assert_eq!(l.len(), model.len());
    }

    /// Every node is non-empty, a plain node holds exactly one element,
    /// and an element at or above the threshold is always in a plain one.
    fn check_nodes(l: &List, threshold: usize) {
        let mut total = 0;
        for n in &l.nodes {
            assert!(n.count >= 1);
            if n.plain {
                assert_eq!(n.count, 1);
            }
            let mut off = 0;
            while off < n.buf.len() {
                let (_, len, next) = entry_at(&n.buf, off);
                assert_eq!(len >= threshold, n.plain, "len {len} in {n:?}");
                off = next;
                total += 1;
            }
        }
        assert_eq!(total, l.len());
    }

    #[test]
    fn plain_nodes_through_random_edits() {
        let shape = Shape {
            fill: 3,
            packed_threshold: 8,
        };
        let mut rng = crate::server::util::Rng::new(7);
        let mut l = List::new();
        let mut model: Vec<Vec<u8>> = Vec::new();
        for step in 0..4000 {
            let len = if rng.below(3) == 0 {
                8 + rng.below(20)
            } else {
                rng.below(8)
            };
            let v = vec![b'a' + (step % 26) as u8; len];
            match rng.below(7) {
                0 => {
                    l.push(&v, End::Head, shape);
                    model.insert(0, v);
                }
                1 => {
                    l.push(&v, End::Tail, shape);
                    model.push(v);
                }
                2 => {
                    let i = rng.below(model.len() + 1);
                    l.insert(i, &v, shape);
                    model.insert(i, v);
                }
                3 if !model.is_empty() => {
                    let i = rng.below(model.len());
                    assert!(l.set(i as i64, &v, shape));
                    model[i] = v;
                }
                4 => {
                    let end = if rng.below(2) == 0 {
                        End::Head
                    } else {
                        End::Tail
                    };
                    let want = match end {
                        End::Head if !model.is_empty() => Some(model.remove(0)),
                        End::Tail => model.pop(),
                        _ => None,
                    };
                    assert_eq!(l.pop(end), want);
                }
                5 if !model.is_empty() => {
                    let target = model[rng.below(model.len())].clone();
                    let removed = l.remove(&target, 1, End::Tail);
                    let at = model.iter().rposition(|e| *e == target);
                    assert_eq!(removed, usize::from(at.is_some()));
                    if let Some(at) = at {
                        model.remove(at);
                    }
                }
                6 if model.len() > 40 => {
                    l.trim(3, End::Head);
                    model.drain(..3);
                }
                _ => {}
            }
            check_nodes(&l, shape.packed_threshold);
        }
        assert_eq!(collect(&l), model);
        let mut rev: Vec<Vec<u8>> = l.iter_rev().map(<[u8]>::to_vec).collect();
        rev.reverse();
        assert_eq!(rev, model);
    }
}
