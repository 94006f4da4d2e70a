//! Scheduled work (issue 5) through the real servers, with time moved by
//! `--now` instead of waited for: overdue digests, chasers and the lapse,
//! working days across a bank holiday, retention.

use crate::support::mail::{self, Mailboxes};
use crate::support::{ADMINS, Backend, Bed, PRIMARY, Settings};
use std::path::Path;

const JOBS: &str = "
[jobs.overdue]
enabled = true
schedule = \"0 0 8 * * *\"
escalate_after_working_days = 2
[jobs.chasers]
enabled = true
schedule = \"0 30 8 * * *\"
chase_after_working_days = 2
max_chasers = 2
[jobs.weekly_summary]
enabled = false
[jobs.canary]
enabled = false
[jobs.retention]
enabled = true
schedule = \"0 15 2 * * *\"
retention_days = 30
";

fn config(bed: &Bed) -> std::path::PathBuf {
    bed.write_config(
        "jobs.toml",
        &Settings {
            jobs: JOBS.to_string(),
            ..Settings::default()
        },
    )
}

async fn once_at(bed: &Bed, config: &Path, now: &str) -> String {
    bed.cli_ok(config, &["--now", now, "once"]).await
}

/// A message with the form in the body (optionally without some lines) and, when `report`, the DSPT report.
fn application(from: &str, mid: &str, home: &str, leave_out: &[&str]) -> Vec<u8> {
    let full = String::from_utf8(mail::application(from, mid, home)).expect("utf-8");
    full.split("\r\n")
        .filter(|l| !leave_out.iter().any(|x| l.starts_with(x)))
        .collect::<Vec<_>>()
        .join("\r\n")
        .into_bytes()
}

async fn only_case(bed: &Bed, config: &Path) -> serde_json::Value {
    let cases = bed.cases(config).await;
    assert_eq!(cases.len(), 1, "{cases:#?}");
    bed.case(config, cases[0]["reference"].as_str().unwrap_or_default())
        .await
}

const WAIT: std::time::Duration = std::time::Duration::from_secs(20);

fn is_digest(m: &mail::Mail, home: &str) -> bool {
    m.subject.contains("decision(s) overdue") && m.text.contains(home)
}

/// How often the case was listed in an overdue digest (its history).
async fn overdue_events(bed: &Bed, config: &Path, reference: &str) -> usize {
    let case = bed.case(config, reference).await;
    case["history"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["event"] == "overdue reminder")
        .count()
}

/// Acceptance 1 and 3: the due date skips a bank holiday; the overdue digest comes once a
/// period; later the primary Local Administrator is copied.
async fn overdue_digest_once_per_period_then_the_primary_la(backend: Backend) {
    let care_home = "carehome3@example.test";
    let bed = Bed::new("overdue", backend).await;
    let config = config(&bed);
    let home = format!("Poplar House {}", bed.tag);
    let mid = bed.message_id("app");
    bed.deliver(care_home, &application(care_home, &mid, &home, &[]), &mid)
        .await;
    // Tuesday 25 August 2026: ten working days, with the bank holiday of 31 August inside.
    once_at(&bed, &config, "2026-08-25T10:00:00Z").await;
    let case = only_case(&bed, &config).await;
    assert_eq!(
        case["due_on"], "2026-09-09",
        "the holiday moves the date by a day: {case:#}"
    );
    let receipt = Mailboxes::wait_for(
        care_home,
        std::time::Duration::from_secs(20),
        "receipt",
        |m| m.in_reply_to.iter().any(|r| r == &mid),
    )
    .await;
    assert!(
        receipt[0].text.contains("Wednesday 9 September 2026"),
        "{}",
        receipt[0].text
    );

    let reference = case["reference"].as_str().unwrap_or_default().to_string();
    once_at(&bed, &config, "2026-09-09T12:00:00Z").await;
    assert_eq!(
        overdue_events(&bed, &config, &reference).await,
        0,
        "not overdue on its due date"
    );
    once_at(&bed, &config, "2026-09-10T09:00:00Z").await;
    assert_eq!(
        overdue_events(&bed, &config, &reference).await,
        1,
        "listed once overdue"
    );
    Mailboxes::wait_for(ADMINS, WAIT, "overdue digest", |m| is_digest(m, &home)).await;
    once_at(&bed, &config, "2026-09-10T11:00:00Z").await;
    assert_eq!(
        overdue_events(&bed, &config, &reference).await,
        1,
        "nothing more in the same period"
    );
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(
        Mailboxes::matching(ADMINS, |m| is_digest(m, &home)).len(),
        1,
        "one digest in the administrators' mailbox"
    );
    assert_eq!(
        Mailboxes::matching(PRIMARY, |m| is_digest(m, &home)).len(),
        0,
        "the primary LA is not copied yet"
    );
    // Three working days overdue (10, 11, 14 September): past escalate_after_working_days = 2.
    once_at(&bed, &config, "2026-09-14T09:00:00Z").await;
    Mailboxes::wait_for(PRIMARY, WAIT, "digest copied to the primary LA", |m| {
        is_digest(m, &home)
    })
    .await;
}
crate::on_both_backends!(
    overdue_digest_once_per_period_then_the_primary_la,
    overdue_digest_once_per_period_then_the_primary_la
);

/// Acceptance 2: chasers with the missing items, then the lapse email; the case lapses.
async fn chasers_then_lapse(backend: Backend) {
    let care_home = "carehome4@example.test";
    let bed = Bed::new("chasers", backend).await;
    let config = config(&bed);
    let home = format!("Hazel Bank {}", bed.tag);
    let mid = bed.message_id("app");
    bed.deliver(
        care_home,
        &application(care_home, &mid, &home, &["CQC registration number"]),
        &mid,
    )
    .await;
    once_at(&bed, &config, "2026-10-01T10:00:00Z").await;
    assert_eq!(
        only_case(&bed, &config).await["state"],
        "awaiting_information"
    );
    let start = chrono::NaiveDate::from_ymd_opt(2026, 10, 2).expect("date");
    for day in 0..30 {
        let d = start + chrono::Days::new(day);
        once_at(&bed, &config, &format!("{d}T09:00:00Z")).await;
    }
    let ours = |m: &mail::Mail| {
        m.in_reply_to.iter().any(|r| r == &mid) || m.references.iter().any(|r| r == &mid)
    };
    let chasers = Mailboxes::matching(care_home, |m| ours(m) && m.subject.contains("reminder"));
    assert_eq!(
        chasers.len(),
        2,
        "two chasers: {:?}",
        chasers.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    assert!(
        chasers
            .iter()
            .all(|m| m.text.contains("CQC registration number")),
        "they restate what is missing"
    );
    let lapsed = Mailboxes::matching(care_home, |m| ours(m) && m.subject.contains("closed"));
    assert_eq!(lapsed.len(), 1, "one lapse email");
    assert!(
        lapsed[0].text.to_lowercase().contains("apply again"),
        "{}",
        lapsed[0].text
    );
    assert_eq!(only_case(&bed, &config).await["state"], "lapsed");
}
crate::on_both_backends!(chasers_then_lapse, chasers_then_lapse);

/// The stored emails sent for a case, as text.
async fn outbox_bodies(bed: &Bed, reference: &str) -> Vec<String> {
    use sqlx::{Connection, Row};
    sqlx::any::install_default_drivers();
    let mut db = sqlx::AnyConnection::connect(&bed.database_url)
        .await
        .expect("open the database");
    let rows = sqlx::query(
        "SELECT o.raw FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.reference = $1",
    )
    .bind(reference)
    .fetch_all(&mut db)
    .await
    .expect("outbox");
    let _ = db.close().await;
    rows.iter()
        .map(|r| String::from_utf8_lossy(&r.get::<Vec<u8>, _>("raw")).into_owned())
        .collect()
}

fn raw_files(bed: &Bed) -> usize {
    fn walk(dir: &Path) -> usize {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| {
                        let p = e.path();
                        if p.is_dir() {
                            walk(&p)
                        } else {
                            usize::from(p.extension().is_some_and(|x| x == "eml"))
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    walk(&bed.dir.path().join("state").join("messages"))
}

/// Acceptance 4: retention deletes the raw messages of a case closed long enough ago, and nothing else.
async fn retention_deletes_only_what_it_should(backend: Backend) {
    let bed = Bed::new("retention", backend).await;
    let config = config(&bed);
    let (a, b) = ("carehome1@example.test", "carehome2@example.test");
    let (mid_a, mid_b) = (bed.message_id("a"), bed.message_id("b"));
    bed.deliver(
        a,
        &application(a, &mid_a, &format!("Larch {}", bed.tag), &[]),
        &mid_a,
    )
    .await;
    // Another home with its own CQC number (the same number would join the first case).
    let other = String::from_utf8(application(b, &mid_b, &format!("Rowan {}", bed.tag), &[]))
        .expect("utf-8")
        .replace("1-123456789", "1-987654321");
    bed.deliver(b, other.as_bytes(), &mid_b).await;
    let out = once_at(&bed, &config, "2026-06-01T10:00:00Z").await;
    let cases = bed.cases(&config).await;
    assert_eq!(cases.len(), 2, "{out}");
    let closed = cases
        .iter()
        .find(|c| {
            c["care_home_name"]
                .as_str()
                .unwrap_or_default()
                .starts_with("Larch")
        })
        .expect("Larch case");
    let reference = closed["reference"].as_str().unwrap_or_default().to_string();
    bed.cli_ok(
        &config,
        &[
            "--now",
            "2026-06-02T10:00:00Z",
            "cases",
            "reject",
            &reference,
            "--reason",
            "Not a care home.",
        ],
    )
    .await;
    assert_eq!(raw_files(&bed), 2);
    once_at(&bed, &config, "2026-06-20T03:00:00Z").await;
    assert_eq!(raw_files(&bed), 2, "not yet 30 days closed");
    once_at(&bed, &config, "2026-07-10T03:00:00Z").await;
    assert_eq!(
        raw_files(&bed),
        1,
        "the closed case's message is deleted, the open case's kept"
    );
    let case = bed.case(&config, &reference).await;
    let events: Vec<_> = case["history"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["event"].as_str())
        .collect();
    assert!(events.contains(&"raw messages deleted"), "{events:?}");
    // The copies of the form and the answers in the emails sent for the
    // case go too; the emails are still listed, with their headers.
    let bodies = outbox_bodies(&bed, &reference).await;
    assert!(!bodies.is_empty(), "the case's emails are still recorded");
    for body in &bodies {
        assert!(
            !body.contains("07700") && !body.contains("Content-Disposition: attachment"),
            "{body}"
        );
        assert!(body.contains("deleted by retention"), "{body}");
    }
    assert_eq!(
        case["form"]["care_home_name"]
            .as_str()
            .map(|n| n.starts_with("Larch")),
        Some(true),
        "the case record stays"
    );
}
crate::on_both_backends!(
    retention_deletes_only_what_it_should,
    retention_deletes_only_what_it_should
);

const SUMMARY_AND_OVERDUE: &str = "
[jobs.overdue]
enabled = true
schedule = \"0 0 8 * * *\"
[jobs.chasers]
enabled = false
[jobs.weekly_summary]
enabled = true
schedule = \"0 0 9 * * Mon\"
[jobs.canary]
enabled = false
[jobs.retention]
enabled = false
";

/// Issue 16: a new installation sends no weekly summary at its first start
/// (the first is the next one due); after a run with a later `--now`, `jobs
/// list` gives each job's next run after that run, not "now"; emails carry
/// the `--now` date in their Date header.
async fn first_start_sends_no_summary_and_now_dates_everything(backend: Backend) {
    let bed = Bed::new("first-start", backend).await;
    let config = bed.write_config(
        "jobs.toml",
        &Settings {
            jobs: SUMMARY_AND_OVERDUE.to_string(),
            ..Settings::default()
        },
    );
    // Far from every other test's dates: these summaries are this test's.
    let year = 2031 + (bed.tag.bytes().map(u32::from).sum::<u32>() % 40);
    let monday = |day: u32| {
        let mut d = chrono::NaiveDate::from_ymd_opt(year as i32, 3, day).expect("date");
        while chrono::Datelike::weekday(&d) != chrono::Weekday::Mon {
            d = d.succ_opt().expect("date");
        }
        d
    };
    let first = monday(1);
    let week_after = first + chrono::Duration::days(7);
    let is_summary = |m: &mail::Mail| {
        m.subject.contains("weekly summary") && m.subject.contains(&year.to_string())
    };
    once_at(&bed, &config, &format!("{first}T10:00:00Z")).await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert!(
        Mailboxes::matching(ADMINS, is_summary).is_empty(),
        "no summary at the first start"
    );
    let listed = bed.cli_ok(&config, &["jobs", "list", "--json"]).await;
    for line in listed.lines().filter(|l| !l.trim().is_empty()) {
        let job: serde_json::Value = serde_json::from_str(line).expect("jobs list --json");
        if job["enabled"] != true {
            continue;
        }
        let next = job["next_run"].as_str().unwrap_or_default();
        assert!(
            next > first.to_string().as_str(),
            "{}: next {next} is after the run of {first}: {listed}",
            job["job"]
        );
    }
    once_at(&bed, &config, &format!("{week_after}T10:00:00Z")).await;
    let summaries = Mailboxes::wait_for(ADMINS, WAIT, "weekly summary", is_summary).await;
    assert_eq!(summaries.len(), 1);
    let date = summaries[0]
        .raw
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("date:"))
        .unwrap_or_default()
        .to_string();
    let sent = chrono::DateTime::parse_from_rfc2822(
        date.trim_start_matches(|c| c != ':')
            .trim_start_matches(':')
            .trim(),
    )
    .unwrap_or_else(|e| panic!("{date}: {e}"));
    assert_eq!(
        sent.date_naive(),
        week_after,
        "the Date header is --now: {date}"
    );
}
crate::on_both_backends!(
    first_start_sends_no_summary_and_now_dates_everything,
    first_start_sends_no_summary_and_now_dates_everything
);
