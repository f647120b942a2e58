//! Start-up, the periodic `server_cron` time event, `before_sleep`, and
//! shutdown.
//!
//! Mirrors: `server.c` (`initServer`, `adjustOpenFilesLimit`,
//! `createPidFile`, `serverCron`, `clientsCron`,
//! `clientsCronHandleTimeout`, `clientsCronResizeQueryBuffer`,
//! `beforeSleep`, `prepareForShutdown`, `setupSignalHandlers`).
//!
//! `server_cron` runs `hz` times a second. It refreshes the cached clock,
//! notices a shutdown request (the signal handler only sets a flag, as
//! Redis's does), and runs `clients_cron`, which visits a slice of the
//! clients each time so that all of them are seen about once a second.
//!
//! `before_sleep` runs before every poll. Its order matters:
//!
//! ```text
//!      register sockets opened by CONFIG SET port/bind
//!   0. clients unblocked (CLIENT PAUSE over, SHUTDOWN aborted) run what
//!      waited in their query buffers: no edge will announce it
//!   1. handle_clients_with_pending_writes: this turn's replies go out
//!   2. reads that may have bytes left (no edge will announce them), and
//!      accepts left over by MAX_ACCEPTS_PER_CALL
//!   3. handle_clients_with_pending_writes again, for replies made in 2;
//!      then the fast expiry cycle, if the slow one fell behind
//!   4. free clients marked close-asap (after their last write attempt)
//!   5. dont_wait = any of 1-3 still has work; close INFO's loop cycle
//! ```

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use log::{debug, info, warn};

use super::expire::{active_expire_cycle, Cycle};
use super::networking::{
    accept_from, close_listening_sockets, fanout_hold, flush_all_clients, free_client_async,
    free_clients_in_async_free_queue, handle_clients_with_pending_reads,
    handle_clients_with_pending_writes, listen_to_port, Loop,
};
use super::resp::PROTO_MBULK_BIG_ARG;
use super::{
    lru_clock, unix_time, ClientId, Server, CLIENTS_CRON_MIN_ITERATIONS, CONFIG_MIN_RESERVED_FDS,
};
use super::{FERRODIS_VERSION, REDIS_VERSION};
use crate::ae::{TimerAction, TimerId};

/// Prepares everything before the loop starts (`initServer` and the rest
/// of `main`): signals, file limits, listeners, pidfile, timers, hooks.
pub fn init_server(el: &mut Loop, server: &mut Server) -> Result<(), String> {
    // The banner is logged at warning level, as Redis does, so that it
    // shows whatever the loglevel.
    warn!("oO0OoO0OoO0Oo ferrodis is starting oO0OoO0OoO0Oo");
    warn!(
        "ferrodis version={FERRODIS_VERSION}, redis_version={REDIS_VERSION}, bits={}, pid={}, just started",
        usize::BITS,
        server.pid
    );
    match &server.config_file {
        Some(path) => warn!("Configuration loaded from {}", path.display()),
        None => warn!("No config file specified, using the default config."),
    }
    for (signal, flag) in [
        (signal_hook::consts::SIGTERM, &server.sigterm),
        (signal_hook::consts::SIGINT, &server.sigint),
    ] {
        signal_hook::flag::register(signal, flag.clone())
            .map_err(|e| format!("Can't install signal handler: {e}"))?;
    }
    adjust_open_files_limit(server);
    listen_to_port(el, server)?;
    create_pid_file(server);
    super::persistence::load_data_from_disk(server)?;
    el.create_time_event(Duration::from_millis(1), server_cron);
    el.set_before_sleep(Some(before_sleep));
    el.set_after_sleep(Some(super::info::after_sleep));
    info!(
        "Running mode=standalone, port={}, listening on {}.",
        server.config.port,
        server
            .listeners
            .iter()
            .map(|l| l.addr.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    );
    warn!("Server initialized");
    info!("Ready to accept connections");
    Ok(())
}

/// Raises the open-files limit to fit `maxclients`, or lowers
/// `maxclients` to fit the limit (`adjustOpenFilesLimit`).
fn adjust_open_files_limit(server: &mut Server) {
    let wanted = server.config.maxclients as u64 + CONFIG_MIN_RESERVED_FDS;
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct we pass and nothing else.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        warn!("Unable to obtain the current NOFILE limit, assuming 1024 and setting the max clients configuration accordingly.");
        server.config.maxclients = 1024 - CONFIG_MIN_RESERVED_FDS as i64;
        return;
    }
    if limit.rlim_cur >= wanted {
        return;
    }
    let target = wanted.min(limit.rlim_max);
    let raised = libc::rlimit {
        rlim_cur: target,
        rlim_max: limit.rlim_max,
    };
    // SAFETY: setrlimit only reads the struct we pass.
    let ok = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0;
    let granted = if ok { target } else { limit.rlim_cur };
    if granted < wanted {
        let maxclients = granted.saturating_sub(CONFIG_MIN_RESERVED_FDS).max(1);
        warn!(
            "You requested maxclients of {} requiring at least {} max file descriptors; \
             the limit is {}, so maxclients is now {}.",
            server.config.maxclients, wanted, granted, maxclients
        );
        server.config.maxclients = maxclients as i64;
    } else {
        info!(
            "Increased maximum number of open files to {granted} (it was originally set to {}).",
            limit.rlim_cur
        );
    }
}

fn create_pid_file(server: &Server) {
    if server.config.pidfile.is_empty() {
        return;
    }
    if let Err(e) = std::fs::write(&server.config.pidfile, format!("{}\n", server.pid)) {
        warn!("Failed to write PID file: {e}");
    }
}

/// The periodic time event (`serverCron`).
pub fn server_cron(el: &mut Loop, server: &mut Server, _id: TimerId) -> TimerAction {
    server.unixtime = unix_time();
    server.lru_clock = lru_clock();
    server.cronloops += 1;

    // A signal asked for shutdown: finish here, where it is safe.
    let sigterm = server.sigterm.swap(false, Ordering::SeqCst);
    let sigint = server.sigint.swap(false, Ordering::SeqCst);
    if sigterm || sigint {
        let name = if sigint { "SIGINT" } else { "SIGTERM" };
        warn!("Received {name} scheduling shutdown...");
        let flags = if sigint {
            server.config.shutdown_on_sigint
        } else {
            server.config.shutdown_on_sigterm
        };
        if prepare_for_shutdown(el, server, flags) {
            return TimerAction::NoMore;
        }
        warn!("{name} received but errors trying to shut down the server, check the logs for more information");
    }
    // SHUTDOWN asked for it; a command has no event loop to stop.
    if server.shutdown_requested {
        let flags = server.shutdown_flags;
        if prepare_for_shutdown(el, server, flags) {
            return TimerAction::NoMore;
        }
        super::server_cmd::abort_shutdown(server);
    }

    clients_cron(server);
    databases_cron(server);
    super::persistence::cron(server);
    super::info::stats_cron(server);
    if run_with_period(server, 5000) {
        debug!(
            "{} clients connected, {} commands processed, slowest command {} us ({})",
            server.clients.len(),
            server.stats.numcommands,
            server.stats.slowest_command_usec,
            server.stats.slowest_command
        );
    }
    TimerAction::Again(cron_period(server))
}

/// Whether a job that wants to run every `ms` milliseconds should run in
/// this cron call (`run_with_period`): always when `ms` is at most one
/// cron period, else once every `ms / period` calls.
pub fn run_with_period(server: &Server, ms: u64) -> bool {
    let period = cron_period(server).as_millis() as u64;
    ms <= period || server.cronloops.is_multiple_of(ms / period.max(1))
}

/// Background work on the keyspace (`databasesCron`): the slow active
/// expiry cycle, then for up to 16 databases a shrink of sparse tables and
/// 1 ms of incremental rehashing, then some lazy freeing.
fn databases_cron(server: &mut Server) {
    let period = cron_period(server);
    active_expire_cycle(server, Cycle::Slow, period);
    let ndbs = server.dbs.len();
    for i in 0..ndbs.min(16) {
        let d = &mut server.dbs[i];
        d.dict.shrink_if_sparse();
        d.expires.shrink_if_sparse();
    }
    for i in 0..ndbs.min(16) {
        let deadline = Instant::now() + Duration::from_millis(1);
        let d = &mut server.dbs[i];
        if d.dict.is_rehashing() {
            d.dict.rehash_until(deadline);
            break;
        }
        if d.expires.is_rehashing() {
            d.expires.rehash_until(deadline);
            break;
        }
    }
    let deadline = Instant::now() + Duration::from_millis(2);
    while server.lazyfree_step(1024) && Instant::now() < deadline {}
}

/// Milliseconds between cron runs: `1000 / hz`, with hz of at least 1.
fn cron_period(server: &Server) -> Duration {
    let hz = server.config.hz.clamp(1, 500) as u64;
    Duration::from_millis(1000 / hz)
}

/// Visits a slice of the client slab each call, so that every client is
/// seen about once a second (`clientsCron`).
fn clients_cron(server: &mut Server) {
    let slots = server.clients.capacity();
    if slots == 0 {
        return;
    }
    let hz = server.config.hz.max(1) as usize;
    let visits = (slots / hz).max(CLIENTS_CRON_MIN_ITERATIONS).min(slots);
    for _ in 0..visits {
        let key = server.clients_cron_cursor % slots;
        server.clients_cron_cursor = key + 1;
        if server.clients.contains(key) {
            let id = ClientId(key);
            if handle_timeout(server, id) {
                continue;
            }
            resize_query_buffer(server, id);
            // A client over its soft limit is closed when its time is up,
            // even if nothing more is written to it.
            if super::networking::close_client_on_output_buffer_limit_reached(server, id) {
                continue;
            }
        }
    }
}

/// Closes a client idle for more than `timeout` seconds
/// (`clientsCronHandleTimeout`). Returns whether it was closed.
fn handle_timeout(server: &mut Server, id: ClientId) -> bool {
    let timeout = server.config.timeout;
    if timeout <= 0 {
        return false;
    }
    let now = server.unixtime;
    let Some(c) = server.clients.get(id.0) else {
        return false;
    };
    // Blocked clients wait for their unblocking, not for input.
    if now.saturating_sub(c.last_interaction) > timeout as u64 && !c.has(super::flags::BLOCKED) {
        debug!("Closing idle client id={} addr={}", c.id, c.addr);
        free_client_async(server, id);
        return true;
    }
    false
}

/// Gives back query-buffer memory after a big request
/// (`clientsCronResizeQueryBuffer`): when the buffer is much larger than
/// its recent peak, or the client is idle.
fn resize_query_buffer(server: &mut Server, id: ClientId) {
    let now = server.unixtime;
    let Some(c) = server.clients.get_mut(id.0) else {
        return;
    };
    let capacity = c.querybuf.capacity();
    let idle = now.saturating_sub(c.last_interaction);
    if capacity > PROTO_MBULK_BIG_ARG
        && (c.querybuf_peak < capacity / 2 || idle > 2)
        && c.parse.pending_big_arg().is_none()
    {
        c.querybuf.shrink();
    }
    c.querybuf_peak = c.querybuf.len();
}

/// Runs before each poll (`beforeSleep`); see the module docs for the order.
pub fn before_sleep(el: &mut Loop, server: &mut Server) {
    // Listeners opened by CONFIG SET port/bind join the loop here: commands
    // do not get the event loop.
    super::config_cmd::register_new_listeners(el, server);
    // 0. Clients whose pause ended run their waiting commands, so their
    //    replies go out in step 1.
    //    Clients blocked on keys are served or timed out first, so they
    //    resume in the same pass.
    super::blocked::handle_clients_blocked_on_keys(server);
    super::blocked::handle_blocked_clients_timeout(server);
    super::client_cmd::process_unblocked_clients(server);
    // 1. Replies made by this turn's events go out first: the client is
    //    waiting for them, and step 2 costs a syscall per client.
    //    Subscribers may wait while publishes keep coming (fanout_hold).
    let now = Instant::now();
    let hold = fanout_hold(server, now);
    let mut held = handle_clients_with_pending_writes(server, false, hold);
    // 2. Reads that may have bytes left behind, and listeners that stopped
    //    at the accept cap.
    handle_clients_with_pending_reads(server);
    for index in std::mem::take(&mut server.listeners_pending_accept) {
        accept_from(el, server, index);
    }
    // 3. Replies to what step 2 read (usually none: step 2 only reads
    //    clients whose last read filled its buffer). Output those reads
    //    made for clients written in step 1 waits for the next turn.
    held |= handle_clients_with_pending_writes(server, true, hold);
    if !held {
        server.fanout_held_since = None;
    } else if server.fanout_held_since.is_none() {
        server.fanout_held_since = Some(now);
    }
    server.turn_reads = 0;
    // The fast expiry cycle, when the slow one could not keep up.
    let period = cron_period(server);
    active_expire_cycle(server, Cycle::Fast, period);
    // 4. Clients marked for closing, after their last write attempt.
    free_clients_in_async_free_queue(el, server);
    // 5. Poll without blocking while work is pending that no edge will
    //    announce.
    let pending = !server.clients_pending_read.is_empty()
        || !server.clients_pending_write.is_empty()
        || !server.listeners_pending_accept.is_empty();
    el.set_dont_wait(pending);
    super::info::el_cycle_end(server);
    server.turn += 1;
}

/// Shuts down cleanly (`prepareForShutdown` + `finishShutdown`): stop
/// listening, flush what replies the sockets take, remove the pidfile,
/// stop the loop.
/// Saves first when save points are set or SAVE was asked, unless
/// NOSAVE; a failed save cancels the shutdown (returns false) unless
/// FORCE.
pub fn prepare_for_shutdown(el: &mut Loop, server: &mut Server, flags: u32) -> bool {
    use super::config::{SHUTDOWN_FORCE, SHUTDOWN_NOSAVE, SHUTDOWN_SAVE};
    let bit = |b: u32| flags & b != 0;
    warn!("User requested shutdown...");
    if server.rdb.child_pid.is_some() {
        warn!("There is a child saving an .rdb. Killing it!");
        super::persistence::kill_rdb_child(server);
    }
    if (!server.config.save.is_empty() && !bit(SHUTDOWN_NOSAVE)) || bit(SHUTDOWN_SAVE) {
        info!("Saving the final RDB snapshot before exiting.");
        if super::persistence::rdb_save(server).is_err() {
            if bit(SHUTDOWN_FORCE) {
                warn!("Error trying to save the DB. Exit anyway.");
            } else {
                warn!("Error trying to save the DB, can't exit.");
                return false;
            }
        }
    }
    close_listening_sockets(el, server);
    flush_all_clients(server);
    if !server.config.pidfile.is_empty() {
        info!("Removing the pid file.");
        let _ = std::fs::remove_file(&server.config.pidfile);
    }
    warn!("ferrodis is now ready to exit, bye bye...");
    el.stop();
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::config::Config;

    #[test]
    fn run_with_period_counts_cron_calls() {
        let mut server = Server::new(Config::new(), None);
        server.config.hz = 10; // 100 ms per call
        let runs = |server: &mut Server, ms| {
            (1..=100)
                .filter(|&n| {
                    server.cronloops = n;
                    run_with_period(server, ms)
                })
                .count()
        };
        assert_eq!(runs(&mut server, 100), 100, "every call");
        assert_eq!(
            runs(&mut server, 50),
            100,
            "shorter than a period: every call"
        );
        assert_eq!(runs(&mut server, 1000), 10, "once a second");
        assert_eq!(runs(&mut server, 5000), 2);
        server.config.hz = 500; // 2 ms per call
        assert_eq!(runs(&mut server, 10), 20);
    }
}
