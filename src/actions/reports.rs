//! Reports to the administrators about messages the daemon would not act on.

use crate::app::App;
use crate::emails::{EmailError, Template};
use crate::store::Outgoing;

/// Which report, and what it needs.
pub enum Report<'a> {
    /// A message could not be processed (moved to quarantine).
    Quarantined { reason: &'a str },
    /// A message about a case from an address the care home has never used.
    Held {
        reference: &'a str,
        contact_address: &'a str,
        reason: &'a str,
    },
    /// A message that is not an application: a question, a thank-you.
    NotAnApplication { first_lines: &'a str },
    /// Something that looks like a decision but may not be acted on.
    DecisionRefused {
        reference: &'a str,
        state: &'a str,
        reason: &'a str,
    },
}

/// Builds the report email about one incoming message.
pub fn report_to_administrators(
    app: &App,
    report: Report<'_>,
    from: Option<&str>,
    subject: Option<&str>,
    received_at: &str,
) -> Result<Outgoing, EmailError> {
    let mut c = tera::Context::new();
    c.insert("sponsor", &super::sponsor(app));
    c.insert("from", &from.unwrap_or("(unknown)"));
    c.insert("subject", &subject.unwrap_or("(no subject)"));
    c.insert("received_at", received_at);
    c.insert(
        "message",
        &serde_json::json!({ "from": from, "subject": subject, "received_at": received_at }),
    );
    let (template, reference) = match report {
        Report::Quarantined { reason } => {
            c.insert("folder", &app.config.mailbox.quarantine_folder);
            c.insert("reason", reason);
            (Template::QuarantineReport, None)
        }
        Report::NotAnApplication { first_lines } => {
            c.insert("folder", &app.config.mailbox.processed_folder);
            c.insert("first_lines", first_lines);
            (Template::EnquiryReport, None)
        }
        Report::Held {
            reference,
            contact_address,
            reason,
        } => {
            c.insert("reference", reference);
            c.insert("contact_address", contact_address);
            c.insert("reason", reason);
            (Template::HeldReport, Some(reference))
        }
        Report::DecisionRefused {
            reference,
            state,
            reason,
        } => {
            c.insert("reference", reference);
            c.insert("state", state);
            c.insert("reason", reason);
            (Template::DecisionRefusedReport, Some(reference))
        }
    };
    let draft = app.to_administrators(template).about(reference);
    app.compose(&draft, &c)
}

/// The report about an email held over `outbox.max_per_recipient_per_hour`.
pub fn held_email_report(
    app: &App,
    held: &crate::store::OutboxRecord,
    recipient: &str,
    limit: u32,
) -> Result<Outgoing, EmailError> {
    let mut c = tera::Context::new();
    c.insert("sponsor", &super::sponsor(app));
    c.insert("recipient", recipient);
    c.insert("subject", &held.subject);
    c.insert("purpose", &held.purpose);
    c.insert("created_at", &held.created_at);
    c.insert("message_id", &held.message_id);
    c.insert("limit", &limit);
    let draft = app.to_administrators(Template::EmailHeldReport);
    app.compose(&draft, &c)
}
