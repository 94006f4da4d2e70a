//! How an email leaves: SMTP through lettre (pooled, TLS, authenticated) or
//! a folder of `.eml` files.

use crate::config::{self, Tls};
use lettre::address::Envelope;
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls as LettreTls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::path::PathBuf;
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
}

/// Where emails go.
#[derive(Clone)]
pub enum Transport {
    Smtp(Box<AsyncSmtpTransport<Tokio1Executor>>),
    Files(PathBuf),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Transport::Smtp(_) => f.write_str("Transport::Smtp"),
            Transport::Files(p) => write!(f, "Transport::Files({})", p.display()),
        }
    }
}

impl Transport {
    /// Builds the configured transport (loads the secret now).
    pub fn from_config(config: &config::Config) -> Result<Transport, SendError> {
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
                smtp_transport(config, smtp)
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
            Transport::Smtp(smtp) => {
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
                match smtp.send_raw(&envelope, raw).await {
                    Ok(_) => Ok(()),
                    Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
                    Err(e) => Err(SendError::Transient(e.to_string())),
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

fn smtp_transport(config: &config::Config, smtp: &config::Smtp) -> Result<Transport, SendError> {
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
