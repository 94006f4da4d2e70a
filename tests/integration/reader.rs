//! Issue 16: one bad attachment never stops intake. Every message is read
//! in a child process; a reader that overflows its stack, runs out of
//! memory or of time costs only that message, which is quarantined with
//! the reason and reported, and the application behind it is answered. A
//! message whose reading the daemon itself did not survive is quarantined
//! after a few tries instead of being read forever.

use crate::hostile::with_attachment;
use crate::intake::{receipts, send_application};
use crate::support::imap::Imap;
use crate::support::mail::Mailboxes;
use crate::support::{ADMINS, Backend, Bed, SPONSOR, Settings};
use std::time::{Duration, Instant};

/// A one-page PDF with an object stream holding arrays nested `depth`
/// deep. The reader refuses deep nesting it can see before parsing, but
/// lopdf unpacks object streams itself, recursively: this one overflows the
/// reader's stack, and only the reader process stands between it and the daemon.
fn deep_pdf(depth: usize) -> Vec<u8> {
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let packed = format!("6 0 {nested}");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>".to_string(),
        format!(
            "<< /Type /ObjStm /N 1 /First 4 /Length {} >>\nstream\n{packed}\nendstream",
            packed.len()
        ),
    ];
    let mut out = b"%PDF-1.5\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A plain-text email of `lines` "Name of care home" lines: slow to read
/// (seconds in a debug build) and, when long, large in memory.
fn many_lines(from: &str, mid: &str, tag: &str, lines: usize) -> Vec<u8> {
    let mut body = String::with_capacity(lines * 32);
    for i in 0..lines {
        body.push_str(&format!("Name of care home: House {i}\r\n"));
    }
    format!(
        "From: Jane Carer <{from}>\r\nTo: {SPONSOR}\r\nSubject: Long form {tag}\r\nMessage-ID: <{mid}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}"
    )
    .into_bytes()
}

/// The administrators' report of this bed's quarantined message, which must say `why`.
async fn report_saying(bed: &Bed, why: &str) -> String {
    let folder = format!("\"{}\"", bed.quarantine);
    let reports = Mailboxes::wait_for(ADMINS, Duration::from_secs(20), "quarantine report", |m| {
        m.text.contains(&folder) && m.text.contains(why)
    })
    .await;
    assert_eq!(reports.len(), 1, "{reports:#?}");
    reports[0].text.clone()
}

/// The application at `mid` has its one case and its one receipt.
async fn answered(bed: &Bed, config: &std::path::Path, care_home: &str, mid: &str) {
    let got = Mailboxes::wait_for(care_home, Duration::from_secs(20), "receipt", |m| {
        m.in_reply_to.iter().any(|r| r == mid)
    })
    .await;
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(receipts(care_home, mid).len(), 1);
    let cases = bed.cases(config).await;
    assert!(
        cases.iter().any(|c| got[0]
            .subject
            .contains(c["reference"].as_str().unwrap_or("?"))),
        "{cases:#?}"
    );
}

/// (a) A PDF nested 100,000 deep overflows the reader's stack: the running
/// daemon quarantines it with the reason and answers the application behind it.
async fn stack_overflowing_pdf_is_quarantined_and_the_daemon_carries_on(backend: Backend) {
    let care_home = "carehome1@example.test";
    let bed = Bed::new("deep", backend).await;
    let config = bed.config();
    let deep = bed.message_id("deep");
    let raw = with_attachment(
        care_home,
        &deep,
        &format!("Application form {}", bed.tag),
        "form.pdf",
        "application/pdf",
        &deep_pdf(100_000),
    );
    bed.deliver(care_home, &raw, &deep).await;
    let app = send_application(&bed, care_home).await;

    let mut daemon = bed.spawn_daemon(&config);
    daemon
        .wait_for_log("message quarantined", Duration::from_secs(60))
        .await;
    answered(&bed, &config, care_home, &app).await;
    let text = report_saying(&bed, "stack overflow").await;
    assert!(text.contains("the reader crashed"), "{text}");

    let mut imap = Imap::login(SPONSOR).await;
    assert_eq!(imap.find(&bed.quarantine, &deep).await.len(), 1);
    assert_eq!(imap.find(&bed.processed, &app).await.len(), 1);
    assert_eq!(imap.count(&bed.incoming).await, 0);
    imap.logout().await;
    assert!(Mailboxes::matching(care_home, |m| m.refers_to(&deep)).is_empty());
    // Still up, and it stops cleanly.
    assert_eq!(daemon.terminate(Duration::from_secs(30)).await, Some(0));
    let log = daemon.log_text();
    assert!(
        log.contains("has overflowed its stack"),
        "the child's own words are logged: {log}"
    );
}
crate::on_both_backends!(
    issue16_stack_overflowing_pdf,
    stack_overflowing_pdf_is_quarantined_and_the_daemon_carries_on
);

/// (b) A reader killed mid-parse, by the clock and by its memory limit:
/// each message is quarantined with its reason; the application after it is
/// taken in within the same round.
#[tokio::test]
async fn issue16_reader_killed_mid_parse_by_time_and_by_memory() {
    let care_home = "carehome2@example.test";
    let bed = Bed::new("killed", Backend::Sqlite).await;
    let by_time = bed.write_config(
        "time.toml",
        &Settings {
            limits: "reader_timeout_seconds = 1".into(),
            ..Settings::default()
        },
    );
    let slow = bed.message_id("slow");
    // Over the SMTP server's size limit: straight into the folder.
    let mut imap = Imap::login(SPONSOR).await;
    imap.append(
        &bed.incoming,
        &many_lines(care_home, &slow, &bed.tag, 150_000),
    )
    .await;
    let first = send_application(&bed, care_home).await;
    let started = Instant::now();
    let summary = bed.once(&by_time).await;
    assert!(
        summary.contains("1 new case(s)") && summary.contains("1 quarantined"),
        "{summary}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    answered(&bed, &by_time, care_home, &first).await;
    report_saying(&bed, "the reader took longer than 1 s").await;

    assert_eq!(imap.find(&bed.quarantine, &slow).await.len(), 1);
    assert_eq!(imap.count(&bed.incoming).await, 0);

    // A bed of its own: the same form again would join the first case.
    let bed = Bed::new("oom", Backend::Sqlite).await;
    let by_memory = bed.write_config(
        "memory.toml",
        &Settings {
            limits: "reader_memory_mb = 80".into(),
            ..Settings::default()
        },
    );
    let huge = bed.message_id("huge");
    imap.append(
        &bed.incoming,
        &many_lines(care_home, &huge, &bed.tag, 1_000_000),
    )
    .await;
    let second = send_application(&bed, care_home).await;
    let summary = bed.once(&by_memory).await;
    assert!(
        summary.contains("1 new case(s)") && summary.contains("1 quarantined"),
        "{summary}"
    );
    answered(&bed, &by_memory, care_home, &second).await;
    report_saying(&bed, "the reader ran out of memory (limit 80 MB)").await;
    assert_eq!(imap.find(&bed.quarantine, &huge).await.len(), 1);
    assert_eq!(imap.count(&bed.incoming).await, 0);
    imap.logout().await;
}

/// Runs one statement on the bed's database.
async fn execute(bed: &Bed, sql: &str) {
    use sqlx::Connection;
    if bed.database_url.starts_with("sqlite:") {
        let mut db = sqlx::SqliteConnection::connect(&bed.database_url)
            .await
            .expect("open the database");
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&mut db)
            .await
            .expect(sql);
        let _ = db.close().await;
    } else {
        let mut db = sqlx::PgConnection::connect(&bed.database_url)
            .await
            .expect("open the database");
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&mut db)
            .await
            .expect(sql);
        let _ = db.close().await;
    }
}

/// One number from the bed's database.
async fn count(bed: &Bed, sql: &str) -> i64 {
    use sqlx::Connection;
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    if bed.database_url.starts_with("sqlite:") {
        let mut db = sqlx::SqliteConnection::connect(&bed.database_url)
            .await
            .expect("open the database");
        let n = sqlx::query_scalar(sql)
            .fetch_one(&mut db)
            .await
            .expect("count");
        let _ = db.close().await;
        n
    } else {
        let mut db = sqlx::PgConnection::connect(&bed.database_url)
            .await
            .expect("open the database");
        let n = sqlx::query_scalar(sql)
            .fetch_one(&mut db)
            .await
            .expect("count");
        let _ = db.close().await;
        n
    }
}

fn sha256(raw: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(raw))
}

/// (c) The daemon died twice while reading a message (two readings never
/// finished): it is quarantined without being read. A message with one
/// unfinished reading is read again and answered.
async fn message_that_outlived_two_readings_is_quarantined_unread(backend: Backend) {
    let care_home = "carehome1@example.test";
    let bed = Bed::new("marked", backend).await;
    let config = bed.config();
    bed.cli_ok(&config, &["migrate"]).await;
    let twice = bed.message_id("twice");
    let once = bed.message_id("once");
    let raw_twice =
        crate::support::mail::application(care_home, &twice, &format!("Twice {}", bed.tag));
    let raw_once =
        crate::support::mail::application(care_home, &once, &format!("Once {}", bed.tag));
    let mut imap = Imap::login(SPONSOR).await;
    imap.append(&bed.incoming, &raw_twice).await;
    imap.append(&bed.incoming, &raw_once).await;
    imap.logout().await;
    execute(
        &bed,
        &format!(
            "INSERT INTO read_attempts (sha256, attempts, first_at, last_at) VALUES
             ('{}', 2, '2026-12-01T09:00:00.000Z', '2026-12-01T09:01:00.000Z'),
             ('{}', 1, '2026-12-01T09:00:00.000Z', '2026-12-01T09:00:00.000Z')",
            sha256(&raw_twice),
            sha256(&raw_once)
        ),
    )
    .await;

    let summary = bed.once(&config).await;
    assert!(
        summary.contains("1 new case(s)") && summary.contains("1 quarantined"),
        "{summary}"
    );
    let text = report_saying(&bed, "the reader failed on this message before").await;
    assert!(text.contains("2 readings never finished"), "{text}");
    answered(&bed, &config, care_home, &once).await;
    let mut imap = Imap::login(SPONSOR).await;
    assert_eq!(imap.find(&bed.quarantine, &twice).await.len(), 1);
    assert_eq!(imap.find(&bed.processed, &once).await.len(), 1);
    imap.logout().await;
    // Not read: no case and no reply for it, and no marks left behind.
    assert!(Mailboxes::matching(care_home, |m| m.refers_to(&twice)).is_empty());
    assert_eq!(bed.cases(&config).await.len(), 1);
    let out = bed.run_cli(&config, &["reconcile"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(count(&bed, "SELECT COUNT(*) FROM read_attempts").await, 0);
}
crate::on_both_backends!(
    issue16_unfinished_readings,
    message_that_outlived_two_readings_is_quarantined_unread
);
