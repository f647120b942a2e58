//! Sorted-set commands (t_zset.c) checked against what Redis 7.0.15 sends:
//! ZADD and its options, ZINCRBY, ZREM, ZSCORE, ZMSCORE, ZCARD, ZCOUNT,
//! ZRANK, ZREVRANK, ZRANGE (by rank, score and lex, REV, LIMIT,
//! WITHSCORES), ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX,
//! ZREVRANGEBYLEX, ZLEXCOUNT, ZPOPMIN, ZPOPMAX, ZREMRANGEBYRANK/SCORE/LEX,
//! ZRANGESTORE, ZMPOP, ZUNION/ZINTER/ZDIFF (+STORE) with WEIGHTS and
//! AGGREGATE, ZINTERCARD, ZRANDMEMBER, ZSCAN; score formatting in RESP2 and RESP3; WRONGTYPE; the
//! deletion of an emptied set; the listpack → skiplist conversion at
//! `zset-max-listpack-entries` / `zset-max-listpack-value`; ranks on a
//! large set compared with a live redis-server; COMMAND INFO equal to
//! Redis's.
//!
//! Every expectation here was checked with `FERRODIS_TEST_TARGET=redis`.

mod common;

use common::{Conn, Server};

const NIL: &str = "$-1\r\n";
const OK: &str = "+OK\r\n";
const SYNTAX: &str = "-ERR syntax error\r\n";
const NOT_FLOAT: &str = "-ERR value is not a valid float\r\n";
const MINMAX: &str = "-ERR min or max is not a float\r\n";
const WRONGTYPE: &str = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

/// A bulk string reply.
fn bulk(s: &str) -> String {
    format!("${}\r\n{s}\r\n", s.len())
}

/// An integer reply.
fn int(n: i64) -> String {
    format!(":{n}\r\n")
}

/// `-ERR wrong number of arguments for '<cmd>' command`.
fn arity(cmd: &str) -> String {
    format!("-ERR wrong number of arguments for '{cmd}' command\r\n")
}

/// A small deterministic generator for the random workloads.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

// ZADD adds and updates, counts only new members unless CH, and keeps the
// order of score then member bytes.
#[test]
fn zadd_basic_and_scores() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["ZADD", "z", "1", "a", "2", "b", "3", "c"], &int(3));
    c.expect(&["ZADD", "z", "1", "a", "5", "b", "4", "d"], &int(1));
    c.expect(&["ZADD", "z", "CH", "1", "a", "6", "b", "7", "e"], &int(2));
    c.expect(&["ZCARD", "z"], &int(5));
    c.expect(&["ZSCORE", "z", "b"], &bulk("6"));
    c.expect(&["ZSCORE", "z", "nope"], NIL);
    c.expect(&["ZSCORE", "nokey", "a"], NIL);
    c.expect(&["ZADD", "f", "0.1", "x", "1e3", "y", "-0", "w"], &int(3));
    c.expect(&["ZSCORE", "f", "x"], &bulk("0.10000000000000001"));
    c.expect(&["ZSCORE", "f", "y"], &bulk("1000"));
    // A listpack keeps -0 as 0; a skiplist keeps the sign.
    c.expect(&["ZSCORE", "f", "w"], &bulk("0"));
    c.expect(
        &["ZADD", "f", "inf", "i", "-inf", "j", "+inf", "k"],
        &int(3),
    );
    c.expect(&["ZSCORE", "f", "i"], &bulk("inf"));
    c.expect(&["ZSCORE", "f", "j"], &bulk("-inf"));
    c.expect(&["ZSCORE", "f", "k"], &bulk("inf"));
    c.expect(&["ZADD", "f", "1.5e300", "big"], &int(1));
    c.expect(&["ZSCORE", "f", "big"], &bulk("1.5000000000000001e+300"));
    // Equal scores order by member bytes.
    c.expect(
        &["ZADD", "t", "1", "b", "1", "a", "1", "c", "0", "z"],
        &int(4),
    );
    c.expect(&["ZRANK", "t", "z"], &int(0));
    c.expect(&["ZRANK", "t", "a"], &int(1));
    c.expect(&["ZRANK", "t", "c"], &int(3));
    c.expect(&["ZREVRANK", "t", "c"], &int(0));
    c.expect(&["ZREVRANK", "t", "z"], &int(3));
    c.expect(&["ZRANK", "t", "nope"], NIL);
    c.expect(&["ZREVRANK", "nokey", "a"], NIL);
    c.expect(
        &["ZMSCORE", "z", "a", "nope", "e"],
        "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n7\r\n",
    );
    c.expect(&["ZMSCORE", "nokey", "a", "b"], "*2\r\n$-1\r\n$-1\r\n");
}

// NX, XX, GT, LT, CH and INCR, alone and together, and their conflicts.
#[test]
fn zadd_options() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["ZADD", "z", "XX", "1", "a"], &int(0));
    c.expect(&["EXISTS", "z"], &int(0));
    c.expect(&["ZADD", "z", "XX", "INCR", "1", "a"], NIL);
    c.expect(&["ZADD", "z", "NX", "1", "a"], &int(1));
    c.expect(&["ZADD", "z", "NX", "5", "a", "2", "b"], &int(1));
    c.expect(&["ZSCORE", "z", "a"], &bulk("1"));
    c.expect(&["ZADD", "z", "XX", "CH", "5", "a", "3", "c"], &int(1));
    c.expect(&["ZSCORE", "z", "a"], &bulk("5"));
    c.expect(&["ZSCORE", "z", "c"], NIL);
    c.expect(&["ZADD", "z", "GT", "CH", "4", "a", "3", "b"], &int(1));
    c.expect(&["ZSCORE", "z", "a"], &bulk("5"));
    c.expect(&["ZSCORE", "z", "b"], &bulk("3"));
    c.expect(
        &["ZADD", "z", "LT", "CH", "4", "a", "9", "b", "1", "n"],
        &int(2),
    );
    c.expect(&["ZSCORE", "z", "a"], &bulk("4"));
    c.expect(&["ZSCORE", "z", "b"], &bulk("3"));
    c.expect(
        &["ZADD", "z", "xx", "gt", "ch", "10", "a", "1", "q"],
        &int(1),
    );
    c.expect(&["ZSCORE", "z", "q"], NIL);
    c.expect(&["ZADD", "z", "INCR", "2.5", "a"], &bulk("12.5"));
    c.expect(&["ZADD", "z", "INCR", "1", "new"], &bulk("1"));
    c.expect(&["ZADD", "z", "NX", "INCR", "1", "a"], NIL);
    c.expect(&["ZADD", "z", "GT", "INCR", "-1", "a"], NIL);
    c.expect(&["ZADD", "z", "LT", "INCR", "-1", "a"], &bulk("11.5"));
    c.expect(&["ZADD", "z", "INCR", "0", "a"], &bulk("11.5"));
    c.expect(
        &["ZADD", "z", "NX", "XX", "1", "a"],
        "-ERR XX and NX options at the same time are not compatible\r\n",
    );
    let gtltnx = "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n";
    c.expect(&["ZADD", "z", "GT", "LT", "1", "a"], gtltnx);
    c.expect(&["ZADD", "z", "NX", "GT", "1", "a"], gtltnx);
    c.expect(&["ZADD", "z", "LT", "NX", "1", "a"], gtltnx);
    c.expect(
        &["ZADD", "z", "INCR", "1", "a", "2", "b"],
        "-ERR INCR option supports a single increment-element pair\r\n",
    );
    // The shape is checked before the options, the options before scores.
    c.expect(&["ZADD", "z", "NX", "XX", "1"], SYNTAX);
    c.expect(&["ZADD", "z", "1", "a", "2"], SYNTAX);
    c.expect(&["ZADD", "z", "INCR", "x", "a"], NOT_FLOAT);
    c.expect(
        &["ZADD", "z", "NX", "XX", "x", "a"],
        "-ERR XX and NX options at the same time are not compatible\r\n",
    );
    c.expect(&["ZADD", "z", "FOO", "1", "a"], SYNTAX);
    c.expect(&["ZADD", "z", "1"], &arity("zadd"));
}

// Scores that are not floats are refused before anything changes.
#[test]
fn zadd_bad_scores_change_nothing() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    for bad in ["nan", "abc", "", " 1", "1 ", "1x", "--1"] {
        c.expect(&["ZADD", "z", "1", "a", bad, "b"], NOT_FLOAT);
    }
    c.expect(&["EXISTS", "z"], &int(0));
    c.expect(&["ZADD", "z", "inf", "a"], &int(1));
    c.expect(
        &["ZADD", "z", "INCR", "-inf", "a"],
        "-ERR resulting score is not a number (NaN)\r\n",
    );
    c.expect(
        &["ZINCRBY", "z", "-inf", "a"],
        "-ERR resulting score is not a number (NaN)\r\n",
    );
    c.expect(&["ZSCORE", "z", "a"], &bulk("inf"));
}

// ZINCRBY creates the key and the member, and refuses a non-float.
#[test]
fn zincrby() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["ZINCRBY", "z", "2", "a"], &bulk("2"));
    c.expect(&["ZINCRBY", "z", "0.5", "a"], &bulk("2.5"));
    c.expect(&["ZINCRBY", "z", "-10", "a"], &bulk("-7.5"));
    c.expect(&["ZINCRBY", "z", "x", "a"], NOT_FLOAT);
    c.expect(&["ZINCRBY", "z", "1"], &arity("zincrby"));
    c.expect(&["ZINCRBY", "z", "0.1", "b"], &bulk("0.10000000000000001"));
    c.expect(&["ZINCRBY", "z", "0.2", "b"], &bulk("0.30000000000000004"));
}

// ZREM counts what it removed and deletes the key when the set empties.
#[test]
fn zrem_and_empty_deletion() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["ZREM", "z", "a"], &int(0));
    c.expect(&["ZADD", "z", "1", "a", "2", "b", "3", "c"], &int(3));
    c.expect(&["ZREM", "z", "a", "x", "a"], &int(1));
    c.expect(&["ZCARD", "z"], &int(2));
    c.expect(&["ZREM", "z", "b", "c", "d"], &int(2));
    c.expect(&["EXISTS", "z"], &int(0));
    c.expect(&["ZCARD", "z"], &int(0));
    c.expect(&["ZREM", "z"], &arity("zrem"));
    // The same in the skiplist encoding.
    let mut args: Vec<String> = vec!["ZADD".into(), "big".into()];
    for i in 0..200 {
        args.push(i.to_string());
        args.push(format!("m{i}"));
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    c.expect(&refs, &int(200));
    c.expect(&["OBJECT", "ENCODING", "big"], &bulk("skiplist"));
    let mut rem: Vec<String> = vec!["ZREM".into(), "big".into()];
    rem.extend((0..200).map(|i| format!("m{i}")));
    let refs: Vec<&str> = rem.iter().map(String::as_str).collect();
    c.expect(&refs, &int(200));
    c.expect(&["EXISTS", "big"], &int(0));
}

// ZCOUNT with inclusive, exclusive and infinite bounds, and its errors.
#[test]
fn zcount_ranges() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["ZCOUNT", "z", "0", "1"], &int(0));
    c.expect(
        &[
            "ZADD", "z", "-inf", "n", "1", "a", "2", "b", "2", "c", "3", "d", "inf", "p",
        ],
        &int(6),
    );
    c.expect(&["ZCOUNT", "z", "-inf", "+inf"], &int(6));
    c.expect(&["ZCOUNT", "z", "(-inf", "(inf"], &int(4));
    c.expect(&["ZCOUNT", "z", "1", "2"], &int(3));
    c.expect(&["ZCOUNT", "z", "(1", "2"], &int(2));
    c.expect(&["ZCOUNT", "z", "1", "(2"], &int(1));
    c.expect(&["ZCOUNT", "z", "(2", "(2"], &int(0));
    c.expect(&["ZCOUNT", "z", "2", "2"], &int(2));
    c.expect(&["ZCOUNT", "z", "3", "1"], &int(0));
    c.expect(&["ZCOUNT", "z", "x", "1"], MINMAX);
    c.expect(&["ZCOUNT", "z", "1", "(x"], MINMAX);
    c.expect(&["ZCOUNT", "z", "nan", "1"], MINMAX);
    // strtod's leniency: an empty bound is 0, leading spaces are skipped.
    c.expect(&["ZCOUNT", "z", "(", "1"], &int(1));
    c.expect(&["ZCOUNT", "z", "", " 1"], &int(1));
    c.expect(&["ZCOUNT", "z", "1 ", "2"], MINMAX);
    c.expect(&["ZCOUNT", "z", " ", "2"], MINMAX);
    c.expect(&["ZCOUNT", "nokey", "x", "1"], MINMAX);
    c.expect(&["ZCOUNT", "z", "1"], &arity("zcount"));
}

// Every command answers WRONGTYPE on a string, and a zset is WRONGTYPE to
// a string command.
#[test]
fn wrongtype() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SET", "s", "v"], OK);
    c.expect(&["ZADD", "s", "1", "a"], WRONGTYPE);
    c.expect(&["ZADD", "s", "XX", "1", "a"], WRONGTYPE);
    c.expect(&["ZINCRBY", "s", "1", "a"], WRONGTYPE);
    c.expect(&["ZREM", "s", "a"], WRONGTYPE);
    c.expect(&["ZSCORE", "s", "a"], WRONGTYPE);
    c.expect(&["ZMSCORE", "s", "a"], WRONGTYPE);
    c.expect(&["ZCARD", "s"], WRONGTYPE);
    c.expect(&["ZCOUNT", "s", "0", "1"], WRONGTYPE);
    c.expect(&["ZRANK", "s", "a"], WRONGTYPE);
    c.expect(&["ZREVRANK", "s", "a"], WRONGTYPE);
    // Argument errors come first.
    c.expect(&["ZADD", "s", "x", "a"], NOT_FLOAT);
    c.expect(&["ZCOUNT", "s", "x", "1"], MINMAX);
    c.expect(&["ZADD", "z", "1", "a"], &int(1));
    c.expect(&["GET", "z"], WRONGTYPE);
    c.expect(&["TYPE", "z"], "+zset\r\n");
}

// RESP3 sends scores as doubles and misses as nulls.
#[test]
fn resp3_doubles() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.call(&["HELLO", "3"]);
    c.expect(&["ZADD", "z", "1.5", "a", "inf", "b", "-inf", "c"], &int(3));
    c.expect(&["ZSCORE", "z", "a"], ",1.5\r\n");
    c.expect(&["ZSCORE", "z", "b"], ",inf\r\n");
    c.expect(&["ZSCORE", "z", "c"], ",-inf\r\n");
    c.expect(&["ZSCORE", "z", "x"], "_\r\n");
    c.expect(&["ZRANK", "z", "x"], "_\r\n");
    c.expect(&["ZMSCORE", "z", "a", "x"], "*2\r\n,1.5\r\n_\r\n");
    c.expect(&["ZINCRBY", "z", "1", "a"], ",2.5\r\n");
    c.expect(&["ZADD", "z", "NX", "INCR", "1", "a"], "_\r\n");
}

// A listpack holds up to zset-max-listpack-entries members of at most
// zset-max-listpack-value bytes; one more converts it, and it stays a
// skiplist when members leave.
#[test]
fn encoding_conversion() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    for i in 0..128 {
        c.expect(&["ZADD", "z", &i.to_string(), &format!("m{i}")], &int(1));
    }
    c.expect(&["OBJECT", "ENCODING", "z"], &bulk("listpack"));
    c.expect(&["ZADD", "z", "1000", "extra"], &int(1));
    c.expect(&["OBJECT", "ENCODING", "z"], &bulk("skiplist"));
    c.expect(&["ZREM", "z", "extra", "m1", "m2"], &int(3));
    c.expect(&["OBJECT", "ENCODING", "z"], &bulk("skiplist"));
    c.expect(&["ZRANK", "z", "m3"], &int(1));

    let m64 = "x".repeat(64);
    let m65 = "y".repeat(65);
    c.expect(&["ZADD", "v", "1", &m64], &int(1));
    c.expect(&["OBJECT", "ENCODING", "v"], &bulk("listpack"));
    c.expect(&["ZADD", "v", "2", &m65], &int(1));
    c.expect(&["OBJECT", "ENCODING", "v"], &bulk("skiplist"));
    c.expect(&["ZADD", "w", "1", &m65], &int(1));
    c.expect(&["OBJECT", "ENCODING", "w"], &bulk("skiplist"));

    // A new key created for more pairs than the limit starts as a skiplist.
    let mut args: Vec<String> = vec!["ZADD".into(), "n".into()];
    for i in 0..129 {
        args.push(i.to_string());
        args.push(format!("m{i}"));
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    c.expect(&refs, &int(129));
    c.expect(&["OBJECT", "ENCODING", "n"], &bulk("skiplist"));
    args.truncate(2 + 2 * 128);
    args[1] = "p".into();
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    c.expect(&refs, &int(128));
    c.expect(&["OBJECT", "ENCODING", "p"], &bulk("listpack"));
}

// The limits follow CONFIG SET.
#[test]
fn encoding_follows_config() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["CONFIG", "SET", "zset-max-listpack-entries", "2"], OK);
    c.expect(&["ZADD", "z", "1", "a", "2", "b"], &int(2));
    c.expect(&["OBJECT", "ENCODING", "z"], &bulk("listpack"));
    c.expect(&["ZADD", "z", "3", "c"], &int(1));
    c.expect(&["OBJECT", "ENCODING", "z"], &bulk("skiplist"));
    c.expect(&["CONFIG", "SET", "zset-max-listpack-entries", "0"], OK);
    c.expect(&["ZADD", "y", "1", "a"], &int(1));
    c.expect(&["OBJECT", "ENCODING", "y"], &bulk("skiplist"));
    c.expect(&["ZADD", "y", "-0", "zero"], &int(1));
    c.expect(&["ZSCORE", "y", "zero"], &bulk("-0"));
    c.expect(&["CONFIG", "SET", "zset-max-listpack-value", "3"], OK);
    c.expect(&["CONFIG", "SET", "zset-max-listpack-entries", "128"], OK);
    c.expect(&["ZADD", "x", "1", "abc"], &int(1));
    c.expect(&["OBJECT", "ENCODING", "x"], &bulk("listpack"));
    c.expect(&["ZADD", "x", "1", "abcd"], &int(1));
    c.expect(&["OBJECT", "ENCODING", "x"], &bulk("skiplist"));
}

// Random adds, increments and removals on a set of a few thousand members
// give the same replies, ranks included, as a live redis-server.
#[test]
fn ranks_match_redis_on_a_large_set() {
    let ours = Server::start(&[]);
    let redis = Server::start_redis(&[]);
    let mut a = Conn::open(&ours);
    let mut b = Conn::open(&redis);
    let mut rng = Lcg(42);
    for step in 0..6000 {
        let m = format!("member:{}", rng.below(3000));
        let s = (rng.below(2000) as i64 - 1000).to_string();
        let args: Vec<String> = match rng.below(10) {
            0..=3 => vec!["ZADD".into(), "z".into(), s, m],
            4 => vec!["ZINCRBY".into(), "z".into(), "0.25".into(), m],
            5 => vec!["ZREM".into(), "z".into(), m],
            6 => vec!["ZRANK".into(), "z".into(), m],
            7 => vec!["ZREVRANK".into(), "z".into(), m],
            8 => vec!["ZCOUNT".into(), "z".into(), format!("({s}"), "500".into()],
            _ => vec!["ZSCORE".into(), "z".into(), m],
        };
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_eq!(a.call(&refs), b.call(&refs), "step {step}: {args:?}");
    }
    assert_eq!(a.call(&["ZCARD", "z"]), b.call(&["ZCARD", "z"]));
    assert_eq!(
        a.call(&["OBJECT", "ENCODING", "z"]),
        b.call(&["OBJECT", "ENCODING", "z"])
    );
    // Every member's rank, both ways.
    for i in 0..3000 {
        let m = format!("member:{i}");
        for cmd in ["ZRANK", "ZREVRANK"] {
            assert_eq!(
                a.call(&[cmd, "z", &m]),
                b.call(&[cmd, "z", &m]),
                "{cmd} {m}"
            );
        }
    }
}

// COMMAND INFO of every command equals redis-server's.
#[test]
fn command_info_matches_redis() {
    let ours = Server::start(&[]);
    let redis = Server::start_redis(&[]);
    let mut a = Conn::open(&ours);
    let mut b = Conn::open(&redis);
    for name in [
        "zadd",
        "zincrby",
        "zrem",
        "zscore",
        "zmscore",
        "zcard",
        "zcount",
        "zrank",
        "zrevrank",
        "zrange",
        "zrevrange",
        "zrangebyscore",
        "zrevrangebyscore",
        "zrangebylex",
        "zrevrangebylex",
        "zlexcount",
        "zpopmin",
        "zpopmax",
        "zremrangebyrank",
        "zremrangebyscore",
        "zremrangebylex",
        "zrangestore",
        "zmpop",
        "zunion",
        "zinter",
        "zdiff",
        "zunionstore",
        "zinterstore",
        "zdiffstore",
        "zintercard",
        "zrandmember",
        "zscan",
    ] {
        assert_eq!(
            a.call(&["COMMAND", "INFO", name]),
            b.call(&["COMMAND", "INFO", name]),
            "{name}"
        );
    }
}

/// An array reply of bulk strings.
fn arr(items: &[&str]) -> String {
    let mut out = format!("*{}\r\n", items.len());
    for i in items {
        out.push_str(&bulk(i));
    }
    out
}

/// Fills `z` with a..e scored 1..5, in the given encoding.
fn fill(c: &mut Conn, key: &str, skiplist: bool) {
    c.expect(
        &[
            "ZADD", key, "1", "a", "2", "b", "3", "c", "4", "d", "5", "e",
        ],
        &int(5),
    );
    if skiplist {
        c.expect(&["ZADD", key, "100", &"x".repeat(65)], &int(1));
        c.expect(&["ZREM", key, &"x".repeat(65)], &int(1));
        c.expect(&["OBJECT", "ENCODING", key], &bulk("skiplist"));
    }
}

// ZRANGE by rank, score and lex in both encodings, with REV, LIMIT and
// WITHSCORES, and the legacy forms.
#[test]
fn zrange_forms() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    for skiplist in [false, true] {
        let k = if skiplist { "s" } else { "l" };
        fill(&mut c, k, skiplist);
        c.expect(&["ZRANGE", k, "0", "-1"], &arr(&["a", "b", "c", "d", "e"]));
        c.expect(&["ZRANGE", k, "1", "2"], &arr(&["b", "c"]));
        c.expect(&["ZRANGE", k, "-2", "100"], &arr(&["d", "e"]));
        c.expect(&["ZRANGE", k, "-100", "0"], &arr(&["a"]));
        c.expect(&["ZRANGE", k, "3", "1"], "*0\r\n");
        c.expect(&["ZRANGE", k, "5", "10"], "*0\r\n");
        c.expect(&["ZRANGE", k, "0", "1", "REV"], &arr(&["e", "d"]));
        c.expect(&["ZREVRANGE", k, "0", "1"], &arr(&["e", "d"]));
        c.expect(&["ZREVRANGE", k, "-1", "-1"], &arr(&["a"]));
        c.expect(
            &["ZRANGE", k, "0", "1", "WITHSCORES"],
            &arr(&["a", "1", "b", "2"]),
        );
        c.expect(&["ZREVRANGE", k, "0", "0", "withscores"], &arr(&["e", "5"]));
        c.expect(&["ZRANGE", k, "2", "4", "BYSCORE"], &arr(&["b", "c", "d"]));
        c.expect(&["ZRANGE", k, "(2", "(4", "BYSCORE"], &arr(&["c"]));
        c.expect(
            &["ZRANGE", k, "4", "2", "BYSCORE", "REV"],
            &arr(&["d", "c", "b"]),
        );
        c.expect(&["ZRANGE", k, "2", "4", "BYSCORE", "REV"], "*0\r\n");
        c.expect(
            &["ZRANGE", k, "-inf", "+inf", "BYSCORE", "LIMIT", "1", "2"],
            &arr(&["b", "c"]),
        );
        c.expect(
            &[
                "ZRANGE",
                k,
                "+inf",
                "-inf",
                "BYSCORE",
                "REV",
                "LIMIT",
                "1",
                "2",
                "WITHSCORES",
            ],
            &arr(&["d", "4", "c", "3"]),
        );
        c.expect(
            &["ZRANGE", k, "-inf", "+inf", "BYSCORE", "LIMIT", "3", "-1"],
            &arr(&["d", "e"]),
        );
        c.expect(
            &["ZRANGE", k, "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "2"],
            "*0\r\n",
        );
        c.expect(
            &["ZRANGE", k, "-inf", "+inf", "BYSCORE", "LIMIT", "9", "2"],
            "*0\r\n",
        );
        c.expect(
            &["ZRANGE", k, "-inf", "+inf", "BYSCORE", "LIMIT", "0", "0"],
            "*0\r\n",
        );
        c.expect(&["ZRANGEBYSCORE", k, "(1", "3"], &arr(&["b", "c"]));
        c.expect(
            &[
                "ZRANGEBYSCORE",
                k,
                "-inf",
                "inf",
                "WITHSCORES",
                "LIMIT",
                "4",
                "10",
            ],
            &arr(&["e", "5"]),
        );
        c.expect(&["ZREVRANGEBYSCORE", k, "3", "(1"], &arr(&["c", "b"]));
        c.expect(
            &["ZREVRANGEBYSCORE", k, "+inf", "-inf", "LIMIT", "0", "1"],
            &arr(&["e"]),
        );
        c.expect(&["ZRANGE", k, "[b", "(d", "BYLEX"], &arr(&["b", "c"]));
        c.expect(
            &["ZRANGE", k, "-", "+", "BYLEX", "LIMIT", "1", "1"],
            &arr(&["b"]),
        );
        c.expect(
            &["ZRANGE", k, "+", "-", "BYLEX", "REV"],
            &arr(&["e", "d", "c", "b", "a"]),
        );
        c.expect(&["ZRANGEBYLEX", k, "(a", "[c"], &arr(&["b", "c"]));
        c.expect(&["ZRANGEBYLEX", k, "+", "-"], "*0\r\n");
        c.expect(
            &["ZREVRANGEBYLEX", k, "[d", "-"],
            &arr(&["d", "c", "b", "a"]),
        );
        c.expect(
            &["ZREVRANGEBYLEX", k, "+", "(c", "LIMIT", "0", "1"],
            &arr(&["e"]),
        );
        c.expect(&["ZLEXCOUNT", k, "-", "+"], &int(5));
        c.expect(&["ZLEXCOUNT", k, "(a", "[c"], &int(2));
        c.expect(&["ZLEXCOUNT", k, "[c", "(c"], &int(0));
    }
    c.expect(&["ZRANGE", "nokey", "0", "-1"], "*0\r\n");
    c.expect(&["ZRANGEBYLEX", "nokey", "-", "+"], "*0\r\n");
    c.expect(&["ZLEXCOUNT", "nokey", "-", "+"], &int(0));
}

// ZRANGE's option errors, in Redis's order of checks.
#[test]
fn zrange_errors() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    fill(&mut c, "z", false);
    let not_int = "-ERR value is not an integer or out of range\r\n";
    let lex = "-ERR min or max not valid string range item\r\n";
    c.expect(
        &["ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"],
        "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n",
    );
    c.expect(
        &["ZRANGE", "z", "a", "b", "BYLEX", "WITHSCORES"],
        "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n",
    );
    c.expect(&["ZRANGE", "z", "(a", "b", "BYSCORE"], MINMAX);
    c.expect(
        &["ZRANGE", "z", "0", "1", "WITHSCORES", "LIMIT", "0"],
        SYNTAX,
    );
    c.expect(
        &["ZRANGE", "z", "0", "1", "LIMIT", "x", "1", "BYSCORE"],
        not_int,
    );
    c.expect(&["ZRANGE", "z", "0", "1", "BYLEX", "BYSCORE"], SYNTAX);
    c.expect(&["ZRANGE", "z", "0", "1", "BYSCORE", "REV", "REV"], SYNTAX);
    c.expect(&["ZREVRANGE", "z", "0", "1", "REV"], SYNTAX);
    c.expect(&["ZRANGEBYSCORE", "z", "0", "1", "BYLEX"], SYNTAX);
    c.expect(
        &["ZRANGEBYLEX", "z", "-", "+", "WITHSCORES"],
        "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n",
    );
    c.expect(&["ZRANGE", "z", "0", "x"], not_int);
    c.expect(&["ZRANGE", "z", "a", "b", "BYLEX"], lex);
    c.expect(&["ZRANGEBYLEX", "z", "-", "x"], lex);
    c.expect(&["ZRANGEBYLEX", "z", "", "+"], lex);
    c.expect(&["ZLEXCOUNT", "z", "a", "+"], lex);
    c.expect(&["ZLEXCOUNT", "z", "[a", "++"], lex);
    c.expect(&["ZRANGE", "z", "0"], &arity("zrange"));
    c.expect(&["SET", "s", "v"], OK);
    c.expect(&["ZRANGE", "s", "0", "-1"], WRONGTYPE);
    c.expect(&["ZRANGEBYSCORE", "s", "0", "1"], WRONGTYPE);
    c.expect(&["ZRANGEBYLEX", "s", "-", "+"], WRONGTYPE);
    c.expect(&["ZLEXCOUNT", "s", "-", "+"], WRONGTYPE);
    c.expect(&["ZRANGE", "s", "x", "1"], not_int);
}

// RESP3 pairs member and score in WITHSCORES replies and in ZPOPMIN with a
// count, but not in ZPOPMIN without one.
#[test]
fn resp3_pairs() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.call(&["HELLO", "3"]);
    c.expect(&["ZADD", "z", "1", "a", "2", "b", "3", "c"], &int(3));
    c.expect(
        &["ZRANGE", "z", "0", "1", "WITHSCORES"],
        "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n",
    );
    c.expect(&["ZPOPMIN", "z"], "*2\r\n$1\r\na\r\n,1\r\n");
    c.expect(&["ZPOPMIN", "z", "1"], "*1\r\n*2\r\n$1\r\nb\r\n,2\r\n");
    c.expect(&["ZPOPMAX", "z", "5"], "*1\r\n*2\r\n$1\r\nc\r\n,3\r\n");
    c.expect(&["EXISTS", "z"], &int(0));
}

// ZPOPMIN/ZPOPMAX: counts, errors, and deletion of the emptied key.
#[test]
fn zpop() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    let range = "-ERR value is out of range, must be positive\r\n";
    c.expect(&["SET", "s", "v"], OK);
    c.expect(&["ZPOPMIN", "s", "0"], WRONGTYPE);
    c.expect(&["ZPOPMIN", "s", "-1"], range);
    c.expect(&["ZPOPMIN", "q", "x"], range);
    c.expect(&["ZPOPMIN", "q", "1", "2"], SYNTAX);
    c.expect(&["ZPOPMIN", "q"], "*0\r\n");
    c.expect(&["ZPOPMAX", "q", "3"], "*0\r\n");
    for skiplist in [false, true] {
        fill(&mut c, "q", skiplist);
        c.expect(&["ZPOPMIN", "q", "0"], "*0\r\n");
        c.expect(&["ZPOPMIN", "q"], &arr(&["a", "1"]));
        c.expect(&["ZPOPMAX", "q"], &arr(&["e", "5"]));
        c.expect(&["ZPOPMAX", "q", "2"], &arr(&["d", "4", "c", "3"]));
        c.expect(&["ZPOPMIN", "q", "10"], &arr(&["b", "2"]));
        c.expect(&["EXISTS", "q"], &int(0));
    }
}

// ZREMRANGEBYRANK/SCORE/LEX remove the selection and delete an emptied key.
#[test]
fn zremrange() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    let not_int = "-ERR value is not an integer or out of range\r\n";
    for skiplist in [false, true] {
        fill(&mut c, "z", skiplist);
        c.expect(&["ZREMRANGEBYRANK", "z", "1", "2"], &int(2));
        c.expect(&["ZRANGE", "z", "0", "-1"], &arr(&["a", "d", "e"]));
        c.expect(&["ZREMRANGEBYRANK", "z", "5", "9"], &int(0));
        c.expect(&["ZREMRANGEBYRANK", "z", "-1", "-1"], &int(1));
        c.expect(&["ZREMRANGEBYSCORE", "z", "(1", "inf"], &int(1));
        c.expect(&["ZREMRANGEBYSCORE", "z", "2", "1"], &int(0));
        c.expect(&["ZREMRANGEBYLEX", "z", "-", "(a"], &int(0));
        c.expect(&["ZREMRANGEBYLEX", "z", "[a", "+"], &int(1));
        c.expect(&["EXISTS", "z"], &int(0));
    }
    c.expect(&["ZREMRANGEBYRANK", "z", "0", "-1"], &int(0));
    c.expect(&["ZREMRANGEBYRANK", "z", "x", "-1"], not_int);
    c.expect(&["ZREMRANGEBYSCORE", "z", "x", "1"], MINMAX);
    c.expect(
        &["ZREMRANGEBYLEX", "z", "x", "+"],
        "-ERR min or max not valid string range item\r\n",
    );
    c.expect(&["SET", "s", "v"], OK);
    c.expect(&["ZREMRANGEBYRANK", "s", "0", "1"], WRONGTYPE);
    c.expect(&["ZREMRANGEBYSCORE", "s", "0", "1"], WRONGTYPE);
    c.expect(&["ZREMRANGEBYLEX", "s", "-", "+"], WRONGTYPE);
}

// ZRANGESTORE stores the selection, overwrites any type, and deletes the
// destination when the selection is empty.
#[test]
fn zrangestore() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    fill(&mut c, "src", false);
    c.expect(&["ZRANGESTORE", "dst", "src", "1", "2"], &int(2));
    c.expect(
        &["ZRANGE", "dst", "0", "-1", "WITHSCORES"],
        &arr(&["b", "2", "c", "3"]),
    );
    c.expect(&["OBJECT", "ENCODING", "dst"], &bulk("listpack"));
    c.expect(
        &[
            "ZRANGESTORE",
            "dst",
            "src",
            "5",
            "(2",
            "BYSCORE",
            "REV",
            "LIMIT",
            "0",
            "2",
        ],
        &int(2),
    );
    c.expect(&["ZRANGE", "dst", "0", "-1"], &arr(&["d", "e"]));
    c.expect(&["ZRANGESTORE", "dst", "src", "[a", "[b", "BYLEX"], &int(2));
    c.expect(&["ZRANGE", "dst", "0", "-1"], &arr(&["a", "b"]));
    c.expect(&["SET", "str", "v"], OK);
    c.expect(&["ZRANGESTORE", "str", "src", "0", "0"], &int(1));
    c.expect(&["TYPE", "str"], "+zset\r\n");
    c.expect(&["ZRANGESTORE", "dst", "src", "9", "10"], &int(0));
    c.expect(&["EXISTS", "dst"], &int(0));
    c.expect(&["ZRANGESTORE", "dst", "nokey", "0", "-1"], &int(0));
    c.expect(
        &["ZRANGESTORE", "dst", "src", "0", "-1", "WITHSCORES"],
        SYNTAX,
    );
    c.expect(&["ZRANGESTORE", "dst", "str", "0", "-1"], &int(1));
    c.expect(&["ZRANGESTORE", "dst", "src", "0"], &arity("zrangestore"));
    c.expect(&["SET", "s", "v"], OK);
    c.expect(&["ZRANGESTORE", "dst", "s", "0", "-1"], WRONGTYPE);
}

// Random range queries on a large skiplist set agree with redis-server.
#[test]
fn ranges_match_redis_on_a_large_set() {
    let ours = Server::start(&[]);
    let redis = Server::start_redis(&[]);
    let mut a = Conn::open(&ours);
    let mut b = Conn::open(&redis);
    let mut rng = Lcg(7);
    for i in 0..2000 {
        let s = (rng.below(500)).to_string();
        let m = format!("m{:04}", i);
        let args = ["ZADD", "z", &s, &m];
        assert_eq!(a.call(&args), b.call(&args));
        // Lex ranges are defined only on members of equal score.
        let args = ["ZADD", "lz", "0", &m];
        assert_eq!(a.call(&args), b.call(&args));
    }
    for step in 0..1500 {
        let x = rng.below(2400) as i64 - 1200;
        let y = rng.below(2400) as i64 - 1200;
        let (xs, ys) = (x.to_string(), y.to_string());
        let lo = format!("({}", rng.below(500));
        let hi = rng.below(500).to_string();
        let lm = format!("[m{:04}", rng.below(2100));
        let hm = format!("(m{:04}", rng.below(2100));
        let off = rng.below(30).to_string();
        let cnt = (rng.below(40) as i64 - 5).to_string();
        let args: Vec<&str> = match rng.below(9) {
            0 => vec!["ZRANGE", "z", &xs, &ys, "WITHSCORES"],
            1 => vec!["ZREVRANGE", "z", &xs, &ys],
            2 => vec!["ZRANGEBYSCORE", "z", &lo, &hi, "LIMIT", &off, &cnt],
            3 => vec![
                "ZREVRANGEBYSCORE",
                "z",
                &hi,
                &lo,
                "WITHSCORES",
                "LIMIT",
                &off,
                &cnt,
            ],
            4 => vec!["ZCOUNT", "z", &lo, &hi],
            5 => vec!["ZREMRANGEBYRANK", "z", &xs, &xs],
            6 => vec!["ZRANGE", "z", &lo, &hi, "BYSCORE", "LIMIT", &off, &cnt],
            7 => vec!["ZLEXCOUNT", "lz", &lm, &hm],
            _ => vec!["ZRANGEBYLEX", "lz", &lm, &hm, "LIMIT", &off, &cnt],
        };
        assert_eq!(a.call(&args), b.call(&args), "step {step}: {args:?}");
    }
}

// ZMPOP pops from the first non-empty set; its errors in Redis's order.
#[test]
fn zmpop() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    let numkeys = "-ERR numkeys should be greater than 0\r\n";
    let count = "-ERR count should be greater than 0\r\n";
    c.expect(&["ZMPOP", "1", "a"], &arity("zmpop"));
    c.expect(&["ZMPOP", "0", "a", "MIN"], numkeys);
    c.expect(&["ZMPOP", "x", "a", "MIN"], numkeys);
    c.expect(&["ZMPOP", "-1", "a", "MIN"], numkeys);
    c.expect(&["ZMPOP", "2", "a", "MIN"], SYNTAX);
    c.expect(&["ZMPOP", "1", "a", "MID"], SYNTAX);
    c.expect(&["ZMPOP", "1", "a", "MIN", "COUNT", "0"], count);
    c.expect(&["ZMPOP", "1", "a", "MIN", "COUNT", "x"], count);
    c.expect(
        &["ZMPOP", "1", "a", "MIN", "COUNT", "1", "COUNT", "2"],
        SYNTAX,
    );
    c.expect(&["ZMPOP", "1", "a", "MIN", "FOO"], SYNTAX);
    c.expect(&["ZMPOP", "1", "a", "MIN"], "*-1\r\n");
    c.expect(&["ZADD", "b", "1", "x", "2", "y", "3", "z"], &int(3));
    c.expect(
        &["ZMPOP", "2", "a", "b", "MAX", "COUNT", "2"],
        "*2\r\n$1\r\nb\r\n*2\r\n*2\r\n$1\r\nz\r\n$1\r\n3\r\n*2\r\n$1\r\ny\r\n$1\r\n2\r\n",
    );
    c.expect(
        &["ZMPOP", "2", "a", "b", "min", "count", "5"],
        "*2\r\n$1\r\nb\r\n*1\r\n*2\r\n$1\r\nx\r\n$1\r\n1\r\n",
    );
    c.expect(&["EXISTS", "b"], &int(0));
    c.expect(&["SET", "s", "v"], OK);
    c.expect(&["ZMPOP", "1", "s", "MIN"], WRONGTYPE);
    c.expect(&["ZADD", "b", "1", "x"], &int(1));
    // The first non-empty key wins before a later wrong type is seen.
    c.expect(
        &["ZMPOP", "2", "b", "s", "MIN"],
        "*2\r\n$1\r\nb\r\n*1\r\n*2\r\n$1\r\nx\r\n$1\r\n1\r\n",
    );
    c.call(&["HELLO", "3"]);
    c.expect(&["ZMPOP", "1", "a", "MIN"], "_\r\n");
    c.expect(&["ZADD", "b", "1.5", "x"], &int(1));
    c.expect(
        &["ZMPOP", "1", "b", "MIN"],
        "*2\r\n$1\r\nb\r\n*1\r\n*2\r\n$1\r\nx\r\n,1.5\r\n",
    );
}

// ZUNION, ZINTER, ZDIFF and their STORE forms, WEIGHTS and AGGREGATE,
// plain sets as inputs, and ZINTERCARD.
#[test]
fn set_operations() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["ZADD", "a", "1", "x", "2", "y", "3", "z"], &int(3));
    c.expect(&["ZADD", "b", "10", "y", "20", "z", "30", "w"], &int(3));
    c.expect(&["SADD", "s", "x", "w"], &int(2));
    c.expect(
        &["ZUNION", "2", "a", "b", "WITHSCORES"],
        &arr(&["x", "1", "y", "12", "z", "23", "w", "30"]),
    );
    c.expect(&["ZUNION", "2", "a", "b"], &arr(&["x", "y", "z", "w"]));
    c.expect(
        &[
            "ZUNION",
            "2",
            "a",
            "b",
            "WEIGHTS",
            "2",
            "0.5",
            "AGGREGATE",
            "MAX",
            "WITHSCORES",
        ],
        &arr(&["x", "2", "y", "5", "z", "10", "w", "15"]),
    );
    c.expect(
        &["ZINTER", "2", "a", "b", "AGGREGATE", "min", "WITHSCORES"],
        &arr(&["y", "2", "z", "3"]),
    );
    c.expect(&["ZINTER", "3", "a", "b", "nokey", "WITHSCORES"], "*0\r\n");
    c.expect(
        &["ZUNION", "2", "a", "s", "WITHSCORES"],
        &arr(&["w", "1", "x", "2", "y", "2", "z", "3"]),
    );
    c.expect(&["ZDIFF", "2", "a", "b", "WITHSCORES"], &arr(&["x", "1"]));
    c.expect(&["ZDIFF", "2", "a", "s"], &arr(&["y", "z"]));
    c.expect(&["ZDIFF", "2", "nokey", "a"], "*0\r\n");
    c.expect(&["ZINTERCARD", "2", "a", "b"], &int(2));
    c.expect(&["ZINTERCARD", "2", "a", "b", "LIMIT", "1"], &int(1));
    c.expect(&["ZINTERCARD", "2", "a", "b", "LIMIT", "0"], &int(2));
    c.expect(&["ZUNIONSTORE", "d", "2", "a", "b"], &int(4));
    c.expect(
        &["ZRANGE", "d", "0", "-1", "WITHSCORES"],
        &arr(&["x", "1", "y", "12", "z", "23", "w", "30"]),
    );
    c.expect(&["OBJECT", "ENCODING", "d"], &bulk("listpack"));
    c.expect(
        &["ZINTERSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "-1"],
        &int(2),
    );
    c.expect(
        &["ZRANGE", "d", "0", "-1", "WITHSCORES"],
        &arr(&["z", "-17", "y", "-8"]),
    );
    c.expect(&["ZDIFFSTORE", "d", "2", "a", "b"], &int(1));
    c.expect(&["ZRANGE", "d", "0", "-1"], &arr(&["x"]));
    c.expect(&["ZDIFFSTORE", "d", "2", "a", "a"], &int(0));
    c.expect(&["EXISTS", "d"], &int(0));
    // inf + -inf sums to 0, as zunionInterAggregate makes it.
    c.expect(&["ZADD", "p", "inf", "m"], &int(1));
    c.expect(&["ZADD", "n", "-inf", "m"], &int(1));
    c.expect(&["ZUNION", "2", "p", "n", "WITHSCORES"], &arr(&["m", "0"]));
    c.expect(
        &["ZUNION", "1", "p", "WEIGHTS", "0", "WITHSCORES"],
        &arr(&["m", "0"]),
    );
    // Float sums round as Redis's do: inputs are combined smallest first.
    c.expect(&["ZADD", "f1", "0.1", "m", "1", "x1", "2", "x2"], &int(3));
    c.expect(&["ZADD", "f2", "0.2", "m"], &int(1));
    c.expect(&["ZADD", "f3", "0.3", "m", "5", "y"], &int(2));
    c.expect(&["SADD", "fs", "m"], &int(1));
    c.expect(
        &["ZUNION", "4", "f1", "f2", "f3", "fs", "WITHSCORES"],
        &arr(&["x1", "1", "m", "1.6000000000000001", "x2", "2", "y", "5"]),
    );
    c.expect(
        &["ZINTER", "4", "f1", "f2", "f3", "fs", "WITHSCORES"],
        &arr(&["m", "1.6000000000000001"]),
    );
    c.expect(
        &[
            "ZINTER",
            "3",
            "f3",
            "f1",
            "f2",
            "WEIGHTS",
            "1",
            "1e16",
            "1",
            "WITHSCORES",
        ],
        &arr(&["m", "1000000000000000.5"]),
    );
}

// The set operations' errors, in Redis's order of checks.
#[test]
fn set_operation_errors() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["ZADD", "a", "1", "x"], &int(1));
    c.expect(&["SET", "str", "v"], OK);
    for (cmd, args) in [
        ("zunion", vec!["ZUNION", "0", "a"]),
        ("zunion", vec!["ZUNION", "-1", "a"]),
        ("zinter", vec!["ZINTER", "0", "a"]),
        ("zdiff", vec!["ZDIFF", "0", "a"]),
        ("zintercard", vec!["ZINTERCARD", "0", "a"]),
        ("zunionstore", vec!["ZUNIONSTORE", "d", "0", "a"]),
        ("zinterstore", vec!["ZINTERSTORE", "d", "0", "a"]),
        ("zdiffstore", vec!["ZDIFFSTORE", "d", "0", "a"]),
    ] {
        c.expect(
            &args,
            &format!("-ERR at least 1 input key is needed for '{cmd}' command\r\n"),
        );
    }
    let not_int = "-ERR value is not an integer or out of range\r\n";
    c.expect(&["ZUNION", "x", "a"], not_int);
    c.expect(&["ZINTERCARD", "x", "a"], not_int);
    c.expect(&["ZUNION", "2", "a"], SYNTAX);
    c.expect(
        &["ZUNION", "1", "a", "WEIGHTS", "x"],
        "-ERR weight value is not a float\r\n",
    );
    c.expect(&["ZUNION", "1", "a", "WEIGHTS", "1", "2"], SYNTAX);
    c.expect(&["ZUNION", "1", "a", "AGGREGATE", "foo"], SYNTAX);
    c.expect(&["ZUNION", "1", "a", "AGGREGATE"], SYNTAX);
    c.expect(
        &["ZINTERCARD", "1", "a", "LIMIT", "-1"],
        "-ERR LIMIT can't be negative\r\n",
    );
    c.expect(
        &["ZINTERCARD", "1", "a", "LIMIT", "x"],
        "-ERR LIMIT can't be negative\r\n",
    );
    c.expect(&["ZINTERCARD", "1", "a", "WITHSCORES"], SYNTAX);
    c.expect(&["ZDIFF", "1", "a", "WEIGHTS", "1"], SYNTAX);
    c.expect(&["ZUNIONSTORE", "d", "1", "a", "WITHSCORES"], SYNTAX);
    c.expect(&["ZUNION", "2", "a", "str"], WRONGTYPE);
    c.expect(&["ZINTERSTORE", "d", "2", "str", "a"], WRONGTYPE);
    c.expect(&["ZINTERCARD", "1", "str"], WRONGTYPE);
    c.expect(&["ZUNION", "1"], &arity("zunion"));
}

/// `used_memory` from INFO MEMORY.
fn used_memory(c: &mut Conn) -> i64 {
    let info = c.call(&["INFO", "MEMORY"]);
    info.lines()
        .find_map(|l| l.strip_prefix("used_memory:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no used_memory in {info:?}"))
}

// 100 skiplist-encoded sets of 1,000 members take no more memory per
// member than in redis-server (measured with 1,000 sets: 79 bytes per
// member against Redis's 112, by used_memory).
#[test]
fn memory_per_member_at_most_redis() {
    let ours = Server::start(&[]);
    let redis = Server::start_redis(&[]);
    let mut per_item = Vec::new();
    for server in [&ours, &redis] {
        let mut c = Conn::open(server);
        let before = used_memory(&mut c);
        for k in 0..100 {
            let key = format!("zkey:{k}");
            let mut args: Vec<String> = vec!["ZADD".into(), key];
            for i in 0..1000 {
                args.push((i as f64 * 1.5).to_string());
                args.push(format!("member:{i}"));
            }
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            c.expect(&refs, &int(1000));
        }
        c.expect(&["OBJECT", "ENCODING", "zkey:0"], &bulk("skiplist"));
        per_item.push((used_memory(&mut c) - before) / 100_000);
    }
    // Two bytes of slack absorb the server's own incidental allocations
    // (query and reply buffers), which differ between two runs of Redis.
    assert!(
        per_item[0] <= per_item[1] + 2,
        "bytes per member: ferrodis {} > redis {}",
        per_item[0],
        per_item[1]
    );
}

/// The bulk strings of a flat array reply, in order.
fn bulks(reply: &str) -> Vec<String> {
    let mut lines = reply.split("\r\n");
    let head = lines.next().unwrap_or_default();
    assert!(head.starts_with('*'), "not an array: {reply:?}");
    lines
        .filter(|l| !l.starts_with('$') && !l.is_empty())
        .map(str::to_string)
        .collect()
}

// ZRANDMEMBER: distinct picks for a positive count, repeats for a negative
// one, scores that belong to their members, and its errors.
#[test]
fn zrandmember() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["ZRANDMEMBER", "q"], NIL);
    c.expect(&["ZRANDMEMBER", "q", "5"], "*0\r\n");
    c.expect(
        &["ZRANDMEMBER", "q", "x"],
        "-ERR value is not an integer or out of range\r\n",
    );
    c.expect(&["ZRANDMEMBER", "q", "5", "foo"], SYNTAX);
    c.expect(&["ZRANDMEMBER", "q", "5", "withscores", "x"], SYNTAX);
    c.expect(
        &["ZRANDMEMBER", "q", "-9223372036854775808"],
        "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
    );
    c.expect(&["ZRANDMEMBER", "q", "-9223372036854775807"], "*0\r\n");
    let range = "-ERR value is out of range\r\n";
    c.expect(
        &["ZRANDMEMBER", "q", "4611686018427387904", "withscores"],
        range,
    );
    c.expect(
        &["ZRANDMEMBER", "q", "-4611686018427387904", "withscores"],
        range,
    );
    c.expect(
        &["ZRANDMEMBER", "q", "4611686018427387903", "withscores"],
        "*0\r\n",
    );
    c.expect(&["SET", "s", "v"], OK);
    c.expect(&["ZRANDMEMBER", "s"], WRONGTYPE);
    c.expect(&["ZRANDMEMBER", "s", "1"], WRONGTYPE);
    c.expect(
        &["ZRANDMEMBER", "s", "x"],
        "-ERR value is not an integer or out of range\r\n",
    );
    for skiplist in [false, true] {
        c.call(&["DEL", "z"]);
        fill(&mut c, "z", skiplist);
        let one = c.call(&["ZRANDMEMBER", "z"]);
        assert!(
            ["a", "b", "c", "d", "e"].iter().any(|m| one == bulk(m)),
            "{one}"
        );
        c.expect(&["ZRANDMEMBER", "z", "0"], "*0\r\n");
        let mut all = bulks(&c.call(&["ZRANDMEMBER", "z", "10"]));
        all.sort();
        assert_eq!(all, ["a", "b", "c", "d", "e"]);
        let mut three = bulks(&c.call(&["ZRANDMEMBER", "z", "3"]));
        three.sort();
        three.dedup();
        assert_eq!(three.len(), 3);
        let many = bulks(&c.call(&["ZRANDMEMBER", "z", "-20", "WITHSCORES"]));
        assert_eq!(many.len(), 40);
        for pair in many.chunks(2) {
            let want = (pair[0].as_bytes()[0] - b'a' + 1).to_string();
            assert_eq!(pair[1], want, "score of {}", pair[0]);
        }
    }
}

/// One ZSCAN call: the next cursor and the (member, score) pairs.
fn zscan_call(c: &mut Conn, args: &[&str]) -> (String, Vec<(String, String)>) {
    let reply = c.call(args);
    let mut lines = reply.split("\r\n");
    assert_eq!(lines.next(), Some("*2"), "{reply:?}");
    lines.next();
    let cursor = lines.next().unwrap_or_default().to_string();
    let rest: Vec<&str> = lines
        .skip(1)
        .filter(|l| !l.starts_with('$') && !l.is_empty())
        .collect();
    let pairs = rest
        .chunks(2)
        .map(|p| {
            (
                p[0].to_string(),
                p.get(1).copied().unwrap_or_default().to_string(),
            )
        })
        .collect();
    (cursor, pairs)
}

// ZSCAN: errors, a listpack answered whole, and a full scan of a skiplist
// that sees every member present throughout while others come and go.
#[test]
fn zscan() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["ZSCAN", "q", "0"], "*2\r\n$1\r\n0\r\n*0\r\n");
    c.expect(&["ZSCAN", "q", "x"], "-ERR invalid cursor\r\n");
    c.expect(
        &["ZSCAN", "q", "0", "COUNT", "0"],
        "*2\r\n$1\r\n0\r\n*0\r\n",
    );
    c.expect(&["ZADD", "q", "1", "a", "2.5", "b"], &int(2));
    c.expect(&["ZSCAN", "q", "0", "COUNT", "0"], SYNTAX);
    c.expect(
        &["ZSCAN", "q", "0", "COUNT", "x"],
        "-ERR value is not an integer or out of range\r\n",
    );
    c.expect(&["ZSCAN", "q", "0", "MATCH"], SYNTAX);
    c.expect(&["ZSCAN", "q", "0", "FOO", "bar"], SYNTAX);
    c.expect(
        &["ZSCAN", "q", "0", "MATCH", "a*"],
        "*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n",
    );
    c.expect(
        &["ZSCAN", "q", "99"],
        "*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n",
    );
    c.expect(&["SET", "s", "v"], OK);
    c.expect(&["ZSCAN", "s", "0"], WRONGTYPE);

    // 500 stable members plus churn between the calls.
    for i in 0..500 {
        let (s, m) = (i.to_string(), format!("m{i}"));
        c.expect(&["ZADD", "z", &s, &m], &int(1));
    }
    let mut seen = std::collections::HashMap::new();
    let mut cursor = "0".to_string();
    let mut calls = 0;
    loop {
        let (next, pairs) = zscan_call(&mut c, &["ZSCAN", "z", &cursor, "COUNT", "20"]);
        for (m, s) in pairs {
            seen.insert(m, s);
        }
        calls += 1;
        let t = format!("t{calls}");
        c.expect(&["ZADD", "z", "7", &t], &int(1));
        c.expect(
            &["ZINCRBY", "z", "0.5", "m3"],
            &bulk(&format!("{}", 3.0 + 0.5 * calls as f64)),
        );
        if calls % 2 == 0 {
            let old = format!("t{}", calls - 1);
            c.expect(&["ZREM", "z", &old], &int(1));
        }
        if next == "0" {
            break;
        }
        cursor = next;
        assert!(calls < 1000, "scan does not end");
    }
    for i in 0..500 {
        let m = format!("m{i}");
        let s = seen.get(&m).unwrap_or_else(|| panic!("{m} missed"));
        if i != 3 {
            assert_eq!(*s, i.to_string());
        }
    }
    let (_, matched) = zscan_call(
        &mut c,
        &["ZSCAN", "z", "0", "MATCH", "m49*", "COUNT", "1000"],
    );
    let mut names: Vec<String> = matched.into_iter().map(|(m, _)| m).collect();
    names.sort();
    assert_eq!(
        names,
        ["m49", "m490", "m491", "m492", "m493", "m494", "m495", "m496", "m497", "m498", "m499"]
    );
}

// DEBUG DIGEST and DEBUG DIGEST-VALUE of sorted sets (listpack and
// skiplist) equal redis-server's.
#[test]
fn debug_digest_matches_redis() {
    let args = ["--enable-debug-command", "yes"];
    let ours = Server::start(&args);
    let redis = Server::start_redis(&args);
    let mut a = Conn::open(&ours);
    let mut b = Conn::open(&redis);
    let scores = ["3", "-2.5", "0.1", "1e300", "-inf", "inf", "0", "-0"];
    for c in [&mut a, &mut b] {
        for (i, s) in scores.iter().enumerate() {
            c.expect(&["ZADD", "small", s, &format!("m{i}")], &int(1));
        }
        c.expect(&["ZADD", "small", "7", "12345"], &int(1));
        for i in 0..300 {
            let score = format!("{}", (i * 37 % 101) as f64 / 3.0);
            c.expect(&["ZADD", "big", &score, &format!("member:{i}")], &int(1));
        }
        c.expect(&["ZADD", "ttl", "1", "x"], &int(1));
        c.expect(&["EXPIRE", "ttl", "1000"], &int(1));
    }
    a.expect(&["OBJECT", "ENCODING", "big"], &bulk("skiplist"));
    for cmd in [
        &["DEBUG", "DIGEST"][..],
        &["DEBUG", "DIGEST-VALUE", "small", "big", "ttl"],
    ] {
        let got = a.call(cmd);
        assert!(got.starts_with('+') || got.starts_with('*'), "{got}");
        assert!(!got.contains(&"0".repeat(40)), "{got}");
        assert_eq!(got, b.call(cmd), "{cmd:?}");
    }
}
