//! Findings: what is missing or wrong in a form, judged against section 2 of
//! the guidance, in words for a care home manager and an administrator.

use crate::form::Form;
use serde::{Deserialize, Serialize};

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The application cannot be assessed until this is put right.
    Blocking,
    /// For the administrators' decision; does not stop the application.
    Notice,
}

/// One finding, as in the parse contract.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// `missing`, `invalid`, `accounts_over_limit`, ... (the contract's codes).
    pub code: String,
    /// A form key, `ig_assessment_report` or `accounts`.
    pub field: String,
    pub severity: Severity,
    /// Plain words for people.
    pub message: String,
}

/// What validation needs to know besides the form.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evidence {
    /// An IG Toolkit / DSPT assessment report is attached.
    pub has_assessment_report: bool,
}

/// Judges a form against section 2 of the guidance.
pub fn validate(_form: &Form, _evidence: &Evidence) -> Vec<Finding> {
    Vec::new()
}

/// True when nothing blocks the application.
pub fn is_complete(findings: &[Finding]) -> bool {
    findings.iter().all(|f| f.severity != Severity::Blocking)
}
