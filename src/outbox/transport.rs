//! How an email leaves: SMTP through lettre (pooled, TLS, authenticated) or
//! a folder of `.eml` files.

use crate::config::Secret;
use crate::config::{self, Tls};
use crate::oauth::TokenSource;
use lettre::address::Envelope;
use lettre::transport::smtp::AsyncSmtpTransportBuilder as SmtpTransportBuilder;
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls as LettreTls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Why an email was not sent.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later (server down, 4xx, network).
    #[error("{0}")]
    Transient(String),
    /// Will never succeed as it is (5xx, bad address).
    #[error("{0}")]
    Permanent(String),
    /// The transport could not be set up from the configuration.
    #[error("{key}: {reason}")]
    Setup { key: String, reason: String },
    /// Our credentials were refused (or no OAuth2 token could be had): the
    /// email is not at fault and waits, without using up its attempts.
    #[error("cannot sign in to the SMTP server: {0}")]
    Credentials(String),
}

/// Where emails go.
#[derive(Clone)]
pub enum Transport {
    Smtp(Box<AsyncSmtpTransport<Tokio1Executor>>),
    /// SMTP signed in with an OAuth2 access token (XOAUTH2): rebuilt with
    /// each renewed token (lettre fixes credentials when a transport is built).
    OAuth(Arc<OAuthSmtp>),
    Files(PathBuf),
}

/// An SMTP transport whose sign-in token is renewed.
pub struct OAuthSmtp {
    builder: SmtpTransportBuilder,
    username: String,
    source: Arc<TokenSource>,
    current: tokio::sync::Mutex<Option<(Secret, AsyncSmtpTransport<Tokio1Executor>)>>,
}

impl OAuthSmtp {
    /// The transport for the current access token (rebuilt when it changed).
    async fn transport(&self, token: &Secret) -> AsyncSmtpTransport<Tokio1Executor> {
        let mut current = self.current.lock().await;
        if let Some((t, transport)) = current.as_ref()
            && t == token
        {
            return transport.clone();
        }
        let transport = self
            .builder
            .clone()
            .credentials(Credentials::new(
                self.username.clone(),
                token.expose().to_string(),
            ))
            .authentication(vec![Mechanism::Xoauth2])
            .build();
        *current = Some((token.clone(), transport.clone()));
        transport
    }

    async fn send(&self, envelope: &Envelope, raw: &[u8]) -> Result<(), SendError> {
        let mut token = self
            .source
            .access_token()
            .await
            .map_err(|e| SendError::Credentials(e.to_string()))?;
        for attempt in 0..2 {
            let smtp = self.transport(&token.token).await;
            match smtp.send_raw(envelope, raw).await {
                Ok(_) => return Ok(()),
                Err(e) if is_auth_refusal(&e) && attempt == 0 => {
                    tracing::debug!(error = %e, "the SMTP server refused the access token; renewing it once");
                    token = self
                        .source
                        .renew_after_refusal(&token.token)
                        .await
                        .map_err(|e| SendError::Credentials(e.to_string()))?;
                }
                Err(e) if is_auth_refusal(&e) => {
                    return Err(SendError::Credentials(format!(
                        "XOAUTH2 with a renewed access token: {e}. Check that the app registration has the SMTP.Send permission and that SMTP AUTH is enabled for the mailbox"
                    )));
                }
                Err(e) => return Err(classify(e)),
            }
        }
        unreachable!("the loop returns on its second attempt")
    }

    /// Signs in (for `check-config --connect`).
    pub async fn test(&self) -> Result<(), SendError> {
        let token = self
            .source
            .access_token()
            .await
            .map_err(|e| SendError::Credentials(e.to_string()))?;
        self.transport(&token.token)
            .await
            .test_connection()
            .await
            .map(|_| ())
            .map_err(|e| {
                if is_auth_refusal(&e) {
                    SendError::Credentials(e.to_string())
                } else {
                    classify(e)
                }
            })
    }
}

/// 535 (authentication credentials invalid) or 530/534/538 (authentication
/// needed); or an XOAUTH2 refusal, which the server sends as a challenge
/// carrying its error report, and lettre gives up on as a client error.
fn is_auth_refusal(e: &lettre::transport::smtp::Error) -> bool {
    e.status()
        .is_some_and(|c| ["535", "530", "534", "538", "454"].contains(&c.to_string().as_str()))
        || (e.is_client() && e.to_string().contains("does not expect a challenge"))
}

fn classify(e: lettre::transport::smtp::Error) -> SendError {
    if e.is_permanent() {
        SendError::Permanent(e.to_string())
    } else {
        SendError::Transient(e.to_string())
    }
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Transport::Smtp(_) => f.write_str("Transport::Smtp"),
            Transport::OAuth(_) => f.write_str("Transport::OAuth"),
            Transport::Files(p) => write!(f, "Transport::Files({})", p.display()),
        }
    }
}

impl Transport {
    /// Builds the configured transport (loads the secret now; an OAuth2
    /// token is asked for at the first send).
    pub fn from_config(
        config: &config::Config,
        oauth: Option<Arc<TokenSource>>,
    ) -> Result<Transport, SendError> {
        match config.outbox.transport {
            config::TransportKind::Files => {
                let files = config
                    .outbox
                    .files
                    .as_ref()
                    .ok_or_else(|| setup("outbox.files", "missing"))?;
                let dir = config.path(&files.directory);
                std::fs::create_dir_all(&dir)
                    .map_err(|e| setup("outbox.files.directory", e.to_string()))?;
                Ok(Transport::Files(dir))
            }
            config::TransportKind::Smtp => {
                let smtp = config
                    .outbox
                    .smtp
                    .as_ref()
                    .ok_or_else(|| setup("outbox.smtp", "missing"))?;
                smtp_transport(config, smtp, oauth)
            }
        }
    }

    /// Sends one whole message to `recipients`, from `sender` (the envelope's return path).
    pub async fn send(
        &self,
        sender: &str,
        recipients: &[String],
        raw: &[u8],
        name: &str,
    ) -> Result<(), SendError> {
        match self {
            Transport::Files(dir) => write_file(dir, name, raw).await,
            Transport::Smtp(_) | Transport::OAuth(_) => {
                let from = sender
                    .parse()
                    .map_err(|_| SendError::Permanent(format!("bad sender {sender:?}")))?;
                let to = recipients
                    .iter()
                    .map(|r| {
                        r.parse()
                            .map_err(|_| SendError::Permanent(format!("bad recipient {r:?}")))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                let envelope = Envelope::new(Some(from), to)
                    .map_err(|e| SendError::Permanent(e.to_string()))?;
                match self {
                    Transport::OAuth(o) => o.send(&envelope, raw).await,
                    Transport::Smtp(smtp) => match smtp.send_raw(&envelope, raw).await {
                        Ok(_) => Ok(()),
                        Err(e) if is_auth_refusal(&e) => Err(SendError::Credentials(format!(
                            "{e}: check outbox.smtp's username and password"
                        ))),
                        Err(e) => Err(classify(e)),
                    },
                    Transport::Files(_) => unreachable!("handled above"),
                }
            }
        }
    }
}

fn setup(key: &str, reason: impl Into<String>) -> SendError {
    SendError::Setup {
        key: key.to_string(),
        reason: reason.into(),
    }
}

/// Signs in to the SMTP server without sending anything (`check-config --connect`).
pub async fn test_sign_in(transport: &Transport) -> Result<(), SendError> {
    match transport {
        Transport::OAuth(o) => o.test().await,
        Transport::Smtp(smtp) => smtp.test_connection().await.map(|_| ()).map_err(|e| {
            if is_auth_refusal(&e) {
                SendError::Credentials(e.to_string())
            } else {
                classify(e)
            }
        }),
        Transport::Files(_) => Ok(()),
    }
}

fn smtp_transport(
    config: &config::Config,
    smtp: &config::Smtp,
    oauth: Option<Arc<TokenSource>>,
) -> Result<Transport, SendError> {
    let mut params = TlsParameters::builder(smtp.host.clone());
    if let Some(ca) = &smtp.ca_file {
        let pem = std::fs::read(config.path(ca))
            .map_err(|e| setup("outbox.smtp.ca_file", e.to_string()))?;
        let cert =
            Certificate::from_pem(&pem).map_err(|e| setup("outbox.smtp.ca_file", e.to_string()))?;
        params = params.add_root_certificate(cert);
    }
    let params = params
        .build_rustls()
        .map_err(|e| setup("outbox.smtp", e.to_string()))?;
    let tls = match smtp.tls {
        Tls::Implicit => LettreTls::Wrapper(params),
        Tls::Starttls => LettreTls::Required(params),
        Tls::None => LettreTls::None,
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.clone())
        .port(smtp.port)
        .tls(tls)
        .timeout(Some(Duration::from_secs(smtp.timeout_seconds)))
        .pool_config(
            PoolConfig::new()
                .max_size(4)
                .idle_timeout(Duration::from_secs(60)),
        );
    if let (Some(user), true) = (&smtp.username, smtp.auth.is_oauth()) {
        let source = oauth.ok_or_else(|| {
            setup(
                "outbox.smtp.auth",
                "an [oauth2] section is needed to sign in with a token",
            )
        })?;
        return Ok(Transport::OAuth(Arc::new(OAuthSmtp {
            builder,
            username: user.clone(),
            source,
            current: tokio::sync::Mutex::new(None),
        })));
    }
    if let Some(user) = &smtp.username {
        let password = smtp
            .password
            .load("outbox.smtp")
            .map_err(|e| setup("outbox.smtp", e.to_string()))?;
        builder = builder
            .credentials(Credentials::new(
                user.clone(),
                password.expose().to_string(),
            ))
            .authentication(vec![Mechanism::Plain, Mechanism::Login]);
    }
    Ok(Transport::Smtp(Box::new(builder.build())))
}

/// Writes atomically (temporary name, then rename) so a reader never sees half a file.
async fn write_file(dir: &std::path::Path, name: &str, raw: &[u8]) -> Result<(), SendError> {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let tmp = dir.join(format!(".{safe}.tmp"));
    let path = dir.join(format!("{safe}.eml"));
    tokio::fs::write(&tmp, raw)
        .await
        .map_err(|e| SendError::Transient(format!("cannot write {}: {e}", tmp.display())))?;
    tokio::fs::rename(&tmp, &path)
        .await
        .map_err(|e| SendError::Transient(format!("cannot write {}: {e}", path.display())))
}
