//! [`TokenSource`]: the access token both sign-ins use, renewed
//! `renew_before_seconds` before it expires, and at once when a server
//! refused it. One renewal at a time; the refresh token is read from its
//! file at each renewal, so a `login` run while the daemon is up is picked
//! up at the next attempt, and a rotated one is saved before it is used.

use super::endpoint::Endpoint;
use super::{OAuthError, stored};
use crate::config::{Config, OAuth2, OAuth2Flow, Secret};
use chrono::Utc;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;
use tracing::{info, warn};

/// An access token and when it stops being used.
#[derive(Clone, Debug)]
pub struct AccessToken {
    pub token: Secret,
    /// When it expires (as the endpoint said; for a command, its configured lifetime).
    pub expires_at: Instant,
    /// When it should be replaced: `renew_before_seconds` ahead of expiry.
    pub renew_at: Instant,
}

impl AccessToken {
    /// Time left before it should be replaced.
    pub fn fresh_for(&self) -> Duration {
        self.renew_at.saturating_duration_since(Instant::now())
    }
}

/// Where access tokens come from (one per process, shared by IMAP and SMTP).
#[derive(Debug)]
pub struct TokenSource {
    settings: OAuth2,
    endpoint: Option<Endpoint>,
    store_path: PathBuf,
    client_secret: Option<Secret>,
    certificate: Option<super::assertion::ClientCertificate>,
    current: Mutex<Option<AccessToken>>,
}

impl TokenSource {
    /// The source for this configuration, or `None` when no server signs in with a token.
    /// Loads the client secret now (a missing one is a configuration error).
    pub fn from_config(config: &Config) -> Result<Option<TokenSource>, OAuthError> {
        let Some(o) = config.oauth2.clone().filter(|_| config.uses_oauth2()) else {
            return Ok(None);
        };
        let certificate = match (&o.client_certificate_file, &o.client_key_file) {
            (Some(cert), Some(key)) => Some(super::assertion::ClientCertificate::load(
                &config.path(cert),
                &config.path(key),
            )?),
            _ => None,
        };
        let client_secret = match o.flow {
            OAuth2Flow::ClientCredentials if certificate.is_none() => {
                Some(o.client_secret_source().load("oauth2").map_err(|e| {
                    OAuthError::Setup {
                        key: "oauth2".into(),
                        reason: e
                            .to_string()
                            .replace("password_env", "client_secret_env")
                            .replace("password_file", "client_secret_file")
                            .trim_start_matches("oauth2: ")
                            .trim_start_matches("oauth2.")
                            .to_string(),
                    }
                })?)
            }
            _ => None,
        };
        let endpoint = match o.flow {
            OAuth2Flow::Command => None,
            _ => Some(Endpoint::new(&o)?),
        };
        Ok(Some(TokenSource {
            store_path: stored::path(&config.path(&config.state.directory)),
            settings: o,
            endpoint,
            client_secret,
            certificate,
            current: Mutex::new(None),
        }))
    }

    /// The flow in use.
    pub fn flow(&self) -> OAuth2Flow {
        self.settings.flow
    }

    /// Where the refresh token is kept (device-code flow).
    pub fn store_path(&self) -> &std::path::Path {
        &self.store_path
    }

    /// A token fit for use now: the current one, or a new one when it is due for renewal.
    pub async fn access_token(&self) -> Result<AccessToken, OAuthError> {
        let mut current = self.current.lock().await;
        if let Some(t) = current.as_ref()
            && Instant::now() < t.renew_at
        {
            return Ok(t.clone());
        }
        let renewing = current.is_some();
        let fresh = self.obtain().await?;
        if renewing {
            info!(
                expires_in_s = fresh
                    .expires_at
                    .saturating_duration_since(Instant::now())
                    .as_secs(),
                "access token renewed"
            );
        } else {
            info!(
                flow = ?self.settings.flow,
                expires_in_s = fresh.expires_at.saturating_duration_since(Instant::now()).as_secs(),
                "access token obtained"
            );
        }
        *current = Some(fresh.clone());
        Ok(fresh)
    }

    /// A server refused `refused`: forget it (unless another task already
    /// replaced it) and get a new one.
    pub async fn renew_after_refusal(&self, refused: &Secret) -> Result<AccessToken, OAuthError> {
        {
            let mut current = self.current.lock().await;
            if current.as_ref().is_some_and(|t| &t.token == refused) {
                warn!("the server refused the access token; getting a new one");
                *current = None;
            }
        }
        self.access_token().await
    }

    async fn obtain(&self) -> Result<AccessToken, OAuthError> {
        let (token, lifetime) = match self.settings.flow {
            OAuth2Flow::DeviceCode => self.refresh().await?,
            OAuth2Flow::ClientCredentials if self.certificate.is_some() => {
                let cert = self.certificate.as_ref().expect("checked");
                let g = self.endpoint()?.client_assertion(cert).await?;
                (g.access_token, g.expires_in)
            }
            OAuth2Flow::ClientCredentials => {
                let endpoint = self.endpoint()?;
                let secret = self
                    .client_secret
                    .as_ref()
                    .ok_or_else(|| OAuthError::Setup {
                        key: "oauth2".into(),
                        reason: "no client secret".into(),
                    })?;
                let g = endpoint.client_credentials(secret).await?;
                (g.access_token, g.expires_in)
            }
            OAuth2Flow::Command => (
                self.run_command().await?,
                Duration::from_secs(self.settings.token_command_lifetime_seconds),
            ),
        };
        let now = Instant::now();
        // Renew ahead of expiry, but never sooner than half its life (short test tokens).
        let ahead = Duration::from_secs(self.settings.renew_before_seconds).min(lifetime / 2);
        Ok(AccessToken {
            token,
            expires_at: now + lifetime,
            renew_at: now + lifetime - ahead,
        })
    }

    fn endpoint(&self) -> Result<&Endpoint, OAuthError> {
        self.endpoint.as_ref().ok_or_else(|| OAuthError::Setup {
            key: "oauth2.flow".into(),
            reason: "no token endpoint for this flow".into(),
        })
    }

    /// The refresh-token grant with the stored token; a rotated token is saved first.
    async fn refresh(&self) -> Result<(Secret, Duration), OAuthError> {
        let stored = stored::load(&self.store_path)?.ok_or_else(|| OAuthError::NotSignedIn {
            path: self.store_path.display().to_string(),
        })?;
        let granted = self.endpoint()?.refresh(&stored.refresh_token).await?;
        let rotated = granted.refresh_token.is_some();
        let next = stored::StoredToken {
            refresh_token: granted
                .refresh_token
                .unwrap_or_else(|| stored.refresh_token.clone()),
            obtained_at: stored.obtained_at,
            last_used_at: Utc::now(),
        };
        // Saved before the access token is used: a rotated token lost here
        // would mean signing in again by hand. Unless `login` replaced the
        // file meanwhile: its newer sign-in is kept.
        let replaced = stored::load(&self.store_path)?
            .is_some_and(|now| now.refresh_token != stored.refresh_token);
        if !replaced {
            stored::save(&self.store_path, &next)?;
        }
        tracing::debug!(rotated, "refresh token used");
        Ok((granted.access_token, granted.expires_in))
    }

    async fn run_command(&self) -> Result<Secret, OAuthError> {
        let argv = self.settings.token_command.clone().unwrap_or_default();
        let (program, args) = argv
            .split_first()
            .ok_or_else(|| OAuthError::Command("empty".into()))?;
        let out = tokio::time::timeout(
            Duration::from_secs(60),
            tokio::process::Command::new(program)
                .args(args)
                .stdin(std::process::Stdio::null())
                .kill_on_drop(true)
                .output(),
        )
        .await
        .map_err(|_| OAuthError::Command(format!("{program} took more than 60 seconds")))?
        .map_err(|e| OAuthError::Command(format!("cannot run {program}: {e}")))?;
        if !out.status.success() {
            // Its stderr may explain; its stdout may hold a secret, so it is not shown.
            let err = String::from_utf8_lossy(&out.stderr);
            let first = err
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(200)
                .collect::<String>();
            return Err(OAuthError::Command(format!(
                "{program} failed ({}): {first}",
                out.status
            )));
        }
        let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if token.is_empty() || token.contains(char::is_whitespace) {
            return Err(OAuthError::Command(format!(
                "{program} must print the access token alone on its output"
            )));
        }
        Ok(Secret::new(token))
    }
}
