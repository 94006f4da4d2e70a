//! HTML bodies and `.htm` files: paragraphs become `Text` blocks (one per
//! line: `<br>` splits lines), tables become `Table` blocks.
//!
//! Presentation is normalised as for every reader: struck-through text
//! (`<s>`, `<strike>`, `<del>`, inline `text-decoration: line-through`) is
//! removed, as are hidden elements (`display:none`, `mso-hide:all`,
//! `visibility:hidden`, `hidden`), `<head>`, `<style>`, `<script>` and
//! comments (Outlook's conditional comments included); entities are decoded;
//! whitespace collapses as in a browser; `<input type=checkbox>` and
//! Wingdings boxes become `☒`/`☐`.
//!
//! Tables: each `<td>`/`<th>` is one cell whatever its `colspan`; `<br>` and
//! paragraphs inside a cell become `\n`. A table used for layout (one column
//! only, or holding another table) is not a table of values: its content is
//! read as if the table were not there, so the form table inside an email
//! template is found as it is. A table nested in a cell of a real table is
//! emitted as its own `Table` block right after the outer table, and its
//! text is not part of the outer cell.
//!
//! Nesting deeper than any mail client writes (hundreds of levels) is read
//! as flat text, one line per run between tags, because building a DOM for
//! it takes quadratic time.
//!
//! Earlier messages: every block is labelled with the [`Part`] of the email
//! it came from (see [`read_split`]). [`read`] keeps what the sender wrote
//! and explicitly forwarded messages, and drops quoted replies and Outlook
//! header blocks whose direction it cannot know.

mod flat;
mod line;
mod quote;
mod style;
mod walk;

pub use quote::is_forward_subject;

use crate::form::document::{Block, Document};

/// Which message of a thread a block belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// Written by the sender of this email.
    New,
    /// A message forwarded by a marker that says so (Gmail's `----------
    /// Forwarded message ---------`, Apple Mail's `Begin forwarded message:`,
    /// Thunderbird's forward container): the form may well be here.
    Forwarded,
    /// An earlier message quoted in a reply (`<blockquote type="cite">`, a
    /// Gmail quote with `On … wrote:`): never new answers.
    Quoted,
    /// Below an Outlook header block (`From:` … `Sent:` …, the
    /// `divRplyFwdMsg` or `border-top` header, `-----Original Message-----`).
    /// Outlook writes the same block for replies and forwards; only the
    /// subject of the email (`FW:` or `RE:`) tells them apart.
    Unlabelled,
}

/// An HTML body read into blocks, each with the part of the thread it came
/// from, in reading order. The header lines of forwarded and quoted
/// messages (`From:`, `Sent:`, `To:`, `Subject:`…) are left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Split {
    pub source: String,
    pub blocks: Vec<(Part, Block)>,
}

impl Split {
    /// The blocks of the parts `keep` accepts, in order.
    pub fn document(&self, keep: impl Fn(Part) -> bool) -> Document {
        let mut doc = Document::new(self.source.clone());
        doc.blocks = self
            .blocks
            .iter()
            .filter(|(part, _)| keep(*part))
            .map(|(_, block)| block.clone())
            .collect();
        doc
    }

    /// What the email says now: new text and forwarded messages, plus the
    /// Outlook-style header sections when the email is itself a forward (pass
    /// [`is_forward_subject`] of its subject).
    pub fn current(&self, email_is_forward: bool) -> Document {
        self.document(|part| match part {
            Part::New | Part::Forwarded => true,
            Part::Unlabelled => email_is_forward,
            Part::Quoted => false,
        })
    }

    /// True when some block came from `part`.
    pub fn has(&self, part: Part) -> bool {
        self.blocks.iter().any(|(p, _)| *p == part)
    }
}

/// Reads an HTML body or file: new text and explicitly forwarded messages.
/// Quoted replies and sections below an Outlook `From:`/`Sent:` header are
/// dropped; a caller that knows the subject should use [`read_split`] and
/// [`Split::current`] so that Outlook forwards (`FW:`) are read too.
pub fn read(source: &str, html: &str) -> Document {
    read_split(source, html).current(false)
}

/// Reads an HTML body or file, labelling every block with its [`Part`].
pub fn read_split(source: &str, html: &str) -> Split {
    let blocks = if flat::too_deep(html) {
        flat::lines(html)
            .into_iter()
            .enumerate()
            .map(|(i, text)| {
                let place = format!("paragraph {}", i + 1);
                (Part::New, Block::Text { text, place })
            })
            .collect()
    } else {
        walk::walk(&scraper::Html::parse_document(html))
    };
    Split {
        source: source.to_string(),
        blocks,
    }
}

/// Decodes an HTML file's bytes: a byte-order mark wins, then a `charset`
/// in the first kilobyte (`<meta charset>` or `http-equiv`), else UTF-8.
/// Undecodable bytes become U+FFFD.
pub fn decode(bytes: &[u8]) -> String {
    let encoding = encoding_rs::Encoding::for_bom(bytes)
        .map(|(enc, _)| enc)
        .or_else(|| declared_charset(bytes.get(..1024).unwrap_or(bytes)))
        .unwrap_or(encoding_rs::UTF_8);
    let (text, _, _) = encoding.decode(bytes);
    text.into_owned()
}

fn declared_charset(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let lower = head.to_ascii_lowercase();
    let at = lower.windows(8).position(|w| w == b"charset=")? + 8;
    let rest = lower.get(at..)?;
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.')))
        .unwrap_or(rest.len());
    encoding_rs::Encoding::for_label(rest.get(..end)?)
}

#[cfg(test)]
mod tests;
