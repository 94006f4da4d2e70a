//! Scheduled work (issue 5): the overdue-decision digest, chasers to care
//! homes and the lapse, the weekly summary, the canary and retention.
//!
//! Each job has a cron schedule (`[jobs]` in the configuration), read in the
//! sponsor's time zone. A run belongs to a period, the latest occurrence of
//! the schedule not after now; inserting (job, period) into `job_runs` is the
//! claim, so a restart, a second `once` or a second instance does not run a
//! period twice. Reminders are keyed (case, kind, period) in
//! `reminders_sent`, written in the same transaction as their emails.
//!
//! Each job is a file: its rules are pure functions (tested with fixed dates
//! and the bank-holiday calendar), its `run` does the reading and writing.

pub mod canary;
pub mod chasers;
pub mod credentials;
pub mod overdue;
pub mod registers;
pub mod retention;
pub mod schedule;
pub mod summary;

use crate::app::App;
use crate::emails::EmailError;
use crate::store::{StoreError, timestamp};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use tracing::{Instrument, error, info};

/// Why a job failed.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot prepare an email: {0}")]
    Email(#[from] EmailError),
    #[error(
        "no job named {0:?} (jobs: overdue, chasers, weekly_summary, canary, retention, registers)"
    )]
    Unknown(String),
    #[error("jobs.{0}.schedule: {1}")]
    Schedule(&'static str, String),
}

/// The jobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Job {
    Overdue,
    Chasers,
    WeeklySummary,
    Canary,
    Retention,
    /// Repeats register checks that could not be made (issue 7).
    Registers,
}

impl Job {
    pub const ALL: [Job; 6] = [
        Job::Overdue,
        Job::Chasers,
        Job::WeeklySummary,
        Job::Canary,
        Job::Retention,
        Job::Registers,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Job::Overdue => "overdue",
            Job::Chasers => "chasers",
            Job::WeeklySummary => "weekly_summary",
            Job::Canary => "canary",
            Job::Retention => "retention",
            Job::Registers => "registers",
        }
    }

    /// Reads a job name; `-` is accepted for `_`.
    pub fn parse(name: &str) -> Option<Job> {
        let n = name.trim().to_ascii_lowercase().replace('-', "_");
        Job::ALL.into_iter().find(|j| j.name() == n)
    }

    /// Whether the job is on, and its cron expression.
    pub fn settings(self, app: &App) -> (bool, &str) {
        let j = &app.config.jobs;
        match self {
            Job::Overdue => (j.overdue.enabled, &j.overdue.schedule),
            Job::Chasers => (j.chasers.enabled, &j.chasers.schedule),
            Job::WeeklySummary => (j.weekly_summary.enabled, &j.weekly_summary.schedule),
            Job::Canary => (j.canary.enabled, &j.canary.schedule),
            Job::Retention => (j.retention.enabled, &j.retention.schedule),
            Job::Registers => (
                app.config.registers.enabled(),
                &app.config.registers.recheck_schedule,
            ),
        }
    }

    fn schedule(self, app: &App) -> Result<cron::Schedule, JobError> {
        schedule::parse(self.settings(app).1).map_err(|e| JobError::Schedule(self.name(), e))
    }
}

/// The period a run belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct Period {
    /// The key in `job_runs` and `reminders_sent`.
    pub key: String,
    /// The occurrence (or now, for a schedule that never ran).
    pub at: DateTime<Tz>,
    /// The occurrence before it, if any (the start of what a summary covers).
    pub previous: Option<DateTime<Tz>>,
}

impl Period {
    fn of(schedule: &cron::Schedule, tz: Tz, now: DateTime<Utc>) -> Period {
        let at =
            schedule::current_period(schedule, tz, now).unwrap_or_else(|| now.with_timezone(&tz));
        Period {
            key: schedule::period_key(&at),
            previous: schedule::previous(schedule, &at),
            at,
        }
    }
}

/// What a run did.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct JobOutcome {
    pub job: &'static str,
    pub period: String,
    /// False when the period had already been run (nothing done).
    pub ran: bool,
    /// For people: `2 case(s) listed`, `failed: ...`.
    pub summary: String,
    pub failed: bool,
}

/// A claim on a period that was never finished (the process died, or the
/// run failed) is taken over after this: the period is tried again.
const STALE_CLAIM: chrono::Duration = chrono::Duration::hours(1);

/// Runs every enabled job whose current period has not been run, then checks
/// the canaries. Each failure is logged and reported; the others still run.
pub async fn run_due(app: &App) -> Vec<JobOutcome> {
    let mut out = Vec::new();
    for job in Job::ALL {
        if !job.settings(app).0 {
            continue;
        }
        match run_claimed(app, job, false).await {
            Ok(Some(o)) => out.push(o),
            Ok(None) => {}
            Err(e) => {
                error!(job = job.name(), error = %e, "scheduled job failed");
                out.push(JobOutcome {
                    job: job.name(),
                    period: String::new(),
                    ran: true,
                    summary: format!("failed: {e}"),
                    failed: true,
                });
            }
        }
    }
    if app.config.jobs.canary.enabled
        && let Err(e) = canary::check(app).await
    {
        error!(error = %e, "the canaries could not be checked");
    }
    out
}

/// Runs one job now (`jobs run NAME`), enabled or not, for its current
/// period even if that period already ran. Reminders already sent in the
/// period are still not sent again.
pub async fn run_now(app: &App, name: &str) -> Result<JobOutcome, JobError> {
    let job = Job::parse(name).ok_or_else(|| JobError::Unknown(name.to_string()))?;
    let outcome = run_claimed(app, job, true).await?;
    if job == Job::Canary {
        canary::check(app).await?;
    }
    Ok(outcome.unwrap_or_else(|| JobOutcome {
        job: job.name(),
        period: String::new(),
        ran: false,
        summary: "not run".into(),
        failed: false,
    }))
}

async fn run_claimed(app: &App, job: Job, force: bool) -> Result<Option<JobOutcome>, JobError> {
    let now = app.clock.now();
    let period = Period::of(&job.schedule(app)?, app.timezone, now);
    // A new installation has no week behind it: its first summary is the
    // next one due, not an empty one the moment it starts.
    let first_summary =
        job == Job::WeeklySummary && !force && app.store.last_job_run(job.name()).await?.is_none();
    let claimed = app
        .store
        .claim_job_run(
            job.name(),
            &period.key,
            &timestamp(now),
            &timestamp(now - STALE_CLAIM),
            force,
        )
        .await?;
    if !claimed {
        return Ok(None);
    }
    if first_summary {
        let summary = "not sent: the first start of this installation".to_string();
        app.store
            .finish_job_run(job.name(), &period.key, Some(&timestamp(now)), &summary)
            .await?;
        info!(job = job.name(), period = %period.key, "{summary}");
        return Ok(Some(JobOutcome {
            job: job.name(),
            period: period.key,
            ran: false,
            summary,
            failed: false,
        }));
    }
    let span = tracing::info_span!("job", job = job.name(), period = %period.key);
    let result = async {
        match job {
            Job::Overdue => overdue::run(app, &period).await,
            Job::Chasers => chasers::run(app, &period).await,
            Job::WeeklySummary => summary::run(app, &period).await,
            Job::Canary => canary::run(app, &period).await,
            Job::Retention => retention::run(app, &period).await,
            Job::Registers => registers::run(app).await,
        }
    }
    .instrument(span)
    .await;
    let finished = timestamp(app.clock.now());
    let (summary, failed) = match &result {
        Ok(s) => (s.clone(), false),
        Err(e) => (format!("failed: {e}"), true),
    };
    let finished = (!failed).then_some(finished.as_str());
    app.store
        .finish_job_run(job.name(), &period.key, finished, &summary)
        .await?;
    result?;
    info!(job = job.name(), period = %period.key, outcome = %summary, "scheduled job ran");
    Ok(Some(JobOutcome {
        job: job.name(),
        period: period.key,
        ran: true,
        summary,
        failed,
    }))
}

/// A line of `jobs list`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct JobStatus {
    pub job: &'static str,
    pub enabled: bool,
    pub schedule: String,
    pub last_period: Option<String>,
    pub last_started_at: Option<String>,
    pub last_outcome: Option<String>,
    pub next_run: Option<String>,
}

/// Each job, its schedule, its last run and its next.
pub async fn list(app: &App) -> Result<Vec<JobStatus>, JobError> {
    let now = app.clock.now();
    let mut out = Vec::new();
    for job in Job::ALL {
        let (enabled, expr) = job.settings(app);
        let schedule = job.schedule(app)?;
        let last = app.store.last_job_run(job.name()).await?;
        let next = if enabled {
            next_run(
                &schedule,
                app,
                now,
                last.as_ref().map(|l| l.period.as_str()),
            )
        } else {
            None
        };
        out.push(JobStatus {
            job: job.name(),
            enabled,
            schedule: expr.to_string(),
            last_period: last.as_ref().map(|l| l.period.clone()),
            last_started_at: last.as_ref().map(|l| l.started_at.clone()),
            last_outcome: last.and_then(|l| l.outcome),
            next_run: next.map(|n| n.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)),
        });
    }
    Ok(out)
}

/// When the job runs next: now if its current period has not been run, else its next occurrence.
fn next_run(
    schedule: &cron::Schedule,
    app: &App,
    now: DateTime<Utc>,
    last_period: Option<&str>,
) -> Option<DateTime<Tz>> {
    let current = schedule::current_period(schedule, app.timezone, now);
    // A run with a later `--now` may have done a period still to come.
    let last = last_period
        .and_then(|p| DateTime::parse_from_rfc3339(p).ok())
        .map(|d| d.with_timezone(&Utc));
    match current {
        Some(c) if last.is_none_or(|l| l < c.with_timezone(&Utc)) => {
            Some(now.with_timezone(&app.timezone))
        }
        _ => schedule::next_after(schedule, app.timezone, last.map_or(now, |l| l.max(now))),
    }
}

/// When the scheduler should wake next: the earliest next occurrence of an
/// enabled job, or a canary's deadline.
pub async fn next_wake(app: &App) -> Option<DateTime<Utc>> {
    let now = app.clock.now();
    let mut times: Vec<DateTime<Utc>> = Job::ALL
        .into_iter()
        .filter(|j| j.settings(app).0)
        .filter_map(|j| j.schedule(app).ok())
        .filter_map(|s| schedule::next_after(&s, app.timezone, now))
        .map(|t| t.with_timezone(&Utc))
        .collect();
    if app.config.jobs.canary.enabled
        && let Ok(open) = app.store.open_canaries().await
    {
        times.extend(open.iter().filter_map(|c| parse_time(&c.deadline)));
    }
    times.into_iter().min()
}

/// Reads a stored RFC 3339 time.
pub(crate) fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The sponsor's date of a stored time.
pub(crate) fn local_date(s: &str, tz: Tz) -> Option<NaiveDate> {
    parse_time(s).map(|t| t.with_timezone(&tz).date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_names_round_trip() {
        for j in Job::ALL {
            assert_eq!(Job::parse(j.name()), Some(j));
        }
        assert_eq!(Job::parse("weekly-summary"), Some(Job::WeeklySummary));
        assert_eq!(Job::parse("nothing"), None);
    }

    #[test]
    fn local_dates_are_the_sponsors() {
        // 23:30 UTC in summer is already the next day in London.
        assert_eq!(
            local_date("2026-07-01T23:30:00.000Z", chrono_tz::Europe::London),
            NaiveDate::from_ymd_opt(2026, 7, 2)
        );
    }
}
