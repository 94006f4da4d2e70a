//! A fast path for simple PDFs: pages whose text is drawn only in the
//! standard 14 fonts (no embedded font, no /ToUnicode, no /Widths, encoding
//! absent or /WinAnsiEncoding), as ReportLab and similar generators write
//! them.
//!
//! It produces exactly the glyphs pdf-extract's interpreter would (same
//! transforms in the same order, same widths and text from [`std14`], same
//! [`Collector`]), but tokenizes the content stream itself and builds no
//! font objects. Whenever a page holds anything it does not mirror exactly
//! (another font, a form XObject, an ExtGState, a colour space, an inline
//! image, a dictionary operand, a comment, unusual whitespace, an operator
//! pdf-extract would panic on...) it gives up on the whole document and the
//! caller reads it with pdf-extract instead.

use super::glyphs::Collector;
use super::std14::{self, Metrics};
use pdf_extract::{Dictionary, Document, Object, ObjectId, OutputDev, Transform};
use std::borrow::Cow;
use std::time::Instant;

/// Reads the given pages; `None` when the document needs pdf-extract.
/// A collector that timed out is returned as it is (`timed_out` set).
pub(super) fn collect(doc: &Document, pages: &[ObjectId], deadline: Instant) -> Option<Collector> {
    let mut collector = Collector::new(deadline);
    for id in pages {
        collector.pages.push(Vec::new());
        let page = doc.get_object(*id).ok()?.as_dict().ok()?;
        let resources = inherited(doc, page, b"Resources")?;
        let media_box = inherited(doc, page, b"MediaBox")??;
        match media_box {
            Object::Array(a) if a.len() >= 4 && a.iter().all(|o| num(o).is_some()) => {}
            _ => return None,
        }
        if page.has(b"ArtBox") {
            return None;
        }
        let resources = match resources {
            None => None,
            Some(Object::Dictionary(d)) => Some(d),
            Some(_) => return None,
        };
        let content = doc.get_page_content(*id).ok()?;
        let mut ops = Vec::new();
        tokenize(&content, &mut ops)?;
        interpret(doc, resources, &ops, &mut collector)?;
        if collector.timed_out {
            break;
        }
    }
    Some(collector)
}

/// An inheritable page attribute (dereferenced): `Some(None)` when no
/// ancestor has it, `None` when the tree is too deep to follow.
fn inherited<'a>(
    doc: &'a Document,
    page: &'a Dictionary,
    key: &[u8],
) -> Option<Option<&'a Object>> {
    let mut dict = page;
    for _ in 0..32 {
        if let Ok(value) = dict.get(key) {
            return Some(Some(deref(doc, value)?));
        }
        let Some(parent) = dict
            .get(b"Parent")
            .and_then(Object::as_reference)
            .and_then(|id| doc.get_dictionary(id))
            .ok()
        else {
            return Some(None);
        };
        dict = parent;
    }
    None
}

fn deref<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Object> {
    match object {
        Object::Reference(id) => match doc.get_object(*id).ok()? {
            Object::Reference(_) => None,
            other => Some(other),
        },
        other => Some(other),
    }
}

fn num(object: &Object) -> Option<f64> {
    match object {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(f) => Some(f64::from(*f)),
        _ => None,
    }
}

/// An operand as lopdf's content parser would read it (numbers already
/// converted the way pdf-extract converts them).
#[derive(Debug)]
enum Operand<'a> {
    Number(f64),
    Name(&'a [u8]),
    String(Cow<'a, [u8]>),
    /// Of numbers and strings only.
    Array(Vec<Operand<'a>>),
}

#[derive(Debug)]
struct Operation<'a> {
    operator: &'a [u8],
    operands: Vec<Operand<'a>>,
}

fn is_content_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_white(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\0' | b'\x0C')
}

fn is_regular(c: u8) -> bool {
    !is_white(c) && !b"()<>[]{}/%".contains(&c)
}

fn is_operator_char(c: u8) -> bool {
    c.is_ascii_alphabetic() || matches!(c, b'*' | b'\'' | b'"')
}

/// Splits a content stream into operations; `None` for anything outside
/// the subset read here.
fn tokenize<'a>(data: &'a [u8], ops: &mut Vec<Operation<'a>>) -> Option<()> {
    let mut i = 0;
    let mut operands = Vec::new();
    while i < data.len() && is_content_space(data[i]) {
        i += 1;
    }
    while i < data.len() {
        let c = data[i];
        if is_operator_char(c) {
            let start = i;
            while i < data.len() && is_operator_char(data[i]) {
                i += 1;
            }
            let operator = &data[start..i];
            // lopdf would read these as operands or an inline image.
            if [&b"true"[..], b"false", b"null", b"BI"]
                .iter()
                .any(|p| operator.starts_with(p))
            {
                return None;
            }
            ops.push(Operation {
                operator,
                operands: std::mem::take(&mut operands),
            });
        } else {
            let operand;
            (operand, i) = operand_at(data, i, false)?;
            operands.push(operand);
        }
        while i < data.len() && is_content_space(data[i]) {
            i += 1;
        }
    }
    // Operands with no operator after them are dropped by lopdf too, but
    // such a stream is odd enough to leave to it.
    operands.is_empty().then_some(())
}

/// The operand starting at `i` and where the next token may start.
fn operand_at(data: &[u8], mut i: usize, in_array: bool) -> Option<(Operand<'_>, usize)> {
    let c = *data.get(i)?;
    match c {
        b'0'..=b'9' | b'+' | b'-' | b'.' => {
            let (value, end) = number(data, i)?;
            // What may follow a number without changing how lopdf splits
            // the tokens.
            match data.get(end) {
                Some(&n) if is_content_space(n) || (in_array && is_white(n)) => {}
                Some(b'(' | b'<' | b'/' | b'[') => {}
                Some(b']') if in_array => {}
                _ => return None,
            }
            Some((Operand::Number(value), end))
        }
        b'/' => {
            i += 1;
            let start = i;
            while i < data.len() && is_regular(data[i]) && data[i] != b'#' {
                i += 1;
            }
            if data.get(i) == Some(&b'#') || in_array {
                return None;
            }
            Some((Operand::Name(&data[start..i]), i))
        }
        b'(' => literal_string(data, i + 1),
        b'<' => {
            if data.get(i + 1) == Some(&b'<') {
                return None;
            }
            i += 1;
            let mut out = Vec::new();
            let mut high = true;
            loop {
                let c = *data.get(i)?;
                i += 1;
                if c == b'>' {
                    break;
                }
                if is_white(c) {
                    continue;
                }
                let digit = (c as char).to_digit(16)? as u8;
                if high {
                    out.push(digit << 4);
                } else if let Some(last) = out.last_mut() {
                    *last |= digit;
                }
                high = !high;
            }
            Some((Operand::String(Cow::Owned(out)), i))
        }
        b'[' if !in_array => {
            i += 1;
            let mut items = Vec::new();
            loop {
                while i < data.len() && is_white(data[i]) {
                    i += 1;
                }
                match *data.get(i)? {
                    b']' => return Some((Operand::Array(items), i + 1)),
                    _ => {
                        let item;
                        (item, i) = operand_at(data, i, true)?;
                        items.push(item);
                    }
                }
            }
        }
        _ => None,
    }
}

/// A number as lopdf reads it: a real (`f32`) when it has a point, else
/// an `i64`; `None` when it is neither.
fn number(data: &[u8], start: usize) -> Option<(f64, usize)> {
    let mut i = start;
    if matches!(data.get(i), Some(b'+' | b'-')) {
        i += 1;
    }
    let int_start = i;
    while data.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let int_digits = i - int_start;
    if data.get(i) == Some(&b'.') {
        i += 1;
        let frac_start = i;
        while data.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if int_digits == 0 && i == frac_start {
            return None;
        }
        let text = std::str::from_utf8(&data[start..i]).ok()?;
        let value: f32 = text.parse().ok()?;
        return Some((f64::from(value), i));
    }
    if int_digits == 0 {
        return None;
    }
    let text = std::str::from_utf8(&data[start..i]).ok()?;
    let value: i64 = text.parse().ok()?;
    Some((value as f64, i))
}

/// A literal string whose body starts at `i` (after the parenthesis), with
/// lopdf's escapes; borrowed when it has none.
fn literal_string(data: &[u8], start: usize) -> Option<(Operand<'_>, usize)> {
    let mut i = start;
    let mut depth = 0usize;
    let mut out: Option<Vec<u8>> = None;
    loop {
        let c = *data.get(i)?;
        match c {
            b')' if depth == 0 => {
                let text = match out {
                    Some(v) => Cow::Owned(v),
                    None => Cow::Borrowed(&data[start..i]),
                };
                return Some((Operand::String(text), i + 1));
            }
            b'\\' => {
                let v = out.get_or_insert_with(|| data[start..i].to_vec());
                i += 1;
                let e = *data.get(i)?;
                i += 1;
                match e {
                    b'0'..=b'7' => {
                        let mut value = u16::from(e - b'0');
                        for _ in 0..2 {
                            match data.get(i) {
                                Some(&d @ b'0'..=b'7') => {
                                    value = value * 8 + u16::from(d - b'0');
                                    i += 1;
                                }
                                _ => break,
                            }
                        }
                        v.push(value as u8);
                    }
                    b'\r' => {
                        if data.get(i) == Some(&b'\n') {
                            i += 1;
                        }
                    }
                    b'\n' => {}
                    b'n' => v.push(b'\n'),
                    b'r' => v.push(b'\r'),
                    b't' => v.push(b'\t'),
                    b'b' => v.push(b'\x08'),
                    b'f' => v.push(b'\x0C'),
                    other => v.push(other),
                }
                continue;
            }
            b'(' => {
                depth += 1;
                // lopdf refuses deep nesting; leave that to it.
                if depth > 32 {
                    return None;
                }
            }
            b')' => depth -= 1,
            _ => {}
        }
        if let Some(v) = out.as_mut() {
            v.push(c);
        }
        i += 1;
    }
}

/// Text state and graphics state as pdf-extract keeps them.
#[derive(Clone)]
struct State {
    ctm: Transform,
    tm: Transform,
    font: Option<&'static Metrics>,
    font_size: f64,
    character_spacing: f64,
    word_spacing: f64,
    horizontal_scaling: f64,
    leading: f64,
    rise: f64,
}

fn number_at(operands: &[Operand], i: usize) -> Option<f64> {
    match operands.get(i)? {
        Operand::Number(n) => Some(*n),
        _ => None,
    }
}

/// The first `n` operands as numbers; `None` if there are fewer or one is
/// not a number (where pdf-extract would panic).
fn numbers<const N: usize>(operands: &[Operand]) -> Option<[f64; N]> {
    let mut out = [0.0; N];
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = number_at(operands, i)?;
    }
    Some(out)
}

/// Runs pdf-extract's content interpreter over the operations, for the
/// operators that matter to text; `None` where it would do anything else.
fn interpret(
    doc: &Document,
    resources: Option<&Dictionary>,
    ops: &[Operation],
    collector: &mut Collector,
) -> Option<()> {
    let mut gs = State {
        ctm: Transform::identity(),
        tm: Transform::identity(),
        font: None,
        font_size: f64::NAN,
        character_spacing: 0.0,
        word_spacing: 0.0,
        horizontal_scaling: 1.0,
        leading: 0.0,
        rise: 0.0,
    };
    let mut stack: Vec<State> = Vec::new();
    let mut tlm = Transform::identity();
    let mut fonts: Vec<(&[u8], &'static Metrics)> = Vec::new();
    for op in ops {
        let operands = &op.operands[..];
        match op.operator {
            b"BT" | b"ET" => {
                tlm = Transform::identity();
                gs.tm = tlm;
            }
            b"cm" => {
                if operands.len() != 6 {
                    return None;
                }
                let [a, b, c, d, e, f] = numbers::<6>(operands)?;
                gs.ctm = gs
                    .ctm
                    .pre_transform(&Transform::row_major(a, b, c, d, e, f));
            }
            b"TJ" => {
                // A non-array operand is ignored, as pdf-extract does.
                if let Operand::Array(items) = operands.first()? {
                    for item in items {
                        match item {
                            Operand::String(s) => show_text(&mut gs, s, collector)?,
                            Operand::Number(tj) => {
                                let tx =
                                    gs.horizontal_scaling * ((0.0 - tj / 1000.) * gs.font_size);
                                gs.tm =
                                    gs.tm.pre_transform(&Transform::create_translation(tx, 0.0));
                            }
                            _ => return None,
                        }
                    }
                }
            }
            b"Tj" => match operands.first()? {
                Operand::String(s) => show_text(&mut gs, s, collector)?,
                _ => return None,
            },
            b"Tc" => gs.character_spacing = number_at(operands, 0)?,
            b"Tw" => gs.word_spacing = number_at(operands, 0)?,
            b"Tz" => gs.horizontal_scaling = number_at(operands, 0)? / 100.,
            b"TL" => gs.leading = number_at(operands, 0)?,
            b"Ts" => gs.rise = number_at(operands, 0)?,
            b"Tf" => {
                let Operand::Name(name) = operands.first()? else {
                    return None;
                };
                let size = number_at(operands, 1)?;
                let metrics = match fonts.iter().find(|(n, _)| n == name) {
                    Some((_, m)) => *m,
                    None => {
                        let m = font(doc, resources?, name)?;
                        fonts.push((name, m));
                        m
                    }
                };
                gs.font = Some(metrics);
                gs.font_size = size;
            }
            b"Tm" => {
                if operands.len() != 6 {
                    return None;
                }
                let [a, b, c, d, e, f] = numbers::<6>(operands)?;
                tlm = Transform::row_major(a, b, c, d, e, f);
                gs.tm = tlm;
            }
            b"Td" | b"TD" => {
                if operands.len() != 2 {
                    return None;
                }
                let [tx, ty] = numbers::<2>(operands)?;
                if op.operator == b"TD" {
                    gs.leading = -ty;
                }
                tlm = tlm.pre_transform(&Transform::create_translation(tx, ty));
                gs.tm = tlm;
            }
            b"T*" => {
                tlm = tlm.pre_transform(&Transform::create_translation(0.0, -gs.leading));
                gs.tm = tlm;
            }
            b"q" => stack.push(gs.clone()),
            b"Q" => {
                if let Some(s) = stack.pop() {
                    gs = s;
                }
            }
            // pdf-extract reads every operand as a number (the colour
            // space stays DeviceGray: `CS`/`cs` are not handled here).
            b"SC" | b"SCN" | b"sc" | b"scn"
                if operands.iter().any(|o| !matches!(o, Operand::Number(_))) =>
            {
                return None;
            }
            b"w" | b"m" | b"l" => {
                numbers::<1>(operands)?;
                if op.operator != b"w" {
                    numbers::<2>(operands)?;
                }
            }
            b"c" => {
                numbers::<6>(operands)?;
            }
            b"y" | b"re" => {
                numbers::<4>(operands)?;
            }
            // Operators pdf-extract interprets in ways not mirrored here.
            b"CS" | b"cs" | b"gs" | b"v" | b"Do" => return None,
            // Everything else pdf-extract ignores (or, for painting, hands
            // to output methods the collector does not implement).
            _ => {}
        }
        if collector.timed_out {
            break;
        }
    }
    Some(())
}

/// The metrics of font resource `name` when it is a standard font read
/// the simple way; `None` otherwise.
fn font(doc: &Document, resources: &Dictionary, name: &[u8]) -> Option<&'static Metrics> {
    let Object::Dictionary(fonts) = deref(doc, resources.get(b"Font").ok()?)? else {
        return None;
    };
    let Object::Dictionary(font) = deref(doc, fonts.get(name).ok()?)? else {
        return None;
    };
    if font.get(b"Subtype").and_then(Object::as_name).ok()? != b"Type1" {
        return None;
    }
    for key in [
        &b"FontDescriptor"[..],
        b"ToUnicode",
        b"FirstChar",
        b"LastChar",
        b"Widths",
        b"MissingWidth",
    ] {
        if font.has(key) {
            return None;
        }
    }
    let win_ansi = match font.get(b"Encoding") {
        Err(_) => false,
        Ok(Object::Name(n)) if n == b"WinAnsiEncoding" => true,
        Ok(_) => return None,
    };
    let base = font.get(b"BaseFont").and_then(Object::as_name).ok()?;
    std14::metrics(std::str::from_utf8(base).ok()?, win_ansi)
}

/// pdf-extract's `show_text` for a simple font.
fn show_text(gs: &mut State, s: &[u8], collector: &mut Collector) -> Option<()> {
    let font = gs.font?;
    for &code in s {
        let tsm = Transform::row_major(gs.horizontal_scaling, 0., 0., 1.0, 0., gs.rise);
        let trm = tsm.post_transform(&gs.tm.post_transform(&gs.ctm));
        let w0 = f64::from(font.widths[usize::from(code)]) / 1000.;
        let mut spacing = gs.character_spacing;
        if code == 32 {
            spacing += gs.word_spacing;
        }
        let ch = char::from_u32(u32::from(font.chars[usize::from(code)]))?;
        let mut buf = [0u8; 4];
        if collector
            .output_character(&trm, w0, spacing, gs.font_size, ch.encode_utf8(&mut buf))
            .is_err()
        {
            // Only the deadline stops the collector.
            return Some(());
        }
        let tj = 0.;
        let tx = gs.horizontal_scaling * ((w0 - tj / 1000.) * gs.font_size + spacing);
        gs.tm = gs.tm.pre_transform(&Transform::create_translation(tx, 0.));
    }
    Some(())
}
