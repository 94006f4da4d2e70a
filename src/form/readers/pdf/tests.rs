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

type Pages = Vec<Vec<glyphs::Glyph>>;

/// The glyphs of every page through the fast path (`None`: it declined)
/// and through pdf-extract.
fn both_paths(bytes: &[u8]) -> Option<(Option<Pages>, Pages)> {
    let doc = pdf_extract::Document::load_mem(bytes).ok()?;
    let pages: Vec<(u32, pdf_extract::ObjectId)> = doc.get_pages().into_iter().collect();
    let far = Instant::now() + Duration::from_secs(60);
    let ids: Vec<_> = pages.iter().map(|(_, id)| *id).collect();
    let numbers: Vec<_> = pages.iter().map(|(n, _)| *n).collect();
    let fast = fast::collect(&doc, &ids, far).map(|c| c.pages);
    let slow = collect_with_pdf_extract(&doc, &numbers, &Limits::default(), far).ok()?;
    Some((fast, slow))
}

fn assert_same(what: &str, bytes: &[u8]) -> bool {
    let Some((fast, slow)) = both_paths(bytes) else {
        return false;
    };
    let Some(fast) = fast else {
        return false;
    };
    assert_eq!(fast, slow, "{what}: the fast path's glyphs differ");
    true
}

#[test]
fn fast_path_matches_pdf_extract_on_fixtures() {
    for (name, bytes) in [
        ("form.pdf", &fixture!("form.pdf")[..]),
        ("letter.pdf", fixture!("letter.pdf")),
        ("owner-only.pdf", fixture!("owner-only.pdf")),
    ] {
        assert!(assert_same(name, bytes), "{name}: the fast path declined");
    }
    // No text at all: the fast path reads it (no glyphs), like pdf-extract.
    assert_same("image-only.pdf", fixture!("image-only.pdf"));
}

#[test]
fn fast_path_matches_pdf_extract_on_the_corpus() {
    use crate::form::readers::{Format, detect};
    let dir = std::path::Path::new("/work/shared/corpus");
    let Ok(entries) = std::fs::read_dir(dir) else {
        eprintln!("no corpus at {}: skipped", dir.display());
        return;
    };
    let limits = Limits::default();
    let (mut pdfs, mut fast) = (0, 0);
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "eml") {
            continue;
        }
        let raw = std::fs::read(&path).expect("reads");
        let Some(msg) = mail_parser::MessageParser::default().parse(&raw[..]) else {
            continue;
        };
        for f in crate::message::walk::walk(&msg, &limits).files {
            if detect(Some(&f.filename), &f.content_type, &f.bytes) != Format::Pdf {
                continue;
            }
            pdfs += 1;
            let what = format!("{}: {}", path.display(), f.filename);
            if assert_same(&what, &f.bytes) {
                fast += 1;
            }
            let read_fast = read("a.pdf", &f.bytes, &limits);
            let doc = pdf_extract::Document::load_mem(&f.bytes).expect("loads");
            let numbers: Vec<u32> = doc.get_pages().keys().copied().collect();
            let far = Instant::now() + Duration::from_secs(60);
            let glyphs = collect_with_pdf_extract(&doc, &numbers, &limits, far).expect("reads");
            let mut slow = Document::new("a.pdf");
            for (i, page) in glyphs.iter().enumerate() {
                layout::push_page(&mut slow, i + 1, page);
            }
            assert_eq!(read_fast, Ok(slow), "{what}");
        }
    }
    assert!(
        pdfs > 0 && fast == pdfs,
        "fast path taken for {fast} of {pdfs} PDFs"
    );
}

#[test]
fn fast_path_declines_what_it_does_not_mirror() {
    for content in [
        &b"BT /F1 12 Tf (a) Tj ET /X Do"[..],
        b"BT /F1 12 Tf (a) Tj ET % comment\n",
        b"/Span <</MCID 0>> BDC BT /F1 12 Tf (a) Tj ET EMC",
        b"BT /F1 12 Tf 12Tf (a) Tj ET",
        b"BT (a) Tj ET",
        b"BT /F9 12 Tf (a) Tj ET",
        b"BT /F1 Tf (a) Tj ET",
        b"BT /F1 12 Tf (a) Tj ET 3",
        b"BT /F1 12 Tf 1 2 3 Td ET",
        b"BT /F1 12 Tf (unterminated Tj ET",
        b"BI /W 1 /H 1 /BPC 8 /CS /G ID x EI",
        b"/GS1 gs",
    ] {
        let pdf = one_page_pdf(content);
        let doc = pdf_extract::Document::load_mem(&pdf).expect("loads");
        let ids: Vec<_> = doc.get_pages().into_values().collect();
        let far = Instant::now() + Duration::from_secs(60);
        assert!(
            fast::collect(&doc, &ids, far).is_none(),
            "{:?} took the fast path",
            String::from_utf8_lossy(content)
        );
    }
}

#[test]
fn fast_path_matches_pdf_extract_on_text_operators() {
    for content in [
        &b"BT /F1 12 Tf 10 700 Td (Hello, world) Tj T* (next) Tj ET"[..],
        b"BT /F2 9 Tf 11 TL 2 Tc 3 Tw 90 Tz 1 Ts 1 0 0 1 50 600 Tm (a b  c) Tj T* [(A) -120 (V) 30.5 (W)] TJ ET",
        b"q 1 0 0 1 57.5 700 cm BT /F1 10 Tf 5 5 TD (x) Tj T* (y) Tj ET Q BT /F1 8 Tf (z) Tj ET",
        b"BT /F3 10 Tf 20 20 Td (\\(esc\\) \\101\\102 \\\\ tab\\there\\\nnl (nested)) Tj <48 65 6c6C 6f7> Tj ET",
        b"BT /F4 10 Tf 20 20 Td (\x80\x93\x96\xa0\xe9\xfc caf\xe9) Tj ET",
        b"0 0 0 rg 1 w 0 0 m 10 10 l S 0 0 10 10 re f [3 2] 0 d BT /F1 +5. Tf .5 -.5 Td (q) Tj ET",
        b"BT /F1 12 Tf 2 0 0 2 10 10 Tm (big) Tj 1 0.5 -0.5 1 0 0 Tm (skew) Tj ET",
    ] {
        let pdf = one_page_pdf(content);
        assert!(
            assert_same(&String::from_utf8_lossy(content), &pdf),
            "{:?}: the fast path declined",
            String::from_utf8_lossy(content)
        );
    }
}

/// A one-page PDF drawing `content`, with fonts F1 Helvetica and F2
/// Helvetica-Bold (WinAnsi), F3 Times-Roman (built-in encoding) and F4
/// Courier (WinAnsi).
fn one_page_pdf(content: &[u8]) -> Vec<u8> {
    use pdf_extract::{Dictionary, Object, Stream};
    let mut doc = pdf_extract::Document::with_version("1.4");
    let mut fonts = Dictionary::new();
    for (name, base, win_ansi) in [
        ("F1", "Helvetica", true),
        ("F2", "Helvetica-Bold", true),
        ("F3", "Times-Roman", false),
        ("F4", "Courier", true),
    ] {
        let mut font = Dictionary::new();
        font.set("Type", Object::Name(b"Font".to_vec()));
        font.set("Subtype", Object::Name(b"Type1".to_vec()));
        font.set("BaseFont", Object::Name(base.as_bytes().to_vec()));
        if win_ansi {
            font.set("Encoding", Object::Name(b"WinAnsiEncoding".to_vec()));
        }
        fonts.set(name, Object::Reference(doc.add_object(font)));
    }
    let mut resources = Dictionary::new();
    resources.set("Font", Object::Dictionary(fonts));
    let content = doc.add_object(Stream::new(Dictionary::new(), content.to_vec()));
    let pages_id = doc.new_object_id();
    let mut page = Dictionary::new();
    page.set("Type", Object::Name(b"Page".to_vec()));
    page.set("Parent", Object::Reference(pages_id));
    page.set("Contents", Object::Reference(content));
    page.set("Resources", Object::Dictionary(resources));
    page.set(
        "MediaBox",
        Object::Array(vec![0.into(), 0.into(), 600.into(), 800.into()]),
    );
    let page_id = doc.add_object(page);
    let mut pages = Dictionary::new();
    pages.set("Type", Object::Name(b"Pages".to_vec()));
    pages.set("Kids", Object::Array(vec![Object::Reference(page_id)]));
    pages.set("Count", Object::Integer(1));
    doc.objects.insert(pages_id, Object::Dictionary(pages));
    let mut catalog = Dictionary::new();
    catalog.set("Type", Object::Name(b"Catalog".to_vec()));
    catalog.set("Pages", Object::Reference(pages_id));
    let catalog = doc.add_object(catalog);
    doc.trailer.set("Root", Object::Reference(catalog));
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("saves");
    out
}

#[test]
fn std14_tables_match_pdf_extract() {
    const FONTS: [&str; 14] = [
        "Helvetica",
        "Helvetica-Bold",
        "Helvetica-Oblique",
        "Helvetica-BoldOblique",
        "Times-Roman",
        "Times-Bold",
        "Times-Italic",
        "Times-BoldItalic",
        "Courier",
        "Courier-Bold",
        "Courier-Oblique",
        "Courier-BoldOblique",
        "Symbol",
        "ZapfDingbats",
    ];
    let mut codes = b"BT /F 1000 Tf <".to_vec();
    for b in 0..=255u8 {
        codes.extend(format!("{b:02x}").bytes());
    }
    codes.extend(b"> Tj ET");
    for base in FONTS {
        for win_ansi in [false, true] {
            let Some(metrics) = std14::metrics(base, win_ansi) else {
                // pdf-extract cannot read ZapfDingbats in WinAnsi.
                assert_eq!((base, win_ansi), ("ZapfDingbats", true));
                continue;
            };
            let pdf = one_font_pdf(base, win_ansi, &codes);
            let (_, slow) = both_paths(&pdf).expect("reads");
            let glyphs = &slow[0];
            // The collector drops nothing here except empty text; compare
            // what it keeps.
            let mut x = 0.0;
            let mut kept = glyphs.iter();
            for code in 0..256 {
                let width = f64::from(metrics.widths[code]);
                let text = char::from_u32(u32::from(metrics.chars[code]))
                    .expect("a char")
                    .to_string()
                    .replace('\u{a0}', " ");
                let g = kept.next().expect("a glyph per code");
                assert_eq!(
                    (g.x, g.end_x - g.x, &g.text),
                    (x, width, &text),
                    "{base} {win_ansi} {code}"
                );
                x = g.end_x;
            }
        }
    }
}

fn one_font_pdf(base: &str, win_ansi: bool, content: &[u8]) -> Vec<u8> {
    let pdf = one_page_pdf(content);
    let mut doc = pdf_extract::Document::load_mem(&pdf).expect("loads");
    let mut font = pdf_extract::Dictionary::new();
    font.set("Type", pdf_extract::Object::Name(b"Font".to_vec()));
    font.set("Subtype", pdf_extract::Object::Name(b"Type1".to_vec()));
    font.set(
        "BaseFont",
        pdf_extract::Object::Name(base.as_bytes().to_vec()),
    );
    if win_ansi {
        font.set(
            "Encoding",
            pdf_extract::Object::Name(b"WinAnsiEncoding".to_vec()),
        );
    }
    let font = doc.add_object(font);
    let page = *doc.get_pages().values().next().expect("a page");
    let page = doc.get_dictionary_mut(page).expect("a page");
    let resources = page
        .get_mut(b"Resources")
        .and_then(pdf_extract::Object::as_dict_mut)
        .expect("resources");
    let fonts = resources
        .get_mut(b"Font")
        .and_then(pdf_extract::Object::as_dict_mut)
        .expect("fonts");
    fonts.set("F", pdf_extract::Object::Reference(font));
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("saves");
    out
}

/// A one-page fillable PDF: printed questions, answers only in the fields.
fn fillable_pdf() -> Vec<u8> {
    let content = "BT /F1 11 Tf 50 700 Td (Name:) Tj ET \
                   BT /F1 11 Tf 50 670 Td (Role:) Tj ET \
                   BT /F1 11 Tf 50 640 Td (IG Toolkit completed?) Tj ET \
                   BT /F1 11 Tf 180 640 Td (Yes) Tj ET \
                   BT /F1 11 Tf 240 640 Td (No) Tj ET";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R /AcroForm 5 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
         /Resources << /Font << /F1 11 0 R >> >> /Annots [6 0 R 7 0 R 8 0 R 10 0 R] >>"
            .to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Fields [6 0 R 7 0 R 9 0 R] >>".to_string(),
        "<< /FT /Tx /T (name) /TU (Name) /V (Jane O\\220Brien) /Rect [120 695 350 712] /P 3 0 R /Subtype /Widget >>".to_string(),
        "<< /FT /Tx /T (role) /V <FEFF004D0061006E0061006700650072> /Rect [120 665 350 682] /Subtype /Widget >>".to_string(),
        "<< /Parent 9 0 R /AS /Yes /Rect [165 638 175 648] /P 3 0 R /Subtype /Widget >>".to_string(),
        "<< /FT /Btn /T (ig) /V /Yes /Kids [8 0 R 10 0 R] >>".to_string(),
        "<< /Parent 9 0 R /AS /Off /Rect [225 638 235 648] /P 3 0 R /Subtype /Widget >>".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[test]
fn fillable_pdf_answers_stand_beside_their_questions() {
    let doc = read_fixture(&fillable_pdf()).expect("the fillable PDF reads");
    let text = doc.plain_text();
    assert!(text.contains("Jane O’Brien"), "{text}");
    assert!(text.contains("Manager"), "{text}");
    let (form, _) = crate::form::extract::extract(&[doc]);
    assert_eq!(form.applicant_name.as_deref(), Some("Jane O’Brien"));
    assert_eq!(form.applicant_role.as_deref(), Some("Manager"));
    assert_eq!(form.ig_toolkit_completed, Some(true));
}

/// A PDF of the given objects (numbered from 1, the first the catalogue)
/// with a classic cross-reference table.
fn pdf_of(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend(o);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn nested(depth: usize, inner: &str) -> String {
    format!("{}{inner}{}", "[".repeat(depth), "]".repeat(depth))
}

/// Issue 16: nesting that would overflow lopdf's recursive parser is
/// refused before it is parsed, in the objects and in a page's content.
#[test]
fn deeply_nested_pdfs_are_refused_not_a_stack_overflow() {
    let catalog = b"<< /Type /Catalog /Pages 2 0 R >>".to_vec();
    let pages = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec();
    let in_object = pdf_of(&[
        catalog.clone(),
        pages.clone(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /X {} >>",
            nested(100_000, "")
        )
        .into_bytes(),
    ]);
    let content = format!("BT /F1 12 Tf 72 700 Td {} TJ ET", nested(100_000, "(x)"));
    let in_content = pdf_of(&[
        catalog,
        pages,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()).into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ]);
    for bytes in [in_object, in_content] {
        match read_fixture(&bytes) {
            Err(ReadError::Corrupt(why)) => assert!(why.contains("nested more than 100"), "{why}"),
            other => panic!("{other:?}"),
        }
    }
}
