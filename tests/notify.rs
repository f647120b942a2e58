//! Keyspace notifications (notify.c) and WATCH invalidation
//! (`signalModifiedKey`).
//!
//! A subscriber connection holds `PSUBSCRIBE __key*@*__:*` and a
//! `SUBSCRIBE` of a marker channel. After each command of a script the
//! commanding client PUBLISHes a numbered marker; the subscriber reads
//! until that marker arrives, so the messages before it are exactly the
//! events of that command, with no sleeps. Each script runs on the server
//! under test (`Server::start`) and on redis-server: the replies and the
//! raw message sequences must be identical, and the events must be the
//! ones written next to each command, all of which were first recorded
//! from redis-server 7.0.
//!
//! Events are written `event key` (from the `__keyevent@<db>__:<event>`
//! channel), `key: event` (from `__keyspace@<db>__:<key>`), with `@<db>`
//! after the event or key outside database 0.
//!
//! The WATCH tests need no subscriber: a client WATCHes, another writes,
//! and EXEC answers a null array when the write invalidated the watch.

mod common;

use common::{wait_until, Conn, Server, DEADLINE};

const MARKER: &str = "notify-test-marker";
const DEBUG_YES: [&str; 2] = ["--enable-debug-command", "yes"];

// ---------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------

/// The items of a flat RESP2 array of bulk strings and integers.
fn array_items(raw: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(raw);
    let mut lines = text.split("\r\n");
    let header = lines.next().unwrap_or_default();
    assert!(header.starts_with('*'), "not an array: {text:?}");
    let mut items = Vec::new();
    while let Some(line) = lines.next() {
        if line.starts_with('$') {
            items.push(lines.next().unwrap_or_default().to_string());
        } else if let Some(n) = line.strip_prefix(':') {
            items.push(n.to_string());
        }
    }
    items
}

/// Renders one notification message: `event key` for a keyevent channel,
/// `key: event` for a keyspace channel, `@db` outside database 0.
fn render(channel: &str, payload: &str) -> String {
    let parse = |prefix: &str| -> Option<(String, String)> {
        let rest = channel.strip_prefix(prefix)?;
        let (db, name) = rest.split_once("__:")?;
        let at = if db == "0" {
            String::new()
        } else {
            format!("@{db}")
        };
        Some((name.to_string(), at))
    };
    if let Some((event, at)) = parse("__keyevent@") {
        format!("{event}{at} {payload}")
    } else if let Some((key, at)) = parse("__keyspace@") {
        format!("{key}{at}: {payload}")
    } else {
        panic!("unexpected channel {channel:?}")
    }
}

/// A connection subscribed to every keyspace and keyevent channel and to
/// the marker channel.
struct Subscriber {
    conn: Conn,
    markers: u64,
}

impl Subscriber {
    fn open(server: &Server) -> Subscriber {
        let mut conn = Conn::open(server);
        conn.send(&["PSUBSCRIBE", "__key*@*__:*"]);
        assert_eq!(
            array_items(&conn.read_raw()),
            ["psubscribe", "__key*@*__:*", "1"]
        );
        conn.send(&["SUBSCRIBE", MARKER]);
        assert_eq!(array_items(&conn.read_raw()), ["subscribe", MARKER, "2"]);
        Subscriber { conn, markers: 0 }
    }

    /// The next pushed message: a rendered event, or `None` for a marker.
    fn next(&mut self) -> Option<String> {
        let items = array_items(&self.conn.read_raw());
        match items.first().map(String::as_str) {
            Some("pmessage") if items.len() == 4 => Some(render(&items[2], &items[3])),
            Some("message") if items.len() == 3 && items[1] == MARKER => None,
            _ => panic!("unexpected push {items:?}"),
        }
    }

    /// The events published since the last call: `client` publishes a
    /// marker, and everything before it is returned.
    fn events(&mut self, client: &mut Conn) -> Vec<String> {
        self.markers += 1;
        let n = self.markers.to_string();
        assert_eq!(client.call(&["PUBLISH", MARKER, &n]), ":1\r\n");
        let mut out = Vec::new();
        while let Some(e) = self.next() {
            out.push(e);
        }
        out
    }
}

/// A pseudo-command of a script: wait (polling the server's TIME, never
/// sleeping) until a key set with `PX 1` by the previous step is
/// logically expired.
const PASS_1MS: &[&str] = &["@pass-1ms"];

/// The server's clock in ms, from TIME (which touches no key).
fn server_ms(client: &mut Conn) -> u64 {
    let t = array_items(&client.read_after(&["TIME"]));
    let secs: u64 = t[0].parse().expect("seconds");
    let micros: u64 = t[1].parse().expect("microseconds");
    secs * 1000 + micros / 1000
}

trait ReadAfter {
    fn read_after(&mut self, args: &[&str]) -> Vec<u8>;
}

impl ReadAfter for Conn {
    fn read_after(&mut self, args: &[&str]) -> Vec<u8> {
        self.send(args);
        self.read_raw()
    }
}

/// What a script did on one server: per step, the reply and the events.
type Trace = Vec<(String, Vec<String>)>;

/// Runs the commands of `script` on `server`, recording each reply and
/// the events it caused.
fn trace(server: &Server, script: &[(&[&str], &[&str])]) -> Trace {
    let mut sub = Subscriber::open(server);
    let mut client = Conn::open(server);
    let mut out = Vec::new();
    for (args, _) in script {
        if *args == PASS_1MS {
            let start = server_ms(&mut client);
            assert!(
                wait_until(DEADLINE, || server_ms(&mut client) > start + 1),
                "the server clock does not move"
            );
            continue;
        }
        let reply = client.call(args);
        out.push((reply, sub.events(&mut client)));
    }
    out
}

/// Starts the server under test and redis-server with these options.
fn both(args: &[&str]) -> (Server, Server) {
    let mut full = DEBUG_YES.to_vec();
    full.extend_from_slice(args);
    (Server::start(&full), Server::start_redis(&full))
}

/// Runs `script` with `notify-keyspace-events` set to `flags` on both
/// servers: identical replies and events, and the events written in the
/// script.
fn check(flags: &str, script: &[(&[&str], &[&str])]) {
    let (ours, redis) = both(&["--notify-keyspace-events", flags]);
    let got = trace(&ours, script);
    let want = trace(&redis, script);
    let commands: Vec<&&[&str]> = script
        .iter()
        .map(|(args, _)| args)
        .filter(|a| **a != PASS_1MS)
        .collect();
    for (i, ((got, want), args)) in got.iter().zip(&want).zip(&commands).enumerate() {
        assert_eq!(got, want, "step {i} {args:?}: ours vs redis-server");
    }
    let expected: Vec<&[&str]> = script
        .iter()
        .filter(|(a, _)| *a != PASS_1MS)
        .map(|(_, e)| *e)
        .collect();
    for ((got, expected), args) in got.iter().zip(expected).zip(&commands) {
        assert_eq!(got.1, expected, "events of {args:?}");
    }
    assert_eq!(got.len(), commands.len());
}

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

// CONFIG SET and GET of the class letters: `A` covers every class but `m`
// and `n`, and hides `n` when shown; letters are checked one by one.
#[test]
fn config_letters_round_trip() {
    let (ours, redis) = both(&[]);
    let mut a = Conn::open(&ours);
    let mut b = Conn::open(&redis);
    let cases: [(&str, &str); 12] = [
        ("KEA", "AKE"),
        ("", ""),
        ("K", "K"),
        ("Eg$", "g$E"),
        ("AKEmdn", "AKEm"),
        ("mEKnd", "dnKEm"),
        ("g$lshzxet", "g$lshzxet"),
        ("g$lshzxetd", "A"),
        ("Elshzxetdmn", "lshzxetdnEm"),
        ("KEnm", "nKEm"),
        ("Ax", "A"),
        ("tex", "xet"),
    ];
    for (set, shown) in cases {
        for c in [&mut a, &mut b] {
            c.expect(&["CONFIG", "SET", "notify-keyspace-events", set], "+OK\r\n");
            let got = array_items(&c.read_after(&["CONFIG", "GET", "notify-keyspace-events"]));
            assert_eq!(got, ["notify-keyspace-events", shown], "CONFIG SET {set:?}");
        }
    }
    for bad in ["KEAq", "k", "KE A"] {
        let args = ["CONFIG", "SET", "notify-keyspace-events", bad];
        assert_eq!(a.call(&args), b.call(&args), "CONFIG SET {bad:?}");
    }
    // A refused value changes nothing.
    let get = ["CONFIG", "GET", "notify-keyspace-events"];
    assert_eq!(array_items(&a.read_after(&get))[1], "xet");
}

// The option is accepted on the command line, with the same display.
#[test]
fn config_from_the_command_line() {
    let (ours, redis) = both(&["--notify-keyspace-events", "Kx$E"]);
    for server in [&ours, &redis] {
        let mut c = Conn::open(server);
        let got = array_items(&c.read_after(&["CONFIG", "GET", "notify-keyspace-events"]));
        assert_eq!(got, ["notify-keyspace-events", "$xKE"]);
    }
}

// ---------------------------------------------------------------------------
// Channels and classes
// ---------------------------------------------------------------------------

/// A script touching one class of each kind, for the flag tests.
fn mixed_script<'a>(events: [&'a [&'a str]; 7]) -> Vec<(&'a [&'a str], &'a [&'a str])> {
    let [set, lpush, expire, get_miss, del, sadd, hset] = events;
    vec![
        (&["SET", "k", "v"][..], set),
        (&["LPUSH", "l", "a"], lpush),
        (&["EXPIRE", "k", "100"], expire),
        (&["GET", "nokey"], get_miss),
        (&["DEL", "k", "l"], del),
        (&["SADD", "s", "m"], sadd),
        (&["HSET", "h", "f", "v"], hset),
    ]
}

// K publishes on the key's channel with the event as message, E on the
// event's channel with the key as message, K first when both are on.
#[test]
fn keyspace_and_keyevent_channels() {
    check(
        "KEA",
        &mixed_script([
            &["k: set", "set k"],
            &["l: lpush", "lpush l"],
            &["k: expire", "expire k"],
            &[],
            &["k: del", "del k", "l: del", "del l"],
            &["s: sadd", "sadd s"],
            &["h: hset", "hset h"],
        ]),
    );
    check(
        "Kg$",
        &mixed_script([
            &["k: set"],
            &[],
            &["k: expire"],
            &[],
            &["k: del", "l: del"],
            &[],
            &[],
        ]),
    );
    check(
        "Elshm",
        &mixed_script([
            &[],
            &["lpush l"],
            &[],
            &["keymiss nokey"],
            &[],
            &["sadd s"],
            &["hset h"],
        ]),
    );
}

// Classes without a channel kind, or a kind without classes, publish
// nothing.
#[test]
fn classes_need_a_channel_kind() {
    let none: [&[&str]; 7] = [&[]; 7];
    check("A", &mixed_script(none));
    check("KE", &mixed_script(none));
}

// Database numbers appear in both channel kinds.
#[test]
fn database_numbers_in_channels() {
    check(
        "KEA",
        &[
            (&["SELECT", "3"], &[]),
            (&["SET", "k", "v"], &["k@3: set", "set@3 k"]),
            (
                &["MOVE", "k", "12"],
                &[
                    "k@3: move_from",
                    "move_from@3 k",
                    "k@12: move_to",
                    "move_to@12 k",
                ],
            ),
        ],
    );
}
