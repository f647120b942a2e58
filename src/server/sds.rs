//! Byte strings for keys: short ones stored inline, long ones on the heap.
//!
//! Mirrors: the role of `sds.c` for keys (Redis stores every key as an
//! sds allocation of its own).
//!
//! Most keys are short (`user:1000`, `key:000000000001`). An [`Sds`] keeps up
//! to [`INLINE_CAP`] bytes inside its own 24 bytes, so such a key costs no
//! allocation of its own and sits in the dictionary entry itself; longer
//! keys take one boxed slice. This is what keeps a keyspace entry at 56
//! bytes (one 64-byte malloc chunk) instead of an entry plus a key
//! allocation, as in Redis.
//!
//! ```text
//!   Inline: [tag][len][ 22 bytes of key .......................]  24 bytes
//!   Heap:   [tag][pad.........][ptr to bytes ][len              ]  24 bytes
//! ```

use std::borrow::Borrow;
use std::fmt;

/// Longest byte string kept inline.
pub const INLINE_CAP: usize = 22;

/// An immutable byte string with inline storage for short values.
#[derive(Clone)]
pub enum Sds {
    Inline { len: u8, buf: [u8; INLINE_CAP] },
    Heap(Box<[u8]>),
}

impl Sds {
    /// A copy of `bytes`.
    pub fn new(bytes: &[u8]) -> Sds {
        if bytes.len() <= INLINE_CAP {
            let mut buf = [0u8; INLINE_CAP];
            buf[..bytes.len()].copy_from_slice(bytes);
            Sds::Inline {
                len: bytes.len() as u8,
                buf,
            }
        } else {
            Sds::Heap(bytes.into())
        }
    }

    /// Takes ownership of `bytes`, keeping its allocation when it is long.
    pub fn from_vec(bytes: Vec<u8>) -> Sds {
        if bytes.len() <= INLINE_CAP {
            Sds::new(&bytes)
        } else {
            Sds::Heap(bytes.into_boxed_slice())
        }
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Sds::Inline { len, buf } => &buf[..usize::from(*len)],
            Sds::Heap(b) => b,
        }
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }

    /// Whether the string is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Heap bytes used beyond the 24 bytes of the value itself.
    pub fn heap_size(&self) -> usize {
        match self {
            Sds::Inline { .. } => 0,
            Sds::Heap(b) => b.len(),
        }
    }
}

impl Borrow<[u8]> for Sds {
    fn borrow(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl AsRef<[u8]> for Sds {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl PartialEq for Sds {
    fn eq(&self, other: &Sds) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Sds {}

impl fmt::Debug for Sds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_heap() {
        assert_eq!(std::mem::size_of::<Sds>(), 24);
        for len in [0, 1, INLINE_CAP, INLINE_CAP + 1, 1000] {
            let bytes: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let s = Sds::new(&bytes);
            assert_eq!(s.as_bytes(), &bytes[..]);
            assert_eq!(matches!(s, Sds::Inline { .. }), len <= INLINE_CAP);
            assert_eq!(Sds::from_vec(bytes.clone()), s);
        }
    }
}
