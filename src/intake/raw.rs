//! Raw messages on disk, named by the SHA-256 of their bytes, written whole
//! (temporary file, fsync, rename) before anything else happens to them.

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The hex SHA-256 of a message.
pub fn digest(raw: &[u8]) -> String {
    hex::encode(Sha256::digest(raw))
}

/// Where a message with this digest is kept, relative to the state directory.
pub fn relative_path(sha256: &str) -> PathBuf {
    let prefix = sha256.get(..2).unwrap_or("00");
    PathBuf::from("messages")
        .join(prefix)
        .join(format!("{sha256}.eml"))
}

/// Writes the message durably; an existing copy (same digest) is kept as it is.
pub fn save(state_dir: &Path, sha256: &str, raw: &[u8]) -> std::io::Result<PathBuf> {
    let rel = relative_path(sha256);
    let path = state_dir.join(&rel);
    if path.is_file() {
        return Ok(rel);
    }
    let dir = path.parent().unwrap_or(state_dir);
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".{sha256}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(raw)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        std::fs::File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map(|()| rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_once_under_its_digest() {
        let dir = tempfile::tempdir().unwrap();
        let sha = digest(b"hello");
        let rel = save(dir.path(), &sha, b"hello").unwrap();
        assert_eq!(std::fs::read(dir.path().join(&rel)).unwrap(), b"hello");
        assert_eq!(save(dir.path(), &sha, b"hello").unwrap(), rel);
        assert!(rel.starts_with("messages"));
    }
}
