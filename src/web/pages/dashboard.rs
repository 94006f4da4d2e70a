//! `GET /`: cases by state, decisions overdue and by how long, cases
//! waiting on the care home, quarantined messages and held emails.

use super::{context, when};
use crate::case::CaseState;
use crate::reminders::overdue::lateness;
use crate::store::{CaseRecord, MessageStatus, OutboxStatus, WaitingItem};
use crate::web::session::Admin;
use crate::web::{Console, WebError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Serialize;

/// How many quarantined messages and held emails the dashboard lists.
const LISTED: i64 = 20;

#[derive(Debug, Serialize)]
struct Count {
    state: &'static str,
    n: i64,
}

#[derive(Debug, Serialize)]
struct Late {
    reference: String,
    care_home: Option<String>,
    /// The due date, or since when it has waited on the care home.
    date: String,
    /// Working days overdue, or days waiting.
    days: u32,
}

#[derive(Debug, Serialize)]
struct Item {
    at: String,
    who: String,
    subject: String,
    note: Option<String>,
}

pub async fn show(State(console): State<Console>, admin: Admin) -> Result<Response, WebError> {
    let store = &console.app.store;
    let stored = store.case_counts().await?;
    let counts: Vec<Count> = CaseState::ALL
        .iter()
        .map(|s| Count {
            state: s.as_str(),
            n: stored
                .iter()
                .find(|(name, _)| name == s.as_str())
                .map_or(0, |(_, n)| *n),
        })
        .collect();
    let ready = store
        .cases_in_state(CaseState::ReadyForDecision.as_str())
        .await?;
    let waiting = store
        .cases_in_state(CaseState::AwaitingInformation.as_str())
        .await?;
    let quarantined = store
        .messages_in_status(MessageStatus::Quarantined, LISTED)
        .await?;
    let held = store.outbox_in_status(OutboxStatus::Held, LISTED).await?;
    let mut c = context(&admin);
    c.insert("counts", &counts);
    c.insert("overdue", &overdue(&console, &ready));
    c.insert("waiting", &waiting_on_home(&console, &waiting));
    c.insert("quarantined", &items(quarantined));
    c.insert("held", &items(held));
    console.pages.page(StatusCode::OK, "dashboard.html", &c)
}

/// Ready-for-decision cases past their due date, the latest first.
fn overdue(console: &Console, cases: &[CaseRecord]) -> Vec<Late> {
    let today = console.app.today();
    let mut late: Vec<Late> = cases
        .iter()
        .filter_map(|case| {
            let due: NaiveDate = case.due_on.as_deref()?.parse().ok()?;
            let l = lateness(due, today, &console.app.calendar, u32::MAX)?;
            Some(Late {
                reference: case.reference.clone(),
                care_home: case.care_home_name.clone(),
                date: due.to_string(),
                days: l.working_days,
            })
        })
        .collect();
    late.sort_by_key(|l| std::cmp::Reverse(l.days));
    late
}

/// Cases waiting on the care home, the longest first.
fn waiting_on_home(console: &Console, cases: &[CaseRecord]) -> Vec<Late> {
    let today = console.app.today();
    let mut waiting: Vec<Late> = cases
        .iter()
        .map(|case| {
            let since = case.awaiting_since.as_deref().unwrap_or(&case.opened_at);
            let date = chrono::DateTime::parse_from_rfc3339(since)
                .map(|t| t.with_timezone(&console.app.timezone).date_naive())
                .unwrap_or(today);
            Late {
                reference: case.reference.clone(),
                care_home: case.care_home_name.clone(),
                date: date.to_string(),
                days: u32::try_from((today - date).num_days().max(0)).unwrap_or(0),
            }
        })
        .collect();
    waiting.sort_by_key(|w| std::cmp::Reverse(w.days));
    waiting
}

fn items(found: Vec<WaitingItem>) -> Vec<Item> {
    found
        .into_iter()
        .map(|w| Item {
            at: when(&w.at),
            who: w.who,
            subject: w.subject,
            note: w.note,
        })
        .collect()
}
