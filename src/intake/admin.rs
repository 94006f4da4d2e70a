//! Messages about a case that the care home may not add to it: an
//! administrator's reply (a decision only with the case's decision code),
//! a stranger naming the case, or a decision from someone who may not decide.

use super::{Incoming, IntakeError, Outcome};
use crate::actions::{DecideError, Report, decide, report_to_administrators};
use crate::app::App;
use crate::case::decision;
use crate::store::{CaseRecord, MessageStatus, NewEvent, timestamp};
use mail_parser::MessageParser;
use tracing::{info, warn};

pub async fn from_administrator(
    app: &App,
    mut incoming: Incoming,
    case: CaseRecord,
    new_text: &str,
) -> Result<Outcome, IntakeError> {
    let Some(emailed) = decision::read(new_text) else {
        incoming.record.note = Some("administrator's message; no decision in it".into());
        let event = NewEvent {
            at: timestamp(app.clock.now()),
            actor: format!("administrator <{}>", incoming.record.from_addr.clone().unwrap_or_default()),
            event: "administrator's message".into(),
            detail: serde_json::json!({ "message_id": incoming.record.message_id, "subject": incoming.record.subject }).to_string(),
        };
        app.store
            .record_message(&incoming.record, Some(case.id), Some(event), &[])
            .await?;
        return Ok(Outcome::Joined {
            reference: case.reference,
        });
    };
    let texts = all_text(&incoming.raw);
    let subject = incoming.record.subject.clone().unwrap_or_default();
    if !decision::carries_code(&[&subject, &texts], &case.decision_code) {
        return refuse(
            app,
            incoming,
            case,
            "it did not carry the case's decision code",
        )
        .await;
    }
    let actor = format!(
        "administrator <{}> by email",
        incoming.record.from_addr.clone().unwrap_or_default()
    );
    incoming.record.note = Some(format!("decision: {}", emailed.verdict.as_str()));
    match decide(
        app,
        &case,
        emailed.verdict,
        emailed.reason.as_deref(),
        &actor,
        Some(&incoming.record),
    )
    .await
    {
        Ok(_) => {
            info!(
                case.reference = %case.reference,
                verdict = emailed.verdict.as_str(),
                "decision by email recorded"
            );
            Ok(Outcome::Joined {
                reference: case.reference,
            })
        }
        Err(DecideError::Store(e)) => Err(e.into()),
        Err(DecideError::Email(e)) => Err(e.into()),
        Err(e @ (DecideError::WrongState { .. } | DecideError::NoReason)) => {
            let reason = e.to_string();
            refuse(app, incoming, case, &reason).await
        }
    }
}

/// Every text body, quotes included (a reply quotes the notice and its code).
fn all_text(raw: &[u8]) -> String {
    let Some(msg) = MessageParser::default().parse(raw) else {
        return String::new();
    };
    let mut out = String::new();
    for i in 0..msg.text_body.len().max(1) {
        if let Some(t) = msg.body_text(i) {
            out.push_str(&t);
            out.push('\n');
        }
    }
    for i in 0..msg.html_body.len() {
        if let Some(t) = msg.body_html(i) {
            out.push_str(&t);
        }
    }
    out
}

pub async fn hold(app: &App, incoming: Incoming, case: CaseRecord) -> Result<Outcome, IntakeError> {
    let reference = case.reference.as_str();
    let reason = "the sender is not the applicant nor an address this care home has written from";
    warn!(
        case.reference = reference,
        "message about a case from an unknown address; held and reported"
    );
    report(
        app,
        incoming,
        Report::Held {
            reference,
            contact_address: &case.contact_address,
            reason,
        },
        format!("held: names {reference}; {reason}"),
    )
    .await
}

pub async fn refuse(
    app: &App,
    incoming: Incoming,
    case: CaseRecord,
    reason: &str,
) -> Result<Outcome, IntakeError> {
    let reference = case.reference.as_str();
    warn!(
        case.reference = reference,
        reason, "decision not acted on; reported"
    );
    report(
        app,
        incoming,
        Report::DecisionRefused {
            reference,
            state: &case.state,
            reason,
        },
        format!("decision not acted on for {reference}: {reason}"),
    )
    .await
}

async fn report(
    app: &App,
    mut incoming: Incoming,
    what: Report<'_>,
    note: String,
) -> Result<Outcome, IntakeError> {
    incoming.record.status = MessageStatus::Ignored;
    incoming.record.note = Some(note.clone());
    let email = report_to_administrators(
        app,
        what,
        incoming.record.from_addr.as_deref(),
        incoming.record.subject.as_deref(),
        &incoming.record.received_at,
    )?;
    app.store
        .record_message(&incoming.record, None, None, &[email])
        .await?;
    Ok(Outcome::Ignored { reason: note })
}
