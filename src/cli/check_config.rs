//! `check-config`: reads the configuration, loads every secret, renders every
//! template with sample data and reads the calendar, connecting to nothing.
//! With `--connect` it then signs in to the mailbox and the SMTP server (as
//! the daemon would, OAuth2 included) and reports how long the credentials
//! have left.

use super::{CliError, exit, load_config};
use crate::config::{MailboxKind, TransportKind};
use crate::emails::{EMAILS, Templates};
use std::path::Path;

pub fn run(path: &Path, connect: bool) -> Result<(), CliError> {
    let config = load_config(path)?;
    let fail = |e: String| CliError::new(exit::CONFIG, e);
    if config.mailbox.kind == MailboxKind::Imap
        && let Some(imap) = config.mailbox.imap.as_ref().filter(|i| !i.auth.is_oauth())
    {
        imap.password
            .load("mailbox.imap")
            .map_err(|e| fail(e.to_string()))?;
    }
    if config.outbox.transport == TransportKind::Smtp
        && let Some(smtp) = config
            .outbox
            .smtp
            .as_ref()
            .filter(|s| s.username.is_some() && !s.auth.is_oauth())
    {
        smtp.password
            .load("outbox.smtp")
            .map_err(|e| fail(e.to_string()))?;
    }
    let registers_on = config
        .registers
        .load_key()
        .map_err(|e| fail(e.to_string()))?
        .is_some();
    crate::oauth::TokenSource::from_config(&config).map_err(|e| fail(e.to_string()))?;
    let templates = Templates::load(&config.path(&config.templates.directory))
        .map_err(|e| fail(format!("templates.directory: {e}")))?;
    let sample = sample_context();
    for name in EMAILS {
        templates
            .render(name, &sample)
            .map_err(|e| fail(format!("templates.directory: {e}")))?;
    }
    if config.web.is_some() {
        crate::web::check_pages(&config.path(&config.templates.directory))
            .map_err(|e| fail(e.to_string()))?;
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
        "  instance:  {} (intake lease {} s)",
        config.instance.id.as_deref().unwrap_or("<hostname>:<pid>"),
        config.instance.intake_lease_seconds
    );
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
    println!(
        "  registers: {}",
        if registers_on {
            format!(
                "CQC, ODS and DSPT checks on; re-checked \"{}\" ({})",
                config.registers.recheck_schedule, config.sponsor.timezone
            )
        } else {
            "off (no registers.cqc_key_env or cqc_key_file)".to_string()
        }
    );
    if let Some(w) = &config.web {
        println!(
            "  web:       console on {}, served as {}",
            w.listen.trim(),
            w.base_url()
        );
    }
    if let Some(last) = calendar.last_known_holiday() {
        println!("  bank holidays known until {last}");
    }
    if let Some(o) = &config.oauth2 {
        println!(
            "  oauth2:    {:?} flow, token endpoint {}",
            o.flow,
            o.token_endpoint()
        );
    }
    if connect {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| CliError::new(exit::FAILURE, e))?;
        runtime.block_on(connect_and_report(&config))?;
    }
    Ok(())
}

/// Signs in to both servers and says how long the credentials have left.
async fn connect_and_report(config: &crate::config::Config) -> Result<(), CliError> {
    let oauth = crate::oauth::TokenSource::from_config(config)
        .map_err(|e| CliError::new(exit::CONFIG, e))?
        .map(std::sync::Arc::new);
    let unavailable = |what: &str, e: &dyn std::fmt::Display| {
        CliError::new(exit::UNAVAILABLE, format!("{what}: {e}"))
    };
    if let Some(source) = &oauth {
        let token = source
            .access_token()
            .await
            .map_err(|e| unavailable("oauth2", &e))?;
        let left = token
            .expires_at
            .saturating_duration_since(std::time::Instant::now());
        println!(
            "  oauth2:    access token obtained; valid for {} more minutes (renewed on its own)",
            left.as_secs() / 60
        );
        report_stored(config, source);
    }
    if config.mailbox.kind == MailboxKind::Imap {
        let survey = crate::mailbox::survey::Survey::open(config, oauth.as_deref())
            .await
            .map_err(|e| unavailable("mailbox.imap", &e))?;
        survey.close().await;
        let imap = config.mailbox.imap.as_ref();
        println!(
            "  mailbox:   signed in to {} as {} ({})",
            imap.map_or("", |i| i.host.as_str()),
            imap.map_or("", |i| i.username.as_str()),
            imap.map_or("LOGIN", |i| i.auth.mechanism())
        );
    }
    if config.outbox.transport == TransportKind::Smtp {
        let transport = crate::outbox::Transport::from_config(config, oauth.clone())
            .map_err(|e| CliError::new(exit::CONFIG, e))?;
        crate::outbox::test_sign_in(&transport)
            .await
            .map_err(|e| unavailable("outbox.smtp", &e))?;
        let smtp = config.outbox.smtp.as_ref();
        println!(
            "  outbox:    signed in to {} ({})",
            smtp.map_or("", |s| s.host.as_str()),
            match smtp {
                Some(s) if s.username.is_none() => "no sign-in",
                Some(s) if s.auth.is_oauth() => "XOAUTH2",
                _ => "password",
            }
        );
    }
    Ok(())
}

/// The stored refresh token's dates (device-code flow).
fn report_stored(config: &crate::config::Config, source: &crate::oauth::TokenSource) {
    use crate::oauth::{health, stored};
    let Some(o) = &config.oauth2 else { return };
    match o.flow {
        crate::config::OAuth2Flow::DeviceCode => {
            if let Ok(Some(t)) = stored::load(source.store_path()) {
                let now = chrono::Utc::now();
                let lapses = health::lapses_at(&t, o);
                println!(
                    "  oauth2:    signed in with `login` on {}; the sign-in lapses by {} ({} left{}) unless used",
                    t.obtained_at.format("%Y-%m-%d"),
                    lapses.format("%Y-%m-%d"),
                    health::describe_left(lapses, now),
                    if health::due_for_warning(&t, o, now) {
                        ": run `sponsor-intake login` again soon"
                    } else {
                        ""
                    }
                );
            }
        }
        crate::config::OAuth2Flow::ClientCredentials => println!(
            "  oauth2:    the client secret's own expiry date is shown in the app registration (Certificates & secrets)"
        ),
        crate::config::OAuth2Flow::Command => {}
    }
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
    c.insert(
        "first_lines",
        "Hello, how do we get NHSmail for our care home?",
    );
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
    c.insert("registers", &serde_json::json!({"outcome": "checked", "words": "checked", "checked_on": "2026-11-23",
        "rows": [{"section": "CQC", "label": "Name", "label_padded": "Name:                ", "form": "Rose Hill", "register": "Rose Hill Care Home", "differs": false, "agrees": true},
                 {"section": "DSPT", "label": "DSPT status", "label_padded": "DSPT status:         ", "form": "completed (Yes)", "register": "Standards Met (2025-26, site VN4AB)", "differs": false, "agrees": true}],
        "unreachable": ["ODS: no answer in time"], "dspt_stands_in": true,
        "notices": ["The form names the care home 'Rose Hill' but the CQC register calls it 'Oak Lodge'."]}));
    c.insert(
        "before",
        "could not check (the CQC register could not be reached)",
    );
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
    c.insert("read", &serde_json::json!({"any": true, "care_home_name": "Rose Hill Care Home", "care_home_address": "1 Rose Hill, Leeds, LS6 2AB",
        "care_home_telephone": "0113 496 0000", "cqc_registration_number": "1-123456789", "applicant_name": "Jane Smith", "applicant_role": "Registered Manager",
        "applicant_email": "jane@home.example", "individual_accounts_requested": 1, "accounts": [{"name": "Jane Smith", "account": "jane.smith", "mobile": "07700 900123"}],
        "shared_mailbox": {"name": "RoseHill", "owner": "Jane Smith", "owner_mobile": "07700 900123"}}));
    c.insert("guessed", &["care_home_telephone", "shared_mailbox_name"]);
    let change = serde_json::json!([{"field": "cqc_registration_number", "old": "1-111111111", "new": "1-123456789"}]);
    c.insert("changes", &change);
    c.insert("corrections", &change);
    c.insert("unreadable", &serde_json::json!([{"filename": "form.pdf", "code": "password", "reason": "the file is protected with a password"}]));
    c.insert("form_unread", &true);
    c.insert(
        "form_missing",
        &["applicant_name", "cqc_registration_number"],
    );
    c.insert("report_missing", &true);
    c.insert("please_check", &serde_json::json!([{"field": "care_home_telephone", "value": "0113 496 0000", "why": "layout",
        "reason": "it had no label of its own and was read from where it stands", "place": "form.docx, table 1 row 3"}]));
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
    // Credential health (issue 6).
    c.insert("mailbox", "nhsmail.sponsor@xyzicb.example");
    c.insert("lapses_on", "Monday 7 December 2026");
    c.insert("left", "12 days");
    // Emails held over the per-recipient limit.
    c.insert("recipient", "manager@home.example");
    c.insert("purpose", "follow-up");
    c.insert("created_at", "2026-12-07T09:00:00.000Z");
    c.insert("limit", &10);
    c.insert("message_id", "receipt.0123456789abcdef@example.org");
    c
}
