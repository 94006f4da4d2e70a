//! Rebuilding lines and tables from positioned glyphs.
//!
//! Lines: glyphs sharing a baseline, left to right; a space where the gap
//! between two glyphs is wider than a letter's spacing, and a new segment
//! where it is wider than about a character (a column gap or a tab).
//!
//! Tables: a page whose lines keep starting segments at the same x
//! positions has columns there. A run of lines that fit those columns is a
//! table. Rows: a line with text in the first (label) column starts a new
//! row, unless it continues a label that wrapped on the line just above
//! (close below it, and the line above was too full for the next word); a
//! line with the first column empty continues the row above (a value
//! spanning several lines). Lines of a cell whose right edge is known (every
//! column but the last) join with a space where the text wrapped and with
//! `\n` where it broke early; lines of the last column join with `\n`.

use super::glyphs::Glyph;
use crate::form::document::{Block, Cell, Document};
use std::ops::Range;

/// Gap (in font sizes) above which two glyphs are in different segments.
const SEGMENT_GAP: f64 = 0.8;
/// Gap (in font sizes) above which two glyphs are separate words.
const WORD_GAP: f64 = 0.15;
/// How far (points) segment starts may wander and still share a column.
const COLUMN_TOLERANCE: f64 = 3.0;
/// How many lines must start a segment at an x for it to be a column.
const COLUMN_MIN_LINES: usize = 3;

/// A run of text on one line with no wide gap inside.
#[derive(Clone, Debug, PartialEq)]
struct Segment {
    x0: f64,
    x1: f64,
    /// Where the first word ends (for telling wrapped lines).
    first_word_end: f64,
    text: String,
}

#[derive(Clone, Debug, PartialEq)]
struct Line {
    y: f64,
    size: f64,
    segments: Vec<Segment>,
}

impl Line {
    /// The line's text; a column gap inside it is kept as a tab, as a
    /// text copy of a table keeps it, so that what stands in another
    /// column is not read as more of the same words.
    fn text(&self) -> String {
        let parts: Vec<&str> = self.segments.iter().map(|s| s.text.as_str()).collect();
        parts.join("\t")
    }
}

/// Adds one page's blocks to the document.
pub(super) fn push_page(doc: &mut Document, page: usize, glyphs: &[Glyph]) {
    let lines = lines(glyphs);
    let page_columns = columns(&lines);
    let mut tables = 0;
    let mut i = 0;
    while i < lines.len() {
        if let Some((run, columns)) = table_run(&lines, i, &page_columns) {
            tables += 1;
            let rows = rows(
                lines.get(run.clone()).unwrap_or_default(),
                &columns,
                page,
                tables,
            );
            doc.blocks.push(Block::Table {
                rows,
                place: format!("page {page}, table {tables}"),
            });
            i = run.end;
            continue;
        }
        if let Some(line) = lines.get(i) {
            doc.push_text(line.text(), format!("page {page}, line {}", i + 1));
        }
        i += 1;
    }
}

/// Groups glyphs into lines, top of the page first.
fn lines(glyphs: &[Glyph]) -> Vec<Line> {
    let mut order: Vec<&Glyph> = glyphs.iter().collect();
    order.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut lines = Vec::new();
    let mut current: Vec<&Glyph> = Vec::new();
    for glyph in order {
        let same_line = current
            .first()
            .is_some_and(|first| (first.y - glyph.y).abs() <= 0.35 * first.size.max(glyph.size));
        if !same_line && !current.is_empty() {
            lines.extend(line(std::mem::take(&mut current)));
        }
        current.push(glyph);
    }
    lines.extend(line(current));
    lines
}

/// One line from its glyphs; `None` when it holds only blanks.
fn line(mut glyphs: Vec<&Glyph>) -> Option<Line> {
    glyphs.sort_by(|a, b| a.x.total_cmp(&b.x));
    let y = glyphs.first()?.y;
    let size = glyphs.iter().map(|g| g.size).fold(0.0, f64::max);
    let mut segments: Vec<Segment> = Vec::new();
    let mut space_pending = false;
    let mut last: Option<&Glyph> = None;
    for glyph in glyphs {
        if glyph.is_blank() {
            space_pending = true;
            continue;
        }
        // Fake bold draws each glyph twice at (almost) the same place.
        if last.is_some_and(|l| l.text == glyph.text && (l.x - glyph.x).abs() < 0.1 * size) {
            continue;
        }
        match segments.last_mut() {
            Some(seg) if glyph.x - seg.x1 <= SEGMENT_GAP * size => {
                if space_pending || glyph.x - seg.x1 > WORD_GAP * size {
                    if seg.first_word_end.is_nan() {
                        seg.first_word_end = seg.x1;
                    }
                    seg.text.push(' ');
                }
                seg.text.push_str(&glyph.text);
                seg.x1 = seg.x1.max(glyph.end_x);
            }
            _ => segments.push(Segment {
                x0: glyph.x,
                x1: glyph.end_x.max(glyph.x),
                first_word_end: f64::NAN,
                text: glyph.text.clone(),
            }),
        }
        space_pending = false;
        last = Some(glyph);
    }
    for seg in &mut segments {
        if seg.first_word_end.is_nan() {
            seg.first_word_end = seg.x1;
        }
    }
    (!segments.is_empty()).then_some(Line { y, size, segments })
}

/// The x positions where columns after the first start: places where at
/// least [`COLUMN_MIN_LINES`] lines begin a second or later segment.
fn columns(lines: &[Line]) -> Vec<f64> {
    let mut starts: Vec<f64> = lines
        .iter()
        .filter(|l| l.segments.len() >= 2)
        .flat_map(|l| l.segments.iter().skip(1).map(|s| s.x0))
        .collect();
    starts.sort_by(f64::total_cmp);
    let mut columns = Vec::new();
    let mut cluster: Vec<f64> = Vec::new();
    for x in starts {
        if cluster
            .first()
            .is_some_and(|first| x - first > COLUMN_TOLERANCE)
        {
            columns.extend(column_of(&cluster));
            cluster.clear();
        }
        cluster.push(x);
    }
    columns.extend(column_of(&cluster));
    columns
}

fn column_of(cluster: &[f64]) -> Option<f64> {
    (cluster.len() >= COLUMN_MIN_LINES)
        .then(|| cluster.iter().copied().fold(f64::INFINITY, f64::min))
}

/// Where each segment of a line goes among the columns (`0` is the
/// leftmost); `None` when the line does not fit them (running text).
fn place(line: &Line, columns: &[f64]) -> Option<Vec<usize>> {
    let first = *columns.first()?;
    line.segments
        .iter()
        .map(|seg| {
            let k = columns
                .iter()
                .filter(|&&c| c - COLUMN_TOLERANCE <= seg.x0)
                .count();
            let start = if k == 0 {
                f64::NEG_INFINITY
            } else {
                *columns.get(k - 1)?
            };
            let next = columns.get(k).copied().unwrap_or(f64::INFINITY);
            // A tick in its box may stand anywhere in its column.
            let starts_at_column =
                k == 0 || seg.x0 - start <= 2.0 * line.size || is_mark(&seg.text);
            let fits = seg.x1 <= next + COLUMN_TOLERANCE;
            (starts_at_column && fits && (k > 0 || seg.x0 < first)).then_some(k)
        })
        .collect()
}

/// A tick or a cross put in a box: a glyph or two, not words.
fn is_mark(text: &str) -> bool {
    let t = text.trim().trim_matches(['[', ']', '(', ')']);
    matches!(
        t,
        "X" | "x" | "✓" | "✔" | "✗" | "✘" | "☒" | "☑" | "■" | "●" | "•" | "*" | "√"
    )
}

/// The table starting at line `start`, if one does, with its columns:
/// lines that fit the columns, beginning with one that fills two columns,
/// holding at least two such lines, and not trailing off into label-only
/// lines far below. The table's columns are those of the page that its
/// lines use, so that two tables on one page keep their own columns; a
/// column is added as the table goes on only if no line above crosses it.
fn table_run(
    lines: &[Line],
    start: usize,
    page_columns: &[f64],
) -> Option<(Range<usize>, Vec<f64>)> {
    let first = lines.get(start)?;
    let mut columns = Vec::new();
    for seg in first.segments.iter().skip(1).filter(|s| !is_mark(&s.text)) {
        columns.push(
            *page_columns
                .iter()
                .find(|&&c| (c - seg.x0).abs() <= COLUMN_TOLERANCE)?,
        );
    }
    let multi = |line: &Line, columns: &[f64]| {
        place(line, columns)
            .is_some_and(|cols| cols.first().is_some_and(|&c| cols.iter().any(|&k| k != c)))
    };
    if !multi(first, &columns) {
        return None;
    }
    let mut end = start + 1;
    while let Some(line) = lines.get(end) {
        if place(line, &columns).is_none() {
            let wider = widened(&columns, line, page_columns);
            let all_fit = wider.len() > columns.len()
                && lines
                    .get(start..=end)
                    .is_some_and(|run| run.iter().all(|l| place(l, &wider).is_some()));
            if !all_fit {
                break;
            }
            columns = wider;
        }
        end += 1;
    }
    let is_multi = |i: usize| lines.get(i).is_some_and(|l| multi(l, &columns));
    let last_multi = (start..end).rev().find(|&i| is_multi(i))?;
    if (start..end).filter(|&i| is_multi(i)).count() < 2 {
        return None;
    }
    let gap = |i: usize| Some(lines.get(i.checked_sub(1)?)?.y - lines.get(i)?.y);
    let widest = (start + 1..=last_multi).filter_map(gap).fold(0.0, f64::max);
    let mut keep = last_multi + 1;
    while keep < end && gap(keep).is_some_and(|g| g <= widest * 1.2) {
        keep += 1;
    }
    Some((start..keep, columns))
}

/// `columns` with the page's columns at which `line` starts a segment.
fn widened(columns: &[f64], line: &Line, page_columns: &[f64]) -> Vec<f64> {
    let mut wider = columns.to_vec();
    for seg in &line.segments {
        if let Some(&c) = page_columns
            .iter()
            .find(|&&c| (c - seg.x0).abs() <= COLUMN_TOLERANCE)
            && !wider.contains(&c)
        {
            wider.push(c);
        }
    }
    wider.sort_by(f64::total_cmp);
    wider
}

/// The rows of a table from its lines.
fn rows(lines: &[Line], columns: &[f64], page: usize, table: usize) -> Vec<Vec<Cell>> {
    let width = columns.len() + 1;
    let limit = |k: usize| columns.get(k).copied().unwrap_or(f64::INFINITY);
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut previous: Option<(&Line, Vec<Option<f64>>)> = None;
    for line in lines {
        let Some(cols) = place(line, columns) else {
            continue;
        };
        let mut texts: Vec<Option<(&str, f64, f64)>> = vec![None; width];
        for (seg, &k) in line.segments.iter().zip(&cols) {
            if let Some(slot) = texts.get_mut(k) {
                let first_word = seg.first_word_end - seg.x0;
                *slot = Some(slot.map_or((seg.text.as_str(), seg.x1, first_word), |s| s));
            }
        }
        // Several segments in one column: keep all their text.
        let joined: Vec<Option<String>> = (0..width)
            .map(|k| {
                let parts: Vec<&str> = line
                    .segments
                    .iter()
                    .zip(&cols)
                    .filter(|&(_, &c)| c == k)
                    .map(|(s, _)| s.text.as_str())
                    .collect();
                (!parts.is_empty()).then(|| parts.join(" "))
            })
            .collect();
        // The last column's right edge is not known (only its longest line),
        // so its lines always stay separate.
        let wrapped = |k: usize, prev_end: Option<f64>| {
            if k + 1 >= width {
                return false;
            }
            let first_word = texts.get(k).copied().flatten().map_or(0.0, |t| t.2);
            prev_end
                .is_some_and(|end| end + 0.3 * line.size + first_word > limit(k) - 1.5 * line.size)
        };
        let continues = match &previous {
            None => false,
            Some((prev, ends)) => {
                let close = prev.y - line.y <= 1.6 * line.size.max(prev.size);
                joined.first().is_none_or(Option::is_none)
                    || (close && wrapped(0, ends.first().copied().flatten()))
            }
        };
        let ends: Vec<Option<f64>> = texts.iter().map(|t| t.map(|t| t.1)).collect();
        match rows.last_mut() {
            Some(row) if continues => {
                let prev_ends = previous
                    .as_ref()
                    .map(|(_, e)| e.clone())
                    .unwrap_or_default();
                for (k, text) in joined.iter().enumerate() {
                    let (Some(text), Some(cell)) = (text, row.get_mut(k)) else {
                        continue;
                    };
                    if !cell.is_empty() {
                        let soft = wrapped(k, prev_ends.get(k).copied().flatten());
                        cell.push(if soft { ' ' } else { '\n' });
                    }
                    cell.push_str(text);
                }
            }
            _ => rows.push(joined.into_iter().map(Option::unwrap_or_default).collect()),
        }
        previous = Some((line, ends));
    }
    // A column none of this table's rows uses belongs to another table.
    let used: Vec<bool> = (0..width)
        .map(|k| {
            rows.iter()
                .any(|row| row.get(k).is_some_and(|t| !t.is_empty()))
        })
        .collect();
    rows.into_iter()
        .enumerate()
        .map(|(r, row)| {
            row.into_iter()
                .zip(&used)
                .filter(|&(_, &used)| used)
                .map(|(text, _)| text)
                .enumerate()
                .map(|(c, text)| {
                    let place =
                        format!("page {page}, table {table}, row {}, cell {}", r + 1, c + 1);
                    Cell::new(text, place)
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Glyphs for `text` drawn from `x` on baseline `y`, 6 points a letter.
    fn word(x: f64, y: f64, text: &str) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                x: x + 6.0 * i as f64,
                end_x: x + 6.0 * (i + 1) as f64,
                y,
                size: 10.0,
                text: c.to_string(),
            })
            .collect()
    }

    fn render(doc: &Document) -> Vec<String> {
        doc.blocks
            .iter()
            .map(|b| match b {
                Block::Text { text, .. } => text.clone(),
                Block::Table { rows, .. } => rows
                    .iter()
                    .map(|r| {
                        r.iter()
                            .map(|c| c.text.as_str())
                            .collect::<Vec<_>>()
                            .join(" | ")
                    })
                    .collect::<Vec<_>>()
                    .join(" // "),
            })
            .collect()
    }

    #[test]
    fn a_cross_anywhere_in_a_tick_box_goes_with_its_option() {
        // Question | Yes | box | No | box: each cross in only one or two
        // rows, too few to be a column of its own.
        let mut g = Vec::new();
        let rows = [
            (740.0, "Completed the IG Toolkit?", 260.0),
            (720.0, "Already hold NHSmail accounts?", 360.0),
            (700.0, "Need to exchange data securely?", 260.0),
        ];
        for (y, question, cross) in rows {
            g.extend(word(10.0, y, question));
            g.extend(word(230.0, y, "Yes"));
            g.extend(word(300.0, y, "No"));
            g.extend(word(cross, y, "X"));
        }
        let mut doc = Document::new("f.pdf");
        push_page(&mut doc, 1, &g);
        assert_eq!(
            render(&doc),
            [
                "Completed the IG Toolkit? | Yes X | No // Already hold NHSmail accounts? | Yes | No X \
              // Need to exchange data securely? | Yes X | No"
            ]
        );
    }

    #[test]
    fn a_column_gap_outside_a_table_is_a_tab() {
        let mut g = word(10.0, 700.0, "Name");
        g.extend(word(200.0, 700.0, "Mobile"));
        let mut doc = Document::new("f.pdf");
        push_page(&mut doc, 1, &g);
        assert_eq!(render(&doc), ["Name\tMobile"]);
    }

    #[test]
    fn words_and_segments() {
        let mut glyphs = word(10.0, 700.0, "Name:");
        glyphs.extend(word(46.0, 700.0, "Jane"));
        glyphs.extend(word(200.0, 700.2, "Smith"));
        let lines = lines(&glyphs);
        assert_eq!(lines.len(), 1);
        let texts: Vec<&str> = lines[0].segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["Name: Jane", "Smith"]);
    }

    #[test]
    fn two_column_form_with_wrapped_label_and_multi_line_value() {
        let mut g = word(
            10.0,
            760.0,
            "A heading line that runs right across the page",
        );
        let table = [
            (740.0, Some("Name"), Some("Ann Lee")),
            (720.0, Some("Address"), Some("1 High St")),
            (708.0, None, Some("Leeds")),
            (688.0, Some("Confirm the IG"), Some("Yes")),
            (676.0, Some("Toolkit"), None),
            (656.0, Some("Empty row"), None),
            (636.0, Some("Phone"), Some("0113 496 0000")),
        ];
        for (y, label, value) in table {
            if let Some(label) = label {
                g.extend(word(10.0, y, label));
            }
            if let Some(value) = value {
                g.extend(word(110.0, y, value));
            }
        }
        g.extend(word(10.0, 600.0, "Signed: Ann Lee"));
        let mut doc = Document::new("f.pdf");
        push_page(&mut doc, 1, &g);
        assert_eq!(
            render(&doc),
            [
                "A heading line that runs right across the page",
                "Name | Ann Lee // Address | 1 High St\nLeeds // Confirm the IG Toolkit | Yes // \
                 Empty row |  // Phone | 0113 496 0000",
                "Signed: Ann Lee",
            ]
        );
        let Some(Block::Table { rows, place }) = doc.blocks.get(1) else {
            panic!("no table");
        };
        assert_eq!(place, "page 1, table 1");
        assert_eq!(rows[1][1].place, "page 1, table 1, row 2, cell 2");
    }

    #[test]
    fn plain_text_has_no_columns() {
        let mut g = word(10.0, 700.0, "Dear Sponsor,");
        g.extend(word(10.0, 686.0, "We confirm the assessment."));
        g.extend(word(10.0, 672.0, "Yours,"));
        let mut doc = Document::new("l.pdf");
        push_page(&mut doc, 2, &g);
        assert_eq!(
            render(&doc),
            ["Dear Sponsor,", "We confirm the assessment.", "Yours,"]
        );
        assert!(matches!(&doc.blocks[2], Block::Text { place, .. } if place == "page 2, line 3"));
    }
}
