//! Incoming messages: each one recorded once (by the SHA-256 of its bytes),
//! with its outcome and the case it belongs to.

use super::{Store, StoreError};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

/// What became of an incoming message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageStatus {
    /// Taken in: it opened or joined a case.
    Processed,
    /// Recorded and deliberately not answered (auto-reply, bounce, our own, backlog, other).
    Ignored,
    /// Could not be processed; moved aside and reported.
    Quarantined,
}

impl MessageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Processed => "processed",
            MessageStatus::Ignored => "ignored",
            MessageStatus::Quarantined => "quarantined",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "processed" => Some(MessageStatus::Processed),
            "ignored" => Some(MessageStatus::Ignored),
            "quarantined" => Some(MessageStatus::Quarantined),
            _ => None,
        }
    }
}

/// An incoming message to record.
#[derive(Clone, Debug, PartialEq)]
pub struct IncomingMessage {
    pub sha256: String,
    /// Where it was found (`imap:<mailbox>:<uidvalidity>:<uid>` or a Maildir name).
    pub source_key: Option<String>,
    pub message_id: Option<String>,
    pub from_addr: Option<String>,
    pub subject: Option<String>,
    /// `application`, `auto_reply`, `bounce`, `other`, or `unreadable`.
    pub kind: String,
    pub status: MessageStatus,
    pub raw_path: String,
    pub parse_json: Option<String>,
    /// Why it was ignored or quarantined, for people.
    pub note: Option<String>,
    pub received_at: String,
}

/// A recorded incoming message.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageRecord {
    pub id: i64,
    pub sha256: String,
    pub source_key: Option<String>,
    pub message_id: Option<String>,
    pub case_id: Option<i64>,
    pub from_addr: Option<String>,
    pub subject: Option<String>,
    pub kind: String,
    pub status: MessageStatus,
    pub raw_path: String,
    pub parse_json: Option<String>,
    pub note: Option<String>,
    pub received_at: String,
}

const COLUMNS: &str = "id, sha256, source_key, message_id, case_id, from_addr, subject, kind, status, raw_path, parse_json, note, received_at";

fn from_row(row: &AnyRow) -> Result<MessageRecord, StoreError> {
    let status: String = row.try_get("status")?;
    Ok(MessageRecord {
        id: row.try_get("id")?,
        sha256: row.try_get("sha256")?,
        source_key: row.try_get("source_key")?,
        message_id: row.try_get("message_id")?,
        case_id: row.try_get("case_id")?,
        from_addr: row.try_get("from_addr")?,
        subject: row.try_get("subject")?,
        kind: row.try_get("kind")?,
        status: MessageStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("message status {status:?}")))?,
        raw_path: row.try_get("raw_path")?,
        parse_json: row.try_get("parse_json")?,
        note: row.try_get("note")?,
        received_at: row.try_get("received_at")?,
    })
}

/// Inserts a message inside a transaction; returns its id.
pub(super) async fn insert(
    tx: &mut sqlx::AnyConnection,
    m: &IncomingMessage,
    case_id: Option<i64>,
) -> Result<i64, StoreError> {
    let row = sqlx::query(
        "INSERT INTO messages (sha256, source_key, message_id, case_id, from_addr, subject, kind, status, raw_path, parse_json, note, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(&m.sha256)
    .bind(&m.source_key)
    .bind(&m.message_id)
    .bind(case_id)
    .bind(&m.from_addr)
    .bind(&m.subject)
    .bind(&m.kind)
    .bind(m.status.as_str())
    .bind(&m.raw_path)
    .bind(&m.parse_json)
    .bind(&m.note)
    .bind(&m.received_at)
    .fetch_one(&mut *tx)
    .await?;
    // Its reading, if any, ended with this outcome (see `attempts`).
    sqlx::query("DELETE FROM read_attempts WHERE sha256 = $1")
        .bind(&m.sha256)
        .execute(&mut *tx)
        .await?;
    Ok(row.try_get(0)?)
}

impl Store {
    /// The message with these bytes, if it was taken in before.
    pub async fn message_by_sha256(
        &self,
        sha256: &str,
    ) -> Result<Option<MessageRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM messages WHERE sha256 = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The message found at this place in the mailbox, if it was taken in before.
    pub async fn message_by_source_key(
        &self,
        key: &str,
    ) -> Result<Option<MessageRecord>, StoreError> {
        let sql =
            format!("SELECT {COLUMNS} FROM messages WHERE source_key = $1 ORDER BY id LIMIT 1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Every message of a case, oldest first.
    pub async fn messages_for_case(&self, case_id: i64) -> Result<Vec<MessageRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM messages WHERE case_id = $1 ORDER BY id");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(case_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// Records a message that belongs to no case (or to an existing one), with
    /// the emails it causes, in one transaction. Returns the message id.
    pub async fn record_message(
        &self,
        message: &IncomingMessage,
        case_id: Option<i64>,
        event: Option<super::history::NewEvent>,
        outgoing: &[super::Outgoing],
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id = insert(&mut tx, message, case_id).await?;
        if let (Some(case_id), Some(event)) = (case_id, event) {
            super::history::append(&mut tx, case_id, &event).await?;
        }
        for o in outgoing {
            super::outbox::insert(&mut tx, case_id, o).await?;
        }
        tx.commit().await?;
        Ok(id)
    }
}
