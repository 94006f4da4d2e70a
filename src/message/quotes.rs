//! Replies and forwards in plain text: only the new text at the top of a
//! reply is the sender's answer; the quoted thread below it is not. A
//! message forwarded inline is read, less its header lines.

use crate::form::document::{Block, Document};

/// Why a line ends or is skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mark {
    /// "On Mon, 17 Jun 2024, Jane wrote:", "-----Original Message-----", or
    /// an Outlook "From: / Sent: / To: / Subject:" block of a reply.
    QuoteStart,
    /// "---------- Forwarded message ---------", "Begin forwarded message:",
    /// or an Outlook header block whose subject is "FW:".
    ForwardStart,
}

/// True for a subject that marks a forward ("FW:", "Fwd:", "TR:", "WG:").
pub fn is_forward_subject(subject: &str) -> bool {
    let s = subject.trim_start().to_lowercase();
    ["fw:", "fwd:", "fw :", "tr:", "wg:"]
        .iter()
        .any(|p| s.starts_with(p))
}

/// The lines a person wrote in this message, numbered from 1 as in the
/// original text: the quoted thread is cut, `>` lines dropped, forward
/// headers skipped and the signature after "-- " left out. In a message
/// whose own subject says it is a forward, the first Outlook header block
/// starts the forwarded message (Outlook shows the original subject there).
pub fn new_text(text: &str, forwarded: bool) -> Vec<(usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    kept_lines(&lines, forwarded)
        .into_iter()
        .filter_map(|i| {
            let line = lines.get(i)?;
            Some((i + 1, line.replace('\u{a0}', " ").trim_end().to_string()))
        })
        .collect()
}

/// The same cut for a body already read into a document (an HTML body):
/// text blocks after the start of the quoted thread are dropped, and so
/// are tables there (a quoted form).
pub fn cut_document(doc: &Document, forwarded: bool) -> Document {
    let (lines, owner) = lines_of(doc);
    let kept = kept_lines(&lines, forwarded);
    let mut out = Document::new(doc.source.clone());
    let mut last = None;
    for i in kept {
        let Some(&b) = owner.get(i) else { continue };
        if last == Some(b) {
            continue;
        }
        last = Some(b);
        if let Some(block) = doc.blocks.get(b) {
            out.blocks.push(block.clone());
        }
    }
    out
}

/// A document's lines, one per text line and a table as one neutral line,
/// with the index of the block each stands in.
fn lines_of(doc: &Document) -> (Vec<&str>, Vec<usize>) {
    let mut lines: Vec<&str> = Vec::new();
    let mut owner: Vec<usize> = Vec::new();
    for (b, block) in doc.blocks.iter().enumerate() {
        match block {
            Block::Text { text, .. } => {
                for line in text.split('\n') {
                    lines.push(line);
                    owner.push(b);
                }
            }
            Block::Table { .. } => {
                lines.push("\u{1}");
                owner.push(b);
            }
        }
    }
    (lines, owner)
}

/// Indices of the lines a person wrote in this message.
fn kept_lines(lines: &[&str], forwarded: bool) -> Vec<usize> {
    let mut out = Vec::new();
    let mut forward_pending = forwarded;
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        let trimmed = line.trim();
        if trimmed.starts_with('>') {
            i += 1;
            continue;
        }
        if *line == "-- " || trimmed == "--" {
            // A signature runs to the next forward or quote marker.
            i = skip_until_marker(lines, i + 1);
            continue;
        }
        if is_sign_off(trimmed) {
            // "Kind regards" and the name, role and numbers under it are
            // the sender's signature, not answers.
            out.push(i);
            i = skip_until_marker(lines, i + 1);
            continue;
        }
        let mark = match mark_at(lines, i) {
            Some(Mark::QuoteStart) if forward_pending && is_header_block(lines, i) => {
                Some(Mark::ForwardStart)
            }
            other => other,
        };
        match mark {
            Some(Mark::QuoteStart) => break,
            Some(Mark::ForwardStart) => {
                forward_pending = false;
                i = skip_forward_header(lines, i);
                continue;
            }
            None => {}
        }
        out.push(i);
        i += 1;
    }
    out
}

/// An Outlook header block starts here, or right after this marker line.
fn is_header_block(lines: &[&str], i: usize) -> bool {
    header_block_kind(lines, i).is_some() || header_block_kind(lines, i + 1).is_some()
}

fn skip_until_marker(lines: &[&str], mut i: usize) -> usize {
    while i < lines.len() && mark_at(lines, i).is_none() {
        i += 1;
    }
    i
}

/// A closing line on its own: "Kind regards,", "Many thanks", "Sent from my iPhone".
pub fn is_sign_off(line: &str) -> bool {
    let t = line.trim().to_lowercase();
    let t = t.trim_end_matches([',', '.', '!']).trim();
    const SIGN_OFFS: [&str; 17] = [
        "kind regards",
        "regards",
        "best regards",
        "best wishes",
        "many thanks",
        "thanks",
        "thank you",
        "thanks again",
        "cheers",
        "best",
        "yours sincerely",
        "yours faithfully",
        "warm regards",
        "with thanks",
        "with best wishes",
        "kindest regards",
        "thanks and regards",
    ];
    SIGN_OFFS.contains(&t) || t.starts_with("sent from my") || t.starts_with("get outlook for")
}

fn lower(line: &str) -> String {
    line.trim().trim_start_matches('*').to_lowercase()
}

fn is_forward_marker(l: &str) -> bool {
    (l.contains("forwarded message") && l.starts_with('-'))
        || l.starts_with("begin forwarded message")
        || l.starts_with("-------- forwarded message")
        || l == "forwarded message:"
}

/// A header line of a quoted or forwarded message.
fn header_name(line: &str) -> Option<&'static str> {
    let l = lower(line);
    [
        "from:",
        "sent:",
        "date:",
        "to:",
        "cc:",
        "subject:",
        "reply-to:",
        "importance:",
    ]
    .into_iter()
    .find(|h| l.starts_with(h))
}

fn mark_at(lines: &[&str], i: usize) -> Option<Mark> {
    let l = lower(lines.get(i)?);
    if is_forward_marker(&l) {
        return Some(Mark::ForwardStart);
    }
    if l.contains("original message") && l.starts_with('-') {
        return Some(header_block_kind(lines, i + 1).unwrap_or(Mark::QuoteStart));
    }
    if is_wrote_line(lines, i) {
        return Some(Mark::QuoteStart);
    }
    if header_name(lines.get(i)?) == Some("from:") {
        return header_block_kind(lines, i);
    }
    None
}

/// "On ... wrote:" (Gmail and Apple split it over two lines at times).
fn is_wrote_line(lines: &[&str], i: usize) -> bool {
    let l = lower(lines.get(i).unwrap_or(&""));
    let next = lines.get(i + 1).map(|n| lower(n)).unwrap_or_default();
    let starts = l.starts_with("on ") || l.starts_with("le ") || l.starts_with("am ");
    starts && (l.ends_with("wrote:") || (next.ends_with("wrote:") && !l.ends_with('.')))
}

/// An Outlook-style block "From: / Sent: / To: / Subject:" starting near
/// `start`: a forward when its subject starts with FW/Fwd, else a quote.
fn header_block_kind(lines: &[&str], start: usize) -> Option<Mark> {
    let mut names = Vec::new();
    let mut subject = String::new();
    for line in lines.iter().skip(start).take(8) {
        if line.trim().is_empty() && !names.is_empty() {
            break;
        }
        if let Some(name) = header_name(line) {
            names.push(name);
            if name == "subject:" {
                subject = lower(line)
                    .trim_start_matches("subject:")
                    .trim()
                    .to_string();
            }
        }
    }
    let is_block = names.first() == Some(&"from:")
        && names.iter().any(|n| *n == "sent:" || *n == "date:")
        && names.iter().any(|n| *n == "to:" || *n == "subject:");
    if !is_block {
        return None;
    }
    let forward = ["fw:", "fwd:", "fw ", "tr:", "wg:"]
        .iter()
        .any(|p| subject.starts_with(p));
    Some(if forward {
        Mark::ForwardStart
    } else {
        Mark::QuoteStart
    })
}

/// Skips the marker line and the forwarded message's header lines.
fn skip_forward_header(lines: &[&str], mut i: usize) -> usize {
    i += 1;
    let mut seen_header = false;
    while let Some(line) = lines.get(i) {
        if header_name(line).is_some() {
            seen_header = true;
        } else if line.trim().is_empty() {
            if seen_header {
                return i;
            }
        } else if seen_header && line.starts_with([' ', '\t']) {
            // a folded header line
        } else {
            return i;
        }
        i += 1;
    }
    i
}

/// Answers typed into the quoted earlier email, numbered as in `text`:
/// - under `>`-quoted questions (the reply interleaves its answers with the
///   quote), each quoted question kept without its old value, so that the
///   answer below it is read against it;
/// - inside an earlier email quoted below an Outlook-style header block or
///   an "On ... wrote:" line (a care home answering the sponsor's questions
///   in place, or quoting its own application under a chaser).
///
/// These lines only fill what the new text leaves unanswered.
pub fn quoted_answers(text: &str) -> Vec<(usize, String)> {
    let raw: Vec<&str> = text.lines().collect();
    let (joined, numbers) = rejoin_wrapped(&raw);
    let lines: Vec<&str> = joined.iter().map(String::as_str).collect();
    let out = interleaved(&lines).unwrap_or_else(|| quoted_email(&lines).unwrap_or_default());
    out.into_iter()
        .map(|(n, t)| (numbers.get(n.saturating_sub(1)).copied().unwrap_or(n), t))
        .collect()
}

/// The lines with each one that the mail program wrapped out of its quote
/// put back on the quoted line it carries on, and the number (from 1) of
/// the line each starts on.
fn rejoin_wrapped(lines: &[&str]) -> (Vec<String>, Vec<usize>) {
    let mut joined: Vec<String> = Vec::with_capacity(lines.len());
    let mut numbers = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        if wraps_quote(lines, i)
            && let Some(last) = joined.last_mut()
        {
            last.push(' ');
            last.push_str(line.trim());
            continue;
        }
        joined.push((*line).to_string());
        numbers.push(i + 1);
    }
    (joined, numbers)
}

fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

fn unquote(line: &str) -> &str {
    line.trim_start().trim_start_matches(['>', ' ']).trim_end()
}

/// `>` quoting with answers between the quoted lines.
fn interleaved(lines: &[&str]) -> Option<Vec<(usize, String)>> {
    let first = lines.iter().position(|l| is_quoted(l))?;
    let last = lines.iter().rposition(|l| is_quoted(l))?;
    let answered = (first..last).any(|i| {
        lines.get(i).is_some_and(|l| is_quoted(l))
            && lines.get(i + 1).is_some_and(|n| {
                !is_quoted(n)
                    && !n.trim().is_empty()
                    && !is_sign_off(n.trim())
                    && !wraps_quote(lines, i + 1)
            })
    });
    if !answered {
        return None;
    }
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(first) {
        if wraps_quote(lines, i) {
            continue;
        }
        if is_quoted(line) {
            if let Some(question) = question_of(unquote(line)) {
                out.push((i + 1, question));
            }
        } else if is_sign_off(line.trim()) {
            break;
        } else {
            out.push((i + 1, line.replace('\u{a0}', " ").trim_end().to_string()));
        }
    }
    Some(out)
}

/// A line the mail program wrapped out of the quote above it, losing its
/// `>`: the quoted line runs long and this one carries it on (in lower
/// case, or after a quoted line broken off mid-sentence, "... (Data
/// Security and Protection" over "Toolkit)? y").
fn wraps_quote(lines: &[&str], i: usize) -> bool {
    let (Some(prev), Some(line)) = (i.checked_sub(1).and_then(|p| lines.get(p)), lines.get(i))
    else {
        return false;
    };
    let quoted_above = is_quoted(prev) || wraps_quote_above(lines, i - 1);
    !is_quoted(line) && quoted_above && carries_on(prev, line)
}

/// The same, one line up (a quoted line wrapped over three).
fn wraps_quote_above(lines: &[&str], i: usize) -> bool {
    let (Some(prev), Some(line)) = (i.checked_sub(1).and_then(|p| lines.get(p)), lines.get(i))
    else {
        return false;
    };
    is_quoted(prev) && !is_quoted(line) && carries_on(prev, line)
}

/// Whether `line` carries on the long line `prev`: in lower case, or after
/// `prev` broke off in the middle of a question (an open bracket, no mark
/// that ends a question or a sentence). An answer typed under a quoted
/// question follows one that ends with its colon or question mark.
fn carries_on(prev: &str, line: &str) -> bool {
    let prev = prev.trim_end();
    let next = line.trim_start();
    let long = prev.chars().count() >= 60;
    let open_bracket = prev.matches('(').count() > prev.matches(')').count();
    let broken_off = open_bracket && !prev.ends_with([':', '?', '.']);
    long && !next.is_empty() && (next.starts_with(char::is_lowercase) || broken_off)
}

/// A quoted line as a question: its label with the old answer left out
/// ("Telephone number: 0113 ..." gives "Telephone number:"); `None` for a
/// line that asks nothing.
fn question_of(line: &str) -> Option<String> {
    let t = line.trim().trim_start_matches(['-', '*', '•']).trim();
    if t.ends_with('?') || t.ends_with(':') {
        return Some(t.to_string());
    }
    let (label, _) = t.split_once(": ")?;
    (label.split_whitespace().count() <= 12).then(|| format!("{label}:"))
}

/// The earlier email quoted below a header block or a "wrote:" line: its
/// lines down to its sign-off (the sponsor's questions answered in place,
/// or the sender's own application sent again under a chaser).
fn quoted_email(lines: &[&str]) -> Option<Vec<(usize, String)>> {
    let start = (0..lines.len()).find(|&i| mark_at(lines, i) == Some(Mark::QuoteStart))?;
    // Whoever wrote it: the sponsor's questions answered in place, or the
    // sender's own application quoted under "I have not heard back".
    let body = if is_wrote_line(lines, start) {
        start
            + if lower(lines.get(start)?).ends_with("wrote:") {
                1
            } else {
                2
            }
    } else {
        let from = (start..lines.len().min(start + 3))
            .find(|&i| header_name(lines.get(i).unwrap_or(&"")) == Some("from:"))?;
        skip_forward_header(lines, from.saturating_sub(1))
    };
    let mut out = Vec::new();
    let mut in_read_back = false;
    for (i, line) in lines.iter().enumerate().skip(body) {
        let t = unquote(line);
        if is_sign_off(t) || mark_at(lines, i).is_some() {
            break;
        }
        let l = lower(t);
        if l.contains(READ_BACK_START) {
            in_read_back = true;
        }
        if in_read_back {
            in_read_back = !l.contains(READ_BACK_END);
            continue;
        }
        out.push((i + 1, t.replace('\u{a0}', " ").to_string()));
    }
    Some(out)
}

/// Our receipt lists what we read, and a reply that quotes it would hand the
/// same values back as answers; the block is left out of a quoted email. (A
/// correction typed under a `>`-quoted line of it is still read.) The
/// receipt templates must keep these words: a test renders them to check.
pub const READ_BACK_START: &str = "this is what we read from your application";
pub const READ_BACK_END: &str = "if anything here is wrong";

/// The earlier email quoted in a document read from HTML whose quote the
/// mail program marked in words only ("On ... wrote:" over a plain
/// blockquote): its blocks, tables kept, from the mark to the quoted
/// email's sign-off.
pub fn quoted_blocks(doc: &Document) -> Document {
    let (lines, owner) = lines_of(doc);
    let mut out = Document::new(doc.source.clone());
    let Some(start) = (0..lines.len()).find(|&i| mark_at(&lines, i) == Some(Mark::QuoteStart))
    else {
        return out;
    };
    let mut last = owner.get(start).copied();
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        let Some(&b) = owner.get(i) else { continue };
        if is_sign_off(unquote(line)) && !out.blocks.is_empty() {
            break;
        }
        if last == Some(b) || header_name(unquote(line)).is_some() {
            continue;
        }
        last = Some(b);
        match doc.blocks.get(b) {
            // A plain-text email shown as HTML keeps its `>` marks.
            Some(Block::Text { text, place }) => {
                let text: Vec<&str> = text.split('\n').map(unquote).collect();
                out.push_text(text.join("\n"), place.clone());
            }
            Some(table) => out.blocks.push(table.clone()),
            None => {}
        }
    }
    out
}

/// A quoted email up to its sign-off ("Many thanks"), once it has said
/// something: the signature's telephone number is no answer.
pub fn until_sign_off(doc: &Document) -> Document {
    let mut out = Document::new(doc.source.clone());
    for block in &doc.blocks {
        let signs_off = matches!(block, Block::Text { text, .. }
            if text.split('\n').next().is_some_and(|l| is_sign_off(unquote(l))));
        let said =
            out.blocks.iter().any(|b| matches!(b, Block::Table { .. })) || out.blocks.len() >= 3;
        if signs_off && said {
            break;
        }
        out.blocks.push(block.clone());
    }
    out
}

/// A document less our read-back block (see [`READ_BACK_START`]).
pub fn without_read_back(doc: &Document) -> Document {
    let mut out = Document::new(doc.source.clone());
    let mut in_read_back = false;
    for block in &doc.blocks {
        if let Block::Text { text, .. } = block {
            let l = lower(text);
            if l.contains(READ_BACK_START) {
                in_read_back = true;
            }
            if in_read_back {
                in_read_back = !l.contains(READ_BACK_END);
                continue;
            }
        }
        if !in_read_back {
            out.blocks.push(block.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(t: &str) -> Vec<String> {
        new_text(t, false).into_iter().map(|(_, l)| l).collect()
    }

    #[test]
    fn a_quoted_line_broken_off_mid_question_is_put_back_together() {
        let text = "I have not heard back about our application below.\n\n\
                    On Wed 19 Jun 2024 at 17:04, Gareth Patel <g@example.org> wrote:\n\n\
                    > CQC location ID:\n\
                    > Have you completed the IG Toolkit (Data Security and Protection\n\
                    Toolkit)? y\n\
                    > Do you already have any NHSmail accounts? n\n";
        let got = quoted_answers(text);
        let lines: Vec<&str> = got.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(
            lines,
            [
                "",
                "CQC location ID:",
                "Have you completed the IG Toolkit (Data Security and Protection Toolkit)? y",
                "Do you already have any NHSmail accounts? n",
            ]
        );
        assert_eq!(got[2].0, 6, "numbered from the line it starts on");
    }

    #[test]
    fn outlook_reply_is_cut() {
        let t = "Our CQC number is 1-108765432.\n\nBethan\n\nFrom: Sponsor <s@x.example>\nSent: 11 June 2024 10:41\nTo: Bethan\nSubject: RE: NHSmail application\n\nPlease send:\n- CQC registration number";
        assert_eq!(
            texts(t),
            vec!["Our CQC number is 1-108765432.", "", "Bethan", ""]
        );
    }

    #[test]
    fn gmail_reply_and_quote_lines_are_cut() {
        let t = "Yes please.\n\nOn Mon, 17 Jun 2024 at 16:02, Sponsor <s@x.example>\nwrote:\n> Name:\n> Role:";
        assert_eq!(texts(t), vec!["Yes please.", ""]);
        assert_eq!(texts("> Name: Old\nName: New"), vec!["Name: New"]);
    }

    #[test]
    fn original_message_marker_is_cut() {
        let t = "Thanks\n-----Original Message-----\nFrom: a\nSent: b\nTo: c\nSubject: RE: x\n\nName: Old";
        assert_eq!(texts(t), vec!["Thanks"]);
    }

    #[test]
    fn inline_forward_is_read_without_its_headers() {
        let t = "Please see below.\n\n---------- Forwarded message ---------\nFrom: Home <h@x.example>\nDate: Mon, 17 Jun 2024\nSubject: NHSmail application\nTo: <t@x.example>\n\n\nName: Linda Barker\n";
        let got = new_text(t, false);
        assert!(
            got.iter()
                .any(|(n, l)| l == "Name: Linda Barker" && *n == 10)
        );
        assert!(!got.iter().any(|(_, l)| l.starts_with("From:")));
    }

    #[test]
    fn outlook_forward_is_read() {
        let t = "FYI\n\nFrom: Home <h@x.example>\nSent: 17 June 2024 16:02\nTo: Team\nSubject: FW: NHSmail application\n\nRole: Manager";
        assert!(texts(t).contains(&"Role: Manager".to_string()));
    }

    #[test]
    fn outlook_forward_by_outer_subject() {
        let t = "FYI\n\nFrom: Home <h@x.example>\nSent: 17 June 2024 16:02\nTo: Team\nSubject: NHSmail application\n\nRole: Manager\n\nFrom: Sponsor\nSent: 1 June\nTo: Home\nSubject: RE: x\n\nRole: Old";
        let lines: Vec<String> = new_text(t, true).into_iter().map(|(_, l)| l).collect();
        assert!(lines.contains(&"Role: Manager".to_string()));
        assert!(!lines.contains(&"Role: Old".to_string()));
        assert!(is_forward_subject("FW: NHSmail"));
        assert!(!is_forward_subject("RE: NHSmail"));
    }

    #[test]
    fn quoted_thread_in_a_document_is_dropped() {
        let mut doc = Document::new("email body");
        doc.push_text("Role: Manager", "paragraph 1");
        doc.push_text("From: Sponsor <s@x.example>", "paragraph 2");
        doc.push_text("Sent: 1 June 2024", "paragraph 3");
        doc.push_text("To: Home", "paragraph 4");
        doc.push_text("Subject: RE: form", "paragraph 5");
        doc.blocks.push(Block::Table {
            rows: Vec::new(),
            place: "table 1".into(),
        });
        let cut = cut_document(&doc, false);
        assert_eq!(cut.blocks.len(), 1);
    }

    #[test]
    fn lines_under_a_sign_off_are_the_signature() {
        let t = "How do we apply?\n\nKind regards,\n\nRita Moss\nTel: 0113 496 0944\n\n---------- Forwarded message ---------\nFrom: a\nDate: b\n\nName: Ann";
        assert_eq!(
            texts(t),
            vec!["How do we apply?", "", "Kind regards,", "", "Name: Ann"]
        );
    }

    #[test]
    fn answers_under_quoted_questions() {
        let t = "Answers below.\n\nOn Mon, 17 Jun 2024 at 16:02, Sponsor <s@x.example> wrote:\n> We still need:\n> Organisation telephone number: 0113 000 0000\n0113 496 0999\n> CQC registration number:\n1-108765432\n>\n> Kind regards\n> Sponsor";
        let got: Vec<String> = quoted_answers(t).into_iter().map(|(_, l)| l).collect();
        assert!(
            got.contains(&"Organisation telephone number:".to_string()),
            "{got:?}"
        );
        assert!(got.contains(&"0113 496 0999".to_string()));
        assert!(!got.iter().any(|l| l.contains("0113 000 0000")));
        assert!(quoted_answers("Thanks!\n\n> Name:\n> Role:").is_empty());
    }

    #[test]
    fn answers_typed_into_an_outlook_quote_of_someone_else() {
        let t = "See below.\n\nFrom: Sponsor <s@x.example>\nSent: 11 June 2024 10:41\nTo: Bethan\nSubject: RE: NHSmail application\n\nPlease send:\nCQC registration number: 1-108765432\n\nKind regards\nSponsor\nTel: 0113 000 0000";
        let got: Vec<String> = quoted_answers(t).into_iter().map(|(_, l)| l).collect();
        assert!(got.contains(&"CQC registration number: 1-108765432".to_string()));
        assert!(!got.iter().any(|l| l.contains("0113 000 0000")));
    }

    #[test]
    fn signature_is_left_out() {
        assert_eq!(
            texts("Name: Ann\n-- \nAnn Lee\nTel: 0113 496 0000"),
            vec!["Name: Ann"]
        );
    }

    #[test]
    fn lines_wrapped_out_of_the_quote_are_no_answers() {
        let t = "I have not heard back about our application below.\n\nOn Thu 13 Jun 2024 at 12:15, Chloe Kaye <chloe@home.example> wrote:\n\n> Hi,\n>\n> Care homes should complete this form and email it to the nominated\ncontact in their sponsoring organisation. If this has not been\nidentified, please contact feedback@nhs.net\n> Name: Chloe Kaye\n> CQC number: 1-583655672\n>\n> Thanks\n";
        let got: Vec<String> = quoted_answers(t).into_iter().map(|(_, l)| l).collect();
        assert!(
            got.contains(&"CQC number: 1-583655672".to_string()),
            "{got:#?}"
        );
        assert!(got.contains(&"Name: Chloe Kaye".to_string()), "{got:#?}");
    }
}
