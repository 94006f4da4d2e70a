//! The intake lease in the daemon. Several instances may share one
//! database: each sends from the outbox and runs the scheduled jobs, but only
//! the holder of the mailbox's intake lease takes mail in. A task takes and
//! renews the lease every third of its life and tells the intake loop
//! whether it may take in mail; a holder that dies stops renewing, and
//! another instance takes the lease over once it has expired.

use crate::app::App;
use crate::mailbox::Source;
use crate::store::{Store, StoreError};
use std::time::Duration;
use tokio::sync::watch;
use tracing::{info, warn};

/// This instance's claim on one mailbox.
#[derive(Clone, Debug)]
pub struct IntakeLease {
    pub mailbox: String,
    pub holder: String,
    pub ttl: Duration,
}

impl IntakeLease {
    pub fn for_app(app: &App) -> IntakeLease {
        IntakeLease {
            mailbox: Source::name(&app.config),
            holder: app.instance_id.clone(),
            ttl: Duration::from_secs(app.config.instance.intake_lease_seconds),
        }
    }

    /// How often the holder renews (and others ask).
    pub fn renew_every(&self) -> Duration {
        self.ttl / 3
    }

    /// Takes or renews the lease now. The lease is timed by this host's
    /// clock, not `--now`: instances sharing a database must keep their
    /// clocks in step (NTP) to well within the lease.
    pub async fn try_hold(&self, store: &Store) -> Result<bool, StoreError> {
        let ttl = chrono::Duration::from_std(self.ttl).unwrap_or(chrono::Duration::seconds(10));
        store
            .acquire_intake_lease(&self.mailbox, &self.holder, chrono::Utc::now(), ttl)
            .await
    }

    /// Who holds it, for the log (`None`: nobody, or it could not be read).
    pub async fn holder(&self, store: &Store) -> Option<String> {
        store
            .intake_lease(&self.mailbox)
            .await
            .ok()
            .flatten()
            .map(|l| format!("{} (until {})", l.holder, l.expires_at))
    }

    /// Gives the lease up so that another instance takes over at once.
    pub async fn release(&self, store: &Store) {
        match store
            .release_intake_lease(&self.mailbox, &self.holder)
            .await
        {
            Ok(()) => info!(mailbox = %self.mailbox, "intake lease released"),
            Err(e) => {
                warn!(error = %e, "the intake lease could not be released; it expires by itself")
            }
        }
    }
}

/// Keeps trying to take (then renew) the lease until `stop` turns true,
/// publishing whether this instance holds it. A renewal that fails or takes
/// too long counts as lost at once, so `held` is never true after the lease
/// could have expired in the database.
pub async fn keep(
    app: App,
    lease: IntakeLease,
    held: watch::Sender<bool>,
    mut stop: watch::Receiver<bool>,
) {
    let every = lease.renew_every();
    let mut was_held = false;
    // Whether "another instance holds it" was logged since we last held it.
    let mut told_waiting = false;
    // A database that cannot be reached is reported once, not every few seconds.
    let mut failing = false;
    loop {
        if *stop.borrow() {
            return;
        }
        let asked = match tokio::time::timeout(every, lease.try_hold(&app.store)).await {
            Ok(Ok(h)) => Ok(h),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("no answer from the database in time".to_string()),
        };
        let now_held = match asked {
            Ok(h) => {
                if failing {
                    info!("the database answers about the intake lease again");
                }
                failing = false;
                h
            }
            Err(e) => {
                if was_held {
                    warn!(error = %e, "cannot renew the intake lease; taking in no mail until it is renewed");
                } else if !failing {
                    warn!(error = %e, "cannot ask for the intake lease; trying again every few seconds");
                }
                failing = true;
                false
            }
        };
        if now_held && !was_held {
            info!(mailbox = %lease.mailbox, instance = %lease.holder, lease_s = lease.ttl.as_secs(),
                "this instance holds the intake lease: it takes in mail");
            told_waiting = false;
        } else if !now_held && !failing && !told_waiting {
            told_waiting = true;
            let other = lease.holder(&app.store).await;
            info!(
                mailbox = %lease.mailbox,
                instance = %lease.holder,
                holder = other.as_deref().unwrap_or("nobody"),
                "another instance holds the intake lease: this one sends emails and runs jobs, and takes over mail intake if the holder stops"
            );
        }
        was_held = now_held;
        held.send_replace(now_held);
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
    }
}
