//! Bounded opening of zip-based formats (docx, odt, xlsx, ods).
//!
//! A zip's central directory declares each entry's size, but a zip bomb lies
//! about it, so the declared sizes are only a first, cheap refusal; every
//! byte actually inflated is also counted against [`Limits`] through
//! `Read::take`.

use std::io::{Cursor, Read};

use zip::ZipArchive;
use zip::result::ZipError;

use super::{Limits, ReadError};

/// The first bytes of an OLE compound file (CFB): legacy Office files, and
/// also the wrapper Office puts around a password-protected .docx/.xlsx.
pub const OLE_MAGIC: [u8; 4] = [0xD0, 0xCF, 0x11, 0xE0];

/// A zip archive opened under limits; reads count against one budget.
pub struct SafeZip<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    /// Bytes that may still be inflated from this archive.
    budget: u64,
}

impl std::fmt::Debug for SafeZip<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SafeZip")
            .field("entries", &self.archive.len())
            .field("budget", &self.budget)
            .finish()
    }
}

/// Opens a zip-based file after the cheap checks: OLE wrapper, entry count,
/// declared sizes and encrypted entries.
pub fn open<'a>(bytes: &'a [u8], limits: &Limits) -> Result<SafeZip<'a>, ReadError> {
    if bytes.starts_with(&OLE_MAGIC) {
        return Err(ole_error(bytes));
    }
    let archive = ZipArchive::new(Cursor::new(bytes)).map_err(zip_error)?;
    if archive.len() > limits.max_zip_entries {
        return Err(ReadError::TooLarge(format!(
            "{} files inside, the limit is {}",
            archive.len(),
            limits.max_zip_entries
        )));
    }
    let mut declared: u64 = 0;
    let metadata = archive.metadata();
    for index in 0..metadata.len() {
        let entry = metadata.entry(index).map_err(zip_error)?;
        if entry.encrypted() {
            return Err(ReadError::Encrypted);
        }
        declared = declared.saturating_add(entry.size());
    }
    if declared > limits.max_unzipped_bytes {
        return Err(too_large(limits));
    }
    Ok(SafeZip {
        archive,
        budget: limits.max_unzipped_bytes,
    })
}

/// Inflates every entry under the caps without keeping anything, so that a
/// library that unzips on its own (calamine) is only handed archives whose
/// real sizes are known to be within limits.
pub fn verify(bytes: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let mut zip = open(bytes, limits)?;
    for index in 0..zip.archive.len() {
        zip.inflate(index, &mut std::io::sink())?;
    }
    Ok(())
}

impl SafeZip<'_> {
    /// Whether the archive holds an entry of this exact name.
    pub fn has(&self, name: &str) -> bool {
        self.archive.index_for_name(name).is_some()
    }

    /// The names of the entries (those that decode).
    pub fn names(&self) -> Vec<String> {
        self.archive
            .file_names()
            .flatten()
            .map(|n| n.into_owned())
            .collect()
    }

    /// Reads one entry into memory, counted against the budget.
    pub fn read(&mut self, name: &str) -> Result<Vec<u8>, ReadError> {
        let index = self
            .archive
            .index_for_name(name)
            .ok_or_else(|| ReadError::Corrupt(format!("{name} is missing")))?;
        let mut out = Vec::new();
        self.inflate(index, &mut out)?;
        Ok(out)
    }

    /// Reads one entry as UTF-8 text (invalid sequences replaced).
    pub fn read_string(&mut self, name: &str) -> Result<String, ReadError> {
        let bytes = self.read(name)?;
        Ok(match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(err) => String::from_utf8_lossy(err.as_bytes()).into_owned(),
        })
    }

    /// Inflates entry `index` into `out`, refusing once the budget is spent.
    fn inflate(&mut self, index: usize, out: &mut impl std::io::Write) -> Result<(), ReadError> {
        let budget = self.budget;
        let entry = self.archive.by_index(index).map_err(zip_error)?;
        // One byte more than allowed tells "exactly at the cap" from "over".
        let mut capped = entry.take(budget.saturating_add(1));
        let copied = std::io::copy(&mut capped, out)
            .map_err(|e| ReadError::Corrupt(format!("damaged zip entry: {e}")))?;
        if copied > budget {
            return Err(ReadError::TooLarge(
                "it unpacks to more than the size limit".into(),
            ));
        }
        self.budget = budget - copied;
        Ok(())
    }
}

/// What an OLE file given a zip-format name is: Office wraps a password
/// protected .docx/.xlsx in OLE with an `EncryptedPackage` stream; a legacy
/// Word file merely renamed is unsupported rather than encrypted.
pub fn ole_error(bytes: &[u8]) -> ReadError {
    if contains_utf16(bytes, "EncryptedPackage") || contains_utf16(bytes, "EncryptionInfo") {
        ReadError::Encrypted
    } else if contains_utf16(bytes, "WordDocument") {
        ReadError::Unsupported("Word 97-2003 (.doc)".into())
    } else {
        ReadError::Encrypted
    }
}

/// Whether `needle` occurs in `bytes` as UTF-16LE (how OLE names streams).
pub fn contains_utf16(bytes: &[u8], needle: &str) -> bool {
    let pattern: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    !pattern.is_empty()
        && bytes
            .windows(pattern.len())
            .any(|w| w == pattern.as_slice())
}

fn too_large(limits: &Limits) -> ReadError {
    ReadError::TooLarge(format!(
        "it unpacks to more than {} MB",
        limits.max_unzipped_bytes / (1024 * 1024)
    ))
}

fn zip_error(err: ZipError) -> ReadError {
    match err {
        ZipError::UnsupportedArchive(msg) if msg == ZipError::PASSWORD_REQUIRED => {
            ReadError::Encrypted
        }
        ZipError::InvalidPassword => ReadError::Encrypted,
        ZipError::UnsupportedArchive(msg) => ReadError::Corrupt(format!("unsupported zip: {msg}")),
        other => ReadError::Corrupt(format!("not a valid zip file: {other}")),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::{SimpleFileOptions, ZipWriter};

    /// Builds a deflated zip in memory from (name, content) pairs.
    pub(crate) fn make_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        let options =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in entries {
            writer.start_file(*name, options).unwrap();
            writer.write_all(content).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    /// Rewrites every local and central header of a zip built by `make_zip`:
    /// `flags` is OR-ed into the general purpose flags, and a `size` replaces
    /// the declared uncompressed size, as a hostile file would.
    pub(crate) fn patch_headers(bytes: &mut [u8], flags: u16, size: Option<u32>) {
        let mut i = 0;
        while i + 30 <= bytes.len() {
            let (flag_at, size_at) = match bytes[i..i + 4] {
                [0x50, 0x4b, 0x03, 0x04] => (i + 6, i + 22),
                [0x50, 0x4b, 0x01, 0x02] => (i + 8, i + 24),
                _ => {
                    i += 1;
                    continue;
                }
            };
            let old = u16::from_le_bytes([bytes[flag_at], bytes[flag_at + 1]]);
            bytes[flag_at..flag_at + 2].copy_from_slice(&(old | flags).to_le_bytes());
            if let Some(size) = size {
                bytes[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
            }
            i += 4;
        }
    }

    #[test]
    fn lying_declared_size_is_caught_while_inflating() {
        let zeros = vec![0u8; 4 * 1024 * 1024];
        let mut bytes = make_zip(&[("xl/workbook.xml", &zeros)]);
        patch_headers(&mut bytes, 0, Some(100));
        let limits = Limits {
            max_unzipped_bytes: 1024 * 1024,
            ..Limits::default()
        };
        assert!(open(&bytes, &limits).is_ok(), "declared sizes look small");
        assert!(verify(&bytes, &limits).is_err());
        let mut zip = open(&bytes, &limits).unwrap();
        assert!(zip.read("xl/workbook.xml").is_err());
    }

    #[test]
    fn encrypted_entry_is_encrypted() {
        let mut bytes = make_zip(&[("word/document.xml", b"<w:document/>")]);
        patch_headers(&mut bytes, 1, None);
        assert_eq!(
            open(&bytes, &Limits::default()).unwrap_err(),
            ReadError::Encrypted
        );
    }

    #[test]
    fn reads_an_entry() {
        let bytes = make_zip(&[("a.xml", b"<a/>"), ("b.txt", b"hello")]);
        let mut zip = open(&bytes, &Limits::default()).unwrap();
        assert!(zip.has("b.txt"));
        assert_eq!(zip.names(), ["a.xml", "b.txt"]);
        assert_eq!(zip.read_string("b.txt").unwrap(), "hello");
        assert!(matches!(zip.read("c"), Err(ReadError::Corrupt(_))));
    }

    #[test]
    fn refuses_too_many_entries() {
        let bytes = make_zip(&[("a", b"1"), ("b", b"2"), ("c", b"3")]);
        let limits = Limits {
            max_zip_entries: 2,
            ..Limits::default()
        };
        assert!(matches!(open(&bytes, &limits), Err(ReadError::TooLarge(_))));
    }

    #[test]
    fn refuses_a_bomb_by_declared_size_and_by_inflated_size() {
        let zeros = vec![0u8; 4 * 1024 * 1024];
        let bytes = make_zip(&[("word/document.xml", &zeros)]);
        let limits = Limits {
            max_unzipped_bytes: 1024 * 1024,
            ..Limits::default()
        };
        assert!(matches!(open(&bytes, &limits), Err(ReadError::TooLarge(_))));
        assert!(matches!(
            verify(&bytes, &limits),
            Err(ReadError::TooLarge(_))
        ));
    }

    #[test]
    fn budget_is_shared_between_entries() {
        let bytes = make_zip(&[("a", &[1u8; 600]), ("b", &[2u8; 600])]);
        let mut zip = open(&bytes, &Limits::default()).unwrap();
        zip.budget = 1000;
        assert!(zip.read("a").is_ok());
        assert!(matches!(zip.read("b"), Err(ReadError::TooLarge(_))));
    }

    #[test]
    fn ole_wrapper_is_encrypted_and_renamed_doc_is_unsupported() {
        let mut encrypted = OLE_MAGIC.to_vec();
        encrypted.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(
            open(&encrypted, &Limits::default()).unwrap_err(),
            ReadError::Encrypted
        );
        let mut doc = OLE_MAGIC.to_vec();
        doc.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(matches!(
            open(&doc, &Limits::default()),
            Err(ReadError::Unsupported(_))
        ));
    }

    #[test]
    fn random_and_truncated_bytes_are_corrupt() {
        assert!(matches!(
            open(b"not a zip at all", &Limits::default()),
            Err(ReadError::Corrupt(_))
        ));
        let bytes = make_zip(&[("a.xml", b"<a>some text</a>")]);
        let truncated = &bytes[..bytes.len() / 2];
        assert!(open(truncated, &Limits::default()).is_err());
    }
}
