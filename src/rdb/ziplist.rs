//! Ziplists (`ziplist.c`), which RDB versions before 10 hold; load only.
//!
//! Mirrors: `ziplist.c` (`ziplistValidateIntegrity`, `zipEntrySafe`,
//! `zipLoadInteger`). Redis 7.0 never writes a ziplist: it converts each
//! one it loads to a listpack, and so will we, so only a reader is here.
//!
//! ```text
//!   +---------+--------+-------+---------+---------+-----+------+
//!   | zlbytes | zltail | zllen | entry 0 | entry 1 | ... | 0xFF |
//!   | u32 LE  | u32 LE | u16 LE|         |         |     |      |
//!   +---------+--------+-------+---------+---------+-----+------+
//!   entry = prevlen (1 byte below 254, else 0xFE + u32 LE), encoding, data
//!   zltail = offset of the last entry's first byte
//! ```
//!
//! The walk checks what the deep `ziplistValidateIntegrity` checks, in
//! one pass and without allocating beyond the result: a blob that passes
//! can be walked forwards (lengths) and backwards (prevlens and zltail)
//! to the same entries.
//!
//! Deviations from Redis: a 32-bit string encoding byte must be exactly
//! `0x80`; Redis masks off the six low bits it never sets. A prevlen in
//! the 5-byte form with a small value is accepted, as Redis must: its
//! cascade update leaves such prevlens behind rather than shrink entries.

use super::listpack::Entry;
use super::{entries_capacity, framed_body, le_u32, BlobError};

/// Header size: zlbytes (u32), zltail (u32), zllen (u16)
/// (`ZIPLIST_HEADER_SIZE`).
const HDR_SIZE: usize = 10;
/// The end byte (`ZIP_END`).
const END: u8 = 0xFF;
/// First byte of a 5-byte prevlen (`ZIP_BIG_PREVLEN`).
const BIG_PREVLEN: u8 = 0xFE;
/// The header count meaning "walk to count" (`UINT16_MAX`).
const LEN_UNKNOWN: u16 = u16::MAX;

/// Every entry of a ziplist, after checking the whole blob (header byte
/// count and tail offset, each entry inside the blob, each prevlen equal to
/// the previous entry's size, the end byte last, the count when known).
///
/// Mirrors `ziplistValidateIntegrity` with `deep` set, plus
/// `ziplistGet` for each entry. An empty ziplist gives an empty vector;
/// whether an empty collection is acceptable is the loader's call.
pub fn entries(zl: &[u8]) -> Result<Vec<Entry<'_>>, BlobError> {
    let (Some(zlbytes), Some(zltail), Some(&[c0, c1])) =
        (le_u32(zl, 0), le_u32(zl, 4), zl.get(8..10))
    else {
        return Err(BlobError::new(0, "ziplist shorter than its header"));
    };
    let zllen = u16::from_le_bytes([c0, c1]);
    let body = framed_body(zl, zlbytes, HDR_SIZE, "ziplist")?;
    let mut out = Vec::with_capacity(entries_capacity(body, HDR_SIZE, zllen, LEN_UNKNOWN));
    let mut p = HDR_SIZE;
    let mut prev_size = 0;
    let mut last = HDR_SIZE;
    while p < body.len() {
        let (entry, size) = decode(body, p, prev_size)?;
        out.push(entry);
        last = p;
        prev_size = size;
        p += size;
    }
    if usize::try_from(zltail).ok() != Some(last) {
        return Err(BlobError::new(
            4,
            format!("ziplist tail offset {zltail} is not the last entry's offset {last}"),
        ));
    }
    if zllen != LEN_UNKNOWN && usize::from(zllen) != out.len() {
        return Err(BlobError::new(
            8,
            format!(
                "ziplist header says {zllen} entries but it holds {}",
                out.len()
            ),
        ));
    }
    Ok(out)
}

/// The entry at `p` of `body` (the ziplist without its end byte) and its
/// whole size, prevlen included, after checking its prevlen is
/// `prev_size` (`zipEntrySafe`).
fn decode(body: &[u8], p: usize, prev_size: usize) -> Result<(Entry<'_>, usize), BlobError> {
    let past_end = || BlobError::new(p, "ziplist entry runs past the end byte");
    let rest = body.get(p..).unwrap_or_default();
    let (prevlen, at) = match rest.first() {
        None => return Err(past_end()),
        Some(&END) => {
            return Err(BlobError::new(
                p,
                "ziplist end byte before the end of the blob",
            ))
        }
        Some(&BIG_PREVLEN) => (le_u32(rest, 1).ok_or_else(past_end)?, 5),
        Some(&b) => (u32::from(b), 1),
    };
    if usize::try_from(prevlen).ok() != Some(prev_size) {
        return Err(BlobError::new(
            p,
            format!("ziplist prevlen {prevlen} is not the previous entry's size {prev_size}"),
        ));
    }
    let Some(&enc) = rest.get(at) else {
        return Err(past_end());
    };
    let byte = |i: usize| {
        rest.get(at + i)
            .copied()
            .map(usize::from)
            .ok_or_else(past_end)
    };
    let string = |hdr: usize, len: usize| {
        let start = at + hdr;
        let end = start.checked_add(len).ok_or_else(past_end)?;
        let s = rest.get(start..end).ok_or_else(past_end)?;
        Ok((Entry::Str(s), end))
    };
    let int = |width: usize| {
        let data = rest.get(at + 1..at + 1 + width).ok_or_else(past_end)?;
        Ok((Entry::Int(le_signed(data)), at + 1 + width))
    };
    match enc {
        0x00..=0x3F => string(1, usize::from(enc & 0x3F)),
        0x40..=0x7F => string(2, usize::from(enc & 0x3F) << 8 | byte(1)?),
        0x80 => {
            let len = be_u32(rest, at + 1).ok_or_else(past_end)?;
            string(5, usize::try_from(len).unwrap_or(usize::MAX))
        }
        0xC0 => int(2),
        0xD0 => int(4),
        0xE0 => int(8),
        0xF0 => int(3),
        0xFE => int(1),
        // Immediate 0..12, stored plus one in the low four bits.
        0xF1..=0xFD => Ok((Entry::Int(i64::from(enc & 0x0F) - 1), at + 1)),
        _ => Err(BlobError::new(
            p + at,
            format!("ziplist entry has unknown encoding {enc:#04x}"),
        )),
    }
}

/// The u32 big-endian at `at` (the 32-bit string length is the one
/// big-endian field of a ziplist).
fn be_u32(blob: &[u8], at: usize) -> Option<u32> {
    let b = blob.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes(b.try_into().ok()?))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::util::Rng;

    /// Encoding and data of a string, in the shortest length form.
    fn string(s: &[u8]) -> Vec<u8> {
        let n = s.len();
        let mut out = if n < 64 {
            vec![n as u8]
        } else if n < 16384 {
            vec![0x40 | (n >> 8) as u8, n as u8]
        } else {
            let mut v = vec![0x80];
            v.extend_from_slice(&(n as u32).to_be_bytes());
            v
        };
        out.extend_from_slice(s);
        out
    }

    /// Encoding and data of an integer under `tag` (0xC0 int16, 0xD0
    /// int32, 0xE0 int64, 0xF0 int24, 0xFE int8, 0xF1..=0xFD immediate).
    fn int(tag: u8, n: i64) -> Vec<u8> {
        let width = match tag {
            0xC0 => 2,
            0xD0 => 4,
            0xE0 => 8,
            0xF0 => 3,
            0xFE => 1,
            _ => 0,
        };
        let mut out = vec![tag];
        out.extend_from_slice(&n.to_le_bytes()[..width]);
        out
    }

    /// A ziplist of entries given as encoding+data. `big` forces the
    /// 5-byte prevlen form on every entry after the first, as a cascade
    /// update can leave behind.
    fn build(items: &[Vec<u8>], big: bool) -> Vec<u8> {
        let mut out = vec![0; HDR_SIZE];
        let mut prev = 0usize;
        let mut tail = HDR_SIZE;
        for (i, item) in items.iter().enumerate() {
            tail = out.len();
            let start = out.len();
            if prev < 254 && !(big && i > 0) {
                out.push(prev as u8);
            } else {
                out.push(BIG_PREVLEN);
                out.extend_from_slice(&(prev as u32).to_le_bytes());
            }
            out.extend_from_slice(item);
            prev = out.len() - start;
        }
        out.push(END);
        let n = out.len() as u32;
        out[0..4].copy_from_slice(&n.to_le_bytes());
        out[4..8].copy_from_slice(&(tail as u32).to_le_bytes());
        out[8..10].copy_from_slice(&(items.len().min(65535) as u16).to_le_bytes());
        out
    }

    #[test]
    fn reads_the_example_of_ziplist_c() {
        // ziplist.c's header comment: a ziplist of "2" and "5".
        let zl = [
            0x0f, 0, 0, 0, 0x0c, 0, 0, 0, 0x02, 0, 0x00, 0xf3, 0x02, 0xf6, 0xff,
        ];
        assert_eq!(entries(&zl).unwrap(), [Entry::Int(2), Entry::Int(5)]);
        assert_eq!(build(&[int(0xF3, 2), int(0xF6, 5)], false), zl);
        // ... and "Hello World" appended after them.
        let mut zl = zl[..14].to_vec();
        zl.extend_from_slice(b"\x02\x0bHello World\xff");
        zl[0] = zl.len() as u8;
        zl[4] = 14;
        zl[8] = 3;
        let got = entries(&zl).unwrap();
        assert_eq!(got[2], Entry::Str(b"Hello World"));
        let empty = build(&[], false);
        assert_eq!(empty, [11, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0xFF]);
        assert_eq!(entries(&empty).unwrap(), []);
    }

    #[test]
    fn reads_every_encoding_at_its_edges() {
        let (s63, s64, s16383, s16384) = (
            vec![b'a'; 63],
            vec![b'b'; 64],
            vec![b'c'; 16383],
            vec![b'd'; 16384],
        );
        let mut items = Vec::new();
        let mut want = Vec::new();
        for s in [&b""[..], b"x", &s63, &s64, &s16383, &s16384] {
            items.push(string(s));
            want.push(Entry::Str(s));
        }
        for imm in 0..=12 {
            items.push(int(0xF1 + imm as u8, imm));
            want.push(Entry::Int(imm));
        }
        let ints: [(u8, i64); 14] = [
            (0xFE, -128),
            (0xFE, 127),
            (0xC0, i16::MIN.into()),
            (0xC0, i16::MAX.into()),
            (0xF0, -(1 << 23)),
            (0xF0, (1 << 23) - 1),
            (0xD0, i32::MIN.into()),
            (0xD0, i32::MAX.into()),
            (0xE0, i64::MIN),
            (0xE0, i64::MAX),
            (0xE0, -1),
            (0xC0, -1),
            (0xF0, -1),
            (0xFE, -1),
        ];
        for (tag, n) in ints {
            items.push(int(tag, n));
            want.push(Entry::Int(n));
        }
        for big in [false, true] {
            let zl = build(&items, big);
            assert_eq!(entries(&zl).unwrap(), want, "big prevlens {big}");
        }
    }

    #[test]
    fn refuses_specific_lies() {
        let items = [
            string(b"field"),
            int(0xC0, 300),
            string(&[b'v'; 300]),
            int(0xF2, 1),
        ];
        let good = build(&items, false);
        assert_eq!(entries(&good).unwrap().len(), 4);
        let err = |f: &dyn Fn(&mut Vec<u8>)| {
            let mut b = good.clone();
            f(&mut b);
            entries(&b).unwrap_err()
        };
        // zlbytes, zltail, zllen.
        assert_eq!(err(&|b| b[0] += 1).offset, 0);
        let e = err(&|b| b[4] += 1);
        assert_eq!((e.offset, e.what.contains("tail")), (4, true));
        assert!(err(&|b| b[4..8].copy_from_slice(&10u32.to_le_bytes()))
            .what
            .contains("tail"));
        assert!(err(&|b| b[8] = 3).what.contains("entries"));
        assert!(err(&|b| b[8] = 5).what.contains("entries"));
        // prevlen of the second entry (after 1+1+5 bytes) says 6, not 7.
        let e = err(&|b| b[17] = 6);
        assert_eq!((e.offset, e.what.contains("prevlen")), (17, true));
        // The first entry's prevlen must be 0.
        assert!(err(&|b| b[10] = 1).what.contains("prevlen"));
        // Encodings that do not exist, the end byte early or missing.
        assert!(err(&|b| b[18] = 0xC1).what.contains("unknown encoding"));
        assert!(err(&|b| b[18] = 0x81).what.contains("unknown encoding"));
        assert!(err(&|b| b[17] = 0xFF).what.contains("end byte before"));
        assert!(err(&|b| *b.last_mut().unwrap() = 0).what.contains("0xFF"));
        // A string length running past the end, a huge 32-bit one too.
        assert!(err(&|b| b[11] = 0x7F).what.contains("past the end"));
        let huge = build(&[vec![0x80, 0xFF, 0xFF, 0xFF, 0xFF]], false);
        assert!(entries(&huge).unwrap_err().what.contains("past the end"));
        assert!(entries(&[]).is_err());
        assert!(entries(&[10, 0, 0, 0, 10, 0, 0, 0, 0, 0]).is_err());
        // An unknown zllen is trusted for any count.
        let mut unknown = good.clone();
        unknown[8..10].copy_from_slice(&[0xFF, 0xFF]);
        assert_eq!(entries(&unknown).unwrap().len(), 4);
    }

    #[test]
    fn survives_truncation_and_corruption() {
        let mut rng = Rng::new(0x5EED);
        let blobs = [
            build(&[int(0xF3, 2), int(0xF6, 5), string(b"Hello World")], false),
            build(&[string(&[b'q'; 300]), int(0xE0, -9), string(b"")], true),
            build(&[int(0xD0, 7), string(&[b'r'; 70]), int(0xFE, 1)], false),
        ];
        for good in &blobs {
            for cut in 0..good.len() {
                assert!(entries(&good[..cut]).is_err());
            }
            for at in 0..good.len() {
                for mask in [0x01, 0x10, 0x80, 0xFF, rng.next_u64() as u8 | 1] {
                    let mut b = good.clone();
                    b[at] ^= mask;
                    let _ = entries(&b);
                }
            }
        }
    }
}
