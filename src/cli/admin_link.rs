//! `admin-link EMAIL`: prints a one-time sign-in link to the web console
//! for one of the administrators (15 minutes, single use).

use super::{CliError, exit};
use crate::app::App;
use crate::web::{SignInError, sign_in_link};
use std::io::Write;

pub async fn run(app: &App, email: &str, out: &mut dyn Write) -> Result<(), CliError> {
    let link = sign_in_link(app, email).await.map_err(|e| {
        let code = match e {
            SignInError::Off => exit::CONFIG,
            _ => exit::FAILURE,
        };
        CliError::new(code, e)
    })?;
    writeln!(
        out,
        "Sign-in link for {} (works once, for 15 minutes):\n{link}",
        email.trim()
    )
    .map_err(|e| CliError::new(exit::FAILURE, e))
}
