//! `cases list` and `cases show`: what the administrators see of the cases.

use super::{CliError, exit};
use crate::app::App;
use crate::case::CaseState;
use serde_json::Value;
use std::io::Write;

fn db(e: crate::store::StoreError) -> CliError {
    CliError::new(exit::FAILURE, e)
}

pub async fn list(
    app: &App,
    state: Option<&str>,
    as_json: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let state = match state {
        Some(s) => Some(CaseState::parse(s).ok_or_else(|| {
            let known: Vec<_> = CaseState::ALL.iter().map(|s| s.as_str()).collect();
            CliError::new(
                exit::FAILURE,
                format!("unknown state {s:?}; use one of {}", known.join(", ")),
            )
        })?),
        None => None,
    };
    let cases = app
        .store
        .list_cases(state.map(CaseState::as_str))
        .await
        .map_err(db)?;
    let w = |e: std::io::Error| CliError::new(exit::FAILURE, e);
    if as_json {
        for c in &cases {
            writeln!(out, "{}", serde_json::to_string(c).unwrap_or_default()).map_err(w)?;
        }
        return Ok(());
    }
    if cases.is_empty() {
        writeln!(out, "no cases").map_err(w)?;
        return Ok(());
    }
    writeln!(
        out,
        "{:<15} {:<21} {:<11} {:<13} CARE HOME",
        "REFERENCE", "STATE", "DUE", "CQC"
    )
    .map_err(w)?;
    for c in &cases {
        writeln!(
            out,
            "{:<15} {:<21} {:<11} {:<13} {}",
            c.reference,
            c.state,
            c.due_on.as_deref().unwrap_or("-"),
            c.cqc_id.as_deref().unwrap_or("-"),
            c.care_home_name.as_deref().unwrap_or("(not given)")
        )
        .map_err(w)?;
    }
    Ok(())
}

pub async fn show(
    app: &App,
    reference: &str,
    as_json: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let case = app
        .store
        .case_by_reference(reference)
        .await
        .map_err(db)?
        .ok_or_else(|| {
            CliError::new(
                exit::NOT_FOUND,
                format!("no case with reference {reference}"),
            )
        })?;
    let doc = crate::actions::describe(app, &case).await.map_err(db)?;
    let w = |e: std::io::Error| CliError::new(exit::FAILURE, e);
    if as_json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        )
        .map_err(w)?;
    } else {
        write_text(out, &doc).map_err(w)?;
    }
    Ok(())
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn write_text(out: &mut dyn Write, d: &Value) -> std::io::Result<()> {
    writeln!(
        out,
        "Case {}  ({})",
        text(&d["reference"]),
        text(&d["state"])
    )?;
    writeln!(out, "  care home:   {}", text(&d["care_home_name"]))?;
    writeln!(
        out,
        "  applicant:   {} <{}>",
        text(&d["applicant_name"]),
        text(&d["applicant_email"])
    )?;
    writeln!(out, "  replies to:  {}", text(&d["contact_address"]))?;
    writeln!(
        out,
        "  opened:      {}   complete: {}   due: {}",
        text(&d["opened_at"]),
        text(&d["complete"]),
        text(&d["due_on"])
    )?;
    writeln!(out, "\nForm")?;
    if let Some(form) = d["form"].as_object() {
        for (key, value) in form {
            if value.is_null() || value.as_array().is_some_and(Vec::is_empty) {
                continue;
            }
            let from = d["provenance"]
                .get(key)
                .map(|p| format!("  ({})", text(p)))
                .unwrap_or_default();
            writeln!(out, "  {key}: {}{from}", text(value))?;
        }
    }
    let guesses = d["please_check"].as_array().cloned().unwrap_or_default();
    if !guesses.is_empty() {
        writeln!(
            out,
            "\nPlease check (not read cleanly; compare with the form)"
        )?;
    }
    for g in guesses {
        writeln!(
            out,
            "  {}: {}  ({}; {})",
            text(&g["field"]),
            text(&g["value"]),
            text(&g["reason"]),
            text(&g["place"])
        )?;
    }
    writeln!(out, "\nFindings")?;
    for f in d["findings"].as_array().into_iter().flatten() {
        writeln!(
            out,
            "  [{}] {} {}: {}",
            text(&f["severity"]),
            text(&f["code"]),
            text(&f["field"]),
            text(&f["message"])
        )?;
    }
    registers_text(out, &d["registers"])?;
    writeln!(out, "\nMessages in")?;
    for m in d["messages_in"].as_array().into_iter().flatten() {
        writeln!(
            out,
            "  {}  from {}  {:?}  [{}]",
            text(&m["received_at"]),
            text(&m["from"]),
            text(&m["subject"]),
            text(&m["kind"])
        )?;
    }
    writeln!(out, "\nMessages out")?;
    for m in d["messages_out"].as_array().into_iter().flatten() {
        writeln!(
            out,
            "  {}  {} to {}  {:?}  [{}]",
            text(&m["created_at"]),
            text(&m["purpose"]),
            text(&m["to"]),
            text(&m["subject"]),
            text(&m["status"])
        )?;
    }
    writeln!(
        out,
        "\nHistory{}",
        if d["history_intact"] == Value::Bool(true) {
            ""
        } else {
            "  (WARNING: the history chain does not verify)"
        }
    )?;
    for e in d["history"].as_array().into_iter().flatten() {
        writeln!(
            out,
            "  {}  {}  {}  {}",
            text(&e["at"]),
            text(&e["event"]),
            text(&e["actor"]),
            text(&e["detail"])
        )?;
    }
    Ok(())
}

/// The form beside the registers, side by side (issue 7).
fn registers_text(out: &mut dyn Write, r: &Value) -> std::io::Result<()> {
    if r.is_null() {
        return Ok(());
    }
    writeln!(
        out,
        "\nRegisters ({}, {})",
        text(&r["outcome"]),
        text(&r["checked_on"])
    )?;
    let rows = r["rows"].as_array().cloned().unwrap_or_default();
    if !rows.is_empty() {
        writeln!(out, "  {:<24} {:<36} REGISTER", "", "FORM")?;
    }
    for row in rows {
        let label = format!("{} {}", text(&row["section"]), text(&row["label"]));
        let mark = if row["verdict"] == "differs" {
            "  <-- differs"
        } else {
            ""
        };
        writeln!(
            out,
            "  {label:<24} {:<36} {}{mark}",
            text(&row["form"]),
            text(&row["register"])
        )?;
    }
    for u in r["unreachable"].as_array().into_iter().flatten() {
        writeln!(out, "  could not check: {}", text(u))?;
    }
    Ok(())
}
