//! Placeholder for the zset type, replaced by its implementation (issue 4).

/// A zset value.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ZSet {}

impl ZSet {
    /// OBJECT ENCODING's name for the value.
    pub fn encoding(&self) -> &'static str {
        "unknown"
    }
}
