//! Key expiry (expire.c, db.c) checked against Redis 7.0.15: EXPIRE,
//! PEXPIRE, EXPIREAT, PEXPIREAT with NX/XX/GT/LT, TTL/PTTL,
//! EXPIRETIME/PEXPIRETIME, PERSIST; what other commands do to a TTL; lazy
//! expiry on read; and the active expire cycle, which must empty the
//! keyspace on its own without stalling the server.
//!
//! Relative TTLs are checked within a window; absolute ones (PEXPIREAT far
//! in the future) exactly. The only fixed waits are for a TTL to pass.
//! Every expectation here was checked with `FERRODIS_TEST_TARGET=redis`.

mod common;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{wait_until, Conn, Server, DEADLINE};

const OK: &str = "+OK\r\n";
const NIL: &str = "$-1\r\n";
const NOT_INT: &str = "-ERR value is not an integer or out of range\r\n";
const NX_AND_OTHERS: &str =
    "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n";
const GT_AND_LT: &str = "-ERR GT and LT options at the same time are not compatible\r\n";

/// A far-future absolute time in milliseconds, so GT/LT comparisons never
/// race the clock.
const FAR: i64 = 99_999_999_999_000;

/// `-ERR wrong number of arguments for '<cmd>' command`.
fn arity(cmd: &str) -> String {
    format!("-ERR wrong number of arguments for '{cmd}' command\r\n")
}

/// `-ERR invalid expire time in '<cmd>' command`.
fn bad_expire(cmd: &str) -> String {
    format!("-ERR invalid expire time in '{cmd}' command\r\n")
}

/// A bulk string reply.
fn bulk(s: &str) -> String {
    format!("${}\r\n{s}\r\n", s.len())
}

/// An integer reply.
fn int(n: i64) -> String {
    format!(":{n}\r\n")
}

/// Sleeps until `ttl` (plus a margin for millisecond rounding) has passed
/// since `since`, an instant taken after the server replied to the command
/// that set the TTL, so the server's own clock has passed it too.
fn wait_past(since: Instant, ttl: Duration) {
    let until = since + ttl + Duration::from_millis(5);
    let now = Instant::now();
    if until > now {
        std::thread::sleep(until - now);
    }
}

// EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT set a TTL and reply 1, or 0 for a missing key.
#[test]
fn expire_family_sets_ttl() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["MSET", "a", "1", "b", "2", "c", "3", "d", "4"], OK);
    c.expect(&["EXPIRE", "a", "100"], ":1\r\n");
    let ttl = c.int(&["TTL", "a"]);
    assert!((99..=100).contains(&ttl), "TTL after EXPIRE 100: {ttl}");
    let pttl = c.int(&["PTTL", "a"]);
    assert!((99_000..=100_000).contains(&pttl), "PTTL: {pttl}");
    c.expect(&["PEXPIRE", "b", "100000"], ":1\r\n");
    let pttl = c.int(&["PTTL", "b"]);
    assert!(
        (99_000..=100_000).contains(&pttl),
        "PTTL after PEXPIRE: {pttl}"
    );
    c.expect(&["EXPIREAT", "c", "99999999999"], ":1\r\n");
    c.expect(&["PEXPIRETIME", "c"], &int(99_999_999_999_000));
    c.expect(&["EXPIRETIME", "c"], &int(99_999_999_999));
    c.expect(&["PEXPIREAT", "d", "99999999999123"], ":1\r\n");
    c.expect(&["PEXPIRETIME", "d"], &int(99_999_999_999_123));
    // Setting the same expire again still replies 1.
    c.expect(&["PEXPIREAT", "d", "99999999999123"], ":1\r\n");
    for cmd in ["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"] {
        c.expect(&[cmd, "missing", "100"], ":0\r\n");
        c.expect(&[cmd, "missing", "99999999999"], ":0\r\n");
    }
    c.expect(&["EXISTS", "missing"], ":0\r\n");
    c.expect(&["EXPIRE", "a"], &arity("expire"));
    c.expect(&["PEXPIRE", "a"], &arity("pexpire"));
    c.expect(&["EXPIREAT", "a"], &arity("expireat"));
    c.expect(&["PEXPIREAT"], &arity("pexpireat"));
}

// TTL/PTTL/EXPIRETIME/PEXPIRETIME reply -2 for a missing key and -1 for a key without TTL.
#[test]
fn ttl_of_missing_and_persistent_keys() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SET", "k", "v"], OK);
    for cmd in ["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"] {
        c.expect(&[cmd, "missing"], ":-2\r\n");
        c.expect(&[cmd, "k"], ":-1\r\n");
        c.expect(&[cmd], &arity(&cmd.to_lowercase()));
        c.expect(&[cmd, "a", "b"], &arity(&cmd.to_lowercase()));
    }
    let hello = c.call(&["HELLO", "3"]);
    assert!(hello.starts_with("%7\r\n"), "HELLO 3: {hello:?}");
    c.expect(&["TTL", "missing"], ":-2\r\n");
    c.expect(&["PTTL", "k"], ":-1\r\n");
}

// TTL and EXPIRETIME round milliseconds to the nearest second: (ms + 500) / 1000.
#[test]
fn ttl_rounds_to_nearest_second() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SET", "a", "v", "PX", "1950"], OK);
    c.expect(&["TTL", "a"], ":2\r\n");
    c.expect(&["SET", "b", "v", "PX", "1200"], OK);
    c.expect(&["TTL", "b"], ":1\r\n");
    // Under half a second left: the key exists but TTL says 0.
    c.expect(&["SET", "c", "v", "PX", "5000"], OK);
    c.expect(&["PEXPIRE", "c", "400"], ":1\r\n");
    c.expect(&["TTL", "c"], ":0\r\n");
    c.expect(&["SET", "d", "v"], OK);
    for (at, secs) in [
        ("99999999999499", 99_999_999_999),
        ("99999999999500", 100_000_000_000),
        ("99999999999001", 99_999_999_999),
        ("99999999999999", 100_000_000_000),
    ] {
        c.expect(&["PEXPIREAT", "d", at], ":1\r\n");
        c.expect(&["PEXPIRETIME", "d"], &format!(":{at}\r\n"));
        c.expect(&["EXPIRETIME", "d"], &int(secs));
    }
}

// NX: only without a TTL; XX: only with one; GT/LT: strictly later/earlier, no TTL = infinite.
#[test]
fn expire_nx_xx_gt_lt() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    let at = |ms: i64| ms.to_string();
    c.expect(&["SET", "k", "v"], OK);
    // No TTL yet: XX and GT refuse, NX and LT set.
    c.expect(&["PEXPIREAT", "k", &at(FAR), "XX"], ":0\r\n");
    c.expect(&["PEXPIREAT", "k", &at(FAR), "GT"], ":0\r\n");
    c.expect(&["TTL", "k"], ":-1\r\n");
    c.expect(&["PEXPIREAT", "k", &at(FAR), "LT"], ":1\r\n");
    c.expect(&["PERSIST", "k"], ":1\r\n");
    c.expect(&["PEXPIREAT", "k", &at(FAR), "NX"], ":1\r\n");
    c.expect(&["PEXPIRETIME", "k"], &int(FAR));
    // With a TTL: NX refuses, XX sets.
    c.expect(&["PEXPIREAT", "k", &at(FAR + 5), "NX"], ":0\r\n");
    c.expect(&["PEXPIREAT", "k", &at(FAR + 5), "XX"], ":1\r\n");
    c.expect(&["PEXPIRETIME", "k"], &int(FAR + 5));
    // GT and LT are strict.
    c.expect(&["PEXPIREAT", "k", &at(FAR + 5), "GT"], ":0\r\n");
    c.expect(&["PEXPIREAT", "k", &at(FAR + 5), "LT"], ":0\r\n");
    c.expect(&["PEXPIREAT", "k", &at(FAR + 4), "GT"], ":0\r\n");
    c.expect(&["PEXPIREAT", "k", &at(FAR + 6), "LT"], ":0\r\n");
    c.expect(&["PEXPIRETIME", "k"], &int(FAR + 5));
    c.expect(&["PEXPIREAT", "k", &at(FAR + 6), "GT"], ":1\r\n");
    c.expect(&["PEXPIREAT", "k", &at(FAR + 3), "LT"], ":1\r\n");
    c.expect(&["PEXPIRETIME", "k"], &int(FAR + 3));
    // XX combines with GT or LT; a flag may repeat; flags are case-insensitive.
    c.expect(&["PEXPIREAT", "k", &at(FAR + 9), "XX", "GT"], ":1\r\n");
    c.expect(&["PEXPIREAT", "k", &at(FAR + 10), "XX", "LT"], ":0\r\n");
    c.expect(&["PEXPIREAT", "k", &at(FAR + 8), "lt", "xx"], ":1\r\n");
    c.expect(&["PEXPIREAT", "k", &at(FAR + 7), "LT", "LT"], ":1\r\n");
    c.expect(&["PEXPIREAT", "k", &at(FAR + 7), "Gt"], ":0\r\n");
    c.expect(&["PEXPIRETIME", "k"], &int(FAR + 7));
    // The same options on the relative and seconds forms.
    c.expect(&["EXPIRE", "k", "100", "NX"], ":0\r\n");
    c.expect(&["EXPIRE", "k", "100", "GT"], ":0\r\n");
    c.expect(&["EXPIRE", "k", "100", "LT"], ":1\r\n");
    c.expect(&["PEXPIRE", "k", "200000", "GT"], ":1\r\n");
    c.expect(&["PEXPIRE", "k", "300000", "lt"], ":0\r\n");
    c.expect(&["EXPIREAT", "k", "99999999999", "GT"], ":1\r\n");
    c.expect(&["EXPIRETIME", "k"], &int(99_999_999_999));
    c.expect(&["EXPIREAT", "k", "99999999999", "xx"], ":1\r\n");
    c.expect(&["PERSIST", "k"], ":1\r\n");
    c.expect(&["EXPIRE", "k", "100", "XX"], ":0\r\n");
    c.expect(&["EXPIRE", "k", "100", "NX"], ":1\r\n");
    c.expect(&["EXPIRE", "k", "100", "NX"], ":0\r\n");
}

// Option errors: NX with XX/GT/LT, GT with LT, 'Unsupported option <arg>'; checked first.
#[test]
fn expire_option_errors() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SET", "k", "v"], OK);
    for cmd in ["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"] {
        for (opts, err) in [
            (&["NX", "XX"][..], NX_AND_OTHERS),
            (&["XX", "NX"], NX_AND_OTHERS),
            (&["NX", "GT"], NX_AND_OTHERS),
            (&["NX", "LT"], NX_AND_OTHERS),
            (&["GT", "NX"], NX_AND_OTHERS),
            (&["GT", "LT"], GT_AND_LT),
            (&["LT", "GT"], GT_AND_LT),
            (&["XX", "GT", "LT"], GT_AND_LT),
            (&["NX", "GT", "LT"], NX_AND_OTHERS),
            (&["foo"], "-ERR Unsupported option foo\r\n"),
            (&["XX", "bar"], "-ERR Unsupported option bar\r\n"),
            (&[""], "-ERR Unsupported option \r\n"),
        ] {
            let mut args = vec![cmd, "k", "100"];
            args.extend_from_slice(opts);
            c.expect(&args, err);
            args[1] = "missing";
            c.expect(&args, err);
        }
    }
    // Options are checked before the time is parsed.
    c.expect(
        &["EXPIRE", "k", "abc", "foo"],
        "-ERR Unsupported option foo\r\n",
    );
    c.expect(&["EXPIRE", "k", "abc", "NX", "XX"], NX_AND_OTHERS);
    c.expect(&["TTL", "k"], ":-1\r\n");
}

// Times that are not integers, or overflow once scaled to ms and offset by now, are errors.
#[test]
fn expire_time_errors() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SET", "k", "v"], OK);
    for cmd in ["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"] {
        for t in [
            "abc",
            "1.5",
            "",
            " 1",
            "01",
            "+1",
            "-0",
            "9223372036854775808",
        ] {
            c.expect(&[cmd, "k", t], NOT_INT);
            c.expect(&[cmd, "missing", t], NOT_INT);
        }
    }
    for (cmd, t) in [
        ("EXPIRE", "9223372036854775807"),
        ("EXPIRE", "9223372036854775"),
        ("EXPIRE", "9223372036854774"),
        ("EXPIRE", "-9223372036854776"),
        ("EXPIRE", "-9223372036854775808"),
        ("PEXPIRE", "9223372036854775807"),
        ("PEXPIRE", "9223372036854775806"),
        ("EXPIREAT", "9223372036854775807"),
        ("EXPIREAT", "9223372036854776"),
        ("EXPIREAT", "-9223372036854776"),
        ("EXPIREAT", "-9223372036854775808"),
    ] {
        let err = bad_expire(&cmd.to_lowercase());
        c.expect(&[cmd, "k", t], &err);
        // The range is checked before the key is looked up.
        c.expect(&[cmd, "missing", t], &err);
        c.expect(&[cmd, "k", t, "XX", "GT"], &err);
    }
    c.expect(&["TTL", "k"], ":-1\r\n");
    // The largest values that do fit.
    c.expect(&["EXPIRE", "k", "9223372036854"], ":1\r\n");
    c.expect(&["TTL", "k"], ":9223372036854\r\n");
    c.expect(&["EXPIREAT", "k", "9223372036854775"], ":1\r\n");
    c.expect(&["PEXPIRETIME", "k"], &int(9_223_372_036_854_775_000));
    c.expect(&["PEXPIREAT", "k", "9223372036854775807"], ":1\r\n");
    c.expect(&["PEXPIRETIME", "k"], &int(i64::MAX));
    // (ms + 500) / 1000 computed without overflow.
    c.expect(&["EXPIRETIME", "k"], &int(9_223_372_036_854_776));
}

// A zero, negative or past expire deletes the key at once (DBSIZE drops) and replies 1.
#[test]
fn past_expire_deletes_at_once() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    for args in [
        &["EXPIRE", "k", "0"][..],
        &["EXPIRE", "k", "-1"],
        &["EXPIRE", "k", "-9223372036854775"],
        &["PEXPIRE", "k", "0"],
        &["PEXPIRE", "k", "-9223372036854775808"],
        &["EXPIREAT", "k", "1"],
        &["EXPIREAT", "k", "0"],
        &["PEXPIREAT", "k", "1"],
        &["PEXPIREAT", "k", "-9223372036854775808"],
        &["EXPIRE", "k", "-1", "LT"],
        &["EXPIRE", "k", "-1", "NX"],
    ] {
        c.expect(&["SET", "k", "v", "EX", "100"], OK);
        c.expect(&["SET", "other", "v"], OK);
        if args.last() == Some(&"NX") {
            c.expect(&["PERSIST", "k"], ":1\r\n");
        }
        c.expect(&["DBSIZE"], ":2\r\n");
        c.expect(args, ":1\r\n");
        // DBSIZE never expires keys itself, so this shows the delete happened.
        c.expect(&["DBSIZE"], ":1\r\n");
        c.expect(&["EXISTS", "k"], ":0\r\n");
    }
    // A refused conditional expire deletes nothing.
    c.expect(&["SET", "k", "v"], OK);
    c.expect(&["EXPIRE", "k", "-1", "GT"], ":0\r\n");
    c.expect(&["EXPIRE", "k", "-1", "XX"], ":0\r\n");
    c.expect(&["EXISTS", "k"], ":1\r\n");
    c.expect(&["EXPIRE", "missing", "-1"], ":0\r\n");
    c.expect(&["PEXPIREAT", "missing", "1"], ":0\r\n");
    // SET with a past EXAT/PXAT replies OK and the key is gone for readers.
    c.expect(&["SET", "s", "v", "EXAT", "1"], OK);
    c.expect(&["GET", "s"], NIL);
    c.expect(&["SET", "s", "v", "PXAT", "1"], OK);
    c.expect(&["EXISTS", "s"], ":0\r\n");
}

// PERSIST replies 1 when it removed a TTL, else 0 (no TTL or no key); arity 2.
#[test]
fn persist_removes_ttl() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SET", "k", "v", "EX", "100"], OK);
    c.expect(&["PERSIST", "k"], ":1\r\n");
    c.expect(&["TTL", "k"], ":-1\r\n");
    c.expect(&["PERSIST", "k"], ":0\r\n");
    c.expect(&["PERSIST", "missing"], ":0\r\n");
    c.expect(&["GET", "k"], &bulk("v"));
    c.expect(&["PERSIST"], &arity("persist"));
    c.expect(&["PERSIST", "a", "b"], &arity("persist"));
}

// SET KEEPTTL keeps the TTL; a plain SET (or one with GET/NX/XX only) clears it.
#[test]
fn set_keepttl_and_set_clears_ttl() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    let far = FAR.to_string();
    c.expect(&["SET", "k", "v1", "PXAT", &far], OK);
    c.expect(&["SET", "k", "v2", "KEEPTTL"], OK);
    c.expect(&["PEXPIRETIME", "k"], &int(FAR));
    c.expect(&["SET", "k", "v3", "KEEPTTL", "XX", "GET"], &bulk("v2"));
    c.expect(&["PEXPIRETIME", "k"], &int(FAR));
    c.expect(&["SET", "k", "v4"], OK);
    c.expect(&["TTL", "k"], ":-1\r\n");
    c.expect(&["GET", "k"], &bulk("v4"));
    for opts in [&["GET"][..], &["XX"], &[]] {
        c.expect(&["PEXPIREAT", "k", &far], ":1\r\n");
        let mut args = vec!["SET", "k", "v"];
        args.extend_from_slice(opts);
        let reply = c.call(&args);
        assert!(
            reply.starts_with('+') || reply.starts_with('$'),
            "{reply:?}"
        );
        c.expect(&["TTL", "k"], ":-1\r\n");
    }
    // A refused SET NX leaves the TTL alone.
    c.expect(&["PEXPIREAT", "k", &far], ":1\r\n");
    c.expect(&["SET", "k", "x", "NX"], NIL);
    c.expect(&["PEXPIRETIME", "k"], &int(FAR));
    c.expect(&["SET", "new", "v", "KEEPTTL"], OK);
    c.expect(&["TTL", "new"], ":-1\r\n");
}

// RENAME/RENAMENX carry the source's TTL and drop the destination's old one.
#[test]
fn rename_moves_ttl() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    let far = FAR.to_string();
    c.expect(&["SET", "src", "v", "PXAT", &far], OK);
    c.expect(&["RENAME", "src", "dst"], OK);
    c.expect(&["PEXPIRETIME", "dst"], &int(FAR));
    c.expect(&["TTL", "src"], ":-2\r\n");
    c.expect(&["SET", "plain", "p"], OK);
    c.expect(&["RENAME", "plain", "dst"], OK);
    c.expect(&["TTL", "dst"], ":-1\r\n");
    c.expect(&["GET", "dst"], &bulk("p"));
    c.expect(&["SET", "src", "v", "PXAT", &far], OK);
    c.expect(&["RENAMENX", "src", "other"], ":1\r\n");
    c.expect(&["PEXPIRETIME", "other"], &int(FAR));
    c.expect(&["RENAME", "other", "other"], OK);
    c.expect(&["PEXPIRETIME", "other"], &int(FAR));
}

// Overwrites clear the TTL (SET, GETSET, MSET); SETEX/PSETEX/GETEX replace or drop it.
#[test]
fn overwrites_clear_ttl() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    let far = FAR.to_string();
    let with_ttl = |c: &mut Conn| {
        c.expect(&["SET", "k", "5", "PXAT", &far], OK);
    };
    with_ttl(&mut c);
    c.expect(&["GETSET", "k", "6"], &bulk("5"));
    c.expect(&["TTL", "k"], ":-1\r\n");
    with_ttl(&mut c);
    c.expect(&["MSET", "k", "6", "x", "1"], OK);
    c.expect(&["TTL", "k"], ":-1\r\n");
    with_ttl(&mut c);
    c.expect(&["SETEX", "k", "100", "7"], OK);
    let ttl = c.int(&["TTL", "k"]);
    assert!((99..=100).contains(&ttl), "SETEX replaces the TTL: {ttl}");
    with_ttl(&mut c);
    c.expect(&["PSETEX", "k", "100000", "7"], OK);
    assert!(c.int(&["PTTL", "k"]) <= 100_000);
    with_ttl(&mut c);
    c.expect(&["GETEX", "k", "PERSIST"], &bulk("5"));
    c.expect(&["TTL", "k"], ":-1\r\n");
    with_ttl(&mut c);
    c.expect(&["SETNX", "k", "8"], ":0\r\n");
    c.expect(&["MSETNX", "k", "8", "y", "1"], ":0\r\n");
    c.expect(&["PEXPIRETIME", "k"], &int(FAR));
    c.expect(&["DEL", "k"], ":1\r\n");
    c.expect(&["SET", "k", "v"], OK);
    c.expect(&["TTL", "k"], ":-1\r\n");
}

// In-place writes keep the TTL: INCR and friends, INCRBYFLOAT, APPEND, SETRANGE.
#[test]
fn in_place_writes_keep_ttl() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SET", "n", "5", "PXAT", &FAR.to_string()], OK);
    for args in [
        &["INCR", "n"][..],
        &["DECR", "n"],
        &["INCRBY", "n", "10"],
        &["DECRBY", "n", "3"],
        &["INCRBYFLOAT", "n", "1.5"],
        &["APPEND", "n", "0"],
        &["SETRANGE", "n", "0", "9"],
        &["GET", "n"],
        &["GETEX", "n"],
    ] {
        let reply = c.call(args);
        assert!(!reply.starts_with('-'), "{args:?}: {reply:?}");
        c.expect(&["PEXPIRETIME", "n"], &int(FAR));
    }
    c.expect(&["GET", "n"], &bulk("93.50"));
}

// Lazy expiry: once the TTL has passed, every read sees the key as missing at once.
#[test]
fn expired_key_is_gone_for_every_read() {
    // hz 1: the active cycle runs once a second, so reads get there first.
    let server = Server::start(&["--hz", "1"]);
    let mut c = Conn::open(&server);
    let names = [
        "get",
        "exists",
        "ttl",
        "pttl",
        "expiretime",
        "strlen",
        "getrange",
        "mget",
        "type",
        "append",
        "incr",
        "setnx",
        "set_nx",
        "rename",
        "renamenx",
        "getdel",
        "getex",
        "getset",
        "object",
        "touch",
        "expire",
        "persist",
        "copy",
        "move",
        "keys",
        "scan",
    ];
    for name in names {
        c.send(&["SET", name, "old", "PX", "50"]);
    }
    for _ in names {
        assert_eq!(String::from_utf8_lossy(&c.read_raw()), OK);
    }
    // Every SET ran before its reply arrived, so 50 ms from now the
    // server's clock is past every TTL too.
    wait_past(Instant::now(), Duration::from_millis(50));
    c.expect(&["GET", "get"], NIL);
    c.expect(&["EXISTS", "exists"], ":0\r\n");
    c.expect(&["TTL", "ttl"], ":-2\r\n");
    c.expect(&["PTTL", "pttl"], ":-2\r\n");
    c.expect(&["EXPIRETIME", "expiretime"], ":-2\r\n");
    c.expect(&["STRLEN", "strlen"], ":0\r\n");
    c.expect(&["GETRANGE", "getrange", "0", "-1"], "$0\r\n\r\n");
    c.expect(&["MGET", "mget", "get"], "*2\r\n$-1\r\n$-1\r\n");
    c.expect(&["TYPE", "type"], "+none\r\n");
    c.expect(&["APPEND", "append", "new"], ":3\r\n");
    c.expect(&["INCR", "incr"], ":1\r\n");
    c.expect(&["SETNX", "setnx", "new"], ":1\r\n");
    c.expect(&["SET", "set_nx", "new", "NX"], OK);
    c.expect(&["RENAME", "rename", "x"], "-ERR no such key\r\n");
    c.expect(&["RENAMENX", "renamenx", "x"], "-ERR no such key\r\n");
    c.expect(&["GETDEL", "getdel"], NIL);
    c.expect(&["GETEX", "getex", "PERSIST"], NIL);
    c.expect(&["GETSET", "getset", "new"], NIL);
    c.expect(&["OBJECT", "ENCODING", "object"], NIL);
    c.expect(&["TOUCH", "touch"], ":0\r\n");
    c.expect(&["EXPIRE", "expire", "100"], ":0\r\n");
    c.expect(&["PERSIST", "persist"], ":0\r\n");
    c.expect(&["COPY", "copy", "y"], ":0\r\n");
    c.expect(&["MOVE", "move", "1"], ":0\r\n");
    // KEYS and SCAN skip expired keys; only the five rewritten ones are live.
    let live = ["append", "getset", "incr", "set_nx", "setnx"];
    let mut con = server.client();
    let mut found: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut con).expect("KEYS");
    found.sort();
    assert_eq!(found, live, "KEYS *");
    let mut scanned = Vec::new();
    let mut cursor = 0u64;
    for _ in 0..10_000 {
        let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .query(&mut con)
            .expect("SCAN");
        scanned.extend(keys);
        cursor = next;
        if cursor == 0 {
            break;
        }
    }
    scanned.sort();
    assert_eq!(
        (cursor, scanned),
        (0, live.map(String::from).to_vec()),
        "SCAN"
    );
    // Every expired key was deleted by the read that met it (SCAN deletes too).
    c.expect(&["DBSIZE"], ":5\r\n");
    c.expect(&["EXISTS", "x", "y"], ":0\r\n");
    c.expect(&["SELECT", "1"], OK);
    c.expect(&["DBSIZE"], ":0\r\n");
}

// A key given PEXPIRE 50 reads as missing once 50 ms have passed; polled with a deadline.
#[test]
fn pexpire_50_key_disappears() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SET", "k", "v"], OK);
    c.expect(&["PEXPIRE", "k", "50"], ":1\r\n");
    // -2 is allowed: a stalled client may read after the TTL passed.
    let pttl = c.int(&["PTTL", "k"]);
    assert!(
        pttl <= 50 && pttl != -1,
        "PTTL right after PEXPIRE 50: {pttl}"
    );
    let gone = wait_until(DEADLINE, || c.call(&["GET", "k"]) == NIL);
    assert!(gone, "the key never expired");
    c.expect(&["EXISTS", "k"], ":0\r\n");
    c.expect(&["DBSIZE"], ":0\r\n");
}

/// Writes 10,000 keys with a PEXPIRE between 100 and 300 ms through one
/// pipeline; none of them is read again.
fn write_expiring_keys(con: &mut redis::Connection) {
    let mut pipe = redis::pipe();
    for i in 0..10_000 {
        let key = format!("volatile:{i}");
        pipe.cmd("SET").arg(&key).arg("v").ignore();
        pipe.cmd("PEXPIRE").arg(&key).arg(100 + i % 201).ignore();
    }
    pipe.query::<()>(con).expect("pipelined SET/PEXPIRE");
}

// Active expiry: untouched volatile keys are removed by the cron cycle alone (DBSIZE reaches 0).
#[test]
fn active_expiry_empties_the_keyspace() {
    let server = Server::start(&[]);
    let mut con = server.client();
    let () = redis::cmd("SET")
        .arg("persistent")
        .arg("v")
        .query(&mut con)
        .expect("SET");
    write_expiring_keys(&mut con);
    // DBSIZE does not expire keys itself, so only the active cycle can
    // bring it down.
    let mut last = -1;
    let done = wait_until(DEADLINE, || {
        last = redis::cmd("DBSIZE").query(&mut con).expect("DBSIZE");
        last == 1
    });
    assert!(done, "DBSIZE still {last} after {DEADLINE:?}");
    let kept: String = redis::cmd("GET")
        .arg("persistent")
        .query(&mut con)
        .expect("GET");
    assert_eq!(kept, "v");
}

// The active expire cycle is time-bounded: PING answers quickly while 10,000 keys expire.
#[test]
fn active_expiry_does_not_block_the_server() {
    let server = Server::start(&[]);
    let mut con = server.client();
    let mut c = Conn::open(&server);
    // Absolute expire times two seconds ahead, so the keys start to expire
    // only after the PING loop below is running, even if the writes are slow.
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_millis();
    let base = i64::try_from(now_ms).expect("ms fit in i64") + 2000;
    let mut pipe = redis::pipe();
    for i in 0..10_000 {
        pipe.cmd("SET")
            .arg(format!("volatile:{i}"))
            .arg("v")
            .arg("PXAT")
            .arg(base + i % 201)
            .ignore();
    }
    pipe.query::<()>(&mut con).expect("pipelined SET PXAT");
    let end = Instant::now() + DEADLINE + Duration::from_secs(2);
    let mut slowest = Duration::ZERO;
    let mut pings = 0;
    loop {
        let start = Instant::now();
        c.expect(&["PING"], "+PONG\r\n");
        slowest = slowest.max(start.elapsed());
        pings += 1;
        if c.int(&["DBSIZE"]) == 0 {
            break;
        }
        assert!(Instant::now() < end, "keys were not expired in time");
        std::thread::sleep(Duration::from_millis(1));
    }
    assert!(pings >= 5, "only {pings} PINGs before the keys were gone");
    assert!(
        slowest < Duration::from_millis(200),
        "a PING took {slowest:?} while keys expired"
    );
}
