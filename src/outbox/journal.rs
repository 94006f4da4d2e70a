//! The sent journal: the Message-ID of each email the SMTP server accepted,
//! appended to a file in the state directory the moment the server says so,
//! before the outbox row is marked sent in the database.
//!
//! Without it, a daemon killed between the server's "250 OK" and the
//! database's commit (a window that a busy database widens to many
//! milliseconds) leaves the row pending, and the email is sent a second time
//! once its claim expires. A plain `write` survives the process being
//! killed, and takes microseconds. Each sender pass first marks the rows the
//! journal names as sent, then empties the journal. (It is per machine: a
//! second daemon on another machine sharing a PostgreSQL database does not
//! see it.)

use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub struct SentJournal {
    path: PathBuf,
}

impl SentJournal {
    /// The journal in `state_dir`.
    pub fn in_dir(state_dir: &Path) -> SentJournal {
        SentJournal {
            path: state_dir.join("outbox-sent.journal"),
        }
    }

    /// Notes that the email with this Message-ID was accepted by the server.
    pub fn record(&self, message_id: &str) -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        f.write_all(format!("{message_id}\n").as_bytes())
    }

    /// Takes the journal's contents: the file is renamed away first, so a
    /// line appended meanwhile starts a new journal. A journal taken earlier
    /// and not finished (the run died) is taken again first. `finish`
    /// removes it once its rows are marked sent.
    pub fn take(&self) -> std::io::Result<Option<(Vec<String>, PathBuf)>> {
        let taken = self.path.with_extension("journal.taken");
        if !taken.exists() {
            match std::fs::rename(&self.path, &taken) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(e),
            }
        }
        match std::fs::read_to_string(&taken) {
            Ok(text) => Ok(Some((
                text.lines()
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect(),
                taken,
            ))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Forgets a taken journal whose rows are now marked sent.
    pub fn finish(taken: &Path) -> std::io::Result<()> {
        std::fs::remove_file(taken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_takes() {
        let dir = tempfile::tempdir().unwrap();
        let j = SentJournal::in_dir(dir.path());
        assert!(j.take().unwrap().is_none());
        j.record("a@x").unwrap();
        j.record("b@x").unwrap();
        let (ids, taken) = j.take().unwrap().unwrap();
        assert_eq!(ids, ["a@x", "b@x"]);
        // Not finished (the run died): taken again, with what came since.
        j.record("c@x").unwrap();
        let (ids, taken2) = j.take().unwrap().unwrap();
        assert_eq!(ids, ["a@x", "b@x"]);
        assert_eq!(taken2, taken);
        SentJournal::finish(&taken).unwrap();
        let (ids, taken) = j.take().unwrap().unwrap();
        assert_eq!(ids, ["c@x"]);
        SentJournal::finish(&taken).unwrap();
        assert!(j.take().unwrap().is_none());
    }
}
