//! The long-running daemon and the single round that `once` runs. Intake
//! and sending are separate loops: mail keeps being taken in while the SMTP
//! server is down, and emails wait in the outbox until it returns.

mod lease;
mod round;
mod systemd;

pub use lease::IntakeLease;
pub use round::{RoundReport, drain_mailbox, send_outbox};

use crate::app::App;
use crate::mailbox::{Source, Woken};
use crate::outbox::Transport;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};
use tracing::{Instrument, error, info, warn};

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

/// What `once` did, and who holds the intake lease when it took no mail in.
#[derive(Clone, Debug, Default)]
pub struct OnceReport {
    pub round: RoundReport,
    /// Another instance (or a dead one, until its lease runs out) holds the
    /// mailbox: "holder (until time)".
    pub intake_held_by: Option<String>,
}

/// One full round: fetch and process what waits, run the scheduled jobs
/// that are due, send what is due, then return. Mail is taken in only when
/// no other instance holds the intake lease (a running daemon).
pub async fn once(app: &App) -> Result<OnceReport, DaemonError> {
    let mut held_by = None;
    let transport = Transport::from_config(&app.config, app.oauth.clone())?;
    let lease = IntakeLease::for_app(app);
    let mut report = if lease.try_hold(&app.store).await? {
        // Renewed while the round drains, however long the backlog.
        let (held_tx, mut held) = watch::channel(true);
        let (stop_keeper, keeper_stop) = watch::channel(false);
        let keeper = tokio::spawn(
            lease::keep(app.clone(), lease.clone(), held_tx, keeper_stop).in_current_span(),
        );
        let (stop_tx, stop) = watch::channel(false);
        let forward = tokio::spawn(async move {
            let _ = held.wait_for(|h| !*h).await;
            let _ = stop_tx.send(true);
        });
        let drained = take_in_once(app, &stop).await;
        forward.abort();
        let _ = stop_keeper.send(true);
        let _ = keeper.await;
        lease.release(&app.store).await;
        drained?
    } else {
        let holder = lease.holder(&app.store).await;
        info!(
            holder = holder.as_deref().unwrap_or("nobody"),
            "another instance holds the intake lease: this round takes in no mail"
        );
        held_by = Some(holder.unwrap_or_else(|| "another instance".into()));
        RoundReport::default()
    };
    let jobs = crate::reminders::run_due(app).await;
    report.jobs_run = jobs.len();
    report.jobs_failed = jobs.iter().filter(|j| j.failed).count();
    report.sent = send_outbox(app, &transport).await?;
    Ok(OnceReport {
        round: report,
        intake_held_by: held_by,
    })
}

/// Takes in what waits; stops between messages if the lease is lost.
async fn take_in_once(
    app: &App,
    lease_lost: &watch::Receiver<bool>,
) -> Result<RoundReport, DaemonError> {
    let mut source = Source::open(&app.config, &app.store, app.oauth.as_deref()).await?;
    let report = drain_mailbox(app, &mut source, lease_lost, None).await;
    source.close().await;
    Ok(report?)
}

/// Runs until `shutdown` turns true: the intake loop (IDLE or polling) and the sender loop.
/// Every instance sends and runs jobs; only the intake lease's holder takes in mail.
pub async fn run(app: App, mut shutdown: watch::Receiver<bool>) -> Result<(), DaemonError> {
    let transport = Transport::from_config(&app.config, app.oauth.clone())?;
    let wake_sender = Arc::new(Notify::new());
    let sender = tokio::spawn(
        sender_loop(
            app.clone(),
            transport,
            wake_sender.clone(),
            shutdown.clone(),
        )
        .in_current_span(),
    );
    let jobs = tokio::spawn(
        jobs_loop(app.clone(), wake_sender.clone(), shutdown.clone()).in_current_span(),
    );
    let lease = IntakeLease::for_app(&app);
    let (held_tx, held) = watch::channel(false);
    let (stop_lease, lease_stop) = watch::channel(false);
    let keeper = tokio::spawn(
        lease::keep(app.clone(), lease.clone(), held_tx, lease_stop).in_current_span(),
    );
    systemd::ready();
    let watchdog = tokio::spawn(systemd::watchdog(shutdown.clone()));
    info!(
        instance = %app.instance_id,
        backlog = Source::describe_backlog(app.config.mailbox.backlog),
        "sponsor-intake is running"
    );
    intake_loop(&app, &wake_sender, &mut shutdown, held).await;
    // The lease is kept until the message in hand is done, then given up.
    let _ = stop_lease.send(true);
    let _ = keeper.await;
    lease.release(&app.store).await;
    systemd::stopping();
    info!("intake stopped; letting the sender finish");
    wake_sender.notify_one();
    let _ = sender.await;
    let _ = jobs.await;
    watchdog.abort();
    info!("sponsor-intake stopped");
    Ok(())
}

/// Takes in mail whenever this instance holds the intake lease, until shutdown.
async fn intake_loop(
    app: &App,
    wake_sender: &Notify,
    shutdown: &mut watch::Receiver<bool>,
    mut held: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            r = held.wait_for(|h| *h) => if r.is_err() { return },
            _ = shutdown.wait_for(|s| *s) => return,
        }
        // Intake stops between messages at shutdown or when the lease is lost.
        let (stop_tx, mut stop) = watch::channel(false);
        let (mut down, mut lost) = (shutdown.clone(), held.clone());
        let forward = tokio::spawn(async move {
            tokio::select! {
                _ = down.wait_for(|s| *s) => {}
                _ = lost.wait_for(|h| !*h) => {}
            }
            let _ = stop_tx.send(true);
        });
        take_in_until(app, wake_sender, &mut stop).await;
        forward.abort();
        if *shutdown.borrow() {
            return;
        }
        warn!("the intake lease was lost: this instance takes in no mail until it holds it again");
    }
}

async fn take_in_until(app: &App, wake_sender: &Notify, shutdown: &mut watch::Receiver<bool>) {
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
                if let DaemonError::Mailbox(m) = &e
                    && m.needs_operator()
                {
                    // Someone must act: said every attempt, at error level.
                    error!(error = %e, failures, retry_in_s = delay.as_secs_f32(), "the mailbox sign-in was refused; new mail waits in the mailbox until this is put right");
                    if app.oauth.is_some() {
                        crate::reminders::credentials::note_refusal(app, &e.to_string()).await;
                    }
                } else if failures == 1 {
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
    let mut source = Source::open(&app.config, &app.store, app.oauth.as_deref()).await?;
    if *failures > 0 {
        info!("mailbox connection restored");
        *failures = 0;
    }
    if app.oauth.is_some() {
        crate::reminders::credentials::note_success(app);
        crate::reminders::credentials::check_lapse(app).await;
    }
    let poll = Duration::from_secs(app.config.mailbox.poll_seconds);
    let mut deferred_rounds = 0u32;
    loop {
        let report = drain_mailbox(app, &mut source, shutdown, Some(wake_sender)).await?;
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
        match source_wait(&mut source, wait, shutdown).await? {
            Woken::Shutdown => {
                source.close().await;
                return Ok(());
            }
            Woken::Reauthenticate => {
                // Between waits nothing is in hand: sign in again with a renewed token.
                source.close().await;
                source = Source::open(&app.config, &app.store, app.oauth.as_deref()).await?;
            }
            Woken::NewMail | Woken::Timeout => {}
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
