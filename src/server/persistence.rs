//! Snapshots: SAVE, BGSAVE by `fork()`, save points, LASTSAVE, loading at
//! start-up, DEBUG RELOAD, and the MISCONF guard.
//!
//! Mirrors: the server half of `rdb.c` (`rdbSave`, `rdbSaveBackground`,
//! `backgroundSaveDoneHandler`, `rdbLoad`, `saveCommand`,
//! `bgsaveCommand`, `lastsaveCommand`), `server.c` (`serverCron`'s child
//! check and save points, `writeCommandsDeniedByDiskError`,
//! `loadDataFromDisk`) and `childinfo.c` (copy-on-write size).
//!
//! # Why fork gives a point-in-time copy
//!
//! `fork()` gives the child a copy of the parent's whole address space as
//! it is at that instant. The kernel does not copy memory: both processes
//! map the same pages read-only, and a page is copied only when one of
//! them writes to it (copy-on-write). The child walks the databases and
//! writes the file while the parent keeps serving; every write the parent
//! makes lands on its own copy of a page, so the child sees the dataset
//! exactly as it was at the fork. The cost is the pages the parent dirties
//! while the child runs (reported as `rdb_last_cow_size`) and the time
//! `fork()` itself takes to copy the page tables (`latest_fork_usec`),
//! which grows with the dataset and blocks the loop.
//!
//! ```text
//!   parent: BGSAVE ── fork ───────── serve clients ─────── cron: waitpid ─ done
//!                       └─ child: write temp-<pid>.rdb, fsync, rename, _exit
//! ```
//!
//! The child never touches the event loop: it only reads the databases
//! and writes a file, then leaves with `_exit`, so no destructor, buffered
//! log or socket of the parent runs twice.

use std::fs::File;
use std::io::Read;
use std::time::Instant;

use log::{info, warn};

use super::commands::{acl, cmd, Arg, ArgType, CommandSpec, BASE};
use super::errors::CommandError;
use super::object::Obj;
use super::resp::Argv;
use super::{ClientId, Server, REDIS_VERSION};
use crate::rdb::file::{self, AuxValue, LoadedKey, SaveOptions, Sink};
use crate::rdb::value::Limits;

/// Seconds between two tries of a failed background save
/// (`CONFIG_BGSAVE_RETRY_DELAY`).
const BGSAVE_RETRY_DELAY: u64 = 5;

/// Snapshot state (the `rdb_*`, `lastsave`, `lastbgsave_*` and fork
/// fields of `struct redisServer`).
#[derive(Debug)]
pub struct RdbState {
    /// The background save child, while one runs (`child_pid`).
    pub child_pid: Option<i32>,
    /// When it started (`rdb_save_time_start`).
    pub child_start: Option<Instant>,
    /// The read end of the pipe the child reports its copy-on-write size
    /// on (`child_info_pipe`).
    pub child_info: Option<File>,
    /// Unix seconds of the last successful save (`lastsave`).
    pub lastsave: u64,
    /// Unix seconds of the last BGSAVE attempt (`lastbgsave_try`).
    pub last_bgsave_try: u64,
    /// Whether the last save succeeded (`lastbgsave_status`).
    pub last_bgsave_ok: bool,
    /// Seconds the last background save took, -1 before any
    /// (`rdb_save_time_last`).
    pub last_bgsave_time_sec: i64,
    /// Saves completed (`stat_rdb_saves`).
    pub saves: u64,
    /// `dirty` when the running background save forked
    /// (`dirty_before_bgsave`).
    pub dirty_before_bgsave: u64,
    /// BGSAVE SCHEDULE asked for a save after the current child
    /// (`rdb_bgsave_scheduled`).
    pub bgsave_scheduled: bool,
    /// Microseconds the last fork took (`stat_fork_time`).
    pub latest_fork_usec: u64,
    /// Forks done (`stat_total_forks`).
    pub total_forks: u64,
    /// Bytes the last child reported as copied-on-write
    /// (`stat_rdb_cow_bytes`).
    pub last_cow_size: u64,
    /// Keys loaded and skipped as expired by the last load.
    pub last_load_keys_loaded: u64,
    pub last_load_keys_expired: u64,
    /// AUX fields of the loaded file that later issues use: the
    /// replication id and offset, and whether it was an AOF base.
    pub loaded_repl_id: Option<String>,
    pub loaded_repl_offset: Option<i64>,
    pub loaded_aof_base: bool,
}

impl RdbState {
    /// The state of a server that has saved nothing; `lastsave` starts
    /// at `now`, as Redis's does.
    pub fn new(now: u64) -> RdbState {
        RdbState {
            child_pid: None,
            child_start: None,
            child_info: None,
            lastsave: now,
            last_bgsave_try: 0,
            last_bgsave_ok: true,
            last_bgsave_time_sec: -1,
            saves: 0,
            dirty_before_bgsave: 0,
            bgsave_scheduled: false,
            latest_fork_usec: 0,
            total_forks: 0,
            last_cow_size: 0,
            last_load_keys_loaded: 0,
            last_load_keys_expired: 0,
            loaded_repl_id: None,
            loaded_repl_offset: None,
            loaded_aof_base: false,
        }
    }
}

// ---------------------------------------------------------------------------
// Saving
// ---------------------------------------------------------------------------

/// How the server writes its files, from the configuration.
fn save_options(server: &Server) -> SaveOptions {
    let mut aux = vec![
        (
            "redis-ver".to_string(),
            AuxValue::Text(REDIS_VERSION.to_string()),
        ),
        ("redis-bits".to_string(), AuxValue::Int(64)),
        (
            "ctime".to_string(),
            AuxValue::Int(super::unix_time() as i64),
        ),
        (
            "used-mem".to_string(),
            AuxValue::Int(super::zmalloc::used_memory() as i64),
        ),
    ];
    aux.push(("aof-base".to_string(), AuxValue::Int(0)));
    SaveOptions {
        compress: server.config.rdbcompression,
        checksum: server.config.rdbchecksum,
        aux,
        key_save_delay_us: u64::try_from(server.config.rdb_key_save_delay).unwrap_or(0),
    }
}

/// The limits loaded values are shaped by.
pub fn load_limits(server: &Server) -> Limits {
    Limits {
        hash: super::t_hash::Limits::of(server),
        zset: super::t_zset::Limits::of(server),
        list: super::t_list::Shape::of(server),
        set_max_intset: usize::try_from(server.config.set_max_intset_entries).unwrap_or(0),
    }
}

/// Writes the dataset to `temp-<pid>.rdb`, fsyncs it and renames it over
/// `filename`, so a crash leaves the old file whole. Used by SAVE and by
/// the background child. Returns the number of keys written.
fn write_snapshot(server: &Server, filename: &str) -> Result<u64, String> {
    let temp = format!("temp-{}.rdb", std::process::id());
    let dir = || {
        std::env::current_dir()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| "unknown".to_string())
    };
    let f = File::create(&temp).map_err(|e| {
        format!(
            "Failed opening the temp RDB file {temp} (in server root dir {}) for saving: {e}",
            dir()
        )
    })?;
    let fail = |e: String| {
        let _ = std::fs::remove_file(&temp);
        e
    };
    let (f, keys) = file::save(f, &server.dbs, &save_options(server))
        .map_err(|e| fail(format!("Write error saving DB on disk: {e}")))?;
    f.sync_all()
        .map_err(|e| fail(format!("Write error saving DB on disk: {e}")))?;
    drop(f);
    std::fs::rename(&temp, filename).map_err(|e| {
        fail(format!(
            "Error moving temp DB file {temp} on the final destination {filename} (in server root dir {}): {e}",
            dir()
        ))
    })?;
    Ok(keys)
}

/// A blocking save (`rdbSave`).
pub fn rdb_save(server: &mut Server) -> Result<(), String> {
    let filename = server.config.dbfilename.clone();
    match write_snapshot(server, &filename) {
        Ok(_) => {
            info!("DB saved on disk");
            server.dirty = 0;
            server.rdb.lastsave = super::unix_time();
            server.rdb.last_bgsave_ok = true;
            server.rdb.saves += 1;
            Ok(())
        }
        Err(e) => {
            warn!("{e}");
            Err(e)
        }
    }
}

/// Starts a background save in a forked child (`rdbSaveBackground`).
pub fn rdb_save_background(server: &mut Server) -> Result<(), String> {
    if server.rdb.child_pid.is_some() {
        return Err("a background save is already running".to_string());
    }
    server.rdb.dirty_before_bgsave = server.dirty;
    server.rdb.last_bgsave_try = super::unix_time();
    let mut fds = [0i32; 2];
    // SAFETY: pipe2 writes two descriptors into the array it is given.
    let piped = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } == 0;
    let start = Instant::now();
    // SAFETY: the server is single-threaded, so the child gets a
    // consistent copy of all state; it only reads the databases, writes a
    // file and leaves with `_exit`.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        if piped {
            // SAFETY: the read end belongs to the parent.
            unsafe { libc::close(fds[0]) };
        }
        child_detach(server);
        let code = child_save(server, piped.then_some(fds[1]));
        // SAFETY: leave without running the parent's destructors or
        // flushing its buffers a second time.
        unsafe { libc::_exit(code) };
    }
    if piped {
        // SAFETY: the write end belongs to the child.
        unsafe { libc::close(fds[1]) };
    }
    if pid < 0 {
        let e = std::io::Error::last_os_error();
        if piped {
            // SAFETY: nobody else holds the read end.
            unsafe { libc::close(fds[0]) };
        }
        server.rdb.last_bgsave_ok = false;
        let msg = format!("Can't save in background: fork: {e}");
        warn!("{msg}");
        return Err(msg);
    }
    server.rdb.latest_fork_usec = start.elapsed().as_micros() as u64;
    server.rdb.total_forks += 1;
    info!("Background saving started by pid {pid}");
    server.rdb.child_pid = Some(pid);
    server.rdb.child_start = Some(Instant::now());
    server.rdb.child_info = piped.then(|| {
        use std::os::fd::FromRawFd;
        // SAFETY: the read end is ours alone from here on.
        unsafe { File::from_raw_fd(fds[0]) }
    });
    Ok(())
}

/// What a new child lets go of: the listening sockets (so that a server
/// restarted on the same port can bind while the child still writes) and
/// the parent's signal handlers (SIGTERM and SIGINT end a child at once,
/// as Redis's child exits on them).
fn child_detach(server: &Server) {
    use std::os::fd::AsRawFd;
    for l in &server.listeners {
        // SAFETY: the child never uses or drops these sockets again.
        unsafe { libc::close(l.socket.as_raw_fd()) };
    }
    // SAFETY: restores the default disposition of two signals.
    unsafe {
        libc::signal(libc::SIGTERM, libc::SIG_DFL);
        libc::signal(libc::SIGINT, libc::SIG_DFL);
    }
}

/// The child's whole life: write the snapshot, report copy-on-write,
/// return the exit code.
fn child_save(server: &Server, info_fd: Option<i32>) -> i32 {
    let filename = server.config.dbfilename.clone();
    match write_snapshot(server, &filename) {
        Ok(_) => {
            info!("DB saved on disk");
            let cow = private_dirty_bytes();
            if cow > 0 {
                info!("Fork CoW for RDB: current {} MB", cow >> 20);
            }
            info!("RDB: {} MB of memory used by copy-on-write", cow >> 20);
            if let Some(fd) = info_fd {
                let bytes = cow.to_le_bytes();
                // SAFETY: writes eight bytes from a live buffer to our fd.
                unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
            }
            0
        }
        Err(e) => {
            warn!("{e}");
            1
        }
    }
}

/// This process's private dirty memory: in a forked child, the pages
/// copied on write (`zmalloc_get_private_dirty`).
fn private_dirty_bytes() -> u64 {
    let Ok(text) = std::fs::read_to_string("/proc/self/smaps_rollup") else {
        return 0;
    };
    text.lines()
        .filter(|l| l.starts_with("Private_Dirty:"))
        .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        .sum::<u64>()
        * 1024
}

/// Checks for a finished child and records its result
/// (`checkChildrenDone` + `backgroundSaveDoneHandler`). Called from
/// server_cron.
pub fn check_child_done(server: &mut Server) {
    let Some(pid) = server.rdb.child_pid else {
        return;
    };
    let mut status = 0i32;
    // SAFETY: waits without blocking for our own child.
    let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
    if r == 0 {
        return;
    }
    if r < 0 {
        warn!(
            "waitpid() returned an error: {}. child_pid = {pid}",
            std::io::Error::last_os_error()
        );
    }
    let exited = libc::WIFEXITED(status);
    let code = if exited {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    let signal = if libc::WIFSIGNALED(status) {
        libc::WTERMSIG(status)
    } else {
        0
    };
    let elapsed = server
        .rdb
        .child_start
        .map(|s| s.elapsed().as_secs() as i64)
        .unwrap_or(0);
    if r > 0 && exited && code == 0 {
        info!("Background saving terminated with success");
        server.dirty = server.dirty.saturating_sub(server.rdb.dirty_before_bgsave);
        server.rdb.lastsave = super::unix_time();
        server.rdb.last_bgsave_ok = true;
        server.rdb.saves += 1;
    } else if r > 0 && signal != 0 {
        warn!("Background saving terminated by signal {signal}");
        let _ = std::fs::remove_file(format!("temp-{pid}.rdb"));
        // A child killed on purpose (SIGUSR1) is not an error.
        if signal != libc::SIGUSR1 {
            server.rdb.last_bgsave_ok = false;
        }
    } else {
        warn!("Background saving error");
        server.rdb.last_bgsave_ok = false;
    }
    if let Some(mut f) = server.rdb.child_info.take() {
        let mut bytes = [0u8; 8];
        if f.read_exact(&mut bytes).is_ok() {
            server.rdb.last_cow_size = u64::from_le_bytes(bytes);
        }
    }
    server.rdb.child_pid = None;
    server.rdb.child_start = None;
    server.rdb.last_bgsave_time_sec = elapsed;
}

/// Stops a running background save and removes its temp file
/// (`killRDBChild`): before a shutdown, or when FLUSHALL makes the
/// snapshot pointless.
pub fn kill_rdb_child(server: &mut Server) {
    let Some(pid) = server.rdb.child_pid.take() else {
        return;
    };
    // SAFETY: signals and reaps our own child.
    unsafe {
        libc::kill(pid, libc::SIGUSR1);
        let mut status = 0;
        libc::waitpid(pid, &mut status, 0);
    }
    let _ = std::fs::remove_file(format!("temp-{pid}.rdb"));
    server.rdb.child_start = None;
    server.rdb.child_info = None;
}

/// The save points and BGSAVE SCHEDULE, checked from server_cron when no
/// child runs.
pub fn cron(server: &mut Server) {
    check_child_done(server);
    if server.rdb.child_pid.is_some() {
        return;
    }
    let now = super::unix_time();
    let retry_ok = now.saturating_sub(server.rdb.last_bgsave_try) > BGSAVE_RETRY_DELAY
        || server.rdb.last_bgsave_ok;
    let since = now.saturating_sub(server.rdb.lastsave);
    let due = server.config.save.iter().find(|&&(seconds, changes)| {
        server.dirty >= changes as u64 && since > seconds as u64 && retry_ok
    });
    if let Some(&(seconds, _)) = due {
        info!("{} changes in {} seconds. Saving...", server.dirty, seconds);
        let _ = rdb_save_background(server);
        return;
    }
    if server.rdb.bgsave_scheduled && retry_ok {
        server.rdb.bgsave_scheduled = false;
        let _ = rdb_save_background(server);
    }
}

/// Whether writes are refused because the last save failed
/// (`writeCommandsDeniedByDiskError` for RDB).
pub fn writes_denied(server: &Server) -> bool {
    server.config.stop_writes_on_bgsave_error
        && !server.config.save.is_empty()
        && !server.rdb.last_bgsave_ok
}

// ---------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------

/// Puts loaded keys into the server's databases.
struct ServerSink<'a> {
    server: &'a mut Server,
    now_ms: i64,
    loaded: u64,
    expired: u64,
    /// DEBUG RELOAD loads over what is there (`RDBFLAGS_ALLOW_DUP`).
    allow_dup: bool,
    /// The database the next RESIZEDB is about.
    db: usize,
    /// The file's length: a RESIZEDB hint above it is a lie (every key
    /// takes bytes), so tables are never sized by one.
    file_len: u64,
    /// The hash `key_ahead` computed for the key being read, and its db:
    /// storing that key reuses it.
    ahead: Option<(usize, u64)>,
}

impl ServerSink<'_> {
    /// Stores one key in its database.
    fn store(&mut self, k: LoadedKey<'_>) -> Result<(), String> {
        let lru = self.server.lru_clock;
        let ahead = self.ahead.take();
        let db = &mut self.server.dbs[k.db];
        let hash = match ahead {
            Some((d, h)) if d == k.db => h,
            _ => db.dict.hash_of(k.key),
        };
        let obj = Obj {
            value: k.value,
            lru,
        };
        if db.dict.insert_hashed(hash, k.key, obj).is_some() {
            if !self.allow_dup {
                return Err(format!(
                    "duplicate key '{}' found in the RDB file",
                    String::from_utf8_lossy(k.key)
                ));
            }
            // DEBUG RELOAD MERGE: the file's value won; drop the old TTL.
            db.remove_expire(k.key);
        }
        if let Some(when) = k.expire_ms {
            db.set_expire(k.key, when);
        }
        self.loaded += 1;
        Ok(())
    }
}

impl Sink for ServerSink<'_> {
    fn aux(&mut self, key: &[u8], value: &[u8]) {
        let text = String::from_utf8_lossy(value);
        match key {
            b"redis-ver" => info!("Loading RDB produced by version {text}"),
            b"ctime" => {
                if let Ok(t) = text.parse::<u64>() {
                    info!("RDB age {} seconds", super::unix_time().saturating_sub(t));
                }
            }
            b"used-mem" => {
                if let Ok(m) = text.parse::<u64>() {
                    info!(
                        "RDB memory usage when created {:.2} Mb",
                        m as f64 / (1 << 20) as f64
                    );
                }
            }
            b"repl-id" if value.len() == 40 => self.server.rdb.loaded_repl_id = Some(text.into()),
            b"repl-offset" => self.server.rdb.loaded_repl_offset = text.parse().ok(),
            b"aof-base" => self.server.rdb.loaded_aof_base = text == "1",
            _ if key.first() == Some(&b'%') => {
                info!("RDB '{}': {text}", String::from_utf8_lossy(key));
            }
            _ => {}
        }
    }

    fn select_db(&mut self, db: u64) -> Result<(), String> {
        if db >= self.server.dbs.len() as u64 {
            return Err(format!(
                "FATAL: Data file was created with a Redis server configured to handle more than {} databases",
                self.server.dbs.len()
            ));
        }
        self.db = db as usize;
        Ok(())
    }

    fn resize_db(&mut self, keys: u64, expires: u64) {
        // Sized once, as Redis's dictExpand on RESIZEDB: no rehashing
        // while a million keys go in.
        let cap = |n: u64| usize::try_from(n.min(self.file_len)).unwrap_or(0);
        let db = &mut self.server.dbs[self.db];
        db.dict.expand_empty(cap(keys));
        db.expires.expand_empty(cap(expires));
    }

    fn key_ahead(&mut self, db: usize, key: &[u8]) {
        self.ahead = self.server.dbs.get(db).map(|d| {
            let hash = d.dict.hash_of(key);
            d.dict.prefetch_hashed(hash);
            (db, hash)
        });
    }

    fn key(&mut self, k: LoadedKey<'_>) -> Result<(), String> {
        // Expired keys are dropped by a master (this server is one).
        if k.expire_ms.is_some_and(|when| when < self.now_ms) {
            self.expired += 1;
            self.ahead = None;
            return Ok(());
        }
        self.store(k)
    }

    fn empty_key(&mut self, _db: usize, key: &[u8]) {
        warn!(
            "Skipping the empty key '{}' found in the RDB file",
            String::from_utf8_lossy(key)
        );
    }

    fn skipped(&mut self, what: &str) {
        warn!("Skipping {what} in the RDB file");
    }
}

/// Loads `path` into the databases (`rdbLoad`). `Ok(false)` when there is
/// no such file.
pub fn rdb_load(server: &mut Server, path: &str, allow_dup: bool) -> Result<bool, String> {
    let f = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(format!("Fatal error loading the DB: {e}. Exiting.")),
    };
    let limits = load_limits(server);
    let file_len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let mut sink = ServerSink {
        now_ms: super::mstime(),
        server,
        loaded: 0,
        expired: 0,
        allow_dup,
        db: 0,
        file_len,
        ahead: None,
    };
    // The reader buffers on its own.
    let result = file::load(f, &mut sink, &limits);
    let (loaded, expired) = (sink.loaded, sink.expired);
    server.rdb.last_load_keys_loaded = loaded;
    server.rdb.last_load_keys_expired = expired;
    match result {
        Ok(summary) => {
            if summary.version >= 5 && !summary.checksum_verified {
                warn!("RDB file was saved with checksum disabled: no check performed.");
            }
            info!("Done loading RDB, keys loaded: {loaded}, keys expired: {expired}.");
            Ok(true)
        }
        Err(e) => Err(format!(
            "Short read or corrupt RDB file '{path}': {e}. Unrecoverable error, aborting now."
        )),
    }
}

/// Loads the RDB at start-up, before any client is accepted
/// (`loadDataFromDisk`). An error stops start-up.
pub fn load_data_from_disk(server: &mut Server) -> Result<(), String> {
    let start = Instant::now();
    let path = server.config.dbfilename.clone();
    if rdb_load(server, &path, false)? {
        info!(
            "DB loaded from disk: {:.3} seconds",
            start.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

/// Every command of this module, for the command table.
pub static COMMANDS: [&CommandSpec; 3] = [&SAVE, &BGSAVE, &LASTSAVE];

pub static SAVE: CommandSpec = CommandSpec {
    name: "save",
    proc_: save_command,
    arity: 1,
    flags: cmd::ADMIN | cmd::NOSCRIPT | cmd::NO_ASYNC_LOADING | cmd::NO_MULTI,
    acl: acl::ADMIN | acl::SLOW | acl::DANGEROUS,
    summary: "Synchronously save the dataset to disk",
    since: "1.0.0",
    group: "server",
    complexity: "O(N) where N is the total number of keys in all databases",
    ..BASE
};

pub static BGSAVE: CommandSpec = CommandSpec {
    name: "bgsave",
    proc_: bgsave_command,
    arity: -1,
    flags: cmd::ADMIN | cmd::NOSCRIPT | cmd::NO_ASYNC_LOADING,
    acl: acl::ADMIN | acl::SLOW | acl::DANGEROUS,
    summary: "Asynchronously save the dataset to disk",
    since: "1.0.0",
    group: "server",
    complexity: "O(1)",
    args: &[Arg::new("schedule", ArgType::PureToken)
        .token("SCHEDULE")
        .since("3.2.2")
        .flags(super::commands::arg::OPTIONAL)],
    ..BASE
};

pub static LASTSAVE: CommandSpec = CommandSpec {
    name: "lastsave",
    proc_: lastsave_command,
    arity: 1,
    flags: cmd::LOADING | cmd::STALE | cmd::FAST,
    acl: acl::ADMIN | acl::FAST | acl::DANGEROUS,
    tips: &["nondeterministic_output"],
    summary: "Unix time of the last successful save to disk",
    since: "1.0.0",
    group: "server",
    complexity: "O(1)",
    ..BASE
};

/// `SAVE`.
fn save_command(server: &mut Server, id: ClientId, _argv: &Argv) {
    if server.rdb.child_pid.is_some() {
        server.reply(id).error(&CommandError::BgsaveInProgress);
        return;
    }
    match rdb_save(server) {
        Ok(()) => server.reply(id).ok(),
        Err(_) => server.reply(id).error(&CommandError::Err),
    }
}

/// `BGSAVE [SCHEDULE]`.
fn bgsave_command(server: &mut Server, id: ClientId, argv: &Argv) {
    // SCHEDULE only matters while a child of another kind runs, and
    // ferrodis has no other kind yet: it is checked, then needs nothing.
    if argv.len() > 2 || (argv.len() == 2 && !argv[1].eq_ignore_ascii_case(b"schedule")) {
        server.reply(id).error(&CommandError::Syntax);
        return;
    }
    if server.rdb.child_pid.is_some() {
        server.reply(id).error(&CommandError::BgsaveInProgress);
        return;
    }
    // Inside EXEC a fork would copy a half-run transaction: the save runs
    // from server_cron instead.
    if super::multi::in_multi(server, id) {
        server.rdb.bgsave_scheduled = true;
        server.reply(id).status("Background saving scheduled");
        return;
    }
    match rdb_save_background(server) {
        Ok(()) => server.reply(id).status("Background saving started"),
        Err(_) => server.reply(id).error(&CommandError::Err),
    }
}

/// `LASTSAVE`.
fn lastsave_command(server: &mut Server, id: ClientId, _argv: &Argv) {
    let t = server.rdb.lastsave as i64;
    server.reply(id).integer(t);
}

/// `DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]`: save, empty the databases,
/// load the file again. Replies and errors as Redis's.
pub fn debug_reload(server: &mut Server, id: ClientId, options: &[Vec<u8>]) {
    let (mut flush, mut save, mut merge) = (true, true, false);
    for o in options {
        match o.to_ascii_lowercase().as_slice() {
            b"merge" => merge = true,
            b"noflush" => flush = false,
            b"nosave" => save = false,
            _ => {
                server.reply(id).error(&CommandError::DebugReloadOptions);
                return;
            }
        }
    }
    if save && rdb_save(server).is_err() {
        server.reply(id).error(&CommandError::DebugReloadSave);
        return;
    }
    if flush {
        server.empty_data(None, false);
    }
    let path = server.config.dbfilename.clone();
    match rdb_load(server, &path, merge) {
        Ok(_) => {
            info!("DB reloaded by DEBUG RELOAD");
            server.reply(id).ok();
        }
        Err(e) => {
            warn!("{e}");
            server.reply(id).error(&CommandError::DebugReloadLoad);
        }
    }
}
