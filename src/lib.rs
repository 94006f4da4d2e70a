//! # sponsor-intake
//!
//! Runs the NHSmail local sponsorship model for a sponsoring organisation:
//! care homes email an application form to the nominated mailbox; this
//! crate takes each email in, reads the form wherever it is, checks it
//! against the guidance, keeps a case, and answers.
//!
//! ## The path a message takes
//!
//! ```text
//! mailbox (IMAP / Maildir)          fetch by UID, never by \Seen
//!   -> store: raw message saved      before anything else happens to it
//!   -> parse: message -> readers -> extract -> findings   (pure, no IO)
//!   -> registers: CQC, ODS, DSPT     time-boxed lookups, before the commit
//!   -> case: decide what happens     (pure state machine)
//!   -> store: one transaction        case change + history + outbox rows
//!   -> mailbox: move to processed    only after the commit
//!   -> outbox: sender task           SMTP or files; Message-ID fixed when written
//! ```
//!
//! ## Layout
//!
//! Pure core (no tokio, sqlx, lettre or async-imap):
//! - [`form`]: the Appendix 1 fields, the readers (one per format) and the
//!   matching of labelled values to fields.
//! - [`message`]: envelope, kind and attachments of one email.
//! - [`findings`]: validation against section 2 of the guidance.
//! - [`parse`]: the whole reading of one email (what `parse --json` prints).
//! - [`case`]: case references, states, routing (who may touch a case),
//!   merging follow-ups, emailed decisions, the registration pack.
//! - [`calendar`] and [`clock`]: working days; the time, injectable for tests.
//!
//! Edges (IO behind small traits):
//! - [`config`]: the TOML settings, checked at start; secrets.
//! - [`store`]: cases, messages, hash-chained history and the outbox in
//!   SQLite or PostgreSQL (one SQL dialect through sqlx's `Any` driver; the
//!   few statements that differ stay inside it). Also the intake lease that
//!   lets several instances share one database, and `db copy`.
//! - [`mailbox`]: where mail comes from (IMAP with IDLE, or a Maildir).
//! - [`oauth`]: OAuth2 access tokens for the IMAP and SMTP sign-ins
//!   (XOAUTH2, OAUTHBEARER), their renewal and the stored credentials' health.
//! - [`outbox`]: building emails from templates and sending them (SMTP or files).
//! - [`emails`]: the Tera templates for every email we send.
//! - [`intake`]: one message from the mailbox to a committed case.
//! - [`actions`]: what is done to a case whoever asks (notice, decision,
//!   registration, reports to the administrators).
//! - [`app`]: the assembled application shared by the daemon and the CLI.
//! - [`registers`]: the CQC, ODS and DSPT checks of sections 2.1 and 2.2
//!   (pure comparison; HTTP clients with timeouts, retries and a day's cache).
//! - [`reminders`]: the scheduled jobs (overdue digest, chasers, weekly
//!   summary, canary, retention), each once per period of its cron schedule.
//! - [`daemon`]: the long-running loops and shutdown; mail is taken in only
//!   while this instance holds the intake lease, sending and jobs run on
//!   every instance.
//! - [`web`]: the administrators' web console (`[web]`): pages and actions
//!   over the same store and the same [`actions`], behind a signed-in session.
//! - [`cli`]: one module per command of the binary.

pub mod actions;
pub mod app;
pub mod calendar;
pub mod case;
pub mod cli;
pub mod clock;
pub mod config;
pub mod daemon;
pub mod emails;
pub mod findings;
pub mod form;
pub mod intake;
pub mod mailbox;
pub mod message;
pub mod oauth;
pub mod outbox;
pub mod parse;
pub mod reconcile;
pub mod registers;
pub mod reminders;
pub mod store;
pub mod web;
