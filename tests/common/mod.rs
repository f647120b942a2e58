//! Shared helpers for the integration tests: start the real `ferrodis`
//! binary (or Debian's `redis-server`, for differential tests) on a free
//! loopback port, talk to it over raw sockets with deadlines, and clean up.
//!
//! Every wait here is bounded by a deadline; nothing sleeps for a fixed time
//! to "let things settle".

#![allow(dead_code)]

use std::fs;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The default deadline for anything a test waits for.
pub const DEADLINE: Duration = Duration::from_secs(10);

static NEXT_DIR: AtomicUsize = AtomicUsize::new(0);

/// Which program a [`Server`] runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Ferrodis,
    Redis,
}

/// A server process started for one test; killed when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
    pub dir: PathBuf,
    pub kind: Kind,
    /// Whether dropping the server removes `dir` (false for [`Server::start_in`]).
    owns_dir: bool,
    /// Where its stdout and stderr go.
    log_path: PathBuf,
}

/// A port that was free a moment ago. `start` retries on a clash.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("local addr").port()
}

/// A fresh, empty directory for one server's files.
pub fn temp_dir(tag: &str) -> PathBuf {
    let n = NEXT_DIR.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!(
        "ferrodis-test-{}-{}-{}",
        tag,
        std::process::id(),
        n
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create test dir");
    dir
}

/// Path of the ferrodis binary under test.
pub fn ferrodis_bin() -> &'static str {
    env!("CARGO_BIN_EXE_ferrodis")
}

/// Whether Debian's `redis-server` is installed (the test script installs it).
pub fn have_program(name: &str) -> bool {
    Command::new(name)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

impl Server {
    /// Starts ferrodis on a free loopback port with `--bind 127.0.0.1` and
    /// the extra `--name value` arguments given.
    ///
    /// With `FERRODIS_TEST_TARGET=redis` in the environment it starts
    /// Debian's redis-server instead, so a test's expectations can be checked
    /// against the reference implementation itself.
    pub fn start(args: &[&str]) -> Server {
        match std::env::var("FERRODIS_TEST_TARGET").as_deref() {
            Ok("redis") => Server::start_redis(args),
            _ => Server::start_kind(Kind::Ferrodis, args),
        }
    }

    /// Starts Debian's redis-server the same way, without persistence.
    pub fn start_redis(args: &[&str]) -> Server {
        assert!(
            have_program("redis-server"),
            "redis-server is not installed; run ./scripts/test.sh, which installs it"
        );
        Server::start_kind(Kind::Redis, args)
    }

    pub fn start_kind(kind: Kind, args: &[&str]) -> Server {
        let mut last_log = String::new();
        for _attempt in 0..5 {
            let port = free_port();
            let dir = temp_dir(match kind {
                Kind::Ferrodis => "ferrodis",
                Kind::Redis => "redis",
            });
            match Server::try_start(kind, port, &dir, args) {
                Ok(server) => return server,
                Err(log) => last_log = log,
            }
        }
        panic!("server did not start after 5 attempts; last output:\n{last_log}");
    }

    fn try_start(kind: Kind, port: u16, dir: &Path, args: &[&str]) -> Result<Server, String> {
        let mut server = Server::spawn(kind, port, dir, dir.join("stdout.log"), true, args);
        server.wait_ready()?;
        Ok(server)
    }

    /// Spawns `kind` on `port` with `dir` as its working directory and
    /// `--dir`, stdout and stderr into `log_path`; waits for nothing.
    fn spawn(
        kind: Kind,
        port: u16,
        dir: &Path,
        log_path: PathBuf,
        owns_dir: bool,
        args: &[&str],
    ) -> Server {
        let log = fs::File::create(&log_path).expect("create log file");
        let log_err = log.try_clone().expect("clone log file");
        let program = match kind {
            Kind::Ferrodis => ferrodis_bin(),
            Kind::Redis => "redis-server",
        };
        let mut cmd = Command::new(program);
        cmd.arg("--port")
            .arg(port.to_string())
            .arg("--bind")
            .arg("127.0.0.1")
            .arg("--dir")
            .arg(dir);
        if kind == Kind::Redis {
            cmd.args(["--save", "", "--appendonly", "no"]);
        }
        cmd.args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(log_err));
        let child = cmd.spawn().expect("spawn server");
        Server {
            child,
            port,
            dir: dir.to_path_buf(),
            kind,
            owns_dir,
            log_path,
        }
    }

    /// The kind `FERRODIS_TEST_TARGET` selects: Redis for `redis`, else ferrodis.
    pub fn target_kind() -> Kind {
        match std::env::var("FERRODIS_TEST_TARGET").as_deref() {
            Ok("redis") => Kind::Redis,
            _ => Kind::Ferrodis,
        }
    }

    /// Spawns a server of `kind` in the existing `dir` (its working directory
    /// and `--dir`) on a free port, without waiting for it to answer: for a
    /// start-up that is expected to fail. The log goes to `dir/<kind>-<n>.log`
    /// so that `dir` holds nothing else the server did not write; dropping
    /// the server kills it but keeps `dir`.
    pub fn spawn_in(kind: Kind, dir: &Path, args: &[&str]) -> Server {
        let n = NEXT_DIR.fetch_add(1, Ordering::SeqCst);
        let log_path = dir.join(format!(
            "{}-{n}.log",
            match kind {
                Kind::Ferrodis => "ferrodis",
                Kind::Redis => "redis",
            }
        ));
        Server::spawn(kind, free_port(), dir, log_path, false, args)
    }

    /// Starts a server of `kind` in the existing `dir`, as [`Server::spawn_in`],
    /// and waits until it answers PING; panics with its log if it exits or
    /// stays silent past [`DEADLINE`]. Used to restart on the same files.
    pub fn start_in(kind: Kind, dir: &Path, args: &[&str]) -> Server {
        let mut last_log = String::new();
        for _attempt in 0..5 {
            let mut server = Server::spawn_in(kind, dir, args);
            match server.wait_ready() {
                Ok(()) => return server,
                Err(log) => {
                    last_log = log;
                    // Retry only on a port clash; anything else is the test's answer.
                    if !last_log.contains("in use") {
                        break;
                    }
                }
            }
        }
        panic!(
            "server did not start in {}; output:\n{last_log}",
            dir.display()
        );
    }

    /// Waits until the server answers PING (+PONG or -NOAUTH), for at most
    /// [`DEADLINE`]. `Err` carries the log if the process exits or stays silent.
    pub fn wait_ready(&mut self) -> Result<(), String> {
        self.wait_ready_within(DEADLINE)
    }

    /// [`Server::wait_ready`] with an explicit deadline.
    pub fn wait_ready_within(&mut self, deadline: Duration) -> Result<(), String> {
        let port = self.port;
        let server = self;
        let deadline = Instant::now() + deadline;
        loop {
            if let Ok(Some(_status)) = server.child.try_wait() {
                return Err(server.log());
            }
            if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
                s.set_read_timeout(Some(Duration::from_secs(2))).ok();
                // Up means answering: +PONG, or -NOAUTH under requirepass.
                if s.write_all(b"PING\r\n").is_ok() {
                    let mut buf = [0u8; 7];
                    if s.read_exact(&mut buf).is_ok()
                        && (&buf == b"+PONG\r\n" || &buf == b"-NOAUTH")
                    {
                        return Ok(());
                    }
                }
            }
            if Instant::now() > deadline {
                return Err(server.log());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The file its stdout and stderr go to.
    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    /// Everything the server printed so far (lossily: a log may quote
    /// binary data).
    pub fn log(&self) -> String {
        fs::read(&self.log_path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    /// Kills the process (SIGKILL: no save at exit) and reaps it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends `signal` (e.g. `libc::SIGTERM`) to the process.
    pub fn signal(&self, signal: i32) {
        // SAFETY: kill(2) on our own child's pid has no memory effects.
        let rc = unsafe { libc::kill(self.child.id() as libc::pid_t, signal) };
        assert_eq!(rc, 0, "kill({}, {signal})", self.child.id());
    }

    /// Waits (bounded) for the process to exit and returns its full status
    /// (a signal death has no code), or `None` at the deadline.
    pub fn wait_status(&mut self, deadline: Duration) -> Option<std::process::ExitStatus> {
        let end = Instant::now() + deadline;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() > end {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// A raw connection with a read timeout of [`DEADLINE`].
    pub fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(DEADLINE)).expect("set timeout");
        s.set_nodelay(true).ok();
        s
    }

    /// A connection through the `redis` client crate.
    pub fn client(&self) -> redis::Connection {
        let client = redis::Client::open(format!("redis://{}/", self.addr())).expect("client");
        client.get_connection().expect("connection")
    }

    /// The process id, for signals.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits (bounded) for the process to exit and returns its status code.
    pub fn wait_exit(&mut self, deadline: Duration) -> Option<i32> {
        let end = Instant::now() + deadline;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            if Instant::now() > end {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Polls `cond` on the server's log until it holds or the deadline passes.
    pub fn wait_log(&self, needle: &str, deadline: Duration) -> bool {
        wait_until(deadline, || self.log().contains(needle))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if self.owns_dir && !std::thread::panicking() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// A temporary directory removed on drop (kept when the test panics, for
/// the post-mortem), for servers started with [`Server::start_in`].
pub struct TestDir {
    pub path: PathBuf,
}

impl TestDir {
    pub fn new(tag: &str) -> TestDir {
        TestDir {
            path: temp_dir(tag),
        }
    }

    /// `path/name`.
    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// Like [`wait_until`], but panics naming `what` when the deadline passes.
pub fn wait_for(what: &str, deadline: Duration, cond: impl FnMut() -> bool) {
    assert!(
        wait_until(deadline, cond),
        "timed out after {deadline:?} waiting for {what}"
    );
}

/// A parsed RESP2/RESP3 reply, for comparing values rather than bytes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reply {
    Status(String),
    Error(String),
    Int(i64),
    Bulk(Vec<u8>),
    Nil,
    Array(Vec<Reply>),
    /// Any other RESP3 type, as its raw bytes.
    Other(Vec<u8>),
}

impl Reply {
    /// Parses one complete reply (as [`reply_len`] delimits it).
    pub fn parse(buf: &[u8]) -> Reply {
        let (reply, used) = Reply::parse_at(buf);
        assert_eq!(used, buf.len(), "trailing bytes after a reply");
        reply
    }

    fn parse_at(buf: &[u8]) -> (Reply, usize) {
        let len = reply_len(buf).expect("a complete reply");
        let eol = buf.windows(2).position(|w| w == b"\r\n").expect("CRLF");
        let line = String::from_utf8_lossy(&buf[1..eol]).into_owned();
        let reply = match buf[0] {
            b'+' => Reply::Status(line),
            b'-' => Reply::Error(line),
            b':' => Reply::Int(line.parse().expect("integer reply")),
            b'_' => Reply::Nil,
            b'$' if line == "-1" => Reply::Nil,
            b'$' => Reply::Bulk(buf[eol + 2..len - 2].to_vec()),
            b'*' if line == "-1" => Reply::Nil,
            b'*' | b'~' => {
                let n: usize = line.parse().expect("array length");
                let mut pos = eol + 2;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    let (item, used) = Reply::parse_at(&buf[pos..]);
                    items.push(item);
                    pos += used;
                }
                Reply::Array(items)
            }
            _ => Reply::Other(buf[..len].to_vec()),
        };
        (reply, len)
    }

    /// The bytes of a bulk reply; panics on anything else.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Reply::Bulk(b) => b,
            other => panic!("expected a bulk reply, got {other:?}"),
        }
    }

    /// The items of an array reply; panics on anything else.
    pub fn items(&self) -> &[Reply] {
        match self {
            Reply::Array(items) => items,
            other => panic!("expected an array reply, got {other:?}"),
        }
    }
}

/// Polls `cond` every few milliseconds until it is true or `deadline` passes.
pub fn wait_until(deadline: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + deadline;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() > end {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Reads exactly `n` bytes, failing the test at the deadline.
pub fn read_n(stream: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    stream
        .read_exact(&mut buf)
        .unwrap_or_else(|e| panic!("reading {n} bytes: {e}"));
    buf
}

/// Sends `request` and reads exactly `expected.len()` bytes, asserting they match.
pub fn assert_reply(stream: &mut TcpStream, request: &[u8], expected: &[u8]) {
    stream.write_all(request).expect("write request");
    let got = read_n(stream, expected.len());
    assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(expected),
        "reply to {:?}",
        String::from_utf8_lossy(request)
    );
}

/// Reads until the peer closes the connection (EOF or reset) or the deadline
/// passes. Returns the bytes and whether the connection was closed.
pub fn read_to_close(stream: &mut TcpStream, deadline: Duration) -> (Vec<u8>, bool) {
    let end = Instant::now() + deadline;
    let mut out = Vec::new();
    let mut buf = [0u8; 65536];
    loop {
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return (out, false);
        }
        stream.set_read_timeout(Some(left)).ok();
        match stream.read(&mut buf) {
            Ok(0) => return (out, true),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::TimedOut => {
                return (out, false)
            }
            Err(_) => return (out, true),
        }
    }
}

/// Asserts that the server sends exactly `expected` and then closes.
pub fn assert_reply_then_close(stream: &mut TcpStream, request: &[u8], expected: &[u8]) {
    stream.write_all(request).expect("write request");
    let (got, closed) = read_to_close(stream, DEADLINE);
    assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(expected),
        "reply to {:?}",
        String::from_utf8_lossy(request)
    );
    assert!(
        closed,
        "connection should be closed after {:?}",
        String::from_utf8_lossy(request)
    );
}

/// Encodes a command as a RESP multibulk request.
pub fn mbulk(args: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Half-closes our side so the server sees EOF after what was sent.
pub fn shutdown_write(stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
}

/// Length of the first complete RESP2/RESP3 reply in `buf`, or `None` while
/// more bytes are needed. An attribute (`|`) counts with the reply it
/// describes.
pub fn reply_len(buf: &[u8]) -> Option<usize> {
    let eol = buf.windows(2).position(|w| w == b"\r\n")?;
    let line = std::str::from_utf8(&buf[1..eol]).expect("reply header is UTF-8");
    let next = eol + 2;
    match buf[0] {
        b'$' | b'=' | b'!' => {
            let n: i64 = line.parse().expect("bulk length");
            if n < 0 {
                return Some(next);
            }
            let end = next + usize::try_from(n).expect("length") + 2;
            (buf.len() >= end).then_some(end)
        }
        b'*' | b'~' | b'>' | b'%' | b'|' => {
            let n: i64 = line.parse().expect("aggregate length");
            let items = if matches!(buf[0], b'%' | b'|') {
                2 * n
            } else {
                n
            };
            let mut pos = next;
            for _ in 0..items.max(0) {
                pos += reply_len(&buf[pos..])?;
            }
            if buf[0] == b'|' {
                pos += reply_len(&buf[pos..])?;
            }
            Some(pos)
        }
        _ => Some(next),
    }
}

/// A raw connection that sends commands as multibulk requests and reads
/// whole replies of unknown length, as exact bytes.
pub struct Conn {
    pub stream: TcpStream,
    pub buf: Vec<u8>,
}

impl Conn {
    pub fn open(server: &Server) -> Conn {
        Conn {
            stream: server.connect(),
            buf: Vec::new(),
        }
    }

    pub fn send(&mut self, args: &[&str]) {
        let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        self.stream.write_all(&mbulk(&args)).expect("write request");
    }

    /// The exact bytes of the next reply, read within [`DEADLINE`].
    pub fn read_raw(&mut self) -> Vec<u8> {
        let end = Instant::now() + DEADLINE;
        let mut chunk = [0u8; 65536];
        loop {
            if let Some(n) = reply_len(&self.buf) {
                return self.buf.drain(..n).collect();
            }
            let left = end.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "no complete reply within the deadline; have {:?}",
                String::from_utf8_lossy(&self.buf)
            );
            self.stream.set_read_timeout(Some(left)).ok();
            match self.stream.read(&mut chunk) {
                Ok(0) => panic!(
                    "connection closed mid-reply; have {:?}",
                    String::from_utf8_lossy(&self.buf)
                ),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => panic!("reading a reply: {e}"),
            }
        }
    }

    /// The next reply's exact bytes as text.
    pub fn read(&mut self) -> String {
        String::from_utf8_lossy(&self.read_raw()).into_owned()
    }

    /// Sends `args` and returns the reply's exact bytes as text.
    pub fn call(&mut self, args: &[&str]) -> String {
        self.send(args);
        self.read()
    }

    /// Sends `args` and asserts the reply is exactly `expected`.
    pub fn expect(&mut self, args: &[&str], expected: &str) {
        assert_eq!(self.call(args), expected, "reply to {args:?}");
    }

    /// Sends binary-safe `args` as one request.
    pub fn send_bytes(&mut self, args: &[&[u8]]) {
        self.stream.write_all(&mbulk(args)).expect("write request");
    }

    /// Sends binary-safe `args` and returns the parsed reply.
    pub fn value(&mut self, args: &[&[u8]]) -> Reply {
        self.send_bytes(args);
        Reply::parse(&self.read_raw())
    }

    /// Sends `args` and returns the parsed reply.
    pub fn value_str(&mut self, args: &[&str]) -> Reply {
        self.send(args);
        Reply::parse(&self.read_raw())
    }

    /// The value of `field` in `INFO <section>`, or `None` if absent.
    pub fn info_field(&mut self, section: &str, field: &str) -> Option<String> {
        let info = self.value_str(&["INFO", section]);
        let text = String::from_utf8_lossy(info.bytes()).into_owned();
        text.lines().find_map(|line| {
            line.strip_prefix(field)
                .and_then(|rest| rest.strip_prefix(':'))
                .map(|v| v.trim().to_string())
        })
    }

    /// [`Conn::info_field`] parsed as an integer; panics if absent.
    pub fn info_int(&mut self, section: &str, field: &str) -> i64 {
        let v = self
            .info_field(section, field)
            .unwrap_or_else(|| panic!("INFO {section} has no {field}"));
        v.parse()
            .unwrap_or_else(|_| panic!("INFO {field}:{v} is not an integer"))
    }

    /// Sends `args` and returns its integer reply.
    pub fn int(&mut self, args: &[&str]) -> i64 {
        let reply = self.call(args);
        reply
            .strip_prefix(':')
            .and_then(|r| r.strip_suffix("\r\n"))
            .and_then(|r| r.parse().ok())
            .unwrap_or_else(|| panic!("expected an integer reply to {args:?}, got {reply:?}"))
    }
}

/// Redis's CRC-64 (Jones polynomial 0xad93d23594c935a9, reflected, init 0,
/// xorout 0), bit by bit: an independent check of the table-driven one.
pub fn crc64(data: &[u8]) -> u64 {
    // The polynomial with its bits reversed, for the reflected algorithm.
    let poly = 0xad93_d235_94c9_35a9u64.reverse_bits();
    let mut crc = 0u64;
    for &byte in data {
        crc ^= u64::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ poly
            } else {
                crc >> 1
            };
        }
    }
    crc
}
