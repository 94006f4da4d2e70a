//! CSV as Excel saves it: quoted where needed, rows padded to one width,
//! UTF-8 with a byte-order mark or windows-1252.

use crate::layout::Cell;

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The CSV text (before encoding).
pub fn csv(rows: &[Vec<Cell>]) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(1);
    let mut out = String::new();
    for row in rows {
        let mut cells: Vec<String> = row.iter().map(|c| quote(&c.join("\n"))).collect();
        cells.resize(width, String::new());
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}
