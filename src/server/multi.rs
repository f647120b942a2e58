//! Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//!
//! Mirrors: `multi.c` (`queueMultiCommand`, `discardTransaction`,
//! `flagTransaction`, `execCommand`, `watchForKey`, `unwatchAllKeys`,
//! `isWatchedKeyExpired`, `touchWatchedKey`, `touchAllWatchedKeysInDb`)
//! and the MULTI branch of `processCommand` (server.c).
//!
//! A transaction is a queue on the client. Between MULTI and EXEC,
//! `commands::process_command` runs every check a command would meet and
//! then, instead of calling it, hands it to [`queue_command`] (`+QUEUED`).
//! A check that fails flags the transaction (`DIRTY_EXEC`), and EXEC then
//! refuses to run any of it. EXEC runs the queue through `commands::call`
//! in one go: the loop is single-threaded and EXEC is one command, so no
//! other client's command can interleave, and clients woken by pushes in
//! the transaction are served after EXEC returns, like after any command.
//!
//! WATCH is optimistic locking. Each database keeps a map from watched key
//! to the clients watching it (`db->watched_keys`; here
//! `WatchState::by_db`, outside `Db` so that SWAPDB leaves the watches
//! with the database number, as Redis does) and each client a list of its
//! watched keys. Every write that changes a key calls
//! [`signal_modified_key`], which marks its watchers `DIRTY_CAS`; EXEC of
//! a dirty client answers a null array. With nobody watching anything the
//! signal is one length check.
//!
//! Expiry follows Redis 7.0: a key already expired when WATCHed is
//! remembered as such. Its deletion (lazily, by the active cycle or by a
//! flush) is then no change at all, while writing it anew is one. A key
//! that was alive at WATCH and has expired by EXEC counts as changed, even
//! if nothing has deleted it yet (`isWatchedKeyExpired`).

use std::collections::HashMap;

use super::commands::{acl, arg, cmd, Arg, ArgType, CommandSpec, KeySpec, BASE};
use super::errors::CommandError;
use super::flags;
use super::resp::Argv;
use super::{ClientId, Server};

/// One key a client watches (`watchedKey`).
#[derive(Debug)]
struct WatchedKey {
    db: usize,
    key: Vec<u8>,
    /// The key was already logically expired when WATCHed.
    expired: bool,
}

/// A client's transaction state (`multiState` plus `c->watched_keys`).
#[derive(Default)]
pub struct ClientMulti {
    /// The commands queued since MULTI, with their arguments.
    commands: Vec<(&'static CommandSpec, Argv)>,
    /// The union of the queued commands' flags (`mstate.cmd_flags`).
    cmd_flags: u64,
    watched: Vec<WatchedKey>,
}

impl ClientMulti {
    /// Number of queued commands (CLIENT LIST's `multi=`; -1 outside
    /// MULTI is the caller's business).
    pub fn queued(&self) -> usize {
        self.commands.len()
    }

    /// Bytes the queue holds (CLIENT LIST's `multi-mem`: the arguments
    /// plus one slot per command).
    pub fn memory(&self) -> usize {
        let slots = self.commands.capacity() * std::mem::size_of::<(&CommandSpec, Argv)>();
        let args: usize = self
            .commands
            .iter()
            .flat_map(|(_, argv)| argv.iter().map(Vec::len))
            .sum();
        slots + args
    }

    /// The flags of the queued commands, so that CLIENT PAUSE WRITE holds
    /// an EXEC with a write in it.
    pub fn cmd_flags(&self) -> u64 {
        self.cmd_flags
    }
}

/// The server's side of WATCH (`db->watched_keys` of every database).
#[derive(Debug, Default)]
pub struct WatchState {
    /// Per database: watched key → the clients watching it, in WATCH
    /// order.
    by_db: Vec<HashMap<Vec<u8>, Vec<ClientId>>>,
    /// Watched (client, key) pairs across all databases, so that a write
    /// when nobody watches costs one comparison.
    total: usize,
}

/// Whether the client is between MULTI and EXEC/DISCARD.
pub fn in_multi(server: &Server, id: ClientId) -> bool {
    server
        .clients
        .get(id.0)
        .is_some_and(|c| c.has(flags::MULTI))
}

/// Whether `cmd` runs at once inside MULTI instead of being queued
/// (`processCommand`'s list: EXEC, DISCARD, MULTI, WATCH, QUIT, RESET).
pub fn runs_inside_multi(cmd: &CommandSpec) -> bool {
    matches!(
        cmd.name,
        "exec" | "discard" | "multi" | "watch" | "quit" | "reset"
    )
}

/// Queues a command of a client in MULTI and answers `+QUEUED`
/// (`queueMultiCommand`). Nothing is queued once the transaction is
/// doomed: EXEC will discard it anyway.
pub fn queue_command(server: &mut Server, id: ClientId, cmd: &'static CommandSpec, argv: Argv) {
    let c = server.client(id);
    if !c.has(flags::DIRTY_EXEC | flags::DIRTY_CAS) {
        c.multi.cmd_flags |= cmd.flags;
        c.multi.commands.push((cmd, argv));
    }
    c.reply.status("QUEUED");
}

/// Marks the transaction as failed after a command was rejected while
/// queuing (`flagTransaction`).
pub fn flag_transaction(server: &mut Server, id: ClientId) {
    if let Some(c) = server.clients.get_mut(id.0) {
        if c.has(flags::MULTI) {
            c.flags |= flags::DIRTY_EXEC;
        }
    }
}

/// Leaves MULTI: drops the queue and the watches (`discardTransaction`);
/// also what RESET and the freeing of a client do.
pub fn discard_transaction(server: &mut Server, id: ClientId) {
    if let Some(c) = server.clients.get_mut(id.0) {
        c.multi.commands = Vec::new();
        c.multi.cmd_flags = 0;
        c.flags &= !(flags::MULTI | flags::DIRTY_CAS | flags::DIRTY_EXEC);
    }
    unwatch_all_keys(server, id);
}

// ---------------------------------------------------------------------------
// WATCH bookkeeping
// ---------------------------------------------------------------------------

/// Starts watching `key` in the client's database (`watchForKey`).
fn watch_for_key(server: &mut Server, id: ClientId, key: &[u8]) {
    let db = server.client_db(id);
    let c = server.client(id);
    if c.multi.watched.iter().any(|w| w.db == db && w.key == key) {
        return;
    }
    let expired = server.dbs[db].is_expired(key, server.cmd_time_ms);
    let w = &mut server.watch;
    if w.by_db.len() <= db {
        w.by_db.resize_with(db + 1, HashMap::new);
    }
    w.by_db[db].entry(key.to_vec()).or_default().push(id);
    w.total += 1;
    server.client(id).multi.watched.push(WatchedKey {
        db,
        key: key.to_vec(),
        expired,
    });
}

/// Stops watching every key of the client (`unwatchAllKeys`).
pub fn unwatch_all_keys(server: &mut Server, id: ClientId) {
    let Some(c) = server.clients.get_mut(id.0) else {
        return;
    };
    let watched = std::mem::take(&mut c.multi.watched);
    let w = &mut server.watch;
    for wk in watched {
        let Some(map) = w.by_db.get_mut(wk.db) else {
            continue;
        };
        if let Some(clients) = map.get_mut(&wk.key) {
            clients.retain(|&x| x != id);
            if clients.is_empty() {
                map.remove(&wk.key);
            }
        }
        w.total = w.total.saturating_sub(1);
    }
}

/// Whether a key that was alive when watched has expired since
/// (`isWatchedKeyExpired`).
fn watched_key_expired(server: &Server, id: ClientId) -> bool {
    let Some(c) = server.clients.get(id.0) else {
        return false;
    };
    c.multi.watched.iter().any(|wk| {
        !wk.expired
            && server
                .dbs
                .get(wk.db)
                .is_some_and(|db| db.is_expired(&wk.key, server.cmd_time_ms))
    })
}

/// Marks the watchers of `key` as dirty after a write changed it
/// (`signalModifiedKey` → `touchWatchedKey`). Call it after the change:
/// whether the key still exists decides how a key that was already
/// expired at WATCH is treated.
pub fn signal_modified_key(server: &mut Server, db: usize, key: &[u8]) {
    if server.watch.total == 0 {
        return;
    }
    let Some(ids) = server.watch.by_db.get(db).and_then(|m| m.get(key)) else {
        return;
    };
    let ids = ids.clone();
    let exists = server.dbs[db].dict.contains_key(key);
    let mut dirty = Vec::new();
    for id in ids {
        let Some(c) = server.clients.get_mut(id.0) else {
            continue;
        };
        let Some(wk) = c
            .multi
            .watched
            .iter_mut()
            .find(|wk| wk.db == db && wk.key == key)
        else {
            continue;
        };
        if wk.expired && !exists {
            // An already expired key was deleted: logically no change.
            wk.expired = false;
            continue;
        }
        c.flags |= flags::DIRTY_CAS;
        dirty.push(id);
    }
    // A dirty client's watches no longer matter (Redis unwatches at once).
    for id in dirty {
        unwatch_all_keys(server, id);
    }
}

/// Marks the watchers of the keys of database `emptied` as dirty when a
/// flush or a swap is about to change them (`touchAllWatchedKeysInDb`).
/// `replaced_with` is the database SWAPDB puts in its place. A watch is
/// touched when the key exists on either side, except that an expired key
/// that stays gone or stays expired is no change.
pub fn touch_all_watched_keys_in_db(
    server: &mut Server,
    emptied: usize,
    replaced_with: Option<usize>,
) {
    if server.watch.total == 0 {
        return;
    }
    let Some(map) = server.watch.by_db.get(emptied) else {
        return;
    };
    let now = server.cmd_time_ms;
    // What happens to each watch: the client turns dirty (None), or only
    // the watch's `expired` mark changes (Some).
    let mut actions: Vec<(ClientId, Vec<u8>, Option<bool>)> = Vec::new();
    for (key, ids) in map {
        let in_emptied = server.dbs[emptied].dict.contains_key(key);
        let other = replaced_with.and_then(|r| server.dbs.get(r));
        let in_other = other.is_some_and(|d| d.dict.contains_key(key));
        if !in_emptied && !in_other {
            continue;
        }
        let other_expired = other.is_some_and(|d| d.is_expired(key, now));
        for &id in ids {
            let Some(c) = server.clients.get(id.0) else {
                continue;
            };
            let Some(wk) = c
                .multi
                .watched
                .iter()
                .find(|wk| wk.db == emptied && wk.key == *key)
            else {
                continue;
            };
            let action = if wk.expired {
                if !in_other {
                    // The expired key is deleted: no change, and no
                    // longer expired.
                    Some(false)
                } else if other_expired {
                    // Replaced by a key that is expired too.
                    Some(true)
                } else {
                    None
                }
            } else if !in_emptied && other_expired {
                // Nothing is replaced by an expired key: still nothing.
                Some(true)
            } else {
                None
            };
            actions.push((id, key.clone(), action));
        }
    }
    for (id, key, action) in actions {
        let Some(c) = server.clients.get_mut(id.0) else {
            continue;
        };
        match action {
            None => c.flags |= flags::DIRTY_CAS,
            Some(expired) => {
                if let Some(wk) = c
                    .multi
                    .watched
                    .iter_mut()
                    .find(|wk| wk.db == emptied && wk.key == key)
                {
                    wk.expired = expired;
                }
            }
        }
    }
}

/// FLUSHDB / FLUSHALL: touches the watches of one database, or of all
/// with `None` (`signalFlushedDb`). Call it before emptying.
pub fn signal_flushed_db(server: &mut Server, db: Option<usize>) {
    match db {
        Some(db) => touch_all_watched_keys_in_db(server, db, None),
        None => {
            for db in 0..server.dbs.len() {
                touch_all_watched_keys_in_db(server, db, None);
            }
        }
    }
}

/// SWAPDB: touches the watches of both databases, each against the
/// other's contents. Call it before swapping.
pub fn signal_swapped_dbs(server: &mut Server, a: usize, b: usize) {
    touch_all_watched_keys_in_db(server, a, Some(b));
    touch_all_watched_keys_in_db(server, b, Some(a));
}

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

/// `MULTI`.
fn multi_command(server: &mut Server, id: ClientId, _argv: &Argv) {
    let c = server.client(id);
    if c.has(flags::MULTI) {
        return c.reply.error(&CommandError::MultiNested);
    }
    c.flags |= flags::MULTI;
    c.reply.ok();
}

/// `DISCARD`.
fn discard_command(server: &mut Server, id: ClientId, _argv: &Argv) {
    if !in_multi(server, id) {
        return server.reply(id).error(&CommandError::DiscardWithoutMulti);
    }
    discard_transaction(server, id);
    server.reply(id).ok();
}

/// `EXEC`: runs the queue, or answers EXECABORT (a command was rejected
/// while queuing) or a null array (a watched key changed).
fn exec_command(server: &mut Server, id: ClientId, _argv: &Argv) {
    if !in_multi(server, id) {
        return server.reply(id).error(&CommandError::ExecWithoutMulti);
    }
    if watched_key_expired(server, id) {
        server.client(id).flags |= flags::DIRTY_CAS;
    }
    let c = server.client(id);
    if c.has(flags::DIRTY_EXEC) {
        discard_transaction(server, id);
        return server.reply(id).error(&CommandError::ExecAbort);
    }
    if c.has(flags::DIRTY_CAS) {
        discard_transaction(server, id);
        return server.reply(id).null_array();
    }
    let commands = std::mem::take(&mut c.multi.commands);
    // Blocking commands inside the transaction answer as if timed out.
    let had_deny = c.has(flags::DENY_BLOCKING);
    c.flags |= flags::DENY_BLOCKING;
    c.reply.array_len(commands.len());
    unwatch_all_keys(server, id);
    for (cmd, argv) in &commands {
        super::commands::call(server, id, cmd, argv);
    }
    if let Some(c) = server.clients.get_mut(id.0) {
        if !had_deny {
            c.flags &= !flags::DENY_BLOCKING;
        }
    }
    discard_transaction(server, id);
}

/// `WATCH key [key ...]`.
fn watch_command(server: &mut Server, id: ClientId, argv: &Argv) {
    if in_multi(server, id) {
        return server.reply(id).error(&CommandError::WatchInMulti);
    }
    for key in &argv[1..] {
        watch_for_key(server, id, key);
    }
    server.reply(id).ok();
}

/// `UNWATCH`.
fn unwatch_command(server: &mut Server, id: ClientId, _argv: &Argv) {
    unwatch_all_keys(server, id);
    let c = server.client(id);
    c.flags &= !flags::DIRTY_CAS;
    c.reply.ok();
}

// ---------------------------------------------------------------------------
// Command table
// ---------------------------------------------------------------------------

/// Every command of this module, for the command table.
pub static COMMANDS: [&CommandSpec; 5] = [&MULTI, &EXEC, &DISCARD, &WATCH, &UNWATCH];

const TX_FLAGS: u64 = cmd::NOSCRIPT | cmd::LOADING | cmd::STALE | cmd::FAST | cmd::ALLOW_BUSY;

pub static MULTI: CommandSpec = CommandSpec {
    name: "multi",
    proc_: multi_command,
    arity: 1,
    flags: TX_FLAGS,
    acl: acl::TRANSACTION,
    summary: "Start queuing the commands of a transaction",
    since: "1.2.0",
    group: "transactions",
    complexity: "O(1)",
    ..BASE
};

pub static EXEC: CommandSpec = CommandSpec {
    name: "exec",
    proc_: exec_command,
    arity: 1,
    flags: cmd::NOSCRIPT | cmd::LOADING | cmd::STALE | cmd::SKIP_SLOWLOG,
    acl: acl::TRANSACTION,
    summary: "Run the commands queued since MULTI",
    since: "1.2.0",
    group: "transactions",
    complexity: "Depends on commands in the transaction",
    ..BASE
};

pub static DISCARD: CommandSpec = CommandSpec {
    name: "discard",
    proc_: discard_command,
    arity: 1,
    flags: TX_FLAGS,
    acl: acl::TRANSACTION,
    summary: "Drop the commands queued since MULTI",
    since: "2.0.0",
    group: "transactions",
    complexity: "O(N), when N is the number of queued commands",
    ..BASE
};

const WATCH_KEYS: [KeySpec; 1] = [KeySpec::range(1, -1, &["RO"])];

pub static WATCH: CommandSpec = CommandSpec {
    name: "watch",
    proc_: watch_command,
    arity: -2,
    flags: TX_FLAGS,
    acl: acl::TRANSACTION,
    key_specs: &WATCH_KEYS,
    summary: "Make the next EXEC fail if any of these keys changes first",
    since: "2.2.0",
    group: "transactions",
    complexity: "O(1) for every key.",
    args: &[Arg::new("key", ArgType::Key(0)).flags(arg::MULTIPLE)],
    ..BASE
};

pub static UNWATCH: CommandSpec = CommandSpec {
    name: "unwatch",
    proc_: unwatch_command,
    arity: 1,
    flags: TX_FLAGS,
    acl: acl::TRANSACTION,
    summary: "Stop watching every key WATCHed by this connection",
    since: "2.2.0",
    group: "transactions",
    complexity: "O(1)",
    ..BASE
};
