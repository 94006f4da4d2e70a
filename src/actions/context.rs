//! Pieces of template context that several emails share.

use crate::app::App;
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
