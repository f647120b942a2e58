//! Connection handling: many clients at once, maxclients, the idle timeout,
//! clients that vanish mid-request, slow readers, and the real redis-cli and
//! redis-benchmark tools run against the server.
//!
//! Every wait is bounded by a deadline. The only deliberate pause is the
//! pacing of the keep-alive client in the timeout test.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{assert_reply, mbulk, read_n, read_to_close, wait_for, Conn, Server, DEADLINE};

const MAX_CLIENTS_ERR: &[u8] = b"-ERR max number of clients reached\r\n";

/// Raises this process's open-file soft limit to at least `want` (when the
/// hard limit allows), so a test can hold many sockets; the server inherits
/// it too.
fn raise_nofile_limit(want: libc::rlim_t) {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return;
        }
        if lim.rlim_cur < want {
            lim.rlim_cur = std::cmp::min(want, lim.rlim_max);
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}

/// Runs a client program with a deadline, killing it if it overruns.
fn run_tool(program: &str, args: &[&str]) -> Output {
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {program}: {e}"));
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(out) => out.unwrap_or_else(|e| panic!("wait for {program}: {e}")),
        Err(_) => {
            // SAFETY: kill(2) on the pid of the child we spawned, still unreaped
            // because wait_with_output has not returned.
            unsafe {
                libc::kill(pid as libc::pid_t, libc::SIGKILL);
            }
            panic!("{program} {args:?} did not finish within 30 s");
        }
    }
}

/// Sends PING and returns the first reply line's bytes (up to the deadline).
fn ping_once(s: &mut TcpStream) -> Vec<u8> {
    if s.write_all(b"PING\r\n").is_err() {
        return Vec::new();
    }
    let mut got = Vec::new();
    let mut byte = [0u8; 1];
    while !got.ends_with(b"\r\n") {
        match s.read(&mut byte) {
            Ok(0) => break,
            Ok(_) => got.push(byte[0]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    got
}

/// Connects until a connection answers PING with +PONG; a connection turned
/// away (e.g. because the server has not yet freed a closed one) is retried
/// until [`DEADLINE`].
fn connect_answering(server: &Server) -> TcpStream {
    let end = Instant::now() + DEADLINE;
    loop {
        let mut s = server.connect();
        let got = ping_once(&mut s);
        if got == b"+PONG\r\n" {
            return s;
        }
        assert!(
            Instant::now() < end,
            "no connection answered PING within the deadline; last reply {:?}",
            String::from_utf8_lossy(&got)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

// 1,000 clients connected at once are all served, twice over.
#[test]
fn thousand_concurrent_clients() {
    raise_nofile_limit(4096);
    let server = Server::start(&[]);
    let mut conns: Vec<TcpStream> = (0..1000).map(|_| server.connect()).collect();
    for s in conns.iter_mut() {
        s.write_all(b"PING\r\n").expect("write PING");
    }
    for (i, s) in conns.iter_mut().enumerate() {
        let got = read_n(s, 7);
        assert_eq!(got, b"+PONG\r\n", "client {i}");
    }
    // All still open and usable, in a second round.
    for s in conns.iter_mut() {
        s.write_all(b"ECHO x\r\n").expect("write ECHO");
    }
    for s in conns.iter_mut() {
        assert_eq!(read_n(s, 7), b"$1\r\nx\r\n");
    }
}

// --maxclients 10: the 11th gets '-ERR max number of clients reached' and is closed.
#[test]
fn maxclients_rejects_extra_connection() {
    let server = Server::start(&["--maxclients", "10"]);
    let mut held: Vec<TcpStream> = (0..10).map(|_| connect_answering(&server)).collect();
    let mut extra = server.connect();
    let (got, closed) = read_to_close(&mut extra, DEADLINE);
    assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(MAX_CLIENTS_ERR)
    );
    assert!(closed, "the rejected connection must be closed");
    for s in held.iter_mut() {
        assert_reply(s, b"PING\r\n", b"+PONG\r\n");
    }
    drop(held.pop());
    let mut again = connect_answering(&server);
    assert_reply(&mut again, b"ECHO back\r\n", b"$4\r\nback\r\n");
}

// --timeout 1 closes idle clients (no reply) within seconds but not busy ones.
#[test]
fn idle_timeout_closes_only_idle_clients() {
    let server = Server::start(&["--timeout", "1"]);
    let mut idle = server.connect();
    assert_reply(&mut idle, b"PING\r\n", b"+PONG\r\n");
    let mut silent = server.connect();
    let mut busy = server.connect();
    assert_reply(&mut busy, b"PING\r\n", b"+PONG\r\n");

    let idle_thread = std::thread::spawn(move || {
        let start = Instant::now();
        let (got, closed) = read_to_close(&mut idle, Duration::from_secs(5));
        let (got2, closed2) = read_to_close(&mut silent, Duration::from_secs(5));
        (got, closed, got2, closed2, start.elapsed())
    });

    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(2500) {
        std::thread::sleep(Duration::from_millis(300));
        assert_reply(&mut busy, b"PING\r\n", b"+PONG\r\n");
    }

    let (got, closed, got2, closed2, took) = idle_thread.join().expect("idle thread");
    assert!(closed, "idle client not closed after {took:?}");
    assert!(got.is_empty(), "no reply expected on timeout: {got:?}");
    assert!(closed2, "never-used client not closed");
    assert!(got2.is_empty(), "no reply expected on timeout: {got2:?}");
    assert_reply(&mut busy, b"PING\r\n", b"+PONG\r\n");
}

// redis-cli prints PONG, the ECHO argument and '(integer) N' for COMMAND COUNT.
#[test]
fn redis_cli_works() {
    let server = Server::start(&[]);
    let port = server.port.to_string();
    let cli = |args: &[&str]| -> String {
        let mut full = vec!["-h", "127.0.0.1", "-p", &port];
        full.extend_from_slice(args);
        let out = run_tool("redis-cli", &full);
        assert!(out.status.success(), "redis-cli {args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(cli(&["ping"]), "PONG\n");
    assert_eq!(cli(&["echo", "hi"]), "hi\n");
    let count = cli(&["--no-raw", "command", "count"]);
    let n: i64 = count
        .trim()
        .strip_prefix("(integer) ")
        .unwrap_or_else(|| panic!("not an integer reply: {count:?}"))
        .parse()
        .expect("integer");
    assert!(n > 0, "{count:?}");
}

// Piped redis-cli first reads COMMAND DOCS for its help and hints, then runs each line.
#[test]
fn redis_cli_reads_commands_from_a_pipe() {
    let server = Server::start(&[]);
    let port = server.port.to_string();
    let mut child = Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", &port])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn redis-cli");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"PING\nECHO \"two words\"\nSELECT 3\nNOSUCH x\n")
        .expect("write to redis-cli");
    let end = Instant::now() + DEADLINE;
    while child.try_wait().expect("try_wait").is_none() {
        if Instant::now() > end {
            let _ = child.kill();
            panic!("redis-cli did not finish");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().expect("output");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "PONG\ntwo words\nOK\nERR unknown command 'NOSUCH', with args beginning with: 'x' \n\n"
    );
}

/// The requests-per-second figure redis-benchmark -q printed for `test`.
fn benchmark_rps(stdout: &str, test: &str) -> f64 {
    let prefix = format!("{test}: ");
    let line = stdout
        .split(['\r', '\n'])
        .filter_map(|l| l.trim().strip_prefix(&prefix))
        .find(|l| l.contains(" requests per second"))
        .unwrap_or_else(|| panic!("no {test} result in {stdout:?}"));
    line.split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("bad {test} figure in {line:?}"))
}

// redis-benchmark's PING_INLINE and PING_MBULK complete, with and without -P 16.
#[test]
fn redis_benchmark_ping() {
    let server = Server::start(&[]);
    let port = server.port.to_string();
    for pipeline in ["1", "16"] {
        let args = [
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-t",
            "ping",
            "-n",
            "10000",
            "-q",
            "-P",
            pipeline,
        ];
        let out = run_tool("redis-benchmark", &args);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "redis-benchmark {args:?}: {out:?}");
        for test in ["PING_INLINE", "PING_MBULK"] {
            let rps = benchmark_rps(&stdout, test);
            assert!(rps > 0.0, "{test} at -P {pipeline}: {rps}");
        }
    }
    let mut s = server.connect();
    assert_reply(&mut s, b"PING\r\n", b"+PONG\r\n");
}

// Clients that send (part of) a request and vanish, even with a RST, do not hurt the server.
#[test]
fn clients_that_vanish_do_not_hurt_server() {
    let server = Server::start(&[]);
    let big: Vec<u8> = b"PING\r\n".repeat(20_000);
    for i in 0..60 {
        let mut s = server.connect();
        let request: &[u8] = match i % 4 {
            0 => b"PING\r\n",
            1 => b"*2\r\n$4\r\nECHO\r\n$10\r\nabc",
            2 => &big,
            _ => b"ECHO hello\r\n",
        };
        let _ = s.write_all(request);
        if i % 2 == 1 {
            // Linger 0: close with a RST instead of a FIN.
            let _ = socket2::SockRef::from(&s).set_linger(Some(Duration::ZERO));
        }
        drop(s);
    }
    let mut s = server.connect();
    assert_reply(&mut s, b"PING\r\n", b"+PONG\r\n");
    assert_reply(
        &mut s,
        &mbulk(&[b"ECHO", b"still here"]),
        b"$10\r\nstill here\r\n",
    );
}

// A request and the end of its stream in one TCP segment, so one poll
// event reports both: the reply is sent, then the server notices the EOF,
// closes the connection and frees the client. On Linux a short read counts
// as draining the socket; after a hang-up it must not, or the EOF, whose
// edge that one event already spent, would never be read.
#[test]
fn request_and_hangup_in_one_segment_are_both_handled() {
    let server = Server::start(&[]);
    let mut admin = Conn::open(&server);
    for round in 0..20 {
        let mut s = server.connect();
        // TCP_CORK holds the request back until the shutdown, which sends
        // it with the FIN.
        socket2::SockRef::from(&s)
            .set_tcp_cork(true)
            .expect("TCP_CORK");
        s.write_all(b"PING\r\n").expect("write the request");
        common::shutdown_write(&s);
        let (got, closed) = read_to_close(&mut s, DEADLINE);
        assert_eq!(got, b"+PONG\r\n", "round {round}");
        assert!(closed, "round {round}: the server must close after EOF");
    }
    wait_for("every half-closed client to be freed", DEADLINE, || {
        admin.info_int("clients", "connected_clients") == 1
    });
}

// A client not reading its 1 MB reply does not stall others and later gets it exact.
#[test]
fn slow_reader_gets_large_reply_intact() {
    let server = Server::start(&[]);
    let value: Vec<u8> = (0..1024 * 1024).map(|i| b'a' + (i % 26) as u8).collect();
    let mut slow = server.connect();
    slow.write_all(&mbulk(&[b"ECHO", &value]))
        .expect("write ECHO");

    // Peek (without consuming) until the reply has started, so the server
    // is known to hold the rest of it while the other client is served.
    let mut first = [0u8; 1];
    assert_eq!(slow.peek(&mut first).expect("peek reply"), 1);
    assert_eq!(&first, b"$");

    let mut other = server.connect();
    assert_reply(&mut other, b"PING\r\n", b"+PONG\r\n");
    assert_reply(&mut other, b"ECHO x\r\n", b"$1\r\nx\r\n");

    let mut expected = format!("${}\r\n", value.len()).into_bytes();
    expected.extend_from_slice(&value);
    expected.extend_from_slice(b"\r\n");
    let got = read_n(&mut slow, expected.len());
    let first_diff = got.iter().zip(&expected).position(|(a, b)| a != b);
    assert!(
        first_diff.is_none(),
        "1 MB ECHO reply differs at byte {first_diff:?}"
    );
    assert_reply(&mut slow, b"PING\r\n", b"+PONG\r\n");
}
