//! CLIENT and its subcommands, client pauses, and protected mode.
//!
//! Mirrors: `networking.c` (`clientCommand`, `catClientInfoString`,
//! `getAllClientsInfoString`, `clientSetNameOrReply`, `getClientType`,
//! `getClientTypeByName`, `pauseClients`, `unpauseClients`,
//! `checkClientPauseTimeoutAndReturnIfPaused`, `unblockPostponedClients`,
//! `islocalClient`, and the protected-mode check of
//! `clientAcceptHandler`), `server.c` (the pause check of
//! `processCommand`, `getTimeoutFromObjectOrReply`) and `blocked.c`
//! (`blockPostponeClient`, `processUnblockedClients`).
//!
//! # Client pause
//!
//! A pause holds commands, not connections: clients keep being read, and
//! a command is stopped only once it has been parsed and has passed every
//! check of `process_command`, because a WRITE pause must let reads
//! through and only the parsed command says which it is. Such a command
//! keeps its argv in the client, the client gets `BLOCKED`, and
//! `process_input_buffer` runs nothing more from it. When the pause ends
//! (its deadline, or CLIENT UNPAUSE), before_sleep runs the kept command
//! and then whatever queued up behind it.
//!
//! ```text
//!   CLIENT PAUSE 500 WRITE        pause = Write until now+500ms
//!   other client: GET k           runs
//!   other client: SET k v         process_command: checks pass, pause
//!                                 applies -> argv kept, BLOCKED, listed
//!                                 in pause.paused_clients
//!   ...  GET k (pipelined)        waits in the query buffer behind SET
//!   deadline passes               before_sleep: process_unblocked_clients
//!                                 runs SET, then GET, then reads the
//!                                 socket again: bytes that arrived while
//!                                 the client was blocked have no edge
//! ```
//!
//! Redis checks the deadline in serverCron, so a pause ends within one
//! cron period of its deadline; here before_sleep checks it, and the
//! loop wakes at least once per cron period, so the bound is the same.
//! As in Redis the deadline and the mode of a pause only ever grow until
//! the pause ends: a shorter or weaker CLIENT PAUSE does not shorten it.
//!
//! # Protected mode
//!
//! Redis 7.0 refuses a TCP connection from any address other than
//! `127.0.0.1` and `::1` while `protected-mode` is on and the default user
//! has no password (7.0 no longer looks at `bind`). The addresses are
//! compared as strings there, so neither `127.0.0.2` nor an IPv4-mapped
//! `::ffff:127.0.0.1` counts as local; [`is_local_peer`] keeps that.
//!
//! Deviations from Redis: CLIENT NO-TOUCH (and the `T` flag) is Redis
//! 7.2's, provided here on request; CACHING, GETREDIR, TRACKING and
//! TRACKINGINFO come with client tracking. UNBLOCK ends waits on keys
//! (`blocked.rs`) only, never a pause. There is no reply-buffer resizing, so `rbs` and `rbp` report
//! the fixed 16 KiB buffer, and `tot-mem` is an estimate of the client's
//! buffers. The HELP text is ferrodis's own.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::AsRawFd;

use super::commands::{acl, arg, cmd, process_command, Arg, ArgType, CommandSpec, BASE};
use super::connection::valid_client_name;
use super::errors::CommandError;
use super::networking::{free_client_async, process_input_buffer, read_query_from_client};
use super::reply::{ReplyMode, PROTO_REPLY_CHUNK_BYTES};
use super::resp::{string_to_i64, Argv};
use super::{flags, Client, ClientId, Server};

const FLAGS: u64 = cmd::NOSCRIPT | cmd::LOADING | cmd::STALE;
const ADMIN_FLAGS: u64 = cmd::ADMIN | FLAGS;
const CONNECTION: u64 = acl::CONNECTION;
const NONDETERMINISTIC: &[&str] = &["nondeterministic_output"];

const ON_OFF: &[Arg] = &[
    Arg::new("on", ArgType::PureToken).token("ON"),
    Arg::new("off", ArgType::PureToken).token("OFF"),
];

const KILL_TYPES: &[Arg] = &[
    Arg::new("normal", ArgType::PureToken).token("NORMAL"),
    Arg::new("master", ArgType::PureToken)
        .token("MASTER")
        .since("3.2.0"),
    Arg::new("slave", ArgType::PureToken).token("SLAVE"),
    Arg::new("replica", ArgType::PureToken)
        .token("REPLICA")
        .since("5.0.0"),
    Arg::new("pubsub", ArgType::PureToken).token("PUBSUB"),
];

const KILL_FILTERS: &[Arg] = &[
    Arg::new("client-id", ArgType::Integer)
        .token("ID")
        .since("2.8.12")
        .flags(arg::OPTIONAL),
    Arg::new("normal_master_slave_pubsub", ArgType::OneOf(KILL_TYPES))
        .token("TYPE")
        .since("2.8.12")
        .flags(arg::OPTIONAL),
    Arg::new("username", ArgType::String)
        .token("USER")
        .flags(arg::OPTIONAL),
    Arg::new("ip:port", ArgType::String)
        .token("ADDR")
        .flags(arg::OPTIONAL),
    Arg::new("ip:port", ArgType::String)
        .token("LADDR")
        .since("6.2.0")
        .flags(arg::OPTIONAL),
    Arg::new("yes/no", ArgType::String)
        .token("SKIPME")
        .flags(arg::OPTIONAL),
];

const LIST_TYPES: &[Arg] = &[
    Arg::new("normal", ArgType::PureToken).token("NORMAL"),
    Arg::new("master", ArgType::PureToken).token("MASTER"),
    Arg::new("replica", ArgType::PureToken).token("REPLICA"),
    Arg::new("pubsub", ArgType::PureToken).token("PUBSUB"),
];

/// A CLIENT subcommand with the fields they share.
const fn sub(name: &'static str, proc_: super::commands::CommandProc, arity: i32) -> CommandSpec {
    CommandSpec {
        name,
        parent: Some("client"),
        proc_,
        arity,
        flags: FLAGS,
        acl: CONNECTION,
        group: "connection",
        complexity: "O(1)",
        ..BASE
    }
}

pub static CLIENT: CommandSpec = CommandSpec {
    name: "client",
    arity: -2,
    summary: "Inspect and control client connections",
    since: "2.4.0",
    group: "connection",
    complexity: "Depends on subcommand.",
    subcommands: &[
        CommandSpec {
            summary: "The ID of this connection",
            since: "5.0.0",
            ..sub("id", client_id_command, 2)
        },
        CommandSpec {
            tips: NONDETERMINISTIC,
            summary: "Describe this connection",
            since: "6.2.0",
            ..sub("info", client_info_command, 2)
        },
        CommandSpec {
            flags: ADMIN_FLAGS,
            tips: NONDETERMINISTIC,
            summary: "Describe every connection, or some of them",
            since: "2.4.0",
            complexity: "O(N) where N is the number of client connections",
            args: &[
                Arg::new("normal_master_replica_pubsub", ArgType::OneOf(LIST_TYPES))
                    .token("TYPE")
                    .since("5.0.0")
                    .flags(arg::OPTIONAL),
                Arg::new(
                    "id",
                    ArgType::Block(&[Arg::new("client-id", ArgType::Integer).flags(arg::MULTIPLE)]),
                )
                .token("ID")
                .since("6.2.0")
                .flags(arg::OPTIONAL),
            ],
            ..sub("list", client_list_command, -2)
        },
        CommandSpec {
            summary: "Name this connection",
            since: "2.6.9",
            args: &[Arg::new("connection-name", ArgType::String)],
            ..sub("setname", client_setname_command, 3)
        },
        CommandSpec {
            summary: "The name of this connection",
            since: "2.6.9",
            ..sub("getname", client_getname_command, 2)
        },
        CommandSpec {
            flags: ADMIN_FLAGS,
            summary: "Close connections by address or by filters",
            since: "2.4.0",
            complexity: "O(N) where N is the number of client connections",
            args: &[Arg::new(
                "filter",
                ArgType::OneOf(&[
                    Arg::new("ip:port", ArgType::String),
                    Arg::new("new-format", ArgType::OneOf(KILL_FILTERS)).flags(arg::MULTIPLE),
                ]),
            )],
            ..sub("kill", client_kill_command, -3)
        },
        CommandSpec {
            flags: ADMIN_FLAGS,
            summary: "Hold the commands of clients for some milliseconds",
            since: "2.9.50",
            args: &[
                Arg::new("timeout", ArgType::Integer),
                Arg::new(
                    "mode",
                    ArgType::OneOf(&[
                        Arg::new("write", ArgType::PureToken).token("WRITE"),
                        Arg::new("all", ArgType::PureToken).token("ALL"),
                    ]),
                )
                .since("6.2.0")
                .flags(arg::OPTIONAL),
            ],
            ..sub("pause", client_pause_command, -3)
        },
        CommandSpec {
            flags: ADMIN_FLAGS,
            summary: "End a client pause",
            since: "6.2.0",
            complexity: "O(N) Where N is the number of paused clients",
            ..sub("unpause", client_unpause_command, 2)
        },
        CommandSpec {
            flags: ADMIN_FLAGS,
            summary: "Unblock a client blocked in a blocking command from a different connection",
            since: "5.0.0",
            complexity: "O(log N) where N is the number of client connections",
            args: &[
                Arg::new("client-id", ArgType::Integer),
                Arg::new(
                    "timeout_error",
                    ArgType::OneOf(&[
                        Arg::new("timeout", ArgType::PureToken).token("TIMEOUT"),
                        Arg::new("error", ArgType::PureToken).token("ERROR"),
                    ]),
                )
                .flags(arg::OPTIONAL),
            ],
            ..sub("unblock", client_unblock_command, -3)
        },
        CommandSpec {
            summary: "Turn the replies to this connection on or off, or skip one",
            since: "3.2.0",
            args: &[Arg::new(
                "on_off_skip",
                ArgType::OneOf(&[
                    Arg::new("on", ArgType::PureToken).token("ON"),
                    Arg::new("off", ArgType::PureToken).token("OFF"),
                    Arg::new("skip", ArgType::PureToken).token("SKIP"),
                ]),
            )],
            ..sub("reply", client_reply_command, 3)
        },
        CommandSpec {
            flags: ADMIN_FLAGS,
            summary: "Exempt this connection from client eviction, or not",
            since: "7.0.0",
            args: &[Arg::new("enabled", ArgType::OneOf(ON_OFF))],
            ..sub("no-evict", client_no_evict_command, 3)
        },
        CommandSpec {
            summary: "Keep this connection's reads from changing access times, or not",
            since: "7.2.0",
            args: &[Arg::new("enabled", ArgType::OneOf(ON_OFF))],
            ..sub("no-touch", client_no_touch_command, 3)
        },
        CommandSpec {
            flags: cmd::LOADING | cmd::STALE,
            summary: "List the CLIENT subcommands",
            since: "5.0.0",
            ..sub("help", client_help_command, 2)
        },
    ],
    ..BASE
};

/// `CLIENT_TYPE_*`: what CLIENT LIST/KILL TYPE select.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientType {
    Normal,
    Replica,
    PubSub,
    Master,
}

/// A type name as CLIENT LIST/KILL take it (`getClientTypeByName`).
pub fn client_type_by_name(name: &[u8]) -> Option<ClientType> {
    let lower = name.to_ascii_lowercase();
    match lower.as_slice() {
        b"normal" => Some(ClientType::Normal),
        b"slave" | b"replica" => Some(ClientType::Replica),
        b"pubsub" => Some(ClientType::PubSub),
        b"master" => Some(ClientType::Master),
        _ => None,
    }
}

/// The type of a client (`getClientType`): a client with subscriptions
/// is a pub/sub client (`CLIENT_PUBSUB`); the rest are normal until
/// replication marks its own.
pub fn client_type(c: &Client) -> ClientType {
    if super::pubsub::subscription_count(c) > 0 {
        ClientType::PubSub
    } else {
        ClientType::Normal
    }
}

/// How much a pause holds (`pause_type`); ordered, as a pause only grows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum PauseKind {
    #[default]
    Off,
    /// Write commands (and commands that may replicate) wait.
    Write,
    /// Every command waits.
    All,
}

/// The pause and the clients it holds (`server.client_pause_type`,
/// `client_pause_end_time`, `postponed_clients`, `unblocked_clients`).
/// Clients are named by slot and `CLIENT ID`, so that a slot reused by a
/// new connection is never mistaken for the client that waited.
#[derive(Debug, Default)]
pub struct PauseState {
    pub kind: PauseKind,
    /// Unix time in ms at which the pause ends.
    pub end_ms: i64,
    /// Clients with a postponed command, until the pause ends.
    pub paused_clients: Vec<(ClientId, u64)>,
    /// Clients to resume in the next before_sleep.
    pub unblocked_clients: Vec<(ClientId, u64)>,
}

/// Starts or extends a pause (`pauseClients`): the mode and the deadline
/// only grow.
pub fn pause_clients(server: &mut Server, end_ms: i64, kind: PauseKind) {
    let p = &mut server.pause;
    p.kind = p.kind.max(kind);
    p.end_ms = p.end_ms.max(end_ms);
}

/// Ends the pause (`unpauseClients`); the clients it held run in the next
/// before_sleep.
pub fn unpause_clients(server: &mut Server) {
    let p = &mut server.pause;
    p.kind = PauseKind::Off;
    p.end_ms = 0;
    let held = std::mem::take(&mut p.paused_clients);
    p.unblocked_clients.extend(held);
}

/// Ends the pause if its deadline has passed, and tells whether one is
/// still on (`checkClientPauseTimeoutAndReturnIfPaused`).
pub fn check_pause_timeout(server: &mut Server) -> bool {
    if server.pause.kind == PauseKind::Off {
        return false;
    }
    if server.pause.end_ms < super::mstime() {
        unpause_clients(server);
        return false;
    }
    true
}

/// The pause check of `processCommand`: when a pause holds this command,
/// marks the client blocked, lists it, and returns true; the caller keeps
/// the argv in the client (`blockPostponeClient`).
pub fn postpone_if_paused(server: &mut Server, id: ClientId, cmd: &CommandSpec) -> bool {
    if !check_pause_timeout(server) {
        return false;
    }
    let held = match server.pause.kind {
        PauseKind::All => true,
        PauseKind::Write => {
            // An EXEC holds what it queued (`is_may_replicate_command`).
            let queued = if cmd.name == "exec" {
                server.client(id).multi.cmd_flags()
            } else {
                0
            };
            (cmd.flags | queued) & (cmd::WRITE | cmd::MAY_REPLICATE) != 0
        }
        PauseKind::Off => false,
    };
    let c = server.client(id);
    // Replicas and the master are never paused.
    if !held || matches!(client_type(c), ClientType::Replica | ClientType::Master) {
        return false;
    }
    c.flags |= flags::BLOCKED;
    let entry = (id, c.id);
    server.pause.paused_clients.push(entry);
    true
}

/// Puts a blocked client on the list before_sleep resumes (`unblockClient`).
pub fn unblock_client(server: &mut Server, id: ClientId) {
    if let Some(c) = server.clients.get(id.0) {
        let entry = (id, c.id);
        server.pause.unblocked_clients.push(entry);
    }
}

/// Called first in before_sleep (`processUnblockedClients`): ends an
/// expired pause, then, for each unblocked client, runs its postponed
/// command, the rest of its query buffer, and a read of the socket, since
/// no edge will announce what arrived while it waited.
pub fn process_unblocked_clients(server: &mut Server) {
    check_pause_timeout(server);
    // A resumed command may unblock others (CLIENT UNPAUSE, SHUTDOWN
    // ABORT): they run in this same pass, before the loop sleeps.
    while !server.pause.unblocked_clients.is_empty() {
        for (id, client_id) in std::mem::take(&mut server.pause.unblocked_clients) {
            resume_client(server, id, client_id);
        }
    }
}

/// Runs what a client held back while it was blocked.
fn resume_client(server: &mut Server, id: ClientId, client_id: u64) {
    let Some(c) = server.clients.get_mut(id.0) else {
        return;
    };
    // A reused slot holds another client; a client listed twice is done.
    if c.id != client_id || !c.has(flags::BLOCKED) {
        return;
    }
    c.flags &= !flags::BLOCKED;
    if c.has(flags::CLOSE_ASAP | flags::CLOSE_AFTER_REPLY) {
        return;
    }
    if c.parse.argv.is_empty() {
        c.parse.reset();
    } else {
        super::commands::start_command_clock(server);
        process_command(server, id);
        match server.clients.get_mut(id.0) {
            // Blocked again (a new pause, or SHUTDOWN): wait again.
            Some(c) if c.has(flags::BLOCKED) => return,
            Some(c) => c.parse.reset(),
            None => return,
        }
    }
    process_input_buffer(server, id);
    if server.clients.get(id.0).is_some_and(|c| c.read_ready) {
        read_query_from_client(server, id);
    }
}

/// Whether a peer counts as local (`islocalClient`, and the loopback test
/// of protected mode): Redis 7.0 compares the address text with
/// `127.0.0.1` and `::1`, nothing else.
pub fn is_local_peer(ip: IpAddr) -> bool {
    ip == IpAddr::V4(Ipv4Addr::LOCALHOST) || ip == IpAddr::V6(Ipv6Addr::LOCALHOST)
}

/// Whether a client is local, from its `ip:port` address.
pub fn is_local_client(c: &Client) -> bool {
    c.addr
        .parse::<SocketAddr>()
        .is_ok_and(|a| is_local_peer(a.ip()))
}

/// Protected mode's decision for a new connection (`clientAcceptHandler`):
/// refused when protected mode is on, the default user has no password,
/// and the peer is not local.
pub fn protected_mode_refuses(protected_mode: bool, nopass: bool, peer: IpAddr) -> bool {
    protected_mode && nopass && !is_local_peer(peer)
}

/// [`protected_mode_refuses`] with this server's configuration.
pub fn protected_mode_denies(server: &Server, peer: IpAddr) -> bool {
    protected_mode_refuses(server.config.protected_mode, !server.auth_required(), peer)
}

/// The bytes sent to a connection protected mode refuses.
pub fn protected_mode_reply() -> Vec<u8> {
    let mut out = b"-".to_vec();
    out.extend_from_slice(&CommandError::ProtectedMode.text());
    out.extend_from_slice(b"\r\n");
    out
}

/// The `flags=` letters of CLIENT LIST (`catClientInfoString`), in Redis's
/// order; `N` when none applies.
fn flag_letters(c: &Client) -> String {
    let mut s = String::new();
    match client_type(c) {
        ClientType::Replica => s.push('S'),
        ClientType::Master => s.push('M'),
        ClientType::PubSub => s.push('P'),
        ClientType::Normal => {}
    }
    for (flag, letter) in [
        (flags::MULTI, 'x'),
        (flags::BLOCKED, 'b'),
        (flags::DIRTY_CAS, 'd'),
        (flags::CLOSE_AFTER_REPLY, 'c'),
        (flags::CLOSE_ASAP, 'A'),
        (flags::NO_EVICT, 'e'),
        (flags::NO_TOUCH, 'T'),
    ] {
        if c.has(flag) {
            s.push(letter);
        }
    }
    if s.is_empty() {
        s.push('N');
    }
    s
}

/// One CLIENT LIST line, without the newline (`catClientInfoString`).
/// `argv_mem` is the size of the arguments of the command being run
/// (`c->argv_len_sum`): the calling client's argv is out of the client
/// while its command runs, so the caller passes it.
pub fn client_info_string(server: &Server, c: &Client, argv_mem: usize) -> String {
    let now = server.unixtime;
    let qbuf = c.querybuf.len();
    let qbuf_free = c.querybuf.capacity().saturating_sub(qbuf);
    let omem = c.reply.list_bytes();
    let tot_mem = std::mem::size_of::<Client>()
        + c.multi.memory()
        + c.querybuf.capacity()
        + PROTO_REPLY_CHUNK_BYTES
        + omem
        + argv_mem;
    let events = if c.reply.has_pending() { "rw" } else { "r" };
    let cmd = c
        .last_cmd_spec
        .map_or_else(|| "NULL".to_string(), |spec| spec.fullname());
    let (sub, psub, ssub) = super::pubsub::subscription_counts(c);
    let multi = if c.has(flags::MULTI) {
        c.multi.queued() as i64
    } else {
        -1
    };
    let multi_mem = c.multi.memory();
    format!(
        "id={} addr={} laddr={} fd={} name={} age={} idle={} flags={} db={} sub={sub} \
         psub={psub} ssub={ssub} multi={multi} qbuf={} qbuf-free={} argv-mem={} \
         multi-mem={multi_mem} rbs={} rbp={} obl={} oll={} omem={} tot-mem={} events={} cmd={} \
         user=default redir=-1 resp={}",
        c.id,
        c.addr,
        c.laddr,
        c.stream.as_raw_fd(),
        String::from_utf8_lossy(c.name.as_deref().unwrap_or_default()),
        now.saturating_sub(c.ctime),
        now.saturating_sub(c.last_interaction),
        flag_letters(c),
        c.db,
        qbuf,
        qbuf_free,
        argv_mem,
        PROTO_REPLY_CHUNK_BYTES,
        PROTO_REPLY_CHUNK_BYTES,
        c.reply.buf_len(),
        c.reply.list_len(),
        omem,
        tot_mem,
        events,
        cmd,
        c.reply.resp,
    )
}

fn argv_len_sum(argv: &Argv) -> usize {
    argv.iter().map(Vec::len).sum()
}

/// The CLIENT LIST line of `c`, newline included; `caller` is the client
/// whose command is running, with its argv.
fn info_line(server: &Server, c: &Client, caller: (u64, &Argv)) -> String {
    let argv_mem = if c.id == caller.0 {
        argv_len_sum(caller.1)
    } else {
        argv_len_sum(&c.parse.argv)
    };
    let mut line = client_info_string(server, c, argv_mem);
    line.push('\n');
    line
}

/// `CLIENT ID`.
fn client_id_command(server: &mut Server, id: ClientId, _argv: &Argv) {
    let c = server.client(id);
    let n = c.id as i64;
    c.reply.integer(n);
}

/// `CLIENT INFO`: this connection's CLIENT LIST line, verbatim.
fn client_info_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let caller = server.client(id).id;
    let Some(c) = server.clients.get(id.0) else {
        return;
    };
    let text = info_line(server, c, (caller, argv));
    server.reply(id).verbatim(text.as_bytes(), "txt");
}

/// `CLIENT LIST [TYPE type | ID id [id ...]]`.
fn client_list_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let caller = server.client(id).id;
    let mut wanted_type = None;
    let mut ids: Option<Vec<u64>> = None;
    if argv.len() == 4 && argv[2].eq_ignore_ascii_case(b"type") {
        match client_type_by_name(&argv[3]) {
            Some(t) => wanted_type = Some(t),
            None => {
                let err = CommandError::UnknownClientType(c_str(&argv[3]).to_vec());
                server.reply(id).error(&err);
                return;
            }
        }
    } else if argv.len() > 3 && argv[2].eq_ignore_ascii_case(b"id") {
        let mut list = Vec::with_capacity(argv.len() - 3);
        for a in &argv[3..] {
            match string_to_i64(a) {
                Some(n) => list.push(n as u64),
                None => {
                    server.reply(id).error(&CommandError::InvalidClientId);
                    return;
                }
            }
        }
        ids = Some(list);
    } else if argv.len() != 2 {
        server.reply(id).error(&CommandError::Syntax);
        return;
    }

    let mut text = String::new();
    match ids {
        // In the order asked, each id once per mention, as Redis does.
        Some(ids) => {
            for want in ids {
                if let Some((_, c)) = server.clients.iter().find(|(_, c)| c.id == want) {
                    text.push_str(&info_line(server, c, (caller, argv)));
                }
            }
        }
        None => {
            // In connection order, as Redis's client list is kept.
            let mut clients: Vec<&Client> = server
                .clients
                .iter()
                .map(|(_, c)| c)
                .filter(|c| wanted_type.is_none_or(|t| client_type(c) == t))
                .collect();
            clients.sort_by_key(|c| c.id);
            for c in clients {
                text.push_str(&info_line(server, c, (caller, argv)));
            }
        }
    }
    server.reply(id).verbatim(text.as_bytes(), "txt");
}

/// Bytes up to the first NUL, as C's `%s` prints them.
fn c_str(bytes: &[u8]) -> &[u8] {
    match memchr::memchr(0, bytes) {
        Some(nul) => &bytes[..nul],
        None => bytes,
    }
}

/// `CLIENT SETNAME name`: an empty name removes the name
/// (`clientSetNameOrReply`).
fn client_setname_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let name = &argv[2];
    if !valid_client_name(name) {
        server.reply(id).error(&CommandError::BadClientName);
        return;
    }
    let c = server.client(id);
    c.name = if name.is_empty() {
        None
    } else {
        Some(name.clone())
    };
    c.reply.ok();
}

/// `CLIENT GETNAME`: the name, or null.
fn client_getname_command(server: &mut Server, id: ClientId, _argv: &Argv) {
    let c = server.client(id);
    match &c.name {
        Some(name) => c.reply.bulk(name),
        None => c.reply.null(),
    }
}

/// What CLIENT KILL's new form selects.
#[derive(Default)]
struct KillFilter {
    addr: Option<Vec<u8>>,
    laddr: Option<Vec<u8>>,
    kind: Option<ClientType>,
    id: Option<u64>,
    skipme: bool,
}

impl KillFilter {
    fn matches(&self, c: &Client) -> bool {
        self.addr.as_ref().is_none_or(|a| a == c.addr.as_bytes())
            && self.laddr.as_ref().is_none_or(|a| a == c.laddr.as_bytes())
            && self.kind.is_none_or(|t| client_type(c) == t)
            && self.id.is_none_or(|i| i == c.id)
    }
}

/// Parses CLIENT KILL's `<filter> <value>` pairs, replying with Redis's
/// error on failure.
fn parse_kill_filter(server: &mut Server, id: ClientId, argv: &Argv) -> Option<KillFilter> {
    let mut f = KillFilter {
        skipme: true,
        ..KillFilter::default()
    };
    let mut i = 2;
    while i < argv.len() {
        let opt = &argv[i];
        let Some(value) = argv.get(i + 1) else {
            server.reply(id).error(&CommandError::Syntax);
            return None;
        };
        if opt.eq_ignore_ascii_case(b"id") {
            match string_to_i64(value) {
                Some(n) if n >= 1 => f.id = Some(n as u64),
                _ => {
                    server.reply(id).error(&CommandError::ClientIdNotPositive);
                    return None;
                }
            }
        } else if opt.eq_ignore_ascii_case(b"type") {
            let Some(t) = client_type_by_name(value) else {
                let err = CommandError::UnknownClientType(c_str(value).to_vec());
                server.reply(id).error(&err);
                return None;
            };
            f.kind = Some(t);
        } else if opt.eq_ignore_ascii_case(b"addr") {
            f.addr = Some(value.clone());
        } else if opt.eq_ignore_ascii_case(b"laddr") {
            f.laddr = Some(value.clone());
        } else if opt.eq_ignore_ascii_case(b"user") {
            // Only the default user exists, and every client is it.
            if value.as_slice() != b"default" {
                let err = CommandError::NoSuchUser(c_str(value).to_vec());
                server.reply(id).error(&err);
                return None;
            }
        } else if opt.eq_ignore_ascii_case(b"skipme") {
            if value.eq_ignore_ascii_case(b"yes") {
                f.skipme = true;
            } else if value.eq_ignore_ascii_case(b"no") {
                f.skipme = false;
            } else {
                server.reply(id).error(&CommandError::Syntax);
                return None;
            }
        } else {
            server.reply(id).error(&CommandError::Syntax);
            return None;
        }
        i += 2;
    }
    Some(f)
}

/// `CLIENT KILL ip:port` (old form: `+OK` or an error) or
/// `CLIENT KILL <filter> <value> ...` (the number killed). The calling
/// client, when it is one of them, is closed after the reply.
fn client_kill_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let caller = server.client(id).id;
    let (filter, old_form) = if argv.len() == 3 {
        let f = KillFilter {
            addr: Some(argv[2].clone()),
            ..KillFilter::default()
        };
        (f, true)
    } else {
        match parse_kill_filter(server, id, argv) {
            Some(f) => (f, false),
            None => return,
        }
    };

    let victims: Vec<(ClientId, bool)> = server
        .clients
        .iter()
        .filter(|(_, c)| filter.matches(c))
        .filter(|(_, c)| !(filter.skipme && c.id == caller))
        .map(|(k, c)| (ClientId(k), c.id == caller))
        .collect();
    let mut close_self = false;
    for &(victim, is_self) in &victims {
        if is_self {
            close_self = true;
        } else {
            free_client_async(server, victim);
        }
    }

    if old_form {
        if victims.is_empty() {
            server.reply(id).error(&CommandError::NoSuchClient);
            return;
        }
        server.reply(id).ok();
    } else {
        server.reply(id).integer(victims.len() as i64);
    }
    if close_self {
        server.client(id).flags |= flags::CLOSE_AFTER_REPLY;
    }
}

/// A timeout in milliseconds, as an absolute unix time in ms
/// (`getTimeoutFromObjectOrReply` with `UNIT_MILLISECONDS`). Redis 7.0
/// adds the current time without an overflow check; the sum wraps here
/// as it does there, so a huge timeout ends at once.
fn timeout_or_reply(server: &mut Server, id: ClientId, arg: &[u8]) -> Option<i64> {
    let Some(ms) = string_to_i64(arg) else {
        server.reply(id).error(&CommandError::TimeoutNotInteger);
        return None;
    };
    if ms < 0 {
        server.reply(id).error(&CommandError::TimeoutNegative);
        return None;
    }
    if ms == 0 {
        return Some(0);
    }
    Some(ms.wrapping_add(super::mstime()))
}

/// `CLIENT PAUSE timeout [WRITE|ALL]`: the mode is checked before the
/// timeout, as in Redis.
fn client_pause_command(server: &mut Server, id: ClientId, argv: &Argv) {
    if argv.len() > 4 {
        let sub = c_str(&argv[1]);
        let sub = sub[..sub.len().min(128)].to_vec();
        let err = CommandError::SubcommandSyntax(sub, c_str(&argv[0]).to_vec());
        server.reply(id).error(&err);
        return;
    }
    let mut kind = PauseKind::All;
    if let Some(mode) = argv.get(3) {
        if mode.eq_ignore_ascii_case(b"write") {
            kind = PauseKind::Write;
        } else if !mode.eq_ignore_ascii_case(b"all") {
            server.reply(id).error(&CommandError::PauseMode);
            return;
        }
    }
    let Some(end_ms) = timeout_or_reply(server, id, &argv[2]) else {
        return;
    };
    pause_clients(server, end_ms, kind);
    server.reply(id).ok();
}

/// `CLIENT UNPAUSE`.
fn client_unpause_command(server: &mut Server, id: ClientId, _argv: &Argv) {
    unpause_clients(server);
    server.reply(id).ok();
}

/// `CLIENT UNBLOCK id [TIMEOUT|ERROR]`: ends the wait of a client blocked
/// on keys, as a timeout or with the UNBLOCKED error; 1 if it was blocked.
fn client_unblock_command(server: &mut Server, id: ClientId, argv: &Argv) {
    if argv.len() > 4 {
        let err = CommandError::SubcommandSyntax(argv[1].clone(), c_str(&argv[0]).to_vec());
        return server.reply(id).error(&err);
    }
    let Some(target) = super::resp::string_to_i64(&argv[2]) else {
        return server.reply(id).error(&CommandError::NotAnInteger);
    };
    let error = match argv.get(3) {
        None => false,
        Some(a) if a.eq_ignore_ascii_case(b"timeout") => false,
        Some(a) if a.eq_ignore_ascii_case(b"error") => true,
        Some(_) => return server.reply(id).error(&CommandError::UnblockReason),
    };
    let done = target > 0 && super::blocked::unblock_on_request(server, target as u64, error);
    server.reply(id).integer(i64::from(done));
}

/// `CLIENT REPLY ON|OFF|SKIP`: only ON is answered.
fn client_reply_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let mode = &argv[2];
    let r = server.reply(id);
    if mode.eq_ignore_ascii_case(b"on") {
        r.mode = ReplyMode::On;
        r.ok();
    } else if mode.eq_ignore_ascii_case(b"off") {
        r.mode = ReplyMode::Off;
    } else if mode.eq_ignore_ascii_case(b"skip") {
        if r.mode != ReplyMode::Off {
            r.mode = ReplyMode::SkipNext;
        }
    } else {
        r.error(&CommandError::Syntax);
    }
}

/// `ON`/`OFF` for CLIENT NO-EVICT and NO-TOUCH: sets or clears `flag`.
fn set_flag_on_off(server: &mut Server, id: ClientId, arg: &[u8], flag: u32) {
    let c = server.client(id);
    if arg.eq_ignore_ascii_case(b"on") {
        c.flags |= flag;
        c.reply.ok();
    } else if arg.eq_ignore_ascii_case(b"off") {
        c.flags &= !flag;
        c.reply.ok();
    } else {
        c.reply.error(&CommandError::Syntax);
    }
}

/// `CLIENT NO-EVICT ON|OFF`. There is no client eviction yet; the flag
/// shows in CLIENT LIST.
fn client_no_evict_command(server: &mut Server, id: ClientId, argv: &Argv) {
    set_flag_on_off(server, id, &argv[2], flags::NO_EVICT);
}

/// `CLIENT NO-TOUCH ON|OFF` (Redis 7.2): while on, this client's commands
/// other than TOUCH leave the access times of keys alone (see
/// `commands::call` and `db.rs`).
fn client_no_touch_command(server: &mut Server, id: ClientId, argv: &Argv) {
    set_flag_on_off(server, id, &argv[2], flags::NO_TOUCH);
}

/// `CLIENT HELP`.
fn client_help_command(server: &mut Server, id: ClientId, _argv: &Argv) {
    super::command_cmd::add_reply_help(
        server.reply(id),
        "CLIENT",
        &[
            "GETNAME",
            "    The name of this connection, or null.",
            "ID",
            "    The unique ID of this connection.",
            "INFO",
            "    Describe this connection, in the format of CLIENT LIST.",
            "KILL <ip:port>",
            "    Close the connection from <ip:port>.",
            "KILL <option> <value> [<option> <value> [...]]",
            "    Close every connection that matches all the options:",
            "    * ADDR (<ip:port>|<unixsocket>:0)",
            "      Connections from this address.",
            "    * LADDR (<ip:port>|<unixsocket>:0)",
            "      Connections to this local address.",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Connections of this type.",
            "    * USER <username>",
            "      Connections authenticated as this user.",
            "    * SKIPME (YES|NO)",
            "      Whether to spare this connection (default: YES).",
            "LIST [options ...]",
            "    Describe connections, one line each. Options:",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Only connections of this type.",
            "    * ID <client-id> [<client-id> ...]",
            "      Only these connections.",
            "UNPAUSE",
            "    End the current client pause.",
            "PAUSE <timeout> [WRITE|ALL]",
            "    Hold the commands of every client, or only their writes, for",
            "    <timeout> milliseconds.",
            "REPLY (ON|OFF|SKIP)",
            "    Send the replies to this connection, stop sending them, or skip",
            "    the reply to the next command only.",
            "SETNAME <name>",
            "    Name this connection.",
            "NO-EVICT (ON|OFF)",
            "    Exempt this connection from client eviction, or not.",
            "NO-TOUCH (ON|OFF)",
            "    Keep this connection's commands from changing the access time of",
            "    keys, or not (TOUCH still does).",
        ],
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protected_mode_refuses_only_remote_peers_without_a_password() {
        let remote: IpAddr = "192.0.2.7".parse().expect("ip");
        let remote6: IpAddr = "2001:db8::1".parse().expect("ip");
        let v4_loopback: IpAddr = "127.0.0.1".parse().expect("ip");
        let v6_loopback: IpAddr = "::1".parse().expect("ip");
        assert!(protected_mode_refuses(true, true, remote));
        assert!(protected_mode_refuses(true, true, remote6));
        assert!(!protected_mode_refuses(true, true, v4_loopback));
        assert!(!protected_mode_refuses(true, true, v6_loopback));
        // A password, or protected mode off, lets everyone in.
        assert!(!protected_mode_refuses(true, false, remote));
        assert!(!protected_mode_refuses(false, true, remote));
        // Redis 7.0 compares the address text with 127.0.0.1 and ::1 only.
        let other_loopback: IpAddr = "127.0.0.2".parse().expect("ip");
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().expect("ip");
        assert!(protected_mode_refuses(true, true, other_loopback));
        assert!(protected_mode_refuses(true, true, mapped));
    }

    #[test]
    fn protected_mode_reply_is_redis_7_0s() {
        let reply = protected_mode_reply();
        assert!(reply.starts_with(b"-DENIED Redis is running in protected mode because"));
        assert!(reply.ends_with(b"to start accepting connections from the outside.\r\n"));
        assert_eq!(reply.len(), 1067);
        assert!(!reply[..reply.len() - 2].contains(&b'\n'));
    }

    #[test]
    fn client_type_names() {
        assert_eq!(client_type_by_name(b"NORMAL"), Some(ClientType::Normal));
        assert_eq!(client_type_by_name(b"slave"), Some(ClientType::Replica));
        assert_eq!(client_type_by_name(b"Replica"), Some(ClientType::Replica));
        assert_eq!(client_type_by_name(b"pubsub"), Some(ClientType::PubSub));
        assert_eq!(client_type_by_name(b"master"), Some(ClientType::Master));
        assert_eq!(client_type_by_name(b"monitor"), None);
    }

    #[test]
    fn pauses_only_grow() {
        let mut server = Server::new(super::super::config::Config::new(), None);
        let far = super::super::mstime() + 60_000;
        pause_clients(&mut server, far, PauseKind::All);
        pause_clients(&mut server, far - 1000, PauseKind::Write);
        assert_eq!(server.pause.kind, PauseKind::All);
        assert_eq!(server.pause.end_ms, far);
        assert!(check_pause_timeout(&mut server));
        unpause_clients(&mut server);
        assert!(!check_pause_timeout(&mut server));
        // A deadline already passed ends the pause at the first check.
        pause_clients(&mut server, 1, PauseKind::Write);
        assert!(!check_pause_timeout(&mut server));
        assert_eq!(server.pause.kind, PauseKind::Off);
    }
}
