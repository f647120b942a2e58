//! Differential tests: the same raw bytes go to Debian's `redis-server`
//! 7.0.15 (the reference) and to ferrodis (the candidate), and the two
//! replies must match byte for byte, together with whether the server closed
//! the connection.
//!
//! Why compare against the real server: hand-written expectations can only
//! encode our own reading of the Redis source, and a misreading ends up in
//! both the code and its test. The reference server cannot misread itself,
//! so every case here is checked against what Redis actually sends (error
//! texts, truncation rules, which bytes are skipped unchecked, when the
//! connection is dropped, ...).
//!
//! How one case runs, on each server: open a fresh connection; send the
//! case's `setup` requests one at a time and read one reply for each (only
//! the first line of those replies is compared, so a `HELLO 3` whose `id`
//! differs between servers can be used); then send the case's raw `input`
//! immediately followed by a marker request (`ECHO <marker>`, or an unknown
//! command where ECHO would be refused, see [`Marker`]) and read until the
//! reply ends with the marker's reply (connection still open), the server
//! closes the connection (EOF or reset), or [`DEADLINE`] passes (always a
//! failure: the case is broken or a server hung). The marker's own reply is
//! not part of the compared bytes. Each server is started once per test
//! function, so cases share a keyspace: a case that writes keys should use
//! keys no other case uses.
//!
//! Adding a case: append a line to the table of the right suite
//! (`default_cases()` for a plain server, `requirepass_cases()` for one
//! started with `--requirepass secret`), e.g.
//!
//! ```text
//! Case::new("echo: two args", b"ECHO a b\r\n"),
//! Case::new("resp3: ping", b"PING\r\n").after(b"HELLO 3\r\n"),
//! ```
//!
//! The name must be unique within the suite; the input is sent verbatim and
//! should end with complete requests (an unfinished request swallows the
//! marker and the case times out). Cases that need a different server
//! configuration go into their own suite: a `#[test]` that calls
//! [`run_suite`] with the extra server arguments (given to both servers).
//!
//! Not compared here: replies made of prose, which ferrodis writes in its
//! own words (HELP texts, COMMAND DOCS summaries). Their shape is checked in
//! tests/commands.rs instead.
//!
//! Every mismatch is collected and the test fails once at the end, listing
//! them all with both replies escaped. `FERRODIS_DIFF_SHOW=1` also prints the
//! reference reply of every case (use `-- --nocapture`), which is handy when
//! writing new cases. With `FERRODIS_TEST_TARGET=redis` the candidate is
//! redis-server too, which checks the harness itself (zero mismatches).

mod common;

use common::{mbulk, Kind, Server, DEADLINE};
use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Instant;

// ---------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------

/// One differential case: a name, requests whose replies are discarded
/// (`setup`), and the raw bytes whose replies are compared.
struct Case {
    name: &'static str,
    setup: Vec<Vec<u8>>,
    input: Vec<u8>,
}

impl Case {
    fn new(name: &'static str, input: impl Into<Vec<u8>>) -> Case {
        Case {
            name,
            setup: Vec::new(),
            input: input.into(),
        }
    }

    /// Sends `request` (one complete request) before the input and reads
    /// its reply; only the reply's first line (e.g. `%7` for HELLO 3) is
    /// compared. May be called several times; requests go in order.
    fn after(mut self, request: &[u8]) -> Case {
        self.setup.push(request.to_vec());
        self
    }
}

/// How the end of a case's replies is detected.
#[derive(Clone, Copy, Debug)]
enum Marker {
    /// `ECHO <marker>`, answered by a bulk string. The normal choice.
    Echo,
    /// An unknown command named `<marker>`. Redis checks for unknown commands
    /// before authentication, so this works on a connection that has not
    /// sent AUTH under `requirepass`, where ECHO would get `-NOAUTH`.
    UnknownCommand,
}

const MARKER: &str = "ferrodis-differential-marker-5c1e";

impl Marker {
    fn request(self) -> Vec<u8> {
        match self {
            Marker::Echo => mbulk(&[b"ECHO", MARKER.as_bytes()]),
            Marker::UnknownCommand => mbulk(&[MARKER.as_bytes()]),
        }
    }

    fn reply(self) -> Vec<u8> {
        match self {
            Marker::Echo => format!("${}\r\n{}\r\n", MARKER.len(), MARKER).into_bytes(),
            Marker::UnknownCommand => {
                format!("-ERR unknown command '{MARKER}', with args beginning with: \r\n")
                    .into_bytes()
            }
        }
    }
}

/// How the exchange ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    /// The marker's reply arrived; the connection is still open.
    Open,
    /// The server closed the connection (EOF or reset).
    Closed,
    /// Neither happened before the deadline.
    Timeout,
}

/// What one server did with one case.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    /// First line of each setup reply, concatenated.
    setup: Vec<u8>,
    /// Everything after the setup replies, minus the marker's reply.
    reply: Vec<u8>,
    end: End,
}

enum Got {
    Data,
    Closed,
    Timeout,
}

/// One read into `buf`, bounded by `deadline`. A reset counts as closed.
fn read_some(stream: &mut TcpStream, buf: &mut Vec<u8>, deadline: Instant) -> Got {
    let mut chunk = [0u8; 65536];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Got::Timeout;
        }
        stream
            .set_read_timeout(Some(left))
            .expect("set read timeout");
        match stream.read(&mut chunk) {
            Ok(0) => return Got::Closed,
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                return Got::Data;
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::TimedOut => {
                return Got::Timeout
            }
            Err(_) => return Got::Closed,
        }
    }
}

/// Runs one case against one server.
fn run_case(server: &Server, case: &Case, marker: Marker) -> Outcome {
    let deadline = Instant::now() + DEADLINE;
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    stream.set_nodelay(true).ok();
    let mut out = Outcome {
        setup: Vec::new(),
        reply: Vec::new(),
        end: End::Open,
    };
    let mut buf = Vec::new();

    for request in &case.setup {
        if stream.write_all(request).is_err() {
            out.reply = buf;
            out.end = End::Closed;
            return out;
        }
        loop {
            if let Some(n) = reply_len(&buf) {
                let line = buf.iter().position(|&b| b == b'\n').map_or(n, |i| i + 1);
                out.setup.extend_from_slice(&buf[..line.min(n)]);
                buf.drain(..n);
                break;
            }
            match read_some(&mut stream, &mut buf, deadline) {
                Got::Data => {}
                Got::Closed => out.end = End::Closed,
                Got::Timeout => out.end = End::Timeout,
            }
            if out.end != End::Open {
                out.reply = buf;
                return out;
            }
        }
    }

    let mut payload = case.input.clone();
    payload.extend_from_slice(&marker.request());
    let marker_reply = marker.reply();
    // The writer runs on its own thread so a server that answers while we
    // are still writing (or closes early) can never deadlock the test.
    let mut writer = stream.try_clone().expect("clone stream");
    writer
        .set_write_timeout(Some(DEADLINE))
        .expect("set write timeout");
    std::thread::scope(|s| {
        s.spawn(move || {
            // A write error means the server closed; the reader sees it too.
            let _ = writer.write_all(&payload);
        });
        out.end = loop {
            if buf.ends_with(&marker_reply) {
                buf.truncate(buf.len() - marker_reply.len());
                break End::Open;
            }
            match read_some(&mut stream, &mut buf, deadline) {
                Got::Data => {}
                Got::Closed => break End::Closed,
                Got::Timeout => break End::Timeout,
            }
        };
        // Unblocks the writer if it is still stuck on a full socket.
        let _ = stream.shutdown(Shutdown::Both);
    });
    out.reply = buf;
    out
}

/// Byte length of the first complete RESP2/RESP3 reply in `buf`, if any.
fn reply_len(buf: &[u8]) -> Option<usize> {
    value_end(buf, 0)
}

fn value_end(buf: &[u8], pos: usize) -> Option<usize> {
    let rest = buf.get(pos..)?;
    let cr = rest.windows(2).position(|w| w == b"\r\n")?;
    let after = pos + cr + 2;
    let count = || -> i64 {
        std::str::from_utf8(&rest[1..cr])
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(-1)
    };
    let elements = |n: i64, mut at: usize| -> Option<usize> {
        for _ in 0..n.max(0) {
            at = value_end(buf, at)?;
        }
        Some(at)
    };
    match rest[0] {
        b'$' | b'!' | b'=' => match usize::try_from(count()) {
            Ok(len) => {
                let end = after + len + 2;
                (end <= buf.len()).then_some(end)
            }
            Err(_) => Some(after),
        },
        b'*' | b'~' | b'>' => elements(count(), after),
        b'%' => elements(count().saturating_mul(2), after),
        b'|' => value_end(buf, elements(count().saturating_mul(2), after)?),
        // Simple strings, errors, integers, null, booleans, doubles, big
        // numbers, and anything unexpected: one line.
        _ => Some(after),
    }
}

/// `bytes` as printable ASCII: `\r`, `\n`, `\t`, `\\` and `\xHH` escapes.
fn escape(bytes: &[u8]) -> String {
    let mut s = String::new();
    for &b in bytes {
        match b {
            b'\r' => s.push_str("\\r"),
            b'\n' => s.push_str("\\n"),
            b'\t' => s.push_str("\\t"),
            b'\\' => s.push_str("\\\\"),
            0x20..=0x7e => s.push(b as char),
            _ => {
                let _ = write!(s, "\\x{b:02x}");
            }
        }
    }
    s
}

/// A reply for the report: one RESP line per output line, and for long
/// replies only a window around `focus` (the first differing byte).
fn show_reply(bytes: &[u8], focus: usize) -> String {
    const WINDOW: usize = 2048;
    let (start, end) = if bytes.len() <= 2 * WINDOW {
        (0, bytes.len())
    } else {
        let start = focus.saturating_sub(WINDOW / 2).min(bytes.len());
        (start, (start + WINDOW).min(bytes.len()))
    };
    let mut s = String::new();
    if start > 0 {
        let _ = writeln!(s, "        ... ({start} bytes before)");
    }
    for line in bytes[start..end].split_inclusive(|&b| b == b'\n') {
        let _ = writeln!(s, "        {}", escape(line));
    }
    if end < bytes.len() {
        let _ = writeln!(s, "        ... ({} more bytes)", bytes.len() - end);
    }
    if bytes.is_empty() {
        s.push_str("        (no bytes)\n");
    }
    s
}

fn show_input(bytes: &[u8]) -> String {
    const MAX: usize = 300;
    if bytes.len() <= MAX {
        escape(bytes)
    } else {
        format!(
            "{} ... ({} bytes in all)",
            escape(&bytes[..MAX]),
            bytes.len()
        )
    }
}

fn describe(label: &str, o: &Outcome, focus: usize) -> String {
    let end = match o.end {
        End::Open => "connection still open",
        End::Closed => "connection closed",
        End::Timeout => "TIMED OUT (no marker reply, no close)",
    };
    let mut s = format!("    {label}: {} bytes, {end}\n", o.reply.len());
    if !o.setup.is_empty() {
        let _ = writeln!(s, "      setup reply heads: {}", escape(&o.setup));
    }
    s.push_str(&show_reply(&o.reply, focus));
    s
}

fn first_difference(a: &[u8], b: &[u8]) -> Option<usize> {
    a.iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .or((a.len() != b.len()).then_some(a.len().min(b.len())))
}

fn label(server: &Server) -> &'static str {
    match server.kind {
        Kind::Ferrodis => "ferrodis",
        Kind::Redis => "candidate (redis-server)",
    }
}

/// Starts the reference and the candidate with the same extra `args`, runs
/// every case on both, and fails once, listing every mismatch.
fn run_suite(suite: &str, args: &[&str], marker: Marker, cases: Vec<Case>) {
    let mut seen = HashSet::new();
    for case in &cases {
        assert!(
            seen.insert(case.name),
            "duplicate case name {:?} in suite {suite}",
            case.name
        );
    }
    let show = std::env::var_os("FERRODIS_DIFF_SHOW").is_some();
    let reference = Server::start_redis(args);
    let candidate = Server::start(args);
    let (reference, candidate) = (&reference, &candidate);
    let started = Instant::now();
    let mut report = String::new();
    let mut failed = 0;
    for case in &cases {
        let want = run_case(reference, case, marker);
        let got = run_case(candidate, case, marker);
        if show {
            println!(
                "[{suite}] {}\n    input: {}\n{}",
                case.name,
                show_input(&case.input),
                describe("redis", &want, 0)
            );
        }
        if want == got && want.end != End::Timeout {
            continue;
        }
        failed += 1;
        let focus = first_difference(&want.reply, &got.reply).unwrap_or(0);
        let _ = writeln!(report, "--- case {:?}", case.name);
        for request in &case.setup {
            let _ = writeln!(report, "    setup: {}", show_input(request));
        }
        let _ = writeln!(report, "    input: {}", show_input(&case.input));
        if want.setup != got.setup {
            let _ = writeln!(report, "    setup replies differ");
        }
        match first_difference(&want.reply, &got.reply) {
            Some(at) => {
                let _ = writeln!(report, "    replies differ from byte {at}");
            }
            None if want.end != got.end => {
                let _ = writeln!(
                    report,
                    "    same bytes, but the connection ended differently"
                );
            }
            None if want.end == End::Timeout => {
                let _ = writeln!(
                    report,
                    "    both servers timed out: the case never completes \
                     (an unfinished request swallowing the marker?)"
                );
            }
            None => {}
        }
        report.push_str(&describe("redis", &want, focus));
        report.push_str(&describe(label(candidate), &got, focus));
    }
    eprintln!(
        "differential suite {suite}: {} cases in {:.2?}, {failed} mismatched",
        cases.len(),
        started.elapsed()
    );
    assert!(
        failed == 0,
        "differential suite {suite}: {failed} of {} cases differ from redis-server \
         (marker {marker:?})\n\n{report}",
        cases.len()
    );
}

// ---------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------

// ---------------------------------------------------------------------------
// Helpers for building inputs
// ---------------------------------------------------------------------------

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn rep(byte: u8, n: usize) -> Vec<u8> {
    vec![byte; n]
}

/// Larger than anything Redis can have read before it sees that the line
/// exceeds 64 KiB, so the "too big" errors are deterministic.
const HUGE: usize = 256 * 1024;

/// A pure-RESP2/RESP3 probe whose reply differs by protocol: `*-1` in
/// RESP2 versus `_` in RESP3 (COMMAND INFO of an unknown command).
const PROTO_PROBE: &[u8] = b"COMMAND INFO nosuchcommand\r\n";

// ---------------------------------------------------------------------------
// Suites
// ---------------------------------------------------------------------------

#[test]
fn differential_connection_commands() {
    run_suite("default", &[], Marker::Echo, default_cases());
}

#[test]
fn differential_requirepass() {
    run_suite(
        "requirepass",
        &["--requirepass", "secret"],
        Marker::UnknownCommand,
        requirepass_cases(),
    );
}

#[test]
fn differential_keyspace_commands() {
    run_suite("keyspace", &[], Marker::Echo, keyspace_cases());
}

/// Cases for the keyspace, string and expiry commands (issue 3). Each
/// case uses keys of its own (`dN...`): the cases share one server.
fn keyspace_cases() -> Vec<Case> {
    let mut cases = vec![
        // --- SET options and their errors -------------------------------
        Case::new("set: nx with xx", b"SET d1 v NX XX\r\n"),
        Case::new("set: ex 0", b"SET d1 v EX 0\r\n"),
        Case::new("set: px negative", b"SET d1 v PX -1\r\n"),
        Case::new("set: ex not a number", b"SET d1 v EX abc\r\n"),
        Case::new("set: ex overflow", b"SET d1 v EX 9223372036854775\r\n"),
        Case::new("set: exat max seconds", b"SET d1 v EXAT 9223372036854775\r\nGET d1\r\n"),
        Case::new("set: keepttl with ex", b"SET d1 v KEEPTTL EX 10\r\n"),
        Case::new("set: ex and px", b"SET d1 v EX 10 PX 10\r\n"),
        Case::new("set: ex missing value", b"SET d1 v EX\r\n"),
        Case::new("set: unknown option", b"SET d1 v FOO\r\n"),
        Case::new("set: repeated flags", b"SET d2 v NX NX\r\nSET d2 w XX XX GET GET\r\nGET d2\r\n"),
        Case::new("set: nx get on existing", b"SET d3 a\r\nSET d3 b NX GET\r\nGET d3\r\n"),
        Case::new("set: xx on missing", b"SET d4 v XX\r\nEXISTS d4\r\n"),
        Case::new("setnx setex psetex", b"SETNX d5 1\r\nSETNX d5 2\r\nSETEX d5 0 x\r\nPSETEX d5 -5 x\r\nSETEX d5 abc x\r\nGET d5\r\n"),
        // --- GETEX, GETSET, GETDEL, MGET, MSET ----------------------------
        Case::new("getex: errors", b"GETEX d6 FOO\r\nGETEX d6 EX 0\r\nSET d6 v\r\nGETEX d6 EX 0\r\nGETEX d6 EX 10 PERSIST\r\nGETEX d6 PERSIST PERSIST\r\n"),
        Case::new("getset getdel", b"GETSET d7 a\r\nGETSET d7 b\r\nGETDEL d7\r\nGETDEL d7\r\n"),
        Case::new("mget mset msetnx", b"MSET d8a 1 d8b 2\r\nMGET d8a d8b d8c\r\nMSETNX d8a 3 d8d 4\r\nMSETNX d8d 4 d8e 5\r\nMSET d8a\r\nMSET d8a 1 d8b\r\nMSETNX d8a\r\n"),
        // --- counters ----------------------------------------------------
        Case::new("incr family", b"INCR d9\r\nINCRBY d9 10\r\nDECR d9\r\nDECRBY d9 5\r\nINCRBY d9 abc\r\nINCRBY d9 01\r\n"),
        Case::new("incr overflow", b"SET d10 9223372036854775807\r\nINCR d10\r\nDECRBY d10 -9223372036854775808\r\nSET d10 -9223372036854775808\r\nDECR d10\r\n"),
        Case::new("incr non-integer value", b"SET d11 abc\r\nINCR d11\r\nSET d11 \" 1\"\r\nINCR d11\r\nSET d11 1e3\r\nINCR d11\r\n"),
        Case::new("incrbyfloat", b"SET d12 10.50\r\nINCRBYFLOAT d12 0.1\r\nINCRBYFLOAT d12 -5\r\nINCRBYFLOAT d12 5.0e3\r\nINCRBYFLOAT d12 0x10\r\nINCRBYFLOAT d12 123456789.123\r\n"),
        Case::new("incrbyfloat errors", b"INCRBYFLOAT d13 abc\r\nINCRBYFLOAT d13 inf\r\nINCRBYFLOAT d13 nan\r\nINCRBYFLOAT d13 \" 1\"\r\nEXISTS d13\r\nSET d13 x\r\nINCRBYFLOAT d13 1\r\n"),
        // --- bytes -------------------------------------------------------
        Case::new("append strlen", b"APPEND d14 hello\r\nAPPEND d14 \" world\"\r\nSTRLEN d14\r\nSTRLEN d14x\r\nAPPEND d14y \"\"\r\nEXISTS d14y\r\n"),
        Case::new("getrange", b"GETRANGE d15 0 -1\r\nSET d15 \"hello world\"\r\nGETRANGE d15 0 4\r\nGETRANGE d15 -5 -1\r\nGETRANGE d15 -100 -50\r\nGETRANGE d15 5 2\r\nGETRANGE d15 0 100\r\nGETRANGE d15 a 1\r\nSUBSTR d15 1 3\r\n"),
        Case::new("setrange", b"SETRANGE d16 -1 x\r\nSETRANGE d16 0 \"\"\r\nSETRANGE d16 3 abc\r\nGET d16\r\nSETRANGE d16 1 \"\"\r\nSETRANGE d16 1 Z\r\nGET d16\r\nSETRANGE d16 536870912 x\r\nSETRANGE d16 x y\r\n"),
        Case::new("lcs", b"MSET d17a ohmytext d17b mynewtext\r\nLCS d17a d17b\r\nLCS d17a d17b LEN\r\nLCS d17a d17b IDX\r\nLCS d17a d17b IDX MINMATCHLEN 4 WITHMATCHLEN\r\nLCS d17a d17b LEN IDX\r\nLCS d17a d17b FOO\r\nLCS d17a d17x\r\n"),
        // --- encodings ---------------------------------------------------
        Case::new("object encodings", b"SET d18a 12345\r\nSET d18b 012\r\nSET d18c aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\nSET d18d aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\nOBJECT ENCODING d18a\r\nOBJECT ENCODING d18b\r\nOBJECT ENCODING d18c\r\nOBJECT ENCODING d18d\r\nAPPEND d18a 6\r\nOBJECT ENCODING d18a\r\nINCR d18b\r\nOBJECT ENCODING d18b\r\nINCRBYFLOAT d18e 10\r\nOBJECT ENCODING d18e\r\n"),
        Case::new("object refcount and errors", b"SET d19 100\r\nOBJECT REFCOUNT d19\r\nSET d19 10000\r\nOBJECT REFCOUNT d19\r\nOBJECT ENCODING d19x\r\nOBJECT FREQ d19\r\nOBJECT FOO\r\nOBJECT ENCODING\r\n"),
        // --- keyspace ----------------------------------------------------
        Case::new("del exists type", b"SET d20 v\r\nEXISTS d20 d20 d20x\r\nTYPE d20\r\nTYPE d20x\r\nDEL d20 d20 d20x\r\nUNLINK d20\r\n"),
        Case::new("rename", b"RENAME d21 d21b\r\nSET d21 v\r\nRENAME d21 d21\r\nRENAMENX d21 d21\r\nRENAME d21 d21b\r\nGET d21b\r\nSET d21 w\r\nRENAMENX d21 d21b\r\n"),
        Case::new("move errors", b"SET d22 v\r\nMOVE d22 0\r\nMOVE d22 99\r\nMOVE d22 abc\r\nMOVE d22 2147483648\r\nMOVE d22x 1\r\n"),
        Case::new("swapdb errors", b"SWAPDB a 1\r\nSWAPDB 0 b\r\nSWAPDB 0 99\r\nSWAPDB 0 2147483648\r\nSWAPDB 1.5 0\r\n"),
        Case::new("copy", b"SET d23 v\r\nCOPY d23 d23\r\nCOPY d23 d23b DB 99\r\nCOPY d23 d23b FOO\r\nCOPY d23 d23b\r\nCOPY d23 d23b\r\nCOPY d23 d23b REPLACE\r\nCOPY d23x d23c\r\n"),
        Case::new("flush errors", b"FLUSHDB FOO\r\nFLUSHALL ASYNC SYNC\r\nFLUSHDB async extra\r\n"),
        Case::new("scan errors", b"SCAN x\r\nSCAN \" 1\"\r\nSCAN 0 COUNT 0\r\nSCAN 0 COUNT abc\r\nSCAN 0 FOO bar\r\nSCAN 0 MATCH\r\nSCAN 18446744073709551616\r\n"),
        Case::new("keys on missing pattern", b"KEYS d24nothing*\r\n"),
        // --- expiry ------------------------------------------------------
        Case::new("expire option errors", b"EXPIRE d25 10 NX XX\r\nEXPIRE d25 10 GT LT\r\nEXPIRE d25 10 XX GT LT\r\nEXPIRE d25 10 FOO\r\nEXPIRE d25 abc NX XX\r\n"),
        Case::new("expire time errors", b"EXPIRE d26 9223372036854775807\r\nPEXPIRE d26 9223372036854775807\r\nEXPIRE d26 -9223372036854776\r\nEXPIRE d26 abc\r\n"),
        Case::new("expire conditions", b"SET d27 v\r\nEXPIRE d27 100 XX\r\nEXPIRE d27 100 GT\r\nEXPIRE d27 100 LT\r\nEXPIRE d27 200 NX\r\nEXPIRE d27 200 GT\r\nEXPIRE d27 50 GT\r\nEXPIRE d27 50 LT\r\nTTL d27\r\nPERSIST d27\r\nPERSIST d27\r\nTTL d27\r\n"),
        Case::new("ttl of missing and persistent", b"TTL d28\r\nPTTL d28\r\nEXPIRETIME d28\r\nSET d28 v\r\nTTL d28\r\nPEXPIRETIME d28\r\nPEXPIREAT d28 9223372036854775807\r\nEXPIRETIME d28\r\nPEXPIRETIME d28\r\n"),
        Case::new("past expiry deletes", b"SET d29 v\r\nEXPIRE d29 -1\r\nEXISTS d29\r\nSET d29 v\r\nPEXPIREAT d29 1\r\nGET d29\r\n"),
        // --- RESP3 nulls -------------------------------------------------
        Case::new("resp3: missing values", b"GET d30\r\nMGET d30 d30b\r\nSET d30 v XX\r\nGETDEL d30\r\nRANDOMKEY\r\nOBJECT ENCODING d30\r\n")
            .after(b"HELLO 3\r\n")
            .after(b"SELECT 9\r\n"),
    ];
    // Command metadata, byte for byte (containers aside: Redis lists their
    // subcommands in hash order, different in every process; and SET and
    // GETEX aside: their key specs carry a `notes` remark, which ferrodis
    // writes in its own words).
    for name in [
        "get",
        "setnx",
        "setex",
        "psetex",
        "getset",
        "getdel",
        "mget",
        "mset",
        "msetnx",
        "incr",
        "decr",
        "incrby",
        "decrby",
        "incrbyfloat",
        "append",
        "strlen",
        "getrange",
        "substr",
        "setrange",
        "lcs",
        "swapdb",
        "move",
        "dbsize",
        "flushdb",
        "flushall",
        "del",
        "unlink",
        "exists",
        "type",
        "keys",
        "scan",
        "randomkey",
        "rename",
        "renamenx",
        "copy",
        "touch",
        "expire",
        "pexpire",
        "expireat",
        "pexpireat",
        "ttl",
        "pttl",
        "expiretime",
        "pexpiretime",
        "persist",
        "object|encoding",
        "object|refcount",
        "object|idletime",
        "object|freq",
        "object|help",
    ] {
        let label: &'static str = Box::leak(format!("command info {name}").into_boxed_str());
        cases.push(Case::new(
            label,
            format!("COMMAND INFO {name}\r\n").into_bytes(),
        ));
    }
    cases
}

/// Cases for a server with the default configuration.
fn default_cases() -> Vec<Case> {
    let mut cases = vec![
        // --- PING / ECHO ---------------------------------------------------
        Case::new("ping: inline", b"PING\r\n"),
        Case::new("ping: multibulk lowercase", b"*1\r\n$4\r\nping\r\n"),
        Case::new("ping: with message", b"PING hello\r\n"),
        Case::new("ping: empty message", mbulk(&[b"PING", b""])),
        Case::new("ping: wrong arity", b"PING a b\r\n"),
        Case::new("ping: wrong arity mixed case", b"pInG a b c\r\n"),
        Case::new("echo: inline", b"ECHO hello\r\n"),
        Case::new(
            "echo: binary bulk",
            mbulk(&[b"ECHO", b"a\0b\r\nc\xff\xfe"]),
        ),
        Case::new("echo: empty quoted", b"ECHO \"\"\r\n"),
        Case::new("echo: no args", b"ECHO\r\n"),
        Case::new("echo: two args", b"ECHO a b\r\n"),
        Case::new("echo: 100 KiB bulk", mbulk(&[b"ECHO", &rep(b'v', 100_000)])),
        Case::new(
            "echo: 60 KiB inline line",
            cat(&[b"ECHO ", &rep(b'w', 60_000), b"\r\n"]),
        ),
        Case::new(
            "pipeline: 2000 multibulk pings (over 16 KiB)",
            b"*1\r\n$4\r\nPING\r\n".repeat(2000),
        ),
        Case::new("pipeline: 1000 inline pings", b"PING\r\n".repeat(1000)),
        // --- inline parsing ------------------------------------------------
        Case::new("inline: hex escape and \\n", b"ECHO \"a\\x41\\n\"\r\n"),
        Case::new("inline: single-quote escape", b"ECHO 'it\\'s'\r\n"),
        Case::new(
            "inline: other double-quote escapes",
            b"ECHO \"\\t\\r\\b\\a\\z\\\"\\\\\"\r\n",
        ),
        Case::new("inline: bad hex escapes", b"ECHO \"\\x4g\\xZZ\\x\"\r\n"),
        Case::new("inline: upper-case hex", b"ECHO \"\\x4A\\xfF\"\r\n"),
        Case::new(
            "inline: single quotes keep backslashes",
            b"ECHO 'a\\nb\\x41'\r\n",
        ),
        Case::new("inline: quote inside a token", b"ECHO a\"b c\"\r\n"),
        Case::new("inline: empty single-quoted", b"ECHO ''\r\n"),
        Case::new("inline: tabs and runs of spaces", b"  ECHO \t  x  \r\n"),
        Case::new("inline: CR inside a line", b"PING\rfoo\r\n"),
        Case::new("inline: bare LF endings", b"PING\nECHO a\n"),
        Case::new("inline: empty lines", b"\r\n\r\nPING\r\n"),
        Case::new("inline: bare LF empty lines", b"\n\nPING\n"),
        Case::new("inline: whitespace-only line", b" \t \r\nPING\r\n"),
        Case::new("inline: empty command name", b"\"\"\r\n"),
        Case::new(
            "inline: line just under the 64 KiB limit",
            cat(&[&rep(b'a', 65535), b"\r\n"]),
        ),
        // --- inline protocol errors ---------------------------------------
        Case::new("inline: too big inline request", rep(b'a', HUGE)),
        Case::new(
            "inline: commands before a too big inline request",
            cat(&[b"PING\r\nECHO x\r\n", &rep(b'a', HUGE)]),
        ),
        Case::new("quotes: unterminated double", b"ECHO \"abc\r\n"),
        Case::new("quotes: unterminated single", b"ECHO 'abc\r\n"),
        Case::new("quotes: text after closing double", b"ECHO \"abc\"def\r\n"),
        Case::new("quotes: text after closing single", b"ECHO 'abc'def\r\n"),
        Case::new("quotes: escaped closing double", b"ECHO \"abc\\\"\r\n"),
        Case::new("quotes: escaped closing single", b"ECHO 'it\\'s\r\n"),
        Case::new("quotes: adjacent quoted tokens", b"ECHO \"a\"\"b\"\r\n"),
        Case::new("quotes: lone double quote", b"\"\r\n"),
        Case::new(
            "quotes: backslash before the closing single quote",
            b"ECHO 'a\\nb\\\\'\r\n",
        ),
        Case::new("quotes: quote inside a token then text", b"ECHO a\"b c\"d\r\n"),
        Case::new(
            "quotes: commands before, none after",
            b"PING\r\nECHO ok\r\nECHO \"x\r\nPING\r\n",
        ),
        // A NUL hides the line end: Redis looks for it with strchr, so the
        // line looks unterminated until more than 64 KiB are buffered.
        Case::new(
            "nul: inline line",
            cat(&[b"ECHO a\0b\r\n", &b"PING\r\n".repeat(HUGE / 6)]),
        ),
        Case::new(
            "nul: multibulk count",
            cat(&[b"*1\0\r\n$4\r\nPING\r\n", &b"PING\r\n".repeat(HUGE / 6)]),
        ),
        Case::new(
            "nul: bulk length",
            cat(&[b"*1\r\n$4\0\r\nPING\r\n", &b"PING\r\n".repeat(HUGE / 6)]),
        ),
        // --- multibulk parsing ---------------------------------------------
        Case::new("mbulk: *0, *-1, *-5 give no reply", b"*0\r\n*-1\r\n*-5\r\nPING\r\n"),
        Case::new("mbulk: *-2147483649 is empty", b"*-2147483649\r\nPING\r\n"),
        Case::new("mbulk: CRLF after count and length unchecked", b"*1\rX$4\rYPING\r\n"),
        Case::new("mbulk: CRLF after data unchecked", b"*1\r\n$4\r\nPINGXY"),
        Case::new(
            "mbulk: CRLF after echo data unchecked",
            b"*2\r\n$4\r\nECHO\r\n$3\r\nabcZZ",
        ),
        Case::new(
            "mbulk: mixed with inline in one pipeline",
            b"PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nECHO inline\r\n*1\r\n$4\r\nPING\r\n\r\nPING x\n",
        ),
        Case::new("mbulk: bare LF line endings", b"*1\n$4\nPING\n"),
        // --- multibulk protocol errors ------------------------------------
        Case::new("mbulk count: *x", b"*x\r\n"),
        Case::new("mbulk count: * 1", b"* 1\r\n$4\r\nPING\r\n"),
        Case::new("mbulk count: *01", b"*01\r\n$4\r\nPING\r\n"),
        Case::new("mbulk count: *+1", b"*+1\r\n$4\r\nPING\r\n"),
        Case::new("mbulk count: *1 with trailing space", b"*1 \r\n$4\r\nPING\r\n"),
        Case::new("mbulk count: *1x", b"*1x\r\n$4\r\nPING\r\n"),
        Case::new("mbulk count: empty", b"*\r\n"),
        Case::new("mbulk count: *-0", b"*-0\r\n"),
        Case::new("mbulk count: *2147483648", b"*2147483648\r\n"),
        Case::new("mbulk count: *99999999999999999999", b"*99999999999999999999\r\n"),
        Case::new(
            "mbulk count: *2147483647 then a non-$ request",
            b"*2147483647\r\n",
        ),
        Case::new("mbulk count: too big count string", cat(&[b"*", &rep(b'1', HUGE)])),
        Case::new(
            "bulk length: too big bulk count string",
            cat(&[b"*1\r\n$", &rep(b'1', HUGE)]),
        ),
        Case::new("bulk: expected $, got x", b"*1\r\nx\r\n"),
        Case::new("bulk: expected $, got :", b"*1\r\n:4\r\nPING\r\n"),
        Case::new("bulk: expected $, got * ", b"*1\r\n*1\r\n"),
        Case::new("bulk: expected $ on second arg", b"*2\r\n$4\r\nECHO\r\nabc\r\n"),
        Case::new("bulk: expected $, got CR", b"*1\r\n\r\n"),
        Case::new("bulk: expected $, got LF", b"*1\r\n\n\r\n"),
        Case::new("bulk: expected $, got 0xff", b"*1\r\n\xff\r\n"),
        Case::new("bulk length: $-3", b"*1\r\n$-3\r\n"),
        Case::new("bulk length: $-1", b"*1\r\n$-1\r\n"),
        Case::new("bulk length: $536870913", b"*1\r\n$536870913\r\n"),
        Case::new("bulk length: $abc", b"*1\r\n$abc\r\n"),
        Case::new("bulk length: $04", b"*1\r\n$04\r\nPING\r\n"),
        Case::new("bulk length: $ 4", b"*1\r\n$ 4\r\nPING\r\n"),
        Case::new("bulk length: empty", b"*1\r\n$\r\n"),
        Case::new("bulk length: $4x", b"*1\r\n$4x\r\nPING\r\n"),
        Case::new("bulk length: overflow", b"*1\r\n$99999999999999999999\r\n"),
        Case::new(
            "mbulk: commands before a protocol error, none after",
            b"*1\r\n$4\r\nPING\r\nECHO a\r\n*1\r\n$-3\r\nPING\r\n",
        ),
        Case::new(
            "mbulk: error in the second argument after a good command",
            b"PING\r\n*2\r\n$4\r\nECHO\r\n$x\r\nPING\r\n",
        ),
        // --- unknown commands ---------------------------------------------
        Case::new("unknown: no args", b"FOO\r\n"),
        Case::new("unknown: two args", b"foo a b\r\n"),
        Case::new("unknown: empty name multibulk", b"*1\r\n$0\r\n\r\n"),
        Case::new("unknown: CRLF inside args", mbulk(&[b"foo", b"a\r\nb", b"\nc\r"])),
        Case::new("unknown: CRLF inside the name", mbulk(&[b"f\r\noo", b"x"])),
        Case::new("unknown: quote and percent in name", mbulk(&[b"it's%s%n", b"%d"])),
        Case::new("unknown: 200-byte name", mbulk(&[&rep(b'n', 200), b"x"])),
        Case::new(
            "unknown: many long args",
            mbulk(&[
                b"foo",
                &rep(b'a', 60),
                &rep(b'b', 60),
                &rep(b'c', 60),
                &rep(b'd', 60),
            ]),
        ),
        Case::new("unknown: one 300-byte arg", mbulk(&[b"foo", &rep(b'z', 300)])),
        Case::new("unknown: many short args", {
            let mut args: Vec<&[u8]> = vec![b"xy"; 61];
            args[0] = b"foo";
            mbulk(&args)
        }),
        Case::new("unknown: binary name", mbulk(&[b"\x00\xff\x01", b"\x7f"])),
        Case::new("unknown: NUL inside the name", b"*1\r\n$4\r\nPI\0G\r\n"),
        // --- SELECT --------------------------------------------------------
        Case::new("select: 0", b"SELECT 0\r\n"),
        Case::new("select: 15", b"SELECT 15\r\n"),
        Case::new("select: 16", b"SELECT 16\r\n"),
        Case::new("select: -1", b"SELECT -1\r\n"),
        Case::new("select: abc", b"SELECT abc\r\n"),
        Case::new("select: 1.5", b"SELECT 1.5\r\n"),
        Case::new("select: 01", b"SELECT 01\r\n"),
        Case::new("select: +1", b"SELECT +1\r\n"),
        Case::new("select: leading space", b"SELECT \" 1\"\r\n"),
        Case::new("select: empty", b"SELECT \"\"\r\n"),
        Case::new("select: 2147483648", b"SELECT 2147483648\r\n"),
        Case::new("select: -2147483649", b"SELECT -2147483649\r\n"),
        Case::new("select: i64 max", b"SELECT 9223372036854775807\r\n"),
        Case::new("select: overflow", b"SELECT 99999999999999999999\r\n"),
        Case::new("select: no args", b"SELECT\r\n"),
        Case::new("select: two args", b"SELECT 1 2\r\n"),
        // --- HELLO errors (never the successful reply: its id differs) ----
        Case::new("hello: 4", b"HELLO 4\r\n"),
        Case::new("hello: 1", b"HELLO 1\r\n"),
        Case::new("hello: 0", b"HELLO 0\r\n"),
        Case::new("hello: -1", b"HELLO -1\r\n"),
        Case::new("hello: i64 max", b"HELLO 9223372036854775807\r\n"),
        Case::new("hello: abc", b"HELLO abc\r\n"),
        Case::new("hello: 2.0", b"HELLO 2.0\r\n"),
        Case::new("hello: 03", b"HELLO 03\r\n"),
        Case::new("hello: empty version", b"HELLO \"\"\r\n"),
        Case::new("hello: overflow", b"HELLO 99999999999999999999\r\n"),
        Case::new("hello: 3 foo", b"HELLO 3 foo\r\n"),
        Case::new("hello: 2 foo bar", b"HELLO 2 foo bar\r\n"),
        Case::new("hello: 4 foo (version checked first)", b"HELLO 4 foo\r\n"),
        Case::new("hello: abc foo (version checked first)", b"HELLO abc foo\r\n"),
        Case::new("hello: AUTH without args", b"HELLO 3 AUTH\r\n"),
        Case::new("hello: AUTH with one arg", b"HELLO 3 AUTH default\r\n"),
        Case::new("hello: SETNAME without name", b"HELLO 3 SETNAME\r\n"),
        Case::new(
            "hello: SETNAME with a space keeps RESP2",
            cat(&[b"HELLO 3 SETNAME \"a b\"\r\n", PROTO_PROBE]),
        ),
        Case::new("hello: SETNAME with a newline", b"HELLO 3 SETNAME \"a\\nb\"\r\n"),
        Case::new("hello: SETNAME then junk", b"HELLO 3 SETNAME a foo\r\n"),
        Case::new(
            "hello: AUTH unknown user keeps RESP2",
            cat(&[b"HELLO 3 AUTH nosuchuser pass\r\n", PROTO_PROBE]),
        ),
        Case::new(
            "hello: bad option keeps RESP2",
            cat(&[b"HELLO 3 foo\r\n", PROTO_PROBE]),
        ),
        // --- RESP3 (after a HELLO 3 whose reply is skipped) ---------------
        Case::new("resp3: ping", b"PING\r\nPING x\r\n").after(b"HELLO 3\r\n"),
        Case::new("resp3: echo", b"ECHO x\r\n").after(b"HELLO 3\r\n"),
        Case::new("resp3: probe", PROTO_PROBE).after(b"HELLO 3\r\n"),
        Case::new("resp3: command info ping", b"COMMAND INFO ping\r\n").after(b"HELLO 3\r\n"),
        Case::new("resp3: command docs nosuch", b"COMMAND DOCS nosuchcommand\r\n")
            .after(b"HELLO 3\r\n"),
        Case::new(
            "resp3: errors keep RESP3",
            cat(&[b"HELLO 4\r\nHELLO abc\r\nPING a b\r\nSELECT 16\r\nFOO\r\n", PROTO_PROBE]),
        )
        .after(b"HELLO 3\r\n"),
        Case::new("resp3: RESET back to RESP2", cat(&[b"RESET\r\n", PROTO_PROBE]))
            .after(b"HELLO 3\r\n"),
        Case::new("resp3: HELLO 2 back to RESP2", PROTO_PROBE)
            .after(b"HELLO 3\r\n")
            .after(b"HELLO 2\r\n"),
        Case::new("resp3: HELLO without version keeps RESP3", PROTO_PROBE)
            .after(b"HELLO 3\r\n")
            .after(b"HELLO\r\n"),
        Case::new("resp2: HELLO without version keeps RESP2", PROTO_PROBE).after(b"HELLO\r\n"),
        Case::new("resp3: QUIT", b"QUIT\r\n").after(b"HELLO 3\r\n"),
        // --- QUIT / RESET ---------------------------------------------------
        Case::new("quit: inline", b"QUIT\r\n"),
        Case::new("quit: with args", b"quit extra args\r\n"),
        Case::new("quit: multibulk", b"*1\r\n$4\r\nQUIT\r\n"),
        Case::new("quit: nothing after it runs", b"PING\r\nQUIT\r\nPING\r\n*x\r\n"),
        Case::new("reset: inline", b"RESET\r\n"),
        Case::new("reset: with an arg", b"RESET x\r\n"),
        Case::new("reset: after SELECT", b"SELECT 5\r\nRESET\r\nPING\r\n"),
        // --- POST / Host: security close (no reply) -----------------------
        Case::new(
            "security: HTTP POST",
            b"POST / HTTP/1.1\r\nHost: example.com\r\n\r\n",
        ),
        Case::new("security: Host:", b"Host: example.com\r\n"),
        Case::new("security: lowercase post", b"post\r\n"),
        Case::new("security: lowercase host:", b"host: x\r\n"),
        Case::new("security: multibulk POST", mbulk(&[b"POST", b"/"])),
        Case::new("security: PING before POST", b"PING\r\nPOST /\r\n"),
        Case::new("security: Host without colon", b"Host x\r\n"),
        // --- COMMAND. Left out: COMMAND, COMMAND COUNT, COMMAND LIST and a
        // bare COMMAND INFO depend on the whole command table, and COMMAND
        // INFO command lists its subcommands in dict order, which differs
        // between two redis-server processes (random hash seed).
        Case::new("command: info ping", b"COMMAND INFO ping\r\n"),
        Case::new("command: info echo", b"COMMAND INFO echo\r\n"),
        Case::new("command: info select", b"COMMAND INFO select\r\n"),
        Case::new("command: info quit", b"COMMAND INFO quit\r\n"),
        Case::new("command: info reset", b"COMMAND INFO reset\r\n"),
        Case::new("command: info hello", b"COMMAND INFO hello\r\n"),
        Case::new("command: info auth", b"COMMAND INFO auth\r\n"),
        Case::new("command: info upper case name", b"command info PiNg\r\n"),
        Case::new("command: info nosuch", b"COMMAND INFO nosuchcommand\r\n"),
        Case::new(
            "command: info several",
            b"COMMAND INFO ping nosuchcommand echo\r\n",
        ),
        Case::new("command: info subcommand name", b"COMMAND INFO command|info\r\n"),
        Case::new("command: docs nosuch", b"COMMAND DOCS nosuchcommand\r\n"),
        Case::new("command: getkeys ping", b"COMMAND GETKEYS ping\r\n"),
        Case::new("command: getkeys nosuch", b"COMMAND GETKEYS nosuchcommand\r\n"),
        Case::new("command: getkeys nosuch x", b"COMMAND GETKEYS nosuchcommand x\r\n"),
        Case::new("command: getkeys ping x", b"COMMAND GETKEYS ping x\r\n"),
        Case::new("command: getkeys echo x y", b"COMMAND GETKEYS echo x y\r\n"),
        Case::new("command: getkeys select 1 2", b"COMMAND GETKEYS select 1 2\r\n"),
        Case::new(
            "command: getkeysandflags echo x",
            b"COMMAND GETKEYSANDFLAGS echo x\r\n",
        ),
        Case::new("command: getkeys no args", b"COMMAND GETKEYS\r\n"),
        Case::new("command: getkeys bad arity", b"COMMAND GETKEYS echo\r\n"),
        Case::new("command: getkeys echo x", b"COMMAND GETKEYS echo x\r\n"),
        Case::new("command: getkeys select 1", b"COMMAND GETKEYS select 1\r\n"),
        Case::new("command: getkeysandflags ping", b"COMMAND GETKEYSANDFLAGS ping\r\n"),
        Case::new("command: help with an arg", b"COMMAND HELP x\r\n"),
        Case::new("command: count with an arg", b"COMMAND COUNT x\r\n"),
        Case::new("command: unknown subcommand", b"COMMAND FOO\r\n"),
        Case::new("command: unknown subcommand with args", b"COMMAND foo bar baz\r\n"),
        Case::new(
            "command: list filterby unknown module",
            b"COMMAND LIST FILTERBY MODULE nosuchmodule\r\n",
        ),
        // --- AUTH without requirepass --------------------------------------
        Case::new("auth: password only", b"AUTH foo\r\n"),
        Case::new("auth: default user, any password", b"AUTH default foo\r\n"),
        Case::new("auth: unknown user", b"AUTH nosuchuser foo\r\n"),
        Case::new("auth: empty user and password", b"AUTH \"\" \"\"\r\n"),
        Case::new("auth: too many args", b"AUTH a b c\r\n"),
        Case::new("auth: no args", b"AUTH\r\n"),
    ];
    cases.push(Case::new(
        "pipeline: every part-1 command in one write",
        cat(&[
            b"PING\r\nECHO a\r\nSELECT 1\r\nSELECT 0\r\nCOMMAND GETKEYS ping\r\n",
            b"HELLO 9\r\nAUTH x\r\nRESET\r\nFOO\r\n",
        ]),
    ));
    cases
}

/// Cases for a server started with `--requirepass secret`. The marker is an
/// unknown command because ECHO would be refused before AUTH.
fn requirepass_cases() -> Vec<Case> {
    let ten_args = mbulk(&[
        b"COMMAND", b"INFO", b"a", b"b", b"c", b"d", b"e", b"f", b"g", b"h",
    ]);
    let eleven_args = mbulk(&[
        b"COMMAND", b"INFO", b"a", b"b", b"c", b"d", b"e", b"f", b"g", b"h", b"i",
    ]);
    let echo_16384 = mbulk(&[b"ECHO", &rep(b'q', 16384)]);
    let echo_16385 = mbulk(&[b"ECHO", &rep(b'q', 16385)]);
    vec![
        Case::new("noauth: ping", b"PING\r\n"),
        // HELLO applies AUTH as soon as it reads it: a later bad option
        // still leaves the client authenticated (on its old protocol).
        Case::new(
            "hello: auth then bad setname",
            b"HELLO 3 AUTH default secret SETNAME \"a b\"\r\nPING\r\n",
        ),
        Case::new(
            "hello: bad setname then auth",
            b"HELLO 3 SETNAME \"a b\" AUTH default secret\r\nPING\r\n",
        ),
        Case::new(
            "hello: auth then unknown option",
            b"HELLO 3 AUTH default secret foo\r\nPING\r\n",
        ),
        Case::new(
            "hello: wrong password then setname",
            b"HELLO 3 AUTH default nope SETNAME x\r\nPING\r\n",
        ),
        Case::new("noauth: echo", b"ECHO a\r\n"),
        Case::new("noauth: select", b"SELECT 1\r\n"),
        Case::new("noauth: command info", b"COMMAND INFO ping\r\n"),
        Case::new("noauth: unknown command comes first", b"FOO bar\r\n"),
        // PING checks its extra arguments itself (arity -1), after AUTH;
        // ECHO's fixed arity is checked by the dispatcher, before AUTH.
        Case::new(
            "noauth: PING's own arity check comes after auth",
            b"PING a b\r\n",
        ),
        Case::new(
            "noauth: table arity comes before auth",
            b"ECHO a b\r\nSELECT\r\n",
        ),
        Case::new("noauth: quit", b"QUIT\r\n"),
        Case::new("noauth: reset", b"RESET\r\n"),
        Case::new("noauth: hello", b"HELLO\r\n"),
        Case::new("noauth: hello 3", b"HELLO 3\r\n"),
        Case::new("noauth: hello 4", b"HELLO 4\r\n"),
        Case::new("noauth: hello bad option", b"HELLO 3 foo\r\n"),
        Case::new(
            "noauth: hello wrong password",
            b"HELLO 3 AUTH default wrong\r\n",
        ),
        Case::new("noauth: POST", b"POST / HTTP/1.1\r\n"),
        Case::new("auth: wrong password", b"AUTH wrong\r\nPING\r\n"),
        Case::new("auth: right password", b"AUTH secret\r\nPING\r\nECHO a\r\n"),
        Case::new("auth: default user", b"AUTH default secret\r\nPING\r\n"),
        Case::new("auth: unknown user", b"AUTH nosuchuser secret\r\n"),
        Case::new("auth: too many args", b"AUTH a b c\r\n"),
        Case::new("hello: AUTH then RESP3", cat(&[b"PING\r\n", PROTO_PROBE]))
            .after(b"HELLO 3 AUTH default secret\r\n"),
        Case::new("limits: 10 args allowed", ten_args.clone()),
        Case::new("limits: 11 args", eleven_args.clone()),
        Case::new("limits: *11 header alone", b"*11\r\n"),
        Case::new("limits: *-20 is still empty", b"*-20\r\nPING\r\n"),
        Case::new(
            "limits: command before *11",
            cat(&[b"PING\r\n", &eleven_args]),
        ),
        Case::new(
            "limits: 11 args after AUTH",
            cat(&[b"AUTH secret\r\n", &eleven_args]),
        ),
        Case::new("limits: 16384-byte bulk allowed", echo_16384.clone()),
        Case::new("limits: 16385-byte bulk", echo_16385.clone()),
        Case::new("limits: $16385 header alone", b"*1\r\n$16385\r\n"),
        Case::new(
            "limits: 16385-byte bulk after AUTH",
            cat(&[b"AUTH secret\r\n", &echo_16385]),
        ),
        Case::new("limits: invalid count wins over auth", b"*x\r\n"),
        Case::new("limits: invalid length wins over auth", b"*1\r\n$-1\r\n"),
        Case::new(
            "limits: multibulk AUTH then 11 args in one buffer",
            cat(&[b"*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n", &eleven_args]),
        ),
    ]
}
