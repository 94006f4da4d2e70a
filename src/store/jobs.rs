//! What the scheduled jobs keep: which job ran for which period, which
//! reminders went out, the canaries, and the queries the jobs read.
//! Every reminder is written with its emails and history in one transaction,
//! and the UNIQUE keys make a second writer fail instead of sending twice.

use super::cases::{COLUMNS, from_row};
use super::history::{self, NewEvent};
use super::outbox::{self, Outgoing};
use super::{CaseRecord, Store, StoreError};
use sqlx::{AssertSqlSafe, Row};

/// One run of a job.
#[derive(Clone, Debug, PartialEq)]
pub struct JobRun {
    pub job: String,
    pub period: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub outcome: Option<String>,
}

/// A reminder already sent.
#[derive(Clone, Debug, PartialEq)]
pub struct ReminderRecord {
    pub case_id: i64,
    pub kind: String,
    pub period: String,
    pub sent_at: String,
    pub message_id: String,
}

/// A test email sent to our own mailbox.
#[derive(Clone, Debug, PartialEq)]
pub struct CanaryRecord {
    pub token: String,
    pub message_id: String,
    pub sent_at: String,
    pub deadline: String,
    pub seen_at: Option<String>,
    pub alerted_at: Option<String>,
}

/// A raw message of a closed case that is still on disk.
#[derive(Clone, Debug, PartialEq)]
pub struct RetainedMessage {
    pub case_id: i64,
    pub reference: String,
    pub state: String,
    /// When the case closed: decided (rejected), registered, or lapsed.
    pub closed_at: Option<String>,
    pub message_id: i64,
    pub raw_path: String,
}

/// A case the overdue digest lists, with its history event.
#[derive(Clone, Debug, PartialEq)]
pub struct DigestEntry {
    pub case_id: i64,
    pub event: NewEvent,
}

/// The numbers of the weekly summary.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct SummaryCounts {
    pub received: i64,
    pub completed: i64,
    pub awaiting_information: i64,
    pub awaiting_decision: i64,
    pub decided: i64,
    pub approved: i64,
    pub rejected: i64,
    pub overdue: i64,
}

fn unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

impl Store {
    /// Claims a job's period. True when this caller now runs it: the period
    /// was never claimed, or its run started before `stale_before` and never
    /// finished (the process died), or `force` is set (`jobs run`).
    pub async fn claim_job_run(
        &self,
        job: &str,
        period: &str,
        now: &str,
        stale_before: &str,
        force: bool,
    ) -> Result<bool, StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO job_runs (job, period, started_at) VALUES ($1, $2, $3)
             ON CONFLICT (job, period) DO NOTHING",
        )
        .bind(job)
        .bind(period)
        .bind(now)
        .execute(&self.pool)
        .await?;
        if inserted.rows_affected() == 1 {
            return Ok(true);
        }
        let taken = if force {
            sqlx::query(
                "UPDATE job_runs SET started_at = $1, finished_at = NULL, outcome = NULL
                 WHERE job = $2 AND period = $3",
            )
            .bind(now)
            .bind(job)
            .bind(period)
            .execute(&self.pool)
            .await?
        } else {
            sqlx::query(
                "UPDATE job_runs SET started_at = $1, finished_at = NULL, outcome = NULL
                 WHERE job = $2 AND period = $3 AND finished_at IS NULL AND started_at < $4",
            )
            .bind(now)
            .bind(job)
            .bind(period)
            .bind(stale_before)
            .execute(&self.pool)
            .await?
        };
        Ok(taken.rows_affected() == 1)
    }

    /// Records how a claimed run ended. A failed run is left unfinished
    /// (`finished_at` None): its claim goes stale and the period is tried again.
    pub async fn finish_job_run(
        &self,
        job: &str,
        period: &str,
        now: Option<&str>,
        outcome: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE job_runs SET finished_at = $1, outcome = $2 WHERE job = $3 AND period = $4",
        )
        .bind(now)
        .bind(outcome)
        .bind(job)
        .bind(period)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The latest run of a job.
    pub async fn last_job_run(&self, job: &str) -> Result<Option<JobRun>, StoreError> {
        let row = sqlx::query(
            "SELECT job, period, started_at, finished_at, outcome FROM job_runs
             WHERE job = $1 ORDER BY started_at DESC LIMIT 1",
        )
        .bind(job)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(JobRun {
                job: r.try_get("job")?,
                period: r.try_get("period")?,
                started_at: r.try_get("started_at")?,
                finished_at: r.try_get("finished_at")?,
                outcome: r.try_get("outcome")?,
            })
        })
        .transpose()
    }

    /// Every case in a state, oldest first.
    pub async fn cases_in_state(&self, state: &str) -> Result<Vec<CaseRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM cases WHERE state = $1 ORDER BY id");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(state)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// A case's reminders of one kind, oldest first.
    pub async fn reminders_for_case(
        &self,
        case_id: i64,
        kind: &str,
    ) -> Result<Vec<ReminderRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT case_id, kind, period, sent_at, message_id FROM reminders_sent
             WHERE case_id = $1 AND kind = $2 ORDER BY sent_at",
        )
        .bind(case_id)
        .bind(kind)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ReminderRecord {
                    case_id: r.try_get("case_id")?,
                    kind: r.try_get("kind")?,
                    period: r.try_get("period")?,
                    sent_at: r.try_get("sent_at")?,
                    message_id: r.try_get("message_id")?,
                })
            })
            .collect()
    }

    /// The cases that already had a reminder of this kind for this period.
    pub async fn reminded_in_period(
        &self,
        kind: &str,
        period: &str,
    ) -> Result<Vec<i64>, StoreError> {
        let rows =
            sqlx::query("SELECT case_id FROM reminders_sent WHERE kind = $1 AND period = $2")
                .bind(kind)
                .bind(period)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(|r| Ok(r.try_get::<i64, _>(0)?)).collect()
    }

    /// Sends one reminder about one case, in one transaction: checks the
    /// case is unchanged since it was read (else `Conflict`), optionally
    /// moves it to `new_state`, records the reminder, the event and the email.
    /// Returns false (and writes nothing) when this reminder was already sent.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_case_reminder(
        &self,
        case: &CaseRecord,
        kind: &str,
        period: &str,
        now: &str,
        new_state: Option<&str>,
        event: &NewEvent,
        email: &Outgoing,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let guard = match new_state {
            Some(state) => {
                sqlx::query(
                    "UPDATE cases SET state = $1, updated_at = $2 WHERE id = $3 AND updated_at = $4 AND state = $5",
                )
                .bind(state)
                .bind(now)
                .bind(case.id)
                .bind(&case.updated_at)
                .bind(&case.state)
                .execute(&mut *tx)
                .await?
            }
            None => {
                // Takes the write lock and checks nothing changed meanwhile.
                sqlx::query(
                    "UPDATE cases SET state = state WHERE id = $1 AND updated_at = $2 AND state = $3",
                )
                .bind(case.id)
                .bind(&case.updated_at)
                .bind(&case.state)
                .execute(&mut *tx)
                .await?
            }
        };
        if guard.rows_affected() != 1 {
            return Err(StoreError::Conflict(case.reference.clone()));
        }
        let inserted = sqlx::query(
            "INSERT INTO reminders_sent (case_id, kind, period, sent_at, message_id) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(case.id)
        .bind(kind)
        .bind(period)
        .bind(now)
        .bind(&email.message_id)
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(e) if unique_violation(&e) => return Ok(false),
            other => {
                other?;
            }
        }
        history::append(&mut tx, case.id, event).await?;
        outbox::insert(&mut tx, Some(case.id), email).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Sends one digest about several cases, in one transaction: a reminder
    /// row and an event for each case, and the email (belonging to no case).
    /// Returns false (and writes nothing) when any case was already listed.
    pub async fn record_digest(
        &self,
        kind: &str,
        period: &str,
        now: &str,
        entries: &[DigestEntry],
        email: &Outgoing,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        for entry in entries {
            let inserted = sqlx::query(
                "INSERT INTO reminders_sent (case_id, kind, period, sent_at, message_id) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(entry.case_id)
            .bind(kind)
            .bind(period)
            .bind(now)
            .bind(&email.message_id)
            .execute(&mut *tx)
            .await;
            match inserted {
                Err(e) if unique_violation(&e) => return Ok(false),
                other => {
                    other?;
                }
            }
            history::append(&mut tx, entry.case_id, &entry.event).await?;
        }
        outbox::insert(&mut tx, None, email).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Queues an email that belongs to no case (the weekly summary).
    pub async fn queue_email(&self, email: &Outgoing) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        outbox::insert(&mut tx, None, email).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The weekly summary's numbers: flows between `since` and `until`
    /// (RFC 3339), stock now; overdue means due before `today` (YYYY-MM-DD).
    pub async fn summary_counts(
        &self,
        since: &str,
        until: &str,
        today: &str,
    ) -> Result<SummaryCounts, StoreError> {
        let one = |sql: &'static str, binds: Vec<String>| async move {
            let mut q = sqlx::query(sql);
            for b in binds {
                q = q.bind(b);
            }
            let n: i64 = q.fetch_one(&self.pool).await?.try_get(0)?;
            Ok::<i64, StoreError>(n)
        };
        let window = || vec![since.to_string(), until.to_string()];
        Ok(SummaryCounts {
            received: one(
                "SELECT COUNT(*) FROM cases WHERE opened_at >= $1 AND opened_at < $2",
                window(),
            )
            .await?,
            completed: one(
                "SELECT COUNT(*) FROM cases WHERE completed_at >= $1 AND completed_at < $2",
                window(),
            )
            .await?,
            awaiting_information: one(
                "SELECT COUNT(*) FROM cases WHERE state = 'awaiting_information'",
                vec![],
            )
            .await?,
            awaiting_decision: one(
                "SELECT COUNT(*) FROM cases WHERE state = 'ready_for_decision'",
                vec![],
            )
            .await?,
            decided: one(
                "SELECT COUNT(*) FROM cases WHERE decided_at >= $1 AND decided_at < $2",
                window(),
            )
            .await?,
            approved: one(
                "SELECT COUNT(*) FROM cases WHERE decided_at >= $1 AND decided_at < $2 AND decision = 'approved'",
                window(),
            )
            .await?,
            rejected: one(
                "SELECT COUNT(*) FROM cases WHERE decided_at >= $1 AND decided_at < $2 AND decision = 'rejected'",
                window(),
            )
            .await?,
            overdue: one(
                "SELECT COUNT(*) FROM cases WHERE state = 'ready_for_decision' AND due_on < $1",
                vec![today.to_string()],
            )
            .await?,
        })
    }

    /// (completed_at, decided_at) of the cases decided between `since` and `until`.
    pub async fn decisions_between(
        &self,
        since: &str,
        until: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT completed_at, decided_at FROM cases
             WHERE decided_at >= $1 AND decided_at < $2 AND completed_at IS NOT NULL ORDER BY id",
        )
        .bind(since)
        .bind(until)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    /// Records a canary and queues its email, in one transaction.
    pub async fn record_canary(
        &self,
        canary: &CanaryRecord,
        email: &Outgoing,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO canaries (token, message_id, sent_at, deadline) VALUES ($1, $2, $3, $4)",
        )
        .bind(&canary.token)
        .bind(&canary.message_id)
        .bind(&canary.sent_at)
        .bind(&canary.deadline)
        .execute(&mut *tx)
        .await?;
        outbox::insert(&mut tx, None, email).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Canaries neither seen nor alerted on, oldest first.
    pub async fn open_canaries(&self) -> Result<Vec<CanaryRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT token, message_id, sent_at, deadline, seen_at, alerted_at FROM canaries
             WHERE seen_at IS NULL AND alerted_at IS NULL ORDER BY sent_at",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CanaryRecord {
                    token: r.try_get("token")?,
                    message_id: r.try_get("message_id")?,
                    sent_at: r.try_get("sent_at")?,
                    deadline: r.try_get("deadline")?,
                    seen_at: r.try_get("seen_at")?,
                    alerted_at: r.try_get("alerted_at")?,
                })
            })
            .collect()
    }

    /// When a message with this Message-ID was taken in (any status).
    pub async fn received_at_for_message_id(
        &self,
        message_id: &str,
    ) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(
            "SELECT received_at FROM messages WHERE message_id = $1 ORDER BY id LIMIT 1",
        )
        .bind(message_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    pub async fn mark_canary_seen(&self, token: &str, at: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE canaries SET seen_at = $1 WHERE token = $2 AND seen_at IS NULL")
            .bind(at)
            .bind(token)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Marks a canary as alerted on and queues the alert, once: false when
    /// someone else alerted first.
    pub async fn record_canary_alert(
        &self,
        token: &str,
        at: &str,
        email: &Outgoing,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE canaries SET alerted_at = $1 WHERE token = $2 AND alerted_at IS NULL AND seen_at IS NULL",
        )
        .bind(at)
        .bind(token)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        outbox::insert(&mut tx, None, email).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Raw messages still on disk of cases that are closed (rejected,
    /// registered, lapsed), with when each case closed.
    pub async fn retained_messages(&self) -> Result<Vec<RetainedMessage>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.id AS case_id, c.reference, c.state, c.decided_at, c.registered_at,
                (SELECT MAX(e.at) FROM case_events e WHERE e.case_id = c.id AND e.event = 'lapsed') AS lapsed_at,
                m.id AS message_id, m.raw_path
             FROM cases c JOIN messages m ON m.case_id = c.id
             WHERE c.state IN ('rejected', 'registered', 'lapsed') AND m.raw_deleted_at IS NULL
             ORDER BY c.id, m.id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let state: String = r.try_get("state")?;
                let closed_at: Option<String> = match state.as_str() {
                    "registered" => r.try_get("registered_at")?,
                    "lapsed" => r.try_get("lapsed_at")?,
                    _ => r.try_get("decided_at")?,
                };
                Ok(RetainedMessage {
                    case_id: r.try_get("case_id")?,
                    reference: r.try_get("reference")?,
                    state,
                    closed_at,
                    message_id: r.try_get("message_id")?,
                    raw_path: r.try_get("raw_path")?,
                })
            })
            .collect()
    }

    /// Records that these raw messages of a case were deleted, with the event.
    pub async fn mark_raw_deleted(
        &self,
        case_id: i64,
        message_ids: &[i64],
        event: &NewEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for id in message_ids {
            sqlx::query("UPDATE messages SET raw_deleted_at = $1 WHERE id = $2 AND case_id = $3")
                .bind(&event.at)
                .bind(id)
                .bind(case_id)
                .execute(&mut *tx)
                .await?;
        }
        // The copies of the form and the report in the emails we sent (the
        // ready-for-decision notice) go too; an email still to send keeps its body.
        let sent: Vec<(i64, Vec<u8>)> =
            sqlx::query_as("SELECT id, raw FROM outbox WHERE case_id = $1 AND status <> 'pending'")
                .bind(case_id)
                .fetch_all(&mut *tx)
                .await?;
        let note = format!(
            "The body and attachments of this email were deleted by retention on {}.",
            event.at
        );
        for (id, raw) in sent {
            sqlx::query("UPDATE outbox SET raw = $1 WHERE id = $2")
                .bind(super::retained::headers_only(&raw, &note))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        history::append(&mut tx, case_id, event).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{IncomingMessage, MessageStatus, NewCase};

    async fn store(dir: &tempfile::TempDir) -> Store {
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        Store::open(&url, 1).await.unwrap()
    }

    fn email(id: &str) -> Outgoing {
        Outgoing {
            message_id: id.into(),
            purpose: "test".into(),
            recipients: vec!["x@y.example".into()],
            subject: "s".into(),
            raw: b"raw".to_vec(),
            suppressed: false,
        }
    }

    fn event(name: &str) -> NewEvent {
        NewEvent {
            at: "2026-12-21T09:00:00.000Z".into(),
            actor: "daemon".into(),
            event: name.into(),
            detail: "{}".into(),
        }
    }

    async fn open(store: &Store, n: u8, state: &str) -> CaseRecord {
        let message = IncomingMessage {
            sha256: format!("{n:064}"),
            source_key: None,
            message_id: Some(format!("m{n}@x.example")),
            from_addr: Some("home@x.example".into()),
            subject: None,
            kind: "application".into(),
            status: MessageStatus::Processed,
            raw_path: format!("messages/00/{n}.eml"),
            parse_json: None,
            note: None,
            received_at: "2026-12-14T10:00:00.000Z".into(),
        };
        let case = NewCase {
            state: state.into(),
            care_home_name: None,
            cqc_id: None,
            applicant_name: None,
            applicant_email: None,
            contact_address: "home@x.example".into(),
            form_json: "{}".into(),
            provenance_json: "{}".into(),
            findings_json: "[]".into(),
            complete: false,
            opened_at: "2026-12-14T10:00:00.000Z".into(),
            completed_at: None,
            due_on: None,
            decision_code: "c".into(),
            report_received: false,
            linked_case_id: None,
            awaiting_since: Some("2026-12-14T10:00:00.000Z".into()),
            thread_root: None,
            registers_json: None,
        };
        let render: crate::store::RenderForCase<'_, std::io::Error> = Box::new(|_| Ok(vec![]));
        store
            .open_case(2026, &message, &case, event("opened"), render)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_period_is_claimed_once_unless_stale_or_forced() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir).await;
        let (t0, stale) = ("2026-12-21T09:00:00.000Z", "2026-12-21T08:00:00.000Z");
        assert!(
            s.claim_job_run("overdue", "p1", t0, stale, false)
                .await
                .unwrap()
        );
        // Running and not stale: nobody else takes it.
        assert!(
            !s.claim_job_run("overdue", "p1", t0, stale, false)
                .await
                .unwrap()
        );
        s.finish_job_run("overdue", "p1", Some(t0), "ok")
            .await
            .unwrap();
        assert!(
            !s.claim_job_run(
                "overdue",
                "p1",
                "2026-12-21T11:00:00.000Z",
                "2026-12-21T10:00:00.000Z",
                false
            )
            .await
            .unwrap()
        );
        // Another job, another period: free.
        assert!(
            s.claim_job_run("chasers", "p1", t0, stale, false)
                .await
                .unwrap()
        );
        assert!(
            s.claim_job_run("overdue", "p2", t0, stale, false)
                .await
                .unwrap()
        );
        // A run that failed (left unfinished) is taken over once stale.
        s.finish_job_run("overdue", "p2", None, "failed")
            .await
            .unwrap();
        assert!(
            !s.claim_job_run(
                "overdue",
                "p2",
                "2026-12-21T09:30:00.000Z",
                "2026-12-21T08:30:00.000Z",
                false
            )
            .await
            .unwrap()
        );
        assert!(
            s.claim_job_run(
                "overdue",
                "p2",
                "2026-12-21T10:30:00.000Z",
                "2026-12-21T09:30:00.000Z",
                false
            )
            .await
            .unwrap()
        );
        // `jobs run` forces.
        assert!(
            s.claim_job_run("overdue", "p1", t0, stale, true)
                .await
                .unwrap()
        );
        let last = s.last_job_run("overdue").await.unwrap().unwrap();
        assert_eq!(last.period, "p2");
        assert_eq!(last.outcome, None);
    }

    #[tokio::test]
    async fn a_reminder_is_sent_once_per_case_kind_and_period() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir).await;
        let case = open(&s, 1, "awaiting_information").await;
        let now = "2026-12-21T09:00:00.000Z";
        assert!(
            s.record_case_reminder(
                &case,
                "chaser",
                "p1",
                now,
                None,
                &event("chaser sent"),
                &email("c1")
            )
            .await
            .unwrap()
        );
        assert!(
            !s.record_case_reminder(
                &case,
                "chaser",
                "p1",
                now,
                None,
                &event("chaser sent"),
                &email("c2")
            )
            .await
            .unwrap()
        );
        assert_eq!(
            s.reminders_for_case(case.id, "chaser").await.unwrap().len(),
            1
        );
        assert_eq!(s.outbox_for_case(case.id).await.unwrap().len(), 1);
        assert_eq!(
            s.reminded_in_period("chaser", "p1").await.unwrap(),
            vec![case.id]
        );
        // The lapse changes the state; a stale copy of the case then conflicts.
        assert!(
            s.record_case_reminder(
                &case,
                "lapse",
                "p2",
                now,
                Some("lapsed"),
                &event("lapsed"),
                &email("l1")
            )
            .await
            .unwrap()
        );
        assert_eq!(
            s.case_by_id(case.id).await.unwrap().unwrap().state,
            "lapsed"
        );
        assert!(matches!(
            s.record_case_reminder(
                &case,
                "chaser",
                "p3",
                now,
                None,
                &event("chaser sent"),
                &email("c3")
            )
            .await,
            Err(StoreError::Conflict(_))
        ));
        let events = s.events_for_case(case.id).await.unwrap();
        assert_eq!(events.len(), 3);
        assert!(crate::store::verify_chain(case.id, &events).is_ok());
    }

    #[tokio::test]
    async fn a_digest_lists_a_case_once_per_period() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir).await;
        let a = open(&s, 1, "ready_for_decision").await;
        let b = open(&s, 2, "ready_for_decision").await;
        let now = "2026-12-21T09:00:00.000Z";
        let entries = |ids: &[i64]| {
            ids.iter()
                .map(|&case_id| DigestEntry {
                    case_id,
                    event: event("overdue reminder"),
                })
                .collect::<Vec<_>>()
        };
        assert!(
            s.record_digest("overdue", "p1", now, &entries(&[a.id]), &email("d1"))
                .await
                .unwrap()
        );
        // b is new but a was listed already: nothing is written.
        assert!(
            !s.record_digest("overdue", "p1", now, &entries(&[b.id, a.id]), &email("d2"))
                .await
                .unwrap()
        );
        assert_eq!(
            s.reminded_in_period("overdue", "p1").await.unwrap(),
            vec![a.id]
        );
        assert!(
            s.record_digest("overdue", "p2", now, &entries(&[a.id, b.id]), &email("d3"))
                .await
                .unwrap()
        );
        assert_eq!(s.pending_outbox_count().await.unwrap(), 2);
    }

    #[tokio::test]
    async fn retention_sees_closed_cases_and_records_the_deletion() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir).await;
        let open_case = open(&s, 1, "awaiting_information").await;
        let closed = open(&s, 2, "awaiting_information").await;
        s.record_case_reminder(
            &closed,
            "lapse",
            "p",
            "2026-12-21T09:00:00.000Z",
            Some("lapsed"),
            &event("lapsed"),
            &email("l"),
        )
        .await
        .unwrap();
        let retained = s.retained_messages().await.unwrap();
        assert_eq!(retained.len(), 1);
        assert_eq!(retained[0].case_id, closed.id);
        assert_eq!(
            retained[0].closed_at.as_deref(),
            Some("2026-12-21T09:00:00.000Z")
        );
        s.mark_raw_deleted(
            closed.id,
            &[retained[0].message_id],
            &event("raw messages deleted"),
        )
        .await
        .unwrap();
        assert!(s.retained_messages().await.unwrap().is_empty());
        assert_eq!(s.events_for_case(open_case.id).await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn canaries_are_seen_by_message_id_and_alerted_once() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(&dir).await;
        let c = CanaryRecord {
            token: "t1".into(),
            message_id: "canary.1@x.example".into(),
            sent_at: "2026-12-21T09:00:00.000Z".into(),
            deadline: "2026-12-21T09:30:00.000Z".into(),
            seen_at: None,
            alerted_at: None,
        };
        s.record_canary(&c, &email("canary.1@x.example"))
            .await
            .unwrap();
        assert_eq!(s.open_canaries().await.unwrap(), vec![c.clone()]);
        assert_eq!(
            s.received_at_for_message_id("canary.1@x.example")
                .await
                .unwrap(),
            None
        );
        assert!(
            s.record_canary_alert("t1", "2026-12-21T09:31:00.000Z", &email("a1"))
                .await
                .unwrap()
        );
        assert!(
            !s.record_canary_alert("t1", "2026-12-21T09:32:00.000Z", &email("a2"))
                .await
                .unwrap()
        );
        assert!(s.open_canaries().await.unwrap().is_empty());
        // The intake records the canary it ignores: its Message-ID is found.
        let _ = open(&s, 3, "awaiting_information").await;
        assert_eq!(
            s.received_at_for_message_id("m3@x.example")
                .await
                .unwrap()
                .as_deref(),
            Some("2026-12-14T10:00:00.000Z")
        );
    }
}
