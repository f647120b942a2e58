//! DUMP and RESTORE: one value in RDB form, with a version and a CRC-64.
//!
//! Mirrors: `cluster.c` (`dumpCommand`, `restoreCommand`,
//! `createDumpPayload`, `verifyDumpPayload`); the payload itself is built
//! and checked in `rdb::file`.
//!
//! ```text
//!   <type> <value as in an RDB file> <RDB version: 2 bytes LE> <CRC-64 LE>
//! ```
//!
//! A payload from Redis 7.0 restores here and ours restores there: the
//! value bytes are the ones an RDB file would hold. Deviation: FREQ is
//! checked and accepted, but ferrodis keeps no LFU counter, so it is not
//! stored.

use super::commands::{acl, arg, cmd, Arg, ArgType, CommandSpec, KeySpec, BASE};
use super::errors::CommandError;
use super::notify::class;
use super::resp::{string_to_i64, Argv};
use super::{ClientId, Server};
use crate::rdb::file::{dump_payload, payload_value, verify_payload, PayloadError};

/// Every command of this module, for the command table.
pub static COMMANDS: [&CommandSpec; 2] = [&DUMP, &RESTORE];

pub static DUMP: CommandSpec = CommandSpec {
    name: "dump",
    proc_: dump_command,
    arity: 2,
    flags: cmd::READONLY,
    acl: acl::KEYSPACE,
    tips: &["nondeterministic_output"],
    key_specs: &[KeySpec::range(1, 0, &["RO", "access"])],
    summary: "A serialized copy of the value stored at a key, for RESTORE",
    since: "2.6.0",
    group: "generic",
    complexity: "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).",
    args: &[Arg::new("key", ArgType::Key(0))],
    ..BASE
};

pub static RESTORE: CommandSpec = CommandSpec {
    name: "restore",
    proc_: restore_command,
    arity: -4,
    flags: cmd::WRITE | cmd::DENYOOM,
    acl: acl::KEYSPACE | acl::DANGEROUS,
    key_specs: &[KeySpec::range(1, 0, &["OW", "update"])],
    summary: "Create a key from the serialized value DUMP produced",
    since: "2.6.0",
    group: "generic",
    complexity: "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("ttl", ArgType::Integer),
        Arg::new("serialized-value", ArgType::String),
        Arg::new("replace", ArgType::PureToken)
            .token("REPLACE")
            .since("3.0.0")
            .flags(arg::OPTIONAL),
        Arg::new("absttl", ArgType::PureToken)
            .token("ABSTTL")
            .since("5.0.0")
            .flags(arg::OPTIONAL),
        Arg::new("seconds", ArgType::Integer)
            .token("IDLETIME")
            .since("5.0.0")
            .flags(arg::OPTIONAL),
        Arg::new("frequency", ArgType::Integer)
            .token("FREQ")
            .since("5.0.0")
            .flags(arg::OPTIONAL),
    ],
    ..BASE
};

/// `DUMP key`: the payload, or a null reply for a missing key.
fn dump_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    let compress = server.config.rdbcompression;
    let payload = server
        .lookup_read(db, &argv[1])
        .map(|o| dump_payload(&o.value, compress));
    match payload {
        Some(p) => server.reply(id).bulk(&p),
        None => server.reply(id).null(),
    }
}

/// RESTORE's options after the payload.
#[derive(Default)]
struct RestoreOptions {
    replace: bool,
    absttl: bool,
    idle_secs: Option<i64>,
    freq: Option<i64>,
}

/// Parses the options in Redis's order of checks: IDLETIME and FREQ
/// exclude each other (the second is a syntax error).
fn parse_options(argv: &Argv) -> Result<RestoreOptions, CommandError> {
    let mut o = RestoreOptions::default();
    let mut j = 4;
    while j < argv.len() {
        let word = argv[j].to_ascii_lowercase();
        let next = argv.get(j + 1);
        match (word.as_slice(), next) {
            (b"replace", _) => o.replace = true,
            (b"absttl", _) => o.absttl = true,
            (b"idletime", Some(v)) if o.freq.is_none() => {
                let n = string_to_i64(v).ok_or(CommandError::NotAnInteger)?;
                if n < 0 {
                    return Err(CommandError::InvalidIdletime);
                }
                o.idle_secs = Some(n);
                j += 1;
            }
            (b"freq", Some(v)) if o.idle_secs.is_none() => {
                let n = string_to_i64(v).ok_or(CommandError::NotAnInteger)?;
                if !(0..=255).contains(&n) {
                    return Err(CommandError::InvalidFreq);
                }
                o.freq = Some(n);
                j += 1;
            }
            _ => return Err(CommandError::Syntax),
        }
        j += 1;
    }
    Ok(o)
}

/// `RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME s]
/// [FREQ f]`.
fn restore_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let opts = match parse_options(argv) {
        Ok(o) => o,
        Err(e) => return server.reply(id).error(&e),
    };
    let db = server.client_db(id);
    let key = &argv[1];
    if !opts.replace && server.lookup_write(db, key).is_some() {
        return server.reply(id).error(&CommandError::BusyKey);
    }
    let Some(mut ttl) = string_to_i64(&argv[2]) else {
        return server.reply(id).error(&CommandError::NotAnInteger);
    };
    if ttl < 0 {
        return server.reply(id).error(&CommandError::InvalidTtl);
    }
    let payload = &argv[3];
    if verify_payload(payload, true).is_err() {
        return server.reply(id).error(&CommandError::DumpPayload);
    }
    let limits = super::persistence::load_limits(server);
    let value = match payload_value(payload, &limits) {
        Ok(v) => v,
        Err(PayloadError::BadData | PayloadError::VersionOrChecksum) => {
            return server.reply(id).error(&CommandError::BadDataFormat)
        }
    };
    let deleted = opts.replace && server.delete_key(db, key);
    if ttl != 0 && !opts.absttl {
        ttl = ttl.saturating_add(server.cmd_time_ms);
    }
    // Already expired: nothing is stored, but a replaced key is gone.
    if ttl != 0 && ttl <= super::mstime() {
        if deleted {
            server.signal_and_notify(db, key, class::GENERIC, "del");
            server.dirty += 1;
        }
        return server.reply(id).ok();
    }
    server.db_add(db, key, value);
    if ttl != 0 {
        server.dbs[db].set_expire(key, ttl);
    }
    if let Some(idle) = opts.idle_secs {
        let clock = server.lru_clock;
        if let Some(o) = server.dbs[db].dict.get_mut(key) {
            o.lru = clock.saturating_sub(u32::try_from(idle).unwrap_or(u32::MAX));
        }
    }
    server.signal_and_notify(db, key, class::GENERIC, "restore");
    server.dirty += 1;
    server.reply(id).ok();
}
