//! A new application: open its case, confirm receipt, and when it is already
//! complete hand it to the administrators. (A second application for a CQC
//! number with a live case never comes here: routing sends it to that case.)

use super::{Incoming, IntakeError, Outcome, contexts, decision_code};
use crate::actions::{Notes, ready_for_decision};
use crate::app::App;
use crate::case::CaseState;
use crate::emails::{Draft, EmailError, Template};
use crate::store::{NewCase, NewEvent, Outgoing, timestamp};
use chrono::Datelike;
use tracing::info;

pub async fn open_case(app: &App, incoming: Incoming, reply: bool) -> Result<Outcome, IntakeError> {
    // The registers are asked before the committing transaction: an unknown
    // CQC number makes the application incomplete, and the receipt says so.
    let check = app.register_checker().check(&incoming.parsed.form).await;
    let findings = crate::registers::merge_findings(incoming.parsed.findings.clone(), &check);
    let complete = crate::findings::is_complete(&findings);
    let (case, event) = new_case(app, &incoming, reply, &findings, &check);
    let today = app.today();
    let documents = incoming.documents();
    let thread: Vec<String> = incoming
        .parsed
        .envelope
        .references
        .iter()
        .chain(incoming.parsed.envelope.message_id.iter())
        .cloned()
        .collect();
    let (app2, parsed, case2) = (app.clone(), incoming.parsed.clone(), case.clone());
    let render = Box::new(
        move |reference: &str| -> Result<Vec<Outgoing>, EmailError> {
            let read = contexts::Reply {
                form: &parsed.form,
                provenance: &parsed.provenance,
                findings: &findings,
                complete,
                reference,
                changes: &[],
                attachments: &parsed.attachments,
            };
            let context = contexts::reply(&app2, &read, today);
            let draft = Draft::new(Template::Receipt, vec![case2.contact_address.clone()])
                .about(Some(reference))
                .answering(thread.clone())
                .suppressed(!reply);
            let mut emails = vec![app2.compose(&draft, &context)?];
            if complete {
                emails.push(ready_for_decision(
                    &app2,
                    &case2.to_record(reference),
                    &Notes::default(),
                    documents,
                )?);
            }
            Ok(emails)
        },
    );
    let opened = app
        .store
        .open_case(today.year(), &incoming.record, &case, event, render)
        .await?;
    let span = tracing::info_span!("case", case.reference = %opened.reference);
    let _e = span.enter();
    info!(complete, receipt = reply, "case opened");
    Ok(Outcome::Opened {
        reference: opened.reference,
    })
}

fn new_case(
    app: &App,
    incoming: &Incoming,
    reply: bool,
    findings: &[crate::findings::Finding],
    check: &crate::registers::RegisterCheck,
) -> (NewCase, NewEvent) {
    let parsed = &incoming.parsed;
    let complete = crate::findings::is_complete(findings);
    let now = timestamp(app.clock.now());
    let due = complete.then(|| {
        app.calendar
            .add_working_days(app.today(), app.config.sponsor.decision_working_days)
    });
    let contact = parsed
        .envelope
        .reply_to
        .as_ref()
        .or(parsed.envelope.from.as_ref())
        .map(|m| m.address.clone())
        .unwrap_or_default();
    let case = NewCase {
        state: CaseState::for_new_application(complete)
            .as_str()
            .to_string(),
        care_home_name: parsed.form.care_home_name.clone(),
        cqc_id: parsed.form.cqc_registration_number.clone(),
        applicant_name: parsed.form.applicant_name.clone(),
        applicant_email: parsed.form.applicant_email.clone(),
        contact_address: contact.clone(),
        form_json: serde_json::to_string(&parsed.form).unwrap_or_default(),
        provenance_json: serde_json::to_string(&parsed.provenance).unwrap_or_default(),
        findings_json: serde_json::to_string(findings).unwrap_or_default(),
        complete,
        opened_at: now.clone(),
        completed_at: complete.then(|| now.clone()),
        due_on: due.map(|d| d.to_string()),
        decision_code: decision_code(),
        report_received: incoming.has_report(),
        linked_case_id: None,
        awaiting_since: (!complete).then(|| now.clone()),
        thread_root: parsed.envelope.message_id.clone(),
        registers_json: Some(check.to_json()),
    };
    let event = NewEvent {
        at: now,
        actor: format!("care home <{contact}>"),
        event: "opened".into(),
        detail: serde_json::json!({
            "message_id": incoming.record.message_id,
            "complete": complete,
            "state": case.state,
            "receipt": if reply { "queued" } else { "not sent (backlog taken in quietly)" },
            "ready_for_decision_notice": complete,
            "register_check": check.outcome,
        })
        .to_string(),
    };
    (case, event)
}
