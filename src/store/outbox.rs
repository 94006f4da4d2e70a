//! The outbox: every email we send is written here, whole and with its
//! Message-ID fixed, in the same transaction as the change that causes it.
//! A sender claims due rows, sends them, and marks them sent; a crash in
//! between leaves the row to be claimed again, never lost.

use super::{Store, StoreError, timestamp};
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

/// An email to queue.
#[derive(Clone, Debug, PartialEq)]
pub struct Outgoing {
    /// Without angle brackets.
    pub message_id: String,
    /// What it is for: `receipt`, `quarantine report`, ...
    pub purpose: String,
    pub recipients: Vec<String>,
    pub subject: String,
    /// The whole RFC 5322 message, as it will be sent.
    pub raw: Vec<u8>,
    /// Recorded but never sent (a backlog taken in quietly).
    pub suppressed: bool,
}

/// Where an outbox row stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutboxStatus {
    Pending,
    Sent,
    Failed,
    Suppressed,
    /// Not sent: over `outbox.max_per_recipient_per_hour` (the administrators were told).
    Held,
}

impl OutboxStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "pending",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Failed => "failed",
            OutboxStatus::Suppressed => "suppressed",
            OutboxStatus::Held => "held",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [
            OutboxStatus::Pending,
            OutboxStatus::Sent,
            OutboxStatus::Failed,
            OutboxStatus::Suppressed,
            OutboxStatus::Held,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// A stored outbox row.
#[derive(Clone, Debug, PartialEq)]
pub struct OutboxRecord {
    pub id: i64,
    pub case_id: Option<i64>,
    pub message_id: String,
    pub purpose: String,
    pub recipients: Vec<String>,
    pub subject: String,
    pub raw: Vec<u8>,
    pub status: OutboxStatus,
    pub attempts: i64,
    pub next_attempt_at: String,
    pub last_error: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
    /// When a send was cut off by a crash, leaving its outcome unknown.
    pub interrupted_at: Option<String>,
}

const COLUMNS: &str = "id, case_id, message_id, purpose, recipients, subject, raw, status, attempts, next_attempt_at, last_error, created_at, sent_at, interrupted_at";

fn from_row(r: &AnyRow) -> Result<OutboxRecord, StoreError> {
    let status: String = r.try_get("status")?;
    let recipients: String = r.try_get("recipients")?;
    Ok(OutboxRecord {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        message_id: r.try_get("message_id")?,
        purpose: r.try_get("purpose")?,
        recipients: recipients
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        subject: r.try_get("subject")?,
        raw: r.try_get("raw")?,
        status: OutboxStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("outbox status {status:?}")))?,
        attempts: r.try_get("attempts")?,
        next_attempt_at: r.try_get("next_attempt_at")?,
        last_error: r.try_get("last_error")?,
        created_at: r.try_get("created_at")?,
        sent_at: r.try_get("sent_at")?,
        interrupted_at: r.try_get("interrupted_at")?,
    })
}

pub(super) async fn insert(
    tx: &mut sqlx::AnyConnection,
    case_id: Option<i64>,
    o: &Outgoing,
) -> Result<(), StoreError> {
    let now = timestamp(Utc::now());
    let status = if o.suppressed {
        OutboxStatus::Suppressed
    } else {
        OutboxStatus::Pending
    };
    sqlx::query(
        "INSERT INTO outbox (case_id, message_id, purpose, recipients, subject, raw, status, attempts, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $8)",
    )
    .bind(case_id)
    .bind(&o.message_id)
    .bind(&o.purpose)
    .bind(o.recipients.join(","))
    .bind(&o.subject)
    .bind(&o.raw)
    .bind(status.as_str())
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

impl Store {
    /// Claims up to `limit` due emails for `lease` so that no other sender
    /// takes them meanwhile; a claim that is never completed expires. One
    /// statement: on PostgreSQL the rows are picked `FOR UPDATE SKIP LOCKED`,
    /// so instances sharing the database each claim different emails without
    /// waiting on each other; SQLite has one writer at a time anyway.
    pub async fn claim_due_outbox(
        &self,
        now: DateTime<Utc>,
        lease: chrono::Duration,
        limit: i64,
    ) -> Result<Vec<OutboxRecord>, StoreError> {
        let lock = match self.backend {
            super::Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            super::Backend::Sqlite => "",
        };
        // A claim that expired means a send was cut off: its outcome is unknown.
        let sql = format!(
            "UPDATE outbox SET claimed_until = $1,
             interrupted_at = CASE WHEN claimed_until IS NULL THEN interrupted_at ELSE COALESCE(interrupted_at, claimed_until) END
             WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $2
                 AND (claimed_until IS NULL OR claimed_until <= $2) ORDER BY id LIMIT $3{lock})
             RETURNING {COLUMNS}"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(timestamp(now + lease))
            .bind(timestamp(now))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        let mut claimed = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
        claimed.sort_by_key(|r| r.id);
        Ok(claimed)
    }

    pub async fn outbox_by_id(&self, id: i64) -> Result<Option<OutboxRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM outbox WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    pub async fn mark_sent(&self, id: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("UPDATE outbox SET status = 'sent', sent_at = $1, claimed_until = NULL, attempts = attempts + 1, last_error = NULL WHERE id = $2")
            .bind(timestamp(at))
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Whether a copy of our email with this Message-ID came back into the
    /// nominated mailbox: proof that the server accepted it.
    pub async fn copy_received(&self, message_id: &str) -> Result<bool, StoreError> {
        Ok(self.received_at_for_message_id(message_id).await?.is_some())
    }

    /// Puts off an interrupted send until `until`, to give its copy time to arrive.
    pub async fn defer_interrupted(&self, id: i64, until: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("UPDATE outbox SET next_attempt_at = $1, claimed_until = NULL WHERE id = $2")
            .bind(timestamp(until))
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Puts a send off until `until` without counting an attempt (our
    /// credentials were refused: the email is not at fault).
    pub async fn postpone(
        &self,
        id: i64,
        until: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET next_attempt_at = $1, last_error = $2, claimed_until = NULL WHERE id = $3",
        )
        .bind(timestamp(until))
        .bind(error)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a failed attempt: retried at `next`, or failed for good.
    pub async fn mark_attempt_failed(
        &self,
        id: i64,
        error: &str,
        next: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let (status, next_at) = match next {
            Some(t) => ("pending", timestamp(t)),
            None => ("failed", timestamp(Utc::now())),
        };
        sqlx::query(
            "UPDATE outbox SET status = $1, next_attempt_at = $2, last_error = $3, attempts = attempts + 1, claimed_until = NULL WHERE id = $4",
        )
        .bind(status)
        .bind(next_at)
        .bind(error)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// How many emails to `address` count against an email (`row_id`) under
    /// the per-recipient limit: those sent since `since`, and those queued
    /// before it (a lower id) and not yet sent. Counting the queued ones
    /// makes the answer the same whichever of several senders asks first:
    /// the earlier email goes, the later one is held.
    pub async fn sent_to_since(
        &self,
        address: &str,
        since: DateTime<Utc>,
        row_id: i64,
    ) -> Result<i64, StoreError> {
        // Recipients are stored comma-separated; LOWER for PostgreSQL's case-sensitive LIKE.
        let pattern = format!("%,{},%", address.to_lowercase());
        Ok(sqlx::query(
            "SELECT COUNT(*) FROM outbox WHERE LOWER(',' || recipients || ',') LIKE $2
             AND ((status = 'sent' AND sent_at >= $1) OR (status = 'pending' AND id < $3))",
        )
        .bind(timestamp(since))
        .bind(pattern)
        .bind(row_id)
        .fetch_one(&self.pool)
        .await?
        .try_get(0)?)
    }

    /// Emails to `address` written since `since` and already held over the
    /// limit: a burst is reported once, at its first held email.
    pub async fn held_to_since(
        &self,
        address: &str,
        since: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let pattern = format!("%,{},%", address.to_lowercase());
        Ok(sqlx::query(
            "SELECT COUNT(*) FROM outbox WHERE status = 'held' AND created_at >= $1
             AND LOWER(',' || recipients || ',') LIKE $2",
        )
        .bind(timestamp(since))
        .bind(pattern)
        .fetch_one(&self.pool)
        .await?
        .try_get(0)?)
    }

    /// Holds an email instead of sending it, and queues the report about it,
    /// in one transaction.
    pub async fn hold_outbox(
        &self,
        row: &OutboxRecord,
        reason: &str,
        report: Option<&Outgoing>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE outbox SET status = 'held', last_error = $1, claimed_until = NULL WHERE id = $2",
        )
        .bind(reason)
        .bind(row.id)
        .execute(&mut *tx)
        .await?;
        if let Some(report) = report {
            insert(&mut tx, row.case_id, report).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A case's emails, oldest first.
    pub async fn outbox_for_case(&self, case_id: i64) -> Result<Vec<OutboxRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM outbox WHERE case_id = $1 ORDER BY id");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(case_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// How many emails wait to be sent.
    pub async fn pending_outbox_count(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
                .fetch_one(&self.pool)
                .await?
                .try_get(0)?,
        )
    }
}
