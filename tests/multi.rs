//! Transactions (multi.c): MULTI/EXEC/DISCARD/WATCH/UNWATCH, checked
//! against what Redis 7.0.15 sends.
//!
//! The error and reply cases run on ferrodis and on a live redis-server
//! side by side and must match byte for byte. The rest checks what a
//! transaction guarantees: nothing interleaves with EXEC, clients a
//! transaction wakes are served after it, and WATCH fails EXEC exactly
//! when Redis 7.0 does (writes by others, expiry, flushes, swaps, renames;
//! not the client's own writes inside the transaction, not a no-op).
//! Every test passes with `FERRODIS_TEST_TARGET=redis`.

mod common;

use common::{wait_until, Conn, Server, DEADLINE};

const OK: &str = "+OK\r\n";
const QUEUED: &str = "+QUEUED\r\n";
const NULL_ARRAY: &str = "*-1\r\n";
const DEBUG_YES: &[&str] = &["--enable-debug-command", "yes"];

/// Runs `script` on both connections and asserts identical replies.
fn same_replies(ours: &mut Conn, theirs: &mut Conn, script: &[&[&str]]) {
    for args in script {
        let want = theirs.call(args);
        let got = ours.call(args);
        assert_eq!(got, want, "reply to {args:?} differs from redis-server's");
    }
}

/// MULTI, the queued commands, EXEC; returns EXEC's reply.
fn transaction(c: &mut Conn, commands: &[&[&str]]) -> String {
    c.expect(&["MULTI"], OK);
    for args in commands {
        c.expect(args, QUEUED);
    }
    c.call(&["EXEC"])
}

#[test]
fn errors_and_replies_match_redis() {
    let server = Server::start(&[]);
    let redis = Server::start_redis(&[]);
    let (mut ours, mut theirs) = (Conn::open(&server), Conn::open(&redis));
    let script: &[&[&str]] = &[
        &["EXEC"],
        &["DISCARD"],
        &["EXEC", "x"],
        &["MULTI", "x"],
        &["MULTI"],
        &["MULTI"],
        &["WATCH", "x"],
        &["SET", "a", "1"],
        &["NOSUCH", "cmd"],
        &["GET"],
        &["EXEC"],
        &["EXEC"],
        // A runtime error takes its slot; the other commands run.
        &["MULTI"],
        &["SET", "a", "b"],
        &["ZPOPMIN", "a"],
        &["INCR", "a"],
        &["GET", "a"],
        &["EXEC"],
        // EXEC rejected before running: the transaction goes, with why.
        &["MULTI"],
        &["SET", "a", "c"],
        &["EXEC", "x"],
        &["EXEC"],
        &["GET", "a"],
        // Commands a transaction may not hold doom it.
        &["MULTI"],
        &["SHUTDOWN"],
        &["EXEC"],
        // DISCARD drops the queue.
        &["MULTI"],
        &["SET", "a", "d"],
        &["DISCARD"],
        &["GET", "a"],
        &["MULTI"],
        &["EXEC"],
        // WATCH's and UNWATCH's arity; UNWATCH is queued inside MULTI.
        &["WATCH"],
        &["UNWATCH", "x"],
        &["MULTI"],
        &["UNWATCH"],
        &["PING"],
        &["ECHO", "hi"],
        &["EXEC"],
        // Blocking commands answer at once, as if they timed out.
        &["DEL", "nolist"],
        &["MULTI"],
        &["BLMOVE", "nolist", "b", "left", "left", "0"],
        &["BRPOPLPUSH", "nolist", "b", "0"],
        &["BLPOP", "nolist", "0"],
        &["BLMPOP", "0", "1", "nolist", "LEFT"],
        &["BZMPOP", "0", "1", "nolist", "MIN"],
        &["BZPOPMAX", "nolist", "0"],
        &["EXEC"],
        // SELECT inside the transaction stays selected.
        &["MULTI"],
        &["SELECT", "3"],
        &["SET", "in3", "x"],
        &["EXEC"],
        &["GET", "in3"],
        &["SELECT", "0"],
        // RESET leaves MULTI.
        &["MULTI"],
        &["RESET"],
        &["EXEC"],
    ];
    same_replies(&mut ours, &mut theirs, script);
    // RESP3: nulls and the empty transaction. HELLO's reply holds the
    // server's name and the client id, so it is only checked for shape.
    for c in [&mut ours, &mut theirs] {
        assert!(c.call(&["HELLO", "3"]).starts_with('%'));
    }
    let resp3: &[&[&str]] = &[
        &["MULTI"],
        &["BLPOP", "nolist", "0"],
        &["GET", "nokey"],
        &["EXEC"],
        &["MULTI"],
        &["EXEC"],
    ];
    same_replies(&mut ours, &mut theirs, resp3);
}

// EXEC runs its commands in one go: a client incrementing the same
// counter at full speed never lands between two of them.
#[test]
fn exec_is_atomic() {
    let server = Server::start(&[]);
    let addr = server.addr();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop2 = stop.clone();
    let hammer = std::thread::spawn(move || {
        let mut c = Conn {
            stream: std::net::TcpStream::connect(addr).expect("connect"),
            buf: Vec::new(),
        };
        let mut n = 0;
        while !stop2.load(std::sync::atomic::Ordering::Relaxed) {
            c.int(&["INCR", "counter"]);
            n += 1;
        }
        n
    });
    let mut c = Conn::open(&server);
    let incrs: Vec<&[&str]> = vec![&["INCR", "counter"]; 500];
    for _ in 0..5 {
        let reply = transaction(&mut c, &incrs);
        let values: Vec<i64> = reply
            .lines()
            .skip(1)
            .filter_map(|l| l.strip_prefix(':')?.trim().parse().ok())
            .collect();
        assert_eq!(values.len(), 500, "{reply}");
        for pair in values.windows(2) {
            assert_eq!(pair[1], pair[0] + 1, "another INCR ran inside EXEC");
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let others = hammer.join().expect("hammer thread");
    assert!(others > 0);
}

// A client blocked on a list that the transaction pushes to is served
// after EXEC: inside, the transaction sees both elements.
#[test]
fn clients_woken_by_a_transaction_are_served_after_it() {
    let server = Server::start(&[]);
    let mut waiter = Conn::open(&server);
    let mut admin = Conn::open(&server);
    waiter.send(&["BLPOP", "l", "0"]);
    assert!(wait_until(DEADLINE, || {
        admin
            .call(&["INFO", "clients"])
            .contains("blocked_clients:1\r\n")
    }));
    let mut c = Conn::open(&server);
    let reply = transaction(
        &mut c,
        &[
            &["RPUSH", "l", "a"],
            &["RPUSH", "l", "b"],
            &["LRANGE", "l", "0", "-1"],
        ],
    );
    assert_eq!(reply, "*3\r\n:1\r\n:2\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n");
    assert_eq!(waiter.read(), "*2\r\n$1\r\nl\r\n$1\r\na\r\n");
    assert_eq!(c.call(&["LRANGE", "l", "0", "-1"]), "*1\r\n$1\r\nb\r\n");
}

// WATCH: a write by another client fails EXEC; the client's own writes
// inside the transaction do not; UNWATCH and DISCARD forget the watch.
#[test]
fn watch_fails_exec_when_another_client_writes() {
    let server = Server::start(&[]);
    let mut a = Conn::open(&server);
    let mut b = Conn::open(&server);
    a.expect(&["SET", "k", "1"], OK);

    a.expect(&["WATCH", "k"], OK);
    b.expect(&["SET", "k", "2"], OK);
    assert_eq!(transaction(&mut a, &[&["SET", "x", "1"]]), NULL_ARRAY);
    // The failed EXEC forgot the watch: the next transaction runs.
    assert_eq!(transaction(&mut a, &[&["SET", "x", "1"]]), "*1\r\n+OK\r\n");

    // Own write inside the transaction: fine.
    a.expect(&["WATCH", "k"], OK);
    assert_eq!(transaction(&mut a, &[&["SET", "k", "3"]]), "*1\r\n+OK\r\n");
    // Own write between WATCH and MULTI: a change like any other.
    a.expect(&["WATCH", "k"], OK);
    a.expect(&["SET", "k", "4"], OK);
    assert_eq!(transaction(&mut a, &[&["GET", "k"]]), NULL_ARRAY);

    // UNWATCH forgets.
    a.expect(&["WATCH", "k"], OK);
    a.expect(&["UNWATCH"], OK);
    b.expect(&["SET", "k", "5"], OK);
    assert_eq!(transaction(&mut a, &[&["GET", "k"]]), "*1\r\n$1\r\n5\r\n");
    // DISCARD forgets too.
    a.expect(&["WATCH", "k"], OK);
    a.expect(&["MULTI"], OK);
    a.expect(&["DISCARD"], OK);
    b.expect(&["SET", "k", "6"], OK);
    assert_eq!(transaction(&mut a, &[&["GET", "k"]]), "*1\r\n$1\r\n6\r\n");

    // A write that changes nothing is no change.
    a.expect(&["SADD", "s", "m"], ":1\r\n");
    a.expect(&["WATCH", "s", "nokey"], OK);
    b.expect(&["SADD", "s", "m"], ":0\r\n");
    b.expect(&["DEL", "nokey"], ":0\r\n");
    assert_eq!(transaction(&mut a, &[&["SCARD", "s"]]), "*1\r\n:1\r\n");

    // Watching several keys: any one of them.
    a.expect(&["WATCH", "s", "k", "other"], OK);
    b.expect(&["LPUSH", "other", "x"], ":1\r\n");
    assert_eq!(transaction(&mut a, &[&["GET", "k"]]), NULL_ARRAY);

    // Deletion, expiry set, rename onto the key, a write in another
    // database to a key of the same name (no change).
    for (setup, write) in [
        (&["SET", "k", "v"][..], &["DEL", "k"][..]),
        (&["SET", "k", "v"], &["EXPIRE", "k", "100"]),
        (&["SET", "k", "v"], &["RENAME", "src", "k"]),
        (&["SET", "k", "v"], &["HSET", "k2", "f", "v"]),
    ] {
        a.call(setup);
        b.expect(&["SET", "src", "s"], OK);
        a.expect(&["WATCH", "k"], OK);
        b.call(write);
        let want = if write[1] == "k2" {
            "*1\r\n+PONG\r\n"
        } else {
            NULL_ARRAY
        };
        assert_eq!(transaction(&mut a, &[&["PING"]]), want, "after {write:?}");
    }
    b.expect(&["SELECT", "1"], OK);
    a.expect(&["SET", "k", "v"], OK);
    a.expect(&["WATCH", "k"], OK);
    b.expect(&["SET", "k", "other-db"], OK);
    assert_eq!(transaction(&mut a, &[&["PING"]]), "*1\r\n+PONG\r\n");
}

// Expiry and WATCH, as Redis 7.0 decides: a key alive at WATCH that
// expires before EXEC is a change (even before anything deletes it); a
// key already expired at WATCH is no change when it is deleted, and a
// change when it is written again.
#[test]
fn watch_and_expiry() {
    let server = Server::start(DEBUG_YES);
    let mut a = Conn::open(&server);
    let mut b = Conn::open(&server);
    a.expect(&["DEBUG", "SET-ACTIVE-EXPIRE", "0"], OK);
    // `key` expires in `ms` milliseconds.
    let expire_in = |c: &mut Conn, key: &str, ms: &str| {
        c.expect(&["SET", key, "v", "PX", ms], OK);
    };
    // Waits until every key given a TTL of `ms` so far has expired,
    // without touching them (a read would delete them): a clock key set
    // now with the same TTL expires last.
    let wait_expired = |c: &mut Conn, ms: &str| {
        c.expect(&["SET", "clock", "v", "PX", ms], OK);
        assert!(wait_until(DEADLINE, || c.int(&["PTTL", "clock"]) == -2));
    };

    // Alive at WATCH, expired by EXEC: EXEC fails.
    expire_in(&mut a, "k1", "300");
    a.expect(&["WATCH", "k1"], OK);
    wait_expired(&mut b, "300");
    assert_eq!(transaction(&mut a, &[&["PING"]]), NULL_ARRAY);

    // Already expired at WATCH, then deleted by another client's read:
    // no change.
    expire_in(&mut a, "k2", "5");
    wait_expired(&mut b, "5");
    a.expect(&["WATCH", "k2"], OK);
    b.expect(&["GET", "k2"], "$-1\r\n");
    assert_eq!(transaction(&mut a, &[&["PING"]]), "*1\r\n+PONG\r\n");

    // Already expired at WATCH, then written by another client: change.
    expire_in(&mut a, "k3", "5");
    wait_expired(&mut b, "5");
    a.expect(&["WATCH", "k3"], OK);
    b.expect(&["SET", "k3", "new"], OK);
    assert_eq!(transaction(&mut a, &[&["PING"]]), NULL_ARRAY);

    // Already expired at WATCH, then FLUSHDB: no change.
    expire_in(&mut a, "k4", "5");
    wait_expired(&mut b, "5");
    a.expect(&["WATCH", "k4"], OK);
    b.expect(&["FLUSHDB"], OK);
    assert_eq!(transaction(&mut a, &[&["PING"]]), "*1\r\n+PONG\r\n");
}

// FLUSHDB, FLUSHALL and SWAPDB touch the watched keys they change.
#[test]
fn watch_and_flushes_and_swaps() {
    let server = Server::start(&[]);
    let mut a = Conn::open(&server);
    let mut b = Conn::open(&server);
    let pong = "*1\r\n+PONG\r\n";

    // FLUSHALL removing a watched key: change.
    a.expect(&["SET", "k", "v"], OK);
    a.expect(&["WATCH", "k"], OK);
    b.expect(&["FLUSHALL"], OK);
    assert_eq!(transaction(&mut a, &[&["PING"]]), NULL_ARRAY);
    // FLUSHDB when the watched key does not exist: no change.
    a.expect(&["WATCH", "nokey"], OK);
    b.expect(&["FLUSHDB"], OK);
    assert_eq!(transaction(&mut a, &[&["PING"]]), pong);
    // FLUSHDB of another database: no change.
    a.expect(&["SET", "k", "v"], OK);
    a.expect(&["WATCH", "k"], OK);
    b.expect(&["SELECT", "1"], OK);
    b.expect(&["FLUSHDB"], OK);
    assert_eq!(transaction(&mut a, &[&["PING"]]), pong);

    // SWAPDB bringing a key in where there was none: change.
    b.expect(&["SET", "sk", "1"], OK);
    a.expect(&["WATCH", "sk"], OK);
    b.expect(&["SWAPDB", "0", "1"], OK);
    assert_eq!(transaction(&mut a, &[&["PING"]]), NULL_ARRAY);
    // SWAPDB when the key is in neither: no change.
    a.expect(&["WATCH", "none"], OK);
    b.expect(&["SWAPDB", "0", "1"], OK);
    assert_eq!(transaction(&mut a, &[&["PING"]]), pong);
}

// A client that disconnects in the middle of a transaction, or while
// watching, leaves nothing behind: writes to its keys go on, and other
// clients' transactions are unaffected.
#[test]
fn disconnect_cleans_up() {
    let server = Server::start(&[]);
    let mut b = Conn::open(&server);
    for _ in 0..20 {
        let mut a = Conn::open(&server);
        a.expect(&["WATCH", "k", "j"], OK);
        a.expect(&["MULTI"], OK);
        a.expect(&["SET", "k", "from-a"], QUEUED);
        drop(a);
    }
    assert!(wait_until(DEADLINE, || {
        b.call(&["CLIENT", "LIST"]).matches("id=").count() == 1
    }));
    b.expect(&["SET", "k", "b"], OK);
    b.expect(&["GET", "k"], "$1\r\nb\r\n");
    b.expect(&["WATCH", "k"], OK);
    assert_eq!(transaction(&mut b, &[&["GET", "k"]]), "*1\r\n$1\r\nb\r\n");
}

// CLIENT LIST shows the transaction: flag x and the queue length, and
// flag d once a watched key changed.
#[test]
fn client_list_shows_the_transaction() {
    let server = Server::start(&[]);
    let mut a = Conn::open(&server);
    let mut b = Conn::open(&server);
    let line = |a: &mut Conn| a.call(&["CLIENT", "INFO"]);
    assert!(line(&mut a).contains(" multi=-1 "));
    a.expect(&["WATCH", "k"], OK);
    b.expect(&["SET", "k", "1"], OK);
    a.expect(&["MULTI"], OK);
    a.expect(&["SET", "x", "1"], QUEUED);
    a.expect(&["SET", "y", "2"], QUEUED);
    // CLIENT INFO itself would be queued; look from the other connection.
    // A doomed transaction queues nothing more (multi=0), as in Redis.
    let list = b.call(&["CLIENT", "LIST"]);
    let mine = list
        .lines()
        .find(|l| l.contains(" flags=x"))
        .unwrap_or_else(|| panic!("no client in MULTI in {list}"));
    assert!(mine.contains(" flags=xd "), "{mine}");
    assert!(mine.contains(" multi=0 "), "{mine}");
    b.expect(&["MULTI"], OK);
    b.expect(&["SET", "x", "1"], QUEUED);
    b.expect(&["SET", "y", "2"], QUEUED);
    let list = Conn::open(&server).call(&["CLIENT", "LIST"]);
    let theirs = list
        .lines()
        .find(|l| l.contains(" flags=x "))
        .unwrap_or_else(|| panic!("no clean transaction in {list}"));
    assert!(theirs.contains(" multi=2 "), "{theirs}");
    b.expect(&["DISCARD"], OK);
    assert_eq!(a.call(&["EXEC"]), NULL_ARRAY);
    assert!(line(&mut a).contains(" flags=N "));
}

// CLIENT PAUSE WRITE holds an EXEC whose queue writes, until the pause
// ends; a read-only EXEC runs.
#[test]
fn client_pause_write_holds_a_writing_exec() {
    let server = Server::start(&[]);
    let mut a = Conn::open(&server);
    let mut admin = Conn::open(&server);
    a.expect(&["MULTI"], OK);
    a.expect(&["GET", "k"], QUEUED);
    admin.expect(&["CLIENT", "PAUSE", "100000", "WRITE"], OK);
    assert_eq!(a.call(&["EXEC"]), "*1\r\n$-1\r\n");
    admin.expect(&["CLIENT", "UNPAUSE"], OK);
    a.expect(&["MULTI"], OK);
    a.expect(&["SET", "k", "v"], QUEUED);
    admin.expect(&["CLIENT", "PAUSE", "100000", "WRITE"], OK);
    a.send(&["EXEC"]);
    assert!(wait_until(DEADLINE, || {
        admin
            .call(&["CLIENT", "LIST"])
            .lines()
            .any(|l| l.contains(" flags=xb "))
    }));
    admin.expect(&["GET", "k"], "$-1\r\n");
    admin.expect(&["CLIENT", "UNPAUSE"], OK);
    assert_eq!(a.read(), "*1\r\n+OK\r\n");
    admin.expect(&["GET", "k"], "$1\r\nv\r\n");
}
