//! Fillable PDFs (AcroForm): the answers live in the form fields' values,
//! not in the page text. Each filled field is drawn as text where its box
//! stands on its page, so the layout reads it beside the printed question
//! like any typed answer; a ticked box is drawn as `☒`, an empty one as `☐`.
//! A field whose box cannot be placed is listed after the pages as "its
//! name: its value", for its name may be the question.

use super::glyphs::Glyph;
use pdf_extract::{Dictionary, Document, Object, ObjectId};
use std::collections::HashSet;

/// Most fields followed: a real form has dozens.
const MAX_FIELDS: usize = 2_000;
/// Longest value drawn from one field.
const MAX_VALUE_CHARS: usize = 4_000;

/// A filled field that could not be placed on a page.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Unplaced {
    pub(super) name: String,
    pub(super) value: String,
}

/// The fields' values, as glyphs per page (in the order of `pages`) and a
/// list of those without a place.
pub(super) fn field_glyphs(doc: &Document, pages: &[ObjectId]) -> (Vec<Vec<Glyph>>, Vec<Unplaced>) {
    let mut drawn = vec![Vec::new(); pages.len()];
    let mut unplaced = Vec::new();
    let Some(fields) = form_fields(doc) else {
        return (drawn, unplaced);
    };
    let mut seen = HashSet::new();
    let mut todo: Vec<(ObjectId, Option<Inherited>)> =
        fields.into_iter().map(|id| (id, None)).collect();
    while let Some((id, parent)) = todo.pop() {
        if seen.len() >= MAX_FIELDS || !seen.insert(id) {
            continue;
        }
        let Ok(field) = doc.get_dictionary(id) else {
            continue;
        };
        let inherited = Inherited::of(doc, field, parent.as_ref());
        if let Ok(Object::Array(kids)) = field.get(b"Kids") {
            for kid in kids {
                if let Ok(kid) = kid.as_reference() {
                    todo.push((kid, Some(inherited.clone())));
                }
            }
        }
        let Some(text) = widget_text(doc, field, &inherited) else {
            continue;
        };
        match place(doc, id, field, pages) {
            Some((page, rect)) => {
                if let Some(glyphs) = drawn.get_mut(page) {
                    draw(glyphs, &text, rect);
                }
            }
            None if !text.trim().is_empty() && !matches!(text.as_str(), "☐" | "☒") => unplaced
                .push(Unplaced {
                    name: inherited.label(),
                    value: text,
                }),
            None => {}
        }
    }
    (drawn, unplaced)
}

/// The document's top-level fields.
fn form_fields(doc: &Document) -> Option<Vec<ObjectId>> {
    let acro = doc
        .catalog()
        .ok()?
        .get_deref(b"AcroForm", doc)
        .ok()?
        .as_dict()
        .ok()?;
    let fields = acro.get_deref(b"Fields", doc).ok()?.as_array().ok()?;
    Some(
        fields
            .iter()
            .filter_map(|f| f.as_reference().ok())
            .collect(),
    )
}

/// What a field takes from its parents: its type, value, name and tooltip.
#[derive(Clone, Debug, Default)]
struct Inherited {
    kind: Vec<u8>,
    value: Option<String>,
    name: Option<String>,
    tooltip: Option<String>,
}

impl Inherited {
    fn of(doc: &Document, field: &Dictionary, parent: Option<&Inherited>) -> Self {
        let mut me = parent.cloned().unwrap_or_default();
        if let Ok(kind) = field.get(b"FT").and_then(Object::as_name) {
            me.kind = kind.to_vec();
        }
        if let Ok(value) = field.get_deref(b"V", doc) {
            me.value = object_text(value);
        }
        if let Some(name) = field.get(b"T").ok().and_then(object_text) {
            me.name = Some(name);
        }
        if let Some(tip) = field.get(b"TU").ok().and_then(object_text) {
            me.tooltip = Some(tip);
        }
        me
    }

    /// The field's question as the form's author named it.
    fn label(&self) -> String {
        self.tooltip
            .clone()
            .or_else(|| self.name.clone())
            .unwrap_or_default()
    }
}

/// What a widget shows: the text of a text or choice field, or a box
/// ticked or not for a button (its appearance state against "Off"). A
/// field with no box of its own shows its value only when no widget below
/// it does.
fn widget_text(doc: &Document, node: &Dictionary, field: &Inherited) -> Option<String> {
    if !node.has(b"Rect") {
        return if has_widget_kids(doc, node) {
            None
        } else {
            field.value.clone().filter(|v| !v.trim().is_empty())
        };
    }
    if field.kind == b"Btn" {
        let state = node
            .get(b"AS")
            .ok()
            .and_then(|s| s.as_name().ok())
            .map(|s| String::from_utf8_lossy(s).to_string());
        let on = match state {
            Some(state) => state != "Off",
            None => field
                .value
                .as_deref()
                .is_some_and(|v| v != "Off" && !v.is_empty()),
        };
        return Some(if on { "☒" } else { "☐" }.to_string());
    }
    field.value.clone().filter(|v| !v.trim().is_empty())
}

fn has_widget_kids(doc: &Document, field: &Dictionary) -> bool {
    let Ok(Object::Array(kids)) = field.get(b"Kids") else {
        return false;
    };
    kids.iter().any(|k| {
        k.as_reference()
            .ok()
            .and_then(|id| doc.get_dictionary(id).ok())
            .is_some_and(|d| d.has(b"Rect"))
    })
}

/// A field value as text: a string (PDFDocEncoding or UTF-16), a name (a
/// choice), or the first of several chosen.
fn object_text(object: &Object) -> Option<String> {
    let text = match object {
        Object::String(bytes, _) => decode_text(bytes),
        Object::Name(name) => String::from_utf8_lossy(name).to_string(),
        Object::Array(items) => items.iter().find_map(object_text)?,
        _ => return None,
    };
    Some(
        text.chars()
            .take(MAX_VALUE_CHARS)
            .collect::<String>()
            .replace('\r', "\n"),
    )
}

fn decode_text(bytes: &[u8]) -> String {
    if let Some(utf16) = bytes.strip_prefix(&[0xfe, 0xff]) {
        let units: Vec<u16> = utf16
            .chunks_exact(2)
            .map(|p| u16::from_be_bytes([p[0], p[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(utf8) = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        return String::from_utf8_lossy(utf8).to_string();
    }
    bytes.iter().map(|&b| pdf_doc_char(b)).collect()
}

/// PDFDocEncoding: Latin-1 but for the typographic marks at 0x80-0x9F.
fn pdf_doc_char(b: u8) -> char {
    const MARKS: [char; 32] = [
        '•', '†', '‡', '…', '—', '–', 'ƒ', '⁄', '‹', '›', '−', '‰', '„', '“', '”', '‘', '’', '‚',
        '™', 'ﬁ', 'ﬂ', 'Ł', 'Œ', 'Š', 'Ÿ', 'Ž', 'ı', 'ł', 'œ', 'š', 'ž', '\u{fffd}',
    ];
    match b {
        0x80..=0x9f => MARKS
            .get(usize::from(b - 0x80))
            .copied()
            .unwrap_or('\u{fffd}'),
        _ => char::from(b),
    }
}

/// A box on a page: left, bottom, right, top.
type Rect = (f64, f64, f64, f64);

/// The page (an index into `pages`) and box of a widget.
fn place(
    doc: &Document,
    id: ObjectId,
    widget: &Dictionary,
    pages: &[ObjectId],
) -> Option<(usize, Rect)> {
    let rect = widget.get(b"Rect").ok()?.as_array().ok()?;
    let n = |i: usize| {
        rect.get(i).and_then(|v| {
            v.as_float()
                .ok()
                .map(f64::from)
                .or_else(|| v.as_i64().ok().map(|i| i as f64))
        })
    };
    let (x1, y1, x2, y2) = (n(0)?, n(1)?, n(2)?, n(3)?);
    let rect = (x1.min(x2), y1.min(y2), x1.max(x2), y1.max(y2));
    if ![rect.0, rect.1, rect.2, rect.3]
        .iter()
        .all(|v| v.is_finite())
    {
        return None;
    }
    let page = match widget.get(b"P").and_then(Object::as_reference) {
        Ok(id) => pages.iter().position(|p| *p == id)?,
        Err(_) => page_listing(doc, id, pages)?,
    };
    Some((page, rect))
}

/// The page whose /Annots lists this widget (when the widget names none).
fn page_listing(doc: &Document, widget: ObjectId, pages: &[ObjectId]) -> Option<usize> {
    pages.iter().position(|page| {
        doc.get_dictionary(*page)
            .ok()
            .and_then(|p| p.get_deref(b"Annots", doc).ok())
            .and_then(|a| a.as_array().ok())
            .is_some_and(|annots| annots.iter().any(|a| a.as_reference().ok() == Some(widget)))
    })
}

/// Draws a value inside its box: from the box's left, on its first line,
/// further lines below.
fn draw(glyphs: &mut Vec<Glyph>, text: &str, (left, bottom, _, top): Rect) {
    let height = (top - bottom).max(1.0);
    let size = height.clamp(6.0, 12.0).min(10.0);
    let mut y = if text.contains('\n') {
        top - size
    } else {
        bottom + (height - size) / 2.0
    };
    for line in text.split('\n') {
        let mut x = left + 2.0;
        for c in line.chars() {
            let width = size * 0.5;
            glyphs.push(Glyph {
                x,
                end_x: x + width,
                y,
                size,
                text: c.to_string(),
            });
            x += width;
        }
        y -= size * 1.2;
    }
}
