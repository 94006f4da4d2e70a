//! A new application for a CQC number whose case is already decided
//! (approved or registered): linked to that case and reported to the
//! administrators, never a second case and never a reply.

use super::{Incoming, IntakeError, Outcome};
use crate::actions::{Report, report_to_administrators};
use crate::app::App;
use crate::store::{CaseRecord, MessageStatus, NewEvent, timestamp};
use tracing::info;

/// The same care home applies again while a case is live: link, flag, never open twice.
pub async fn link_to_decided(
    app: &App,
    mut incoming: Incoming,
    existing: CaseRecord,
) -> Result<Outcome, IntakeError> {
    info!(case.reference = %existing.reference, "second application for the same CQC number; linked to the decided case");
    incoming.record.status = MessageStatus::Processed;
    incoming.record.note = Some(format!(
        "second application; linked to {}",
        existing.reference
    ));
    let reason = format!(
        "A second application for CQC number {} arrived while case {} is {}. It was linked to that case and no new case was opened.",
        existing.cqc_id.as_deref().unwrap_or("-"),
        existing.reference,
        existing.state
    );
    let report = report_to_administrators(
        app,
        Report::Held {
            reference: &existing.reference,
            contact_address: &existing.contact_address,
            reason: &reason,
        },
        incoming.record.from_addr.as_deref(),
        incoming.record.subject.as_deref(),
        &incoming.record.received_at,
    )?;
    let event = NewEvent {
        at: timestamp(app.clock.now()),
        actor: incoming.care_home_actor(),
        event: "second application linked".into(),
        detail: serde_json::json!({ "message_id": incoming.record.message_id }).to_string(),
    };
    app.store
        .record_message(&incoming.record, Some(existing.id), Some(event), &[report])
        .await?;
    Ok(Outcome::Joined {
        reference: existing.reference,
    })
}
