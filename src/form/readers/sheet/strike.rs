//! Struck-through text in `.xlsx` workbooks, which calamine does not report.
//!
//! People answer "Yes/No" in a cell by striking the option not chosen, just
//! as in Word. A whole cell may be struck through its style (style → font),
//! or only some runs of a rich-text string (`<r><rPr><strike/>`), either in
//! the shared strings or inline in a sheet. Calamine gives the full text of
//! a rich string, so struck runs are mapped from that full text to the text
//! left visible; a full text that also occurs unstruck is left alone.

use std::collections::HashMap;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::form::readers::docx::{attr, local, resolve_ref};
use crate::form::readers::{Limits, ReadError, zipsafe};

/// What is struck in one workbook.
#[derive(Debug, Default)]
pub(super) struct XlsxStrike {
    /// By cell style index (`s` attribute): whether the cell's font strikes.
    struck_styles: Vec<bool>,
    /// Full text of a rich string → its visible text, or `None` when the
    /// same full text is also written without (or with other) strikes.
    rich: HashMap<String, Option<String>>,
}

impl XlsxStrike {
    /// Reads the styles, shared strings and inline strings of a workbook.
    pub(super) fn load(bytes: &[u8], limits: &Limits) -> Result<Self, ReadError> {
        let mut zip = zipsafe::open(bytes, limits)?;
        let mut strike = XlsxStrike::default();
        if zip.has("xl/styles.xml") {
            strike.struck_styles = struck_styles(&zip.read_string("xl/styles.xml")?);
        }
        for name in zip.names() {
            let strings = name == "xl/sharedStrings.xml"
                || (name.starts_with("xl/worksheets/") && name.ends_with(".xml"));
            if strings {
                collect_rich(&zip.read_string(&name)?, &mut strike.rich);
            }
        }
        Ok(strike)
    }

    /// Whether a cell in this style is struck through as a whole.
    pub(super) fn style_struck(&self, style: usize) -> bool {
        self.struck_styles.get(style).copied().unwrap_or(false)
    }

    /// The text a person sees for a string calamine read in full.
    pub(super) fn visible<'a>(&'a self, text: &'a str) -> &'a str {
        match self.rich.get(text) {
            Some(Some(visible)) => visible,
            _ => text,
        }
    }
}

/// Whether an on/off property (`<strike/>`, `<strike val="1"/>`) is on.
fn is_on(e: &BytesStart<'_>) -> bool {
    !matches!(attr(e, "val").as_deref(), Some("0" | "false"))
}

/// For each cell format (`cellXfs/xf`), whether its font is struck.
fn struck_styles(xml: &str) -> Vec<bool> {
    let mut fonts: Vec<bool> = Vec::new();
    let mut formats: Vec<Option<usize>> = Vec::new();
    let mut section = String::new();
    let mut reader = Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => match local(&e).as_str() {
                name @ ("fonts" | "cellXfs" | "cellStyleXfs" | "dxfs") => section = name.into(),
                "font" if section == "fonts" => fonts.push(false),
                "xf" if section == "cellXfs" => formats.push(font_id(&e)),
                "strike" if section == "fonts" => mark_last(&mut fonts, is_on(&e)),
                _ => {}
            },
            Ok(Event::Empty(e)) => match local(&e).as_str() {
                "font" if section == "fonts" => fonts.push(false),
                "xf" if section == "cellXfs" => formats.push(font_id(&e)),
                "strike" if section == "fonts" => mark_last(&mut fonts, is_on(&e)),
                _ => {}
            },
            Ok(Event::End(e)) => {
                if matches!(
                    e.local_name().as_ref(),
                    "fonts" | "cellXfs" | "cellStyleXfs" | "dxfs"
                ) {
                    section.clear();
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    formats
        .into_iter()
        .map(|font| font.and_then(|f| fonts.get(f).copied()).unwrap_or(false))
        .collect()
}

fn font_id(e: &BytesStart<'_>) -> Option<usize> {
    attr(e, "fontId").and_then(|v| v.parse().ok())
}

fn mark_last(fonts: &mut [bool], on: bool) {
    if let Some(last) = fonts.last_mut() {
        *last = on;
    }
}

/// One rich string being read: its full text and what stays visible.
#[derive(Debug, Default)]
struct Rich {
    full: String,
    visible: String,
    struck: bool,
}

/// Adds the rich strings (`si` in shared strings, `is` inline in a sheet)
/// of one part to the map.
fn collect_rich(xml: &str, rich: &mut HashMap<String, Option<String>>) {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<String> = Vec::new();
    let mut item: Option<Rich> = None;
    let mut run_struck = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = local(&e);
                match name.as_str() {
                    "si" | "is" => item = Some(Rich::default()),
                    "r" => run_struck = false,
                    _ => {}
                }
                stack.push(name);
            }
            Ok(Event::Empty(e)) => {
                let in_run_props = stack.last().is_some_and(|s| s == "rPr");
                if local(&e) == "strike" && in_run_props {
                    run_struck = is_on(&e);
                }
            }
            Ok(Event::Text(t)) => add_text(&stack, &mut item, run_struck, &t.xml10_content()),
            Ok(Event::GeneralRef(r)) => {
                if let Some(s) = resolve_ref(&r) {
                    add_text(&stack, &mut item, run_struck, &s);
                }
            }
            Ok(Event::End(_)) => {
                let name = stack.pop().unwrap_or_default();
                if (name == "si" || name == "is")
                    && let Some(done) = item.take()
                {
                    record(rich, done);
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
}

fn add_text(stack: &[String], item: &mut Option<Rich>, run_struck: bool, text: &str) {
    let in_t = stack.last().is_some_and(|s| s == "t");
    // Phonetic guides (`rPh`) are not part of the cell's text.
    let phonetic = stack.iter().any(|s| s == "rPh");
    let Some(item) = item.as_mut() else {
        return;
    };
    if in_t && !phonetic {
        item.full.push_str(text);
        if run_struck {
            item.struck = true;
        } else {
            item.visible.push_str(text);
        }
    }
}

fn record(rich: &mut HashMap<String, Option<String>>, item: Rich) {
    let visible = item.struck.then_some(item.visible);
    match rich.get(&item.full) {
        None => {
            rich.insert(item.full, visible);
        }
        // Written both ways: no telling which cell is which, keep the text.
        Some(existing) if *existing != visible => {
            rich.insert(item.full, None);
        }
        Some(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn struck_runs_and_struck_fonts() {
        let mut rich = HashMap::new();
        collect_rich(
            r#"<sst><si><t>Name</t></si><si><r><t>Yes/</t></r><r><rPr><strike/><sz val="11"/></rPr><t>No</t></r></si><si><r><rPr><strike val="0"/></rPr><t>Kept</t></r></si></sst>"#,
            &mut rich,
        );
        let strike = XlsxStrike {
            struck_styles: struck_styles(
                r#"<styleSheet><fonts count="2"><font><sz val="11"/></font><font><strike/></font></fonts><cellStyleXfs><xf fontId="1"/></cellStyleXfs><cellXfs count="2"><xf fontId="0"/><xf fontId="1"/></cellXfs></styleSheet>"#,
            ),
            rich,
        };
        assert_eq!(strike.visible("Yes/No"), "Yes/");
        assert_eq!(strike.visible("Kept"), "Kept");
        assert_eq!(strike.visible("Name"), "Name");
        assert!(!strike.style_struck(0));
        assert!(strike.style_struck(1));
        assert!(!strike.style_struck(7));
    }

    #[test]
    fn same_text_also_unstruck_is_left_alone() {
        let mut rich = HashMap::new();
        collect_rich(
            r#"<w><is><r><t>Yes/</t></r><r><rPr><strike/></rPr><t>No</t></r></is><is><t>Yes/No</t></is></w>"#,
            &mut rich,
        );
        let strike = XlsxStrike {
            rich,
            ..XlsxStrike::default()
        };
        assert_eq!(strike.visible("Yes/No"), "Yes/No");
    }
}
