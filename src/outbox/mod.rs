//! Sending what the outbox holds: a transport (SMTP, or one `.eml` file per
//! email for trying the daemon out) and the sender that claims due rows,
//! sends them and records the outcome, retrying with backoff.

mod backoff;
mod sender;
mod transport;

pub use backoff::retry_delay;
pub use sender::{HeldReport, RecipientLimit, RetryPolicy, SendReport, send_due};
pub use transport::{OAuthSmtp, SendError, Transport, test_sign_in};
