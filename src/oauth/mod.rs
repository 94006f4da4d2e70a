//! OAuth2 sign-in for IMAP and SMTP (Exchange Online: XOAUTH2, OAUTHBEARER).
//! It owns where access tokens come from (a refresh token kept in the state
//! directory after `sponsor-intake login`, an application's client
//! credentials, or a site's own command), renewing them before they expire,
//! and the health of the stored credentials. It never logs a token.
//!
//! - [`sasl`]: the SASL strings (pure).
//! - [`stored`]: the refresh token file (owner-only, replaced atomically).
//! - [`assertion`]: the signed JWT of the certificate credentials.
//! - [`endpoint`]: the token endpoint over HTTPS (device code, refresh, client credentials).
//! - [`source`]: [`TokenSource`], shared by the IMAP and SMTP sign-ins.
//! - [`health`]: when the stored credentials lapse, and the warnings about it.

pub mod assertion;
pub mod endpoint;
pub mod health;
pub mod sasl;
pub mod source;
pub mod stored;

pub use source::{AccessToken, TokenSource};

/// Why no access token could be had. Each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    /// `login` has never been run (or its file was removed).
    #[error(
        "no stored refresh token in {path}: run `sponsor-intake login` to sign in to the mailbox"
    )]
    NotSignedIn { path: String },
    /// The token endpoint refused the refresh token: lapsed, revoked, or the password changed.
    #[error(
        "the token endpoint refused the stored refresh token ({code}: {description}); it has lapsed or was revoked (a changed mailbox password does this): run `sponsor-intake login` again"
    )]
    Revoked { code: String, description: String },
    /// The token endpoint refused the application's credentials or the request.
    #[error(
        "the token endpoint refused the request ({code}: {description}): check oauth2.client_id, the client secret and the app registration's permissions"
    )]
    Refused { code: String, description: String },
    /// The token endpoint could not be reached or answered nonsense (retried).
    #[error("cannot get a token from {url}: {reason}")]
    Unreachable { url: String, reason: String },
    /// `token_command` failed.
    #[error("oauth2.token_command: {0}")]
    Command(String),
    /// The state directory could not be read or written.
    #[error("oauth2 token file {path}: {reason}")]
    Store { path: String, reason: String },
    /// The configuration cannot be used.
    #[error("{key}: {reason}")]
    Setup { key: String, reason: String },
}

impl OAuthError {
    /// Someone must act (sign in again, fix the registration): not a passing outage.
    pub fn needs_operator(&self) -> bool {
        matches!(
            self,
            OAuthError::NotSignedIn { .. }
                | OAuthError::Revoked { .. }
                | OAuthError::Refused { .. }
        )
    }
}
