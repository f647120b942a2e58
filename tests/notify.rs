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

    /// The next event, skipping markers, within the connection's read
    /// deadline.
    fn wait_for_any(&mut self) -> String {
        loop {
            if let Some(e) = self.next() {
                return e;
            }
        }
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

/// Whether a command's reply depends on random picks or hash table
/// order, so that only its events can be compared.
fn random_reply(args: &[&str]) -> bool {
    let multi_member = ["SPOP", "SMEMBERS", "SUNION", "SDIFF", "SINTER"];
    args.first()
        .is_some_and(|c| multi_member.iter().any(|m| c.eq_ignore_ascii_case(m)))
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
        if random_reply(args) {
            assert_eq!(got.1, want.1, "step {i} {args:?}: ours vs redis-server");
        } else {
            assert_eq!(got, want, "step {i} {args:?}: ours vs redis-server");
        }
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

// ---------------------------------------------------------------------------
// Keyspace commands (db.c, expire.c)
// ---------------------------------------------------------------------------

// DEL/UNLINK, RENAME, MOVE, COPY: `new` for every key they create (a
// rename or copy onto an existing key deletes it first, so it is new
// again), `keymiss` for the reads that find nothing, nothing for
// FLUSHDB, FLUSHALL and SWAPDB.
#[test]
fn generic_commands() {
    check(
        "EAnm",
        &[
            (&["SET", "a", "1"], &["new a", "set a"]),
            (&["SET", "b", "2"], &["new b", "set b"]),
            (&["DEL", "a", "nokey", "b"], &["del a", "del b"]),
            (&["UNLINK", "nokey"], &[]),
            (&["SET", "a", "1"], &["new a", "set a"]),
            (&["UNLINK", "a"], &["del a"]),
            (&["SET", "a", "1"], &["new a", "set a"]),
            (
                &["EXISTS", "a", "nokey", "nokey2"],
                &["keymiss nokey", "keymiss nokey2"],
            ),
            (&["TYPE", "nokey"], &["keymiss nokey"]),
            (&["TTL", "nokey"], &["keymiss nokey"]),
            (&["PTTL", "nokey"], &["keymiss nokey"]),
            (&["EXPIRETIME", "nokey"], &["keymiss nokey"]),
            (&["PEXPIRETIME", "nokey"], &["keymiss nokey"]),
            (&["TOUCH", "nokey", "a"], &["keymiss nokey"]),
            (&["OBJECT", "ENCODING", "nokey"], &[]),
            (&["OBJECT", "ENCODING", "a"], &[]),
            (&["DEBUG", "OBJECT", "nokey"], &[]),
            (
                &["RENAME", "a", "b"],
                &["new b", "rename_from a", "rename_to b"],
            ),
            (&["RENAME", "b", "b"], &[]),
            (&["RENAME", "nokey", "x"], &[]),
            (&["SET", "c", "3"], &["new c", "set c"]),
            (
                &["RENAME", "b", "c"],
                &["new c", "rename_from b", "rename_to c"],
            ),
            (&["SET", "d", "4"], &["new d", "set d"]),
            (&["RENAMENX", "c", "d"], &[]),
            (&["RENAMENX", "c", "c"], &[]),
            (
                &["RENAMENX", "c", "e"],
                &["new e", "rename_from c", "rename_to e"],
            ),
            (
                &["MOVE", "e", "1"],
                &["new@1 e", "move_from e", "move_to@1 e"],
            ),
            (&["MOVE", "nokey", "1"], &[]),
            (&["SET", "e", "5"], &["new e", "set e"]),
            (&["MOVE", "e", "1"], &[]),
            (&["COPY", "d", "f"], &["new f", "copy_to f"]),
            (&["COPY", "d", "f"], &[]),
            (&["COPY", "d", "f", "REPLACE"], &["new f", "copy_to f"]),
            (&["COPY", "d", "e", "DB", "1"], &[]),
            (
                &["COPY", "d", "e", "DB", "1", "REPLACE"],
                &["new@1 e", "copy_to@1 e"],
            ),
            (&["COPY", "d", "g", "DB", "2"], &["new@2 g", "copy_to@2 g"]),
            (&["COPY", "nokey", "f"], &["keymiss nokey"]),
            (&["DBSIZE"], &[]),
            (&["SWAPDB", "0", "1"], &[]),
            (&["SWAPDB", "1", "1"], &[]),
            (&["FLUSHDB"], &[]),
            (&["SELECT", "1"], &[]),
            (&["DEL", "d"], &["del@1 d"]),
            (&["FLUSHALL"], &[]),
            (&["FLUSHALL", "ASYNC"], &[]),
        ],
    );
}

// The EXPIRE family publishes `expire` when it sets a time, `del` when the
// time is already past, nothing when a condition refuses; PERSIST
// publishes `persist` only when there was a time to remove.
#[test]
fn expire_family() {
    check(
        "EAnm",
        &[
            (&["SET", "k", "v"], &["new k", "set k"]),
            (&["EXPIRE", "k", "100"], &["expire k"]),
            (&["EXPIRE", "k", "100", "NX"], &[]),
            (&["PEXPIRE", "k", "100000", "XX"], &["expire k"]),
            (&["EXPIREAT", "k", "99999999999"], &["expire k"]),
            (&["PEXPIREAT", "k", "99999999999000"], &["expire k"]),
            (&["EXPIRE", "k", "100", "GT"], &[]),
            (&["EXPIRE", "k", "100", "LT"], &["expire k"]),
            (&["PERSIST", "k"], &["persist k"]),
            (&["PERSIST", "k"], &[]),
            (&["PERSIST", "nokey"], &[]),
            (&["EXPIRE", "k", "-1"], &["del k"]),
            (&["EXPIRE", "nokey", "100"], &[]),
            (&["SET", "k", "v"], &["new k", "set k"]),
            (&["PEXPIRE", "k", "0"], &["del k"]),
            (&["SET", "k", "v"], &["new k", "set k"]),
            (&["PEXPIREAT", "k", "1"], &["del k"]),
            (&["SET", "k", "v"], &["new k", "set k"]),
            (&["EXPIREAT", "k", "0"], &["del k"]),
            (&["EXPIRE", "k", "x"], &[]),
        ],
    );
}

// Lazy expiry: the command that meets an expired key deletes it first
// (`expired`), then goes on as for a missing key (`keymiss` for a read,
// `new` for a write). OBJECT deletes without `keymiss`; KEYS and DEBUG
// DIGEST-VALUE do not even delete.
#[test]
fn lazy_expiry() {
    const SET_PX: &[&str] = &["SET", "k", "v", "PX", "1"];
    const SET_PX_EVENTS: &[&str] = &["new k", "set k", "expire k"];
    // Each case, then the events of a DEL of `k` after it.
    let cases: [(&[&str], &[&str], &[&str]); 18] = [
        (&["GET", "k"], &["expired k", "keymiss k"], &[]),
        (&["EXISTS", "k"], &["expired k", "keymiss k"], &[]),
        (&["TTL", "k"], &["expired k", "keymiss k"], &[]),
        (
            &["SET", "k", "x"],
            &["expired k", "new k", "set k"],
            &["del k"],
        ),
        (&["DEL", "k"], &["expired k"], &[]),
        (&["OBJECT", "ENCODING", "k"], &["expired k"], &[]),
        (&["DEBUG", "DIGEST-VALUE", "k"], &[], &["expired k"]),
        (&["KEYS", "*"], &[], &["expired k"]),
        (&["RENAME", "k", "x"], &["expired k"], &[]),
        (
            &["MSET", "k", "1"],
            &["expired k", "new k", "set k"],
            &["del k"],
        ),
        (
            &["INCR", "k"],
            &["expired k", "new k", "incrby k"],
            &["del k"],
        ),
        (
            &["LPUSH", "k", "1"],
            &["expired k", "new k", "lpush k"],
            &["del k"],
        ),
        (&["GETDEL", "k"], &["expired k", "keymiss k"], &[]),
        (&["EXPIRE", "k", "100"], &["expired k"], &[]),
        (&["PERSIST", "k"], &["expired k"], &[]),
        (&["RANDOMKEY"], &["expired k"], &[]),
        (&["SCAN", "0"], &["expired k"], &[]),
        (&["COPY", "k", "x"], &["expired k", "keymiss k"], &[]),
    ];
    let mut script: Vec<(&[&str], &[&str])> = vec![(&["DEBUG", "SET-ACTIVE-EXPIRE", "0"], &[])];
    for (args, events, cleanup) in cases {
        script.push((SET_PX, SET_PX_EVENTS));
        script.push((PASS_1MS, &[]));
        script.push((args, events));
        script.push((&["DEL", "k"], cleanup));
    }
    check("EAnm", &script);
}

// The active expiry cycle publishes `expired` for the keys it deletes,
// with no command involved.
#[test]
fn active_expiry() {
    let (ours, redis) = both(&["--notify-keyspace-events", "Ex"]);
    for server in [&ours, &redis] {
        let mut sub = Subscriber::open(server);
        let mut c = Conn::open(server);
        for k in ["a", "b", "c"] {
            c.expect(&["SET", k, "v", "PX", "1"], "+OK\r\n");
        }
        c.expect(&["SET", "d", "v", "PX", "100000"], "+OK\r\n");
        let mut expired: Vec<String> = (0..3).map(|_| sub.wait_for_any()).collect();
        expired.sort();
        assert_eq!(expired, ["expired a", "expired b", "expired c"]);
        // Nothing else expired: the marker comes next.
        assert_eq!(sub.events(&mut c), Vec::<String>::new());
        assert_eq!(c.int(&["DBSIZE"]), 1);
    }
}

// `n` and `m` are classes of their own, outside `A`.
#[test]
fn new_and_keymiss_classes() {
    let script = |new: &'static [&'static str], miss: &'static [&'static str]| {
        vec![
            (&["SET", "k", "v"][..], new),
            (&["SET", "k", "w"], &[][..]),
            (&["GET", "nokey"], miss),
            (&["DEL", "k"], &[]),
        ]
    };
    check("En", &script(&["new k"], &[]));
    check("Em", &script(&[], &["keymiss nokey"]));
    check("Kmn", &script(&["k: new"], &["nokey: keymiss"]));
    check(
        "EA",
        &[(&["SET", "k", "v"], &["set k"]), (&["GET", "nokey"], &[])],
    );
}

// ---------------------------------------------------------------------------
// Strings (t_string.c)
// ---------------------------------------------------------------------------

// SET-like commands publish `set` (and `expire` for a TTL option) only when
// they store; counters publish `incrby`/`incrbyfloat`; GETDEL and GETEX
// publish generic events; SET GET reads first (`keymiss`).
#[test]
fn string_commands() {
    check(
        "EAnm",
        &[
            (&["GET", "nokey"], &["keymiss nokey"]),
            (&["SET", "s", "v"], &["new s", "set s"]),
            (&["SET", "s", "v"], &["set s"]),
            (&["SET", "s", "v", "NX"], &[]),
            (&["SET", "s", "v2", "XX"], &["set s"]),
            (&["SET", "s2", "v", "XX"], &[]),
            (&["SET", "s", "v3", "GET"], &["set s"]),
            (
                &["SET", "s3", "v", "GET"],
                &["keymiss s3", "new s3", "set s3"],
            ),
            (&["SET", "s", "v", "PX", "100000"], &["set s", "expire s"]),
            (&["SET", "s", "v", "KEEPTTL"], &["set s"]),
            (
                &["SET", "s", "v", "EXAT", "99999999999"],
                &["set s", "expire s"],
            ),
            (&["SET", "s", "v", "EX", "0"], &[]),
            (&["SET", "s", "v", "GET", "NX"], &[]),
            (&["SETNX", "s", "v"], &[]),
            (&["SETNX", "s4", "v"], &["new s4", "set s4"]),
            (
                &["SETEX", "s5", "100", "v"],
                &["new s5", "set s5", "expire s5"],
            ),
            (&["PSETEX", "s5", "100000", "v"], &["set s5", "expire s5"]),
            (&["GETSET", "s5", "x"], &["set s5"]),
            (&["GETSET", "n2", "x"], &["keymiss n2", "new n2", "set n2"]),
            (&["GETDEL", "nokey"], &["keymiss nokey"]),
            (&["GETDEL", "s5"], &["del s5"]),
            (&["GETEX", "s"], &[]),
            (&["GETEX", "s", "EX", "100"], &["expire s"]),
            (&["GETEX", "s", "PERSIST"], &["persist s"]),
            (&["GETEX", "s", "PERSIST"], &[]),
            (&["GETEX", "nokey", "EX", "10"], &["keymiss nokey"]),
            (&["GETEX", "s", "PXAT", "1"], &["del s"]),
            (
                &["MSET", "a", "1", "b", "2", "a", "3"],
                &["new a", "set a", "new b", "set b", "set a"],
            ),
            (&["MSETNX", "a", "1", "c", "2"], &[]),
            (
                &["MSETNX", "c", "1", "d", "2"],
                &["new c", "set c", "new d", "set d"],
            ),
            (&["INCR", "n"], &["new n", "incrby n"]),
            (&["INCRBY", "n", "5"], &["incrby n"]),
            (&["DECR", "n"], &["incrby n"]),
            (&["DECRBY", "n", "2"], &["incrby n"]),
            (&["INCRBY", "a", "x"], &[]),
            (&["INCRBYFLOAT", "n", "1.5"], &["incrbyfloat n"]),
            (&["INCRBYFLOAT", "f", "1.5"], &["new f", "incrbyfloat f"]),
            (
                &["SET", "big", "9223372036854775807"],
                &["new big", "set big"],
            ),
            (&["INCR", "big"], &[]),
            (&["APPEND", "ap", "x"], &["new ap", "append ap"]),
            (&["APPEND", "ap", "y"], &["append ap"]),
            (&["SETRANGE", "sr", "0", "abc"], &["new sr", "setrange sr"]),
            (&["SETRANGE", "sr", "1", "x"], &["setrange sr"]),
            (&["SETRANGE", "sr", "0", ""], &[]),
            (&["SETRANGE", "sr2", "0", ""], &[]),
            (&["STRLEN", "nokey"], &["keymiss nokey"]),
            (
                &["MGET", "nokey", "a", "nokey2"],
                &["keymiss nokey", "keymiss nokey2"],
            ),
            (&["GETRANGE", "nokey", "0", "1"], &["keymiss nokey"]),
            (&["SUBSTR", "nokey", "0", "1"], &["keymiss nokey"]),
            (&["LCS", "nokey", "a"], &["keymiss nokey"]),
            (&["LPUSH", "l", "x"], &["new l", "lpush l"]),
            (&["GET", "l"], &[]),
            (&["APPEND", "l", "x"], &[]),
            (&["SET", "l", "x", "GET"], &[]),
            (&["SET", "l", "x"], &["set l"]),
        ],
    );
}

// ---------------------------------------------------------------------------
// WATCH: every write invalidates the watches of the keys it changes
// ---------------------------------------------------------------------------

/// One WATCH case: commands that set the stage, the key watched, the
/// write another client runs, and whether EXEC must fail.
type WatchCase<'a> = (&'a [&'a [&'a str]], &'a str, &'a [&'a str], bool);

/// Runs each case on a fresh database: `setup` by the writer, WATCH by
/// the watcher, the write, then MULTI/PING/EXEC by the watcher.
fn check_watch(cases: &[WatchCase]) {
    let server = Server::start(&DEBUG_YES);
    let mut watcher = Conn::open(&server);
    let mut writer = Conn::open(&server);
    for (setup, key, write, dirty) in cases {
        writer.expect(&["FLUSHALL"], "+OK\r\n");
        writer.expect(&["SELECT", "0"], "+OK\r\n");
        for args in *setup {
            writer.call(args);
        }
        watcher.expect(&["WATCH", key], "+OK\r\n");
        writer.call(write);
        watcher.expect(&["MULTI"], "+OK\r\n");
        watcher.expect(&["PING"], "+QUEUED\r\n");
        let want = if *dirty { "*-1\r\n" } else { "*1\r\n+PONG\r\n" };
        assert_eq!(
            watcher.call(&["EXEC"]),
            want,
            "WATCH {key}, then {write:?} after {setup:?}"
        );
    }
}

#[test]
fn watch_keyspace_commands() {
    let k: &[&[&str]] = &[&["SET", "k", "v"]];
    let kj: &[&[&str]] = &[&["SET", "k", "v"], &["SET", "j", "w"]];
    let k_ttl: &[&[&str]] = &[&["SET", "k", "v", "EX", "100"]];
    check_watch(&[
        (k, "k", &["DEL", "k"], true),
        (k, "k", &["UNLINK", "k"], true),
        (k, "k", &["DEL", "nokey"], false),
        (&[], "k", &["DEL", "k"], false),
        (k, "k", &["RENAME", "k", "x"], true),
        (kj, "k", &["RENAME", "j", "k"], true),
        (&[&["SET", "j", "w"]], "k", &["RENAMENX", "j", "k"], true),
        (kj, "k", &["RENAMENX", "j", "k"], false),
        (k, "k", &["MOVE", "k", "1"], true),
        (
            &[&["SELECT", "1"], &["SET", "k", "v"]],
            "k",
            &["MOVE", "k", "0"],
            true,
        ),
        (kj, "k", &["COPY", "j", "k"], false),
        (kj, "k", &["COPY", "j", "k", "REPLACE"], true),
        (k, "k", &["COPY", "k", "x"], false),
        (k, "k", &["EXPIRE", "k", "100"], true),
        (k, "k", &["EXPIRE", "k", "-1"], true),
        (k_ttl, "k", &["EXPIRE", "k", "100", "NX"], false),
        (k_ttl, "k", &["PERSIST", "k"], true),
        (k, "k", &["PERSIST", "k"], false),
        (k, "k", &["FLUSHDB"], true),
        (k, "k", &["FLUSHALL"], true),
        (k, "k", &["FLUSHALL", "ASYNC"], true),
        (&[], "k", &["FLUSHALL"], false),
        (k, "k", &["SWAPDB", "0", "1"], true),
        (
            &[&["SELECT", "1"], &["SET", "k", "v"]],
            "k",
            &["SWAPDB", "0", "1"],
            true,
        ),
        (k, "k", &["SWAPDB", "0", "0"], false),
        (k, "k", &["SWAPDB", "1", "2"], false),
        (k, "k", &["GET", "k"], false),
        (k, "k", &["TOUCH", "k"], false),
    ]);
}

#[test]
fn watch_string_commands() {
    let k: &[&[&str]] = &[&["SET", "k", "1"]];
    check_watch(&[
        (k, "k", &["SET", "k", "1"], true),
        (&[], "k", &["SET", "k", "1"], true),
        (k, "k", &["SET", "k", "2", "NX"], false),
        (&[], "k", &["SET", "k", "2", "XX"], false),
        (k, "k", &["SETNX", "k", "2"], false),
        (k, "k", &["SETEX", "k", "100", "2"], true),
        (k, "k", &["GETSET", "k", "2"], true),
        (k, "k", &["GETDEL", "k"], true),
        (k, "k", &["GETEX", "k"], false),
        (k, "k", &["GETEX", "k", "PERSIST"], false),
        (k, "k", &["GETEX", "k", "EX", "100"], true),
        (k, "k", &["MSET", "x", "1", "k", "2"], true),
        (k, "k", &["MSETNX", "x", "1", "k", "2"], false),
        (k, "k", &["INCR", "k"], true),
        (k, "k", &["INCRBYFLOAT", "k", "0.5"], true),
        (k, "k", &["APPEND", "k", "x"], true),
        (k, "k", &["SETRANGE", "k", "0", "x"], true),
        (k, "k", &["SETRANGE", "k", "0", ""], false),
        (k, "k", &["INCRBY", "k", "x"], false),
    ]);
}

// Expiry: a key alive at WATCH that expires changes; deleting a key that
// was already expired at WATCH does not, while writing it anew does.
#[test]
fn watch_expiry() {
    let server = Server::start(&DEBUG_YES);
    let mut watcher = Conn::open(&server);
    let mut writer = Conn::open(&server);
    writer.expect(&["DEBUG", "SET-ACTIVE-EXPIRE", "0"], "+OK\r\n");
    let exec = |watcher: &mut Conn| {
        watcher.expect(&["MULTI"], "+OK\r\n");
        watcher.expect(&["PING"], "+QUEUED\r\n");
        watcher.call(&["EXEC"])
    };
    let pass = |c: &mut Conn, ms: u64| {
        let start = server_ms(c);
        assert!(wait_until(DEADLINE, || server_ms(c) > start + ms));
    };

    // Alive at WATCH, then lazily expired by another client's read.
    writer.expect(&["SET", "k", "v", "PX", "50"], "+OK\r\n");
    watcher.expect(&["WATCH", "k"], "+OK\r\n");
    pass(&mut writer, 50);
    writer.expect(&["GET", "k"], "$-1\r\n");
    assert_eq!(exec(&mut watcher), "*-1\r\n");

    // Already expired at WATCH: its lazy deletion changes nothing...
    writer.expect(&["SET", "k", "v", "PX", "1"], "+OK\r\n");
    pass(&mut writer, 1);
    watcher.expect(&["WATCH", "k"], "+OK\r\n");
    writer.expect(&["GET", "k"], "$-1\r\n");
    assert_eq!(exec(&mut watcher), "*1\r\n+PONG\r\n");
    // ... nor does a DEL that finds it expired ...
    writer.expect(&["SET", "k", "v", "PX", "1"], "+OK\r\n");
    pass(&mut writer, 1);
    watcher.expect(&["WATCH", "k"], "+OK\r\n");
    writer.expect(&["DEL", "k"], ":0\r\n");
    assert_eq!(exec(&mut watcher), "*1\r\n+PONG\r\n");
    // ... but writing it anew does.
    writer.expect(&["SET", "k", "v", "PX", "1"], "+OK\r\n");
    pass(&mut writer, 1);
    watcher.expect(&["WATCH", "k"], "+OK\r\n");
    writer.expect(&["SET", "k", "w"], "+OK\r\n");
    assert_eq!(exec(&mut watcher), "*-1\r\n");

    // The active cycle deleting a key alive at WATCH.
    writer.expect(&["DEBUG", "SET-ACTIVE-EXPIRE", "1"], "+OK\r\n");
    writer.expect(&["SET", "k", "v", "PX", "50"], "+OK\r\n");
    watcher.expect(&["WATCH", "k"], "+OK\r\n");
    assert!(wait_until(DEADLINE, || writer.int(&["DBSIZE"]) == 0));
    assert_eq!(exec(&mut watcher), "*-1\r\n");
}

// ---------------------------------------------------------------------------
// Lists (t_list.c) and blocking pops (blocked.c)
// ---------------------------------------------------------------------------

// Pushes publish `lpush`/`rpush`, pops `lpop`/`rpop` then `del` when the
// list empties; LMOVE publishes the push on the destination before the
// pop on the source; LTRIM publishes even when nothing is trimmed.
#[test]
fn list_commands() {
    check(
        "EAnm",
        &[
            (&["LPUSH", "l", "a", "b", "c"], &["new l", "lpush l"]),
            (&["RPUSH", "l", "d"], &["rpush l"]),
            (&["LPUSHX", "nol", "a"], &[]),
            (&["RPUSHX", "l", "e"], &["rpush l"]),
            (&["LPUSHX", "l", "z"], &["lpush l"]),
            (&["LPOP", "l"], &["lpop l"]),
            (&["RPOP", "l"], &["rpop l"]),
            (&["LPOP", "l", "2"], &["lpop l"]),
            (&["LPOP", "l", "0"], &[]),
            (&["LPOP", "nol"], &[]),
            (&["LPOP", "nol", "2"], &[]),
            (&["RPUSH", "l2", "x"], &["new l2", "rpush l2"]),
            (&["RPOP", "l2", "5"], &["rpop l2", "del l2"]),
            (&["LLEN", "nol"], &["keymiss nol"]),
            (&["LINDEX", "nol", "0"], &["keymiss nol"]),
            (&["LRANGE", "nol", "0", "1"], &["keymiss nol"]),
            (&["LPOS", "nol", "a"], &["keymiss nol"]),
            (&["RPUSH", "l", "a", "b", "c", "d", "e"], &["rpush l"]),
            (&["LSET", "l", "0", "A"], &["lset l"]),
            (&["LSET", "l", "100", "A"], &[]),
            (&["LSET", "nol", "0", "A"], &[]),
            (&["LINSERT", "l", "BEFORE", "A", "B"], &["linsert l"]),
            (&["LINSERT", "l", "AFTER", "nopivot", "B"], &[]),
            (&["LINSERT", "nol", "AFTER", "A", "B"], &[]),
            (&["LTRIM", "l", "0", "100"], &["ltrim l"]),
            (&["LTRIM", "l", "1", "2"], &["ltrim l"]),
            (&["LTRIM", "l", "5", "1"], &["ltrim l", "del l"]),
            (&["LTRIM", "nol", "0", "1"], &[]),
            (&["RPUSH", "l", "a", "b", "a", "c"], &["new l", "rpush l"]),
            (&["LREM", "l", "0", "a"], &["lrem l"]),
            (&["LREM", "l", "0", "zz"], &[]),
            (&["LREM", "l", "-1", "b"], &["lrem l"]),
            (&["LREM", "l", "1", "c"], &["lrem l", "del l"]),
            (&["LREM", "nol", "1", "c"], &[]),
            (&["RPUSH", "src", "a", "b"], &["new src", "rpush src"]),
            (
                &["RPOPLPUSH", "src", "dst"],
                &["new dst", "lpush dst", "rpop src"],
            ),
            (
                &["LMOVE", "src", "dst", "RIGHT", "LEFT"],
                &["lpush dst", "rpop src", "del src"],
            ),
            (
                &["LMOVE", "dst", "dst", "LEFT", "RIGHT"],
                &["rpush dst", "lpop dst"],
            ),
            (&["LMOVE", "nol", "dst", "LEFT", "LEFT"], &[]),
            (&["RPUSH", "x", "1"], &["new x", "rpush x"]),
            (&["LMOVE", "x", "x", "LEFT", "LEFT"], &["lpush x", "lpop x"]),
            (&["SET", "str", "v"], &["new str", "set str"]),
            (&["LMOVE", "x", "str", "LEFT", "LEFT"], &[]),
            (&["LPUSH", "str", "v"], &[]),
            (&["LMPOP", "2", "nol", "dst", "LEFT"], &["lpop dst"]),
            (
                &["LMPOP", "2", "nol", "dst", "RIGHT", "COUNT", "10"],
                &["rpop dst", "del dst"],
            ),
            (&["LMPOP", "1", "nol", "LEFT"], &[]),
            (&["BLPOP", "nol", "0.01"], &[]),
            (&["RPUSH", "bl", "1"], &["new bl", "rpush bl"]),
            (&["BLPOP", "bl", "0"], &["lpop bl", "del bl"]),
            (&["RPUSH", "bl", "1", "2"], &["new bl", "rpush bl"]),
            (&["BRPOP", "bl", "0"], &["rpop bl"]),
            (
                &["BRPOPLPUSH", "bl", "bd", "0"],
                &["new bd", "lpush bd", "rpop bl", "del bl"],
            ),
            (
                &["BLMOVE", "bd", "bl", "LEFT", "RIGHT", "0"],
                &["new bl", "rpush bl", "lpop bd", "del bd"],
            ),
            (
                &["BLMPOP", "0.01", "1", "bl", "LEFT", "COUNT", "5"],
                &["lpop bl", "del bl"],
            ),
        ],
    );
}

/// INFO's `blocked_clients`.
fn blocked_clients(c: &mut Conn) -> usize {
    let info = c.call(&["INFO", "clients"]);
    info.lines()
        .find_map(|l| l.strip_prefix("blocked_clients:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("blocked_clients in INFO")
}

/// A step of a blocking scenario.
enum Blocking<'a> {
    /// Waiter `n` sends a blocking command; wait until it is blocked.
    Block(usize, &'a [&'a str]),
    /// The writer runs a command, which causes these events.
    Run(&'a [&'a str], &'a [&'a str]),
    /// Waiter `n`'s reply arrives.
    Reply(usize),
}

/// Runs a blocking scenario; returns the events of each `Run` and the
/// waiters' replies, in order.
fn trace_blocking(server: &Server, steps: &[Blocking]) -> (Vec<Vec<String>>, Vec<String>) {
    let mut sub = Subscriber::open(server);
    let mut writer = Conn::open(server);
    let mut waiters = [Conn::open(server), Conn::open(server)];
    let (mut events, mut replies) = (Vec::new(), Vec::new());
    for step in steps {
        match step {
            Blocking::Block(n, args) => {
                let before = blocked_clients(&mut writer);
                waiters[*n].send(args);
                assert!(
                    wait_until(DEADLINE, || blocked_clients(&mut writer) > before),
                    "{args:?} did not block"
                );
            }
            Blocking::Run(args, _) => {
                writer.call(args);
                events.push(sub.events(&mut writer));
            }
            Blocking::Reply(n) => replies.push(waiters[*n].read()),
        }
    }
    (events, replies)
}

// A waiter served by a later write publishes its pop's events after the
// write's own, as if it ran right after it.
#[test]
fn blocking_pops_served_later() {
    use Blocking::{Block, Reply, Run};
    let steps = [
        Block(0, &["BLPOP", "bl", "0"][..]),
        Run(
            &["RPUSH", "bl", "a"],
            &["new bl", "rpush bl", "lpop bl", "del bl"],
        ),
        Reply(0),
        Block(0, &["BRPOP", "bl", "0"]),
        Run(
            &["RPUSH", "bl", "a", "b"],
            &["new bl", "rpush bl", "rpop bl"],
        ),
        Reply(0),
        Run(&["DEL", "bl"], &["del bl"]),
        // Two waiters on one key, served in arrival order.
        Block(0, &["BLPOP", "bl", "0"]),
        Block(1, &["BLPOP", "nokey", "bl", "0"]),
        Run(
            &["RPUSH", "bl", "a", "b", "c"],
            &["new bl", "rpush bl", "lpop bl", "lpop bl"],
        ),
        Reply(0),
        Reply(1),
        Run(&["DEL", "bl"], &["del bl"]),
        Block(0, &["BLMOVE", "bl", "bd", "RIGHT", "LEFT", "0"]),
        Run(
            &["LPUSH", "bl", "a"],
            &[
                "new bl", "lpush bl", "new bd", "lpush bd", "rpop bl", "del bl",
            ],
        ),
        Reply(0),
        // The BLMOVE destination's push serves the next waiter.
        Block(0, &["BLMOVE", "bl", "bd2", "RIGHT", "LEFT", "0"]),
        Block(1, &["BLPOP", "bd2", "0"]),
        Run(
            &["LPUSH", "bl", "x"],
            &[
                "new bl",
                "lpush bl",
                "new bd2",
                "lpush bd2",
                "rpop bl",
                "del bl",
                "lpop bd2",
                "del bd2",
            ],
        ),
        Reply(0),
        Reply(1),
        Block(0, &["BRPOPLPUSH", "bl7", "bl7", "0"]),
        Run(
            &["RPUSH", "bl7", "1"],
            &["new bl7", "rpush bl7", "lpush bl7", "rpop bl7"],
        ),
        Reply(0),
        Block(
            0,
            &["BLMPOP", "0", "2", "bl3", "bl4", "RIGHT", "COUNT", "3"],
        ),
        Run(
            &["RPUSH", "bl4", "1", "2"],
            &["new bl4", "rpush bl4", "rpop bl4", "del bl4"],
        ),
        Reply(0),
        Block(0, &["BZPOPMIN", "bz", "0"]),
        Run(
            &["ZADD", "bz", "1", "a", "2", "b"],
            &["new bz", "zadd bz", "zpopmin bz"],
        ),
        Reply(0),
        Block(0, &["BZMPOP", "0", "1", "bz2", "MAX", "COUNT", "3"]),
        Run(
            &["ZADD", "bz2", "1", "a", "2", "b"],
            &["new bz2", "zadd bz2", "zpopmax bz2", "del bz2"],
        ),
        Reply(0),
        // A key of another type does not serve; the waiter keeps waiting.
        Block(0, &["BLPOP", "bl5", "0"]),
        Run(&["SET", "bl5", "x"], &["new bl5", "set bl5"]),
        Run(&["DEL", "bl5"], &["del bl5"]),
        Run(
            &["RPUSH", "bl5", "1"],
            &["new bl5", "rpush bl5", "lpop bl5", "del bl5"],
        ),
        Reply(0),
        // A key created by RENAME serves too.
        Block(0, &["BLPOP", "bl6", "0"]),
        Run(&["RPUSH", "src", "1"], &["new src", "rpush src"]),
        Run(
            &["RENAME", "src", "bl6"],
            &[
                "new bl6",
                "rename_from src",
                "rename_to bl6",
                "lpop bl6",
                "del bl6",
            ],
        ),
        Reply(0),
    ];
    // Both channel kinds against redis-server, then the events as written.
    let (ours, redis) = both(&["--notify-keyspace-events", "KEAn"]);
    assert_eq!(
        trace_blocking(&ours, &steps),
        trace_blocking(&redis, &steps)
    );
    let (ours, redis) = both(&["--notify-keyspace-events", "EAn"]);
    let got = trace_blocking(&ours, &steps);
    assert_eq!(got, trace_blocking(&redis, &steps));
    let events = got.0;
    let expected: Vec<&[&str]> = steps
        .iter()
        .filter_map(|s| match s {
            Run(_, events) => Some(*events),
            _ => None,
        })
        .collect();
    assert_eq!(events, expected);
}

#[test]
fn watch_list_commands() {
    let k: &[&[&str]] = &[&["RPUSH", "k", "a", "b", "c"]];
    check_watch(&[
        (&[], "k", &["LPUSH", "k", "a"], true),
        (k, "k", &["RPUSH", "k", "a"], true),
        (&[], "k", &["LPUSHX", "k", "a"], false),
        (k, "k", &["RPUSHX", "k", "a"], true),
        (k, "k", &["LPOP", "k"], true),
        (k, "k", &["RPOP", "k", "5"], true),
        (k, "k", &["LPOP", "k", "0"], false),
        (&[], "k", &["LPOP", "k"], false),
        (k, "k", &["LSET", "k", "0", "x"], true),
        (k, "k", &["LSET", "k", "9", "x"], false),
        (k, "k", &["LINSERT", "k", "BEFORE", "b", "x"], true),
        (k, "k", &["LINSERT", "k", "BEFORE", "z", "x"], false),
        (k, "k", &["LTRIM", "k", "0", "-1"], true),
        (&[], "k", &["LTRIM", "k", "0", "-1"], false),
        (k, "k", &["LREM", "k", "0", "b"], true),
        (k, "k", &["LREM", "k", "0", "z"], false),
        (k, "k", &["LMOVE", "k", "d", "LEFT", "LEFT"], true),
        (k, "d", &["LMOVE", "k", "d", "LEFT", "LEFT"], true),
        (k, "k", &["RPOPLPUSH", "k", "k"], true),
        (&[], "k", &["RPOPLPUSH", "k", "d"], false),
        (k, "k", &["LMPOP", "1", "k", "LEFT"], true),
        (k, "k", &["BLPOP", "k", "0"], true),
        (k, "d", &["BLMOVE", "k", "d", "LEFT", "LEFT", "0"], true),
        (k, "k", &["LRANGE", "k", "0", "-1"], false),
    ]);
}

// A waiter served later signals the keys its pop changes: here only the
// BLMOVE destination, which no other command touches.
#[test]
fn watch_blocked_pop_served_later() {
    let server = Server::start(&[]);
    let mut watcher = Conn::open(&server);
    let mut waiter = Conn::open(&server);
    let mut writer = Conn::open(&server);
    waiter.send(&["BLMOVE", "src", "dst", "LEFT", "LEFT", "0"]);
    assert!(wait_until(DEADLINE, || blocked_clients(&mut writer) == 1));
    watcher.expect(&["WATCH", "dst"], "+OK\r\n");
    writer.expect(&["RPUSH", "src", "a"], ":1\r\n");
    assert_eq!(waiter.read(), "$1\r\na\r\n");
    watcher.expect(&["MULTI"], "+OK\r\n");
    watcher.expect(&["PING"], "+QUEUED\r\n");
    watcher.expect(&["EXEC"], "*-1\r\n");
}

// ---------------------------------------------------------------------------
// Hashes (t_hash.c)
// ---------------------------------------------------------------------------

// HSET/HMSET publish `hset` even when no value changed; HSETNX only when
// it sets; HDEL `hdel` then `del` when the hash empties.
#[test]
fn hash_commands() {
    check(
        "EAnm",
        &[
            (&["HSET", "h", "a", "1", "b", "2"], &["new h", "hset h"]),
            (&["HSET", "h", "a", "1"], &["hset h"]),
            (&["HSET", "h", "a", "2"], &["hset h"]),
            (&["HMSET", "h", "c", "3"], &["hset h"]),
            (&["HSET", "h", "c"], &[]),
            (&["HSETNX", "h", "c", "3"], &[]),
            (&["HSETNX", "h", "d", "4"], &["hset h"]),
            (&["HSETNX", "h2", "d", "4"], &["new h2", "hset h2"]),
            (&["HGET", "nok", "f"], &["keymiss nok"]),
            (&["HMGET", "nok", "f"], &["keymiss nok"]),
            (&["HGETALL", "nok"], &["keymiss nok"]),
            (&["HKEYS", "nok"], &["keymiss nok"]),
            (&["HVALS", "nok"], &["keymiss nok"]),
            (&["HLEN", "nok"], &["keymiss nok"]),
            (&["HSTRLEN", "nok", "f"], &["keymiss nok"]),
            (&["HEXISTS", "nok", "f"], &["keymiss nok"]),
            (&["HRANDFIELD", "nok"], &["keymiss nok"]),
            (&["HRANDFIELD", "nok", "2"], &["keymiss nok"]),
            (&["HSCAN", "nok", "0"], &["keymiss nok"]),
            (&["HGET", "h", "nofield"], &[]),
            (&["HINCRBY", "h", "n", "1"], &["hincrby h"]),
            (&["HINCRBY", "h3", "n", "1"], &["new h3", "hincrby h3"]),
            (&["HINCRBY", "h", "a", "x"], &[]),
            (&["HINCRBY", "h", "b", "9223372036854775807"], &[]),
            (&["HINCRBYFLOAT", "h", "f", "1.5"], &["hincrbyfloat h"]),
            (
                &["HINCRBYFLOAT", "h4", "f", "1.5"],
                &["new h4", "hincrbyfloat h4"],
            ),
            (&["HINCRBYFLOAT", "h4", "f", "x"], &[]),
            (&["HDEL", "h", "nof"], &[]),
            (&["HDEL", "h", "a", "b"], &["hdel h"]),
            (&["HDEL", "h2", "d"], &["hdel h2", "del h2"]),
            (&["HDEL", "nok", "f"], &[]),
            (
                &["HDEL", "h", "c", "d", "n", "f", "zz"],
                &["hdel h", "del h"],
            ),
            (&["SET", "str", "v"], &["new str", "set str"]),
            (&["HSET", "str", "a", "1"], &[]),
            (&["HINCRBY", "str", "a", "1"], &[]),
        ],
    );
}

#[test]
fn watch_hash_commands() {
    let h: &[&[&str]] = &[&["HSET", "h", "a", "1", "b", "2"]];
    check_watch(&[
        (&[], "h", &["HSET", "h", "a", "1"], true),
        (h, "h", &["HSET", "h", "a", "1"], true),
        (h, "h", &["HMSET", "h", "c", "1"], true),
        (h, "h", &["HSETNX", "h", "a", "1"], false),
        (h, "h", &["HSETNX", "h", "c", "1"], true),
        (h, "h", &["HDEL", "h", "z"], false),
        (h, "h", &["HDEL", "h", "a"], true),
        (h, "h", &["HDEL", "h", "a", "b"], true),
        (h, "h", &["HINCRBY", "h", "a", "0"], true),
        (h, "h", &["HINCRBYFLOAT", "h", "a", "0.5"], true),
        (h, "h", &["HGETALL", "h"], false),
    ]);
}

// ---------------------------------------------------------------------------
// Sets (t_set.c)
// ---------------------------------------------------------------------------

// SADD/SREM publish only when members were added or removed; SMOVE
// publishes `srem` (and `del`) on the source, then `sadd` on the
// destination only if it did not hold the member; the *STORE commands
// read their sources (`keymiss`) and publish their name, or `del` when the
// result is empty and the destination existed, even if expired.
#[test]
fn set_commands() {
    check(
        "EAnm",
        &[
            (&["SADD", "s", "a", "b", "c"], &["new s", "sadd s"]),
            (&["SADD", "s", "a"], &[]),
            (&["SADD", "s", "a", "d"], &["sadd s"]),
            (&["SREM", "s", "zz"], &[]),
            (&["SREM", "s", "a"], &["srem s"]),
            (&["SREM", "nos", "a"], &[]),
            (&["SISMEMBER", "nos", "a"], &["keymiss nos"]),
            (&["SMISMEMBER", "nos", "a"], &["keymiss nos"]),
            (&["SMEMBERS", "nos"], &["keymiss nos"]),
            (&["SCARD", "nos"], &["keymiss nos"]),
            (&["SRANDMEMBER", "nos"], &["keymiss nos"]),
            (&["SRANDMEMBER", "nos", "2"], &["keymiss nos"]),
            (&["SSCAN", "nos", "0"], &["keymiss nos"]),
            (
                &["SINTER", "nos", "nos2", "s"],
                &["keymiss nos", "keymiss nos2"],
            ),
            (&["SINTERCARD", "2", "s", "nos"], &["keymiss nos"]),
            (&["SUNION", "nos", "nos2"], &["keymiss nos", "keymiss nos2"]),
            (&["SDIFF", "s", "nos"], &["keymiss nos"]),
            (&["SPOP", "nos"], &[]),
            (&["SPOP", "s", "0"], &[]),
            (&["SADD", "q", "1"], &["new q", "sadd q"]),
            (&["SPOP", "q"], &["spop q", "del q"]),
            (
                &["SADD", "p", "1", "2", "3", "4", "5"],
                &["new p", "sadd p"],
            ),
            (&["SPOP", "p", "1"], &["spop p"]),
            (&["SPOP", "p", "3"], &["spop p"]),
            (&["SPOP", "p", "5"], &["spop p", "del p"]),
            (&["SADD", "m1", "a", "b"], &["new m1", "sadd m1"]),
            (
                &["SMOVE", "m1", "m2", "a"],
                &["srem m1", "new m2", "sadd m2"],
            ),
            (&["SMOVE", "m1", "m2", "a"], &[]),
            (
                &["SMOVE", "m1", "m2", "b"],
                &["srem m1", "del m1", "sadd m2"],
            ),
            (&["SMOVE", "nos", "m2", "b"], &[]),
            (&["SMOVE", "m2", "m2", "a"], &[]),
            (&["SADD", "m3", "a", "z"], &["new m3", "sadd m3"]),
            (&["SMOVE", "m3", "m2", "a"], &["srem m3"]),
            (&["SADD", "x", "1", "2"], &["new x", "sadd x"]),
            (&["SADD", "y", "2", "3"], &["new y", "sadd y"]),
            (
                &["SINTERSTORE", "dst", "x", "y"],
                &["new dst", "sinterstore dst"],
            ),
            (&["SINTERSTORE", "dst", "x", "y"], &["sinterstore dst"]),
            (
                &["SINTERSTORE", "dst", "x", "nos"],
                &["keymiss nos", "del dst"],
            ),
            (&["SINTERSTORE", "dst", "x", "nos"], &["keymiss nos"]),
            (
                &["SUNIONSTORE", "dst", "x", "y"],
                &["new dst", "sunionstore dst"],
            ),
            (
                &["SUNIONSTORE", "dst", "nos", "nos2"],
                &["keymiss nos", "keymiss nos2", "del dst"],
            ),
            (
                &["SDIFFSTORE", "dst", "x", "y"],
                &["new dst", "sdiffstore dst"],
            ),
            (&["SDIFFSTORE", "dst", "x", "x"], &["del dst"]),
            (&["SUNIONSTORE", "x", "x"], &["sunionstore x"]),
            (&["SET", "str", "v"], &["new str", "set str"]),
            (&["SADD", "str", "a"], &[]),
            (&["SUNIONSTORE", "dst", "str"], &[]),
            // An expired destination: replaced (`expired`, `new`), or
            // deleted outright by an empty result.
            (&["DEBUG", "SET-ACTIVE-EXPIRE", "0"], &[]),
            (
                &["SET", "e", "v", "PX", "1"],
                &["new e", "set e", "expire e"],
            ),
            (PASS_1MS, &[]),
            (
                &["SUNIONSTORE", "e", "x"],
                &["expired e", "new e", "sunionstore e"],
            ),
            (&["SET", "e", "v", "PX", "1"], &["set e", "expire e"]),
            (PASS_1MS, &[]),
            (&["SINTERSTORE", "e", "x", "nos"], &["keymiss nos", "del e"]),
        ],
    );
}

#[test]
fn watch_set_commands() {
    let s: &[&[&str]] = &[&["SADD", "s", "a", "b"]];
    let st: &[&[&str]] = &[&["SADD", "s", "a", "b"], &["SADD", "t", "a"]];
    check_watch(&[
        (s, "s", &["SADD", "s", "a"], false),
        (s, "s", &["SADD", "s", "c"], true),
        (&[], "s", &["SADD", "s", "c"], true),
        (s, "s", &["SREM", "s", "z"], false),
        (s, "s", &["SREM", "s", "a"], true),
        (s, "s", &["SPOP", "s"], true),
        (s, "s", &["SPOP", "s", "0"], false),
        (s, "s", &["SPOP", "s", "1"], true),
        (st, "s", &["SMOVE", "s", "t", "a"], true),
        (st, "t", &["SMOVE", "s", "t", "a"], false),
        (st, "t", &["SMOVE", "s", "t", "b"], true),
        (st, "s", &["SMOVE", "s", "t", "z"], false),
        (st, "s", &["SMOVE", "s", "s", "a"], false),
        (st, "t", &["SINTERSTORE", "t", "s"], true),
        (st, "t", &["SUNIONSTORE", "t", "nos"], true),
        (s, "t", &["SDIFFSTORE", "t", "s", "s"], false),
        (s, "t", &["SUNIONSTORE", "t", "s"], true),
        (s, "s", &["SMEMBERS", "s"], false),
    ]);
}

// ---------------------------------------------------------------------------
// Sorted sets (t_zset.c)
// ---------------------------------------------------------------------------

// ZADD publishes `zadd` (`zincr` with INCR, and for ZINCRBY) only when a
// member was added or a score changed; removals publish their command's
// name then `del` when the set empties; pops publish `zpopmin`/`zpopmax`.
#[test]
fn zset_commands() {
    check(
        "EAnm",
        &[
            (&["ZADD", "z", "1", "a", "2", "b"], &["new z", "zadd z"]),
            (&["ZADD", "z", "1", "a"], &[]),
            (&["ZADD", "z", "5", "a"], &["zadd z"]),
            (&["ZADD", "z", "NX", "5", "a"], &[]),
            (&["ZADD", "z", "XX", "6", "new"], &[]),
            (&["ZADD", "z", "XX", "CH", "7", "a"], &["zadd z"]),
            (&["ZADD", "z", "INCR", "1", "a"], &["zincr z"]),
            (&["ZADD", "z", "INCR", "0", "a"], &[]),
            (&["ZADD", "z", "NX", "INCR", "1", "a"], &[]),
            (&["ZADD", "z", "GT", "1", "a"], &[]),
            (&["ZADD", "z", "LT", "1", "a", "3", "c"], &["zadd z"]),
            (&["ZADD", "z2", "XX", "1", "a"], &[]),
            (&["ZADD", "z2", "1", "a", "x", "b"], &[]),
            (&["ZINCRBY", "z", "1", "b"], &["zincr z"]),
            (&["ZINCRBY", "z3", "1", "b"], &["new z3", "zincr z3"]),
            (&["ZINCRBY", "z", "0", "b"], &[]),
            (&["ZREM", "z", "nom"], &[]),
            (&["ZREM", "z", "a"], &["zrem z"]),
            (&["ZREM", "z3", "b"], &["zrem z3", "del z3"]),
            (&["ZREM", "noz", "a"], &[]),
            (&["ZSCORE", "noz", "a"], &["keymiss noz"]),
            (&["ZMSCORE", "noz", "a"], &["keymiss noz"]),
            (&["ZCARD", "noz"], &["keymiss noz"]),
            (&["ZCOUNT", "noz", "0", "1"], &["keymiss noz"]),
            (&["ZRANK", "noz", "a"], &["keymiss noz"]),
            (&["ZREVRANK", "noz", "a"], &["keymiss noz"]),
            (&["ZRANGE", "noz", "0", "1"], &["keymiss noz"]),
            (&["ZRANGEBYSCORE", "noz", "0", "1"], &["keymiss noz"]),
            (&["ZREVRANGEBYLEX", "noz", "+", "-"], &["keymiss noz"]),
            (&["ZLEXCOUNT", "noz", "-", "+"], &["keymiss noz"]),
            (&["ZRANDMEMBER", "noz"], &["keymiss noz"]),
            (&["ZSCAN", "noz", "0"], &["keymiss noz"]),
            (
                &["ZUNION", "2", "noz", "noz2"],
                &["keymiss noz", "keymiss noz2"],
            ),
            (
                &["ZINTER", "2", "noz", "noz2"],
                &["keymiss noz", "keymiss noz2"],
            ),
            (
                &["ZDIFF", "2", "noz", "noz2"],
                &["keymiss noz", "keymiss noz2"],
            ),
            (
                &["ZINTERCARD", "2", "noz", "noz2"],
                &["keymiss noz", "keymiss noz2"],
            ),
            (
                &["ZADD", "r", "1", "a", "2", "b", "3", "c", "4", "d"],
                &["new r", "zadd r"],
            ),
            (&["ZREMRANGEBYSCORE", "r", "10", "20"], &[]),
            (
                &["ZREMRANGEBYSCORE", "r", "1", "1"],
                &["zremrangebyscore r"],
            ),
            (&["ZREMRANGEBYRANK", "r", "0", "0"], &["zremrangebyrank r"]),
            (&["ZREMRANGEBYRANK", "r", "5", "9"], &[]),
            (
                &["ZREMRANGEBYLEX", "r", "-", "+"],
                &["zremrangebylex r", "del r"],
            ),
            (&["ZREMRANGEBYLEX", "r", "-", "+"], &[]),
            (
                &["ZADD", "p", "1", "a", "2", "b", "3", "c"],
                &["new p", "zadd p"],
            ),
            (&["ZPOPMIN", "p"], &["zpopmin p"]),
            (&["ZPOPMAX", "p", "0"], &[]),
            (&["ZPOPMAX", "p", "5"], &["zpopmax p", "del p"]),
            (&["ZPOPMIN", "noz"], &[]),
            (&["ZADD", "p", "1", "a", "2", "b"], &["new p", "zadd p"]),
            (&["ZMPOP", "2", "noz", "p", "MIN"], &["zpopmin p"]),
            (
                &["ZMPOP", "1", "p", "MAX", "COUNT", "5"],
                &["zpopmax p", "del p"],
            ),
            (&["ZMPOP", "1", "noz", "MAX"], &[]),
            (&["ZADD", "x", "1", "a", "2", "b"], &["new x", "zadd x"]),
            (&["ZADD", "y", "2", "b", "3", "c"], &["new y", "zadd y"]),
            (
                &["ZUNIONSTORE", "d", "2", "x", "y"],
                &["new d", "zunionstore d"],
            ),
            (&["ZINTERSTORE", "d", "2", "x", "y"], &["zinterstore d"]),
            (&["ZDIFFSTORE", "d", "2", "x", "y"], &["zdiffstore d"]),
            (
                &["ZINTERSTORE", "d", "2", "x", "noz"],
                &["keymiss noz", "del d"],
            ),
            (&["ZINTERSTORE", "d", "2", "x", "noz"], &["keymiss noz"]),
            (&["ZUNIONSTORE", "d", "1", "y"], &["new d", "zunionstore d"]),
            (&["ZRANGESTORE", "d", "x", "0", "-1"], &["zrangestore d"]),
            (&["ZRANGESTORE", "d", "x", "5", "10"], &["del d"]),
            (&["ZRANGESTORE", "d", "noz", "0", "1"], &["keymiss noz"]),
            (
                &["ZRANGESTORE", "d2", "x", "0", "0"],
                &["new d2", "zrangestore d2"],
            ),
            (&["BZPOPMIN", "x", "0"], &["zpopmin x"]),
            (&["BZPOPMAX", "x", "0"], &["zpopmax x", "del x"]),
            (&["BZMPOP", "0.01", "1", "noz", "MIN"], &[]),
            (&["ZADD", "x", "1", "a"], &["new x", "zadd x"]),
            (&["BZMPOP", "0", "1", "x", "MAX"], &["zpopmax x", "del x"]),
            (&["SADD", "s", "m"], &["new s", "sadd s"]),
            (&["ZUNIONSTORE", "d", "1", "s"], &["new d", "zunionstore d"]),
            (&["SET", "str", "v"], &["new str", "set str"]),
            (&["ZADD", "str", "1", "a"], &[]),
            (&["ZUNIONSTORE", "d", "1", "str"], &[]),
        ],
    );
}

#[test]
fn watch_zset_commands() {
    let z: &[&[&str]] = &[&["ZADD", "z", "1", "a", "2", "b"]];
    check_watch(&[
        (z, "z", &["ZADD", "z", "1", "a"], false),
        (z, "z", &["ZADD", "z", "3", "a"], true),
        (&[], "z", &["ZADD", "z", "1", "a"], true),
        (z, "z", &["ZADD", "z", "NX", "3", "a"], false),
        (z, "z", &["ZINCRBY", "z", "0", "a"], false),
        (z, "z", &["ZINCRBY", "z", "1", "a"], true),
        (z, "z", &["ZREM", "z", "x"], false),
        (z, "z", &["ZREM", "z", "a"], true),
        (z, "z", &["ZREMRANGEBYSCORE", "z", "5", "9"], false),
        (z, "z", &["ZREMRANGEBYRANK", "z", "0", "0"], true),
        (z, "z", &["ZPOPMIN", "z"], true),
        (z, "z", &["ZPOPMAX", "z", "0"], false),
        (z, "z", &["ZMPOP", "1", "z", "MIN"], true),
        (z, "z", &["BZPOPMAX", "z", "0"], true),
        (z, "d", &["ZUNIONSTORE", "d", "1", "z"], true),
        (z, "d", &["ZINTERSTORE", "d", "2", "z", "nokey"], false),
        (z, "z", &["ZINTERSTORE", "z", "2", "z", "nokey"], true),
        (z, "d", &["ZRANGESTORE", "d", "z", "0", "-1"], true),
        (z, "z", &["ZRANGE", "z", "0", "-1"], false),
    ]);
}

// ---------------------------------------------------------------------------
// SORT (sort.c), DEBUG POPULATE
// ---------------------------------------------------------------------------

// SORT reads its key and every BY/GET key (`keymiss` for each missing
// one, in the order it looks them up); STORE publishes `sortstore`, or
// `del` for an empty result over an existing key. DEBUG POPULATE creates
// keys with `new` alone.
#[test]
fn sort_and_populate() {
    check(
        "EAnm",
        &[
            (&["RPUSH", "l", "3", "1", "2"], &["new l", "rpush l"]),
            (&["SORT", "l"], &[]),
            (&["SORT", "nol"], &["keymiss nol"]),
            (&["SORT_RO", "nol"], &["keymiss nol"]),
            (
                &["SORT", "l", "BY", "w_*"],
                &["keymiss w_3", "keymiss w_1", "keymiss w_2"],
            ),
            (&["SET", "w_1", "5"], &["new w_1", "set w_1"]),
            (
                &["SORT", "l", "BY", "w_*", "GET", "o_*", "GET", "#"],
                &[
                    "keymiss w_3",
                    "keymiss w_2",
                    "keymiss o_2",
                    "keymiss o_3",
                    "keymiss o_1",
                ],
            ),
            (
                &["SORT", "l", "BY", "nosort", "GET", "w_*"],
                &["keymiss w_3", "keymiss w_2"],
            ),
            (
                &["SORT", "l", "STORE", "dst"],
                &["new dst", "sortstore dst"],
            ),
            (&["SORT", "l", "STORE", "dst"], &["sortstore dst"]),
            (
                &["SORT", "l", "LIMIT", "5", "10", "STORE", "dst"],
                &["del dst"],
            ),
            (&["SORT", "nol", "STORE", "dst"], &["keymiss nol"]),
            (&["SORT", "l", "DESC", "STORE", "l"], &["sortstore l"]),
            (
                &["SORT", "l", "BY", "w_*", "STORE", "dst"],
                &["keymiss w_3", "keymiss w_2", "new dst", "sortstore dst"],
            ),
            (
                &["SORT", "nol", "STORE", "dst"],
                &["keymiss nol", "del dst"],
            ),
            (&["DEBUG", "POPULATE", "2"], &["new key:0", "new key:1"]),
            (&["DEBUG", "POPULATE", "3"], &["new key:2"]),
            (&["DEBUG", "POPULATE", "1", "p", "5"], &["new p:0"]),
        ],
    );
}

#[test]
fn watch_sort_and_populate() {
    let l: &[&[&str]] = &[&["RPUSH", "l", "3", "1", "2"], &["SET", "d", "x"]];
    check_watch(&[
        (l, "d", &["SORT", "l", "STORE", "d"], true),
        (l, "d", &["SORT", "nol", "STORE", "d"], true),
        (l, "n", &["SORT", "nol", "STORE", "n"], false),
        (l, "l", &["SORT", "l"], false),
        (&[], "key:1", &["DEBUG", "POPULATE", "3"], true),
        (
            &[&["SET", "key:0", "v"]],
            "key:0",
            &["DEBUG", "POPULATE", "3"],
            false,
        ),
    ]);
}
