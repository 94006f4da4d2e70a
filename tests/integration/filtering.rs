//! Tests 5 and 6: mail that must not be answered is recorded and left
//! unanswered; mail that cannot be read is quarantined and reported, and
//! the round carries on.

use crate::intake::send_application;
use crate::support::imap::Imap;
use crate::support::mail::{self, Mailboxes};
use crate::support::{ADMINS, Backend, Bed, ImapTls, SPONSOR, Settings};
use std::time::Duration;

/// Test 5: an out-of-office reply and a bounce are recorded, never answered.
async fn auto_replies_and_bounces_are_recorded_not_answered(backend: Backend) {
    let care_home = "carehome2@example.test";
    let bed = Bed::new("auto", backend).await;
    let config = bed.write_config(
        "config.toml",
        &Settings {
            imap_tls: ImapTls::Implicit,
            ..Settings::default()
        },
    );
    let ooo = bed.message_id("ooo");
    bed.deliver(
        care_home,
        &mail::out_of_office(care_home, &ooo, &bed.tag),
        &ooo,
    )
    .await;
    // A bounce has an empty return path; it is put straight into the folder.
    let dsn = bed.message_id("dsn");
    let mut imap = Imap::login(SPONSOR).await;
    imap.append(&bed.incoming, &mail::bounce(&dsn, &bed.tag))
        .await;

    let summary = bed.once(&config).await;
    assert!(
        summary.contains("0 new case(s)")
            && summary.contains("2 recorded without reply")
            && summary.contains("0 email(s) sent"),
        "round summary: {summary}"
    );
    assert_eq!(imap.find(&bed.processed, &ooo).await.len(), 1);
    assert_eq!(imap.find(&bed.processed, &dsn).await.len(), 1);
    assert_eq!(imap.count(&bed.incoming).await, 0);
    imap.logout().await;
    assert!(bed.cases(&config).await.is_empty());

    // Nobody got anything about them: not the care home, not outside@, not the administrators.
    for id in [&ooo, &dsn, &bed.tag] {
        let found: Vec<_> = Mailboxes::anywhere(id)
            .into_iter()
            .filter(|m| !m.path.starts_with(Mailboxes::maildir(SPONSOR)))
            .collect();
        assert!(found.is_empty(), "mail about {id}: {found:#?}");
    }
}
crate::on_both_backends!(
    auto_replies_and_bounces_are_recorded_not_answered,
    auto_replies_and_bounces_are_recorded_not_answered
);

/// Test 6: a message over `limits.max_message_mb` is quarantined and
/// reported to the administrators, and the application after it is still
/// taken in within the same round.
async fn oversized_message_is_quarantined_and_the_round_goes_on(backend: Backend) {
    let care_home = "carehome1@example.test";
    let bed = Bed::new("big", backend).await;
    let config = bed.write_config(
        "config.toml",
        &Settings {
            max_message_mb: 1,
            ..Settings::default()
        },
    );
    let big = bed.message_id("big");
    bed.deliver(
        care_home,
        &mail::oversized(care_home, &big, &bed.tag, 2),
        &big,
    )
    .await;
    let app = send_application(&bed, care_home).await;

    let summary = bed.once(&config).await;
    assert!(
        summary.contains("1 new case(s)") && summary.contains("1 quarantined"),
        "round summary: {summary}"
    );
    let mut imap = Imap::login(SPONSOR).await;
    assert_eq!(imap.find(&bed.quarantine, &big).await.len(), 1);
    assert_eq!(imap.find(&bed.processed, &app).await.len(), 1);
    assert!(imap.find(&bed.processed, &big).await.is_empty());
    assert_eq!(imap.count(&bed.incoming).await, 0);
    imap.logout().await;

    // The administrators' report names this test's quarantine folder and the reason.
    let folder = format!("\"{}\"", bed.quarantine);
    let reports = Mailboxes::wait_for(ADMINS, Duration::from_secs(15), "quarantine report", |m| {
        m.text.contains(&folder)
    })
    .await;
    assert_eq!(reports.len(), 1, "{reports:#?}");
    let r = &reports[0];
    assert!(
        r.subject.contains("could not be processed"),
        "{}",
        r.subject
    );
    assert!(r.text.contains("over the limit of 1 MB"), "{}", r.text);
    // ...and says which message it is.
    let subject = format!("Scanned form {}", bed.tag);
    assert!(r.subject.contains(&subject), "{}", r.subject);
    assert!(r.text.contains(care_home), "{}", r.text);
    assert_eq!(r.from, SPONSOR);
    // Nothing went back to the sender about the large message.
    assert!(
        Mailboxes::matching(care_home, |m| m.refers_to(&big)).is_empty(),
        "the sender of the large message was answered"
    );

    // The application after it has its case and receipt.
    let cases = bed.cases(&config).await;
    assert_eq!(cases.len(), 1, "{cases:#?}");
    let got = Mailboxes::wait_for(care_home, Duration::from_secs(15), "receipt", |m| {
        m.in_reply_to.iter().any(|r| r == &app)
    })
    .await;
    assert_eq!(got.len(), 1);
}
crate::on_both_backends!(
    oversized_message_is_quarantined_and_the_round_goes_on,
    oversized_message_is_quarantined_and_the_round_goes_on
);

/// Issue 16: a care home asking how to get NHSmail (no form) is not
/// answered automatically, and the administrators are told, with its first
/// lines; an administrator's own message to the mailbox tells nobody.
async fn an_enquiry_reaches_the_administrators(backend: Backend) {
    let care_home = "carehome3@example.test";
    let bed = Bed::new("enquiry", backend).await;
    let config = bed.config();
    let ask = bed.message_id("ask");
    let question = format!(
        "Hello,\r\n\r\nWe are a small care home ({}) and would like NHSmail. How do we apply?\r\n\r\nThanks,\r\nSam",
        bed.tag
    );
    let raw = format!(
        "From: Sam <{care_home}>\r\nTo: {SPONSOR}\r\nSubject: How do we get NHSmail? {}\r\nMessage-ID: <{ask}>\r\nDate: {}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{question}\r\n",
        bed.tag,
        chrono::Utc::now().to_rfc2822()
    );
    bed.deliver(care_home, raw.as_bytes(), &ask).await;
    let own = bed.message_id("own");
    let note = format!(
        "From: <{ADMINS}>\r\nTo: {SPONSOR}\r\nSubject: note to self {}\r\nMessage-ID: <{own}>\r\nContent-Type: text/plain\r\n\r\nRemember the meeting.\r\n",
        bed.tag
    );
    bed.deliver(ADMINS, note.as_bytes(), &own).await;
    let summary = bed.once(&config).await;
    assert!(summary.contains("2 recorded without reply"), "{summary}");
    let told = Mailboxes::wait_for(ADMINS, Duration::from_secs(20), "enquiry notice", |m| {
        m.subject.starts_with("Not an application") && m.text.contains(&bed.tag)
    })
    .await;
    assert_eq!(
        told.len(),
        1,
        "one notice, for the care home's question only"
    );
    assert!(
        told[0].text.contains("How do we apply?") && told[0].text.contains(care_home),
        "{}",
        told[0].text
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        Mailboxes::matching(care_home, |m| m.refers_to(&ask)).is_empty(),
        "no automatic reply to the sender"
    );
    assert_eq!(
        Mailboxes::matching(ADMINS, |m| m.subject.starts_with("Not an application")
            && m.text.contains(&bed.tag))
        .len(),
        1
    );
}
crate::on_both_backends!(
    an_enquiry_reaches_the_administrators,
    an_enquiry_reaches_the_administrators
);
