//! The daemon's settings: one TOML file, checked whole at start. Unknown
//! keys and bad values are refused with a message naming the key; secrets
//! come from the environment or a file (see [`secret`]).

pub mod secret;

use serde::Deserialize;
use std::path::{Path, PathBuf};

pub use secret::{Secret, SecretSource};

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
}

/// Where cases are kept.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Database {
    /// `sqlite://PATH` (relative to the config file's folder) or `postgres://...`.
    pub url: String,
    /// Most connections in the pool.
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

/// An IMAP server.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Imap {
    pub host: String,
    pub port: u16,
    pub tls: Tls,
    pub username: String,
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

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            max_message_mb: default_message_mb(),
            max_attachment_mb: default_attachment_mb(),
            max_unzipped_mb: default_unzipped_mb(),
            max_pdf_pages: default_pdf_pages(),
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
            ..crate::form::readers::Limits::default()
        }
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
                if imap.password.is_unset() {
                    return Err(invalid("mailbox.imap", "set password_env or password_file"));
                }
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
        match o.transport {
            TransportKind::Smtp => {
                let smtp = o
                    .smtp
                    .as_ref()
                    .ok_or_else(|| invalid("outbox.smtp", "missing for transport = \"smtp\""))?;
                check_tls("outbox.smtp.tls", smtp.tls, &smtp.host)?;
                if smtp.username.is_some() && smtp.password.is_unset() {
                    return Err(invalid(
                        "outbox.smtp",
                        "set password_env or password_file for the username",
                    ));
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
