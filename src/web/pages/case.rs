//! `GET /cases/{reference}`: one case as `cases show` describes it (the
//! form as read, with where each value came from, findings, registers,
//! every message in and out, the history and whether its chain holds), and
//! the actions its state allows.

use super::context;
use crate::case::CaseState;
use crate::case::decision::Verdict;
use crate::store::CaseRecord;
use crate::web::session::Admin;
use crate::web::{Console, WebError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Default, Deserialize)]
pub struct CaseQuery {
    /// The action just done (`approved`, `rejected`), for the banner.
    done: Option<String>,
}

/// What may be done to a case in its state (the rules `actions::decide`
/// and `cases pack` apply; the buttons shown follow them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allowed {
    pub approve: bool,
    pub reject: bool,
    pub pack: bool,
}

impl Allowed {
    pub fn for_case(case: &CaseRecord) -> Allowed {
        let state = CaseState::parse(&case.state);
        Allowed {
            approve: state == Some(CaseState::ReadyForDecision),
            reject: state.is_some_and(CaseState::is_open),
            pack: matches!(
                state,
                Some(CaseState::Approved) | Some(CaseState::Registered)
            ),
        }
    }
}

pub async fn show(
    State(console): State<Console>,
    admin: Admin,
    Path(reference): Path<String>,
    Query(query): Query<CaseQuery>,
) -> Result<Response, WebError> {
    let Some(case) = console.app.store.case_by_reference(&reference).await? else {
        return not_found(&console, &admin, &reference);
    };
    let described = crate::actions::describe(&console.app, &case).await?;
    let allowed = Allowed::for_case(&case);
    let mut c = context(&admin);
    c.insert("form", &form_rows(&described));
    c.insert("history", &history_rows(&described));
    c.insert("opened", &super::when(&case.opened_at));
    c.insert("case", &described);
    c.insert("may_approve", &allowed.approve);
    c.insert("may_reject", &allowed.reject);
    c.insert("may_pack", &allowed.pack);
    let done = query
        .done
        .filter(|d| [Verdict::Approve.as_str(), Verdict::Reject.as_str()].contains(&d.as_str()));
    c.insert("done", &done);
    console.pages.page(StatusCode::OK, "case.html", &c)
}

/// No case with this reference.
pub fn not_found(console: &Console, admin: &Admin, reference: &str) -> Result<Response, WebError> {
    let mut c = context(admin);
    c.insert("reference", reference);
    console
        .pages
        .page(StatusCode::NOT_FOUND, "not_found.html", &c)
}

/// One line of the form as read: the question's key, the answer as text,
/// and where it came from.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct FormRow {
    key: String,
    /// The answer as text, one item a line.
    lines: Vec<String>,
    from: Option<String>,
}

/// The form's answers by question, the unanswered left out.
fn form_rows(described: &Value) -> Vec<FormRow> {
    let Some(form) = described["form"].as_object() else {
        return Vec::new();
    };
    form.iter()
        .map(|(key, value)| FormRow {
            key: key.clone(),
            lines: text(value).lines().map(str::to_string).collect(),
            from: described["provenance"][key].as_str().map(str::to_string),
        })
        .filter(|row| !row.lines.is_empty())
        .collect()
}

#[derive(Debug, Serialize)]
struct HistoryRow {
    at: String,
    actor: String,
    event: String,
    detail: String,
}

fn history_rows(described: &Value) -> Vec<HistoryRow> {
    described["history"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| HistoryRow {
            at: super::when(e["at"].as_str().unwrap_or_default()),
            actor: text(&e["actor"]),
            event: text(&e["event"]).replace('_', " "),
            detail: text(&e["detail"]),
        })
        .collect()
}

/// A stored value as plain text: lists one item a line, records as
/// "name: value" pairs; nothing for null.
pub fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(true) => "Yes".into(),
        Value::Bool(false) => "No".into(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items
            .iter()
            .map(text)
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("\n"),
        // A person's name first, then the rest.
        Value::Object(fields) => fields
            .iter()
            .filter(|(k, _)| *k == "name")
            .chain(fields.iter().filter(|(k, _)| *k != "name"))
            .map(|(k, v)| (k.replace('_', " "), text(v)))
            .filter(|(_, t)| !t.is_empty())
            .map(|(k, t)| format!("{k}: {t}"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_read_as_text() {
        assert_eq!(text(&json!(null)), "");
        assert_eq!(text(&json!(true)), "Yes");
        assert_eq!(text(&json!(2)), "2");
        assert_eq!(
            text(
                &json!([{"name": "Jane Carer", "mobile": null}, {"name": "Tom", "mobile": "07700"}])
            ),
            "name: Jane Carer\nname: Tom, mobile: 07700"
        );
    }

    #[test]
    fn the_form_keeps_its_answers_with_where_they_came_from() {
        let d = json!({
            "form": {"care_home_name": "Rose <b>Lodge</b>", "postcode": null, "accounts": []},
            "provenance": {"care_home_name": "email body, line 3"},
        });
        assert_eq!(
            form_rows(&d),
            vec![FormRow {
                key: "care_home_name".into(),
                lines: vec!["Rose <b>Lodge</b>".into()],
                from: Some("email body, line 3".into()),
            }]
        );
    }
}
