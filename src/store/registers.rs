//! The per-day cache of register answers (issue 7). An answer (found, with
//! its body, or not found) is kept for the day it was fetched; a register
//! that could not be reached is never cached, so it is asked again.

use super::{Store, StoreError};
use sqlx::Row;

/// A cached register answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedAnswer {
    /// False when the register said it does not know the key (HTTP 404).
    pub found: bool,
    /// The register's JSON body (empty when not found).
    pub body: String,
}

impl Store {
    /// Today's answer of `register` for `key`, if it was fetched today.
    pub async fn cached_register_answer(
        &self,
        register: &str,
        key: &str,
        day: &str,
    ) -> Result<Option<CachedAnswer>, StoreError> {
        let row = sqlx::query(
            "SELECT found, body FROM register_cache WHERE register = $1 AND key = $2 AND day = $3",
        )
        .bind(register)
        .bind(key)
        .bind(day)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(CachedAnswer {
                found: r.try_get::<i64, _>("found")? != 0,
                body: r.try_get("body")?,
            })
        })
        .transpose()
    }

    /// Keeps an answer for the day; a second writer on the same day is ignored.
    pub async fn cache_register_answer(
        &self,
        register: &str,
        key: &str,
        day: &str,
        answer: &CachedAnswer,
        now: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO register_cache (register, key, day, found, body, fetched_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (register, key, day) DO NOTHING",
        )
        .bind(register)
        .bind(key)
        .bind(day)
        .bind(i64::from(answer.found))
        .bind(&answer.body)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Drops answers from before `day` (they are never read again).
    pub async fn prune_register_cache(&self, day: &str) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM register_cache WHERE day < $1")
            .bind(day)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn answers_are_kept_for_their_day_only() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store = Store::open(&url, 1).await.unwrap();
        let now = "2026-11-24T09:00:00.000Z";
        let found = CachedAnswer {
            found: true,
            body: r#"{"locationId":"1-1"}"#.into(),
        };
        store
            .cache_register_answer("cqc", "locations/1-1", "2026-11-23", &found, now)
            .await
            .unwrap();
        let gone = CachedAnswer {
            found: false,
            body: String::new(),
        };
        store
            .cache_register_answer("cqc", "locations/1-2", "2026-11-24", &gone, now)
            .await
            .unwrap();
        // A second writer the same day changes nothing.
        store
            .cache_register_answer("cqc", "locations/1-2", "2026-11-24", &found, now)
            .await
            .unwrap();
        let get = |k: &'static str, d: &'static str| {
            let s = store.clone();
            async move { s.cached_register_answer("cqc", k, d).await.unwrap() }
        };
        assert_eq!(get("locations/1-1", "2026-11-23").await, Some(found));
        assert_eq!(get("locations/1-1", "2026-11-24").await, None);
        assert_eq!(get("locations/1-2", "2026-11-24").await, Some(gone));
        assert_eq!(store.prune_register_cache("2026-11-24").await.unwrap(), 1);
        assert_eq!(get("locations/1-1", "2026-11-23").await, None);
    }
}
