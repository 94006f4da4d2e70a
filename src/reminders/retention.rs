//! Retention: the raw messages (with their attachments) of cases closed
//! (rejected, registered, lapsed) more than `retention_days` ago are deleted
//! from the state directory; they hold personal data. The case record, its
//! history and the message rows stay for the audit, and the deletion is
//! recorded as a case event and in `messages.raw_deleted_at`.

use super::{JobError, Period, parse_time};
use crate::app::App;
use crate::store::{NewEvent, RetainedMessage, timestamp};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::path::{Component, Path};
use tracing::{info, warn};

/// A case closed at `closed_at` has its raw messages deleted once this is true.
pub fn expired(closed_at: Option<&str>, now: DateTime<Utc>, retention_days: u32) -> bool {
    closed_at
        .and_then(parse_time)
        .is_some_and(|c| now - c > chrono::Duration::days(i64::from(retention_days)))
}

/// A stored raw path is only followed if it stays inside the state directory.
pub fn safe_relative(raw_path: &str) -> bool {
    let p = Path::new(raw_path);
    !raw_path.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)))
}

pub async fn run(app: &App, _period: &Period) -> Result<String, JobError> {
    let now = app.clock.now();
    let days = app.config.jobs.retention.retention_days;
    let mut by_case: BTreeMap<i64, Vec<RetainedMessage>> = BTreeMap::new();
    for m in app.store.retained_messages().await? {
        if expired(m.closed_at.as_deref(), now, days) {
            by_case.entry(m.case_id).or_default().push(m);
        }
    }
    let (mut cases, mut files, mut failed) = (0, 0, 0);
    for (case_id, messages) in by_case {
        let mut deleted = Vec::new();
        let mut paths = Vec::new();
        for m in &messages {
            if !safe_relative(&m.raw_path) {
                warn!(message.id = m.message_id, raw_path = %m.raw_path, "raw path outside the state directory; not deleted");
                failed += 1;
                continue;
            }
            let path = app.state_dir.join(&m.raw_path);
            match tokio::fs::remove_file(&path).await {
                Ok(()) => {}
                // Already gone (an earlier run died before recording it): record it now.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    warn!(path = %path.display(), error = %e, "raw message could not be deleted");
                    failed += 1;
                    continue;
                }
            }
            deleted.push(m.message_id);
            paths.push(m.raw_path.clone());
        }
        if deleted.is_empty() {
            continue;
        }
        let first = &messages[0];
        let event = NewEvent {
            at: timestamp(now),
            actor: "daemon".into(),
            event: "raw messages deleted".into(),
            detail: serde_json::json!({
                "reason": "retention",
                "retention_days": days,
                "state": first.state,
                "closed_at": first.closed_at,
                "messages": deleted,
                "files": paths,
            })
            .to_string(),
        };
        app.store
            .mark_raw_deleted(case_id, &deleted, &event)
            .await?;
        info!(case.reference = %first.reference, files = deleted.len(), "raw messages deleted (retention)");
        cases += 1;
        files += deleted.len();
    }
    Ok(format!(
        "{files} raw message(s) of {cases} closed case(s) deleted{}",
        if failed > 0 {
            format!("; {failed} could not be deleted (see the log)")
        } else {
            String::new()
        }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn expires_only_after_the_retention_period() {
        let now = at("2027-12-21T02:15:00Z");
        assert!(!expired(Some("2026-12-21T10:00:00.000Z"), now, 365));
        assert!(expired(Some("2026-12-20T10:00:00.000Z"), now, 365));
        assert!(!expired(None, now, 1));
        assert!(!expired(Some("garbage"), now, 1));
    }

    #[test]
    fn only_paths_inside_the_state_directory() {
        assert!(safe_relative("messages/ab/abcdef.eml"));
        assert!(!safe_relative("../etc/passwd"));
        assert!(!safe_relative("/etc/passwd"));
        assert!(!safe_relative("messages/../../x"));
        assert!(!safe_relative(""));
    }
}
