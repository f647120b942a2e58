//! SORT and SORT_RO (sort.c) checked against what Redis 7.0.15 sends:
//! numeric and ALPHA order, DESC, LIMIT clamping, BY string keys and hash
//! fields, BY a constant (no sorting) on lists, sets and sorted sets, GET
//! with `#`, missing keys and hash fields, STORE (and its deletion of the
//! destination on an empty result), the errors, COMMAND INFO and COMMAND
//! GETKEYS (which finds the STORE destination).
//!
//! Every reply is compared byte for byte. Inputs are chosen so the order
//! is fully determined (no ties that depend on a set's internal order).
//! Every expectation here was checked with `FERRODIS_TEST_TARGET=redis`.

mod common;

use common::{Conn, Server};

const WRONGTYPE: &str = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const SYNTAX: &str = "-ERR syntax error\r\n";
const NOT_INT: &str = "-ERR value is not an integer or out of range\r\n";
const NOT_DOUBLE: &str = "-ERR One or more scores can't be converted into double\r\n";
const EMPTY: &str = "*0\r\n";

/// An array of bulk strings.
fn arr(items: &[&str]) -> String {
    let mut s = format!("*{}\r\n", items.len());
    for i in items {
        s.push_str(&format!("${}\r\n{i}\r\n", i.len()));
    }
    s
}

/// An array of bulk strings and nulls.
fn arr_opt(items: &[Option<&str>]) -> String {
    let mut s = format!("*{}\r\n", items.len());
    for i in items {
        match i {
            Some(i) => s.push_str(&format!("${}\r\n{i}\r\n", i.len())),
            None => s.push_str("$-1\r\n"),
        }
    }
    s
}

fn int(n: i64) -> String {
    format!(":{n}\r\n")
}

fn setup() -> (Server, Conn) {
    let server = Server::start(&[]);
    let c = Conn::open(&server);
    (server, c)
}

#[test]
fn numeric_and_alpha_order() {
    let (_s, mut c) = setup();
    c.int(&["rpush", "l", "3", "1", "10", "-5", "1.5", "2"]);
    c.expect(&["sort", "l"], &arr(&["-5", "1", "1.5", "2", "3", "10"]));
    c.expect(
        &["SORT", "l", "DESC"],
        &arr(&["10", "3", "2", "1.5", "1", "-5"]),
    );
    c.expect(
        &["sort", "l", "desc", "asc"],
        &arr(&["-5", "1", "1.5", "2", "3", "10"]),
    );
    c.expect(
        &["sort", "l", "alpha"],
        &arr(&["-5", "1", "1.5", "10", "2", "3"]),
    );
    c.expect(
        &["sort", "l", "alpha", "desc"],
        &arr(&["3", "2", "10", "1.5", "1", "-5"]),
    );
    c.expect(
        &["sort_ro", "l", "desc"],
        &arr(&["10", "3", "2", "1.5", "1", "-5"]),
    );

    // Equal numbers keep a fixed order: ties compare the elements' bytes.
    c.int(&["rpush", "ties", "1.0", "01", "1", "1e0"]);
    c.expect(&["sort", "ties"], &arr(&["01", "1", "1.0", "1e0"]));
    c.expect(&["sort", "ties", "desc"], &arr(&["1e0", "1.0", "1", "01"]));

    c.int(&["rpush", "words", "banana", "apple", "Cherry", "apple2"]);
    c.expect(&["sort", "words"], NOT_DOUBLE);
    c.expect(
        &["sort", "words", "alpha"],
        &arr(&["Cherry", "apple", "apple2", "banana"]),
    );
}

#[test]
fn weights_read_as_strtod() {
    let (_s, mut c) = setup();
    c.int(&["rpush", "w", " 5", "0x10", "", "inf", "-inf", "2.5e1"]);
    c.expect(
        &["sort", "w"],
        &arr(&["-inf", "", " 5", "0x10", "2.5e1", "inf"]),
    );
    for bad in ["nan", "1e400", "1e-400", "1e-310", "5 ", "abc", "   "] {
        c.int(&["del", "b"]);
        c.int(&["rpush", "b", "1", bad]);
        c.expect(&["sort", "b"], NOT_DOUBLE);
    }
}

#[test]
fn limit_window() {
    let (_s, mut c) = setup();
    c.int(&["rpush", "l", "5", "4", "3", "2", "1"]);
    c.expect(&["sort", "l", "limit", "1", "2"], &arr(&["2", "3"]));
    c.expect(&["sort", "l", "limit", "-3", "2"], &arr(&["1", "2"]));
    c.expect(&["sort", "l", "limit", "3", "-1"], &arr(&["4", "5"]));
    c.expect(&["sort", "l", "limit", "3", "-7"], &arr(&["4", "5"]));
    c.expect(&["sort", "l", "limit", "2", "100"], &arr(&["3", "4", "5"]));
    c.expect(&["sort", "l", "limit", "5", "1"], EMPTY);
    c.expect(&["sort", "l", "limit", "0", "0"], EMPTY);
    c.expect(
        &[
            "sort",
            "l",
            "limit",
            "9223372036854775807",
            "9223372036854775807",
        ],
        EMPTY,
    );
    c.expect(&["sort", "l", "limit", "1", "2", "desc"], &arr(&["4", "3"]));
    c.expect(
        &["sort", "l", "limit", "1", "1", "limit", "0", "2"],
        &arr(&["1", "2"]),
    );
    c.expect(&["sort", "l", "limit", "a", "1"], NOT_INT);
    c.expect(&["sort", "l", "limit", "1", "1.5"], NOT_INT);
    c.expect(&["sort", "l", "limit", "1"], SYNTAX);
    c.expect(&["sort", "nokey", "limit", "0", "10"], EMPTY);
}

#[test]
fn by_string_keys_and_hash_fields() {
    let (_s, mut c) = setup();
    c.int(&["rpush", "items", "a", "b", "c", "d"]);
    c.expect(
        &["mset", "w_a", "3", "w_b", "1", "w_c", "2", "w_d", "-1"],
        "+OK\r\n",
    );
    c.expect(&["sort", "items", "by", "w_*"], &arr(&["d", "b", "c", "a"]));
    c.expect(
        &["sort", "items", "by", "w_*", "desc"],
        &arr(&["a", "c", "b", "d"]),
    );
    c.expect(
        &["sort", "items", "by", "w_*", "limit", "1", "2"],
        &arr(&["b", "c"]),
    );
    // Missing weights count as 0; ties fall back to the elements.
    c.int(&["del", "w_a", "w_c"]);
    c.expect(&["sort", "items", "by", "w_*"], &arr(&["d", "a", "c", "b"]));
    // A weight of the wrong type is missing too.
    c.int(&["rpush", "w_a", "100"]);
    c.expect(&["sort", "items", "by", "w_*"], &arr(&["d", "a", "c", "b"]));
    c.expect(&["set", "w_c", "x"], "+OK\r\n");
    c.expect(&["sort", "items", "by", "w_*"], NOT_DOUBLE);

    // Hash fields, with the `*` in the middle of the key name.
    c.int(&["hset", "h_a_x", "f", "30", "n", "A"]);
    c.int(&["hset", "h_b_x", "f", "10", "n", "B"]);
    c.int(&["hset", "h_c_x", "f", "20"]);
    c.int(&["hset", "h_d_x", "g", "5"]);
    c.expect(
        &["sort", "items", "by", "h_*_x->f"],
        &arr(&["d", "b", "c", "a"]),
    );
    c.expect(
        &["sort", "items", "by", "h_*_x->f", "desc"],
        &arr(&["a", "c", "b", "d"]),
    );
    c.expect(
        &["sort", "items", "by", "h_*_x->n", "alpha"],
        &arr(&["c", "d", "a", "b"]),
    );
    c.expect(
        &["sort", "items", "by", "h_*_x->n", "alpha", "desc"],
        &arr(&["b", "a", "c", "d"]),
    );

    // ALPHA weights from string keys.
    c.expect(
        &[
            "mset", "s_a", "pear", "s_b", "apple", "s_c", "fig", "s_d", "kiwi",
        ],
        "+OK\r\n",
    );
    c.expect(
        &["sort", "items", "by", "s_*", "alpha"],
        &arr(&["b", "c", "d", "a"]),
    );
    c.expect(
        &["sort", "items", "by", "s_*", "alpha", "limit", "0", "2"],
        &arr(&["b", "c"]),
    );
    c.expect(&["sort", "items", "by", "s_*"], NOT_DOUBLE);
}

#[test]
fn by_constant_keeps_the_container_order() {
    let (_s, mut c) = setup();
    c.int(&["rpush", "l", "3", "1", "b", "2"]);
    c.expect(&["sort", "l", "by", "nosort"], &arr(&["3", "1", "b", "2"]));
    c.expect(
        &["sort", "l", "by", "nosort", "desc"],
        &arr(&["2", "b", "1", "3"]),
    );
    c.expect(
        &["sort", "l", "by", "nosort", "limit", "1", "2"],
        &arr(&["1", "b"]),
    );
    c.expect(
        &["sort", "l", "by", "nosort", "limit", "1", "2", "desc"],
        &arr(&["b", "1"]),
    );
    c.expect(
        &["sort", "l", "by", "nosort", "limit", "3", "9"],
        &arr(&["2"]),
    );
    c.expect(&["sort", "l", "by", "nosort", "limit", "4", "1"], EMPTY);

    // A sorted set in score order.
    c.int(&["zadd", "z", "1", "30", "2", "10", "3", "20", "4", "x"]);
    c.expect(
        &["sort", "z", "by", "nosort"],
        &arr(&["30", "10", "20", "x"]),
    );
    c.expect(
        &["sort", "z", "by", "nosort", "desc"],
        &arr(&["x", "20", "10", "30"]),
    );
    c.expect(
        &["sort", "z", "by", "nosort", "limit", "1", "2"],
        &arr(&["10", "20"]),
    );
    c.expect(
        &["sort", "z", "by", "nosort", "limit", "1", "2", "desc"],
        &arr(&["20", "10"]),
    );
    c.expect(
        &["sort", "z", "by", "nosort", "limit", "-5", "1", "desc"],
        &arr(&["x"]),
    );
    c.expect(&["sort", "z", "by", "nosort", "limit", "9", "1"], EMPTY);

    // A set being stored is sorted ALPHA instead.
    c.int(&["sadd", "s", "10", "9", "100"]);
    assert_eq!(c.int(&["sort", "s", "by", "nosort", "store", "dst"]), 3);
    c.expect(&["lrange", "dst", "0", "-1"], &arr(&["10", "100", "9"]));
    assert_eq!(
        c.int(&["sort", "s", "by", "nosort", "desc", "store", "dst"]),
        3
    );
    c.expect(&["lrange", "dst", "0", "-1"], &arr(&["9", "100", "10"]));
}

#[test]
fn sets_and_sorted_sets() {
    let (_s, mut c) = setup();
    c.int(&["sadd", "s", "5", "-3", "12", "7"]);
    c.expect(&["sort", "s"], &arr(&["-3", "5", "7", "12"]));
    c.expect(&["sort", "s", "desc"], &arr(&["12", "7", "5", "-3"]));
    c.expect(&["sort", "s", "alpha"], &arr(&["-3", "12", "5", "7"]));
    c.int(&["sadd", "t", "pear", "apple", "fig"]);
    c.expect(&["sort", "t", "alpha"], &arr(&["apple", "fig", "pear"]));
    c.expect(&["sort", "t"], NOT_DOUBLE);

    // A sorted set sorts by member, not by score, and becomes a skip list.
    c.int(&["zadd", "z", "1", "30", "2", "10", "3", "20"]);
    c.expect(&["object", "encoding", "z"], "$8\r\nlistpack\r\n");
    c.expect(&["sort", "z"], &arr(&["10", "20", "30"]));
    c.expect(&["object", "encoding", "z"], "$8\r\nskiplist\r\n");
    c.expect(
        &["sort", "z", "desc", "limit", "0", "2"],
        &arr(&["30", "20"]),
    );
    c.int(&["zadd", "zw", "1", "b", "2", "a"]);
    c.expect(&["sort", "zw", "alpha"], &arr(&["a", "b"]));
    c.expect(&["sort", "zw"], NOT_DOUBLE);
}

#[test]
fn get_patterns() {
    let (_s, mut c) = setup();
    c.int(&["rpush", "ids", "2", "1", "3"]);
    c.expect(&["mset", "name_1", "one", "name_2", "two"], "+OK\r\n");
    c.int(&["hset", "obj_1", "age", "40"]);
    c.int(&["hset", "obj_3", "age", "20"]);
    c.expect(
        &["sort", "ids", "get", "name_*"],
        &arr_opt(&[Some("one"), Some("two"), None]),
    );
    c.expect(
        &[
            "sort",
            "ids",
            "get",
            "#",
            "get",
            "name_*",
            "get",
            "obj_*->age",
        ],
        &arr_opt(&[
            Some("1"),
            Some("one"),
            Some("40"),
            Some("2"),
            Some("two"),
            None,
            Some("3"),
            None,
            Some("20"),
        ]),
    );
    c.expect(
        &[
            "sort",
            "ids",
            "by",
            "obj_*->age",
            "get",
            "#",
            "get",
            "obj_*->age",
        ],
        &arr_opt(&[
            Some("2"),
            None,
            Some("3"),
            Some("20"),
            Some("1"),
            Some("40"),
        ]),
    );
    c.expect(
        &["sort", "ids", "desc", "limit", "0", "2", "get", "name_*"],
        &arr_opt(&[None, Some("two")]),
    );
    // A pattern without `*` names nothing; `->` needs a field after it;
    // a key of the wrong type reads as missing.
    c.expect(
        &["sort", "ids", "get", "name_1"],
        &arr_opt(&[None, None, None]),
    );
    c.expect(&["set", "k_1->", "odd"], "+OK\r\n");
    c.expect(
        &["sort", "ids", "limit", "0", "1", "get", "k_*->"],
        &arr(&["odd"]),
    );
    c.expect(
        &["sort", "ids", "limit", "0", "1", "get", "obj_*"],
        &arr_opt(&[None]),
    );
    c.expect(
        &["sort", "ids", "limit", "0", "1", "get", "name_*->x"],
        &arr_opt(&[None]),
    );
    c.expect(&["sort", "nokey", "get", "#"], EMPTY);
}

#[test]
fn store() {
    let (_s, mut c) = setup();
    c.int(&["rpush", "l", "3", "1", "2"]);
    assert_eq!(c.int(&["sort", "l", "store", "dst"]), 3);
    c.expect(&["lrange", "dst", "0", "-1"], &arr(&["1", "2", "3"]));
    c.expect(&["type", "dst"], "+list\r\n");
    // STORE replaces a key of any type, and drops its TTL.
    c.expect(&["set", "str", "x", "ex", "100"], "+OK\r\n");
    assert_eq!(
        c.int(&["sort", "l", "desc", "limit", "0", "2", "store", "str"]),
        2
    );
    c.expect(&["lrange", "str", "0", "-1"], &arr(&["3", "2"]));
    c.expect(&["ttl", "str"], ":-1\r\n");
    // Missing GET values are stored as empty strings.
    c.expect(&["set", "v_1", "one"], "+OK\r\n");
    assert_eq!(
        c.int(&["sort", "l", "get", "#", "get", "v_*", "store", "g"]),
        6
    );
    c.expect(
        &["lrange", "g", "0", "-1"],
        &arr(&["1", "one", "2", "", "3", ""]),
    );
    // An empty result deletes the destination.
    assert_eq!(c.int(&["sort", "nokey", "store", "dst"]), 0);
    c.expect(&["exists", "dst"], &int(0));
    assert_eq!(c.int(&["sort", "l", "limit", "5", "5", "store", "g"]), 0);
    c.expect(&["exists", "g"], &int(0));
    // Sorting a key into itself.
    assert_eq!(c.int(&["sort", "l", "store", "l"]), 3);
    c.expect(&["lrange", "l", "0", "-1"], &arr(&["1", "2", "3"]));
    // The last STORE wins.
    assert_eq!(c.int(&["sort", "l", "store", "a", "store", "b"]), 3);
    c.expect(&["exists", "a", "b"], &int(1));
    c.expect(&["lrange", "b", "0", "-1"], &arr(&["1", "2", "3"]));
}

#[test]
fn errors() {
    let (_s, mut c) = setup();
    c.expect(&["set", "str", "x"], "+OK\r\n");
    c.int(&["hset", "h", "f", "v"]);
    c.int(&["rpush", "l", "1"]);
    c.expect(&["sort", "str"], WRONGTYPE);
    c.expect(&["sort", "h"], WRONGTYPE);
    c.expect(&["sort_ro", "str"], WRONGTYPE);
    // Options are checked before the key.
    c.expect(&["sort", "str", "bogus"], SYNTAX);
    c.expect(&["sort", "l", "bogus"], SYNTAX);
    c.expect(&["sort", "l", "by"], SYNTAX);
    c.expect(&["sort", "l", "get"], SYNTAX);
    c.expect(&["sort", "l", "store"], SYNTAX);
    c.expect(&["sort_ro", "l", "store", "x"], SYNTAX);
    c.expect(&["sort", "l", "limit", "x", "1", "bogus"], NOT_INT);
    c.expect(&["sort", "l", "bogus", "limit", "x", "1"], SYNTAX);
    c.expect(
        &["sort"],
        "-ERR wrong number of arguments for 'sort' command\r\n",
    );
    c.expect(
        &["sort_ro"],
        "-ERR wrong number of arguments for 'sort_ro' command\r\n",
    );
    c.expect(&["sort", "nokey"], EMPTY);
    c.expect(&["exists", "x"], &int(0));
}

#[test]
fn command_info() {
    let (_s, mut c) = setup();
    let specs = "*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n\
$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n\
$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n\
$5\r\nlimit\r\n:0\r\n*8\r\n$5\r\nnotes\r\n$120\r\nFor the optional BY/GET keyword. It is marked \
'unknown' because the key names derive from the content of the key we sort\r\n$5\r\nflags\r\n*2\r\n\
+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$7\r\nunknown\r\n$4\r\nspec\r\n*0\r\n\
$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$7\r\nunknown\r\n$4\r\nspec\r\n*0\r\n";
    let store_spec = "*8\r\n$5\r\nnotes\r\n$116\r\nFor the optional STORE keyword. It is marked \
'unknown' because the keyword can appear anywhere in the argument array\r\n$5\r\nflags\r\n*2\r\n\
+OW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$7\r\nunknown\r\n$4\r\nspec\r\n*0\r\n\
$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$7\r\nunknown\r\n$4\r\nspec\r\n*0\r\n";
    let sort = format!(
        "*1\r\n*10\r\n$4\r\nsort\r\n:-2\r\n*3\r\n+write\r\n+denyoom\r\n+movablekeys\r\n:1\r\n:1\r\n\
:1\r\n*6\r\n+@write\r\n+@set\r\n+@sortedset\r\n+@list\r\n+@slow\r\n+@dangerous\r\n*0\r\n*3\r\n\
{specs}{store_spec}*0\r\n"
    );
    c.expect(&["command", "info", "sort"], &sort);
    let sort_ro = format!(
        "*1\r\n*10\r\n$7\r\nsort_ro\r\n:-2\r\n*2\r\n+readonly\r\n+movablekeys\r\n:1\r\n:1\r\n:1\r\n\
*6\r\n+@read\r\n+@set\r\n+@sortedset\r\n+@list\r\n+@slow\r\n+@dangerous\r\n*0\r\n*2\r\n{specs}*0\r\n"
    );
    c.expect(&["command", "info", "sort_ro"], &sort_ro);
}

/// BY with a LIMIT window uses Redis's partial quicksort, which is not
/// stable: equal ALPHA weights come out in the order it leaves them.
#[test]
fn by_with_limit_keeps_partial_quicksort_order() {
    let (_s, mut c) = setup();
    let letters: Vec<String> = ('a'..='p').map(String::from).collect();
    let mut push = vec!["rpush", "l"];
    push.extend(letters.iter().map(String::as_str));
    c.int(&push);
    c.expect(
        &["mset", "w_c", "x", "w_h", "x", "w_k", "y", "w_a", "y"],
        "+OK\r\n",
    );
    let cases: [(&[&str], &[&str]); 5] = [
        (&["limit", "0", "5"], &["p", "b", "l", "m", "n"]),
        (&["limit", "3", "5"], &["m", "n", "o", "d", "e"]),
        (&["desc", "limit", "0", "5"], &["k", "a", "h", "c", "f"]),
        (&["limit", "10", "4"], &["i", "j", "c", "h"]),
        (
            &["desc", "limit", "8", "8"],
            &["l", "m", "n", "o", "p", "b", "d", "e"],
        ),
    ];
    for (opts, want) in cases {
        let mut args = vec!["sort", "l", "by", "w_*", "alpha"];
        args.extend_from_slice(opts);
        c.expect(&args, &arr(want));
    }
    // Without a window the sort is stable.
    c.expect(
        &["sort", "l", "by", "nokey_*", "alpha"],
        &arr(&letters.iter().map(String::as_str).collect::<Vec<_>>()),
    );

    // Over 40 elements the pivot is a median of medians.
    let names: Vec<String> = (1..=60).map(|i| format!("e{i}")).collect();
    let mut push = vec!["rpush", "big"];
    push.extend(names.iter().map(String::as_str));
    c.int(&push);
    for i in (3..=60).step_by(3) {
        c.expect(&["set", &format!("v_e{i}"), "k"], "+OK\r\n");
    }
    let cases: [(&[&str], &[&str]); 3] = [
        (
            &["limit", "0", "7"],
            &["e46", "e2", "e31", "e32", "e34", "e35", "e37"],
        ),
        (
            &["limit", "20", "10"],
            &[
                "e58", "e59", "e4", "e5", "e7", "e8", "e10", "e11", "e13", "e14",
            ],
        ),
        (
            &["desc", "limit", "5", "9"],
            &["e21", "e15", "e48", "e33", "e6", "e51", "e24", "e36", "e54"],
        ),
    ];
    for (opts, want) in cases {
        let mut args = vec!["sort", "big", "by", "v_*", "alpha"];
        args.extend_from_slice(opts);
        c.expect(&args, &arr(want));
    }
}

/// ALPHA compares C strings (`strcoll`) when replying, so bytes after a
/// NUL are not seen, but whole strings when storing; numeric weights are
/// read up to the NUL.
#[test]
fn embedded_nul_bytes() {
    let (_s, mut c) = setup();
    c.int(&["rpush", "l", "a\0z", "b", "a\0b", "a"]);
    c.expect(&["sort", "l", "alpha"], &arr(&["a\0z", "a\0b", "a", "b"]));
    c.expect(
        &["sort", "l", "alpha", "desc"],
        &arr(&["b", "a\0z", "a\0b", "a"]),
    );
    assert_eq!(c.int(&["sort", "l", "alpha", "store", "d"]), 4);
    c.expect(
        &["lrange", "d", "0", "-1"],
        &arr(&["a", "a\0b", "a\0z", "b"]),
    );
    c.int(&["rpush", "n", "3\0x", "2", "10\0"]);
    c.expect(&["sort", "n"], &arr(&["2", "3\0x", "10\0"]));
}

/// A list created by STORE serves a client blocked on its key.
#[test]
fn store_serves_blocked_clients() {
    let (s, mut c) = setup();
    let mut waiter = Conn::open(&s);
    waiter.send(&["blpop", "dst", "0"]);
    // The waiter is blocked once CLIENT LIST shows it in BLPOP.
    assert!(common::wait_until(
        std::time::Duration::from_secs(5),
        || { c.call(&["client", "list"]).contains("cmd=blpop") }
    ));
    c.int(&["rpush", "l", "2", "1"]);
    assert_eq!(c.int(&["sort", "l", "store", "dst"]), 2);
    assert_eq!(waiter.read(), arr(&["dst", "1"]));
    c.expect(&["lrange", "dst", "0", "-1"], &arr(&["2"]));
}

/// Under RESP3 a missing GET value is the RESP3 null.
#[test]
fn resp3_nulls() {
    let (_s, mut c) = setup();
    c.send(&["hello", "3"]);
    c.read();
    c.int(&["rpush", "l", "1"]);
    c.expect(
        &["sort", "l", "get", "nokey_*", "get", "#"],
        "*2\r\n_\r\n$1\r\n1\r\n",
    );
}

#[test]
fn command_getkeys_finds_the_store_destination() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(
        &["COMMAND", "GETKEYS", "SORT", "l", "STORE", "d"],
        &arr(&["l", "d"]),
    );
    // LIMIT, BY and GET skip their arguments; the last STORE wins.
    c.expect(
        &[
            "COMMAND", "GETKEYS", "SORT", "l", "LIMIT", "0", "1", "STORE", "d", "BY", "w", "GET",
            "#", "STORE", "e",
        ],
        &arr(&["l", "e"]),
    );
    c.expect(
        &[
            "COMMAND", "GETKEYS", "SORT", "l", "BY", "store", "GET", "store",
        ],
        &arr(&["l"]),
    );
    c.expect(&["COMMAND", "GETKEYS", "SORT", "l", "STORE"], &arr(&["l"]));
    c.expect(
        &["COMMAND", "GETKEYS", "SORT_RO", "l", "BY", "x", "GET", "y"],
        &arr(&["l"]),
    );
    c.expect(
        &["COMMAND", "GETKEYSANDFLAGS", "SORT", "l", "STORE", "d"],
        "*2\r\n*2\r\n$1\r\nl\r\n*2\r\n+RO\r\n+access\r\n\
         *2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n",
    );
}
