//! Client connections: listening, accepting, reading requests, writing
//! replies and freeing clients. The only module that touches sockets.
//!
//! Mirrors: `networking.c` (`acceptTcpHandler`, `acceptCommonHandler`,
//! `createClient`, `readQueryFromClient`, `processInputBuffer`,
//! `writeToClient`, `sendReplyToClient`, `handleClientsWithPendingWrites`,
//! `prepareClientToWrite`, `freeClient`, `freeClientAsync`,
//! `freeClientsInAsyncFreeQueue`, `checkClientOutputBufferLimits`,
//! `closeClientOnOutputBufferLimitReached`) and `anet.c`
//! (`anetTcpServer`, `anetKeepAlive`).
//!
//! # Edge-triggered readiness (the mio adaptation)
//!
//! ae registers sockets level-triggered; mio registers them
//! edge-triggered. Three rules keep Redis's behaviour on edges:
//!
//! 1. Each client keeps `read_ready` / `write_ready`. An event sets them;
//!    a `WouldBlock` clears them, and so does a short read on Linux (below).
//! 2. Reads stay fair: each read asks for at most `PROTO_IOBUF_LEN`
//!    (16 KiB), as Redis does, except while a big argument is in flight,
//!    when it asks for exactly the bytes the argument still misses (Redis
//!    too). A read that filled its buffer may have left bytes behind: it
//!    puts the client on `clients_pending_read`; before_sleep reads it
//!    again and the loop polls without blocking while that list is not
//!    empty (ae's `AE_DONT_WAIT`, as Redis does for TLS). So a busy client
//!    gets at most two reads a turn: one from its event, one from
//!    before_sleep.
//!
//! A short read (fewer bytes than asked) on a Linux TCP socket drained its
//! receive queue, as epoll(7) documents for stream sockets: the kernel
//! stops copying early only when the queue is empty, and every segment
//! queued after that raises a new edge. So a short read clears
//! `read_ready` with no second read, as `WouldBlock` would. This departs
//! from mio's portable rule (mio#1131: a short read is a hint, not proof)
//! for a measured reason: the confirming read came back `WouldBlock`
//! almost always (0.96 per request with 100 subscribers), and the edge it
//! had already consumed came back from the next poll as a writable-only
//! event, an extra loop turn, and each turn writes every subscriber. Two
//! cases keep the confirming read: other systems, and a socket whose event
//! carried [`Mask::HANGUP`], where the end-of-stream edge is spent and the
//! client must be read until end of file. (TCP urgent data can also stop a
//! read early; a client that sends it only stalls itself until it sends
//! again.)
//! 3. Writes stay in before_sleep (`handle_clients_with_pending_writes`).
//!    A write loop stops at an empty buffer, at `WouldBlock` (then the
//!    writable edge resumes it) or after `NET_MAX_WRITES_PER_EVENT` bytes;
//!    in the last case the socket is still writable, no edge will come, so
//!    the client stays on `clients_pending_write` and the loop does not
//!    sleep. A subscriber's output may also stay there for a moment while
//!    publishes keep arriving ([`fanout_hold`]).
//!
//! Deviation from Redis: the write handler is not installed and removed
//! as the output buffer fills and drains (`connSetWriteHandler`). Every
//! client is registered once for both directions, and one handler serves
//! both; a writable event with nothing to write only records readiness.
//!
//! Clients are never removed from the slab inside a handler: they are
//! marked `CLOSE_ASAP` and freed in before_sleep, so that a fired event
//! later in the same batch cannot reach a new client that reused the slot.
//!
//! # Output buffer limits
//!
//! `client-output-buffer-limit` bounds what a client that does not read
//! can make the server hold: past the hard limit of its class (normal,
//! replica, pubsub), or past the soft limit for more than its seconds, the
//! client is scheduled for closing and its buffers are freed in
//! before_sleep, unsent. The check runs in `prepare_client_to_write`, and
//! only once output has spilled from the fixed buffer into the reply list,
//! so replies that fit in 16 KiB never pay for it.
//!
//! As Redis's `clientsCron` does, `cron::clients_cron` also runs the check
//! ([`close_client_on_output_buffer_limit_reached`]) for the clients it
//! visits, so a client that sits over its soft limit with no new output
//! coming is closed once its seconds have passed.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::time::{Duration, Instant};

use log::{debug, info, trace, warn};
use mio::net::{TcpListener, TcpStream};
use socket2::{Domain, Protocol, SockRef, Socket, TcpKeepalive, Type};

use super::client_cmd::{client_info_string, client_type, ClientType};
use super::commands::process_command;
use super::config::ObufLimit;
use super::resp::{parse_request, Limits, Parsed, PROTO_IOBUF_LEN};
use super::{flags, Client, ClientId, Listener, Server, MAX_ACCEPTS_PER_CALL};
use super::{CONFIG_BINDADDR_MAX, NET_MAX_WRITES_PER_EVENT};
use crate::ae::{EventLoop, Mask, Token};

/// The event loop as the server uses it.
pub type Loop = EventLoop<Server>;

/// Whether a short read proves a socket drained (see the module docs):
/// true where the poller is epoll.
const SHORT_READ_DRAINS: bool = cfg!(any(target_os = "linux", target_os = "android"));

/// Opens a listener for each `bind` address (`listenToPort`). An address
/// prefixed with `-` is optional: if it is not available on this machine,
/// it is skipped.
pub fn listen_to_port(el: &mut Loop, server: &mut Server) -> Result<(), String> {
    let port = server.config.port;
    if port == 0 {
        // TCP is off and there is no unix socket yet: nothing to serve.
        return Err("Configured to not listen anywhere, exiting.".into());
    }
    let port = u16::try_from(port).map_err(|_| format!("Invalid port {port}"))?;
    let binds = server.config.bind.clone();
    for spec in binds.iter().take(CONFIG_BINDADDR_MAX) {
        let (optional, host) = match spec.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, spec.as_str()),
        };
        let host = match host {
            "*" => "0.0.0.0",
            "::*" => "::",
            other => other,
        };
        match bind_listener(host, port, server.config.tcp_backlog) {
            Ok((socket, addr)) => {
                let index = server.listeners.len();
                let mut listener = Listener { socket, addr };
                el.create_file_event(
                    &mut listener.socket,
                    Token(index),
                    Mask::READABLE,
                    accept_tcp_handler,
                )
                .map_err(|e| format!("Can't register listener {}: {e}", listener.addr))?;
                server.listeners.push(listener);
            }
            Err(e) if optional && is_address_unavailable(&e) => {
                info!("Skipping optional bind address {host}:{port}: {e}");
            }
            Err(e) => {
                warn!(
                    "Warning: Could not create server TCP listening socket {host}:{port}: {}",
                    super::config::io_error_text(&e)
                );
                return Err(format!("Failed listening on port {port} (tcp), aborting."));
            }
        }
    }
    if server.listeners.is_empty() {
        return Err(format!("Failed listening on port {port} (tcp), aborting."));
    }
    Ok(())
}

fn is_address_unavailable(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EADDRNOTAVAIL)
            | Some(libc::EAFNOSUPPORT)
            | Some(libc::EPROTONOSUPPORT)
            | Some(libc::ESOCKTNOSUPPORT)
            | Some(libc::EPFNOSUPPORT)
            | Some(libc::ENOPROTOOPT)
    ) || e.kind() == ErrorKind::AddrNotAvailable
}

/// Creates one listening socket (`anetTcpServer`): SO_REUSEADDR,
/// IPV6_V6ONLY for IPv6, the configured backlog, non-blocking.
fn bind_listener(host: &str, port: u16, backlog: i64) -> io::Result<(TcpListener, String)> {
    let addr = match host.parse::<IpAddr>() {
        Ok(ip) => SocketAddr::new(ip, port),
        Err(_) => (host, port)
            .to_socket_addrs()?
            .next()
            .ok_or_else(|| io::Error::new(ErrorKind::NotFound, "Name or service not known"))?,
    };
    let domain = Domain::for_address(addr);
    let socket = Socket::new(domain, Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    socket.bind(&addr.into())?;
    socket.listen(i32::try_from(backlog).unwrap_or(i32::MAX))?;
    socket.set_nonblocking(true)?;
    let std_listener: std::net::TcpListener = socket.into();
    Ok((TcpListener::from_std(std_listener), addr.to_string()))
}

/// The readable handler of a listener (`acceptTcpHandler`): accepts until
/// `WouldBlock`, at most `MAX_ACCEPTS_PER_CALL` at a time.
pub fn accept_tcp_handler(el: &mut Loop, server: &mut Server, token: Token, _mask: Mask) {
    accept_from(el, server, token.0);
}

/// Accepts from listener `index`; re-queues it when the per-call cap is
/// hit, since no new edge will announce the connections still waiting.
pub fn accept_from(el: &mut Loop, server: &mut Server, index: usize) {
    for _ in 0..MAX_ACCEPTS_PER_CALL {
        let Some(listener) = server.listeners.get(index) else {
            return;
        };
        match listener.socket.accept() {
            Ok((stream, peer)) => accept_common(el, server, stream, peer),
            Err(e) if e.kind() == ErrorKind::WouldBlock => return,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => {
                warn!("Accepting client connection: {e}");
                return;
            }
        }
    }
    if !server.listeners_pending_accept.contains(&index) {
        server.listeners_pending_accept.push(index);
    }
}

/// Sets up an accepted connection (`acceptCommonHandler` + `createClient`).
fn accept_common(el: &mut Loop, server: &mut Server, mut stream: TcpStream, peer: SocketAddr) {
    if server.clients.len() as i64 >= server.config.maxclients {
        // Best effort, as Redis does: the socket is fresh, so the write
        // almost always fits; the connection is closed either way.
        let _ = stream.write(b"-ERR max number of clients reached\r\n");
        server.stats.rejected_conn += 1;
        return;
    }
    // Protected mode: explain, best effort, and close (clientAcceptHandler).
    if super::client_cmd::protected_mode_denies(server, peer.ip()) {
        let _ = stream.write(&super::client_cmd::protected_mode_reply());
        server.stats.rejected_conn += 1;
        return;
    }
    if let Err(e) = configure_stream(&stream, server.config.tcp_keepalive) {
        debug!("Error configuring client socket {peer}: {e}");
    }
    let laddr = stream
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let authenticated = !server.auth_required();
    let entry = server.clients.vacant_entry();
    let id = ClientId(entry.key());
    if let Err(e) = el.create_file_event(&mut stream, id.token(), Mask::ALL, client_handler) {
        warn!("Error registering fd event for the new client: {e} (fd={peer})");
        return;
    }
    let now = server.unixtime;
    let client_id = server.next_client_id;
    server.next_client_id += 1;
    entry.insert(Client {
        id: client_id,
        stream,
        addr: peer.to_string(),
        laddr,
        querybuf: Default::default(),
        querybuf_peak: 0,
        parse: Default::default(),
        reply: Default::default(),
        flags: 0,
        name: None,
        ctime: now,
        last_interaction: now,
        db: 0,
        authenticated,
        read_ready: false,
        read_hangup: false,
        // A fresh socket can be written; an edge may never come for it.
        write_ready: true,
        read_turn: 0,
        write_turn: 0,
        last_cmd: "NULL",
        last_cmd_spec: None,
        multi: Default::default(),
        pubsub: Default::default(),
    });
    server.stats.numconnections += 1;
    debug!("Accepted {peer}");
}

/// TCP_NODELAY and SO_KEEPALIVE as Redis sets them (`anetKeepAlive`: idle
/// time `interval`, probes every `interval / 3`, 3 probes).
fn configure_stream(stream: &TcpStream, keepalive: i64) -> io::Result<()> {
    stream.set_nodelay(true)?;
    if keepalive > 0 {
        let secs = keepalive as u64;
        let ka = TcpKeepalive::new()
            .with_time(Duration::from_secs(secs))
            .with_interval(Duration::from_secs((secs / 3).max(1)))
            .with_retries(3);
        SockRef::from(stream).set_tcp_keepalive(&ka)?;
    }
    Ok(())
}

/// The one handler of a client socket, for both directions. Reading comes
/// first, as in ae without `AE_BARRIER`.
pub fn client_handler(el: &mut Loop, server: &mut Server, token: Token, mask: Mask) {
    let Some(id) = ClientId::from_token(token) else {
        return;
    };
    if mask.contains(Mask::READABLE) {
        if let Some(c) = server.clients.get_mut(id.0) {
            c.read_ready = true;
            c.read_hangup |= mask.contains(Mask::HANGUP);
        }
        read_query_from_client(server, id);
    }
    if mask.contains(Mask::WRITABLE) {
        let Some(c) = server.clients.get_mut(id.0) else {
            return;
        };
        c.write_ready = true;
        // A client on the pending list is written in before_sleep.
        if c.reply.has_pending() && !c.has(flags::PENDING_WRITE) {
            send_reply_to_client(el, server, id);
        }
    }
}

/// The writable path (`sendReplyToClient`).
fn send_reply_to_client(_el: &mut Loop, server: &mut Server, id: ClientId) {
    if write_to_client(server, id) == WriteOutcome::Capped {
        queue_pending_write(server, id);
    }
}

/// One read from the socket followed by parsing and running what arrived
/// (`readQueryFromClient`).
pub fn read_query_from_client(server: &mut Server, id: ClientId) {
    let limit = server.config.client_query_buffer_limit;
    let turn = server.turn;
    let Some(c) = server.clients.get_mut(id.0) else {
        return;
    };
    if c.has(flags::CLOSE_ASAP | flags::CLOSE_AFTER_REPLY) || !c.read_ready {
        return;
    }
    // A big argument in flight: ask for exactly the bytes it still misses.
    let mut want = PROTO_IOBUF_LEN;
    if let Some(len) = c.parse.pending_big_arg() {
        let missing = (len + 2).saturating_sub(c.querybuf.unparsed().len());
        if missing > 0 {
            want = missing;
        }
    }
    let result = c.stream.read(c.querybuf.space(want));
    match result {
        Ok(0) => {
            debug!("Client closed connection id={} addr={}", c.id, c.addr);
            free_client_async(server, id);
            return;
        }
        Ok(n) => {
            if n < want && SHORT_READ_DRAINS && !c.read_hangup {
                c.read_ready = false;
            }
            c.read_turn = turn;
            server.turn_reads += 1;
            c.querybuf.commit(n);
            c.querybuf_peak = c.querybuf_peak.max(c.querybuf.len());
            c.last_interaction = server.unixtime;
            server.stats.net_input_bytes += n as u64;
            server.stats.total_reads_processed += 1;
        }
        Err(e) if e.kind() == ErrorKind::WouldBlock => {
            c.read_ready = false;
            return;
        }
        Err(e) if e.kind() == ErrorKind::Interrupted => {}
        Err(e) => {
            debug!("Reading from client: {e}");
            free_client_async(server, id);
            return;
        }
    }
    // Not proven drained: come back in before_sleep without an edge.
    if c.read_ready && !c.has(flags::PENDING_READ) {
        c.flags |= flags::PENDING_READ;
        server.clients_pending_read.push(id);
    }
    if c.querybuf.len() as i64 > limit {
        warn!(
            "Closing client that reached max query buffer length: id={} addr={} (qbuf initial bytes: {})",
            c.id,
            c.addr,
            escape_bytes(&c.querybuf.unparsed()[..c.querybuf.unparsed().len().min(64)])
        );
        free_client_async(server, id);
        return;
    }
    process_input_buffer(server, id);
}

/// Parses and runs every complete request in the query buffer
/// (`processInputBuffer`).
pub fn process_input_buffer(server: &mut Server, id: ClientId) {
    // One clock reading for the batch: the commands of one read are
    // microseconds apart, and expiry decisions within a batch agree.
    super::commands::start_command_clock(server);
    let max_bulk_len = server.config.proto_max_bulk_len;
    let auth_required = server.auth_required();
    loop {
        let Some(c) = server.clients.get_mut(id.0) else {
            return;
        };
        // After a protocol error, QUIT or a kill, nothing more is run.
        if c.has(flags::CLOSE_AFTER_REPLY | flags::CLOSE_ASAP) {
            break;
        }
        // A blocked client (CLIENT PAUSE, SHUTDOWN) runs nothing more until
        // client_cmd::process_unblocked_clients resumes it.
        if c.has(flags::BLOCKED) {
            break;
        }
        let limits = Limits {
            max_bulk_len,
            auth_required: auth_required && !c.authenticated,
            is_master: false,
        };
        match parse_request(&mut c.querybuf, &mut c.parse, &limits) {
            Parsed::Incomplete => break,
            Parsed::Error(e) => {
                set_protocol_error(c, &e.message());
                break;
            }
            Parsed::Command if c.parse.argv.is_empty() => {
                // An empty request still ends a CLIENT REPLY SKIP, as
                // Redis's resetClient does.
                c.reply.command_done();
                c.parse.reset();
            }
            Parsed::Command => {
                process_command(server, id);
                if let Some(c) = server.clients.get_mut(id.0) {
                    // A command postponed by CLIENT PAUSE keeps its argv.
                    if !c.has(flags::BLOCKED) || c.parse.argv.is_empty() {
                        c.parse.reset();
                    }
                }
            }
        }
    }
    if let Some(c) = server.clients.get_mut(id.0) {
        c.querybuf.compact();
    }
    // Protocol errors count in the error stats like any error reply.
    super::commands::collect_error_stats(server, id);
    prepare_client_to_write(server, id);
}

/// Replies with a protocol error and closes after the reply
/// (`setProtocolError`).
fn set_protocol_error(c: &mut Client, message: &[u8]) {
    if log::log_enabled!(log::Level::Debug) {
        let unparsed = c.querybuf.unparsed();
        debug!(
            "{} from client: id={} addr={}. Query buffer during protocol error: '{}'",
            String::from_utf8_lossy(message),
            c.id,
            c.addr,
            escape_bytes(&unparsed[..unparsed.len().min(128)])
        );
    }
    // CR/LF become spaces (addReplyErrorFormat), e.g. "got ' '".
    c.reply.error_bytes(message);
    c.flags |= flags::CLOSE_AFTER_REPLY | flags::PROTOCOL_ERROR;
}

/// Puts a client with output on the pending-write list, once
/// (`prepareClientToWrite` + `putClientInPendingWriteQueue`), and closes
/// it if its output now breaks its `client-output-buffer-limit`.
///
/// Called after a client's commands ran and after a reply was added for
/// another client (pub/sub messages, unblocked waiters). Redis checks the
/// limit each time a reply spills from the fixed buffer into the list
/// (`_addReplyProtoToList`); checking here sees the same spills, a batch
/// of commands at a time, and costs the GET/SET path one length check.
pub fn prepare_client_to_write(server: &mut Server, id: ClientId) {
    let Some(c) = server.clients.get_mut(id.0) else {
        return;
    };
    if c.has(flags::CLOSE_ASAP) {
        return;
    }
    if c.reply.has_pending() {
        let spilled = c.reply.list_len() > 0;
        queue_pending_write(server, id);
        if spilled {
            close_client_on_output_buffer_limit_reached(server, id);
        }
    } else if c.has(flags::CLOSE_AFTER_REPLY) {
        // Nothing left to say (e.g. after QUIT's reply was written).
        free_client_async(server, id);
    }
}

/// The `client-output-buffer-limit` class of a client: normal, replica or
/// pubsub, in `OBUF_CLASSES` order. A master link counts as normal, as in
/// Redis.
fn output_buffer_class(c: &Client) -> usize {
    match client_type(c) {
        ClientType::Normal | ClientType::Master => 0,
        ClientType::Replica => 1,
        ClientType::PubSub => 2,
    }
}

/// Whether output of `used` bytes breaks `limit` at unix time `now`
/// (`checkClientOutputBufferLimits`): at or over the hard limit at once;
/// at or over the soft limit once that has lasted more than
/// `soft_seconds`. The first time the soft limit is seen reached, the time
/// is recorded in `since`; output under it clears the record. A limit of 0
/// is no limit.
pub fn check_output_buffer_limits(
    used: u64,
    limit: &ObufLimit,
    since: &mut Option<u64>,
    now: u64,
) -> bool {
    let hard = limit.hard != 0 && used >= limit.hard;
    let soft = limit.soft != 0 && used >= limit.soft;
    if !soft {
        *since = None;
        return hard;
    }
    let soft_broken = match *since {
        None => {
            *since = Some(now);
            false
        }
        Some(start) => now.saturating_sub(start) > u64::try_from(limit.soft_seconds).unwrap_or(0),
    };
    hard || soft_broken
}

/// Schedules a client to be closed if its pending output breaks its
/// class's limit, logging Redis's line with the client's CLIENT LIST
/// entry (`closeClientOnOutputBufferLimitReached(c, 1)`). Returns whether
/// it did. A client with nothing in its reply list is left alone, its
/// soft-limit record untouched, as Redis does.
pub fn close_client_on_output_buffer_limit_reached(server: &mut Server, id: ClientId) -> bool {
    let now = server.unixtime;
    let Some(c) = server.clients.get_mut(id.0) else {
        return false;
    };
    if c.reply.list_len() == 0 || c.has(flags::CLOSE_ASAP) {
        return false;
    }
    let Some(limit) = server
        .config
        .client_output_buffer_limit
        .get(output_buffer_class(c))
    else {
        return false;
    };
    let used = c.reply.memory_usage() as u64;
    if !check_output_buffer_limits(used, limit, &mut c.reply.soft_limit_since, now) {
        return false;
    }
    // The entry is taken before the close, so it shows no `A` flag.
    let Some(c) = server.clients.get(id.0) else {
        return false;
    };
    let info = client_info_string(server, c, 0);
    free_client_async(server, id);
    warn!("Client {info} scheduled to be closed ASAP for overcoming of output buffer limits.");
    true
}

fn queue_pending_write(server: &mut Server, id: ClientId) {
    if let Some(c) = server.clients.get_mut(id.0) {
        if !c.has(flags::PENDING_WRITE) {
            c.flags |= flags::PENDING_WRITE;
            server.clients_pending_write.push(id);
        }
    }
}

/// How a write loop ended.
#[derive(Debug, PartialEq, Eq)]
pub enum WriteOutcome {
    /// Everything was written (or the client is gone).
    Done,
    /// The socket is full; the writable edge will resume.
    Blocked,
    /// `NET_MAX_WRITES_PER_EVENT` was reached; the socket may take more.
    Capped,
}

/// Writes pending replies until done, blocked or capped (`writeToClient`).
pub fn write_to_client(server: &mut Server, id: ClientId) -> WriteOutcome {
    write_with_limit(server, id, NET_MAX_WRITES_PER_EVENT)
}

fn write_with_limit(server: &mut Server, id: ClientId, limit: usize) -> WriteOutcome {
    let turn = server.turn;
    let Some(c) = server.clients.get_mut(id.0) else {
        return WriteOutcome::Done;
    };
    if c.has(flags::CLOSE_ASAP) {
        return WriteOutcome::Done;
    }
    let mut total = 0usize;
    let mut outcome = WriteOutcome::Done;
    while c.reply.has_pending() {
        if total >= limit {
            outcome = WriteOutcome::Capped;
            break;
        }
        match c.reply.write_to(&mut c.stream, limit - total) {
            Ok(0) => {
                outcome = WriteOutcome::Blocked;
                c.write_ready = false;
                break;
            }
            Ok(n) => {
                total += n;
                c.write_turn = turn;
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                c.write_ready = false;
                outcome = WriteOutcome::Blocked;
                break;
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => {
                debug!("Error writing to client: {e}");
                server.stats.net_output_bytes += total as u64;
                free_client_async(server, id);
                return WriteOutcome::Done;
            }
        }
    }
    if total > 0 {
        c.last_interaction = server.unixtime;
        server.stats.net_output_bytes += total as u64;
        server.stats.total_writes_processed += 1;
    }
    if !c.reply.has_pending() && c.has(flags::CLOSE_AFTER_REPLY) {
        free_client_async(server, id);
    }
    outcome
}

/// How long before_sleep may hold subscribers' output back while
/// publishes keep arriving (see [`fanout_hold`]).
pub const FANOUT_HOLD: Duration = Duration::from_micros(200);

/// Whether before_sleep's write passes of this turn hold back the output
/// of pub/sub clients that sent nothing this turn: yes while this turn
/// read new requests and no hold has lasted [`FANOUT_HOLD`] yet.
///
/// Not in Redis. A write to a subscriber costs both sides a system call
/// and the subscriber a wake-up, whatever it carries, and Redis writes
/// every subscriber once per loop turn. With many subscribers and
/// publishers at pipeline 1, the publishers' requests arrive spread over
/// a turn, and a fast turn answers a handful of them and then writes all
/// the subscribers: many small writes. Held output stays on the
/// pending-write list, so the next poll does not block: the loop answers
/// the requests that arrived meanwhile (their replies are never held) and
/// the subscribers get the whole run in one write, as soon as a poll
/// brings no new request or the hold reaches `FANOUT_HOLD`. An idle
/// server therefore adds one non-blocking poll to a message's delivery.
pub fn fanout_hold(server: &Server, now: Instant) -> bool {
    server.turn_reads > 0
        && server
            .fanout_held_since
            .is_none_or(|since| now.saturating_duration_since(since) < FANOUT_HOLD)
}

/// Writes every client with pending replies; called from before_sleep
/// (`handleClientsWithPendingWrites`). Clients that hit the per-event cap
/// stay queued. Returns whether it held a subscriber's output back.
///
/// `again` marks before_sleep's second pass, after the re-reads. A client
/// already written this turn that has sent nothing since only received
/// output other clients made in the re-reads (a subscriber, fed by
/// publishers whose next requests arrived while the first pass wrote):
/// it stays queued for the next turn, where that output joins the next
/// batch, instead of costing a second write of a few bytes now.
///
/// `hold` (from [`fanout_hold`]) keeps pub/sub clients that sent nothing
/// this turn queued too.
pub fn handle_clients_with_pending_writes(server: &mut Server, again: bool, hold: bool) -> bool {
    if server.clients_pending_write.is_empty() {
        return false;
    }
    let mut held = false;
    let turn = server.turn;
    let mut list = std::mem::take(&mut server.clients_pending_write);
    // Newest first, as Redis links pending clients at the head of its
    // list: the client whose command queued the writes is answered before
    // the clients it wrote to (a publisher before its subscribers), so it
    // can send its next request while the rest are written.
    for &id in list.iter().rev() {
        let Some(c) = server.clients.get_mut(id.0) else {
            continue;
        };
        let passive = c.read_turn != turn;
        if passive && again && c.write_turn == turn {
            server.clients_pending_write.push(id);
            continue;
        }
        if passive && hold && super::pubsub::subscription_count(c) > 0 {
            held = true;
            server.clients_pending_write.push(id);
            continue;
        }
        c.flags &= !flags::PENDING_WRITE;
        if c.has(flags::CLOSE_ASAP) || !c.write_ready {
            // Not writable now: the writable edge will resume this client.
            continue;
        }
        if write_to_client(server, id) == WriteOutcome::Capped {
            queue_pending_write(server, id);
        }
    }
    list.clear();
    if server.clients_pending_write.is_empty() {
        server.clients_pending_write = list;
    }
    held
}

/// Reads again every client whose last read did not end in `WouldBlock`;
/// called from before_sleep.
pub fn handle_clients_with_pending_reads(server: &mut Server) {
    if server.clients_pending_read.is_empty() {
        return;
    }
    let mut list = std::mem::take(&mut server.clients_pending_read);
    for &id in &list {
        if let Some(c) = server.clients.get_mut(id.0) {
            c.flags &= !flags::PENDING_READ;
            read_query_from_client(server, id);
        }
    }
    list.clear();
    if server.clients_pending_read.is_empty() {
        server.clients_pending_read = list;
    }
}

/// Schedules a client to be freed in before_sleep (`freeClientAsync`).
pub fn free_client_async(server: &mut Server, id: ClientId) {
    if let Some(c) = server.clients.get_mut(id.0) {
        if !c.has(flags::CLOSE_ASAP) {
            c.flags |= flags::CLOSE_ASAP;
            server.clients_to_close.push(id);
        }
    }
}

/// Frees every client scheduled with [`free_client_async`]
/// (`freeClientsInAsyncFreeQueue`).
pub fn free_clients_in_async_free_queue(el: &mut Loop, server: &mut Server) {
    while let Some(id) = server.clients_to_close.pop() {
        free_client(el, server, id);
    }
}

/// Closes a client now (`freeClient`). Only called outside file handlers.
fn free_client(el: &mut Loop, server: &mut Server, id: ClientId) {
    if !server.clients.contains(id.0) {
        return;
    }
    // Out of the WATCH and Pub/Sub maps while the slab key is still its.
    super::multi::discard_transaction(server, id);
    super::pubsub::unsubscribe_all(server, id);
    let Some(mut c) = server.clients.try_remove(id.0) else {
        return;
    };
    el.unregister(&mut c.stream, id.token());
    super::blocked::client_freed(server, c.id);
    if c.has(flags::PENDING_WRITE) {
        server.clients_pending_write.retain(|&x| x != id);
    }
    if c.has(flags::PENDING_READ) {
        server.clients_pending_read.retain(|&x| x != id);
    }
    trace!("Freed client id={} addr={}", c.id, c.addr);
}

/// Writes what can be written to every client without the per-event cap,
/// before the process exits (part of `prepareForShutdown`).
pub fn flush_all_clients(server: &mut Server) {
    let ids: Vec<ClientId> = server.clients.iter().map(|(k, _)| ClientId(k)).collect();
    for id in ids {
        write_with_limit(server, id, usize::MAX);
    }
}

/// Stops listening: deregisters and closes every listener
/// (`closeListeningSockets`).
pub fn close_listening_sockets(el: &mut Loop, server: &mut Server) {
    for (index, mut listener) in std::mem::take(&mut server.listeners)
        .into_iter()
        .enumerate()
    {
        el.unregister(&mut listener.socket, Token(index));
    }
    server.listeners_pending_accept.clear();
}

/// Closes every listener and listens anew on the configured port and
/// addresses, for CONFIG SET `port` and `bind` (`changeListenPort`,
/// `changeBindAddr`). Port 0 leaves no TCP listener, as in Redis. On
/// failure no listener is left either: the caller puts the old values back
/// and calls this again, as Redis does. Dropping the old sockets closes
/// them, which also takes them out of the poller; command handlers have no
/// event loop, so the new sockets are registered by
/// `config_cmd::register_new_listeners` in before_sleep.
pub fn change_listen_addresses(server: &mut Server) -> Result<(), String> {
    server.listeners.clear();
    server.listeners_pending_accept.clear();
    let port = server.config.port;
    if port == 0 {
        return Ok(());
    }
    let port = u16::try_from(port).map_err(|_| format!("Invalid port {port}"))?;
    let mut listeners = Vec::new();
    for spec in server.config.bind.iter().take(CONFIG_BINDADDR_MAX) {
        let (optional, host) = match spec.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, spec.as_str()),
        };
        let host = match host {
            "*" => "0.0.0.0",
            "::*" => "::",
            other => other,
        };
        match bind_listener(host, port, server.config.tcp_backlog) {
            Ok((socket, addr)) => listeners.push(Listener { socket, addr }),
            Err(e) if optional && is_address_unavailable(&e) => {
                info!("Skipping optional bind address {host}:{port}: {e}");
            }
            Err(e) => {
                warn!(
                    "Warning: Could not create server TCP listening socket {host}:{port}: {}",
                    super::config::io_error_text(&e)
                );
                return Err(format!("Failed listening on port {port} (tcp)"));
            }
        }
    }
    server.listeners = listeners;
    Ok(())
}

/// Printable form of bytes for logs (`sdscatrepr` without the quotes).
pub fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x07 => out.push_str("\\a"),
            0x08 => out.push_str("\\b"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: ObufLimit = ObufLimit {
        hard: 1000,
        soft: 100,
        soft_seconds: 2,
    };

    #[test]
    fn fanout_hold_needs_new_requests_and_ends_after_its_budget() {
        let mut server = Server::new(super::super::config::Config::new(), None);
        let now = Instant::now();
        assert!(!fanout_hold(&server, now), "no request read: write now");
        server.turn_reads = 3;
        assert!(fanout_hold(&server, now), "a new hold may start");
        let started = now.checked_sub(FANOUT_HOLD / 2).unwrap_or(now);
        server.fanout_held_since = Some(started);
        assert!(fanout_hold(&server, now), "within the budget");
        server.fanout_held_since = Some(started);
        assert!(!fanout_hold(&server, started + FANOUT_HOLD), "budget spent");
        server.turn_reads = 0;
        assert!(
            !fanout_hold(&server, now),
            "a poll without requests ends it"
        );
    }

    #[test]
    fn hard_limit_breaks_at_once_and_zero_means_none() {
        let mut since = None;
        assert!(!check_output_buffer_limits(
            999,
            &ObufLimit { soft: 0, ..LIMIT },
            &mut since,
            50
        ));
        assert!(check_output_buffer_limits(
            1000,
            &ObufLimit { soft: 0, ..LIMIT },
            &mut since,
            50
        ));
        let none = ObufLimit::default();
        assert!(!check_output_buffer_limits(u64::MAX, &none, &mut since, 50));
        assert_eq!(since, None);
    }

    #[test]
    fn soft_limit_breaks_only_after_lasting_more_than_its_seconds() {
        let mut since = None;
        // First seen: recorded, not yet broken.
        assert!(!check_output_buffer_limits(100, &LIMIT, &mut since, 50));
        assert_eq!(since, Some(50));
        // Exactly soft_seconds later: still allowed (Redis compares `<=`).
        assert!(!check_output_buffer_limits(500, &LIMIT, &mut since, 52));
        assert!(check_output_buffer_limits(500, &LIMIT, &mut since, 53));
        // Dropping under the soft limit starts the clock again.
        assert!(!check_output_buffer_limits(99, &LIMIT, &mut since, 54));
        assert_eq!(since, None);
        assert!(!check_output_buffer_limits(100, &LIMIT, &mut since, 60));
        assert_eq!(since, Some(60));
        // A clock that went backwards does not break the limit.
        assert!(!check_output_buffer_limits(100, &LIMIT, &mut since, 10));
    }
}
