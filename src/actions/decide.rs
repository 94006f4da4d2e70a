//! A decision on a case (section 3 approval, section 4 rejection), from an
//! administrator's email or the CLI: the case changes, the history records
//! who decided and why, and the care home is told, in one transaction.

use super::{form_of, limited_to_four};
use crate::app::App;
use crate::case::CaseState;
use crate::case::decision::Verdict;
use crate::emails::EmailError;
use crate::emails::Template;
use crate::store::{CaseRecord, IncomingMessage, NewEvent, StoreError, timestamp};

/// Why a decision could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error("case {reference} is {state}; only a case that is ready for decision can be {verdict}")]
    WrongState {
        reference: String,
        state: String,
        verdict: &'static str,
    },
    #[error("a rejection needs its reasons (they are sent to the care home)")]
    NoReason,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Email(#[from] EmailError),
}

fn allowed(state: Option<CaseState>, verdict: Verdict) -> bool {
    match verdict {
        Verdict::Approve => state == Some(CaseState::ReadyForDecision),
        // An application can be turned down before it is complete (not eligible at all).
        Verdict::Reject => state.is_some_and(CaseState::is_open),
    }
}

/// Records a decision and queues the email to the care home.
pub async fn decide(
    app: &App,
    case: &CaseRecord,
    verdict: Verdict,
    reason: Option<&str>,
    actor: &str,
    message: Option<&IncomingMessage>,
) -> Result<CaseRecord, DecideError> {
    if !allowed(CaseState::parse(&case.state), verdict) {
        return Err(DecideError::WrongState {
            reference: case.reference.clone(),
            state: case.state.clone(),
            verdict: verdict.as_str(),
        });
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if verdict == Verdict::Reject && reason.is_none() {
        return Err(DecideError::NoReason);
    }
    let now = timestamp(app.clock.now());
    let mut updated = case.clone();
    updated.state = match verdict {
        Verdict::Approve => CaseState::Approved,
        Verdict::Reject => CaseState::Rejected,
    }
    .as_str()
    .to_string();
    updated.decision = Some(verdict.as_str().to_string());
    updated.decision_reason = reason.map(str::to_string);
    updated.decided_by = Some(actor.to_string());
    updated.decided_at = Some(now.clone());
    let email = care_home_email(app, case, verdict, reason)?;
    let event = NewEvent {
        at: now.clone(),
        actor: actor.to_string(),
        event: verdict.as_str().to_string(),
        detail: serde_json::json!({ "reason": reason, "email": email.message_id }).to_string(),
    };
    app.store
        .update_case(&updated, &now, message, &[event], &[email])
        .await?;
    Ok(app
        .store
        .case_by_reference(&case.reference)
        .await?
        .unwrap_or(updated))
}

fn care_home_email(
    app: &App,
    case: &CaseRecord,
    verdict: Verdict,
    reason: Option<&str>,
) -> Result<crate::store::Outgoing, EmailError> {
    let form = form_of(case);
    let mut c = super::case_context(app, case);
    let template = match verdict {
        Verdict::Approve => {
            let mailboxes = form
                .individual_accounts_requested
                .map_or(form.accounts.len() as u32, |n| n)
                + u32::from(form.shared_mailbox_required == Some(true));
            c.insert("limited_to_four", &limited_to_four(&form));
            c.insert("mailboxes_requested", &mailboxes);
            // The administrator's note goes to the care home with the approval.
            c.insert("note", &reason);
            Template::Approval
        }
        Verdict::Reject => {
            c.insert("reason", &reason.unwrap_or_default());
            c.insert("secure_email_link", &app.config.sponsor.secure_email_link);
            Template::Rejection
        }
    };
    let draft = super::to_care_home(case, template);
    app.compose(&draft, &c)
}
