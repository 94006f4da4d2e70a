//! Claims due outbox rows, sends each, and records the outcome. A row is
//! marked sent only after the server accepted it; a failure is retried with
//! backoff until `max_attempts`, then marked failed and logged as an error.

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
}

/// Sends every email that is due now. `sender` is our address (the return path).
pub async fn send_due(
    store: &Store,
    transport: &Transport,
    sender: &str,
    policy: RetryPolicy,
) -> Result<SendReport, StoreError> {
    let mut report = SendReport::default();
    loop {
        let batch = store
            .claim_due_outbox(Utc::now(), chrono::Duration::minutes(5), 50)
            .await?;
        if batch.is_empty() {
            return Ok(report);
        }
        for row in batch {
            let span = tracing::info_span!("send", outbox.id = row.id, message.id = %row.message_id, purpose = %row.purpose);
            let _enter = span.enter();
            match transport
                .send(sender, &row.recipients, &row.raw, &row.message_id)
                .await
            {
                Ok(()) => {
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
