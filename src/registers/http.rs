//! The registers over HTTP: the CQC public API (with its subscription key),
//! the ODS ORD API (no key, at most 5 requests a second) and the DSPT.
//! Every request has a timeout; 5xx answers, 429 and network failures are
//! retried with exponential backoff and jitter; answers (found or not
//! found) are cached for the day in the database. Nothing here logs the key.

use super::Lookups;
use super::records::{
    CqcLocation, CqcProvider, DsptOrganisation, Fetch, OdsAnswer, OdsOrganisation,
};
use crate::config::{Registers as RegistersConfig, Secret};
use crate::store::{CachedAnswer, Store};
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;
use tracing::{debug, warn};

/// Why the HTTP client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("registers: cannot set up TLS: {0}")]
    Tls(String),
    #[error("registers: cannot build the HTTP client: {0}")]
    Build(String),
}

/// The header the CQC API reads its subscription key from.
const CQC_KEY_HEADER: &str = "Ocp-Apim-Subscription-Key";

/// The HTTP clients of the three registers (one connection pool).
#[derive(Debug)]
pub struct HttpRegisters {
    client: reqwest::Client,
    cqc_base: String,
    ods_base: String,
    dspt_base: String,
    key: Secret,
    retries: u32,
    backoff: Duration,
    /// The earliest time the next ODS request may go.
    ods_gate: Mutex<Instant>,
    ods_gap: Duration,
}

impl HttpRegisters {
    /// Builds the clients; `key` is the CQC subscription key.
    pub fn new(config: &RegistersConfig, key: Secret) -> Result<HttpRegisters, ClientError> {
        let mut roots = rustls::RootCertStore::empty();
        for cert in rustls_native_certs::load_native_certs().certs {
            let _ = roots.add(cert);
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| ClientError::Tls(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let client = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .timeout(Duration::from_secs(config.timeout_seconds))
            .connect_timeout(Duration::from_secs(config.timeout_seconds))
            .user_agent(concat!("sponsor-intake/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Build(e.to_string()))?;
        let per_second = config.ods_requests_per_second.max(1);
        Ok(HttpRegisters {
            client,
            cqc_base: config.cqc_base_url.trim_end_matches('/').to_string(),
            ods_base: config.ods_base_url.trim_end_matches('/').to_string(),
            dspt_base: config.dspt_base_url.trim_end_matches('/').to_string(),
            key,
            retries: config.retries,
            backoff: Duration::from_millis(config.retry_backoff_ms),
            ods_gate: Mutex::new(Instant::now()),
            ods_gap: Duration::from_millis(1000 / u64::from(per_second)),
        })
    }

    /// The lookups of one check: the registers through the day's cache.
    pub fn session<'a>(&'a self, store: &'a Store, day: String, now: String) -> Session<'a> {
        Session {
            http: self,
            store,
            day,
            now,
        }
    }

    /// Waits for the ODS rate limit.
    async fn ods_turn(&self) {
        let mut next = self.ods_gate.lock().await;
        let now = Instant::now();
        if *next > now {
            tokio::time::sleep_until(*next).await;
        }
        *next = Instant::now() + self.ods_gap;
    }

    /// One GET with retries: `Found(body)`, `NotFound` (404) or `Unreachable`.
    async fn get(&self, register: Register, url: &str) -> Fetch<String> {
        let mut last = String::new();
        for attempt in 0..=self.retries {
            if attempt > 0 {
                let jitter = Duration::from_millis(rand::random::<u64>() % 100);
                tokio::time::sleep(self.backoff * 2u32.pow(attempt - 1) + jitter).await;
            }
            if register == Register::Ods {
                self.ods_turn().await;
            }
            let mut request = self.client.get(url).header("Accept", "application/json");
            if register == Register::Cqc {
                request = request.header(CQC_KEY_HEADER, self.key.expose());
            }
            match request.send().await {
                Ok(resp) => {
                    let status = resp.status();
                    if status == reqwest::StatusCode::NOT_FOUND {
                        return Fetch::NotFound;
                    }
                    if status.is_success() {
                        match resp.text().await {
                            Ok(body) => return Fetch::Found(body),
                            Err(e) => last = format!("the answer was cut off: {}", short(&e)),
                        }
                    } else if status.is_server_error()
                        || status == reqwest::StatusCode::TOO_MANY_REQUESTS
                    {
                        last = format!("HTTP {}", status.as_u16());
                    } else {
                        // 401, 403, 400: asking again will not help.
                        return Fetch::Unreachable(format!("HTTP {}", status.as_u16()));
                    }
                }
                Err(e) => last = short(&e),
            }
            debug!(register = register.name(), attempt, reason = %last, "register request failed");
        }
        warn!(register = register.name(), reason = %last, "register could not be reached");
        Fetch::Unreachable(last)
    }
}

/// A reqwest error in a few words (never the headers).
fn short(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "no answer in time".into()
    } else if e.is_connect() {
        "cannot connect".into()
    } else if e.is_decode() || e.is_body() {
        "the answer could not be read".into()
    } else {
        "the request failed".into()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Register {
    Cqc,
    Ods,
    Dspt,
}

impl Register {
    fn name(self) -> &'static str {
        match self {
            Register::Cqc => "cqc",
            Register::Ods => "ods",
            Register::Dspt => "dspt",
        }
    }
}

/// The lookups of one check, through the day's cache.
pub struct Session<'a> {
    http: &'a HttpRegisters,
    store: &'a Store,
    day: String,
    now: String,
}

impl Session<'_> {
    async fn fetch<T: DeserializeOwned>(
        &self,
        register: Register,
        kind: &str,
        key: &str,
        url: String,
    ) -> Fetch<T> {
        let cache_key = format!("{kind}/{key}");
        match self
            .store
            .cached_register_answer(register.name(), &cache_key, &self.day)
            .await
        {
            Ok(Some(hit)) if !hit.found => return Fetch::NotFound,
            Ok(Some(hit)) => {
                if let Ok(t) = serde_json::from_str(&hit.body) {
                    return Fetch::Found(t);
                }
            }
            Ok(None) => {}
            Err(e) => warn!(error = %e, "the register cache could not be read"),
        }
        let answer = match self.http.get(register, &url).await {
            Fetch::Found(body) => match serde_json::from_str::<T>(&body) {
                Ok(t) => (Fetch::Found(t), Some(body)),
                Err(e) => (
                    Fetch::Unreachable(format!("the answer is not in the expected shape ({e})")),
                    None,
                ),
            },
            Fetch::NotFound => (Fetch::NotFound, Some(String::new())),
            Fetch::Unreachable(why) => (Fetch::Unreachable(why), None),
        };
        if let Some(body) = answer.1 {
            let cached = CachedAnswer {
                found: matches!(answer.0, Fetch::Found(_)),
                body,
            };
            if let Err(e) = self
                .store
                .cache_register_answer(register.name(), &cache_key, &self.day, &cached, &self.now)
                .await
            {
                warn!(error = %e, "a register answer could not be cached");
            }
        }
        answer.0
    }
}

/// A path segment: identifiers are letters, digits and `-` only.
fn segment(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

impl Lookups for Session<'_> {
    async fn location(&self, id: &str) -> Fetch<CqcLocation> {
        let id = segment(id);
        let url = format!("{}/locations/{id}", self.http.cqc_base);
        self.fetch(Register::Cqc, "locations", &id, url).await
    }

    async fn provider(&self, id: &str) -> Fetch<CqcProvider> {
        let id = segment(id);
        let url = format!("{}/providers/{id}", self.http.cqc_base);
        self.fetch(Register::Cqc, "providers", &id, url).await
    }

    async fn ods(&self, code: &str) -> Fetch<OdsOrganisation> {
        let code = segment(code);
        let url = format!("{}/organisations/{code}", self.http.ods_base);
        match self
            .fetch::<OdsAnswer>(Register::Ods, "organisations", &code, url)
            .await
        {
            Fetch::Found(a) => Fetch::Found(a.organisation),
            Fetch::NotFound => Fetch::NotFound,
            Fetch::Unreachable(why) => Fetch::Unreachable(why),
        }
    }

    async fn dspt(&self, code: &str) -> Fetch<DsptOrganisation> {
        let code = segment(code);
        let url = format!("{}/OrganisationSearch/{code}", self.http.dspt_base);
        self.fetch(Register::Dspt, "organisations", &code, url)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn ods_requests_are_spaced_to_five_a_second() {
        let http = HttpRegisters::new(&RegistersConfig::default(), Secret::new("k")).unwrap();
        let started = std::time::Instant::now();
        for _ in 0..6 {
            http.ods_turn().await;
        }
        // Six turns: the sixth waits for the fifth gap of 200 ms.
        assert!(
            started.elapsed() >= Duration::from_millis(990),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn the_key_never_shows_in_debug() {
        let http = HttpRegisters::new(&RegistersConfig::default(), Secret::new("very-secret-key"))
            .unwrap();
        assert!(!format!("{http:?}").contains("very-secret-key"));
    }

    #[test]
    fn identifiers_cannot_change_the_path() {
        assert_eq!(segment("1-123456789"), "1-123456789");
        assert_eq!(segment("../providers/1-1?x=y"), "providers1-1xy");
    }
}
