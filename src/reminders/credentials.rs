//! The administrators told of the stored sign-in's health: warned before
//! the refresh token lapses and at the first refusal (an email through the
//! outbox, beside the operator's log). Marker files in `<state>/oauth2/`
//! keep each warning to once. When a token lapses is `oauth::health`'s
//! (pure) reckoning.

use crate::app::App;
use crate::config::OAuth2Flow;
use crate::emails::Template;
use crate::oauth::health::{describe_left, due_for_warning, lapses_at};
use crate::oauth::stored;
use chrono::Utc;
use std::path::PathBuf;
use tracing::{error, warn};

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
    if notify(app, Template::CredentialsExpiring, c).await {
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
    if notify(app, Template::CredentialsRefused, c).await {
        let _ = std::fs::create_dir_all(path.parent().unwrap_or(&app.state_dir));
        let _ = std::fs::write(&path, Utc::now().to_rfc3339());
    }
}

/// A sign-in worked: a later refusal is news again.
pub fn note_success(app: &App) {
    let _ = std::fs::remove_file(marker(app, "refusal-notified"));
}

async fn notify(app: &App, template: Template, mut c: tera::Context) -> bool {
    c.insert("sponsor", &crate::actions::sponsor(app));
    c.insert(
        "mailbox",
        &app.config
            .mailbox
            .imap
            .as_ref()
            .map_or(app.config.sponsor.address.as_str(), |i| i.username.as_str()),
    );
    let draft = app.to_administrators(template);
    let queued = match app.compose(&draft, &c) {
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
            error!(error = %e, template = template.name(), "cannot queue the email to the administrators");
            false
        }
    }
}
