//! Secrets (passwords, later tokens): read from an environment variable or a
//! file named in the config, never from the config itself, and never shown
//! in `Debug`, `Display` or logs.

use serde::Deserialize;
use std::path::PathBuf;

/// A secret value. Its `Debug` prints `Secret(***)`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for the one place that sends it to a server.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Where a secret comes from: exactly one of `password_env` and `password_file`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SecretSource {
    /// The name of an environment variable holding the secret.
    pub password_env: Option<String>,
    /// A file holding the secret (trailing newline ignored), e.g. a systemd credential.
    pub password_file: Option<PathBuf>,
}

/// Why a secret could not be read. `key` names the config key.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SecretError {
    #[error("{key}: set exactly one of password_env and password_file")]
    Ambiguous { key: String },
    #[error("{key}.password_env: the environment variable {var} is not set")]
    EnvMissing { key: String, var: String },
    #[error("{key}.password_file: cannot read {path}: {reason}")]
    File {
        key: String,
        path: String,
        reason: String,
    },
    #[error("{key}: the secret is empty")]
    Empty { key: String },
}

impl SecretSource {
    /// True when the config names no source at all.
    pub fn is_unset(&self) -> bool {
        self.password_env.is_none() && self.password_file.is_none()
    }

    /// Reads the secret now. `key` is the config section, for messages.
    pub fn load(&self, key: &str) -> Result<Secret, SecretError> {
        let value = match (&self.password_env, &self.password_file) {
            (Some(var), None) => std::env::var(var).map_err(|_| SecretError::EnvMissing {
                key: key.to_string(),
                var: var.clone(),
            })?,
            (None, Some(path)) => std::fs::read_to_string(path).map_err(|e| SecretError::File {
                key: key.to_string(),
                path: path.display().to_string(),
                reason: e.to_string(),
            })?,
            _ => {
                return Err(SecretError::Ambiguous {
                    key: key.to_string(),
                });
            }
        };
        let value = value.trim_end_matches(['\r', '\n']).to_string();
        if value.is_empty() {
            return Err(SecretError::Empty {
                key: key.to_string(),
            });
        }
        Ok(Secret(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert!(!format!("{:?}", Some(s)).contains("hunter2"));
    }

    #[test]
    fn reads_a_file_without_its_newline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pw");
        std::fs::write(&path, "s3cret\n").unwrap();
        let src = SecretSource {
            password_env: None,
            password_file: Some(path),
        };
        assert_eq!(src.load("mailbox.imap").unwrap().expose(), "s3cret");
    }

    #[test]
    fn names_the_key_when_both_or_neither_are_set() {
        let both = SecretSource {
            password_env: Some("X".into()),
            password_file: Some("/x".into()),
        };
        assert_eq!(
            both.load("outbox.smtp").unwrap_err().to_string(),
            "outbox.smtp: set exactly one of password_env and password_file"
        );
        let missing = SecretSource {
            password_env: Some("SPONSOR_INTAKE_NO_SUCH_VAR".into()),
            password_file: None,
        };
        assert!(
            missing
                .load("mailbox.imap")
                .unwrap_err()
                .to_string()
                .contains("SPONSOR_INTAKE_NO_SUCH_VAR")
        );
    }
}
