//! Blocking pops on lists and sorted sets, and the clients waiting on keys.
//!
//! Mirrors: `blocked.c` (`blockForKeys`, `signalKeyAsReady`,
//! `handleClientsBlockedOnKeys`, `unblockClient`,
//! `replyToBlockedClientTimedOut`, `handleBlockedClientsTimeout`),
//! `t_list.c` (`blockingPopGenericCommand`, `blmoveGenericCommand`,
//! `blmpopCommand`), `t_zset.c` (`bzpopminCommand`, `bzmpopCommand`) and
//! `timeout.c` (`getTimeoutFromObjectOrReply`).
//!
//! # Design
//!
//! A blocking command first tries its non-blocking form. When every key
//! is empty it records the client in a FIFO per `(db, key)`, keeps a copy
//! of its argv, gives it the `BLOCKED` flag that CLIENT PAUSE already uses
//! (so `process_input_buffer` runs nothing more from it) and replies
//! nothing. A write that may fill a key watched by someone calls
//! [`signal_key_as_ready`]; after each command and in before_sleep,
//! [`handle_clients_blocked_on_keys`] walks the FIFO of each ready key and
//! re-runs the waiting commands in "serving" mode, in which an empty key
//! leaves the client waiting instead of blocking it again. A served client
//! keeps `BLOCKED` and is handed to `client_cmd::unblock_client`, which in
//! the next before_sleep runs the rest of its pipeline and reads its socket.
//!
//! ```text
//!   A: BLPOP k 0        k empty -> keys[(0,k)] = [A], A BLOCKED
//!   B: BLPOP k 0        keys[(0,k)] = [A, B]
//!   C: RPUSH k x y      ready_keys = [(0,k)]; after C's call:
//!                       A re-runs BLPOP -> x ; B re-runs -> y ; both
//!                       listed to resume in before_sleep
//! ```
//!
//! Redis 7.0 serves each type by hand; re-running the command is what
//! Redis 7.2 does, and the visible order is the same: FIFO per key, one
//! element per pop, and an LMOVE destination push wakes the next waiter.
//!
//! A served waiter publishes the keyspace events of the pop it re-runs
//! (`lpop`, `rpop`, `zpopmin`, `zpopmax`, then `del` when the key is
//! emptied, and for BLMOVE the push on the destination first), after the
//! events of the write that woke it, as Redis 7.0 does.
//!
//! Change counting (`server.dirty`) follows Redis 7.0 too, quirk included:
//! served at once, every blocking command counts what its non-blocking form
//! counts; served late, BLPOP, BRPOP, BLMOVE and BRPOPLPUSH count nothing
//! (7.0's hand-written serving skips the counter), while BZPOPMIN,
//! BZPOPMAX, BLMPOP and BZMPOP count their pops.
//!
//! Inside EXEC nothing blocks: a blocking command answers as if its
//! timeout had passed (`CLIENT_DENY_BLOCKING`, see multi.rs).
//! Keys created by `set_key`, RENAME, COPY and MOVE wake waiters, as
//! `dbAdd` does, and SWAPDB rescans both databases for keys someone waits
//! on (`scanDatabaseForReadyKeys`).

use std::collections::{BTreeSet, HashMap, VecDeque};

use super::commands::BASE;
use super::commands::{acl, arg, cmd, Arg, ArgType, BeginSearch, CommandSpec, FindKeys, KeySpec};
use super::errors::CommandError;
use super::multi::signal_modified_key;
use super::notify::class;
use super::object::Value;
use super::resp::{string_to_i64, Argv};
use super::{flags, ClientId, Server};

/// What one blocked client waits for (`c->bstate`).
struct BlockInfo {
    slot: ClientId,
    db: usize,
    keys: Vec<Vec<u8>>,
    /// Unix ms, 0 for no timeout.
    deadline: i64,
    argv: Argv,
    cmd: &'static CommandSpec,
}

/// The clients blocked on keys (`db->blocking_keys`, `server.ready_keys`,
/// `server.clients_timeout_table`).
#[derive(Default)]
pub struct BlockedState {
    keys: HashMap<(usize, Vec<u8>), VecDeque<u64>>,
    ready: Vec<(usize, Vec<u8>)>,
    clients: HashMap<u64, BlockInfo>,
    timeouts: BTreeSet<(i64, u64)>,
    /// Set while a waiting command is re-run: it must not block again.
    serving: bool,
    /// Set by a re-run command that found nothing to serve.
    still_waiting: bool,
}

impl BlockedState {
    /// Number of clients blocked on keys (INFO `blocked_clients`).
    pub fn count(&self) -> usize {
        self.clients.len()
    }

    /// Number of blocked clients with a timeout (INFO
    /// `clients_in_timeout_table`).
    pub fn timeout_count(&self) -> usize {
        self.timeouts.len()
    }
}

/// Marks a key as possibly served (`signalKeyAsReady`); cheap when no one
/// waits on it.
pub fn signal_key_as_ready(server: &mut Server, db: usize, key: &[u8]) {
    let b = &mut server.blocked;
    if b.keys.is_empty() {
        return;
    }
    let k = (db, key.to_vec());
    if b.keys.contains_key(&k) && !b.ready.contains(&k) {
        b.ready.push(k);
    }
}

/// After SWAPDB: every awaited key that now exists in database `a` or
/// `b` may serve its waiters (`scanDatabaseForReadyKeys`). Waiters stay
/// with their database index, so they now see the other database's data.
pub fn signal_swapped_dbs(server: &mut Server, a: usize, b: usize) {
    if server.blocked.keys.is_empty() {
        return;
    }
    let awaited: Vec<(usize, Vec<u8>)> = server
        .blocked
        .keys
        .keys()
        .filter(|(db, _)| *db == a || *db == b)
        .cloned()
        .collect();
    for (db, key) in awaited {
        if server.dbs[db].dict.contains_key(&key) {
            signal_key_as_ready(server, db, &key);
        }
    }
}

/// Parses a timeout in seconds into an absolute unix ms deadline, 0 for
/// none (`getTimeoutFromObjectOrReply` with `UNIT_SECONDS`).
fn parse_timeout(arg: &[u8]) -> Result<i64, CommandError> {
    let text = std::str::from_utf8(arg).map_err(|_| CommandError::TimeoutNotFloat)?;
    let secs: f64 = match text.parse() {
        Ok(v) if !text.starts_with(char::is_whitespace) && !f64::is_nan(v) => v,
        _ => return Err(CommandError::TimeoutNotFloat),
    };
    let ms = secs * 1000.0;
    if !ms.is_finite() || ms >= i64::MAX as f64 || ms <= i64::MIN as f64 {
        return Err(CommandError::TimeoutNotFloat);
    }
    let ms = ms as i64;
    if ms < 0 {
        return Err(CommandError::TimeoutNegative);
    }
    if ms == 0 {
        return Ok(0);
    }
    let now = super::mstime();
    if ms > i64::MAX - now {
        return Err(CommandError::TimeoutOutOfRange);
    }
    Ok(ms + now)
}

/// The type of a key as the blocking commands see it: `Ok(false)` when
/// missing or empty, an error for another type.
fn has_elements(
    server: &mut Server,
    db: usize,
    key: &[u8],
    zset: bool,
) -> Result<bool, CommandError> {
    let serving = server.blocked.serving;
    match server.lookup_write(db, key).map(|o| &o.value) {
        None => Ok(false),
        Some(Value::List(l)) if !zset => Ok(!l.is_empty()),
        Some(Value::ZSet(z)) if zset => Ok(!z.is_empty()),
        // A waiter is not served from a key of another type: as in Redis
        // 7.0, it keeps waiting.
        Some(_) if serving => Ok(false),
        Some(_) => Err(CommandError::WrongType),
    }
}

/// Blocks the client on `keys` (`blockForKeys`), or, while serving, just
/// notes that it must keep waiting.
fn block_for_keys(server: &mut Server, id: ClientId, keys: &[Vec<u8>], deadline: i64, argv: &Argv) {
    if server.blocked.serving {
        server.blocked.still_waiting = true;
        return;
    }
    let db = server.client_db(id);
    let c = server.client(id);
    let Some(cmd) = c.last_cmd_spec else {
        return;
    };
    // Inside EXEC nothing may block: the command answers as if its
    // timeout had passed (a null bulk for the moves, a null array else).
    if c.has(flags::DENY_BLOCKING) {
        if matches!(cmd.name, "blmove" | "brpoplpush") {
            c.reply.null();
        } else {
            c.reply.null_array();
        }
        return;
    }
    c.flags |= flags::BLOCKED;
    let cid = c.id;
    let b = &mut server.blocked;
    let mut unique: Vec<Vec<u8>> = Vec::new();
    for k in keys {
        if !unique.contains(k) {
            unique.push(k.clone());
            b.keys.entry((db, k.clone())).or_default().push_back(cid);
        }
    }
    if deadline > 0 {
        b.timeouts.insert((deadline, cid));
    }
    let info = BlockInfo {
        slot: id,
        db,
        keys: unique,
        deadline,
        argv: argv.clone(),
        cmd,
    };
    b.clients.insert(cid, info);
}

/// Forgets a client blocked on keys (the key part of `unblockClient`);
/// returns its slot if it was blocked.
fn remove_blocked(server: &mut Server, cid: u64) -> Option<ClientId> {
    let b = &mut server.blocked;
    let info = b.clients.remove(&cid)?;
    for k in info.keys {
        let key = (info.db, k);
        if let Some(q) = b.keys.get_mut(&key) {
            q.retain(|&x| x != cid);
            if q.is_empty() {
                b.keys.remove(&key);
            }
        }
    }
    if info.deadline > 0 {
        b.timeouts.remove(&(info.deadline, cid));
    }
    Some(info.slot)
}

/// Ends a client's wait: forgets it and lets before_sleep resume its
/// pipeline (`unblockClient` + `queueClientForReprocessing`).
fn unblock_served(server: &mut Server, cid: u64) {
    if let Some(slot) = remove_blocked(server, cid) {
        super::networking::prepare_client_to_write(server, slot);
        super::client_cmd::unblock_client(server, slot);
    }
}

/// Called when a client is freed: it leaves every waiting list.
pub fn client_freed(server: &mut Server, cid: u64) {
    remove_blocked(server, cid);
}

/// CLIENT UNBLOCK on a client blocked on keys: replies null (TIMEOUT) or
/// the UNBLOCKED error, and resumes it. False if it was not blocked.
pub fn unblock_on_request(server: &mut Server, cid: u64, error: bool) -> bool {
    let Some(slot) = server.blocked.clients.get(&cid).map(|i| i.slot) else {
        return false;
    };
    if error {
        server.reply(slot).error(&CommandError::Unblocked);
        super::commands::collect_error_stats(server, slot);
    } else {
        server.reply(slot).null_array();
    }
    unblock_served(server, cid);
    true
}

/// Serves the clients waiting on keys that became ready
/// (`handleClientsBlockedOnKeys`): per key, in arrival order, until a
/// waiter finds the key empty. Serving may make more keys ready (BLMOVE).
pub fn handle_clients_blocked_on_keys(server: &mut Server) {
    while !server.blocked.ready.is_empty() {
        for (db, key) in std::mem::take(&mut server.blocked.ready) {
            let waiters: Vec<u64> = match server.blocked.keys.get(&(db, key.clone())) {
                Some(q) => q.iter().copied().collect(),
                None => continue,
            };
            for cid in waiters {
                let Some(info) = server.blocked.clients.get(&cid) else {
                    continue;
                };
                let (slot, cmd, argv) = (info.slot, info.cmd, info.argv.clone());
                match server.clients.get(slot.0) {
                    Some(c) if c.id == cid => {
                        // A killed or disconnected client, freed in this
                        // before_sleep, must not take an element with it.
                        if c.has(flags::CLOSE_ASAP) {
                            continue;
                        }
                    }
                    _ => {
                        remove_blocked(server, cid);
                        continue;
                    }
                }
                server.blocked.serving = true;
                server.blocked.still_waiting = false;
                let dirty = server.dirty;
                (cmd.proc_)(server, slot, &argv);
                server.blocked.serving = false;
                if !counts_when_served(cmd.name) {
                    server.dirty = dirty;
                }
                if server.blocked.still_waiting {
                    // The key is empty again: later waiters wait too.
                    break;
                }
                super::commands::collect_error_stats(server, slot);
                unblock_served(server, cid);
            }
        }
    }
}

/// Whether a waiter served late adds its changes to `server.dirty`.
/// Redis 7.0 serves BLPOP, BRPOP, BLMOVE and BRPOPLPUSH by hand
/// (`serveClientBlockedOnList`) without counting the pop or the push;
/// BZPOPMIN/BZPOPMAX and BLMPOP/BZMPOP go through the code of their
/// non-blocking forms, which counts one per element. The same command
/// served at once counts in every case.
fn counts_when_served(name: &str) -> bool {
    !matches!(name, "blpop" | "brpop" | "blmove" | "brpoplpush")
}

/// Replies to the clients whose timeout has passed
/// (`handleBlockedClientsTimeout` + `replyToBlockedClientTimedOut`).
pub fn handle_blocked_clients_timeout(server: &mut Server) {
    if server.blocked.timeouts.is_empty() {
        return;
    }
    let now = super::mstime();
    while let Some(&(deadline, cid)) = server.blocked.timeouts.first() {
        if deadline > now {
            break;
        }
        server.blocked.timeouts.remove(&(deadline, cid));
        if let Some(slot) = server.blocked.clients.get(&cid).map(|i| i.slot) {
            server.reply(slot).null_array();
            unblock_served(server, cid);
        }
    }
}

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

/// Runs the non-blocking command `name` with `argv`.
fn run(server: &mut Server, id: ClientId, name: &[u8], argv: &Argv) {
    if let Some(cmd) = server.commands.get(name) {
        (cmd.proc_)(server, id, argv);
    }
}

/// BLPOP/BRPOP/BZPOPMIN/BZPOPMAX (`blockingPopGenericCommand`,
/// `blockingGenericZpopCommand`).
fn blocking_pop(server: &mut Server, id: ClientId, argv: &Argv, pop: &[u8], zset: bool) {
    let deadline = match parse_timeout(&argv[argv.len() - 1]) {
        Ok(d) => d,
        Err(e) => return server.reply(id).error(&e),
    };
    let db = server.client_db(id);
    let keys = &argv[1..argv.len() - 1];
    for key in keys {
        match has_elements(server, db, key, zset) {
            Err(e) => return server.reply(id).error(&e),
            Ok(false) => continue,
            Ok(true) => {}
        }
        if zset {
            return zpop_one(server, id, db, key, pop == b"zpopmax");
        }
        server.reply(id).array_len(2);
        server.reply(id).bulk(key);
        return run(server, id, pop, &vec![pop.to_vec(), key.clone()]);
    }
    block_for_keys(server, id, keys, deadline, argv);
}

/// Pops one member for BZPOPMIN/BZPOPMAX: `[key, member, score]`.
fn zpop_one(server: &mut Server, id: ClientId, db: usize, key: &[u8], max: bool) {
    let (item, empty) = match server.lookup_write(db, key).map(|o| &mut o.value) {
        Some(Value::ZSet(z)) => {
            let item = z.pop(max, 1).pop();
            (item, z.is_empty())
        }
        _ => (None, false),
    };
    let Some((member, score)) = item else {
        return server.reply(id).null_array();
    };
    // The change count and events of ZPOPMIN/ZPOPMAX (`genericZpopCommand`).
    server.dirty += 1;
    server.notify(
        class::ZSET,
        if max { "zpopmax" } else { "zpopmin" },
        key,
        db,
    );
    if empty {
        server.delete_key(db, key);
        server.notify(class::GENERIC, "del", key, db);
    }
    signal_modified_key(server, db, key);
    let r = server.reply(id);
    r.array_len(3);
    r.bulk(key);
    r.bulk(&member);
    r.double(score);
}

fn blpop_command(server: &mut Server, id: ClientId, argv: &Argv) {
    blocking_pop(server, id, argv, b"lpop", false);
}

fn brpop_command(server: &mut Server, id: ClientId, argv: &Argv) {
    blocking_pop(server, id, argv, b"rpop", false);
}

fn bzpopmin_command(server: &mut Server, id: ClientId, argv: &Argv) {
    blocking_pop(server, id, argv, b"zpopmin", true);
}

fn bzpopmax_command(server: &mut Server, id: ClientId, argv: &Argv) {
    blocking_pop(server, id, argv, b"zpopmax", true);
}

/// BLMOVE/BRPOPLPUSH (`blmoveGenericCommand`): only the source decides
/// whether to block.
fn blocking_move(server: &mut Server, id: ClientId, argv: &Argv, inner: Argv) {
    let deadline = match parse_timeout(&argv[argv.len() - 1]) {
        Ok(d) => d,
        Err(e) => return server.reply(id).error(&e),
    };
    let db = server.client_db(id);
    match has_elements(server, db, &argv[1], false) {
        Err(e) => server.reply(id).error(&e),
        Ok(true) => run(server, id, &inner[0].clone(), &inner),
        Ok(false) => block_for_keys(server, id, &argv[1..2], deadline, argv),
    }
}

fn blmove_command(server: &mut Server, id: ClientId, argv: &Argv) {
    for w in &argv[3..5] {
        if !w.eq_ignore_ascii_case(b"left") && !w.eq_ignore_ascii_case(b"right") {
            return server.reply(id).error(&CommandError::Syntax);
        }
    }
    let mut inner = argv[..5].to_vec();
    inner[0] = b"lmove".to_vec();
    blocking_move(server, id, argv, inner);
}

fn brpoplpush_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let mut inner = argv[..3].to_vec();
    inner[0] = b"rpoplpush".to_vec();
    blocking_move(server, id, argv, inner);
}

/// The keys of BLMPOP/BZMPOP after the timeout, with the argument errors
/// of `lmpopGenericCommand`/`zmpopGenericCommand`.
fn parse_mpop(argv: &Argv, ends: [&[u8]; 2]) -> Result<usize, CommandError> {
    let numkeys = match string_to_i64(&argv[2]) {
        Some(n) if n > 0 => n as u64,
        _ => return Err(CommandError::NumkeysNotPositive),
    };
    let rest = (argv.len() - 3) as u64;
    if numkeys >= rest {
        return Err(CommandError::Syntax);
    }
    let numkeys = numkeys as usize;
    let where_idx = 3 + numkeys;
    let w = &argv[where_idx];
    if !w.eq_ignore_ascii_case(ends[0]) && !w.eq_ignore_ascii_case(ends[1]) {
        return Err(CommandError::Syntax);
    }
    let mut count = false;
    let mut j = where_idx + 1;
    while j < argv.len() {
        match argv.get(j + 1) {
            Some(v) if argv[j].eq_ignore_ascii_case(b"count") && !count => match string_to_i64(v) {
                Some(n) if n > 0 => count = true,
                _ => return Err(CommandError::CountNotPositive),
            },
            _ => return Err(CommandError::Syntax),
        }
        j += 2;
    }
    Ok(numkeys)
}

/// BLMPOP/BZMPOP: the first non-empty key is served by LMPOP/ZMPOP.
fn blocking_mpop(server: &mut Server, id: ClientId, argv: &Argv, zset: bool) {
    let deadline = match parse_timeout(&argv[1]) {
        Ok(d) => d,
        Err(e) => return server.reply(id).error(&e),
    };
    let ends: [&[u8]; 2] = if zset {
        [b"min", b"max"]
    } else {
        [b"left", b"right"]
    };
    let numkeys = match parse_mpop(argv, ends) {
        Ok(n) => n,
        Err(e) => return server.reply(id).error(&e),
    };
    let db = server.client_db(id);
    let keys = &argv[3..3 + numkeys];
    for key in keys {
        match has_elements(server, db, key, zset) {
            Err(e) => return server.reply(id).error(&e),
            Ok(false) => {}
            Ok(true) => {
                let name: &[u8] = if zset { b"zmpop" } else { b"lmpop" };
                let mut inner = vec![name.to_vec()];
                inner.extend_from_slice(&argv[2..]);
                return run(server, id, name, &inner);
            }
        }
    }
    block_for_keys(server, id, keys, deadline, argv);
}

fn blmpop_command(server: &mut Server, id: ClientId, argv: &Argv) {
    blocking_mpop(server, id, argv, false);
}

fn bzmpop_command(server: &mut Server, id: ClientId, argv: &Argv) {
    blocking_mpop(server, id, argv, true);
}

// ---------------------------------------------------------------------------
// Command table
// ---------------------------------------------------------------------------

const POP_FLAGS: &[&str] = &["RW", "access", "delete"];
const MULTI_KEYS: [KeySpec; 1] = [KeySpec::range(1, -2, POP_FLAGS)];
const MOVE_KEYS: [KeySpec; 2] = [
    KeySpec::range(1, 0, POP_FLAGS),
    KeySpec::range(2, 0, &["RW", "insert"]),
];
const MPOP_KEYS: [KeySpec; 1] = [KeySpec {
    notes: "",
    flags: POP_FLAGS,
    begin: BeginSearch::Index(2),
    find: FindKeys::Keynum {
        keynumidx: 0,
        firstkey: 1,
        keystep: 1,
    },
}];
const KEYS_TIMEOUT: [Arg; 2] = [
    Arg::new("key", ArgType::Key(0)).flags(arg::MULTIPLE),
    Arg::new("timeout", ArgType::Double),
];
const LEFT_RIGHT: [Arg; 2] = [
    Arg::new("left", ArgType::PureToken).token("LEFT"),
    Arg::new("right", ArgType::PureToken).token("RIGHT"),
];
const MIN_MAX: [Arg; 2] = [
    Arg::new("min", ArgType::PureToken).token("MIN"),
    Arg::new("max", ArgType::PureToken).token("MAX"),
];

pub static BLPOP: CommandSpec = CommandSpec {
    name: "blpop",
    proc_: blpop_command,
    arity: -3,
    flags: cmd::WRITE | cmd::NOSCRIPT | cmd::BLOCKING,
    acl: acl::LIST,
    key_specs: &MULTI_KEYS,
    summary: "Remove and get the first element in a list, or block until one is available",
    since: "2.0.0",
    group: "list",
    complexity: "O(N) where N is the number of provided keys.",
    args: &KEYS_TIMEOUT,
    ..BASE
};

pub static BRPOP: CommandSpec = CommandSpec {
    name: "brpop",
    proc_: brpop_command,
    summary: "Remove and get the last element in a list, or block until one is available",
    ..BLPOP
};

pub static BLMOVE: CommandSpec = CommandSpec {
    name: "blmove",
    proc_: blmove_command,
    arity: 6,
    flags: cmd::WRITE | cmd::DENYOOM | cmd::NOSCRIPT | cmd::BLOCKING,
    acl: acl::LIST,
    key_specs: &MOVE_KEYS,
    summary: "Pop an element from a list, push it to another list and return it; or block until one is available",
    since: "6.2.0",
    group: "list",
    complexity: "O(1)",
    args: &[
        Arg::new("source", ArgType::Key(0)),
        Arg::new("destination", ArgType::Key(1)),
        Arg::new("wherefrom", ArgType::OneOf(&LEFT_RIGHT)),
        Arg::new("whereto", ArgType::OneOf(&LEFT_RIGHT)),
        Arg::new("timeout", ArgType::Double),
    ],
    ..BASE
};

pub static BRPOPLPUSH: CommandSpec = CommandSpec {
    name: "brpoplpush",
    proc_: brpoplpush_command,
    arity: 4,
    since: "2.2.0",
    args: &[
        Arg::new("source", ArgType::Key(0)),
        Arg::new("destination", ArgType::Key(1)),
        Arg::new("timeout", ArgType::Double),
    ],
    ..BLMOVE
};

pub static BLMPOP: CommandSpec = CommandSpec {
    name: "blmpop",
    proc_: blmpop_command,
    arity: -5,
    flags: cmd::WRITE | cmd::BLOCKING | cmd::MOVABLE_KEYS,
    acl: acl::LIST,
    key_specs: &MPOP_KEYS,
    summary: "Pop elements from a list, or block until one is available",
    since: "7.0.0",
    group: "list",
    complexity:
        "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
    args: &[
        Arg::new("timeout", ArgType::Double),
        Arg::new("numkeys", ArgType::Integer),
        Arg::new("key", ArgType::Key(0)).flags(arg::MULTIPLE),
        Arg::new("where", ArgType::OneOf(&LEFT_RIGHT)),
        Arg::new("count", ArgType::Integer)
            .token("COUNT")
            .flags(arg::OPTIONAL),
    ],
    ..BASE
};

pub static BZPOPMIN: CommandSpec = CommandSpec {
    name: "bzpopmin",
    proc_: bzpopmin_command,
    arity: -3,
    flags: cmd::WRITE | cmd::NOSCRIPT | cmd::BLOCKING | cmd::FAST,
    acl: acl::SORTEDSET,
    key_specs: &MULTI_KEYS,
    summary: "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available",
    since: "5.0.0",
    group: "sorted-set",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    args: &KEYS_TIMEOUT,
    ..BASE
};

pub static BZPOPMAX: CommandSpec = CommandSpec {
    name: "bzpopmax",
    proc_: bzpopmax_command,
    summary: "Remove and return the member with the highest score from one or more sorted sets, or block until one is available",
    ..BZPOPMIN
};

pub static BZMPOP: CommandSpec = CommandSpec {
    name: "bzmpop",
    proc_: bzmpop_command,
    arity: -5,
    flags: cmd::WRITE | cmd::BLOCKING | cmd::MOVABLE_KEYS,
    acl: acl::SORTEDSET,
    key_specs: &MPOP_KEYS,
    summary: "Remove and return members with scores in a sorted set or block until one is available",
    since: "7.0.0",
    group: "sorted-set",
    complexity: "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
    args: &[
        Arg::new("timeout", ArgType::Double),
        Arg::new("numkeys", ArgType::Integer),
        Arg::new("key", ArgType::Key(0)).flags(arg::MULTIPLE),
        Arg::new("where", ArgType::OneOf(&MIN_MAX)),
        Arg::new("count", ArgType::Integer)
            .token("COUNT")
            .flags(arg::OPTIONAL),
    ],
    ..BASE
};

/// The blocking commands, for the command table.
pub static COMMANDS: [&CommandSpec; 8] = [
    &BLPOP,
    &BRPOP,
    &BLMOVE,
    &BRPOPLPUSH,
    &BLMPOP,
    &BZPOPMIN,
    &BZPOPMAX,
    &BZMPOP,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_parse_like_redis() {
        assert_eq!(parse_timeout(b"0"), Ok(0));
        assert_eq!(parse_timeout(b"-0.0001"), Ok(0));
        assert!(parse_timeout(b"0.5").is_ok_and(|d| d > 0));
        assert_eq!(parse_timeout(b"-1"), Err(CommandError::TimeoutNegative));
        assert_eq!(parse_timeout(b"abc"), Err(CommandError::TimeoutNotFloat));
        assert_eq!(parse_timeout(b" 1"), Err(CommandError::TimeoutNotFloat));
    }
}
