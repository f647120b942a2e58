//! One value in RDB form (`rdbSaveObjectType`, `rdbSaveObject`,
//! `rdbLoadObject`): the type byte chosen from the encoding, and the
//! payload of each type.
//!
//! ```text
//!   value                      written as                       type
//!   string                     string                            0
//!   list                       quicklist 2: per node plain|packed 18
//!   hash    listpack / table   listpack blob / field,value pairs 16 / 4
//!   set     intset / table     intset blob / members             11 / 2
//!   zset    listpack / skiplist listpack blob / member,double    17 / 5
//! ```
//!
//! Loading accepts every type Redis 1.0 to 7.2 wrote, and gives each
//! value the encoding Redis would give it after loading under the same
//! `*-max-listpack-*` settings. Duplicate members are corruption; an empty
//! collection is reported so the caller can skip the key, as Redis does.

use std::fmt::Write as _;
use std::io::{Read, Write};

use super::io::{Reader, Writer};
use super::listpack::{self, Entry};
use super::{intset, ziplist, zipmap, BlobError, Error};
use crate::server::object::Value;
use crate::server::t_hash::{self, Hash};
use crate::server::t_list::{End, List, Shape};
use crate::server::t_set::Set;
use crate::server::t_zset::{self, ZSet};

/// Value type bytes (`RDB_TYPE_*`).
pub mod types {
    pub const STRING: u8 = 0;
    pub const LIST: u8 = 1;
    pub const SET: u8 = 2;
    pub const ZSET: u8 = 3;
    pub const HASH: u8 = 4;
    pub const ZSET_2: u8 = 5;
    pub const MODULE: u8 = 6;
    pub const MODULE_2: u8 = 7;
    pub const HASH_ZIPMAP: u8 = 9;
    pub const LIST_ZIPLIST: u8 = 10;
    pub const SET_INTSET: u8 = 11;
    pub const ZSET_ZIPLIST: u8 = 12;
    pub const HASH_ZIPLIST: u8 = 13;
    pub const LIST_QUICKLIST: u8 = 14;
    pub const STREAM_LISTPACKS: u8 = 15;
    pub const HASH_LISTPACK: u8 = 16;
    pub const ZSET_LISTPACK: u8 = 17;
    pub const LIST_QUICKLIST_2: u8 = 18;
    pub const STREAM_LISTPACKS_2: u8 = 19;
    /// Small sets of Redis 7.2 (RDB 11): a listpack of members.
    pub const SET_LISTPACK: u8 = 20;
    pub const STREAM_LISTPACKS_3: u8 = 21;
}

/// Quicklist 2 node containers (`QUICKLIST_NODE_CONTAINER_*`).
const CONTAINER_PLAIN: u64 = 1;
const CONTAINER_PACKED: u64 = 2;

/// Whether `t` is a value type byte (`rdbIsObjectType`, for the versions
/// this loader reads).
pub fn is_object_type(t: u8) -> bool {
    matches!(t, 0..=7 | 9..=21)
}

/// The name of a type byte, for messages.
pub fn type_name(t: u8) -> &'static str {
    use types::*;
    match t {
        STRING => "string",
        LIST | LIST_ZIPLIST | LIST_QUICKLIST | LIST_QUICKLIST_2 => "list",
        SET | SET_INTSET | SET_LISTPACK => "set",
        ZSET | ZSET_2 | ZSET_ZIPLIST | ZSET_LISTPACK => "zset",
        HASH | HASH_ZIPMAP | HASH_ZIPLIST | HASH_LISTPACK => "hash",
        MODULE | MODULE_2 => "module",
        STREAM_LISTPACKS | STREAM_LISTPACKS_2 | STREAM_LISTPACKS_3 => "stream",
        _ => "unknown",
    }
}

/// The encoding settings a loaded value is shaped by.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub hash: t_hash::Limits,
    pub zset: t_zset::Limits,
    pub list: Shape,
    pub set_max_intset: usize,
}

// ---------------------------------------------------------------------------
// Saving
// ---------------------------------------------------------------------------

/// The type byte Redis writes for `v` (`rdbSaveObjectType`).
pub fn object_type(v: &Value) -> u8 {
    match v {
        Value::List(_) => types::LIST_QUICKLIST_2,
        Value::Hash(h) if h.encoding() == "listpack" => types::HASH_LISTPACK,
        Value::Hash(_) => types::HASH,
        Value::Set(s) if s.encoding() == "intset" => types::SET_INTSET,
        Value::Set(_) => types::SET,
        Value::ZSet(z) if z.encoding() == "listpack" => types::ZSET_LISTPACK,
        Value::ZSet(_) => types::ZSET_2,
        _ => types::STRING,
    }
}

/// Writes the payload of `v`, without its type byte (`rdbSaveObject`).
pub fn write_value<W: Write>(w: &mut Writer<W>, v: &Value) -> std::io::Result<()> {
    match v {
        Value::Int(n) => w.int_string(*n),
        Value::Small { len, buf } => w.string(&buf[..usize::from(*len)]),
        Value::Emb(b) => w.string(b),
        Value::Raw(b) => w.string(b),
        Value::List(l) => write_list(w, l),
        Value::Hash(h) => write_hash(w, h),
        Value::Set(s) => write_set(w, s),
        Value::ZSet(z) => write_zset(w, z),
    }
}

fn write_list<W: Write>(w: &mut Writer<W>, l: &List) -> std::io::Result<()> {
    w.len(l.node_count() as u64)?;
    for (plain, elements) in l.nodes() {
        if plain {
            w.len(CONTAINER_PLAIN)?;
            for e in elements {
                w.string(e)?;
            }
        } else {
            w.len(CONTAINER_PACKED)?;
            let mut lp = listpack::Writer::new();
            for e in elements {
                lp.push(e);
            }
            w.string(&lp.finish())?;
        }
    }
    Ok(())
}

fn write_hash<W: Write>(w: &mut Writer<W>, h: &Hash) -> std::io::Result<()> {
    if h.encoding() == "listpack" {
        let mut lp = listpack::Writer::new();
        for (f, v) in h.iter() {
            lp.push(f);
            lp.push(v);
        }
        return w.string(&lp.finish());
    }
    w.len(h.len() as u64)?;
    for (f, v) in h.iter() {
        w.string(f)?;
        w.string(v)?;
    }
    Ok(())
}

fn write_set<W: Write>(w: &mut Writer<W>, s: &Set) -> std::io::Result<()> {
    if let Some(ints) = s.ints() {
        return w.string(&intset::encode(&ints));
    }
    w.len(s.len() as u64)?;
    let mut result = Ok(());
    s.for_each(|m| {
        if result.is_ok() {
            result = w.string(m);
        }
    });
    result
}

fn write_zset<W: Write>(w: &mut Writer<W>, z: &ZSet) -> std::io::Result<()> {
    if z.encoding() == "listpack" {
        let mut lp = listpack::Writer::new();
        z.for_each(false, |m, s| {
            lp.push(m);
            push_score(&mut lp, s);
        });
        return w.string(&lp.finish());
    }
    // Highest first, so that loading inserts each member at the head of
    // the skip list (Redis's order too).
    w.len(z.len() as u64)?;
    let mut result = Ok(());
    z.for_each(true, |m, s| {
        if result.is_ok() {
            result = w.string(m).and_then(|()| w.f64(s));
        }
    });
    result
}

/// A score in a zset listpack: an integer entry when it is a whole number
/// within ±2^62 (`double2ll`), else its text.
///
/// Deviation: Redis writes `%.17g` (`d2string`); this writes the shortest
/// text that reads back as the same double ("0.1" where Redis writes
/// "0.10000000000000001"), plain between 1e-5 and 1e15 and with an
/// exponent outside. Every loader parses the text with `strtod`, so the
/// loaded score is identical; exact `%.17g` printing costs a bignum
/// division per score, which showed as 9% of a SAVE of small sorted sets.
fn push_score(lp: &mut listpack::Writer, s: f64) {
    const LIMIT: f64 = (i64::MAX / 2) as f64;
    if (-LIMIT..=LIMIT).contains(&s) && s.fract() == 0.0 {
        lp.push_int(s as i64);
    } else {
        let mut text = String::with_capacity(24);
        let plain = (1e-5..1e15).contains(&s.abs());
        // Writing into a String cannot fail.
        let _ = if plain || s.is_infinite() {
            write!(text, "{s}")
        } else {
            write!(text, "{s:e}")
        };
        lp.push(text.as_bytes());
    }
}

// ---------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------

/// Reads the payload of a value of type `t` (`rdbLoadObject`). `Ok(None)`
/// is an empty collection, which the caller skips.
///
/// `buf` is scratch space the caller keeps from value to value: strings
/// and blobs are read into it rather than into a new vector each.
pub fn read_value<R: Read>(
    r: &mut Reader<R>,
    t: u8,
    limits: &Limits,
    buf: &mut Vec<u8>,
) -> Result<Option<Value>, Error> {
    use types::*;
    let at = r.position();
    let value = match t {
        STRING => {
            r.string_into(buf, "a string value")?;
            string_value(buf)
        }
        LIST => {
            let n = r.count("list length")?;
            let mut l = List::new();
            for _ in 0..n {
                r.string_into(buf, "a list element")?;
                l.push(buf, End::Tail, limits.list);
            }
            Value::List(Box::new(l))
        }
        LIST_ZIPLIST => {
            r.string_into(buf, "a ziplist")?;
            let blob = &buf[..];
            let entries = ziplist::entries(blob).map_err(|e| blob_error(r, at, "ziplist", e))?;
            let mut l = List::new();
            for e in entries {
                with_bytes(e, |b| l.push(b, End::Tail, limits.list));
            }
            Value::List(Box::new(l))
        }
        LIST_QUICKLIST | LIST_QUICKLIST_2 => read_quicklist(r, t, limits, buf)?,
        SET => {
            let n = r.count("set size")?;
            let mut s: Option<Set> = None;
            for _ in 0..n {
                let m_at = r.position();
                r.string_into(buf, "a set member")?;
                let set = s.get_or_insert_with(|| Set::new_for(buf));
                if !set.add(buf, limits.set_max_intset) {
                    return Err(r.corrupt_at(m_at, "duplicate set member"));
                }
            }
            match s {
                Some(s) => Value::Set(Box::new(s)),
                None => return Ok(None),
            }
        }
        SET_INTSET => {
            r.string_into(buf, "an intset")?;
            let blob = &buf[..];
            let members = intset::members(blob).map_err(|e| blob_error(r, at, "intset", e))?;
            // Checked sorted and unique: taken as they are.
            Value::Set(Box::new(Set::from_sorted_ints(
                members,
                limits.set_max_intset,
            )))
        }
        SET_LISTPACK => {
            r.string_into(buf, "a set listpack")?;
            let blob = &buf[..];
            let entries = listpack::entries(blob).map_err(|e| blob_error(r, at, "listpack", e))?;
            let mut s: Option<Set> = None;
            for e in entries {
                let m = e.bytes();
                let set = s.get_or_insert_with(|| Set::new_for(&m));
                if !set.add(&m, limits.set_max_intset) {
                    return Err(r.corrupt_at(at, "duplicate set member"));
                }
            }
            match s {
                Some(s) => Value::Set(Box::new(s)),
                None => return Ok(None),
            }
        }
        ZSET | ZSET_2 => {
            let n = r.count("sorted set size")?;
            let mut pairs = Vec::with_capacity(n.min(1024));
            let mut longest = 0;
            for _ in 0..n {
                let m = r.string("a sorted set member")?;
                let s_at = r.position();
                let score = if t == ZSET {
                    r.text_double("a score")?
                } else {
                    r.f64("a score")?
                };
                if score.is_nan() {
                    return Err(r.corrupt_at(s_at, "sorted set with a NaN score"));
                }
                longest = longest.max(m.len());
                pairs.push((m, score));
            }
            let mut z = ZSet::with_hint(pairs.len(), longest, limits.zset);
            for (m, s) in pairs {
                if z.score(&m).is_some() {
                    return Err(r.corrupt_at(at, "duplicate sorted set member"));
                }
                z.insert_new(&m, s, limits.zset);
            }
            Value::ZSet(Box::new(z))
        }
        ZSET_ZIPLIST | ZSET_LISTPACK => {
            r.string_into(buf, "a sorted set listpack")?;
            let blob = &buf[..];
            let entries = if t == ZSET_ZIPLIST {
                ziplist::entries(blob).map_err(|e| blob_error(r, at, "ziplist", e))?
            } else {
                listpack::entries(blob).map_err(|e| blob_error(r, at, "listpack", e))?
            };
            if entries.len() % 2 != 0 {
                return Err(r.corrupt_at(at, "sorted set listpack with an odd number of entries"));
            }
            // A listpack keeps its encoding whatever its members' lengths
            // (only the count is checked on load).
            let lp_limits = t_zset::Limits {
                max_entries: limits.zset.max_entries,
                max_value: usize::MAX,
            };
            let mut z = ZSet::with_hint(entries.len() / 2, 0, lp_limits);
            z.reserve_listpack(entries.chunks_exact(2).map(|pair| entry_len(&pair[0])));
            // Redis writes the entries in order; each is appended without a
            // search while the file keeps to that order. `last` is the
            // greatest entry so far.
            let mut last: Option<(f64, Vec<u8>)> = None;
            for pair in entries.chunks_exact(2) {
                let score = entry_score(&pair[1])
                    .ok_or_else(|| r.corrupt_at(at, "sorted set listpack with a bad score"))?;
                let m = pair[0].bytes();
                if z.score(&m).is_some() {
                    return Err(r.corrupt_at(at, "duplicate sorted set member"));
                }
                let in_order = last
                    .as_ref()
                    .is_none_or(|(s, lm)| t_zset::cmp_entry(*s, lm, score, &m).is_lt());
                if in_order {
                    z.insert_new_last(&m, score, lp_limits);
                    let mut greatest = last.take().map(|(_, v)| v).unwrap_or_default();
                    greatest.clear();
                    greatest.extend_from_slice(&m);
                    last = Some((score, greatest));
                } else {
                    z.insert_new(&m, score, lp_limits);
                }
            }
            Value::ZSet(Box::new(z))
        }
        HASH => {
            let n = r.count("hash size")?;
            let mut h = Hash::new();
            for _ in 0..n {
                let f_at = r.position();
                let f = r.string("a hash field")?;
                let v = r.string("a hash value")?;
                if !h.set(&f, &v, limits.hash) {
                    return Err(r.corrupt_at(f_at, "duplicate hash field"));
                }
            }
            Value::Hash(Box::new(h))
        }
        HASH_ZIPMAP => {
            r.string_into(buf, "a zipmap")?;
            let blob = &buf[..];
            let pairs = zipmap::pairs(blob).map_err(|e| blob_error(r, at, "zipmap", e))?;
            let mut h = Hash::new();
            for (f, v) in pairs {
                if !h.set(f, v, limits.hash) {
                    return Err(r.corrupt_at(at, "duplicate hash field in a zipmap"));
                }
            }
            Value::Hash(Box::new(h))
        }
        HASH_ZIPLIST | HASH_LISTPACK => {
            r.string_into(buf, "a hash listpack")?;
            let blob = &buf[..];
            let entries = if t == HASH_ZIPLIST {
                ziplist::entries(blob).map_err(|e| blob_error(r, at, "ziplist", e))?
            } else {
                listpack::entries(blob).map_err(|e| blob_error(r, at, "listpack", e))?
            };
            if entries.len() % 2 != 0 {
                return Err(r.corrupt_at(at, "hash listpack with an odd number of entries"));
            }
            let mut h = Hash::new();
            if entries.len() / 2 <= limits.hash.entries {
                h.reserve_listpack(entries.iter().map(entry_len));
            }
            for pair in entries.chunks_exact(2) {
                let new = with_bytes(pair[0], |f| {
                    with_bytes(pair[1], |v| h.set(f, v, limits.hash))
                });
                if !new {
                    return Err(r.corrupt_at(at, "duplicate hash field"));
                }
            }
            Value::Hash(Box::new(h))
        }
        _ => {
            return Err(r.corrupt_at(
                at,
                format!("values of type {t} ({}) are not supported", type_name(t)),
            ))
        }
    };
    Ok(if is_empty(&value) { None } else { Some(value) })
}

/// Lists of quicklist nodes, each a ziplist (type 14) or, in type 18, a
/// container kind then a listpack or one plain element.
fn read_quicklist<R: Read>(
    r: &mut Reader<R>,
    t: u8,
    limits: &Limits,
    buf: &mut Vec<u8>,
) -> Result<Value, Error> {
    let n = r.count("quicklist node count")?;
    let mut l = List::new();
    for _ in 0..n {
        let at = r.position();
        let container = if t == types::LIST_QUICKLIST_2 {
            r.len("quicklist node container")?
        } else {
            CONTAINER_PACKED
        };
        r.string_into(buf, "a quicklist node")?;
        let blob = &buf[..];
        match container {
            CONTAINER_PLAIN => l.push(blob, End::Tail, limits.list),
            CONTAINER_PACKED => {
                let entries = if t == types::LIST_QUICKLIST {
                    ziplist::entries(blob).map_err(|e| blob_error(r, at, "ziplist", e))?
                } else {
                    listpack::entries(blob).map_err(|e| blob_error(r, at, "listpack", e))?
                };
                // An empty node is skipped, as Redis does.
                for (i, e) in entries.iter().enumerate() {
                    with_bytes(*e, |b| l.push(b, End::Tail, limits.list));
                    if i == 0 {
                        l.reserve_tail(entries.iter().skip(1).map(entry_len), limits.list);
                    }
                }
            }
            other => return Err(r.corrupt_at(at, format!("unknown quicklist container {other}"))),
        }
    }
    Ok(Value::List(Box::new(l)))
}

/// Calls `f` with the bytes of an entry, integers written into a stack
/// buffer (no allocation per element).
fn with_bytes<T>(e: Entry<'_>, f: impl FnOnce(&[u8]) -> T) -> T {
    match e {
        Entry::Str(s) => f(s),
        Entry::Int(n) => {
            let mut buf = [0u8; 20];
            let len = crate::server::reply::write_i64(&mut buf, n);
            f(&buf[..len])
        }
    }
}

/// The length of an entry's bytes (integers as their decimal text).
fn entry_len(e: &Entry<'_>) -> usize {
    match *e {
        Entry::Str(s) => s.len(),
        Entry::Int(n) => crate::server::reply::write_i64(&mut [0u8; 20], n),
    }
}

/// A loaded string value, encoded as Redis encodes it on load. A long one
/// takes the read buffer itself (the caller's next read allocates anew).
fn string_value(buf: &mut Vec<u8>) -> Value {
    if buf.len() > crate::server::object::EMBSTR_SIZE_LIMIT {
        Value::raw(std::mem::take(buf))
    } else {
        Value::string(buf)
    }
}

/// A score held in a listpack entry; `None` when it is not a number or
/// is NaN.
fn entry_score(e: &Entry<'_>) -> Option<f64> {
    match *e {
        Entry::Int(n) => Some(n as f64),
        Entry::Str(s) => crate::server::t_zset::parse_f64(s).filter(|d| !d.is_nan()),
    }
}

/// Whether a loaded collection has nothing in it.
fn is_empty(v: &Value) -> bool {
    match v {
        Value::List(l) => l.is_empty(),
        Value::Hash(h) => h.is_empty(),
        Value::Set(s) => s.is_empty(),
        Value::ZSet(z) => z.is_empty(),
        _ => false,
    }
}

/// A blob fault, placed at the value that holds the blob.
fn blob_error<R: Read>(r: &Reader<R>, at: u64, kind: &str, e: BlobError) -> Error {
    r.corrupt_at(at, format!("bad {kind}: {e}"))
}

/// Redis's default encoding limits, for tests.
#[cfg(test)]
pub(crate) fn test_limits() -> Limits {
    Limits {
        hash: t_hash::Limits {
            entries: 128,
            value: 64,
        },
        zset: t_zset::Limits {
            max_entries: 128,
            max_value: 64,
        },
        list: Shape::with_fill(-2),
        set_max_intset: 512,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdb::io::Writer;

    use super::test_limits as limits;

    /// The ziplist of ziplist.c's header comment: "2" then "5".
    const ZIPLIST_2_5: &[u8] = &[
        0x0f, 0, 0, 0, 0x0c, 0, 0, 0, 0x02, 0, 0x00, 0xf3, 0x02, 0xf6, 0xff,
    ];
    /// The zipmap of zipmap.c's comment: foo => bar, hello => world.
    const ZIPMAP: &[u8] = b"\x02\x03foo\x03\x00bar\x05hello\x05\x00world\xff";

    /// Reads one value of type `t` whose payload `f` writes.
    fn load(t: u8, f: impl FnOnce(&mut Writer<Vec<u8>>)) -> Result<Option<Value>, Error> {
        let mut w = Writer::new(Vec::new(), false);
        f(&mut w);
        let bytes = w.into_inner().expect("a vector");
        let mut r = Reader::new(&bytes[..]);
        read_value(&mut r, t, &limits(), &mut Vec::new())
    }

    fn list(v: &Value) -> Vec<Vec<u8>> {
        let Value::List(l) = v else {
            panic!("not a list: {v:?}")
        };
        l.iter_from(0).map(<[u8]>::to_vec).collect()
    }

    #[test]
    fn legacy_lists_load() {
        let v = load(types::LIST_ZIPLIST, |w| w.string(ZIPLIST_2_5).unwrap_or(()))
            .expect("loads")
            .expect("not empty");
        assert_eq!(list(&v), [b"2".to_vec(), b"5".to_vec()]);
        // Quicklist 1: nodes of ziplists.
        let v = load(types::LIST_QUICKLIST, |w| {
            let _ = w.len(2);
            let _ = w.string(ZIPLIST_2_5);
            let _ = w.string(ZIPLIST_2_5);
        })
        .expect("loads")
        .expect("not empty");
        assert_eq!(list(&v).len(), 4);
        // The linked list of RDB versions before 2.6.
        let v = load(types::LIST, |w| {
            let _ = w.len(3);
            for e in ["a", "12", "c"] {
                let _ = w.string(e.as_bytes());
            }
        })
        .expect("loads")
        .expect("not empty");
        assert_eq!(list(&v), [b"a".to_vec(), b"12".to_vec(), b"c".to_vec()]);
    }

    #[test]
    fn legacy_hashes_load() {
        let v = load(types::HASH_ZIPMAP, |w| w.string(ZIPMAP).unwrap_or(()))
            .expect("loads")
            .expect("not empty");
        let Value::Hash(h) = &v else { panic!() };
        assert_eq!(h.get(b"foo"), Some(&b"bar"[..]));
        assert_eq!(h.get(b"hello"), Some(&b"world"[..]));
        assert_eq!(h.encoding(), "listpack");
        let v = load(types::HASH_ZIPLIST, |w| w.string(ZIPLIST_2_5).unwrap_or(()))
            .expect("loads")
            .expect("not empty");
        let Value::Hash(h) = &v else { panic!() };
        assert_eq!(h.get(b"2"), Some(&b"5"[..]));
    }

    #[test]
    fn legacy_sorted_sets_load() {
        // A ziplist of member "2" with score 5.
        let v = load(types::ZSET_ZIPLIST, |w| w.string(ZIPLIST_2_5).unwrap_or(()))
            .expect("loads")
            .expect("not empty");
        let Value::ZSet(z) = &v else { panic!() };
        assert_eq!(z.score(b"2"), Some(5.0));
        // ZSET (type 3): scores as length-prefixed text, 253-255 special.
        let v = load(types::ZSET, |w| {
            let _ = w.len(3);
            let _ = w.string(b"a");
            let _ = w.bytes(b"\x031.5");
            let _ = w.string(b"b");
            let _ = w.u8(254);
            let _ = w.string(b"c");
            let _ = w.u8(255);
        })
        .expect("loads")
        .expect("not empty");
        let Value::ZSet(z) = &v else { panic!() };
        assert_eq!(z.score(b"a"), Some(1.5));
        assert_eq!(z.score(b"b"), Some(f64::INFINITY));
        assert_eq!(z.score(b"c"), Some(f64::NEG_INFINITY));
        // A NaN score (253) is corruption.
        let r = load(types::ZSET, |w| {
            let _ = w.len(1);
            let _ = w.string(b"a");
            let _ = w.u8(253);
        });
        assert!(matches!(r, Err(Error::Corrupt { what, .. }) if what.contains("NaN")));
    }

    #[test]
    fn redis_7_2_listpack_sets_load() {
        let mut lp = listpack::Writer::new();
        for m in ["a", "1", "b"] {
            lp.push(m.as_bytes());
        }
        let blob = lp.finish();
        let v = load(types::SET_LISTPACK, |w| w.string(&blob).unwrap_or(()))
            .expect("loads")
            .expect("not empty");
        let Value::Set(s) = &v else { panic!() };
        assert_eq!(s.len(), 3);
        assert!(s.contains(b"1") && s.contains(b"a"));
    }

    /// A sorted-set listpack loads in order whether or not the file kept
    /// its entries sorted (in order, they are appended without a search).
    #[test]
    fn zset_listpack_loads_sorted_in_any_order() {
        let entries: [(&str, f64); 6] = [
            ("a", 1.0),
            ("c", 3.0),
            ("b", 2.0),
            ("d", 2.5),
            ("e", 4.0),
            ("f", 1.5),
        ];
        let mut lp = listpack::Writer::new();
        for (m, s) in entries {
            lp.push(m.as_bytes());
            lp.push(crate::server::reply::format_double(s).as_bytes());
        }
        let blob = lp.finish();
        let v = load(types::ZSET_LISTPACK, |w| w.string(&blob).unwrap_or(()))
            .expect("loads")
            .expect("not empty");
        let Value::ZSet(z) = &v else { panic!() };
        assert_eq!(z.encoding(), "listpack");
        let got: Vec<(Vec<u8>, f64)> = z
            .walk(0, 10, false)
            .into_iter()
            .map(|(m, s)| (m.into_vec(), s))
            .collect();
        let mut want: Vec<(Vec<u8>, f64)> = entries
            .iter()
            .map(|&(m, s)| (m.as_bytes().to_vec(), s))
            .collect();
        want.sort_by(|a, b| a.1.total_cmp(&b.1));
        assert_eq!(got, want);
    }

    #[test]
    fn empty_collections_are_reported_not_loaded() {
        let empty_lp = listpack::Writer::new().finish();
        for t in [
            types::HASH_LISTPACK,
            types::ZSET_LISTPACK,
            types::SET_LISTPACK,
        ] {
            let r = load(t, |w| w.string(&empty_lp).unwrap_or(()));
            assert!(matches!(r, Ok(None)), "type {t}: {r:?}");
        }
        let r = load(types::SET, |w| w.len(0).unwrap_or(()));
        assert!(matches!(r, Ok(None)));
    }
}
