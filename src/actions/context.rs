//! Pieces of template context that several emails share.

use crate::app::App;
use crate::emails::{Draft, Template};
use crate::store::CaseRecord;
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

/// What every email about a case can say: who we are, the reference, the applicant and the home.
pub fn case_context(app: &App, case: &CaseRecord) -> tera::Context {
    let form = super::form_of(case);
    let mut c = tera::Context::new();
    c.insert("sponsor", &sponsor(app));
    c.insert("reference", &case.reference);
    c.insert("applicant_name", &form.applicant_name);
    c.insert("care_home_name", &form.care_home_name);
    c
}

/// An email to the care home about its case, in the thread of its application.
pub fn to_care_home(case: &CaseRecord, template: Template) -> Draft<'_> {
    Draft::new(template, vec![case.contact_address.clone()])
        .about(Some(&case.reference))
        .in_thread(case.thread_root.iter().cloned().collect())
}
