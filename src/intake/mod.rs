//! One message from the mailbox to a committed case: store the raw bytes,
//! read it, route it, and commit the case change with its emails in one
//! transaction. The caller files the message away only after this returns.

mod admin;
mod contexts;
mod follow_up;
mod linked;
mod open;
pub mod raw;
pub mod reader;
pub mod text;

use crate::actions::{Report, report_to_administrators};
use crate::app::App;
use crate::case::{CaseLink, CaseRef, CaseState, LiveCase, Route, RouteFacts, route};
use crate::emails::{EmailError, Part};
use crate::mailbox::{Destination, Pending};
use crate::message::Role;
use crate::parse::Parsed;
use crate::store::{
    CaseRecord, IncomingMessage, MessageStatus, OpenCaseError, StoreError, timestamp,
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
    /// The message joined an existing case (a follow-up or a decision).
    Joined { reference: String },
    /// Recorded and deliberately not answered (or held and reported).
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

/// Everything about the message in hand.
pub(crate) struct Incoming {
    pub record: IncomingMessage,
    pub parsed: Parsed,
    pub raw: std::sync::Arc<Vec<u8>>,
    pub quiet: bool,
}

impl Incoming {
    /// An IG Toolkit / DSPT assessment report came with this message.
    pub fn has_report(&self) -> bool {
        self.parsed
            .attachments
            .iter()
            .any(|a| a.role == Role::IgAssessmentReport)
    }

    /// The form and report attachments of this message, to attach to the notice.
    pub fn documents(&self) -> Vec<Part> {
        let wanted: Vec<String> = self
            .parsed
            .attachments
            .iter()
            .filter(|a| matches!(a.role, Role::ApplicationForm | Role::IgAssessmentReport))
            .map(|a| a.filename.clone())
            .collect();
        let mut out = Vec::new();
        if !wanted.is_empty() {
            crate::actions::collect_parts(&self.raw, &wanted, &mut out);
        }
        out
    }

    /// The actor named in the history for what the sender did.
    pub fn care_home_actor(&self) -> String {
        format!(
            "care home <{}>",
            self.record.from_addr.as_deref().unwrap_or_default()
        )
    }
}

/// Takes one message in. On `Ok`, everything about it is committed.
pub async fn take_in(app: &App, pending: &Pending, raw: Vec<u8>) -> Result<Outcome, IntakeError> {
    // Shared, not copied: a message may be tens of megabytes.
    let raw = std::sync::Arc::new(raw);
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
    let raw_path = save_raw(app, &sha256, raw.clone()).await?;
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
        // Unread, but the administrators' report should say which message it is.
        fill_from_headers(&mut record, &raw);
        let reason = format!(
            "the message is {} MB, over the limit of {} MB",
            raw.len() >> 20,
            app.limits.max_message_bytes >> 20
        );
        return quarantine(app, record, reason).await;
    }
    let parsed = match parse_guarded(app, &record.sha256, raw.clone()).await? {
        Ok(p) => p,
        Err(reason) => {
            fill_from_headers(&mut record, &raw);
            return quarantine(app, record, reason).await;
        }
    };
    record.message_id = parsed.envelope.message_id.clone();
    record.from_addr = parsed.envelope.from.as_ref().map(|m| m.address.clone());
    record.subject = Some(parsed.envelope.subject.clone());
    record.kind = parsed.kind.as_str().to_string();
    record.parse_json = Some(parsed.to_contract_json(&pending.key).to_string());
    let quiet =
        pending.backlog && app.config.mailbox.backlog == crate::config::Backlog::TakeInQuietly;
    let sha256 = record.sha256.clone();
    let incoming = Incoming {
        record,
        parsed,
        raw,
        quiet,
    };
    let outcome = dispatch(app, incoming).await;
    if outcome.is_err() {
        // The reading itself ended well: the retry must not count it as
        // one that never finished.
        if let Err(e) = app.store.end_read(&sha256).await {
            warn!(error = %e, "could not clear the reading mark");
        }
    }
    outcome
}

async fn dispatch(app: &App, incoming: Incoming) -> Result<Outcome, IntakeError> {
    let from = incoming.record.from_addr.clone();
    let from_admin = from.as_ref().is_some_and(|f| {
        app.config
            .administrators
            .addresses
            .iter()
            .any(|a| a.eq_ignore_ascii_case(f))
    });
    let new_text = text::new_text(&incoming.raw);
    let env = &incoming.parsed.envelope;
    let answered = answered_case(app, &incoming.parsed).await?;
    let application = incoming.parsed.kind == crate::message::Kind::Application;
    let live = match &answered {
        None if application && !from_admin => live_case_for_cqc(app, &incoming).await?,
        _ => None,
    };
    let facts = RouteFacts {
        kind: Some(incoming.parsed.kind),
        from,
        sent_by_us: env.sent_by_us.is_some(),
        own_addresses: app.config.own_addresses(),
        from_admin,
        answers_case: answered.as_ref().map(|(link, _)| link.clone()),
        looks_like_decision: crate::case::decision::looks_like_decision(&new_text),
        quiet: incoming.quiet,
        fresh: env.in_reply_to.is_empty() && CaseRef::find_all(&env.subject).is_empty(),
        live_case_for_cqc: live.as_ref().map(|c| LiveCase {
            reference: c.reference.clone(),
            open: CaseState::parse(&c.state).is_some_and(CaseState::is_open),
        }),
    };
    // The case the route names, loaded once while gathering the facts.
    let case = answered.map(|(_, c)| c).or(live);
    let the_case = |reference: String| case.ok_or(StoreError::CaseNotFound(reference));
    match route(&facts) {
        Route::Ignore { reason } => record_only(app, incoming, reason, None).await,
        Route::Record { reason } => {
            // Not an application, and maybe a question: the administrators
            // hear of it (a report to them, never a reply to the sender).
            let notify = app.config.administrators.enquiries == crate::config::Enquiries::Notify
                && !from_admin
                && !incoming.quiet;
            let opening = notify.then(|| text::first_lines(&new_text));
            record_only(app, incoming, reason, opening).await
        }
        Route::OpenCase { reply } => open::open_case(app, incoming, reply).await,
        Route::JoinCase {
            reference,
            second_application,
        } => follow_up::join_case(app, incoming, the_case(reference)?, second_application).await,
        Route::LinkToDecided { reference } => {
            linked::link_to_decided(app, incoming, the_case(reference)?).await
        }
        Route::Administrator { reference } => {
            admin::from_administrator(app, incoming, the_case(reference)?, &new_text).await
        }
        Route::Held { reference } => admin::hold(app, incoming, the_case(reference)?).await,
        Route::RefuseDecision { reference, reason } => {
            admin::refuse(app, incoming, the_case(reference)?, reason).await
        }
    }
}

/// The live case (awaiting information, ready for decision, approved or
/// registered) that already holds this application's CQC number.
async fn live_case_for_cqc(
    app: &App,
    incoming: &Incoming,
) -> Result<Option<CaseRecord>, IntakeError> {
    let Some(cqc) = incoming.parsed.form.cqc_registration_number.as_deref() else {
        return Ok(None);
    };
    let cases = app.store.cases_for_cqc(cqc).await?;
    Ok(cases.into_iter().rev().find(|c| {
        matches!(
            CaseState::parse(&c.state),
            Some(
                CaseState::AwaitingInformation
                    | CaseState::ReadyForDecision
                    | CaseState::Approved
                    | CaseState::Registered
            )
        )
    }))
}

/// Records a message that opens no case; `report` holds its first lines
/// when the administrators are to be told of it.
async fn record_only(
    app: &App,
    mut incoming: Incoming,
    reason: &'static str,
    report: Option<String>,
) -> Result<Outcome, IntakeError> {
    incoming.record.status = MessageStatus::Ignored;
    incoming.record.note = Some(reason.to_string());
    let r = &incoming.record;
    let emails = match &report {
        Some(first_lines) => vec![report_to_administrators(
            app,
            Report::NotAnApplication { first_lines },
            r.from_addr.as_deref(),
            r.subject.as_deref(),
            &r.received_at,
        )?],
        None => Vec::new(),
    };
    app.store
        .record_message(&incoming.record, None, None, &emails)
        .await?;
    info!(
        kind = incoming.parsed.kind.as_str(),
        reason, "message recorded; no reply"
    );
    Ok(Outcome::Ignored {
        reason: reason.to_string(),
    })
}

async fn save_raw(
    app: &App,
    sha256: &str,
    bytes: std::sync::Arc<Vec<u8>>,
) -> Result<String, IntakeError> {
    let dir = app.state_dir.clone();
    let sha = sha256.to_string();
    let failed = |reason: String| IntakeError::RawStore {
        path: app.state_dir.display().to_string(),
        reason,
    };
    match tokio::task::spawn_blocking(move || raw::save(&dir, &sha, &bytes)).await {
        Ok(Ok(rel)) => Ok(rel.display().to_string()),
        Ok(Err(e)) => Err(failed(e.to_string())),
        Err(e) => Err(failed(e.to_string())),
    }
}

/// A message whose reading was cut short this often is not read again.
const BEFORE: &str = "the reader failed on this message before";

/// Reads the message in a reader process (see [`reader`]); a crash, a
/// runaway or a daemon that died during earlier readings becomes a reason
/// to quarantine the message, never a stop of intake. `Ok(Err(reason))`:
/// quarantine it.
async fn parse_guarded(
    app: &App,
    sha256: &str,
    raw: std::sync::Arc<Vec<u8>>,
) -> Result<Result<Parsed, String>, IntakeError> {
    let max = app.config.limits.reader_max_attempts;
    let unfinished = app.store.begin_read(sha256, app.clock.now()).await?;
    if unfinished >= max {
        error!(
            message.sha256 = sha256,
            unfinished, "the reader failed on this message before; not read again"
        );
        return Ok(Err(format!(
            "{BEFORE} ({unfinished} readings never finished; the daemon stopped during each)"
        )));
    }
    let started = std::time::Instant::now();
    // The mark is cleared with the outcome recorded, in one transaction.
    let result = reader::read(&app.reader, &app.limits, raw).await;
    Ok(result.map_err(|failure| {
        error!(
            message.sha256 = sha256,
            duration_ms = started.elapsed().as_millis() as u64,
            failure = %failure,
            "the message reader failed on this message"
        );
        format!("the message could not be read: {failure}")
    }))
}

/// The case this message is about: by its thread, else a reference in its
/// subject, else its sender's only open case (when the CQC number agrees).
async fn answered_case(
    app: &App,
    parsed: &Parsed,
) -> Result<Option<(CaseLink, CaseRecord)>, IntakeError> {
    let env = &parsed.envelope;
    let from = env.from.as_ref().map(|m| m.address.as_str()).unwrap_or("");
    let mut case = None;
    let thread: Vec<String> = env
        .references
        .iter()
        .chain(&env.in_reply_to)
        .cloned()
        .collect();
    if !thread.is_empty() {
        case = app.store.case_by_thread(&thread).await?;
    }
    if case.is_none() {
        for r in CaseRef::find_all(&env.subject) {
            if let Some(c) = app.store.case_by_reference(&r.to_string()).await? {
                case = Some(c);
                break;
            }
        }
    }
    if let Some(case) = case {
        let known = sender_known(app, &case, from).await?;
        let link = CaseLink {
            reference: case.reference.clone(),
            sender_known: known,
        };
        return Ok(Some((link, case)));
    }
    if from.is_empty() {
        return Ok(None);
    }
    let mut open: Vec<_> = app
        .store
        .cases_for_sender(from)
        .await?
        .into_iter()
        .filter(|c| CaseState::parse(&c.state).is_some_and(CaseState::is_open))
        .collect();
    let cqc = parsed.form.cqc_registration_number.as_deref();
    let agrees =
        |only: &CaseRecord| cqc.is_none() || only.cqc_id.as_deref().is_none_or(|c| Some(c) == cqc);
    match open.pop() {
        Some(only) if open.is_empty() && agrees(&only) => {
            let link = CaseLink {
                reference: only.reference.clone(),
                sender_known: true,
            };
            Ok(Some((link, only)))
        }
        _ => Ok(None),
    }
}

/// The applicant's, the contact's, or an address that has already written on the case.
async fn sender_known(app: &App, case: &CaseRecord, from: &str) -> Result<bool, IntakeError> {
    if from.is_empty() {
        return Ok(false);
    }
    if case.contact_address == from || case.applicant_email.as_deref() == Some(from) {
        return Ok(true);
    }
    let messages = app.store.messages_for_case(case.id).await?;
    Ok(messages
        .iter()
        .any(|m| m.from_addr.as_deref() == Some(from)))
}

async fn quarantine(
    app: &App,
    mut record: IncomingMessage,
    reason: String,
) -> Result<Outcome, IntakeError> {
    warn!(reason = %reason, "message quarantined");
    record.status = MessageStatus::Quarantined;
    record.note = Some(reason.clone());
    let report = report_to_administrators(
        app,
        Report::Quarantined { reason: &reason },
        record.from_addr.as_deref(),
        record.subject.as_deref(),
        &record.received_at,
    )?;
    app.store
        .record_message(&record, None, None, &[report])
        .await?;
    Ok(Outcome::Quarantined { reason })
}

/// A secret for emailed decisions: only the administrators' notice carries it.
pub(crate) fn decision_code() -> String {
    let n: u64 = rand::random();
    format!("{:012x}", n & 0xffff_ffff_ffff)
}

/// Message-ID, From and Subject read from the header block alone (for a
/// message that is not read as a whole), so that its report says which it is.
fn fill_from_headers(record: &mut IncomingMessage, raw: &[u8]) {
    let Some(msg) = mail_parser::MessageParser::default().parse_headers(raw) else {
        return;
    };
    record.message_id = msg.message_id().map(str::to_string);
    record.from_addr = msg
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address.as_ref())
        .map(|a| a.trim().to_lowercase());
    record.subject = msg.subject().map(str::to_string);
}
