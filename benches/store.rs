//! Cases per second committed through `Store::open_case`, each with its
//! incoming message, its `opened` event and two outbox rows (the receipt and
//! the administrators' notice), on SQLite (a temporary file) and, when
//! `DATABASE_URL_POSTGRES` is set, on PostgreSQL in a fresh database
//! `si_bench_<random>` that is dropped afterwards.
//!
//! `cargo bench --bench store` measures for `BENCH_SECS` seconds (default 5)
//! per backend and prints plain `name: value unit` lines. Without `--bench`
//! (as under `cargo test --all-targets`) it opens a few cases as a smoke test.
//! Cases are opened one after another, as the daemon's intake does.

use sponsor_intake::form::readers::Limits;
use sponsor_intake::store::{IncomingMessage, MessageStatus, NewCase, NewEvent, Outgoing, Store};
use sqlx::{AssertSqlSafe, Connection};
use std::convert::Infallible;
use std::path::Path;
use std::time::{Duration, Instant};

const YEAR: i32 = 2026;

/// The parts of a realistic case, taken from a golden email.
struct Sample {
    form_json: String,
    provenance_json: String,
    findings_json: String,
    parse_json: String,
    receipt: Vec<u8>,
}

fn sample() -> Sample {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/emails/03-docx-checkboxes-one-line-address.eml");
    let raw = std::fs::read(&path).expect("the golden email");
    let parsed = sponsor_intake::parse::parse(&raw, &Limits::default());
    // An outgoing email of realistic size: the receipt is a few KB of text.
    let mut receipt = b"From: sponsor@example.nhs.net\r\nTo: home@example.org\r\nSubject: Application received\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n".to_vec();
    for _ in 0..60 {
        receipt.extend_from_slice(
            b"Thank you for your application; we will check it against the guidance.\r\n",
        );
    }
    Sample {
        form_json: serde_json::to_string(&parsed.form).expect("form json"),
        provenance_json: serde_json::to_string(&parsed.provenance).expect("provenance json"),
        findings_json: serde_json::to_string(&parsed.findings).expect("findings json"),
        parse_json: parsed.to_contract_json("bench").to_string(),
        receipt,
    }
}

async fn open_one(store: &Store, s: &Sample, run: &str, i: u64) {
    let now = "2026-05-18T09:00:00.000Z".to_string();
    let message = IncomingMessage {
        sha256: format!("{run}{i:048x}"),
        source_key: Some(format!("maildir:{run}:{i}")),
        message_id: Some(format!("{run}.{i}@example.org")),
        from_addr: Some("home@example.org".into()),
        subject: Some("Application for NHSmail".into()),
        kind: "application".into(),
        status: MessageStatus::Processed,
        raw_path: format!("raw/{run}/{i}.eml"),
        parse_json: Some(s.parse_json.clone()),
        note: None,
        received_at: now.clone(),
    };
    let case = NewCase {
        state: "ready_for_decision".into(),
        care_home_name: Some("Rosehill House".into()),
        cqc_id: Some(format!("1-{:09}", i % 1_000_000_000)),
        applicant_name: Some("Jane Smith".into()),
        applicant_email: Some("jane.smith@example.org".into()),
        contact_address: "home@example.org".into(),
        form_json: s.form_json.clone(),
        provenance_json: s.provenance_json.clone(),
        findings_json: s.findings_json.clone(),
        complete: true,
        opened_at: now.clone(),
        completed_at: Some(now.clone()),
        due_on: Some("2026-06-01".into()),
        decision_code: format!("{i:08}"),
        report_received: false,
        linked_case_id: None,
        awaiting_since: None,
        thread_root: Some(format!("{run}.{i}@example.org")),
        registers_json: None,
    };
    let event = NewEvent {
        at: now,
        actor: "care home <home@example.org>".into(),
        event: "opened".into(),
        detail: r#"{"complete":true,"receipt":"queued"}"#.into(),
    };
    let receipt = s.receipt.clone();
    let render = Box::new(
        move |reference: &str| -> Result<Vec<Outgoing>, Infallible> {
            Ok(["receipt", "ready for decision"]
                .iter()
                .map(|purpose| Outgoing {
                    message_id: format!("{reference}.{}.{run}.{i}@example.nhs.net", purpose.len()),
                    purpose: (*purpose).into(),
                    recipients: vec!["home@example.org".into()],
                    subject: format!("{reference}: {purpose}"),
                    raw: receipt.clone(),
                    suppressed: false,
                })
                .collect())
        },
    );
    store
        .open_case(YEAR, &message, &case, event, render)
        .await
        .expect("open_case");
}

/// Opens cases for `secs` seconds (at least `min` of them); returns the count
/// and the time taken.
async fn measure(store: &Store, s: &Sample, secs: f64, min: u64) -> (u64, Duration) {
    let run = format!("{:016x}", rand::random::<u64>());
    let budget = Duration::from_secs_f64(secs);
    let start = Instant::now();
    let mut n = 0;
    while n < min || start.elapsed() < budget {
        open_one(store, s, &run, n).await;
        n += 1;
    }
    (n, start.elapsed())
}

fn report(name: &str, n: u64, took: Duration) {
    let s = took.as_secs_f64();
    println!("store.{name}.cases: {n} cases");
    println!("store.{name}.cases_per_sec: {:.1} cases/s", n as f64 / s);
    println!("store.{name}.mean_per_case: {:.3} ms", 1e3 * s / n as f64);
}

async fn sqlite(s: &Sample, secs: f64, min: u64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let store = Store::open(&url, 5).await.expect("open SQLite");
    open_one(&store, s, "warmup", 0).await;
    let (n, took) = measure(&store, s, secs, min).await;
    store.close().await;
    report("sqlite", n, took);
}

/// `url` with its database name replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{db}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

async fn postgres(admin_url: &str, s: &Sample, secs: f64, min: u64) {
    let db = format!("si_bench_{:016x}", rand::random::<u64>());
    let mut admin = sqlx::PgConnection::connect(admin_url)
        .await
        .expect("connect to DATABASE_URL_POSTGRES");
    sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {db}")))
        .execute(&mut admin)
        .await
        .expect("create the bench database");
    let url = with_database(admin_url, &db);
    let result = async {
        let store = Store::open(&url, 5).await?;
        open_one(&store, s, "warmup", 0).await;
        let out = measure(&store, s, secs, min).await;
        store.close().await;
        Ok::<_, sponsor_intake::store::StoreError>(out)
    }
    .await;
    let dropped = sqlx::query(AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {db} WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await;
    let _ = admin.close().await;
    if let Err(e) = dropped {
        eprintln!("could not drop database {db}: {e}");
    }
    let (n, took) = result.expect("PostgreSQL store");
    report("postgres", n, took);
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let (secs, min) = if bench {
        let secs = std::env::var("BENCH_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(5.0);
        (secs, 10)
    } else {
        assert_eq!(
            with_database("postgres://u@h:5432/test", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            with_database("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
        (0.0, 3)
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let s = sample();
    rt.block_on(async {
        sqlite(&s, secs, min).await;
        match std::env::var("DATABASE_URL_POSTGRES") {
            Ok(url) if !url.is_empty() => postgres(&url, &s, secs, min).await,
            _ => println!("# DATABASE_URL_POSTGRES is not set: PostgreSQL skipped"),
        }
    });
}
