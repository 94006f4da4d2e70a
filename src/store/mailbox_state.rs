//! Per-mailbox bookkeeping: the UIDVALIDITY seen and where the backlog ends.

use super::{Store, StoreError};
use sqlx::Row;

/// What we know of one mailbox folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailboxState {
    pub mailbox: String,
    pub uid_validity: i64,
    /// Messages with a UID below this were there before we first looked.
    pub baseline_uid: i64,
    pub first_seen_at: String,
}

impl Store {
    pub async fn mailbox_state(&self, mailbox: &str) -> Result<Option<MailboxState>, StoreError> {
        let row = sqlx::query("SELECT mailbox, uid_validity, baseline_uid, first_seen_at FROM mailbox_state WHERE mailbox = $1")
            .bind(mailbox)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(MailboxState {
                mailbox: r.try_get(0)?,
                uid_validity: r.try_get(1)?,
                baseline_uid: r.try_get(2)?,
                first_seen_at: r.try_get(3)?,
            })
        })
        .transpose()
    }

    pub async fn save_mailbox_state(&self, s: &MailboxState) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO mailbox_state (mailbox, uid_validity, baseline_uid, first_seen_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (mailbox) DO UPDATE SET uid_validity = $2, baseline_uid = $3",
        )
        .bind(&s.mailbox)
        .bind(s.uid_validity)
        .bind(s.baseline_uid)
        .bind(&s.first_seen_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
