//! Listpacks (`listpack.c`): how Redis 7.0 stores small hashes, small
//! sorted sets and list nodes, and how RDB version 10 writes them.

use std::borrow::Cow;

use super::BlobError;

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
pub fn entries(lp: &[u8]) -> Result<Vec<Entry<'_>>, BlobError> {
    let _ = lp;
    Err(BlobError::new(0, "listpack is not implemented"))
}

/// Builds a listpack the way Redis encodes each element.
#[derive(Debug, Default)]
pub struct Writer {
    buf: Vec<u8>,
    count: usize,
}

impl Writer {
    /// An empty listpack.
    pub fn new() -> Writer {
        Writer::default()
    }

    /// Appends an element: as an integer when it reads as one under
    /// Redis's strict rules (`lpStringToInt64`), else as a string.
    pub fn push(&mut self, data: &[u8]) {
        let _ = data;
        self.count += 1;
    }

    /// Appends an integer element in its smallest encoding.
    pub fn push_int(&mut self, n: i64) {
        let _ = n;
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

    /// The finished blob: header, entries, end byte.
    pub fn finish(self) -> Vec<u8> {
        self.buf
    }
}
