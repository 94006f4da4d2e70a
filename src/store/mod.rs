//! The store: cases, incoming messages, case history and the outbox, in
//! SQLite (the embedded default) or PostgreSQL, through one SQL dialect
//! (`$N` placeholders, text times, integer flags) on sqlx's `Any` driver.
//! Each state change and the emails it causes are written in one transaction.

mod attempts;
mod cases;
mod copy;
mod history;
mod jobs;
mod lease;
mod mailbox_state;
mod messages;
mod outbox;
mod reconcile;
mod registers;
mod retained;
mod web;

pub use cases::{CaseRecord, CaseSummary, NewCase, OpenCaseError, RenderForCase};
pub use copy::{
    ColumnKind, Table, TableReport, TableSum, Value as CopyValue, row_digest, table_digest,
};
pub use history::{EventRecord, NewEvent, chain_hash, verify_chain};
pub use jobs::{CanaryRecord, DigestEntry, JobRun, ReminderRecord, RetainedMessage, SummaryCounts};
pub use lease::LeaseHolder;
pub use mailbox_state::MailboxState;
pub use messages::{IncomingMessage, MessageRecord, MessageStatus};
pub use outbox::{OutboxRecord, OutboxStatus, Outgoing};
pub use reconcile::{MessageBrief, OutboxBrief};
pub use registers::CachedAnswer;
pub use web::{SessionRecord, WaitingItem};

use sqlx::AnyPool;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use std::time::Duration;

static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");

/// What went wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database: {0}")]
    Open(#[source] sqlx::Error),
    #[error("cannot apply the database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("case {0} was changed by someone else meanwhile; try again")]
    Conflict(String),
    #[error("no case with reference {0}")]
    CaseNotFound(String),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Refused(String),
}

/// Which database we talk to; only migrations and a few statements differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A handle on the database. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Connects (creating a SQLite file if needed). Does not migrate.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Store, StoreError> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_string(),
        };
        if backend == Backend::Sqlite {
            create_parent_dir(&url);
        }
        // SQLite lets one writer in at a time, and a writer kept waiting
        // sleeps in SQLite's busy handler (up to 100 ms a time): with the
        // sender, the intake and the jobs writing at once, a backlog went at
        // half speed. One connection makes them queue in the process instead.
        let connections = match backend {
            Backend::Sqlite => 1,
            Backend::Postgres => max_connections.max(1),
        };
        let pool = AnyPoolOptions::new()
            .max_connections(connections)
            .acquire_timeout(Duration::from_secs(30))
            .connect(&url)
            .await
            .map_err(StoreError::Open)?;
        let store = Store { pool, backend };
        if backend == Backend::Sqlite {
            // WAL lets readers (the CLI) work while the daemon writes; it is
            // a property of the file, so setting it once per open is enough.
            sqlx::query("PRAGMA journal_mode=WAL")
                .execute(&store.pool)
                .await?;
        }
        Ok(store)
    }

    /// Connects and brings the schema up to date.
    pub async fn open(url: &str, max_connections: u32) -> Result<Store, StoreError> {
        let store = Store::connect(url, max_connections).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Applies any migrations not yet applied; a no-op when up to date.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE,
            Backend::Postgres => &POSTGRES,
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn create_parent_dir(url: &str) {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or("");
    if let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        let _ = std::fs::create_dir_all(parent);
    }
}

/// The current time as stored: RFC 3339 UTC with milliseconds (sorts as text).
pub fn timestamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
