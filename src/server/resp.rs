//! RESP request parsing: the query buffer and the inline and multibulk
//! state machines.
//!
//! Mirrors: `networking.c` (`processInlineBuffer`, `processMultibulkBuffer`,
//! the big-argument path of `readQueryFromClient`), `sds.c`
//! (`sdssplitargs`), `util.c` (`string2ll`).
//!
//! This module does no I/O: the networking code reads into a [`QueryBuf`]
//! and calls [`parse_request`] until it returns something other than a
//! command. Every limit and error string follows shared/spec/resp.md.
//!
//! ```text
//!   QueryBuf.buf
//!   +---------------------+---------------------------+-----------------+
//!   | parsed (discarded   | unparsed bytes            | initialised but |
//!   | by `compact`)       | (the next request)        | unused space    |
//!   +---------------------+---------------------------+-----------------+
//!   0                     pos                         end          buf.len()
//! ```
//!
//! `buf.len()` counts bytes that were initialised once (reads go into
//! `buf[end..]`), so a 16 KiB read does not zero 16 KiB every time.
//!
//! Big arguments (`$len` with `len >= PROTO_MBULK_BIG_ARG`): the unparsed
//! bytes are moved to offset 0 and the buffer is reserved to exactly
//! `len + 2` bytes; reads then ask only for the missing bytes. When the
//! buffer holds exactly the argument and its CRLF, the buffer itself becomes
//! the argument, with no copy, and the client gets a fresh buffer.
//!
//! Deviations from Redis: none in behaviour. Redis searches headers with
//! `strchr`, which stops at a NUL byte; [`find_byte`] keeps that quirk.

use memchr::memchr2;

/// Normal size of one read (`PROTO_IOBUF_LEN`, server.h).
pub const PROTO_IOBUF_LEN: usize = 16 * 1024;
/// Longest inline request or header line (`PROTO_INLINE_MAX_SIZE`).
pub const PROTO_INLINE_MAX_SIZE: usize = 64 * 1024;
/// Bulk arguments at least this long take the big-arg path
/// (`PROTO_MBULK_BIG_ARG`).
pub const PROTO_MBULK_BIG_ARG: usize = 32 * 1024;
/// Largest multibulk count before AUTH (networking.c).
const UNAUTH_MAX_MULTIBULK: i64 = 10;
/// Largest bulk length before AUTH (networking.c).
const UNAUTH_MAX_BULK: i64 = 16384;

/// The arguments of one command (`c->argv`).
pub type Argv = Vec<Vec<u8>>;

/// A client's query buffer (`c->querybuf` with `c->qb_pos`).
#[derive(Default)]
pub struct QueryBuf {
    buf: Vec<u8>,
    pos: usize,
    end: usize,
}

impl QueryBuf {
    /// The bytes not parsed yet.
    pub fn unparsed(&self) -> &[u8] {
        &self.buf[self.pos..self.end]
    }

    /// Total bytes held, parsed or not (`sdslen(c->querybuf)`).
    pub fn len(&self) -> usize {
        self.end
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.end == 0
    }

    /// Allocated size, for memory accounting and shrinking.
    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// A writable window of `want` bytes after the data, for one read.
    pub fn space(&mut self, want: usize) -> &mut [u8] {
        let need = self.end + want;
        if self.buf.len() < need {
            self.buf.resize(need, 0);
        }
        &mut self.buf[self.end..need]
    }

    /// Marks `n` bytes of the window returned by [`QueryBuf::space`] as read.
    pub fn commit(&mut self, n: usize) {
        self.end = (self.end + n).min(self.buf.len());
    }

    /// Drops the parsed prefix (`sdsrange(c->querybuf, c->qb_pos, -1)`).
    pub fn compact(&mut self) {
        if self.pos == self.end {
            self.pos = 0;
            self.end = 0;
        } else if self.pos > 0 {
            self.buf.copy_within(self.pos..self.end, 0);
            self.end -= self.pos;
            self.pos = 0;
        }
    }

    /// Gives memory back after a big request (`clientsCronResizeQueryBuffer`).
    pub fn shrink(&mut self) {
        self.compact();
        let keep = self.end.max(PROTO_IOBUF_LEN);
        if self.buf.capacity() > keep * 2 {
            self.buf.truncate(keep);
            self.buf.shrink_to(keep);
        }
    }

    /// Moves the unparsed bytes to offset 0 and reserves room for exactly
    /// `total` bytes (the big-arg layout).
    fn prepare_big_arg(&mut self, total: usize) {
        self.compact();
        if self.buf.capacity() < total {
            self.buf.truncate(self.end);
            self.buf.reserve_exact(total - self.end);
        }
    }

    /// Takes the whole buffer as a big argument of `len` bytes, leaving a
    /// fresh empty buffer with room for another one like it.
    fn take_big_arg(&mut self, len: usize) -> Vec<u8> {
        let mut arg = std::mem::replace(&mut self.buf, Vec::with_capacity(len + 2));
        arg.truncate(len);
        self.pos = 0;
        self.end = 0;
        arg
    }
}

/// What kind of request is being parsed (`c->reqtype`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ReqType {
    /// Not decided: the next byte decides.
    #[default]
    Unknown,
    /// `PROTO_REQ_INLINE`.
    Inline,
    /// `PROTO_REQ_MULTIBULK`.
    Multibulk,
}

/// Most argument buffers a client keeps for reuse.
const ARG_POOL_MAX: usize = 16;
/// Largest argument buffer kept for reuse; bigger ones are freed.
const ARG_POOL_MAX_CAP: usize = 1024;

/// Parse state kept across reads (`reqtype`, `multibulklen`, `bulklen`,
/// `argv`), and a few spare argument buffers.
///
/// Every argument of every command used to be a fresh allocation freed
/// right after the command. The buffers of a finished command go back to
/// `pool` instead (see [`ParseState::recycle`]) and the parser fills them
/// again, so a client sending small requests stops allocating for them.
pub struct ParseState {
    pub reqtype: ReqType,
    multibulklen: i64,
    bulklen: i64,
    pub argv: Argv,
    pool: Vec<Vec<u8>>,
}

impl Default for ParseState {
    fn default() -> Self {
        ParseState {
            reqtype: ReqType::Unknown,
            multibulklen: 0,
            bulklen: -1,
            argv: Vec::new(),
            pool: Vec::new(),
        }
    }
}

impl ParseState {
    /// Readies the state for the next request (`resetClient`).
    pub fn reset(&mut self) {
        self.reqtype = ReqType::Unknown;
        self.multibulklen = 0;
        self.bulklen = -1;
        if !self.argv.is_empty() {
            let argv = std::mem::take(&mut self.argv);
            self.recycle(argv);
        }
    }

    /// Takes back an argv after its command ran: small argument buffers go
    /// to the pool, big ones are freed, and the emptied vector becomes
    /// `argv` again, keeping its capacity.
    pub fn recycle(&mut self, mut argv: Argv) {
        for arg in argv.drain(..) {
            if arg.capacity() <= ARG_POOL_MAX_CAP && self.pool.len() < ARG_POOL_MAX {
                self.pool.push(arg);
            }
        }
        self.argv = argv;
    }

    /// The bulk length being waited for, if a big argument is in flight: the
    /// reader then asks for exactly the missing bytes.
    pub fn pending_big_arg(&self) -> Option<usize> {
        if self.reqtype == ReqType::Multibulk && self.bulklen >= PROTO_MBULK_BIG_ARG as i64 {
            usize::try_from(self.bulklen).ok()
        } else {
            None
        }
    }
}

/// Limits that depend on the client and configuration.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// `proto-max-bulk-len`.
    pub max_bulk_len: i64,
    /// Whether the client still has to AUTH (`authRequired`).
    pub auth_required: bool,
    /// Whether this is the master link (no bulk cap, no big-arg path).
    pub is_master: bool,
}

/// A request the parser refused; the client is closed after the reply
/// (`setProtocolError`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProtocolError {
    TooBigInline,
    UnbalancedQuotes,
    TooBigMbulkCount,
    InvalidMultibulkLength,
    UnauthenticatedMultibulkLength,
    TooBigBulkCount,
    ExpectedDollar(u8),
    InvalidBulkLength,
    UnauthenticatedBulkLength,
}

impl ProtocolError {
    /// The error text without `-ERR `, as raw bytes: `expected '$', got
    /// '<c>'` carries the offending byte itself, which need not be UTF-8.
    pub fn message(&self) -> Vec<u8> {
        let text: &str = match self {
            ProtocolError::TooBigInline => "too big inline request",
            ProtocolError::UnbalancedQuotes => "unbalanced quotes in request",
            ProtocolError::TooBigMbulkCount => "too big mbulk count string",
            ProtocolError::InvalidMultibulkLength => "invalid multibulk length",
            ProtocolError::UnauthenticatedMultibulkLength => "unauthenticated multibulk length",
            ProtocolError::TooBigBulkCount => "too big bulk count string",
            ProtocolError::ExpectedDollar(c) => {
                let mut m = b"Protocol error: expected '$', got '".to_vec();
                m.push(*c);
                m.push(b'\'');
                return m;
            }
            ProtocolError::InvalidBulkLength => "invalid bulk length",
            ProtocolError::UnauthenticatedBulkLength => "unauthenticated bulk length",
        };
        format!("Protocol error: {text}").into_bytes()
    }
}

/// The outcome of one [`parse_request`] call.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// `state.argv` holds a complete request (possibly empty: no reply).
    Command,
    /// More bytes are needed.
    Incomplete,
    /// The request is malformed.
    Error(ProtocolError),
}

/// Parses the next request from `qb` into `state.argv`
/// (`processInputBuffer`'s choice plus the two buffer parsers).
pub fn parse_request(qb: &mut QueryBuf, state: &mut ParseState, limits: &Limits) -> Parsed {
    if state.reqtype == ReqType::Unknown {
        match qb.unparsed().first() {
            None => return Parsed::Incomplete,
            Some(b'*') => state.reqtype = ReqType::Multibulk,
            Some(_) => state.reqtype = ReqType::Inline,
        }
    }
    match state.reqtype {
        ReqType::Inline => parse_inline(qb, state),
        _ => parse_multibulk(qb, state, limits),
    }
}

/// `strchr(p, c)` over a byte slice: the first `c`, unless a NUL comes first.
pub fn find_byte(hay: &[u8], c: u8) -> Option<usize> {
    let i = memchr2(c, 0, hay)?;
    (hay[i] == c).then_some(i)
}

/// `processInlineBuffer`.
fn parse_inline(qb: &mut QueryBuf, state: &mut ParseState) -> Parsed {
    let unparsed = qb.unparsed();
    let Some(newline) = find_byte(unparsed, b'\n') else {
        if unparsed.len() > PROTO_INLINE_MAX_SIZE {
            return Parsed::Error(ProtocolError::TooBigInline);
        }
        return Parsed::Incomplete;
    };
    let mut line = &unparsed[..newline];
    if let Some(stripped) = line.strip_suffix(b"\r") {
        line = stripped;
    }
    let ParseState { argv, pool, .. } = state;
    argv.clear();
    let new_arg = || {
        pool.pop().map(|mut v| {
            v.clear();
            v
        })
    };
    if split_args_with(line, argv, new_arg) {
        qb.pos += newline + 1;
        Parsed::Command
    } else {
        Parsed::Error(ProtocolError::UnbalancedQuotes)
    }
}

/// Finds a header line (`*n` or `$n`) ending in `\r` with at least one byte
/// after it; returns the index of the `\r`.
fn header_end(unparsed: &[u8], too_big: ProtocolError) -> Result<Option<usize>, ProtocolError> {
    match find_byte(unparsed, b'\r') {
        None if unparsed.len() > PROTO_INLINE_MAX_SIZE => Err(too_big),
        None => Ok(None),
        // The byte after `\r` must be buffered but is never checked.
        Some(cr) if cr + 2 > unparsed.len() => Ok(None),
        Some(cr) => Ok(Some(cr)),
    }
}

/// `processMultibulkBuffer`.
fn parse_multibulk(qb: &mut QueryBuf, state: &mut ParseState, limits: &Limits) -> Parsed {
    if state.multibulklen == 0 {
        let unparsed = qb.unparsed();
        let cr = match header_end(unparsed, ProtocolError::TooBigMbulkCount) {
            Err(e) => return Parsed::Error(e),
            Ok(None) => return Parsed::Incomplete,
            Ok(Some(cr)) => cr,
        };
        let count = match string_to_i64(&unparsed[1..cr]) {
            Some(n) if n <= i64::from(i32::MAX) => n,
            _ => return Parsed::Error(ProtocolError::InvalidMultibulkLength),
        };
        if count > UNAUTH_MAX_MULTIBULK && limits.auth_required {
            return Parsed::Error(ProtocolError::UnauthenticatedMultibulkLength);
        }
        qb.pos += cr + 2;
        if count <= 0 {
            // `*0` and `*-1` are empty requests: no reply.
            state.argv.clear();
            return Parsed::Command;
        }
        state.multibulklen = count;
        state.argv.clear();
        state.argv.reserve(count.min(1024) as usize);
    }

    while state.multibulklen > 0 {
        if state.bulklen == -1 {
            let unparsed = qb.unparsed();
            let cr = match header_end(unparsed, ProtocolError::TooBigBulkCount) {
                Err(e) => return Parsed::Error(e),
                Ok(None) => return Parsed::Incomplete,
                Ok(Some(cr)) => cr,
            };
            if unparsed[0] != b'$' {
                return Parsed::Error(ProtocolError::ExpectedDollar(unparsed[0]));
            }
            let len = match string_to_i64(&unparsed[1..cr]) {
                Some(n) if n >= 0 && (limits.is_master || n <= limits.max_bulk_len) => n,
                _ => return Parsed::Error(ProtocolError::InvalidBulkLength),
            };
            if len > UNAUTH_MAX_BULK && limits.auth_required {
                return Parsed::Error(ProtocolError::UnauthenticatedBulkLength);
            }
            qb.pos += cr + 2;
            let Ok(ulen) = usize::try_from(len) else {
                return Parsed::Error(ProtocolError::InvalidBulkLength);
            };
            if !limits.is_master
                && ulen >= PROTO_MBULK_BIG_ARG
                && qb.unparsed().len() <= ulen.saturating_add(2)
            {
                qb.prepare_big_arg(ulen.saturating_add(2));
            }
            state.bulklen = len;
        }

        // `bulklen` is non-negative and was checked to fit in usize above.
        let len = state.bulklen as usize;
        if qb.unparsed().len() < len.saturating_add(2) {
            return Parsed::Incomplete;
        }
        let arg = if !limits.is_master
            && qb.pos == 0
            && len >= PROTO_MBULK_BIG_ARG
            && qb.end == len + 2
        {
            qb.take_big_arg(len)
        } else {
            let mut arg = state.pool.pop().unwrap_or_default();
            arg.clear();
            arg.extend_from_slice(&qb.unparsed()[..len]);
            // The two bytes after the data are skipped unchecked.
            qb.pos += len + 2;
            arg
        };
        state.argv.push(arg);
        state.bulklen = -1;
        state.multibulklen -= 1;
    }
    Parsed::Command
}

/// `string2ll`: a strict base-10 `i64` parser. Accepts an optional `-`, then
/// `0` alone or a non-zero digit followed by digits; nothing else (no `+`,
/// spaces or leading zeros), and nothing of 21 bytes or more.
pub fn string_to_i64(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() >= 21 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (negative, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    match digits.first() {
        Some(b'1'..=b'9') => {}
        _ => return None,
    }
    // Accumulate as a negative number so that i64::MIN fits.
    let mut value: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        value = value.checked_mul(10)?.checked_sub(i64::from(d - b'0'))?;
    }
    if negative {
        Some(value)
    } else {
        value.checked_neg()
    }
}

/// C's `isspace` in the C locale.
fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Splits a line into arguments like `sdssplitargs`: whitespace separates
/// tokens; `"..."` takes `\xHH`, `\n`, `\r`, `\t`, `\b`, `\a` and `\<c>`
/// escapes; `'...'` takes only `\'`; a closing quote must be followed by a
/// space or the end. `None` means unbalanced quotes. A NUL byte ends the
/// line, as it ends the C string.
pub fn split_args(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut args = Vec::new();
    split_args_with(line, &mut args, || None).then_some(args)
}

/// [`split_args`] into `args`, taking each argument's buffer from
/// `new_arg` when it has one (a cleared spare) or allocating otherwise.
/// Returns false for unbalanced quotes.
fn split_args_with(
    line: &[u8],
    args: &mut Argv,
    mut new_arg: impl FnMut() -> Option<Vec<u8>>,
) -> bool {
    let line = match memchr::memchr(0, line) {
        Some(nul) => &line[..nul],
        None => line,
    };
    // `at(i)` reads like `p[i]` on a NUL-terminated string.
    let at = |i: usize| line.get(i).copied().unwrap_or(0);
    let mut p = 0;
    loop {
        while p < line.len() && is_c_space(line[p]) {
            p += 1;
        }
        if p >= line.len() {
            return true;
        }
        let mut current = new_arg().unwrap_or_default();
        let (mut in_dq, mut in_sq) = (false, false);
        loop {
            let c = at(p);
            if in_dq {
                let hex = (c == b'\\' && at(p + 1) == b'x')
                    .then(|| Some(hex_value(at(p + 2))? * 16 + hex_value(at(p + 3))?))
                    .flatten();
                if let Some(byte) = hex {
                    current.push(byte);
                    p += 3;
                } else if c == b'\\' && at(p + 1) != 0 {
                    p += 1;
                    current.push(match at(p) {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 0x08,
                        b'a' => 0x07,
                        other => other,
                    });
                } else if c == b'"' {
                    if at(p + 1) != 0 && !is_c_space(at(p + 1)) {
                        return false;
                    }
                    p += 1;
                    break;
                } else if c == 0 {
                    return false;
                } else {
                    current.push(c);
                }
            } else if in_sq {
                if c == b'\\' && at(p + 1) == b'\'' {
                    p += 1;
                    current.push(b'\'');
                } else if c == b'\'' {
                    if at(p + 1) != 0 && !is_c_space(at(p + 1)) {
                        return false;
                    }
                    p += 1;
                    break;
                } else if c == 0 {
                    return false;
                } else {
                    current.push(c);
                }
            } else {
                match c {
                    b' ' | b'\n' | b'\r' | b'\t' | 0 => break,
                    b'"' => in_dq = true,
                    b'\'' => in_sq = true,
                    _ => current.push(c),
                }
            }
            if c != 0 {
                p += 1;
            }
        }
        args.push(current);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPEN: Limits = Limits {
        max_bulk_len: 512 * 1024 * 1024,
        auth_required: false,
        is_master: false,
    };

    fn feed(qb: &mut QueryBuf, bytes: &[u8]) {
        qb.space(bytes.len()).copy_from_slice(bytes);
        qb.commit(bytes.len());
    }

    /// Parses everything in `input`, fed in one piece.
    fn parse_all(input: &[u8], limits: &Limits) -> (Vec<Argv>, Option<ProtocolError>) {
        let mut qb = QueryBuf::default();
        let mut st = ParseState::default();
        feed(&mut qb, input);
        let mut out = Vec::new();
        loop {
            match parse_request(&mut qb, &mut st, limits) {
                Parsed::Command => {
                    out.push(std::mem::take(&mut st.argv));
                    st.reset();
                }
                Parsed::Incomplete => return (out, None),
                Parsed::Error(e) => return (out, Some(e)),
            }
        }
    }

    fn args(list: &[&str]) -> Argv {
        list.iter().map(|s| s.as_bytes().to_vec()).collect()
    }

    #[test]
    fn byte_by_byte_gives_the_same_commands() {
        let input = b"*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\nPING x\r\n*1\r\n$4\r\nPING\r\n\nget a\n";
        let mut qb = QueryBuf::default();
        let mut st = ParseState::default();
        let mut out = Vec::new();
        for &b in input.iter() {
            feed(&mut qb, &[b]);
            loop {
                match parse_request(&mut qb, &mut st, &OPEN) {
                    Parsed::Command => {
                        out.push(std::mem::take(&mut st.argv));
                        st.reset();
                    }
                    Parsed::Incomplete => break,
                    Parsed::Error(e) => panic!("unexpected {e:?}"),
                }
            }
            qb.compact();
        }
        assert_eq!(
            out,
            vec![
                args(&["ECHO", "hello"]),
                args(&["PING", "x"]),
                args(&["PING"]),
                args(&[]),
                args(&["get", "a"])
            ]
        );
        assert_eq!(out, parse_all(input, &OPEN).0);
    }

    #[test]
    fn headers_skip_the_byte_after_cr_unchecked() {
        let (cmds, err) = parse_all(b"*1\rX$4\rYPING\r\n*1\r\n$4\r\npingXX", &OPEN);
        assert_eq!(err, None);
        assert_eq!(cmds, vec![args(&["PING"]), args(&["ping"])]);
    }

    #[test]
    fn empty_requests_parse_to_no_arguments() {
        let (cmds, _) = parse_all(b"*0\r\n*-1\r\n\r\n", &OPEN);
        assert_eq!(cmds, vec![args(&[]), args(&[]), args(&[])]);
    }

    #[test]
    fn protocol_errors() {
        use ProtocolError::*;
        let cases: &[(&[u8], ProtocolError)] = &[
            (b"*x\r\n", InvalidMultibulkLength),
            (b"* 1\r\n", InvalidMultibulkLength),
            (b"*01\r\n", InvalidMultibulkLength),
            (b"*2147483648\r\n", InvalidMultibulkLength),
            (b"*1\r\nx\r\n", ExpectedDollar(b'x')),
            (b"*1\r\n$-3\r\n", InvalidBulkLength),
            (b"*1\r\n$abc\r\n", InvalidBulkLength),
            (b"*1\r\n$536870913\r\n", InvalidBulkLength),
            (b"set \"a b\r\n", UnbalancedQuotes),
            (b"set \"a\"b\r\n", UnbalancedQuotes),
            (b"set 'a\r\n", UnbalancedQuotes),
        ];
        for (input, want) in cases {
            assert_eq!(parse_all(input, &OPEN).1.as_ref(), Some(want), "{input:?}");
            assert!(want.message().starts_with(b"Protocol error: "));
        }
        let long = vec![b'a'; PROTO_INLINE_MAX_SIZE + 1];
        assert_eq!(parse_all(&long, &OPEN).1, Some(TooBigInline));
        let mut mb = b"*".to_vec();
        mb.extend_from_slice(&long);
        assert_eq!(parse_all(&mb, &OPEN).1, Some(TooBigMbulkCount));
        let mut bulk = b"*1\r\n$".to_vec();
        bulk.extend_from_slice(&long);
        assert_eq!(parse_all(&bulk, &OPEN).1, Some(TooBigBulkCount));
    }

    #[test]
    fn unauthenticated_limits() {
        let locked = Limits {
            auth_required: true,
            ..OPEN
        };
        assert_eq!(
            parse_all(b"*11\r\n", &locked).1,
            Some(ProtocolError::UnauthenticatedMultibulkLength)
        );
        assert_eq!(parse_all(b"*10\r\n", &locked).1, None);
        assert_eq!(
            parse_all(b"*1\r\n$16385\r\n", &locked).1,
            Some(ProtocolError::UnauthenticatedBulkLength)
        );
        assert_eq!(parse_all(b"*1\r\n$16384\r\n", &locked).1, None);
    }

    #[test]
    fn argument_buffers_are_reused_after_recycle() {
        for input in [&b"*1\r\n$4\r\nPING\r\n"[..], b"PING\r\n"] {
            let mut qb = QueryBuf::default();
            let mut st = ParseState::default();
            feed(&mut qb, input);
            assert_eq!(parse_request(&mut qb, &mut st, &OPEN), Parsed::Command);
            let argv = std::mem::take(&mut st.argv);
            let first = argv[0].as_ptr();
            st.recycle(argv);
            st.reset();
            qb.compact();
            feed(&mut qb, input);
            assert_eq!(parse_request(&mut qb, &mut st, &OPEN), Parsed::Command);
            assert_eq!(st.argv, args(&["PING"]));
            assert_eq!(st.argv[0].as_ptr(), first, "same buffer for {input:?}");
        }
        // Big buffers are not kept.
        let mut st = ParseState::default();
        st.recycle(vec![vec![0u8; ARG_POOL_MAX_CAP + 1]]);
        assert!(st.pool.is_empty());
    }

    #[test]
    fn big_argument_becomes_the_buffer_without_copy() {
        let len = PROTO_MBULK_BIG_ARG * 2;
        let mut qb = QueryBuf::default();
        let mut st = ParseState::default();
        feed(
            &mut qb,
            format!("*2\r\n$4\r\nECHO\r\n${len}\r\n").as_bytes(),
        );
        assert_eq!(parse_request(&mut qb, &mut st, &OPEN), Parsed::Incomplete);
        assert_eq!(st.pending_big_arg(), Some(len));
        assert_eq!(qb.unparsed().len(), 0);
        assert!(qb.capacity() >= len + 2);
        let data = vec![b'z'; len];
        feed(&mut qb, &data);
        feed(&mut qb, b"\r\n");
        let ptr = qb.buf.as_ptr();
        assert_eq!(parse_request(&mut qb, &mut st, &OPEN), Parsed::Command);
        assert_eq!(st.argv[1], data);
        assert_eq!(
            st.argv[1].as_ptr(),
            ptr,
            "the buffer itself became the argument"
        );
        assert!(qb.is_empty());
    }

    /// A small deterministic PRNG (xorshift64*), so failures reproduce.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Random RESP-shaped input, fed in random pieces, never panics, always
    /// makes progress, and parses to the same commands as when fed whole.
    #[test]
    fn random_input_never_panics_and_chunking_does_not_matter() {
        const PIECES: &[&[u8]] = &[
            b"*",
            b"$",
            b"\r",
            b"\n",
            b"\r\n",
            b"0",
            b"1",
            b"2",
            b"-1",
            b"3",
            b"10",
            b"99999999999999999999",
            b"PING",
            b"\"",
            b"'",
            b"\\",
            b"x",
            b" ",
            b"\0",
            b"\xff",
            b"*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n",
        ];
        let limits = [
            OPEN,
            Limits {
                auth_required: true,
                ..OPEN
            },
            Limits {
                max_bulk_len: 5,
                ..OPEN
            },
        ];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..3000 {
            let mut input = Vec::new();
            for _ in 0..rng.below(40) {
                input.extend_from_slice(PIECES[rng.below(PIECES.len())]);
            }
            let limits = &limits[round % limits.len()];
            let whole = parse_all(&input, limits);

            let mut qb = QueryBuf::default();
            let mut st = ParseState::default();
            let (mut cmds, mut err) = (Vec::new(), None);
            let mut at = 0;
            'feed: while at < input.len() {
                let n = (1 + rng.below(7)).min(input.len() - at);
                feed(&mut qb, &input[at..at + n]);
                at += n;
                loop {
                    let before = qb.unparsed().len();
                    match parse_request(&mut qb, &mut st, limits) {
                        Parsed::Command => {
                            cmds.push(std::mem::take(&mut st.argv));
                            st.reset();
                        }
                        Parsed::Incomplete => break,
                        Parsed::Error(e) => {
                            err = Some(e);
                            break 'feed;
                        }
                    }
                    assert!(
                        qb.unparsed().len() < before || before == 0,
                        "a command must consume input: {input:?}"
                    );
                }
                qb.compact();
            }
            assert_eq!((cmds, err), whole, "chunked vs whole for {input:?}");
        }
    }

    #[test]
    fn string_to_i64_is_strict() {
        assert_eq!(string_to_i64(b"0"), Some(0));
        assert_eq!(string_to_i64(b"-1"), Some(-1));
        assert_eq!(string_to_i64(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(string_to_i64(b"-9223372036854775808"), Some(i64::MIN));
        for bad in [
            &b""[..],
            b"-",
            b"+1",
            b"01",
            b"-0",
            b" 1",
            b"1 ",
            b"9223372036854775808",
        ] {
            assert_eq!(string_to_i64(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn split_args_quoting() {
        let s = |l: &[u8]| split_args(l).map(|v| v.into_iter().collect::<Vec<_>>());
        assert_eq!(s(b"  set  a   b "), Some(args(&["set", "a", "b"])));
        assert_eq!(
            s(b"echo \"a\\x41\\n\""),
            Some(vec![b"echo".to_vec(), b"aA\n".to_vec()])
        );
        assert_eq!(s(b"echo 'it\\'s'"), Some(args(&["echo", "it's"])));
        assert_eq!(s(b"echo a\"b c\""), Some(args(&["echo", "ab c"])));
        assert_eq!(s(b"echo \"\""), Some(vec![b"echo".to_vec(), Vec::new()]));
        assert_eq!(s(b"echo a\0b"), Some(args(&["echo", "a"])));
        assert_eq!(s(b"echo \"a"), None);
        assert_eq!(s(b"echo 'a'b"), None);
    }
}
