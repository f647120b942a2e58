//! The `ferrodis` process as an operator sees it: `--version` and `--help`,
//! fatal config errors (compared live with Debian's redis-server), config
//! files and command-line overrides, shutdown on SIGTERM/SIGINT with the
//! pidfile and pending replies, the log line shape and levels, the default
//! bind addresses and TCP keep-alive on accepted sockets.
//!
//! Every process started here is killed when its guard is dropped, and every
//! wait is bounded by a deadline: a server that hangs makes a test fail, not
//! stall.
//!
//! Tests that start their server with `common::Server::start` also run
//! against redis-server under `FERRODIS_TEST_TARGET=redis`, except the log
//! shape ones: they pin ferrodis's uniform `pid:M` lines, while Redis writes
//! its first lines as `pid:C` and the signal notice as
//! `pid:signal-handler (unixtime) Received SIGTERM scheduling shutdown...`.

mod common;

use std::fs;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{
    assert_reply_then_close, ferrodis_bin, free_port, have_program, mbulk, read_n, temp_dir,
    wait_until, Server, DEADLINE,
};

/// ferrodis's own version, as `FATAL CONFIG FILE ERROR (ferrodis …)` shows it.
const VERSION: &str = env!("CARGO_PKG_VERSION");

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A scratch directory removed on drop (kept when the test failed, to look at).
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new(tag: &str) -> ScratchDir {
        ScratchDir(temp_dir(tag))
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn file(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = fs::remove_dir_all(&self.0);
        }
    }
}

/// A process started with arguments `common::Server::start` cannot give (a
/// config file first, no `--bind`); killed and reaped on drop.
struct Proc {
    child: Child,
    log: PathBuf,
}

impl Proc {
    /// Starts `program args` in `dir`, stdout and stderr into `dir/out.log`.
    fn spawn(program: &str, args: &[String], dir: &Path) -> Proc {
        let log = dir.join("out.log");
        let out = fs::File::create(&log).expect("create log file");
        let err = out.try_clone().expect("clone log file");
        let child = Command::new(program)
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {program}: {e}"));
        Proc { child, log }
    }

    fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// Polls until `addr` answers PING; false if the process exits first
    /// (e.g. the port was taken) or the deadline passes.
    fn wait_ready(&mut self, addr: SocketAddr) -> bool {
        let end = Instant::now() + DEADLINE;
        while Instant::now() < end {
            if self.exited() {
                return false;
            }
            if pings(addr) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts ferrodis in `dir` with the arguments `args(port)` for a free port,
/// retrying with another port if the first one was taken meanwhile.
/// `ready(port)` is the address that must answer PING.
fn start_on_free_port(
    dir: &Path,
    args: impl Fn(u16) -> Vec<String>,
    ready: impl Fn(u16) -> SocketAddr,
) -> (Proc, u16) {
    let mut last_log = String::new();
    for _attempt in 0..5 {
        let port = free_port();
        let mut proc = Proc::spawn(ferrodis_bin(), &args(port), dir);
        if proc.wait_ready(ready(port)) {
            return (proc, port);
        }
        last_log = proc.log();
    }
    panic!("ferrodis did not start after 5 attempts; last output:\n{last_log}");
}

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// Whether a server at `addr` answers `PING` with `+PONG`.
fn pings(addr: SocketAddr) -> bool {
    let Ok(mut s) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else {
        return false;
    };
    s.set_read_timeout(Some(Duration::from_secs(2))).ok();
    let mut buf = [0u8; 7];
    s.write_all(b"PING\r\n").is_ok() && s.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n"
}

/// Whether connecting to `addr` is refused (nothing listens there).
fn refused(addr: SocketAddr) -> bool {
    matches!(
        TcpStream::connect_timeout(&addr, Duration::from_secs(2)),
        Err(e) if e.kind() == ErrorKind::ConnectionRefused
    )
}

/// What a short-lived run printed and how it ended.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `program args` in `dir` to completion, killing it (and failing the
/// test) if it is still running at the deadline.
fn run_to_exit(program: &str, args: &[&str], dir: &Path) -> Run {
    let out_path = dir.join("run.stdout");
    let err_path = dir.join("run.stderr");
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::from(
            fs::File::create(&out_path).expect("stdout file"),
        ))
        .stderr(Stdio::from(
            fs::File::create(&err_path).expect("stderr file"),
        ))
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {program}: {e}"));
    let end = Instant::now() + DEADLINE;
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() > end {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{program} {args:?} still running after {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Run {
        code: status.code(),
        stdout: fs::read_to_string(&out_path).unwrap_or_default(),
        stderr: fs::read_to_string(&err_path).unwrap_or_default(),
    }
}

/// Sends `signal` to process `pid`.
fn send_signal(pid: u32, signal: libc::c_int) {
    let pid = libc::pid_t::try_from(pid).expect("pid fits pid_t");
    // SAFETY: kill(2) only sends a signal; the pid is our own child's.
    let rc = unsafe { libc::kill(pid, signal) };
    assert_eq!(rc, 0, "kill({pid}, {signal})");
}

/// One log line taken apart: `pid:M dd Mon yyyy hh:mm:ss.mmm <mark> <msg>`.
struct LogLine<'a> {
    pid: u32,
    mark: char,
    message: &'a str,
}

/// Parses a line of Redis's log shape, i.e. matches
/// `^\d+:M \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}\.\d{3} [.\-*#] .+$`.
fn parse_log_line(line: &str) -> Option<LogLine<'_>> {
    // After "<pid>:" comes a fixed-width part; in the template `9` is a
    // digit, `A` an upper-case and `a` a lower-case letter, `?` the level
    // mark, anything else itself.
    const TEMPLATE: &[u8] = b"M 99 Aaa 9999 99:99:99.999 ? ";
    let (pid, rest) = line.split_once(':')?;
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let bytes = rest.as_bytes();
    if bytes.len() <= TEMPLATE.len() {
        return None;
    }
    for (&t, &b) in TEMPLATE.iter().zip(bytes) {
        let ok = match t {
            b'9' => b.is_ascii_digit(),
            b'A' => b.is_ascii_uppercase(),
            b'a' => b.is_ascii_lowercase(),
            b'?' => b".-*#".contains(&b),
            _ => b == t,
        };
        if !ok {
            return None;
        }
    }
    Some(LogLine {
        pid: pid.parse().ok()?,
        mark: char::from(bytes[TEMPLATE.len() - 2]),
        message: &rest[TEMPLATE.len()..],
    })
}

/// Parses every line of `log`, failing on the first one of the wrong shape
/// or from another pid.
fn parse_log(log: &str, pid: u32) -> Vec<LogLine<'_>> {
    assert!(log.ends_with('\n'), "log ends mid-line:\n{log}");
    log.lines()
        .map(|line| {
            let parsed = parse_log_line(line)
                .unwrap_or_else(|| panic!("log line not in Redis's shape: {line:?}\n{log}"));
            assert_eq!(parsed.pid, pid, "pid of log line {line:?}");
            parsed
        })
        .collect()
}

/// A RESP bulk reply.
fn bulk(data: &[u8]) -> Vec<u8> {
    let mut out = format!("${}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    out
}

/// Connects with a 64 KiB receive buffer, set before the handshake so the
/// kernel cannot grow it: the replies then back up into the server's own
/// buffers, and a shutdown has to deal with them.
fn small_receive_buffer_connect(addr: SocketAddr) -> TcpStream {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).expect("socket");
    socket.set_recv_buffer_size(64 * 1024).expect("SO_RCVBUF");
    socket.connect(&addr.into()).expect("connect");
    socket.into()
}

/// How a read-until-the-end finished.
#[derive(Debug, PartialEq)]
enum End {
    Eof,
    Error(ErrorKind),
    Timeout,
}

/// Reads everything until EOF, an error or the deadline, saying which.
fn read_until_end(stream: &mut TcpStream) -> (Vec<u8>, End) {
    let end = Instant::now() + DEADLINE;
    let mut out = Vec::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return (out, End::Timeout);
        }
        stream.set_read_timeout(Some(left)).expect("set timeout");
        match stream.read(&mut buf) {
            Ok(0) => return (out, End::Eof),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return (out, End::Timeout)
            }
            Err(e) => return (out, End::Error(e.kind())),
        }
    }
}

/// `(tx_queue, rx_queue)` of the IPv4 TCP socket with these local and
/// remote ports, from /proc/net/tcp.
fn tcp_queues(local_port: u16, remote_port: u16) -> Option<(u64, u64)> {
    let table = fs::read_to_string("/proc/net/tcp").expect("read /proc/net/tcp");
    let port_of = |addr: &str| {
        addr.split_once(':')
            .and_then(|(_, p)| u16::from_str_radix(p, 16).ok())
    };
    table.lines().skip(1).find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (local, remote, queues) = (fields.get(1)?, fields.get(2)?, fields.get(4)?);
        if port_of(local)? != local_port || port_of(remote)? != remote_port {
            return None;
        }
        let (tx, rx) = queues.split_once(':')?;
        Some((
            u64::from_str_radix(tx, 16).ok()?,
            u64::from_str_radix(rx, 16).ok()?,
        ))
    })
}

/// The `ss -tno` line of the server side of the connection from client
/// port `client_port` to server port `port`.
fn ss_server_side(port: u16, client_port: u16) -> String {
    let out = Command::new("ss")
        .args([
            "-tno",
            "state",
            "established",
            &format!("( sport = :{port} )"),
        ])
        .output()
        .expect("run ss (iproute2); this test needs it");
    assert!(out.status.success(), "ss failed: {out:?}");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let peer = format!("127.0.0.1:{client_port} ");
    text.lines()
        .find(|l| l.contains(&peer))
        .unwrap_or_else(|| panic!("no server-side socket for {peer} in ss output:\n{text}"))
        .to_string()
}

// ---------------------------------------------------------------------------
// --version and --help
// ---------------------------------------------------------------------------

// `--version` and `-v` print one `ferrodis v=… redis_version=7.0.15 …` line and exit 0.
#[test]
fn version_flag_prints_one_line_and_exits_zero() {
    let dir = ScratchDir::new("version");
    for flag in ["--version", "-v"] {
        let run = run_to_exit(ferrodis_bin(), &[flag], dir.path());
        assert_eq!(run.code, Some(0), "{flag}: {}", run.stderr);
        assert!(run.stdout.ends_with('\n'), "{flag}: {:?}", run.stdout);
        assert_eq!(run.stdout.lines().count(), 1, "{flag}: {:?}", run.stdout);
        assert!(
            run.stdout.starts_with(&format!("ferrodis v={VERSION} ")),
            "{flag}: {:?}",
            run.stdout
        );
        assert!(
            run.stdout.contains(" redis_version=7.0.15"),
            "{flag}: {:?}",
            run.stdout
        );
        assert_eq!(run.stderr, "", "{flag}");
    }
}

// `--help` and `-h` print the usage on stderr and exit 1, as redis-server does.
#[test]
fn help_flag_prints_usage_on_stderr_and_exits_one() {
    let dir = ScratchDir::new("help");
    for flag in ["--help", "-h"] {
        let run = run_to_exit(ferrodis_bin(), &[flag], dir.path());
        assert_eq!(run.code, Some(1), "{flag}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{flag}: {:?}", run.stdout);
        assert!(
            run.stderr.starts_with("Usage: ferrodis"),
            "{flag}: {:?}",
            run.stderr
        );
        assert!(run.stderr.contains("--version"), "{flag}: {:?}", run.stderr);
    }
    let redis = run_to_exit("redis-server", &["--help"], dir.path());
    assert_eq!(redis.code, Some(1), "redis-server --help exits 1");
    assert!(
        redis.stderr.starts_with("Usage: "),
        "redis-server --help uses stderr"
    );
}

// ---------------------------------------------------------------------------
// Fatal config errors
// ---------------------------------------------------------------------------

/// The block redis-server prints on stderr for a bad config line; `program`
/// is `Redis 7.0.15` or `ferrodis <version>`.
fn fatal_block(program: &str, line_no: usize, line: &str, problem: &str) -> String {
    format!(
        "\n*** FATAL CONFIG FILE ERROR ({program}) ***\n\
         Reading the configuration file, at line {line_no}\n\
         >>> '{line}'\n\
         {problem}\n"
    )
}

// Bad config lines exit 1 with the FATAL CONFIG FILE ERROR block redis-server prints for them.
#[test]
fn config_errors_print_redis_fatal_block_and_exit_one() {
    assert!(
        have_program("redis-server"),
        "redis-server is not installed; run ./scripts/test.sh, which installs it"
    );
    let dir = ScratchDir::new("config-errors");
    let bad_directive = dir.file("bad-directive.conf");
    fs::write(&bad_directive, "# a comment\n# another one\nfoo bar\n").expect("write conf");
    let bad_port = dir.file("bad-port.conf");
    fs::write(&bad_port, "port abc\n").expect("write conf");

    // (arguments, line number, offending line as echoed, problem)
    let cases: &[(&[&str], usize, &str, &str)] = &[
        (
            &[&bad_directive],
            3,
            "foo bar",
            "Bad directive or wrong number of arguments",
        ),
        (
            &[&bad_port],
            1,
            "port abc",
            "argument couldn't be parsed into an integer",
        ),
        (
            &["--port", "abc"],
            2,
            "port \"abc\"",
            "argument couldn't be parsed into an integer",
        ),
        (
            &["--port", "70000"],
            2,
            "port \"70000\"",
            "argument must be between 0 and 65535 inclusive",
        ),
        (
            &["--maxclients", "0"],
            2,
            "maxclients \"0\"",
            "argument must be between 1 and 4294967295 inclusive",
        ),
        (
            &["--loglevel", "foo"],
            2,
            "loglevel \"foo\"",
            "argument(s) must be one of the following: debug, verbose, notice, warning",
        ),
        (
            &["--daemonize", "maybe"],
            2,
            "daemonize \"maybe\"",
            "argument must be 'yes' or 'no'",
        ),
        (
            &["--timeout", "-1"],
            2,
            "timeout \"-1\"",
            "argument must be between 0 and 2147483647 inclusive",
        ),
        (
            &["--proto-max-bulk-len", "100"],
            2,
            "proto-max-bulk-len \"100\"",
            "argument must be between 1048576 and 9223372036854775807 inclusive",
        ),
        (
            &["--client-query-buffer-limit", "1x"],
            2,
            "client-query-buffer-limit \"1x\"",
            "argument must be a memory value",
        ),
        (
            &["--port", "6379", "6380"],
            2,
            "port \"6379\" \"6380\"",
            "wrong number of arguments",
        ),
    ];
    for &(args, line_no, line, problem) in cases {
        let redis = run_to_exit("redis-server", args, dir.path());
        assert_eq!(redis.code, Some(1), "redis-server {args:?}");
        assert_eq!(
            redis.stderr,
            fatal_block("Redis 7.0.15", line_no, line, problem),
            "the expectation for {args:?} does not match redis-server itself"
        );

        let ours = run_to_exit(ferrodis_bin(), args, dir.path());
        assert_eq!(ours.code, Some(1), "ferrodis {args:?}: {}", ours.stderr);
        assert_eq!(
            ours.stderr,
            fatal_block(&format!("ferrodis {VERSION}"), line_no, line, problem),
            "ferrodis {args:?}"
        );
        assert_eq!(ours.stdout, "", "ferrodis {args:?} stdout");
    }
}

// A config file that cannot be opened exits 1 with Redis's "can't open config file" message.
#[test]
fn missing_config_file_exits_one() {
    let dir = ScratchDir::new("missing-conf");
    let path = "/nonexistent-ferrodis-test-dir/redis.conf";
    let message =
        format!("Fatal error, can't open config file '{path}': No such file or directory");
    // Redis prints it as a log line on stdout, with the role C:
    // `<pid>:C <date> # Fatal error, ...`.
    for program in [ferrodis_bin(), "redis-server"] {
        let run = run_to_exit(program, &[path], dir.path());
        assert_eq!(run.code, Some(1), "{program}");
        let line = run.stdout.trim_end();
        assert!(line.ends_with(&message), "{program} printed: {line:?}");
        assert!(
            line.contains(":C ") && line.contains(" # "),
            "{program}: {line:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// Config file loading
// ---------------------------------------------------------------------------

// A config file's `port`, `bind` and `timeout` lines are applied: the server answers on that port.
#[test]
fn config_file_sets_port() {
    let dir = ScratchDir::new("conf-file");
    let conf = dir.file("ferrodis.conf");
    let (_proc, _port) = start_on_free_port(
        dir.path(),
        |port| {
            fs::write(&conf, format!("port {port}\nbind 127.0.0.1\ntimeout 0\n"))
                .expect("write conf");
            vec![conf.clone()]
        },
        loopback,
    );
}

// A `--port` option after the config file overrides the file's `port`.
#[test]
fn command_line_option_overrides_config_file() {
    let dir = ScratchDir::new("conf-override");
    let conf = dir.file("ferrodis.conf");
    let file_port = free_port();
    fs::write(
        &conf,
        format!("port {file_port}\nbind 127.0.0.1\ntimeout 0\n"),
    )
    .expect("conf");
    let (_proc, port) = start_on_free_port(
        dir.path(),
        |port| vec![conf.clone(), "--port".into(), port.to_string()],
        loopback,
    );
    assert_ne!(port, file_port);
    assert!(
        refused(loopback(file_port)),
        "the file's port {file_port} should not be listened on"
    );
}

// Memory units in options: `--proto-max-bulk-len 2mb` allows a 2 MiB bulk and refuses 2 MiB + 1.
#[test]
fn memory_units_in_proto_max_bulk_len() {
    let server = Server::start(&["--proto-max-bulk-len", "2mb"]);
    let data: Vec<u8> = (0..2 * 1024 * 1024).map(|i| (i % 251) as u8).collect();

    let mut s = server.connect();
    s.write_all(&mbulk(&[b"ECHO", &data])).expect("write");
    let expected = bulk(&data);
    let got = read_n(&mut s, expected.len());
    assert!(got == expected, "the 2 MiB ECHO reply differs");

    let mut s = server.connect();
    assert_reply_then_close(
        &mut s,
        format!("*2\r\n$4\r\nECHO\r\n${}\r\n", data.len() + 1).as_bytes(),
        b"-ERR Protocol error: invalid bulk length\r\n",
    );
}

// ---------------------------------------------------------------------------
// Shutdown on signals
// ---------------------------------------------------------------------------

/// Starts a server with a pidfile, checks the pidfile, sends `signal` and
/// checks a clean exit: code 0, Redis's log lines, port closed, pidfile gone.
fn check_signal_shutdown(signal: libc::c_int, name: &str) {
    let scratch = ScratchDir::new("pidfile");
    let pidfile = scratch.file("x.pid");
    let mut server = Server::start(&["--pidfile", &pidfile]);
    let pid = server.pid();
    let content = fs::read_to_string(&pidfile).expect("pidfile exists while running");
    assert_eq!(content.trim_end(), pid.to_string(), "pidfile content");

    send_signal(pid, signal);
    assert_eq!(
        server.wait_exit(DEADLINE),
        Some(0),
        "exit code after {name}; log:\n{}",
        server.log()
    );
    let log = server.log();
    assert!(
        log.contains(&format!("Received {name} scheduling shutdown...")),
        "log:\n{log}"
    );
    assert!(log.contains("ready to exit, bye bye"), "log:\n{log}");
    assert!(
        refused(loopback(server.port)),
        "port still accepts after exit"
    );
    assert!(
        !Path::new(&pidfile).exists(),
        "pidfile not removed on shutdown"
    );
}

// SIGTERM: clean shutdown with exit code 0, Redis's log lines, listener closed, pidfile removed.
#[test]
fn sigterm_shuts_down_cleanly() {
    check_signal_shutdown(libc::SIGTERM, "SIGTERM");
}

// SIGINT: the same clean shutdown as SIGTERM, logged as SIGINT.
#[test]
fn sigint_shuts_down_cleanly() {
    check_signal_shutdown(libc::SIGINT, "SIGINT");
}

// On SIGTERM a non-reading client's pending replies arrive as an exact prefix, then EOF.
#[test]
fn sigterm_flushes_pending_replies_then_closes() {
    const REQUESTS: usize = 200;
    const SIZE: usize = 100 * 1024;
    let mut server = Server::start(&[]);
    let mut s = small_receive_buffer_connect(loopback(server.port));
    let client_port = s.local_addr().expect("local addr").port();

    let mut requests = Vec::new();
    let mut expected = Vec::new();
    for i in 0..REQUESTS {
        let payload = vec![b'a' + (i % 26) as u8; SIZE];
        requests.extend_from_slice(&mbulk(&[b"ECHO", &payload]));
        expected.extend_from_slice(&bulk(&payload));
    }
    // The server reads requests however much output is pending, so the
    // whole pipeline is taken without our reading anything.
    s.set_write_timeout(Some(DEADLINE)).expect("write timeout");
    s.write_all(&requests).expect("write the pipeline");
    // Wait until the server has read every byte: nothing unacked on our
    // side, nothing unread on its side. Unread input at close would make
    // the kernel answer with RST instead of FIN.
    let drained = wait_until(DEADLINE, || {
        let ours = tcp_queues(client_port, server.port);
        let theirs = tcp_queues(server.port, client_port);
        matches!((ours, theirs), (Some((0, _)), Some((_, 0))))
    });
    assert!(drained, "the server did not read the whole pipeline");

    // Read only after the exit, so that the replies cannot drain while the
    // server runs normally: what arrives is what the shutdown left behind.
    send_signal(server.pid(), libc::SIGTERM);
    assert_eq!(
        server.wait_exit(DEADLINE),
        Some(0),
        "log:\n{}",
        server.log()
    );
    let (got, end) = read_until_end(&mut s);
    assert!(!got.is_empty(), "no reply bytes at all arrived");
    assert!(got.len() <= expected.len(), "more bytes than replies");
    if let Some(at) = got.iter().zip(&expected).position(|(a, b)| a != b) {
        panic!(
            "reply stream corrupt at byte {at}: got {:?}, expected {:?}",
            String::from_utf8_lossy(&got[at..(at + 40).min(got.len())]),
            String::from_utf8_lossy(&expected[at..(at + 40).min(expected.len())])
        );
    }
    assert_eq!(end, End::Eof, "after {} reply bytes", got.len());
}

// ---------------------------------------------------------------------------
// Logging
// ---------------------------------------------------------------------------

// Log lines have Redis's shape; the banner names version, pid and port; then the ready line.
#[test]
fn log_lines_have_redis_shape_and_banner() {
    let server = Server::start(&[]);
    let pid = server.pid();
    assert!(
        server.wait_log("Ready to accept connections", DEADLINE),
        "log:\n{}",
        server.log()
    );
    let log = server.log();
    let lines = parse_log(&log, pid);
    let has = |needles: &[&str]| {
        lines
            .iter()
            .any(|l| needles.iter().all(|n| l.message.contains(n)))
    };
    assert!(
        has(&[
            &format!("version={VERSION}"),
            "redis_version=7.0.15",
            &format!("pid={pid}")
        ]),
        "no banner with version and pid:\n{log}"
    );
    assert!(
        has(&[&format!("port={}", server.port)]),
        "no port={}:\n{log}",
        server.port
    );
    assert!(
        lines
            .iter()
            .any(|l| l.mark == '*' && l.message.starts_with("Ready to accept connections")),
        "{log}"
    );
}

// `--loglevel verbose` logs each accepted connection as a verbose (`-`) `Accepted ip:port` line.
#[test]
fn verbose_loglevel_logs_accepted_connections() {
    let server = Server::start(&["--loglevel", "verbose"]);
    let s = server.connect();
    let needle = format!(
        "Accepted 127.0.0.1:{}",
        s.local_addr().expect("addr").port()
    );
    assert!(
        wait_until(DEADLINE, || server.log().contains(&format!("{needle}\n"))),
        "no {needle:?} in log:\n{}",
        server.log()
    );
    let log = server.log();
    let lines = parse_log(&log, server.pid());
    assert!(
        lines.iter().any(|l| l.mark == '-' && l.message == needle),
        "{needle:?} not at verbose level:\n{log}"
    );
}

// `--loglevel warning` logs warnings (`#`) but none of the notice (`*`) lines.
#[test]
fn warning_loglevel_hides_notices() {
    let mut server = Server::start(&["--loglevel", "warning"]);
    // Shutting down logs warnings, so the log cannot be empty by accident.
    send_signal(server.pid(), libc::SIGTERM);
    assert_eq!(server.wait_exit(DEADLINE), Some(0));
    let log = server.log();
    let lines = parse_log(&log, server.pid());
    assert!(
        lines.iter().any(|l| l.mark == '#'),
        "no warning lines:\n{log}"
    );
    assert!(
        lines.iter().all(|l| l.mark == '#'),
        "lines below warning level:\n{log}"
    );
    assert!(!log.contains("Ready to accept connections"), "{log}");
    // The start-up banner is logged at warning level, as Redis does.
    assert!(log.contains("just started"), "{log}");
}

// With TCP off (`port 0`) and nothing else to listen on, start-up stops with Redis's words.
#[test]
fn port_zero_refuses_to_start() {
    let dir = ScratchDir::new("port-zero");
    for program in [ferrodis_bin(), "redis-server"] {
        let run = run_to_exit(program, &["--port", "0"], dir.path());
        assert_eq!(run.code, Some(1), "{program}: {}", run.stdout);
        assert!(
            run.stdout
                .contains("# Configured to not listen anywhere, exiting."),
            "{program}: {}",
            run.stdout
        );
    }
}

// `--logfile` sends the log lines to that file and none to stdout.
#[test]
fn logfile_receives_the_log() {
    let scratch = ScratchDir::new("logfile");
    let logfile = scratch.file("f.log");
    let server = Server::start(&["--logfile", &logfile]);
    let read = || fs::read_to_string(&logfile).unwrap_or_default();
    assert!(
        wait_until(DEADLINE, || read().contains("Ready to accept connections")),
        "logfile:\n{}\nstdout:\n{}",
        read(),
        server.log()
    );
    let log = read();
    parse_log(&log, server.pid());
    assert_eq!(server.log(), "", "stdout should carry no log lines");
}

// ---------------------------------------------------------------------------
// Default bind and keep-alive
// ---------------------------------------------------------------------------

// Without `bind`, ferrodis listens on 127.0.0.1 and on ::1 where it exists (`127.0.0.1 -::1`).
#[test]
fn default_bind_is_ipv4_and_ipv6_loopback() {
    let dir = ScratchDir::new("default-bind");
    let (_proc, port) = start_on_free_port(
        dir.path(),
        |port| vec!["--port".into(), port.to_string()],
        loopback,
    );
    let ipv6 = TcpListener::bind("[::1]:0").is_ok();
    if ipv6 {
        let addr: SocketAddr = format!("[::1]:{port}").parse().expect("v6 addr");
        assert!(pings(addr), "no answer on {addr}");
    }
}

// Default `tcp-keepalive 300` gives accepted sockets a ~5 min keepalive timer; 0 gives none.
#[test]
fn tcp_keepalive_set_on_accepted_sockets() {
    for (args, keepalive) in [(&[][..], true), (&["--tcp-keepalive", "0"][..], false)] {
        let server = Server::start(args);
        let mut s = server.connect();
        // A round trip proves the connection was accepted and configured.
        s.write_all(b"PING\r\n").expect("write");
        assert_eq!(read_n(&mut s, 7), b"+PONG\r\n");
        let line = ss_server_side(server.port, s.local_addr().expect("addr").port());
        if keepalive {
            let timer = line
                .split_once("timer:(keepalive,")
                .map(|(_, t)| t)
                .unwrap_or_else(|| panic!("no keepalive timer: {line}"));
            assert!(
                timer.starts_with("4min") || timer.starts_with("5min"),
                "keepalive timer not about 300 s: {line}"
            );
        } else {
            assert!(!line.contains("keepalive"), "keepalive with 0: {line}");
        }
    }
}
