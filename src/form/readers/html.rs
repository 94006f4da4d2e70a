//! TODO reader: html
use crate::form::document::Document;

/// Reads an HTML body or file.
pub fn read(source: &str, _html: &str) -> Document {
    Document::new(source)
}
