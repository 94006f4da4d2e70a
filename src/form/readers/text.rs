//! Plain text (a `text/plain` body or a `.txt` file): one block per line.

use crate::form::document::Document;

/// Reads text into one `Text` block per non-empty line (`line N`).
pub fn read(source: &str, text: &str) -> Document {
    let mut doc = Document::new(source);
    for (i, line) in text.lines().enumerate() {
        doc.push_text(
            line.replace('\u{a0}', " ").trim_end(),
            format!("line {}", i + 1),
        );
    }
    doc
}
