//! Placeholder for the hash type, replaced by its implementation (issue 4).

/// A hash value.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Hash {}

impl Hash {
    /// OBJECT ENCODING's name for the value.
    pub fn encoding(&self) -> &'static str {
        "unknown"
    }
}
