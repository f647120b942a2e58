//! The command table and command dispatch.
//!
//! Mirrors: `server.c` (`populateCommandTable`, `lookupCommand`,
//! `processCommand`, `call`, `commandCheckExistence`, `commandCheckArity`,
//! `setImplicitACLCategories`, `populateCommandLegacyRangeSpec`) and the
//! key extraction of `db.c` (`getKeysUsingKeySpecs`).
//!
//! Each command is a static [`CommandSpec`]: name, handler, arity, flags,
//! ACL categories, key specs, tips and documentation. Redis generates
//! these from JSON files; here they are written by hand next to the
//! handlers, one `pub static` per command, and collected in
//! [`all_commands`]. A container command (CONFIG, CLIENT, COMMAND, ...)
//! lists its subcommands; `argv[1]` selects one.
//!
//! [`process_command`] runs the checks of `processCommand` in Redis's order
//! and replies with Redis's exact error when one fails; [`call`] runs the
//! handler and counts it.

use super::errors::CommandError;
use super::networking::free_client_async;
use super::resp::Argv;
use super::{ClientId, Server};

/// A command handler (`redisCommandProc`).
pub type CommandProc = fn(&mut Server, ClientId, &Argv);

/// Command flags (`CMD_*` in server.h). The order of [`FLAG_NAMES`] is the
/// order COMMAND INFO prints them in.
pub mod cmd {
    pub const WRITE: u64 = 1 << 0;
    pub const READONLY: u64 = 1 << 1;
    pub const DENYOOM: u64 = 1 << 2;
    pub const MODULE: u64 = 1 << 3;
    pub const ADMIN: u64 = 1 << 4;
    pub const PUBSUB: u64 = 1 << 5;
    pub const NOSCRIPT: u64 = 1 << 6;
    pub const BLOCKING: u64 = 1 << 8;
    pub const LOADING: u64 = 1 << 9;
    pub const STALE: u64 = 1 << 10;
    pub const SKIP_MONITOR: u64 = 1 << 11;
    pub const SKIP_SLOWLOG: u64 = 1 << 12;
    pub const ASKING: u64 = 1 << 13;
    pub const FAST: u64 = 1 << 14;
    pub const NO_AUTH: u64 = 1 << 15;
    pub const MAY_REPLICATE: u64 = 1 << 16;
    pub const SENTINEL: u64 = 1 << 17;
    pub const ONLY_SENTINEL: u64 = 1 << 18;
    pub const NO_MANDATORY_KEYS: u64 = 1 << 19;
    pub const PROTECTED: u64 = 1 << 20;
    pub const MODULE_GETKEYS: u64 = 1 << 21;
    pub const MODULE_NO_CLUSTER: u64 = 1 << 22;
    pub const NO_ASYNC_LOADING: u64 = 1 << 23;
    pub const NO_MULTI: u64 = 1 << 24;
    pub const MOVABLE_KEYS: u64 = 1 << 25;
    pub const ALLOW_BUSY: u64 = 1 << 26;
}

/// Flag names as COMMAND INFO shows them, in its order. `may_replicate`,
/// `sentinel`, `only_sentinel` and `protected` are never shown.
pub const FLAG_NAMES: &[(u64, &str)] = &[
    (cmd::WRITE, "write"),
    (cmd::READONLY, "readonly"),
    (cmd::DENYOOM, "denyoom"),
    (cmd::MODULE, "module"),
    (cmd::ADMIN, "admin"),
    (cmd::PUBSUB, "pubsub"),
    (cmd::NOSCRIPT, "noscript"),
    (cmd::BLOCKING, "blocking"),
    (cmd::LOADING, "loading"),
    (cmd::STALE, "stale"),
    (cmd::SKIP_MONITOR, "skip_monitor"),
    (cmd::SKIP_SLOWLOG, "skip_slowlog"),
    (cmd::ASKING, "asking"),
    (cmd::FAST, "fast"),
    (cmd::NO_AUTH, "no_auth"),
    (cmd::NO_MANDATORY_KEYS, "no_mandatory_keys"),
    (cmd::NO_ASYNC_LOADING, "no_async_loading"),
    (cmd::NO_MULTI, "no_multi"),
    (cmd::MOVABLE_KEYS, "movablekeys"),
    (cmd::ALLOW_BUSY, "allow_busy"),
];

/// ACL categories (`ACL_CATEGORY_*`), in the order Redis lists them.
pub mod acl {
    pub const KEYSPACE: u64 = 1 << 0;
    pub const READ: u64 = 1 << 1;
    pub const WRITE: u64 = 1 << 2;
    pub const SET: u64 = 1 << 3;
    pub const SORTEDSET: u64 = 1 << 4;
    pub const LIST: u64 = 1 << 5;
    pub const HASH: u64 = 1 << 6;
    pub const STRING: u64 = 1 << 7;
    pub const BITMAP: u64 = 1 << 8;
    pub const HYPERLOGLOG: u64 = 1 << 9;
    pub const GEO: u64 = 1 << 10;
    pub const STREAM: u64 = 1 << 11;
    pub const PUBSUB: u64 = 1 << 12;
    pub const ADMIN: u64 = 1 << 13;
    pub const FAST: u64 = 1 << 14;
    pub const SLOW: u64 = 1 << 15;
    pub const BLOCKING: u64 = 1 << 16;
    pub const DANGEROUS: u64 = 1 << 17;
    pub const CONNECTION: u64 = 1 << 18;
    pub const TRANSACTION: u64 = 1 << 19;
    pub const SCRIPTING: u64 = 1 << 20;
}

/// Category names, indexed by bit position.
pub const ACL_CATEGORY_NAMES: &[&str] = &[
    "keyspace",
    "read",
    "write",
    "set",
    "sortedset",
    "list",
    "hash",
    "string",
    "bitmap",
    "hyperloglog",
    "geo",
    "stream",
    "pubsub",
    "admin",
    "fast",
    "slow",
    "blocking",
    "dangerous",
    "connection",
    "transaction",
    "scripting",
];

/// Where the search for keys starts (`kspec_bs_type`).
#[derive(Clone, Copy, Debug)]
pub enum BeginSearch {
    /// At a fixed argument index.
    Index(i32),
    /// After a keyword, searched from `startfrom` (negative: from the end).
    Keyword {
        keyword: &'static str,
        startfrom: i32,
    },
    /// Not describable.
    Unknown,
}

/// How keys are found from the start (`kspec_fk_type`).
#[derive(Clone, Copy, Debug)]
pub enum FindKeys {
    /// `lastkey` relative to the start (-1: the last argument), every
    /// `keystep`; `limit` divides the remaining arguments when lastkey is -1.
    Range {
        lastkey: i32,
        keystep: i32,
        limit: i32,
    },
    /// The key count is at `keynumidx`, keys start at `firstkey`.
    Keynum {
        keynumidx: i32,
        firstkey: i32,
        keystep: i32,
    },
    /// Not describable.
    Unknown,
}

/// One key specification (`keySpec`).
#[derive(Clone, Copy, Debug)]
pub struct KeySpec {
    /// A remark on the flags, shown by COMMAND INFO when not empty.
    pub notes: &'static str,
    /// `RO`, `RW`, `OW`, `RM`, `access`, `update`, `insert`, `delete`, ...
    pub flags: &'static [&'static str],
    pub begin: BeginSearch,
    pub find: FindKeys,
}

impl KeySpec {
    /// The keys from argument `index` on, with no keyword to search for
    /// and a step of one (`BEGIN_SEARCH_INDEX` + `FIND_KEYS_RANGE`, no
    /// limit): `lastkey` 0 for a single key, -1 for every argument to the
    /// end, -2 for all but the last.
    pub const fn range(index: i32, lastkey: i32, flags: &'static [&'static str]) -> KeySpec {
        KeySpec {
            notes: "",
            flags,
            begin: BeginSearch::Index(index),
            find: FindKeys::Range {
                lastkey,
                keystep: 1,
                limit: 0,
            },
        }
    }
}

/// Argument types for COMMAND DOCS (`redisCommandArgType`).
#[derive(Clone, Copy, Debug)]
pub enum ArgType {
    String,
    Integer,
    Double,
    /// A key, with the index of its key spec.
    Key(i32),
    Pattern,
    UnixTime,
    PureToken,
    OneOf(&'static [Arg]),
    Block(&'static [Arg]),
}

/// Argument flags for COMMAND DOCS.
pub mod arg {
    pub const OPTIONAL: u8 = 1;
    pub const MULTIPLE: u8 = 2;
    pub const MULTIPLE_TOKEN: u8 = 4;
}

/// One documented argument (`redisCommandArg`).
#[derive(Clone, Copy, Debug)]
pub struct Arg {
    pub name: &'static str,
    pub kind: ArgType,
    pub token: Option<&'static str>,
    pub since: Option<&'static str>,
    pub flags: u8,
}

impl Arg {
    /// A plain required argument.
    pub const fn new(name: &'static str, kind: ArgType) -> Arg {
        Arg {
            name,
            kind,
            token: None,
            since: None,
            flags: 0,
        }
    }

    /// The same argument with flags.
    pub const fn flags(mut self, flags: u8) -> Arg {
        self.flags = flags;
        self
    }

    /// The same argument introduced by a token such as `AUTH`.
    pub const fn token(mut self, token: &'static str) -> Arg {
        self.token = Some(token);
        self
    }

    /// The same argument, added in a later version.
    pub const fn since(mut self, since: &'static str) -> Arg {
        self.since = Some(since);
        self
    }
}

/// A command (`struct redisCommand`).
pub struct CommandSpec {
    /// Lower-case name (of the subcommand alone, for subcommands).
    pub name: &'static str,
    /// The container this is a subcommand of, if any.
    pub parent: Option<&'static str>,
    pub proc_: CommandProc,
    /// N > 0: exactly N arguments with the name; -N: at least N.
    pub arity: i32,
    pub flags: u64,
    /// Categories given explicitly; the implicit ones are derived.
    pub acl: u64,
    pub key_specs: &'static [KeySpec],
    pub tips: &'static [&'static str],
    pub summary: &'static str,
    pub since: &'static str,
    pub group: &'static str,
    pub complexity: &'static str,
    pub args: &'static [Arg],
    pub subcommands: &'static [CommandSpec],
    /// A hand-written key finder for commands whose key specs cannot
    /// describe every key (`getkeys_proc`; only SORT needs one here).
    pub get_keys_proc: Option<GetKeysProc>,
}

/// Finds the keys of a command line: each key's position with its flags.
pub type GetKeysProc = fn(&[Vec<u8>]) -> Vec<(usize, &'static [&'static str])>;

/// A spec with the fields most commands leave empty filled in.
pub const BASE: CommandSpec = CommandSpec {
    name: "",
    parent: None,
    proc_: |_, _, _| {},
    arity: 0,
    flags: 0,
    acl: 0,
    key_specs: &[],
    tips: &[],
    summary: "",
    since: "",
    group: "",
    complexity: "",
    args: &[],
    subcommands: &[],
    get_keys_proc: None,
};

impl CommandSpec {
    /// `parent|name` for subcommands, the name otherwise (`fullname`).
    pub fn fullname(&self) -> String {
        match self.parent {
            Some(parent) => format!("{parent}|{}", self.name),
            None => self.name.to_string(),
        }
    }

    /// Whether this is a container of subcommands.
    pub fn is_container(&self) -> bool {
        !self.subcommands.is_empty()
    }

    /// Explicit plus implicit categories (`setImplicitACLCategories`).
    pub fn acl_categories(&self) -> u64 {
        let mut c = self.acl;
        if self.flags & cmd::WRITE != 0 {
            c |= acl::WRITE;
        }
        if self.flags & cmd::READONLY != 0 && c & acl::SCRIPTING == 0 {
            c |= acl::READ;
        }
        if self.flags & cmd::ADMIN != 0 {
            c |= acl::ADMIN | acl::DANGEROUS;
        }
        if self.flags & cmd::PUBSUB != 0 {
            c |= acl::PUBSUB;
        }
        if self.flags & cmd::FAST != 0 {
            c |= acl::FAST;
        }
        if self.flags & cmd::BLOCKING != 0 {
            c |= acl::BLOCKING;
        }
        if c & acl::FAST == 0 {
            c |= acl::SLOW;
        }
        c
    }

    /// The legacy `(firstkey, lastkey, step)` and whether keys are movable
    /// (`populateCommandLegacyRangeSpec`): the key specs that are plain
    /// consecutive index ranges of step 1 are merged; any other spec makes
    /// the keys "movable".
    pub fn legacy_range(&self) -> ((i32, i32, i32), bool) {
        let specs = self.key_specs;
        if let [KeySpec {
            begin: BeginSearch::Index(pos),
            find: FindKeys::Range {
                lastkey, keystep, ..
            },
            ..
        }] = specs
        {
            let last = if *lastkey >= 0 {
                lastkey + pos
            } else {
                *lastkey
            };
            return ((*pos, last, *keystep), false);
        }
        let mut movable = false;
        let (mut first, mut last, mut prev_last) = (i32::MAX, 0i32, 0i32);
        for spec in specs {
            let (
                BeginSearch::Index(pos),
                FindKeys::Range {
                    lastkey, keystep, ..
                },
            ) = (spec.begin, spec.find)
            else {
                movable = true;
                continue;
            };
            if keystep != 1 || (prev_last != 0 && prev_last != pos - 1) {
                movable = true;
                continue;
            }
            first = first.min(pos);
            let abs_last = if lastkey >= 0 { lastkey + pos } else { lastkey };
            // Negative values count from the end: compared unsigned, they
            // are larger than any index.
            if (abs_last as u32) > (last as u32) {
                last = abs_last;
            }
            prev_last = last;
        }
        if first == i32::MAX {
            return ((0, 0, 0), movable);
        }
        ((first, last, 1), movable)
    }

    /// Flags as COMMAND INFO reports them, including `movablekeys`.
    pub fn reported_flags(&self) -> u64 {
        let (_, movable) = self.legacy_range();
        if movable {
            self.flags | cmd::MOVABLE_KEYS
        } else {
            self.flags
        }
    }
}

/// Every top-level command of this server.
pub fn all_commands() -> Vec<&'static CommandSpec> {
    let mut v: Vec<&'static CommandSpec> = Vec::new();
    v.extend(super::connection::COMMANDS.iter());
    v.extend(super::db::COMMANDS.iter());
    v.extend(super::t_string::COMMANDS.iter());
    v.extend(super::t_set::COMMANDS.iter());
    v.extend(super::t_zset::COMMANDS.iter());
    v.extend(super::t_list::COMMANDS.iter());
    v.extend(super::multi::COMMANDS.iter());
    v.extend(super::pubsub::COMMANDS.iter());
    v.extend(super::blocked::COMMANDS.iter().copied());
    v.extend(super::t_hash::COMMANDS.iter());
    v.extend(super::sort::COMMANDS.iter());
    v.extend(super::expire::COMMANDS.iter());
    v.push(&super::command_cmd::COMMAND);
    v.push(&super::client_cmd::CLIENT);
    v.push(&super::debug::DEBUG);
    v.extend(super::server_cmd::COMMANDS.iter());
    v.extend(super::persistence::COMMANDS.iter());
    v.extend(super::dump::COMMANDS.iter());
    v.extend(super::info::COMMANDS.iter());
    v.push(&super::config_cmd::CONFIG);
    v
}

/// The command table (`server.commands`): an open-addressing hash table
/// keyed by the command name with ASCII case folded while hashing, so a
/// lookup neither copies nor lowercases the name (Redis's dict with its
/// case-insensitive `dictSdsCaseHash`). It is built once and never
/// changes, which keeps it this simple: linear probing over a table at
/// most a quarter full.
pub struct CommandTable {
    slots: Vec<Option<&'static CommandSpec>>,
    len: usize,
}

impl Default for CommandTable {
    fn default() -> Self {
        CommandTable::new()
    }
}

/// FNV-1a over the ASCII-lowercased bytes.
fn case_folded_hash(name: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in name {
        h ^= u64::from(b.to_ascii_lowercase());
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

impl CommandTable {
    /// Builds the table from [`all_commands`].
    pub fn new() -> CommandTable {
        let commands = all_commands();
        let size = (commands.len() * 4).next_power_of_two().max(16);
        let mut table = CommandTable {
            slots: vec![None; size],
            len: 0,
        };
        for c in commands {
            let mask = table.slots.len() - 1;
            let mut i = case_folded_hash(c.name.as_bytes()) as usize & mask;
            while table.slots[i].is_some() {
                i = (i + 1) & mask;
            }
            table.slots[i] = Some(c);
            table.len += 1;
        }
        table
    }

    /// Top-level commands, in table order (like Redis's dict, no order is
    /// promised).
    pub fn iter(&self) -> impl Iterator<Item = &'static CommandSpec> + '_ {
        self.slots.iter().flatten().copied()
    }

    /// Number of top-level commands (COMMAND COUNT).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A top-level command by name, any case (`lookupCommandBySds`).
    pub fn get(&self, name: &[u8]) -> Option<&'static CommandSpec> {
        let mask = self.slots.len() - 1;
        let mut i = case_folded_hash(name) as usize & mask;
        // The table is never full, so an empty slot ends every probe.
        while let Some(c) = self.slots[i] {
            if c.name.as_bytes().eq_ignore_ascii_case(name) {
                return Some(c);
            }
            i = (i + 1) & mask;
        }
        None
    }

    /// A command or subcommand by full name such as `config|get`
    /// (`lookupCommandOrOriginal` for COMMAND INFO / DOCS).
    pub fn get_by_fullname(&self, name: &[u8]) -> Option<&'static CommandSpec> {
        match name.iter().position(|&b| b == b'|') {
            None => self.get(name),
            Some(bar) => {
                let parent = self.get(&name[..bar])?;
                find_subcommand(parent, &name[bar + 1..])
            }
        }
    }

    /// The command an argv names (`lookupCommand`): a container with an
    /// argument resolves to its subcommand, or to `None` if unknown.
    pub fn lookup(&self, argv: &Argv) -> Option<&'static CommandSpec> {
        let base = self.get(argv.first()?)?;
        if argv.len() == 1 || !base.is_container() {
            return Some(base);
        }
        find_subcommand(base, &argv[1])
    }
}

fn find_subcommand(parent: &'static CommandSpec, name: &[u8]) -> Option<&'static CommandSpec> {
    parent
        .subcommands
        .iter()
        .find(|s| s.name.as_bytes().eq_ignore_ascii_case(name))
}

/// Bytes up to the first NUL, as C's `%s` prints them.
fn c_str(bytes: &[u8]) -> &[u8] {
    match memchr::memchr(0, bytes) {
        Some(nul) => &bytes[..nul],
        None => bytes,
    }
}

/// At most `n` bytes (`%.*s`).
fn truncate(bytes: &[u8], n: usize) -> &[u8] {
    &bytes[..bytes.len().min(n)]
}

/// The unknown-command error (`commandCheckExistence`): the name cut to 128
/// bytes, then each argument quoted while the preview is under 128 bytes,
/// each cut to what is left (`%.*s`). C strings end at a NUL byte.
pub fn unknown_command_error(argv: &Argv) -> CommandError {
    let mut args: Vec<u8> = Vec::new();
    for a in argv.iter().skip(1) {
        if args.len() >= 128 {
            break;
        }
        let room = 128 - args.len();
        args.push(b'\'');
        args.extend_from_slice(truncate(c_str(a), room));
        args.extend_from_slice(b"' ");
    }
    let name = argv.first().map_or(&[][..], |n| truncate(c_str(n), 128));
    CommandError::UnknownCommand {
        name: name.to_vec(),
        args,
    }
}

/// The unknown-subcommand error (`commandCheckExistence`).
pub fn unknown_subcommand_error(argv: &Argv) -> CommandError {
    let sub = argv.get(1).map_or(&[][..], |s| truncate(c_str(s), 128));
    let container = argv.first().map_or(&[][..], |c| c_str(c));
    CommandError::UnknownSubcommand(sub.to_vec(), container.to_vec())
}

/// The wrong-arity error for a command (`addReplyErrorArity`).
pub fn arity_error(c: &CommandSpec) -> CommandError {
    CommandError::WrongArity(c.fullname())
}

/// Runs the request in the client's argv, after Redis's checks in
/// `processCommand`'s order. The client's argv is moved out for the call
/// and given back (emptied) afterwards.
pub fn process_command(server: &mut Server, id: ClientId) {
    let c = server.client(id);
    let argv = std::mem::take(&mut c.parse.argv);

    // 1. Cross-protocol attacks: HTTP requests are dropped without a reply.
    let first = argv.first().map_or(&[][..], Vec::as_slice);
    if first.eq_ignore_ascii_case(b"host:") || first.eq_ignore_ascii_case(b"post") {
        security_warning(server, id);
        give_back(server, id, argv);
        return;
    }
    // 2-3. Existence.
    let Some(cmd) = server.commands.lookup(&argv) else {
        let is_container = server
            .commands
            .get(&argv[0])
            .is_some_and(CommandSpec::is_container);
        let err = if is_container {
            unknown_subcommand_error(&argv)
        } else {
            unknown_command_error(&argv)
        };
        reject(server, id, None, &err);
        give_back(server, id, argv);
        return;
    };
    // 4. Arity.
    let argc = argv.len() as i64;
    let arity = i64::from(cmd.arity);
    if (arity > 0 && arity != argc) || argc < -arity {
        reject(server, id, Some(cmd), &arity_error(cmd));
        stats_of(server, cmd).rejected_calls += 1;
        give_back(server, id, argv);
        return;
    }
    // 4b. Protected commands (DEBUG) as `enable-debug-command` allows.
    if cmd.flags & cmd::PROTECTED != 0 && !super::debug::debug_allowed(server, id) {
        reject(server, id, Some(cmd), &CommandError::DebugNotAllowed);
        stats_of(server, cmd).rejected_calls += 1;
        give_back(server, id, argv);
        return;
    }
    // 5. Authentication.
    if server.auth_required() && !server.client(id).authenticated && cmd.flags & cmd::NO_AUTH == 0 {
        reject(server, id, Some(cmd), &CommandError::NoAuth);
        stats_of(server, cmd).rejected_calls += 1;
        give_back(server, id, argv);
        return;
    }
    // 5b. Commands a transaction may not hold (`CMD_NO_MULTI`).
    if cmd.flags & cmd::NO_MULTI != 0 && super::multi::in_multi(server, id) {
        reject(server, id, Some(cmd), &CommandError::NotAllowedInMulti);
        stats_of(server, cmd).rejected_calls += 1;
        give_back(server, id, argv);
        return;
    }
    // 5b'. After a failed save, writes (and PING) are refused until a
    //      save succeeds (`writeCommandsDeniedByDiskError`).
    if (cmd.flags & cmd::WRITE != 0 || cmd.name == "ping")
        && super::persistence::writes_denied(server)
    {
        reject(server, id, Some(cmd), &CommandError::Misconf);
        stats_of(server, cmd).rejected_calls += 1;
        give_back(server, id, argv);
        return;
    }
    // 5c. A RESP2 client with subscriptions only (un)subscribes, pings,
    //     quits or resets: its connection carries messages now.
    if !allowed_in_subscribed_mode(server, id, cmd) {
        let err = CommandError::SubscribedContext(cmd.fullname());
        reject(server, id, Some(cmd), &err);
        stats_of(server, cmd).rejected_calls += 1;
        give_back(server, id, argv);
        return;
    }
    // 6. CLIENT PAUSE: the command waits, its argv kept, until the pause
    //    ends (`blockPostponeClient`).
    if super::client_cmd::postpone_if_paused(server, id, cmd) {
        server.client(id).parse.argv = argv;
        return;
    }
    // 7. Inside MULTI the command is queued, not run.
    if super::multi::in_multi(server, id) && !super::multi::runs_inside_multi(cmd) {
        super::multi::queue_command(server, id, cmd, argv);
        give_back(server, id, Vec::new());
        return;
    }
    call(server, id, cmd, &argv);
    give_back(server, id, argv);
    // Keys this command filled serve their waiters before anyone else
    // runs (`handleClientsBlockedOnKeys` after `call`).
    super::blocked::handle_clients_blocked_on_keys(server);
}

/// Per-command counters for INFO commandstats (`redisCommand`'s
/// `calls`, `microseconds`, `rejected_calls`, `failed_calls`).
#[derive(Clone, Copy, Debug, Default)]
pub struct CommandStats {
    pub calls: u64,
    pub usec: u64,
    pub rejected_calls: u64,
    pub failed_calls: u64,
}

/// The counters of `cmd`, created on first use. Keyed by the address of
/// the static spec, which is unique and costs nothing to hash-compare.
fn stats_of<'a>(server: &'a mut Server, cmd: &'static CommandSpec) -> &'a mut CommandStats {
    &mut server
        .command_stats
        .entry(cmd as *const CommandSpec as usize)
        .or_insert((cmd, CommandStats::default()))
        .1
}

/// Moves the error codes a client's replies collected into the server's
/// error stats; returns how many there were.
pub fn collect_error_stats(server: &mut Server, id: ClientId) -> usize {
    let Some(c) = server.clients.get_mut(id.0) else {
        return 0;
    };
    if c.reply.error_codes.is_empty() {
        return 0;
    }
    let codes = std::mem::take(&mut c.reply.error_codes);
    let n = codes.len();
    for code in codes {
        *server.error_stats.entry(code).or_insert(0) += 1;
    }
    server.stats.total_error_replies += n as u64;
    n
}

/// Runs a command and counts it (`call`): calls, time, and whether it
/// replied with an error.
pub fn call(server: &mut Server, id: ClientId, cmd: &'static CommandSpec, argv: &Argv) {
    let c = server.client(id);
    c.last_cmd = cmd.name;
    c.last_cmd_spec = Some(cmd);
    // CLIENT NO-TOUCH: lookups leave access times alone, except TOUCH's.
    let no_touch = c.has(super::flags::NO_TOUCH) && cmd.name != "touch";
    server.current_client_no_touch = no_touch;
    (cmd.proc_)(server, id, argv);
    // One clock reading per command: it ends this command's time and
    // starts the next one's (see `start_command_clock`), so a command's
    // microseconds also hold the parsing of its request.
    let now = std::time::Instant::now();
    let usec = now.saturating_duration_since(server.cmd_clock).as_micros() as u64;
    server.cmd_clock = now;
    super::info::record_call(server, cmd, usec);
    let failed = collect_error_stats(server, id) > 0;
    if usec > server.stats.slowest_command_usec {
        server.stats.slowest_command_usec = usec;
        server.stats.slowest_command = cmd.name;
    }
    let stats = stats_of(server, cmd);
    stats.calls += 1;
    stats.usec += usec;
    if failed {
        stats.failed_calls += 1;
    }
    server.stats.numcommands += 1;
}

/// Starts the clocks of a batch of commands: the wall clock that expiry
/// decisions use, and the mark from which `call` measures each command.
/// Called before running the commands of one read (or of a client that a
/// pause held back).
pub fn start_command_clock(server: &mut Server) {
    server.cmd_time_ms = super::mstime();
    server.cmd_clock = std::time::Instant::now();
}

/// Hands the argv vector back to the client so its capacity is reused.
fn give_back(server: &mut Server, id: ClientId, argv: Argv) {
    if let Some(c) = server.clients.get_mut(id.0) {
        c.parse.recycle(argv);
        // One command done: CLIENT REPLY SKIP moves on (`resetClient`).
        c.reply.command_done();
    }
}

/// Replies with an error before running the command (`rejectCommand`):
/// a transaction being queued is doomed by it, and a rejected EXEC
/// discards its transaction with the reason (`execCommandAbort`).
fn reject(server: &mut Server, id: ClientId, cmd: Option<&CommandSpec>, err: &CommandError) {
    super::multi::flag_transaction(server, id);
    if cmd.is_some_and(|c| c.name == "exec") {
        super::multi::discard_transaction(server, id);
        let text = err.to_string();
        let why = text.strip_prefix("ERR ").unwrap_or(&text).to_string();
        server.reply(id).error(&CommandError::ExecAbortBecause(why));
    } else {
        server.reply(id).error(err);
    }
    collect_error_stats(server, id);
}

/// Whether a command may run on this connection given its subscriptions:
/// any command on RESP3 or without subscriptions, else only the
/// (P|S)(UN)SUBSCRIBE family, PING, QUIT and RESET.
fn allowed_in_subscribed_mode(server: &Server, id: ClientId, cmd: &CommandSpec) -> bool {
    let Some(c) = server.clients.get(id.0) else {
        return true;
    };
    c.reply.resp != 2
        || super::pubsub::subscription_count(c) == 0
        || matches!(
            cmd.name,
            "ping"
                | "subscribe"
                | "ssubscribe"
                | "unsubscribe"
                | "sunsubscribe"
                | "psubscribe"
                | "punsubscribe"
                | "quit"
                | "reset"
        )
}

/// Closes a connection that sent `POST` or `Host:` (`securityWarningCommand`),
/// logging at most once a minute.
fn security_warning(server: &mut Server, id: ClientId) {
    let now = server.unixtime;
    if now.saturating_sub(server.last_security_warning) > 60 {
        log::warn!(
            "Possible SECURITY ATTACK detected: a client sent an HTTP request (POST or Host:), \
             which is what cross-protocol scripting attacks do. Connection closed."
        );
        server.last_security_warning = now;
    }
    free_client_async(server, id);
}

/// The keys of a command, with their key spec flags
/// (`getKeysFromCommandWithSpecs`): the command's own key finder when it
/// has one, its key specs otherwise (`getKeysUsingKeySpecs`). Errors are
/// Redis's texts for COMMAND GETKEYS.
pub fn get_keys(
    cmd: &CommandSpec,
    argv: &[Vec<u8>],
) -> Result<Vec<(usize, &'static [&'static str])>, CommandError> {
    if let Some(find) = cmd.get_keys_proc {
        return Ok(find(argv));
    }
    let argc = argv.len() as i64;
    let mut keys = Vec::new();
    // Specs flagged `not_key` (the channels of SPUBLISH and SSUBSCRIBE)
    // name no keys here (`GET_KEYSPEC_DEFAULT` leaves them out).
    for spec in cmd
        .key_specs
        .iter()
        .filter(|s| !s.flags.contains(&"not_key"))
    {
        let first: i64 = match spec.begin {
            BeginSearch::Index(pos) => i64::from(pos),
            BeginSearch::Keyword { keyword, startfrom } => {
                let (start, end, step): (i64, i64, i64) = if startfrom >= 0 {
                    (i64::from(startfrom), argc - 1, 1)
                } else {
                    (argc + i64::from(startfrom), 0, -1)
                };
                let mut found = None;
                let mut i = start;
                while (step > 0 && i <= end) || (step < 0 && i >= end) {
                    if i <= 0 || i >= argc {
                        break;
                    }
                    if argv[i as usize].eq_ignore_ascii_case(keyword.as_bytes()) {
                        found = Some(i + 1);
                        break;
                    }
                    i += step;
                }
                match found {
                    Some(f) => f,
                    None => continue,
                }
            }
            BeginSearch::Unknown => continue,
        };
        if first >= argc {
            continue;
        }
        let (last, step): (i64, i64) = match spec.find {
            FindKeys::Range {
                lastkey,
                keystep,
                limit,
            } => {
                let last = if lastkey >= 0 {
                    first + i64::from(lastkey)
                } else if limit <= 1 {
                    argc + i64::from(lastkey)
                } else {
                    first + (argc - first) / i64::from(limit) + i64::from(lastkey)
                };
                (last, i64::from(keystep.max(1)))
            }
            FindKeys::Keynum {
                keynumidx,
                firstkey,
                keystep,
            } => {
                let idx = first + i64::from(keynumidx);
                let Some(n) = argv
                    .get(idx as usize)
                    .and_then(|a| super::resp::string_to_i64(a))
                else {
                    return Err(CommandError::InvalidArguments);
                };
                if n < 0 {
                    return Err(CommandError::InvalidArguments);
                }
                let start = first + i64::from(firstkey);
                let step = i64::from(keystep.max(1));
                // The key count must not reach past the arguments.
                let last = start + (n - 1) * step;
                if n > 0 && last >= argc {
                    return Err(CommandError::InvalidArguments);
                }
                if n == 0 {
                    continue;
                }
                keys_in_range(&mut keys, start, last, step, argc, spec.flags)?;
                continue;
            }
            FindKeys::Unknown => continue,
        };
        keys_in_range(&mut keys, first, last, step, argc, spec.flags)?;
    }
    Ok(keys)
}

fn keys_in_range(
    keys: &mut Vec<(usize, &'static [&'static str])>,
    first: i64,
    last: i64,
    step: i64,
    argc: i64,
    flags: &'static [&'static str],
) -> Result<(), CommandError> {
    let mut i = first;
    while i <= last {
        if i >= argc || i < 0 {
            return Err(CommandError::InvalidArguments);
        }
        keys.push((i as usize, flags));
        i += step;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RANGE1: KeySpec = KeySpec::range(1, 0, &["RO"]);

    fn argv(words: &[&str]) -> Argv {
        words.iter().map(|w| w.as_bytes().to_vec()).collect()
    }

    #[test]
    fn legacy_range_from_key_specs() {
        static GET: CommandSpec = CommandSpec {
            name: "get",
            key_specs: &[RANGE1],
            ..BASE
        };
        assert_eq!(GET.legacy_range(), ((1, 1, 1), false));
        static MSET: CommandSpec = CommandSpec {
            name: "mset",
            key_specs: &[KeySpec {
                notes: "",
                flags: &["OW"],
                begin: BeginSearch::Index(1),
                find: FindKeys::Range {
                    lastkey: -1,
                    keystep: 2,
                    limit: 0,
                },
            }],
            ..BASE
        };
        assert_eq!(MSET.legacy_range(), ((1, -1, 2), false));
        static XREAD: CommandSpec = CommandSpec {
            name: "xread",
            key_specs: &[KeySpec {
                notes: "",
                flags: &["RO"],
                begin: BeginSearch::Keyword {
                    keyword: "STREAMS",
                    startfrom: 1,
                },
                find: FindKeys::Range {
                    lastkey: -1,
                    keystep: 1,
                    limit: 2,
                },
            }],
            ..BASE
        };
        assert_eq!(XREAD.legacy_range(), ((0, 0, 0), true));
        let keys = get_keys(
            &XREAD,
            &argv(&["xread", "COUNT", "2", "STREAMS", "a", "b", "0", "0"]),
        )
        .expect("keys");
        assert_eq!(keys.iter().map(|k| k.0).collect::<Vec<_>>(), [4, 5]);
        let keys = get_keys(&MSET, &argv(&["mset", "a", "1", "b", "2"])).expect("keys");
        assert_eq!(keys.iter().map(|k| k.0).collect::<Vec<_>>(), [1, 3]);
    }

    #[test]
    fn unknown_command_errors_are_truncated_like_redis() {
        let long = "x".repeat(50);
        let err = unknown_command_error(&argv(&["foo", &long, &long, &long, &long]));
        let text = String::from_utf8(err.text()).expect("ascii");
        // Each argument is cut to what is left of 128 bytes; the loop stops
        // once 128 are reached.
        let expected_args = format!("'{long}' '{long}' '{}' ", &long[..128 - 106]);
        assert_eq!(
            text,
            format!("ERR unknown command 'foo', with args beginning with: {expected_args}")
        );
        let err = unknown_command_error(&argv(&["PI\0G"]));
        assert_eq!(
            err.text(),
            b"ERR unknown command 'PI', with args beginning with: "
        );
    }

    #[test]
    fn lookup_ignores_case_and_finds_every_command() {
        let table = CommandTable::new();
        assert_eq!(table.len(), all_commands().len());
        for c in all_commands() {
            let upper = c.name.to_ascii_uppercase();
            assert!(std::ptr::eq(table.get(upper.as_bytes()).expect("found"), c));
        }
        assert!(table.get(b"nosuchcommand").is_none());
        assert!(table.get(b"").is_none());
        let sub = table.get_by_fullname(b"COMMAND|Info").expect("subcommand");
        assert_eq!(sub.fullname(), "command|info");
    }

    #[test]
    fn implicit_categories() {
        static FASTREAD: CommandSpec = CommandSpec {
            flags: cmd::READONLY | cmd::FAST,
            acl: acl::STRING,
            ..BASE
        };
        assert_eq!(
            FASTREAD.acl_categories(),
            acl::READ | acl::STRING | acl::FAST
        );
        static ADMIN: CommandSpec = CommandSpec {
            flags: cmd::ADMIN,
            ..BASE
        };
        assert_eq!(
            ADMIN.acl_categories(),
            acl::ADMIN | acl::DANGEROUS | acl::SLOW
        );
    }
}
