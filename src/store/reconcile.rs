//! What `reconcile` compares with the mailbox: every incoming message and
//! every outbox row, without their bodies.

use super::{Store, StoreError};
use sqlx::Row;

/// An incoming message as `reconcile` sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageBrief {
    pub id: i64,
    pub sha256: String,
    pub source_key: Option<String>,
    pub message_id: Option<String>,
    pub case_id: Option<i64>,
    pub kind: String,
    pub status: String,
    /// The first message of its case (the one that opened it).
    pub opened_case: bool,
}

/// An outbox row as `reconcile` sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxBrief {
    pub id: i64,
    pub case_id: Option<i64>,
    pub message_id: String,
    pub purpose: String,
    pub recipients: String,
    pub status: String,
    pub last_error: Option<String>,
}

impl Store {
    /// Every incoming message, oldest first.
    pub async fn message_briefs(&self) -> Result<Vec<MessageBrief>, StoreError> {
        let rows = sqlx::query(
            "SELECT m.id, m.sha256, m.source_key, m.message_id, m.case_id, m.kind, m.status,
                    CASE WHEN m.case_id IS NOT NULL AND m.id =
                         (SELECT MIN(f.id) FROM messages f WHERE f.case_id = m.case_id)
                         THEN 1 ELSE 0 END AS opened
             FROM messages m ORDER BY m.id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let opened: i64 = r.try_get("opened")?;
                Ok(MessageBrief {
                    id: r.try_get("id")?,
                    sha256: r.try_get("sha256")?,
                    source_key: r.try_get("source_key")?,
                    message_id: r.try_get("message_id")?,
                    case_id: r.try_get("case_id")?,
                    kind: r.try_get("kind")?,
                    status: r.try_get("status")?,
                    opened_case: opened == 1,
                })
            })
            .collect()
    }

    /// Every outbox row, oldest first.
    pub async fn outbox_briefs(&self) -> Result<Vec<OutboxBrief>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, case_id, message_id, purpose, recipients, status, last_error
             FROM outbox ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(OutboxBrief {
                    id: r.try_get("id")?,
                    case_id: r.try_get("case_id")?,
                    message_id: r.try_get("message_id")?,
                    purpose: r.try_get("purpose")?,
                    recipients: r.try_get("recipients")?,
                    status: r.try_get("status")?,
                    last_error: r.try_get("last_error")?,
                })
            })
            .collect()
    }
}
