//! The whole reading of one email: classify it, read every body and
//! attachment, extract the form, validate it. `sponsor-intake parse` prints
//! exactly this; the daemon's intake runs exactly this.

use crate::findings::{self, Evidence, Finding, Severity};
use crate::form::document::{Block, Document};
use crate::form::extract::{Matched, extract_matched, match_document};
use crate::form::readers::{self, Format, Limits, ReadError, tnef};
use crate::form::{Form, Guess, Provenance};
use crate::message::walk::{self, Body, File};
use crate::message::{self, Attachment, Envelope, Kind, Role, quotes};
use mail_parser::MessageParser;

#[cfg(test)]
mod golden_tests;

/// The result of reading one email. Serialisable whole, so that a reader
/// in a child process can hand it back (see `intake::reader`).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Parsed {
    pub kind: Kind,
    pub envelope: Envelope,
    pub form: Form,
    pub provenance: Provenance,
    pub attachments: Vec<Attachment>,
    pub findings: Vec<Finding>,
    pub complete: bool,
}

/// The finding code for an attachment that could not be read.
pub const UNREADABLE: &str = "unreadable_attachment";

/// A document with this many of the form's questions is the form.
const FORM_QUESTIONS: usize = 3;

/// Reads and judges one raw RFC 5322 message. Never panics on bad input.
pub fn parse(raw: &[u8], limits: &Limits) -> Parsed {
    if raw.len() > limits.max_message_bytes {
        return not_application(Kind::Other, Envelope::default(), Vec::new());
    }
    let Some(msg) = MessageParser::default().parse(raw) else {
        return not_application(Kind::Other, Envelope::default(), Vec::new());
    };
    let envelope = message::envelope(&msg);
    let content = walk::walk(&msg, limits);
    let files = unpack_tnef(content.files, limits);
    // Our own messages (marked X-Sponsor-Intake) that come back, say by a
    // copy to the sponsor mailbox, quote forms but are never applications.
    let header_kind = message::kind::from_headers(&msg)
        .or_else(|| envelope.sent_by_us.is_some().then_some(Kind::Other));
    if let Some(kind) = header_kind {
        let attachments = files
            .iter()
            .map(|f| attachment(f, Role::Other, None))
            .collect();
        return not_application(kind, envelope, attachments);
    }
    let mut read: Vec<ReadFile> = files.iter().map(|f| read_file(f, limits)).collect();
    keep_the_fullest_form(&mut read);
    let splits = html_splits(&content.bodies);
    let bodies: Vec<(Document, Matched)> = content
        .bodies
        .iter()
        .zip(&splits)
        .map(|(b, split)| {
            let doc = body_document(b, split.as_ref());
            let matched = match_document(&doc);
            (doc, matched)
        })
        .collect();
    let sources = read
        .iter()
        .filter(|r| r.role == Role::ApplicationForm)
        .filter_map(|r| r.document.as_ref().map(|(d, m)| (d, m)))
        .chain(bodies.iter().map(|(d, m)| (d, m)));
    let (mut form, mut provenance) = extract_matched(sources);
    // The HTML first: a tick or a strike-through in a quoted form survives
    // only there.
    for quoted in [
        quoted_html(&content.bodies, &splits),
        quoted_answers(&content.bodies),
    ] {
        if !quoted.is_empty() {
            let (answers, from) = crate::form::extract::extract(&quoted);
            form.fill_gaps(&mut provenance, &answers, &from, Guess::Quoted);
        }
    }
    let maybe_form = read
        .iter()
        .any(|r| r.role == Role::ApplicationForm || r.possible_form);
    let attachments: Vec<Attachment> = files
        .iter()
        .zip(&read)
        .map(|(f, r)| attachment(f, r.role, r.error.as_ref()))
        .collect();
    let is_reply = !envelope.in_reply_to.is_empty() || !envelope.references.is_empty();
    let correction = is_reply
        && (provenance
            .values()
            .any(|o| o.guess == Some(Guess::Sentence))
            || bodies.iter().any(|(d, _)| says_correction(&d.plain_text())));
    if !(maybe_form || has_form_content(&form, is_reply, correction)) {
        return not_application(Kind::Other, envelope, attachments);
    }
    let evidence = Evidence {
        has_assessment_report: read.iter().any(|r| r.role == Role::IgAssessmentReport),
    };
    let mut found = findings::validate(&form, &evidence);
    found.extend(
        files
            .iter()
            .zip(&read)
            .filter_map(|(f, r)| r.error.as_ref().map(|e| unreadable(f, e))),
    );
    Parsed {
        kind: Kind::Application,
        envelope,
        complete: findings::is_complete(&found),
        form,
        provenance,
        attachments,
        findings: found,
    }
}

/// What the reader saw in one email: every readable attachment and body as
/// a document, for `parse --documents` ("why was my form read like this?").
pub fn documents(raw: &[u8], limits: &Limits) -> Vec<Document> {
    let Some(msg) = MessageParser::default().parse(raw) else {
        return Vec::new();
    };
    let content = walk::walk(&msg, limits);
    let files = unpack_tnef(content.files, limits);
    let mut docs: Vec<Document> = files
        .iter()
        .filter_map(|f| read_file(f, limits).document.map(|(d, _)| d))
        .collect();
    let splits = html_splits(&content.bodies);
    docs.extend(
        content
            .bodies
            .iter()
            .zip(&splits)
            .map(|(b, split)| body_document(b, split.as_ref())),
    );
    for mut quoted in [
        quoted_html(&content.bodies, &splits),
        quoted_answers(&content.bodies),
    ]
    .into_iter()
    .flatten()
    {
        quoted.source = format!(
            "{} (quoted, read for what the rest leaves out)",
            quoted.source
        );
        docs.push(quoted);
    }
    docs
}

fn not_application(kind: Kind, envelope: Envelope, attachments: Vec<Attachment>) -> Parsed {
    Parsed {
        kind,
        envelope,
        form: Form::default(),
        provenance: Provenance::new(),
        attachments,
        findings: Vec::new(),
        complete: false,
    }
}

/// A message carries the form when it answers a question only the form
/// asks, or several of the general ones; a reply to an earlier message
/// may supply a single item. (Signatures under a sign-off are already left
/// out of bodies; this guards against those without one.)
fn has_form_content(form: &Form, is_reply: bool, correction: bool) -> bool {
    let specific = form.cqc_registration_number.is_some()
        || form.ig_toolkit_completed.is_some()
        || form.has_existing_nhsmail_accounts.is_some()
        || !form.existing_nhsmail_addresses.is_empty()
        || form.secure_exchange_required.is_some()
        || form.individual_accounts_requested.is_some()
        || form.shared_mailbox_required.is_some()
        || form.shared_mailbox_name.is_some();
    let count = |values: &[&Option<String>]| values.iter().filter(|v| v.is_some()).count();
    // Signatures carry labelled telephone numbers and email addresses, so
    // those alone never make an application.
    let general = count(&[
        &form.applicant_name,
        &form.applicant_role,
        &form.care_home_name,
        &form.care_home_address,
        &form.expected_benefits,
    ]);
    let contact = count(&[&form.applicant_email, &form.care_home_telephone]);
    specific
        || general >= 2
        || general + contact >= 4
        || (is_reply && general >= 1)
        || (correction && contact >= 1)
}

/// A reply that says it puts something right ("my email address was wrong",
/// "please update our number"), so that a contact detail in it is an answer
/// rather than a signature.
fn says_correction(text: &str) -> bool {
    let lower = text.to_lowercase();
    [
        "correct",
        "wrong",
        "mistake",
        "update",
        "changed",
        "change",
        "instead",
        "should be",
        "should read",
        "typo",
        "sorry",
        "apolog",
        "amend",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// A winmail.dat is listed, and so is every file inside it.
fn unpack_tnef(files: Vec<File>, limits: &Limits) -> Vec<File> {
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        let format = readers::detect(Some(&file.filename), &file.content_type, &file.bytes);
        let inner = if format == Format::Tnef {
            tnef::unpack(&file.bytes, limits).unwrap_or_default()
        } else {
            Vec::new()
        };
        out.push(file);
        out.extend(inner.into_iter().map(|p| File {
            filename: p.filename,
            content_type: "application/octet-stream".into(),
            bytes: p.bytes,
            description: None,
        }));
    }
    out
}

/// One attachment after reading.
struct ReadFile {
    role: Role,
    document: Option<(Document, Matched)>,
    error: Option<ReadError>,
    /// Unreadable, but by its type or name it may well be the form.
    possible_form: bool,
}

fn read_file(file: &File, limits: &Limits) -> ReadFile {
    let format = readers::detect(Some(&file.filename), &file.content_type, &file.bytes);
    let unread = |error: Option<ReadError>, possible_form: bool| ReadFile {
        role: Role::Other,
        document: None,
        error,
        possible_form,
    };
    if format == Format::Other && readers::image::is_image(&file.content_type, &file.bytes) {
        let words = image_words(file);
        if names_assessment_report(&words) {
            return ReadFile {
                role: Role::IgAssessmentReport,
                ..unread(None, false)
            };
        }
        // A photo of the form: the care home did send its answers, and is
        // told why they could not be read, not asked for everything.
        if names_the_form(&words) {
            return unread(Some(ReadError::Picture), true);
        }
        return unread(None, false);
    }
    if matches!(format, Format::Other | Format::Tnef) {
        return unread(None, false);
    }
    match readers::read(format, &file.filename, &file.bytes, limits) {
        Ok(doc) => {
            let matched = match_document(&doc);
            let role = role_of(&doc, &matched, format);
            ReadFile {
                role,
                document: Some((doc, matched)),
                error: None,
                possible_form: false,
            }
        }
        // A scan of the report is the report, if its name says so.
        Err(ReadError::NoText) if names_assessment_report(&image_words(file)) => ReadFile {
            role: Role::IgAssessmentReport,
            ..unread(None, false)
        },
        Err(error) => {
            let name = file.filename.to_lowercase();
            let document_type = !matches!(format, Format::Pdf | Format::Html | Format::Text);
            let named_form = name.contains("form") || name.contains("application");
            unread(Some(error), document_type || named_form)
        }
    }
}

/// Of several attachments that look like the form, one may be the form and
/// another a covering letter or a note that answers a question or two: the
/// weak ones are not the form when one answers far more.
fn keep_the_fullest_form(read: &mut [ReadFile]) {
    let questions = |r: &ReadFile| r.document.as_ref().map_or(0, |(_, m)| m.questions());
    let fullest = read
        .iter()
        .filter(|r| r.role == Role::ApplicationForm)
        .map(questions)
        .max()
        .unwrap_or(0);
    for r in read.iter_mut() {
        let q = questions(r);
        if r.role == Role::ApplicationForm && q < FORM_QUESTIONS + 1 && q * 3 < fullest {
            r.role = Role::Other;
        }
    }
}

/// What an attachment is, by its content: the form, an assessment report,
/// or something else (a certificate, a logo).
fn role_of(doc: &Document, matched: &Matched, format: Format) -> Role {
    let specific = matched.specific_questions();
    if specific < 2 && is_assessment_report(&doc.plain_text()) {
        return Role::IgAssessmentReport;
    }
    let office = matches!(
        format,
        Format::Docx | Format::Odt | Format::Xlsx | Format::Xls | Format::Ods | Format::Csv
    );
    let questions = matched.questions();
    let looks_like_form = specific >= 1 && (questions >= FORM_QUESTIONS || office);
    if looks_like_form {
        Role::ApplicationForm
    } else {
        Role::Other
    }
}

/// What names a picture or a scan: its file name, its MIME description and
/// the title it carries.
fn image_words(file: &File) -> String {
    let title = readers::image::title(&file.bytes).unwrap_or_default();
    format!(
        "{} {} {title}",
        file.filename,
        file.description.as_deref().unwrap_or("")
    )
}

/// A file's name and title as lower-case words.
fn name_tokens(words: &str) -> Vec<String> {
    words
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// A name or title that says it is the application form: "NHSmail
/// application form.jpg", "Form - Rose Hill.png".
fn names_the_form(words: &str) -> bool {
    let tokens = name_tokens(words);
    let has = |w: &str| tokens.iter().any(|t| t == w);
    has("form") || has("application") || (has("nhsmail") && !has("logo"))
}

/// A name or title that says "assessment report" of the IG Toolkit or the
/// DSPT: "DSPT.png", "IG toolkit report.jpg", "Assessment Report 2024.heic".
fn names_assessment_report(words: &str) -> bool {
    let lower = words.to_lowercase();
    let tokens = name_tokens(words);
    let has = |w: &str| tokens.iter().any(|t| t == w);
    let toolkit = has("dspt")
        || has("igt")
        || has("toolkit")
        || has("ig")
        || lower.contains("data security")
        || lower.contains("information governance");
    let report = has("assessment") && has("report");
    (toolkit || report) && !has("cqc")
}

/// An IG Toolkit / Data Security and Protection Toolkit assessment report:
/// the toolkit named, with a status or the report's heading; a letter that
/// only mentions the report is none.
fn is_assessment_report(text: &str) -> bool {
    let t = text.to_lowercase();
    let toolkit = [
        "data security and protection toolkit",
        "data security & protection toolkit",
        "dspt",
        "ig toolkit",
        "information governance toolkit",
        "igt",
    ]
    .iter()
    .any(|k| t.contains(k));
    let status = t.contains("standards met")
        || t.contains("standards exceeded")
        || t.contains("approaching standards")
        || t.contains("standards not met")
        || (t.contains("assessment") && t.contains("published"));
    let letter = [
        "dear ",
        "yours sincerely",
        "yours faithfully",
        "kind regards",
        "please find",
    ]
    .iter()
    .any(|w| t.contains(w));
    toolkit && (status || (t.contains("assessment report") && !letter))
}

fn attachment(file: &File, role: Role, error: Option<&ReadError>) -> Attachment {
    Attachment {
        filename: file.filename.clone(),
        content_type: file.content_type.clone(),
        size: file.bytes.len(),
        role,
        unreadable: error.map(ToString::to_string),
        unreadable_code: error.map(|e| e.code().to_string()),
    }
}

fn unreadable(file: &File, error: &ReadError) -> Finding {
    Finding {
        code: UNREADABLE.into(),
        field: "attachments".into(),
        severity: Severity::Notice,
        message: format!(
            "We could not read the attachment '{}': {error}.",
            file.filename
        ),
    }
}

/// Answers typed into the quoted earlier email of a reply (see
/// [`quotes::quoted_answers`]), one document per body that has any.
fn quoted_answers(bodies: &[Body]) -> Vec<Document> {
    bodies
        .iter()
        .filter(|b| !b.forwarded)
        .filter_map(|b| {
            let text = match (&b.text, &b.html) {
                (Some(text), _) => text.clone(),
                (None, Some(html)) => readers::html::read(b.source, html).plain_text(),
                (None, None) => return None,
            };
            let lines = quotes::quoted_answers(&text);
            let mut doc = Document::new(b.source);
            for (number, line) in lines {
                doc.push_text(line, format!("line {number}"));
            }
            (!doc.blocks.is_empty()).then_some(doc)
        })
        .collect()
}

/// The earlier email quoted in an HTML reply (a blockquote, the part below
/// an Outlook header block), tables and marks kept, less our own read-back
/// of an earlier form: one document per body that quotes anything.
fn quoted_html(bodies: &[Body], splits: &[Option<readers::html::Split>]) -> Vec<Document> {
    use readers::html::Part;
    bodies
        .iter()
        .zip(splits)
        .filter(|(b, _)| !b.forwarded)
        .filter_map(|(_, split)| {
            let split = split.as_ref()?;
            let marked = split.document(|part| matches!(part, Part::Quoted | Part::Unlabelled));
            // A quote the HTML marks holds the form; one marked in words
            // only is found by its "On ... wrote:" line.
            let holds_form = marked
                .blocks
                .iter()
                .any(|b| matches!(b, Block::Table { .. }))
                || marked.blocks.len() > 3;
            let doc = if holds_form {
                quotes::until_sign_off(&marked)
            } else {
                quotes::quoted_blocks(&split.document(|_| true))
            };
            let doc = quotes::without_read_back(&doc);
            (!doc.blocks.is_empty()).then_some(doc)
        })
        .collect()
}

/// Each body's HTML read once, its blocks labelled with their part of the
/// thread, for both the new text and the quoted email.
fn html_splits(bodies: &[Body]) -> Vec<Option<readers::html::Split>> {
    bodies
        .iter()
        .map(|b| {
            b.html
                .as_deref()
                .map(|html| readers::html::read_split(b.source, html))
        })
        .collect()
}

/// The body as a document: the HTML when it yields anything (strike-through
/// survives only there), else the plain text less any quoted thread.
fn body_document(body: &Body, split: Option<&readers::html::Split>) -> Document {
    if let Some(split) = split {
        let doc = html_body(body.source, split, body.forwarded);
        if !doc.blocks.is_empty() || body.text.is_none() {
            return doc;
        }
    }
    let mut doc = Document::new(body.source);
    for (number, line) in quotes::new_text(body.text.as_deref().unwrap_or(""), body.forwarded) {
        doc.push_text(line, format!("line {number}"));
    }
    doc
}

/// An HTML body: what the sender wrote and any message forwarded in it
/// (the HTML reader tells the parts of a thread apart), each part less its
/// signature and any quoted thread the reader did not recognise.
fn html_body(source: &str, split: &readers::html::Split, forwarded: bool) -> Document {
    use readers::html::Part;
    let keep = |part: Part| match part {
        Part::New | Part::Forwarded => true,
        Part::Unlabelled => forwarded,
        Part::Quoted => false,
    };
    let mut doc = Document::new(source);
    let mut group = Document::new(source);
    let mut group_part = None;
    for (part, block) in &split.blocks {
        let part = *part;
        if !keep(part) {
            continue;
        }
        if group_part.is_some_and(|p| p != part) {
            doc.blocks
                .extend(quotes::cut_document(&group, false).blocks);
            group.blocks.clear();
        }
        group_part = Some(part);
        group.blocks.push(block.clone());
    }
    doc.blocks
        .extend(quotes::cut_document(&group, false).blocks);
    doc
}

impl Parsed {
    /// The contract's JSON object (`../shared/contract/parse-output.md`),
    /// with `provenance` and `guesses` (the values read less than surely, and
    /// why) as extra keys.
    pub fn to_contract_json(&self, source: &str) -> serde_json::Value {
        let provenance: serde_json::Map<String, serde_json::Value> = self
            .provenance
            .iter()
            .map(|(field, origin)| {
                (
                    field.key().to_string(),
                    serde_json::Value::String(origin.to_string()),
                )
            })
            .collect();
        let guesses: serde_json::Map<String, serde_json::Value> = self
            .provenance
            .iter()
            .filter_map(|(field, origin)| {
                Some((
                    field.key().to_string(),
                    serde_json::to_value(origin.guess?).ok()?,
                ))
            })
            .collect();
        serde_json::json!({
            "source": source,
            "kind": self.kind.as_str(),
            "form": self.form,
            "attachments": self.attachments,
            "findings": self.findings,
            "complete": self.complete && self.kind == Kind::Application,
            "provenance": provenance,
            "guesses": guesses,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(raw: &str) -> Parsed {
        parse(raw.as_bytes(), &Limits::default())
    }

    #[test]
    fn garbage_never_panics() {
        for raw in [
            "",
            "\0\0\0",
            "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n--x--",
        ] {
            let p = parse_str(raw);
            assert_eq!(p.kind, Kind::Other);
            assert!(!p.complete);
        }
    }

    /// A chaser whose earlier application is quoted below "On ... wrote:"
    /// in a plain blockquote, the options struck through in the HTML only.
    fn chaser(quote_open: &str) -> String {
        format!(
            "From: a@b.example\r\nSubject: Re: NHSmail application\r\nIn-Reply-To: <x@y>\r\n\
             Content-Type: multipart/alternative; boundary=b\r\n\r\n\
             --b\r\nContent-Type: text/plain\r\n\r\nHave you had our form?\r\n\r\n\
             On Mon 10 Jun 2024, Ann Lee <a@b.example> wrote:\r\n> Shared mailbox\tYes/No\r\n\
             > Secure exchange\tYes/No\r\n\
             --b\r\nContent-Type: text/html\r\n\r\n<p>Have you had our form?</p><hr>\
             <p>On Mon 10 Jun 2024, Ann Lee &lt;a@b.example&gt; wrote:</p>{quote_open}<table>\
             <tr><td>Name</td><td>Ann Lee</td></tr>\
             <tr><td>CQC registration number</td><td>1-123456789</td></tr>\
             <tr><td>Do you require a shared mailbox?</td><td><s>Yes</s>/No</td></tr>\
             <tr><td>Confirm that your care home has a regular requirement to exchange data securely and why</td><td>Yes/<s>No</s></td></tr>\
             </table><p>Many thanks</p><p>Tel: 0113 496 0000</p></blockquote>\r\n--b--\r\n"
        )
    }

    #[test]
    fn a_form_quoted_under_a_chaser_is_read_from_its_html_with_its_marks() {
        for open in ["<blockquote>", "<blockquote type=\"cite\">"] {
            let p = parse_str(&chaser(open));
            assert_eq!(p.kind, Kind::Application, "{open}");
            assert_eq!(p.form.shared_mailbox_required, Some(false), "{open}");
            assert_eq!(p.form.secure_exchange_required, Some(true), "{open}");
            assert_eq!(p.form.applicant_name.as_deref(), Some("Ann Lee"), "{open}");
            // The quoted email ends at its sign-off.
            assert_eq!(p.form.care_home_telephone, None, "{open}");
        }
    }

    #[test]
    fn body_form_is_an_application() {
        let p = parse_str(
            "From: a@b.example\r\nSubject: NHSmail\r\nContent-Type: text/plain\r\n\r\nName: Ann Lee\r\nCQC number: 1-123456789\r\n",
        );
        assert_eq!(p.kind, Kind::Application);
        assert_eq!(
            p.form.cqc_registration_number.as_deref(),
            Some("1-123456789")
        );
        assert!(p.findings.iter().any(|f| f.field == "ig_assessment_report"));
        assert!(!p.complete);
    }

    #[test]
    fn our_own_messages_are_never_applications() {
        let p = parse_str(
            "From: sponsor@icb.example\r\nX-Sponsor-Intake: case-1\r\nSubject: Ready\r\n\r\nName: Ann Lee\r\nCQC number: 1-123456789\r\n",
        );
        assert_eq!(p.kind, Kind::Other);
        assert_eq!(p.envelope.sent_by_us.as_deref(), Some("case-1"));
    }

    #[test]
    fn signature_alone_is_not_an_application() {
        let p = parse_str(
            "From: a@b.example\r\nSubject: Question\r\n\r\nHow do we apply?\r\n\r\nKind regards\r\nAnn Lee\r\nTel: 0113 496 0000\r\nEmail: ann@b.example\r\nAddress: 1 Elm Road, Leeds\r\n",
        );
        assert_eq!(p.kind, Kind::Other);
        assert!(p.findings.is_empty());
    }

    #[test]
    fn thank_you_reply_with_a_signature_is_not_an_application() {
        let p = parse_str(
            "From: a@b.example\r\nSubject: RE: approved\r\nIn-Reply-To: <x@y.example>\r\n\r\nThank you very much!\r\n\r\nJo Bloggs\r\nTel: 0113 496 0123\r\nEmail: jo@b.example\r\n",
        );
        assert_eq!(p.kind, Kind::Other);
        let q = parse_str(
            "From: a@b.example\r\nSubject: RE: form\r\nIn-Reply-To: <x@y.example>\r\n\r\nRole: Deputy Manager\r\n",
        );
        assert_eq!(q.kind, Kind::Application);
    }

    #[test]
    fn legacy_doc_is_reported_not_fatal() {
        let p = parse_str(
            "From: a@b.example\r\nSubject: form\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nForm attached.\r\n--b\r\nContent-Type: application/msword\r\nContent-Disposition: attachment; filename=\"form.doc\"\r\nContent-Transfer-Encoding: base64\r\n\r\n0M8R4KGxGuE=\r\n--b--\r\n",
        );
        assert_eq!(p.kind, Kind::Application);
        let f = p.findings.iter().find(|f| f.code == UNREADABLE);
        assert!(
            f.is_some_and(|f| f.severity == Severity::Notice && f.message.contains("form.doc"))
        );
        assert_eq!(p.attachments.len(), 1);
    }

    #[test]
    fn a_picture_of_the_report_is_the_report() {
        let email = |name: &str, description: &str| {
            format!(
                "From: a@b.example\r\nSubject: form\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nName: Ann Lee\r\nCQC number: 1-123456789\r\n--b\r\nContent-Type: image/png\r\nContent-Description: {description}\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b--\r\n"
            )
        };
        let role = |raw: String| parse_str(&raw).attachments.first().map(|a| a.role);
        assert_eq!(
            role(email("DSPT assessment.png", "")),
            Some(Role::IgAssessmentReport)
        );
        assert_eq!(
            role(email("IMG_0042.jpg", "IG Toolkit report")),
            Some(Role::IgAssessmentReport)
        );
        assert_eq!(role(email("image001.png", "logo")), Some(Role::Other));
        assert_eq!(role(email("CQC certificate.png", "")), Some(Role::Other));
        assert!(
            !parse_str(&email("DSPT.png", ""))
                .findings
                .iter()
                .any(|f| f.field == "ig_assessment_report")
        );
    }

    #[test]
    fn a_letter_that_mentions_the_report_is_not_the_report() {
        assert!(!is_assessment_report(
            "Dear Sir or Madam, please find attached our application form and our DSPT assessment report. Kind regards"
        ));
        assert!(is_assessment_report(
            "Data Security and Protection Toolkit Assessment Report\nOrganisation: Rose Hill"
        ));
    }

    #[test]
    fn report_is_told_by_content() {
        assert!(is_assessment_report(
            "Data Security and Protection Toolkit\nAssessment Report\nStatus Standards Met"
        ));
        assert!(!is_assessment_report(
            "Care Quality Commission\nCertificate of Registration"
        ));
    }
}
