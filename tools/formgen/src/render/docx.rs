//! Word .docx: the form as a table (one row per grid row) or as paragraphs.

use super::zip::{xml, zip};
use crate::layout::Cell;

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

fn para(text: &str) -> String {
    if text.is_empty() {
        return "<w:p/>".into();
    }
    let runs: String = crate::layout::struck_runs(text)
        .iter()
        .map(|(t, struck)| {
            let pr = if *struck {
                "<w:rPr><w:strike/></w:rPr>"
            } else {
                ""
            };
            format!(
                r#"<w:r>{pr}<w:t xml:space="preserve">{}</w:t></w:r>"#,
                xml(t)
            )
        })
        .collect();
    format!("<w:p>{runs}</w:p>")
}

fn package(body: &str) -> Vec<u8> {
    let doc = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    zip(&[
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_vec(),
        ),
        (
            "_rels/.rels",
            br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_vec(),
        ),
        ("word/document.xml", doc.into_bytes()),
    ])
}

/// A document holding one table.
pub fn table(title: &str, rows: &[Vec<Cell>]) -> Vec<u8> {
    let width = rows.iter().map(Vec::len).max().unwrap_or(1);
    let mut body = para(title);
    body.push_str("<w:tbl><w:tblPr><w:tblBorders/></w:tblPr>");
    for row in rows {
        body.push_str("<w:tr>");
        for (i, cell) in row.iter().enumerate() {
            let span = if i + 1 == row.len() && row.len() < width {
                format!(
                    r#"<w:tcPr><w:gridSpan w:val="{}"/></w:tcPr>"#,
                    width - row.len() + 1
                )
            } else {
                String::new()
            };
            body.push_str(&format!("<w:tc>{span}"));
            if cell.is_empty() {
                body.push_str("<w:p/>");
            }
            for line in cell {
                body.push_str(&para(line));
            }
            body.push_str("</w:tc>");
        }
        body.push_str("</w:tr>");
    }
    body.push_str("</w:tbl>");
    package(&body)
}

/// A document of paragraphs, one per line.
pub fn paragraphs(lines: &[String]) -> Vec<u8> {
    package(&lines.iter().map(|l| para(l)).collect::<String>())
}
