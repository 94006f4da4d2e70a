//! `check-config`: reads the configuration, loads every secret, renders every
//! template with sample data and reads the calendar, connecting to nothing.
//! With `--connect` it then signs in to the mailbox and the SMTP server (as
//! the daemon would, OAuth2 included) and reports how long the credentials
//! have left.

use super::{CliError, exit, load_config};
use crate::config::{MailboxKind, TransportKind};
use crate::emails::{Template, Templates};
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
    let sample = crate::emails::sample_context();
    for template in Template::ALL {
        templates
            .render(template, &sample)
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
