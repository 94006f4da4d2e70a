//! `GET /cases`: the case list, newest first, with its filters.

use super::{context, when};
use crate::case::CaseState;
use crate::web::filters::CaseFilter;
use crate::web::session::Admin;
use crate::web::{Console, WebError};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    state: Option<String>,
    q: Option<String>,
    /// `overdue=1`: only decisions past their due date.
    overdue: Option<String>,
}

#[derive(Debug, Serialize)]
struct Row {
    reference: String,
    state: String,
    care_home: Option<String>,
    cqc_id: Option<String>,
    opened: String,
    due_on: Option<String>,
}

pub async fn list(
    State(console): State<Console>,
    admin: Admin,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let overdue = query.overdue.as_deref().is_some_and(|v| !v.is_empty());
    let filter =
        CaseFilter::from_query(query.state.as_deref(), query.q.as_deref()).overdue(overdue);
    let today = console.app.today();
    let rows: Vec<Row> = console
        .app
        .store
        .list_cases(filter.state.map(CaseState::as_str))
        .await?
        .into_iter()
        .filter(|c| filter.admits(c, today))
        .map(|c| Row {
            opened: when(&c.opened_at),
            reference: c.reference,
            state: c.state,
            care_home: c.care_home_name,
            cqc_id: c.cqc_id,
            due_on: c.due_on,
        })
        .collect();
    let states: Vec<&str> = CaseState::ALL.iter().map(|s| s.as_str()).collect();
    let mut c = context(&admin);
    c.insert("cases", &rows);
    c.insert("states", &states);
    c.insert(
        "selected_state",
        &filter.state.map(CaseState::as_str).unwrap_or(""),
    );
    c.insert("q", &query.q.unwrap_or_default());
    c.insert("overdue", &overdue);
    console.pages.page(StatusCode::OK, "cases.html", &c)
}
