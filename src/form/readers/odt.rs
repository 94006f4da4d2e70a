//! OpenDocument text (`.odt`): `content.xml` as paragraphs and tables, with
//! the same output as the Word reader.
//!
//! Strike-through lives in styles (automatic ones in `content.xml`, named
//! ones in `styles.xml`), so the styles are read first. Tracked deletions
//! sit apart in `text:tracked-changes` and are skipped with it; comments
//! and notes are skipped too, so they never end up inside an answer.

use std::collections::HashMap;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::docx::{Layout, attr, local, resolve_ref};
use super::{Limits, ReadError, zipsafe};
use crate::form::document::Document;

/// Elements whose whole content is not part of the visible text.
const SKIPPED: [&str; 5] = [
    "tracked-changes",
    "annotation",
    "note",
    "notes",
    "table-of-content-source",
];

/// Most spaces one `text:s` may stand for (a hostile count is capped).
const MAX_SPACES: usize = 1000;

/// Reads an OpenDocument text file.
pub fn read(name: &str, bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    let mut zip = zipsafe::open(bytes, limits)?;
    if !zip.has("content.xml") {
        return Err(ReadError::Corrupt("no content.xml inside".into()));
    }
    let content = zip.read_string("content.xml")?;
    let mut styles = StrikeStyles::default();
    if zip.has("styles.xml") {
        styles.collect(&zip.read_string("styles.xml")?);
    }
    styles.collect(&content);
    read_xml(name, &content, &styles)
}

/// Which styles strike their text through, with inheritance.
#[derive(Debug, Default)]
struct StrikeStyles {
    /// Style name → (its own setting, if any; its parent style).
    styles: HashMap<String, (Option<bool>, Option<String>)>,
}

impl StrikeStyles {
    fn collect(&mut self, xml: &str) {
        let mut reader = Reader::from_str(xml);
        let mut current: Option<String> = None;
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) if local(&e) == "style" => {
                    current = attr(&e, "name");
                    if let Some(name) = &current {
                        self.styles
                            .insert(name.clone(), (None, attr(&e, "parent-style-name")));
                    }
                }
                Ok(Event::Empty(e)) if local(&e) == "style" => {
                    if let Some(name) = attr(&e, "name") {
                        self.styles
                            .insert(name, (None, attr(&e, "parent-style-name")));
                    }
                }
                Ok(Event::Empty(e)) if local(&e) == "text-properties" => {
                    self.note_properties(current.as_deref(), &e)
                }
                Ok(Event::Start(e)) if local(&e) == "text-properties" => {
                    self.note_properties(current.as_deref(), &e)
                }
                Ok(Event::End(e)) if e.local_name().as_ref() == "style" => current = None,
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
        }
    }

    fn note_properties(&mut self, style: Option<&str>, e: &BytesStart<'_>) {
        let Some(entry) = style.and_then(|s| self.styles.get_mut(s)) else {
            return;
        };
        let line = attr(e, "text-line-through-style")
            .or_else(|| attr(e, "text-line-through-type"))
            .map(|v| v != "none");
        if line.is_some() {
            entry.0 = line;
        }
    }

    /// Whether text in this style is struck, looking up parents (bounded,
    /// since a hostile file may make them loop).
    fn is_struck(&self, style: &str) -> bool {
        let mut name = style.to_string();
        for _ in 0..16 {
            match self.styles.get(&name) {
                Some((Some(struck), _)) => return *struck,
                Some((None, Some(parent))) => name = parent.clone(),
                _ => return false,
            }
        }
        false
    }
}

fn read_xml(name: &str, xml: &str, styles: &StrikeStyles) -> Result<Document, ReadError> {
    let mut walker = Walker::new(name, styles);
    let mut reader = Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => walker.open(&e, false),
            Ok(Event::Empty(e)) => walker.open(&e, true),
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
            Err(e) => return Err(ReadError::Corrupt(format!("damaged OpenDocument XML: {e}"))),
        }
    }
    Ok(walker.finish())
}

/// What an open element means for the text inside it.
#[derive(Debug)]
struct Open {
    name: String,
    struck: bool,
    /// Not visible text: a comment, a note, a frame's alt text.
    skipped: bool,
}

struct Walker<'s> {
    out: Layout,
    styles: &'s StrikeStyles,
    stack: Vec<Open>,
    skip_depth: usize,
    /// Covered cells still hidden by the span of a cell to their left.
    span_left: usize,
}

impl<'s> Walker<'s> {
    fn new(name: &str, styles: &'s StrikeStyles) -> Self {
        Walker {
            out: Layout::new(name),
            styles,
            stack: Vec::new(),
            skip_depth: 0,
            span_left: 0,
        }
    }

    fn struck(&self) -> bool {
        self.stack.last().is_some_and(|o| o.struck)
    }

    fn open(&mut self, e: &BytesStart<'_>, empty: bool) {
        let name = local(e);
        let own_style = attr(e, "style-name").is_some_and(|s| self.styles.is_struck(&s));
        let struck = self.struck() || own_style;
        // A frame's `svg:title` and `svg:desc` are alt text, not content.
        let skipped = SKIPPED.contains(&name.as_str()) || e.name().as_ref().starts_with("svg:");
        if skipped {
            self.skip_depth += 1;
        }
        self.start(&name, e, struck);
        self.stack.push(Open {
            name,
            struck,
            skipped,
        });
        if empty {
            self.close();
        }
    }

    fn start(&mut self, name: &str, e: &BytesStart<'_>, struck: bool) {
        if self.skip_depth > 0 || struck {
            return;
        }
        match name {
            "p" | "h" => self.out.start_paragraph(),
            "line-break" => self.push_str("\n"),
            "tab" => self.push_str("\t"),
            "s" => {
                let n = attr(e, "c")
                    .and_then(|c| c.parse::<usize>().ok())
                    .unwrap_or(1);
                self.push_str(&" ".repeat(n.min(MAX_SPACES)));
            }
            "table" => self.out.tables.start_table(),
            "table-row" => {
                self.out.tables.start_row();
                self.span_left = 0;
            }
            "table-cell" => {
                self.out.tables.start_cell();
                self.span_left = attr(e, "number-columns-spanned")
                    .and_then(|n| n.parse::<usize>().ok())
                    .map_or(0, |n| n.saturating_sub(1));
            }
            "covered-table-cell" => {
                if self.span_left > 0 {
                    self.span_left -= 1;
                } else {
                    // Covered by a cell above (a vertical merge): empty.
                    self.out.tables.start_cell();
                    self.out.tables.end_cell(true);
                }
            }
            _ => {}
        }
    }

    fn close(&mut self) {
        let Some(open) = self.stack.pop() else {
            return;
        };
        let name = open.name.as_str();
        if open.skipped {
            self.skip_depth = self.skip_depth.saturating_sub(1);
            return;
        }
        if self.skip_depth > 0 || open.struck {
            return;
        }
        match name {
            "p" | "h" => self.out.end_paragraph(),
            "table" => self.out.end_table(),
            "table-row" => self.out.tables.end_row(),
            "table-cell" => self.out.tables.end_cell(false),
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if self.skip_depth > 0 || self.struck() {
            return;
        }
        let in_paragraph = self.stack.iter().any(|o| o.name == "p" || o.name == "h");
        if in_paragraph {
            // Whitespace in ODF text is collapsed; `text:s` carries real spaces.
            let collapsed = collapse_spaces(text);
            self.push_str(&collapsed);
        }
    }

    fn push_str(&mut self, s: &str) {
        if self.skip_depth > 0 || self.struck() {
            return;
        }
        self.out.push_str(s);
    }

    fn finish(self) -> Document {
        self.out.finish()
    }
}

/// Runs of XML whitespace become one space, as ODF readers show them.
fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = false;
    for c in text.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r') {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::document::Block;

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
    fn reads_the_fixture_form() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/odt/form.odt"
        ))
        .unwrap();
        let doc = read("f.odt", &bytes, &Limits::default()).unwrap();
        assert_eq!(
            doc.blocks.first(),
            Some(&Block::Text {
                text: "Appendix 1".into(),
                place: "paragraph 1".into()
            })
        );
        let table = cells(&doc.blocks[1]);
        assert_eq!(table[0], ["Name:", "Amy Price"]);
        assert_eq!(table[1][1], "Rose Court\n1 Mill Lane\nLeeds");
        assert_eq!(table[2][1], "Yes/");
        assert_eq!(table[3][1], "07700  900123\tmobile");
        assert!(matches!(&doc.blocks[2], Block::Text { text, .. } if text == "Thank you"));
    }

    #[test]
    fn vertical_merge_and_tracked_deletion() {
        let xml = r#"<office:document-content xmlns:office="o" xmlns:text="t" xmlns:table="tb" xmlns:style="s" xmlns:fo="f">
          <office:automatic-styles><style:style style:name="S1" style:family="text"/><style:style style:name="S2" style:family="text" style:parent-style-name="Base"/></office:automatic-styles>
          <office:body><office:text>
            <text:tracked-changes><text:changed-region><text:deletion><text:p>No</text:p></text:deletion></text:changed-region></text:tracked-changes>
            <text:p>Yes/<text:change text:change-id="c1"/><draw:frame xmlns:draw="d" xmlns:svg="v"><svg:title>logo</svg:title></draw:frame><office:annotation><text:p>a comment</text:p></office:annotation></text:p>
            <table:table><table:table-row><table:table-cell table:number-rows-spanned="2"><text:p>A</text:p></table:table-cell><table:table-cell><text:p>B</text:p></table:table-cell></table:table-row>
            <table:table-row><table:covered-table-cell/><table:table-cell><text:p>C</text:p><table:table><table:table-row><table:table-cell><text:p>inner</text:p></table:table-cell></table:table-row></table:table></table:table-cell></table:table-row></table:table>
          </office:text></office:body></office:document-content>"#;
        let mut styles = StrikeStyles::default();
        styles.collect(
            r#"<s><style:style style:name="Base"><style:text-properties style:text-line-through-style="solid"/></style:style></s>"#,
        );
        styles.collect(xml);
        assert!(styles.is_struck("S2"));
        assert!(!styles.is_struck("S1"));
        let doc = read_xml("f.odt", xml, &styles).unwrap();
        assert!(matches!(&doc.blocks[0], Block::Text { text, .. } if text == "Yes/"));
        assert_eq!(cells(&doc.blocks[1]), [vec!["A", "B"], vec!["", "C"]]);
        assert_eq!(cells(&doc.blocks[2]), [vec!["inner"]]);
    }

    #[test]
    fn hostile_input_never_panics() {
        let limits = Limits::default();
        assert!(read("f.odt", b"garbage", &limits).is_err());
        let bomb = zipsafe::tests::make_zip(&[("content.xml", &vec![b' '; 4 * 1024 * 1024])]);
        let small = Limits {
            max_unzipped_bytes: 1024 * 1024,
            ..Limits::default()
        };
        assert!(matches!(
            read("f.odt", &bomb, &small),
            Err(ReadError::TooLarge(_))
        ));
        let spaces = r#"<d xmlns:text="t"><text:p>a<text:s text:c="99999999999"/>b</text:p></d>"#;
        let doc = read_xml("f.odt", spaces, &StrikeStyles::default()).unwrap();
        assert!(doc.plain_text().len() < 2 * MAX_SPACES);
        let looping = StrikeStyles {
            styles: HashMap::from([
                ("a".to_string(), (None, Some("b".to_string()))),
                ("b".to_string(), (None, Some("a".to_string()))),
            ]),
        };
        assert!(!looping.is_struck("a"));
    }
}
