//! Spreadsheets (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`) through calamine:
//! every sheet becomes one table whose cells carry A1 places (`Sheet1!B7`).
//!
//! The container is told by its first bytes, not its name (a legacy workbook
//! saved as `.xlsx`, or an "Excel export" that is really HTML or CSV, are
//! common). Zip-based workbooks are inflated under limits by
//! [`zipsafe::verify`] first because calamine unzips without any cap.
//! `.xlsx` and `.xlsb` sheets are streamed cell by cell: calamine's dense
//! ranges would allocate rows x columns for one stray cell at `XFD1048576`;
//! an `.ods` is measured before calamine expands it.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, DataRef, Ods, Reader, Xls, Xlsb, Xlsx, open_workbook_from_rs};
use quick_xml::events::BytesStart;

use super::{Format, Limits, ReadError, csv, docx::normalise_marks, html, zipsafe};
use strike::XlsxStrike;

mod cfb;
mod strike;
use crate::form::document::{Block, Cell, Document};

/// What a workbook really is, judged from its bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Container {
    Xlsx,
    Xlsb,
    Ods,
    Xls,
}

/// Reads a workbook: one table per sheet.
pub fn read(
    format: Format,
    name: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Document, ReadError> {
    let container = match sniff(bytes, limits)? {
        Some(container) => container,
        None => return read_as_text(format, name, bytes, limits),
    };
    let mut cells = CellBudget::new(limits.max_sheet_cells, limits.max_text_bytes);
    let mut doc = Document::new(name);
    let sheets = match container {
        Container::Xlsx => read_xlsx(bytes, &XlsxStrike::load(bytes, limits)?, &mut cells)?,
        Container::Xlsb => read_xlsb(bytes, &mut cells)?,
        Container::Ods => {
            check_ods_size(bytes, limits)?;
            read_ranges::<Ods<_>>(bytes, &mut cells)?
        }
        Container::Xls => read_ranges::<Xls<_>>(bytes, &mut cells)?,
    };
    for (sheet, grid) in sheets {
        let rows = grid.into_rows(&sheet, &mut cells)?;
        if !rows.is_empty() {
            doc.blocks.push(Block::Table { rows, place: sheet });
        }
    }
    Ok(doc)
}

/// The container behind the bytes; `None` for text posing as a workbook.
fn sniff(bytes: &[u8], limits: &Limits) -> Result<Option<Container>, ReadError> {
    if bytes.starts_with(&zipsafe::OLE_MAGIC) {
        if zipsafe::contains_utf16(bytes, "EncryptedPackage") {
            return Err(ReadError::Encrypted);
        }
        cfb::check(bytes)?;
        return Ok(Some(Container::Xls));
    }
    if !bytes.starts_with(b"PK") {
        return Ok(None);
    }
    zipsafe::verify(bytes, limits)?;
    let zip = zipsafe::open(bytes, limits)?;
    Ok(Some(if zip.has("content.xml") {
        Container::Ods
    } else if zip.has("xl/workbook.bin") {
        Container::Xlsb
    } else {
        Container::Xlsx
    }))
}

/// A "spreadsheet" that is HTML or delimited text, as web exports often are.
fn read_as_text(
    format: Format,
    name: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Document, ReadError> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    if head.contains("<table") || head.contains("<html") {
        return Ok(html::read(name, &String::from_utf8_lossy(bytes)));
    }
    let printable = bytes
        .iter()
        .take(1024)
        .all(|&b| b >= 0x20 || b"\r\n\t".contains(&b));
    if printable && !bytes.is_empty() {
        return csv::read(name, bytes, limits);
    }
    let what = match format {
        Format::Ods => "OpenDocument spreadsheet",
        Format::Xls => "Excel 97-2003 workbook",
        _ => "Excel workbook",
    };
    Err(ReadError::Corrupt(format!("not a valid {what}")))
}

/// Streams every sheet of a reader that offers `worksheet_cells_reader`,
/// keeping only cells with a value (a macro: the cell readers share no
/// trait; `.xlsb` uses it, `.xlsx` has its own loop for strike-through).
macro_rules! stream_sheets {
    ($book:expr, $cells:expr) => {{
        let mut sheets = Vec::new();
        for sheet in visible_sheets(&$book) {
            let mut grid = Grid::default();
            let mut reader = $book
                .worksheet_cells_reader(&sheet)
                .map_err(|e| ReadError::Corrupt(format!("sheet {sheet}: {e}")))?;
            while let Some(cell) = reader
                .next_cell()
                .map_err(|e| ReadError::Corrupt(format!("sheet {sheet}: {e}")))?
            {
                let text = render_ref(cell.get_value());
                if !text.is_empty() {
                    $cells.spend_cell(&text)?;
                    grid.cells.insert(cell.get_position(), text);
                }
            }
            sheets.push((sheet, grid));
        }
        sheets
    }};
}

/// Streams each `.xlsx` sheet, leaving out struck cells and struck runs.
fn read_xlsx(
    bytes: &[u8],
    strike: &XlsxStrike,
    cells: &mut CellBudget,
) -> Result<Vec<(String, Grid)>, ReadError> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(open_error)?;
    let mut sheets = Vec::new();
    for sheet in visible_sheets(&book) {
        let mut grid = Grid::default();
        let mut reader = book
            .worksheet_cells_reader(&sheet)
            .map_err(|e| ReadError::Corrupt(format!("sheet {sheet}: {e}")))?;
        while let Some((cell, style)) = reader
            .next_cell_with_style_id()
            .map_err(|e| ReadError::Corrupt(format!("sheet {sheet}: {e}")))?
        {
            if strike.style_struck(style) {
                continue;
            }
            let text = match cell.get_value() {
                DataRef::SharedString(s) => clean_text(strike.visible(s)),
                DataRef::String(s) => clean_text(strike.visible(s)),
                other => render_ref(other),
            };
            if !text.is_empty() {
                cells.spend_cell(&text)?;
                grid.cells.insert(cell.get_position(), text);
            }
        }
        sheets.push((sheet, grid));
    }
    Ok(sheets)
}

fn read_xlsb(bytes: &[u8], cells: &mut CellBudget) -> Result<Vec<(String, Grid)>, ReadError> {
    let mut book: Xlsb<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(open_error)?;
    Ok(stream_sheets!(book, cells))
}

/// Refuses an `.ods` whose sheets would expand to more cells than allowed:
/// calamine lays each sheet out densely, repeats included, so a few bytes
/// of `number-rows-repeated` could otherwise claim gigabytes.
fn check_ods_size(bytes: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let xml = zipsafe::open(bytes, limits)?.read_string("content.xml")?;
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut size = OdsSize::default();
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e)) => size.open(&e, false),
            Ok(quick_xml::events::Event::Empty(e)) => size.open(&e, true),
            Ok(quick_xml::events::Event::End(e)) => size.close(e.local_name().as_ref()),
            Ok(quick_xml::events::Event::Eof) => break,
            Err(e) => return Err(ReadError::Corrupt(format!("damaged spreadsheet XML: {e}"))),
            Ok(_) => {}
        }
        if size.total() > limits.max_sheet_cells as u64 {
            return Err(ReadError::TooLarge(format!(
                "more than {} spreadsheet cells",
                limits.max_sheet_cells
            )));
        }
    }
    Ok(())
}

/// Running bound of the dense size of the sheets of an `.ods`.
#[derive(Debug, Default)]
struct OdsSize {
    /// Finished sheets' cells.
    done: u64,
    /// Rows so far in this sheet, repeats included.
    rows: u64,
    /// Rows up to the last one holding a value.
    used_rows: u64,
    /// Widest used part of any row of this sheet.
    used_cols: u64,
    /// The row being read: its repeat count, columns so far, last used column.
    row_repeat: u64,
    cols: u64,
    row_used_cols: u64,
}

impl OdsSize {
    fn open(&mut self, e: &BytesStart<'_>, empty: bool) {
        let repeat = |name: &str| {
            super::docx::attr(e, name)
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(1)
                .max(1)
        };
        match e.local_name().as_ref() {
            "table-row" => {
                self.row_repeat = repeat("number-rows-repeated");
                self.cols = 0;
                self.row_used_cols = 0;
                if empty {
                    self.close("table-row");
                }
            }
            "table-cell" | "covered-table-cell" => {
                self.cols = self.cols.saturating_add(repeat("number-columns-repeated"));
                // A cell with content or a value is used; an empty one is padding.
                if !empty || super::docx::attr(e, "value-type").is_some() {
                    self.row_used_cols = self.cols;
                }
            }
            _ => {}
        }
    }

    fn close(&mut self, name: &str) {
        match name {
            "table-row" => {
                self.rows = self.rows.saturating_add(self.row_repeat);
                if self.row_used_cols > 0 {
                    self.used_rows = self.rows;
                    self.used_cols = self.used_cols.max(self.row_used_cols);
                }
            }
            "table" => {
                self.done = self.total();
                self.rows = 0;
                self.used_rows = 0;
                self.used_cols = 0;
            }
            _ => {}
        }
    }

    fn total(&self) -> u64 {
        self.done
            .saturating_add(self.used_rows.saturating_mul(self.used_cols))
    }
}

/// Reads every sheet of a workbook kind whose reader yields whole ranges.
fn read_ranges<'a, R>(
    bytes: &'a [u8],
    cells: &mut CellBudget,
) -> Result<Vec<(String, Grid)>, ReadError>
where
    R: Reader<Cursor<&'a [u8]>>,
    R::Error: std::fmt::Display,
{
    let mut book: R = open_workbook_from_rs(Cursor::new(bytes)).map_err(open_error)?;
    let mut sheets = Vec::new();
    for sheet in visible_sheets(&book) {
        let range = book
            .worksheet_range(&sheet)
            .map_err(|e| ReadError::Corrupt(format!("sheet {sheet}: {e}")))?;
        let (top, left) = range.start().unwrap_or((0, 0));
        let mut grid = Grid::default();
        for (row, col, value) in range.used_cells() {
            let text = render(value);
            if !text.is_empty() {
                cells.spend_cell(&text)?;
                let (Ok(row), Ok(col)) = (u32::try_from(row), u32::try_from(col)) else {
                    continue;
                };
                grid.cells
                    .insert((top.saturating_add(row), left.saturating_add(col)), text);
            }
        }
        sheets.push((sheet, grid));
    }
    Ok(sheets)
}

/// The worksheets a person sees: hidden sheets (often lists that feed a
/// drop-down, such as "Yes"/"No") and chart sheets are left out, unless
/// nothing would be left.
fn visible_sheets<RS, R>(book: &R) -> Vec<String>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
{
    let worksheets: Vec<&calamine::Sheet> = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == calamine::SheetType::WorkSheet)
        .collect();
    let visible: Vec<String> = worksheets
        .iter()
        .filter(|s| s.visible == calamine::SheetVisible::Visible)
        .map(|s| s.name.clone())
        .collect();
    if visible.is_empty() {
        worksheets.iter().map(|s| s.name.clone()).collect()
    } else {
        visible
    }
}

/// Password protection shows up in calamine's messages rather than as one
/// error kind shared by all formats.
fn open_error(err: impl std::fmt::Display) -> ReadError {
    let message = err.to_string();
    let lower = message.to_ascii_lowercase();
    if lower.contains("password") || lower.contains("encrypt") {
        ReadError::Encrypted
    } else {
        ReadError::Corrupt(format!("not a readable workbook: {message}"))
    }
}

/// How many cells may still be produced from this workbook, padding
/// included, and how much text: a short shared string referenced from
/// every cell is cheap to store and dear to read out.
struct CellBudget {
    left: usize,
    limit: usize,
    text_left: usize,
    text_limit: usize,
}

impl CellBudget {
    fn new(limit: usize, text_limit: usize) -> Self {
        CellBudget {
            left: limit,
            limit,
            text_left: text_limit,
            text_limit,
        }
    }

    /// One cell holding `text`.
    fn spend_cell(&mut self, text: &str) -> Result<(), ReadError> {
        self.spend(1)?;
        self.text_left = self.text_left.checked_sub(text.len()).ok_or_else(|| {
            ReadError::TooLarge(format!(
                "more than {} MB of text in its cells",
                self.text_limit >> 20
            ))
        })?;
        Ok(())
    }

    fn spend(&mut self, n: usize) -> Result<(), ReadError> {
        self.left = self.left.checked_sub(n).ok_or_else(|| {
            ReadError::TooLarge(format!("more than {} spreadsheet cells", self.limit))
        })?;
        Ok(())
    }
}

/// The non-empty cells of one sheet by (row, column), both from 0.
#[derive(Debug, Default)]
struct Grid {
    cells: BTreeMap<(u32, u32), String>,
}

/// Runs of empty rows or columns longer than this are laid out this long:
/// the cell budget counts the cells that exist and the empty ones that line
/// them up, so a stray cell in a sheet's far corner (XFD1048576) must not
/// turn a form of twenty cells into a million empty rows, refused as too
/// large. Fifty empty rows or columns part two blocks as well as a million.
const MAX_GAP: u32 = 50;

impl Grid {
    /// Lays the cells out in rows from the first used row and column, with
    /// empty cells kept so columns line up and nothing after a row's last
    /// value; empty rows in between are kept empty, runs of them (and of
    /// empty columns) no longer than [`MAX_GAP`].
    fn into_rows(self, sheet: &str, budget: &mut CellBudget) -> Result<Vec<Vec<Cell>>, ReadError> {
        let rows_at = squeeze(self.cells.keys().map(|&(r, _)| r));
        let cols_at = squeeze(self.cells.keys().map(|&(_, c)| c));
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        // The real column of each row's last cell, and where it was laid.
        let mut last = (u32::MAX, 0u32, 0usize);
        for ((row, col), text) in self.cells {
            let index = rows_at[&row];
            if rows.len() <= index {
                budget.spend(index + 1 - rows.len())?;
                rows.resize_with(index + 1, Vec::new);
            }
            if last.0 != row {
                last = (row, cols_at.keys().next().copied().unwrap_or(0), 0);
            }
            let Some(cells) = rows.get_mut(index) else {
                continue;
            };
            while cells.len() < cols_at[&col] {
                budget.spend(1)?;
                let pad_col = last.1 + (cells.len() - last.2) as u32;
                cells.push(Cell::new("", a1(sheet, row, pad_col)));
            }
            last = (row, col, cells.len());
            cells.push(Cell::new(text, a1(sheet, row, col)));
        }
        Ok(rows)
    }
}

/// Where each distinct value (a row or a column) is laid out, from 0, with
/// gaps between values shortened to [`MAX_GAP`].
fn squeeze(values: impl Iterator<Item = u32>) -> BTreeMap<u32, usize> {
    let distinct: std::collections::BTreeSet<u32> = values.collect();
    let mut at = BTreeMap::new();
    let mut previous: Option<(u32, usize)> = None;
    for value in distinct {
        let index = match previous {
            None => 0,
            Some((before, index)) => index + 1 + (value - before - 1).min(MAX_GAP) as usize,
        };
        at.insert(value, index);
        previous = Some((value, index));
    }
    at
}

/// `Sheet1!B7` for row 6, column 1 (both from 0).
fn a1(sheet: &str, row: u32, col: u32) -> String {
    format!("{sheet}!{}{}", column_letters(col), u64::from(row) + 1)
}

/// Spreadsheet column letters: 0 is `A`, 26 is `AA`.
pub(super) fn column_letters(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(char::from(b'A' + rem));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

fn render(value: &Data) -> String {
    match value {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => clean_text(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) => date(d),
        Data::DateTimeIso(s) => iso_date(s),
        Data::DurationIso(s) => s.clone(),
    }
}

fn render_ref(value: &DataRef<'_>) -> String {
    match value {
        DataRef::SharedString(s) => clean_text(s),
        other => render(&Data::from(other.clone())),
    }
}

/// Text as people see it: Windows line ends and no-break spaces ironed out.
fn clean_text(s: &str) -> String {
    normalise_marks(&s.replace("\r\n", "\n").replace('\r', "\n"))
        .trim()
        .to_string()
}

/// A number as a spreadsheet shows it by default: whole numbers without
/// `.0` (a phone number or a count), others in their shortest form.
fn number(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else if f.is_finite() && f.abs() < 1e15 {
        // Binary noise (0.1 + 0.2) is not what the sheet shows.
        let fixed = format!("{f:.10}");
        fixed
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    } else {
        format!("{f}")
    }
}

/// An Excel date serial as an ISO date, with the time only when there is one.
fn date(d: &calamine::ExcelDateTime) -> String {
    if d.is_duration() {
        return number(d.as_f64());
    }
    let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
    if (h, mi, s) == (0, 0, 0) {
        format!("{y:04}-{mo:02}-{day:02}")
    } else {
        format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}")
    }
}

/// An OpenDocument date value, without a midnight time.
fn iso_date(s: &str) -> String {
    s.strip_suffix("T00:00:00")
        .unwrap_or(s)
        .replacen('T', " ", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

    fn fixture(path: &str) -> Vec<u8> {
        std::fs::read(format!("{FIXTURES}/{path}")).unwrap()
    }

    /// Found by `fuzz/` (target `readers`): a 1.5 KB .xls whose directory
    /// sector chain loops on itself. calamine 0.38 (`cfb.rs`, `get_chain`
    /// called with `len = usize::MAX`) follows the loop forever, appending
    /// 512 bytes per turn, until the process runs out of memory: a hostile
    /// attachment took the daemon down. `cfb::check` now refuses it first.
    #[test]
    fn xls_with_cyclic_directory_chain_is_refused() {
        let mut bytes = vec![0u8; 512];
        bytes[..8].copy_from_slice(&[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
        let mut put = |at: usize, v: &[u8]| bytes[at..at + v.len()].copy_from_slice(v);
        put(24, &[0x3e, 0, 3, 0, 0xfe, 0xff, 9, 0, 6, 0]); // v3, 512-byte sectors
        put(44, &1u32.to_le_bytes()); // one FAT sector
        put(48, &1u32.to_le_bytes()); // the directory starts at sector 1
        put(56, &4096u32.to_le_bytes());
        put(60, &0xffff_fffeu32.to_le_bytes()); // no mini FAT
        put(68, &0xffff_fffeu32.to_le_bytes()); // no DIFAT sectors
        for i in 0..109 {
            put(76 + 4 * i, &0xffff_ffffu32.to_le_bytes());
        }
        put(76, &0u32.to_le_bytes()); // the FAT is sector 0
        let mut fat = vec![0xffu8; 512];
        fat[..4].copy_from_slice(&0xffff_fffdu32.to_le_bytes()); // sector 0: FAT
        fat[4..8].copy_from_slice(&1u32.to_le_bytes()); // sector 1 -> sector 1
        bytes.extend(fat);
        bytes.extend([0u8; 512]); // sector 1: the directory
        let got = read(Format::Xls, "cyclic.xls", &bytes, &Limits::default());
        assert!(matches!(got, Err(ReadError::Corrupt(_))), "{got:?}");
    }

    fn table(doc: &Document, n: usize) -> (&str, Vec<Vec<(String, String)>>) {
        match doc.blocks.get(n) {
            Some(Block::Table { rows, place }) => (
                place.as_str(),
                rows.iter()
                    .map(|r| {
                        r.iter()
                            .map(|c| (c.place.clone(), c.text.clone()))
                            .collect()
                    })
                    .collect(),
            ),
            _ => panic!("no table {n} in {doc:?}"),
        }
    }

    fn value_right_of(doc: &Document, label: &str) -> Option<String> {
        doc.blocks.iter().find_map(|b| match b {
            Block::Table { rows, .. } => rows.iter().find_map(|r| {
                let i = r.iter().position(|c| c.text == label)?;
                r.get(i + 1).map(|c| c.text.clone())
            }),
            Block::Text { .. } => None,
        })
    }

    fn check_form(doc: &Document, sheet: &str) {
        let (place, rows) = table(doc, 0);
        assert_eq!(place, sheet);
        assert_eq!(rows[0][0], (format!("{sheet}!A1"), "Name:".to_string()));
        assert_eq!(value_right_of(doc, "Name:").as_deref(), Some("Amy Price"));
        assert_eq!(
            value_right_of(doc, "Organisation name and address:").as_deref(),
            Some("Rose Court\n1 Mill Lane\nLeeds")
        );
        assert_eq!(
            value_right_of(doc, "Organisation telephone number:").as_deref(),
            Some("1134960000")
        );
        assert_eq!(
            value_right_of(doc, "Number of accounts:").as_deref(),
            Some("2")
        );
        assert_eq!(value_right_of(doc, "Date:").as_deref(), Some("2024-03-05"));
        let (accounts, rows) = table(doc, 1);
        assert_eq!(accounts, "Accounts");
        assert_eq!(rows[1][2].1, "07700 900123");
        assert_eq!(rows[1][2].0, "Accounts!C2");
        // An empty cell in the middle is kept so the mobile stays in column C.
        assert_eq!(rows[2][1].1, "");
        assert_eq!(rows[2][2].1, "07700 900124");
    }

    #[test]
    fn reads_xlsx() {
        let doc = read(
            Format::Xlsx,
            "f.xlsx",
            &fixture("xlsx/form.xlsx"),
            &Limits::default(),
        )
        .unwrap();
        check_form(&doc, "Form");
        assert_eq!(doc.blocks.len(), 2, "the hidden Lists sheet is left out");
        let (_, rows) = table(&doc, 0);
        assert_eq!(rows[6][1].1, "Yes/", "the struck run is removed");
        assert_eq!(rows[7][1].1, "", "the struck cell is removed");
        assert_eq!(rows[7][2].1, "No");
    }

    #[test]
    fn reads_ods() {
        let doc = read(
            Format::Ods,
            "f.ods",
            &fixture("ods/form.ods"),
            &Limits::default(),
        )
        .unwrap();
        check_form(&doc, "Form");
    }

    #[test]
    fn reads_xls() {
        let doc = read(
            Format::Xls,
            "f.xls",
            &fixture("xls/form.xls"),
            &Limits::default(),
        )
        .unwrap();
        check_form(&doc, "Form");
    }

    #[test]
    fn legacy_workbook_named_xlsx_is_still_read() {
        let doc = read(
            Format::Xlsx,
            "f.xlsx",
            &fixture("xls/form.xls"),
            &Limits::default(),
        )
        .unwrap();
        check_form(&doc, "Form");
    }

    #[test]
    fn cell_limit_is_enforced() {
        let limits = Limits {
            max_sheet_cells: 5,
            ..Limits::default()
        };
        let err = read(Format::Xlsx, "f.xlsx", &fixture("xlsx/form.xlsx"), &limits).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge(_)));
    }

    #[test]
    fn hostile_workbooks_do_not_panic() {
        let limits = Limits {
            max_unzipped_bytes: 1024 * 1024,
            ..Limits::default()
        };
        let zeros = vec![0u8; 8 * 1024 * 1024];
        let bomb = zipsafe::tests::make_zip(&[("xl/workbook.xml", &zeros)]);
        assert!(matches!(
            read(Format::Xlsx, "b.xlsx", &bomb, &limits),
            Err(ReadError::TooLarge(_))
        ));

        let mut encrypted = zipsafe::OLE_MAGIC.to_vec();
        encrypted.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(
            read(Format::Xlsx, "p.xlsx", &encrypted, &limits),
            Err(ReadError::Encrypted)
        );

        let random: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert!(read(Format::Xlsx, "r.xlsx", &random, &limits).is_err());
        let xlsx = fixture("xlsx/form.xlsx");
        assert!(read(Format::Xlsx, "t.xlsx", &xlsx[..xlsx.len() / 2], &limits).is_err());
        let xls = fixture("xls/form.xls");
        let _ = read(Format::Xls, "t.xls", &xls[..xls.len() / 2], &limits);
        let mut not_ole = xls.clone();
        not_ole[600] ^= 0xff;
        let _ = read(Format::Xls, "t.xls", &not_ole, &limits);
    }

    #[test]
    fn far_away_cell_is_laid_out_near_and_keeps_its_place() {
        let mut grid = Grid::default();
        grid.cells.insert((0, 0), "a".into());
        grid.cells.insert((0, 2), "b".into());
        grid.cells.insert((1_048_575, 16_383), "z".into());
        let mut budget = CellBudget::new(200, usize::MAX);
        let rows = grid.into_rows("S", &mut budget).unwrap();
        assert_eq!(rows.len(), 2 + MAX_GAP as usize);
        let first: Vec<_> = rows[0].iter().map(|c| c.place.clone()).collect();
        assert_eq!(first, ["S!A1", "S!B1", "S!C1"]);
        let last = rows.last().unwrap();
        assert_eq!(last.len(), 3 + MAX_GAP as usize + 1);
        assert_eq!(last.last().unwrap().place, "S!XFD1048576");
        assert_eq!(last[3].place, "S!D1048576");
    }

    #[test]
    fn ods_with_huge_repeats_is_refused_before_expanding() {
        let content = br#"<office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet><table:table table:name="S">
            <table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell></table:table-row>
            <table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>
            <table:table-row><table:table-cell table:number-columns-repeated="16000"/><table:table-cell office:value-type="string"><text:p>z</text:p></table:table-cell></table:table-row>
            </table:table></office:spreadsheet></office:body></office:document-content>"#;
        let bytes = zipsafe::tests::make_zip(&[
            (
                "mimetype",
                b"application/vnd.oasis.opendocument.spreadsheet",
            ),
            ("content.xml", content),
        ]);
        let err = read(Format::Ods, "big.ods", &bytes, &Limits::default()).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge(_)), "{err:?}");
        // Trailing empty repeats, as LibreOffice writes them, are fine.
        assert!(check_ods_size(&zipsafe::tests::make_zip(&[("content.xml", br#"<t:table xmlns:t="t"><t:table-row><t:table-cell t:value-type="float"/><t:table-cell t:number-columns-repeated="16383"/></t:table-row><t:table-row t:number-rows-repeated="1048575"><t:table-cell t:number-columns-repeated="16384"/></t:table-row></t:table>"#)]), &Limits::default()).is_ok());
    }

    /// An `.xlsx` of one sheet `Form` with `sheet_data` and these shared strings.
    fn xlsx(dimension: &str, sheet_data: &str, shared: &[String]) -> Vec<u8> {
        let ct = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
        let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
        let wb = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Form" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
        let wb_rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
        let sheet = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData></worksheet>"#
        );
        let sst = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{n}" uniqueCount="{n}">{}</sst>"#,
            shared
                .iter()
                .map(|s| format!("<si><t>{s}</t></si>"))
                .collect::<String>(),
            n = shared.len()
        );
        zipsafe::tests::make_zip(&[
            ("[Content_Types].xml", ct.as_bytes()),
            ("_rels/.rels", rels.as_bytes()),
            ("xl/workbook.xml", wb.as_bytes()),
            ("xl/_rels/workbook.xml.rels", wb_rels.as_bytes()),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
            ("xl/sharedStrings.xml", sst.as_bytes()),
        ])
    }

    /// Issue 16: one long shared string in every cell is a few kilobytes
    /// stored and gigabytes read out; the text is counted while reading.
    #[test]
    fn a_long_shared_string_in_many_cells_is_refused_while_reading() {
        let long = "x".repeat(32_000);
        let rows: String = (1..=1_000)
            .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#))
            .collect();
        let bytes = xlsx("A1:A1000", &rows, &[long]);
        match read(Format::Xlsx, "f.xlsx", &bytes, &Limits::default()) {
            Err(ReadError::TooLarge(why)) => assert!(why.contains("MB of text"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    /// Issue 16: a sheet that declares the whole grid as its dimension but
    /// holds a few cells is read: cells that exist are counted, not declared ones.
    #[test]
    fn a_whole_grid_dimension_with_few_cells_is_read() {
        let rows = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>"#;
        let shared = [
            "Name of care home",
            "Dimension House",
            "CQC registration number",
            "1-123456789",
        ]
        .map(String::from);
        let bytes = xlsx("A1:XFD1048576", rows, &shared);
        let doc = read(Format::Xlsx, "f.xlsx", &bytes, &Limits::default()).unwrap();
        let text = doc.plain_text();
        assert!(
            text.contains("Dimension House") && text.contains("1-123456789"),
            "{text}"
        );
    }

    #[test]
    fn html_posing_as_xls_is_read_as_html() {
        let html = b"<html><body><table><tr><td>Name:</td><td>Amy</td></tr></table></body></html>";
        let doc = read(Format::Xls, "export.xls", html, &Limits::default()).unwrap();
        assert!(doc.plain_text().contains("Amy") || doc.blocks.is_empty());
    }

    #[test]
    fn renders_values_as_people_see_them() {
        assert_eq!(number(2.0), "2");
        assert_eq!(number(7_700_900_123.0), "7700900123");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(0.1 + 0.2), "0.3");
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16_383), "XFD");
        assert_eq!(a1("Sheet1", 6, 1), "Sheet1!B7");
        assert_eq!(iso_date("2024-03-05T00:00:00"), "2024-03-05");
        assert_eq!(clean_text("a\r\nb\u{a0}c "), "a\nb c");
    }
}
