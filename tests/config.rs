//! CONFIG GET, SET, RESETSTAT, REWRITE and HELP, and the parameter table
//! behind them, checked against Redis 7.0.15.
//!
//! Where the reply can be compared, a live `redis-server` is started beside
//! the server under test and both get the same bytes: CONFIG GET * must
//! list the same names with the same defaults, and every error must be
//! byte-identical. Dict order differs between the two (and between two
//! Redis processes), so multi-entry CONFIG GET replies are compared as
//! sorted pairs.
//!
//! Tests that pin ferrodis-only behaviour (the "not supported yet"
//! refusals) start ferrodis explicitly; the others go through
//! `common::Server::start` or [`Proc`] and so also run against redis-server
//! under `FERRODIS_TEST_TARGET=redis`. Every wait has a deadline.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{
    ferrodis_bin, free_port, mbulk, read_to_close, temp_dir, wait_until, Kind, Server, DEADLINE,
};

/// Parameters whose values depend on how the server was started.
const START_DEPENDENT: &[&str] = &["port", "dir"];

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A decoded reply, enough for CONFIG.
#[derive(Clone, Debug, PartialEq)]
enum Reply {
    Status(String),
    Error(String),
    Int(i64),
    Bulk(Option<Vec<u8>>),
    Array(Vec<Reply>),
    Map(Vec<(Reply, Reply)>),
}

impl Reply {
    fn text(&self) -> String {
        match self {
            Reply::Status(s) | Reply::Error(s) => s.clone(),
            Reply::Bulk(Some(b)) => String::from_utf8_lossy(b).into_owned(),
            other => panic!("not a string: {other:?}"),
        }
    }

    /// The name/value pairs of a CONFIG GET reply (RESP2 or RESP3), sorted.
    fn pairs(&self) -> BTreeMap<String, String> {
        match self {
            Reply::Array(items) => {
                assert!(items.len() % 2 == 0, "odd CONFIG GET reply: {items:?}");
                items
                    .chunks(2)
                    .map(|kv| (kv[0].text(), kv[1].text()))
                    .collect()
            }
            Reply::Map(pairs) => pairs.iter().map(|(k, v)| (k.text(), v.text())).collect(),
            other => panic!("not a CONFIG GET reply: {other:?}"),
        }
    }
}

/// A connection that reads whole replies.
struct Conn {
    reader: BufReader<TcpStream>,
}

impl Conn {
    fn at(port: u16) -> Conn {
        let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        s.set_read_timeout(Some(DEADLINE)).expect("timeout");
        Conn {
            reader: BufReader::new(s),
        }
    }

    fn open(server: &Server) -> Conn {
        Conn::at(server.port)
    }

    fn send(&mut self, args: &[&str]) {
        let bytes: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        self.reader
            .get_mut()
            .write_all(&mbulk(&bytes))
            .expect("write");
    }

    fn line(&mut self) -> Vec<u8> {
        let mut line = Vec::new();
        self.reader.read_until(b'\n', &mut line).expect("read line");
        assert!(line.ends_with(b"\r\n"), "truncated reply: {line:?}");
        line.truncate(line.len() - 2);
        line
    }

    /// One reply, and its exact bytes.
    fn read(&mut self) -> (Reply, Vec<u8>) {
        let line = self.line();
        let mut raw = line.clone();
        raw.extend_from_slice(b"\r\n");
        let body = String::from_utf8_lossy(&line[1..]).into_owned();
        let n = || body.parse::<i64>().expect("length");
        let reply = match line[0] {
            b'+' => Reply::Status(body.clone()),
            b'-' => Reply::Error(body.clone()),
            b':' => Reply::Int(n()),
            b'$' if n() < 0 => Reply::Bulk(None),
            b'$' => {
                let mut data = vec![0; n() as usize + 2];
                self.reader.read_exact(&mut data).expect("bulk");
                raw.extend_from_slice(&data);
                data.truncate(data.len() - 2);
                Reply::Bulk(Some(data))
            }
            b'*' | b'%' => {
                let count = n() as usize * if line[0] == b'%' { 2 } else { 1 };
                let mut items = Vec::with_capacity(count);
                for _ in 0..count {
                    let (item, bytes) = self.read();
                    raw.extend_from_slice(&bytes);
                    items.push(item);
                }
                if line[0] == b'%' {
                    let mut pairs = Vec::new();
                    let mut it = items.into_iter();
                    while let (Some(k), Some(v)) = (it.next(), it.next()) {
                        pairs.push((k, v));
                    }
                    Reply::Map(pairs)
                } else {
                    Reply::Array(items)
                }
            }
            other => panic!("unexpected reply type {:?}", other as char),
        };
        (reply, raw)
    }

    fn call(&mut self, args: &[&str]) -> Reply {
        self.send(args);
        self.read().0
    }

    fn call_raw(&mut self, args: &[&str]) -> Vec<u8> {
        self.send(args);
        self.read().1
    }

    fn expect(&mut self, args: &[&str], expected: &str) {
        let got = self.call_raw(args);
        assert_eq!(String::from_utf8_lossy(&got), expected, "reply to {args:?}");
    }

    fn get(&mut self, name: &str) -> String {
        let pairs = self.call(&["CONFIG", "GET", name]).pairs();
        assert_eq!(pairs.len(), 1, "CONFIG GET {name}: {pairs:?}");
        pairs.into_values().next().expect("one value")
    }
}

/// The error CONFIG SET gives for a refused value.
fn set_failed(name: &str, reason: &str) -> String {
    format!("-ERR CONFIG SET failed (possibly related to argument '{name}') - {reason}\r\n")
}

/// Which program the tests built on `Server::start` run.
fn target() -> Kind {
    match std::env::var("FERRODIS_TEST_TARGET").as_deref() {
        Ok("redis") => Kind::Redis,
        _ => Kind::Ferrodis,
    }
}

/// A server started from a config file (which `Server::start` cannot do:
/// the file must come first); killed on drop.
struct Proc {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Proc {
    fn start(kind: Kind, conf: &Path, port: u16, dir: &Path) -> Proc {
        let program = match kind {
            Kind::Ferrodis => ferrodis_bin(),
            Kind::Redis => "redis-server",
        };
        let log = dir.join("proc.log");
        let out = fs::File::create(&log).expect("log file");
        let err = out.try_clone().expect("clone");
        let child = Command::new(program)
            .arg(conf)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .spawn()
            .expect("spawn");
        let mut proc = Proc { child, port, log };
        let up = wait_until(DEADLINE, || {
            if let Ok(Some(_)) = proc.child.try_wait() {
                return true;
            }
            pings(port)
        });
        assert!(
            up && pings(port),
            "server did not start:\n{}",
            fs::read_to_string(&proc.log).unwrap_or_default()
        );
        proc.port = port;
        proc
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether something answers PING on `port`.
fn pings(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    s.set_read_timeout(Some(Duration::from_secs(2))).ok();
    let mut buf = [0u8; 7];
    s.write_all(b"PING\r\n").is_ok() && s.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n"
}

/// Runs a program that is expected to exit at once; its code and stderr.
fn run_to_exit(program: &str, args: &[&str], dir: &Path) -> (Option<i32>, String) {
    let err_path = dir.join("run.stderr");
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(fs::File::create(&err_path).expect("stderr")))
        .spawn()
        .expect("spawn");
    let end = Instant::now() + DEADLINE;
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() > end {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{program} {args:?} did not exit");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    (
        status.code(),
        fs::read_to_string(&err_path).unwrap_or_default(),
    )
}

// ---------------------------------------------------------------------------
// CONFIG GET
// ---------------------------------------------------------------------------

// CONFIG GET * lists the names redis-server lists, with its defaults.
#[test]
fn config_get_all_matches_redis() {
    // Both without save points (the test helper starts redis so).
    let server = Server::start(&["--save", ""]);
    let redis = Server::start_redis(&[]);
    let ours = Conn::open(&server).call(&["CONFIG", "GET", "*"]).pairs();
    let theirs = Conn::open(&redis).call(&["CONFIG", "GET", "*"]).pairs();
    let names = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&ours), names(&theirs), "parameter names");
    assert!(ours.len() >= 190, "{} names", ours.len());
    for (name, value) in &theirs {
        if START_DEPENDENT.contains(&name.as_str()) {
            continue;
        }
        assert_eq!(&ours[name], value, "default of {name}");
    }
}

// Patterns are nocase globs over names and aliases; exact names echo as
// sent; a name already matched is not repeated; hidden ones need exact names.
#[test]
fn config_get_patterns_match_redis() {
    let server = Server::start(&[]);
    let redis = Server::start_redis(&[]);
    let mut ours = Conn::open(&server);
    let mut theirs = Conn::open(&redis);
    for args in [
        &["CONFIG", "GET", "slave*"][..],
        &["CONFIG", "GET", "*max*"],
        &["CONFIG", "GET", "[a-c]*"],
        &["CONFIG", "GET", "hash-max-*", "HASH-MAX-ZIPLIST-*"],
        &["CONFIG", "GET", "PORT", "port", "hz", "p?rt"],
        &["CONFIG", "GET", "slaveof", "replicaof*"],
        &["CONFIG", "GET", "use-exit-on-panic", "watchdog-period"],
        &["CONFIG", "GET", "use-exit*", "*delay*"],
    ] {
        let mut a = ours.call(args).pairs();
        let mut b = theirs.call(args).pairs();
        for m in [&mut a, &mut b] {
            for name in START_DEPENDENT {
                if let Some(v) = m.get_mut(*name) {
                    v.clear();
                }
            }
            if let Some(v) = m.get_mut("PORT") {
                v.clear();
            }
        }
        assert_eq!(a, b, "{args:?}");
    }
    let hz_port = ours
        .call(&["CONFIG", "GET", "PORT", "port", "hz", "p?rt"])
        .pairs();
    assert_eq!(hz_port.keys().collect::<Vec<_>>(), ["PORT", "hz"]);
    ours.expect(&["CONFIG", "GET", "nomatch"], "*0\r\n");
    ours.expect(&["CONFIG", "GET", "nomatch*"], "*0\r\n");
    ours.expect(&["CONFIG", "GET", "hz"], "*2\r\n$2\r\nhz\r\n$2\r\n10\r\n");
    ours.expect(
        &["CONFIG", "GET", "slaveof"],
        "*2\r\n$7\r\nslaveof\r\n$0\r\n\r\n",
    );
    // RESP3: a map.
    ours.call(&["HELLO", "3"]);
    ours.expect(&["CONFIG", "GET", "hz"], "%1\r\n$2\r\nhz\r\n$2\r\n10\r\n");
    ours.expect(&["CONFIG", "GET", "nomatch"], "%0\r\n");
    assert!(matches!(
        ours.call(&["CONFIG", "GET", "*"]),
        Reply::Map(m) if m.len() >= 190
    ));
}

// ---------------------------------------------------------------------------
// CONFIG SET
// ---------------------------------------------------------------------------

// Errors and round trips of every kind of parameter, byte for byte.
#[test]
fn config_set_replies_match_redis() {
    let server = Server::start(&[]);
    let redis = Server::start_redis(&[]);
    let mut ours = Conn::open(&server);
    let mut theirs = Conn::open(&redis);
    let cases: &[&[&str]] = &[
        // Arity, unknown names and their precedence, duplicates.
        &["CONFIG"],
        &["CONFIG", "foo"],
        &["CONFIG", "GET"],
        &["CONFIG", "SET"],
        &["CONFIG", "SET", "port"],
        &["CONFIG", "SET", "port", "1", "hz"],
        &["CONFIG", "SET", "foo", "bar"],
        &["CONFIG", "SET", "a\0b", "1"],
        &["CONFIG", "SET", "hz", "1", "hz", "2"],
        &[
            "CONFIG",
            "SET",
            "Slave-Priority",
            "7",
            "replica-priority",
            "8",
        ],
        &["CONFIG", "GET", "replica-priority"],
        &["CONFIG", "SET", "foo", "1", "daemonize", "yes"],
        &["CONFIG", "SET", "daemonize", "yes", "foo", "1"],
        &["CONFIG", "SET", "DAEMONIZE", "no"],
        &["CONFIG", "SET", "slaveof", "no one"],
        &["CONFIG", "SET", "dir", "/tmp"],
        &["CONFIG", "SET", "dbfilename", "x.rdb"],
        // A refused value names the entry used, and changes nothing.
        &["CONFIG", "SET", "timeout", "9", "SLAVE-PRIORITY", "abc"],
        &["CONFIG", "GET", "timeout"],
        // Booleans and enums.
        &["CONFIG", "SET", "activerehashing", "maybe"],
        &["CONFIG", "SET", "activerehashing", "NO"],
        &["CONFIG", "GET", "activerehashing"],
        &["CONFIG", "SET", "maxmemory-policy", "x"],
        &["CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LRU"],
        &["CONFIG", "GET", "maxmemory-policy"],
        &["CONFIG", "SET", "appendfsync", "x"],
        &["CONFIG", "SET", "shutdown-on-sigint", "NOW nosave"],
        &["CONFIG", "GET", "shutdown-on-sigint"],
        &["CONFIG", "SET", "shutdown-on-sigint", "save nosave"],
        &["CONFIG", "SET", "shutdown-on-sigint", ""],
        // Integers: bounds, signed and unsigned.
        &["CONFIG", "SET", "maxclients", "-1"],
        &["CONFIG", "SET", "maxclients", "4294967296"],
        &["CONFIG", "SET", "port", "05"],
        &["CONFIG", "SET", "port", "+5"],
        &["CONFIG", "SET", "port", "-1"],
        &["CONFIG", "SET", "list-max-listpack-size", "-2147483649"],
        &["CONFIG", "SET", "slowlog-log-slower-than", "-2"],
        &["CONFIG", "SET", "tracking-table-max-keys", "-1"],
        &["CONFIG", "SET", "active-defrag-max-scan-fields", "0"],
        &["CONFIG", "SET", "hz", "1000"],
        &["CONFIG", "GET", "hz"],
        &["CONFIG", "SET", "hz", "0"],
        &["CONFIG", "GET", "hz"],
        // Memory units.
        &["CONFIG", "SET", "proto-max-bulk-len", "1m"],
        &["CONFIG", "SET", "proto-max-bulk-len", "1gb"],
        &["CONFIG", "GET", "proto-max-bulk-len"],
        &["CONFIG", "SET", "client-query-buffer-limit", "1x"],
        &["CONFIG", "SET", "hash-max-ziplist-value", "2KB"],
        &["CONFIG", "GET", "hash-max-listpack-value"],
        &["CONFIG", "SET", "maxmemory", "1.5gb"],
        &["CONFIG", "SET", "maxmemory", "-1"],
        &["CONFIG", "SET", "maxmemory-clients", "101%"],
        &["CONFIG", "SET", "maxmemory-clients", "abc"],
        // Strings with validation.
        &["CONFIG", "SET", "cluster-announce-hostname", "a b"],
        &["CONFIG", "SET", "cluster-announce-hostname", "example.com"],
        &["CONFIG", "GET", "cluster-announce-hostname"],
        &["CONFIG", "SET", "proc-title-template", "{foo}"],
        &["CONFIG", "SET", "proc-title-template", "{title}"],
        &["CONFIG", "SET", "proc-title-template", "{{x}} {port}"],
        &["CONFIG", "GET", "proc-title-template"],
        // Multi-word values.
        &["CONFIG", "SET", "save", "abc"],
        &["CONFIG", "SET", "save", "0 1"],
        &["CONFIG", "SET", "client-output-buffer-limit", "normal 1 2"],
        &[
            "CONFIG",
            "SET",
            "client-output-buffer-limit",
            "master 1 2 3",
        ],
        &[
            "CONFIG",
            "SET",
            "client-output-buffer-limit",
            "normal 1x 2 3",
        ],
        &[
            "CONFIG",
            "SET",
            "client-output-buffer-limit",
            "replica 1mb 2kb 3 pubsub 0 0 0",
        ],
        &["CONFIG", "GET", "client-output-buffer-limit"],
        &["CONFIG", "SET", "oom-score-adj-values", "1 2"],
        &["CONFIG", "SET", "oom-score-adj-values", "1 2 3000"],
        &["CONFIG", "SET", "oom-score-adj-values", "0 100 800"],
        &["CONFIG", "GET", "oom-score-adj-values"],
        &[
            "CONFIG",
            "SET",
            "latency-tracking-info-percentiles",
            "50 abc",
        ],
        &["CONFIG", "SET", "latency-tracking-info-percentiles", "101"],
        &[
            "CONFIG",
            "SET",
            "latency-tracking-info-percentiles",
            "99.99 50",
        ],
        &["CONFIG", "GET", "latency-tracking-info-percentiles"],
        &["CONFIG", "SET", "notify-keyspace-events", "xyz"],
        &["CONFIG", "GET", "bind"],
        // Off values of subsystems ferrodis lacks are accepted.
        &[
            "CONFIG",
            "SET",
            "appendonly",
            "no",
            "save",
            "",
            "maxmemory",
            "0",
        ],
        &["CONFIG", "SET", "notify-keyspace-events", ""],
        // Several at once.
        &["CONFIG", "SET", "timeout", "5", "tcp-keepalive", "60"],
        &["CONFIG", "GET", "timeout"],
        &["CONFIG", "GET", "tcp-keepalive"],
        &["CONFIG", "SET", "requirepass", ""],
        &["CONFIG", "REWRITE"],
        &["CONFIG", "REWRITE", "x"],
        &["CONFIG", "RESETSTAT", "x"],
        &["CONFIG", "RESETSTAT"],
        &["CONFIG", "HELP", "x"],
    ];
    for args in cases {
        let a = ours.call_raw(args);
        let b = theirs.call_raw(args);
        assert_eq!(
            String::from_utf8_lossy(&a),
            String::from_utf8_lossy(&b),
            "reply to {args:?}"
        );
    }
}

// CONFIG SET dir needs enable-protected-configs; then it changes directory.
#[test]
fn config_set_dir_is_protected() {
    let server = Server::start(&["--enable-protected-configs", "yes"]);
    let mut c = Conn::open(&server);
    let sub = server.dir.join("sub");
    fs::create_dir_all(&sub).expect("mkdir");
    let sub = fs::canonicalize(&sub).expect("canonical");
    let sub = sub.display().to_string();
    c.expect(&["CONFIG", "SET", "dir", &sub], "+OK\r\n");
    assert_eq!(c.get("dir"), sub);
    c.expect(
        &["CONFIG", "SET", "dir", "/nonexistent-ferrodis"],
        &set_failed("dir", "No such file or directory"),
    );
    assert_eq!(c.get("dir"), sub);
    let plain = Server::start(&[]);
    Conn::open(&plain).expect(
        &["CONFIG", "SET", "dir", &sub],
        &set_failed("dir", "can't set protected config"),
    );
}

// Values of missing subsystems: only "off" is accepted, anything else is
// refused saying so, from CONFIG SET, the command line and a config file.
#[test]
fn not_supported_yet_values_are_refused() {
    let server = Server::start_kind(Kind::Ferrodis, &[]);
    let mut c = Conn::open(&server);
    for (args, name, reason) in [
        (
            &["appendonly", "yes"][..],
            "appendonly",
            "appendonly yes is not supported yet by ferrodis",
        ),
        (
            &["maxmemory", "1gb"],
            "maxmemory",
            "maxmemory 1gb is not supported yet by ferrodis",
        ),
        (
            &["maxmemory-clients", "10%"],
            "maxmemory-clients",
            "maxmemory-clients 10% is not supported yet by ferrodis",
        ),
        (
            &["latency-monitor-threshold", "100"],
            "latency-monitor-threshold",
            "latency-monitor-threshold 100 is not supported yet by ferrodis",
        ),
    ] {
        let mut full = vec!["CONFIG", "SET"];
        full.extend_from_slice(args);
        c.expect(&full, &set_failed(name, reason));
    }
    // The refusal comes after the syntax check, and nothing changed.
    c.expect(
        &["CONFIG", "SET", "timeout", "3", "appendonly", "maybe"],
        &set_failed("appendonly", "argument must be 'yes' or 'no'"),
    );
    assert_eq!(c.get("timeout"), "0");
    assert_eq!(c.get("appendonly"), "no");
    assert_eq!(c.get("save"), "3600 1 300 100 60 10000");
    c.expect(
        &[
            "CONFIG",
            "SET",
            "appendonly",
            "no",
            "save",
            "",
            "maxmemory",
            "0",
        ],
        "+OK\r\n",
    );

    let dir = temp_dir("config-refusal");
    let (code, stderr) = run_to_exit(ferrodis_bin(), &["--appendonly", "yes"], &dir);
    assert_eq!(code, Some(1));
    assert_eq!(
        stderr,
        format!(
            "\n*** FATAL CONFIG FILE ERROR (ferrodis {}) ***\nReading the configuration \
             file, at line 2\n>>> 'appendonly \"yes\"'\nappendonly yes is not supported \
             yet by ferrodis\n",
            env!("CARGO_PKG_VERSION")
        )
    );
    let conf = dir.join("r.conf");
    fs::write(&conf, "# persistence\nappendonly yes\n").expect("write conf");
    let (code, stderr) = run_to_exit(ferrodis_bin(), &[&conf.display().to_string()], &dir);
    assert_eq!(code, Some(1));
    assert!(
        stderr.ends_with(
            "at line 2\n>>> 'appendonly yes'\nappendonly yes is not supported yet by ferrodis\n"
        ),
        "{stderr}"
    );
    let _ = fs::remove_dir_all(&dir);
}

// CONFIG SET loglevel takes effect at once: verbose lines start to appear.
#[test]
fn config_set_loglevel_takes_effect() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    // Accepting a connection is logged at verbose level by both servers.
    Conn::open(&server).expect(&["PING"], "+PONG\r\n");
    assert!(!server.log().contains("Accepted 127.0.0.1:"));
    c.expect(&["CONFIG", "SET", "loglevel", "verbose"], "+OK\r\n");
    Conn::open(&server).expect(&["PING"], "+PONG\r\n");
    assert!(
        server.wait_log("Accepted 127.0.0.1:", DEADLINE),
        "{}",
        server.log()
    );
}

// A lower maxclients refuses the connection past it with Redis's error.
#[test]
fn config_set_maxclients_takes_effect() {
    let server = Server::start(&[]);
    let mut first = Conn::open(&server);
    first.expect(&["CONFIG", "SET", "maxclients", "2"], "+OK\r\n");
    let mut second = Conn::open(&server);
    second.expect(&["PING"], "+PONG\r\n");
    let mut third = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    let (bytes, closed) = read_to_close(&mut third, DEADLINE);
    assert_eq!(
        String::from_utf8_lossy(&bytes),
        "-ERR max number of clients reached\r\n"
    );
    assert!(closed);
    drop(second);
    first.expect(&["CONFIG", "SET", "maxclients", "10000"], "+OK\r\n");
    Conn::open(&server).expect(&["PING"], "+PONG\r\n");
}

// CONFIG SET requirepass: new connections must authenticate, this one not.
#[test]
fn config_set_requirepass_takes_effect() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(&["CONFIG", "SET", "requirepass", "s3cret"], "+OK\r\n");
    c.expect(&["PING"], "+PONG\r\n");
    let mut other = Conn::open(&server);
    other.expect(&["PING"], "-NOAUTH Authentication required.\r\n");
    other.expect(&["AUTH", "s3cret"], "+OK\r\n");
    c.expect(&["CONFIG", "SET", "requirepass", ""], "+OK\r\n");
    Conn::open(&server).expect(&["PING"], "+PONG\r\n");
}

// CONFIG SET port listens on the new port and stops listening on the old
// one; a port that cannot be bound is refused and the old one kept.
#[test]
fn config_set_port_relistens() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    let new_port = free_port();
    c.expect(&["CONFIG", "SET", "port", &new_port.to_string()], "+OK\r\n");
    let mut moved = Conn::at(new_port);
    moved.expect(&["PING"], "+PONG\r\n");
    assert_eq!(moved.get("port"), new_port.to_string());
    assert!(
        wait_until(DEADLINE, || TcpStream::connect(("127.0.0.1", server.port))
            .is_err()),
        "the old port still accepts"
    );

    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let taken_port = taken.local_addr().expect("addr").port().to_string();
    c.expect(
        &["CONFIG", "SET", "port", &taken_port],
        &set_failed("port", "Unable to listen on this port. Check server logs."),
    );
    assert_eq!(c.get("port"), new_port.to_string());
    Conn::at(new_port).expect(&["PING"], "+PONG\r\n");
    c.expect(
        &["CONFIG", "SET", "bind", "127.0.0.1 127.0.0.1"],
        &set_failed("bind", "Failed to bind to specified addresses."),
    );
    Conn::at(new_port).expect(&["PING"], "+PONG\r\n");
}

// ---------------------------------------------------------------------------
// CONFIG REWRITE, RESETSTAT, HELP
// ---------------------------------------------------------------------------

// CONFIG REWRITE keeps comments and order, rewrites lines in place (an
// alias counts as its parameter), appends the rest after a signature, and
// the server started from the result has the same values.
#[test]
fn config_rewrite_round_trip() {
    let kind = target();
    let dir = temp_dir("config-rewrite");
    let port = free_port();
    let conf = dir.join("server.conf");
    let original = format!(
        "# ferrodis test config\nport {port}\nbind 127.0.0.1\n\n# limits\ntimeout 0\n\
         hash-max-ziplist-entries 100\n   # an indented comment\nloglevel notice\n\
         save \"\"\nappendonly no\n"
    );
    fs::write(&conf, &original).expect("write conf");
    let server = Proc::start(kind, &conf, port, &dir);
    let mut c = Conn::at(server.port);
    c.expect(
        &[
            "CONFIG",
            "SET",
            "timeout",
            "7",
            "hash-max-listpack-entries",
            "300",
            "maxmemory-policy",
            "allkeys-lru",
            "proto-max-bulk-len",
            "1gb",
        ],
        "+OK\r\n",
    );
    c.expect(&["CONFIG", "REWRITE"], "+OK\r\n");
    let text = fs::read_to_string(&conf).expect("read conf");
    let lines: Vec<&str> = text.lines().collect();
    let kept = [
        "# ferrodis test config",
        &format!("port {port}"),
        "bind 127.0.0.1",
        "",
        "# limits",
        "timeout 7",
        "hash-max-listpack-entries 300",
        "# an indented comment",
        "loglevel notice",
        "save \"\"",
        "appendonly no",
        "",
        "# Generated by CONFIG REWRITE",
    ];
    assert_eq!(&lines[..kept.len()], &kept[..], "{text}");
    let appended = &lines[kept.len()..];
    for want in [
        "maxmemory-policy allkeys-lru",
        "proto-max-bulk-len 1gb",
        &format!(
            "dir {:?}",
            fs::canonicalize(&dir).expect("dir").display().to_string()
        ),
    ] {
        assert!(appended.contains(&want), "{want:?} not appended:\n{text}");
    }
    // A value back at its default keeps its line, with the default.
    c.expect(&["CONFIG", "SET", "timeout", "0"], "+OK\r\n");
    c.expect(&["CONFIG", "REWRITE"], "+OK\r\n");
    let text = fs::read_to_string(&conf).expect("read conf");
    assert!(text.lines().any(|l| l == "timeout 0"), "{text}");
    assert_eq!(text.matches("# Generated by CONFIG REWRITE").count(), 1);
    drop(c);
    drop(server);

    let again = Proc::start(kind, &conf, port, &dir);
    let mut c = Conn::at(again.port);
    assert_eq!(c.get("timeout"), "0");
    assert_eq!(c.get("hash-max-listpack-entries"), "300");
    assert_eq!(c.get("maxmemory-policy"), "allkeys-lru");
    assert_eq!(c.get("proto-max-bulk-len"), "1073741824");
    drop(c);
    drop(again);
    let _ = fs::remove_dir_all(&dir);
}

// CONFIG REWRITE without a config file, and CONFIG RESETSTAT.
#[test]
fn config_rewrite_without_file_and_resetstat() {
    let server = Server::start(&[]);
    let mut c = Conn::open(&server);
    c.expect(
        &["CONFIG", "REWRITE"],
        "-ERR The server is running without a config file\r\n",
    );
    c.expect(&["CONFIG", "RESETSTAT"], "+OK\r\n");
    c.expect(
        &["CONFIG", "RESETSTAT", "now"],
        "-ERR wrong number of arguments for 'config|resetstat' command\r\n",
    );
}

// CONFIG HELP has Redis's frame and lists every subcommand.
#[test]
fn config_help_has_redis_shape() {
    let server = Server::start(&[]);
    let redis = Server::start_redis(&[]);
    let ours = Conn::open(&server).call(&["CONFIG", "HELP"]);
    let theirs = Conn::open(&redis).call(&["CONFIG", "HELP"]);
    let (Reply::Array(ours), Reply::Array(theirs)) = (ours, theirs) else {
        panic!("CONFIG HELP is not an array");
    };
    assert_eq!(ours[0], theirs[0], "title line");
    assert!(ours.iter().all(|l| matches!(l, Reply::Status(_))));
    for sub in ["GET", "SET", "RESETSTAT", "REWRITE", "HELP"] {
        assert!(
            ours.iter().any(|l| l.text().starts_with(sub)),
            "HELP lacks {sub}"
        );
    }
}
