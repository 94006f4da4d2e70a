//! Text-based PDFs: characters with their positions (pdf-extract's content
//! interpreter over lopdf) rebuilt into lines and, where a page has columns,
//! tables (see [`layout`]). Simple PDFs, whose text is all in the standard
//! 14 fonts, are read by a faster interpreter of our own ([`fast`]) that
//! gives exactly the same characters.
//!
//! Refused: encrypted PDFs that need a password ([`ReadError::Encrypted`];
//! a PDF locked only against editing opens with the empty password and is
//! read), PDFs with no text at all such as scans ([`ReadError::NoText`]),
//! damaged files ([`ReadError::Corrupt`], including any panic inside the PDF
//! libraries, which are known to panic on hostile input). Only the first
//! `max_pdf_pages` pages are read; reading stops with
//! [`ReadError::TooLarge`] once `max_millis_per_attachment` has passed while
//! drawing text. Loading and decompressing the file happen before the clock
//! can be checked, so every stream is first inflated once under
//! `max_pdf_stream_bytes` and `max_unzipped_bytes` ([`streams`]), and a
//! file with more than `max_pdf_objects` objects is refused before lopdf
//! spends time on them ([`objects`]).

mod fast;
mod fields;
mod glyphs;
mod layout;
mod nesting;
mod objects;
mod std14;
mod streams;

use super::{Limits, ReadError};
use crate::form::document::Document;
use glyphs::Collector;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

/// Reads a PDF file.
pub fn read(name: &str, bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    let deadline = Instant::now() + Duration::from_millis(limits.max_millis_per_attachment);
    let (pages, unplaced) = catch_unwind(AssertUnwindSafe(|| collect(bytes, limits, deadline)))
        .map_err(|_| {
        ReadError::Corrupt("the PDF's structure could not be understood".into())
    })??;
    if pages.iter().flatten().all(glyphs::Glyph::is_blank) {
        return Err(ReadError::NoText);
    }
    let mut doc = Document::new(name);
    // Layout is our own code and cannot panic, but it runs on hostile
    // numbers, so it is guarded the same way.
    catch_unwind(AssertUnwindSafe(|| {
        for (i, page) in pages.iter().enumerate() {
            layout::push_page(&mut doc, i + 1, page);
        }
        for (n, field) in unplaced.iter().enumerate() {
            doc.push_text(
                format!("{}: {}", field.name, field.value),
                format!("form field {}", n + 1),
            );
        }
        doc
    }))
    .map_err(|_| ReadError::Corrupt("the PDF's text could not be laid out".into()))
}

/// The glyphs of the first pages, one list per page read, with the filled
/// form fields drawn in; and the fields that had no place on them.
fn collect(
    bytes: &[u8],
    limits: &Limits,
    deadline: Instant,
) -> Result<(Vec<Vec<glyphs::Glyph>>, Vec<fields::Unplaced>), ReadError> {
    if !bytes.starts_with(b"%PDF")
        && !bytes
            .get(..1024)
            .unwrap_or(bytes)
            .windows(5)
            .any(|w| w == b"%PDF-")
    {
        return Err(ReadError::Corrupt("it is not a PDF file".into()));
    }
    if nesting::too_deep(bytes, nesting::MAX_NESTING) {
        return Err(too_deep());
    }
    objects::check(bytes, limits)?;
    streams::check(bytes, limits)?;
    let doc = pdf_extract::Document::load_mem(bytes).map_err(load_error)?;
    if doc.is_encrypted() && doc.encryption_state.is_none() {
        return Err(ReadError::Encrypted);
    }
    let pages: Vec<(u32, pdf_extract::ObjectId)> = doc
        .get_pages()
        .into_iter()
        .take(limits.max_pdf_pages)
        .collect();
    if pages.is_empty() {
        return Err(ReadError::Corrupt("it has no pages".into()));
    }
    // Simple PDFs (standard fonts only) skip pdf-extract; anything else
    // falls back to it for the whole document.
    let ids: Vec<_> = pages.iter().map(|(_, id)| *id).collect();
    let mut glyphs = match fast::collect(&doc, &ids, deadline) {
        Some(collector) if collector.timed_out => return Err(too_slow(limits)),
        Some(collector) => collector.pages,
        None => {
            let page_numbers: Vec<u32> = pages.iter().map(|(n, _)| *n).collect();
            collect_with_pdf_extract(&doc, &page_numbers, limits, deadline)?
        }
    };
    let (filled, unplaced) = fields::field_glyphs(&doc, &ids);
    for (page, drawn) in glyphs.iter_mut().zip(filled) {
        page.extend(drawn);
    }
    Ok((glyphs, unplaced))
}

/// The glyphs of the given pages through pdf-extract's interpreter.
fn collect_with_pdf_extract(
    doc: &pdf_extract::Document,
    page_numbers: &[u32],
    limits: &Limits,
    deadline: Instant,
) -> Result<Vec<Vec<glyphs::Glyph>>, ReadError> {
    let mut collector = Collector::new(deadline);
    let mut failures = 0;
    let mut deep_pages = 0;
    let ids = doc.get_pages();
    for number in page_numbers {
        let before = collector.pages.len();
        // pdf-extract parses the page's content recursively too.
        let deep = ids
            .get(number)
            .and_then(|id| doc.get_page_content(*id).ok())
            .is_some_and(|content| nesting::too_deep(&content, nesting::MAX_NESTING));
        deep_pages += usize::from(deep);
        let failed = deep || pdf_extract::output_doc_page(doc, &mut collector, *number).is_err();
        if collector.timed_out {
            return Err(too_slow(limits));
        }
        if failed {
            // A page that fails is skipped; its partial text is kept.
            failures += 1;
            if collector.pages.len() == before {
                collector.pages.push(Vec::new());
            }
        }
    }
    if failures == page_numbers.len() && collector.pages.iter().all(Vec::is_empty) {
        if deep_pages > 0 {
            return Err(too_deep());
        }
        return Err(ReadError::Corrupt("none of its pages could be read".into()));
    }
    Ok(collector.pages)
}

fn too_deep() -> ReadError {
    ReadError::Corrupt(format!(
        "its objects are nested more than {} deep",
        nesting::MAX_NESTING
    ))
}

fn too_slow(limits: &Limits) -> ReadError {
    ReadError::TooLarge(format!(
        "reading it took longer than {} ms",
        limits.max_millis_per_attachment
    ))
}

fn load_error(error: pdf_extract::Error) -> ReadError {
    match error {
        pdf_extract::Error::Decryption(_) | pdf_extract::Error::AlreadyEncrypted => {
            ReadError::Encrypted
        }
        other => ReadError::Corrupt(other.to_string()),
    }
}

#[cfg(test)]
mod tests;
