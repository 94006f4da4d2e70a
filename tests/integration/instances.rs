//! Issue 8: several instances sharing one PostgreSQL database, and moving a
//! sponsor's data from SQLite to PostgreSQL with `db copy`.

use crate::support::imap::Imap;
use crate::support::mail::{self, Mailboxes};
use crate::support::{ADMINS, Backend, Bed, Daemon, SPONSOR, Settings};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const HOMES: [&str; 5] = [
    "carehome1@example.test",
    "carehome2@example.test",
    "carehome3@example.test",
    "carehome4@example.test",
    "carehome5@example.test",
];

/// An application with its own care home name and CQC number, so that each opens its own case.
fn application(from: &str, mid: &str, home: &str, cqc: &str) -> Vec<u8> {
    String::from_utf8(mail::application(from, mid, home))
        .expect("utf-8")
        .replace("1-123456789", cqc)
        .into_bytes()
}

/// The configuration of one instance: its own `instance.id`, a short intake
/// lease, and sends cut off by a kill retried within seconds.
fn instance_config(bed: &Bed, id: &str, jobs: Option<&str>) -> PathBuf {
    let mut settings = Settings {
        poll_seconds: 2,
        extra: format!(
            "[instance]\nid = \"{id}-{}\"\nintake_lease_seconds = 6\n",
            bed.tag
        ),
        ..Settings::default()
    };
    if let Some(jobs) = jobs {
        settings.jobs = jobs.to_string();
    }
    let path = bed.write_config(&format!("{id}.toml"), &settings);
    let text = std::fs::read_to_string(&path).expect("config");
    let text = text
        .replace("timeout_seconds = 10", "timeout_seconds = 3")
        .replace(
            "retry_seconds = 1\n",
            // 300 applications from five care homes: no per-recipient limit.
            "retry_seconds = 1\ncopy_wait_seconds = 5\nmax_per_recipient_per_hour = 0\n",
        );
    std::fs::write(&path, text).expect("config");
    path
}

/// The copies of our emails come back to the sponsor's INBOX; a mail rule
/// files this test's into its incoming folder, where the daemon sees them
/// (and so knows which sends a kill cut off had in fact gone).
fn file_copies(bed: &Bed) -> (Arc<AtomicBool>, tokio::task::JoinHandle<()>) {
    let stop = Arc::new(AtomicBool::new(false));
    let (tag, incoming, flag) = (bed.tag.clone(), bed.incoming.clone(), stop.clone());
    let task = tokio::spawn(async move {
        let mut imap = Imap::login(SPONSOR).await;
        let mut after = 0;
        let criteria = format!("OR HEADER In-Reply-To \"{tag}\" SUBJECT \"{tag}\"");
        while !flag.load(Ordering::Relaxed) {
            after = imap
                .move_new_matching("INBOX", after, &criteria, &incoming)
                .await;
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        imap.logout().await;
    });
    (stop, task)
}

fn count_in_log(d: &Daemon, needle: &str) -> usize {
    d.log_text().matches(needle).count()
}

async fn pg_count(url: &str, sql: &str) -> i64 {
    use sqlx::{Connection, Row};
    let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
    let n: i64 = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&mut c)
        .await
        .expect(sql)
        .get(0);
    let _ = c.close().await;
    n
}

fn is_receipt(m: &mail::Mail) -> bool {
    m.subject
        .contains("we have received your NHSmail application")
}

/// Acceptance 2: two instances on one PostgreSQL database, a backlog of 300
/// applications; the one taking in mail is killed halfway; the other takes
/// over within seconds. Every message gives one case, every care home one
/// receipt per application, every message ends in the processed folder.
#[tokio::test]
async fn two_instances_share_a_backlog_and_one_takes_over_after_a_kill() {
    const N: usize = 300;
    let bed = Bed::new("pair", Backend::Postgres).await;
    let alpha = instance_config(&bed, "alpha", None);
    let beta = instance_config(&bed, "beta", None);

    let mut apps = Vec::new();
    let mut imap = Imap::login(SPONSOR).await;
    for i in 0..N {
        let from = HOMES[i % HOMES.len()];
        let mid = bed.message_id("app");
        let home = format!("Pair Lodge {i} {}", bed.tag);
        let cqc = format!("1-{}", 800_000_000 + i);
        imap.append(&bed.incoming, &application(from, &mid, &home, &cqc))
            .await;
        apps.push((from, mid, home));
    }
    imap.logout().await;
    let (stop_rule, rule) = file_copies(&bed);

    let mut a = bed.spawn_daemon_logging(&alpha, "alpha.log");
    a.wait_for_log(
        "this instance holds the intake lease",
        Duration::from_secs(20),
    )
    .await;
    let mut b = bed.spawn_daemon_logging(&beta, "beta.log");
    b.wait_for_log(
        "another instance holds the intake lease",
        Duration::from_secs(20),
    )
    .await;

    // Kill the instance taking in mail once it is well into the backlog.
    let deadline = Instant::now() + Duration::from_secs(60);
    while count_in_log(&a, "case opened") < N / 4 {
        assert!(
            Instant::now() < deadline,
            "alpha is too slow:\n{}",
            a.log_text()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    a.kill();
    let killed = Instant::now();
    let opened_by_alpha = count_in_log(&a, "case opened");
    b.wait_for_log(
        "this instance holds the intake lease",
        Duration::from_secs(20),
    )
    .await;
    let takeover = killed.elapsed();
    assert!(
        takeover < Duration::from_secs(12),
        "took over after {takeover:?}"
    );

    // Drained: every application has a case and nothing waits in the outbox.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let cases = pg_count(&bed.database_url, "SELECT COUNT(*) FROM cases").await;
        let pending = pg_count(
            &bed.database_url,
            "SELECT COUNT(*) FROM outbox WHERE status <> 'sent'",
        )
        .await;
        if cases >= N as i64 && pending == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not drained: {cases} case(s), {pending} email(s) unsent\n{}",
            b.log_text()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // Copies of the last emails still come back and are filed.
    tokio::time::sleep(Duration::from_secs(3)).await;

    let cases = bed.cases(&beta).await;
    assert_eq!(cases.len(), N, "one case per application");
    let names: HashSet<&str> = cases
        .iter()
        .filter_map(|c| c["care_home_name"].as_str())
        .collect();
    for (_, _, home) in &apps {
        assert!(names.contains(home.as_str()), "no case for {home}");
    }

    // Each application answered exactly once, in its care home's real mailbox.
    let mut receipts: HashMap<String, usize> = HashMap::new();
    for home in HOMES {
        for m in Mailboxes::matching(home, is_receipt) {
            for r in &m.in_reply_to {
                if r.contains(&bed.tag) {
                    *receipts.entry(r.clone()).or_default() += 1;
                }
            }
        }
    }
    for (from, mid, _) in &apps {
        assert_eq!(receipts.get(mid), Some(&1), "receipts to {from} for {mid}");
    }
    assert_eq!(receipts.len(), N);

    // Every application filed in the processed folder, once; nothing left behind.
    let mut imap = Imap::login(SPONSOR).await;
    for (_, mid, _) in &apps {
        assert_eq!(
            imap.find(&bed.processed, mid).await.len(),
            1,
            "{mid} filed once"
        );
    }
    stop_rule.store(true, Ordering::Relaxed);
    let _ = rule.await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        imap.count(&bed.incoming).await,
        0,
        "nothing left in the incoming folder"
    );
    imap.logout().await;

    // The mailbox and the database agree; no case's history was touched.
    let report = bed.run_cli(&beta, &["reconcile"]).await;
    assert!(
        report.status.success(),
        "reconcile:\n{}\n{}",
        String::from_utf8_lossy(&report.stdout),
        String::from_utf8_lossy(&report.stderr)
    );
    bed.cli_ok(&beta, &["cases", "verify"]).await;

    // Both instances sent; the survivor stops cleanly and gives the lease up.
    assert!(count_in_log(&b, "email sent") > 0, "beta sent nothing");
    let code = b.terminate(Duration::from_secs(20)).await;
    assert_eq!(code, Some(0), "{}", b.log_text());
    assert!(b.log_text().contains("intake lease released"));
    eprintln!(
        "two instances: {N} applications, alpha opened {opened_by_alpha} before the kill, beta took over after {takeover:?}"
    );
}

const OVERDUE_ONLY: &str = "
[jobs.overdue]
enabled = true
schedule = \"0 0 8 * * *\"
[jobs.chasers]
enabled = false
[jobs.weekly_summary]
enabled = false
[jobs.canary]
enabled = false
[jobs.retention]
enabled = false
";

/// A scheduled job runs once per period across instances: two instances'
/// rounds at the same moment send one overdue digest.
#[tokio::test]
async fn a_job_runs_once_per_period_across_two_instances() {
    let care_home = "carehome2@example.test";
    let bed = Bed::new("pairjobs", Backend::Postgres).await;
    let alpha = instance_config(&bed, "alpha", Some(OVERDUE_ONLY));
    let beta = instance_config(&bed, "beta", Some(OVERDUE_ONLY));
    let home = format!("Linden Court {}", bed.tag);
    let mid = bed.message_id("app");
    bed.deliver(
        care_home,
        &application(care_home, &mid, &home, "1-812345678"),
        &mid,
    )
    .await;
    bed.cli_ok(&alpha, &["--now", "2026-08-25T10:00:00Z", "once"])
        .await;
    assert_eq!(bed.cases(&alpha).await.len(), 1);
    // Both instances' rounds, at once, in the first overdue period.
    let now = "2026-09-10T09:00:00Z";
    let args = ["--now", now, "once"];
    let (ra, rb) = tokio::join!(bed.run_cli(&alpha, &args), bed.run_cli(&beta, &args));
    assert!(ra.status.success() && rb.status.success());
    let ran: Vec<String> = [&ra, &rb]
        .iter()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .collect();
    let is_digest =
        |m: &mail::Mail| m.subject.contains("decision(s) overdue") && m.text.contains(&home);
    Mailboxes::wait_for(ADMINS, Duration::from_secs(20), "overdue digest", is_digest).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        Mailboxes::matching(ADMINS, is_digest).len(),
        1,
        "one digest for the period: {ran:?}"
    );
    assert_eq!(
        pg_count(
            &bed.database_url,
            "SELECT COUNT(*) FROM job_runs WHERE job = 'overdue' AND started_at >= '2026-09-10'"
        )
        .await,
        1,
        "one run of the period"
    );
}

/// Acceptance 3: a SQLite database made by the real daemon, copied to
/// PostgreSQL with `db copy`; the daemon carries on there: new mail gets a
/// case and a receipt, a follow-up joins a copied case, the copied cases are
/// listed, references go on from where they were.
#[tokio::test]
async fn db_copy_from_sqlite_to_postgresql_and_carry_on() {
    let care_home = HOMES[0];
    let lite = Bed::new("copyfrom", Backend::Sqlite).await;
    let pg = Bed::new("copyto", Backend::Postgres).await;
    let on_sqlite = lite.config();
    let mut before = Vec::new();
    for (i, from) in HOMES.iter().copied().enumerate().take(3) {
        let mid = lite.message_id("app");
        let home = format!("Copy House {i} {}", lite.tag);
        let cqc = format!("1-{}", 820_000_000 + i);
        // The first leaves out the CQC number: it waits for information.
        // Each from its own care home: a second application from a sender
        // whose case waits for information would join that case.
        let mut raw = application(from, &mid, &home, &cqc);
        if i == 0 {
            raw = String::from_utf8(raw)
                .expect("utf-8")
                .replace(&format!("CQC registration number: {cqc}"), "")
                .into_bytes();
        }
        lite.deliver(from, &raw, &mid).await;
        before.push((mid, home));
    }
    lite.once(&on_sqlite).await;
    let copied = lite.cases(&on_sqlite).await;
    assert_eq!(copied.len(), 3);
    let first_receipt = Mailboxes::wait_for(care_home, Duration::from_secs(20), "receipt", |m| {
        m.in_reply_to.iter().any(|r| r == &before[0].0)
    })
    .await;

    let out = lite
        .run_cli(
            &on_sqlite,
            &[
                "db",
                "copy",
                "--from",
                &lite.database_url,
                "--to",
                &pg.database_url,
            ],
        )
        .await;
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{printed}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(printed.contains("copy verified"), "{printed}");
    let cases_line = printed
        .lines()
        .find(|l| l.starts_with("cases "))
        .unwrap_or_default();
    assert!(
        cases_line.contains(" 3 ") && cases_line.ends_with("ok"),
        "{printed}"
    );
    // A second copy into the now full database is refused.
    let again = lite
        .run_cli(
            &on_sqlite,
            &[
                "db",
                "copy",
                "--from",
                &lite.database_url,
                "--to",
                &pg.database_url,
            ],
        )
        .await;
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));

    // The same sponsor, now on PostgreSQL: the same folders and state directory.
    let on_pg = lite.dir.path().join("on-postgres.toml");
    let text = std::fs::read_to_string(&on_sqlite)
        .expect("config")
        .replace(&lite.database_url, &pg.database_url);
    std::fs::write(&on_pg, text).expect("config");
    let listed = lite.cases(&on_pg).await;
    let refs = |cases: &[serde_json::Value]| -> HashSet<String> {
        cases
            .iter()
            .filter_map(|c| c["reference"].as_str().map(str::to_string))
            .collect()
    };
    assert_eq!(
        refs(&listed),
        refs(&copied),
        "cases list shows the copied cases"
    );

    // A new application and a follow-up to the first (copied) case.
    let new_mid = lite.message_id("app");
    let new_home = format!("Copy House new {}", lite.tag);
    lite.deliver(
        HOMES[3],
        &application(HOMES[3], &new_mid, &new_home, "1-829999999"),
        &new_mid,
    )
    .await;
    let first_case = copied
        .iter()
        .find(|c| c["care_home_name"] == before[0].1.as_str())
        .expect("first case");
    let reference = first_case["reference"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let follow_mid = lite.message_id("reply");
    let receipt_id = first_receipt[0]
        .raw
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().trim_matches(['<', '>']).to_string())
        .expect("receipt Message-ID");
    let follow = format!(
        "From: Jane Carer <{care_home}>\r\nTo: {SPONSOR}\r\nSubject: Re: {reference}\r\nMessage-ID: <{follow_mid}>\r\nIn-Reply-To: <{receipt_id}>\r\nReferences: <{}> <{receipt_id}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello,\r\n\r\nCQC registration number: 1-821234567\r\n\r\nJane\r\n",
        before[0].0
    );
    lite.deliver(care_home, follow.as_bytes(), &follow_mid)
        .await;
    lite.once(&on_pg).await;

    let after = lite.cases(&on_pg).await;
    assert_eq!(
        after.len(),
        4,
        "one new case, the follow-up joined: {after:#?}"
    );
    let new_case = after
        .iter()
        .find(|c| c["care_home_name"] == new_home.as_str())
        .expect("the new case");
    let new_ref = new_case["reference"].as_str().unwrap_or_default();
    assert!(
        !refs(&copied).contains(new_ref),
        "a fresh reference: {new_ref}"
    );
    Mailboxes::wait_for(
        HOMES[3],
        Duration::from_secs(20),
        "receipt on PostgreSQL",
        |m| m.in_reply_to.iter().any(|r| r == &new_mid),
    )
    .await;
    let joined = lite.case(&on_pg, &reference).await;
    let shown = joined.to_string();
    assert!(
        shown.contains(&follow_mid),
        "the follow-up joined {reference}: {joined:#}"
    );
    assert!(shown.contains("1-821234567"), "{joined:#}");
    let out = lite.cli_ok(&on_pg, &["cases", "verify"]).await;
    assert!(!out.is_empty());

    // And back: PostgreSQL to a new SQLite file holds the same four cases.
    let back_url = format!(
        "sqlite://{}/back/sponsor-intake.db",
        lite.dir.path().display()
    );
    let printed = lite
        .cli_ok(
            &on_pg,
            &["db", "copy", "--from", &pg.database_url, "--to", &back_url],
        )
        .await;
    assert!(printed.contains("copy verified"), "{printed}");
    let on_back = lite.dir.path().join("back.toml");
    let text = std::fs::read_to_string(&on_pg)
        .expect("config")
        .replace(&pg.database_url, &back_url);
    std::fs::write(&on_back, text).expect("config");
    assert_eq!(refs(&lite.cases(&on_back).await), refs(&after));
}

/// Issue 16: `once` started while a killed instance's intake lease has not
/// yet run out says who holds it and until when, not "taken in: 0".
#[tokio::test]
async fn once_names_the_holder_of_a_dead_instances_lease() {
    let bed = Bed::new("deadlease", Backend::Sqlite).await;
    let alpha = instance_config(&bed, "alpha", None);
    let beta = instance_config(&bed, "beta", None);
    let mut a = bed.spawn_daemon_logging(&alpha, "alpha.log");
    a.wait_for_log("holds the intake lease", Duration::from_secs(20))
        .await;
    a.kill();
    let out = bed.cli_ok(&beta, &["once"]).await;
    let holder = format!("alpha-{}", bed.tag);
    assert!(
        out.contains("the intake lease of this mailbox is held by")
            && out.contains(&holder)
            && out.contains("until"),
        "{out}"
    );
    assert!(!out.starts_with("taken in:"), "{out}");
}
