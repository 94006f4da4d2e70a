//! The integration suite: the real `sponsor-intake` binary against a real
//! Dovecot and Postfix (and PostgreSQL), as a care home and the
//! administrators would see it.
//!
//! The servers are started once per run by `scripts/test.sh`, which exports
//! MAIL_DIR, MAIL_HOST, IMAP_PORT, ... and DATABASE_URL_POSTGRES. To run
//! this binary by hand (MAIL_OAUTH2=1 also starts the local OAuth2 token
//! service that the `oauth` tests need):
//!
//! ```text
//! D=$(mktemp -d /tmp/mt.XXXXXX); MAIL_OAUTH2=1 scripts/start-mail-servers.sh $D auto
//! set -a; . $D/mail.env; set +a
//! export DATABASE_URL_POSTGRES=postgres://postgres@127.0.0.1:5432/test
//! cargo test --test integration
//! scripts/stop-mail-servers.sh $D --rm
//! ```

mod support;

mod backlog;
mod casework;
mod cli;
mod daemon;
mod faults;
mod filtering;
mod generated;
mod hostile;
mod instances;
mod intake;
mod jobs;
mod oauth;
mod reader;
mod registers;
mod security;
mod unreadable;
mod web;

/// Runs an async test body once per database backend:
/// `on_both_backends!(name, function)` makes `name::sqlite` and `name::postgres`.
macro_rules! on_both_backends {
    ($name:ident, $body:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$body(crate::support::Backend::Sqlite).await
            }
            #[tokio::test]
            async fn postgres() {
                super::$body(crate::support::Backend::Postgres).await
            }
        }
    };
}
pub(crate) use on_both_backends;
