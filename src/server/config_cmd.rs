//! CONFIG and its subcommands: GET, SET, RESETSTAT, REWRITE, HELP.
//!
//! Mirrors: `config.c` (`configGetCommand`, `configSetCommand`,
//! `restoreBackupConfig`, `configResetStatCommand`, `configRewriteCommand`,
//! `rewriteConfigOverwriteFile`, `configHelpCommand`, the `apply`
//! functions `updatePort`, `applyBind`, `updateMaxclients`) and
//! `server.c` (`adjustOpenFilesLimit`, `changeListenPort`).
//!
//! The parameters themselves, their syntax and the rewrite rules live in
//! `config.rs`; this module is the command layer that owns the server.
//!
//! CONFIG SET is atomic, as in Redis 7.0: every name is looked up (and
//! immutable, protected and duplicate ones refused) before anything
//! changes; the values are then stored one by one, and if one is refused
//! the ones before it are put back from their old values; finally each
//! side effect ([`Apply`]) runs once, and if one fails every value and
//! side effect is restored. Only a changed value runs its side effect.
//!
//! ```text
//!   look up all names ──► store all values ──► run side effects ──► +OK
//!         │ unknown,            │ refused            │ failed
//!         ▼ immutable, dup      ▼                    ▼
//!      -ERR (nothing       restore stored     restore all values,
//!       changed)           values, -ERR       rerun side effects, -ERR
//! ```
//!
//! Re-listening for `port`/`bind` happens inside the command, so that its
//! failure is the command's reply; but command handlers do not hold the
//! event loop, so the new sockets are registered with it by
//! [`register_new_listeners`], which `before_sleep` calls before the next
//! poll.
//!
//! Deviations from Redis: the HELP text and COMMAND DOCS summaries are
//! ferrodis's own words; CONFIG REWRITE writes no `user` line (there are
//! no ACL users yet); values are read as UTF-8.

use std::fs;
use std::io::{self, ErrorKind, Write};
use std::net::SocketAddr;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use log::{info, warn};

use super::command_cmd::add_reply_help;
use super::commands::{arg, cmd, Arg, ArgType, CommandSpec, BASE};
use super::config::{
    self, entries, lookup_entry, Apply, Config, Entry, Kind, HIDDEN, IMMUTABLE, PROTECTED,
};
use super::errors::CommandError;
use super::networking::{accept_tcp_handler, change_listen_addresses, Loop};
use super::resp::Argv;
use super::util::glob_match;
use super::{ClientId, Server, Stats, CONFIG_BINDADDR_MAX, CONFIG_MIN_RESERVED_FDS};
use crate::ae::{Mask, Token};

const FLAGS: u64 = cmd::ADMIN | cmd::NOSCRIPT | cmd::LOADING | cmd::STALE;

pub static CONFIG: CommandSpec = CommandSpec {
    name: "config",
    arity: -2,
    summary: "Read and change the server's configuration",
    since: "2.0.0",
    group: "server",
    complexity: "Depends on the subcommand.",
    subcommands: &[
        CommandSpec {
            name: "get",
            parent: Some("config"),
            proc_: config_get_command,
            arity: -3,
            flags: FLAGS,
            summary: "Read the parameters whose names match the given patterns",
            since: "2.0.0",
            group: "server",
            complexity: "O(N) where N is the number of patterns given",
            args: &[Arg::new(
                "parameter",
                ArgType::Block(&[Arg::new("parameter", ArgType::String)]),
            )
            .flags(arg::MULTIPLE)],
            ..BASE
        },
        CommandSpec {
            name: "set",
            parent: Some("config"),
            proc_: config_set_command,
            arity: -4,
            flags: FLAGS,
            tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
            summary: "Change one or several parameters at once, all or none",
            since: "2.0.0",
            group: "server",
            complexity: "O(N) where N is the number of parameters given",
            args: &[Arg::new(
                "parameter_value",
                ArgType::Block(&[
                    Arg::new("parameter", ArgType::String),
                    Arg::new("value", ArgType::String),
                ]),
            )
            .flags(arg::MULTIPLE)],
            ..BASE
        },
        CommandSpec {
            name: "resetstat",
            parent: Some("config"),
            proc_: config_resetstat_command,
            arity: 2,
            flags: FLAGS,
            summary: "Zero the statistics INFO reports",
            since: "2.0.0",
            group: "server",
            complexity: "O(1)",
            ..BASE
        },
        CommandSpec {
            name: "rewrite",
            parent: Some("config"),
            proc_: config_rewrite_command,
            arity: 2,
            flags: FLAGS,
            summary: "Write the running configuration into the config file",
            since: "2.8.0",
            group: "server",
            complexity: "O(1)",
            ..BASE
        },
        CommandSpec {
            name: "help",
            parent: Some("config"),
            proc_: config_help_command,
            arity: 2,
            flags: cmd::LOADING | cmd::STALE,
            summary: "List the CONFIG subcommands",
            since: "5.0.0",
            group: "server",
            complexity: "O(1)",
            ..BASE
        },
    ],
    ..BASE
};

/// `CONFIG GET pattern [pattern ...]`: a map of name to value. A name
/// without glob characters is looked up exactly (hidden parameters too)
/// and echoed as sent; a pattern matches names and aliases, ignoring case.
/// A name already in the reply is not repeated.
fn config_get_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let mut matches: Vec<(Vec<u8>, &'static config::Param)> = Vec::new();
    let seen = |matches: &[(Vec<u8>, &config::Param)], name: &[u8]| {
        matches.iter().any(|(k, _)| k.eq_ignore_ascii_case(name))
    };
    for pattern in &argv[2..] {
        if !pattern.iter().any(|b| b"[*?".contains(b)) {
            if seen(&matches, pattern) {
                continue;
            }
            if let Some(e) = lookup_entry(pattern) {
                matches.push((pattern.clone(), e.param));
            }
            continue;
        }
        for e in entries() {
            if e.param.flags & HIDDEN != 0 || seen(&matches, e.name.as_bytes()) {
                continue;
            }
            if glob_match(pattern, e.name.as_bytes(), true) {
                matches.push((e.name.as_bytes().to_vec(), e.param));
            }
        }
    }
    let values: Vec<String> = matches.iter().map(|(_, p)| p.get(&server.config)).collect();
    let r = server.reply(id);
    r.map_len(matches.len());
    for ((name, _), value) in matches.iter().zip(values) {
        r.bulk(name);
        r.bulk(value.as_bytes());
    }
}

/// `CONFIG SET parameter value [parameter value ...]`.
fn config_set_command(server: &mut Server, id: ClientId, argv: &Argv) {
    if !argv.len().is_multiple_of(2) {
        server.reply(id).error(&CommandError::Syntax);
        return;
    }
    let pairs: Vec<(&[u8], &[u8])> = argv[2..]
        .chunks(2)
        .map(|pair| (pair[0].as_slice(), pair[1].as_slice()))
        .collect();

    // 1. Look every name up before changing anything.
    let found = match check_names(server, id, &pairs) {
        Ok(found) => found,
        Err(e) => {
            server.reply(id).error(&e);
            return;
        }
    };

    // 2. Store the values; a refusal puts back those already stored.
    let old: Vec<String> = found.iter().map(|e| e.param.get(&server.config)).collect();
    let mut applies: Vec<(Apply, usize)> = Vec::new();
    for (i, e) in found.iter().enumerate() {
        let value = String::from_utf8_lossy(pairs[i].1);
        let args = if matches!(e.param.kind, Kind::Multi { .. }) {
            config::split_set_value(&value)
        } else {
            vec![value.into_owned()]
        };
        if let Err(reason) = e.param.set(&mut server.config, &args) {
            restore_values(&mut server.config, &found[..=i], &old[..=i]);
            let err = CommandError::ConfigSetFailed(e.name.as_bytes().to_vec(), reason);
            server.reply(id).error(&err);
            return;
        }
        let changed = e.param.get(&server.config) != old[i];
        if let Some(apply) = e.param.apply.filter(|_| changed) {
            if !applies.iter().any(|(a, _)| *a == apply) {
                applies.push((apply, i));
            }
        }
    }

    // 3. Side effects, each once; a failure restores everything.
    for &(apply, i) in &applies {
        if let Err(reason) = run_apply(server, apply) {
            warn!(
                "Failed applying new configuration. Possibly related to new {} setting. \
                 Restoring previous settings.",
                found[i].name
            );
            restore_values(&mut server.config, &found, &old);
            for &(again, _) in &applies {
                if let Err(e) = run_apply(server, again) {
                    warn!("Failed applying restored failed CONFIG SET command: {e}");
                }
            }
            let err = CommandError::ConfigSetFailed(found[i].name.as_bytes().to_vec(), reason);
            server.reply(id).error(&err);
            return;
        }
    }
    server.reply(id).ok();
}

/// Step 1 of CONFIG SET: the entries named, in order, or the error for
/// the first problem, in Redis's precedence (an unknown name found before
/// any other problem wins; after one, later unknown names are not named).
fn check_names(
    server: &mut Server,
    id: ClientId,
    pairs: &[(&[u8], &[u8])],
) -> Result<Vec<Entry>, CommandError> {
    let protected_ok = match server.config.enable_protected_configs {
        "yes" => true,
        "local" => is_local_client(server, id),
        _ => false,
    };
    let mut found: Vec<Entry> = Vec::with_capacity(pairs.len());
    let mut error = None;
    for &(name, _) in pairs {
        let Some(e) = lookup_entry(name) else {
            if error.is_none() {
                error = Some(CommandError::ConfigUnknownOption(c_str(name).to_vec()));
            }
            continue;
        };
        if error.is_some() {
            continue;
        }
        let reason = if e.param.flags & IMMUTABLE != 0 {
            "can't set immutable config"
        } else if e.param.flags & PROTECTED != 0 && !protected_ok {
            "can't set protected config"
        } else if found.iter().any(|f| f.same(&e)) {
            "duplicate parameter"
        } else {
            found.push(e);
            continue;
        };
        error = Some(CommandError::ConfigSetFailed(
            c_str(name).to_vec(),
            reason.to_string(),
        ));
    }
    match error {
        Some(e) => Err(e),
        None => Ok(found),
    }
}

/// Bytes up to the first NUL, as C's `%s` prints an argument.
fn c_str(bytes: &[u8]) -> &[u8] {
    match memchr::memchr(0, bytes) {
        Some(nul) => &bytes[..nul],
        None => bytes,
    }
}

/// Whether a client connects from this machine (`islocalClient`).
fn is_local_client(server: &mut Server, id: ClientId) -> bool {
    server
        .client(id)
        .addr
        .parse::<SocketAddr>()
        .is_ok_and(|a| a.ip().is_loopback())
}

/// Puts back the old values of `entries` (`restoreBackupConfig`).
fn restore_values(c: &mut Config, entries: &[Entry], old: &[String]) {
    for (e, value) in entries.iter().zip(old) {
        let args = if matches!(e.param.kind, Kind::Multi { .. }) {
            config::split_set_value(value)
        } else {
            vec![value.clone()]
        };
        if let Err(err) = e.param.set(c, &args) {
            warn!(
                "Failed restoring failed CONFIG SET command. Error setting {} to '{}': {}",
                e.param.name, value, err
            );
        }
    }
}

/// Runs one side effect of CONFIG SET (config.c's `apply` functions); the
/// error is Redis's text for the reply.
fn run_apply(server: &mut Server, apply: Apply) -> Result<(), String> {
    match apply {
        Apply::Loglevel => {
            log::set_max_level(super::logging::level_filter(server.config.loglevel));
            Ok(())
        }
        Apply::Maxclients => adjust_open_files_limit(server.config.maxclients).map_err(|best| {
            format!(
                "The operating system is not able to handle the specified number of \
                 clients, try with {best}"
            )
        }),
        Apply::Port | Apply::Bind => {
            // The old sockets are gone either way: the new ones, or the
            // old addresses listened on again by the restore, need the loop.
            let result = change_listen_addresses(server);
            server.listeners_changed = true;
            result.map_err(|e| {
                warn!("{e}");
                if apply == Apply::Port {
                    "Unable to listen on this port. Check server logs.".to_string()
                } else {
                    "Failed to bind to specified addresses.".to_string()
                }
            })
        }
    }
}

/// Raises the open-files limit to fit `maxclients` plus the reserved
/// descriptors (`adjustOpenFilesLimit` for CONFIG SET). On failure, the
/// number of clients the limit does allow.
fn adjust_open_files_limit(maxclients: i64) -> Result<(), i64> {
    let reserved = CONFIG_MIN_RESERVED_FDS as i64;
    let wanted = maxclients.saturating_add(reserved) as u64;
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct we pass and nothing else.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Err(1024 - reserved);
    }
    if limit.rlim_cur >= wanted {
        return Ok(());
    }
    let target = wanted.min(limit.rlim_max);
    let raised = libc::rlimit {
        rlim_cur: target,
        rlim_max: limit.rlim_max,
    };
    // SAFETY: setrlimit only reads the struct we pass.
    let granted = if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
        target
    } else {
        limit.rlim_cur
    };
    if granted >= wanted {
        info!("Increased maximum number of open files to {granted}.");
        return Ok(());
    }
    Err((granted as i64 - reserved).max(1))
}

/// Registers listeners that CONFIG SET replaced with the event loop. To be
/// called at the start of every `before_sleep`, which has the loop that
/// command handlers lack; the slots of the old sockets are cleared first
/// (closing a socket already removed it from the poller). Cheap when
/// nothing changed: one flag test.
pub fn register_new_listeners(el: &mut Loop, server: &mut Server) {
    if !server.listeners_changed {
        return;
    }
    server.listeners_changed = false;
    for index in server.listeners.len()..CONFIG_BINDADDR_MAX {
        el.delete_file_event(Token(index), Mask::ALL);
    }
    for (index, listener) in server.listeners.iter_mut().enumerate() {
        el.unregister(&mut listener.socket, Token(index));
        if let Err(e) = el.create_file_event(
            &mut listener.socket,
            Token(index),
            Mask::READABLE,
            accept_tcp_handler,
        ) {
            warn!("Can't register listener {}: {e}", listener.addr);
        }
    }
}

/// `CONFIG RESETSTAT`: zero INFO's counters, the command and error stats.
fn config_resetstat_command(server: &mut Server, id: ClientId, _argv: &Argv) {
    server.stats = Stats::default();
    server.command_stats.clear();
    server.error_stats.clear();
    super::info::reset_stats(server);
    server.reply(id).ok();
}

/// `CONFIG REWRITE`.
fn config_rewrite_command(server: &mut Server, id: ClientId, _argv: &Argv) {
    let Some(path) = server.config_file.clone() else {
        server.reply(id).error(&CommandError::NoConfigFile);
        return;
    };
    match rewrite_config_file(&path, &server.config) {
        Ok(()) => {
            warn!("CONFIG REWRITE executed with success.");
            server.reply(id).ok();
        }
        Err(e) => {
            let text = config::io_error_text(&e);
            warn!("CONFIG REWRITE failed: {text}");
            server
                .reply(id)
                .error(&CommandError::ConfigRewriteFailed(text));
        }
    }
}

/// Rewrites the config file at `path` (`rewriteConfig`): a file that does
/// not exist counts as empty; the new text replaces the old atomically
/// (`rewriteConfigOverwriteFile`: a temporary file beside it, synced, mode
/// 0644 less the umask, renamed over it).
fn rewrite_config_file(path: &Path, c: &Config) -> io::Result<()> {
    let old = match fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    let text = config::rewrite_config_text(&old, c);
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(format!(".tmp-{}", std::process::id()));
    let tmp = Path::new(&tmp_name);
    let written = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o644)
        .open(tmp)
        .and_then(|mut f| {
            f.write_all(text.as_bytes())?;
            f.sync_all()
        })
        .and_then(|()| fs::rename(tmp, path));
    if written.is_err() {
        let _ = fs::remove_file(tmp);
    }
    written
}

/// `CONFIG HELP`.
fn config_help_command(server: &mut Server, id: ClientId, _argv: &Argv) {
    add_reply_help(
        server.reply(id),
        "CONFIG",
        &[
            "GET <pattern> [<pattern> ...]",
            "    The parameters whose names match the glob-style patterns, with",
            "    their values.",
            "SET <parameter> <value> [<parameter> <value> ...]",
            "    Change the parameters to the values, all of them or none.",
            "RESETSTAT",
            "    Zero the statistics that INFO reports.",
            "REWRITE",
            "    Write the running configuration into the config file, keeping",
            "    its comments and order.",
        ],
    );
}
