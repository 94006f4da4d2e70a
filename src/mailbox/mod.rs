//! Where mail comes from: an IMAP folder (IDLE where offered, polling
//! otherwise) or a local Maildir. New mail is found by UID (or file name),
//! never by the \Seen flag; a message is filed away (processed or
//! quarantine) only after the intake has committed it.

mod imap;
mod maildir;
pub mod survey;
mod tls;

pub use imap::ImapSource;
pub use maildir::MaildirSource;

use crate::config::{Backlog, Config, MailboxKind};
use crate::store::{Store, StoreError};
use std::time::Duration;

/// What went wrong with the mailbox. All of these are retried with backoff.
#[derive(Debug, thiserror::Error)]
pub enum MailboxError {
    #[error("cannot connect to {server}: {reason}")]
    Connect { server: String, reason: String },
    #[error("the server refused the sign-in for {user}: {reason}")]
    Auth { user: String, reason: String },
    /// No OAuth2 access token could be had (see the message for what to do).
    #[error("cannot sign in to the mailbox: {0}")]
    Token(#[from] crate::oauth::OAuthError),
    #[error("IMAP error: {0}")]
    Imap(String),
    #[error("mailbox file error: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{key}: {reason}")]
    Setup { key: String, reason: String },
}

impl MailboxError {
    /// The credentials were refused: someone must act (`login`, the app registration).
    pub fn needs_operator(&self) -> bool {
        match self {
            MailboxError::Auth { .. } => true,
            MailboxError::Token(e) => e.needs_operator(),
            _ => false,
        }
    }
}

impl From<async_imap::error::Error> for MailboxError {
    fn from(e: async_imap::error::Error) -> Self {
        MailboxError::Imap(e.to_string())
    }
}

/// A message waiting in the mailbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    /// Stable name of this copy: `imap:<user>@<host>/<folder>:<uidvalidity>:<uid>` or `maildir:<name>`.
    pub key: String,
    /// The IMAP UID, or the Maildir file name.
    pub handle: Handle,
    /// Size in bytes, when known before fetching.
    pub size: Option<u64>,
    /// It was there before the daemon first looked (see `mailbox.backlog`).
    pub backlog: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Handle {
    Uid(u32),
    File(std::path::PathBuf),
}

/// Where a message goes once it is dealt with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Destination {
    Processed,
    Quarantine,
}

/// Why a wait ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Woken {
    NewMail,
    Timeout,
    Shutdown,
    /// The access token the connection signed in with is due for renewal:
    /// sign in again (nothing is in hand between waits).
    Reauthenticate,
}

/// The configured source of mail.
#[derive(Debug)]
pub enum Source {
    Imap(Box<ImapSource>),
    Maildir(MaildirSource),
}

impl Source {
    /// Opens the configured source (connects and signs in for IMAP).
    pub async fn open(
        config: &Config,
        store: &Store,
        oauth: Option<&crate::oauth::TokenSource>,
    ) -> Result<Source, MailboxError> {
        match config.mailbox.kind {
            MailboxKind::Imap => Ok(Source::Imap(Box::new(
                ImapSource::connect(config, store, oauth).await?,
            ))),
            MailboxKind::Maildir => Ok(Source::Maildir(MaildirSource::open(config, store).await?)),
        }
    }

    /// The name of the configured mailbox folder, as kept in the database
    /// (the intake lease is per mailbox): known without connecting.
    pub fn name(config: &Config) -> String {
        match (
            &config.mailbox.kind,
            &config.mailbox.imap,
            &config.mailbox.maildir,
        ) {
            (MailboxKind::Imap, Some(i), _) => imap::name(i),
            (MailboxKind::Maildir, _, Some(m)) => maildir::name(&config.path(&m.path)),
            (kind, _, _) => format!("{kind:?}"),
        }
    }

    /// Messages waiting, oldest first. Backlog messages under `start-from-now` are left out.
    pub async fn pending(&mut self, store: &Store) -> Result<Vec<Pending>, MailboxError> {
        match self {
            Source::Imap(s) => s.pending(store).await,
            Source::Maildir(s) => s.pending().await,
        }
    }

    /// The whole message.
    pub async fn fetch(&mut self, p: &Pending) -> Result<Option<Vec<u8>>, MailboxError> {
        match self {
            Source::Imap(s) => s.fetch(p).await,
            Source::Maildir(s) => s.fetch(p).await,
        }
    }
    /// Moves these messages out of the incoming folder, in as few commands as
    /// the source allows.
    pub async fn file_all(&mut self, ps: &[Pending], to: Destination) -> Result<(), MailboxError> {
        match self {
            Source::Imap(s) => s.file_all(ps, to).await,
            Source::Maildir(s) => {
                for p in ps {
                    s.file(p, to).await?;
                }
                Ok(())
            }
        }
    }

    /// Waits for new mail (IMAP IDLE where offered), at most `timeout`.
    pub async fn wait(
        &mut self,
        timeout: Duration,
        shutdown: &mut tokio::sync::watch::Receiver<bool>,
    ) -> Result<Woken, MailboxError> {
        match self {
            Source::Imap(s) => s.wait(timeout, shutdown).await,
            Source::Maildir(_) => {
                tokio::select! {
                    _ = tokio::time::sleep(timeout) => Ok(Woken::Timeout),
                    _ = shutdown.changed() => Ok(Woken::Shutdown),
                }
            }
        }
    }

    /// What the daemon will do with mail that was already there, for the start-up log.
    pub fn describe_backlog(policy: Backlog) -> &'static str {
        match policy {
            Backlog::StartFromNow => {
                "mail already in the mailbox is left alone; only new mail is taken in"
            }
            Backlog::TakeInQuietly => "mail already in the mailbox is taken in without replies",
            Backlog::TakeInAndReply => "mail already in the mailbox is taken in and answered",
        }
    }

    pub async fn close(self) {
        if let Source::Imap(s) = self {
            s.logout().await;
        }
    }
}
