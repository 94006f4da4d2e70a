//! A local Maildir as the incoming mailbox (the embedded default). Mail in
//! `new/` and `cur/` is taken in; filed messages move to the Maildir++
//! subfolders `.Processed/cur` and `.Quarantine/cur`.

use super::{Destination, Handle, MailboxError, Pending};
use crate::config::{Backlog, Config};
use crate::store::{MailboxState, Store, timestamp};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;
use tracing::info;

#[derive(Debug)]
pub struct MaildirSource {
    root: PathBuf,
    processed: PathBuf,
    quarantine: PathBuf,
    backlog: Backlog,
    /// Files last changed before this (Unix seconds) were there before we first looked.
    baseline: i64,
}

/// `maildir:<path>`: the Maildir's name in the database.
pub(super) fn name(root: &Path) -> String {
    format!("maildir:{}", root.display())
}

impl MaildirSource {
    pub async fn open(config: &Config, store: &Store) -> Result<MaildirSource, MailboxError> {
        let md = config
            .mailbox
            .maildir
            .as_ref()
            .ok_or_else(|| MailboxError::Setup {
                key: "mailbox.maildir".into(),
                reason: "missing".into(),
            })?;
        let root = config.path(&md.path);
        let processed = root.join(format!(".{}", config.mailbox.processed_folder));
        let quarantine = root.join(format!(".{}", config.mailbox.quarantine_folder));
        for dir in [&root, &processed, &quarantine] {
            for sub in ["new", "cur", "tmp"] {
                tokio::fs::create_dir_all(dir.join(sub)).await?;
            }
        }
        let name = name(&root);
        let baseline = match store.mailbox_state(&name).await? {
            Some(s) => s.baseline_uid,
            None => {
                let now = chrono::Utc::now();
                let state = MailboxState {
                    mailbox: name.clone(),
                    uid_validity: 0,
                    baseline_uid: now.timestamp(),
                    first_seen_at: timestamp(now),
                };
                info!(mailbox = %name, backlog = super::Source::describe_backlog(config.mailbox.backlog), "first look at this mailbox");
                store.save_mailbox_state(&state).await?;
                state.baseline_uid
            }
        };
        Ok(MaildirSource {
            root,
            processed,
            quarantine,
            backlog: config.mailbox.backlog,
            baseline,
        })
    }

    pub async fn pending(&mut self) -> Result<Vec<Pending>, MailboxError> {
        let mut found = Vec::new();
        for sub in ["new", "cur"] {
            let mut dir = tokio::fs::read_dir(self.root.join(sub)).await?;
            while let Some(entry) = dir.next_entry().await? {
                let meta = entry.metadata().await?;
                if !meta.is_file() || entry.file_name().to_string_lossy().starts_with('.') {
                    continue;
                }
                let mtime = meta
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_secs() as i64);
                found.push((mtime, entry.path(), meta.len()));
            }
        }
        found.sort();
        Ok(found
            .into_iter()
            .filter_map(|(mtime, path, size)| {
                let backlog = mtime < self.baseline;
                if backlog && self.backlog == Backlog::StartFromNow {
                    return None;
                }
                Some(Pending {
                    key: format!("maildir:{}", unique_name(&path)),
                    handle: Handle::File(path),
                    size: Some(size),
                    backlog,
                })
            })
            .collect())
    }

    pub async fn fetch(&mut self, p: &Pending) -> Result<Option<Vec<u8>>, MailboxError> {
        let Handle::File(path) = &p.handle else {
            return Ok(None);
        };
        match tokio::fs::read(path).await {
            Ok(raw) => Ok(Some(raw)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn file(&mut self, p: &Pending, to: Destination) -> Result<(), MailboxError> {
        let Handle::File(path) = &p.handle else {
            return Ok(());
        };
        let dir = match to {
            Destination::Processed => &self.processed,
            Destination::Quarantine => &self.quarantine,
        };
        let target = dir.join("cur").join(format!("{}:2,S", unique_name(path)));
        tokio::fs::rename(path, target).await?;
        Ok(())
    }
}

/// The unique part of a Maildir file name (before the `:2,` flags).
fn unique_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.split(':').next().unwrap_or(&name).to_string()
}
