//! The intake lease: when several instances share one database, only the
//! holder of a mailbox's lease takes mail in from it. The holder renews it
//! every few seconds; a lease that was not renewed in time (the holder died
//! or lost the database) is taken over by the next instance that asks.
//!
//! Safety does not rest on the lease alone: a message taken in twice is
//! still recognised by its digest (`messages.sha256` is unique). The lease
//! keeps instances from racing each other over the same folder.

use super::{Store, StoreError, timestamp};
use chrono::{DateTime, Duration, Utc};
use sqlx::Row;

/// Who holds a mailbox's intake lease, and until when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaseHolder {
    pub holder: String,
    pub acquired_at: String,
    pub expires_at: String,
}

impl Store {
    /// Takes or renews the intake lease of `mailbox` for `holder` until
    /// `now + ttl`. True when `holder` holds it now: it was free, expired, or
    /// already ours. One statement, so two instances asking at once cannot
    /// both win.
    pub async fn acquire_intake_lease(
        &self,
        mailbox: &str,
        holder: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO intake_leases (mailbox, holder, acquired_at, expires_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (mailbox) DO UPDATE SET
                acquired_at = CASE WHEN intake_leases.holder = $2 THEN intake_leases.acquired_at ELSE $3 END,
                holder = $2,
                expires_at = $4
             WHERE intake_leases.holder = $2 OR intake_leases.expires_at <= $3",
        )
        .bind(mailbox)
        .bind(holder)
        .bind(timestamp(now))
        .bind(timestamp(now + ttl))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives the lease up (at shutdown), so that another instance takes
    /// over at once instead of waiting for it to expire.
    pub async fn release_intake_lease(
        &self,
        mailbox: &str,
        holder: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM intake_leases WHERE mailbox = $1 AND holder = $2")
            .bind(mailbox)
            .bind(holder)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The lease of `mailbox` as stored (possibly expired).
    pub async fn intake_lease(&self, mailbox: &str) -> Result<Option<LeaseHolder>, StoreError> {
        let row = sqlx::query(
            "SELECT holder, acquired_at, expires_at FROM intake_leases WHERE mailbox = $1",
        )
        .bind(mailbox)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(LeaseHolder {
                holder: r.try_get("holder")?,
                acquired_at: r.try_get("acquired_at")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store(dir: &tempfile::TempDir) -> Store {
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        Store::open(&url, 2).await.unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[tokio::test]
    async fn one_holder_at_a_time_and_takeover_after_expiry() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir).await;
        let ttl = Duration::seconds(10);
        let t0 = at("2026-12-21T09:00:00Z");
        assert!(s.acquire_intake_lease("mb", "a", t0, ttl).await.unwrap());
        // b cannot take a live lease; a renews it.
        assert!(
            !s.acquire_intake_lease("mb", "b", t0 + Duration::seconds(3), ttl)
                .await
                .unwrap()
        );
        assert!(
            s.acquire_intake_lease("mb", "a", t0 + Duration::seconds(5), ttl)
                .await
                .unwrap()
        );
        assert!(
            !s.acquire_intake_lease("mb", "b", t0 + Duration::seconds(14), ttl)
                .await
                .unwrap()
        );
        let held = s.intake_lease("mb").await.unwrap().unwrap();
        assert_eq!(held.holder, "a");
        assert_eq!(held.acquired_at, "2026-12-21T09:00:00.000Z");
        assert_eq!(held.expires_at, "2026-12-21T09:00:15.000Z");
        // a stops renewing: once expired, b takes it over, and a has lost it.
        assert!(
            s.acquire_intake_lease("mb", "b", t0 + Duration::seconds(15), ttl)
                .await
                .unwrap()
        );
        assert!(
            !s.acquire_intake_lease("mb", "a", t0 + Duration::seconds(16), ttl)
                .await
                .unwrap()
        );
        let held = s.intake_lease("mb").await.unwrap().unwrap();
        assert_eq!(held.holder, "b");
        assert_eq!(held.acquired_at, "2026-12-21T09:00:15.000Z");
        // Another mailbox is another lease.
        assert!(s.acquire_intake_lease("other", "a", t0, ttl).await.unwrap());
        // Released: free at once, and releasing someone else's lease does nothing.
        s.release_intake_lease("mb", "a").await.unwrap();
        assert_eq!(s.intake_lease("mb").await.unwrap().unwrap().holder, "b");
        s.release_intake_lease("mb", "b").await.unwrap();
        assert!(s.intake_lease("mb").await.unwrap().is_none());
        assert!(
            s.acquire_intake_lease("mb", "a", t0 + Duration::seconds(16), ttl)
                .await
                .unwrap()
        );
    }
}
