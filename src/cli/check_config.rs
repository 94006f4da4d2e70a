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
    for (name, enabled, schedule) in config.jobs.schedules() {
        println!(
            "  job {name}: {}",
            if enabled {
                format!("\"{schedule}\" ({})", config.sponsor.timezone)
            } else {
                "off".to_string()
            }
        );
    }
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
    c.insert("from", "someone@example.org");
    c.insert("subject", "Sample");
    c.insert("received_at", "2026-11-23T10:00:00Z");
    c.insert("contact_address", "manager@home.example");
    c.insert("state", "ready_for_decision");
    c.insert("due_date_short", "7 Dec");
    c.insert("decision_code", "0123456789ab");
    c.insert(
        "linked",
        &serde_json::json!({"reference": "LSM-2026-0000", "state": "approved"}),
    );
    c.insert("head_office", &true);
    c.insert("home", &serde_json::json!({"name": "Rose Hill Care Home", "address": "1 Rose Hill, Leeds, LS6 2AB", "telephone": "0113 496 0000"}));
    c.insert("applicant", &serde_json::json!({"name": "Jane Smith", "role": "Registered Manager", "email": "jane@home.example"}));
    c.insert("cqc_id", "1-123456789");
    c.insert("cqc_link", "https://www.cqc.org.uk/location/1-123456789");
    c.insert("ig", &serde_json::json!({"answer": "Yes", "report": true}));
    c.insert(
        "existing",
        &serde_json::json!({"answer": "No", "addresses": []}),
    );
    c.insert(
        "secure",
        &serde_json::json!({"answer": "Yes", "reason": "Discharge summaries"}),
    );
    c.insert("accounts_requested", &2);
    let user = serde_json::json!({"display_name": "Jane Smith", "email_alias": "jane.smith@nhs.net", "mobile": "07700 900123"});
    c.insert("users", &serde_json::json!([user]));
    c.insert("left_out", &serde_json::json!(["Tom Jones"]));
    c.insert("business_justification", "Three shifts");
    c.insert("shared", &serde_json::json!({"requested": "RoseHill", "display_name": "RoseHill", "email_address": "icb.rosehillleeds@nhs.net", "owner": "Jane Smith", "owner_mobile": "07700 900123"}));
    c.insert("shared_mailbox", &serde_json::json!({"display_name": "RoseHill", "email_address": "icb.rosehillleeds@nhs.net"}));
    c.insert("notices", &serde_json::json!([{"code": "accounts_over_limit", "message": "Five accounts asked for."}]));
    c.insert("limited_to_four", &true);
    c.insert("mailboxes_requested", &5);
    c.insert("note", "Approved at the meeting");
    c.insert("secure_email_link", "https://example.org/secure-email");
    c.insert("helpdesk_telephone", "0113 496 0000");
    c.insert("password_arrangement", "by telephone");
    // Scheduled jobs (issue 5).
    c.insert("cases", &serde_json::json!([{"reference": "LSM-2026-0001", "care_home_name": "Rose Hill Care Home", "due_date": "Monday 7 December 2026", "days_overdue": 6, "escalated": true, "approve_command": "sponsor-intake cases approve LSM-2026-0001", "reject_command": "sponsor-intake cases reject LSM-2026-0001 --reason \"...\""}]));
    c.insert("escalated", &true);
    c.insert("escalate_after", &5);
    c.insert("opened_date", "Monday 23 November 2026");
    c.insert("chaser_number", &2);
    c.insert("final_chaser", &true);
    c.insert("lapse_date", "Monday 14 December 2026");
    c.insert("week_from", "Monday 30 November 2026");
    c.insert("week_to", "Monday 7 December 2026");
    c.insert("counts", &serde_json::json!({"received": 4, "completed": 3, "awaiting_information": 2, "awaiting_decision": 1, "decided": 3, "approved": 2, "rejected": 1, "overdue": 1}));
    c.insert("median_working_days", "4.0");
    c.insert("token", "0123456789abcdef0123456789abcdef");
    c.insert("sent_at", "2026-12-07T09:00:00.000Z");
    c.insert("timeout_minutes", &30);
    // Emails held over the per-recipient limit.
    c.insert("recipient", "manager@home.example");
    c.insert("purpose", "follow-up");
    c.insert("created_at", "2026-12-07T09:00:00.000Z");
    c.insert("limit", &10);
    c.insert("message_id", "receipt.0123456789abcdef@example.org");
    c
}
