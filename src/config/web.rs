//! `[web]`: the administrators' web console (issue 19). Off unless the
//! section is present.

use super::{ConfigError, check_address, invalid};
use serde::Deserialize;
use std::net::SocketAddr;

/// The web console's settings.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Web {
    /// The address and port the console listens on (behind a reverse proxy
    /// with TLS in production).
    #[serde(default = "default_listen")]
    pub listen: String,
    /// The address people open, as the reverse proxy serves it
    /// (`https://sponsorship.example.nhs.uk`); sign-in links start with it.
    /// Default: `http://` + `listen`. Cookies are marked Secure when it is https.
    #[serde(default)]
    pub public_url: Option<String>,
    /// Who may sign in, by email. Default: `administrators.addresses`.
    #[serde(default)]
    pub administrators: Vec<String>,
    /// How long a session lasts after signing in, in hours.
    #[serde(default = "default_session_hours")]
    pub session_hours: u32,
}

fn default_listen() -> String {
    "127.0.0.1:8088".into()
}

fn default_session_hours() -> u32 {
    12
}

impl Web {
    /// The listening address (checked at start).
    pub fn listen_addr(&self) -> Result<SocketAddr, ConfigError> {
        self.listen.trim().parse().map_err(|_| {
            invalid(
                "web.listen",
                format!(
                    "{:?} is not an address and port such as 127.0.0.1:8088",
                    self.listen
                ),
            )
        })
    }

    /// The public address without a trailing slash.
    pub fn base_url(&self) -> String {
        match &self.public_url {
            Some(u) => u.trim().trim_end_matches('/').to_string(),
            None => format!("http://{}", self.listen.trim()),
        }
    }

    /// Cookies need the Secure attribute: the console is served over https.
    pub fn secure_cookies(&self) -> bool {
        self.base_url().starts_with("https://")
    }

    pub(super) fn check(&self) -> Result<(), ConfigError> {
        self.listen_addr()?;
        if let Some(u) = &self.public_url {
            let u = u.trim();
            let rest = u
                .strip_prefix("https://")
                .or_else(|| u.strip_prefix("http://"));
            if rest.is_none_or(|r| r.is_empty() || r.contains(char::is_whitespace)) {
                return Err(invalid(
                    "web.public_url",
                    format!("{u:?} must be an http:// or https:// address"),
                ));
            }
        }
        for a in &self.administrators {
            check_address("web.administrators", a)?;
        }
        if !(1..=168).contains(&self.session_hours) {
            return Err(invalid(
                "web.session_hours",
                "must be between 1 and 168 hours",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn web(toml: &str) -> Web {
        toml::from_str(toml).expect("a [web] section")
    }

    #[test]
    fn defaults_listen_on_loopback_and_derive_the_public_url() {
        let w = web("");
        assert_eq!(w.listen, "127.0.0.1:8088");
        assert_eq!(w.base_url(), "http://127.0.0.1:8088");
        assert!(!w.secure_cookies());
        assert!(w.check().is_ok());
        let w = web("public_url = \"https://console.example.nhs.uk/\"");
        assert_eq!(w.base_url(), "https://console.example.nhs.uk");
        assert!(w.secure_cookies());
    }

    #[test]
    fn bad_values_name_the_key() {
        let e = |t: &str| web(t).check().unwrap_err().to_string();
        assert!(e("listen = \"localhost\"").starts_with("web.listen: "));
        assert!(e("public_url = \"console.example\"").starts_with("web.public_url: "));
        assert!(e("administrators = [\"not an address\"]").starts_with("web.administrators: "));
        assert!(e("session_hours = 0").starts_with("web.session_hours: "));
        assert!(toml::from_str::<Web>("colour = 1").is_err());
    }
}
