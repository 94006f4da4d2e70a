//! Faults: the SMTP server away, the IMAP server restarted in the middle of
//! IDLE and of a fetch, the SQLite database locked by someone else, and the
//! disk for raw messages full. In every case: nothing lost, nothing doubled.
//!
//! The shared servers are never stopped: a [`Proxy`] between the daemon and
//! the server is what goes away.

use crate::intake::receipts;
use crate::support::imap::Imap;
use crate::support::mail::{self, Mailboxes};
use crate::support::proxy::Proxy;
use crate::support::{Backend, Bed, ImapTls, SPONSOR, Settings, servers};
use std::time::{Duration, Instant};

/// Sends an application from `home` with a CQC number of its own (the same
/// number twice would join the first case); returns its Message-ID.
pub async fn send_application(bed: &Bed, home: &str) -> String {
    let mid = bed.message_id("application");
    let n = 100_000_000 + rand::random::<u32>() % 900_000_000;
    let raw = String::from_utf8(mail::application(
        home,
        &mid,
        &format!("Rosewood Lodge {}", bed.tag),
    ))
    .expect("utf-8")
    .replace("1-123456789", &format!("1-{n}"));
    bed.deliver(home, raw.as_bytes(), &mid).await;
    mid
}

/// Every message in processed (once), none left in incoming, one case per
/// application and exactly one receipt each (after a pause, so a late
/// duplicate would have had time to arrive).
async fn all_taken_in_once(bed: &Bed, config: &std::path::Path, apps: &[(&str, String)]) {
    for (home, mid) in apps {
        Mailboxes::wait_for(home, Duration::from_secs(40), "receipt", |m| {
            m.in_reply_to.iter().any(|r| r == mid)
        })
        .await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut imap = Imap::login(SPONSOR).await;
    for (_, mid) in apps {
        assert_eq!(
            imap.find(&bed.processed, mid).await.len(),
            1,
            "{mid} filed once"
        );
    }
    assert_eq!(
        imap.count(&bed.incoming).await,
        0,
        "nothing left in incoming"
    );
    imap.logout().await;
    let cases = bed.cases(config).await;
    assert_eq!(
        cases.len(),
        apps.len(),
        "one case per application: {cases:#?}"
    );
    for (home, mid) in apps {
        assert_eq!(receipts(home, mid).len(), 1, "one receipt for {mid}");
    }
}

/// The SMTP server is away "for minutes": applications keep being taken in,
/// their receipts wait in the outbox, and each goes exactly once when the
/// server returns. Minutes are mapped onto seconds by the retry settings
/// (`outbox.retry_seconds = 1`, so the backoff runs 1, 2, 4, 8 s...; with
/// the production 30 s it is the same sequence of attempts over minutes),
/// and `max_attempts` is raised so the outage outlasts several attempts
/// without any email being given up.
#[tokio::test]
async fn smtp_down_emails_wait_in_the_outbox_and_all_go_once_it_returns() {
    let bed = Bed::new("smtpdown", Backend::Sqlite).await;
    let proxy = Proxy::start(servers().submission_port).await;
    proxy.refuse();
    let config = bed.write_config(
        "config.toml",
        &Settings {
            backlog: "start-from-now",
            smtp_port: Some(proxy.port),
            max_attempts: 12,
            retry_seconds: 1,
            ..Settings::default()
        },
    );
    let mut daemon = bed.spawn_daemon(&config);
    daemon
        .wait_for_log("signed in to the mailbox", Duration::from_secs(20))
        .await;
    let homes = [
        "carehome1@example.test",
        "carehome2@example.test",
        "carehome3@example.test",
    ];
    let mut apps = Vec::new();
    for home in homes {
        apps.push((home, send_application(&bed, home).await));
    }
    // All three cases are opened while the server is away...
    let deadline = Instant::now() + Duration::from_secs(30);
    while bed.cases(&config).await.len() < 3 {
        assert!(Instant::now() < deadline, "{}", daemon.log_text());
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    // ...the sender keeps trying (and failing) for a while...
    daemon
        .wait_for_log("email not sent yet; will retry", Duration::from_secs(20))
        .await;
    tokio::time::sleep(Duration::from_secs(8)).await;
    let tries = daemon
        .log_text()
        .matches("email not sent yet; will retry")
        .count();
    assert!(
        tries >= 3,
        "{tries} failed attempts:\n{}",
        daemon.log_text()
    );
    assert!(proxy.accepted() >= 3, "the daemon did try the server");
    // ...and nothing reached anyone.
    for (home, mid) in &apps {
        assert!(
            receipts(home, mid).is_empty(),
            "receipt sent during the outage"
        );
    }
    assert!(
        !daemon.log_text().contains("will not be retried"),
        "an email was given up:\n{}",
        daemon.log_text()
    );

    proxy.reopen();
    all_taken_in_once(&bed, &config, &apps).await;
    let code = daemon.terminate(Duration::from_secs(20)).await;
    assert_eq!(code, Some(0), "{}", daemon.log_text());
    // Every outbox row ended sent.
    for c in bed.cases(&config).await {
        let reference = c["reference"].as_str().expect("reference").to_string();
        let case = bed.case(&config, &reference).await;
        for m in case["messages_out"].as_array().expect("messages_out") {
            assert_eq!(m["status"], "sent", "{case:#}");
        }
    }
}

/// An application with a `mb` MB attachment (a large FETCH).
fn large_application(from: &str, message_id: &str, care_home: &str, mb: usize) -> Vec<u8> {
    let raw = String::from_utf8(mail::application(from, message_id, care_home))
        .expect("utf-8")
        .replace("1-123456789", "1-555000555");
    let end = "--=-=form=-=--\r\n";
    let cut = raw.rfind(end).expect("closing boundary");
    let mut out = raw[..cut].to_string();
    out.push_str(
        "--=-=form=-=\r\n\
         Content-Type: application/octet-stream; name=\"photos.bin\"\r\n\
         Content-Disposition: attachment; filename=\"photos.bin\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n",
    );
    let line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n";
    for _ in 0..(mb * 1024 * 1024 / 57 + 1) {
        out.push_str(line);
    }
    out.push_str("\r\n");
    out.push_str(end);
    out.into_bytes()
}

/// The IMAP server "restarts" while the daemon idles, and again in the
/// middle of the fetch of a large message: the daemon reconnects each time,
/// and every message is taken in once, answered once, filed once.
#[tokio::test]
async fn imap_restarted_during_idle_and_during_a_fetch() {
    let bed = Bed::new("imapcut", Backend::Sqlite).await;
    let proxy = Proxy::start(servers().imap_port).await;
    let config = bed.write_config(
        "config.toml",
        &Settings {
            backlog: "start-from-now",
            imap_tls: ImapTls::Starttls,
            imap_port: Some(proxy.port),
            poll_seconds: 600,
            ..Settings::default()
        },
    );
    let mut daemon = bed.spawn_daemon(&config);
    daemon
        .wait_for_log("signed in to the mailbox", Duration::from_secs(20))
        .await;
    let first = (
        "carehome1@example.test",
        send_application(&bed, "carehome1@example.test").await,
    );
    Mailboxes::wait_for(first.0, Duration::from_secs(20), "first receipt", |m| {
        m.in_reply_to.iter().any(|r| r == &first.1)
    })
    .await;
    // Idle now (polling is every 10 minutes): the server goes away.
    tokio::time::sleep(Duration::from_secs(1)).await;
    proxy.cut();
    let second = (
        "carehome2@example.test",
        send_application(&bed, "carehome2@example.test").await,
    );
    daemon
        .wait_for_log("mailbox connection restored", Duration::from_secs(20))
        .await;
    Mailboxes::wait_for(second.0, Duration::from_secs(30), "second receipt", |m| {
        m.in_reply_to.iter().any(|r| r == &second.1)
    })
    .await;

    // A 3 MB application; the connection is cut after 512 kB of it came through.
    tokio::time::sleep(Duration::from_secs(1)).await;
    proxy.cut_after(512 * 1024);
    let home = "carehome3@example.test";
    let mid = bed.message_id("large");
    let raw = large_application(home, &mid, &format!("Rosewood Lodge {}", bed.tag), 3);
    bed.deliver(home, &raw, &mid).await;
    Mailboxes::wait_for(
        home,
        Duration::from_secs(40),
        "receipt of the large one",
        |m| m.in_reply_to.iter().any(|r| r == &mid),
    )
    .await;
    assert_eq!(
        proxy.cut_mid_transfer(),
        1,
        "the connection was cut in the middle of the fetch:\n{}",
        daemon.log_text()
    );
    let third = (home, mid);
    all_taken_in_once(&bed, &config, &[first, second, third]).await;
    let log = daemon.log_text();
    assert!(
        log.matches("mailbox connection restored").count() >= 2,
        "reconnected twice:\n{log}"
    );
    let code = daemon.terminate(Duration::from_secs(20)).await;
    assert_eq!(code, Some(0), "{}", daemon.log_text());
}

/// Someone holds a write transaction on the daemon's SQLite database for
/// longer than its busy timeout while mail arrives: the message is left in
/// the mailbox (the log says why), tried again, and taken in once when the
/// lock is gone.
#[tokio::test]
async fn sqlite_locked_the_message_waits_and_is_taken_in_once() {
    use sqlx::Connection;
    let bed = Bed::new("locked", Backend::Sqlite).await;
    let config = bed.write_config(
        "config.toml",
        &Settings {
            backlog: "start-from-now",
            ..Settings::default()
        },
    );
    let mut daemon = bed.spawn_daemon(&config);
    daemon
        .wait_for_log("signed in to the mailbox", Duration::from_secs(20))
        .await;
    let mut db = sqlx::SqliteConnection::connect(&bed.database_url)
        .await
        .expect("open the daemon's database");
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut db)
        .await
        .expect("BEGIN IMMEDIATE");
    let home = "carehome4@example.test";
    let mid = send_application(&bed, home).await;
    // The daemon's busy timeout (5 s) runs out while we hold the lock.
    daemon
        .wait_for_log("it stays in the mailbox", Duration::from_secs(30))
        .await;
    let log = daemon.log_text();
    assert!(log.contains("database is locked"), "{log}");
    assert!(receipts(home, &mid).is_empty());
    let mut imap = Imap::login(SPONSOR).await;
    assert_eq!(
        imap.find(&bed.incoming, &mid).await.len(),
        1,
        "still waiting"
    );
    assert!(imap.find(&bed.processed, &mid).await.is_empty());
    imap.logout().await;
    sqlx::query("ROLLBACK")
        .execute(&mut db)
        .await
        .expect("ROLLBACK");
    db.close().await.expect("close");

    all_taken_in_once(&bed, &config, &[(home, mid)]).await;
    let code = daemon.terminate(Duration::from_secs(20)).await;
    assert_eq!(code, Some(0), "{}", daemon.log_text());
}

/// A tmpfs mounted for one test; unmounted when dropped (also on failure).
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(at: &std::path::Path, size: &str) -> Tmpfs {
        std::fs::create_dir_all(at).expect("mount point");
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .output()
            .expect("run mount");
        assert!(
            out.status.success(),
            "this test mounts a small tmpfs as the full disk and must run as root \
             (scripts/test.sh does): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Tmpfs(at.to_path_buf())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

/// The disk where raw messages are kept is full: the message is not taken
/// in and not filed (it stays in the mailbox), the daemon says why and
/// tries again, and once space is freed it is taken in exactly once.
#[tokio::test]
async fn raw_store_disk_full_the_message_waits_and_is_taken_in_once() {
    let bed = Bed::new("diskfull", Backend::Sqlite).await;
    let config = bed.write_config(
        "config.toml",
        &Settings {
            backlog: "start-from-now",
            ..Settings::default()
        },
    );
    let messages = bed.dir.path().join("state").join("messages");
    let disk = Tmpfs::mount(&messages, "256k");
    // Fill it up.
    let filler = messages.join("filler");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&filler).expect("filler");
        let block = vec![0x55u8; 4096];
        while f.write_all(&block).is_ok() {}
        let _ = f.sync_all();
    }
    let mut daemon = bed.spawn_daemon(&config);
    daemon
        .wait_for_log("signed in to the mailbox", Duration::from_secs(20))
        .await;
    let home = "carehome5@example.test";
    let mid = send_application(&bed, home).await;
    daemon
        .wait_for_log("it stays in the mailbox", Duration::from_secs(30))
        .await;
    // Tried again (at least once more), each time saying why.
    let deadline = Instant::now() + Duration::from_secs(20);
    while daemon.log_text().matches("No space left on device").count() < 2 {
        assert!(Instant::now() < deadline, "{}", daemon.log_text());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let log = daemon.log_text();
    assert!(log.contains("cannot keep the raw message"), "{log}");
    let mut imap = Imap::login(SPONSOR).await;
    assert_eq!(
        imap.find(&bed.incoming, &mid).await.len(),
        1,
        "still waiting"
    );
    assert!(imap.find(&bed.processed, &mid).await.is_empty());
    imap.logout().await;
    assert!(
        bed.cases(&config).await.is_empty(),
        "no case without its raw message"
    );
    assert!(receipts(home, &mid).is_empty());

    std::fs::remove_file(&filler).expect("free the space");
    all_taken_in_once(&bed, &config, &[(home, mid)]).await;
    let code = daemon.terminate(Duration::from_secs(20)).await;
    assert_eq!(code, Some(0), "{}", daemon.log_text());
    drop(disk);
}
