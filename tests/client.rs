//! CLIENT and its subcommands, and protected mode, checked against what
//! Redis 7.0.15 sends.
//!
//! Deterministic replies (errors, OK, HELP's frame, COMMAND INFO of the
//! subcommands) are compared byte for byte with a live `redis-server`
//! started beside the server under test; CLIENT LIST lines are parsed and
//! their fields checked one by one, since ids, ports and ages differ.
//! Pauses are measured against deadlines: the only waits without a reply
//! are short windows that show a reply did *not* come early. Every test
//! passes with `FERRODIS_TEST_TARGET=redis`, except that CLIENT NO-TOUCH
//! (Redis 7.2) is only checked on ferrodis.

mod common;

use std::io::{ErrorKind, Read};
use std::time::{Duration, Instant};

use common::{read_to_close, wait_until, Conn, Kind, Server, DEADLINE};

impl Conn {
    /// Asserts that nothing arrives for `window`: the one place a test
    /// waits without expecting bytes, to show a reply did not come early.
    fn assert_silent_for(&mut self, window: Duration) {
        assert!(self.buf.is_empty(), "unexpected bytes {:?}", self.buf);
        self.stream.set_read_timeout(Some(window)).ok();
        let mut chunk = [0u8; 1024];
        match self.stream.read(&mut chunk) {
            Ok(0) => panic!("connection closed"),
            Ok(n) => panic!(
                "got {:?} within {window:?}",
                String::from_utf8_lossy(&chunk[..n])
            ),
            Err(e) => assert!(
                matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
                "reading: {e}"
            ),
        }
        self.stream.set_read_timeout(Some(DEADLINE)).ok();
    }

    /// The local `ip:port` of this connection, as the server's `addr=`.
    fn local_addr(&self) -> String {
        self.stream.local_addr().expect("local addr").to_string()
    }
}

/// Sends the same command to both servers and asserts identical replies.
fn assert_same(ours: &mut Conn, redis: &mut Conn, args: &[&str]) -> String {
    let want = redis.call(args);
    let got = ours.call(args);
    assert_eq!(got, want, "reply to {args:?} differs from redis-server's");
    got
}

/// The text of a bulk or verbatim reply (`$n` or `=n` with `txt:`).
fn text_of(reply: &str) -> String {
    let (head, body) = reply.split_once("\r\n").expect("a header line");
    let body = body.strip_suffix("\r\n").expect("CRLF at the end");
    match head.as_bytes()[0] {
        b'$' => body.to_string(),
        b'=' => body.strip_prefix("txt:").expect("txt: prefix").to_string(),
        _ => panic!("not a bulk or verbatim reply: {reply:?}"),
    }
}

/// The fields of one CLIENT LIST line, in order.
fn fields(line: &str) -> Vec<(String, String)> {
    line.split(' ')
        .map(|f| {
            let (k, v) = f.split_once('=').expect("key=value");
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn field<'a>(fields: &'a [(String, String)], key: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {key}= in {fields:?}"))
}

/// CLIENT LIST's lines, parsed.
fn client_list(conn: &mut Conn, args: &[&str]) -> Vec<Vec<(String, String)>> {
    let text = text_of(&conn.call(args));
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "every line ends with a newline: {text:?}"
    );
    text.lines().map(fields).collect()
}

const FIELD_ORDER: &[&str] = &[
    "id",
    "addr",
    "laddr",
    "fd",
    "name",
    "age",
    "idle",
    "flags",
    "db",
    "sub",
    "psub",
    "ssub",
    "multi",
    "qbuf",
    "qbuf-free",
    "argv-mem",
    "multi-mem",
    "rbs",
    "rbp",
    "obl",
    "oll",
    "omem",
    "tot-mem",
    "events",
    "cmd",
    "user",
    "redir",
    "resp",
];

fn arity(cmd: &str) -> String {
    format!("-ERR wrong number of arguments for '{cmd}' command\r\n")
}

// Every CLIENT error path, byte for byte against redis-server.
#[test]
fn client_errors_match_redis() {
    let server = Server::start(&[]);
    let redis = Server::start_redis(&[]);
    let (mut ours, mut theirs) = (Conn::open(&server), Conn::open(&redis));
    let cases: &[&[&str]] = &[
        &["client"],
        &["client", "foo"],
        &["client", "list", "type", "foo"],
        &["client", "list", "type"],
        &["client", "list", "id"],
        &["client", "list", "id", "abc"],
        &["client", "list", "id", "1", "x"],
        &["client", "list", "foo"],
        &["client", "list", "type", "normal", "id", "1"],
        &["client", "list", "id", "0", "-1", "99999"],
        &["client", "list", "type", "pubsub"],
        &["client", "list", "type", "master"],
        &["client", "list", "type", "replica"],
        &["client", "info", "x"],
        &["client", "id", "x"],
        &["client", "setname"],
        &["client", "setname", "a b"],
        &["client", "setname", "a\nb"],
        &["client", "setname", "caf\u{e9}"],
        &["client", "setname", "a", "b"],
        &["client", "getname", "x"],
        &["client", "kill"],
        &["client", "kill", "1.2.3.4:5"],
        &["client", "kill", "id"],
        &["client", "kill", "id", "abc"],
        &["client", "kill", "id", "0"],
        &["client", "kill", "id", "-3"],
        &["client", "kill", "id", "999999"],
        &["client", "kill", "type", "foo"],
        &["client", "kill", "type", "master"],
        &["client", "kill", "type", "pubsub"],
        &["client", "kill", "skipme", "maybe"],
        &["client", "kill", "user", "nosuch"],
        &["client", "kill", "addr", "1.1.1.1:1", "laddr", "x"],
        &["client", "kill", "id", "1", "skipme"],
        &["client", "kill", "a", "b", "c", "d"],
        &["client", "kill", "foo", "bar"],
        &["client", "pause"],
        &["client", "pause", "abc"],
        &["client", "pause", "-1"],
        &["client", "pause", "abc", "foo"],
        &["client", "pause", "100", "foo"],
        &["client", "pause", "99999999999999999999"],
        &["client", "pause", "1", "all", "x"],
        &["client", "unpause", "x"],
        &["client", "reply"],
        &["client", "reply", "foo"],
        &["client", "reply", "on", "x"],
        &["client", "no-evict"],
        &["client", "no-evict", "foo"],
        &["client", "no-evict", "on", "x"],
        &["client", "help", "x"],
    ];
    for args in cases {
        assert_same(&mut ours, &mut theirs, args);
    }
    // A few of them spelled out, so the texts are pinned here too.
    ours.expect(
        &["client", "foo"],
        "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n",
    );
    ours.expect(
        &["client", "kill", "id", "0"],
        "-ERR client-id should be greater than 0\r\n",
    );
    ours.expect(&["client", "kill", "1.2.3.4:5"], "-ERR No such client\r\n");
    ours.expect(
        &["client", "kill", "user", "x"],
        "-ERR No such user 'x'\r\n",
    );
    ours.expect(
        &["client", "list", "type", "x"],
        "-ERR Unknown client type 'x'\r\n",
    );
    ours.expect(&["client", "list", "id", "x"], "-ERR Invalid client ID\r\n");
    ours.expect(
        &["client", "pause", "x"],
        "-ERR timeout is not an integer or out of range\r\n",
    );
    ours.expect(&["client", "pause", "-1"], "-ERR timeout is negative\r\n");
    ours.expect(
        &["client", "pause", "1", "some"],
        "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n",
    );
    ours.expect(
        &["client", "pause", "1", "all", "x"],
        "-ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.\r\n",
    );
    ours.expect(&["client", "setname"], &arity("client|setname"));
    ours.expect(
        &["client", "setname", "a b"],
        "-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
    );
}

// The subcommands' COMMAND INFO entries (arity, flags, categories, tips)
// equal redis-server's.
#[test]
fn client_command_info_matches_redis() {
    let server = Server::start(&[]);
    let redis = Server::start_redis(&[]);
    let (mut ours, mut theirs) = (Conn::open(&server), Conn::open(&redis));
    for sub in [
        "id", "info", "list", "setname", "getname", "kill", "pause", "unpause", "reply",
        "no-evict", "help",
    ] {
        assert_same(
            &mut ours,
            &mut theirs,
            &["command", "info", &format!("client|{sub}")],
        );
    }
    for name in ["debug", "time", "shutdown"] {
        assert_same(&mut ours, &mut theirs, &["command", "info", name]);
    }
}

// CLIENT ID, SETNAME and GETNAME; an empty name removes the name.
#[test]
fn client_id_and_names() {
    let server = Server::start(&[]);
    let mut a = Conn::open(&server);
    let mut b = Conn::open(&server);
    let id_a = a.int(&["client", "id"]);
    let id_b = b.int(&["client", "id"]);
    assert!(id_a > 0 && id_b > 0 && id_a != id_b, "{id_a} {id_b}");
    assert_eq!(a.int(&["client", "id"]), id_a, "the ID does not change");

    a.expect(&["client", "getname"], "$-1\r\n");
    a.expect(&["client", "setname", "worker-1"], "+OK\r\n");
    a.expect(&["client", "getname"], "$8\r\nworker-1\r\n");
    let info = fields(text_of(&a.call(&["client", "info"])).trim_end());
    assert_eq!(field(&info, "name"), "worker-1");
    assert_eq!(field(&info, "id"), id_a.to_string());
    a.expect(&["client", "setname", ""], "+OK\r\n");
    a.expect(&["client", "getname"], "$-1\r\n");
    // A refused name leaves the old one.
    a.expect(&["client", "setname", "keep"], "+OK\r\n");
    a.call(&["client", "setname", "no good"]);
    a.expect(&["client", "getname"], "$4\r\nkeep\r\n");
    // RESP3 null for no name.
    b.call(&["hello", "3"]);
    b.expect(&["client", "getname"], "_\r\n");
}

// CLIENT LIST and CLIENT INFO: Redis 7.0's fields in its order, values that
// describe the connection, verbatim in RESP3, and the TYPE and ID filters.
#[test]
fn client_list_fields_and_filters() {
    let server = Server::start(&[]);
    let mut a = Conn::open(&server);
    let a_id = a.int(&["client", "id"]);
    let idle = server.connect();
    let idle_addr = idle.local_addr().expect("addr").to_string();
    // The idle connection shows up once accepted; it never ran a command.
    // Wait for it by address, and for nothing else to be listed: the
    // start-up probe's connection may still be open for a moment, and
    // counting lines alone would take it for the idle one.
    assert!(
        wait_until(DEADLINE, || {
            let lines = client_list(&mut a, &["client", "list"]);
            lines.len() == 2 && lines.iter().any(|l| field(l, "addr") == idle_addr)
        }),
        "the second connection never appeared alone"
    );

    let lines = client_list(&mut a, &["client", "list"]);
    for line in &lines {
        let keys: Vec<&str> = line.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, FIELD_ORDER, "field order");
        for (k, v) in line {
            if !matches!(
                k.as_str(),
                "addr" | "laddr" | "name" | "flags" | "events" | "cmd" | "user"
            ) {
                v.parse::<i64>()
                    .unwrap_or_else(|_| panic!("{k}={v} is not a number"));
            }
        }
    }
    let me = lines
        .iter()
        .find(|l| field(l, "id") == a_id.to_string())
        .expect("own line");
    assert_eq!(field(me, "addr"), a.local_addr());
    assert_eq!(field(me, "laddr"), server.addr());
    assert_eq!(field(me, "flags"), "N");
    assert_eq!(field(me, "db"), "0");
    assert_eq!(field(me, "multi"), "-1");
    assert_eq!(field(me, "cmd"), "client|list");
    assert_eq!(field(me, "user"), "default");
    assert_eq!(field(me, "resp"), "2");
    assert_eq!(field(me, "events"), "r");
    // The running command's arguments: "client" + "list".
    assert_eq!(field(me, "argv-mem"), "10");
    let other = lines
        .iter()
        .find(|l| field(l, "id") != a_id.to_string())
        .expect("the idle connection");
    assert_eq!(
        field(other, "addr"),
        idle.local_addr().expect("addr").to_string()
    );
    assert_eq!(field(other, "cmd"), "NULL");
    assert_eq!(field(other, "argv-mem"), "0");
    assert_eq!(field(other, "qbuf"), "0");
    // Ordered by connection.
    let ids: Vec<i64> = lines
        .iter()
        .map(|l| field(l, "id").parse().expect("id"))
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");

    // SELECT shows in db=; CLIENT INFO is the caller's own line.
    a.expect(&["select", "3"], "+OK\r\n");
    let info = fields(text_of(&a.call(&["client", "info"])).trim_end());
    assert_eq!(field(&info, "db"), "3");
    assert_eq!(field(&info, "cmd"), "client|info");
    assert_eq!(field(&info, "id"), a_id.to_string());

    // Filters: TYPE normal is everyone, pubsub no one; ID in the order
    // asked, unknown ids skipped.
    assert_eq!(
        client_list(&mut a, &["client", "list", "type", "normal"]).len(),
        2
    );
    assert_eq!(
        client_list(&mut a, &["client", "list", "type", "PUBSUB"]).len(),
        0
    );
    let other_id = field(other, "id").to_string();
    let by_id = client_list(
        &mut a,
        &[
            "client",
            "list",
            "id",
            &other_id,
            "999999",
            &a_id.to_string(),
        ],
    );
    let got: Vec<&str> = by_id.iter().map(|l| field(l, "id")).collect();
    assert_eq!(got, [other_id.as_str(), &a_id.to_string()]);

    // RESP3: a verbatim string of type txt.
    a.call(&["hello", "3"]);
    let reply = a.call(&["client", "info"]);
    assert!(reply.starts_with('='), "{reply:?}");
    let text = text_of(&reply);
    assert_eq!(
        reply.split_once("\r\n").expect("header").0,
        format!("={}", text.len() + 4)
    );
    assert_eq!(field(&fields(text.trim_end()), "resp"), "3");
    drop(idle);
}

// CLIENT KILL: the old form by address, the new filters, SKIPME, and the
// caller closed only after its reply.
#[test]
fn client_kill_closes_the_right_connections() {
    let server = Server::start(&[]);
    let mut a = Conn::open(&server);
    let mut b = Conn::open(&server);
    let mut c = Conn::open(&server);
    b.expect(&["ping"], "+PONG\r\n");
    c.expect(&["ping"], "+PONG\r\n");

    // Old form: +OK, and B is closed while C stays.
    a.expect(&["client", "kill", &b.local_addr()], "+OK\r\n");
    let (rest, closed) = read_to_close(&mut b.stream, DEADLINE);
    assert!(closed && rest.is_empty(), "B closed without a reply");
    c.expect(&["ping"], "+PONG\r\n");
    a.expect(
        &["client", "kill", &b.local_addr()],
        "-ERR No such client\r\n",
    );

    // New form by ID: the count.
    let c_id = c.int(&["client", "id"]);
    assert_eq!(a.int(&["client", "kill", "id", &c_id.to_string()]), 1);
    let (_, closed) = read_to_close(&mut c.stream, DEADLINE);
    assert!(closed, "C closed");
    assert_eq!(a.int(&["client", "kill", "id", &c_id.to_string()]), 0);

    // ADDR and LADDR together; a LADDR that matches no one.
    let mut d = Conn::open(&server);
    d.expect(&["ping"], "+PONG\r\n");
    assert_eq!(
        a.int(&[
            "client",
            "kill",
            "laddr",
            "127.0.0.1:1",
            "addr",
            &d.local_addr()
        ]),
        0
    );
    assert_eq!(
        a.int(&[
            "client",
            "kill",
            "laddr",
            &server.addr(),
            "addr",
            &d.local_addr()
        ]),
        1
    );
    let (_, closed) = read_to_close(&mut d.stream, DEADLINE);
    assert!(closed, "D closed");

    // USER default, SKIPME yes (the default): everyone but the caller.
    let mut e = Conn::open(&server);
    let mut f = Conn::open(&server);
    e.expect(&["ping"], "+PONG\r\n");
    f.expect(&["ping"], "+PONG\r\n");
    assert_eq!(a.int(&["client", "kill", "user", "default"]), 2);
    for conn in [&mut e, &mut f] {
        let (_, closed) = read_to_close(&mut conn.stream, DEADLINE);
        assert!(closed);
    }
    a.expect(&["ping"], "+PONG\r\n");

    // SKIPME no: the caller gets its count, then is closed.
    a.send(&["client", "kill", "type", "normal", "skipme", "no"]);
    let (bytes, closed) = read_to_close(&mut a.stream, DEADLINE);
    assert_eq!(String::from_utf8_lossy(&bytes), ":1\r\n");
    assert!(closed, "the caller is closed after its reply");

    // The old form naming the caller itself: +OK, then closed.
    let mut g = Conn::open(&server);
    let own = g.local_addr();
    g.send(&["client", "kill", &own]);
    let (bytes, closed) = read_to_close(&mut g.stream, DEADLINE);
    assert_eq!(String::from_utf8_lossy(&bytes), "+OK\r\n");
    assert!(closed);
}

// CLIENT PAUSE ALL holds every command, PING included, until the deadline;
// the commands queued behind run in order afterwards.
#[test]
fn client_pause_all_delays_commands_until_the_deadline() {
    let server = Server::start(&[]);
    let mut a = Conn::open(&server);
    let mut b = Conn::open(&server);
    b.expect(&["ping"], "+PONG\r\n");

    let start = Instant::now();
    a.expect(&["client", "pause", "700", "all"], "+OK\r\n");
    b.send(&["ping"]);
    b.send(&["echo", "after"]);
    b.assert_silent_for(Duration::from_millis(300));
    assert_eq!(b.read(), "+PONG\r\n");
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(650),
        "PING answered after {waited:?}"
    );
    assert_eq!(b.read(), "$5\r\nafter\r\n");
    // The pausing client itself was held too; it is free again now.
    a.expect(&["ping"], "+PONG\r\n");
}

// CLIENT PAUSE WRITE lets reads through at once and holds writes, and what
// is pipelined behind a held write waits behind it.
#[test]
fn client_pause_write_holds_only_writes() {
    let server = Server::start(&[]);
    let mut a = Conn::open(&server);
    let mut b = Conn::open(&server);
    b.expect(&["set", "k", "old"], "+OK\r\n");

    let start = Instant::now();
    a.expect(&["client", "pause", "700", "write"], "+OK\r\n");
    b.expect(&["get", "k"], "$3\r\nold\r\n");
    b.expect(&["ping"], "+PONG\r\n");
    b.send(&["set", "k", "new"]);
    b.send(&["get", "k"]);
    b.assert_silent_for(Duration::from_millis(300));
    // Reads from another client still run during the pause.
    let mut c = Conn::open(&server);
    c.expect(&["get", "k"], "$3\r\nold\r\n");
    assert_eq!(b.read(), "+OK\r\n");
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(650),
        "SET answered after {waited:?}"
    );
    assert_eq!(b.read(), "$3\r\nnew\r\n");
}

// CLIENT UNPAUSE releases held commands at once; a shorter pause does not
// shorten a longer one.
#[test]
fn client_unpause_releases_held_commands() {
    let server = Server::start(&[]);
    let mut a = Conn::open(&server);
    let mut b = Conn::open(&server);
    a.expect(&["client", "pause", "60000", "write"], "+OK\r\n");
    a.expect(&["client", "pause", "1", "write"], "+OK\r\n");
    b.send(&["set", "k", "v"]);
    b.assert_silent_for(Duration::from_millis(200));
    a.expect(&["client", "unpause"], "+OK\r\n");
    assert_eq!(b.read(), "+OK\r\n");
    b.expect(&["get", "k"], "$1\r\nv\r\n");
    // A client that disconnects while held is simply gone.
    a.expect(&["client", "pause", "60000", "write"], "+OK\r\n");
    let mut c = Conn::open(&server);
    c.send(&["set", "gone", "1"]);
    drop(c);
    a.expect(&["client", "unpause"], "+OK\r\n");
    a.expect(&["ping"], "+PONG\r\n");
}

// CLIENT REPLY OFF drops every reply until ON; SKIP drops the next one.
#[test]
fn client_reply_off_and_skip() {
    let server = Server::start(&[]);
    let redis = Server::start_redis(&[]);
    let script: &[&[&str]] = &[
        &["client", "reply", "skip"],
        &["ping", "a"],
        &["ping", "b"],
        &["client", "reply", "off"],
        &["ping", "c"],
        &["nosuchcommand"],
        &["client", "reply", "skip"],
        &["ping", "d"],
        &["client", "reply", "on"],
        &["ping", "e"],
        &["client", "reply", "skip"],
        &["nosuchcommand"],
        &["ping", "f"],
        &["client", "reply", "skip"],
        &["client", "reply", "on"],
        &["ping", "g"],
    ];
    let mut replies = Vec::new();
    for target in [&server, &redis] {
        let mut conn = Conn::open(target);
        for args in script {
            conn.send(args);
        }
        // The replies that do come, then a marker to know all have.
        conn.send(&["echo", "end"]);
        let mut got = String::new();
        loop {
            let reply = conn.read();
            if reply == "$3\r\nend\r\n" {
                break;
            }
            got.push_str(&reply);
        }
        replies.push(got);
    }
    assert_eq!(
        replies[0],
        "$1\r\nb\r\n+OK\r\n$1\r\ne\r\n$1\r\nf\r\n+OK\r\n$1\r\ng\r\n"
    );
    assert_eq!(replies[0], replies[1], "differs from redis-server");
}

// CLIENT NO-EVICT sets the e flag; CLIENT NO-TOUCH (Redis 7.2) sets T and
// keeps reads from changing a key's idle time, except TOUCH's.
#[test]
fn client_no_evict_and_no_touch() {
    let server = Server::start(&[]);
    let mut a = Conn::open(&server);
    a.expect(&["client", "no-evict", "on"], "+OK\r\n");
    let info = fields(text_of(&a.call(&["client", "info"])).trim_end());
    assert_eq!(field(&info, "flags"), "e");
    a.expect(&["client", "no-evict", "OFF"], "+OK\r\n");
    let info = fields(text_of(&a.call(&["client", "info"])).trim_end());
    assert_eq!(field(&info, "flags"), "N");
    if server.kind == Kind::Redis {
        return;
    }

    a.expect(&["client", "no-touch", "on"], "+OK\r\n");
    let info = fields(text_of(&a.call(&["client", "info"])).trim_end());
    assert_eq!(field(&info, "flags"), "T");
    a.expect(&["client", "no-touch", "maybe"], "-ERR syntax error\r\n");
    a.expect(&["set", "k", "v"], "+OK\r\n");
    // Idle times are whole seconds of a clock that may tick between two
    // commands: wait (bounded) for 2, so that "touched" (0 or 1) and
    // "not touched" (2 or more) cannot be confused.
    let idle = |a: &mut Conn| a.int(&["object", "idletime", "k"]);
    assert!(wait_until(DEADLINE, || idle(&mut a) >= 2));
    a.expect(&["get", "k"], "$1\r\nv\r\n");
    assert!(idle(&mut a) >= 2, "GET touched the key");
    // TOUCH still touches.
    assert_eq!(a.int(&["touch", "k"]), 1);
    assert!(idle(&mut a) <= 1, "TOUCH did not touch the key");
    // Off again: a read touches.
    a.expect(&["client", "no-touch", "off"], "+OK\r\n");
    assert!(wait_until(DEADLINE, || idle(&mut a) >= 2));
    a.expect(&["get", "k"], "$1\r\nv\r\n");
    assert!(idle(&mut a) <= 1, "GET did not touch the key");
}

// CLIENT HELP in Redis's frame: a status title, status lines, HELP last.
#[test]
fn client_help_shape() {
    let server = Server::start(&[]);
    let mut a = Conn::open(&server);
    let reply = a.call(&["client", "help"]);
    let lines: Vec<&str> = reply.split("\r\n").collect();
    assert!(lines[0].starts_with('*'));
    assert_eq!(
        lines[1],
        "+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    );
    let n: usize = lines[0][1..].parse().expect("count");
    assert_eq!(lines.len(), n + 2, "{reply:?}");
    assert!(lines[1..=n].iter().all(|l| l.starts_with('+')));
    // The last entry is HELP's own (its wording is add_reply_help's).
    assert_eq!(lines[n - 1], "+HELP");
    assert!(lines[n].starts_with("+    Print"), "{}", lines[n]);
    for sub in [
        "KILL", "LIST", "PAUSE", "UNPAUSE", "REPLY", "SETNAME", "GETNAME", "ID", "INFO",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(&format!("+{sub}"))),
            "HELP mentions {sub}"
        );
    }
}

// Protected mode (the default) lets loopback clients in, with or without a
// password; refusing remote peers is tested on the decision function in
// client_cmd.rs, as no test may connect from a non-loopback address.
#[test]
fn protected_mode_admits_loopback_clients() {
    for args in [
        &["--protected-mode", "yes"][..],
        &["--protected-mode", "no"][..],
    ] {
        let server = Server::start(args);
        let mut a = Conn::open(&server);
        a.expect(&["ping"], "+PONG\r\n");
    }
}
