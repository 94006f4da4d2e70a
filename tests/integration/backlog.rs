//! Test 7: under the default `start-from-now`, mail already in the folder
//! at the first start is left alone; mail arriving afterwards is taken in.

use crate::intake::{receipts, send_application};
use crate::support::imap::Imap;
use crate::support::mail::{self, Mailboxes};
use crate::support::{Backend, Bed, SPONSOR, Settings};
use std::time::Duration;

async fn start_from_now_leaves_old_mail_and_takes_new(backend: Backend) {
    let care_home = "carehome3@example.test";
    let bed = Bed::new("backlog", backend).await;
    let config = bed.write_config(
        "config.toml",
        &Settings {
            backlog: "start-from-now",
            ..Settings::default()
        },
    );
    // An application waiting in the folder before the daemon ever looked.
    let old = bed.message_id("old");
    let mut imap = Imap::login(SPONSOR).await;
    imap.append(
        &bed.incoming,
        &mail::application(care_home, &old, "Old Backlog Home"),
    )
    .await;
    imap.logout().await;

    let summary = bed.once(&config).await;
    assert!(
        summary.contains("0 new case(s)") && summary.contains("0 email(s) sent"),
        "first round: {summary}"
    );
    assert!(bed.cases(&config).await.is_empty());
    let mut imap = Imap::login(SPONSOR).await;
    assert_eq!(imap.find(&bed.incoming, &old).await.len(), 1);
    imap.logout().await;

    // New mail after the first start is taken in; the old one still is not.
    let new = send_application(&bed, care_home).await;
    let summary = bed.once(&config).await;
    assert!(summary.contains("1 new case(s)"), "second round: {summary}");
    let cases = bed.cases(&config).await;
    assert_eq!(cases.len(), 1, "{cases:#?}");
    assert_ne!(cases[0]["care_home_name"], "Old Backlog Home");
    Mailboxes::wait_for(care_home, Duration::from_secs(15), "receipt", |m| {
        m.in_reply_to.iter().any(|r| r == &new)
    })
    .await;
    let mut imap = Imap::login(SPONSOR).await;
    assert_eq!(imap.find(&bed.incoming, &old).await.len(), 1);
    assert_eq!(imap.find(&bed.processed, &new).await.len(), 1);
    imap.logout().await;
    assert!(receipts(care_home, &old).is_empty());
}
crate::on_both_backends!(
    start_from_now_leaves_old_mail_and_takes_new,
    start_from_now_leaves_old_mail_and_takes_new
);
