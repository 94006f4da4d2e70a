//! `run` (the daemon, until SIGTERM or SIGINT) and `once` (one round, for cron and tests).

use super::{CliError, exit};
use crate::app::App;
use crate::daemon::{self, DaemonError};
use tokio::sync::watch;
use tracing::{Instrument, info};

fn daemon_error(e: DaemonError) -> CliError {
    let code = match e {
        DaemonError::Send(crate::outbox::SendError::Setup { .. }) => exit::CONFIG,
        DaemonError::Mailbox(crate::mailbox::MailboxError::Setup { .. }) => exit::CONFIG,
        DaemonError::Mailbox(_) => exit::UNAVAILABLE,
        _ => exit::FAILURE,
    };
    CliError::new(code, e)
}

pub async fn once(app: &App) -> Result<(), CliError> {
    let once = daemon::once(app).await.map_err(daemon_error)?;
    let report = once.round;
    if let Some(holder) = &once.intake_held_by {
        // Not "taken in: 0", as if the mailbox were empty.
        println!(
            "no mail taken in: the intake lease of this mailbox is held by {holder}; a stopped instance's lease runs out by itself"
        );
    }
    info!(
        opened = report.opened,
        joined = report.joined,
        ignored = report.ignored,
        quarantined = report.quarantined,
        deferred = report.deferred,
        sent = report.sent,
        jobs_run = report.jobs_run,
        jobs_failed = report.jobs_failed,
        "round finished"
    );
    println!(
        "{}: {} new case(s), {} joined a case, {} recorded without reply, {} quarantined; {} left to retry; {} scheduled job(s) run; {} email(s) sent",
        if once.intake_held_by.is_some() {
            "taken in (none, see above)"
        } else {
            "taken in"
        },
        report.opened,
        report.joined,
        report.ignored,
        report.quarantined,
        report.deferred,
        report.jobs_run,
        report.sent
    );
    if report.jobs_failed > 0 {
        return Err(CliError::new(
            exit::FAILURE,
            format!(
                "{} scheduled job(s) failed; see the log (they are tried again within the hour)",
                report.jobs_failed
            ),
        ));
    }
    if report.deferred > 0 {
        return Err(CliError::new(
            exit::FAILURE,
            format!(
                "{} message(s) could not be taken in; see the log",
                report.deferred
            ),
        ));
    }
    Ok(())
}

pub async fn run(app: App) -> Result<(), CliError> {
    let (tx, rx) = watch::channel(false);
    tokio::spawn(async move {
        wait_for_signal().await;
        info!("stop requested; finishing the message in hand");
        let _ = tx.send(true);
    });
    let span = tracing::info_span!("instance", id = %app.instance_id);
    let web = start_web(&app, rx.clone()).instrument(span.clone()).await?;
    let result = daemon::run(app, rx)
        .instrument(span)
        .await
        .map_err(daemon_error);
    if let Some(web) = web {
        // Open connections are closed at once; a browser that holds one
        // open does not keep the daemon from stopping.
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), web).await;
    }
    result
}

/// Starts the web console when `[web]` is configured; its address is bound
/// before the daemon starts, so a port in use stops the start.
async fn start_web(
    app: &App,
    shutdown: watch::Receiver<bool>,
) -> Result<Option<tokio::task::JoinHandle<()>>, CliError> {
    let bound = crate::web::bind(app).await.map_err(|e| {
        let code = match e {
            crate::web::WebError::Bind { .. } => exit::UNAVAILABLE,
            _ => exit::CONFIG,
        };
        CliError::new(code, e)
    })?;
    let Some((console, listener)) = bound else {
        return Ok(None);
    };
    let task = async move {
        if let Err(e) = crate::web::serve(console, listener, shutdown).await {
            tracing::error!(error = %e, "the web console stopped");
        }
    };
    Ok(Some(tokio::spawn(task.in_current_span())))
}

async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let term = signal(SignalKind::terminate());
    let int = signal(SignalKind::interrupt());
    match (term, int) {
        (Ok(mut term), Ok(mut int)) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        }
        _ => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
