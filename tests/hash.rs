//! Hash commands (t_hash.c) checked against what Redis 7.0.15 sends:
//! HSET/HMSET/HSETNX, HGET/HMGET, HGETALL/HKEYS/HVALS (RESP2 and RESP3),
//! HDEL (and the key going away with its last field), HLEN, HSTRLEN,
//! HEXISTS, HINCRBY, HINCRBYFLOAT, HRANDFIELD, HSCAN, WRONGTYPE, command
//! metadata, and the listpack -> hashtable conversion at both thresholds.
//!
//! Small hashes are listpacks, which reply in insertion order, so their
//! replies are compared byte for byte. Every expectation here was checked
//! with `FERRODIS_TEST_TARGET=redis`.

mod common;

use std::collections::{HashMap, HashSet};

use common::{Conn, Server};

const OK: &str = "+OK\r\n";
const NIL: &str = "$-1\r\n";
const EMPTY: &str = "*0\r\n";
const SYNTAX: &str = "-ERR syntax error\r\n";
const NOT_INT: &str = "-ERR value is not an integer or out of range\r\n";
const WRONGTYPE: &str = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

fn arity(cmd: &str) -> String {
    format!("-ERR wrong number of arguments for '{cmd}' command\r\n")
}

fn bulk(s: &str) -> String {
    format!("${}\r\n{s}\r\n", s.len())
}

fn int(n: i64) -> String {
    format!(":{n}\r\n")
}

/// An array of bulk strings.
fn arr(items: &[&str]) -> String {
    let mut out = format!("*{}\r\n", items.len());
    for i in items {
        out.push_str(&bulk(i));
    }
    out
}

/// Every bulk string of a reply, in order, with the aggregate headers
/// dropped (enough for HSCAN, HRANDFIELD and HGETALL of big hashes).
fn bulks(reply: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < reply.len() {
        let Some(eol) = reply[pos..].windows(2).position(|w| w == b"\r\n") else {
            break;
        };
        let line = &reply[pos..pos + eol];
        pos += eol + 2;
        if line.first() == Some(&b'$') {
            let n: usize = std::str::from_utf8(&line[1..])
                .ok()
                .and_then(|s| s.parse().ok())
                .expect("bulk length");
            out.push(String::from_utf8_lossy(&reply[pos..pos + n]).into_owned());
            pos += n + 2;
        }
    }
    out
}

// HSET counts new fields, updates keep their place; HMSET replies OK; arity of both.
#[test]
fn hset_hmset_hget_and_order() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["HSET", "h", "a", "1", "b", "2"], &int(2));
    c.expect(&["HSET", "h", "b", "20", "c", "3"], &int(1));
    c.expect(&["HGET", "h", "b"], &bulk("20"));
    c.expect(&["HGET", "h", "zz"], NIL);
    c.expect(&["HGET", "nokey", "a"], NIL);
    c.expect(&["HGETALL", "h"], &arr(&["a", "1", "b", "20", "c", "3"]));
    c.expect(&["HMSET", "h", "d", "4", "a", "10"], OK);
    c.expect(&["HKEYS", "h"], &arr(&["a", "b", "c", "d"]));
    c.expect(&["HVALS", "h"], &arr(&["10", "20", "3", "4"]));
    c.expect(&["HSET", "h", "a"], &arity("hset"));
    c.expect(&["HSET", "h", "a", "1", "b"], &arity("hset"));
    c.expect(&["HMSET", "h", "a", "1", "b"], &arity("hmset"));
    c.expect(&["HGET", "h"], &arity("hget"));
    c.expect(&["HSET", "h", "", ""], &int(1));
    c.expect(&["HGET", "h", ""], "$0\r\n\r\n");
    c.expect(&["TYPE", "h"], "+hash\r\n");
    c.expect(&["OBJECT", "ENCODING", "h"], &bulk("listpack"));
}

// HSETNX sets only a new field, and creates the key.
#[test]
fn hsetnx() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["HSETNX", "h", "a", "1"], &int(1));
    c.expect(&["HSETNX", "h", "a", "2"], &int(0));
    c.expect(&["HGET", "h", "a"], &bulk("1"));
    c.expect(&["HSETNX", "h", "a"], &arity("hsetnx"));
    // An existing field with a long value converts nothing.
    let long = "x".repeat(100);
    c.expect(&["HSETNX", "h", "a", &long], &int(0));
    c.expect(&["OBJECT", "ENCODING", "h"], &bulk("listpack"));
    c.expect(&["HSETNX", "h", &long, "1"], &int(1));
    c.expect(&["OBJECT", "ENCODING", "h"], &bulk("hashtable"));
}

// HMGET gives nulls for missing fields and a missing key.
#[test]
fn hmget_hlen_hstrlen_hexists() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["HSET", "h", "a", "hello", "b", ""], &int(2));
    c.expect(
        &["HMGET", "h", "a", "x", "b"],
        "*3\r\n$5\r\nhello\r\n$-1\r\n$0\r\n\r\n",
    );
    c.expect(&["HMGET", "nokey", "a", "b"], "*2\r\n$-1\r\n$-1\r\n");
    c.expect(&["HMGET", "h"], &arity("hmget"));
    c.expect(&["HLEN", "h"], &int(2));
    c.expect(&["HLEN", "nokey"], &int(0));
    c.expect(&["HSTRLEN", "h", "a"], &int(5));
    c.expect(&["HSTRLEN", "h", "b"], &int(0));
    c.expect(&["HSTRLEN", "h", "x"], &int(0));
    c.expect(&["HSTRLEN", "nokey", "x"], &int(0));
    c.expect(&["HEXISTS", "h", "a"], &int(1));
    c.expect(&["HEXISTS", "h", "x"], &int(0));
    c.expect(&["HEXISTS", "nokey", "x"], &int(0));
    c.expect(&["HGETALL", "nokey"], EMPTY);
    c.expect(&["HKEYS", "nokey"], EMPTY);
    c.expect(&["HVALS", "nokey"], EMPTY);
}

// HDEL counts removed fields; the last one takes the key with it.
#[test]
fn hdel_and_empty_hash_deletion() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["HSET", "h", "a", "1", "b", "2", "c", "3"], &int(3));
    c.expect(&["HDEL", "h", "a", "a", "x"], &int(1));
    c.expect(&["HGETALL", "h"], &arr(&["b", "2", "c", "3"]));
    c.expect(&["HDEL", "h", "b", "c", "d"], &int(2));
    c.expect(&["EXISTS", "h"], &int(0));
    c.expect(&["HDEL", "nokey", "a"], &int(0));
    c.expect(&["HDEL", "h"], &arity("hdel"));
    // The same for a hash table.
    c.expect(&["CONFIG", "SET", "hash-max-listpack-entries", "1"], OK);
    c.expect(&["HSET", "t", "a", "1", "b", "2"], &int(2));
    c.expect(&["OBJECT", "ENCODING", "t"], &bulk("hashtable"));
    c.expect(&["HDEL", "t", "a", "b"], &int(2));
    c.expect(&["EXISTS", "t"], &int(0));
}

// Every hash command on a string key, and hash-typed keys under string commands.
#[test]
fn wrongtype() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SET", "s", "v"], OK);
    for args in [
        &["HSET", "s", "a", "1"][..],
        &["HMSET", "s", "a", "1"],
        &["HSETNX", "s", "a", "1"],
        &["HGET", "s", "a"],
        &["HMGET", "s", "a"],
        &["HGETALL", "s"],
        &["HKEYS", "s"],
        &["HVALS", "s"],
        &["HDEL", "s", "a"],
        &["HLEN", "s"],
        &["HSTRLEN", "s", "a"],
        &["HEXISTS", "s", "a"],
        &["HINCRBY", "s", "a", "1"],
        &["HINCRBYFLOAT", "s", "a", "1"],
        &["HRANDFIELD", "s"],
        &["HRANDFIELD", "s", "2"],
        &["HSCAN", "s", "0"],
    ] {
        c.expect(args, WRONGTYPE);
    }
    c.expect(&["GET", "s"], &bulk("v"));
    c.expect(&["HSET", "h", "a", "1"], &int(1));
    c.expect(&["GET", "h"], WRONGTYPE);
}

// HINCRBY: new fields start at 0; overflow and non-integers are refused.
#[test]
fn hincrby() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["HINCRBY", "h", "n", "5"], &int(5));
    c.expect(&["HINCRBY", "h", "n", "-7"], &int(-2));
    c.expect(&["HGET", "h", "n"], &bulk("-2"));
    c.expect(&["HINCRBY", "h", "n", "x"], NOT_INT);
    c.expect(&["HINCRBY", "h", "n", "1.5"], NOT_INT);
    c.expect(&["HINCRBY", "nokey", "n", "x"], NOT_INT);
    c.expect(&["EXISTS", "nokey"], &int(0));
    c.expect(
        &[
            "HSET",
            "h",
            "big",
            "9223372036854775807",
            "s",
            "abc",
            "sp",
            " 1",
        ],
        &int(3),
    );
    c.expect(
        &["HINCRBY", "h", "big", "1"],
        "-ERR increment or decrement would overflow\r\n",
    );
    c.expect(
        &["HINCRBY", "h", "s", "1"],
        "-ERR hash value is not an integer\r\n",
    );
    c.expect(
        &["HINCRBY", "h", "sp", "1"],
        "-ERR hash value is not an integer\r\n",
    );
    c.expect(&["HINCRBY", "h", "n"], &arity("hincrby"));
    // A long new field converts the hash, as Redis's hashTypeSet does.
    let long = "f".repeat(70);
    c.expect(&["HINCRBY", "h2", &long, "5"], &int(5));
    c.expect(&["OBJECT", "ENCODING", "h2"], &bulk("hashtable"));
}

// HINCRBYFLOAT: long double arithmetic and its three error texts.
#[test]
fn hincrbyfloat() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["HINCRBYFLOAT", "h", "f", "10.5"], &bulk("10.5"));
    c.expect(&["HINCRBYFLOAT", "h", "f", "0.1"], &bulk("10.6"));
    c.expect(&["HINCRBYFLOAT", "h", "f", "-5.6"], &bulk("5"));
    c.expect(&["HINCRBYFLOAT", "h", "f", "5.0e3"], &bulk("5005"));
    c.expect(&["HGET", "h", "f"], &bulk("5005"));
    c.expect(
        &["HINCRBYFLOAT", "h", "f", "x"],
        "-ERR value is not a valid float\r\n",
    );
    c.expect(
        &["HINCRBYFLOAT", "h", "f", "inf"],
        "-ERR value is NaN or Infinity\r\n",
    );
    c.expect(&["HSET", "h", "s", "abc", "inf", "inf"], &int(2));
    c.expect(
        &["HINCRBYFLOAT", "h", "s", "1"],
        "-ERR hash value is not a float\r\n",
    );
    c.expect(
        &["HINCRBYFLOAT", "h", "inf", "1"],
        "-ERR increment would produce NaN or Infinity\r\n",
    );
    c.expect(&["HSET", "h", "i", "3"], &int(1));
    c.expect(&["HINCRBYFLOAT", "h", "i", "1.5"], &bulk("4.5"));
    c.expect(&["HINCRBYFLOAT", "h", "f"], &arity("hincrbyfloat"));
}

// HGETALL is a map in RESP3; HRANDFIELD WITHVALUES gives pairs as arrays.
#[test]
fn resp3_replies() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.send(&["HELLO", "3"]);
    c.read_raw();
    c.expect(&["HSET", "h", "a", "1", "b", "2"], &int(2));
    c.expect(
        &["HGETALL", "h"],
        "%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n",
    );
    c.expect(&["HGETALL", "nokey"], "%0\r\n");
    c.expect(&["HKEYS", "h"], &arr(&["a", "b"]));
    c.expect(
        &["HRANDFIELD", "h", "2", "WITHVALUES"],
        "*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n",
    );
    c.expect(&["HGET", "h", "x"], "_\r\n");
}

// HRANDFIELD: argument errors, the whole hash for a large count, distinct
// fields for a positive count, repetitions for a negative one.
#[test]
fn hrandfield() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["HRANDFIELD", "nokey"], NIL);
    c.expect(&["HRANDFIELD", "nokey", "3"], EMPTY);
    c.expect(&["HRANDFIELD", "nokey", "-3", "WITHVALUES"], EMPTY);
    c.expect(&["HSET", "h", "a", "1", "b", "2", "c", "3"], &int(3));
    c.expect(&["HRANDFIELD", "h", "x"], NOT_INT);
    c.expect(&["HRANDFIELD", "h", "1", "2"], SYNTAX);
    c.expect(&["HRANDFIELD", "h", "1", "WITHVALUES", "x"], SYNTAX);
    c.expect(
        &["HRANDFIELD", "h", "-9223372036854775808"],
        "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
    );
    c.expect(
        &["HRANDFIELD", "h", "9223372036854775807", "WITHVALUES"],
        "-ERR value is out of range\r\n",
    );
    c.expect(
        &["HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"],
        "-ERR value is out of range\r\n",
    );
    c.expect(&["HRANDFIELD", "h", "0"], EMPTY);
    c.expect(&["HRANDFIELD", "h", "3"], &arr(&["a", "b", "c"]));
    c.expect(
        &["HRANDFIELD", "h", "9223372036854775807"],
        &arr(&["a", "b", "c"]),
    );
    c.expect(
        &["HRANDFIELD", "h", "10", "withvalues"],
        &arr(&["a", "1", "b", "2", "c", "3"]),
    );
    let single = c.call(&["HRANDFIELD", "h"]);
    assert!(
        [bulk("a"), bulk("b"), bulk("c")].contains(&single),
        "{single}"
    );

    for encoding in ["listpack", "hashtable"] {
        let key = format!("r-{encoding}");
        let mut args = vec!["HSET".to_string(), key.clone()];
        for i in 0..100 {
            args.push(format!("f{i}"));
            args.push(format!("v{i}"));
        }
        if encoding == "hashtable" {
            args.push("long".into());
            args.push("v".repeat(100));
        }
        let args_ref: Vec<&str> = args.iter().map(String::as_str).collect();
        c.call(&args_ref);
        c.expect(&["OBJECT", "ENCODING", &key], &bulk(encoding));
        let all: HashMap<String, String> = {
            let b = bulks(c.call(&["HGETALL", &key]).as_bytes());
            b.chunks(2).map(|p| (p[0].clone(), p[1].clone())).collect()
        };
        // Positive counts: distinct fields (cases 2.5, 3 and 4 in Redis).
        for count in [1usize, 5, 40, 90, 99] {
            let reply = c.call(&["HRANDFIELD", &key, &count.to_string(), "WITHVALUES"]);
            let b = bulks(reply.as_bytes());
            assert_eq!(b.len(), count * 2);
            let mut seen = HashSet::new();
            for p in b.chunks(2) {
                assert_eq!(all.get(&p[0]), Some(&p[1]), "pair {p:?}");
                assert!(seen.insert(p[0].clone()), "repeated field {}", p[0]);
            }
        }
        // Negative counts: exactly |count| fields, repetitions expected.
        let b = bulks(c.call(&["HRANDFIELD", &key, "-500"]).as_bytes());
        assert_eq!(b.len(), 500);
        assert!(b.iter().all(|f| all.contains_key(f)));
        let distinct: HashSet<&String> = b.iter().collect();
        assert!(distinct.len() < 500 && distinct.len() > 20);
        let b = bulks(c.call(&["HRANDFIELD", &key, "-3", "WITHVALUES"]).as_bytes());
        assert_eq!(b.len(), 6);
        for p in b.chunks(2) {
            assert_eq!(all.get(&p[0]), Some(&p[1]));
        }
    }
}

// HSCAN: errors, a listpack in one call with cursor 0, MATCH, and a full
// iteration of a large hash table.
#[test]
fn hscan() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    let empty_scan = "*2\r\n$1\r\n0\r\n*0\r\n";
    c.expect(&["HSCAN", "nokey", "0"], empty_scan);
    c.expect(&["HSCAN", "nokey", "0", "COUNT", "0"], empty_scan);
    c.expect(&["HSCAN", "nokey", "x"], "-ERR invalid cursor\r\n");
    c.expect(&["HSCAN", "h"], &arity("hscan"));
    c.expect(&["HSET", "h", "a1", "1", "b1", "2", "a2", "3"], &int(3));
    c.expect(&["HSCAN", "h", "0", "COUNT", "0"], SYNTAX);
    c.expect(&["HSCAN", "h", "0", "COUNT", "x"], NOT_INT);
    c.expect(&["HSCAN", "h", "0", "MATCH"], SYNTAX);
    c.expect(&["HSCAN", "h", "0", "FOO", "1"], SYNTAX);
    c.expect(
        &["HSCAN", "h", "0", "COUNT", "1"],
        "*2\r\n$1\r\n0\r\n*6\r\n$2\r\na1\r\n$1\r\n1\r\n$2\r\nb1\r\n$1\r\n2\r\n$2\r\na2\r\n$1\r\n3\r\n",
    );
    c.expect(
        &["HSCAN", "h", "0", "MATCH", "a*"],
        "*2\r\n$1\r\n0\r\n*4\r\n$2\r\na1\r\n$1\r\n1\r\n$2\r\na2\r\n$1\r\n3\r\n",
    );

    // A hash table of 1000 fields: every field seen, with its value.
    let mut args = vec!["HSET".to_string(), "big".to_string()];
    for i in 0..1000 {
        args.push(format!("field:{i}"));
        args.push(format!("value:{i}"));
    }
    let args_ref: Vec<&str> = args.iter().map(String::as_str).collect();
    c.expect(&args_ref, &int(1000));
    c.expect(&["OBJECT", "ENCODING", "big"], &bulk("hashtable"));
    let mut seen = HashMap::new();
    let mut cursor = "0".to_string();
    let mut calls = 0;
    loop {
        let b = bulks(c.call(&["HSCAN", "big", &cursor, "COUNT", "50"]).as_bytes());
        cursor = b[0].clone();
        for p in b[1..].chunks(2) {
            seen.insert(p[0].clone(), p[1].clone());
        }
        calls += 1;
        assert!(calls < 10_000, "HSCAN never finished");
        if cursor == "0" {
            break;
        }
    }
    assert!(calls > 1);
    assert_eq!(seen.len(), 1000);
    for i in 0..1000 {
        assert_eq!(seen[&format!("field:{i}")], format!("value:{i}"));
    }
    let b = bulks(
        c.call(&["HSCAN", "big", "0", "MATCH", "field:99*", "COUNT", "100000"])
            .as_bytes(),
    );
    assert_eq!(b[0], "0");
    let mut fields: Vec<&String> = b[1..].iter().step_by(2).collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "field:99",
            "field:990",
            "field:991",
            "field:992",
            "field:993",
            "field:994",
            "field:995",
            "field:996",
            "field:997",
            "field:998",
            "field:999"
        ]
    );
}

// hash-max-listpack-entries and -value decide the encoding; no way back.
#[test]
fn encoding_conversion_at_thresholds() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["CONFIG", "SET", "hash-max-listpack-entries", "4"], OK);
    c.expect(&["CONFIG", "SET", "hash-max-listpack-value", "8"], OK);
    c.expect(
        &["HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4"],
        &int(4),
    );
    c.expect(&["OBJECT", "ENCODING", "h"], &bulk("listpack"));
    c.expect(&["HSET", "h", "e", "5"], &int(1));
    c.expect(&["OBJECT", "ENCODING", "h"], &bulk("hashtable"));
    c.expect(&["HDEL", "h", "a", "b", "c"], &int(3));
    c.expect(&["OBJECT", "ENCODING", "h"], &bulk("hashtable"));
    c.expect(&["HLEN", "h"], &int(2));

    c.expect(&["HSET", "v", "f", "12345678"], &int(1));
    c.expect(&["OBJECT", "ENCODING", "v"], &bulk("listpack"));
    c.expect(&["HSET", "v", "f", "123456789"], &int(0));
    c.expect(&["OBJECT", "ENCODING", "v"], &bulk("hashtable"));
    c.expect(&["HGET", "v", "f"], &bulk("123456789"));

    c.expect(&["HSET", "w", "123456789", "x"], &int(1));
    c.expect(&["OBJECT", "ENCODING", "w"], &bulk("hashtable"));
    c.expect(
        &["HINCRBYFLOAT", "x", "f", "1.123456789"],
        &bulk("1.123456789"),
    );
    c.expect(&["OBJECT", "ENCODING", "x"], &bulk("hashtable"));

    // The ziplist alias sets the same limit.
    c.expect(&["CONFIG", "SET", "hash-max-ziplist-entries", "0"], OK);
    c.expect(&["HSET", "z", "a", "1"], &int(1));
    c.expect(&["OBJECT", "ENCODING", "z"], &bulk("hashtable"));
}

/// Name, arity, flags, ACL categories, tips and key-spec flags.
type InfoCase = (
    &'static str,
    i64,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

// COMMAND INFO of every hash command equals Redis 7.0.15's.
#[test]
fn command_info_matches_redis() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    let spec = |flags: &str| {
        format!(
            "*6\r\n$5\r\nflags\r\n{flags}$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n"
        )
    };
    let status = |items: &[&str]| {
        let mut s = format!("*{}\r\n", items.len());
        for i in items {
            s.push_str(&format!("+{i}\r\n"));
        }
        s
    };
    let cases: &[InfoCase] = &[
        (
            "hset",
            -4,
            &["write", "denyoom", "fast"],
            &["@write", "@hash", "@fast"],
            &[],
            &["RW", "update"],
        ),
        (
            "hsetnx",
            4,
            &["write", "denyoom", "fast"],
            &["@write", "@hash", "@fast"],
            &[],
            &["RW", "insert"],
        ),
        (
            "hget",
            3,
            &["readonly", "fast"],
            &["@read", "@hash", "@fast"],
            &[],
            &["RO", "access"],
        ),
        (
            "hmset",
            -4,
            &["write", "denyoom", "fast"],
            &["@write", "@hash", "@fast"],
            &[],
            &["RW", "update"],
        ),
        (
            "hmget",
            -3,
            &["readonly", "fast"],
            &["@read", "@hash", "@fast"],
            &[],
            &["RO", "access"],
        ),
        (
            "hgetall",
            2,
            &["readonly"],
            &["@read", "@hash", "@slow"],
            &["nondeterministic_output_order"],
            &["RO", "access"],
        ),
        (
            "hdel",
            -3,
            &["write", "fast"],
            &["@write", "@hash", "@fast"],
            &[],
            &["RW", "delete"],
        ),
        (
            "hlen",
            2,
            &["readonly", "fast"],
            &["@read", "@hash", "@fast"],
            &[],
            &["RO"],
        ),
        (
            "hstrlen",
            3,
            &["readonly", "fast"],
            &["@read", "@hash", "@fast"],
            &[],
            &["RO"],
        ),
        (
            "hexists",
            3,
            &["readonly", "fast"],
            &["@read", "@hash", "@fast"],
            &[],
            &["RO"],
        ),
        (
            "hkeys",
            2,
            &["readonly"],
            &["@read", "@hash", "@slow"],
            &["nondeterministic_output_order"],
            &["RO", "access"],
        ),
        (
            "hvals",
            2,
            &["readonly"],
            &["@read", "@hash", "@slow"],
            &["nondeterministic_output_order"],
            &["RO", "access"],
        ),
        (
            "hincrby",
            4,
            &["write", "denyoom", "fast"],
            &["@write", "@hash", "@fast"],
            &[],
            &["RW", "access", "update"],
        ),
        (
            "hincrbyfloat",
            4,
            &["write", "denyoom", "fast"],
            &["@write", "@hash", "@fast"],
            &[],
            &["RW", "access", "update"],
        ),
        (
            "hrandfield",
            -2,
            &["readonly"],
            &["@read", "@hash", "@slow"],
            &["nondeterministic_output"],
            &["RO", "access"],
        ),
        (
            "hscan",
            -3,
            &["readonly"],
            &["@read", "@hash", "@slow"],
            &["nondeterministic_output"],
            &["RO", "access"],
        ),
    ];
    for (name, arity, flags, cats, tips, ks) in cases {
        let mut tip_s = format!("*{}\r\n", tips.len());
        for t in *tips {
            tip_s.push_str(&bulk(t));
        }
        let expected = format!(
            "*1\r\n*10\r\n{}{}{}:1\r\n:1\r\n:1\r\n{}{}*1\r\n{}*0\r\n",
            bulk(name),
            int(*arity),
            status(flags),
            status(cats),
            tip_s,
            spec(&status(ks)),
        );
        c.expect(&["COMMAND", "INFO", name], &expected);
    }
}

// DEBUG DIGEST-VALUE of a hash equals Redis's and does not depend on field
// order or encoding.
#[test]
fn digest_ignores_order_and_encoding() {
    let server = Server::start(&["--enable-debug-command", "yes"]);
    let mut c = Conn::open(&server);
    c.expect(&["HSET", "a", "x", "1", "y", "2"], &int(2));
    c.expect(&["HSET", "b", "y", "2", "x", "1"], &int(2));
    c.expect(&["CONFIG", "SET", "hash-max-listpack-entries", "0"], OK);
    c.expect(&["HSET", "c", "y", "2", "x", "1"], &int(2));
    c.expect(&["HSET", "d", "y", "2", "x", "3"], &int(2));
    let a = c.call(&["DEBUG", "DIGEST-VALUE", "a"]);
    // The digest redis-server 7.0.15 gives this hash.
    assert_eq!(a, "*1\r\n+9471cda69283f7d9f7e8d1be4718f76b29108999\r\n");
    assert_eq!(c.call(&["DEBUG", "DIGEST-VALUE", "b"]), a);
    assert_eq!(c.call(&["DEBUG", "DIGEST-VALUE", "c"]), a);
    assert_ne!(c.call(&["DEBUG", "DIGEST-VALUE", "d"]), a);
}
