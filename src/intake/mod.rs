//! One message from the mailbox to a committed case: store the raw bytes,
//! read it, route it, and commit the case change with its emails in one
//! transaction. The caller files the message away only after this returns.

pub mod raw;
mod receipt;

use crate::app::App;
use crate::case::{CaseRef, CaseState, Route, RouteFacts, route};
use crate::emails::{Draft, EmailError};
use crate::mailbox::{Destination, Pending};
use crate::parse::{Parsed, parse};
use crate::store::{
    IncomingMessage, MessageStatus, NewEvent, OpenCaseError, StoreError, timestamp,
};
use tracing::{error, info, warn};

/// Why a message could not be taken in now. It stays in the mailbox and is tried again.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("cannot keep the raw message in {path}: {reason}")]
    RawStore { path: String, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot prepare an email: {0}")]
    Email(#[from] EmailError),
}

impl From<OpenCaseError<EmailError>> for IntakeError {
    fn from(e: OpenCaseError<EmailError>) -> Self {
        match e {
            OpenCaseError::Store(s) => IntakeError::Store(s),
            OpenCaseError::Render(r) => IntakeError::Email(r),
        }
    }
}

/// What became of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A new case was opened.
    Opened { reference: String },
    /// The message joined an existing case.
    Joined { reference: String },
    /// Recorded and deliberately not answered.
    Ignored { reason: String },
    /// Could not be read; moved to quarantine and reported.
    Quarantined { reason: String },
    /// Already taken in earlier (seen again after a crash or a UIDVALIDITY change).
    AlreadyTakenIn,
}

impl Outcome {
    /// The folder the message goes to.
    pub fn destination(&self) -> Destination {
        match self {
            Outcome::Quarantined { .. } => Destination::Quarantine,
            _ => Destination::Processed,
        }
    }
}

/// Takes one message in. On `Ok`, everything about it is committed.
pub async fn take_in(app: &App, pending: &Pending, raw: Vec<u8>) -> Result<Outcome, IntakeError> {
    let sha256 = raw::digest(&raw);
    if let Some(done) = app.store.message_by_sha256(&sha256).await? {
        let outcome = match done.status {
            MessageStatus::Quarantined => Outcome::Quarantined {
                reason: done.note.unwrap_or_default(),
            },
            _ => Outcome::AlreadyTakenIn,
        };
        return Ok(outcome);
    }
    let raw_path = save_raw(app, &sha256, &raw).await?;
    let mut record = IncomingMessage {
        sha256,
        source_key: Some(pending.key.clone()),
        message_id: None,
        from_addr: None,
        subject: None,
        kind: "unreadable".into(),
        status: MessageStatus::Processed,
        raw_path,
        parse_json: None,
        note: None,
        received_at: timestamp(app.clock.now()),
    };
    if raw.len() > app.limits.max_message_bytes {
        let reason = format!(
            "the message is {} MB, over the limit of {} MB",
            raw.len() >> 20,
            app.limits.max_message_bytes >> 20
        );
        return quarantine(app, record, reason).await;
    }
    let parsed = match parse_guarded(app, raw).await {
        Ok(p) => p,
        Err(reason) => return quarantine(app, record, reason).await,
    };
    record.message_id = parsed.envelope.message_id.clone();
    record.from_addr = parsed.envelope.from.as_ref().map(|m| m.address.clone());
    record.subject = Some(parsed.envelope.subject.clone());
    record.kind = parsed.kind.as_str().to_string();
    record.parse_json = Some(parsed.to_contract_json(&pending.key).to_string());
    let quiet =
        pending.backlog && app.config.mailbox.backlog == crate::config::Backlog::TakeInQuietly;
    let answers = answered_case(app, &parsed).await?;
    let facts = RouteFacts {
        kind: Some(parsed.kind),
        from: record.from_addr.clone(),
        sent_by_us: parsed.envelope.sent_by_us.is_some(),
        own_addresses: app.config.own_addresses(),
        answers_case: answers.clone(),
        quiet,
    };
    match route(&facts) {
        Route::Ignore { reason } | Route::Record { reason } => {
            record.status = MessageStatus::Ignored;
            record.note = Some(reason.to_string());
            app.store.record_message(&record, None, None, &[]).await?;
            info!(
                kind = parsed.kind.as_str(),
                reason, "message recorded; no reply"
            );
            Ok(Outcome::Ignored {
                reason: reason.to_string(),
            })
        }
        Route::JoinCase { reference } => join_case(app, record, &reference).await,
        Route::OpenCase { reply } => open_case(app, record, &parsed, reply).await,
    }
}

async fn save_raw(app: &App, sha256: &str, raw: &[u8]) -> Result<String, IntakeError> {
    let dir = app.state_dir.clone();
    let sha = sha256.to_string();
    let bytes = raw.to_vec();
    let result = tokio::task::spawn_blocking(move || raw::save(&dir, &sha, &bytes)).await;
    match result {
        Ok(Ok(rel)) => Ok(rel.display().to_string()),
        Ok(Err(e)) => Err(IntakeError::RawStore {
            path: app.state_dir.display().to_string(),
            reason: e.to_string(),
        }),
        Err(e) => Err(IntakeError::RawStore {
            path: app.state_dir.display().to_string(),
            reason: e.to_string(),
        }),
    }
}

/// Reads the message on a blocking thread; a panic in a reader becomes a reason, not a crash.
async fn parse_guarded(app: &App, raw: Vec<u8>) -> Result<Parsed, String> {
    let limits = app.limits.clone();
    let task =
        tokio::task::spawn_blocking(move || std::panic::catch_unwind(|| parse(&raw, &limits)));
    match task.await {
        Ok(Ok(parsed)) => Ok(parsed),
        Ok(Err(panic)) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".into());
            error!(panic = %what, "the message reader failed on this message");
            Err(format!(
                "the message could not be read (reader failure: {what})"
            ))
        }
        Err(e) => Err(format!("the message could not be read ({e})")),
    }
}

/// The case this message answers: by its thread, else by a reference in the
/// subject when the sender is the case's own contact.
async fn answered_case(app: &App, parsed: &Parsed) -> Result<Option<String>, IntakeError> {
    let env = &parsed.envelope;
    let thread: Vec<String> = env
        .references
        .iter()
        .chain(&env.in_reply_to)
        .cloned()
        .collect();
    if !thread.is_empty()
        && let Some(case) = app.store.case_by_thread(&thread).await?
    {
        return Ok(Some(case.reference));
    }
    let from = env.from.as_ref().map(|m| m.address.as_str()).unwrap_or("");
    for r in CaseRef::find_all(&env.subject) {
        if let Some(case) = app.store.case_by_reference(&r.to_string()).await? {
            let known =
                case.contact_address == from || case.applicant_email.as_deref() == Some(from);
            if known {
                return Ok(Some(case.reference));
            }
        }
    }
    Ok(None)
}

async fn join_case(
    app: &App,
    mut record: IncomingMessage,
    reference: &str,
) -> Result<Outcome, IntakeError> {
    let case = app
        .store
        .case_by_reference(reference)
        .await?
        .ok_or_else(|| StoreError::CaseNotFound(reference.into()))?;
    record.note = Some("joined its case".into());
    let event = NewEvent {
        at: timestamp(app.clock.now()),
        actor: format!(
            "care home <{}>",
            record.from_addr.clone().unwrap_or_default()
        ),
        event: "message received".into(),
        detail: serde_json::json!({ "message_id": record.message_id, "subject": record.subject })
            .to_string(),
    };
    app.store
        .record_message(&record, Some(case.id), Some(event), &[])
        .await?;
    info!(case.reference = reference, "message joined its case");
    Ok(Outcome::Joined {
        reference: reference.to_string(),
    })
}

async fn open_case(
    app: &App,
    record: IncomingMessage,
    parsed: &Parsed,
    reply: bool,
) -> Result<Outcome, IntakeError> {
    let now = app.clock.now();
    let today = app.today();
    let days = app.config.sponsor.decision_working_days;
    let due = parsed
        .complete
        .then(|| app.calendar.add_working_days(today, days));
    let contact = parsed
        .envelope
        .reply_to
        .as_ref()
        .or(parsed.envelope.from.as_ref())
        .map(|m| m.address.clone())
        .unwrap_or_default();
    let case = crate::store::NewCase {
        state: CaseState::for_new_application(parsed.complete)
            .as_str()
            .to_string(),
        care_home_name: parsed.form.care_home_name.clone(),
        cqc_id: parsed.form.cqc_registration_number.clone(),
        applicant_name: parsed.form.applicant_name.clone(),
        applicant_email: parsed.form.applicant_email.clone(),
        contact_address: contact.clone(),
        form_json: serde_json::to_string(&parsed.form).unwrap_or_default(),
        provenance_json: serde_json::to_string(&parsed.provenance).unwrap_or_default(),
        findings_json: serde_json::to_string(&parsed.findings).unwrap_or_default(),
        complete: parsed.complete,
        opened_at: timestamp(now),
        completed_at: parsed.complete.then(|| timestamp(now)),
        due_on: due.map(|d| d.to_string()),
        decision_code: decision_code(),
    };
    let event = NewEvent {
        at: timestamp(now),
        actor: format!("care home <{contact}>"),
        event: "opened".into(),
        detail: serde_json::json!({
            "message_id": record.message_id,
            "complete": parsed.complete,
            "state": case.state,
            "receipt": if reply { "queued" } else { "not sent (backlog taken in quietly)" },
        })
        .to_string(),
    };
    let thread: Vec<String> = parsed
        .envelope
        .references
        .iter()
        .chain(parsed.envelope.message_id.iter())
        .cloned()
        .collect();
    let app2 = app.clone();
    let parsed2 = parsed.clone();
    let render = Box::new(
        move |reference: &str| -> Result<Vec<crate::store::Outgoing>, EmailError> {
            let context = receipt::context(&app2, &parsed2, reference, today);
            let draft = Draft {
                template: "receipt",
                purpose: "receipt",
                to: vec![contact.clone()],
                thread: thread.clone(),
                reference: Some(reference),
                auto_reply: true,
                suppressed: !reply,
            };
            Ok(vec![app2.sender.compose(
                &app2.templates,
                &draft,
                &context,
            )?])
        },
    );
    let opened = app
        .store
        .open_case(today.year_ce().1 as i32, &record, &case, event, render)
        .await?;
    let span = tracing::info_span!("case", case.reference = %opened.reference);
    let _e = span.enter();
    info!(complete = parsed.complete, receipt = reply, "case opened");
    Ok(Outcome::Opened {
        reference: opened.reference,
    })
}

async fn quarantine(
    app: &App,
    mut record: IncomingMessage,
    reason: String,
) -> Result<Outcome, IntakeError> {
    warn!(reason = %reason, "message quarantined");
    record.status = MessageStatus::Quarantined;
    record.note = Some(reason.clone());
    let mut context = tera::Context::new();
    context.insert("sponsor", &receipt::sponsor(app));
    context.insert("folder", &app.config.mailbox.quarantine_folder);
    context.insert("reason", &reason);
    context.insert(
        "message",
        &serde_json::json!({ "from": record.from_addr, "subject": record.subject, "received_at": record.received_at }),
    );
    let draft = Draft {
        template: "quarantine_report",
        purpose: "quarantine report",
        to: app.config.administrators.addresses.clone(),
        thread: Vec::new(),
        reference: None,
        auto_reply: false,
        suppressed: false,
    };
    let report = app.sender.compose(&app.templates, &draft, &context)?;
    app.store
        .record_message(&record, None, None, &[report])
        .await?;
    Ok(Outcome::Quarantined { reason })
}

/// A secret for emailed decisions: only the administrators' notice carries it.
fn decision_code() -> String {
    let n: u64 = rand::random();
    format!("{:012x}", n & 0xffff_ffff_ffff)
}

use chrono::Datelike;
