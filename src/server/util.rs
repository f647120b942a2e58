//! Small helpers shared by commands.
//!
//! Mirrors: `util.c` (`stringmatchlen`) and the role of `mt19937-64.c` /
//! `random()` (a fast non-cryptographic generator for sampling). Also the
//! varint length-prefixed strings that t_hash's and t_zset's packed
//! (listpack) encodings are made of.

/// Glob matching as Redis does it for KEYS, SCAN MATCH, CONFIG GET and
/// COMMAND LIST (`stringmatchlen`): `*` any run, `?` one byte, `[abc]`,
/// `[^abc]`, `[a-z]` classes, and `\x` for a literal `x`.
pub fn glob_match(pattern: &[u8], string: &[u8], nocase: bool) -> bool {
    let eq = |a: u8, b: u8| {
        if nocase {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    let (mut p, mut s) = (0usize, 0usize);
    // Where to resume after the last `*`: (pattern index, string index).
    let mut star: Option<(usize, usize)> = None;
    loop {
        if p < pattern.len() {
            match pattern[p] {
                b'*' => {
                    while p < pattern.len() && pattern[p] == b'*' {
                        p += 1;
                    }
                    if p == pattern.len() {
                        return true;
                    }
                    star = Some((p, s));
                    continue;
                }
                b'?' if s < string.len() => {
                    p += 1;
                    s += 1;
                    continue;
                }
                b'[' if s < string.len() => {
                    if let Some((matched, next)) = match_class(pattern, p, string[s], nocase) {
                        if matched {
                            p = next;
                            s += 1;
                            continue;
                        }
                    }
                }
                b'\\'
                    if p + 1 < pattern.len()
                        && s < string.len()
                        && eq(pattern[p + 1], string[s]) =>
                {
                    p += 2;
                    s += 1;
                    continue;
                }
                c if s < string.len()
                    && c != b'?'
                    && c != b'['
                    && (c != b'\\' || p + 1 == pattern.len())
                    && eq(c, string[s]) =>
                {
                    p += 1;
                    s += 1;
                    continue;
                }
                _ => {}
            }
        } else if s == string.len() {
            return true;
        }
        // Mismatch: let the last `*` swallow one more byte.
        match star {
            Some((sp, ss)) if ss < string.len() => {
                star = Some((sp, ss + 1));
                p = sp;
                s = ss + 1;
            }
            _ => return false,
        }
    }
}

/// Matches `c` against the class starting at `pattern[start] == b'['`;
/// returns whether it matched and the index after the class. An unclosed
/// class runs to the end of the pattern, as in Redis.
fn match_class(pattern: &[u8], start: usize, c: u8, nocase: bool) -> Option<(bool, usize)> {
    let lower = |b: u8| if nocase { b.to_ascii_lowercase() } else { b };
    let mut i = start + 1;
    let negate = pattern.get(i) == Some(&b'^');
    if negate {
        i += 1;
    }
    let mut matched = false;
    while i < pattern.len() && pattern[i] != b']' {
        if pattern[i] == b'\\' && i + 1 < pattern.len() {
            i += 1;
            if lower(pattern[i]) == lower(c) {
                matched = true;
            }
        } else if i + 2 < pattern.len() && pattern[i + 1] == b'-' {
            let (mut lo, mut hi) = (lower(pattern[i]), lower(pattern[i + 2]));
            if lo > hi {
                std::mem::swap(&mut lo, &mut hi);
            }
            if (lo..=hi).contains(&lower(c)) {
                matched = true;
            }
            i += 2;
        } else if lower(pattern[i]) == lower(c) {
            matched = true;
        }
        i += 1;
    }
    // Skip the closing bracket if there is one.
    let next = if i < pattern.len() { i + 1 } else { i };
    Some((matched != negate, next))
}

/// A hasher for keys that are already well spread integers, such as the
/// addresses of static command specs: one multiply, no SipHash.
#[derive(Default, Clone, Copy)]
pub struct IntHasher(u64);

impl std::hash::Hasher for IntHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// Builds [`IntHasher`]s for a `HashMap`.
pub type IntHashBuilder = std::hash::BuildHasherDefault<IntHasher>;

/// A small fast pseudo-random generator (xorshift64*) for sampling keys:
/// RANDOMKEY, the expiry cycle, SPOP and friends. Not for secrets.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (any value; zero is replaced).
    pub fn new(seed: u64) -> Rng {
        Rng(if seed == 0 {
            0x9e37_79b9_7f4a_7c15
        } else {
            seed
        })
    }

    /// A generator seeded from the clock and the process id.
    pub fn from_entropy() -> Rng {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Rng::new(nanos ^ (u64::from(std::process::id()) << 32))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
}

// ---------------------------------------------------------------------------
// Length-prefixed strings, the building block of the compact (listpack)
// encodings of hashes and sorted sets

/// Appends `n` as a LEB128 varint.
pub fn write_len(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Bytes taken by `n` as a varint.
pub fn len_size(mut n: usize) -> usize {
    let mut size = 1;
    while n >= 0x80 {
        n >>= 7;
        size += 1;
    }
    size
}

/// The varint (as [`write_len`] wrote it) starting at `pos`: its value and
/// the position after it, or `None` past the end or on overflow.
pub fn read_len(buf: &[u8], mut pos: usize) -> Option<(usize, usize)> {
    let mut n: usize = 0;
    let mut shift = 0;
    loop {
        let byte = *buf.get(pos)?;
        pos += 1;
        n |= usize::from(byte & 0x7f).checked_shl(shift)?;
        if byte & 0x80 == 0 {
            return Some((n, pos));
        }
        shift += 7;
    }
}

/// The length-prefixed string starting at `pos` (as [`write_len`] and
/// the bytes wrote it): its bytes' range, or `None` past the end.
pub fn read_entry(buf: &[u8], pos: usize) -> Option<(usize, usize)> {
    let (n, pos) = read_len(buf, pos)?;
    let end = pos.checked_add(n)?;
    (end <= buf.len()).then_some((pos, end))
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        let m = |p: &str, s: &str| glob_match(p.as_bytes(), s.as_bytes(), false);
        assert!(m("*", ""));
        assert!(m("h?llo", "hello"));
        assert!(m("h*llo", "heeeello"));
        assert!(m("h[ae]llo", "hallo"));
        assert!(!m("h[ae]llo", "hillo"));
        assert!(m("h[^e]llo", "hallo"));
        assert!(!m("h[^e]llo", "hello"));
        assert!(m("h[a-b]llo", "hbllo"));
        assert!(m("h\\*llo", "h*llo"));
        assert!(!m("h\\*llo", "hello"));
        assert!(
            !m("a\\b", "a\\"),
            "a failed escape is not a literal backslash"
        );
        assert!(m("a\\", "a\\"), "a trailing backslash matches itself");
        assert!(m("con*", "config|get"));
        assert!(m("*|get", "config|get"));
        assert!(!m("a*b", "acd"));
        assert!(m("a*b*c", "aXbYbZc"));
        assert!(glob_match(b"PING", b"ping", true));
        assert!(!glob_match(b"PING", b"ping", false));
    }
}
