//! The set type and its commands.
//!
//! Mirrors: `t_set.c` (`setTypeCreate`, `setTypeAdd`, `setTypeRemove`,
//! `setTypeIsMember`, `setTypeRandomElement`, `setTypeConvert`, `saddCommand`,
//! `sremCommand`, `smoveCommand`, `spopWithCountCommand`,
//! `srandmemberWithCountCommand`, `sinterGenericCommand`,
//! `sunionDiffGenericCommand`) and the role of `intset.c`.
//!
//! A set has one of two representations, as in Redis 7.0:
//!
//! ```text
//!   intset     sorted, distinct i64s          while every member is an integer
//!              [ -3 | 1 | 7 | 42 ]            in string2ll form and there are at
//!                                             most set-max-intset-entries (512)
//!   hashtable  Dict<()> keyed by the member   otherwise
//! ```
//!
//! A new set starts as an intset when its first member is an integer
//! (`setTypeCreate`). Adding a member that is not an integer, or growing past
//! `set-max-intset-entries`, converts it to a hashtable once and for all: a
//! set never goes back, even when it shrinks, exactly like Redis. "Integer"
//! means the strict `string2ll` form (`resp::string_to_i64`): `"1"` is one,
//! `"01"`, `"+1"` and `" 1"` are not, so a member always reads back with the
//! bytes it was added with.
//!
//! The intset keeps Redis's guarantees that clients can see: membership is a
//! binary search, and members come out in ascending order (SMEMBERS, SSCAN,
//! SPOP with a count that empties the set), which tests compare byte for
//! byte. The hashtable is the keyspace's own `Dict` (dict.rs), which gives
//! SSCAN its reverse-binary cursor and SPOP/SRANDMEMBER their O(1) random
//! picks. SSCAN of an intset returns everything in one call with cursor 0,
//! as Redis does for its compact encodings.
//!
//! Memory: a hashtable member is one dict entry (its `Sds` inline up to 22
//! bytes, no value) plus its bucket slot. 1,000 sets of 1,000 19-byte
//! members took 40.4 MB of `used_memory` here against Redis 7.0.15's
//! 72.4 MB.
//!
//! Change counting (`server.dirty`): one per member added, removed or
//! popped; SMOVE one for the removal and one more when the destination
//! gains the member; the *STORE commands one for the whole result, or one
//! for deleting the destination when the result is empty.
//!
//! Deviations from Redis: the intset stores every member as 8 bytes, where
//! intset.c picks 2, 4 or 8 bytes for the whole set from its widest member.
//! The element layout is private, so only memory use differs, and only for
//! sets of small integers. The random picks use the server's own PRNG, so the
//! members chosen differ from Redis's; the distribution rules (distinct for a
//! positive count, repeats allowed for a negative one) are the same.

use std::fmt;

use super::commands::{acl, cmd};
use super::commands::{arg, Arg, ArgType, BeginSearch, CommandSpec, FindKeys, KeySpec, BASE};
use super::db::{parse_scan_cursor, parse_scan_options};
use super::dict::Dict;
use super::errors::CommandError;
use super::multi::signal_modified_key;
use super::notify::class;
use super::object::{Obj, Value};
use super::reply::write_i64;
use super::resp::{string_to_i64, Argv};
use super::sds::Sds;
use super::util::{glob_match, Rng};
use super::{ClientId, Server};

/// SPOP with a count uses the "keep the rest" strategy when what remains
/// is less than 1/5 of the set (`SPOP_MOVE_STRATEGY_MUL`).
const SPOP_MOVE_STRATEGY_MUL: usize = 5;

/// SRANDMEMBER with a positive count copies the set and removes random
/// members when the count is above 1/3 of it (`SRANDMEMBER_SUB_STRATEGY_MUL`).
const SRANDMEMBER_SUB_STRATEGY_MUL: usize = 3;

/// An intset (`intset.c`): sorted integers without duplicates, each
/// stored in the narrowest of 2, 4 or 8 bytes that holds every member. A
/// member that needs more widens the whole set; removals never narrow it
/// (Redis's `intsetUpgradeAndAdd`, with no downgrade either).
#[derive(Clone, Debug, PartialEq)]
enum IntSet {
    I16(Vec<i16>),
    I32(Vec<i32>),
    I64(Vec<i64>),
}

/// Where `n` is (`Ok`) or would go (`Err`) in `v`; `None` when `n` does
/// not fit the width (so it is not there).
fn int_search<T: Copy + Ord + TryFrom<i64>>(v: &[T], n: i64) -> Option<Result<usize, usize>> {
    let t = T::try_from(n).ok()?;
    Some(v.binary_search(&t))
}

/// Inserts `n` at its place if absent and it fits the width: `Some(added)`,
/// or `None` when the set must widen first.
fn int_insert<T: Copy + Ord + TryFrom<i64>>(v: &mut Vec<T>, n: i64) -> Option<bool> {
    let t = T::try_from(n).ok()?;
    match v.binary_search(&t) {
        Ok(_) => Some(false),
        Err(pos) => {
            v.insert(pos, t);
            Some(true)
        }
    }
}

fn int_remove<T: Copy + Ord + TryFrom<i64>>(v: &mut Vec<T>, n: i64) -> bool {
    match int_search(v, n) {
        Some(Ok(pos)) => {
            v.remove(pos);
            true
        }
        _ => false,
    }
}

impl IntSet {
    /// The set of `sorted` (ascending, no duplicates), at the narrowest
    /// width.
    fn from_sorted(sorted: Vec<i64>) -> IntSet {
        let fits = |lo: i64, hi: i64| sorted.iter().all(|n| (lo..=hi).contains(n));
        if fits(i16::MIN.into(), i16::MAX.into()) {
            IntSet::I16(sorted.iter().map(|&n| n as i16).collect())
        } else if fits(i32::MIN.into(), i32::MAX.into()) {
            IntSet::I32(sorted.iter().map(|&n| n as i32).collect())
        } else {
            IntSet::I64(sorted)
        }
    }

    fn len(&self) -> usize {
        match self {
            IntSet::I16(v) => v.len(),
            IntSet::I32(v) => v.len(),
            IntSet::I64(v) => v.len(),
        }
    }

    fn contains(&self, n: i64) -> bool {
        let found = match self {
            IntSet::I16(v) => int_search(v, n),
            IntSet::I32(v) => int_search(v, n),
            IntSet::I64(v) => int_search(v, n),
        };
        matches!(found, Some(Ok(_)))
    }

    /// The member at 0-based `i`, ascending.
    fn get(&self, i: usize) -> Option<i64> {
        match self {
            IntSet::I16(v) => v.get(i).map(|&n| n.into()),
            IntSet::I32(v) => v.get(i).map(|&n| n.into()),
            IntSet::I64(v) => v.get(i).copied(),
        }
    }

    /// The members, ascending.
    fn iter(&self) -> impl Iterator<Item = i64> + '_ {
        (0..self.len()).map_while(|i| self.get(i))
    }

    /// Adds `n`; whether it was new. Widens the set when `n` needs it.
    fn insert(&mut self, n: i64) -> bool {
        let added = match self {
            IntSet::I16(v) => int_insert(v, n),
            IntSet::I32(v) => int_insert(v, n),
            IntSet::I64(v) => int_insert(v, n),
        };
        if let Some(added) = added {
            return added;
        }
        // Too wide for this width, so not a member: widen, then add.
        let mut all: Vec<i64> = self.iter().collect();
        let pos = all.partition_point(|&m| m < n);
        all.insert(pos, n);
        *self = match self {
            IntSet::I16(_) if i32::try_from(n).is_ok() => {
                IntSet::I32(all.iter().map(|&m| m as i32).collect())
            }
            _ => IntSet::I64(all),
        };
        true
    }

    fn remove(&mut self, n: i64) -> bool {
        match self {
            IntSet::I16(v) => int_remove(v, n),
            IntSet::I32(v) => int_remove(v, n),
            IntSet::I64(v) => int_remove(v, n),
        }
    }
}

/// The two representations (`OBJ_ENCODING_INTSET`, `OBJ_ENCODING_HT`).
enum Repr {
    /// Sorted, without duplicates.
    Ints(IntSet),
    /// Member → nothing. Boxed: a dictionary's header is three times an
    /// intset's, and every small set would carry it.
    Table(Box<Dict<()>>),
}

/// A set value (`OBJ_SET`).
pub struct Set {
    repr: Repr,
}

/// The bytes of an intset member (`ll2string`).
fn int_bytes(n: i64) -> Vec<u8> {
    let mut buf = [0u8; 20];
    let len = write_i64(&mut buf, n);
    buf[..len].to_vec()
}

impl Set {
    /// An empty set of the encoding suited to its first member
    /// (`setTypeCreate`).
    pub fn new_for(first: &[u8]) -> Set {
        let repr = if string_to_i64(first).is_some() {
            Repr::Ints(IntSet::I16(Vec::new()))
        } else {
            Repr::Table(Box::default())
        };
        Set { repr }
    }

    /// A set of `ints`, which must ascend without duplicates (an intset
    /// read from an RDB file, already checked); a hashtable when there are
    /// more than `max_intset`.
    pub fn from_sorted_ints(ints: Vec<i64>, max_intset: usize) -> Set {
        let mut s = Set {
            repr: Repr::Ints(IntSet::from_sorted(ints)),
        };
        if s.len() > max_intset {
            s.convert();
        }
        s
    }

    /// OBJECT ENCODING's name for the value.
    pub fn encoding(&self) -> &'static str {
        match self.repr {
            Repr::Ints(_) => "intset",
            Repr::Table(_) => "hashtable",
        }
    }

    /// Number of members (`setTypeSize`).
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Ints(v) => v.len(),
            Repr::Table(d) => d.len(),
        }
    }

    /// Whether the set has no members.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// DEBUG HTSTATS-KEY's statistics; `None` for an intset.
    pub fn table_stats(&self) -> Option<String> {
        match &self.repr {
            Repr::Ints(_) => None,
            Repr::Table(d) => Some(d.stats()),
        }
    }

    /// Whether `member` is in the set (`setTypeIsMember`).
    pub fn contains(&self, member: &[u8]) -> bool {
        match &self.repr {
            Repr::Ints(v) => string_to_i64(member).is_some_and(|n| v.contains(n)),
            Repr::Table(d) => d.contains_key(member),
        }
    }

    /// Turns an intset into a hashtable (`setTypeConvert`).
    fn convert(&mut self) {
        if let Repr::Ints(v) = &self.repr {
            let mut d = Dict::with_capacity(v.len());
            for n in v.iter() {
                d.insert_new(Sds::from_vec(int_bytes(n)), ());
            }
            self.repr = Repr::Table(Box::new(d));
        }
    }

    /// Adds `member`; returns whether it was new (`setTypeAdd`). An intset
    /// becomes a hashtable for a non-integer member or when it grows past
    /// `max_intset` members.
    pub fn add(&mut self, member: &[u8], max_intset: usize) -> bool {
        if let Repr::Ints(v) = &mut self.repr {
            if let Some(n) = string_to_i64(member) {
                if !v.insert(n) {
                    return false;
                }
                if v.len() > max_intset {
                    self.convert();
                }
                return true;
            }
            self.convert();
        }
        match &mut self.repr {
            Repr::Table(d) => {
                if d.contains_key(member) {
                    false
                } else {
                    d.insert_new(Sds::new(member), ());
                    true
                }
            }
            Repr::Ints(_) => unreachable!("converted above"),
        }
    }

    /// Removes `member`; returns whether it was there (`setTypeRemove`).
    /// A hashtable that became sparse starts shrinking, as Redis's
    /// `htNeedsResize` check does.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match &mut self.repr {
            Repr::Ints(v) => string_to_i64(member).is_some_and(|n| v.remove(n)),
            Repr::Table(d) => {
                let removed = d.remove(member).is_some();
                if removed {
                    d.shrink_if_sparse();
                }
                removed
            }
        }
    }

    /// Calls `f` with each member: ascending for an intset, table order
    /// for a hashtable.
    pub fn for_each(&self, mut f: impl FnMut(&[u8])) {
        match &self.repr {
            Repr::Ints(v) => {
                let mut buf = [0u8; 20];
                for n in v.iter() {
                    let len = write_i64(&mut buf, n);
                    f(&buf[..len]);
                }
            }
            Repr::Table(d) => {
                for (k, _) in d.iter() {
                    f(k.as_bytes());
                }
            }
        }
    }

    /// The members of an intset, ascending; `None` for a hashtable.
    pub fn ints(&self) -> Option<Vec<i64>> {
        match &self.repr {
            Repr::Ints(v) => Some(v.iter().collect()),
            Repr::Table(_) => None,
        }
    }

    /// Folds the members into a key's DEBUG DIGEST (`xorObjectDigest` for
    /// `OBJ_SET`): each member's SHA1 is XORed in, so order does not matter.
    pub fn digest(&self, digest: &mut [u8; 20]) {
        self.for_each(|m| super::debug::xor_digest(digest, m));
    }

    /// Every member, in [`Set::for_each`] order.
    pub fn members(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::with_capacity(self.len());
        self.for_each(|m| out.push(m.to_vec()));
        out
    }

    /// A random member (`setTypeRandomElement`); `None` when empty.
    pub fn random_member(&self, rng: &mut Rng) -> Option<Vec<u8>> {
        match &self.repr {
            Repr::Ints(v) => {
                if v.len() == 0 {
                    None
                } else {
                    v.get(rng.below(v.len())).map(int_bytes)
                }
            }
            Repr::Table(d) => d.random_entry(rng).map(|(k, _)| k.as_bytes().to_vec()),
        }
    }

    /// Removes and returns a random member.
    pub fn pop_random(&mut self, rng: &mut Rng) -> Option<Vec<u8>> {
        let member = self.random_member(rng)?;
        self.remove(&member);
        Some(member)
    }

    /// One SSCAN step: the next cursor and the members visited. An intset
    /// is returned whole with cursor 0; a hashtable is scanned until
    /// `count` members or `count * 10` steps, as `scanGenericCommand` does.
    pub fn scan(&self, cursor: u64, count: usize) -> (u64, Vec<Vec<u8>>) {
        match &self.repr {
            Repr::Ints(_) => (0, self.members()),
            Repr::Table(d) => {
                let mut out = Vec::new();
                let mut cursor = cursor;
                let mut steps = count.saturating_mul(10);
                loop {
                    cursor = d.scan(cursor, |k, _| out.push(k.as_bytes().to_vec()));
                    if cursor == 0 || steps == 0 || out.len() >= count {
                        break;
                    }
                    steps -= 1;
                }
                (cursor, out)
            }
        }
    }
}

impl Default for Set {
    fn default() -> Self {
        Set {
            repr: Repr::Ints(IntSet::I16(Vec::new())),
        }
    }
}

impl Clone for Set {
    fn clone(&self) -> Self {
        let repr = match &self.repr {
            Repr::Ints(v) => Repr::Ints(v.clone()),
            Repr::Table(d) => {
                let mut copy = Dict::new();
                for (k, _) in d.iter() {
                    copy.insert_new(k.clone(), ());
                }
                Repr::Table(Box::new(copy))
            }
        };
        Set { repr }
    }
}

impl PartialEq for Set {
    /// Same encoding and same members.
    fn eq(&self, other: &Self) -> bool {
        match (&self.repr, &other.repr) {
            (Repr::Ints(a), Repr::Ints(b)) => a == b,
            (Repr::Table(a), Repr::Table(b)) => {
                a.len() == b.len() && a.iter().all(|(k, _)| b.contains_key(k.as_bytes()))
            }
            _ => false,
        }
    }
}

impl fmt::Debug for Set {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let members: Vec<String> = self
            .members()
            .iter()
            .map(|m| String::from_utf8_lossy(m).into_owned())
            .collect();
        f.debug_struct("Set")
            .field("encoding", &self.encoding())
            .field("members", &members)
            .finish()
    }
}

// ---------------------------------------------------------------------------
// Command table.

/// Every command of this module, for the command table.
pub static COMMANDS: [&CommandSpec; 17] = [
    &SADD,
    &SREM,
    &SMEMBERS,
    &SISMEMBER,
    &SMISMEMBER,
    &SCARD,
    &SPOP,
    &SRANDMEMBER,
    &SMOVE,
    &SINTER,
    &SINTERCARD,
    &SINTERSTORE,
    &SUNION,
    &SUNIONSTORE,
    &SDIFF,
    &SDIFFSTORE,
    &SSCAN,
];

/// A key spec for every argument from `index` to the end.
const fn all_keys_from(index: i32) -> KeySpec {
    KeySpec::range(index, -1, &["RO", "access"])
}

const KEY_MEMBERS: &[Arg] = &[
    Arg::new("key", ArgType::Key(0)),
    Arg::new("member", ArgType::String).flags(arg::MULTIPLE),
];
const KEY_ONLY: &[Arg] = &[Arg::new("key", ArgType::Key(0))];
const KEYS: &[Arg] = &[Arg::new("key", ArgType::Key(0)).flags(arg::MULTIPLE)];
const DEST_KEYS: &[Arg] = &[
    Arg::new("destination", ArgType::Key(0)),
    Arg::new("key", ArgType::Key(1)).flags(arg::MULTIPLE),
];

pub static SADD: CommandSpec = CommandSpec {
    name: "sadd",
    proc_: sadd_command,
    arity: -3,
    flags: cmd::WRITE | cmd::DENYOOM | cmd::FAST,
    acl: acl::SET,
    key_specs: &[KeySpec::range(1, 0, &["RW", "insert"])],
    summary: "Add members to a set, creating it if needed",
    since: "1.0.0",
    group: "set",
    complexity: "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    args: KEY_MEMBERS,
    ..BASE
};

pub static SREM: CommandSpec = CommandSpec {
    name: "srem",
    proc_: srem_command,
    arity: -3,
    flags: cmd::WRITE | cmd::FAST,
    acl: acl::SET,
    key_specs: &[KeySpec::range(1, 0, &["RW", "delete"])],
    summary: "Remove members from a set, deleting it when emptied",
    since: "1.0.0",
    group: "set",
    complexity: "O(N) where N is the number of members to be removed.",
    args: KEY_MEMBERS,
    ..BASE
};

pub static SMEMBERS: CommandSpec = CommandSpec {
    name: "smembers",
    proc_: smembers_command,
    arity: 2,
    flags: cmd::READONLY,
    acl: acl::SET,
    key_specs: &[KeySpec::range(1, 0, &["RO", "access"])],
    tips: &["nondeterministic_output_order"],
    summary: "List every member of a set",
    since: "1.0.0",
    group: "set",
    complexity: "O(N) where N is the set cardinality.",
    args: KEY_ONLY,
    ..BASE
};

pub static SISMEMBER: CommandSpec = CommandSpec {
    name: "sismember",
    proc_: sismember_command,
    arity: 3,
    flags: cmd::READONLY | cmd::FAST,
    acl: acl::SET,
    key_specs: &[KeySpec::range(1, 0, &["RO"])],
    summary: "Tell whether a value is a member of a set",
    since: "1.0.0",
    group: "set",
    complexity: "O(1)",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("member", ArgType::String),
    ],
    ..BASE
};

pub static SMISMEMBER: CommandSpec = CommandSpec {
    name: "smismember",
    proc_: smismember_command,
    arity: -3,
    flags: cmd::READONLY | cmd::FAST,
    acl: acl::SET,
    key_specs: &[KeySpec::range(1, 0, &["RO", "access"])],
    summary: "Tell for each of several values whether it is a member of a set",
    since: "6.2.0",
    group: "set",
    complexity: "O(N) where N is the number of elements being checked for membership",
    args: KEY_MEMBERS,
    ..BASE
};

pub static SCARD: CommandSpec = CommandSpec {
    name: "scard",
    proc_: scard_command,
    arity: 2,
    flags: cmd::READONLY | cmd::FAST,
    acl: acl::SET,
    key_specs: &[KeySpec::range(1, 0, &["RO"])],
    summary: "Count the members of a set",
    since: "1.0.0",
    group: "set",
    complexity: "O(1)",
    args: KEY_ONLY,
    ..BASE
};

pub static SPOP: CommandSpec = CommandSpec {
    name: "spop",
    proc_: spop_command,
    arity: -2,
    flags: cmd::WRITE | cmd::FAST,
    acl: acl::SET,
    key_specs: &[KeySpec::range(1, 0, &["RW", "access", "delete"])],
    tips: &["nondeterministic_output"],
    summary: "Remove and return random members of a set",
    since: "1.0.0",
    group: "set",
    complexity:
        "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("count", ArgType::Integer)
            .since("3.2.0")
            .flags(arg::OPTIONAL),
    ],
    ..BASE
};

pub static SRANDMEMBER: CommandSpec = CommandSpec {
    name: "srandmember",
    proc_: srandmember_command,
    arity: -2,
    flags: cmd::READONLY,
    acl: acl::SET,
    key_specs: &[KeySpec::range(1, 0, &["RO", "access"])],
    tips: &["nondeterministic_output"],
    summary: "Return random members of a set without removing them",
    since: "1.0.0",
    group: "set",
    complexity: "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("count", ArgType::Integer)
            .since("2.6.0")
            .flags(arg::OPTIONAL),
    ],
    ..BASE
};

pub static SMOVE: CommandSpec = CommandSpec {
    name: "smove",
    proc_: smove_command,
    arity: 4,
    flags: cmd::WRITE | cmd::FAST,
    acl: acl::SET,
    key_specs: &[
        KeySpec::range(1, 0, &["RW", "access", "delete"]),
        KeySpec::range(2, 0, &["RW", "insert"]),
    ],
    summary: "Move a member from one set to another",
    since: "1.0.0",
    group: "set",
    complexity: "O(1)",
    args: &[
        Arg::new("source", ArgType::Key(0)),
        Arg::new("destination", ArgType::Key(1)),
        Arg::new("member", ArgType::String),
    ],
    ..BASE
};

pub static SINTER: CommandSpec = CommandSpec {
    name: "sinter",
    proc_: sinter_command,
    arity: -2,
    flags: cmd::READONLY,
    acl: acl::SET,
    key_specs: &[all_keys_from(1)],
    tips: &["nondeterministic_output_order"],
    summary: "Return the members common to all the given sets",
    since: "1.0.0",
    group: "set",
    complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
    args: KEYS,
    ..BASE
};

pub static SINTERCARD: CommandSpec = CommandSpec {
    name: "sintercard",
    proc_: sintercard_command,
    arity: -3,
    flags: cmd::READONLY,
    acl: acl::SET,
    key_specs: &[KeySpec {
        notes: "",
        flags: &["RO", "access"],
        begin: BeginSearch::Index(1),
        find: FindKeys::Keynum {
            keynumidx: 0,
            firstkey: 1,
            keystep: 1,
        },
    }],
    summary: "Count the members common to all the given sets, up to a limit",
    since: "7.0.0",
    group: "set",
    complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
    args: &[
        Arg::new("numkeys", ArgType::Integer),
        Arg::new("key", ArgType::Key(0)).flags(arg::MULTIPLE),
        Arg::new("limit", ArgType::Integer)
            .token("LIMIT")
            .flags(arg::OPTIONAL),
    ],
    ..BASE
};

pub static SINTERSTORE: CommandSpec = CommandSpec {
    name: "sinterstore",
    proc_: sinterstore_command,
    arity: -3,
    flags: cmd::WRITE | cmd::DENYOOM,
    acl: acl::SET,
    key_specs: &[KeySpec::range(1, 0, &["RW", "update"]), all_keys_from(2)],
    summary: "Store the intersection of sets at a key",
    since: "1.0.0",
    group: "set",
    complexity: "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.",
    args: DEST_KEYS,
    ..BASE
};

pub static SUNION: CommandSpec = CommandSpec {
    name: "sunion",
    proc_: sunion_command,
    arity: -2,
    flags: cmd::READONLY,
    acl: acl::SET,
    key_specs: &[all_keys_from(1)],
    tips: &["nondeterministic_output_order"],
    summary: "Return the members of any of the given sets",
    since: "1.0.0",
    group: "set",
    complexity: "O(N) where N is the total number of elements in all given sets.",
    args: KEYS,
    ..BASE
};

pub static SUNIONSTORE: CommandSpec = CommandSpec {
    name: "sunionstore",
    proc_: sunionstore_command,
    arity: -3,
    flags: cmd::WRITE | cmd::DENYOOM,
    acl: acl::SET,
    key_specs: &[KeySpec::range(1, 0, &["OW", "update"]), all_keys_from(2)],
    summary: "Store the union of sets at a key",
    since: "1.0.0",
    group: "set",
    complexity: "O(N) where N is the total number of elements in all given sets.",
    args: DEST_KEYS,
    ..BASE
};

pub static SDIFF: CommandSpec = CommandSpec {
    name: "sdiff",
    proc_: sdiff_command,
    arity: -2,
    flags: cmd::READONLY,
    acl: acl::SET,
    key_specs: &[all_keys_from(1)],
    tips: &["nondeterministic_output_order"],
    summary: "Return the members of the first set that no other given set has",
    since: "1.0.0",
    group: "set",
    complexity: "O(N) where N is the total number of elements in all given sets.",
    args: KEYS,
    ..BASE
};

pub static SDIFFSTORE: CommandSpec = CommandSpec {
    name: "sdiffstore",
    proc_: sdiffstore_command,
    arity: -3,
    flags: cmd::WRITE | cmd::DENYOOM,
    acl: acl::SET,
    key_specs: &[KeySpec::range(1, 0, &["OW", "update"]), all_keys_from(2)],
    summary: "Store the difference of the first set and the others at a key",
    since: "1.0.0",
    group: "set",
    complexity: "O(N) where N is the total number of elements in all given sets.",
    args: DEST_KEYS,
    ..BASE
};

pub static SSCAN: CommandSpec = CommandSpec {
    name: "sscan",
    proc_: sscan_command,
    arity: -3,
    flags: cmd::READONLY,
    acl: acl::SET,
    key_specs: &[KeySpec::range(1, 0, &["RO", "access"])],
    tips: &["nondeterministic_output"],
    summary: "Iterate incrementally over the members of a set",
    since: "2.8.0",
    group: "set",
    complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
    args: &[
        Arg::new("key", ArgType::Key(0)),
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

// ---------------------------------------------------------------------------
// Lookups.

/// The set at `key` after a read (or write) lookup: `Ok(None)` when
/// missing, `Err(WrongType)` for another type (`checkType`).
fn lookup_set<'a>(
    server: &'a mut Server,
    db: usize,
    key: &[u8],
    write: bool,
) -> Result<Option<&'a mut Set>, CommandError> {
    let found = if write {
        server.lookup_write(db, key)
    } else {
        server.lookup_read(db, key)
    };
    match found {
        None => Ok(None),
        Some(Obj {
            value: Value::Set(s),
            ..
        }) => Ok(Some(s)),
        Some(_) => Err(CommandError::WrongType),
    }
}

/// The set at `key` and the server's PRNG, for a key already looked up
/// and known to hold a set.
fn set_and_rng<'a>(
    server: &'a mut Server,
    db: usize,
    key: &[u8],
) -> Option<(&'a mut Set, &'a mut Rng)> {
    let rng = &mut server.rng;
    match server.dbs.get_mut(db)?.dict.get_mut(key) {
        Some(Obj {
            value: Value::Set(s),
            ..
        }) => Some((s, rng)),
        _ => None,
    }
}

/// `set-max-intset-entries` as a length.
fn max_intset(server: &Server) -> usize {
    usize::try_from(server.config.set_max_intset_entries).unwrap_or(usize::MAX)
}

/// Replies with `members` as a RESP3 set (an array in RESP2).
fn reply_set(server: &mut Server, id: ClientId, members: &[Vec<u8>]) {
    let r = server.reply(id);
    r.set_len(members.len());
    for m in members {
        r.bulk(m);
    }
}

/// Replies with `members` as an array.
fn reply_array(server: &mut Server, id: ClientId, members: &[Vec<u8>]) {
    let r = server.reply(id);
    r.array_len(members.len());
    for m in members {
        r.bulk(m);
    }
}

// ---------------------------------------------------------------------------
// Single-set commands.

/// `SADD key member [member ...]` (`saddCommand`).
fn sadd_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    let max = max_intset(server);
    let key = &argv[1];
    let added = match lookup_set(server, db, key, true) {
        Err(e) => return server.reply(id).error(&e),
        Ok(Some(set)) => argv[2..].iter().filter(|m| set.add(m, max)).count(),
        Ok(None) => {
            let mut set = Set::new_for(&argv[2]);
            let added = argv[2..].iter().filter(|m| set.add(m, max)).count();
            server.db_add(db, key, Value::Set(Box::new(set)));
            added
        }
    };
    // Adding only members already there changes nothing.
    if added > 0 {
        server.dirty += added as u64;
        server.signal_and_notify(db, key, class::SET, "sadd");
    }
    server.reply(id).integer(added as i64);
}

/// `SREM key member [member ...]` (`sremCommand`): an emptied set is
/// deleted.
fn srem_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    let key = &argv[1];
    let (removed, emptied) = match lookup_set(server, db, key, true) {
        Err(e) => return server.reply(id).error(&e),
        Ok(None) => (0, false),
        Ok(Some(set)) => {
            let mut removed: u64 = 0;
            for m in &argv[2..] {
                if set.remove(m) {
                    removed += 1;
                    if set.is_empty() {
                        break;
                    }
                }
            }
            (removed, set.is_empty())
        }
    };
    if removed > 0 {
        server.dirty += removed;
        server.notify(class::SET, "srem", key, db);
        deleted_if_emptied(server, db, key, emptied);
        signal_modified_key(server, db, key);
    }
    server.reply(id).integer(removed as i64);
}

/// `SMEMBERS key`: in Redis 7.0 this is SINTER of one key.
fn smembers_command(server: &mut Server, id: ClientId, argv: &Argv) {
    sinter_generic(server, id, &argv[1..], None, None);
}

/// `SISMEMBER key member`.
fn sismember_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    let n = match lookup_set(server, db, &argv[1], false) {
        Err(e) => return server.reply(id).error(&e),
        Ok(None) => 0,
        Ok(Some(set)) => i64::from(set.contains(&argv[2])),
    };
    server.reply(id).integer(n);
}

/// `SMISMEMBER key member [member ...]`: a missing key answers 0 for all.
fn smismember_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    let answers: Vec<i64> = match lookup_set(server, db, &argv[1], false) {
        Err(e) => return server.reply(id).error(&e),
        Ok(None) => vec![0; argv.len() - 2],
        Ok(Some(set)) => argv[2..]
            .iter()
            .map(|m| i64::from(set.contains(m)))
            .collect(),
    };
    let r = server.reply(id);
    r.array_len(answers.len());
    for a in answers {
        r.integer(a);
    }
}

/// `SCARD key`.
fn scard_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    let n = match lookup_set(server, db, &argv[1], false) {
        Err(e) => return server.reply(id).error(&e),
        Ok(None) => 0,
        Ok(Some(set)) => set.len(),
    };
    server.reply(id).integer(n as i64);
}

/// `SPOP key [count]` (`spopCommand`).
fn spop_command(server: &mut Server, id: ClientId, argv: &Argv) {
    match argv.len() {
        3 => return spop_with_count(server, id, argv),
        n if n > 3 => return server.reply(id).error(&CommandError::Syntax),
        _ => {}
    }
    let db = server.client_db(id);
    let key = &argv[1];
    match lookup_set(server, db, key, true) {
        Err(e) => return server.reply(id).error(&e),
        Ok(None) => return server.reply(id).null(),
        Ok(Some(_)) => {}
    }
    let Some((set, rng)) = set_and_rng(server, db, key) else {
        return server.reply(id).null();
    };
    let popped = set.pop_random(rng);
    let emptied = set.is_empty();
    if popped.is_some() {
        server.dirty += 1;
        server.notify(class::SET, "spop", key, db);
        deleted_if_emptied(server, db, key, emptied);
        signal_modified_key(server, db, key);
    }
    match popped {
        Some(m) => server.reply(id).bulk(&m),
        None => server.reply(id).null(),
    }
}

/// `SPOP key count` (`spopWithCountCommand`). A count of at least the
/// size returns the whole set and deletes the key. Otherwise either
/// `count` random members are popped, or, when few would remain, the
/// remainder is picked at random and everything else is returned
/// (`SPOP_MOVE_STRATEGY_MUL`).
fn spop_with_count(server: &mut Server, id: ClientId, argv: &Argv) {
    let count = match string_to_i64(&argv[2]) {
        Some(n) if n >= 0 => n as u64,
        _ => return server.reply(id).error(&CommandError::NotPositive),
    };
    let db = server.client_db(id);
    let key = &argv[1];
    match lookup_set(server, db, key, true) {
        Err(e) => return server.reply(id).error(&e),
        Ok(None) => return server.reply(id).set_len(0),
        Ok(Some(_)) => {}
    }
    if count == 0 {
        return server.reply(id).set_len(0);
    }
    let max = max_intset(server);
    let Some((set, rng)) = set_and_rng(server, db, key) else {
        return server.reply(id).set_len(0);
    };
    let size = set.len();
    if count >= size as u64 {
        let all = set.members();
        server.dirty += all.len() as u64;
        server.notify(class::SET, "spop", key, db);
        deleted_if_emptied(server, db, key, true);
        signal_modified_key(server, db, key);
        return reply_set(server, id, &all);
    }
    let count = count as usize;
    let remaining = size - count;
    let popped: Vec<Vec<u8>> = if remaining * SPOP_MOVE_STRATEGY_MUL > count {
        (0..count).filter_map(|_| set.pop_random(rng)).collect()
    } else {
        // Keep `remaining` random members in a new set of the same
        // encoding and return the rest of the old one.
        let mut kept = Set::default();
        if matches!(set.repr, Repr::Table(_)) {
            kept.convert();
        }
        for _ in 0..remaining {
            if let Some(m) = set.pop_random(rng) {
                kept.add(&m, max);
            }
        }
        let rest = set.members();
        *set = kept;
        rest
    };
    server.dirty += popped.len() as u64;
    server.signal_and_notify(db, key, class::SET, "spop");
    reply_set(server, id, &popped);
}

/// `SRANDMEMBER key [count]` (`srandmemberCommand`).
fn srandmember_command(server: &mut Server, id: ClientId, argv: &Argv) {
    match argv.len() {
        3 => return srandmember_with_count(server, id, argv),
        n if n > 3 => return server.reply(id).error(&CommandError::Syntax),
        _ => {}
    }
    let db = server.client_db(id);
    let key = &argv[1];
    match lookup_set(server, db, key, false) {
        Err(e) => return server.reply(id).error(&e),
        Ok(None) => return server.reply(id).null(),
        Ok(Some(_)) => {}
    }
    let picked = set_and_rng(server, db, key).and_then(|(set, rng)| set.random_member(rng));
    match picked {
        Some(m) => server.reply(id).bulk(&m),
        None => server.reply(id).null(),
    }
}

/// `SRANDMEMBER key count` (`srandmemberWithCountCommand`): a negative
/// count allows repeats; a positive one returns distinct members, the
/// whole set when it is at least the size. The reply is an array in
/// RESP3 too, as Redis 7.0's.
fn srandmember_with_count(server: &mut Server, id: ClientId, argv: &Argv) {
    let (count, unique) = match string_to_i64(&argv[2]) {
        None => return server.reply(id).error(&CommandError::NotAnInteger),
        Some(i64::MIN) => {
            return server
                .reply(id)
                .error(&CommandError::ValueOutOfRangeBetween(-i64::MAX, i64::MAX))
        }
        Some(n) => (n.unsigned_abs(), n >= 0),
    };
    let db = server.client_db(id);
    let key = &argv[1];
    match lookup_set(server, db, key, false) {
        Err(e) => return server.reply(id).error(&e),
        Ok(None) => return server.reply(id).array_len(0),
        Ok(Some(_)) => {}
    }
    if count == 0 {
        return server.reply(id).array_len(0);
    }
    let Some((set, rng)) = set_and_rng(server, db, key) else {
        return server.reply(id).array_len(0);
    };
    let size = set.len();

    // Repeats allowed: `count` independent picks, streamed out.
    if !unique {
        let picks: Vec<Vec<u8>> = (0..count).map_while(|_| set.random_member(rng)).collect();
        return reply_array(server, id, &picks);
    }

    // The whole set.
    if count >= size as u64 {
        let all = set.members();
        return reply_array(server, id, &all);
    }

    // Distinct members: pick at random until there are enough, or, for a
    // count near the size, copy the set and remove random members.
    let count = count as usize;
    let picks: Vec<Vec<u8>> = if count * SRANDMEMBER_SUB_STRATEGY_MUL > size {
        let mut copy = set.clone();
        while copy.len() > count {
            copy.pop_random(rng);
        }
        copy.members()
    } else {
        let mut chosen: Dict<()> = Dict::new();
        while chosen.len() < count {
            match set.random_member(rng) {
                Some(m) => {
                    if !chosen.contains_key(&m) {
                        chosen.insert_new(Sds::from_vec(m), ());
                    }
                }
                None => break,
            }
        }
        chosen.iter().map(|(k, _)| k.as_bytes().to_vec()).collect()
    };
    reply_array(server, id, &picks);
}

/// `SMOVE source destination member` (`smoveCommand`).
fn smove_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    let (src, dst, member) = (&argv[1], &argv[2], &argv[3]);
    let src_found = match lookup_set(server, db, src, true) {
        Err(e) => Err(e),
        Ok(s) => Ok(s.is_some()),
    };
    let dst_found = match lookup_set(server, db, dst, true) {
        Err(e) => Err(e),
        Ok(s) => Ok(s.is_some()),
    };
    // A missing source answers 0 before the destination's type is checked.
    match src_found {
        Ok(false) => return server.reply(id).integer(0),
        Err(e) => return server.reply(id).error(&e),
        Ok(true) => {}
    }
    let dst_exists = match dst_found {
        Err(e) => return server.reply(id).error(&e),
        Ok(b) => b,
    };
    let max = max_intset(server);
    let Ok(Some(src_set)) = lookup_set(server, db, src, true) else {
        return server.reply(id).integer(0);
    };
    if src == dst {
        let n = i64::from(src_set.contains(member));
        return server.reply(id).integer(n);
    }
    if !src_set.remove(member) {
        return server.reply(id).integer(0);
    }
    let emptied = src_set.is_empty();
    // One change for the removal, one more if the destination gains it.
    server.dirty += 1;
    server.notify(class::SET, "srem", src, db);
    deleted_if_emptied(server, db, src, emptied);
    if !dst_exists {
        server.db_add(db, dst, Value::Set(Box::new(Set::new_for(member))));
    }
    signal_modified_key(server, db, src);
    // The destination changes only when it did not hold the member yet.
    let added = match lookup_set(server, db, dst, true) {
        Ok(Some(dst_set)) => dst_set.add(member, max),
        _ => false,
    };
    if added {
        server.dirty += 1;
        server.signal_and_notify(db, dst, class::SET, "sadd");
    }
    server.reply(id).integer(1);
}

// ---------------------------------------------------------------------------
// Multi-set commands.

/// Looks up every key in order (expiring, counting hits and misses,
/// publishing `keymiss`) and returns which exist; `Err` at the first key
/// of another type, before anything else is done, as Redis checks them.
/// The *STORE forms read their sources this way too, as Redis 7.0 does.
fn check_sets(server: &mut Server, db: usize, keys: &[Vec<u8>]) -> Result<Vec<bool>, CommandError> {
    let mut present = Vec::with_capacity(keys.len());
    for key in keys {
        present.push(lookup_set(server, db, key, false)?.is_some());
    }
    Ok(present)
}

/// The set at `key` without any lookup side effect, for keys that
/// [`check_sets`] has already looked up.
fn peek_set<'a>(server: &'a Server, db: usize, key: &[u8]) -> Option<&'a Set> {
    match server.dbs.get(db)?.dict.get(key) {
        Some(Obj {
            value: Value::Set(s),
            ..
        }) => Some(s),
        _ => None,
    }
}

/// Stores `result` at `dst` and publishes `event`, or deletes `dst` when
/// the result is empty (`del`), and replies with its size: the end of
/// every *STORE command. The deletion does not look the key up first, so
/// an expired `dst` is deleted as `del`, not `expired`, as in Redis.
fn store_result(
    server: &mut Server,
    id: ClientId,
    db: usize,
    dst: &[u8],
    result: Set,
    event: &str,
) {
    // One change for the whole result, or for deleting `dst`.
    let n = result.len();
    if n > 0 {
        server.set_key(db, dst, Value::Set(Box::new(result)), false);
        server.dirty += 1;
        server.notify(class::SET, event, dst, db);
    } else if server.dbs[db].delete(dst) {
        server.dirty += 1;
        server.signal_and_notify(db, dst, class::GENERIC, "del");
    }
    server.reply(id).integer(n as i64);
}

/// Deletes the set at `key` if `emptied`, publishing `del`.
fn deleted_if_emptied(server: &mut Server, db: usize, key: &[u8], emptied: bool) {
    if emptied {
        server.dbs[db].delete(key);
        server.notify(class::GENERIC, "del", key, db);
    }
}

/// What an intersection is computed into.
enum InterOut {
    /// SINTER/SMEMBERS: the members, in the smallest set's order.
    Members(Vec<Vec<u8>>),
    /// SINTERSTORE: a new set.
    Store(Set),
    /// SINTERCARD: the count, stopping at the limit (0: no limit).
    Card { count: usize, limit: usize },
}

/// SINTER, SINTERSTORE, SINTERCARD and SMEMBERS (`sinterGenericCommand`).
/// `card_limit` is `Some(limit)` for SINTERCARD (0: no limit).
fn sinter_generic(
    server: &mut Server,
    id: ClientId,
    keys: &[Vec<u8>],
    dst: Option<&[u8]>,
    card_limit: Option<usize>,
) {
    let db = server.client_db(id);
    let max = max_intset(server);
    let present = match check_sets(server, db, keys) {
        Ok(p) => p,
        Err(e) => return server.reply(id).error(&e),
    };
    // Any missing key makes the intersection empty.
    if present.iter().any(|p| !p) {
        return match (dst, card_limit) {
            (Some(dst), _) => store_result(server, id, db, dst, Set::default(), "sinterstore"),
            (None, Some(_)) => server.reply(id).integer(0),
            (None, None) => server.reply(id).set_len(0),
        };
    }
    let mut out = match (dst, card_limit) {
        (Some(_), _) => InterOut::Store(Set::default()),
        (None, Some(limit)) => InterOut::Card { count: 0, limit },
        (None, None) => InterOut::Members(Vec::new()),
    };

    // Walk the smallest set, keeping members every other set has.
    {
        let mut sets: Vec<&Set> = keys
            .iter()
            .filter_map(|k| peek_set(server, db, k))
            .collect();
        sets.sort_by_key(|s| s.len());
        if let Some((smallest, others)) = sets.split_first() {
            let mut done = false;
            smallest.for_each(|m| {
                if done || !others.iter().all(|s| s.contains(m)) {
                    return;
                }
                match &mut out {
                    InterOut::Members(v) => v.push(m.to_vec()),
                    InterOut::Store(set) => {
                        set.add(m, max);
                    }
                    InterOut::Card { count, limit } => {
                        *count += 1;
                        done = *limit != 0 && *count >= *limit;
                    }
                }
            });
        }
    }
    match (out, dst) {
        (InterOut::Store(set), Some(dst)) => store_result(server, id, db, dst, set, "sinterstore"),
        (InterOut::Card { count, .. }, _) => server.reply(id).integer(count as i64),
        (InterOut::Members(v), _) => reply_set(server, id, &v),
        (InterOut::Store(_), None) => server.reply(id).set_len(0),
    }
}

/// `SINTER key [key ...]`.
fn sinter_command(server: &mut Server, id: ClientId, argv: &Argv) {
    sinter_generic(server, id, &argv[1..], None, None);
}

/// `SINTERSTORE destination key [key ...]`.
fn sinterstore_command(server: &mut Server, id: ClientId, argv: &Argv) {
    sinter_generic(server, id, &argv[2..], Some(&argv[1]), None);
}

/// `SINTERCARD numkeys key [key ...] [LIMIT limit]` (`sinterCardCommand`).
fn sintercard_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let numkeys = match string_to_i64(&argv[1]) {
        Some(n) if n >= 1 => n as u64,
        _ => return server.reply(id).error(&CommandError::NumkeysNotPositive),
    };
    let available = (argv.len() - 2) as u64;
    if numkeys > available {
        return server.reply(id).error(&CommandError::NumkeysExceedArgs);
    }
    let numkeys = numkeys as usize;
    let mut limit = 0usize;
    let mut i = 2 + numkeys;
    while i < argv.len() {
        if argv[i].eq_ignore_ascii_case(b"limit") && i + 1 < argv.len() {
            match string_to_i64(&argv[i + 1]) {
                Some(n) if n >= 0 => limit = usize::try_from(n).unwrap_or(usize::MAX),
                _ => return server.reply(id).error(&CommandError::LimitNegative),
            }
            i += 2;
        } else {
            return server.reply(id).error(&CommandError::Syntax);
        }
    }
    sinter_generic(server, id, &argv[2..2 + numkeys], None, Some(limit));
}

/// Which of SUNION and SDIFF (`SET_OP_UNION`, `SET_OP_DIFF`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum SetOp {
    Union,
    Diff,
}

/// SUNION, SDIFF and their *STORE forms (`sunionDiffGenericCommand`).
/// The result is built as a new set, so its encoding follows its members
/// and its reply order is that set's (ascending for an intset).
fn sunion_diff_generic(
    server: &mut Server,
    id: ClientId,
    keys: &[Vec<u8>],
    dst: Option<&[u8]>,
    op: SetOp,
) {
    let db = server.client_db(id);
    let max = max_intset(server);
    if let Err(e) = check_sets(server, db, keys) {
        return server.reply(id).error(&e);
    }
    let mut result = Set::default();
    {
        let sets: Vec<Option<&Set>> = keys.iter().map(|k| peek_set(server, db, k)).collect();
        match op {
            SetOp::Union => {
                for set in sets.iter().flatten() {
                    set.for_each(|m| {
                        result.add(m, max);
                    });
                }
            }
            SetOp::Diff => {
                if let Some((Some(first), rest)) = sets.split_first() {
                    first.for_each(|m| {
                        if !rest.iter().flatten().any(|s| s.contains(m)) {
                            result.add(m, max);
                        }
                    });
                }
            }
        }
    }
    match dst {
        Some(dst) => {
            let event = match op {
                SetOp::Union => "sunionstore",
                SetOp::Diff => "sdiffstore",
            };
            store_result(server, id, db, dst, result, event)
        }
        None => {
            let members = result.members();
            reply_set(server, id, &members);
        }
    }
}

/// `SUNION key [key ...]`.
fn sunion_command(server: &mut Server, id: ClientId, argv: &Argv) {
    sunion_diff_generic(server, id, &argv[1..], None, SetOp::Union);
}

/// `SUNIONSTORE destination key [key ...]`.
fn sunionstore_command(server: &mut Server, id: ClientId, argv: &Argv) {
    sunion_diff_generic(server, id, &argv[2..], Some(&argv[1]), SetOp::Union);
}

/// `SDIFF key [key ...]`.
fn sdiff_command(server: &mut Server, id: ClientId, argv: &Argv) {
    sunion_diff_generic(server, id, &argv[1..], None, SetOp::Diff);
}

/// `SDIFFSTORE destination key [key ...]`.
fn sdiffstore_command(server: &mut Server, id: ClientId, argv: &Argv) {
    sunion_diff_generic(server, id, &argv[2..], Some(&argv[1]), SetOp::Diff);
}

/// `SSCAN key cursor [MATCH pattern] [COUNT count]` (`sscanCommand`,
/// `scanGenericCommand`): the cursor is checked first, then the key, then
/// the options, in Redis's order.
fn sscan_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let Some(cursor) = parse_scan_cursor(&argv[2]) else {
        return server.reply(id).error(&CommandError::InvalidCursor);
    };
    let db = server.client_db(id);
    let exists = match lookup_set(server, db, &argv[1], false) {
        Err(e) => return server.reply(id).error(&e),
        Ok(s) => s.is_some(),
    };
    // A missing key answers an empty scan without reading the options.
    let (count, pattern) = if exists {
        match parse_scan_options(&argv[3..], false) {
            Ok(opts) => (
                usize::try_from(opts.count).unwrap_or(usize::MAX),
                opts.pattern,
            ),
            Err(e) => return server.reply(id).error(&e),
        }
    } else {
        (10, None)
    };
    // Already looked up: a second lookup would count (and publish) a
    // missing key twice.
    let (next, mut members) = match peek_set(server, db, &argv[1]) {
        Some(set) => set.scan(cursor, count),
        None => (0, Vec::new()),
    };
    if let Some(p) = pattern {
        members.retain(|m| glob_match(p, m, false));
    }
    let r = server.reply(id);
    r.array_len(2);
    let mut buf = [0u8; 20];
    let len = write_u64(&mut buf, next);
    r.bulk(&buf[..len]);
    r.array_len(members.len());
    for m in &members {
        r.bulk(m);
    }
}

/// Writes `n` in decimal into `out`, returning the length.
fn write_u64(out: &mut [u8; 20], mut n: u64) -> usize {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let len = digits.len() - i;
    out[..len].copy_from_slice(&digits[i..]);
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intset_widens_for_big_members_and_matches_a_model() {
        let mut rng = Rng::new(9);
        let mut set = IntSet::I16(Vec::new());
        let mut model = std::collections::BTreeSet::new();
        let widths = [0, 1 << 20, i64::MAX];
        for step in 0..3000 {
            // Small members first, then 32-bit ones, then any.
            let range = widths[(step / 1000).min(2)].max(300);
            let n = rng.below(range as usize) as i64 - (range / 2);
            if rng.below(3) == 0 {
                assert_eq!(set.remove(n), model.remove(&n), "step {step}");
            } else {
                assert_eq!(set.insert(n), model.insert(n), "step {step}");
            }
            assert_eq!(set.contains(n), model.contains(&n));
        }
        assert!(matches!(set, IntSet::I64(_)), "widened to 8 bytes");
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            model.iter().copied().collect::<Vec<_>>()
        );
        for (n, width) in [(5, 2), (-40_000, 4), (1 << 40, 8), (i64::MIN, 8)] {
            let mut s = IntSet::from_sorted(vec![n]);
            let got = match s {
                IntSet::I16(_) => 2,
                IntSet::I32(_) => 4,
                IntSet::I64(_) => 8,
            };
            assert_eq!(got, width, "{n}");
            assert!(s.contains(n) && !s.contains(n.wrapping_add(1)));
            assert!(s.insert(i64::MAX) && s.contains(i64::MAX) && s.contains(n));
        }
    }

    #[test]
    fn intset_stays_sorted_and_converts() {
        let mut s = Set::new_for(b"5");
        assert_eq!(s.encoding(), "intset");
        for m in [b"5", b"1", b"3", b"1"] {
            s.add(m, 4);
        }
        assert_eq!(
            s.members(),
            vec![b"1".to_vec(), b"3".to_vec(), b"5".to_vec()]
        );
        assert!(s.contains(b"3") && !s.contains(b"03") && !s.contains(b"x"));
        s.add(b"-7", 4);
        assert_eq!(s.encoding(), "intset");
        s.add(b"9", 4);
        assert_eq!(s.encoding(), "hashtable");
        assert_eq!(s.len(), 5);
        assert!(s.contains(b"-7"));
        let mut t = Set::new_for(b"1");
        t.add(b"01", 512);
        assert_eq!(t.encoding(), "hashtable");
        assert!(t.contains(b"01") && !t.contains(b"1"));
    }

    #[test]
    fn clone_and_eq() {
        let mut s = Set::new_for(b"a");
        s.add(b"a", 512);
        s.add(b"b", 512);
        let c = s.clone();
        assert_eq!(s, c);
        s.remove(b"a");
        assert_ne!(s, c);
    }

    #[test]
    fn u64_digits() {
        let mut buf = [0u8; 20];
        let n = write_u64(&mut buf, u64::MAX);
        assert_eq!(&buf[..n], b"18446744073709551615");
        let n = write_u64(&mut buf, 0);
        assert_eq!(&buf[..n], b"0");
    }
}
