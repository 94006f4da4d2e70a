//! Claims due outbox rows, sends each, and records the outcome. A row is
//! marked sent only after the server accepted it; a failure is retried with
//! backoff until `max_attempts`, then marked failed and logged as an error.

use super::backoff::retry_delay;
use super::transport::{SendError, Transport};
use crate::store::{OutboxRecord, Outgoing, Store, StoreError};
use chrono::Utc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use tracing::{Instrument, error, info, warn};

/// What one pass of the sender did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SendReport {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
    /// The server refused our credentials (the pass stopped there).
    pub credentials_refused: bool,
    /// Held over the per-recipient limit (and reported).
    pub held: usize,
}

/// Builds the administrators' report about an email held over the limit:
/// (the held email, the address over the limit, the limit).
pub type HeldReport = dyn Fn(&OutboxRecord, &str, u32) -> Option<Outgoing> + Send + Sync;

/// At most `per_hour` emails to one address in any hour; `exempt`
/// addresses (ours, the administrators') are never limited.
#[derive(Clone)]
pub struct RecipientLimit {
    pub per_hour: u32,
    pub exempt: Vec<String>,
    pub report: std::sync::Arc<HeldReport>,
}

impl std::fmt::Debug for RecipientLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecipientLimit")
            .field("per_hour", &self.per_hour)
            .field("exempt", &self.exempt)
            .finish_non_exhaustive()
    }
}

impl RecipientLimit {
    /// The addresses of an email that the limit applies to.
    pub fn limited<'a>(&self, recipients: &'a [String]) -> Vec<&'a str> {
        recipients
            .iter()
            .filter(|r| !self.exempt.iter().any(|e| e.eq_ignore_ascii_case(r)))
            .map(String::as_str)
            .collect()
    }
}

/// Consecutive passes refused at sign-in, for their backoff.
static CREDENTIAL_FAILURES: AtomicU32 = AtomicU32::new(0);

/// Retry settings.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base: Duration,
    /// How long a claim on a row lasts. A sender killed mid-send leaves its
    /// row claimed until then; a send is abandoned (and retried) after half
    /// of it, so no live sender's claim ever expires under it.
    pub lease: Duration,
    /// Our own address, sent a copy of every email: a copy that comes back
    /// into the mailbox proves the server accepted the email.
    pub copy_to: Option<String>,
    /// How long an interrupted send waits for its copy before it is sent again.
    pub copy_wait: Duration,
    /// The per-recipient limit (`outbox.max_per_recipient_per_hour`); `None`: none.
    pub limit: Option<RecipientLimit>,
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
) -> Result<SendReport, StoreError> {
    let mut report = SendReport::default();
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
            send_one(store, transport, sender, &policy, &row, &mut report)
                .instrument(span)
                .await?;
            if report.credentials_refused {
                // Every other email would be refused the same way.
                return Ok(report);
            }
        }
    }
}

/// Sends one claimed row and records the outcome.
async fn send_one(
    store: &Store,
    transport: &Transport,
    sender: &str,
    policy: &RetryPolicy,
    row: &OutboxRecord,
    report: &mut SendReport,
) -> Result<(), StoreError> {
    if row.interrupted_at.is_some() && !interrupted_send_is_due(store, row, policy).await? {
        return Ok(());
    }
    if let Some(limit) = &policy.limit
        && over_limit(store, row, limit).await?
    {
        report.held += 1;
        return Ok(());
    }
    let mut recipients = row.recipients.clone();
    if let Some(copy) = &policy.copy_to
        && !recipients.iter().any(|r| r.eq_ignore_ascii_case(copy))
    {
        recipients.push(copy.clone());
    }
    let sent = tokio::time::timeout(
        policy.lease / 2,
        transport.send(sender, &recipients, &row.raw, &row.message_id),
    )
    .await
    .unwrap_or_else(|_| Err(SendError::Transient("sending took too long".into())));
    match sent {
        Ok(()) => {
            store.mark_sent(row.id, Utc::now()).await?;
            info!("email sent");
            CREDENTIAL_FAILURES.store(0, Ordering::Relaxed);
            report.sent += 1;
        }
        Err(SendError::Credentials(reason)) => {
            // Nothing counts against the email: it waits, with backoff.
            let failures = CREDENTIAL_FAILURES.fetch_add(1, Ordering::Relaxed);
            let delay = retry_delay(
                policy.base.max(Duration::from_secs(1)),
                Duration::from_secs(300),
                failures,
                rand::random(),
            );
            error!(error = %reason, retry_in_s = delay.as_secs_f32(), "cannot sign in to the SMTP server; emails wait in the outbox");
            let next = Utc::now()
                + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::minutes(5));
            store
                .postpone(row.id, next, &format!("cannot sign in: {reason}"))
                .await?;
            report.retrying += 1;
            report.credentials_refused = true;
        }
        Err(e) => {
            let attempts = u32::try_from(row.attempts)
                .unwrap_or(u32::MAX)
                .saturating_add(1);
            let permanent = matches!(e, SendError::Permanent(_) | SendError::Setup { .. });
            if permanent || attempts >= policy.max_attempts {
                // Logged once recorded: what the log says has happened has.
                store
                    .mark_attempt_failed(row.id, &e.to_string(), None)
                    .await?;
                error!(error = %e, attempts, "email could not be sent and will not be retried");
                report.failed += 1;
            } else {
                let delay = retry_delay(
                    policy.base,
                    Duration::from_secs(3600),
                    attempts - 1,
                    rand::random(),
                );
                let next = Utc::now()
                    + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::hours(1));
                store
                    .mark_attempt_failed(row.id, &e.to_string(), Some(next))
                    .await?;
                warn!(error = %e, attempts, retry_in_s = delay.as_secs(), "email not sent yet; will retry");
                report.retrying += 1;
            }
        }
    }
    Ok(())
}

/// Whether an address of this email already had its hour's worth; if so
/// the email is held and the administrators' report queued (together).
async fn over_limit(
    store: &Store,
    row: &OutboxRecord,
    limit: &RecipientLimit,
) -> Result<bool, StoreError> {
    let since = Utc::now() - chrono::Duration::hours(1);
    for address in limit.limited(&row.recipients) {
        let sent = store.sent_to_since(address, since, row.id).await?;
        if sent < i64::from(limit.per_hour) {
            continue;
        }
        let reason = format!(
            "held: {sent} emails were already sent or queued to {address} in the last hour (the limit is {})",
            limit.per_hour
        );
        // One report for a burst: its first held email says the rest follow.
        if store.held_to_since(address, since).await? > 0 {
            store.hold_outbox(row, &reason, None).await?;
            warn!(recipient = %address, sent, limit = limit.per_hour, "email held over the per-recipient limit; already reported in this burst");
            return Ok(true);
        }
        let report = (limit.report)(row, address, limit.per_hour);
        if report.is_none() {
            error!(recipient = %address, "cannot prepare the report about a held email");
        }
        store.hold_outbox(row, &reason, report.as_ref()).await?;
        warn!(recipient = %address, sent, limit = limit.per_hour, "email held over the per-recipient limit; the administrators are told");
        return Ok(true);
    }
    Ok(false)
}

/// A crash cut off an earlier send of this row, so the server may already
/// have the email. Its copy in the nominated mailbox settles it: sent (and
/// not sent again) when the copy came back; otherwise wait for the copy a
/// while, then send again. Returns whether to send now.
async fn interrupted_send_is_due(
    store: &Store,
    row: &OutboxRecord,
    policy: &RetryPolicy,
) -> Result<bool, StoreError> {
    if policy.copy_to.is_none() {
        return Ok(true);
    }
    if store.copy_received(&row.message_id).await? {
        store.mark_sent(row.id, Utc::now()).await?;
        info!("accepted by the server before a restart (its copy came back); not sent again");
        return Ok(false);
    }
    let since = row
        .interrupted_at
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc));
    let wait_until = since
        + chrono::Duration::from_std(policy.copy_wait).unwrap_or(chrono::Duration::minutes(2));
    if Utc::now() < wait_until {
        store.defer_interrupted(row.id, wait_until).await?;
        info!("a crash cut off its last send; waiting for its copy before sending again");
        return Ok(false);
    }
    warn!("a crash cut off its last send and no copy came back; sending again");
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_and_the_administrators_addresses_are_never_limited() {
        let limit = RecipientLimit {
            per_hour: 1,
            exempt: vec!["sponsor@icb.example".into(), "admins@icb.example".into()],
            report: std::sync::Arc::new(|_, _, _| None),
        };
        let to = vec![
            "Admins@ICB.example".to_string(),
            "home@care.example".to_string(),
            "sponsor@icb.example".to_string(),
        ];
        assert_eq!(limit.limited(&to), ["home@care.example"]);
        assert!(limit.limited(&to[..1]).is_empty());
    }
}
