//! Claims due outbox rows, sends each, and records the outcome. A row is
//! marked sent only after the server accepted it; a failure is retried with
//! backoff until `max_attempts`, then marked failed and logged as an error.

use super::SentJournal;
use super::backoff::retry_delay;
use super::transport::{SendError, Transport};
use crate::store::{Store, StoreError};
use chrono::Utc;
use std::time::Duration;
use tracing::{error, info, warn};

/// What one pass of the sender did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SendReport {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

/// Retry settings.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base: Duration,
    /// How long a claim on a row lasts. A sender killed mid-send leaves its
    /// row claimed until then; a send is abandoned (and retried) after half
    /// of it, so no live sender's claim ever expires under it.
    pub lease: Duration,
}

impl RetryPolicy {
    /// The lease for a transport that waits `timeout` for each server reply:
    /// four of them, at least 20 s.
    pub fn lease_for(timeout: Duration) -> Duration {
        (timeout * 4).max(Duration::from_secs(20))
    }
}

/// Sends every email that is due now. `sender` is our address (the return path).
pub async fn send_due(
    store: &Store,
    transport: &Transport,
    sender: &str,
    policy: RetryPolicy,
    journal: Option<&SentJournal>,
) -> Result<SendReport, StoreError> {
    let mut report = SendReport::default();
    if let Some(journal) = journal {
        replay(store, journal).await?;
    }
    loop {
        // One row per claim: a crash leaves at most one row claimed (and
        // waiting for its lease to end), not a whole batch.
        let lease =
            chrono::Duration::from_std(policy.lease).unwrap_or(chrono::Duration::minutes(5));
        let batch = store.claim_due_outbox(Utc::now(), lease, 1).await?;
        if batch.is_empty() {
            return Ok(report);
        }
        for row in batch {
            let span = tracing::info_span!("send", outbox.id = row.id, message.id = %row.message_id, purpose = %row.purpose);
            let _enter = span.enter();
            let sent = tokio::time::timeout(
                policy.lease / 2,
                transport.send(sender, &row.recipients, &row.raw, &row.message_id),
            )
            .await
            .unwrap_or_else(|_| Err(SendError::Transient("sending took too long".into())));
            match sent {
                Ok(()) => {
                    if let Some(journal) = journal
                        && let Err(e) = journal.record(&row.message_id)
                    {
                        warn!(error = %e, "cannot note the email in the sent journal");
                    }
                    store.mark_sent(row.id, Utc::now()).await?;
                    info!("email sent");
                    report.sent += 1;
                }
                Err(e) => {
                    let attempts = u32::try_from(row.attempts)
                        .unwrap_or(u32::MAX)
                        .saturating_add(1);
                    let permanent = matches!(e, SendError::Permanent(_) | SendError::Setup { .. });
                    if permanent || attempts >= policy.max_attempts {
                        error!(error = %e, attempts, "email could not be sent and will not be retried");
                        store
                            .mark_attempt_failed(row.id, &e.to_string(), None)
                            .await?;
                        report.failed += 1;
                    } else {
                        let delay = retry_delay(
                            policy.base,
                            Duration::from_secs(3600),
                            attempts - 1,
                            rand::random(),
                        );
                        warn!(error = %e, attempts, retry_in_s = delay.as_secs(), "email not sent yet; will retry");
                        let next = Utc::now()
                            + chrono::Duration::from_std(delay)
                                .unwrap_or(chrono::Duration::hours(1));
                        store
                            .mark_attempt_failed(row.id, &e.to_string(), Some(next))
                            .await?;
                        report.retrying += 1;
                    }
                }
            }
        }
    }
}

/// Marks sent the rows the journal names (accepted by the server before a
/// crash kept them from being marked), then forgets the journal.
async fn replay(store: &Store, journal: &SentJournal) -> Result<(), StoreError> {
    let taken = match journal.take() {
        Ok(Some(t)) => t,
        Ok(None) => return Ok(()),
        Err(e) => {
            warn!(error = %e, "cannot read the sent journal");
            return Ok(());
        }
    };
    let (ids, path) = taken;
    let mut marked = 0;
    for id in &ids {
        marked += store.mark_sent_by_message_id(id, Utc::now()).await?;
    }
    if marked > 0 {
        warn!(
            marked,
            "emails the server had accepted before a crash are now marked sent (not sent again)"
        );
    }
    if let Err(e) = SentJournal::finish(&path) {
        warn!(error = %e, "cannot remove the sent journal");
    }
    Ok(())
}
