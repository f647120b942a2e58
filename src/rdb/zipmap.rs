//! Zipmaps (`zipmap.c`), the small-hash blob of RDB versions before 4;
//! load only.

use super::BlobError;

/// A field and its value, borrowed from the blob.
pub type Pair<'a> = (&'a [u8], &'a [u8]);

/// The field/value pairs of a zipmap, after checking every length stays
/// inside the blob and the end byte is last.
pub fn pairs(zm: &[u8]) -> Result<Vec<Pair<'_>>, BlobError> {
    let _ = zm;
    Err(BlobError::new(0, "zipmap is not implemented"))
}
