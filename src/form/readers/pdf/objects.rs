//! How many objects a PDF holds, counted before lopdf loads it. lopdf
//! parses every object at load, and each parse counts the lines before
//! the object's place in the file (for its error messages), so loading
//! takes time that grows with the sum of the objects' places in the file:
//! 200,000 objects in 18 MB took 26 s, 19,900 objects after 20 MB 17 s. A
//! form has a few hundred objects, a long report a few thousand; a file
//! with more than `max_pdf_objects` is refused as too large, which also
//! bounds the pages (each page is at least one object) before any of them
//! is parsed, and so is one whose objects' places add up to more than
//! [`MAX_LOAD_WORK`].

/// The most the places (byte offsets) of a PDF's objects may add up to: a
/// constant, about 3 s of lopdf's line counting (some 25 GB a second) and
/// far above any real form (a 2 MB form of 1,000 objects adds up to 1e9).
pub(super) const MAX_LOAD_WORK: u64 = 80_000_000_000;

use crate::form::readers::{Limits, ReadError};

/// Refuses a PDF with more than `limits.max_pdf_objects` objects: those
/// in the file (`N 0 obj`) and those packed in its object streams (their
/// declared `/N`).
pub(super) fn check(bytes: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let (count, work) = count(bytes);
    if count > limits.max_pdf_objects {
        return Err(ReadError::TooLarge(format!(
            "it holds more than {} objects (pages, fonts, fields)",
            limits.max_pdf_objects
        )));
    }
    if work > MAX_LOAD_WORK {
        return Err(ReadError::TooLarge(format!(
            "it holds too many objects ({count}) for its size ({} MB)",
            bytes.len() / (1024 * 1024)
        )));
    }
    Ok(())
}

/// The objects of the file and those its object streams declare; and the
/// sum of their places in the file (packed objects at their stream's).
fn count(bytes: &[u8]) -> (usize, u64) {
    let mut count = 0usize;
    let mut work = 0u64;
    let mut i = 0;
    while let Some(n) = find(&bytes[i..], b"obj") {
        let at = i + n;
        i = at + 3;
        if follows_object_number(&bytes[..at]) {
            let objects = 1usize.saturating_add(packed(&bytes[i..bytes.len().min(i + 1024)]));
            count = count.saturating_add(objects);
            work = work.saturating_add((at as u64).saturating_mul(objects as u64));
        }
    }
    (count, work)
}

/// Whether `before` ends with `N G ` (an object number and generation),
/// which tells `obj` from `endobj` and from the word inside text.
fn follows_object_number(before: &[u8]) -> bool {
    let mut rest = before;
    for _ in 0..2 {
        let spaces = rest
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        if spaces == 0 {
            return false;
        }
        rest = &rest[..rest.len() - spaces];
        let digits = rest.iter().rev().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        rest = &rest[..rest.len() - digits];
    }
    true
}

/// The `/N` of an object stream's dictionary at the start of `head` (an
/// object's first bytes); 0 for any other object.
fn packed(head: &[u8]) -> usize {
    let dict_end = find(head, b"stream").unwrap_or(head.len());
    let dict = &head[..dict_end];
    if find(dict, b"/ObjStm").is_none() {
        return 0;
    }
    let Some(at) = find(dict, b"/N").map(|n| n + 2) else {
        return 0;
    };
    let digits: Vec<u8> = dict[at..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .copied()
        .collect();
    std::str::from_utf8(&digits)
        .ok()
        .and_then(|d| d.parse().ok())
        .unwrap_or(0)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_objects_not_endobj_nor_words() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<< /A (an obj here) >>\nendobj\n12 0 obj [1]\nendobj\n";
        assert_eq!(count(pdf).0, 2);
    }

    #[test]
    fn counts_what_object_streams_declare() {
        let pdf = b"3 0 obj\n<< /Type /ObjStm /N 500 /First 9 >>\nstream\n...\nendstream\nendobj\n";
        assert_eq!(count(pdf).0, 501);
    }

    #[test]
    fn refuses_past_the_cap() {
        let pdf = b"1 0 obj 1 endobj 2 0 obj 2 endobj 3 0 obj 3 endobj".to_vec();
        let limits = Limits {
            max_pdf_objects: 2,
            ..Limits::default()
        };
        assert!(matches!(check(&pdf, &limits), Err(ReadError::TooLarge(_))));
        assert_eq!(check(&pdf, &Limits::default()), Ok(()));
    }

    #[test]
    fn refuses_many_objects_far_into_a_large_file() {
        let mut pdf = vec![b' '; 40 * 1024 * 1024];
        pdf.extend(b"1 0 obj 1 endobj ".repeat(2000));
        assert!(matches!(
            check(&pdf, &Limits::default()),
            Err(ReadError::TooLarge(m)) if m.contains("for its size")
        ));
    }
}
