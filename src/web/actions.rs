//! The console's actions, each a POST with the session's CSRF token
//! ([`Posted`]): approve (with a note), reject (with reasons), and the
//! registration pack as CSV. A decision goes through [`crate::actions::decide`],
//! the function the CLI and the emailed decision use, with the
//! administrator's email as the decider. When two administrators decide the
//! same case at once, one wins and the other is told who did.

use super::pages::case::{Allowed, not_found};
use super::pages::context;
use super::session::Posted;
use super::{Console, WebError};
use crate::actions::DecideError;
use crate::case::decision::Verdict;
use crate::store::{CaseRecord, StoreError};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

/// The decider recorded in the case history.
fn actor(email: &str) -> String {
    format!("administrator {email} (web console)")
}

pub async fn approve(
    State(console): State<Console>,
    Path(reference): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let note = posted.fields.get("note").map(str::to_string);
    decide(
        &console,
        &reference,
        Verdict::Approve,
        note.as_deref(),
        &posted,
    )
    .await
}

pub async fn reject(
    State(console): State<Console>,
    Path(reference): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let reason = posted.fields.get("reason").map(str::to_string);
    decide(
        &console,
        &reference,
        Verdict::Reject,
        reason.as_deref(),
        &posted,
    )
    .await
}

async fn decide(
    console: &Console,
    reference: &str,
    verdict: Verdict,
    text: Option<&str>,
    posted: &Posted,
) -> Result<Response, WebError> {
    let Some(case) = console.app.store.case_by_reference(reference).await? else {
        return not_found(console, &posted.admin, reference);
    };
    let email = &posted.admin.email;
    match crate::actions::decide(&console.app, &case, verdict, text, &actor(email), None).await {
        Ok(done) => {
            tracing::info!(case.reference = %done.reference, decision = verdict.as_str(), "decided on the web console");
            let to = format!("/cases/{}?done={}", done.reference, verdict.as_str());
            Ok(Redirect::to(&to).into_response())
        }
        Err(DecideError::WrongState { .. } | DecideError::Store(StoreError::Conflict(_))) => {
            refused_by_state(console, posted, reference).await
        }
        Err(DecideError::NoReason) => refused(
            console,
            posted,
            &case,
            StatusCode::BAD_REQUEST,
            &DecideError::NoReason.to_string(),
        ),
        Err(DecideError::Store(e)) => Err(e.into()),
        Err(DecideError::Email(e)) => Err(e.into()),
    }
}

/// The case moved on before this decision: "already decided by X" when
/// someone decided it, else why it cannot be decided now.
async fn refused_by_state(
    console: &Console,
    posted: &Posted,
    reference: &str,
) -> Result<Response, WebError> {
    let Some(now) = console.app.store.case_by_reference(reference).await? else {
        return not_found(console, &posted.admin, reference);
    };
    if let Some(by) = &now.decided_by {
        let mut c = context(&posted.admin);
        c.insert("reference", &now.reference);
        c.insert("decided_by", by);
        c.insert("decision", &now.decision);
        c.insert(
            "decided_at",
            &now.decided_at.as_deref().map(super::pages::when),
        );
        return console
            .pages
            .page(StatusCode::CONFLICT, "already_decided.html", &c);
    }
    let why = format!(
        "{} is {}; it cannot be decided now.",
        now.reference,
        now.state.replace('_', " ")
    );
    refused(console, posted, &now, StatusCode::CONFLICT, &why)
}

fn refused(
    console: &Console,
    posted: &Posted,
    case: &CaseRecord,
    status: StatusCode,
    why: &str,
) -> Result<Response, WebError> {
    let mut c = context(&posted.admin);
    c.insert("reference", &case.reference);
    c.insert("why", why);
    console.pages.page(status, "action_refused.html", &c)
}

/// The registration pack as CSV (what `cases pack REF --csv` prints).
pub async fn pack_csv(
    State(console): State<Console>,
    Path(reference): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let Some(case) = console.app.store.case_by_reference(&reference).await? else {
        return not_found(&console, &posted.admin, &reference);
    };
    if !Allowed::for_case(&case).pack {
        let why = format!(
            "{} is {}; a registration pack is made for an approved case.",
            case.reference,
            case.state.replace('_', " ")
        );
        return refused(&console, &posted, &case, StatusCode::CONFLICT, &why);
    }
    let csv = crate::case::pack::to_csv(&crate::actions::pack_for(&console.app, &case));
    let file = format!("attachment; filename=\"{}-pack.csv\"", case.reference);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, file),
        ],
        csv,
    )
        .into_response())
}
