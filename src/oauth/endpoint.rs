//! The token endpoint (Microsoft identity platform v2.0 by default) over
//! HTTPS: the device authorization grant for `login`, the refresh-token grant
//! (the endpoint may rotate the refresh token) and the client-credentials
//! grant. Errors in the endpoint's JSON (`error`, `error_description`) become
//! [`OAuthError`] variants that say what to do.

use super::OAuthError;
use crate::config::{OAuth2, Secret};
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// What the token endpoint gave.
#[derive(Debug)]
pub struct Granted {
    pub access_token: Secret,
    pub expires_in: Duration,
    /// A new refresh token (rotation), when the endpoint sent one.
    pub refresh_token: Option<Secret>,
}

/// What the administrator is asked to do to sign in (device code).
#[derive(Clone, Debug, Deserialize)]
pub struct DeviceAuthorization {
    pub device_code: String,
    pub user_code: String,
    pub verification_uri: String,
    pub expires_in: u64,
    #[serde(default = "five")]
    pub interval: u64,
    /// The endpoint's own instructions, when it gives them.
    #[serde(default)]
    pub message: Option<String>,
}

fn five() -> u64 {
    5
}

#[derive(Deserialize)]
struct TokenBody {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    refresh_token: Option<String>,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// How a request ended when the endpoint answered with an error.
enum Answer {
    Granted(Granted),
    Error { code: String, description: String },
}

/// The configured token endpoint.
#[derive(Clone, Debug)]
pub struct Endpoint {
    http: reqwest::Client,
    token_url: String,
    device_url: String,
    client_id: String,
    scopes: String,
}

impl Endpoint {
    pub fn new(o: &OAuth2) -> Result<Endpoint, OAuthError> {
        Ok(Endpoint {
            http: http_client()?,
            token_url: o.token_endpoint(),
            device_url: o.device_code_endpoint(),
            client_id: o.client_id.clone().unwrap_or_default(),
            scopes: o.scopes().join(" "),
        })
    }

    /// Starts the device authorization grant.
    pub async fn device_authorization(&self) -> Result<DeviceAuthorization, OAuthError> {
        let body = form(&[("client_id", &self.client_id), ("scope", &self.scopes)]);
        let (status, text) = self.post(&self.device_url, body).await?;
        if status.is_success() {
            return serde_json::from_str(&text).map_err(|e| unreachable(&self.device_url, e));
        }
        let (code, description) = error_of(&text, status);
        Err(OAuthError::Refused { code, description })
    }

    /// One poll of the device grant: `Pending` while the administrator has not
    /// signed in yet, `SlowDown` when the endpoint asks to poll less often.
    pub async fn poll_device(&self, device_code: &str) -> Result<DevicePoll, OAuthError> {
        let body = form(&[
            ("grant_type", DEVICE_GRANT),
            ("client_id", &self.client_id),
            ("device_code", device_code),
        ]);
        match self.token_request(body).await? {
            Answer::Granted(g) => Ok(DevicePoll::Granted(g)),
            Answer::Error { code, .. } if code == "authorization_pending" => {
                Ok(DevicePoll::Pending)
            }
            Answer::Error { code, .. } if code == "slow_down" => Ok(DevicePoll::SlowDown),
            Answer::Error { code, description } => Err(OAuthError::Refused { code, description }),
        }
    }

    /// The refresh-token grant.
    pub async fn refresh(&self, refresh_token: &Secret) -> Result<Granted, OAuthError> {
        let body = form(&[
            ("grant_type", "refresh_token"),
            ("client_id", &self.client_id),
            ("refresh_token", refresh_token.expose()),
            ("scope", &self.scopes),
        ]);
        match self.token_request(body).await? {
            Answer::Granted(g) => Ok(g),
            // invalid_grant: expired, revoked, password changed, consent withdrawn.
            Answer::Error { code, description } if code == "invalid_grant" => {
                Err(OAuthError::Revoked { code, description })
            }
            Answer::Error { code, description } => Err(OAuthError::Refused { code, description }),
        }
    }

    /// The client-credentials grant with a client secret.
    pub async fn client_credentials(&self, secret: &Secret) -> Result<Granted, OAuthError> {
        let body = form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &self.client_id),
            ("client_secret", secret.expose()),
            ("scope", &self.scopes),
        ]);
        match self.token_request(body).await? {
            Answer::Granted(g) => Ok(g),
            Answer::Error { code, description } => Err(OAuthError::Refused { code, description }),
        }
    }

    /// The client-credentials grant with a signed assertion (certificate credentials).
    pub async fn client_assertion(
        &self,
        cert: &super::assertion::ClientCertificate,
    ) -> Result<Granted, OAuthError> {
        let jti = format!("{:032x}", rand::random::<u128>());
        let assertion = cert.assertion(
            &self.client_id,
            &self.token_url,
            chrono::Utc::now().timestamp(),
            &jti,
        )?;
        let body = form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &self.client_id),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", &assertion),
            ("scope", &self.scopes),
        ]);
        match self.token_request(body).await? {
            Answer::Granted(g) => Ok(g),
            Answer::Error { code, description } => Err(OAuthError::Refused { code, description }),
        }
    }

    async fn token_request(&self, body: String) -> Result<Answer, OAuthError> {
        let (status, text) = self.post(&self.token_url, body).await?;
        if status.is_success() {
            let t: TokenBody =
                serde_json::from_str(&text).map_err(|e| unreachable(&self.token_url, e))?;
            return Ok(Answer::Granted(Granted {
                access_token: Secret::new(t.access_token),
                expires_in: Duration::from_secs(t.expires_in.unwrap_or(3600)),
                refresh_token: t.refresh_token.map(Secret::new),
            }));
        }
        if status.is_server_error() {
            return Err(unreachable(&self.token_url, format!("HTTP {status}")));
        }
        let (code, description) = error_of(&text, status);
        Ok(Answer::Error { code, description })
    }

    async fn post(
        &self,
        url: &str,
        body: String,
    ) -> Result<(reqwest::StatusCode, String), OAuthError> {
        let resp = self
            .http
            .post(url)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| unreachable(url, e.without_url()))?;
        let status = resp.status();
        let text = resp
            .text()
            .await
            .map_err(|e| unreachable(url, e.without_url()))?;
        Ok((status, text))
    }
}

/// One poll of the device grant.
#[derive(Debug)]
pub enum DevicePoll {
    Granted(Granted),
    Pending,
    SlowDown,
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

fn error_of(text: &str, status: reqwest::StatusCode) -> (String, String) {
    match serde_json::from_str::<ErrorBody>(text) {
        Ok(e) => {
            // Microsoft's descriptions carry a trace and correlation id after the first line.
            let d = e.error_description.unwrap_or_default();
            (e.error, d.lines().next().unwrap_or("").trim().to_string())
        }
        Err(_) => (format!("HTTP {status}"), String::new()),
    }
}

fn unreachable(url: &str, reason: impl std::fmt::Display) -> OAuthError {
    OAuthError::Unreachable {
        url: url.to_string(),
        reason: reason.to_string(),
    }
}

/// An HTTP client on rustls with the ring provider and the system's roots.
fn http_client() -> Result<reqwest::Client, OAuthError> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| OAuthError::Setup {
            key: "oauth2".into(),
            reason: e.to_string(),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| OAuthError::Setup {
            key: "oauth2".into(),
            reason: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn microsoft_errors_keep_their_first_line() {
        let body = r#"{"error":"invalid_grant","error_description":"AADSTS70008: expired.\r\nTrace ID: 1\r\nCorrelation ID: 2"}"#;
        let (code, d) = error_of(body, reqwest::StatusCode::BAD_REQUEST);
        assert_eq!(code, "invalid_grant");
        assert_eq!(d, "AADSTS70008: expired.");
    }

    #[test]
    fn form_bodies_are_encoded() {
        assert_eq!(form(&[("scope", "a b&c")]), "scope=a+b%26c");
    }
}
