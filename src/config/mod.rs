//! The daemon's settings: one TOML file, checked whole at start. Unknown
//! keys and bad values are refused with a message naming the key; secrets
//! come from the environment or a file (see [`secret`]).

pub mod secret;
mod web;

use serde::Deserialize;
use std::path::{Path, PathBuf};

pub use secret::{Secret, SecretSource};
pub use web::Web;

/// Why the configuration cannot be used. Every message names the key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{path}: {message}")]
    Syntax { path: String, message: String },
    #[error("{key}: {message}")]
    Invalid { key: String, message: String },
    #[error(transparent)]
    Secret(#[from] secret::SecretError),
}

fn invalid(key: &str, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key: key.to_string(),
        message: message.into(),
    }
}

/// The whole configuration file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub sponsor: Sponsor,
    pub administrators: Administrators,
    #[serde(default)]
    pub database: Database,
    pub state: State,
    pub mailbox: Mailbox,
    pub outbox: Outbox,
    #[serde(default)]
    pub templates: Templates,
    #[serde(default)]
    pub calendar: Calendar,
    #[serde(default)]
    pub limits: LimitsConfig,
    #[serde(default)]
    pub logging: Logging,
    #[serde(default)]
    pub jobs: Jobs,
    #[serde(default)]
    pub registers: Registers,
    /// Where OAuth2 access tokens come from, for servers with `auth = "xoauth2"`/`"oauthbearer"`.
    #[serde(default)]
    pub oauth2: Option<OAuth2>,
    #[serde(default)]
    pub instance: Instance,
    /// The administrators' web console; off unless the section is present.
    #[serde(default)]
    pub web: Option<Web>,
    /// The file this was read from; relative paths are taken from its folder.
    #[serde(skip)]
    pub base_dir: PathBuf,
}

/// Who the sponsor is and what it promises.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sponsor {
    /// The organisation's name, as care homes know it.
    pub name: String,
    /// The NHSmail organisation short name that prefixes shared mailboxes (`xyzicb`).
    pub short_name: String,
    /// The nominated mailbox's address: our own address, never answered.
    pub address: String,
    /// The name shown in the From of our emails.
    #[serde(default = "default_display_name")]
    pub display_name: String,
    /// The locally agreed timescale for a decision, in working days.
    pub decision_working_days: u32,
    /// The local IT helpdesk number given to new users.
    #[serde(default)]
    pub helpdesk_telephone: Option<String>,
    /// The daemon's time zone (IANA name).
    #[serde(default = "default_timezone")]
    pub timezone: String,
    /// Other addresses of ours (aliases) that must never be answered.
    #[serde(default)]
    pub other_addresses: Vec<String>,
    /// The page on the alternatives for sending secure email, linked in rejections (section 4).
    #[serde(default = "default_secure_email_link")]
    pub secure_email_link: String,
    /// How new users get their temporary password, in the first-login guidance (section 5.1.2).
    #[serde(default = "default_password_arrangement")]
    pub password_arrangement: String,
}

fn default_secure_email_link() -> String {
    "https://digital.nhs.uk/services/nhsmail/sending-secure-email".into()
}

fn default_password_arrangement() -> String {
    "by the arrangement agreed with your sponsor".into()
}

fn default_display_name() -> String {
    "NHSmail Sponsorship".into()
}

fn default_timezone() -> String {
    "Europe/London".into()
}

/// The Local Administrators who decide.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Administrators {
    /// Addresses that receive notices and may decide by email.
    pub addresses: Vec<String>,
    /// The primary Local Administrator (section 7), copied on escalations.
    #[serde(default)]
    pub primary: Option<String>,
    /// A message that is not an application (a question, a thank-you):
    /// `notify` tells the administrators, `record` only files it.
    #[serde(default)]
    pub enquiries: Enquiries,
}

/// What becomes of a message that is not an application.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Enquiries {
    /// The administrators get a short notice with its first lines.
    #[default]
    Notify,
    /// Filed and recorded, nobody told (`cases`-free messages are in the database).
    Record,
}

/// Where cases are kept.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Database {
    /// `sqlite://PATH` (relative to the config file's folder) or `postgres://...`.
    pub url: String,
    /// Most connections in the pool (PostgreSQL; SQLite always uses one).
    #[serde(default = "default_pool")]
    pub max_connections: u32,
}

fn default_pool() -> u32 {
    5
}

impl Default for Database {
    fn default() -> Self {
        Database {
            url: "sqlite://state/sponsor-intake.db".into(),
            max_connections: default_pool(),
        }
    }
}

/// Where the daemon keeps files of its own.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// Raw messages are kept under `<directory>/messages`.
    pub directory: PathBuf,
}

/// What to do with mail already in the mailbox the first time the daemon sees it.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Backlog {
    /// Leave it where it is; take in only mail that arrives from now on.
    #[default]
    StartFromNow,
    /// Open cases for it but send no replies (no flood of old correspondents).
    TakeInQuietly,
    /// Take it in and reply as if it had just arrived.
    TakeInAndReply,
}

/// Where mail comes from.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mailbox {
    /// `imap` or `maildir`.
    pub kind: MailboxKind,
    #[serde(default)]
    pub backlog: Backlog,
    /// Folder that processed messages are moved to.
    #[serde(default = "default_processed")]
    pub processed_folder: String,
    /// Folder that messages which cannot be processed are moved to.
    #[serde(default = "default_quarantine")]
    pub quarantine_folder: String,
    /// Seconds between checks when IDLE is not available (or as a safety net).
    #[serde(default = "default_poll")]
    pub poll_seconds: u64,
    #[serde(default)]
    pub imap: Option<Imap>,
    #[serde(default)]
    pub maildir: Option<Maildir>,
}

fn default_processed() -> String {
    "Processed".into()
}
fn default_quarantine() -> String {
    "Quarantine".into()
}
fn default_poll() -> u64 {
    60
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MailboxKind {
    Imap,
    Maildir,
}

/// How a connection is secured.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Tls {
    /// TLS from the first byte (IMAPS 993, SMTPS 465).
    Implicit,
    /// Plain connection upgraded with STARTTLS (IMAP 143, submission 587).
    Starttls,
    /// No encryption: only allowed to a loopback address.
    None,
}

/// How the daemon signs in to a server.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Auth {
    /// A password (IMAP LOGIN, SMTP PLAIN/LOGIN) from `password_env`/`password_file`.
    #[default]
    Password,
    /// SASL XOAUTH2 with an access token from `[oauth2]` (Exchange Online, Gmail).
    Xoauth2,
    /// SASL OAUTHBEARER (RFC 7628) with an access token from `[oauth2]` (IMAP only).
    Oauthbearer,
}

impl Auth {
    /// It signs in with an OAuth2 access token.
    pub fn is_oauth(self) -> bool {
        self != Auth::Password
    }

    /// The SASL mechanism's name.
    pub fn mechanism(self) -> &'static str {
        match self {
            Auth::Password => "LOGIN",
            Auth::Xoauth2 => "XOAUTH2",
            Auth::Oauthbearer => "OAUTHBEARER",
        }
    }
}

/// Where OAuth2 access tokens come from.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum OAuth2Flow {
    /// Delegated: `sponsor-intake login` signs in once (device code); the
    /// refresh token is kept in the state directory and renews access tokens.
    DeviceCode,
    /// An application registration with application permissions and a client secret.
    ClientCredentials,
    /// A command of the site's own tooling prints the access token.
    Command,
}

/// The `[oauth2]` section.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuth2 {
    pub flow: OAuth2Flow,
    /// The identity platform (Microsoft's by default).
    #[serde(default = "default_authority")]
    pub authority: String,
    /// The directory (tenant) id or domain of the organisation.
    #[serde(default = "default_tenant")]
    pub tenant: String,
    /// The application (client) id of the app registration.
    #[serde(default)]
    pub client_id: Option<String>,
    /// Scopes asked for; the default depends on the flow.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    /// Overrides `<authority>/<tenant>/oauth2/v2.0/token`.
    #[serde(default)]
    pub token_url: Option<String>,
    /// Overrides `<authority>/<tenant>/oauth2/v2.0/devicecode`.
    #[serde(default)]
    pub device_code_url: Option<String>,
    /// The client secret (client-credentials flow), from the environment...
    #[serde(default)]
    pub client_secret_env: Option<String>,
    /// ...or from a file.
    #[serde(default)]
    pub client_secret_file: Option<PathBuf>,
    /// Certificate credentials (client-credentials flow, instead of a secret):
    /// the certificate uploaded to the app registration (PEM)...
    #[serde(default)]
    pub client_certificate_file: Option<PathBuf>,
    /// ...and its RSA private key (PEM, PKCS#8), readable by the daemon only.
    #[serde(default)]
    pub client_key_file: Option<PathBuf>,
    /// The command (program and arguments) that prints an access token (command flow).
    #[serde(default)]
    pub token_command: Option<Vec<String>>,
    /// How long a token printed by `token_command` is used, in seconds.
    #[serde(default = "default_command_lifetime")]
    pub token_command_lifetime_seconds: u64,
    /// Renew an access token this many seconds before it expires.
    #[serde(default = "default_renew_before")]
    pub renew_before_seconds: u64,
    /// A refresh token lapses after this many days unused (Microsoft: 90).
    #[serde(default = "default_inactivity_days")]
    pub refresh_token_inactivity_days: u32,
    /// A refresh token lapses this many days after `login` at the latest
    /// (e.g. 365 when the mailbox's password is changed yearly); none if unset.
    #[serde(default)]
    pub refresh_token_max_age_days: Option<u32>,
    /// Warn the operator and the administrators this many days before it lapses.
    #[serde(default = "default_warn_days")]
    pub warn_before_days: u32,
}

fn default_authority() -> String {
    "https://login.microsoftonline.com".into()
}
fn default_tenant() -> String {
    "organizations".into()
}
fn default_command_lifetime() -> u64 {
    300
}
fn default_renew_before() -> u64 {
    300
}
fn default_inactivity_days() -> u32 {
    90
}
fn default_warn_days() -> u32 {
    14
}

impl OAuth2 {
    /// The token endpoint.
    pub fn token_endpoint(&self) -> String {
        self.token_url.clone().unwrap_or_else(|| {
            format!(
                "{}/{}/oauth2/v2.0/token",
                self.authority.trim_end_matches('/'),
                self.tenant
            )
        })
    }

    /// The device authorization endpoint.
    pub fn device_code_endpoint(&self) -> String {
        self.device_code_url.clone().unwrap_or_else(|| {
            format!(
                "{}/{}/oauth2/v2.0/devicecode",
                self.authority.trim_end_matches('/'),
                self.tenant
            )
        })
    }

    /// The scopes asked for: as configured, or the flow's default for Exchange Online.
    pub fn scopes(&self) -> Vec<String> {
        if let Some(s) = &self.scopes {
            return s.clone();
        }
        match self.flow {
            OAuth2Flow::ClientCredentials => vec!["https://outlook.office365.com/.default".into()],
            _ => vec![
                "https://outlook.office365.com/IMAP.AccessAsUser.All".into(),
                "https://outlook.office365.com/SMTP.Send".into(),
                "offline_access".into(),
            ],
        }
    }

    /// Where the client secret comes from.
    pub fn client_secret_source(&self) -> SecretSource {
        SecretSource {
            password_env: self.client_secret_env.clone(),
            password_file: self.client_secret_file.clone(),
        }
    }

    fn check(&self) -> Result<(), ConfigError> {
        let needs_client = self.flow != OAuth2Flow::Command;
        if needs_client
            && self
                .client_id
                .as_deref()
                .is_none_or(|c| c.trim().is_empty())
        {
            return Err(invalid(
                "oauth2.client_id",
                "set the application (client) id of the app registration",
            ));
        }
        let secret_set = self.client_secret_env.is_some() || self.client_secret_file.is_some();
        let cert_set = self.client_certificate_file.is_some() || self.client_key_file.is_some();
        if cert_set && (self.client_certificate_file.is_none() || self.client_key_file.is_none()) {
            return Err(invalid(
                "oauth2.client_certificate_file",
                "set both client_certificate_file and client_key_file",
            ));
        }
        if cert_set && (secret_set || self.flow != OAuth2Flow::ClientCredentials) {
            return Err(invalid(
                "oauth2.client_certificate_file",
                "only with flow = \"client-credentials\", instead of a client secret",
            ));
        }
        match self.flow {
            OAuth2Flow::ClientCredentials if !secret_set && !cert_set => {
                return Err(invalid(
                    "oauth2",
                    "set client_secret_env or client_secret_file (or client_certificate_file and client_key_file) for flow = \"client-credentials\"",
                ));
            }
            OAuth2Flow::ClientCredentials
                if self.client_secret_env.is_some() && self.client_secret_file.is_some() =>
            {
                return Err(invalid(
                    "oauth2",
                    "set only one of client_secret_env and client_secret_file",
                ));
            }
            OAuth2Flow::Command if self.token_command.as_ref().is_none_or(|c| c.is_empty()) => {
                return Err(invalid(
                    "oauth2.token_command",
                    "name the command that prints the access token, e.g. [\"/usr/local/bin/get-token\", \"imap\"]",
                ));
            }
            _ => {}
        }
        if self.flow != OAuth2Flow::ClientCredentials && secret_set {
            return Err(invalid(
                "oauth2.client_secret_env",
                "only used with flow = \"client-credentials\"",
            ));
        }
        if self.flow != OAuth2Flow::Command && self.token_command.is_some() {
            return Err(invalid(
                "oauth2.token_command",
                "only used with flow = \"command\"",
            ));
        }
        for (key, url) in [
            ("oauth2.authority", Some(&self.authority)),
            ("oauth2.token_url", self.token_url.as_ref()),
            ("oauth2.device_code_url", self.device_code_url.as_ref()),
        ] {
            if let Some(u) = url
                && !(u.starts_with("https://") || is_loopback_http(u))
            {
                return Err(invalid(
                    key,
                    "must be an https:// URL (http:// only to this machine)",
                ));
            }
        }
        if self.token_command_lifetime_seconds < 30 {
            return Err(invalid(
                "oauth2.token_command_lifetime_seconds",
                "must be at least 30",
            ));
        }
        if self.renew_before_seconds > 3000 {
            return Err(invalid(
                "oauth2.renew_before_seconds",
                "must be at most 3000 (access tokens live about an hour)",
            ));
        }
        if self.refresh_token_inactivity_days == 0 {
            return Err(invalid(
                "oauth2.refresh_token_inactivity_days",
                "must be at least 1",
            ));
        }
        Ok(())
    }
}

fn is_loopback_http(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', ':']).next().unwrap_or("");
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// An IMAP server.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Imap {
    pub host: String,
    pub port: u16,
    pub tls: Tls,
    pub username: String,
    /// `password` (the default), `xoauth2` or `oauthbearer`.
    #[serde(default)]
    pub auth: Auth,
    #[serde(flatten)]
    pub password: SecretSource,
    /// The folder care homes' mail arrives in.
    #[serde(default = "default_inbox")]
    pub folder: String,
    /// A PEM file of extra CA certificates to trust (a private CA).
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Use IDLE when the server offers it.
    #[serde(default = "yes")]
    pub idle: bool,
    /// Re-issue IDLE after this many seconds (servers drop it at 30 minutes).
    #[serde(default = "default_idle_renew")]
    pub idle_renew_seconds: u64,
}

fn default_inbox() -> String {
    "INBOX".into()
}
fn yes() -> bool {
    true
}
fn default_idle_renew() -> u64 {
    25 * 60
}

/// A local Maildir, for trying the daemon out.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Maildir {
    /// The Maildir (with `new`, `cur`, `tmp`); created if missing.
    pub path: PathBuf,
}

/// How our emails leave.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outbox {
    /// `smtp` or `files`.
    pub transport: TransportKind,
    /// Most attempts before an email is marked failed and reported.
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
    /// First retry delay in seconds; doubled each attempt, with jitter, capped at an hour.
    #[serde(default = "default_retry")]
    pub retry_seconds: u64,
    /// Send a copy of every email to the nominated mailbox: the administrators
    /// see what went out, and after a crash a copy that came back proves an
    /// email was accepted, so it is never sent twice.
    #[serde(default = "yes")]
    pub copy_to_mailbox: bool,
    /// After a crash cut a send off, how long to wait for its copy before sending again.
    #[serde(default = "default_copy_wait")]
    pub copy_wait_seconds: u64,
    /// Emails sent at once, each over its own SMTP session: a backlog's
    /// replies go out in parallel, within what the server allows.
    #[serde(default = "default_senders")]
    pub senders: usize,
    /// Most emails sent to one address (other than ours and the
    /// administrators') in any hour; more are held and reported to the
    /// administrators instead of sent, so that no loop with another robot
    /// can flood anyone. 0: no limit.
    #[serde(default = "default_per_recipient")]
    pub max_per_recipient_per_hour: u32,
    #[serde(default)]
    pub smtp: Option<Smtp>,
    #[serde(default)]
    pub files: Option<Files>,
}

fn default_per_recipient() -> u32 {
    10
}

fn default_copy_wait() -> u64 {
    120
}
fn default_senders() -> usize {
    3
}

fn default_attempts() -> u32 {
    20
}
fn default_retry() -> u64 {
    30
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TransportKind {
    Smtp,
    Files,
}

/// An SMTP submission server.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub tls: Tls,
    /// Sign in as this user; no authentication when absent.
    #[serde(default)]
    pub username: Option<String>,
    /// `password` (the default) or `xoauth2` (lettre has no OAUTHBEARER; Exchange Online takes XOAUTH2).
    #[serde(default)]
    pub auth: Auth,
    #[serde(flatten)]
    pub password: SecretSource,
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Seconds to wait for the server.
    #[serde(default = "default_smtp_timeout")]
    pub timeout_seconds: u64,
}

fn default_smtp_timeout() -> u64 {
    30
}

/// The file transport: one `.eml` per email.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Files {
    pub directory: PathBuf,
}

/// Where the email templates are.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Templates {
    pub directory: PathBuf,
}

impl Default for Templates {
    fn default() -> Self {
        Templates {
            directory: "templates".into(),
        }
    }
}

/// The working-day calendar.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// A file of bank holidays, one `YYYY-MM-DD` a line (`#` comments).
    pub bank_holidays_file: PathBuf,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar {
            bank_holidays_file: "bank-holidays-england-and-wales.txt".into(),
        }
    }
}

/// Caps against hostile input (see `form::readers::Limits`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    #[serde(default = "default_message_mb")]
    pub max_message_mb: usize,
    #[serde(default = "default_attachment_mb")]
    pub max_attachment_mb: usize,
    #[serde(default = "default_unzipped_mb")]
    pub max_unzipped_mb: u64,
    #[serde(default = "default_pdf_pages")]
    pub max_pdf_pages: usize,
    /// The most one PDF stream (other than an image) may inflate to, in MiB.
    #[serde(default = "default_pdf_stream_mb")]
    pub max_pdf_stream_mb: u64,
    /// The most objects one PDF may hold.
    #[serde(default = "default_pdf_objects")]
    pub max_pdf_objects: usize,
    /// The address space a reader process may take (`RLIMIT_AS`), in MiB.
    #[serde(default = "default_reader_memory_mb")]
    pub reader_memory_mb: u64,
    /// The processor time a reader process may use (`RLIMIT_CPU`), in seconds.
    #[serde(default = "default_reader_cpu_seconds")]
    pub reader_cpu_seconds: u64,
    /// How long a reader process may run, by the clock, before it is killed.
    #[serde(default = "default_reader_timeout_seconds")]
    pub reader_timeout_seconds: u64,
    /// A message whose reading was cut short this many times (the daemon
    /// died meanwhile) is quarantined instead of read again.
    #[serde(default = "default_reader_max_attempts")]
    pub reader_max_attempts: u32,
}

fn default_message_mb() -> usize {
    40
}
fn default_attachment_mb() -> usize {
    30
}
fn default_unzipped_mb() -> u64 {
    64
}
fn default_pdf_pages() -> usize {
    50
}
fn default_pdf_stream_mb() -> u64 {
    8
}
fn default_pdf_objects() -> usize {
    20_000
}
fn default_reader_memory_mb() -> u64 {
    1024
}
fn default_reader_cpu_seconds() -> u64 {
    30
}
fn default_reader_timeout_seconds() -> u64 {
    60
}
fn default_reader_max_attempts() -> u32 {
    2
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            max_message_mb: default_message_mb(),
            max_attachment_mb: default_attachment_mb(),
            max_unzipped_mb: default_unzipped_mb(),
            max_pdf_pages: default_pdf_pages(),
            max_pdf_stream_mb: default_pdf_stream_mb(),
            max_pdf_objects: default_pdf_objects(),
            reader_memory_mb: default_reader_memory_mb(),
            reader_cpu_seconds: default_reader_cpu_seconds(),
            reader_timeout_seconds: default_reader_timeout_seconds(),
            reader_max_attempts: default_reader_max_attempts(),
        }
    }
}

impl LimitsConfig {
    pub fn to_limits(&self) -> crate::form::readers::Limits {
        crate::form::readers::Limits {
            max_message_bytes: self.max_message_mb * 1024 * 1024,
            max_attachment_bytes: self.max_attachment_mb * 1024 * 1024,
            max_unzipped_bytes: self.max_unzipped_mb * 1024 * 1024,
            max_pdf_pages: self.max_pdf_pages,
            max_pdf_stream_bytes: self.max_pdf_stream_mb * 1024 * 1024,
            max_pdf_objects: self.max_pdf_objects,
            ..crate::form::readers::Limits::default()
        }
    }

    /// The bounds of the reader process (`intake::reader`).
    pub fn reader_bounds(&self) -> crate::intake::reader::Bounds {
        crate::intake::reader::Bounds {
            memory_bytes: self.reader_memory_mb << 20,
            cpu_seconds: self.reader_cpu_seconds,
            wall: std::time::Duration::from_secs(self.reader_timeout_seconds),
        }
    }

    fn check(&self) -> Result<(), ConfigError> {
        if !(1..=self.max_unzipped_mb.max(1)).contains(&self.max_pdf_stream_mb) {
            return Err(invalid(
                "limits.max_pdf_stream_mb",
                "must be between 1 and limits.max_unzipped_mb (MiB)",
            ));
        }
        if !(100..=1_000_000).contains(&self.max_pdf_objects) {
            return Err(invalid(
                "limits.max_pdf_objects",
                "must be between 100 and 1000000",
            ));
        }
        if !(64..=1 << 20).contains(&self.reader_memory_mb) {
            return Err(invalid(
                "limits.reader_memory_mb",
                "must be between 64 and 1048576 (MiB)",
            ));
        }
        if !(1..=3600).contains(&self.reader_cpu_seconds) {
            return Err(invalid(
                "limits.reader_cpu_seconds",
                "must be between 1 and 3600 seconds",
            ));
        }
        if !(1..=3600).contains(&self.reader_timeout_seconds) {
            return Err(invalid(
                "limits.reader_timeout_seconds",
                "must be between 1 and 3600 seconds",
            ));
        }
        if !(1..=100).contains(&self.reader_max_attempts) {
            return Err(invalid(
                "limits.reader_max_attempts",
                "must be between 1 and 100",
            ));
        }
        Ok(())
    }
}

/// Log output.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Logging {
    /// A tracing filter such as `info` or `sponsor_intake=debug`.
    #[serde(default = "default_level")]
    pub level: String,
    /// `text` or `json`.
    #[serde(default = "default_format")]
    pub format: String,
}

fn default_level() -> String {
    "info".into()
}
fn default_format() -> String {
    "text".into()
}

impl Default for Logging {
    fn default() -> Self {
        Logging {
            level: default_level(),
            format: default_format(),
        }
    }
}

/// This instance among several sharing one database (issue 8).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    /// Names this instance in the logs and in the intake lease. Default:
    /// `<hostname>:<pid>`. A stable name lets a restarted instance take its
    /// own lease back at once instead of waiting for it to expire.
    #[serde(default)]
    pub id: Option<String>,
    /// How long the intake lease lasts without renewal: how soon another
    /// instance takes in mail after the holder dies. Renewed every third of it.
    #[serde(default = "default_lease_seconds")]
    pub intake_lease_seconds: u64,
}

fn default_lease_seconds() -> u64 {
    10
}

impl Default for Instance {
    fn default() -> Self {
        Instance {
            id: None,
            intake_lease_seconds: default_lease_seconds(),
        }
    }
}

impl Instance {
    /// The configured id, or `<hostname>:<pid>`.
    pub fn id(&self) -> String {
        match &self.id {
            Some(id) => id.clone(),
            None => {
                let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
                    .unwrap_or_else(|_| "localhost".into());
                format!("{}:{}", host.trim(), std::process::id())
            }
        }
    }

    fn check(&self) -> Result<(), ConfigError> {
        if let Some(id) = &self.id
            && (id.trim().is_empty() || id.len() > 200 || id.chars().any(char::is_control))
        {
            return Err(invalid(
                "instance.id",
                "must be a short name without control characters",
            ));
        }
        if !(3..=600).contains(&self.intake_lease_seconds) {
            return Err(invalid(
                "instance.intake_lease_seconds",
                "must be between 3 and 600 seconds",
            ));
        }
        Ok(())
    }
}

/// The scheduled jobs (issue 5). Each has a cron expression (six fields,
/// seconds first, or five in the usual crontab form), read in `sponsor.timezone`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Jobs {
    pub overdue: OverdueJob,
    pub chasers: ChasersJob,
    pub weekly_summary: WeeklySummaryJob,
    pub canary: CanaryJob,
    pub retention: RetentionJob,
}

/// The digest of decisions past their due date, to the administrators.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OverdueJob {
    pub enabled: bool,
    pub schedule: String,
    /// Working days past the due date after which the primary LA is copied.
    pub escalate_after_working_days: u32,
}

impl Default for OverdueJob {
    fn default() -> Self {
        OverdueJob {
            enabled: true,
            schedule: "0 0 8 * * Mon-Fri".into(),
            escalate_after_working_days: 5,
        }
    }
}

/// Reminders to care homes that have not sent what is missing; then the lapse.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChasersJob {
    pub enabled: bool,
    pub schedule: String,
    /// Working days of silence from the care home before each reminder.
    pub chase_after_working_days: u32,
    /// Reminders before the case lapses (one more silent period after the last).
    pub max_chasers: u32,
}

impl Default for ChasersJob {
    fn default() -> Self {
        ChasersJob {
            enabled: true,
            schedule: "0 30 8 * * Mon-Fri".into(),
            chase_after_working_days: 5,
            max_chasers: 2,
        }
    }
}

/// The weekly summary to the administrators.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WeeklySummaryJob {
    pub enabled: bool,
    pub schedule: String,
}

impl Default for WeeklySummaryJob {
    fn default() -> Self {
        WeeklySummaryJob {
            enabled: true,
            schedule: "0 0 8 * * Mon".into(),
        }
    }
}

/// A marked test email to our own mailbox, expected back within the timeout.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CanaryJob {
    /// Off unless set: it needs a real round trip (SMTP out, the mailbox in).
    pub enabled: bool,
    pub schedule: String,
    pub canary_timeout_minutes: u32,
}

impl Default for CanaryJob {
    fn default() -> Self {
        CanaryJob {
            enabled: false,
            schedule: "0 0 * * * *".into(),
            canary_timeout_minutes: 30,
        }
    }
}

/// Deletion of the raw messages of cases closed long enough ago.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionJob {
    pub enabled: bool,
    pub schedule: String,
    /// Days after a case closed (rejected, registered, lapsed) before its raw messages go.
    pub retention_days: u32,
}

impl Default for RetentionJob {
    fn default() -> Self {
        RetentionJob {
            enabled: true,
            schedule: "0 15 2 * * *".into(),
            retention_days: 365,
        }
    }
}

/// The register checks of sections 2.1 and 2.2 (issue 7): the CQC public
/// API, ODS and the DSPT. Off unless a CQC subscription key is configured.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Registers {
    /// An environment variable holding the CQC subscription key.
    pub cqc_key_env: Option<String>,
    /// A file holding the CQC subscription key (e.g. a systemd credential).
    pub cqc_key_file: Option<PathBuf>,
    pub cqc_base_url: String,
    pub ods_base_url: String,
    pub dspt_base_url: String,
    /// The sponsor's ICB code as the CQC register gives it (`onspdIcbCode`).
    pub sponsor_icb_code: Option<String>,
    /// Seconds to wait for one answer.
    pub timeout_seconds: u64,
    /// Retries after a failed request (5xx, 429, timeout, refused).
    pub retries: u32,
    /// The first retry's delay in milliseconds; doubled each retry.
    pub retry_backoff_ms: u64,
    /// The most seconds one application's checks may take at intake.
    pub check_budget_seconds: u64,
    /// ODS requests a second (the ORD API allows at most 5).
    pub ods_requests_per_second: u32,
    /// When checks that could not be made, or were made on an earlier day, are repeated.
    pub recheck_schedule: String,
}

impl Default for Registers {
    fn default() -> Self {
        Registers {
            cqc_key_env: None,
            cqc_key_file: None,
            cqc_base_url: "https://api.service.cqc.org.uk/public/v1".into(),
            ods_base_url: "https://directory.spineservices.nhs.uk/ORD/2-0-0".into(),
            dspt_base_url: "https://www.dsptoolkit.nhs.uk".into(),
            sponsor_icb_code: None,
            timeout_seconds: 10,
            retries: 2,
            retry_backoff_ms: 500,
            check_budget_seconds: 30,
            ods_requests_per_second: 5,
            recheck_schedule: "0 0 * * * *".into(),
        }
    }
}

impl Registers {
    /// On when a CQC key is configured.
    pub fn enabled(&self) -> bool {
        self.cqc_key_env.is_some() || self.cqc_key_file.is_some()
    }

    /// Reads the CQC key now (`None` when the checks are off).
    pub fn load_key(&self) -> Result<Option<Secret>, ConfigError> {
        if !self.enabled() {
            return Ok(None);
        }
        let source = SecretSource {
            password_env: self.cqc_key_env.clone(),
            password_file: self.cqc_key_file.clone(),
        };
        let which = if self.cqc_key_file.is_some() {
            "registers.cqc_key_file"
        } else {
            "registers.cqc_key_env"
        };
        source.load(which).map(Some).map_err(|e| match e {
            secret::SecretError::Ambiguous { .. } => invalid(
                "registers.cqc_key_env",
                "set only one of cqc_key_env and cqc_key_file",
            ),
            secret::SecretError::EnvMissing { var, .. } => invalid(
                "registers.cqc_key_env",
                format!("the environment variable {var} is not set"),
            ),
            secret::SecretError::File { path, reason, .. } => invalid(
                "registers.cqc_key_file",
                format!("cannot read {path}: {reason}"),
            ),
            secret::SecretError::Empty { .. } => invalid(which, "the CQC key is empty"),
        })
    }

    fn check(&self) -> Result<(), ConfigError> {
        for (key, url) in [
            ("registers.cqc_base_url", &self.cqc_base_url),
            ("registers.ods_base_url", &self.ods_base_url),
            ("registers.dspt_base_url", &self.dspt_base_url),
        ] {
            check_base_url(key, url)?;
        }
        if !(1..=120).contains(&self.timeout_seconds) {
            return Err(invalid(
                "registers.timeout_seconds",
                "must be between 1 and 120",
            ));
        }
        if self.retries > 5 {
            return Err(invalid("registers.retries", "must be at most 5"));
        }
        if self.retry_backoff_ms > 60_000 {
            return Err(invalid(
                "registers.retry_backoff_ms",
                "must be at most 60000",
            ));
        }
        if !(1..=300).contains(&self.check_budget_seconds) {
            return Err(invalid(
                "registers.check_budget_seconds",
                "must be between 1 and 300",
            ));
        }
        if !(1..=5).contains(&self.ods_requests_per_second) {
            return Err(invalid(
                "registers.ods_requests_per_second",
                "must be between 1 and 5 (the ODS API's limit)",
            ));
        }
        if let Some(icb) = &self.sponsor_icb_code
            && (icb.trim().is_empty() || !icb.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            return Err(invalid(
                "registers.sponsor_icb_code",
                "must be an ODS code such as QWO",
            ));
        }
        crate::reminders::schedule::parse(&self.recheck_schedule)
            .map_err(|e| invalid("registers.recheck_schedule", e))?;
        Ok(())
    }
}

/// A register's base URL: https, or http only to this machine (tests).
fn check_base_url(key: &str, url: &str) -> Result<(), ConfigError> {
    if url.starts_with("https://") {
        return Ok(());
    }
    let host = url
        .strip_prefix("http://")
        .map(|rest| rest.split(['/', ':']).next().unwrap_or(""));
    match host {
        Some("localhost" | "127.0.0.1" | "[") => Ok(()),
        Some(h)
            if h.parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback()) =>
        {
            Ok(())
        }
        _ => Err(invalid(
            key,
            "must start with https:// (http:// only to a server on this machine)",
        )),
    }
}

impl Jobs {
    /// Each job's name, whether it is on, and its cron expression.
    pub fn schedules(&self) -> [(&'static str, bool, &str); 5] {
        [
            ("overdue", self.overdue.enabled, &self.overdue.schedule),
            ("chasers", self.chasers.enabled, &self.chasers.schedule),
            (
                "weekly_summary",
                self.weekly_summary.enabled,
                &self.weekly_summary.schedule,
            ),
            ("canary", self.canary.enabled, &self.canary.schedule),
            (
                "retention",
                self.retention.enabled,
                &self.retention.schedule,
            ),
        ]
    }

    fn check(&self) -> Result<(), ConfigError> {
        for (name, _, expr) in self.schedules() {
            crate::reminders::schedule::parse(expr)
                .map_err(|e| invalid(&format!("jobs.{name}.schedule"), e))?;
        }
        if !(1..=60).contains(&self.chasers.chase_after_working_days) {
            return Err(invalid(
                "jobs.chasers.chase_after_working_days",
                "must be between 1 and 60 working days",
            ));
        }
        if self.chasers.max_chasers > 10 {
            return Err(invalid("jobs.chasers.max_chasers", "must be at most 10"));
        }
        if self.overdue.escalate_after_working_days > 60 {
            return Err(invalid(
                "jobs.overdue.escalate_after_working_days",
                "must be at most 60 working days",
            ));
        }
        if !(1..=24 * 60).contains(&self.canary.canary_timeout_minutes) {
            return Err(invalid(
                "jobs.canary.canary_timeout_minutes",
                "must be between 1 and 1440 minutes",
            ));
        }
        if self.retention.retention_days < 1 {
            return Err(invalid(
                "jobs.retention.retention_days",
                "must be at least 1",
            ));
        }
        Ok(())
    }
}

impl Config {
    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Config::from_toml(&text, &path.display().to_string(), &base)
    }

    /// Parses and checks TOML text; `base` is the folder relative paths start from.
    pub fn from_toml(text: &str, name: &str, base: &Path) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|e| ConfigError::Syntax {
            path: name.to_string(),
            message: e.to_string().trim_end().to_string(),
        })?;
        config.base_dir = base.to_path_buf();
        config.check()?;
        Ok(config)
    }

    /// A path from the config, made absolute against the config file's folder.
    pub fn path(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base_dir.join(p)
        }
    }

    /// The database URL with a relative SQLite path resolved.
    pub fn database_url(&self) -> String {
        match self.database.url.strip_prefix("sqlite://") {
            Some(rest) if !rest.starts_with('/') && !rest.starts_with(':') => {
                let (file, query) = rest.split_once('?').unwrap_or((rest, ""));
                let joined = self.base_dir.join(file);
                let abs = std::path::absolute(&joined).unwrap_or(joined);
                let q = if query.is_empty() {
                    String::new()
                } else {
                    format!("?{query}")
                };
                format!("sqlite://{}{q}", abs.display())
            }
            _ => self.database.url.clone(),
        }
    }

    /// Who may sign in to the web console (lower case): `web.administrators`,
    /// else `administrators.addresses`.
    pub fn web_administrators(&self) -> Vec<String> {
        let named = self
            .web
            .as_ref()
            .map(|w| w.administrators.clone())
            .unwrap_or_default();
        let list = if named.is_empty() {
            &self.administrators.addresses
        } else {
            &named
        };
        list.iter().map(|a| a.trim().to_ascii_lowercase()).collect()
    }

    /// Every address that is ours: never answered, never opens a case.
    pub fn own_addresses(&self) -> Vec<String> {
        std::iter::once(&self.sponsor.address)
            .chain(&self.sponsor.other_addresses)
            .map(|a| a.trim().to_ascii_lowercase())
            .collect()
    }

    fn check(&self) -> Result<(), ConfigError> {
        check_address("sponsor.address", &self.sponsor.address)?;
        for a in &self.sponsor.other_addresses {
            check_address("sponsor.other_addresses", a)?;
        }
        if self.sponsor.short_name.trim().is_empty() {
            return Err(invalid("sponsor.short_name", "must not be empty"));
        }
        if !(1..=60).contains(&self.sponsor.decision_working_days) {
            return Err(invalid(
                "sponsor.decision_working_days",
                "must be between 1 and 60 working days",
            ));
        }
        if self.sponsor.timezone.parse::<chrono_tz::Tz>().is_err() {
            return Err(invalid(
                "sponsor.timezone",
                format!("unknown time zone {:?}", self.sponsor.timezone),
            ));
        }
        if self.administrators.addresses.is_empty() {
            return Err(invalid(
                "administrators.addresses",
                "name at least one administrator",
            ));
        }
        for a in &self.administrators.addresses {
            check_address("administrators.addresses", a)?;
        }
        if let Some(p) = &self.administrators.primary {
            check_address("administrators.primary", p)?;
        }
        let url = &self.database.url;
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            return Err(invalid(
                "database.url",
                "must start with sqlite:// or postgres://",
            ));
        }
        self.check_mailbox()?;
        self.check_outbox()?;
        let templates = self.path(&self.templates.directory);
        if !templates.join("base.txt").is_file() {
            return Err(invalid(
                "templates.directory",
                format!(
                    "{} does not hold the email templates (no base.txt)",
                    templates.display()
                ),
            ));
        }
        let holidays = self.path(&self.calendar.bank_holidays_file);
        if !holidays.is_file() {
            return Err(invalid(
                "calendar.bank_holidays_file",
                format!("{} is not a file", holidays.display()),
            ));
        }
        if !["text", "json"].contains(&self.logging.format.as_str()) {
            return Err(invalid("logging.format", "must be \"text\" or \"json\""));
        }
        self.jobs.check()?;
        self.registers.check()?;
        if let Some(o) = &self.oauth2 {
            o.check()?;
        }
        self.instance.check()?;
        self.limits.check()?;
        if let Some(w) = &self.web {
            w.check()?;
        }
        Ok(())
    }

    fn check_mailbox(&self) -> Result<(), ConfigError> {
        let m = &self.mailbox;
        if m.poll_seconds == 0 {
            return Err(invalid("mailbox.poll_seconds", "must be at least 1"));
        }
        if m.processed_folder == m.quarantine_folder {
            return Err(invalid(
                "mailbox.quarantine_folder",
                "must differ from mailbox.processed_folder",
            ));
        }
        match m.kind {
            MailboxKind::Imap => {
                let imap = m
                    .imap
                    .as_ref()
                    .ok_or_else(|| invalid("mailbox.imap", "missing for kind = \"imap\""))?;
                check_tls("mailbox.imap.tls", imap.tls, &imap.host)?;
                self.check_auth("mailbox.imap", imap.auth, &imap.password)?;
                if imap.idle_renew_seconds < 60 || imap.idle_renew_seconds > 29 * 60 {
                    return Err(invalid(
                        "mailbox.imap.idle_renew_seconds",
                        "must be between 60 and 1740",
                    ));
                }
                if imap.folder == m.processed_folder {
                    return Err(invalid(
                        "mailbox.processed_folder",
                        "must differ from mailbox.imap.folder",
                    ));
                }
            }
            MailboxKind::Maildir => {
                m.maildir
                    .as_ref()
                    .ok_or_else(|| invalid("mailbox.maildir", "missing for kind = \"maildir\""))?;
            }
        }
        Ok(())
    }

    fn check_outbox(&self) -> Result<(), ConfigError> {
        let o = &self.outbox;
        if o.max_attempts == 0 {
            return Err(invalid("outbox.max_attempts", "must be at least 1"));
        }
        if !(1..=16).contains(&o.senders) {
            return Err(invalid("outbox.senders", "must be from 1 to 16"));
        }
        match o.transport {
            TransportKind::Smtp => {
                let smtp = o
                    .smtp
                    .as_ref()
                    .ok_or_else(|| invalid("outbox.smtp", "missing for transport = \"smtp\""))?;
                check_tls("outbox.smtp.tls", smtp.tls, &smtp.host)?;
                if smtp.auth == Auth::Oauthbearer {
                    return Err(invalid(
                        "outbox.smtp.auth",
                        "\"oauthbearer\" is not available for SMTP; use \"xoauth2\" (Exchange Online accepts it)",
                    ));
                }
                if smtp.auth.is_oauth() && smtp.username.is_none() {
                    return Err(invalid(
                        "outbox.smtp.username",
                        "set the mailbox to sign in as (needed for xoauth2)",
                    ));
                }
                if smtp.username.is_some() {
                    self.check_auth("outbox.smtp", smtp.auth, &smtp.password)?;
                }
            }
            TransportKind::Files => {
                o.files
                    .as_ref()
                    .ok_or_else(|| invalid("outbox.files", "missing for transport = \"files\""))?;
            }
        }
        Ok(())
    }
}

impl Config {
    /// Password sign-in needs a password source; OAuth2 sign-in needs `[oauth2]` and no password.
    fn check_auth(
        &self,
        key: &str,
        auth: Auth,
        password: &SecretSource,
    ) -> Result<(), ConfigError> {
        if !auth.is_oauth() {
            if password.is_unset() {
                return Err(invalid(key, "set password_env or password_file"));
            }
            return Ok(());
        }
        if !password.is_unset() {
            return Err(invalid(
                key,
                format!(
                    "auth = \"{}\" signs in with an OAuth2 token: remove password_env/password_file",
                    auth.mechanism().to_ascii_lowercase()
                ),
            ));
        }
        if self.oauth2.is_none() {
            return Err(invalid(
                &format!("{key}.auth"),
                "an [oauth2] section is needed to sign in with a token",
            ));
        }
        Ok(())
    }

    /// Some server signs in with an OAuth2 token.
    pub fn uses_oauth2(&self) -> bool {
        let imap = self.mailbox.kind == MailboxKind::Imap
            && self
                .mailbox
                .imap
                .as_ref()
                .is_some_and(|i| i.auth.is_oauth());
        let smtp = self.outbox.transport == TransportKind::Smtp
            && self.outbox.smtp.as_ref().is_some_and(|s| s.auth.is_oauth());
        imap || smtp
    }
}

fn check_address(key: &str, address: &str) -> Result<(), ConfigError> {
    let a = address.trim();
    let ok = a
        .split_once('@')
        .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') || d == "localhost")
        && !a.contains(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(invalid(key, format!("{address:?} is not an email address")))
    }
}

fn check_tls(key: &str, tls: Tls, host: &str) -> Result<(), ConfigError> {
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if tls == Tls::None && !loopback {
        return Err(invalid(
            key,
            "\"none\" is only allowed for a server on this machine (loopback)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod registers_tests {
    use super::*;

    #[test]
    fn register_urls_must_be_https_unless_on_this_machine() {
        assert!(check_base_url("k", "https://api.service.cqc.org.uk/public/v1").is_ok());
        assert!(check_base_url("k", "http://127.0.0.1:8080/cqc").is_ok());
        assert!(check_base_url("k", "http://localhost/cqc").is_ok());
        let e = check_base_url("registers.cqc_base_url", "http://api.example/x").unwrap_err();
        assert!(e.to_string().starts_with("registers.cqc_base_url: "));
    }

    #[test]
    fn the_checks_are_off_without_a_key_and_name_the_key_when_it_is_missing() {
        let off = Registers::default();
        assert!(!off.enabled());
        assert_eq!(off.load_key().unwrap(), None);
        let on = Registers {
            cqc_key_env: Some("SPONSOR_INTAKE_TEST_NO_SUCH_CQC_KEY".into()),
            ..Registers::default()
        };
        let e = on.load_key().unwrap_err().to_string();
        assert!(
            e.starts_with("registers.cqc_key_env: ")
                && e.contains("SPONSOR_INTAKE_TEST_NO_SUCH_CQC_KEY"),
            "{e}"
        );
        let bad = Registers {
            ods_requests_per_second: 6,
            ..Registers::default()
        };
        assert!(
            bad.check()
                .unwrap_err()
                .to_string()
                .starts_with("registers.ods_requests_per_second")
        );
    }
}

#[cfg(test)]
mod oauth_tests {
    use super::*;

    /// A whole configuration whose IMAP and SMTP sections end with `imap`/`smtp`, plus `extra`.
    fn load(imap: &str, smtp: &str, extra: &str) -> Result<Config, ConfigError> {
        let text = format!(
            r#"
[sponsor]
name = "X"
short_name = "x"
address = "sponsor@example.org"
decision_working_days = 10
[administrators]
addresses = ["la@example.org"]
[state]
directory = "/tmp/x"
[mailbox]
kind = "imap"
[mailbox.imap]
host = "outlook.office365.com"
port = 993
tls = "implicit"
username = "sponsor@example.org"
{imap}
[outbox]
transport = "smtp"
[outbox.smtp]
host = "smtp.office365.com"
port = 587
tls = "starttls"
username = "sponsor@example.org"
{smtp}
[templates]
directory = "templates"
[calendar]
bank_holidays_file = "config/bank-holidays-england-and-wales.txt"
{extra}"#
        );
        Config::from_toml(&text, "test.toml", Path::new(env!("CARGO_MANIFEST_DIR")))
    }

    const DEVICE: &str = "[oauth2]\nflow = \"device-code\"\ntenant = \"xyzicb.example\"\nclient_id = \"0000-1111\"\n";

    fn err(r: Result<Config, ConfigError>) -> String {
        r.expect_err("refused").to_string()
    }

    #[test]
    fn xoauth2_for_both_servers_with_the_device_code_flow() {
        let c = load("auth = \"xoauth2\"", "auth = \"xoauth2\"", DEVICE).unwrap();
        assert!(c.uses_oauth2());
        let o = c.oauth2.unwrap();
        assert_eq!(
            o.token_endpoint(),
            "https://login.microsoftonline.com/xyzicb.example/oauth2/v2.0/token"
        );
        assert!(o.scopes().contains(&"offline_access".to_string()));
        assert!(
            o.scopes()
                .contains(&"https://outlook.office365.com/SMTP.Send".to_string())
        );
    }

    #[test]
    fn refusals_name_the_key() {
        assert!(
            err(load("auth = \"xoauth2\"", "password_env = \"P\"", ""))
                .starts_with("mailbox.imap.auth:")
        );
        assert!(
            err(load(
                "auth = \"xoauth2\"\npassword_env = \"P\"",
                "password_env = \"P\"",
                DEVICE
            ))
            .contains("remove password_env")
        );
        assert!(
            err(load(
                "password_env = \"P\"",
                "auth = \"oauthbearer\"",
                DEVICE
            ))
            .starts_with("outbox.smtp.auth:")
        );
        let cc = "[oauth2]\nflow = \"client-credentials\"\nclient_id = \"c\"\n";
        assert!(
            err(load("auth = \"xoauth2\"", "auth = \"xoauth2\"", cc)).contains("client_secret_env")
        );
        let half = format!("{cc}client_certificate_file = \"/x.pem\"\n");
        assert!(
            err(load("auth = \"xoauth2\"", "auth = \"xoauth2\"", &half))
                .contains("set both client_certificate_file and client_key_file")
        );
        let cmd = "[oauth2]\nflow = \"command\"\n";
        assert!(
            err(load("auth = \"xoauth2\"", "auth = \"xoauth2\"", cmd))
                .starts_with("oauth2.token_command:")
        );
        let http = format!("{DEVICE}authority = \"http://login.example\"\n");
        assert!(
            err(load("auth = \"xoauth2\"", "auth = \"xoauth2\"", &http))
                .starts_with("oauth2.authority:")
        );
        let unknown = format!("{DEVICE}colour = 1\n");
        assert!(err(load("auth = \"xoauth2\"", "auth = \"xoauth2\"", &unknown)).contains("colour"));
    }

    #[test]
    fn password_sign_in_stays_the_default() {
        let c = load("password_env = \"P\"", "password_env = \"P\"", "").unwrap();
        assert!(!c.uses_oauth2());
        assert_eq!(c.mailbox.imap.unwrap().auth, Auth::Password);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example file, with the templates taken from the repository.
    fn example(change: impl Fn(String) -> String) -> Result<Config, ConfigError> {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(repo.join("config/sponsor-intake.example.toml"))
            .unwrap()
            .replace(
                "/usr/share/sponsor-intake/templates",
                &repo.join("templates").display().to_string(),
            );
        Config::from_toml(&change(text), "example.toml", &repo.join("config"))
    }

    #[test]
    fn the_example_documents_the_web_console() {
        let config = example(|t| t).unwrap();
        let web = config.web.as_ref().expect("[web] in the example");
        assert_eq!(web.listen_addr().unwrap().to_string(), "127.0.0.1:8088");
        assert!(web.secure_cookies());
        assert_eq!(
            config.web_administrators(),
            ["jane.la@xyzicb.example", "sam.la@xyzicb.example"]
        );
        let fallback =
            example(|t| t.replace("administrators = [\"jane", "# administrators = [\"jane"))
                .unwrap();
        assert_eq!(
            fallback.web_administrators(),
            fallback
                .administrators
                .addresses
                .iter()
                .map(|a| a.to_ascii_lowercase())
                .collect::<Vec<_>>()
        );
        let off = example(|t| t.replace("[web]\n", "[web_off]\n"));
        assert!(off.is_err(), "unknown sections are refused");
        let bad = example(|t| t.replace("listen = \"127.0.0.1:8088\"", "listen = \"8088\""));
        assert!(bad.unwrap_err().to_string().starts_with("web.listen: "));
    }

    #[test]
    fn the_example_documents_the_instance_keys() {
        let config = example(|t| t).unwrap();
        assert_eq!(config.instance.id(), "intake-host-1");
        assert_eq!(config.instance.intake_lease_seconds, 10);
    }

    #[test]
    fn the_reader_limits_are_documented_and_checked_by_name() {
        let config = example(|t| t).unwrap();
        let bounds = config.limits.reader_bounds();
        assert_eq!(bounds.memory_bytes, 1024 << 20);
        assert_eq!(bounds.cpu_seconds, 30);
        assert_eq!(bounds.wall, std::time::Duration::from_secs(60));
        assert_eq!(config.limits.reader_max_attempts, 2);
        for (from, to, key) in [
            (
                "reader_memory_mb = 1024",
                "reader_memory_mb = 8",
                "limits.reader_memory_mb",
            ),
            (
                "reader_cpu_seconds = 30",
                "reader_cpu_seconds = 0",
                "limits.reader_cpu_seconds",
            ),
            (
                "reader_timeout_seconds = 60",
                "reader_timeout_seconds = 0",
                "limits.reader_timeout_seconds",
            ),
            (
                "reader_max_attempts = 2",
                "reader_max_attempts = 0",
                "limits.reader_max_attempts",
            ),
            (
                "max_pdf_stream_mb = 8",
                "max_pdf_stream_mb = 0",
                "limits.max_pdf_stream_mb",
            ),
            (
                "max_pdf_stream_mb = 8",
                "max_pdf_stream_mb = 65",
                "limits.max_pdf_stream_mb",
            ),
            (
                "max_pdf_objects = 20000",
                "max_pdf_objects = 10",
                "limits.max_pdf_objects",
            ),
        ] {
            let err = example(|t| t.replace(from, to)).unwrap_err().to_string();
            assert!(err.starts_with(&format!("{key}:")), "{err}");
        }
        // Without the keys: the same defaults.
        let bare = example(|t| {
            t.lines()
                .filter(|l| !l.starts_with("reader_"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap();
        assert_eq!(bare.limits.reader_bounds(), bounds);
    }

    #[test]
    fn instance_keys_are_checked_by_name() {
        let short = example(|t| t.replace("intake_lease_seconds = 10", "intake_lease_seconds = 1"))
            .unwrap_err()
            .to_string();
        assert!(
            short.starts_with("instance.intake_lease_seconds:"),
            "{short}"
        );
        let blank = example(|t| t.replace("id = \"intake-host-1\"", "id = \" \""))
            .unwrap_err()
            .to_string();
        assert!(blank.starts_with("instance.id:"), "{blank}");
        let unknown = example(|t| t.replace("[instance]\n", "[instance]\nlease = 3\n"))
            .unwrap_err()
            .to_string();
        assert!(unknown.contains("lease"), "{unknown}");
        // Without the section: hostname:pid and 10 s.
        let start = |t: &str| t.find("[instance]").unwrap();
        let end = |t: &str| t.find("[logging]").unwrap();
        let default = example(|t| format!("{}{}", &t[..start(&t)], &t[end(&t)..])).unwrap();
        assert!(
            default
                .instance
                .id()
                .ends_with(&format!(":{}", std::process::id()))
        );
        assert_eq!(default.instance.intake_lease_seconds, 10);
    }
}
