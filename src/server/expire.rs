//! Key expiry: the EXPIRE family of commands and the active expiry cycle.
//!
//! Mirrors: `expire.c` (`expireGenericCommand`, `ttlGenericCommand`,
//! `persistCommand`, `activeExpireCycle`, `checkAlreadyExpired`,
//! `parseExtendedExpireArgumentsOrReply`).
//!
//! Keys expire in two ways. Lazily: every lookup first deletes a key whose
//! time has passed (db.rs). Actively: this cycle looks for expired keys
//! nobody touches, so that they do not sit in memory for ever.
//!
//! ```text
//!   server_cron (hz times a second)          before_sleep (every turn)
//!     slow cycle: budget 25% of the period     fast cycle: budget 1 ms, at
//!                                              most every 2 ms, only when the
//!                                              last slow cycle ran out of time
//!   for each database, round robin:
//!     repeat:
//!       sample 20 keys that have a TTL (walking `expires` with a SCAN
//!       cursor that persists between calls, so every key gets its turn)
//!       delete those whose time has passed
//!     while more than 25% of the sample had expired
//!     (checking the time budget every 16 samples)
//! ```
//!
//! Change counting (`server.dirty`): EXPIRE and friends add one when they
//! set a TTL or delete a key whose new time is already past, nothing for a
//! missing key or a condition (NX/XX/GT/LT) that refuses; PERSIST adds one
//! when it removes a TTL. Keys deleted by expiry, by this cycle or lazily
//! on access, add nothing: Redis 7.0 propagates those deletions but does
//! not count them.
//!
//! Deviations from Redis: no `active-expire-effort` knob; the stale
//! threshold is the classic 25%.

use std::time::{Duration, Instant};

use super::commands::{acl, arg, cmd, Arg, ArgType, CommandSpec, KeySpec, BASE};
use super::errors::CommandError;
use super::notify::class;
use super::resp::{string_to_i64, Argv};
use super::{mstime, ClientId, Server};

/// Keys sampled per loop of the cycle (`ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP`).
const KEYS_PER_LOOP: usize = 20;
/// Percentage of the cron period a slow cycle may use
/// (`ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC`).
const SLOW_TIME_PERC: u64 = 25;
/// Budget of a fast cycle (`ACTIVE_EXPIRE_CYCLE_FAST_DURATION`).
const FAST_DURATION: Duration = Duration::from_micros(1000);
/// Keep sampling a database while more than this share of the sample had
/// expired.
const ACCEPTABLE_STALE_PERC: usize = 25;
/// Databases visited per cycle (`CRON_DBS_PER_CALL`).
const DBS_PER_CALL: usize = 16;

/// Which cycle runs (`ACTIVE_EXPIRE_CYCLE_SLOW` / `_FAST`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cycle {
    Slow,
    Fast,
}

/// What the cycle remembers between calls.
#[derive(Debug)]
pub struct CycleState {
    /// Whether active expiry runs (DEBUG SET-ACTIVE-EXPIRE).
    pub enabled: bool,
    /// The database the next cycle starts with.
    current_db: usize,
    /// Whether the last cycle stopped for lack of time.
    timelimit_exit: bool,
    /// When the last fast cycle started.
    last_fast: Option<Instant>,
    /// Duration of the last slow cycle, for INFO and tests.
    pub last_duration: Duration,
    /// Longest cycle seen.
    pub max_duration: Duration,
}

impl Default for CycleState {
    fn default() -> Self {
        CycleState {
            enabled: true,
            current_db: 0,
            timelimit_exit: false,
            last_fast: None,
            last_duration: Duration::ZERO,
            max_duration: Duration::ZERO,
        }
    }
}

/// One run of the active expiry cycle (`activeExpireCycle`).
pub fn active_expire_cycle(server: &mut Server, cycle: Cycle, cron_period: Duration) {
    // The fast cycle runs before every poll: decide cheaply, without
    // reading the clock, whether it has anything to do.
    if cycle == Cycle::Fast && !server.expire_cycle.timelimit_exit {
        return;
    }
    // While clients are paused the dataset must not change, expiry
    // included (`checkClientPauseTimeoutAndReturnIfPaused`).
    if super::client_cmd::check_pause_timeout(server) {
        return;
    }
    let start = Instant::now();
    let state = &mut server.expire_cycle;
    if !state.enabled {
        return;
    }
    let budget = match cycle {
        Cycle::Fast => {
            // Only when the slow cycle could not keep up, and not too often.
            if state
                .last_fast
                .is_some_and(|last| start.duration_since(last) < FAST_DURATION * 2)
            {
                return;
            }
            state.last_fast = Some(start);
            FAST_DURATION
        }
        Cycle::Slow => cron_period * SLOW_TIME_PERC as u32 / 100,
    };
    let ndbs = server.dbs.len();
    // After a cycle that ran out of time, visit every database.
    let dbs = if state.timelimit_exit {
        ndbs
    } else {
        DBS_PER_CALL.min(ndbs)
    };
    state.timelimit_exit = false;
    let mut iteration = 0usize;
    let (mut total_sampled, mut total_expired) = (0usize, 0usize);
    'dbs: for _ in 0..dbs {
        let db = server.expire_cycle.current_db % ndbs;
        server.expire_cycle.current_db = db + 1;
        loop {
            if server.dbs[db].expires.is_empty() {
                break;
            }
            let (sampled, expired) = expire_sample(server, db);
            total_sampled += sampled;
            total_expired += expired;
            iteration += 1;
            if iteration.is_multiple_of(16) && start.elapsed() > budget {
                server.expire_cycle.timelimit_exit = true;
                server.stats.expired_time_cap_reached += 1;
                break 'dbs;
            }
            if sampled == 0 || expired * 100 <= sampled * ACCEPTABLE_STALE_PERC {
                break;
            }
        }
    }
    let elapsed = start.elapsed();
    server.stats.expire_cycle_time_used_us += elapsed.as_micros() as u64;
    // A running average of the share of expired keys in the samples
    // (`stat_expired_stale_perc`).
    let current = if total_sampled > 0 {
        total_expired as f64 / total_sampled as f64
    } else {
        0.0
    };
    server.stats.expired_stale_perc = current * 0.05 + server.stats.expired_stale_perc * 0.95;
    let state = &mut server.expire_cycle;
    if cycle == Cycle::Slow {
        state.last_duration = elapsed;
    }
    state.max_duration = state.max_duration.max(elapsed);
}

/// Samples up to 20 keys of `db` that have a TTL, continuing the
/// database's scan of `expires`, and deletes the expired ones. Returns
/// (sampled, expired).
fn expire_sample(server: &mut Server, db: usize) -> (usize, usize) {
    let now = mstime();
    let d = &mut server.dbs[db];
    let mut sample: Vec<(Vec<u8>, i64)> = Vec::with_capacity(KEYS_PER_LOOP);
    let mut cursor = d.expires_cursor;
    // Empty buckets count too, so a sparse table cannot stall the loop.
    let mut buckets = 0;
    loop {
        cursor = d.expires.scan(cursor, |k, &when| {
            sample.push((k.as_bytes().to_vec(), when));
        });
        buckets += 1;
        if cursor == 0 || sample.len() >= KEYS_PER_LOOP || buckets >= KEYS_PER_LOOP * 20 {
            break;
        }
    }
    d.expires_cursor = cursor;
    let mut expired = 0;
    let mut ttl_sum: i64 = 0;
    let mut ttl_count: i64 = 0;
    for (key, when) in &sample {
        if now > *when {
            // Counted, published (`expired`) and signalled to watchers
            // as lazy expiry does (`activeExpireCycleTryExpire`).
            server.delete_expired_key(db, key);
            expired += 1;
        } else {
            ttl_sum = ttl_sum.saturating_add(when - now);
            ttl_count += 1;
        }
    }
    // A running average of the TTLs seen, for INFO keyspace (avg_ttl).
    if ttl_count > 0 {
        let d = &mut server.dbs[db];
        let avg = ttl_sum / ttl_count;
        d.avg_ttl = if d.avg_ttl == 0 {
            avg
        } else {
            (d.avg_ttl / 50) * 49 + avg / 50
        };
    }
    (sample.len(), expired)
}

const KEY: &[KeySpec] = &[KeySpec::range(1, 0, &["RW", "update"])];
const KEY_RO: &[KeySpec] = &[KeySpec::range(1, 0, &["RO", "access"])];
const CONDITION: Arg = Arg::new(
    "condition",
    ArgType::OneOf(&[
        Arg::new("nx", ArgType::PureToken).token("NX"),
        Arg::new("xx", ArgType::PureToken).token("XX"),
        Arg::new("gt", ArgType::PureToken).token("GT"),
        Arg::new("lt", ArgType::PureToken).token("LT"),
    ]),
)
.since("7.0.0")
.flags(arg::OPTIONAL);

/// Every command of this module, for the command table.
pub static COMMANDS: [&CommandSpec; 9] = [
    &EXPIRE,
    &PEXPIRE,
    &EXPIREAT,
    &PEXPIREAT,
    &TTL,
    &PTTL,
    &EXPIRETIME,
    &PEXPIRETIME,
    &PERSIST,
];

macro_rules! expire_spec {
    ($name:literal, $proc:ident, $summary:literal, $since:literal, $arg:literal, $kind:expr) => {
        CommandSpec {
            name: $name,
            proc_: $proc,
            arity: -3,
            flags: cmd::WRITE | cmd::FAST,
            acl: acl::KEYSPACE,
            key_specs: KEY,
            summary: $summary,
            since: $since,
            group: "generic",
            complexity: "O(1)",
            args: &[
                Arg::new("key", ArgType::Key(0)),
                Arg::new($arg, $kind),
                CONDITION,
            ],
            ..BASE
        }
    };
}

macro_rules! ttl_spec {
    ($name:literal, $proc:ident, $summary:literal, $since:literal, $tips:expr) => {
        CommandSpec {
            name: $name,
            proc_: $proc,
            arity: 2,
            flags: cmd::READONLY | cmd::FAST,
            acl: acl::KEYSPACE,
            key_specs: KEY_RO,
            tips: $tips,
            summary: $summary,
            since: $since,
            group: "generic",
            complexity: "O(1)",
            args: &[Arg::new("key", ArgType::Key(0))],
            ..BASE
        }
    };
}

pub static EXPIRE: CommandSpec = expire_spec!(
    "expire",
    expire_command,
    "Set a key's time to live in seconds",
    "1.0.0",
    "seconds",
    ArgType::Integer
);
pub static PEXPIRE: CommandSpec = expire_spec!(
    "pexpire",
    pexpire_command,
    "Set a key's time to live in milliseconds",
    "2.6.0",
    "milliseconds",
    ArgType::Integer
);
pub static EXPIREAT: CommandSpec = expire_spec!(
    "expireat",
    expireat_command,
    "Set a key's expiry as a unix time in seconds",
    "1.2.0",
    "unix-time-seconds",
    ArgType::UnixTime
);
pub static PEXPIREAT: CommandSpec = expire_spec!(
    "pexpireat",
    pexpireat_command,
    "Set a key's expiry as a unix time in milliseconds",
    "2.6.0",
    "unix-time-milliseconds",
    ArgType::UnixTime
);
pub static TTL: CommandSpec = ttl_spec!(
    "ttl",
    ttl_command,
    "Remaining time to live of a key, in seconds",
    "1.0.0",
    &["nondeterministic_output"]
);
pub static PTTL: CommandSpec = ttl_spec!(
    "pttl",
    pttl_command,
    "Remaining time to live of a key, in milliseconds",
    "2.6.0",
    &["nondeterministic_output"]
);
pub static EXPIRETIME: CommandSpec = ttl_spec!(
    "expiretime",
    expiretime_command,
    "Expiry of a key as a unix time in seconds",
    "7.0.0",
    &[]
);
pub static PEXPIRETIME: CommandSpec = ttl_spec!(
    "pexpiretime",
    pexpiretime_command,
    "Expiry of a key as a unix time in milliseconds",
    "7.0.0",
    &[]
);
pub static PERSIST: CommandSpec = CommandSpec {
    name: "persist",
    proc_: persist_command,
    arity: 2,
    flags: cmd::WRITE | cmd::FAST,
    acl: acl::KEYSPACE,
    key_specs: KEY,
    summary: "Remove a key's expiry",
    since: "2.2.0",
    group: "generic",
    complexity: "O(1)",
    args: &[Arg::new("key", ArgType::Key(0))],
    ..BASE
};

/// EXPIRE condition flags.
const NX: u8 = 1;
const XX: u8 = 2;
const GT: u8 = 4;
const LT: u8 = 8;

/// The NX/XX/GT/LT options after the time
/// (`parseExtendedExpireArgumentsOrReply`).
fn parse_conditions(args: &[Vec<u8>]) -> Result<u8, CommandError> {
    let mut flags = 0;
    for a in args {
        flags |= match a.to_ascii_uppercase().as_slice() {
            b"NX" => NX,
            b"XX" => XX,
            b"GT" => GT,
            b"LT" => LT,
            _ => return Err(CommandError::UnsupportedOption(a.clone())),
        };
    }
    if flags & NX != 0 && flags & (XX | GT | LT) != 0 {
        return Err(CommandError::ExpireNxXxGtLt);
    }
    if flags & GT != 0 && flags & LT != 0 {
        return Err(CommandError::ExpireGtLt);
    }
    Ok(flags)
}

/// Turns a time argument into unix ms (`expireGenericCommand`'s
/// conversion): `base` is now for relative commands, 0 for absolute ones.
pub fn expire_time_ms(
    arg: &[u8],
    seconds: bool,
    base: i64,
    name: &str,
) -> Result<i64, CommandError> {
    let when = string_to_i64(arg).ok_or(CommandError::NotAnInteger)?;
    let invalid = || CommandError::InvalidExpireTime(name.to_string());
    let when = if seconds {
        when.checked_mul(1000).ok_or_else(invalid)?
    } else {
        when
    };
    when.checked_add(base).ok_or_else(invalid)
}

/// The EXPIRE family (`expireGenericCommand`).
fn expire_generic(server: &mut Server, id: ClientId, argv: &Argv, seconds: bool, relative: bool) {
    let name = server.client(id).last_cmd;
    let flags = match parse_conditions(&argv[3..]) {
        Ok(f) => f,
        Err(e) => return server.reply(id).error(&e),
    };
    let base = if relative { server.cmd_time_ms } else { 0 };
    let when = match expire_time_ms(&argv[2], seconds, base, name) {
        Ok(w) => w,
        Err(e) => return server.reply(id).error(&e),
    };
    let db = server.client_db(id);
    let key = &argv[1];
    if server.lookup_write(db, key).is_none() {
        return server.reply(id).integer(0);
    }
    let current = server.dbs[db].expire_of(key);
    let refused = (flags & NX != 0 && current.is_some())
        || (flags & XX != 0 && current.is_none())
        || (flags & GT != 0 && current.is_none_or(|c| when <= c))
        || (flags & LT != 0 && current.is_some_and(|c| when >= c));
    if refused {
        return server.reply(id).integer(0);
    }
    // Setting the TTL and deleting at once are each one change.
    server.dirty += 1;
    if when <= server.cmd_time_ms {
        // Already in the past: the key goes now (`checkAlreadyExpired`),
        // as a deletion (`del`), not an expiry.
        server.dbs[db].delete(key);
        server.signal_and_notify(db, key, class::GENERIC, "del");
    } else {
        server.dbs[db].set_expire(key, when);
        server.signal_and_notify(db, key, class::GENERIC, "expire");
    }
    server.reply(id).integer(1);
}

fn expire_command(server: &mut Server, id: ClientId, argv: &Argv) {
    expire_generic(server, id, argv, true, true);
}

fn pexpire_command(server: &mut Server, id: ClientId, argv: &Argv) {
    expire_generic(server, id, argv, false, true);
}

fn expireat_command(server: &mut Server, id: ClientId, argv: &Argv) {
    expire_generic(server, id, argv, true, false);
}

fn pexpireat_command(server: &mut Server, id: ClientId, argv: &Argv) {
    expire_generic(server, id, argv, false, false);
}

/// TTL and friends (`ttlGenericCommand`): -2 for a missing key, -1 for a
/// key without expiry.
fn ttl_generic(server: &mut Server, id: ClientId, argv: &Argv, ms: bool, absolute: bool) {
    let db = server.client_db(id);
    let key = &argv[1];
    if server.lookup_read_no_touch(db, key).is_none() {
        return server.reply(id).integer(-2);
    }
    let Some(expire) = server.dbs[db].expire_of(key) else {
        return server.reply(id).integer(-1);
    };
    let ttl = if absolute {
        expire
    } else {
        (expire - server.cmd_time_ms).max(0)
    };
    // Rounded to the nearest second; in i128 so that an expiry near
    // i64::MAX cannot overflow.
    let out = if ms {
        ttl
    } else {
        ((i128::from(ttl) + 500) / 1000) as i64
    };
    server.reply(id).integer(out);
}

fn ttl_command(server: &mut Server, id: ClientId, argv: &Argv) {
    ttl_generic(server, id, argv, false, false);
}

fn pttl_command(server: &mut Server, id: ClientId, argv: &Argv) {
    ttl_generic(server, id, argv, true, false);
}

fn expiretime_command(server: &mut Server, id: ClientId, argv: &Argv) {
    ttl_generic(server, id, argv, false, true);
}

fn pexpiretime_command(server: &mut Server, id: ClientId, argv: &Argv) {
    ttl_generic(server, id, argv, true, true);
}

/// `PERSIST key`.
fn persist_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    if server.lookup_write(db, &argv[1]).is_none() {
        return server.reply(id).integer(0);
    }
    let removed = server.dbs[db].remove_expire(&argv[1]);
    if removed {
        server.dirty += 1;
        server.signal_and_notify(db, &argv[1], class::GENERIC, "persist");
    }
    server.reply(id).integer(i64::from(removed));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::config::Config;
    use crate::server::object::{Obj, Value};

    /// CPU time of this thread: unlike wall time, it does not grow while a
    /// busy machine keeps the test off the CPU.
    fn thread_cpu_time() -> Duration {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime only writes into the timespec we pass.
        unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
    }

    #[test]
    fn the_slow_cycle_stops_at_its_time_budget() {
        let mut server = Server::new(Config::new(), None);
        // More expired keys than 25 ms can delete, even in a release build.
        let db = &mut server.dbs[0];
        for i in 0..300_000 {
            let key = format!("k{i}");
            db.dict.insert(
                key.as_bytes(),
                Obj {
                    value: Value::Int(i),
                    lru: 0,
                },
            );
            db.set_expire(key.as_bytes(), 1);
        }
        let period = Duration::from_millis(100);
        let budget = period * SLOW_TIME_PERC as u32 / 100;
        let before = thread_cpu_time();
        active_expire_cycle(&mut server, Cycle::Slow, period);
        let spent = thread_cpu_time() - before;
        let left = server.dbs[0].dict.len();
        assert!(left > 0, "the cycle must stop before deleting everything");
        assert!(left < 300_000, "the cycle deleted something");
        assert_eq!(server.stats.expired_time_cap_reached, 1);
        assert_eq!(server.stats.expired_keys as usize, 300_000 - left);
        // The budget is checked every 16 samples of 20 keys: allow that
        // much work past it, generously.
        assert!(
            spent <= budget + Duration::from_millis(10),
            "spent {spent:?} of CPU for a budget of {budget:?}"
        );
        // The fast cycle now runs (the slow one ran out of time), within
        // its own 1 ms budget.
        let before = thread_cpu_time();
        active_expire_cycle(&mut server, Cycle::Fast, period);
        let spent = thread_cpu_time() - before;
        assert!(
            server.dbs[0].dict.len() < left,
            "the fast cycle deleted keys"
        );
        assert!(
            spent <= FAST_DURATION + Duration::from_millis(5),
            "fast cycle spent {spent:?}"
        );
    }

    #[test]
    fn condition_flags() {
        let args = |v: &[&str]| v.iter().map(|s| s.as_bytes().to_vec()).collect::<Vec<_>>();
        assert_eq!(parse_conditions(&args(&["nx"])), Ok(NX));
        assert_eq!(parse_conditions(&args(&["GT", "xx"])), Ok(GT | XX));
        assert_eq!(
            parse_conditions(&args(&["NX", "XX"])),
            Err(CommandError::ExpireNxXxGtLt)
        );
        assert_eq!(
            parse_conditions(&args(&["GT", "LT"])),
            Err(CommandError::ExpireGtLt)
        );
        assert!(matches!(
            parse_conditions(&args(&["FOO"])),
            Err(CommandError::UnsupportedOption(_))
        ));
    }

    #[test]
    fn expire_times_overflow_into_errors() {
        assert_eq!(expire_time_ms(b"10", true, 5, "expire"), Ok(10_005));
        assert_eq!(expire_time_ms(b"-10", false, 0, "pexpireat"), Ok(-10));
        assert_eq!(
            expire_time_ms(b"9223372036854775807", true, 0, "expire"),
            Err(CommandError::InvalidExpireTime("expire".into()))
        );
        assert_eq!(
            expire_time_ms(b"9223372036854775807", false, 1, "pexpire"),
            Err(CommandError::InvalidExpireTime("pexpire".into()))
        );
        assert_eq!(
            expire_time_ms(b"x", false, 0, "pexpire"),
            Err(CommandError::NotAnInteger)
        );
    }
}
