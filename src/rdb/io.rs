//! The byte level of RDB: lengths, strings, doubles and the CRC-64 that
//! covers them (`rdbSaveLen`, `rdbLoadLenByRef`, `rdbSaveRawString`,
//! `rdbGenericLoadStringObject`, `rdbSaveBinaryDoubleValue`, and the
//! checksum of `rio.c`).
//!
//! [`Writer`] and [`Reader`] each keep their own buffer and fold it into
//! the checksum a whole buffer at a time: RDB is mostly one- to ten-byte
//! items, and a CRC update per item would cost more than the item.
//!
//! Lengths in a file are claims, not facts. The reader never sizes an
//! allocation by one: a string grows as its bytes actually arrive, so a
//! lying length costs at most the bytes the file really holds.

use std::io::{self, Read, Write};

use super::{lzf, Error};

/// Redis's CRC-64 (`crc64.c`: Jones polynomial, reflected, init 0),
/// slice-by-16.
pub static CRC64: crc::Crc<u64, crc::Table<16>> =
    crc::Crc::<u64, crc::Table<16>>::new(&crc::CRC_64_REDIS);

/// `RDB_6BITLEN` .. `RDB_ENCVAL`: the top two bits of a length's first
/// byte.
const LEN_6BIT: u8 = 0;
const LEN_14BIT: u8 = 1;
const LEN_32BIT: u8 = 0x80;
const LEN_64BIT: u8 = 0x81;
const ENCVAL: u8 = 3;

/// Special string encodings (`RDB_ENC_INT8` .. `RDB_ENC_LZF`).
const ENC_INT8: u8 = 0;
const ENC_INT16: u8 = 1;
const ENC_INT32: u8 = 2;
const ENC_LZF: u8 = 3;

/// How much the writer buffers before it hashes and writes.
const WRITE_BUF: usize = 64 * 1024;
/// How much the reader asks for at a time.
const READ_BUF: usize = 64 * 1024;
/// The largest piece a string's buffer grows by before its bytes are seen.
const GROW_STEP: usize = 1 << 20;

/// Encodes RDB items into `out`, keeping the running CRC-64.
pub struct Writer<W: Write> {
    out: W,
    buf: Vec<u8>,
    crc: crc::Digest<'static, u64, crc::Table<16>>,
    /// Bytes handed to `out` so far (for the log and for tests).
    written: u64,
    /// `rdbcompression`: LZF for strings over 20 bytes.
    pub compress: bool,
    /// The LZF hash table and output, reused from string to string.
    lzf_table: Vec<u32>,
    lzf_out: Vec<u8>,
}

impl<W: Write> Writer<W> {
    /// A writer over `out`.
    pub fn new(out: W, compress: bool) -> Writer<W> {
        Writer {
            out,
            buf: Vec::with_capacity(WRITE_BUF),
            crc: CRC64.digest(),
            written: 0,
            compress,
            lzf_table: Vec::new(),
            lzf_out: Vec::new(),
        }
    }

    /// Hashes and writes what is buffered.
    fn flush_buf(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            self.crc.update(&self.buf);
            self.out.write_all(&self.buf)?;
            self.written += self.buf.len() as u64;
            self.buf.clear();
        }
        Ok(())
    }

    /// Raw bytes.
    pub fn bytes(&mut self, data: &[u8]) -> io::Result<()> {
        if self.buf.len() + data.len() > WRITE_BUF {
            self.flush_buf()?;
            if data.len() > WRITE_BUF {
                self.crc.update(data);
                self.written += data.len() as u64;
                return self.out.write_all(data);
            }
        }
        self.buf.extend_from_slice(data);
        Ok(())
    }

    /// One byte: an opcode or a type.
    pub fn u8(&mut self, b: u8) -> io::Result<()> {
        if self.buf.len() >= WRITE_BUF {
            self.flush_buf()?;
        }
        self.buf.push(b);
        Ok(())
    }

    /// A length in its smallest form (`rdbSaveLen`).
    pub fn len(&mut self, n: u64) -> io::Result<()> {
        if n < 1 << 6 {
            self.u8((LEN_6BIT << 6) | n as u8)
        } else if n < 1 << 14 {
            self.bytes(&[(LEN_14BIT << 6) | (n >> 8) as u8, n as u8])
        } else if let Ok(n) = u32::try_from(n) {
            let b = n.to_be_bytes();
            self.bytes(&[LEN_32BIT, b[0], b[1], b[2], b[3]])
        } else {
            self.u8(LEN_64BIT)?;
            self.bytes(&n.to_be_bytes())
        }
    }

    /// A string as Redis writes every string (`rdbSaveRawString`): as an
    /// integer when it reads as one that fits 32 bits, LZF-compressed when
    /// over 20 bytes and compression pays, plain otherwise.
    pub fn string(&mut self, s: &[u8]) -> io::Result<()> {
        if s.len() <= 11 {
            if let Some(n) = strict_i64(s) {
                if self.int_encoded(n)? {
                    return Ok(());
                }
            }
        }
        if self.compress
            && s.len() > 20
            && lzf::compress_into(s, s.len() - 4, &mut self.lzf_table, &mut self.lzf_out)
        {
            let packed = std::mem::take(&mut self.lzf_out);
            self.u8((ENCVAL << 6) | ENC_LZF)?;
            self.len(packed.len() as u64)?;
            self.len(s.len() as u64)?;
            let result = self.bytes(&packed);
            self.lzf_out = packed;
            return result;
        }
        self.len(s.len() as u64)?;
        self.bytes(s)
    }

    /// A string holding an integer (`rdbSaveLongLongAsStringObject`):
    /// the integer form when it fits 32 bits, else its decimal text.
    pub fn int_string(&mut self, n: i64) -> io::Result<()> {
        if self.int_encoded(n)? {
            return Ok(());
        }
        let text = n.to_string();
        self.len(text.len() as u64)?;
        self.bytes(text.as_bytes())
    }

    /// Writes `n` in the smallest integer form, if one holds it
    /// (`rdbEncodeInteger`).
    fn int_encoded(&mut self, n: i64) -> io::Result<bool> {
        if let Ok(v) = i8::try_from(n) {
            self.bytes(&[(ENCVAL << 6) | ENC_INT8, v as u8])?;
        } else if let Ok(v) = i16::try_from(n) {
            let b = v.to_le_bytes();
            self.bytes(&[(ENCVAL << 6) | ENC_INT16, b[0], b[1]])?;
        } else if let Ok(v) = i32::try_from(n) {
            let b = v.to_le_bytes();
            self.bytes(&[(ENCVAL << 6) | ENC_INT32, b[0], b[1], b[2], b[3]])?;
        } else {
            return Ok(false);
        }
        Ok(true)
    }

    /// An 8-byte little-endian IEEE double (`rdbSaveBinaryDoubleValue`).
    pub fn f64(&mut self, d: f64) -> io::Result<()> {
        self.bytes(&d.to_le_bytes())
    }

    /// An 8-byte little-endian integer (expire times).
    pub fn i64_le(&mut self, n: i64) -> io::Result<()> {
        self.bytes(&n.to_le_bytes())
    }

    /// Bytes encoded so far, buffered or written.
    pub fn position(&self) -> u64 {
        self.written + self.buf.len() as u64
    }

    /// Flushes the buffer and the underlying writer, without a trailer.
    pub fn flush(&mut self) -> io::Result<()> {
        self.flush_buf()?;
        self.out.flush()
    }

    /// The checksum of everything so far (flushes the buffer into it).
    pub fn checksum(&mut self) -> io::Result<u64> {
        self.flush_buf()?;
        Ok(self.crc.clone().finalize())
    }

    /// Flushes, then hands back the underlying writer.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.flush()?;
        Ok(self.out)
    }
}

/// Parses `s` as Redis's `string2ll` does: no sign but `-`, no leading
/// zeros, no spaces, within `i64`.
pub fn strict_i64(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, s),
    };
    match digits {
        [] => return None,
        [b'0'] => return (!neg).then_some(0),
        [b'0', ..] => return None,
        _ => {}
    }
    let mut n: i64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        let d = i64::from(c - b'0');
        n = n.checked_mul(10)?;
        n = if neg {
            n.checked_sub(d)?
        } else {
            n.checked_add(d)?
        };
    }
    Some(n)
}

/// A length or a special string encoding (`rdbLoadLenByRef`'s two
/// results).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Len {
    Plain(u64),
    Encoded(u8),
}

/// Decodes RDB items from `inp`, keeping the running CRC-64 and the byte
/// offset for error messages.
pub struct Reader<R: Read> {
    inp: R,
    buf: Vec<u8>,
    /// Next unread byte of `buf`.
    start: usize,
    /// Bytes of `buf` before `start` not yet hashed begin here.
    hashed: usize,
    /// Offset in the stream of `buf[0]`.
    base: u64,
    crc: crc::Digest<'static, u64, crc::Table<16>>,
}

impl<R: Read> Reader<R> {
    /// A reader over `inp`.
    pub fn new(inp: R) -> Reader<R> {
        Reader {
            inp,
            buf: Vec::new(),
            start: 0,
            hashed: 0,
            base: 0,
            crc: CRC64.digest(),
        }
    }

    /// Offset of the next byte in the stream.
    pub fn position(&self) -> u64 {
        self.base + self.start as u64
    }

    /// An error about the item that starts at `offset`.
    pub fn corrupt_at(&self, offset: u64, what: impl Into<String>) -> Error {
        Error::Corrupt {
            offset,
            what: what.into(),
        }
    }

    /// Makes at least one unread byte available; false at the end of input.
    fn fill(&mut self) -> Result<bool, Error> {
        if self.start < self.buf.len() {
            return Ok(true);
        }
        self.crc.update(&self.buf[self.hashed..]);
        self.base += self.buf.len() as u64;
        self.buf.clear();
        self.buf.resize(READ_BUF, 0);
        self.start = 0;
        self.hashed = 0;
        loop {
            match self.inp.read(&mut self.buf) {
                Ok(n) => {
                    self.buf.truncate(n);
                    return Ok(n > 0);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.buf.clear();
                    return Err(Error::Io(e));
                }
            }
        }
    }

    /// The end of input where more was needed.
    fn eof(&self, what: &str) -> Error {
        self.corrupt_at(
            self.position(),
            format!("unexpected end of file reading {what}"),
        )
    }

    /// One byte.
    pub fn u8(&mut self, what: &str) -> Result<u8, Error> {
        if !self.fill()? {
            return Err(self.eof(what));
        }
        let b = self.buf[self.start];
        self.start += 1;
        Ok(b)
    }

    /// Exactly `out.len()` bytes.
    pub fn exact(&mut self, out: &mut [u8], what: &str) -> Result<(), Error> {
        let mut done = 0;
        while done < out.len() {
            if !self.fill()? {
                return Err(self.eof(what));
            }
            let take = (out.len() - done).min(self.buf.len() - self.start);
            out[done..done + take].copy_from_slice(&self.buf[self.start..self.start + take]);
            self.start += take;
            done += take;
        }
        Ok(())
    }

    /// `n` bytes into a new vector that grows only as the bytes arrive.
    pub fn vec(&mut self, n: u64, what: &str) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        self.vec_into(n, &mut out, what)?;
        Ok(out)
    }

    /// `n` bytes into `out` (cleared first), growing it only as the bytes
    /// arrive.
    fn vec_into(&mut self, n: u64, out: &mut Vec<u8>, what: &str) -> Result<(), Error> {
        out.clear();
        out.reserve(usize::try_from(n).unwrap_or(usize::MAX).min(GROW_STEP));
        let mut left = n;
        while left > 0 {
            if !self.fill()? {
                return Err(self.eof(what));
            }
            let avail = (self.buf.len() - self.start) as u64;
            let take = left.min(avail) as usize;
            out.extend_from_slice(&self.buf[self.start..self.start + take]);
            self.start += take;
            left -= take as u64;
        }
        Ok(())
    }

    /// Skips `n` bytes.
    pub fn skip(&mut self, n: u64, what: &str) -> Result<(), Error> {
        let mut left = n;
        while left > 0 {
            if !self.fill()? {
                return Err(self.eof(what));
            }
            let take = left.min((self.buf.len() - self.start) as u64) as usize;
            self.start += take;
            left -= take as u64;
        }
        Ok(())
    }

    /// A length or a special encoding (`rdbLoadLenByRef`).
    pub fn len_or_enc(&mut self, what: &str) -> Result<Len, Error> {
        let at = self.position();
        let b = self.u8(what)?;
        match b >> 6 {
            0 => Ok(Len::Plain(u64::from(b & 0x3f))),
            1 => {
                let low = self.u8(what)?;
                Ok(Len::Plain((u64::from(b & 0x3f) << 8) | u64::from(low)))
            }
            3 => Ok(Len::Encoded(b & 0x3f)),
            _ if b == LEN_32BIT => {
                let mut v = [0u8; 4];
                self.exact(&mut v, what)?;
                Ok(Len::Plain(u64::from(u32::from_be_bytes(v))))
            }
            _ if b == LEN_64BIT => {
                let mut v = [0u8; 8];
                self.exact(&mut v, what)?;
                Ok(Len::Plain(u64::from_be_bytes(v)))
            }
            _ => Err(self.corrupt_at(at, format!("unknown length encoding 0x{b:02x} in {what}"))),
        }
    }

    /// A plain length; a special encoding here is corruption.
    pub fn len(&mut self, what: &str) -> Result<u64, Error> {
        let at = self.position();
        match self.len_or_enc(what)? {
            Len::Plain(n) => Ok(n),
            Len::Encoded(k) => Err(self.corrupt_at(
                at,
                format!("string encoding {k} where the length of {what} was expected"),
            )),
        }
    }

    /// A length that counts items of at least one byte each: bounded by
    /// `usize` so loops over it can size nothing wrong.
    pub fn count(&mut self, what: &str) -> Result<usize, Error> {
        let at = self.position();
        let n = self.len(what)?;
        usize::try_from(n).map_err(|_| self.corrupt_at(at, format!("{what} {n} is too large")))
    }

    /// A string in any of its encodings (`rdbGenericLoadStringObject`).
    pub fn string(&mut self, what: &str) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        self.string_into(&mut out, what)?;
        Ok(out)
    }

    /// [`Reader::string`] into `out` (cleared first): a loader that reads
    /// millions of keys and values reuses one buffer instead of allocating
    /// one per string.
    pub fn string_into(&mut self, out: &mut Vec<u8>, what: &str) -> Result<(), Error> {
        let at = self.position();
        let int = |out: &mut Vec<u8>, n: i64| {
            out.clear();
            let mut buf = [0u8; 20];
            let len = crate::server::reply::write_i64(&mut buf, n);
            out.extend_from_slice(&buf[..len]);
        };
        match self.len_or_enc(what)? {
            Len::Plain(n) => self.vec_into(n, out, what),
            Len::Encoded(ENC_INT8) => {
                let v = self.u8(what)? as i8;
                int(out, i64::from(v));
                Ok(())
            }
            Len::Encoded(ENC_INT16) => {
                let mut v = [0u8; 2];
                self.exact(&mut v, what)?;
                int(out, i64::from(i16::from_le_bytes(v)));
                Ok(())
            }
            Len::Encoded(ENC_INT32) => {
                let mut v = [0u8; 4];
                self.exact(&mut v, what)?;
                int(out, i64::from(i32::from_le_bytes(v)));
                Ok(())
            }
            Len::Encoded(ENC_LZF) => {
                let clen = self.len(what)?;
                let len_at = self.position();
                let ulen = self.len(what)?;
                let ulen = usize::try_from(ulen).map_err(|_| {
                    self.corrupt_at(len_at, format!("LZF length {ulen} of {what} is too large"))
                })?;
                let data_at = self.position();
                let packed = self.vec(clen, what)?;
                *out = lzf::decompress(&packed, ulen).map_err(|e| {
                    self.corrupt_at(
                        data_at,
                        format!(
                            "bad LZF data in {what}: {} at byte {} of the compressed data",
                            e.what, e.offset
                        ),
                    )
                })?;
                Ok(())
            }
            Len::Encoded(k) => {
                Err(self.corrupt_at(at, format!("unknown string encoding {k} in {what}")))
            }
        }
    }

    /// An 8-byte little-endian IEEE double (`rdbLoadBinaryDoubleValue`).
    pub fn f64(&mut self, what: &str) -> Result<f64, Error> {
        let mut v = [0u8; 8];
        self.exact(&mut v, what)?;
        Ok(f64::from_le_bytes(v))
    }

    /// An 8-byte little-endian integer.
    pub fn i64_le(&mut self, what: &str) -> Result<i64, Error> {
        let mut v = [0u8; 8];
        self.exact(&mut v, what)?;
        Ok(i64::from_le_bytes(v))
    }

    /// The double of the old ZSET type, a length-prefixed decimal text
    /// (`rdbLoadDoubleValue`): 253, 254 and 255 stand for NaN, +inf, -inf.
    pub fn text_double(&mut self, what: &str) -> Result<f64, Error> {
        let at = self.position();
        let n = self.u8(what)?;
        match n {
            253 => Ok(f64::NAN),
            254 => Ok(f64::INFINITY),
            255 => Ok(f64::NEG_INFINITY),
            _ => {
                let mut text = [0u8; 252];
                let text = &mut text[..usize::from(n)];
                self.exact(text, what)?;
                std::str::from_utf8(text)
                    .ok()
                    .and_then(|t| t.trim().parse::<f64>().ok())
                    .ok_or_else(|| self.corrupt_at(at, format!("bad double text in {what}")))
            }
        }
    }

    /// The checksum of every byte consumed so far.
    pub fn checksum(&mut self) -> u64 {
        self.crc.update(&self.buf[self.hashed..self.start]);
        self.hashed = self.start;
        self.crc.clone().finalize()
    }

    /// Whether the input holds anything past what was consumed.
    pub fn at_end(&mut self) -> Result<bool, Error> {
        Ok(!self.fill()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(f: impl FnOnce(&mut Writer<Vec<u8>>) -> io::Result<()>) -> Vec<u8> {
        let mut w = Writer::new(Vec::new(), true);
        f(&mut w).expect("write to a vector");
        w.into_inner().expect("flush")
    }

    #[test]
    fn crc64_matches_redis_check_value() {
        assert_eq!(CRC64.checksum(b"123456789"), 0xe9c6d914c4b8d9ca);
    }

    #[test]
    fn lengths_take_the_smallest_form() {
        assert_eq!(encode(|w| w.len(63)), [0x3f]);
        assert_eq!(encode(|w| w.len(64)), [0x40, 0x40]);
        assert_eq!(encode(|w| w.len(16383)), [0x7f, 0xff]);
        assert_eq!(encode(|w| w.len(16384)), [0x80, 0, 0, 0x40, 0]);
        assert_eq!(encode(|w| w.len(1 << 32)), [0x81, 0, 0, 0, 1, 0, 0, 0, 0]);
        for n in [
            0,
            1,
            63,
            64,
            300,
            16383,
            16384,
            70000,
            u32::MAX as u64,
            1 << 40,
        ] {
            let bytes = encode(|w| w.len(n));
            let mut r = Reader::new(&bytes[..]);
            assert_eq!(r.len("len").expect("decodes"), n);
            assert!(r.at_end().expect("no error"));
        }
    }

    #[test]
    fn strings_use_redis_integer_forms() {
        // Verified against redis-server 7.0.15: "12345" is c1 39 30.
        assert_eq!(encode(|w| w.string(b"12345")), [0xc1, 0x39, 0x30]);
        assert_eq!(encode(|w| w.string(b"-1")), [0xc0, 0xff]);
        assert_eq!(encode(|w| w.string(b"007")), [3, b'0', b'0', b'7']);
        assert_eq!(encode(|w| w.string(b"3000000000"))[0], 10);
        assert_eq!(encode(|w| w.int_string(3_000_000_000))[0], 10);
        for s in [
            &b"0"[..],
            b"-128",
            b"127",
            b"32767",
            b"-32769",
            b"2147483647",
            b"-2147483648",
        ] {
            let bytes = encode(|w| w.string(s));
            assert_eq!(bytes[0] >> 6, 3, "{s:?} is integer-encoded");
            let mut r = Reader::new(&bytes[..]);
            assert_eq!(r.string("s").expect("decodes"), s);
        }
    }

    #[test]
    fn strict_integers_follow_string2ll() {
        assert_eq!(strict_i64(b"0"), Some(0));
        assert_eq!(strict_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(strict_i64(b"9223372036854775808"), None);
        for bad in [&b""[..], b"-", b"-0", b"+1", b"01", b" 1", b"1a"] {
            assert_eq!(strict_i64(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_lying_length_costs_only_the_bytes_present() {
        let mut bytes = vec![LEN_64BIT];
        bytes.extend_from_slice(&(u64::MAX / 2).to_be_bytes());
        bytes.extend_from_slice(b"abc");
        let mut r = Reader::new(&bytes[..]);
        match r.string("value") {
            Err(Error::Corrupt { what, .. }) => assert!(what.contains("unexpected end"), "{what}"),
            other => panic!("expected corruption, got {other:?}"),
        }
    }

    #[test]
    fn unknown_length_encodings_are_corrupt() {
        let mut r = Reader::new(&[0x82u8, 0, 0][..]);
        assert!(matches!(r.len("x"), Err(Error::Corrupt { offset: 0, .. })));
        let mut r = Reader::new(&[0xc4u8][..]);
        assert!(matches!(r.string("x"), Err(Error::Corrupt { .. })));
    }

    #[test]
    fn the_checksum_covers_what_was_consumed() {
        let data = b"REDIS0010\xff";
        let mut r = Reader::new(&data[..]);
        let mut magic = [0u8; 9];
        r.exact(&mut magic, "magic").expect("read");
        r.u8("op").expect("read");
        assert_eq!(r.checksum(), CRC64.checksum(data));
        let mut w = Writer::new(Vec::new(), true);
        w.bytes(data).expect("write");
        assert_eq!(w.checksum().expect("flush"), CRC64.checksum(data));
    }
}
