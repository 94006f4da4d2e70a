//! TODO: matching labelled values in documents to form fields (owned by the parser work).
use super::document::Document;
use super::{Form, Provenance};

/// Reads the form's fields out of the documents of one message.
pub fn extract(_docs: &[Document]) -> (Form, Provenance) {
    (Form::default(), Provenance::new())
}
