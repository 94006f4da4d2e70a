//! Readers: one per format, each turning bytes into a [`Document`]. They do
//! not interpret the form; that is `extract`'s job. Every reader is bounded
//! by [`Limits`] and returns a [`ReadError`] rather than panicking.

pub mod csv;
pub mod docx;
pub mod html;
pub mod image;
pub mod odt;
pub mod pdf;
pub mod sheet;
pub mod text;
pub mod tnef;
pub mod zipsafe;

use super::document::Document;

/// Caps that keep a hostile attachment from exhausting the daemon.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Limits {
    /// Largest whole message read (bytes).
    pub max_message_bytes: usize,
    /// Largest single attachment read (bytes).
    pub max_attachment_bytes: usize,
    /// Largest total decompressed size of a zip-based file (bytes).
    pub max_unzipped_bytes: u64,
    /// Most entries in a zip-based file.
    pub max_zip_entries: usize,
    /// Most PDF pages read.
    pub max_pdf_pages: usize,
    /// Most one PDF stream other than an image may inflate to (bytes),
    /// counted while inflating; all streams together are held to
    /// `max_unzipped_bytes`.
    #[serde(default = "default_pdf_stream_bytes")]
    pub max_pdf_stream_bytes: u64,
    /// Most objects in one PDF (pages, fonts, fields...), counted before
    /// it is loaded.
    #[serde(default = "default_pdf_objects")]
    pub max_pdf_objects: usize,
    /// Most cells read from one workbook.
    pub max_sheet_cells: usize,
    /// Most nested MIME parts / forwarded messages followed.
    pub max_mime_depth: usize,
    /// Most text read out of one workbook's cells (bytes), counted while
    /// reading: a form holds a few kilobytes.
    #[serde(default = "default_text_bytes")]
    pub max_text_bytes: usize,
    /// Most of each email body read (bytes); the rest is left unread.
    #[serde(default = "default_body_bytes")]
    pub max_body_bytes: usize,
    /// Longest time spent on one attachment (milliseconds).
    pub max_millis_per_attachment: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: 40 * 1024 * 1024,
            max_attachment_bytes: 30 * 1024 * 1024,
            max_unzipped_bytes: 64 * 1024 * 1024,
            max_zip_entries: 2_000,
            max_pdf_pages: 50,
            max_pdf_stream_bytes: default_pdf_stream_bytes(),
            max_pdf_objects: default_pdf_objects(),
            max_sheet_cells: 200_000,
            max_mime_depth: 20,
            max_text_bytes: default_text_bytes(),
            max_body_bytes: default_body_bytes(),
            max_millis_per_attachment: 5_000,
        }
    }
}

fn default_text_bytes() -> usize {
    8 * 1024 * 1024
}

fn default_pdf_stream_bytes() -> u64 {
    8 * 1024 * 1024
}

fn default_pdf_objects() -> usize {
    20_000
}

fn default_body_bytes() -> usize {
    1024 * 1024
}

/// Why an attachment could not be read. Each becomes a finding or a log line
/// that says, in plain words, what to send instead.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum ReadError {
    /// A format we recognise but cannot read (legacy `.doc`, `.pages`, images).
    #[error(
        "{0} files cannot be read; please send the form as a Word (.docx) document, a spreadsheet or a PDF"
    )]
    Unsupported(String),
    /// The file is protected with a password or encrypted.
    #[error("the file is protected with a password; please send it without the password")]
    Encrypted,
    /// A PDF with no text layer (a scan or a photo).
    #[error(
        "the PDF holds only scanned images and no text; please send the form as a Word document or type the answers into an email"
    )]
    NoText,
    /// A cap in [`Limits`] was hit (zip bomb, huge file, too many pages).
    #[error("the file is too large to read ({0})")]
    TooLarge(String),
    /// The file is damaged or not what its name says.
    #[error("the file could not be opened ({0}); it may be damaged")]
    Corrupt(String),
    /// A photo or a picture of the form: its answers cannot be read.
    #[error(
        "it is a picture of the form, and we cannot read the answers from a picture; please type them into an email or send the form as a Word document"
    )]
    Picture,
}

impl ReadError {
    /// A short code for what went wrong, so that the emails can say in
    /// their own words what to send instead.
    pub fn code(&self) -> &'static str {
        match self {
            ReadError::Unsupported(_) => "format",
            ReadError::Encrypted => "password",
            ReadError::NoText => "scanned",
            ReadError::TooLarge(_) => "too_large",
            ReadError::Corrupt(_) => "damaged",
            ReadError::Picture => "picture",
        }
    }
}

/// The formats we know by name or content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Docx,
    Odt,
    Xlsx,
    Xls,
    Ods,
    Csv,
    Pdf,
    Html,
    Text,
    Tnef,
    /// Legacy Word 97-2003 `.doc`: recognised, not readable.
    LegacyDoc,
    /// Images and anything else that is not a form.
    Other,
}

/// Decides a part's format from its file name, content type and first bytes.
/// Content types are often wrong (`application/octet-stream`), so the name
/// and the magic bytes win.
pub fn detect(filename: Option<&str>, content_type: &str, bytes: &[u8]) -> Format {
    let ext = filename
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let by_ext = match ext.as_str() {
        "docx" | "docm" | "dotx" => Some(Format::Docx),
        "odt" => Some(Format::Odt),
        "xlsx" | "xlsm" | "xlsb" => Some(Format::Xlsx),
        "xls" => Some(Format::Xls),
        "ods" => Some(Format::Ods),
        "csv" => Some(Format::Csv),
        "pdf" => Some(Format::Pdf),
        "htm" | "html" => Some(Format::Html),
        "txt" => Some(Format::Text),
        "doc" | "dot" => Some(Format::LegacyDoc),
        "dat" if filename.is_some_and(|n| n.to_ascii_lowercase().contains("winmail")) => {
            Some(Format::Tnef)
        }
        _ => None,
    };
    if let Some(f) = by_ext {
        return f;
    }
    if bytes.starts_with(b"%PDF") {
        return Format::Pdf;
    }
    if bytes.starts_with(&[0x78, 0x9f, 0x3e, 0x22]) {
        return Format::Tnef;
    }
    match content_type.to_ascii_lowercase().as_str() {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => Format::Docx,
        "application/vnd.oasis.opendocument.text" => Format::Odt,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        | "application/vnd.ms-excel.sheet.macroenabled.12" => Format::Xlsx,
        "application/vnd.ms-excel" => Format::Xls,
        "application/vnd.oasis.opendocument.spreadsheet" => Format::Ods,
        "text/csv" => Format::Csv,
        "application/pdf" => Format::Pdf,
        "application/ms-tnef" | "application/vnd.ms-tnef" => Format::Tnef,
        "application/msword" => Format::LegacyDoc,
        _ => Format::Other,
    }
}

/// Reads one attachment of a known format. `Other` and `Tnef` are not read
/// here (TNEF holds further attachments; see [`tnef::unpack`]).
pub fn read(
    format: Format,
    name: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Document, ReadError> {
    if bytes.len() > limits.max_attachment_bytes {
        return Err(ReadError::TooLarge(format!(
            "{} MB, the limit is {} MB",
            bytes.len() / (1024 * 1024),
            limits.max_attachment_bytes / (1024 * 1024)
        )));
    }
    match format {
        Format::Docx => docx::read(name, bytes, limits),
        Format::Odt => odt::read(name, bytes, limits),
        Format::Xlsx | Format::Xls | Format::Ods => sheet::read(format, name, bytes, limits),
        Format::Csv => csv::read(name, bytes, limits),
        Format::Pdf => pdf::read(name, bytes, limits),
        Format::Html => Ok(html::read(name, &html::decode(bytes))),
        Format::Text => Ok(text::read(name, &String::from_utf8_lossy(bytes))),
        Format::LegacyDoc => Err(ReadError::Unsupported("Word 97-2003 (.doc)".into())),
        Format::Tnef | Format::Other => Err(ReadError::Unsupported("this kind of".into())),
    }
}
