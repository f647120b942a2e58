//! Stored values and the OBJECT command.
//!
//! Mirrors: `object.c` (`createStringObject`, `tryObjectEncoding`,
//! `createStringObjectFromLongLongForValue`, `dupStringObject`,
//! `objectCommand`) and the `robj` of server.h.
//!
//! A [`Value`] is what a key holds. Strings come in Redis's three
//! encodings, which OBJECT ENCODING reports and which decide how a value
//! is stored here:
//!
//! ```text
//!   int     Int(i64)                     "12345": a number, no bytes kept
//!   embstr  Small { len, buf: [u8; 22] } up to 22 bytes, inside the entry
//!           Emb(Box<[u8]>)               23 to 44 bytes, one allocation
//!   raw     Raw(Box<Vec<u8>>)            longer, or changed by APPEND /
//!                                        SETRANGE (growable)
//! ```
//!
//! A `Value` is 24 bytes; with its access clock an [`Obj`] is 32. Later
//! issues add the other types as boxed variants, keeping that size.
//!
//! Deviations from Redis: no reference counting or shared objects; OBJECT
//! REFCOUNT reports what Redis would (`INT_MAX` for the shared integers
//! 0..9999, else 1).

use std::borrow::Cow;

use super::commands::{acl, cmd, Arg, ArgType, CommandSpec, KeySpec, BASE};
use super::errors::CommandError;
use super::reply::write_i64;
use super::resp::{string_to_i64, Argv};
use super::{ClientId, Server};

/// Longest string stored as `embstr` (`OBJ_ENCODING_EMBSTR_SIZE_LIMIT`).
pub const EMBSTR_SIZE_LIMIT: usize = 44;
/// Integers below this are shared objects in Redis (`OBJ_SHARED_INTEGERS`).
pub const OBJ_SHARED_INTEGERS: i64 = 10000;
/// Inline capacity of a short string.
const SMALL_CAP: usize = 22;

/// A stored value (`robj` with its type and encoding).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A string holding a number (`OBJ_ENCODING_INT`).
    Int(i64),
    /// A short string kept inline (`OBJ_ENCODING_EMBSTR`).
    Small { len: u8, buf: [u8; SMALL_CAP] },
    /// A string of at most 44 bytes (`OBJ_ENCODING_EMBSTR`).
    Emb(Box<[u8]>),
    /// Any other string (`OBJ_ENCODING_RAW`), growable in place.
    Raw(Box<Vec<u8>>),
    /// A list (t_list.rs).
    List(Box<super::t_list::List>),
    /// A hash (t_hash.rs).
    Hash(Box<super::t_hash::Hash>),
    /// A set (t_set.rs).
    Set(Box<super::t_set::Set>),
    /// A sorted set (t_zset.rs).
    ZSet(Box<super::t_zset::ZSet>),
}

/// A value with its access clock (`robj.lru`): the LRU clock, in seconds,
/// of the last access.
#[derive(Clone, Debug)]
pub struct Obj {
    pub value: Value,
    pub lru: u32,
}

impl Value {
    /// A string from bytes, encoded as `tryObjectEncoding` would: `int`
    /// when it reads as a number of at most 20 bytes, `embstr` up to 44
    /// bytes, `raw` above.
    pub fn string(bytes: &[u8]) -> Value {
        if bytes.len() <= 20 {
            if let Some(n) = string_to_i64(bytes) {
                return Value::Int(n);
            }
        }
        Value::embstr_or_raw(bytes)
    }

    /// A string kept as bytes, never as `int` (`createStringObject`), as
    /// INCRBYFLOAT stores its result.
    pub fn embstr_or_raw(bytes: &[u8]) -> Value {
        if bytes.len() <= SMALL_CAP {
            let mut buf = [0u8; SMALL_CAP];
            buf[..bytes.len()].copy_from_slice(bytes);
            Value::Small {
                len: bytes.len() as u8,
                buf,
            }
        } else if bytes.len() <= EMBSTR_SIZE_LIMIT {
            Value::Emb(bytes.into())
        } else {
            Value::Raw(Box::new(bytes.to_vec()))
        }
    }

    /// A raw string taking ownership of `bytes`.
    pub fn raw(bytes: Vec<u8>) -> Value {
        Value::Raw(Box::new(bytes))
    }

    /// `TYPE`'s name for the value.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::List(_) => "list",
            Value::Hash(_) => "hash",
            Value::Set(_) => "set",
            Value::ZSet(_) => "zset",
            _ => "string",
        }
    }

    /// OBJECT ENCODING's name for the value.
    pub fn encoding(&self) -> &'static str {
        match self {
            Value::Int(_) => "int",
            Value::Small { .. } | Value::Emb(_) => "embstr",
            Value::Raw(_) => "raw",
            Value::List(l) => l.encoding(),
            Value::Hash(h) => h.encoding(),
            Value::Set(s) => s.encoding(),
            Value::ZSet(z) => z.encoding(),
        }
    }

    /// Whether the value is a string.
    pub fn is_string(&self) -> bool {
        matches!(
            self,
            Value::Int(_) | Value::Small { .. } | Value::Emb(_) | Value::Raw(_)
        )
    }

    /// The string's bytes (a number is formatted); empty for the other
    /// types, whose callers check [`Value::is_string`] first.
    pub fn string_bytes(&self) -> Cow<'_, [u8]> {
        match self {
            Value::Int(n) => {
                let mut tmp = [0u8; 20];
                let len = write_i64(&mut tmp, *n);
                Cow::Owned(tmp[..len].to_vec())
            }
            Value::Small { len, buf } => Cow::Borrowed(&buf[..usize::from(*len)]),
            Value::Emb(b) => Cow::Borrowed(b),
            Value::Raw(v) => Cow::Borrowed(v.as_slice()),
            Value::List(_) | Value::Hash(_) | Value::Set(_) | Value::ZSet(_) => Cow::Borrowed(&[]),
        }
    }

    /// Length of the string in bytes (`stringObjectLen`).
    pub fn string_len(&self) -> usize {
        match self {
            Value::Int(n) => {
                let mut tmp = [0u8; 20];
                write_i64(&mut tmp, *n)
            }
            other => other.string_bytes().len(),
        }
    }

    /// The value as an integer, if it reads as one (`getLongLongFromObject`).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            other => string_to_i64(&other.string_bytes()),
        }
    }

    /// Turns the value into a growable raw string and returns it, for
    /// APPEND and SETRANGE (`dbUnshareStringValue`).
    pub fn make_raw(&mut self) -> &mut Vec<u8> {
        if !matches!(self, Value::Raw(_)) {
            *self = Value::raw(self.string_bytes().into_owned());
        }
        match self {
            Value::Raw(v) => v,
            // Just converted above.
            _ => unreachable!("make_raw converted the value to Raw"),
        }
    }

    /// OBJECT REFCOUNT as Redis reports it.
    pub fn refcount(&self) -> i64 {
        match self {
            Value::Int(n) if (0..OBJ_SHARED_INTEGERS).contains(n) => i64::from(i32::MAX),
            _ => 1,
        }
    }
}

const OBJECT_KEY: &[KeySpec] = &[KeySpec::range(2, 0, &["RO"])];
const OBJECT_ARGS: &[Arg] = &[Arg::new("key", ArgType::Key(0))];

pub static OBJECT: CommandSpec = CommandSpec {
    name: "object",
    proc_: |_, _, _| {},
    arity: -2,
    summary: "Inspect the internals of stored values",
    since: "2.2.3",
    group: "generic",
    complexity: "Depends on subcommand.",
    subcommands: &[
        CommandSpec {
            name: "encoding",
            parent: Some("object"),
            proc_: object_encoding_command,
            arity: 3,
            flags: cmd::READONLY,
            acl: acl::KEYSPACE,
            key_specs: OBJECT_KEY,
            tips: &["nondeterministic_output"],
            summary: "Internal encoding of a value",
            since: "2.2.3",
            group: "generic",
            complexity: "O(1)",
            args: OBJECT_ARGS,
            ..BASE
        },
        CommandSpec {
            name: "freq",
            parent: Some("object"),
            proc_: object_freq_command,
            arity: 3,
            flags: cmd::READONLY,
            acl: acl::KEYSPACE,
            key_specs: OBJECT_KEY,
            tips: &["nondeterministic_output"],
            summary: "Access frequency counter of a key",
            since: "4.0.0",
            group: "generic",
            complexity: "O(1)",
            args: OBJECT_ARGS,
            ..BASE
        },
        CommandSpec {
            name: "help",
            parent: Some("object"),
            proc_: object_help_command,
            arity: 2,
            flags: cmd::LOADING | cmd::STALE,
            acl: acl::KEYSPACE,
            summary: "List the OBJECT subcommands",
            since: "6.2.0",
            group: "generic",
            complexity: "O(1)",
            ..BASE
        },
        CommandSpec {
            name: "idletime",
            parent: Some("object"),
            proc_: object_idletime_command,
            arity: 3,
            flags: cmd::READONLY,
            acl: acl::KEYSPACE,
            key_specs: OBJECT_KEY,
            tips: &["nondeterministic_output"],
            summary: "Seconds since a key was last accessed",
            since: "2.2.3",
            group: "generic",
            complexity: "O(1)",
            args: OBJECT_ARGS,
            ..BASE
        },
        CommandSpec {
            name: "refcount",
            parent: Some("object"),
            proc_: object_refcount_command,
            arity: 3,
            flags: cmd::READONLY,
            acl: acl::KEYSPACE,
            key_specs: OBJECT_KEY,
            tips: &["nondeterministic_output"],
            summary: "Reference count of a value",
            since: "2.2.3",
            group: "generic",
            complexity: "O(1)",
            args: OBJECT_ARGS,
            ..BASE
        },
    ],
    ..BASE
};

/// The value at `argv[2]` without touching its access time, or a null
/// reply (`objectCommandLookup`: `LOOKUP_NOTOUCH|LOOKUP_NONOTIFY`). An
/// expired key is deleted (`expired`), but a miss publishes no
/// `keymiss`.
fn object_lookup<'a>(server: &'a mut Server, id: ClientId, argv: &Argv) -> Option<&'a Obj> {
    let db = server.client(id).db;
    if server.lookup_inspect(db, &argv[2]).is_none() {
        server.reply(id).null();
        return None;
    }
    server.dbs[db].dict.get(&argv[2])
}

fn object_encoding_command(server: &mut Server, id: ClientId, argv: &Argv) {
    if let Some(o) = object_lookup(server, id, argv) {
        let enc = o.value.encoding();
        server.reply(id).bulk(enc.as_bytes());
    }
}

fn object_refcount_command(server: &mut Server, id: ClientId, argv: &Argv) {
    if let Some(o) = object_lookup(server, id, argv) {
        let n = o.value.refcount();
        server.reply(id).integer(n);
    }
}

fn object_idletime_command(server: &mut Server, id: ClientId, argv: &Argv) {
    if let Some(lru) = object_lookup(server, id, argv).map(|o| o.lru) {
        let idle = server.lru_clock.wrapping_sub(lru);
        server.reply(id).integer(i64::from(idle));
    }
}

fn object_freq_command(server: &mut Server, id: ClientId, argv: &Argv) {
    if object_lookup(server, id, argv).is_some() {
        // Frequencies are only tracked under an LFU maxmemory policy, which
        // comes with eviction.
        server.reply(id).error(&CommandError::LfuNotSelected);
    }
}

fn object_help_command(server: &mut Server, id: ClientId, _argv: &Argv) {
    super::command_cmd::add_reply_help(
        server.reply(id),
        "OBJECT",
        &[
            "ENCODING <key>",
            "    The internal encoding of the value at <key>.",
            "FREQ <key>",
            "    The access frequency counter of <key> (LFU policies only).",
            "IDLETIME <key>",
            "    Seconds since <key> was last read or written.",
            "REFCOUNT <key>",
            "    The reference count of the value at <key>.",
        ],
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_follow_try_object_encoding() {
        assert_eq!(std::mem::size_of::<Value>(), 24);
        assert_eq!(Value::string(b"12345"), Value::Int(12345));
        assert_eq!(Value::string(b"-7").encoding(), "int");
        assert_eq!(Value::string(b"012").encoding(), "embstr");
        assert_eq!(Value::string(b"12345678901234567890").encoding(), "embstr");
        assert_eq!(Value::string(&[b'x'; 44]).encoding(), "embstr");
        assert_eq!(Value::string(&[b'x'; 45]).encoding(), "raw");
        assert_eq!(Value::embstr_or_raw(b"10").encoding(), "embstr");
        let mut v = Value::string(b"99");
        v.make_raw().extend_from_slice(b"1");
        assert_eq!(v.encoding(), "raw");
        assert_eq!(v.string_bytes().as_ref(), b"991");
        assert_eq!(v.as_i64(), Some(991));
        assert_eq!(Value::Int(-12).string_len(), 3);
        assert_eq!(Value::Int(5).refcount(), 2147483647);
        assert_eq!(Value::Int(10000).refcount(), 1);
    }
}
