//! CSV (and other delimited text a spreadsheet exports): one table.
//!
//! The encoding is guessed the way Excel writes files: UTF-8 (with or
//! without BOM), UTF-16 with BOM, else Windows-1252. The delimiter is the
//! one of comma, semicolon and tab that splits the first lines most
//! consistently (European Excel writes semicolons).

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

use super::docx::normalise_marks;
use super::sheet::column_letters;
use super::{Limits, ReadError};
use crate::form::document::{Block, Cell, Document};

const DELIMITERS: [char; 3] = [',', ';', '\t'];

/// Reads a delimited text file into one table (`row 3, column B`).
pub fn read(name: &str, bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    let text = decode(bytes);
    let (delimiter, text) = match declared_delimiter(&text) {
        Some((delimiter, rest)) => (delimiter, rest),
        None => (guess_delimiter(&text), text.as_str()),
    };
    let rows = parse(text, delimiter, limits.max_sheet_cells)?;
    let mut doc = Document::new(name);
    let rows: Vec<Vec<Cell>> = rows
        .into_iter()
        .enumerate()
        .map(|(r, fields)| {
            fields
                .into_iter()
                .enumerate()
                .map(|(c, text)| Cell::new(text, place(r, c)))
                .collect()
        })
        .collect();
    if rows.iter().any(|r| !r.is_empty()) {
        doc.blocks.push(Block::Table {
            rows,
            place: "table 1".into(),
        });
    }
    Ok(doc)
}

/// `row 3, column B` for row 2, column 1 (both from 0).
fn place(row: usize, col: usize) -> String {
    let col = u32::try_from(col).unwrap_or(u32::MAX);
    format!("row {}, column {}", row + 1, column_letters(col))
}

/// Text from bytes: a BOM decides; valid UTF-8 is UTF-8; anything else is
/// taken as Windows-1252, which decodes every byte.
fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(bom..).unwrap_or_default();
        return encoding.decode_without_bom_handling(rest).0.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => {
            // A UTF-16 file without BOM shows itself by NUL bytes.
            let encoding = if bytes.iter().take(200).filter(|&&b| b == 0).count() > 20 {
                guess_utf16(bytes)
            } else {
                WINDOWS_1252
            };
            encoding.decode_without_bom_handling(bytes).0.into_owned()
        }
    }
}

fn guess_utf16(bytes: &[u8]) -> &'static Encoding {
    let even_nuls = bytes
        .iter()
        .step_by(2)
        .take(100)
        .filter(|&&b| b == 0)
        .count();
    let odd_nuls = bytes
        .iter()
        .skip(1)
        .step_by(2)
        .take(100)
        .filter(|&&b| b == 0)
        .count();
    if odd_nuls >= even_nuls {
        encoding_rs::UTF_16LE
    } else if even_nuls > 0 {
        encoding_rs::UTF_16BE
    } else {
        UTF_8
    }
}

/// Excel's `sep=;` first line, which names the delimiter; returns it and
/// the text after that line.
fn declared_delimiter(text: &str) -> Option<(char, &str)> {
    let (first, rest) = text.split_once('\n')?;
    let mut chars = first.trim_end_matches('\r').strip_prefix("sep=")?.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some((c, rest)),
        _ => None,
    }
}

/// The delimiter that gives the most lines with the same number (>1) of
/// fields, counted outside quotes on the first lines.
fn guess_delimiter(text: &str) -> char {
    let mut best = (',', 0usize, 0usize);
    for delimiter in DELIMITERS {
        let counts: Vec<usize> = first_lines(text, 20)
            .iter()
            .map(|line| count_outside_quotes(line, delimiter))
            .collect();
        let lines_with = counts.iter().filter(|&&n| n > 0).count();
        let total: usize = counts.iter().sum();
        if (lines_with, total) > (best.1, best.2) {
            best = (delimiter, lines_with, total);
        }
    }
    best.0
}

fn first_lines(text: &str, n: usize) -> Vec<&str> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .take(n)
        .collect()
}

fn count_outside_quotes(line: &str, delimiter: char) -> usize {
    let mut quoted = false;
    let mut count = 0;
    for c in line.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if c == delimiter && !quoted {
            count += 1;
        }
    }
    count
}

/// Splits into rows of fields (RFC 4180, leniently): quotes may hold
/// delimiters, line breaks and doubled quotes; a stray quote inside an
/// unquoted field is kept as text.
fn parse(text: &str, delimiter: char, max_cells: usize) -> Result<Vec<Vec<String>>, ReadError> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut at_field_start = true;
    let mut cells = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\r' if chars.peek() == Some(&'\n') => {}
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                quoted = true;
                at_field_start = false;
            }
            c if c == delimiter => {
                row.push(finish_field(&mut field));
                at_field_start = true;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                row.push(finish_field(&mut field));
                cells += row.len();
                if cells > max_cells {
                    return Err(too_many(max_cells));
                }
                rows.push(trim_row(std::mem::take(&mut row)));
                at_field_start = true;
            }
            _ => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(finish_field(&mut field));
        cells += row.len();
        if cells > max_cells {
            return Err(too_many(max_cells));
        }
        rows.push(trim_row(row));
    }
    while rows.last().is_some_and(Vec::is_empty) {
        rows.pop();
    }
    Ok(rows)
}

fn too_many(max: usize) -> ReadError {
    ReadError::TooLarge(format!("more than {max} cells"))
}

fn finish_field(field: &mut String) -> String {
    let text = normalise_marks(field.trim());
    field.clear();
    text
}

/// Drops the empty fields at the end of a row (Excel pads rows with `;;;`).
fn trim_row(mut row: Vec<String>) -> Vec<String> {
    while row.last().is_some_and(String::is_empty) {
        row.pop();
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(doc: &Document) -> Vec<Vec<String>> {
        match doc.blocks.first() {
            Some(Block::Table { rows, .. }) => rows
                .iter()
                .map(|r| r.iter().map(|c| c.text.clone()).collect())
                .collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn windows_1252_with_semicolons_quotes_and_newlines() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/csv/form-1252.csv"
        ))
        .unwrap();
        let doc = read("f.csv", &bytes, &Limits::default()).unwrap();
        let rows = rows(&doc);
        assert_eq!(rows[1], ["Name:", "Zoë O’Brien"]);
        assert_eq!(
            rows[2],
            ["Organisation name and address:", "Café Court\n2 Mill Lane"]
        );
        assert_eq!(rows[3][1], "0113 496 0000");
        assert_eq!(rows[4][1], "She said \"daily\"; we agree");
        match &doc.blocks[0] {
            Block::Table { rows, .. } => assert_eq!(rows[2][1].place, "row 3, column B"),
            Block::Text { .. } => panic!("expected a table"),
        }
    }

    #[test]
    fn utf8_bom_comma_and_trailing_empty_fields() {
        let bytes = "\u{feff}Name,Amy,,\r\nMobile,\"07700 900123\",,\r\n,,,\r\n".as_bytes();
        let doc = read("f.csv", bytes, &Limits::default()).unwrap();
        assert_eq!(
            rows(&doc),
            [vec!["Name", "Amy"], vec!["Mobile", "07700 900123"]]
        );
    }

    #[test]
    fn excel_sep_line_names_the_delimiter() {
        let doc = read("f.csv", b"sep=|\r\nName|Amy, Price\r\n", &Limits::default()).unwrap();
        assert_eq!(rows(&doc), [vec!["Name", "Amy, Price"]]);
    }

    #[test]
    fn utf16_with_bom_and_tabs() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "Name\tZoë\nRole\tManager\n".encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        let doc = read("f.csv", &bytes, &Limits::default()).unwrap();
        assert_eq!(rows(&doc), [vec!["Name", "Zoë"], vec!["Role", "Manager"]]);
    }

    #[test]
    fn hostile_input_is_bounded_and_never_panics() {
        let limits = Limits {
            max_sheet_cells: 10,
            ..Limits::default()
        };
        let many = "a,b,c\n".repeat(100);
        assert!(matches!(
            read("f.csv", many.as_bytes(), &limits),
            Err(ReadError::TooLarge(_))
        ));
        for bytes in [
            &b"\"unterminated, quote\n"[..],
            b"\xff\xfe\x00",
            b"",
            b"\"",
            b"a\"b,c",
        ] {
            let _ = read("f.csv", bytes, &Limits::default());
        }
        let doc = read("f.csv", b"a\"b,c", &Limits::default()).unwrap();
        assert_eq!(rows(&doc), [vec!["a\"b", "c"]]);
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_read_without_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = read("f.csv", &bytes, &Limits::default());
        }
    }
}
