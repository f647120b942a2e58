//! Pub/Sub: SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE, their UNSUBSCRIBEs,
//! PUBLISH, SPUBLISH and PUBSUB.
//!
//! Mirrors: `pubsub.c` (`pubsubSubscribeChannel`,
//! `pubsubUnsubscribeChannel`, `pubsubSubscribePattern`,
//! `pubsubUnsubscribePattern`, `pubsubUnsubscribeAllChannelsInternal`,
//! `pubsubUnsubscribeAllPatterns`, `pubsubPublishMessage`,
//! `addReplyPubsub*`, `pubsubCommand`, `channelList`,
//! `clientSubscriptionsCount`, `clientTotalPubSubSubscriptionCount`) and
//! the subscribed-mode PING of `server.c` (`pingCommand`, in
//! connection.rs).
//!
//! Three kinds of subscription share one shape ([`Kind`], Redis's
//! `pubsubtype` widened to patterns): each has a map on the server from
//! name to subscribers and a set on the client of its names.
//!
//! ```text
//!   PubSubState.channels   "news" -> [c7, c2, c9]     subscription order
//!   PubSubState.patterns   "n*"   -> [c2]
//!   PubSubState.shard      "s1"   -> [c4]
//!   Client c2 .pubsub      channels {"news"}  patterns {"n*"}  shard {}
//! ```
//!
//! Subscribers are `ClientId`s, not references: the slab owns the
//! clients, and a client leaves every list in `unsubscribe_all` before its
//! slab key can be reused (freeClient does the same). The lists are
//! vectors in subscription order, as Redis 7.0's linked lists are, so
//! delivery order is subscription order and removal is a scan of one
//! channel's subscribers (O(N), also as in Redis). The client side is a
//! hash set, for O(1) duplicate checks.
//!
//! [`publish`] is the hot path. It encodes each frame once (`message`,
//! then one `pmessage` per matching pattern) into a scratch buffer kept in
//! `PubSubState`, then copies the bytes into each receiver's output
//! buffer: a RESP3 client gets the same bytes behind `>` instead of `*`,
//! which has the same length. A receiver is then queued for writing and
//! its output buffer limit checked (networking.rs), so a subscriber that
//! never reads is closed instead of growing without bound.
//!
//! A RESP2 client with any subscription is in subscribed mode:
//! `commands::process_command` refuses all but the (P|S)(UN)SUBSCRIBE
//! family, PING, QUIT and RESET, and PING answers in the message shape.
//! RESP3 clients get confirmations and messages as push frames and may
//! run anything. SUBSCRIBE inside MULTI works (EXEC runs it through
//! `commands::call`); SSUBSCRIBE there is refused, as in 7.0.
//!
//! Deviations from Redis: UNSUBSCRIBE without arguments and PUBSUB
//! CHANNELS list names in hash-set order, which is as unspecified as
//! Redis's dict order but differs from it. There is no cluster, so shard
//! channels have no slots. The PUBSUB HELP text and COMMAND DOCS prose are
//! ferrodis's own.

use std::collections::{HashMap, HashSet};

use super::command_cmd::add_reply_help;
use super::commands::{arg, cmd, Arg, ArgType, CommandSpec, KeySpec, BASE};
use super::errors::CommandError;
use super::networking::prepare_client_to_write;
use super::reply::{write_i64, ReplyBuf};
use super::resp::Argv;
use super::util::glob_match;
use super::{flags, Client, ClientId, Server};

/// Scratch buffers above this size are dropped after a publish instead of
/// kept, so one huge message does not pin its memory.
const SCRATCH_KEEP: usize = 64 * 1024;

// ---------------------------------------------------------------------------
// Command table
// ---------------------------------------------------------------------------

const SUB_FLAGS: u64 = cmd::PUBSUB | cmd::NOSCRIPT | cmd::LOADING | cmd::STALE;
const PUBLISH_FLAGS: u64 = cmd::PUBSUB | cmd::LOADING | cmd::STALE | cmd::FAST | cmd::MAY_REPLICATE;
const INTROSPECT_FLAGS: u64 = cmd::PUBSUB | cmd::LOADING | cmd::STALE;

/// Shard channels are declared as keys that are not keys (`NOT_KEY`), so
/// that a cluster can route them by slot.
const SHARD_CHANNELS: KeySpec = KeySpec::range(1, -1, &["not_key"]);
const SHARD_CHANNEL: KeySpec = KeySpec::range(1, 0, &["not_key"]);

/// Every command of this module, for the command table.
pub static COMMANDS: [&CommandSpec; 9] = [
    &SUBSCRIBE,
    &UNSUBSCRIBE,
    &PSUBSCRIBE,
    &PUNSUBSCRIBE,
    &PUBLISH,
    &SSUBSCRIBE,
    &SUNSUBSCRIBE,
    &SPUBLISH,
    &PUBSUB,
];

pub static SUBSCRIBE: CommandSpec = CommandSpec {
    name: "subscribe",
    proc_: subscribe_command,
    arity: -2,
    flags: SUB_FLAGS | cmd::SENTINEL,
    summary: "Start receiving the messages published on the named channels",
    since: "2.0.0",
    group: "pubsub",
    complexity: "O(N) for N channels named",
    args: &[Arg::new("channel", ArgType::String).flags(arg::MULTIPLE)],
    ..BASE
};

pub static UNSUBSCRIBE: CommandSpec = CommandSpec {
    name: "unsubscribe",
    proc_: unsubscribe_command,
    arity: -1,
    flags: SUB_FLAGS | cmd::SENTINEL,
    summary: "Stop receiving the messages of the named channels, or of all of them",
    since: "2.0.0",
    group: "pubsub",
    complexity: "O(N) where N counts the other subscribers of each channel left",
    args: &[Arg::new("channel", ArgType::String).flags(arg::OPTIONAL | arg::MULTIPLE)],
    ..BASE
};

pub static PSUBSCRIBE: CommandSpec = CommandSpec {
    name: "psubscribe",
    proc_: psubscribe_command,
    arity: -2,
    flags: SUB_FLAGS | cmd::SENTINEL,
    summary: "Start receiving the messages of every channel a glob pattern matches",
    since: "2.0.0",
    group: "pubsub",
    complexity: "O(N) for N patterns named",
    args: &[Arg::new(
        "pattern",
        ArgType::Block(&[Arg::new("pattern", ArgType::Pattern)]),
    )
    .flags(arg::MULTIPLE)],
    ..BASE
};

pub static PUNSUBSCRIBE: CommandSpec = CommandSpec {
    name: "punsubscribe",
    proc_: punsubscribe_command,
    arity: -1,
    flags: SUB_FLAGS | cmd::SENTINEL,
    summary: "Stop receiving through the named glob patterns, or through all of them",
    since: "2.0.0",
    group: "pubsub",
    complexity: "O(N+M): N patterns left, M other subscribers of each",
    args: &[Arg::new("pattern", ArgType::Pattern).flags(arg::OPTIONAL | arg::MULTIPLE)],
    ..BASE
};

pub static PUBLISH: CommandSpec = CommandSpec {
    name: "publish",
    proc_: publish_command,
    arity: 3,
    flags: PUBLISH_FLAGS | cmd::SENTINEL,
    summary: "Send a message to a channel's subscribers and return how many got it",
    since: "2.0.0",
    group: "pubsub",
    complexity: "O(N+M): N subscribers of the channel, M patterns subscribed on the server",
    args: &[
        Arg::new("channel", ArgType::String),
        Arg::new("message", ArgType::String),
    ],
    ..BASE
};

pub static SSUBSCRIBE: CommandSpec = CommandSpec {
    name: "ssubscribe",
    proc_: ssubscribe_command,
    arity: -2,
    flags: SUB_FLAGS,
    key_specs: &[SHARD_CHANNELS],
    summary: "Start receiving the messages published on the named shard channels",
    since: "7.0.0",
    group: "pubsub",
    complexity: "O(N) for N shard channels named",
    args: &[Arg::new("shardchannel", ArgType::String).flags(arg::MULTIPLE)],
    ..BASE
};

pub static SUNSUBSCRIBE: CommandSpec = CommandSpec {
    name: "sunsubscribe",
    proc_: sunsubscribe_command,
    arity: -1,
    flags: SUB_FLAGS,
    key_specs: &[SHARD_CHANNELS],
    summary: "Stop receiving the messages of the named shard channels, or of all of them",
    since: "7.0.0",
    group: "pubsub",
    complexity: "O(N) where N counts the other subscribers of each shard channel left",
    args: &[Arg::new("shardchannel", ArgType::String).flags(arg::OPTIONAL | arg::MULTIPLE)],
    ..BASE
};

pub static SPUBLISH: CommandSpec = CommandSpec {
    name: "spublish",
    proc_: spublish_command,
    arity: 3,
    flags: PUBLISH_FLAGS,
    key_specs: &[SHARD_CHANNEL],
    summary: "Send a message to a shard channel's subscribers and return how many got it",
    since: "7.0.0",
    group: "pubsub",
    complexity: "O(N) for N subscribers of the shard channel",
    args: &[
        Arg::new("shardchannel", ArgType::String),
        Arg::new("message", ArgType::String),
    ],
    ..BASE
};

pub static PUBSUB: CommandSpec = CommandSpec {
    name: "pubsub",
    arity: -2,
    summary: "Look at the channels and patterns clients subscribe to",
    since: "2.8.0",
    group: "pubsub",
    complexity: "Depends on the subcommand.",
    subcommands: &[
        CommandSpec {
            name: "channels",
            parent: Some("pubsub"),
            proc_: pubsub_channels_command,
            arity: -2,
            flags: INTROSPECT_FLAGS,
            summary: "List the channels with subscribers, or those a pattern matches",
            since: "2.8.0",
            group: "pubsub",
            complexity: "O(N) for N channels with subscribers",
            args: &[Arg::new("pattern", ArgType::Pattern).flags(arg::OPTIONAL)],
            ..BASE
        },
        CommandSpec {
            name: "numsub",
            parent: Some("pubsub"),
            proc_: pubsub_numsub_command,
            arity: -2,
            flags: INTROSPECT_FLAGS,
            summary: "Count the subscribers of each named channel, patterns aside",
            since: "2.8.0",
            group: "pubsub",
            complexity: "O(N) for N channels named",
            args: &[Arg::new("channel", ArgType::String).flags(arg::OPTIONAL | arg::MULTIPLE)],
            ..BASE
        },
        CommandSpec {
            name: "numpat",
            parent: Some("pubsub"),
            proc_: pubsub_numpat_command,
            arity: 2,
            flags: INTROSPECT_FLAGS,
            summary: "Count the distinct patterns subscribed to",
            since: "2.8.0",
            group: "pubsub",
            complexity: "O(1)",
            ..BASE
        },
        CommandSpec {
            name: "shardchannels",
            parent: Some("pubsub"),
            proc_: pubsub_shardchannels_command,
            arity: -2,
            flags: INTROSPECT_FLAGS,
            summary: "List the shard channels with subscribers, or those a pattern matches",
            since: "7.0.0",
            group: "pubsub",
            complexity: "O(N) for N shard channels with subscribers",
            args: &[Arg::new("pattern", ArgType::Pattern).flags(arg::OPTIONAL)],
            ..BASE
        },
        CommandSpec {
            name: "shardnumsub",
            parent: Some("pubsub"),
            proc_: pubsub_shardnumsub_command,
            arity: -2,
            flags: INTROSPECT_FLAGS,
            summary: "Count the subscribers of each named shard channel",
            since: "7.0.0",
            group: "pubsub",
            complexity: "O(N) for N shard channels named",
            args: &[Arg::new("shardchannel", ArgType::String).flags(arg::OPTIONAL | arg::MULTIPLE)],
            ..BASE
        },
        CommandSpec {
            name: "help",
            parent: Some("pubsub"),
            proc_: pubsub_help_command,
            arity: 2,
            flags: cmd::LOADING | cmd::STALE,
            summary: "List the PUBSUB subcommands",
            since: "6.2.0",
            group: "pubsub",
            complexity: "O(1)",
            ..BASE
        },
    ],
    ..BASE
};

// ---------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------

/// A client's subscriptions (`c->pubsub_channels`, `c->pubsub_patterns`,
/// `c->pubsub_shard_channels`).
#[derive(Debug, Default)]
pub struct ClientPubSub {
    channels: HashSet<Vec<u8>>,
    patterns: HashSet<Vec<u8>>,
    shard: HashSet<Vec<u8>>,
}

/// The server's channels and patterns with their subscribers
/// (`server.pubsub_channels`, `server.pubsub_patterns`,
/// `server.pubsubshard_channels`). No entry ever has an empty list.
#[derive(Debug, Default)]
pub struct PubSubState {
    channels: HashMap<Vec<u8>, Vec<ClientId>>,
    patterns: HashMap<Vec<u8>, Vec<ClientId>>,
    shard: HashMap<Vec<u8>, Vec<ClientId>>,
    /// [`publish`]'s encoded frames, reused from one call to the next.
    frames: Vec<u8>,
    /// [`publish`]'s receivers, each with its frame's range in `frames`.
    targets: Vec<(ClientId, usize, usize)>,
}

impl PubSubState {
    /// Channels with at least one subscriber (INFO `pubsub_channels`).
    pub fn channel_count(&self) -> usize {
        self.channels.len()
    }

    /// Distinct patterns subscribed to (INFO `pubsub_patterns`, PUBSUB
    /// NUMPAT).
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// Shard channels with at least one subscriber (INFO
    /// `pubsubshard_channels`).
    pub fn shard_channel_count(&self) -> usize {
        self.shard.len()
    }
}

/// A kind of subscription: where its names live on both sides, and the
/// words of its replies (`pubsubtype`, which Redis has for channels and
/// shard channels; patterns follow the same shape here).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Channel,
    Pattern,
    Shard,
}

impl Kind {
    fn client_set(self, p: &mut ClientPubSub) -> &mut HashSet<Vec<u8>> {
        match self {
            Kind::Channel => &mut p.channels,
            Kind::Pattern => &mut p.patterns,
            Kind::Shard => &mut p.shard,
        }
    }

    fn server_map(self, s: &mut PubSubState) -> &mut HashMap<Vec<u8>, Vec<ClientId>> {
        match self {
            Kind::Channel => &mut s.channels,
            Kind::Pattern => &mut s.patterns,
            Kind::Shard => &mut s.shard,
        }
    }

    fn server_map_ref(self, s: &PubSubState) -> &HashMap<Vec<u8>, Vec<ClientId>> {
        match self {
            Kind::Channel => &s.channels,
            Kind::Pattern => &s.patterns,
            Kind::Shard => &s.shard,
        }
    }

    /// The count a confirmation carries: channels and patterns together
    /// (`clientSubscriptionsCount`), shard channels alone
    /// (`clientShardSubscriptionsCount`).
    fn count(self, p: &ClientPubSub) -> usize {
        match self {
            Kind::Channel | Kind::Pattern => p.channels.len() + p.patterns.len(),
            Kind::Shard => p.shard.len(),
        }
    }

    fn subscribe_word(self) -> &'static [u8] {
        match self {
            Kind::Channel => b"subscribe",
            Kind::Pattern => b"psubscribe",
            Kind::Shard => b"ssubscribe",
        }
    }

    fn unsubscribe_word(self) -> &'static [u8] {
        match self {
            Kind::Channel => b"unsubscribe",
            Kind::Pattern => b"punsubscribe",
            Kind::Shard => b"sunsubscribe",
        }
    }
}

/// Channels + patterns + shard channels the client is subscribed to
/// (`clientTotalPubSubSubscriptionCount`); non-zero means the client is
/// in subscribed mode (`CLIENT_PUBSUB`).
pub fn subscription_count(c: &Client) -> usize {
    let p = &c.pubsub;
    p.channels.len() + p.patterns.len() + p.shard.len()
}

/// The client's (channels, patterns, shard channels) counts, for CLIENT
/// LIST's `sub=`, `psub=` and `ssub=`.
pub fn subscription_counts(c: &Client) -> (usize, usize, usize) {
    let p = &c.pubsub;
    (p.channels.len(), p.patterns.len(), p.shard.len())
}

// ---------------------------------------------------------------------------
// Subscribing and unsubscribing
// ---------------------------------------------------------------------------

/// A confirmation frame: `[word, name or null, count]`, pushed in RESP3
/// (`addReplyPubsubSubscribed`, `addReplyPubsubUnsubscribed` and the
/// pattern variants).
fn add_reply_confirmation(r: &mut ReplyBuf, word: &[u8], name: Option<&[u8]>, count: usize) {
    r.push_len(3);
    r.bulk(word);
    match name {
        Some(name) => r.bulk(name),
        None => r.null(),
    }
    r.integer(count as i64);
}

/// Subscribes a client to one name and confirms it, also when it was
/// already subscribed (`pubsubSubscribeChannel`, `pubsubSubscribePattern`).
fn subscribe(server: &mut Server, id: ClientId, kind: Kind, name: &[u8]) {
    let Some(c) = server.clients.get_mut(id.0) else {
        return;
    };
    if kind.client_set(&mut c.pubsub).insert(name.to_vec()) {
        kind.server_map(&mut server.pubsub)
            .entry(name.to_vec())
            .or_default()
            .push(id);
    }
    let count = kind.count(&c.pubsub);
    add_reply_confirmation(&mut c.reply, kind.subscribe_word(), Some(name), count);
}

/// Takes a client out of a name's subscriber list, dropping the entry
/// when it was the last one, so that abandoned channels cost nothing.
fn remove_subscriber(map: &mut HashMap<Vec<u8>, Vec<ClientId>>, name: &[u8], id: ClientId) {
    let Some(subscribers) = map.get_mut(name) else {
        return;
    };
    if let Some(pos) = subscribers.iter().position(|&x| x == id) {
        // `remove`, not `swap_remove`: delivery keeps subscription order.
        subscribers.remove(pos);
    }
    if subscribers.is_empty() {
        map.remove(name);
    }
}

/// Unsubscribes a client from one name; confirms it when `notify`, also
/// when it was not subscribed (`pubsubUnsubscribeChannel`,
/// `pubsubUnsubscribePattern`). Returns whether it was subscribed.
fn unsubscribe(server: &mut Server, id: ClientId, kind: Kind, name: &[u8], notify: bool) -> bool {
    let Some(c) = server.clients.get_mut(id.0) else {
        return false;
    };
    let was = kind.client_set(&mut c.pubsub).remove(name);
    if was {
        remove_subscriber(kind.server_map(&mut server.pubsub), name, id);
    }
    if notify {
        let count = kind.count(&c.pubsub);
        add_reply_confirmation(&mut c.reply, kind.unsubscribe_word(), Some(name), count);
    }
    was
}

/// Unsubscribes a client from every name of one kind, one confirmation
/// each with the count going down; with none at all, one confirmation
/// with a null name (`pubsubUnsubscribeAllChannelsInternal`,
/// `pubsubUnsubscribeAllPatterns`).
fn unsubscribe_all_of(server: &mut Server, id: ClientId, kind: Kind) {
    let Some(c) = server.clients.get_mut(id.0) else {
        return;
    };
    let names: Vec<Vec<u8>> = kind.client_set(&mut c.pubsub).iter().cloned().collect();
    for name in &names {
        unsubscribe(server, id, kind, name, true);
    }
    if names.is_empty() {
        let c = server.client(id);
        let count = kind.count(&c.pubsub);
        add_reply_confirmation(&mut c.reply, kind.unsubscribe_word(), None, count);
    }
}

/// Drops every subscription of a client that is freed or RESET, without
/// replies (`pubsubUnsubscribeAllChannels(c, 0)` and friends).
pub fn unsubscribe_all(server: &mut Server, id: ClientId) {
    let Some(c) = server.clients.get_mut(id.0) else {
        return;
    };
    for kind in [Kind::Channel, Kind::Pattern, Kind::Shard] {
        let names = std::mem::take(kind.client_set(&mut c.pubsub));
        let map = kind.server_map(&mut server.pubsub);
        for name in &names {
            remove_subscriber(map, name, id);
        }
    }
}

// ---------------------------------------------------------------------------
// Publishing
// ---------------------------------------------------------------------------

/// Appends a RESP2 array of bulk strings to `out`.
fn encode_frame(out: &mut Vec<u8>, parts: &[&[u8]]) {
    let mut digits = [0u8; 20];
    out.push(b'*');
    let n = write_i64(&mut digits, parts.len() as i64);
    out.extend_from_slice(digits.get(..n).unwrap_or_default());
    out.extend_from_slice(b"\r\n");
    for part in parts {
        out.push(b'$');
        let n = write_i64(&mut digits, part.len() as i64);
        out.extend_from_slice(digits.get(..n).unwrap_or_default());
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(part);
        out.extend_from_slice(b"\r\n");
    }
}

/// Adds one frame to a receiver's output and queues it for writing, which
/// also checks its output buffer limit. `frame` is RESP2; a RESP3 client
/// gets it as a push (`>` for `*`, the rest unchanged). A client already
/// being closed gets nothing more, as `prepareClientToWrite` refuses it.
fn deliver(server: &mut Server, id: ClientId, frame: &[u8]) {
    let Some(c) = server.clients.get_mut(id.0) else {
        return;
    };
    if c.has(flags::CLOSE_ASAP) {
        return;
    }
    match frame.split_first() {
        Some((_, rest)) if c.reply.resp >= 3 => {
            c.reply.add(b">");
            c.reply.add(rest);
        }
        _ => c.reply.add(frame),
    }
    prepare_client_to_write(server, id);
}

/// Encodes the frames of one publish and lists the receivers: the
/// subscribers of `channel` in `map` with a `word` frame, then, when
/// `patterns` is given, those of each matching pattern with a `pmessage`
/// frame.
fn plan_delivery(
    map: &HashMap<Vec<u8>, Vec<ClientId>>,
    patterns: Option<&HashMap<Vec<u8>, Vec<ClientId>>>,
    (word, channel, message): (&[u8], &[u8], &[u8]),
    frames: &mut Vec<u8>,
    targets: &mut Vec<(ClientId, usize, usize)>,
) {
    if let Some(subscribers) = map.get(channel) {
        let start = frames.len();
        encode_frame(frames, &[word, channel, message]);
        let end = frames.len();
        targets.extend(subscribers.iter().map(|&id| (id, start, end)));
    }
    for (pattern, subscribers) in patterns.into_iter().flatten() {
        if glob_match(pattern, channel, false) {
            let start = frames.len();
            encode_frame(frames, &[b"pmessage", pattern, channel, message]);
            let end = frames.len();
            targets.extend(subscribers.iter().map(|&id| (id, start, end)));
        }
    }
}

/// Delivers one message to every receiver `plan_delivery` found; returns
/// how many there were. Each subscription counts: a client subscribed to
/// the channel and to two matching patterns receives three frames.
fn publish_kind(server: &mut Server, kind: Kind, channel: &[u8], message: &[u8]) -> usize {
    let mut frames = std::mem::take(&mut server.pubsub.frames);
    let mut targets = std::mem::take(&mut server.pubsub.targets);
    frames.clear();
    targets.clear();
    let ps = &server.pubsub;
    let (map, word, patterns) = match kind {
        // Patterns match plain channels only.
        Kind::Shard => (&ps.shard, &b"smessage"[..], None),
        Kind::Channel | Kind::Pattern => (
            &ps.channels,
            &b"message"[..],
            (!ps.patterns.is_empty()).then_some(&ps.patterns),
        ),
    };
    plan_delivery(
        map,
        patterns,
        (word, channel, message),
        &mut frames,
        &mut targets,
    );
    for &(id, start, end) in &targets {
        deliver(server, id, frames.get(start..end).unwrap_or_default());
    }
    let receivers = targets.len();
    if frames.capacity() <= SCRATCH_KEEP {
        server.pubsub.frames = frames;
    }
    if targets.capacity() * std::mem::size_of::<(ClientId, usize, usize)>() <= SCRATCH_KEEP {
        server.pubsub.targets = targets;
    }
    receivers
}

/// Sends `message` to the subscribers of `channel` and of the patterns
/// matching it; returns how many received it (`pubsubPublishMessage`).
pub fn publish(server: &mut Server, channel: &[u8], message: &[u8]) -> usize {
    publish_kind(server, Kind::Channel, channel, message)
}

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

/// The refusal of a subscription for a client that must get exactly one
/// reply per command (`CLIENT_DENY_BLOCKING`, set while EXEC runs).
fn deny_blocking(server: &mut Server, id: ClientId, command: &'static str) {
    server
        .reply(id)
        .error(&super::errors::CommandError::DenyBlocking(command));
}

/// `SUBSCRIBE channel [channel ...]`.
fn subscribe_command(server: &mut Server, id: ClientId, argv: &Argv) {
    // Inside MULTI it is allowed, for compatibility (Redis's exception).
    let c = server.client(id);
    if c.has(flags::DENY_BLOCKING) && !c.has(flags::MULTI) {
        return deny_blocking(server, id, "SUBSCRIBE");
    }
    for channel in &argv[1..] {
        subscribe(server, id, Kind::Channel, channel);
    }
}

/// `UNSUBSCRIBE [channel ...]`.
fn unsubscribe_command(server: &mut Server, id: ClientId, argv: &Argv) {
    unsubscribe_names(server, id, Kind::Channel, argv);
}

/// `PSUBSCRIBE pattern [pattern ...]`.
fn psubscribe_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let c = server.client(id);
    if c.has(flags::DENY_BLOCKING) && !c.has(flags::MULTI) {
        return deny_blocking(server, id, "PSUBSCRIBE");
    }
    for pattern in &argv[1..] {
        subscribe(server, id, Kind::Pattern, pattern);
    }
}

/// `PUNSUBSCRIBE [pattern ...]`.
fn punsubscribe_command(server: &mut Server, id: ClientId, argv: &Argv) {
    unsubscribe_names(server, id, Kind::Pattern, argv);
}

/// `SSUBSCRIBE shardchannel [shardchannel ...]`: refused inside a
/// transaction too, unlike SUBSCRIBE (7.0 has no MULTI exception here).
fn ssubscribe_command(server: &mut Server, id: ClientId, argv: &Argv) {
    if server.client(id).has(flags::DENY_BLOCKING) {
        return deny_blocking(server, id, "SSUBSCRIBE");
    }
    for channel in &argv[1..] {
        subscribe(server, id, Kind::Shard, channel);
    }
}

/// `SUNSUBSCRIBE [shardchannel ...]`.
fn sunsubscribe_command(server: &mut Server, id: ClientId, argv: &Argv) {
    unsubscribe_names(server, id, Kind::Shard, argv);
}

/// The UNSUBSCRIBE family: the names given, or all of the kind.
fn unsubscribe_names(server: &mut Server, id: ClientId, kind: Kind, argv: &Argv) {
    if argv.len() == 1 {
        unsubscribe_all_of(server, id, kind);
        return;
    }
    for name in &argv[1..] {
        unsubscribe(server, id, kind, name, true);
    }
}

/// `PUBLISH channel message`.
fn publish_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let receivers = publish(server, &argv[1], &argv[2]);
    server.reply(id).integer(receivers as i64);
}

/// `SPUBLISH shardchannel message`: shard subscribers only, no patterns.
fn spublish_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let receivers = publish_kind(server, Kind::Shard, &argv[1], &argv[2]);
    server.reply(id).integer(receivers as i64);
}

/// Bytes up to the first NUL, as C's `%s` prints them.
fn c_str(bytes: &[u8]) -> &[u8] {
    match memchr::memchr(0, bytes) {
        Some(nul) => &bytes[..nul],
        None => bytes,
    }
}

/// `addReplySubcommandSyntaxError`: the subcommand exists but was given
/// the wrong number of arguments for it.
fn subcommand_syntax_error(server: &mut Server, id: ClientId, argv: &Argv) {
    let sub = c_str(&argv[1]);
    let sub = sub[..sub.len().min(128)].to_vec();
    let err = CommandError::SubcommandSyntax(sub, c_str(&argv[0]).to_vec());
    server.reply(id).error(&err);
}

/// The names of `map` that `pattern` matches, all without one
/// (`channelList`).
fn channel_list(server: &mut Server, id: ClientId, kind: Kind, argv: &Argv) {
    if argv.len() > 3 {
        return subcommand_syntax_error(server, id, argv);
    }
    let map = kind.server_map_ref(&server.pubsub);
    let pattern = argv.get(2);
    let names: Vec<Vec<u8>> = map
        .keys()
        .filter(|name| pattern.is_none_or(|p| glob_match(p, name, false)))
        .cloned()
        .collect();
    let r = server.reply(id);
    r.array_len(names.len());
    for name in &names {
        r.bulk(name);
    }
}

/// Each name given with its subscriber count, as a flat array in both
/// protocols.
fn numsub(server: &mut Server, id: ClientId, kind: Kind, argv: &Argv) {
    let map = kind.server_map_ref(&server.pubsub);
    let counts: Vec<usize> = argv[2..]
        .iter()
        .map(|name| map.get(name).map_or(0, Vec::len))
        .collect();
    let r = server.reply(id);
    r.array_len(2 * counts.len());
    for (name, count) in argv[2..].iter().zip(counts) {
        r.bulk(name);
        r.integer(count as i64);
    }
}

/// `PUBSUB CHANNELS [pattern]`.
fn pubsub_channels_command(server: &mut Server, id: ClientId, argv: &Argv) {
    channel_list(server, id, Kind::Channel, argv);
}

/// `PUBSUB NUMSUB [channel ...]`: pattern subscribers are not counted.
fn pubsub_numsub_command(server: &mut Server, id: ClientId, argv: &Argv) {
    numsub(server, id, Kind::Channel, argv);
}

/// `PUBSUB NUMPAT`: distinct patterns, not pattern subscriptions.
fn pubsub_numpat_command(server: &mut Server, id: ClientId, _argv: &Argv) {
    let n = server.pubsub.pattern_count();
    server.reply(id).integer(n as i64);
}

/// `PUBSUB SHARDCHANNELS [pattern]`.
fn pubsub_shardchannels_command(server: &mut Server, id: ClientId, argv: &Argv) {
    channel_list(server, id, Kind::Shard, argv);
}

/// `PUBSUB SHARDNUMSUB [shardchannel ...]`.
fn pubsub_shardnumsub_command(server: &mut Server, id: ClientId, argv: &Argv) {
    numsub(server, id, Kind::Shard, argv);
}

/// `PUBSUB HELP`.
fn pubsub_help_command(server: &mut Server, id: ClientId, _argv: &Argv) {
    add_reply_help(
        server.reply(id),
        "PUBSUB",
        &[
            "CHANNELS [<pattern>]",
            "    Channels that have subscribers, only those matching <pattern> if given.",
            "NUMPAT",
            "    How many distinct patterns clients are subscribed to.",
            "NUMSUB [<channel> ...]",
            "    Each <channel> with its number of subscribers; pattern subscriptions",
            "    are not counted.",
            "SHARDCHANNELS [<pattern>]",
            "    Shard channels that have subscribers, only those matching <pattern> if given.",
            "SHARDNUMSUB [<shardchannel> ...]",
            "    Each <shardchannel> with its number of subscribers.",
        ],
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_resp2_arrays_of_bulks() {
        let mut out = Vec::new();
        encode_frame(&mut out, &[b"message", b"ch", b""]);
        assert_eq!(out, b"*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$0\r\n\r\n");
        let big = vec![b'x'; 12345];
        let mut out = Vec::new();
        encode_frame(&mut out, &[b"pmessage", b"c*", b"ch", &big]);
        assert!(out.starts_with(b"*4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$12345\r\n"));
        assert!(out.ends_with(b"x\r\n"));
    }

    #[test]
    fn a_subscriber_list_keeps_order_and_disappears_when_empty() {
        let mut map: HashMap<Vec<u8>, Vec<ClientId>> = HashMap::new();
        map.insert(b"ch".to_vec(), vec![ClientId(3), ClientId(1), ClientId(2)]);
        remove_subscriber(&mut map, b"ch", ClientId(1));
        assert_eq!(map[&b"ch".to_vec()], [ClientId(3), ClientId(2)]);
        remove_subscriber(&mut map, b"ch", ClientId(9));
        remove_subscriber(&mut map, b"nosuch", ClientId(3));
        remove_subscriber(&mut map, b"ch", ClientId(3));
        remove_subscriber(&mut map, b"ch", ClientId(2));
        assert!(map.is_empty());
    }
}
