//! What the receipt confirmation says: the reference, the locally agreed
//! timescale in working days and the date it lands on, and what is missing.

use crate::app::App;
use crate::findings::Severity;
use crate::parse::Parsed;
use chrono::NaiveDate;

/// The sponsor block every template can use.
pub fn sponsor(app: &App) -> serde_json::Value {
    serde_json::json!({
        "name": app.config.sponsor.name,
        "display_name": app.config.sponsor.display_name,
        "address": app.config.sponsor.address,
        "helpdesk_telephone": app.config.sponsor.helpdesk_telephone,
    })
}

/// A date as people write it: `Monday 7 December 2026`.
pub fn long_date(d: NaiveDate) -> String {
    d.format("%A %-d %B %Y").to_string()
}

pub fn context(app: &App, parsed: &Parsed, reference: &str, today: NaiveDate) -> tera::Context {
    let days = app.config.sponsor.decision_working_days;
    let due = app.calendar.add_working_days(today, days);
    let missing: Vec<_> = parsed
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Blocking)
        .map(|f| serde_json::json!({ "field": f.field, "message": f.message }))
        .collect();
    let mut c = tera::Context::new();
    c.insert("sponsor", &sponsor(app));
    c.insert("reference", reference);
    c.insert("applicant_name", &parsed.form.applicant_name);
    c.insert("care_home_name", &parsed.form.care_home_name);
    c.insert("complete", &parsed.complete);
    c.insert("working_days", &days);
    c.insert("due_date", &long_date(due));
    c.insert("missing", &missing);
    c
}
