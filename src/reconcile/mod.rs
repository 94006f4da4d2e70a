//! Reconciliation: the mailbox's folders against the database, so that an
//! operator can prove nothing was lost, doubled or left unanswered.
//!
//! A message in the processed or quarantine folder must have been taken in
//! (a `messages` row with its Message-ID, or failing that its content hash);
//! no message may be taken in twice (two rows with one Message-ID from one
//! mailbox, or one Message-ID filed more than once); every application that
//! opened a case must have its receipt sent (or deliberately suppressed);
//! no email may have failed for good. A message taken in but still in the
//! incoming folder is "waiting" (normal while the daemon runs).

use crate::app::App;
use crate::intake::raw::digest;
use crate::mailbox::MailboxError;
use crate::mailbox::survey::{Folder, Survey, Surveyed};
use crate::store::{MessageBrief, OutboxBrief, StoreError};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error(transparent)]
    Mailbox(#[from] MailboxError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A message in a folder, and whether the database knows it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub entry: Surveyed,
    /// The content hash, when it had to be computed (no known Message-ID).
    pub sha256: Option<String>,
}

/// One message in the mailbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Item {
    pub folder: Folder,
    /// The IMAP UID or the Maildir file name.
    pub place: String,
    pub message_id: Option<String>,
}

/// A message taken in more than once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Doubled {
    pub message_id: String,
    pub why: String,
    /// The `messages` rows.
    pub rows: Vec<i64>,
    /// Where it is filed.
    pub filed: Vec<Item>,
}

/// An application whose receipt was not sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unanswered {
    pub message_row: i64,
    pub message_id: Option<String>,
    pub case_id: i64,
    /// The receipt's outbox status, or `missing`.
    pub receipt: String,
}

/// An email that failed for good.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Failed {
    pub outbox_id: i64,
    pub message_id: String,
    pub purpose: String,
    pub to: String,
    pub error: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub incoming: usize,
    pub processed: usize,
    pub quarantine: usize,
    pub messages: usize,
    pub applications_opened: usize,
    pub receipts_sent: usize,
    pub outbox: BTreeMap<String, usize>,
}

/// What `reconcile` found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub consistent: bool,
    pub counts: Counts,
    pub never_taken_in: Vec<Item>,
    pub taken_in_twice: Vec<Doubled>,
    pub unanswered: Vec<Unanswered>,
    pub failed: Vec<Failed>,
    /// Taken in but still in the incoming folder (filed on the daemon's next step).
    pub waiting: Vec<Item>,
    /// In the incoming folder and not taken in yet.
    pub not_yet_taken_in: Vec<Item>,
}

/// Looks at the mailbox and the database and compares them.
pub async fn reconcile(app: &App) -> Result<Report, ReconcileError> {
    let messages = app.store.message_briefs().await?;
    let outbox = app.store.outbox_briefs().await?;
    let ids: HashSet<&str> = messages
        .iter()
        .filter_map(|m| m.message_id.as_deref())
        .collect();
    let mut survey = Survey::open(&app.config, app.oauth.as_deref()).await?;
    let mut seen = Vec::new();
    for folder in Folder::ALL {
        for entry in survey.list(folder).await? {
            let known = entry
                .message_id
                .as_deref()
                .is_some_and(|id| ids.contains(id));
            let sha256 = if known {
                None
            } else {
                survey.raw(&entry).await?.map(|raw| digest(&raw))
            };
            seen.push(Seen { entry, sha256 });
        }
    }
    survey.close().await;
    Ok(compare(&seen, &messages, &outbox))
}

/// The mailbox of a source key: `imap:<user>@<host>/<folder>` without the
/// UIDVALIDITY and UID, or `maildir`.
fn source_mailbox(key: &str) -> &str {
    if key.starts_with("imap:") {
        let mut parts = key.rsplitn(3, ':');
        let (_, _, rest) = (parts.next(), parts.next(), parts.next());
        rest.unwrap_or(key)
    } else {
        key.split(':').next().unwrap_or(key)
    }
}

/// The comparison itself (no IO).
pub fn compare(seen: &[Seen], messages: &[MessageBrief], outbox: &[OutboxBrief]) -> Report {
    let mut r = Report::default();
    let by_id: HashMap<&str, Vec<&MessageBrief>> =
        messages.iter().fold(HashMap::new(), |mut m, row| {
            if let Some(id) = row.message_id.as_deref() {
                m.entry(id).or_default().push(row);
            }
            m
        });
    let shas: HashSet<&str> = messages.iter().map(|m| m.sha256.as_str()).collect();
    let item = |s: &Seen| Item {
        folder: s.entry.folder,
        place: s.entry.place.clone(),
        message_id: s.entry.message_id.clone(),
    };

    // The folders.
    let mut filed: BTreeMap<&str, Vec<Item>> = BTreeMap::new();
    for s in seen {
        let taken = s
            .entry
            .message_id
            .as_deref()
            .is_some_and(|id| by_id.contains_key(id))
            || s.sha256.as_deref().is_some_and(|h| shas.contains(h));
        match s.entry.folder {
            Folder::Incoming => {
                r.counts.incoming += 1;
                if taken {
                    r.waiting.push(item(s));
                } else {
                    r.not_yet_taken_in.push(item(s));
                }
            }
            folder => {
                if folder == Folder::Processed {
                    r.counts.processed += 1;
                } else {
                    r.counts.quarantine += 1;
                }
                if !taken {
                    r.never_taken_in.push(item(s));
                }
                if let Some(id) = s.entry.message_id.as_deref() {
                    filed.entry(id).or_default().push(item(s));
                }
            }
        }
    }

    // Taken in twice: two rows for one Message-ID from one mailbox, or filed twice.
    let mut doubled: BTreeMap<String, Doubled> = BTreeMap::new();
    for (id, rows) in &by_id {
        let mut per_source: HashMap<&str, Vec<i64>> = HashMap::new();
        for row in rows {
            let source = row.source_key.as_deref().map_or("", source_mailbox);
            per_source.entry(source).or_default().push(row.id);
        }
        for ids in per_source.into_values().filter(|v| v.len() > 1) {
            doubled.insert(
                id.to_string(),
                Doubled {
                    message_id: id.to_string(),
                    why: format!("{} database rows", ids.len()),
                    rows: ids,
                    filed: filed.get(id).cloned().unwrap_or_default(),
                },
            );
        }
    }
    for (id, places) in filed.iter().filter(|(_, p)| p.len() > 1) {
        let why = format!("filed {} times", places.len());
        let d = doubled.entry(id.to_string()).or_insert_with(|| Doubled {
            message_id: id.to_string(),
            why: String::new(),
            rows: by_id
                .get(id)
                .map(|v| v.iter().map(|m| m.id).collect())
                .unwrap_or_default(),
            filed: places.clone(),
        });
        d.why = if d.why.is_empty() {
            why
        } else {
            format!("{}; {why}", d.why)
        };
    }
    r.taken_in_twice = doubled.into_values().collect();

    // Applications that opened a case: their receipt.
    let mut receipts: HashMap<i64, Vec<&OutboxBrief>> = HashMap::new();
    for o in outbox {
        *r.counts.outbox.entry(o.status.clone()).or_default() += 1;
        if o.purpose == "receipt"
            && let Some(case) = o.case_id
        {
            receipts.entry(case).or_default().push(o);
        }
    }
    r.counts.messages = messages.len();
    for m in messages {
        let Some(case_id) = m.case_id else { continue };
        if !(m.opened_case && m.kind == "application" && m.status == "processed") {
            continue;
        }
        r.counts.applications_opened += 1;
        let rows = receipts.get(&case_id).map(Vec::as_slice).unwrap_or(&[]);
        if rows
            .iter()
            .any(|o| o.status == "sent" || o.status == "suppressed")
        {
            r.counts.receipts_sent += 1;
            continue;
        }
        r.unanswered.push(Unanswered {
            message_row: m.id,
            message_id: m.message_id.clone(),
            case_id,
            receipt: rows
                .last()
                .map_or_else(|| "missing".to_string(), |o| o.status.clone()),
        });
    }
    r.failed = outbox
        .iter()
        .filter(|o| o.status == "failed")
        .map(|o| Failed {
            outbox_id: o.id,
            message_id: o.message_id.clone(),
            purpose: o.purpose.clone(),
            to: o.recipients.clone(),
            error: o.last_error.clone(),
        })
        .collect();
    r.consistent = r.never_taken_in.is_empty()
        && r.taken_in_twice.is_empty()
        && r.unanswered.is_empty()
        && r.failed.is_empty();
    r
}

#[cfg(test)]
mod tests;
