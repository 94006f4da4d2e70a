//! The canary: a marked test email to our own mailbox, sent through the
//! outbox like any other, expected back within `canary_timeout_minutes`.
//! The intake ignores it (it carries our marker header) but records its
//! Message-ID, which is how we see it arrived. If it does not arrive in
//! time the administrators are emailed and an error is logged: a silently
//! stalled mailbox is the commonest failure of intake systems. It is never
//! answered and never opens a case.

use super::{JobError, Period, parse_time};
use crate::actions::sponsor;
use crate::app::App;
use crate::emails::{Draft, Template};
use crate::store::{CanaryRecord, timestamp};
use chrono::{DateTime, Utc};
use tracing::{error, info};

/// The header that carries the canary's token.
pub const CANARY_HEADER: &str = "X-Sponsor-Intake-Canary";

/// Where a canary stands at `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Arrived,
    Waiting,
    Late,
}

/// A canary arrived if its Message-ID was taken in; late once its deadline passed.
pub fn status(arrived: bool, deadline: DateTime<Utc>, now: DateTime<Utc>) -> Status {
    if arrived {
        Status::Arrived
    } else if now > deadline {
        Status::Late
    } else {
        Status::Waiting
    }
}

/// Sends this period's canary.
pub async fn run(app: &App, period: &Period) -> Result<String, JobError> {
    let now = app.clock.now();
    let token = format!("{:032x}", rand::random::<u128>());
    let mut c = tera::Context::new();
    c.insert("sponsor", &sponsor(app));
    c.insert("token", &token);
    c.insert("sent_at", &timestamp(now));
    let draft = Draft::new(Template::Canary, vec![app.config.sponsor.address.clone()]);
    let email = app.sender.compose_with_headers(
        &app.templates,
        &draft,
        &c,
        &[(CANARY_HEADER, token.as_str())],
    )?;
    let timeout =
        chrono::Duration::minutes(i64::from(app.config.jobs.canary.canary_timeout_minutes));
    let record = CanaryRecord {
        token: token.clone(),
        message_id: email.message_id.clone(),
        sent_at: timestamp(now),
        deadline: timestamp(now + timeout),
        seen_at: None,
        alerted_at: None,
    };
    app.store.record_canary(&record, &email).await?;
    info!(canary = %token, period = %period.key, "canary queued");
    Ok(format!(
        "canary {token} queued; expected back by {}",
        record.deadline
    ))
}

/// Looks for the canaries still out: marks those that arrived, alerts on late ones.
pub async fn check(app: &App) -> Result<(), JobError> {
    let now = app.clock.now();
    for canary in app.store.open_canaries().await? {
        let arrived = app
            .store
            .received_at_for_message_id(&canary.message_id)
            .await?;
        let Some(deadline) = parse_time(&canary.deadline) else {
            continue;
        };
        match status(arrived.is_some(), deadline, now) {
            Status::Arrived => {
                let at = arrived.unwrap_or_default();
                app.store.mark_canary_seen(&canary.token, &at).await?;
                info!(canary = %canary.token, arrived_at = %at, "canary arrived");
            }
            Status::Waiting => {}
            Status::Late => alert(app, &canary, now).await?,
        }
    }
    Ok(())
}

async fn alert(app: &App, canary: &CanaryRecord, now: DateTime<Utc>) -> Result<(), JobError> {
    let timeout = app.config.jobs.canary.canary_timeout_minutes;
    error!(
        canary = %canary.token,
        sent_at = %canary.sent_at,
        timeout_minutes = timeout,
        mailbox = %app.config.sponsor.address,
        "the canary email has not arrived in the mailbox: mail may not be reaching the daemon"
    );
    let mut c = tera::Context::new();
    c.insert("sponsor", &sponsor(app));
    c.insert("token", &canary.token);
    c.insert("sent_at", &canary.sent_at);
    c.insert("timeout_minutes", &timeout);
    let draft = app
        .to_administrators(Template::CanaryAlert)
        .purpose("canary alert");
    let email = app.compose(&draft, &c)?;
    app.store
        .record_canary_alert(&canary.token, &timestamp(now), &email)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn late_only_after_the_deadline_and_never_once_arrived() {
        let deadline = at("2026-12-21T09:30:00Z");
        assert_eq!(
            status(false, deadline, at("2026-12-21T09:29:00Z")),
            Status::Waiting
        );
        assert_eq!(
            status(false, deadline, at("2026-12-21T09:30:00Z")),
            Status::Waiting
        );
        assert_eq!(
            status(false, deadline, at("2026-12-21T09:31:00Z")),
            Status::Late
        );
        assert_eq!(
            status(true, deadline, at("2026-12-21T11:00:00Z")),
            Status::Arrived
        );
    }
}
