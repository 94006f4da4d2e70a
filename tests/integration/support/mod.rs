//! The harness: the test mail servers (started once per run by
//! `scripts/test.sh`), a test bed per test (its own IMAP folders in the
//! sponsor's mailbox, its own temporary directory with database, state and
//! configuration), the real binary as a child process, and the mailboxes as
//! users see them.
//!
//! Isolation: tests run in parallel threads against shared mailboxes. Each
//! test watches its own incoming folder (`T-<tag>`) and files into its own
//! processed and quarantine folders; everything it sends carries Message-IDs
//! and subjects with its unique tag, and what arrives in shared inboxes is
//! found by those (In-Reply-To, References, the tag), never by counting.

pub mod imap;
pub mod mail;
pub mod oauth;
pub mod proxy;
pub mod registers;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The servers, as `scripts/start-mail-servers.sh` describes them in mail.env.
#[derive(Clone, Debug)]
pub struct Servers {
    pub dir: PathBuf,
    pub host: String,
    pub imap_port: u16,
    pub imaps_port: u16,
    pub submission_port: u16,
    pub ca_cert: PathBuf,
}

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set. The integration tests need the private mail servers: \
             run `bash scripts/test.sh` (as root), or start them yourself with \
             `D=$(mktemp -d /tmp/mt.XXXXXX); scripts/start-mail-servers.sh $D auto; \
             set -a; . $D/mail.env; set +a; \
             export DATABASE_URL_POSTGRES=postgres://postgres@127.0.0.1:5432/test` \
             and then `cargo test --test integration`"
        )
    })
}

fn port(name: &str) -> u16 {
    var(name)
        .parse()
        .unwrap_or_else(|_| panic!("{name} is not a port number"))
}

/// The mail servers of this run (read once from the environment).
pub fn servers() -> &'static Servers {
    static S: OnceLock<Servers> = OnceLock::new();
    S.get_or_init(|| Servers {
        dir: PathBuf::from(var("MAIL_DIR")),
        host: var("MAIL_HOST"),
        imap_port: port("IMAP_PORT"),
        imaps_port: port("IMAPS_PORT"),
        submission_port: port("SUBMISSION_PORT"),
        ca_cert: PathBuf::from(var("MAIL_CA_CERT")),
    })
}

pub const DOMAIN: &str = "example.test";
pub const SPONSOR: &str = "sponsor@example.test";
pub const ADMINS: &str = "admins@example.test";
pub const PRIMARY: &str = "primaryla@example.test";

/// The password of a test user (`<localpart>-secret`).
pub fn password(user: &str) -> String {
    format!("{}-secret", user.split('@').next().unwrap_or(user))
}

/// The repository (templates, calendar).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub const BIN: &str = env!("CARGO_BIN_EXE_sponsor-intake");

/// A short random suffix.
pub fn random_suffix() -> String {
    format!("{:08x}", rand::random::<u32>())
}

/// Which database a test bed uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// How the daemon signs in to IMAP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImapTls {
    Starttls,
    Implicit,
}

/// Every scheduled job off.
pub const JOBS_OFF: &str = "
[jobs.overdue]
enabled = false
[jobs.chasers]
enabled = false
[jobs.weekly_summary]
enabled = false
[jobs.canary]
enabled = false
[jobs.retention]
enabled = false
";

/// The settings a test may change; everything else is fixed by the harness.
#[derive(Clone, Debug)]
pub struct Settings {
    pub backlog: &'static str,
    pub poll_seconds: u64,
    pub imap_tls: ImapTls,
    /// `None`: the real submission port.
    pub smtp_port: Option<u16>,
    /// `None`: the real IMAP port (STARTTLS or implicit, as `imap_tls` says).
    pub imap_port: Option<u16>,
    /// `outbox.max_attempts`.
    pub max_attempts: u32,
    pub max_message_mb: usize,
    pub max_attachment_mb: usize,
    /// More keys of `[limits]` (e.g. `reader_timeout_seconds = 1`), one a line.
    pub limits: String,
    pub retry_seconds: u64,
    /// The `[jobs]` section: every scheduled job is off unless a test turns it on,
    /// so that rounds do only what the test asks (a Monday would send the weekly summary).
    pub jobs: String,
    /// Extra TOML appended at the end (e.g. an unknown key, an `[oauth2]` section).
    pub extra: String,
    /// `auth` of `[mailbox.imap]` and `[outbox.smtp]`: "password" (the
    /// default, with the test passwords), "xoauth2" or "oauthbearer".
    pub imap_auth: &'static str,
    pub smtp_auth: &'static str,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            backlog: "take-in-and-reply",
            poll_seconds: 600,
            imap_tls: ImapTls::Starttls,
            smtp_port: None,
            imap_port: None,
            max_attempts: 5,
            max_message_mb: 40,
            max_attachment_mb: 30,
            limits: String::new(),
            retry_seconds: 1,
            jobs: JOBS_OFF.to_string(),
            extra: String::new(),
            imap_auth: "password",
            smtp_auth: "password",
        }
    }
}

/// The sign-in lines of a server section: a password variable, or `auth = ...` alone.
fn auth_lines(auth: &str, password_env: &str) -> String {
    if auth == "password" {
        format!("password_env = \"{password_env}\"")
    } else {
        format!("auth = \"{auth}\"")
    }
}

/// One test's world: its folders, its directory, its database.
pub struct Bed {
    pub name: String,
    pub tag: String,
    pub dir: tempfile::TempDir,
    pub incoming: String,
    pub processed: String,
    pub quarantine: String,
    pub database_url: String,
    pg_admin: Option<(String, String)>,
    counter: std::sync::atomic::AtomicU32,
}

impl Bed {
    /// A new test bed: creates the incoming folder and (for PostgreSQL) a fresh database.
    pub async fn new(name: &str, backend: Backend) -> Bed {
        let tag = format!("{name}-{}", random_suffix());
        let dir = tempfile::Builder::new()
            .prefix(&format!("si-{name}-"))
            .tempdir()
            .expect("temp dir");
        let (database_url, pg_admin) = match backend {
            Backend::Sqlite => (
                format!("sqlite://{}/db/sponsor-intake.db", dir.path().display()),
                None,
            ),
            Backend::Postgres => {
                let (url, admin) = postgres_database(&tag).await;
                (url, Some(admin))
            }
        };
        let bed = Bed {
            name: name.to_string(),
            incoming: format!("T-{tag}"),
            processed: format!("P-{tag}"),
            quarantine: format!("Q-{tag}"),
            tag,
            dir,
            database_url,
            pg_admin,
            counter: std::sync::atomic::AtomicU32::new(0),
        };
        let mut imap = imap::Imap::login(SPONSOR).await;
        imap.create(&bed.incoming).await;
        imap.logout().await;
        bed
    }

    /// A Message-ID (without brackets) unique to this test.
    pub fn message_id(&self, what: &str) -> String {
        let n = self
            .counter
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        format!("{what}.{n}.{}@carehome.{DOMAIN}", self.tag)
    }

    /// Writes the configuration file and returns its path.
    pub fn write_config(&self, file: &str, settings: &Settings) -> PathBuf {
        let s = servers();
        let (imap_port, imap_tls) = match settings.imap_tls {
            ImapTls::Starttls => (s.imap_port, "starttls"),
            ImapTls::Implicit => (s.imaps_port, "implicit"),
        };
        let imap_port = settings.imap_port.unwrap_or(imap_port);
        let smtp_port = settings.smtp_port.unwrap_or(s.submission_port);
        let repo = repo();
        let d = self.dir.path();
        let toml = format!(
            r#"# written by the integration test {name}
[sponsor]
name = "Example Integrated Care Board"
short_name = "exicb"
address = "{SPONSOR}"
display_name = "NHSmail Sponsorship"
decision_working_days = 10
helpdesk_telephone = "0113 496 0000"
timezone = "Europe/London"

[administrators]
addresses = ["{ADMINS}"]
primary = "{PRIMARY}"

[database]
url = "{db}"
max_connections = 2

[state]
directory = "{state}"

[mailbox]
kind = "imap"
backlog = "{backlog}"
processed_folder = "{processed}"
quarantine_folder = "{quarantine}"
poll_seconds = {poll}

[mailbox.imap]
host = "{host}"
port = {imap_port}
tls = "{imap_tls}"
username = "{SPONSOR}"
{imap_secret}
folder = "{incoming}"
ca_file = "{ca}"
idle = true

[outbox]
transport = "smtp"
max_attempts = {max_attempts}
retry_seconds = {retry}

[outbox.smtp]
host = "{host}"
port = {smtp_port}
tls = "starttls"
username = "{SPONSOR}"
{smtp_secret}
ca_file = "{ca}"
timeout_seconds = 10

[templates]
directory = "{templates}"

[calendar]
bank_holidays_file = "{holidays}"

[limits]
max_message_mb = {max_mb}
max_attachment_mb = {attachment_mb}
{limits}

[logging]
level = "info"
format = "text"
{jobs}
{extra}"#,
            name = self.name,
            db = self.database_url,
            state = d.join("state").display(),
            backlog = settings.backlog,
            processed = self.processed,
            quarantine = self.quarantine,
            poll = settings.poll_seconds,
            host = s.host,
            incoming = self.incoming,
            ca = s.ca_cert.display(),
            retry = settings.retry_seconds,
            max_attempts = settings.max_attempts,
            templates = repo.join("templates").display(),
            holidays = repo
                .join("config/bank-holidays-england-and-wales.txt")
                .display(),
            max_mb = settings.max_message_mb,
            attachment_mb = settings.max_attachment_mb,
            limits = settings.limits,
            jobs = settings.jobs,
            extra = settings.extra,
            imap_secret = auth_lines(settings.imap_auth, "SI_TEST_IMAP_PASSWORD"),
            smtp_secret = auth_lines(settings.smtp_auth, "SI_TEST_SMTP_PASSWORD"),
        );
        let path = d.join(file);
        std::fs::write(&path, toml).expect("write config");
        path
    }

    /// The default configuration (`config.toml`).
    pub fn config(&self) -> PathBuf {
        self.write_config("config.toml", &Settings::default())
    }

    /// The binary with this config and the passwords in its environment.
    pub fn command(&self, config: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--config")
            .arg(config)
            .args(args)
            .env("SI_TEST_IMAP_PASSWORD", password(SPONSOR))
            .env("SI_TEST_SMTP_PASSWORD", password(SPONSOR))
            .env("SI_TEST_CQC_KEY", registers::CQC_KEY)
            .env_remove("RUST_LOG")
            .env("NO_COLOR", "1")
            .env_remove("SPONSOR_INTAKE_CONFIG")
            .stdin(Stdio::null());
        c
    }

    /// Runs the binary to the end (on a blocking thread) and returns its output.
    pub async fn run_cli(&self, config: &Path, args: &[&str]) -> Output {
        let mut c = self.command(config, args);
        tokio::task::spawn_blocking(move || c.output().expect("run sponsor-intake"))
            .await
            .expect("join")
    }

    /// Runs a command that must succeed; returns what it printed.
    pub async fn cli_ok(&self, config: &Path, args: &[&str]) -> String {
        let out = self.run_cli(config, args).await;
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{args:?}: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }

    /// `once`, which must succeed; returns its stdout (the round's summary).
    pub async fn once(&self, config: &Path) -> String {
        let out = self.run_cli(config, &["once"]).await;
        assert!(
            out.status.success(),
            "`once` failed ({}):\nstdout: {}\nstderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `cases list --json`: one JSON object per case.
    pub async fn cases(&self, config: &Path) -> Vec<serde_json::Value> {
        let out = self.run_cli(config, &["cases", "list", "--json"]).await;
        assert!(
            out.status.success(),
            "`cases list` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).expect("cases list --json line"))
            .collect()
    }

    /// `cases show REF --json`.
    pub async fn case(&self, config: &Path, reference: &str) -> serde_json::Value {
        let out = self
            .run_cli(config, &["cases", "show", reference, "--json"])
            .await;
        assert!(
            out.status.success(),
            "`cases show {reference}` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("cases show --json")
    }

    /// Starts the daemon (`run`); its log goes to `<dir>/run.log`.
    pub fn spawn_daemon(&self, config: &Path) -> Daemon {
        self.spawn_daemon_logging(config, "run.log")
    }

    /// Starts the daemon (`run`) with its log in `<dir>/<log>` (one per instance).
    pub fn spawn_daemon_logging(&self, config: &Path, log: &str) -> Daemon {
        let log_path = self.dir.path().join(log);
        let log = std::fs::File::create(&log_path).expect("log file");
        let child = self
            .command(config, &["run"])
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("start the daemon");
        Daemon {
            child: Some(child),
            log: log_path,
        }
    }

    /// Sends a message over SMTP submission (as `from_user`) to the sponsor,
    /// then files it into this test's incoming folder, as a mail rule would.
    pub async fn deliver(&self, from_user: &str, raw: &[u8], message_id: &str) {
        mail::submit(from_user, &[SPONSOR], raw).await;
        let mut imap = imap::Imap::login(SPONSOR).await;
        imap.move_arrived("INBOX", message_id, &self.incoming).await;
        imap.logout().await;
    }
}

/// A PostgreSQL database made for a test is dropped at the end, also when
/// the test failed (on a thread of its own: Drop cannot await).
impl Drop for Bed {
    fn drop(&mut self) {
        let Some((admin, db)) = self.pg_admin.take() else {
            return;
        };
        let dropped = std::thread::spawn(move || {
            use sqlx::Connection;
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)"
                    )))
                    .execute(&mut c)
                    .await;
                    let _ = c.close().await;
                }
            });
        });
        let _ = dropped.join();
    }
}

/// A fresh PostgreSQL database for one test: (its URL, (admin URL, name)).
async fn postgres_database(tag: &str) -> (String, (String, String)) {
    use sqlx::Connection;
    let admin = std::env::var("DATABASE_URL_POSTGRES").unwrap_or_else(|_| {
        panic!(
            "DATABASE_URL_POSTGRES is not set: the PostgreSQL variants of the integration \
             tests need it (scripts/test.sh exports \
             postgres://postgres@127.0.0.1:5432/test)"
        )
    });
    let name: String = format!("si_{}", tag.replace('-', "_")).to_lowercase();
    let mut c = sqlx::PgConnection::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {admin}: {e}"));
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut c)
        .await
        .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
    let _ = c.close().await;
    let base = match admin.rfind('/') {
        Some(i) if admin[..i].contains("://") && i > admin.find("://").unwrap() + 2 => {
            admin[..i].to_string()
        }
        _ => admin.clone(),
    };
    let query = admin.split_once('?').map(|(_, q)| format!("?{q}"));
    (
        format!("{base}/{name}{}", query.unwrap_or_default()),
        (admin, name),
    )
}

/// The daemon as a child process. Killed (SIGKILL) if still running when dropped.
pub struct Daemon {
    child: Option<Child>,
    pub log: PathBuf,
}

impl Daemon {
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// The daemon's log so far, without terminal colours.
    /// The log file as written, escape codes and all.
    pub fn log_raw(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn log_text(&self) -> String {
        let raw = std::fs::read_to_string(&self.log).unwrap_or_default();
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                // CSI: ESC [ parameters final-byte
                for d in chars.by_ref() {
                    if d.is_ascii_alphabetic() {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    /// Waits until the log holds `needle`.
    pub async fn wait_for_log(&mut self, needle: &str, limit: Duration) {
        let deadline = Instant::now() + limit;
        loop {
            if self.log_text().contains(needle) {
                return;
            }
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!(
                    "the daemon exited ({status}) before logging {needle:?}:\n{}",
                    self.log_text()
                );
            }
            assert!(
                Instant::now() < deadline,
                "the daemon did not log {needle:?} within {limit:?}:\n{}",
                self.log_text()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sends a signal with `kill(1)`.
    fn signal(&self, name: &str) {
        let ok = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.pid().to_string())
            .status()
            .expect("run kill")
            .success();
        assert!(ok, "kill -{name} {} failed", self.pid());
    }

    /// SIGTERM, then waits at most `limit` for the exit; returns the exit code.
    pub async fn terminate(&mut self, limit: Duration) -> Option<i32> {
        self.signal("TERM");
        let deadline = Instant::now() + limit;
        let child = self.child.as_mut().expect("running");
        loop {
            if let Some(status) = child.try_wait().expect("try_wait") {
                self.child = None;
                return status.code();
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                self.child = None;
                panic!(
                    "the daemon did not stop within {limit:?} of SIGTERM:\n{}",
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL: a crash.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A TCP port on the mail host where nothing listens.
pub fn dead_port() -> u16 {
    let l = std::net::TcpListener::bind((servers().host.as_str(), 0)).expect("bind");
    l.local_addr().expect("addr").port()
}
