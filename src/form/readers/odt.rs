//! TODO reader: odt (owned by the readers work).
use super::{Limits, ReadError};
use crate::form::document::Document;

/// Reads a odt file.
pub fn read(name: &str, _bytes: &[u8], _limits: &Limits) -> Result<Document, ReadError> {
    Ok(Document::new(name))
}
