//! Tests 1, 2, 4: an application over SMTP becomes one case and one receipt,
//! never two, even when sending fails after the case was committed.

use crate::on_both_backends;
use crate::support::imap::Imap;
use crate::support::mail::{self, Mail, Mailboxes};
use crate::support::{ADMINS, Backend, Bed, SPONSOR, Settings, dead_port};
use std::path::Path;
use std::time::{Duration, Instant};

/// The receipts in `care_home`'s mailbox that answer `message_id`.
pub fn receipts(care_home: &str, message_id: &str) -> Vec<Mail> {
    Mailboxes::matching(care_home, |m| m.in_reply_to.iter().any(|r| r == message_id))
}

/// Sends an application from `care_home` over SMTP into the bed's folder; returns its Message-ID.
pub async fn send_application(bed: &Bed, care_home: &str) -> String {
    let mid = bed.message_id("application");
    let raw = mail::application(care_home, &mid, &format!("Rosewood Lodge {}", bed.tag));
    bed.deliver(care_home, &raw, &mid).await;
    mid
}

/// The one case `cases list` shows, with `cases show` of it.
async fn only_case(bed: &Bed, config: &Path) -> serde_json::Value {
    let cases = bed.cases(config).await;
    assert_eq!(cases.len(), 1, "expected exactly one case: {cases:#?}");
    let reference = cases[0]["reference"]
        .as_str()
        .expect("reference")
        .to_string();
    bed.case(config, &reference).await
}

/// The email of `purpose` in `cases show`'s messages_out (exactly one).
pub fn outgoing<'a>(case: &'a serde_json::Value, purpose: &str) -> &'a serde_json::Value {
    let all: Vec<_> = case["messages_out"]
        .as_array()
        .expect("messages_out")
        .iter()
        .filter(|m| m["purpose"] == purpose)
        .collect();
    assert_eq!(all.len(), 1, "one {purpose} in {case:#}");
    all[0]
}

/// `2026-12-07` as the receipt writes it: `Monday 7 December 2026`.
fn long_date(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .expect("due_on is a date")
        .format("%A %-d %B %Y")
        .to_string()
}

/// Test 1: an application typed in the body, sent over SMTP, taken in by `once`.
async fn application_is_taken_in(backend: Backend) {
    let care_home = "carehome1@example.test";
    let bed = Bed::new("app", backend).await;
    let config = bed.config();
    let mid = send_application(&bed, care_home).await;

    let summary = bed.once(&config).await;
    assert!(
        summary.contains("1 new case(s)"),
        "round summary: {summary}"
    );

    // The database: one complete case for the care home, its emails sent.
    let case = only_case(&bed, &config).await;
    let reference = case["reference"].as_str().unwrap().to_string();
    assert_eq!(case["contact_address"], care_home, "{case:#}");
    assert_eq!(case["complete"], true, "a complete form: {case:#}");
    assert_eq!(case["state"], "ready_for_decision", "{case:#}");
    assert_eq!(
        case["care_home_name"],
        format!("Rosewood Lodge {}", bed.tag).as_str()
    );
    assert_eq!(case["cqc_registration_number"], "1-123456789");
    assert_eq!(case["messages_in"][0]["message_id"], mid.as_str());
    assert_eq!(outgoing(&case, "receipt")["status"], "sent", "{case:#}");
    for m in case["messages_out"].as_array().unwrap() {
        assert_eq!(m["status"], "sent", "{case:#}");
    }
    assert_eq!(case["history_intact"], true);
    let due_on = case["due_on"]
        .as_str()
        .expect("a complete case has a due date");

    // The sponsor's mailbox: filed in the processed folder, the incoming folder empty.
    let mut imap = Imap::login(SPONSOR).await;
    assert_eq!(imap.find(&bed.processed, &mid).await.len(), 1);
    assert_eq!(imap.count(&bed.incoming).await, 0);
    imap.logout().await;

    // The care home's mailbox: exactly one receipt, threaded, marked automatic.
    let got = Mailboxes::wait_for(care_home, Duration::from_secs(15), "receipt", |m| {
        m.in_reply_to.iter().any(|r| r == &mid)
    })
    .await;
    assert_eq!(got.len(), 1, "one receipt: {got:#?}");
    let receipt = &got[0];
    assert!(
        receipt.subject.contains(&reference),
        "subject {:?} names {reference}",
        receipt.subject
    );
    assert_eq!(receipt.in_reply_to, vec![mid.clone()]);
    assert!(receipt.references.contains(&mid));
    assert_eq!(receipt.auto_submitted.as_deref(), Some("auto-replied"));
    assert_eq!(receipt.from, SPONSOR);
    assert_eq!(receipt.to, vec![care_home.to_string()]);
    let due = long_date(due_on);
    assert!(
        receipt.text.contains(&due) && receipt.text.contains("10 working days"),
        "the receipt gives the timescale and its date ({due}):\n{}",
        receipt.text
    );
    assert!(receipt.text.contains(&reference));

    // The administrators are told the case is ready for a decision.
    let home = format!("Rosewood Lodge {}", bed.tag);
    let notices = Mailboxes::wait_for(ADMINS, Duration::from_secs(15), "notice", |m| {
        m.subject.contains(&home)
    })
    .await;
    assert_eq!(notices.len(), 1, "{notices:#?}");
    assert!(
        notices[0].subject.contains(&reference),
        "{}",
        notices[0].subject
    );
    assert!(notices[0].subject.contains("ready for decision"));
}

on_both_backends!(
    application_is_taken_in_and_answered,
    application_is_taken_in
);

/// Test 2: a second `once` takes nothing twice.
async fn second_round_takes_nothing_twice(backend: Backend) {
    let care_home = "carehome2@example.test";
    let bed = Bed::new("twice", backend).await;
    let config = bed.config();
    let mid = send_application(&bed, care_home).await;
    bed.once(&config).await;
    Mailboxes::wait_for(care_home, Duration::from_secs(15), "receipt", |m| {
        m.in_reply_to.iter().any(|r| r == &mid)
    })
    .await;

    let summary = bed.once(&config).await;
    assert!(
        summary.contains("0 new case(s)") && summary.contains("0 email(s) sent"),
        "second round: {summary}"
    );
    assert_eq!(bed.cases(&config).await.len(), 1);
    assert_eq!(receipts(care_home, &mid).len(), 1);
    let mut imap = Imap::login(SPONSOR).await;
    assert_eq!(imap.find(&bed.processed, &mid).await.len(), 1);
    imap.logout().await;
}
crate::on_both_backends!(
    second_round_takes_nothing_twice,
    second_round_takes_nothing_twice
);

/// Test 4: the case is committed but the receipt cannot be sent (the SMTP
/// server is down); the next round with SMTP back sends it exactly once.
async fn receipt_survives_a_failed_send(backend: Backend) {
    let care_home = "carehome3@example.test";
    let bed = Bed::new("crash", backend).await;
    let down = bed.write_config(
        "smtp-down.toml",
        &Settings {
            smtp_port: Some(dead_port()),
            ..Settings::default()
        },
    );
    let config = bed.config();
    let mid = send_application(&bed, care_home).await;

    let summary = bed.once(&down).await;
    assert!(
        summary.contains("1 new case(s)") && summary.contains("0 email(s) sent"),
        "round with SMTP down: {summary}"
    );
    let case = only_case(&bed, &config).await;
    let reference = case["reference"].as_str().unwrap().to_string();
    let out = outgoing(&case, "receipt");
    assert_ne!(out["status"], "sent", "{case:#}");
    assert_eq!(out["attempts"], 1, "{case:#}");
    assert!(
        out["last_error"].as_str().is_some_and(|e| !e.is_empty()),
        "{case:#}"
    );
    assert!(receipts(care_home, &mid).is_empty());

    // SMTP is back: rounds until the retries are due (about a second). Every
    // email of the case waits for its own retry (the receipt and the
    // administrators' notice are jittered apart), so wait for all of them.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let summary = bed.once(&config).await;
        assert!(summary.contains("0 new case(s)"), "{summary}");
        let case = bed.case(&config, &reference).await;
        let all_sent = case["messages_out"]
            .as_array()
            .expect("messages_out")
            .iter()
            .all(|m| m["status"] == "sent");
        if all_sent {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the emails were not all sent once SMTP was back"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let got = Mailboxes::wait_for(care_home, Duration::from_secs(15), "receipt", |m| {
        m.in_reply_to.iter().any(|r| r == &mid)
    })
    .await;
    assert_eq!(got.len(), 1);
    assert!(got[0].subject.contains(&reference));

    let summary = bed.once(&config).await;
    assert!(summary.contains("0 email(s) sent"), "{summary}");
    assert_eq!(bed.cases(&config).await.len(), 1);
    let case = bed.case(&config, &reference).await;
    assert_eq!(outgoing(&case, "receipt")["status"], "sent");
    assert_eq!(outgoing(&case, "receipt")["attempts"], 2, "{case:#}");
    assert_eq!(receipts(care_home, &mid).len(), 1);
}

on_both_backends!(
    receipt_sent_once_after_smtp_failure,
    receipt_survives_a_failed_send
);

/// Test 4, the crash: the daemon (SMTP down) is killed with SIGKILL once the
/// case is committed and its first send has failed; the next `once` with SMTP
/// back delivers the receipt exactly once. (Killing it at a random moment
/// could land inside the sender's claim on the row, which by design delays
/// the retry, so the kill waits for the receipt's failed attempt to be recorded.)
async fn receipt_sent_once_after_daemon_killed(backend: Backend) {
    let care_home = "carehome4@example.test";
    let bed = Bed::new("kill", backend).await;
    let down = bed.write_config(
        "smtp-down.toml",
        &Settings {
            smtp_port: Some(dead_port()),
            ..Settings::default()
        },
    );
    let config = bed.config();
    let mid = send_application(&bed, care_home).await;
    let mut daemon = bed.spawn_daemon(&down);
    daemon
        .wait_for_log("case opened", Duration::from_secs(20))
        .await;
    // The receipt's own failed attempt, not just any email's: the receipt
    // is claimed while the email before it fails, and a kill then would
    // leave it claimed.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !daemon
        .log_text()
        .lines()
        .any(|l| l.contains("will retry") && l.contains("purpose=receipt"))
    {
        assert!(
            Instant::now() < deadline,
            "the receipt's send did not fail:\n{}",
            daemon.log_text()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    daemon.kill();
    assert_eq!(bed.cases(&config).await.len(), 1);

    let deadline = Instant::now() + Duration::from_secs(20);
    while receipts(care_home, &mid).is_empty() {
        bed.once(&config).await;
        if receipts(care_home, &mid).is_empty() {
            assert!(Instant::now() < deadline, "no receipt after the crash");
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }
    // Another round sends what else is due (the administrators' notice may
    // still be backing off) but never the receipt again.
    bed.once(&config).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(receipts(care_home, &mid).len(), 1);
    assert_eq!(bed.cases(&config).await.len(), 1);
}
crate::on_both_backends!(
    receipt_sent_once_after_daemon_killed,
    receipt_sent_once_after_daemon_killed
);
