//! A text PDF written by hand: Helvetica, WinAnsi, one text object per
//! line, as many pages as needed, and a correct cross-reference table.

use crate::layout::Cell;

const TOP: f32 = 800.0;
const BOTTOM: f32 = 50.0;
const LEAD: f32 = 13.0;

/// Lines placed on pages: (x, text) at successive heights.
pub struct Page(Vec<Vec<(f32, String)>>);

/// Helvetica's advance widths (thousandths of the font size) for printable
/// ASCII, from its published font metrics; other characters count as an
/// "n". Lines are wrapped by these, so that no text runs into the next column.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0..?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P.._
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // `..o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p..~
];

const FONT_SIZE: f32 = 9.0;

/// The width of `s` in points at the font size used.
fn width(s: &str) -> f32 {
    let units: u32 = s
        .chars()
        .map(|c| {
            let i = (c as usize).wrapping_sub(32);
            u32::from(HELVETICA.get(i).copied().unwrap_or(556))
        })
        .sum();
    units as f32 * FONT_SIZE / 1000.0
}

/// `s` in lines no wider than `max` points (a word longer than that alone).
fn wrap(s: &str, max: f32) -> Vec<String> {
    let mut out = vec![];
    let mut cur = String::new();
    for w in s.split(' ') {
        if !cur.is_empty() && width(&cur) + width(" ") + width(w) > max {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
    }
    out.push(cur);
    out
}

/// The gap kept between columns, in points.
const GUTTER: f32 = 12.0;

impl Page {
    /// One text line per output line.
    pub fn from_lines(lines: &[String]) -> Page {
        Page(
            lines
                .iter()
                .flat_map(|l| wrap(l, 495.0))
                .map(|l| vec![(50.0, l)])
                .collect(),
        )
    }

    /// Grid rows: the cells side by side, each wrapped in its column.
    pub fn from_grid(rows: &[Vec<Cell>]) -> Page {
        let mut out = vec![];
        for row in rows {
            let (xs, widths): (Vec<f32>, Vec<f32>) = match row.len() {
                1 => (vec![50.0], vec![495.0]),
                2 => (vec![50.0, 270.0], vec![220.0 - GUTTER, 275.0]),
                n => {
                    let w = 495.0 / n as f32;
                    (
                        (0..n).map(|i| 50.0 + w * i as f32).collect(),
                        vec![w - GUTTER; n],
                    )
                }
            };
            let cols: Vec<Vec<String>> = row
                .iter()
                .zip(&widths)
                .map(|(c, w)| {
                    c.iter()
                        .flat_map(|l| wrap(l, *w))
                        .filter(|l| !l.is_empty())
                        .collect()
                })
                .collect();
            let height = cols.iter().map(Vec::len).max().unwrap_or(0).max(1);
            for i in 0..height {
                let line: Vec<(f32, String)> = cols
                    .iter()
                    .zip(&xs)
                    .filter_map(|(c, x)| c.get(i).map(|t| (*x, t.clone())))
                    .collect();
                out.push(line);
            }
            out.push(vec![]);
        }
        Page(out)
    }
}

fn escape(s: &str) -> Vec<u8> {
    let mut out = vec![];
    for ch in s.chars() {
        match ch {
            '(' | ')' | '\\' => {
                out.push(b'\\');
                out.push(ch as u8);
            }
            '–' => out.push(0x96),
            '—' => out.push(0x97),
            '’' => out.push(0x92),
            '“' => out.push(0x93),
            '”' => out.push(0x94),
            c if (c as u32) < 256 => out.push(c as u32 as u8),
            // Helvetica has no box glyphs: written as a typist would write
            // them, so that an empty box does not read as a marked one.
            '☐' | '□' => out.extend_from_slice(b"[ ]"),
            '☒' | '☑' | '■' => out.extend_from_slice(b"[X]"),
            _ => out.push(b'X'),
        }
    }
    out
}

/// The PDF bytes; `title` goes in the document information.
pub fn pdf(page: &Page, title: &str) -> Vec<u8> {
    let per_page = ((TOP - BOTTOM) / LEAD) as usize;
    let mut chunks: Vec<&[Vec<(f32, String)>]> = page.0.chunks(per_page).collect();
    if chunks.is_empty() {
        chunks.push(&[]);
    }
    let n = chunks.len();
    // Objects: 1 catalog, 2 pages, 3 font, 4 info, then page/content pairs.
    let mut objs: Vec<Vec<u8>> = vec![];
    objs.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 5 + 2 * i)).collect();
    objs.push(format!("<< /Type /Pages /Count {n} /Kids [ {} ] >>", kids.join(" ")).into_bytes());
    objs.push(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    );
    let mut info = b"<< /Producer (formgen) /Title (".to_vec();
    info.extend(escape(title));
    info.extend(b") >>");
    objs.push(info);
    for (i, chunk) in chunks.iter().enumerate() {
        let mut content = b"BT /F1 9 Tf\n".to_vec();
        let mut y = TOP;
        for line in chunk.iter() {
            for (x, text) in line {
                content.extend(format!("1 0 0 1 {x:.1} {y:.1} Tm (").into_bytes());
                content.extend(escape(text));
                content.extend(b") Tj\n");
            }
            y -= LEAD;
        }
        content.extend(b"ET\n");
        let content_id = 6 + 2 * i;
        objs.push(format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {content_id} 0 R >>").into_bytes());
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend(content);
        stream.extend(b"\nendstream");
        objs.push(stream);
    }
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = vec![];
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).into_bytes());
        out.extend(o);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).into_bytes());
    for off in offsets {
        out.extend(format!("{off:010} 00000 n \n").into_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 4 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .into_bytes(),
    );
    out
}
