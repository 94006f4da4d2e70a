use super::*;

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/html/",
            $name
        ))
    };
}

/// A compact, readable rendering of blocks for assertions.
fn render(blocks: &[Block]) -> Vec<String> {
    blocks
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

fn parts(split: &Split) -> Vec<(Part, String)> {
    split
        .blocks
        .iter()
        .map(|(p, b)| (*p, render(std::slice::from_ref(b)).concat()))
        .collect()
}

fn texts(doc: &Document) -> Vec<String> {
    render(&doc.blocks)
}

#[test]
fn outlook_word_html_drops_struck_options_and_hidden_text() {
    let doc = read("email body", fixture!("outlook-struck.html"));
    let Some(Block::Table { rows, place }) = doc.blocks.get(2) else {
        panic!("expected the form table third: {:?}", texts(&doc));
    };
    assert_eq!(place, "table 1");
    let cell = |r: usize, c: usize| rows[r][c].text.as_str();
    assert_eq!(cell(0, 1), "Aoife O\u{2019}Brien");
    assert_eq!(cell(0, 3), "Deputy Manager");
    // colspan=3 is one cell; Word paragraphs in a cell become lines.
    assert_eq!(rows[1].len(), 2);
    assert_eq!(cell(1, 1), "Larkspur House\n4 Example Row\nLeeds LS1 1AA");
    assert_eq!(cell(2, 1), "Yes/");
    assert_eq!(cell(3, 1), "/No");
    assert_eq!(cell(3, 3), "", "an &nbsp; cell is empty but kept");
    assert_eq!(cell(4, 1), "Yes \u{2013} referrals\nand discharge letters");
    assert_eq!(rows[2][1].place, "table 1, row 3, cell 2");
    let all = doc.plain_text();
    assert!(!all.contains("preheader"), "hidden text leaked: {all}");
    assert!(
        !all.contains("line-through") && !all.contains("MsoNormal"),
        "style leaked"
    );
    assert!(!all.contains("shapedefaults"), "conditional comment leaked");
    assert_eq!(
        texts(&doc)[..2],
        [
            "paragraph 1: Good morning,",
            "paragraph 2: Our form is below & the report is attached."
        ]
    );
    // <br> splits a paragraph into one block per line.
    assert_eq!(
        texts(&doc)[3..],
        ["paragraph 3: Kind regards", "paragraph 4: Aoife"]
    );
}

#[test]
fn gmail_reply_quote_is_not_new_text() {
    let split = read_split("email body", fixture!("gmail-reply.html"));
    assert!(split.has(Part::Quoted));
    let doc = read("email body", fixture!("gmail-reply.html"));
    let all = doc.plain_text();
    assert!(all.contains("1-101234567"));
    assert!(
        !all.contains("Someone Else"),
        "quoted reply read as new: {all}"
    );
    assert!(!all.contains("wrote:"));
}

#[test]
fn gmail_forward_is_read_without_its_header_lines() {
    let doc = read("email body", fixture!("gmail-forward.html"));
    assert_eq!(
        texts(&doc),
        [
            "paragraph 1: Hi team,",
            "paragraph 2: Forwarding this application.",
            "paragraph 3: Name: Tom Hardy",
            "paragraph 4: Role: Manager",
            "paragraph 5: Shared mailbox: Yes",
        ]
    );
    let split = read_split("email body", fixture!("gmail-forward.html"));
    assert_eq!(
        split
            .blocks
            .iter()
            .filter(|(p, _)| *p == Part::Forwarded)
            .count(),
        3
    );
}

#[test]
fn apple_forward_in_cite_blockquote_is_kept() {
    let doc = read("email body", fixture!("apple-forward.html"));
    assert_eq!(
        texts(&doc),
        [
            "paragraph 1: See below.",
            "paragraph 2: Telephone: 0113 496 0002",
            "paragraph 3: CQC: 1-102345678",
            "paragraph 4: Owner: Ivy Lane",
        ]
    );
}

#[test]
fn roundcube_table_with_breaks_and_check_boxes() {
    let doc = read("email body", fixture!("roundcube-table.html"));
    let Some(Block::Table { rows, .. }) = doc.blocks.get(1) else {
        panic!("no table: {:?}", texts(&doc));
    };
    let values: Vec<&str> = rows
        .iter()
        .filter_map(|r| r.get(1))
        .map(|c| c.text.as_str())
        .collect();
    assert_eq!(
        values,
        [
            "Answer",
            "77 Queens Road\nBeeston\nLeeds",
            "",
            "☒ Yes ☐ No",
            "Meadow View Leeds"
        ]
    );
    assert!(!doc.plain_text().contains("document.write"));
    assert_eq!(
        texts(&doc)[2..],
        [
            "paragraph 2: Best regards,",
            "paragraph 3: Grace",
            "paragraph 4: Meadow View Care Home"
        ]
    );
}

#[test]
fn nested_tables_stand_alone_and_layout_tables_vanish() {
    let doc = read("email body", fixture!("nested-tables.html"));
    assert_eq!(
        texts(&doc),
        [
            "paragraph 1: Template header",
            "table 1: [Name | Ruth Ede // Accounts | Two:\nsee above // Telephone | 0113 496 0001]",
            "table 2: [Ruth Ede | ruth.ede | 07700 900111 // Sam Roe | sam.roe | 07700 900112]",
            "paragraph 2: Footer",
        ]
    );
}

#[test]
fn outlook_header_block_is_unlabelled() {
    let html = fixture!("outlook-reply.html");
    let split = read_split("email body", html);
    let unlabelled: Vec<String> = parts(&split)
        .into_iter()
        .filter(|(p, _)| *p == Part::Unlabelled)
        .map(|(_, s)| s)
        .collect();
    assert_eq!(
        unlabelled,
        [
            "paragraph 3: Dear Jane, your request has been approved.",
            "table 1: [Name | Jane Smith]"
        ]
    );
    // `read` cannot know whether this is a reply or a forward, so it drops it…
    assert_eq!(read("email body", html).blocks.len(), 2);
    // …and a caller that knows the subject keeps it for a forward.
    assert_eq!(
        split
            .current(is_forward_subject("FW: NHSmail application"))
            .blocks
            .len(),
        4
    );
    assert_eq!(
        split
            .current(is_forward_subject("RE: NHSmail application"))
            .blocks
            .len(),
        2
    );
}

#[test]
fn outlook_plain_from_sent_paragraphs_start_the_earlier_message() {
    let html = "<p>Our CQC number is 1-108765432.</p><p>From: Sponsor &lt;s@icb.example&gt;</p>\
                <p>Sent: 11 June 2024 10:41</p><p>To: Bethan</p><p>Subject: RE: application</p>\
                <p>Please send:</p><p>- CQC registration number</p>";
    assert_eq!(
        texts(&read("b", html)),
        ["paragraph 1: Our CQC number is 1-108765432."]
    );
    // A lone `From:` line that no `Sent:` follows is ordinary text.
    let html = "<p>From: Rose Hill Care Home</p><p>Name: Jane</p>";
    assert_eq!(
        texts(&read("b", html)),
        [
            "paragraph 1: From: Rose Hill Care Home",
            "paragraph 2: Name: Jane"
        ]
    );
}

#[test]
fn forward_inside_a_quoted_reply_stays_quoted() {
    let html = "<p>Thanks!</p><blockquote type=\"cite\"><div>---------- Forwarded message ---------</div>\
                <div>From: a</div><div>Name: Old Value</div></blockquote><p>PS new line</p>";
    let doc = read("b", html);
    assert_eq!(
        texts(&doc),
        ["paragraph 1: Thanks!", "paragraph 3: PS new line"]
    );
}

#[test]
fn plain_text_in_pre_keeps_its_lines() {
    let doc = read("b", "<pre>Name:   Jane\n\nRole: Manager\r\n</pre>");
    assert_eq!(
        texts(&doc),
        ["paragraph 1: Name: Jane", "paragraph 2: Role: Manager"]
    );
}

#[test]
fn wingdings_boxes_become_ballot_boxes() {
    let html = "<p><span style='font-family:Wingdings'>x</span> Yes <span style=\"font-family:'Wingdings'\">o</span> No</p>";
    assert_eq!(texts(&read("b", html)), ["paragraph 1: ☒ Yes ☐ No"]);
}

#[test]
fn hostile_input_does_not_crash_or_stall() {
    let started = std::time::Instant::now();
    let deep = "<div>".repeat(100_000) + "deep" + &"</div>".repeat(100_000);
    assert_eq!(texts(&read("b", &deep)), ["paragraph 1: deep"]);
    let tables = "<table><tr><td>".repeat(300) + "x";
    assert!(read("b", &tables).plain_text().contains('x'));
    let tables = "<table><tr><td>".repeat(50_000) + "x";
    assert!(read("b", &tables).plain_text().contains('x'));
    for junk in [
        "",
        "<",
        "</td></tr></table>",
        "<td>a<td>b",
        "\u{0}\u{feff}<p>\u{fffd}</p>",
        "<s>",
    ] {
        let _ = read("b", junk);
    }
    assert!(
        started.elapsed().as_secs() < 10,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn decodes_declared_charset() {
    let bytes = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"><p>Siobh\xe1n \x96 ok</p>";
    assert_eq!(
        texts(&read("b", &decode(bytes))),
        ["paragraph 1: Siobh\u{e1}n \u{2013} ok"]
    );
    assert_eq!(
        decode("<meta charset='utf-8'><p>é</p>".as_bytes()),
        "<meta charset='utf-8'><p>é</p>"
    );
    assert_eq!(decode(b"\xef\xbb\xbf<p>x</p>"), "<p>x</p>");
}
