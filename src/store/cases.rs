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

const COLUMNS: &str = "id, reference, state, care_home_name, cqc_id, applicant_name, applicant_email, contact_address, form_json, provenance_json, findings_json, complete, opened_at, updated_at, completed_at, due_on, decision_code";

fn from_row(r: &AnyRow) -> Result<CaseRecord, StoreError> {
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
        let sql = "INSERT INTO cases (reference, state, care_home_name, cqc_id, applicant_name, applicant_email, contact_address, form_json, provenance_json, findings_json, complete, opened_at, updated_at, completed_at, due_on, decision_code)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, $15) RETURNING id";
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
