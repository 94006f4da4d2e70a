//! `login`: signs in to the mailbox once with the OAuth2 device-code flow
//! (the administrator opens a page and types a code) and keeps the refresh
//! token in the state directory, owner-only. The daemon renews access
//! tokens from it on its own; run `login` again when it lapses.

use super::{CliError, exit};
use crate::config::{Config, OAuth2Flow};
use crate::oauth::endpoint::{DevicePoll, Endpoint};
use crate::oauth::stored::{self, StoredToken};
use std::io::Write;
use std::time::{Duration, Instant};

pub async fn run(config: &Config, out: &mut impl Write) -> Result<(), CliError> {
    let config_err = |m: &str| CliError::new(exit::CONFIG, m);
    let o = config.oauth2.as_ref().ok_or_else(|| {
        config_err("oauth2: `login` needs an [oauth2] section with flow = \"device-code\"")
    })?;
    if o.flow != OAuth2Flow::DeviceCode {
        return Err(config_err(
            "oauth2.flow: `login` is for flow = \"device-code\"; the other flows need no sign-in (try `check-config --connect`)",
        ));
    }
    let failed = |e: crate::oauth::OAuthError| CliError::new(exit::FAILURE, e);
    let endpoint = Endpoint::new(o).map_err(failed)?;
    let device = endpoint.device_authorization().await.map_err(failed)?;
    let user = config
        .mailbox
        .imap
        .as_ref()
        .map_or(config.sponsor.address.as_str(), |i| i.username.as_str());
    let _ = writeln!(
        out,
        "To let sponsor-intake sign in to {user}, open {} in a browser,\nenter the code {} and sign in as {user}.\nWaiting for the sign-in (up to {} minutes)...",
        device.verification_uri,
        device.user_code,
        device.expires_in / 60
    );
    let _ = out.flush();
    let deadline = Instant::now() + Duration::from_secs(device.expires_in);
    let mut interval = Duration::from_secs(device.interval.max(1));
    let granted = loop {
        if Instant::now() >= deadline {
            return Err(CliError::new(
                exit::FAILURE,
                "the code expired before anyone signed in: run `sponsor-intake login` again",
            ));
        }
        tokio::time::sleep(interval).await;
        match endpoint.poll_device(&device.device_code).await {
            Ok(DevicePoll::Granted(g)) => break g,
            Ok(DevicePoll::Pending) => {}
            Ok(DevicePoll::SlowDown) => interval += Duration::from_secs(5),
            Err(crate::oauth::OAuthError::Unreachable { .. }) => {}
            Err(e) => return Err(failed(e)),
        }
    };
    let refresh_token = granted.refresh_token.ok_or_else(|| {
        CliError::new(
            exit::FAILURE,
            "the token endpoint gave no refresh token: add \"offline_access\" to oauth2.scopes",
        )
    })?;
    let now = chrono::Utc::now();
    let path = stored::path(&config.path(&config.state.directory));
    stored::save(
        &path,
        &StoredToken {
            refresh_token,
            obtained_at: now,
            last_used_at: now,
        },
    )
    .map_err(failed)?;
    let _ = writeln!(
        out,
        "Signed in. The refresh token is stored in {} (readable by this user only);\nthe daemon renews access tokens from it. `sponsor-intake check-config --connect` checks both servers.",
        path.display()
    );
    Ok(())
}
