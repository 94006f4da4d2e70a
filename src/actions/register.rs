//! Registration (section 5): the pack of what to create, and recording that
//! the accounts exist, which sends the care home the first-login guidance.

use super::{form_of, limited_to_four};
use crate::app::App;
use crate::case::CaseState;
use crate::case::pack::{self, Pack};
use crate::emails::Template;
use crate::store::{CaseRecord, NewEvent, timestamp};

use super::DecideError;

/// What to create in the NHSmail portal for a case.
pub fn pack_for(app: &App, case: &CaseRecord) -> Pack {
    let form = form_of(case);
    pack::build(
        &form,
        &app.config.sponsor.short_name,
        limited_to_four(&form),
    )
}

/// Records that the accounts were created and queues the first-login guidance.
pub async fn register(
    app: &App,
    case: &CaseRecord,
    actor: &str,
) -> Result<CaseRecord, DecideError> {
    if CaseState::parse(&case.state) != Some(CaseState::Approved) {
        return Err(DecideError::WrongState {
            reference: case.reference.clone(),
            state: case.state.clone(),
            verdict: "registered",
        });
    }
    let now = timestamp(app.clock.now());
    let p = pack_for(app, case);
    let mut c = super::case_context(app, case);
    c.insert("users", &p.users);
    c.insert("shared_mailbox", &p.shared_mailbox);
    c.insert("helpdesk_telephone", &app.config.sponsor.helpdesk_telephone);
    c.insert(
        "password_arrangement",
        &app.config.sponsor.password_arrangement,
    );
    let draft = super::to_care_home(case, Template::Registered).purpose("first-login guidance");
    let email = app.compose(&draft, &c)?;
    let mut updated = case.clone();
    updated.state = CaseState::Registered.as_str().to_string();
    updated.registered_at = Some(now.clone());
    let event = NewEvent {
        at: now.clone(),
        actor: actor.to_string(),
        event: "registered".into(),
        detail: serde_json::json!({ "users": p.users.len(), "shared_mailbox": p.shared_mailbox.is_some(), "email": email.message_id }).to_string(),
    };
    app.store
        .update_case(&updated, &now, None, &[event], &[email])
        .await?;
    Ok(app
        .store
        .case_by_reference(&case.reference)
        .await?
        .unwrap_or(updated))
}
