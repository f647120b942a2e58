//! Intsets (`intset.c`): sets of integers, written as RDB type 11.
//!
//! Mirrors: `intset.c` (`intsetValidateIntegrity`, `_intsetValueEncoding`,
//! `intsetAdd`'s layout).
//!
//! ```text
//!   +----------+--------+----------+----------+-----+
//!   | encoding | length | member 0 | member 1 | ... |   members ascending,
//!   | u32 LE   | u32 LE | encoding bytes each, LE   |   unique
//!   +----------+--------+----------+----------+-----+
//! ```
//!
//! Redis never narrows an intset's encoding when members leave, so a
//! loaded blob may be wider than its members need; the reader accepts
//! that. The writer always picks the narrowest width, as a fresh intset
//! built from the same members would have.
//!
//! Deviations from Redis: an intset of no members is returned as an
//! empty vector rather than refused; the loader decides about empty keys.

use super::BlobError;

/// Header size: encoding and length, both u32.
const HDR_SIZE: usize = 8;

/// The members of an intset, after checking the encoding (2, 4 or 8), that
/// the length matches the blob size, and that members strictly ascend.
///
/// Mirrors `intsetValidateIntegrity` with `deep` set.
pub fn members(is: &[u8]) -> Result<Vec<i64>, BlobError> {
    let (Some(&[e0, e1, e2, e3]), Some(&[l0, l1, l2, l3])) = (is.get(0..4), is.get(4..8)) else {
        return Err(BlobError::new(0, "intset shorter than its header"));
    };
    let width = match u32::from_le_bytes([e0, e1, e2, e3]) {
        w @ (2 | 4 | 8) => w as usize,
        w => {
            return Err(BlobError::new(
                0,
                format!("intset encoding {w} is not 2, 4 or 8"),
            ))
        }
    };
    let length = u32::from_le_bytes([l0, l1, l2, l3]);
    let size = usize::try_from(length)
        .ok()
        .and_then(|n| n.checked_mul(width))
        .and_then(|n| n.checked_add(HDR_SIZE));
    if size != Some(is.len()) {
        return Err(BlobError::new(
            4,
            format!(
                "intset of {length} members of {width} bytes does not fit a blob of {} bytes",
                is.len()
            ),
        ));
    }
    let data = is.get(HDR_SIZE..).unwrap_or_default();
    // The size check above bounds the count by the blob length.
    let mut out: Vec<i64> = Vec::with_capacity(data.len() / width);
    for (i, m) in data.chunks_exact(width).enumerate() {
        let v = match *m {
            [a, b] => i64::from(i16::from_le_bytes([a, b])),
            [a, b, c, d] => i64::from(i32::from_le_bytes([a, b, c, d])),
            [a, b, c, d, e, f, g, h] => i64::from_le_bytes([a, b, c, d, e, f, g, h]),
            _ => 0,
        };
        if out.last().is_some_and(|&prev| prev >= v) {
            return Err(BlobError::new(
                HDR_SIZE + i * width,
                "intset members are not strictly ascending",
            ));
        }
        out.push(v);
    }
    Ok(out)
}

/// The intset of `sorted` (ascending, unique), in the narrowest encoding
/// that holds every member.
///
/// Mirrors what `intsetAdd` builds (`_intsetValueEncoding` on the
/// extremes). The order is not checked: the caller owns the set and
/// hands it over sorted. Redis caps intsets far below the u32 length
/// (`set-max-intset-entries`), and so must the caller.
pub fn encode(sorted: &[i64]) -> Vec<u8> {
    let fits = |lo: i64, hi: i64| sorted.iter().all(|v| (lo..=hi).contains(v));
    let width: usize = if fits(i16::MIN.into(), i16::MAX.into()) {
        2
    } else if fits(i32::MIN.into(), i32::MAX.into()) {
        4
    } else {
        8
    };
    let mut out = Vec::with_capacity(HDR_SIZE.saturating_add(sorted.len().saturating_mul(width)));
    out.extend_from_slice(&(width as u32).to_le_bytes());
    out.extend_from_slice(
        &u32::try_from(sorted.len())
            .unwrap_or(u32::MAX)
            .to_le_bytes(),
    );
    for v in sorted {
        out.extend(v.to_le_bytes().iter().take(width));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdb::hex;
    use crate::rdb::lzf;

    #[test]
    fn matches_redis_dump_bodies() {
        // SADD si 1 2 -5 100000 (spec §7): 0b 18 <this>.
        let si = hex("0400000004000000fbffffff0100000002000000a0860100");
        assert_eq!(members(&si).unwrap(), [-5, 1, 2, 100000]);
        assert_eq!(encode(&[-5, 1, 2, 100000]), si);

        // From redis-server 7.0.15: SADD s16 1 2 -5 32767 -32768, SADD s32
        // 1 -2147483648 2147483647 (DUMP: 0b <len> <this> 0a 00 <crc>).
        let s16 = hex("02000000050000000080fbff01000200ff7f");
        assert_eq!(members(&s16).unwrap(), [-32768, -5, 1, 2, 32767]);
        assert_eq!(encode(&[-32768, -5, 1, 2, 32767]), s16);
        let s32 = hex("04000000030000000000008001000000ffffff7f");
        let want = [i32::MIN.into(), 1, i32::MAX.into()];
        assert_eq!(members(&s32).unwrap(), want);
        assert_eq!(encode(&want), s32);

        // SADD s64 5 <i64 min> <i64 max>: Redis wrote it LZF-compressed,
        // 0b c3 16 20 <22 bytes>.
        let lzf = hex("0408000000032003a000018005a00800ff600001ff7f");
        let s64 = lzf::decompress(&lzf, 0x20).unwrap();
        let want = [i64::MIN, 5, i64::MAX];
        assert_eq!(members(&s64).unwrap(), want);
        assert_eq!(encode(&want), s64);
    }

    #[test]
    fn picks_the_narrowest_width_at_every_edge() {
        let i16_max = i64::from(i16::MAX);
        let i16_min = i64::from(i16::MIN);
        let i32_max = i64::from(i32::MAX);
        let i32_min = i64::from(i32::MIN);
        for (set, width) in [
            (vec![], 2),
            (vec![0], 2),
            (vec![i16_min, i16_max], 2),
            (vec![i16_min - 1], 4),
            (vec![i16_max + 1], 4),
            (vec![i32_min, 0, i32_max], 4),
            (vec![i32_min - 1], 8),
            (vec![i32_max + 1], 8),
            (vec![i64::MIN, i64::MAX], 8),
        ] {
            let blob = encode(&set);
            assert_eq!(blob[0] as usize, width, "{set:?}");
            assert_eq!(blob.len(), 8 + width * set.len());
            assert_eq!(members(&blob).unwrap(), set);
        }
    }

    #[test]
    fn accepts_a_wider_encoding_than_needed() {
        // Redis never narrows after SREM, so 1 and 2 may sit in 8 bytes.
        let mut blob = hex("0800000002000000");
        blob.extend_from_slice(&1i64.to_le_bytes());
        blob.extend_from_slice(&2i64.to_le_bytes());
        assert_eq!(members(&blob).unwrap(), [1, 2]);
    }

    #[test]
    fn refuses_specific_lies() {
        let good = encode(&[1, 2, 3]);
        let err = |f: &dyn Fn(&mut Vec<u8>)| {
            let mut b = good.clone();
            f(&mut b);
            members(&b).unwrap_err()
        };
        assert!(err(&|b| b[0] = 3).what.contains("encoding"));
        assert!(err(&|b| b[0] = 0).what.contains("encoding"));
        assert!(err(&|b| b[4] = 4).what.contains("does not fit"));
        assert!(err(&|b| b[4] = 2).what.contains("does not fit"));
        assert!(err(&|b| b.push(0)).what.contains("does not fit"));
        let e = err(&|b| b.swap(8, 10));
        assert_eq!((e.offset, e.what.contains("ascending")), (10, true));
        let e = err(&|b| b[12] = 2);
        assert_eq!((e.offset, e.what.contains("ascending")), (12, true));
        // length * encoding must not overflow on its way to the check.
        let huge = hex("08000000ffffffff");
        assert!(members(&huge).unwrap_err().what.contains("does not fit"));
        assert!(members(&[]).is_err());
        assert!(members(&[2, 0, 0, 0, 0, 0, 0]).is_err());
    }

    #[test]
    fn survives_truncation_and_corruption() {
        for set in [
            vec![-5, 1, 2, 100000],
            vec![i64::MIN, 0, i64::MAX],
            vec![1, 2, 3],
        ] {
            let good = encode(&set);
            for cut in 0..good.len() {
                assert!(members(&good[..cut]).is_err());
            }
            for at in 0..good.len() {
                for mask in [0x01, 0x02, 0x04, 0x80, 0xFF] {
                    let mut b = good.clone();
                    b[at] ^= mask;
                    if let Ok(got) = members(&b) {
                        assert!(got.windows(2).all(|w| w[0] < w[1]));
                    }
                }
            }
        }
    }
}
