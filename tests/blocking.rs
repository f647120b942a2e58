//! Blocking commands (blocked.c, and the blocking parts of t_list.c and
//! t_zset.c): BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN,
//! BZPOPMAX and BZMPOP. Waiters are served in arrival order by a later
//! push from another client, time out with a null reply, hold back their
//! pipelined commands, and leave the waiting lists on CLIENT UNBLOCK,
//! CLIENT KILL and disconnect.
//!
//! A test waits for a client to be blocked by polling INFO's
//! `blocked_clients`, never by sleeping. Every expectation here was
//! checked with `FERRODIS_TEST_TARGET=redis`.

mod common;

use std::io::{ErrorKind, Read};
use std::time::{Duration, Instant};

use common::{wait_until, Conn, Server, DEADLINE};

const NIL_ARRAY: &str = "*-1\r\n";
const WRONGTYPE: &str = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

fn bulk(s: &str) -> String {
    format!("${}\r\n{s}\r\n", s.len())
}

fn arr(items: &[&str]) -> String {
    let mut s = format!("*{}\r\n", items.len());
    for i in items {
        s.push_str(&bulk(i));
    }
    s
}

/// INFO's `blocked_clients`.
fn blocked_clients(admin: &mut Conn) -> usize {
    let info = admin.call(&["INFO", "clients"]);
    info.lines()
        .find_map(|l| l.strip_prefix("blocked_clients:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("blocked_clients in INFO")
}

/// Waits until exactly `n` clients are blocked.
fn wait_blocked(admin: &mut Conn, n: usize) {
    assert!(
        wait_until(DEADLINE, || blocked_clients(admin) == n),
        "expected {n} blocked clients"
    );
}

/// Asserts that nothing arrives on `c` for a short while.
fn assert_silent(c: &mut Conn) {
    assert!(c.buf.is_empty(), "unexpected {:?}", c.buf);
    c.stream
        .set_read_timeout(Some(Duration::from_millis(50)))
        .ok();
    let mut b = [0u8; 64];
    match c.stream.read(&mut b) {
        Ok(n) => panic!("unexpected reply {:?}", String::from_utf8_lossy(&b[..n])),
        Err(e) => assert!(
            matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
            "{e}"
        ),
    }
}

/// Sends `args` on `c` and waits until `blocked` clients are blocked.
fn block(c: &mut Conn, admin: &mut Conn, args: &[&str], blocked: usize) {
    c.send(args);
    wait_blocked(admin, blocked);
}

#[test]
fn blpop_is_served_by_a_later_push() {
    let server = Server::start(&[]);
    let (mut a, mut b) = (Conn::open(&server), Conn::open(&server));
    block(&mut a, &mut b, &["BLPOP", "l", "0"], 1);
    b.expect(&["RPUSH", "l", "x", "y"], ":2\r\n");
    assert_eq!(a.read(), arr(&["l", "x"]));
    b.expect(&["LRANGE", "l", "0", "-1"], &arr(&["y"]));
    wait_blocked(&mut b, 0);
    // A non-empty key is served at once, the first non-empty key first.
    b.expect(&["RPUSH", "l2", "z"], ":1\r\n");
    b.expect(&["BLPOP", "none", "l2", "l", "0"], &arr(&["l2", "z"]));
    b.expect(&["BRPOP", "l", "1"], &arr(&["l", "y"]));
}

#[test]
fn waiters_are_served_in_arrival_order() {
    let server = Server::start(&[]);
    let mut admin = Conn::open(&server);
    let mut clients: Vec<Conn> = (0..3).map(|_| Conn::open(&server)).collect();
    for (i, c) in clients.iter_mut().enumerate() {
        block(c, &mut admin, &["BRPOP", "q", "0"], i + 1);
    }
    // Two elements for three waiters: the last one keeps waiting, and no
    // other client sees the elements.
    admin.send(&["LPUSH", "q", "a", "b"]);
    admin.send(&["LLEN", "q"]);
    assert_eq!(admin.read(), ":2\r\n");
    assert_eq!(admin.read(), ":0\r\n");
    assert_eq!(clients[0].read(), arr(&["q", "a"]));
    assert_eq!(clients[1].read(), arr(&["q", "b"]));
    assert_silent(&mut clients[2]);
    admin.expect(&["RPUSH", "q", "c"], ":1\r\n");
    assert_eq!(clients[2].read(), arr(&["q", "c"]));
    wait_blocked(&mut admin, 0);
}

#[test]
fn timeouts_reply_null() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    let start = Instant::now();
    c.expect(&["BLPOP", "l", "0.1"], NIL_ARRAY);
    assert!(start.elapsed() >= Duration::from_millis(90));
    c.expect(&["BLMOVE", "l", "d", "LEFT", "LEFT", "0.05"], NIL_ARRAY);
    c.expect(&["BLMPOP", "0.05", "1", "l", "LEFT"], NIL_ARRAY);
    c.expect(&["BZPOPMIN", "z", "0.05"], NIL_ARRAY);
    c.expect(&["BZMPOP", "0.05", "1", "z", "MIN"], NIL_ARRAY);
    // RESP3 sends its null.
    c.call(&["HELLO", "3"]);
    c.expect(&["BRPOP", "l", "0.05"], "_\r\n");
    c.expect(&["BZPOPMAX", "z", "0.05"], "_\r\n");
}

#[test]
fn timeout_zero_waits_until_served() {
    let server = Server::start(&[]);
    let (mut a, mut b) = (Conn::open(&server), Conn::open(&server));
    block(&mut a, &mut b, &["BRPOPLPUSH", "s", "d", "0"], 1);
    assert_silent(&mut a);
    b.expect(&["RPUSH", "s", "1", "2"], ":2\r\n");
    assert_eq!(a.read(), bulk("2"));
    b.expect(&["LRANGE", "d", "0", "-1"], &arr(&["2"]));
}

#[test]
fn blmove_destination_push_wakes_the_next_waiter() {
    let server = Server::start(&[]);
    let mut admin = Conn::open(&server);
    let (mut a, mut b) = (Conn::open(&server), Conn::open(&server));
    block(
        &mut a,
        &mut admin,
        &["BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"],
        1,
    );
    block(&mut b, &mut admin, &["BLPOP", "dst", "0"], 2);
    admin.send(&["RPUSH", "src", "x"]);
    admin.send(&["EXISTS", "src", "dst"]);
    assert_eq!(admin.read(), ":1\r\n");
    assert_eq!(admin.read(), ":0\r\n");
    assert_eq!(a.read(), bulk("x"));
    assert_eq!(b.read(), arr(&["dst", "x"]));
    // LMOVE from another client wakes a waiter too.
    block(&mut a, &mut admin, &["BLPOP", "d2", "0"], 1);
    admin.expect(&["RPUSH", "s2", "y"], ":1\r\n");
    admin.expect(&["LMOVE", "s2", "d2", "LEFT", "LEFT"], &bulk("y"));
    assert_eq!(a.read(), arr(&["d2", "y"]));
}

#[test]
fn blmpop_pops_from_the_first_ready_key() {
    let server = Server::start(&[]);
    let (mut a, mut b) = (Conn::open(&server), Conn::open(&server));
    block(
        &mut a,
        &mut b,
        &["BLMPOP", "0", "2", "a", "b", "RIGHT", "COUNT", "2"],
        1,
    );
    b.expect(&["RPUSH", "b", "1", "2", "3"], ":3\r\n");
    assert_eq!(a.read(), "*2\r\n$1\r\nb\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n");
    b.expect(
        &["BLMPOP", "0", "2", "a", "b", "LEFT"],
        "*2\r\n$1\r\nb\r\n*1\r\n$1\r\n1\r\n",
    );
}

#[test]
fn sorted_set_pops() {
    let server = Server::start(&[]);
    let (mut a, mut b) = (Conn::open(&server), Conn::open(&server));
    block(&mut a, &mut b, &["BZPOPMIN", "z", "y", "0"], 1);
    b.expect(&["ZADD", "y", "2", "m", "1", "n"], ":2\r\n");
    assert_eq!(a.read(), arr(&["y", "n", "1"]));
    b.expect(&["BZPOPMAX", "y", "0"], &arr(&["y", "m", "2"]));
    b.expect(&["EXISTS", "y"], ":0\r\n");
    block(
        &mut a,
        &mut b,
        &["BZMPOP", "0", "1", "z", "MAX", "COUNT", "5"],
        1,
    );
    b.expect(&["ZADD", "z", "1", "a", "2.5", "b"], ":2\r\n");
    assert_eq!(
        a.read(),
        "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nb\r\n$3\r\n2.5\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"
    );
    block(&mut a, &mut b, &["BZPOPMAX", "z", "0"], 1);
    b.expect(&["ZADD", "z", "3", "c"], ":1\r\n");
    assert_eq!(a.read(), arr(&["z", "c", "3"]));
}

#[test]
fn pipelined_commands_wait_until_served() {
    let server = Server::start(&[]);
    let (mut a, mut b) = (Conn::open(&server), Conn::open(&server));
    a.send(&["BLPOP", "l", "0"]);
    a.send(&["PING"]);
    a.send(&["LLEN", "l"]);
    wait_blocked(&mut b, 1);
    assert_silent(&mut a);
    b.expect(&["RPUSH", "l", "x", "y"], ":2\r\n");
    assert_eq!(a.read(), arr(&["l", "x"]));
    assert_eq!(a.read(), "+PONG\r\n");
    assert_eq!(a.read(), ":1\r\n");
}

#[test]
fn client_unblock() {
    let server = Server::start(&[]);
    let (mut a, mut b) = (Conn::open(&server), Conn::open(&server));
    let id = a.int(&["CLIENT", "ID"]).to_string();
    b.expect(&["CLIENT", "UNBLOCK", &id], ":0\r\n");
    block(&mut a, &mut b, &["BLPOP", "l", "0"], 1);
    b.expect(&["CLIENT", "UNBLOCK", &id, "TIMEOUT"], ":1\r\n");
    assert_eq!(a.read(), NIL_ARRAY);
    block(&mut a, &mut b, &["BZPOPMIN", "z", "0"], 1);
    b.expect(&["CLIENT", "UNBLOCK", &id, "ERROR"], ":1\r\n");
    assert_eq!(
        a.read(),
        "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
    );
    wait_blocked(&mut b, 0);
    b.expect(&["CLIENT", "UNBLOCK", &id], ":0\r\n");
    b.expect(
        &["CLIENT", "UNBLOCK", &id, "MAYBE"],
        "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n",
    );
    b.expect(
        &["CLIENT", "UNBLOCK", "x"],
        "-ERR value is not an integer or out of range\r\n",
    );
    // The unblocked client goes on as usual.
    a.expect(&["PING"], "+PONG\r\n");
}

#[test]
fn killed_and_disconnected_waiters_lose_nothing() {
    let server = Server::start(&[]);
    let mut admin = Conn::open(&server);
    let mut a = Conn::open(&server);
    let id = a.int(&["CLIENT", "ID"]).to_string();
    block(&mut a, &mut admin, &["BLPOP", "k", "0"], 1);
    // The push comes in the same read as the kill: the dying client must
    // not take the element.
    admin.send(&["CLIENT", "KILL", "ID", &id]);
    admin.send(&["RPUSH", "k", "x"]);
    assert_eq!(admin.read(), ":1\r\n");
    assert_eq!(admin.read(), ":1\r\n");
    wait_blocked(&mut admin, 0);
    admin.expect(&["LLEN", "k"], ":1\r\n");

    let mut c = Conn::open(&server);
    block(&mut c, &mut admin, &["BZPOPMIN", "z", "0"], 1);
    drop(c);
    wait_blocked(&mut admin, 0);
    admin.expect(&["ZADD", "z", "1", "m"], ":1\r\n");
    admin.expect(&["ZCARD", "z"], ":1\r\n");
}

#[test]
fn argument_errors() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["SET", "s", "v"], "+OK\r\n");
    c.expect(&["BLPOP", "s", "0"], WRONGTYPE);
    c.expect(&["BLPOP", "none", "s", "0"], WRONGTYPE);
    c.expect(&["BRPOPLPUSH", "s", "d", "0"], WRONGTYPE);
    c.expect(&["BZPOPMIN", "s", "0"], WRONGTYPE);
    c.expect(&["BZMPOP", "0", "1", "s", "MIN"], WRONGTYPE);
    c.expect(&["BLMPOP", "0", "1", "s", "LEFT"], WRONGTYPE);
    let not_float = "-ERR timeout is not a float or out of range\r\n";
    c.expect(&["BLPOP", "l", "abc"], not_float);
    c.expect(&["BZPOPMAX", "l", "1x"], not_float);
    c.expect(&["BLMPOP", "x", "1", "l", "LEFT"], not_float);
    c.expect(&["BLPOP", "l", "-1"], "-ERR timeout is negative\r\n");
    c.expect(
        &["BLMOVE", "a", "b", "UP", "LEFT", "0"],
        "-ERR syntax error\r\n",
    );
    c.expect(
        &["BLMPOP", "0", "0", "l", "LEFT"],
        "-ERR numkeys should be greater than 0\r\n",
    );
    c.expect(&["BLMPOP", "0", "2", "l", "LEFT"], "-ERR syntax error\r\n");
    c.expect(&["BZMPOP", "0", "1", "l", "LEFT"], "-ERR syntax error\r\n");
    c.expect(
        &["BZMPOP", "0", "1", "l", "MIN", "COUNT", "0"],
        "-ERR count should be greater than 0\r\n",
    );
    c.expect(
        &["BLPOP", "l"],
        "-ERR wrong number of arguments for 'blpop' command\r\n",
    );
}

#[test]
fn a_key_of_another_type_keeps_the_waiter_waiting() {
    let server = Server::start(&[]);
    let (mut a, mut b) = (Conn::open(&server), Conn::open(&server));
    block(&mut a, &mut b, &["BLPOP", "k", "0"], 1);
    b.expect(&["ZADD", "k", "1", "m"], ":1\r\n");
    assert_silent(&mut a);
    b.expect(&["DEL", "k"], ":1\r\n");
    b.expect(&["RPUSH", "k", "v"], ":1\r\n");
    assert_eq!(a.read(), arr(&["k", "v"]));
}

#[test]
fn resp3_replies() {
    let server = Server::start(&[]);
    let (mut a, mut b) = (Conn::open(&server), Conn::open(&server));
    a.call(&["HELLO", "3"]);
    block(&mut a, &mut b, &["BZPOPMIN", "z", "0"], 1);
    b.expect(&["ZADD", "z", "1.5", "m"], ":1\r\n");
    assert_eq!(a.read(), "*3\r\n$1\r\nz\r\n$1\r\nm\r\n,1.5\r\n");
    block(&mut a, &mut b, &["BLPOP", "l", "l", "0"], 1);
    b.expect(&["LPUSH", "l", "v"], ":1\r\n");
    assert_eq!(a.read(), arr(&["l", "v"]));
}

// Keys that appear through RENAME, COPY or MOVE wake their waiters, as Redis's dbAdd does.
#[test]
fn keys_created_by_rename_copy_and_move_wake_waiters() {
    let server = Server::start(&[]);
    let (mut a, mut b) = (Conn::open(&server), Conn::open(&server));
    b.expect(&["RPUSH", "src", "1", "2"], ":2\r\n");

    block(&mut a, &mut b, &["BLPOP", "renamed", "0"], 1);
    b.expect(&["RENAME", "src", "renamed"], "+OK\r\n");
    assert_eq!(a.read(), arr(&["renamed", "1"]));
    wait_blocked(&mut b, 0);

    block(&mut a, &mut b, &["BLPOP", "copied", "0"], 1);
    b.expect(&["COPY", "renamed", "copied"], ":1\r\n");
    assert_eq!(a.read(), arr(&["copied", "2"]));
    wait_blocked(&mut b, 0);

    // MOVE into the database the waiter has selected.
    a.expect(&["SELECT", "1"], "+OK\r\n");
    block(&mut a, &mut b, &["BLPOP", "renamed", "0"], 1);
    b.expect(&["MOVE", "renamed", "1"], ":1\r\n");
    assert_eq!(a.read(), arr(&["renamed", "2"]));
}

#[test]
fn swapdb_serves_waiters_from_the_swapped_in_database() {
    let server = Server::start(&[]);
    let (mut a, mut b) = (Conn::open(&server), Conn::open(&server));
    // A waits on l in db 0; a string and a list are prepared in db 1.
    block(&mut a, &mut b, &["BLPOP", "l", "s", "0"], 1);
    b.expect(&["SELECT", "1"], "+OK\r\n");
    b.expect(&["SET", "s", "str"], "+OK\r\n");
    b.expect(&["SWAPDB", "0", "1"], "+OK\r\n");
    // A key of the wrong type does not serve the waiter.
    assert_silent(&mut a);
    wait_blocked(&mut b, 1);
    b.expect(&["SWAPDB", "0", "1"], "+OK\r\n");
    b.expect(&["RPUSH", "l", "x", "y"], ":2\r\n");
    assert_silent(&mut a);
    b.expect(&["SWAPDB", "1", "0"], "+OK\r\n");
    assert_eq!(a.read(), arr(&["l", "x"]));
    wait_blocked(&mut b, 0);
    // A's database 0 is now what was db 1: the rest of the list is there.
    a.expect(&["LRANGE", "l", "0", "-1"], &arr(&["y"]));
    b.expect(&["EXISTS", "l"], ":0\r\n");
}

// Only a created key serves waiters (`dbAdd`), as in Redis 7.0: a list
// stored over an existing key (SORT STORE over a string) is an overwrite
// and signals nothing, and neither do later pushes onto that list; once
// the key is deleted and created again, the waiter is served. RENAME onto
// an existing key deletes it first, so it serves.
#[test]
fn only_created_keys_serve_waiters() {
    let server = Server::start(&[]);
    let (mut a, mut b) = (Conn::open(&server), Conn::open(&server));
    block(&mut a, &mut b, &["BLPOP", "k", "0"], 1);
    b.expect(&["SET", "k", "str"], "+OK\r\n");
    b.expect(&["RPUSH", "src", "1", "2"], ":2\r\n");
    b.expect(&["SORT", "src", "STORE", "k"], ":2\r\n");
    b.expect(&["RPUSH", "k", "3"], ":3\r\n");
    assert_silent(&mut a);
    wait_blocked(&mut b, 1);
    b.expect(&["DEL", "k"], ":1\r\n");
    b.expect(&["RPUSH", "k", "9"], ":1\r\n");
    assert_eq!(a.read(), arr(&["k", "9"]));
    wait_blocked(&mut b, 0);

    block(&mut a, &mut b, &["BLPOP", "dst", "0"], 1);
    b.expect(&["SET", "dst", "str"], "+OK\r\n");
    b.expect(&["RENAME", "src", "dst"], "+OK\r\n");
    assert_eq!(a.read(), arr(&["dst", "1"]));
}
