//! String commands.
//!
//! Mirrors: `t_string.c` (`setGenericCommand`,
//! `parseExtendedStringArgumentsOrReply`, `getExpireMillisecondsOrReply`,
//! `getGenericCommand`, `incrDecrCommand`, `incrbyfloatCommand`,
//! `appendCommand`, `getrangeCommand`, `setrangeCommand`,
//! `checkStringLength`, `lcsCommand`) and the string half of `object.c`.
//!
//! Every value is stored with the encoding Redis would give it (see
//! object.rs): SET-like commands store what `tryObjectEncoding` would
//! (`int` for numbers, `embstr` up to 44 bytes, else `raw`); APPEND and
//! SETRANGE make a `raw` string; INCR and friends keep an `int`.
//!
//! Change counting (`server.dirty`): one per key stored (MSET and MSETNX
//! one per pair), INCR and friends one even when adding 0, APPEND one even
//! for an empty suffix; nothing when NX/XX refuses, when SETRANGE writes an
//! empty value, or when GETEX leaves the TTL alone.
//!
//! INCRBYFLOAT adds in the C `long double` and prints with the C library,
//! through csrc/ldouble.c, because Redis's results (`123456789.123` prints
//! as `123456789.12299999999959255` on x86-64) come from exactly that.

use super::commands::{
    acl, arg, cmd, Arg, ArgType, BeginSearch, CommandSpec, FindKeys, KeySpec, BASE,
};
use super::errors::CommandError;
use super::notify::class;
use super::object::Value;
use super::resp::{string_to_i64, Argv};
use super::{ClientId, Server};

/// Every command of this module, for the command table.
pub static COMMANDS: [&CommandSpec; 22] = [
    &GET,
    &SET,
    &SETNX,
    &SETEX,
    &PSETEX,
    &GETSET,
    &GETDEL,
    &GETEX,
    &MGET,
    &MSET,
    &MSETNX,
    &INCR,
    &DECR,
    &INCRBY,
    &DECRBY,
    &INCRBYFLOAT,
    &APPEND,
    &STRLEN,
    &GETRANGE,
    &SUBSTR,
    &SETRANGE,
    &LCS,
];

pub static GET: CommandSpec = CommandSpec {
    name: "get",
    proc_: get_command,
    arity: 2,
    flags: cmd::READONLY | cmd::FAST,
    acl: acl::STRING,
    key_specs: &[KeySpec::range(1, 0, &["RO", "access"])],
    summary: "Read the string stored at a key",
    since: "1.0.0",
    group: "string",
    complexity: "O(1)",
    args: &[Arg::new("key", ArgType::Key(0))],
    ..BASE
};

pub static SET: CommandSpec = CommandSpec {
    name: "set",
    proc_: set_command,
    arity: -3,
    flags: cmd::WRITE | cmd::DENYOOM,
    acl: acl::STRING,
    key_specs: &[KeySpec {
        notes: "RW and ACCESS because of the optional GET option",
        flags: &["RW", "access", "update", "variable_flags"],
        begin: BeginSearch::Index(1),
        find: FindKeys::Range {
            lastkey: 0,
            keystep: 1,
            limit: 0,
        },
    }],
    summary: "Store a string at a key, with optional expiry and conditions",
    since: "1.0.0",
    group: "string",
    complexity: "O(1)",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("value", ArgType::String),
        Arg::new(
            "condition",
            ArgType::OneOf(&[
                Arg::new("nx", ArgType::PureToken).token("NX"),
                Arg::new("xx", ArgType::PureToken).token("XX"),
            ]),
        )
        .since("2.6.12")
        .flags(arg::OPTIONAL),
        Arg::new("get", ArgType::PureToken)
            .token("GET")
            .since("6.2.0")
            .flags(arg::OPTIONAL),
        Arg::new(
            "expiration",
            ArgType::OneOf(&[
                Arg::new("seconds", ArgType::Integer)
                    .token("EX")
                    .since("2.6.12"),
                Arg::new("milliseconds", ArgType::Integer)
                    .token("PX")
                    .since("2.6.12"),
                Arg::new("unix-time-seconds", ArgType::UnixTime)
                    .token("EXAT")
                    .since("6.2.0"),
                Arg::new("unix-time-milliseconds", ArgType::UnixTime)
                    .token("PXAT")
                    .since("6.2.0"),
                Arg::new("keepttl", ArgType::PureToken)
                    .token("KEEPTTL")
                    .since("6.0.0"),
            ]),
        )
        .flags(arg::OPTIONAL),
    ],
    ..BASE
};

pub static SETNX: CommandSpec = CommandSpec {
    name: "setnx",
    proc_: setnx_command,
    arity: 3,
    flags: cmd::WRITE | cmd::DENYOOM | cmd::FAST,
    acl: acl::STRING,
    key_specs: &[KeySpec::range(1, 0, &["OW", "insert"])],
    summary: "Store a string only if the key does not exist",
    since: "1.0.0",
    group: "string",
    complexity: "O(1)",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("value", ArgType::String),
    ],
    ..BASE
};

pub static SETEX: CommandSpec = CommandSpec {
    name: "setex",
    proc_: setex_command,
    arity: 4,
    flags: cmd::WRITE | cmd::DENYOOM,
    acl: acl::STRING,
    key_specs: &[KeySpec::range(1, 0, &["OW", "update"])],
    summary: "Store a string with an expiry in seconds",
    since: "2.0.0",
    group: "string",
    complexity: "O(1)",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("seconds", ArgType::Integer),
        Arg::new("value", ArgType::String),
    ],
    ..BASE
};

pub static PSETEX: CommandSpec = CommandSpec {
    name: "psetex",
    proc_: psetex_command,
    arity: 4,
    flags: cmd::WRITE | cmd::DENYOOM,
    acl: acl::STRING,
    key_specs: &[KeySpec::range(1, 0, &["OW", "update"])],
    summary: "Store a string with an expiry in milliseconds",
    since: "2.6.0",
    group: "string",
    complexity: "O(1)",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("milliseconds", ArgType::Integer),
        Arg::new("value", ArgType::String),
    ],
    ..BASE
};

pub static GETSET: CommandSpec = CommandSpec {
    name: "getset",
    proc_: getset_command,
    arity: 3,
    flags: cmd::WRITE | cmd::DENYOOM | cmd::FAST,
    acl: acl::STRING,
    key_specs: &[KeySpec::range(1, 0, &["RW", "access", "update"])],
    summary: "Store a string and return the one it replaced",
    since: "1.0.0",
    group: "string",
    complexity: "O(1)",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("value", ArgType::String),
    ],
    ..BASE
};

pub static GETDEL: CommandSpec = CommandSpec {
    name: "getdel",
    proc_: getdel_command,
    arity: 2,
    flags: cmd::WRITE | cmd::FAST,
    acl: acl::STRING,
    key_specs: &[KeySpec::range(1, 0, &["RW", "access", "delete"])],
    summary: "Read a string and delete its key",
    since: "6.2.0",
    group: "string",
    complexity: "O(1)",
    args: &[Arg::new("key", ArgType::Key(0))],
    ..BASE
};

pub static GETEX: CommandSpec = CommandSpec {
    name: "getex",
    proc_: getex_command,
    arity: -2,
    flags: cmd::WRITE | cmd::FAST,
    acl: acl::STRING,
    key_specs: &[KeySpec {
        notes: "RW and UPDATE since it can change the TTL",
        flags: &["RW", "access", "update"],
        begin: BeginSearch::Index(1),
        find: FindKeys::Range {
            lastkey: 0,
            keystep: 1,
            limit: 0,
        },
    }],
    summary: "Read a string and change or remove its expiry",
    since: "6.2.0",
    group: "string",
    complexity: "O(1)",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new(
            "expiration",
            ArgType::OneOf(&[
                Arg::new("seconds", ArgType::Integer).token("EX"),
                Arg::new("milliseconds", ArgType::Integer).token("PX"),
                Arg::new("unix-time-seconds", ArgType::UnixTime).token("EXAT"),
                Arg::new("unix-time-milliseconds", ArgType::UnixTime).token("PXAT"),
                Arg::new("persist", ArgType::PureToken).token("PERSIST"),
            ]),
        )
        .flags(arg::OPTIONAL),
    ],
    ..BASE
};

pub static MGET: CommandSpec = CommandSpec {
    name: "mget",
    proc_: mget_command,
    arity: -2,
    flags: cmd::READONLY | cmd::FAST,
    acl: acl::STRING,
    key_specs: &[KeySpec::range(1, -1, &["RO", "access"])],
    tips: &["request_policy:multi_shard"],
    summary: "Read the strings of several keys",
    since: "1.0.0",
    group: "string",
    complexity: "O(N)",
    args: &[Arg::new("key", ArgType::Key(0)).flags(arg::MULTIPLE)],
    ..BASE
};

pub static MSET: CommandSpec = CommandSpec {
    name: "mset",
    proc_: mset_command,
    arity: -3,
    flags: cmd::WRITE | cmd::DENYOOM,
    acl: acl::STRING,
    key_specs: &[KeySpec {
        notes: "",
        flags: &["OW", "update"],
        begin: BeginSearch::Index(1),
        find: FindKeys::Range {
            lastkey: -1,
            keystep: 2,
            limit: 0,
        },
    }],
    tips: &[
        "request_policy:multi_shard",
        "response_policy:all_succeeded",
    ],
    summary: "Store several strings at once",
    since: "1.0.1",
    group: "string",
    complexity: "O(N)",
    args: &[Arg::new(
        "key_value",
        ArgType::Block(&[
            Arg::new("key", ArgType::Key(0)),
            Arg::new("value", ArgType::String),
        ]),
    )
    .flags(arg::MULTIPLE)],
    ..BASE
};

pub static MSETNX: CommandSpec = CommandSpec {
    name: "msetnx",
    proc_: msetnx_command,
    arity: -3,
    flags: cmd::WRITE | cmd::DENYOOM,
    acl: acl::STRING,
    key_specs: &[KeySpec {
        notes: "",
        flags: &["OW", "insert"],
        begin: BeginSearch::Index(1),
        find: FindKeys::Range {
            lastkey: -1,
            keystep: 2,
            limit: 0,
        },
    }],
    tips: &["request_policy:multi_shard", "response_policy:agg_min"],
    summary: "Store several strings only if none of the keys exists",
    since: "1.0.1",
    group: "string",
    complexity: "O(N)",
    args: &[Arg::new(
        "key_value",
        ArgType::Block(&[
            Arg::new("key", ArgType::Key(0)),
            Arg::new("value", ArgType::String),
        ]),
    )
    .flags(arg::MULTIPLE)],
    ..BASE
};

pub static INCR: CommandSpec = CommandSpec {
    name: "incr",
    proc_: incr_command,
    arity: 2,
    flags: cmd::WRITE | cmd::DENYOOM | cmd::FAST,
    acl: acl::STRING,
    key_specs: &[KeySpec::range(1, 0, &["RW", "access", "update"])],
    summary: "Add one to the integer stored at a key",
    since: "1.0.0",
    group: "string",
    complexity: "O(1)",
    args: &[Arg::new("key", ArgType::Key(0))],
    ..BASE
};

pub static DECR: CommandSpec = CommandSpec {
    name: "decr",
    proc_: decr_command,
    arity: 2,
    flags: cmd::WRITE | cmd::DENYOOM | cmd::FAST,
    acl: acl::STRING,
    key_specs: &[KeySpec::range(1, 0, &["RW", "access", "update"])],
    summary: "Subtract one from the integer stored at a key",
    since: "1.0.0",
    group: "string",
    complexity: "O(1)",
    args: &[Arg::new("key", ArgType::Key(0))],
    ..BASE
};

pub static INCRBY: CommandSpec = CommandSpec {
    name: "incrby",
    proc_: incrby_command,
    arity: 3,
    flags: cmd::WRITE | cmd::DENYOOM | cmd::FAST,
    acl: acl::STRING,
    key_specs: &[KeySpec::range(1, 0, &["RW", "access", "update"])],
    summary: "Add an integer to the integer stored at a key",
    since: "1.0.0",
    group: "string",
    complexity: "O(1)",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("increment", ArgType::Integer),
    ],
    ..BASE
};

pub static DECRBY: CommandSpec = CommandSpec {
    name: "decrby",
    proc_: decrby_command,
    arity: 3,
    flags: cmd::WRITE | cmd::DENYOOM | cmd::FAST,
    acl: acl::STRING,
    key_specs: &[KeySpec::range(1, 0, &["RW", "access", "update"])],
    summary: "Subtract an integer from the integer stored at a key",
    since: "1.0.0",
    group: "string",
    complexity: "O(1)",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("decrement", ArgType::Integer),
    ],
    ..BASE
};

pub static INCRBYFLOAT: CommandSpec = CommandSpec {
    name: "incrbyfloat",
    proc_: incrbyfloat_command,
    arity: 3,
    flags: cmd::WRITE | cmd::DENYOOM | cmd::FAST,
    acl: acl::STRING,
    key_specs: &[KeySpec::range(1, 0, &["RW", "access", "update"])],
    summary: "Add a floating-point number to the number stored at a key",
    since: "2.6.0",
    group: "string",
    complexity: "O(1)",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("increment", ArgType::Double),
    ],
    ..BASE
};

pub static APPEND: CommandSpec = CommandSpec {
    name: "append",
    proc_: append_command,
    arity: 3,
    flags: cmd::WRITE | cmd::DENYOOM | cmd::FAST,
    acl: acl::STRING,
    key_specs: &[KeySpec::range(1, 0, &["RW", "insert"])],
    summary: "Add bytes to the end of a string",
    since: "2.0.0",
    group: "string",
    complexity: "O(1)",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("value", ArgType::String),
    ],
    ..BASE
};

pub static STRLEN: CommandSpec = CommandSpec {
    name: "strlen",
    proc_: strlen_command,
    arity: 2,
    flags: cmd::READONLY | cmd::FAST,
    acl: acl::STRING,
    key_specs: &[KeySpec::range(1, 0, &["RO"])],
    summary: "Length of the string stored at a key",
    since: "2.2.0",
    group: "string",
    complexity: "O(1)",
    args: &[Arg::new("key", ArgType::Key(0))],
    ..BASE
};

pub static GETRANGE: CommandSpec = CommandSpec {
    name: "getrange",
    proc_: getrange_command,
    arity: 4,
    flags: cmd::READONLY,
    acl: acl::STRING,
    key_specs: &[KeySpec::range(1, 0, &["RO", "access"])],
    summary: "Part of a string, by byte offsets",
    since: "2.4.0",
    group: "string",
    complexity: "O(N)",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("start", ArgType::Integer),
        Arg::new("end", ArgType::Integer),
    ],
    ..BASE
};

pub static SUBSTR: CommandSpec = CommandSpec {
    name: "substr",
    proc_: substr_command,
    arity: 4,
    flags: cmd::READONLY,
    acl: acl::STRING,
    key_specs: &[KeySpec::range(1, 0, &["RO", "access"])],
    summary: "Part of a string, by byte offsets (old name of GETRANGE)",
    since: "1.0.0",
    group: "string",
    complexity: "O(N)",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("start", ArgType::Integer),
        Arg::new("end", ArgType::Integer),
    ],
    ..BASE
};

pub static SETRANGE: CommandSpec = CommandSpec {
    name: "setrange",
    proc_: setrange_command,
    arity: 4,
    flags: cmd::WRITE | cmd::DENYOOM,
    acl: acl::STRING,
    key_specs: &[KeySpec::range(1, 0, &["RW", "update"])],
    summary: "Overwrite part of a string from an offset",
    since: "2.2.0",
    group: "string",
    complexity: "O(1)",
    args: &[
        Arg::new("key", ArgType::Key(0)),
        Arg::new("offset", ArgType::Integer),
        Arg::new("value", ArgType::String),
    ],
    ..BASE
};

pub static LCS: CommandSpec = CommandSpec {
    name: "lcs",
    proc_: lcs_command,
    arity: -3,
    flags: cmd::READONLY,
    acl: acl::STRING,
    key_specs: &[KeySpec::range(1, 1, &["RO", "access"])],
    summary: "Longest common subsequence of two strings",
    since: "7.0.0",
    group: "string",
    complexity: "O(N*M)",
    args: &[
        Arg::new("key1", ArgType::Key(0)),
        Arg::new("key2", ArgType::Key(0)),
        Arg::new("len", ArgType::PureToken)
            .token("LEN")
            .flags(arg::OPTIONAL),
        Arg::new("idx", ArgType::PureToken)
            .token("IDX")
            .flags(arg::OPTIONAL),
        Arg::new("len", ArgType::Integer)
            .token("MINMATCHLEN")
            .flags(arg::OPTIONAL),
        Arg::new("withmatchlen", ArgType::PureToken)
            .token("WITHMATCHLEN")
            .flags(arg::OPTIONAL),
    ],
    ..BASE
};

// ---------------------------------------------------------------------------
// SET and its relatives
// ---------------------------------------------------------------------------

/// Options of SET and GETEX (`OBJ_SET_*` / `OBJ_*` flags).
#[derive(Default, Clone, Copy)]
struct SetOptions {
    nx: bool,
    xx: bool,
    get: bool,
    keep_ttl: bool,
    persist: bool,
    /// The expire option and the index of its argument.
    expire: Option<(Expire, usize)>,
}

/// Which expire option was given.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expire {
    Ex,
    Px,
    ExAt,
    PxAt,
}

/// Parses the options of SET (from argv[3]) or GETEX (from argv[2])
/// (`parseExtendedStringArgumentsOrReply`). Each option is refused when a
/// conflicting one came before it; repeating the same one is allowed.
fn parse_set_options(argv: &Argv, for_set: bool) -> Result<SetOptions, CommandError> {
    let mut o = SetOptions::default();
    let mut j = if for_set { 3 } else { 2 };
    while j < argv.len() {
        let opt = argv[j].to_ascii_uppercase();
        let has_next = j + 1 < argv.len();
        let other_expire = |o: &SetOptions, this: Expire| o.expire.is_some_and(|(e, _)| e != this);
        match opt.as_slice() {
            b"NX" if for_set && !o.xx => o.nx = true,
            b"XX" if for_set && !o.nx => o.xx = true,
            b"GET" if for_set => o.get = true,
            b"KEEPTTL" if for_set && !o.persist && o.expire.is_none() => o.keep_ttl = true,
            b"PERSIST" if !for_set && o.expire.is_none() && !o.keep_ttl => o.persist = true,
            b"EX" | b"PX" | b"EXAT" | b"PXAT" if has_next => {
                let this = match opt.as_slice() {
                    b"EX" => Expire::Ex,
                    b"PX" => Expire::Px,
                    b"EXAT" => Expire::ExAt,
                    _ => Expire::PxAt,
                };
                if o.keep_ttl || o.persist || other_expire(&o, this) {
                    return Err(CommandError::Syntax);
                }
                o.expire = Some((this, j + 1));
                j += 1;
            }
            _ => return Err(CommandError::Syntax),
        }
        j += 1;
    }
    Ok(o)
}

/// The absolute expiry in unix ms for an expire option
/// (`getExpireMillisecondsOrReply`): the number must be positive and the
/// result must not overflow.
fn expire_ms(server: &Server, arg: &[u8], kind: Expire, name: &str) -> Result<i64, CommandError> {
    let n = string_to_i64(arg).ok_or(CommandError::NotAnInteger)?;
    let invalid = || CommandError::InvalidExpireTime(name.to_string());
    let seconds = matches!(kind, Expire::Ex | Expire::ExAt);
    if n <= 0 || (seconds && n > i64::MAX / 1000) {
        return Err(invalid());
    }
    let ms = if seconds { n * 1000 } else { n };
    let ms = match kind {
        Expire::Ex | Expire::Px => ms.checked_add(server.cmd_time_ms).ok_or_else(invalid)?,
        Expire::ExAt | Expire::PxAt => ms,
    };
    if ms <= 0 {
        return Err(invalid());
    }
    Ok(ms)
}

/// Replies with the string at `key` (or null); false for a key of
/// another type, after replying WRONGTYPE (`getGenericCommand`).
fn reply_string(server: &mut Server, id: ClientId, db: usize, key: &[u8]) -> bool {
    match server.lookup_read(db, key) {
        None => {
            server.reply(id).null();
            true
        }
        Some(o) if !o.value.is_string() => {
            server.reply(id).error(&CommandError::WrongType);
            false
        }
        Some(o) => {
            let bytes = o.value.string_bytes().into_owned();
            server.reply(id).bulk(&bytes);
            true
        }
    }
}

/// What SET-like commands reply when they store, or refuse to store.
enum SetReplies {
    /// +OK, or null when refused (SET).
    OkOrNull,
    /// :1 / :0 (SETNX).
    OneOrZero,
}

/// `setGenericCommand`.
fn set_generic(
    server: &mut Server,
    id: ClientId,
    argv: &Argv,
    opts: SetOptions,
    value_index: usize,
    replies: SetReplies,
) {
    let name = server.client(id).last_cmd;
    let when = match opts.expire {
        Some((kind, i)) => match expire_ms(server, &argv[i], kind, name) {
            Ok(w) => Some(w),
            Err(e) => return server.reply(id).error(&e),
        },
        None => None,
    };
    let db = server.client_db(id);
    let key = &argv[1];
    if opts.get && !reply_string(server, id, db, key) {
        return;
    }
    let found = server.lookup_write(db, key).is_some();
    if (opts.nx && found) || (opts.xx && !found) {
        if !opts.get {
            match replies {
                SetReplies::OkOrNull => server.reply(id).null(),
                SetReplies::OneOrZero => server.reply(id).integer(0),
            }
        }
        return;
    }
    server.set_key(db, key, Value::string(&argv[value_index]), opts.keep_ttl);
    // One change for the value; an expiry set with it is part of it.
    server.dirty += 1;
    server.notify(class::STRING, "set", key, db);
    if let Some(when) = when {
        // Stored even when already in the past, as Redis 7.0 does.
        server.dbs[db].set_expire(key, when);
        server.notify(class::GENERIC, "expire", key, db);
    }
    if !opts.get {
        match replies {
            SetReplies::OkOrNull => server.reply(id).ok(),
            SetReplies::OneOrZero => server.reply(id).integer(1),
        }
    }
}

/// `SET key value [NX|XX] [GET] [EX s|PX ms|EXAT t|PXAT t|KEEPTTL]`.
fn set_command(server: &mut Server, id: ClientId, argv: &Argv) {
    match parse_set_options(argv, true) {
        Ok(opts) => set_generic(server, id, argv, opts, 2, SetReplies::OkOrNull),
        Err(e) => server.reply(id).error(&e),
    }
}

/// `SETNX key value`.
fn setnx_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let opts = SetOptions {
        nx: true,
        ..SetOptions::default()
    };
    set_generic(server, id, argv, opts, 2, SetReplies::OneOrZero);
}

/// `SETEX key seconds value`.
fn setex_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let opts = SetOptions {
        expire: Some((Expire::Ex, 2)),
        ..SetOptions::default()
    };
    set_generic(server, id, argv, opts, 3, SetReplies::OkOrNull);
}

/// `PSETEX key milliseconds value`.
fn psetex_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let opts = SetOptions {
        expire: Some((Expire::Px, 2)),
        ..SetOptions::default()
    };
    set_generic(server, id, argv, opts, 3, SetReplies::OkOrNull);
}

/// `GET key`.
fn get_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    reply_string(server, id, db, &argv[1]);
}

/// `GETSET key value`: the old value, and the new one without a TTL.
fn getset_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    if !reply_string(server, id, db, &argv[1]) {
        return;
    }
    server.set_key(db, &argv[1], Value::string(&argv[2]), false);
    server.dirty += 1;
    server.notify(class::STRING, "set", &argv[1], db);
}

/// `GETDEL key`: one read lookup (one `keymiss` for a missing key).
fn getdel_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    if reply_string(server, id, db, &argv[1]) && server.dbs[db].delete(&argv[1]) {
        server.dirty += 1;
        server.signal_and_notify(db, &argv[1], class::GENERIC, "del");
    }
}

/// `GETEX key [EX s|PX ms|EXAT t|PXAT t|PERSIST]`.
fn getex_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let opts = match parse_set_options(argv, false) {
        Ok(o) => o,
        Err(e) => return server.reply(id).error(&e),
    };
    let db = server.client_db(id);
    let key = &argv[1];
    let bytes = match server.lookup_read(db, key) {
        None => return server.reply(id).null(),
        Some(o) if !o.value.is_string() => return server.reply(id).error(&CommandError::WrongType),
        Some(o) => o.value.string_bytes().into_owned(),
    };
    let when = match opts.expire {
        Some((kind, i)) => match expire_ms(server, &argv[i], kind, "getex") {
            Ok(w) => Some(w),
            Err(e) => return server.reply(id).error(&e),
        },
        None => None,
    };
    server.reply(id).bulk(&bytes);
    // Each outcome that changes the key is one change; a PERSIST of a key
    // without a TTL, or no option at all, is none.
    match when {
        Some(w) if w <= server.cmd_time_ms => {
            server.dbs[db].delete(key);
            server.dirty += 1;
            server.signal_and_notify(db, key, class::GENERIC, "del");
        }
        Some(w) => {
            server.dbs[db].set_expire(key, w);
            server.dirty += 1;
            server.signal_and_notify(db, key, class::GENERIC, "expire");
        }
        None if opts.persist && server.dbs[db].remove_expire(key) => {
            server.dirty += 1;
            server.signal_and_notify(db, key, class::GENERIC, "persist");
        }
        None => {}
    }
}

/// `MGET key [key ...]`: null for missing keys and keys of other types.
fn mget_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    server.reply(id).array_len(argv.len() - 1);
    for key in &argv[1..] {
        let value = server
            .lookup_read(db, key)
            .filter(|o| o.value.is_string())
            .map(|o| o.value.string_bytes().into_owned());
        match value {
            Some(v) => server.reply(id).bulk(&v),
            None => server.reply(id).null(),
        }
    }
}

/// `MSET` and `MSETNX` (`msetGenericCommand`).
fn mset_generic(server: &mut Server, id: ClientId, argv: &Argv, nx: bool) {
    if argv.len().is_multiple_of(2) {
        let name = if nx { "msetnx" } else { "mset" };
        return server
            .reply(id)
            .error(&CommandError::WrongArity(name.into()));
    }
    let db = server.client_db(id);
    if nx {
        let any = argv[1..]
            .iter()
            .step_by(2)
            .any(|key| server.lookup_write(db, key).is_some());
        if any {
            return server.reply(id).integer(0);
        }
    }
    // One change per key, a key given twice counting twice.
    for pair in argv[1..].chunks_exact(2) {
        server.set_key(db, &pair[0], Value::string(&pair[1]), false);
        server.dirty += 1;
        server.notify(class::STRING, "set", &pair[0], db);
    }
    if nx {
        server.reply(id).integer(1);
    } else {
        server.reply(id).ok();
    }
}

fn mset_command(server: &mut Server, id: ClientId, argv: &Argv) {
    mset_generic(server, id, argv, false);
}

fn msetnx_command(server: &mut Server, id: ClientId, argv: &Argv) {
    mset_generic(server, id, argv, true);
}

// ---------------------------------------------------------------------------
// Counters
// ---------------------------------------------------------------------------

/// `incrDecrCommand`: adds `by` to the integer at `key`, keeping its TTL.
fn incr_decr(server: &mut Server, id: ClientId, key: &[u8], by: i64) {
    let db = server.client_db(id);
    let current = match server.lookup_write(db, key) {
        None => 0,
        Some(o) if !o.value.is_string() => return server.reply(id).error(&CommandError::WrongType),
        Some(o) => match o.value.as_i64() {
            Some(n) => n,
            None => return server.reply(id).error(&CommandError::NotAnInteger),
        },
    };
    let Some(value) = current.checked_add(by) else {
        return server.reply(id).error(&CommandError::IncrOverflow);
    };
    server.set_key(db, key, Value::Int(value), true);
    // A change even when `by` is 0: Redis does not compare.
    server.dirty += 1;
    server.notify(class::STRING, "incrby", key, db);
    server.reply(id).integer(value);
}

fn incr_command(server: &mut Server, id: ClientId, argv: &Argv) {
    incr_decr(server, id, &argv[1], 1);
}

fn decr_command(server: &mut Server, id: ClientId, argv: &Argv) {
    incr_decr(server, id, &argv[1], -1);
}

fn incrby_command(server: &mut Server, id: ClientId, argv: &Argv) {
    match string_to_i64(&argv[2]) {
        Some(by) => incr_decr(server, id, &argv[1], by),
        None => server.reply(id).error(&CommandError::NotAnInteger),
    }
}

fn decrby_command(server: &mut Server, id: ClientId, argv: &Argv) {
    match string_to_i64(&argv[2]) {
        Some(i64::MIN) => server.reply(id).error(&CommandError::DecrOverflow),
        Some(by) => incr_decr(server, id, &argv[1], -by),
        None => server.reply(id).error(&CommandError::NotAnInteger),
    }
}

/// `INCRBYFLOAT key increment`; see the module docs for the arithmetic.
fn incrbyfloat_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    let key = &argv[1];
    let current = match server.lookup_write(db, key) {
        None => b"0".to_vec(),
        Some(o) if !o.value.is_string() => return server.reply(id).error(&CommandError::WrongType),
        Some(o) => o.value.string_bytes().into_owned(),
    };
    let text = match long_double_add(&current, &argv[2]) {
        Ok(text) => text,
        Err(e) => return server.reply(id).error(&e),
    };
    server.set_key(db, key, Value::embstr_or_raw(&text), true);
    server.dirty += 1;
    server.notify(class::STRING, "incrbyfloat", key, db);
    server.reply(id).bulk(&text);
}

/// Longest number text, and result (`MAX_LONG_DOUBLE_CHARS`).
const LONG_DOUBLE_MAX_CHARS: usize = 5 * 1024;

extern "C" {
    /// csrc/ldouble.c: adds two numbers written as text in C long double
    /// and prints the sum as Redis does. Returns the length written to
    /// `out`, or -1 (not a number), -2 (not finite), -3 (too long).
    fn ferrodis_ld_add(
        a: *const u8,
        alen: usize,
        b: *const u8,
        blen: usize,
        out: *mut u8,
        outlen: usize,
    ) -> i32;
}

/// `a + b` for INCRBYFLOAT, as Redis computes and prints it.
pub(crate) fn long_double_add(a: &[u8], b: &[u8]) -> Result<Vec<u8>, CommandError> {
    let mut out = vec![0u8; LONG_DOUBLE_MAX_CHARS];
    // SAFETY: the pointers and lengths describe live slices; the C side
    // reads at most `alen`/`blen` bytes of the inputs (copying them into a
    // buffer of its own) and writes at most `outlen` bytes into `out`.
    let n = unsafe {
        ferrodis_ld_add(
            a.as_ptr(),
            a.len(),
            b.as_ptr(),
            b.len(),
            out.as_mut_ptr(),
            out.len(),
        )
    };
    match n {
        -1 => Err(CommandError::NotAFloat),
        -2 => Err(CommandError::IncrNanOrInfinity),
        // The sum does not fit: Redis stores (and replies) an empty string.
        n if n < 0 => Ok(Vec::new()),
        n => {
            out.truncate(n as usize);
            Ok(out)
        }
    }
}

// ---------------------------------------------------------------------------
// Bytes
// ---------------------------------------------------------------------------

/// Refuses a string that would exceed `proto-max-bulk-len`
/// (`checkStringLength`).
fn check_string_length(server: &Server, size: u64) -> Result<(), CommandError> {
    if size > server.config.proto_max_bulk_len as u64 {
        Err(CommandError::StringTooLong)
    } else {
        Ok(())
    }
}

/// `APPEND key value`.
fn append_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    let (key, add) = (&argv[1], &argv[2]);
    let len = match server.lookup_write(db, key) {
        None => {
            server.db_add(db, key, Value::string(add));
            add.len()
        }
        Some(o) if !o.value.is_string() => return server.reply(id).error(&CommandError::WrongType),
        Some(o) => {
            let total = o.value.string_len() as u64 + add.len() as u64;
            if let Err(e) = check_string_length(server, total) {
                return server.reply(id).error(&e);
            }
            let Some(o) = server.dbs[db].dict.get_mut(key) else {
                return;
            };
            let raw = o.value.make_raw();
            raw.extend_from_slice(add);
            raw.len()
        }
    };
    // One change, even for an empty suffix.
    server.dirty += 1;
    server.signal_and_notify(db, key, class::STRING, "append");
    server.reply(id).integer(len as i64);
}

/// `STRLEN key`.
fn strlen_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    match server.lookup_read(db, &argv[1]) {
        None => server.reply(id).integer(0),
        Some(o) if !o.value.is_string() => server.reply(id).error(&CommandError::WrongType),
        Some(o) => {
            let n = o.value.string_len();
            server.reply(id).integer(n as i64);
        }
    }
}

/// `GETRANGE key start end` (and its old name SUBSTR).
fn getrange_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let (Some(mut start), Some(mut end)) = (string_to_i64(&argv[2]), string_to_i64(&argv[3]))
    else {
        return server.reply(id).error(&CommandError::NotAnInteger);
    };
    let db = server.client_db(id);
    let bytes = match server.lookup_read(db, &argv[1]) {
        None => return server.reply(id).bulk(b""),
        Some(o) if !o.value.is_string() => return server.reply(id).error(&CommandError::WrongType),
        Some(o) => o.value.string_bytes().into_owned(),
    };
    let len = bytes.len() as i64;
    if start < 0 && end < 0 && start > end {
        return server.reply(id).bulk(b"");
    }
    if start < 0 {
        start += len;
    }
    if end < 0 {
        end += len;
    }
    start = start.max(0);
    end = end.max(0);
    if end >= len {
        end = len - 1;
    }
    if start > end || len == 0 {
        return server.reply(id).bulk(b"");
    }
    server.reply(id).bulk(&bytes[start as usize..=end as usize]);
}

fn substr_command(server: &mut Server, id: ClientId, argv: &Argv) {
    getrange_command(server, id, argv);
}

/// `SETRANGE key offset value`.
fn setrange_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let Some(offset) = string_to_i64(&argv[2]) else {
        return server.reply(id).error(&CommandError::NotAnInteger);
    };
    if offset < 0 {
        return server.reply(id).error(&CommandError::OffsetOutOfRange);
    }
    let db = server.client_db(id);
    let (key, value) = (&argv[1], &argv[3]);
    let exists = match server.lookup_write(db, key) {
        None => false,
        Some(o) if !o.value.is_string() => return server.reply(id).error(&CommandError::WrongType),
        Some(o) => {
            if value.is_empty() {
                let n = o.value.string_len();
                return server.reply(id).integer(n as i64);
            }
            true
        }
    };
    if !exists && value.is_empty() {
        return server.reply(id).integer(0);
    }
    let end = offset as u64 + value.len() as u64;
    if let Err(e) = check_string_length(server, end) {
        return server.reply(id).error(&e);
    }
    if !exists {
        server.db_add(db, key, Value::raw(Vec::new()));
    }
    let Some(o) = server.dbs[db].dict.get_mut(key) else {
        return;
    };
    let raw = o.value.make_raw();
    let (offset, end) = (offset as usize, end as usize);
    if raw.len() < end {
        raw.resize(end, 0);
    }
    raw[offset..end].copy_from_slice(value);
    let len = raw.len();
    server.dirty += 1;
    server.signal_and_notify(db, key, class::STRING, "setrange");
    server.reply(id).integer(len as i64);
}

// ---------------------------------------------------------------------------
// LCS
// ---------------------------------------------------------------------------

/// One matching range: (start, end) in each string, inclusive, and its
/// length.
type LcsMatch = ((usize, usize), (usize, usize), usize);

/// `LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]`
/// (`lcsCommand`).
fn lcs_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    let mut strings = Vec::with_capacity(2);
    for key in &argv[1..3] {
        match server.lookup_read(db, key) {
            None => strings.push(Vec::new()),
            Some(o) if !o.value.is_string() => {
                return server.reply(id).error(&CommandError::LcsNotStrings);
            }
            Some(o) => strings.push(o.value.string_bytes().into_owned()),
        }
    }
    let (mut get_len, mut get_idx, mut with_match_len) = (false, false, false);
    let mut min_match_len: i64 = 0;
    let mut j = 3;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        let opt = argv[j].to_ascii_uppercase();
        match opt.as_slice() {
            b"IDX" => get_idx = true,
            b"LEN" => get_len = true,
            b"WITHMATCHLEN" => with_match_len = true,
            b"MINMATCHLEN" if more >= 1 => {
                let Some(n) = string_to_i64(&argv[j + 1]) else {
                    return server.reply(id).error(&CommandError::NotAnInteger);
                };
                min_match_len = n.max(0);
                j += 1;
            }
            _ => return server.reply(id).error(&CommandError::Syntax),
        }
        j += 1;
    }
    if get_idx && get_len {
        return server.reply(id).error(&CommandError::LcsLenAndIdx);
    }
    let (a, b) = (&strings[0], &strings[1]);
    let cells = (a.len() as u64 + 1).saturating_mul(b.len() as u64 + 1);
    if cells.saturating_mul(4) > server.config.proto_max_bulk_len as u64 {
        return server.reply(id).error(&CommandError::LcsTooMuchMemory);
    }
    let Some((lcs, matches)) = lcs_table(a, b, min_match_len as usize) else {
        return server.reply(id).error(&CommandError::LcsAllocFailed);
    };
    let r = server.reply(id);
    if get_len {
        r.integer(lcs.len() as i64);
    } else if get_idx {
        r.map_len(2);
        r.bulk(b"matches");
        r.array_len(matches.len());
        for ((a0, a1), (b0, b1), len) in matches {
            r.array_len(2 + usize::from(with_match_len));
            r.array_len(2);
            r.integer(a0 as i64);
            r.integer(a1 as i64);
            r.array_len(2);
            r.integer(b0 as i64);
            r.integer(b1 as i64);
            if with_match_len {
                r.integer(len as i64);
            }
        }
        r.bulk(b"len");
        r.integer(lcs.len() as i64);
    } else {
        r.bulk(&lcs);
    }
}

/// The longest common subsequence of `a` and `b` by dynamic programming,
/// and its matching ranges of at least `min_len` bytes, from the end of the
/// strings towards the start (as Redis lists them). `None` if the table
/// cannot be allocated.
fn lcs_table(a: &[u8], b: &[u8], min_len: usize) -> Option<(Vec<u8>, Vec<LcsMatch>)> {
    let (alen, blen) = (a.len(), b.len());
    let width = blen + 1;
    let cells = (alen + 1).checked_mul(width)?;
    let mut table: Vec<u32> = Vec::new();
    table.try_reserve_exact(cells).ok()?;
    table.resize(cells, 0);
    for i in 1..=alen {
        for j in 1..=blen {
            table[i * width + j] = if a[i - 1] == b[j - 1] {
                table[(i - 1) * width + j - 1] + 1
            } else {
                table[(i - 1) * width + j].max(table[i * width + j - 1])
            };
        }
    }
    let total = table[alen * width + blen] as usize;
    let mut lcs = vec![0u8; total];
    let mut matches = Vec::new();
    let (mut i, mut j, mut idx) = (alen, blen, total);
    // The range being built: (a_start, a_end, b_start, b_end).
    let mut range: Option<(usize, usize, usize, usize)> = None;
    while i > 0 && j > 0 {
        let mut emit = false;
        if a[i - 1] == b[j - 1] {
            lcs[idx - 1] = a[i - 1];
            match &mut range {
                None => range = Some((i - 1, i - 1, j - 1, j - 1)),
                Some((a0, _, b0, _)) => {
                    // Matches walking back are always contiguous here.
                    *a0 -= 1;
                    *b0 -= 1;
                }
            }
            if let Some((a0, _, b0, _)) = range {
                if a0 == 0 || b0 == 0 {
                    emit = true;
                }
            }
            idx -= 1;
            i -= 1;
            j -= 1;
        } else {
            if table[(i - 1) * width + j] > table[i * width + j - 1] {
                i -= 1;
            } else {
                j -= 1;
            }
            emit = range.is_some();
        }
        if emit {
            if let Some((a0, a1, b0, b1)) = range.take() {
                let len = a1 - a0 + 1;
                if min_len == 0 || len >= min_len {
                    matches.push(((a0, a1), (b0, b1), len));
                }
            }
        }
    }
    Some((lcs, matches))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incr(a: &str, b: &str) -> Result<String, CommandError> {
        long_double_add(a.as_bytes(), b.as_bytes())
            .map(|v| String::from_utf8_lossy(&v).into_owned())
    }

    #[test]
    fn incrbyfloat_arithmetic_is_the_c_long_double() {
        assert_eq!(incr("10.50", "0.1").as_deref(), Ok("10.6"));
        assert_eq!(incr("10.6", "-5").as_deref(), Ok("5.6"));
        assert_eq!(incr("5.0e3", "2.0e2").as_deref(), Ok("5200"));
        assert_eq!(incr("0.1", "0.2").as_deref(), Ok("0.3"));
        assert_eq!(incr("1", "-1").as_deref(), Ok("0"));
        assert_eq!(incr("0", "-0.0").as_deref(), Ok("0"));
        assert_eq!(incr("0x10", "1").as_deref(), Ok("17"));
        // Values redis-server 7.0.15 prints on x86-64.
        assert_eq!(
            incr("0", "123456789.123").as_deref(),
            Ok("123456789.12299999999959255")
        );
        assert_eq!(
            incr("5200", "1e-5").as_deref(),
            Ok("5200.00001000000000007")
        );
        assert_eq!(incr("1", "abc"), Err(CommandError::NotAFloat));
        assert_eq!(incr("1", " 1"), Err(CommandError::NotAFloat));
        assert_eq!(incr("1", "nan"), Err(CommandError::NotAFloat));
        assert_eq!(incr("1", "1e"), Err(CommandError::NotAFloat));
        assert_eq!(incr("1", "inf"), Err(CommandError::IncrNanOrInfinity));
        assert_eq!(
            incr("1", "1e5000"),
            Err(CommandError::NotAFloat),
            "overflows to inf"
        );
    }

    #[test]
    fn lcs_matches_redis_example() {
        let (lcs, matches) = lcs_table(b"ohmytext", b"mynewtext", 0).expect("table");
        assert_eq!(lcs, b"mytext");
        assert_eq!(matches, vec![((4, 7), (5, 8), 4), ((2, 3), (0, 1), 2)]);
        let (_, long) = lcs_table(b"ohmytext", b"mynewtext", 4).expect("table");
        assert_eq!(long, vec![((4, 7), (5, 8), 4)]);
    }
}
