//! List commands (t_list.c) checked against what Redis 7.0.15 sends:
//! LPUSH/RPUSH/LPUSHX/RPUSHX, LPOP/RPOP with and without a count, LLEN,
//! LINDEX, LSET, LRANGE, LTRIM, LREM, LINSERT, LPOS, LMOVE, RPOPLPUSH,
//! LMPOP, their errors, WRONGTYPE, deletion of emptied lists, RESP3 nulls,
//! and lists long enough to span many quicklist nodes, checked against a
//! model `Vec`.
//!
//! Every expectation here was checked with `FERRODIS_TEST_TARGET=redis`.

mod common;

use common::{Conn, Server};

const OK: &str = "+OK\r\n";
const NIL: &str = "$-1\r\n";
const NIL_ARRAY: &str = "*-1\r\n";
const EMPTY: &str = "*0\r\n";
const SYNTAX: &str = "-ERR syntax error\r\n";
const NOT_INT: &str = "-ERR value is not an integer or out of range\r\n";
const NOT_POSITIVE: &str = "-ERR value is out of range, must be positive\r\n";
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
    let mut s = format!("*{}\r\n", items.len());
    for i in items {
        s.push_str(&bulk(i));
    }
    s
}

/// An array of integers.
fn ints(items: &[i64]) -> String {
    let mut s = format!("*{}\r\n", items.len());
    for i in items {
        s.push_str(&int(*i));
    }
    s
}

#[test]
fn push_and_pop_at_both_ends() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["LPUSH", "l", "a", "b"], &int(2));
    c.expect(&["RPUSH", "l", "c", "d"], &int(4));
    c.expect(&["LRANGE", "l", "0", "-1"], &arr(&["b", "a", "c", "d"]));
    c.expect(&["LLEN", "l"], &int(4));
    c.expect(&["LPOP", "l"], &bulk("b"));
    c.expect(&["RPOP", "l"], &bulk("d"));
    c.expect(&["LPOP", "l", "0"], EMPTY);
    c.expect(&["RPOP", "l", "5"], &arr(&["c", "a"]));
    c.expect(&["EXISTS", "l"], &int(0));
    c.expect(&["LPOP", "l"], NIL);
    c.expect(&["LPOP", "l", "0"], NIL_ARRAY);
    c.expect(&["RPOP", "l", "2"], NIL_ARRAY);
    c.expect(&["LPOP", "l", "-1"], NOT_POSITIVE);
    c.expect(&["LPOP", "l", "x"], NOT_POSITIVE);
    c.expect(&["LPOP", "l", "1", "2"], &arity("lpop"));
    c.expect(&["LPUSH", "l"], &arity("lpush"));
    c.expect(&["LLEN", "l"], &int(0));
    c.expect(&["LPUSHX", "l", "a"], &int(0));
    c.expect(&["RPUSHX", "l", "a"], &int(0));
    c.expect(&["EXISTS", "l"], &int(0));
    c.expect(&["RPUSH", "l", "x"], &int(1));
    c.expect(&["LPUSHX", "l", "a", "b"], &int(3));
    c.expect(&["RPUSHX", "l", "y"], &int(4));
    c.expect(&["LRANGE", "l", "0", "-1"], &arr(&["b", "a", "x", "y"]));
    c.expect(&["OBJECT", "ENCODING", "l"], &bulk("quicklist"));
    c.expect(&["TYPE", "l"], "+list\r\n");
}

#[test]
fn lindex_lset_lrange_ltrim() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["RPUSH", "l", "a", "b", "c", "d", "e"], &int(5));
    c.expect(&["LINDEX", "l", "0"], &bulk("a"));
    c.expect(&["LINDEX", "l", "-1"], &bulk("e"));
    c.expect(&["LINDEX", "l", "-5"], &bulk("a"));
    c.expect(&["LINDEX", "l", "-6"], NIL);
    c.expect(&["LINDEX", "l", "5"], NIL);
    c.expect(&["LINDEX", "l", "x"], NOT_INT);
    c.expect(&["LINDEX", "nokey", "x"], NIL);
    c.expect(&["LSET", "l", "1", "B"], OK);
    c.expect(&["LSET", "l", "-1", "E"], OK);
    c.expect(&["LSET", "l", "5", "x"], "-ERR index out of range\r\n");
    c.expect(&["LSET", "l", "x", "x"], NOT_INT);
    c.expect(&["LSET", "nokey", "0", "x"], "-ERR no such key\r\n");
    c.expect(
        &["LRANGE", "l", "0", "-1"],
        &arr(&["a", "B", "c", "d", "E"]),
    );
    c.expect(&["LRANGE", "l", "-100", "1"], &arr(&["a", "B"]));
    c.expect(&["LRANGE", "l", "3", "100"], &arr(&["d", "E"]));
    c.expect(&["LRANGE", "l", "3", "1"], EMPTY);
    c.expect(&["LRANGE", "l", "5", "10"], EMPTY);
    c.expect(&["LRANGE", "l", "a", "1"], NOT_INT);
    c.expect(&["LRANGE", "nokey", "0", "-1"], EMPTY);
    c.expect(&["LTRIM", "l", "1", "-2"], OK);
    c.expect(&["LRANGE", "l", "0", "-1"], &arr(&["B", "c", "d"]));
    c.expect(&["LTRIM", "l", "x", "1"], NOT_INT);
    c.expect(&["LTRIM", "nokey", "0", "1"], OK);
    c.expect(&["LTRIM", "l", "5", "1"], OK);
    c.expect(&["EXISTS", "l"], &int(0));
}

#[test]
fn lrem_and_linsert() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["RPUSH", "l", "a", "b", "a", "c", "a", "b"], &int(6));
    c.expect(&["LREM", "l", "1", "a"], &int(1));
    c.expect(
        &["LRANGE", "l", "0", "-1"],
        &arr(&["b", "a", "c", "a", "b"]),
    );
    c.expect(&["LREM", "l", "-1", "b"], &int(1));
    c.expect(&["LRANGE", "l", "0", "-1"], &arr(&["b", "a", "c", "a"]));
    c.expect(&["LREM", "l", "0", "a"], &int(2));
    c.expect(&["LREM", "l", "0", "zz"], &int(0));
    c.expect(&["LREM", "l", "x", "a"], NOT_INT);
    c.expect(&["LREM", "nokey", "0", "a"], &int(0));
    c.expect(&["LINSERT", "l", "BEFORE", "c", "x"], &int(3));
    c.expect(&["LINSERT", "l", "after", "c", "y"], &int(4));
    c.expect(&["LINSERT", "l", "after", "b", "z"], &int(5));
    c.expect(
        &["LRANGE", "l", "0", "-1"],
        &arr(&["b", "z", "x", "c", "y"]),
    );
    c.expect(&["LINSERT", "l", "before", "nope", "y"], &int(-1));
    c.expect(&["LINSERT", "l", "middle", "c", "y"], SYNTAX);
    c.expect(&["LINSERT", "nokey", "before", "c", "y"], &int(0));
    c.expect(&["LREM", "l", "0", "b"], &int(1));
    c.expect(&["LREM", "l", "-10", "z"], &int(1));
    c.expect(&["LREM", "l", "10", "x"], &int(1));
    c.expect(&["LREM", "l", "0", "c"], &int(1));
    c.expect(&["LREM", "l", "0", "y"], &int(1));
    c.expect(&["EXISTS", "l"], &int(0));
}

#[test]
fn lpos_options_and_errors() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["RPUSH", "l", "a", "b", "c", "a", "b", "a"], &int(6));
    c.expect(&["LPOS", "l", "a"], &int(0));
    c.expect(&["LPOS", "l", "z"], NIL);
    c.expect(&["LPOS", "l", "a", "RANK", "2"], &int(3));
    c.expect(&["LPOS", "l", "a", "RANK", "-1"], &int(5));
    c.expect(&["LPOS", "l", "a", "RANK", "-2"], &int(3));
    c.expect(&["LPOS", "l", "a", "RANK", "4"], NIL);
    c.expect(&["LPOS", "l", "a", "COUNT", "0"], &ints(&[0, 3, 5]));
    c.expect(&["LPOS", "l", "a", "COUNT", "2"], &ints(&[0, 3]));
    c.expect(
        &["LPOS", "l", "a", "COUNT", "0", "RANK", "-1"],
        &ints(&[5, 3, 0]),
    );
    c.expect(
        &["LPOS", "l", "a", "COUNT", "0", "RANK", "2"],
        &ints(&[3, 5]),
    );
    c.expect(
        &["LPOS", "l", "a", "COUNT", "0", "MAXLEN", "4"],
        &ints(&[0, 3]),
    );
    c.expect(&["LPOS", "l", "a", "RANK", "-1", "MAXLEN", "2"], &int(5));
    c.expect(&["LPOS", "l", "a", "RANK", "-2", "MAXLEN", "2"], NIL);
    c.expect(&["LPOS", "l", "z", "COUNT", "0"], EMPTY);
    c.expect(&["LPOS", "l", "a", "RANK", "1", "RANK", "2"], &int(3));
    c.expect(&["LPOS", "l", "a", "RANK", "-9223372036854775808"], &int(5));
    c.expect(
        &["LPOS", "l", "a", "RANK", "0"],
        "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... \
         or use negative to start from the end of the list\r\n",
    );
    c.expect(&["LPOS", "l", "a", "RANK", "x"], NOT_INT);
    c.expect(
        &["LPOS", "l", "a", "COUNT", "-1"],
        "-ERR COUNT can't be negative\r\n",
    );
    c.expect(
        &["LPOS", "l", "a", "COUNT", "x"],
        "-ERR COUNT can't be negative\r\n",
    );
    c.expect(
        &["LPOS", "l", "a", "MAXLEN", "-1"],
        "-ERR MAXLEN can't be negative\r\n",
    );
    c.expect(&["LPOS", "l", "a", "RANK"], SYNTAX);
    c.expect(&["LPOS", "l", "a", "FOO", "1"], SYNTAX);
    c.expect(&["LPOS", "nokey", "a"], NIL);
    c.expect(&["LPOS", "nokey", "a", "COUNT", "0"], EMPTY);
}

#[test]
fn lmove_and_rpoplpush() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["RPUSH", "src", "a", "b", "c"], &int(3));
    c.expect(&["LMOVE", "src", "dst", "LEFT", "RIGHT"], &bulk("a"));
    c.expect(&["LMOVE", "src", "dst", "right", "left"], &bulk("c"));
    c.expect(&["LRANGE", "dst", "0", "-1"], &arr(&["c", "a"]));
    c.expect(&["RPOPLPUSH", "src", "dst"], &bulk("b"));
    c.expect(&["EXISTS", "src"], &int(0));
    c.expect(&["LRANGE", "dst", "0", "-1"], &arr(&["b", "c", "a"]));
    // Rotation on one key.
    c.expect(&["LMOVE", "dst", "dst", "LEFT", "RIGHT"], &bulk("b"));
    c.expect(&["RPOPLPUSH", "dst", "dst"], &bulk("b"));
    c.expect(&["LRANGE", "dst", "0", "-1"], &arr(&["b", "c", "a"]));
    c.expect(&["RPUSH", "one", "x"], &int(1));
    c.expect(&["LMOVE", "one", "one", "LEFT", "LEFT"], &bulk("x"));
    c.expect(&["LRANGE", "one", "0", "-1"], &arr(&["x"]));
    c.expect(&["LMOVE", "nokey", "dst", "LEFT", "LEFT"], NIL);
    c.expect(&["RPOPLPUSH", "nokey", "dst"], NIL);
    c.expect(&["LMOVE", "dst", "x", "UP", "LEFT"], SYNTAX);
    c.expect(&["LMOVE", "dst", "x", "LEFT", "DOWN"], SYNTAX);
    c.expect(&["SET", "str", "v"], OK);
    c.expect(&["LMOVE", "dst", "str", "LEFT", "LEFT"], WRONGTYPE);
    c.expect(&["LMOVE", "str", "dst", "LEFT", "LEFT"], WRONGTYPE);
    c.expect(&["LMOVE", "nokey", "str", "LEFT", "LEFT"], NIL);
    c.expect(&["LLEN", "dst"], &int(3));
}

#[test]
fn lmpop_options_and_errors() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["RPUSH", "l2", "a", "b", "c"], &int(3));
    c.expect(
        &["LMPOP", "2", "l1", "l2", "LEFT"],
        "*2\r\n$2\r\nl2\r\n*1\r\n$1\r\na\r\n",
    );
    c.expect(
        &["LMPOP", "2", "l1", "l2", "right", "COUNT", "5"],
        "*2\r\n$2\r\nl2\r\n*2\r\n$1\r\nc\r\n$1\r\nb\r\n",
    );
    c.expect(&["EXISTS", "l2"], &int(0));
    c.expect(&["LMPOP", "2", "l1", "l2", "LEFT"], NIL_ARRAY);
    let numkeys = "-ERR numkeys should be greater than 0\r\n";
    let count = "-ERR count should be greater than 0\r\n";
    c.expect(&["LMPOP", "0", "l", "LEFT"], numkeys);
    c.expect(&["LMPOP", "-1", "l", "LEFT"], numkeys);
    c.expect(&["LMPOP", "x", "l", "LEFT"], numkeys);
    c.expect(&["LMPOP", "5", "l", "LEFT"], SYNTAX);
    c.expect(&["LMPOP", "99999999999", "l", "LEFT"], SYNTAX);
    c.expect(&["LMPOP", "1", "l", "LEFT", "COUNT", "0"], count);
    c.expect(&["LMPOP", "1", "l", "LEFT", "COUNT", "x"], count);
    c.expect(&["LMPOP", "1", "l", "MIDDLE"], SYNTAX);
    c.expect(
        &["LMPOP", "1", "l", "LEFT", "COUNT", "1", "COUNT", "2"],
        SYNTAX,
    );
    c.expect(&["LMPOP", "1", "l", "LEFT", "COUNT"], SYNTAX);
    c.expect(&["LMPOP", "1", "l", "LEFT", "FOO"], SYNTAX);
    c.expect(&["LMPOP", "1", "l"], &arity("lmpop"));
    c.expect(&["SET", "str", "v"], OK);
    c.expect(&["RPUSH", "l3", "x"], &int(1));
    c.expect(&["LMPOP", "2", "str", "l3", "LEFT"], WRONGTYPE);
    c.expect(
        &["LMPOP", "2", "l3", "str", "LEFT"],
        "*2\r\n$2\r\nl3\r\n*1\r\n$1\r\nx\r\n",
    );
}

#[test]
fn wrongtype_on_every_command() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SET", "s", "v"], OK);
    for args in [
        &["LPUSH", "s", "a"][..],
        &["RPUSH", "s", "a"],
        &["LPUSHX", "s", "a"],
        &["RPUSHX", "s", "a"],
        &["LPOP", "s"],
        &["RPOP", "s", "2"],
        &["LLEN", "s"],
        &["LINDEX", "s", "0"],
        &["LSET", "s", "0", "a"],
        &["LRANGE", "s", "0", "-1"],
        &["LTRIM", "s", "0", "1"],
        &["LREM", "s", "0", "a"],
        &["LINSERT", "s", "BEFORE", "a", "b"],
        &["LPOS", "s", "a"],
        &["RPOPLPUSH", "s", "d"],
        &["LMPOP", "1", "s", "LEFT"],
    ] {
        c.expect(args, WRONGTYPE);
    }
    c.expect(&["GET", "s"], &bulk("v"));
}

#[test]
fn resp3_nulls() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.send(&["HELLO", "3"]);
    c.read();
    c.expect(&["RPUSH", "l", "a"], &int(1));
    c.expect(&["LPOP", "nokey"], "_\r\n");
    c.expect(&["LPOP", "nokey", "0"], "_\r\n");
    c.expect(&["LPOP", "l", "0"], EMPTY);
    c.expect(&["LINDEX", "l", "9"], "_\r\n");
    c.expect(&["LPOS", "l", "z"], "_\r\n");
    c.expect(&["LPOS", "nokey", "z", "COUNT", "0"], EMPTY);
    c.expect(&["LMOVE", "nokey", "x", "LEFT", "LEFT"], "_\r\n");
    c.expect(&["LMPOP", "1", "nokey", "LEFT"], "_\r\n");
    c.expect(
        &["LMPOP", "1", "l", "LEFT"],
        "*2\r\n$1\r\nl\r\n*1\r\n$1\r\na\r\n",
    );
}

/// The element `i` of the big lists.
fn elem(i: usize) -> String {
    format!("element-{i:08}")
}

/// Reads LRANGE key 0 -1 into strings.
fn lrange_all(c: &mut Conn, key: &str) -> Vec<String> {
    let raw = c.call(&["LRANGE", key, "0", "-1"]);
    let mut lines = raw.split("\r\n");
    let n: usize = lines
        .next()
        .and_then(|h| h.strip_prefix('*'))
        .and_then(|h| h.parse().ok())
        .unwrap_or_else(|| panic!("not an array: {raw:?}"));
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        lines.next();
        out.push(lines.next().unwrap_or_default().to_string());
    }
    out
}

#[test]
fn large_lists_span_many_nodes() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    let mut model: Vec<String> = Vec::new();
    // 3,000 elements in pushes of 100 at each end: many 8 KiB nodes.
    for chunk in 0..15 {
        let mut args = vec!["RPUSH".to_string(), "big".to_string()];
        let mut largs = vec!["LPUSH".to_string(), "big".to_string()];
        for j in 0..100 {
            let r = elem(chunk * 200 + j);
            let l = elem(chunk * 200 + 100 + j);
            args.push(r.clone());
            model.push(r);
            largs.push(l.clone());
            model.insert(0, l);
        }
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        c.call(&a);
        let a: Vec<&str> = largs.iter().map(String::as_str).collect();
        c.call(&a);
    }
    assert_eq!(c.int(&["LLEN", "big"]), 3000);
    assert_eq!(lrange_all(&mut c, "big"), model);
    for i in [
        0i64, 1, 455, 456, 1499, 1500, 2999, -1, -2, -456, -1500, -3000,
    ] {
        let idx = if i < 0 {
            (3000 + i) as usize
        } else {
            i as usize
        };
        c.expect(&["LINDEX", "big", &i.to_string()], &bulk(&model[idx]));
    }
    // LRANGE across node boundaries.
    let s = c.call(&["LRANGE", "big", "400", "999"]);
    let want: Vec<&str> = model[400..1000].iter().map(String::as_str).collect();
    assert_eq!(s, arr(&want));
    // Inserts and removals in the middle.
    for k in (100..2900).step_by(37) {
        let pivot = model[k].clone();
        let v = format!("ins-{k}");
        c.expect(
            &["LINSERT", "big", "AFTER", &pivot, &v],
            &int(model.len() as i64 + 1),
        );
        model.insert(k + 1, v);
    }
    for k in (50..1000).step_by(13) {
        let v = model[k].clone();
        c.expect(&["LREM", "big", "0", &v], &int(1));
        model.retain(|x| *x != v);
    }
    c.expect(&["LSET", "big", "1234", "changed"], OK);
    model[1234] = "changed".to_string();
    c.expect(&["LSET", "big", "-7", "changed-too"], OK);
    let n = model.len();
    model[n - 7] = "changed-too".to_string();
    assert_eq!(lrange_all(&mut c, "big"), model);
    let pos = model.iter().position(|x| x == "changed").unwrap_or(0);
    c.expect(&["LPOS", "big", "changed"], &int(pos as i64));
    c.expect(&["LTRIM", "big", "100", "-101"], OK);
    model.drain(..100);
    model.truncate(model.len() - 100);
    assert_eq!(lrange_all(&mut c, "big"), model);
    let popped = c.call(&["RPOP", "big", "250"]);
    let tail: Vec<String> = (0..250).filter_map(|_| model.pop()).collect();
    let want: Vec<&str> = tail.iter().map(String::as_str).collect();
    assert_eq!(popped, arr(&want));
    assert_eq!(lrange_all(&mut c, "big"), model);
}

#[test]
fn big_elements_and_small_fill() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["CONFIG", "SET", "list-max-listpack-size", "3"], OK);
    let big = "x".repeat(20_000);
    let mut model = Vec::new();
    for i in 0..50 {
        let v = if i % 10 == 0 {
            format!("{big}{i}")
        } else {
            elem(i)
        };
        c.call(&["RPUSH", "l", &v]);
        model.push(v);
    }
    c.expect(&["LINSERT", "l", "BEFORE", &elem(5), "mid"], &int(51));
    model.insert(5, "mid".to_string());
    assert_eq!(lrange_all(&mut c, "l"), model);
    c.expect(&["LINDEX", "l", "-11"], &bulk(&model[40]));
    c.expect(&["LREM", "l", "0", &elem(7)], &int(1));
    model.retain(|x| *x != elem(7));
    assert_eq!(lrange_all(&mut c, "l"), model);
}
