//! The commands of the `sponsor-intake` binary, one module each. The binary
//! only parses arguments, sets up logging and maps errors to exit codes.

pub mod admin_link;
pub mod cases;
pub mod check_config;
pub mod db;
pub mod decide;
pub mod jobs;
pub mod logging;
pub mod login;
pub mod parse;
pub mod read_message;
pub mod reconcile;
pub mod run;

use crate::app::{App, StartError};
use crate::config::Config;
use std::path::Path;

/// Exit codes a shell user can act on (sysexits.h where one fits).
pub mod exit {
    /// Something failed at run time; the message says what.
    pub const FAILURE: u8 = 1;
    /// The thing asked for does not exist (a case reference).
    pub const NOT_FOUND: u8 = 3;
    /// A server (mailbox, SMTP, database) could not be reached.
    pub const UNAVAILABLE: u8 = 69;
    /// The configuration is wrong; the message names the key.
    pub const CONFIG: u8 = 78;
}

/// An error with the exit code it should give.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    pub fn new(code: u8, message: impl std::fmt::Display) -> Self {
        CliError {
            code,
            message: message.to_string(),
        }
    }
}

impl From<StartError> for CliError {
    fn from(e: StartError) -> Self {
        let code = match e {
            StartError::Store(_) => exit::UNAVAILABLE,
            _ => exit::CONFIG,
        };
        CliError::new(code, e)
    }
}

/// Reads the configuration, naming the file in any error.
pub fn load_config(path: &Path) -> Result<Config, CliError> {
    Config::load(path).map_err(|e| {
        CliError::new(
            exit::CONFIG,
            format!("configuration {}: {e}", path.display()),
        )
    })
}

/// Loads the configuration and starts the application.
pub async fn start(path: &Path) -> Result<App, CliError> {
    let config = load_config(path)?;
    Ok(App::start(config).await?)
}
