//! Every Flate stream of a PDF inflated once, under caps, before lopdf or
//! pdf-extract see the file. Both inflate a stream whole into memory when
//! they use it (lopdf its object streams while loading, pdf-extract the
//! content, fonts, colour profiles and XObjects it draws), and neither can
//! be told to stop, so a stream that inflates to a gigabyte takes two.
//! Here inflation goes into a counter, chunk by chunk, and stops at the
//! cap: a bomb costs the cap's worth of processor time and no memory.
//!
//! Object streams are also kept (up to the cap) and checked for nesting,
//! since lopdf parses their objects by recursion as it does the file's own
//! (see [`super::nesting`]).

use super::nesting;
use crate::form::readers::{Limits, ReadError};
use flate2::read::ZlibDecoder;
use std::io::Read;

/// What one stream inflates to, as far as the caps let it be read.
struct Inflated {
    bytes: u64,
    /// The inflated text, when asked for (object streams).
    kept: Option<Vec<u8>>,
}

/// Every stream is tried, whatever its `/Filter` says (a filter may be an
/// indirect object): data that is not zlib fails on its first bytes.
///
/// Refuses a PDF whose streams inflate past the caps: any one stream past
/// `max_pdf_stream_bytes` (an image past `max_unzipped_bytes`), or all of
/// them together past `max_unzipped_bytes`; or whose object streams nest
/// deeper than [`nesting::MAX_NESTING`].
pub(super) fn check(bytes: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let mut total: u64 = 0;
    for (dict, data) in Streams::new(bytes) {
        let image = mentions(dict, b"/Image");
        let object_stream = mentions(dict, b"/ObjStm");
        // Images are drawn by pdf-extract as content (and fail at once),
        // so they may be larger than content, but count towards the total.
        let cap = if image {
            limits.max_unzipped_bytes
        } else {
            limits.max_pdf_stream_bytes
        };
        let cap = cap.min(limits.max_unzipped_bytes.saturating_sub(total));
        let inflated = inflate(data, cap, object_stream);
        if inflated.bytes > cap {
            return Err(too_large(limits, total + inflated.bytes));
        }
        total += inflated.bytes;
        if inflated
            .kept
            .is_some_and(|text| nesting::too_deep(&text, nesting::MAX_NESTING))
        {
            return Err(super::too_deep());
        }
    }
    Ok(())
}

/// Inflates `data` (zlib) up to one byte past `cap`; a stream that is not
/// zlib, or is damaged, counts what came out before the fault (lopdf then
/// gets the same fault).
fn inflate(data: &[u8], cap: u64, keep: bool) -> Inflated {
    let mut decoder = ZlibDecoder::new(data).take(cap.saturating_add(1));
    let mut chunk = vec![0u8; 64 * 1024];
    let mut kept = keep.then(Vec::new);
    let mut bytes = 0u64;
    loop {
        match decoder.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                bytes += n as u64;
                if let Some(kept) = kept.as_mut() {
                    kept.extend_from_slice(&chunk[..n]);
                }
            }
        }
    }
    Inflated { bytes, kept }
}

fn too_large(limits: &Limits, at_least: u64) -> ReadError {
    let mb = |b: u64| b / (1024 * 1024);
    ReadError::TooLarge(format!(
        "its compressed streams unpack to more than {} MB (at least {} MB; one may unpack to {} MB, all of them to {} MB)",
        mb(at_least.min(limits.max_unzipped_bytes)),
        mb(at_least),
        mb(limits.max_pdf_stream_bytes),
        mb(limits.max_unzipped_bytes)
    ))
}

/// Whether a stream's dictionary names `word` (`/FlateDecode`, `/Image`).
fn mentions(dict: &[u8], word: &[u8]) -> bool {
    dict.windows(word.len()).any(|w| w == word)
}

/// The streams of a PDF in file order: each as its dictionary's bytes (back
/// to the `obj` keyword before it) and its data (to the next `endstream`).
/// Found by their keywords, not through the cross-reference table, so that
/// a stream the table hides or lies about is counted too.
struct Streams<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Streams<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Streams { bytes, at: 0 }
    }
}

impl<'a> Iterator for Streams<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let found = self.at + find(&self.bytes[self.at..], b"stream")?;
            self.at = found + b"stream".len();
            // "endstream" ends a stream; only a dictionary's ">>" starts one.
            let before = trim_end(&self.bytes[..found]);
            if !before.ends_with(b">>") {
                continue;
            }
            let start = match self.bytes.get(self.at..self.at + 2) {
                Some([b'\r', b'\n', ..]) => self.at + 2,
                Some([b'\n' | b'\r', ..]) => self.at + 1,
                _ => continue,
            };
            let end =
                find(&self.bytes[start..], b"endstream").map_or(self.bytes.len(), |n| start + n);
            self.at = end;
            let dict_from = rfind(&before[before.len().saturating_sub(1024)..], b"obj")
                .map_or(before.len().saturating_sub(1024), |n| {
                    before.len().saturating_sub(1024) + n
                });
            return Some((&before[dict_from..], &self.bytes[start..end]));
        }
    }
}

fn trim_end(bytes: &[u8]) -> &[u8] {
    let keep = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    &bytes[..keep]
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Compression, write::ZlibEncoder};
    use std::io::Write;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = ZlibEncoder::new(Vec::new(), Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn pdf_with(dict: &str, data: &[u8]) -> Vec<u8> {
        let mut out = b"%PDF-1.5\n4 0 obj\n".to_vec();
        out.extend(format!("<< /Length {} {dict} >>\nstream\n", data.len()).as_bytes());
        out.extend(data);
        out.extend(b"\nendstream\nendobj\n%%EOF\n");
        out
    }

    fn limits() -> Limits {
        Limits {
            max_pdf_stream_bytes: 1024 * 1024,
            max_unzipped_bytes: 4 * 1024 * 1024,
            ..Limits::default()
        }
    }

    #[test]
    fn a_stream_within_the_cap_passes() {
        let pdf = pdf_with("/Filter /FlateDecode", &zlib(&[b' '; 1000]));
        assert_eq!(check(&pdf, &limits()), Ok(()));
    }

    #[test]
    fn a_stream_past_the_cap_is_too_large() {
        let pdf = pdf_with("/Filter /FlateDecode", &zlib(&vec![b' '; 2 * 1024 * 1024]));
        assert!(matches!(
            check(&pdf, &limits()),
            Err(ReadError::TooLarge(_))
        ));
    }

    #[test]
    fn an_image_may_be_larger_but_not_past_the_total() {
        let two = zlib(&vec![0u8; 2 * 1024 * 1024]);
        let image = pdf_with("/Subtype /Image /Filter /FlateDecode", &two);
        assert_eq!(check(&image, &limits()), Ok(()));
        let mut three = image.clone();
        three.extend(&image);
        three.extend(&image);
        assert!(matches!(
            check(&three, &limits()),
            Err(ReadError::TooLarge(_))
        ));
    }

    #[test]
    fn an_object_stream_nested_too_deep_is_refused() {
        let deep = [b"1 0 ".to_vec(), vec![b'['; 500], vec![b']'; 500]].concat();
        let pdf = pdf_with(
            "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
            &zlib(&deep),
        );
        assert!(matches!(check(&pdf, &limits()), Err(ReadError::Corrupt(_))));
    }

    #[test]
    fn endstream_and_streams_without_a_filter_are_not_inflated() {
        let pdf = pdf_with("", &vec![b'x'; 8 * 1024 * 1024]);
        assert_eq!(check(&pdf, &limits()), Ok(()));
        assert_eq!(Streams::new(&pdf).count(), 1);
    }
}
