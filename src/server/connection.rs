//! Connection commands: PING, ECHO, QUIT, RESET, HELLO, AUTH, SELECT.
//!
//! Mirrors: `server.c` (`pingCommand`, `echoCommand`), `networking.c`
//! (`helloCommand`, `resetCommand`, `clearClientConnectionState`,
//! `quitCommand`, `validateClientName`), `acl.c` (`authCommand`, for the
//! default user only) and `db.c` (`selectCommand`).
//!
//! Authentication knows one user, `default`, whose password is
//! `requirepass` (or none). Full ACLs come with a later issue.

use super::commands::{acl, arg, cmd, Arg, ArgType, CommandSpec, BASE};
use super::errors::CommandError;
use super::resp::{string_to_i64, Argv};
use super::{flags, ClientId, Server, REDIS_VERSION};

const CONNECTION: u64 = acl::CONNECTION;

/// Every command of this module, for the command table.
pub static COMMANDS: [&CommandSpec; 7] = [&PING, &ECHO, &QUIT, &RESET, &HELLO, &AUTH, &SELECT];

pub static PING: CommandSpec = CommandSpec {
    name: "ping",
    proc_: ping_command,
    arity: -1,
    flags: cmd::FAST | cmd::SENTINEL,
    acl: CONNECTION,
    tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
    summary: "Check that the server is alive; echo a message if given",
    since: "1.0.0",
    group: "connection",
    complexity: "O(1)",
    args: &[Arg::new("message", ArgType::String).flags(arg::OPTIONAL)],
    ..BASE
};

pub static ECHO: CommandSpec = CommandSpec {
    name: "echo",
    proc_: echo_command,
    arity: 2,
    flags: cmd::LOADING | cmd::STALE | cmd::FAST,
    acl: CONNECTION,
    summary: "Reply with the given message",
    since: "1.0.0",
    group: "connection",
    complexity: "O(1)",
    args: &[Arg::new("message", ArgType::String)],
    ..BASE
};

const SESSION_FLAGS: u64 = cmd::NOSCRIPT
    | cmd::LOADING
    | cmd::STALE
    | cmd::FAST
    | cmd::NO_AUTH
    | cmd::SENTINEL
    | cmd::ALLOW_BUSY;

pub static QUIT: CommandSpec = CommandSpec {
    name: "quit",
    proc_: quit_command,
    arity: -1,
    flags: SESSION_FLAGS,
    acl: CONNECTION,
    summary: "Close the connection once the reply is sent",
    since: "1.0.0",
    group: "connection",
    complexity: "O(1)",
    ..BASE
};

pub static RESET: CommandSpec = CommandSpec {
    name: "reset",
    proc_: reset_command,
    arity: 1,
    flags: SESSION_FLAGS,
    acl: CONNECTION,
    summary: "Return the connection to its initial state",
    since: "6.2.0",
    group: "connection",
    complexity: "O(1)",
    ..BASE
};

const HELLO_ARGS: &[Arg] = &[
    Arg::new("protover", ArgType::Integer),
    Arg::new(
        "username_password",
        ArgType::Block(&[
            Arg::new("username", ArgType::String),
            Arg::new("password", ArgType::String),
        ]),
    )
    .token("AUTH")
    .flags(arg::OPTIONAL),
    Arg::new("clientname", ArgType::String)
        .token("SETNAME")
        .flags(arg::OPTIONAL),
];

pub static HELLO: CommandSpec = CommandSpec {
    name: "hello",
    proc_: hello_command,
    arity: -1,
    flags: SESSION_FLAGS,
    acl: CONNECTION,
    summary: "Choose the protocol version, optionally authenticating and naming the connection",
    since: "6.0.0",
    group: "connection",
    complexity: "O(1)",
    args: &[Arg::new("arguments", ArgType::Block(HELLO_ARGS)).flags(arg::OPTIONAL)],
    ..BASE
};

pub static AUTH: CommandSpec = CommandSpec {
    name: "auth",
    proc_: auth_command,
    arity: -2,
    flags: SESSION_FLAGS,
    acl: CONNECTION,
    summary: "Authenticate the connection",
    since: "1.0.0",
    group: "connection",
    complexity: "O(N) where N is the number of passwords of the user",
    args: &[
        Arg::new("username", ArgType::String)
            .since("6.0.0")
            .flags(arg::OPTIONAL),
        Arg::new("password", ArgType::String),
    ],
    ..BASE
};

pub static SELECT: CommandSpec = CommandSpec {
    name: "select",
    proc_: select_command,
    arity: 2,
    flags: cmd::LOADING | cmd::STALE | cmd::FAST,
    acl: CONNECTION,
    summary: "Choose the database this connection works on",
    since: "1.0.0",
    group: "connection",
    complexity: "O(1)",
    args: &[Arg::new("index", ArgType::Integer)],
    ..BASE
};

/// `PING [message]`: arity is checked here, after authentication, as
/// Redis does. A RESP2 client in subscribed mode gets the answer in the
/// shape of a message, `["pong", message or ""]`, since its connection
/// carries only such frames.
fn ping_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let c = server.client(id);
    let subscribed = c.reply.resp == 2 && super::pubsub::subscription_count(c) > 0;
    let r = &mut c.reply;
    match argv.get(1) {
        _ if argv.len() > 2 => r.error(&CommandError::WrongArity("ping".into())),
        msg if subscribed => {
            r.array_len(2);
            r.bulk(b"pong");
            r.bulk(msg.map_or(&b""[..], Vec::as_slice));
        }
        None => r.add(b"+PONG\r\n"),
        Some(msg) => r.bulk(msg),
    }
}

/// `ECHO message`.
fn echo_command(server: &mut Server, id: ClientId, argv: &Argv) {
    server.reply(id).bulk(&argv[1]);
}

/// `QUIT`: +OK, then the connection closes once the reply is written.
fn quit_command(server: &mut Server, id: ClientId, _argv: &Argv) {
    let c = server.client(id);
    c.reply.ok();
    c.flags |= flags::CLOSE_AFTER_REPLY;
}

/// `RESET`: back to RESP2, database 0, no name, and logged out when a
/// password is set (`clearClientConnectionState`).
fn reset_command(server: &mut Server, id: ClientId, _argv: &Argv) {
    super::multi::discard_transaction(server, id);
    super::pubsub::unsubscribe_all(server, id);
    let auth_required = server.auth_required();
    let c = server.client(id);
    c.db = 0;
    c.reply.resp = 2;
    c.name = None;
    c.authenticated = !auth_required;
    // CLIENT REPLY OFF/SKIP end too, so that +RESET is seen.
    c.reply.mode = super::reply::ReplyMode::On;
    c.reply.status("RESET");
}

/// Whether a client name is acceptable: printable ASCII without spaces
/// (`validateClientName`).
pub fn valid_client_name(name: &[u8]) -> bool {
    name.iter().all(|&b| (b'!'..=b'~').contains(&b))
}

/// Checks a user/password pair against the default user
/// (`ACLAuthenticateUser`). With no `requirepass`, the default user has no
/// password and any password is accepted for it.
fn check_password(server: &Server, user: &[u8], pass: &[u8]) -> bool {
    user == b"default"
        && (server.config.requirepass.is_empty() || server.config.requirepass.as_bytes() == pass)
}

/// `AUTH [username] password`.
fn auth_command(server: &mut Server, id: ClientId, argv: &Argv) {
    if argv.len() > 3 {
        server.reply(id).error(&CommandError::Syntax);
        return;
    }
    let (user, pass) = if argv.len() == 2 {
        if server.config.requirepass.is_empty() {
            server.reply(id).error(&CommandError::AuthWithoutPassword);
            return;
        }
        (&b"default"[..], &argv[1][..])
    } else {
        (&argv[1][..], &argv[2][..])
    };
    if check_password(server, user, pass) {
        let c = server.client(id);
        c.authenticated = true;
        c.reply.ok();
    } else {
        server.reply(id).error(&CommandError::WrongPass);
    }
}

/// `HELLO [protover [AUTH username password] [SETNAME clientname]]`.
fn hello_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let mut version = None;
    let mut next = 1;
    if let Some(v) = argv.get(1) {
        let Some(v) = string_to_i64(v) else {
            server
                .reply(id)
                .error(&CommandError::ProtoVersionNotInteger);
            return;
        };
        if !(2..=3).contains(&v) {
            server.reply(id).error(&CommandError::NoProto);
            return;
        }
        version = Some(v as u8);
        next = 2;
    }

    // Options in order, as Redis 7.0 handles them: AUTH takes effect the
    // moment it is read, so an error in a later option leaves the client
    // authenticated (but on its old protocol, without the name).
    let mut name = None;
    let mut j = next;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        let opt = &argv[j];
        if opt.eq_ignore_ascii_case(b"AUTH") && more >= 2 {
            if !check_password(server, &argv[j + 1], &argv[j + 2]) {
                server.reply(id).error(&CommandError::WrongPass);
                return;
            }
            server.client(id).authenticated = true;
            j += 3;
        } else if opt.eq_ignore_ascii_case(b"SETNAME") && more >= 1 {
            if !valid_client_name(&argv[j + 1]) {
                server.reply(id).error(&CommandError::BadClientName);
                return;
            }
            name = Some(&argv[j + 1]);
            j += 2;
        } else {
            server
                .reply(id)
                .error(&CommandError::HelloSyntax(opt.clone()));
            return;
        }
    }

    if !server.client(id).authenticated {
        server.reply(id).error(&CommandError::HelloNoAuth);
        return;
    }

    let c = server.client(id);
    if let Some(name) = name {
        c.name = Some(name.clone());
    }
    if let Some(v) = version {
        c.reply.resp = v;
    }
    let (client_id, resp) = (c.id, c.reply.resp);
    let r = &mut c.reply;
    r.map_len(7);
    r.bulk(b"server");
    r.bulk(b"redis");
    r.bulk(b"version");
    r.bulk(REDIS_VERSION.as_bytes());
    r.bulk(b"proto");
    r.integer(i64::from(resp));
    r.bulk(b"id");
    r.integer(client_id as i64);
    r.bulk(b"mode");
    r.bulk(b"standalone");
    r.bulk(b"role");
    r.bulk(b"master");
    r.bulk(b"modules");
    r.array_len(0);
}

/// Parses an `int` argument as `getIntFromObjectOrReply` does, replying
/// with its error when it fails.
pub fn parse_int_or_reply(server: &mut Server, id: ClientId, arg: &[u8]) -> Option<i32> {
    let Some(v) = string_to_i64(arg) else {
        server.reply(id).error(&CommandError::NotAnInteger);
        return None;
    };
    match i32::try_from(v) {
        Ok(v) => Some(v),
        Err(_) => {
            server.reply(id).error(&CommandError::NotAnInt32);
            None
        }
    }
}

/// `SELECT index`.
fn select_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let Some(index) = parse_int_or_reply(server, id, &argv[1]) else {
        return;
    };
    let databases = server.config.databases;
    match usize::try_from(index) {
        Ok(db) if (db as i64) < databases => {
            let c = server.client(id);
            c.db = db;
            c.reply.ok();
        }
        _ => server.reply(id).error(&CommandError::DbIndexOutOfRange),
    }
}
