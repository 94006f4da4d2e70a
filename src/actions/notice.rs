//! The ready-for-decision notice: everything an administrator needs to
//! decide, with the original form and assessment report attached.

use super::{form_of, limited_to_four, long_date, sponsor};
use crate::app::App;
use crate::case::pack;
use crate::emails::{Draft, EmailError};
use crate::findings::{Finding, Severity};
use crate::store::{CaseRecord, Outgoing};
use mail_parser::{MessageParser, MimeHeaders};
use serde_json::json;

/// The notice, with the documents to attach already in hand.
pub fn ready_for_decision(
    app: &App,
    case: &CaseRecord,
    linked: Option<&CaseRecord>,
    attachments: Vec<(String, String, Vec<u8>)>,
) -> Result<Outgoing, EmailError> {
    let context = context(app, case, linked);
    let draft = Draft {
        template: "ready_for_decision",
        purpose: "ready-for-decision notice",
        to: app.config.administrators.addresses.clone(),
        thread: Vec::new(),
        reference: Some(&case.reference),
        auto_reply: false,
        suppressed: false,
        attachments,
    };
    app.sender.compose(&app.templates, &draft, &context)
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
pub async fn case_documents(app: &App, case: &CaseRecord) -> Vec<(String, String, Vec<u8>)> {
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
pub fn collect_parts(raw: &[u8], wanted: &[String], out: &mut Vec<(String, String, Vec<u8>)>) {
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

fn push_if_wanted(
    part: &mail_parser::MessagePart<'_>,
    wanted: &[String],
    out: &mut Vec<(String, String, Vec<u8>)>,
) {
    let Some(name) = part.attachment_name() else {
        return;
    };
    if !wanted.iter().any(|w| w == name) || out.iter().any(|(n, _, _)| n == name) {
        return;
    }
    let ct = part
        .content_type()
        .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("octet-stream")))
        .unwrap_or_else(|| "application/octet-stream".into());
    out.push((name.to_string(), ct, part.contents().to_vec()));
}
