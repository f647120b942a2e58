//! String commands (t_string.c) checked against what Redis 7.0.15 sends:
//! SET and its options, GET, GETSET, GETDEL, GETEX, SETNX, SETEX, PSETEX,
//! MGET, MSET, MSETNX, the INCR family, INCRBYFLOAT, APPEND, STRLEN,
//! GETRANGE/SUBSTR, SETRANGE, LCS, plus OBJECT ENCODING of strings and
//! RESP3 nulls.
//!
//! Replies whose exact bytes matter (every error, every null, LCS's nested
//! arrays) are compared byte for byte over a raw socket. Every expectation
//! here was checked with `FERRODIS_TEST_TARGET=redis`.
//!
//! Nothing here creates a non-string key, so WRONGTYPE is not covered.

mod common;

use common::{Conn, Server};

const OK: &str = "+OK\r\n";
const NIL: &str = "$-1\r\n";
const SYNTAX: &str = "-ERR syntax error\r\n";
const NOT_INT: &str = "-ERR value is not an integer or out of range\r\n";
const NOT_FLOAT: &str = "-ERR value is not a valid float\r\n";
const NAN_OR_INF: &str = "-ERR increment would produce NaN or Infinity\r\n";
const OVERFLOW: &str = "-ERR increment or decrement would overflow\r\n";
const DECR_OVERFLOW: &str = "-ERR decrement would overflow\r\n";
const OFFSET_RANGE: &str = "-ERR offset is out of range\r\n";
const TOO_BIG: &str = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";

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

// SET/GET round-trip binary-safe values, overwrite, nil for a missing key, and arity 3+/2.
#[test]
fn set_and_get_roundtrip() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["GET", "k"], NIL);
    c.expect(&["SET", "k", "v"], OK);
    c.expect(&["GET", "k"], &bulk("v"));
    c.expect(&["SET", "k", "other"], OK);
    c.expect(&["GET", "k"], &bulk("other"));
    c.expect(&["SET", "k", ""], OK);
    c.expect(&["GET", "k"], "$0\r\n\r\n");
    c.expect(&["SET", "bin", "a\r\nb\0c"], OK);
    c.expect(&["GET", "bin"], "$6\r\na\r\nb\0c\r\n");
    c.expect(&["SET", "", "empty key"], OK);
    c.expect(&["GET", ""], &bulk("empty key"));
    c.expect(&["SET", "k"], &arity("set"));
    c.expect(&["SET"], &arity("set"));
    c.expect(&["GET"], &arity("get"));
    c.expect(&["GET", "a", "b"], &arity("get"));
    c.expect(&["set", "lower", "case"], OK);
    c.expect(&["get", "lower"], &bulk("case"));
}

// SET EX/PX/EXAT/PXAT (any case) set the TTL; a repeated option is allowed and the last wins.
#[test]
fn set_expire_options() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SET", "ex", "v", "EX", "100"], OK);
    let ttl = c.int(&["TTL", "ex"]);
    assert!((99..=100).contains(&ttl), "TTL after EX 100: {ttl}");
    c.expect(&["SET", "px", "v", "PX", "100000"], OK);
    let pttl = c.int(&["PTTL", "px"]);
    assert!((99_000..=100_000).contains(&pttl), "PTTL after PX: {pttl}");
    c.expect(&["SET", "exat", "v", "EXAT", "99999999999"], OK);
    c.expect(&["PEXPIRETIME", "exat"], &int(99_999_999_999_000));
    c.expect(&["SET", "pxat", "v", "PXAT", "99999999999999"], OK);
    c.expect(&["PEXPIRETIME", "pxat"], &int(99_999_999_999_999));
    c.expect(&["SET", "lower", "v", "ex", "100"], OK);
    assert!(c.int(&["TTL", "lower"]) > 0);
    c.expect(&["SET", "twice", "v", "EX", "10", "EX", "100"], OK);
    let ttl = c.int(&["TTL", "twice"]);
    assert!((99..=100).contains(&ttl), "last EX wins: {ttl}");
    // The largest EXAT whose milliseconds fit in a signed 64-bit integer.
    c.expect(&["SET", "far", "v", "EXAT", "9223372036854775"], OK);
    c.expect(&["PEXPIRETIME", "far"], &int(9_223_372_036_854_775_000));
    // The largest EX that still fits once "now" is added.
    c.expect(&["SET", "big", "v", "EX", "9223372036854"], OK);
    c.expect(&["GET", "big"], &bulk("v"));
}

// SET expire errors: 0/negative/overflowing times name 'set'; bad integers; a missing value.
#[test]
fn set_expire_errors() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    let bad = bad_expire("set");
    for args in [
        ["EX", "0"],
        ["EX", "-1"],
        ["PX", "0"],
        ["PX", "-100"],
        ["EXAT", "0"],
        ["EXAT", "-5"],
        ["PXAT", "0"],
        // seconds * 1000 overflows, or the sum with "now" does
        ["EX", "9223372036854775807"],
        ["EX", "9223372036854775"],
        ["PX", "9223372036854775807"],
        ["EXAT", "9223372036854776"],
    ] {
        c.expect(&["SET", "k", "v", args[0], args[1]], &bad);
    }
    for value in [
        "abc",
        "1.5",
        "1.0",
        "01",
        "+5",
        " 5",
        "5 ",
        "",
        "9223372036854775808",
    ] {
        c.expect(&["SET", "k", "v", "EX", value], NOT_INT);
        c.expect(&["SET", "k", "v", "PX", value], NOT_INT);
    }
    c.expect(&["SET", "k", "v", "EX"], SYNTAX);
    c.expect(&["SET", "k", "v", "PXAT"], SYNTAX);
    c.expect(&["SET", "k", "v", "NX", "EX"], SYNTAX);
    // None of the failed SETs created the key.
    c.expect(&["EXISTS", "k"], ":0\r\n");
}

// SET option conflicts (NX+XX, two expire kinds, expire+KEEPTTL, unknown word) are syntax errors.
#[test]
fn set_option_conflicts() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    for opts in [
        &["NX", "XX"][..],
        &["XX", "NX"],
        &["EX", "10", "PX", "100"],
        &["PX", "100", "EX", "10"],
        &["EX", "10", "KEEPTTL"],
        &["KEEPTTL", "PX", "10"],
        &["EXAT", "10", "EX", "10"],
        &["PXAT", "10", "EXAT", "10"],
        &["EX", "10", "PXAT", "99999999999999"],
        &["foo"],
        &["GET", "foo"],
        &["NX", "10"],
    ] {
        let mut args = vec!["SET", "k", "v"];
        args.extend_from_slice(opts);
        c.expect(&args, SYNTAX);
    }
    c.expect(&["EXISTS", "k"], ":0\r\n");
    // The same flag twice is accepted.
    c.expect(&["SET", "k", "v", "NX", "NX"], OK);
    c.expect(&["SET", "k", "w", "XX", "XX"], OK);
    c.expect(&["SET", "k", "x", "KEEPTTL", "KEEPTTL"], OK);
    c.expect(&["SET", "k", "y", "GET", "GET"], &bulk("x"));
    c.expect(&["GET", "k"], &bulk("y"));
}

// SET NX only creates and XX only overwrites; the refused form replies a null bulk.
#[test]
fn set_nx_and_xx() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SET", "k", "v1", "XX"], NIL);
    c.expect(&["EXISTS", "k"], ":0\r\n");
    c.expect(&["SET", "k", "v1", "NX"], OK);
    c.expect(&["SET", "k", "v2", "NX"], NIL);
    c.expect(&["GET", "k"], &bulk("v1"));
    c.expect(&["SET", "k", "v3", "XX"], OK);
    c.expect(&["GET", "k"], &bulk("v3"));
    c.expect(&["SET", "k", "v4", "nx", "ex", "100"], NIL);
    c.expect(&["TTL", "k"], ":-1\r\n");
    c.expect(&["SET", "k", "v4", "xx", "px", "100000"], OK);
    assert!(c.int(&["PTTL", "k"]) > 0);
}

// SET ... GET replies the old value (or nil); with NX (allowed since 7.0) it never overwrites.
#[test]
fn set_get_option() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SET", "k", "v1", "GET"], NIL);
    c.expect(&["GET", "k"], &bulk("v1"));
    c.expect(&["SET", "k", "v2", "GET"], &bulk("v1"));
    c.expect(&["GET", "k"], &bulk("v2"));
    // NX GET: existing key -> old value, not overwritten.
    c.expect(&["SET", "k", "v3", "NX", "GET"], &bulk("v2"));
    c.expect(&["GET", "k"], &bulk("v2"));
    // NX GET: missing key -> nil, and the key is created.
    c.expect(&["SET", "n", "new", "GET", "NX"], NIL);
    c.expect(&["GET", "n"], &bulk("new"));
    // XX GET: missing key -> nil, nothing created; existing -> old value.
    c.expect(&["SET", "x", "v", "XX", "GET"], NIL);
    c.expect(&["EXISTS", "x"], ":0\r\n");
    c.expect(&["SET", "k", "v4", "XX", "GET"], &bulk("v2"));
    c.expect(&["GET", "k"], &bulk("v4"));
    // GET combines with the expire options.
    c.expect(&["SET", "k", "v5", "GET", "EX", "100"], &bulk("v4"));
    assert!(c.int(&["TTL", "k"]) > 0);
    c.expect(&["SET", "k", "v6", "KEEPTTL", "GET"], &bulk("v5"));
    assert!(c.int(&["TTL", "k"]) > 0);
    c.expect(&["SET", "k", "v7", "ex", "100", "get"], &bulk("v6"));
}

// GETSET replies the old value (nil if none) and sets; GETDEL replies and deletes; arity 3 / 2.
#[test]
fn getset_and_getdel() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["GETSET", "k", "v1"], NIL);
    c.expect(&["GET", "k"], &bulk("v1"));
    c.expect(&["GETSET", "k", "v2"], &bulk("v1"));
    c.expect(&["GET", "k"], &bulk("v2"));
    c.expect(&["GETDEL", "k"], &bulk("v2"));
    c.expect(&["EXISTS", "k"], ":0\r\n");
    c.expect(&["GETDEL", "k"], NIL);
    c.expect(&["SET", "n", "12345"], OK);
    c.expect(&["GETDEL", "n"], &bulk("12345"));
    c.expect(&["GETSET", "k"], &arity("getset"));
    c.expect(&["GETSET", "k", "a", "b"], &arity("getset"));
    c.expect(&["GETDEL"], &arity("getdel"));
    c.expect(&["GETDEL", "a", "b"], &arity("getdel"));
}

// GETEX sets or clears the TTL while replying the value; past EXAT/PXAT deletes the key.
#[test]
fn getex_options() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SET", "k", "v", "EX", "100"], OK);
    c.expect(&["GETEX", "k"], &bulk("v"));
    assert!(c.int(&["TTL", "k"]) > 0, "plain GETEX keeps the TTL");
    c.expect(&["GETEX", "k", "PERSIST"], &bulk("v"));
    c.expect(&["TTL", "k"], ":-1\r\n");
    c.expect(&["GETEX", "k", "EX", "200"], &bulk("v"));
    let ttl = c.int(&["TTL", "k"]);
    assert!((199..=200).contains(&ttl), "TTL after GETEX EX 200: {ttl}");
    c.expect(&["GETEX", "k", "PX", "300000"], &bulk("v"));
    let pttl = c.int(&["PTTL", "k"]);
    assert!(
        (299_000..=300_000).contains(&pttl),
        "PTTL after GETEX PX: {pttl}"
    );
    c.expect(&["GETEX", "k", "EXAT", "99999999998"], &bulk("v"));
    c.expect(&["PEXPIRETIME", "k"], &int(99_999_999_998_000));
    c.expect(&["GETEX", "k", "pxat", "99999999999123"], &bulk("v"));
    c.expect(&["PEXPIRETIME", "k"], &int(99_999_999_999_123));
    // Repeats are allowed: the last EX wins, PERSIST twice is fine.
    c.expect(&["GETEX", "k", "EX", "10", "EX", "500"], &bulk("v"));
    assert!(c.int(&["TTL", "k"]) > 400);
    c.expect(&["GETEX", "k", "PERSIST", "PERSIST"], &bulk("v"));
    c.expect(&["TTL", "k"], ":-1\r\n");
    // A time in the past still replies the value, then the key is gone at once.
    c.expect(&["DBSIZE"], ":1\r\n");
    c.expect(&["GETEX", "k", "EXAT", "1"], &bulk("v"));
    c.expect(&["DBSIZE"], ":0\r\n");
    c.expect(&["SET", "k", "v"], OK);
    c.expect(&["GETEX", "k", "PXAT", "1"], &bulk("v"));
    c.expect(&["DBSIZE"], ":0\r\n");
    // A missing key is nil whatever the options.
    c.expect(&["GETEX", "missing"], NIL);
    c.expect(&["GETEX", "missing", "EX", "10"], NIL);
    c.expect(&["GETEX", "missing", "PERSIST"], NIL);
}

// GETEX errors: expire times name 'getex'; option conflicts are syntax errors; arity 2+.
#[test]
fn getex_errors() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SET", "k", "v"], OK);
    let bad = bad_expire("getex");
    for args in [
        ["EX", "0"],
        ["EX", "-1"],
        ["PX", "0"],
        ["EXAT", "0"],
        ["PXAT", "0"],
        ["EX", "9223372036854775"],
        ["PX", "9223372036854775807"],
    ] {
        c.expect(&["GETEX", "k", args[0], args[1]], &bad);
    }
    c.expect(&["GETEX", "k", "EX", "abc"], NOT_INT);
    c.expect(&["GETEX", "k", "PX", "1.5"], NOT_INT);
    for opts in [
        &["EX", "10", "PX", "10"][..],
        &["EX", "10", "PERSIST"],
        &["PERSIST", "EX", "10"],
        &["PERSIST", "PXAT", "10"],
        &["EXAT", "10", "PXAT", "10"],
        &["foo"],
        &["EX"],
        &["KEEPTTL"],
    ] {
        let mut args = vec!["GETEX", "k"];
        args.extend_from_slice(opts);
        c.expect(&args, SYNTAX);
    }
    c.expect(&["TTL", "k"], ":-1\r\n");
    // Options are parsed before the key is looked up; the time is checked only for a live key.
    c.expect(&["GETEX", "missing", "foo"], SYNTAX);
    c.expect(&["GETEX", "missing", "EX", "0"], NIL);
    c.expect(&["GETEX"], &arity("getex"));
}

// SETNX replies 1/0; SETEX/PSETEX set value and TTL; bad times name 'setex'/'psetex'.
#[test]
fn setnx_setex_psetex() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SETNX", "k", "v"], ":1\r\n");
    c.expect(&["SETNX", "k", "v2"], ":0\r\n");
    c.expect(&["GET", "k"], &bulk("v"));
    c.expect(&["SETNX", "k"], &arity("setnx"));
    c.expect(&["SETEX", "k", "100", "v3"], OK);
    c.expect(&["GET", "k"], &bulk("v3"));
    let ttl = c.int(&["TTL", "k"]);
    assert!((99..=100).contains(&ttl), "TTL after SETEX: {ttl}");
    c.expect(&["PSETEX", "p", "100000", "v"], OK);
    let pttl = c.int(&["PTTL", "p"]);
    assert!(
        (99_000..=100_000).contains(&pttl),
        "PTTL after PSETEX: {pttl}"
    );
    for t in ["0", "-5", "9223372036854775", "9223372036854775807"] {
        c.expect(&["SETEX", "e", t, "v"], &bad_expire("setex"));
    }
    for t in ["0", "-1", "9223372036854775807"] {
        c.expect(&["PSETEX", "e", t, "v"], &bad_expire("psetex"));
    }
    c.expect(&["SETEX", "e", "abc", "v"], NOT_INT);
    c.expect(&["PSETEX", "e", "1.5", "v"], NOT_INT);
    c.expect(&["EXISTS", "e"], ":0\r\n");
    c.expect(&["SETEX", "k", "10"], &arity("setex"));
    c.expect(&["PSETEX", "k", "10", "v", "x"], &arity("psetex"));
}

// MSET sets pairs (last duplicate wins); MGET replies nil per missing key; odd MSET is arity.
#[test]
fn mget_mset_msetnx() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["MSET", "a", "1", "b", "2", "a", "3"], OK);
    c.expect(
        &["MGET", "a", "b", "missing", "a"],
        "*4\r\n$1\r\n3\r\n$1\r\n2\r\n$-1\r\n$1\r\n3\r\n",
    );
    c.expect(&["MGET", "missing"], "*1\r\n$-1\r\n");
    c.expect(&["MSET", "a", "1", "b", "2", "c"], &arity("mset"));
    c.expect(&["MSET", "a"], &arity("mset"));
    c.expect(&["MSET"], &arity("mset"));
    c.expect(&["MGET"], &arity("mget"));
    c.expect(&["EXISTS", "c"], ":0\r\n");
    // MSETNX is all or nothing.
    c.expect(&["MSETNX", "a", "x", "new", "y"], ":0\r\n");
    c.expect(&["EXISTS", "new"], ":0\r\n");
    c.expect(&["GET", "a"], &bulk("3"));
    c.expect(&["MSETNX", "x", "1", "y", "2"], ":1\r\n");
    c.expect(&["MGET", "x", "y"], "*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
    // A key repeated within one MSETNX: all missing, so it succeeds and the last wins.
    c.expect(&["MSETNX", "z", "1", "z", "2"], ":1\r\n");
    c.expect(&["GET", "z"], &bulk("2"));
    c.expect(&["MSETNX", "q"], &arity("msetnx"));
    c.expect(&["MSETNX", "q", "1", "r"], &arity("msetnx"));
}

// INCR/DECR/INCRBY/DECRBY count from 0 on a missing key and reply the new value; arity.
#[test]
fn incr_decr_family() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["INCR", "n"], ":1\r\n");
    c.expect(&["INCRBY", "n", "10"], ":11\r\n");
    c.expect(&["DECR", "n"], ":10\r\n");
    c.expect(&["DECRBY", "n", "5"], ":5\r\n");
    c.expect(&["DECRBY", "n", "-5"], ":10\r\n");
    c.expect(&["INCRBY", "n", "-20"], ":-10\r\n");
    c.expect(&["GET", "n"], &bulk("-10"));
    c.expect(&["DECR", "m"], ":-1\r\n");
    c.expect(&["DECRBY", "o", "7"], ":-7\r\n");
    c.expect(&["INCRBY", "p", "0"], ":0\r\n");
    c.expect(&["EXISTS", "p"], ":1\r\n");
    c.expect(&["SET", "big", "9223372036854775806"], OK);
    c.expect(&["INCR", "big"], ":9223372036854775807\r\n");
    c.expect(&["SET", "small", "-9223372036854775807"], OK);
    c.expect(&["DECR", "small"], ":-9223372036854775808\r\n");
    c.expect(&["INCR"], &arity("incr"));
    c.expect(&["INCR", "a", "b"], &arity("incr"));
    c.expect(&["DECR"], &arity("decr"));
    c.expect(&["INCRBY", "a"], &arity("incrby"));
    c.expect(&["DECRBY", "a", "1", "2"], &arity("decrby"));
}

// INCR* reject stored values and increments that are not strict 64-bit integers.
#[test]
fn incr_parse_errors() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    for stored in [
        "hello",
        "",
        " 1",
        "1 ",
        "01",
        "+1",
        "-0",
        "1.5",
        "1e3",
        "0x10",
        "9223372036854775808",
        "123456789012345678901",
    ] {
        c.expect(&["SET", "s", stored], OK);
        c.expect(&["INCR", "s"], NOT_INT);
        c.expect(&["DECRBY", "s", "1"], NOT_INT);
        c.expect(&["GET", "s"], &bulk(stored));
    }
    for incr in [
        "abc",
        "1.5",
        "",
        "01",
        "9223372036854775808",
        "-9223372036854775809",
    ] {
        c.expect(&["INCRBY", "n", incr], NOT_INT);
        c.expect(&["DECRBY", "n", incr], NOT_INT);
    }
    c.expect(&["EXISTS", "n"], ":0\r\n");
}

// Overflow: 'increment or decrement would overflow'; DECRBY LLONG_MIN: 'decrement would overflow'.
#[test]
fn incr_overflow() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SET", "max", "9223372036854775807"], OK);
    c.expect(&["INCR", "max"], OVERFLOW);
    c.expect(&["INCRBY", "max", "1"], OVERFLOW);
    c.expect(&["DECRBY", "max", "-1"], OVERFLOW);
    c.expect(&["GET", "max"], &bulk("9223372036854775807"));
    c.expect(&["SET", "min", "-9223372036854775808"], OK);
    c.expect(&["DECR", "min"], OVERFLOW);
    c.expect(&["INCRBY", "min", "-1"], OVERFLOW);
    c.expect(&["DECRBY", "min", "1"], OVERFLOW);
    c.expect(&["INCRBY", "min", "-9223372036854775808"], OVERFLOW);
    c.expect(&["GET", "min"], &bulk("-9223372036854775808"));
    // Negating LLONG_MIN is checked before the key is even read.
    c.expect(
        &["DECRBY", "missing", "-9223372036854775808"],
        DECR_OVERFLOW,
    );
    c.expect(&["DECRBY", "min", "-9223372036854775808"], DECR_OVERFLOW);
    c.expect(&["SET", "zero", "0"], OK);
    c.expect(&["DECRBY", "zero", "-9223372036854775808"], DECR_OVERFLOW);
    c.expect(&["EXISTS", "missing"], ":0\r\n");
    c.expect(
        &["INCRBY", "zero", "-9223372036854775808"],
        ":-9223372036854775808\r\n",
    );
}

// INCRBYFLOAT replies a bulk in '%.17Lf' with trailing zeros (and '.') trimmed, never '-0'.
#[test]
fn incrbyfloat_formats_results() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["INCRBYFLOAT", "f", "10.5"], &bulk("10.5"));
    c.expect(&["GET", "f"], &bulk("10.5"));
    c.expect(&["INCRBYFLOAT", "e", "3.0e3"], &bulk("3000"));
    c.expect(&["SET", "g", "5.0e3"], OK);
    c.expect(&["INCRBYFLOAT", "g", "2.0e2"], &bulk("5200"));
    c.expect(&["GET", "g"], &bulk("5200"));
    c.expect(&["SET", "z", "0"], OK);
    c.expect(&["INCRBYFLOAT", "z", "1e-5"], &bulk("0.00001"));
    c.expect(&["INCRBYFLOAT", "tiny", "1e-18"], &bulk("0"));
    c.expect(
        &["INCRBYFLOAT", "small", "2e-17"],
        &bulk("0.00000000000000002"),
    );
    c.expect(&["INCRBYFLOAT", "negz", "-1e-20"], &bulk("0"));
    c.expect(&["SET", "i", "3"], OK);
    c.expect(&["INCRBYFLOAT", "i", "1.5"], &bulk("4.5"));
    c.expect(&["INCRBYFLOAT", "i", "-4.5"], &bulk("0"));
    c.expect(&["INCRBYFLOAT", "i", "-1.5"], &bulk("-1.5"));
    c.expect(&["INCRBYFLOAT", "i", "1.25"], &bulk("-0.25"));
    c.expect(&["SET", "i", "5"], OK);
    c.expect(&["INCRBYFLOAT", "i", "5.0000"], &bulk("10"));
    // The increment is parsed by strtold: these forms are all valid.
    c.expect(&["SET", "s", "1"], OK);
    c.expect(&["INCRBYFLOAT", "s", "0x10"], &bulk("17"));
    c.expect(&["INCRBYFLOAT", "s", "1."], &bulk("18"));
    c.expect(&["INCRBYFLOAT", "s", ".5"], &bulk("18.5"));
    c.expect(&["INCRBYFLOAT", "s", "+1"], &bulk("19.5"));
    c.expect(&["INCRBYFLOAT", "s", "-0"], &bulk("19.5"));
    c.expect(&["INCRBYFLOAT", "s", "1E1"], &bulk("29.5"));
    // The result is stored as that string: INCR then refuses it.
    c.expect(&["INCR", "s"], NOT_INT);
}

// INCRBYFLOAT computes in long double: results that f64 would print with noise come out clean.
#[test]
fn incrbyfloat_uses_long_double_precision() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["INCRBYFLOAT", "a", "1.1"], &bulk("1.1"));
    c.expect(&["INCRBYFLOAT", "a", "2.2"], &bulk("3.3"));
    c.expect(&["INCRBYFLOAT", "b", "0.1"], &bulk("0.1"));
    c.expect(&["INCRBYFLOAT", "b", "0.2"], &bulk("0.3"));
    c.expect(&["INCRBYFLOAT", "c", "100"], &bulk("100"));
    c.expect(&["INCRBYFLOAT", "c", "-99.9"], &bulk("0.1"));
    c.expect(&["SET", "d", "1"], OK);
    c.expect(&["INCRBYFLOAT", "d", "1e17"], &bulk("100000000000000001"));
    c.expect(&["SET", "e", "1"], OK);
    c.expect(
        &["INCRBYFLOAT", "e", "9223372036854775807"],
        &bulk("9223372036854775808"),
    );
    c.expect(
        &["INCRBYFLOAT", "f", "123456789.123"],
        &bulk("123456789.12299999999959255"),
    );
    c.expect(&["SET", "g", "5200"], OK);
    c.expect(
        &["INCRBYFLOAT", "g", "1e-5"],
        &bulk("5200.00001000000000007"),
    );
    // 1e400 is finite as a long double, so it is accepted and printed in full.
    let reply = c.call(&["INCRBYFLOAT", "h", "1e400"]);
    assert!(
        reply.starts_with("$401\r\n10000000000000000000"),
        "1e400: {reply:?}"
    );
}

// INCRBYFLOAT errors: 'not a valid float' (also nan), 'would produce NaN or Infinity', arity 3.
#[test]
fn incrbyfloat_errors() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SET", "f", "1"], OK);
    for incr in ["abc", "", " 1", "1 ", "1e", "1.5.", "nan", "NaN", "1,5"] {
        c.expect(&["INCRBYFLOAT", "f", incr], NOT_FLOAT);
    }
    for incr in ["inf", "-inf", "+inf", "infinity", "INF"] {
        c.expect(&["INCRBYFLOAT", "f", incr], NAN_OR_INF);
    }
    c.expect(&["GET", "f"], &bulk("1"));
    for stored in ["abc", " 1", "1 ", "nan", ""] {
        c.expect(&["SET", "s", stored], OK);
        c.expect(&["INCRBYFLOAT", "s", "1"], NOT_FLOAT);
    }
    c.expect(&["SET", "s", "inf"], OK);
    c.expect(&["INCRBYFLOAT", "s", "1"], NAN_OR_INF);
    c.expect(&["INCRBYFLOAT", "missing", "inf"], NAN_OR_INF);
    c.expect(&["EXISTS", "missing"], ":0\r\n");
    c.expect(&["INCRBYFLOAT"], &arity("incrbyfloat"));
    c.expect(&["INCRBYFLOAT", "a"], &arity("incrbyfloat"));
    c.expect(&["INCRBYFLOAT", "a", "1", "2"], &arity("incrbyfloat"));
}

// APPEND creates or extends and replies the new length; STRLEN is 0 for a missing key.
#[test]
fn append_and_strlen() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["APPEND", "a", "hello"], ":5\r\n");
    c.expect(&["APPEND", "a", " world"], ":11\r\n");
    c.expect(&["GET", "a"], &bulk("hello world"));
    c.expect(&["APPEND", "a", ""], ":11\r\n");
    c.expect(&["STRLEN", "a"], ":11\r\n");
    c.expect(&["STRLEN", "missing"], ":0\r\n");
    c.expect(&["APPEND", "e", ""], ":0\r\n");
    c.expect(&["EXISTS", "e"], ":1\r\n");
    c.expect(&["SET", "n", "12345"], OK);
    c.expect(&["STRLEN", "n"], ":5\r\n");
    c.expect(&["APPEND", "n", "6"], ":6\r\n");
    c.expect(&["GET", "n"], &bulk("123456"));
    c.expect(&["SET", "neg", "-100"], OK);
    c.expect(&["STRLEN", "neg"], ":4\r\n");
    c.expect(&["APPEND", "bin", "\0\r\n"], ":3\r\n");
    c.expect(&["STRLEN", "bin"], ":3\r\n");
    c.expect(&["APPEND"], &arity("append"));
    c.expect(&["APPEND", "a"], &arity("append"));
    c.expect(&["STRLEN"], &arity("strlen"));
    c.expect(&["STRLEN", "a", "b"], &arity("strlen"));
}

// GETRANGE/SUBSTR: inclusive, negative from the end, clamped; start>end or past the end is "".
#[test]
fn getrange_and_substr() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SET", "a", "hello world"], OK);
    for (start, end, want) in [
        ("0", "4", "hello"),
        ("-5", "-1", "world"),
        ("0", "-1", "hello world"),
        ("0", "100", "hello world"),
        ("5", "3", ""),
        ("-100", "2", "hel"),
        // Redis 7.0: both ends negative and clamped to 0 gives the first byte.
        ("-100", "-50", "h"),
        ("100", "200", ""),
        ("11", "11", ""),
        ("10", "10", "d"),
        ("-1", "-5", ""),
        ("0", "0", "h"),
        ("0", "9223372036854775807", "hello world"),
        ("-9223372036854775808", "9223372036854775807", "hello world"),
    ] {
        c.expect(&["GETRANGE", "a", start, end], &bulk(want));
        c.expect(&["SUBSTR", "a", start, end], &bulk(want));
    }
    c.expect(&["GETRANGE", "missing", "0", "-1"], &bulk(""));
    c.expect(&["SET", "e", ""], OK);
    c.expect(&["GETRANGE", "e", "0", "-1"], &bulk(""));
    c.expect(&["GETRANGE", "e", "-1", "-1"], &bulk(""));
    c.expect(&["SET", "n", "12345"], OK);
    c.expect(&["GETRANGE", "n", "1", "2"], &bulk("23"));
    c.expect(&["GETRANGE", "n", "-2", "-1"], &bulk("45"));
    c.expect(&["GETRANGE", "a", "x", "1"], NOT_INT);
    c.expect(&["GETRANGE", "a", "0", "1.5"], NOT_INT);
    c.expect(&["GETRANGE", "a", "9223372036854775808", "1"], NOT_INT);
    c.expect(&["GETRANGE", "a", "0"], &arity("getrange"));
    c.expect(&["GETRANGE", "a", "0", "1", "2"], &arity("getrange"));
    c.expect(&["SUBSTR", "a", "0"], &arity("substr"));
}

// SETRANGE overwrites at an offset, zero-pads, replies the length; '' on a missing key is 0.
#[test]
fn setrange_pads_and_overwrites() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SETRANGE", "k", "5", "hi"], ":7\r\n");
    c.expect(&["GET", "k"], "$7\r\n\0\0\0\0\0hi\r\n");
    c.expect(&["SETRANGE", "k", "0", "HE"], ":7\r\n");
    c.expect(&["GET", "k"], "$7\r\nHE\0\0\0hi\r\n");
    c.expect(&["SETRANGE", "k", "6", "xyz"], ":9\r\n");
    c.expect(&["GET", "k"], "$9\r\nHE\0\0\0hxyz\r\n");
    // An empty value changes nothing: the old length, or 0 and no key.
    c.expect(&["SETRANGE", "k", "100", ""], ":9\r\n");
    c.expect(&["STRLEN", "k"], ":9\r\n");
    c.expect(&["SETRANGE", "missing", "0", ""], ":0\r\n");
    c.expect(&["SETRANGE", "missing", "10", ""], ":0\r\n");
    c.expect(&["EXISTS", "missing"], ":0\r\n");
    c.expect(&["SET", "n", "12345"], OK);
    c.expect(&["SETRANGE", "n", "1", "x"], ":5\r\n");
    c.expect(&["GET", "n"], &bulk("1x345"));
    c.expect(&["SETRANGE", "new", "0", "abc"], ":3\r\n");
    c.expect(&["GET", "new"], &bulk("abc"));
}

// SETRANGE errors: negative offset, non-integer, past 512MB (checked before allocating), arity 4.
#[test]
fn setrange_errors() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SET", "k", "abc"], OK);
    c.expect(&["SETRANGE", "k", "-1", "x"], OFFSET_RANGE);
    c.expect(&["SETRANGE", "k", "-1", ""], OFFSET_RANGE);
    c.expect(&["SETRANGE", "missing", "-1", ""], OFFSET_RANGE);
    c.expect(&["SETRANGE", "missing", "-1", "x"], OFFSET_RANGE);
    c.expect(&["SETRANGE", "k", "x", "y"], NOT_INT);
    c.expect(&["SETRANGE", "k", "1.5", "y"], NOT_INT);
    c.expect(&["SETRANGE", "k", "536870912", "x"], TOO_BIG);
    c.expect(&["SETRANGE", "k", "536870911", "xy"], TOO_BIG);
    c.expect(&["SETRANGE", "missing", "536870912", "x"], TOO_BIG);
    c.expect(&["SETRANGE", "k", "9223372036854775807", "x"], TOO_BIG);
    // An empty value on a missing key replies 0 before the size check.
    c.expect(&["SETRANGE", "missing", "536870912", ""], ":0\r\n");
    c.expect(&["EXISTS", "missing"], ":0\r\n");
    c.expect(&["GET", "k"], &bulk("abc"));
    c.expect(&["SETRANGE", "k", "1"], &arity("setrange"));
    c.expect(&["SETRANGE", "k", "1", "x", "y"], &arity("setrange"));
}

// SETRANGE and APPEND may grow a string to exactly proto-max-bulk-len bytes and no further.
#[test]
fn string_size_limit_follows_proto_max_bulk_len() {
    let server = Server::start(&["--proto-max-bulk-len", "1mb"]);
    let mut c = Conn::open(&server);
    c.expect(&["SETRANGE", "k", "1048575", "x"], ":1048576\r\n");
    c.expect(&["STRLEN", "k"], ":1048576\r\n");
    c.expect(&["SETRANGE", "k", "1048576", "x"], TOO_BIG);
    c.expect(&["SETRANGE", "k", "1048575", "xy"], TOO_BIG);
    c.expect(&["APPEND", "k", "x"], TOO_BIG);
    c.expect(&["APPEND", "k", ""], ":1048576\r\n");
    c.expect(&["SETRANGE", "k", "2000000", ""], ":1048576\r\n");
    c.expect(&["SETRANGE", "m", "1048576", "x"], TOO_BIG);
    c.expect(&["EXISTS", "m"], ":0\r\n");
    c.expect(&["SETRANGE", "a", "1048574", "x"], ":1048575\r\n");
    c.expect(&["APPEND", "a", "y"], ":1048576\r\n");
    c.expect(&["APPEND", "a", "z"], TOO_BIG);
    c.expect(&["STRLEN", "a"], ":1048576\r\n");
}

// LCS plain, LEN and IDX (with MINMATCHLEN/WITHMATCHLEN): exact nested-array replies.
#[test]
fn lcs_replies() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["MSET", "key1", "ohmytext", "key2", "mynewtext"], OK);
    c.expect(&["LCS", "key1", "key2"], &bulk("mytext"));
    c.expect(&["LCS", "key1", "key2", "LEN"], ":6\r\n");
    c.expect(&["lcs", "key1", "key2", "len"], ":6\r\n");
    let idx = "*4\r\n$7\r\nmatches\r\n*2\r\n\
               *2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n\
               *2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n\
               $3\r\nlen\r\n:6\r\n";
    c.expect(&["LCS", "key1", "key2", "IDX"], idx);
    // MINMATCHLEN 0 or negative filters nothing.
    c.expect(&["LCS", "key1", "key2", "IDX", "MINMATCHLEN", "0"], idx);
    c.expect(&["LCS", "key1", "key2", "MINMATCHLEN", "-1", "IDX"], idx);
    c.expect(
        &["LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4"],
        "*4\r\n$7\r\nmatches\r\n*1\r\n\
         *2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n\
         $3\r\nlen\r\n:6\r\n",
    );
    c.expect(
        &[
            "LCS",
            "key1",
            "key2",
            "IDX",
            "MINMATCHLEN",
            "4",
            "WITHMATCHLEN",
        ],
        "*4\r\n$7\r\nmatches\r\n*1\r\n\
         *3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n\
         $3\r\nlen\r\n:6\r\n",
    );
    c.expect(
        &["LCS", "key1", "key2", "IDX", "WITHMATCHLEN"],
        "*4\r\n$7\r\nmatches\r\n*2\r\n\
         *3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n\
         *3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n\
         $3\r\nlen\r\n:6\r\n",
    );
    // MINMATCHLEN/WITHMATCHLEN without IDX are accepted and ignored.
    c.expect(
        &["LCS", "key1", "key2", "MINMATCHLEN", "4"],
        &bulk("mytext"),
    );
    c.expect(&["LCS", "key1", "key2", "WITHMATCHLEN"], &bulk("mytext"));
    c.expect(&["LCS", "key1", "key2", "LEN", "WITHMATCHLEN"], ":6\r\n");
    c.expect(&["LCS", "key1", "key1"], &bulk("ohmytext"));
    c.expect(
        &["LCS", "key1", "key1", "IDX", "WITHMATCHLEN"],
        "*4\r\n$7\r\nmatches\r\n*1\r\n\
         *3\r\n*2\r\n:0\r\n:7\r\n*2\r\n:0\r\n:7\r\n:8\r\n\
         $3\r\nlen\r\n:8\r\n",
    );
}

// LCS treats missing keys as empty strings; LEN+IDX, bad options and arity 3+ are errors.
#[test]
fn lcs_missing_keys_and_errors() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SET", "key1", "ohmytext"], OK);
    c.expect(&["LCS", "key1", "missing"], &bulk(""));
    c.expect(&["LCS", "missing", "other"], &bulk(""));
    c.expect(&["LCS", "missing", "other", "LEN"], ":0\r\n");
    let empty_idx = "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n";
    c.expect(&["LCS", "missing", "other", "IDX"], empty_idx);
    c.expect(&["LCS", "key1", "missing", "IDX"], empty_idx);
    let both = "-ERR If you want both the length and indexes, please just use IDX.\r\n";
    c.expect(&["LCS", "key1", "key1", "LEN", "IDX"], both);
    c.expect(&["LCS", "key1", "key1", "IDX", "LEN"], both);
    c.expect(
        &["LCS", "key1", "key1", "MINMATCHLEN", "abc", "IDX"],
        NOT_INT,
    );
    c.expect(&["LCS", "key1", "key1", "MINMATCHLEN"], SYNTAX);
    c.expect(&["LCS", "key1", "key1", "foo"], SYNTAX);
    c.expect(&["LCS", "key1"], &arity("lcs"));
    c.expect(&["LCS"], &arity("lcs"));
}

// OBJECT ENCODING of a fresh string: int if it is a strict i64, embstr up to 44 bytes, else raw.
#[test]
fn object_encoding_of_strings() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    let short44 = "a".repeat(44);
    let long45 = "a".repeat(45);
    let digits44 = "4".repeat(44);
    let digits45 = "4".repeat(45);
    for (value, encoding) in [
        ("12345", "int"),
        ("0", "int"),
        ("-1", "int"),
        ("9223372036854775807", "int"),
        ("-9223372036854775808", "int"),
        ("9223372036854775808", "embstr"),
        ("12345678901234567890", "embstr"),
        ("012", "embstr"),
        ("+1", "embstr"),
        ("1.5", "embstr"),
        (" 1", "embstr"),
        ("", "embstr"),
        ("abc", "embstr"),
        (short44.as_str(), "embstr"),
        (digits44.as_str(), "embstr"),
        (long45.as_str(), "raw"),
        (digits45.as_str(), "raw"),
    ] {
        c.expect(&["SET", "k", value], OK);
        c.expect(&["OBJECT", "ENCODING", "k"], &bulk(encoding));
        c.expect(&["GET", "k"], &bulk(value));
    }
    c.expect(&["MSET", "m1", "42", "m2", "x"], OK);
    c.expect(&["OBJECT", "ENCODING", "m1"], &bulk("int"));
    c.expect(&["OBJECT", "ENCODING", "m2"], &bulk("embstr"));
    c.expect(&["SETEX", "s", "100", "7"], OK);
    c.expect(&["OBJECT", "ENCODING", "s"], &bulk("int"));
}

// Encodings after writes: APPEND/SETRANGE on a key give raw, INCR int, INCRBYFLOAT embstr.
#[test]
fn object_encoding_after_mutations() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SET", "s", "abc"], OK);
    c.expect(&["APPEND", "s", "d"], ":4\r\n");
    c.expect(&["OBJECT", "ENCODING", "s"], &bulk("raw"));
    c.expect(&["SET", "s", "abc"], OK);
    c.expect(&["OBJECT", "ENCODING", "s"], &bulk("embstr"));
    c.expect(&["SET", "n", "10"], OK);
    c.expect(&["APPEND", "n", "1"], ":3\r\n");
    c.expect(&["OBJECT", "ENCODING", "n"], &bulk("raw"));
    c.expect(&["GET", "n"], &bulk("101"));
    c.expect(&["INCR", "n"], ":102\r\n");
    c.expect(&["OBJECT", "ENCODING", "n"], &bulk("int"));
    // APPEND to a missing key stores the argument itself, int-encoded if it can be.
    c.expect(&["APPEND", "new", "5"], ":1\r\n");
    c.expect(&["OBJECT", "ENCODING", "new"], &bulk("int"));
    c.expect(&["APPEND", "new", "6"], ":2\r\n");
    c.expect(&["OBJECT", "ENCODING", "new"], &bulk("raw"));
    c.expect(&["APPEND", "new2", "xy"], ":2\r\n");
    c.expect(&["OBJECT", "ENCODING", "new2"], &bulk("embstr"));
    c.expect(&["SET", "r", "10"], OK);
    c.expect(&["SETRANGE", "r", "0", "2"], ":2\r\n");
    c.expect(&["OBJECT", "ENCODING", "r"], &bulk("raw"));
    c.expect(&["SETRANGE", "r2", "0", "x"], ":1\r\n");
    c.expect(&["OBJECT", "ENCODING", "r2"], &bulk("raw"));
    c.expect(&["INCRBY", "i", "5"], ":5\r\n");
    c.expect(&["OBJECT", "ENCODING", "i"], &bulk("int"));
    c.expect(&["INCRBYFLOAT", "f", "1.5"], &bulk("1.5"));
    c.expect(&["OBJECT", "ENCODING", "f"], &bulk("embstr"));
    c.expect(&["SET", "g", "5"], OK);
    c.expect(&["INCRBYFLOAT", "g", "5"], &bulk("10"));
    c.expect(&["OBJECT", "ENCODING", "g"], &bulk("embstr"));
    c.expect(&["GETSET", "gs", "77"], NIL);
    c.expect(&["OBJECT", "ENCODING", "gs"], &bulk("int"));
}

// After HELLO 3 every null reply of the string commands is '_'; INCRBYFLOAT stays a bulk.
#[test]
fn resp3_nulls() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    let hello = c.call(&["HELLO", "3"]);
    assert!(hello.starts_with("%7\r\n"), "HELLO 3: {hello:?}");
    c.expect(&["GET", "missing"], "_\r\n");
    c.expect(&["SET", "k", "v"], OK);
    c.expect(&["MGET", "k", "missing"], "*2\r\n$1\r\nv\r\n_\r\n");
    c.expect(&["GETDEL", "missing"], "_\r\n");
    c.expect(&["GETEX", "missing"], "_\r\n");
    c.expect(&["GETSET", "new", "v"], "_\r\n");
    c.expect(&["SET", "k", "v", "NX"], "_\r\n");
    c.expect(&["SET", "x", "v", "XX"], "_\r\n");
    c.expect(&["SET", "x", "v", "XX", "GET"], "_\r\n");
    c.expect(&["SET", "y", "v", "GET"], "_\r\n");
    c.expect(&["SET", "k", "w", "NX", "GET"], &bulk("v"));
    c.expect(&["INCRBYFLOAT", "f", "1.5"], &bulk("1.5"));
    c.expect(&["INCR", "i"], ":1\r\n");
    c.expect(&["MSET", "k2", "a"], OK);
    c.expect(
        &["LCS", "k", "k2", "IDX"],
        "%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n",
    );
    c.expect(&["MSET", "key1", "ohmytext", "key2", "mynewtext"], OK);
    c.expect(
        &[
            "LCS",
            "key1",
            "key2",
            "IDX",
            "MINMATCHLEN",
            "4",
            "WITHMATCHLEN",
        ],
        "%2\r\n$7\r\nmatches\r\n*1\r\n\
         *3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n\
         $3\r\nlen\r\n:6\r\n",
    );
}

// The redis crate sees the same values: typed GET/MGET/INCR through a client library.
#[test]
fn values_through_client_library() {
    let server = Server::start(&[]);
    let mut con = server.client();
    let () = redis::cmd("SET")
        .arg("k")
        .arg(b"bin\0ary".as_slice())
        .query(&mut con)
        .expect("SET");
    let v: Vec<u8> = redis::cmd("GET").arg("k").query(&mut con).expect("GET");
    assert_eq!(v, b"bin\0ary");
    let missing: Option<String> = redis::cmd("GET").arg("nope").query(&mut con).expect("GET");
    assert_eq!(missing, None);
    let n: i64 = redis::cmd("INCRBY")
        .arg("n")
        .arg(41)
        .query(&mut con)
        .expect("INCRBY");
    assert_eq!(n, 41);
    let all: Vec<Option<String>> = redis::cmd("MGET")
        .arg("n")
        .arg("nope")
        .query(&mut con)
        .expect("MGET");
    assert_eq!(all, vec![Some("41".to_string()), None]);
    let f: f64 = redis::cmd("INCRBYFLOAT")
        .arg("n")
        .arg(0.5)
        .query(&mut con)
        .expect("INCRBYFLOAT");
    assert_eq!(f, 41.5);
    let big = "x".repeat(100_000);
    let () = redis::cmd("SET")
        .arg("big")
        .arg(&big)
        .query(&mut con)
        .expect("SET big");
    let len: i64 = redis::cmd("STRLEN")
        .arg("big")
        .query(&mut con)
        .expect("STRLEN");
    assert_eq!(len, 100_000);
    let back: String = redis::cmd("GET")
        .arg("big")
        .query(&mut con)
        .expect("GET big");
    assert_eq!(back, big);
}
