//! Test 3: the daemon (`run`) takes mail in as it arrives (IMAP IDLE) and
//! stops cleanly on SIGTERM.

use crate::intake::{receipts, send_application};
use crate::support::mail::Mailboxes;
use crate::support::{Backend, Bed, ImapTls, Settings};
use std::time::{Duration, Instant};

async fn daemon_answers_within_seconds_by_idle_and_stops_on_sigterm(backend: Backend) {
    let care_home = "carehome5@example.test";
    let bed = Bed::new("idle", backend).await;
    // Polling every 10 minutes: only IDLE can explain a receipt within seconds.
    // Start-from-now: the daemon's first look happens before the mail is sent.
    let config = bed.write_config(
        "config.toml",
        &Settings {
            backlog: "start-from-now",
            poll_seconds: 600,
            imap_tls: ImapTls::Implicit,
            ..Settings::default()
        },
    );
    let mut daemon = bed.spawn_daemon(&config);
    daemon
        .wait_for_log("signed in to the mailbox", Duration::from_secs(20))
        .await;

    let mid = send_application(&bed, care_home).await;
    let filed = Instant::now();
    let got = Mailboxes::wait_for(care_home, Duration::from_secs(15), "receipt", |m| {
        m.in_reply_to.iter().any(|r| r == &mid)
    })
    .await;
    let took = filed.elapsed();
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(
        took < Duration::from_secs(15),
        "receipt after {took:?}:\n{}",
        daemon.log_text()
    );

    let code = daemon.terminate(Duration::from_secs(10)).await;
    assert_eq!(
        code,
        Some(0),
        "exit status after SIGTERM:\n{}",
        daemon.log_text()
    );
    let log = daemon.log_text();
    assert!(log.contains("idle=true"), "the daemon uses IDLE: {log}");
    assert!(log.contains("sponsor-intake stopped"), "{log}");
    // Written to a file, not a terminal: plain text, no colour codes.
    assert!(
        !daemon.log_raw().contains('\u{1b}'),
        "{:?}",
        daemon.log_raw()
    );

    let cases = bed.cases(&config).await;
    assert_eq!(cases.len(), 1, "{cases:#?}");
    assert_eq!(receipts(care_home, &mid).len(), 1);
}
crate::on_both_backends!(
    daemon_answers_within_seconds_by_idle_and_stops_on_sigterm,
    daemon_answers_within_seconds_by_idle_and_stops_on_sigterm
);
