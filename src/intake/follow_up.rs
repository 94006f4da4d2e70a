//! A care home writes again about its case: what it supplies fills the gaps
//! (a changed value replaces the earlier one, and the change is kept), the
//! merged form is checked again, and the care home hears what is still
//! missing, or that its application is complete and with the administrators.

use super::{Incoming, IntakeError, Outcome, contexts};
use crate::actions::{Notes, form_of, ready_for_decision};
use crate::app::App;
use crate::case::CaseState;
use crate::case::merge::merge;
use crate::emails::{Draft, Template};
use crate::findings::{self, Evidence};
use crate::form::Provenance;
use crate::registers::RegisterCheck;
use crate::store::{CaseRecord, NewEvent, timestamp};
use tracing::info;

/// `second_application`: the message is a whole new application for the same CQC number.
pub async fn join_case(
    app: &App,
    mut incoming: Incoming,
    case: CaseRecord,
    second_application: bool,
) -> Result<Outcome, IntakeError> {
    let span = tracing::info_span!("case", case.reference = %case.reference);
    let _e = span.enter();
    let now = timestamp(app.clock.now());
    let actor = incoming.care_home_actor();
    incoming.record.note = Some(
        if second_application {
            "second application; joined its case"
        } else {
            "joined its case"
        }
        .into(),
    );
    let state = CaseState::parse(&case.state);
    if !state.is_some_and(CaseState::is_open) {
        let event = NewEvent {
            at: now,
            actor,
            event: "message received".into(),
            detail: detail(&incoming, &[], second_application),
        };
        app.store
            .update_case(
                &case,
                &timestamp(app.clock.now()),
                Some(&incoming.record),
                &[event],
                &[],
            )
            .await?;
        info!("message recorded on a decided case; no reply");
        return Ok(Outcome::Joined {
            reference: case.reference,
        });
    }
    let base_from: Provenance = serde_json::from_str(&case.provenance_json).unwrap_or_default();
    let (form, provenance, changes) = merge(
        &form_of(&case),
        &base_from,
        &incoming.parsed.form,
        &incoming.parsed.provenance,
    );
    let report_received = case.report_received || incoming.has_report();
    let check = app
        .register_checker()
        .recheck(
            &form,
            RegisterCheck::from_json(case.registers_json.as_deref()),
        )
        .await;
    let mut findings = crate::registers::merge_findings(
        findings::validate(
            &form,
            &Evidence {
                has_assessment_report: report_received,
            },
        ),
        &check,
    );
    // What this message could not be read is said again; an earlier
    // unreadable file that this message replaces is not.
    findings.extend(
        incoming
            .parsed
            .findings
            .iter()
            .filter(|f| f.code == crate::parse::UNREADABLE)
            .cloned(),
    );
    let complete = findings::is_complete(&findings);
    let mut updated = case.clone();
    updated.form_json = serde_json::to_string(&form).unwrap_or_default();
    updated.provenance_json = serde_json::to_string(&provenance).unwrap_or_default();
    updated.findings_json = serde_json::to_string(&findings).unwrap_or_default();
    updated.care_home_name = form.care_home_name.clone();
    updated.cqc_id = form.cqc_registration_number.clone();
    updated.applicant_name = form.applicant_name.clone();
    updated.applicant_email = form.applicant_email.clone();
    updated.report_received = report_received;
    updated.complete = complete;
    updated.registers_json = Some(check.to_json());
    let mut events = vec![NewEvent {
        at: now.clone(),
        actor: actor.clone(),
        event: if second_application {
            "second application linked"
        } else {
            "follow-up received"
        }
        .into(),
        detail: detail(&incoming, &changes, second_application),
    }];
    let corrections: Vec<_> = changes
        .iter()
        .filter(|c| !c.old.is_null())
        .cloned()
        .collect();
    if !corrections.is_empty() {
        events.push(NewEvent {
            at: now.clone(),
            actor: actor.clone(),
            event: "corrected by the care home".into(),
            detail: serde_json::json!({ "corrections": corrections }).to_string(),
        });
    }
    let mut emails = Vec::new();
    let became_complete = complete && state == Some(CaseState::AwaitingInformation);
    if became_complete {
        let due = app
            .calendar
            .add_working_days(app.today(), app.config.sponsor.decision_working_days);
        updated.state = CaseState::ReadyForDecision.as_str().to_string();
        updated.completed_at = Some(now.clone());
        updated.due_on = Some(due.to_string());
        updated.awaiting_since = None;
        events.push(NewEvent {
            at: now.clone(),
            actor: "daemon".into(),
            event: "ready for decision".into(),
            detail: serde_json::json!({ "due_on": due.to_string() }).to_string(),
        });
    }
    if state == Some(CaseState::AwaitingInformation) && !complete {
        // The care home answered: chasers count again from today.
        updated.awaiting_since = Some(now.clone());
    }
    // A case waiting on the care home always hears back; one already with
    // the administrators hears back when it corrected something, so that
    // the care home knows the correction was taken.
    let answer = state == Some(CaseState::AwaitingInformation) || !corrections.is_empty();
    if answer && !incoming.quiet {
        let r = contexts::Reply {
            form: &form,
            provenance: &provenance,
            findings: &findings,
            complete,
            reference: &case.reference,
            changes: &changes,
            attachments: &incoming.parsed.attachments,
        };
        emails.push(reply(app, &updated, &r, &incoming)?);
    }
    // The administrators decide on what the care home says now: a correction
    // to a case they already hold comes to them as a fresh notice.
    let corrected_in_hand = state == Some(CaseState::ReadyForDecision) && !corrections.is_empty();
    if became_complete || corrected_in_hand {
        let mut documents = crate::actions::case_documents_of(app, &case).await;
        documents.extend(incoming.documents());
        let notes = Notes {
            linked: None,
            corrections: if corrected_in_hand { &corrections } else { &[] },
        };
        emails.push(ready_for_decision(app, &updated, &notes, documents)?);
    }
    app.store
        .update_case(
            &updated,
            &timestamp(app.clock.now()),
            Some(&incoming.record),
            &events,
            &emails,
        )
        .await?;
    info!(
        changes = changes.len(),
        complete, "follow-up merged into its case"
    );
    Ok(Outcome::Joined {
        reference: case.reference,
    })
}

fn reply(
    app: &App,
    case: &CaseRecord,
    r: &contexts::Reply<'_>,
    incoming: &Incoming,
) -> Result<crate::store::Outgoing, IntakeError> {
    let context = contexts::reply(app, r, app.today());
    let env = &incoming.parsed.envelope;
    let draft = Draft::new(Template::FollowUp, vec![case.contact_address.clone()])
        .purpose(if r.complete {
            "acknowledgement"
        } else {
            "still missing"
        })
        .about(Some(&case.reference))
        .answering(
            env.references
                .iter()
                .chain(env.message_id.iter())
                .cloned()
                .collect(),
        );
    Ok(app.compose(&draft, &context)?)
}

fn detail(
    incoming: &Incoming,
    changes: &[crate::case::merge::Change],
    second_application: bool,
) -> String {
    serde_json::json!({
        "message_id": incoming.record.message_id,
        "subject": incoming.record.subject,
        "changes": changes,
        "second_application": second_application,
    })
    .to_string()
}
