//! `jobs list` (each scheduled job, its schedule, last and next run) and
//! `jobs run NAME` (one job now).

use super::{CliError, exit};
use crate::app::App;
use crate::reminders::{self, JobError};
use std::io::Write;

fn job_error(e: JobError) -> CliError {
    let code = match e {
        JobError::Unknown(_) => exit::NOT_FOUND,
        JobError::Schedule(..) => exit::CONFIG,
        _ => exit::FAILURE,
    };
    CliError::new(code, e)
}

pub async fn list(app: &App, json: bool, out: &mut impl Write) -> Result<(), CliError> {
    let jobs = reminders::list(app).await.map_err(job_error)?;
    let io = |e: std::io::Error| CliError::new(exit::FAILURE, e);
    if json {
        for j in &jobs {
            let line = serde_json::to_string(j).map_err(|e| CliError::new(exit::FAILURE, e))?;
            writeln!(out, "{line}").map_err(io)?;
        }
        return Ok(());
    }
    writeln!(out, "time zone: {}", app.timezone).map_err(io)?;
    for j in &jobs {
        writeln!(
            out,
            "{:<15} {:<4} {:<22} last: {}  next: {}",
            j.job,
            if j.enabled { "on" } else { "off" },
            j.schedule,
            match (&j.last_period, &j.last_outcome) {
                (Some(p), Some(o)) => format!("{p} ({o})"),
                (Some(p), None) => format!("{p} (running or interrupted)"),
                _ => "never".to_string(),
            },
            j.next_run.as_deref().unwrap_or("-"),
        )
        .map_err(io)?;
    }
    Ok(())
}

pub async fn run(app: &App, name: &str, out: &mut impl Write) -> Result<(), CliError> {
    let outcome = reminders::run_now(app, name).await.map_err(job_error)?;
    writeln!(
        out,
        "{} (period {}): {}",
        outcome.job, outcome.period, outcome.summary
    )
    .map_err(|e| CliError::new(exit::FAILURE, e))?;
    Ok(())
}
