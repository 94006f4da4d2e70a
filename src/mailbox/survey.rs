//! A read-only look at the mailbox's folders, for `reconcile`: what sits in
//! the incoming, processed and quarantine folders, by Message-ID, with the
//! whole message fetched only when asked. Nothing is moved, flagged,
//! created or recorded.

use super::MailboxError;
use super::imap::ImapSurvey;
use crate::config::{Config, MailboxKind};
use std::path::PathBuf;

/// The three folders the daemon works with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Folder {
    Incoming,
    Processed,
    Quarantine,
}

impl Folder {
    pub const ALL: [Folder; 3] = [Folder::Incoming, Folder::Processed, Folder::Quarantine];

    pub fn as_str(self) -> &'static str {
        match self {
            Folder::Incoming => "incoming",
            Folder::Processed => "processed",
            Folder::Quarantine => "quarantine",
        }
    }
}

/// One message found in a folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Surveyed {
    pub folder: Folder,
    /// The IMAP UID or the Maildir file name.
    pub place: String,
    /// Without angle brackets.
    pub message_id: Option<String>,
    pub(crate) handle: Place,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    Uid(u32),
    File(PathBuf),
}

/// The mailbox, opened for looking only.
#[derive(Debug)]
pub enum Survey {
    Imap {
        imap: Box<ImapSurvey>,
        folders: [String; 3],
    },
    Maildir {
        folders: [PathBuf; 3],
    },
}

impl Survey {
    pub async fn open(
        config: &Config,
        oauth: Option<&crate::oauth::TokenSource>,
    ) -> Result<Survey, MailboxError> {
        let m = &config.mailbox;
        match m.kind {
            MailboxKind::Imap => {
                let imap = ImapSurvey::open(config, oauth).await?;
                let incoming = m
                    .imap
                    .as_ref()
                    .map(|i| i.folder.clone())
                    .unwrap_or_default();
                Ok(Survey::Imap {
                    imap: Box::new(imap),
                    folders: [
                        incoming,
                        m.processed_folder.clone(),
                        m.quarantine_folder.clone(),
                    ],
                })
            }
            MailboxKind::Maildir => {
                let md = m.maildir.as_ref().ok_or_else(|| MailboxError::Setup {
                    key: "mailbox.maildir".into(),
                    reason: "missing".into(),
                })?;
                let root = config.path(&md.path);
                Ok(Survey::Maildir {
                    folders: [
                        root.clone(),
                        root.join(format!(".{}", m.processed_folder)),
                        root.join(format!(".{}", m.quarantine_folder)),
                    ],
                })
            }
        }
    }

    /// Every message in `folder`, with its Message-ID.
    pub async fn list(&mut self, folder: Folder) -> Result<Vec<Surveyed>, MailboxError> {
        let index = folder as usize;
        match self {
            Survey::Imap { imap, folders } => Ok(imap
                .headers(&folders[index])
                .await?
                .into_iter()
                .map(|(uid, header)| Surveyed {
                    folder,
                    place: uid.to_string(),
                    message_id: message_id(&header),
                    handle: Place::Uid(uid),
                })
                .collect()),
            Survey::Maildir { folders } => {
                let mut out = Vec::new();
                for sub in ["new", "cur"] {
                    let dir = folders[index].join(sub);
                    let mut entries = match tokio::fs::read_dir(&dir).await {
                        Ok(e) => e,
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                        Err(e) => return Err(e.into()),
                    };
                    while let Some(entry) = entries.next_entry().await? {
                        let name = entry.file_name().to_string_lossy().into_owned();
                        if name.starts_with('.') || !entry.file_type().await?.is_file() {
                            continue;
                        }
                        let raw = tokio::fs::read(entry.path()).await?;
                        out.push(Surveyed {
                            folder,
                            place: name,
                            message_id: message_id(&raw),
                            handle: Place::File(entry.path()),
                        });
                    }
                }
                out.sort_by(|a, b| a.place.cmp(&b.place));
                Ok(out)
            }
        }
    }

    /// The whole message (`None` if it went meanwhile).
    pub async fn raw(&mut self, s: &Surveyed) -> Result<Option<Vec<u8>>, MailboxError> {
        match (self, &s.handle) {
            (Survey::Imap { imap, folders }, Place::Uid(uid)) => {
                imap.raw(&folders[s.folder as usize], *uid).await
            }
            (Survey::Maildir { .. }, Place::File(path)) => match tokio::fs::read(path).await {
                Ok(raw) => Ok(Some(raw)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e.into()),
            },
            _ => Ok(None),
        }
    }

    pub async fn close(self) {
        if let Survey::Imap { imap, .. } = self {
            imap.logout().await;
        }
    }
}

/// The Message-ID of a message (or its header block), without angle brackets.
fn message_id(raw: &[u8]) -> Option<String> {
    let msg = mail_parser::MessageParser::default().parse_headers(raw)?;
    msg.message_id()
        .map(|id| id.trim_start_matches('<').trim_end_matches('>').to_string())
        .filter(|id| !id.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_id_from_a_header_block() {
        let h = b"From: a@b.example\r\nMessage-ID: <x.1@b.example>\r\n\r\n";
        assert_eq!(message_id(h).as_deref(), Some("x.1@b.example"));
        assert_eq!(message_id(b"From: a@b.example\r\n\r\n"), None);
    }
}
