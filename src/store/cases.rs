//! Cases: one per application, with a human reference (`LSM-2026-0001`).

use super::history::{self, NewEvent};
use super::messages::{self, IncomingMessage};
use super::outbox::{self, Outgoing};
use super::{Store, StoreError};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

/// A case to open.
#[derive(Clone, Debug, PartialEq)]
pub struct NewCase {
    pub state: String,
    pub care_home_name: Option<String>,
    pub cqc_id: Option<String>,
    pub applicant_name: Option<String>,
    pub applicant_email: Option<String>,
    /// Where replies go (the message's Reply-To, else its From).
    pub contact_address: String,
    pub form_json: String,
    pub provenance_json: String,
    pub findings_json: String,
    pub complete: bool,
    pub opened_at: String,
    pub completed_at: Option<String>,
    pub due_on: Option<String>,
    /// The secret an administrator's emailed decision must carry.
    pub decision_code: String,
    /// An IG Toolkit / DSPT assessment report has been received.
    pub report_received: bool,
    /// An earlier case for the same CQC identifier.
    pub linked_case_id: Option<i64>,
    /// Since when the case has waited on the care home.
    pub awaiting_since: Option<String>,
    /// The Message-ID of the message that opened the case.
    pub thread_root: Option<String>,
    /// The last register check (`registers::RegisterCheck` as JSON).
    pub registers_json: Option<String>,
}

impl NewCase {
    /// The record this case will have once stored under `reference`.
    pub fn to_record(&self, reference: &str) -> CaseRecord {
        CaseRecord {
            id: 0,
            reference: reference.to_string(),
            state: self.state.clone(),
            care_home_name: self.care_home_name.clone(),
            cqc_id: self.cqc_id.clone(),
            applicant_name: self.applicant_name.clone(),
            applicant_email: self.applicant_email.clone(),
            contact_address: self.contact_address.clone(),
            form_json: self.form_json.clone(),
            provenance_json: self.provenance_json.clone(),
            findings_json: self.findings_json.clone(),
            complete: self.complete,
            opened_at: self.opened_at.clone(),
            updated_at: self.opened_at.clone(),
            completed_at: self.completed_at.clone(),
            due_on: self.due_on.clone(),
            decision_code: self.decision_code.clone(),
            report_received: self.report_received,
            linked_case_id: self.linked_case_id,
            awaiting_since: self.awaiting_since.clone(),
            decision: None,
            decision_reason: None,
            decided_by: None,
            decided_at: None,
            registered_at: None,
            thread_root: self.thread_root.clone(),
            registers_json: self.registers_json.clone(),
        }
    }
}

/// A stored case.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseRecord {
    pub id: i64,
    pub reference: String,
    pub state: String,
    pub care_home_name: Option<String>,
    pub cqc_id: Option<String>,
    pub applicant_name: Option<String>,
    pub applicant_email: Option<String>,
    pub contact_address: String,
    pub form_json: String,
    pub provenance_json: String,
    pub findings_json: String,
    pub complete: bool,
    pub opened_at: String,
    pub updated_at: String,
    pub completed_at: Option<String>,
    pub due_on: Option<String>,
    pub decision_code: String,
    pub report_received: bool,
    pub linked_case_id: Option<i64>,
    pub awaiting_since: Option<String>,
    /// `approved` or `rejected`, once decided.
    pub decision: Option<String>,
    pub decision_reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub registered_at: Option<String>,
    pub thread_root: Option<String>,
    /// The last register check (`registers::RegisterCheck` as JSON).
    pub registers_json: Option<String>,
}

/// A line of `cases list`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CaseSummary {
    pub reference: String,
    pub state: String,
    pub care_home_name: Option<String>,
    pub cqc_id: Option<String>,
    pub contact_address: String,
    pub opened_at: String,
    pub due_on: Option<String>,
}

pub(super) const COLUMNS: &str = "id, reference, state, care_home_name, cqc_id, applicant_name, applicant_email, contact_address, form_json, provenance_json, findings_json, complete, opened_at, updated_at, completed_at, due_on, decision_code, report_received, linked_case_id, awaiting_since, decision, decision_reason, decided_by, decided_at, registered_at, thread_root, registers_json";

pub(super) fn from_row(r: &AnyRow) -> Result<CaseRecord, StoreError> {
    let complete: i64 = r.try_get("complete")?;
    Ok(CaseRecord {
        id: r.try_get("id")?,
        reference: r.try_get("reference")?,
        state: r.try_get("state")?,
        care_home_name: r.try_get("care_home_name")?,
        cqc_id: r.try_get("cqc_id")?,
        applicant_name: r.try_get("applicant_name")?,
        applicant_email: r.try_get("applicant_email")?,
        contact_address: r.try_get("contact_address")?,
        form_json: r.try_get("form_json")?,
        provenance_json: r.try_get("provenance_json")?,
        findings_json: r.try_get("findings_json")?,
        complete: complete != 0,
        opened_at: r.try_get("opened_at")?,
        updated_at: r.try_get("updated_at")?,
        completed_at: r.try_get("completed_at")?,
        due_on: r.try_get("due_on")?,
        decision_code: r.try_get("decision_code")?,
        report_received: r.try_get::<i64, _>("report_received")? != 0,
        linked_case_id: r.try_get("linked_case_id")?,
        awaiting_since: r.try_get("awaiting_since")?,
        decision: r.try_get("decision")?,
        decision_reason: r.try_get("decision_reason")?,
        decided_by: r.try_get("decided_by")?,
        decided_at: r.try_get("decided_at")?,
        registered_at: r.try_get("registered_at")?,
        thread_root: r.try_get("thread_root")?,
        registers_json: r.try_get("registers_json")?,
    })
}

/// What a new case's outgoing emails are made from, once its reference exists.
pub type RenderForCase<'a, E> = Box<dyn FnOnce(&str) -> Result<Vec<Outgoing>, E> + Send + 'a>;

/// Why opening a case failed: the database, or the rendering of its emails.
#[derive(Debug, thiserror::Error)]
pub enum OpenCaseError<E: std::error::Error + 'static> {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot prepare the case's emails: {0}")]
    Render(#[source] E),
}

impl Store {
    /// Opens a case for an incoming message in one transaction: allocates the
    /// reference, records the message and the `opened` event, and writes the
    /// emails `render` makes for the new reference to the outbox.
    pub async fn open_case<E: std::error::Error + 'static>(
        &self,
        year: i32,
        message: &IncomingMessage,
        case: &NewCase,
        event: NewEvent,
        render: RenderForCase<'_, E>,
    ) -> Result<CaseRecord, OpenCaseError<E>> {
        let mut tx = self.pool.begin().await.map_err(StoreError::from)?;
        let n: i64 = sqlx::query(
            "INSERT INTO reference_counters (year, last) VALUES ($1, 1)
             ON CONFLICT (year) DO UPDATE SET last = reference_counters.last + 1 RETURNING last",
        )
        .bind(i64::from(year))
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::from)?
        .try_get(0)
        .map_err(StoreError::from)?;
        let reference = crate::case::CaseRef::new(year, n as u32).to_string();
        let outgoing = render(&reference).map_err(OpenCaseError::Render)?;
        let sql = "INSERT INTO cases (reference, state, care_home_name, cqc_id, applicant_name, applicant_email, contact_address, form_json, provenance_json, findings_json, complete, opened_at, updated_at, completed_at, due_on, decision_code, report_received, linked_case_id, awaiting_since, thread_root, registers_json)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id";
        let case_id: i64 = sqlx::query(sql)
            .bind(&reference)
            .bind(&case.state)
            .bind(&case.care_home_name)
            .bind(&case.cqc_id)
            .bind(&case.applicant_name)
            .bind(&case.applicant_email)
            .bind(&case.contact_address)
            .bind(&case.form_json)
            .bind(&case.provenance_json)
            .bind(&case.findings_json)
            .bind(i64::from(case.complete))
            .bind(&case.opened_at)
            .bind(&case.completed_at)
            .bind(&case.due_on)
            .bind(&case.decision_code)
            .bind(i64::from(case.report_received))
            .bind(case.linked_case_id)
            .bind(&case.awaiting_since)
            .bind(&case.thread_root)
            .bind(&case.registers_json)
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::from)?
            .try_get(0)
            .map_err(StoreError::from)?;
        messages::insert(&mut tx, message, Some(case_id)).await?;
        history::append(&mut tx, case_id, &event).await?;
        for o in &outgoing {
            outbox::insert(&mut tx, Some(case_id), o).await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        self.case_by_reference(&reference)
            .await?
            .ok_or(OpenCaseError::Store(StoreError::CaseNotFound(reference)))
    }

    /// Saves a changed case with the message that caused it, its history
    /// events and its emails, in one transaction. Fails with `Conflict` when
    /// someone else changed the case since `case.updated_at` was read.
    pub async fn update_case(
        &self,
        case: &CaseRecord,
        now: &str,
        message: Option<&IncomingMessage>,
        events: &[NewEvent],
        outgoing: &[Outgoing],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE cases SET state = $1, care_home_name = $2, cqc_id = $3, applicant_name = $4, applicant_email = $5,
             form_json = $6, provenance_json = $7, findings_json = $8, complete = $9, updated_at = $10, completed_at = $11,
             due_on = $12, report_received = $13, linked_case_id = $14, awaiting_since = $15, decision = $16,
             decision_reason = $17, decided_by = $18, decided_at = $19, registered_at = $20, registers_json = $21
             WHERE id = $22 AND updated_at = $23",
        )
        .bind(&case.state)
        .bind(&case.care_home_name)
        .bind(&case.cqc_id)
        .bind(&case.applicant_name)
        .bind(&case.applicant_email)
        .bind(&case.form_json)
        .bind(&case.provenance_json)
        .bind(&case.findings_json)
        .bind(i64::from(case.complete))
        .bind(now)
        .bind(&case.completed_at)
        .bind(&case.due_on)
        .bind(i64::from(case.report_received))
        .bind(case.linked_case_id)
        .bind(&case.awaiting_since)
        .bind(&case.decision)
        .bind(&case.decision_reason)
        .bind(&case.decided_by)
        .bind(&case.decided_at)
        .bind(&case.registered_at)
        .bind(&case.registers_json)
        .bind(case.id)
        .bind(&case.updated_at)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(case.reference.clone()));
        }
        if let Some(m) = message {
            messages::insert(&mut tx, m, Some(case.id)).await?;
        }
        for e in events {
            history::append(&mut tx, case.id, e).await?;
        }
        for o in outgoing {
            outbox::insert(&mut tx, Some(case.id), o).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Cases for a CQC identifier, oldest first (to link a second application).
    pub async fn cases_for_cqc(&self, cqc_id: &str) -> Result<Vec<CaseRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM cases WHERE cqc_id = $1 ORDER BY id");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(cqc_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// Cases this address is the contact or applicant of, or has written on.
    pub async fn cases_for_sender(&self, address: &str) -> Result<Vec<CaseRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM cases WHERE contact_address = $1 OR applicant_email = $1
             OR id IN (SELECT case_id FROM messages WHERE from_addr = $1 AND case_id IS NOT NULL) ORDER BY id"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(address)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    pub async fn case_by_reference(
        &self,
        reference: &str,
    ) -> Result<Option<CaseRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM cases WHERE reference = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(reference.trim().to_ascii_uppercase())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    pub async fn case_by_id(&self, id: i64) -> Result<Option<CaseRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM cases WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The case a message answers: one whose incoming or outgoing messages
    /// carry one of these Message-IDs.
    pub async fn case_by_thread(
        &self,
        message_ids: &[String],
    ) -> Result<Option<CaseRecord>, StoreError> {
        for id in message_ids.iter().rev() {
            let row = sqlx::query(
                "SELECT case_id FROM outbox WHERE message_id = $1 AND case_id IS NOT NULL
                 UNION SELECT case_id FROM messages WHERE message_id = $1 AND case_id IS NOT NULL",
            )
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
            if let Some(row) = row {
                let case_id: i64 = row.try_get(0)?;
                return self.case_by_id(case_id).await;
            }
        }
        Ok(None)
    }

    /// Cases, newest first, optionally in one state.
    pub async fn list_cases(&self, state: Option<&str>) -> Result<Vec<CaseSummary>, StoreError> {
        let base = "SELECT reference, state, care_home_name, cqc_id, contact_address, opened_at, due_on FROM cases";
        let rows = match state {
            Some(s) => {
                sqlx::query(AssertSqlSafe(format!(
                    "{base} WHERE state = $1 ORDER BY id DESC"
                )))
                .bind(s)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(AssertSqlSafe(format!("{base} ORDER BY id DESC")))
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter()
            .map(|r| {
                Ok(CaseSummary {
                    reference: r.try_get("reference")?,
                    state: r.try_get("state")?,
                    care_home_name: r.try_get("care_home_name")?,
                    cqc_id: r.try_get("cqc_id")?,
                    contact_address: r.try_get("contact_address")?,
                    opened_at: r.try_get("opened_at")?,
                    due_on: r.try_get("due_on")?,
                })
            })
            .collect()
    }
}
