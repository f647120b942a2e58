//! Keyspace commands (db.c, object.c) checked against what Redis 7.0.15
//! sends: SELECT/DBSIZE, SWAPDB, MOVE, FLUSHDB/FLUSHALL, DEL/UNLINK, EXISTS,
//! TYPE, KEYS and its glob rules, SCAN (options, errors and its guarantee
//! that a key present for the whole iteration is returned while the table
//! grows or shrinks), RANDOMKEY, RENAME/RENAMENX, COPY, TOUCH and OBJECT.
//!
//! Error replies and nulls are compared byte for byte over a raw socket;
//! unordered results (KEYS, SCAN) go through the `redis` crate and are
//! compared as sets. Every expectation here was checked with
//! `FERRODIS_TEST_TARGET=redis`. Only string keys are used.

mod common;

use std::collections::HashSet;

use common::{wait_until, Conn, Server, DEADLINE};

const OK: &str = "+OK\r\n";
const NIL: &str = "$-1\r\n";
const SYNTAX: &str = "-ERR syntax error\r\n";
const NOT_INT: &str = "-ERR value is not an integer or out of range\r\n";
const DB_RANGE: &str = "-ERR DB index is out of range\r\n";
const SAME: &str = "-ERR source and destination objects are the same\r\n";
const NO_SUCH_KEY: &str = "-ERR no such key\r\n";
const INT_RANGE: &str =
    "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n";

/// `-ERR wrong number of arguments for '<cmd>' command`.
fn arity(cmd: &str) -> String {
    format!("-ERR wrong number of arguments for '{cmd}' command\r\n")
}

/// A bulk string reply.
fn bulk(s: &str) -> String {
    format!("${}\r\n{s}\r\n", s.len())
}

/// An integer reply.
fn int(n: i64) -> String {
    format!(":{n}\r\n")
}

/// Sets every key in `keys` to "v" through one pipeline.
fn set_keys(con: &mut redis::Connection, keys: impl IntoIterator<Item = String>) {
    let mut pipe = redis::pipe();
    for key in keys {
        pipe.cmd("SET").arg(key).arg("v").ignore();
    }
    pipe.query::<()>(con).expect("pipelined SET");
}

/// Deletes every key in `keys` through one pipeline.
fn del_keys(con: &mut redis::Connection, keys: impl IntoIterator<Item = String>) {
    let mut pipe = redis::pipe();
    for key in keys {
        pipe.cmd("DEL").arg(key).ignore();
    }
    pipe.query::<()>(con).expect("pipelined DEL");
}

/// One SCAN call: the next cursor and the keys returned.
fn scan_step(con: &mut redis::Connection, cursor: u64, opts: &[&str]) -> (u64, Vec<String>) {
    redis::cmd("SCAN")
        .arg(cursor)
        .arg(opts)
        .query(con)
        .expect("SCAN")
}

/// Iterates SCAN from cursor 0 back to 0 and returns every key seen.
fn scan_all(con: &mut redis::Connection, opts: &[&str]) -> HashSet<String> {
    let mut seen = HashSet::new();
    let mut cursor = 0;
    for _ in 0..1_000_000 {
        let (next, keys) = scan_step(con, cursor, opts);
        seen.extend(keys);
        cursor = next;
        if cursor == 0 {
            return seen;
        }
    }
    panic!("SCAN {opts:?} did not return to cursor 0");
}

/// KEYS `pattern`, sorted.
fn keys(con: &mut redis::Connection, pattern: &str) -> Vec<String> {
    let mut found: Vec<String> = redis::cmd("KEYS").arg(pattern).query(con).expect("KEYS");
    found.sort();
    found
}

/// `names` as sorted owned strings.
fn sorted(names: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

// Each of the 16 databases has its own keys; DBSIZE counts the selected one; arity 1.
#[test]
fn select_and_dbsize_per_db() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["DBSIZE"], ":0\r\n");
    for db in 0..16 {
        c.expect(&["SELECT", &db.to_string()], OK);
        for i in 0..db {
            c.expect(&["SET", &format!("k{i}"), &db.to_string()], OK);
        }
    }
    for db in (0..16).rev() {
        c.expect(&["SELECT", &db.to_string()], OK);
        c.expect(&["DBSIZE"], &int(db));
        if db > 0 {
            c.expect(&["GET", "k0"], &bulk(&db.to_string()));
        }
    }
    c.expect(&["GET", "k0"], NIL);
    c.expect(&["DBSIZE", "x"], &arity("dbsize"));
    // Another connection starts in db 0.
    let mut d = Conn::open(&server);
    d.expect(&["DBSIZE"], ":0\r\n");
    d.expect(&["SELECT", "15"], OK);
    d.expect(&["DBSIZE"], ":15\r\n");
}

// SWAPDB exchanges two databases for every client; swapping a db with itself is OK.
#[test]
fn swapdb_swaps_contents() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    let mut other = Conn::open(&server);
    c.expect(&["SET", "a", "db0"], OK);
    c.expect(&["SELECT", "1"], OK);
    c.expect(&["MSET", "b", "db1", "c", "db1"], OK);
    c.expect(&["SELECT", "0"], OK);
    other.expect(&["SELECT", "1"], OK);
    c.expect(&["SWAPDB", "0", "1"], OK);
    c.expect(&["DBSIZE"], ":2\r\n");
    c.expect(&["GET", "b"], &bulk("db1"));
    c.expect(&["GET", "a"], NIL);
    other.expect(&["DBSIZE"], ":1\r\n");
    other.expect(&["GET", "a"], &bulk("db0"));
    c.expect(&["SWAPDB", "0", "0"], OK);
    c.expect(&["DBSIZE"], ":2\r\n");
    c.expect(&["SWAPDB", "1", "0"], OK);
    c.expect(&["GET", "a"], &bulk("db0"));
    c.expect(&["SET", "ttl", "v", "EX", "100"], OK);
    c.expect(&["SWAPDB", "0", "15"], OK);
    c.expect(&["SELECT", "15"], OK);
    assert!(c.int(&["TTL", "ttl"]) > 0, "the TTL travels with the db");
}

// SWAPDB errors: 'invalid first/second DB index' for non-integers, 'DB index is out of range'.
#[test]
fn swapdb_errors() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    let first = "-ERR invalid first DB index\r\n";
    let second = "-ERR invalid second DB index\r\n";
    c.expect(&["SWAPDB", "x", "1"], first);
    c.expect(&["SWAPDB", "x", "y"], first);
    c.expect(&["SWAPDB", "1.5", "0"], first);
    c.expect(&["SWAPDB", "1", "x"], second);
    c.expect(&["SWAPDB", "0", "2147483648"], second);
    c.expect(&["SWAPDB", "0", "16"], DB_RANGE);
    c.expect(&["SWAPDB", "16", "0"], DB_RANGE);
    c.expect(&["SWAPDB", "-1", "0"], DB_RANGE);
    c.expect(&["SWAPDB", "0", "-1"], DB_RANGE);
    c.expect(&["SWAPDB", "0"], &arity("swapdb"));
    c.expect(&["SWAPDB", "0", "1", "2"], &arity("swapdb"));
}

// MOVE: 1 when moved (TTL kept), 0 if missing or present in the target; same db is an error.
#[test]
fn move_between_dbs() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SET", "k", "v", "EX", "100"], OK);
    c.expect(&["MOVE", "k", "1"], ":1\r\n");
    c.expect(&["EXISTS", "k"], ":0\r\n");
    c.expect(&["MOVE", "k", "1"], ":0\r\n");
    c.expect(&["SELECT", "1"], OK);
    c.expect(&["GET", "k"], &bulk("v"));
    assert!(c.int(&["TTL", "k"]) > 0, "MOVE keeps the TTL");
    c.expect(&["SELECT", "0"], OK);
    c.expect(&["SET", "k", "mine"], OK);
    c.expect(&["MOVE", "k", "1"], ":0\r\n");
    c.expect(&["GET", "k"], &bulk("mine"));
    c.expect(&["MOVE", "missing", "1"], ":0\r\n");
    // The same-db check comes before the key lookup.
    c.expect(&["MOVE", "k", "0"], SAME);
    c.expect(&["MOVE", "missing", "0"], SAME);
    c.expect(&["MOVE", "k", "16"], DB_RANGE);
    c.expect(&["MOVE", "k", "-1"], DB_RANGE);
    c.expect(&["MOVE", "k", "x"], NOT_INT);
    c.expect(&["MOVE", "k", "99999999999999999999"], NOT_INT);
    c.expect(&["MOVE", "k", "2147483648"], INT_RANGE);
    c.expect(&["MOVE", "k"], &arity("move"));
    c.expect(&["MOVE", "k", "1", "2"], &arity("move"));
}

// FLUSHDB empties the selected db, FLUSHALL all; ASYNC/SYNC any case; anything else is syntax.
#[test]
fn flushdb_and_flushall() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    let fill = |c: &mut Conn| {
        for db in ["0", "1"] {
            c.expect(&["SELECT", db], OK);
            c.expect(&["MSET", "a", "1", "b", "2"], OK);
        }
        c.expect(&["SELECT", "0"], OK);
    };
    for opt in [
        None,
        Some("ASYNC"),
        Some("SYNC"),
        Some("async"),
        Some("sync"),
    ] {
        fill(&mut c);
        let mut args = vec!["FLUSHDB"];
        args.extend(opt);
        c.expect(&args, OK);
        c.expect(&["DBSIZE"], ":0\r\n");
        c.expect(&["SELECT", "1"], OK);
        c.expect(&["DBSIZE"], ":2\r\n");
        c.expect(&["SELECT", "0"], OK);
        fill(&mut c);
        args[0] = "FLUSHALL";
        c.expect(&args, OK);
        c.expect(&["DBSIZE"], ":0\r\n");
        c.expect(&["SELECT", "1"], OK);
        c.expect(&["DBSIZE"], ":0\r\n");
        c.expect(&["SELECT", "0"], OK);
    }
    fill(&mut c);
    for cmd in ["FLUSHDB", "FLUSHALL"] {
        c.expect(&[cmd, "foo"], SYNTAX);
        c.expect(&[cmd, "ASYNC", "SYNC"], SYNTAX);
        c.expect(&[cmd, "SYNC", "extra"], SYNTAX);
    }
    c.expect(&["DBSIZE"], ":2\r\n");
}

// DEL/UNLINK take many keys and count each existing key once; arity 2+.
#[test]
fn del_and_unlink_many_keys() {
    let server = Server::start(&[]);
    let mut con = server.client();
    let names: Vec<String> = (0..1000).map(|i| format!("key:{i}")).collect();
    for cmd in ["DEL", "UNLINK"] {
        set_keys(&mut con, names.iter().cloned());
        let mut del = redis::cmd(cmd);
        del.arg(&names).arg("missing").arg("key:0").arg("key:999");
        let n: i64 = del.query(&mut con).expect(cmd);
        assert_eq!(n, 1000, "{cmd} of 1000 keys plus a missing one and repeats");
        let size: i64 = redis::cmd("DBSIZE").query(&mut con).expect("DBSIZE");
        assert_eq!(size, 0);
    }
    let mut c = Conn::open(&server);
    c.expect(&["MSET", "a", "1", "b", "2", "c", "3"], OK);
    c.expect(&["DEL", "a", "b", "missing", "a"], ":2\r\n");
    c.expect(&["UNLINK", "c", "c", "d"], ":1\r\n");
    c.expect(&["DEL", "a"], ":0\r\n");
    c.expect(&["DEL"], &arity("del"));
    c.expect(&["UNLINK"], &arity("unlink"));
}

// EXISTS counts every argument that names a live key, repeats included; TYPE string/none.
#[test]
fn exists_and_type() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["MSET", "a", "1", "b", "2"], OK);
    c.expect(&["EXISTS", "a"], ":1\r\n");
    c.expect(&["EXISTS", "a", "a", "b", "missing"], ":3\r\n");
    c.expect(&["EXISTS", "missing", "missing"], ":0\r\n");
    c.expect(&["EXISTS"], &arity("exists"));
    c.expect(&["TYPE", "a"], "+string\r\n");
    c.expect(&["SET", "n", "123"], OK);
    c.expect(&["TYPE", "n"], "+string\r\n");
    c.expect(&["TYPE", "missing"], "+none\r\n");
    c.expect(&["TYPE"], &arity("type"));
    c.expect(&["TYPE", "a", "b"], &arity("type"));
}

// KEYS glob: * ? [set] [^set] [a-z] and backslash escapes, case-sensitive; arity 2.
#[test]
fn keys_glob_patterns() {
    let server = Server::start(&[]);
    let mut con = server.client();
    let all = [
        "hello", "hallo", "hxllo", "hllo", "heeello", "hbllo", "h*llo", "h?llo", "h[a]llo",
        "Hello", "",
    ];
    set_keys(&mut con, all.iter().map(|s| s.to_string()));
    assert_eq!(keys(&mut con, "*"), sorted(&all));
    assert_eq!(
        keys(&mut con, "h?llo"),
        sorted(&["hello", "hallo", "hxllo", "hbllo", "h*llo", "h?llo"])
    );
    assert_eq!(
        keys(&mut con, "h*llo"),
        sorted(&[
            "hello", "hallo", "hxllo", "hllo", "heeello", "hbllo", "h*llo", "h?llo", "h[a]llo",
        ])
    );
    assert_eq!(keys(&mut con, "h[ae]llo"), sorted(&["hallo", "hello"]));
    assert_eq!(
        keys(&mut con, "h[^e]llo"),
        sorted(&["hallo", "hxllo", "hbllo", "h*llo", "h?llo"])
    );
    assert_eq!(keys(&mut con, "h[a-b]llo"), sorted(&["hallo", "hbllo"]));
    assert_eq!(keys(&mut con, r"h\*llo"), sorted(&["h*llo"]));
    assert_eq!(keys(&mut con, r"h\?llo"), sorted(&["h?llo"]));
    assert_eq!(keys(&mut con, r"h\[a]llo"), sorted(&["h[a]llo"]));
    assert_eq!(keys(&mut con, "[Hh]ello"), sorted(&["hello", "Hello"]));
    assert_eq!(keys(&mut con, "hello"), sorted(&["hello"]));
    assert_eq!(keys(&mut con, "HELLO"), sorted(&[]));
    assert_eq!(keys(&mut con, ""), sorted(&[""]));
    assert_eq!(keys(&mut con, "nomatch*"), sorted(&[]));
    let mut c = Conn::open(&server);
    c.expect(&["KEYS", "h[ae]llo", "x"], &arity("keys"));
    c.expect(&["KEYS"], &arity("keys"));
    c.expect(&["KEYS", "nomatch"], "*0\r\n");
}

// KEYS edge cases of stringmatchlen: reversed ranges, '!' is literal, unterminated '[' and more.
#[test]
fn keys_glob_edge_cases() {
    let server = Server::start(&[]);
    let mut con = server.client();
    let all = [
        "hello", "hallo", "hbllo", "h-llo", "h]llo", "ha", "h[", r"h\", r"a\b", "H", "h!llo",
    ];
    set_keys(&mut con, all.iter().map(|s| s.to_string()));
    // A range may be given high-low.
    assert_eq!(keys(&mut con, "h[b-a]llo"), sorted(&["hallo", "hbllo"]));
    // Only '^' negates; '!' is an ordinary member.
    assert_eq!(keys(&mut con, "h[!e]llo"), sorted(&["hello", "h!llo"]));
    // An escaped ']' inside a set.
    assert_eq!(keys(&mut con, r"h[\]]llo"), sorted(&["h]llo"]));
    // '-' first in a set is literal.
    assert_eq!(keys(&mut con, "h[-a]llo"), sorted(&["h-llo", "hallo"]));
    // An unterminated '[' ends at the end of the pattern.
    assert_eq!(keys(&mut con, "h[a"), sorted(&["ha"]));
    assert_eq!(keys(&mut con, "h["), sorted(&[]));
    // 'a-]' is a range that swallows the ']' and the rest of the pattern.
    assert_eq!(keys(&mut con, "h[a-]llo"), sorted(&["ha"]));
    // '[]' matches nothing; '[^]' matches any one byte.
    assert_eq!(keys(&mut con, "h[]llo"), sorted(&[]));
    assert_eq!(
        keys(&mut con, "h[^]llo"),
        sorted(&["hello", "hallo", "hbllo", "h-llo", "h]llo", "h!llo"])
    );
    // A trailing backslash matches a backslash; '\b' is just 'b'.
    assert_eq!(keys(&mut con, r"h\"), sorted(&[r"h\"]));
    assert_eq!(keys(&mut con, r"h\\"), sorted(&[r"h\"]));
    assert_eq!(keys(&mut con, r"a\b"), sorted(&[]));
    assert_eq!(keys(&mut con, r"a\\b"), sorted(&[r"a\b"]));
    assert_eq!(keys(&mut con, "?"), sorted(&["H"]));
    assert_eq!(keys(&mut con, "**"), sorted(&all));
}

// A full SCAN returns every one of 1,000 keys, whatever COUNT, and only live keys.
#[test]
fn scan_returns_every_key() {
    let server = Server::start(&[]);
    let mut con = server.client();
    let names: HashSet<String> = (0..1000).map(|i| format!("key:{i}")).collect();
    set_keys(&mut con, names.iter().cloned());
    for opts in [
        &[][..],
        &["COUNT", "1"],
        &["COUNT", "7"],
        &["COUNT", "1000"],
    ] {
        let seen = scan_all(&mut con, opts);
        assert_eq!(seen, names, "SCAN {opts:?}");
    }
    let (cursor, first) = scan_step(&mut con, 0, &["COUNT", "1"]);
    assert_ne!(
        cursor, 0,
        "COUNT 1 over 1,000 keys cannot finish in one call"
    );
    assert!(
        !first.is_empty() && first.len() < 100,
        "COUNT 1 gave {first:?}"
    );
    let mut c = Conn::open(&server);
    c.expect(&["FLUSHALL"], OK);
    c.expect(&["SCAN", "0"], "*2\r\n$1\r\n0\r\n*0\r\n");
}

// SCAN MATCH filters by glob, TYPE by type name (an unknown name matches nothing in 7.0).
#[test]
fn scan_match_count_type() {
    let server = Server::start(&[]);
    let mut con = server.client();
    let users: HashSet<String> = (0..100).map(|i| format!("user:{i}")).collect();
    let others: HashSet<String> = (0..50).map(|i| format!("other:{i}")).collect();
    set_keys(&mut con, users.iter().chain(&others).cloned());
    let all: HashSet<String> = users.union(&others).cloned().collect();
    assert_eq!(scan_all(&mut con, &["MATCH", "user:*"]), users);
    assert_eq!(
        scan_all(&mut con, &["match", "other:*", "count", "3"]),
        others
    );
    assert_eq!(
        scan_all(&mut con, &["MATCH", "user:1?"]),
        (10..20).map(|i| format!("user:{i}")).collect()
    );
    assert_eq!(scan_all(&mut con, &["TYPE", "string"]), all);
    assert_eq!(scan_all(&mut con, &["TYPE", "STRING"]), all);
    assert!(scan_all(&mut con, &["TYPE", "list"]).is_empty());
    assert!(scan_all(&mut con, &["TYPE", "nosuchtype"]).is_empty());
    assert_eq!(
        scan_all(
            &mut con,
            &["MATCH", "user:*", "COUNT", "10", "TYPE", "string"]
        ),
        users
    );
    // A repeated option: the last one counts.
    assert_eq!(
        scan_all(&mut con, &["MATCH", "user:*", "MATCH", "other:*"]),
        others
    );
    assert!(scan_all(&mut con, &["MATCH", "nomatch*"]).is_empty());
}

// SCAN errors: bad option/COUNT<1 'syntax error', non-number cursor 'invalid cursor'; arity 2+.
#[test]
fn scan_errors() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["MSET", "a", "1", "b", "2", "c", "3"], OK);
    for opts in [
        &["COUNT", "0"][..],
        &["COUNT", "-1"],
        &["COUNT"],
        &["MATCH"],
        &["TYPE"],
        &["foo"],
        &["foo", "bar"],
        &["COUNT", "10", "MATCH"],
    ] {
        let mut args = vec!["SCAN", "0"];
        args.extend_from_slice(opts);
        c.expect(&args, SYNTAX);
    }
    c.expect(&["SCAN", "0", "COUNT", "x"], NOT_INT);
    c.expect(&["SCAN", "0", "COUNT", "1.5"], NOT_INT);
    let invalid = "-ERR invalid cursor\r\n";
    for cursor in [
        "x",
        "1.5",
        " 1",
        "1 ",
        "18446744073709551616",
        "0x10",
        "1e3",
    ] {
        c.expect(&["SCAN", cursor], invalid);
    }
    // The cursor is parsed with strtoul: an empty string is 0; a leading zero, '+' or '-' is fine.
    let full = c.call(&["SCAN", "0"]);
    c.expect(&["SCAN", ""], &full);
    for cursor in ["00", "01", "+1", "-1", "18446744073709551615"] {
        let reply = c.call(&["SCAN", cursor]);
        assert!(reply.starts_with("*2\r\n$"), "SCAN {cursor}: {reply:?}");
    }
    c.expect(
        &["SCAN", "0", "MATCH", "a"],
        "*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n",
    );
    c.expect(&["SCAN"], &arity("scan"));
}

// SCAN guarantee while the table grows: 5,000 keys added mid-scan, 2,000 of them removed again.
#[test]
fn scan_guarantee_while_table_grows() {
    let server = Server::start(&[]);
    let mut con = server.client();
    let original: Vec<String> = (0..5000).map(|i| format!("orig:{i}")).collect();
    set_keys(&mut con, original.iter().cloned());
    let mut seen = HashSet::new();
    let (mut cursor, mut added, mut deleted) = (0u64, 0, 0);
    for _ in 0..1_000_000 {
        let (next, keys) = scan_step(&mut con, cursor, &["COUNT", "10"]);
        seen.extend(keys);
        cursor = next;
        if cursor == 0 {
            break;
        }
        if added < 5000 {
            set_keys(&mut con, (added..added + 100).map(|i| format!("new:{i}")));
            added += 100;
        } else if deleted < 2000 {
            del_keys(
                &mut con,
                (deleted..deleted + 50).map(|i| format!("new:{i}")),
            );
            deleted += 50;
        }
    }
    assert_eq!(cursor, 0, "SCAN never finished");
    assert_eq!(
        (added, deleted),
        (5000, 2000),
        "the scan ended before all writes were made"
    );
    let missed: Vec<&String> = original.iter().filter(|k| !seen.contains(*k)).collect();
    assert!(
        missed.is_empty(),
        "SCAN missed {} keys: {missed:?}",
        missed.len()
    );
}

// SCAN guarantee while the table shrinks: most keys deleted mid-scan, then cron gets to run.
#[test]
fn scan_guarantee_while_table_shrinks() {
    let server = Server::start(&[]);
    let mut con = server.client();
    let kept: Vec<String> = (0..100).map(|i| format!("keep:{i}")).collect();
    let dropped: Vec<String> = (0..4900).map(|i| format!("drop:{i}")).collect();
    set_keys(&mut con, kept.iter().chain(&dropped).cloned());
    let mut seen = HashSet::new();
    let mut cursor = 0u64;
    for _ in 0..20 {
        let (next, keys) = scan_step(&mut con, cursor, &["COUNT", "10"]);
        seen.extend(keys);
        cursor = next;
    }
    assert_ne!(cursor, 0, "20 SCAN calls of COUNT 10 finished 5,000 keys");
    del_keys(&mut con, dropped);
    // Resizing happens in cron: wait until cron has expired a short-lived
    // key, which means at least one cron pass ran after the deletes.
    let () = redis::cmd("SET")
        .arg("sentinel")
        .arg("v")
        .arg("PX")
        .arg(100)
        .query(&mut con)
        .expect("SET sentinel");
    let cron_ran = wait_until(DEADLINE, || {
        let n: i64 = redis::cmd("DBSIZE").query(&mut con).expect("DBSIZE");
        n == 100
    });
    assert!(cron_ran, "the sentinel key was never actively expired");
    for _ in 0..1_000_000 {
        let (next, keys) = scan_step(&mut con, cursor, &["COUNT", "10"]);
        seen.extend(keys);
        cursor = next;
        if cursor == 0 {
            break;
        }
    }
    assert_eq!(cursor, 0, "SCAN never finished");
    let missed: Vec<&String> = kept.iter().filter(|k| !seen.contains(*k)).collect();
    assert!(
        missed.is_empty(),
        "SCAN missed {} keys: {missed:?}",
        missed.len()
    );
}

// RANDOMKEY: nil on an empty db ('_' in RESP3), otherwise some existing key; arity 1.
#[test]
fn randomkey() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["RANDOMKEY"], NIL);
    c.expect(&["SET", "only", "v"], OK);
    c.expect(&["RANDOMKEY"], &bulk("only"));
    c.expect(&["MSET", "a", "1", "b", "2"], OK);
    let mut got = HashSet::new();
    for _ in 0..200 {
        let reply = c.call(&["RANDOMKEY"]);
        assert!(
            [bulk("only"), bulk("a"), bulk("b")].contains(&reply),
            "RANDOMKEY gave {reply:?}"
        );
        got.insert(reply);
    }
    assert!(
        got.len() > 1,
        "200 RANDOMKEYs over 3 keys always gave {got:?}"
    );
    c.expect(&["RANDOMKEY", "x"], &arity("randomkey"));
    c.expect(&["FLUSHDB"], OK);
    let hello = c.call(&["HELLO", "3"]);
    assert!(hello.starts_with("%7\r\n"), "HELLO 3: {hello:?}");
    c.expect(&["RANDOMKEY"], "_\r\n");
}

// RENAME overwrites, RENAMENX refuses (0) if the target exists; missing source 'no such key'.
#[test]
fn rename_and_renamenx() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["RENAME", "missing", "b"], NO_SUCH_KEY);
    c.expect(&["RENAME", "missing", "missing"], NO_SUCH_KEY);
    c.expect(&["RENAMENX", "missing", "b"], NO_SUCH_KEY);
    c.expect(&["RENAMENX", "missing", "missing"], NO_SUCH_KEY);
    c.expect(&["SET", "a", "1"], OK);
    // Renaming a key to itself: RENAME is OK, RENAMENX is 0.
    c.expect(&["RENAME", "a", "a"], OK);
    c.expect(&["RENAMENX", "a", "a"], ":0\r\n");
    c.expect(&["GET", "a"], &bulk("1"));
    c.expect(&["RENAME", "a", "b"], OK);
    c.expect(&["EXISTS", "a"], ":0\r\n");
    c.expect(&["GET", "b"], &bulk("1"));
    c.expect(&["SET", "c", "3"], OK);
    c.expect(&["RENAMENX", "b", "c"], ":0\r\n");
    c.expect(&["GET", "b"], &bulk("1"));
    c.expect(&["GET", "c"], &bulk("3"));
    c.expect(&["RENAMENX", "b", "d"], ":1\r\n");
    c.expect(&["EXISTS", "b"], ":0\r\n");
    c.expect(&["RENAME", "d", "c"], OK);
    c.expect(&["GET", "c"], &bulk("1"));
    c.expect(&["DBSIZE"], ":1\r\n");
    c.expect(&["SET", "n", "12345"], OK);
    c.expect(&["RENAME", "n", "m"], OK);
    c.expect(&["OBJECT", "ENCODING", "m"], &bulk("int"));
    c.expect(&["RENAME", "c"], &arity("rename"));
    c.expect(&["RENAMENX", "c"], &arity("renamenx"));
    c.expect(&["RENAME", "c", "d", "e"], &arity("rename"));
}

// COPY: 1 when copied (TTL too), 0 if the target exists unless REPLACE; DB n; same key an error.
#[test]
fn copy_command() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["COPY", "missing", "x"], ":0\r\n");
    c.expect(&["SET", "h", "v", "EX", "100"], OK);
    c.expect(&["COPY", "h", "h2"], ":1\r\n");
    c.expect(&["GET", "h2"], &bulk("v"));
    assert!(c.int(&["TTL", "h2"]) > 0, "COPY copies the TTL");
    c.expect(&["SET", "h", "changed"], OK);
    c.expect(&["GET", "h2"], &bulk("v"));
    c.expect(&["COPY", "h", "h2"], ":0\r\n");
    c.expect(&["GET", "h2"], &bulk("v"));
    c.expect(&["COPY", "h", "h2", "REPLACE"], ":1\r\n");
    c.expect(&["GET", "h2"], &bulk("changed"));
    c.expect(&["TTL", "h2"], ":-1\r\n");
    c.expect(&["COPY", "h", "h", "DB", "1"], ":1\r\n");
    c.expect(&["COPY", "h", "h", "DB", "1"], ":0\r\n");
    c.expect(&["COPY", "h", "h", "db", "1", "replace"], ":1\r\n");
    c.expect(&["SELECT", "1"], OK);
    c.expect(&["GET", "h"], &bulk("changed"));
    c.expect(&["SELECT", "0"], OK);
    // Repeated options are accepted; the last DB wins.
    c.expect(&["COPY", "h", "x", "DB", "1", "DB", "2"], ":1\r\n");
    c.expect(
        &["COPY", "h", "x", "REPLACE", "REPLACE", "DB", "2"],
        ":1\r\n",
    );
    c.expect(&["SELECT", "2"], OK);
    c.expect(&["GET", "x"], &bulk("changed"));
    c.expect(&["SELECT", "0"], OK);
    c.expect(&["EXISTS", "x"], ":0\r\n");
    c.expect(&["COPY", "h", "h"], SAME);
    c.expect(&["COPY", "h", "h", "DB", "0"], SAME);
    c.expect(&["COPY", "missing", "missing"], SAME);
    c.expect(&["COPY", "h", "h2", "DB", "16"], DB_RANGE);
    c.expect(&["COPY", "h", "h2", "DB", "-1"], DB_RANGE);
    c.expect(&["COPY", "h", "h2", "DB", "x"], NOT_INT);
    c.expect(&["COPY", "h", "h2", "DB", "2147483648"], INT_RANGE);
    c.expect(&["COPY", "h", "h2", "DB"], SYNTAX);
    c.expect(&["COPY", "h", "h2", "foo"], SYNTAX);
    c.expect(&["COPY", "h"], &arity("copy"));
    c.expect(&["SET", "n", "12345"], OK);
    c.expect(&["COPY", "n", "n2"], ":1\r\n");
    c.expect(&["OBJECT", "ENCODING", "n2"], &bulk("int"));
}

// TOUCH replies how many of its arguments exist, repeats counted; arity 2+.
#[test]
fn touch_counts_existing() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["TOUCH", "missing"], ":0\r\n");
    c.expect(&["MSET", "a", "1", "b", "2"], OK);
    c.expect(&["TOUCH", "a", "b", "missing", "a"], ":3\r\n");
    c.expect(&["TOUCH"], &arity("touch"));
}

// OBJECT subcommands: nil for a missing key, FREQ's LFU error, HELP text, subcommand errors.
#[test]
fn object_subcommands() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    for sub in ["ENCODING", "REFCOUNT", "IDLETIME", "FREQ", "encoding"] {
        c.expect(&["OBJECT", sub, "missing"], NIL);
    }
    c.expect(&["SET", "k", "abc"], OK);
    c.expect(&["OBJECT", "ENCODING", "k"], &bulk("embstr"));
    c.expect(&["OBJECT", "REFCOUNT", "k"], ":1\r\n");
    assert!(
        c.int(&["OBJECT", "IDLETIME", "k"]) <= 1,
        "a fresh key is not idle"
    );
    c.expect(
        &["OBJECT", "FREQ", "k"],
        "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. \
         Please note that when switching between policies at runtime LRU and LFU data \
         will take some time to adjust.\r\n",
    );
    // The help prose is ferrodis's own; the frame is Redis's: status lines,
    // a title, one entry per subcommand, HELP last.
    let help = c.call(&["OBJECT", "HELP"]);
    assert!(
        help.contains("\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"),
        "{help}"
    );
    for sub in [
        "+ENCODING <key>",
        "+FREQ <key>",
        "+IDLETIME <key>",
        "+REFCOUNT <key>",
        "+HELP",
    ] {
        assert!(
            help.contains(&format!("{sub}\r\n")),
            "missing {sub} in {help}"
        );
    }
    let lines = help.split("\r\n").skip(1).filter(|l| !l.is_empty()).count();
    assert_eq!(
        help[1..help.find('\r').expect("header")]
            .parse::<usize>()
            .ok(),
        Some(lines)
    );
    c.expect(&["OBJECT"], &arity("object"));
    c.expect(&["OBJECT", "ENCODING"], &arity("object|encoding"));
    c.expect(&["OBJECT", "ENCODING", "a", "b"], &arity("object|encoding"));
    c.expect(&["OBJECT", "IDLETIME"], &arity("object|idletime"));
    c.expect(&["OBJECT", "REFCOUNT"], &arity("object|refcount"));
    c.expect(&["OBJECT", "FREQ", "k", "x"], &arity("object|freq"));
    c.expect(&["OBJECT", "HELP", "x"], &arity("object|help"));
    let unknown = "-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n";
    c.expect(&["OBJECT", "foo"], unknown);
    c.expect(&["OBJECT", "foo", "k"], unknown);
}

// OBJECT REFCOUNT: integers 0..9999 are shared objects (refcount INT_MAX), other values 1.
#[test]
fn object_refcount_shared_integers() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    for (value, refcount) in [
        ("0", 2147483647),
        ("9999", 2147483647),
        ("10000", 1),
        ("-1", 1),
        ("123456", 1),
        ("abc", 1),
    ] {
        c.expect(&["SET", "k", value], OK);
        c.expect(&["OBJECT", "REFCOUNT", "k"], &int(refcount));
    }
    c.expect(&["INCR", "i"], ":1\r\n");
    c.expect(&["OBJECT", "REFCOUNT", "i"], &int(2147483647));
}

// OBJECT IDLETIME grows while a key is untouched; GET/TOUCH reset it, EXISTS/TYPE/(P)TTL do not.
#[test]
fn object_idletime_grows_and_resets() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["MSET", "a", "1", "b", "2"], OK);
    // The LRU clock ticks once a second, so a fresh access reads 0 or, if a
    // tick falls in between, 1. Wait for 2 so a reset is unmistakable.
    assert!(c.int(&["OBJECT", "IDLETIME", "a"]) <= 1);
    let idle = wait_until(DEADLINE, || {
        c.int(&["OBJECT", "IDLETIME", "a"]) >= 2 && c.int(&["OBJECT", "IDLETIME", "b"]) >= 2
    });
    assert!(idle, "OBJECT IDLETIME never reached 2");
    c.expect(&["EXISTS", "a"], ":1\r\n");
    c.expect(&["TYPE", "a"], "+string\r\n");
    c.expect(&["TTL", "a"], ":-1\r\n");
    c.expect(&["PTTL", "a"], ":-1\r\n");
    c.expect(&["OBJECT", "ENCODING", "a"], &bulk("int"));
    assert!(
        c.int(&["OBJECT", "IDLETIME", "a"]) >= 2,
        "EXISTS/TYPE/TTL/PTTL/OBJECT must not touch"
    );
    c.expect(&["TOUCH", "a"], ":1\r\n");
    assert!(c.int(&["OBJECT", "IDLETIME", "a"]) <= 1, "TOUCH resets");
    c.expect(&["GET", "b"], &bulk("2"));
    assert!(c.int(&["OBJECT", "IDLETIME", "b"]) <= 1, "GET resets");
}
