//! OpenDocument .ods: one table; multi-line cells as several paragraphs.

use super::zip::{xml, zip};
use crate::layout::Cell;

/// The spreadsheet.
pub fn ods(rows: &[Vec<Cell>]) -> Vec<u8> {
    let mut t = String::new();
    for row in rows {
        t.push_str("<table:table-row>");
        for cell in row {
            let text = cell.join("\n");
            if text.is_empty() {
                t.push_str("<table:table-cell/>");
            } else if text.len() < 6 && text.chars().all(|c| c.is_ascii_digit()) {
                t.push_str(&format!(r#"<table:table-cell office:value-type="float" office:value="{text}"><text:p>{text}</text:p></table:table-cell>"#));
            } else {
                t.push_str(r#"<table:table-cell office:value-type="string">"#);
                for line in cell {
                    t.push_str(&format!("<text:p>{}</text:p>", xml(line)));
                }
                t.push_str("</table:table-cell>");
            }
        }
        t.push_str("</table:table-row>");
    }
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Application">{t}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    zip(&[
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet".to_vec()),
        ("META-INF/manifest.xml", br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#.to_vec()),
        ("content.xml", content.into_bytes()),
    ])
}
