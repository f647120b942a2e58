//! Wire-level RESP tests against the real binary, in the manner of Redis's
//! `tests/unit/protocol.tcl`: raw sockets, exact bytes.
//!
//! Covers the protocol errors of spec/resp.md §5 (reply, then close,
//! with earlier commands answered and later bytes discarded), the quirks
//! Redis accepts (bare `\n`, unchecked bytes after `\r` and after bulk data,
//! empty commands), and the edge-trigger regressions of STYLE.md "mio
//! pitfalls": 1-byte writes, pipelines bigger than 16 KiB and than the socket
//! buffers, replies over 64 KiB read slowly, big arguments in odd pieces.
//!
//! Every wait is bounded by a deadline, so a server that stalls makes a test
//! fail instead of hang. Run with `FERRODIS_TEST_TARGET=redis` to check the
//! expectations against redis-server itself.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use common::{assert_reply, assert_reply_then_close, mbulk, read_to_close, Server, DEADLINE};

/// Pause between the pieces of a deliberately slow writer, long enough for
/// the server to see each piece in its own read.
const PIECE_PAUSE: Duration = Duration::from_millis(1);

const PONG: &[u8] = b"+PONG\r\n";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Deterministic pseudo-random bytes (xorshift), covering every byte value,
/// `\r`, `\n`, `$` and `*` included, so offset mistakes cannot go unseen.
fn pattern(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

/// The RESP bulk reply for `data`.
fn bulk(data: &[u8]) -> Vec<u8> {
    let mut out = format!("${}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    out
}

/// `ECHO data` as a multibulk request.
fn echo(data: &[u8]) -> Vec<u8> {
    mbulk(&[b"ECHO", data])
}

/// Asserts two byte strings are equal; on failure shows the lengths and the
/// neighbourhood of the first difference rather than megabytes of text.
fn assert_bytes(got: &[u8], expected: &[u8], what: &str) {
    if got == expected {
        return;
    }
    let at = got
        .iter()
        .zip(expected)
        .position(|(a, b)| a != b)
        .unwrap_or(got.len().min(expected.len()));
    let around = |b: &[u8]| {
        let start = at.saturating_sub(24).min(b.len());
        let end = (at + 40).min(b.len());
        b[start..end].escape_ascii().to_string()
    };
    panic!(
        "{what}: got {} bytes, expected {}; first difference at byte {at}:\n  got      …{}…\n  expected …{}…",
        got.len(),
        expected.len(),
        around(got),
        around(expected),
    );
}

/// Reads exactly `n` bytes, failing once `deadline` has passed (one overall
/// deadline, not one per `read` call).
fn read_exact_by(stream: &mut TcpStream, n: usize, deadline: Instant) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    let mut got = 0;
    while got < n {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "timed out after reading {got} of {n} bytes"
        );
        stream
            .set_read_timeout(Some(left))
            .expect("set read timeout");
        match stream.read(&mut buf[got..]) {
            Ok(0) => panic!("connection closed after {got} of {n} bytes"),
            Ok(k) => got += k,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::TimedOut => {
                panic!("timed out after reading {got} of {n} bytes")
            }
            Err(e) => panic!("read failed after {got} of {n} bytes: {e}"),
        }
    }
    buf
}

/// Reads `n` bytes in 4 KiB reads with a tiny pause after each: a slow
/// consumer, so the server's writes keep hitting a full socket buffer.
fn read_slowly(stream: &mut TcpStream, n: usize, deadline: Instant) -> Vec<u8> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let want = (n - out.len()).min(4096);
        let mut chunk = vec![0u8; want];
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "timed out after reading {} of {n} bytes",
            out.len()
        );
        stream
            .set_read_timeout(Some(left))
            .expect("set read timeout");
        match stream.read(&mut chunk) {
            Ok(0) => panic!("connection closed after {} of {n} bytes", out.len()),
            Ok(k) => out.extend_from_slice(&chunk[..k]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => panic!("read failed after {} of {n} bytes: {e}", out.len()),
        }
        thread::sleep(Duration::from_micros(100));
    }
    out
}

/// Writes `data` in pieces cut at the given (increasing) offsets, pausing
/// briefly between pieces so the server sees them in separate reads.
fn write_in_pieces(stream: &mut TcpStream, data: &[u8], cuts: &[usize]) {
    let mut start = 0;
    for &cut in cuts.iter().chain(std::iter::once(&data.len())) {
        assert!(cut >= start && cut <= data.len(), "bad cut {cut}");
        if cut == start {
            continue;
        }
        if start > 0 {
            thread::sleep(PIECE_PAUSE);
        }
        stream.write_all(&data[start..cut]).expect("write piece");
        start = cut;
    }
}

/// Writes `request` from a second thread while this one reads the
/// `expected` reply, so neither side can block the other through full
/// socket buffers; fails at the deadline if the server stalls.
fn pipeline(stream: &mut TcpStream, request: Vec<u8>, expected: &[u8], what: &str) {
    let mut writer = stream.try_clone().expect("clone stream");
    writer
        .set_write_timeout(Some(DEADLINE))
        .expect("set write timeout");
    let handle = thread::spawn(move || writer.write_all(&request));
    let got = read_exact_by(stream, expected.len(), Instant::now() + DEADLINE);
    assert_bytes(&got, expected, what);
    handle
        .join()
        .expect("writer thread panicked")
        .expect("write pipeline");
}

/// Checks that the connection is still in sync: a marker ECHO gets exactly
/// its own reply (an extra queued reply would show up instead).
fn assert_in_sync(stream: &mut TcpStream, marker: &str) {
    let request = format!("ECHO {marker}\r\n");
    assert_reply(stream, request.as_bytes(), &bulk(marker.as_bytes()));
}

// ---------------------------------------------------------------------------
// Protocol errors (spec/resp.md §5)
// ---------------------------------------------------------------------------

/// Pins: each malformed request gets its exact `-ERR Protocol error: …` after earlier replies, then a close.
#[test]
fn protocol_errors_reply_then_close() {
    let server = Server::start(&[]);
    let invalid_mbulk: &[u8] = b"-ERR Protocol error: invalid multibulk length\r\n";
    let invalid_bulk: &[u8] = b"-ERR Protocol error: invalid bulk length\r\n";
    let unbalanced: &[u8] = b"-ERR Protocol error: unbalanced quotes in request\r\n";
    let cases: &[(&[u8], &[u8])] = &[
        (b"*x\r\n", invalid_mbulk),
        (b"* 1\r\n", invalid_mbulk),
        (b"*01\r\n", invalid_mbulk),
        (b"*+1\r\n", invalid_mbulk),
        (b"*1 \r\n", invalid_mbulk),
        (b"*\r\n", invalid_mbulk),
        (b"*2147483648\r\n", invalid_mbulk),
        (b"*99999999999999999999\r\n", invalid_mbulk),
        (
            b"*1\r\nx\r\n",
            b"-ERR Protocol error: expected '$', got 'x'\r\n",
        ),
        (
            b"*2\r\n$4\r\nECHO\r\n:5\r\n",
            b"-ERR Protocol error: expected '$', got ':'\r\n",
        ),
        (b"*1\r\n$-3\r\n", invalid_bulk),
        (b"*1\r\n$-1\r\n", invalid_bulk),
        (b"*1\r\n$abc\r\n", invalid_bulk),
        (b"*1\r\n$04\r\n", invalid_bulk),
        (b"*1\r\n$+4\r\n", invalid_bulk),
        (b"*1\r\n$\r\n", invalid_bulk),
        // Default proto-max-bulk-len is 536870912.
        (b"*2\r\n$4\r\nECHO\r\n$536870913\r\n", invalid_bulk),
        // A count of INT_MAX itself is accepted; the bad bulk header is not.
        (b"*2147483647\r\n$x\r\n", invalid_bulk),
        (b"ECHO \"abc\r\n", unbalanced),
        (b"ECHO 'abc\r\n", unbalanced),
        (b"ECHO \"a\"b\r\n", unbalanced),
        (b"ECHO 'a'b\r\n", unbalanced),
    ];
    for (bad, error) in cases {
        let mut s = server.connect();
        let request = [b"PING\r\n", *bad, b"PING\r\n"].concat();
        let expected = [PONG, *error].concat();
        assert_reply_then_close(&mut s, &request, &expected);
    }
}

/// Pins: commands after a protocol error in the same buffer never run (the rest is discarded).
#[test]
fn commands_after_protocol_error_do_not_run() {
    let server = Server::start(&[]);
    let mut s = server.connect();
    // Had the QUIT after the bad request run, its +OK would be sent.
    assert_reply_then_close(
        &mut s,
        b"ECHO before\r\n*x\r\nQUIT\r\nECHO after\r\n",
        b"$6\r\nbefore\r\n-ERR Protocol error: invalid multibulk length\r\n",
    );
    // And a write after the bad request leaves no trace in the keyspace.
    let mut s = server.connect();
    assert_reply_then_close(
        &mut s,
        b"SET before 1\r\n*x\r\nSET after 2\r\n",
        b"+OK\r\n-ERR Protocol error: invalid multibulk length\r\n",
    );
    let mut t = server.connect();
    assert_reply(&mut t, b"GET before\r\n", b"$1\r\n1\r\n");
    assert_reply(&mut t, b"GET after\r\n", b"$-1\r\n");
}

/// Pins: over 64 KiB (PROTO_INLINE_MAX_SIZE) without `\n` is "too big inline request"; 64 KiB waits.
#[test]
fn too_big_inline_request() {
    let server = Server::start(&[]);

    // 65537 unterminated bytes: the error can only be seen once all of them
    // are read, so the close is clean (no unread data, no RST).
    let mut s = server.connect();
    let request = [b"PING\r\n".as_slice(), &vec![b'a'; 65537]].concat();
    assert_reply_then_close(
        &mut s,
        &request,
        b"+PONG\r\n-ERR Protocol error: too big inline request\r\n",
    );

    // 65536 unterminated bytes are fine; the newline then completes the line.
    let mut s = server.connect();
    let arg = vec![b'a'; 65536 - 5];
    let request = [b"ECHO ".as_slice(), &arg, b"\r\n"].concat();
    write_in_pieces(&mut s, &request, &[65536]);
    let got = read_exact_by(&mut s, bulk(&arg).len(), Instant::now() + DEADLINE);
    assert_bytes(&got, &bulk(&arg), "ECHO of a 64 KiB inline line");
    assert_in_sync(&mut s, "inline-ok");
}

/// Pins: over 64 KiB after `*` without `\r` is "too big mbulk count string"; 64 KiB waits.
#[test]
fn too_big_mbulk_count_string() {
    let server = Server::start(&[]);

    let mut s = server.connect();
    let request = [b"PING\r\n*".as_slice(), &vec![b'1'; 65536]].concat();
    assert_reply_then_close(
        &mut s,
        &request,
        b"+PONG\r\n-ERR Protocol error: too big mbulk count string\r\n",
    );

    let mut s = server.connect();
    let request = [b"*".as_slice(), &vec![b'1'; 65535], b"\r\n"].concat();
    write_in_pieces(&mut s, &request, &[65536]);
    let (got, closed) = read_to_close(&mut s, DEADLINE);
    assert_bytes(
        &got,
        b"-ERR Protocol error: invalid multibulk length\r\n",
        "64 KiB count string then CRLF",
    );
    assert!(
        closed,
        "connection should close after invalid multibulk length"
    );
}

/// Pins: over 64 KiB after `$` without `\r` is "too big bulk count string"; 64 KiB waits.
#[test]
fn too_big_bulk_count_string() {
    let server = Server::start(&[]);

    let mut s = server.connect();
    let request = [b"PING\r\n*1\r\n$".as_slice(), &vec![b'1'; 65536]].concat();
    assert_reply_then_close(
        &mut s,
        &request,
        b"+PONG\r\n-ERR Protocol error: too big bulk count string\r\n",
    );

    let mut s = server.connect();
    let request = [b"*1\r\n$".as_slice(), &vec![b'1'; 65535], b"\r\n"].concat();
    write_in_pieces(&mut s, &request, &[4 + 65536]);
    let (got, closed) = read_to_close(&mut s, DEADLINE);
    assert_bytes(
        &got,
        b"-ERR Protocol error: invalid bulk length\r\n",
        "64 KiB bulk count string then CRLF",
    );
    assert!(closed, "connection should close after invalid bulk length");
}

/// Pins: with `--proto-max-bulk-len 1mb`, `$1048577` is an invalid bulk length and 1 MiB is fine.
#[test]
fn proto_max_bulk_len_is_configurable() {
    let server = Server::start(&["--proto-max-bulk-len", "1mb"]);

    let mut s = server.connect();
    assert_reply_then_close(
        &mut s,
        b"PING\r\n*2\r\n$4\r\nECHO\r\n$1048577\r\nPING\r\n",
        b"+PONG\r\n-ERR Protocol error: invalid bulk length\r\n",
    );

    let mut s = server.connect();
    let data = pattern(1 << 20, 7);
    pipeline(&mut s, echo(&data), &bulk(&data), "ECHO of exactly 1 MiB");
    assert_in_sync(&mut s, "max-bulk-ok");
}

/// Pins: before AUTH, `*11` and `$16385` are protocol errors; `*10` and `$16384` just get NOAUTH.
#[test]
fn unauthenticated_request_limits() {
    let server = Server::start(&["--requirepass", "secret"]);
    let noauth: &[u8] = b"-NOAUTH Authentication required.\r\n";

    let mut s = server.connect();
    assert_reply_then_close(
        &mut s,
        b"PING\r\n*11\r\nPING\r\n",
        &[
            noauth,
            b"-ERR Protocol error: unauthenticated multibulk length\r\n",
        ]
        .concat(),
    );

    let mut s = server.connect();
    assert_reply_then_close(
        &mut s,
        b"PING\r\n*2\r\n$4\r\nECHO\r\n$16385\r\nPING\r\n",
        &[
            noauth,
            b"-ERR Protocol error: unauthenticated bulk length\r\n",
        ]
        .concat(),
    );

    // The largest requests still allowed before AUTH: rejected by the
    // command dispatcher, not the parser, so the connection stays open.
    let mut s = server.connect();
    // PING checks its own argument count only after AUTH, so ten
    // arguments reach the NOAUTH check.
    let args: Vec<Vec<u8>> = (0..9).map(|i| format!("a{i}").into_bytes()).collect();
    let mut ping10: Vec<&[u8]> = vec![b"PING"];
    ping10.extend(args.iter().map(Vec::as_slice));
    assert_reply(&mut s, &mbulk(&ping10), noauth);
    assert_reply(&mut s, &echo(&pattern(16384, 3)), noauth);
    // Inline requests have no argument-count limit before AUTH.
    assert_reply(&mut s, b"PING a b c d e f g h i j k l\r\n", noauth);

    assert_reply(&mut s, b"AUTH secret\r\n", b"+OK\r\n");
    let mut ping11 = ping10.clone();
    ping11.push(b"a9");
    assert_eq!(ping11.len(), 11);
    assert_reply(
        &mut s,
        &mbulk(&ping11),
        b"-ERR wrong number of arguments for 'ping' command\r\n",
    );
    let data = pattern(16385, 4);
    assert_reply(&mut s, &echo(&data), &bulk(&data));
}

// ---------------------------------------------------------------------------
// Requests Redis drops without a reply
// ---------------------------------------------------------------------------

/// Pins: a first argument `POST` or `Host:` (any case) closes the client at once with no reply at all.
#[test]
fn http_requests_are_closed_without_reply() {
    let server = Server::start(&[]);
    let cases: &[&[u8]] = &[
        b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n",
        b"post /\r\nPING\r\n",
        b"Host: localhost\r\nPING\r\n",
        b"HOST:\r\nPING\r\n",
        b"*1\r\n$4\r\nPOST\r\n*1\r\n$4\r\nPING\r\n",
        b"*2\r\n$5\r\nhost:\r\n$1\r\nx\r\n",
        // The PING ran, but its reply is still queued when the POST marks
        // the client close-ASAP, and Redis never writes to such a client.
        b"PING\r\nPOST / HTTP/1.1\r\n",
    ];
    for request in cases {
        let mut s = server.connect();
        assert_reply_then_close(&mut s, request, b"");
    }
    let mut s = server.connect();
    assert_reply(&mut s, b"PING\r\n", PONG);
}

/// Pins: empty lines and `*0` / `*-1` / `*-5` are empty commands that get no reply.
#[test]
fn empty_commands_get_no_reply() {
    let server = Server::start(&[]);
    let mut s = server.connect();
    for empty in [
        b"\r\n".as_slice(),
        b"\n",
        b"   \r\n",
        b"*0\r\n",
        b"*-1\r\n",
        b"*-5\r\n",
    ] {
        assert_reply(&mut s, &[empty, b"PING\r\n"].concat(), PONG);
    }
    assert_reply(&mut s, b"\r\n*0\r\n\n*-1\r\n\r\nPING\r\n", PONG);
    assert_in_sync(&mut s, "after-empties");
}

// ---------------------------------------------------------------------------
// Accepted request shapes
// ---------------------------------------------------------------------------

/// Pins: the request type is chosen per request, so inline and multibulk mix in one pipeline.
#[test]
fn inline_and_multibulk_mixed_in_one_pipeline() {
    let server = Server::start(&[]);
    let mut s = server.connect();
    let request = [
        b"PING\r\n".as_slice(),
        b"*1\r\n$4\r\nPING\r\n",
        b"ECHO hi\r\n",
        b"*2\r\n$4\r\nECHO\r\n$2\r\nyo\r\n",
        b"echo lower\r\n",
        b"*2\r\n$4\r\necho\r\n$0\r\n\r\n",
    ]
    .concat();
    assert_reply(
        &mut s,
        &request,
        b"+PONG\r\n+PONG\r\n$2\r\nhi\r\n$2\r\nyo\r\n$5\r\nlower\r\n$0\r\n\r\n",
    );
}

/// Pins: inline lines may end in a bare `\n` and are split like sdssplitargs (quotes, escapes).
#[test]
fn inline_line_endings_and_quoting() {
    let server = Server::start(&[]);
    let mut s = server.connect();
    assert_reply(&mut s, b"PING\nECHO a\n", b"+PONG\r\n$1\r\na\r\n");
    assert_reply(&mut s, b"ECHO b\r\nPING\n", b"$1\r\nb\r\n+PONG\r\n");
    assert_reply(
        &mut s,
        b"  ECHO   \"hello world\"  \r\n",
        b"$11\r\nhello world\r\n",
    );
    assert_reply(&mut s, b"ECHO \"\\x41\\n\"\r\n", b"$2\r\nA\n\r\n");
    assert_reply(&mut s, b"ECHO 'it\\'s'\r\n", b"$4\r\nit's\r\n");
    assert_reply(&mut s, b"ECHO \"\"\r\n", b"$0\r\n\r\n");
}

/// Pins: the byte after a header's `\r` and the 2 bytes after bulk data are skipped unchecked.
#[test]
fn unchecked_terminators_are_skipped() {
    let server = Server::start(&[]);
    let mut s = server.connect();
    assert_reply(&mut s, b"*1\rX$4\rYPING\r\n", PONG);
    assert_reply(
        &mut s,
        b"*1\r\n$4\r\nPINGXX*2\r\n$4\r\nECHOab$2\r\nokcd",
        b"+PONG\r\n$2\r\nok\r\n",
    );
    // The same on the big-argument path (>= 32 KiB).
    let data = pattern(40_000, 11);
    let mut request = echo(&data);
    let n = request.len();
    request[n - 2..].copy_from_slice(b"XY");
    request.extend_from_slice(b"PING\r\n");
    let expected = [bulk(&data).as_slice(), PONG].concat();
    pipeline(&mut s, request, &expected, "big arg with XY after data");
}

// ---------------------------------------------------------------------------
// Edge-trigger regressions (STYLE.md "mio pitfalls")
// ---------------------------------------------------------------------------

/// Pins: a request written one byte per TCP segment is parsed across reads and answered.
#[test]
fn one_byte_writes() {
    let server = Server::start(&[]);
    let mut s = server.connect();
    for (request, expected) in [
        (
            b"*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n".as_slice(),
            b"$5\r\nhello\r\n".as_slice(),
        ),
        (b"ECHO hello\r\n", b"$5\r\nhello\r\n"),
        (
            b"PING\r\n*1\r\n$4\r\nPING\r\nPING\n",
            b"+PONG\r\n+PONG\r\n+PONG\r\n",
        ),
    ] {
        let cuts: Vec<usize> = (1..request.len()).collect();
        write_in_pieces(&mut s, request, &cuts);
        let got = read_exact_by(&mut s, expected.len(), Instant::now() + DEADLINE);
        assert_bytes(&got, expected, "reply to a request written byte by byte");
    }
    assert_in_sync(&mut s, "bytewise");
}

/// Pins: a pipeline over one 16 KiB read (PROTO_IOBUF_LEN) gets every reply exactly once.
#[test]
fn pipeline_bigger_than_one_read() {
    let server = Server::start(&[]);
    let mut s = server.connect();
    for one in [b"PING\r\n".as_slice(), b"*1\r\n$4\r\nPING\r\n"] {
        let request = one.repeat(5_000);
        assert!(request.len() > 16 * 1024);
        s.write_all(&request).expect("write pipeline");
        let got = read_exact_by(&mut s, 5_000 * PONG.len(), Instant::now() + DEADLINE);
        assert_bytes(&got, &PONG.repeat(5_000), "5,000 pipelined PINGs");
        assert_in_sync(&mut s, "after-5000");
    }
}

/// Pins: a 1.2 MB pipeline is read to the end while replies stream back (no stall after 16 KiB).
#[test]
fn pipeline_bigger_than_socket_buffers() {
    let server = Server::start(&[]);
    let mut s = server.connect();
    let request = b"PING\r\n".repeat(200_000);
    pipeline(
        &mut s,
        request,
        &PONG.repeat(200_000),
        "200,000 pipelined PINGs",
    );
    assert_in_sync(&mut s, "after-200000");
}

/// Pins: replies far over 64 KiB to a non-reading client queue up, others are served, all arrive exactly.
#[test]
fn big_reply_to_slow_reader_while_others_are_served() {
    let server = Server::start(&[]);

    // A small receive buffer, and more reply than the kernel buffers on both
    // sides hold (Linux autotunes the send buffer up to 4 MiB; about 2 MiB is
    // in flight when 4 MiB is sent), make sure the server's writes to this
    // client hit a full socket long before the replies are out.
    let addr: SocketAddr = server.addr().parse().expect("server address");
    let socket =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("socket");
    socket.set_recv_buffer_size(4096).expect("SO_RCVBUF");
    socket.connect(&addr.into()).expect("connect");
    let mut slow: TcpStream = socket.into();
    slow.set_nodelay(true).ok();
    slow.set_write_timeout(Some(DEADLINE))
        .expect("set write timeout");

    let mut request = Vec::new();
    let mut expected = Vec::new();
    for seed in 0..8 {
        let data = pattern(1 << 20, 100 + seed);
        request.extend_from_slice(&echo(&data));
        expected.extend_from_slice(&bulk(&data));
    }
    // Redis keeps reading a normal client whose replies are not drained (it
    // has no output limit), so this write completes without our reading:
    // the replies now wait in the server, far beyond one 64 KiB write.
    slow.write_all(&request).expect("write ECHO requests");

    // Meanwhile another client is served.
    let mut other = server.connect();
    assert_reply(&mut other, b"PING\r\n", PONG);

    let got = read_slowly(&mut slow, expected.len(), Instant::now() + DEADLINE);
    assert_bytes(&got, &expected, "8 x 1 MiB ECHO read slowly");
    assert_in_sync(&mut slow, "slow-reader");
    assert_reply(&mut other, b"PING\r\n", PONG);
}

/// Pins: a 200 KB argument (big-arg path, >= 32 KiB) written in odd-sized pieces is echoed exactly.
#[test]
fn big_argument_in_odd_pieces() {
    let server = Server::start(&[]);
    let mut s = server.connect();
    let data = pattern(200_000, 9);
    let request = [echo(&data).as_slice(), b"PING\r\n"].concat();
    let header = b"*2\r\n$4\r\nECHO\r\n$200000\r\n".len();
    let end = header + data.len();
    let cuts = [
        3,
        header - 1,
        header + 1,
        header + 4094,
        header + 36_863,
        header + 102_407,
        header + 199_999,
        end,
        end + 1,
    ];
    write_in_pieces(&mut s, &request, &cuts);
    let expected = [bulk(&data).as_slice(), PONG].concat();
    let got = read_exact_by(&mut s, expected.len(), Instant::now() + DEADLINE);
    assert_bytes(&got, &expected, "200 KB ECHO written in odd pieces");
    assert_in_sync(&mut s, "odd-pieces");
}

/// Pins: several big arguments around the 32 KiB threshold in one pipeline are echoed exactly.
#[test]
fn several_big_arguments_in_one_pipeline() {
    let server = Server::start(&[]);
    let mut s = server.connect();
    let args = [
        pattern(32_767, 21),
        pattern(32_768, 22),
        pattern(200_000, 23),
        pattern(65_537, 24),
        pattern(100_001, 25),
    ];
    let mut request = Vec::new();
    let mut expected = Vec::new();
    for (i, arg) in args.iter().enumerate() {
        request.extend_from_slice(&echo(arg));
        expected.extend_from_slice(&bulk(arg));
        let small = format!("ECHO small{i}\r\n");
        request.extend_from_slice(small.as_bytes());
        expected.extend_from_slice(&bulk(format!("small{i}").as_bytes()));
    }
    request.extend_from_slice(&mbulk(&[b"ECHO", &args[2], b"extra"]));
    expected.extend_from_slice(b"-ERR wrong number of arguments for 'echo' command\r\n");
    request.extend_from_slice(b"*1\r\n$4\r\nPING\r\n");
    expected.extend_from_slice(PONG);
    pipeline(&mut s, request, &expected, "pipeline of big ECHOs");
}

/// Pins: a request split into two writes at any byte position parses the same.
#[test]
fn request_split_at_every_byte() {
    let server = Server::start(&[]);
    let mut s = server.connect();
    let cases: [(&[u8], &[u8]); 2] = [
        (
            b"*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n*1\r\n$4\r\nPING\r\n",
            b"$5\r\nhello\r\n+PONG\r\n",
        ),
        (b"ECHO hello\r\nPING\n", b"$5\r\nhello\r\n+PONG\r\n"),
    ];
    for (request, expected) in cases {
        for cut in 1..request.len() {
            write_in_pieces(&mut s, request, &[cut]);
            let got = read_exact_by(&mut s, expected.len(), Instant::now() + DEADLINE);
            let what = format!("{} split at {cut}", request.escape_ascii());
            assert_bytes(&got, expected, &what);
        }
    }
    assert_in_sync(&mut s, "splits");
}

// ---------------------------------------------------------------------------
// Query buffer limit
// ---------------------------------------------------------------------------

/// Pins: a query buffer over client-query-buffer-limit closes the client with no error reply.
#[test]
fn query_buffer_limit_closes_without_reply() {
    let server = Server::start(&["--client-query-buffer-limit", "1mb"]);
    let mut bystander = server.connect();
    assert_reply(&mut bystander, b"PING\r\n", PONG);

    let mut s = server.connect();
    s.set_write_timeout(Some(DEADLINE))
        .expect("set write timeout");
    let request = [
        b"*2\r\n$4\r\nECHO\r\n$3000000\r\n".as_slice(),
        &pattern(1_500_000, 13),
    ]
    .concat();
    // The server closes part-way through, so the write may fail (EPIPE or
    // reset); what matters is what comes back.
    let _ = s.write_all(&request);
    let (got, closed) = read_to_close(&mut s, DEADLINE);
    assert_bytes(&got, b"", "reply when the query buffer limit is hit");
    assert!(
        closed,
        "client over the query buffer limit should be closed"
    );

    assert_reply(&mut bystander, b"PING\r\n", PONG);
    let mut fresh = server.connect();
    assert_reply(&mut fresh, b"PING\r\n", PONG);
}

// ---------------------------------------------------------------------------
// Garbage
// ---------------------------------------------------------------------------

/// Pins: random bytes, random RESP fragments and abrupt closes on many
/// connections never take the server down: each connection gets replies
/// or errors and a close, and the server keeps answering afterwards.
#[test]
fn garbage_never_crashes_the_server() {
    const PIECES: &[&[u8]] = &[
        b"*",
        b"$",
        b"\r",
        b"\n",
        b"\r\n",
        b"0",
        b"1",
        b"-1",
        b"3",
        b"99999999999",
        b"PING",
        b"ECHO",
        b"HELLO",
        b"3",
        b"COMMAND",
        b"INFO",
        b"\"",
        b"'",
        b"\\",
        b" ",
        b"\0",
        b"\xff",
        b"*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n",
        b"*3\r\n$7\r\nCOMMAND\r\n$7\r\nGETKEYS\r\n",
    ];
    let server = Server::start(&[]);
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..40 {
        let mut input = Vec::new();
        while input.len() < 4096 {
            if round % 4 == 0 {
                input.push(next() as u8);
            } else {
                input.extend_from_slice(PIECES[(next() % PIECES.len() as u64) as usize]);
            }
        }
        let mut s = server.connect();
        // The server may close mid-write after a protocol error.
        let _ = s.write_all(&input);
        if round % 3 == 0 {
            // Leave without reading: the server must cope with the reset.
            continue;
        }
        common::shutdown_write(&s);
        let (_, closed) = read_to_close(&mut s, DEADLINE);
        assert!(closed, "round {round}: the server must end the connection");
    }
    let mut s = server.connect();
    assert_reply(&mut s, b"PING\r\n", PONG);
}
