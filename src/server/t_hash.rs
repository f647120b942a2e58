//! Hash commands and the hash value.
//!
//! Mirrors: `t_hash.c` (`hashTypeTryConversion`, `hashTypeSet`,
//! `hashTypeDelete`, `hashTypeConvert`, `hashTypeLookupWriteOrCreate`,
//! `hsetCommand` and the other command procs, `hrandfieldWithCountCommand`)
//! and the hash half of `db.c`'s `scanGenericCommand`.
//!
//! A [`Hash`] has Redis's two encodings, which OBJECT ENCODING reports:
//!
//! ```text
//!   listpack   one byte buffer of length-prefixed entries, in insertion
//!              order; a lookup is a linear scan, as in Redis
//!              [len][field bytes][len][value bytes][len][field]...
//!              len = LEB128 varint (one byte below 128)
//!   hashtable  Dict<Sds>: field -> value, one chained entry per field
//! ```
//!
//! A new hash starts as a listpack. It becomes a hash table, for good,
//! when a field or value longer than `hash-max-listpack-value` bytes is
//! about to be stored (`hashTypeTryConversion` on the arguments of HSET,
//! and the check inside `hashTypeSet` for HINCRBY* fields), or when an
//! insertion takes the length above `hash-max-listpack-entries`. Like
//! Redis, nothing ever converts back, and HSETNX of an existing field
//! converts nothing.
//!
//! Why a byte buffer and not a `Vec<(Sds, Sds)>`: a pair of `Sds` costs
//! 48 bytes however short its strings, while the buffer costs the bytes
//! plus one length byte per string, a little less than Redis's own
//! listpack (which also keeps a back-length per entry). The buffer is
//! grown with `reserve_exact` and shrunk after deletions, as Redis
//! reallocates its listpack on every change.
//!
//! Field order: a listpack replies in insertion order (an update keeps the
//! field's place), so small hashes compare byte for byte with Redis; a
//! hash table replies in bucket order, which differs from Redis's.
//!
//! Change counting (`server.dirty`): HSET and HMSET count every field
//! given, new or not, changed or not; HDEL one per field removed; HSETNX,
//! HINCRBY and HINCRBYFLOAT one each (HINCRBY even when adding 0).
//!
//! Deviations from Redis: no 1 GiB `lpSafeToAdd` limit on the buffer; the
//! hash table's iteration order and HRANDFIELD's random choices differ.

use std::collections::HashSet;
use std::fmt;

use super::commands::{acl, arg, cmd, Arg, ArgType, CommandSpec, KeySpec, BASE};
use super::db::{parse_scan_cursor, parse_scan_options};
use super::dict::Dict;
use super::errors::CommandError;
use super::multi::signal_modified_key;
use super::notify::class;
use super::object::Value;
use super::resp::{string_to_i64, Argv};
use super::sds::Sds;
use super::util::{glob_match, Rng};
use super::util::{len_size, read_entry, write_len};
use super::{ClientId, Server};

// ---------------------------------------------------------------------------
// The listpack encoding
// ---------------------------------------------------------------------------

/// The compact encoding: field/value strings back to back.
#[derive(Clone, Debug, PartialEq, Default)]
struct Listpack {
    buf: Vec<u8>,
    /// Number of field/value pairs.
    pairs: usize,
}

/// Where one pair sits in the buffer.
struct PairPos {
    start: usize,
    value: (usize, usize),
}

impl Listpack {
    fn iter(&self) -> LpIter<'_> {
        LpIter {
            buf: &self.buf,
            pos: 0,
        }
    }

    fn find(&self, field: &[u8]) -> Option<PairPos> {
        let mut pos = 0;
        while let Some((fs, fe)) = read_entry(&self.buf, pos) {
            let (vs, ve) = read_entry(&self.buf, fe)?;
            if &self.buf[fs..fe] == field {
                return Some(PairPos {
                    start: pos,
                    value: (vs, ve),
                });
            }
            pos = ve;
        }
        None
    }

    fn get(&self, field: &[u8]) -> Option<&[u8]> {
        self.find(field).map(|p| &self.buf[p.value.0..p.value.1])
    }

    /// Sets `field`; true when it is new.
    fn set(&mut self, field: &[u8], value: &[u8]) -> bool {
        match self.find(field) {
            Some(p) => {
                let mut enc = Vec::with_capacity(len_size(value.len()) + value.len());
                write_len(&mut enc, value.len());
                enc.extend_from_slice(value);
                // The value's length prefix starts right after the field.
                let old_start = p.value.0 - len_size(p.value.1 - p.value.0);
                let old_len = p.value.1 - old_start;
                if enc.len() > old_len {
                    self.buf.reserve_exact(enc.len() - old_len);
                }
                self.buf.splice(old_start..p.value.1, enc);
                if enc_shrunk(&self.buf) {
                    self.buf.shrink_to_fit();
                }
                false
            }
            None => {
                let need =
                    len_size(field.len()) + field.len() + len_size(value.len()) + value.len();
                self.buf.reserve_exact(need);
                write_len(&mut self.buf, field.len());
                self.buf.extend_from_slice(field);
                write_len(&mut self.buf, value.len());
                self.buf.extend_from_slice(value);
                self.pairs += 1;
                true
            }
        }
    }

    fn remove(&mut self, field: &[u8]) -> bool {
        let Some(p) = self.find(field) else {
            return false;
        };
        self.buf.drain(p.start..p.value.1);
        self.pairs -= 1;
        if enc_shrunk(&self.buf) {
            self.buf.shrink_to_fit();
        }
        true
    }
}

/// Whether a buffer keeps enough spare capacity to be worth giving back.
fn enc_shrunk(buf: &Vec<u8>) -> bool {
    buf.capacity() - buf.len() >= 16
}

struct LpIter<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for LpIter<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let (fs, fe) = read_entry(self.buf, self.pos)?;
        let (vs, ve) = read_entry(self.buf, fe)?;
        self.pos = ve;
        Some((&self.buf[fs..fe], &self.buf[vs..ve]))
    }
}

// ---------------------------------------------------------------------------
// The hash table encoding
// ---------------------------------------------------------------------------

/// `Dict<Sds>` with the comparisons a `Value` needs.
struct Table(Dict<Sds>);

impl Clone for Table {
    fn clone(&self) -> Table {
        let mut d = Dict::new();
        for (k, v) in self.0.iter() {
            d.insert(k.as_bytes(), v.clone());
        }
        Table(d)
    }
}

impl PartialEq for Table {
    fn eq(&self, other: &Table) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .all(|(k, v)| other.0.get(k.as_bytes()) == Some(v))
    }
}

impl fmt::Debug for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.iter()).finish()
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Enc {
    Listpack(Listpack),
    Table(Box<Table>),
}

/// The conversion thresholds, from `hash-max-listpack-entries` and
/// `hash-max-listpack-value`.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub entries: usize,
    pub value: usize,
}

impl Limits {
    /// The thresholds configured on `server`.
    pub fn of(server: &Server) -> Limits {
        let c = &server.config;
        Limits {
            entries: usize::try_from(c.hash_max_listpack_entries).unwrap_or(usize::MAX),
            value: usize::try_from(c.hash_max_listpack_value).unwrap_or(usize::MAX),
        }
    }
}

/// A hash value (`OBJ_HASH`, listpack or hashtable encoded).
#[derive(Clone, Debug, PartialEq)]
pub struct Hash {
    enc: Enc,
}

impl Default for Hash {
    fn default() -> Hash {
        Hash::new()
    }
}

impl Hash {
    /// An empty listpack hash (`createHashObject`).
    pub fn new() -> Hash {
        Hash {
            enc: Enc::Listpack(Listpack::default()),
        }
    }

    /// OBJECT ENCODING's name for the value.
    pub fn encoding(&self) -> &'static str {
        match self.enc {
            Enc::Listpack(_) => "listpack",
            Enc::Table(_) => "hashtable",
        }
    }

    /// Number of fields (`hashTypeLength`).
    pub fn len(&self) -> usize {
        match &self.enc {
            Enc::Listpack(lp) => lp.pairs,
            Enc::Table(t) => t.0.len(),
        }
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of `field` (`hashTypeGetValue`).
    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        match &self.enc {
            Enc::Listpack(lp) => lp.get(field),
            Enc::Table(t) => t.0.get(field).map(Sds::as_bytes),
        }
    }

    /// Converts to a hash table (`hashTypeConvert`).
    fn convert(&mut self) {
        if let Enc::Listpack(lp) = &self.enc {
            let mut d = Dict::with_capacity(lp.pairs);
            for (f, v) in lp.iter() {
                d.insert(f, Sds::new(v));
            }
            self.enc = Enc::Table(Box::new(Table(d)));
        }
    }

    /// Converts a listpack when any of `strings` is longer than the limit
    /// (`hashTypeTryConversion`).
    pub fn try_conversion<'a>(
        &mut self,
        strings: impl IntoIterator<Item = &'a [u8]>,
        limits: Limits,
    ) {
        if matches!(self.enc, Enc::Listpack(_))
            && strings.into_iter().any(|s| s.len() > limits.value)
        {
            self.convert();
        }
    }

    /// Makes room in a listpack hash for strings of the given lengths (a
    /// loader that knows every pair up front grows the buffer once).
    pub fn reserve_listpack(&mut self, lengths: impl IntoIterator<Item = usize>) {
        if let Enc::Listpack(lp) = &mut self.enc {
            let need: usize = lengths.into_iter().map(|n| len_size(n) + n).sum();
            lp.buf.reserve_exact(need);
        }
    }

    /// Sets `field` to `value`; true when the field is new (`hashTypeSet`).
    pub fn set(&mut self, field: &[u8], value: &[u8], limits: Limits) -> bool {
        self.try_conversion([field, value], limits);
        match &mut self.enc {
            Enc::Listpack(lp) => {
                let new = lp.set(field, value);
                if lp.pairs > limits.entries {
                    self.convert();
                }
                new
            }
            Enc::Table(t) => t.0.insert(field, Sds::new(value)).is_none(),
        }
    }

    /// Deletes `field`; true when it existed (`hashTypeDelete`).
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match &mut self.enc {
            Enc::Listpack(lp) => lp.remove(field),
            Enc::Table(t) => {
                let found = t.0.remove(field).is_some();
                if found {
                    t.0.shrink_if_sparse();
                }
                found
            }
        }
    }

    /// Every field and value: insertion order for a listpack, bucket order
    /// for a hash table.
    pub fn iter(&self) -> Box<dyn Iterator<Item = (&[u8], &[u8])> + '_> {
        match &self.enc {
            Enc::Listpack(lp) => Box::new(lp.iter()),
            Enc::Table(t) => Box::new(t.0.iter().map(|(k, v)| (k.as_bytes(), v.as_bytes()))),
        }
    }

    /// One random pair (`hashTypeRandomElement`).
    pub fn random_pair(&self, rng: &mut Rng) -> Option<(&[u8], &[u8])> {
        match &self.enc {
            Enc::Listpack(lp) => lp.iter().nth(rng.below(lp.pairs)),
            Enc::Table(t) => {
                t.0.random_entry(rng)
                    .map(|(k, v)| (k.as_bytes(), v.as_bytes()))
            }
        }
    }

    /// One step of HSCAN: the pairs visited and the next cursor. A listpack
    /// is returned whole with cursor 0, as Redis does.
    fn scan_step(&self, cursor: u64, out: &mut Vec<(Vec<u8>, Vec<u8>)>) -> u64 {
        match &self.enc {
            Enc::Listpack(lp) => {
                out.extend(lp.iter().map(|(f, v)| (f.to_vec(), v.to_vec())));
                0
            }
            Enc::Table(t) => t.0.scan(cursor, |k, v| {
                out.push((k.as_bytes().to_vec(), v.as_bytes().to_vec()))
            }),
        }
    }

    /// DEBUG HTSTATS-KEY's statistics; `None` for a listpack.
    pub fn table_stats(&self) -> Option<String> {
        match &self.enc {
            Enc::Listpack(_) => None,
            Enc::Table(t) => Some(t.0.stats()),
        }
    }

    /// DEBUG LISTPACK's description of a listpack, entry by entry;
    /// `None` for a hash table.
    pub fn describe_listpack(&self) -> Option<String> {
        let Enc::Listpack(lp) = &self.enc else {
            return None;
        };
        let pairs = lp.iter().flat_map(|(f, v)| [f, v]);
        Some(super::debug::describe_entries(lp.buf.len(), pairs))
    }

    /// Mixes the hash into a key's digest as `xorObjectDigest` does for
    /// `OBJ_HASH`: the SHA1 of each pair's digest, XORed
    /// in, so order does not matter.
    pub fn digest(&self, digest: &mut [u8; 20]) {
        for (f, v) in self.iter() {
            let mut ele = [0u8; 20];
            super::debug::mix_digest(&mut ele, f);
            super::debug::mix_digest(&mut ele, v);
            super::debug::xor_digest(digest, &ele);
        }
    }
}

// ---------------------------------------------------------------------------
// Command table
// ---------------------------------------------------------------------------

/// Every command of this module, for the command table.
pub static COMMANDS: [&CommandSpec; 16] = [
    &HSET,
    &HSETNX,
    &HGET,
    &HMSET,
    &HMGET,
    &HGETALL,
    &HDEL,
    &HLEN,
    &HSTRLEN,
    &HEXISTS,
    &HKEYS,
    &HVALS,
    &HINCRBY,
    &HINCRBYFLOAT,
    &HRANDFIELD,
    &HSCAN,
];

const KEY: Arg = Arg::new("key", ArgType::Key(0));
const FIELD: Arg = Arg::new("field", ArgType::String);
const FIELDS: Arg = Arg::new("field", ArgType::String).flags(arg::MULTIPLE);
const FIELD_VALUE: Arg = Arg::new(
    "field_value",
    ArgType::Block(&[
        Arg::new("field", ArgType::String),
        Arg::new("value", ArgType::String),
    ]),
)
.flags(arg::MULTIPLE);
const RW_UPDATE: &[KeySpec] = &[KeySpec::range(1, 0, &["RW", "update"])];
const RW_ACCESS_UPDATE: &[KeySpec] = &[KeySpec::range(1, 0, &["RW", "access", "update"])];
const RO_ACCESS: &[KeySpec] = &[KeySpec::range(1, 0, &["RO", "access"])];
const RO: &[KeySpec] = &[KeySpec::range(1, 0, &["RO"])];
const ORDER: &[&str] = &["nondeterministic_output_order"];
const OUTPUT: &[&str] = &["nondeterministic_output"];

pub static HSET: CommandSpec = CommandSpec {
    name: "hset",
    proc_: hset_command,
    arity: -4,
    flags: cmd::WRITE | cmd::DENYOOM | cmd::FAST,
    acl: acl::HASH,
    key_specs: RW_UPDATE,
    summary: "Set one or more fields of a hash to values",
    since: "2.0.0",
    group: "hash",
    complexity: "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.",
    args: &[KEY, FIELD_VALUE],
    ..BASE
};

pub static HSETNX: CommandSpec = CommandSpec {
    name: "hsetnx",
    proc_: hsetnx_command,
    arity: 4,
    flags: cmd::WRITE | cmd::DENYOOM | cmd::FAST,
    acl: acl::HASH,
    key_specs: &[KeySpec::range(1, 0, &["RW", "insert"])],
    summary: "Set a hash field only when it is not there yet",
    since: "2.0.0",
    group: "hash",
    complexity: "O(1)",
    args: &[KEY, FIELD, Arg::new("value", ArgType::String)],
    ..BASE
};

pub static HGET: CommandSpec = CommandSpec {
    name: "hget",
    proc_: hget_command,
    arity: 3,
    flags: cmd::READONLY | cmd::FAST,
    acl: acl::HASH,
    key_specs: RO_ACCESS,
    summary: "Read the value of one hash field",
    since: "2.0.0",
    group: "hash",
    complexity: "O(1)",
    args: &[KEY, FIELD],
    ..BASE
};

pub static HMSET: CommandSpec = CommandSpec {
    name: "hmset",
    proc_: hmset_command,
    arity: -4,
    flags: cmd::WRITE | cmd::DENYOOM | cmd::FAST,
    acl: acl::HASH,
    key_specs: RW_UPDATE,
    summary: "Set several hash fields (deprecated form of HSET)",
    since: "2.0.0",
    group: "hash",
    complexity: "O(N) where N is the number of fields being set.",
    args: &[KEY, FIELD_VALUE],
    ..BASE
};

pub static HMGET: CommandSpec = CommandSpec {
    name: "hmget",
    proc_: hmget_command,
    arity: -3,
    flags: cmd::READONLY | cmd::FAST,
    acl: acl::HASH,
    key_specs: RO_ACCESS,
    summary: "Read the values of several hash fields",
    since: "2.0.0",
    group: "hash",
    complexity: "O(N) where N is the number of fields being requested.",
    args: &[KEY, FIELDS],
    ..BASE
};

pub static HGETALL: CommandSpec = CommandSpec {
    name: "hgetall",
    proc_: hgetall_command,
    arity: 2,
    flags: cmd::READONLY,
    acl: acl::HASH,
    key_specs: RO_ACCESS,
    tips: ORDER,
    summary: "Read every field and value of a hash",
    since: "2.0.0",
    group: "hash",
    complexity: "O(N) where N is the size of the hash.",
    args: &[KEY],
    ..BASE
};

pub static HDEL: CommandSpec = CommandSpec {
    name: "hdel",
    proc_: hdel_command,
    arity: -3,
    flags: cmd::WRITE | cmd::FAST,
    acl: acl::HASH,
    key_specs: &[KeySpec::range(1, 0, &["RW", "delete"])],
    summary: "Remove fields from a hash",
    since: "2.0.0",
    group: "hash",
    complexity: "O(N) where N is the number of fields to be removed.",
    args: &[KEY, FIELDS],
    ..BASE
};

pub static HLEN: CommandSpec = CommandSpec {
    name: "hlen",
    proc_: hlen_command,
    arity: 2,
    flags: cmd::READONLY | cmd::FAST,
    acl: acl::HASH,
    key_specs: RO,
    summary: "Count the fields of a hash",
    since: "2.0.0",
    group: "hash",
    complexity: "O(1)",
    args: &[KEY],
    ..BASE
};

pub static HSTRLEN: CommandSpec = CommandSpec {
    name: "hstrlen",
    proc_: hstrlen_command,
    arity: 3,
    flags: cmd::READONLY | cmd::FAST,
    acl: acl::HASH,
    key_specs: RO,
    summary: "Length in bytes of a hash field's value",
    since: "3.2.0",
    group: "hash",
    complexity: "O(1)",
    args: &[KEY, FIELD],
    ..BASE
};

pub static HEXISTS: CommandSpec = CommandSpec {
    name: "hexists",
    proc_: hexists_command,
    arity: 3,
    flags: cmd::READONLY | cmd::FAST,
    acl: acl::HASH,
    key_specs: RO,
    summary: "Tell whether a hash has a field",
    since: "2.0.0",
    group: "hash",
    complexity: "O(1)",
    args: &[KEY, FIELD],
    ..BASE
};

pub static HKEYS: CommandSpec = CommandSpec {
    name: "hkeys",
    proc_: hkeys_command,
    arity: 2,
    flags: cmd::READONLY,
    acl: acl::HASH,
    key_specs: RO_ACCESS,
    tips: ORDER,
    summary: "List the fields of a hash",
    since: "2.0.0",
    group: "hash",
    complexity: "O(N) where N is the size of the hash.",
    args: &[KEY],
    ..BASE
};

pub static HVALS: CommandSpec = CommandSpec {
    name: "hvals",
    proc_: hvals_command,
    arity: 2,
    flags: cmd::READONLY,
    acl: acl::HASH,
    key_specs: RO_ACCESS,
    tips: ORDER,
    summary: "List the values of a hash",
    since: "2.0.0",
    group: "hash",
    complexity: "O(N) where N is the size of the hash.",
    args: &[KEY],
    ..BASE
};

pub static HINCRBY: CommandSpec = CommandSpec {
    name: "hincrby",
    proc_: hincrby_command,
    arity: 4,
    flags: cmd::WRITE | cmd::DENYOOM | cmd::FAST,
    acl: acl::HASH,
    key_specs: RW_ACCESS_UPDATE,
    summary: "Add an integer to a hash field",
    since: "2.0.0",
    group: "hash",
    complexity: "O(1)",
    args: &[KEY, FIELD, Arg::new("increment", ArgType::Integer)],
    ..BASE
};

pub static HINCRBYFLOAT: CommandSpec = CommandSpec {
    name: "hincrbyfloat",
    proc_: hincrbyfloat_command,
    arity: 4,
    flags: cmd::WRITE | cmd::DENYOOM | cmd::FAST,
    acl: acl::HASH,
    key_specs: RW_ACCESS_UPDATE,
    summary: "Add a floating point number to a hash field",
    since: "2.6.0",
    group: "hash",
    complexity: "O(1)",
    args: &[KEY, FIELD, Arg::new("increment", ArgType::Double)],
    ..BASE
};

pub static HRANDFIELD: CommandSpec = CommandSpec {
    name: "hrandfield",
    proc_: hrandfield_command,
    arity: -2,
    flags: cmd::READONLY,
    acl: acl::HASH,
    key_specs: RO_ACCESS,
    tips: OUTPUT,
    summary: "Pick random fields, optionally with values, from a hash",
    since: "6.2.0",
    group: "hash",
    complexity: "O(N) where N is the number of fields returned",
    args: &[
        KEY,
        Arg::new(
            "options",
            ArgType::Block(&[
                Arg::new("count", ArgType::Integer),
                Arg::new("withvalues", ArgType::PureToken)
                    .token("WITHVALUES")
                    .flags(arg::OPTIONAL),
            ]),
        )
        .flags(arg::OPTIONAL),
    ],
    ..BASE
};

pub static HSCAN: CommandSpec = CommandSpec {
    name: "hscan",
    proc_: hscan_command,
    arity: -3,
    flags: cmd::READONLY,
    acl: acl::HASH,
    key_specs: RO_ACCESS,
    tips: OUTPUT,
    summary: "Iterate over the fields and values of a hash with a cursor",
    since: "2.8.0",
    group: "hash",
    complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
    args: &[
        KEY,
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
// Lookups
// ---------------------------------------------------------------------------

/// The hash at `key` for reading: `Ok(None)` when missing, `WrongType`
/// for another type.
fn read_hash<'a>(
    server: &'a mut Server,
    db: usize,
    key: &[u8],
) -> Result<Option<&'a mut Hash>, CommandError> {
    match server.lookup_read(db, key) {
        None => Ok(None),
        Some(o) => match &mut o.value {
            Value::Hash(h) => Ok(Some(h)),
            _ => Err(CommandError::WrongType),
        },
    }
}

/// Checks that `key` is missing or a hash, for writing.
fn check_write(server: &mut Server, db: usize, key: &[u8]) -> Result<bool, CommandError> {
    match server.lookup_write(db, key) {
        None => Ok(false),
        Some(o) if matches!(o.value, Value::Hash(_)) => Ok(true),
        Some(_) => Err(CommandError::WrongType),
    }
}

/// The hash at `key`, created empty when missing
/// (`hashTypeLookupWriteOrCreate`). Callers validate their arguments
/// first, so that no empty hash is ever left behind.
fn write_hash<'a>(
    server: &'a mut Server,
    db: usize,
    key: &[u8],
) -> Result<&'a mut Hash, CommandError> {
    if !check_write(server, db, key)? {
        server.db_add(db, key, Value::Hash(Box::default()));
    }
    match server.dbs[db].dict.get_mut(key).map(|o| &mut o.value) {
        Some(Value::Hash(h)) => Ok(h),
        _ => Err(CommandError::WrongType),
    }
}

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

/// HSET and HMSET (`hsetCommand`): pairs after the key.
fn hset_generic(server: &mut Server, id: ClientId, argv: &Argv, name: &str, reply_ok: bool) {
    if argv.len() % 2 == 1 {
        return server
            .reply(id)
            .error(&CommandError::WrongArity(name.to_string()));
    }
    let db = server.client_db(id);
    let limits = Limits::of(server);
    let h = match write_hash(server, db, &argv[1]) {
        Ok(h) => h,
        Err(e) => return server.reply(id).error(&e),
    };
    h.try_conversion(argv[2..].iter().map(|a| a.as_slice()), limits);
    let mut created = 0;
    for pair in argv[2..].chunks_exact(2) {
        if h.set(&pair[0], &pair[1], limits) {
            created += 1;
        }
    }
    // Counted and published even when every value was already there.
    server.dirty += ((argv.len() - 2) / 2) as u64;
    server.signal_and_notify(db, &argv[1], class::HASH, "hset");
    if reply_ok {
        server.reply(id).ok();
    } else {
        server.reply(id).integer(created);
    }
}

/// `HSET key field value [field value ...]`
fn hset_command(server: &mut Server, id: ClientId, argv: &Argv) {
    hset_generic(server, id, argv, "hset", false);
}

/// `HMSET key field value [field value ...]`
fn hmset_command(server: &mut Server, id: ClientId, argv: &Argv) {
    hset_generic(server, id, argv, "hmset", true);
}

/// `HSETNX key field value`: an existing field is left alone, and so is
/// the encoding.
fn hsetnx_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    let limits = Limits::of(server);
    let h = match write_hash(server, db, &argv[1]) {
        Ok(h) => h,
        Err(e) => return server.reply(id).error(&e),
    };
    if h.get(&argv[2]).is_some() {
        return server.reply(id).integer(0);
    }
    h.set(&argv[2], &argv[3], limits);
    server.dirty += 1;
    server.signal_and_notify(db, &argv[1], class::HASH, "hset");
    server.reply(id).integer(1);
}

/// `HGET key field`
fn hget_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    let value = match read_hash(server, db, &argv[1]) {
        Err(e) => return server.reply(id).error(&e),
        Ok(h) => h.and_then(|h| h.get(&argv[2])).map(<[u8]>::to_vec),
    };
    match value {
        Some(v) => server.reply(id).bulk(&v),
        None => server.reply(id).null(),
    }
}

/// `HMGET key field [field ...]`: nulls for a missing key.
fn hmget_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    let values: Vec<Option<Vec<u8>>> = match read_hash(server, db, &argv[1]) {
        Err(e) => return server.reply(id).error(&e),
        Ok(h) => argv[2..]
            .iter()
            .map(|f| h.as_ref().and_then(|h| h.get(f)).map(<[u8]>::to_vec))
            .collect(),
    };
    let r = server.reply(id);
    r.array_len(values.len());
    for v in values {
        match v {
            Some(v) => r.bulk(&v),
            None => r.null(),
        }
    }
}

/// `HDEL key field [field ...]`: the key goes when its last field does.
fn hdel_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    let key = &argv[1];
    let h = match server.lookup_write(db, key) {
        None => return server.reply(id).integer(0),
        Some(o) => match &mut o.value {
            Value::Hash(h) => h,
            _ => return server.reply(id).error(&CommandError::WrongType),
        },
    };
    let mut deleted: u64 = 0;
    for field in &argv[2..] {
        if h.remove(field) {
            deleted += 1;
            if h.is_empty() {
                break;
            }
        }
    }
    let emptied = h.is_empty();
    if deleted > 0 {
        server.dirty += deleted;
        server.notify(class::HASH, "hdel", key, db);
        if emptied {
            server.delete_key(db, key);
            server.notify(class::GENERIC, "del", key, db);
        }
        signal_modified_key(server, db, key);
    }
    server.reply(id).integer(deleted as i64);
}

/// `HLEN key`
fn hlen_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    match read_hash(server, db, &argv[1]) {
        Err(e) => server.reply(id).error(&e),
        Ok(h) => {
            let n = h.map_or(0, |h| h.len());
            server.reply(id).integer(n as i64);
        }
    }
}

/// `HSTRLEN key field`
fn hstrlen_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    match read_hash(server, db, &argv[1]) {
        Err(e) => server.reply(id).error(&e),
        Ok(h) => {
            let n = h.and_then(|h| h.get(&argv[2])).map_or(0, <[u8]>::len);
            server.reply(id).integer(n as i64);
        }
    }
}

/// `HEXISTS key field`
fn hexists_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    match read_hash(server, db, &argv[1]) {
        Err(e) => server.reply(id).error(&e),
        Ok(h) => {
            let found = h.is_some_and(|h| h.get(&argv[2]).is_some());
            server.reply(id).integer(i64::from(found));
        }
    }
}

/// What HGETALL, HKEYS and HVALS reply with.
#[derive(Clone, Copy, PartialEq)]
enum Parts {
    Both,
    Fields,
    Values,
}

/// `genericHgetallCommand`: a map for HGETALL, arrays for the others.
fn getall_generic(server: &mut Server, id: ClientId, argv: &Argv, parts: Parts) {
    let db = server.client_db(id);
    let mut items: Vec<Vec<u8>> = Vec::new();
    match read_hash(server, db, &argv[1]) {
        Err(e) => return server.reply(id).error(&e),
        Ok(None) => {}
        Ok(Some(h)) => {
            items.reserve(h.len() * if parts == Parts::Both { 2 } else { 1 });
            for (f, v) in h.iter() {
                if parts != Parts::Values {
                    items.push(f.to_vec());
                }
                if parts != Parts::Fields {
                    items.push(v.to_vec());
                }
            }
        }
    }
    let r = server.reply(id);
    if parts == Parts::Both {
        r.map_len(items.len() / 2);
    } else {
        r.array_len(items.len());
    }
    for item in items {
        r.bulk(&item);
    }
}

/// `HGETALL key`
fn hgetall_command(server: &mut Server, id: ClientId, argv: &Argv) {
    getall_generic(server, id, argv, Parts::Both);
}

/// `HKEYS key`
fn hkeys_command(server: &mut Server, id: ClientId, argv: &Argv) {
    getall_generic(server, id, argv, Parts::Fields);
}

/// `HVALS key`
fn hvals_command(server: &mut Server, id: ClientId, argv: &Argv) {
    getall_generic(server, id, argv, Parts::Values);
}

/// `HINCRBY key field increment`
fn hincrby_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let Some(incr) = string_to_i64(&argv[3]) else {
        return server.reply(id).error(&CommandError::NotAnInteger);
    };
    let db = server.client_db(id);
    let limits = Limits::of(server);
    // Check the current value before creating anything.
    let current = match read_for_update(server, db, &argv[1], &argv[2]) {
        Ok(v) => v,
        Err(e) => return server.reply(id).error(&e),
    };
    let value = match current {
        None => 0,
        Some(v) => match string_to_i64(&v) {
            Some(n) => n,
            None => return server.reply(id).error(&CommandError::HashValueNotInteger),
        },
    };
    let Some(sum) = value.checked_add(incr) else {
        return server.reply(id).error(&CommandError::IncrOverflow);
    };
    let text = sum.to_string();
    match write_hash(server, db, &argv[1]) {
        Ok(h) => {
            h.set(&argv[2], text.as_bytes(), limits);
            server.dirty += 1;
            server.signal_and_notify(db, &argv[1], class::HASH, "hincrby");
            server.reply(id).integer(sum);
        }
        Err(e) => server.reply(id).error(&e),
    }
}

/// The current value of `field` for HINCRBY*, through a write lookup.
fn read_for_update(
    server: &mut Server,
    db: usize,
    key: &[u8],
    field: &[u8],
) -> Result<Option<Vec<u8>>, CommandError> {
    match server.lookup_write(db, key) {
        None => Ok(None),
        Some(o) => match &o.value {
            Value::Hash(h) => Ok(h.get(field).map(<[u8]>::to_vec)),
            _ => Err(CommandError::WrongType),
        },
    }
}

/// `HINCRBYFLOAT key field increment`, in C `long double` like
/// INCRBYFLOAT.
fn hincrbyfloat_command(server: &mut Server, id: ClientId, argv: &Argv) {
    // The increment alone: a number, and finite.
    match super::t_string::long_double_add(b"0", &argv[3]) {
        Ok(_) => {}
        Err(CommandError::IncrNanOrInfinity) => {
            return server.reply(id).error(&CommandError::ValueNanOrInfinity)
        }
        Err(e) => return server.reply(id).error(&e),
    }
    let db = server.client_db(id);
    let limits = Limits::of(server);
    let current = match read_for_update(server, db, &argv[1], &argv[2]) {
        Ok(v) => v.unwrap_or_else(|| b"0".to_vec()),
        Err(e) => return server.reply(id).error(&e),
    };
    let text = match super::t_string::long_double_add(&current, &argv[3]) {
        Ok(text) => text,
        Err(CommandError::NotAFloat) => {
            return server.reply(id).error(&CommandError::HashValueNotFloat)
        }
        Err(e) => return server.reply(id).error(&e),
    };
    match write_hash(server, db, &argv[1]) {
        Ok(h) => {
            h.set(&argv[2], &text, limits);
            server.dirty += 1;
            server.signal_and_notify(db, &argv[1], class::HASH, "hincrbyfloat");
            server.reply(id).bulk(&text);
        }
        Err(e) => server.reply(id).error(&e),
    }
}

/// The reply of HRANDFIELD with a count: fields, or pairs.
fn reply_pairs(server: &mut Server, id: ClientId, pairs: &[(Vec<u8>, Vec<u8>)], with_values: bool) {
    let r = server.reply(id);
    if with_values && r.resp == 2 {
        r.array_len(pairs.len() * 2);
    } else {
        r.array_len(pairs.len());
    }
    for (f, v) in pairs {
        if with_values {
            if r.resp >= 3 {
                r.array_len(2);
            }
            r.bulk(f);
            r.bulk(v);
        } else {
            r.bulk(f);
        }
    }
}

/// `HRANDFIELD key [count [WITHVALUES]]` (`hrandfieldCommand`).
fn hrandfield_command(server: &mut Server, id: ClientId, argv: &Argv) {
    if argv.len() >= 3 {
        return hrandfield_with_count(server, id, argv);
    }
    let db = server.client_db(id);
    let field = match read_hash(server, db, &argv[1]) {
        Err(e) => return server.reply(id).error(&e),
        Ok(None) => None,
        Ok(Some(_)) => {
            let Server { dbs, rng, .. } = &mut *server;
            match dbs[db].dict.get(&argv[1]).map(|o| &o.value) {
                Some(Value::Hash(h)) => h.random_pair(rng).map(|(f, _)| f.to_vec()),
                _ => None,
            }
        }
    };
    match field {
        Some(f) => server.reply(id).bulk(&f),
        None => server.reply(id).null(),
    }
}

/// `hrandfieldWithCountCommand`: a positive count gives distinct fields,
/// a negative one may repeat them.
fn hrandfield_with_count(server: &mut Server, id: ClientId, argv: &Argv) {
    let count = match string_to_i64(&argv[2]) {
        None => return server.reply(id).error(&CommandError::NotAnInteger),
        Some(i64::MIN) => {
            return server
                .reply(id)
                .error(&CommandError::ValueOutOfRangeBetween(-i64::MAX, i64::MAX))
        }
        Some(n) => n,
    };
    let with_values = match argv.len() {
        3 => false,
        4 if argv[3].eq_ignore_ascii_case(b"withvalues") => true,
        _ => return server.reply(id).error(&CommandError::Syntax),
    };
    if with_values && count.unsigned_abs() > (i64::MAX / 2) as u64 {
        return server.reply(id).error(&CommandError::ValueOutOfRange);
    }
    let db = server.client_db(id);
    match read_hash(server, db, &argv[1]) {
        Err(e) => return server.reply(id).error(&e),
        Ok(None) => return server.reply(id).array_len(0),
        Ok(Some(_)) => {}
    }
    if count == 0 {
        return server.reply(id).array_len(0);
    }
    let Server { dbs, rng, .. } = &mut *server;
    let Some(Value::Hash(h)) = dbs[db].dict.get(&argv[1]).map(|o| &o.value) else {
        return;
    };
    let pairs = random_pairs(h, count, rng);
    reply_pairs(server, id, &pairs, with_values);
}

/// The pairs HRANDFIELD with a count returns.
fn random_pairs(h: &Hash, count: i64, rng: &mut Rng) -> Vec<(Vec<u8>, Vec<u8>)> {
    let own = |(f, v): (&[u8], &[u8])| (f.to_vec(), v.to_vec());
    let size = h.len();
    // Case 1: a negative count, repetitions allowed.
    if count < 0 {
        let n = count.unsigned_abs() as usize;
        let mut out = Vec::with_capacity(n.min(1 << 16));
        if let Enc::Listpack(lp) = &h.enc {
            let all: Vec<(&[u8], &[u8])> = lp.iter().collect();
            for _ in 0..n {
                if let Some(&p) = all.get(rng.below(all.len())) {
                    out.push(own(p));
                }
            }
        } else {
            for _ in 0..n {
                if let Some(p) = h.random_pair(rng) {
                    out.push(own(p));
                }
            }
        }
        return out;
    }
    let n = count as u64;
    // Case 2: at least the whole hash.
    if n >= size as u64 {
        return h.iter().map(own).collect();
    }
    let n = n as usize;
    match &h.enc {
        // Case 2.5: a listpack, sampled without repetition in its order
        // (selection sampling).
        Enc::Listpack(lp) => {
            let mut out = Vec::with_capacity(n);
            let mut left = size;
            for p in lp.iter() {
                if out.len() == n {
                    break;
                }
                if rng.below(left) < n - out.len() {
                    out.push(own(p));
                }
                left -= 1;
            }
            out
        }
        // Case 3: most of the table: copy it, drop random entries.
        Enc::Table(_) if n * 3 > size => {
            let mut all: Vec<(Vec<u8>, Vec<u8>)> = h.iter().map(own).collect();
            while all.len() > n {
                let i = rng.below(all.len());
                all.swap_remove(i);
            }
            all
        }
        // Case 4: a few of many: pick until enough distinct fields.
        Enc::Table(t) => {
            let mut seen: HashSet<Vec<u8>> = HashSet::with_capacity(n);
            let mut out = Vec::with_capacity(n);
            while out.len() < n {
                let Some((f, v)) = t.0.random_entry(rng) else {
                    break;
                };
                if seen.insert(f.as_bytes().to_vec()) {
                    out.push((f.as_bytes().to_vec(), v.as_bytes().to_vec()));
                }
            }
            out
        }
    }
}

/// `HSCAN key cursor [MATCH pattern] [COUNT count]`: the cursor is checked
/// before the key, the options after it, as in Redis.
fn hscan_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let Some(cursor) = parse_scan_cursor(&argv[2]) else {
        return server.reply(id).error(&CommandError::InvalidCursor);
    };
    let db = server.client_db(id);
    match read_hash(server, db, &argv[1]) {
        Err(e) => return server.reply(id).error(&e),
        Ok(None) => {
            let r = server.reply(id);
            r.array_len(2);
            r.bulk(b"0");
            return r.array_len(0);
        }
        Ok(Some(_)) => {}
    }
    let (count, pattern) = match parse_scan_options(&argv[3..], false) {
        Ok(opts) => (opts.count, opts.pattern),
        Err(e) => return server.reply(id).error(&e),
    };
    let Some(Value::Hash(h)) = server.dbs[db].dict.get(&argv[1]).map(|o| &o.value) else {
        return;
    };
    // Visit at most COUNT * 10 buckets to collect about COUNT pairs.
    let mut pairs = Vec::new();
    let mut next = cursor;
    let mut iterations = count.saturating_mul(10);
    loop {
        next = h.scan_step(next, &mut pairs);
        iterations -= 1;
        if next == 0 || iterations <= 0 || pairs.len() as i64 >= count {
            break;
        }
    }
    pairs.retain(|(f, _)| pattern.is_none_or(|p| glob_match(p, f, false)));
    let r = server.reply(id);
    r.array_len(2);
    r.bulk(next.to_string().as_bytes());
    r.array_len(pairs.len() * 2);
    for (f, v) in pairs {
        r.bulk(&f);
        r.bulk(&v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        entries: 4,
        value: 8,
    };

    #[test]
    fn listpack_set_update_remove_keep_order() {
        let mut h = Hash::new();
        assert!(h.set(b"a", b"1", LIMITS));
        assert!(h.set(b"b", b"2", LIMITS));
        assert!(!h.set(b"a", b"longer", LIMITS));
        assert_eq!(h.get(b"a"), Some(&b"longer"[..]));
        let fields: Vec<&[u8]> = h.iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec![&b"a"[..], b"b"]);
        assert!(h.remove(b"a"));
        assert!(!h.remove(b"a"));
        assert_eq!(h.len(), 1);
        assert_eq!(h.encoding(), "listpack");
    }

    #[test]
    fn converts_past_the_thresholds() {
        let mut h = Hash::new();
        for i in 0..4u8 {
            h.set(&[b'f', i], b"v", LIMITS);
        }
        assert_eq!(h.encoding(), "listpack");
        h.set(b"five", b"v", LIMITS);
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.len(), 5);

        let mut h = Hash::new();
        h.set(b"f", b"123456789", LIMITS);
        assert_eq!(h.encoding(), "hashtable");
    }

    #[test]
    fn long_strings_use_multi_byte_lengths() {
        let big = vec![b'x'; 300];
        let limits = Limits {
            entries: 10,
            value: 1000,
        };
        let mut h = Hash::new();
        h.set(&big, &big, limits);
        h.set(b"k", b"v", limits);
        assert_eq!(h.get(&big), Some(&big[..]));
        assert_eq!(h.get(b"k"), Some(&b"v"[..]));
        assert_eq!(h.encoding(), "listpack");
    }
}
