//! TIME and SHUTDOWN.
//!
//! Mirrors: `server.c` (`timeCommand`, `shutdownCommand`,
//! `abortShutdown`) and the shutdown half of `db.c`/`server.c`
//! (`prepareForShutdown`, `replyToClientsBlockedOnShutdown`).
//!
//! A command gets no event loop, and shutting down needs one (listeners
//! close, the loop stops). So SHUTDOWN only asks: it sets
//! `server.shutdown_requested`, which server_cron reads as it reads the
//! SIGTERM flag, and calls `cron::prepare_for_shutdown` within one cron
//! period. Meanwhile the client that asked is blocked, as Redis blocks it
//! (`BLOCKED_SHUTDOWN`): it runs nothing more and gets no reply, since a
//! successful shutdown answers by closing the connection. SHUTDOWN ABORT
//! in that window cancels the request, or a signal not yet handled, and
//! the blocked clients get Redis's "Errors trying to SHUTDOWN" error.
//!
//! The save happens in `prepare_for_shutdown`: with save points set (or
//! SAVE given, and NOSAVE not), the dataset is saved first, and a failed
//! save cancels the shutdown unless FORCE is given. With no replicas to
//! wait for, NOW changes nothing.

use std::sync::atomic::Ordering;
use std::time::{SystemTime, UNIX_EPOCH};

use log::warn;

use super::client_cmd::unblock_client;
use super::commands::{arg, cmd, Arg, ArgType, CommandSpec, BASE};
use super::config::{SHUTDOWN_FORCE, SHUTDOWN_NOSAVE, SHUTDOWN_SAVE};
use super::errors::CommandError;
use super::resp::Argv;
use super::{flags, ClientId, Server};

/// Every command of this module, for the command table.
pub static COMMANDS: [&CommandSpec; 2] = [&TIME, &SHUTDOWN];

pub static TIME: CommandSpec = CommandSpec {
    name: "time",
    proc_: time_command,
    arity: 1,
    flags: cmd::LOADING | cmd::STALE | cmd::FAST,
    tips: &["nondeterministic_output"],
    summary: "The server's clock: unix seconds and microseconds",
    since: "2.6.0",
    group: "server",
    complexity: "O(1)",
    ..BASE
};

pub static SHUTDOWN: CommandSpec = CommandSpec {
    name: "shutdown",
    proc_: shutdown_command,
    arity: -1,
    flags: cmd::ADMIN
        | cmd::NOSCRIPT
        | cmd::LOADING
        | cmd::STALE
        | cmd::NO_MULTI
        | cmd::SENTINEL
        | cmd::ALLOW_BUSY,
    summary: "Stop the server, saving the dataset first if asked to",
    since: "1.0.0",
    group: "server",
    complexity: "O(N) when saving, where N is the total number of keys in all databases \
                 when saving data, otherwise O(1)",
    args: &[
        Arg::new(
            "nosave_save",
            ArgType::OneOf(&[
                Arg::new("nosave", ArgType::PureToken).token("NOSAVE"),
                Arg::new("save", ArgType::PureToken).token("SAVE"),
            ]),
        )
        .flags(arg::OPTIONAL),
        Arg::new("now", ArgType::PureToken)
            .token("NOW")
            .since("7.0.0")
            .flags(arg::OPTIONAL),
        Arg::new("force", ArgType::PureToken)
            .token("FORCE")
            .since("7.0.0")
            .flags(arg::OPTIONAL),
        Arg::new("abort", ArgType::PureToken)
            .token("ABORT")
            .since("7.0.0")
            .flags(arg::OPTIONAL),
    ],
    ..BASE
};

/// `TIME`: unix seconds and microseconds, as two bulk strings.
fn time_command(server: &mut Server, id: ClientId, _argv: &Argv) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let r = server.reply(id);
    r.array_len(2);
    r.bulk(now.as_secs().to_string().as_bytes());
    r.bulk(now.subsec_micros().to_string().as_bytes());
}

/// SHUTDOWN's options (`SHUTDOWN_NOSAVE` and friends).
#[derive(Default)]
struct ShutdownFlags {
    nosave: bool,
    save: bool,
    force: bool,
    abort: bool,
}

/// Parses the options in any order and repetition; ABORT goes with
/// nothing else, and NOSAVE not with SAVE.
fn parse_shutdown_flags(argv: &Argv) -> Result<ShutdownFlags, CommandError> {
    let mut f = ShutdownFlags::default();
    for a in &argv[1..] {
        let a = a.to_ascii_lowercase();
        match a.as_slice() {
            b"nosave" => f.nosave = true,
            b"save" => f.save = true,
            // NOW skips waiting for replicas, and there are none.
            b"now" => {}
            b"force" => f.force = true,
            b"abort" => f.abort = true,
            _ => return Err(CommandError::Syntax),
        }
    }
    let any_flag = argv[1..].iter().any(|a| !a.eq_ignore_ascii_case(b"abort"));
    if (f.abort && any_flag) || (f.nosave && f.save) {
        return Err(CommandError::Syntax);
    }
    Ok(f)
}

/// `SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]`.
fn shutdown_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let f = match parse_shutdown_flags(argv) {
        Ok(f) => f,
        Err(e) => {
            server.reply(id).error(&e);
            return;
        }
    };
    if f.abort {
        if abort_shutdown(server) {
            server.reply(id).ok();
        } else {
            server.reply(id).error(&CommandError::NoShutdownInProgress);
        }
        return;
    }
    server.shutdown_flags = shutdown_bits(&f);
    // No reply: the connection closes when the process exits.
    let c = server.client(id);
    c.flags |= flags::BLOCKED;
    let entry = (id, c.id);
    server.shutdown_clients.push(entry);
    server.shutdown_requested = true;
}

/// The `SHUTDOWN_*` bits of parsed options.
fn shutdown_bits(f: &ShutdownFlags) -> u32 {
    let on = |set: bool, bit: u32| if set { bit } else { 0 };
    on(f.save, SHUTDOWN_SAVE) | on(f.nosave, SHUTDOWN_NOSAVE) | on(f.force, SHUTDOWN_FORCE)
}

/// Cancels a shutdown not yet carried out (`abortShutdown`): a SHUTDOWN
/// waiting for server_cron, or a signal not yet handled. The clients
/// blocked in SHUTDOWN get an error and run again. Returns whether there
/// was anything to cancel.
pub fn abort_shutdown(server: &mut Server) -> bool {
    let signalled =
        server.sigterm.swap(false, Ordering::SeqCst) | server.sigint.swap(false, Ordering::SeqCst);
    let requested = std::mem::take(&mut server.shutdown_requested);
    if !signalled && !requested {
        return false;
    }
    warn!("Shutdown aborted.");
    for (id, client_id) in std::mem::take(&mut server.shutdown_clients) {
        let Some(c) = server.clients.get_mut(id.0) else {
            continue;
        };
        if c.id != client_id {
            continue;
        }
        c.reply.error(&CommandError::ShutdownFailed);
        unblock_client(server, id);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Argv {
        words.iter().map(|w| w.as_bytes().to_vec()).collect()
    }

    #[test]
    fn shutdown_options_parse_like_redis() {
        let ok = |w: &[&str]| parse_shutdown_flags(&argv(w)).is_ok();
        assert!(ok(&["shutdown"]));
        assert!(ok(&["shutdown", "NOSAVE", "now", "Force"]));
        assert!(ok(&["shutdown", "abort"]));
        assert!(ok(&["shutdown", "abort", "abort"]));
        assert!(ok(&["shutdown", "save", "save"]));
        assert!(!ok(&["shutdown", "abort", "now"]));
        assert!(!ok(&["shutdown", "save", "nosave"]));
        assert!(!ok(&["shutdown", "foo"]));
    }
}
