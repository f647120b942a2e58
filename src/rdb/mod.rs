//! The RDB format: Redis's snapshot file and the payload of DUMP/RESTORE.
//!
//! Mirrors: `rdb.c` and `rdb.h` (the encoder and decoder), with the blob
//! layouts Redis embeds in RDB strings: `listpack.c`, `ziplist.c`,
//! `intset.c`, `zipmap.c`, and `lzf_c.c` / `lzf_d.c`.
//!
//! Everything here is pure code over byte slices and `Read`/`Write`: no
//! event loop, no sockets, no clock. The server decides when to save and
//! where the bytes go (`server::persistence`).
//!
//! ```text
//!   lzf        LZF compression of long strings
//!   listpack   listpack blobs (hashes, sorted sets, list nodes)
//!   ziplist    ziplist blobs (load only: RDB versions before 10)
//!   intset     intset blobs (sets of integers)
//!   zipmap     zipmap blobs (load only: hashes of RDB versions before 4)
//! ```

pub mod file;
pub mod intset;
pub mod io;
pub mod listpack;
pub mod lzf;
pub mod value;
pub mod ziplist;
pub mod zipmap;

use std::fmt;

/// Why a file or payload could not be read or written.
#[derive(Debug)]
pub enum Error {
    /// The file system or socket failed.
    Io(std::io::Error),
    /// The bytes are not a valid RDB: what is wrong and at which byte
    /// offset of the file (or payload) the faulty item starts.
    Corrupt { offset: u64, what: String },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => write!(f, "{e}"),
            Error::Corrupt { offset, what } => write!(f, "{what} (at offset {offset})"),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::Io(e)
    }
}

/// A fault inside one blob (an LZF stream, listpack, ziplist, intset or
/// zipmap): what is wrong and at which byte of the blob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobError {
    /// Byte offset inside the blob where the fault was found.
    pub offset: usize,
    /// What is wrong, for the log line.
    pub what: String,
}

impl BlobError {
    /// A fault at `offset`.
    pub fn new(offset: usize, what: impl Into<String>) -> BlobError {
        BlobError {
            offset,
            what: what.into(),
        }
    }
}

/// The little-endian u32 at `at`, if the blob holds it.
pub(crate) fn le_u32(blob: &[u8], at: usize) -> Option<u32> {
    let b = blob.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes(b.try_into().ok()?))
}

/// Checks the framing listpacks and ziplists share: the header's byte
/// count (`total`) equals the blob's length, and the blob ends with 0xFF
/// after a header of `header` bytes. Returns everything before the end
/// byte, header included.
pub(crate) fn framed_body<'a>(
    blob: &'a [u8],
    total: u32,
    header: usize,
    kind: &str,
) -> Result<&'a [u8], BlobError> {
    if usize::try_from(total).ok() != Some(blob.len()) {
        return Err(BlobError::new(
            0,
            format!(
                "{kind} header says {total} bytes but the blob has {}",
                blob.len()
            ),
        ));
    }
    match blob.split_last() {
        Some((&0xFF, body)) if body.len() >= header => Ok(body),
        _ => Err(BlobError::new(
            blob.len().saturating_sub(1),
            format!("{kind} does not end with 0xFF"),
        )),
    }
}

/// How many entries to reserve for a listpack or ziplist `body` (as
/// [`framed_body`] returned it) whose header claims `count`, or `unknown`
/// (the "walk to count" value). Every entry takes at least two bytes, so a
/// lying count cannot reserve more than the blob could hold.
pub(crate) fn entries_capacity(body: &[u8], header: usize, count: u16, unknown: u16) -> usize {
    let most = body.len().saturating_sub(header) / 2;
    if count == unknown {
        most.min(1024)
    } else {
        most.min(usize::from(count))
    }
}

/// Bytes from a hex string, for tests that paste what Redis wrote.
#[cfg(test)]
pub(crate) fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .filter_map(|i| s.get(i..i + 2))
        .map(|b| u8::from_str_radix(b, 16).expect("test hex is valid"))
        .collect()
}

impl fmt::Display for BlobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {} of the blob", self.what, self.offset)
    }
}
