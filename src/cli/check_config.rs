//! `check-config`: reads the configuration, loads every secret, renders every
//! template with sample data and reads the calendar, connecting to nothing.

use super::{CliError, exit, load_config};
use crate::config::{MailboxKind, TransportKind};
use crate::emails::{EMAILS, Templates};
use std::path::Path;

pub fn run(path: &Path) -> Result<(), CliError> {
    let config = load_config(path)?;
    let fail = |e: String| CliError::new(exit::CONFIG, e);
    if config.mailbox.kind == MailboxKind::Imap
        && let Some(imap) = &config.mailbox.imap
    {
        imap.password
            .load("mailbox.imap")
            .map_err(|e| fail(e.to_string()))?;
    }
    if config.outbox.transport == TransportKind::Smtp
        && let Some(smtp) = config.outbox.smtp.as_ref().filter(|s| s.username.is_some())
    {
        smtp.password
            .load("outbox.smtp")
            .map_err(|e| fail(e.to_string()))?;
    }
    let templates = Templates::load(&config.path(&config.templates.directory))
        .map_err(|e| fail(format!("templates.directory: {e}")))?;
    let sample = sample_context();
    for name in EMAILS {
        templates
            .render(name, &sample)
            .map_err(|e| fail(format!("templates.directory: {e}")))?;
    }
    let calendar = crate::app::load_calendar(&config).map_err(|e| fail(e.to_string()))?;
    println!("configuration {} is valid", path.display());
    println!(
        "  database:  {}",
        if config.database.url.starts_with("sqlite") {
            "SQLite"
        } else {
            "PostgreSQL"
        }
    );
    println!(
        "  mailbox:   {:?}, backlog: {}",
        config.mailbox.kind,
        crate::mailbox::Source::describe_backlog(config.mailbox.backlog)
    );
    println!("  outbox:    {:?}", config.outbox.transport);
    println!(
        "  timescale: {} working days",
        config.sponsor.decision_working_days
    );
    if let Some(last) = calendar.last_known_holiday() {
        println!("  bank holidays known until {last}");
    }
    Ok(())
}

/// Sample data that exercises every template variable.
pub fn sample_context() -> tera::Context {
    let mut c = tera::Context::new();
    c.insert("sponsor", &serde_json::json!({"name": "Sample ICB", "display_name": "NHSmail Sponsorship", "address": "sponsor@example.org", "helpdesk_telephone": "0113 496 0000"}));
    c.insert("reference", "LSM-2026-0001");
    c.insert("applicant_name", "Jane Smith");
    c.insert("care_home_name", "Rose Hill Care Home");
    c.insert("complete", &false);
    c.insert("working_days", &10);
    c.insert("due_date", "Monday 7 December 2026");
    c.insert("missing", &serde_json::json!([{"field": "cqc_registration_number", "message": "Please give your CQC registration number."}]));
    c.insert("folder", "Quarantine");
    c.insert("reason", "sample");
    c.insert("message", &serde_json::json!({"from": "someone@example.org", "subject": "Sample", "received_at": "2026-11-23T10:00:00Z"}));
    c
}
