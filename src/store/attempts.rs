//! Read attempts: a marker committed before a message is handed to a
//! reader process, removed in the transaction that records the message's
//! outcome (`messages::insert`), or when taking it in failed for another
//! reason. A marker that outlives its reading means the daemon died during
//! it; after a few, the message is quarantined instead of read again
//! (issue 16).

use super::{Store, StoreError, timestamp};
use chrono::{DateTime, Utc};
use sqlx::Row;

impl Store {
    /// Records that a reading of the message `sha256` starts now; returns
    /// how many earlier readings of it never finished.
    pub async fn begin_read(&self, sha256: &str, now: DateTime<Utc>) -> Result<u32, StoreError> {
        let row = sqlx::query(
            "INSERT INTO read_attempts (sha256, attempts, first_at, last_at) VALUES ($1, 1, $2, $2)
             ON CONFLICT (sha256) DO UPDATE SET attempts = read_attempts.attempts + 1, last_at = $2
             RETURNING attempts",
        )
        .bind(sha256)
        .bind(timestamp(now))
        .fetch_one(&self.pool)
        .await?;
        let attempts: i64 = row.try_get(0)?;
        Ok(u32::try_from(attempts.saturating_sub(1)).unwrap_or(u32::MAX))
    }

    /// The earlier readings of `sha256` that never finished, without starting one.
    pub async fn unfinished_reads(&self, sha256: &str) -> Result<u32, StoreError> {
        let row = sqlx::query("SELECT attempts FROM read_attempts WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await?;
        let attempts: i64 = match row {
            Some(r) => r.try_get(0)?,
            None => 0,
        };
        Ok(u32::try_from(attempts).unwrap_or(u32::MAX))
    }

    /// The reading of `sha256` has ended, but no outcome was recorded (the
    /// message stays in the mailbox and is tried again).
    pub async fn end_read(&self, sha256: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM read_attempts WHERE sha256 = $1")
            .bind(sha256)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn unfinished_readings_are_counted_until_one_ends() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let s = Store::open(&url, 2).await.unwrap();
        let now = Utc::now();
        assert_eq!(s.unfinished_reads("abc").await.unwrap(), 0);
        assert_eq!(s.begin_read("abc", now).await.unwrap(), 0);
        assert_eq!(s.begin_read("abc", now).await.unwrap(), 1);
        assert_eq!(s.begin_read("abc", now).await.unwrap(), 2);
        assert_eq!(s.unfinished_reads("abc").await.unwrap(), 3);
        assert_eq!(s.begin_read("other", now).await.unwrap(), 0);
        s.end_read("abc").await.unwrap();
        assert_eq!(s.begin_read("abc", now).await.unwrap(), 0);
        assert_eq!(s.unfinished_reads("other").await.unwrap(), 1);
    }
}
