//! Placeholder for the list type, replaced by its implementation (issue 4).

/// A list value.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct List {}

impl List {
    /// OBJECT ENCODING's name for the value.
    pub fn encoding(&self) -> &'static str {
        "unknown"
    }
}
