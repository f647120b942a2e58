//! DEBUG, TIME and SHUTDOWN: the server-control commands, checked against
//! what Redis 7.0.15 sends.
//!
//! DEBUG DIGEST is compared with a live `redis-server` holding the same
//! data: equal digests are the evidence that the SHA1 and the mixing are
//! Redis's own. DEBUG PROTOCOL is compared byte for byte in RESP2 and
//! RESP3. SHUTDOWN runs against servers started for that test alone, and
//! checks the exit code. Every test passes with
//! `FERRODIS_TEST_TARGET=redis`, except the SHUTDOWN SAVE refusal, which
//! is ferrodis's (it has no persistence to save to).

mod common;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{read_to_close, wait_until, Conn, Kind, Server, DEADLINE};

impl Conn {
    /// Everything `args` makes the server send (a push or an attribute may
    /// come with its reply), up to an ECHO marker sent behind it.
    fn call_all(&mut self, args: &[&str]) -> String {
        self.send(args);
        self.send(&["echo", "--end--"]);
        let mut out = String::new();
        loop {
            let reply = self.read();
            if reply == "$7\r\n--end--\r\n" {
                return out;
            }
            out.push_str(&reply);
        }
    }
}

/// Sends the same command to both servers and asserts identical replies.
fn assert_same(ours: &mut Conn, redis: &mut Conn, args: &[&str]) -> String {
    let want = redis.call(args);
    let got = ours.call(args);
    assert_eq!(got, want, "reply to {args:?} differs from redis-server's");
    got
}

const DEBUG_YES: &[&str] = &["--enable-debug-command", "yes"];
const NOT_ALLOWED: &str = "-ERR DEBUG command not allowed. If the enable-debug-command option is \
set to \"local\", you can run it from a local connection, otherwise you need to set this option in \
the configuration file, and then restart the server.\r\n";
const ZERO_DIGEST: &str = "+0000000000000000000000000000000000000000\r\n";

/// The argument of a status reply.
fn status(reply: &str) -> &str {
    reply
        .strip_prefix('+')
        .and_then(|r| r.strip_suffix("\r\n"))
        .unwrap_or_else(|| panic!("not a status reply: {reply:?}"))
}

// enable-debug-command: no (the default) refuses DEBUG, before even
// NOAUTH; local and yes allow it from loopback.
#[test]
fn debug_is_refused_unless_enabled() {
    let server = Server::start(&[]);
    let mut a = Conn::open(&server);
    a.expect(&["debug", "help"], NOT_ALLOWED);
    a.expect(&["debug", "sleep", "0"], NOT_ALLOWED);
    a.expect(&["debug", "nosuch"], NOT_ALLOWED);
    // Arity is checked first.
    a.expect(
        &["debug"],
        "-ERR wrong number of arguments for 'debug' command\r\n",
    );

    let locked = Server::start(&["--requirepass", "pw"]);
    let mut b = Conn::open(&locked);
    b.expect(&["debug", "help"], NOT_ALLOWED);
    let open_locked = Server::start(&["--requirepass", "pw", "--enable-debug-command", "yes"]);
    let mut c = Conn::open(&open_locked);
    c.expect(
        &["debug", "sleep", "0"],
        "-NOAUTH Authentication required.\r\n",
    );
    c.expect(&["auth", "pw"], "+OK\r\n");
    c.expect(&["debug", "sleep", "0"], "+OK\r\n");

    // Tests connect from 127.0.0.1, which `local` accepts.
    for setting in ["local", "yes"] {
        let server = Server::start(&["--enable-debug-command", setting]);
        let mut d = Conn::open(&server);
        d.expect(&["debug", "sleep", "0"], "+OK\r\n");
    }
}

// Every DEBUG error path, and the OK replies, byte for byte.
#[test]
fn debug_replies_match_redis() {
    let server = Server::start(DEBUG_YES);
    let redis = Server::start_redis(DEBUG_YES);
    let (mut ours, mut theirs) = (Conn::open(&server), Conn::open(&redis));
    let cases: &[&[&str]] = &[
        &["debug", "object"],
        &["debug", "foo"],
        &["debug", "sleep"],
        &["debug", "sleep", "abc"],
        &["debug", "sleep", "-1"],
        &["debug", "sleep", "0.001"],
        &["debug", "set-active-expire"],
        &["debug", "set-active-expire", "1"],
        &["debug", "populate"],
        &["debug", "populate", "abc"],
        &["debug", "populate", "-1"],
        &["debug", "populate", "3", "pre", "abc"],
        &["debug", "populate", "3", "pre", "-5"],
        &["debug", "populate", "3", "pre", "3", "x"],
        &["debug", "error"],
        &["debug", "error", "a", "b"],
        &["debug", "log"],
        &["debug", "log", "a", "b"],
        &["debug", "protocol"],
        &["debug", "protocol", "nosuchtype"],
        &["debug", "replybuffer"],
        &["debug", "replybuffer", "peak-reset-time"],
        &["debug", "replybuffer", "peak-reset-time", "never"],
        &["debug", "replybuffer", "peak-reset-time", "RESET"],
        &["debug", "replybuffer", "peak-reset-time", "100"],
        &["debug", "replybuffer", "peak-reset-time", "abc"],
        &["debug", "replybuffer", "resizing", "0"],
        &["debug", "replybuffer", "resizing", "1"],
        &["debug", "replybuffer", "foo", "bar"],
        &["debug", "digest", "x"],
        &["debug", "digest-value"],
        &["debug", "help", "x"],
        &["debug", "object", "nosuchkey"],
    ];
    for args in cases {
        assert_same(&mut ours, &mut theirs, args);
    }
    ours.expect(
        &["dEbUg", "nosuch"],
        "-ERR unknown subcommand or wrong number of arguments for 'nosuch'. Try DEBUG HELP.\r\n",
    );
    ours.expect(
        &["debug", "populate", "x"],
        "-ERR value is out of range, must be positive\r\n",
    );
    ours.expect(&["debug", "object", "nokey"], "-ERR no such key\r\n");
}

// DEBUG HELP in Redis's frame.
#[test]
fn debug_help_shape() {
    let server = Server::start(DEBUG_YES);
    let mut a = Conn::open(&server);
    let reply = a.call(&["debug", "help"]);
    let lines: Vec<&str> = reply.split("\r\n").collect();
    let n: usize = lines[0][1..].parse().expect("count");
    assert_eq!(lines.len(), n + 2, "{reply:?}");
    assert_eq!(
        lines[1],
        "+DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    );
    assert!(lines[1..=n].iter().all(|l| l.starts_with('+')));
    for sub in [
        "DIGEST",
        "OBJECT",
        "POPULATE",
        "PROTOCOL",
        "SLEEP",
        "SET-ACTIVE-EXPIRE",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(&format!("+{sub}"))),
            "{sub}"
        );
    }
}

/// The same writes to both servers.
fn load_dataset(conn: &mut Conn) {
    let long: String = (0..200)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    for args in [
        &["mset", "k1", "v1", "k2", "123", "k3", &long, "k4", "-7"][..],
        &["set", "with-ttl", "v", "ex", "1000"],
        &["set", "with-pttl", "12345678901234", "px", "100000000"],
        &["select", "5"],
        &["set", "elsewhere", "x"],
        &["set", "k1", "v1"],
        &["select", "0"],
        &["debug", "populate", "300"],
        &["debug", "populate", "20", "sized", "50"],
    ] {
        let reply = conn.call(args);
        assert!(reply.starts_with('+'), "{args:?}: {reply:?}");
    }
}

// DEBUG DIGEST equals redis-server's for the same data, does not depend on
// the order of insertion, and changes with any value or expiry.
#[test]
fn debug_digest_matches_redis() {
    let server = Server::start(DEBUG_YES);
    let redis = Server::start_redis(DEBUG_YES);
    let (mut ours, mut theirs) = (Conn::open(&server), Conn::open(&redis));
    ours.expect(&["debug", "digest"], ZERO_DIGEST);
    theirs.expect(&["debug", "digest"], ZERO_DIGEST);

    load_dataset(&mut ours);
    load_dataset(&mut theirs);
    let digest = assert_same(&mut ours, &mut theirs, &["debug", "digest"]);
    assert_ne!(digest, ZERO_DIGEST);
    assert_eq!(status(&digest).len(), 40);
    assert_same(
        &mut ours,
        &mut theirs,
        &[
            "debug",
            "digest-value",
            "k1",
            "k2",
            "k3",
            "k4",
            "with-ttl",
            "nokey",
            "key:7",
        ],
    );

    // An expiry counts (that there is one, not when).
    ours.expect(&["persist", "with-ttl"], ":1\r\n");
    let no_ttl = ours.call(&["debug", "digest"]);
    assert_ne!(no_ttl, digest);
    ours.expect(&["expire", "with-ttl", "5000"], ":1\r\n");
    assert_eq!(ours.call(&["debug", "digest"]), digest);
    // Any value counts.
    ours.expect(&["set", "k1", "other"], "+OK\r\n");
    assert_ne!(ours.call(&["debug", "digest"]), digest);
    ours.expect(&["set", "k1", "v1"], "+OK\r\n");
    assert_eq!(ours.call(&["debug", "digest"]), digest);
    // The database counts.
    ours.expect(&["move", "k2", "3"], ":1\r\n");
    assert_ne!(ours.call(&["debug", "digest"]), digest);

    // Insertion order does not: a fresh server loaded in reverse order.
    let other = Server::start(DEBUG_YES);
    let mut fresh = Conn::open(&other);
    for i in (0..50).rev() {
        fresh.expect(
            &["set", &format!("key:{i}"), &format!("value:{i}")],
            "+OK\r\n",
        );
    }
    let mut forward = Conn::open(&server);
    forward.expect(&["flushall"], "+OK\r\n");
    forward.expect(&["debug", "populate", "50"], "+OK\r\n");
    assert_eq!(
        fresh.call(&["debug", "digest"]),
        forward.call(&["debug", "digest"])
    );
}

// DEBUG POPULATE: key:N = value:N, existing keys kept, a prefix, and values
// cut or padded with zero bytes to the size given.
#[test]
fn debug_populate_then_dbsize() {
    let server = Server::start(DEBUG_YES);
    let redis = Server::start_redis(DEBUG_YES);
    for target in [&server, &redis] {
        let mut a = Conn::open(target);
        a.expect(&["set", "key:3", "mine"], "+OK\r\n");
        a.expect(&["debug", "populate", "100"], "+OK\r\n");
        assert_eq!(a.int(&["dbsize"]), 100);
        a.expect(&["get", "key:0"], "$7\r\nvalue:0\r\n");
        a.expect(&["get", "key:99"], "$8\r\nvalue:99\r\n");
        a.expect(&["get", "key:3"], "$4\r\nmine\r\n");
        a.expect(&["get", "key:100"], "$-1\r\n");
        a.expect(&["debug", "populate", "0"], "+OK\r\n");
        a.expect(&["debug", "populate", "3", "p", "10"], "+OK\r\n");
        a.expect(&["get", "p:1"], "$10\r\nvalue:1\0\0\0\r\n");
        a.expect(&["debug", "populate", "2", "q", "3"], "+OK\r\n");
        a.expect(&["get", "q:1"], "$3\r\nval\r\n");
        a.expect(&["debug", "populate", "1", "r", "0"], "+OK\r\n");
        a.expect(&["get", "r:0"], "$7\r\nvalue:0\r\n");
        assert_eq!(a.int(&["dbsize"]), 106);
        // Another database.
        a.expect(&["select", "2"], "+OK\r\n");
        a.expect(&["debug", "populate", "5"], "+OK\r\n");
        assert_eq!(a.int(&["dbsize"]), 5);
    }
}

// DEBUG SLEEP 0 answers at once; a real sleep stops the whole server.
#[test]
fn debug_sleep_stops_the_server() {
    let server = Server::start(DEBUG_YES);
    let mut a = Conn::open(&server);
    let mut b = Conn::open(&server);
    let start = Instant::now();
    a.expect(&["debug", "sleep", "0"], "+OK\r\n");
    assert!(start.elapsed() < Duration::from_secs(5));

    // Once the log shows the LOG that precedes the sleep, the server is
    // sleeping: B's PING waits for the sleep to end.
    let start = Instant::now();
    a.send(&["debug", "log", "about-to-sleep"]);
    a.send(&["debug", "sleep", "0.8"]);
    assert!(server.wait_log("DEBUG LOG: about-to-sleep", DEADLINE));
    b.expect(&["ping"], "+PONG\r\n");
    let b_waited = start.elapsed();
    assert_eq!(a.read(), "+OK\r\n");
    assert_eq!(a.read(), "+OK\r\n");
    assert!(
        b_waited >= Duration::from_millis(800),
        "PING after {b_waited:?}"
    );
}

// DEBUG PROTOCOL: every type, byte for byte, in RESP2 and RESP3.
#[test]
fn debug_protocol_matches_redis_in_resp2_and_resp3() {
    let server = Server::start(DEBUG_YES);
    let redis = Server::start_redis(DEBUG_YES);
    let (mut ours, mut theirs) = (Conn::open(&server), Conn::open(&redis));
    let types = [
        "string", "integer", "double", "bignum", "null", "array", "set", "map", "attrib", "push",
        "verbatim", "true", "false", "nosuch", "MAP",
    ];
    for proto in ["2", "3"] {
        ours.call(&["hello", proto]);
        theirs.call(&["hello", proto]);
        for t in types {
            let args = ["debug", "protocol", t];
            let want = theirs.call_all(&args);
            let got = ours.call_all(&args);
            assert_eq!(got, want, "DEBUG PROTOCOL {t} in RESP{proto}");
        }
    }
    // Two spelled out.
    ours.expect(
        &["debug", "protocol", "bignum"],
        "(1234567999999999999999999999999999999\r\n",
    );
    ours.call(&["hello", "2"]);
    ours.expect(
        &["debug", "protocol", "push"],
        "-ERR RESP2 is not supported by this command\r\n",
    );
}

/// DEBUG OBJECT's fields as (name, value), with the address checked.
fn object_fields(line: &str) -> Vec<(String, String)> {
    let line = status(line);
    let rest = line.strip_prefix("Value at:0x").expect("Value at:0x");
    let (addr, rest) = rest.split_once(' ').expect("fields after the address");
    assert!(u64::from_str_radix(addr, 16).is_ok(), "address {addr}");
    rest.split(' ')
        .map(|f| {
            let (k, v) = f.split_once(':').expect("name:value");
            (k.to_string(), v.to_string())
        })
        .collect()
}

// DEBUG OBJECT: Redis's fields in order, with the same refcount, encoding
// and serialized length (for values LZF would not shrink).
#[test]
fn debug_object_fields_match_redis() {
    let server = Server::start(DEBUG_YES);
    let redis = Server::start_redis(DEBUG_YES);
    let (mut ours, mut theirs) = (Conn::open(&server), Conn::open(&redis));
    // 61 distinct bytes: nothing for LZF to compress.
    let distinct: String = (0x21u8..0x5e).map(char::from).collect();
    let values = [
        "5",
        "hello",
        "123456789012",
        "-32768",
        "70000",
        "abcdefghijklmnopqrstuvwxyz0123456789",
        distinct.as_str(),
    ];
    for (i, v) in values.iter().enumerate() {
        let key = format!("o{i}");
        for conn in [&mut ours, &mut theirs] {
            conn.expect(&["set", &key, v], "+OK\r\n");
        }
        let got = object_fields(&ours.call(&["debug", "object", &key]));
        let want = object_fields(&theirs.call(&["debug", "object", &key]));
        let names: Vec<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "refcount",
                "encoding",
                "serializedlength",
                "lru",
                "lru_seconds_idle"
            ]
        );
        assert_eq!(got[..3], want[..3], "DEBUG OBJECT of {v:?}");
        for (_, n) in &got[3..] {
            n.parse::<u64>().expect("a number");
        }
    }
}

// DEBUG ERROR answers with the message as an error; DEBUG LOG logs it.
#[test]
fn debug_error_and_log() {
    let server = Server::start(DEBUG_YES);
    let redis = Server::start_redis(DEBUG_YES);
    let (mut ours, mut theirs) = (Conn::open(&server), Conn::open(&redis));
    for msg in ["Some message", "-ERR", "", "a\r\nb\nc", "CODE text"] {
        assert_same(&mut ours, &mut theirs, &["debug", "error", msg]);
    }
    ours.expect(&["debug", "error", "WRONG thing"], "-WRONG thing\r\n");
    ours.expect(&["debug", "log", "hello from the test"], "+OK\r\n");
    assert!(server.wait_log("DEBUG LOG: hello from the test", DEADLINE));
}

// DEBUG SET-ACTIVE-EXPIRE 0 leaves expired keys to lazy expiry; 1 lets
// the active cycle remove them again.
#[test]
fn debug_set_active_expire() {
    let server = Server::start(DEBUG_YES);
    let mut a = Conn::open(&server);
    a.expect(&["debug", "set-active-expire", "0"], "+OK\r\n");
    a.expect(&["set", "k", "v", "px", "1"], "+OK\r\n");
    // For a while (several cron periods), the expired key stays counted.
    let window = Instant::now() + Duration::from_millis(500);
    while Instant::now() < window {
        assert_eq!(a.int(&["dbsize"]), 1, "the active cycle ran");
        std::thread::sleep(Duration::from_millis(20));
    }
    a.expect(&["debug", "set-active-expire", "1"], "+OK\r\n");
    assert!(wait_until(DEADLINE, || a.int(&["dbsize"]) == 0));
}

/// The two bulk strings of TIME: seconds and microseconds.
fn parse_time(reply: &str) -> (u64, u64) {
    let parts: Vec<&str> = reply.split("\r\n").collect();
    assert_eq!(parts[0], "*2", "{reply:?}");
    assert_eq!(parts[1], format!("${}", parts[2].len()));
    assert_eq!(parts[3], format!("${}", parts[4].len()));
    (
        parts[2].parse().expect("seconds"),
        parts[4].parse().expect("microseconds"),
    )
}

// TIME: seconds and microseconds as two bulk strings, in both protocols.
#[test]
fn time_returns_seconds_and_microseconds() {
    let server = Server::start(&[]);
    let mut a = Conn::open(&server);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let (secs, micros) = parse_time(&a.call(&["time"]));
    assert!(secs.abs_diff(now) <= 5, "{secs} vs {now}");
    assert!(micros < 1_000_000);
    a.call(&["hello", "3"]);
    let (secs, micros) = parse_time(&a.call(&["time"]));
    assert!(secs.abs_diff(now) <= 5 && micros < 1_000_000);
    a.expect(
        &["time", "x"],
        "-ERR wrong number of arguments for 'time' command\r\n",
    );
}

// SHUTDOWN's option errors and ABORT with nothing pending.
#[test]
fn shutdown_errors_match_redis() {
    let server = Server::start(&[]);
    let redis = Server::start_redis(&[]);
    let (mut ours, mut theirs) = (Conn::open(&server), Conn::open(&redis));
    for args in [
        &["shutdown", "foo"][..],
        &["shutdown", "abort"],
        &["shutdown", "ABORT", "abort"],
        &["shutdown", "abort", "now"],
        &["shutdown", "nosave", "abort"],
        &["shutdown", "save", "nosave"],
        &["shutdown", "now", "foo"],
    ] {
        assert_same(&mut ours, &mut theirs, args);
    }
    ours.expect(&["shutdown", "abort"], "-ERR No shutdown in progress.\r\n");
    ours.expect(&["ping"], "+PONG\r\n");
}

// SHUTDOWN NOSAVE and plain SHUTDOWN: no reply, nothing more runs, the
// connection closes and the process exits with 0.
#[test]
fn shutdown_stops_the_process_with_exit_code_0() {
    for args in [
        &["shutdown", "nosave"][..],
        &["shutdown"],
        &["SHUTDOWN", "now", "force"],
    ] {
        let mut server = Server::start(&[]);
        let mut a = Conn::open(&server);
        a.send(args);
        a.send(&["ping"]);
        let (bytes, closed) = read_to_close(&mut a.stream, DEADLINE);
        assert!(closed, "{args:?}: the connection closed");
        assert!(
            bytes.is_empty(),
            "{args:?}: got {:?}",
            String::from_utf8_lossy(&bytes)
        );
        assert_eq!(server.wait_exit(DEADLINE), Some(0), "{args:?}: exit code");
    }
}

// SHUTDOWN SAVE cannot save without persistence: it fails, and the server
// stays up, unless FORCE is given.
#[test]
fn shutdown_save_without_persistence() {
    let mut server = Server::start(&[]);
    if server.kind == Kind::Redis {
        return;
    }
    let mut a = Conn::open(&server);
    a.expect(
        &["shutdown", "save"],
        "-ERR Errors trying to SHUTDOWN. Check logs.\r\n",
    );
    a.expect(&["ping"], "+PONG\r\n");
    a.send(&["shutdown", "save", "force"]);
    let (bytes, closed) = read_to_close(&mut a.stream, DEADLINE);
    assert!(closed && bytes.is_empty());
    assert_eq!(server.wait_exit(DEADLINE), Some(0));
}

// A list's digest equals redis-server's (elements mixed in order, integers
// as their decimal text), across many nodes, and changes with the order.
#[test]
fn list_digest_matches_redis() {
    let server = Server::start(DEBUG_YES);
    let redis = Server::start_redis(DEBUG_YES);
    let (mut ours, mut theirs) = (Conn::open(&server), Conn::open(&redis));
    let big: Vec<String> = (0..1000).map(|i| format!("e{i}")).collect();
    let mut long_push: Vec<&str> = vec!["rpush", "long"];
    long_push.extend(big.iter().map(String::as_str));
    let wide = "w".repeat(10_000);
    for conn in [&mut ours, &mut theirs] {
        for args in [
            &["rpush", "small", "a", "12", "-5", "007", "b"][..],
            &long_push,
            &["lpush", "wide", &wide, "x", "9223372036854775807"],
        ] {
            let reply = conn.call(args);
            assert!(reply.starts_with(':'), "{args:?}: {reply:?}");
        }
    }
    let digest = assert_same(&mut ours, &mut theirs, &["debug", "digest"]);
    assert_same(
        &mut ours,
        &mut theirs,
        &["debug", "digest-value", "small", "long", "wide"],
    );
    // Same elements, other order: another digest.
    ours.expect(&["lmove", "small", "small", "left", "right"], "$1\r\na\r\n");
    assert_ne!(ours.call(&["debug", "digest"]), digest);
    theirs.expect(&["lmove", "small", "small", "left", "right"], "$1\r\na\r\n");
    assert_same(&mut ours, &mut theirs, &["debug", "digest"]);
}
