//! The work of one round, shared by `once` and the daemon's loops.

use crate::app::App;
use crate::intake::{self, Outcome};
use crate::mailbox::{Destination, MailboxError, Pending, Source};
use crate::outbox::{RecipientLimit, RetryPolicy, Transport, send_due};
use crate::store::StoreError;
use std::time::Duration;
use tokio::sync::{Notify, watch};
use tracing::{Instrument, error, info_span};

/// What a round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct RoundReport {
    pub opened: usize,
    pub joined: usize,
    pub ignored: usize,
    pub quarantined: usize,
    pub already_taken_in: usize,
    /// Messages left in the mailbox to try again (e.g. the disk is full).
    pub deferred: usize,
    pub sent: usize,
    /// Scheduled jobs run this round, and how many of them failed.
    pub jobs_run: usize,
    pub jobs_failed: usize,
}

impl RoundReport {
    pub fn taken_in(&self) -> usize {
        self.opened + self.joined + self.ignored + self.quarantined
    }
}

/// Takes in every message waiting, filing each away after its commit, and
/// wakes the sender (when given) after each commit, so that replies to a
/// backlog go out while the rest is still being taken in.
/// Stops between messages when `shutdown` turns true.
pub async fn drain_mailbox(
    app: &App,
    source: &mut Source,
    shutdown: &watch::Receiver<bool>,
    wake_sender: Option<&Notify>,
) -> Result<RoundReport, MailboxError> {
    let mut report = RoundReport::default();
    let mut filing = Filing::default();
    for pending in source.pending(&app.store).await? {
        if *shutdown.borrow() {
            break;
        }
        let Some(raw) = source.fetch(&pending).await? else {
            continue;
        };
        let span = info_span!("message", source = %pending.key);
        let outcome = intake::take_in(app, &pending, raw)
            .instrument(span.clone())
            .await;
        match outcome {
            Ok(outcome) => {
                if let Some(wake) = wake_sender {
                    wake.notify_one();
                }
                filing.add(pending, outcome.destination());
                if filing.full() {
                    filing.flush(source).await?;
                }
                match outcome {
                    Outcome::Opened { .. } => report.opened += 1,
                    Outcome::Joined { .. } => report.joined += 1,
                    Outcome::Ignored { .. } => report.ignored += 1,
                    Outcome::Quarantined { .. } => report.quarantined += 1,
                    Outcome::AlreadyTakenIn => report.already_taken_in += 1,
                }
            }
            Err(e) => {
                let _e = span.enter();
                error!(error = %e, "message not taken in; it stays in the mailbox and will be tried again");
                report.deferred += 1;
            }
        }
    }
    filing.flush(source).await?;
    Ok(report)
}

/// Committed messages waiting to be moved out of the incoming folder, moved
/// a batch at a time (one IMAP command instead of one per message). Moving
/// late is safe: a message still in the folder after a crash is recognised
/// as already taken in, and only moved.
#[derive(Default)]
struct Filing {
    processed: Vec<Pending>,
    quarantine: Vec<Pending>,
}

impl Filing {
    const BATCH: usize = 50;

    fn add(&mut self, p: Pending, to: Destination) {
        match to {
            Destination::Processed => self.processed.push(p),
            Destination::Quarantine => self.quarantine.push(p),
        }
    }

    fn full(&self) -> bool {
        self.processed.len() + self.quarantine.len() >= Self::BATCH
    }

    async fn flush(&mut self, source: &mut Source) -> Result<(), MailboxError> {
        for (list, to) in [
            (&mut self.processed, Destination::Processed),
            (&mut self.quarantine, Destination::Quarantine),
        ] {
            if !list.is_empty() {
                source.file_all(list, to).await?;
                list.clear();
            }
        }
        Ok(())
    }
}

/// `outbox.max_per_recipient_per_hour`: our own and the administrators'
/// addresses are never limited (the reports about held emails go there).
fn recipient_limit(app: &App) -> Option<RecipientLimit> {
    let per_hour = app.config.outbox.max_per_recipient_per_hour;
    if per_hour == 0 {
        return None;
    }
    let mut exempt = app.config.own_addresses();
    exempt.extend(app.config.administrators.addresses.iter().cloned());
    exempt.extend(app.config.administrators.primary.iter().cloned());
    let reporter = app.clone();
    Some(RecipientLimit {
        per_hour,
        exempt,
        report: std::sync::Arc::new(move |row, address, limit| {
            crate::actions::held_email_report(&reporter, row, address, limit)
                .map_err(|e| error!(error = %e, "the report about a held email failed"))
                .ok()
        }),
    })
}

/// Sends what is due from the outbox over `outbox.senders` SMTP sessions at
/// once; each claims its emails one by one, so none is sent twice.
pub async fn send_outbox(app: &App, transport: &Transport) -> Result<usize, StoreError> {
    let senders = app.config.outbox.senders.max(1);
    let results =
        futures_util::future::join_all((0..senders).map(|_| send_outbox_one(app, transport))).await;
    let mut sent = 0;
    for r in results {
        sent += r?;
    }
    Ok(sent)
}

async fn send_outbox_one(app: &App, transport: &Transport) -> Result<usize, StoreError> {
    let policy = RetryPolicy {
        max_attempts: app.config.outbox.max_attempts,
        base: Duration::from_secs(app.config.outbox.retry_seconds),
        lease: RetryPolicy::lease_for(Duration::from_secs(
            app.config
                .outbox
                .smtp
                .as_ref()
                .map_or(30, |s| s.timeout_seconds),
        )),
        copy_to: (app.config.outbox.transport == crate::config::TransportKind::Smtp
            && app.config.outbox.copy_to_mailbox)
            .then(|| app.config.sponsor.address.clone()),
        copy_wait: Duration::from_secs(app.config.outbox.copy_wait_seconds),
        limit: recipient_limit(app),
    };
    let report = send_due(&app.store, transport, &app.config.sponsor.address, policy).await?;
    if report.credentials_refused && app.oauth.is_some() {
        crate::reminders::credentials::note_refusal(
            app,
            "the SMTP server refused the sign-in, or no access token could be had (the daemon's log says which)",
        )
        .await;
    }
    Ok(report.sent)
}
