//! Reply building: the client's output buffer and the RESP2/RESP3 encoders.
//!
//! Mirrors: the `addReply*` half of `networking.c` (`_addReplyToBuffer`,
//! `_addReplyProtoToList`, `addReplyBulk`, `addReplyArrayLen`,
//! `addReplyMapLen`, `addReplyNull`, `addReplyDouble`, `addReplyVerbatim`,
//! `addReplyErrorLength`, `getClientOutputBufferMemoryUsage`, ...).
//!
//! ```text
//!   ReplyBuf
//!   buf  [#################.........]   fixed 16 KiB (PROTO_REPLY_CHUNK_BYTES)
//!         ^sent    ^len                 filled first while the list is empty
//!   list [block 16K+] -> [block] -> ...  once buf is full, in order
//! ```
//!
//! Encoders only append bytes; they never touch the socket. Which protocol
//! a client speaks (`c->resp`) decides the encoding of nulls, maps, sets,
//! doubles, booleans and verbatim strings; everything else is the same in
//! RESP2 and RESP3.

use std::collections::VecDeque;
use std::io::{self, IoSlice, Write};

use super::errors::CommandError;

/// Initial size of the reply buffer and minimum size of a list block
/// (`PROTO_REPLY_CHUNK_BYTES`).
pub const PROTO_REPLY_CHUNK_BYTES: usize = 16 * 1024;

/// What Redis counts for each block of the reply list besides its bytes:
/// the list node and the block header (`sizeof(listNode) +
/// sizeof(clientReplyBlock)` on 64-bit builds).
pub const REPLY_BLOCK_OVERHEAD: usize = 24 + 16;

/// Most slices handed to one `writev` (a small stand-in for `IOV_MAX`).
const MAX_IOV: usize = 16;

/// A client's pending output (`c->buf`, `c->bufpos`, `c->sentlen`,
/// `c->reply`, `c->reply_bytes`).
pub struct ReplyBuf {
    buf: Vec<u8>,
    /// Bytes of the first pending chunk (buf, or the list head) already sent.
    sent: usize,
    list: VecDeque<Vec<u8>>,
    list_bytes: usize,
    /// RESP version the encoders use (`c->resp`).
    pub resp: u8,
    /// Codes of the error replies added since the server last collected
    /// them (for INFO errorstats and the failed_calls of commandstats).
    pub error_codes: Vec<String>,
    /// CLIENT REPLY: whether replies are kept or dropped.
    pub mode: ReplyMode,
    /// When (unix seconds) the pending output was first seen above the
    /// soft `client-output-buffer-limit` of the client's class, while it
    /// stays above (`c->obuf_soft_limit_reached_time`; see
    /// `networking::close_client_on_output_buffer_limit_reached`).
    pub soft_limit_since: Option<u64>,
}

/// CLIENT REPLY's state (`CLIENT_REPLY_OFF`, `CLIENT_REPLY_SKIP_NEXT`,
/// `CLIENT_REPLY_SKIP`). While `Off` or `Skip`, [`ReplyBuf::add`] drops
/// everything, as `prepareClientToWrite` refuses such clients.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReplyMode {
    #[default]
    On,
    Off,
    /// CLIENT REPLY SKIP ran: the next command's replies are dropped.
    SkipNext,
    /// Dropping the replies of this one command.
    Skip,
}

impl Default for ReplyBuf {
    fn default() -> Self {
        ReplyBuf {
            buf: Vec::with_capacity(PROTO_REPLY_CHUNK_BYTES),
            sent: 0,
            list: VecDeque::new(),
            list_bytes: 0,
            resp: 2,
            error_codes: Vec::new(),
            mode: ReplyMode::On,
            soft_limit_since: None,
        }
    }
}

impl ReplyBuf {
    /// Whether anything waits to be written (`clientHasPendingReplies`).
    pub fn has_pending(&self) -> bool {
        !self.buf.is_empty() || !self.list.is_empty()
    }

    /// Bytes waiting in the list (`c->reply_bytes`), for output limits.
    pub fn list_bytes(&self) -> usize {
        self.list_bytes
    }

    /// What the output buffer limits measure
    /// (`getClientOutputBufferMemoryUsage` for a client that is not a
    /// replica): the bytes waiting in the list plus the bookkeeping of each
    /// block. The fixed buffer is not counted, as in Redis: it exists
    /// whether or not anything waits in it. Redis counts each block at its
    /// allocated size; this counts the bytes in it, which differs by the
    /// free room of the last block only (under 16 KiB).
    pub fn memory_usage(&self) -> usize {
        self.list_bytes + self.list.len() * REPLY_BLOCK_OVERHEAD
    }

    /// Bytes in the fixed buffer (`c->bufpos`).
    pub fn buf_len(&self) -> usize {
        self.buf.len()
    }

    /// Blocks in the list (`listLength(c->reply)`).
    pub fn list_len(&self) -> usize {
        self.list.len()
    }

    /// Appends raw protocol bytes (`_addReplyToBufferOrList`), unless
    /// CLIENT REPLY silenced the client.
    pub fn add(&mut self, data: &[u8]) {
        if matches!(self.mode, ReplyMode::Off | ReplyMode::Skip) {
            return;
        }
        let mut data = data;
        if self.list.is_empty() {
            let room = self.buf.capacity() - self.buf.len();
            let n = room.min(data.len());
            self.buf.extend_from_slice(&data[..n]);
            data = &data[n..];
            if data.is_empty() {
                return;
            }
        }
        if let Some(tail) = self.list.back_mut() {
            let room = tail.capacity() - tail.len();
            let n = room.min(data.len());
            tail.extend_from_slice(&data[..n]);
            self.list_bytes += n;
            data = &data[n..];
        }
        if !data.is_empty() {
            let mut block = Vec::with_capacity(data.len().max(PROTO_REPLY_CHUNK_BYTES));
            block.extend_from_slice(data);
            self.list_bytes += data.len();
            self.list.push_back(block);
        }
    }

    /// Drops everything pending (used when a client is reset or freed).
    pub fn clear(&mut self) {
        self.buf.clear();
        self.sent = 0;
        self.list.clear();
        self.list_bytes = 0;
    }

    /// Writes pending bytes with `writev`, at most `limit` bytes in this
    /// call (`limit` > 0). Returns the bytes written; `WouldBlock` and other
    /// errors are returned as they come.
    pub fn write_to(&mut self, out: &mut impl Write, limit: usize) -> io::Result<usize> {
        let mut slices = [IoSlice::new(&[]); MAX_IOV];
        let mut count = 0;
        let mut total = 0;
        // The unsent part of the fixed buffer, then of each list block.
        let chunks = std::iter::once(&self.buf)
            .filter(|b| !b.is_empty())
            .chain(self.list.iter());
        let mut sent = self.sent;
        for chunk in chunks {
            if count == MAX_IOV || total >= limit {
                break;
            }
            let end = chunk.len().min(sent.saturating_add(limit - total));
            slices[count] = IoSlice::new(&chunk[sent..end]);
            total += end - sent;
            count += 1;
            sent = 0;
        }
        let n = if count == 1 {
            out.write(&slices[0])?
        } else {
            out.write_vectored(&slices[..count])?
        };
        self.consume(n);
        Ok(n)
    }

    /// Forgets `n` written bytes from the front.
    fn consume(&mut self, mut n: usize) {
        if !self.buf.is_empty() {
            let left = self.buf.len() - self.sent;
            if n < left {
                self.sent += n;
                return;
            }
            n -= left;
            self.buf.clear();
            self.sent = 0;
        }
        while n > 0 {
            let Some(head) = self.list.front() else {
                return;
            };
            let left = head.len() - self.sent;
            if n < left {
                self.sent += n;
                return;
            }
            n -= left;
            self.list_bytes -= head.len();
            self.list.pop_front();
            self.sent = 0;
        }
    }

    /// `+<status>\r\n` (`addReplyStatus`).
    pub fn status(&mut self, s: &str) {
        self.add(b"+");
        self.add(s.as_bytes());
        self.add(b"\r\n");
    }

    /// `+OK\r\n` (`shared.ok`).
    pub fn ok(&mut self) {
        self.add(b"+OK\r\n");
    }

    /// An error reply (`addReplyError`) with Redis's text for `e`.
    pub fn error(&mut self, e: &CommandError) {
        let text = e.text();
        self.add(b"-");
        self.add_sanitized(&text);
        self.add(b"\r\n");
        self.note_error(&text);
    }

    /// Records the code of an error reply: the text before the first space
    /// within 32 bytes, or `ERR` (`afterErrorReply`).
    fn note_error(&mut self, text: &[u8]) {
        let code = match memchr::memchr(b' ', &text[..text.len().min(32)]) {
            Some(space) => String::from_utf8_lossy(&text[..space]).into_owned(),
            None => "ERR".to_string(),
        };
        self.error_codes.push(code);
    }

    /// An error reply from free text (`addReplyErrorLength`): `-ERR ` is
    /// prefixed unless the text starts with `-` and a code of its own. Used
    /// for protocol errors; command errors go through [`ReplyBuf::error`].
    pub fn error_bytes(&mut self, msg: &[u8]) {
        let body = match msg.strip_prefix(b"-") {
            Some(coded) => {
                self.add(b"-");
                coded
            }
            None => {
                self.add(b"-ERR ");
                msg
            }
        };
        self.add_sanitized(body);
        self.add(b"\r\n");
        if msg.starts_with(b"-") {
            self.note_error(body);
        } else {
            self.error_codes.push("ERR".to_string());
        }
    }

    /// Appends error text with CR and LF turned into spaces, so that no text
    /// can break the protocol (as `addReplyErrorFormat` does).
    fn add_sanitized(&mut self, text: &[u8]) {
        if text.iter().any(|&b| b == b'\r' || b == b'\n') {
            let clean: Vec<u8> = text
                .iter()
                .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b })
                .collect();
            self.add(&clean);
        } else {
            self.add(text);
        }
    }

    fn header(&mut self, prefix: u8, n: i64) {
        let mut tmp = [0u8; 24];
        tmp[0] = prefix;
        let len = 1 + write_i64(&mut tmp[1..], n);
        tmp[len] = b'\r';
        tmp[len + 1] = b'\n';
        self.add(&tmp[..len + 2]);
    }

    /// `:<n>\r\n` (`addReplyLongLong`).
    pub fn integer(&mut self, n: i64) {
        self.header(b':', n);
    }

    /// `$<len>\r\n<data>\r\n` (`addReplyBulkCBuffer`).
    pub fn bulk(&mut self, data: &[u8]) {
        self.header(b'$', data.len() as i64);
        self.add(data);
        self.add(b"\r\n");
    }

    /// `*<n>\r\n` (`addReplyArrayLen`).
    pub fn array_len(&mut self, n: usize) {
        self.header(b'*', n as i64);
    }

    /// `%<n>` in RESP3, `*<2n>` in RESP2 (`addReplyMapLen`).
    pub fn map_len(&mut self, n: usize) {
        if self.resp >= 3 {
            self.header(b'%', n as i64);
        } else {
            self.header(b'*', 2 * n as i64);
        }
    }

    /// `~<n>` in RESP3, `*<n>` in RESP2 (`addReplySetLen`).
    pub fn set_len(&mut self, n: usize) {
        self.header(if self.resp >= 3 { b'~' } else { b'*' }, n as i64);
    }

    /// `>n` in RESP3, `*n` in RESP2 (`addReplyPushLen`).
    pub fn push_len(&mut self, n: usize) {
        self.header(if self.resp >= 3 { b'>' } else { b'*' }, n as i64);
    }

    /// `_` in RESP3, `$-1` in RESP2 (`addReplyNull`).
    pub fn null(&mut self) {
        self.add(if self.resp >= 3 { b"_\r\n" } else { b"$-1\r\n" });
    }

    /// `_` in RESP3, `*-1` in RESP2 (`addReplyNullArray`).
    pub fn null_array(&mut self) {
        self.add(if self.resp >= 3 { b"_\r\n" } else { b"*-1\r\n" });
    }

    /// `#t`/`#f` in RESP3, `:1`/`:0` in RESP2 (`addReplyBool`).
    pub fn boolean(&mut self, b: bool) {
        let bytes: &[u8] = match (self.resp >= 3, b) {
            (true, true) => b"#t\r\n",
            (true, false) => b"#f\r\n",
            (false, true) => b":1\r\n",
            (false, false) => b":0\r\n",
        };
        self.add(bytes);
    }

    /// A double as `%.17g` (`addReplyDouble`): `,<d>` in RESP3, a bulk
    /// string in RESP2.
    pub fn double(&mut self, d: f64) {
        let text = format_double(d);
        if self.resp >= 3 {
            self.add(b",");
            self.add(text.as_bytes());
            self.add(b"\r\n");
        } else {
            self.bulk(text.as_bytes());
        }
    }

    /// `=<len+4>\r\n<ext>:<text>` in RESP3, a bulk string in RESP2
    /// (`addReplyVerbatim`). `ext` is three characters such as `txt`.
    pub fn verbatim(&mut self, text: &[u8], ext: &str) {
        if self.resp >= 3 {
            self.header(b'=', text.len() as i64 + 4);
            self.add(ext.as_bytes());
            self.add(b":");
            self.add(text);
            self.add(b"\r\n");
        } else {
            self.bulk(text);
        }
    }

    /// `(<digits>` in RESP3, a bulk string in RESP2 (`addReplyBigNum`).
    pub fn bignum(&mut self, digits: &[u8]) {
        if self.resp >= 3 {
            self.add(b"(");
            self.add(digits);
            self.add(b"\r\n");
        } else {
            self.bulk(digits);
        }
    }

    /// `|<n>`: an attribute map of `n` pairs before the next reply
    /// (`addReplyAttributeLen`). RESP3 only: RESP2 has no attributes, and
    /// callers leave them out.
    pub fn attribute_len(&mut self, n: usize) {
        self.header(b'|', n as i64);
    }

    /// Moves CLIENT REPLY SKIP on after a command (`resetClient`): a skip
    /// asked for by this command applies to the next one only.
    pub fn command_done(&mut self) {
        self.mode = match self.mode {
            ReplyMode::SkipNext => ReplyMode::Skip,
            ReplyMode::Skip => ReplyMode::On,
            other => other,
        };
    }
}

/// Writes `n` in decimal into `out`, returning the length (`ll2string`).
pub fn write_i64(out: &mut [u8], n: i64) -> usize {
    let mut digits = [0u8; 20];
    let mut v = n.unsigned_abs();
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let mut len = 0;
    if n < 0 {
        out[0] = b'-';
        len = 1;
    }
    let d = &digits[i..];
    out[len..len + d.len()].copy_from_slice(d);
    len + d.len()
}

/// `%.17g` as C's printf writes it, with `inf`, `-inf` and `nan`.
pub fn format_double(d: f64) -> String {
    if d.is_infinite() {
        return if d > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if d.is_nan() {
        return "nan".into();
    }
    if d == 0.0 {
        return if d.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    // An integral value below 2^53 has at most 16 digits, which %.17g
    // prints as they are: the common case of scores, and much cheaper
    // than the exact 17-digit formatting below.
    if d.fract() == 0.0 && d.abs() <= 9_007_199_254_740_992.0 {
        return (d as i64).to_string();
    }
    // %g: scientific when the exponent is < -4 or >= the precision (17).
    let sci = format!("{:.16e}", d);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..17).contains(&exp) {
        let mantissa = trim_fraction(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{}{:02}", mantissa, sign, exp.abs())
    } else {
        let decimals = (16 - exp).max(0) as usize;
        trim_fraction(&format!("{:.*}", decimals, d)).to_string()
    }
}

fn trim_fraction(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(f: impl FnOnce(&mut ReplyBuf)) -> Vec<u8> {
        let mut r = ReplyBuf::default();
        f(&mut r);
        let mut out = Vec::new();
        while r.has_pending() {
            r.write_to(&mut out, usize::MAX).expect("vec write");
        }
        out
    }

    #[test]
    fn resp2_and_resp3_encodings() {
        assert_eq!(bytes(|r| r.integer(-42)), b":-42\r\n");
        assert_eq!(bytes(|r| r.integer(i64::MIN)), b":-9223372036854775808\r\n");
        assert_eq!(bytes(|r| r.bulk(b"hi")), b"$2\r\nhi\r\n");
        assert_eq!(bytes(|r| r.map_len(3)), b"*6\r\n");
        assert_eq!(bytes(|r| r.null()), b"$-1\r\n");
        assert_eq!(bytes(|r| r.double(1.5)), b"$3\r\n1.5\r\n");
        assert_eq!(
            bytes(|r| r.error_bytes(b"bad\r\nthing")),
            b"-ERR bad  thing\r\n"
        );
        assert_eq!(
            bytes(|r| r.error_bytes(b"-WRONGTYPE x")),
            b"-WRONGTYPE x\r\n"
        );
        assert_eq!(
            bytes(|r| r.error(&CommandError::HelloSyntax(b"a\nb".to_vec()))),
            b"-ERR Syntax error in HELLO option 'a b'\r\n"
        );
        let resp3 = |f: fn(&mut ReplyBuf)| {
            bytes(|r| {
                r.resp = 3;
                f(r)
            })
        };
        assert_eq!(resp3(|r| r.map_len(3)), b"%3\r\n");
        assert_eq!(resp3(|r| r.set_len(2)), b"~2\r\n");
        assert_eq!(resp3(|r| r.null()), b"_\r\n");
        assert_eq!(resp3(|r| r.boolean(true)), b"#t\r\n");
        assert_eq!(resp3(|r| r.double(f64::INFINITY)), b",inf\r\n");
        assert_eq!(resp3(|r| r.verbatim(b"ab", "txt")), b"=6\r\ntxt:ab\r\n");
    }

    #[test]
    fn doubles_print_like_percent_17g() {
        assert_eq!(format_double(1.5), "1.5");
        assert_eq!(format_double(0.1), "0.10000000000000001");
        assert_eq!(format_double(3.0), "3");
        assert_eq!(format_double(1e20), "1e+20");
        assert_eq!(format_double(1.25e-5), "1.2500000000000001e-05");
        assert_eq!(format_double(-2.5), "-2.5");
        assert_eq!(format_double(123456789.0), "123456789");
        // The integral fast path, at its edge and past it.
        assert_eq!(format_double(-42.0), "-42");
        assert_eq!(format_double(9_007_199_254_740_992.0), "9007199254740992");
        assert_eq!(format_double(-9_007_199_254_740_992.0), "-9007199254740992");
        assert_eq!(format_double(18_014_398_509_481_984.0), "18014398509481984");
        assert_eq!(format_double(1e17), "1e+17");
    }

    #[test]
    fn large_replies_spill_into_the_list_in_order() {
        let big: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let out = bytes(|r| {
            r.add(b"head");
            r.add(&big);
            r.add(b"tail");
            assert!(r.list_len() >= 1);
        });
        assert_eq!(&out[..4], b"head");
        assert_eq!(&out[4..100_004], &big[..]);
        assert_eq!(&out[100_004..], b"tail");
    }

    /// A writer that accepts at most `chunk` bytes per call.
    struct Trickle {
        out: Vec<u8>,
        chunk: usize,
    }
    impl Write for Trickle {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let n = buf.len().min(self.chunk);
            self.out.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn partial_writes_resume_where_they_stopped() {
        let mut r = ReplyBuf::default();
        let data: Vec<u8> = (0..70_000u32).map(|i| (i % 13) as u8).collect();
        r.add(&data);
        let mut w = Trickle {
            out: Vec::new(),
            chunk: 777,
        };
        while r.has_pending() {
            r.write_to(&mut w, 4096).expect("write");
        }
        assert_eq!(w.out, data);
        assert_eq!(r.list_bytes(), 0);

        // The limit is exact even when the next block is much larger.
        let mut r = ReplyBuf::default();
        r.add(b"head");
        r.add(&data);
        let mut out = Vec::new();
        assert_eq!(r.write_to(&mut out, 1000).expect("write"), 1000);
        assert_eq!(&out[..4], b"head");
        assert_eq!(&out[4..], &data[..996]);
        // No limit at all (the shutdown flush) with a partly sent chunk.
        let mut out = Vec::new();
        r.write_to(&mut out, usize::MAX).expect("write");
        assert_eq!(out, &data[996..]);
    }
}
