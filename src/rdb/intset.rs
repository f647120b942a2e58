//! Intsets (`intset.c`): sets of integers, written as RDB type 11.

use super::BlobError;

/// The members of an intset, after checking the encoding (2, 4 or 8), that
/// the length matches the blob size, and that members strictly ascend.
pub fn members(is: &[u8]) -> Result<Vec<i64>, BlobError> {
    let _ = is;
    Err(BlobError::new(0, "intset is not implemented"))
}

/// The intset of `sorted` (ascending, unique), in the narrowest encoding
/// that holds every member.
pub fn encode(sorted: &[i64]) -> Vec<u8> {
    let _ = sorted;
    Vec::new()
}
