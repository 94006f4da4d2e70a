//! The register checks of sections 2.1 and 2.2 (issue 7): the care home's
//! CQC registration, its ODS site and head office, and its published DSPT
//! status, beside what the form says.
//!
//! - [`records`]: the registers' answers in their own shapes.
//! - [`compare`]: pure comparison, form against register (unit-tested).
//! - [`http`]: the HTTP clients behind the [`Lookups`] trait (timeouts,
//!   retries with backoff, the per-day cache, ODS at most 5 requests a second).
//! - [`Checker`]: one check of a form, within its time budget; the
//!   re-check job that repeats them lives with the other scheduled jobs
//!   (`reminders::registers`).
//!
//! A register that cannot be reached never stops intake: the check gives a
//! "could not check" notice and the case goes on. With no CQC key the checks
//! are off and the notice says so.

pub mod compare;
pub mod http;
pub mod records;

use crate::findings::Finding;
use crate::form::Form;
use crate::form::normalise::is_canonical_cqc;
use chrono::NaiveDate;
use compare::{Gathered, Policy};
use records::{CqcLocation, CqcProvider, DsptOrganisation, Fetch, OdsOrganisation};
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::time::Duration;

/// How a check went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckOutcome {
    /// Every register answered.
    Checked,
    /// The CQC register answered; another (ODS, DSPT) could not be reached.
    Partial,
    /// The CQC register could not be reached.
    CouldNotCheck,
    /// No CQC key is configured: the checks are off.
    Off,
    /// The form has no well-formed CQC number to look up.
    NoNumber,
}

impl CheckOutcome {
    /// A later check should be made (something could not be reached).
    pub fn wants_retry(self) -> bool {
        matches!(self, CheckOutcome::Partial | CheckOutcome::CouldNotCheck)
    }
}

/// One line of the side-by-side comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// `CQC`, `ODS` or `DSPT`.
    pub section: String,
    pub label: String,
    /// What the form says (`-` when it says nothing on this).
    pub form: String,
    /// What the register says.
    pub register: String,
    /// `agrees`, `differs`, or empty when not compared.
    pub verdict: String,
}

/// The result of checking one form against the registers (kept on the case).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegisterCheck {
    pub outcome: CheckOutcome,
    /// The CQC number looked up.
    #[serde(default)]
    pub cqc_id: Option<String>,
    /// The sponsor's date of the check.
    pub checked_on: String,
    pub rows: Vec<Row>,
    /// Register findings (extra codes beside the contract's).
    pub findings: Vec<Finding>,
    /// The registers that could not be reached, and why.
    pub unreachable: Vec<String>,
    /// A published DSPT status of "Approaching Standards" or better: it
    /// stands in for an assessment report the care home did not send.
    pub dspt_meets_requirement: bool,
}

impl RegisterCheck {
    pub fn empty(outcome: CheckOutcome, today: NaiveDate) -> RegisterCheck {
        RegisterCheck {
            outcome,
            cqc_id: None,
            checked_on: today.to_string(),
            rows: Vec::new(),
            findings: Vec::new(),
            unreachable: Vec::new(),
            dspt_meets_requirement: false,
        }
    }

    /// Whether two checks say the same: the date, and why a register could
    /// not be reached, aside (a timeout after a 500 is no news).
    pub fn same_answer(&self, other: &RegisterCheck) -> bool {
        let gist = |c: &RegisterCheck| -> Vec<(String, String)> {
            c.findings
                .iter()
                .map(|f| (f.code.clone(), f.field.clone()))
                .collect()
        };
        self.outcome == other.outcome
            && self.rows == other.rows
            && gist(self) == gist(other)
            && self.dspt_meets_requirement == other.dspt_meets_requirement
    }

    /// Read back from the case (`None` for a case never checked).
    pub fn from_json(json: Option<&str>) -> Option<RegisterCheck> {
        json.and_then(|j| serde_json::from_str(j).ok())
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The form's findings with the register's: a DSPT status that meets the
/// requirement stands in for a missing assessment report.
pub fn merge_findings(mut form_findings: Vec<Finding>, check: &RegisterCheck) -> Vec<Finding> {
    if check.dspt_meets_requirement {
        form_findings.retain(|f| !(f.code == "missing" && f.field == "ig_assessment_report"));
    }
    form_findings.extend(check.findings.iter().cloned());
    form_findings
}

/// The lookups the check needs; the HTTP clients in production and in
/// tests (against a local server), anything that answers in these shapes.
pub trait Lookups: Send + Sync {
    fn location(&self, id: &str) -> impl Future<Output = Fetch<CqcLocation>> + Send;
    fn provider(&self, id: &str) -> impl Future<Output = Fetch<CqcProvider>> + Send;
    fn ods(&self, code: &str) -> impl Future<Output = Fetch<OdsOrganisation>> + Send;
    fn dspt(&self, code: &str) -> impl Future<Output = Fetch<DsptOrganisation>> + Send;
}

/// Asks the registers everything about one CQC location.
pub async fn gather<L: Lookups>(l: &L, cqc_id: &str) -> Gathered {
    let location = l.location(cqc_id).await;
    let mut g = Gathered {
        cqc_id: cqc_id.to_string(),
        location,
        provider: None,
        site: None,
        head_office: None,
        dspt: Vec::new(),
    };
    let Fetch::Found(loc) = &g.location else {
        return g;
    };
    let loc = loc.clone();
    if let Some(p) = loc.provider_id.as_deref().filter(|p| !p.is_empty()) {
        g.provider = Some(l.provider(p).await);
    }
    let Some(site_code) = loc.ods_code.clone().filter(|c| !c.is_empty()) else {
        return g;
    };
    let site = l.ods(&site_code).await;
    let head = site
        .found()
        .and_then(|s| s.head_office().map(str::to_string));
    g.site = Some(site);
    if let Some(h) = &head {
        g.head_office = Some(l.ods(h).await);
    }
    let site_dspt = l.dspt(&site_code).await;
    // The head office's status counts when the site has none of its own.
    let site_has_status = site_dspt.found().is_some_and(|o| !o.assessments.is_empty());
    g.dspt.push((site_code, "site", site_dspt));
    if let Some(h) = head.filter(|_| !site_has_status) {
        let answer = l.dspt(&h).await;
        g.dspt.push((h, "head office", answer));
    }
    g
}

/// What a register check needs: the clients (none when the checks are
/// off), the store for the day's cache, the settings and the time.
pub struct Checker<'a> {
    pub lookups: Option<&'a http::HttpRegisters>,
    pub store: &'a crate::store::Store,
    /// How long one check may take in all.
    pub budget: Duration,
    /// The sponsor's ICB code, for the "another ICB" finding.
    pub sponsor_icb: Option<String>,
    pub today: NaiveDate,
    pub now: chrono::DateTime<chrono::Utc>,
}

impl Checker<'_> {
    /// Checks a form against the registers within the time budget. Never
    /// fails: what cannot be reached becomes "could not check".
    pub async fn check(&self, form: &Form) -> RegisterCheck {
        let today = self.today;
        let Some(lookups) = self.lookups else {
            return RegisterCheck::empty(CheckOutcome::Off, today);
        };
        let Some(cqc) = form
            .cqc_registration_number
            .as_deref()
            .map(str::trim)
            .filter(|c| is_canonical_cqc(c))
        else {
            return RegisterCheck::empty(CheckOutcome::NoNumber, today);
        };
        let budget = self.budget;
        let session = lookups.session(
            self.store,
            today.to_string(),
            crate::store::timestamp(self.now),
        );
        let gathered = match tokio::time::timeout(budget, gather(&session, cqc)).await {
            Ok(g) => g,
            Err(_) => Gathered {
                cqc_id: cqc.to_string(),
                location: Fetch::Unreachable(format!(
                    "no answer within {} seconds",
                    budget.as_secs()
                )),
                provider: None,
                site: None,
                head_office: None,
                dspt: Vec::new(),
            },
        };
        let policy = Policy {
            sponsor_icb: self.sponsor_icb.clone(),
        };
        let mut check = compare::compare(form, &gathered, &policy, today);
        check.cqc_id = Some(cqc.to_string());
        tracing::info!(
            outcome = ?check.outcome,
            register_findings = check.findings.len(),
            "register check made"
        );
        check
    }

    /// Checks a form again (a follow-up, the re-check job). When the
    /// registers cannot be reached now but answered for the same number
    /// before, the earlier answer stands.
    pub async fn recheck(&self, form: &Form, before: Option<RegisterCheck>) -> RegisterCheck {
        let now = self.check(form).await;
        match before {
            Some(b)
                if now.outcome.wants_retry()
                    && !b.outcome.wants_retry()
                    && b.cqc_id.is_some()
                    && b.cqc_id == now.cqc_id =>
            {
                b
            }
            _ => now,
        }
    }
}

/// An outcome in words, for emails.
pub fn outcome_words(o: CheckOutcome) -> &'static str {
    match o {
        CheckOutcome::Checked => "checked",
        CheckOutcome::Partial => "checked in part (a register could not be reached)",
        CheckOutcome::CouldNotCheck => "could not check (the CQC register could not be reached)",
        CheckOutcome::Off => "off (no CQC key configured)",
        CheckOutcome::NoNumber => "not checked (no well-formed CQC number on the form)",
    }
}

/// The CQC website's page for a location (or its search).
pub fn cqc_link(cqc_id: Option<&str>) -> String {
    match cqc_id {
        Some(id) => format!("https://www.cqc.org.uk/location/{id}"),
        None => "https://www.cqc.org.uk/search/services".into(),
    }
}

/// What the templates show of a check: the outcome, the rows (labels padded
/// for the text body) and what could not be reached.
pub fn template_view(check: Option<&RegisterCheck>) -> serde_json::Value {
    let Some(c) = check else {
        return serde_json::json!({ "outcome": "none", "words": "not checked", "rows": [], "unreachable": [], "notices": [] });
    };
    let rows: Vec<_> = c
        .rows
        .iter()
        .map(|r| {
            serde_json::json!({
                "section": r.section,
                "label": r.label,
                "label_padded": format!("{:<21}", format!("{}:", r.label)),
                "form": r.form,
                "register": r.register,
                "differs": r.verdict == "differs",
                "agrees": r.verdict == "agrees",
            })
        })
        .collect();
    serde_json::json!({
        "outcome": c.outcome,
        "words": outcome_words(c.outcome),
        "checked_on": c.checked_on,
        "rows": rows,
        "unreachable": c.unreachable,
        "dspt_stands_in": c.dspt_meets_requirement,
        "notices": c.findings.iter().map(|f| &f.message).collect::<Vec<_>>(),
    })
}
