//! The Redis server on top of the event library.
//!
//! Mirrors: `server.h` / `server.c` (`struct redisServer`, `struct client`,
//! `main`, `initServer`, `processCommand`, `call`).
//!
//! One [`Server`] value owns all state, like Redis's global `server`. The
//! event loop sits beside it, and every handler receives both. Clients live
//! in a slab, addressed by [`ClientId`] (the slab key), never by pointer: a
//! command gets the server and the id of the client that sent it, and
//! replies through [`Server::reply`].
//!
//! Submodules, each the home of one Redis file:
//!
//! | module | Redis |
//! |---|---|
//! | `networking` | networking.c: accept, read, write, free |
//! | `resp` | networking.c request parsing, sds.c `sdssplitargs` |
//! | `reply` | networking.c `addReply*` |
//! | `cron` | server.c `serverCron`, `beforeSleep`, `clientsCron` |
//! | `commands` | server.c command table, `processCommand`, `call` |
//! | `command_cmd` | server.c `commandCommand` and its subcommands |
//! | `client_cmd` | networking.c `clientCommand`, client pause, protected mode |
//! | `server_cmd` | server.c TIME, SHUTDOWN |
//! | `debug` | debug.c `debugCommand`, DEBUG DIGEST's SHA1 |
//! | `connection` | PING, ECHO, QUIT, RESET, HELLO, AUTH, SELECT |
//! | `config` | config.c |
//! | `errors` | the error replies (shared objects of server.c and others) |
//! | `logging` | server.c `serverLog` |
//! | `util` | util.c `stringmatchlen`, a sampling PRNG |
//! | `dict` | dict.c: the keyspace hash table |
//! | `sds` | sds.c, for keys: inline short byte strings |
//! | `db` | db.c: the databases, lookups, keyspace commands |
//! | `object` | object.c: stored values, OBJECT |
//! | `expire` | expire.c: EXPIRE family, the active expiry cycle |
//! | `t_string` | t_string.c: string commands |
//! | `info` | server.c `infoCommand`, `genRedisInfoString` |
//! | `zmalloc` | zmalloc.c: the counting allocator, RSS |
//!
//! Deviations from Redis: no unix socket, TLS, I/O threads or modules.

pub mod blocked;
pub mod client_cmd;
pub mod command_cmd;
pub mod commands;
pub mod config;
pub mod config_cmd;
pub mod connection;
pub mod cron;
pub mod db;
pub mod debug;
pub mod dict;
pub mod dump;
pub mod errors;
pub mod expire;
pub mod info;
pub mod logging;
pub mod multi;
pub mod networking;
pub mod notify;
pub mod object;
pub mod persistence;
pub mod pubsub;
pub mod reply;
pub mod resp;
pub mod sds;
pub mod server_cmd;
pub mod sort;
pub mod t_hash;
pub mod t_list;
pub mod t_set;
pub mod t_string;
pub mod t_zset;
pub mod util;
pub mod zmalloc;

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use mio::net::{TcpListener, TcpStream};
use mio::Token;
use slab::Slab;

use crate::ae::EventLoop;
use commands::CommandTable;
use config::Config;
use reply::ReplyBuf;
use resp::{ParseState, QueryBuf};

/// The version Redis clients are told (`REDIS_VERSION`).
pub const REDIS_VERSION: &str = "7.0.15";
/// ferrodis's own version.
pub const FERRODIS_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Largest number of `bind` addresses (`CONFIG_BINDADDR_MAX`).
pub const CONFIG_BINDADDR_MAX: usize = 16;
/// File descriptors kept for purposes other than clients
/// (`CONFIG_MIN_RESERVED_FDS`).
pub const CONFIG_MIN_RESERVED_FDS: u64 = 32;
/// Most connections accepted in one call of the accept handler
/// (`MAX_ACCEPTS_PER_CALL`).
pub const MAX_ACCEPTS_PER_CALL: usize = 1000;
/// A write loop stops after this many bytes (`NET_MAX_WRITES_PER_EVENT`).
pub const NET_MAX_WRITES_PER_EVENT: usize = 64 * 1024;
/// Minimum clients looked at by each `clients_cron` call
/// (`CLIENTS_CRON_MIN_ITERATIONS`).
pub const CLIENTS_CRON_MIN_ITERATIONS: usize = 5;

/// Tokens below this are listeners; client tokens are `slab key + this`.
pub const CLIENT_TOKEN_BASE: usize = CONFIG_BINDADDR_MAX;

/// Client flags (`CLIENT_*` in server.h), the subset used here.
pub mod flags {
    /// Close once the output buffer is written (`CLIENT_CLOSE_AFTER_REPLY`).
    pub const CLOSE_AFTER_REPLY: u32 = 1 << 0;
    /// Queued for freeing in before_sleep (`CLIENT_CLOSE_ASAP`).
    pub const CLOSE_ASAP: u32 = 1 << 1;
    /// On `clients_pending_write` (`CLIENT_PENDING_WRITE`).
    pub const PENDING_WRITE: u32 = 1 << 2;
    /// On `clients_pending_read`: read again without waiting for an edge.
    pub const PENDING_READ: u32 = 1 << 3;
    /// Closed for a protocol error (`CLIENT_PROTOCOL_ERROR`).
    pub const PROTOCOL_ERROR: u32 = 1 << 4;
    /// Runs nothing until unblocked (`CLIENT_BLOCKED`): a command postponed
    /// by CLIENT PAUSE (its argv kept), or a SHUTDOWN in progress.
    pub const BLOCKED: u32 = 1 << 5;
    /// CLIENT NO-EVICT ON (`CLIENT_NO_EVICT`).
    pub const NO_EVICT: u32 = 1 << 6;
    /// CLIENT NO-TOUCH ON (`CLIENT_NO_TOUCH`, Redis 7.2).
    pub const NO_TOUCH: u32 = 1 << 7;
    /// Between MULTI and EXEC/DISCARD (`CLIENT_MULTI`).
    pub const MULTI: u32 = 1 << 8;
    /// A watched key changed: EXEC will fail (`CLIENT_DIRTY_CAS`).
    pub const DIRTY_CAS: u32 = 1 << 9;
    /// A command was rejected while queuing: EXEC will abort
    /// (`CLIENT_DIRTY_EXEC`).
    pub const DIRTY_EXEC: u32 = 1 << 10;
    /// Blocking commands answer as if timed out (`CLIENT_DENY_BLOCKING`,
    /// set while EXEC runs).
    pub const DENY_BLOCKING: u32 = 1 << 11;
}

/// The slab key of a client: how the server names a connection internally.
/// `Client::id` is the public, never reused `CLIENT ID`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClientId(pub usize);

impl ClientId {
    /// The event-loop token of this client's socket.
    pub fn token(self) -> Token {
        Token(self.0 + CLIENT_TOKEN_BASE)
    }

    /// The client a token belongs to, if it is a client token.
    pub fn from_token(token: Token) -> Option<ClientId> {
        token.0.checked_sub(CLIENT_TOKEN_BASE).map(ClientId)
    }
}

/// One connection (`struct client`).
pub struct Client {
    /// `CLIENT ID`: unique for the life of the process.
    pub id: u64,
    pub stream: TcpStream,
    /// Peer address as `ip:port`.
    pub addr: String,
    /// Local address as `ip:port`.
    pub laddr: String,
    pub querybuf: QueryBuf,
    /// Largest query buffer seen since the last cron check.
    pub querybuf_peak: usize,
    pub parse: ParseState,
    pub reply: ReplyBuf,
    /// `CLIENT_*` bits, see [`flags`].
    pub flags: u32,
    /// `CLIENT SETNAME`.
    pub name: Option<Vec<u8>>,
    /// Creation time, unix seconds (`c->ctime`).
    pub ctime: u64,
    /// Last time the client sent or received something, unix seconds.
    pub last_interaction: u64,
    /// Selected database index.
    pub db: usize,
    /// Whether AUTH has succeeded, or none is needed.
    pub authenticated: bool,
    /// Readiness as last reported by an edge and not yet disproved by
    /// `WouldBlock` (see networking.rs).
    pub read_ready: bool,
    pub write_ready: bool,
    /// An event reported the peer's hang-up ([`crate::ae::Mask::HANGUP`]):
    /// no edge will announce the end of the stream again, so a short read
    /// no longer proves the socket drained.
    pub read_hangup: bool,
    /// The loop turns ([`Server::turn`]) of the last read that brought
    /// bytes and of the last write that sent some: before_sleep's second
    /// write pass leaves alone a client written this turn that sent
    /// nothing since (see `handle_clients_with_pending_writes`).
    pub read_turn: u64,
    pub write_turn: u64,
    /// Name of the last command run, for CLIENT LIST.
    pub last_cmd: &'static str,
    /// The last command run, for CLIENT LIST's `cmd=` (`c->lastcmd`).
    pub last_cmd_spec: Option<&'static commands::CommandSpec>,
    /// MULTI's queue and WATCH's keys (multi.rs).
    pub multi: multi::ClientMulti,
    /// Channels and patterns subscribed to (pubsub.rs).
    pub pubsub: pubsub::ClientPubSub,
}

impl Client {
    /// Whether a flag is set.
    pub fn has(&self, flag: u32) -> bool {
        self.flags & flag != 0
    }
}

/// A listening socket (`server.ipfd`).
pub struct Listener {
    pub socket: TcpListener,
    /// `ip:port` as bound.
    pub addr: String,
}

/// Counters reported by INFO stats.
#[derive(Default)]
pub struct Stats {
    pub numcommands: u64,
    pub numconnections: u64,
    pub rejected_conn: u64,
    pub net_input_bytes: u64,
    pub net_output_bytes: u64,
    pub unexpected_error_replies: u64,
    pub total_error_replies: u64,
    /// The longest single command so far, and its name (ferrodis's own
    /// statistic: the event loop must never stall on one command).
    pub slowest_command_usec: u64,
    pub slowest_command: &'static str,
    /// Reads and writes of client sockets that moved data.
    pub total_reads_processed: u64,
    pub total_writes_processed: u64,
    /// Running average share of expired keys in the expiry cycle's samples
    /// (`stat_expired_stale_perc`), 0..1.
    pub expired_stale_perc: f64,
    /// Time spent in the active expiry cycle, in microseconds.
    pub expire_cycle_time_used_us: u64,
    /// Keys handed to lazy freeing (FLUSH ASYNC).
    pub lazyfreed_objects: u64,
    pub keyspace_hits: u64,
    pub keyspace_misses: u64,
    pub expired_keys: u64,
    /// Times the active expiry cycle stopped for its time budget.
    pub expired_time_cap_reached: u64,
}

/// The whole server state (`struct redisServer`).
pub struct Server {
    pub config: Config,
    /// Absolute path of the config file, if one was given.
    pub config_file: Option<std::path::PathBuf>,
    pub listeners: Vec<Listener>,
    /// Set by CONFIG SET port/bind when it replaced the listening sockets,
    /// which before_sleep then registers with the event loop
    /// (`config_cmd::register_new_listeners`).
    pub listeners_changed: bool,
    pub clients: Slab<Client>,
    pub next_client_id: u64,
    /// Clients with replies to write in before_sleep
    /// (`server.clients_pending_write`).
    pub clients_pending_write: Vec<ClientId>,
    /// Clients to read again in before_sleep: their last read did not end
    /// in `WouldBlock`, so bytes may remain that no edge will announce.
    pub clients_pending_read: Vec<ClientId>,
    /// Clients to free in before_sleep (`server.clients_to_close`).
    pub clients_to_close: Vec<ClientId>,
    /// Listeners that stopped at `MAX_ACCEPTS_PER_CALL` and may hold more.
    pub listeners_pending_accept: Vec<usize>,
    pub commands: CommandTable,
    pub stats: Stats,
    /// Set by the SIGTERM handler, read by server_cron (Redis's
    /// `shutdown_asap`, split by signal for the log line).
    pub sigterm: Arc<AtomicBool>,
    /// Set by the SIGINT handler.
    pub sigint: Arc<AtomicBool>,
    /// Times server_cron ran (`server.cronloops`).
    pub cronloops: u64,
    /// Changes to the dataset since the last successful save
    /// (`server.dirty`): each write command adds what Redis adds (usually
    /// one per element changed). Save points compare against it, and INFO
    /// reports it as `rdb_changes_since_last_save`.
    pub dirty: u64,
    /// Turns of the event loop so far, counted at the end of before_sleep
    /// (see `Client::write_turn`).
    pub turn: u64,
    /// Reads that brought bytes in the current turn; before_sleep resets
    /// it (see `networking::fanout_hold`).
    pub turn_reads: u64,
    /// When before_sleep began holding subscribers' output back while
    /// publishes keep arriving; `None` when nothing is held.
    pub fanout_held_since: Option<std::time::Instant>,
    /// Snapshot state: the background save child, save results, fork
    /// statistics (see persistence.rs).
    pub rdb: persistence::RdbState,
    /// Cached unix time in seconds, refreshed by cron and before commands
    /// (`server.unixtime`).
    pub unixtime: u64,
    pub start_time: Instant,
    pub pid: u32,
    /// Where the next clients_cron call continues in the slab.
    pub clients_cron_cursor: usize,
    /// When the last "possible security attack" warning was logged.
    pub last_security_warning: u64,
    /// The databases (`server.db`), `databases` of them.
    pub dbs: Vec<db::Db>,
    /// Unix time in ms at which the running command started: expiry
    /// decisions within one command all use this instant.
    pub cmd_time_ms: i64,
    /// When the running command started (see `commands::call`).
    pub cmd_clock: std::time::Instant,
    /// The LRU clock in seconds, refreshed by cron (`server.lruclock`).
    pub lru_clock: u32,
    /// Random numbers for sampling keys.
    pub rng: util::Rng,
    /// Keyspaces dropped by FLUSH ASYNC, freed a little per cron tick.
    pub lazyfree: Vec<dict::Dict<object::Obj>>,
    /// The expires dictionaries dropped with them.
    pub lazyfree_expires: Vec<dict::Dict<i64>>,
    /// State of the active expiry cycle (`activeExpireCycle`'s statics).
    pub expire_cycle: expire::CycleState,
    /// CLIENT PAUSE and the clients it holds (see client_cmd.rs).
    pub pause: client_cmd::PauseState,
    /// Clients blocked on keys (BLPOP, BZPOPMIN, ...).
    pub blocked: blocked::BlockedState,
    /// Set by SHUTDOWN, read by server_cron, which has the event loop.
    pub shutdown_requested: bool,
    /// SHUTDOWN's options for that request (`SHUTDOWN_*` bits of
    /// `config::SHUTDOWN_FLAGS`).
    pub shutdown_flags: u32,
    /// Clients blocked in SHUTDOWN, answered if it is aborted.
    pub shutdown_clients: Vec<(ClientId, u64)>,
    /// Whether the running command's client has CLIENT NO-TOUCH on: its
    /// lookups leave access times alone (set by `commands::call`).
    pub current_client_no_touch: bool,
    /// DEBUG's settings (see debug.rs).
    pub debug: debug::DebugState,
    /// INFO commandstats, by command (see `commands::call`).
    pub command_stats: std::collections::HashMap<
        usize,
        (&'static commands::CommandSpec, commands::CommandStats),
        util::IntHashBuilder,
    >,
    /// INFO errorstats: error replies by code (`server.errors`).
    pub error_stats: std::collections::HashMap<String, u64>,
    /// Who watches which keys (multi.rs).
    pub watch: multi::WatchState,
    /// Channels and patterns and their subscribers (pubsub.rs).
    pub pubsub: pubsub::PubSubState,
    /// What only INFO reads: run id, memory samples, instantaneous
    /// metrics, event-loop cycles, latency histograms (see info.rs).
    pub info: info::InfoState,
}

/// Milliseconds since the epoch (`mstime`).
pub fn mstime() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The LRU clock: unix seconds, wrapping (`getLRUClock`).
pub fn lru_clock() -> u32 {
    unix_time() as u32
}

/// Seconds since the epoch.
pub fn unix_time() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Server {
    /// A server with the given configuration and nothing listening yet.
    pub fn new(config: Config, config_file: Option<std::path::PathBuf>) -> Server {
        let databases = usize::try_from(config.databases).unwrap_or(16).max(1);
        let mut server = Server {
            config,
            config_file,
            listeners: Vec::new(),
            listeners_changed: false,
            clients: Slab::new(),
            next_client_id: 1,
            clients_pending_write: Vec::new(),
            clients_pending_read: Vec::new(),
            clients_to_close: Vec::new(),
            listeners_pending_accept: Vec::new(),
            commands: CommandTable::new(),
            stats: Stats::default(),
            sigterm: Arc::new(AtomicBool::new(false)),
            sigint: Arc::new(AtomicBool::new(false)),
            cronloops: 0,
            dirty: 0,
            turn: 0,
            turn_reads: 0,
            fanout_held_since: None,
            rdb: persistence::RdbState::new(unix_time()),
            unixtime: unix_time(),
            start_time: Instant::now(),
            pid: std::process::id(),
            clients_cron_cursor: 0,
            last_security_warning: 0,
            dbs: Vec::new(),
            cmd_time_ms: 0,
            cmd_clock: std::time::Instant::now(),
            lru_clock: 0,
            rng: util::Rng::from_entropy(),
            lazyfree: Vec::new(),
            lazyfree_expires: Vec::new(),
            expire_cycle: expire::CycleState::default(),
            pause: client_cmd::PauseState::default(),
            blocked: blocked::BlockedState::default(),
            shutdown_requested: false,
            shutdown_flags: 0,
            shutdown_clients: Vec::new(),
            current_client_no_touch: false,
            debug: debug::DebugState::default(),
            command_stats: std::collections::HashMap::default(),
            error_stats: std::collections::HashMap::new(),
            watch: multi::WatchState::default(),
            pubsub: pubsub::PubSubState::default(),
            info: info::InfoState::new(),
        };
        server.dbs.resize_with(databases, db::Db::default);
        server.lru_clock = lru_clock();
        server
    }

    /// The output buffer of a client whose command is running. The calling
    /// client is alive for the whole call: it is only freed in before_sleep.
    pub fn reply(&mut self, id: ClientId) -> &mut ReplyBuf {
        &mut self
            .clients
            .get_mut(id.0)
            .expect("the calling client is alive while its command runs")
            .reply
    }

    /// The client whose command is running (see [`Server::reply`]).
    pub fn client(&mut self, id: ClientId) -> &mut Client {
        self.clients
            .get_mut(id.0)
            .expect("the calling client is alive while its command runs")
    }

    /// Whether clients must AUTH before running commands.
    pub fn auth_required(&self) -> bool {
        !self.config.requirepass.is_empty()
    }
}

/// Runs the server: the process's `main` after argument parsing. Returns
/// the exit code.
pub fn main() -> i32 {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (config, config_file) = match config::from_args(&args) {
        Ok(config::Startup::Run(config, file)) => (*config, file),
        Ok(config::Startup::Exit(code)) => return code,
        Err(message) => {
            eprintln!("{message}");
            return 1;
        }
    };
    if let Err(e) = logging::init(&config) {
        eprintln!("Can't open the log file: {e}");
        return 1;
    }
    let mut server = Server::new(config, config_file);
    let mut el = match EventLoop::new(server.config.maxclients as usize + 128) {
        Ok(el) => el,
        Err(e) => {
            log::error!("Failed creating the event loop. Error message: '{e}'");
            return 1;
        }
    };
    match cron::init_server(&mut el, &mut server) {
        Ok(()) => {}
        Err(message) => {
            log::error!("{message}");
            return 1;
        }
    }
    if let Err(e) = el.run(&mut server) {
        log::error!("Event loop failed: {e}");
        return 1;
    }
    // The process is about to end: freeing millions of keys one by one
    // would only delay the exit (Redis exits without freeing too).
    std::mem::forget(server);
    0
}
