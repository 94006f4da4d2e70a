//! HTML bodies: the form as a table (as pasted from Word), or lines as
//! paragraphs, and the text/plain alternative a mail program makes of them.

use super::zip::xml;
use crate::layout::Cell;

fn cell(c: &Cell) -> String {
    if c.is_empty() || c.iter().all(String::is_empty) {
        return "&nbsp;".into();
    }
    c.iter().map(|l| rich(l)).collect::<Vec<_>>().join("<br>")
}

/// A line with its struck words in `<s>`.
fn rich(l: &str) -> String {
    crate::layout::struck_runs(l)
        .iter()
        .map(|(t, s)| {
            if *s {
                format!("<s>{}</s>", xml(t))
            } else {
                xml(t)
            }
        })
        .collect()
}

/// A `<table>` of the grid.
pub fn table(rows: &[Vec<Cell>]) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(1);
    let mut t = String::from("<table border=\"1\" cellspacing=\"0\" cellpadding=\"4\">\n");
    for row in rows {
        t.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            let span = if i + 1 == row.len() && row.len() < width {
                format!(" colspan=\"{}\"", width - row.len() + 1)
            } else {
                String::new()
            };
            t.push_str(&format!("<td{span}>{}</td>", cell(c)));
        }
        t.push_str("</tr>\n");
    }
    t.push_str("</table>\n");
    t
}

/// Lines as paragraphs.
pub fn paragraphs(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| {
            if l.is_empty() {
                "<p>&nbsp;</p>\n".to_string()
            } else {
                format!("<p>{}</p>\n", xml(l))
            }
        })
        .collect()
}

/// The text/plain alternative of a table: cells separated by tabs, a
/// multi-line cell's lines on lines of their own.
pub fn table_as_text(rows: &[Vec<Cell>]) -> Vec<String> {
    let mut out = vec![];
    for row in rows {
        let mut line = String::new();
        for (i, c) in row.iter().enumerate() {
            if i > 0 {
                line.push('\t');
            }
            for (j, l) in c.iter().enumerate() {
                if j > 0 {
                    out.push(std::mem::take(&mut line));
                }
                line.push_str(l);
            }
        }
        out.push(line);
    }
    out
}

/// A whole HTML document around `body`.
pub fn document(body: &str, charset: &str) -> String {
    format!(
        "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset={charset}\">\n</head>\n<body>\n{body}</body>\n</html>\n"
    )
}
