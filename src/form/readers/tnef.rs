//! TODO reader: TNEF `winmail.dat` (owned by the readers work).
use super::{Limits, ReadError};

/// A file carried inside a TNEF container.
#[derive(Clone, Debug, PartialEq)]
pub struct Packed {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// Takes the attachments out of a `winmail.dat`.
pub fn unpack(_bytes: &[u8], _limits: &Limits) -> Result<Vec<Packed>, ReadError> {
    Ok(Vec::new())
}
