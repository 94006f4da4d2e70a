//! What the web console keeps (issue 19): one-time sign-in links and
//! signed-in sessions, each found by the SHA-256 of its secret (the secret
//! itself is never stored), and the few lists its dashboard shows.

use super::messages::MessageStatus;
use super::outbox::OutboxStatus;
use super::{Store, StoreError, timestamp};
use chrono::{DateTime, Utc};
use sqlx::Row;

/// A signed-in session, as found by its id's digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub email: String,
    pub csrf_token: String,
    pub expires_at: String,
}

/// A message or an email that waits on the administrators (quarantined, held).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct WaitingItem {
    pub at: String,
    pub who: String,
    pub subject: String,
    pub note: Option<String>,
    pub case_id: Option<i64>,
}

impl Store {
    /// Keeps a new sign-in link for `email`, valid until `expires`.
    pub async fn insert_sign_in_link(
        &self,
        token_sha256: &str,
        email: &str,
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        // Links past their time are of no use to anyone: cleared on the way.
        sqlx::query("DELETE FROM web_sign_in_links WHERE expires_at <= $1")
            .bind(timestamp(now))
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO web_sign_in_links (token_sha256, email, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_sha256)
        .bind(email)
        .bind(timestamp(now))
        .bind(timestamp(expires))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Uses a sign-in link: the email it was made for, when it exists, has
    /// not expired and was not used before. One statement, so a link opened
    /// twice at once signs in only once.
    pub async fn use_sign_in_link(
        &self,
        token_sha256: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(
            "UPDATE web_sign_in_links SET used_at = $1
             WHERE token_sha256 = $2 AND used_at IS NULL AND expires_at > $1 RETURNING email",
        )
        .bind(timestamp(now))
        .bind(token_sha256)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// Opens a session; expired sessions are cleared on the way.
    pub async fn create_session(
        &self,
        id_sha256: &str,
        email: &str,
        csrf_token: &str,
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = timestamp(now);
        sqlx::query("DELETE FROM web_sessions WHERE expires_at <= $1")
            .bind(&now)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO web_sessions (id_sha256, email, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id_sha256)
        .bind(email)
        .bind(csrf_token)
        .bind(&now)
        .bind(timestamp(expires))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The live session with this id digest, if any.
    pub async fn session(
        &self,
        id_sha256: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT email, csrf_token, expires_at FROM web_sessions WHERE id_sha256 = $1 AND expires_at > $2",
        )
        .bind(id_sha256)
        .bind(timestamp(now))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(SessionRecord {
                email: r.try_get("email")?,
                csrf_token: r.try_get("csrf_token")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    /// Signs a session out.
    pub async fn delete_session(&self, id_sha256: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM web_sessions WHERE id_sha256 = $1")
            .bind(id_sha256)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// How many cases are in each state.
    pub async fn case_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM cases GROUP BY state")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("state")?, r.try_get("n")?)))
            .collect()
    }

    /// Incoming messages with this status, newest first (at most `limit`).
    pub async fn messages_in_status(
        &self,
        status: MessageStatus,
        limit: i64,
    ) -> Result<Vec<WaitingItem>, StoreError> {
        self.waiting(
            "SELECT received_at AS at, COALESCE(from_addr, '') AS who,
                    COALESCE(subject, '') AS subject, note, case_id FROM messages
             WHERE status = $1 ORDER BY id DESC LIMIT $2",
            status.as_str(),
            limit,
        )
        .await
    }

    /// Outgoing emails with this status, newest first (at most `limit`).
    pub async fn outbox_in_status(
        &self,
        status: OutboxStatus,
        limit: i64,
    ) -> Result<Vec<WaitingItem>, StoreError> {
        self.waiting(
            "SELECT created_at AS at, recipients AS who, subject,
                    last_error AS note, case_id FROM outbox
             WHERE status = $1 ORDER BY id DESC LIMIT $2",
            status.as_str(),
            limit,
        )
        .await
    }

    /// The rows of a listing query that names its columns `at`, `who`,
    /// `subject`, `note` and `case_id`.
    async fn waiting(
        &self,
        sql: &'static str,
        status: &str,
        limit: i64,
    ) -> Result<Vec<WaitingItem>, StoreError> {
        let rows = sqlx::query(sql)
            .bind(status)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(WaitingItem {
                    at: r.try_get("at")?,
                    // Several recipients are stored comma-separated.
                    who: r.try_get::<String, _>("who")?.replace(',', ", "),
                    subject: r.try_get("subject")?,
                    note: r.try_get("note")?,
                    case_id: r.try_get("case_id")?,
                })
            })
            .collect()
    }
}
