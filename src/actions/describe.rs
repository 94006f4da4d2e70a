//! One case as the administrators read it: its form with where each value
//! came from, findings, registers, every message in and out, and its
//! history with the hash chain checked. `cases show` prints it; the web
//! console shows it.

use crate::app::App;
use crate::store::{CaseRecord, StoreError, verify_chain};
use serde_json::{Value, json};

/// Everything known of one case, as `cases show --json` prints it and the
/// web console's case page shows it.
pub async fn describe(app: &App, case: &CaseRecord) -> Result<Value, StoreError> {
    let messages = app.store.messages_for_case(case.id).await?;
    let outbox = app.store.outbox_for_case(case.id).await?;
    let events = app.store.events_for_case(case.id).await?;
    let parse = |s: &str| serde_json::from_str::<Value>(s).unwrap_or(Value::Null);
    Ok(json!({
        "reference": case.reference,
        "state": case.state,
        "care_home_name": case.care_home_name,
        "cqc_registration_number": case.cqc_id,
        "applicant_name": case.applicant_name,
        "applicant_email": case.applicant_email,
        "contact_address": case.contact_address,
        "complete": case.complete,
        "opened_at": case.opened_at,
        "completed_at": case.completed_at,
        "due_on": case.due_on,
        "form": parse(&case.form_json),
        "provenance": provenance(&case.provenance_json),
        "please_check": super::please_check(case),
        "findings": parse(&case.findings_json),
        "registers": case.registers_json.as_deref().map_or(Value::Null, parse),
        "messages_in": messages.iter().map(|m| json!({
            "received_at": m.received_at, "from": m.from_addr, "subject": m.subject,
            "message_id": m.message_id, "kind": m.kind, "status": m.status.as_str(), "note": m.note,
        })).collect::<Vec<_>>(),
        "messages_out": outbox.iter().map(|o| json!({
            "created_at": o.created_at, "purpose": o.purpose, "to": o.recipients, "subject": o.subject,
            "message_id": o.message_id, "status": o.status.as_str(), "attempts": o.attempts,
            "sent_at": o.sent_at, "last_error": o.last_error,
        })).collect::<Vec<_>>(),
        "history": events.iter().map(|e| json!({
            "at": e.at, "actor": e.actor, "event": e.event, "detail": parse(&e.detail),
        })).collect::<Vec<_>>(),
        "history_intact": verify_chain(case.id, &events).is_ok(),
    }))
}

/// Where each value came from, as people read it: `application.xlsx, Sheet1!B7`.
fn provenance(json: &str) -> Value {
    let map: crate::form::Provenance = serde_json::from_str(json).unwrap_or_default();
    map.iter()
        .map(|(field, origin)| (field.key().to_string(), Value::String(origin.to_string())))
        .collect()
}
