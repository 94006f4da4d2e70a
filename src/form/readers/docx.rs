//! Word `.docx`: the body of `word/document.xml` as paragraphs and tables.
//!
//! One streaming pass keeps a stack of open element names, so each rule can
//! look at where it is (`w:strike` counts only in a run's properties, `w:tab`
//! only inside a run, not among a paragraph's tab stops). Nested tables are
//! emitted as their own blocks after the table that holds them, so their
//! text never pollutes the outer cell.

use std::collections::HashSet;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::{Limits, ReadError, zipsafe};
use crate::form::document::{Block, Cell, Document};

const DOCUMENT_XML: &str = "word/document.xml";
const STYLES_XML: &str = "word/styles.xml";

/// Reads a Word document.
pub fn read(name: &str, bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    let mut zip = zipsafe::open(bytes, limits)?;
    if !zip.has(DOCUMENT_XML) {
        return Err(ReadError::Corrupt("no word/document.xml inside".into()));
    }
    let xml = zip.read_string(DOCUMENT_XML)?;
    let struck_styles = if zip.has(STYLES_XML) {
        struck_styles(&zip.read_string(STYLES_XML)?)
    } else {
        HashSet::new()
    };
    read_xml(name, &xml, struck_styles, limits.max_text_bytes)
}

/// Turns the XML of `word/document.xml` into a document. Only the first
/// `max_text` bytes of text are read: a form holds a few kilobytes, and
/// reading stops there, as it does after the first megabyte of a body.
fn read_xml(
    name: &str,
    xml: &str,
    struck_styles: HashSet<String>,
    max_text: usize,
) -> Result<Document, ReadError> {
    let mut walker = Walker::new(name, struck_styles);
    let mut reader = Reader::from_str(xml);
    while walker.text_bytes <= max_text {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                walker.open(&e);
                walker.stack.push(local(&e));
            }
            Ok(Event::Empty(e)) => {
                walker.open(&e);
                walker.stack.push(local(&e));
                walker.close();
            }
            Ok(Event::End(_)) => walker.close(),
            Ok(Event::Text(t)) => walker.text(&t.xml10_content()),
            Ok(Event::CData(t)) => walker.text(&t.into_inner()),
            Ok(Event::GeneralRef(r)) => {
                if let Some(s) = resolve_ref(&r) {
                    walker.text(&s);
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(ReadError::Corrupt(format!("damaged Word XML: {e}"))),
        }
    }
    Ok(walker.finish())
}

/// The text of an entity or character reference (`&amp;`, `&#x2612;`).
pub(super) fn resolve_ref(r: &quick_xml::events::BytesRef<'_>) -> Option<String> {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return Some(c.to_string());
    }
    let name = r.xml10_content();
    quick_xml::escape::resolve_predefined_entity(&name).map(str::to_string)
}

/// An element's local name (the prefix is whatever the writer chose).
pub(super) fn local(e: &BytesStart<'_>) -> String {
    e.local_name().as_ref().to_string()
}

/// The value of the attribute whose local name is `name`, whatever its prefix.
pub(super) fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        if a.key.local_name().as_ref() != name {
            return None;
        }
        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .ok()
            .map(|v| v.into_owned())
    })
}

/// Whether an on/off property such as `<w:strike/>` is on: present and not
/// switched off with `val="0"`, `"false"` or `"none"`.
fn is_on(e: &BytesStart<'_>) -> bool {
    !matches!(
        attr(e, "val").as_deref(),
        Some("0" | "false" | "off" | "none")
    )
}

/// Ids of character and paragraph styles that strike or hide their text.
fn struck_styles(xml: &str) -> HashSet<String> {
    let mut found = HashSet::new();
    // Word's styles.xml runs to hundreds of kilobytes of latent styles;
    // without any of these element names there is nothing to find, and
    // looking costs far less than parsing.
    if !xml.contains("strike") && !xml.contains("vanish") {
        return found;
    }
    let mut reader = Reader::from_str(xml);
    let mut current: Option<String> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "style" => {
                current = attr(&e, "styleId");
            }
            Ok(Event::Start(e) | Event::Empty(e)) => {
                if matches!(e.local_name().as_ref(), "strike" | "dstrike" | "vanish")
                    && is_on(&e)
                    && let Some(id) = &current
                {
                    found.insert(id.clone());
                }
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == "style" => current = None,
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    found
}

/// Builds tables that may nest: each open table collects its rows; a
/// finished inner table waits to be emitted right after its outer table.
#[derive(Debug, Default)]
pub(super) struct TableStack {
    open: Vec<TableBuf>,
    count: usize,
}

#[derive(Debug, Default)]
struct TableBuf {
    number: usize,
    rows: Vec<Vec<Cell>>,
    row: Option<Vec<Cell>>,
    cell: Option<Vec<String>>,
    /// Finished tables that were nested inside this one.
    inner: Vec<Block>,
}

impl TableStack {
    pub(super) fn start_table(&mut self) {
        self.count += 1;
        self.open.push(TableBuf {
            number: self.count,
            ..TableBuf::default()
        });
    }

    /// Closes the innermost table; returns the blocks to emit when it was
    /// the outermost one (itself, then the tables nested in it).
    pub(super) fn end_table(&mut self) -> Vec<Block> {
        let Some(mut table) = self.open.pop() else {
            return Vec::new();
        };
        self.flush_row(&mut table);
        let mut blocks = vec![Block::Table {
            rows: table.rows,
            place: format!("table {}", table.number),
        }];
        blocks.append(&mut table.inner);
        match self.open.last_mut() {
            Some(parent) => {
                parent.inner.append(&mut blocks);
                Vec::new()
            }
            None => blocks,
        }
    }

    pub(super) fn start_row(&mut self) {
        if let Some(t) = self.open.last_mut() {
            t.row = Some(Vec::new());
        }
    }

    pub(super) fn end_row(&mut self) {
        if let Some(mut t) = self.open.pop() {
            self.flush_row(&mut t);
            self.open.push(t);
        }
    }

    fn flush_row(&self, t: &mut TableBuf) {
        if let Some(row) = t.row.take() {
            t.rows.push(row);
        }
    }

    pub(super) fn start_cell(&mut self) {
        if let Some(t) = self.open.last_mut() {
            if t.row.is_none() {
                t.row = Some(Vec::new());
            }
            t.cell = Some(Vec::new());
        }
    }

    /// Closes the current cell; `blank` for a cell that only continues a
    /// merge from above, whose text belongs to the first cell.
    pub(super) fn end_cell(&mut self, blank: bool) {
        if let Some(t) = self.open.last_mut() {
            let paragraphs = t.cell.take().unwrap_or_default();
            let text = if blank {
                String::new()
            } else {
                join_paragraphs(&paragraphs)
            };
            if let Some(row) = t.row.as_mut() {
                let place = format!(
                    "table {}, row {}, cell {}",
                    t.number,
                    t.rows.len() + 1,
                    row.len() + 1
                );
                row.push(Cell::new(text, place));
            }
        }
    }

    /// Adds a finished paragraph to the open cell; gives it back when no
    /// cell is open (it is then body text).
    pub(super) fn add_paragraph(&mut self, text: String) -> Option<String> {
        match self.open.last_mut().and_then(|t| t.cell.as_mut()) {
            Some(cell) => {
                cell.push(text);
                None
            }
            None => Some(text),
        }
    }
}

/// The output both document readers (Word, OpenDocument) build: paragraphs
/// that may nest (a text box's paragraphs sit inside an outer one), tables
/// that may nest, and the numbering of body paragraphs.
#[derive(Debug)]
pub(super) struct Layout {
    doc: Document,
    paragraphs: Vec<String>,
    body_paragraphs: usize,
    pub(super) tables: TableStack,
}

impl Layout {
    pub(super) fn new(name: &str) -> Self {
        Layout {
            doc: Document::new(name),
            paragraphs: Vec::new(),
            body_paragraphs: 0,
            tables: TableStack::default(),
        }
    }

    pub(super) fn start_paragraph(&mut self) {
        self.paragraphs.push(String::new());
    }

    /// Appends to the innermost open paragraph; text outside any is dropped.
    pub(super) fn push_str(&mut self, text: &str) {
        if let Some(p) = self.paragraphs.last_mut() {
            p.push_str(text);
        }
    }

    /// Closes the innermost paragraph: into the open table cell, or else
    /// into the body as `paragraph N`.
    pub(super) fn end_paragraph(&mut self) {
        let Some(text) = self.paragraphs.pop() else {
            return;
        };
        let text = normalise_marks(&text);
        if let Some(text) = self.tables.add_paragraph(text) {
            self.body_paragraphs += 1;
            let place = format!("paragraph {}", self.body_paragraphs);
            self.doc.push_text(text.trim(), place);
        }
    }

    pub(super) fn end_table(&mut self) {
        let blocks = self.tables.end_table();
        self.doc.blocks.extend(blocks);
    }

    /// The document; a damaged file may leave tables open: keep what was read.
    pub(super) fn finish(mut self) -> Document {
        while !self.tables.open.is_empty() {
            self.end_table();
        }
        self.doc
    }
}

/// A cell's paragraphs joined by `\n`, empty ones left out.
fn join_paragraphs(paragraphs: &[String]) -> String {
    let kept: Vec<&str> = paragraphs
        .iter()
        .map(|p| p.trim_end())
        .filter(|p| !p.trim().is_empty())
        .collect();
    kept.join("\n")
}

/// Presentation normalised as the document module promises: ticked boxes
/// and ticks become `☒`, no-break spaces become spaces.
pub(super) fn normalise_marks(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{a0}' | '\u{2007}' | '\u{202f}' => ' ',
            '☑' | '✓' | '✔' | '⊠' | '⌧' | '🗹' | '🗷' => '☒',
            '□' | '❑' | '❒' | '🗆' => '☐',
            _ => c,
        })
        .collect()
}

/// The box a `w:sym` glyph draws, if it is one: fonts such as Wingdings put
/// check boxes at code points with no Unicode meaning.
fn symbol_box(font: &str, code: &str) -> Option<char> {
    let code = u32::from_str_radix(code.trim(), 16).ok()?;
    // Symbol fonts are often addressed through the private-use area F0xx.
    let low = if (0xF000..=0xF0FF).contains(&code) {
        code - 0xF000
    } else {
        code
    };
    let font = font.to_ascii_lowercase();
    let checked = if font.starts_with("wingdings 2") {
        match low {
            0x4F..=0x54 => Some(true),
            0x2A | 0xA3 | 0xA2 => Some(false),
            _ => None,
        }
    } else if font.starts_with("wingdings") {
        match low {
            0x78 | 0xFB..=0xFE => Some(true),
            0x6F | 0x71 | 0x72 | 0xA8 => Some(false),
            _ => None,
        }
    } else {
        let c = char::from_u32(code)?;
        return Some(c);
    };
    checked.map(|on| if on { '☒' } else { '☐' })
}

/// A legacy drop-down (`w:ddList`): its entries and the chosen index.
#[derive(Debug, Default)]
struct DropDown {
    entries: Vec<String>,
    result: Option<usize>,
    default: Option<usize>,
}

impl DropDown {
    fn chosen(self) -> Option<String> {
        let index = self.result.or(self.default).unwrap_or(0);
        self.entries.into_iter().nth(index)
    }
}

/// The state of one pass over the XML.
struct Walker {
    out: Layout,
    stack: Vec<String>,
    struck_styles: HashSet<String>,
    /// Run properties of the current run: struck or hidden.
    run_hidden: bool,
    /// Depth inside deleted or moved-away text, and inside `mc:Fallback`
    /// (a copy of what `mc:Choice` already holds).
    skip_depth: usize,
    /// Whether the current cell continues a vertical merge.
    cell_continues: bool,
    /// A legacy check box's `w:default` and `w:checked`.
    form_box: Option<(bool, Option<bool>)>,
    /// A legacy drop-down form field, whose choice is not in the text.
    drop_down: Option<DropDown>,
    /// A content control check box: `Some(checked)` while in its `sdtPr`.
    control_box: Option<bool>,
    /// Stack depth of the content control whose glyph was replaced.
    control_skip: Option<usize>,
    /// Bytes of text kept so far.
    text_bytes: usize,
}

impl Walker {
    fn new(name: &str, struck_styles: HashSet<String>) -> Self {
        Walker {
            out: Layout::new(name),
            stack: Vec::new(),
            struck_styles,
            run_hidden: false,
            skip_depth: 0,
            cell_continues: false,
            form_box: None,
            drop_down: None,
            control_box: None,
            control_skip: None,
            text_bytes: 0,
        }
    }

    fn parent(&self) -> &str {
        self.stack.last().map(String::as_str).unwrap_or("")
    }

    fn grandparent(&self) -> &str {
        let n = self.stack.len();
        n.checked_sub(2)
            .and_then(|i| self.stack.get(i))
            .map(String::as_str)
            .unwrap_or("")
    }

    fn in_run(&self) -> bool {
        self.stack.iter().rev().take(3).any(|s| s == "r")
    }

    /// Handles an opening (or empty) element, before it is pushed.
    fn open(&mut self, e: &BytesStart<'_>) {
        let name = local(e);
        match name.as_str() {
            "del" | "moveFrom" | "Fallback" if self.parent() != "rPr" => self.skip_depth += 1,
            "p" => self.out.start_paragraph(),
            "r" => self.run_hidden = false,
            "tbl" => self.out.tables.start_table(),
            "tr" => self.out.tables.start_row(),
            "tc" => {
                self.out.tables.start_cell();
                self.cell_continues = false;
            }
            "vMerge" if self.parent() == "tcPr" => {
                self.cell_continues = attr(e, "val").is_none_or(|v| v == "continue");
            }
            _ => self.open_run_part(&name, e),
        }
    }

    fn open_run_part(&mut self, name: &str, e: &BytesStart<'_>) {
        let in_run_props = self.parent() == "rPr" && self.grandparent() == "r";
        match name {
            "strike" | "dstrike" | "vanish" if in_run_props => {
                self.run_hidden |= is_on(e);
            }
            "rStyle"
                if in_run_props
                    && attr(e, "val").is_some_and(|v| self.struck_styles.contains(&v)) =>
            {
                self.run_hidden = true;
            }
            "br" | "cr" if self.in_run() => self.push('\n'),
            "tab" if self.parent() == "r" => self.push('\t'),
            "noBreakHyphen" if self.parent() == "r" => self.push('-'),
            "sym" if self.parent() == "r" => {
                let font = attr(e, "font").unwrap_or_default();
                if let Some(c) = attr(e, "char").and_then(|code| symbol_box(&font, &code)) {
                    self.push(c);
                }
            }
            "checkBox" => self.form_box = Some((false, None)),
            "default" if self.parent() == "checkBox" => {
                if let Some(b) = self.form_box.as_mut() {
                    b.0 = is_on(e);
                }
            }
            "checked" if self.parent() == "checkBox" => {
                if let Some(b) = self.form_box.as_mut() {
                    b.1 = Some(is_on(e));
                }
            }
            "ddList" => self.drop_down = Some(DropDown::default()),
            "listEntry" | "result" | "default" if self.parent() == "ddList" => {
                if let (Some(dd), Some(val)) = (self.drop_down.as_mut(), attr(e, "val")) {
                    match name {
                        "listEntry" => dd.entries.push(val),
                        "result" => dd.result = val.parse().ok(),
                        _ => dd.default = val.parse().ok(),
                    }
                }
            }
            "checkbox" if self.parent() == "sdtPr" => self.control_box = Some(false),
            "checked" if self.parent() == "checkbox" => {
                self.control_box = Some(attr(e, "val").is_some_and(|v| v == "1" || v == "true"));
            }
            _ => {}
        }
    }

    /// Handles the end of the innermost open element, then pops it.
    fn close(&mut self) {
        let Some(name) = self.stack.pop() else {
            return;
        };
        match name.as_str() {
            "del" | "moveFrom" | "Fallback" if self.parent() != "rPr" => {
                self.skip_depth = self.skip_depth.saturating_sub(1);
            }
            "p" => self.end_paragraph(),
            "tbl" => self.out.end_table(),
            "tr" => self.out.tables.end_row(),
            "tc" => {
                let blank = self.cell_continues;
                self.out.tables.end_cell(blank);
                self.cell_continues = false;
            }
            "checkBox" => {
                if let Some((default, checked)) = self.form_box.take() {
                    self.push(if checked.unwrap_or(default) {
                        '☒'
                    } else {
                        '☐'
                    });
                }
            }
            "ddList" => {
                if let Some(choice) = self.drop_down.take().and_then(DropDown::chosen) {
                    for c in choice.chars() {
                        self.push(c);
                    }
                }
            }
            "sdtPr" => {
                if let Some(checked) = self.control_box.take() {
                    self.push(if checked { '☒' } else { '☐' });
                    // The control's content draws the same box again.
                    self.control_skip = Some(self.stack.len().saturating_sub(1));
                }
            }
            "sdt" if self.control_skip == Some(self.stack.len()) => self.control_skip = None,
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        let in_text = self.parent() == "t" && self.grandparent() == "r";
        if in_text && !self.run_hidden && self.skip_depth == 0 && self.control_skip.is_none() {
            self.text_bytes += text.len();
            self.out.push_str(text);
        }
    }

    fn push(&mut self, c: char) {
        if self.skip_depth > 0 || self.run_hidden {
            return;
        }
        self.out.push_str(c.encode_utf8(&mut [0; 4]));
    }

    fn end_paragraph(&mut self) {
        self.out.end_paragraph();
    }

    fn finish(self) -> Document {
        self.out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::readers::zipsafe::tests::make_zip;

    const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#;

    fn doc_of(body: &str) -> Document {
        let xml = format!("<w:document {NS}><w:body>{body}</w:body></w:document>");
        read_xml("t.docx", &xml, HashSet::new(), usize::MAX).unwrap()
    }

    fn texts(doc: &Document) -> Vec<String> {
        doc.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Text { text, .. } => Some(text.clone()),
                Block::Table { .. } => None,
            })
            .collect()
    }

    fn cells(block: &Block) -> Vec<Vec<String>> {
        match block {
            Block::Table { rows, .. } => rows
                .iter()
                .map(|r| r.iter().map(|c| c.text.clone()).collect())
                .collect(),
            Block::Text { .. } => Vec::new(),
        }
    }

    #[test]
    fn struck_and_deleted_text_is_removed_inserted_kept() {
        let doc = doc_of(
            r#"<w:p><w:r><w:t>Yes/</w:t></w:r><w:r><w:rPr><w:strike/></w:rPr><w:t>No</w:t></w:r></w:p>
               <w:p><w:r><w:rPr><w:strike w:val="0"/></w:rPr><w:t>Kept</w:t></w:r><w:r><w:rPr><w:dstrike w:val="true"/></w:rPr><w:t>Gone</w:t></w:r></w:p>
               <w:p><w:r><w:t>Yes/</w:t></w:r><w:del w:id="1" w:author="a"><w:r><w:delText>No</w:delText></w:r></w:del><w:ins w:id="2" w:author="a"><w:r><w:t> – daily</w:t></w:r></w:ins></w:p>"#,
        );
        assert_eq!(texts(&doc), ["Yes/", "Kept", "Yes/ – daily"]);
    }

    #[test]
    fn struck_character_style_is_removed() {
        let styles = struck_styles(
            r#"<w:styles xmlns:w="w"><w:style w:styleId="Gone"><w:rPr><w:strike/></w:rPr></w:style><w:style w:styleId="Plain"><w:rPr><w:b/></w:rPr></w:style></w:styles>"#,
        );
        let xml = format!(
            r#"<w:document {NS}><w:body><w:p><w:r><w:rPr><w:rStyle w:val="Gone"/></w:rPr><w:t>No</w:t></w:r><w:r><w:rPr><w:rStyle w:val="Plain"/></w:rPr><w:t>Yes</w:t></w:r></w:p></w:body></w:document>"#
        );
        let doc = read_xml("t.docx", &xml, styles, usize::MAX).unwrap();
        assert_eq!(texts(&doc), ["Yes"]);
    }

    #[test]
    fn reading_stops_after_the_text_cap() {
        let body = "<w:p><w:r><w:t>0123456789</w:t></w:r></w:p>".repeat(100);
        let xml = format!(r#"<w:document {NS}><w:body>{body}</w:body></w:document>"#);
        let doc = read_xml("t.docx", &xml, HashSet::new(), 25).unwrap();
        // The paragraph in hand when the cap is passed is left unfinished.
        assert_eq!(texts(&doc), ["0123456789", "0123456789"]);
    }

    #[test]
    fn breaks_tabs_and_entities() {
        let doc = doc_of(
            r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>A &amp; B</w:t><w:br/><w:t>line&#160;two</w:t><w:tab/><w:t>x</w:t></w:r></w:p>"#,
        );
        assert_eq!(texts(&doc), ["A & B\nline two\tx"]);
    }

    #[test]
    fn check_boxes_of_every_kind() {
        let doc = doc_of(
            r#"<w:p><w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:checkBox><w:sizeAuto/><w:default w:val="0"/><w:checked/></w:checkBox></w:ffData></w:fldChar></w:r><w:r><w:instrText> FORMCHECKBOX </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> Yes </w:t></w:r>
               <w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:checkBox><w:default w:val="0"/></w:checkBox></w:ffData></w:fldChar></w:r><w:r><w:t xml:space="preserve"> No</w:t></w:r></w:p>
               <w:p><w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val="1"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>☐</w:t></w:r></w:sdtContent></w:sdt><w:r><w:t> Yes </w:t></w:r><w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val="0"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>☒</w:t></w:r></w:sdtContent></w:sdt><w:r><w:t> No</w:t></w:r></w:p>
               <w:p><w:r><w:sym w:font="Wingdings" w:char="F0FE"/><w:t xml:space="preserve"> Yes </w:t><w:sym w:font="Wingdings" w:char="F0A8"/><w:t xml:space="preserve"> No</w:t></w:r></w:p>
               <w:p><w:r><w:t>✔ Yes ☐ No</w:t></w:r></w:p>"#,
        );
        assert_eq!(
            texts(&doc),
            ["☒ Yes ☐ No", "☒ Yes ☐ No", "☒ Yes ☐ No", "☒ Yes ☐ No"]
        );
    }

    #[test]
    fn legacy_drop_down_shows_its_choice() {
        let doc = doc_of(
            r#"<w:p><w:r><w:t xml:space="preserve">Existing accounts: </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:ddList><w:result w:val="1"/><w:listEntry w:val="Yes"/><w:listEntry w:val="No"/></w:ddList></w:ffData></w:fldChar></w:r><w:r><w:instrText> FORMDROPDOWN </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>"#,
        );
        assert_eq!(texts(&doc), ["Existing accounts: No"]);
    }

    #[test]
    fn tables_with_merges_paragraphs_and_a_nested_table() {
        let doc = doc_of(
            r#"<w:p><w:r><w:t>Before</w:t></w:r></w:p>
            <w:tbl>
              <w:tr><w:tc><w:p><w:r><w:t>Name:</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:gridSpan w:val="2"/><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>Rose Hill</w:t></w:r></w:p><w:p/><w:p><w:r><w:t>1 High St</w:t></w:r></w:p></w:tc></w:tr>
              <w:tr><w:tc><w:p><w:r><w:t>Accounts:</w:t></w:r></w:p>
                 <w:tbl><w:tr><w:tc><w:p><w:r><w:t>Jo</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>07700 900123</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
                 <w:p/></w:tc><w:tc><w:tcPr><w:gridSpan w:val="2"/><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr>
            </w:tbl>
            <w:p><w:r><w:t>After</w:t></w:r></w:p>"#,
        );
        assert_eq!(doc.blocks.len(), 4);
        assert_eq!(
            cells(&doc.blocks[1]),
            [vec!["Name:", "Rose Hill\n1 High St"], vec!["Accounts:", ""]]
        );
        assert_eq!(cells(&doc.blocks[2]), [vec!["Jo", "07700 900123"]]);
        match &doc.blocks[1] {
            Block::Table { rows, place } => {
                assert_eq!(place, "table 1");
                assert_eq!(rows[0][1].place, "table 1, row 1, cell 2");
            }
            Block::Text { .. } => panic!("expected a table"),
        }
        match &doc.blocks[3] {
            Block::Text { text, place } => {
                assert_eq!(text, "After");
                assert_eq!(place, "paragraph 2");
            }
            Block::Table { .. } => panic!("expected text"),
        }
    }

    #[test]
    fn text_boxes_are_read_once() {
        let doc = doc_of(
            r#"<w:p><w:r><w:t>Outer</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>In the box</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>In the box</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"#,
        );
        assert_eq!(texts(&doc), ["In the box", "Outer"]);
    }

    #[test]
    fn reads_a_docx_file_and_refuses_hostile_ones() {
        let xml = format!(
            r#"<?xml version="1.0"?><w:document {NS}><w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:document>"#
        );
        let bytes = make_zip(&[("word/document.xml", xml.as_bytes())]);
        let doc = read("f.docx", &bytes, &Limits::default()).unwrap();
        assert_eq!(texts(&doc), ["Hello"]);

        let no_body = make_zip(&[("other.xml", b"<a/>")]);
        assert!(matches!(
            read("f.docx", &no_body, &Limits::default()),
            Err(ReadError::Corrupt(_))
        ));
        let broken = make_zip(&[("word/document.xml", b"<w:document><w:body><w:p></w:body>")]);
        assert!(read("f.docx", &broken, &Limits::default()).is_err());
        assert!(read("f.docx", b"\x00\x01garbage", &Limits::default()).is_err());
    }

    #[test]
    fn reads_the_generated_fixture() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/docx/form.docx"
        ))
        .unwrap();
        let doc = read("form.docx", &bytes, &Limits::default()).unwrap();
        let form = cells(&doc.blocks[1]);
        assert_eq!(form[0], ["Name:", "Amy Price"]);
        assert_eq!(form[1][1], "Rose Court\n1 Mill Lane\nLeeds");
        assert_eq!(form[2][1], "Yes/");
        assert_eq!(form[2][2], "", "continuation of a vertical merge");
        assert_eq!(form[3][1], "☒ Yes ☐ No");
        assert_eq!(form[4][1], "", "the nested table stays out of the cell");
        assert_eq!(
            cells(&doc.blocks[2]),
            [
                vec!["Jo Bloggs", "07700 900123"],
                vec!["Sam Lee", "07700 900124"]
            ]
        );
        assert_eq!(
            texts(&doc),
            ["Appendix 1: NHSmail account application form", "Thank you"]
        );
    }

    #[test]
    fn damaged_fixture_never_panics() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/docx/form.docx"
        ))
        .unwrap();
        for i in (0..bytes.len()).step_by(397) {
            let mut damaged = bytes.clone();
            damaged[i] ^= 0x5A;
            let _ = read("d.docx", &damaged, &Limits::default());
            let _ = read("t.docx", &bytes[..i], &Limits::default());
        }
    }

    #[test]
    fn zip_bomb_named_docx_is_too_large() {
        let zeros = vec![0u8; 8 * 1024 * 1024];
        let bytes = make_zip(&[("word/document.xml", &zeros)]);
        let limits = Limits {
            max_unzipped_bytes: 1024 * 1024,
            ..Limits::default()
        };
        assert!(matches!(
            read("bomb.docx", &bytes, &limits),
            Err(ReadError::TooLarge(_))
        ));
    }
}
