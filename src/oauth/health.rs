//! The health of the stored credentials. A refresh token lapses after a
//! period unused (Microsoft: 90 days) and when the mailbox's password is
//! changed (NHSmail application accounts change it yearly:
//! `refresh_token_max_age_days`). The operator's log and the administrators
//! (an email through the outbox) are warned before it lapses and at the
//! first refusal; marker files in `<state>/oauth2/` keep each warning to once.

use super::stored::{self, StoredToken};
use crate::app::App;
use crate::config::{OAuth2, OAuth2Flow};
use crate::emails::Draft;
use chrono::{DateTime, Duration, Utc};
use std::path::PathBuf;
use tracing::{error, warn};

/// When the stored refresh token lapses at the latest.
pub fn lapses_at(token: &StoredToken, o: &OAuth2) -> DateTime<Utc> {
    let unused = token.last_used_at + Duration::days(i64::from(o.refresh_token_inactivity_days));
    match o.refresh_token_max_age_days {
        Some(days) => unused.min(token.obtained_at + Duration::days(i64::from(days))),
        None => unused,
    }
}

/// Whether to warn now: within `warn_before_days` of the lapse.
pub fn due_for_warning(token: &StoredToken, o: &OAuth2, now: DateTime<Utc>) -> bool {
    now + Duration::days(i64::from(o.warn_before_days)) >= lapses_at(token, o)
}

/// "41 days", "5 hours", "lapsed": how long is left, for people.
pub fn describe_left(until: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let left = until - now;
    if left <= Duration::zero() {
        "lapsed".into()
    } else if left >= Duration::days(2) {
        format!("{} days", left.num_days())
    } else if left >= Duration::hours(2) {
        format!("{} hours", left.num_hours())
    } else {
        format!("{} minutes", left.num_minutes().max(1))
    }
}

fn marker(app: &App, name: &str) -> PathBuf {
    app.state_dir.join("oauth2").join(name)
}

/// Warns (once per `login`) when the stored refresh token is due to lapse soon.
pub async fn check_lapse(app: &App) {
    let Some(o) = app
        .config
        .oauth2
        .as_ref()
        .filter(|o| o.flow == OAuth2Flow::DeviceCode)
    else {
        return;
    };
    let Ok(Some(token)) = stored::load(&stored::path(&app.state_dir)) else {
        return;
    };
    let now = Utc::now();
    if !due_for_warning(&token, o, now) {
        return;
    }
    let lapses = lapses_at(&token, o);
    let key = token.obtained_at.to_rfc3339();
    let path = marker(app, "lapse-warned");
    if std::fs::read_to_string(&path).is_ok_and(|k| k.trim() == key) {
        return;
    }
    warn!(lapses_at = %lapses, left = %describe_left(lapses, now), "the stored OAuth2 sign-in lapses soon: run `sponsor-intake login` before then");
    let mut c = tera::Context::new();
    c.insert("lapses_on", &crate::actions::long_date(lapses.date_naive()));
    c.insert("left", &describe_left(lapses, now));
    if notify(app, "credentials_expiring", c).await {
        let _ = std::fs::write(&path, key);
    }
}

/// A server or the token endpoint refused our credentials: the operator's log
/// every time (by the caller), the administrators once until a sign-in works again.
pub async fn note_refusal(app: &App, reason: &str) {
    let path = marker(app, "refusal-notified");
    if path.exists() {
        return;
    }
    error!("emailing the administrators (once) that sponsor-intake cannot sign in");
    let mut c = tera::Context::new();
    c.insert("reason", reason);
    if notify(app, "credentials_refused", c).await {
        let _ = std::fs::create_dir_all(path.parent().unwrap_or(&app.state_dir));
        let _ = std::fs::write(&path, Utc::now().to_rfc3339());
    }
}

/// A sign-in worked: a later refusal is news again.
pub fn note_success(app: &App) {
    let _ = std::fs::remove_file(marker(app, "refusal-notified"));
}

async fn notify(app: &App, template: &str, mut c: tera::Context) -> bool {
    c.insert("sponsor", &crate::actions::sponsor(app));
    c.insert(
        "mailbox",
        &app.config
            .mailbox
            .imap
            .as_ref()
            .map_or(app.config.sponsor.address.as_str(), |i| i.username.as_str()),
    );
    let draft = Draft {
        template,
        purpose: template,
        to: app.config.administrators.addresses.clone(),
        thread: Vec::new(),
        reference: None,
        auto_reply: false,
        suppressed: false,
        attachments: Vec::new(),
    };
    let queued = match app.sender.compose(&app.templates, &draft, &c) {
        Ok(email) => app
            .store
            .queue_email(&email)
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    match queued {
        Ok(()) => true,
        Err(e) => {
            error!(error = %e, template, "cannot queue the email to the administrators");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    fn settings(max_age: Option<u32>) -> OAuth2 {
        let toml = format!(
            "flow = \"device-code\"\nclient_id = \"x\"\n{}",
            max_age.map_or(String::new(), |d| format!(
                "refresh_token_max_age_days = {d}\n"
            ))
        );
        toml::from_str(&toml).unwrap()
    }

    fn token(obtained_days_ago: i64, used_days_ago: i64, now: DateTime<Utc>) -> StoredToken {
        StoredToken {
            refresh_token: Secret::new("rt"),
            obtained_at: now - Duration::days(obtained_days_ago),
            last_used_at: now - Duration::days(used_days_ago),
        }
    }

    #[test]
    fn lapses_ninety_days_after_last_use_by_default() {
        let now = Utc::now();
        let t = token(200, 80, now);
        let o = settings(None);
        assert_eq!(lapses_at(&t, &o), now + Duration::days(10));
        assert!(due_for_warning(&t, &o, now), "10 days left, warned at 14");
        assert!(!due_for_warning(&token(200, 1, now), &o, now));
    }

    #[test]
    fn a_yearly_password_change_comes_first() {
        let now = Utc::now();
        let o = settings(Some(365));
        let t = token(360, 0, now);
        assert_eq!(lapses_at(&t, &o), now + Duration::days(5));
        assert!(due_for_warning(&t, &o, now));
    }

    #[test]
    fn time_left_reads_well() {
        let now = Utc::now();
        assert_eq!(describe_left(now + Duration::days(41), now), "41 days");
        assert_eq!(describe_left(now + Duration::hours(5), now), "5 hours");
        assert_eq!(describe_left(now - Duration::hours(5), now), "lapsed");
    }
}
