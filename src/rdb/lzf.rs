//! LZF compression (liblzf's `lzf_compress` / `lzf_decompress`), as Redis
//! uses for strings over 20 bytes in RDB files.

use super::BlobError;

/// Compresses `input`; `None` when the result would be longer than
/// `max_out` bytes (Redis asks for at most `len - 4`).
pub fn compress(input: &[u8], max_out: usize) -> Option<Vec<u8>> {
    let _ = (input, max_out);
    None
}

/// Decompresses `input`, which must expand to exactly `out_len` bytes.
/// Refuses an `out_len` no LZF stream of this length can produce before
/// allocating anything.
pub fn decompress(input: &[u8], out_len: usize) -> Result<Vec<u8>, BlobError> {
    let _ = (input, out_len);
    Err(BlobError::new(0, "LZF is not implemented"))
}
