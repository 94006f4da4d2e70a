//! The assembled application: configuration, store, templates, calendar
//! and clock, built once at start and shared by the daemon and the CLI.

use crate::calendar::Calendar;
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::emails::{EmailError, Sender, Templates};
use crate::form::readers::Limits;
use crate::store::{Store, StoreError};
use std::path::PathBuf;
use std::sync::Arc;

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("templates.directory: {0}")]
    Templates(#[from] EmailError),
    #[error("calendar.bank_holidays_file: {0}")]
    Calendar(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Registers(#[from] crate::registers::http::ClientError),
    #[error(transparent)]
    OAuth(#[from] crate::oauth::OAuthError),
}

/// Everything the daemon's parts share.
#[derive(Clone, Debug)]
pub struct App {
    pub config: Arc<Config>,
    pub store: Store,
    pub templates: Arc<Templates>,
    pub calendar: Arc<Calendar>,
    pub sender: Sender,
    pub limits: Limits,
    /// The reader process every incoming message is read in.
    pub reader: crate::intake::reader::Reader,
    pub timezone: chrono_tz::Tz,
    pub clock: Arc<dyn Clock>,
    pub state_dir: PathBuf,
    /// The register clients; `None` when the checks are off (no CQC key).
    pub registers: Option<Arc<crate::registers::http::HttpRegisters>>,
    /// Access tokens for the servers that sign in with OAuth2 (none otherwise).
    pub oauth: Option<Arc<crate::oauth::TokenSource>>,
    /// This instance's name among several sharing the database (`instance.id`).
    pub instance_id: String,
}

impl App {
    /// Loads templates and the calendar, opens and migrates the database.
    pub async fn start(config: Config) -> Result<App, StartError> {
        let templates = Templates::load(&config.path(&config.templates.directory))?;
        let oauth = crate::oauth::TokenSource::from_config(&config)?.map(Arc::new);
        let calendar = load_calendar(&config)?;
        let store = Store::open(&config.database_url(), config.database.max_connections).await?;
        let state_dir = config.path(&config.state.directory);
        std::fs::create_dir_all(&state_dir).map_err(|e| {
            StartError::Calendar(format!(
                "state.directory: cannot create {}: {e}",
                state_dir.display()
            ))
        })?;
        let timezone = config
            .sponsor
            .timezone
            .parse()
            .unwrap_or(chrono_tz::Europe::London);
        let config_instance_id = config.instance.id();
        let sender = Sender {
            display_name: config.sponsor.display_name.clone(),
            address: config.sponsor.address.clone(),
            instance: instance_name(),
            clock: Arc::new(SystemClock),
        };
        Ok(App {
            limits: config.limits.to_limits(),
            reader: crate::intake::reader::Reader::this_binary(config.limits.reader_bounds()),
            config: Arc::new(config),
            store,
            templates: Arc::new(templates),
            calendar: Arc::new(calendar),
            sender,
            timezone,
            clock: Arc::new(SystemClock),
            state_dir,
            registers: None,
            oauth,
            instance_id: config_instance_id,
        })
    }

    /// Reads the CQC key and builds the register clients, for the commands
    /// that take mail in or run jobs (`run`, `once`, `jobs`). The other
    /// commands need no key, so an administrator's shell need not hold it.
    pub fn start_registers(&mut self) -> Result<(), StartError> {
        self.registers = match self.config.registers.load_key()? {
            Some(key) => Some(Arc::new(crate::registers::http::HttpRegisters::new(
                &self.config.registers,
                key,
            )?)),
            None => None,
        };
        Ok(())
    }

    /// Moves the whole daemon to another clock (`--now`, tests): the case
    /// dates and the emails' Date headers alike.
    pub fn set_clock(&mut self, clock: Arc<dyn Clock>) {
        self.sender.clock = clock.clone();
        self.clock = clock;
    }

    /// Today's date where the sponsor is.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.now().with_timezone(&self.timezone).date_naive()
    }

    /// An email to the administrators (the configured addresses).
    pub fn to_administrators<'a>(
        &self,
        template: crate::emails::Template,
    ) -> crate::emails::Draft<'a> {
        crate::emails::Draft::new(template, self.config.administrators.addresses.clone())
    }

    /// Renders and builds an email, ready for the outbox.
    pub fn compose(
        &self,
        draft: &crate::emails::Draft<'_>,
        context: &tera::Context,
    ) -> Result<crate::store::Outgoing, EmailError> {
        self.sender.compose(&self.templates, draft, context)
    }

    /// A register check as of now, with this application's clients and settings.
    pub fn register_checker(&self) -> crate::registers::Checker<'_> {
        crate::registers::Checker {
            lookups: self.registers.as_deref(),
            store: &self.store,
            budget: std::time::Duration::from_secs(self.config.registers.check_budget_seconds),
            sponsor_icb: self.config.registers.sponsor_icb_code.clone(),
            today: self.today(),
            now: self.clock.now(),
        }
    }
}

pub fn load_calendar(config: &Config) -> Result<Calendar, StartError> {
    let path = config.path(&config.calendar.bank_holidays_file);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| StartError::Calendar(format!("{}: {e}", path.display())))?;
    Calendar::parse(&text).map_err(|e| StartError::Calendar(format!("{}: {e}", path.display())))
}

/// `sponsor-intake@<host>`: names the instance in our marker header.
fn instance_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    format!("sponsor-intake@{}", host.trim())
}
