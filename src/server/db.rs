//! The databases and the keyspace commands.
//!
//! Mirrors: `db.c` (`lookupKey*`, `dbAdd`, `setKey`, `dbDelete`,
//! `expireIfNeeded`, `keyIsExpired`, `dbRandomKey`, `emptyData`,
//! `dbSwapDatabases` and the commands DEL, UNLINK, EXISTS, TYPE, KEYS,
//! SCAN, RANDOMKEY, RENAME, RENAMENX, COPY, MOVE, TOUCH, SWAPDB, DBSIZE,
//! FLUSHDB, FLUSHALL).
//!
//! A [`Db`] is two dictionaries, as in Redis: the keyspace (key → value)
//! and the expires (key → unix time in ms) for keys that have a TTL. The
//! second lets the expiry cycle sample only keys that can expire.
//!
//! Every lookup goes through lazy expiry first: a key whose time has passed
//! is deleted when it is touched (`expireIfNeeded`); the active cycle in
//! expire.rs deletes the ones nobody touches. A key is expired when the
//! current time is strictly past its expiry, as `keyIsExpired` decides.
//!
//! This layer publishes the keyspace events that belong to no command
//! (notify.rs): `new` when [`Server::set_key`] or [`Server::db_add`]
//! creates a key, `expired` (and a WATCH signal) when expiry deletes one,
//! `keymiss` when a read lookup finds nothing. Commands publish their own
//! events and signal their watchers after the change, most through
//! [`Server::signal_and_notify`].
//!
//! Change counting (`server.dirty`): DEL and UNLINK one per key deleted;
//! RENAME, RENAMENX, MOVE, COPY and SWAPDB one when they act (SWAPDB even
//! of a database with itself); FLUSHDB and FLUSHALL one per key removed,
//! so flushing an empty keyspace adds nothing. Deletions by expiry, lazy
//! or active, are not counted (they are propagated as DEL but add nothing
//! in Redis 7.0); nor are TOUCH, EXISTS or any other lookup.
//!
//! FLUSHDB/FLUSHALL ASYNC swap in empty dictionaries and hand the old ones
//! to `server.lazyfree`, which server_cron frees a little at a time: the
//! effect of Redis's lazy-free thread without a thread.

use super::commands::{acl, arg, cmd, Arg, ArgType, CommandSpec, KeySpec, BASE};
use super::connection::parse_int_or_reply;
use super::dict::Dict;
use super::errors::CommandError;
use super::multi::{signal_flushed_db, signal_modified_key};
use super::notify::{self, class};
use super::object::{Obj, Value};
use super::resp::Argv;
use super::sds::Sds;
use super::util::glob_match;
use super::{ClientId, Server};

/// One database (`redisDb`).
#[derive(Default)]
pub struct Db {
    /// Keys and values (`db->dict`).
    pub dict: Dict<Obj>,
    /// Expiry times in unix ms of the keys that have one (`db->expires`).
    pub expires: Dict<i64>,
    /// Where the active expiry cycle's scan of `expires` continues
    /// (`db->expires_cursor`).
    pub expires_cursor: u64,
    /// Running average TTL of sampled keys, for INFO keyspace (`avg_ttl`).
    pub avg_ttl: i64,
}

impl Db {
    /// Whether `key` has an expiry that has passed (`keyIsExpired`).
    pub fn is_expired(&self, key: &[u8], now_ms: i64) -> bool {
        self.expires.get(key).is_some_and(|&when| now_ms > when)
    }

    /// The expiry of `key` in unix ms, if it has one (`getExpire`).
    pub fn expire_of(&self, key: &[u8]) -> Option<i64> {
        self.expires.get(key).copied()
    }

    /// Sets the expiry of an existing key (`setExpire`).
    pub fn set_expire(&mut self, key: &[u8], when_ms: i64) {
        if let Some(slot) = self.expires.get_mut(key) {
            *slot = when_ms;
        } else {
            self.expires.insert_new(Sds::new(key), when_ms);
        }
    }

    /// Removes the expiry of `key`; returns whether it had one
    /// (`removeExpire`).
    pub fn remove_expire(&mut self, key: &[u8]) -> bool {
        self.expires.remove(key).is_some()
    }

    /// Deletes `key` and its expiry; returns whether it existed
    /// (`dbSyncDelete`).
    pub fn delete(&mut self, key: &[u8]) -> bool {
        if self.dict.remove(key).is_some() {
            self.expires.remove(key);
            true
        } else {
            false
        }
    }

    /// Number of keys with an expiry.
    pub fn expires_len(&self) -> usize {
        self.expires.len()
    }
}

/// What a lookup is for: reads count keyspace hits and misses and publish
/// `keymiss`; only the `NoTouch` kinds leave the key's access time alone
/// (`LOOKUP_NOTOUCH`), and `Inspect` publishes nothing
/// (`LOOKUP_NOTOUCH|LOOKUP_NONOTIFY`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    Read,
    ReadNoTouch,
    Inspect,
    Write,
}

impl Server {
    /// The database a client has selected.
    pub fn client_db(&mut self, id: ClientId) -> usize {
        self.client(id).db
    }

    /// Publishes a keyspace event about `key` (`notifyKeyspaceEvent`);
    /// one bit test when its class is off.
    #[inline]
    pub fn notify(&mut self, class: u32, event: &str, key: &[u8], db: usize) {
        notify::notify_keyspace_event(self, class, event, key, db);
    }

    /// The end of most writes: the watchers of `key` see a change, then
    /// `event` is published (`signalModifiedKey` + `notifyKeyspaceEvent`).
    /// Call it after the change.
    #[inline]
    pub fn signal_and_notify(&mut self, db: usize, key: &[u8], class: u32, event: &str) {
        signal_modified_key(self, db, key);
        self.notify(class, event, key, db);
    }

    /// Deletes `key` if its time has passed; returns whether it did
    /// (`expireIfNeeded`).
    pub fn expire_if_needed(&mut self, db: usize, key: &[u8]) -> bool {
        let now = self.cmd_time_ms;
        if !self.dbs[db].is_expired(key, now) {
            return false;
        }
        self.delete_expired_key(db, key);
        true
    }

    /// Deletes a key whose time has passed, for lazy and active expiry
    /// alike: counts it, publishes `expired` and touches its watchers
    /// (`deleteExpiredKeyAndPropagate`).
    pub fn delete_expired_key(&mut self, db: usize, key: &[u8]) {
        self.dbs[db].delete(key);
        self.stats.expired_keys += 1;
        self.notify(class::EXPIRED, "expired", key, db);
        signal_modified_key(self, db, key);
    }

    fn lookup(&mut self, db: usize, key: &[u8], access: Access) -> Option<&mut Obj> {
        self.expire_if_needed(db, key);
        // A read that finds nothing publishes `keymiss` (`lookupKey`).
        // Checked apart from the lookup below, which returns a borrow, and
        // only when the class is on: with it off, reads cost what they did.
        if matches!(access, Access::Read | Access::ReadNoTouch)
            && self.config.notify_keyspace_events & class::KEY_MISS != 0
            && !self.dbs[db].dict.contains_key(key)
        {
            self.stats.keyspace_misses += 1;
            self.notify(class::KEY_MISS, "keymiss", key, db);
            return None;
        }
        let lru = self.lru_clock;
        // CLIENT NO-TOUCH: the running client's lookups touch nothing.
        let no_touch = self.current_client_no_touch;
        let Server { dbs, stats, .. } = self;
        let found = dbs[db].dict.get_mut(key);
        if access != Access::Write {
            if found.is_some() {
                stats.keyspace_hits += 1;
            } else {
                stats.keyspace_misses += 1;
            }
        }
        found.map(|o| {
            if access != Access::ReadNoTouch && access != Access::Inspect && !no_touch {
                o.lru = lru;
            }
            &mut *o
        })
    }

    /// The value of `key` for reading, after lazy expiry; counts a hit or
    /// a miss and updates the access time (`lookupKeyRead`).
    pub fn lookup_read(&mut self, db: usize, key: &[u8]) -> Option<&mut Obj> {
        self.lookup(db, key, Access::Read)
    }

    /// [`Server::lookup_read`] without updating the access time, for
    /// commands that only inspect a key (EXISTS, TYPE, TTL, ...).
    pub fn lookup_read_no_touch(&mut self, db: usize, key: &[u8]) -> Option<&mut Obj> {
        self.lookup(db, key, Access::ReadNoTouch)
    }

    /// [`Server::lookup_read_no_touch`] that publishes no `keymiss`, for
    /// OBJECT and the DEBUG subcommands that inspect a key
    /// (`objectCommandLookup`).
    pub fn lookup_inspect(&mut self, db: usize, key: &[u8]) -> Option<&mut Obj> {
        self.lookup(db, key, Access::Inspect)
    }

    /// The value of `key` for writing, after lazy expiry
    /// (`lookupKeyWrite`).
    pub fn lookup_write(&mut self, db: usize, key: &[u8]) -> Option<&mut Obj> {
        self.lookup(db, key, Access::Write)
    }

    /// Stores `value` at `key`, creating it (a `new` event) or replacing
    /// it; the expiry is dropped unless `keep_ttl`; the key's watchers see
    /// a change (`setKey`). The caller publishes its own event after.
    pub fn set_key(&mut self, db: usize, key: &[u8], value: Value, keep_ttl: bool) {
        // An expired key is deleted first, so that storing over it is a
        // creation (`setKey`'s lookupKeyWrite).
        self.expire_if_needed(db, key);
        let lru = self.lru_clock;
        let d = &mut self.dbs[db];
        let created = d.dict.insert(key, Obj { value, lru }).is_none();
        if !keep_ttl {
            d.remove_expire(key);
        }
        // A created key may serve a client blocked on it (`dbAdd`'s
        // signalKeyAsReady, free when nobody waits); an overwrite
        // (`dbOverwrite`) signals nothing in Redis 7.0.
        if created {
            super::blocked::signal_key_as_ready(self, db, key);
            self.notify(class::NEW, "new", key, db);
        }
        signal_modified_key(self, db, key);
    }

    /// Adds `key`, which the caller has found missing, holding `value`
    /// (`dbAdd`): wakes its waiters and publishes `new`. Unlike
    /// [`Server::set_key`] it does not touch watchers: the command does,
    /// once it has filled the new value.
    pub fn db_add(&mut self, db: usize, key: &[u8], value: Value) {
        let lru = self.lru_clock;
        self.dbs[db].dict.insert(key, Obj { value, lru });
        super::blocked::signal_key_as_ready(self, db, key);
        self.notify(class::NEW, "new", key, db);
    }

    /// Deletes `key` after lazy expiry; returns whether a live key was
    /// deleted.
    pub fn delete_key(&mut self, db: usize, key: &[u8]) -> bool {
        self.expire_if_needed(db, key);
        self.dbs[db].delete(key)
    }

    /// Empties database `db` (every database when `None`); with `lazy`
    /// the memory is given back by cron (`emptyData` with lazyfree).
    /// Returns the number of keys removed. No keyspace event is published
    /// per key; the watchers of the keys see a change.
    pub fn empty_data(&mut self, db: Option<usize>, lazy: bool) -> usize {
        // Before emptying: whether a watched key existed decides.
        signal_flushed_db(self, db);
        let range = match db {
            Some(i) => i..i + 1,
            None => 0..self.dbs.len(),
        };
        let mut removed = 0;
        for i in range {
            let old = std::mem::take(&mut self.dbs[i]);
            removed += old.dict.len();
            if lazy {
                self.stats.lazyfreed_objects += old.dict.len() as u64;
                self.lazyfree.push(old.dict);
                self.lazyfree_expires.push(old.expires);
            }
        }
        removed
    }

    /// Frees some of what FLUSH ASYNC left, up to `max_buckets` buckets;
    /// returns whether more is left.
    pub fn lazyfree_step(&mut self, max_buckets: usize) -> bool {
        while let Some(d) = self.lazyfree.last_mut() {
            if d.free_some(max_buckets) {
                return true;
            }
            self.lazyfree.pop();
        }
        while let Some(d) = self.lazyfree_expires.last_mut() {
            if d.free_some(max_buckets) {
                return true;
            }
            self.lazyfree_expires.pop();
        }
        false
    }
}

const KEY_ARG: &[Arg] = &[Arg::new("key", ArgType::Key(0))];
const KEYS_ARG: &[Arg] = &[Arg::new("key", ArgType::Key(0)).flags(arg::MULTIPLE)];
const ALL_SHARDS_OK: &[&str] = &["request_policy:all_shards", "response_policy:all_succeeded"];
const MULTI_SHARD_SUM: &[&str] = &["request_policy:multi_shard", "response_policy:agg_sum"];
const FLUSH_ARGS: &[Arg] = &[Arg::new(
    "async",
    ArgType::OneOf(&[
        Arg::new("async", ArgType::PureToken)
            .token("ASYNC")
            .since("4.0.0"),
        Arg::new("sync", ArgType::PureToken)
            .token("SYNC")
            .since("6.2.0"),
    ]),
)
.flags(arg::OPTIONAL)];

/// Every command of this module, for the command table.
pub static COMMANDS: [&CommandSpec; 17] = [
    &SWAPDB,
    &MOVE,
    &DBSIZE,
    &FLUSHDB,
    &FLUSHALL,
    &DEL,
    &UNLINK,
    &EXISTS,
    &TYPE,
    &KEYS,
    &SCAN,
    &RANDOMKEY,
    &RENAME,
    &RENAMENX,
    &COPY,
    &TOUCH,
    &super::object::OBJECT,
];

pub static SWAPDB: CommandSpec = CommandSpec {
    name: "swapdb",
    proc_: swapdb_command,
    arity: 3,
    flags: cmd::WRITE | cmd::FAST,
    acl: acl::KEYSPACE | acl::DANGEROUS,
    summary: "Exchange the contents of two databases",
    since: "4.0.0",
    group: "server",
    complexity: "O(N)",
    args: &[
        Arg::new("index1", ArgType::Integer),
        Arg::new("index2", ArgType::Integer),
    ],
    ..BASE
};

pub static MOVE: CommandSpec = CommandSpec {
    name: "move",
    proc_: move_command,
    arity: 3,
    flags: cmd::WRITE | cmd::FAST,
    acl: acl::KEYSPACE,
    key_specs: &[KeySpec::range(1, 0, &["RW", "access", "update"])],
    summary: "Move a key to another database",
    since: "1.0.0",
    group: "generic",
    complexity: "O(1)",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("db", ArgType::Integer),
    ],
    ..BASE
};

pub static DBSIZE: CommandSpec = CommandSpec {
    name: "dbsize",
    proc_: dbsize_command,
    arity: 1,
    flags: cmd::READONLY | cmd::FAST,
    acl: acl::KEYSPACE,
    tips: &["request_policy:all_shards", "response_policy:agg_sum"],
    summary: "Number of keys in the selected database",
    since: "1.0.0",
    group: "server",
    complexity: "O(1)",
    ..BASE
};

pub static FLUSHDB: CommandSpec = CommandSpec {
    name: "flushdb",
    proc_: flushdb_command,
    arity: -1,
    flags: cmd::WRITE,
    acl: acl::KEYSPACE | acl::DANGEROUS,
    tips: ALL_SHARDS_OK,
    summary: "Delete every key of the selected database",
    since: "1.0.0",
    group: "server",
    complexity: "O(N)",
    args: FLUSH_ARGS,
    ..BASE
};

pub static FLUSHALL: CommandSpec = CommandSpec {
    name: "flushall",
    proc_: flushall_command,
    arity: -1,
    flags: cmd::WRITE,
    acl: acl::KEYSPACE | acl::DANGEROUS,
    tips: ALL_SHARDS_OK,
    summary: "Delete every key of every database",
    since: "1.0.0",
    group: "server",
    complexity: "O(N)",
    args: FLUSH_ARGS,
    ..BASE
};

pub static DEL: CommandSpec = CommandSpec {
    name: "del",
    proc_: del_command,
    arity: -2,
    flags: cmd::WRITE,
    acl: acl::KEYSPACE,
    key_specs: &[KeySpec::range(1, -1, &["RM", "delete"])],
    tips: MULTI_SHARD_SUM,
    summary: "Delete keys",
    since: "1.0.0",
    group: "generic",
    complexity: "O(N)",
    args: KEYS_ARG,
    ..BASE
};

pub static UNLINK: CommandSpec = CommandSpec {
    name: "unlink",
    proc_: del_command,
    arity: -2,
    flags: cmd::WRITE | cmd::FAST,
    acl: acl::KEYSPACE,
    key_specs: &[KeySpec::range(1, -1, &["RM", "delete"])],
    tips: MULTI_SHARD_SUM,
    summary: "Delete keys, freeing large values in the background",
    since: "4.0.0",
    group: "generic",
    complexity: "O(1)",
    args: KEYS_ARG,
    ..BASE
};

pub static EXISTS: CommandSpec = CommandSpec {
    name: "exists",
    proc_: exists_command,
    arity: -2,
    flags: cmd::READONLY | cmd::FAST,
    acl: acl::KEYSPACE,
    key_specs: &[KeySpec::range(1, -1, &["RO"])],
    tips: MULTI_SHARD_SUM,
    summary: "Count how many of the given keys exist",
    since: "1.0.0",
    group: "generic",
    complexity: "O(N)",
    args: KEYS_ARG,
    ..BASE
};

pub static TYPE: CommandSpec = CommandSpec {
    name: "type",
    proc_: type_command,
    arity: 2,
    flags: cmd::READONLY | cmd::FAST,
    acl: acl::KEYSPACE,
    key_specs: &[KeySpec::range(1, 0, &["RO"])],
    summary: "Type of the value stored at a key",
    since: "1.0.0",
    group: "generic",
    complexity: "O(1)",
    args: KEY_ARG,
    ..BASE
};

pub static KEYS: CommandSpec = CommandSpec {
    name: "keys",
    proc_: keys_command,
    arity: 2,
    flags: cmd::READONLY,
    acl: acl::KEYSPACE | acl::DANGEROUS,
    tips: &["request_policy:all_shards", "nondeterministic_output_order"],
    summary: "Every key matching a glob pattern",
    since: "1.0.0",
    group: "generic",
    complexity: "O(N)",
    args: &[Arg::new("pattern", ArgType::Pattern)],
    ..BASE
};

pub static SCAN: CommandSpec = CommandSpec {
    name: "scan",
    proc_: scan_command,
    arity: -2,
    flags: cmd::READONLY,
    acl: acl::KEYSPACE,
    tips: &["nondeterministic_output", "request_policy:special"],
    summary: "Iterate over the keys of the selected database",
    since: "2.8.0",
    group: "generic",
    complexity: "O(1)",
    args: &[
        Arg::new("cursor", ArgType::Integer),
        Arg::new("pattern", ArgType::Pattern)
            .token("MATCH")
            .flags(arg::OPTIONAL),
        Arg::new("count", ArgType::Integer)
            .token("COUNT")
            .flags(arg::OPTIONAL),
        Arg::new("type", ArgType::String)
            .token("TYPE")
            .since("6.0.0")
            .flags(arg::OPTIONAL),
    ],
    ..BASE
};

pub static RANDOMKEY: CommandSpec = CommandSpec {
    name: "randomkey",
    proc_: randomkey_command,
    arity: 1,
    flags: cmd::READONLY,
    acl: acl::KEYSPACE,
    tips: &["request_policy:all_shards", "nondeterministic_output"],
    summary: "A random key of the selected database",
    since: "1.0.0",
    group: "generic",
    complexity: "O(1)",
    ..BASE
};

pub static RENAME: CommandSpec = CommandSpec {
    name: "rename",
    proc_: rename_command,
    arity: 3,
    flags: cmd::WRITE,
    acl: acl::KEYSPACE,
    key_specs: &[
        KeySpec::range(1, 0, &["RW", "access", "delete"]),
        KeySpec::range(2, 0, &["OW", "update"]),
    ],
    summary: "Give a key a new name",
    since: "1.0.0",
    group: "generic",
    complexity: "O(1)",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("newkey", ArgType::Key(1)),
    ],
    ..BASE
};

pub static RENAMENX: CommandSpec = CommandSpec {
    name: "renamenx",
    proc_: renamenx_command,
    arity: 3,
    flags: cmd::WRITE | cmd::FAST,
    acl: acl::KEYSPACE,
    key_specs: &[
        KeySpec::range(1, 0, &["RW", "access", "delete"]),
        KeySpec::range(2, 0, &["OW", "insert"]),
    ],
    summary: "Give a key a new name only if that name is free",
    since: "1.0.0",
    group: "generic",
    complexity: "O(1)",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("newkey", ArgType::Key(1)),
    ],
    ..BASE
};

pub static COPY: CommandSpec = CommandSpec {
    name: "copy",
    proc_: copy_command,
    arity: -3,
    flags: cmd::WRITE | cmd::DENYOOM,
    acl: acl::KEYSPACE,
    key_specs: &[
        KeySpec::range(1, 0, &["RO", "access"]),
        KeySpec::range(2, 0, &["OW", "update"]),
    ],
    summary: "Copy a value to another key",
    since: "6.2.0",
    group: "generic",
    complexity: "O(N)",
    args: &[
        Arg::new("source", ArgType::Key(0)),
        Arg::new("destination", ArgType::Key(1)),
        Arg::new("destination-db", ArgType::Integer)
            .token("DB")
            .flags(arg::OPTIONAL),
        Arg::new("replace", ArgType::PureToken)
            .token("REPLACE")
            .flags(arg::OPTIONAL),
    ],
    ..BASE
};

pub static TOUCH: CommandSpec = CommandSpec {
    name: "touch",
    proc_: touch_command,
    arity: -2,
    flags: cmd::READONLY | cmd::FAST,
    acl: acl::KEYSPACE,
    key_specs: &[KeySpec::range(1, -1, &["RO"])],
    tips: MULTI_SHARD_SUM,
    summary: "Mark keys as accessed; count how many exist",
    since: "3.2.1",
    group: "generic",
    complexity: "O(N)",
    args: KEYS_ARG,
    ..BASE
};

/// `DEL key [key ...]` and `UNLINK key [key ...]`.
fn del_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    let mut deleted: u64 = 0;
    for key in &argv[1..] {
        if server.delete_key(db, key) {
            server.signal_and_notify(db, key, class::GENERIC, "del");
            deleted += 1;
        }
    }
    server.dirty += deleted;
    server.reply(id).integer(deleted as i64);
}

/// Counts the given keys that exist; duplicates count as many times as
/// given. TOUCH updates their access time, EXISTS does not.
fn count_existing(server: &mut Server, id: ClientId, argv: &Argv, touch: bool) {
    let db = server.client_db(id);
    let mut count = 0;
    for key in &argv[1..] {
        let found = if touch {
            server.lookup_read(db, key).is_some()
        } else {
            server.lookup_read_no_touch(db, key).is_some()
        };
        if found {
            count += 1;
        }
    }
    server.reply(id).integer(count);
}

/// `EXISTS key [key ...]`.
fn exists_command(server: &mut Server, id: ClientId, argv: &Argv) {
    count_existing(server, id, argv, false);
}

/// `TOUCH key [key ...]`.
fn touch_command(server: &mut Server, id: ClientId, argv: &Argv) {
    count_existing(server, id, argv, true);
}

/// `TYPE key`.
fn type_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    let name = match server.lookup_read_no_touch(db, &argv[1]) {
        Some(o) => o.value.type_name(),
        None => "none",
    };
    server.reply(id).status(name);
}

/// `KEYS pattern`: expired keys are skipped, not deleted.
fn keys_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    let now = server.cmd_time_ms;
    let pattern = &argv[1];
    let all = pattern.as_slice() == b"*";
    let d = &server.dbs[db];
    let keys: Vec<Vec<u8>> = d
        .dict
        .iter()
        .filter(|(k, _)| all || glob_match(pattern, k.as_bytes(), false))
        .filter(|(k, _)| !d.is_expired(k.as_bytes(), now))
        .map(|(k, _)| k.as_bytes().to_vec())
        .collect();
    let r = server.reply(id);
    r.array_len(keys.len());
    for k in keys {
        r.bulk(&k);
    }
}

/// A SCAN cursor as `strtoul` reads it (`parseScanCursorOrReply`): an
/// optional sign, decimal digits, nothing after; a leading space or an
/// overflow is an error. A minus sign wraps, as in C.
pub fn parse_scan_cursor(arg: &[u8]) -> Option<u64> {
    if arg.first().is_some_and(|c| c.is_ascii_whitespace()) {
        return None;
    }
    let (negative, digits) = match arg.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, arg),
    };
    let mut value: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        value = value.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some(if negative {
        value.wrapping_neg()
    } else {
        value
    })
}

/// The options of the SCAN family (`scanGenericCommand`).
pub struct ScanOptions<'a> {
    /// COUNT: how many elements to aim for, at least 1 (default 10).
    pub count: i64,
    /// MATCH, `None` when absent or `*` (which matches everything).
    pub pattern: Option<&'a [u8]>,
    /// TYPE, SCAN only.
    pub type_filter: Option<&'a [u8]>,
}

/// Reads `[MATCH pattern] [COUNT count]`, and `[TYPE type]` when
/// `allow_type`, in any order; a later option overrides an earlier one.
pub fn parse_scan_options(
    opts: &[Vec<u8>],
    allow_type: bool,
) -> Result<ScanOptions<'_>, CommandError> {
    let mut out = ScanOptions {
        count: 10,
        pattern: None,
        type_filter: None,
    };
    let mut rest = opts;
    while let Some((opt, tail)) = rest.split_first() {
        let Some((value, tail)) = tail.split_first() else {
            return Err(CommandError::Syntax);
        };
        if opt.eq_ignore_ascii_case(b"count") {
            match super::resp::string_to_i64(value) {
                None => return Err(CommandError::NotAnInteger),
                Some(n) if n < 1 => return Err(CommandError::Syntax),
                Some(n) => out.count = n,
            }
        } else if opt.eq_ignore_ascii_case(b"match") {
            out.pattern = (value.as_slice() != b"*").then_some(value.as_slice());
        } else if allow_type && opt.eq_ignore_ascii_case(b"type") {
            out.type_filter = Some(value.as_slice());
        } else {
            return Err(CommandError::Syntax);
        }
        rest = tail;
    }
    Ok(out)
}

/// `SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]`
/// (`scanGenericCommand`).
fn scan_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let Some(mut cursor) = parse_scan_cursor(&argv[1]) else {
        server.reply(id).error(&CommandError::InvalidCursor);
        return;
    };
    let ScanOptions {
        count,
        pattern,
        type_filter,
    } = match parse_scan_options(&argv[2..], true) {
        Ok(opts) => opts,
        Err(e) => return server.reply(id).error(&e),
    };

    // Collect up to COUNT keys, visiting at most COUNT * 10 buckets.
    let db = server.client_db(id);
    let mut keys: Vec<Vec<u8>> = Vec::new();
    let mut iterations = count.saturating_mul(10);
    let d = &server.dbs[db];
    loop {
        cursor = d.dict.scan(cursor, |k, _| keys.push(k.as_bytes().to_vec()));
        iterations -= 1;
        if cursor == 0 || iterations <= 0 || keys.len() as i64 >= count {
            break;
        }
    }

    // Filter by pattern and type, and drop (delete) expired keys.
    keys.retain(|k| pattern.is_none_or(|p| glob_match(p, k, false)));
    let mut kept = Vec::with_capacity(keys.len());
    for k in keys {
        if server.expire_if_needed(db, &k) {
            continue;
        }
        if let Some(t) = type_filter {
            let matches = server.dbs[db]
                .dict
                .get(&k)
                .is_some_and(|o| o.value.type_name().as_bytes().eq_ignore_ascii_case(t));
            if !matches {
                continue;
            }
        }
        kept.push(k);
    }

    let r = server.reply(id);
    r.array_len(2);
    r.bulk(cursor.to_string().as_bytes());
    r.array_len(kept.len());
    for k in kept {
        r.bulk(&k);
    }
}

/// `RANDOMKEY` (`dbRandomKey`): expired picks are deleted and another is
/// drawn.
fn randomkey_command(server: &mut Server, id: ClientId, _argv: &Argv) {
    let db = server.client_db(id);
    loop {
        let Server { dbs, rng, .. } = &mut *server;
        let Some((key, _)) = dbs[db].dict.random_entry(rng) else {
            server.reply(id).null();
            return;
        };
        let key = key.as_bytes().to_vec();
        if server.expire_if_needed(db, &key) {
            continue;
        }
        server.reply(id).bulk(&key);
        return;
    }
}

/// `RENAME` and `RENAMENX` (`renameGenericCommand`).
fn rename_generic(server: &mut Server, id: ClientId, argv: &Argv, nx: bool) {
    let db = server.client_db(id);
    let (src, dst) = (&argv[1], &argv[2]);
    if server.lookup_write(db, src).is_none() {
        server.reply(id).error(&CommandError::NoSuchKey);
        return;
    }
    if src == dst {
        if nx {
            server.reply(id).integer(0);
        } else {
            server.reply(id).ok();
        }
        return;
    }
    if server.lookup_write(db, dst).is_some() {
        if nx {
            server.reply(id).integer(0);
            return;
        }
        server.dbs[db].delete(dst);
    }
    let d = &mut server.dbs[db];
    let expire = d.expire_of(src);
    if let Some((_, obj)) = d.dict.remove_entry(src) {
        d.expires.remove(src);
        d.dict.insert_new(Sds::new(dst), obj);
        if let Some(when) = expire {
            d.set_expire(dst, when);
        }
        // The destination is added as `dbAdd` adds a key.
        super::blocked::signal_key_as_ready(server, db, dst);
        server.notify(class::NEW, "new", dst, db);
        signal_modified_key(server, db, src);
        signal_modified_key(server, db, dst);
        server.notify(class::GENERIC, "rename_from", src, db);
        server.notify(class::GENERIC, "rename_to", dst, db);
        // One change, whether or not an old `dst` was replaced.
        server.dirty += 1;
    }
    if nx {
        server.reply(id).integer(1);
    } else {
        server.reply(id).ok();
    }
}

fn rename_command(server: &mut Server, id: ClientId, argv: &Argv) {
    rename_generic(server, id, argv, false);
}

fn renamenx_command(server: &mut Server, id: ClientId, argv: &Argv) {
    rename_generic(server, id, argv, true);
}

/// A database index argument, or Redis's error for it.
fn db_index_or_reply(server: &mut Server, id: ClientId, arg: &[u8]) -> Option<usize> {
    let index = parse_int_or_reply(server, id, arg)?;
    match usize::try_from(index) {
        Ok(i) if i < server.dbs.len() => Some(i),
        _ => {
            server.reply(id).error(&CommandError::DbIndexOutOfRange);
            None
        }
    }
}

/// `MOVE key db`.
fn move_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let src = server.client_db(id);
    let Some(dst) = db_index_or_reply(server, id, &argv[2]) else {
        return;
    };
    if src == dst {
        server.reply(id).error(&CommandError::SameObject);
        return;
    }
    let key = &argv[1];
    if server.lookup_write(src, key).is_none() || server.lookup_write(dst, key).is_some() {
        server.reply(id).integer(0);
        return;
    }
    let expire = server.dbs[src].expire_of(key);
    if let Some((k, obj)) = server.dbs[src].dict.remove_entry(key) {
        server.dbs[src].expires.remove(key);
        server.dbs[dst].dict.insert_new(k, obj);
        if let Some(when) = expire {
            server.dbs[dst].set_expire(key, when);
        }
        // Added to the destination as `dbAdd` adds a key.
        super::blocked::signal_key_as_ready(server, dst, key);
        server.notify(class::NEW, "new", key, dst);
        signal_modified_key(server, src, key);
        signal_modified_key(server, dst, key);
        server.notify(class::GENERIC, "move_from", key, src);
        server.notify(class::GENERIC, "move_to", key, dst);
        server.dirty += 1;
    }
    server.reply(id).integer(1);
}

/// `COPY source destination [DB destination-db] [REPLACE]`.
fn copy_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let src_db = server.client_db(id);
    let mut dst_db = src_db;
    let mut replace = false;
    let mut i = 3;
    while i < argv.len() {
        let more = argv.len() - 1 - i;
        if argv[i].eq_ignore_ascii_case(b"replace") {
            replace = true;
        } else if argv[i].eq_ignore_ascii_case(b"db") && more >= 1 {
            let Some(index) = parse_int_or_reply(server, id, &argv[i + 1]) else {
                return;
            };
            match usize::try_from(index) {
                Ok(d) if d < server.dbs.len() => dst_db = d,
                _ => {
                    server.reply(id).error(&CommandError::DbIndexOutOfRange);
                    return;
                }
            }
            i += 1;
        } else {
            server.reply(id).error(&CommandError::Syntax);
            return;
        }
        i += 1;
    }
    let (src, dst) = (&argv[1], &argv[2]);
    if src_db == dst_db && src == dst {
        server.reply(id).error(&CommandError::SameObject);
        return;
    }
    let Some(obj) = server.lookup_read(src_db, src).map(|o| o.value.clone()) else {
        server.reply(id).integer(0);
        return;
    };
    let expire = server.dbs[src_db].expire_of(src);
    if server.lookup_write(dst_db, dst).is_some() {
        if !replace {
            server.reply(id).integer(0);
            return;
        }
        server.dbs[dst_db].delete(dst);
    }
    // Deleted first, so even REPLACE creates the key anew (`new`).
    server.set_key(dst_db, dst, obj, false);
    if let Some(when) = expire {
        server.dbs[dst_db].set_expire(dst, when);
    }
    server.notify(class::GENERIC, "copy_to", dst, dst_db);
    // One change, whether or not REPLACE removed an old `dst`.
    server.dirty += 1;
    server.reply(id).integer(1);
}

/// `SWAPDB index1 index2`.
fn swapdb_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let parse = |arg: &[u8], err: CommandError| -> Result<i32, CommandError> {
        let v = super::resp::string_to_i64(arg).ok_or(err.clone())?;
        i32::try_from(v).map_err(|_| err)
    };
    let a = match parse(&argv[1], CommandError::InvalidFirstDbIndex) {
        Ok(a) => a,
        Err(e) => return server.reply(id).error(&e),
    };
    let b = match parse(&argv[2], CommandError::InvalidSecondDbIndex) {
        Ok(b) => b,
        Err(e) => return server.reply(id).error(&e),
    };
    let n = server.dbs.len();
    match (usize::try_from(a), usize::try_from(b)) {
        (Ok(a), Ok(b)) if a < n && b < n => {
            // Before the swap: each side's watches compare the contents
            // they had with the contents they get. No keyspace event.
            if a != b {
                super::multi::signal_swapped_dbs(server, a, b);
            }
            server.dbs.swap(a, b);
            super::blocked::signal_swapped_dbs(server, a, b);
            // One change, even for a database swapped with itself.
            server.dirty += 1;
            server.reply(id).ok();
        }
        _ => server.reply(id).error(&CommandError::DbIndexOutOfRange),
    }
}

/// `DBSIZE`.
fn dbsize_command(server: &mut Server, id: ClientId, _argv: &Argv) {
    let db = server.client_db(id);
    let n = server.dbs[db].dict.len();
    server.reply(id).integer(n as i64);
}

/// The `[ASYNC|SYNC]` option of FLUSHDB/FLUSHALL (`getFlushCommandFlags`):
/// whether to free lazily.
fn flush_mode(server: &mut Server, id: ClientId, argv: &Argv) -> Option<bool> {
    match argv.len() {
        1 => Some(false),
        2 if argv[1].eq_ignore_ascii_case(b"async") => Some(true),
        2 if argv[1].eq_ignore_ascii_case(b"sync") => Some(false),
        _ => {
            server.reply(id).error(&CommandError::Syntax);
            None
        }
    }
}

/// `FLUSHDB [ASYNC|SYNC]`.
fn flushdb_command(server: &mut Server, id: ClientId, argv: &Argv) {
    if let Some(lazy) = flush_mode(server, id, argv) {
        let db = server.client_db(id);
        let removed = server.empty_data(Some(db), lazy);
        server.dirty += removed as u64;
        server.reply(id).ok();
    }
}

/// `FLUSHALL [ASYNC|SYNC]`.
fn flushall_command(server: &mut Server, id: ClientId, argv: &Argv) {
    if let Some(lazy) = flush_mode(server, id, argv) {
        let removed = server.empty_data(None, lazy);
        server.dirty += removed as u64;
        // A running snapshot is now pointless, and with save points the
        // emptied dataset is saved at once (`flushAllDataAndResetRDB`),
        // which resets `dirty`; 7.0 adds nothing after the save. Checked on
        // redis-server 7.0.15: with a save point FLUSHALL leaves
        // rdb_changes_since_last_save at 0, with `save ""` the count of
        // removed keys.
        super::persistence::kill_rdb_child(server);
        if !server.config.save.is_empty() {
            let _ = super::persistence::rdb_save(server);
        }
        server.reply(id).ok();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_cursors_parse_like_strtoul() {
        assert_eq!(parse_scan_cursor(b"0"), Some(0));
        assert_eq!(parse_scan_cursor(b"123"), Some(123));
        assert_eq!(parse_scan_cursor(b"+5"), Some(5));
        assert_eq!(parse_scan_cursor(b"-1"), Some(u64::MAX));
        assert_eq!(parse_scan_cursor(b""), Some(0));
        assert_eq!(parse_scan_cursor(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_scan_cursor(b"18446744073709551616"), None);
        assert_eq!(parse_scan_cursor(b" 1"), None);
        assert_eq!(parse_scan_cursor(b"1x"), None);
    }
}
