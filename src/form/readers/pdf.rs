//! TODO reader: pdf (owned by the readers work).
use super::{Limits, ReadError};
use crate::form::document::Document;

/// Reads a pdf file.
pub fn read(name: &str, _bytes: &[u8], _limits: &Limits) -> Result<Document, ReadError> {
    Ok(Document::new(name))
}
