//! Zipmaps (`zipmap.c`), the small-hash blob of RDB versions before 4;
//! load only.
//!
//! Mirrors: `zipmap.c` (`zipmapValidateIntegrity`, `zipmapNext`). Redis
//! 7.0 converts every zipmap it loads (RDB type 9) to a listpack, and so
//! will we.
//!
//! ```text
//!   zmlen (u8; 254 = count unknown, any other value must be the count)
//!   ( len field  field   len value  free (u8)  value  free bytes )*
//!   0xFF
//!   len = 1 byte below 254, else 0xFE and a u32 LE
//! ```
//!
//! `free` counts unused bytes after a value that shrank in place; they
//! are skipped, never returned.
//!
//! Deviations from Redis: a value length byte of 0xFF is refused (Redis
//! would read it as the 5-byte form, but never writes it). An empty
//! zipmap is returned as an empty vector, not refused; the loader
//! decides about empty keys.

use super::BlobError;

/// zmlen meaning "walk to count" (Redis stores it from 254 pairs on);
/// also the first byte of a 5-byte length (`ZIPMAP_BIGLEN`).
const BIGLEN: u8 = 254;
/// The end byte (`ZIPMAP_END`).
const END: u8 = 0xFF;

/// A field and its value, borrowed from the blob.
pub type Pair<'a> = (&'a [u8], &'a [u8]);

/// The field/value pairs of a zipmap, after checking every length stays
/// inside the blob and the end byte is last.
///
/// Mirrors `zipmapValidateIntegrity` with `deep` set, which also checks
/// the count byte when it is below 254.
pub fn pairs(zm: &[u8]) -> Result<Vec<Pair<'_>>, BlobError> {
    let (Some(&zmlen), Some((&END, body))) = (zm.first(), zm.split_last()) else {
        return Err(BlobError::new(
            zm.len().saturating_sub(1),
            "zipmap does not end with 0xFF",
        ));
    };
    if body.is_empty() {
        return Err(BlobError::new(
            0,
            "zipmap shorter than its count and end byte",
        ));
    }
    // A pair takes at least three bytes (two lengths and free), which
    // bounds what a lying count can make us reserve.
    let most = (body.len() - 1) / 3;
    let mut out = Vec::with_capacity(most.min(usize::from(zmlen.min(BIGLEN))));
    let mut p = 1;
    while p < body.len() {
        let (field, at) = string(body, p, 0)?;
        let (value, end) = string(body, at, 1)?;
        out.push((field, value));
        p = end;
    }
    if zmlen != BIGLEN && usize::from(zmlen) != out.len() {
        return Err(BlobError::new(
            0,
            format!(
                "zipmap header says {zmlen} pairs but it holds {}",
                out.len()
            ),
        ));
    }
    Ok(out)
}

/// The string whose length field starts at `p` of `body` (the zipmap
/// without its end byte), and where the next field starts. `free` is 1
/// for a value (a free-bytes count follows the length, and that many
/// bytes follow the value) and 0 for a field.
fn string(body: &[u8], p: usize, free: usize) -> Result<(&[u8], usize), BlobError> {
    let past_end = || BlobError::new(p, "zipmap entry runs past the end byte");
    let (len, mut at) = match body.get(p) {
        None => return Err(past_end()),
        Some(&END) if free == 0 => {
            return Err(BlobError::new(
                p,
                "zipmap end byte before the end of the blob",
            ))
        }
        Some(&END) => return Err(BlobError::new(p, "zipmap value has length byte 0xFF")),
        Some(&BIGLEN) => {
            let b = body.get(p + 1..p + 5).ok_or_else(past_end)?;
            let len = u32::from_le_bytes(b.try_into().map_err(|_| past_end())?);
            (usize::try_from(len).unwrap_or(usize::MAX), p + 5)
        }
        Some(&b) => (usize::from(b), p + 1),
    };
    let mut skip = 0;
    if free == 1 {
        skip = usize::from(*body.get(at).ok_or_else(past_end)?);
        at += 1;
    }
    let end = at.checked_add(len).ok_or_else(past_end)?;
    let s = body.get(at..end).ok_or_else(past_end)?;
    let next = end.checked_add(skip).ok_or_else(past_end)?;
    if next > body.len() {
        return Err(past_end());
    }
    Ok((s, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A zipmap of `pairs` with `free` spare bytes after each value, as an
    /// old Redis would have left after shrinking values in place.
    fn build(count: u8, pairs: &[(&[u8], &[u8])], free: u8) -> Vec<u8> {
        fn len(out: &mut Vec<u8>, n: usize) {
            if n < 254 {
                out.push(n as u8);
            } else {
                out.push(254);
                out.extend_from_slice(&(n as u32).to_le_bytes());
            }
        }
        let mut out = vec![count];
        for (k, v) in pairs {
            len(&mut out, k.len());
            out.extend_from_slice(k);
            len(&mut out, v.len());
            out.push(free);
            out.extend_from_slice(v);
            out.extend(std::iter::repeat_n(b'?', usize::from(free)));
        }
        out.push(END);
        out
    }

    #[test]
    fn reads_the_layout_of_zipmap_c() {
        // zipmap.c's own example: "foo" => "bar", "hello" => "world".
        let zm = b"\x02\x03foo\x03\x00bar\x05hello\x05\x00world\xff";
        let want: [Pair<'_>; 2] = [(b"foo", b"bar"), (b"hello", b"world")];
        assert_eq!(pairs(zm).unwrap(), want);
        assert_eq!(build(2, &want, 0), zm);
        assert_eq!(pairs(&[0, END]).unwrap(), []);
    }

    #[test]
    fn skips_free_bytes_and_reads_long_lengths() {
        let (k, v) = (vec![b'k'; 253], vec![b'v'; 254]);
        let (k2, v2) = (vec![b'K'; 300], vec![b'V'; 70000]);
        let want: [Pair<'_>; 4] = [(&k, &v), (&k2, &v2), (b"", b""), (b"a", b"1")];
        for free in [0, 1, 4] {
            let zm = build(4, &want, free);
            assert_eq!(pairs(&zm).unwrap(), want, "free {free}");
        }
        // 254 means "count unknown": any number of pairs.
        assert_eq!(pairs(&build(254, &want, 0)).unwrap(), want);
        let many: Vec<Pair<'_>> = (0..300).map(|_| (&b"f"[..], &b"v"[..])).collect();
        assert_eq!(pairs(&build(254, &many, 0)).unwrap().len(), 300);
    }

    #[test]
    fn refuses_specific_lies() {
        let good = build(2, &[(b"foo", b"bar"), (b"hello", b"world")], 1);
        let err = |f: &dyn Fn(&mut Vec<u8>)| {
            let mut b = good.clone();
            f(&mut b);
            pairs(&b).unwrap_err()
        };
        assert!(err(&|b| b[0] = 3).what.contains("says 3 pairs"));
        assert!(err(&|b| b[0] = 255).what.contains("pairs"));
        assert!(err(&|b| *b.last_mut().unwrap() = 0).what.contains("0xFF"));
        assert!(err(&|b| b[1] = 0xFF).what.contains("end byte before"));
        assert!(err(&|b| b[5] = 0xFF).what.contains("length byte 0xFF"));
        assert!(err(&|b| b[1] = 200).what.contains("past the end"));
        assert!(err(&|b| b[6] = 200).what.contains("past the end"));
        assert!(err(&|b| b[1] = 254).what.contains("past the end"));
        assert!(pairs(&[]).is_err());
        assert!(pairs(&[END]).is_err());
        // A 5-byte length of u32::MAX must not overflow.
        let huge = [1, 254, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, END];
        assert!(pairs(&huge).unwrap_err().what.contains("past the end"));
    }

    #[test]
    fn survives_truncation_and_corruption() {
        let (k, v) = (vec![b'k'; 300], vec![b'v'; 20]);
        for good in [
            build(2, &[(b"foo", b"bar"), (b"hello", b"world")], 0),
            build(3, &[(&k, &v), (b"x", b""), (b"", b"y")], 2),
        ] {
            for cut in 0..good.len() {
                assert!(pairs(&good[..cut]).is_err());
            }
            for at in 0..good.len() {
                for mask in [0x01, 0x02, 0x80, 0xFE, 0xFF] {
                    let mut b = good.clone();
                    b[at] ^= mask;
                    let _ = pairs(&b);
                }
            }
        }
    }
}
