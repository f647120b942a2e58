//! Set commands (t_set.c) checked against what Redis 7.0.15 sends: SADD,
//! SREM, SMEMBERS, SISMEMBER, SMISMEMBER, SCARD, SPOP, SRANDMEMBER, SMOVE,
//! SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE
//! and SSCAN, plus OBJECT ENCODING at the intset/hashtable thresholds.
//!
//! Intset members come out in ascending order, in Redis as here, so those
//! replies are compared byte for byte; hashtable replies are compared as
//! sorted member lists. Every expectation here was checked with
//! `FERRODIS_TEST_TARGET=redis`.

mod common;

use common::{Conn, Server};

const WRONGTYPE: &str = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const SYNTAX: &str = "-ERR syntax error\r\n";
const NOT_INT: &str = "-ERR value is not an integer or out of range\r\n";
const NOT_POSITIVE: &str = "-ERR value is out of range, must be positive\r\n";
const NIL: &str = "$-1\r\n";
const EMPTY: &str = "*0\r\n";

/// `-ERR wrong number of arguments for '<cmd>' command`.
fn arity(cmd: &str) -> String {
    format!("-ERR wrong number of arguments for '{cmd}' command\r\n")
}

/// An integer reply.
fn int(n: i64) -> String {
    format!(":{n}\r\n")
}

/// A bulk string reply.
fn bulk(s: &str) -> String {
    format!("${}\r\n{s}\r\n", s.len())
}

/// An array (or, with `head` '~', a RESP3 set) of bulk strings.
fn agg(head: char, items: &[&str]) -> String {
    let mut s = format!("{head}{}\r\n", items.len());
    for i in items {
        s.push_str(&bulk(i));
    }
    s
}

/// The bulk strings of a flat aggregate reply, in order.
fn items(reply: &str) -> Vec<String> {
    let mut lines = reply.split("\r\n");
    let head = lines.next().unwrap_or_default();
    assert!(
        head.starts_with('*') || head.starts_with('~'),
        "not an aggregate: {reply:?}"
    );
    let n: usize = head[1..]
        .parse()
        .unwrap_or_else(|_| panic!("bad head {reply:?}"));
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let len = lines.next().unwrap_or_default();
        assert!(len.starts_with('$'), "not a bulk: {reply:?}");
        out.push(lines.next().unwrap_or_default().to_string());
    }
    out
}

/// The bulk strings of a flat aggregate reply, sorted.
fn sorted(reply: &str) -> Vec<String> {
    let mut v = items(reply);
    v.sort();
    v
}

/// Owned strings of `items`, sorted.
fn strs(items: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = items.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

/// Sends a command with many arguments built at run time.
fn call_owned(c: &mut Conn, args: &[String]) -> String {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    c.call(&refs)
}

// SADD/SREM/SCARD/SISMEMBER/SMEMBERS on an intset: counts, ascending order, deletion when emptied.
#[test]
fn add_remove_intset() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SADD", "s", "3", "1", "2", "1"], &int(3));
    c.expect(&["SADD", "s", "2", "-5"], &int(1));
    c.expect(&["OBJECT", "ENCODING", "s"], "$6\r\nintset\r\n");
    c.expect(&["SMEMBERS", "s"], &agg('*', &["-5", "1", "2", "3"]));
    c.expect(&["SCARD", "s"], &int(4));
    c.expect(&["SISMEMBER", "s", "2"], &int(1));
    c.expect(&["SISMEMBER", "s", "02"], &int(0));
    c.expect(&["SISMEMBER", "s", "x"], &int(0));
    c.expect(&["SISMEMBER", "nokey", "x"], &int(0));
    c.expect(&["SCARD", "nokey"], &int(0));
    c.expect(&["SMEMBERS", "nokey"], EMPTY);
    c.expect(
        &["SMISMEMBER", "s", "1", "9", "3"],
        "*3\r\n:1\r\n:0\r\n:1\r\n",
    );
    c.expect(&["SMISMEMBER", "nokey", "1", "9"], "*2\r\n:0\r\n:0\r\n");
    c.expect(&["SREM", "s", "1", "9", "x"], &int(1));
    c.expect(&["SREM", "nokey", "1"], &int(0));
    c.expect(&["SREM", "s", "-5", "2", "3", "7"], &int(3));
    c.expect(&["EXISTS", "s"], &int(0));
    c.expect(&["TYPE", "s"], "+none\r\n");
    c.expect(&["SADD", "s"], &arity("sadd"));
    c.expect(&["SREM", "s"], &arity("srem"));
    c.expect(&["SCARD"], &arity("scard"));
    c.expect(&["SMEMBERS", "a", "b"], &arity("smembers"));
    c.expect(&["SISMEMBER", "a"], &arity("sismember"));
    c.expect(&["SMISMEMBER", "a"], &arity("smismember"));
}

// A hashtable set: binary-safe members, TYPE, membership, sorted SMEMBERS.
#[test]
fn add_remove_hashtable() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SADD", "h", "a", "b\r\n\0", "", "1"], &int(4));
    c.expect(&["OBJECT", "ENCODING", "h"], "$9\r\nhashtable\r\n");
    c.expect(&["TYPE", "h"], "+set\r\n");
    c.expect(&["SISMEMBER", "h", "b\r\n\0"], &int(1));
    c.expect(&["SISMEMBER", "h", ""], &int(1));
    let members = c.call(&["SMEMBERS", "h"]);
    assert_eq!(members.len(), agg('*', &["a", "b\r\n\0", "", "1"]).len());
    c.expect(&["SREM", "h", "a", "", "1", "b\r\n\0"], &int(4));
    c.expect(&["EXISTS", "h"], &int(0));
}

// Every command answers WRONGTYPE on a string key; multi-key commands check types in key order.
#[test]
fn wrongtype() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SET", "str", "x"], "+OK\r\n");
    c.expect(&["SADD", "s", "1"], &int(1));
    for cmd in [
        &["SADD", "str", "a"][..],
        &["SREM", "str", "a"],
        &["SMEMBERS", "str"],
        &["SISMEMBER", "str", "a"],
        &["SMISMEMBER", "str", "a"],
        &["SCARD", "str"],
        &["SPOP", "str"],
        &["SPOP", "str", "2"],
        &["SRANDMEMBER", "str"],
        &["SRANDMEMBER", "str", "2"],
        &["SMOVE", "str", "s", "a"],
        &["SMOVE", "s", "str", "1"],
        &["SINTER", "s", "str"],
        &["SINTER", "nokey", "str"],
        &["SINTERCARD", "2", "nokey", "str"],
        &["SINTERSTORE", "d", "s", "str"],
        &["SUNION", "nokey", "str"],
        &["SUNIONSTORE", "d", "s", "str"],
        &["SDIFF", "s", "str"],
        &["SDIFF", "nokey", "str"],
        &["SDIFFSTORE", "d", "s", "str"],
        &["SSCAN", "str", "0"],
    ] {
        c.expect(cmd, WRONGTYPE);
    }
    c.expect(&["SMEMBERS", "s"], &agg('*', &["1"]));
    c.expect(&["EXISTS", "d"], &int(0));
    // A missing source answers 0 before the destination's type is looked at.
    c.expect(&["SMOVE", "nokey", "str", "a"], &int(0));
    // A *STORE destination of another type is overwritten.
    c.expect(&["SUNIONSTORE", "str", "s"], &int(1));
    c.expect(&["TYPE", "str"], "+set\r\n");
}

// set-max-intset-entries: the set converts once it has more members, and a non-integer converts it.
#[test]
fn encoding_conversion() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["CONFIG", "SET", "set-max-intset-entries", "4"], "+OK\r\n");
    c.expect(&["SADD", "s", "1", "2", "3", "4"], &int(4));
    c.expect(&["OBJECT", "ENCODING", "s"], "$6\r\nintset\r\n");
    c.expect(&["SADD", "s", "5"], &int(1));
    c.expect(&["OBJECT", "ENCODING", "s"], "$9\r\nhashtable\r\n");
    // It never goes back.
    c.expect(&["SREM", "s", "1", "2", "3"], &int(3));
    c.expect(&["OBJECT", "ENCODING", "s"], "$9\r\nhashtable\r\n");
    // Not strict integers: leading zero, plus sign, space, too long.
    for m in ["01", "+1", " 1", "1 ", "99999999999999999999", "1.0", "-0"] {
        c.expect(&["DEL", "t"], &int(i64::from(m != "01")));
        c.expect(&["SADD", "t", "7"], &int(1));
        c.expect(&["SADD", "t", m], &int(1));
        c.expect(&["OBJECT", "ENCODING", "t"], "$9\r\nhashtable\r\n");
        c.expect(&["SISMEMBER", "t", m], &int(1));
    }
    c.expect(&["DEL", "t"], &int(1));
    c.expect(
        &["SADD", "t", "-9223372036854775808", "9223372036854775807"],
        &int(2),
    );
    c.expect(&["OBJECT", "ENCODING", "t"], "$6\r\nintset\r\n");
    c.expect(
        &["SMEMBERS", "t"],
        &agg('*', &["-9223372036854775808", "9223372036854775807"]),
    );
    // A first member that is not an integer makes a hashtable at once.
    c.expect(&["SADD", "u", "x"], &int(1));
    c.expect(&["SREM", "u", "x"], &int(1));
    c.expect(&["SADD", "u", "x", "1"], &int(2));
    c.expect(&["OBJECT", "ENCODING", "u"], "$9\r\nhashtable\r\n");
    // With a limit of 0 even one integer converts.
    c.expect(&["CONFIG", "SET", "set-max-intset-entries", "0"], "+OK\r\n");
    c.expect(&["SADD", "z", "1"], &int(1));
    c.expect(&["OBJECT", "ENCODING", "z"], "$9\r\nhashtable\r\n");
    // The default: 512 integers stay an intset, 513 do not.
    c.expect(
        &["CONFIG", "SET", "set-max-intset-entries", "512"],
        "+OK\r\n",
    );
    let mut args: Vec<String> = vec!["SADD".into(), "big".into()];
    args.extend((0..512).map(|i| i.to_string()));
    assert_eq!(call_owned(&mut c, &args), int(512));
    c.expect(&["OBJECT", "ENCODING", "big"], "$6\r\nintset\r\n");
    c.expect(&["SADD", "big", "512"], &int(1));
    c.expect(&["OBJECT", "ENCODING", "big"], "$9\r\nhashtable\r\n");
    c.expect(&["SCARD", "big"], &int(513));
}

// SPOP: single pops, count 0, negative and non-numeric counts, count >= size deletes the key.
#[test]
fn spop() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SPOP", "nokey"], NIL);
    c.expect(&["SPOP", "nokey", "0"], EMPTY);
    c.expect(&["SPOP", "nokey", "3"], EMPTY);
    c.expect(&["SPOP", "nokey", "-1"], NOT_POSITIVE);
    c.expect(&["SADD", "s", "1", "2", "3"], &int(3));
    c.expect(&["SPOP", "s", "-1"], NOT_POSITIVE);
    c.expect(&["SPOP", "s", "a"], NOT_POSITIVE);
    c.expect(&["SPOP", "s", "1", "2"], SYNTAX);
    c.expect(&["SPOP"], &arity("spop"));
    c.expect(&["SPOP", "s", "0"], EMPTY);
    let popped = c.call(&["SPOP", "s"]);
    assert!(
        [bulk("1"), bulk("2"), bulk("3")].contains(&popped),
        "{popped:?}"
    );
    c.expect(&["SCARD", "s"], &int(2));
    c.expect(&["SADD", "s", "1", "2", "3"], &int(1));
    // The whole set comes back in intset order and the key is gone.
    c.expect(&["SPOP", "s", "3"], &agg('*', &["1", "2", "3"]));
    c.expect(&["EXISTS", "s"], &int(0));
    c.expect(&["SADD", "s", "a", "b", "c"], &int(3));
    assert_eq!(
        sorted(&c.call(&["SPOP", "s", "100"])),
        strs(&["a", "b", "c"])
    );
    c.expect(&["EXISTS", "s"], &int(0));
    // Single pops empty the set and delete it.
    c.expect(&["SADD", "s", "x"], &int(1));
    c.expect(&["SPOP", "s"], &bulk("x"));
    c.expect(&["EXISTS", "s"], &int(0));
}

// SPOP with counts: distinct members, all from the set, removed from it, for both strategies.
#[test]
fn spop_count_properties() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    for (members, count) in [(100, 10), (100, 90), (30, 29), (300, 7), (300, 295)] {
        for prefix in ["", "m"] {
            c.expect(&["DEL", "s"], &int(0));
            let all: Vec<String> = (0..members).map(|i| format!("{prefix}{i}")).collect();
            let mut args: Vec<String> = vec!["SADD".into(), "s".into()];
            args.extend(all.iter().cloned());
            assert_eq!(call_owned(&mut c, &args), int(members));
            let popped = sorted(&c.call(&["SPOP", "s", &count.to_string()]));
            assert_eq!(popped.len(), count as usize);
            let mut dedup = popped.clone();
            dedup.dedup();
            assert_eq!(dedup, popped, "distinct");
            let left = sorted(&c.call(&["SMEMBERS", "s"]));
            assert_eq!(left.len() as i64, members - count);
            let mut union: Vec<String> = popped.into_iter().chain(left).collect();
            union.sort();
            let mut expected = all.clone();
            expected.sort();
            assert_eq!(union, expected, "popped + left = the original set");
            c.expect(&["DEL", "s"], &int(1));
        }
    }
}

// SRANDMEMBER: nil/empty for a missing key, distinct for positive counts, repeats for negative.
#[test]
fn srandmember() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SRANDMEMBER", "nokey"], NIL);
    c.expect(&["SRANDMEMBER", "nokey", "5"], EMPTY);
    c.expect(&["SRANDMEMBER", "nokey", "-5"], EMPTY);
    c.expect(&["SRANDMEMBER", "nokey", "x"], NOT_INT);
    c.expect(
        &["SRANDMEMBER", "nokey", "-9223372036854775808"],
        "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
    );
    c.expect(&["SRANDMEMBER", "nokey", "1", "2"], SYNTAX);
    c.expect(&["SRANDMEMBER"], &arity("srandmember"));
    c.expect(&["SADD", "s", "3", "1", "2"], &int(3));
    c.expect(&["SRANDMEMBER", "s", "0"], EMPTY);
    c.expect(&["SRANDMEMBER", "s", "3"], &agg('*', &["1", "2", "3"]));
    c.expect(&["SRANDMEMBER", "s", "10"], &agg('*', &["1", "2", "3"]));
    let one = c.call(&["SRANDMEMBER", "s"]);
    assert!([bulk("1"), bulk("2"), bulk("3")].contains(&one), "{one:?}");
    let repeats = items(&c.call(&["SRANDMEMBER", "s", "-20"]));
    assert_eq!(repeats.len(), 20);
    assert!(repeats
        .iter()
        .all(|m| ["1", "2", "3"].contains(&m.as_str())));
    c.expect(&["SCARD", "s"], &int(3));

    for prefix in ["", "m"] {
        c.expect(&["DEL", "t"], &int(i64::from(prefix == "m")));
        let mut args: Vec<String> = vec!["SADD".into(), "t".into()];
        args.extend((0..200).map(|i| format!("{prefix}{i}")));
        assert_eq!(call_owned(&mut c, &args), int(200));
        for count in [1, 5, 60, 67, 150, 199] {
            let got = sorted(&c.call(&["SRANDMEMBER", "t", &count.to_string()]));
            let mut dedup = got.clone();
            dedup.dedup();
            assert_eq!(got.len(), count, "count {count}");
            assert_eq!(dedup, got, "distinct for count {count}");
            assert!(got.iter().all(|m| m.starts_with(prefix)));
        }
        // Over many picks with repeats, more than one member shows up.
        let picks = sorted(&c.call(&["SRANDMEMBER", "t", "-500"]));
        assert_eq!(picks.len(), 500);
        let mut distinct = picks.clone();
        distinct.dedup();
        assert!(distinct.len() > 50, "{}", distinct.len());
        c.expect(&["SCARD", "t"], &int(200));
    }
}

// SMOVE: missing source, same key, missing member, destination creation, source deletion.
#[test]
fn smove() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SMOVE", "nokey", "d", "a"], &int(0));
    c.expect(&["SADD", "src", "1", "2"], &int(2));
    c.expect(&["SMOVE", "src", "src", "1"], &int(1));
    c.expect(&["SMOVE", "src", "src", "9"], &int(0));
    c.expect(&["SMOVE", "src", "dst", "9"], &int(0));
    c.expect(&["EXISTS", "dst"], &int(0));
    c.expect(&["SMOVE", "src", "dst", "1"], &int(1));
    c.expect(&["OBJECT", "ENCODING", "dst"], "$6\r\nintset\r\n");
    c.expect(&["SMEMBERS", "dst"], &agg('*', &["1"]));
    c.expect(&["SADD", "dst", "2"], &int(1));
    // Already in the destination: still moved out of the source.
    c.expect(&["SMOVE", "src", "dst", "2"], &int(1));
    c.expect(&["EXISTS", "src"], &int(0));
    c.expect(&["SMEMBERS", "dst"], &agg('*', &["1", "2"]));
    c.expect(&["SADD", "h", "x"], &int(1));
    c.expect(&["SMOVE", "h", "dst", "x"], &int(1));
    c.expect(&["OBJECT", "ENCODING", "dst"], "$9\r\nhashtable\r\n");
    c.expect(&["SMOVE", "dst", "new", "x"], &int(1));
    c.expect(&["OBJECT", "ENCODING", "new"], "$9\r\nhashtable\r\n");
    c.expect(&["SMOVE", "a", "b"], &arity("smove"));
}

// SINTER/SUNION/SDIFF and their STORE forms; intset results are in ascending order.
#[test]
fn set_algebra() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SADD", "a", "1", "2", "3", "4"], &int(4));
    c.expect(&["SADD", "b", "3", "4", "5"], &int(3));
    c.expect(&["SADD", "c", "4", "x"], &int(2));
    c.expect(&["SINTER", "a", "b"], &agg('*', &["3", "4"]));
    c.expect(&["SINTER", "a", "b", "c"], &agg('*', &["4"]));
    c.expect(&["SINTER", "a", "nokey"], EMPTY);
    c.expect(&["SINTER", "a"], &agg('*', &["1", "2", "3", "4"]));
    c.expect(&["SUNION", "a", "b"], &agg('*', &["1", "2", "3", "4", "5"]));
    c.expect(&["SUNION", "nokey", "b"], &agg('*', &["3", "4", "5"]));
    c.expect(&["SUNION", "nokey"], EMPTY);
    assert_eq!(
        sorted(&c.call(&["SUNION", "a", "c"])),
        strs(&["1", "2", "3", "4", "x"])
    );
    c.expect(&["SDIFF", "a", "b"], &agg('*', &["1", "2"]));
    c.expect(&["SDIFF", "a", "b", "c"], &agg('*', &["1", "2"]));
    c.expect(&["SDIFF", "a", "nokey"], &agg('*', &["1", "2", "3", "4"]));
    c.expect(&["SDIFF", "nokey", "a"], EMPTY);
    c.expect(&["SDIFF", "a", "a"], EMPTY);
    assert_eq!(sorted(&c.call(&["SDIFF", "c", "a"])), strs(&["x"]));

    c.expect(&["SINTERSTORE", "d", "a", "b"], &int(2));
    c.expect(&["OBJECT", "ENCODING", "d"], "$6\r\nintset\r\n");
    c.expect(&["SMEMBERS", "d"], &agg('*', &["3", "4"]));
    c.expect(&["SUNIONSTORE", "d", "a", "c"], &int(5));
    c.expect(&["OBJECT", "ENCODING", "d"], "$9\r\nhashtable\r\n");
    c.expect(&["SDIFFSTORE", "d", "a", "b"], &int(2));
    c.expect(&["OBJECT", "ENCODING", "d"], "$6\r\nintset\r\n");
    c.expect(&["SMEMBERS", "d"], &agg('*', &["1", "2"]));
    // The destination may be one of the sources.
    c.expect(&["SUNIONSTORE", "d", "d", "b"], &int(5));
    c.expect(&["SMEMBERS", "d"], &agg('*', &["1", "2", "3", "4", "5"]));
    // An empty result deletes the destination.
    c.expect(&["SINTERSTORE", "d", "a", "nokey"], &int(0));
    c.expect(&["EXISTS", "d"], &int(0));
    c.expect(&["SET", "d", "v"], "+OK\r\n");
    c.expect(&["SDIFFSTORE", "d", "a", "a"], &int(0));
    c.expect(&["EXISTS", "d"], &int(0));
    c.expect(&["SET", "d", "v"], "+OK\r\n");
    c.expect(&["SUNIONSTORE", "d", "nokey"], &int(0));
    c.expect(&["EXISTS", "d"], &int(0));
    c.expect(&["SET", "d", "v"], "+OK\r\n");
    c.expect(&["SINTERSTORE", "d", "a", "x1"], &int(0));
    c.expect(&["EXISTS", "d"], &int(0));

    for cmd in ["sinter", "sunion", "sdiff"] {
        c.expect(&[cmd], &arity(cmd));
    }
    for cmd in ["sinterstore", "sunionstore", "sdiffstore"] {
        c.expect(&[cmd, "d"], &arity(cmd));
    }
}

// SINTERCARD: counts, LIMIT, and its argument errors.
#[test]
fn sintercard() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SADD", "a", "1", "2", "3", "4"], &int(4));
    c.expect(&["SADD", "b", "2", "3", "4", "5"], &int(4));
    c.expect(&["SINTERCARD", "2", "a", "b"], &int(3));
    c.expect(&["SINTERCARD", "1", "a"], &int(4));
    c.expect(&["SINTERCARD", "2", "a", "nokey"], &int(0));
    c.expect(&["SINTERCARD", "2", "a", "b", "LIMIT", "2"], &int(2));
    c.expect(&["SINTERCARD", "2", "a", "b", "limit", "0"], &int(3));
    c.expect(&["SINTERCARD", "2", "a", "b", "LIMIT", "10"], &int(3));
    c.expect(
        &["SINTERCARD", "2", "a", "b", "LIMIT", "1", "LIMIT", "5"],
        &int(3),
    );
    let numkeys = "-ERR numkeys should be greater than 0\r\n";
    c.expect(&["SINTERCARD", "0", "a"], numkeys);
    c.expect(&["SINTERCARD", "-1", "a"], numkeys);
    c.expect(&["SINTERCARD", "x", "a"], numkeys);
    c.expect(
        &["SINTERCARD", "3", "a", "b"],
        "-ERR Number of keys can't be greater than number of args\r\n",
    );
    let limit = "-ERR LIMIT can't be negative\r\n";
    c.expect(&["SINTERCARD", "1", "a", "LIMIT", "-1"], limit);
    c.expect(&["SINTERCARD", "1", "a", "LIMIT", "x"], limit);
    c.expect(&["SINTERCARD", "1", "a", "LIMIT"], SYNTAX);
    c.expect(&["SINTERCARD", "1", "a", "b"], SYNTAX);
    c.expect(&["SINTERCARD", "1"], &arity("sintercard"));
}

// SSCAN: errors in Redis's order, an intset in one call, MATCH, and a full iteration of a big set.
#[test]
fn sscan() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    let empty_scan = "*2\r\n$1\r\n0\r\n*0\r\n";
    c.expect(&["SSCAN", "nokey", "0"], empty_scan);
    c.expect(&["SSCAN", "nokey", "0", "bogus"], empty_scan);
    c.expect(&["SSCAN", "nokey", "x"], "-ERR invalid cursor\r\n");
    c.expect(&["SSCAN", "s"], &arity("sscan"));
    let mut args: Vec<String> = vec!["SADD".into(), "s".into()];
    args.extend((0..100).map(|i| i.to_string()));
    assert_eq!(call_owned(&mut c, &args), int(100));
    c.expect(&["SSCAN", "s", "0", "COUNT", "0"], SYNTAX);
    c.expect(&["SSCAN", "s", "0", "COUNT", "x"], NOT_INT);
    c.expect(&["SSCAN", "s", "0", "TYPE", "set"], SYNTAX);
    c.expect(&["SSCAN", "s", "0", "MATCH"], SYNTAX);
    // An intset comes back whole, sorted, with cursor 0, whatever COUNT says.
    let all: Vec<String> = (0..100).map(|i| i.to_string()).collect();
    let all_refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let mut expected = "*2\r\n$1\r\n0\r\n".to_string();
    expected.push_str(&agg('*', &all_refs));
    c.expect(&["SSCAN", "s", "0", "COUNT", "1"], &expected);
    let mut expected = "*2\r\n$1\r\n0\r\n".to_string();
    expected.push_str(&agg(
        '*',
        &[
            "1", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19",
        ],
    ));
    c.expect(&["SSCAN", "s", "0", "MATCH", "1*"], &expected);

    // A hashtable of 5,000 members: iterate with the cursor until 0.
    let members: Vec<String> = (0..5000).map(|i| format!("member:{i}")).collect();
    for chunk in members.chunks(1000) {
        let mut args: Vec<String> = vec!["SADD".into(), "h".into()];
        args.extend(chunk.iter().cloned());
        assert_eq!(call_owned(&mut c, &args), int(1000));
    }
    let mut seen: Vec<String> = Vec::new();
    let mut cursor = "0".to_string();
    let mut calls = 0;
    loop {
        let reply = c.call(&["SSCAN", "h", &cursor, "COUNT", "100"]);
        let body = reply.strip_prefix("*2\r\n").expect("two elements");
        let mut parts = body.splitn(3, "\r\n");
        let _len = parts.next();
        cursor = parts.next().expect("cursor").to_string();
        let rest = parts.next().expect("members");
        seen.extend(items(rest));
        calls += 1;
        assert!(calls < 10_000, "SSCAN does not finish");
        if cursor == "0" {
            break;
        }
    }
    assert!(calls > 1, "a hashtable is scanned in steps");
    seen.sort();
    seen.dedup();
    let mut expected = members.clone();
    expected.sort();
    assert_eq!(seen, expected);
    // MATCH filters each step's members.
    let mut matched: Vec<String> = Vec::new();
    let mut cursor = "0".to_string();
    loop {
        let reply = c.call(&[
            "SSCAN",
            "h",
            &cursor,
            "MATCH",
            "member:42*",
            "COUNT",
            "1000",
        ]);
        let body = reply.strip_prefix("*2\r\n").expect("two elements");
        let mut parts = body.splitn(3, "\r\n");
        let _len = parts.next();
        cursor = parts.next().expect("cursor").to_string();
        matched.extend(items(parts.next().expect("members")));
        if cursor == "0" {
            break;
        }
    }
    matched.sort();
    matched.dedup();
    // member:42, member:420..429 and member:4200..4299.
    assert_eq!(matched.len(), 111);
}

// RESP3: SMEMBERS/SINTER/SUNION/SDIFF/SPOP count reply sets; SRANDMEMBER count and SMISMEMBER arrays.
#[test]
fn resp3_set_replies() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    let hello = c.call(&["HELLO", "3"]);
    assert!(hello.starts_with('%'), "HELLO 3: {hello:?}");
    c.expect(&["SADD", "s", "2", "1"], &int(2));
    c.expect(&["SMEMBERS", "s"], &agg('~', &["1", "2"]));
    c.expect(&["SINTER", "s", "s"], &agg('~', &["1", "2"]));
    c.expect(&["SUNION", "s"], &agg('~', &["1", "2"]));
    c.expect(&["SDIFF", "s"], &agg('~', &["1", "2"]));
    c.expect(&["SMEMBERS", "nokey"], "~0\r\n");
    c.expect(&["SINTER", "s", "nokey"], "~0\r\n");
    c.expect(&["SPOP", "nokey"], "_\r\n");
    c.expect(&["SPOP", "nokey", "1"], "~0\r\n");
    c.expect(&["SPOP", "s", "0"], "~0\r\n");
    c.expect(&["SRANDMEMBER", "nokey"], "_\r\n");
    c.expect(&["SRANDMEMBER", "nokey", "1"], EMPTY);
    c.expect(&["SRANDMEMBER", "s", "0"], EMPTY);
    c.expect(&["SRANDMEMBER", "s", "5"], &agg('*', &["1", "2"]));
    let r = c.call(&["SRANDMEMBER", "s", "-1"]);
    assert!(r.starts_with("*1\r\n"), "{r:?}");
    c.expect(&["SMISMEMBER", "s", "1", "3"], "*2\r\n:1\r\n:0\r\n");
    c.expect(
        &["SSCAN", "s", "0"],
        "*2\r\n$1\r\n0\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n",
    );
    c.expect(&["SPOP", "s", "5"], &agg('~', &["1", "2"]));
    c.expect(&["EXISTS", "s"], &int(0));
}

// COMMAND INFO of the set commands equals redis-server's for the ones with the richest metadata.
#[test]
fn command_info_matches() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    let info = c.call(&["COMMAND", "INFO", "sintercard"]);
    assert!(info.contains("movablekeys"), "{info:?}");
    assert!(info.contains("keynum"), "{info:?}");
    let info = c.call(&["COMMAND", "INFO", "smove"]);
    assert!(info.contains("insert"), "{info:?}");
    c.expect(
        &[
            "COMMAND",
            "GETKEYS",
            "SINTERCARD",
            "2",
            "a",
            "b",
            "LIMIT",
            "1",
        ],
        &agg('*', &["a", "b"]),
    );
    c.expect(
        &["COMMAND", "GETKEYS", "SUNIONSTORE", "d", "a", "b"],
        &agg('*', &["d", "a", "b"]),
    );
}

// DEBUG DIGEST and DEBUG DIGEST-VALUE of sets (intset and hashtable) equal redis-server's.
#[test]
fn debug_digest_matches_redis() {
    let args = ["--enable-debug-command", "yes"];
    let ours = Server::start(&args);
    let redis = Server::start_redis(&args);
    let mut a = Conn::open(&ours);
    let mut b = Conn::open(&redis);
    for c in [&mut a, &mut b] {
        c.expect(&["SADD", "ints", "5", "-1", "300000", "7"], &int(4));
        c.expect(&["SADD", "strs", "a", "bb", "", "12"], &int(4));
        c.expect(&["SADD", "ttl", "x"], &int(1));
        c.expect(&["EXPIRE", "ttl", "1000"], &int(1));
    }
    for cmd in [
        &["DEBUG", "DIGEST"][..],
        &["DEBUG", "DIGEST-VALUE", "ints", "strs", "ttl"],
    ] {
        assert_eq!(a.call(cmd), b.call(cmd), "{cmd:?}");
    }
}
