//! LZF compression (liblzf's `lzf_compress` / `lzf_decompress`), as Redis
//! uses for strings over 20 bytes in RDB files.
//!
//! Mirrors: `lzf_c.c` (`lzf_compress`) and `lzf_d.c` (`lzf_decompress`),
//! called from `rdb.c` (`rdbSaveLzfStringObject`, `rdbLoadLzfStringObject`).
//!
//! An LZF stream is a sequence of tokens, each starting with a control
//! byte `c`:
//!
//! ```text
//!   c = 000LLLLL                 literal run: the next L+1 bytes (1..32)
//!   c = LLLOOOOO oooooooo        back-reference, L in 1..6: copy L+2 bytes
//!   c = 111OOOOO llllllll oooooooo
//!                                back-reference: copy 7+l+2 bytes (9..264)
//!   copy source = output end - ((OOOOO << 8 | oooooooo) + 1)   (1..8192 back)
//! ```
//!
//! A back-reference may overlap the bytes it produces (offset 1 repeats
//! the last byte), so it has to be copied front to back.
//!
//! The compressor is our own greedy matcher in liblzf's shape: a hash
//! table keyed by the next three bytes remembers where that triple was
//! last seen; when the remembered position holds the same three bytes and
//! lies within 8192 bytes, the match is extended as far as the format
//! allows and emitted as one back-reference, else the byte joins the
//! current literal run. Its output is not byte-identical with liblzf's
//! (the `lzf` crate's is not either): Redis only needs a valid stream,
//! and its decompressor checks the result by length.
//!
//! Deviations from Redis:
//! - liblzf keeps a 2^16-slot table (`HLOG 16`) on the stack and does not
//!   clear it. Safe Rust has to clear what it allocates, and clearing
//!   512 KiB to compress a 21-byte string would dominate the cost of
//!   saving many small values, so the table is sized to the input (a
//!   power of two at least the input length, capped at 2^16 slots). The
//!   ratio is close to liblzf's for small inputs, since a table larger
//!   than the input cannot hold more positions.
//! - `compress` of an empty input returns `None`: liblzf returns 0 there,
//!   which its callers read as "did not compress".

use super::BlobError;

/// The longest literal run one control byte announces (`MAX_LIT`).
const MAX_LIT: usize = 1 << 5;
/// The furthest back a reference can reach (`MAX_OFF`).
const MAX_OFF: usize = 1 << 13;
/// The longest copy one back-reference makes (`MAX_REF`): 7 from the
/// control byte plus 255 from the extra length byte, plus the implied 2.
const MAX_REF: usize = (1 << 8) + (1 << 3);
/// liblzf's `HLOG`: the most bits of hash table index we ever use.
const HLOG: u32 = 16;
/// The least output one byte of LZF input can produce, inverted: a 3-byte
/// long back-reference produces at most 264 bytes, 88 per input byte.
/// Short back-references give at most 8 bytes for 2 (4 per byte), literal
/// runs give less than one byte per byte, and the first token must be a
/// literal (a back-reference needs output behind it). So no stream of `n`
/// bytes expands to more than `n * 88` bytes, and a declared length above
/// that is a lie we can refuse before allocating.
const MAX_EXPANSION: usize = MAX_REF / 3;

/// Compresses `input`; `None` when the result would be longer than
/// `max_out` bytes (Redis asks for at most `len - 4`).
///
/// Mirrors liblzf's `lzf_compress` with Redis's `HLOG 16`: `None` plays
/// the part of its 0 return, also for an empty input. The caller decides
/// whether to try at all (Redis only tries strings over 20 bytes).
pub fn compress(input: &[u8], max_out: usize) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    compress_into(input, max_out, &mut Vec::new(), &mut out).then_some(out)
}

/// [`compress`] into `out` (cleared first), with `table` as the hash
/// table: a saver compressing many strings passes the same two buffers
/// each time, so no call allocates or clears more than its input needs.
/// Returns false where `compress` returns `None`.
pub fn compress_into(
    input: &[u8],
    max_out: usize,
    table: &mut Vec<u32>,
    out: &mut Vec<u8>,
) -> bool {
    out.clear();
    // Positions are stored as u32 (RDB strings compressed here are far
    // below 4 GiB; a longer one is written plain).
    if input.is_empty() || u32::try_from(input.len()).is_err() {
        return false;
    }
    let hlog = input
        .len()
        .next_power_of_two()
        .trailing_zeros()
        .clamp(4, HLOG);
    // Slot values are position + 1; 0 is an empty slot.
    table.clear();
    table.resize(1 << hlog, 0);
    // Never more than max_out; the worst case for incompressible data is
    // one control byte per 32 literals.
    let worst = input.len() + input.len() / MAX_LIT + 1;
    out.reserve(worst.min(max_out));

    let mut lit_start = 0;
    let mut ip: usize = 0;
    while let Some(&[a, b, c]) = input.get(ip..ip.saturating_add(3)) {
        let slot = hash(a, b, c, hlog);
        let Some(e) = table.get_mut(slot) else {
            return false;
        };
        let seen = *e as usize;
        *e = ip as u32 + 1;
        let len = match seen.checked_sub(1) {
            Some(cand) if cand < ip && ip - cand <= MAX_OFF => match_len(input, cand, ip),
            _ => 0,
        };
        if len < 3 {
            ip += 1;
            continue;
        }
        if emit_literals(out, input.get(lit_start..ip).unwrap_or_default(), max_out).is_none()
            || emit_backref(out, ip - seen, len, max_out).is_none()
        {
            return false;
        }
        // Remember the positions inside the match too, so the next match
        // can start from any of them.
        for p in ip + 1..ip + len {
            if let Some(&[a, b, c]) = input.get(p..p.saturating_add(3)) {
                if let Some(e) = table.get_mut(hash(a, b, c, hlog)) {
                    *e = p as u32 + 1;
                }
            }
        }
        ip += len;
        lit_start = ip;
    }
    emit_literals(out, input.get(lit_start..).unwrap_or_default(), max_out).is_some()
}

/// Slot of the triple `a b c` in a table of `2^hlog` slots (Knuth's
/// multiplicative hash: the top bits of the product mix all three bytes).
fn hash(a: u8, b: u8, c: u8, hlog: u32) -> usize {
    let v = u32::from(a) << 16 | u32::from(b) << 8 | u32::from(c);
    (v.wrapping_mul(0x9E37_79B1) >> (32 - hlog)) as usize
}

/// How many bytes from `cand` repeat at `ip` (`cand < ip`), at most
/// `MAX_REF`. The source may run into the bytes being matched, which the
/// decoder's front-to-back copy reproduces.
fn match_len(input: &[u8], cand: usize, ip: usize) -> usize {
    let (Some(src), Some(dst)) = (input.get(cand..), input.get(ip..)) else {
        return 0;
    };
    src.iter()
        .zip(dst)
        .take(MAX_REF)
        .take_while(|(x, y)| x == y)
        .count()
}

/// Appends `lits` as literal runs of at most 32 bytes each.
fn emit_literals(out: &mut Vec<u8>, lits: &[u8], max_out: usize) -> Option<()> {
    for run in lits.chunks(MAX_LIT) {
        if out.len() + 1 + run.len() > max_out {
            return None;
        }
        // A run is 1..=32 bytes, so the control byte is 0..=31.
        out.push((run.len() - 1) as u8);
        out.extend_from_slice(run);
    }
    Some(())
}

/// Appends one back-reference copying `len` (3..=264) bytes from `off + 1`
/// (1..=8192) bytes back.
fn emit_backref(out: &mut Vec<u8>, off: usize, len: usize, max_out: usize) -> Option<()> {
    let l = len - 2;
    let off_hi = (off >> 8) as u8;
    let off_lo = (off & 0xFF) as u8;
    if l < 7 {
        if out.len() + 2 > max_out {
            return None;
        }
        out.extend_from_slice(&[(l as u8) << 5 | off_hi, off_lo]);
    } else {
        if out.len() + 3 > max_out {
            return None;
        }
        out.extend_from_slice(&[7 << 5 | off_hi, (l - 7) as u8, off_lo]);
    }
    Some(())
}

/// Decompresses `input`, which must expand to exactly `out_len` bytes.
/// Refuses an `out_len` no LZF stream of this length can produce before
/// allocating anything.
///
/// Mirrors liblzf's `lzf_decompress` with its bound checks always on, and
/// Redis's rule that a short result is corruption (`rdbLoadLzfStringObject`).
pub fn decompress(input: &[u8], out_len: usize) -> Result<Vec<u8>, BlobError> {
    if out_len > input.len().saturating_mul(MAX_EXPANSION) {
        return Err(BlobError::new(
            0,
            format!(
                "LZF length {out_len} is more than {} input bytes can expand to",
                input.len()
            ),
        ));
    }
    let mut out: Vec<u8> = Vec::with_capacity(out_len);
    let mut ip = 0;
    while let Some(&ctrl) = input.get(ip) {
        let token = ip;
        let ctrl = usize::from(ctrl);
        ip += 1;
        if ctrl < MAX_LIT {
            let run = ctrl + 1;
            let Some(lits) = input.get(ip..ip + run) else {
                return Err(BlobError::new(token, "LZF input ends inside a literal run"));
            };
            if out.len() + run > out_len {
                return Err(BlobError::new(token, "LZF output overruns its length"));
            }
            out.extend_from_slice(lits);
            ip += run;
            continue;
        }
        let mut len = ctrl >> 5;
        if len == 7 {
            let Some(&extra) = input.get(ip) else {
                return Err(BlobError::new(
                    token,
                    "LZF input ends inside a back-reference",
                ));
            };
            len += usize::from(extra);
            ip += 1;
        }
        let len = len + 2;
        let Some(&lo) = input.get(ip) else {
            return Err(BlobError::new(
                token,
                "LZF input ends inside a back-reference",
            ));
        };
        ip += 1;
        let off = ((ctrl & 0x1F) << 8 | usize::from(lo)) + 1;
        let Some(start) = out.len().checked_sub(off) else {
            return Err(BlobError::new(
                token,
                "LZF back-reference before the start of the output",
            ));
        };
        if out.len() + len > out_len {
            return Err(BlobError::new(token, "LZF output overruns its length"));
        }
        // The source may overlap what is being written: the output from
        // `start` on repeats with period `off`, so copying whatever already
        // exists past `start` (which doubles each round) is exact. The
        // range stays inside `out`: `start < out.len()` and `n` is at most
        // `out.len() - start`.
        let mut left = len;
        while left > 0 {
            let n = left.min(out.len() - start);
            out.extend_from_within(start..start + n);
            left -= n;
        }
    }
    if out.len() != out_len {
        return Err(BlobError::new(
            input.len(),
            format!(
                "LZF output is {} bytes, shorter than its length {out_len}",
                out.len()
            ),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdb::hex;
    use crate::server::util::Rng;

    /// Inputs of every flavour: random, small alphabets, runs, text, and
    /// repeats further apart than a back-reference reaches.
    fn samples() -> Vec<Vec<u8>> {
        let mut rng = Rng::new(0x9E37_79B9_7F4A_7C15);
        let mut out = vec![
            vec![b'x'; 100],
            vec![0; 21],
            b"The quick brown fox jumps over the lazy dog. ".repeat(40),
            (0..=255).collect(),
        ];
        for &len in &[
            1, 2, 3, 4, 5, 21, 33, 64, 100, 265, 1000, 8193, 20000, 70000,
        ] {
            let alphabet = [256, 2, 4, 16][rng.below(4)];
            out.push((0..len).map(|_| rng.below(alphabet) as u8).collect());
            out.push((0..len).map(|_| rng.next_u64() as u8).collect());
            let block: Vec<u8> = (0..9000).map(|_| rng.next_u64() as u8).collect();
            out.push(block.iter().cycle().take(len).copied().collect());
        }
        out
    }

    #[test]
    fn decompresses_redis_output() {
        // "x" * 100 as Redis 7.0.15 writes it: c3 09 40 64 <these 9 bytes>.
        let got = decompress(&hex("017878e05700017878"), 100).unwrap();
        assert_eq!(got, vec![b'x'; 100]);

        // SET of this text, DUMP from Redis 7.0.15: c3 40 44 40 69 <bytes>.
        let text = b"The quick brown fox jumps over the lazy dog. The quick brown \
fox jumps over the lazy dog again and again.";
        let lzf = hex(
            "1f54686520717569636b2062726f776e20666f78206a756d7073206f7665722074\
             201e0a6c617a7920646f672e2054200de01e2c0920616761696e20616e64600901\
             6e2e",
        );
        assert_eq!(lzf.len(), 0x44);
        assert_eq!(decompress(&lzf, 0x69).unwrap(), text.to_vec());
    }

    #[test]
    fn compresses_repetitive_input_within_redis_limit() {
        let x = vec![b'x'; 100];
        let c = compress(&x, x.len() - 4).unwrap();
        // One literal, then long back-references at offset 1.
        assert!(c.len() <= 9, "{c:02x?}");
        assert_eq!(decompress(&c, 100).unwrap(), x);
    }

    #[test]
    fn round_trips_every_sample() {
        for data in samples() {
            let c = compress(&data, usize::MAX).unwrap();
            assert!(c.len() <= data.len() + data.len() / 32 + 1);
            assert_eq!(decompress(&c, data.len()).unwrap(), data);
            // Under Redis's limit the answer is either a valid stream that
            // fits or None.
            let limit = data.len().saturating_sub(4);
            if let Some(c) = compress(&data, limit) {
                assert!(c.len() <= limit);
                assert_eq!(decompress(&c, data.len()).unwrap(), data);
            }
        }
    }

    #[test]
    fn gives_up_on_incompressible_input() {
        let mut rng = Rng::new(7);
        let data: Vec<u8> = (0..1000).map(|_| rng.next_u64() as u8).collect();
        assert_eq!(compress(&data, data.len() - 4), None);
        assert_eq!(compress(&[], 100), None);
        assert_eq!(compress(b"abc", 0), None);
    }

    #[test]
    fn reaches_back_exactly_8192_bytes() {
        let mut rng = Rng::new(99);
        let block: Vec<u8> = (0..8192).map(|_| rng.next_u64() as u8).collect();
        let data = [block.as_slice(), block.as_slice()].concat();
        let c = compress(&data, usize::MAX).unwrap();
        assert!(c.len() < 8192 + 8192 / 32 + 200, "{}", c.len());
        assert_eq!(decompress(&c, data.len()).unwrap(), data);
    }

    #[test]
    fn refuses_each_kind_of_bad_stream() {
        let err = |input: &[u8], len| decompress(input, len).unwrap_err();

        let e = err(&[0x20, 0x00], 3);
        assert_eq!((e.offset, e.what.contains("before the start")), (0, true));
        let e = err(&[0x00, b'a', 0x20, 0x01], 4);
        assert_eq!((e.offset, e.what.contains("before the start")), (2, true));
        let e = err(&[0x00, b'a', 0x20, 0x00], 3);
        assert_eq!((e.offset, e.what.contains("overruns")), (2, true));
        let e = err(&[0x01, b'a', b'b'], 1);
        assert_eq!((e.offset, e.what.contains("overruns")), (0, true));
        let e = err(&[0x05, 1, 2], 6);
        assert_eq!((e.offset, e.what.contains("ends inside")), (0, true));
        let e = err(&[0x00, b'a', 0x20], 4);
        assert_eq!((e.offset, e.what.contains("ends inside")), (2, true));
        let e = err(&[0x00, b'a', 0xE0, 0x05], 20);
        assert_eq!((e.offset, e.what.contains("ends inside")), (2, true));
        let e = err(&[0x00, b'a', 0xE0], 20);
        assert_eq!((e.offset, e.what.contains("ends inside")), (2, true));
        let e = err(&[0x00, b'a'], 2);
        assert_eq!((e.offset, e.what.contains("shorter")), (2, true));
        let e = err(&[], 1);
        assert_eq!(e.offset, 0);
        assert_eq!(decompress(&[], 0).unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn refuses_lengths_beyond_the_format_before_allocating() {
        // The densest stream: a 1-byte literal, then 264-byte copies of 3
        // bytes each. It must load, and one byte more must be refused.
        let mut s = vec![0x00, b'z'];
        for _ in 0..1000 {
            s.extend_from_slice(&[0xE0, 0xFF, 0x00]);
        }
        let n = 1 + 264 * 1000;
        assert_eq!(decompress(&s, n).unwrap(), vec![b'z'; n]);
        assert!(n <= s.len() * MAX_EXPANSION);

        let e = decompress(&[0x00, b'a'], 177).unwrap_err();
        assert!(e.what.contains("can expand to"), "{e}");
        assert!(decompress(&[0x00, b'a'], 176)
            .unwrap_err()
            .what
            .contains("shorter"));
        let e = decompress(&s, usize::MAX).unwrap_err();
        assert!(e.what.contains("can expand to"), "{e}");
    }

    #[test]
    fn survives_truncation_and_bit_flips() {
        let mut rng = Rng::new(0xC0FFEE);
        for data in samples().iter().filter(|d| d.len() <= 20000) {
            let c = compress(data, usize::MAX).unwrap();
            // Every token yields output, so a cut stream is always short.
            for cut in 0..c.len() {
                assert!(decompress(&c[..cut], data.len()).is_err());
            }
            let step = (c.len() / 300).max(1);
            for at in (0..c.len()).step_by(step) {
                for mask in [0x01, 0x20, 0x80, 0xFF, rng.next_u64() as u8 | 1] {
                    let mut bad = c.clone();
                    bad[at] ^= mask;
                    if let Ok(out) = decompress(&bad, data.len()) {
                        assert_eq!(out.len(), data.len());
                    }
                }
            }
        }
    }
}
