//! Ziplists (`ziplist.c`), which RDB versions before 10 hold; load only.

use super::listpack::Entry;
use super::BlobError;

/// Every entry of a ziplist, after checking the whole blob (header byte
/// count and tail offset, each entry inside the blob, each prevlen equal to
/// the previous entry's size, the end byte last, the count when known).
pub fn entries(zl: &[u8]) -> Result<Vec<Entry<'_>>, BlobError> {
    let _ = zl;
    Err(BlobError::new(0, "ziplist is not implemented"))
}
