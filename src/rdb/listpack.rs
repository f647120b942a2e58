//! Listpacks (`listpack.c`): how Redis 7.0 stores small hashes, small
//! sorted sets and list nodes, and how RDB version 10 writes them.
//!
//! Mirrors: `listpack.c` (`lpValidateIntegrity`, `lpValidateNext`,
//! `lpGet`, `lpStringToInt64`, `lpEncodeGetType`, `lpEncodeBacklen`,
//! `lpAppend`).
//!
//! ```text
//!   +-------------+------------+---------+---------+-----+------+
//!   | total_bytes | num_elems  | entry 0 | entry 1 | ... | 0xFF |
//!   |  u32 LE     | u16 LE     |         |         |     |      |
//!   +-------------+------------+---------+---------+-----+------+
//!   entry = encoding+data, then backlen (its size, 1..5 bytes, readable
//!           from its last byte so a listpack can be walked backwards)
//! ```
//!
//! Loading validates everything `lpValidateIntegrity` checks in its deep
//! mode, in one forward walk: a file is untrusted, and a blob that passes
//! here is one every later reader (including a backwards walk through
//! the backlens) can trust. The walk borrows strings from the blob, so
//! the only allocation is the result vector.
//!
//! The writer appends entries to one buffer that starts with a header
//! placeholder, filled in by `finish`: the blob is built in place, never
//! copied.
//!
//! Deviations from Redis: none in the bytes. The reader accepts integers
//! and strings in a wider encoding than needed, as Redis does, but needs
//! each backlen in the one form `lpEncodeBacklen` writes (any other form
//! would also break Redis's own walk).

use std::borrow::Cow;

use super::{entries_capacity, framed_body, le_u32, BlobError};
use crate::server::resp::string_to_i64;

/// Header size: total_bytes (u32) and num_elements (u16)
/// (`LP_HDR_SIZE`).
const HDR_SIZE: usize = 6;
/// The end byte (`LP_EOF`).
const EOF: u8 = 0xFF;
/// The header count meaning "too many to say; walk to count"
/// (`LP_HDR_NUMELE_UNKNOWN`).
const NUMELE_UNKNOWN: u16 = u16::MAX;

/// One element of a listpack or ziplist: Redis keeps integers apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry<'a> {
    Int(i64),
    Str(&'a [u8]),
}

impl<'a> Entry<'a> {
    /// The element as Redis returns it to a client: integers in decimal.
    pub fn bytes(&self) -> Cow<'a, [u8]> {
        match *self {
            Entry::Str(s) => Cow::Borrowed(s),
            Entry::Int(n) => Cow::Owned(n.to_string().into_bytes()),
        }
    }
}

/// Every entry of a listpack, after checking the whole blob: the header's
/// byte count, each entry inside the blob, each back-length matching its
/// entry, the end byte last, and the element count when the header has one.
///
/// Mirrors `lpValidateIntegrity` with `deep` set, plus `lpGet` for each
/// entry. An empty listpack gives an empty vector; whether an empty
/// collection is acceptable is the loader's call.
pub fn entries(lp: &[u8]) -> Result<Vec<Entry<'_>>, BlobError> {
    let (Some(total), Some(&[c0, c1])) = (le_u32(lp, 0), lp.get(4..6)) else {
        return Err(BlobError::new(0, "listpack shorter than its header"));
    };
    let count = u16::from_le_bytes([c0, c1]);
    // Everything before the end byte; entries (with their backlens) must
    // tile it exactly.
    let body = framed_body(lp, total, HDR_SIZE, "listpack")?;
    let mut out = Vec::with_capacity(entries_capacity(body, HDR_SIZE, count, NUMELE_UNKNOWN));
    let mut p = HDR_SIZE;
    while p < body.len() {
        let (entry, size) = decode(body, p)?;
        let mut want = [0u8; 5];
        let want = encode_backlen(size, &mut want);
        let back = p.saturating_add(size);
        match back
            .checked_add(want.len())
            .and_then(|end| body.get(back..end))
        {
            Some(got) if got == want => {}
            Some(_) => {
                return Err(BlobError::new(
                    back,
                    format!("listpack backlen does not encode the entry size {size}"),
                ))
            }
            None => return Err(BlobError::new(p, "listpack entry runs past the end byte")),
        }
        out.push(entry);
        p = back + want.len();
    }
    if count != NUMELE_UNKNOWN && usize::from(count) != out.len() {
        return Err(BlobError::new(
            4,
            format!(
                "listpack header says {count} elements but it holds {}",
                out.len()
            ),
        ));
    }
    Ok(out)
}

/// The element starting at `p` of `body` (the listpack without its end
/// byte) and the size of its encoding and data, which its backlen holds
/// (`lpCurrentEncodedSizeBytes`, `lpGet`).
fn decode(body: &[u8], p: usize) -> Result<(Entry<'_>, usize), BlobError> {
    let past_end = || BlobError::new(p, "listpack entry runs past the end byte");
    let rest = body.get(p..).unwrap_or_default();
    let Some(&b) = rest.first() else {
        return Err(past_end());
    };
    let next = || rest.get(1).copied().map(usize::from).ok_or_else(past_end);
    let string = |hdr: usize, len: usize| {
        let end = hdr.checked_add(len).ok_or_else(past_end)?;
        let s = rest.get(hdr..end).ok_or_else(past_end)?;
        Ok((Entry::Str(s), end))
    };
    let int = |width: usize| {
        let data = rest.get(1..1 + width).ok_or_else(past_end)?;
        Ok((Entry::Int(le_signed(data)), 1 + width))
    };
    match b {
        0x00..=0x7F => Ok((Entry::Int(i64::from(b)), 1)),
        0x80..=0xBF => string(1, usize::from(b & 0x3F)),
        0xC0..=0xDF => {
            // 13-bit two's complement: 4096..8191 stand for -4096..-1.
            let v = (usize::from(b & 0x1F) << 8 | next()?) as i64;
            Ok((Entry::Int(if v >= 4096 { v - 8192 } else { v }), 2))
        }
        0xE0..=0xEF => string(2, usize::from(b & 0x0F) << 8 | next()?),
        0xF0 => {
            let len = le_u32(rest, 1).ok_or_else(past_end)?;
            string(5, usize::try_from(len).unwrap_or(usize::MAX))
        }
        0xF1 => int(2),
        0xF2 => int(3),
        0xF3 => int(4),
        0xF4 => int(8),
        EOF => Err(BlobError::new(
            p,
            "listpack end byte before the end of the blob",
        )),
        _ => Err(BlobError::new(
            p,
            format!("listpack entry has unknown encoding {b:#04x}"),
        )),
    }
}

/// A little-endian two's complement integer of 1 to 8 bytes.
fn le_signed(data: &[u8]) -> i64 {
    let mut buf = [0u8; 8];
    for (d, s) in buf.iter_mut().zip(data) {
        *d = *s;
    }
    let shift = 64 - 8 * data.len().clamp(1, 8) as u32;
    (i64::from_le_bytes(buf) << shift) >> shift
}

/// Writes the backlen of an entry whose encoding and data take `size`
/// bytes into `buf` and returns the used part (`lpEncodeBacklen`): 7 bits
/// per byte, most significant group first and the only one without bit 7,
/// so a reader coming from the right stops at it. The thresholds are
/// Redis's, including the odd `< 16383` that gives 16383 three bytes.
fn encode_backlen(size: usize, buf: &mut [u8; 5]) -> &[u8] {
    let n = if size <= 127 {
        1
    } else if size < 16383 {
        2
    } else if size < 2_097_151 {
        3
    } else if size < 268_435_455 {
        4
    } else {
        5
    };
    for (i, byte) in buf.iter_mut().take(n).enumerate() {
        let group = ((size >> (7 * (n - 1 - i))) & 127) as u8;
        *byte = if i == 0 { group } else { group | 128 };
    }
    &buf[..n]
}

/// Builds a listpack the way Redis encodes each element.
///
/// Mirrors `lpAppend` / `lpAppendInteger` over one growing buffer. The
/// blob must stay under 4 GiB (its header is a u32); Redis keeps each
/// listpack far smaller (`LISTPACK_MAX_SAFETY_SIZE`, 1 GiB), and so must
/// the caller.
#[derive(Debug, Default)]
pub struct Writer {
    buf: Vec<u8>,
    count: usize,
}

impl Writer {
    /// An empty listpack (`lpNew`).
    pub fn new() -> Writer {
        Writer::default()
    }

    /// Appends an element: as an integer when it reads as one under
    /// Redis's strict rules, else as a string. `lpStringToInt64` accepts
    /// exactly what `string2ll` ([`string_to_i64`]) does: 1 to 20
    /// characters, an optional `-`, no leading zero (so `-0` and `007`
    /// stay strings), inside i64. Anything that would read back as
    /// different text must stay a string, or the client would see it
    /// change.
    pub fn push(&mut self, data: &[u8]) {
        match string_to_i64(data) {
            Some(n) => self.push_int(n),
            None => self.push_str(data),
        }
    }

    /// Appends an integer element in its smallest encoding
    /// (`lpEncodeIntegerGetType`).
    pub fn push_int(&mut self, n: i64) {
        let le = n.to_le_bytes();
        let mut enc = [0u8; 9];
        let size = if (0..=127).contains(&n) {
            enc[0] = n as u8;
            1
        } else if (-4096..=4095).contains(&n) {
            let v = (n as u16) & 0x1FFF;
            enc[0] = 0xC0 | (v >> 8) as u8;
            enc[1] = v as u8;
            2
        } else {
            let (tag, width) = if i16::try_from(n).is_ok() {
                (0xF1, 2)
            } else if (-(1 << 23)..1 << 23).contains(&n) {
                (0xF2, 3)
            } else if i32::try_from(n).is_ok() {
                (0xF3, 4)
            } else {
                (0xF4, 8)
            };
            enc[0] = tag;
            enc[1..=width].copy_from_slice(&le[..width]);
            1 + width
        };
        self.append(&enc[..size], &[]);
    }

    /// Appends `s` as a string entry with the shortest length form
    /// (`lpEncodeString`).
    fn push_str(&mut self, s: &[u8]) {
        let len = s.len();
        let mut enc = [0u8; 5];
        let hdr = if len < 64 {
            enc[0] = 0x80 | len as u8;
            1
        } else if len < 4096 {
            enc[0] = 0xE0 | (len >> 8) as u8;
            enc[1] = len as u8;
            2
        } else {
            enc[0] = 0xF0;
            let len = u32::try_from(len).unwrap_or(u32::MAX);
            enc[1..5].copy_from_slice(&len.to_le_bytes());
            5
        };
        self.append(&enc[..hdr], s);
    }

    /// Appends one entry: its encoding, its data and its backlen.
    fn append(&mut self, enc: &[u8], data: &[u8]) {
        let size = enc.len() + data.len();
        let mut backlen = [0u8; 5];
        let backlen = encode_backlen(size, &mut backlen);
        if self.buf.is_empty() {
            // The header is filled in by `finish`; a small hash or zset
            // listpack is well under 64 bytes, which saves the first few
            // doublings.
            self.buf
                .reserve(64.max(HDR_SIZE + size + backlen.len() + 1));
            self.buf.extend_from_slice(&[0; HDR_SIZE]);
        } else {
            self.buf.reserve(size + backlen.len() + 1);
        }
        self.buf.extend_from_slice(enc);
        self.buf.extend_from_slice(data);
        self.buf.extend_from_slice(backlen);
        self.count += 1;
    }

    /// Elements appended so far.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether nothing was appended.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The finished blob: header, entries, end byte. The element count
    /// saturates at 65535, which readers take as "walk to count", as
    /// Redis's header does.
    pub fn finish(mut self) -> Vec<u8> {
        if self.buf.is_empty() {
            self.buf.extend_from_slice(&[0; HDR_SIZE]);
        }
        self.buf.push(EOF);
        let total = u32::try_from(self.buf.len()).unwrap_or(u32::MAX);
        let count = u16::try_from(self.count).unwrap_or(NUMELE_UNKNOWN);
        let mut header = [0u8; HDR_SIZE];
        header[..4].copy_from_slice(&total.to_le_bytes());
        header[4..].copy_from_slice(&count.to_le_bytes());
        for (d, s) in self.buf.iter_mut().zip(header) {
            *d = s;
        }
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdb::hex;
    use crate::rdb::lzf;
    use crate::server::util::Rng;

    /// Reads one RDB string (plain or LZF; enough of rdb.c for the DUMP
    /// payloads below) and returns it with the rest of the input.
    fn rdb_string(b: &[u8]) -> (Vec<u8>, &[u8]) {
        fn len(b: &[u8]) -> (usize, &[u8]) {
            match b[0] >> 6 {
                0 => (usize::from(b[0] & 0x3F), &b[1..]),
                1 => (usize::from(b[0] & 0x3F) << 8 | usize::from(b[1]), &b[2..]),
                _ => {
                    assert_eq!(b[0], 0x80);
                    let n = u32::from_be_bytes(b[1..5].try_into().unwrap());
                    (n as usize, &b[5..])
                }
            }
        }
        if b[0] == 0xC3 {
            let (clen, rest) = len(&b[1..]);
            let (ulen, rest) = len(rest);
            (lzf::decompress(&rest[..clen], ulen).unwrap(), &rest[clen..])
        } else {
            let (n, rest) = len(b);
            (rest[..n].to_vec(), &rest[n..])
        }
    }

    /// The listpacks inside a quicklist DUMP (type 18), all packed nodes.
    fn quicklist_nodes(dump: &[u8]) -> Vec<Vec<u8>> {
        assert_eq!(dump[0], 18);
        let mut rest = &dump[2..];
        (0..dump[1])
            .map(|_| {
                assert_eq!(rest[0], 2, "packed container");
                let (lp, r) = rdb_string(&rest[1..]);
                rest = r;
                lp
            })
            .collect()
    }

    /// Writes `entries` back with the writer, as the RDB saver would.
    fn rewrite(entries: &[Entry<'_>]) -> Vec<u8> {
        let mut w = Writer::new();
        for e in entries {
            match *e {
                Entry::Int(n) => w.push_int(n),
                Entry::Str(s) => w.push(s),
            }
        }
        assert_eq!(w.len(), entries.len());
        w.finish()
    }

    fn one(push: impl FnOnce(&mut Writer)) -> Vec<u8> {
        let mut w = Writer::new();
        push(&mut w);
        w.finish()
    }

    /// The bytes of the single entry of a one-element listpack.
    fn entry_bytes(lp: &[u8]) -> &[u8] {
        &lp[HDR_SIZE..lp.len() - 1]
    }

    #[test]
    fn encodes_the_spec_examples() {
        assert_eq!(entry_bytes(&one(|w| w.push(b"a"))), [0x81, 0x61, 0x02]);
        assert_eq!(entry_bytes(&one(|w| w.push(b"-1"))), [0xDF, 0xFF, 0x02]);
        assert_eq!(entry_bytes(&one(|w| w.push(b"300"))), [0xC1, 0x2C, 0x02]);
        assert_eq!(
            entry_bytes(&one(|w| w.push(b"70000"))),
            [0xF2, 0x70, 0x11, 0x01, 0x04]
        );
        let empty = Writer::new();
        assert!(empty.is_empty());
        assert_eq!(empty.finish(), [7, 0, 0, 0, 0, 0, 0xFF]);
        assert_eq!(entries(&[7, 0, 0, 0, 0, 0, 0xFF]).unwrap(), []);
    }

    #[test]
    fn matches_redis_dump_bodies() {
        // HSET h f v n 10 (spec §7, and again from our redis-server).
        let h = hex("120000000400816602817602816e020a01ff");
        let got = entries(&h).unwrap();
        let want = [
            Entry::Str(b"f"),
            Entry::Str(b"v"),
            Entry::Str(b"n"),
            Entry::Int(10),
        ];
        assert_eq!(got, want);
        let mut w = Writer::new();
        for s in [&b"f"[..], b"v", b"n", b"10"] {
            w.push(s);
        }
        assert_eq!(w.finish(), h);

        // ZADD z 1.5 a 2 b (spec §7).
        let z = [
            &hex("14000000040081610283")[..],
            b"1.5",
            &hex("048162020201ff"),
        ]
        .concat();
        let got = entries(&z).unwrap();
        let want = [
            Entry::Str(b"a"),
            Entry::Str(b"1.5"),
            Entry::Str(b"b"),
            Entry::Int(2),
        ];
        assert_eq!(got, want);
        assert_eq!(rewrite(&got), z);
    }

    #[test]
    fn reads_listpacks_dumped_by_redis() {
        // ZADD z 1.5 a 2 b -3 c 1e300 d inf e -inf f 0.1 g 2^62 h, then
        // DUMP z on redis-server 7.0.15 (the listpack went out as LZF).
        let dump = hex(
            "11c34057406c1c6c0000001000816602842d696e6605816302dffd0281670293\
             302e3130e0050012311481610283312e35048162020201816802f4203c400007\
             400981640297312ee0052f0b3031652b3330301881650283205b0104ff0a0057\
             7fcf6bb677bd20",
        );
        let (lp, _) = rdb_string(&dump[1..]);
        let got = entries(&lp).unwrap();
        let want = [
            Entry::Str(b"f"),
            Entry::Str(b"-inf"),
            Entry::Str(b"c"),
            Entry::Int(-3),
            Entry::Str(b"g"),
            Entry::Str(b"0.10000000000000001"),
            Entry::Str(b"a"),
            Entry::Str(b"1.5"),
            Entry::Str(b"b"),
            Entry::Int(2),
            Entry::Str(b"h"),
            Entry::Int(1 << 62),
            Entry::Str(b"d"),
            Entry::Str(b"1.0000000000000001e+300"),
            Entry::Str(b"e"),
            Entry::Str(b"inf"),
        ];
        assert_eq!(got, want);
        assert_eq!(rewrite(&got), lp);

        // HSET h2 <63 k> <64 v> 12345678901 -7: both string length forms.
        let dump = hex(
            "10c324409807980000000400bf6be035000340e04076e036000642f4351cdcdf\
             02208e0409dff902ff0a0011d243f07f8617f7",
        );
        let (lp, _) = rdb_string(&dump[1..]);
        let got = entries(&lp).unwrap();
        let (k, v) = (vec![b'k'; 63], vec![b'v'; 64]);
        let want = [
            Entry::Str(&k),
            Entry::Str(&v),
            Entry::Int(12345678901),
            Entry::Int(-7),
        ];
        assert_eq!(got, want);
        assert_eq!(rewrite(&got), lp);
    }

    #[test]
    fn reads_quicklist_nodes_dumped_by_redis() {
        // RPUSH l a b 1 -1 300 70000 -4097 4096 32767 32768 -8388608
        // 8388608 2147483647 2147483648 <i64 min> <i64 max> +1 007 -0
        // 99999999999999999999 <63 y> <64 z> <200 w>, DUMP l.
        let dump = hex(
            "120102c3408141cd1fcd01000017008161028162020101dfff02c12c02f27011\
             0104f1ffef03f100100f03f1ff7f03f200800004f200008004f32004090005f3\
             ffffff7f05f400400c2000000940094000028009f420194000107f09822b3103\
             8330303704822d30039439e00a000215bf79e035000340e0407ae036000342e0\
             c877e0be000201caff0a00b6f0557c76672ef9",
        );
        let nodes = quicklist_nodes(&dump);
        assert_eq!(nodes.len(), 1);
        let got = entries(&nodes[0]).unwrap();
        let (y, z, w) = (vec![b'y'; 63], vec![b'z'; 64], vec![b'w'; 200]);
        let want = [
            Entry::Str(b"a"),
            Entry::Str(b"b"),
            Entry::Int(1),
            Entry::Int(-1),
            Entry::Int(300),
            Entry::Int(70000),
            Entry::Int(-4097),
            Entry::Int(4096),
            Entry::Int(32767),
            Entry::Int(32768),
            Entry::Int(-8388608),
            Entry::Int(8388608),
            Entry::Int(2147483647),
            Entry::Int(2147483648),
            Entry::Int(i64::MIN),
            Entry::Int(i64::MAX),
            Entry::Str(b"+1"),
            Entry::Str(b"007"),
            Entry::Str(b"-0"),
            Entry::Str(b"99999999999999999999"),
            Entry::Str(&y),
            Entry::Str(&z),
            Entry::Str(&w),
        ];
        assert_eq!(got, want);
        assert_eq!(rewrite(&got), nodes[0]);

        // RPUSH big <4095 q> <4096 r>: one node each (8 KiB node limit),
        // the 12-bit and the 32-bit string length forms.
        let dump = hex(
            "120202c33e500a080a1000000100efff71e0ff00e0ff00e0ff00e0ff00e0ff00\
             e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e07d\
             00022081ff02c34041500e070e1000000100f00020060072e0ff00e0ff00e0ff\
             00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0\
             ff00e0ff00e07e00022085ff0a007f6583fb51469e79",
        );
        let nodes = &quicklist_nodes(&dump);
        let (q, r) = (vec![b'q'; 4095], vec![b'r'; 4096]);
        assert_eq!(entries(&nodes[0]).unwrap(), [Entry::Str(&q)]);
        assert_eq!(entries(&nodes[1]).unwrap(), [Entry::Str(&r)]);
        assert_eq!(one(|w| w.push(&q)), nodes[0]);
        assert_eq!(one(|w| w.push(&r)), nodes[1]);
    }

    #[test]
    fn picks_the_smallest_integer_encoding_at_every_edge() {
        let cases: [(i64, usize); 24] = [
            (0, 1),
            (127, 1),
            (128, 2),
            (-1, 2),
            (4095, 2),
            (-4096, 2),
            (4096, 3),
            (-4097, 3),
            (i16::MAX.into(), 3),
            (i16::MIN.into(), 3),
            (i64::from(i16::MAX) + 1, 4),
            (i64::from(i16::MIN) - 1, 4),
            ((1 << 23) - 1, 4),
            (-(1 << 23), 4),
            (1 << 23, 5),
            (-(1 << 23) - 1, 5),
            (i32::MAX.into(), 5),
            (i32::MIN.into(), 5),
            (i64::from(i32::MAX) + 1, 9),
            (i64::from(i32::MIN) - 1, 9),
            (i64::MAX, 9),
            (i64::MIN, 9),
            (i64::MAX - 1, 9),
            (i64::MIN + 1, 9),
        ];
        for (n, size) in cases {
            let by_int = one(|w| w.push_int(n));
            let by_text = one(|w| w.push(n.to_string().as_bytes()));
            assert_eq!(by_int, by_text, "{n}");
            assert_eq!(entry_bytes(&by_int).len(), size + 1, "{n}");
            assert_eq!(entries(&by_int).unwrap(), [Entry::Int(n)], "{n}");
            assert_eq!(
                entries(&by_int).unwrap()[0].bytes(),
                n.to_string().as_bytes()
            );
        }
    }

    #[test]
    fn picks_the_string_length_form_at_every_edge() {
        for (len, hdr) in [
            (0, 1),
            (1, 1),
            (63, 1),
            (64, 2),
            (4095, 2),
            (4096, 5),
            (70000, 5),
        ] {
            let s = vec![b's'; len];
            let lp = one(|w| w.push(&s));
            let first = lp[HDR_SIZE];
            match hdr {
                1 => assert_eq!(first, 0x80 | len as u8),
                2 => assert_eq!(first & 0xF0, 0xE0),
                _ => assert_eq!(first, 0xF0),
            }
            let mut bl = [0; 5];
            let bl = encode_backlen(hdr + len, &mut bl).len();
            assert_eq!(lp.len(), HDR_SIZE + hdr + len + bl + 1, "{len}");
            assert_eq!(entries(&lp).unwrap(), [Entry::Str(&s)]);
        }
    }

    #[test]
    fn sizes_backlens_as_redis_does() {
        let mut buf = [0; 5];
        for (size, n) in [
            (1, 1),
            (127, 1),
            (128, 2),
            (16382, 2),
            (16383, 3),
            (2_097_150, 3),
            (2_097_151, 4),
            (268_435_454, 4),
            (268_435_455, 5),
        ] {
            assert_eq!(encode_backlen(size, &mut buf).len(), n, "{size}");
        }
        assert_eq!(encode_backlen(128, &mut buf), [0x01, 0x80]);
        assert_eq!(encode_backlen(202, &mut buf), [0x01, 0xCA]);
        assert_eq!(encode_backlen(16383, &mut buf), [0x00, 0xFF, 0xFF]);
        // Whole entries whose size sits on each edge: a 12-bit string of
        // 125/126 bytes is 127/128, a 32-bit one of 16377/16378 is
        // 16382/16383.
        for (len, size, bl) in [
            (125, 127, 1),
            (126, 128, 2),
            (16377, 16382, 2),
            (16378, 16383, 3),
        ] {
            let s = vec![b'b'; len];
            let mut w = Writer::new();
            w.push(&s);
            w.push_int(5);
            let lp = w.finish();
            assert_eq!(lp.len(), HDR_SIZE + size + bl + 2 + 1, "{len}");
            assert_eq!(entries(&lp).unwrap(), [Entry::Str(&s), Entry::Int(5)]);
        }
    }

    #[test]
    fn reads_integers_as_strictly_as_redis() {
        for (text, want) in [
            (&b"0"[..], Some(0)),
            (b"1", Some(1)),
            (b"-1", Some(-1)),
            (b"9223372036854775807", Some(i64::MAX)),
            (b"-9223372036854775808", Some(i64::MIN)),
            (b"9223372036854775808", None),
            (b"-9223372036854775809", None),
            (b"99999999999999999999", None),
            (b"-0", None),
            (b"00", None),
            (b"007", None),
            (b"-01", None),
            (b"+1", None),
            (b" 1", None),
            (b"1 ", None),
            (b"1a", None),
            (b"", None),
            (b"-", None),
            (b"1.0", None),
            (b"123456789012345678901", None),
        ] {
            assert_eq!(
                string_to_i64(text),
                want,
                "{:?}",
                String::from_utf8_lossy(text)
            );
            let lp = one(|w| w.push(text));
            let got = entries(&lp).unwrap();
            match want {
                Some(n) => assert_eq!(got, [Entry::Int(n)]),
                None => assert_eq!(got, [Entry::Str(text)]),
            }
        }
    }

    #[test]
    fn round_trips_random_elements() {
        let mut rng = Rng::new(0x1234_5678_9ABC_DEF1);
        for round in 0..200 {
            let mut elems: Vec<Vec<u8>> = Vec::new();
            for _ in 0..rng.below(40) {
                let e = match rng.below(5) {
                    0 => (rng.next_u64() as i64 >> rng.below(64))
                        .to_string()
                        .into_bytes(),
                    1 => (0..rng.below(70)).map(|_| rng.next_u64() as u8).collect(),
                    2 => vec![b'0' + rng.below(10) as u8; rng.below(3) + 1],
                    3 if round % 10 == 0 => vec![rng.next_u64() as u8; 4000 + rng.below(200)],
                    _ => (0..rng.below(300))
                        .map(|_| b'a' + rng.below(26) as u8)
                        .collect(),
                };
                elems.push(e);
            }
            let mut w = Writer::new();
            for e in &elems {
                w.push(e);
            }
            let lp = w.finish();
            let got = entries(&lp).unwrap();
            assert_eq!(got.len(), elems.len());
            for (g, e) in got.iter().zip(&elems) {
                assert_eq!(g.bytes(), e.as_slice());
            }
            assert_eq!(rewrite(&got), lp);
        }
    }

    #[test]
    fn saturates_the_count_at_65535() {
        for n in [65534, 65535, 65536, 70000] {
            let mut w = Writer::new();
            for i in 0..n {
                w.push_int(i as i64 % 100);
            }
            let lp = w.finish();
            assert_eq!(u16::from_le_bytes([lp[4], lp[5]]), n.min(65535) as u16);
            assert_eq!(entries(&lp).unwrap().len(), n);
        }
        // The unknown count is trusted for any number of entries.
        let mut lp = one(|w| w.push(b"x"));
        lp[4..6].copy_from_slice(&[0xFF, 0xFF]);
        assert_eq!(entries(&lp).unwrap(), [Entry::Str(b"x")]);
    }

    #[test]
    fn refuses_specific_lies() {
        let mut w = Writer::new();
        for s in [&b"field"[..], b"300", b"v", b"-5"] {
            w.push(s);
        }
        let good = w.finish();
        assert!(entries(&good).is_ok());
        let err = |f: &dyn Fn(&mut Vec<u8>)| {
            let mut b = good.clone();
            f(&mut b);
            entries(&b).unwrap_err()
        };
        // Header count off by one either way.
        assert!(err(&|b| b[4] = 3).what.contains("elements"));
        assert!(err(&|b| b[4] = 5).what.contains("elements"));
        // total_bytes not the blob length.
        assert_eq!(err(&|b| b[0] += 1).offset, 0);
        assert_eq!(err(&|b| b[0] -= 1).offset, 0);
        // The first entry's backlen (0x86 after "field") says 7.
        let e = err(&|b| b[HDR_SIZE + 6] = 7);
        assert_eq!(e.offset, HDR_SIZE + 6);
        assert!(e.what.contains("backlen"), "{e}");
        // No end byte / an end byte in the middle / an unknown encoding.
        assert!(err(&|b| *b.last_mut().unwrap() = 0).what.contains("0xFF"));
        assert!(err(&|b| b[HDR_SIZE] = 0xFF)
            .what
            .contains("end byte before"));
        assert!(err(&|b| b[HDR_SIZE] = 0xF5)
            .what
            .contains("unknown encoding"));
        // A string length pointing past the end.
        assert!(err(&|b| b[HDR_SIZE] = 0xBF).what.contains("past the end"));
        assert!(err(&|b| b[HDR_SIZE] = 0xEF).what.contains("past the end"));
        // A header too short to read, and a blob of just a header.
        assert!(entries(&[]).is_err());
        assert!(entries(&[6, 0, 0, 0, 0, 0]).is_err());
        assert!(entries(&[0xFF; 3]).is_err());
        // A huge 32-bit string length must not overflow.
        let mut huge = vec![0, 0, 0, 0, 1, 0, 0xF0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 0xFF];
        huge[0] = huge.len() as u8;
        assert!(entries(&huge).unwrap_err().what.contains("past the end"));
    }

    #[test]
    fn survives_truncation_and_corruption() {
        let mut rng = Rng::new(0xBAD_C0DE);
        let mut blobs = vec![hex("120000000400816602817602816e020a01ff")];
        for k in 0..6 {
            let mut w = Writer::new();
            for _ in 0..(5 + k * 7) {
                match rng.below(4) {
                    0 => w.push_int(rng.next_u64() as i64 >> rng.below(64)),
                    1 => w.push(&vec![b'a'; rng.below(20)]),
                    2 => w.push(&vec![b'b'; 60 + rng.below(200)]),
                    _ => w.push(&vec![b'c'; rng.below(3) * 4000]),
                }
            }
            blobs.push(w.finish());
        }
        for good in &blobs {
            let want = entries(good).unwrap();
            for cut in 0..good.len() {
                assert!(entries(&good[..cut]).is_err());
                // Also with the header patched to the cut length and an end
                // byte, so the walk itself meets the damage.
                if cut > HDR_SIZE {
                    let mut b = good[..cut].to_vec();
                    b.push(EOF);
                    let n = b.len() as u32;
                    b[..4].copy_from_slice(&n.to_le_bytes());
                    let _ = entries(&b);
                }
            }
            let step = (good.len() / 400).max(1);
            for at in (0..good.len()).step_by(step) {
                for mask in [0x01, 0x10, 0x40, 0x80, 0xFF, rng.next_u64() as u8 | 1] {
                    let mut b = good.clone();
                    b[at] ^= mask;
                    if let Ok(got) = entries(&b) {
                        assert_eq!(got.len(), want.len());
                    }
                }
            }
        }
    }
}
