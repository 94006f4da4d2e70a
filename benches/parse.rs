//! Parse throughput on one thread: every `.eml` in `tests/fixtures/emails/`
//! and, when present, `../shared/corpus/`.
//!
//! `cargo bench --bench parse` measures for `BENCH_SECS` seconds (default 5)
//! and prints plain `name: value unit` lines. Run without `--bench` (as
//! `cargo test --all-targets` does) it parses each email once, as a smoke
//! test.
//!
//! A plain `harness = false` program rather than criterion: no extra
//! dependencies to build on a shared 2-core machine, and the figures wanted
//! (emails/s, MB/s) are throughputs criterion does not print as such.

use sponsor_intake::form::readers::{Format, Limits, detect};
use sponsor_intake::parse::parse;
use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

struct Email {
    name: String,
    raw: Vec<u8>,
    /// What kind of email it is for the breakdown: the formats of its
    /// attachments, or `body` when it has none.
    group: String,
}

fn eml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Docx => "docx",
        Format::Odt => "odt",
        Format::Xlsx => "xlsx",
        Format::Xls => "xls",
        Format::Ods => "ods",
        Format::Csv => "csv",
        Format::Pdf => "pdf",
        Format::Html => "html",
        Format::Text => "text",
        Format::Tnef => "tnef",
        Format::LegacyDoc => "doc",
        Format::Other => "other",
    }
}

fn load(limits: &Limits) -> Vec<Email> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = eml_files(&root.join("tests/fixtures/emails"));
    let shared = root.join("../shared/corpus");
    let shared_files = eml_files(&shared);
    if shared_files.is_empty() {
        println!(
            "# {} has no .eml files: measuring the fixtures only",
            shared.display()
        );
    }
    files.extend(shared_files);
    files
        .into_iter()
        .filter_map(|p| {
            let raw = std::fs::read(&p).ok()?;
            let parsed = parse(&raw, limits);
            let mut formats: Vec<&str> = parsed
                .attachments
                .iter()
                .map(|a| format_name(detect(Some(&a.filename), &a.content_type, &[])))
                .collect();
            formats.sort_unstable();
            formats.dedup();
            let group = if formats.is_empty() {
                "body".to_string()
            } else {
                formats.join("+")
            };
            let name = p.file_name()?.to_string_lossy().into_owned();
            Some(Email { name, raw, group })
        })
        .collect()
}

#[derive(Default)]
struct Tally {
    emails: u64,
    bytes: u64,
    time: Duration,
}

impl Tally {
    fn add(&mut self, bytes: usize, time: Duration) {
        self.emails += 1;
        self.bytes += bytes as u64;
        self.time += time;
    }

    fn per_sec(&self) -> (f64, f64) {
        let s = self.time.as_secs_f64().max(1e-9);
        (self.emails as f64 / s, self.bytes as f64 / 1e6 / s)
    }
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let limits = Limits::default();
    let emails = load(&limits);
    assert!(!emails.is_empty(), "no .eml files found");
    if !bench {
        // Smoke test under `cargo test`: `load` has parsed each one already.
        println!("parse bench smoke test: {} emails parsed", emails.len());
        return;
    }
    let secs: f64 = std::env::var("BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5.0);
    let total_bytes: usize = emails.iter().map(|e| e.raw.len()).sum();
    println!(
        "# {} emails, {:.2} MB in all; one thread, {secs} s",
        emails.len(),
        total_bytes as f64 / 1e6
    );

    // Warm up (caches, allocator) with one more pass.
    for e in &emails {
        black_box(parse(black_box(&e.raw), &limits));
    }

    let mut all = Tally::default();
    let mut by_group: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut by_email: Vec<Tally> = emails.iter().map(|_| Tally::default()).collect();
    let wall = Instant::now();
    let budget = Duration::from_secs_f64(secs);
    let mut rounds = 0u64;
    while wall.elapsed() < budget || rounds == 0 {
        for (e, t) in emails.iter().zip(by_email.iter_mut()) {
            let start = Instant::now();
            black_box(parse(black_box(&e.raw), &limits));
            let took = start.elapsed();
            all.add(e.raw.len(), took);
            t.add(e.raw.len(), took);
            by_group.entry(&e.group).or_default().add(e.raw.len(), took);
        }
        rounds += 1;
    }
    let wall = wall.elapsed().as_secs_f64();

    let (eps, mbps) = all.per_sec();
    println!("parse.rounds: {rounds} rounds");
    println!("parse.emails_per_sec: {eps:.1} emails/s");
    println!("parse.mb_per_sec: {mbps:.2} MB/s");
    println!(
        "parse.mean_per_email: {:.3} ms",
        1e3 * all.time.as_secs_f64() / all.emails as f64
    );
    println!("parse.wall: {wall:.2} s");
    for (group, t) in &by_group {
        let (eps, mbps) = t.per_sec();
        let n = t.emails / rounds;
        println!("parse.by_format.{group}.emails: {n} emails");
        println!("parse.by_format.{group}.emails_per_sec: {eps:.1} emails/s");
        println!("parse.by_format.{group}.mb_per_sec: {mbps:.2} MB/s");
    }
    // The slowest emails, where a profile should start.
    let mut slowest: Vec<(f64, &Email)> = by_email
        .iter()
        .zip(&emails)
        .map(|(t, e)| (1e3 * t.time.as_secs_f64() / t.emails.max(1) as f64, e))
        .collect();
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (ms, e) in slowest.iter().take(5) {
        println!("parse.slowest.{}: {ms:.3} ms", e.name);
    }
}
