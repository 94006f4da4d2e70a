//! The refresh token `login` obtained, in `<state>/oauth2/refresh-token.json`:
//! owner-only (0600), replaced atomically (temporary file, then rename) when
//! the token endpoint rotates it, with when it was obtained and last used.

use super::OAuthError;
use crate::config::Secret;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The stored refresh token and its dates.
#[derive(Clone)]
pub struct StoredToken {
    pub refresh_token: Secret,
    /// When `login` obtained the chain this token belongs to.
    pub obtained_at: DateTime<Utc>,
    /// When the token endpoint last accepted it (or its predecessor).
    pub last_used_at: DateTime<Utc>,
}

impl std::fmt::Debug for StoredToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredToken")
            .field("refresh_token", &self.refresh_token)
            .field("obtained_at", &self.obtained_at)
            .field("last_used_at", &self.last_used_at)
            .finish()
    }
}

#[derive(Serialize, Deserialize)]
struct OnDisk {
    refresh_token: String,
    obtained_at: DateTime<Utc>,
    last_used_at: DateTime<Utc>,
}

/// The file under the state directory.
pub fn path(state_dir: &Path) -> PathBuf {
    state_dir.join("oauth2").join("refresh-token.json")
}

fn store_err(path: &Path, reason: impl std::fmt::Display) -> OAuthError {
    OAuthError::Store {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}

/// Reads the stored token; `None` when there is none yet.
pub fn load(path: &Path) -> Result<Option<StoredToken>, OAuthError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(store_err(path, e)),
    };
    let d: OnDisk = serde_json::from_str(&text).map_err(|e| {
        store_err(
            path,
            format!("not a token file ({e}): run `sponsor-intake login`"),
        )
    })?;
    Ok(Some(StoredToken {
        refresh_token: Secret::new(d.refresh_token),
        obtained_at: d.obtained_at,
        last_used_at: d.last_used_at,
    }))
}

/// Writes the token: a 0600 temporary file beside it, synced, then renamed over it.
pub fn save(path: &Path, token: &StoredToken) -> Result<(), OAuthError> {
    use std::io::Write;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| store_err(dir, e))?;
    let body = serde_json::to_vec_pretty(&OnDisk {
        refresh_token: token.refresh_token.expose().to_string(),
        obtained_at: token.obtained_at,
        last_used_at: token.last_used_at,
    })
    .map_err(|e| store_err(path, e))?;
    let tmp = dir.join(format!(".refresh-token.{}.tmp", std::process::id()));
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(|e| store_err(&tmp, e))?;
    f.write_all(&body)
        .and_then(|()| f.sync_all())
        .map_err(|e| store_err(&tmp, e))?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(|e| store_err(path, e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn saved_owner_only_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let p = path(dir.path());
        assert!(load(&p).unwrap().is_none());
        let t0 = Utc::now();
        let token = StoredToken {
            refresh_token: Secret::new("rt-1"),
            obtained_at: t0,
            last_used_at: t0,
        };
        save(&p, &token).unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let rotated = StoredToken {
            refresh_token: Secret::new("rt-2"),
            ..token
        };
        save(&p, &rotated).unwrap();
        let back = load(&p).unwrap().unwrap();
        assert_eq!(back.refresh_token.expose(), "rt-2");
        assert_eq!(back.obtained_at, t0);
        assert!(!format!("{back:?}").contains("rt-2"));
        let leftovers = std::fs::read_dir(p.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file left behind");
    }
}
