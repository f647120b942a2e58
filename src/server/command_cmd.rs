//! COMMAND and its subcommands: the command table as clients see it.
//!
//! Mirrors: `server.c` (`commandCommand`, `commandCountCommand`,
//! `commandInfoCommand`, `commandDocsCommand`, `commandListCommand`,
//! `commandGetKeysCommand`, `commandGetKeysAndFlagsCommand`,
//! `commandHelpCommand`, `addReplyCommandInfo`, `addReplyCommandDocs`,
//! `addReplyCommandKeySpecs`, `addReplyCommandArgList`).
//!
//! redis-cli reads `COMMAND` at start-up for its hints, and cluster-aware
//! clients read the key positions from it, so the reply shapes here are
//! Redis's byte for byte: COMMAND INFO entries of ten fields, flags and
//! categories as status strings, tips and key specs as sets, subcommands as
//! an array (an empty set when there are none).
//!
//! Deviation from Redis: the COMMAND DOCS summaries and the HELP text are
//! ferrodis's own words.

use super::commands::{
    acl, arg, cmd, get_keys, ArgType, BeginSearch, CommandSpec, FindKeys, KeySpec,
    ACL_CATEGORY_NAMES, BASE, FLAG_NAMES,
};
use super::commands::{Arg, CommandTable};
use super::errors::CommandError;
use super::reply::ReplyBuf;
use super::resp::Argv;
use super::util::glob_match;
use super::{ClientId, Server};

const FLAGS: u64 = cmd::LOADING | cmd::STALE | cmd::SENTINEL;
const NONDETERMINISTIC: &[&str] = &["nondeterministic_output_order"];

pub static COMMAND: CommandSpec = CommandSpec {
    name: "command",
    proc_: command_command,
    arity: -1,
    flags: FLAGS,
    acl: acl::CONNECTION,
    tips: NONDETERMINISTIC,
    summary: "Describe every command of the server",
    since: "2.8.13",
    group: "server",
    complexity: "O(N) where N is the total number of commands",
    subcommands: &[
        CommandSpec {
            name: "count",
            parent: Some("command"),
            proc_: command_count_command,
            arity: 2,
            flags: FLAGS,
            acl: acl::CONNECTION,
            summary: "Count the commands of the server",
            since: "2.8.13",
            group: "server",
            complexity: "O(1)",
            ..BASE
        },
        CommandSpec {
            name: "docs",
            parent: Some("command"),
            proc_: command_docs_command,
            arity: -2,
            flags: FLAGS,
            acl: acl::CONNECTION,
            tips: NONDETERMINISTIC,
            summary: "Document one, several or all commands",
            since: "7.0.0",
            group: "server",
            complexity: "O(N) where N is the number of commands to look up",
            args: &[Arg::new("command-name", ArgType::String).flags(arg::OPTIONAL | arg::MULTIPLE)],
            ..BASE
        },
        CommandSpec {
            name: "getkeys",
            parent: Some("command"),
            proc_: command_getkeys_command,
            arity: -4,
            flags: FLAGS,
            acl: acl::CONNECTION,
            summary: "Extract the keys of a full command",
            since: "2.8.13",
            group: "server",
            complexity: "O(N) where N is the number of arguments to the command",
            args: GETKEYS_ARGS,
            ..BASE
        },
        CommandSpec {
            name: "getkeysandflags",
            parent: Some("command"),
            proc_: command_getkeysandflags_command,
            arity: -4,
            flags: FLAGS,
            acl: acl::CONNECTION,
            summary: "Extract the keys of a full command with their access flags",
            since: "7.0.0",
            group: "server",
            complexity: "O(N) where N is the number of arguments to the command",
            args: GETKEYS_ARGS,
            ..BASE
        },
        CommandSpec {
            name: "help",
            parent: Some("command"),
            proc_: command_help_command,
            arity: 2,
            flags: FLAGS,
            acl: acl::CONNECTION,
            summary: "List the COMMAND subcommands",
            since: "5.0.0",
            group: "server",
            complexity: "O(1)",
            ..BASE
        },
        CommandSpec {
            name: "info",
            parent: Some("command"),
            proc_: command_info_command,
            arity: -2,
            flags: FLAGS,
            acl: acl::CONNECTION,
            tips: NONDETERMINISTIC,
            summary: "Describe one, several or all commands",
            since: "2.8.13",
            group: "server",
            complexity: "O(N) where N is the number of commands to look up",
            args: &[Arg::new("command-name", ArgType::String).flags(arg::OPTIONAL | arg::MULTIPLE)],
            ..BASE
        },
        CommandSpec {
            name: "list",
            parent: Some("command"),
            proc_: command_list_command,
            arity: -2,
            flags: FLAGS,
            acl: acl::CONNECTION,
            tips: NONDETERMINISTIC,
            summary: "List command names, optionally filtered",
            since: "7.0.0",
            group: "server",
            complexity: "O(N) where N is the total number of commands",
            args: &[Arg::new(
                "filterby",
                ArgType::OneOf(&[
                    Arg::new("module-name", ArgType::String).token("MODULE"),
                    Arg::new("category", ArgType::String).token("ACLCAT"),
                    Arg::new("pattern", ArgType::Pattern).token("PATTERN"),
                ]),
            )
            .token("FILTERBY")
            .flags(arg::OPTIONAL)],
            ..BASE
        },
    ],
    ..BASE
};

const GETKEYS_ARGS: &[Arg] = &[
    Arg::new("command", ArgType::String),
    Arg::new("arg", ArgType::String).flags(arg::OPTIONAL | arg::MULTIPLE),
];

/// `COMMAND`: every command's info.
fn command_command(server: &mut Server, id: ClientId, _argv: &Argv) {
    reply_all_info(server, id);
}

fn reply_all_info(server: &mut Server, id: ClientId) {
    let cmds: Vec<&'static CommandSpec> = server.commands.iter().collect();
    let r = server.reply(id);
    r.array_len(cmds.len());
    for c in cmds {
        add_command_info(r, c);
    }
}

/// `COMMAND COUNT`.
fn command_count_command(server: &mut Server, id: ClientId, _argv: &Argv) {
    let n = server.commands.len();
    server.reply(id).integer(n as i64);
}

/// `COMMAND INFO [name ...]`: info for each name (null if unknown), or
/// for every command when no name is given.
fn command_info_command(server: &mut Server, id: ClientId, argv: &Argv) {
    if argv.len() == 2 {
        reply_all_info(server, id);
        return;
    }
    let found: Vec<Option<&'static CommandSpec>> = argv[2..]
        .iter()
        .map(|name| server.commands.get_by_fullname(name))
        .collect();
    let r = server.reply(id);
    r.array_len(found.len());
    for c in found {
        match c {
            Some(c) => add_command_info(r, c),
            None => r.null(),
        }
    }
}

/// `COMMAND DOCS [name ...]`: a map of the known names to their docs.
fn command_docs_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let found: Vec<&'static CommandSpec> = if argv.len() == 2 {
        server.commands.iter().collect()
    } else {
        argv[2..]
            .iter()
            .filter_map(|name| server.commands.get_by_fullname(name))
            .collect()
    };
    let r = server.reply(id);
    r.map_len(found.len());
    for c in found {
        r.bulk(c.fullname().as_bytes());
        add_command_docs(r, c);
    }
}

/// `COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN glob]`.
fn command_list_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let filter: Box<dyn Fn(&CommandSpec) -> bool> = match argv.len() {
        2 => Box::new(|_| true),
        5 if argv[2].eq_ignore_ascii_case(b"FILTERBY") => {
            let value = argv[4].clone();
            if argv[3].eq_ignore_ascii_case(b"MODULE") {
                // No modules: nothing belongs to one.
                Box::new(|_| false)
            } else if argv[3].eq_ignore_ascii_case(b"ACLCAT") {
                let bit = ACL_CATEGORY_NAMES
                    .iter()
                    .position(|n| n.as_bytes().eq_ignore_ascii_case(&value))
                    .map(|i| 1u64 << i);
                Box::new(move |c| bit.is_some_and(|b| c.acl_categories() & b != 0))
            } else if argv[3].eq_ignore_ascii_case(b"PATTERN") {
                Box::new(move |c| glob_match(&value, c.fullname().as_bytes(), true))
            } else {
                server.reply(id).error(&CommandError::Syntax);
                return;
            }
        }
        _ => {
            server.reply(id).error(&CommandError::Syntax);
            return;
        }
    };
    let names = list_names(&server.commands, &*filter);
    let r = server.reply(id);
    r.array_len(names.len());
    for n in names {
        r.bulk(n.as_bytes());
    }
}

/// Full names of every command and subcommand that passes `filter`, each
/// container followed by its subcommands.
fn list_names(table: &CommandTable, filter: &dyn Fn(&CommandSpec) -> bool) -> Vec<String> {
    let mut names = Vec::new();
    for c in table.iter() {
        if filter(c) {
            names.push(c.fullname());
        }
        for sub in c.subcommands {
            if filter(sub) {
                names.push(sub.fullname());
            }
        }
    }
    names
}

/// `COMMAND GETKEYS command [arg ...]`.
fn command_getkeys_command(server: &mut Server, id: ClientId, argv: &Argv) {
    getkeys(server, id, argv, false);
}

/// `COMMAND GETKEYSANDFLAGS command [arg ...]`.
fn command_getkeysandflags_command(server: &mut Server, id: ClientId, argv: &Argv) {
    getkeys(server, id, argv, true);
}

/// `getKeysSubcommandImpl`: the checks run in Redis's order.
fn getkeys(server: &mut Server, id: ClientId, argv: &Argv, with_flags: bool) {
    let target: Argv = argv[2..].to_vec();
    let Some(c) = server.commands.lookup(&target) else {
        server
            .reply(id)
            .error(&CommandError::InvalidCommandSpecified);
        return;
    };
    // `doesCommandHaveKeys`: a key finder, or a spec that is not `not_key`.
    let has_keys =
        c.get_keys_proc.is_some() || c.key_specs.iter().any(|s| !s.flags.contains(&"not_key"));
    if !has_keys {
        server.reply(id).error(&CommandError::NoKeyArguments);
        return;
    }
    let argc = target.len() as i64;
    let arity = i64::from(c.arity);
    if (arity > 0 && arity != argc) || argc < -arity {
        server
            .reply(id)
            .error(&CommandError::InvalidNumberOfArguments);
        return;
    }
    let keys = match get_keys(c, &target) {
        Ok(keys) if !keys.is_empty() => keys,
        Ok(_) if c.flags & cmd::NO_MANDATORY_KEYS != 0 => Vec::new(),
        _ => {
            server.reply(id).error(&CommandError::InvalidArguments);
            return;
        }
    };
    let r = server.reply(id);
    r.array_len(keys.len());
    for (pos, flags) in keys {
        if with_flags {
            r.array_len(2);
            r.bulk(&target[pos]);
            r.set_len(flags.len());
            for f in flags {
                r.status(f);
            }
        } else {
            r.bulk(&target[pos]);
        }
    }
}

/// `COMMAND HELP`.
fn command_help_command(server: &mut Server, id: ClientId, _argv: &Argv) {
    add_reply_help(
        server.reply(id),
        "COMMAND",
        &[
            "(no subcommand)",
            "    Describe every command of this server.",
            "COUNT",
            "    Number of commands of this server.",
            "LIST [FILTERBY (MODULE <name>|ACLCAT <category>|PATTERN <glob>)]",
            "    Names of the commands and subcommands, optionally filtered.",
            "INFO [<command-name> ...]",
            "    Describe the given commands, or all of them when none is named.",
            "DOCS [<command-name> ...]",
            "    Documentation of the given commands, or of all of them when none",
            "    is named.",
            "GETKEYS <full-command>",
            "    The keys a full command would access.",
            "GETKEYSANDFLAGS <full-command>",
            "    The keys a full command would access, with their access flags.",
        ],
    );
}

/// A HELP reply in Redis's frame (`addReplyHelp`): a title line, the
/// given lines, then the entry for HELP itself, all as status strings.
pub fn add_reply_help(r: &mut ReplyBuf, command: &str, lines: &[&str]) {
    r.array_len(lines.len() + 3);
    r.status(&format!(
        "{command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    ));
    for line in lines {
        r.status(line);
    }
    r.status("HELP");
    r.status("    Prints this help.");
}

/// One COMMAND INFO entry (`addReplyCommandInfo`).
pub fn add_command_info(r: &mut ReplyBuf, c: &CommandSpec) {
    let ((first, last, step), _) = c.legacy_range();
    r.array_len(10);
    r.bulk(c.fullname().as_bytes());
    r.integer(i64::from(c.arity));
    let flags = c.reported_flags();
    let names: Vec<&str> = FLAG_NAMES
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, n)| *n)
        .collect();
    r.set_len(names.len());
    for n in names {
        r.status(n);
    }
    r.integer(i64::from(first));
    r.integer(i64::from(last));
    r.integer(i64::from(step));
    let cats = c.acl_categories();
    let cat_names: Vec<&str> = ACL_CATEGORY_NAMES
        .iter()
        .enumerate()
        .filter(|(i, _)| cats & (1 << i) != 0)
        .map(|(_, n)| *n)
        .collect();
    r.set_len(cat_names.len());
    for n in cat_names {
        r.status(&format!("@{n}"));
    }
    r.set_len(c.tips.len());
    for t in c.tips {
        r.bulk(t.as_bytes());
    }
    r.set_len(c.key_specs.len());
    for spec in c.key_specs {
        add_key_spec(r, spec);
    }
    if c.subcommands.is_empty() {
        r.set_len(0);
    } else {
        r.array_len(c.subcommands.len());
        for sub in c.subcommands {
            add_command_info(r, sub);
        }
    }
}

/// One key spec as a map (`addReplyCommandKeySpecs`).
fn add_key_spec(r: &mut ReplyBuf, spec: &KeySpec) {
    r.map_len(3 + usize::from(!spec.notes.is_empty()));
    if !spec.notes.is_empty() {
        r.bulk(b"notes");
        r.bulk(spec.notes.as_bytes());
    }
    r.bulk(b"flags");
    r.set_len(spec.flags.len());
    for f in spec.flags {
        r.status(f);
    }
    r.bulk(b"begin_search");
    r.map_len(2);
    r.bulk(b"type");
    match spec.begin {
        BeginSearch::Index(pos) => {
            r.bulk(b"index");
            r.bulk(b"spec");
            r.map_len(1);
            r.bulk(b"index");
            r.integer(i64::from(pos));
        }
        BeginSearch::Keyword { keyword, startfrom } => {
            r.bulk(b"keyword");
            r.bulk(b"spec");
            r.map_len(2);
            r.bulk(b"keyword");
            r.bulk(keyword.as_bytes());
            r.bulk(b"startfrom");
            r.integer(i64::from(startfrom));
        }
        BeginSearch::Unknown => {
            r.bulk(b"unknown");
            r.bulk(b"spec");
            r.map_len(0);
        }
    }
    r.bulk(b"find_keys");
    r.map_len(2);
    r.bulk(b"type");
    match spec.find {
        FindKeys::Range {
            lastkey,
            keystep,
            limit,
        } => {
            r.bulk(b"range");
            r.bulk(b"spec");
            r.map_len(3);
            for (k, v) in [("lastkey", lastkey), ("keystep", keystep), ("limit", limit)] {
                r.bulk(k.as_bytes());
                r.integer(i64::from(v));
            }
        }
        FindKeys::Keynum {
            keynumidx,
            firstkey,
            keystep,
        } => {
            r.bulk(b"keynum");
            r.bulk(b"spec");
            r.map_len(3);
            for (k, v) in [
                ("keynumidx", keynumidx),
                ("firstkey", firstkey),
                ("keystep", keystep),
            ] {
                r.bulk(k.as_bytes());
                r.integer(i64::from(v));
            }
        }
        FindKeys::Unknown => {
            r.bulk(b"unknown");
            r.bulk(b"spec");
            r.map_len(0);
        }
    }
}

/// One COMMAND DOCS entry (`addReplyCommandDocs`).
fn add_command_docs(r: &mut ReplyBuf, c: &CommandSpec) {
    let fields = 4 + usize::from(!c.args.is_empty()) + usize::from(!c.subcommands.is_empty());
    r.map_len(fields);
    for (k, v) in [
        ("summary", c.summary),
        ("since", c.since),
        ("group", c.group),
        ("complexity", c.complexity),
    ] {
        r.bulk(k.as_bytes());
        r.bulk(v.as_bytes());
    }
    if !c.args.is_empty() {
        r.bulk(b"arguments");
        add_args(r, c.args);
    }
    if !c.subcommands.is_empty() {
        r.bulk(b"subcommands");
        r.map_len(c.subcommands.len());
        for sub in c.subcommands {
            r.bulk(sub.fullname().as_bytes());
            add_command_docs(r, sub);
        }
    }
}

/// The argument list of COMMAND DOCS (`addReplyCommandArgList`).
fn add_args(r: &mut ReplyBuf, args: &[Arg]) {
    r.array_len(args.len());
    for a in args {
        let (type_name, key_index, children): (&str, Option<i32>, &[Arg]) = match a.kind {
            ArgType::String => ("string", None, &[]),
            ArgType::Integer => ("integer", None, &[]),
            ArgType::Double => ("double", None, &[]),
            ArgType::Key(i) => ("key", Some(i), &[]),
            ArgType::Pattern => ("pattern", None, &[]),
            ArgType::UnixTime => ("unix-time", None, &[]),
            ArgType::PureToken => ("pure-token", None, &[]),
            ArgType::OneOf(children) => ("oneof", None, children),
            ArgType::Block(children) => ("block", None, children),
        };
        let flag_names: Vec<&str> = [
            (arg::OPTIONAL, "optional"),
            (arg::MULTIPLE, "multiple"),
            (arg::MULTIPLE_TOKEN, "multiple_token"),
        ]
        .iter()
        .filter(|(bit, _)| a.flags & bit != 0)
        .map(|(_, n)| *n)
        .collect();
        let fields = 2
            + usize::from(key_index.is_some())
            + usize::from(a.token.is_some())
            + usize::from(a.since.is_some())
            + usize::from(!flag_names.is_empty())
            + usize::from(!children.is_empty());
        r.map_len(fields);
        r.bulk(b"name");
        r.bulk(a.name.as_bytes());
        r.bulk(b"type");
        r.bulk(type_name.as_bytes());
        if let Some(i) = key_index {
            r.bulk(b"key_spec_index");
            r.integer(i64::from(i));
        }
        if let Some(t) = a.token {
            r.bulk(b"token");
            r.bulk(t.as_bytes());
        }
        if let Some(s) = a.since {
            r.bulk(b"since");
            r.bulk(s.as_bytes());
        }
        if !flag_names.is_empty() {
            r.bulk(b"flags");
            r.set_len(flag_names.len());
            for f in flag_names {
                r.status(f);
            }
        }
        if !children.is_empty() {
            r.bulk(b"arguments");
            add_args(r, children);
        }
    }
}
