//! Pub/Sub (pubsub.c) and client output buffer limits (networking.c's
//! `checkClientOutputBufferLimits`): the confirmation and message frames
//! byte for byte in RESP2 and RESP3, delivery to channel and pattern
//! subscribers with the right counts, subscribed mode, PUBSUB's
//! subcommands, SUBSCRIBE inside MULTI/EXEC, cleanup on RESET and on
//! disconnect, and the limits closing a subscriber that never reads.
//!
//! Where Redis's order is its dict's (UNSUBSCRIBE without arguments,
//! PUBSUB CHANNELS, one client's pattern matches), frames are compared as
//! sets. Metadata and fixed replies are compared with a live redis-server;
//! every test also passes with `FERRODIS_TEST_TARGET=redis`. Waits poll
//! with deadlines; the only pauses pace a publisher in the soft-limit
//! test, where time passing is the point.

mod common;

use std::time::{Duration, Instant};

use common::{read_to_close, reply_len, wait_until, Conn, Server, DEADLINE};

const SUBSCRIBED_CONTEXT: &str = "only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET \
                                  are allowed in this context";

fn bulk(s: &str) -> String {
    format!("${}\r\n{s}\r\n", s.len())
}

/// A confirmation frame in RESP2: `[word, name or null, count]`.
fn confirm(word: &str, name: Option<&str>, count: i64) -> String {
    let name = name.map_or_else(|| "$-1\r\n".to_string(), bulk);
    format!("*3\r\n{}{name}:{count}\r\n", bulk(word))
}

/// The same frame pushed to a RESP3 client.
fn confirm3(word: &str, name: Option<&str>, count: i64) -> String {
    let name = name.map_or_else(|| "_\r\n".to_string(), bulk);
    format!(">3\r\n{}{name}:{count}\r\n", bulk(word))
}

fn message(channel: &str, msg: &str) -> String {
    format!("*3\r\n{}{}{}", bulk("message"), bulk(channel), bulk(msg))
}

fn pmessage(pattern: &str, channel: &str, msg: &str) -> String {
    format!(
        "*4\r\n{}{}{}{}",
        bulk("pmessage"),
        bulk(pattern),
        bulk(channel),
        bulk(msg)
    )
}

fn smessage(channel: &str, msg: &str) -> String {
    format!("*3\r\n{}{}{}", bulk("smessage"), bulk(channel), bulk(msg))
}

/// Reads `n` replies and returns them sorted, for frames whose order is
/// Redis's dict order.
fn read_sorted(c: &mut Conn, n: usize) -> Vec<String> {
    let mut v: Vec<String> = (0..n).map(|_| c.read()).collect();
    v.sort();
    v
}

fn sorted(items: &[String]) -> Vec<String> {
    let mut v = items.to_vec();
    v.sort();
    v
}

const END: &str = "end-of-frames";

/// Sends `args` and returns every frame it produced, however many: a PING
/// with a marker follows it (allowed in subscribed mode too), and the
/// frames before PING's answer are the command's.
fn call_frames(c: &mut Conn, args: &[&str]) -> String {
    c.send(args);
    c.send(&["PING", END]);
    let mut out = String::new();
    loop {
        let frame = c.read();
        if frame.ends_with(&bulk(END)) {
            return out;
        }
        out.push_str(&frame);
    }
}

/// Sends `args` and asserts the frames it produced are exactly `expected`.
fn expect_frames(c: &mut Conn, args: &[&str], expected: &str) {
    assert_eq!(call_frames(c, args), expected, "frames for {args:?}");
}

/// Sends the same command to both servers and asserts equal frames.
fn assert_same(ours: &mut Conn, redis: &mut Conn, args: &[&str]) -> String {
    let want = call_frames(redis, args);
    let got = call_frames(ours, args);
    assert_eq!(got, want, "reply to {args:?} differs from redis-server's");
    got
}

/// A field of an INFO reply.
fn info_field(c: &mut Conn, section: &str, field: &str) -> u64 {
    let info = c.call(&["INFO", section]);
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("{field} in INFO {section}"))
}

/// PUBSUB NUMSUB of one channel.
fn numsub(c: &mut Conn, channel: &str) -> i64 {
    let reply = c.call(&["PUBSUB", "NUMSUB", channel]);
    let prefix = format!("*2\r\n{}:", bulk(channel));
    reply
        .strip_prefix(&prefix)
        .and_then(|r| r.strip_suffix("\r\n"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("PUBSUB NUMSUB {channel}: {reply:?}"))
}

/// An admin connection that has set the output limits to `limit` (for
/// example `pubsub 1mb 256kb 60`), and a subscriber to `ch` with its
/// client id.
fn limited_subscriber(server: &Server, limit: &str) -> (Conn, Conn, i64) {
    let mut admin = Conn::open(server);
    admin.expect(
        &["CONFIG", "SET", "client-output-buffer-limit", limit],
        "+OK\r\n",
    );
    let mut sub = Conn::open(server);
    let sub_id = sub.int(&["CLIENT", "ID"]);
    sub.expect(&["SUBSCRIBE", "ch"], &confirm("subscribe", Some("ch"), 1));
    (admin, sub, sub_id)
}

/// The CLIENT LIST line of the client with this id.
fn client_line(admin: &mut Conn, id: i64) -> Option<String> {
    let list = admin.call(&["CLIENT", "LIST", "ID", &id.to_string()]);
    list.lines()
        .find(|l| l.contains(&format!("id={id} ")))
        .map(str::to_string)
}

/// A `name=value` field of a CLIENT LIST line.
fn list_field<'a>(line: &'a str, name: &str) -> &'a str {
    line.split(' ')
        .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("{name}= in {line:?}"))
}

// ---------------------------------------------------------------------------
// Command metadata

/// The elements of a RESP aggregate, each as its raw bytes.
fn items(reply: &[u8]) -> Vec<Vec<u8>> {
    let eol = reply
        .windows(2)
        .position(|w| w == b"\r\n")
        .expect("aggregate header");
    let n: usize = std::str::from_utf8(&reply[1..eol])
        .expect("header")
        .parse()
        .expect("count");
    let mut pos = eol + 2;
    let mut out = Vec::new();
    for _ in 0..n {
        let len = reply_len(&reply[pos..]).expect("complete element");
        out.push(reply[pos..pos + len].to_vec());
        pos += len;
    }
    out
}

/// COMMAND INFO of one command with the subcommand entries sorted: Redis
/// lists them in dict order, which changes from one process to the next.
fn command_info_sorted(c: &mut Conn, name: &str) -> String {
    c.send(&["COMMAND", "INFO", name]);
    let reply = c.read_raw();
    let entry = items(&reply).pop().expect("one entry");
    let mut fields = items(&entry);
    assert_eq!(fields.len(), 10, "{}", String::from_utf8_lossy(&entry));
    let mut subs = items(&fields[9]);
    subs.sort();
    fields[9] = format!("*{}\r\n", subs.len()).into_bytes();
    fields.extend(subs);
    String::from_utf8_lossy(&fields.concat()).into_owned()
}

/// COMMAND DOCS of one command with the prose blanked: the summary and
/// complexity texts are ferrodis's own words, everything else is fact.
fn command_docs_facts(c: &mut Conn, name: &str) -> String {
    c.send(&["COMMAND", "DOCS", name]);
    let reply = c.read_raw();
    let top = items(&reply);
    assert_eq!(top.len(), 2, "{}", String::from_utf8_lossy(&reply));
    let mut fields = items(&top[1]);
    for i in (0..fields.len()).step_by(2) {
        if fields[i] == b"$7\r\nsummary\r\n" || fields[i] == b"$10\r\ncomplexity\r\n" {
            fields[i + 1] = b"$0\r\n\r\n".to_vec();
        }
    }
    String::from_utf8_lossy(&fields.concat()).into_owned()
}

// COMMAND INFO of every Pub/Sub command equals redis-server 7.0's, and
// COMMAND DOCS does apart from the prose.
#[test]
fn command_metadata_matches_redis() {
    let server = Server::start(&[]);
    let redis = Server::start_redis(&[]);
    let mut ours = Conn::open(&server);
    let mut theirs = Conn::open(&redis);
    let commands = [
        "subscribe",
        "unsubscribe",
        "psubscribe",
        "punsubscribe",
        "publish",
        "ssubscribe",
        "sunsubscribe",
        "spublish",
    ];
    for name in commands {
        assert_same(&mut ours, &mut theirs, &["COMMAND", "INFO", name]);
        assert_eq!(
            command_docs_facts(&mut ours, name),
            command_docs_facts(&mut theirs, name),
            "COMMAND DOCS {name}"
        );
    }
    assert_eq!(
        command_info_sorted(&mut ours, "pubsub"),
        command_info_sorted(&mut theirs, "pubsub"),
        "COMMAND INFO pubsub (subcommands sorted)"
    );
    for sub in [
        "channels",
        "numsub",
        "numpat",
        "shardchannels",
        "shardnumsub",
        "help",
    ] {
        let name = format!("pubsub|{sub}");
        assert_eq!(
            command_docs_facts(&mut ours, &name),
            command_docs_facts(&mut theirs, &name),
            "COMMAND DOCS {name}"
        );
    }
    // Shard channels are declared as keys that are not keys.
    assert_same(
        &mut ours,
        &mut theirs,
        &["COMMAND", "GETKEYSANDFLAGS", "publish", "a", "b"],
    );
}

// ---------------------------------------------------------------------------
// Confirmations

// Every confirmation frame, byte for byte as redis-server sends it: the
// running count is channels + patterns, shard channels count apart, a
// repeated or unknown name is still confirmed, and an UNSUBSCRIBE with
// nothing to drop answers one frame with a null name.
#[test]
fn confirmations_match_redis() {
    let server = Server::start(&[]);
    let redis = Server::start_redis(&[]);
    let mut ours = Conn::open(&server);
    let mut theirs = Conn::open(&redis);
    let script: &[&[&str]] = &[
        &["UNSUBSCRIBE"],
        &["PUNSUBSCRIBE"],
        &["SUNSUBSCRIBE"],
        &["SUBSCRIBE", "a", "b", "a"],
        &["PSUBSCRIBE", "p*", "p*"],
        &["SSUBSCRIBE", "s1", "s2", "s1"],
        &["UNSUBSCRIBE", "b", "nosuch"],
        &["UNSUBSCRIBE"],
        &["UNSUBSCRIBE"],
        &["PUNSUBSCRIBE", "nosuch"],
        &["PUNSUBSCRIBE"],
        &["PUNSUBSCRIBE"],
        &["SUNSUBSCRIBE", "s2"],
        &["SUNSUBSCRIBE"],
        &["SUNSUBSCRIBE"],
        &["SUBSCRIBE"],
        &["PSUBSCRIBE"],
        &["SSUBSCRIBE"],
        &["PUBLISH", "a"],
        &["SPUBLISH", "a", "b", "c"],
        &["GET", "k"],
    ];
    for args in script {
        assert_same(&mut ours, &mut theirs, args);
    }
    // The same, spelled out, for the reader.
    expect_frames(
        &mut ours,
        &["SUBSCRIBE", "x", "y"],
        &(confirm("subscribe", Some("x"), 1) + &confirm("subscribe", Some("y"), 2)),
    );
    expect_frames(
        &mut ours,
        &["PSUBSCRIBE", "x*"],
        &confirm("psubscribe", Some("x*"), 3),
    );
    expect_frames(
        &mut ours,
        &["SSUBSCRIBE", "x"],
        &confirm("ssubscribe", Some("x"), 1),
    );
    expect_frames(
        &mut ours,
        &["UNSUBSCRIBE", "y"],
        &confirm("unsubscribe", Some("y"), 2),
    );
    expect_frames(
        &mut ours,
        &["SUNSUBSCRIBE"],
        &confirm("sunsubscribe", Some("x"), 0),
    );
    expect_frames(
        &mut ours,
        &["PUNSUBSCRIBE"],
        &confirm("punsubscribe", Some("x*"), 1),
    );
    expect_frames(
        &mut ours,
        &["UNSUBSCRIBE"],
        &confirm("unsubscribe", Some("x"), 0),
    );
    expect_frames(
        &mut ours,
        &["UNSUBSCRIBE"],
        &confirm("unsubscribe", None, 0),
    );
}

// UNSUBSCRIBE without arguments confirms each channel once, the count
// falling to the pattern count; the order is the set's, as in Redis.
#[test]
fn unsubscribe_all_confirms_each_channel() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.send(&["SUBSCRIBE", "a", "b", "c"]);
    c.send(&["PSUBSCRIBE", "p"]);
    for _ in 0..4 {
        c.read();
    }
    c.send(&["UNSUBSCRIBE"]);
    let frames: Vec<String> = (0..3).map(|_| c.read()).collect();
    let mut names = Vec::new();
    for (i, f) in frames.iter().enumerate() {
        let count = 3 - i as i64;
        let name = ["a", "b", "c"]
            .into_iter()
            .find(|n| *f == confirm("unsubscribe", Some(n), count))
            .unwrap_or_else(|| panic!("unexpected frame {f:?}"));
        names.push(name);
    }
    names.sort();
    assert_eq!(names, ["a", "b", "c"]);
    c.expect(&["PUNSUBSCRIBE"], &confirm("punsubscribe", Some("p"), 0));
    c.expect(&["PING"], "+PONG\r\n");
}

// ---------------------------------------------------------------------------
// Delivery

// PUBLISH reaches every channel subscriber and one pmessage per matching
// pattern per client, counts each of those, and ignores shard channels;
// SPUBLISH reaches shard subscribers only.
#[test]
fn publish_reaches_channels_and_patterns_with_counts() {
    let server = Server::start(&[]);
    let mut publisher = Conn::open(&server);
    let mut plain: Vec<Conn> = (0..3).map(|_| Conn::open(&server)).collect();
    for c in &mut plain {
        c.expect(
            &["SUBSCRIBE", "news"],
            &confirm("subscribe", Some("news"), 1),
        );
    }
    let mut both = Conn::open(&server);
    both.expect(
        &["SUBSCRIBE", "news"],
        &confirm("subscribe", Some("news"), 1),
    );
    both.send(&["PSUBSCRIBE", "n*", "*s", "x*"]);
    for _ in 0..3 {
        both.read();
    }
    let mut shard = Conn::open(&server);
    shard.expect(
        &["SSUBSCRIBE", "news"],
        &confirm("ssubscribe", Some("news"), 1),
    );

    // 3 plain + 1 channel + 2 matching patterns.
    publisher.expect(&["PUBLISH", "news", "hello"], ":6\r\n");
    for c in &mut plain {
        assert_eq!(c.read(), message("news", "hello"));
    }
    // The channel's frame first, then the patterns' (in dict order).
    assert_eq!(both.read(), message("news", "hello"));
    assert_eq!(
        read_sorted(&mut both, 2),
        sorted(&[
            pmessage("n*", "news", "hello"),
            pmessage("*s", "news", "hello")
        ])
    );
    // Patterns alone.
    publisher.expect(&["PUBLISH", "xs", "m"], ":2\r\n");
    assert_eq!(
        read_sorted(&mut both, 2),
        sorted(&[pmessage("*s", "xs", "m"), pmessage("x*", "xs", "m")])
    );
    publisher.expect(&["PUBLISH", "nobody", ""], ":1\r\n");
    assert_eq!(both.read(), pmessage("n*", "nobody", ""));
    publisher.expect(&["PUBLISH", "zzz", "m"], ":0\r\n");
    // Shard channels are a namespace of their own.
    publisher.expect(&["SPUBLISH", "news", "s"], ":1\r\n");
    assert_eq!(shard.read(), smessage("news", "s"));
    publisher.expect(&["SPUBLISH", "nosuch", "s"], ":0\r\n");
    // Binary-safe names and payloads.
    let mut bin = Conn::open(&server);
    bin.expect(
        &["SUBSCRIBE", "a\r\nb"],
        &confirm("subscribe", Some("a\r\nb"), 1),
    );
    publisher.expect(&["PUBLISH", "a\r\nb", "x\0y"], ":1\r\n");
    assert_eq!(bin.read(), message("a\r\nb", "x\0y"));
    // Nothing else arrived anywhere: the next frame is the last message.
    publisher.expect(&["PUBLISH", "news", "end"], ":6\r\n");
    for c in plain.iter_mut().chain([&mut both]) {
        assert_eq!(c.read(), message("news", "end"));
    }
    publisher.expect(&["SPUBLISH", "news", "end"], ":1\r\n");
    assert_eq!(shard.read(), smessage("news", "end"));
}

// Many subscribers and patterns: each gets every message once per
// subscription, in publishing order, and big messages arrive whole.
#[test]
fn publish_to_many_subscribers() {
    let server = Server::start(&[]);
    let mut publisher = Conn::open(&server);
    let mut subs: Vec<Conn> = (0..50).map(|_| Conn::open(&server)).collect();
    for (i, c) in subs.iter_mut().enumerate() {
        if i % 2 == 0 {
            c.expect(&["SUBSCRIBE", "ch"], &confirm("subscribe", Some("ch"), 1));
        } else {
            c.expect(&["PSUBSCRIBE", "c?"], &confirm("psubscribe", Some("c?"), 1));
        }
    }
    let big = "v".repeat(100_000);
    for n in 0..20 {
        let msg = if n == 10 {
            big.clone()
        } else {
            format!("m{n}")
        };
        publisher.expect(&["PUBLISH", "ch", &msg], ":50\r\n");
    }
    for (i, c) in subs.iter_mut().enumerate() {
        for n in 0..20 {
            let msg = if n == 10 {
                big.clone()
            } else {
                format!("m{n}")
            };
            let want = if i % 2 == 0 {
                message("ch", &msg)
            } else {
                pmessage("c?", "ch", &msg)
            };
            assert_eq!(c.read(), want, "subscriber {i}, message {n}");
        }
    }
    assert_eq!(numsub(&mut publisher, "ch"), 25);
    publisher.expect(&["PUBSUB", "NUMPAT"], ":1\r\n");
}

// Publishers at work in parallel, pipelining, while before_sleep holds
// subscribers' output back between their batches (networking::fanout_hold):
// every subscriber still gets every message once, each publisher's in its
// publishing order, and each publisher every reply.
#[test]
fn concurrent_publishers_reach_every_subscriber_in_order() {
    const PUBLISHERS: usize = 8;
    const PER_PUBLISHER: usize = 300;
    const BATCH: usize = 10;
    let server = Server::start(&[]);
    let mut subs: Vec<Conn> = (0..10).map(|_| Conn::open(&server)).collect();
    for c in subs.iter_mut() {
        c.expect(&["SUBSCRIBE", "ch"], &confirm("subscribe", Some("ch"), 1));
    }
    let threads: Vec<_> = (0..PUBLISHERS)
        .map(|p| {
            let mut c = Conn::open(&server);
            std::thread::spawn(move || {
                for start in (0..PER_PUBLISHER).step_by(BATCH) {
                    for n in start..start + BATCH {
                        c.send(&["PUBLISH", "ch", &format!("{p}:{n}")]);
                    }
                    for _ in 0..BATCH {
                        assert_eq!(c.read(), ":10\r\n", "publisher {p}");
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("publisher thread");
    }
    for (i, c) in subs.iter_mut().enumerate() {
        let mut next = [0usize; PUBLISHERS];
        for _ in 0..PUBLISHERS * PER_PUBLISHER {
            let frame = c.read();
            let body = frame.rsplit("\r\n").nth(1).unwrap_or_default();
            let (p, n) = body.split_once(':').expect("a p:n message");
            let (p, n): (usize, usize) = (p.parse().expect("p"), n.parse().expect("n"));
            assert_eq!(frame, message("ch", body), "subscriber {i}");
            assert_eq!(n, next[p], "subscriber {i}: publisher {p} out of order");
            next[p] += 1;
        }
        assert_eq!(next, [PER_PUBLISHER; PUBLISHERS], "subscriber {i}");
    }
}

// ---------------------------------------------------------------------------
// Subscribed mode

// A RESP2 client with any subscription only (un)subscribes, pings, quits
// or resets; PING answers in the message shape; the mode ends with the
// last subscription.
#[test]
fn resp2_subscribed_mode() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["PING"], "+PONG\r\n");
    c.expect(&["SSUBSCRIBE", "s"], &confirm("ssubscribe", Some("s"), 1));
    for (args, name) in [
        (&["GET", "k"][..], "get"),
        (&["PUBLISH", "a", "b"][..], "publish"),
        (&["PUBSUB", "CHANNELS"][..], "pubsub|channels"),
        (&["CLIENT", "LIST"][..], "client|list"),
        (&["HELLO", "3"][..], "hello"),
        (&["MULTI"][..], "multi"),
    ] {
        c.expect(
            args,
            &format!("-ERR Can't execute '{name}': {SUBSCRIBED_CONTEXT}\r\n"),
        );
    }
    c.expect(&["PING"], "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    c.expect(&["PING", "hi"], "*2\r\n$4\r\npong\r\n$2\r\nhi\r\n");
    c.expect(
        &["PING", "a", "b"],
        "-ERR wrong number of arguments for 'ping' command\r\n",
    );
    c.expect(&["SUBSCRIBE", "a"], &confirm("subscribe", Some("a"), 1));
    c.expect(&["PSUBSCRIBE", "p"], &confirm("psubscribe", Some("p"), 2));
    c.expect(&["UNSUBSCRIBE"], &confirm("unsubscribe", Some("a"), 1));
    c.expect(&["PUNSUBSCRIBE"], &confirm("punsubscribe", Some("p"), 0));
    // Still a shard subscription: still subscribed mode.
    c.expect(
        &["GET", "k"],
        &format!("-ERR Can't execute 'get': {SUBSCRIBED_CONTEXT}\r\n"),
    );
    c.expect(&["SUNSUBSCRIBE"], &confirm("sunsubscribe", Some("s"), 0));
    c.expect(&["GET", "k"], "$-1\r\n");
    c.expect(&["PING"], "+PONG\r\n");
    // QUIT is allowed, and closes.
    c.expect(&["SUBSCRIBE", "a"], &confirm("subscribe", Some("a"), 1));
    c.send(&["QUIT"]);
    let (bytes, closed) = read_to_close(&mut c.stream, DEADLINE);
    assert_eq!(String::from_utf8_lossy(&bytes), "+OK\r\n");
    assert!(closed);
}

// RESP3 clients get confirmations and messages as push frames and keep
// running ordinary commands in between; PING stays +PONG.
#[test]
fn resp3_push_frames_interleave_with_replies() {
    let server = Server::start(&[]);
    let mut publisher = Conn::open(&server);
    let mut c = Conn::open(&server);
    c.send(&["HELLO", "3"]);
    c.read();
    c.expect(&["SUBSCRIBE", "ch"], &confirm3("subscribe", Some("ch"), 1));
    c.expect(
        &["PSUBSCRIBE", "c*"],
        &confirm3("psubscribe", Some("c*"), 2),
    );
    c.expect(&["SET", "k", "v"], "+OK\r\n");
    c.expect(&["PING"], "+PONG\r\n");
    publisher.expect(&["PUBLISH", "ch", "m1"], ":2\r\n");
    // The pushes were queued before GET's reply.
    c.send(&["GET", "k"]);
    assert_eq!(
        c.read(),
        format!(">3\r\n{}{}{}", bulk("message"), bulk("ch"), bulk("m1"))
    );
    assert_eq!(
        c.read(),
        format!(
            ">4\r\n{}{}{}{}",
            bulk("pmessage"),
            bulk("c*"),
            bulk("ch"),
            bulk("m1")
        )
    );
    assert_eq!(c.read(), "$1\r\nv\r\n");
    // A RESP3 subscriber may publish, and hears itself first.
    c.send(&["PUBLISH", "ch", "me"]);
    assert_eq!(
        c.read(),
        format!(">3\r\n{}{}{}", bulk("message"), bulk("ch"), bulk("me"))
    );
    c.read();
    assert_eq!(c.read(), ":2\r\n");
    c.expect(
        &["PUBSUB", "NUMSUB", "ch"],
        &format!("*2\r\n{}:1\r\n", bulk("ch")),
    );
    c.expect(&["UNSUBSCRIBE"], &confirm3("unsubscribe", Some("ch"), 1));
    c.expect(&["UNSUBSCRIBE"], &confirm3("unsubscribe", None, 1));
    c.expect(&["PUNSUBSCRIBE"], &confirm3("punsubscribe", Some("c*"), 0));
    c.expect(&["SSUBSCRIBE", "s"], &confirm3("ssubscribe", Some("s"), 1));
    publisher.expect(&["SPUBLISH", "s", "x"], ":1\r\n");
    assert_eq!(
        c.read(),
        format!(">3\r\n{}{}{}", bulk("smessage"), bulk("s"), bulk("x"))
    );
    c.expect(&["SUNSUBSCRIBE"], &confirm3("sunsubscribe", Some("s"), 0));
    c.expect(&["SUNSUBSCRIBE"], &confirm3("sunsubscribe", None, 0));
    // Back to RESP2 with a subscription: subscribed mode applies.
    c.expect(&["SUBSCRIBE", "z"], &confirm3("subscribe", Some("z"), 1));
    c.send(&["HELLO", "2"]);
    c.read();
    c.expect(
        &["GET", "k"],
        &format!("-ERR Can't execute 'get': {SUBSCRIBED_CONTEXT}\r\n"),
    );
}

// SUBSCRIBE queued in MULTI runs in EXEC, its frames inside EXEC's array
// as Redis writes them, and leaves the client subscribed; SSUBSCRIBE is
// refused there.
#[test]
fn subscribe_inside_multi_exec() {
    let server = Server::start(&[]);
    let redis = Server::start_redis(&[]);
    let mut ours = Conn::open(&server);
    let mut theirs = Conn::open(&redis);
    // Queued commands go one by one: PING would be queued too.
    for args in [
        &["MULTI"][..],
        &["SUBSCRIBE", "a", "b"],
        &["PING"],
        &["SSUBSCRIBE", "s"],
        &["PSUBSCRIBE", "p"],
    ] {
        let want = theirs.call(args);
        assert_eq!(ours.call(args), want, "reply to {args:?}");
    }
    // EXEC's array counts 4 commands but holds 5 frames: SUBSCRIBE wrote
    // one per channel, as in Redis.
    for args in [
        &["EXEC"][..],
        &["GET", "k"],
        &["PING"],
        &["RESET"],
        &["GET", "k"],
    ] {
        assert_same(&mut ours, &mut theirs, args);
    }
    ours.expect(&["MULTI"], "+OK\r\n");
    ours.expect(&["SUBSCRIBE", "a"], "+QUEUED\r\n");
    ours.expect(&["PING", "x"], "+QUEUED\r\n");
    ours.expect(
        &["EXEC"],
        &format!(
            "*2\r\n{}*2\r\n$4\r\npong\r\n$1\r\nx\r\n",
            confirm("subscribe", Some("a"), 1)
        ),
    );
    ours.expect(
        &["PUBSUB", "NUMSUB", "a"],
        &format!("-ERR Can't execute 'pubsub|numsub': {SUBSCRIBED_CONTEXT}\r\n"),
    );
    ours.expect(&["RESET"], "+RESET\r\n");
    ours.expect(&["MULTI"], "+OK\r\n");
    ours.expect(&["SSUBSCRIBE", "s"], "+QUEUED\r\n");
    ours.expect(
        &["EXEC"],
        "*1\r\n-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n",
    );
    ours.expect(&["PUBSUB", "SHARDCHANNELS"], "*0\r\n");
}

// ---------------------------------------------------------------------------
// Introspection

#[test]
fn pubsub_subcommands() {
    let server = Server::start(&[]);
    let redis = Server::start_redis(&[]);
    let mut admin = Conn::open(&server);
    let mut theirs = Conn::open(&redis);
    admin.expect(&["PUBSUB", "CHANNELS"], "*0\r\n");
    admin.expect(&["PUBSUB", "NUMSUB"], "*0\r\n");
    admin.expect(&["PUBSUB", "NUMPAT"], ":0\r\n");

    let mut a = Conn::open(&server);
    let mut b = Conn::open(&server);
    a.send(&["SUBSCRIBE", "news.tech", "news.art", "weather"]);
    a.send(&["PSUBSCRIBE", "news.*", "w*"]);
    a.send(&["SSUBSCRIBE", "s1", "s2"]);
    b.send(&["SUBSCRIBE", "news.tech"]);
    b.send(&["PSUBSCRIBE", "news.*"]);
    b.send(&["SSUBSCRIBE", "s1"]);
    for _ in 0..7 {
        a.read();
    }
    for _ in 0..3 {
        b.read();
    }

    let channels = |c: &mut Conn, args: &[&str]| -> Vec<String> {
        let reply = c.call(args);
        let (head, rest) = reply.split_once("\r\n").expect("array header");
        let mut names: Vec<String> = rest
            .split("\r\n")
            .filter(|l| !l.is_empty() && !l.starts_with('$'))
            .map(str::to_string)
            .collect();
        assert_eq!(head, format!("*{}", names.len()), "{reply:?}");
        names.sort();
        names
    };
    assert_eq!(
        channels(&mut admin, &["PUBSUB", "CHANNELS"]),
        ["news.art", "news.tech", "weather"]
    );
    assert_eq!(
        channels(&mut admin, &["pubsub", "channels", "news.*"]),
        ["news.art", "news.tech"]
    );
    assert_eq!(
        channels(&mut admin, &["PUBSUB", "CHANNELS", "n[a-z]ws.[^a]*"]),
        ["news.tech"]
    );
    assert!(channels(&mut admin, &["PUBSUB", "CHANNELS", "nomatch*"]).is_empty());
    assert_eq!(
        channels(&mut admin, &["PUBSUB", "SHARDCHANNELS"]),
        ["s1", "s2"]
    );
    assert_eq!(
        channels(&mut admin, &["PUBSUB", "SHARDCHANNELS", "*2"]),
        ["s2"]
    );
    admin.expect(
        &["PUBSUB", "NUMSUB", "news.tech", "weather", "news.*", "s1"],
        &format!(
            "*8\r\n{}:2\r\n{}:1\r\n{}:0\r\n{}:0\r\n",
            bulk("news.tech"),
            bulk("weather"),
            bulk("news.*"),
            bulk("s1")
        ),
    );
    admin.expect(
        &["PUBSUB", "SHARDNUMSUB", "s1", "s2", "news.tech"],
        &format!(
            "*6\r\n{}:2\r\n{}:1\r\n{}:0\r\n",
            bulk("s1"),
            bulk("s2"),
            bulk("news.tech")
        ),
    );
    // Distinct patterns, not subscriptions.
    admin.expect(&["PUBSUB", "NUMPAT"], ":2\r\n");
    // NUMSUB is a flat array in RESP3 too.
    admin.send(&["HELLO", "3"]);
    admin.read();
    admin.expect(
        &["PUBSUB", "NUMSUB", "weather"],
        &format!("*2\r\n{}:1\r\n", bulk("weather")),
    );

    // Errors, as redis-server words them.
    let mut ours = Conn::open(&server);
    for args in [
        &["PUBSUB"][..],
        &["PUBSUB", "CHANNELS", "a", "b"],
        &["PUBSUB", "SHARDCHANNELS", "a", "b"],
        &["pubsub", "numpat", "x"],
        &["PUBSUB", "HELP", "x"],
        &["PUBSUB", "nosuch"],
        &["PUBSUB", "nosuch", "a"],
        &["PUBLISH", "a"],
        &["SPUBLISH", "a", "b", "c"],
    ] {
        assert_same(&mut ours, &mut theirs, args);
    }
    // HELP: Redis's frame, ferrodis's words.
    let help = ours.call(&["PUBSUB", "HELP"]);
    let lines: Vec<&str> = help.split("\r\n").collect();
    assert_eq!(lines[0], "*14", "{help:?}");
    assert_eq!(
        lines[1],
        "+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    );
    for sub in [
        "CHANNELS",
        "NUMPAT",
        "NUMSUB",
        "SHARDCHANNELS",
        "SHARDNUMSUB",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(&format!("+{sub}"))),
            "HELP lacks {sub}: {help:?}"
        );
    }
    assert_eq!(lines[13], "+HELP");
    assert_eq!(lines[14], "+    Prints this help.");
}

// INFO stats counts channels, distinct patterns and shard channels; CLIENT
// LIST shows each client's counts and the P flag.
#[test]
fn info_and_client_list() {
    let server = Server::start(&[]);
    let mut admin = Conn::open(&server);
    let mut a = Conn::open(&server);
    let id = a.int(&["CLIENT", "ID"]);
    let line = client_line(&mut admin, id).expect("listed");
    assert_eq!(list_field(&line, "flags"), "N");
    a.send(&["SUBSCRIBE", "c1", "c2"]);
    a.send(&["PSUBSCRIBE", "p1", "p2", "p3"]);
    a.send(&["SSUBSCRIBE", "s1"]);
    for _ in 0..6 {
        a.read();
    }
    let mut b = Conn::open(&server);
    b.send(&["PSUBSCRIBE", "p1"]);
    b.read();
    let line = client_line(&mut admin, id).expect("listed");
    assert_eq!(list_field(&line, "flags"), "P");
    assert_eq!(list_field(&line, "sub"), "2");
    assert_eq!(list_field(&line, "psub"), "3");
    assert_eq!(list_field(&line, "ssub"), "1");
    assert_eq!(info_field(&mut admin, "stats", "pubsub_channels"), 2);
    assert_eq!(info_field(&mut admin, "stats", "pubsub_patterns"), 3);
    assert_eq!(info_field(&mut admin, "stats", "pubsubshard_channels"), 1);
    let pubsub = admin.call(&["CLIENT", "LIST", "TYPE", "pubsub"]);
    assert_eq!(pubsub.matches("flags=P").count(), 2, "{pubsub:?}");
}

// ---------------------------------------------------------------------------
// Cleanup

// RESET drops every subscription at once; a subscriber that disconnects
// leaves every channel and pattern, and the server forgets empty ones.
#[test]
fn reset_and_disconnect_drop_subscriptions() {
    let server = Server::start(&[]);
    let mut admin = Conn::open(&server);
    let mut a = Conn::open(&server);
    a.send(&["SUBSCRIBE", "ch", "only-a"]);
    a.send(&["PSUBSCRIBE", "p*"]);
    a.send(&["SSUBSCRIBE", "s"]);
    for _ in 0..4 {
        a.read();
    }
    a.expect(&["RESET"], "+RESET\r\n");
    assert_eq!(numsub(&mut admin, "ch"), 0);
    admin.expect(&["PUBSUB", "NUMPAT"], ":0\r\n");
    admin.expect(&["PUBSUB", "CHANNELS"], "*0\r\n");
    admin.expect(&["PUBLISH", "ch", "x"], ":0\r\n");
    a.expect(&["GET", "k"], "$-1\r\n");

    let mut b = Conn::open(&server);
    b.send(&["SUBSCRIBE", "ch", "only-b"]);
    b.send(&["PSUBSCRIBE", "p*"]);
    b.send(&["SSUBSCRIBE", "s"]);
    for _ in 0..4 {
        b.read();
    }
    let mut c = Conn::open(&server);
    c.expect(&["SUBSCRIBE", "ch"], &confirm("subscribe", Some("ch"), 1));
    assert_eq!(numsub(&mut admin, "ch"), 2);
    drop(b);
    assert!(
        wait_until(DEADLINE, || numsub(&mut admin, "ch") == 1),
        "the disconnected subscriber left ch"
    );
    admin.expect(&["PUBSUB", "NUMPAT"], ":0\r\n");
    admin.expect(&["PUBSUB", "SHARDCHANNELS"], "*0\r\n");
    admin.expect(&["PUBSUB", "CHANNELS"], &format!("*1\r\n{}", bulk("ch")));
    assert_eq!(info_field(&mut admin, "stats", "pubsub_channels"), 1);
    admin.expect(&["PUBLISH", "ch", "still"], ":1\r\n");
    assert_eq!(c.read(), message("ch", "still"));
    drop(c);
    assert!(wait_until(DEADLINE, || numsub(&mut admin, "ch") == 0));
    assert_eq!(info_field(&mut admin, "stats", "pubsub_channels"), 0);
}

// ---------------------------------------------------------------------------
// Output buffer limits

const LIMIT_LOG: &str = "for overcoming of output buffer limits.";

// A subscriber that never reads passes the pubsub hard limit and is
// closed; its buffered output is freed, the server keeps answering and
// its memory stays bounded while the publisher goes on.
#[test]
fn hard_limit_closes_a_subscriber_that_never_reads() {
    let server = Server::start(&[]);
    let (mut admin, mut sub, sub_id) = limited_subscriber(&server, "pubsub 1mb 256kb 60");
    let baseline = info_field(&mut admin, "memory", "used_memory");
    let payload = "x".repeat(256 * 1024);
    // 400 messages are 100 MiB: without the limit the buffer would hold
    // most of them.
    let mut peak = baseline;
    let mut dropped_after = None;
    for n in 1..=400 {
        let receivers = admin.int(&["PUBLISH", "ch", &payload]);
        peak = peak.max(info_field(&mut admin, "memory", "used_memory"));
        if receivers == 0 {
            dropped_after = Some(n);
            break;
        }
    }
    let n = dropped_after.expect("the subscriber was closed");
    assert!(n > 1, "closed before its buffer could fill");
    assert!(client_line(&mut admin, sub_id).is_none());
    // The server closed the socket (after whatever the kernel had taken).
    let (_, closed) = read_to_close(&mut sub.stream, DEADLINE);
    assert!(closed, "the subscriber's connection is closed");
    admin.expect(&["PING"], "+PONG\r\n");
    assert!(
        peak < baseline + 16 * 1024 * 1024,
        "used_memory grew from {baseline} to {peak}"
    );
    assert!(
        wait_until(DEADLINE, || server.log().contains(
            "scheduled to be closed ASAP for overcoming of output buffer limits."
        )),
        "log line; log:\n{}",
        server.log()
    );
    assert!(server.log().contains(&format!("Client id={sub_id} addr=")));
}

// Over the soft limit only, a subscriber is closed once it has stayed over
// for more than soft_seconds, not at once.
#[test]
fn soft_limit_closes_after_its_seconds() {
    let server = Server::start(&[]);
    let (mut admin, mut sub, sub_id) = limited_subscriber(&server, "pubsub 0 512kb 1");
    let payload = "y".repeat(64 * 1024);
    let start = Instant::now();
    let mut over_since: Option<Instant> = None;
    let mut closed_at = None;
    while start.elapsed() < Duration::from_secs(30) {
        // Before this publish the buffer was where we last saw it.
        let before = Instant::now();
        if admin.int(&["PUBLISH", "ch", &payload]) == 0 {
            closed_at = Some(Instant::now());
            break;
        }
        let Some(line) = client_line(&mut admin, sub_id) else {
            closed_at = Some(Instant::now());
            break;
        };
        let omem: u64 = list_field(&line, "omem").parse().expect("omem");
        if omem >= 512 * 1024 && over_since.is_none() {
            over_since = Some(before);
        }
        // Pace the publisher: the soft limit is about time.
        std::thread::sleep(Duration::from_millis(25));
    }
    let closed_at = closed_at.expect("the subscriber was closed");
    let over_since = over_since.expect("the buffer went over the soft limit");
    let over_for = closed_at.duration_since(over_since);
    assert!(
        over_for >= Duration::from_millis(750),
        "closed {over_for:?} after passing the soft limit"
    );
    let (_, closed) = read_to_close(&mut sub.stream, DEADLINE);
    assert!(closed);
    admin.expect(&["PING"], "+PONG\r\n");
    assert!(wait_until(DEADLINE, || server.log().contains(LIMIT_LOG)));
}

// A subscriber left over its soft limit is closed by the clients cron
// once its seconds have passed, even when nothing more is published to
// it (`clientsCron`).
#[test]
fn soft_limit_is_enforced_without_further_messages() {
    let server = Server::start(&[]);
    let (mut admin, mut sub, sub_id) = limited_subscriber(&server, "pubsub 0 256kb 1");
    let payload = "y".repeat(64 * 1024);
    // Publish until the unread output is over the soft limit, then stop.
    assert!(
        wait_until(DEADLINE, || {
            admin.int(&["PUBLISH", "ch", &payload]);
            client_line(&mut admin, sub_id)
                .is_some_and(|l| list_field(&l, "omem").parse::<u64>().unwrap_or(0) >= 256 * 1024)
        }),
        "the subscriber's output never passed the soft limit"
    );
    assert!(
        wait_until(DEADLINE, || client_line(&mut admin, sub_id).is_none()),
        "the subscriber was not closed"
    );
    let (_, closed) = read_to_close(&mut sub.stream, DEADLINE);
    assert!(closed);
}

// The normal class applies to ordinary clients: a reply past its hard
// limit closes the connection without sending it. Limits of 0 (the
// normal default) never close anyone.
#[test]
fn normal_class_limit_applies_to_ordinary_replies() {
    let server = Server::start(&[]);
    let mut admin = Conn::open(&server);
    let big = "z".repeat(300 * 1024);
    admin.expect(&["SET", "big", &big], "+OK\r\n");
    // Default: 0 0 0.
    let mut c = Conn::open(&server);
    c.expect(&["GET", "big"], &bulk(&big));
    admin.expect(
        &[
            "CONFIG",
            "SET",
            "client-output-buffer-limit",
            "normal 100kb 0 0",
        ],
        "+OK\r\n",
    );
    c.expect(&["GET", "k"], "$-1\r\n");
    c.send(&["GET", "big"]);
    let (bytes, closed) = read_to_close(&mut c.stream, DEADLINE);
    assert!(closed, "closed over the normal hard limit");
    assert!(bytes.is_empty(), "nothing of the reply was sent");
    admin.expect(&["PING"], "+PONG\r\n");
    // Pub/Sub clients are measured by their own class.
    let mut sub = Conn::open(&server);
    sub.expect(&["SUBSCRIBE", "ch"], &confirm("subscribe", Some("ch"), 1));
    admin.expect(&["PUBLISH", "ch", &big], ":1\r\n");
    assert_eq!(sub.read(), message("ch", &big));
}
