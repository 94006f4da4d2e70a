//! The long-running daemon and the single round that `once` runs. Intake
//! and sending are separate loops: mail keeps being taken in while the SMTP
//! server is down, and emails wait in the outbox until it returns.

mod round;
mod systemd;

pub use round::{RoundReport, drain_mailbox, send_outbox};

use crate::app::App;
use crate::mailbox::{Source, Woken};
use crate::outbox::Transport;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};
use tracing::{error, info, warn};

/// Why the daemon stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    #[error(transparent)]
    Send(#[from] crate::outbox::SendError),
    #[error(transparent)]
    Mailbox(#[from] crate::mailbox::MailboxError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// One full round: fetch and process what waits, run the scheduled jobs
/// that are due, send what is due, then return.
pub async fn once(app: &App) -> Result<RoundReport, DaemonError> {
    let transport = Transport::from_config(&app.config)?;
    let mut source = Source::open(&app.config, &app.store).await?;
    let never = watch::channel(false).1;
    let mut report = drain_mailbox(app, &mut source, &never).await?;
    source.close().await;
    let jobs = crate::reminders::run_due(app).await;
    report.jobs_run = jobs.len();
    report.jobs_failed = jobs.iter().filter(|j| j.failed).count();
    report.sent = send_outbox(app, &transport).await?;
    Ok(report)
}

/// Runs until `shutdown` turns true: the intake loop (IDLE or polling) and the sender loop.
pub async fn run(app: App, mut shutdown: watch::Receiver<bool>) -> Result<(), DaemonError> {
    let transport = Transport::from_config(&app.config)?;
    let wake_sender = Arc::new(Notify::new());
    let sender = tokio::spawn(sender_loop(
        app.clone(),
        transport,
        wake_sender.clone(),
        shutdown.clone(),
    ));
    let jobs = tokio::spawn(jobs_loop(
        app.clone(),
        wake_sender.clone(),
        shutdown.clone(),
    ));
    systemd::ready();
    let watchdog = tokio::spawn(systemd::watchdog(shutdown.clone()));
    info!(
        backlog = Source::describe_backlog(app.config.mailbox.backlog),
        "sponsor-intake is running"
    );
    intake_loop(&app, &wake_sender, &mut shutdown).await;
    systemd::stopping();
    info!("intake stopped; letting the sender finish");
    wake_sender.notify_one();
    let _ = sender.await;
    let _ = jobs.await;
    watchdog.abort();
    info!("sponsor-intake stopped");
    Ok(())
}

async fn intake_loop(app: &App, wake_sender: &Notify, shutdown: &mut watch::Receiver<bool>) {
    let mut failures = 0u32;
    while !*shutdown.borrow() {
        match intake_session(app, wake_sender, shutdown, &mut failures).await {
            Ok(()) => return,
            Err(e) => {
                failures += 1;
                let delay = crate::outbox::retry_delay(
                    Duration::from_secs(1),
                    Duration::from_secs(300),
                    failures - 1,
                    rand::random(),
                );
                if failures == 1 {
                    warn!(error = %e, retry_in_s = delay.as_secs_f32(), "mailbox connection lost; reconnecting");
                } else {
                    error!(error = %e, failures, retry_in_s = delay.as_secs_f32(), "still cannot reach the mailbox");
                }
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {}
                    _ = shutdown.changed() => return,
                }
            }
        }
    }
}

/// One connection's life: drain, wait (IDLE), drain... until shutdown or an error.
async fn intake_session(
    app: &App,
    wake_sender: &Notify,
    shutdown: &mut watch::Receiver<bool>,
    failures: &mut u32,
) -> Result<(), DaemonError> {
    let mut source = Source::open(&app.config, &app.store).await?;
    if *failures > 0 {
        info!("mailbox connection restored");
        *failures = 0;
    }
    let poll = Duration::from_secs(app.config.mailbox.poll_seconds);
    let mut deferred_rounds = 0u32;
    loop {
        let report = drain_mailbox(app, &mut source, shutdown).await?;
        if report.taken_in() > 0 {
            wake_sender.notify_one();
        }
        if *shutdown.borrow() {
            source.close().await;
            return Ok(());
        }
        // A message left in the mailbox (disk full, database locked) is
        // tried again soon, not only when new mail or the poll comes.
        let wait = if report.deferred > 0 {
            deferred_rounds += 1;
            let retry = deferred_retry(deferred_rounds);
            warn!(
                deferred = report.deferred,
                retry_in_s = retry.as_secs_f32(),
                "message(s) left in the mailbox; trying again"
            );
            retry.min(poll)
        } else {
            deferred_rounds = 0;
            poll
        };
        if source_wait(&mut source, wait, shutdown).await? == Woken::Shutdown {
            source.close().await;
            return Ok(());
        }
    }
}

/// How long to wait before taking in again after `rounds` rounds in a row
/// left messages in the mailbox: 2 s, doubling, at most 5 minutes.
fn deferred_retry(rounds: u32) -> Duration {
    crate::outbox::retry_delay(
        Duration::from_secs(2),
        Duration::from_secs(300),
        rounds.saturating_sub(1),
        rand::random(),
    )
}

async fn source_wait(
    source: &mut Source,
    poll: Duration,
    shutdown: &mut watch::Receiver<bool>,
) -> Result<Woken, DaemonError> {
    Ok(source.wait(poll, shutdown).await?)
}

/// Runs the scheduled jobs that are due, then sleeps until the next is
/// (at most a quarter of an hour, so that a changed clock is noticed).
async fn jobs_loop(app: App, wake_sender: Arc<Notify>, mut shutdown: watch::Receiver<bool>) {
    loop {
        if *shutdown.borrow() {
            return;
        }
        let done = crate::reminders::run_due(&app).await;
        if !done.is_empty() {
            wake_sender.notify_one();
        }
        let cap = Duration::from_secs(15 * 60);
        let sleep = match crate::reminders::next_wake(&app).await {
            Some(t) => (t - app.clock.now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .clamp(Duration::from_secs(1), cap),
            None => cap,
        };
        tokio::select! {
            _ = tokio::time::sleep(sleep) => {}
            _ = shutdown.changed() => return,
        }
    }
}

async fn sender_loop(
    app: App,
    transport: Transport,
    wake: Arc<Notify>,
    shutdown: watch::Receiver<bool>,
) {
    loop {
        if let Err(e) = send_outbox(&app, &transport).await {
            error!(error = %e, "the outbox could not be read");
        }
        if *shutdown.borrow() {
            return;
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(5)) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::deferred_retry;
    use std::time::Duration;

    #[test]
    fn deferred_messages_are_retried_soon_then_less_often() {
        let first = deferred_retry(1);
        assert!(first <= Duration::from_secs(2) && first >= Duration::from_millis(1500));
        assert!(deferred_retry(3) >= Duration::from_secs(6));
        assert!(deferred_retry(50) <= Duration::from_secs(300));
        assert!(deferred_retry(50) >= Duration::from_secs(225));
    }
}
