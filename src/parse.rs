//! The whole reading of one email: classify it, read every body and
//! attachment, extract the form, validate it. `sponsor-intake parse` prints
//! exactly this; the daemon's intake runs exactly this.

use crate::findings::{self, Evidence, Finding, Severity};
use crate::form::document::Document;
use crate::form::extract::{Matched, extract_matched, match_document};
use crate::form::readers::{self, Format, Limits, ReadError, tnef};
use crate::form::{Form, Provenance};
use crate::message::walk::{self, Body, File};
use crate::message::{self, Attachment, Envelope, Kind, Role, quotes};
use mail_parser::MessageParser;

#[cfg(test)]
mod golden_tests;

/// The result of reading one email.
#[derive(Clone, Debug, PartialEq)]
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
    if let Some(kind) = message::kind::from_headers(&msg) {
        let attachments = files
            .iter()
            .map(|f| attachment(f, Role::Other, None))
            .collect();
        return not_application(kind, envelope, attachments);
    }
    let read: Vec<ReadFile> = files.iter().map(|f| read_file(f, limits)).collect();
    let bodies: Vec<(Document, Matched)> = content
        .bodies
        .iter()
        .map(|b| {
            let doc = body_document(b);
            let matched = match_document(&doc);
            (doc, matched)
        })
        .collect();
    let sources = read
        .iter()
        .filter(|r| r.role == Role::ApplicationForm)
        .filter_map(|r| r.document.as_ref().map(|(d, m)| (d, m)))
        .chain(bodies.iter().map(|(d, m)| (d, m)));
    let (form, provenance) = extract_matched(sources);
    let maybe_form = read
        .iter()
        .any(|r| r.role == Role::ApplicationForm || r.possible_form);
    let attachments: Vec<Attachment> = files
        .iter()
        .zip(&read)
        .map(|(f, r)| attachment(f, r.role, r.error.as_ref()))
        .collect();
    let is_reply = !envelope.in_reply_to.is_empty() || !envelope.references.is_empty();
    if !(maybe_form || has_form_content(&form, is_reply)) {
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
/// may supply a single item. (Signatures are already left out of bodies.)
fn has_form_content(form: &Form, is_reply: bool) -> bool {
    let specific = form.cqc_registration_number.is_some()
        || form.ig_toolkit_completed.is_some()
        || form.has_existing_nhsmail_accounts.is_some()
        || !form.existing_nhsmail_addresses.is_empty()
        || form.secure_exchange_required.is_some()
        || form.individual_accounts_requested.is_some()
        || form.shared_mailbox_required.is_some()
        || form.shared_mailbox_name.is_some();
    let general = [
        &form.applicant_name,
        &form.applicant_role,
        &form.applicant_email,
        &form.care_home_name,
        &form.care_home_address,
        &form.care_home_telephone,
        &form.expected_benefits,
    ]
    .iter()
    .filter(|v| v.is_some())
    .count();
    specific || general >= 2 || (is_reply && general >= 1)
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
        Err(error) => {
            let name = file.filename.to_lowercase();
            let document_type = !matches!(format, Format::Pdf | Format::Html | Format::Text);
            let named_form = name.contains("form") || name.contains("application");
            unread(Some(error), document_type || named_form)
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

/// An IG Toolkit / Data Security and Protection Toolkit assessment report.
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
    let report = t.contains("assessment report")
        || t.contains("standards met")
        || t.contains("standards exceeded")
        || t.contains("approaching standards")
        || t.contains("standards not met")
        || (t.contains("assessment") && t.contains("published"));
    toolkit && report
}

fn attachment(file: &File, role: Role, error: Option<&ReadError>) -> Attachment {
    Attachment {
        filename: file.filename.clone(),
        content_type: file.content_type.clone(),
        size: file.bytes.len(),
        role,
        unreadable: error.map(ToString::to_string),
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

/// The body as a document: the HTML when it yields anything (strike-through
/// survives only there), else the plain text less any quoted thread.
fn body_document(body: &Body) -> Document {
    if let Some(html) = &body.html {
        let doc = html_body(body.source, html, body.forwarded);
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
fn html_body(source: &str, html: &str, forwarded: bool) -> Document {
    use readers::html::Part;
    let split = readers::html::read_split(source, html);
    let keep = |part: Part| match part {
        Part::New | Part::Forwarded => true,
        Part::Unlabelled => forwarded,
        Part::Quoted => false,
    };
    let mut doc = Document::new(source);
    let mut group = Document::new(source);
    let mut group_part = None;
    for (part, block) in split.blocks {
        if !keep(part) {
            continue;
        }
        if group_part.is_some_and(|p| p != part) {
            doc.blocks
                .extend(quotes::cut_document(&group, false).blocks);
            group.blocks.clear();
        }
        group_part = Some(part);
        group.blocks.push(block);
    }
    doc.blocks
        .extend(quotes::cut_document(&group, false).blocks);
    doc
}

impl Parsed {
    /// The contract's JSON object (`../shared/contract/parse-output.md`),
    /// with `provenance` as an extra key.
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
        serde_json::json!({
            "source": source,
            "kind": self.kind.as_str(),
            "form": self.form,
            "attachments": self.attachments,
            "findings": self.findings,
            "complete": self.complete && self.kind == Kind::Application,
            "provenance": provenance,
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
    fn signature_alone_is_not_an_application() {
        let p = parse_str(
            "From: a@b.example\r\nSubject: Question\r\n\r\nHow do we apply?\r\n\r\nKind regards\r\nAnn Lee\r\nTel: 0113 496 0000\r\nEmail: ann@b.example\r\nAddress: 1 Elm Road, Leeds\r\n",
        );
        assert_eq!(p.kind, Kind::Other);
        assert!(p.findings.is_empty());
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
    fn report_is_told_by_content() {
        assert!(is_assessment_report(
            "Data Security and Protection Toolkit\nAssessment Report\nStatus Standards Met"
        ));
        assert!(!is_assessment_report(
            "Care Quality Commission\nCertificate of Registration"
        ));
    }
}
