//! Placeholder for the set type, replaced by its implementation (issue 4).

/// A set value.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Set {}

impl Set {
    /// OBJECT ENCODING's name for the value.
    pub fn encoding(&self) -> &'static str {
        "unknown"
    }
}
