//! What the receipt and follow-up replies say: the reference, the locally
//! agreed timescale in working days and the date it lands on, what is missing.

use crate::actions::{long_date, sponsor};
use crate::app::App;
use crate::findings::{Finding, Severity};
use crate::form::Form;
use chrono::NaiveDate;

pub fn reply(
    app: &App,
    form: &Form,
    findings: &[Finding],
    complete: bool,
    reference: &str,
    today: NaiveDate,
) -> tera::Context {
    let days = app.config.sponsor.decision_working_days;
    let due = app.calendar.add_working_days(today, days);
    let missing: Vec<_> = findings
        .iter()
        .filter(|f| f.severity == Severity::Blocking)
        .map(|f| serde_json::json!({ "field": f.field, "message": f.message }))
        .collect();
    let mut c = tera::Context::new();
    c.insert("sponsor", &sponsor(app));
    c.insert("reference", reference);
    c.insert("applicant_name", &form.applicant_name);
    c.insert("care_home_name", &form.care_home_name);
    c.insert("complete", &complete);
    c.insert("working_days", &days);
    c.insert("due_date", &long_date(due));
    c.insert("missing", &missing);
    c
}
