use super::*;
use crate::form::document::Block;

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/pdf/",
            $name
        ))
    };
}

fn render(doc: &Document) -> Vec<String> {
    doc.blocks
        .iter()
        .map(|b| match b {
            Block::Text { text, place } => format!("{place}: {text}"),
            Block::Table { rows, place } => {
                let rows: Vec<String> = rows
                    .iter()
                    .map(|r| {
                        r.iter()
                            .map(|c| c.text.as_str())
                            .collect::<Vec<_>>()
                            .join(" | ")
                    })
                    .collect();
                format!("{place}: [{}]", rows.join(" // "))
            }
        })
        .collect()
}

fn read_fixture(bytes: &[u8]) -> Result<Document, ReadError> {
    read("f.pdf", bytes, &Limits::default())
}

#[test]
fn two_column_form_becomes_label_value_rows() {
    let doc = read_fixture(fixture!("form.pdf")).expect("form.pdf reads");
    let Some(Block::Table { rows, place }) = doc.blocks.get(2) else {
        panic!("no table third: {:?}", render(&doc));
    };
    assert_eq!(place, "page 1, table 1");
    let pairs: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].text.as_str(), r.get(1).map_or("", |c| c.text.as_str())))
        .collect();
    assert_eq!(
        pairs,
        [
            ("Name", "Harriet Vance"),
            ("Organisation address", "9 Example Street\nOtley\nLS21 1AB"),
            (
                "Confirm that you have completed the IG Toolkit (Yes/No)",
                "Yes"
            ),
            ("If yes, existing NHSmail address(es)", ""),
            (
                "Account owners (name - preferred account name - mobile)",
                "Harriet Vance \u{2013} harriet.vance \u{2013} 07700 900501\nLeo Marsh \u{2013} leo.marsh \u{2013} 07700 900502"
            ),
            (
                "What benefits do you expect from using NHSmail?",
                "Quicker and safer exchange of resident information with GP practices,\ncommunity nurses and the hospital discharge team."
            ),
            ("Shared mailbox owner mobile", "07700 900502"),
        ]
    );
    assert_eq!(rows[1][1].place, "page 1, table 1, row 2, cell 2");
    let texts = render(&doc);
    assert_eq!(
        texts[0],
        "page 1, line 1: Appendix 1: NHSmail account application form"
    );
    assert!(
        texts
            .last()
            .is_some_and(|t| t.ends_with(": Signed: Harriet Vance")),
        "{texts:?}"
    );
}

#[test]
fn plain_letter_is_lines_per_page() {
    let doc = read_fixture(fixture!("letter.pdf")).expect("letter.pdf reads");
    assert_eq!(
        render(&doc),
        [
            "page 1, line 1: Dear Sponsor,",
            "page 1, line 2: We confirm that our Data Security and Protection Toolkit assessment",
            "page 1, line 3: was published on 24 May 2024 and all standards were met.",
            "page 1, line 4: Yours faithfully,",
            "page 1, line 5: Harriet Vance",
            "page 2, line 1: Page two of the letter.",
        ]
    );
}

#[test]
fn page_limit_reads_only_the_first_pages() {
    let limits = Limits {
        max_pdf_pages: 1,
        ..Limits::default()
    };
    let doc = read("l.pdf", fixture!("letter.pdf"), &limits).expect("reads");
    assert!(!doc.plain_text().contains("Page two"));
}

#[test]
fn scanned_pdf_has_no_text() {
    assert_eq!(
        read_fixture(fixture!("image-only.pdf")),
        Err(ReadError::NoText)
    );
}

#[test]
fn password_protected_pdf_is_refused() {
    assert_eq!(
        read_fixture(fixture!("encrypted.pdf")),
        Err(ReadError::Encrypted)
    );
}

#[test]
fn pdf_locked_only_against_editing_is_read() {
    let doc = read_fixture(fixture!("owner-only.pdf")).expect("opens with the empty password");
    assert_eq!(render(&doc), ["page 1, line 1: Name: Secret Person"]);
}

#[test]
fn time_budget_stops_reading() {
    let limits = Limits {
        max_millis_per_attachment: 0,
        ..Limits::default()
    };
    let result = read("f.pdf", fixture!("form.pdf"), &limits);
    assert!(matches!(result, Err(ReadError::TooLarge(_))), "{result:?}");
}

#[test]
fn broken_files_are_corrupt_not_panics() {
    let form = fixture!("form.pdf");
    for bytes in [
        &b""[..],
        b"not a pdf at all",
        b"%PDF-1.4\n%garbage\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
        &form[..form.len() / 2],
        &form[..40],
    ] {
        let result = read_fixture(bytes);
        assert!(
            matches!(result, Err(ReadError::Corrupt(_)) | Err(ReadError::NoText)),
            "{:?}: {result:?}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(20)])
        );
    }
}

#[test]
fn damaged_bytes_never_panic() {
    let form = fixture!("form.pdf");
    // A deterministic spread of single-byte changes over the whole file.
    for i in 0..300usize {
        let mut bytes = form.to_vec();
        let at = (i * 7919) % bytes.len();
        if let Some(b) = bytes.get_mut(at) {
            *b = b.wrapping_add(1 + (i % 251) as u8);
        }
        let _ = read_fixture(&bytes);
    }
}
