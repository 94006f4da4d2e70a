//! Case history: append-only events, each chained to the one before it by a
//! SHA-256 hash, so that any later change to a record shows.

use super::{Store, StoreError};
use sha2::{Digest, Sha256};
use sqlx::Row;

/// An event to append.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEvent {
    pub at: String,
    /// Who or what caused it: `daemon`, `care home <address>`, `admin <address>`, `cli <user>`.
    pub actor: String,
    /// A short name: `opened`, `receipt queued`, ...
    pub event: String,
    /// JSON with the details.
    pub detail: String,
}

/// A stored event.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRecord {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub event: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an event given the hash before it.
pub fn chain_hash(prev: &str, case_id: i64, e: &NewEvent) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        &case_id.to_string(),
        &e.at,
        &e.actor,
        &e.event,
        &e.detail,
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize())
}

pub(super) async fn append(
    tx: &mut sqlx::AnyConnection,
    case_id: i64,
    e: &NewEvent,
) -> Result<(), StoreError> {
    let prev: Option<String> =
        sqlx::query("SELECT hash FROM case_events WHERE case_id = $1 ORDER BY id DESC LIMIT 1")
            .bind(case_id)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
    let prev = prev.unwrap_or_default();
    let hash = chain_hash(&prev, case_id, e);
    sqlx::query(
        "INSERT INTO case_events (case_id, at, actor, event, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(case_id)
    .bind(&e.at)
    .bind(&e.actor)
    .bind(&e.event)
    .bind(&e.detail)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

impl Store {
    /// A case's events, oldest first.
    pub async fn events_for_case(&self, case_id: i64) -> Result<Vec<EventRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, actor, event, detail, prev_hash, hash FROM case_events WHERE case_id = $1 ORDER BY id",
        )
        .bind(case_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(EventRecord {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    event: r.try_get("event")?,
                    detail: r.try_get("detail")?,
                    prev_hash: r.try_get("prev_hash")?,
                    hash: r.try_get("hash")?,
                })
            })
            .collect()
    }
}

/// Checks a case's chain; returns the id of the first event that does not fit.
pub fn verify_chain(case_id: i64, events: &[EventRecord]) -> Result<(), i64> {
    let mut prev = String::new();
    for e in events {
        let expected = chain_hash(
            &prev,
            case_id,
            &NewEvent {
                at: e.at.clone(),
                actor: e.actor.clone(),
                event: e.event.clone(),
                detail: e.detail.clone(),
            },
        );
        if e.prev_hash != prev || e.hash != expected {
            return Err(e.id);
        }
        prev = e.hash.clone();
    }
    Ok(())
}
