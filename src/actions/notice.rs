//! The ready-for-decision notice: everything an administrator needs to
//! decide, with the original form and assessment report attached.

use super::{form_of, limited_to_four, long_date, sponsor};
use crate::app::App;
use crate::case::merge::Change;
use crate::case::pack;
use crate::emails::{EmailError, Part, Template};
use crate::findings::{Finding, Severity};
use crate::form::Provenance;
use crate::store::{CaseRecord, Outgoing};
use mail_parser::{MessageParser, MimeHeaders};
use serde_json::json;

/// What the notice says beside the case itself.
#[derive(Default)]
pub struct Notes<'a> {
    /// The care home's other live case for the same CQC number.
    pub linked: Option<&'a CaseRecord>,
    /// Values the care home corrected since the administrators' last notice.
    pub corrections: &'a [Change],
}

/// The notice, with the documents to attach already in hand.
pub fn ready_for_decision(
    app: &App,
    case: &CaseRecord,
    notes: &Notes<'_>,
    attachments: Vec<Part>,
) -> Result<Outgoing, EmailError> {
    let mut context = context(app, case, notes.linked);
    context.insert("corrections", &corrections(notes.corrections));
    context.insert("please_check", &please_check(case));
    let draft = app
        .to_administrators(Template::ReadyForDecision)
        .purpose("ready-for-decision notice")
        .about(Some(&case.reference))
        .attach(attachments);
    app.compose(&draft, &context)
}

/// The values read as guesses, for an administrator to check against the
/// attached form before deciding: the field, the value, where and why.
pub fn please_check(case: &CaseRecord) -> Vec<serde_json::Value> {
    let provenance: Provenance = serde_json::from_str(&case.provenance_json).unwrap_or_default();
    let form = serde_json::to_value(form_of(case)).unwrap_or_default();
    provenance
        .iter()
        .filter_map(|(field, origin)| {
            let guess = origin.guess?;
            Some(json!({
                "field": field.key(),
                "value": plain(&form[field.key()]),
                "place": origin.to_string(),
                "why": guess,
                "reason": guess.describe(),
            }))
        })
        .collect()
}

/// Values the care home corrected (not gaps it filled), as the emails list them.
pub fn corrections(changes: &[Change]) -> Vec<serde_json::Value> {
    changes
        .iter()
        .filter(|c| !c.old.is_null())
        .map(|c| json!({ "field": c.field, "old": plain(&c.old), "new": plain(&c.new) }))
        .collect()
}

/// A form value as one line of text.
pub fn plain(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join("; "),
        Value::Object(m) => m
            .values()
            .filter(|v| !v.is_null())
            .map(plain)
            .collect::<Vec<_>>()
            .join(", "),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "Yes",
        Some(false) => "No",
        None => "not answered",
    }
}

fn context(app: &App, case: &CaseRecord, linked: Option<&CaseRecord>) -> tera::Context {
    let form = form_of(case);
    let findings: Vec<Finding> = serde_json::from_str(&case.findings_json).unwrap_or_default();
    let limited = limited_to_four(&form);
    let p = pack::build(&form, &app.config.sponsor.short_name, limited);
    let due = case
        .due_on
        .as_deref()
        .and_then(|d| d.parse::<chrono::NaiveDate>().ok());
    let notices: Vec<_> = findings
        .iter()
        .filter(|f| f.severity == Severity::Notice)
        .map(|f| json!({ "code": f.code, "message": f.message }))
        .collect();
    let mut c = tera::Context::new();
    c.insert("sponsor", &sponsor(app));
    c.insert("reference", &case.reference);
    c.insert(
        "due_date",
        &due.map(long_date).unwrap_or_else(|| "-".into()),
    );
    c.insert(
        "due_date_short",
        &due.map(|d| d.format("%-d %b").to_string())
            .unwrap_or_default(),
    );
    c.insert("decision_code", &case.decision_code);
    c.insert(
        "linked",
        &linked.map(|l| json!({ "reference": l.reference, "state": l.state })),
    );
    c.insert(
        "head_office",
        &crate::case::looks_like_head_office(
            &case.contact_address,
            form.applicant_email.as_deref(),
        ),
    );
    c.insert("contact_address", &case.contact_address);
    c.insert("home", &json!({ "name": form.care_home_name, "address": form.care_home_address, "telephone": form.care_home_telephone }));
    c.insert("applicant", &json!({ "name": form.applicant_name, "role": form.applicant_role, "email": form.applicant_email }));
    c.insert("cqc_id", &form.cqc_registration_number);
    let cqc_link = crate::registers::cqc_link(form.cqc_registration_number.as_deref());
    c.insert("cqc_link", &cqc_link);
    let check = crate::registers::RegisterCheck::from_json(case.registers_json.as_deref());
    c.insert(
        "registers",
        &crate::registers::template_view(check.as_ref()),
    );
    c.insert(
        "ig",
        &json!({ "answer": yes_no(form.ig_toolkit_completed), "report": case.report_received }),
    );
    c.insert("existing", &json!({ "answer": yes_no(form.has_existing_nhsmail_accounts), "addresses": form.existing_nhsmail_addresses }));
    c.insert("secure", &json!({ "answer": yes_no(form.secure_exchange_required), "reason": form.secure_exchange_reason }));
    c.insert(
        "accounts_requested",
        &form
            .individual_accounts_requested
            .map_or(form.accounts.len() as u32, |n| n),
    );
    c.insert("users", &p.users);
    c.insert("left_out", &p.left_out);
    c.insert("business_justification", &form.business_justification);
    c.insert(
        "shared",
        &p.shared_mailbox.as_ref().map(|s| {
            json!({ "requested": form.shared_mailbox_name, "display_name": s.display_name, "email_address": s.email_address, "owner": s.owner, "owner_mobile": s.owner_mobile })
        }),
    );
    c.insert("notices", &notices);
    c
}

/// The application forms and assessment reports the care home sent, from the
/// raw messages of the case, to attach to the notice.
pub async fn case_documents(app: &App, case: &CaseRecord) -> Vec<Part> {
    let Ok(messages) = app.store.messages_for_case(case.id).await else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for m in messages {
        let wanted: Vec<String> = m
            .parse_json
            .as_deref()
            .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
            .and_then(|v| v.get("attachments").cloned())
            .and_then(|a| a.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter(|a| {
                matches!(
                    a["role"].as_str(),
                    Some("application_form" | "ig_assessment_report")
                )
            })
            .filter_map(|a| a["filename"].as_str().map(str::to_string))
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let Ok(raw) = tokio::fs::read(app.state_dir.join(&m.raw_path)).await else {
            continue;
        };
        collect_parts(&raw, &wanted, &mut out);
    }
    out
}

/// The parts of one raw message with these file names.
pub fn collect_parts(raw: &[u8], wanted: &[String], out: &mut Vec<Part>) {
    let Some(msg) = MessageParser::default().parse(raw) else {
        return;
    };
    for part in msg.attachments() {
        if let Some(inner) = part.message() {
            for p in inner.attachments() {
                push_if_wanted(p, wanted, out);
            }
        }
        push_if_wanted(part, wanted, out);
    }
}

fn push_if_wanted(part: &mail_parser::MessagePart<'_>, wanted: &[String], out: &mut Vec<Part>) {
    let Some(name) = part.attachment_name() else {
        return;
    };
    if !wanted.iter().any(|w| w == name) || out.iter().any(|p| p.name == name) {
        return;
    }
    let ct = part
        .content_type()
        .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("octet-stream")))
        .unwrap_or_else(|| "application/octet-stream".into());
    out.push(Part {
        name: name.to_string(),
        content_type: ct,
        bytes: part.contents().to_vec(),
    });
}
